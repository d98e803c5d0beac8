//! Putting Kano questionnaire answers in: a JSON array for one requirement, or a CSV export
//! from a survey tool. Both all-or-nothing.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Deserializer};
use validator::Validate;

use super::extract::{JsonBody, ObjectOnly, ValidJson, ValidQuery};
use crate::access::ManageResponses;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::service::responses::{self, Imported, ResponseItem, RESPONSES_JSON_LIMIT};
use crate::state::AppState;

/// The JSON body: an array of answers (objects). Its rules are checked item by item in the
/// handler, so that each error names its item (`[3].importance`).
#[derive(Debug)]
pub struct ResponseBatch(pub Vec<ResponseItem>);

impl<'de> Deserialize<'de> for ResponseBatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<ObjectOnly<ResponseItem>>::deserialize(d)?;
        Ok(ResponseBatch(items.into_iter().map(|i| i.0).collect()))
    }
}

impl JsonBody for ResponseBatch {
    const ARRAY: bool = true;
}

impl Validate for ResponseBatch {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

/// `POST /requirements/{id}/responses`.
#[utoipa::path(post, path = "/api/v1/requirements/{id}/responses", tag = "kano",
    params(("id" = i32, Path, description = "Requirement id")),
    request_body(content = Vec<ResponseItem>, description = "1 to 10 000 answers to the requirement's Kano question pair, all or nothing"),
    responses(
        (status = 201, description = "Stored", body = Imported),
        (status = 409, description = "A respondent already answered for this requirement and segment (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn post_responses(
    caller: Authorized<ManageResponses>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(ResponseBatch(items)): ValidJson<ResponseBatch, RESPONSES_JSON_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let imported = responses::record_answers(&state, &caller, id.into_inner(), items).await?;
    Ok(HttpResponse::Created().json(imported))
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    pub session_id: Option<i32>,
}

/// `POST /imports/responses` with a `text/csv` body.
#[utoipa::path(post, path = "/api/v1/imports/responses", tag = "kano", params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "A survey tool's export, long (`respondent,segment,requirement,functional,dysfunctional[,importance]`) or wide (one row per respondent); see the README"),
    responses(
        (status = 201, description = "Imported, all rows", body = crate::import::ImportSummary),
        (status = 422, description = "Nothing was imported; `rows` lists the rows at fault (`invalid_rows`), or `fields` a bad parameter", body = crate::error::ErrorBody),
    ))]
pub async fn import_csv(
    req: HttpRequest,
    caller: Authorized<ManageResponses>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let file = super::extract::csv_body(&req, payload, state.csv_limit_bytes).await?;
    let summary = responses::import_csv(&state, &caller, file, q.session_id).await?;
    Ok(HttpResponse::Created().json(summary))
}
