//! Findings: a facilitator's evidence of how a segment sees a requirement.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::ManageFindings;
use crate::auth::{Authorized, Caller};
use crate::db::findings::Finding;
use crate::error::AppError;
use crate::service::findings::{self, CreateFinding, FindingFilter, UpdateFinding};
use crate::state::AppState;

super::extract::json_body!(CreateFinding, UpdateFinding);

list_query!(FindingQuery {
    segment_id: Option<i32>,
    requirement_id: Option<i32>,
    session_id: Option<i32>,
});

#[utoipa::path(get, path = "/api/v1/findings", tag = "findings", params(FindingQuery),
    responses((status = 200, description = "One page of findings the caller may see", body = Listing<Finding>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<FindingQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(
        findings::list(
            &state,
            &caller,
            FindingFilter {
                segment_id: q.segment_id,
                requirement_id: q.requirement_id,
                session_id: q.session_id,
            },
            q.page(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/findings/{id}", tag = "findings", params(("id" = i32, Path, description = "Finding id")),
    responses((status = 200, description = "The finding", body = Finding)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(findings::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/findings", tag = "findings", request_body = CreateFinding,
    responses(
        (status = 201, description = "Created", body = Finding),
    ))]
pub async fn create(
    caller: Authorized<ManageFindings>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateFinding>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&findings::create(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/findings/{id}", tag = "findings", params(("id" = i32, Path, description = "Finding id")),
    request_body = UpdateFinding,
    responses(
        (status = 200, description = "Changed", body = Finding),
    ))]
pub async fn update(
    caller: Authorized<ManageFindings>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateFinding>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(findings::update(&state, &caller, id.into_inner(), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/findings/{id}", tag = "findings", params(("id" = i32, Path, description = "Finding id")),
    responses(
        (status = 204, description = "Deleted"),
    ))]
pub async fn delete(
    caller: Authorized<ManageFindings>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    findings::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
