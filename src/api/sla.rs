//! SLA drafts: generated from a segment's classified requirements, edited while a draft,
//! reviewed, agreed (then frozen) and signed off by the segment's stakeholders.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use super::format::Format;
use crate::access::{ManageSla, SignSla};
use crate::auth::{Authorized, Caller};
use crate::error::AppError;
use crate::render::sla::{self as doc, SlaContext};
use crate::render::templates::Templates;
use crate::service::sla::{self, CreateSla, RejectSla, SlaStep, SlaSummary, SlaView, UpdateSla};
use crate::state::AppState;

super::extract::json_body!(CreateSla, UpdateSla, RejectSla);

list_query!(SlaQuery {
    segment_id: Option<i32>,
});

#[derive(Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    pub format: Option<Format>,
}

fn respond(templates: &Templates, format: Format, view: SlaView, ctx: &SlaContext) -> Result<HttpResponse, AppError> {
    let body = match format {
        Format::Json | Format::Csv => return Ok(HttpResponse::Ok().json(view)),
        Format::Md => doc::markdown_document(templates, ctx, &view.sections)?,
        Format::Html => doc::html_document(templates, ctx, &view.sections)?,
    };
    Ok(HttpResponse::Ok().content_type(format.content_type()).body(body))
}

#[utoipa::path(get, path = "/api/v1/sla-drafts", tag = "sla", params(SlaQuery),
    responses((status = 200, description = "One page of SLA drafts the caller may see", body = Listing<SlaSummary>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SlaQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sla::list(&state, &caller, q.segment_id, q.page()).await?))
}

#[utoipa::path(get, path = "/api/v1/sla-drafts/{id}", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id"), FormatQuery),
    responses((status = 200, description = "The draft with its sections, as JSON, Markdown or HTML (`format=csv` is refused)",
        content(
            (SlaView = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
        ))))]
pub async fn get(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<FormatQuery>,
) -> Result<HttpResponse, AppError> {
    let format = Format::negotiate(q.format, &req);
    if format == Format::Csv {
        return Err(AppError::bad_request(
            crate::error::ErrorCode::InvalidQuery,
            "an SLA is a document: use json, md or html",
            Some("format"),
        ));
    }
    let (view, ctx) = sla::get(&state, &caller, id.into_inner()).await?;
    respond(&state.templates, format, view, &ctx)
}

/// Drafts the next version of a segment's SLA from its current classification and capability.
#[utoipa::path(post, path = "/api/v1/sla-drafts", tag = "sla", request_body = CreateSla,
    responses((status = 201, description = "The next version, drafted from the segment's classification and current capability", body = SlaView)))]
pub async fn create(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateSla>,
) -> Result<HttpResponse, AppError> {
    let view = sla::create(&state, &caller, body).await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(patch, path = "/api/v1/sla-drafts/{id}", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")), request_body = UpdateSla,
    responses(
        (status = 200, description = "Edited", body = SlaView),
        (status = 409, description = "Only a draft can be edited (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateSla>,
) -> Result<HttpResponse, AppError> {
    let view = sla::edit(&state, &caller, id.into_inner(), body).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/submit", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")),
    responses(
        (status = 200, description = "Submitted for review", body = SlaView),
        (status = 409, description = "Not a draft (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn submit(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sla::step(&state, &caller, id.into_inner(), SlaStep::Submit).await?))
}

#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/approve", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")),
    responses(
        (status = 200, description = "Approved; awaits the segment's sign-off", body = SlaView),
        (status = 409, description = "Not in review (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn approve(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sla::step(&state, &caller, id.into_inner(), SlaStep::Approve).await?))
}

#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/reject", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")), request_body = RejectSla,
    responses(
        (status = 200, description = "Sent back to draft with the comment", body = SlaView),
        (status = 409, description = "Not in review (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn reject(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<RejectSla>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sla::step(&state, &caller, id.into_inner(), SlaStep::Reject(body)).await?))
}

/// A stakeholder of the SLA's segment records their sign-off (another segment's SLA is 404).
#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/sign-off", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")),
    responses(
        (status = 200, description = "Signed off by the caller (a stakeholder of the segment)", body = SlaView),
        (status = 409, description = "Not approved, or already signed by the caller (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn sign_off(
    caller: Authorized<SignSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sla::step(&state, &caller, id.into_inner(), SlaStep::SignOff).await?))
}
