//! Interviews, focus groups, surveys and workshops.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::ManageSessions;
use crate::auth::{Authorized, Caller};
use crate::db::sessions::Session;
use crate::error::AppError;
use crate::service::sessions::{self, CreateSession, SessionFilter, UpdateSession};
use crate::state::AppState;

super::extract::json_body!(CreateSession, UpdateSession);

list_query!(SessionQuery {
    segment_id: Option<i32>,
});

#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", params(SessionQuery),
    responses((status = 200, description = "One page of sessions the caller may see", body = Listing<Session>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SessionQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(
        sessions::list(
            &state,
            &caller,
            SessionFilter {
                segment_id: q.segment_id,
            },
            q.page(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i32, Path, description = "Session id")),
    responses((status = 200, description = "The session", body = Session)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sessions::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = CreateSession,
    responses(
        (status = 201, description = "Created", body = Session),
    ))]
pub async fn create(
    caller: Authorized<ManageSessions>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateSession>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&sessions::create(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i32, Path, description = "Session id")),
    request_body = UpdateSession,
    responses(
        (status = 200, description = "Changed", body = Session),
    ))]
pub async fn update(
    caller: Authorized<ManageSessions>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateSession>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sessions::update(&state, &caller, id.into_inner(), body).await?))
}

/// Refused with 409 `in_use` while findings cite the session: evidence is never lost silently.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i32, Path, description = "Session id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Findings still cite it (`in_use`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    caller: Authorized<ManageSessions>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    sessions::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
