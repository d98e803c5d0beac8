//! Condition-of-Satisfaction commitments (COScom): the commitment, its conditions, the
//! checkpoints that rate them, and comments.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{coscom_checkpoints, coscom_comments, coscom_conditions, coscom_ratings, coscoms};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = coscoms)]
pub struct CoscomRow {
    pub id: i32,
    pub project: String,
    pub segment_id: i32,
    pub ambassador_id: Option<i32>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: String,
    #[serde(serialize_with = "super::utc_opt")]
    pub closed_at: Option<NaiveDateTime>,
    pub survey_id: Option<i32>,
    pub created_by: Option<i32>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = coscoms)]
pub struct NewCoscom {
    pub project: String,
    pub segment_id: i32,
    pub ambassador_id: Option<i32>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: String,
    pub created_by: Option<i32>,
}

#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = coscom_conditions)]
pub struct ConditionRow {
    pub id: i32,
    pub coscom_id: i32,
    pub position: i32,
    pub text: String,
    pub measure: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = coscom_checkpoints)]
pub struct CheckpointRow {
    pub id: i32,
    pub coscom_id: i32,
    pub held_on: NaiveDate,
    pub actions: Option<String>,
    pub created_by: Option<i32>,
    pub created_by_email: String,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = coscom_ratings)]
pub struct RatingRow {
    pub checkpoint_id: i32,
    pub condition_id: i32,
    pub rating: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = coscom_comments)]
pub struct CommentRow {
    pub id: i32,
    #[serde(skip)]
    pub coscom_id: i32,
    #[serde(skip)]
    pub user_id: Option<i32>,
    pub user_email: String,
    pub text: String,
    #[serde(serialize_with = "super::utc")]
    pub at: NaiveDateTime,
}

#[derive(Clone, Debug, Default)]
pub struct CoscomFilter {
    pub segment_id: Option<i32>,
    pub status: Option<String>,
}

fn visible(scope: &Scope, f: &CoscomFilter) -> coscoms::BoxedQuery<'static, MultiBackend> {
    let mut query = coscoms::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(coscoms::segment_id.eq_any(ids.clone()));
    }
    if let Some(id) = f.segment_id {
        query = query.filter(coscoms::segment_id.eq(id));
    }
    if let Some(s) = &f.status {
        query = query.filter(coscoms::status.eq(s.clone()));
    }
    query
}

/// Latest start first.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    f: &CoscomFilter,
    page: Page,
) -> QueryResult<(Vec<CoscomRow>, i64)> {
    let items = visible(scope, f)
        .order((coscoms::starts_on.desc(), coscoms::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(CoscomRow::as_select())
        .load(conn)?;
    let total = visible(scope, f).count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<CoscomRow, AppError> {
    visible(scope, &CoscomFilter::default())
        .filter(coscoms::id.eq(id))
        .select(CoscomRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("COScom"))
}

pub fn insert(conn: &mut DbConnection, new: &NewCoscom, conditions: &[(String, Option<String>)]) -> QueryResult<i32> {
    let id: i32 = diesel::insert_into(coscoms::table)
        .values(new)
        .returning(coscoms::id)
        .get_result(conn)?;
    for (i, (text, measure)) in conditions.iter().enumerate() {
        diesel::insert_into(coscom_conditions::table)
            .values((
                coscom_conditions::coscom_id.eq(id),
                coscom_conditions::position.eq(i as i32),
                coscom_conditions::text.eq(text),
                coscom_conditions::measure.eq(measure.as_deref()),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn close(conn: &mut DbConnection, id: i32, survey_id: Option<i32>) -> QueryResult<usize> {
    let now = super::now();
    diesel::update(coscoms::table.find(id))
        .set((
            coscoms::status.eq("closed"),
            coscoms::closed_at.eq(Some(now)),
            coscoms::survey_id.eq(survey_id),
            coscoms::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn touch(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::update(coscoms::table.find(id))
        .set(coscoms::updated_at.eq(super::now()))
        .execute(conn)
}

pub fn conditions(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<ConditionRow>> {
    coscom_conditions::table
        .filter(coscom_conditions::coscom_id.eq_any(ids.to_vec()))
        .order((coscom_conditions::coscom_id.asc(), coscom_conditions::position.asc()))
        .select(ConditionRow::as_select())
        .load(conn)
}

/// A commitment's checkpoints, earliest first.
pub fn checkpoints(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<CheckpointRow>> {
    coscom_checkpoints::table
        .filter(coscom_checkpoints::coscom_id.eq_any(ids.to_vec()))
        .order((coscom_checkpoints::held_on.asc(), coscom_checkpoints::id.asc()))
        .select(CheckpointRow::as_select())
        .load(conn)
}

pub fn ratings(conn: &mut DbConnection, checkpoint_ids: &[i32]) -> QueryResult<Vec<RatingRow>> {
    coscom_ratings::table
        .filter(coscom_ratings::checkpoint_id.eq_any(checkpoint_ids.to_vec()))
        .select(RatingRow::as_select())
        .load(conn)
}

pub fn insert_checkpoint(
    conn: &mut DbConnection,
    coscom_id: i32,
    held_on: NaiveDate,
    actions: Option<&str>,
    created_by: Option<i32>,
    created_by_email: &str,
    ratings: &[(i32, String, Option<String>)],
) -> QueryResult<CheckpointRow> {
    let id: i32 = diesel::insert_into(coscom_checkpoints::table)
        .values((
            coscom_checkpoints::coscom_id.eq(coscom_id),
            coscom_checkpoints::held_on.eq(held_on),
            coscom_checkpoints::actions.eq(actions),
            coscom_checkpoints::created_by.eq(created_by),
            coscom_checkpoints::created_by_email.eq(created_by_email),
            coscom_checkpoints::created_at.eq(super::now()),
        ))
        .returning(coscom_checkpoints::id)
        .get_result(conn)?;
    for (condition_id, rating, note) in ratings {
        diesel::insert_into(coscom_ratings::table)
            .values((
                coscom_ratings::checkpoint_id.eq(id),
                coscom_ratings::condition_id.eq(*condition_id),
                coscom_ratings::rating.eq(rating),
                coscom_ratings::note.eq(note.as_deref()),
            ))
            .execute(conn)?;
    }
    coscom_checkpoints::table
        .find(id)
        .select(CheckpointRow::as_select())
        .first(conn)
}

pub fn comments(conn: &mut DbConnection, coscom_id: i32) -> QueryResult<Vec<CommentRow>> {
    coscom_comments::table
        .filter(coscom_comments::coscom_id.eq(coscom_id))
        .order(coscom_comments::id.asc())
        .select(CommentRow::as_select())
        .load(conn)
}

pub fn insert_comment(
    conn: &mut DbConnection,
    coscom_id: i32,
    user_id: Option<i32>,
    user_email: &str,
    text: &str,
) -> QueryResult<CommentRow> {
    let id: i32 = diesel::insert_into(coscom_comments::table)
        .values((
            coscom_comments::coscom_id.eq(coscom_id),
            coscom_comments::user_id.eq(user_id),
            coscom_comments::user_email.eq(user_email),
            coscom_comments::text.eq(text),
            coscom_comments::at.eq(super::now()),
        ))
        .returning(coscom_comments::id)
        .get_result(conn)?;
    coscom_comments::table
        .find(id)
        .select(CommentRow::as_select())
        .first(conn)
}
