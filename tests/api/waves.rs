//! Survey waves, how sure each Kano number is, the life cycle between waves, contested
//! requirements and the gap trend (issue 15), on hand-computed examples.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{code, fields, spawn_app, spawn_app_from, test_settings, TestApp};

/// Answer pairs per category: A like/neutral, O like/dislike, M neutral/dislike, I neutral/neutral.
const A: (&str, &str) = ("like", "neutral");
const O: (&str, &str) = ("like", "dislike");
const M: (&str, &str) = ("neutral", "dislike");
const I: (&str, &str) = ("neutral", "neutral");

/// Posts `n` answers of each pair for one segment and wave; respondent ids carry `tag`.
async fn answer(
    app: &TestApp,
    requirement: i64,
    segment: i64,
    session: Option<i64>,
    tag: &str,
    mix: &[((&str, &str), usize)],
) {
    let mut items = Vec::new();
    for (k, ((f, d), n)) in mix.iter().enumerate() {
        for i in 0..*n {
            items.push(json!({"respondent": format!("{tag}-{k}-{i}"), "segment_id": segment, "session_id": session, "functional": f, "dysfunctional": d}));
        }
    }
    let (status, body) = app
        .post(
            &format!("/api/v1/requirements/{requirement}/responses"),
            &app.admin,
            Value::Array(items),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

async fn wave(app: &TestApp, kind: &str, title: &str, held_on: &str, segments: &[i64]) -> i64 {
    app.create(
        "/api/v1/sessions",
        &app.admin,
        json!({"kind": kind, "title": title, "held_on": held_on, "segment_ids": segments}),
    )
    .await["id"]
        .as_i64()
        .expect("id")
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|a| (a - expected).abs() < 1e-4)
}

#[actix_web::test]
async fn a_wave_restricts_the_results_and_every_result_says_how_sure_it_is() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    let w1 = wave(&app, "survey", "2025 survey", "2025-10-01", &[finance]).await;
    let w2 = wave(&app, "survey", "2026 survey", "2026-10-01", &[finance]).await;
    let interview = wave(&app, "interview", "Interview", "2026-02-01", &[finance]).await;
    answer(&app, r, finance, Some(w1), "w1", &[(A, 8), (O, 2)]).await;
    answer(&app, r, finance, Some(w2), "w2", &[(A, 2), (O, 8)]).await;
    answer(&app, r, finance, None, "none", &[(I, 1)]).await;

    let (status, list) = app.get(&format!("/api/v1/kano?session_id={w1}"), &app.admin).await;
    assert_eq!(status, 200, "{list}");
    let k = &list["items"][0];
    assert_eq!(
        (k["n"].as_u64(), k["category"].as_str(), k["session_id"].as_i64()),
        (Some(10), Some("A"), Some(w1))
    );
    // Better 10/10: Wilson [n/(n + z²), 1] = [10/13.841459, 1] = [0.722467, 1].
    assert!(
        close(&k["better_ci95"][0], 0.722_467) && close(&k["better_ci95"][1], 1.0),
        "{k}"
    );
    // |Worse| 2/10: centre (0.2 + 0.192073)/1.384146 = 0.283262, half 1.959964·√(0.016 + 0.009604)/1.384146
    // = 0.226578 → [0.056684, 0.509840]; Worse is negative: [−0.509840, −0.056684].
    assert!(
        close(&k["worse_ci95"][0], -0.509_840) && close(&k["worse_ci95"][1], -0.056_684),
        "{k}"
    );
    assert_eq!(k["low_sample"], true, "10 answers < 30");

    let (_, k) = app
        .get(
            &format!("/api/v1/requirements/{r}/kano?session_id={w2}&segment_id={finance}"),
            &app.admin,
        )
        .await;
    assert_eq!((k["n"].as_u64(), k["category"].as_str()), (Some(10), Some("O")), "{k}");
    // Every answer, with no wave: 21.
    let (_, k) = app.get(&format!("/api/v1/requirements/{r}/kano"), &app.admin).await;
    assert_eq!((k["n"].as_u64(), k["session_id"].is_null()), (Some(21), true), "{k}");
    assert!(k["better_ci95"].is_array() && k["low_sample"] == true);

    // Refusals: a session that is not a survey, a session that does not exist.
    for path in [
        format!("/api/v1/kano?session_id={interview}"),
        format!("/api/v1/requirements/{r}/kano?session_id={interview}"),
    ] {
        let (status, body) = app.get(&path, &app.admin).await;
        assert_eq!(
            (status, fields(&body)),
            (422, vec!["session_id".to_owned()]),
            "{path}: {body}"
        );
    }
    let (status, body) = app.get("/api/v1/kano?session_id=999999", &app.admin).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, _) = app.get("/api/v1/kano?session_id=abc", &app.admin).await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn the_minimum_sample_is_a_setting() {
    let (mut settings, dir, pg) = test_settings();
    settings.kano_min_sample = 5;
    let app = spawn_app_from(settings, dir, pg).await;
    let finance = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    answer(&app, r, finance, None, "x", &[(M, 5)]).await;
    let (_, k) = app.get(&format!("/api/v1/requirements/{r}/kano"), &app.admin).await;
    assert_eq!(k["low_sample"], false, "5 answers meet a minimum of 5: {k}");
}

