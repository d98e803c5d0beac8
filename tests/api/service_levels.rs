//! Service levels: calendars, targets, the ticket import, reported figures, attainment, the
//! monthly service report and measured capability in the gap report, on hand-computed tickets,
//! and the stored durations against the domain's counting rule on random ones.

use actix_web::http::Method;
use kanogap::domain::business_time as bt;
use serde_json::{json, Value};

use crate::helpers::{code, fields, TestApp};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

async fn csv(app: &TestApp, path: &str, token: &str, text: &str) -> (u16, Value) {
    let (status, bytes, _) = app
        .raw(
            Method::POST,
            path,
            Some(token),
            Some(("text/csv", text.as_bytes().to_vec())),
        )
        .await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The office calendar: Berlin, Monday to Friday 08:00-17:00.
/// A requirement's row in a gap report, among the gaps or the met.
fn gap_row(gaps: &Value, requirement_key: &str) -> Value {
    gaps["rows"]
        .as_array()
        .expect("the report's rows")
        .iter()
        .chain(gaps["met"].as_array().expect("the report's met"))
        .find(|r| r["requirement"]["key"] == requirement_key)
        .cloned()
        .unwrap_or_else(|| panic!("{requirement_key} in the report: {gaps}"))
}

async fn office(app: &TestApp) -> i64 {
    let week: Value = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| (d.to_string(), json!(["08:00-17:00"])))
        .collect::<serde_json::Map<_, _>>()
        .into();
    id(&app
        .create(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Office", "timezone": "Europe/Berlin", "week": week, "holidays": ["2026-04-03"]}),
        )
        .await)
}

/// March 2026 in Berlin (UTC+1), first response against 30 business minutes:
/// F1 20 min (met), F2 Fri 16:50 → Mon 08:30 = 10 + 30 = 40 min (missed), F3 no response
/// (missed once over the limit), F4 5 min (met); S1 is the Students' and does not count.
const TICKETS: &str = "ticket,segment,opened_at,first_response_at,resolved_at,priority\n\
F1,finance,2026-03-02 09:00,2026-03-02 09:20,2026-03-02 11:00,P2\n\
F2,Finance,2026-03-06 16:50,2026-03-09 08:30,,P2\n\
F3,FINANCE,2026-03-03 10:00,,,P1\n\
F4,Finance,2026-03-04T10:00:00+01:00,2026-03-04 10:05,2026-03-04 10:30,P2\n\
S1,Students,2026-03-02 10:00,2026-03-02 10:01,,P2\n";

#[actix_web::test]
async fn calendars() {
    let app = crate::helpers::spawn_app().await;
    let (stakeholder, _) = app.user("stakeholder", &[app.segment("Finance").await]).await;
    let (status, list) = app.get("/api/v1/calendars", &stakeholder).await;
    assert_eq!(status, 200, "everyone signed in reads calendars");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "24x7");
    assert_eq!(list["items"][0]["minutes_per_week"], 7 * 1440);

    let cal = office(&app).await;
    let (_, got) = app.get(&format!("/api/v1/calendars/{cal}"), &stakeholder).await;
    assert_eq!(got["timezone"], "Europe/Berlin");
    assert_eq!(got["week"]["mon"], json!(["08:00-17:00"]));
    assert_eq!(got["week"].get("sat"), None, "closed days are omitted");
    assert_eq!(got["minutes_per_week"], 5 * 540);

    let (status, body) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Mars", "timezone": "Mars/Olympus"}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["timezone".to_owned()]), "{body}");
    let (status, body) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Busy", "timezone": "UTC", "week": {"mon": ["08:00-12:00", "11:00-17:00"]}}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["week".to_owned()]), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("overlap"), "{body}");
    for week in [
        json!({"mon": ["8-17"]}),
        json!({"someday": ["08:00-17:00"]}),
        json!({"mon": ["17:00-08:00"]}),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/calendars",
                &app.admin,
                json!({"name": "Bad", "timezone": "UTC", "week": week}),
            )
            .await;
        assert_eq!((status, fields(&body)), (422, vec!["week".to_owned()]), "{body}");
    }
    let (status, body) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "office", "timezone": "UTC"}),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "duplicate"));
    let (status, _) = app
        .post(
            "/api/v1/calendars",
            &stakeholder,
            json!({"name": "Mine", "timezone": "UTC"}),
        )
        .await;
    assert_eq!(status, 403);

    let (status, body) = app
        .patch(
            &format!("/api/v1/calendars/{cal}"),
            &app.admin,
            json!({"holidays": ["2026-12-25"]}),
        )
        .await;
    assert_eq!((status, body["holidays"].clone()), (200, json!(["2026-12-25"])));
    let (status, body) = app
        .patch(
            &format!("/api/v1/calendars/{cal}"),
            &app.admin,
            json!({"timezone": "Nowhere"}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["timezone".to_owned()]));
    let twenty_four_seven = list["items"][0]["id"].as_i64().unwrap();
    let (status, body) = app
        .delete(&format!("/api/v1/calendars/{twenty_four_seven}"), &app.admin)
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"));
    let (status, _) = app.delete(&format!("/api/v1/calendars/{cal}"), &app.admin).await;
    assert_eq!(status, 204);
}

