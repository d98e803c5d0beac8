//! The role × route matrix: every route of `src/api/mod.rs`, called by nobody, an admin,
//! leadership, a facilitator and a stakeholder of the segment the objects belong to, each
//! answered with the expected status. Requests that should succeed get fresh objects and bodies
//! (and SLA drafts in the right state), so a refusal always means "not allowed", never "already
//! done". All mismatches are reported together.

use std::cell::Cell;
use std::collections::BTreeSet;

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, PASSWORD};
use crate::support::{excerpt, id, plan_in, send, Req};

use crate::cells::{row, rowv, Row, Who, EVERYONE};

// Shorthands: open to everyone; to every signed-in role; and so on.
const OPEN: [u16; 5] = [200, 200, 200, 200, 200];
const SIGNED_IN: [u16; 5] = [401, 200, 200, 200, 200];
const ADMIN_READ: [u16; 5] = [401, 200, 403, 403, 403];

fn table() -> Vec<Row> {
    vec![
        row("GET /health", OPEN),
        // Prometheus metrics: admins (or a configured scraper token, not set here).
        row("GET /metrics", ADMIN_READ),
        row("POST /api/v1/auth/token", OPEN),
        row("GET /api/v1/me", SIGNED_IN),
        // The OpenAPI description: every signed-in role.
        row("GET /api/v1/openapi.json", SIGNED_IN),
        row("PATCH /api/v1/me", [401, 204, 204, 204, 204]),
        row("POST /api/v1/me/sign-out-everywhere", [401, 204, 204, 204, 204]),
        // Users: admin only.
        row("GET /api/v1/users", ADMIN_READ),
        row("POST /api/v1/users", [401, 201, 403, 403, 403]),
        row("GET /api/v1/users/{id}", ADMIN_READ),
        row("PATCH /api/v1/users/{id}", ADMIN_READ),
        row("DELETE /api/v1/users/{id}", [401, 204, 403, 403, 403]),
        // Segments: read by all (stakeholders their own), written by all but stakeholders.
        row("GET /api/v1/segments", SIGNED_IN),
        row("POST /api/v1/segments", [401, 201, 201, 201, 403]),
        row("GET /api/v1/segments/{id}", SIGNED_IN),
        row("PATCH /api/v1/segments/{id}", [401, 200, 200, 200, 403]),
        row("DELETE /api/v1/segments/{id}", [401, 204, 204, 204, 403]),
        // Service areas: read by all, written by admins.
        row("GET /api/v1/service-areas", SIGNED_IN),
        row("POST /api/v1/service-areas", [401, 201, 403, 403, 403]),
        row("GET /api/v1/service-areas/{id}", SIGNED_IN),
        row("PATCH /api/v1/service-areas/{id}", ADMIN_READ),
        row("DELETE /api/v1/service-areas/{id}", [401, 204, 403, 403, 403]),
        // Sessions: written by admins and facilitators.
        row("GET /api/v1/sessions", SIGNED_IN),
        row("POST /api/v1/sessions", [401, 201, 403, 201, 403]),
        row("GET /api/v1/sessions/{id}", SIGNED_IN),
        row("PATCH /api/v1/sessions/{id}", [401, 200, 403, 200, 403]),
        row("DELETE /api/v1/sessions/{id}", [401, 204, 403, 204, 403]),
        // Requirements and questionnaire answers: admins, leadership, facilitators.
        row("GET /api/v1/requirements", SIGNED_IN),
        row("POST /api/v1/requirements", [401, 201, 201, 201, 403]),
        row("GET /api/v1/requirements/{id}", SIGNED_IN),
        row("PATCH /api/v1/requirements/{id}", [401, 200, 200, 200, 403]),
        row("DELETE /api/v1/requirements/{id}", [401, 204, 204, 204, 403]),
        row("POST /api/v1/requirements/{id}/responses", [401, 201, 201, 201, 403]),
        row("POST /api/v1/imports/responses", [401, 201, 201, 201, 403]),
        // Kano results: everyone signed in (stakeholders: their segments).
        row("GET /api/v1/requirements/{id}/kano", SIGNED_IN),
        rowv("GET /api/v1/requirements/{id}/kano", "segment_id={s}", SIGNED_IN),
        row("GET /api/v1/kano", SIGNED_IN),
        rowv("GET /api/v1/kano", "segment_id={s}", SIGNED_IN),
        row("GET /api/v1/kano/chart.svg", SIGNED_IN),
        rowv("GET /api/v1/kano/chart.svg", "segment_id={s}", SIGNED_IN),
        // Survey waves, the life cycle and contested requirements: everyone signed in
        // (stakeholders: their segments' waves and answers).
        rowv("GET /api/v1/kano", "session_id={w}", SIGNED_IN),
        rowv(
            "GET /api/v1/requirements/{id}/kano",
            "session_id={w}&segment_id={s}",
            SIGNED_IN,
        ),
        rowv("GET /api/v1/kano/chart.svg", "session_id={w}", SIGNED_IN),
        row("GET /api/v1/requirements/{id}/kano/history", SIGNED_IN),
        rowv(
            "GET /api/v1/requirements/{id}/kano/history",
            "segment_id={s}",
            SIGNED_IN,
        ),
        row("GET /api/v1/kano/transitions", SIGNED_IN),
        rowv("GET /api/v1/kano/transitions", "segment_id={s}", SIGNED_IN),
        row("GET /api/v1/kano/contested", SIGNED_IN),
        rowv("GET /api/v1/kano/contested", "session_id={w}", SIGNED_IN),
        row("GET /api/v1/segments/{id}/classification", SIGNED_IN),
        rowv("GET /api/v1/segments/{id}/value-proposition", "format=json", SIGNED_IN),
        rowv("GET /api/v1/segments/{id}/value-proposition", "format=md", SIGNED_IN),
        rowv("GET /api/v1/segments/{id}/value-proposition", "format=html", SIGNED_IN),
        // The cross-segment gap report: not for stakeholders.
        rowv("GET /api/v1/reports/gaps", "format=json", [401, 200, 200, 200, 403]),
        rowv("GET /api/v1/reports/gaps", "format=csv", [401, 200, 200, 200, 403]),
        rowv("GET /api/v1/reports/gaps", "format=md", [401, 200, 200, 200, 403]),
        rowv("GET /api/v1/reports/gaps", "format=html", [401, 200, 200, 200, 403]),
        rowv("GET /api/v1/reports/gaps", "segment_id={s}", [401, 200, 200, 200, 403]),
        row("GET /api/v1/reports/gaps/trend", [401, 200, 200, 200, 403]),
        rowv(
            "GET /api/v1/reports/gaps/trend",
            "segment_id={s}&from=2026-01&to=2026-12",
            [401, 200, 200, 200, 403],
        ),
        // Findings: written by admins and facilitators.
        row("GET /api/v1/findings", SIGNED_IN),
        row("POST /api/v1/findings", [401, 201, 403, 201, 403]),
        row("GET /api/v1/findings/{id}", SIGNED_IN),
        row("PATCH /api/v1/findings/{id}", [401, 200, 403, 200, 403]),
        row("DELETE /api/v1/findings/{id}", [401, 204, 403, 204, 403]),
        // Assessments: written by admins and leadership.
        row("GET /api/v1/assessments", SIGNED_IN),
        row("POST /api/v1/assessments", [401, 201, 201, 403, 403]),
        row("GET /api/v1/assessments/{id}", SIGNED_IN),
        row("PATCH /api/v1/assessments/{id}", [401, 200, 200, 403, 403]),
        row("DELETE /api/v1/assessments/{id}", [401, 204, 204, 403, 403]),
        // The audit trail: admins and leadership.
        row("GET /api/v1/audit", [401, 200, 200, 403, 403]),
        // SLA drafts: read by all (stakeholders their segment's), managed by admins and
        // leadership, signed off by the segment's stakeholders.
        row("GET /api/v1/sla-drafts", SIGNED_IN),
        row("POST /api/v1/sla-drafts", [401, 201, 201, 403, 403]),
        row("GET /api/v1/sla-drafts/{id}", SIGNED_IN),
        rowv("GET /api/v1/sla-drafts/{id}", "format=md", SIGNED_IN),
        rowv("GET /api/v1/sla-drafts/{id}", "format=html", SIGNED_IN),
        row("PATCH /api/v1/sla-drafts/{id}", [401, 200, 200, 403, 403]),
        row("POST /api/v1/sla-drafts/{id}/submit", [401, 200, 200, 403, 403]),
        row("POST /api/v1/sla-drafts/{id}/approve", [401, 200, 200, 403, 403]),
        row("POST /api/v1/sla-drafts/{id}/reject", [401, 200, 200, 403, 403]),
        row("POST /api/v1/sla-drafts/{id}/sign-off", [401, 403, 403, 403, 200]),
        // Complaints: filed by everyone (stakeholders for their segments), read by everyone
        // (stakeholders their segments'), managed by staff; stakeholders reopen their own.
        row("GET /api/v1/complaints", SIGNED_IN),
        rowv("GET /api/v1/complaints", "segment_id={s}&status=open", SIGNED_IN),
        row("POST /api/v1/complaints", [401, 201, 201, 201, 201]),
        row("GET /api/v1/complaints/{id}", SIGNED_IN),
        row("PATCH /api/v1/complaints/{id}", [401, 200, 200, 200, 403]),
        row("POST /api/v1/complaints/{id}/acknowledge", [401, 200, 200, 200, 403]),
        row("POST /api/v1/complaints/{id}/resolve", [401, 200, 200, 200, 403]),
        row("POST /api/v1/complaints/{id}/reopen", [401, 200, 200, 200, 200]),
        row("GET /api/v1/complaints/stats", SIGNED_IN),
        rowv(
            "GET /api/v1/complaints/stats",
            "segment_id={s}&group_by=service_area",
            SIGNED_IN,
        ),
        // Satisfaction surveys: run by staff, read by everyone (stakeholders their segments').
        row("GET /api/v1/satisfaction-surveys", SIGNED_IN),
        row("POST /api/v1/satisfaction-surveys", [401, 201, 201, 201, 403]),
        row("GET /api/v1/satisfaction-surveys/{id}", SIGNED_IN),
        row("PATCH /api/v1/satisfaction-surveys/{id}", [401, 200, 200, 200, 403]),
        row("DELETE /api/v1/satisfaction-surveys/{id}", [401, 204, 204, 204, 403]),
        row(
            "POST /api/v1/satisfaction-surveys/{id}/responses",
            [401, 201, 201, 201, 403],
        ),
        row("POST /api/v1/imports/satisfaction", [401, 201, 201, 201, 403]),
        row("GET /api/v1/satisfaction-surveys/{id}/results", SIGNED_IN),
        rowv(
            "GET /api/v1/satisfaction-surveys/{id}/results",
            "segment_id={s}",
            SIGNED_IN,
        ),
        row("GET /api/v1/satisfaction/scorecard", SIGNED_IN),
        rowv("GET /api/v1/satisfaction/scorecard", "segment_id={s}", SIGNED_IN),
        // Service levels: calendars and targets read by all (stakeholders: their segments'
        // targets and the general ones), managed by admins and leadership; tickets imported
        // by admins, leadership and facilitators.
        row("GET /api/v1/calendars", SIGNED_IN),
        row("POST /api/v1/calendars", [401, 201, 201, 403, 403]),
        row("GET /api/v1/calendars/{id}", SIGNED_IN),
        row("PATCH /api/v1/calendars/{id}", [401, 200, 200, 403, 403]),
        row("DELETE /api/v1/calendars/{id}", [401, 204, 204, 403, 403]),
        row("GET /api/v1/service-targets", SIGNED_IN),
        rowv("GET /api/v1/service-targets", "segment_id={s}", SIGNED_IN),
        row("POST /api/v1/service-targets", [401, 201, 201, 403, 403]),
        row("GET /api/v1/service-targets/{id}", SIGNED_IN),
        row("PATCH /api/v1/service-targets/{id}", [401, 200, 200, 403, 403]),
        row("DELETE /api/v1/service-targets/{id}", [401, 204, 204, 403, 403]),
        row(
            "POST /api/v1/service-targets/{id}/measurements",
            [401, 201, 201, 403, 403],
        ),
        row(
            "PATCH /api/v1/service-targets/{id}/measurements/{period}",
            [401, 200, 200, 403, 403],
        ),
        row("GET /api/v1/service-targets/{id}/attainment", SIGNED_IN),
        rowv(
            "GET /api/v1/service-targets/{id}/attainment",
            "from=2026-01&to=2026-03",
            SIGNED_IN,
        ),
        row(
            "POST /api/v1/sla-drafts/{id}/service-targets",
            [401, 201, 201, 403, 403],
        ),
        row("POST /api/v1/imports/tickets", [401, 201, 201, 201, 403]),
        // The service report: everyone signed in (stakeholders: their segments).
        rowv("GET /api/v1/reports/service", "period=2026-03&format=json", SIGNED_IN),
        rowv("GET /api/v1/reports/service", "period=2026-03&format=csv", SIGNED_IN),
        rowv("GET /api/v1/reports/service", "period=2026-03&format=md", SIGNED_IN),
        rowv("GET /api/v1/reports/service", "period=2026-03&format=html", SIGNED_IN),
        rowv("GET /api/v1/reports/service", "segment_id={s}", SIGNED_IN),
        // Root-cause analyses: written by admins, leadership and facilitators; read by
        // stakeholders of their segment.
        row("GET /api/v1/root-causes", SIGNED_IN),
        rowv("GET /api/v1/root-causes", "segment_id={s}", SIGNED_IN),
        row("POST /api/v1/root-causes", [401, 201, 201, 201, 403]),
        row("GET /api/v1/root-causes/{id}", SIGNED_IN),
        row("PATCH /api/v1/root-causes/{id}", [401, 200, 200, 200, 403]),
        row("DELETE /api/v1/root-causes/{id}", [401, 204, 204, 204, 403]),
        row("POST /api/v1/root-causes/{id}/causes", [401, 201, 201, 201, 403]),
        row(
            "PATCH /api/v1/root-causes/{id}/causes/{cause_id}",
            [401, 200, 200, 200, 403],
        ),
        row(
            "DELETE /api/v1/root-causes/{id}/causes/{cause_id}",
            [401, 204, 204, 204, 403],
        ),
        row("GET /api/v1/root-causes/{id}/fishbone.svg", SIGNED_IN),
        // A cause turned into an improvement-plan change: plan managers.
        row(
            "POST /api/v1/root-causes/{id}/causes/{cause_id}/change",
            [401, 201, 201, 403, 403],
        ),
        // COScom: written by staff; the segment's stakeholders read and comment.
        row("GET /api/v1/coscom", SIGNED_IN),
        rowv("GET /api/v1/coscom", "segment_id={s}&status=open", SIGNED_IN),
        row("POST /api/v1/coscom", [401, 201, 201, 201, 403]),
        row("GET /api/v1/coscom/{id}", SIGNED_IN),
        row("POST /api/v1/coscom/{id}/checkpoints", [401, 201, 201, 201, 403]),
        row("POST /api/v1/coscom/{id}/comments", [401, 201, 201, 201, 201]),
        row("POST /api/v1/coscom/{id}/close", [401, 200, 200, 200, 403]),
        // Improvement plans: read by all (stakeholders: plans naming their segments), managed
        // by admins and leadership, signed off by the named segments' stakeholders.
        row("GET /api/v1/improvement-plans", SIGNED_IN),
        rowv(
            "GET /api/v1/improvement-plans",
            "segment_id={s}&status=draft",
            SIGNED_IN,
        ),
        row("POST /api/v1/improvement-plans", [401, 201, 201, 403, 403]),
        row("GET /api/v1/improvement-plans/{id}", SIGNED_IN),
        rowv("GET /api/v1/improvement-plans/{id}", "format=md", SIGNED_IN),
        rowv("GET /api/v1/improvement-plans/{id}", "format=html", SIGNED_IN),
        row("PATCH /api/v1/improvement-plans/{id}", [401, 200, 200, 403, 403]),
        row("DELETE /api/v1/improvement-plans/{id}", [401, 204, 204, 403, 403]),
        row("POST /api/v1/improvement-plans/{id}/changes", [401, 201, 201, 403, 403]),
        row(
            "PATCH /api/v1/improvement-plans/{id}/changes/{change_id}",
            [401, 200, 200, 403, 403],
        ),
        row(
            "DELETE /api/v1/improvement-plans/{id}/changes/{change_id}",
            [401, 204, 204, 403, 403],
        ),
        row("POST /api/v1/improvement-plans/{id}/submit", [401, 200, 200, 403, 403]),
        row(
            "POST /api/v1/improvement-plans/{id}/sign-off",
            [401, 403, 403, 403, 200],
        ),
        row("POST /api/v1/improvement-plans/{id}/approve", [401, 200, 200, 403, 403]),
        row("POST /api/v1/improvement-plans/{id}/close", [401, 200, 200, 403, 403]),
    ]
}

