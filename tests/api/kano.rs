//! Kano questionnaire answers in (JSON and CSV), results out, on a hand-computed example.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{code, spawn_app, spawn_app_from, test_settings, TestApp};

/// Six like/dislike (O, importance 5), three neutral/dislike (M, importance 3), one like/neutral (A).
fn example_answers(segment_id: i64) -> Value {
    let mut items = Vec::new();
    for i in 0..6 {
        items.push(json!({"respondent": format!("o{i}"), "segment_id": segment_id, "functional": "like", "dysfunctional": 5, "importance": 5}));
    }
    for i in 0..3 {
        items.push(json!({"respondent": format!("m{i}"), "segment_id": segment_id, "functional": "neutral", "dysfunctional": "dislike", "importance": 3}));
    }
    items.push(json!({"respondent": "a0", "segment_id": segment_id, "functional": 1, "dysfunctional": "NEUTRAL"}));
    Value::Array(items)
}

fn close(actual: &Value, expected: f64) -> bool {
    actual.as_f64().is_some_and(|a| (a - expected).abs() < 1e-9)
}

async fn csv(app: &TestApp, token: &str, query: &str, body: &[u8]) -> (u16, Value) {
    let (status, bytes, _) = app
        .raw(
            Method::POST,
            &format!("/api/v1/imports/responses{query}"),
            Some(token),
            Some(("text/csv", body.to_vec())),
        )
        .await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
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

/// What answers point at cannot be removed, and the answers stay: on PostgreSQL the answers'
/// segment, requirement and session are held by the rows that record them as answered
/// (migration 000026), on SQLite by the answer counts' foreign keys.
#[actix_web::test]
async fn what_answers_point_at_cannot_be_deleted() {
    let app = spawn_app().await;
    let segment = app.segment("Finance").await;
    let requirement = app.requirement("HD-CALLBACK").await;
    let session = app.session(&[segment]).await;
    let mut answers = example_answers(segment);
    for item in answers.as_array_mut().into_iter().flatten() {
        item["session_id"] = json!(session);
    }
    let path = format!("/api/v1/requirements/{requirement}/responses");
    let (status, body) = app.post(&path, &app.admin, answers).await;
    assert_eq!((status, body), (201, json!({"imported": 10})));
    // A segment with answers and nothing else (no session, finding or stakeholder).
    let lone = app.segment("Sales").await;
    let (status, body) = app.post(&path, &app.admin, example_answers(lone)).await;
    assert_eq!((status, body), (201, json!({"imported": 10})));
    for path in [
        format!("/api/v1/segments/{lone}"),
        format!("/api/v1/segments/{segment}"),
        format!("/api/v1/requirements/{requirement}"),
        format!("/api/v1/sessions/{session}"),
    ] {
        let (status, body) = app.delete(&path, &app.admin).await;
        assert_eq!((status, code(&body)), (409, "in_use"), "{path}");
    }
    let (status, k) = app
        .get(
            &format!("/api/v1/requirements/{requirement}/kano?segment_id={segment}"),
            &app.admin,
        )
        .await;
    assert_eq!((status, k["n"].clone()), (200, json!(10)), "{k}");
}

#[actix_web::test]
async fn json_answers_give_the_published_numbers() {
    let app = spawn_app().await;
    let (finance, sales) = (app.segment("Finance").await, app.segment("Sales").await);
    let r = app.requirement("HD-CALLBACK").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/requirements/{r}/responses"),
            &app.admin,
            example_answers(finance),
        )
        .await;
    assert_eq!((status, body), (201, json!({"imported": 10})));

    let (status, k) = app
        .get(
            &format!("/api/v1/requirements/{r}/kano?segment_id={finance}"),
            &app.admin,
        )
        .await;
    assert_eq!(status, 200, "{k}");
    assert_eq!(k["n"], 10);
    assert_eq!(k["counts"], json!({"A": 1, "O": 6, "M": 3, "I": 0, "R": 0, "Q": 0}));
    assert_eq!(k["mode_category"], "O");
    // Fong: |6 − 3| = 3 < 1.65·sqrt(9·11/20) = 3.671…, not significant: M beats O.
    assert_eq!(
        (
            k["category"].as_str(),
            k["category_name"].as_str(),
            k["significant"].as_bool()
        ),
        (Some("M"), Some("basic"), Some(false))
    );
    assert!(close(&k["fong"]["difference"], 3.0));
    assert!(close(&k["fong"]["threshold"], 1.65 * (99.0f64 / 20.0).sqrt()));
    assert!(close(&k["better"], 0.7), "(A+O)/(A+O+M+I) = 7/10");
    assert!(close(&k["worse"], -0.9), "−(O+M)/10");
    assert!(close(&k["category_strength"], 0.3));
    assert!(close(&k["total_strength"], 1.0));
    assert!(close(&k["dumouchel"]["functional"], 2.8), "(7·4 + 3·0)/10");
    assert!(close(&k["dumouchel"]["dysfunctional"], 3.6), "(9·4 + 1·0)/10");
    assert!(close(&k["dumouchel"]["importance"], 39.0 / 9.0));
    assert_eq!(k["segment_id"], finance);

    // Another segment sees the same requirement as a delighter; pooled, O and A tie at 6 → O.
    let sales_answers: Vec<Value> =
        (0..5).map(|i| json!({"respondent": format!("s{i}"), "segment_id": sales, "functional": "like", "dysfunctional": "tolerate"})).collect();
    app.create(
        &format!("/api/v1/requirements/{r}/responses"),
        &app.admin,
        Value::Array(sales_answers),
    )
    .await;
    let (_, sales_k) = app.get(&format!("/api/v1/kano?segment_id={sales}"), &app.admin).await;
    assert_eq!(sales_k["items"][0]["category"], "A");
    let (_, pooled) = app.get(&format!("/api/v1/requirements/{r}/kano"), &app.admin).await;
    assert_eq!(
        (
            pooled["n"].as_u64(),
            pooled["mode_category"].as_str(),
            pooled["segment_id"].clone()
        ),
        (Some(15), Some("O"), Value::Null)
    );

    // An unanswered requirement reports n = 0 and no category.
    let other = app.requirement("TR-VIDEO").await;
    let (_, empty) = app.get(&format!("/api/v1/requirements/{other}/kano"), &app.admin).await;
    assert_eq!(
        (empty["n"].as_u64(), empty["category"].clone(), empty["better"].clone()),
        (Some(0), Value::Null, Value::Null)
    );
}