#[actix_web::test]
async fn targets_and_their_rules() {
    let app = crate::helpers::spawn_app().await;
    let finance = app.segment("Finance").await;
    let callback = app.requirement("HD-CALLBACK").await; // min, lower is better, target 5
    let uptime = id(&app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "OPS-UPTIME", "title": "Up", "service_area_id": 6, "metric": "availability",
                   "unit": "%", "direction": "higher_is_better", "target": 99.5}),
        )
        .await);
    let (lead, _) = app.user("leadership", &[]).await;

    let target = app
        .create(
            "/api/v1/service-targets",
            &lead,
            json!({"requirement_id": callback, "segment_id": finance, "measure": "first_response", "goal": 0.9}),
        )
        .await;
    assert_eq!(target["limit"], 5.0, "defaults to the requirement's target");
    assert_eq!(target["measure"], "first_response");
    let (_, calendars) = app.get("/api/v1/calendars", &lead).await;
    assert_eq!(target["calendar_id"], calendars["items"][0]["id"], "defaults to 24x7");

    let reported = app
        .create(
            "/api/v1/service-targets",
            &lead,
            json!({"requirement_id": uptime, "measure": "reported"}),
        )
        .await;
    assert_eq!(
        (reported["limit"].as_f64(), reported["goal"].clone()),
        (Some(99.5), Value::Null)
    );

    // Refusals, each on its field.
    let cases = [
        (
            json!({"requirement_id": uptime, "measure": "resolution", "goal": 0.9}),
            "measure",
        ),
        (
            json!({"requirement_id": callback, "measure": "resolution", "goal": 1.5}),
            "goal",
        ),
        (
            json!({"requirement_id": callback, "measure": "resolution", "goal": 0}),
            "goal",
        ),
        (json!({"requirement_id": callback, "measure": "resolution"}), "goal"),
        (
            json!({"requirement_id": uptime, "measure": "reported", "goal": 0.5}),
            "goal",
        ),
        (
            json!({"requirement_id": callback, "measure": "sometimes", "goal": 0.5}),
            "measure",
        ),
        (
            json!({"requirement_id": 999999, "measure": "reported"}),
            "requirement_id",
        ),
        (
            json!({"requirement_id": callback, "measure": "resolution", "goal": 0.5, "calendar_id": 999999}),
            "calendar_id",
        ),
        (
            json!({"requirement_id": callback, "segment_id": 999999, "measure": "resolution", "goal": 0.5}),
            "segment_id",
        ),
        (
            json!({"requirement_id": callback, "measure": "resolution", "goal": 0.5, "limit": -1}),
            "limit",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = app.post("/api/v1/service-targets", &lead, body.clone()).await;
        assert_eq!(
            (status, fields(&answer)),
            (422, vec![field.to_owned()]),
            "{body}: {answer}"
        );
    }
    let (facilitator, _) = app.user("facilitator", &[]).await;
    let (status, _) = app
        .post(
            "/api/v1/service-targets",
            &facilitator,
            json!({"requirement_id": uptime, "measure": "reported"}),
        )
        .await;
    assert_eq!(status, 403);

    // Editing keeps the rules: a ticket target cannot lose its goal, a reported one drops it.
    let path = format!("/api/v1/service-targets/{}", id(&target));
    let (status, body) = app.patch(&path, &lead, json!({"goal": null})).await;
    assert_eq!((status, fields(&body)), (422, vec!["goal".to_owned()]));
    let (status, body) = app.patch(&path, &lead, json!({"limit": 10, "priority": "P1"})).await;
    assert_eq!(
        (status, body["limit"].as_f64(), body["priority"].as_str()),
        (200, Some(10.0), Some("P1"))
    );
    let (status, body) = app.patch(&path, &lead, json!({"measure": "reported"})).await;
    assert_eq!((status, body["goal"].clone()), (200, Value::Null), "{body}");

    // Reported figures.
    let m = format!("/api/v1/service-targets/{}/measurements", id(&reported));
    let (status, body) = app.post(&m, &lead, json!({"period": "2026-03", "value": 99.7})).await;
    assert_eq!((status, body["period"].as_str()), (201, Some("2026-03")), "{body}");
    let (status, body) = app.post(&m, &lead, json!({"period": "2026-03", "value": 98})).await;
    assert_eq!((status, code(&body)), (409, "period_exists"));
    let (status, body) = app.post(&m, &lead, json!({"period": "2026-13", "value": 98})).await;
    assert_eq!((status, fields(&body)), (422, vec!["period".to_owned()]));
    let (status, body) = app.patch(&format!("{m}/2026-03"), &lead, json!({"value": 99.1})).await;
    assert_eq!((status, body["value"].as_f64()), (200, Some(99.1)));
    let (status, _) = app.patch(&format!("{m}/2026-04"), &lead, json!({"value": 99.1})).await;
    assert_eq!(status, 404);
    let (status, _) = app.patch(&format!("{m}/March"), &lead, json!({"value": 99.1})).await;
    assert_eq!(status, 400);
    let ticket_target = app
        .create(
            "/api/v1/service-targets",
            &lead,
            json!({"requirement_id": callback, "measure": "resolution", "goal": 0.8}),
        )
        .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/service-targets/{}/measurements", id(&ticket_target)),
            &lead,
            json!({"period": "2026-03", "value": 1}),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "not_reported"));

    let (status, att) = app
        .get(
            &format!(
                "/api/v1/service-targets/{}/attainment?from=2026-02&to=2026-03",
                id(&reported)
            ),
            &lead,
        )
        .await;
    assert_eq!(status, 200, "{att}");
    assert_eq!(
        att["periods"][0],
        json!({"period": "2026-02", "value": null, "status": "no_data"})
    );
    assert_eq!(
        att["periods"][1],
        json!({"period": "2026-03", "value": 99.1, "status": "breached"})
    );
    let (status, _) = app
        .get(
            &format!(
                "/api/v1/service-targets/{}/attainment?from=2026-04&to=2026-03",
                id(&reported)
            ),
            &lead,
        )
        .await;
    assert_eq!(status, 400);

    let (status, _) = app
        .delete(&format!("/api/v1/service-targets/{}", id(&reported)), &lead)
        .await;
    assert_eq!(status, 204);
}

