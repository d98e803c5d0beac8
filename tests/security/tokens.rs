//! Token attacks: every forged, broken, stale or misplaced credential is refused with 401 on
//! `GET /api/v1/me`, while a token forged correctly (same secret, HS256, every claim right) is
//! accepted, so each refusal is due to the one defect the case introduces.

use actix_web::http::Method;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Map, Value};

use kanogap::auth::caller::SESSION_COOKIE;

use crate::helpers::{code, spawn_app, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};
use crate::support::{b64, b64url, excerpt, json, JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Valid claims for user `sub`, as the server issues them.
fn claims(sub: &str) -> Map<String, Value> {
    let now = now();
    let value = json!({
        "sub": sub,
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    });
    value.as_object().unwrap().clone()
}

fn with(mut claims: Map<String, Value>, key: &str, value: Value) -> Map<String, Value> {
    claims.insert(key.to_owned(), value);
    claims
}

fn without(mut claims: Map<String, Value>, key: &str) -> Map<String, Value> {
    claims.remove(key);
    claims
}

fn sign(alg: Algorithm, claims: &Map<String, Value>, secret: &[u8]) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).expect("sign")
}

fn hs256(claims: &Map<String, Value>) -> String {
    sign(Algorithm::HS256, claims, JWT_SECRET.as_bytes())
}

/// An unsigned token: `alg: none` and an empty signature.
fn unsigned(header: &str, claims: &Map<String, Value>) -> String {
    format!(
        "{}.{}.",
        b64url(header.as_bytes()),
        b64url(Value::Object(claims.clone()).to_string().as_bytes())
    )
}

/// Replaces a signed token's payload, keeping its header and signature.
fn tampered(token: &str, claims: &Map<String, Value>) -> String {
    let mut parts = token.split('.');
    let (header, _, signature) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    format!(
        "{header}.{}.{signature}",
        b64url(Value::Object(claims.clone()).to_string().as_bytes())
    )
}

/// `GET /api/v1/me` with exactly this `Authorization` header (or none).
async fn me_with(app: &TestApp, authorization: Option<&str>) -> (u16, Value, Option<String>) {
    let mut request = awc::Client::default().get(format!("{}/api/v1/me", app.base));
    if let Some(value) = authorization {
        request = request.insert_header(("Authorization", value));
    }
    let mut response = request.send().await.expect("request sent");
    let body = response.body().await.expect("body read");
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status().as_u16(), json(&body), challenge)
}

async fn user_id(app: &TestApp, token: &str) -> i64 {
    let (status, me) = app.get("/api/v1/me", token).await;
    assert_eq!(status, 200, "{me}");
    me["id"].as_i64().unwrap()
}

