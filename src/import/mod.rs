//! Bulk import of Kano questionnaire answers from survey-tool CSV exports.
//!
//! All or nothing: the whole file goes in one transaction, and any bad row rolls it back. The
//! file is read as a stream (a million rows need no more memory than a thousand), and every
//! problem found is reported with its spreadsheet row and column, up to [`MAX_REPORTED`].

pub mod layout;
pub mod tickets;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

use crate::db::responses::{
    apply_counts, apply_counts_copied, copy_many, insert_one_sqlite, stored_keys, CountDeltas, NewResponse,
};
use crate::db::schema::{kano_responses, requirements, segments, session_segments, sessions};
use crate::db::DbConnection;
use crate::error::{AppError, ErrorCode};
use layout::{Format, Layout, RowError};

pub const MAX_REPORTED: usize = 100;
/// Answers per chunk handed from the reader to the writer on PostgreSQL: one `COPY` each
/// (about 8 MB).
const BATCH: usize = 50_000;
/// Answers per chunk on SQLite, sorted before they are written (about 8 MB). See
/// [`Chunk::sort`].
const SQLITE_CHUNK: usize = 50_000;
/// Rows per INSERT on SQLite (7 values each, well within SQLite's 32 766 parameters).
const SQLITE_ROWS_PER_INSERT: usize = 64;
/// SQLite's page cache for the import's connection, in KiB (the default is 2 000): the
/// table's indexes are written all over, and with a small cache the same pages are spilled to
/// the WAL and read back many times. Set back to what it was once the import is done.
const SQLITE_IMPORT_CACHE_KIB: i64 = 64 * 1024;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Answer pairs stored.
    pub imported: u64,
    pub format: Format,
    pub ignored_columns: Vec<String>,
}

/// Row errors found so far: the [`MAX_REPORTED`] first by row, and how many in all.
#[derive(Default)]
struct Problems {
    listed: Vec<RowError>,
    total: u64,
}

impl Problems {
    fn push(&mut self, e: RowError) {
        self.total += 1;
        if self.listed.len() < MAX_REPORTED {
            self.listed.push(e);
            return;
        }
        // Duplicates are found in the order rows are written, not read: keep the first rows.
        if let Some(last) = self.listed.iter_mut().max_by_key(|l| l.row) {
            if e.row < last.row {
                *last = e;
            }
        }
    }

    /// Both lists as one: the [`MAX_REPORTED`] first rows of the two, and every error counted.
    fn merge(mut self, other: Problems) -> Problems {
        self.listed.extend(other.listed);
        self.listed.sort_by_key(|e| e.row);
        self.listed.truncate(MAX_REPORTED);
        self.total += other.total;
        self
    }

    fn into_result<T>(mut self, ok: T) -> Result<T, AppError> {
        if self.total == 0 {
            Ok(ok)
        } else {
            self.listed.sort_by_key(|e| e.row);
            Err(AppError::RowsInvalid {
                rows: self.listed,
                total: self.total,
            })
        }
    }
}

/// What a pending insert came from, to blame the right row when the database refuses it.
struct Origin {
    row: u64,
    column: String,
}

/// The writing half of an import: what it stored so far.
struct Writer {
    imported: u64,
    /// PostgreSQL: the answer keys taken so far.
    taken: TakenKeys,
}

fn duplicate(row: &NewResponse, origin: &Origin) -> RowError {
    RowError::new(
        origin.row,
        Some(&origin.column),
        format!(
            "respondent {:?} has already answered this requirement for this segment",
            row.respondent
        ),
    )
}

fn chunk_size(conn: &DbConnection) -> usize {
    match conn {
        DbConnection::Sqlite(_) => SQLITE_CHUNK,
        DbConnection::Pg(_) => BATCH,
    }
}

impl Writer {
    /// Stores `chunk` (sorted by the answers' key, see [`Chunk::sort`]). `file_failed`: the
    /// reader has found a row error already, so the transaction will be rolled back
    /// (PostgreSQL then only checks, see [`Writer::copy`]).
    fn store(
        &mut self,
        conn: &mut DbConnection,
        chunk: Chunk,
        problems: &mut Problems,
        file_failed: bool,
    ) -> Result<(), AppError> {
        match conn {
            DbConnection::Sqlite(c) => self.insert(c, chunk, problems),
            DbConnection::Pg(c) => self.copy(c, chunk, problems, file_failed),
        }
    }

