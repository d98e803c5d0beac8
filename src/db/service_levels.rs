//! Stored calendars, service targets, tickets and reported measurements (issue 12).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{calendars, reported_measurements, service_targets, ticket_durations, tickets};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::domain::business_time::Calendar;
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

/// A stored calendar in the domain's terms.
pub fn calendar_of(row: &CalendarRow) -> Result<Calendar, AppError> {
    let week: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&row.week).map_err(|e| AppError::internal(e.to_string()))?;
    let holidays: Vec<chrono::NaiveDate> =
        serde_json::from_str(&row.holidays).map_err(|e| AppError::internal(e.to_string()))?;
    Calendar::new(&row.timezone, &week, holidays).map_err(|e| AppError::internal(e.to_string()))
}

/// Every calendar, in id order.
pub fn all_calendars(conn: &mut DbConnection) -> QueryResult<Vec<CalendarRow>> {
    calendars::table
        .order(calendars::id.asc())
        .select(CalendarRow::as_select())
        .load(conn)
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

/// A ticket as read from an export (or made by the demo), before it has an id.
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

#[derive(Insertable)]
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
struct NewTicketRow<'a> {
    external_id: &'a str,
    segment_id: i32,
    opened_at: NaiveDateTime,
    first_response_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    priority: Option<&'a str>,
    service_area: Option<&'a str>,
    paused_minutes: i32,
}

/// Tickets per multi-row insert on SQLite: 8 values each.
const TICKETS_PER_INSERT: usize = 1000;

impl<'a> NewTicketRow<'a> {
    fn of(t: &'a TicketData) -> Self {
        NewTicketRow {
            external_id: &t.external_id,
            segment_id: t.segment_id,
            opened_at: t.opened_at,
            first_response_at: t.first_response_at,
            resolved_at: t.resolved_at,
            priority: t.priority.as_deref(),
            service_area: t.service_area.as_deref(),
            paused_minutes: t.paused_minutes,
        }
    }
}

/// A new ticket with the id taken for it beforehand: what PostgreSQL's `COPY` writes.
#[derive(Insertable)]
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
struct CopiedTicketRow<'a> {
    id: i32,
    external_id: &'a str,
    segment_id: i32,
    opened_at: NaiveDateTime,
    first_response_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    priority: Option<&'a str>,
    service_area: Option<&'a str>,
    paused_minutes: i32,
}

#[derive(QueryableByName)]
struct TakenId {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
}