#[actix_web::test]
async fn json_answers_are_all_or_nothing() {
    let app = spawn_app().await;
    let s = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    let path = format!("/api/v1/requirements/{r}/responses");
    for (items, field) in [
        (
            json!([{"respondent": "a", "segment_id": s, "functional": "like", "dysfunctional": "dislike"},
                {"respondent": "b", "segment_id": s, "functional": "love", "dysfunctional": "dislike"}]),
            "[1].functional",
        ),
        (
            json!([{"respondent": "a", "segment_id": s, "functional": 6, "dysfunctional": "dislike"}]),
            "[0].functional",
        ),
        (
            json!([{"respondent": "a", "segment_id": s, "functional": 1, "dysfunctional": 5, "importance": 9}]),
            "[0].importance",
        ),
        (
            json!([{"respondent": "a", "segment_id": 999, "functional": 1, "dysfunctional": 5}]),
            "[0].segment_id",
        ),
        (
            json!([{"respondent": "a", "segment_id": s, "session_id": 999, "functional": 1, "dysfunctional": 5}]),
            "[0].session_id",
        ),
        (
            json!([{"respondent": "a", "segment_id": s, "functional": 1, "dysfunctional": 5},
                {"respondent": "a", "segment_id": s, "functional": 2, "dysfunctional": 5}]),
            "[1].respondent",
        ),
        (
            json!([{"respondent": " ", "segment_id": s, "functional": 1, "dysfunctional": 5}]),
            "[0].respondent",
        ),
        (
            json!([{"respondent": "a", "segment_id": s, "functional": 1, "dysfunctional": 5, "mood": "good"}]),
            "[0].mood",
        ),
    ] {
        let (status, body) = app.post(&path, &app.admin, items.clone()).await;
        assert_eq!(status, 422, "{items} → {body}");
        assert!(body["error"]["fields"].get(field).is_some(), "{field} in {body}");
    }
    let (status, _) = app.post(&path, &app.admin, json!([])).await;
    assert_eq!(status, 422);
    assert_eq!(answers_stored(&app).await, 0, "nothing stored");
    // Already stored answers count as duplicates too.
    app.create(
        &path,
        &app.admin,
        json!([{"respondent": "a", "segment_id": s, "functional": 1, "dysfunctional": 5}]),
    )
    .await;
    let (status, body) = app
        .post(
            &path,
            &app.admin,
            json!([{"respondent": "a", "segment_id": s, "functional": 1, "dysfunctional": 5}]),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = app
        .post(
            "/api/v1/requirements/999/responses",
            &app.admin,
            json!([{"respondent": "a", "segment_id": s, "functional": 1, "dysfunctional": 5}]),
        )
        .await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn csv_long_and_wide_formats() {
    let app = spawn_app().await;
    let (finance, sales) = (app.segment("Finance").await, app.segment("Sales").await);
    app.requirement("HD-CALLBACK").await;
    app.requirement("TR-VIDEO").await;
    let survey = app
        .create("/api/v1/sessions", &app.admin, json!({"kind": "survey", "title": "Autumn survey", "held_on": "2026-10-15", "segment_ids": [finance, sales]}))
        .await["id"]
        .as_i64()
        .unwrap();
    let long = "respondent,segment,requirement,functional,dysfunctional,importance\n\
                r1,Finance,HD-CALLBACK,like,dislike,5\n\
                r2,finance,hd-callback,expect,5,\n\
                r1,Sales,HD-CALLBACK,1,tolerate,2\n\
                \"r3, the boss\",Finance,TR-VIDEO,neutral,neutral,1\n";
    let (status, body) = csv(&app, &app.admin, &format!("?session_id={survey}"), long.as_bytes()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["imported"].as_u64(), body["format"].as_str()),
        (Some(4), Some("long"))
    );

    // Wide, with a byte-order mark, semicolons and an extra column survey tools add.
    let wide = "\u{feff}Respondent;Segment;Submitted;HD-CALLBACK:functional;HD-CALLBACK:dysfunctional;HD-CALLBACK:importance;TR-VIDEO:functional;TR-VIDEO:dysfunctional\n\
                w1;Sales;2026-10-16;like;dislike;4;;\n\
                w2;Sales;2026-10-16;must_be;dislike;;like;neutral\n";
    let (status, body) = csv(&app, &app.admin, "", wide.as_bytes()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["imported"].as_u64(), body["format"].as_str()),
        (Some(3), Some("wide"))
    );
    assert_eq!(body["ignored_columns"], json!(["Submitted"]));

    let (_, sales_k) = app.get(&format!("/api/v1/kano?segment_id={sales}"), &app.admin).await;
    let items = sales_k["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["requirement_key"], "HD-CALLBACK");
    assert_eq!(items[0]["n"], 3);
    assert_eq!(
        items[0]["counts"],
        json!({"A": 1, "O": 1, "M": 1, "I": 0, "R": 0, "Q": 0})
    );
    let (_, finance_k) = app.get(&format!("/api/v1/kano?segment_id={finance}"), &app.admin).await;
    assert_eq!(finance_k["items"][1]["category"], "I", "neutral/neutral is indifferent");
    let (_, imports) = app.get("/api/v1/audit?object_type=kano_responses", &app.admin).await;
    assert_eq!(imports["total"], 2, "imports are audited");
}

#[actix_web::test]
async fn csv_bad_rows_are_reported_and_nothing_is_stored() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    app.requirement("HD-CALLBACK").await;
    let only_finance = app.session(&[finance]).await;
    app.segment("Sales").await;
    let header = "respondent,segment,requirement,functional,dysfunctional,importance\n";
    let good = "ok1,Finance,HD-CALLBACK,like,dislike,3\n";
    // (body after the header and a good row, expected (row, column))
    let cases: Vec<(Vec<u8>, u64, Option<&str>)> = vec![
        (b"x,Nowhere,HD-CALLBACK,like,dislike,3\n".to_vec(), 3, Some("segment")),
        (b"x,Finance,NO-SUCH,like,dislike,3\n".to_vec(), 3, Some("requirement")),
        (
            b"x,Finance,HD-CALLBACK,love,dislike,3\n".to_vec(),
            3,
            Some("functional"),
        ),
        (b"x,Finance,HD-CALLBACK,like,,3\n".to_vec(), 3, Some("dysfunctional")),
        (
            b"x,Finance,HD-CALLBACK,like,dislike,7\n".to_vec(),
            3,
            Some("importance"),
        ),
        (
            b"ok1,Finance,HD-CALLBACK,neutral,dislike,3\n".to_vec(),
            3,
            Some("requirement"),
        ),
        (b"x,Finance,HD-CALLBACK,like\n".to_vec(), 3, None),
        (b"x,Finance,HD-CALLBACK,like,dislike,3,extra\n".to_vec(), 3, None),
        (
            b"\xe9t\xe9,Finance,HD-CALLBACK,like,dislike,3\n".to_vec(),
            3,
            Some("respondent"),
        ),
        (b",Finance,HD-CALLBACK,like,dislike,3\n".to_vec(), 3, Some("respondent")),
    ];
    for (bad, row, column) in cases {
        let mut body = format!("{header}{good}").into_bytes();
        body.extend_from_slice(&bad);
        body.extend_from_slice(b"ok2,Finance,HD-CALLBACK,like,dislike,3\n");
        let (status, err) = csv(&app, &app.admin, "", &body).await;
        assert_eq!(
            (status, code(&err)),
            (422, "invalid_rows"),
            "{}: {err}",
            String::from_utf8_lossy(&bad)
        );
        let rows = err["error"]["rows"].as_array().unwrap();
        assert_eq!(rows[0]["row"], row, "{err}");
        assert_eq!(rows[0]["column"].as_str(), column, "{err}");
        assert!(!rows[0]["message"].as_str().unwrap().is_empty());
        assert_eq!(
            answers_stored(&app).await,
            0,
            "nothing stored after {}",
            String::from_utf8_lossy(&bad)
        );
    }

    // Header problems are row 1.
    for (text, column) in [
        (
            "respondent,segment,requirement,functional\nx,Finance,HD-CALLBACK,like\n",
            "dysfunctional",
        ),
        (
            "respondent,segment,NOPE:functional,NOPE:dysfunctional\nx,Finance,like,dislike\n",
            "NOPE:functional",
        ),
    ] {
        let (status, err) = csv(&app, &app.admin, "", text.as_bytes()).await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(
            (
                err["error"]["rows"][0]["row"].as_u64(),
                err["error"]["rows"][0]["column"].as_str()
            ),
            (Some(1), Some(column))
        );
    }
    // A segment that did not take part in the named session.
    let (status, err) = csv(
        &app,
        &app.admin,
        &format!("?session_id={only_finance}"),
        format!("{header}{good}x,Sales,HD-CALLBACK,like,dislike,3\n").as_bytes(),
    )
    .await;
    assert_eq!(
        (status, err["error"]["rows"][0]["row"].as_u64()),
        (422, Some(3)),
        "{err}"
    );
    // Many bad rows: all counted, the first 100 listed.
    let mut many = header.to_string();
    for i in 0..150 {
        many.push_str(&format!("r{i},Finance,HD-CALLBACK,maybe,dislike,3\n"));
    }
    let (status, err) = csv(&app, &app.admin, "", many.as_bytes()).await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["rows"].as_array().unwrap().len(), 100);
    assert!(err["error"]["message"].as_str().unwrap().starts_with("150 "), "{err}");
    assert_eq!(answers_stored(&app).await, 0);
}

