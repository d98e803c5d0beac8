//! Input limits: unknown fields (no mass assignment), body sizes with and without a declared
//! length and list page sizes (the sign-in throttle is in `throttle.rs`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use actix_web::http::Method;
use actix_web::web::Bytes;
use serde_json::{json, Value};

use crate::helpers::{
    code, fields, spawn_app, spawn_app_from, test_settings, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD,
};
use crate::support::{excerpt, id, json, send, Req};

async fn audit_total(app: &TestApp) -> i64 {
    let (status, trail) = app.get("/api/v1/audit?limit=1", &app.admin).await;
    assert_eq!(status, 200, "{trail}");
    trail["total"].as_i64().unwrap()
}

#[actix_web::test]
async fn unknown_fields_are_refused_on_every_body_and_name_the_field() {
    let app = spawn_app().await;
    let admin = app.admin.as_str();
    let s = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    let session = app.session(&[s]).await;
    let finding = app.finding(r, s, "basic").await;
    let assessment = id(&app
        .create(
            "/api/v1/assessments",
            admin,
            json!({"requirement_id": r, "segment_id": s, "fulfilment": 0.5, "assessed_on": "2026-01-01"}),
        )
        .await);
    let sla = id(&app.create("/api/v1/sla-drafts", admin, json!({"segment_id": s})).await);
    let in_review = id(&app.create("/api/v1/sla-drafts", admin, json!({"segment_id": s})).await);
    assert_eq!(
        app.post(&format!("/api/v1/sla-drafts/{in_review}/submit"), admin, Value::Null)
            .await
            .0,
        200
    );
    let (_, user) = app.user("facilitator", &[]).await;
    let before = audit_total(&app).await;

    // Each body is valid but for the one field it should not have; most are the fields an
    // attacker would try to set (ids, roles, states, hashes, time stamps).
    let cases: Vec<(Req, &str)> = vec![
        (
            Req::post(
                "/api/v1/auth/token",
                json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "role": "admin"}),
            ),
            "role",
        ),
        (
            Req::patch(
                "/api/v1/me",
                json!({"current_password": ADMIN_PASSWORD, "password": "another-password-1", "role": "admin"}),
            ),
            "role",
        ),
        (
            Req::post(
                "/api/v1/users",
                json!({"email": "new@example.test", "password": PASSWORD, "role": "leadership", "id": 1}),
            ),
            "id",
        ),
        (
            Req::patch(format!("/api/v1/users/{user}"), json!({"password_hash": "$argon2id$x"})),
            "password_hash",
        ),
        (
            Req::patch(format!("/api/v1/users/{user}"), json!({"disabled_at": null})),
            "disabled_at",
        ),
        (Req::post("/api/v1/segments", json!({"name": "Sales", "id": 1})), "id"),
        (
            Req::patch(
                format!("/api/v1/segments/{s}"),
                json!({"weight": 2, "created_at": "2020-01-01T00:00:00Z"}),
            ),
            "created_at",
        ),
        (
            Req::post("/api/v1/service-areas", json!({"name": "Area", "seeded": true})),
            "seeded",
        ),
        (
            Req::patch("/api/v1/service-areas/8", json!({"name": "Renamed", "id": 9})),
            "id",
        ),
        (
            Req::post(
                "/api/v1/sessions",
                json!({"kind": "interview", "title": "t", "held_on": "2026-01-01", "segment_ids": [s], "segments": [s]}),
            ),
            "segments",
        ),
        (
            Req::patch(
                format!("/api/v1/sessions/{session}"),
                json!({"title": "t", "owner_id": 1}),
            ),
            "owner_id",
        ),
        (
            Req::post(
                "/api/v1/requirements",
                json!({"key": "NEW-REQ", "title": "t", "service_area_id": 1, "segment_id": s}),
            ),
            "segment_id",
        ),
        (
            Req::patch(
                format!("/api/v1/requirements/{r}"),
                json!({"title": "t", "created_by": 1}),
            ),
            "created_by",
        ),
        (
            Req::post(
                format!("/api/v1/requirements/{r}/responses"),
                json!([{"respondent": "r1", "segment_id": s, "functional": "like", "dysfunctional": "dislike", "weight": 9}]),
            ),
            "[0].weight",
        ),
        (
            Req::post(
                "/api/v1/findings",
                json!({"requirement_id": r, "segment_id": s, "category": "basic", "importance": 3, "author_id": 1}),
            ),
            "author_id",
        ),
        (
            Req::patch(
                format!("/api/v1/findings/{finding}"),
                json!({"importance": 2, "updated_at": "2020-01-01T00:00:00Z"}),
            ),
            "updated_at",
        ),
        (
            Req::post(
                "/api/v1/assessments",
                json!({"requirement_id": r, "fulfilment": 0.5, "assessed_on": "2026-01-01", "requirement": "HD-CALLBACK"}),
            ),
            "requirement",
        ),
        (
            Req::patch(
                format!("/api/v1/assessments/{assessment}"),
                json!({"requirement_id": r}),
            ),
            "requirement_id",
        ),
        (
            Req::post("/api/v1/sla-drafts", json!({"segment_id": s, "status": "agreed"})),
            "status",
        ),
        (
            Req::patch(
                format!("/api/v1/sla-drafts/{sla}"),
                json!({"title": "t", "status": "agreed"}),
            ),
            "status",
        ),
        (
            Req::patch(format!("/api/v1/sla-drafts/{sla}"), json!({"version": 9})),
            "version",
        ),
        (
            Req::patch(
                format!("/api/v1/sla-drafts/{sla}"),
                json!({"sections": {"no_such_section": "text"}}),
            ),
            "sections.no_such_section",
        ),
        (
            // Document control follows the state and is not editable.
            Req::patch(
                format!("/api/v1/sla-drafts/{sla}"),
                json!({"sections": {"document_control": "| Status | Agreed |"}}),
            ),
            "sections.document_control",
        ),
        (
            Req::post(
                format!("/api/v1/sla-drafts/{in_review}/reject"),
                json!({"comment": "c", "status": "agreed"}),
            ),
            "status",
        ),
    ];
    let mut failures = Vec::new();
    for (req, field) in &cases {
        let (status, bytes, _) = send(&app, Some(admin), req).await;
        let body = json(&bytes);
        if status != 422 || code(&body) != "validation_failed" || fields(&body) != vec![field.to_string()] {
            failures.push(format!("{} → {status} {}", req.label(), excerpt(&bytes)));
        }
    }
    assert!(
        failures.is_empty(),
        "expected 422 naming the field:\n{}",
        failures.join("\n")
    );
    assert_eq!(audit_total(&app).await, before, "nothing was written");
    let (_, draft) = app.get(&format!("/api/v1/sla-drafts/{sla}"), admin).await;
    assert_eq!(draft["status"], "draft");
    let (_, review) = app.get(&format!("/api/v1/sla-drafts/{in_review}"), admin).await;
    assert_eq!(review["status"], "in_review");
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // Unknown query parameters are refused too, never ignored.
    for path in [
        "/api/v1/segments?role=admin".to_owned(),
        format!("/api/v1/findings?segment={s}"),
        format!("/api/v1/kano?segment={s}"),
        "/api/v1/reports/gaps?scope=all".to_owned(),
        format!("/api/v1/sla-drafts/{sla}?format=json&as=admin"),
    ] {
        let (status, body) = app.get(&path, admin).await;
        assert_eq!((status, code(&body)), (400, "invalid_query"), "{path}: {body}");
    }
}

