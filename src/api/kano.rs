//! Kano results: per requirement and segment (or pooled), the consolidated classification of
//! a segment, and the Kano diagram.

use actix_web::{web, HttpResponse};

use super::extract::ValidQuery;
use crate::auth::Caller;
use crate::error::AppError;
use crate::service::kano::{
    self, ContestedList, KanoHistory, KanoList, KanoView, SegmentClassification, TransitionsView,
};
use crate::state::AppState;

#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KanoQuery {
    /// One segment the caller may see; pooled over all of theirs when absent.
    pub segment_id: Option<i32>,
    /// One wave: a survey session the caller may see (another kind of session: 422); every
    /// answer when absent.
    pub session_id: Option<i32>,
}

#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SegmentQuery {
    /// One segment the caller may see; pooled over all of theirs when absent.
    pub segment_id: Option<i32>,
}

#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TransitionsQuery {
    /// The earlier wave (a survey session id).
    pub from: i32,
    /// The later wave (a survey session id), not `from`.
    pub to: i32,
    /// One segment the caller may see; pooled over all of theirs when absent.
    pub segment_id: Option<i32>,
}

#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WaveQuery {
    /// One wave: a survey session the caller may see; every answer when absent.
    pub session_id: Option<i32>,
}

/// `GET /requirements/{id}/kano`: one requirement's result; zero answers give n = 0.
#[utoipa::path(get, path = "/api/v1/requirements/{id}/kano", tag = "kano",
    params(("id" = i32, Path, description = "Requirement id"), KanoQuery),
    responses((status = 200, description = "The requirement's Kano result for one segment, or pooled over the caller's segments, in one wave or over every answer", body = KanoView),
        (status = 422, description = "`session_id` names a session that is not a survey (`validation_failed`)", body = crate::error::ErrorBody)))]
pub async fn requirement(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let view = kano::requirement_result(&state, &caller, id.into_inner(), q.segment_id, q.session_id).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `GET /kano`: every requirement with answers.
#[utoipa::path(get, path = "/api/v1/kano", tag = "kano", params(KanoQuery),
    responses((status = 200, description = "The Kano result of every requirement with answers", body = KanoList),
        (status = 422, description = "`session_id` names a session that is not a survey (`validation_failed`)", body = crate::error::ErrorBody)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let items = kano::results(&state, &caller, q.segment_id, q.session_id).await?.items;
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
    responses((status = 200, description = "The Kano diagram (Better against |Worse|) as SVG, with 95 % whiskers; low samples hollow", content_type = "image/svg+xml", body = String),
        (status = 422, description = "`session_id` names a session that is not a survey (`validation_failed`)", body = crate::error::ErrorBody)))]
pub async fn chart(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let results = kano::results(&state, &caller, q.segment_id, q.session_id).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(kano::chart(&results)))
}

/// `GET /requirements/{id}/kano/history`: the requirement in each wave.
#[utoipa::path(get, path = "/api/v1/requirements/{id}/kano/history", tag = "kano",
    params(("id" = i32, Path, description = "Requirement id"), SegmentQuery),
    responses((status = 200, description = "The requirement's result in every survey wave the caller may see that has answers for it, in `held_on` order", body = KanoHistory)))]
pub async fn history(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<SegmentQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(kano::history(&state, &caller, id.into_inner(), q.segment_id).await?))
}

/// `GET /kano/transitions?from=&to=&segment_id=`: the Kano life cycle between two waves.
#[utoipa::path(get, path = "/api/v1/kano/transitions", tag = "kano", params(TransitionsQuery),
    responses((status = 200, description = "How requirements moved between two waves: the transition matrix (rows from, columns to), the moves with a chi-square test each, and the fading delighters", body = TransitionsView),
        (status = 404, description = "`from`, `to` or `segment_id` names nothing the caller may see (`not_found`)", body = crate::error::ErrorBody),
        (status = 422, description = "`from` equals `to`, or names a session that is not a survey (`validation_failed`)", body = crate::error::ErrorBody)))]
pub async fn transitions(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<TransitionsQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(kano::transitions(&state, &caller, q.from, q.to, q.segment_id).await?))
}

/// `GET /kano/contested?session_id=`: requirements the caller's segments disagree on.
#[utoipa::path(get, path = "/api/v1/kano/contested", tag = "kano", params(WaveQuery),
    responses((status = 200, description = "Requirements on which at least two of the caller's segments, each with enough answers, classify differently and a chi-square test says so (p < 0.05); smallest p first", body = ContestedList),
        (status = 422, description = "`session_id` names a session that is not a survey (`validation_failed`)", body = crate::error::ErrorBody)))]
pub async fn contested(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<WaveQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(kano::contested(&state, &caller, q.session_id).await?))
}
