//! Complaints over HTTP: filing, references, the life cycle with its role rules and back-dating,
//! lists, statistics, and the link into the gap report.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, Utc};
use serde_json::{json, Value};

use crate::helpers::{code, fields, spawn_app, TestApp};

fn year() -> i32 {
    Utc::now().year()
}

async fn file(app: &TestApp, token: &str, segment: i64, extra: Value) -> (u16, Value) {
    let mut body =
        json!({"segment_id": segment, "summary": "The printer on floor 3 is broken again", "channel": "web"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    app.post("/api/v1/complaints", token, body).await
}

#[actix_web::test]
async fn complaints_get_gapless_references_and_follow_their_life_cycle() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let sales = app.segment("Sales").await;
    let (stakeholder, stakeholder_id) = app.user("stakeholder", &[finance]).await;
    let (leadership, _) = app.user("leadership", &[]).await;

    // A stakeholder files for their own segment; another segment does not exist for them.
    let (status, first) = file(&app, &stakeholder, finance, json!({})).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["reference"], format!("C-{}-0001", year()));
    assert_eq!(first["status"], "open");
    assert_eq!(first["segment_name"], "Finance");
    assert_eq!(first["history"][0]["step"], "receive");
    let (status, body) = file(&app, &stakeholder, sales, json!({})).await;
    assert_eq!(status, 404, "{body}");
    // Stakeholders assign no owner.
    let (status, body) = file(&app, &stakeholder, finance, json!({"owner_id": 1})).await;
    assert_eq!((status, fields(&body)), (422, vec!["owner_id".to_owned()]));
    // Staff log for any segment, with an owner; the numbers go on without a gap.
    let (status, second) = file(
        &app,
        &leadership,
        sales,
        json!({"channel": "phone", "category": "printing", "owner_id": 1}),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["reference"], format!("C-{}-0002", year()));
    assert_eq!(second["owner_email"], "admin@example.test");
    // Bad input names its field.
    let (status, body) = file(&app, &leadership, finance, json!({"channel": "pigeon"})).await;
    assert_eq!((status, fields(&body)), (422, vec!["channel".to_owned()]));
    let future = (Utc::now() + Duration::hours(2)).to_rfc3339();
    let (status, body) = file(&app, &leadership, finance, json!({"received_at": future})).await;
    assert_eq!((status, fields(&body)), (422, vec!["received_at".to_owned()]));
    let (status, body) = file(&app, &leadership, 999_999, json!({})).await;
    assert_eq!((status, fields(&body)), (422, vec!["segment_id".to_owned()]));
    // A refused complaint used no number.
    let (_, third) = file(&app, &leadership, finance, json!({})).await;
    assert_eq!(third["reference"], format!("C-{}-0003", year()));

    let id = first["id"].as_i64().unwrap();
    let path = |step: &str| format!("/api/v1/complaints/{id}/{step}");
    // Out of order: 409.
    let (status, body) = app
        .post(&path("resolve"), &leadership, json!({"resolution": "fixed"}))
        .await;
    assert_eq!((status, code(&body)), (409, "invalid_state"), "{body}");
    // A stakeholder who does not own it may not acknowledge (403), nor anyone elsewhere (404).
    let (status, _) = app.post(&path("acknowledge"), &stakeholder, json!({})).await;
    assert_eq!(status, 403);
    // Back-dated into the future or before receipt: 422 on `at`.
    let (status, body) = app.post(&path("acknowledge"), &leadership, json!({"at": future})).await;
    assert_eq!((status, fields(&body)), (422, vec!["at".to_owned()]));
    let long_ago = (Utc::now() - Duration::days(30)).to_rfc3339();
    let (status, body) = app
        .post(&path("acknowledge"), &leadership, json!({"at": long_ago}))
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["at".to_owned()]));
    // With no body at all.
    let (status, acked, _) = app
        .raw(
            actix_web::http::Method::POST,
            &path("acknowledge"),
            Some(&leadership),
            None,
        )
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&acked));
    let (status, body) = app.post(&path("acknowledge"), &leadership, json!({})).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = app.post(&path("resolve"), &leadership, json!({})).await;
    assert_eq!((status, fields(&body)), (422, vec!["resolution".to_owned()]));
    let (status, resolved) = app
        .post(
            &path("resolve"),
            &leadership,
            json!({"resolution": "Replaced the fuser"}),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["resolution"], "Replaced the fuser");
    assert!(resolved["resolved_at"].is_string());
    // The stakeholder of the segment reopens it: back to acknowledged, history kept.
    let (status, reopened) = app
        .post(&path("reopen"), &stakeholder, json!({"reason": "It jams again"}))
        .await;
    assert_eq!(status, 200, "{reopened}");
    assert_eq!(reopened["status"], "acknowledged");
    assert_eq!(reopened["resolved_at"], Value::Null);
    assert!(reopened["acknowledged_at"].is_string());
    let steps: Vec<&str> = reopened["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["receive", "acknowledge", "resolve", "reopen"]);
    let (status, _) = app.post(&path("reopen"), &stakeholder, json!({})).await;
    assert_eq!(status, 409);

    // An owner who is not staff (a stakeholder of the segment) acts on their complaint; only
    // staff change what it is about, and no one of another segment owns it.
    let (status, body) = app
        .patch(
            &format!("/api/v1/complaints/{id}"),
            &leadership,
            json!({"owner_id": stakeholder_id, "category": "hardware"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["category"], "hardware");
    let (status, body) = app
        .patch(
            &format!("/api/v1/complaints/{}", second["id"]),
            &leadership,
            json!({"owner_id": stakeholder_id}),
        )
        .await;
    assert_eq!((status, fields(&body)), (422, vec!["owner_id".to_owned()]));
    let (status, body) = app
        .post(
            &path("resolve"),
            &stakeholder,
            json!({"resolution": "Works for me now"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .patch(
            &format!("/api/v1/complaints/{id}"),
            &stakeholder,
            json!({"category": "x"}),
        )
        .await;
    assert_eq!(status, 403, "{body}");

    // Lists: stakeholders see their segment's only, totals too; filters narrow.
    let (_, mine) = app.get("/api/v1/complaints", &stakeholder).await;
    assert_eq!(mine["total"], 2);
    let (_, all) = app.get("/api/v1/complaints", &leadership).await;
    assert_eq!(all["total"], 3);
    let (_, open) = app.get("/api/v1/complaints?status=open", &leadership).await;
    assert_eq!(open["total"], 2);
    let (_, owned) = app
        .get(&format!("/api/v1/complaints?owner_id={stakeholder_id}"), &leadership)
        .await;
    assert_eq!(owned["total"], 1);
    let (_, cat) = app.get("/api/v1/complaints?category=printing", &leadership).await;
    assert_eq!(cat["total"], 1);
    let (status, _) = app.get("/api/v1/complaints?status=closed", &leadership).await;
    assert_eq!(status, 400);
    let (_, other) = app
        .get(&format!("/api/v1/complaints?segment_id={sales}"), &stakeholder)
        .await;
    assert_eq!(other["total"], 0);
    let (status, _) = app
        .get(&format!("/api/v1/complaints/{}", second["id"]), &stakeholder)
        .await;
    assert_eq!(status, 404);
    let refs: BTreeSet<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(refs.len(), 3);
}

#[actix_web::test]
async fn statistics_count_and_time_complaints_per_group() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let sales = app.segment("Sales").await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let base = Utc::now() - Duration::minutes(1);
    let t = |days: i64, hours: i64| (base - Duration::days(days) + Duration::hours(hours)).to_rfc3339();
    // Finance: received 10 days ago, acknowledged after 2 h, resolved after 10 h.
    let (_, a) = file(
        &app,
        &app.admin,
        finance,
        json!({"received_at": t(10, 0), "category": "network"}),
    )
    .await;
    let a = a["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/complaints/{a}/acknowledge"),
        &app.admin,
        json!({"at": t(10, 2)}),
    )
    .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/complaints/{a}/resolve"),
            &app.admin,
            json!({"resolution": "ok", "at": t(10, 10)}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Finance: acknowledged after 4 h, still open. Sales: nothing done.
    let (_, b) = file(&app, &app.admin, finance, json!({"received_at": t(10, 0)})).await;
    app.post(
        &format!("/api/v1/complaints/{}/acknowledge", b["id"]),
        &app.admin,
        json!({"at": t(10, 4)}),
    )
    .await;
    file(&app, &app.admin, sales, json!({"received_at": t(10, 0)})).await;

    let (status, stats) = app.get("/api/v1/complaints/stats?group_by=segment", &app.admin).await;
    assert_eq!(status, 200, "{stats}");
    let groups = stats["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["key"], "Finance");
    assert_eq!(
        (&groups[0]["received"], &groups[0]["open"], &groups[0]["resolved"]),
        (&json!(2), &json!(1), &json!(1))
    );
    // Ack hours 2 and 4: median 3, p90 4; resolve 10.
    assert_eq!(groups[0]["ack_hours"], json!({"median": 3.0, "p90": 4.0}));
    assert_eq!(groups[0]["resolve_hours"], json!({"median": 10.0, "p90": 10.0}));
    assert_eq!(groups[1]["ack_hours"], json!({"median": null, "p90": null}));

    let (_, by_category) = app.get("/api/v1/complaints/stats?group_by=category", &app.admin).await;
    let keys: Vec<&str> = by_category["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["(none)", "network"]);
    let (_, by_month) = app.get("/api/v1/complaints/stats", &app.admin).await;
    let month = (Utc::now() - Duration::days(10)).format("%Y-%m").to_string();
    assert_eq!(by_month["groups"][0]["key"], month);

    // Both ends inclusive; nothing after the range.
    let day = (Utc::now() - Duration::days(10)).format("%Y-%m-%d").to_string();
    let (_, same_day) = app
        .get(
            &format!("/api/v1/complaints/stats?from={day}&to={day}&group_by=segment"),
            &app.admin,
        )
        .await;
    assert_eq!(same_day["groups"].as_array().unwrap().len(), 2);
    let later = (Utc::now() - Duration::days(5)).format("%Y-%m-%d").to_string();
    let (_, none) = app
        .get(&format!("/api/v1/complaints/stats?from={later}"), &app.admin)
        .await;
    assert_eq!(none["groups"], json!([]));
    let (status, _) = app
        .get(&format!("/api/v1/complaints/stats?from={later}&to={day}"), &app.admin)
        .await;
    assert_eq!(status, 400);
    let (status, _) = app.get("/api/v1/complaints/stats?group_by=week", &app.admin).await;
    assert_eq!(status, 400);

    // Stakeholders: their segments only.
    let (_, theirs) = app.get("/api/v1/complaints/stats?group_by=segment", &stakeholder).await;
    assert_eq!(theirs["groups"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["groups"][0]["key"], "Finance");
    let (_, elsewhere) = app
        .get(&format!("/api/v1/complaints/stats?segment_id={sales}"), &stakeholder)
        .await;
    assert_eq!(elsewhere["groups"], json!([]));
}

#[actix_web::test]
async fn open_complaints_show_in_the_gap_report_and_value_proposition() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    app.finding(r, finance, "basic").await;
    for _ in 0..2 {
        file(
            &app,
            &app.admin,
            finance,
            json!({"requirement_id": r, "service_area_id": 8}),
        )
        .await;
    }
    let (_, resolved) = file(&app, &app.admin, finance, json!({"requirement_id": r})).await;
    let id = resolved["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/complaints/{id}/acknowledge"), &app.admin, json!({}))
        .await;
    app.post(
        &format!("/api/v1/complaints/{id}/resolve"),
        &app.admin,
        json!({"resolution": "done"}),
    )
    .await;
    let (status, report) = app.get("/api/v1/reports/gaps?format=json", &app.admin).await;
    assert_eq!(status, 200, "{report}");
    let row = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["not_ranked"].as_array().unwrap())
        .find(|row| row["requirement"]["key"] == "HD-CALLBACK")
        .cloned()
        .expect("the requirement's row");
    assert_eq!(row["open_complaints"], 2);
    let area = report["by_service_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == 8)
        .cloned()
        .expect("the area's summary");
    assert_eq!(area["open_complaints"], 2);
    let (_, vp) = app
        .get(
            &format!("/api/v1/segments/{finance}/value-proposition?format=json"),
            &app.admin,
        )
        .await;
    let item = vp["promises"][0].clone();
    assert_eq!(item["key"], "HD-CALLBACK");
    assert_eq!(item["open_complaints"], 2);
}

/// Sixteen creators at once: every reference is taken once, and the year's numbers run from 1
/// to 16 without a gap, on either database.
#[actix_web::test]
async fn sixteen_concurrent_creators_get_unique_gapless_references() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let requests = (0..16).map(|i| {
        let token = if i % 2 == 0 {
            app.admin.clone()
        } else {
            stakeholder.clone()
        };
        let app = &app;
        async move {
            app.post(
                "/api/v1/complaints",
                &token,
                json!({"segment_id": finance, "summary": format!("complaint {i}"), "channel": "email"}),
            )
            .await
        }
    });
    let results = futures_util::future::join_all(requests).await;
    let mut numbers = Vec::new();
    for (status, body) in &results {
        assert_eq!(*status, 201, "{body}");
        let reference = body["reference"].as_str().unwrap();
        let (prefix, number) = reference.rsplit_once('-').unwrap();
        assert_eq!(prefix, format!("C-{}", year()));
        numbers.push(number.parse::<u32>().unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=16).collect::<Vec<u32>>());
    // Commit order: the higher the number, the later the row was written.
    let (_, list) = app.get("/api/v1/complaints?limit=100", &app.admin).await;
    let mut by_id: Vec<(i64, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), c["reference"].as_str().unwrap().to_owned()))
        .collect();
    by_id.sort();
    let refs: Vec<&String> = by_id.iter().map(|(_, r)| r).collect();
    let mut sorted = refs.clone();
    sorted.sort();
    assert_eq!(refs, sorted, "references follow the order rows were written");
}