#[actix_web::test]
async fn history_and_transitions_show_a_fading_delighter() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (r, s) = (app.requirement("DS-SSO").await, app.requirement("HD-UPTIME").await);
    // Created out of date order: the history follows held_on, not ids.
    let later = wave(&app, "survey", "2026 survey", "2026-10-01", &[finance]).await;
    let earlier = wave(&app, "survey", "2025 survey", "2025-10-01", &[finance]).await;
    let interview = wave(&app, "interview", "Interview", "2026-02-01", &[finance]).await;
    answer(&app, r, finance, Some(earlier), "e", &[(A, 30), (O, 5)]).await;
    answer(&app, r, finance, Some(later), "l", &[(A, 5), (O, 30)]).await;
    answer(&app, s, finance, Some(earlier), "e", &[(M, 20), (I, 2)]).await;
    answer(&app, s, finance, Some(later), "l", &[(M, 25), (I, 1)]).await;

    let (status, h) = app
        .get(
            &format!("/api/v1/requirements/{r}/kano/history?segment_id={finance}"),
            &app.admin,
        )
        .await;
    assert_eq!(status, 200, "{h}");
    let waves = h["waves"].as_array().cloned().unwrap_or_default();
    let order: Vec<(i64, &str)> = waves
        .iter()
        .map(|w| {
            (
                w["session_id"].as_i64().unwrap_or(0),
                w["category"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(order, vec![(earlier, "A"), (later, "O")], "{h}");
    assert_eq!(
        (waves[0]["held_on"].as_str(), waves[0]["n"].as_u64()),
        (Some("2025-10-01"), Some(35))
    );
    assert!(waves[0]["better_ci95"].is_array() && waves[0]["worse_ci95"].is_array());
    assert_eq!(waves[0]["low_sample"], false);

    let (status, t) = app
        .get(
            &format!("/api/v1/kano/transitions?from={earlier}&to={later}"),
            &app.admin,
        )
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["matrix"]["A"]["O"], 1);
    assert_eq!(t["matrix"]["M"]["M"], 1);
    assert_eq!(t["matrix"]["A"]["A"], 0);
    assert_eq!(t["requirements"], 2);
    assert_eq!(t["fading_delighters"], json!([r]));
    let moved = &t["moved"][0];
    assert_eq!(t["moved"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        (
            moved["requirement"]["key"].as_str(),
            moved["from"].as_str(),
            moved["to"].as_str()
        ),
        (Some("DS-SSO"), Some("A"), Some("O"))
    );
    // Better stays 35/35; Worse goes from −5/35 to −30/35: change −25/35.
    assert!(
        close(&moved["better_change"], 0.0) && close(&moved["worse_change"], -25.0 / 35.0),
        "{moved}"
    );
    assert_eq!(moved["significant"], true);
    // One segment, the same here.
    let (_, one) = app
        .get(
            &format!("/api/v1/kano/transitions?from={earlier}&to={later}&segment_id={finance}"),
            &app.admin,
        )
        .await;
    assert_eq!(one["fading_delighters"], json!([r]));
    // Backwards: nothing fades.
    let (_, back) = app
        .get(
            &format!("/api/v1/kano/transitions?from={later}&to={earlier}"),
            &app.admin,
        )
        .await;
    assert_eq!(
        (back["matrix"]["O"]["A"].as_u64(), back["fading_delighters"].clone()),
        (Some(1), json!([]))
    );

    // Refusals.
    let (status, body) = app
        .get(&format!("/api/v1/kano/transitions?from={later}&to={later}"), &app.admin)
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["to".to_owned()]), "{body}");
    let (status, body) = app
        .get(
            &format!("/api/v1/kano/transitions?from={interview}&to={later}"),
            &app.admin,
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["from".to_owned()]), "{body}");
    let (status, _) = app
        .get(&format!("/api/v1/kano/transitions?from=999999&to={later}"), &app.admin)
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get(&format!("/api/v1/kano/transitions?from={earlier}"), &app.admin)
        .await;
    assert_eq!(status, 400, "to is required");
    let (status, _) = app.get("/api/v1/requirements/999999/kano/history", &app.admin).await;
    assert_eq!(status, 404);

    // The life-cycle page shows the arrows, the matrix and the fading delighter.
    let (status, html, _) = app
        .raw(
            Method::GET,
            &format!("/kano/lifecycle?from={earlier}&to={later}"),
            Some(&app.admin),
            None,
        )
        .await;
    let html = String::from_utf8_lossy(&html);
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(r#"id="fading-delighters""#) && html.contains("<strong>DS-SSO</strong>"),
        "{html}"
    );
    assert!(html.contains(r#"class="arrow fading""#) && html.contains(r#"id="transition-matrix""#));
    let (status, html, _) = app
        .raw(
            Method::GET,
            &format!("/kano/lifecycle?from={later}&to={later}"),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&html).contains("Choose two different waves"));
    // The results page: a wave selector, whiskers on the diagram.
    let (status, html, _) = app
        .raw(
            Method::GET,
            &format!("/kano?session_id={earlier}"),
            Some(&app.admin),
            None,
        )
        .await;
    let html = String::from_utf8_lossy(&html);
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"id="session_id""#) && html.contains(r#"class="ci""#),
        "{html}"
    );
}

