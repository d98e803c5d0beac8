//! Request extractors that validate at the edge: JSON bodies (media type, size, shape, rules)
//! and query strings. What comes out is known to be well-formed and within its rules; every
//! refusal names the field at fault.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use validator::Validate;

use crate::db::Page;
use crate::error::AppError;
use crate::state::AppState;

/// A JSON body of type `T`, deserialized strictly (unknown fields are refused) and validated.
/// `LIMIT` overrides the configured size limit for routes that take larger bodies (0 = use it).
pub struct ValidJson<T, const LIMIT: usize = 0>(pub T);

/// A type a JSON body is read into. Bodies are objects, but for the rare batch that is an
/// array: serde would otherwise read a struct from an array by position (`[null, null]`).
pub trait JsonBody: DeserializeOwned + Validate {
    const ARRAY: bool = false;
}

/// Declares body types that are JSON objects.
macro_rules! json_body {
    ($($t:ty),+ $(,)?) => { $(impl $crate::api::extract::JsonBody for $t {})+ };
}
pub(crate) use json_body;

impl<T: JsonBody + 'static, const LIMIT: usize> FromRequest for ValidJson<T, LIMIT> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = match LIMIT {
            0 => req
                .app_data::<web::Data<AppState>>()
                .map(|s| s.json_limit_bytes)
                .unwrap_or(1 << 20),
            n => n,
        };
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json") || m.to_ascii_lowercase().ends_with("+json")
            });
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        let caller_known = crate::auth::caller::caller_known(req);
        Box::pin(async move {
            // Who may not call the route is refused before the body is read.
            caller_known.await;
            if !is_json {
                return Err(AppError::UnsupportedMediaType {
                    expected: "application/json",
                });
            }
            let body = read_limited(&mut payload, declared_length, limit).await?;
            let expected = if T::ARRAY { b'[' } else { b'{' };
            if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&expected) {
                // Not JSON at all is still a 400; JSON of another shape is a 422 on `body`.
                serde_json::from_slice::<serde::de::IgnoredAny>(&body).map_err(|e| {
                    AppError::bad_request(
                        crate::error::ErrorCode::MalformedJson,
                        format!("the body is not valid JSON: {}", strip_position(&e.to_string())),
                        None,
                    )
                })?;
                let shape = if T::ARRAY { "a JSON array" } else { "a JSON object" };
                return Err(AppError::field("body", format!("must be {shape}")));
            }
            let value: T = parse_json(&body)?;
            value.validate()?;
            Ok(ValidJson(value))
        })
    }
}

/// A JSON body that may be left out: no body at all (no content type, nothing sent) gives
/// `T::default()`; anything sent is read as [`ValidJson`] reads it.
pub struct MaybeJson<T>(pub T);

impl<T: JsonBody + Default + 'static> FromRequest for MaybeJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<usize>().ok());
        let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
        let typed = req.headers().contains_key(header::CONTENT_TYPE);
        if !typed && !chunked && declared.unwrap_or(0) == 0 {
            let caller_known = crate::auth::caller::caller_known(req);
            return Box::pin(async move {
                caller_known.await;
                Ok(MaybeJson(T::default()))
            });
        }
        let inner = ValidJson::<T>::from_request(req, payload);
        Box::pin(async move { inner.await.map(|ValidJson(v)| MaybeJson(v)) })
    }
}

/// Reads a whole body, refusing it as soon as it is known to exceed `limit` (from its declared
/// length before reading, or while it is still arriving).
pub async fn read_limited(
    payload: &mut Payload,
    declared: Option<usize>,
    limit: usize,
) -> Result<web::Bytes, AppError> {
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::bad_request(crate::error::ErrorCode::UnreadableBody, e.to_string(), None))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Deserializes JSON, reporting the path of the field at fault: 400 when the text is not
/// JSON at all, 422 when it is JSON of the wrong shape or has a NUL character in a string.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    refuse_nul(body)?;
    let malformed = |message: String| {
        AppError::bad_request(
            crate::error::ErrorCode::MalformedJson,
            format!("the body is not valid JSON: {message}"),
            None,
        )
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let inner = err.inner();
        let message = strip_position(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Data => AppError::field(&field_of(&err.path().to_string(), &message), message),
            _ => malformed(message),
        }
    })?;
    de.end().map_err(|e| malformed(strip_position(&e.to_string())))?;
    Ok(value)
}

