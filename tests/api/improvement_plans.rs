//! Service improvement plans: drafted with changes, submitted, signed off by each named
//! segment, approved (scope frozen), progressed and closed; printed as a one-page document.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{code, fields, spawn_app, TestApp};

struct Setup {
    a: i64,
    b: i64,
    lead: String,
    owner: i64,
    stake_a: (String, String),
    stake_b: String,
    stake_c: String,
    facilitator: String,
}

async fn setup(app: &TestApp) -> Setup {
    let a = app.segment("Finance").await;
    let b = app.segment("Research").await;
    let c = app.segment("Estates").await;
    let (lead, owner) = app.user("leadership", &[]).await;
    let (stake_a, id_a) = app.user("stakeholder", &[a]).await;
    let (_, users) = app.get(&format!("/api/v1/users/{id_a}"), &app.admin).await;
    let email_a = users["email"].as_str().unwrap().to_owned();
    let (stake_b, _) = app.user("stakeholder", &[b]).await;
    let (stake_c, _) = app.user("stakeholder", &[c]).await;
    let (facilitator, _) = app.user("facilitator", &[]).await;
    Setup {
        a,
        b,
        lead,
        owner,
        stake_a: (stake_a, email_a),
        stake_b,
        stake_c,
        facilitator,
    }
}

