//! Root-cause (fishbone) analyses, their causes and their Ishikawa diagram.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use crate::access::ManageRootCauses;
use crate::auth::{Authorized, Caller};
use crate::db::root_causes::RootCauseFilter;
use crate::error::AppError;
use crate::service::improvement_plans::ChangeView;
use crate::service::root_causes::{
    self, CauseToChange, CauseView, CreateCause, CreateRootCause, RootCauseView, UpdateCause, UpdateRootCause,
};
use crate::state::AppState;

super::extract::json_body!(
    CreateRootCause,
    UpdateRootCause,
    CreateCause,
    UpdateCause,
    CauseToChange
);

list_query!(RootCauseQuery {
    segment_id: Option<i32>,
    service_area_id: Option<i32>,
});

#[utoipa::path(get, path = "/api/v1/root-causes", tag = "root-causes", params(RootCauseQuery),
    responses((status = 200, description = "One page of the analyses the caller may see (stakeholders: their segments' and those without a segment), newest changed first; without their causes", body = Listing<RootCauseView>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<RootCauseQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = RootCauseFilter {
        segment_id: q.segment_id,
        service_area_id: q.service_area_id,
    };
    Ok(HttpResponse::Ok().json(root_causes::list(&state, &caller, filter, q.page()).await?))
}

/// Facilitators, leadership and admins start an analysis. A category outside the set, a
/// missing custom list or a link to nothing (or to another segment's complaint or target) is
/// a 422 naming the field.
#[utoipa::path(post, path = "/api/v1/root-causes", tag = "root-causes", request_body = CreateRootCause,
    responses((status = 201, description = "Started, with its categories", body = RootCauseView)))]
pub async fn create(
    caller: Authorized<ManageRootCauses>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateRootCause>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&root_causes::create(&state, &caller, body).await?))
}

#[utoipa::path(get, path = "/api/v1/root-causes/{id}", tag = "root-causes", params(("id" = i32, Path, description = "Analysis id")),
    responses((status = 200, description = "The analysis with its causes in drawing order", body = RootCauseView)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(root_causes::get(&state, &caller, id.into_inner()).await?))
}

/// New categories must still hold every cause (else 422 on `categories`); `links` replaces
/// the stored links.
#[utoipa::path(patch, path = "/api/v1/root-causes/{id}", tag = "root-causes", params(("id" = i32, Path, description = "Analysis id")),
    request_body = UpdateRootCause,
    responses((status = 200, description = "Changed", body = RootCauseView)))]
pub async fn update(
    caller: Authorized<ManageRootCauses>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateRootCause>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(root_causes::update(&state, &caller, id.into_inner(), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/root-causes/{id}", tag = "root-causes", params(("id" = i32, Path, description = "Analysis id")),
    responses((status = 204, description = "Deleted with its causes and links")))]
pub async fn delete(
    caller: Authorized<ManageRootCauses>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    root_causes::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A cause on a category's bone, or (with `parent_id`) a sub-cause of another cause, to any
/// depth. The category must be one of the analysis's (a sub-cause: its parent's), else 422 on
/// `category`.
#[utoipa::path(post, path = "/api/v1/root-causes/{id}/causes", tag = "root-causes", params(("id" = i32, Path, description = "Analysis id")),
    request_body = CreateCause,
    responses((status = 201, description = "Added", body = CauseView)))]
pub async fn add_cause(
    caller: Authorized<ManageRootCauses>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<CreateCause>,
) -> Result<HttpResponse, AppError> {
    Ok(created(
        &root_causes::add_cause(&state, &caller, id.into_inner(), body).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/root-causes/{id}/causes/{cause_id}", tag = "root-causes",
    params(("id" = i32, Path, description = "Analysis id"), ("cause_id" = i32, Path, description = "Cause id")),
    request_body = UpdateCause,
    responses((status = 200, description = "Changed", body = CauseView)))]
pub async fn update_cause(
    caller: Authorized<ManageRootCauses>,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    ValidJson(body): ValidJson<UpdateCause>,
) -> Result<HttpResponse, AppError> {
    let (id, cause_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(root_causes::update_cause(&state, &caller, id, cause_id, body).await?))
}

#[utoipa::path(delete, path = "/api/v1/root-causes/{id}/causes/{cause_id}", tag = "root-causes",
    params(("id" = i32, Path, description = "Analysis id"), ("cause_id" = i32, Path, description = "Cause id")),
    responses((status = 204, description = "Deleted with its sub-causes")))]
pub async fn delete_cause(
    caller: Authorized<ManageRootCauses>,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, AppError> {
    let (id, cause_id) = path.into_inner();
    root_causes::delete_cause(&state, &caller, id, cause_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The Ishikawa diagram: the problem at the head, a bone per category, causes and sub-causes
/// as ribs, verified root causes bold and red with a marker.
#[utoipa::path(get, path = "/api/v1/root-causes/{id}/fishbone.svg", tag = "root-causes", params(("id" = i32, Path, description = "Analysis id")),
    responses((status = 200, description = "The fishbone diagram as SVG", content_type = "image/svg+xml", body = String)))]
pub async fn fishbone(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let svg = root_causes::fishbone(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(svg))
}

/// Turns a cause into a change of an improvement plan (leadership, admin): 201 the change, its
/// `links.root_cause_id` this analysis and `links.cause_id` the cause. The plan must be a draft
/// with room (409 `invalid_state`, 422 `too_many_changes`); an unknown plan is 422 on `plan_id`.
#[utoipa::path(post, path = "/api/v1/root-causes/{id}/causes/{cause_id}/change", tag = "root-causes",
    params(("id" = i32, Path, description = "Analysis id"), ("cause_id" = i32, Path, description = "Cause id")),
    request_body = CauseToChange,
    responses(
        (status = 201, description = "The new improvement-plan change", body = ChangeView),
        (status = 404, description = "No such analysis or cause (or not the caller's to see)", body = crate::error::ErrorBody),
        (status = 409, description = "The plan's scope is frozen (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn make_change(
    caller: Authorized<crate::access::ManagePlans>,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    ValidJson(body): ValidJson<CauseToChange>,
) -> Result<HttpResponse, AppError> {
    let (id, cause_id) = path.into_inner();
    Ok(created(
        &root_causes::make_change(&state, &caller, id, cause_id, body).await?,
    ))
}
