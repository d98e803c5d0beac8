//! The role × route matrix of the pages, written by hand like the API's: every route of the
//! `pages!` table in `src/web/mod.rs`, called by nobody, an admin, leadership, a facilitator and
//! a stakeholder of the segment the objects belong to, over the session cookie as a browser
//! sends it. Form posts carry a valid CSRF token and a valid form, with fresh objects, so a
//! refusal always means "not allowed". Then every form post without its CSRF token: 403, and
//! nothing written (the audit trail does not move).

use std::cell::Cell;
use std::collections::BTreeSet;

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{TestApp, PASSWORD};
use crate::support::{id, plan_in};

/// The CSRF value the tests' browser holds, as cookie and as form field (double submit).
const CSRF: &str = "csrf-token-of-the-test-browser-0123456789";

use crate::cells::{row, rowv, Row, Who, EVERYONE};

// Signed-out callers are sent to the sign-in page (303); the rest as the policy says.
const SIGNED_IN: [u16; 5] = [303, 200, 200, 200, 200];
const STAFF_READ: [u16; 5] = [303, 200, 200, 200, 403];
const WRITES: [u16; 5] = [303, 303, 303, 303, 403];
const SLA_MANAGERS: [u16; 5] = [303, 303, 303, 403, 403];
const ADMIN_ONLY: [u16; 5] = [303, 303, 403, 403, 403];