    /// SQLite: writes the chunk [`SQLITE_ROWS_PER_INSERT`] rows per statement. A statement a
    /// duplicate refuses is undone alone (SQLite keeps the transaction going), and its rows are
    /// written again one by one, so the culprit is named; a statement of a fixed number of rows
    /// is prepared once (diesel caches it), and each row costs a fraction of a statement of
    /// its own.
    fn insert(
        &mut self,
        c: &mut diesel::SqliteConnection,
        chunk: Chunk,
        problems: &mut Problems,
    ) -> Result<(), AppError> {
        let Chunk { rows, origins } = chunk;
        let mut start = 0;
        while start < rows.len() {
            let end = (start + SQLITE_ROWS_PER_INSERT).min(rows.len());
            let group = &rows[start..end];
            let stored = match <&[NewResponse; SQLITE_ROWS_PER_INSERT]>::try_from(group) {
                Ok(full) => match diesel::insert_into(kano_responses::table).values(full).execute(c) {
                    Ok(n) => Some(n),
                    Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => None,
                    Err(e) => return Err(e.into()),
                },
                Err(_) => None,
            };
            match stored {
                Some(n) => self.imported += n as u64,
                None => {
                    for (row, origin) in group.iter().zip(&origins[start..end]) {
                        match insert_one_sqlite(c, row) {
                            Ok(n) => self.imported += n as u64,
                            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                                problems.push(duplicate(row, origin))
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                }
            }
            start = end;
        }
        Ok(())
    }

    /// PostgreSQL: names the chunk's duplicates (against the answers stored before, and the
    /// file's earlier rows: [`TakenKeys`]), then takes the keys and copies the rest straight
    /// into `kano_responses` (`COPY ... FROM STDIN`, binary: [`copy_many`]). Once the file has
    /// a row error nothing more is copied (the transaction will be rolled back), but every row
    /// is still checked, so the errors are the same either way. The answers' key stays the last
    /// word: an answer a concurrent writer stored after the check is refused by it, and the
    /// import fails as a conflict.
    fn copy(
        &mut self,
        c: &mut diesel::PgConnection,
        chunk: Chunk,
        problems: &mut Problems,
        file_failed: bool,
    ) -> Result<(), AppError> {
        let Chunk { rows, origins } = chunk;
        let free = self.taken.take(c, &rows)?;
        for ((row, origin), _) in rows.iter().zip(&origins).zip(free).filter(|(_, free)| !free) {
            problems.push(duplicate(row, origin));
        }
        if problems.total > 0 || file_failed {
            return Ok(());
        }
        let copied = copy_many(c, &rows).map_err(|e| match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::conflict(
                ErrorCode::Duplicate,
                "another write stored some of these answers while the file was read; nothing was \
                 imported: import the file again to see which rows repeat stored answers",
            ),
            e => e.into(),
        })?;
        self.imported += copied as u64;
        Ok(())
    }
}

/// Which answer keys (respondent, segment, requirement) are taken, by answers stored before
/// the import or by the file's earlier rows (the PostgreSQL import, which copies rows
/// without letting the database refuse them one by one). A respondent's stored keys are
/// read once ([`stored_keys`]), when the file first names them; respondents are numbered to
/// keep the set small (12 bytes a key: a million answers take about 30 MB).
#[derive(Default)]
struct TakenKeys {
    respondents: foldhash::HashMap<String, u32>,
    taken: foldhash::HashSet<(u32, i32, i32)>,
}

impl TakenKeys {
    /// Takes the keys of `rows` in order, first reading the stored answers of respondents not
    /// met before; for each row, whether its key was free.
    fn take(&mut self, c: &mut diesel::PgConnection, rows: &[NewResponse]) -> Result<Vec<bool>, AppError> {
        let mut new = Vec::new();
        let mut ids = Vec::with_capacity(rows.len());
        // Rows come sorted by respondent: one look-up per respondent, not per answer.
        let mut last: Option<(&str, u32)> = None;
        for row in rows {
            let id = match last {
                Some((respondent, id)) if respondent == row.respondent => id,
                _ => match self.respondents.get(&row.respondent) {
                    Some(&id) => id,
                    None => {
                        let id = self.respondents.len() as u32;
                        self.respondents.insert(row.respondent.clone(), id);
                        new.push(row.respondent.as_str());
                        id
                    }
                },
            };
            last = Some((&row.respondent, id));
            ids.push(id);
        }
        if !new.is_empty() {
            for (respondent, segment, requirements) in stored_keys(c, &new)? {
                if let Some(&id) = self.respondents.get(&respondent) {
                    self.taken.extend(requirements.into_iter().map(|r| (id, segment, r)));
                }
            }
        }
        Ok(rows
            .iter()
            .zip(ids)
            .map(|(row, id)| self.taken.insert((id, row.segment_id, row.requirement_id)))
            .collect())
    }
}

/// Comma, semicolon (European spreadsheet exports) or tab, judged from the header line.
pub fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let count = |b: u8| first_line.iter().filter(|c| **c == b).count();
    match (count(b','), count(b';'), count(b'\t')) {
        (0, s, t) if s > 0 && s >= t => b';',
        (0, _, t) if t > 0 => b'\t',
        _ => b',',
    }
}

