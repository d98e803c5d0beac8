//! Satisfaction surveys over HTTP: surveys, answers (JSON and CSV, all or nothing), results with
//! their interval and band, what stakeholders see, and the scorecard.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::{code, fields, spawn_app, TestApp};

fn close(actual: &Value, expected: f64) {
    let a = actual.as_f64().unwrap_or(f64::NAN);
    assert!((a - expected).abs() < 0.01, "{a} is not {expected}");
}

async fn survey(app: &TestApp, body: Value) -> i64 {
    app.create("/api/v1/satisfaction-surveys", &app.admin, body).await["id"]
        .as_i64()
        .unwrap()
}

async fn csv(app: &TestApp, survey: i64, text: &str) -> (u16, Value) {
    let (status, bytes, _) = app
        .raw(
            Method::POST,
            &format!("/api/v1/imports/satisfaction?survey_id={survey}"),
            Some(&app.admin),
            Some(("text/csv", text.as_bytes().to_vec())),
        )
        .await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn answers_go_in_whole_and_results_show_the_satisfied_share() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let sales = app.segment("Sales").await;
    let hr = app.segment("HR").await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let (facilitator, _) = app.user("facilitator", &[]).await;

    // Bounds and dates.
    let base = json!({"title": "Helpdesk follow-up", "kind": "transaction", "opened_on": "2026-01-01"});
    let (status, body) = app
        .post(
            "/api/v1/satisfaction-surveys",
            &facilitator,
            json!({"title": "x", "kind": "transaction", "opened_on": "2026-01-01", "scale_max": 11}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["scale_max".to_owned()]));
    let (status, body) = app
        .post(
            "/api/v1/satisfaction-surveys",
            &facilitator,
            json!({"title": "x", "kind": "overall", "opened_on": "2026-01-02", "closed_on": "2026-01-01"}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["closed_on".to_owned()]));
    let (status, body) = app
        .post("/api/v1/satisfaction-surveys", &stakeholder, base.clone())
        .await;
    assert_eq!(status, 403, "{body}");

    let mut body = base.clone();
    body["segment_ids"] = json!([finance, sales]);
    let (status, created) = app.post("/api/v1/satisfaction-surveys", &facilitator, body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["scale_max"], 5, "the default scale");
    let id = created["id"].as_i64().unwrap();
    let answers = format!("/api/v1/satisfaction-surveys/{id}/responses");

    // All or nothing; each refusal names its item.
    let (status, body) = app
        .post(
            &answers,
            &app.admin,
            json!([{"segment_id": finance, "score": 5}, {"segment_id": finance, "score": 6},
                   {"segment_id": hr, "score": 3}]),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), vec!["[1].score".to_owned(), "[2].segment_id".to_owned()]);
    let (status, body) = app
        .post(
            &answers,
            &app.admin,
            json!([{"segment_id": finance, "score": 5, "mood": 1}]),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["[0].mood".to_owned()]));
    let (status, body) = app.post(&answers, &app.admin, json!({"segment_id": finance})).await;
    assert_eq!((status, fields(&body)), (422, vec!["body".to_owned()]));
    let (status, _) = app
        .post(&answers, &stakeholder, json!([{"segment_id": finance, "score": 5}]))
        .await;
    assert_eq!(status, 403);

    let (status, body) = app
        .post(
            &answers,
            &facilitator,
            json!([
                {"respondent": "f-1", "segment_id": finance, "score": 5, "comment": "Quick and kind"},
                {"respondent": "f-2", "segment_id": finance, "score": 4},
                {"segment_id": finance, "score": 3, "service_area_id": 8, "answered_at": "2026-02-01T10:00:00Z"},
            ]),
        )
        .await;
    assert_eq!((status, &body["imported"]), (201, &json!(3)), "{body}");

    // CSV: a bad row refuses the whole file, naming row and column.
    let (status, body) = csv(
        &app,
        id,
        "respondent,segment,score,comment\nf-4,Finance,5,\ns-1,Sales,9,\ns-2,Nowhere,4,\n",
    )
    .await;
    assert_eq!((status, code(&body)), (422, "invalid_rows"), "{body}");
    let rows = body["error"]["rows"].as_array().unwrap();
    assert_eq!(
        rows[0],
        json!({"row": 3, "column": "score", "message": "must be between 1 and 5"})
    );
    assert_eq!((&rows[1]["row"], &rows[1]["column"]), (&json!(4), &json!("segment")));
    let (status, body) = csv(&app, id, "respondent,segment\nx,Finance\n").await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = csv(
        &app,
        id,
        "respondent,segment,score,comment,answered_at\nf-4,finance,5,,2026-02-03\ns-1,Sales,2,\"Slow, again\",\ns-2,Sales,5,,\n",
    )
    .await;
    assert_eq!((status, &body["imported"]), (201, &json!(3)), "{body}");
    let (status, _, _) = app
        .raw(
            Method::POST,
            &format!("/api/v1/imports/satisfaction?survey_id={id}"),
            Some(&app.admin),
            Some(("application/json", b"[]".to_vec())),
        )
        .await;
    assert_eq!(status, 415);
    let (status, _) = csv(&app, 999_999, "respondent,segment,score\nx,Finance,5\n").await;
    assert_eq!(status, 404);

    // Results: scores 5 4 3 5 (Finance) and 2 5 (Sales): 4 of 6 satisfied (top two boxes).
    let (status, results) = app
        .get(&format!("/api/v1/satisfaction-surveys/{id}/results"), &facilitator)
        .await;
    assert_eq!(status, 200, "{results}");
    assert_eq!((&results["n"], &results["satisfied"]), (&json!(6), &json!(4)));
    close(&results["satisfied_pct"], 66.667);
    close(&results["mean"], 4.0);
    assert_eq!(results["band"], "below");
    assert_eq!(results["distribution"], json!({"1": 0, "2": 1, "3": 1, "4": 1, "5": 3}));
    // Wilson 95 % of 4/6: 30.0 % to 90.3 %.
    close(&results["ci95"][0], 29.999);
    close(&results["ci95"][1], 90.323);
    let segs: Vec<(&str, i64)> = results["by_segment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["segment"]["name"].as_str().unwrap(), s["n"].as_i64().unwrap()))
        .collect();
    assert_eq!(segs, [("Finance", 4), ("Sales", 2)]);
    let comments = results["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0]["comment"], "Slow, again");
    assert_eq!(comments[1]["respondent"], "f-1");

    // A stakeholder sees their segment's results, no comments and no respondents.
    let (status, theirs) = app
        .get(&format!("/api/v1/satisfaction-surveys/{id}/results"), &stakeholder)
        .await;
    assert_eq!(status, 200, "{theirs}");
    assert_eq!((&theirs["n"], &theirs["satisfied"]), (&json!(4), &json!(3)));
    assert_eq!(theirs["by_segment"].as_array().unwrap().len(), 1);
    assert!(theirs.get("comments").is_none());
    assert!(!theirs.to_string().contains("f-1"));
    let (status, _) = app
        .get(
            &format!("/api/v1/satisfaction-surveys/{id}/results?segment_id={sales}"),
            &stakeholder,
        )
        .await;
    assert_eq!(status, 404);
    let (_, one) = app
        .get(
            &format!("/api/v1/satisfaction-surveys/{id}/results?segment_id={sales}"),
            &facilitator,
        )
        .await;
    assert_eq!(one["n"], 2);

    // A survey that does not ask the stakeholder's segment does not exist for them.
    let mut body = base.clone();
    body["segment_ids"] = json!([hr]);
    let hr_only = survey(&app, body).await;
    let (status, _) = app
        .get(&format!("/api/v1/satisfaction-surveys/{hr_only}"), &stakeholder)
        .await;
    assert_eq!(status, 404);
    let (_, list) = app.get("/api/v1/satisfaction-surveys", &stakeholder).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["segment_ids"], json!([finance]));
    let (_, list) = app.get("/api/v1/satisfaction-surveys", &facilitator).await;
    assert_eq!(list["total"], 2);

    // Edit and delete.
    let (status, body) = app
        .patch(
            &format!("/api/v1/satisfaction-surveys/{hr_only}"),
            &facilitator,
            json!({"closed_on": "2026-03-01", "title": "HR pulse"}),
        )
        .await;
    assert_eq!((status, &body["title"]), (200, &json!("HR pulse")), "{body}");
    let (status, body) = app
        .patch(
            &format!("/api/v1/satisfaction-surveys/{hr_only}"),
            &facilitator,
            json!({"scale_max": 7}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["scale_max".to_owned()]));
    let (status, _) = app
        .delete(&format!("/api/v1/satisfaction-surveys/{hr_only}"), &facilitator)
        .await;
    assert_eq!(status, 204);
}