#[actix_web::test]
async fn csv_media_type_and_size_are_checked() {
    let (mut settings, dir, pg) = test_settings();
    settings.csv_limit_bytes = 1000;
    let app = spawn_app_from(settings, dir, pg).await;
    app.segment("Finance").await;
    let (status, bytes, _) = app
        .raw(
            Method::POST,
            "/api/v1/imports/responses",
            Some(&app.admin),
            Some(("application/json", b"{}".to_vec())),
        )
        .await;
    assert_eq!(status, 415, "{}", String::from_utf8_lossy(&bytes));
    let big = format!(
        "respondent,segment,requirement,functional,dysfunctional\n{}",
        "x,Finance,HD,like,dislike\n".repeat(100)
    );
    let (status, err) = csv(&app, &app.admin, "", big.as_bytes()).await;
    assert_eq!((status, code(&err)), (413, "payload_too_large"));
    let (status, err) = csv(
        &app,
        &app.admin,
        "?session_id=77",
        b"respondent,segment,requirement,functional,dysfunctional\n",
    )
    .await;
    assert_eq!(
        (status, err["error"]["fields"]["session_id"].is_array()),
        (422, true),
        "{err}"
    );
}

#[actix_web::test]
async fn classification_uses_the_best_evidence() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (asked, judged) = (app.requirement("HD-CALLBACK").await, app.requirement("TR-VIDEO").await);
    app.finding(asked, finance, "delighter").await;
    app.finding(judged, finance, "satisfier").await;
    app.finding(judged, finance, "satisfier").await;
    app.finding(judged, finance, "basic").await;
    app.create(
        &format!("/api/v1/requirements/{asked}/responses"),
        &app.admin,
        example_answers(finance),
    )
    .await;
    let (status, body) = app
        .get(&format!("/api/v1/segments/{finance}/classification"), &app.admin)
        .await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (
            items[0]["requirement_id"].as_i64(),
            items[0]["source"].as_str(),
            items[0]["category_name"].as_str()
        ),
        (Some(asked), Some("questionnaire"), Some("basic"))
    );
    assert!(close(&items[0]["confidence"], 0.3));
    assert_eq!(
        (items[1]["source"].as_str(), items[1]["category_name"].as_str()),
        (Some("facilitator"), Some("satisfier"))
    );
    assert!(close(&items[1]["confidence"], 2.0 / 3.0));
    assert!(close(&items[1]["importance"], 4.0));
}