fn decode<'a>(bytes: &'a [u8], row: u64, column: &str, problems: &mut Problems) -> Option<&'a str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(_) => {
            problems.push(RowError::new(
                row,
                Some(column),
                "not valid UTF-8 text: save the file as UTF-8",
            ));
            None
        }
    }
}

#[derive(QueryableByName)]
struct CacheSize {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    cache_size: i64,
}

/// Imports a CSV of answers. Call it inside a write transaction: on `Err` the caller rolls back
/// everything this stored.
pub fn responses_csv<R: Read>(
    conn: &mut DbConnection,
    input: R,
    session_id: Option<i32>,
) -> Result<ImportSummary, AppError> {
    with_import_cache(conn, |conn| read_and_store(conn, input, session_id))
}

/// Runs an import with SQLite's page cache raised to [`SQLITE_IMPORT_CACHE_KIB`] on its
/// connection, and set back afterwards (PostgreSQL: `f` as is).
pub(crate) fn with_import_cache<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let DbConnection::Sqlite(c) = conn else {
        return f(conn);
    };
    let previous = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(c)?
        .cache_size;
    c.batch_execute(&format!("PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}"))?;
    let result = f(conn);
    let restored = match conn {
        DbConnection::Sqlite(c) => c.batch_execute(&format!("PRAGMA cache_size = {previous}")),
        DbConnection::Pg(_) => Ok(()),
    };
    match (result, restored) {
        (Ok(_), Err(e)) => Err(e.into()),
        (result, _) => result,
    }
}

