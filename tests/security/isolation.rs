//! Segment isolation: a stakeholder of segment A reads everything they can reach, by id, in
//! lists and through every filter, and never learns anything of segment B: B's objects answer
//! 404 exactly like objects that do not exist, lists and pooled results leave B out, and none
//! of B's names, keys, notes, e-mails or respondent ids appear anywhere in the bytes A receives.
//! Every write A attempts on B's objects is refused, and B's data is unchanged afterwards.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, PASSWORD};
use crate::support::{contains_ignore_case, excerpt, id, json, send, Req};

/// Everything of segment B carries this marker, so that a leak of any of it shows in the bytes.
const MARK: &str = "zqx";
/// An id that no object has.
const NOWHERE: i64 = 999_999;

struct World {
    a: i64,
    b: i64,
    shared: i64,
    b_only: i64,
    b_only_area: i64,
    a_session: i64,
    b_session: i64,
    joint: i64,
    a_finding: i64,
    b_finding: i64,
    b_shared_finding: i64,
    a_assessment: i64,
    shared_general: i64,
    b_assessment: i64,
    b_shared_assessment: i64,
    b_general: i64,
    a_sla: i64,
    b_sla: i64,
    a_token: String,
    a_user: i64,
    /// Answers per (requirement, segment): A 3 on the shared one; B 5 + 1 (CSV) on the
    /// shared one and 4 on its own.
    a_answers: u64,
    b_shared_answers: u64,
}

