//! Service improvement plans: six to eight changes per service process, reviewed and signed off
//! by the users of the plan's segments, approved by leadership, closed when delivered.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use super::format::Format;
use crate::access::{ManagePlans, SignPlans};
use crate::auth::{Authorized, Caller};
use crate::db::improvement_plans::PlanFilter;
use crate::domain::improvement::PlanStatus;
use crate::error::{AppError, ErrorCode};
use crate::render::improvement_plan as doc;
use crate::service::improvement_plans::{
    self as plans, ChangeView, CreateChange, CreatePlan, PlanStep, PlanView, UpdateChange, UpdatePlan,
};
use crate::state::AppState;

super::extract::json_body!(CreatePlan, UpdatePlan, CreateChange, UpdateChange);

list_query!(PlanQuery {
    status: Option<PlanStatus>,
    service_area_id: Option<i32>,
    /// Plans naming this segment.
    segment_id: Option<i32>,
});

#[derive(Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanFormatQuery {
    /// `json` (default), `md` or `html` (the one-page document with sign-offs); `csv` is refused.
    pub format: Option<Format>,
}

#[utoipa::path(get, path = "/api/v1/improvement-plans", tag = "improvement-plans", params(PlanQuery),
    responses((status = 200, description = "One page of the plans the caller may see (stakeholders: those naming their segments), newest first", body = Listing<PlanView>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<PlanQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = PlanFilter {
        status: q.status.map(|s| s.as_str().to_owned()),
        service_area_id: q.service_area_id,
        segment_id: q.segment_id,
    };
    Ok(HttpResponse::Ok().json(plans::list(&state, &caller, filter, q.page()).await?))
}

#[utoipa::path(post, path = "/api/v1/improvement-plans", tag = "improvement-plans", request_body = CreatePlan,
    responses((status = 201, description = "The draft plan", body = PlanView)))]
pub async fn create(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreatePlan>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&plans::create(&state, &caller, body).await?))
}

#[utoipa::path(get, path = "/api/v1/improvement-plans/{id}", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id"), PlanFormatQuery),
    responses((status = 200, description = "The plan with its changes, `progress` and sign-offs, as JSON, or a one-page Markdown or HTML document (`format=csv` is refused)",
        content(
            (PlanView = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
        ))))]
pub async fn get(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<PlanFormatQuery>,
) -> Result<HttpResponse, AppError> {
    let format = Format::negotiate(q.format, &req);
    if format == Format::Csv {
        return Err(AppError::bad_request(
            ErrorCode::InvalidQuery,
            "a plan is a document: use json, md or html",
            Some("format"),
        ));
    }
    let plan = plans::get(&state, &caller, id.into_inner()).await?;
    let overdue = plan.progress.overdue.len();
    let body = match format {
        Format::Json | Format::Csv => return Ok(HttpResponse::Ok().json(plan)),
        Format::Md => doc::markdown(&state.templates, &plan, plan.status, overdue)?,
        Format::Html => doc::html(&state.templates, &plan, plan.status, overdue)?,
    };
    Ok(HttpResponse::Ok().content_type(format.content_type()).body(body))
}

#[utoipa::path(patch, path = "/api/v1/improvement-plans/{id}", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id")), request_body = UpdatePlan,
    responses(
        (status = 200, description = "Edited", body = PlanView),
        (status = 409, description = "Only a draft's own fields can be edited (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdatePlan>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(plans::update(&state, &caller, id.into_inner(), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/improvement-plans/{id}", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Only a draft can be deleted (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    plans::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a change (at most eight per plan).
#[utoipa::path(post, path = "/api/v1/improvement-plans/{id}/changes", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id")), request_body = CreateChange,
    responses(
        (status = 201, description = "The new change", body = ChangeView),
        (status = 409, description = "The plan is no longer a draft: its scope is frozen (`invalid_state`)", body = crate::error::ErrorBody),
        (status = 422, description = "A rule broken (`validation_failed`, naming the field: an owner, requirement, complaint or service target that does not exist), or a ninth change (`too_many_changes`)", body = crate::error::ErrorBody),
    ))]
pub async fn add_change(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<CreateChange>,
) -> Result<HttpResponse, AppError> {
    Ok(created(
        &plans::add_change(&state, &caller, id.into_inner(), body).await?,
    ))
}

/// Retitling only in draft; details, `status` and `done_on` until the plan is closed.
#[utoipa::path(patch, path = "/api/v1/improvement-plans/{id}/changes/{change_id}", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id"), ("change_id" = i32, Path, description = "Change id")),
    request_body = UpdateChange,
    responses(
        (status = 200, description = "Edited", body = ChangeView),
        (status = 409, description = "A retitle after submission, or any edit of a closed plan (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn update_change(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    ValidJson(body): ValidJson<UpdateChange>,
) -> Result<HttpResponse, AppError> {
    let (id, change_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(plans::update_change(&state, &caller, id, change_id, body).await?))
}

#[utoipa::path(delete, path = "/api/v1/improvement-plans/{id}/changes/{change_id}", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id"), ("change_id" = i32, Path, description = "Change id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The plan is no longer a draft: its scope is frozen (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete_change(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, AppError> {
    let (id, change_id) = path.into_inner();
    plans::delete_change(&state, &caller, id, change_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn step(state: &AppState, caller: &Caller, id: i32, step: PlanStep) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(plans::step(state, caller, id, step).await?))
}

#[utoipa::path(post, path = "/api/v1/improvement-plans/{id}/submit", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id")),
    responses(
        (status = 200, description = "In review: awaits each named segment's sign-off", body = PlanView),
        (status = 409, description = "Not a draft (`invalid_state`)", body = crate::error::ErrorBody),
        (status = 422, description = "The plan has no change yet (`validation_failed` on `changes`)", body = crate::error::ErrorBody),
    ))]
pub async fn submit(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    step(&state, &caller, id.into_inner(), PlanStep::Submit).await
}

/// A stakeholder signs off for every one of their segments the plan names.
#[utoipa::path(post, path = "/api/v1/improvement-plans/{id}/sign-off", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Signed off for the caller's segments (who and when)", body = PlanView),
        (status = 409, description = "Not in review, or the caller's segments have signed off already (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn sign_off(
    caller: Authorized<SignPlans>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    step(&state, &caller, id.into_inner(), PlanStep::SignOff).await
}

#[utoipa::path(post, path = "/api/v1/improvement-plans/{id}/approve", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Agreed: the scope is frozen", body = PlanView),
        (status = 409, description = "Not in review, or a named segment has not signed off (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn approve(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    step(&state, &caller, id.into_inner(), PlanStep::Approve).await
}

#[utoipa::path(post, path = "/api/v1/improvement-plans/{id}/close", tag = "improvement-plans",
    params(("id" = i32, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Closed", body = PlanView),
        (status = 409, description = "Not agreed (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn close(
    caller: Authorized<ManagePlans>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    step(&state, &caller, id.into_inner(), PlanStep::Close).await
}
