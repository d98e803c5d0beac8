//! SLA drafts: generated, edited, reviewed, agreed and frozen, signed off by the segment.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{code, spawn_app, TestApp};

/// A segment with a basic need (measured, falling short), a satisfier and a delighter.
async fn finance(app: &TestApp) -> i64 {
    let s = app
        .create(
            "/api/v1/segments",
            &app.admin,
            json!({"name": "Finance", "headcount": 40, "ambassador": "Dana Reyes"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let callback = app.requirement("HD-CALLBACK").await;
    let portal = app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "HD-PORTAL", "title": "Self-service portal", "service_area_id": 8}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let video = app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "TR-VIDEO", "title": "Video tutorials", "service_area_id": 7}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.finding(callback, s, "basic").await;
    app.finding(portal, s, "satisfier").await;
    app.finding(video, s, "delighter").await;
    app.create(
        "/api/v1/assessments",
        &app.admin,
        json!({"requirement_id": callback, "current_value": 22, "assessed_on": "2026-11-01"}),
    )
    .await;
    s
}

fn section<'a>(sla: &'a Value, id: &str) -> &'a str {
    sla["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()["text"]
        .as_str()
        .unwrap()
}

#[actix_web::test]
async fn drafted_from_the_segments_classification() {
    let app = spawn_app().await;
    let s = finance(&app).await;
    let (lead, _) = app.user("leadership", &[]).await;
    let sla = app.create("/api/v1/sla-drafts", &lead, json!({"segment_id": s})).await;
    assert_eq!(
        (sla["version"].as_i64(), sla["status"].as_str()),
        (Some(1), Some("draft"))
    );
    assert_eq!(sla["segment_name"], "Finance");
    let ids: Vec<&str> = sla["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            "document_control",
            "service_description",
            "service_hours",
            "commitments",
            "service_levels",
            "objectives",
            "responsibilities",
            "measurement",
            "complaints",
            "review",
            "sign_off"
        ]
    );
    let commitments = section(&sla, "commitments");
    assert!(
        commitments.contains("HD-CALLBACK")
            && commitments.contains("at most 5 min")
            && commitments.contains("today: 22 min"),
        "{commitments}"
    );
    assert!(section(&sla, "service_levels").contains("HD-PORTAL"));
    assert!(
        section(&sla, "service_levels").contains("written commitment"),
        "no metric: no numbers"
    );
    assert!(section(&sla, "objectives").contains("TR-VIDEO"));
    assert!(section(&sla, "document_control").contains("| Status | Draft |"));
    assert!(section(&sla, "service_hours").contains("Dana Reyes"));

    let (status, md, headers) = app
        .raw(
            Method::GET,
            &format!("/api/v1/sla-drafts/{}?format=md", sla["id"]),
            Some(&lead),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.starts_with("# Service level agreement: IT and Finance") && md.contains("## Commitments"),
        "{md}"
    );
    let (_, html, _) = app
        .raw(
            Method::GET,
            &format!("/api/v1/sla-drafts/{}?format=html", sla["id"]),
            Some(&lead),
            None,
        )
        .await;
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("<h2>Commitments</h2>") && html.contains("<strong>Requirement HD-CALLBACK</strong>"),
        "{html}"
    );
    let (status, _) = app
        .get(&format!("/api/v1/sla-drafts/{}?format=csv", sla["id"]), &lead)
        .await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn lifecycle_edit_review_agree_freeze_sign() {
    let app = spawn_app().await;
    let s = finance(&app).await;
    let (cfo, _) = app.user("stakeholder", &[s]).await;
    let lead = app.admin.clone();
    let sla = app.create("/api/v1/sla-drafts", &lead, json!({"segment_id": s})).await;
    let base = format!("/api/v1/sla-drafts/{}", sla["id"]);

    let (status, edited) = app.patch(&base, &lead, json!({"title": "Finance SLA 2027", "sections": {"commitments": "We call back within **5 minutes**. <b>bold</b>"}})).await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["title"], "Finance SLA 2027");
    assert!(section(&edited, "commitments").starts_with("We call back"));
    for (body, field) in [
        (
            json!({"sections": {"document_control": "x"}}),
            "sections.document_control",
        ),
        (json!({"sections": {"nonsense": "x"}}), "sections.nonsense"),
        (json!({"status": "agreed"}), "status"),
    ] {
        let (status, err) = app.patch(&base, &lead, body).await;
        assert!(
            status == 422 && err["error"]["fields"].get(field).is_some(),
            "{field}: {err}"
        );
    }

    // Out of order steps are conflicts.
    assert_eq!(app.post(&format!("{base}/approve"), &lead, json!(null)).await.0, 409);
    let (status, err) = app.post(&format!("{base}/sign-off"), &cfo, json!(null)).await;
    assert_eq!((status, code(&err)), (409, "invalid_state"));

    let (status, submitted) = app.post(&format!("{base}/submit"), &lead, json!(null)).await;
    assert_eq!((status, submitted["status"].as_str()), (200, Some("in_review")));
    assert_eq!(
        app.patch(&base, &lead, json!({"title": "x"})).await.0,
        409,
        "no edits in review"
    );
    let (status, signed) = app.post(&format!("{base}/sign-off"), &cfo, json!(null)).await;
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed["signoffs"].as_array().unwrap().len(), 1);
    assert!(
        section(&signed, "sign_off").contains("stakeholder-"),
        "{}",
        section(&signed, "sign_off")
    );
    assert_eq!(signed["status"], "in_review", "a sign-off is a record, not a step");

    let (status, agreed) = app.post(&format!("{base}/approve"), &lead, json!(null)).await;
    assert_eq!((status, agreed["status"].as_str()), (200, Some("agreed")));
    assert!(agreed["agreed_at"].is_string());
    assert!(section(&agreed, "document_control").contains("| Status | Agreed |"));
    for (method, path, body) in [
        (Method::PATCH, base.clone(), json!({"title": "changed"})),
        (Method::POST, format!("{base}/submit"), json!(null)),
        (Method::POST, format!("{base}/reject"), json!({"comment": "late"})),
        (Method::POST, format!("{base}/approve"), json!(null)),
    ] {
        let (status, err) = app.call(method, &path, Some(&lead), Some(&body)).await;
        assert_eq!((status, code(&err)), (409, "invalid_state"), "{path}");
    }
    assert_eq!(
        app.post(&format!("{base}/sign-off"), &cfo, json!(null)).await.0,
        200,
        "sign-off once agreed is fine"
    );
    let (_, frozen) = app.get(&base, &lead).await;
    assert_eq!(frozen["title"], "Finance SLA 2027");
    // The steps' results are stored, not only answered: read back by the signing stakeholder too.
    let (status, seen) = app.get(&base, &cfo).await;
    assert_eq!(status, 200, "{seen}");
    for read in [&frozen, &seen] {
        assert_eq!(read["status"], "agreed", "{read}");
        assert!(read["submitted_at"].is_string(), "submitted_at kept: {read}");
        assert_eq!(
            read["agreed_at"], agreed["agreed_at"],
            "agreed_at stored as answered: {read}"
        );
        let signoffs = read["signoffs"].as_array().expect("signoffs");
        assert_eq!(
            signoffs.len(),
            1,
            "one record per stakeholder, however often they sign: {read}"
        );
        assert!(
            signoffs.iter().all(
                |s| s["user_email"].as_str().is_some_and(|e| e.starts_with("stakeholder-"))
                    && s["signed_at"].is_string()
            ),
            "who and when: {read}"
        );
    }
    let (_, vp) = app.get(&format!("/api/v1/segments/{s}/value-proposition"), &cfo).await;
    assert_eq!(
        (vp["sla"]["version"].as_i64(), vp["sla"]["status"].as_str()),
        (Some(1), Some("agreed")),
        "the segment's value proposition shows the agreed SLA: {vp}"
    );

    // A new version starts a new draft; rejection sends it back with a comment.
    let v2 = app.create("/api/v1/sla-drafts", &lead, json!({"segment_id": s})).await;
    assert_eq!(
        (v2["version"].as_i64(), v2["status"].as_str()),
        (Some(2), Some("draft"))
    );
    let v2_path = format!("/api/v1/sla-drafts/{}", v2["id"]);
    app.post(&format!("{v2_path}/submit"), &lead, json!(null)).await;
    let (status, err) = app.post(&format!("{v2_path}/reject"), &lead, json!({})).await;
    assert_eq!((status, err["error"]["fields"].get("comment").is_some()), (422, true));
    let (status, rejected) = app
        .post(
            &format!("{v2_path}/reject"),
            &lead,
            json!({"comment": "Call-back target too loose"}),
        )
        .await;
    assert_eq!(
        (status, rejected["status"].as_str(), rejected["review_comment"].as_str()),
        (200, Some("draft"), Some("Call-back target too loose"))
    );
    let (_, list) = app.get(&format!("/api/v1/sla-drafts?segment_id={s}"), &cfo).await;
    assert_eq!(list["total"], 2);
}

