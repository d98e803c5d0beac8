//! The pages' security rules over plain HTTP: cookies, CSRF, redirects, scope.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};

/// A client that shows redirects instead of following them.
fn client() -> awc::Client {
    awc::Client::builder().disable_redirects().finish()
}

fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies.iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
    })
}

/// Signs in through the form; returns the session and CSRF cookies.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (String, String, String) {
    let client = client();
    let page = client.get(format!("{}/login", app.base)).send().await.unwrap();
    let cookies: Vec<String> = page
        .headers()
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let csrf = cookie_value(&cookies, "kanogap_csrf").expect("a CSRF cookie on the sign-in page");
    let form = [("email", email), ("password", password), ("csrf", csrf.as_str())];
    let resp = client
        .post(format!("{}/login", app.base))
        .insert_header(("Cookie", format!("kanogap_csrf={csrf}")))
        .send_form(&form)
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session_header = cookies.iter().find(|c| c.starts_with("kanogap_session=")).unwrap();
    assert!(
        session_header.contains("HttpOnly") && session_header.contains("SameSite=Strict"),
        "{session_header}"
    );
    assert!(!session_header.contains("Secure"), "not behind TLS by default");
    (
        cookie_value(&cookies, "kanogap_session").unwrap(),
        cookie_value(&cookies, "kanogap_csrf").unwrap(),
        location,
    )
}

async fn post_form(
    app: &TestApp,
    path: &str,
    session: &str,
    csrf_cookie: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let mut resp = client()
        .post(format!("{}{path}", app.base))
        .insert_header((
            "Cookie",
            format!("kanogap_session={session}; kanogap_csrf={csrf_cookie}"),
        ))
        .send_form(&form)
        .await
        .unwrap();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&resp.body().await.unwrap()).into_owned();
    (
        resp.status().as_u16(),
        if location.is_empty() { body } else { location },
    )
}

#[actix_web::test]
async fn sign_in_lands_each_role_on_its_page() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    assert_eq!(sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.2, "/admin");
    for (role, segments, landing) in [
        ("leadership", vec![], "/dashboard".to_string()),
        ("facilitator", vec![], "/sessions".into()),
        ("stakeholder", vec![finance], format!("/segments/{finance}")),
    ] {
        let (token, _) = app.user(role, &segments).await;
        let email = app.get("/api/v1/me", &token).await.1["email"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(sign_in(&app, &email, PASSWORD).await.2, landing, "{role}");
    }
}

#[actix_web::test]
async fn forms_need_the_csrf_token() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await.to_string();
    let (session, csrf, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let form = [
        ("title", "Focus group"),
        ("kind", "focus_group"),
        ("held_on", "2026-11-20"),
        ("segment_ids", finance.as_str()),
    ];
    let (status, _) = post_form(&app, "/sessions", &session, &csrf, &form).await;
    assert_eq!(status, 403, "no token in the form");
    let wrong = "x".repeat(40);
    let mut with_wrong = form.to_vec();
    with_wrong.push(("csrf", wrong.as_str()));
    assert_eq!(
        post_form(&app, "/sessions", &session, &csrf, &with_wrong).await.0,
        403,
        "a token that is not the cookie's"
    );
    let mut with_token = form.to_vec();
    with_token.push(("csrf", csrf.as_str()));
    let (status, location) = post_form(&app, "/sessions", &session, &csrf, &with_token).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/sessions/"), "{location}");
    assert_eq!(app.get("/api/v1/sessions", &app.admin).await.1["total"], 1);
    // Errors come back beside the fields with what was typed.
    let bad = [
        ("title", "Kept title"),
        ("kind", "focus_group"),
        ("held_on", "not a date"),
        ("csrf", csrf.as_str()),
    ];
    let (status, body) = post_form(&app, "/sessions", &session, &csrf, &bad).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("a date, YYYY-MM-DD") && body.contains("value=\"Kept title\""),
        "{body}"
    );
}

