//! Complaints: the log, its life cycle and its statistics.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

use super::created;
use super::extract::{list_query, Listing, MaybeJson, ValidJson, ValidQuery};
use crate::access::{FileComplaint, ManageComplaints};
use crate::auth::{Authorized, Caller};
use crate::db::complaints::ComplaintFilter;
use crate::domain::complaint_stats::ComplaintStatus;
use crate::domain::terms::ComplaintChannel;
use crate::error::AppError;
use crate::service::complaints::{
    self, AcknowledgeComplaint, ComplaintStats, ComplaintView, CreateComplaint, GroupBy, ReopenComplaint,
    ResolveComplaint, Step, UpdateComplaint,
};
use crate::state::AppState;

super::extract::json_body!(
    CreateComplaint,
    UpdateComplaint,
    AcknowledgeComplaint,
    ResolveComplaint,
    ReopenComplaint
);

list_query!(ComplaintQuery {
    segment_id: Option<i32>,
    status: Option<ComplaintStatus>,
    channel: Option<ComplaintChannel>,
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    category: Option<String>,
    owner_id: Option<i32>,
    service_area_id: Option<i32>,
    requirement_id: Option<i32>,
    /// Received on or after this day.
    from: Option<NaiveDate>,
    /// Received on or before this day.
    to: Option<NaiveDate>,
});

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Received on or after this day.
    pub from: Option<NaiveDate>,
    /// Received on or before this day.
    pub to: Option<NaiveDate>,
    pub segment_id: Option<i32>,
    /// Default `month`.
    pub group_by: Option<GroupBy>,
}

#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", params(ComplaintQuery),
    responses((status = 200, description = "One page of the complaints the caller may see, newest received first", body = Listing<ComplaintView>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<ComplaintQuery>,
) -> Result<HttpResponse, AppError> {
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if from > to {
            return Err(AppError::bad_request(
                crate::error::ErrorCode::InvalidQuery,
                "from: must not be after to",
                Some("from"),
            ));
        }
    }
    let filter = ComplaintFilter {
        segment_id: q.segment_id,
        status: q.status.map(|s| s.as_str().to_owned()),
        channel: q.channel.map(|c| c.as_str().to_owned()),
        category: q.category.clone(),
        owner_id: q.owner_id,
        service_area_id: q.service_area_id,
        requirement_id: q.requirement_id,
        from: q.from,
        to: q.to,
    };
    Ok(HttpResponse::Ok().json(complaints::list(&state, &caller, filter, q.page()).await?))
}

/// Stakeholders file for their own segments (any other is 404); staff for any.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", request_body = CreateComplaint,
    responses(
        (status = 201, description = "Logged, with the next reference of the year", body = ComplaintView),
        (status = 404, description = "A stakeholder names a segment that is not theirs (`not_found`)", body = crate::error::ErrorBody),
    ))]
pub async fn create(
    caller: Authorized<FileComplaint>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateComplaint>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&complaints::create(&state, &caller, body).await?))
}

#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "complaints", params(("id" = i32, Path, description = "Complaint id")),
    responses((status = 200, description = "The complaint with its history", body = ComplaintView)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(complaints::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(patch, path = "/api/v1/complaints/{id}", tag = "complaints", params(("id" = i32, Path, description = "Complaint id")),
    request_body = UpdateComplaint,
    responses((status = 200, description = "Changed", body = ComplaintView)))]
pub async fn update(
    caller: Authorized<ManageComplaints>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateComplaint>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(complaints::update(&state, &caller, id.into_inner(), body).await?))
}

/// Staff and the complaint's owner acknowledge; `at` back-dates it.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/acknowledge", tag = "complaints",
    params(("id" = i32, Path, description = "Complaint id")),
    request_body(content = Option<AcknowledgeComplaint>, description = "Optional: `at` back-dates the step"),
    responses(
        (status = 200, description = "Acknowledged", body = ComplaintView),
        (status = 409, description = "Not open (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn acknowledge(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    MaybeJson(body): MaybeJson<AcknowledgeComplaint>,
) -> Result<HttpResponse, AppError> {
    let view = complaints::step(&state, &caller, id.into_inner(), Step::Acknowledge(body)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Staff and the complaint's owner resolve; `at` back-dates it.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/resolve", tag = "complaints",
    params(("id" = i32, Path, description = "Complaint id")), request_body = ResolveComplaint,
    responses(
        (status = 200, description = "Resolved", body = ComplaintView),
        (status = 409, description = "Not acknowledged (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn resolve(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<ResolveComplaint>,
) -> Result<HttpResponse, AppError> {
    let view = complaints::step(&state, &caller, id.into_inner(), Step::Resolve(body)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Staff, the owner, and stakeholders of the complaint's segment reopen a resolved complaint.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/reopen", tag = "complaints",
    params(("id" = i32, Path, description = "Complaint id")),
    request_body(content = Option<ReopenComplaint>, description = "Optional: the reason"),
    responses(
        (status = 200, description = "Back to acknowledged; the history keeps the resolution", body = ComplaintView),
        (status = 409, description = "Not resolved (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn reopen(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    MaybeJson(body): MaybeJson<ReopenComplaint>,
) -> Result<HttpResponse, AppError> {
    let view = complaints::step(&state, &caller, id.into_inner(), Step::Reopen(body)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// How many complaints and how fast, per month, category, segment or service area.
#[utoipa::path(get, path = "/api/v1/complaints/stats", tag = "complaints", params(StatsQuery),
    responses((status = 200, description = "One group per key that received complaints, sorted by key; hours are wall-clock, null when no complaint of the group reached the step", body = ComplaintStats)))]
pub async fn stats(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let stats = complaints::stats(
        &state,
        &caller,
        q.from,
        q.to,
        q.segment_id,
        q.group_by.unwrap_or_default(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(stats))
}