/// What the rows act on: one segment `s` with a requirement, session, finding, assessment and
/// SLA draft of its own, and the users of each role.
struct Fixture {
    s: i64,
    s_name: String,
    root_cause: i64,
    cause: i64,
    coscom: i64,
    condition: i64,
    requirement: i64,
    requirement_key: String,
    session: i64,
    /// Two survey waves of `s`, the earlier first.
    wave: i64,
    wave2: i64,
    finding: i64,
    assessment: i64,
    sla: i64,
    complaint: i64,
    survey: i64,
    calendar: i64,
    target: i64,
    reported: i64,
    /// A draft improvement plan of `s` with one change.
    plan: i64,
    plan_change: i64,
    user: i64,
    login_email: String,
    tokens: Vec<(Who, Option<String>)>,
    counter: Cell<usize>,
}

impl Fixture {
    fn next(&self) -> usize {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .and_then(|(_, t)| t.as_deref())
    }
}

async fn fixture(app: &TestApp) -> Fixture {
    let s_name = "Finance".to_owned();
    let s = app.segment(&s_name).await;
    let requirement_key = "HD-CALLBACK".to_owned();
    let requirement = app.requirement(&requirement_key).await;
    let session = app.session(&[s]).await;
    let mut waves = Vec::new();
    for held_on in ["2025-10-01", "2026-10-01"] {
        waves.push(id(&app
            .create(
                "/api/v1/sessions",
                &app.admin,
                json!({"kind": "survey", "title": format!("Survey {held_on}"), "held_on": held_on, "segment_ids": [s]}),
            )
            .await));
    }
    let (wave, wave2) = (waves[0], waves[1]);
    let finding = app.finding(requirement, s, "basic").await;
    let assessment = id(&app
        .create(
            "/api/v1/assessments",
            &app.admin,
            json!({"requirement_id": requirement, "segment_id": s, "current_value": 12, "assessed_on": "2026-10-01"}),
        )
        .await);
    let sla = id(&app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": s}))
        .await);
    let complaint = complaint_in(app, s, "open").await;
    let survey = id(&app
        .create(
            "/api/v1/satisfaction-surveys",
            &app.admin,
            json!({"title": "Matrix survey", "kind": "overall", "opened_on": "2026-01-01", "closed_on": "2026-01-31", "segment_ids": [s]}),
        )
        .await);
    let calendar = id(&app
        .create(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Office", "timezone": "Europe/Berlin", "week": {"mon": ["08:00-17:00"]}}),
        )
        .await);
    let target = id(&app
        .create(
            "/api/v1/service-targets",
            &app.admin,
            json!({"requirement_id": requirement, "segment_id": s, "measure": "first_response", "goal": 0.9, "calendar_id": calendar}),
        )
        .await);
    let reported = id(&app
        .create(
            "/api/v1/service-targets",
            &app.admin,
            json!({"requirement_id": requirement, "segment_id": s, "measure": "reported"}),
        )
        .await);
    app.create(
        &format!("/api/v1/service-targets/{reported}/measurements"),
        &app.admin,
        json!({"period": "2026-01", "value": 4}),
    )
    .await;
    let root_cause = root_cause_in(app, s).await;
    let cause = cause_in(app, root_cause).await;
    let coscom = id(&app
        .create(
            "/api/v1/coscom",
            &app.admin,
            json!({"project": "Matrix project", "segment_id": s, "starts_on": "2026-01-01", "conditions": [{"text": "It works"}]}),
        )
        .await);
    let condition = app.get(&format!("/api/v1/coscom/{coscom}"), &app.admin).await.1["conditions"][0]["id"]
        .as_i64()
        .expect("condition id");
    let (_, user) = app.user("facilitator", &[]).await;
    let (plan, plan_change) = plan_in(app, s, user, "draft", None).await;
    let login_email = "matrix-login@example.test".to_owned();
    app.create(
        "/api/v1/users",
        &app.admin,
        json!({"email": login_email, "password": PASSWORD, "role": "facilitator"}),
    )
    .await;
    // A second admin for the matrix, so that the harness admin's password is never changed.
    let mut tokens = vec![(Who::Anonymous, None)];
    for (who, role) in [
        (Who::Admin, "admin"),
        (Who::Leadership, "leadership"),
        (Who::Facilitator, "facilitator"),
        (Who::Stakeholder, "stakeholder"),
    ] {
        let segments: &[i64] = if who == Who::Stakeholder { &[s] } else { &[] };
        tokens.push((who, Some(app.user(role, segments).await.0)));
    }
    Fixture {
        s,
        s_name,
        requirement,
        requirement_key,
        session,
        wave,
        wave2,
        finding,
        assessment,
        sla,
        complaint,
        survey,
        calendar,
        target,
        root_cause,
        cause,
        coscom,
        condition,
        reported,
        plan,
        plan_change,
        user,
        login_email,
        tokens,
        counter: Cell::new(0),
    }
}

