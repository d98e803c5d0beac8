use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{code, fields, spawn_app, ADMIN_EMAIL, PASSWORD};

#[actix_web::test]
async fn health_needs_no_token() {
    let app = spawn_app().await;
    let (status, body) = app.call(Method::GET, "/health", None, None).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
}

#[actix_web::test]
async fn token_then_me() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"email": "ADMIN@example.test", "password": "admin-password-123"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    let (status, me) = app.get("/api/v1/me", token).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["segment_ids"], json!([]));
    assert!(me["id"].is_i64());
}

#[actix_web::test]
async fn wrong_credentials_are_401_and_do_not_say_which() {
    let app = spawn_app().await;
    let wrong_password = app
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"email": ADMIN_EMAIL, "password": "wrong-password-1"})),
        )
        .await;
    let unknown_user = app
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"email": "nobody@example.test", "password": "wrong-password-1"})),
        )
        .await;
    assert_eq!(wrong_password.0, 401);
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(code(&wrong_password.1), "invalid_credentials");
}

#[actix_web::test]
async fn routes_need_a_valid_token() {
    let app = spawn_app().await;
    for token in [None, Some("garbage"), Some("a.b.c")] {
        let (status, body) = app.call(Method::GET, "/api/v1/segments", token, None).await;
        assert_eq!(status, 401, "{token:?}");
        assert_eq!(code(&body), "unauthorized");
    }
    let (status, _, headers) = app.raw(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(status, 401);
    assert_eq!(headers.get("www-authenticate").unwrap(), "Bearer");
}

#[actix_web::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let app = spawn_app().await;
    let body = json!({"email": ADMIN_EMAIL, "password": "wrong-password-1"})
        .to_string()
        .into_bytes();
    for _ in 0..5 {
        let (status, _, _) = app
            .raw(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(("application/json", body.clone())),
            )
            .await;
        assert_eq!(status, 401);
    }
    let (status, bytes, headers) = app
        .raw(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(("application/json", body)),
        )
        .await;
    assert_eq!(status, 429);
    let retry: u64 = headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900);
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(code(&body), "too_many_requests");
    // Even the right password waits, from this address (another address is not throttled: see
    // tests/security/throttle.rs).
    let good = json!({"email": ADMIN_EMAIL, "password": "admin-password-123"})
        .to_string()
        .into_bytes();
    let (status, _, _) = app
        .raw(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(("application/json", good)),
        )
        .await;
    assert_eq!(status, 429);
}

#[actix_web::test]
async fn a_disabled_users_token_is_refused() {
    let app = spawn_app().await;
    let (token, id) = app.user("facilitator", &[]).await;
    assert_eq!(app.get("/api/v1/me", &token).await.0, 200);
    let (status, _) = app.delete(&format!("/api/v1/users/{id}"), &app.admin).await;
    assert_eq!(status, 204);
    assert_eq!(app.get("/api/v1/me", &token).await.0, 401);
    let (_, user) = app.get(&format!("/api/v1/users/{id}"), &app.admin).await;
    assert_eq!(user["disabled"], true, "history keeps the account: {user}");
    // And it cannot sign in again.
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"email": user["email"], "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 401);
}

#[actix_web::test]
async fn users_change_their_own_password_but_nothing_else() {
    let app = spawn_app().await;
    let (token, _) = app.user("stakeholder", &[app.segment("Finance").await]).await;
    let email = app.get("/api/v1/me", &token).await.1["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = app
        .patch(
            "/api/v1/me",
            &token,
            json!({"current_password": PASSWORD, "password": "new-password-4567", "role": "admin"}),
        )
        .await;
    assert_eq!(status, 422, "mass assignment refused: {body}");
    assert_eq!(fields(&body), vec!["role"]);
    let (status, body) = app
        .patch(
            "/api/v1/me",
            &token,
            json!({"current_password": "not-my-password", "password": "new-password-4567"}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["current_password".to_string()]));
    let (status, _) = app
        .patch(
            "/api/v1/me",
            &token,
            json!({"current_password": PASSWORD, "password": "new-password-4567"}),
        )
        .await;
    assert_eq!(status, 204);
    // The token from before the change is refused; the new password signs in.
    assert_eq!(app.get("/api/v1/me", &token).await.0, 401);
    let token = app.login(&email, "new-password-4567").await;
    let (_, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(me["role"], "stakeholder");
}

#[actix_web::test]
async fn every_response_carries_its_own_request_id() {
    let app = spawn_app().await;
    let (_, _, first) = app.raw(Method::GET, "/health", None, None).await;
    let (status, _, second) = app.raw(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(status, 401, "errors carry one too");
    let id = |h: &actix_web::http::header::HeaderMap| h.get("x-request-id").unwrap().to_str().unwrap().to_owned();
    assert_eq!(id(&first).len(), 36, "a UUID");
    assert_ne!(id(&first), id(&second));
}

#[actix_web::test]
async fn metrics_for_admins_in_prometheus_format() {
    let app = spawn_app().await;
    let id = app.segment("Finance").await;
    app.get(&format!("/api/v1/segments/{id}"), &app.admin).await;
    let (status, _, _) = app.raw(Method::GET, "/metrics", None, None).await;
    assert_eq!(status, 401);
    let (token, _) = app.user("leadership", &[]).await;
    assert_eq!(app.raw(Method::GET, "/metrics", Some(&token), None).await.0, 403);
    let (status, body, headers) = app.raw(Method::GET, "/metrics", Some(&app.admin), None).await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains(r#"kanogap_http_requests_total{method="GET",route="/api/v1/segments/{id}",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains("kanogap_http_request_duration_seconds_bucket"));
    assert!(text.contains("kanogap_db_pool_connections"));
    assert!(text.contains("kanogap_answers_imported_total 0"));
}
