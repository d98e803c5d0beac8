//! The service-delivery elements requirements belong to. Seeded with the eight of seed 003;
//! admins may add more. Readable by everyone: it holds no segment's data.

use serde::Deserialize;
use validator::Validate;

use super::{not_blank, nullable, text, text_patch, validate, Context, Listing};
use crate::access::{AdminOnly, Caller};
use crate::db::audit::record_object;
use crate::db::service_areas::{self, NewServiceArea, ServiceArea, ServiceAreaChanges};
use crate::db::Page;
use crate::error::AppError;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceArea {
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateServiceArea {
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<Option<String>>,
}

pub async fn list(ctx: &Context, _caller: &Caller, page: Page) -> Result<Listing<ServiceArea>, AppError> {
    Ok(ctx.db.run(move |c| Ok(service_areas::list(c, page)?)).await?.into())
}

pub async fn get(ctx: &Context, _caller: &Caller, id: i32) -> Result<ServiceArea, AppError> {
    ctx.db.run(move |c| service_areas::get(c, id)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateServiceArea) -> Result<ServiceArea, AppError> {
    caller.authorize::<AdminOnly>()?;
    validate(&input)?;
    let new = NewServiceArea {
        name: input.name.trim().to_owned(),
        description: text(input.description),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let area = service_areas::insert(c, &new)?;
            record_object(c, &caller, "create", "service_area", area.id, &area)?;
            Ok(area)
        })
        .await
}

pub async fn update(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: UpdateServiceArea,
) -> Result<ServiceArea, AppError> {
    caller.authorize::<AdminOnly>()?;
    validate(&input)?;
    let changes = ServiceAreaChanges {
        name: input.name.map(|n| n.trim().to_owned()),
        description: text_patch(input.description),
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            service_areas::get(c, id)?;
            let area = service_areas::update(c, id, &changes)?;
            record_object(c, &caller, "update", "service_area", id, &area)?;
            Ok(area)
        })
        .await
}

/// Refused with 409 `in_use` while requirements belong to it.
pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<AdminOnly>()?;
    super::delete_audited(
        ctx,
        caller,
        "service_area",
        id,
        service_areas::get,
        service_areas::delete,
    )
    .await
}
