//! The OpenAPI description: it describes exactly the routes the server has, every reference in
//! it resolves, every operation states its security and refusals, and it (with the interactive
//! docs) is served only to signed-in users. Schemathesis (in `.ci/run`) then holds the running
//! server to it.

use std::collections::BTreeSet;

use actix_web::http::Method;
use serde_json::Value;

use crate::helpers::spawn_app;
use crate::matrix::declared_routes;
use crate::support::{json, send, Req};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn spec() -> Value {
    let app = spawn_app().await;
    let (status, body, headers) = send(&app, Some(&app.admin), &Req::get("/api/v1/openapi.json")).await;
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/json")));
    json(&body)
}

fn operations(spec: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

#[actix_web::test]
async fn the_spec_describes_exactly_the_declared_routes() {
    let spec = spec().await;
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let described: BTreeSet<String> = operations(&spec).iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    let declared = declared_routes();
    let undocumented: Vec<_> = declared.difference(&described).collect();
    let phantom: Vec<_> = described.difference(&declared).collect();
    assert!(
        undocumented.is_empty() && phantom.is_empty(),
        "routes without an operation in the spec: {undocumented:?}\n\
         operations the route table does not have: {phantom:?}"
    );
}

fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[actix_web::test]
async fn every_reference_resolves_and_every_operation_states_its_refusals() {
    let spec = spec().await;
    let mut all = Vec::new();
    refs(&spec, &mut all);
    assert!(all.len() > 50, "the spec should share its schemas: {}", all.len());
    for r in all {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("external reference {r}"));
        assert!(spec.pointer(pointer).is_some(), "unresolvable reference {r}");
    }
    assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(spec["security"][0]["bearer"], Value::Array(vec![]));
    for (method, path, op) in operations(&spec) {
        let label = format!("{method} {path}");
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{label}: no success response"
        );
        assert!(responses.contains_key("400"), "{label}: no 400");
        let public = ["GET /health", "POST /api/v1/auth/token"].contains(&label.as_str());
        // Public operations override the global bearer requirement with an empty one.
        assert_eq!(op.get("security").is_some(), public, "{label}: security");
        assert_eq!(responses.contains_key("403"), !public, "{label}: 403");
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{label}: no 404");
        }
        if op.get("requestBody").is_some() {
            for status in ["413", "415", "422"] {
                assert!(responses.contains_key(status), "{label}: no {status}");
            }
        }
    }
    // Body limits mirror the validation rules: what the schema forbids, the server refuses.
    let create_segment = &spec["components"]["schemas"]["CreateSegment"];
    assert_eq!(create_segment["additionalProperties"], false);
    assert_eq!(create_segment["properties"]["name"]["maxLength"], 100);
    assert_eq!(create_segment["required"], serde_json::json!(["name"]));
}

#[actix_web::test]
async fn the_spec_and_the_docs_are_for_signed_in_users() {
    let app = spawn_app().await;
    let (status, _, _) = send(&app, None, &Req::get("/api/v1/openapi.json")).await;
    assert_eq!(status, 401);
    let (stakeholder, _) = app.user("stakeholder", &[app.segment("Finance").await]).await;
    let (status, _, _) = send(&app, Some(&stakeholder), &Req::get("/api/v1/openapi.json")).await;
    assert_eq!(status, 200, "every role may read the description");

    let client = awc::Client::builder().disable_redirects().finish();
    let get = |path: &str, cookie: Option<String>| {
        let mut req = client.get(format!("{}{path}", app.base));
        if let Some(c) = cookie {
            req = req.insert_header(("Cookie", c));
        }
        req.send()
    };
    let signed_out = get("/docs/", None).await.unwrap();
    assert_eq!(signed_out.status().as_u16(), 303);
    assert_eq!(signed_out.headers().get("location").unwrap(), "/login");
    let cookie = Some(format!("kanogap_session={stakeholder}"));
    let mut index = get("/docs/", cookie.clone()).await.unwrap();
    assert_eq!(index.status().as_u16(), 200);
    let html = String::from_utf8(index.body().await.unwrap().to_vec()).unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // The UI's files come from the binary and point it at our spec.
    let mut init = get("/docs/swagger-initializer.js", cookie.clone()).await.unwrap();
    assert_eq!(init.status().as_u16(), 200);
    let js = String::from_utf8(init.body().await.unwrap().to_vec()).unwrap();
    assert!(js.contains("/api/v1/openapi.json"), "{js}");
    let bundle = get("/docs/swagger-ui-bundle.js", cookie.clone()).await.unwrap();
    assert_eq!(bundle.status().as_u16(), 200);
    assert_eq!(
        get("/docs/no-such-file.js", cookie).await.unwrap().status().as_u16(),
        404
    );
    let root = get("/docs", None).await.unwrap();
    assert_eq!(root.headers().get("location").unwrap(), "/docs/");
}

