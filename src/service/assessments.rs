//! Assessments: dated measurements of current capability. They are history; the newest
//! (by `assessed_on`, then by entry) is the current capability.

use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

use super::{nullable, text, text_patch, validate, Context, Listing};
use crate::access::{Caller, ManageAssessments};
pub use crate::db::assessments::AssessmentFilter;
use crate::db::assessments::{self, Assessment, AssessmentChanges, NewAssessment};
use crate::db::audit::record_object;
use crate::db::{require_reference, requirements, segments, DbConnection, Page, Scope};
use crate::domain::terms::check_assessment_value;
use crate::error::AppError;

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

pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: AssessmentFilter,
    page: Page,
) -> Result<Listing<Assessment>, AppError> {
    let scope = caller.scope();
    Ok(ctx
        .db
        .run(move |c| Ok(assessments::list(c, &scope, &filter, page)?))
        .await?
        .into())
}

pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<Assessment, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| assessments::get(c, id, &scope)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateAssessment) -> Result<Assessment, AppError> {
    caller.authorize::<ManageAssessments>()?;
    validate(&input)?;
    let new = NewAssessment {
        requirement_id: input.requirement_id,
        segment_id: input.segment_id,
        current_value: input.current_value,
        fulfilment: input.fulfilment,
        assessed_on: input.assessed_on,
        assessor: text(input.assessor),
        note: text(input.note),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            check(c, new.requirement_id, new.segment_id, new.current_value, new.fulfilment)?;
            let assessment = assessments::insert(c, &new)?;
            record_object(c, &caller, "create", "assessment", assessment.id, &assessment)?;
            Ok(assessment)
        })
        .await
}

pub async fn update(ctx: &Context, caller: &Caller, id: i32, input: UpdateAssessment) -> Result<Assessment, AppError> {
    caller.authorize::<ManageAssessments>()?;
    validate(&input)?;
    // Giving one kind of value replaces the other.
    let (current_value, fulfilment) = match (input.current_value, input.fulfilment) {
        (Some(Some(v)), None) => (Some(Some(v)), Some(None)),
        (None, Some(Some(f))) => (Some(None), Some(Some(f))),
        other => other,
    };
    let changes = AssessmentChanges {
        segment_id: input.segment_id,
        current_value,
        fulfilment,
        assessed_on: input.assessed_on,
        assessor: text_patch(input.assessor),
        note: text_patch(input.note),
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
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
            record_object(c, &caller, "update", "assessment", id, &assessment)?;
            Ok(assessment)
        })
        .await
}

pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageAssessments>()?;
    super::delete_audited(
        ctx,
        caller,
        "assessment",
        id,
        |c, id| assessments::get(c, id, &Scope::All),
        assessments::delete,
    )
    .await
}
