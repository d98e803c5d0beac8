//! Putting Kano questionnaire answers in: a JSON array for one requirement, or a CSV export
//! from a survey tool. Both all-or-nothing.

use std::collections::HashSet;

use serde::{Deserialize, Deserializer};

use super::Context;
use crate::access::{Caller, ManageResponses};
use crate::db::audit;
use crate::db::responses::{self, insert_counted, NewResponse};
use crate::db::{requirements, segments, sessions, Scope};
use crate::domain::kano::Answer;
use crate::error::{AppError, FieldErrors};
use crate::import::{self, layout::MAX_RESPONDENT_LEN};

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

fn add(errors: &mut FieldErrors, index: usize, field: &str, message: impl Into<String>) {
    if errors.len() < import::MAX_REPORTED {
        errors
            .entry(format!("[{index}].{field}"))
            .or_default()
            .push(message.into());
    }
}

/// Stores a batch of answers to one requirement, all or nothing; each refusal names its item
/// (`[3].importance`).
pub async fn record_answers(
    ctx: &Context,
    caller: &Caller,
    requirement_id: i32,
    items: Vec<ResponseItem>,
) -> Result<Imported, AppError> {
    caller.authorize::<ManageResponses>()?;
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
    let caller = caller.clone();
    let imported = ctx
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
            let respondents: Vec<String> = items
                .iter()
                .map(|i| i.respondent.trim().to_owned())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let mut seen = responses::existing_respondents(c, requirement_id, &segment_ids, &respondents)?;
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
            let imported = insert_counted(c, &rows)?;
            let detail = format!("{{\"imported\":{imported}}}");
            audit::record(c, &caller, "import", "kano_responses", requirement_id, Some(&detail))?;
            Ok(imported)
        })
        .await?;
    ctx.metrics.answers_imported.inc_by(imported as u64);
    Ok(Imported { imported })
}

/// Imports a questionnaire CSV (long or wide, told by its header) in one write transaction,
/// audited. `file` is read from the start; a refusal lists the rows at fault.
pub async fn import_csv<R: std::io::Read + Send + 'static>(
    ctx: &Context,
    caller: &Caller,
    file: R,
    session_id: Option<i32>,
) -> Result<import::ImportSummary, AppError> {
    caller.authorize::<ManageResponses>()?;
    let caller = caller.clone();
    let summary = ctx
        .db
        .write(move |c| {
            let summary = import::responses_csv(c, file, session_id)?;
            let detail = serde_json::to_string(&summary).ok();
            audit::record(
                c,
                &caller,
                "import",
                "kano_responses",
                session_id.unwrap_or(0),
                detail.as_deref(),
            )?;
            Ok(summary)
        })
        .await?;
    tracing::info!(imported = summary.imported, "questionnaire answers imported");
    ctx.metrics.answers_imported.inc_by(summary.imported);
    Ok(summary)
}

/// What `kanogap recount` did.
#[derive(Debug, serde::Serialize)]
pub struct Recounted {
    /// Grids (segment × requirement × wave) counted.
    pub grids: usize,
    /// Grids whose stored counts differed from the answers before (added, changed or gone).
    pub corrected: usize,
}

/// Rebuilds the answer counts from the answers, in one audited write transaction.
pub async fn recount(ctx: &Context, caller: &Caller) -> Result<Recounted, AppError> {
    caller.authorize::<ManageResponses>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let all = responses::CountFilter::default();
            let before = responses::grids(c, &all)?;
            let grids = responses::recount(c)?;
            let after = responses::grids(c, &all)?;
            let key = |g: &responses::Grid| (g.segment_id, g.requirement_id, g.session_id);
            let old: std::collections::HashMap<_, _> = before.iter().map(|g| (key(g), &g.tally)).collect();
            let new_keys: HashSet<_> = after.iter().map(key).collect();
            let corrected = after.iter().filter(|g| old.get(&key(g)) != Some(&&g.tally)).count()
                + before.iter().filter(|g| !new_keys.contains(&key(g))).count();
            let result = Recounted { grids, corrected };
            let detail = serde_json::to_string(&result).ok();
            audit::record(c, &caller, "recount", "answer_counts", 0, detail.as_deref())?;
            Ok(result)
        })
        .await
}