#[actix_web::test]
async fn a_wrong_method_gets_405_with_the_methods_the_path_has() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        (Method::PUT, "/api/v1/segments", "GET, POST"),
        (Method::PUT, "/api/v1/segments/1", "DELETE, GET, PATCH"),
        (Method::DELETE, "/api/v1/auth/token", "POST"),
        (Method::POST, "/api/v1/kano/chart.svg", "GET"),
        (Method::PUT, "/login", "GET, POST"),
        (Method::GET, "/logout", "POST"),
    ] {
        let (status, body, headers) = send(&app, Some(&app.admin), &Req::new(method.clone(), path)).await;
        assert_eq!(status, 405, "{method} {path}");
        assert_eq!(headers.get("allow").unwrap(), allow, "{method} {path}");
        if path.starts_with("/api/") {
            assert_eq!(json(&body)["error"]["code"], "method_not_allowed");
        } else {
            // Page paths answer a browser with a page.
            let kind = headers.get("content-type").unwrap().to_str().unwrap();
            assert!(kind.starts_with("text/html"), "{method} {path}: {kind}");
        }
    }
}

#[actix_web::test]
async fn page_paths_answer_browsers_with_pages_and_api_paths_with_json() {
    let app = spawn_app().await;
    let cases = [
        (Method::GET, "/sla", 405, "text/html"),
        (Method::GET, "/no/such/page", 404, "text/html"),
        (Method::GET, "/api/v1/no-such-thing", 404, "application/json"),
        (Method::PUT, "/api/v1/segments", 405, "application/json"),
    ];
    for (method, path, status, kind) in cases {
        let (got, body, headers) = send(&app, Some(&app.admin), &Req::new(method.clone(), path)).await;
        assert_eq!(got, status, "{method} {path}");
        let got_kind = headers.get("content-type").unwrap().to_str().unwrap();
        assert!(got_kind.starts_with(kind), "{method} {path}: {got_kind}");
        if kind == "text/html" {
            assert!(String::from_utf8_lossy(&body).contains("<h1>"), "{method} {path}");
        }
    }
}

#[actix_web::test]
async fn the_service_level_routes_are_described() {
    let spec = spec().await;
    let paths = &spec["paths"];
    for (path, method) in [
        ("/api/v1/calendars", "post"),
        ("/api/v1/calendars/{id}", "delete"),
        ("/api/v1/service-targets", "get"),
        ("/api/v1/service-targets/{id}/measurements", "post"),
        ("/api/v1/service-targets/{id}/measurements/{period}", "patch"),
        ("/api/v1/service-targets/{id}/attainment", "get"),
        ("/api/v1/sla-drafts/{id}/service-targets", "post"),
        ("/api/v1/imports/tickets", "post"),
        ("/api/v1/reports/service", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path} is not described");
    }
    let import = &paths["/api/v1/imports/tickets"]["post"];
    assert!(import["requestBody"]["content"]["text/csv"].is_object());
    assert!(import["responses"]["422"].is_object() && import["responses"]["201"].is_object());
    let report = &paths["/api/v1/reports/service"]["get"]["responses"]["200"]["content"];
    for media in ["application/json", "text/csv", "text/markdown", "text/html"] {
        assert!(report[media].is_object(), "{media}");
    }
    for (path, method) in [
        ("/api/v1/service-targets/{id}/measurements", "post"),
        ("/api/v1/sla-drafts/{id}/service-targets", "post"),
        ("/api/v1/calendars", "post"),
    ] {
        assert!(
            paths[path][method]["responses"]["409"].is_object(),
            "{method} {path} 409"
        );
    }
    let goal = &spec["components"]["schemas"]["CreateTarget"]["properties"]["goal"];
    assert_eq!(
        (goal["exclusiveMinimum"].as_f64(), goal["maximum"].as_f64()),
        (Some(0.0), Some(1.0)),
        "{goal}"
    );
}