fn table() -> Vec<Row> {
    vec![
        row("GET /", [303, 303, 303, 303, 303]),
        row("GET /static/app.css", [200, 200, 200, 200, 200]),
        row("GET /docs", [303, 303, 303, 303, 303]),
        row("GET /docs/{file:.*}", SIGNED_IN),
        // A signed-in caller is sent on to their landing page.
        row("GET /login", [200, 303, 303, 303, 303]),
        row("POST /login", [303, 303, 303, 303, 303]),
        row("POST /logout", [303, 303, 303, 303, 303]),
        row("GET /sessions", SIGNED_IN),
        row("POST /sessions", [303, 303, 403, 303, 403]),
        row("GET /sessions/{id}", SIGNED_IN),
        row("POST /sessions/{id}/findings", [303, 303, 403, 303, 403]),
        row("GET /imports", STAFF_READ),
        row("POST /imports", STAFF_READ),
        row("GET /kano", SIGNED_IN),
        row("GET /kano/lifecycle", SIGNED_IN),
        row("GET /kano/contested", STAFF_READ),
        row("GET /gap-trend", STAFF_READ),
        row("GET /requirements", SIGNED_IN),
        row("POST /requirements", WRITES),
        row("GET /requirements/{id}", SIGNED_IN),
        row("POST /requirements/{id}", WRITES),
        row("GET /segments/{id}", SIGNED_IN),
        row("GET /sla/{id}", SIGNED_IN),
        row("POST /sla/{id}", SLA_MANAGERS),
        rowv("POST /sla/{id}/{action}", "submit", SLA_MANAGERS),
        rowv("POST /sla/{id}/{action}", "approve", SLA_MANAGERS),
        rowv("POST /sla/{id}/{action}", "reject", SLA_MANAGERS),
        // Only the segment's stakeholders sign off, on the page as in the API.
        rowv("POST /sla/{id}/{action}", "sign-off", [303, 403, 403, 403, 303]),
        // Complaints: anyone files for their segments; staff act; a stakeholder may reopen
        // their segment's.
        row("GET /complaints", SIGNED_IN),
        row("POST /complaints", [303, 303, 303, 303, 303]),
        row("GET /complaints/stats", SIGNED_IN),
        rowv("POST /complaints/{id}/{action}", "acknowledge", WRITES),
        rowv("POST /complaints/{id}/{action}", "resolve", WRITES),
        rowv("POST /complaints/{id}/{action}", "reopen", [303, 303, 303, 303, 303]),
        rowv("POST /complaints/{id}/{action}", "assign", WRITES),
        // Satisfaction surveys: facilitators, leadership and admins run them; everyone reads
        // results (stakeholders: their segments').
        row("GET /surveys", SIGNED_IN),
        row("POST /surveys", WRITES),
        row("GET /surveys/{id}", SIGNED_IN),
        row("POST /surveys/{id}/answers", WRITES),
        // Root-cause analyses: staff start them and add and verify causes; stakeholders read
        // their segments'.
        row("GET /root-causes", SIGNED_IN),
        row("POST /root-causes", WRITES),
        row("GET /root-causes/{id}", SIGNED_IN),
        row("POST /root-causes/{id}/causes", WRITES),
        row("POST /root-causes/{id}/causes/{cause_id}/verify", WRITES),
        // A root cause turned into a plan change: plan managers.
        row("POST /root-causes/{id}/change", SLA_MANAGERS),
        // COScom: staff record, check and close; the segment's stakeholders read and comment.
        row("GET /coscom", SIGNED_IN),
        row("POST /coscom", WRITES),
        row("GET /coscom/{id}", SIGNED_IN),
        row("POST /coscom/{id}/checkpoints", WRITES),
        row("POST /coscom/{id}/comments", [303, 303, 303, 303, 303]),
        row("POST /coscom/{id}/close", WRITES),
        // Improvement plans: everyone reads (stakeholders: plans naming their segments);
        // leadership and admins draft and steer them; the named segments' stakeholders sign off.
        row("GET /improvement-plans", SIGNED_IN),
        row("POST /improvement-plans", SLA_MANAGERS),
        row("GET /improvement-plans/{id}", SIGNED_IN),
        row("POST /improvement-plans/{id}/changes", SLA_MANAGERS),
        row("POST /improvement-plans/{id}/changes/{change_id}", SLA_MANAGERS),
        rowv("POST /improvement-plans/{id}/{action}", "submit", SLA_MANAGERS),
        rowv(
            "POST /improvement-plans/{id}/{action}",
            "sign-off",
            [303, 403, 403, 403, 303],
        ),
        rowv("POST /improvement-plans/{id}/{action}", "approve", SLA_MANAGERS),
        rowv("POST /improvement-plans/{id}/{action}", "close", SLA_MANAGERS),
        row("GET /dashboard", STAFF_READ),
        row("POST /assessments", SLA_MANAGERS),
        row("POST /sla", SLA_MANAGERS),
        row("GET /admin", [303, 200, 403, 403, 403]),
        row("POST /admin/users", ADMIN_ONLY),
        row("POST /admin/users/{id}", ADMIN_ONLY),
        row("POST /admin/users/{id}/disable", ADMIN_ONLY),
        row("POST /admin/segments", ADMIN_ONLY),
        // Service levels: leadership and admins keep calendars, targets and reported figures;
        // everyone reads (stakeholders: their segments' targets and the general ones); staff
        // upload ticket exports.
        row("GET /calendars", SIGNED_IN),
        row("POST /calendars", SLA_MANAGERS),
        row("GET /calendars/{id}", SIGNED_IN),
        row("POST /calendars/{id}", SLA_MANAGERS),
        row("GET /service-targets", SIGNED_IN),
        row("POST /service-targets", SLA_MANAGERS),
        row("GET /service-targets/{id}", SIGNED_IN),
        row("POST /service-targets/{id}", SLA_MANAGERS),
        row("POST /service-targets/{id}/measurements", SLA_MANAGERS),
        row("POST /service-targets/{id}/measurements/{period}", SLA_MANAGERS),
        rowv("POST /sla/{id}/{action}", "service-targets", SLA_MANAGERS),
        row("GET /imports/tickets", STAFF_READ),
        row("POST /imports/tickets", STAFF_READ),
        row("GET /reports/service", SIGNED_IN),
    ]
}

/// One page request: a path and, for a post, its form (urlencoded) or multipart body.
struct PageReq {
    method: Method,
    path: String,
    form: Vec<(String, String)>,
    /// `/imports` takes a file: the form goes as multipart, this file last.
    file: Option<String>,
}

impl PageReq {
    fn get(path: impl Into<String>) -> Self {
        PageReq {
            method: Method::GET,
            path: path.into(),
            form: Vec::new(),
            file: None,
        }
    }

    fn post(path: impl Into<String>, form: &[(&str, String)]) -> Self {
        PageReq {
            method: Method::POST,
            path: path.into(),
            form: form.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            file: None,
        }
    }
}

