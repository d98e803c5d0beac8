//! Bulk import of Kano questionnaire answers from survey-tool CSV exports.
//!
//! All or nothing: the whole file goes in one transaction, and any bad row rolls it back. The
//! file is read as a stream (a million rows need no more memory than a thousand), and every
//! problem found is reported with its spreadsheet row and column, up to [`MAX_REPORTED`].

pub mod layout;
pub mod tickets;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

use crate::db::responses::{apply_counts, apply_counts_copied, insert_one_sqlite, CountDeltas, NewResponse};
use crate::db::schema::{kano_responses, requirements, segments, session_segments, sessions};
use crate::db::DbConnection;
use crate::error::{AppError, ErrorCode};
use layout::{Format, Layout, RowError};

pub const MAX_REPORTED: usize = 100;
/// Rows per `COPY` into `kano_responses` on PostgreSQL (about 8 MB).
const BATCH: usize = 50_000;
/// Rows gathered and sorted before they are written on SQLite (about 8 MB). See
/// [`Batch::flush_sorted`].
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

struct Batch {
    rows: Vec<NewResponse>,
    origins: Vec<Origin>,
    imported: u64,
    /// What the stored rows add to the answer counts, applied once every row is in.
    counts: CountDeltas,
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

impl Batch {
    fn capacity(conn: &DbConnection) -> usize {
        match conn {
            DbConnection::Sqlite(_) => SQLITE_CHUNK,
            DbConnection::Pg(_) => BATCH,
        }
    }

    fn flush(&mut self, conn: &mut DbConnection, problems: &mut Problems) -> Result<(), AppError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        match conn {
            DbConnection::Sqlite(c) => self.flush_sorted(c, problems)?,
            DbConnection::Pg(c) => self.flush_copy(c, problems)?,
        }
        self.rows.clear();
        self.origins.clear();
        Ok(())
    }