#[actix_web::test]
async fn ticket_import_attainment_and_the_service_report() {
    let app = crate::helpers::spawn_app().await;
    let finance = app.segment("Finance").await;
    let students = app.segment("Students").await;
    let callback = app.requirement("HD-CALLBACK").await;
    let cal = office(&app).await;
    let target = id(&app
        .create(
            "/api/v1/service-targets",
            &app.admin,
            json!({"requirement_id": callback, "segment_id": finance, "measure": "first_response",
                   "limit": 30, "goal": 0.8, "calendar_id": cal}),
        )
        .await);
    let (facilitator, _) = app.user("facilitator", &[]).await;

    // Bad rows: nothing is stored, each fault named by row and column.
    let bad = "ticket,segment,opened_at,first_response_at,resolved_at\n\
        X1,Finance,2026-03-02 09:00,2026-03-02 08:00,\n\
        X2,Nobody,2026-03-02 09:00,,\n\
        X3,Finance,yesterday,,\n\
        X4,Finance,2026-03-02 09:00,,\n";
    let (status, body) = csv(&app, "/api/v1/imports/tickets", &facilitator, bad).await;
    assert_eq!((status, code(&body)), (422, "invalid_rows"), "{body}");
    assert_eq!(
        body["error"]["rows"],
        json!([
            {"row": 2, "column": "first_response_at", "message": "is before opened_at"},
            {"row": 3, "column": "segment", "message": "no segment named \"Nobody\""},
            {"row": 4, "column": "opened_at", "message": "must be RFC 3339 (2026-03-02T08:15:00Z) or YYYY-MM-DD HH:MM[:SS]"},
        ])
    );
    let (status, body) = csv(
        &app,
        "/api/v1/imports/tickets",
        &facilitator,
        "ticket,segment\nA,Finance\n",
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["rows"][0]["column"], "opened_at", "{body}");
    let (status, body) = csv(
        &app,
        "/api/v1/imports/tickets?timezone=Mars/Olympus",
        &facilitator,
        TICKETS,
    )
    .await;
    assert_eq!((status, fields(&body)), (422, vec!["timezone".to_owned()]));
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    assert_eq!(csv(&app, "/api/v1/imports/tickets", &stakeholder, TICKETS).await.0, 403);

    let (status, body) = csv(
        &app,
        "/api/v1/imports/tickets?timezone=Europe/Berlin",
        &facilitator,
        TICKETS,
    )
    .await;
    assert_eq!(
        (status, body.clone()),
        (201, json!({"imported": 5, "updated": 0})),
        "{body}"
    );
    // The same export again changes nothing; an overlapping one updates what changed.
    let (_, body) = csv(
        &app,
        "/api/v1/imports/tickets?timezone=Europe/Berlin",
        &facilitator,
        TICKETS,
    )
    .await;
    assert_eq!(body, json!({"imported": 0, "updated": 0}));
    let newer = TICKETS.replace(
        "F3,FINANCE,2026-03-03 10:00,,,P1",
        "F3,FINANCE,2026-03-03 10:00,2026-03-03 10:10,,P1",
    );
    let (_, body) = csv(
        &app,
        "/api/v1/imports/tickets?timezone=Europe/Berlin",
        &facilitator,
        &newer,
    )
    .await;
    assert_eq!(body, json!({"imported": 0, "updated": 1}));
    // Back to the export where F3 has no response, as multipart this time.
    let boundary = "XyZ123";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n{TICKETS}\r\n--{boundary}--\r\n"
    );
    let (status, bytes, _) = app
        .raw(
            Method::POST,
            "/api/v1/imports/tickets?timezone=Europe/Berlin",
            Some(&app.admin),
            Some((
                &format!("multipart/form-data; boundary={boundary}"),
                multipart.into_bytes(),
            )),
        )
        .await;
    assert_eq!(
        (status, String::from_utf8_lossy(&bytes).into_owned()),
        (201, r#"{"imported":0,"updated":1}"#.to_owned())
    );

    // March: F1 20 met, F2 40 missed, F3 missed (no response, over 30 min), F4 5 met.
    let (status, att) = app
        .get(
            &format!("/api/v1/service-targets/{target}/attainment?from=2026-02&to=2026-03"),
            &app.admin,
        )
        .await;
    assert_eq!(status, 200, "{att}");
    let feb = &att["periods"][0];
    assert_eq!(
        (feb["counted"].as_u64(), feb["status"].as_str()),
        (Some(0), Some("no_data"))
    );
    let march = &att["periods"][1];
    assert_eq!(
        (
            march["counted"].as_u64(),
            march["met"].as_u64(),
            march["pending"].as_u64()
        ),
        (Some(4), Some(2), Some(0)),
        "{march}"
    );
    assert_eq!(
        (march["attainment"].as_f64(), march["status"].as_str()),
        (Some(0.5), Some("breached"))
    );
    assert_eq!(march["median"].as_f64(), Some(30.0), "(20 + 40) / 2");
    assert_eq!(march["goal"].as_f64(), Some(0.8));

    // The report: Finance's target and a general one; the Students see only the general one,
    // counted over their own tickets.
    let general = id(&app
        .create(
            "/api/v1/service-targets",
            &app.admin,
            json!({"requirement_id": callback, "measure": "first_response", "limit": 5, "goal": 0.5}),
        )
        .await);
    let (status, report) = app.get("/api/v1/reports/service?period=2026-03", &app.admin).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["period"], "2026-03");
    assert_eq!(
        report["summary"],
        json!({"targets": 2, "met": 0, "breached": 2, "no_data": 0})
    );
    let item = &report["items"][0];
    assert_eq!(item["target_id"], target);
    assert_eq!(item["requirement"]["key"], "HD-CALLBACK");
    assert_eq!(item["segment"]["name"], "Finance");
    assert_eq!((item["counted"].as_u64(), item["met"].as_u64()), (Some(4), Some(2)));
    assert_eq!(item["trend"], json!([null, null, null, null, null, null]));
    assert_eq!(item["unit"], "min");
    // General, 24x7, 5 minutes: of the five tickets S1 (1 min) and F4 (5 min) are met.
    let general_item = &report["items"][1];
    assert_eq!(
        (general_item["counted"].as_u64(), general_item["met"].as_u64()),
        (Some(5), Some(2))
    );

    let (student, _) = app.user("stakeholder", &[students]).await;
    let (status, theirs) = app.get("/api/v1/reports/service?period=2026-03", &student).await;
    assert_eq!(status, 200);
    assert_eq!(theirs["summary"]["targets"], 1);
    assert_eq!(theirs["items"][0]["target_id"], general);
    assert_eq!(
        (
            theirs["items"][0]["counted"].as_u64(),
            theirs["items"][0]["met"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/reports/service?period=2026-03&segment_id={finance}"),
            &student
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/service-targets/{target}"), &student).await.0,
        404
    );
    let (_, list) = app.get("/api/v1/service-targets", &student).await;
    assert_eq!(list["total"], 1);
    let (_, finance_view) = app
        .get(
            &format!("/api/v1/reports/service?period=2026-03&segment_id={finance}"),
            &stakeholder,
        )
        .await;
    assert_eq!(finance_view["segment"]["name"], "Finance");
    assert_eq!(
        finance_view["items"][1]["counted"], 4,
        "the general target counts Finance's tickets"
    );

    // Downloads.
    let (status, bytes, headers) = app
        .raw(
            Method::GET,
            "/api/v1/reports/service?period=2026-03&format=csv",
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("service-report-2026-03.csv"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with(
            "period,target_id,requirement_key,requirement_title,segment,measure,limit,unit,goal,counted,met"
        ),
        "{text}"
    );
    assert!(text.contains("2026-03,"), "{text}");
    let (_, md, _) = app
        .raw(
            Method::GET,
            "/api/v1/reports/service?period=2026-03&format=md",
            Some(&app.admin),
            None,
        )
        .await;
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("# Service report March 2026"), "{md}");
    assert_eq!(md.matches("<svg").count(), 2, "{md}");
    let (_, html, _) = app
        .raw(
            Method::GET,
            "/api/v1/reports/service?period=2026-03&format=html",
            Some(&app.admin),
            None,
        )
        .await;
    let html = String::from_utf8(html).unwrap();
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("@media print") && html.contains("goal 80 %"), "{html}");

    // The next month's report has March in its trend.
    let (_, april) = app.get("/api/v1/reports/service?period=2026-04", &app.admin).await;
    assert_eq!(april["items"][0]["trend"], json!([null, null, null, null, null, 0.5]));
    assert_eq!(april["items"][0]["status"], "no_data");
}

