//! A stakeholder sees their own segments and what belongs to them, and nothing of the others:
//! other objects answer 404 (no existence leak) and lists are filtered.

use serde_json::{json, Value};

use crate::helpers::spawn_app;

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn stakeholders_see_only_their_segments() {
    let app = spawn_app().await;
    let (mine, theirs) = (app.segment("Finance").await, app.segment("Field sales").await);
    let (shared_req, their_req) = (app.requirement("HD-CALLBACK").await, app.requirement("FS-MOBILE").await);
    let my_session = app.session(&[mine]).await;
    let their_session = app.session(&[theirs]).await;
    let joint_session = app.session(&[mine, theirs]).await;
    let my_finding = app.finding(shared_req, mine, "basic").await;
    let their_finding = app.finding(their_req, theirs, "delighter").await;
    app.finding(shared_req, theirs, "satisfier").await;
    let general = app
        .create(
            "/api/v1/assessments",
            &app.admin,
            json!({"requirement_id": shared_req, "current_value": 9, "assessed_on": "2026-11-01"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let their_assessment = app
        .create(
            "/api/v1/assessments",
            &app.admin,
            json!({"requirement_id": their_req, "segment_id": theirs, "current_value": 9, "assessed_on": "2026-11-01"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let their_general = app
        .create(
            "/api/v1/assessments",
            &app.admin,
            json!({"requirement_id": their_req, "current_value": 8, "assessed_on": "2026-11-01"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    let (me, _) = app.user("stakeholder", &[mine]).await;

    // Lists are filtered.
    assert_eq!(ids(&app.get("/api/v1/segments", &me).await.1), vec![mine]);
    let sessions = app.get("/api/v1/sessions", &me).await.1;
    let mut session_ids = ids(&sessions);
    session_ids.sort();
    assert_eq!(session_ids, vec![my_session, joint_session]);
    for s in sessions["items"].as_array().unwrap() {
        assert_eq!(
            s["segment_ids"],
            json!([mine]),
            "other segments of a joint session stay hidden"
        );
    }
    assert_eq!(ids(&app.get("/api/v1/findings", &me).await.1), vec![my_finding]);
    assert_eq!(ids(&app.get("/api/v1/requirements", &me).await.1), vec![shared_req]);
    assert_eq!(ids(&app.get("/api/v1/assessments", &me).await.1), vec![general]);
    assert_eq!(app.get("/api/v1/sessions", &me).await.1["total"], 2);

    // Filters naming the other segment find nothing.
    for path in [
        format!("/api/v1/sessions?segment_id={theirs}"),
        format!("/api/v1/findings?segment_id={theirs}"),
        format!("/api/v1/findings?requirement_id={their_req}"),
        format!("/api/v1/assessments?segment_id={theirs}"),
        format!("/api/v1/assessments?requirement_id={their_req}"),
    ] {
        let (status, list) = app.get(&path, &me).await;
        assert_eq!((status, list["total"].as_i64()), (200, Some(0)), "{path}: {list}");
    }

    // Objects of the other segment do not exist for them.
    for path in [
        format!("/api/v1/segments/{theirs}"),
        format!("/api/v1/sessions/{their_session}"),
        format!("/api/v1/findings/{their_finding}"),
        format!("/api/v1/requirements/{their_req}"),
        format!("/api/v1/assessments/{their_assessment}"),
        format!("/api/v1/assessments/{their_general}"),
    ] {
        let (status, body) = app.get(&path, &me).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    // Their own are there.
    assert_eq!(app.get(&format!("/api/v1/segments/{mine}"), &me).await.0, 200);
    assert_eq!(app.get(&format!("/api/v1/findings/{my_finding}"), &me).await.0, 200);
    assert_eq!(
        app.get(&format!("/api/v1/sessions/{joint_session}"), &me).await.1["segment_ids"],
        json!([mine])
    );

    // And they write nothing, to either segment.
    for (path, body) in [
        (format!("/api/v1/segments/{theirs}"), json!({"weight": 9})),
        (format!("/api/v1/segments/{mine}"), json!({"weight": 9})),
        (format!("/api/v1/findings/{their_finding}"), json!({"importance": 1})),
    ] {
        assert_eq!(app.patch(&path, &me, body).await.0, 403, "{path}");
    }
    assert_eq!(
        app.delete(&format!("/api/v1/sessions/{their_session}"), &me).await.0,
        403
    );
    let (_, segment) = app.get(&format!("/api/v1/segments/{theirs}"), &app.admin).await;
    assert_eq!(segment["weight"], 1.0, "unchanged");
}
