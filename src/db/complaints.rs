//! Complaints: the log, its references, the life-cycle history and what the statistics need.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{complaint_counters, complaint_steps, complaints};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Clone, Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = complaints)]
pub struct Complaint {
    pub id: i32,
    /// `C-YYYY-NNNN`: per year of logging, gapless in commit order.
    #[schema(example = "C-2026-0001")]
    pub reference: String,
    pub segment_id: i32,
    pub summary: String,
    #[schema(value_type = crate::domain::terms::ComplaintChannel)]
    pub channel: String,
    pub category: Option<String>,
    #[schema(value_type = crate::domain::complaint_stats::ComplaintStatus)]
    pub status: String,
    #[serde(serialize_with = "super::utc")]
    pub received_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc_opt")]
    pub acknowledged_at: Option<NaiveDateTime>,
    /// The current resolution; cleared by a reopen (the history keeps it).
    #[serde(serialize_with = "super::utc_opt")]
    pub resolved_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "super::utc_opt")]
    pub reopened_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
    pub service_area_id: Option<i32>,
    pub requirement_id: Option<i32>,
    pub owner_id: Option<i32>,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = complaints)]
pub struct NewComplaint {
    pub reference: String,
    pub segment_id: i32,
    pub summary: String,
    pub channel: String,
    pub category: Option<String>,
    pub status: String,
    pub received_at: NaiveDateTime,
    pub service_area_id: Option<i32>,
    pub requirement_id: Option<i32>,
    pub owner_id: Option<i32>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = complaints)]
pub struct ComplaintChanges {
    pub summary: Option<String>,
    pub category: Option<Option<String>>,
    pub service_area_id: Option<Option<i32>>,
    pub requirement_id: Option<Option<i32>>,
    pub owner_id: Option<Option<i32>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// What a life-cycle step writes.
#[derive(AsChangeset)]
#[diesel(table_name = complaints, treat_none_as_null = true)]
pub struct StepChanges {
    pub status: String,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub reopened_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = complaint_steps)]
pub struct ComplaintStepRow {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub complaint_id: i32,
    /// `receive`, `acknowledge`, `resolve` or `reopen`.
    pub step: String,
    /// When it happened (a back-dated step: as given).
    #[serde(serialize_with = "super::utc")]
    pub at: NaiveDateTime,
    #[serde(skip)]
    pub actor_id: Option<i32>,
    pub actor_email: String,
    /// The resolution or the reason for a reopen.
    pub note: Option<String>,
    /// When it was entered.
    #[serde(serialize_with = "super::utc")]
    pub recorded_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = complaint_steps)]
pub struct NewStep<'a> {
    pub complaint_id: i32,
    pub step: &'a str,
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor_email: &'a str,
    pub note: Option<&'a str>,
}

#[derive(Clone, Debug, Default)]
pub struct ComplaintFilter {
    pub segment_id: Option<i32>,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub category: Option<String>,
    pub owner_id: Option<i32>,
    pub service_area_id: Option<i32>,
    pub requirement_id: Option<i32>,
    /// Received on or after this day.
    pub from: Option<NaiveDate>,
    /// Received on or before this day.
    pub to: Option<NaiveDate>,
}

fn day_start(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}

fn visible(scope: &Scope, f: &ComplaintFilter) -> complaints::BoxedQuery<'static, MultiBackend> {
    let mut query = complaints::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(complaints::segment_id.eq_any(ids.clone()));
    }
    if let Some(id) = f.segment_id {
        query = query.filter(complaints::segment_id.eq(id));
    }
    if let Some(s) = &f.status {
        query = query.filter(complaints::status.eq(s.clone()));
    }
    if let Some(c) = &f.channel {
        query = query.filter(complaints::channel.eq(c.clone()));
    }
    if let Some(c) = &f.category {
        query = query.filter(complaints::category.eq(c.clone()));
    }
    if let Some(id) = f.owner_id {
        query = query.filter(complaints::owner_id.eq(id));
    }
    if let Some(id) = f.service_area_id {
        query = query.filter(complaints::service_area_id.eq(id));
    }
    if let Some(id) = f.requirement_id {
        query = query.filter(complaints::requirement_id.eq(id));
    }
    if let Some(d) = f.from {
        query = query.filter(complaints::received_at.ge(day_start(d)));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        query = query.filter(complaints::received_at.lt(day_start(d)));
    }
    query
}

