//! Satisfaction surveys: transaction surveys after a service encounter and overall surveys at
//! least yearly; their answers (a JSON batch or a CSV file, all or nothing), their results with
//! a Wilson interval and band, and the scorecard of overall surveys against a target raised
//! every year.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{not_blank, nullable, require_segments, text, unique_ids, validate, Context, Listing};
use crate::access::{Caller, ManageSurveys};
use crate::db::audit::{self, record_object};
use crate::db::satisfaction::{self as db, Comment, NewAnswer, NewSurvey, Survey, SurveyChanges, SurveyFilter};
use crate::db::schema::{segments as segments_table, service_areas as areas_table};
use crate::db::{segments, DbConnection, Page, Scope};
use crate::domain::satisfaction::{
    results_from_counts, scorecard, share, valid_score, Band, ScorecardItem, SurveyCycle, SurveyResults,
};
use crate::domain::terms::SurveyKind;
use crate::error::{AppError, FieldErrors};
use crate::import::layout::{RowError, MAX_RESPONDENT_LEN};
use crate::import::MAX_REPORTED;

/// Answers per JSON batch.
pub const MAX_ANSWERS: usize = 10_000;
/// 10 000 answers with comments fit; the general 1 MiB JSON limit would not hold them.
pub const ANSWERS_JSON_LIMIT: usize = 8 << 20;
/// Comments listed with the results (the newest).
pub const MAX_COMMENTS: i64 = 500;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSurvey {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    pub kind: SurveyKind,
    /// The top of the answer scale (1..scale_max); default 5.
    #[validate(range(min = 4, max = 10))]
    #[schema(minimum = 4, maximum = 10)]
    pub scale_max: Option<i32>,
    pub opened_on: NaiveDate,
    /// Not before `opened_on`. The scorecard takes overall surveys once closed.
    pub closed_on: Option<NaiveDate>,
    /// The segments asked (none: every segment).
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub segment_ids: Option<Vec<i32>>,
}

/// Kind and scale are fixed once created (answers are scored on them).
#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSurvey {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    pub opened_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "nullable")]
    pub closed_on: Option<Option<NaiveDate>>,
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub segment_ids: Option<Vec<i32>>,
}

/// One answer to a survey.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerItem {
    /// Who answered (a pseudonym is enough); may be left out for anonymous answers.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub respondent: Option<String>,
    pub segment_id: i32,
    /// 1 to the survey's `scale_max`.
    #[schema(minimum = 1, maximum = 10)]
    pub score: i64,
    pub service_area_id: Option<i32>,
    #[schema(max_length = 4000)]
    pub comment: Option<String>,
    /// When it was answered; not in the future.
    pub answered_at: Option<DateTime<Utc>>,
}

/// How many answers were stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnswersImported {
    pub imported: usize,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SegmentRef {
    pub id: i32,
    pub name: String,
}

/// One segment's share of satisfied answers.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SegmentResult {
    pub segment: SegmentRef,
    pub n: u64,
    pub satisfied: u64,
    pub satisfied_pct: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub band: Option<Band>,
}

/// A survey's results: the share of satisfied answers (the top two boxes), its Wilson 95 %
/// interval in percent and band, the mean and the distribution; per segment; and, for staff,
/// the newest comments.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ResultsView {
    pub survey_id: i32,
    pub title: String,
    #[schema(value_type = crate::domain::terms::SurveyKind)]
    pub kind: String,
    pub scale_max: i32,
    /// The segment the results are narrowed to, if any.
    pub segment_id: Option<i32>,
    #[serde(flatten)]
    pub results: SurveyResults,
    pub by_segment: Vec<SegmentResult>,
    /// The newest comments (staff roles only; absent for stakeholders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<Comment>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    /// The overall surveys with answers, in `closed_on` order; the first is the baseline.
    pub items: Vec<ScorecardItem>,
    /// Points a year the target rises from the baseline.
    pub annual_improvement_pts: f64,
}

fn check_dates(opened_on: NaiveDate, closed_on: Option<NaiveDate>) -> Result<(), AppError> {
    if closed_on.is_some_and(|c| c < opened_on) {
        return Err(AppError::field("closed_on", "must not be before opened_on"));
    }
    Ok(())
}

pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: SurveyFilter,
    page: Page,
) -> Result<Listing<Survey>, AppError> {
    let scope = caller.scope();
    Ok(ctx
        .db
        .run(move |c| Ok(db::list(c, &scope, &filter, page)?))
        .await?
        .into())
}

