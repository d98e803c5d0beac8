//! The service-delivery elements requirements belong to. Seeded with the eight of seed 003;
//! admins may add more. Readable by everyone: it holds no segment's data.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::extract::{list_query, nullable, Listing, ValidJson, ValidQuery};
use super::{created, not_blank, text, text_patch};
use crate::auth::policy::AdminOnly;
use crate::auth::{Authorized, Caller};
use crate::db::audit::{record_object, Actor};
use crate::db::service_areas::{self, NewServiceArea, ServiceAreaChanges};
use crate::error::AppError;
use crate::state::AppState;

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

super::extract::json_body!(CreateServiceArea, UpdateServiceArea);

list_query!(ServiceAreaQuery {});

#[utoipa::path(get, path = "/api/v1/service-areas", tag = "service-areas", params(ServiceAreaQuery),
    responses((status = 200, description = "One page of service areas", body = Listing<service_areas::ServiceArea>)))]
pub async fn list(
    _: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<ServiceAreaQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.page();
    let (items, total) = state.db.run(move |c| Ok(service_areas::list(c, page)?)).await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

#[utoipa::path(get, path = "/api/v1/service-areas/{id}", tag = "service-areas", params(("id" = i32, Path, description = "Service area id")),
    responses((status = 200, description = "The service area", body = service_areas::ServiceArea)))]
pub async fn get(_: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let area = state.db.run(move |c| service_areas::get(c, id)).await?;
    Ok(HttpResponse::Ok().json(area))
}

#[utoipa::path(post, path = "/api/v1/service-areas", tag = "service-areas", request_body = CreateServiceArea,
    responses(
        (status = 201, description = "Created", body = service_areas::ServiceArea),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateServiceArea>,
) -> Result<HttpResponse, AppError> {
    let new = NewServiceArea {
        name: body.name.trim().to_owned(),
        description: text(body.description),
    };
    let area = state
        .db
        .write(move |c| {
            let area = service_areas::insert(c, &new)?;
            record_object(c, Actor::User(&caller), "create", "service_area", area.id, &area)?;
            Ok(area)
        })
        .await?;
    Ok(created(&area))
}

#[utoipa::path(patch, path = "/api/v1/service-areas/{id}", tag = "service-areas", params(("id" = i32, Path, description = "Service area id")),
    request_body = UpdateServiceArea,
    responses(
        (status = 200, description = "Changed", body = service_areas::ServiceArea),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateServiceArea>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let changes = ServiceAreaChanges {
        name: body.name.map(|n| n.trim().to_owned()),
        description: text_patch(body.description),
        updated_at: Some(crate::db::now()),
    };
    let area = state
        .db
        .write(move |c| {
            service_areas::get(c, id)?;
            let area = service_areas::update(c, id, &changes)?;
            record_object(c, Actor::User(&caller), "update", "service_area", id, &area)?;
            Ok(area)
        })
        .await?;
    Ok(HttpResponse::Ok().json(area))
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
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            let area = service_areas::get(c, id)?;
            service_areas::delete(c, id)?;
            record_object(c, Actor::User(&caller), "delete", "service_area", id, &area)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
