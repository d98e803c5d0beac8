//! Kano results: per requirement and segment (or pooled), the consolidated classification of
//! a segment, and the Kano diagram.

use actix_web::{web, HttpResponse};

use super::extract::ValidQuery;
use crate::auth::Caller;
use crate::error::AppError;
use crate::service::kano::{self, KanoList, KanoView, SegmentClassification};
use crate::state::AppState;

#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KanoQuery {
    pub segment_id: Option<i32>,
}

/// `GET /requirements/{id}/kano`: one requirement's result; zero answers give n = 0.
#[utoipa::path(get, path = "/api/v1/requirements/{id}/kano", tag = "kano",
    params(("id" = i32, Path, description = "Requirement id"), KanoQuery),
    responses((status = 200, description = "The requirement's Kano result for one segment, or pooled over the caller's segments", body = KanoView)))]
pub async fn requirement(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let view = kano::requirement_result(&state, &caller, id.into_inner(), q.segment_id).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `GET /kano`: every requirement with answers.
#[utoipa::path(get, path = "/api/v1/kano", tag = "kano", params(KanoQuery),
    responses((status = 200, description = "The Kano result of every requirement with answers", body = KanoList)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let items = kano::results(&state, &caller, q.segment_id).await?.items;
    Ok(HttpResponse::Ok().json(KanoList { items }))
}

/// `GET /segments/{id}/classification`.
#[utoipa::path(get, path = "/api/v1/segments/{id}/classification", tag = "kano",
    params(("id" = i32, Path, description = "Segment id")),
    responses((status = 200, description = "Each requirement's consolidated category for the segment, with its source and confidence", body = SegmentClassification)))]
pub async fn classification(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(kano::segment_classification(&state, &caller, id.into_inner()).await?))
}

/// `GET /kano/chart.svg`: the Kano diagram of a segment (or of all the caller may see).
#[utoipa::path(get, path = "/api/v1/kano/chart.svg", tag = "kano", params(KanoQuery),
    responses((status = 200, description = "The Kano diagram (Better against |Worse|) as SVG", content_type = "image/svg+xml", body = String)))]
pub async fn chart(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let results = kano::results(&state, &caller, q.segment_id).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(kano::chart(&results)))
}
