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

use crate::db::responses::{add_counts_from, apply_counts, insert_one_sqlite, CountDeltas, NewResponse};
use crate::db::schema::{requirements, segments, session_segments, sessions};
use crate::db::DbConnection;
use crate::error::AppError;
use layout::{Format, Layout, RowError};

pub const MAX_REPORTED: usize = 100;
/// Rows per `COPY` into the staging table on PostgreSQL (about 8 MB).
const BATCH: usize = 50_000;
/// Rows gathered and sorted before they are written on SQLite (about 8 MB). See
/// [`Batch::flush_sorted`].
const SQLITE_CHUNK: usize = 50_000;
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
    /// What the stored rows add to the answer counts, applied once every row is in (SQLite;
    /// PostgreSQL counts its staging table instead).
    counts: CountDeltas,
    /// Rows copied into the staging table so far (PostgreSQL).
    staged: i64,
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
            DbConnection::Pg(c) => self.flush_copy(c)?,
        }
        self.rows.clear();
        self.origins.clear();
        Ok(())
    }

    /// SQLite: writes the chunk in the order of the unique index (requirement, segment,
    /// respondent), one row per statement. A survey export comes respondent by respondent,
    /// which is random order for both indexes on the table; once they outgrow the page cache,
    /// random inserts read and spill pages for nearly every row. Sorted, a chunk walks each
    /// index once, in order. One row per statement because SQLite undoes just the statement a
    /// duplicate refuses (the transaction goes on), so the culprit is named without a
    /// savepoint: savepoints and multi-row statements keep a sub-journal copy of every page
    /// they touch, which measured slower than one statement that diesel prepares once.
    fn flush_sorted(&mut self, c: &mut diesel::SqliteConnection, problems: &mut Problems) -> Result<(), AppError> {
        let mut pending: Vec<(NewResponse, Origin)> = self.rows.drain(..).zip(self.origins.drain(..)).collect();
        // Stable on the file's order: of two equal answers the first is stored, the second blamed.
        pending.sort_by(|(x, _), (y, _)| {
            (x.requirement_id, x.segment_id, &x.respondent).cmp(&(y.requirement_id, y.segment_id, &y.respondent))
        });
        for (row, origin) in &pending {
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
        Ok(())
    }

    /// PostgreSQL: copies the chunk into the import's staging table (`COPY ... FROM STDIN`,
    /// binary), each answer with its place in the file; [`Batch::finish_pg`] moves them into
    /// `kano_responses` set-based once the whole file is in.
    fn flush_copy(&mut self, c: &mut diesel::PgConnection) -> Result<(), AppError> {
        let staged: Vec<Staged> = self
            .rows
            .drain(..)
            .zip(self.origins.drain(..))
            .map(|(r, o)| {
                self.staged += 1;
                Staged {
                    seq: self.staged,
                    row_no: o.row as i64,
                    col: o.column,
                    requirement_id: r.requirement_id,
                    segment_id: r.segment_id,
                    session_id: r.session_id,
                    respondent: r.respondent,
                    functional: r.functional,
                    dysfunctional: r.dysfunctional,
                    importance: r.importance,
                }
            })
            .collect();
        diesel::copy_from(import_staging::table)
            .from_insertable(&staged)
            .execute(c)?;
        Ok(())
    }

    /// PostgreSQL, once every row is staged: inserts them all in one statement under a
    /// savepoint and adds them to the counts. When the file has row errors already, or a duplicate refuses the insert (a
    /// respondent answering twice within the file or again after an earlier import), the
    /// duplicates are found in one query over the staging table and named by row and column,
    /// the later of two equal answers blamed, as row-by-row inserts would.
    fn finish_pg(&mut self, conn: &mut DbConnection, problems: &mut Problems) -> Result<(), AppError> {
        if self.staged == 0 {
            return Ok(());
        }
        if problems.total == 0 {
            let inserted = conn.transaction(|c| {
                let n = diesel::sql_query(
                    "INSERT INTO kano_responses (requirement_id, segment_id, session_id, respondent, functional, \
                     dysfunctional, importance) SELECT requirement_id, segment_id, session_id, respondent, \
                     functional, dysfunctional, importance FROM import_staging",
                )
                .execute(c)?;
                // Every staged row is now stored: count them set-based (one GROUP BY), which took a
                // third of the time of upserting the grids counted in memory 200 at a time.
                add_counts_from(c, "import_staging")?;
                Ok(n)
            });
            match inserted {
                Ok(n) => {
                    self.imported += n as u64;
                    return Ok(());
                }
                Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let duplicates: Vec<StagedDuplicate> = diesel::sql_query(format!(
            "SELECT row_no, col, respondent, COUNT(*) OVER () AS total FROM ( \
               SELECT s.*, ROW_NUMBER() OVER (PARTITION BY requirement_id, segment_id, respondent ORDER BY seq) AS nth \
               FROM import_staging s) x \
             WHERE nth > 1 OR EXISTS (SELECT 1 FROM kano_responses k WHERE k.requirement_id = x.requirement_id \
               AND k.segment_id = x.segment_id AND k.respondent = x.respondent) \
             ORDER BY seq LIMIT {MAX_REPORTED}"
        ))
        .load(conn)?;
        let total = duplicates.first().map_or(0, |d| d.total.max(0) as u64);
        let listed = duplicates.len() as u64;
        for d in duplicates {
            problems.push(RowError::new(
                d.row_no.max(0) as u64,
                Some(&d.col),
                format!(
                    "respondent {:?} has already answered this requirement for this segment",
                    d.respondent
                ),
            ));
        }
        problems.total += total.saturating_sub(listed);
        Ok(())
    }
}

diesel::table! {
    /// The PostgreSQL import's staging table: a temporary table, dropped at commit.
    import_staging (seq) {
        seq -> BigInt,
        row_no -> BigInt,
        col -> Text,
        requirement_id -> Integer,
        segment_id -> Integer,
        session_id -> Nullable<Integer>,
        respondent -> Text,
        functional -> Integer,
        dysfunctional -> Integer,
        importance -> Nullable<Integer>,
    }
}

const CREATE_STAGING: &str = "DROP TABLE IF EXISTS import_staging; \
    CREATE TEMPORARY TABLE import_staging (seq BIGINT NOT NULL, row_no BIGINT NOT NULL, col TEXT NOT NULL, \
    requirement_id INTEGER NOT NULL, segment_id INTEGER NOT NULL, session_id INTEGER, respondent TEXT NOT NULL, \
    functional INTEGER NOT NULL, dysfunctional INTEGER NOT NULL, importance INTEGER) ON COMMIT DROP";

/// One answer in the staging table, with where in the file it came from.
#[derive(Insertable)]
#[diesel(table_name = import_staging)]
#[diesel(treat_none_as_default_value = false)]
struct Staged {
    seq: i64,
    row_no: i64,
    col: String,
    requirement_id: i32,
    segment_id: i32,
    session_id: Option<i32>,
    respondent: String,
    functional: i32,
    dysfunctional: i32,
    importance: Option<i32>,
}

#[derive(QueryableByName)]
struct StagedDuplicate {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    row_no: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    col: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    respondent: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    total: i64,
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
        staged: 0,
    };
    if let DbConnection::Pg(c) = conn {
        c.batch_execute(CREATE_STAGING)?;
    }
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
    batch.finish_pg(conn, &mut problems)?;
    if problems.total == 0 {
        apply_counts(conn, &batch.counts)?;
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