#[actix_web::test]
async fn the_scorecard_holds_overall_surveys_against_a_rising_target() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let first = survey(
        &app,
        json!({"title": "Overall 2025", "kind": "overall", "opened_on": "2024-12-01", "closed_on": "2025-01-01"}),
    )
    .await;
    let second = survey(
        &app,
        json!({"title": "Overall 2026", "kind": "overall", "opened_on": "2025-12-01", "closed_on": "2026-01-01"}),
    )
    .await;
    // Not closed yet, and a transaction survey: neither is on the scorecard.
    let open = survey(
        &app,
        json!({"title": "Overall 2027", "kind": "overall", "opened_on": "2026-12-01"}),
    )
    .await;
    let transaction = survey(
        &app,
        json!({"title": "After a call", "kind": "transaction", "opened_on": "2025-06-01", "closed_on": "2025-06-30"}),
    )
    .await;
    let scores = |survey: i64, satisfied: usize, not: usize| {
        let items: Vec<Value> = (0..satisfied)
            .map(|_| json!({"segment_id": finance, "score": 5}))
            .chain((0..not).map(|_| json!({"segment_id": finance, "score": 2})))
            .collect();
        (
            format!("/api/v1/satisfaction-surveys/{survey}/responses"),
            Value::Array(items),
        )
    };
    for (s, yes, no) in [(first, 8, 2), (second, 19, 1), (open, 1, 0), (transaction, 0, 5)] {
        let (path, body) = scores(s, yes, no);
        let (status, body) = app.post(&path, &app.admin, body).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, card) = app.get("/api/v1/satisfaction/scorecard", &app.admin).await;
    assert_eq!(status, 200, "{card}");
    assert_eq!(card["annual_improvement_pts"], 3.0);
    let items = card["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{card}");
    // The baseline: 8 of 10, its own target; Wilson 49.0 % to 94.3 %.
    assert_eq!(items[0]["survey_id"], first);
    close(&items[0]["satisfied_pct"], 80.0);
    close(&items[0]["target_pct"], 80.0);
    close(&items[0]["ci95"][0], 49.016);
    close(&items[0]["ci95"][1], 94.332);
    assert_eq!(items[0]["band"], "below");
    assert_eq!(items[0]["met"], true);
    assert_eq!(items[0]["change_pts"], Value::Null);
    // A year on: 19 of 20 against 80 + 3 × 365/365.25; up 15 points, not significant at
    // these sizes (z ≈ 1.29).
    assert_eq!(items[1]["closed_on"], "2026-01-01");
    close(&items[1]["satisfied_pct"], 95.0);
    close(&items[1]["target_pct"], 80.0 + 3.0 * 365.0 / 365.25);
    assert_eq!(items[1]["band"], "outstanding");
    assert_eq!(items[1]["met"], true);
    close(&items[1]["change_pts"], 15.0);
    assert_eq!(items[1]["change_significant"], false);

    // Stakeholders: their segments' answers; another segment is 404.
    let (status, theirs) = app.get("/api/v1/satisfaction/scorecard", &stakeholder).await;
    assert_eq!((status, theirs["items"].as_array().map(Vec::len)), (200, Some(2)));
    let other = app.segment("Sales").await;
    let (status, _) = app
        .get(
            &format!("/api/v1/satisfaction/scorecard?segment_id={other}"),
            &stakeholder,
        )
        .await;
    assert_eq!(status, 404);
    let (_, none) = app
        .get(
            &format!("/api/v1/satisfaction/scorecard?segment_id={other}"),
            &app.admin,
        )
        .await;
    assert_eq!(none["items"], json!([]));
}
