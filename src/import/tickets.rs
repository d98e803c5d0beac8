//! The service desk's ticket export: `ticket,segment,opened_at,first_response_at,resolved_at`
//! and optionally `priority`, `service_area`, `paused_minutes` (other columns are ignored).
//!
//! Streamed like the questionnaire import: rows are read one at a time and written in chunks
//! of [`CHUNK`] (one query finds which of a chunk's tickets are known, one multi-row insert
//! stores the new ones), so memory does not grow with the file. All or nothing: once a row is
//! at fault nothing more is written, the rest is only checked, and the caller's transaction is
//! rolled back. Each written ticket's business durations are stored with it, under every
//! calendar (`crate::db::ticket_durations`).

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::Serialize;

use super::layout::RowError;
use super::{csv_error, decode, sniff_delimiter, with_import_cache, Problems};
use crate::db::schema::segments;
use crate::db::service_levels::{self as store, TicketData, TicketRow};
use crate::db::ticket_durations;
use crate::db::DbConnection;
use crate::domain::business_time::Calendar;
use crate::domain::service_levels::parse_timestamp;
use crate::error::AppError;

/// Rows looked up and written together.
const CHUNK: usize = 1000;
pub const MAX_TEXT: usize = 100;

/// How many tickets were new and how many known ones changed.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TicketSummary {
    pub imported: u64,
    pub updated: u64,
}

const REQUIRED: [&str; 5] = ["ticket", "segment", "opened_at", "first_response_at", "resolved_at"];
const OPTIONAL: [&str; 3] = ["priority", "service_area", "paused_minutes"];

struct Columns {
    index: HashMap<&'static str, usize>,
    names: Vec<String>,
}

impl Columns {
    fn read(header: &[String], problems: &mut Problems) -> Option<Columns> {
        let mut index = HashMap::new();
        let mut names = Vec::with_capacity(header.len());
        for (i, h) in header.iter().enumerate() {
            let h = h.trim();
            let h = if i == 0 { h.trim_start_matches('\u{feff}') } else { h };
            names.push(h.to_owned());
            let lower = h.to_ascii_lowercase();
            if let Some(known) = REQUIRED.iter().chain(OPTIONAL.iter()).find(|k| **k == lower) {
                if index.insert(*known, i).is_some() {
                    problems.push(RowError::new(1, Some(h), "this column appears twice"));
                }
            }
        }
        for name in REQUIRED {
            if !index.contains_key(name) {
                problems.push(RowError::new(1, Some(name), "missing column"));
            }
        }
        (problems.total == 0).then_some(Columns { index, names })
    }

    fn cell<'a>(&self, cells: &[&'a str], name: &str) -> Option<&'a str> {
        self.index.get(name).and_then(|i| cells.get(*i)).map(|s| s.trim())
    }
}

struct Writer {
    pending: Vec<TicketData>,
    summary: TicketSummary,
    /// Every calendar: each written ticket's durations are stored under each.
    calendars: Vec<(i32, Calendar)>,
}

impl Writer {
    fn flush(&mut self, conn: &mut DbConnection) -> Result<(), AppError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = self.pending.iter().map(|t| t.external_id.clone()).collect();
        let mut known: HashMap<String, TicketRow> = store::tickets_by_external_id(conn, &ids)?
            .into_iter()
            .map(|t| (t.external_id.clone(), t))
            .collect();
        // New tickets are inserted together after the loop; a later row of the chunk with the
        // same id updates the pending one (and counts as an update, as across chunks).
        let mut fresh: Vec<TicketData> = Vec::new();
        let mut fresh_at: HashMap<String, usize> = HashMap::new();
        // Known tickets changed, by id: the last version of each is the one stored.
        let mut changed: BTreeMap<i32, TicketRow> = BTreeMap::new();
        for ticket in self.pending.drain(..) {
            if let Some(&i) = fresh_at.get(&ticket.external_id) {
                if fresh[i] != ticket {
                    fresh[i] = ticket;
                    self.summary.updated += 1;
                }
                continue;
            }
            match known.get_mut(&ticket.external_id) {
                Some(row) => {
                    if !ticket.same_as(row) {
                        store::update_ticket(conn, row.id, &ticket)?;
                        self.summary.updated += 1;
                        *row = stored(row.id, &ticket);
                        changed.insert(row.id, row.clone());
                    }
                }
                None => {
                    fresh_at.insert(ticket.external_id.clone(), fresh.len());
                    fresh.push(ticket);
                    self.summary.imported += 1;
                }
            }
        }
        let ids: HashMap<String, i32> = store::insert_tickets(conn, &fresh)?
            .into_iter()
            .map(|(id, external_id)| (external_id, id))
            .collect();
        let inserted: Vec<TicketRow> = fresh
            .iter()
            .filter_map(|t| ids.get(&t.external_id).map(|id| stored(*id, t)))
            .collect();
        ticket_durations::store_new(conn, &self.calendars, &inserted)?;
        let changed: Vec<TicketRow> = changed.into_values().collect();
        ticket_durations::store(conn, &self.calendars, &changed)?;
        Ok(())
    }
}

fn stored(id: i32, t: &TicketData) -> TicketRow {
    TicketRow {
        id,
        external_id: t.external_id.clone(),
        segment_id: t.segment_id,
        opened_at: t.opened_at,
        first_response_at: t.first_response_at,
        resolved_at: t.resolved_at,
        priority: t.priority.clone(),
        service_area: t.service_area.clone(),
        paused_minutes: t.paused_minutes,
    }
}