#[actix_web::test]
async fn no_one_assigns_themselves_a_role_or_segments() {
    let app = spawn_app().await;
    let (finance, sales) = (app.segment("Finance").await, app.segment("Sales").await);
    let (stakeholder, stakeholder_id) = app.user("stakeholder", &[finance]).await;
    let (_, me) = app.get("/api/v1/me", &stakeholder).await;
    let email = me["email"].as_str().unwrap().to_owned();

    for extra in [
        json!({"role": "admin"}),
        json!({"segment_ids": [finance, sales]}),
        json!({"email": "admin@example.test"}),
        json!({"disabled": false}),
        json!({"id": 1}),
    ] {
        let mut body = json!({"current_password": PASSWORD, "password": "changed-password-1"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let (status, err) = app.patch("/api/v1/me", &stakeholder, body).await;
        let field = extra.as_object().unwrap().keys().next().unwrap().clone();
        assert_eq!((status, fields(&err)), (422, vec![field]), "{extra}: {err}");
    }
    let (_, me) = app.get("/api/v1/me", &stakeholder).await;
    assert_eq!(
        (me["role"].as_str(), &me["segment_ids"]),
        (Some("stakeholder"), &json!([finance]))
    );
    // The password did not change either: the whole body was refused.
    app.login(&email, PASSWORD).await;

    for body in [
        json!({"role": "admin"}),
        json!({"segment_ids": [finance, sales]}),
        json!({"disabled": false}),
    ] {
        let (status, _) = app
            .patch(&format!("/api/v1/users/{stakeholder_id}"), &stakeholder, body.clone())
            .await;
        assert_eq!(status, 403, "stakeholder PATCH self {body}");
    }
    let (status, _) = app.get(&format!("/api/v1/users/{stakeholder_id}"), &stakeholder).await;
    assert_eq!(status, 403);
    for role in ["leadership", "facilitator"] {
        let (token, user_id) = app.user(role, &[]).await;
        let (status, _) = app
            .patch(&format!("/api/v1/users/{user_id}"), &token, json!({"role": "admin"}))
            .await;
        assert_eq!(status, 403, "{role} PATCH self");
        let (status, _) = app
            .post(
                "/api/v1/users",
                &token,
                json!({"email": format!("{role}-alt@example.test"), "password": PASSWORD, "role": "admin"}),
            )
            .await;
        assert_eq!(status, 403, "{role} creates an admin");
        assert_eq!(app.get("/api/v1/me", &token).await.1["role"], role);
    }
    let (_, user) = app.get(&format!("/api/v1/users/{stakeholder_id}"), &app.admin).await;
    assert_eq!(
        (user["role"].as_str(), &user["segment_ids"]),
        (Some("stakeholder"), &json!([finance]))
    );
}

/// `{"name": …}` followed by spaces up to exactly `size` bytes: valid JSON of any length.
fn padded_segment(name: &str, size: usize) -> Vec<u8> {
    let mut body = json!({ "name": name }).to_string().into_bytes();
    assert!(body.len() <= size);
    body.resize(size, b' ');
    body
}

fn is_payload_too_large(status: u16, bytes: &[u8]) -> bool {
    status == 413 && code(&json(bytes)) == "payload_too_large"
}

#[actix_web::test]
async fn json_over_the_limit_is_413_with_a_json_error() {
    let app = spawn_app().await;
    let limit = app.settings.json_limit_bytes;
    assert_eq!(limit, 1 << 20);
    let (stakeholder, _) = app.user("stakeholder", &[app.segment("Finance").await]).await;
    let r = app.requirement("HD-CALLBACK").await;

    // The boundary: exactly the limit is read; one byte more is not.
    let (status, bytes, _) = send(
        &app,
        Some(&app.admin),
        &Req {
            method: Method::POST,
            path: "/api/v1/segments".into(),
            body: Some(("application/json", padded_segment("At the limit", limit))),
        },
    )
    .await;
    assert_eq!(status, 201, "{}", excerpt(&bytes));
    let over = |path: &str, method: Method, size: usize| Req {
        method,
        path: path.to_owned(),
        body: Some(("application/json", padded_segment("Over the limit", size))),
    };
    for (label, token, req) in [
        (
            "admin",
            Some(app.admin.as_str()),
            over("/api/v1/segments", Method::POST, limit + 1),
        ),
        (
            "anonymous sign-in",
            None,
            over("/api/v1/auth/token", Method::POST, limit + 1),
        ),
        (
            "stakeholder",
            Some(stakeholder.as_str()),
            over("/api/v1/me", Method::PATCH, limit + 1),
        ),
        // The answers route takes 8 MiB; beyond that it is refused the same way.
        (
            "answers",
            Some(app.admin.as_str()),
            over(
                &format!("/api/v1/requirements/{r}/responses"),
                Method::POST,
                (8 << 20) + 1,
            ),
        ),
    ] {
        let (status, bytes, headers) = send(&app, token, &req).await;
        assert!(
            is_payload_too_large(status, &bytes),
            "{label} {}: {status} {}",
            req.label(),
            excerpt(&bytes)
        );
        assert!(headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("application/json")));
    }
    // Without a token, a write is refused before its body is looked at.
    let (status, bytes, _) = send(&app, None, &over("/api/v1/segments", Method::POST, 4 * limit)).await;
    assert_eq!((status, code(&json(&bytes))), (401, "unauthorized"));
    let (_, list) = app.get("/api/v1/segments", &app.admin).await;
    assert_eq!(list["total"], 2, "only Finance and the one at the limit: {list}");
}

/// Sends `chunks` with chunked transfer encoding (no Content-Length).
async fn send_chunked(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    chunks: Vec<Bytes>,
) -> (u16, Vec<u8>) {
    let mut request = awc::Client::builder()
        .timeout(Duration::from_secs(60))
        .finish()
        .post(format!("{}{path}", app.base))
        .insert_header(("Content-Type", content_type));
    if let Some(t) = token {
        request = request.insert_header(("Authorization", format!("Bearer {t}")));
    }
    let stream = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let mut response = request.send_stream(stream).await.expect("chunked request sent");
    let body = response.body().limit(1 << 20).await.expect("body read");
    (response.status().as_u16(), body.to_vec())
}

/// A JSON segment whose description is `size` bytes of `x`, in 64 KiB chunks.
fn chunked_segment(size: usize) -> Vec<Bytes> {
    let mut chunks = vec![Bytes::from_static(b"{\"name\":\"Chunked\",\"description\":\"")];
    let mut left = size;
    while left > 0 {
        let n = left.min(64 << 10);
        chunks.push(Bytes::from(vec![b'x'; n]));
        left -= n;
    }
    chunks.push(Bytes::from_static(b"\"}"));
    chunks
}

#[actix_web::test]
async fn chunked_json_over_the_limit_is_413() {
    let app = spawn_app().await;
    // Control: a chunked body within the limit is read (and then judged on its content).
    let (status, bytes) = send_chunked(
        &app,
        "/api/v1/segments",
        Some(&app.admin),
        "application/json",
        vec![Bytes::from_static(b"{\"name\":"), Bytes::from_static(b"\"Chunked\"}")],
    )
    .await;
    assert_eq!(status, 201, "{}", excerpt(&bytes));
    let (status, bytes) = send_chunked(
        &app,
        "/api/v1/segments",
        Some(&app.admin),
        "application/json",
        chunked_segment(5000),
    )
    .await;
    assert_eq!((status, fields(&json(&bytes))), (422, vec!["description".to_string()]));

    for size in [(1 << 20) - 20, 2 << 20, 8 << 20] {
        let (status, bytes) = send_chunked(
            &app,
            "/api/v1/segments",
            Some(&app.admin),
            "application/json",
            chunked_segment(size),
        )
        .await;
        assert!(
            is_payload_too_large(status, &bytes),
            "chunked {size} bytes: {status} {}",
            excerpt(&bytes)
        );
    }
    let (status, bytes) = send_chunked(
        &app,
        "/api/v1/auth/token",
        None,
        "application/json",
        chunked_segment(2 << 20),
    )
    .await;
    assert!(
        is_payload_too_large(status, &bytes),
        "sign-in: {status} {}",
        excerpt(&bytes)
    );
    let (_, list) = app.get("/api/v1/segments", &app.admin).await;
    assert_eq!(list["total"], 1, "{list}");
}

/// Opens a raw connection and sends a request whose chunked body goes `beyond` bytes and then
/// never ends (no last chunk, the connection left open), and returns the status and body of
/// the response the server gives before the body is over. `Err` when no response came.
fn never_ending_upload(
    addr: &str,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    prefix: &[u8],
    beyond: usize,
) -> Result<(u16, Vec<u8>), String> {
    let stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n"
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let prefix = prefix.to_vec();
    let sender = std::thread::spawn(move || {
        let chunk = |data: &[u8]| {
            let mut c = format!("{:x}\r\n", data.len()).into_bytes();
            c.extend_from_slice(data);
            c.extend_from_slice(b"\r\n");
            c
        };
        writer.write_all(head.as_bytes())?;
        writer.write_all(&chunk(&prefix))?;
        let filler = chunk(&[b'x'; 16 << 10]);
        let mut sent = prefix.len();
        while sent <= beyond {
            writer.write_all(&filler)?;
            sent += 16 << 10;
        }
        writer.flush()?;
        // No "0\r\n\r\n": the body is never finished. The socket stays open through `stream`.
        Ok::<_, std::io::Error>(sent)
    });
    let mut reader = stream;
    let mut buf = Vec::new();
    let mut tmp = [0u8; 16 << 10];
    let result = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("no status line in {head:?}"))?;
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                break Ok((status, buf[end + 4..end + 4 + length].to_vec()));
            }
        }
        match reader.read(&mut tmp) {
            Ok(0) => break Err(format!("connection closed without a response ({} bytes)", buf.len())),
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
            Err(e) => break Err(format!("no response while the body was still open: {e}")),
        }
    };
    drop(reader);
    let _ = sender.join();
    result
}

