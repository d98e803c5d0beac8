//! Putting Kano questionnaire answers in: a JSON array for one requirement, or a CSV export
//! from a survey tool. Both all-or-nothing.

use std::collections::HashSet;
use std::io::{Seek, Write};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::{Deserialize, Deserializer};
use validator::Validate;

use super::extract::{JsonBody, ObjectOnly, ValidJson, ValidQuery};
use crate::auth::policy::ManageResponses;
use crate::auth::Authorized;
use crate::db::audit::{self, Actor};
use crate::db::responses::{self, insert_many, NewResponse};
use crate::db::{requirements, segments, sessions, Scope};
use crate::domain::kano::Answer;
use crate::error::{AppError, FieldErrors};
use crate::import::{self, layout::MAX_RESPONDENT_LEN};
use crate::state::AppState;

pub const MAX_RESPONSES: usize = 10_000;
/// 10 000 answers fit easily; the general 1 MiB JSON limit would not hold them.
pub const RESPONSES_JSON_LIMIT: usize = 8 << 20;

/// An answer given as a word (`like`, `must_be`/`expect`, `neutral`, `live_with`/`tolerate`,
/// `dislike`) or a number 1–5.
#[derive(Debug, Clone, Copy)]
pub struct AnswerInput(pub Answer);

impl<'de> Deserialize<'de> for AnswerInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Word(String),
        }
        let parsed = match Raw::deserialize(d)? {
            Raw::Number(n) => Answer::from_number(n),
            Raw::Word(w) => Answer::parse(&w),
        };
        parsed.map(AnswerInput).ok_or_else(|| {
            serde::de::Error::custom(
                "expected like, must_be (or expect), neutral, live_with (or tolerate), dislike, or 1-5",
            )
        })
    }
}

impl utoipa::PartialSchema for AnswerInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(5)))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(
                "1 like, 2 must_be (expect), 3 neutral, 4 live_with (tolerate), 5 dislike: the number, or the word in any case",
            ))
            .into()
    }
}

impl utoipa::ToSchema for AnswerInput {}

/// One respondent's answers to a requirement's functional and dysfunctional question.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseItem {
    /// Who answered (a pseudonym is enough); one answer per respondent, requirement and segment.
    #[schema(min_length = 1, pattern = r"\S")]
    pub respondent: String,
    pub segment_id: i32,
    pub session_id: Option<i32>,
    /// "How would you feel if the service had this?"
    pub functional: AnswerInput,
    /// "How would you feel if it did not?"
    pub dysfunctional: AnswerInput,
    /// Self-stated importance, 1 to 5.
    #[schema(minimum = 1, maximum = 5)]
    pub importance: Option<i32>,
}

/// How many answers were stored.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub imported: usize,
}

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

