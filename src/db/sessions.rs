use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{session_segments, sessions};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i32,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub facilitator: Option<String>,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A session with the segments that took part (as far as the caller may see them).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Session {
    pub id: i32,
    #[schema(value_type = crate::domain::terms::SessionKind)]
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub segment_ids: Vec<i32>,
    pub facilitator: Option<String>,
    pub notes: Option<String>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession {
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub facilitator: Option<String>,
    pub notes: Option<String>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = sessions)]
pub struct SessionChanges {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    pub facilitator: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

fn visible(scope: &Scope, segment_id: Option<i32>) -> sessions::BoxedQuery<'static, MultiBackend> {
    let mut query = sessions::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        let mine = session_segments::table
            .filter(session_segments::segment_id.eq_any(ids.clone()))
            .select(session_segments::session_id);
        query = query.filter(sessions::id.eq_any(mine));
    }
    if let Some(segment_id) = segment_id {
        let of_segment = session_segments::table
            .filter(session_segments::segment_id.eq(segment_id))
            .select(session_segments::session_id);
        query = query.filter(sessions::id.eq_any(of_segment));
    }
    query
}

/// Segment ids per session, narrowed to what the scope may see: a stakeholder learns nothing
/// of the other segments in a joint focus group.
fn segments_of(conn: &mut DbConnection, session_ids: &[i32], scope: &Scope) -> QueryResult<HashMap<i32, Vec<i32>>> {
    let pairs: Vec<(i32, i32)> = session_segments::table
        .filter(session_segments::session_id.eq_any(session_ids.to_vec()))
        .order((session_segments::session_id, session_segments::segment_id))
        .select((session_segments::session_id, session_segments::segment_id))
        .load(conn)?;
    let mut map: HashMap<i32, Vec<i32>> = HashMap::new();
    for (session, segment) in pairs.into_iter().filter(|(_, seg)| scope.allows(*seg)) {
        map.entry(session).or_default().push(segment);
    }
    Ok(map)
}

fn with_segments(conn: &mut DbConnection, rows: Vec<SessionRow>, scope: &Scope) -> QueryResult<Vec<Session>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut segments = segments_of(conn, &ids, scope)?;
    Ok(rows
        .into_iter()
        .map(|r| Session {
            segment_ids: segments.remove(&r.id).unwrap_or_default(),
            id: r.id,
            kind: r.kind,
            title: r.title,
            held_on: r.held_on,
            facilitator: r.facilitator,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    segment_id: Option<i32>,
    page: Page,
) -> QueryResult<(Vec<Session>, i64)> {
    // Asking about a segment out of sight must not reveal which sessions it shared.
    if segment_id.is_some_and(|s| !scope.allows(s)) {
        return Ok((Vec::new(), 0));
    }
    let rows = visible(scope, segment_id)
        .order((sessions::held_on.desc(), sessions::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(SessionRow::as_select())
        .load(conn)?;
    let total = visible(scope, segment_id).count().get_result(conn)?;
    Ok((with_segments(conn, rows, scope)?, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<Session, AppError> {
    let row = visible(scope, None)
        .filter(sessions::id.eq(id))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("session"))?;
    Ok(with_segments(conn, vec![row], scope)?.remove(0))
}

pub fn insert(conn: &mut DbConnection, new: &NewSession, segment_ids: &[i32]) -> Result<Session, AppError> {
    let id: i32 = diesel::insert_into(sessions::table)
        .values(new)
        .returning(sessions::id)
        .get_result(conn)?;
    set_segments(conn, id, segment_ids)?;
    get(conn, id, &Scope::All)
}

pub fn update(
    conn: &mut DbConnection,
    id: i32,
    changes: &SessionChanges,
    segment_ids: Option<&[i32]>,
) -> Result<Session, AppError> {
    diesel::update(sessions::table.find(id)).set(changes).execute(conn)?;
    if let Some(ids) = segment_ids {
        set_segments(conn, id, ids)?;
    }
    get(conn, id, &Scope::All)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id)).execute(conn)
}

/// Whether `segment_id` took part in session `session_id`.
pub fn has_segment(conn: &mut DbConnection, session_id: i32, segment_id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        session_segments::table
            .filter(session_segments::session_id.eq(session_id))
            .filter(session_segments::segment_id.eq(segment_id)),
    ))
    .get_result(conn)
}

pub fn exists(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(sessions::table.find(id))).get_result(conn)
}

fn set_segments(conn: &mut DbConnection, session_id: i32, segment_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(session_segments::table.filter(session_segments::session_id.eq(session_id))).execute(conn)?;
    for segment_id in segment_ids {
        diesel::insert_into(session_segments::table)
            .values((
                session_segments::session_id.eq(session_id),
                session_segments::segment_id.eq(segment_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The survey waves the scope may see (sessions of kind `survey`), oldest first.
pub fn surveys(conn: &mut DbConnection, scope: &Scope) -> QueryResult<Vec<SessionRow>> {
    visible(scope, None)
        .filter(sessions::kind.eq(crate::domain::terms::SessionKind::Survey.as_str()))
        .order((sessions::held_on.asc(), sessions::id.asc()))
        .select(SessionRow::as_select())
        .load(conn)
}
