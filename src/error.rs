//! The one error type of the service and how it becomes an HTTP response.
//!
//! Policy: every failure a client can cause maps to a 4xx with a stable snake_case `code`
//! (clients match on it) and, where one input is at fault, the offending field. Only faults
//! of our own (a broken database, a bug) become 5xx; their detail goes to the log, never to the
//! client.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Field name → messages, as returned in `error.fields`.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// The stable codes clients match on, one list: `error.code` is always one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Well-formed input that breaks a rule (422); `fields` names what.
    ValidationFailed,
    InvalidQuery,
    InvalidForm,
    InvalidPath,
    MalformedJson,
    MalformedCsv,
    UnreadableBody,
    InvalidRows,
    InvalidCredentials,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// A value that must be unique is taken.
    Duplicate,
    /// Still referred to by other objects.
    InUse,
    /// A step out of order in a lifecycle.
    InvalidState,
    LastAdmin,
    /// The demo loads only into an empty database.
    NotEmpty,
    /// A figure sent for a ticket-measured target.
    NotReported,
    /// A reported figure for a month that has one (correct it with PATCH).
    PeriodExists,
    /// A ninth change for an improvement plan (a plan has at most eight).
    TooManyChanges,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    ServiceUnavailable,
    InternalError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::InvalidForm => "invalid_form",
            ErrorCode::InvalidPath => "invalid_path",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::MalformedCsv => "malformed_csv",
            ErrorCode::UnreadableBody => "unreadable_body",
            ErrorCode::InvalidRows => "invalid_rows",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::InUse => "in_use",
            ErrorCode::InvalidState => "invalid_state",
            ErrorCode::LastAdmin => "last_admin",
            ErrorCode::NotEmpty => "not_empty",
            ErrorCode::NotReported => "not_reported",
            ErrorCode::PeriodExists => "period_exists",
            ErrorCode::TooManyChanges => "too_many_changes",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::InternalError => "internal_error",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Well-formed input that breaks a rule (422), or malformed input (400).
    #[error("{message}")]
    Invalid {
        status: StatusCode,
        code: ErrorCode,
        message: String,
        fields: FieldErrors,
    },
    #[error("authentication required")]
    Unauthorized,
    /// A sign-in with a wrong e-mail or password (401 `invalid_credentials`).
    #[error("wrong e-mail or password")]
    WrongPassword,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The path exists, but not with this method; `allow` lists the methods it has.
    #[error("method not allowed on this path (allowed: {allow})")]
    MethodNotAllowed { allow: String },
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// A value that must be unique is taken (409 `duplicate`), naming its field.
    #[error("{message}")]
    Duplicate { message: String, fields: FieldErrors },
    #[error("request body too large (limit {limit} bytes)")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported content type; expected {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// A bulk import refused whole: the rows at fault (the first 100) and how many in all.
    #[error("{total} problem(s) in the file; nothing was imported")]
    RowsInvalid {
        rows: Vec<crate::import::layout::RowError>,
        total: u64,
    },
    #[error("database unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// A rule broken by one field (422 `validation_failed`).
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = FieldErrors::new();
        fields.insert(field.to_owned(), vec![message.clone()]);
        AppError::Invalid {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: ErrorCode::ValidationFailed,
            message: format!("{field}: {message}"),
            fields,
        }
    }

    /// Several broken rules at once (422 `validation_failed`).
    pub fn fields(fields: FieldErrors) -> Self {
        let message = fields
            .iter()
            .map(|(f, msgs)| format!("{f}: {}", msgs.join("; ")))
            .collect::<Vec<_>>()
            .join(", ");
        AppError::Invalid {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: ErrorCode::ValidationFailed,
            message,
            fields,
        }
    }

    /// Input that could not be read at all (400).
    pub fn bad_request(code: ErrorCode, message: impl Into<String>, field: Option<&str>) -> Self {
        let message = message.into();
        let mut fields = FieldErrors::new();
        if let Some(f) = field {
            fields.insert(f.to_owned(), vec![message.clone()]);
        }
        AppError::Invalid {
            status: StatusCode::BAD_REQUEST,
            code,
            message,
            fields,
        }
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// Names the row of a batch (as people count, from 1) in a refusal of that row.
    pub fn in_row(self, position: usize) -> Self {
        match self {
            AppError::Invalid {
                status,
                code,
                message,
                fields,
            } => AppError::Invalid {
                status,
                code,
                message: format!("Row {position}: {message}"),
                fields,
            },
            AppError::Conflict { code, message } => AppError::Conflict {
                code,
                message: format!("Row {position}: {message}"),
            },
            AppError::Duplicate { message, fields } => AppError::Duplicate {
                message: format!("Row {position}: {message}"),
                fields,
            },
            other => other,
        }
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        AppError::Internal(detail.into())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Invalid { code, .. } | AppError::Conflict { code, .. } => *code,
            AppError::Unauthorized => ErrorCode::Unauthorized,
            AppError::WrongPassword => ErrorCode::InvalidCredentials,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Duplicate { .. } => ErrorCode::Duplicate,
            AppError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            AppError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            AppError::UnsupportedMediaType { .. } => ErrorCode::UnsupportedMediaType,
            AppError::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            AppError::RowsInvalid { .. } => ErrorCode::InvalidRows,
            AppError::Unavailable(_) => ErrorCode::ServiceUnavailable,
            AppError::Internal(_) => ErrorCode::InternalError,
        }
    }
}