fn read_and_store<R: Read>(
    conn: &mut DbConnection,
    input: R,
    session_id: Option<i32>,
) -> Result<ImportSummary, AppError> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let delimiter = sniff_delimiter(input.fill_buf().map_err(|e| AppError::internal(e.to_string()))?);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);
    let mut problems = Problems::default();
    let mut record = csv::ByteRecord::new();

    let has_header = reader.read_byte_record(&mut record).map_err(csv_error)?;
    if !has_header {
        problems.push(RowError::new(1, None, "the file is empty"));
        return problems.into_result(unreachable_summary());
    }
    let mut header = Vec::with_capacity(record.len());
    for (i, field) in record.iter().enumerate() {
        header.push(
            decode(field, 1, &format!("column {}", i + 1), &mut problems)
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let layout = match Layout::detect(&header) {
        Ok(layout) if problems.total == 0 => layout,
        Ok(_) => return problems.into_result(unreachable_summary()),
        Err(errors) => {
            errors.into_iter().for_each(|e| problems.push(e));
            return problems.into_result(unreachable_summary());
        }
    };

    let segment_ids: HashMap<String, i32> = segments::table
        .select((segments::name, segments::id))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .map(|(name, id)| (name.to_lowercase(), id))
        .collect();
    let requirement_ids: HashMap<String, i32> = requirements::table
        .select((requirements::key, requirements::id))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .collect();
    for (key, column) in layout.wide_keys() {
        if !requirement_ids.contains_key(&key) {
            problems.push(RowError::new(
                1,
                Some(&column),
                format!("no requirement with key {key}"),
            ));
        }
    }
    if problems.total > 0 {
        return problems.into_result(unreachable_summary());
    }
    let session_segments: Option<HashSet<i32>> = match session_id {
        None => None,
        Some(id) => {
            let exists: bool = diesel::select(diesel::dsl::exists(sessions::table.find(id))).get_result(conn)?;
            if !exists {
                return Err(AppError::field("session_id", "no such session"));
            }
            Some(
                session_segments::table
                    .filter(session_segments::session_id.eq(id))
                    .select(session_segments::segment_id)
                    .load::<i32>(conn)?
                    .into_iter()
                    .collect(),
            )
        }
    };

    let segment_column = header
        .iter()
        .find(|h| h.trim().eq_ignore_ascii_case("segment"))
        .cloned()
        .unwrap_or_default();
    let checks = Checks {
        header: &header,
        layout: &layout,
        segment_ids: &segment_ids,
        requirement_ids: &requirement_ids,
        session_segments: session_segments.as_ref(),
        session_id,
        segment_column: &segment_column,
    };
    let capacity = chunk_size(conn);
    let mut counts = CountDeltas::default();
    // Two threads: this one reads and checks the file, the writer stores the chunks it hands
    // over (one waiting at most), so reading overlaps the database's work instead of taking
    // turns with it. Each keeps its own row errors; merged, they are the same as one thread's.
    let file_failed = AtomicBool::new(false);
    let (send, receive) = mpsc::sync_channel::<Chunk>(1);
    let (read, written) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_chunks(conn, receive, &file_failed));
        let store = |chunk, failed| {
            // Before the chunk is sent: the writer reads the flag after receiving it.
            file_failed.store(failed, Ordering::Relaxed);
            send.send(chunk).is_ok()
        };
        let read = read_rows(&mut reader, &checks, capacity, &mut problems, &mut counts, store);
        drop(send);
        (read, writer.join())
    });
    let written = match written {
        Ok(written) => written?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    read?;
    let problems = problems.merge(written.problems);
    if problems.total == 0 {
        // PostgreSQL: one COPY and one upsert measured faster than cached 64-grid upserts (5.5
        // against 6.7 s for 100 000 grids).
        match conn {
            DbConnection::Sqlite(_) => apply_counts(conn, &counts)?,
            DbConnection::Pg(c) => apply_counts_copied(c, &counts)?,
        }
    }
    problems.into_result(ImportSummary {
        imported: written.imported,
        format: layout.format,
        ignored_columns: layout.ignored,
    })
}

/// Rows read and checked, handed from the reader to the writer.
struct Chunk {
    rows: Vec<NewResponse>,
    origins: Vec<Origin>,
}

impl Chunk {
    /// Sorts the rows by the answers' key (respondent, segment, requirement), stable on the
    /// file's order: of two equal answers the first is stored, the second blamed. A survey
    /// export mostly comes respondent by respondent, nearly that order already; sorted, a chunk
    /// of a file in any other order walks the key's index once, in order, instead of landing
    /// all over it.
    fn sort(self) -> Chunk {
        let mut pending: Vec<(NewResponse, Origin)> = self.rows.into_iter().zip(self.origins).collect();
        pending.sort_by(|(x, _), (y, _)| x.key().cmp(&y.key()));
        let (rows, origins) = pending.into_iter().unzip();
        Chunk { rows, origins }
    }
}

/// What the writer did: answers stored and the duplicates it found.
struct Written {
    imported: u64,
    problems: Problems,
}

/// Runs the writer: stores the chunks in the order they come, until the reader is done. A
/// database error ends it early (the reader then stops at its next chunk).
fn write_chunks(
    conn: &mut DbConnection,
    chunks: mpsc::Receiver<Chunk>,
    file_failed: &AtomicBool,
) -> Result<Written, AppError> {
    let mut writer = Writer {
        imported: 0,
        taken: TakenKeys::default(),
    };
    let mut problems = Problems::default();
    for chunk in chunks {
        writer.store(conn, chunk, &mut problems, file_failed.load(Ordering::Relaxed))?;
    }
    Ok(Written {
        imported: writer.imported,
        problems,
    })
}