async fn plan(app: &TestApp, s: &Setup, title: &str) -> i64 {
    app.create(
        "/api/v1/improvement-plans",
        &s.lead,
        json!({"title": title, "service_area_id": 8, "segment_ids": [s.a, s.b], "summary": "Fewer repeat calls"}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

fn change(s: &Setup, title: &str, due_on: &str) -> Value {
    json!({"title": title, "owner_id": s.owner, "due_on": due_on, "resources": "2 days of a technician", "policy_change": "None"})
}

#[actix_web::test]
async fn a_plan_goes_from_draft_to_closed_with_each_segments_sign_off() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (status, p) = app
        .post(
            "/api/v1/improvement-plans",
            &s.lead,
            json!({"title": "Service desk call-backs", "service_area_id": 8, "segment_ids": [s.a, s.b, s.a]}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["status"], "draft");
    assert_eq!(p["segment_ids"], json!([s.a, s.b]), "each segment once");
    assert_eq!(p["size_hint"], "a plan has six to eight changes");
    assert_eq!(
        p["progress"],
        json!({"done": 0, "dropped": 0, "total": 0, "overdue": []})
    );
    assert_eq!(p["awaiting_sign_off"], json!([s.a, s.b]));

    // Submitting needs a change.
    let (status, body) = app
        .post(&format!("/api/v1/improvement-plans/{id}/submit"), &s.lead, json!(null))
        .await;
    assert_eq!((status, code(&body)), (422, "validation_failed"), "{body}");
    assert_eq!(fields(&body), vec!["changes"]);

    let first = app
        .create(
            &format!("/api/v1/improvement-plans/{id}/changes"),
            &s.lead,
            change(&s, "Call back within the hour", "2099-01-31"),
        )
        .await;
    assert_eq!(
        (
            first["status"].as_str(),
            first["position"].as_i64(),
            first["owner_id"].as_i64()
        ),
        (Some("planned"), Some(1), Some(s.owner))
    );
    assert_eq!(
        first["links"],
        json!({"requirement_ids": [], "complaint_ids": [], "service_target_ids": [], "root_cause_id": null, "cause_id": null})
    );
    let first_id = first["id"].as_i64().unwrap();
    // A draft's changes can be retitled and removed.
    let (status, body) = app
        .patch(
            &format!("/api/v1/improvement-plans/{id}/changes/{first_id}"),
            &s.lead,
            json!({"title": "Call back within 30 minutes"}),
        )
        .await;
    assert_eq!(
        (status, body["title"].as_str()),
        (200, Some("Call back within 30 minutes")),
        "{body}"
    );
    let spare = app
        .create(
            &format!("/api/v1/improvement-plans/{id}/changes"),
            &s.lead,
            change(&s, "Spare", "2099-01-31"),
        )
        .await;
    let (status, _) = app
        .delete(
            &format!("/api/v1/improvement-plans/{id}/changes/{}", spare["id"]),
            &s.lead,
        )
        .await;
    assert_eq!(status, 204);

    // Readers: facilitators and the named segments' stakeholders; not another segment's.
    for token in [&s.facilitator, &s.stake_a.0, &s.stake_b] {
        assert_eq!(app.get(&format!("/api/v1/improvement-plans/{id}"), token).await.0, 200);
    }
    assert_eq!(
        app.get(&format!("/api/v1/improvement-plans/{id}"), &s.stake_c).await.0,
        404
    );
    let (status, _) = app
        .post(
            "/api/v1/improvement-plans",
            &s.facilitator,
            json!({"title": "x", "service_area_id": 8, "segment_ids": [s.a]}),
        )
        .await;
    assert_eq!(status, 403);

    // Sign-off only once submitted.
    let (status, body) = app
        .post(
            &format!("/api/v1/improvement-plans/{id}/sign-off"),
            &s.stake_a.0,
            json!(null),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "{body}");
    let (status, p) = app
        .post(&format!("/api/v1/improvement-plans/{id}/submit"), &s.lead, json!(null))
        .await;
    assert_eq!((status, p["status"].as_str()), (200, Some("in_review")), "{p}");

    // In review the scope is frozen; progress and details stay editable.
    let (status, body) = app
        .post(
            &format!("/api/v1/improvement-plans/{id}/changes"),
            &s.lead,
            change(&s, "Late idea", "2099-01-31"),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "{body}");
    let (status, body) = app
        .patch(
            &format!("/api/v1/improvement-plans/{id}/changes/{first_id}"),
            &s.lead,
            json!({"title": "Another title"}),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "{body}");
    let (status, body) = app
        .patch(
            &format!("/api/v1/improvement-plans/{id}/changes/{first_id}"),
            &s.lead,
            json!({"title": "Call back within 30 minutes", "status": "in_progress", "resources": "A second line"}),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("in_progress")),
        "the same title is no retitle: {body}"
    );
    let (status, body) = app
        .patch(
            &format!("/api/v1/improvement-plans/{id}"),
            &s.lead,
            json!({"title": "New"}),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "{body}");

    // Approval waits for every named segment.
    let (status, body) = app
        .post(&format!("/api/v1/improvement-plans/{id}/approve"), &s.lead, json!(null))
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "{body}");
    assert_eq!(
        app.post(
            &format!("/api/v1/improvement-plans/{id}/sign-off"),
            &s.stake_c,
            json!(null)
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/improvement-plans/{id}/sign-off"),
            &s.lead,
            json!(null)
        )
        .await
        .0,
        403
    );
    let (status, p) = app
        .post(
            &format!("/api/v1/improvement-plans/{id}/sign-off"),
            &s.stake_a.0,
            json!(null),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["status"], "in_review");
    assert_eq!(p["awaiting_sign_off"], json!([s.b]));
    assert_eq!(p["sign_offs"][0]["segment_id"].as_i64(), Some(s.a));
    assert_eq!(p["sign_offs"][0]["user_email"].as_str(), Some(s.stake_a.1.as_str()));
    assert!(p["sign_offs"][0]["signed_at"].as_str().unwrap().ends_with('Z'));
    let (status, body) = app
        .post(
            &format!("/api/v1/improvement-plans/{id}/sign-off"),
            &s.stake_a.0,
            json!(null),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "signing twice: {body}");
    assert_eq!(
        app.post(&format!("/api/v1/improvement-plans/{id}/approve"), &s.lead, json!(null))
            .await
            .0,
        409
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/improvement-plans/{id}/sign-off"),
            &s.stake_b,
            json!(null)
        )
        .await
        .0,
        200
    );
    let (status, p) = app
        .post(&format!("/api/v1/improvement-plans/{id}/approve"), &s.lead, json!(null))
        .await;
    assert_eq!((status, p["status"].as_str()), (200, Some("agreed")), "{p}");
    assert!(p["approved_at"].is_string());

    // Agreed: adding, removing, retitling → 409; status and done_on stay editable.
    let path = format!("/api/v1/improvement-plans/{id}/changes/{first_id}");
    assert_eq!(
        app.post(
            &format!("/api/v1/improvement-plans/{id}/changes"),
            &s.lead,
            change(&s, "More", "2099-01-31")
        )
        .await
        .0,
        409
    );
    assert_eq!(app.delete(&path, &s.lead).await.0, 409);
    assert_eq!(app.patch(&path, &s.lead, json!({"title": "Renamed"})).await.0, 409);
    let (status, body) = app.patch(&path, &s.lead, json!({"status": "done"})).await;
    assert_eq!((status, fields(&body)), (422, vec!["done_on".to_owned()]), "{body}");
    let (status, body) = app
        .patch(&path, &s.lead, json!({"status": "done", "done_on": "2999-01-01"}))
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["done_on".to_owned()]), "{body}");
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, body) = app
        .patch(&path, &s.lead, json!({"status": "done", "done_on": today}))
        .await;
    assert_eq!(
        (status, body["done_on"].as_str()),
        (200, Some(today.as_str())),
        "{body}"
    );
    let (_, p) = app.get(&format!("/api/v1/improvement-plans/{id}"), &s.lead).await;
    assert_eq!(
        (p["progress"]["done"].as_i64(), p["progress"]["total"].as_i64()),
        (Some(1), Some(1))
    );
    // Leaving done clears the date.
    let (status, body) = app.patch(&path, &s.lead, json!({"status": "in_progress"})).await;
    assert_eq!((status, body["done_on"].clone()), (200, Value::Null), "{body}");

    // Only a draft is deleted; an agreed plan is closed.
    assert_eq!(
        app.delete(&format!("/api/v1/improvement-plans/{id}"), &s.lead).await.0,
        409
    );
    let (status, p) = app
        .post(&format!("/api/v1/improvement-plans/{id}/close"), &s.lead, json!(null))
        .await;
    assert_eq!((status, p["status"].as_str()), (200, Some("closed")), "{p}");
    assert_eq!(
        app.patch(&path, &s.lead, json!({"status": "done", "done_on": today}))
            .await
            .0,
        409
    );
    assert_eq!(
        app.post(&format!("/api/v1/improvement-plans/{id}/close"), &s.lead, json!(null))
            .await
            .0,
        409
    );

    // Every write is audited.
    let (_, audit) = app.get("/api/v1/audit?object_type=improvement_plan", &app.admin).await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["create", "submit", "sign_off", "approve", "close"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let (_, audit) = app
        .get("/api/v1/audit?object_type=improvement_plan_change", &app.admin)
        .await;
    assert!(audit["total"].as_i64().unwrap() >= 6, "{audit}");
}