struct Fixture {
    s: i64,
    requirement: i64,
    session: i64,
    sla: i64,
    survey: i64,
    calendar: i64,
    /// A reported target of the segment.
    target: i64,
    root_cause: i64,
    cause: i64,
    coscom: i64,
    condition: i64,
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
    let s = app.segment("Finance").await;
    let requirement = app.requirement("HD-CALLBACK").await;
    let session = app.session(&[s]).await;
    // The finding puts the requirement in the stakeholder's sight.
    app.finding(requirement, s, "basic").await;
    let sla = id(&app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": s}))
        .await);
    let survey = id(&app
        .create(
            "/api/v1/satisfaction-surveys",
            &app.admin,
            json!({"title": "Overall 2026", "kind": "overall", "opened_on": "2026-01-01", "segment_ids": [s]}),
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
            json!({"requirement_id": requirement, "segment_id": s, "measure": "reported"}),
        )
        .await);
    let root_cause = id(&app
        .create(
            "/api/v1/root-causes",
            &app.admin,
            json!({"problem": "Call-backs are late", "segment_id": s, "category_set": "4S"}),
        )
        .await);
    let cause = id(&app
        .create(
            &format!("/api/v1/root-causes/{root_cause}/causes"),
            &app.admin,
            json!({"category": "Systems", "text": "Queue not on the wall board"}),
        )
        .await);
    let coscom = coscom_in(app, s).await;
    let condition = app.get(&format!("/api/v1/coscom/{coscom}"), &app.admin).await.1["conditions"][0]["id"]
        .as_i64()
        .expect("condition id");
    let (_, user) = app.user("facilitator", &[]).await;
    let login_email = "pages-login@example.test".to_owned();
    app.create(
        "/api/v1/users",
        &app.admin,
        json!({"email": login_email, "password": PASSWORD, "role": "facilitator"}),
    )
    .await;
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
        requirement,
        session,
        sla,
        survey,
        calendar,
        target,
        root_cause,
        cause,
        coscom,
        condition,
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
        "in_review" => &["submit"],
        "agreed" => &["submit", "approve"],
        _ => &[],
    };
    for step in steps {
        let (code, _) = app
            .post(
                &format!("/api/v1/sla-drafts/{sla}/{step}"),
                &app.admin,
                serde_json::Value::Null,
            )
            .await;
        assert_eq!(code, 200, "{step}");
    }
    sla
}

/// A fresh open COScom of segment `s`.
async fn coscom_in(app: &TestApp, s: i64) -> i64 {
    id(&app
        .create(
            "/api/v1/coscom",
            &app.admin,
            json!({"project": "Expense system", "segment_id": s, "starts_on": "2026-01-01", "conditions": [{"text": "Training first"}]}),
        )
        .await)
}

