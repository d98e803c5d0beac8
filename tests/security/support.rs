//! Small tools shared by the security tests: requests described as data, base64 for forging
//! tokens by hand, and reading bodies.

use actix_web::http::header::HeaderMap;
use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// What the test server signs and checks tokens with (see `helpers::test_settings`).
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const JWT_ISSUER: &str = "kanogap";
pub const JWT_AUDIENCE: &str = "kanogap-api";

/// One request, described as data so that tables of them can be sent by any caller.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub body: Option<(&'static str, Vec<u8>)>,
}

impl Req {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Req {
            method,
            path: path.into(),
            body: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Req::new(Method::GET, path)
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Req::new(Method::DELETE, path)
    }

    /// A POST without a body (the SLA lifecycle steps).
    pub fn post_empty(path: impl Into<String>) -> Self {
        Req::new(Method::POST, path)
    }

    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Req::new(Method::POST, path).json(body)
    }

    pub fn patch(path: impl Into<String>, body: Value) -> Self {
        Req::new(Method::PATCH, path).json(body)
    }

    pub fn csv(path: impl Into<String>, text: &str) -> Self {
        let mut req = Req::new(Method::POST, path);
        req.body = Some(("text/csv", text.as_bytes().to_vec()));
        req
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(("application/json", body.to_string().into_bytes()));
        self
    }

    /// Appends a query string (`""` leaves the path as it is).
    pub fn query(mut self, query: &str) -> Self {
        if !query.is_empty() {
            let sep = if self.path.contains('?') { '&' } else { '?' };
            self.path = format!("{}{sep}{query}", self.path);
        }
        self
    }

    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Sends `req` with an optional bearer token; returns status, body and headers.
pub async fn send(app: &TestApp, token: Option<&str>, req: &Req) -> (u16, Vec<u8>, HeaderMap) {
    app.raw(
        req.method.clone(),
        &req.path,
        token,
        req.body.as_ref().map(|(ct, bytes)| (*ct, bytes.clone())),
    )
    .await
}

/// The body as JSON, or `Null` when it is not JSON.
pub fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// A short, printable excerpt of a body for failure messages.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}

pub fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

/// Whether `needle` occurs in `haystack`, ignoring ASCII case.
pub fn contains_ignore_case(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.to_ascii_lowercase().into_bytes();
    if needle.is_empty() || haystack.len() < needle.len() {
        return needle.is_empty();
    }
    haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(&needle))
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// base64url without padding, as JWTs use it.
pub fn b64url(bytes: &[u8]) -> String {
    encode(bytes, URL_SAFE, false)
}

/// Standard base64 with padding, as HTTP Basic authentication uses it.
pub fn b64(bytes: &[u8]) -> String {
    encode(bytes, STANDARD, true)
}

#[test]
fn base64_matches_the_rfc_4648_examples() {
    for (plain, standard) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(b64(plain.as_bytes()), standard);
        assert_eq!(b64url(plain.as_bytes()), standard.trim_end_matches('='));
    }
    assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
    assert_eq!(b64(&[0xfb, 0xff]), "+/8=");
}

/// A fresh improvement plan of segment `s` with one change owned by `owner`, taken through
/// its lifecycle up to `status` (`signed`: in review and signed off by `signer`). Answers the
/// plan and its change.
pub async fn plan_in(app: &TestApp, s: i64, owner: i64, status: &str, signer: Option<&str>) -> (i64, i64) {
    let plan = id(&app
        .create(
            "/api/v1/improvement-plans",
            &app.admin,
            json!({"title": "A plan", "service_area_id": 8, "segment_ids": [s]}),
        )
        .await);
    let change = id(&app
        .create(
            &format!("/api/v1/improvement-plans/{plan}/changes"),
            &app.admin,
            json!({"title": "A change", "owner_id": owner, "due_on": "2099-01-01"}),
        )
        .await);
    let steps: &[&str] = match status {
        "draft" => &[],
        "in_review" => &["submit"],
        "signed" => &["submit", "sign-off"],
        "agreed" => &["submit", "sign-off", "approve"],
        other => panic!("no such status {other}"),
    };
    for step in steps {
        let token = if *step == "sign-off" {
            signer.expect("a stakeholder of s signs off")
        } else {
            &app.admin
        };
        let (code, body) = app
            .post(&format!("/api/v1/improvement-plans/{plan}/{step}"), token, Value::Null)
            .await;
        assert_eq!(code, 200, "{step} {plan}: {body}");
    }
    (plan, change)
}