/// A survey the caller may see (stakeholders: those asking their segments or every segment).
pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<Survey, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| db::get(c, id, &scope)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateSurvey) -> Result<Survey, AppError> {
    caller.authorize::<ManageSurveys>()?;
    validate(&input)?;
    check_dates(input.opened_on, input.closed_on)?;
    let segment_ids = unique_ids(input.segment_ids.unwrap_or_default());
    let new = NewSurvey {
        title: input.title.trim().to_owned(),
        kind: input.kind.as_str().to_owned(),
        scale_max: input.scale_max.unwrap_or(5),
        opened_on: input.opened_on,
        closed_on: input.closed_on,
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            require_segments(c, "segment_ids", &segment_ids)?;
            let survey = db::insert(c, &new, &segment_ids)?;
            record_object(c, &caller, "create", "satisfaction_survey", survey.id, &survey)?;
            Ok(survey)
        })
        .await
}

pub async fn update(ctx: &Context, caller: &Caller, id: i32, input: UpdateSurvey) -> Result<Survey, AppError> {
    caller.authorize::<ManageSurveys>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = db::get(c, id, &Scope::All)?;
            check_dates(
                input.opened_on.unwrap_or(existing.opened_on),
                input.closed_on.unwrap_or(existing.closed_on),
            )?;
            if let Some(ids) = &input.segment_ids {
                let ids = unique_ids(ids.clone());
                require_segments(c, "segment_ids", &ids)?;
                db::set_segments(c, id, &ids)?;
            }
            let changes = SurveyChanges {
                title: input.title.map(|t| t.trim().to_owned()),
                opened_on: input.opened_on,
                closed_on: input.closed_on,
                updated_at: Some(crate::db::now()),
            };
            db::update(c, id, &changes)?;
            let survey = db::get(c, id, &Scope::All)?;
            record_object(c, &caller, "update", "satisfaction_survey", id, &survey)?;
            Ok(survey)
        })
        .await
}

/// Deletes a survey and its answers.
pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageSurveys>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let survey = db::get(c, id, &Scope::All)?;
            db::delete(c, id)?;
            record_object(c, &caller, "delete", "satisfaction_survey", id, &survey)?;
            Ok(())
        })
        .await
}

fn add(errors: &mut FieldErrors, index: usize, field: &str, message: impl Into<String>) {
    if errors.len() < MAX_REPORTED {
        errors
            .entry(format!("[{index}].{field}"))
            .or_default()
            .push(message.into());
    }
}

/// What an answer may refer to, read once per batch.
struct Rules {
    scale_max: i32,
    /// The segments the survey asks (None: any segment).
    allowed: Option<HashSet<i32>>,
    segments: HashSet<i32>,
    areas: HashSet<i32>,
}

impl Rules {
    fn load(c: &mut DbConnection, survey_id: i32) -> Result<Rules, AppError> {
        use diesel::prelude::*;
        let survey = db::get(c, survey_id, &Scope::All)?;
        let asked = db::survey_segments(c, survey_id)?;
        Ok(Rules {
            scale_max: survey.scale_max,
            allowed: (!asked.is_empty()).then(|| asked.into_iter().collect()),
            segments: segments_table::table
                .select(segments_table::id)
                .load::<i32>(c)?
                .into_iter()
                .collect(),
            areas: areas_table::table
                .select(areas_table::id)
                .load::<i32>(c)?
                .into_iter()
                .collect(),
        })
    }

    fn segment(&self, id: i32) -> Result<(), &'static str> {
        if !self.segments.contains(&id) {
            Err("no such segment")
        } else if self.allowed.as_ref().is_some_and(|a| !a.contains(&id)) {
            Err("the survey does not ask this segment")
        } else {
            Ok(())
        }
    }

    fn score(&self, score: i64) -> Result<i32, String> {
        u8::try_from(score)
            .ok()
            .filter(|s| valid_score(self.scale_max as u8, *s))
            .map(i32::from)
            .ok_or_else(|| format!("must be between 1 and {}", self.scale_max))
    }
}

fn respondent_ok(r: &str) -> bool {
    !r.is_empty() && r.chars().count() <= MAX_RESPONDENT_LEN
}

