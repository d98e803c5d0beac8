//! Condition-of-Satisfaction commitments (COScom): at a project's start the service ambassador
//! records the segment's conditions of satisfaction; checkpoints rate each condition on track,
//! at risk or off track (off track needs agreed actions); the commitment is closed, optionally
//! with the transaction survey that asked the users. Written by facilitators, leadership and
//! admins; read, and commented on, by the stakeholders of its segment.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::improvement_plans::refused;
use super::{not_blank, text, validate, Context, Listing};
use crate::access::{Caller, CommentCoscom, ManageCoscom};
use crate::db::audit::record_object;
use crate::db::coscom::{self as db, CheckpointRow, CommentRow, CoscomFilter, CoscomRow, NewCoscom};
use crate::db::schema::{segments as segments_table, users as users_table};
use crate::db::{require_reference, satisfaction, DbConnection, Page, Scope};
use crate::domain::improvement::{check_checkpoint, Rating};
use crate::domain::terms::{word_enum, Role, SurveyKind};
use crate::error::{AppError, ErrorCode};

word_enum!(
    /// Whether a commitment is still being checked.
    CoscomStatus {
        Open = "open",
        Closed = "closed",
    }
);

#[derive(Debug, Deserialize, Serialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionInput {
    /// The condition, in the user's words.
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub text: String,
    /// How it is checked.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub measure: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCoscom {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub project: String,
    pub segment_id: i32,
    /// The service ambassador: an active staff account.
    pub ambassador_id: Option<i32>,
    pub starts_on: NaiveDate,
    /// Not before `starts_on`.
    pub ends_on: Option<NaiveDate>,
    /// 1 to 20 conditions of satisfaction.
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub conditions: Vec<ConditionInput>,
}

#[derive(Debug, Deserialize, Serialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub condition_id: i32,
    pub rating: Rating,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCheckpoint {
    /// The day of the checkpoint: not before the project starts.
    pub on: NaiveDate,
    /// Each rated condition once.
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub ratings: Vec<RatingInput>,
    /// The actions agreed; required when a condition is off track.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub actions: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    #[validate(length(min = 1, max = 4000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub text: String,
}

#[derive(Deserialize, Validate, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseCoscom {
    /// The transaction survey that asked the users at the close (one asking the segment).
    pub survey_id: Option<i32>,
}

/// A condition's rating at one checkpoint.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RatingEntry {
    pub checkpoint_id: i32,
    pub on: NaiveDate,
    pub rating: Rating,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConditionView {
    pub id: i32,
    pub text: String,
    pub measure: Option<String>,
    /// The rating at the latest checkpoint that rated it.
    pub latest: Option<Rating>,
    /// Every rating, earliest checkpoint first.
    pub history: Vec<RatingEntry>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CheckpointRating {
    pub condition_id: i32,
    pub rating: Rating,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CheckpointView {
    pub id: i32,
    pub on: NaiveDate,
    pub actions: Option<String>,
    pub ratings: Vec<CheckpointRating>,
    /// Who recorded it.
    pub created_by_email: String,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: NaiveDateTime,
}

/// A commitment with its conditions and their rating history; read on its own also its
/// checkpoints and comments.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CoscomView {
    pub id: i32,
    pub project: String,
    pub segment_id: i32,
    pub segment_name: String,
    pub ambassador_id: Option<i32>,
    pub ambassador_email: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: CoscomStatus,
    #[serde(serialize_with = "crate::db::utc_opt")]
    pub closed_at: Option<NaiveDateTime>,
    pub survey_id: Option<i32>,
    pub conditions: Vec<ConditionView>,
    /// Earliest first (the single read and the writes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoints: Option<Vec<CheckpointView>>,
    /// Oldest first (the single read and the writes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<CommentRow>>,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: NaiveDateTime,
}

fn rating_of(s: &str) -> Result<Rating, AppError> {
    Rating::parse(s).ok_or_else(|| AppError::internal(format!("unknown rating {s}")))
}

fn checkpoint_views(conn: &mut DbConnection, rows: Vec<CheckpointRow>) -> Result<Vec<CheckpointView>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut by_checkpoint: HashMap<i32, Vec<CheckpointRating>> = HashMap::new();
    for r in db::ratings(conn, &ids)? {
        by_checkpoint
            .entry(r.checkpoint_id)
            .or_default()
            .push(CheckpointRating {
                condition_id: r.condition_id,
                rating: rating_of(&r.rating)?,
                note: r.note,
            });
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut ratings = by_checkpoint.remove(&r.id).unwrap_or_default();
            ratings.sort_by_key(|x| x.condition_id);
            CheckpointView {
                id: r.id,
                on: r.held_on,
                actions: r.actions,
                ratings,
                created_by_email: r.created_by_email,
                created_at: r.created_at,
            }
        })
        .collect())
}

