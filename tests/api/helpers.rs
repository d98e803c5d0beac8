//! Starts the real application on a free port with a fresh database and talks to it over HTTP.
//!
//! SQLite by default (a file in a temporary folder). With `KANOGAP_TEST_DATABASE_URL` set to a
//! PostgreSQL URL, each test gets a database of its own, created from that server and dropped
//! afterwards.

use actix_web::http::Method;
use kanogap::app::Application;
use kanogap::config::Settings;
use rand::distributions::{Alphanumeric, DistString};
use serde_json::{json, Value};
use tempfile::TempDir;

#[path = "../common/database.rs"]
pub mod database;
pub use database::{fresh_database, PgDatabase};

pub const ADMIN_EMAIL: &str = "admin@example.test";
pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const PASSWORD: &str = "a-long-password-42";

pub struct TestApp {
    pub base: String,
    pub settings: Settings,
    pub admin: String,
    client: awc::Client,
    server: actix_web::dev::ServerHandle,
    _dir: TempDir,
    pg: Option<PgDatabase>,
}

pub fn test_settings() -> (Settings, TempDir, Option<PgDatabase>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg) = fresh_database(dir.path(), "kanogap_test");
    let mut settings = Settings::defaults().expect("default settings");
    settings.database_url = database_url;
    settings.listen = "127.0.0.1:0".into();
    settings.data_dir = dir.path().to_path_buf();
    settings.pool_size = 4;
    settings.workers = 1;
    settings.jwt_secret = Some("test-secret-test-secret-test-secret-0123".into());
    settings.admin_email = Some(ADMIN_EMAIL.into());
    settings.admin_password = Some(ADMIN_PASSWORD.into());
    (settings, dir, pg)
}

pub async fn spawn_app() -> TestApp {
    let (settings, dir, pg) = test_settings();
    spawn_app_from(settings, dir, pg).await
}

pub async fn spawn_app_from(settings: Settings, dir: TempDir, pg: Option<PgDatabase>) -> TestApp {
    let app = Application::build(&settings).expect("build app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let server = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let mut test_app = TestApp {
        base,
        settings,
        admin: String::new(),
        client: awc::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            // The server closes an idle connection after 5 s (actix's default keep-alive); a
            // pooled one reused at that moment fails with `Disconnected` on a loaded machine.
            // Retiring idle connections after 1 s keeps the client clear of that race.
            .connector(awc::Connector::new().conn_keep_alive(std::time::Duration::from_secs(1)))
            .finish(),
        server,
        _dir: dir,
        pg,
    };
    test_app.admin = test_app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    test_app
}

impl TestApp {
    /// Stops the server and starts a new one on the same database, as after a restart.
    pub async fn restart(self) -> TestApp {
        self.server.stop(true).await;
        let TestApp { settings, _dir, pg, .. } = self;
        spawn_app_from(settings, _dir, pg).await
    }

    /// Sends a request and returns the status and the JSON body (`Null` when empty).
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
        let (status, bytes, _) = self
            .raw(
                method,
                path,
                token,
                body.map(|b| ("application/json", b.to_string().into_bytes())),
            )
            .await;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value)
    }

    /// Sends any body with any content type; returns status, body and headers.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> (u16, Vec<u8>, actix_web::http::header::HeaderMap) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.insert_header(("Authorization", format!("Bearer {t}")));
        }
        let mut response = match body {
            Some((content_type, bytes)) => {
                request
                    .insert_header(("Content-Type", content_type))
                    .send_body(bytes)
                    .await
            }
            None => request.send().await,
        }
        .expect("request sent");
        let bytes = response.body().limit(64 << 20).await.expect("body read");
        (response.status().as_u16(), bytes.to_vec(), response.headers().clone())
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(token), Some(&body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(Method::PATCH, path, Some(token), Some(&body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// POSTs and expects 201; returns the created object.
    pub async fn create(&self, path: &str, token: &str, body: Value) -> Value {
        let (status, value) = self.post(path, token, body).await;
        assert_eq!(status, 201, "POST {path}: {value}");
        value
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(&json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(status, 200, "login {email}: {body}");
        body["access_token"].as_str().expect("token").to_owned()
    }

    /// Creates a user with `role` (and segments, for stakeholders) and returns its token and id.
    pub async fn user(&self, role: &str, segment_ids: &[i64]) -> (String, i64) {
        let email = format!(
            "{role}-{}@example.test",
            Alphanumeric.sample_string(&mut rand::thread_rng(), 6).to_lowercase()
        );
        let user = self
            .create(
                "/api/v1/users",
                &self.admin,
                json!({"email": email, "password": PASSWORD, "role": role, "segment_ids": segment_ids}),
            )
            .await;
        (self.login(&email, PASSWORD).await, user["id"].as_i64().expect("id"))
    }

    pub async fn segment(&self, name: &str) -> i64 {
        self.create("/api/v1/segments", &self.admin, json!({"name": name}))
            .await["id"]
            .as_i64()
            .expect("id")
    }

    pub async fn requirement(&self, key: &str) -> i64 {
        self.create(
            "/api/v1/requirements",
            &self.admin,
            json!({"key": key, "title": format!("Requirement {key}"), "service_area_id": 8,
                   "metric": "minutes to call back", "unit": "min", "direction": "lower_is_better", "target": 5}),
        )
        .await["id"]
            .as_i64()
            .expect("id")
    }

    pub async fn session(&self, segment_ids: &[i64]) -> i64 {
        self.create(
            "/api/v1/sessions",
            &self.admin,
            json!({"kind": "focus_group", "title": "Focus group", "held_on": "2026-11-02", "segment_ids": segment_ids}),
        )
        .await["id"]
            .as_i64()
            .expect("id")
    }

    pub async fn finding(&self, requirement_id: i64, segment_id: i64, category: &str) -> i64 {
        self.create(
            "/api/v1/findings",
            &self.admin,
            json!({"requirement_id": requirement_id, "segment_id": segment_id, "category": category, "importance": 4}),
        )
        .await["id"]
            .as_i64()
            .expect("id")
    }
}

/// The error code of an error body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// The fields named in an error body.
pub fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}