/// Stores a batch of answers to one survey, all or nothing; each refusal names its item
/// (`[3].score`).
pub async fn record_answers(
    ctx: &Context,
    caller: &Caller,
    survey_id: i32,
    items: Vec<AnswerItem>,
) -> Result<AnswersImported, AppError> {
    caller.authorize::<ManageSurveys>()?;
    if items.is_empty() || items.len() > MAX_ANSWERS {
        return Err(AppError::field("body", format!("send 1 to {MAX_ANSWERS} answers")));
    }
    let now = Utc::now();
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let rules = Rules::load(c, survey_id)?;
            let mut errors = FieldErrors::new();
            let mut rows = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let respondent = item.respondent.as_deref().map(str::trim).map(str::to_owned);
                if respondent.as_deref().is_some_and(|r| !respondent_ok(r)) {
                    add(
                        &mut errors,
                        i,
                        "respondent",
                        format!("must be 1 to {MAX_RESPONDENT_LEN} characters"),
                    );
                }
                if let Err(m) = rules.segment(item.segment_id) {
                    add(&mut errors, i, "segment_id", m);
                }
                let score = rules
                    .score(item.score)
                    .map_err(|m| add(&mut errors, i, "score", m))
                    .ok();
                if item.service_area_id.is_some_and(|a| !rules.areas.contains(&a)) {
                    add(&mut errors, i, "service_area_id", "no such service area");
                }
                if item.comment.as_ref().is_some_and(|t| t.chars().count() > 4000) {
                    add(&mut errors, i, "comment", "length must be at most 4000");
                }
                if item.answered_at.is_some_and(|t| t > now) {
                    add(&mut errors, i, "answered_at", "must not be in the future");
                }
                if let Some(score) = score {
                    rows.push(NewAnswer {
                        survey_id,
                        segment_id: item.segment_id,
                        respondent,
                        score,
                        service_area_id: item.service_area_id,
                        comment: text(item.comment),
                        answered_at: item.answered_at.map(|t| t.naive_utc()),
                    });
                }
            }
            if !errors.is_empty() {
                return Err(AppError::fields(errors));
            }
            let imported = db::insert_answers(c, &rows)?;
            let detail = format!("{{\"imported\":{imported}}}");
            audit::record(c, &caller, "import", "satisfaction_responses", survey_id, Some(&detail))?;
            Ok(AnswersImported { imported })
        })
        .await
}

/// What a survey CSV import stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SatisfactionImportSummary {
    pub imported: u64,
    /// Header columns that are not part of the format, left out.
    pub ignored_columns: Vec<String>,
}

const COLUMNS: [&str; 6] = [
    "respondent",
    "segment",
    "score",
    "service_area",
    "comment",
    "answered_at",
];

/// Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (UTC) or RFC 3339.
fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.naive_utc());
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

struct RowProblems {
    listed: Vec<RowError>,
    total: u64,
}

impl RowProblems {
    fn push(&mut self, row: u64, column: Option<&str>, message: impl Into<String>) {
        self.total += 1;
        if self.listed.len() < MAX_REPORTED {
            self.listed.push(RowError::new(row, column, message));
        }
    }
}