#[actix_web::test]
async fn pages_redirect_strangers_and_hide_other_segments() {
    let app = spawn_app().await;
    let (finance, sales) = (app.segment("Finance").await, app.segment("Sales").await);
    for path in ["/", "/dashboard", "/sessions", &format!("/segments/{finance}")] {
        let resp = client().get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 303, "{path}");
        assert_eq!(resp.headers().get("location").unwrap(), "/login");
    }
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = app.get("/api/v1/me", &token).await.1["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let (session, csrf, _) = sign_in(&app, &email, PASSWORD).await;
    let get = |path: String| {
        let session = session.clone();
        let base = app.base.clone();
        async move {
            let mut resp = client()
                .get(format!("{base}{path}"))
                .insert_header(("Cookie", format!("kanogap_session={session}")))
                .send()
                .await
                .unwrap();
            (
                resp.status().as_u16(),
                String::from_utf8_lossy(&resp.body().await.unwrap()).into_owned(),
            )
        }
    };
    let (status, body) = get(format!("/segments/{sales}")).await;
    assert_eq!(status, 404);
    assert!(body.contains("Not found") && !body.contains("Sales"));
    assert_eq!(
        get("/dashboard".into()).await.0,
        403,
        "the gap report is not for stakeholders"
    );
    assert_eq!(get(format!("/segments/{finance}")).await.0, 200);
    // The cookie reads the API (downloads), but never writes through it.
    assert_eq!(get(format!("/api/v1/segments/{finance}")).await.0, 200);
    let resp = client()
        .post(format!("{}/api/v1/segments", app.base))
        .insert_header(("Cookie", format!("kanogap_session={session}; kanogap_csrf={csrf}")))
        .send_json(&json!({"name": "Via cookie"}))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    // Signing out clears the cookies.
    let (status, location) = post_form(&app, "/logout", &session, &csrf, &[("csrf", csrf.as_str())]).await;
    assert_eq!((status, location.as_str()), (303, "/login"));
    let _ = app.call(Method::GET, "/health", None, None).await;
}

#[actix_web::test]
async fn admins_change_roles_and_segments_on_the_page() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await.to_string();
    let (_, user_id) = app.user("facilitator", &[]).await;
    let (session, csrf, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let path = format!("/admin/users/{user_id}");

    let (status, body) = post_form(
        &app,
        &path,
        &session,
        &csrf,
        &[("csrf", csrf.as_str()), ("role", "stakeholder")],
    )
    .await;
    assert_eq!(status, 422, "a stakeholder needs a segment");
    assert!(body.contains("a stakeholder needs at least one segment"), "{body}");

    let form = [
        ("csrf", csrf.as_str()),
        ("role", "stakeholder"),
        ("segment_ids", finance.as_str()),
    ];
    let (status, location) = post_form(&app, &path, &session, &csrf, &form).await;
    assert_eq!(
        (status, location.starts_with("/admin?notice=")),
        (303, true),
        "{location}"
    );
    let (_, user) = app.get(&format!("/api/v1/users/{user_id}"), &app.admin).await;
    assert_eq!(
        (user["role"].as_str(), user["segment_ids"].clone()),
        (Some("stakeholder"), json!([finance.parse::<i64>().unwrap()]))
    );

    let (_, me) = app.get("/api/v1/me", &app.admin).await;
    let (status, body) = post_form(
        &app,
        &format!("/admin/users/{}", me["id"]),
        &session,
        &csrf,
        &[("csrf", csrf.as_str()), ("role", "leadership")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("last active admin"), "{body}");
    // Without the token nothing changes.
    assert_eq!(
        post_form(&app, &path, &session, &csrf, &[("role", "admin")]).await.0,
        403
    );
    assert_eq!(
        app.get(&format!("/api/v1/users/{user_id}"), &app.admin).await.1["role"],
        "stakeholder"
    );
}

async fn get_page(app: &TestApp, path: &str, session: &str) -> (u16, String) {
    let mut resp = client()
        .get(format!("{}{path}", app.base))
        .insert_header(("Cookie", format!("kanogap_session={session}")))
        .send()
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&resp.body().limit(16 << 20).await.unwrap()).into_owned();
    (resp.status().as_u16(), body)
}

/// The `href` of the link marked `rel="next"`, unescaped.
fn next_link(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&").replace("&#x3D;", "="))
}

