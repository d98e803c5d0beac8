//! Requirements: wants and needs in the users' words, measurable where possible.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use validator::{Validate, ValidationError};

use super::extract::{list_query, nullable, Listing, ValidJson, ValidQuery};
use super::{created, not_blank, text, text_patch};
use crate::auth::policy::ManageRequirements;
use crate::auth::{Authorized, Caller};
use crate::db::audit::{record_object, Actor};
use crate::db::requirements::{self, NewRequirement, RequirementChanges};
use crate::db::{require_reference, service_areas, Scope};
use crate::domain::terms::{check_measure, Direction, RequirementKey};
use crate::error::AppError;
use crate::state::AppState;

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

super::extract::json_body!(CreateRequirement, UpdateRequirement);

list_query!(RequirementQuery {
    service_area_id: Option<i32>,
});

fn measure_rule(direction: Option<Direction>, target: Option<f64>) -> Result<(), AppError> {
    check_measure(direction, target).map_err(|(field, message)| AppError::field(field, message))
}

#[utoipa::path(get, path = "/api/v1/requirements", tag = "requirements", params(RequirementQuery),
    responses((status = 200, description = "One page of requirements", body = Listing<requirements::Requirement>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<RequirementQuery>,
) -> Result<HttpResponse, AppError> {
    let (scope, page, area) = (caller.scope(), q.page(), q.service_area_id);
    let (items, total) = state
        .db
        .run(move |c| Ok(requirements::list(c, &scope, area, page)?))
        .await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

#[utoipa::path(get, path = "/api/v1/requirements/{id}", tag = "requirements", params(("id" = i32, Path, description = "Requirement id")),
    responses((status = 200, description = "The requirement", body = requirements::Requirement)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    let (scope, id) = (caller.scope(), id.into_inner());
    let requirement = state.db.run(move |c| requirements::get(c, id, &scope)).await?;
    Ok(HttpResponse::Ok().json(requirement))
}

#[utoipa::path(post, path = "/api/v1/requirements", tag = "requirements", request_body = CreateRequirement,
    responses(
        (status = 201, description = "Created", body = requirements::Requirement),
        (status = 409, description = "The key is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<ManageRequirements>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateRequirement>,
) -> Result<HttpResponse, AppError> {
    let requirement = state.db.write(move |c| create_tx(c, &caller, body)).await?;
    Ok(created(&requirement))
}

/// Adds a requirement (also used by the pages). Runs inside a write transaction.
pub fn create_tx(
    c: &mut crate::db::DbConnection,
    caller: &Caller,
    body: CreateRequirement,
) -> Result<requirements::Requirement, AppError> {
    measure_rule(body.direction, body.target)?;
    let new = NewRequirement {
        key: body.key,
        title: body.title.trim().to_owned(),
        description: text(body.description),
        service_area_id: body.service_area_id,
        metric: text(body.metric),
        unit: text(body.unit),
        direction: body.direction.map(|d| d.as_str().to_owned()),
        target: body.target,
    };
    require_reference(
        service_areas::exists(c, new.service_area_id)?,
        "service_area_id",
        "service area",
    )?;
    let requirement = requirements::insert(c, &new)?;
    record_object(
        c,
        Actor::User(caller),
        "create",
        "requirement",
        requirement.id,
        &requirement,
    )?;
    Ok(requirement)
}

#[utoipa::path(patch, path = "/api/v1/requirements/{id}", tag = "requirements", params(("id" = i32, Path, description = "Requirement id")),
    request_body = UpdateRequirement,
    responses(
        (status = 200, description = "Changed", body = requirements::Requirement),
        (status = 409, description = "The key is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<ManageRequirements>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateRequirement>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let changes = RequirementChanges {
        key: body.key,
        title: body.title.map(|t| t.trim().to_owned()),
        description: text_patch(body.description),
        service_area_id: body.service_area_id,
        metric: text_patch(body.metric),
        unit: text_patch(body.unit),
        direction: body.direction.map(|d| d.map(|d| d.as_str().to_owned())),
        target: body.target,
        updated_at: Some(crate::db::now()),
    };
    let requirement = state
        .db
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
            record_object(c, Actor::User(&caller), "update", "requirement", id, &requirement)?;
            Ok(requirement)
        })
        .await?;
    Ok(HttpResponse::Ok().json(requirement))
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
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            let requirement = requirements::get(c, id, &Scope::All)?;
            requirements::delete(c, id)?;
            record_object(c, Actor::User(&caller), "delete", "requirement", id, &requirement)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