#[actix_web::test]
async fn segments_that_disagree_are_contested() {
    let app = spawn_app().await;
    let (finance, sales) = (app.segment("Finance").await, app.segment("Sales").await);
    let r = app.requirement("HD-CALLBACK").await;
    let agreed = app.requirement("HD-FIRST-FIX").await;
    let w = wave(&app, "survey", "2026 survey", "2026-10-01", &[finance, sales]).await;
    answer(&app, r, finance, Some(w), "f", &[(M, 30), (O, 5)]).await;
    answer(&app, r, sales, Some(w), "s", &[(A, 30), (I, 5)]).await;
    answer(&app, agreed, finance, Some(w), "f", &[(O, 30), (M, 5)]).await;
    answer(&app, agreed, sales, Some(w), "s", &[(O, 31), (M, 4)]).await;

    for path in [
        "/api/v1/kano/contested".to_owned(),
        format!("/api/v1/kano/contested?session_id={w}"),
    ] {
        let (status, c) = app.get(&path, &app.admin).await;
        assert_eq!(status, 200, "{c}");
        let items = c["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "{c}");
        assert_eq!(items[0]["requirement"]["id"], r);
        assert!(items[0]["p_value"].as_f64().is_some_and(|p| p < 0.05));
        let cats: Vec<(&str, &str)> = items[0]["segments"]
            .as_array()
            .map(|s| {
                s.iter()
                    .map(|s| {
                        (
                            s["segment"]["name"].as_str().unwrap_or(""),
                            s["category"].as_str().unwrap_or(""),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            cats.contains(&("Finance", "M")) && cats.contains(&("Sales", "A")),
            "{c}"
        );
    }
    // Gap report rows say so.
    let (_, report) = app.get("/api/v1/reports/gaps", &app.admin).await;
    let rows: Vec<&Value> = report["rows"]
        .as_array()
        .map(|r| r.iter().collect())
        .unwrap_or_default();
    assert!(!rows.is_empty());
    for row in rows {
        assert_eq!(row["contested"], row["requirement"]["id"] == json!(r), "{row}");
    }
    // A Finance stakeholder: told another segment sees it differently, never which or how.
    let (cfo, _) = app.user("stakeholder", &[finance]).await;
    let (status, vp) = app
        .get(&format!("/api/v1/segments/{finance}/value-proposition"), &cfo)
        .await;
    assert_eq!(status, 200);
    let promise = vp["promises"]
        .as_array()
        .and_then(|p| p.iter().find(|i| i["key"] == "HD-CALLBACK"))
        .cloned();
    assert_eq!(
        promise.as_ref().map(|p| p["seen_differently"].clone()),
        Some(json!(true)),
        "{vp}"
    );
    assert!(!vp.to_string().contains("Sales"), "{vp}");
    let (_, md, _) = app
        .raw(
            Method::GET,
            &format!("/api/v1/segments/{finance}/value-proposition?format=md"),
            Some(&cfo),
            None,
        )
        .await;
    assert!(String::from_utf8_lossy(&md).contains("Another segment sees this requirement differently"));
    // …and sees no contest between its own single segment.
    let (status, c) = app.get("/api/v1/kano/contested", &cfo).await;
    assert_eq!((status, c["items"].clone()), (200, json!([])));
    // The page: facilitators and leadership, not stakeholders.
    let (facilitator, _) = app.user("facilitator", &[]).await;
    let (status, html, _) = app.raw(Method::GET, "/kano/contested", Some(&facilitator), None).await;
    assert_eq!(status, 200);
    let html = String::from_utf8_lossy(&html);
    assert!(
        html.contains(r#"<td rowspan="2"><strong>HD-CALLBACK</strong>"#),
        "{html}"
    );
    let (status, _, _) = app.raw(Method::GET, "/kano/contested", Some(&cfo), None).await;
    assert_eq!(status, 403);
}

#[actix_web::test]
async fn a_larger_minimum_sample_leaves_nothing_contested() {
    let (mut settings, dir, pg) = test_settings();
    settings.kano_min_sample = 36;
    let app = spawn_app_from(settings, dir, pg).await;
    let (finance, sales) = (app.segment("Finance").await, app.segment("Sales").await);
    let r = app.requirement("HD-CALLBACK").await;
    answer(&app, r, finance, None, "f", &[(M, 30), (O, 5)]).await;
    answer(&app, r, sales, None, "s", &[(A, 30), (I, 5)]).await;
    let (_, c) = app.get("/api/v1/kano/contested", &app.admin).await;
    assert_eq!((c["items"].clone(), c["min_sample"].clone()), (json!([]), json!(36)));
}

#[actix_web::test]
async fn the_gap_trend_replays_the_assessment_history() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    app.finding(r, finance, "basic").await;
    for (segment, fulfilment, on) in [
        (None, 0.2, "2026-01-15"),
        (Some(finance), 0.6, "2026-03-31"),
        (None, 0.9, "2026-04-01"),
    ] {
        app.create(
            "/api/v1/assessments",
            &app.admin,
            json!({"requirement_id": r, "segment_id": segment, "fulfilment": fulfilment, "assessed_on": on}),
        )
        .await;
    }
    let path = format!("/api/v1/reports/gaps/trend?segment_id={finance}&requirement_id={r}&from=2025-12&to=2026-04");
    let (status, t) = app.get(&path, &app.admin).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["series"].as_array().map(Vec::len), Some(1), "{t}");
    let s = &t["series"][0];
    assert_eq!(
        (
            s["requirement"]["key"].as_str(),
            s["segment"]["name"].as_str(),
            s["category"].as_str()
        ),
        (Some("HD-CALLBACK"), Some("Finance"), Some("M"))
    );
    let points: Vec<(String, Option<f64>)> = s["points"]
        .as_array()
        .map(|p| {
            p.iter()
                .map(|p| (p["period"].as_str().unwrap_or("").to_owned(), p["gap"].as_f64()))
                .collect()
        })
        .unwrap_or_default();
    let expected = [
        ("2025-12", None),
        ("2026-01", Some(0.8)),
        ("2026-02", Some(0.8)),
        ("2026-03", Some(0.4)),
        ("2026-04", Some(0.4)),
    ];
    assert_eq!(points.len(), expected.len(), "{t}");
    for ((period, gap), (want_period, want_gap)) in points.iter().zip(expected) {
        assert_eq!(period, want_period);
        assert!(
            match (gap, want_gap) {
                (None, None) => true,
                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                _ => false,
            },
            "{period}: {gap:?} vs {want_gap:?}"
        );
    }
    // A single month is a range; no range is the last twelve months.
    let (status, one) = app
        .get(
            &format!("/api/v1/reports/gaps/trend?from=2026-03&to=2026-03&requirement_id={r}"),
            &app.admin,
        )
        .await;
    assert_eq!(
        (status, one["series"][0]["points"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let (_, default) = app.get("/api/v1/reports/gaps/trend", &app.admin).await;
    assert_eq!(
        default["series"][0]["points"].as_array().map(Vec::len),
        Some(12),
        "{default}"
    );
    let (status, _) = app
        .get("/api/v1/reports/gaps/trend?from=2016-12&to=2026-11", &app.admin)
        .await;
    assert_eq!(status, 200, "120 months are allowed");

    // Refusals.
    for (query, field) in [
        ("from=2026-13&to=2026-12", "from"),
        ("from=2026-1&to=2026-12", "from"),
        ("from=2026-01&to=soon", "to"),
        ("from=2026-05&to=2026-04", "from"),
        ("from=2016-11&to=2026-11", "from"),
    ] {
        let (status, body) = app
            .get(&format!("/api/v1/reports/gaps/trend?{query}"), &app.admin)
            .await;
        assert_eq!(
            (status, fields(&body)),
            (422, vec![field.to_owned()]),
            "{query}: {body}"
        );
    }
    let (status, _) = app
        .get("/api/v1/reports/gaps/trend?requirement_id=999999", &app.admin)
        .await;
    assert_eq!(status, 404);
    let (cfo, _) = app.user("stakeholder", &[finance]).await;
    let (status, _) = app.get("/api/v1/reports/gaps/trend", &cfo).await;
    assert_eq!(status, 403);
    // The leadership page draws small multiples.
    let (leader, _) = app.user("leadership", &[]).await;
    let (status, html, _) = app
        .raw(Method::GET, "/gap-trend?from=2025-12&to=2026-04", Some(&leader), None)
        .await;
    let html = String::from_utf8_lossy(&html);
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(r#"id="trend""#) && html.contains("HD-CALLBACK · Finance") && html.contains("<polyline"),
        "{html}"
    );
}
