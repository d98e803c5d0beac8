//! Stored calendars, service targets, tickets and reported measurements (issue 12).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{calendars, reported_measurements, service_targets, tickets};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

// ---------------------------------------------------------------------------------------------
// Calendars

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = calendars)]
pub struct CalendarRow {
    pub id: i32,
    pub name: String,
    pub timezone: String,
    /// JSON object {"mon": ["08:00-17:00"], ...}.
    pub week: String,
    /// JSON array of dates.
    pub holidays: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = calendars)]
pub struct NewCalendar {
    pub name: String,
    pub timezone: String,
    pub week: String,
    pub holidays: String,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = calendars)]
pub struct CalendarChanges {
    pub name: Option<String>,
    pub timezone: Option<String>,
    pub week: Option<String>,
    pub holidays: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn list_calendars(conn: &mut DbConnection, page: Page) -> QueryResult<(Vec<CalendarRow>, i64)> {
    let items = calendars::table
        .order(calendars::id.asc())
        .limit(page.limit)
        .offset(page.offset)
        .select(CalendarRow::as_select())
        .load(conn)?;
    let total = calendars::table.count().get_result(conn)?;
    Ok((items, total))
}

pub fn get_calendar(conn: &mut DbConnection, id: i32) -> Result<CalendarRow, AppError> {
    calendars::table
        .find(id)
        .select(CalendarRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("calendar"))
}

pub fn calendar_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<CalendarRow>> {
    calendars::table
        .filter(calendars::name.eq(name))
        .select(CalendarRow::as_select())
        .first(conn)
        .optional()
}

/// Whether another calendar (not `except`) already has the name, in any case.
pub fn calendar_name_taken(conn: &mut DbConnection, name: &str, except: Option<i32>) -> QueryResult<bool> {
    let mut query = calendars::table
        .filter(lower(calendars::name).eq(name.to_lowercase()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(calendars::id.ne(id));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

pub fn insert_calendar(conn: &mut DbConnection, new: &NewCalendar) -> Result<CalendarRow, AppError> {
    let id: i32 = diesel::insert_into(calendars::table)
        .values(new)
        .returning(calendars::id)
        .get_result(conn)?;
    get_calendar(conn, id)
}

pub fn update_calendar(conn: &mut DbConnection, id: i32, changes: &CalendarChanges) -> Result<CalendarRow, AppError> {
    diesel::update(calendars::table.find(id)).set(changes).execute(conn)?;
    get_calendar(conn, id)
}

pub fn delete_calendar(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(calendars::table.find(id)).execute(conn)
}

pub fn calendar_in_use(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        service_targets::table.filter(service_targets::calendar_id.eq(id)),
    ))
    .get_result(conn)
}

// ---------------------------------------------------------------------------------------------
// Service targets

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = service_targets)]
pub struct ServiceTarget {
    pub id: i32,
    pub requirement_id: i32,
    /// None: the target holds for every segment.
    pub segment_id: Option<i32>,
    #[schema(value_type = crate::domain::terms::Measure)]
    pub measure: String,
    /// In the requirement's unit.
    #[serde(rename = "limit")]
    pub limit_value: f64,
    /// Share of tickets that must meet the limit; None for `reported`.
    pub goal: Option<f64>,
    /// Only tickets of this priority count.
    pub priority: Option<String>,
    pub calendar_id: i32,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = service_targets)]
pub struct NewTarget {
    pub requirement_id: i32,
    pub segment_id: Option<i32>,
    pub measure: String,
    pub limit_value: f64,
    pub goal: Option<f64>,
    pub priority: Option<String>,
    pub calendar_id: i32,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = service_targets)]
pub struct TargetChanges {
    pub segment_id: Option<Option<i32>>,
    pub measure: Option<String>,
    pub limit_value: Option<f64>,
    pub goal: Option<Option<f64>>,
    pub priority: Option<Option<String>>,
    pub calendar_id: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, Default)]
pub struct TargetFilter {
    pub requirement_id: Option<i32>,
    pub segment_id: Option<i32>,
}

/// A stakeholder sees their segments' targets and the general ones.
fn visible_targets(scope: &Scope, f: &TargetFilter) -> service_targets::BoxedQuery<'static, MultiBackend> {
    let mut query = service_targets::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(
            service_targets::segment_id
                .eq_any(ids.clone())
                .or(service_targets::segment_id.is_null()),
        );
    }
    if let Some(id) = f.requirement_id {
        query = query.filter(service_targets::requirement_id.eq(id));
    }
    if let Some(id) = f.segment_id {
        query = query.filter(service_targets::segment_id.eq(id));
    }
    query
}

pub fn list_targets(
    conn: &mut DbConnection,
    scope: &Scope,
    f: &TargetFilter,
    page: Page,
) -> QueryResult<(Vec<ServiceTarget>, i64)> {
    let items = visible_targets(scope, f)
        .order(service_targets::id.asc())
        .limit(page.limit)
        .offset(page.offset)
        .select(ServiceTarget::as_select())
        .load(conn)?;
    let total = visible_targets(scope, f).count().get_result(conn)?;
    Ok((items, total))
}