#[actix_web::test]
async fn the_requirements_page_pages_past_five_hundred_and_finds_the_last() {
    let app = spawn_app().await;
    for i in 0..600 {
        app.requirement(&format!("BULK-{i:04}")).await;
    }
    let (session, _, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // Paged, with the total shown and a next link, never cut silently at 500.
    let (status, first) = get_page(&app, "/requirements", &session).await;
    assert_eq!(status, 200);
    assert!(first.contains("1–50 of 600"), "the total is shown");
    assert!(!first.contains("BULK-0599"));
    let mut path = next_link(&first).expect("a next page");
    let mut pages = 1;
    let mut last = String::new();
    while let Some(p) = Some(path.clone()) {
        let (status, html) = get_page(&app, &p, &session).await;
        assert_eq!(status, 200, "{p}");
        pages += 1;
        match next_link(&html) {
            Some(next) => path = next,
            None => {
                last = html;
                break;
            }
        }
    }
    assert_eq!(pages, 12);
    assert!(last.contains("BULK-0599") && last.contains("551–600 of 600"));
    // Searching finds it directly, in any case, and the filter survives paging.
    let (_, found) = get_page(&app, "/requirements?search=bulk-0599", &session).await;
    assert!(
        found.contains("BULK-0599") && found.contains("1–1 of 1"),
        "search by key"
    );
    let (_, some) = get_page(&app, "/requirements?search=bulk-05", &session).await;
    assert!(some.contains("1–50 of 100"));
    let next = next_link(&some).expect("a second page of the search");
    assert!(next.contains("search=bulk-05") && next.contains("offset=50"), "{next}");
}

#[actix_web::test]
async fn requirements_are_added_and_edited_on_their_page() {
    let app = spawn_app().await;
    let (session, csrf, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("key", "hd-weekend"),
        ("title", "Weekend help desk"),
        ("service_area_id", "8"),
        ("direction", ""),
        ("target", ""),
    ];
    let (status, location) = post_form(&app, "/requirements", &session, &csrf, &form).await;
    assert_eq!(status, 303, "{location}");
    let (_, list) = get_page(&app, "/requirements?search=HD-WEEKEND", &session).await;
    assert!(list.contains("Weekend help desk"));
    // A target without a direction breaks the API's measure rule: shown beside the form.
    let bad = [
        ("csrf", csrf.as_str()),
        ("key", "HD-WEEKEND-2"),
        ("title", "x"),
        ("service_area_id", "8"),
        ("target", "5"),
    ];
    let (status, html) = post_form(&app, "/requirements", &session, &csrf, &bad).await;
    assert_eq!(status, 422);
    assert!(html.contains("field-error"), "{html}");
    // The taken key is named on the form.
    let (status, html) = post_form(&app, "/requirements", &session, &csrf, &form).await;
    assert_eq!(status, 422);
    assert!(html.contains("already taken"), "{html}");
}

/// A Finance segment with `count` requirements (`PREFIX-000`…), each with one finding of
/// `category` for it: the segment's id.
async fn finance_with_findings(app: &TestApp, prefix: &str, count: usize, category: &str) -> i64 {
    let finance = app.segment("Finance").await;
    for i in 0..count {
        let r = app.requirement(&format!("{prefix}-{i:03}")).await;
        app.finding(r, finance, category).await;
    }
    finance
}

#[actix_web::test]
async fn the_dashboard_cuts_its_side_lists_and_says_how_many_more() {
    let app = spawn_app().await;
    finance_with_findings(&app, "REV", 53, "reverse").await;
    let (session, _, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, page) = get_page(&app, "/dashboard", &session).await;
    assert_eq!(status, 200);
    assert!(page.contains("and 3 more: see the downloads"), "50 shown, 3 more");
    assert!(page.contains("REV-049 for Finance") && !page.contains("REV-050 for Finance"));
    // The downloads have every row.
    let (_, body) = app.get("/api/v1/reports/gaps", &app.admin).await;
    assert_eq!(body["do_not_build"].as_array().map(Vec::len), Some(53));
}

#[actix_web::test]
async fn the_dashboard_shows_a_page_of_ranked_gaps_with_the_total_and_keeps_filters() {
    let app = spawn_app().await;
    let finance = finance_with_findings(&app, "GAP", 60, "basic").await;
    let (session, _, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, first) = get_page(&app, "/dashboard", &session).await;
    assert_eq!(status, 200);
    assert!(first.contains("1–50 of 60"), "the total is shown");
    assert_eq!(
        first.matches("<tr class=\"tier-").count(),
        50,
        "one page of ranked rows"
    );
    let next = next_link(&first).expect("a next page");
    assert!(next.contains("offset=50"), "{next}");
    let (_, second) = get_page(&app, &next, &session).await;
    assert!(second.contains("51–60 of 60") && next_link(&second).is_none());
    // A filter survives paging, and the JSON report pages too, with the total.
    let (_, filtered) = get_page(&app, &format!("/dashboard?segment_id={finance}&tier=1"), &session).await;
    let next = next_link(&filtered).expect("a next page of the filtered report");
    assert!(
        next.contains(&format!("segment_id={finance}")) && next.contains("tier=1"),
        "{next}"
    );
    let (status, body) = app.get("/api/v1/reports/gaps?limit=10&offset=55", &app.admin).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["total"].as_i64(), body["rows"].as_array().map(Vec::len)),
        (Some(60), Some(5))
    );
    let (_, whole) = app.get("/api/v1/reports/gaps", &app.admin).await;
    assert_eq!(
        whole["rows"].as_array().map(Vec::len),
        Some(60),
        "without limit, every row"
    );
}

