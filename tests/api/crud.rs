//! Create, read, list, update and delete for each resource, with the rules each one keeps.

use serde_json::{json, Value};

use crate::helpers::{code, fields, spawn_app, PASSWORD};

#[actix_web::test]
async fn segments_crud() {
    let app = spawn_app().await;
    let created = app
        .create(
            "/api/v1/segments",
            &app.admin,
            json!({"name": " Faculty ", "description": "Teaching staff", "headcount": 420, "weight": 2.5, "ambassador": "Dana"}),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["name"], "Faculty", "names are trimmed");
    assert_eq!(created["weight"], 2.5);
    let (_, default_weight) = app
        .post("/api/v1/segments", &app.admin, json!({"name": "Students"}))
        .await;
    assert_eq!(default_weight["weight"], 1.0);

    let (status, got) = app.get(&format!("/api/v1/segments/{id}"), &app.admin).await;
    assert_eq!((status, &got["headcount"]), (200, &json!(420)));

    let (status, list) = app.get("/api/v1/segments?limit=1", &app.admin).await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["name"], "Faculty", "sorted by name");
    let (_, second) = app.get("/api/v1/segments?limit=1&offset=1", &app.admin).await;
    assert_eq!(second["items"][0]["name"], "Students");

    let (status, updated) = app
        .patch(
            &format!("/api/v1/segments/{id}"),
            &app.admin,
            json!({"description": null, "weight": 3}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["description"], Value::Null, "null clears");
    assert_eq!(updated["ambassador"], "Dana", "absent leaves as is");
    assert_eq!(updated["weight"], 3.0);

    let (status, body) = app
        .post("/api/v1/segments", &app.admin, json!({"name": "faculty"}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (409, "duplicate"),
        "names are unique regardless of case"
    );

    assert_eq!(app.delete(&format!("/api/v1/segments/{id}"), &app.admin).await.0, 204);
    let (status, body) = app.get(&format!("/api/v1/segments/{id}"), &app.admin).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    assert_eq!(app.delete(&format!("/api/v1/segments/{id}"), &app.admin).await.0, 404);
}

#[actix_web::test]
async fn deleting_what_is_in_use_is_a_conflict() {
    let app = spawn_app().await;
    let segment = app.segment("Finance").await;
    let requirement = app.requirement("HD-CALLBACK").await;
    let session = app.session(&[segment]).await;
    let finding = app
        .create(
            "/api/v1/findings",
            &app.admin,
            json!({"requirement_id": requirement, "segment_id": segment, "session_id": session, "category": "basic", "importance": 5}),
        )
        .await;
    for path in [
        format!("/api/v1/segments/{segment}"),
        format!("/api/v1/requirements/{requirement}"),
        format!("/api/v1/sessions/{session}"),
        "/api/v1/service-areas/8".to_string(),
    ] {
        let (status, body) = app.delete(&path, &app.admin).await;
        assert_eq!((status, code(&body)), (409, "in_use"), "{path}");
    }
    // Once the evidence is gone, so can the rest be.
    assert_eq!(
        app.delete(&format!("/api/v1/findings/{}", finding["id"]), &app.admin)
            .await
            .0,
        204
    );
    assert_eq!(
        app.delete(&format!("/api/v1/sessions/{session}"), &app.admin).await.0,
        204
    );
    assert_eq!(
        app.delete(&format!("/api/v1/requirements/{requirement}"), &app.admin)
            .await
            .0,
        204
    );
    assert_eq!(
        app.delete(&format!("/api/v1/segments/{segment}"), &app.admin).await.0,
        204
    );
}

#[actix_web::test]
async fn service_areas_are_seeded_and_extensible() {
    let app = spawn_app().await;
    let (status, list) = app.get("/api/v1/service-areas", &app.admin).await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 8);
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Helpdesk support") && names.contains(&"Strategic planning"),
        "{names:?}"
    );
    let created = app
        .create(
            "/api/v1/service-areas",
            &app.admin,
            json!({"name": "Security", "description": "Access and data protection"}),
        )
        .await;
    let (status, body) = app
        .post("/api/v1/service-areas", &app.admin, json!({"name": "security"}))
        .await;
    assert_eq!((status, code(&body)), (409, "duplicate"));
    let (status, updated) = app
        .patch(
            &format!("/api/v1/service-areas/{}", created["id"]),
            &app.admin,
            json!({"name": "Information security"}),
        )
        .await;
    assert_eq!((status, updated["name"].as_str()), (200, Some("Information security")));
    assert_eq!(
        app.delete(&format!("/api/v1/service-areas/{}", created["id"]), &app.admin)
            .await
            .0,
        204
    );
}

