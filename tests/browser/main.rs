//! Browser tests: each role's main journey through the pages, in headless Chromium driven over
//! WebDriver (Debian's chromium and chromium-driver; `.ci/run` installs them). The journeys run
//! when `chromedriver` is on the PATH and Chromium is found; otherwise they pass after one line
//! on stderr saying they were skipped. With KANOGAP_REQUIRE_BROWSER_TESTS=1 (as `.ci/run` sets
//! it) a missing chromedriver or Chromium fails every journey instead.

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use helpers::{spawn_app, TestApp, PASSWORD};
use serde_json::{json, Value};

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    chromium: PathBuf,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const REQUIRE: &str = "KANOGAP_REQUIRE_BROWSER_TESTS";

/// What the journeys need: the chromedriver found on the PATH and the Chromium it drives.
struct Tools {
    chromedriver: PathBuf,
    chromium: PathBuf,
}

/// The first file named `name` on the PATH that is executable.
fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

fn find_tools() -> Result<Tools, String> {
    let chromedriver = on_path("chromedriver").ok_or("chromedriver not on PATH")?;
    let chromium = match std::env::var_os("CHROMIUM") {
        Some(c) if Path::new(&c).is_file() => PathBuf::from(c),
        Some(c) => return Err(format!("CHROMIUM={} is not a file", Path::new(&c).display())),
        None => on_path("chromium")
            .or_else(|| Some(PathBuf::from("/usr/bin/chromium")).filter(|p| p.is_file()))
            .ok_or("chromium not found (on PATH, at /usr/bin/chromium, or as CHROMIUM=<path>)")?,
    };
    Ok(Tools { chromedriver, chromium })
}

/// The browser tools, or None when the journeys are to be skipped. Looked up once per test
/// binary; a skip is reported once, on stderr past the test harness's capture, so it shows in
/// `cargo test`'s output. Under KANOGAP_REQUIRE_BROWSER_TESTS=1 a missing tool fails the test.
fn tools() -> Option<&'static Tools> {
    static TOOLS: OnceLock<Result<Tools, String>> = OnceLock::new();
    let required = std::env::var(REQUIRE).is_ok_and(|v| v == "1");
    let found = TOOLS.get_or_init(|| {
        let found = find_tools();
        if let (Err(why), false) = (&found, required) {
            let _ = writeln!(
                std::io::stderr(),
                "browser journeys skipped: {why} (set {REQUIRE}=1 to make this an error)"
            );
        }
        found
    });
    match found {
        Ok(tools) => Some(tools),
        Err(why) if required => panic!(
            "{REQUIRE}=1 but the browser journeys cannot run: {why} \
             (apt-get install chromium chromium-driver)"
        ),
        Err(_) => None,
    }
}

fn start_driver(tools: &Tools) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&tools.chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", tools.chromedriver.display()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        chromium: tools.chromium.clone(),
        _profile: tempfile::tempdir().unwrap(),
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": driver.chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run",
                     "--disable-sync", "--window-size=1280,1000",
                     format!("--user-data-dir={}", driver._profile.path().display())]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

async fn sign_in(b: &Client, app: &TestApp, email: &str, password: &str) {
    b.goto(&format!("{}/login", app.base)).await.unwrap();
    b.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    b.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    b.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(b, |p| p != "/login").await;
}

async fn path(b: &Client) -> String {
    b.current_url().await.unwrap().path().to_owned()
}