fn optional_text(value: Option<&str>, row: u64, column: &str, problems: &mut Problems) -> Option<String> {
    let value = value.filter(|v| !v.is_empty())?;
    if value.chars().count() > MAX_TEXT {
        problems.push(RowError::new(
            row,
            Some(column),
            format!("at most {MAX_TEXT} characters"),
        ));
        return None;
    }
    Some(value.to_owned())
}

/// Reads one data row into a ticket, or records why not.
fn read_row(
    cols: &Columns,
    cells: &[&str],
    row: u64,
    tz: &Tz,
    segment_ids: &HashMap<String, i32>,
    problems: &mut Problems,
) -> Option<TicketData> {
    let before = problems.total;
    let name = |n: &str| {
        cols.index
            .get(n)
            .map(|i| cols.names[*i].clone())
            .unwrap_or_else(|| n.to_owned())
    };
    let external_id = cols.cell(cells, "ticket").unwrap_or_default();
    if external_id.is_empty() {
        problems.push(RowError::new(row, Some(&name("ticket")), "must not be empty"));
    } else if external_id.chars().count() > MAX_TEXT {
        problems.push(RowError::new(
            row,
            Some(&name("ticket")),
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    let segment = cols.cell(cells, "segment").unwrap_or_default();
    let segment_id = segment_ids.get(&segment.to_lowercase()).copied();
    if segment_id.is_none() {
        problems.push(RowError::new(
            row,
            Some(&name("segment")),
            format!("no segment named {segment:?}"),
        ));
    }
    let mut stamp = |column: &str, required: bool| -> Option<NaiveDateTime> {
        let value = cols.cell(cells, column).unwrap_or_default();
        if value.is_empty() {
            if required {
                problems.push(RowError::new(row, Some(&name(column)), "must not be empty"));
            }
            return None;
        }
        match parse_timestamp(value, tz) {
            Ok(t) => Some(t.naive_utc()),
            Err(message) => {
                problems.push(RowError::new(row, Some(&name(column)), message));
                None
            }
        }
    };
    let opened_at = stamp("opened_at", true);
    let first_response_at = stamp("first_response_at", false);
    let resolved_at = stamp("resolved_at", false);
    for (column, at) in [("first_response_at", first_response_at), ("resolved_at", resolved_at)] {
        if let (Some(at), Some(opened)) = (at, opened_at) {
            if at < opened {
                problems.push(RowError::new(row, Some(&name(column)), "is before opened_at"));
            }
        }
    }
    let paused_minutes = match cols.cell(cells, "paused_minutes").filter(|v| !v.is_empty()) {
        None => 0,
        Some(v) => match v.parse::<i32>() {
            Ok(n) if n >= 0 => n,
            _ => {
                problems.push(RowError::new(
                    row,
                    Some(&name("paused_minutes")),
                    "must be a whole number of minutes, 0 or more",
                ));
                0
            }
        },
    };
    let priority = optional_text(cols.cell(cells, "priority"), row, &name("priority"), problems);
    let service_area = optional_text(cols.cell(cells, "service_area"), row, &name("service_area"), problems);
    if problems.total > before {
        return None;
    }
    Some(TicketData {
        external_id: external_id.to_owned(),
        segment_id: segment_id?,
        opened_at: opened_at?,
        first_response_at,
        resolved_at,
        priority,
        service_area,
        paused_minutes,
    })
}

/// Imports a ticket export; timestamps without an offset are read in `tz`. Call it inside a
/// write transaction: on `Err` the caller rolls back everything this stored.
pub fn tickets_csv<R: Read>(conn: &mut DbConnection, input: R, tz: Tz) -> Result<TicketSummary, AppError> {
    with_import_cache(conn, |conn| read_and_store(conn, input, tz))
}

fn read_and_store<R: Read>(conn: &mut DbConnection, input: R, tz: Tz) -> Result<TicketSummary, AppError> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let delimiter = sniff_delimiter(input.fill_buf().map_err(|e| AppError::internal(e.to_string()))?);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);
    let mut problems = Problems::default();
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        problems.push(RowError::new(1, None, "the file is empty"));
        return problems.into_result(TicketSummary::default());
    }
    let header: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, f)| {
            decode(f, 1, &format!("column {}", i + 1), &mut problems)
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let Some(cols) = Columns::read(&header, &mut problems) else {
        return problems.into_result(TicketSummary::default());
    };
    let segment_ids: HashMap<String, i32> = segments::table
        .select((segments::name, segments::id))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .map(|(name, id)| (name.to_lowercase(), id))
        .collect();
    let mut writer = Writer {
        pending: Vec::with_capacity(CHUNK),
        summary: TicketSummary::default(),
        calendars: ticket_durations::calendars(conn)?,
    };
    let mut row: u64 = 1;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        row += 1;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if record.len() != header.len() {
            problems.push(RowError::new(
                row,
                None,
                format!("has {} fields, the header has {}", record.len(), header.len()),
            ));
            continue;
        }
        let mut cells = Vec::with_capacity(header.len());
        let mut readable = true;
        for (i, field) in record.iter().enumerate() {
            match decode(field, row, &cols.names[i], &mut problems) {
                Some(text) => cells.push(text),
                None => readable = false,
            }
        }
        if !readable {
            continue;
        }
        let Some(ticket) = read_row(&cols, &cells, row, &tz, &segment_ids, &mut problems) else {
            continue;
        };
        // After the first fault nothing more is written: the rest of the file is only checked.
        if problems.total == 0 {
            writer.pending.push(ticket);
            if writer.pending.len() >= CHUNK {
                writer.flush(conn)?;
            }
        }
    }
    if problems.total == 0 {
        writer.flush(conn)?;
    }
    problems.into_result(writer.summary)
}