/// A fresh SLA draft of segment `s`, taken through the lifecycle up to `status`.
async fn sla_in(app: &TestApp, s: i64, status: &str) -> i64 {
    let sla = id(&app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": s}))
        .await);
    let steps: &[&str] = match status {
        "draft" => &[],
        "in_review" => &["submit"],
        "agreed" => &["submit", "approve"],
        other => panic!("no such status {other}"),
    };
    for step in steps {
        let (code, body) = app
            .post(&format!("/api/v1/sla-drafts/{sla}/{step}"), &app.admin, Value::Null)
            .await;
        assert_eq!(code, 200, "{step} {sla}: {body}");
    }
    sla
}

/// A fresh root-cause analysis of segment `s`.
async fn root_cause_in(app: &TestApp, s: i64) -> i64 {
    id(&app
        .create(
            "/api/v1/root-causes",
            &app.admin,
            json!({"problem": "Matrix problem", "segment_id": s, "category_set": "4S"}),
        )
        .await)
}

/// A fresh cause of analysis `rc`.
async fn cause_in(app: &TestApp, rc: i64) -> i64 {
    id(&app
        .create(
            &format!("/api/v1/root-causes/{rc}/causes"),
            &app.admin,
            json!({"category": "Systems", "text": "Matrix cause"}),
        )
        .await)
}