#[actix_web::test]
async fn at_most_eight_changes_with_a_hint_below_six() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id = plan(&app, &s, "Network").await;
    for i in 1..=8 {
        app.create(
            &format!("/api/v1/improvement-plans/{id}/changes"),
            &s.lead,
            change(&s, &format!("Change {i}"), "2099-06-30"),
        )
        .await;
        let (_, p) = app.get(&format!("/api/v1/improvement-plans/{id}"), &s.lead).await;
        let hint = if i < 6 {
            json!("a plan has six to eight changes")
        } else {
            Value::Null
        };
        assert_eq!(p["size_hint"], hint, "with {i} changes");
    }
    let (status, body) = app
        .post(
            &format!("/api/v1/improvement-plans/{id}/changes"),
            &s.lead,
            change(&s, "Ninth", "2099-06-30"),
        )
        .await;
    assert_eq!((status, code(&body)), (422, "too_many_changes"), "{body}");
    let (_, list) = app.get("/api/v1/improvement-plans", &s.lead).await;
    assert_eq!(list["items"][0]["progress"]["total"].as_i64(), Some(8));
    assert_eq!(list["items"][0]["size_hint"], Value::Null);
}

#[actix_web::test]
async fn links_must_name_existing_objects_and_overdue_changes_are_listed() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id = plan(&app, &s, "Printing").await;
    let requirement = app.requirement("HD-CALLBACK").await;
    let complaint = app
        .create(
            "/api/v1/complaints",
            &app.admin,
            json!({"segment_id": s.a, "summary": "No call back", "channel": "phone"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let calendar = app
        .create(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Office", "timezone": "Europe/Berlin", "week": {"mon": ["08:00-17:00"]}}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let target = app
        .create(
            "/api/v1/service-targets",
            &app.admin,
            json!({"requirement_id": requirement, "segment_id": s.a, "measure": "first_response", "goal": 0.9, "calendar_id": calendar}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let changes = format!("/api/v1/improvement-plans/{id}/changes");
    for (links, field) in [
        (
            json!({"requirement_ids": [requirement, 999_999]}),
            "links.requirement_ids",
        ),
        (json!({"complaint_ids": [999_999]}), "links.complaint_ids"),
        (json!({"service_target_ids": [999_999]}), "links.service_target_ids"),
    ] {
        let mut body = change(&s, "Linked", "2099-01-01");
        body["links"] = links;
        let (status, err) = app.post(&changes, &s.lead, body).await;
        assert_eq!((status, fields(&err)), (422, vec![field.to_owned()]), "{err}");
    }
    let mut bad_owner = change(&s, "Owned by nobody", "2099-01-01");
    bad_owner["owner_id"] = json!(999_999);
    let (status, err) = app.post(&changes, &s.lead, bad_owner).await;
    assert_eq!((status, fields(&err)), (422, vec!["owner_id".to_owned()]), "{err}");

    let mut linked = change(&s, "Linked", "2020-01-01");
    linked["links"] = json!({"requirement_ids": [requirement, requirement], "complaint_ids": [complaint], "service_target_ids": [target]});
    let late = app.create(&changes, &s.lead, linked).await;
    assert_eq!(late["links"]["requirement_ids"], json!([requirement]));
    assert_eq!(late["links"]["complaint_ids"], json!([complaint]));
    assert_eq!(late["links"]["service_target_ids"], json!([target]));
    assert_eq!(late["overdue"], true);
    let due_today = chrono::Utc::now().date_naive().to_string();
    let on_time = app.create(&changes, &s.lead, change(&s, "Due today", &due_today)).await;
    assert_eq!(on_time["overdue"], false);
    let dropped = app.create(&changes, &s.lead, change(&s, "Dropped", "2020-01-01")).await;
    let (status, _) = app
        .patch(
            &format!("{changes}/{}", dropped["id"]),
            &s.lead,
            json!({"status": "dropped"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, p) = app.get(&format!("/api/v1/improvement-plans/{id}"), &s.stake_a.0).await;
    assert_eq!(
        p["progress"],
        json!({"done": 0, "dropped": 1, "total": 3, "overdue": [late["id"]]})
    );
    // Links are replaced by a PATCH.
    let (status, body) = app
        .patch(
            &format!("{changes}/{}", late["id"]),
            &s.lead,
            json!({"links": {"complaint_ids": []}}),
        )
        .await;
    assert_eq!(
        (status, body["links"]["requirement_ids"].clone()),
        (200, json!([])),
        "{body}"
    );
    // The plan's own references.
    let (status, err) = app
        .post(
            "/api/v1/improvement-plans",
            &s.lead,
            json!({"title": "x", "service_area_id": 999, "segment_ids": [s.a]}),
        )
        .await;
    assert_eq!(
        (status, fields(&err)),
        (422, vec!["service_area_id".to_owned()]),
        "{err}"
    );
    let (status, err) = app
        .post(
            "/api/v1/improvement-plans",
            &s.lead,
            json!({"title": "x", "service_area_id": 8, "segment_ids": [999]}),
        )
        .await;
    assert_eq!((status, fields(&err)), (422, vec!["segment_ids".to_owned()]), "{err}");
    let (status, err) = app
        .post(
            "/api/v1/improvement-plans",
            &s.lead,
            json!({"title": "x", "service_area_id": 8, "segment_ids": []}),
        )
        .await;
    assert_eq!((status, fields(&err)), (422, vec!["segment_ids".to_owned()]), "{err}");
}

#[actix_web::test]
async fn lists_are_scoped_and_drafts_deleted() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id = plan(&app, &s, "Email").await;
    let only_b = app
        .create(
            "/api/v1/improvement-plans",
            &s.lead,
            json!({"title": "Lab kit", "service_area_id": 8, "segment_ids": [s.b]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let ids = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect()
    };
    let (_, list) = app.get("/api/v1/improvement-plans", &s.stake_a.0).await;
    assert_eq!((ids(&list), list["total"].as_i64()), (vec![id], Some(1)));
    let (_, list) = app.get("/api/v1/improvement-plans", &s.stake_c).await;
    assert_eq!(list["total"].as_i64(), Some(0));
    let (_, list) = app
        .get(&format!("/api/v1/improvement-plans?segment_id={}", s.b), &s.facilitator)
        .await;
    assert_eq!(ids(&list), vec![only_b, id]);
    let (_, list) = app.get("/api/v1/improvement-plans?status=agreed", &s.lead).await;
    assert_eq!(list["total"].as_i64(), Some(0));
    let (status, body) = app.get("/api/v1/improvement-plans?status=bogus", &s.lead).await;
    assert_eq!(status, 400, "{body}");
    let (status, p) = app
        .patch(
            &format!("/api/v1/improvement-plans/{only_b}"),
            &s.lead,
            json!({"segment_ids": [s.a], "summary": null}),
        )
        .await;
    assert_eq!((status, p["segment_ids"].clone()), (200, json!([s.a])), "{p}");
    assert_eq!(
        app.delete(&format!("/api/v1/improvement-plans/{id}"), &s.lead).await.0,
        204
    );
    assert_eq!(
        app.get(&format!("/api/v1/improvement-plans/{id}"), &s.lead).await.0,
        404
    );
}

#[actix_web::test]
async fn the_plan_prints_as_a_one_page_document_with_sign_offs() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id = app
        .create(
            "/api/v1/improvement-plans",
            &s.lead,
            json!({"title": "Desk <script>alert(1)</script>", "service_area_id": 8, "segment_ids": [s.a]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.create(
        &format!("/api/v1/improvement-plans/{id}/changes"),
        &s.lead,
        change(&s, "Overdue | piped", "2020-01-01"),
    )
    .await;
    app.post(&format!("/api/v1/improvement-plans/{id}/submit"), &s.lead, json!(null))
        .await;
    assert_eq!(
        app.post(
            &format!("/api/v1/improvement-plans/{id}/sign-off"),
            &s.stake_a.0,
            json!(null)
        )
        .await
        .0,
        200
    );

    let (status, md, headers) = app
        .raw(
            Method::GET,
            &format!("/api/v1/improvement-plans/{id}?format=md"),
            Some(&s.stake_a.0),
            None,
        )
        .await;
    let md = String::from_utf8(md).unwrap();
    assert_eq!(status, 200, "{md}");
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    assert!(md.starts_with("# Service improvement plan: Desk"), "{md}");
    assert!(md.contains("Overdue \\| piped"), "{md}");
    assert!(md.contains("(overdue)"), "{md}");
    assert!(md.contains(&format!("Signed for Finance by {}", s.stake_a.1)), "{md}");
    assert!(md.contains("a plan has six to eight changes"), "{md}");

    let (status, html, headers) = app
        .raw(
            Method::GET,
            &format!("/api/v1/improvement-plans/{id}?format=html"),
            Some(&s.lead),
            None,
        )
        .await;
    let html = String::from_utf8(html).unwrap();
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(!html.contains("<script>"), "escaped: {html}");
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains(&s.stake_a.1));
    assert!(html.contains("In review"));

    let (status, body) = app
        .get(&format!("/api/v1/improvement-plans/{id}?format=csv"), &s.lead)
        .await;
    assert_eq!((status, code(&body)), (400, "invalid_query"));
}