/// A stakeholder reports a problem on the page and sees only their segment's complaints;
/// leadership acknowledges and resolves it there, and sees the statistics and survey pages.
#[actix_web::test]
async fn complaint_and_survey_pages() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let sales = app.segment("Sales Zqx").await;
    let (token, _) = app.user("stakeholder", &[finance]).await;
    let email = app.get("/api/v1/me", &token).await.1["email"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/api/v1/complaints",
        &app.admin,
        serde_json::json!({"segment_id": sales, "summary": "zqx other segment", "channel": "phone"}),
    )
    .await;
    let (session, csrf, _) = sign_in(&app, &email, PASSWORD).await;
    let (status, page) = get_page(&app, "/complaints", &session).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Report a problem") && !page.to_lowercase().contains("zqx"),
        "{page}"
    );
    let (status, location) = post_form(
        &app,
        "/complaints",
        &session,
        &csrf,
        &[("summary", "VPN drops every hour"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    assert!(location.contains("filed"), "{location}");
    let (_, page) = get_page(&app, "/complaints", &session).await;
    assert!(page.contains("VPN drops every hour"));
    let (status, _) = post_form(
        &app,
        "/complaints",
        &session,
        &csrf,
        &[("summary", " "), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 422);

    let (_, list) = app
        .get(&format!("/api/v1/complaints?segment_id={finance}"), &app.admin)
        .await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (session, csrf, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, _) = post_form(
        &app,
        &format!("/complaints/{id}/acknowledge"),
        &session,
        &csrf,
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = post_form(
        &app,
        &format!("/complaints/{id}/resolve"),
        &session,
        &csrf,
        &[("resolution", "New VPN profile"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        app.get(&format!("/api/v1/complaints/{id}"), &app.admin).await.1["status"],
        "resolved"
    );
    let (status, body) = post_form(
        &app,
        &format!("/complaints/{id}/resolve"),
        &session,
        &csrf,
        &[("resolution", "again"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, page) = get_page(&app, "/complaints/stats", &session).await;
    assert_eq!(status, 200);
    assert!(page.contains("Complaints received per month") && page.contains("<svg"));

    let (status, location) = post_form(
        &app,
        "/surveys",
        &session,
        &csrf,
        &[
            ("title", "Overall 2026"),
            ("kind", "overall"),
            ("scale_max", "5"),
            ("opened_on", "2026-01-01"),
            ("closed_on", "2026-01-31"),
            ("csrf", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let survey = location
        .trim_start_matches("/surveys/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/satisfaction-surveys/{survey}/responses"),
        &app.admin,
        serde_json::json!([{"segment_id": finance, "score": 5, "comment": "great"}, {"segment_id": sales, "score": 1, "comment": "zqx"}]),
    )
    .await;
    let (status, page) = get_page(&app, &format!("/surveys/{survey}"), &session).await;
    assert_eq!(status, 200);
    assert!(page.contains("Answers per score") && page.contains("great"));
    let (status, page) = get_page(&app, "/surveys", &session).await;
    assert_eq!(status, 200);
    assert!(page.contains("good: above 80 %"));
    // The stakeholder's view of the same survey: their segment only, no comments.
    let (session, _, _) = sign_in(&app, &email, PASSWORD).await;
    let (status, page) = get_page(&app, &format!("/surveys/{survey}"), &session).await;
    assert_eq!(status, 200);
    assert!(
        !page.to_lowercase().contains("zqx") && !page.contains("great"),
        "{page}"
    );
}

#[actix_web::test]
async fn open_complaints_show_beside_the_gaps_they_concern() {
    let app = spawn_app().await;
    let finance = app.segment("Finance").await;
    let r = app.requirement("HD-CALLBACK").await;
    app.finding(r, finance, "basic").await;
    let (status, body) = app
        .post(
            "/api/v1/complaints",
            &app.admin,
            json!({"segment_id": finance, "summary": "Nobody called back", "channel": "phone", "requirement_id": r}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (session, _, _) = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, dashboard) = get_page(&app, "/dashboard", &session).await;
    assert!(dashboard.contains("1 open complaint(s)"), "on the dashboard");
    let (_, md) = get_page(&app, "/api/v1/reports/gaps?format=md", &session).await;
    assert!(md.contains("1 open complaint(s)"), "{md}");
    let (_, vp) = get_page(
        &app,
        &format!("/api/v1/segments/{finance}/value-proposition?format=md"),
        &session,
    )
    .await;
    assert!(vp.contains("1 open complaint(s)"), "{vp}");
}
