//! The sign-in throttle: failures are counted in the database per (account, client address) and
//! per client address, so instances share them; a stranger's failures never keep anyone else
//! out; `X-Forwarded-For` is believed only from a trusted proxy; the wait doubles with each
//! further failure; throttled attempts are audited with the address.
//!
//! Several client addresses on one machine: every address of 127.0.0.0/8 is local, so a client
//! socket bound to 127.0.0.2 reaches the server on 127.0.0.1 from another address.

use std::time::Duration;

use kanogap::app::Application;
use serde_json::{json, Value};

use crate::helpers::{
    code, fields, spawn_app, spawn_app_from, test_settings, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD,
};
use crate::support::{excerpt, json, send, Req};

type Answer = (u16, Value, Option<u64>);

/// Signs in against `base` from the loopback address `from`, with an optional
/// `X-Forwarded-For`; returns status, body and `Retry-After`.
async fn sign_in_at(base: &str, from: &str, forwarded_for: Option<&str>, email: &str, password: &str) -> Answer {
    let client = awc::Client::builder()
        .local_address(from.parse().expect("a loopback address"))
        .timeout(Duration::from_secs(60))
        .finish();
    let mut request = client
        .post(format!("{base}/api/v1/auth/token"))
        .insert_header(("content-type", "application/json"));
    if let Some(value) = forwarded_for {
        request = request.insert_header(("x-forwarded-for", value));
    }
    let mut response = request
        .send_body(json!({"email": email, "password": password}).to_string())
        .await
        .expect("request sent");
    let bytes = response.body().await.expect("body read");
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (response.status().as_u16(), json(&bytes), retry)
}