fn views(conn: &mut DbConnection, rows: Vec<CoscomRow>, full: bool) -> Result<Vec<CoscomView>, AppError> {
    use diesel::prelude::*;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let seg_names: HashMap<i32, String> = segments_table::table
        .filter(segments_table::id.eq_any(rows.iter().map(|r| r.segment_id).collect::<Vec<_>>()))
        .select((segments_table::id, segments_table::name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let emails: HashMap<i32, String> = users_table::table
        .filter(users_table::id.eq_any(rows.iter().filter_map(|r| r.ambassador_id).collect::<Vec<_>>()))
        .select((users_table::id, users_table::email))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let conditions = db::conditions(conn, &ids)?;
    let checkpoint_rows = db::checkpoints(conn, &ids)?;
    let checkpoint_of: HashMap<i32, i32> = checkpoint_rows.iter().map(|c| (c.id, c.coscom_id)).collect();
    let checkpoints = checkpoint_views(conn, checkpoint_rows)?;
    // Rating history per condition, in checkpoint order (the checkpoints are loaded in order).
    let mut history: HashMap<i32, Vec<RatingEntry>> = HashMap::new();
    for cp in &checkpoints {
        for r in &cp.ratings {
            history.entry(r.condition_id).or_default().push(RatingEntry {
                checkpoint_id: cp.id,
                on: cp.on,
                rating: r.rating,
                note: r.note.clone(),
            });
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let conds: Vec<ConditionView> = conditions
            .iter()
            .filter(|c| c.coscom_id == r.id)
            .map(|c| {
                let h = history.remove(&c.id).unwrap_or_default();
                ConditionView {
                    id: c.id,
                    text: c.text.clone(),
                    measure: c.measure.clone(),
                    latest: h.last().map(|e| e.rating),
                    history: h,
                }
            })
            .collect();
        let (cps, comments) = if full {
            let cps: Vec<CheckpointView> = checkpoints
                .iter()
                .filter(|cp| checkpoint_of.get(&cp.id) == Some(&r.id))
                .cloned()
                .collect();
            (Some(cps), Some(db::comments(conn, r.id)?))
        } else {
            (None, None)
        };
        out.push(CoscomView {
            id: r.id,
            project: r.project,
            segment_id: r.segment_id,
            segment_name: seg_names.get(&r.segment_id).cloned().unwrap_or_default(),
            ambassador_id: r.ambassador_id,
            ambassador_email: r.ambassador_id.and_then(|a| emails.get(&a).cloned()),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            status: CoscomStatus::parse(&r.status)
                .ok_or_else(|| AppError::internal(format!("COScom {} has unknown status", r.id)))?,
            closed_at: r.closed_at,
            survey_id: r.survey_id,
            conditions: conds,
            checkpoints: cps,
            comments,
            created_at: r.created_at,
            updated_at: r.updated_at,
        });
    }
    Ok(out)
}

fn view(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<CoscomView, AppError> {
    let row = db::get(conn, id, scope)?;
    Ok(views(conn, vec![row], true)?.remove(0))
}

/// The ambassador: an active account of IT's side (not a stakeholder).
fn check_ambassador(conn: &mut DbConnection, id: i32) -> Result<(), AppError> {
    let ok = crate::db::users::get(conn, id)
        .ok()
        .is_some_and(|u| !u.disabled && u.role != Role::Stakeholder);
    require_reference(ok, "ambassador_id", "active staff user")
}

/// One page of the commitments the caller may see, latest start first.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: CoscomFilter,
    page: Page,
) -> Result<Listing<CoscomView>, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let (rows, total) = db::list(c, &scope, &filter, page)?;
            Ok(Listing {
                items: views(c, rows, false)?,
                total,
            })
        })
        .await
}

pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<CoscomView, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| view(c, id, &scope)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateCoscom) -> Result<CoscomView, AppError> {
    caller.authorize::<ManageCoscom>()?;
    validate(&input)?;
    if input.ends_on.is_some_and(|e| e < input.starts_on) {
        return Err(AppError::field("ends_on", "must not be before starts_on"));
    }
    let conditions: Vec<(String, Option<String>)> = input
        .conditions
        .into_iter()
        .map(|c| (c.text.trim().to_owned(), text(c.measure)))
        .collect();
    let new = NewCoscom {
        project: input.project.trim().to_owned(),
        segment_id: input.segment_id,
        ambassador_id: input.ambassador_id,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        status: CoscomStatus::Open.as_str().to_owned(),
        created_by: (!caller.is_system()).then_some(caller.id),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            super::require_segments(c, "segment_id", &[new.segment_id])?;
            if let Some(a) = new.ambassador_id {
                check_ambassador(c, a)?;
            }
            let id = db::insert(c, &new, &conditions)?;
            let v = view(c, id, &Scope::All)?;
            record_object(c, &caller, "create", "coscom", id, &v)?;
            Ok(v)
        })
        .await
}

fn open_or_conflict(row: &CoscomRow) -> Result<(), AppError> {
    if row.status == CoscomStatus::Closed.as_str() {
        return Err(AppError::conflict(ErrorCode::InvalidState, "the COScom is closed"));
    }
    Ok(())
}

/// Rates conditions at a checkpoint (201). Off track needs `actions` (422 on `actions`).
pub async fn add_checkpoint(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: CreateCheckpoint,
) -> Result<CheckpointView, AppError> {
    caller.authorize::<ManageCoscom>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let row = db::get(c, id, &Scope::All)?;
            open_or_conflict(&row)?;
            if input.on < row.starts_on {
                return Err(AppError::field("on", "must not be before the project starts"));
            }
            let condition_ids: Vec<i32> = db::conditions(c, &[id])?.into_iter().map(|c| c.id).collect();
            let pairs: Vec<(i32, Rating)> = input.ratings.iter().map(|r| (r.condition_id, r.rating)).collect();
            check_checkpoint(&condition_ids, &pairs, input.actions.as_deref()).map_err(refused)?;
            let ratings: Vec<(i32, String, Option<String>)> = input
                .ratings
                .into_iter()
                .map(|r| (r.condition_id, r.rating.as_str().to_owned(), text(r.note)))
                .collect();
            let actions = text(input.actions);
            let cp = db::insert_checkpoint(
                c,
                id,
                input.on,
                actions.as_deref(),
                (!caller.is_system()).then_some(caller.id),
                &caller.email,
                &ratings,
            )?;
            db::touch(c, id)?;
            let v = checkpoint_views(c, vec![cp])?.remove(0);
            record_object(c, &caller, "checkpoint", "coscom", id, &v)?;
            Ok(v)
        })
        .await
}

/// Staff and the stakeholders of the commitment's segment comment (201).
pub async fn add_comment(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: CreateComment,
) -> Result<CommentRow, AppError> {
    caller.authorize::<CommentCoscom>()?;
    validate(&input)?;
    let scope = caller.scope();
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            db::get(c, id, &scope)?;
            let comment = db::insert_comment(
                c,
                id,
                (!caller.is_system()).then_some(caller.id),
                &caller.email,
                input.text.trim(),
            )?;
            record_object(c, &caller, "comment", "coscom", id, &comment)?;
            Ok(comment)
        })
        .await
}

/// Closes an open commitment, optionally naming the transaction survey that asked the users.
pub async fn close(ctx: &Context, caller: &Caller, id: i32, input: CloseCoscom) -> Result<CoscomView, AppError> {
    caller.authorize::<ManageCoscom>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let row = db::get(c, id, &Scope::All)?;
            open_or_conflict(&row)?;
            if let Some(s) = input.survey_id {
                // Visible to the segment: a survey asking it, or every segment.
                let survey = satisfaction::get(c, s, &Scope::Segments(vec![row.segment_id])).map_err(|e| match e {
                    AppError::NotFound(_) => AppError::field("survey_id", "no such survey asking the COScom's segment"),
                    other => other,
                })?;
                if survey.kind != SurveyKind::Transaction.as_str() {
                    return Err(AppError::field(
                        "survey_id",
                        "a COScom closes with a transaction survey",
                    ));
                }
            }
            db::close(c, id, input.survey_id)?;
            let v = view(c, id, &Scope::All)?;
            record_object(c, &caller, "close", "coscom", id, &v)?;
            Ok(v)
        })
        .await
}