    /// SQLite: writes the chunk in the order of the answers' key (respondent, segment,
    /// requirement), [`SQLITE_ROWS_PER_INSERT`] rows per statement. A survey export mostly
    /// comes respondent by respondent, which is nearly that order already; sorted, a chunk of
    /// a file in any other order walks the key once, in order, instead of landing all over it.
    /// A statement a duplicate refuses is undone alone (SQLite keeps the transaction going), and
    /// its rows are written again one by one, so the culprit is named; a statement of a fixed
    /// number of rows is prepared once (diesel caches it), and each row costs a fraction of a
    /// statement of its own.
    fn flush_sorted(&mut self, c: &mut diesel::SqliteConnection, problems: &mut Problems) -> Result<(), AppError> {
        let mut pending: Vec<(NewResponse, Origin)> = self.rows.drain(..).zip(self.origins.drain(..)).collect();
        // Stable on the file's order: of two equal answers the first is stored, the second blamed.
        pending.sort_by(|(x, _), (y, _)| x.key().cmp(&y.key()));
        let (rows, origins): (Vec<NewResponse>, Vec<Origin>) = pending.into_iter().unzip();
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
                Some(n) => {
                    self.imported += n as u64;
                    group.iter().for_each(|row| self.counts.add(row));
                }
                None => {
                    for (row, origin) in group.iter().zip(&origins[start..end]) {
                        match insert_one_sqlite(c, row) {
                            Ok(n) => {
                                self.imported += n as u64;
                                self.counts.add(row);
                            }
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
    /// file's earlier rows: [`TakenKeys`]), then copies the rest straight into
    /// `kano_responses` (`COPY ... FROM STDIN`, binary) in the order of its unique key. Once the
    /// file has a row error nothing more is copied (the transaction will be rolled back), but
    /// every row is still checked, so the errors are the same either way. The unique index
    /// stays the last word: an answer a concurrent import stored after the check is refused
    /// by it, and the import fails as a conflict.
    fn flush_copy(&mut self, c: &mut diesel::PgConnection, problems: &mut Problems) -> Result<(), AppError> {
        self.taken.look_up(c, &self.rows)?;
        let mut kept = Vec::with_capacity(self.rows.len());
        for (row, origin) in self.rows.drain(..).zip(self.origins.drain(..)) {
            if self.taken.take(&row) {
                kept.push(row);
            } else {
                problems.push(duplicate(&row, &origin));
            }
        }
        if problems.total > 0 {
            return Ok(());
        }
        kept.sort_unstable_by(|x, y| x.key().cmp(&y.key()));
        let copied = diesel::copy_from(kano_responses::table)
            .from_insertable(&kept)
            .execute(c)
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::conflict(
                    ErrorCode::Duplicate,
                    "another write stored some of these answers while the file was read; nothing was \
                     imported: import the file again to see which rows repeat stored answers",
                ),
                e => e.into(),
            })?;
        self.imported += copied as u64;
        kept.iter().for_each(|row| self.counts.add(row));
        Ok(())
    }
}

/// Which answer keys (respondent, segment, requirement) are taken, by answers stored before
/// the import or by the file's earlier rows (the PostgreSQL import, which copies rows
/// without letting the database refuse them one by one). A respondent's stored answers are
/// read once, when the file first names them; respondents are numbered to keep the set small
/// (12 bytes a key: a million answers take about 30 MB).
#[derive(Default)]
struct TakenKeys {
    respondents: HashMap<String, u32>,
    taken: HashSet<(u32, i32, i32)>,
}

impl TakenKeys {
    /// Reads the stored answers of the respondents in `rows` not met before.
    fn look_up(&mut self, c: &mut diesel::PgConnection, rows: &[NewResponse]) -> Result<(), AppError> {
        let mut new = Vec::new();
        for row in rows {
            if !self.respondents.contains_key(&row.respondent) {
                self.respondents
                    .insert(row.respondent.clone(), self.respondents.len() as u32);
                new.push(row.respondent.as_str());
            }
        }
        if new.is_empty() {
            return Ok(());
        }
        let stored: Vec<(String, i32, i32)> = kano_responses::table
            .filter(kano_responses::respondent.eq_any(&new))
            .select((
                kano_responses::respondent,
                kano_responses::segment_id,
                kano_responses::requirement_id,
            ))
            .load(c)?;
        for (respondent, segment, requirement) in stored {
            if let Some(&id) = self.respondents.get(&respondent) {
                self.taken.insert((id, segment, requirement));
            }
        }
        Ok(())
    }

    /// Takes the row's key; false when it was taken already. The respondent must have been
    /// looked up.
    fn take(&mut self, row: &NewResponse) -> bool {
        let id = self.respondents[&row.respondent];
        self.taken.insert((id, row.segment_id, row.requirement_id))
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
    let capacity = Batch::capacity(conn);
    let mut batch = Batch {
        rows: Vec::with_capacity(capacity),
        origins: Vec::with_capacity(capacity),
        imported: 0,
        counts: CountDeltas::default(),
        taken: TakenKeys::default(),
    };
    let mut row: u64 = 1;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        row += 1;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        if record.len() != layout.width() {
            problems.push(RowError::new(
                row,
                None,
                format!("has {} fields, the header has {}", record.len(), layout.width()),
            ));
            continue;
        }
        let mut cells: Vec<&str> = Vec::with_capacity(layout.width());
        let mut readable = true;
        for (i, field) in record.iter().enumerate() {
            match decode(field, row, &header[i], &mut problems) {
                Some(text) => cells.push(text),
                None => readable = false,
            }
        }
        if !readable {
            continue;
        }
        let pairs = match layout.read_row(row, &cells) {
            Ok(pairs) => pairs,
            Err(errors) => {
                errors.into_iter().for_each(|e| problems.push(e));
                continue;
            }
        };
        for pair in pairs {
            let Some(&segment_id) = segment_ids.get(&pair.segment.to_lowercase()) else {
                problems.push(RowError::new(
                    row,
                    Some(&segment_column),
                    format!("no segment named {:?}", pair.segment),
                ));
                break;
            };
            let Some(&requirement_id) = requirement_ids.get(&pair.requirement) else {
                problems.push(RowError::new(
                    row,
                    Some(&pair.column),
                    format!("no requirement with key {}", pair.requirement),
                ));
                continue;
            };
            if session_segments.as_ref().is_some_and(|s| !s.contains(&segment_id)) {
                problems.push(RowError::new(
                    row,
                    Some(&segment_column),
                    format!("segment {:?} did not take part in the session", pair.segment),
                ));
                break;
            }
            batch.rows.push(NewResponse {
                requirement_id,
                segment_id,
                session_id,
                respondent: pair.respondent,
                functional: i32::from(pair.functional.number()),
                dysfunctional: i32::from(pair.dysfunctional.number()),
                importance: pair.importance,
            });
            batch.origins.push(Origin {
                row,
                column: pair.column,
            });
        }
        if batch.rows.len() >= capacity {
            batch.flush(conn, &mut problems)?;
        }
    }
    batch.flush(conn, &mut problems)?;
    if problems.total == 0 {
        // PostgreSQL: one COPY and one upsert measured faster than cached 64-grid upserts (5.5
        // against 6.7 s for 100 000 grids).
        match conn {
            DbConnection::Sqlite(_) => apply_counts(conn, &batch.counts)?,
            DbConnection::Pg(c) => apply_counts_copied(c, &batch.counts)?,
        }
    }
    problems.into_result(ImportSummary {
        imported: batch.imported,
        format: layout.format,
        ignored_columns: layout.ignored,
    })
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