#[actix_web::test]
async fn roles_and_segments() {
    let app = spawn_app().await;
    let s = finance(&app).await;
    let other = app.segment("Sales").await;
    let (facilitator, _) = app.user("facilitator", &[]).await;
    let (cfo, _) = app.user("stakeholder", &[s]).await;
    let (sales_head, _) = app.user("stakeholder", &[other]).await;
    assert_eq!(
        app.post("/api/v1/sla-drafts", &facilitator, json!({"segment_id": s}))
            .await
            .0,
        403
    );
    assert_eq!(
        app.post("/api/v1/sla-drafts", &cfo, json!({"segment_id": s})).await.0,
        403
    );
    let (status, err) = app
        .post("/api/v1/sla-drafts", &app.admin, json!({"segment_id": 999}))
        .await;
    assert_eq!(
        (status, err["error"]["fields"].get("segment_id").is_some()),
        (422, true)
    );
    let sla = app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": s}))
        .await;
    let base = format!("/api/v1/sla-drafts/{}", sla["id"]);
    app.post(&format!("{base}/submit"), &app.admin, json!(null)).await;
    assert_eq!(app.post(&format!("{base}/approve"), &cfo, json!(null)).await.0, 403);
    assert_eq!(
        app.post(&format!("{base}/sign-off"), &app.admin, json!(null)).await.0,
        403,
        "only stakeholders sign off"
    );
    // Another segment's stakeholder cannot see or sign it.
    assert_eq!(app.get(&base, &sales_head).await.0, 404);
    assert_eq!(
        app.post(&format!("{base}/sign-off"), &sales_head, json!(null)).await.0,
        404
    );
    assert_eq!(app.get("/api/v1/sla-drafts", &sales_head).await.1["total"], 0);
    assert_eq!(app.get(&base, &cfo).await.0, 200);
}