/// What an import checks each row against: the file's header and layout, and the catalogue.
struct Checks<'a> {
    header: &'a [String],
    layout: &'a Layout,
    segment_ids: &'a HashMap<String, i32>,
    requirement_ids: &'a HashMap<String, i32>,
    /// With a session: the segments that took part in it.
    session_segments: Option<&'a HashSet<i32>>,
    session_id: Option<i32>,
    segment_column: &'a str,
}

/// The reading half of an import: reads the rows after the header, checks them, adds them to
/// `counts` and hands them to `store` in sorted chunks of `capacity` answers, with whether a
/// row error has been found so far; stops early when `store` says the writer is gone. The
/// counts are applied only when the whole file was stored without an error, so counting every
/// row read is counting every row stored.
fn read_rows<R: Read>(
    reader: &mut csv::Reader<R>,
    checks: &Checks,
    capacity: usize,
    problems: &mut Problems,
    counts: &mut CountDeltas,
    mut store: impl FnMut(Chunk, bool) -> bool,
) -> Result<(), AppError> {
    let fresh = || Chunk {
        rows: Vec::with_capacity(capacity),
        origins: Vec::with_capacity(capacity),
    };
    let mut chunk = fresh();
    let mut record = csv::ByteRecord::new();
    let mut row: u64 = 1;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        row += 1;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        if record.len() != checks.layout.width() {
            problems.push(RowError::new(
                row,
                None,
                format!("has {} fields, the header has {}", record.len(), checks.layout.width()),
            ));
            continue;
        }
        let mut cells: Vec<&str> = Vec::with_capacity(checks.layout.width());
        let mut readable = true;
        for (i, field) in record.iter().enumerate() {
            match decode(field, row, &checks.header[i], problems) {
                Some(text) => cells.push(text),
                None => readable = false,
            }
        }
        if !readable {
            continue;
        }
        let pairs = match checks.layout.read_row(row, &cells) {
            Ok(pairs) => pairs,
            Err(errors) => {
                errors.into_iter().for_each(|e| problems.push(e));
                continue;
            }
        };
        for pair in pairs {
            let Some(&segment_id) = checks.segment_ids.get(&pair.segment.to_lowercase()) else {
                problems.push(RowError::new(
                    row,
                    Some(checks.segment_column),
                    format!("no segment named {:?}", pair.segment),
                ));
                break;
            };
            let Some(&requirement_id) = checks.requirement_ids.get(&pair.requirement) else {
                problems.push(RowError::new(
                    row,
                    Some(&pair.column),
                    format!("no requirement with key {}", pair.requirement),
                ));
                continue;
            };
            if checks.session_segments.is_some_and(|s| !s.contains(&segment_id)) {
                problems.push(RowError::new(
                    row,
                    Some(checks.segment_column),
                    format!("segment {:?} did not take part in the session", pair.segment),
                ));
                break;
            }
            let answer = NewResponse {
                requirement_id,
                segment_id,
                session_id: checks.session_id,
                respondent: pair.respondent,
                functional: i32::from(pair.functional.number()),
                dysfunctional: i32::from(pair.dysfunctional.number()),
                importance: pair.importance,
            };
            counts.add(&answer);
            chunk.rows.push(answer);
            chunk.origins.push(Origin {
                row,
                column: pair.column,
            });
        }
        if chunk.rows.len() >= capacity && !store(std::mem::replace(&mut chunk, fresh()).sort(), problems.total > 0) {
            return Ok(());
        }
    }
    if !chunk.rows.is_empty() {
        store(chunk.sort(), problems.total > 0);
    }
    Ok(())
}

// Only reached through `into_result` with problems, which returns the error instead.
fn unreachable_summary() -> ImportSummary {
    ImportSummary {
        imported: 0,
        format: Format::Long,
        ignored_columns: Vec::new(),
    }
}

fn csv_error(e: csv::Error) -> AppError {
    match e.kind() {
        csv::ErrorKind::Io(io) => AppError::internal(format!("reading the upload failed: {io}")),
        _ => AppError::bad_request(crate::error::ErrorCode::MalformedCsv, e.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"respondent,segment,requirement"), b',');
        assert_eq!(sniff_delimiter(b"respondent;segment;requirement"), b';');
        assert_eq!(sniff_delimiter(b"respondent\tsegment\trequirement"), b'\t');
        assert_eq!(sniff_delimiter(b"respondent,\"a;b\""), b',');
    }
}
