//! Assessments: dated measurements of current capability. They are history; the newest
//! (by `assessed_on`, then by entry) is the current capability.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

use super::extract::{list_query, nullable, Listing, ValidJson, ValidQuery};
use super::{created, text, text_patch};
use crate::auth::policy::ManageAssessments;
use crate::auth::{Authorized, Caller};
use crate::db::assessments::{self, AssessmentChanges, AssessmentFilter, NewAssessment};
use crate::db::audit::{record_object, Actor};
use crate::db::{require_reference, requirements, segments, DbConnection, Scope};
use crate::domain::terms::check_assessment_value;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssessment {
    pub requirement_id: i32,
    /// None: the assessment applies to all segments.
    pub segment_id: Option<i32>,
    #[validate(range(min = 0.0))]
    #[schema(minimum = 0.0)]
    pub current_value: Option<f64>,
    #[validate(range(min = 0.0, max = 1.0))]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub fulfilment: Option<f64>,
    pub assessed_on: NaiveDate,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub assessor: Option<String>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssessment {
    #[serde(default, deserialize_with = "nullable")]
    pub segment_id: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(range(min = 0.0))]
    #[schema(minimum = 0.0)]
    pub current_value: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(range(min = 0.0, max = 1.0))]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub fulfilment: Option<Option<f64>>,
    pub assessed_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub assessor: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub note: Option<Option<String>>,
}

super::extract::json_body!(CreateAssessment, UpdateAssessment);

list_query!(AssessmentQuery {
    requirement_id: Option<i32>,
    segment_id: Option<i32>,
});

/// The value rule, the references, and that a measured value has a target to be held against.
fn check(
    c: &mut DbConnection,
    requirement_id: i32,
    segment_id: Option<i32>,
    value: Option<f64>,
    fulfilment: Option<f64>,
) -> Result<(), AppError> {
    check_assessment_value(value, fulfilment).map_err(|(field, message)| AppError::field(field, message))?;
    let requirement = requirements::get(c, requirement_id, &Scope::All).ok();
    require_reference(requirement.is_some(), "requirement_id", "requirement")?;
    if let Some(segment_id) = segment_id {
        require_reference(segments::missing(c, &[segment_id])?.is_empty(), "segment_id", "segment")?;
    }
    if value.is_some() && requirement.is_some_and(|r| r.target.is_none()) {
        return Err(AppError::field(
            "current_value",
            "the requirement has no target to measure against; give fulfilment (0-1) instead",
        ));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/assessments", tag = "assessments", params(AssessmentQuery),
    responses((status = 200, description = "One page of assessments the caller may see", body = Listing<assessments::Assessment>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<AssessmentQuery>,
) -> Result<HttpResponse, AppError> {
    let (scope, page) = (caller.scope(), q.page());
    let filter = AssessmentFilter {
        requirement_id: q.requirement_id,
        segment_id: q.segment_id,
    };
    let (items, total) = state
        .db
        .run(move |c| Ok(assessments::list(c, &scope, &filter, page)?))
        .await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments", params(("id" = i32, Path, description = "Assessment id")),
    responses((status = 200, description = "The assessment", body = assessments::Assessment)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    let (scope, id) = (caller.scope(), id.into_inner());
    let assessment = state.db.run(move |c| assessments::get(c, id, &scope)).await?;
    Ok(HttpResponse::Ok().json(assessment))
}

#[utoipa::path(post, path = "/api/v1/assessments", tag = "assessments", request_body = CreateAssessment,
    responses(
        (status = 201, description = "Created", body = assessments::Assessment),
    ))]
pub async fn create(
    caller: Authorized<ManageAssessments>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateAssessment>,
) -> Result<HttpResponse, AppError> {
    let assessment = state.db.write(move |c| create_tx(c, &caller, body)).await?;
    Ok(created(&assessment))
}

/// Records an assessment (also used by the pages). Runs inside a write transaction.
pub fn create_tx(
    c: &mut DbConnection,
    caller: &Caller,
    body: CreateAssessment,
) -> Result<assessments::Assessment, AppError> {
    let new = NewAssessment {
        requirement_id: body.requirement_id,
        segment_id: body.segment_id,
        current_value: body.current_value,
        fulfilment: body.fulfilment,
        assessed_on: body.assessed_on,
        assessor: text(body.assessor),
        note: text(body.note),
    };
    check(c, new.requirement_id, new.segment_id, new.current_value, new.fulfilment)?;
    let assessment = assessments::insert(c, &new)?;
    record_object(
        c,
        Actor::User(caller),
        "create",
        "assessment",
        assessment.id,
        &assessment,
    )?;
    Ok(assessment)
}

#[utoipa::path(patch, path = "/api/v1/assessments/{id}", tag = "assessments", params(("id" = i32, Path, description = "Assessment id")),
    request_body = UpdateAssessment,
    responses(
        (status = 200, description = "Changed", body = assessments::Assessment),
    ))]
pub async fn update(
    caller: Authorized<ManageAssessments>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateAssessment>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // Giving one kind of value replaces the other.
    let (current_value, fulfilment) = match (body.current_value, body.fulfilment) {
        (Some(Some(v)), None) => (Some(Some(v)), Some(None)),
        (None, Some(Some(f))) => (Some(None), Some(Some(f))),
        other => other,
    };
    let changes = AssessmentChanges {
        segment_id: body.segment_id,
        current_value,
        fulfilment,
        assessed_on: body.assessed_on,
        assessor: text_patch(body.assessor),
        note: text_patch(body.note),
        updated_at: Some(crate::db::now()),
    };
    let assessment = state
        .db
        .write(move |c| {
            let existing = assessments::get(c, id, &Scope::All)?;
            check(
                c,
                existing.requirement_id,
                changes.segment_id.unwrap_or(existing.segment_id),
                changes.current_value.unwrap_or(existing.current_value),
                changes.fulfilment.unwrap_or(existing.fulfilment),
            )?;
            let assessment = assessments::update(c, id, &changes)?;
            record_object(c, Actor::User(&caller), "update", "assessment", id, &assessment)?;
            Ok(assessment)
        })
        .await?;
    Ok(HttpResponse::Ok().json(assessment))
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
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            let assessment = assessments::get(c, id, &Scope::All)?;
            assessments::delete(c, id)?;
            record_object(c, Actor::User(&caller), "delete", "assessment", id, &assessment)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