/// A fresh complaint of segment `s`, taken through its life cycle up to `status`.
async fn complaint_in(app: &TestApp, s: i64, status: &str) -> i64 {
    let complaint = id(&app
        .create(
            "/api/v1/complaints",
            &app.admin,
            json!({"segment_id": s, "summary": "Matrix complaint", "channel": "phone"}),
        )
        .await);
    let steps: &[&str] = match status {
        "open" => &[],
        "acknowledged" => &["acknowledge"],
        "resolved" => &["acknowledge", "resolve"],
        other => panic!("no such status {other}"),
    };
    for step in steps {
        let body = if *step == "resolve" {
            json!({"resolution": "done"})
        } else {
            json!({})
        };
        let (code, body) = app
            .post(&format!("/api/v1/complaints/{complaint}/{step}"), &app.admin, body)
            .await;
        assert_eq!(code, 200, "{step} {complaint}: {body}");
    }
    complaint
}

/// The request one row sends, with fresh objects where a success would use one up.
async fn request(app: &TestApp, fx: &Fixture, route: &str) -> Req {
    let n = fx.next();
    let admin = app.admin.as_str();
    let (s, r) = (fx.s, fx.requirement);
    match route {
        "GET /health" => Req::get("/health"),
        "GET /metrics" => Req::get("/metrics"),
        "POST /api/v1/auth/token" => Req::post(
            "/api/v1/auth/token",
            json!({"email": fx.login_email, "password": PASSWORD}),
        ),
        "GET /api/v1/me" => Req::get("/api/v1/me"),
        "GET /api/v1/openapi.json" => Req::get("/api/v1/openapi.json"),
        // Each cell's user (see `fresh_token`) changes its password once, from the one it was created with.
        "PATCH /api/v1/me" => Req::patch(
            "/api/v1/me",
            json!({"current_password": PASSWORD, "password": format!("changed-password-{n:04}")}),
        ),
        "POST /api/v1/me/sign-out-everywhere" => Req::post_empty("/api/v1/me/sign-out-everywhere"),
        "GET /api/v1/users" => Req::get("/api/v1/users"),
        "POST /api/v1/users" => Req::post(
            "/api/v1/users",
            json!({"email": format!("new-{n}@example.test"), "password": PASSWORD, "role": "facilitator"}),
        ),
        "GET /api/v1/users/{id}" => Req::get(format!("/api/v1/users/{}", fx.user)),
        "PATCH /api/v1/users/{id}" => Req::patch(
            format!("/api/v1/users/{}", fx.user),
            json!({"email": format!("renamed-{n}@example.test")}),
        ),
        "DELETE /api/v1/users/{id}" => {
            let (_, victim) = app.user("facilitator", &[]).await;
            Req::delete(format!("/api/v1/users/{victim}"))
        }
        "GET /api/v1/segments" => Req::get("/api/v1/segments"),
        "POST /api/v1/segments" => Req::post("/api/v1/segments", json!({"name": format!("Segment {n}")})),
        "GET /api/v1/segments/{id}" => Req::get(format!("/api/v1/segments/{s}")),
        "PATCH /api/v1/segments/{id}" => Req::patch(
            format!("/api/v1/segments/{s}"),
            json!({"description": format!("described {n}")}),
        ),
        "DELETE /api/v1/segments/{id}" => {
            let fresh = app.segment(&format!("Disposable segment {n}")).await;
            Req::delete(format!("/api/v1/segments/{fresh}"))
        }
        "GET /api/v1/service-areas" => Req::get("/api/v1/service-areas"),
        "POST /api/v1/service-areas" => Req::post("/api/v1/service-areas", json!({"name": format!("Area {n}")})),
        "GET /api/v1/service-areas/{id}" => Req::get("/api/v1/service-areas/8"),
        "PATCH /api/v1/service-areas/{id}" | "DELETE /api/v1/service-areas/{id}" => {
            let fresh = id(&app
                .create(
                    "/api/v1/service-areas",
                    admin,
                    json!({"name": format!("Disposable area {n}")}),
                )
                .await);
            let path = format!("/api/v1/service-areas/{fresh}");
            if route.starts_with("PATCH") {
                Req::patch(path, json!({"description": format!("described {n}")}))
            } else {
                Req::delete(path)
            }
        }
        "GET /api/v1/sessions" => Req::get("/api/v1/sessions"),
        "POST /api/v1/sessions" => Req::post(
            "/api/v1/sessions",
            json!({"kind": "interview", "title": format!("Interview {n}"), "held_on": "2026-01-01", "segment_ids": [s]}),
        ),
        "GET /api/v1/sessions/{id}" => Req::get(format!("/api/v1/sessions/{}", fx.session)),
        "PATCH /api/v1/sessions/{id}" => Req::patch(
            format!("/api/v1/sessions/{}", fx.session),
            json!({"notes": format!("notes {n}")}),
        ),
        "DELETE /api/v1/sessions/{id}" => {
            let fresh = app.session(&[s]).await;
            Req::delete(format!("/api/v1/sessions/{fresh}"))
        }
        "GET /api/v1/requirements" => Req::get("/api/v1/requirements"),
        "POST /api/v1/requirements" => Req::post(
            "/api/v1/requirements",
            json!({"key": format!("MX-{n}"), "title": "t", "service_area_id": 1}),
        ),
        "GET /api/v1/requirements/{id}" => Req::get(format!("/api/v1/requirements/{r}")),
        "PATCH /api/v1/requirements/{id}" => Req::patch(
            format!("/api/v1/requirements/{r}"),
            json!({"description": format!("described {n}")}),
        ),
        "DELETE /api/v1/requirements/{id}" => {
            let fresh = app.requirement(&format!("DEL-{n}")).await;
            Req::delete(format!("/api/v1/requirements/{fresh}"))
        }
        "POST /api/v1/requirements/{id}/responses" => Req::post(
            format!("/api/v1/requirements/{r}/responses"),
            json!([{"respondent": format!("json-{n}"), "segment_id": s, "functional": "like", "dysfunctional": "dislike", "importance": 4}]),
        ),
        "POST /api/v1/imports/responses" => Req::csv(
            "/api/v1/imports/responses",
            &format!(
                "respondent,segment,requirement,functional,dysfunctional,importance\ncsv-{n},{},{},must_be,dislike,5\n",
                fx.s_name, fx.requirement_key
            ),
        ),
        "GET /api/v1/requirements/{id}/kano" => Req::get(format!("/api/v1/requirements/{r}/kano")),
        "GET /api/v1/kano" => Req::get("/api/v1/kano"),
        "GET /api/v1/kano/chart.svg" => Req::get("/api/v1/kano/chart.svg"),
        "GET /api/v1/requirements/{id}/kano/history" => Req::get(format!("/api/v1/requirements/{r}/kano/history")),
        "GET /api/v1/kano/transitions" => {
            Req::get(format!("/api/v1/kano/transitions?from={}&to={}", fx.wave, fx.wave2))
        }
        "GET /api/v1/kano/contested" => Req::get("/api/v1/kano/contested"),
        "GET /api/v1/segments/{id}/classification" => Req::get(format!("/api/v1/segments/{s}/classification")),
        "GET /api/v1/segments/{id}/value-proposition" => Req::get(format!("/api/v1/segments/{s}/value-proposition")),
        "GET /api/v1/reports/gaps" => Req::get("/api/v1/reports/gaps"),
        "GET /api/v1/reports/gaps/trend" => Req::get("/api/v1/reports/gaps/trend"),
        "GET /api/v1/findings" => Req::get("/api/v1/findings"),
        "POST /api/v1/findings" => Req::post(
            "/api/v1/findings",
            json!({"requirement_id": r, "segment_id": s, "category": "basic", "importance": 3, "note": format!("finding {n}")}),
        ),
        "GET /api/v1/findings/{id}" => Req::get(format!("/api/v1/findings/{}", fx.finding)),
        "PATCH /api/v1/findings/{id}" => Req::patch(
            format!("/api/v1/findings/{}", fx.finding),
            json!({"note": format!("note {n}")}),
        ),
        "DELETE /api/v1/findings/{id}" => {
            let fresh = app.finding(r, s, "basic").await;
            Req::delete(format!("/api/v1/findings/{fresh}"))
        }
        "GET /api/v1/assessments" => Req::get("/api/v1/assessments"),
        "POST /api/v1/assessments" => Req::post(
            "/api/v1/assessments",
            json!({"requirement_id": r, "segment_id": s, "fulfilment": 0.5, "assessed_on": "2026-01-01", "note": format!("assessment {n}")}),
        ),
        "GET /api/v1/assessments/{id}" => Req::get(format!("/api/v1/assessments/{}", fx.assessment)),
        "PATCH /api/v1/assessments/{id}" => Req::patch(
            format!("/api/v1/assessments/{}", fx.assessment),
            json!({"note": format!("note {n}")}),
        ),
        "DELETE /api/v1/assessments/{id}" => {
            let fresh = id(&app
                .create(
                    "/api/v1/assessments",
                    admin,
                    json!({"requirement_id": r, "fulfilment": 0.2, "assessed_on": "2025-01-01"}),
                )
                .await);
            Req::delete(format!("/api/v1/assessments/{fresh}"))
        }
        "GET /api/v1/audit" => Req::get("/api/v1/audit"),
        "GET /api/v1/sla-drafts" => Req::get("/api/v1/sla-drafts"),
        "POST /api/v1/sla-drafts" => Req::post("/api/v1/sla-drafts", json!({"segment_id": s})),
        "GET /api/v1/sla-drafts/{id}" => Req::get(format!("/api/v1/sla-drafts/{}", fx.sla)),
        "PATCH /api/v1/sla-drafts/{id}" => {
            let fresh = sla_in(app, s, "draft").await;
            Req::patch(
                format!("/api/v1/sla-drafts/{fresh}"),
                json!({"title": format!("Title {n}"), "sections": {"service_hours": format!("Hours {n}")}}),
            )
        }
        "POST /api/v1/sla-drafts/{id}/submit" => {
            let fresh = sla_in(app, s, "draft").await;
            Req::post_empty(format!("/api/v1/sla-drafts/{fresh}/submit"))
        }
        "POST /api/v1/sla-drafts/{id}/approve" => {
            let fresh = sla_in(app, s, "in_review").await;
            Req::post_empty(format!("/api/v1/sla-drafts/{fresh}/approve"))
        }
        "POST /api/v1/sla-drafts/{id}/reject" => {
            let fresh = sla_in(app, s, "in_review").await;
            Req::post(
                format!("/api/v1/sla-drafts/{fresh}/reject"),
                json!({"comment": format!("Not yet {n}")}),
            )
        }
        "POST /api/v1/sla-drafts/{id}/sign-off" => {
            let fresh = sla_in(app, s, "in_review").await;
            Req::post_empty(format!("/api/v1/sla-drafts/{fresh}/sign-off"))
        }
        "GET /api/v1/complaints" => Req::get("/api/v1/complaints"),
        "POST /api/v1/complaints" => Req::post(
            "/api/v1/complaints",
            json!({"segment_id": s, "summary": format!("complaint {n}"), "channel": "web"}),
        ),
        "GET /api/v1/complaints/{id}" => Req::get(format!("/api/v1/complaints/{}", fx.complaint)),
        "PATCH /api/v1/complaints/{id}" => Req::patch(
            format!("/api/v1/complaints/{}", fx.complaint),
            json!({"category": format!("category {n}")}),
        ),
        "POST /api/v1/complaints/{id}/acknowledge" => {
            let fresh = complaint_in(app, s, "open").await;
            Req::post_empty(format!("/api/v1/complaints/{fresh}/acknowledge"))
        }
        "POST /api/v1/complaints/{id}/resolve" => {
            let fresh = complaint_in(app, s, "acknowledged").await;
            Req::post(
                format!("/api/v1/complaints/{fresh}/resolve"),
                json!({"resolution": format!("fixed {n}")}),
            )
        }
        "POST /api/v1/complaints/{id}/reopen" => {
            let fresh = complaint_in(app, s, "resolved").await;
            Req::post_empty(format!("/api/v1/complaints/{fresh}/reopen"))
        }
        "GET /api/v1/complaints/stats" => Req::get("/api/v1/complaints/stats"),
        "GET /api/v1/satisfaction-surveys" => Req::get("/api/v1/satisfaction-surveys"),
        "POST /api/v1/satisfaction-surveys" => Req::post(
            "/api/v1/satisfaction-surveys",
            json!({"title": format!("Survey {n}"), "kind": "transaction", "opened_on": "2026-02-01"}),
        ),
        "GET /api/v1/satisfaction-surveys/{id}" => Req::get(format!("/api/v1/satisfaction-surveys/{}", fx.survey)),
        "PATCH /api/v1/satisfaction-surveys/{id}" => Req::patch(
            format!("/api/v1/satisfaction-surveys/{}", fx.survey),
            json!({"title": format!("Matrix survey {n}")}),
        ),
        "DELETE /api/v1/satisfaction-surveys/{id}" => {
            let fresh = id(&app
                .create(
                    "/api/v1/satisfaction-surveys",
                    admin,
                    json!({"title": format!("Disposable survey {n}"), "kind": "transaction", "opened_on": "2026-02-01"}),
                )
                .await);
            Req::delete(format!("/api/v1/satisfaction-surveys/{fresh}"))
        }
        "POST /api/v1/satisfaction-surveys/{id}/responses" => Req::post(
            format!("/api/v1/satisfaction-surveys/{}/responses", fx.survey),
            json!([{"respondent": format!("json-{n}"), "segment_id": s, "score": 4}]),
        ),
        "POST /api/v1/imports/satisfaction" => Req::csv(
            format!("/api/v1/imports/satisfaction?survey_id={}", fx.survey),
            &format!("respondent,segment,score\ncsv-{n},{},5\n", fx.s_name),
        ),
        "GET /api/v1/satisfaction-surveys/{id}/results" => {
            Req::get(format!("/api/v1/satisfaction-surveys/{}/results", fx.survey))
        }
        "GET /api/v1/satisfaction/scorecard" => Req::get("/api/v1/satisfaction/scorecard"),
        "GET /api/v1/calendars" => Req::get("/api/v1/calendars"),
        "POST /api/v1/calendars" => Req::post(
            "/api/v1/calendars",
            json!({"name": format!("Calendar {n}"), "timezone": "UTC", "week": {"tue": ["09:00-12:00"]}}),
        ),
        "GET /api/v1/calendars/{id}" => Req::get(format!("/api/v1/calendars/{}", fx.calendar)),
        "PATCH /api/v1/calendars/{id}" => Req::patch(
            format!("/api/v1/calendars/{}", fx.calendar),
            json!({"holidays": [format!("2026-12-{:02}", n % 28 + 1)]}),
        ),
        "DELETE /api/v1/calendars/{id}" => {
            let fresh = id(&app
                .create(
                    "/api/v1/calendars",
                    admin,
                    json!({"name": format!("Disposable calendar {n}"), "timezone": "UTC"}),
                )
                .await);
            Req::delete(format!("/api/v1/calendars/{fresh}"))
        }
        "GET /api/v1/service-targets" => Req::get("/api/v1/service-targets"),
        "POST /api/v1/service-targets" => Req::post(
            "/api/v1/service-targets",
            json!({"requirement_id": r, "segment_id": s, "measure": "resolution", "goal": 0.8, "limit": n}),
        ),
        "GET /api/v1/service-targets/{id}" => Req::get(format!("/api/v1/service-targets/{}", fx.target)),
        "PATCH /api/v1/service-targets/{id}" => {
            Req::patch(format!("/api/v1/service-targets/{}", fx.target), json!({"limit": n}))
        }
        "DELETE /api/v1/service-targets/{id}" => {
            let fresh = id(&app
                .create(
                    "/api/v1/service-targets",
                    admin,
                    json!({"requirement_id": r, "measure": "reported"}),
                )
                .await);
            Req::delete(format!("/api/v1/service-targets/{fresh}"))
        }
        "POST /api/v1/service-targets/{id}/measurements" => Req::post(
            format!("/api/v1/service-targets/{}/measurements", fx.reported),
            json!({"period": format!("{:04}-01", 1000 + n), "value": 3}),
        ),
        "PATCH /api/v1/service-targets/{id}/measurements/{period}" => Req::patch(
            format!("/api/v1/service-targets/{}/measurements/2026-01", fx.reported),
            json!({"value": n}),
        ),
        "GET /api/v1/service-targets/{id}/attainment" => {
            Req::get(format!("/api/v1/service-targets/{}/attainment", fx.target))
        }
        "POST /api/v1/sla-drafts/{id}/service-targets" => {
            let fresh = sla_in(app, s, "agreed").await;
            Req::post_empty(format!("/api/v1/sla-drafts/{fresh}/service-targets"))
        }
        "POST /api/v1/imports/tickets" => Req::csv(
            "/api/v1/imports/tickets",
            &format!(
                "ticket,segment,opened_at,first_response_at,resolved_at\nMX-{n},{},2026-03-02T09:00:00Z,,\n",
                fx.s_name
            ),
        ),
        "GET /api/v1/reports/service" => Req::get("/api/v1/reports/service"),
        "GET /api/v1/root-causes" => Req::get("/api/v1/root-causes"),
        "POST /api/v1/root-causes" => Req::post(
            "/api/v1/root-causes",
            json!({"problem": format!("problem {n}"), "segment_id": s, "category_set": "6M"}),
        ),
        "GET /api/v1/root-causes/{id}" => Req::get(format!("/api/v1/root-causes/{}", fx.root_cause)),
        "PATCH /api/v1/root-causes/{id}" => Req::patch(
            format!("/api/v1/root-causes/{}", fx.root_cause),
            json!({"problem": format!("problem {n}")}),
        ),
        "DELETE /api/v1/root-causes/{id}" => {
            let fresh = root_cause_in(app, s).await;
            Req::delete(format!("/api/v1/root-causes/{fresh}"))
        }
        "POST /api/v1/root-causes/{id}/causes" => Req::post(
            format!("/api/v1/root-causes/{}/causes", fx.root_cause),
            json!({"category": "Skills", "text": format!("cause {n}"), "parent_id": null}),
        ),
        "POST /api/v1/root-causes/{id}/causes/{cause_id}/change" => {
            // A fresh draft plan each time: a plan holds at most eight changes.
            let (fresh, _) = plan_in(app, s, fx.user, "draft", None).await;
            Req::post(
                format!("/api/v1/root-causes/{}/causes/{}/change", fx.root_cause, fx.cause),
                json!({"plan_id": fresh, "title": format!("Treat it {n}"), "owner_id": fx.user, "due_on": "2099-01-01"}),
            )
        }
        "PATCH /api/v1/root-causes/{id}/causes/{cause_id}" => Req::patch(
            format!("/api/v1/root-causes/{}/causes/{}", fx.root_cause, fx.cause),
            json!({"votes": n, "verified": true}),
        ),
        "DELETE /api/v1/root-causes/{id}/causes/{cause_id}" => {
            let fresh = cause_in(app, fx.root_cause).await;
            Req::delete(format!("/api/v1/root-causes/{}/causes/{fresh}", fx.root_cause))
        }
        "GET /api/v1/root-causes/{id}/fishbone.svg" => {
            Req::get(format!("/api/v1/root-causes/{}/fishbone.svg", fx.root_cause))
        }
        "GET /api/v1/coscom" => Req::get("/api/v1/coscom"),
        "POST /api/v1/coscom" => Req::post(
            "/api/v1/coscom",
            json!({"project": format!("project {n}"), "segment_id": s, "starts_on": "2026-01-01", "conditions": [{"text": "x"}]}),
        ),
        "GET /api/v1/coscom/{id}" => Req::get(format!("/api/v1/coscom/{}", fx.coscom)),
        "POST /api/v1/coscom/{id}/checkpoints" => Req::post(
            format!("/api/v1/coscom/{}/checkpoints", fx.coscom),
            json!({"on": "2026-02-01", "ratings": [{"condition_id": fx.condition, "rating": "off_track"}], "actions": format!("action {n}")}),
        ),
        "POST /api/v1/coscom/{id}/comments" => Req::post(
            format!("/api/v1/coscom/{}/comments", fx.coscom),
            json!({"text": format!("comment {n}")}),
        ),
        "POST /api/v1/coscom/{id}/close" => {
            let fresh = id(&app
                .create(
                    "/api/v1/coscom",
                    admin,
                    json!({"project": format!("closing {n}"), "segment_id": s, "starts_on": "2026-01-01", "conditions": [{"text": "x"}]}),
                )
                .await);
            Req::post_empty(format!("/api/v1/coscom/{fresh}/close"))
        }
        "GET /api/v1/improvement-plans" => Req::get("/api/v1/improvement-plans"),
        "POST /api/v1/improvement-plans" => Req::post(
            "/api/v1/improvement-plans",
            json!({"title": format!("Plan {n}"), "service_area_id": 8, "segment_ids": [s]}),
        ),
        "GET /api/v1/improvement-plans/{id}" => Req::get(format!("/api/v1/improvement-plans/{}", fx.plan)),
        "PATCH /api/v1/improvement-plans/{id}" => Req::patch(
            format!("/api/v1/improvement-plans/{}", fx.plan),
            json!({"summary": format!("summary {n}")}),
        ),
        "DELETE /api/v1/improvement-plans/{id}" => {
            let (fresh, _) = plan_in(app, s, fx.user, "draft", None).await;
            Req::delete(format!("/api/v1/improvement-plans/{fresh}"))
        }
        "POST /api/v1/improvement-plans/{id}/changes" => {
            let (fresh, _) = plan_in(app, s, fx.user, "draft", None).await;
            Req::post(
                format!("/api/v1/improvement-plans/{fresh}/changes"),
                json!({"title": format!("Change {n}"), "owner_id": fx.user, "due_on": "2099-01-01"}),
            )
        }
        "PATCH /api/v1/improvement-plans/{id}/changes/{change_id}" => Req::patch(
            format!("/api/v1/improvement-plans/{}/changes/{}", fx.plan, fx.plan_change),
            json!({"resources": format!("resources {n}")}),
        ),
        "DELETE /api/v1/improvement-plans/{id}/changes/{change_id}" => {
            let (fresh, change) = plan_in(app, s, fx.user, "draft", None).await;
            Req::delete(format!("/api/v1/improvement-plans/{fresh}/changes/{change}"))
        }
        "POST /api/v1/improvement-plans/{id}/submit" => {
            let (fresh, _) = plan_in(app, s, fx.user, "draft", None).await;
            Req::post_empty(format!("/api/v1/improvement-plans/{fresh}/submit"))
        }
        "POST /api/v1/improvement-plans/{id}/sign-off" => {
            let (fresh, _) = plan_in(app, s, fx.user, "in_review", None).await;
            Req::post_empty(format!("/api/v1/improvement-plans/{fresh}/sign-off"))
        }
        "POST /api/v1/improvement-plans/{id}/approve" => {
            let (fresh, _) = plan_in(app, s, fx.user, "signed", fx.token(Who::Stakeholder)).await;
            Req::post_empty(format!("/api/v1/improvement-plans/{fresh}/approve"))
        }
        "POST /api/v1/improvement-plans/{id}/close" => {
            let (fresh, _) = plan_in(app, s, fx.user, "agreed", fx.token(Who::Stakeholder)).await;
            Req::post_empty(format!("/api/v1/improvement-plans/{fresh}/close"))
        }
        other => panic!("the matrix has a row for {other} but no request for it"),
    }
}

