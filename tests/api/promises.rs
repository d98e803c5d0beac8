//! Promises of the README that no other test holds the service to: the metrics scraper token,
//! `/health` when the database is gone, `KANOGAP_CONFIG` and the environment's precedence,
//! `KANOGAP_COOKIE_SECURE`, and signing out clearing both cookies.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::Method;

use crate::helpers::{spawn_app, spawn_app_from, test_settings, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

const SCRAPER_TOKEN: &str = "scraper-token-0123456789-abcdefghij"; // 35 characters

async fn status_with(app: &TestApp, method: Method, path: &str, bearer: &str) -> u16 {
    app.raw(method, path, Some(bearer), None).await.0
}

#[actix_web::test]
async fn the_metrics_token_opens_metrics_and_nothing_else() {
    let (mut settings, dir, pg) = test_settings();
    settings.metrics_token = Some(SCRAPER_TOKEN.into());
    let app = spawn_app_from(settings, dir, pg).await;
    let (status, body, _) = app.raw(Method::GET, "/metrics", Some(SCRAPER_TOKEN), None).await;
    assert_eq!(status, 200);
    assert!(
        String::from_utf8_lossy(&body).contains("kanogap_http_requests_total"),
        "Prometheus text"
    );
    // Only the whole token, as a bearer token.
    for wrong in [
        &SCRAPER_TOKEN[..SCRAPER_TOKEN.len() - 1],
        "scraper-token-0123456789-abcdefghiJ",
    ] {
        assert_eq!(status_with(&app, Method::GET, "/metrics", wrong).await, 401, "{wrong}");
    }
    // It opens no other route: reads, writes, documentation, pages.
    for (method, path) in [
        (Method::GET, "/api/v1/me"),
        (Method::GET, "/api/v1/segments"),
        (Method::GET, "/api/v1/users"),
        (Method::GET, "/api/v1/audit"),
        (Method::GET, "/api/v1/reports/gaps"),
        (Method::GET, "/api/v1/openapi.json"),
        (Method::POST, "/api/v1/segments"),
        (Method::POST, "/api/v1/me/sign-out-everywhere"),
    ] {
        let status = status_with(&app, method.clone(), path, SCRAPER_TOKEN).await;
        assert_eq!(status, 401, "{method} {path} with the scraper token");
    }
    // Pages (redirects not followed: the sign-in page itself answers 200).
    let no_redirects = awc::Client::builder().disable_redirects().finish();
    for path in ["/docs/", "/dashboard", "/admin"] {
        let resp = no_redirects
            .get(format!("{}{path}", app.base))
            .insert_header(("Authorization", format!("Bearer {SCRAPER_TOKEN}")))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        assert!(
            status == 401 || location.as_deref().is_some_and(|l| l.starts_with("/login")),
            "GET {path} with the scraper token: {status} {location:?} (expected a refusal or the sign-in redirect)"
        );
    }
    // Control: the admin's token still reads the metrics.
    assert_eq!(status_with(&app, Method::GET, "/metrics", &app.admin).await, 200);
}

#[actix_web::test]
async fn a_short_metrics_token_is_ignored() {
    let short = &SCRAPER_TOKEN[..31];
    let (mut settings, dir, pg) = test_settings();
    settings.metrics_token = Some(short.into());
    let app = spawn_app_from(settings, dir, pg).await;
    assert_eq!(
        status_with(&app, Method::GET, "/metrics", short).await,
        401,
        "a token under 32 characters opens nothing"
    );
    assert_eq!(status_with(&app, Method::GET, "/metrics", &app.admin).await, 200);
}

// ---------------------------------------------------------------------------------------------
// Cookies

fn set_cookies(headers: &actix_web::http::header::HeaderMap) -> Vec<String> {
    headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn cookie_header<'a>(cookies: &'a [String], name: &str) -> &'a str {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie set in {cookies:?}"))
}

fn cookie_value(cookies: &[String], name: &str) -> String {
    let header = cookie_header(cookies, name);
    header[name.len() + 1..].split(';').next().unwrap().to_owned()
}