/// The targets of a report: one segment's and the general ones, or all the scope allows.
pub fn report_targets(
    conn: &mut DbConnection,
    scope: &Scope,
    segment_id: Option<i32>,
) -> QueryResult<Vec<ServiceTarget>> {
    let mut query = visible_targets(scope, &TargetFilter::default());
    if let Some(id) = segment_id {
        query = query.filter(
            service_targets::segment_id
                .eq(id)
                .or(service_targets::segment_id.is_null()),
        );
    }
    query
        .order((service_targets::requirement_id.asc(), service_targets::id.asc()))
        .select(ServiceTarget::as_select())
        .load(conn)
}

pub fn all_targets(conn: &mut DbConnection) -> QueryResult<Vec<ServiceTarget>> {
    service_targets::table
        .order(service_targets::id.asc())
        .select(ServiceTarget::as_select())
        .load(conn)
}

pub fn get_target(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<ServiceTarget, AppError> {
    visible_targets(scope, &TargetFilter::default())
        .filter(service_targets::id.eq(id))
        .select(ServiceTarget::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("service target"))
}

pub fn insert_target(conn: &mut DbConnection, new: &NewTarget) -> Result<ServiceTarget, AppError> {
    let id: i32 = diesel::insert_into(service_targets::table)
        .values(new)
        .returning(service_targets::id)
        .get_result(conn)?;
    get_target(conn, id, &Scope::All)
}

pub fn update_target(conn: &mut DbConnection, id: i32, changes: &TargetChanges) -> Result<ServiceTarget, AppError> {
    diesel::update(service_targets::table.find(id))
        .set(changes)
        .execute(conn)?;
    get_target(conn, id, &Scope::All)
}

/// Deletes a target with its reported figures.
pub fn delete_target(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(reported_measurements::table.filter(reported_measurements::service_target_id.eq(id)))
        .execute(conn)?;
    diesel::delete(service_targets::table.find(id)).execute(conn)
}

/// Whether the requirement already has a target for exactly this segment (None = general).
pub fn target_exists(conn: &mut DbConnection, requirement_id: i32, segment_id: Option<i32>) -> QueryResult<bool> {
    let mut query = service_targets::table
        .filter(service_targets::requirement_id.eq(requirement_id))
        .into_boxed();
    query = match segment_id {
        Some(id) => query.filter(service_targets::segment_id.eq(id)),
        None => query.filter(service_targets::segment_id.is_null()),
    };
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

// ---------------------------------------------------------------------------------------------
// Tickets

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: i32,
    pub external_id: String,
    pub segment_id: i32,
    pub opened_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub priority: Option<String>,
    pub service_area: Option<String>,
    pub paused_minutes: i32,
}

/// A ticket as read from an export. Every column is written (None included), so the insert
/// statement's text never changes and is prepared once.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketData {
    pub external_id: String,
    pub segment_id: i32,
    pub opened_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub priority: Option<String>,
    pub service_area: Option<String>,
    pub paused_minutes: i32,
}

impl TicketData {
    /// Whether the stored row already says the same.
    pub fn same_as(&self, row: &TicketRow) -> bool {
        self.segment_id == row.segment_id
            && self.opened_at == row.opened_at
            && self.first_response_at == row.first_response_at
            && self.resolved_at == row.resolved_at
            && self.priority == row.priority
            && self.service_area == row.service_area
            && self.paused_minutes == row.paused_minutes
    }
}

/// The stored tickets among `external_ids`.
pub fn tickets_by_external_id(conn: &mut DbConnection, external_ids: &[String]) -> QueryResult<Vec<TicketRow>> {
    tickets::table
        .filter(tickets::external_id.eq_any(external_ids.to_vec()))
        .select(TicketRow::as_select())
        .load(conn)
}

/// Stores a new ticket; its id.
pub fn insert_ticket(conn: &mut DbConnection, t: &TicketData) -> QueryResult<i32> {
    diesel::insert_into(tickets::table)
        .values((
            tickets::external_id.eq(&t.external_id),
            tickets::segment_id.eq(t.segment_id),
            tickets::opened_at.eq(t.opened_at),
            tickets::first_response_at.eq(t.first_response_at),
            tickets::resolved_at.eq(t.resolved_at),
            tickets::priority.eq(&t.priority),
            tickets::service_area.eq(&t.service_area),
            tickets::paused_minutes.eq(t.paused_minutes),
        ))
        .returning(tickets::id)
        .get_result(conn)
}