async fn sign_in_from(app: &TestApp, from: &str, email: &str, password: &str) -> Answer {
    sign_in_at(&app.base, from, None, email, password).await
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> Answer {
    sign_in_from(app, "127.0.0.1", email, password).await
}

fn assert_throttled(label: &str, (status, body, retry): &Answer, max_wait: u64) {
    assert_eq!((*status, code(body)), (429, "too_many_requests"), "{label}: {body}");
    assert!(
        retry.is_some_and(|r| (1..=max_wait).contains(&r)),
        "{label}: Retry-After {retry:?} not within 1..={max_wait}"
    );
}

async fn email_of(app: &TestApp, id: i64) -> String {
    let (_, user) = app.get(&format!("/api/v1/users/{id}"), &app.admin).await;
    user["email"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn failures_throttle_the_account_from_that_address_only() {
    let app = spawn_app().await;
    let max_wait = app.settings.login_backoff_max_secs;
    let (_, id) = app.user("leadership", &[]).await;
    let email = email_of(&app, id).await;
    let max = app.settings.login_max_failures;
    for i in 0..max {
        let (status, body, _) = sign_in(&app, &email, &format!("wrong-password-{i}")).await;
        assert_eq!((status, code(&body)), (401, "invalid_credentials"), "attempt {i}");
    }
    assert_throttled(
        "next attempt",
        &sign_in(&app, &email, "wrong-password-x").await,
        max_wait,
    );
    // From that address, the right password waits too, in any case of the e-mail.
    assert_throttled("right password", &sign_in(&app, &email, PASSWORD).await, max_wait);
    assert_throttled(
        "upper-case e-mail",
        &sign_in(&app, &email.to_uppercase(), PASSWORD).await,
        max_wait,
    );
    // Other accounts from the same address are not affected.
    assert_eq!(sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.0, 200);
    // And the account's owner, elsewhere, signs in.
    let (status, body, _) = sign_in_from(&app, "127.0.0.2", &email, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
}

#[actix_web::test]
async fn a_stranger_hammering_an_account_cannot_lock_its_owner_out() {
    let app = spawn_app().await;
    // Thirty wrong passwords for the admin from 127.0.0.3: refused, then throttled.
    let mut statuses = Vec::new();
    for i in 0..30 {
        statuses.push(
            sign_in_from(&app, "127.0.0.3", ADMIN_EMAIL, &format!("guess-{i}-guess"))
                .await
                .0,
        );
    }
    let max = app.settings.login_max_failures as usize;
    assert!(statuses[..max].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[max..].iter().all(|s| *s == 429), "{statuses:?}");
    // The admin, from an address without failures, signs in at once, every time.
    for from in ["127.0.0.1", "127.0.0.4"] {
        let (status, body, _) = sign_in_from(&app, from, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(status, 200, "from {from}: {body}");
    }
}

#[actix_web::test]
async fn guessing_the_current_password_through_me_is_throttled_too() {
    let app = spawn_app().await;
    let (token, _) = app.user("facilitator", &[]).await;
    let max = app.settings.login_max_failures;
    for i in 0..max {
        let (status, body) = app
            .patch(
                "/api/v1/me",
                &token,
                json!({"current_password": format!("guess-{i}-guess"), "password": "new-password-123"}),
            )
            .await;
        assert_eq!(
            (status, fields(&body)),
            (422, vec!["current_password".to_string()]),
            "guess {i}"
        );
    }
    let (status, bytes, headers) = send(
        &app,
        Some(&token),
        &Req::patch(
            "/api/v1/me",
            json!({"current_password": PASSWORD, "password": "new-password-123"}),
        ),
    )
    .await;
    assert_eq!(
        (status, code(&json(&bytes))),
        (429, "too_many_requests"),
        "{}",
        excerpt(&bytes)
    );
    assert!(headers.contains_key("retry-after"));
}

#[actix_web::test]
async fn failed_logins_from_one_address_across_many_accounts_are_throttled() {
    let app = spawn_app().await;
    let max_wait = app.settings.login_backoff_max_secs;
    let per_address = app.settings.login_max_failures_per_address as usize;
    assert_eq!(per_address, 20);
    // 21 distinct unknown e-mails: none fails often enough to throttle its own account, but the
    // address runs out after 20 failures.
    let mut statuses = Vec::new();
    for i in 0..=per_address {
        let (status, _, _) = sign_in(&app, &format!("nobody-{i}@example.test"), "wrong-password-1").await;
        statuses.push(status);
    }
    let mut expected = vec![401; per_address];
    expected.push(429);
    assert_eq!(statuses, expected);
    // A further attempt from the address is refused, even with real credentials.
    assert_throttled(
        "further attempt",
        &sign_in(&app, "nobody-else@example.test", "wrong-password-1").await,
        max_wait,
    );
    assert_throttled(
        "real credentials",
        &sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await,
        max_wait,
    );
    // Another address is not.
    assert_eq!(
        sign_in_from(&app, "127.0.0.2", ADMIN_EMAIL, ADMIN_PASSWORD).await.0,
        200
    );
}

#[actix_web::test]
async fn the_wait_doubles_with_each_further_failure_up_to_its_cap() {
    let (mut settings, dir, pg) = test_settings();
    settings.login_backoff_secs = 1;
    settings.login_backoff_max_secs = 4;
    let app = spawn_app_from(settings, dir, pg).await;
    let (_, id) = app.user("facilitator", &[]).await;
    let email = email_of(&app, id).await;
    for i in 0..app.settings.login_max_failures {
        assert_eq!(sign_in(&app, &email, &format!("wrong-{i}-wrong")).await.0, 401);
    }
    let mut waits = Vec::new();
    for round in 0..3 {
        let (status, body, retry) = sign_in(&app, &email, "wrong-again-wrong").await;
        assert_eq!(status, 429, "round {round}: {body}");
        let retry = retry.expect("Retry-After");
        waits.push(retry);
        // Wait it out: the next guess is checked (and fails, doubling the wait).
        actix_web::rt::time::sleep(Duration::from_millis(retry * 1000 + 100)).await;
        assert_eq!(sign_in(&app, &email, "wrong-again-wrong").await.0, 401, "round {round}");
    }
    assert_eq!(waits, vec![1, 2, 4]);
    assert_throttled("capped", &sign_in(&app, &email, PASSWORD).await, 4);
    // After the wait, the right password signs in (and forgets this address's failures).
    actix_web::rt::time::sleep(Duration::from_millis(4100)).await;
    assert_eq!(sign_in(&app, &email, PASSWORD).await.0, 200);
    assert_eq!(sign_in(&app, &email, "wrong-once-more").await.0, 401);
}

#[actix_web::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // No trusted proxies (the default): the header cannot buy a fresh address per guess.
    let app = spawn_app().await;
    let (_, id) = app.user("leadership", &[]).await;
    let email = email_of(&app, id).await;
    let max = app.settings.login_max_failures;
    for i in 0..max {
        let forged = format!("198.51.100.{i}");
        let (status, _, _) = sign_in_at(&app.base, "127.0.0.1", Some(&forged), &email, "wrong-password-1").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    let answer = sign_in_at(&app.base, "127.0.0.1", Some("198.51.100.99"), &email, PASSWORD).await;
    assert_throttled("fresh forged address", &answer, app.settings.login_backoff_max_secs);
}

/// With a trusted proxy configured, a peer that is not that proxy still cannot forge its way
/// around the limits: each guess with a fresh `X-Forwarded-For`, spread over several accounts,
/// counts against its own socket address (per account and per address), and the addresses it
/// named are not blamed.
#[actix_web::test]
async fn forged_forwarded_for_from_an_untrusted_peer_beside_a_trusted_proxy() {
    let (mut settings, dir, pg) = test_settings();
    settings.trusted_proxies = "127.0.0.1".into();
    let app = spawn_app_from(settings, dir, pg).await;
    let max_wait = app.settings.login_backoff_max_secs;
    let (per_account, per_address) = (
        app.settings.login_max_failures,
        app.settings.login_max_failures_per_address,
    );
    let mut emails = Vec::new();
    while (emails.len() as u32) * (per_account - 1) < per_address {
        let (_, id) = app.user("facilitator", &[]).await;
        emails.push(email_of(&app, id).await);
    }
    // 127.0.0.2 is not the trusted proxy: its header is ignored, whatever it claims.
    let mut guesses = 0;
    'guessing: for email in &emails {
        for _ in 0..per_account - 1 {
            if guesses == per_address {
                break 'guessing;
            }
            let forged = format!("198.51.100.{guesses}, 10.0.0.{guesses}");
            let (status, body, _) = sign_in_at(&app.base, "127.0.0.2", Some(&forged), email, "wrong-password-1").await;
            assert_eq!(status, 401, "guess {guesses}: {body}");
            guesses += 1;
        }
    }
    // Every account is below its own limit, but the peer's address has used up its allowance.
    let answer = sign_in_at(
        &app.base,
        "127.0.0.2",
        Some("198.51.100.250"),
        &emails[0],
        "wrong-password-1",
    )
    .await;
    assert_throttled("an untrusted peer with yet another forged address", &answer, max_wait);
    // The addresses it forged are clean: a client forwarded by the real proxy under one of
    // them signs in.
    let (status, body, _) = sign_in_at(&app.base, "127.0.0.1", Some("198.51.100.0"), &emails[0], PASSWORD).await;
    assert_eq!(status, 200, "a forged address is not blamed: {body}");
}

#[actix_web::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_counted_and_audited() {
    let (mut settings, dir, pg) = test_settings();
    settings.trusted_proxies = "127.0.0.1".into();
    let app = spawn_app_from(settings, dir, pg).await;
    let max_wait = app.settings.login_backoff_max_secs;
    let (_, id) = app.user("leadership", &[]).await;
    let email = email_of(&app, id).await;
    // The proxy (127.0.0.1) forwards a client at 203.0.113.1 who guesses.
    for i in 0..app.settings.login_max_failures {
        let (status, _, _) = sign_in_at(
            &app.base,
            "127.0.0.1",
            Some("6.6.6.6, 203.0.113.1"),
            &email,
            &format!("wrong-{i}-wrong"),
        )
        .await;
        assert_eq!(status, 401);
    }
    let throttled = sign_in_at(&app.base, "127.0.0.1", Some("203.0.113.1"), &email, PASSWORD).await;
    assert_throttled("the guessing client", &throttled, max_wait);
    // Another client behind the same proxy signs in.
    let (status, body, _) = sign_in_at(&app.base, "127.0.0.1", Some("203.0.113.2"), &email, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    // A peer that is not a trusted proxy cannot borrow the guessing client's address either way:
    // its header is ignored, its own address is clean.
    let (status, _, _) = sign_in_at(&app.base, "127.0.0.2", Some("203.0.113.1"), &email, PASSWORD).await;
    assert_eq!(status, 200);
    // The throttled attempt is in the audit trail, with the client's address.
    let (status, trail) = app.get("/api/v1/audit?object_type=user&limit=100", &app.admin).await;
    assert_eq!(status, 200, "{trail}");
    let entries: Vec<&Value> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "sign_in_throttled")
        .collect();
    assert_eq!(entries.len(), 1, "{trail}");
    assert_eq!(entries[0]["detail"]["address"], "203.0.113.1", "{}", entries[0]);
    assert_eq!(entries[0]["detail"]["account"], email.as_str());
    assert_eq!(entries[0]["object_id"], id);
}

#[actix_web::test]
async fn instances_on_one_database_count_the_same_failures() {
    let app = spawn_app().await;
    // A second instance on the same database, as behind a balancer.
    let other = Application::build(&app.settings).expect("second instance");
    let other_base = format!("http://127.0.0.1:{}", other.port());
    let handle = other.handle();
    actix_web::rt::spawn(other.run_until_stopped());
    let (_, id) = app.user("facilitator", &[]).await;
    let email = email_of(&app, id).await;
    let max = app.settings.login_max_failures;
    for i in 0..max {
        let base = if i % 2 == 0 {
            app.base.as_str()
        } else {
            other_base.as_str()
        };
        let (status, _, _) = sign_in_at(base, "127.0.0.1", None, &email, "wrong-password-1").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    for base in [&app.base, &other_base] {
        let answer = sign_in_at(base, "127.0.0.1", None, &email, PASSWORD).await;
        assert_throttled(base, &answer, app.settings.login_backoff_max_secs);
    }
    handle.stop(true).await;
}