#[actix_web::test]
async fn targets_from_an_agreed_sla_and_measured_capability() {
    let app = crate::helpers::spawn_app().await;
    let finance = app.segment("Finance").await;
    let callback = app.requirement("HD-CALLBACK").await;
    let named = id(&app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "HD-NAMED", "title": "A named contact", "service_area_id": 8}),
        )
        .await);
    app.finding(callback, finance, "basic").await;
    app.finding(named, finance, "basic").await;
    app.create(
        "/api/v1/assessments",
        &app.admin,
        json!({"requirement_id": callback, "segment_id": finance, "current_value": 20, "assessed_on": "2026-01-15"}),
    )
    .await;
    let sla = id(&app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": finance}))
        .await);
    let (status, body) = app
        .post(
            &format!("/api/v1/sla-drafts/{sla}/service-targets"),
            &app.admin,
            Value::Null,
        )
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "a draft is not agreed");
    for step in ["submit", "approve"] {
        assert_eq!(
            app.post(&format!("/api/v1/sla-drafts/{sla}/{step}"), &app.admin, Value::Null)
                .await
                .0,
            200
        );
    }
    let (status, created) = app
        .post(
            &format!("/api/v1/sla-drafts/{sla}/service-targets"),
            &app.admin,
            Value::Null,
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let created = created.as_array().unwrap().clone();
    assert_eq!(created.len(), 1, "HD-NAMED has no metric: {created:?}");
    assert_eq!(
        (
            created[0]["requirement_id"].as_i64(),
            created[0]["segment_id"].as_i64(),
            created[0]["measure"].as_str(),
            created[0]["limit"].as_f64()
        ),
        (Some(callback), Some(finance), Some("reported"), Some(5.0))
    );
    let (_, again) = app
        .post(
            &format!("/api/v1/sla-drafts/{sla}/service-targets"),
            &app.admin,
            Value::Null,
        )
        .await;
    assert_eq!(
        again,
        json!([]),
        "no second target for the same requirement and segment"
    );

    // Before any figure the assessment is the current capability.
    let (_, gaps) = app
        .get(&format!("/api/v1/reports/gaps?segment_id={finance}"), &app.admin)
        .await;
    let row = |gaps: &Value| gap_row(gaps, "HD-CALLBACK");
    assert_eq!(row(&gaps)["capability_source"], "assessed");
    assert_eq!(row(&gaps)["measured_period"], Value::Null);

    // A reported month after the assessment supplies the value.
    let target = created[0]["id"].as_i64().unwrap();
    app.create(
        &format!("/api/v1/service-targets/{target}/measurements"),
        &app.admin,
        json!({"period": "2026-03", "value": 4}),
    )
    .await;
    let (_, gaps) = app
        .get(&format!("/api/v1/reports/gaps?segment_id={finance}"), &app.admin)
        .await;
    let r = row(&gaps);
    assert_eq!(
        (r["capability_source"].as_str(), r["measured_period"].as_str()),
        (Some("measured"), Some("2026-03")),
        "{r}"
    );
    assert_eq!(r["current_value"].as_f64(), Some(4.0));
    assert_eq!(
        r["source"], "facilitator",
        "source keeps meaning where the classification came from"
    );
    let (_, vp) = app
        .get(&format!("/api/v1/segments/{finance}/value-proposition"), &app.admin)
        .await;
    let item = vp["promises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "HD-CALLBACK")
        .unwrap()
        .clone();
    assert_eq!(
        (item["capability_source"].as_str(), item["measured_period"].as_str()),
        (Some("measured"), Some("2026-03"))
    );
    assert_eq!(item["current"], "4 min");

    // A newer assessment wins again.
    app.create(
        "/api/v1/assessments",
        &app.admin,
        json!({"requirement_id": callback, "segment_id": finance, "current_value": 7, "assessed_on": "2026-04-02"}),
    )
    .await;
    let (_, gaps) = app
        .get(&format!("/api/v1/reports/gaps?segment_id={finance}"), &app.admin)
        .await;
    assert_eq!(row(&gaps)["capability_source"], "assessed");
    assert_eq!(row(&gaps)["current_value"].as_f64(), Some(7.0));
}

/// A general ticket target measures each segment on its own tickets, in the newest month that
/// has a median: Finance's newest month holds only a ticket still within its limit (pending),
/// so the month before it counts (10, 20 and 40 minutes: median 20); the Students' tickets
/// (5 and 7 minutes: median 6) never mix with Finance's. On the 24x7 calendar a duration is
/// the wall-clock time.
#[actix_web::test]
async fn measured_capability_from_tickets_is_each_segments_newest_month_with_a_median() {
    use chrono::{Datelike, Duration, TimeZone, Utc};
    let app = crate::helpers::spawn_app().await;
    let finance = app.segment("Finance").await;
    let students = app.segment("Students").await;
    let callback = app.requirement("HD-CALLBACK").await;
    app.finding(callback, finance, "basic").await;
    app.finding(callback, students, "basic").await;
    let (_, calendars) = app.get("/api/v1/calendars", &app.admin).await;
    let all_day = calendars["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "24x7")
        .map(id)
        .expect("the 24x7 calendar");
    app.create(
        "/api/v1/service-targets",
        &app.admin,
        json!({"requirement_id": callback, "measure": "first_response", "limit": 30, "goal": 0.8,
               "calendar_id": all_day}),
    )
    .await;

    let now = Utc::now();
    let this_month = Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0).unwrap();
    let last_month = this_month - Duration::days(20);
    let last_month = Utc
        .with_ymd_and_hms(last_month.year(), last_month.month(), 10, 9, 0, 0)
        .unwrap();
    let fmt = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let answered = |n: i64, after: i64| {
        let opened = last_month + Duration::hours(n);
        format!("{},{}", fmt(opened), fmt(opened + Duration::minutes(after)))
    };
    let tickets = format!(
        "ticket,segment,opened_at,first_response_at,resolved_at,priority\n\
         F1,Finance,{},,P2\nF2,Finance,{},,P2\nF3,Finance,{},,P2\nF4,Finance,{},,,P2\n\
         S1,Students,{},,P2\nS2,Students,{},,P2\n",
        answered(0, 10),
        answered(1, 40),
        answered(2, 20),
        fmt(now - Duration::minutes(1)),
        answered(3, 5),
        answered(4, 7),
    );
    let (status, body) = csv(&app, "/api/v1/imports/tickets", &app.admin, &tickets).await;
    assert_eq!(status, 201, "{body}");

    let measured = |segment: i64| {
        let app = &app;
        async move {
            let (status, gaps) = app
                .get(&format!("/api/v1/reports/gaps?segment_id={segment}"), &app.admin)
                .await;
            assert_eq!(status, 200, "{gaps}");
            let row = gap_row(&gaps, "HD-CALLBACK");
            (
                row["capability_source"].as_str().map(str::to_owned),
                row["measured_period"].as_str().map(str::to_owned),
                row["current_value"].as_f64(),
            )
        }
    };
    let period = last_month.format("%Y-%m").to_string();
    assert_eq!(
        measured(finance).await,
        (Some("measured".to_owned()), Some(period.clone()), Some(20.0)),
        "Finance: the month before the pending ticket's"
    );
    assert_eq!(
        measured(students).await,
        (Some("measured".to_owned()), Some(period), Some(6.0)),
        "Students: their own tickets only"
    );
}

/// Random tickets over four past months: opened at any hour, a response within 0-900 minutes
/// or none, a resolution within 0-6000 minutes after it or none, some paused minutes, two
/// priorities, two segments. As CSV rows (UTC) and as the domain's tickets.
fn random_tickets(n: usize, seed: u64, label: &str) -> (String, Vec<(String, String, bt::Ticket)>) {
    use chrono::{Duration, TimeZone, Utc};
    let mut x = seed;
    let mut next = move |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let start = Utc.with_ymd_and_hms(2025, 9, 1, 0, 0, 0).unwrap();
    let fmt = |t: &chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut csv = String::from("ticket,segment,opened_at,first_response_at,resolved_at,priority,paused_minutes\n");
    let mut tickets = Vec::new();
    for i in 0..n {
        let opened = start + Duration::seconds(next(122 * 86_400) as i64);
        let response = (next(6) > 0).then(|| opened + Duration::seconds(next(900 * 60) as i64));
        let resolved = response
            .filter(|_| next(5) > 0)
            .map(|r| r + Duration::seconds(next(6000 * 60) as i64));
        let paused = if next(4) == 0 { next(300) as i64 } else { 0 };
        let segment = if next(3) == 0 { "Students" } else { "Finance" };
        let priority = if next(2) == 0 { "P1" } else { "p2" };
        csv.push_str(&format!(
            "{label}{i},{segment},{},{},{},{priority},{paused}\n",
            fmt(&opened),
            response.as_ref().map(fmt).unwrap_or_default(),
            resolved.as_ref().map(fmt).unwrap_or_default(),
        ));
        let ticket = bt::Ticket {
            opened_at: opened,
            first_response_at: response,
            resolved_at: resolved,
            paused_minutes: paused,
        };
        tickets.push((segment.to_owned(), priority.to_lowercase(), ticket));
    }
    (csv, tickets)
}

/// The service's months for a target against the domain's counting rule over the same tickets
/// in memory (`bt::attainment`, the reference): counts, attainment, median and p90 all equal.
#[allow(clippy::too_many_arguments)]
async fn assert_agrees(
    app: &TestApp,
    target: i64,
    cal: &bt::Calendar,
    spec: &bt::TicketTarget,
    tickets: &[(String, String, bt::Ticket)],
    segment: Option<&str>,
    priority: Option<&str>,
    context: &str,
) {
    let (status, body) = app
        .get(
            &format!("/api/v1/service-targets/{target}/attainment?from=2025-08&to=2026-01"),
            &app.admin,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let chosen: Vec<bt::Ticket> = tickets
        .iter()
        .filter(|(s, p, _)| segment.is_none_or(|want| want == s) && priority.is_none_or(|want| want == p))
        .map(|(_, _, t)| *t)
        .collect();
    let now = chrono::Utc::now();
    let periods = body["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), 6);
    let mut counted = 0;
    for month in periods {
        let period = bt::Period::parse(month["period"].as_str().unwrap()).unwrap();
        // Through text, as the response came: serde_json's parser may land a 17-digit number
        // one unit off, the same way on both sides.
        let expected: Value =
            serde_json::from_str(&serde_json::to_string(&bt::attainment(cal, spec, period, &chosen, now)).unwrap())
                .unwrap();
        assert_eq!(month, &expected, "{context}, target {target}, {period}");
        counted += month["counted"].as_u64().unwrap();
    }
    assert!(counted > 20, "{context}: the months hold tickets ({counted})");
}

/// The report reads durations stored per ticket and calendar (aggregate queries), the domain
/// counts tickets in memory: they must agree, for both measures, a segment's and a general
/// target, a priority, an office calendar and 24x7, in minutes and hours, and go on agreeing
/// after an overlapping export changes tickets and after the calendar's hours change.
#[actix_web::test]
async fn stored_durations_agree_with_the_counting_rule() {
    let app = crate::helpers::spawn_app().await;
    let finance = app.segment("Finance").await;
    app.segment("Students").await;
    let minutes = app.requirement("HD-RESPONSE").await;
    let hours = id(&app
        .create(
            "/api/v1/requirements",
            &app.admin,
            json!({"key": "HD-FIX", "title": "Fix", "service_area_id": 8, "metric": "hours to fix",
                   "unit": "h", "direction": "lower_is_better", "target": 8}),
        )
        .await);
    let (csv_text, mut tickets) = random_tickets(400, 0x2545_f491_4f6c_dd1d, "R");
    let (status, body) = csv(&app, "/api/v1/imports/tickets", &app.admin, &csv_text).await;
    assert_eq!(status, 201, "{body}");
    let office_id = office(&app).await; // created after the tickets: its durations are computed then
    let (_, calendars) = app.get("/api/v1/calendars", &app.admin).await;
    let always = calendars["items"][0]["id"].as_i64().unwrap();

    let office_week = |days: &[&str], span: &str| -> std::collections::BTreeMap<String, Vec<String>> {
        days.iter().map(|d| (d.to_string(), vec![span.to_owned()])).collect()
    };
    let weekdays = ["mon", "tue", "wed", "thu", "fri"];
    let office_cal = |span: &str| {
        bt::Calendar::new(
            "Europe/Berlin",
            &office_week(&weekdays, span),
            [chrono::NaiveDate::from_ymd_opt(2026, 4, 3).unwrap()],
        )
        .unwrap()
    };
    let cases = [
        // (requirement, segment, measure, limit, priority, calendar id, unit)
        (
            minutes,
            Some(finance),
            "first_response",
            60.0,
            None,
            office_id,
            bt::TimeUnit::Min,
        ),
        (
            minutes,
            None,
            "first_response",
            30.0,
            Some("P1"),
            always,
            bt::TimeUnit::Min,
        ),
        (hours, None, "resolution", 8.0, None, office_id, bt::TimeUnit::H),
        (
            hours,
            Some(finance),
            "resolution",
            24.0,
            Some("p2"),
            always,
            bt::TimeUnit::H,
        ),
    ];
    let mut targets = Vec::new();
    for (requirement, segment, measure, limit, priority, calendar, unit) in cases {
        let t = id(&app
            .create(
                "/api/v1/service-targets",
                &app.admin,
                json!({"requirement_id": requirement, "segment_id": segment, "measure": measure,
                       "limit": limit, "goal": 0.8, "priority": priority, "calendar_id": calendar}),
            )
            .await);
        let spec = bt::TicketTarget {
            measure: if measure == "first_response" {
                bt::TicketMeasure::FirstResponse
            } else {
                bt::TicketMeasure::Resolution
            },
            limit,
            unit,
            goal: 0.8,
        };
        targets.push((
            t,
            calendar == office_id,
            spec,
            segment.map(|_| "Finance"),
            priority.map(str::to_lowercase),
        ));
    }
    let check = |tickets: Vec<(String, String, bt::Ticket)>, span: &'static str, context: &'static str| {
        let targets = targets.clone();
        let app = &app;
        async move {
            for (t, on_office, spec, segment, priority) in &targets {
                let cal = if *on_office {
                    office_cal(span)
                } else {
                    bt::Calendar::twenty_four_seven()
                };
                assert_agrees(app, *t, &cal, spec, &tickets, *segment, priority.as_deref(), context).await;
            }
        }
    };
    check(tickets.clone(), "08:00-17:00", "after the import").await;

    // An overlapping export: the first 150 tickets again with other times, and 50 new ones.
    let (again, changed) = random_tickets(150, 0x9e37_79b9_7f4a_7c15, "R");
    let (fresh, added) = random_tickets(50, 0x1234_5678_9abc_def1, "N");
    // Then, in the same file, R1 (known) and N0 (new in this file) once more with other times:
    // the last row of a ticket is the one kept, with one set of durations.
    let (twice_known, known_again) = random_tickets(2, 0x0bad_cafe_f00d_d00d, "R");
    let (twice_new, new_again) = random_tickets(1, 0x0dd_ba11_5eed_1e55, "N");
    let body_of = |csv: &str| {
        csv.split_once('\n')
            .map(|(_, rows)| rows.to_owned())
            .unwrap_or_default()
    };
    let export = format!(
        "{again}{}{}{}",
        body_of(&fresh),
        body_of(&twice_known)
            .lines()
            .nth(1)
            .map(|l| format!("{l}\n"))
            .unwrap_or_default(),
        body_of(&twice_new)
    );
    let (status, body) = csv(&app, "/api/v1/imports/tickets", &app.admin, &export).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["imported"], 50);
    assert!(body["updated"].as_u64().unwrap() > 140, "{body}");
    for (i, t) in changed.into_iter().enumerate() {
        tickets[i] = t;
    }
    tickets.extend(added);
    tickets[1] = known_again[1].clone();
    let n0 = tickets.len() - 50;
    tickets[n0] = new_again[0].clone();
    check(tickets.clone(), "08:00-17:00", "after an overlapping import").await;

    // Shorter office hours: every ticket's durations under that calendar are recomputed.
    let (status, body) = app
        .patch(
            &format!("/api/v1/calendars/{office_id}"),
            &app.admin,
            json!({"week": office_week(&weekdays, "09:00-15:30")}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    check(tickets, "09:00-15:30", "after the calendar changed").await;
}