/// Reads a survey CSV (`respondent,segment,score[,service_area][,comment][,answered_at]`,
/// with that header, columns in any order; segments and service areas by name) and stores it
/// whole or not at all: a refusal lists the rows at fault, the header being row 1.
fn read_csv<R: Read>(c: &mut DbConnection, survey_id: i32, input: R) -> Result<SatisfactionImportSummary, AppError> {
    use diesel::prelude::*;
    let rules = Rules::load(c, survey_id)?;
    let segment_names: HashMap<String, i32> = segments_table::table
        .select((segments_table::name, segments_table::id))
        .load::<(String, i32)>(c)?
        .into_iter()
        .map(|(n, id)| (n.to_lowercase(), id))
        .collect();
    let area_names: HashMap<String, i32> = areas_table::table
        .select((areas_table::name, areas_table::id))
        .load::<(String, i32)>(c)?
        .into_iter()
        .map(|(n, id)| (n.to_lowercase(), id))
        .collect();
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let delimiter = {
        use std::io::BufRead;
        crate::import::sniff_delimiter(input.fill_buf().map_err(|e| AppError::internal(e.to_string()))?)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);
    let csv_error = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(io) => AppError::internal(format!("reading the upload failed: {io}")),
        _ => AppError::bad_request(crate::error::ErrorCode::MalformedCsv, e.to_string(), None),
    };
    let mut problems = RowProblems {
        listed: Vec::new(),
        total: 0,
    };
    let refuse = |problems: RowProblems| AppError::RowsInvalid {
        rows: problems.listed,
        total: problems.total,
    };
    let mut record = csv::StringRecord::new();
    let has_header = match reader.read_record(&mut record) {
        Ok(has) => has,
        Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
            problems.push(1, None, "not valid UTF-8 text: save the file as UTF-8");
            return Err(refuse(problems));
        }
        Err(e) => return Err(csv_error(e)),
    };
    if !has_header {
        problems.push(1, None, "the file is empty");
        return Err(refuse(problems));
    }
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut ignored = Vec::new();
    for (i, name) in record.iter().enumerate() {
        let name = name
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .replace([' ', '-'], "_");
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) if index.contains_key(c) => problems.push(1, Some(c), "the column appears twice"),
            Some(c) => {
                index.insert(c, i);
            }
            None => ignored.push(record.get(i).unwrap_or_default().to_owned()),
        }
    }
    for required in ["respondent", "segment", "score"] {
        if !index.contains_key(required) {
            problems.push(
                1,
                Some(required),
                "missing column: the header must name respondent, segment and score",
            );
        }
    }
    if problems.total > 0 {
        return Err(refuse(problems));
    }
    let now = Utc::now().naive_utc();
    let mut rows: Vec<NewAnswer> = Vec::new();
    let mut row_number = 1u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                row_number += 1;
                problems.push(row_number, None, "not valid UTF-8 text: save the file as UTF-8");
                continue;
            }
            Err(e) => return Err(csv_error(e)),
        }
        row_number += 1;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|i| record.get(*i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        if record.iter().any(|f| f.contains('\0')) {
            problems.push(row_number, None, "must not contain a NUL character");
            continue;
        }
        let respondent = cell("respondent").map(str::to_owned);
        if respondent.as_deref().is_some_and(|r| !respondent_ok(r)) {
            problems.push(
                row_number,
                Some("respondent"),
                format!("must be 1 to {MAX_RESPONDENT_LEN} characters"),
            );
        }
        let segment_id = match cell("segment") {
            None => {
                problems.push(row_number, Some("segment"), "required");
                None
            }
            Some(name) => match segment_names.get(&name.to_lowercase()) {
                None => {
                    problems.push(row_number, Some("segment"), format!("no segment named {name:?}"));
                    None
                }
                Some(id) => match rules.segment(*id) {
                    Ok(()) => Some(*id),
                    Err(m) => {
                        problems.push(row_number, Some("segment"), m);
                        None
                    }
                },
            },
        };
        let score = match cell("score") {
            None => {
                problems.push(row_number, Some("score"), "required");
                None
            }
            Some(v) => match v
                .parse::<i64>()
                .map_err(|_| "must be a whole number".to_owned())
                .and_then(|s| rules.score(s))
            {
                Ok(s) => Some(s),
                Err(m) => {
                    problems.push(row_number, Some("score"), m);
                    None
                }
            },
        };
        let service_area_id = match cell("service_area") {
            None => None,
            Some(name) => match area_names.get(&name.to_lowercase()) {
                Some(id) => Some(*id),
                None => {
                    problems.push(
                        row_number,
                        Some("service_area"),
                        format!("no service area named {name:?}"),
                    );
                    None
                }
            },
        };
        let comment = cell("comment").map(str::to_owned);
        if comment.as_ref().is_some_and(|t| t.chars().count() > 4000) {
            problems.push(row_number, Some("comment"), "length must be at most 4000");
        }
        let answered_at = match cell("answered_at") {
            None => None,
            Some(v) => match parse_time(v) {
                Some(t) if t > now => {
                    problems.push(row_number, Some("answered_at"), "must not be in the future");
                    None
                }
                Some(t) => Some(t),
                None => {
                    problems.push(
                        row_number,
                        Some("answered_at"),
                        "must be a date (YYYY-MM-DD) or a time (YYYY-MM-DD HH:MM, RFC 3339)",
                    );
                    None
                }
            },
        };
        if let (Some(segment_id), Some(score)) = (segment_id, score) {
            if problems.total == 0 {
                rows.push(NewAnswer {
                    survey_id,
                    segment_id,
                    respondent,
                    score,
                    service_area_id,
                    comment,
                    answered_at,
                });
            }
        }
    }
    if problems.total > 0 {
        return Err(refuse(problems));
    }
    if rows.is_empty() {
        problems.push(2, None, "the file has no answers");
        return Err(refuse(problems));
    }
    let imported = db::insert_answers(c, &rows)? as u64;
    Ok(SatisfactionImportSummary {
        imported,
        ignored_columns: ignored,
    })
}