async fn wait_for_path(b: &Client, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let p = path(b).await;
        if ok(&p) {
            return p;
        }
        assert!(Instant::now() < deadline, "stuck at {p}");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the element shows `needle` (pages load after a click), printing the page if not.
async fn wait_for_text(b: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(e) = b.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t.contains(needle) {
                    return t;
                }
            }
        }
        if Instant::now() > deadline {
            panic!(
                "{css} never showed {needle:?} at {}: {}",
                path(b).await,
                b.source().await.unwrap_or_default()
            );
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(b: &Client, css: &str) -> String {
    b.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

async fn email_of(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", token).await.1["email"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn facilitator_records_a_session_with_findings_and_uploads_answers() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    app.requirement("HD-CALLBACK").await;
    let (token, _) = app.user("facilitator", &[]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;

    sign_in(&b, &app, &email, PASSWORD).await;
    assert_eq!(path(&b).await, "/sessions", "facilitators land on their sessions");

    // A new session; first with a blank title, refused beside the field, keeping the rest.
    b.find(Locator::Id("title"))
        .await
        .unwrap()
        .send_keys("   ")
        .await
        .unwrap();
    b.find(Locator::Id("kind"))
        .await
        .unwrap()
        .select_by_value("focus_group")
        .await
        .unwrap();
    b.find(Locator::Css(&format!("input[name=segment_ids][value='{finance}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Id("notes"))
        .await
        .unwrap()
        .send_keys("Month-end pain")
        .await
        .unwrap();
    b.find(Locator::Css("form[action='/sessions'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, "#title-error", "must not be blank").await;
    assert_eq!(
        b.find(Locator::Id("notes"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Month-end pain")
    );
    let title = b.find(Locator::Id("title")).await.unwrap();
    title.clear().await.unwrap();
    title.send_keys("Finance focus group").await.unwrap();
    b.find(Locator::Css("form[action='/sessions'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".notice", "Session saved").await;
    let session_path = path(&b).await;

    // Two findings at once: one on an existing requirement, one on a requirement created inline.
    b.find(Locator::Id("requirement_id-0"))
        .await
        .unwrap()
        .select_by_label("HD-CALLBACK Requirement HD-CALLBACK")
        .await
        .unwrap();
    b.find(Locator::Id("segment_id-0"))
        .await
        .unwrap()
        .select_by_value(&finance.to_string())
        .await
        .unwrap();
    b.find(Locator::Id("importance-0"))
        .await
        .unwrap()
        .select_by_value("5")
        .await
        .unwrap();
    b.find(Locator::Id("note-0"))
        .await
        .unwrap()
        .send_keys("A person on the phone within minutes")
        .await
        .unwrap();
    b.find(Locator::Id("new_key-1"))
        .await
        .unwrap()
        .send_keys("TR-VIDEO")
        .await
        .unwrap();
    b.find(Locator::Id("new_title-1"))
        .await
        .unwrap()
        .send_keys("Short video tutorials")
        .await
        .unwrap();
    b.find(Locator::Id("segment_id-1"))
        .await
        .unwrap()
        .select_by_value(&finance.to_string())
        .await
        .unwrap();
    b.find(Locator::Id("category-1"))
        .await
        .unwrap()
        .select_by_value("delighter")
        .await
        .unwrap();
    b.find(Locator::Css("form[action$='/findings'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".notice", "2 finding(s) saved").await;
    assert_eq!(path(&b).await, session_path);
    let table = text_of(&b, "table").await;
    assert!(table.contains("HD-CALLBACK") && table.contains("TR-VIDEO"), "{table}");

    // Questionnaire upload: a good file, then one with a bad row.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("answers.csv");
    std::fs::write(&good, "respondent,segment,requirement,functional,dysfunctional\nr1,Finance,HD-CALLBACK,expect,dislike\nr2,Finance,TR-VIDEO,like,neutral\n").unwrap();
    b.goto(&format!("{}/imports", app.base)).await.unwrap();
    b.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&good.display().to_string())
        .await
        .unwrap();
    b.find(Locator::Css("form[action='/imports'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, "#import-result", "2 answers imported.").await;
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "respondent,segment,requirement,functional,dysfunctional\nr3,Finance,HD-CALLBACK,love,dislike\n",
    )
    .unwrap();
    b.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&bad.display().to_string())
        .await
        .unwrap();
    b.find(Locator::Css("form[action='/imports'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, "#import-result", "nothing was imported").await;
    let errors = text_of(&b, "#row-errors").await;
    assert!(errors.contains("2") && errors.contains("functional"), "{errors}");
    let (_, kano) = app.get("/api/v1/kano", &app.admin).await;
    let n: u64 = kano["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 2, "the bad file stored nothing");
    b.close().await.unwrap();
}

/// Finance with a basic need and an SLA in review; Sales with an SLA of its own.
async fn two_segments_with_slas(app: &TestApp) -> (i64, i64, i64, i64) {
    let finance = app
        .create(
            "/api/v1/segments",
            &app.admin,
            json!({"name": "Finance", "ambassador": "Dana Reyes"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let sales = app.segment("Sales").await;
    let r = app.requirement("HD-CALLBACK").await;
    app.finding(r, finance, "basic").await;
    app.finding(r, sales, "satisfier").await;
    app.create(
        "/api/v1/assessments",
        &app.admin,
        json!({"requirement_id": r, "current_value": 20, "assessed_on": "2026-11-01"}),
    )
    .await;
    let finance_sla = app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": finance}))
        .await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/sla-drafts/{finance_sla}/submit"),
        &app.admin,
        Value::Null,
    )
    .await;
    let sales_sla = app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": sales}))
        .await["id"]
        .as_i64()
        .unwrap();
    (finance, sales, finance_sla, sales_sla)
}

#[actix_web::test]
async fn stakeholder_reads_the_value_proposition_and_signs_off_and_sees_no_other_segment() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let (finance, sales, finance_sla, sales_sla) = two_segments_with_slas(&app).await;
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;

    sign_in(&b, &app, &email, PASSWORD).await;
    assert_eq!(path(&b).await, format!("/segments/{finance}"));
    assert_eq!(text_of(&b, "h1").await, "What IT promises Finance");
    let promises = text_of(&b, "ul.items").await;
    assert!(
        promises.contains("Requirement HD-CALLBACK") && promises.contains("25 % delivered"),
        "{promises}"
    );
    assert!(text_of(&b, "#sla-status").await.contains("In review"));
    b.find(Locator::Id("sign-off")).await.unwrap().click().await.unwrap();
    wait_for_text(&b, ".notice", "Signed off").await;
    assert_eq!(path(&b).await, format!("/segments/{finance}"));
    assert!(text_of(&b, "#sla-status").await.contains("signed off by you"));
    assert!(
        b.find(Locator::Id("sign-off")).await.is_err(),
        "no second sign-off button"
    );
    let (_, sla) = app.get(&format!("/api/v1/sla-drafts/{finance_sla}"), &app.admin).await;
    assert_eq!(sla["signoffs"][0]["user_email"], email.as_str());

    // Another segment's pages do not exist for them.
    for url in [
        format!("/segments/{sales}"),
        format!("/sla/{sales_sla}"),
        format!("/api/v1/segments/{sales}/value-proposition?format=html"),
    ] {
        b.goto(&format!("{}{url}", app.base)).await.unwrap();
        let source = b.source().await.unwrap();
        assert!(!source.contains("Sales"), "{url} shows Sales: {source}");
        assert!(
            source.contains("Not found") || source.contains("not_found"),
            "{url}: {source}"
        );
    }
    b.close().await.unwrap();
}

#[actix_web::test]
async fn leadership_filters_the_gap_report_and_downloads_it() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let (finance, _sales, _, _) = two_segments_with_slas(&app).await;
    let (token, _) = app.user("leadership", &[]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;

    sign_in(&b, &app, &email, PASSWORD).await;
    assert_eq!(path(&b).await, "/dashboard");
    let all = text_of(&b, "#gaps").await;
    assert!(all.contains("Finance") && all.contains("Sales"), "{all}");
    assert_eq!(
        b.find_all(Locator::Css(".chart svg")).await.unwrap().len(),
        3,
        "three charts"
    );

    b.find(Locator::Id("f-segment"))
        .await
        .unwrap()
        .select_by_value(&finance.to_string())
        .await
        .unwrap();
    b.find(Locator::Id("f-tier"))
        .await
        .unwrap()
        .select_by_value("1")
        .await
        .unwrap();
    b.find(Locator::Css("#filters button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !b.current_url().await.unwrap().as_str().contains("tier=1") {
        assert!(Instant::now() < deadline);
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let filtered = text_of(&b, "#gaps").await;
    assert!(
        filtered.contains("Finance") && !filtered.contains("Sales"),
        "{filtered}"
    );

    // The download link carries the filters and works with the browser's session.
    let href = b
        .find(Locator::Id("download-csv"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        href.contains("format=csv") && href.contains(&format!("segment_id={finance}")) && href.contains("tier=1"),
        "{href}"
    );
    let session = b.get_named_cookie("kanogap_session").await.unwrap();
    let mut response = awc::Client::default()
        .get(format!("{}{href}", app.base))
        .insert_header(("Cookie", format!("kanogap_session={}", session.value())))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("attachment"));
    let csv = String::from_utf8(response.body().await.unwrap().to_vec()).unwrap();
    assert!(
        csv.starts_with("rank,placement,tier")
            && csv.contains("HD-CALLBACK")
            && csv.contains("Finance")
            && !csv.contains("Sales"),
        "{csv}"
    );

    // Sign out: the pages send us back to the sign-in page.
    b.find(Locator::Css(".signout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&b, |p| p == "/login").await;
    b.goto(&format!("{}/dashboard", app.base)).await.unwrap();
    assert_eq!(path(&b).await, "/login");
    b.close().await.unwrap();
}

#[actix_web::test]
async fn wrong_password_is_shown_on_the_sign_in_page() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    b.goto(&format!("{}/login", app.base)).await.unwrap();
    b.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(helpers::ADMIN_EMAIL)
        .await
        .unwrap();
    b.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("not-the-password")
        .await
        .unwrap();
    b.find(Locator::Css("form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".error", "Wrong e-mail or password.").await;
    assert_eq!(
        b.find(Locator::Id("email"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(helpers::ADMIN_EMAIL)
    );
    sign_in(&b, &app, helpers::ADMIN_EMAIL, helpers::ADMIN_PASSWORD).await;
    assert_eq!(path(&b).await, "/admin");
    b.close().await.unwrap();
}

/// The interactive API docs: signed in through the pages, the browser loads Swagger UI from the
/// binary and it reads the spec with the page cookie.
#[actix_web::test]
async fn signed_in_users_browse_the_api_docs() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    b.goto(&format!("{}/docs", app.base)).await.unwrap();
    wait_for_path(&b, |p| p == "/login").await;
    sign_in(&b, &app, helpers::ADMIN_EMAIL, helpers::ADMIN_PASSWORD).await;
    b.goto(&format!("{}/docs", app.base)).await.unwrap();
    wait_for_path(&b, |p| p == "/docs/").await;
    wait_for_text(&b, ".swagger-ui .info .title", "kanogap").await;
    let paths = wait_for_text(&b, ".swagger-ui", "/api/v1/reports/gaps").await;
    assert!(paths.contains("/api/v1/segments/{id}/value-proposition"), "{paths}");
    b.close().await.unwrap();
}

/// The requirements catalogue: a facilitator pages through it, finds one by part of its key,
/// adds a requirement (refused once beside the field), and edits it.
#[actix_web::test]
async fn facilitator_finds_adds_and_edits_requirements() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    for i in 0..55 {
        app.requirement(&format!("CAT-{i:03}")).await;
    }
    let (token, _) = app.user("facilitator", &[]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;
    b.find(Locator::Css("nav a[href='/requirements']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".pager", "1–50 of 55").await;
    b.find(Locator::Css("a[rel=next]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, "#requirements", "CAT-054").await;

    // Found by part of its key, in any case.
    b.find(Locator::Id("q-search"))
        .await
        .unwrap()
        .send_keys("cat-05")
        .await
        .unwrap();
    b.find(Locator::Css("form[role=search] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".pager", "1–5 of 5").await;

    // A new requirement: a bad key first, shown beside the field with what was typed kept.
    b.find(Locator::Id("r-key"))
        .await
        .unwrap()
        .send_keys("x")
        .await
        .unwrap();
    b.find(Locator::Id("r-title"))
        .await
        .unwrap()
        .send_keys("Weekend help desk")
        .await
        .unwrap();
    b.find(Locator::Css("#requirement-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, "#requirement-form .field-error", "2-32 characters").await;
    assert_eq!(
        b.find(Locator::Id("r-title"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Weekend help desk")
    );
    let key = b.find(Locator::Id("r-key")).await.unwrap();
    key.clear().await.unwrap();
    key.send_keys("HD-WEEKEND").await.unwrap();
    b.find(Locator::Css("#requirement-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".notice", "Added HD-WEEKEND").await;
    b.find(Locator::Css("#requirements a[href^='/requirements/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let title = b.find(Locator::Id("r-title")).await.unwrap();
    title.clear().await.unwrap();
    title.send_keys("Weekend and holiday help desk").await.unwrap();
    b.find(Locator::Css("#requirement-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, "#requirements", "Weekend and holiday help desk").await;
    b.close().await.unwrap();
}

#[actix_web::test]
async fn facilitator_picks_two_waves_and_sees_a_fading_delighter() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    // The demo: two survey waves a year apart, faculty's single sign-on fading.
    let db = kanogap::db::Db::connect(&app.settings.database_url, 1).expect("database");
    kanogap::demo::load(&db).expect("demo data");
    let (_, sessions) = app.get("/api/v1/sessions?limit=100", &app.admin).await;
    let mut waves: Vec<(String, i64)> = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "survey")
        .map(|s| (s["held_on"].as_str().unwrap().to_owned(), s["id"].as_i64().unwrap()))
        .collect();
    waves.sort();
    assert_eq!(waves.len(), 2, "{sessions}");
    let (_, segments) = app.get("/api/v1/segments", &app.admin).await;
    let faculty = segments["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Faculty")
        .and_then(|s| s["id"].as_i64())
        .unwrap();
    let (token, _) = app.user("facilitator", &[]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;

    sign_in(&b, &app, &email, PASSWORD).await;
    follow(&b, "Life cycle").await;
    wait_for_path(&b, |p| p == "/kano/lifecycle").await;
    for (id, value) in [
        ("from", waves[0].1.to_string()),
        ("to", waves[1].1.to_string()),
        ("segment_id", faculty.to_string()),
    ] {
        b.find(Locator::Id(id))
            .await
            .unwrap()
            .select_by_value(&value)
            .await
            .unwrap();
    }
    b.find(Locator::Id("compare")).await.unwrap().click().await.unwrap();
    let fading = wait_for_text(&b, "#fading-delighters", "DS-SSO").await;
    assert!(fading.contains("delighter → satisfier"), "{fading}");
    assert!(b
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains(&format!("segment_id={faculty}")));
    // The arrow is drawn, and the matrix counts the move from A to O.
    assert_eq!(b.find_all(Locator::Css("svg g.arrow.fading")).await.unwrap().len(), 1);
    let matrix = text_of(&b, "#transition-matrix").await;
    assert!(matrix.contains("A delighter"), "{matrix}");
    let moves = text_of(&b, "#moves").await;
    assert!(moves.contains("DS-SSO") && moves.contains("yes"), "{moves}");
}

/// A stakeholder reports a problem from their page; leadership acknowledges and resolves it in
/// the complaint log; the stakeholder sees it resolved.
#[actix_web::test]
async fn stakeholder_files_a_complaint_and_leadership_resolves_it() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = email_of(&app, &token).await;
    let (lead_token, _) = app.user("leadership", &[]).await;
    let lead_email = email_of(&app, &lead_token).await;

    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;
    follow(&b, "Report a problem").await;
    wait_for_path(&b, |p| p == "/complaints").await;
    b.find(Locator::Id("c-summary"))
        .await
        .unwrap()
        .send_keys("The VPN drops every hour")
        .await
        .unwrap();
    b.find(Locator::Id("file-complaint"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = wait_for_text(&b, ".notice", "filed").await;
    assert!(notice.contains("C-"), "{notice}");
    assert!(text_of(&b, "#complaints").await.contains("The VPN drops every hour"));
    b.close().await.unwrap();

    let (_, list) = app.get("/api/v1/complaints", &app.admin).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &lead_email, PASSWORD).await;
    b.goto(&format!("{}/complaints?status=open", app.base)).await.unwrap();
    b.find(Locator::Css(&format!("#complaint-{id} button.acknowledge")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".notice", "acknowledged").await;
    b.find(Locator::Css(&format!("#complaint-{id} input[name=resolution]")))
        .await
        .unwrap()
        .send_keys("Issued a new VPN profile")
        .await
        .unwrap();
    b.find(Locator::Css(&format!("#complaint-{id} button.resolve")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".notice", "resolved").await;
    assert!(text_of(&b, &format!("#complaint-{id} .status"))
        .await
        .contains("resolved"));
    b.goto(&format!("{}/complaints/stats", app.base)).await.unwrap();
    assert!(text_of(&b, "h1").await.contains("Complaint statistics"));
    b.close().await.unwrap();

    let (_, complaint) = app.get(&format!("/api/v1/complaints/{id}"), &app.admin).await;
    assert_eq!(complaint["status"], "resolved");
    assert_eq!(complaint["resolution"], "Issued a new VPN profile");
}

/// Leadership drafts an improvement plan for Finance, adds a change and submits it; Finance's
/// stakeholder finds it awaiting them and signs it off; leadership approves it: agreed.
#[actix_web::test]
async fn plan_from_draft_to_agreed_with_a_stakeholders_sign_off() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = email_of(&app, &token).await;
    let (lead_token, _) = app.user("leadership", &[]).await;
    let lead_email = email_of(&app, &lead_token).await;

    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &lead_email, PASSWORD).await;
    follow(&b, "Improvement plans").await;
    wait_for_path(&b, |p| p == "/improvement-plans").await;
    b.find(Locator::Id("p-title"))
        .await
        .unwrap()
        .send_keys("Service desk call-backs")
        .await
        .unwrap();
    b.find(Locator::Id("p-area"))
        .await
        .unwrap()
        .select_by_value("8")
        .await
        .unwrap();
    b.find(Locator::Id("p-segments"))
        .await
        .unwrap()
        .select_by_value(&finance.to_string())
        .await
        .unwrap();
    b.find(Locator::Id("create-plan")).await.unwrap().click().await.unwrap();
    wait_for_text(&b, ".notice", "Plan drafted").await;
    let plan_path = path(&b).await;
    assert!(text_of(&b, "#size-hint").await.contains("six to eight changes"));
    b.find(Locator::Id("c-title"))
        .await
        .unwrap()
        .send_keys("Call back within 30 minutes")
        .await
        .unwrap();
    // A date control's typing depends on the browser's locale: set its value directly.
    b.execute("document.getElementById('c-due').value = '2099-03-31';", vec![])
        .await
        .unwrap();
    b.find(Locator::Id("c-resources"))
        .await
        .unwrap()
        .send_keys("A second phone line")
        .await
        .unwrap();
    b.find(Locator::Id("add-change")).await.unwrap().click().await.unwrap();
    wait_for_text(&b, ".notice", "Change added").await;
    assert!(text_of(&b, "#changes").await.contains("Call back within 30 minutes"));
    b.find(Locator::Id("submit-plan")).await.unwrap().click().await.unwrap();
    wait_for_text(&b, ".notice", "Submitted").await;
    assert!(text_of(&b, "#plan-state").await.contains("In review"));
    assert!(
        b.find(Locator::Id("approve-plan")).await.is_err(),
        "not before the sign-off"
    );
    b.close().await.unwrap();

    // The stakeholder sees the plan awaiting Finance and signs it off from the list.
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;
    follow(&b, "Improvement plans").await;
    wait_for_path(&b, |p| p == "/improvement-plans").await;
    assert!(text_of(&b, "#plans").await.contains("Finance: awaiting"));
    b.find(Locator::Css("#plans button.sign-off"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".notice", "Signed off").await;
    assert!(text_of(&b, "#sign-offs")
        .await
        .contains(&format!("Signed for Finance by {email}")));
    assert!(b.find(Locator::Id("sign-off")).await.is_err(), "signed once");
    b.close().await.unwrap();

    // Leadership approves: agreed.
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &lead_email, PASSWORD).await;
    b.goto(&format!("{}{plan_path}", app.base)).await.unwrap();
    b.find(Locator::Id("approve-plan"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&b, ".notice", "Agreed").await;
    assert!(text_of(&b, "#plan-state").await.contains("Agreed"));
    assert!(b.find(Locator::Id("change-form")).await.is_err(), "scope frozen");
    b.close().await.unwrap();

    let (_, list) = app.get("/api/v1/improvement-plans", &app.admin).await;
    let plan = &list["items"][0];
    assert_eq!(plan["status"], "agreed");
    assert_eq!(plan["sign_offs"][0]["user_email"].as_str(), Some(email.as_str()));
}

/// Follows the link with this text (a navigation entry, usually).
async fn follow(b: &Client, text: &str) {
    b.find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("link {text:?}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn click(b: &Client, css: &str) {
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn type_into(b: &Client, css: &str, text: &str) {
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn choose(b: &Client, css: &str, value: &str) {
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

/// Date inputs take their value from script: typing into them depends on the browser's locale.
async fn set_date(b: &Client, id: &str, day: &str) {
    b.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![json!(id), json!(day)],
    )
    .await
    .unwrap();
}

/// A facilitator starts a fishbone analysis, adds three causes (one a sub-cause) inline and
/// verifies one; the diagram shows them, the verified one marked; the segment's stakeholder
/// reads it without the forms; leadership turns the verified cause into a plan change.
#[actix_web::test]
async fn a_fishbone_with_three_causes_one_verified_and_turned_into_a_plan_change() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (token, _) = app.user("facilitator", &[]).await;
    let email = email_of(&app, &token).await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let stakeholder_email = email_of(&app, &stakeholder).await;

    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;
    follow(&b, "Root causes").await;
    wait_for_path(&b, |p| p == "/root-causes").await;
    type_into(&b, "#r-problem", "Call-backs take 22 minutes, promised 5").await;
    choose(&b, "#r-segment", &finance.to_string()).await;
    choose(&b, "#r-set", "4S").await;
    click(&b, "#start-analysis").await;
    let at = wait_for_path(&b, |p| p.starts_with("/root-causes/")).await;
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    wait_for_text(&b, ".notice", "Analysis started").await;

    for (category, parent, text) in [
        ("Systems", None, "Call-back queue not on the wall board"),
        ("Skills", None, "New staff not trained on call-backs"),
        ("Systems", Some(0), "Board polls only every 15 minutes"),
    ] {
        choose(&b, "#c-category", category).await;
        if let Some(i) = parent {
            let (_, rca) = app.get(&format!("/api/v1/root-causes/{id}"), &token).await;
            let parent_id = rca["causes"][i]["id"].as_i64().unwrap();
            choose(&b, "#c-parent", &parent_id.to_string()).await;
        }
        type_into(&b, "#c-text", text).await;
        click(&b, "#add-cause").await;
        wait_for_text(&b, "#causes", text).await;
    }
    let (_, rca) = app.get(&format!("/api/v1/root-causes/{id}"), &token).await;
    let first = rca["causes"][0]["id"].as_i64().unwrap();
    assert_eq!(rca["causes"][2]["parent_id"].as_i64(), Some(first), "{rca}");
    click(&b, &format!("#cause-{first} button.verify")).await;
    wait_for_text(&b, ".notice", "verified root cause").await;
    wait_for_text(&b, &format!("#cause-{first}"), "verified root cause").await;
    let sub = b
        .find(Locator::Css(&format!("#cause-{} ", rca["causes"][2]["id"])))
        .await
        .unwrap();
    assert_eq!(sub.attr("data-depth").await.unwrap().as_deref(), Some("2"));
    // The diagram, inline: the head, the bones, the causes, the verified one marked.
    let svg = b.find(Locator::Id("fishbone")).await.unwrap().html(true).await.unwrap();
    for needle in ["Systems", "Skills", "Call-back queue"] {
        assert!(svg.contains(needle), "{needle} in {svg}");
    }
    assert!(svg.contains("Verified root cause"), "the legend: {svg}");
    let (_, rca) = app.get(&format!("/api/v1/root-causes/{id}"), &token).await;
    assert_eq!(
        (rca["cause_count"].as_i64(), rca["verified_count"].as_i64()),
        (Some(3), Some(1))
    );
    b.close().await.unwrap();

    // The segment's stakeholder reads it, without the forms.
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &stakeholder_email, PASSWORD).await;
    follow(&b, "Root causes").await;
    wait_for_path(&b, |p| p == "/root-causes").await;
    click(&b, &format!("#root-cause-{id} a")).await;
    wait_for_text(&b, "#causes", "Board polls only every 15 minutes").await;
    assert!(b
        .find_all(Locator::Css("#cause-form, button.verify, #to-plan-form"))
        .await
        .unwrap()
        .is_empty());
    b.close().await.unwrap();

    // Leadership turns the verified root cause into a change of a draft plan.
    let (lead, _) = app.user("leadership", &[]).await;
    let lead_email = email_of(&app, &lead).await;
    let plan = app
        .create(
            "/api/v1/improvement-plans",
            &lead,
            json!({"title": "Call-backs on time", "service_area_id": 8, "segment_ids": [finance]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &lead_email, PASSWORD).await;
    b.goto(&format!("{}/root-causes/{id}", app.base)).await.unwrap();
    choose(&b, "#t-cause", &first.to_string()).await;
    choose(&b, "#t-plan", &plan.to_string()).await;
    set_date(&b, "t-due", "2099-03-31").await;
    type_into(&b, "#t-title", "Put the call-back queue on the wall board").await;
    click(&b, "#to-plan").await;
    wait_for_path(&b, |p| p == format!("/improvement-plans/{plan}")).await;
    wait_for_text(&b, ".notice", "Change added from the root cause").await;
    assert!(text_of(&b, "#changes")
        .await
        .contains("Put the call-back queue on the wall board"));
    b.close().await.unwrap();
    let (_, stored) = app.get(&format!("/api/v1/improvement-plans/{plan}"), &lead).await;
    let links = &stored["changes"][0]["links"];
    assert_eq!(
        (links["root_cause_id"].as_i64(), links["cause_id"].as_i64()),
        (Some(id), Some(first))
    );
}

/// Leadership records a COScom with two conditions, then a checkpoint: off track without
/// actions is refused beside the actions, with the ratings kept; with actions it is recorded
/// and the history shows it. The segment's stakeholder comments.
#[actix_web::test]
async fn a_coscom_checkpoint_with_an_off_track_condition() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (token, _) = app.user("leadership", &[]).await;
    let email = email_of(&app, &token).await;
    let (stakeholder, _) = app.user("stakeholder", &[finance]).await;
    let stakeholder_email = email_of(&app, &stakeholder).await;

    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;
    follow(&b, "COScom").await;
    wait_for_path(&b, |p| p == "/coscom").await;
    type_into(&b, "#k-project", "New expense system").await;
    choose(&b, "#k-segment", &finance.to_string()).await;
    set_date(&b, "k-starts", "2026-09-01").await;
    type_into(
        &b,
        "#k-conditions",
        "Clerks trained before go-live | all 12 clerks\nNo expense claim lost",
    )
    .await;
    click(&b, "#record-coscom").await;
    let at = wait_for_path(&b, |p| p.starts_with("/coscom/")).await;
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let conditions = wait_for_text(&b, "#conditions", "No expense claim lost").await;
    assert!(conditions.contains("all 12 clerks"), "{conditions}");
    let (_, cos) = app.get(&format!("/api/v1/coscom/{id}"), &token).await;
    let c1 = cos["conditions"][0]["id"].as_i64().unwrap();
    let c2 = cos["conditions"][1]["id"].as_i64().unwrap();
    assert!(cos["ambassador_email"].as_str().is_some(), "{cos}");

    set_date(&b, "p-on", "2026-10-01").await;
    choose(&b, &format!("#p-rating-{c1}"), "on_track").await;
    choose(&b, &format!("#p-rating-{c2}"), "off_track").await;
    type_into(&b, &format!("#p-note-{c2}"), "Two claims lost in September").await;
    click(&b, "#record-checkpoint").await;
    wait_for_text(&b, "#actions-error", "actions").await;
    // The ratings are kept for the second try.
    let kept = b
        .find(Locator::Css(&format!("#p-rating-{c2}")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("off_track"));
    type_into(&b, "#p-actions", "Daily reconciliation until the import is fixed").await;
    click(&b, "#record-checkpoint").await;
    wait_for_text(&b, ".notice", "Checkpoint recorded").await;
    let history = text_of(&b, &format!("#condition-{c2}")).await;
    assert!(
        history.contains("off_track") && history.contains("2026-10-01"),
        "{history}"
    );
    assert!(text_of(&b, "#checkpoints").await.contains("Daily reconciliation"));
    b.close().await.unwrap();

    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &stakeholder_email, PASSWORD).await;
    follow(&b, "Project commitments").await;
    wait_for_path(&b, |p| p == "/coscom").await;
    click(&b, &format!("#coscom-{id} a")).await;
    wait_for_text(&b, &format!("#condition-{c2}"), "off_track").await;
    assert!(b
        .find_all(Locator::Css("#checkpoint-form, #close-form"))
        .await
        .unwrap()
        .is_empty());
    type_into(&b, "#m-text", "Please tell us when the import is fixed").await;
    click(&b, "#add-comment").await;
    wait_for_text(&b, "#comments", "Please tell us when the import is fixed").await;
    b.close().await.unwrap();

    let (_, cos) = app.get(&format!("/api/v1/coscom/{id}"), &token).await;
    assert_eq!(cos["conditions"][1]["latest"], "off_track");
    assert_eq!(cos["comments"][0]["user_email"], stakeholder_email.as_str());
}

/// Last month, `YYYY-MM` (the service report's default month).
fn last_month() -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let (y, m) = if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    };
    format!("{y:04}-{m:02}")
}

async fn fill(b: &Client, id: &str, text: &str) {
    let e = b.find(Locator::Id(id)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

#[actix_web::test]
async fn leadership_keeps_calendars_targets_tickets_and_figures_and_reads_the_service_report() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    app.finding(r, finance, "basic").await;
    app.create(
        "/api/v1/assessments",
        &app.admin,
        json!({"requirement_id": r, "segment_id": finance, "current_value": 20, "assessed_on": "2026-01-15"}),
    )
    .await;
    let sla = app
        .create("/api/v1/sla-drafts", &app.admin, json!({"segment_id": finance}))
        .await["id"]
        .as_i64()
        .unwrap();
    for step in ["submit", "approve"] {
        let (status, _) = app
            .post(&format!("/api/v1/sla-drafts/{sla}/{step}"), &app.admin, Value::Null)
            .await;
        assert_eq!(status, 200, "{step}");
    }
    let (token, _) = app.user("leadership", &[]).await;
    let email = email_of(&app, &token).await;
    let month = last_month();
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;

    // A calendar: an unknown timezone is refused beside its field, the rest kept.
    follow(&b, "Calendars").await;
    wait_for_path(&b, |p| p == "/calendars").await;
    fill(&b, "cal-name", "Office hours").await;
    fill(&b, "cal-timezone", "Mars/Olympus").await;
    for day in ["mon", "tue", "wed", "thu", "fri"] {
        fill(&b, &format!("cal-{day}"), "08:00-12:00, 13:00-17:00").await;
    }
    fill(&b, "cal-holidays", "2026-12-25").await;
    click(&b, "#save-calendar").await;
    wait_for_text(&b, "#timezone-error", "unknown timezone").await;
    assert_eq!(
        b.find(Locator::Id("cal-mon"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("08:00-12:00, 13:00-17:00")
    );
    fill(&b, "cal-timezone", "Europe/Berlin").await;
    click(&b, "#save-calendar").await;
    wait_for_text(&b, ".notice", "Calendar Office hours added").await;
    let calendars = text_of(&b, "#calendars").await;
    assert!(
        calendars.contains("Office hours") && calendars.contains("Europe/Berlin") && calendars.contains("40"),
        "{calendars}"
    );

    // Targets from the agreed SLA, in one click.
    b.goto(&format!("{}/sla/{sla}", app.base)).await.unwrap();
    click(&b, "#create-targets").await;
    wait_for_text(&b, ".notice", "1 service target(s) created from the SLA").await;
    assert_eq!(path(&b).await, "/service-targets");
    let targets = text_of(&b, "#targets").await;
    assert!(
        targets.contains("HD-CALLBACK") && targets.contains("reported") && targets.contains("Finance"),
        "{targets}"
    );
    let (_, listed) = app.get("/api/v1/service-targets", &app.admin).await;
    let reported = listed["items"][0]["id"].as_i64().unwrap();

    // A ticket target on the office calendar, by hand.
    b.find(Locator::Id("t-requirement"))
        .await
        .unwrap()
        .select_by_value(&r.to_string())
        .await
        .unwrap();
    b.find(Locator::Id("t-segment"))
        .await
        .unwrap()
        .select_by_value(&finance.to_string())
        .await
        .unwrap();
    b.find(Locator::Id("t-measure"))
        .await
        .unwrap()
        .select_by_value("first_response")
        .await
        .unwrap();
    fill(&b, "t-limit", "60").await;
    fill(&b, "t-goal", "1.5").await;
    b.find(Locator::Id("t-calendar"))
        .await
        .unwrap()
        .select_by_label("Office hours (Europe/Berlin)")
        .await
        .unwrap();
    click(&b, "#save-target").await;
    wait_for_text(&b, "#goal-error", "at most 1").await;
    fill(&b, "t-goal", "0.9").await;
    click(&b, "#save-target").await;
    wait_for_text(&b, ".notice", "Service target added").await;

    // The ticket export: a bad row first (nothing stored), then a good file.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("ticket,segment,opened_at,first_response_at,resolved_at\nT-1,Finance,{month}-10T09:00:00Z,,\nT-2,Finance,yesterday,,\n"),
    )
    .unwrap();
    follow(&b, "Ticket upload").await;
    wait_for_path(&b, |p| p == "/imports/tickets").await;
    fill(&b, "timezone", "Europe/Berlin").await;
    b.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&bad.display().to_string())
        .await
        .unwrap();
    click(&b, "#upload-tickets").await;
    wait_for_text(&b, "#import-result", "nothing was imported").await;
    let errors = text_of(&b, "#row-errors").await;
    assert!(errors.contains('3') && errors.contains("opened_at"), "{errors}");
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "ticket,segment,opened_at,first_response_at,resolved_at\n\
             T-1,Finance,{month}-10 09:00,{month}-10 09:20,{month}-10 11:00\n\
             T-2,finance,{month}-11 10:00,{month}-11 10:30,\n"
        ),
    )
    .unwrap();
    b.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&good.display().to_string())
        .await
        .unwrap();
    click(&b, "#upload-tickets").await;
    wait_for_text(&b, "#import-result", "2 ticket(s) imported, 0 updated.").await;

    // A reported figure for last month, then corrected.
    b.goto(&format!("{}/service-targets/{reported}", app.base))
        .await
        .unwrap();
    assert_eq!(
        b.find(Locator::Id("fig-period"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(month.as_str()),
        "the form offers last month"
    );
    fill(&b, "fig-value", "7").await;
    click(&b, "#add-figure").await;
    wait_for_text(&b, ".notice", &format!("{month} recorded")).await;
    wait_for_text(&b, &format!("#figure-{month}"), "breached").await;
    b.find(Locator::Css(&format!("#figure-{month} input[name=value]")))
        .await
        .unwrap()
        .send_keys("4")
        .await
        .unwrap();
    click(&b, &format!("#figure-{month} button")).await;
    wait_for_text(&b, ".notice", &format!("{month} corrected")).await;
    wait_for_text(&b, &format!("#figure-{month}"), "met").await;
    let (_, attainment) = app
        .get(
            &format!("/api/v1/service-targets/{reported}/attainment?from={month}&to={month}"),
            &app.admin,
        )
        .await;
    assert_eq!(attainment["periods"][0]["value"], 4.0);

    // The month's report: both targets, a chart each, downloads.
    follow(&b, "Service report").await;
    wait_for_path(&b, |p| p == "/reports/service").await;
    let report = wait_for_text(&b, "#service-report", "2 targets").await;
    assert!(
        report.contains("HD-CALLBACK") && report.contains("first response"),
        "{report}"
    );
    let charts = b.find_all(Locator::Css("#service-report .trends svg")).await.unwrap();
    assert_eq!(charts.len(), 2, "one trend chart per target");
    let csv = b
        .find(Locator::LinkText("CSV"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        csv.starts_with("/api/v1/reports/service?period=") && csv.ends_with("format=csv"),
        "{csv}"
    );
    let (_, json) = app
        .get(&format!("/api/v1/reports/service?period={month}"), &app.admin)
        .await;
    let ticket_item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["measure"] == "first_response")
        .unwrap()
        .clone();
    assert_eq!(ticket_item["counted"], 2, "{ticket_item}");
    b.close().await.unwrap();
}

#[actix_web::test]
async fn stakeholder_reads_their_segments_service_report_beside_the_value_proposition() {
    let Some(tools) = tools() else { return };
    let app = spawn_app().await;
    let (finance, sales, _, _) = two_segments_with_slas(&app).await;
    let callback = app.get("/api/v1/requirements?search=HD-CALLBACK", &app.admin).await.1["items"][0]["id"]
        .as_i64()
        .unwrap();
    let sales_desk = app.requirement("HD-SALESDESK").await;
    let month = last_month();
    for (requirement, segment, value) in [(callback, finance, 4), (sales_desk, sales, 9)] {
        let target = app
            .create(
                "/api/v1/service-targets",
                &app.admin,
                json!({"requirement_id": requirement, "segment_id": segment, "measure": "reported"}),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        app.create(
            &format!("/api/v1/service-targets/{target}/measurements"),
            &app.admin,
            json!({"period": month, "value": value}),
        )
        .await;
    }
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver(tools);
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;
    assert_eq!(path(&b).await, format!("/segments/{finance}"));
    let section = text_of(&b, "#segment-service-report").await;
    assert!(
        section.contains("HD-CALLBACK") && section.contains("1 met"),
        "{section}"
    );
    assert!(!section.contains("HD-SALESDESK"), "another segment's target: {section}");
    assert_eq!(
        b.find_all(Locator::Css("#segment-service-report .trends svg"))
            .await
            .unwrap()
            .len(),
        1
    );
    follow(&b, "Service report").await;
    wait_for_path(&b, |p| p == "/reports/service").await;
    let report = text_of(&b, "#service-report").await;
    assert!(
        report.contains("HD-CALLBACK") && !report.contains("HD-SALESDESK"),
        "{report}"
    );
    b.goto(&format!("{}/reports/service?segment_id={sales}", app.base))
        .await
        .unwrap();
    let source = b.source().await.unwrap();
    assert!(
        source.contains("Not found") && !source.contains("HD-SALESDESK"),
        "{source}"
    );
    b.close().await.unwrap();
}
