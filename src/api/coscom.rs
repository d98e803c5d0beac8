//! Condition-of-Satisfaction commitments (COScom): conditions, checkpoints, comments, close.

use actix_web::{web, HttpResponse};

use super::created;
use super::extract::{list_query, Listing, MaybeJson, ValidJson, ValidQuery};
use crate::access::{CommentCoscom, ManageCoscom};
use crate::auth::{Authorized, Caller};
use crate::db::coscom::{CommentRow, CoscomFilter};
use crate::error::AppError;
use crate::service::coscom::{
    self, CheckpointView, CloseCoscom, CoscomStatus, CoscomView, CreateCheckpoint, CreateComment, CreateCoscom,
};
use crate::state::AppState;

super::extract::json_body!(CreateCoscom, CreateCheckpoint, CreateComment, CloseCoscom);

list_query!(CoscomQuery {
    segment_id: Option<i32>,
    status: Option<CoscomStatus>,
});

#[utoipa::path(get, path = "/api/v1/coscom", tag = "coscom", params(CoscomQuery),
    responses((status = 200, description = "One page of the commitments the caller may see (stakeholders: their segments'), latest start first; each condition with its rating history", body = Listing<CoscomView>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<CoscomQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = CoscomFilter {
        segment_id: q.segment_id,
        status: q.status.map(|s| s.as_str().to_owned()),
    };
    Ok(HttpResponse::Ok().json(coscom::list(&state, &caller, filter, q.page()).await?))
}

/// The service ambassador records the segment's conditions of satisfaction at the start.
#[utoipa::path(post, path = "/api/v1/coscom", tag = "coscom", request_body = CreateCoscom,
    responses((status = 201, description = "Recorded, with the conditions and their ids", body = CoscomView)))]
pub async fn create(
    caller: Authorized<ManageCoscom>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateCoscom>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&coscom::create(&state, &caller, body).await?))
}

#[utoipa::path(get, path = "/api/v1/coscom/{id}", tag = "coscom", params(("id" = i32, Path, description = "COScom id")),
    responses((status = 200, description = "The commitment: each condition's rating history, the checkpoints and the comments", body = CoscomView)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(coscom::get(&state, &caller, id.into_inner()).await?))
}

/// Rates conditions; an `off_track` rating without `actions` is a 422 on `actions`.
#[utoipa::path(post, path = "/api/v1/coscom/{id}/checkpoints", tag = "coscom", params(("id" = i32, Path, description = "COScom id")),
    request_body = CreateCheckpoint,
    responses(
        (status = 201, description = "Recorded", body = CheckpointView),
        (status = 409, description = "The COScom is closed (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn add_checkpoint(
    caller: Authorized<ManageCoscom>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<CreateCheckpoint>,
) -> Result<HttpResponse, AppError> {
    Ok(created(
        &coscom::add_checkpoint(&state, &caller, id.into_inner(), body).await?,
    ))
}

/// Staff, and the stakeholders of the commitment's segment.
#[utoipa::path(post, path = "/api/v1/coscom/{id}/comments", tag = "coscom", params(("id" = i32, Path, description = "COScom id")),
    request_body = CreateComment,
    responses((status = 201, description = "Added", body = CommentRow)))]
pub async fn add_comment(
    caller: Authorized<CommentCoscom>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<CreateComment>,
) -> Result<HttpResponse, AppError> {
    Ok(created(
        &coscom::add_comment(&state, &caller, id.into_inner(), body).await?,
    ))
}

/// Closes the commitment, optionally with the transaction survey that asked the users.
#[utoipa::path(post, path = "/api/v1/coscom/{id}/close", tag = "coscom", params(("id" = i32, Path, description = "COScom id")),
    request_body(content = Option<CloseCoscom>, description = "Optional: `survey_id`, a transaction survey asking the segment"),
    responses(
        (status = 200, description = "Closed", body = CoscomView),
        (status = 409, description = "Already closed (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn close(
    caller: Authorized<ManageCoscom>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    MaybeJson(body): MaybeJson<CloseCoscom>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(coscom::close(&state, &caller, id.into_inner(), body).await?))
}
