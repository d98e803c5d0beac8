use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::findings;
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = findings)]
pub struct Finding {
    pub id: i32,
    pub requirement_id: i32,
    pub segment_id: i32,
    pub session_id: Option<i32>,
    #[schema(value_type = crate::domain::terms::FindingCategory)]
    pub category: String,
    pub importance: i32,
    pub note: Option<String>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = findings)]
pub struct NewFinding {
    pub requirement_id: i32,
    pub segment_id: i32,
    pub session_id: Option<i32>,
    pub category: String,
    pub importance: i32,
    pub note: Option<String>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = findings)]
pub struct FindingChanges {
    pub requirement_id: Option<i32>,
    pub segment_id: Option<i32>,
    pub session_id: Option<Option<i32>>,
    pub category: Option<String>,
    pub importance: Option<i32>,
    pub note: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Default)]
pub struct FindingFilter {
    pub segment_id: Option<i32>,
    pub requirement_id: Option<i32>,
    pub session_id: Option<i32>,
}

fn visible(scope: &Scope, f: &FindingFilter) -> findings::BoxedQuery<'static, MultiBackend> {
    let mut query = findings::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(findings::segment_id.eq_any(ids.clone()));
    }
    if let Some(id) = f.segment_id {
        query = query.filter(findings::segment_id.eq(id));
    }
    if let Some(id) = f.requirement_id {
        query = query.filter(findings::requirement_id.eq(id));
    }
    if let Some(id) = f.session_id {
        query = query.filter(findings::session_id.eq(id));
    }
    query
}

pub fn list(conn: &mut DbConnection, scope: &Scope, f: &FindingFilter, page: Page) -> QueryResult<(Vec<Finding>, i64)> {
    let items = visible(scope, f)
        .order(findings::id.asc())
        .limit(page.limit)
        .offset(page.offset)
        .select(Finding::as_select())
        .load(conn)?;
    let total = visible(scope, f).count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<Finding, AppError> {
    visible(scope, &FindingFilter::default())
        .filter(findings::id.eq(id))
        .select(Finding::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("finding"))
}

pub fn insert(conn: &mut DbConnection, new: &NewFinding) -> QueryResult<Finding> {
    diesel::insert_into(findings::table)
        .values(new)
        .returning(findings::all_columns)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &FindingChanges) -> QueryResult<Finding> {
    diesel::update(findings::table.find(id))
        .set(changes)
        .returning(findings::all_columns)
        .get_result(conn)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(findings::table.find(id)).execute(conn)
}