/// Text databases (PostgreSQL) cannot store NUL, and no text of ours means one: a string with
/// `\u0000` is refused (422) on its field, on every backend alike.
fn refuse_nul(body: &[u8]) -> Result<(), AppError> {
    // Cheap test first; only a body with the escape is parsed again to find the field.
    let escape = b"\\u0000";
    if !body.windows(escape.len()).any(|w| w.eq_ignore_ascii_case(escape)) {
        return Ok(());
    }
    fn find(value: &serde_json::Value, path: String) -> Option<String> {
        match value {
            serde_json::Value::String(s) if s.contains('\0') => Some(path),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| find(v, format!("{path}[{i}]"))),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                let key_path = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.contains('\0') {
                    return Some(key_path);
                }
                find(v, key_path)
            }),
            _ => None,
        }
    }
    match serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| find(&v, String::new()))
    {
        Some(path) => {
            let field = if path.is_empty() { "body".to_owned() } else { path };
            Err(AppError::field(&field, "must not contain a NUL character"))
        }
        None => Ok(()),
    }
}

/// A query string of type `T`, strict and validated; refusals are 400 `invalid_query`.
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidQuery<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = parse_query(req.query_string()).map(ValidQuery);
        // Who may not call the route is refused before the query is judged.
        let caller_known = crate::auth::caller::caller_known(req);
        Box::pin(async move {
            caller_known.await;
            parsed
        })
    }
}

