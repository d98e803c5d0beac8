//! The business durations of every ticket under every calendar (issue 12), kept so that a
//! target's month is an aggregate query: written in the same transaction as each ticket
//! (import, demo), rebuilt for a calendar whose timezone, hours or holidays change, and filled
//! at start-up when tickets exist without them (the state right after the migration).

use super::service_levels::{self as store, calendar_of, DurationRow, TicketRow};
use super::DbConnection;
use crate::domain::business_time::{ticket_durations, Calendar, Ticket};
use crate::error::AppError;

/// Tickets read per page when rebuilding.
const PAGE: i64 = 5000;

/// Every calendar, parsed: what each ticket's durations are computed under.
pub fn calendars(c: &mut DbConnection) -> Result<Vec<(i32, Calendar)>, AppError> {
    store::all_calendars(c)?
        .iter()
        .map(|row| Ok((row.id, calendar_of(row)?)))
        .collect()
}

fn as_ticket(t: &TicketRow) -> Ticket {
    Ticket {
        opened_at: t.opened_at.and_utc(),
        first_response_at: t.first_response_at.map(|at| at.and_utc()),
        resolved_at: t.resolved_at.map(|at| at.and_utc()),
        paused_minutes: i64::from(t.paused_minutes),
    }
}

/// A ticket's rows, one per calendar.
pub fn rows_for(calendars: &[(i32, Calendar)], t: &TicketRow, out: &mut Vec<DurationRow>) {
    let ticket = as_ticket(t);
    let priority = t.priority.as_ref().map(|p| p.to_lowercase());
    for (calendar_id, cal) in calendars {
        let d = ticket_durations(cal, &ticket);
        out.push(DurationRow {
            calendar_id: *calendar_id,
            period: d.period.to_string(),
            ticket_id: t.id,
            segment_id: t.segment_id,
            priority: priority.clone(),
            response_seconds: d.response_seconds,
            resolution_seconds: d.resolution_seconds,
        });
    }
}

fn rows_of(calendars: &[(i32, Calendar)], tickets: &[TicketRow]) -> Vec<DurationRow> {
    let mut rows = Vec::with_capacity(tickets.len() * calendars.len());
    for t in tickets {
        rows_for(calendars, t, &mut rows);
    }
    rows
}

/// Stores the durations of tickets just changed, replacing what they had.
pub fn store(c: &mut DbConnection, calendars: &[(i32, Calendar)], tickets: &[TicketRow]) -> Result<(), AppError> {
    if tickets.is_empty() {
        return Ok(());
    }
    let ids: Vec<i32> = tickets.iter().map(|t| t.id).collect();
    Ok(store::replace_durations(c, &ids, &rows_of(calendars, tickets))?)
}

/// Stores the durations of tickets just inserted (they have none yet).
pub fn store_new(c: &mut DbConnection, calendars: &[(i32, Calendar)], tickets: &[TicketRow]) -> Result<(), AppError> {
    Ok(store::insert_durations(c, &rows_of(calendars, tickets))?)
}

/// Recomputes every ticket's durations under `calendar_id` (None: every calendar); returns
/// the tickets walked. Call it inside the transaction that changed the calendar.
pub fn rebuild(c: &mut DbConnection, calendar_id: Option<i32>) -> Result<u64, AppError> {
    let calendars: Vec<(i32, Calendar)> = calendars(c)?
        .into_iter()
        .filter(|(id, _)| calendar_id.is_none_or(|wanted| wanted == *id))
        .collect();
    store::clear_durations(c, calendar_id)?;
    let (mut after, mut walked) = (0, 0u64);
    let mut rows = Vec::new();
    loop {
        let page = store::tickets_after(c, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        walked += page.len() as u64;
        rows.clear();
        for t in &page {
            rows_for(&calendars, t, &mut rows);
        }
        store::insert_durations(c, &rows)?;
    }
    Ok(walked)
}

/// Fills the durations when tickets exist without any (right after the migration that added
/// them); a no-op otherwise.
pub fn fill_if_missing(c: &mut DbConnection) -> Result<(), AppError> {
    if store::durations_missing(c)? {
        let walked = super::write_transaction(c, |c| rebuild(c, None))?;
        tracing::info!(tickets = walked, "ticket durations computed");
    }
    Ok(())
}
