//! Bad input of every kind gets a clear 4xx JSON error naming the field, and stores nothing.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{code, fields, spawn_app};

#[actix_web::test]
async fn malformed_and_mistyped_bodies() {
    let app = spawn_app().await;
    let send = |body: &'static str| {
        app.raw(
            Method::POST,
            "/api/v1/segments",
            Some(&app.admin),
            Some(("application/json", body.as_bytes().to_vec())),
        )
    };
    let (status, bytes, _) = send("{\"name\": ").await;
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, code(&body)), (400, "malformed_json"));
    let (status, bytes, _) = send("{\"name\": \"A\"} trailing").await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&bytes));

    for (body, field) in [
        (json!({"name": "A", "colour": "red"}), "colour"),
        (json!({"name": 5}), "name"),
        (json!({}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"name": "A", "weight": 0}), "weight"),
        (json!({"name": "A", "weight": -1}), "weight"),
        (json!({"name": "A", "headcount": -3}), "headcount"),
        (json!({"name": "A", "headcount": 1.5}), "headcount"),
    ] {
        let (status, err) = app.post("/api/v1/segments", &app.admin, body.clone()).await;
        assert_eq!(status, 422, "{body} → {err}");
        assert_eq!(code(&err), "validation_failed");
        assert_eq!(fields(&err), vec![field.to_string()], "{body} → {err}");
        assert!(!err["error"]["message"].as_str().unwrap().is_empty());
    }
    let (_, list) = app.get("/api/v1/segments", &app.admin).await;
    assert_eq!(list["total"], 0, "nothing was stored");
}

/// serde reads a struct from an array by position; a body or an answer that is an array where
/// an object belongs is refused, not stored (found by schemathesis: `[null, null]` renamed
/// nothing but answered 200).
#[actix_web::test]
async fn arrays_are_not_read_as_objects() {
    let app = spawn_app().await;
    let s = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    for (method, path, body) in [
        (Method::PATCH, format!("/api/v1/segments/{s}"), json!([null, null])),
        (Method::POST, "/api/v1/segments".to_owned(), json!(["Library"])),
        (
            Method::POST,
            "/api/v1/auth/token".to_owned(),
            json!(["admin@localhost", "x"]),
        ),
    ] {
        let (status, err) = app.call(method, &path, Some(&app.admin), Some(&body)).await;
        assert_eq!(
            (status, fields(&err)),
            (422, vec!["body".to_string()]),
            "{path} {body} → {err}"
        );
    }
    let path = format!("/api/v1/requirements/{r}/responses");
    let (status, err) = app.post(&path, &app.admin, json!({"respondent": "r1"})).await;
    assert_eq!((status, fields(&err)), (422, vec!["body".to_string()]), "{err}");
    let (status, err) = app.post(&path, &app.admin, json!([["r1", s, null, 1, 2, null]])).await;
    assert_eq!((status, fields(&err)), (422, vec!["[0]".to_string()]), "{err}");
    let (_, segment) = app.get(&format!("/api/v1/segments/{s}"), &app.admin).await;
    assert_eq!(segment["name"], "Finance");
    let (_, kano) = app.get(&format!("/api/v1/requirements/{r}/kano"), &app.admin).await;
    assert_eq!(kano["n"], 0);
}