/// Newest received first.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    f: &ComplaintFilter,
    page: Page,
) -> QueryResult<(Vec<Complaint>, i64)> {
    let items = visible(scope, f)
        .order((complaints::received_at.desc(), complaints::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(Complaint::as_select())
        .load(conn)?;
    let total = visible(scope, f).count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<Complaint, AppError> {
    visible(scope, &ComplaintFilter::default())
        .filter(complaints::id.eq(id))
        .select(Complaint::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("complaint"))
}

/// The next reference of `year`, taken inside the caller's write transaction: the year's
/// counter row is created when missing (a no-op when another transaction made it first), then
/// incremented with `UPDATE … RETURNING`, which on PostgreSQL holds the row lock until commit
/// and on SQLite runs under the write lock `BEGIN IMMEDIATE` took. A rollback gives the number
/// back, so the references stay gapless in commit order.
pub fn next_reference(conn: &mut DbConnection, year: i32) -> QueryResult<String> {
    let ensure = match conn {
        DbConnection::Sqlite(_) => "INSERT OR IGNORE INTO complaint_counters (year, last) VALUES ($1, 0)",
        DbConnection::Pg(_) => {
            "INSERT INTO complaint_counters (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING"
        }
    };
    diesel::sql_query(ensure)
        .bind::<diesel::sql_types::Integer, _>(year)
        .execute(conn)?;
    let number: i32 = diesel::update(complaint_counters::table.find(year))
        .set(complaint_counters::last.eq(complaint_counters::last + 1))
        .returning(complaint_counters::last)
        .get_result(conn)?;
    Ok(format!("C-{year}-{number:04}"))
}

pub fn insert(conn: &mut DbConnection, new: &NewComplaint) -> QueryResult<Complaint> {
    diesel::insert_into(complaints::table)
        .values(new)
        .returning(complaints::all_columns)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &ComplaintChanges) -> QueryResult<Complaint> {
    diesel::update(complaints::table.find(id))
        .set(changes)
        .returning(complaints::all_columns)
        .get_result(conn)
}

pub fn set_step(conn: &mut DbConnection, id: i32, changes: &StepChanges) -> QueryResult<Complaint> {
    diesel::update(complaints::table.find(id))
        .set(changes)
        .returning(complaints::all_columns)
        .get_result(conn)
}

pub fn add_step(conn: &mut DbConnection, step: &NewStep) -> QueryResult<usize> {
    diesel::insert_into(complaint_steps::table).values(step).execute(conn)
}

pub fn history(conn: &mut DbConnection, complaint_id: i32) -> QueryResult<Vec<ComplaintStepRow>> {
    complaint_steps::table
        .filter(complaint_steps::complaint_id.eq(complaint_id))
        .order(complaint_steps::id)
        .select(ComplaintStepRow::as_select())
        .load(conn)
}

/// One complaint for the statistics: its segment, service area, category and times.
pub type StatRow = (
    i32,
    Option<i32>,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// The complaints received from `from` to `to` (both days inclusive) the caller may see.
pub fn stat_rows(
    conn: &mut DbConnection,
    scope: &Scope,
    segment_id: Option<i32>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> QueryResult<Vec<StatRow>> {
    let filter = ComplaintFilter {
        segment_id,
        from,
        to,
        ..Default::default()
    };
    visible(scope, &filter)
        .select((
            complaints::segment_id,
            complaints::service_area_id,
            complaints::category,
            complaints::received_at,
            complaints::acknowledged_at,
            complaints::resolved_at,
        ))
        .load(conn)
}

/// Open (not resolved) complaints the caller may see, counted per (requirement, segment), per
/// service area and per segment: what the gap report and the value proposition show beside
/// their rows. Open complaints are few enough to count in memory.
#[derive(Clone, Debug, Default)]
pub struct OpenCounts {
    pub by_requirement: std::collections::HashMap<(i32, i32), u32>,
    pub by_service_area: std::collections::HashMap<i32, u32>,
    pub by_segment: std::collections::HashMap<i32, u32>,
}

pub fn open_counts(conn: &mut DbConnection, scope: &Scope) -> QueryResult<OpenCounts> {
    let rows: Vec<(Option<i32>, i32, Option<i32>)> = visible(scope, &ComplaintFilter::default())
        .filter(complaints::status.ne("resolved"))
        .select((
            complaints::requirement_id,
            complaints::segment_id,
            complaints::service_area_id,
        ))
        .load(conn)?;
    let mut counts = OpenCounts::default();
    for (requirement, segment, area) in rows {
        if let Some(r) = requirement {
            *counts.by_requirement.entry((r, segment)).or_default() += 1;
        }
        if let Some(a) = area {
            *counts.by_service_area.entry(a).or_default() += 1;
        }
        *counts.by_segment.entry(segment).or_default() += 1;
    }
    Ok(counts)
}
