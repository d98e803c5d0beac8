//! Stakeholder segments.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::extract::{list_query, nullable, Listing, ValidJson, ValidQuery};
use super::{created, not_blank, text, text_patch};
use crate::auth::policy::ManageSegments;
use crate::auth::{Authorized, Caller};
use crate::db::audit::{record_object, Actor};
use crate::db::segments::{self, NewSegment, SegmentChanges};
use crate::db::Scope;
use crate::error::AppError;
use crate::state::AppState;

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

super::extract::json_body!(CreateSegment, UpdateSegment);

list_query!(SegmentQuery {});

#[utoipa::path(get, path = "/api/v1/segments", tag = "segments", params(SegmentQuery),
    responses((status = 200, description = "One page of the segments the caller may see", body = Listing<segments::Segment>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SegmentQuery>,
) -> Result<HttpResponse, AppError> {
    let (scope, page) = (caller.scope(), q.page());
    let (items, total) = state.db.run(move |c| Ok(segments::list(c, &scope, page)?)).await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

#[utoipa::path(get, path = "/api/v1/segments/{id}", tag = "segments", params(("id" = i32, Path, description = "Segment id")),
    responses((status = 200, description = "The segment", body = segments::Segment)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    let (scope, id) = (caller.scope(), id.into_inner());
    let segment = state.db.run(move |c| segments::get(c, id, &scope)).await?;
    Ok(HttpResponse::Ok().json(segment))
}

#[utoipa::path(post, path = "/api/v1/segments", tag = "segments", request_body = CreateSegment,
    responses(
        (status = 201, description = "Created", body = segments::Segment),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<ManageSegments>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateSegment>,
) -> Result<HttpResponse, AppError> {
    let segment = state.db.write(move |c| create_tx(c, &caller, body)).await?;
    Ok(created(&segment))
}

/// Adds a segment (also used by the pages). Runs inside a write transaction.
pub fn create_tx(
    c: &mut crate::db::DbConnection,
    caller: &Caller,
    body: CreateSegment,
) -> Result<segments::Segment, AppError> {
    let new = NewSegment {
        name: body.name.trim().to_owned(),
        description: text(body.description),
        headcount: body.headcount,
        weight: body.weight.unwrap_or(1.0),
        ambassador: text(body.ambassador),
    };
    let segment = segments::insert(c, &new)?;
    record_object(c, Actor::User(caller), "create", "segment", segment.id, &segment)?;
    Ok(segment)
}

#[utoipa::path(patch, path = "/api/v1/segments/{id}", tag = "segments", params(("id" = i32, Path, description = "Segment id")),
    request_body = UpdateSegment,
    responses(
        (status = 200, description = "Changed", body = segments::Segment),
        (status = 409, description = "The name is taken (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<ManageSegments>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateSegment>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let changes = SegmentChanges {
        name: body.name.map(|n| n.trim().to_owned()),
        description: text_patch(body.description),
        headcount: body.headcount,
        weight: body.weight,
        ambassador: text_patch(body.ambassador),
        updated_at: Some(crate::db::now()),
    };
    let segment = state
        .db
        .write(move |c| {
            segments::get(c, id, &Scope::All)?;
            let segment = segments::update(c, id, &changes)?;
            record_object(c, Actor::User(&caller), "update", "segment", id, &segment)?;
            Ok(segment)
        })
        .await?;
    Ok(HttpResponse::Ok().json(segment))
}

/// Refused with 409 `in_use` while stakeholders, sessions, findings or assessments refer to it.
#[utoipa::path(delete, path = "/api/v1/segments/{id}", tag = "segments", params(("id" = i32, Path, description = "Segment id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Still referred to by users, sessions, findings or assessments (`in_use`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    caller: Authorized<ManageSegments>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            let segment = segments::get(c, id, &Scope::All)?;
            segments::delete(c, id)?;
            record_object(c, Actor::User(&caller), "delete", "segment", id, &segment)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
