//! Tokens end when credentials change: a password change (one's own or by an admin), a role or
//! segment change, disabling, or `POST /api/v1/me/sign-out-everywhere` refuses every token
//! issued before it, the page cookie too, even one issued in the same second.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, PASSWORD};

async fn me(app: &TestApp, token: &str) -> u16 {
    app.get("/api/v1/me", token).await.0
}

/// `GET /api/v1/me` with the token as the page cookie instead of a bearer header.
async fn me_by_cookie(app: &TestApp, token: &str) -> u16 {
    awc::Client::new()
        .get(format!("{}/api/v1/me", app.base))
        .insert_header(("Cookie", format!("kanogap_session={token}")))
        .send()
        .await
        .expect("request sent")
        .status()
        .as_u16()
}

async fn email(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", token).await.1["email"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn changing_ones_password_ends_every_earlier_token() {
    let app = spawn_app().await;
    let (first, _) = app.user("facilitator", &[]).await;
    let address = email(&app, &first).await;
    let second = app.login(&address, PASSWORD).await;
    assert_eq!((me(&app, &first).await, me(&app, &second).await), (200, 200));
    let (status, body) = app
        .patch(
            "/api/v1/me",
            &second,
            json!({"current_password": PASSWORD, "password": "a-new-password-99"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    for (label, token) in [("other token", &first), ("the changing token", &second)] {
        assert_eq!(me(&app, token).await, 401, "{label}");
        assert_eq!(me_by_cookie(&app, token).await, 401, "{label} as the page cookie");
    }
    // Signed in again at once (the same second, often): the new token works.
    let fresh = app.login(&address, "a-new-password-99").await;
    assert_eq!(me(&app, &fresh).await, 200);
}

#[actix_web::test]
async fn sign_out_everywhere_ends_every_token_and_the_page_cookie() {
    let app = spawn_app().await;
    let segment = app.segment("Finance").await;
    let (token, _) = app.user("stakeholder", &[segment]).await;
    let address = email(&app, &token).await;
    let other = app.login(&address, PASSWORD).await;
    assert_eq!(me_by_cookie(&app, &other).await, 200);
    // The cookie cannot do it (no API writes by cookie); the bearer token can.
    let by_cookie = awc::Client::new()
        .post(format!("{}/api/v1/me/sign-out-everywhere", app.base))
        .insert_header(("Cookie", format!("kanogap_session={other}")))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(by_cookie, 401);
    let (status, body) = app
        .call(Method::POST, "/api/v1/me/sign-out-everywhere", Some(&token), None)
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(me(&app, &token).await, 401);
    assert_eq!(me(&app, &other).await, 401);
    assert_eq!(me_by_cookie(&app, &other).await, 401);
    // A page with the old cookie sends the browser to sign in.
    let page = awc::Client::builder()
        .disable_redirects()
        .finish()
        .get(format!("{}/segments/{segment}", app.base))
        .insert_header(("Cookie", format!("kanogap_session={other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 303);
    // The password still works: a new sign-in, in the same second, is a new session.
    let fresh = app.login(&address, PASSWORD).await;
    assert_eq!(me(&app, &fresh).await, 200);
    // And it is audited.
    let (_, trail) = app.get("/api/v1/audit?object_type=user&limit=100", &app.admin).await;
    let actions: Vec<&Value> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["action"])
        .collect();
    assert!(actions.contains(&&json!("sign_out_everywhere")), "{trail}");
}

#[actix_web::test]
async fn an_admin_changing_password_role_segments_or_access_ends_the_users_tokens() {
    let app = spawn_app().await;
    let (finance, sales) = (app.segment("Finance").await, app.segment("Sales").await);
    let changes = [
        ("password", json!({"password": "set-by-the-admin-1"})),
        ("role", json!({"role": "leadership", "segment_ids": []})),
        ("segments", json!({"segment_ids": [finance, sales]})),
    ];
    for (what, change) in changes {
        let (token, id) = app.user("stakeholder", &[finance]).await;
        let (status, body) = app.patch(&format!("/api/v1/users/{id}"), &app.admin, change).await;
        assert_eq!(status, 200, "{what}: {body}");
        assert_eq!(me(&app, &token).await, 401, "{what}: the earlier token is refused");
    }
    // Disabled and enabled again: the token from before stays refused.
    let (token, id) = app.user("facilitator", &[]).await;
    assert_eq!(app.delete(&format!("/api/v1/users/{id}"), &app.admin).await.0, 204);
    let (status, _) = app
        .patch(&format!("/api/v1/users/{id}"), &app.admin, json!({"disabled": false}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        me(&app, &token).await,
        401,
        "re-enabling does not bring old tokens back"
    );
    // The e-mail is the sign-in name, and the token names it: changing it ends the tokens too.
    let (token, id) = app.user("stakeholder", &[finance]).await;
    let (status, _) = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &app.admin,
            json!({"email": "renamed-stakeholder@example.test", "segment_ids": [finance]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(me(&app, &token).await, 401, "e-mail: the earlier token is refused");
    // A change that alters nothing a token names leaves it working.
    let (token, id) = app.user("stakeholder", &[finance, sales]).await;
    let (status, _) = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &app.admin,
            json!({"segment_ids": [sales, finance]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(me(&app, &token).await, 200);
}

/// A token names its caller and is checked on the request's own database trip: an ended one
/// reads nothing, writes nothing, and on a page is sent to sign in with its cookie cleared.
#[actix_web::test]
async fn an_ended_token_reads_and_writes_nothing_and_a_page_signs_in_again() {
    let app = spawn_app().await;
    let (token, _) = app.user("leadership", &[]).await;
    assert_eq!(app.get("/api/v1/segments", &token).await.0, 200);
    assert_eq!(
        app.post("/api/v1/me/sign-out-everywhere", &token, json!({})).await.0,
        204
    );

    assert_eq!(app.get("/api/v1/segments", &token).await.0, 401, "a read");
    let (status, body) = app.post("/api/v1/segments", &token, json!({"name": "Ghost"})).await;
    assert_eq!(status, 401, "a write: {body}");
    let (_, segments) = app.get("/api/v1/segments", &app.admin).await;
    assert!(!segments.to_string().contains("Ghost"), "nothing written: {segments}");

    for page in ["/", "/login", "/requirements"] {
        let response = awc::Client::new()
            .get(format!("{}{page}", app.base))
            .insert_header(("Cookie", format!("kanogap_session={token}")))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status().as_u16(), 303, "{page}");
        assert_eq!(response.headers().get("location").unwrap(), "/login", "{page}");
        let cleared = response
            .headers()
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with("kanogap_session=;") && c.contains("Max-Age=0"));
        assert!(cleared, "{page}: the dead cookie is cleared");
    }
}