fn attributes(header: &str) -> Vec<String> {
    header.split(';').skip(1).map(|a| a.trim().to_lowercase()).collect()
}

/// Signs in through the form; returns every `Set-Cookie` of the sign-in page and of the answer
/// to the form.
async fn sign_in_by_form(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let client = awc::Client::builder().disable_redirects().finish();
    let page = client.get(format!("{}/login", app.base)).send().await.unwrap();
    let on_page = set_cookies(page.headers());
    let csrf = cookie_value(&on_page, "kanogap_csrf");
    let resp = client
        .post(format!("{}/login", app.base))
        .insert_header(("Cookie", format!("kanogap_csrf={csrf}")))
        .send_form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303, "signed in");
    (on_page, set_cookies(resp.headers()))
}

#[actix_web::test]
async fn cookie_secure_marks_both_cookies_secure() {
    let (mut settings, dir, pg) = test_settings();
    settings.cookie_secure = true;
    let app = spawn_app_from(settings, dir, pg).await;
    let (on_page, signed_in) = sign_in_by_form(&app).await;
    for (cookies, name) in [
        (&on_page, "kanogap_csrf"),
        (&signed_in, "kanogap_session"),
        (&signed_in, "kanogap_csrf"),
    ] {
        let header = cookie_header(cookies, name);
        let attrs = attributes(header);
        for wanted in ["secure", "httponly", "samesite=strict"] {
            assert!(
                attrs.iter().any(|a| a == wanted),
                "{name}: {wanted} missing in {header}"
            );
        }
    }
    // Control: without the setting neither cookie is Secure.
    let plain = spawn_app().await;
    let (on_page, signed_in) = sign_in_by_form(&plain).await;
    for header in [
        cookie_header(&on_page, "kanogap_csrf"),
        cookie_header(&signed_in, "kanogap_session"),
        cookie_header(&signed_in, "kanogap_csrf"),
    ] {
        assert!(!attributes(header).iter().any(|a| a == "secure"), "{header}");
    }
}

