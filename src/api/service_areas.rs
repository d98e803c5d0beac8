//! The service-delivery elements requirements belong to.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::AdminOnly;
use crate::auth::{Authorized, Caller};
use crate::db::service_areas::ServiceArea;
use crate::error::AppError;
use crate::service::service_areas::{self, CreateServiceArea, UpdateServiceArea};
use crate::state::AppState;

super::extract::json_body!(CreateServiceArea, UpdateServiceArea);

list_query!(ServiceAreaQuery {});

#[utoipa::path(get, path = "/api/v1/service-areas", tag = "service-areas", params(ServiceAreaQuery),
    responses((status = 200, description = "One page of service areas", body = Listing<ServiceArea>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<ServiceAreaQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service_areas::list(&state, &caller, q.page()).await?))
}

#[utoipa::path(get, path = "/api/v1/service-areas/{id}", tag = "service-areas", params(("id" = i32, Path, description = "Service area id")),
    responses((status = 200, description = "The service area", body = ServiceArea)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service_areas::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/service-areas", tag = "service-areas", request_body = CreateServiceArea,
    responses(
        (status = 201, description = "Created", body = ServiceArea),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateServiceArea>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&service_areas::create(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/service-areas/{id}", tag = "service-areas", params(("id" = i32, Path, description = "Service area id")),
    request_body = UpdateServiceArea,
    responses(
        (status = 200, description = "Changed", body = ServiceArea),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateServiceArea>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service_areas::update(&state, &caller, id.into_inner(), body).await?))
}

/// Refused with 409 `in_use` while requirements belong to it.
#[utoipa::path(delete, path = "/api/v1/service-areas/{id}", tag = "service-areas", params(("id" = i32, Path, description = "Service area id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Requirements still belong to it (`in_use`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    service_areas::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
