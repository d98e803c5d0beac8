use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn a_restart_keeps_data_and_tokens() {
    let app = spawn_app().await;
    let id = app.segment("Finance").await;
    app.create(
        "/api/v1/sessions",
        &app.admin,
        json!({"kind": "workshop", "title": "Kick-off", "held_on": "2026-11-20", "segment_ids": [id]}),
    )
    .await;
    let token = app.admin.clone();
    let app = app.restart().await;
    let (status, segment) = app.get(&format!("/api/v1/segments/{id}"), &token).await;
    assert_eq!(status, 200, "the old token still works: {segment}");
    assert_eq!(segment["name"], "Finance");
    assert_eq!(app.get("/api/v1/sessions", &app.admin).await.1["total"], 1);
    // The first admin is not created twice.
    assert_eq!(app.get("/api/v1/users", &app.admin).await.1["total"], 1);
}