pub fn update_ticket(conn: &mut DbConnection, id: i32, t: &TicketData) -> QueryResult<usize> {
    diesel::update(tickets::table.find(id))
        .set((
            tickets::segment_id.eq(t.segment_id),
            tickets::opened_at.eq(t.opened_at),
            tickets::first_response_at.eq(t.first_response_at),
            tickets::resolved_at.eq(t.resolved_at),
            tickets::priority.eq(&t.priority),
            tickets::service_area.eq(&t.service_area),
            tickets::paused_minutes.eq(t.paused_minutes),
            tickets::updated_at.eq(super::now()),
        ))
        .execute(conn)
}

/// Which tickets a target counts: of these segments (None = any), of this priority (any case).
#[derive(Clone, Debug, Default)]
pub struct TicketSelection {
    pub segment_ids: Option<Vec<i32>>,
    pub priority: Option<String>,
}

fn selected(sel: &TicketSelection) -> tickets::BoxedQuery<'static, MultiBackend> {
    let mut query = tickets::table.into_boxed();
    if let Some(ids) = &sel.segment_ids {
        query = query.filter(tickets::segment_id.eq_any(ids.clone()));
    }
    if let Some(p) = &sel.priority {
        query = query.filter(lower(tickets::priority.assume_not_null()).eq(p.to_lowercase()));
    }
    query
}

/// The timestamps the counting rules need, of the selected tickets opened in `[from, to)`.
pub type TicketTimes = (NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>, i32);

pub fn ticket_times(
    conn: &mut DbConnection,
    sel: &TicketSelection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<TicketTimes>> {
    if sel.segment_ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    selected(sel)
        .filter(tickets::opened_at.ge(from))
        .filter(tickets::opened_at.lt(to))
        .select((
            tickets::opened_at,
            tickets::first_response_at,
            tickets::resolved_at,
            tickets::paused_minutes,
        ))
        .load(conn)
}

/// When the newest selected ticket was opened.
pub fn newest_opened(conn: &mut DbConnection, sel: &TicketSelection) -> QueryResult<Option<NaiveDateTime>> {
    if sel.segment_ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(None);
    }
    selected(sel).select(diesel::dsl::max(tickets::opened_at)).first(conn)
}

pub fn count_tickets(conn: &mut DbConnection, scope: &Scope) -> QueryResult<i64> {
    let mut query = tickets::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(tickets::segment_id.eq_any(ids.clone()));
    }
    query.count().get_result(conn)
}

// ---------------------------------------------------------------------------------------------
// Reported measurements

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = reported_measurements)]
pub struct Measurement {
    #[serde(skip)]
    pub id: i32,
    pub service_target_id: i32,
    #[schema(example = "2026-03")]
    pub period: String,
    pub value: f64,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

pub fn measurement(conn: &mut DbConnection, target_id: i32, period: &str) -> QueryResult<Option<Measurement>> {
    reported_measurements::table
        .filter(reported_measurements::service_target_id.eq(target_id))
        .filter(reported_measurements::period.eq(period))
        .select(Measurement::as_select())
        .first(conn)
        .optional()
}

pub fn insert_measurement(
    conn: &mut DbConnection,
    target_id: i32,
    period: &str,
    value: f64,
) -> Result<Measurement, AppError> {
    diesel::insert_into(reported_measurements::table)
        .values((
            reported_measurements::service_target_id.eq(target_id),
            reported_measurements::period.eq(period),
            reported_measurements::value.eq(value),
        ))
        .execute(conn)?;
    measurement(conn, target_id, period)?.ok_or(AppError::NotFound("measurement"))
}

pub fn update_measurement(
    conn: &mut DbConnection,
    target_id: i32,
    period: &str,
    value: f64,
) -> Result<Measurement, AppError> {
    diesel::update(
        reported_measurements::table
            .filter(reported_measurements::service_target_id.eq(target_id))
            .filter(reported_measurements::period.eq(period)),
    )
    .set((
        reported_measurements::value.eq(value),
        reported_measurements::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    measurement(conn, target_id, period)?.ok_or(AppError::NotFound("measurement"))
}

/// A target's figures for `from..=to` (periods compare as text: YYYY-MM sorts by date).
pub fn measurements_between(
    conn: &mut DbConnection,
    target_id: i32,
    from: &str,
    to: &str,
) -> QueryResult<Vec<(String, f64)>> {
    reported_measurements::table
        .filter(reported_measurements::service_target_id.eq(target_id))
        .filter(reported_measurements::period.ge(from.to_owned()))
        .filter(reported_measurements::period.le(to.to_owned()))
        .order(reported_measurements::period.asc())
        .select((reported_measurements::period, reported_measurements::value))
        .load(conn)
}

/// A target's newest figure.
pub fn newest_measurement(conn: &mut DbConnection, target_id: i32) -> QueryResult<Option<(String, f64)>> {
    reported_measurements::table
        .filter(reported_measurements::service_target_id.eq(target_id))
        .order(reported_measurements::period.desc())
        .select((reported_measurements::period, reported_measurements::value))
        .first(conn)
        .optional()
}