/// Routes after which the caller's token is refused (a password change, signing out
/// everywhere): each cell signs in a user of its own, so the fixture's tokens live on.
const ENDS_SESSIONS: [&str; 2] = ["PATCH /api/v1/me", "POST /api/v1/me/sign-out-everywhere"];

async fn fresh_token(app: &TestApp, fx: &Fixture, who: Who) -> Option<String> {
    let (role, segments): (&str, Vec<i64>) = match who {
        Who::Anonymous => return None,
        Who::Admin => ("admin", vec![]),
        Who::Leadership => ("leadership", vec![]),
        Who::Facilitator => ("facilitator", vec![]),
        Who::Stakeholder => ("stakeholder", vec![fx.s]),
    };
    Some(app.user(role, &segments).await.0)
}

#[actix_web::test]
async fn every_route_answers_every_role_as_the_policy_says() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let rows = table();
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for row in &rows {
        for (i, who) in EVERYONE.iter().enumerate() {
            let query = row
                .variant
                .replace("{s}", &fx.s.to_string())
                .replace("{w}", &fx.wave.to_string());
            let req = request(&app, &fx, row.route).await.query(&query);
            // Routes that end the caller's sessions get a token of their own to end.
            let token = if ENDS_SESSIONS.contains(&row.route) {
                fresh_token(&app, &fx, *who).await
            } else {
                fx.token(*who).map(str::to_owned)
            };
            let (status, body, _) = send(&app, token.as_deref(), &req).await;
            cells += 1;
            let expected = row.expect[i];
            if status != expected {
                mismatches.push(format!(
                    "{:<11} {:<62} expected {expected}, got {status}: {}",
                    format!("{who:?}"),
                    req.label(),
                    excerpt(&body)
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {cells} cells differ from the policy:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Every route of the API as `src/api/mod.rs` declares it, read from the source, so that a
/// route added there without a row here fails this test.
pub fn declared_routes() -> BTreeSet<String> {
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/api/mod.rs")).expect("read src/api/mod.rs");
    let mut routes = BTreeSet::new();
    // The scope's extent: its method chain, up to the parenthesis that closes the call it is
    // the argument of (`.service(web::scope("/api/v1")…)`).
    let scope_marker = "web::scope(\"/api/v1\")";
    let start = source.find(scope_marker).expect("the /api/v1 scope in src/api/mod.rs");
    let chain = start + scope_marker.len();
    let mut depth = 1i32;
    let mut end = source.len();
    for (i, c) in source[chain..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    end = chain + i;
                    break;
                }
            }
            _ => {}
        }
    }
    let outside = format!("{}{}", &source[..start], &source[end..]);
    let inside = &source[chain..end];
    collect_routes(&outside, "", &mut routes);
    collect_routes(inside, "/api/v1", &mut routes);
    routes
}

/// Finds `.route("PATH", web::get()…)` and `web::resource("PATH").route(web::get()…)…`.
fn collect_routes(text: &str, prefix: &str, out: &mut BTreeSet<String>) {
    let methods = ["get", "post", "put", "patch", "delete", "head"];
    let mut resource: Option<String> = None;
    let mut rest = text;
    while let Some(pos) = rest.find(['.', 'w']) {
        let here = &rest[pos..];
        if let Some(after) = here.strip_prefix("web::resource(\"") {
            let path = &after[..after.find('"').unwrap()];
            resource = Some(path.to_owned());
        } else if let Some(after) = here.strip_prefix(".route(") {
            let after = after.trim_start();
            let (path, after) = match after.strip_prefix('"') {
                Some(p) => {
                    let close = p.find('"').unwrap();
                    (Some(p[..close].to_owned()), &p[close + 1..])
                }
                None => (resource.clone(), after),
            };
            let after = after.trim_start_matches([',', ' ', '\n', '\r', '\t']);
            if let (Some(path), Some(m)) = (
                path,
                after
                    .strip_prefix("web::")
                    .and_then(|a| methods.iter().find(|m| a.starts_with(&format!("{m}()")))),
            ) {
                out.insert(format!("{} {prefix}{path}", m.to_uppercase()));
            }
        }
        rest = &rest[pos + 1..];
    }
}

#[test]
fn the_matrix_covers_every_declared_route() {
    let declared = declared_routes();
    assert!(declared.len() > 40, "the route table could not be read: {declared:?}");
    let covered: BTreeSet<String> = table().iter().map(|r| r.route.to_owned()).collect();
    let missing: Vec<_> = declared.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&declared).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes in src/api/mod.rs without a row in tests/security/matrix.rs: {missing:?}\n\
         rows for routes that src/api/mod.rs no longer has: {stale:?}"
    );
}

