//! Stakeholder segments.

use serde::Deserialize;
use validator::Validate;

use super::{not_blank, nullable, text, text_patch, validate, Context, Listing};
use crate::access::{Caller, ManageSegments};
use crate::db::audit::record_object;
use crate::db::segments::{self, NewSegment, Segment, SegmentChanges};
use crate::db::{DbConnection, Page, Scope};
use crate::error::AppError;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSegment {
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[validate(range(min = 0))]
    #[schema(minimum = 0)]
    pub headcount: Option<i32>,
    #[validate(range(exclusive_min = 0.0, max = 1000.0))]
    #[schema(exclusive_minimum = 0.0, maximum = 1000.0)]
    pub weight: Option<f64>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub ambassador: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSegment {
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(range(min = 0))]
    #[schema(minimum = 0)]
    pub headcount: Option<Option<i32>>,
    #[validate(range(exclusive_min = 0.0, max = 1000.0))]
    #[schema(exclusive_minimum = 0.0, maximum = 1000.0)]
    pub weight: Option<f64>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub ambassador: Option<Option<String>>,
}

/// The segments the caller may see, by name.
pub async fn list(ctx: &Context, caller: &Caller, page: Page) -> Result<Listing<Segment>, AppError> {
    let scope = caller.scope();
    Ok(ctx.db.run(move |c| Ok(segments::list(c, &scope, page)?)).await?.into())
}

/// The ids of segments named (in any case), in the order given; 422 on `segment` for a name
/// that is no segment.
pub async fn ids_by_name(ctx: &Context, caller: &Caller, names: &[String]) -> Result<Vec<i32>, AppError> {
    let all = list(
        ctx,
        caller,
        Page {
            limit: i64::MAX,
            offset: 0,
        },
    )
    .await?
    .items;
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
                .map(|s| s.id)
                .ok_or_else(|| AppError::field("segment", format!("no segment named {name:?}")))
        })
        .collect()
}

pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<Segment, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| segments::get(c, id, &scope)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateSegment) -> Result<Segment, AppError> {
    let caller = caller.clone();
    ctx.db.write(move |c| create_in(c, &caller, input)).await
}

/// [`create`] inside the caller's transaction (the demo loader adds several at once).
pub fn create_in(c: &mut DbConnection, caller: &Caller, input: CreateSegment) -> Result<Segment, AppError> {
    caller.authorize::<ManageSegments>()?;
    validate(&input)?;
    let new = NewSegment {
        name: input.name.trim().to_owned(),
        description: text(input.description),
        headcount: input.headcount,
        weight: input.weight.unwrap_or(1.0),
        ambassador: text(input.ambassador),
    };
    let segment = segments::insert(c, &new)?;
    record_object(c, caller, "create", "segment", segment.id, &segment)?;
    Ok(segment)
}

pub async fn update(ctx: &Context, caller: &Caller, id: i32, input: UpdateSegment) -> Result<Segment, AppError> {
    caller.authorize::<ManageSegments>()?;
    validate(&input)?;
    let changes = SegmentChanges {
        name: input.name.map(|n| n.trim().to_owned()),
        description: text_patch(input.description),
        headcount: input.headcount,
        weight: input.weight,
        ambassador: text_patch(input.ambassador),
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            segments::get(c, id, &Scope::All)?;
            let segment = segments::update(c, id, &changes)?;
            record_object(c, &caller, "update", "segment", id, &segment)?;
            Ok(segment)
        })
        .await
}

/// Refused with 409 `in_use` while stakeholders, sessions, findings or assessments refer to it.
pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageSegments>()?;
    super::delete_audited(
        ctx,
        caller,
        "segment",
        id,
        |c, id| segments::get(c, id, &Scope::All),
        segments::delete,
    )
    .await
}