/// The request a row sends, with fresh objects where a success would use one up.
async fn request(app: &TestApp, fx: &Fixture, route: &str, variant: &str) -> PageReq {
    let n = fx.next();
    let (s, r) = (fx.s, fx.requirement);
    match route {
        "GET /" => PageReq::get("/"),
        "GET /static/app.css" => PageReq::get("/static/app.css"),
        "GET /docs" => PageReq::get("/docs"),
        "GET /docs/{file:.*}" => PageReq::get("/docs/index.html"),
        "GET /login" => PageReq::get("/login"),
        "POST /login" => PageReq::post(
            "/login",
            &[("email", fx.login_email.clone()), ("password", PASSWORD.into())],
        ),
        "POST /logout" => PageReq::post("/logout", &[]),
        "GET /sessions" => PageReq::get("/sessions"),
        "POST /sessions" => PageReq::post(
            "/sessions",
            &[
                ("kind", "interview".into()),
                ("title", format!("Interview {n}")),
                ("held_on", "2026-01-01".into()),
                ("segment_ids", s.to_string()),
            ],
        ),
        "GET /sessions/{id}" => PageReq::get(format!("/sessions/{}", fx.session)),
        "POST /sessions/{id}/findings" => PageReq::post(
            format!("/sessions/{}/findings", fx.session),
            &[
                ("requirement_id", r.to_string()),
                ("segment_id", s.to_string()),
                ("category", "basic".into()),
                ("importance", "3".into()),
                ("note", format!("finding {n}")),
            ],
        ),
        "GET /imports" => PageReq::get("/imports"),
        "POST /imports" => PageReq {
            method: Method::POST,
            path: "/imports".into(),
            form: vec![("session_id".into(), String::new())],
            file: Some(format!(
                "respondent,segment,requirement,functional,dysfunctional,importance\npage-{n},Finance,HD-CALLBACK,must_be,dislike,5\n"
            )),
        },
        "GET /kano" => PageReq::get("/kano"),
        "GET /kano/lifecycle" => PageReq::get("/kano/lifecycle"),
        "GET /kano/contested" => PageReq::get("/kano/contested"),
        "GET /gap-trend" => PageReq::get("/gap-trend"),
        "GET /requirements" => PageReq::get("/requirements"),
        "POST /requirements" => PageReq::post(
            "/requirements",
            &[
                ("key", format!("PG-{n}")),
                ("title", format!("Page requirement {n}")),
                ("service_area_id", "1".into()),
            ],
        ),
        "GET /requirements/{id}" => PageReq::get(format!("/requirements/{r}")),
        "POST /requirements/{id}" => PageReq::post(
            format!("/requirements/{r}"),
            &[
                ("key", "HD-CALLBACK".into()),
                ("title", format!("Call-back {n}")),
                ("service_area_id", "8".into()),
                ("metric", "minutes to call back".into()),
                ("unit", "min".into()),
                ("direction", "lower_is_better".into()),
                ("target", "5".into()),
            ],
        ),
        "GET /segments/{id}" => PageReq::get(format!("/segments/{s}")),
        "GET /sla/{id}" => PageReq::get(format!("/sla/{}", fx.sla)),
        "POST /sla/{id}" => {
            let fresh = sla_in(app, s, "draft").await;
            PageReq::post(
                format!("/sla/{fresh}"),
                &[
                    ("title", format!("Title {n}")),
                    ("section.service_hours", format!("Hours {n}")),
                ],
            )
        }
        "POST /sla/{id}/{action}" => {
            let state = match variant {
                "submit" => "draft",
                "service-targets" => "agreed",
                _ => "in_review",
            };
            let fresh = sla_in(app, s, state).await;
            let form: Vec<(&str, String)> = if variant == "reject" {
                vec![("comment", format!("Not yet {n}"))]
            } else {
                Vec::new()
            };
            PageReq::post(format!("/sla/{fresh}/{variant}"), &form)
        }
        "GET /complaints" => PageReq::get("/complaints"),
        "POST /complaints" => PageReq::post(
            "/complaints",
            &[
                ("segment_id", s.to_string()),
                ("summary", format!("The printer is down {n}")),
                ("channel", "web".into()),
            ],
        ),
        "GET /complaints/stats" => PageReq::get("/complaints/stats"),
        "POST /complaints/{id}/{action}" => {
            let complaint = id(&app
                .create(
                    "/api/v1/complaints",
                    &app.admin,
                    json!({"segment_id": s, "summary": format!("Slow {n}"), "channel": "phone"}),
                )
                .await);
            let steps: &[&str] = match variant {
                "resolve" => &["acknowledge"],
                "reopen" => &["acknowledge", "resolve"],
                _ => &[],
            };
            for step in steps {
                let body = if *step == "resolve" {
                    json!({"resolution": "fixed"})
                } else {
                    json!({})
                };
                let (code, answer) = app
                    .post(&format!("/api/v1/complaints/{complaint}/{step}"), &app.admin, body)
                    .await;
                assert_eq!(code, 200, "{step}: {answer}");
            }
            let form: Vec<(&str, String)> = match variant {
                "resolve" => vec![("resolution", format!("Replaced the toner {n}"))],
                "reopen" => vec![("reason", "It broke again".into())],
                "assign" => vec![("owner_id", fx.user.to_string())],
                _ => Vec::new(),
            };
            PageReq::post(format!("/complaints/{complaint}/{variant}"), &form)
        }
        "GET /surveys" => PageReq::get("/surveys"),
        "POST /surveys" => PageReq::post(
            "/surveys",
            &[
                ("title", format!("Help desk survey {n}")),
                ("kind", "transaction".into()),
                ("scale_max", "5".into()),
                ("opened_on", "2026-01-01".into()),
                ("segment_ids", s.to_string()),
            ],
        ),
        "GET /surveys/{id}" => PageReq::get(format!("/surveys/{}", fx.survey)),
        "POST /surveys/{id}/answers" => PageReq {
            method: Method::POST,
            path: format!("/surveys/{}/answers", fx.survey),
            form: Vec::new(),
            file: Some(format!("respondent,segment,score\npage-{n},Finance,4\n")),
        },
        "GET /root-causes" => PageReq::get("/root-causes"),
        "POST /root-causes" => PageReq::post(
            "/root-causes",
            &[
                ("problem", format!("Problem {n}")),
                ("segment_id", s.to_string()),
                ("category_set", "custom".into()),
                ("categories", "Tools\nHandover".into()),
            ],
        ),
        "GET /root-causes/{id}" => PageReq::get(format!("/root-causes/{}", fx.root_cause)),
        "POST /root-causes/{id}/causes" => PageReq::post(
            format!("/root-causes/{}/causes", fx.root_cause),
            &[
                ("category", "Skills".into()),
                ("parent_id", fx.cause.to_string()),
                ("text", format!("Sub-cause {n}")),
                ("evidence", String::new()),
            ],
        ),
        "POST /root-causes/{id}/causes/{cause_id}/verify" => PageReq::post(
            format!("/root-causes/{}/causes/{}/verify", fx.root_cause, fx.cause),
            &[("verified", if n % 2 == 0 { "true" } else { "false" }.into())],
        ),
        "POST /root-causes/{id}/change" => {
            let (plan, _) = plan_in(app, s, fx.user, "draft", None).await;
            PageReq::post(
                format!("/root-causes/{}/change", fx.root_cause),
                &[
                    ("cause_id", fx.cause.to_string()),
                    ("plan_id", plan.to_string()),
                    ("title", format!("Treat it {n}")),
                    ("owner_id", fx.user.to_string()),
                    ("due_on", "2099-01-01".into()),
                ],
            )
        }
        "GET /coscom" => PageReq::get("/coscom"),
        "POST /coscom" => PageReq::post(
            "/coscom",
            &[
                ("project", format!("Project {n}")),
                ("segment_id", s.to_string()),
                ("ambassador", "me".into()),
                ("starts_on", "2026-02-01".into()),
                ("conditions", "Training first | all trained\nNo lost claims".into()),
            ],
        ),
        "GET /coscom/{id}" => PageReq::get(format!("/coscom/{}", fx.coscom)),
        "POST /coscom/{id}/checkpoints" => PageReq::post(
            format!("/coscom/{}/checkpoints", fx.coscom),
            &[
                ("on", "2026-03-01".into()),
                (format!("rating_{}", fx.condition).as_str(), "off_track".into()),
                (format!("note_{}", fx.condition).as_str(), format!("note {n}")),
                ("actions", "Weekly call".into()),
            ],
        ),
        "POST /coscom/{id}/comments" => PageReq::post(
            format!("/coscom/{}/comments", fx.coscom),
            &[("text", format!("Comment {n}"))],
        ),
        "POST /coscom/{id}/close" => {
            let fresh = coscom_in(app, s).await;
            PageReq::post(format!("/coscom/{fresh}/close"), &[("survey_id", String::new())])
        }
        "GET /improvement-plans" => PageReq::get("/improvement-plans"),
        "POST /improvement-plans" => PageReq::post(
            "/improvement-plans",
            &[
                ("title", format!("Page plan {n}")),
                ("service_area_id", "8".into()),
                ("segment_ids", s.to_string()),
            ],
        ),
        "GET /improvement-plans/{id}" => {
            let (plan, _) = plan_in(app, s, fx.user, "draft", None).await;
            PageReq::get(format!("/improvement-plans/{plan}"))
        }
        "POST /improvement-plans/{id}/changes" => {
            let (plan, _) = plan_in(app, s, fx.user, "draft", None).await;
            PageReq::post(
                format!("/improvement-plans/{plan}/changes"),
                &[
                    ("title", format!("Change {n}")),
                    ("owner_id", fx.user.to_string()),
                    ("due_on", "2099-02-01".into()),
                ],
            )
        }
        "POST /improvement-plans/{id}/changes/{change_id}" => {
            let (plan, change) = plan_in(app, s, fx.user, "draft", None).await;
            PageReq::post(
                format!("/improvement-plans/{plan}/changes/{change}"),
                &[("status", "in_progress".into()), ("done_on", String::new())],
            )
        }
        "POST /improvement-plans/{id}/{action}" => {
            let status = match variant {
                "submit" => "draft",
                "sign-off" => "in_review",
                "approve" => "signed",
                _ => "agreed",
            };
            let (plan, _) = plan_in(app, s, fx.user, status, fx.token(Who::Stakeholder)).await;
            PageReq::post(format!("/improvement-plans/{plan}/{variant}"), &[])
        }
        "GET /dashboard" => PageReq::get("/dashboard"),
        "POST /assessments" => PageReq::post(
            "/assessments",
            &[
                ("requirement_id", r.to_string()),
                ("segment_id", s.to_string()),
                ("fulfilment", "50".into()),
                ("assessed_on", "2026-01-01".into()),
                ("note", format!("assessment {n}")),
            ],
        ),
        "POST /sla" => PageReq::post("/sla", &[("segment_id", s.to_string())]),
        "GET /admin" => PageReq::get("/admin"),
        "POST /admin/users" => PageReq::post(
            "/admin/users",
            &[
                ("email", format!("page-new-{n}@example.test")),
                ("password", PASSWORD.into()),
                ("role", "facilitator".into()),
            ],
        ),
        "POST /admin/users/{id}" => PageReq::post(format!("/admin/users/{}", fx.user), &[("role", "facilitator".into())]),
        "POST /admin/users/{id}/disable" => {
            let (_, victim) = app.user("facilitator", &[]).await;
            PageReq::post(format!("/admin/users/{victim}/disable"), &[])
        }
        "POST /admin/segments" => PageReq::post(
            "/admin/segments",
            &[("name", format!("Page segment {n}")), ("weight", "1".into())],
        ),
        "GET /calendars" => PageReq::get("/calendars"),
        "POST /calendars" => PageReq::post(
            "/calendars",
            &[
                ("name", format!("Calendar {n}")),
                ("timezone", "Europe/Berlin".into()),
                ("mon", "08:00-12:00, 13:00-17:00".into()),
                ("holidays", "2026-12-25".into()),
            ],
        ),
        "GET /calendars/{id}" => PageReq::get(format!("/calendars/{}", fx.calendar)),
        "POST /calendars/{id}" => PageReq::post(
            format!("/calendars/{}", fx.calendar),
            &[
                ("name", "Office".into()),
                ("timezone", "Europe/Berlin".into()),
                ("tue", format!("08:00-{:02}:00", 9 + n % 10)),
            ],
        ),
        "GET /service-targets" => PageReq::get("/service-targets"),
        "POST /service-targets" => PageReq::post(
            "/service-targets",
            &[
                ("requirement_id", r.to_string()),
                ("segment_id", s.to_string()),
                ("measure", "resolution".into()),
                ("limit", format!("{}", 60 + n)),
                ("goal", "0.9".into()),
                ("calendar_id", fx.calendar.to_string()),
            ],
        ),
        "GET /service-targets/{id}" => PageReq::get(format!("/service-targets/{}", fx.target)),
        "POST /service-targets/{id}" => PageReq::post(
            format!("/service-targets/{}", fx.target),
            &[
                ("requirement_id", r.to_string()),
                ("segment_id", s.to_string()),
                ("measure", "reported".into()),
                ("limit", format!("{}", 5 + n)),
            ],
        ),
        "POST /service-targets/{id}/measurements" => PageReq::post(
            format!("/service-targets/{}/measurements", fx.target),
            &[("period", month(n)), ("value", "4".into())],
        ),
        "POST /service-targets/{id}/measurements/{period}" => {
            let period = month(n);
            app.create(
                &format!("/api/v1/service-targets/{}/measurements", fx.target),
                &app.admin,
                json!({"period": period, "value": 6}),
            )
            .await;
            PageReq::post(
                format!("/service-targets/{}/measurements/{period}", fx.target),
                &[("value", "3".into())],
            )
        }
        "GET /imports/tickets" => PageReq::get("/imports/tickets"),
        "POST /imports/tickets" => PageReq {
            method: Method::POST,
            path: "/imports/tickets".into(),
            form: vec![("timezone".into(), "Europe/Berlin".into())],
            file: Some(format!(
                "ticket,segment,opened_at,first_response_at,resolved_at\nPAGE-{n},Finance,2026-01-05 09:00,2026-01-05 09:30,\n"
            )),
        },
        "GET /reports/service" => PageReq::get(format!("/reports/service?period=2026-01&segment_id={s}")),
        other => panic!("the page matrix has a row for {other} but no request for it"),
    }
}

