//! Stored SLA drafts and their sign-offs.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{sla_drafts, sla_signoffs};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sla_drafts)]
pub struct SlaRow {
    pub id: i32,
    pub segment_id: i32,
    pub version: i32,
    pub status: String,
    pub title: String,
    pub sections: String,
    pub review_comment: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub agreed_at: Option<NaiveDateTime>,
    pub agreed_by: Option<i32>,
}

impl SlaRow {
    /// The editable section texts, by section id.
    pub fn section_texts(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.sections).unwrap_or_default()
    }
}

#[derive(Insertable)]
#[diesel(table_name = sla_drafts)]
pub struct NewSla {
    pub segment_id: i32,
    pub version: i32,
    pub status: String,
    pub title: String,
    pub sections: String,
    pub created_by: Option<i32>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = sla_drafts)]
pub struct SlaChanges {
    pub status: Option<String>,
    pub title: Option<String>,
    pub sections: Option<String>,
    pub review_comment: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub agreed_at: Option<Option<NaiveDateTime>>,
    pub agreed_by: Option<Option<i32>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = sla_signoffs)]
pub struct SignOff {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub sla_draft_id: i32,
    pub user_id: i32,
    pub user_email: String,
    #[serde(serialize_with = "super::utc")]
    pub signed_at: NaiveDateTime,
}

fn visible(scope: &Scope, segment_id: Option<i32>) -> sla_drafts::BoxedQuery<'static, MultiBackend> {
    let mut query = sla_drafts::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(sla_drafts::segment_id.eq_any(ids.clone()));
    }
    if let Some(id) = segment_id {
        query = query.filter(sla_drafts::segment_id.eq(id));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    segment_id: Option<i32>,
    page: Page,
) -> QueryResult<(Vec<SlaRow>, i64)> {
    let items = visible(scope, segment_id)
        .order((sla_drafts::segment_id.asc(), sla_drafts::version.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(SlaRow::as_select())
        .load(conn)?;
    let total = visible(scope, segment_id).count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<SlaRow, AppError> {
    visible(scope, None)
        .filter(sla_drafts::id.eq(id))
        .select(SlaRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("SLA draft"))
}

/// The newest version of a segment's SLA, if any.
pub fn latest_for_segment(conn: &mut DbConnection, segment_id: i32) -> QueryResult<Option<SlaRow>> {
    sla_drafts::table
        .filter(sla_drafts::segment_id.eq(segment_id))
        .order(sla_drafts::version.desc())
        .select(SlaRow::as_select())
        .first(conn)
        .optional()
}

pub fn next_version(conn: &mut DbConnection, segment_id: i32) -> QueryResult<i32> {
    let max: Option<i32> = sla_drafts::table
        .filter(sla_drafts::segment_id.eq(segment_id))
        .select(diesel::dsl::max(sla_drafts::version))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn insert(conn: &mut DbConnection, new: &NewSla) -> Result<SlaRow, AppError> {
    let id: i32 = diesel::insert_into(sla_drafts::table)
        .values(new)
        .returning(sla_drafts::id)
        .get_result(conn)?;
    get(conn, id, &Scope::All)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &SlaChanges) -> Result<SlaRow, AppError> {
    diesel::update(sla_drafts::table.find(id)).set(changes).execute(conn)?;
    get(conn, id, &Scope::All)
}

pub fn signoffs(conn: &mut DbConnection, draft_id: i32) -> QueryResult<Vec<SignOff>> {
    sla_signoffs::table
        .filter(sla_signoffs::sla_draft_id.eq(draft_id))
        .order(sla_signoffs::signed_at.asc())
        .select(SignOff::as_select())
        .load(conn)
}

/// Records a sign-off; signing twice is a no-op.
pub fn sign(conn: &mut DbConnection, draft_id: i32, user_id: i32, email: &str) -> QueryResult<()> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        sla_signoffs::table
            .filter(sla_signoffs::sla_draft_id.eq(draft_id))
            .filter(sla_signoffs::user_id.eq(user_id)),
    ))
    .get_result(conn)?;
    if !exists {
        diesel::insert_into(sla_signoffs::table)
            .values((
                sla_signoffs::sla_draft_id.eq(draft_id),
                sla_signoffs::user_id.eq(user_id),
                sla_signoffs::user_email.eq(email),
                sla_signoffs::signed_at.eq(super::now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