pub fn parse_query<T: DeserializeOwned + Validate>(query: &str) -> Result<T, AppError> {
    if let Some((name, _)) =
        form_urlencoded::parse(query.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Err(AppError::bad_request(
            crate::error::ErrorCode::InvalidQuery,
            format!("{name}: must not contain a NUL character"),
            Some(&name),
        ));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    let value: T = serde_path_to_error::deserialize(de).map_err(|err| {
        let message = err.inner().to_string();
        let field = field_of(&err.path().to_string(), &message);
        AppError::bad_request(
            crate::error::ErrorCode::InvalidQuery,
            format!("{field}: {message}"),
            Some(&field),
        )
    })?;
    value.validate().map_err(|errors| match AppError::from(errors) {
        AppError::Invalid { message, fields, .. } => AppError::Invalid {
            status: actix_web::http::StatusCode::BAD_REQUEST,
            code: crate::error::ErrorCode::InvalidQuery,
            message,
            fields,
        },
        other => other,
    })?;
    Ok(value)
}

/// The field a serde error is about: its path, or the name quoted in "unknown field `x`" /
/// "missing field `x`" (serde reports those at the parent's path).
fn field_of(path: &str, message: &str) -> String {
    let quoted = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    let path = if path == "." { "" } else { path };
    // Unknown fields are reported at their own path already.
    let quoted = quoted.filter(|name| path.rsplit('.').next() != Some(*name));
    match (path, quoted) {
        ("", Some(name)) => name.to_owned(),
        (p, Some(name)) => format!("{p}.{name}"),
        ("", None) => "body".to_owned(),
        (p, None) => p.to_owned(),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Reads `T` only from a JSON object, never from an array by position: for structs nested in
/// a body (`#[serde(deserialize_with = ...)]` or inside a collection).
pub struct ObjectOnly<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = ObjectOnly<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(ObjectOnly)
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

pub use crate::service::{nullable, Listing};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// Declares a list's query string: `limit` (1–500, default 50), `offset` (≥ 0) and the
/// resource's own filters; anything else is refused.
macro_rules! list_query {
    ($name:ident { $($(#[$m:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Page size (default 50).
            #[validate(range(min = 1, max = 500))]
            #[param(minimum = 1, maximum = 500)]
            pub limit: Option<i64>,
            /// Items to skip.
            #[validate(range(min = 0))]
            #[param(minimum = 0)]
            pub offset: Option<i64>,
            $($(#[$m])* pub $field: $ty,)*
        }

        impl $name {
            pub fn page(&self) -> $crate::db::Page {
                $crate::api::extract::page(self.limit, self.offset)
            }
        }
    };
}
pub(crate) use list_query;

pub fn page(limit: Option<i64>, offset: Option<i64>) -> Page {
    Page {
        limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
        offset: offset.unwrap_or(0).max(0),
    }
}

/// A `text/csv` (or `application/csv`) request body, copied to a temporary file as it arrives
/// and refused past `limit` (415 for another media type, 413 when too large).
pub async fn csv_body(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<std::fs::File, AppError> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| ["text/csv", "application/csv"].contains(&m.trim().to_ascii_lowercase().as_str()));
    if !is_csv {
        return Err(AppError::UnsupportedMediaType { expected: "text/csv" });
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    crate::service::upload::spool(payload, declared, limit).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[validate(length(min = 1))]
        name: String,
        #[allow(dead_code)]
        inner: Option<Inner>,
    }
    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[allow(dead_code)]
        count: u8,
    }

    fn fields(e: AppError) -> (u16, Vec<String>) {
        use actix_web::ResponseError;
        let status = e.status_code().as_u16();
        match e {
            AppError::Invalid { fields, .. } => (status, fields.into_keys().collect()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(
            fields(parse_json::<Body>(br#"{"name":"a","role":"admin"}"#).unwrap_err()),
            (422, vec!["role".into()])
        );
        assert_eq!(
            fields(parse_json::<Body>(br#"{}"#).unwrap_err()),
            (422, vec!["name".into()])
        );
        assert_eq!(
            fields(parse_json::<Body>(br#"{"name":"a","inner":{"count":1,"x":2}}"#).unwrap_err()),
            (422, vec!["inner.x".into()])
        );
        assert_eq!(
            fields(parse_json::<Body>(br#"{"name":5}"#).unwrap_err()),
            (422, vec!["name".into()])
        );
        assert_eq!(
            fields(parse_json::<Body>(br#"{"name":"a","inner":{"count":300}}"#).unwrap_err()),
            (422, vec!["inner.count".into()])
        );
        assert_eq!(fields(parse_json::<Body>(br#"{"name":"a"} x"#).unwrap_err()).0, 400);
        assert_eq!(fields(parse_json::<Body>(b"{\"name\":").unwrap_err()).0, 400);
        assert!(parse_json::<Body>(br#"{"name":"a"}"#).is_ok());
    }

    #[test]
    fn nul_characters_are_refused_on_their_field() {
        assert_eq!(
            fields(parse_json::<Body>(br#"{"name":"a\u0000b"}"#).unwrap_err()),
            (422, vec!["name".into()])
        );
        assert_eq!(
            fields(parse_json::<Body>(br#"{"name":"a","inner":{"count":1,"x\u0000":2}}"#).unwrap_err()),
            (422, vec!["inner.x\0".into()])
        );
        // A literal backslash followed by "u0000" is ordinary text.
        assert!(parse_json::<Body>(br#"{"name":"a\\u0000"}"#).is_ok());
        assert_eq!(
            fields(parse_query::<Q>("segment_id=1%00").unwrap_err()),
            (400, vec!["segment_id".into()])
        );
    }

    list_query!(Q {
        segment_id: Option<i32>,
    });

    #[test]
    fn query_strings_are_strict_and_bounded() {
        let q: Q = parse_query("segment_id=3&limit=10").unwrap();
        assert_eq!((q.segment_id, q.page().limit, q.page().offset), (Some(3), 10, 0));
        assert_eq!(parse_query::<Q>("").unwrap().page().limit, 50);
        assert_eq!(
            fields(parse_query::<Q>("limit=501").unwrap_err()),
            (400, vec!["limit".into()])
        );
        assert_eq!(
            fields(parse_query::<Q>("limit=0").unwrap_err()),
            (400, vec!["limit".into()])
        );
        assert_eq!(
            fields(parse_query::<Q>("offset=-1").unwrap_err()),
            (400, vec!["offset".into()])
        );
        assert_eq!(
            fields(parse_query::<Q>("segment_id=x").unwrap_err()),
            (400, vec!["segment_id".into()])
        );
        assert_eq!(
            fields(parse_query::<Q>("color=red").unwrap_err()),
            (400, vec!["color".into()])
        );
    }
}
