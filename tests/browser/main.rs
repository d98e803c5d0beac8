//! Browser tests: each role's main journey through the pages, in headless Chromium driven over
//! WebDriver (Debian's chromium and chromium-driver; `.ci/run` installs them). Without a
//! chromedriver on the PATH these tests fail, unless KANOGAP_SKIP_BROWSER_TESTS=1 says to skip.

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use helpers::{spawn_app, TestApp, PASSWORD};
use serde_json::{json, Value};

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn skip() -> bool {
    std::env::var("KANOGAP_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1")
}

fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is not installed: apt-get install chromium chromium-driver (or set KANOGAP_SKIP_BROWSER_TESTS=1)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: tempfile::tempdir().unwrap(),
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
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
    if skip() {
        return;
    }
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    app.requirement("HD-CALLBACK").await;
    let (token, _) = app.user("facilitator", &[]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver();
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
    if skip() {
        return;
    }
    let app = spawn_app().await;
    let (finance, sales, finance_sla, sales_sla) = two_segments_with_slas(&app).await;
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver();
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
    if skip() {
        return;
    }
    let app = spawn_app().await;
    let (finance, _sales, _, _) = two_segments_with_slas(&app).await;
    let (token, _) = app.user("leadership", &[]).await;
    let email = email_of(&app, &token).await;
    let driver = start_driver();
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
    if skip() {
        return;
    }
    let app = spawn_app().await;
    let driver = start_driver();
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
    if skip() {
        return;
    }
    let app = spawn_app().await;
    let driver = start_driver();
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

/// A stakeholder reports a problem from their page; leadership acknowledges and resolves it in
/// the complaint log; the stakeholder sees it resolved.
#[actix_web::test]
async fn stakeholder_files_a_complaint_and_leadership_resolves_it() {
    if skip() {
        return;
    }
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = email_of(&app, &token).await;
    let (lead_token, _) = app.user("leadership", &[]).await;
    let lead_email = email_of(&app, &lead_token).await;

    let driver = start_driver();
    let b = browser(&driver).await;
    sign_in(&b, &app, &email, PASSWORD).await;
    b.find(Locator::LinkText("Report a problem"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
    let driver = start_driver();
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
