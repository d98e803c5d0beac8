//! Root-cause (fishbone) analyses over HTTP: category sets, causes nested to any depth with
//! their category rule, verification and votes, links validated, the SVG, roles and scope.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{code, fields, spawn_app, TestApp};

async fn complaint(app: &TestApp, segment: i64) -> i64 {
    app.create(
        "/api/v1/complaints",
        &app.admin,
        json!({"segment_id": segment, "summary": "Call-backs are late", "channel": "phone"}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

#[actix_web::test]
async fn an_analysis_holds_causes_in_its_categories_nested_to_any_depth() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (facilitator, _) = app.user("facilitator", &[]).await;
    let requirement = app.requirement("HD-CALLBACK").await;
    let c = complaint(&app, finance).await;

    let (status, rca) = app
        .post(
            "/api/v1/root-causes",
            &facilitator,
            json!({"problem": "Call-backs take 22 minutes, promised 5", "segment_id": finance,
                   "service_area_id": 8, "category_set": "4S",
                   "links": {"complaint_ids": [c, c], "requirement_ids": [requirement]}}),
        )
        .await;
    assert_eq!(status, 201, "{rca}");
    assert_eq!(
        rca["categories"],
        json!(["Surroundings", "Suppliers", "Systems", "Skills"])
    );
    assert_eq!(rca["category_set"], "4S");
    assert_eq!(rca["segment_name"], "Finance");
    assert_eq!(
        rca["links"],
        json!({"complaint_ids": [c], "service_target_ids": [], "requirement_ids": [requirement]})
    );
    assert_eq!(rca["causes"], json!([]));
    let rca_id = id(&rca);
    let causes = format!("/api/v1/root-causes/{rca_id}/causes");

    let (status, top) = app
        .post(
            &causes,
            &facilitator,
            json!({"category": "Systems", "text": "Queue not on the wall board", "evidence": "Board config"}),
        )
        .await;
    assert_eq!(status, 201, "{top}");
    assert_eq!(
        (top["verified"].clone(), top["votes"].clone()),
        (json!(false), json!(0))
    );
    let (status, sub) = app
        .post(
            &causes,
            &facilitator,
            json!({"category": "Systems", "text": "Board polls every 15 min", "parent_id": id(&top)}),
        )
        .await;
    assert_eq!(status, 201, "{sub}");
    let (status, subsub) = app
        .post(
            &causes,
            &facilitator,
            json!({"category": "Systems", "text": "Vendor default", "parent_id": id(&sub)}),
        )
        .await;
    assert_eq!((status, subsub["parent_id"].as_i64()), (201, Some(id(&sub))));

    // The category must be one of the analysis's; a sub-cause stays in its parent's.
    for body in [
        json!({"category": "Machines", "text": "x"}),
        json!({"category": "systems", "text": "x"}),
        json!({"category": "Skills", "text": "x", "parent_id": id(&top)}),
    ] {
        let (status, err) = app.post(&causes, &facilitator, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, vec!["category".to_owned()]), "{body}");
    }
    // A parent of another analysis, or none at all, is named.
    let (_, other) = app
        .post(
            "/api/v1/root-causes",
            &facilitator,
            json!({"problem": "Other", "category_set": "6M"}),
        )
        .await;
    let (_, foreign) = app
        .post(
            &format!("/api/v1/root-causes/{}/causes", id(&other)),
            &facilitator,
            json!({"category": "People", "text": "x"}),
        )
        .await;
    for parent in [id(&foreign), 999_999] {
        let (status, err) = app
            .post(
                &causes,
                &facilitator,
                json!({"category": "Systems", "text": "x", "parent_id": parent}),
            )
            .await;
        assert_eq!((status, fields(&err)), (422, vec!["parent_id".to_owned()]));
    }
    // Blank text and unknown fields.
    let (status, err) = app
        .post(&causes, &facilitator, json!({"category": "Systems", "text": "  "}))
        .await;
    assert_eq!((status, fields(&err)), (422, vec!["text".to_owned()]));

    // Verify, vote, reword; another analysis's cause is not found here.
    let cause_path = format!("{causes}/{}", id(&top));
    let (status, patched) = app
        .patch(
            &cause_path,
            &facilitator,
            json!({"verified": true, "votes": 4, "text": "Call-back queue not on the wall board"}),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (patched["verified"].clone(), patched["votes"].clone()),
        (json!(true), json!(4))
    );
    let (status, _) = app
        .patch(&format!("{causes}/{}", id(&foreign)), &facilitator, json!({"votes": 1}))
        .await;
    assert_eq!(status, 404);
    let (status, err) = app.patch(&cause_path, &facilitator, json!({"votes": -1})).await;
    assert_eq!((status, fields(&err)), (422, vec!["votes".to_owned()]));

    let (status, read) = app.get(&format!("/api/v1/root-causes/{rca_id}"), &facilitator).await;
    assert_eq!(status, 200);
    assert_eq!(read["cause_count"], 3);
    assert_eq!(read["verified_count"], 1);
    let texts: Vec<&str> = read["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        vec![
            "Call-back queue not on the wall board",
            "Board polls every 15 min",
            "Vendor default"
        ]
    );

    // The list carries counts, not causes.
    let (status, list) = app
        .get(&format!("/api/v1/root-causes?segment_id={finance}"), &facilitator)
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    assert!(list["items"][0].get("causes").is_none());
    assert_eq!(list["items"][0]["verified_count"], 1);

    // Deleting a cause takes its sub-causes with it.
    let (status, _) = app.delete(&format!("{causes}/{}", id(&sub)), &facilitator).await;
    assert_eq!(status, 204);
    let (_, read) = app.get(&format!("/api/v1/root-causes/{rca_id}"), &facilitator).await;
    assert_eq!(read["cause_count"], 1);

    // Every write is audited.
    let (_, audit) = app.get("/api/v1/audit?object_type=root_cause_cause", &app.admin).await;
    assert_eq!(audit["total"], 6, "{audit}");
    let (_, audit) = app
        .get(
            &format!("/api/v1/audit?object_type=root_cause&object_id={rca_id}"),
            &app.admin,
        )
        .await;
    assert_eq!(audit["total"], 1);

    let (status, _) = app.delete(&format!("/api/v1/root-causes/{rca_id}"), &facilitator).await;
    assert_eq!(status, 204);
    let (status, _) = app.get(&format!("/api/v1/root-causes/{rca_id}"), &facilitator).await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn category_sets_and_links_are_checked() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let sales = app.segment("Sales").await;
    let lead = &app.admin;
    let post = |body: Value| app.post("/api/v1/root-causes", lead, body);

    let (status, rca) =
        post(json!({"problem": "P", "category_set": "custom", "categories": [" Tools ", "Handover"]})).await;
    assert_eq!(status, 201, "{rca}");
    assert_eq!(rca["categories"], json!(["Tools", "Handover"]));
    let (_, eight) = post(json!({"problem": "P", "category_set": "8P"})).await;
    assert_eq!(eight["categories"].as_array().unwrap().len(), 8);

    for (body, field) in [
        (json!({"problem": "P", "category_set": "custom"}), "categories"),
        (
            json!({"problem": "P", "category_set": "custom", "categories": ["A", "a"]}),
            "categories",
        ),
        (
            json!({"problem": "P", "category_set": "6M", "categories": ["A"]}),
            "categories",
        ),
        (json!({"problem": "P", "category_set": "7Q"}), "category_set"),
        (json!({"problem": " ", "category_set": "6M"}), "problem"),
        (
            json!({"problem": "P", "category_set": "6M", "segment_id": 999_999}),
            "segment_id",
        ),
        (
            json!({"problem": "P", "category_set": "6M", "service_area_id": 999_999}),
            "service_area_id",
        ),
        (
            json!({"problem": "P", "category_set": "6M", "links": {"complaint_ids": [999_999]}}),
            "links.complaint_ids",
        ),
        (
            json!({"problem": "P", "category_set": "6M", "links": {"service_target_ids": [999_999]}}),
            "links.service_target_ids",
        ),
        (
            json!({"problem": "P", "category_set": "6M", "links": {"requirement_ids": [999_999]}}),
            "links.requirement_ids",
        ),
        (
            json!({"problem": "P", "category_set": "6M", "links": {"tickets": [1]}}),
            "links",
        ),
    ] {
        let (status, err) = post(body.clone()).await;
        assert_eq!(status, 422, "{body}: {err}");
        assert_eq!(code(&err), "validation_failed");
        if field != "links" {
            assert_eq!(fields(&err), vec![field.to_owned()], "{body}");
        }
    }
    // A segment's analysis links only that segment's complaints.
    let sales_complaint = complaint(&app, sales).await;
    let (status, err) = post(json!({"problem": "P", "category_set": "6M", "segment_id": finance,
        "links": {"complaint_ids": [sales_complaint]}}))
    .await;
    assert_eq!((status, fields(&err)), (422, vec!["links.complaint_ids".to_owned()]));

    // New categories must still hold every cause.
    let path = format!("/api/v1/root-causes/{}", id(&rca));
    app.create(
        &format!("{path}/causes"),
        lead,
        json!({"category": "Tools", "text": "Old laptops"}),
    )
    .await;
    let (status, err) = app.patch(&path, lead, json!({"categories": ["Handover"]})).await;
    assert_eq!((status, fields(&err)), (422, vec!["categories".to_owned()]));
    let (status, changed) = app
        .patch(
            &path,
            lead,
            json!({"categories": ["Tools", "Handover", "Budget"], "problem": "Q", "segment_id": finance}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["categories"], json!(["Tools", "Handover", "Budget"]));
    assert_eq!(
        (changed["problem"].clone(), changed["segment_id"].clone()),
        (json!("Q"), json!(finance))
    );
    let (status, changed) = app.patch(&path, lead, json!({"segment_id": null})).await;
    assert_eq!((status, changed["segment_id"].clone()), (200, Value::Null));
}

#[actix_web::test]
async fn roles_scope_and_the_fishbone_svg() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let sales = app.segment("Sales").await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let (leadership, _) = app.user("leadership", &[]).await;

    let (status, _) = app
        .post(
            "/api/v1/root-causes",
            &stakeholder,
            json!({"problem": "P", "category_set": "6M"}),
        )
        .await;
    assert_eq!(status, 403);
    let mut ids = Vec::new();
    for segment in [Some(finance), Some(sales), None] {
        let (status, rca) = app
            .post(
                "/api/v1/root-causes",
                &leadership,
                json!({"problem": "Printing <fails> & \"jams\"", "category_set": "4S", "segment_id": segment}),
            )
            .await;
        assert_eq!(status, 201, "{rca}");
        ids.push(id(&rca));
    }
    // Stakeholders read their segment's analyses and those without a segment.
    let (_, list) = app.get("/api/v1/root-causes", &stakeholder).await;
    let seen: Vec<i64> = list["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!((list["total"].clone(), seen.contains(&ids[1])), (json!(2), false));
    let (status, _) = app.get(&format!("/api/v1/root-causes/{}", ids[1]), &stakeholder).await;
    assert_eq!(status, 404);
    let (status, _) = app.get(&format!("/api/v1/root-causes/{}", ids[2]), &stakeholder).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .post(
            &format!("/api/v1/root-causes/{}/causes", ids[0]),
            &stakeholder,
            json!({"category": "Skills", "text": "x"}),
        )
        .await;
    assert_eq!(status, 403);

    // The SVG: escaped labels, the verified cause marked.
    let (_, cause) = app
        .post(
            &format!("/api/v1/root-causes/{}/causes", ids[0]),
            &leadership,
            json!({"category": "Skills", "text": "Nobody <trained> on \"tray 2\" & feeders"}),
        )
        .await;
    app.patch(
        &format!("/api/v1/root-causes/{}/causes/{}", ids[0], id(&cause)),
        &leadership,
        json!({"verified": true}),
    )
    .await;
    let (status, body, headers) = app
        .raw(
            Method::GET,
            &format!("/api/v1/root-causes/{}/fishbone.svg", ids[0]),
            Some(&stakeholder),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    let svg = String::from_utf8(body).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains("&lt;fails&gt; &amp; &quot;jams&quot;"), "{svg}");
    assert!(svg.contains("&lt;trained&gt;"));
    assert!(!svg.contains("<trained>") && !svg.contains("<fails>"));
    let (status, _, _) = app
        .raw(
            Method::GET,
            &format!("/api/v1/root-causes/{}/fishbone.svg", ids[1]),
            Some(&stakeholder),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

/// A verified cause becomes the change that treats it: a new change of a draft plan, linked
/// back to the analysis and the cause; plan managers only, the plan must take changes.
#[actix_web::test]
async fn a_cause_becomes_a_plan_change_linked_back_to_it() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (lead, owner) = app.user("leadership", &[]).await;
    let (facilitator, _) = app.user("facilitator", &[]).await;
    let rca = app
        .create(
            "/api/v1/root-causes",
            &facilitator,
            json!({"problem": "Call-backs are late", "segment_id": finance, "category_set": "4S"}),
        )
        .await;
    let cause = app
        .create(
            &format!("/api/v1/root-causes/{}/causes", id(&rca)),
            &facilitator,
            json!({"category": "Systems", "text": "The queue is not on the wall board"}),
        )
        .await;
    let plan = app
        .create(
            "/api/v1/improvement-plans",
            &lead,
            json!({"title": "Call-backs", "service_area_id": 8, "segment_ids": [finance]}),
        )
        .await;
    let route = format!("/api/v1/root-causes/{}/causes/{}/change", id(&rca), id(&cause));
    let body = json!({"plan_id": id(&plan), "title": "Put the queue on the wall board",
                      "owner_id": owner, "due_on": "2099-02-01", "links": {"root_cause_id": 999999}});

    let (status, _) = app.post(&route, &facilitator, body.clone()).await;
    assert_eq!(status, 403, "facilitators analyse; plan managers change plans");

    let (status, change) = app.post(&route, &lead, body.clone()).await;
    assert_eq!(status, 201, "{change}");
    assert_eq!(change["links"]["root_cause_id"], rca["id"], "{change}");
    assert_eq!(change["links"]["cause_id"], cause["id"], "{change}");
    let (_, stored) = app
        .get(&format!("/api/v1/improvement-plans/{}", id(&plan)), &lead)
        .await;
    assert_eq!(stored["changes"][0]["title"], "Put the queue on the wall board");
    assert_eq!(stored["changes"][0]["links"]["cause_id"], cause["id"]);

    // An unknown plan names `plan_id`; an unknown cause is 404; a cause of another analysis too.
    let (status, err) = app
        .post(
            &route,
            &lead,
            json!({"plan_id": 999999, "title": "x", "owner_id": owner, "due_on": "2099-02-01"}),
        )
        .await;
    assert_eq!((status, code(&err)), (422, "validation_failed"), "{err}");
    assert!(fields(&err).contains(&"plan_id".to_owned()), "{err}");
    let other = app
        .create(
            "/api/v1/root-causes",
            &facilitator,
            json!({"problem": "Another", "category_set": "6M"}),
        )
        .await;
    let wrong = format!("/api/v1/root-causes/{}/causes/{}/change", id(&other), id(&cause));
    assert_eq!(app.post(&wrong, &lead, body.clone()).await.0, 404);
    // A plan whose scope is frozen takes no new change.
    app.post(
        &format!("/api/v1/improvement-plans/{}/submit", id(&plan)),
        &lead,
        Value::Null,
    )
    .await;
    let (status, err) = app.post(&route, &lead, body).await;
    assert_eq!((status, code(&err)), (409, "invalid_state"), "{err}");

    // A plan change may name an analysis directly, which must exist.
    let plan2 = app
        .create(
            "/api/v1/improvement-plans",
            &lead,
            json!({"title": "Other", "service_area_id": 8, "segment_ids": [finance]}),
        )
        .await;
    let (status, err) = app
        .post(
            &format!("/api/v1/improvement-plans/{}/changes", id(&plan2)),
            &lead,
            json!({"title": "x", "owner_id": owner, "due_on": "2099-02-01", "links": {"root_cause_id": 999999}}),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    assert!(fields(&err).contains(&"links.root_cause_id".to_owned()), "{err}");
}