/// The body of every error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    pub error: ErrorDetail<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail<'a> {
    /// Stable and snake_case: clients match on it.
    pub code: ErrorCode,
    /// For people; may change.
    pub message: String,
    /// Field name (a dotted path for nested fields) → what is wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<String, Vec<String>>>)]
    pub fields: Option<&'a FieldErrors>,
    /// A refused import: the rows at fault (the first 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<crate::import::layout::RowError>>)]
    pub rows: Option<&'a [crate::import::layout::RowError]>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid { status, .. } => *status,
            AppError::Unauthorized | AppError::WrongPassword => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } | AppError::Duplicate { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::RowsInvalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::Unavailable(detail) => tracing::warn!(%detail, "database unavailable"),
            _ => {}
        }
        let fields = match self {
            AppError::Invalid { fields, .. } | AppError::Duplicate { fields, .. } if !fields.is_empty() => Some(fields),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                fields,
                rows: match self {
                    AppError::RowsInvalid { rows, .. } => Some(rows),
                    _ => None,
                },
            },
        };
        let mut response = HttpResponse::build(self.status_code());
        match self {
            AppError::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        response.json(body)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match e {
            E::NotFound => AppError::NotFound("object"),
            E::DatabaseError(K::UniqueViolation, info) => {
                tracing::debug!(message = info.message(), "unique violation");
                match unique_column(info.message(), info.details()) {
                    Some(column) => {
                        let message = format!("{column}: this value is already taken");
                        let mut fields = FieldErrors::new();
                        fields.insert(column, vec!["this value is already taken".into()]);
                        AppError::Duplicate { message, fields }
                    }
                    None => AppError::conflict(ErrorCode::Duplicate, "an object with this value already exists"),
                }
            }
            E::DatabaseError(K::ForeignKeyViolation, info) => {
                tracing::debug!(message = info.message(), "foreign key violation");
                AppError::conflict(ErrorCode::InUse, "the object is referenced by other objects")
            }
            E::DatabaseError(K::ClosedConnection, info) => AppError::Unavailable(info.message().to_owned()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// The column a unique constraint guards, from the database's words: SQLite says
/// "UNIQUE constraint failed: segments.name", PostgreSQL "Key (name)=(Finance) already exists."
/// None when it spans several columns or cannot be told.
fn unique_column(message: &str, details: Option<&str>) -> Option<String> {
    let column = if let Some(rest) = message.strip_prefix("UNIQUE constraint failed: ") {
        match rest.strip_prefix("index '") {
            Some(index) => index
                .trim_end_matches('\'')
                .strip_suffix("_key")
                .and_then(|name| name.rsplit('_').next())
                .map(str::to_owned),
            None => rest.split_once('.').map(|(_, column)| column.to_owned()),
        }
    } else {
        let rest = details?.strip_prefix("Key (")?;
        rest.split_once(")=").map(|(column, _)| column.to_owned())
    };
    let column = column?;
    // An index on an expression: `lower(name)` (PostgreSQL), `index 'segments_name_key'`
    // (SQLite, named table_column_key by our migrations).
    let column = match column.strip_prefix("lower(") {
        Some(inner) => inner.trim_end_matches(')').to_owned(),
        None => column,
    };
    Some(column).filter(|c| !c.contains([',', ' ', '(', ')']))
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = FieldErrors::new();
        collect_validation_errors("", &errors, &mut fields);
        AppError::fields(fields)
    }
}

fn collect_validation_errors(prefix: &str, errors: &validator::ValidationErrors, out: &mut FieldErrors) {
    use validator::ValidationErrorsKind as Kind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            Kind::Field(list) => {
                let messages = out.entry(path).or_default();
                for e in list {
                    messages.push(
                        e.message
                            .as_ref()
                            .map(|m| m.to_string())
                            .unwrap_or_else(|| describe_validation(e)),
                    );
                }
            }
            Kind::Struct(inner) => collect_validation_errors(&path, inner, out),
            Kind::List(items) => {
                for (i, inner) in items {
                    collect_validation_errors(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

/// A readable message for validator's built-in rules, from their parameters.
fn describe_validation(e: &validator::ValidationError) -> String {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "invalid length".into(),
        },
        "range" => match (p("min").or(p("exclusive_min")), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) if p("exclusive_min").is_some() => format!("must be greater than {min}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "out of range".into(),
        },
        "email" => "must be an e-mail address".into(),
        other => format!("invalid ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::{unique_column, ErrorCode};

    #[test]
    fn a_code_reads_the_same_in_the_body_and_in_the_code() {
        use ErrorCode::*;
        for code in [
            ValidationFailed,
            InvalidQuery,
            InvalidForm,
            InvalidPath,
            MalformedJson,
            MalformedCsv,
            UnreadableBody,
            InvalidRows,
            InvalidCredentials,
            Unauthorized,
            Forbidden,
            NotFound,
            MethodNotAllowed,
            Duplicate,
            InUse,
            InvalidState,
            LastAdmin,
            NotEmpty,
            NotReported,
            PeriodExists,
            TooManyChanges,
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
            ServiceUnavailable,
            InternalError,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn a_unique_violation_names_its_column_on_both_backends() {
        assert_eq!(
            unique_column("UNIQUE constraint failed: segments.name", None).as_deref(),
            Some("name")
        );
        assert_eq!(
            unique_column(
                "duplicate key value violates unique constraint \"segments_name_key\"",
                Some("Key (name)=(Finance) already exists.")
            )
            .as_deref(),
            Some("name")
        );
        assert_eq!(
            unique_column("UNIQUE constraint failed: index 'service_areas_name_key'", None).as_deref(),
            Some("name")
        );
        assert_eq!(
            unique_column("x", Some("Key (lower(name))=(finance) already exists.")).as_deref(),
            Some("name")
        );
        assert_eq!(
            unique_column("UNIQUE constraint failed: a.x, a.y", None),
            None,
            "several columns name no single field"
        );
    }
}