async fn answers(app: &TestApp, requirement: i64, segment: i64, prefix: &str, n: usize, functional: &str) {
    let items: Vec<Value> = (1..=n)
        .map(|i| {
            json!({"respondent": format!("{prefix}-{i}"), "segment_id": segment,
                   "functional": functional, "dysfunctional": "dislike", "importance": 4})
        })
        .collect();
    let (status, body) = app
        .post(
            &format!("/api/v1/requirements/{requirement}/responses"),
            &app.admin,
            Value::Array(items),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin.as_str();
    let a = id(&app
        .create(
            "/api/v1/segments",
            admin,
            json!({"name": "Alpha Accounting", "description": "A's own", "ambassador": "Ann Alpha"}),
        )
        .await);
    let b = id(&app
        .create(
            "/api/v1/segments",
            admin,
            json!({"name": "Bravo Zqx Secretariat", "description": "zqx: what B is about",
                   "ambassador": "Zqx Ambassador", "headcount": 17, "weight": 2.5}),
        )
        .await);
    let shared = id(&app
        .create(
            "/api/v1/requirements",
            admin,
            json!({"key": "SHARED-REQ", "title": "Shared requirement", "service_area_id": 8,
                   "metric": "minutes", "unit": "min", "direction": "lower_is_better", "target": 5}),
        )
        .await);
    let b_only_area = 3;
    let b_only = id(&app
        .create(
            "/api/v1/requirements",
            admin,
            json!({"key": "ZQX-SECRET", "title": "Zqx secret requirement", "service_area_id": b_only_area,
                   "description": "only B asked for zqx", "metric": "zqx metric", "unit": "zqx",
                   "direction": "higher_is_better", "target": 10}),
        )
        .await);
    let session = |title: &str, notes: &str, facilitator: &str, segments: Vec<i64>| {
        json!({"kind": "focus_group", "title": title, "notes": notes, "facilitator": facilitator,
               "held_on": "2026-10-01", "segment_ids": segments})
    };
    let a_session = id(&app
        .create(
            "/api/v1/sessions",
            admin,
            session("Alpha interview", "a notes", "Fay", vec![a]),
        )
        .await);
    let b_session = id(&app
        .create(
            "/api/v1/sessions",
            admin,
            session("Zqx hidden interview", "zqx notes", "Zqx facilitator", vec![b]),
        )
        .await);
    let joint = id(&app
        .create(
            "/api/v1/sessions",
            admin,
            session("Joint workshop", "joint notes", "Fay", vec![a, b]),
        )
        .await);
    let finding = |requirement: i64, segment: i64, session: Option<i64>, category: &str, note: &str| {
        json!({"requirement_id": requirement, "segment_id": segment, "session_id": session,
               "category": category, "importance": 4, "note": note})
    };
    let a_finding = id(&app
        .create(
            "/api/v1/findings",
            admin,
            finding(shared, a, Some(joint), "basic", "a says basic"),
        )
        .await);
    let b_finding = id(&app
        .create(
            "/api/v1/findings",
            admin,
            finding(b_only, b, Some(b_session), "delighter", "zqx finding note"),
        )
        .await);
    let b_shared_finding = id(&app
        .create(
            "/api/v1/findings",
            admin,
            finding(shared, b, Some(joint), "satisfier", "zqx said in the joint workshop"),
        )
        .await);
    let assessment = |requirement: i64, segment: Option<i64>, value: f64, note: &str| {
        json!({"requirement_id": requirement, "segment_id": segment, "current_value": value,
               "assessed_on": "2026-10-02", "assessor": if segment == Some(b) { "Zqx assessor" } else { "Ida" },
               "note": note})
    };
    let a_assessment = id(&app
        .create(
            "/api/v1/assessments",
            admin,
            assessment(shared, Some(a), 7.0, "a measured"),
        )
        .await);
    let shared_general = id(&app
        .create(
            "/api/v1/assessments",
            admin,
            assessment(shared, None, 9.0, "measured for all"),
        )
        .await);
    let b_assessment = id(&app
        .create(
            "/api/v1/assessments",
            admin,
            assessment(b_only, Some(b), 3.0, "zqx measured"),
        )
        .await);
    let b_shared_assessment = id(&app
        .create(
            "/api/v1/assessments",
            admin,
            assessment(shared, Some(b), 11.0, "zqx on shared"),
        )
        .await);
    let b_general = id(&app
        .create(
            "/api/v1/assessments",
            admin,
            assessment(b_only, None, 4.0, "zqx general"),
        )
        .await);

    // Questionnaire answers: A's on the shared requirement; B's on both, in JSON and CSV.
    answers(app, shared, a, "alpha-resp", 3, "like").await;
    answers(app, shared, b, "zqx-resp", 5, "neutral").await;
    answers(app, b_only, b, "zqx-only", 4, "like").await;
    let csv = "respondent,segment,requirement,functional,dysfunctional,importance\n\
               zqx-csv-1,Bravo Zqx Secretariat,SHARED-REQ,must_be,dislike,5\n";
    let (status, body, _) = send(app, Some(admin), &Req::csv("/api/v1/imports/responses", csv)).await;
    assert_eq!(status, 201, "{}", excerpt(&body));

    // SLAs: A's a plain draft; B's rejected once (a comment), resubmitted, signed by B.
    let a_sla = id(&app.create("/api/v1/sla-drafts", admin, json!({"segment_id": a})).await);
    let b_sla = id(&app.create("/api/v1/sla-drafts", admin, json!({"segment_id": b})).await);
    for (step, body) in [
        ("submit", Value::Null),
        ("reject", json!({"comment": "zqx: not yet"})),
        ("submit", Value::Null),
    ] {
        let (status, answer) = app
            .post(&format!("/api/v1/sla-drafts/{b_sla}/{step}"), admin, body)
            .await;
        assert_eq!(status, 200, "{step}: {answer}");
    }
    app.create(
        "/api/v1/users",
        admin,
        json!({"email": "zqx-stakeholder@example.test", "password": PASSWORD, "role": "stakeholder", "segment_ids": [b]}),
    )
    .await;
    let b_token = app.login("zqx-stakeholder@example.test", PASSWORD).await;
    let (status, body) = app
        .post(&format!("/api/v1/sla-drafts/{b_sla}/sign-off"), &b_token, Value::Null)
        .await;
    assert_eq!(status, 200, "B signs B's SLA: {body}");

    let (a_token, a_user) = app.user("stakeholder", &[a]).await;
    World {
        a,
        b,
        shared,
        b_only,
        b_only_area,
        a_session,
        b_session,
        joint,
        a_finding,
        b_finding,
        b_shared_finding,
        a_assessment,
        shared_general,
        b_assessment,
        b_shared_assessment,
        b_general,
        a_sla,
        b_sla,
        a_token,
        a_user,
        a_answers: 3,
        b_shared_answers: 6,
    }
}

/// Where B's data shows in a JSON body: a `segment_id` of B, `segment_ids` holding B, or a
/// `requirement_id` of the requirement only B asked for.
fn structural_leaks(value: &Value, w: &World, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{path}.{key}");
                let leak = match key.as_str() {
                    "segment_id" => v.as_i64() == Some(w.b),
                    "segment_ids" => v
                        .as_array()
                        .is_some_and(|ids| ids.iter().any(|i| i.as_i64() == Some(w.b))),
                    "requirement_id" => v.as_i64() == Some(w.b_only),
                    _ => false,
                };
                if leak {
                    out.push(format!("{here} = {v}"));
                }
                structural_leaks(v, w, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                structural_leaks(v, w, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn ids(list: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = list["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default();
    ids.sort();
    ids
}

/// The list's `total` is the number of items A received: every list A reads here fits one
/// page, so a larger total counts objects of another segment (a count query without the scope).
fn counted(list: &Value) -> bool {
    let items = list["items"].as_array().map_or(usize::MAX, Vec::len);
    list["total"].as_u64() == Some(items as u64)
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

/// Collects what A received and what went wrong, to report every problem at once.
struct Probe<'a> {
    app: &'a TestApp,
    w: &'a World,
    problems: Vec<String>,
    requests: usize,
}

impl Probe<'_> {
    /// Sends as A; checks the bytes for B's marker and the JSON for B's ids.
    async fn send(&mut self, req: &Req) -> (u16, Value) {
        let (status, bytes, _) = send(self.app, Some(&self.w.a_token), req).await;
        self.requests += 1;
        if contains_ignore_case(&bytes, MARK) {
            self.problems
                .push(format!("{}: B's data in the body: {}", req.label(), excerpt(&bytes)));
        }
        let value = json(&bytes);
        let mut leaks = Vec::new();
        structural_leaks(&value, self.w, "", &mut leaks);
        if !leaks.is_empty() {
            self.problems
                .push(format!("{}: B's ids in the body: {leaks:?}", req.label()));
        }
        (status, value)
    }

    async fn expect(&mut self, req: Req, status: u16) -> Value {
        let (got, body) = self.send(&req).await;
        if got != status {
            self.problems
                .push(format!("{}: expected {status}, got {got}: {body}", req.label()));
        }
        body
    }

    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.problems.push(what());
        }
    }
}

#[actix_web::test]
async fn a_stakeholder_sees_nothing_of_another_segment() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (a, b) = (w.a, w.b);
    let mut p = Probe {
        app: &app,
        w: &w,
        problems: Vec::new(),
        requests: 0,
    };

    // By id: B's objects are 404, answered exactly as for an id nothing has.
    let by_id: Vec<(String, String)> = vec![
        (format!("/api/v1/segments/{b}"), format!("/api/v1/segments/{NOWHERE}")),
        (
            format!("/api/v1/sessions/{}", w.b_session),
            format!("/api/v1/sessions/{NOWHERE}"),
        ),
        (
            format!("/api/v1/findings/{}", w.b_finding),
            format!("/api/v1/findings/{NOWHERE}"),
        ),
        (
            format!("/api/v1/findings/{}", w.b_shared_finding),
            format!("/api/v1/findings/{NOWHERE}"),
        ),
        (
            format!("/api/v1/assessments/{}", w.b_assessment),
            format!("/api/v1/assessments/{NOWHERE}"),
        ),
        (
            format!("/api/v1/assessments/{}", w.b_shared_assessment),
            format!("/api/v1/assessments/{NOWHERE}"),
        ),
        (
            format!("/api/v1/assessments/{}", w.b_general),
            format!("/api/v1/assessments/{NOWHERE}"),
        ),
        (
            format!("/api/v1/requirements/{}", w.b_only),
            format!("/api/v1/requirements/{NOWHERE}"),
        ),
        (
            format!("/api/v1/requirements/{}/kano", w.b_only),
            format!("/api/v1/requirements/{NOWHERE}/kano"),
        ),
        (
            format!("/api/v1/requirements/{}/kano?segment_id={a}", w.b_only),
            format!("/api/v1/requirements/{NOWHERE}/kano?segment_id={a}"),
        ),
        (
            format!("/api/v1/requirements/{}/kano?segment_id={b}", w.shared),
            format!("/api/v1/requirements/{}/kano?segment_id={NOWHERE}", w.shared),
        ),
        (
            format!("/api/v1/sla-drafts/{}", w.b_sla),
            format!("/api/v1/sla-drafts/{NOWHERE}"),
        ),
        (
            format!("/api/v1/sla-drafts/{}?format=json", w.b_sla),
            format!("/api/v1/sla-drafts/{NOWHERE}?format=json"),
        ),
        (
            format!("/api/v1/sla-drafts/{}?format=md", w.b_sla),
            format!("/api/v1/sla-drafts/{NOWHERE}?format=md"),
        ),
        (
            format!("/api/v1/sla-drafts/{}?format=html", w.b_sla),
            format!("/api/v1/sla-drafts/{NOWHERE}?format=html"),
        ),
        (
            format!("/api/v1/segments/{b}/classification"),
            format!("/api/v1/segments/{NOWHERE}/classification"),
        ),
        (
            format!("/api/v1/segments/{b}/value-proposition"),
            format!("/api/v1/segments/{NOWHERE}/value-proposition"),
        ),
        (
            format!("/api/v1/segments/{b}/value-proposition?format=json"),
            format!("/api/v1/segments/{NOWHERE}/value-proposition?format=json"),
        ),
        (
            format!("/api/v1/segments/{b}/value-proposition?format=md"),
            format!("/api/v1/segments/{NOWHERE}/value-proposition?format=md"),
        ),
        (
            format!("/api/v1/segments/{b}/value-proposition?format=html"),
            format!("/api/v1/segments/{NOWHERE}/value-proposition?format=html"),
        ),
        (
            format!("/api/v1/kano?segment_id={b}"),
            format!("/api/v1/kano?segment_id={NOWHERE}"),
        ),
        (
            format!("/api/v1/kano/chart.svg?segment_id={b}"),
            format!("/api/v1/kano/chart.svg?segment_id={NOWHERE}"),
        ),
    ];
    for (theirs, nowhere) in &by_id {
        let body = p.expect(Req::get(theirs), 404).await;
        let absent = p.expect(Req::get(nowhere), 404).await;
        p.check(body == absent, || {
            format!("{theirs}: its 404 differs from one for an id nothing has: {body} vs {absent}")
        });
        // Control: the object is there, for someone allowed to see it.
        let (status, _) = app.get(theirs, &app.admin).await;
        p.check(status == 200, || format!("{theirs}: the admin gets {status}, not 200"));
    }

    // Lists: only A's.
    let list = p.expect(Req::get("/api/v1/segments"), 200).await;
    p.check(counted(&list) && ids(&list) == vec![a], || format!("segments: {list}"));
    let list = p.expect(Req::get("/api/v1/sessions"), 200).await;
    p.check(
        counted(&list) && ids(&list) == sorted(vec![w.a_session, w.joint]),
        || format!("sessions: {list}"),
    );
    let joint = p.expect(Req::get(format!("/api/v1/sessions/{}", w.joint)), 200).await;
    p.check(joint["segment_ids"] == json!([a]), || format!("joint session: {joint}"));
    let list = p.expect(Req::get("/api/v1/findings"), 200).await;
    p.check(counted(&list) && ids(&list) == vec![w.a_finding], || {
        format!("findings: {list}")
    });
    let list = p.expect(Req::get("/api/v1/assessments"), 200).await;
    p.check(
        counted(&list) && ids(&list) == sorted(vec![w.a_assessment, w.shared_general]),
        || format!("assessments: {list}"),
    );
    let list = p.expect(Req::get("/api/v1/requirements"), 200).await;
    p.check(counted(&list) && ids(&list) == vec![w.shared], || {
        format!("requirements: {list}")
    });
    let list = p.expect(Req::get("/api/v1/sla-drafts"), 200).await;
    p.check(counted(&list) && ids(&list) == vec![w.a_sla], || {
        format!("SLA drafts: {list}")
    });

    // Pooled Kano results count A's answers only.
    let kano = p.expect(Req::get("/api/v1/kano"), 200).await;
    let items = kano["items"].as_array().cloned().unwrap_or_default();
    p.check(
        items.len() == 1 && items[0]["requirement_id"] == w.shared && items[0]["n"] == w.a_answers,
        || format!("pooled kano: {kano}"),
    );
    for path in [
        format!("/api/v1/requirements/{}/kano", w.shared),
        format!("/api/v1/requirements/{}/kano?segment_id={a}", w.shared),
        format!("/api/v1/kano?segment_id={a}"),
    ] {
        let body = p.expect(Req::get(&path), 200).await;
        let n = body.get("n").or_else(|| body["items"].get(0).and_then(|i| i.get("n")));
        p.check(n.and_then(Value::as_u64) == Some(w.a_answers), || {
            format!("{path}: A's {} answers expected: {body}", w.a_answers)
        });
    }
    p.expect(Req::get("/api/v1/kano/chart.svg"), 200).await;
    p.expect(Req::get(format!("/api/v1/kano/chart.svg?segment_id={a}")), 200)
        .await;
    let classification = p
        .expect(Req::get(format!("/api/v1/segments/{a}/classification")), 200)
        .await;
    let keys: Vec<&Value> = classification["items"]
        .as_array()
        .map(|i| i.iter().map(|c| &c["requirement_key"]).collect())
        .unwrap_or_default();
    p.check(keys == vec![&json!("SHARED-REQ")], || {
        format!("A's classification: {classification}")
    });
    for format in ["json", "md", "html"] {
        p.expect(
            Req::get(format!("/api/v1/segments/{a}/value-proposition?format={format}")),
            200,
        )
        .await;
        p.expect(Req::get(format!("/api/v1/sla-drafts/{}?format={format}", w.a_sla)), 200)
            .await;
    }
    p.expect(Req::get("/api/v1/me"), 200).await;
    p.expect(Req::get("/api/v1/service-areas"), 200).await;

    // Filters naming B, B's sessions or B's requirement find nothing; mixed ones keep only A's.
    for path in [
        format!("/api/v1/sessions?segment_id={b}"),
        format!("/api/v1/findings?segment_id={b}"),
        format!("/api/v1/findings?requirement_id={}", w.b_only),
        format!("/api/v1/findings?session_id={}", w.b_session),
        format!("/api/v1/findings?segment_id={b}&requirement_id={}", w.shared),
        format!("/api/v1/assessments?segment_id={b}"),
        format!("/api/v1/assessments?requirement_id={}", w.b_only),
        format!("/api/v1/assessments?segment_id={b}&requirement_id={}", w.shared),
        format!("/api/v1/sla-drafts?segment_id={b}"),
        format!("/api/v1/requirements?service_area_id={}", w.b_only_area),
        format!("/api/v1/sessions?segment_id={b}&limit=500"),
    ] {
        let list = p.expect(Req::get(&path), 200).await;
        p.check(counted(&list) && ids(&list).is_empty(), || format!("{path}: {list}"));
    }
    let list = p
        .expect(Req::get(format!("/api/v1/findings?session_id={}", w.joint)), 200)
        .await;
    p.check(counted(&list) && ids(&list) == vec![w.a_finding], || {
        format!("joint session's findings: {list}")
    });
    let list = p
        .expect(Req::get(format!("/api/v1/findings?requirement_id={}", w.shared)), 200)
        .await;
    p.check(counted(&list) && ids(&list) == vec![w.a_finding], || {
        format!("shared requirement's findings: {list}")
    });
    let list = p
        .expect(
            Req::get(format!("/api/v1/assessments?requirement_id={}", w.shared)),
            200,
        )
        .await;
    p.check(
        counted(&list) && ids(&list) == sorted(vec![w.a_assessment, w.shared_general]),
        || format!("shared requirement's assessments: {list}"),
    );
    let list = p
        .expect(Req::get(format!("/api/v1/sessions?segment_id={a}")), 200)
        .await;
    p.check(
        counted(&list) && ids(&list) == sorted(vec![w.a_session, w.joint]),
        || format!("A's sessions: {list}"),
    );

    // What stakeholders may not read at all says nothing either.
    for path in [
        "/api/v1/reports/gaps".to_owned(),
        format!("/api/v1/reports/gaps?segment_id={b}"),
        format!("/api/v1/reports/gaps?segment_id={b}&format=csv"),
        "/api/v1/audit".to_owned(),
        format!("/api/v1/audit?object_type=segment&object_id={b}"),
        "/api/v1/users".to_owned(),
    ] {
        p.expect(Req::get(&path), 403).await;
    }

    // Controls: B's data is really there and carries the marker, for those allowed to see it.
    for path in [
        format!("/api/v1/segments/{b}"),
        format!("/api/v1/sla-drafts/{}?format=html", w.b_sla),
        "/api/v1/kano/chart.svg".to_owned(),
        format!("/api/v1/sessions/{}", w.joint),
    ] {
        let (status, bytes, _) = send(&app, Some(&app.admin), &Req::get(&path)).await;
        let visible = status == 200 && (contains_ignore_case(&bytes, MARK) || path.contains("sessions"));
        p.check(visible, || {
            format!("control {path}: admin gets {status} {}", excerpt(&bytes))
        });
    }
    let (_, pooled) = app
        .get(&format!("/api/v1/requirements/{}/kano", w.shared), &app.admin)
        .await;
    p.check(pooled["n"] == w.a_answers + w.b_shared_answers, || {
        format!("control: the admin's pooled result counts both segments: {pooled}")
    });
    let (_, joint) = app.get(&format!("/api/v1/sessions/{}", w.joint), &app.admin).await;
    p.check(joint["segment_ids"] == json!(sorted(vec![a, b])), || {
        format!("control joint: {joint}")
    });

    assert!(
        p.problems.is_empty(),
        "{} problem(s) in {} requests by A:\n{}",
        p.problems.len(),
        p.requests,
        p.problems.join("\n")
    );
}

/// What B's data looks like to the admin, to compare before and after A's attempts.
async fn snapshot(app: &TestApp, w: &World) -> Vec<(String, u16, Value)> {
    let b = w.b;
    let mut out = Vec::new();
    for path in [
        format!("/api/v1/segments/{b}"),
        format!("/api/v1/sessions/{}", w.b_session),
        format!("/api/v1/sessions/{}", w.joint),
        format!("/api/v1/findings/{}", w.b_finding),
        format!("/api/v1/findings/{}", w.b_shared_finding),
        format!("/api/v1/assessments/{}", w.b_assessment),
        format!("/api/v1/assessments/{}", w.b_shared_assessment),
        format!("/api/v1/assessments/{}", w.b_general),
        format!("/api/v1/requirements/{}", w.b_only),
        format!("/api/v1/requirements/{}", w.shared),
        format!("/api/v1/sla-drafts/{}", w.b_sla),
        format!("/api/v1/sla-drafts?segment_id={b}"),
        format!("/api/v1/sessions?segment_id={b}"),
        format!("/api/v1/findings?segment_id={b}"),
        format!("/api/v1/assessments?segment_id={b}"),
        format!("/api/v1/kano?segment_id={b}"),
        format!("/api/v1/segments/{b}/classification"),
        format!("/api/v1/users/{}", w.a_user),
        "/api/v1/segments".to_owned(),
        "/api/v1/users".to_owned(),
    ] {
        let (status, body) = app.get(&path, &app.admin).await;
        assert_eq!(status, 200, "snapshot {path}: {body}");
        out.push((path, status, body));
    }
    out
}

#[actix_web::test]
async fn a_stakeholder_changes_nothing_of_another_segment() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (a, b) = (w.a, w.b);
    let before = snapshot(&app, &w).await;
    let csv = "respondent,segment,requirement,functional,dysfunctional\nintruder-1,Bravo Zqx Secretariat,ZQX-SECRET,dislike,like\n";
    let answer = |segment: i64| json!([{"respondent": "intruder", "segment_id": segment, "functional": "dislike", "dysfunctional": "like"}]);
    let attempts: Vec<(Req, &[u16])> = vec![
        (
            Req::patch(
                format!("/api/v1/segments/{b}"),
                json!({"description": "pwned", "weight": 0.1}),
            ),
            &[403, 404],
        ),
        (Req::delete(format!("/api/v1/segments/{b}")), &[403, 404]),
        (
            Req::patch(format!("/api/v1/sessions/{}", w.b_session), json!({"notes": "pwned"})),
            &[403, 404],
        ),
        (Req::delete(format!("/api/v1/sessions/{}", w.b_session)), &[403, 404]),
        (
            Req::patch(format!("/api/v1/sessions/{}", w.joint), json!({"segment_ids": [a]})),
            &[403, 404],
        ),
        (
            Req::patch(
                format!("/api/v1/findings/{}", w.b_finding),
                json!({"category": "reverse"}),
            ),
            &[403, 404],
        ),
        (
            Req::patch(
                format!("/api/v1/findings/{}", w.b_shared_finding),
                json!({"segment_id": a}),
            ),
            &[403, 404],
        ),
        (Req::delete(format!("/api/v1/findings/{}", w.b_finding)), &[403, 404]),
        (
            Req::patch(
                format!("/api/v1/assessments/{}", w.b_assessment),
                json!({"fulfilment": 1.0}),
            ),
            &[403, 404],
        ),
        (
            Req::patch(format!("/api/v1/assessments/{}", w.b_general), json!({"segment_id": a})),
            &[403, 404],
        ),
        (
            Req::delete(format!("/api/v1/assessments/{}", w.b_shared_assessment)),
            &[403, 404],
        ),
        (
            Req::patch(format!("/api/v1/requirements/{}", w.b_only), json!({"title": "pwned"})),
            &[403, 404],
        ),
        (Req::delete(format!("/api/v1/requirements/{}", w.b_only)), &[403, 404]),
        (
            Req::post(format!("/api/v1/requirements/{}/responses", w.b_only), answer(b)),
            &[403, 404],
        ),
        (
            Req::post(format!("/api/v1/requirements/{}/responses", w.shared), answer(b)),
            &[403, 404],
        ),
        (Req::csv("/api/v1/imports/responses", csv), &[403, 404]),
        (
            Req::csv(format!("/api/v1/imports/responses?session_id={}", w.b_session), csv),
            &[403, 404],
        ),
        (
            Req::post(
                "/api/v1/findings",
                json!({"requirement_id": w.b_only, "segment_id": b, "category": "reverse", "importance": 5}),
            ),
            &[403, 404],
        ),
        (
            Req::post(
                "/api/v1/sessions",
                json!({"kind": "survey", "title": "t", "held_on": "2026-01-01", "segment_ids": [b]}),
            ),
            &[403, 404],
        ),
        (
            Req::post(
                "/api/v1/assessments",
                json!({"requirement_id": w.b_only, "segment_id": b, "fulfilment": 1.0, "assessed_on": "2026-12-31"}),
            ),
            &[403, 404],
        ),
        (Req::post("/api/v1/sla-drafts", json!({"segment_id": b})), &[403, 404]),
        (
            Req::patch(format!("/api/v1/sla-drafts/{}", w.b_sla), json!({"title": "pwned"})),
            &[403, 404],
        ),
        (
            Req::post_empty(format!("/api/v1/sla-drafts/{}/approve", w.b_sla)),
            &[403, 404],
        ),
        (
            Req::post(
                format!("/api/v1/sla-drafts/{}/reject", w.b_sla),
                json!({"comment": "pwned"}),
            ),
            &[403, 404],
        ),
        (
            Req::post_empty(format!("/api/v1/sla-drafts/{}/submit", w.b_sla)),
            &[403, 404],
        ),
        // Stakeholders may sign off, but only their own segment's SLA: B's does not exist for A.
        (
            Req::post_empty(format!("/api/v1/sla-drafts/{}/sign-off", w.b_sla)),
            &[404],
        ),
        // Nor can A widen their own reach.
        (
            Req::patch(format!("/api/v1/users/{}", w.a_user), json!({"segment_ids": [a, b]})),
            &[403],
        ),
        (
            Req::post(
                "/api/v1/users",
                json!({"email": "sock@example.test", "password": PASSWORD, "role": "stakeholder", "segment_ids": [b]}),
            ),
            &[403],
        ),
        (
            Req::patch(
                "/api/v1/me",
                json!({"current_password": PASSWORD, "password": "another-password-9", "segment_ids": [a, b]}),
            ),
            &[422],
        ),
    ];
    let mut problems = Vec::new();
    for (req, allowed) in &attempts {
        let (status, bytes, _) = send(&app, Some(&w.a_token), req).await;
        if !allowed.contains(&status) {
            problems.push(format!(
                "{}: {status} (expected one of {allowed:?}): {}",
                req.label(),
                excerpt(&bytes)
            ));
        }
        if contains_ignore_case(&bytes, MARK) {
            problems.push(format!("{}: B's data in the refusal: {}", req.label(), excerpt(&bytes)));
        }
    }
    assert!(
        problems.is_empty(),
        "A wrote to B or learned of it:\n{}",
        problems.join("\n")
    );

    let after = snapshot(&app, &w).await;
    for ((path, _, old), (_, _, new)) in before.iter().zip(&after) {
        assert_eq!(old, new, "{path} changed after A's attempts");
    }
    let (_, me) = app.get("/api/v1/me", &w.a_token).await;
    assert_eq!(me["segment_ids"], json!([a]));
    let (_, trail) = app
        .get(&format!("/api/v1/audit?actor_id={}", w.a_user), &app.admin)
        .await;
    assert_eq!(trail["total"], 0, "A did nothing worth an audit entry: {trail}");
    // B's SLA still carries only B's sign-off.
    let (_, sla) = app.get(&format!("/api/v1/sla-drafts/{}", w.b_sla), &app.admin).await;
    let signers: Vec<&Value> = sla["signoffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["user_email"])
        .collect();
    assert_eq!(signers, vec![&json!("zqx-stakeholder@example.test")]);
}

/// Answers of one segment in one wave: `n` respondents answering `functional` / dislike.
async fn wave_answers(
    app: &TestApp,
    requirement: i64,
    segment: i64,
    session: i64,
    prefix: &str,
    n: usize,
    functional: &str,
) {
    let items: Vec<Value> = (1..=n)
        .map(|i| {
            json!({"respondent": format!("{prefix}-{i}"), "segment_id": segment, "session_id": session,
                   "functional": functional, "dysfunctional": "dislike"})
        })
        .collect();
    let (status, body) = app
        .post(
            &format!("/api/v1/requirements/{requirement}/responses"),
            &app.admin,
            Value::Array(items),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[actix_web::test]
async fn a_stakeholder_sees_only_their_segments_waves_and_results() {
    let app = spawn_app().await;
    let admin = app.admin.clone();
    let a = id(&app.create("/api/v1/segments", &admin, json!({"name": "Alpha"})).await);
    let b = id(&app
        .create("/api/v1/segments", &admin, json!({"name": "Bravo Zqx"}))
        .await);
    let shared = id(&app
        .create(
            "/api/v1/requirements",
            &admin,
            json!({"key": "SHARED-REQ", "title": "Shared", "service_area_id": 1}),
        )
        .await);
    let survey = |title: &str, held_on: &str, segments: Vec<i64>| json!({"kind": "survey", "title": title, "held_on": held_on, "segment_ids": segments});
    let a_wave = id(&app
        .create(
            "/api/v1/sessions",
            &admin,
            survey("Alpha survey", "2025-10-01", vec![a]),
        )
        .await);
    let joint = id(&app
        .create(
            "/api/v1/sessions",
            &admin,
            survey("Joint survey", "2026-10-01", vec![a, b]),
        )
        .await);
    let b_wave = id(&app
        .create("/api/v1/sessions", &admin, survey("Zqx survey", "2026-05-01", vec![b]))
        .await);
    wave_answers(&app, shared, a, a_wave, "alpha-1", 31, "like").await;
    wave_answers(&app, shared, a, joint, "alpha-2", 32, "like").await;
    wave_answers(&app, shared, b, joint, "zqx-2", 33, "neutral").await;
    wave_answers(&app, shared, b, b_wave, "zqx-3", 34, "like").await;
    // Control: to an admin, the segments disagree in the joint wave.
    let (_, c) = app
        .get(&format!("/api/v1/kano/contested?session_id={joint}"), &admin)
        .await;
    assert_eq!(c["items"].as_array().map(Vec::len), Some(1), "{c}");

    let (token, _) = app.user("stakeholder", &[a]).await;
    let mut problems = Vec::new();
    // B's wave (and B's segment) answer exactly as nothing would.
    for (theirs, nowhere) in [
        (
            format!("/api/v1/kano?session_id={b_wave}"),
            format!("/api/v1/kano?session_id={NOWHERE}"),
        ),
        (
            format!("/api/v1/requirements/{shared}/kano?session_id={b_wave}"),
            format!("/api/v1/requirements/{shared}/kano?session_id={NOWHERE}"),
        ),
        (
            format!("/api/v1/kano/chart.svg?session_id={b_wave}"),
            format!("/api/v1/kano/chart.svg?session_id={NOWHERE}"),
        ),
        (
            format!("/api/v1/kano/transitions?from={a_wave}&to={b_wave}"),
            format!("/api/v1/kano/transitions?from={a_wave}&to={NOWHERE}"),
        ),
        (
            format!("/api/v1/kano/transitions?from={b_wave}&to={joint}"),
            format!("/api/v1/kano/transitions?from={NOWHERE}&to={joint}"),
        ),
        (
            format!("/api/v1/kano/transitions?from={a_wave}&to={joint}&segment_id={b}"),
            format!("/api/v1/kano/transitions?from={a_wave}&to={joint}&segment_id={NOWHERE}"),
        ),
        (
            format!("/api/v1/kano/contested?session_id={b_wave}"),
            format!("/api/v1/kano/contested?session_id={NOWHERE}"),
        ),
        (
            format!("/api/v1/requirements/{shared}/kano/history?segment_id={b}"),
            format!("/api/v1/requirements/{shared}/kano/history?segment_id={NOWHERE}"),
        ),
    ] {
        let (status, body, _) = send(&app, Some(&token), &Req::get(&theirs)).await;
        let (absent_status, absent, _) = send(&app, Some(&token), &Req::get(&nowhere)).await;
        if (status, &body) != (404, &absent) || absent_status != 404 {
            problems.push(format!(
                "{theirs}: {status} {} vs {absent_status} {}",
                excerpt(&body),
                excerpt(&absent)
            ));
        }
        let (status, _) = app.get(&theirs, &admin).await;
        if status != 200 {
            problems.push(format!("{theirs}: the admin gets {status}"));
        }
    }
    // What A may see counts A's answers only, and names nothing of B.
    let mut seen = Vec::new();
    for path in [
        format!("/api/v1/requirements/{shared}/kano/history"),
        format!("/api/v1/requirements/{shared}/kano/history?segment_id={a}"),
        format!("/api/v1/kano/transitions?from={a_wave}&to={joint}"),
        format!("/api/v1/kano/contested?session_id={joint}"),
        "/api/v1/kano/contested".to_owned(),
        format!("/api/v1/kano?session_id={joint}"),
        format!("/api/v1/segments/{a}/value-proposition"),
        format!("/kano?session_id={joint}"),
        format!("/kano/lifecycle?from={a_wave}&to={joint}"),
    ] {
        let (status, body, _) = send(&app, Some(&token), &Req::get(&path)).await;
        if status != 200 {
            problems.push(format!("{path}: {status} {}", excerpt(&body)));
        }
        if contains_ignore_case(&body, MARK) || contains_ignore_case(&body, "Bravo") {
            problems.push(format!("{path} shows B: {}", excerpt(&body)));
        }
        seen.push(json(&body));
    }
    let waves: Vec<(i64, u64)> = seen[0]["waves"]
        .as_array()
        .map(|w| {
            w.iter()
                .map(|w| (w["session_id"].as_i64().unwrap_or(0), w["n"].as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    if waves != vec![(a_wave, 31), (joint, 32)] {
        problems.push(format!("A's history: {}", seen[0]));
    }
    if seen[2]["requirements"] != 1 || seen[2]["matrix"]["O"]["O"] != 1 {
        problems.push(format!("A's transitions: {}", seen[2]));
    }
    if seen[3]["items"] != json!([]) || seen[4]["items"] != json!([]) {
        problems.push(format!("A sees a contest with B: {} {}", seen[3], seen[4]));
    }
    if seen[5]["items"][0]["n"] != 32 {
        problems.push(format!("A's joint wave: {}", seen[5]));
    }
    // The waves A may pick from: A's and the joint one.
    let (_, sessions) = app.get("/api/v1/sessions", &token).await;
    if sessions["total"] != 2 {
        problems.push(format!("A's sessions: {sessions}"));
    }
    // The gap trend, like the gap report, is not for stakeholders.
    let (status, _) = app.get("/api/v1/reports/gaps/trend", &token).await;
    if status != 403 {
        problems.push(format!("gap trend: {status}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Complaints and satisfaction surveys: a stakeholder of A reads A's complaints, statistics,
/// surveys, results and scorecard, and nothing of B's (404 by id, left out of lists, totals,
/// groups and pooled results; no names, comments or respondents in the bytes); every step A
/// tries on B's complaint is refused and changes nothing.
#[actix_web::test]
async fn complaints_and_surveys_of_another_segment_stay_hidden() {
    let app = spawn_app().await;
    let admin = app.admin.as_str();
    let a = id(&app
        .create("/api/v1/segments", admin, json!({"name": "Alpha Accounting"}))
        .await);
    let b = id(&app
        .create("/api/v1/segments", admin, json!({"name": "Bravo Zqx Secretariat"}))
        .await);
    let complaint = |segment: i64, summary: &str, category: &str| {
        json!({"segment_id": segment, "summary": summary, "channel": "phone", "category": category,
               "service_area_id": 8})
    };
    let a_complaint = id(&app
        .create("/api/v1/complaints", admin, complaint(a, "a: slow laptop", "hardware"))
        .await);
    let b_complaint = id(&app
        .create("/api/v1/complaints", admin, complaint(b, "zqx: broken", "zqx-category"))
        .await);
    let b_resolved = id(&app
        .create("/api/v1/complaints", admin, complaint(b, "zqx: second", "zqx-category"))
        .await);
    for (step, body) in [
        ("acknowledge", json!({})),
        ("resolve", json!({"resolution": "zqx fixed"})),
    ] {
        let (status, body) = app
            .post(&format!("/api/v1/complaints/{b_resolved}/{step}"), admin, body)
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let survey = |title: &str, kind: &str, segments: Vec<i64>| {
        json!({"title": title, "kind": kind, "opened_on": "2025-01-01", "closed_on": "2025-01-31",
               "segment_ids": segments})
    };
    let everyone = id(&app
        .create(
            "/api/v1/satisfaction-surveys",
            admin,
            survey("Helpdesk pulse", "overall", vec![]),
        )
        .await);
    let b_only = id(&app
        .create(
            "/api/v1/satisfaction-surveys",
            admin,
            survey("Zqx survey", "overall", vec![b]),
        )
        .await);
    let answer = |segment: i64, who: &str, score: i64, comment: &str| json!({"respondent": who, "segment_id": segment, "score": score, "comment": comment});
    let (status, body) = app
        .post(
            &format!("/api/v1/satisfaction-surveys/{everyone}/responses"),
            admin,
            json!([
                answer(a, "alpha-1", 5, "fine"),
                answer(a, "alpha-2", 4, "ok"),
                answer(b, "zqx-resp-1", 1, "zqx awful"),
                answer(b, "zqx-resp-2", 2, "zqx bad"),
                answer(b, "zqx-resp-3", 2, "zqx bad")
            ]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/satisfaction-surveys/{b_only}/responses"),
            admin,
            json!([answer(b, "zqx-resp-9", 5, "zqx only")]),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (a_token, _) = app.user("stakeholder", &[a]).await;

    let mut problems = Vec::new();
    let mut probe = async |req: Req, expected: u16| -> Value {
        let (status, bytes, _) = send(&app, Some(&a_token), &req).await;
        if status != expected {
            problems.push(format!(
                "{}: expected {expected}, got {status}: {}",
                req.label(),
                excerpt(&bytes)
            ));
        }
        if contains_ignore_case(&bytes, MARK) {
            problems.push(format!("{}: B's data in the body: {}", req.label(), excerpt(&bytes)));
        }
        let value = json(&bytes);
        if value.to_string().contains(&format!("\"segment_id\":{b}")) {
            problems.push(format!("{}: B's segment id in the body", req.label()));
        }
        value
    };

    // By id: B's complaint is 404, answered like one that does not exist.
    let nowhere = probe(Req::get(format!("/api/v1/complaints/{NOWHERE}")), 404).await;
    let hidden = probe(Req::get(format!("/api/v1/complaints/{b_complaint}")), 404).await;
    assert_eq!(nowhere, hidden);
    probe(Req::get(format!("/api/v1/complaints/{a_complaint}")), 200).await;
    // Lists and their totals: A's only, however filtered.
    let list = probe(Req::get("/api/v1/complaints"), 200).await;
    assert_eq!((list["total"].as_i64(), ids(&list)), (Some(1), vec![a_complaint]));
    for query in [
        format!("segment_id={b}"),
        "category=zqx-category".to_owned(),
        "status=resolved".to_owned(),
        "service_area_id=8&status=open".to_owned(),
    ] {
        let list = probe(Req::get(format!("/api/v1/complaints?{query}")), 200).await;
        let expected = if query.starts_with("service_area") { 1 } else { 0 };
        assert_eq!(list["total"].as_i64(), Some(expected), "{query}: {list}");
    }
    // Statistics: A's complaint only, in every grouping.
    for group in ["month", "category", "segment", "service_area"] {
        let stats = probe(Req::get(format!("/api/v1/complaints/stats?group_by={group}")), 200).await;
        let received: i64 = stats["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["received"].as_i64().unwrap())
            .sum();
        assert_eq!(received, 1, "{group}: {stats}");
    }
    let stats = probe(Req::get(format!("/api/v1/complaints/stats?segment_id={b}")), 200).await;
    assert_eq!(stats["groups"], json!([]));

    // Surveys: the one asking B only does not exist for A; results pool A's answers only and
    // carry no comments or respondents; the scorecard likewise.
    let surveys = probe(Req::get("/api/v1/satisfaction-surveys"), 200).await;
    assert_eq!((surveys["total"].as_i64(), ids(&surveys)), (Some(1), vec![everyone]));
    let filtered = probe(Req::get(format!("/api/v1/satisfaction-surveys?segment_id={b}")), 200).await;
    assert_eq!(ids(&filtered), vec![everyone], "open to all: {filtered}");
    let nowhere = probe(Req::get(format!("/api/v1/satisfaction-surveys/{NOWHERE}")), 404).await;
    let hidden = probe(Req::get(format!("/api/v1/satisfaction-surveys/{b_only}")), 404).await;
    assert_eq!(nowhere, hidden);
    probe(Req::get(format!("/api/v1/satisfaction-surveys/{b_only}/results")), 404).await;
    let results = probe(
        Req::get(format!("/api/v1/satisfaction-surveys/{everyone}/results")),
        200,
    )
    .await;
    assert_eq!(
        (results["n"].as_i64(), results["satisfied"].as_i64()),
        (Some(2), Some(2))
    );
    assert!(results.get("comments").is_none());
    assert!(!results.to_string().contains("alpha-1"), "no respondent ids: {results}");
    probe(
        Req::get(format!(
            "/api/v1/satisfaction-surveys/{everyone}/results?segment_id={b}"
        )),
        404,
    )
    .await;
    let card = probe(Req::get("/api/v1/satisfaction/scorecard"), 200).await;
    let items = card["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{card}");
    assert_eq!(
        (items[0]["survey_id"].as_i64(), items[0]["n"].as_i64()),
        (Some(everyone), Some(2))
    );
    probe(Req::get(format!("/api/v1/satisfaction/scorecard?segment_id={b}")), 404).await;

    // Writes on B's objects: refused, and nothing changes.
    probe(
        Req::post(
            "/api/v1/complaints",
            json!({"segment_id": b, "summary": "sneaky", "channel": "web"}),
        ),
        404,
    )
    .await;
    probe(
        Req::post_empty(format!("/api/v1/complaints/{b_complaint}/acknowledge")),
        404,
    )
    .await;
    probe(
        Req::post(
            format!("/api/v1/complaints/{b_complaint}/resolve"),
            json!({"resolution": "x"}),
        ),
        404,
    )
    .await;
    probe(Req::post_empty(format!("/api/v1/complaints/{b_resolved}/reopen")), 404).await;
    probe(
        Req::patch(format!("/api/v1/complaints/{b_complaint}"), json!({"summary": "x"})),
        403,
    )
    .await;
    probe(
        Req::post(
            format!("/api/v1/satisfaction-surveys/{b_only}/responses"),
            json!([{"segment_id": b, "score": 1}]),
        ),
        403,
    )
    .await;
    probe(Req::delete(format!("/api/v1/satisfaction-surveys/{b_only}")), 403).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let (_, b_now) = app.get(&format!("/api/v1/complaints/{b_complaint}"), admin).await;
    assert_eq!(
        (&b_now["status"], &b_now["summary"]),
        (&json!("open"), &json!("zqx: broken"))
    );
    let (_, b_done) = app.get(&format!("/api/v1/complaints/{b_resolved}"), admin).await;
    assert_eq!(b_done["status"], "resolved");
    let (_, all) = app.get("/api/v1/complaints", admin).await;
    assert_eq!(all["total"], 3);
    let (_, results) = app
        .get(&format!("/api/v1/satisfaction-surveys/{b_only}/results"), admin)
        .await;
    assert_eq!(results["n"], 1);
}

/// Service levels: a stakeholder of A sees A's targets and the general ones, never B's (by id,
/// in lists and their totals, in attainment and in every format of the service report), and
/// the general targets count only A's tickets.
#[actix_web::test]
async fn service_levels_stay_within_the_segment() {
    let app = spawn_app().await;
    let a = app.segment("Finance").await;
    let b = app.segment(&format!("Research {MARK}")).await;
    let r = app.requirement("HD-CALLBACK").await;
    let b_req = app.requirement(&format!("{}-SECRET", MARK.to_uppercase())).await;
    let target = |segment: Option<i64>, requirement: i64| json!({"requirement_id": requirement, "segment_id": segment, "measure": "resolution", "limit": 60, "goal": 0.5});
    let a_target = id(&app
        .create("/api/v1/service-targets", &app.admin, target(Some(a), r))
        .await);
    let b_target = id(&app
        .create("/api/v1/service-targets", &app.admin, target(Some(b), b_req))
        .await);
    let general = id(&app.create("/api/v1/service-targets", &app.admin, target(None, r)).await);
    let b_reported = id(&app
        .create(
            "/api/v1/service-targets",
            &app.admin,
            json!({"requirement_id": b_req, "segment_id": b, "measure": "reported"}),
        )
        .await);
    app.create(
        &format!("/api/v1/service-targets/{b_reported}/measurements"),
        &app.admin,
        json!({"period": "2026-03", "value": 1}),
    )
    .await;
    let tickets = format!(
        "ticket,segment,opened_at,first_response_at,resolved_at,service_area\n\
         A1,Finance,2026-03-02T09:00:00Z,,2026-03-02T09:30:00Z,desk\n\
         A2,Finance,2026-03-03T09:00:00Z,,2026-03-03T12:00:00Z,desk\n\
         {MARK}1,Research {MARK},2026-03-02T09:00:00Z,,2026-03-02T09:10:00Z,{MARK}\n\
         {MARK}2,Research {MARK},2026-03-02T09:00:00Z,,2026-03-02T09:10:00Z,{MARK}\n\
         {MARK}3,Research {MARK},2026-03-02T09:00:00Z,,2026-03-02T09:10:00Z,{MARK}\n"
    );
    let (status, _, _) = send(&app, Some(&app.admin), &Req::csv("/api/v1/imports/tickets", &tickets)).await;
    assert_eq!(status, 201);
    let (a_token, _) = app.user("stakeholder", &[a]).await;

    let (status, list) = app.get("/api/v1/service-targets", &a_token).await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!((ids, list["total"].as_i64()), (vec![a_target, general], Some(2)));
    let (_, filtered) = app
        .get(&format!("/api/v1/service-targets?segment_id={b}"), &a_token)
        .await;
    assert_eq!(
        (filtered["items"].clone(), filtered["total"].as_i64()),
        (json!([]), Some(0))
    );
    for path in [
        format!("/api/v1/service-targets/{b_target}"),
        format!("/api/v1/service-targets/{b_target}/attainment"),
        format!("/api/v1/service-targets/{b_reported}/attainment?from=2026-03&to=2026-03"),
        format!("/api/v1/service-targets/{NOWHERE}"),
        format!("/api/v1/reports/service?segment_id={b}"),
        format!("/api/v1/reports/service?segment_id={NOWHERE}"),
    ] {
        let (status, body, _) = send(&app, Some(&a_token), &Req::get(path.clone())).await;
        assert_eq!(status, 404, "{path}: {}", excerpt(&body));
        assert!(!contains_ignore_case(&body, MARK), "{path}: {}", excerpt(&body));
    }
    let (_, att) = app
        .get(
            &format!("/api/v1/service-targets/{general}/attainment?from=2026-03&to=2026-03"),
            &a_token,
        )
        .await;
    assert_eq!(
        att["periods"][0]["counted"], 2,
        "the general target counts only A's tickets: {att}"
    );
    for format in ["json", "csv", "md", "html"] {
        let path = format!("/api/v1/reports/service?period=2026-03&format={format}");
        let (status, body, _) = send(&app, Some(&a_token), &Req::get(path.clone())).await;
        assert_eq!(status, 200, "{path}");
        assert!(!contains_ignore_case(&body, MARK), "{path}: {}", excerpt(&body));
        if format == "json" {
            let report = json(&body);
            assert_eq!(report["summary"]["targets"], 2);
            assert_eq!(report["items"][1]["counted"], 2);
        }
    }
    // Writes on B's targets are refused, and B's figures are unchanged.
    for req in [
        Req::patch(format!("/api/v1/service-targets/{b_target}"), json!({"limit": 1})),
        Req::delete(format!("/api/v1/service-targets/{b_target}")),
        Req::post(
            format!("/api/v1/service-targets/{b_reported}/measurements"),
            json!({"period": "2026-04", "value": 2}),
        ),
        Req::patch(
            format!("/api/v1/service-targets/{b_reported}/measurements/2026-03"),
            json!({"value": 2}),
        ),
    ] {
        let (status, _, _) = send(&app, Some(&a_token), &req).await;
        assert_eq!(status, 403, "{}", req.label());
    }
    let (_, att) = app
        .get(
            &format!("/api/v1/service-targets/{b_reported}/attainment?from=2026-03&to=2026-03"),
            &app.admin,
        )
        .await;
    assert_eq!(att["periods"][0]["value"], 1.0);
}

/// Improvement plans: a stakeholder of A reads the plans naming A, never a plan naming only B
/// (404 by id and in every format, left out of lists and totals), and cannot sign it off or
/// change it; B's plan is unchanged afterwards.
#[actix_web::test]
async fn improvement_plans_of_another_segment_stay_hidden() {
    let app = spawn_app().await;
    let admin = app.admin.as_str();
    let a = app.segment("Alpha Accounting").await;
    let b = app.segment(&format!("Bravo {MARK}")).await;
    let (_, owner) = app.user("leadership", &[]).await;
    let plan = |segment: i64, title: &str| json!({"title": title, "service_area_id": 8, "segment_ids": [segment]});
    let a_plan = id(&app
        .create("/api/v1/improvement-plans", admin, plan(a, "Alpha desk"))
        .await);
    let b_plan = id(&app
        .create("/api/v1/improvement-plans", admin, plan(b, &format!("{MARK} plan")))
        .await);
    let b_change = id(&app
        .create(
            &format!("/api/v1/improvement-plans/{b_plan}/changes"),
            admin,
            json!({"title": format!("{MARK} change"), "owner_id": owner, "due_on": "2099-01-01"}),
        )
        .await);
    let (status, body) = app
        .post(
            &format!("/api/v1/improvement-plans/{b_plan}/submit"),
            admin,
            Value::Null,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (a_token, _) = app.user("stakeholder", &[a]).await;

    let mut problems = Vec::new();
    let mut probe = async |req: Req, expected: u16| -> Value {
        let (status, bytes, _) = send(&app, Some(&a_token), &req).await;
        if status != expected {
            problems.push(format!(
                "{}: expected {expected}, got {status}: {}",
                req.label(),
                excerpt(&bytes)
            ));
        }
        if contains_ignore_case(&bytes, MARK) {
            problems.push(format!("{}: B's data in the body: {}", req.label(), excerpt(&bytes)));
        }
        json(&bytes)
    };
    let nowhere = probe(Req::get(format!("/api/v1/improvement-plans/{NOWHERE}")), 404).await;
    let hidden = probe(Req::get(format!("/api/v1/improvement-plans/{b_plan}")), 404).await;
    assert_eq!(nowhere, hidden);
    for format in ["md", "html"] {
        probe(
            Req::get(format!("/api/v1/improvement-plans/{b_plan}?format={format}")),
            404,
        )
        .await;
    }
    probe(Req::get(format!("/api/v1/improvement-plans/{a_plan}")), 200).await;
    let list = probe(Req::get("/api/v1/improvement-plans"), 200).await;
    assert_eq!((list["total"].as_i64(), ids(&list)), (Some(1), vec![a_plan]));
    let list = probe(Req::get(format!("/api/v1/improvement-plans?segment_id={b}")), 200).await;
    assert_eq!(list["total"].as_i64(), Some(0));
    let list = probe(Req::get("/api/v1/improvement-plans?status=in_review"), 200).await;
    assert_eq!(list["total"].as_i64(), Some(0));
    // Writes: signing B's plan off is 404 (not theirs to see); the rest is not a stakeholder's.
    probe(
        Req::post_empty(format!("/api/v1/improvement-plans/{b_plan}/sign-off")),
        404,
    )
    .await;
    for req in [
        Req::patch(format!("/api/v1/improvement-plans/{b_plan}"), json!({"title": "x"})),
        Req::delete(format!("/api/v1/improvement-plans/{b_plan}")),
        Req::post(
            format!("/api/v1/improvement-plans/{b_plan}/changes"),
            json!({"title": "x", "owner_id": owner, "due_on": "2099-01-01"}),
        ),
        Req::patch(
            format!("/api/v1/improvement-plans/{b_plan}/changes/{b_change}"),
            json!({"status": "dropped"}),
        ),
        Req::delete(format!("/api/v1/improvement-plans/{b_plan}/changes/{b_change}")),
        Req::post_empty(format!("/api/v1/improvement-plans/{b_plan}/approve")),
        Req::post_empty(format!("/api/v1/improvement-plans/{b_plan}/close")),
    ] {
        probe(req, 403).await;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let (_, b_now) = app.get(&format!("/api/v1/improvement-plans/{b_plan}"), admin).await;
    assert_eq!(
        (&b_now["status"], &b_now["sign_offs"], &b_now["changes"][0]["status"]),
        (&json!("in_review"), &json!([]), &json!("planned"))
    );
}

/// Root-cause analyses and COScom: a stakeholder of A reads A's analyses (and those without a
/// segment), A's commitments, their causes, fishbones, checkpoints and comments, and nothing of
/// B's (404 by id and in the diagram, left out of lists and totals, no text in the bytes); every
/// write A tries on B's (or on A's, where stakeholders may not write) is refused and changes
/// nothing.
#[actix_web::test]
async fn root_causes_and_coscom_of_another_segment_stay_hidden() {
    let app = spawn_app().await;
    let admin = app.admin.as_str();
    let a = app.segment("Finance").await;
    let b = app.segment(&format!("Research {MARK}")).await;
    let analysis =
        |segment: Option<i64>, problem: &str| json!({"problem": problem, "segment_id": segment, "category_set": "4S"});
    let a_rca = id(&app
        .create("/api/v1/root-causes", admin, analysis(Some(a), "Slow call-backs"))
        .await);
    let general = id(&app
        .create("/api/v1/root-causes", admin, analysis(None, "Printing fails"))
        .await);
    let b_rca = id(&app
        .create(
            "/api/v1/root-causes",
            admin,
            analysis(Some(b), &format!("{MARK} secret problem")),
        )
        .await);
    let b_cause = id(&app
        .create(
            &format!("/api/v1/root-causes/{b_rca}/causes"),
            admin,
            json!({"category": "Skills", "text": format!("{MARK} cause")}),
        )
        .await);
    let commitment = |segment: i64, project: &str| json!({"project": project, "segment_id": segment, "starts_on": "2026-01-01", "conditions": [{"text": format!("{project} works")}]});
    let a_cos = id(&app.create("/api/v1/coscom", admin, commitment(a, "Expenses")).await);
    let b_cos = app
        .create("/api/v1/coscom", admin, commitment(b, &format!("{MARK} lab")))
        .await;
    let b_condition = b_cos["conditions"][0]["id"].as_i64().unwrap();
    let b_cos = id(&b_cos);
    app.create(
        &format!("/api/v1/coscom/{b_cos}/comments"),
        admin,
        json!({"text": format!("{MARK} remark")}),
    )
    .await;
    let (a_token, _) = app.user("stakeholder", &[a]).await;

    let mut problems = Vec::new();
    let mut probe = async |req: Req, expected: u16| -> Vec<u8> {
        let (status, bytes, _) = send(&app, Some(&a_token), &req).await;
        if status != expected {
            problems.push(format!(
                "{}: expected {expected}, got {status}: {}",
                req.label(),
                excerpt(&bytes)
            ));
        }
        if contains_ignore_case(&bytes, MARK) {
            problems.push(format!("{}: B's data in the body: {}", req.label(), excerpt(&bytes)));
        }
        bytes
    };
    let list = json(&probe(Req::get("/api/v1/root-causes"), 200).await);
    let mut seen: Vec<i64> = list["items"].as_array().unwrap().iter().map(id).collect();
    seen.sort_unstable();
    assert_eq!((list["total"].as_i64(), seen), (Some(2), vec![a_rca, general]));
    let list = json(&probe(Req::get(format!("/api/v1/root-causes?segment_id={b}")), 200).await);
    assert_eq!(list["total"], 0);
    probe(Req::get(format!("/api/v1/root-causes/{a_rca}")), 200).await;
    probe(Req::get(format!("/api/v1/root-causes/{general}/fishbone.svg")), 200).await;
    for path in [
        format!("/api/v1/root-causes/{b_rca}"),
        format!("/api/v1/root-causes/{b_rca}/fishbone.svg"),
        format!("/api/v1/root-causes/{NOWHERE}"),
        format!("/api/v1/coscom/{b_cos}"),
        format!("/api/v1/coscom/{NOWHERE}"),
    ] {
        probe(Req::get(path), 404).await;
    }
    let list = json(&probe(Req::get("/api/v1/coscom"), 200).await);
    let seen: Vec<i64> = list["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!((list["total"].as_i64(), seen), (Some(1), vec![a_cos]));
    let list = json(&probe(Req::get(format!("/api/v1/coscom?segment_id={b}")), 200).await);
    assert_eq!(list["total"], 0);
    probe(Req::get(format!("/api/v1/coscom/{a_cos}")), 200).await;

    // Writes: stakeholders never write analyses; on B's COScom a comment is a 404.
    for req in [
        Req::post("/api/v1/root-causes", analysis(Some(a), "mine")),
        Req::patch(format!("/api/v1/root-causes/{b_rca}"), json!({"problem": "x"})),
        Req::delete(format!("/api/v1/root-causes/{b_rca}")),
        Req::post(
            format!("/api/v1/root-causes/{b_rca}/causes"),
            json!({"category": "Skills", "text": "x"}),
        ),
        Req::patch(
            format!("/api/v1/root-causes/{b_rca}/causes/{b_cause}"),
            json!({"verified": true}),
        ),
        Req::delete(format!("/api/v1/root-causes/{b_rca}/causes/{b_cause}")),
        Req::post(
            format!("/api/v1/root-causes/{b_rca}/causes/{b_cause}/change"),
            json!({"plan_id": NOWHERE, "title": "x", "owner_id": NOWHERE, "due_on": "2099-01-01"}),
        ),
        Req::post("/api/v1/coscom", commitment(a, "mine")),
        Req::post(
            format!("/api/v1/coscom/{b_cos}/checkpoints"),
            json!({"on": "2026-02-01", "ratings": [{"condition_id": b_condition, "rating": "on_track"}]}),
        ),
        Req::post_empty(format!("/api/v1/coscom/{b_cos}/close")),
    ] {
        probe(req, 403).await;
    }
    probe(
        Req::post(format!("/api/v1/coscom/{b_cos}/comments"), json!({"text": "sneaky"})),
        404,
    )
    .await;
    probe(
        Req::post(format!("/api/v1/coscom/{a_cos}/comments"), json!({"text": "fine"})),
        201,
    )
    .await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let (_, b_now) = app.get(&format!("/api/v1/root-causes/{b_rca}"), admin).await;
    assert_eq!(
        (b_now["cause_count"].as_i64(), b_now["verified_count"].as_i64()),
        (Some(1), Some(0))
    );
    let (_, b_now) = app.get(&format!("/api/v1/coscom/{b_cos}"), admin).await;
    assert_eq!(b_now["status"], "open");
    assert_eq!(b_now["comments"].as_array().unwrap().len(), 1);
    assert_eq!(b_now["checkpoints"], json!([]));
}