/// Imports a survey CSV in one write transaction, audited.
pub async fn import_csv<R: Read + Send + 'static>(
    ctx: &Context,
    caller: &Caller,
    survey_id: i32,
    file: R,
) -> Result<SatisfactionImportSummary, AppError> {
    caller.authorize::<ManageSurveys>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let summary = read_csv(c, survey_id, file)?;
            let detail = serde_json::to_string(&summary).ok();
            audit::record(
                c,
                &caller,
                "import",
                "satisfaction_responses",
                survey_id,
                detail.as_deref(),
            )?;
            Ok(summary)
        })
        .await
}

/// A survey's results as the caller may see them: stakeholders their segments' answers (and
/// no comments, which may name people); `segment_id` narrows to one segment the caller may see.
pub async fn results(
    ctx: &Context,
    caller: &Caller,
    survey_id: i32,
    segment_id: Option<i32>,
) -> Result<ResultsView, AppError> {
    let scope = caller.scope();
    let staff = !matches!(scope, Scope::Segments(_));
    ctx.db
        .run(move |c| {
            use diesel::prelude::*;
            let survey = db::get(c, survey_id, &scope)?;
            if let Some(id) = segment_id {
                segments::get(c, id, &scope)?;
            }
            let scale = survey.scale_max as u8;
            let counts = db::counts(c, survey_id, &scope, segment_id)?;
            let names: HashMap<i32, String> = segments_table::table
                .filter(segments_table::id.eq_any(counts.keys().copied().collect::<Vec<_>>()))
                .select((segments_table::id, segments_table::name))
                .load::<(i32, String)>(c)?
                .into_iter()
                .collect();
            let mut pooled: BTreeMap<u8, u64> = BTreeMap::new();
            let mut by_segment = Vec::new();
            for (segment, rows) in &counts {
                for (score, n) in rows {
                    *pooled.entry(*score).or_default() += n;
                }
                let r = results_from_counts(scale, rows.iter().copied());
                let (satisfied_pct, ci95, band) = share(r.satisfied, r.n);
                by_segment.push(SegmentResult {
                    segment: SegmentRef {
                        id: *segment,
                        name: names.get(segment).cloned().unwrap_or_default(),
                    },
                    n: r.n,
                    satisfied: r.satisfied,
                    satisfied_pct,
                    ci95,
                    band,
                });
            }
            by_segment.sort_by(|a, b| a.segment.name.cmp(&b.segment.name));
            let comments = if staff {
                Some(db::comments(c, survey_id, &scope, segment_id, MAX_COMMENTS)?)
            } else {
                None
            };
            Ok(ResultsView {
                survey_id: survey.id,
                title: survey.title,
                kind: survey.kind,
                scale_max: survey.scale_max,
                segment_id,
                results: results_from_counts(scale, pooled),
                by_segment,
                comments,
            })
        })
        .await
}

/// The scorecard over the closed overall surveys, from the answers the caller may see (one
/// segment's with `segment_id`).
pub async fn scorecard_for(ctx: &Context, caller: &Caller, segment_id: Option<i32>) -> Result<Scorecard, AppError> {
    let scope = caller.scope();
    let points = ctx.annual_improvement_pts;
    ctx.db
        .run(move |c| {
            if let Some(id) = segment_id {
                segments::get(c, id, &scope)?;
            }
            let surveys = db::closed_overall(c)?;
            let ids: Vec<i32> = surveys.iter().map(|s| s.0).collect();
            let counts = db::counts_by_survey(c, &ids, &scope, segment_id)?;
            let cycles: Vec<SurveyCycle> = surveys
                .into_iter()
                .map(|(id, scale, closed_on)| {
                    let r = results_from_counts(scale as u8, counts.get(&id).cloned().unwrap_or_default());
                    SurveyCycle {
                        survey_id: id,
                        closed_on,
                        n: r.n,
                        satisfied: r.satisfied,
                    }
                })
                .collect();
            Ok(Scorecard {
                items: scorecard(&cycles, points),
                annual_improvement_pts: points,
            })
        })
        .await
}

/// The survey ids and titles of the caller's scorecard, for labels.
pub async fn titles(ctx: &Context, caller: &Caller) -> Result<HashMap<i32, String>, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let (rows, _) = db::list(
                c,
                &scope,
                &SurveyFilter::default(),
                Page {
                    limit: i64::MAX,
                    offset: 0,
                },
            )?;
            Ok(rows.into_iter().map(|s| (s.id, s.title)).collect())
        })
        .await
}

/// The kind words, for forms.
pub fn kinds() -> Vec<&'static str> {
    SurveyKind::ALL.iter().map(|k| k.as_str()).collect()
}