#[actix_web::test]
async fn sessions_crud_and_filter() {
    let app = spawn_app().await;
    let (a, b) = (app.segment("Faculty").await, app.segment("Students").await);
    let created = app
        .create(
            "/api/v1/sessions",
            &app.admin,
            json!({"kind": "interview", "title": "Dean interview", "held_on": "2026-10-01", "segment_ids": [a, a], "facilitator": "Kim", "notes": "Call-backs are slow"}),
        )
        .await;
    assert_eq!(created["segment_ids"], json!([a]), "duplicates collapse");
    assert_eq!(created["held_on"], "2026-10-01");
    let joint = app.session(&[a, b]).await;
    let (_, of_b) = app.get(&format!("/api/v1/sessions?segment_id={b}"), &app.admin).await;
    assert_eq!(of_b["total"], 1);
    assert_eq!(of_b["items"][0]["id"], joint);
    let (_, all) = app.get("/api/v1/sessions", &app.admin).await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][0]["id"], joint, "newest first");

    let (status, updated) = app
        .patch(
            &format!("/api/v1/sessions/{}", created["id"]),
            &app.admin,
            json!({"segment_ids": [b], "kind": "workshop", "notes": null}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["segment_ids"], json!([b]));
    assert_eq!(updated["kind"], "workshop");
    assert_eq!(updated["notes"], Value::Null);
    assert_eq!(updated["facilitator"], "Kim");
}

#[actix_web::test]
async fn requirements_crud_and_measure_rules() {
    let app = spawn_app().await;
    let created = app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "HD-CALLBACK", "title": "Call back within five minutes", "service_area_id": 8,
                   "metric": "minutes to first call-back", "unit": "min", "direction": "lower_is_better", "target": 5}),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["target"], 5.0);
    let unmeasured = app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "SP-ROADMAP", "title": "Shared roadmap", "service_area_id": 1}),
        )
        .await;
    assert_eq!(unmeasured["direction"], Value::Null);

    let (status, body) = app
        .post(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "HD-CALLBACK", "title": "Again", "service_area_id": 8}),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "duplicate"));
    let (status, body) = app
        .post(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "X-1", "title": "t", "service_area_id": 8, "target": 3}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["direction".to_string()]));
    let (status, body) = app
        .post(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "X-1", "title": "t", "service_area_id": 99}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["service_area_id".to_string()]));

    let (_, by_area) = app.get("/api/v1/requirements?service_area_id=8", &app.admin).await;
    assert_eq!(by_area["total"], 1);
    // Removing the target alone would leave a direction without one.
    let (status, body) = app
        .patch(
            &format!("/api/v1/requirements/{id}"),
            &app.admin,
            json!({"target": null}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["target".to_string()]));
    let (status, updated) = app
        .patch(
            &format!("/api/v1/requirements/{id}"),
            &app.admin,
            json!({"target": null, "direction": null, "title": "Call back soon"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["target"].clone(), updated["title"].clone()),
        (Value::Null, json!("Call back soon"))
    );
}

