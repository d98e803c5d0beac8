//! Requirements: wants and needs in the users' words, measurable where possible.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::ManageRequirements;
use crate::auth::{Authorized, Caller};
use crate::db::requirements::Requirement;
use crate::error::AppError;
use crate::service::requirements::{self, CreateRequirement, RequirementFilter, UpdateRequirement};
use crate::state::AppState;

super::extract::json_body!(CreateRequirement, UpdateRequirement);

list_query!(RequirementQuery {
    service_area_id: Option<i32>,
    /// Part of the key or title, in any case.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    search: Option<String>,
});

#[utoipa::path(get, path = "/api/v1/requirements", tag = "requirements", params(RequirementQuery),
    responses((status = 200, description = "One page of requirements", body = Listing<Requirement>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<RequirementQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(
        requirements::list(
            &state,
            &caller,
            RequirementFilter {
                service_area_id: q.service_area_id,
                search: q.search.clone(),
            },
            q.page(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/requirements/{id}", tag = "requirements", params(("id" = i32, Path, description = "Requirement id")),
    responses((status = 200, description = "The requirement", body = Requirement)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(requirements::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/requirements", tag = "requirements", request_body = CreateRequirement,
    responses(
        (status = 201, description = "Created", body = Requirement),
        (status = 409, description = "The key is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<ManageRequirements>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateRequirement>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&requirements::create(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/requirements/{id}", tag = "requirements", params(("id" = i32, Path, description = "Requirement id")),
    request_body = UpdateRequirement,
    responses(
        (status = 200, description = "Changed", body = Requirement),
        (status = 409, description = "The key is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<ManageRequirements>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateRequirement>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(requirements::update(&state, &caller, id.into_inner(), body).await?))
}

/// Refused with 409 `in_use` while findings or assessments refer to it.
#[utoipa::path(delete, path = "/api/v1/requirements/{id}", tag = "requirements", params(("id" = i32, Path, description = "Requirement id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Findings or assessments still refer to it (`in_use`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    caller: Authorized<ManageRequirements>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    requirements::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