#[actix_web::test]
async fn the_kano_diagram_is_svg() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    app.create(
        &format!("/api/v1/requirements/{r}/responses"),
        &app.admin,
        example_answers(finance),
    )
    .await;
    let (status, bytes, headers) = app
        .raw(
            Method::GET,
            &format!("/api/v1/kano/chart.svg?segment_id={finance}"),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    let svg = String::from_utf8(bytes).unwrap();
    assert!(svg.contains(">HD-CALLBACK</text>") && svg.contains("Kano diagram: Finance"));
    // |Worse| 0.9 → x = 60 + 0.9·360 = 384; Better 0.7 → y = 420 − 0.7·360 = 168.
    assert!(svg.contains(r#"cx="384.0" cy="168.0""#), "{svg}");
}

#[actix_web::test]
async fn stakeholders_see_only_their_segments_results() {
    let app = spawn_app().await;
    let (mine, theirs) = (app.segment("Finance").await, app.segment("Sales").await);
    let (shared, their_only) = (app.requirement("HD-CALLBACK").await, app.requirement("FS-MOBILE").await);
    app.create(
        &format!("/api/v1/requirements/{shared}/responses"),
        &app.admin,
        example_answers(mine),
    )
    .await;
    app.create(
        &format!("/api/v1/requirements/{shared}/responses"),
        &app.admin,
        example_answers(theirs),
    )
    .await;
    app.create(
        &format!("/api/v1/requirements/{their_only}/responses"),
        &app.admin,
        example_answers(theirs),
    )
    .await;
    let (me, _) = app.user("stakeholder", &[mine]).await;

    assert_eq!(app.get(&format!("/api/v1/kano?segment_id={mine}"), &me).await.0, 200);
    let (_, pooled) = app.get("/api/v1/kano", &me).await;
    assert_eq!(pooled["items"].as_array().unwrap().len(), 1, "{pooled}");
    assert_eq!(pooled["items"][0]["n"], 10, "pooled over my segments only");
    let (_, one) = app.get(&format!("/api/v1/requirements/{shared}/kano"), &me).await;
    assert_eq!(one["n"], 10);
    for path in [
        format!("/api/v1/kano?segment_id={theirs}"),
        format!("/api/v1/requirements/{shared}/kano?segment_id={theirs}"),
        format!("/api/v1/requirements/{their_only}/kano"),
        format!("/api/v1/segments/{theirs}/classification"),
        format!("/api/v1/kano/chart.svg?segment_id={theirs}"),
    ] {
        assert_eq!(app.get(&path, &me).await.0, 404, "{path}");
    }
    let (status, _) = app
        .post(
            &format!("/api/v1/requirements/{shared}/responses"),
            &me,
            example_answers(mine),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = csv(
        &app,
        &me,
        "",
        b"respondent,segment,requirement,functional,dysfunctional\n",
    )
    .await;
    assert_eq!(status, 403);
}

/// The import reads and checks the file on one thread and stores it on another, in chunks of
/// 50 000 answers: row errors found by either, in any chunk, are named together in row order.
#[actix_web::test]
async fn csv_imports_of_many_chunks_name_the_errors_of_every_chunk() {
    let app = spawn_app().await;
    app.segment("Finance").await;
    app.requirement("HD-CALLBACK").await;
    app.requirement("TR-VIDEO").await;
    let header = "respondent,segment,requirement,functional,dysfunctional\n";
    let answers: String = (0..30_000)
        .map(|i| format!("r{i:05},Finance,HD-CALLBACK,like,dislike\nr{i:05},Finance,TR-VIDEO,expect,neutral\n"))
        .collect();
    // Row 2 has an answer no questionnaire gives (the reader's error, first chunk); the last
    // row repeats row 3 (the writer's, second chunk).
    let refused =
        format!("{header}x,Finance,HD-CALLBACK,maybe,dislike\n{answers}r00000,Finance,HD-CALLBACK,like,like\n");
    let (status, err) = csv(&app, &app.admin, "", refused.as_bytes()).await;
    assert_eq!((status, code(&err)), (422, "invalid_rows"), "{err}");
    let named: Vec<u64> = err["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_u64().unwrap())
        .collect();
    assert_eq!(named, [2, 60_003], "{err}");
    assert_eq!(answers_stored(&app).await, 0, "nothing of the refused file stored");
    let (status, body) = csv(&app, &app.admin, "", format!("{header}{answers}").as_bytes()).await;
    assert_eq!((status, body["imported"].as_u64()), (201, Some(60_000)), "{body}");
    assert_eq!(answers_stored(&app).await, 60_000);
}

#[actix_web::test]
async fn csv_duplicates_are_named_against_stored_answers_and_earlier_rows() {
    let app = spawn_app().await;
    app.segment("Finance").await;
    app.segment("Sales").await;
    app.requirement("HD-CALLBACK").await;
    app.requirement("TR-VIDEO").await;
    let header = "respondent,segment,requirement,functional,dysfunctional,importance\n";
    let first = format!("{header}a,Finance,HD-CALLBACK,like,dislike,3\nb,Finance,HD-CALLBACK,like,dislike,\n");
    let (status, body) = csv(&app, &app.admin, "", first.as_bytes()).await;
    assert_eq!(status, 201, "{body}");
    // Enough answers that the import writes many rows per statement (and, on PostgreSQL,
    // checks them before copying): 200 new respondents.
    let filler: String = (0..200)
        .map(|i| format!("f{i:03},Sales,TR-VIDEO,like,dislike,\n"))
        .collect();
    // Row 3 repeats a stored answer, the last row repeats row 2; the same respondent for
    // another requirement or segment is no duplicate.
    let second = format!(
        "{header}c,Finance,HD-CALLBACK,like,dislike,3\na,Finance,HD-CALLBACK,neutral,dislike,2\n{filler}\
         a,Finance,TR-VIDEO,like,dislike,1\na,Sales,HD-CALLBACK,like,neutral,\nc,finance,hd-callback,like,like,\n"
    );
    let (status, err) = csv(&app, &app.admin, "", second.as_bytes()).await;
    assert_eq!((status, code(&err)), (422, "invalid_rows"), "{err}");
    let named: Vec<(u64, &str)> = err["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["column"].as_str().unwrap()))
        .collect();
    assert_eq!(named, [(3, "requirement"), (206, "requirement")], "{err}");
    assert_eq!(answers_stored(&app).await, 2, "nothing of the refused file stored");
    // Without the duplicates the same answers go in, and are counted.
    let fixed = format!(
        "{header}c,Finance,HD-CALLBACK,like,dislike,3\n{filler}a,Finance,TR-VIDEO,like,dislike,1\na,Sales,HD-CALLBACK,like,neutral,\n"
    );
    let (status, body) = csv(&app, &app.admin, "", fixed.as_bytes()).await;
    assert_eq!((status, body["imported"].as_u64()), (201, Some(203)), "{body}");
    assert_eq!(answers_stored(&app).await, 205);
    // A duplicate among many new answers is named too.
    let again = format!(
        "{header}{}f150,Sales,TR-VIDEO,like,like,\n",
        (0..100)
            .map(|i| format!("g{i:03},Sales,TR-VIDEO,like,dislike,\n"))
            .collect::<String>()
    );
    let (status, err) = csv(&app, &app.admin, "", again.as_bytes()).await;
    assert_eq!(
        (status, err["error"]["rows"][0]["row"].as_u64()),
        (422, Some(102)),
        "{err}"
    );
    assert_eq!(answers_stored(&app).await, 205);
}