#[actix_web::test]
async fn enums_dates_and_keys_are_checked() {
    let app = spawn_app().await;
    let s = app.segment("Finance").await;
    for (path, body, field) in [
        (
            "/api/v1/sessions",
            json!({"kind": "party", "title": "t", "held_on": "2026-01-01", "segment_ids": [s]}),
            "kind",
        ),
        (
            "/api/v1/sessions",
            json!({"kind": "survey", "title": "t", "held_on": "01/02/2026", "segment_ids": [s]}),
            "held_on",
        ),
        (
            "/api/v1/sessions",
            json!({"kind": "survey", "title": "t", "held_on": "2026-02-30", "segment_ids": [s]}),
            "held_on",
        ),
        (
            "/api/v1/sessions",
            json!({"kind": "survey", "title": "t", "held_on": "2026-02-03", "segment_ids": []}),
            "segment_ids",
        ),
        (
            "/api/v1/sessions",
            json!({"kind": "survey", "title": "t", "held_on": "2026-02-03", "segment_ids": [77]}),
            "segment_ids",
        ),
        (
            "/api/v1/requirements",
            json!({"key": "hd-callback", "title": "t", "service_area_id": 8}),
            "key",
        ),
        (
            "/api/v1/requirements",
            json!({"key": "-HD", "title": "t", "service_area_id": 8}),
            "key",
        ),
        (
            "/api/v1/requirements",
            json!({"key": "HD", "title": "t", "service_area_id": 8, "direction": "up", "target": 1}),
            "direction",
        ),
        (
            "/api/v1/requirements",
            json!({"key": "HD", "title": "t", "service_area_id": 8, "direction": "lower_is_better", "target": -1}),
            "target",
        ),
        (
            "/api/v1/findings",
            json!({"requirement_id": 1, "segment_id": s, "category": "wow", "importance": 3}),
            "category",
        ),
    ] {
        let (status, err) = app.post(path, &app.admin, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, vec![field.to_string()]), "{body} → {err}");
    }
    let r = app.requirement("HD-CALLBACK").await;
    for importance in [0, 6] {
        let (status, err) = app
            .post(
                "/api/v1/findings",
                &app.admin,
                json!({"requirement_id": r, "segment_id": s, "category": "basic", "importance": importance}),
            )
            .await;
        assert_eq!((status, fields(&err)), (422, vec!["importance".to_string()]));
    }
}

#[actix_web::test]
async fn media_type_size_paths_and_queries() {
    let app = spawn_app().await;
    let (status, bytes, _) = app
        .raw(
            Method::POST,
            "/api/v1/segments",
            Some(&app.admin),
            Some(("text/plain", b"{\"name\":\"A\"}".to_vec())),
        )
        .await;
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, code(&body)), (415, "unsupported_media_type"));

    let huge = format!("{{\"name\":\"A\",\"description\":\"{}\"}}", "x".repeat(1_100_000));
    let (status, bytes, _) = app
        .raw(
            Method::POST,
            "/api/v1/segments",
            Some(&app.admin),
            Some(("application/json", huge.into_bytes())),
        )
        .await;
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, code(&body)), (413, "payload_too_large"));

    let (status, body) = app.get("/api/v1/segments/abc", &app.admin).await;
    assert_eq!(
        (status, code(&body), fields(&body)),
        (400, "invalid_path", vec!["id".to_string()])
    );
    let (status, body) = app.get("/api/v1/segments/99999999999", &app.admin).await;
    assert_eq!((status, code(&body)), (400, "invalid_path"));

    for (query, field) in [
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("limit=ten", "limit"),
        ("colour=red", "colour"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/segments?{query}"), &app.admin).await;
        assert_eq!(
            (status, code(&body), fields(&body)),
            (400, "invalid_query", vec![field.to_string()]),
            "{query}"
        );
    }
    let (status, body) = app.get("/api/v1/findings?segment_id=x", &app.admin).await;
    assert_eq!((status, fields(&body)), (400, vec!["segment_id".to_string()]));
    let (status, _) = app.get("/api/v1/segments?limit=500", &app.admin).await;
    assert_eq!(status, 200);

    let (status, body) = app.get("/api/v1/nothing-here", &app.admin).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, body) = app.call(Method::PUT, "/api/v1/segments", Some(&app.admin), None).await;
    assert_eq!((status, code(&body)), (405, "method_not_allowed"));
}

#[actix_web::test]
async fn unknown_references_name_the_field() {
    let app = spawn_app().await;
    let s = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    for (body, field) in [
        (
            json!({"requirement_id": 999, "segment_id": s, "category": "basic", "importance": 3}),
            "requirement_id",
        ),
        (
            json!({"requirement_id": r, "segment_id": 999, "category": "basic", "importance": 3}),
            "segment_id",
        ),
        (
            json!({"requirement_id": r, "segment_id": s, "session_id": 999, "category": "basic", "importance": 3}),
            "session_id",
        ),
    ] {
        let (status, err) = app.post("/api/v1/findings", &app.admin, body.clone()).await;
        assert_eq!((status, fields(&err)), (422, vec![field.to_string()]), "{body}");
    }
}