#[actix_web::test]
async fn findings_crud_filters_and_session_rule() {
    let app = spawn_app().await;
    let (a, b) = (app.segment("Faculty").await, app.segment("Students").await);
    let (r1, r2) = (app.requirement("HD-CALLBACK").await, app.requirement("TR-VIDEOS").await);
    let session = app.session(&[a]).await;
    let created = app
        .create(
            "/api/v1/findings",
            &app.admin,
            json!({"requirement_id": r1, "segment_id": a, "session_id": session, "category": "basic", "importance": 5, "note": "\"We expect a call back\""}),
        )
        .await;
    app.finding(r2, b, "delighter").await;
    app.finding(r2, a, "satisfier").await;

    let (status, body) = app
        .post(
            "/api/v1/findings",
            &app.admin,
            json!({"requirement_id": r1, "segment_id": b, "session_id": session, "category": "basic", "importance": 3}),
        )
        .await;
    assert_eq!(
        (status, fields(&body)),
        (422, vec!["segment_id".to_string()]),
        "b was not in the session"
    );

    let (_, of_a) = app.get(&format!("/api/v1/findings?segment_id={a}"), &app.admin).await;
    assert_eq!(of_a["total"], 2);
    let (_, of_r2) = app
        .get(&format!("/api/v1/findings?requirement_id={r2}"), &app.admin)
        .await;
    assert_eq!(of_r2["total"], 2);
    let (_, of_session) = app
        .get(&format!("/api/v1/findings?session_id={session}"), &app.admin)
        .await;
    assert_eq!(of_session["total"], 1);
    let (_, both) = app
        .get(
            &format!("/api/v1/findings?segment_id={a}&requirement_id={r2}"),
            &app.admin,
        )
        .await;
    assert_eq!(both["items"][0]["category"], "satisfier");

    let (status, updated) = app
        .patch(
            &format!("/api/v1/findings/{}", created["id"]),
            &app.admin,
            json!({"category": "satisfier", "importance": 4}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["category"].as_str(), updated["importance"].as_i64()),
        (Some("satisfier"), Some(4))
    );
    let (status, body) = app
        .patch(
            &format!("/api/v1/findings/{}", created["id"]),
            &app.admin,
            json!({"segment_id": b}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["segment_id".to_string()]));
}

#[actix_web::test]
async fn assessments_are_history_newest_first() {
    let app = spawn_app().await;
    let a = app.segment("Faculty").await;
    let measured = app.requirement("HD-CALLBACK").await;
    let unmeasured = app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "UR-AMBASSADOR", "title": "A named contact", "service_area_id": 3}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let older = app
        .create("/api/v1/assessments", &app.admin, json!({"requirement_id": measured, "current_value": 30, "assessed_on": "2026-09-01", "assessor": "Service desk"}))
        .await;
    let newer = app
        .create(
            "/api/v1/assessments",
            &app.admin,
            json!({"requirement_id": measured, "segment_id": a, "current_value": 12, "assessed_on": "2026-11-01"}),
        )
        .await;
    let (_, list) = app
        .get(&format!("/api/v1/assessments?requirement_id={measured}"), &app.admin)
        .await;
    let ids: Vec<&Value> = list["items"].as_array().unwrap().iter().map(|i| &i["id"]).collect();
    assert_eq!(ids, vec![&newer["id"], &older["id"]]);
    let (_, of_a) = app
        .get(&format!("/api/v1/assessments?segment_id={a}"), &app.admin)
        .await;
    assert_eq!(of_a["total"], 1);

    for (body, field) in [
        (
            json!({"requirement_id": measured, "current_value": 3, "fulfilment": 0.5, "assessed_on": "2026-11-01"}),
            "current_value",
        ),
        (
            json!({"requirement_id": measured, "assessed_on": "2026-11-01"}),
            "current_value",
        ),
        (
            json!({"requirement_id": measured, "fulfilment": 1.5, "assessed_on": "2026-11-01"}),
            "fulfilment",
        ),
        (
            json!({"requirement_id": unmeasured, "current_value": 3, "assessed_on": "2026-11-01"}),
            "current_value",
        ),
        (
            json!({"requirement_id": measured, "fulfilment": 0.5, "assessed_on": "2026-13-01"}),
            "assessed_on",
        ),
        (
            json!({"requirement_id": measured, "fulfilment": 0.5, "assessed_on": "2026-11-01", "segment_id": 999}),
            "segment_id",
        ),
    ] {
        let (status, err) = app.post("/api/v1/assessments", &app.admin, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, vec![field.to_string()]), "{body}");
    }
    let fulfilment = app
        .create(
            "/api/v1/assessments",
            &app.admin,
            json!({"requirement_id": unmeasured, "fulfilment": 0.4, "assessed_on": "2026-11-02"}),
        )
        .await;
    assert_eq!(fulfilment["fulfilment"], 0.4);

    // Giving a fulfilment replaces a measured value.
    let (status, updated) = app
        .patch(
            &format!("/api/v1/assessments/{}", older["id"]),
            &app.admin,
            json!({"fulfilment": 0.2}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["fulfilment"].clone(), updated["current_value"].clone()),
        (json!(0.2), Value::Null)
    );
}