async fn never_ending(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    content_type: &'static str,
    prefix: &'static [u8],
    beyond: usize,
) -> Result<(u16, Vec<u8>), String> {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let (path, token) = (path.to_owned(), token.map(str::to_owned));
    actix_web::rt::task::spawn_blocking(move || {
        never_ending_upload(&addr, &path, token.as_deref(), content_type, prefix, beyond)
    })
    .await
    .expect("upload thread")
}

#[actix_web::test]
async fn a_json_body_that_never_ends_is_refused_once_over_the_limit() {
    let app = spawn_app().await;
    let limit = app.settings.json_limit_bytes;
    let prefix: &[u8] = b"{\"name\":\"Endless\",\"description\":\"";
    for (path, token) in [
        ("/api/v1/segments", Some(app.admin.as_str())),
        ("/api/v1/auth/token", None),
    ] {
        let (status, body) = never_ending(&app, path, token, "application/json", prefix, limit + (64 << 10))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            is_payload_too_large(status, &body),
            "{path}: {status} {}",
            excerpt(&body)
        );
    }
    let (_, list) = app.get("/api/v1/segments", &app.admin).await;
    assert_eq!(list["total"], 0);
}

const CSV_LIMIT: usize = 4096;
const CSV_HEADER: &str = "respondent,segment,requirement,functional,dysfunctional,importance\n";

