//! Satisfaction surveys: the surveys, their answers (JSON or CSV), results and the scorecard.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Deserializer};
use validator::Validate;

use super::created;
use super::extract::{list_query, JsonBody, Listing, ObjectOnly, ValidJson, ValidQuery};
use crate::access::ManageSurveys;
use crate::auth::{Authorized, Caller};
use crate::db::satisfaction::{Survey, SurveyFilter};
use crate::domain::terms::SurveyKind;
use crate::error::AppError;
use crate::service::satisfaction::{
    self, AnswerItem, AnswersImported, CreateSurvey, ResultsView, SatisfactionImportSummary, Scorecard, UpdateSurvey,
    ANSWERS_JSON_LIMIT,
};
use crate::state::AppState;

super::extract::json_body!(CreateSurvey, UpdateSurvey);

list_query!(SurveyQuery {
    kind: Option<SurveyKind>,
    segment_id: Option<i32>,
});

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SegmentQuery {
    pub segment_id: Option<i32>,
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SurveyImportQuery {
    pub survey_id: i32,
}

/// The JSON body of answers: an array of objects, checked item by item so that each error
/// names its item (`[3].score`).
#[derive(Debug)]
pub struct AnswerBatch(pub Vec<AnswerItem>);

impl<'de> Deserialize<'de> for AnswerBatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<ObjectOnly<AnswerItem>>::deserialize(d)?;
        Ok(AnswerBatch(items.into_iter().map(|i| i.0).collect()))
    }
}

impl JsonBody for AnswerBatch {
    const ARRAY: bool = true;
}

impl Validate for AnswerBatch {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

#[utoipa::path(get, path = "/api/v1/satisfaction-surveys", tag = "satisfaction", params(SurveyQuery),
    responses((status = 200, description = "One page of the surveys the caller may see, newest opened first", body = Listing<Survey>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SurveyQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = SurveyFilter {
        kind: q.kind.map(|k| k.as_str().to_owned()),
        segment_id: q.segment_id,
    };
    Ok(HttpResponse::Ok().json(satisfaction::list(&state, &caller, filter, q.page()).await?))
}

#[utoipa::path(post, path = "/api/v1/satisfaction-surveys", tag = "satisfaction", request_body = CreateSurvey,
    responses((status = 201, description = "Created", body = Survey)))]
pub async fn create(
    caller: Authorized<ManageSurveys>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateSurvey>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&satisfaction::create(&state, &caller, body).await?))
}

#[utoipa::path(get, path = "/api/v1/satisfaction-surveys/{id}", tag = "satisfaction", params(("id" = i32, Path, description = "Survey id")),
    responses((status = 200, description = "The survey", body = Survey)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(satisfaction::get(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(patch, path = "/api/v1/satisfaction-surveys/{id}", tag = "satisfaction", params(("id" = i32, Path, description = "Survey id")),
    request_body = UpdateSurvey,
    responses((status = 200, description = "Changed", body = Survey)))]
pub async fn update(
    caller: Authorized<ManageSurveys>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateSurvey>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(satisfaction::update(&state, &caller, id.into_inner(), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/satisfaction-surveys/{id}", tag = "satisfaction", params(("id" = i32, Path, description = "Survey id")),
    responses((status = 204, description = "Deleted with its answers")))]
pub async fn delete(
    caller: Authorized<ManageSurveys>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    satisfaction::delete(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /satisfaction-surveys/{id}/responses`: a JSON array of answers, all or nothing.
#[utoipa::path(post, path = "/api/v1/satisfaction-surveys/{id}/responses", tag = "satisfaction",
    params(("id" = i32, Path, description = "Survey id")),
    request_body(content = Vec<AnswerItem>, description = "1 to 10 000 answers, all or nothing; each refusal names its item (`[3].score`)"),
    responses((status = 201, description = "Stored", body = AnswersImported)))]
pub async fn post_responses(
    caller: Authorized<ManageSurveys>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(AnswerBatch(items)): ValidJson<AnswerBatch, ANSWERS_JSON_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let imported = satisfaction::record_answers(&state, &caller, id.into_inner(), items).await?;
    Ok(HttpResponse::Created().json(imported))
}

/// `POST /imports/satisfaction?survey_id=` with a `text/csv` body.
#[utoipa::path(post, path = "/api/v1/imports/satisfaction", tag = "satisfaction", params(SurveyImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "`respondent,segment,score[,service_area][,comment][,answered_at]` with that header (columns in any order); segments and service areas by name; score 1 to the survey's scale_max"),
    responses(
        (status = 201, description = "Imported, all rows", body = SatisfactionImportSummary),
        (status = 422, description = "Nothing was imported; `rows` lists the rows at fault (`invalid_rows`)", body = crate::error::ErrorBody),
    ))]
pub async fn import_csv(
    req: HttpRequest,
    caller: Authorized<ManageSurveys>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SurveyImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let file = super::extract::csv_body(&req, payload, state.csv_limit_bytes).await?;
    let summary = satisfaction::import_csv(&state, &caller, q.survey_id, file).await?;
    Ok(HttpResponse::Created().json(summary))
}

/// The share of satisfied answers with its interval and band, per segment; comments for staff.
#[utoipa::path(get, path = "/api/v1/satisfaction-surveys/{id}/results", tag = "satisfaction",
    params(("id" = i32, Path, description = "Survey id"), SegmentQuery),
    responses((status = 200, description = "Results of the answers the caller may see (stakeholders: their segments', without comments)", body = ResultsView)))]
pub async fn results(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<SegmentQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(satisfaction::results(&state, &caller, id.into_inner(), q.segment_id).await?))
}

/// The overall surveys against the 80/90 % bands and the yearly target.
#[utoipa::path(get, path = "/api/v1/satisfaction/scorecard", tag = "satisfaction", params(SegmentQuery),
    responses((status = 200, description = "The closed overall surveys with answers, in closed_on order; the first is the baseline", body = Scorecard)))]
pub async fn scorecard(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SegmentQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(satisfaction::scorecard_for(&state, &caller, q.segment_id).await?))
}