#[actix_web::test]
async fn unknown_routes_and_methods_are_refused_the_same_for_everyone() {
    let app = spawn_app().await;
    let (stakeholder, _) = app.user("stakeholder", &[app.segment("Finance").await]).await;
    for token in [None, Some(app.admin.as_str()), Some(stakeholder.as_str())] {
        let (status, _) = app.call(Method::GET, "/api/v1/nothing-here", token, None).await;
        assert_eq!(status, 404);
        let (status, _) = app.call(Method::PUT, "/api/v1/segments", token, None).await;
        assert_eq!(status, 405);
        let (status, _) = app.call(Method::DELETE, "/api/v1/sla-drafts/1", token, None).await;
        assert_eq!(status, 405, "SLA versions are never deleted");
    }
}

/// Who may not call a route is told so (401/403) before their input is looked at: a forbidden
/// role or a disabled account learns nothing of a route's rules from its validation errors, and
/// its body is not read.
#[actix_web::test]
async fn refusals_come_before_the_input_is_judged() {
    let app = spawn_app().await;
    let s = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    let sla = id(&app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": s}))
        .await);
    let (stakeholder, _) = app.user("stakeholder", &[s]).await;
    let (facilitator, _) = app.user("facilitator", &[]).await;
    let (disabled, disabled_id) = app.user("admin", &[]).await;
    assert_eq!(
        app.delete(&format!("/api/v1/users/{disabled_id}"), &app.admin).await.0,
        204
    );

    let bad = json!({"bogus": true});
    let big_answers = Req {
        method: Method::POST,
        path: format!("/api/v1/requirements/{r}/responses"),
        body: Some(("application/json", vec![b' '; (8 << 20) + 1])),
    };
    // (request, who, expected)
    let cases: Vec<(Req, &str, u16)> = vec![
        (Req::post("/api/v1/segments", bad.clone()), "stakeholder", 403),
        (Req::post("/api/v1/users", bad.clone()), "stakeholder", 403),
        (Req::post("/api/v1/users", bad.clone()), "facilitator", 403),
        (Req::patch("/api/v1/service-areas/1", bad.clone()), "facilitator", 403),
        (Req::post("/api/v1/assessments", bad.clone()), "facilitator", 403),
        (Req::post("/api/v1/sla-drafts", bad.clone()), "stakeholder", 403),
        (Req::post("/api/v1/root-causes", bad.clone()), "stakeholder", 403),
        (Req::post("/api/v1/coscom", bad.clone()), "stakeholder", 403),
        (
            Req::patch(format!("/api/v1/sla-drafts/{sla}"), bad.clone()),
            "facilitator",
            403,
        ),
        (
            Req::post(format!("/api/v1/sla-drafts/{sla}/reject"), bad.clone()),
            "stakeholder",
            403,
        ),
        (
            Req::post(format!("/api/v1/requirements/{r}/responses"), json!([{"x": 1}])),
            "stakeholder",
            403,
        ),
        (big_answers.clone(), "stakeholder", 403),
        (Req::csv("/api/v1/imports/responses?bogus=1", "x"), "stakeholder", 403),
        (Req::get("/api/v1/users?limit=501"), "stakeholder", 403),
        (Req::get("/api/v1/audit?bogus=1"), "facilitator", 403),
        (Req::get("/api/v1/reports/gaps?tier=9"), "stakeholder", 403),
        (Req::post("/api/v1/segments", bad.clone()), "disabled", 401),
        (Req::patch("/api/v1/me", bad.clone()), "disabled", 401),
        (Req::get("/api/v1/segments?limit=501"), "disabled", 401),
        (big_answers, "disabled", 401),
    ];
    let mut failures = Vec::new();
    for (req, who, expected) in &cases {
        let token = match *who {
            "stakeholder" => &stakeholder,
            "facilitator" => &facilitator,
            _ => &disabled,
        };
        // Several times: the order must not depend on which extractor happens to finish first.
        for _ in 0..3 {
            let (status, body, _) = send(&app, Some(token), req).await;
            if status != *expected {
                failures.push(format!(
                    "{who} {}: expected {expected}, got {status}: {}",
                    req.label(),
                    excerpt(&body)
                ));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The same inputs from an allowed caller are judged as usual.
    let (status, _) = app.post("/api/v1/segments", &app.admin, bad).await;
    assert_eq!(status, 422);
    assert_eq!(app.get("/api/v1/users?limit=501", &app.admin).await.0, 400);
}
