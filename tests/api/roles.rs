//! Who may write what: every role tries every kind of write.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, PASSWORD};

#[actix_web::test]
async fn writes_by_role() {
    let app = spawn_app().await;
    let s = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    let roles = ["leadership", "facilitator", "stakeholder"];
    let mut tokens = vec![("admin", app.admin.clone())];
    for role in roles {
        let segs: &[i64] = if role == "stakeholder" { &[s] } else { &[] };
        tokens.push((role, app.user(role, segs).await.0));
    }
    let n = std::sync::atomic::AtomicUsize::new(0);
    let unique = || n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);

    type Body = Box<dyn Fn(usize) -> Value>;
    // (path, body, roles allowed)
    let cases: Vec<(&str, Body, &[&str])> = vec![
        (
            "/api/v1/segments",
            Box::new(|i| json!({"name": format!("Segment {i}")})),
            &["admin", "leadership", "facilitator"],
        ),
        (
            "/api/v1/requirements",
            Box::new(|i| json!({"key": format!("REQ-{i}"), "title": "t", "service_area_id": 1})),
            &["admin", "leadership", "facilitator"],
        ),
        (
            "/api/v1/sessions",
            Box::new(move |_| json!({"kind": "interview", "title": "t", "held_on": "2026-01-01", "segment_ids": [s]})),
            &["admin", "facilitator"],
        ),
        (
            "/api/v1/findings",
            Box::new(move |_| json!({"requirement_id": r, "segment_id": s, "category": "basic", "importance": 3})),
            &["admin", "facilitator"],
        ),
        (
            "/api/v1/assessments",
            Box::new(
                move |_| json!({"requirement_id": r, "segment_id": s, "fulfilment": 0.5, "assessed_on": "2026-01-01"}),
            ),
            &["admin", "leadership"],
        ),
        (
            "/api/v1/service-areas",
            Box::new(|i| json!({"name": format!("Area {i}")})),
            &["admin"],
        ),
        (
            "/api/v1/users",
            Box::new(|i| json!({"email": format!("u{i}@example.test"), "password": PASSWORD, "role": "leadership"})),
            &["admin"],
        ),
    ];
    for (path, body, allowed) in &cases {
        for (role, token) in &tokens {
            let (status, response) = app.post(path, token, body(unique())).await;
            let expected = if allowed.contains(role) { 201 } else { 403 };
            assert_eq!(status, expected, "{role} POST {path}: {response}");
            if status == 201 {
                let item = format!("{path}/{}", response["id"]);
                let (status, _) = app.call(Method::GET, &item, Some(token), None).await;
                assert_eq!(status, 200, "{role} GET {item}");
            }
        }
        // Nobody without a token.
        let (status, _) = app.call(Method::POST, path, None, Some(&body(unique()))).await;
        assert_eq!(status, 401, "anonymous POST {path}");
    }

    // Reads of the users and the audit trail.
    for (role, token) in &tokens {
        let users = app.get("/api/v1/users", token).await.0;
        let audit = app.get("/api/v1/audit", token).await.0;
        assert_eq!(users, if *role == "admin" { 200 } else { 403 }, "{role} users");
        assert_eq!(
            audit,
            if ["admin", "leadership"].contains(role) {
                200
            } else {
                403
            },
            "{role} audit"
        );
    }
}