/// A month of its own for each request that reports a figure.
fn month(n: usize) -> String {
    format!("{}-{:02}", 1990 + n / 12, n % 12 + 1)
}

/// Sends a page request as a browser would: the session cookie (when signed in) and the CSRF
/// cookie, the form's CSRF field when `with_csrf`. Redirects are not followed.
async fn send(app: &TestApp, token: Option<&str>, req: &PageReq, with_csrf: bool) -> (u16, String) {
    let client = awc::Client::builder().disable_redirects().finish();
    let mut cookie = format!("kanogap_csrf={CSRF}");
    if let Some(t) = token {
        cookie.push_str(&format!("; kanogap_session={t}"));
    }
    let url = format!("{}{}", app.base, req.path);
    let builder = client
        .request(req.method.clone(), &url)
        .insert_header(("Cookie", cookie));
    let mut form = Vec::new();
    if with_csrf {
        form.push(("csrf".to_owned(), CSRF.to_owned()));
    }
    form.extend(req.form.iter().cloned());
    let response = if req.method == Method::GET {
        builder.send().await
    } else if let Some(file) = &req.file {
        let boundary = "----kanogap-page-matrix";
        let mut body = String::new();
        for (k, v) in &form {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"answers.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        ));
        builder
            .insert_header(("Content-Type", format!("multipart/form-data; boundary={boundary}")))
            .send_body(body)
            .await
    } else {
        builder.send_form(&form).await
    };
    let mut response = response.expect("the page answers");
    let status = response.status().as_u16();
    let body = response.body().limit(8 << 20).await.unwrap_or_default();
    (status, String::from_utf8_lossy(&body).chars().take(300).collect())
}

#[actix_web::test]
async fn every_page_answers_every_role_as_the_policy_says() {
    let app = crate::helpers::spawn_app().await;
    let fx = fixture(&app).await;
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for row in table() {
        for (i, who) in EVERYONE.iter().enumerate() {
            let req = request(&app, &fx, row.route, row.variant).await;
            let (status, body) = send(&app, fx.token(*who), &req, true).await;
            cells += 1;
            if status != row.expect[i] {
                mismatches.push(format!(
                    "{:<11} {} {:<40} expected {}, got {status}: {body}",
                    format!("{who:?}"),
                    req.method,
                    req.path,
                    row.expect[i]
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

/// Every page route as the `pages!` table in `src/web/mod.rs` declares it, read from the
/// source, so that a page added there without a row here fails.
fn declared_pages() -> BTreeSet<String> {
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs")).expect("read src/web/mod.rs");
    let start = source.find("pages! {").expect("the pages! table in src/web/mod.rs");
    let end = start + source[start..].find("\n}").expect("the end of the pages! table");
    source[start..end]
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let (method, rest) = line.split_once(' ')?;
            let path = rest.strip_prefix('"')?.split('"').next()?;
            ["get", "post"]
                .contains(&method)
                .then(|| format!("{} {path}", method.to_uppercase()))
        })
        .collect()
}

#[test]
fn the_page_matrix_covers_every_declared_page() {
    let declared = declared_pages();
    assert!(declared.len() > 25, "the pages table could not be read: {declared:?}");
    let covered: BTreeSet<String> = table().iter().map(|r| r.route.to_owned()).collect();
    let missing: Vec<_> = declared.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&declared).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "page routes without a row in tests/security/pages.rs: {missing:?}\n\
         rows for page routes src/web/mod.rs no longer has: {stale:?}"
    );
}

/// How many entries the audit trail holds: every write records one.
async fn audit_total(app: &TestApp) -> i64 {
    let (status, body) = app.get("/api/v1/audit?limit=1", &app.admin).await;
    assert_eq!(status, 200);
    body["total"].as_i64().expect("total")
}

#[actix_web::test]
async fn every_form_post_needs_its_csrf_token_and_writes_nothing_without_it() {
    let app = crate::helpers::spawn_app().await;
    let fx = fixture(&app).await;
    let mut failures = Vec::new();
    for row in table().iter().filter(|r| r.route.starts_with("POST ")) {
        // The role the route is for (a stakeholder signs off; the admin does the rest).
        let who = if row.variant == "sign-off" {
            Who::Stakeholder
        } else {
            Who::Admin
        };
        let req = request(&app, &fx, row.route, row.variant).await;
        let before = audit_total(&app).await;
        let (status, body) = send(&app, fx.token(who), &req, false).await;
        let after = audit_total(&app).await;
        if status != 403 || after != before {
            failures.push(format!(
                "{} {}: without the CSRF token expected 403 and no write, got {status} and {} audit entries: {body}",
                req.method,
                req.path,
                after - before
            ));
        }
        // The same request with the token goes through: the refusal was the token's doing.
        let (status, body) = send(&app, fx.token(who), &req, true).await;
        if status >= 400 {
            failures.push(format!(
                "{} {}: with the CSRF token expected success, got {status}: {body}",
                req.method, req.path
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