fn add(errors: &mut FieldErrors, index: usize, field: &str, message: impl Into<String>) {
    if errors.len() < import::MAX_REPORTED {
        errors
            .entry(format!("[{index}].{field}"))
            .or_default()
            .push(message.into());
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
    let requirement_id = id.into_inner();
    if items.is_empty() || items.len() > MAX_RESPONSES {
        return Err(AppError::field("body", format!("send 1 to {MAX_RESPONSES} answers")));
    }
    let mut errors = FieldErrors::new();
    for (i, item) in items.iter().enumerate() {
        let respondent = item.respondent.trim();
        if respondent.is_empty() || respondent.chars().count() > MAX_RESPONDENT_LEN {
            add(
                &mut errors,
                i,
                "respondent",
                format!("must be 1 to {MAX_RESPONDENT_LEN} characters"),
            );
        }
        if item.importance.is_some_and(|v| !(1..=5).contains(&v)) {
            add(&mut errors, i, "importance", "must be between 1 and 5");
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let imported = state
        .db
        .write(move |c| {
            requirements::get(c, requirement_id, &Scope::All)?;
            let mut errors = FieldErrors::new();
            let segment_ids: Vec<i32> = items
                .iter()
                .map(|i| i.segment_id)
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let missing: HashSet<i32> = segments::missing(c, &segment_ids)?.into_iter().collect();
            let mut seen = responses::existing_respondents(c, requirement_id, &segment_ids)?;
            let mut session_ok: std::collections::HashMap<(i32, i32), bool> = Default::default();
            let mut rows = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                if missing.contains(&item.segment_id) {
                    add(&mut errors, i, "segment_id", "no such segment");
                    continue;
                }
                if let Some(session) = item.session_id {
                    let key = (session, item.segment_id);
                    let ok = match session_ok.get(&key) {
                        Some(ok) => *ok,
                        None => {
                            let ok = sessions::has_segment(c, session, item.segment_id)?;
                            session_ok.insert(key, ok);
                            ok
                        }
                    };
                    if !ok {
                        add(&mut errors, i, "session_id", "no such session with this segment");
                        continue;
                    }
                }
                let respondent = item.respondent.trim().to_owned();
                if !seen.insert((item.segment_id, respondent.clone())) {
                    add(
                        &mut errors,
                        i,
                        "respondent",
                        "has already answered this requirement for this segment",
                    );
                    continue;
                }
                rows.push(NewResponse {
                    requirement_id,
                    segment_id: item.segment_id,
                    session_id: item.session_id,
                    respondent,
                    functional: i32::from(item.functional.0.number()),
                    dysfunctional: i32::from(item.dysfunctional.0.number()),
                    importance: item.importance,
                });
            }
            if !errors.is_empty() {
                return Err(AppError::fields(errors));
            }
            let mut imported = 0;
            for chunk in rows.chunks(1000) {
                imported += insert_many(c, chunk)?;
            }
            let detail = format!("{{\"imported\":{imported}}}");
            audit::record(
                c,
                Actor::User(&caller),
                "import",
                "kano_responses",
                requirement_id,
                Some(&detail),
            )?;
            Ok(imported)
        })
        .await?;
    state.metrics.answers_imported.inc_by(imported as u64);
    Ok(HttpResponse::Created().json(Imported { imported }))
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    pub session_id: Option<i32>,
}

/// Copies the upload to a temporary file as it arrives, refusing it once over `limit`. The
/// import then reads the file: a slow client never holds the database's write lock.
pub async fn spool<S, E>(mut payload: S, declared: Option<usize>, limit: usize) -> Result<std::fs::File, AppError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let io = |e: std::io::Error| AppError::internal(format!("spooling the upload failed: {e}"));
    let blocking = |e: actix_web::error::BlockingError| AppError::internal(e.to_string());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    let mut file = web::block(tempfile::tempfile).await.map_err(blocking)?.map_err(io)?;
    let mut buffer = Vec::with_capacity(1 << 20);
    let mut total = 0usize;
    loop {
        let chunk = payload.next().await;
        let done = chunk.is_none();
        if let Some(chunk) = chunk {
            let chunk = chunk.map_err(|e| AppError::bad_request("unreadable_body", e.to_string(), None))?;
            total += chunk.len();
            if total > limit {
                return Err(AppError::PayloadTooLarge { limit });
            }
            buffer.extend_from_slice(&chunk);
        }
        if buffer.len() >= 1 << 20 || (done && !buffer.is_empty()) {
            (file, buffer) = web::block(move || {
                file.write_all(&buffer)?;
                buffer.clear();
                Ok::<_, std::io::Error>((file, buffer))
            })
            .await
            .map_err(blocking)?
            .map_err(io)?;
        }
        if done {
            break;
        }
    }
    file.rewind().map_err(io)?;
    Ok(file)
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
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| ["text/csv", "application/csv"].contains(&m.trim().to_ascii_lowercase().as_str()));
    if !is_csv {
        return Err(AppError::UnsupportedMediaType { expected: "text/csv" });
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let file = spool(payload, declared, state.csv_limit_bytes).await?;
    let summary = import_file(&state, caller.caller, file, q.session_id).await?;
    Ok(HttpResponse::Created().json(summary))
}

/// Imports a spooled CSV in one write transaction, audited (also used by the upload page).
pub async fn import_file(
    state: &AppState,
    caller: crate::auth::Caller,
    file: std::fs::File,
    session_id: Option<i32>,
) -> Result<import::ImportSummary, AppError> {
    let summary = state
        .db
        .write(move |c| {
            let summary = import::responses_csv(c, file, session_id)?;
            let detail = serde_json::to_string(&summary).ok();
            audit::record(
                c,
                Actor::User(&caller),
                "import",
                "kano_responses",
                session_id.unwrap_or(0),
                detail.as_deref(),
            )?;
            Ok(summary)
        })
        .await?;
    tracing::info!(imported = summary.imported, "questionnaire answers imported");
    state.metrics.answers_imported.inc_by(summary.imported);
    Ok(summary)
}