#[actix_web::test]
async fn signing_out_clears_both_cookies() {
    let app = spawn_app().await;
    let (_, signed_in) = sign_in_by_form(&app).await;
    let session = cookie_value(&signed_in, "kanogap_session");
    let csrf = cookie_value(&signed_in, "kanogap_csrf");
    let resp = awc::Client::builder()
        .disable_redirects()
        .finish()
        .post(format!("{}/logout", app.base))
        .insert_header(("Cookie", format!("kanogap_session={session}; kanogap_csrf={csrf}")))
        .send_form(&[("csrf", csrf.as_str())])
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let cleared = set_cookies(resp.headers());
    for name in ["kanogap_session", "kanogap_csrf"] {
        let header = cookie_header(&cleared, name);
        let attrs = attributes(header);
        let expired = attrs.iter().any(|a| a == "max-age=0")
            || attrs
                .iter()
                .any(|a| a.strip_prefix("expires=").is_some_and(|d| d.contains("1970")));
        assert!(
            expired && cookie_value(&cleared, name).is_empty() && attrs.iter().any(|a| a == "path=/"),
            "{name} not cleared: {header}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// /health when the database is gone

/// PostgreSQL: the database is dropped under the running service (its connections terminated),
/// and `/health` answers 503. SQLite: the file is overwritten with bytes that are no database.
#[actix_web::test]
async fn health_answers_503_when_the_database_is_down() {
    let (settings, dir, pg) = test_settings();
    let url = settings.database_url.clone();
    let server_url = std::env::var("KANOGAP_TEST_DATABASE_URL").ok();
    let app = spawn_app_from(settings, dir, pg).await;
    assert_eq!(app.call(Method::GET, "/health", None, None).await.0, 200, "control");
    match &server_url {
        Some(server_url) => {
            use diesel::{Connection, PgConnection, RunQueryDsl};
            let name = url.rsplit_once('/').unwrap().1.split('?').next().unwrap().to_owned();
            let mut conn = PgConnection::establish(server_url).expect("connect to the test server");
            diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut conn)
                .expect("drop the database under the service");
        }
        None => {
            let file = url.strip_prefix("sqlite://").unwrap();
            let garbage = vec![0xA5u8; 64 * 1024];
            for path in [file.to_owned(), format!("{file}-wal"), format!("{file}-shm")] {
                if std::path::Path::new(&path).exists() {
                    std::fs::write(&path, &garbage).expect("overwrite the database file");
                }
            }
        }
    }
    let (status, body) = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "service_unavailable", "{body}");
}

// ---------------------------------------------------------------------------------------------
// KANOGAP_CONFIG and the environment

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request over a plain socket (`Connection: close`); the whole answer as text.
fn request(port: u16, raw: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn post_json(port: u16, path: &str, token: Option<&str>, body: &str) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    request(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `kanogap serve` with exactly these variables; waits until one of `ports` answers `/health`
/// and returns it.
fn serve(vars: &[(&str, String)], ports: &[u16]) -> (Served, u16) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kanogap"));
    cmd.arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut served = Served(cmd.spawn().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(served.0.try_wait().unwrap().is_none(), "kanogap serve exited");
        for &port in ports {
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && request(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .starts_with("HTTP/1.1 200")
            {
                return (served, port);
            }
        }
        assert!(Instant::now() < deadline, "kanogap serve did not answer on {ports:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn token_of(answer: &str) -> Option<String> {
    let body = answer.split("\r\n\r\n").nth(1)?;
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v["access_token"].as_str().map(str::to_owned)
}

/// The built-in defaults, then the `KANOGAP_CONFIG` file over them, then `KANOGAP_*` variables
/// over both, seen from the outside: which port the service listens on, which first admin it
/// creates, how large a JSON body it takes.
#[actix_web::test]
async fn config_file_overrides_defaults_and_the_environment_overrides_the_file() {
    let (settings, dir, _pg) = test_settings();
    let (file_port, env_port) = (free_port(), free_port());
    let config = dir.path().join("kanogap.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{file_port}\"\nadmin_email = \"file-admin@example.test\"\njson_limit_bytes = 300\n"
        ),
    )
    .unwrap();
    let base = [
        ("KANOGAP_CONFIG", config.display().to_string()),
        ("KANOGAP_DATABASE_URL", settings.database_url.clone()),
        ("KANOGAP_DATA_DIR", dir.path().display().to_string()),
        ("KANOGAP_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
        ("KANOGAP_WORKERS", "1".to_owned()),
    ];
    let credentials = |email: &str| format!("{{\"email\":\"{email}\",\"password\":\"{ADMIN_PASSWORD}\"}}");
    let big = format!("{{\"name\":\"Big\",\"description\":\"{}\"}}", "d".repeat(400));

    // The file over the defaults: its port (not 8080), its admin (not admin@localhost), its limit.
    let token = {
        let (_served, port) = serve(&base, &[file_port, env_port, 8080]);
        assert_eq!(port, file_port, "listens where the file says");
        let default_admin = post_json(port, "/api/v1/auth/token", None, &credentials("admin@localhost"));
        assert!(default_admin.starts_with("HTTP/1.1 401"), "{default_admin}");
        let answer = post_json(
            port,
            "/api/v1/auth/token",
            None,
            &credentials("file-admin@example.test"),
        );
        let token = token_of(&answer).unwrap_or_else(|| panic!("the file's admin signs in: {answer}"));
        let answer = post_json(port, "/api/v1/segments", Some(&token), &big);
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "the file's 300-byte limit: {answer}"
        );
        token
    };

    // The environment over the file.
    let mut vars = base.to_vec();
    vars.push(("KANOGAP_LISTEN", format!("127.0.0.1:{env_port}")));
    vars.push(("KANOGAP_JSON_LIMIT_BYTES", "100000".to_owned()));
    let (_served, port) = serve(&vars, &[file_port, env_port, 8080]);
    assert_eq!(port, env_port, "listens where the environment says");
    assert!(
        TcpStream::connect(("127.0.0.1", file_port)).is_err(),
        "nothing on the file's port"
    );
    let answer = post_json(port, "/api/v1/segments", Some(&token), &big);
    assert!(answer.starts_with("HTTP/1.1 201"), "the environment's limit: {answer}");
}
