//! Assessments: dated measurements of current capability.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::ManageAssessments;
use crate::auth::{Authorized, Caller};
use crate::db::assessments::Assessment;
use crate::error::AppError;
use crate::service::assessments::{self, AssessmentFilter, CreateAssessment, UpdateAssessment};
use crate::state::AppState;

super::extract::json_body!(CreateAssessment, UpdateAssessment);

list_query!(AssessmentQuery {
    requirement_id: Option<i32>,
    segment_id: Option<i32>,
});

#[utoipa::path(get, path = "/api/v1/assessments", tag = "assessments", params(AssessmentQuery),
    responses((status = 200, description = "One page of assessments the caller may see", body = Listing<Assessment>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<AssessmentQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(
        assessments::list(
            &state,
            &caller,
            AssessmentFilter {
                requirement_id: q.requirement_id,
                segment_id: q.segment_id,
            },
            q.page(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments", params(("id" = i32, Path, description = "Assessment id")),
    responses((status = 200, description = "The assessment", body = Assessment)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(assessments::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/assessments", tag = "assessments", request_body = CreateAssessment,
    responses(
        (status = 201, description = "Created", body = Assessment),
    ))]
pub async fn create(
    caller: Authorized<ManageAssessments>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateAssessment>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&assessments::create(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/assessments/{id}", tag = "assessments", params(("id" = i32, Path, description = "Assessment id")),
    request_body = UpdateAssessment,
    responses(
        (status = 200, description = "Changed", body = Assessment),
    ))]
pub async fn update(
    caller: Authorized<ManageAssessments>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateAssessment>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(assessments::update(&state, &caller, id.into_inner(), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/assessments/{id}", tag = "assessments", params(("id" = i32, Path, description = "Assessment id")),
    responses(
        (status = 204, description = "Deleted"),
    ))]
pub async fn delete(
    caller: Authorized<ManageAssessments>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    assessments::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
