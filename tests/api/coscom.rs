//! COScom over HTTP: conditions with ids, checkpoints (off track needs actions), rating
//! history, comments by the segment's stakeholders, closing with a transaction survey.

use serde_json::{json, Value};

use crate::helpers::{code, fields, spawn_app, TestApp};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

async fn coscom(app: &TestApp, token: &str, segment: i64) -> (u16, Value) {
    app.post(
        "/api/v1/coscom",
        token,
        json!({"project": "New expense system", "segment_id": segment, "ambassador_id": 1,
               "starts_on": "2026-09-01", "ends_on": "2026-12-31",
               "conditions": [{"text": "Training before go-live", "measure": "all clerks trained"},
                              {"text": "No lost expense claims"}]}),
    )
    .await
}

#[actix_web::test]
async fn conditions_checkpoints_history_comments_and_close() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let sales = app.segment("Sales").await;
    let (facilitator, _) = app.user("facilitator", &[]).await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let (outsider, _) = app.user("stakeholder", &[sales]).await;

    let (status, body) = coscom(&app, &stakeholder, finance).await;
    assert_eq!(status, 403, "{body}");
    let (status, cos) = coscom(&app, &facilitator, finance).await;
    assert_eq!(status, 201, "{cos}");
    assert_eq!(cos["status"], "open");
    assert_eq!(cos["ambassador_email"], "admin@example.test");
    let conditions: Vec<i64> = cos["conditions"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(conditions.len(), 2);
    assert_eq!(cos["conditions"][0]["measure"], "all clerks trained");
    assert_eq!(cos["conditions"][1]["history"], json!([]));
    let path = format!("/api/v1/coscom/{}", id(&cos));

    // Input rules name their fields.
    for (body, field) in [
        (
            json!({"project": "P", "segment_id": finance, "starts_on": "2026-09-01", "conditions": []}),
            "conditions",
        ),
        (
            json!({"project": "P", "segment_id": finance, "starts_on": "2026-09-01", "ends_on": "2026-08-01", "conditions": [{"text": "x"}]}),
            "ends_on",
        ),
        (
            json!({"project": "P", "segment_id": 999_999, "starts_on": "2026-09-01", "conditions": [{"text": "x"}]}),
            "segment_id",
        ),
        (
            json!({"project": "P", "segment_id": finance, "ambassador_id": 999_999, "starts_on": "2026-09-01", "conditions": [{"text": "x"}]}),
            "ambassador_id",
        ),
    ] {
        let (status, err) = app.post("/api/v1/coscom", &facilitator, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, vec![field.to_owned()]), "{body}: {err}");
    }

    // Off track without actions: 422 on `actions`.
    let checkpoints = format!("{path}/checkpoints");
    let off = json!({"on": "2026-10-01", "ratings": [
        {"condition_id": conditions[0], "rating": "on_track"},
        {"condition_id": conditions[1], "rating": "off_track", "note": "two claims lost"}]});
    let (status, err) = app.post(&checkpoints, &facilitator, off.clone()).await;
    assert_eq!((status, fields(&err)), (422, vec!["actions".to_owned()]), "{err}");
    let mut with_actions = off.clone();
    with_actions["actions"] = json!("  ");
    let (status, err) = app.post(&checkpoints, &facilitator, with_actions.clone()).await;
    assert_eq!((status, fields(&err)), (422, vec!["actions".to_owned()]));
    with_actions["actions"] = json!("Daily reconciliation until fixed");
    let (status, first) = app.post(&checkpoints, &facilitator, with_actions).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["actions"], "Daily reconciliation until fixed");
    assert_eq!(first["ratings"].as_array().unwrap().len(), 2);
    let (status, err) = app
        .post(
            &checkpoints,
            &facilitator,
            json!({"on": "2026-11-01", "ratings": [{"condition_id": conditions[1], "rating": "at_risk"}]}),
        )
        .await;
    assert_eq!(status, 201, "{err}");
    for (body, field) in [
        (json!({"on": "2026-11-02", "ratings": []}), "ratings"),
        (
            json!({"on": "2026-11-02", "ratings": [{"condition_id": 999_999, "rating": "at_risk"}]}),
            "ratings",
        ),
        (
            json!({"on": "2026-11-02", "ratings": [{"condition_id": conditions[0], "rating": "at_risk"}, {"condition_id": conditions[0], "rating": "on_track"}]}),
            "ratings",
        ),
        (
            json!({"on": "2026-01-01", "ratings": [{"condition_id": conditions[0], "rating": "at_risk"}]}),
            "on",
        ),
    ] {
        let (status, err) = app.post(&checkpoints, &facilitator, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, vec![field.to_owned()]), "{body}: {err}");
    }
    let (status, _) = app
        .post(
            &checkpoints,
            &stakeholder,
            json!({"on": "2026-11-02", "ratings": [{"condition_id": conditions[0], "rating": "at_risk"}]}),
        )
        .await;
    assert_eq!(status, 403);

    // Comments: the segment's stakeholders and staff; another segment's stakeholder: 404.
    let (status, comment) = app
        .post(
            &format!("{path}/comments"),
            &stakeholder,
            json!({"text": "Training dates please"}),
        )
        .await;
    assert_eq!(status, 201, "{comment}");
    assert!(comment["user_email"].as_str().unwrap().contains('@'));
    let (status, _) = app
        .post(&format!("{path}/comments"), &outsider, json!({"text": "Let me in"}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get(&path, &outsider).await;
    assert_eq!(status, 404);

    // The rating history, per condition, earliest first.
    let (status, read) = app.get(&path, &stakeholder).await;
    assert_eq!(status, 200, "{read}");
    let history: Vec<&str> = read["conditions"][1]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["rating"].as_str().unwrap())
        .collect();
    assert_eq!(history, vec!["off_track", "at_risk"]);
    assert_eq!(read["conditions"][1]["latest"], "at_risk");
    assert_eq!(read["conditions"][0]["latest"], "on_track");
    assert_eq!(read["conditions"][1]["history"][0]["note"], "two claims lost");
    assert_eq!(read["checkpoints"].as_array().unwrap().len(), 2);
    assert_eq!(read["comments"][0]["text"], "Training dates please");
    let (_, list) = app.get("/api/v1/coscom", &outsider).await;
    assert_eq!(list["total"], 0);
    let (_, list) = app.get("/api/v1/coscom?status=open", &stakeholder).await;
    assert_eq!(list["total"], 1);

    // Close with a transaction survey asking the segment; an overall one, or one asking only
    // another segment, is refused on `survey_id`.
    let survey = |kind: &str, segments: Vec<i64>| {
        app.create(
            "/api/v1/satisfaction-surveys",
            &app.admin,
            json!({"title": format!("{kind} survey"), "kind": kind, "opened_on": "2026-12-01", "segment_ids": segments}),
        )
    };
    let overall = id(&survey("overall", vec![]).await);
    let elsewhere = id(&survey("transaction", vec![sales]).await);
    let ours = id(&survey("transaction", vec![finance]).await);
    for bad in [overall, elsewhere, 999_999] {
        let (status, err) = app
            .post(&format!("{path}/close"), &facilitator, json!({"survey_id": bad}))
            .await;
        assert_eq!((status, fields(&err)), (422, vec!["survey_id".to_owned()]), "{err}");
    }
    let (status, _) = app.post(&format!("{path}/close"), &stakeholder, json!({})).await;
    assert_eq!(status, 403);
    let (status, closed) = app
        .post(&format!("{path}/close"), &facilitator, json!({"survey_id": ours}))
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(
        (closed["status"].clone(), closed["survey_id"].clone()),
        (json!("closed"), json!(ours))
    );
    assert!(closed["closed_at"].is_string());
    let (status, err) = app.post(&format!("{path}/close"), &facilitator, json!({})).await;
    assert_eq!((status, code(&err)), (409, "invalid_state"));
    let (status, err) = app
        .post(
            &checkpoints,
            &facilitator,
            json!({"on": "2026-12-02", "ratings": [{"condition_id": conditions[0], "rating": "on_track"}]}),
        )
        .await;
    assert_eq!((status, code(&err)), (409, "invalid_state"));

    // Every write is audited.
    let (_, audit) = app
        .get(
            &format!("/api/v1/audit?object_type=coscom&object_id={}", id(&cos)),
            &app.admin,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["close", "comment", "checkpoint", "checkpoint", "create"],
        "{audit}"
    );
}

#[actix_web::test]
async fn closing_without_a_body_and_the_ambassador_must_be_staff() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (_, stakeholder_id) = app.user("stakeholder", &[finance]).await;
    let (status, err) = app
        .post(
            "/api/v1/coscom",
            &app.admin,
            json!({"project": "P", "segment_id": finance, "ambassador_id": stakeholder_id, "starts_on": "2026-09-01", "conditions": [{"text": "x"}]}),
        )
        .await;
    assert_eq!((status, fields(&err)), (422, vec!["ambassador_id".to_owned()]));
    let (_, cos) = coscom(&app, &app.admin, finance).await;
    let (status, body, _) = app
        .raw(
            actix_web::http::Method::POST,
            &format!("/api/v1/coscom/{}/close", id(&cos)),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}
