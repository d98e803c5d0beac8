//! The questionnaire upload page: a survey tool's CSV export, imported all or nothing, with the
//! rows at fault listed.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::Serialize;

use super::forms;
use super::{allowed, frame, render_status, signed_in, PageResult};
use crate::access::ManageResponses;
use crate::auth::Caller;
use crate::db::sessions::Session;
use crate::db::Page;
use crate::error::AppError;
use crate::import::layout::RowError;
use crate::service;
use crate::service::sessions::SessionFilter;
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
    parts: Multipart,
) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ManageResponses>(&caller)?;
    let form = forms::upload(&req, parts, state.csv_limit_bytes).await?;
    let session_id = form.fields.get("session_id").and_then(|s| s.parse::<i32>().ok());
    let file = form.file;
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