#[actix_web::test]
async fn users_crud_and_rules() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let created = app
        .create(
            "/api/v1/users",
            &app.admin,
            json!({"email": "Pat@Example.test", "password": PASSWORD, "role": "stakeholder", "segment_ids": [finance]}),
        )
        .await;
    assert_eq!(created["email"], "pat@example.test", "e-mail is normalised");
    assert_eq!(created["segment_ids"], json!([finance]));
    assert!(
        created.get("password").is_none() && created.get("password_hash").is_none(),
        "{created}"
    );

    for (body, field) in [
        (
            json!({"email": "s@example.test", "password": PASSWORD, "role": "stakeholder"}),
            "segment_ids",
        ),
        (
            json!({"email": "s@example.test", "password": PASSWORD, "role": "stakeholder", "segment_ids": []}),
            "segment_ids",
        ),
        (
            json!({"email": "s@example.test", "password": PASSWORD, "role": "stakeholder", "segment_ids": [999]}),
            "segment_ids",
        ),
        (
            json!({"email": "s@example.test", "password": PASSWORD, "role": "leadership", "segment_ids": [finance]}),
            "segment_ids",
        ),
        (
            json!({"email": "s@example.test", "password": "short", "role": "leadership"}),
            "password",
        ),
        (
            json!({"email": "not-an-email", "password": PASSWORD, "role": "leadership"}),
            "email",
        ),
        (
            json!({"email": "s@example.test", "password": PASSWORD, "role": "owner"}),
            "role",
        ),
    ] {
        let (status, err) = app.post("/api/v1/users", &app.admin, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, vec![field.to_string()]), "{body}");
    }
    let (status, err) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"email": "PAT@example.test", "password": PASSWORD, "role": "leadership"}),
        )
        .await;
    assert_eq!((status, code(&err)), (409, "duplicate"));

    // Promoting a stakeholder drops the segments.
    let (status, updated) = app
        .patch(
            &format!("/api/v1/users/{}", created["id"]),
            &app.admin,
            json!({"role": "leadership"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["role"].as_str(), updated["segment_ids"].clone()),
        (Some("leadership"), json!([]))
    );
    let (_, list) = app.get("/api/v1/users", &app.admin).await;
    assert_eq!(list["total"], 2);

    // The last admin stays.
    let (_, me) = app.get("/api/v1/me", &app.admin).await;
    let (status, err) = app.delete(&format!("/api/v1/users/{}", me["id"]), &app.admin).await;
    assert_eq!((status, code(&err)), (409, "last_admin"));
    let (status, err) = app
        .patch(
            &format!("/api/v1/users/{}", me["id"]),
            &app.admin,
            json!({"role": "leadership"}),
        )
        .await;
    assert_eq!((status, code(&err)), (409, "last_admin"));
}

#[actix_web::test]
async fn every_change_is_audited() {
    let app = spawn_app().await;
    let id = app.segment("Finance").await;
    app.patch(&format!("/api/v1/segments/{id}"), &app.admin, json!({"weight": 2}))
        .await;
    app.delete(&format!("/api/v1/segments/{id}"), &app.admin).await;
    let (status, audit) = app
        .get(&format!("/api/v1/audit?object_type=segment&object_id={id}"), &app.admin)
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["delete", "update", "create"], "newest first");
    assert_eq!(
        audit["items"][1]["detail"]["weight"], 2.0,
        "detail is the object as it became"
    );
    assert_eq!(audit["items"][0]["actor_email"], "admin@example.test");
}
