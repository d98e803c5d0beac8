//! Requirements: wants and needs in the users' words, measurable where possible.

use serde::Deserialize;
use validator::{Validate, ValidationError};

use super::{not_blank, nullable, text, text_patch, validate, Context, Listing};
use crate::access::{Caller, ManageRequirements};
use crate::db::audit::record_object;
pub use crate::db::requirements::RequirementFilter;
use crate::db::requirements::{self, NewRequirement, Requirement, RequirementChanges};
use crate::db::{require_reference, service_areas, DbConnection, Page, Scope};
use crate::domain::terms::{check_measure, Direction, RequirementKey};
use crate::error::AppError;

fn requirement_key(key: &str) -> Result<(), ValidationError> {
    match RequirementKey::parse(key) {
        Some(_) => Ok(()),
        None => Err(ValidationError::new("key").with_message(RequirementKey::RULE.into())),
    }
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequirement {
    #[validate(custom(function = "requirement_key"))]
    #[schema(pattern = r"^[A-Z0-9][A-Z0-9-]{1,31}$")]
    pub key: String,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    pub service_area_id: i32,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub metric: Option<String>,
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    #[validate(range(min = 0.0))]
    #[schema(minimum = 0.0)]
    pub target: Option<f64>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequirement {
    #[validate(custom(function = "requirement_key"))]
    #[schema(pattern = r"^[A-Z0-9][A-Z0-9-]{1,31}$")]
    pub key: Option<String>,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<Option<String>>,
    pub service_area_id: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub metric: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub direction: Option<Option<Direction>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(range(min = 0.0))]
    #[schema(minimum = 0.0)]
    pub target: Option<Option<f64>>,
}

fn measure_rule(direction: Option<Direction>, target: Option<f64>) -> Result<(), AppError> {
    check_measure(direction, target).map_err(|(field, message)| AppError::field(field, message))
}

/// By key; a stakeholder sees only the requirements that concern their segments.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: RequirementFilter,
    page: Page,
) -> Result<Listing<Requirement>, AppError> {
    let scope = caller.scope();
    Ok(ctx
        .db
        .run(move |c| Ok(requirements::list(c, &scope, &filter, page)?))
        .await?
        .into())
}

pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<Requirement, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| requirements::get(c, id, &scope)).await
}

/// The requirement with this key, if the caller may see it.
pub async fn find_by_key(ctx: &Context, caller: &Caller, key: &str) -> Result<Option<Requirement>, AppError> {
    let filter = RequirementFilter {
        search: Some(key.to_owned()),
        ..Default::default()
    };
    let found = list(ctx, caller, filter, Page { limit: 50, offset: 0 }).await?;
    Ok(found.items.into_iter().find(|r| r.key.eq_ignore_ascii_case(key)))
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateRequirement) -> Result<Requirement, AppError> {
    let caller = caller.clone();
    ctx.db.write(move |c| create_in(c, &caller, input)).await
}

/// [`create`] inside the caller's transaction (a session's findings may add requirements).
pub fn create_in(c: &mut DbConnection, caller: &Caller, input: CreateRequirement) -> Result<Requirement, AppError> {
    caller.authorize::<ManageRequirements>()?;
    validate(&input)?;
    measure_rule(input.direction, input.target)?;
    let new = NewRequirement {
        key: input.key,
        title: input.title.trim().to_owned(),
        description: text(input.description),
        service_area_id: input.service_area_id,
        metric: text(input.metric),
        unit: text(input.unit),
        direction: input.direction.map(|d| d.as_str().to_owned()),
        target: input.target,
    };
    require_reference(
        service_areas::exists(c, new.service_area_id)?,
        "service_area_id",
        "service area",
    )?;
    let requirement = requirements::insert(c, &new)?;
    record_object(c, caller, "create", "requirement", requirement.id, &requirement)?;
    Ok(requirement)
}

pub async fn update(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: UpdateRequirement,
) -> Result<Requirement, AppError> {
    caller.authorize::<ManageRequirements>()?;
    validate(&input)?;
    let changes = RequirementChanges {
        key: input.key,
        title: input.title.map(|t| t.trim().to_owned()),
        description: text_patch(input.description),
        service_area_id: input.service_area_id,
        metric: text_patch(input.metric),
        unit: text_patch(input.unit),
        direction: input.direction.map(|d| d.map(|d| d.as_str().to_owned())),
        target: input.target,
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = requirements::get(c, id, &Scope::All)?;
            // The measure rule holds for the requirement as it will be, not just the patch.
            let direction = match &changes.direction {
                Some(d) => d.as_deref().and_then(Direction::parse),
                None => existing.direction.as_deref().and_then(Direction::parse),
            };
            measure_rule(direction, changes.target.unwrap_or(existing.target))?;
            if let Some(area) = changes.service_area_id {
                require_reference(service_areas::exists(c, area)?, "service_area_id", "service area")?;
            }
            let requirement = requirements::update(c, id, &changes)?;
            record_object(c, &caller, "update", "requirement", id, &requirement)?;
            Ok(requirement)
        })
        .await
}

/// Refused with 409 `in_use` while findings or assessments refer to it.
pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageRequirements>()?;
    super::delete_audited(
        ctx,
        caller,
        "requirement",
        id,
        |c, id| requirements::get(c, id, &Scope::All),
        requirements::delete,
    )
    .await
}
