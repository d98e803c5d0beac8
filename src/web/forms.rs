//! Reading HTML forms and showing their errors next to the fields, with what was typed kept.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::PageError;
use crate::access::Policy;
use crate::auth::Caller;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// A form read for its CSRF token alone (the other fields are ignored).
#[derive(serde::Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// A form with nothing to read but its CSRF token.
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// What every signed-in form post goes through before its handler: signed in (else to the
/// sign-in page), the body read, its CSRF token checked (403), in that order.
pub fn accept_signed<T: DeserializeOwned>(
    req: &HttpRequest,
    caller: Option<Caller>,
    body: &web::Bytes,
) -> Result<(Caller, T), PageError> {
    let caller = super::signed_in(caller)?;
    let form = parse::<T>(body)?;
    let token: CsrfField = parse(body)?;
    super::sign_in::check_csrf(req, token.csrf.as_deref())?;
    Ok((caller, form))
}

/// [`accept_signed`], then the role table's word on `P` (403).
pub fn accept<T: DeserializeOwned, P: Policy>(
    req: &HttpRequest,
    caller: Option<Caller>,
    body: &web::Bytes,
) -> Result<(Caller, T), PageError> {
    let (caller, form) = accept_signed(req, caller, body)?;
    super::allowed::<P>(&caller)?;
    Ok((caller, form))
}

/// Parses an urlencoded form body (repeated names become lists). 400 when unreadable.
pub fn parse<T: DeserializeOwned>(body: &web::Bytes) -> Result<T, PageError> {
    // As for the API: no NUL in stored text (PostgreSQL cannot hold it).
    if form_urlencoded::parse(body).any(|(k, v)| k.contains('\0') || v.contains('\0')) {
        return Err(PageError(AppError::bad_request(
            crate::error::ErrorCode::InvalidForm,
            "text must not contain a NUL character",
            None,
        )));
    }
    serde_html_form::from_bytes(body).map_err(|e| {
        PageError(AppError::bad_request(
            crate::error::ErrorCode::InvalidForm,
            e.to_string(),
            None,
        ))
    })
}

/// What the user typed and what was wrong with it, for re-showing a form.
#[derive(Serialize, Default, Clone)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    /// An error that belongs to no single field.
    pub error: Option<String>,
}

impl FormState {
    pub fn new(values: impl IntoIterator<Item = (&'static str, String)>) -> Self {
        FormState {
            values: values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ..Default::default()
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.entry(field.to_owned()).or_insert_with(|| message.into());
    }

    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.error.is_none()
    }

    /// Turns a refusal of the shared rules into messages beside the fields; faults that are
    /// not the form's pass through.
    pub fn absorb(&mut self, e: AppError) -> Result<(), PageError> {
        match e {
            AppError::Invalid { fields, message, .. } | AppError::Duplicate { fields, message } => {
                self.take_fields(fields);
                if self.errors.is_empty() {
                    self.error = Some(message);
                }
                Ok(())
            }
            AppError::Conflict { message, .. } => {
                self.error = Some(message);
                Ok(())
            }
            other => Err(PageError(other)),
        }
    }

    /// What an operation answered: `Some` with what was written; `None` with a refusal of the
    /// input noted on the form (faults that are not the form's pass through).
    pub fn outcome<T>(&mut self, result: Result<T, AppError>) -> Result<Option<T>, PageError> {
        match result {
            Ok(written) => Ok(Some(written)),
            Err(e) => {
                self.absorb(e)?;
                Ok(None)
            }
        }
    }

    fn take_fields(&mut self, fields: FieldErrors) {
        for (field, messages) in fields {
            if let Some(first) = messages.into_iter().next() {
                self.add(&field, first);
            }
        }
    }
}

/// A multipart form with one file (`file`) beside short text fields.
pub struct Upload {
    pub fields: BTreeMap<String, String>,
    /// Spooled to a temporary file; None when the form had no file.
    pub file: Option<std::fs::File>,
}

/// Reads a multipart upload form. Its CSRF field comes first in the form: the token is checked
/// before the file is read (403), and once more at the end for a form without a file. Text
/// fields past 4 KiB are refused (413), the file past `limit`.
pub async fn upload(
    req: &HttpRequest,
    mut parts: actix_multipart::Multipart,
    limit: usize,
) -> Result<Upload, PageError> {
    use futures_util::StreamExt;
    let unreadable = |e: actix_multipart::MultipartError| {
        PageError(AppError::bad_request(ErrorCode::InvalidForm, e.to_string(), None))
    };
    let mut fields = BTreeMap::new();
    let mut file = None;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(unreadable)?;
        let name = part
            .content_disposition()
            .and_then(|d| d.get_name())
            .unwrap_or("")
            .to_owned();
        if name == "file" {
            super::sign_in::check_csrf(req, fields.get("csrf").map(String::as_str))?;
            file = Some(crate::service::upload::spool(&mut part, None, limit).await?);
            continue;
        }
        let mut text = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if text.len() + chunk.len() > 4096 {
                return Err(PageError(AppError::PayloadTooLarge { limit: 4096 }));
            }
            text.extend_from_slice(&chunk);
        }
        fields.insert(name, String::from_utf8_lossy(&text).trim().to_owned());
    }
    super::sign_in::check_csrf(req, fields.get("csrf").map(String::as_str))?;
    Ok(Upload { fields, file })
}

/// Parses a number field, noting a problem on the form.
pub fn number<T: std::str::FromStr>(state: &mut FormState, field: &str, text: &str) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            state.add(field, "must be a number");
            None
        }
    }
}

pub fn required<T: std::str::FromStr>(state: &mut FormState, field: &str, text: &str) -> Option<T> {
    if text.trim().is_empty() {
        state.add(field, "required");
        return None;
    }
    number(state, field, text)
}

pub fn optional_text(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Form {
        #[allow(dead_code)]
        name: String,
    }

    #[test]
    fn nul_characters_are_refused_like_the_apis() {
        assert!(parse::<Form>(&web::Bytes::from_static(b"name=Finance")).is_ok());
        let err = parse::<Form>(&web::Bytes::from_static(b"name=Fin%00ance"))
            .err()
            .unwrap();
        assert!(matches!(
            err.0,
            AppError::Invalid {
                code: crate::error::ErrorCode::InvalidForm,
                ..
            }
        ));
    }
}
