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

/// The pool switches SQLite to multi-thread mode before its first connection: no connection
/// takes a mutex on every column it reads (`db::sqlite_threading`).
#[test]
fn sqlite_connections_take_no_mutex_of_their_own() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("threading.db").display());
    kanogap::db::Db::connect(&url, 1).expect("open a SQLite database");
    assert!(kanogap::db::sqlite_threading::is_multi_thread());
}