fn csv_rows(from: usize, count: usize) -> String {
    let mut text = CSV_HEADER.to_owned();
    for i in from..from + count {
        text.push_str(&format!("r-{i:05},Finance,HD-CALLBACK,like,dislike,4\n"));
    }
    text
}

async fn answers_stored(app: &TestApp) -> u64 {
    let (_, list) = app.get("/api/v1/kano", &app.admin).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["n"].as_u64().unwrap())
        .sum()
}

#[actix_web::test]
async fn csv_over_the_configured_limit_is_413() {
    let (mut settings, dir, pg) = test_settings();
    settings.csv_limit_bytes = CSV_LIMIT;
    let app = spawn_app_from(settings, dir, pg).await;
    app.segment("Finance").await;
    app.requirement("HD-CALLBACK").await;

    // Control: a file within the limit is imported.
    let small = csv_rows(0, 10);
    assert!(small.len() < CSV_LIMIT);
    let (status, bytes, _) = send(&app, Some(&app.admin), &Req::csv("/api/v1/imports/responses", &small)).await;
    assert_eq!(status, 201, "{}", excerpt(&bytes));
    assert_eq!(answers_stored(&app).await, 10);

    let big = csv_rows(100, 200);
    assert!(big.len() > CSV_LIMIT);
    // With a declared length.
    let (status, bytes, _) = send(&app, Some(&app.admin), &Req::csv("/api/v1/imports/responses", &big)).await;
    assert!(
        is_payload_too_large(status, &bytes),
        "declared: {status} {}",
        excerpt(&bytes)
    );
    // Streamed in chunks, without one.
    let chunks: Vec<Bytes> = big.as_bytes().chunks(1000).map(Bytes::copy_from_slice).collect();
    let (status, bytes) = send_chunked(&app, "/api/v1/imports/responses", Some(&app.admin), "text/csv", chunks).await;
    assert!(
        is_payload_too_large(status, &bytes),
        "chunked: {status} {}",
        excerpt(&bytes)
    );
    // And never finished at all.
    let (status, bytes) = never_ending(
        &app,
        "/api/v1/imports/responses",
        Some(&app.admin),
        "text/csv",
        b"respondent,segment,requirement,functional,dysfunctional\n",
        CSV_LIMIT * 4,
    )
    .await
    .unwrap_or_else(|e| panic!("never-ending CSV: {e}"));
    assert!(
        is_payload_too_large(status, &bytes),
        "never-ending: {status} {}",
        excerpt(&bytes)
    );
    assert_eq!(
        answers_stored(&app).await,
        10,
        "nothing of the refused uploads was stored"
    );
}

#[actix_web::test]
async fn page_sizes_are_bounded_on_every_list() {
    let app = spawn_app().await;
    let lists = [
        "/api/v1/users",
        "/api/v1/segments",
        "/api/v1/service-areas",
        "/api/v1/sessions",
        "/api/v1/requirements",
        "/api/v1/findings",
        "/api/v1/assessments",
        "/api/v1/audit",
        "/api/v1/sla-drafts",
    ];
    let mut failures = Vec::new();
    for list in lists {
        for (query, expected) in [
            ("limit=501", 400),
            ("limit=0", 400),
            ("limit=-1", 400),
            ("limit=100000000000000000000", 400),
            ("offset=-1", 400),
            ("limit=500", 200),
            ("limit=1&offset=1000000", 200),
        ] {
            let path = format!("{list}?{query}");
            let (status, body) = app.get(&path, &app.admin).await;
            let named = expected == 200 || fields(&body) == vec![query.split('=').next().unwrap().to_string()];
            if status != expected || !named {
                failures.push(format!("{path}: {status} {body}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
