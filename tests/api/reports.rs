//! The gap report and the value proposition on a small hand-computed data set.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

struct World {
    finance: i64,
    students: i64,
}

fn answers(segment_id: i64) -> Value {
    // 6 O (importance 5), 3 M (importance 3), 1 A: category M by Fong's rule, Worse −0.9.
    let mut items = Vec::new();
    for i in 0..6 {
        items.push(json!({"respondent": format!("o{i}"), "segment_id": segment_id, "functional": "like", "dysfunctional": "dislike", "importance": 5}));
    }
    for i in 0..3 {
        items.push(json!({"respondent": format!("m{i}"), "segment_id": segment_id, "functional": "neutral", "dysfunctional": "dislike", "importance": 3}));
    }
    items.push(json!({"respondent": "a0", "segment_id": segment_id, "functional": "like", "dysfunctional": "neutral"}));
    Value::Array(items)
}

async fn requirement(app: &TestApp, body: Value) -> i64 {
    app.create("/api/v1/requirements", &app.admin, body).await["id"]
        .as_i64()
        .unwrap()
}

async fn assess(app: &TestApp, body: Value) {
    app.create("/api/v1/assessments", &app.admin, body).await;
}

/// Finance (weight 2) and Students (weight 1), six requirements, every kind of row.
async fn world(app: &TestApp) -> World {
    let finance = app
        .create(
            "/api/v1/segments",
            &app.admin,
            json!({"name": "Finance", "weight": 2, "ambassador": "Dana Reyes"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let students = app
        .create("/api/v1/segments", &app.admin, json!({"name": "Students", "weight": 1}))
        .await["id"]
        .as_i64()
        .unwrap();
    let callback = app.requirement("HD-CALLBACK").await; // lower is better, target 5 min
    let first_fix = requirement(
        app,
        json!({"key": "HD-FIRSTFIX", "title": "Fixed at first contact", "service_area_id": 8}),
    )
    .await;
    let uptime = requirement(
        app,
        json!({"key": "OPS-UPTIME", "title": "Systems available", "service_area_id": 6,
        "metric": "availability", "unit": "%", "direction": "higher_is_better", "target": 99}),
    )
    .await;
    let video = requirement(
        app,
        json!({"key": "TR-VIDEO", "title": "Video tutorials", "service_area_id": 7}),
    )
    .await;
    let password = requirement(
        app,
        json!({"key": "SEC-30DAYS", "title": "Password change every 30 days", "service_area_id": 6}),
    )
    .await;
    let newsletter = requirement(
        app,
        json!({"key": "UR-NEWSLETTER", "title": "IT newsletter", "service_area_id": 3}),
    )
    .await;

    app.finding(callback, finance, "basic").await; // importance 4
    app.finding(uptime, finance, "basic").await;
    app.finding(video, finance, "delighter").await;
    app.create(
        &format!("/api/v1/requirements/{first_fix}/responses"),
        &app.admin,
        answers(finance),
    )
    .await;
    app.finding(callback, students, "satisfier").await;
    app.finding(password, students, "reverse").await;
    app.finding(newsletter, students, "indifferent").await;

    assess(
        app,
        json!({"requirement_id": callback, "current_value": 40, "assessed_on": "2026-06-01"}),
    )
    .await; // superseded
    assess(
        app,
        json!({"requirement_id": callback, "current_value": 20, "assessed_on": "2026-10-01"}),
    )
    .await;
    assess(
        app,
        json!({"requirement_id": callback, "segment_id": students, "current_value": 10, "assessed_on": "2026-10-01"}),
    )
    .await;
    assess(
        app,
        json!({"requirement_id": first_fix, "fulfilment": 0.6, "assessed_on": "2026-10-01"}),
    )
    .await;
    assess(
        app,
        json!({"requirement_id": uptime, "current_value": 99.5, "assessed_on": "2026-10-01"}),
    )
    .await;
    World { finance, students }
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|a| (a - expected).abs() < 1e-9)
}

fn keys(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["requirement"]["key"].as_str().unwrap(),
                r["segment"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[actix_web::test]
async fn gaps_are_ranked_by_tier_then_score_with_their_parts() {
    let app = spawn_app().await;
    world(&app).await;
    let (lead, _) = app.user("leadership", &[]).await;
    let (status, report) = app.get("/api/v1/reports/gaps", &lead).await;
    assert_eq!(status, 200, "{report}");
    // HD-FIRSTFIX: 0.4 × (39/9)/5 × 2 × 0.9 = 0.624; HD-CALLBACK/Finance: 0.75 × 0.8 × 2 × 0.5 = 0.6;
    // HD-CALLBACK/Students (satisfier): 0.5 × 0.8 × 1 × 0.5 = 0.2; TR-VIDEO (delighter): 1 × 0.8 × 2 × 0.5 = 0.8,
    // ranked last all the same: no delighter makes up for a missing basic need.
    assert_eq!(
        keys(&report["rows"]),
        vec![
            "HD-FIRSTFIX/Finance",
            "HD-CALLBACK/Finance",
            "HD-CALLBACK/Students",
            "TR-VIDEO/Finance"
        ]
    );
    let rows = report["rows"].as_array().unwrap();
    let ranks: Vec<i64> = rows.iter().map(|r| r["rank"].as_i64().unwrap()).collect();
    assert_eq!(ranks, vec![1, 2, 3, 4]);
    let tiers: Vec<i64> = rows.iter().map(|r| r["tier"].as_i64().unwrap()).collect();
    assert_eq!(tiers, vec![1, 1, 2, 3]);

    let first = &rows[0];
    assert!(close(&first["score"], 0.4 * (39.0 / 9.0) / 5.0 * 2.0 * 0.9), "{first}");
    assert_eq!(
        (first["source"].as_str(), first["category_name"].as_str()),
        (Some("questionnaire"), Some("basic"))
    );
    assert_eq!(first["score_parts"]["kano_effect_basis"], "worse");
    assert!(close(&first["score_parts"]["kano_effect"], 0.9));

    let callback = &rows[1];
    assert!(close(&callback["score"], 0.6));
    assert_eq!(
        callback["score_parts"],
        json!({"gap": 0.75, "importance": 4.0, "importance_factor": 0.8, "segment_weight": 2.0, "kano_effect": 0.5, "kano_effect_basis": "default"})
    );
    assert!(close(&callback["fulfilment"], 0.25), "5 min target / 20 min today");
    assert_eq!(
        (callback["current_value"].as_f64(), callback["target"].as_f64()),
        (Some(20.0), Some(5.0))
    );
    assert_eq!(callback["assessed_on"], "2026-10-01", "the newest assessment wins");
    assert_eq!(callback["requirement"]["title"], "Requirement HD-CALLBACK");
    assert!(
        close(&rows[2]["gap"], 0.5),
        "the segment-specific assessment beats the general one"
    );

    let video = &rows[3];
    assert_eq!(
        (
            video["assessed"].as_bool(),
            video["gap"].as_f64(),
            video["fulfilment"].as_f64()
        ),
        (Some(false), Some(1.0), Some(0.0))
    );

    assert_eq!(keys(&report["met"]), vec!["OPS-UPTIME/Finance"]);
    assert_eq!(keys(&report["not_ranked"]), vec!["UR-NEWSLETTER/Students"]);
    assert_eq!(keys(&report["do_not_build"]), vec!["SEC-30DAYS/Students"]);

    let finance = report["by_segment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Finance")
        .unwrap();
    assert_eq!(
        (
            finance["basic_needs"].as_u64(),
            finance["delighters"].as_u64(),
            finance["met"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert!(close(&finance["total_score"], 0.624 + 0.6 + 0.8));
    let helpdesk = report["by_service_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Helpdesk support")
        .unwrap();
    assert_eq!(helpdesk["ranked"], 3);
}

#[actix_web::test]
async fn filters_narrow_the_report_and_keep_ranks() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (_, students) = app
        .get(&format!("/api/v1/reports/gaps?segment_id={}", w.students), &app.admin)
        .await;
    assert_eq!(keys(&students["rows"]), vec!["HD-CALLBACK/Students"]);
    assert_eq!(students["rows"][0]["rank"], 1, "ranked among the segment's own gaps");
    let (_, tier1) = app.get("/api/v1/reports/gaps?tier=1", &app.admin).await;
    assert_eq!(keys(&tier1["rows"]), vec!["HD-FIRSTFIX/Finance", "HD-CALLBACK/Finance"]);
    assert_eq!(keys(&tier1["met"]), vec!["OPS-UPTIME/Finance"]);
    assert_eq!(tier1["not_ranked"], json!([]));
    let (_, tier3) = app.get("/api/v1/reports/gaps?tier=3", &app.admin).await;
    assert_eq!(tier3["rows"][0]["rank"], 4, "ranks mean the same in every view");
    let (_, training) = app.get("/api/v1/reports/gaps?service_area_id=7", &app.admin).await;
    assert_eq!(keys(&training["rows"]), vec!["TR-VIDEO/Finance"]);
    for (query, status) in [
        ("tier=4", 400),
        ("tier=x", 400),
        ("format=pdf", 400),
        ("segment_id=999", 404),
        ("service_area_id=999", 404),
        ("colour=1", 400),
    ] {
        assert_eq!(
            app.get(&format!("/api/v1/reports/gaps?{query}"), &app.admin).await.0,
            status,
            "{query}"
        );
    }
}

/// Replaces the one thing that changes between runs, the generation time
/// (`YYYY-MM-DD HH:MM UTC`), with `<timestamp>`; the rest of the "Generated" line (the filters,
/// the ambassador) stays in the snapshot.
fn redact(text: &str) -> String {
    const SHAPE: &[u8] = b"dddd-dd-dd dd:dd UTC";
    let matches = |w: &[u8]| {
        w.iter()
            .zip(SHAPE)
            .all(|(c, s)| if *s == b'd' { c.is_ascii_digit() } else { c == s })
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut redacted = 0;
    while i < bytes.len() {
        if bytes.len() - i >= SHAPE.len() && matches(&bytes[i..i + SHAPE.len()]) {
            out.push_str("<timestamp>");
            i += SHAPE.len();
            redacted += 1;
        } else {
            let c = text[i..].chars().next().expect("a char boundary");
            out.push(c);
            i += c.len_utf8();
        }
    }
    assert_eq!(redacted, 1, "one generation time in the document:\n{text}");
    out
}

#[test]
fn redact_hides_only_the_time() {
    assert_eq!(
        redact("# T\nGenerated 2026-11-20 09:41 UTC · Segment Finance · tier 1\nheld 2026-11-02"),
        "# T\nGenerated <timestamp> · Segment Finance · tier 1\nheld 2026-11-02"
    );
}

#[actix_web::test]
async fn gap_report_formats() {
    let app = spawn_app().await;
    world(&app).await;
    let get = |path: &'static str, accept: Option<&'static str>| {
        let app = &app;
        async move {
            let mut req = awc::Client::default()
                .get(format!("{}{path}", app.base))
                .insert_header(("Authorization", format!("Bearer {}", app.admin)));
            if let Some(a) = accept {
                req = req.insert_header(("Accept", a));
            }
            let mut resp = req.send().await.unwrap();
            let body = resp.body().limit(8 << 20).await.unwrap();
            (
                resp.status().as_u16(),
                resp.headers().clone(),
                String::from_utf8(body.to_vec()).unwrap(),
            )
        }
    };
    let (status, headers, csv) = get("/api/v1/reports/gaps", Some("text/csv")).await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("gap-report.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("rank,placement,tier,requirement_key"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines.len(),
        1 + 7,
        "four ranked, one met, one not ranked, one do-not-build"
    );
    assert!(lines[1].starts_with("1,ranked,1,HD-FIRSTFIX,"), "{}", lines[1]);

    let (_, _, md) = get("/api/v1/reports/gaps?format=md", None).await;
    assert!(
        md.contains("| 2 | basic need | HD-CALLBACK Requirement HD-CALLBACK | Finance |"),
        "{md}"
    );
    insta::assert_snapshot!("gap_report_md", redact(&md));
    // A filtered report names its filters on the "Generated" line; the snapshot keeps them.
    let (_, _, filtered) = get("/api/v1/reports/gaps?format=md&tier=1&service_area_id=8", None).await;
    insta::assert_snapshot!("gap_report_md_filtered", redact(&filtered));

    let (status, headers, html) = get("/api/v1/reports/gaps?format=html", None).await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "gap by segment, by service area, Kano diagram"
    );
    assert!(html.contains("@media print"));
    insta::assert_snapshot!("gap_report_html", redact(&html));
}

#[actix_web::test]
async fn who_may_read_reports() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for role in ["leadership", "facilitator"] {
        let (token, _) = app.user(role, &[]).await;
        assert_eq!(app.get("/api/v1/reports/gaps", &token).await.0, 200, "{role}");
    }
    let (stakeholder, _) = app.user("stakeholder", &[w.finance]).await;
    assert_eq!(app.get("/api/v1/reports/gaps", &stakeholder).await.0, 403);
    assert_eq!(
        app.get(
            &format!("/api/v1/reports/gaps?segment_id={}&format=csv", w.finance),
            &stakeholder
        )
        .await
        .0,
        403
    );
    assert_eq!(app.call(Method::GET, "/api/v1/reports/gaps", None, None).await.0, 401);
}

#[actix_web::test]
async fn value_proposition_for_the_segment() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (cfo, _) = app.user("stakeholder", &[w.finance]).await;
    let (status, vp) = app
        .get(&format!("/api/v1/segments/{}/value-proposition", w.finance), &cfo)
        .await;
    assert_eq!(status, 200, "{vp}");
    let keys = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&vp["promises"]),
        vec!["HD-FIRSTFIX", "HD-CALLBACK", "OPS-UPTIME"],
        "in order of work, met last"
    );
    assert_eq!(keys(&vp["improving"]), Vec::<String>::new());
    assert_eq!(keys(&vp["exploring"]), vec!["TR-VIDEO"]);
    assert_eq!(vp["summary"], "IT fully delivers 1 of the 3 basic needs Finance named.");
    assert_eq!(vp["promises"][1]["current"], "20 min");
    assert_eq!(vp["promises"][1]["target_text"], "at most 5 min");
    assert_eq!(vp["promises"][1]["bar_percent"], 25);
    assert_eq!(vp["sla"], Value::Null);

    app.create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": w.finance}))
        .await;
    let (_, vp) = app
        .get(&format!("/api/v1/segments/{}/value-proposition", w.finance), &cfo)
        .await;
    assert_eq!(
        (vp["sla"]["version"].as_i64(), vp["sla"]["status"].as_str()),
        (Some(1), Some("draft"))
    );

    let (status, md, _) = app
        .raw(
            Method::GET,
            &format!("/api/v1/segments/{}/value-proposition?format=md", w.finance),
            Some(&cfo),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.starts_with("# What IT promises Finance") && md.contains("Version 1: Draft."),
        "{md}"
    );
    insta::assert_snapshot!("value_proposition_md", redact(&md));
    let (_, html, _) = app
        .raw(
            Method::GET,
            &format!("/api/v1/segments/{}/value-proposition?format=html", w.finance),
            Some(&cfo),
            None,
        )
        .await;
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains(r#"<span class="fill" style="width: 25%"></span>"#),
        "{html}"
    );
    insta::assert_snapshot!("value_proposition_html", redact(&html));

    // Another segment's stakeholder sees nothing of it.
    let (student, _) = app.user("stakeholder", &[w.students]).await;
    assert_eq!(
        app.get(&format!("/api/v1/segments/{}/value-proposition", w.finance), &student)
            .await
            .0,
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/segments/{}/value-proposition", w.students), &student)
            .await
            .0,
        200
    );
}
