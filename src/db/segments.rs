use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::segments;
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = segments)]
pub struct Segment {
    pub id: i32,
    pub name: String,
    pub description: Option<String>,
    pub headcount: Option<i32>,
    pub weight: f64,
    pub ambassador: Option<String>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = segments)]
pub struct NewSegment {
    pub name: String,
    pub description: Option<String>,
    pub headcount: Option<i32>,
    pub weight: f64,
    pub ambassador: Option<String>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = segments)]
pub struct SegmentChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub headcount: Option<Option<i32>>,
    pub weight: Option<f64>,
    pub ambassador: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

fn visible(scope: &Scope) -> segments::BoxedQuery<'static, MultiBackend> {
    let query = segments::table.into_boxed();
    match scope {
        Scope::All => query,
        Scope::Segments(ids) => query.filter(segments::id.eq_any(ids.clone())),
    }
}

pub fn list(conn: &mut DbConnection, scope: &Scope, page: Page) -> QueryResult<(Vec<Segment>, i64)> {
    let items = visible(scope)
        .order(segments::name.asc())
        .limit(page.limit)
        .offset(page.offset)
        .select(Segment::as_select())
        .load(conn)?;
    let total = visible(scope).count().get_result(conn)?;
    Ok((items, total))
}

/// Every segment's id, in id order.
pub fn all_ids(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    segments::table.select(segments::id).order(segments::id).load(conn)
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<Segment, AppError> {
    visible(scope)
        .filter(segments::id.eq(id))
        .select(Segment::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("segment"))
}

pub fn insert(conn: &mut DbConnection, new: &NewSegment) -> QueryResult<Segment> {
    diesel::insert_into(segments::table)
        .values(new)
        .returning(segments::all_columns)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &SegmentChanges) -> QueryResult<Segment> {
    diesel::update(segments::table.find(id))
        .set(changes)
        .returning(segments::all_columns)
        .get_result(conn)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(segments::table.find(id)).execute(conn)
}

/// The ids among `ids` that are not segments.
pub fn missing(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<i32>> {
    let found: Vec<i32> = segments::table
        .filter(segments::id.eq_any(ids.to_vec()))
        .select(segments::id)
        .load(conn)?;
    Ok(ids.iter().copied().filter(|id| !found.contains(id)).collect())
}
