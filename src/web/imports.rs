//! The questionnaire upload page: a survey tool's CSV export, imported all or nothing, with the
//! rows at fault listed.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::Serialize;

use super::sign_in::check_csrf;
use super::{allowed, frame, render_status, signed_in, PageError, PageResult};
use crate::access::ManageResponses;
use crate::auth::Caller;
use crate::db::sessions::Session;
use crate::db::Page;
use crate::error::AppError;
use crate::import::layout::RowError;
use crate::service::sessions::SessionFilter;
use crate::service::{self, upload};
use crate::state::AppState;

#[derive(Serialize)]
struct ImportPage {
    sessions: Vec<Session>,
    imported: Option<u64>,
    rows: Vec<RowError>,
    error: Option<String>,
}

async fn import_view(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    imported: Option<u64>,
    rows: Vec<RowError>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    // The newest sessions to attach an upload to; older ones are reached by id in the API.
    let list = service::sessions::list(state, caller, SessionFilter::default(), Page { limit: 200, offset: 0 })
        .await?
        .items;
    let data = ImportPage {
        sessions: list,
        imported,
        rows,
        error,
    };
    render_status(
        state,
        status,
        "import",
        &frame(req, caller, "Questionnaire upload"),
        &data,
    )
}

/// `GET /imports`
pub async fn import_page(req: HttpRequest, caller: Option<Caller>, state: web::Data<AppState>) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ManageResponses>(&caller)?;
    import_view(&req, &caller, &state, None, Vec::new(), None, StatusCode::OK).await
}

/// `POST /imports` (multipart: csrf, session_id, file): the API's import, all or nothing.
pub async fn import(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    mut parts: Multipart,
) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ManageResponses>(&caller)?;
    let mut csrf = None;
    let mut session_id = None;
    let mut file = None;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| {
            PageError(AppError::bad_request(
                crate::error::ErrorCode::InvalidForm,
                e.to_string(),
                None,
            ))
        })?;
        let name = part
            .content_disposition()
            .and_then(|d| d.get_name())
            .unwrap_or("")
            .to_owned();
        match name.as_str() {
            "file" => {
                // The CSRF field comes first in the form; refuse before reading the upload.
                check_csrf(&req, csrf.as_deref())?;
                file = Some(upload::spool(&mut part, None, state.csv_limit_bytes).await?);
            }
            _ => {
                let mut text = Vec::new();
                while let Some(chunk) = part.next().await {
                    let chunk = chunk.map_err(|e| {
                        PageError(AppError::bad_request(
                            crate::error::ErrorCode::InvalidForm,
                            e.to_string(),
                            None,
                        ))
                    })?;
                    if text.len() + chunk.len() > 4096 {
                        return Err(PageError(AppError::PayloadTooLarge { limit: 4096 }));
                    }
                    text.extend_from_slice(&chunk);
                }
                let text = String::from_utf8_lossy(&text).trim().to_owned();
                match name.as_str() {
                    "csrf" => csrf = Some(text),
                    "session_id" => session_id = text.parse::<i32>().ok(),
                    _ => {}
                }
            }
        }
    }
    check_csrf(&req, csrf.as_deref())?;
    let Some(file) = file else {
        return import_view(
            &req,
            &caller,
            &state,
            None,
            Vec::new(),
            Some("Choose a CSV file.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match service::responses::import_csv(&state, &caller, file, session_id).await {
        Ok(summary) => {
            import_view(
                &req,
                &caller,
                &state,
                Some(summary.imported),
                Vec::new(),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::RowsInvalid { rows, total }) => {
            let message = format!("{total} problem(s) in the file; nothing was imported.");
            import_view(
                &req,
                &caller,
                &state,
                None,
                rows,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::PayloadTooLarge { .. })) => {
            import_view(
                &req,
                &caller,
                &state,
                None,
                Vec::new(),
                Some(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