/// Stores new tickets; their ids with their external ids. SQLite: multi-row inserts
/// `RETURNING` the ids. PostgreSQL: the ids are taken from the table's sequence first, then
/// the rows go in by one `COPY` (a 1 000-row insert there was parsed and bound anew each
/// time). The shared connection type has neither, so this goes to the concrete backend.
pub fn insert_tickets(conn: &mut DbConnection, ts: &[TicketData]) -> QueryResult<Vec<(i32, String)>> {
    if ts.is_empty() {
        return Ok(Vec::new());
    }
    match conn {
        DbConnection::Sqlite(c) => {
            let mut out = Vec::with_capacity(ts.len());
            for chunk in ts.chunks(TICKETS_PER_INSERT) {
                let rows: Vec<NewTicketRow> = chunk.iter().map(NewTicketRow::of).collect();
                out.extend(
                    diesel::insert_into(tickets::table)
                        .values(&rows)
                        .returning((tickets::id, tickets::external_id))
                        .get_results::<(i32, String)>(c)?,
                );
            }
            Ok(out)
        }
        DbConnection::Pg(c) => {
            let ids: Vec<TakenId> = diesel::sql_query(
                "SELECT nextval(pg_get_serial_sequence('tickets', 'id'))::integer AS id \
                 FROM generate_series(1, $1)",
            )
            .bind::<diesel::sql_types::BigInt, _>(ts.len() as i64)
            .load(c)?;
            let rows: Vec<CopiedTicketRow> = ids
                .iter()
                .zip(ts)
                .map(|(taken, t)| CopiedTicketRow {
                    id: taken.id,
                    external_id: &t.external_id,
                    segment_id: t.segment_id,
                    opened_at: t.opened_at,
                    first_response_at: t.first_response_at,
                    resolved_at: t.resolved_at,
                    priority: t.priority.as_deref(),
                    service_area: t.service_area.as_deref(),
                    paused_minutes: t.paused_minutes,
                })
                .collect();
            diesel::copy_from(tickets::table).from_insertable(&rows).execute(c)?;
            Ok(rows.iter().map(|r| (r.id, r.external_id.to_owned())).collect())
        }
    }
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

/// The timestamps the counting rules need: opened, first response, resolved, paused minutes.
pub type TicketTimes = (NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>, i32);

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
// Ticket durations per calendar: what a month's counts aggregate

/// One ticket's durations under one calendar.
#[derive(Debug, Clone, PartialEq, Insertable, Queryable, Selectable)]
#[diesel(table_name = ticket_durations, treat_none_as_default_value = false)]
pub struct DurationRow {
    pub calendar_id: i32,
    pub period: String,
    pub ticket_id: i32,
    pub segment_id: i32,
    /// The ticket's priority in lower case (targets match it in any case).
    pub priority: Option<String>,
    pub response_seconds: Option<i64>,
    pub resolution_seconds: Option<i64>,
}

/// Rows per multi-row insert: 7 values each stays under SQLite's 32 766 bound parameters.
const DURATION_ROWS_PER_INSERT: usize = 2000;

/// Replaces the stored durations of the tickets `ticket_ids` (every calendar) with `rows`.
pub fn replace_durations(conn: &mut DbConnection, ticket_ids: &[i32], rows: &[DurationRow]) -> QueryResult<()> {
    for ids in ticket_ids.chunks(DURATION_ROWS_PER_INSERT) {
        diesel::delete(ticket_durations::table.filter(ticket_durations::ticket_id.eq_any(ids))).execute(conn)?;
    }
    insert_durations(conn, rows)
}

/// Inserts durations: on SQLite in multi-row statements, on PostgreSQL by one `COPY` (a
/// 2 000-row statement there was parsed and bound anew each time: 3 of the 14 s its 300 000
/// tickets' durations took). The shared connection type has neither, so this goes to the
/// concrete backend.
pub fn insert_durations(conn: &mut DbConnection, rows: &[DurationRow]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn {
        DbConnection::Sqlite(c) => {
            for chunk in rows.chunks(DURATION_ROWS_PER_INSERT) {
                diesel::insert_into(ticket_durations::table).values(chunk).execute(c)?;
            }
        }
        DbConnection::Pg(c) => {
            diesel::copy_from(ticket_durations::table)
                .from_insertable(rows)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Forgets every stored duration under `calendar_id`, or under every calendar.
pub fn clear_durations(conn: &mut DbConnection, calendar_id: Option<i32>) -> QueryResult<usize> {
    match calendar_id {
        Some(id) => diesel::delete(ticket_durations::table.filter(ticket_durations::calendar_id.eq(id))).execute(conn),
        None => diesel::delete(ticket_durations::table).execute(conn),
    }
}

/// Tickets in id order after `after`, at most `limit`: a table walked in pages.
pub fn tickets_after(conn: &mut DbConnection, after: i32, limit: i64) -> QueryResult<Vec<TicketRow>> {
    tickets::table
        .filter(tickets::id.gt(after))
        .order(tickets::id)
        .limit(limit)
        .select(TicketRow::as_select())
        .load(conn)
}

/// Whether tickets exist but no durations do: the state after the migration that added them.
pub fn durations_missing(conn: &mut DbConnection) -> QueryResult<bool> {
    let any_ticket = tickets::table
        .select(tickets::id)
        .first::<i32>(conn)
        .optional()?
        .is_some();
    let any_duration = ticket_durations::table
        .select(ticket_durations::ticket_id)
        .first::<i32>(conn)
        .optional()?
        .is_some();
    Ok(any_ticket && !any_duration)
}

/// Every stored duration, in key order (for consistency checks).
pub fn all_durations(conn: &mut DbConnection) -> QueryResult<Vec<DurationRow>> {
    ticket_durations::table
        .order((
            ticket_durations::calendar_id,
            ticket_durations::period,
            ticket_durations::ticket_id,
        ))
        .select(DurationRow::as_select())
        .load(conn)
}

/// Which duration column a ticket measure reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationColumn {
    Response,
    Resolution,
}

/// The stored durations of one calendar's months `[first, last]` whose tickets a target selects.
#[derive(Clone, Debug)]
pub struct DurationQuery {
    pub calendar_id: i32,
    pub first: String,
    pub last: String,
    pub selection: TicketSelection,
    pub column: DurationColumn,
}

/// A month's tickets with the timestamp: how many, and how many within `limit_seconds`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StampedCounts {
    pub stamped: i64,
    pub within: i64,
}

/// Runs `$body` with `$col` bound to the query's duration column (a macro: the two columns
/// are different types to diesel).
macro_rules! per_column {
    ($q:expr, |$col:ident| $body:expr) => {
        match $q.column {
            DurationColumn::Response => {
                let $col = ticket_durations::response_seconds;
                $body
            }
            DurationColumn::Resolution => {
                let $col = ticket_durations::resolution_seconds;
                $body
            }
        }
    };
}

/// Narrows a boxed query of `ticket_durations` to the calendar, months and selection of `q`.
macro_rules! narrowed {
    ($query:expr, $q:expr) => {{
        let q: &DurationQuery = $q;
        let mut query = $query.filter(ticket_durations::calendar_id.eq(q.calendar_id));
        // One month as an equality: the key (calendar, month, segment, ticket) then narrows to
        // the selected segments' tickets, where a range of months only narrows to the months.
        query = if q.first == q.last {
            query.filter(ticket_durations::period.eq(q.first.clone()))
        } else {
            query
                .filter(ticket_durations::period.ge(q.first.clone()))
                .filter(ticket_durations::period.le(q.last.clone()))
        };
        if let Some(ids) = &q.selection.segment_ids {
            query = query.filter(ticket_durations::segment_id.eq_any(ids.clone()));
        }
        if let Some(p) = &q.selection.priority {
            query = query.filter(ticket_durations::priority.eq(p.to_lowercase()));
        }
        query
    }};
}

fn durations_of(q: &DurationQuery) -> ticket_durations::BoxedQuery<'static, MultiBackend> {
    narrowed!(ticket_durations::table.into_boxed(), q)
}

fn nothing_selected(q: &DurationQuery) -> bool {
    q.selection.segment_ids.as_ref().is_some_and(Vec::is_empty)
}

/// Per month: the stamped tickets and those within `limit_seconds`, one grouped query.
pub fn stamped_counts(
    conn: &mut DbConnection,
    q: &DurationQuery,
    limit_seconds: i64,
) -> QueryResult<Vec<(String, StampedCounts)>> {
    use diesel::dsl::{case_when, count, sum};
    use diesel::sql_types::Integer;
    if nothing_selected(q) {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, i64, Option<i64>)> = per_column!(q, |col| {
        let grouped = ticket_durations::table
            .group_by(ticket_durations::period)
            .select((
                ticket_durations::period,
                count(col),
                sum(case_when(col.le(limit_seconds), 1.into_sql::<Integer>()).otherwise(0.into_sql::<Integer>())),
            ))
            .into_boxed::<MultiBackend>();
        narrowed!(grouped, q).load(conn)?
    });
    Ok(rows
        .into_iter()
        .map(|(period, stamped, within)| {
            let within = within.unwrap_or(0);
            (period, StampedCounts { stamped, within })
        })
        .collect())
}

/// One month's stamped durations in seconds, ascending, at ranks `offset + 1 ..= offset + count`.
pub fn stamped_window(conn: &mut DbConnection, q: &DurationQuery, offset: i64, count: i64) -> QueryResult<Vec<i64>> {
    if nothing_selected(q) || count <= 0 {
        return Ok(Vec::new());
    }
    per_column!(q, |col| durations_of(q)
        .filter(col.is_not_null())
        .select(col.assume_not_null())
        .order(col.asc())
        .offset(offset)
        .limit(count)
        .load(conn))
}

/// The selected tickets of the months that lack the measure's timestamp, with their month:
/// the few whose outcome depends on the clock.
pub fn unstamped_tickets(conn: &mut DbConnection, q: &DurationQuery) -> QueryResult<Vec<(String, TicketTimes)>> {
    if nothing_selected(q) {
        return Ok(Vec::new());
    }
    let ids: Vec<(String, i32)> = per_column!(q, |col| durations_of(q)
        .filter(col.is_null())
        .select((ticket_durations::period, ticket_durations::ticket_id))
        .load(conn)?);
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(DURATION_ROWS_PER_INSERT) {
        let periods: std::collections::HashMap<i32, &String> = chunk.iter().map(|(p, id)| (*id, p)).collect();
        let times: Vec<(i32, TicketTimes)> = tickets::table
            .filter(tickets::id.eq_any(chunk.iter().map(|(_, id)| *id).collect::<Vec<_>>()))
            .select((
                tickets::id,
                (
                    tickets::opened_at,
                    tickets::first_response_at,
                    tickets::resolved_at,
                    tickets::paused_minutes,
                ),
            ))
            .load(conn)?;
        for (id, times) in times {
            if let Some(period) = periods.get(&id) {
                out.push(((*period).clone(), times));
            }
        }
    }
    Ok(out)
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
