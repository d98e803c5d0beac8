//! Stakeholder segments.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::ManageSegments;
use crate::auth::{Authorized, Caller};
use crate::db::segments::Segment;
use crate::error::AppError;
use crate::service::segments::{self, CreateSegment, UpdateSegment};
use crate::state::AppState;

super::extract::json_body!(CreateSegment, UpdateSegment);

list_query!(SegmentQuery {});

#[utoipa::path(get, path = "/api/v1/segments", tag = "segments", params(SegmentQuery),
    responses((status = 200, description = "One page of the segments the caller may see", body = Listing<Segment>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SegmentQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(segments::list(&state, &caller, q.page()).await?))
}

#[utoipa::path(get, path = "/api/v1/segments/{id}", tag = "segments", params(("id" = i32, Path, description = "Segment id")),
    responses((status = 200, description = "The segment", body = Segment)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(segments::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/segments", tag = "segments", request_body = CreateSegment,
    responses(
        (status = 201, description = "Created", body = Segment),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<ManageSegments>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateSegment>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&segments::create(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/segments/{id}", tag = "segments", params(("id" = i32, Path, description = "Segment id")),
    request_body = UpdateSegment,
    responses(
        (status = 200, description = "Changed", body = Segment),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<ManageSegments>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateSegment>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(segments::update(&state, &caller, id.into_inner(), body).await?))
}

/// Refused with 409 `in_use` while stakeholders, sessions, findings or assessments refer to it.
#[utoipa::path(delete, path = "/api/v1/segments/{id}", tag = "segments", params(("id" = i32, Path, description = "Segment id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Still referred to by users, sessions, findings or assessments (`in_use`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    caller: Authorized<ManageSegments>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    segments::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