#[actix_web::test]
async fn forged_broken_and_misplaced_tokens_are_refused() {
    let app = spawn_app().await;
    let admin_id = user_id(&app, &app.admin).await;
    let (stakeholder, stakeholder_id) = app.user("stakeholder", &[app.segment("Finance").await]).await;
    let admin_sub = admin_id.to_string();
    let valid = claims(&admin_sub);

    // Controls: a token forged with every detail right is accepted, for the user it names. This
    // is what makes each refusal below the effect of the one thing that case changes.
    let forged = hs256(&valid);
    let (status, me, _) = me_with(&app, Some(&format!("Bearer {forged}"))).await;
    assert_eq!((status, me["id"].as_i64()), (200, Some(admin_id)), "{me}");
    let (status, me, _) = me_with(
        &app,
        Some(&format!("bearer {}", hs256(&claims(&stakeholder_id.to_string())))),
    )
    .await;
    assert_eq!((status, me["role"].as_str()), (200, Some("stakeholder")), "{me}");
    assert_eq!(me_with(&app, Some(&format!("Bearer {stakeholder}"))).await.0, 200);

    let now = now();
    let wrong_key = b"another-secret-another-secret-another-1";
    let no_header_alg_none = unsigned(r#"{"alg":"none","typ":"JWT"}"#, &valid);
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no Authorization header", None),
        (
            "alg none, empty signature",
            Some(format!("Bearer {no_header_alg_none}")),
        ),
        (
            "alg None (capitalised), empty signature",
            Some(format!("Bearer {}", unsigned(r#"{"alg":"None","typ":"JWT"}"#, &valid))),
        ),
        (
            "alg none, signature of a real token kept",
            Some(format!(
                "Bearer {}{}",
                no_header_alg_none,
                forged.rsplit('.').next().unwrap()
            )),
        ),
        (
            "alg none without the trailing dot",
            Some(format!("Bearer {}", no_header_alg_none.trim_end_matches('.'))),
        ),
        (
            "alg HS256, empty signature",
            Some(format!("Bearer {}", unsigned(r#"{"alg":"HS256","typ":"JWT"}"#, &valid))),
        ),
        (
            "HS384 with the right secret",
            Some(format!(
                "Bearer {}",
                sign(Algorithm::HS384, &valid, JWT_SECRET.as_bytes())
            )),
        ),
        (
            "HS512 with the right secret",
            Some(format!(
                "Bearer {}",
                sign(Algorithm::HS512, &valid, JWT_SECRET.as_bytes())
            )),
        ),
        (
            "HS256 with another key",
            Some(format!("Bearer {}", sign(Algorithm::HS256, &valid, wrong_key))),
        ),
        (
            "HS256 with an empty key",
            Some(format!("Bearer {}", sign(Algorithm::HS256, &valid, b""))),
        ),
        (
            "expired a minute ago (beyond the leeway)",
            Some(format!(
                "Bearer {}",
                hs256(&with(
                    with(with(valid.clone(), "exp", json!(now - 60)), "iat", json!(now - 700)),
                    "nbf",
                    json!(now - 700)
                ))
            )),
        ),
        (
            "not valid for another minute (nbf in the future)",
            Some(format!(
                "Bearer {}",
                hs256(&with(valid.clone(), "nbf", json!(now + 60)))
            )),
        ),
        (
            "wrong issuer",
            Some(format!(
                "Bearer {}",
                hs256(&with(valid.clone(), "iss", json!("someone-else")))
            )),
        ),
        (
            "wrong audience",
            Some(format!(
                "Bearer {}",
                hs256(&with(valid.clone(), "aud", json!("another-api")))
            )),
        ),
        (
            "no sub",
            Some(format!("Bearer {}", hs256(&without(valid.clone(), "sub")))),
        ),
        (
            "no exp",
            Some(format!("Bearer {}", hs256(&without(valid.clone(), "exp")))),
        ),
        (
            "no nbf",
            Some(format!("Bearer {}", hs256(&without(valid.clone(), "nbf")))),
        ),
        (
            "no iss",
            Some(format!("Bearer {}", hs256(&without(valid.clone(), "iss")))),
        ),
        (
            "no aud",
            Some(format!("Bearer {}", hs256(&without(valid.clone(), "aud")))),
        ),
        (
            "non-numeric sub",
            Some(format!("Bearer {}", hs256(&with(valid.clone(), "sub", json!("admin"))))),
        ),
        (
            "sub as a JSON number",
            Some(format!(
                "Bearer {}",
                hs256(&with(valid.clone(), "sub", json!(admin_id)))
            )),
        ),
        (
            "sub of a user that does not exist",
            Some(format!(
                "Bearer {}",
                hs256(&with(valid.clone(), "sub", json!("999999")))
            )),
        ),
        (
            "sub 0",
            Some(format!("Bearer {}", hs256(&with(valid.clone(), "sub", json!("0"))))),
        ),
        (
            "sub beyond i32",
            Some(format!(
                "Bearer {}",
                hs256(&with(valid.clone(), "sub", json!("4294967297")))
            )),
        ),
        (
            "stakeholder's token with sub changed to the admin, not re-signed",
            Some(format!("Bearer {}", tampered(&stakeholder, &claims(&admin_sub)))),
        ),
        (
            "expired token with exp pushed forward, not re-signed",
            Some(format!(
                "Bearer {}",
                tampered(
                    &hs256(&with(valid.clone(), "exp", json!(now - 60))),
                    &with(valid.clone(), "exp", json!(now + 3600))
                )
            )),
        ),
        ("garbage", Some("Bearer garbage".into())),
        ("three dots of garbage", Some("Bearer a.b.c".into())),
        (
            "valid token with its signature cut off",
            Some(format!("Bearer {}", forged.rsplit_once('.').unwrap().0)),
        ),
        ("empty bearer", Some("Bearer ".into())),
        ("scheme only", Some("Bearer".into())),
        (
            "Basic with the admin's real credentials",
            Some(format!(
                "Basic {}",
                b64(format!("{ADMIN_EMAIL}:{ADMIN_PASSWORD}").as_bytes())
            )),
        ),
        ("Basic with a valid token", Some(format!("Basic {forged}"))),
        ("Token scheme with a valid token", Some(format!("Token {forged}"))),
        ("a valid token without a scheme", Some(forged.clone())),
    ];

    let mut failures = Vec::new();
    for (label, authorization) in &cases {
        let (status, body, challenge) = me_with(&app, authorization.as_deref()).await;
        if status != 401 || code(&body) != "unauthorized" {
            failures.push(format!("{label}: {status} {body}"));
        } else if challenge.as_deref() != Some("Bearer") {
            failures.push(format!(
                "{label}: 401 without `WWW-Authenticate: Bearer` ({challenge:?})"
            ));
        }
    }
    // A token in the query string is not a credential either.
    let (status, body, _) = app
        .raw(Method::GET, &format!("/api/v1/me?access_token={forged}"), None, None)
        .await;
    if status != 401 {
        failures.push(format!("token in the query string: {status} {}", excerpt(&body)));
    }
    assert!(
        failures.is_empty(),
        "accepted or mis-answered:\n{}",
        failures.join("\n")
    );
}

#[actix_web::test]
async fn a_disabled_users_valid_token_stops_working_at_once() {
    let app = spawn_app().await;
    let (token, id) = app.user("leadership", &[]).await;
    let forged = hs256(&claims(&id.to_string()));
    for t in [&token, &forged] {
        assert_eq!(app.get("/api/v1/me", t).await.0, 200);
    }
    let (status, body) = app.delete(&format!("/api/v1/users/{id}"), &app.admin).await;
    assert_eq!(status, 204, "{body}");
    for (label, t) in [("issued", &token), ("forged", &forged)] {
        for path in ["/api/v1/me", "/api/v1/segments", "/api/v1/audit"] {
            let (status, body) = app.get(path, t).await;
            assert_eq!((status, code(&body)), (401, "unauthorized"), "{label} token, {path}");
        }
        let (status, _) = app
            .post("/api/v1/segments", t, json!({"name": "Written by a ghost"}))
            .await;
        assert_eq!(status, 401, "{label} token cannot write");
    }
    let (_, list) = app.get("/api/v1/segments", &app.admin).await;
    assert_eq!(list["total"], 0, "nothing was written: {list}");

    // Re-enabled, the account signs in again, but the tokens from before stay refused:
    // disabling ended its sessions (a stolen token does not come back with the account).
    let (status, user) = app
        .patch(&format!("/api/v1/users/{id}"), &app.admin, json!({"disabled": false}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/api/v1/me", &token).await.0, 401);
    let fresh = app.login(user["email"].as_str().unwrap(), PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &fresh).await.0, 200);
}

#[actix_web::test]
async fn a_role_change_ends_the_tokens_issued_for_the_old_role() {
    let app = spawn_app().await;
    let (token, id) = app.user("leadership", &[]).await;
    assert_eq!(app.get("/api/v1/audit", &token).await.0, 200);
    let s = app.segment("Finance").await;
    let (status, body) = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &app.admin,
            json!({"role": "stakeholder", "segment_ids": [s]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The token issued for the old role is refused; a new one carries the new role.
    assert_eq!(app.get("/api/v1/audit", &token).await.0, 401);
    let token = app.login(body["email"].as_str().unwrap(), PASSWORD).await;
    assert_eq!(app.get("/api/v1/audit", &token).await.0, 403);
    assert_eq!(app.get("/api/v1/me", &token).await.1["role"], "stakeholder");
}

/// A request with only the session cookie (what a browser sends by itself), no `Authorization`.
async fn with_cookie(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let request = awc::Client::default()
        .request(method, format!("{}{path}", app.base))
        .insert_header(("Cookie", format!("{SESSION_COOKIE}={token}")));
    let mut response = match body {
        Some(b) => {
            request
                .insert_header(("Content-Type", "application/json"))
                .send_body(b.to_string())
                .await
        }
        None => request.send().await,
    }
    .expect("request sent");
    let bytes = response.body().await.expect("body read");
    (response.status().as_u16(), json(&bytes))
}

#[actix_web::test]
async fn the_session_cookie_reads_but_never_writes_the_api() {
    let app = spawn_app().await;
    let admin_id = user_id(&app, &app.admin).await;
    let valid = claims(&admin_id.to_string());
    let (victim_token, victim) = app.user("facilitator", &[]).await;
    let before = app.get("/api/v1/audit?limit=1", &app.admin).await.1["total"].clone();

    // Reads: the cookie stands in for the bearer token (report downloads), under the same rules.
    let (status, me) = with_cookie(&app, Method::GET, "/api/v1/me", &app.admin, None).await;
    assert_eq!((status, me["id"].as_i64()), (200, Some(admin_id)));
    let mut failures = Vec::new();
    for (label, token) in [
        ("alg none", unsigned(r#"{"alg":"none","typ":"JWT"}"#, &valid)),
        ("HS512", sign(Algorithm::HS512, &valid, JWT_SECRET.as_bytes())),
        (
            "wrong key",
            sign(Algorithm::HS256, &valid, b"another-secret-another-secret-another-1"),
        ),
        ("expired", hs256(&with(valid.clone(), "exp", json!(now() - 60)))),
        (
            "wrong audience",
            hs256(&with(valid.clone(), "aud", json!("another-api"))),
        ),
        ("tampered", tampered(&victim_token, &valid)),
        ("garbage", "garbage".to_owned()),
    ] {
        let (status, body) = with_cookie(&app, Method::GET, "/api/v1/me", &token, None).await;
        if status != 401 {
            failures.push(format!("cookie {label}: {status} {body}"));
        }
    }

    // Writes: never with the cookie alone, however the path is spelled.
    let writes = [
        (
            Method::POST,
            "/api/v1/segments".to_owned(),
            Some(json!({"name": "Via cookie"})),
        ),
        (
            Method::POST,
            "/%61pi/v1/segments".to_owned(),
            Some(json!({"name": "Via cookie 2"})),
        ),
        (
            Method::POST,
            "/%61%70%69/v1/segments".to_owned(),
            Some(json!({"name": "Via cookie 3"})),
        ),
        (
            Method::POST,
            "/api/v1/%73egments".to_owned(),
            Some(json!({"name": "Via cookie 4"})),
        ),
        (
            Method::POST,
            "/%41pi/v1/segments".to_owned(),
            Some(json!({"name": "Via cookie 5"})),
        ),
        (
            Method::POST,
            "/%61pi/v1/users".to_owned(),
            Some(json!({"email": "planted@example.test", "password": PASSWORD, "role": "admin"})),
        ),
        (
            Method::PATCH,
            "/%61pi/v1/me".to_owned(),
            Some(json!({"current_password": ADMIN_PASSWORD, "password": "taken-over-password"})),
        ),
        (Method::DELETE, format!("/%61pi/v1/users/{victim}"), None),
        (Method::DELETE, format!("/api/v1/users/{victim}"), None),
    ];
    for (method, path, body) in writes {
        let (status, answer) = with_cookie(&app, method.clone(), &path, &app.admin, body).await;
        if !matches!(status, 401 | 404) {
            failures.push(format!("cookie-only {method} {path}: {status} {answer}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let after = app.get("/api/v1/audit?limit=1", &app.admin).await.1["total"].clone();
    assert_eq!(before, after, "nothing was written");
    assert_eq!(
        app.get("/api/v1/me", &victim_token).await.0,
        200,
        "the victim is still enabled"
    );
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}
