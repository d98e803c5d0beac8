//! Kano questionnaire answers: bulk inserts and the counts the Kano engine works from.

use std::collections::{BTreeMap, HashSet};

use diesel::connection::{DefaultLoadingMode, SimpleConnection};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use super::schema::{answer_counts, findings, kano_responses};
use super::{DbConnection, Scope};
use crate::domain::kano::{CategoryCounts, Tally, TallySums};
use crate::domain::terms::FindingCategory;

// `None` is NULL, not DEFAULT (the same for these columns): the statement's text never
// changes, and `COPY` takes the rows.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = kano_responses)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewResponse {
    pub requirement_id: i32,
    pub segment_id: i32,
    pub session_id: Option<i32>,
    pub respondent: String,
    pub functional: i32,
    pub dysfunctional: i32,
    pub importance: Option<i32>,
}

impl NewResponse {
    /// The answer's unique key, in the order of the index on it.
    pub fn key(&self) -> (&str, i32, i32) {
        (&self.respondent, self.segment_id, self.requirement_id)
    }
}

/// Inserts many rows in one statement. The shared connection type has no multi-row insert,
/// so this goes to the concrete backend. PostgreSQL takes the rows' keys first
/// ([`take_keys`]).
pub fn insert_many(conn: &mut DbConnection, rows: &[NewResponse]) -> QueryResult<usize> {
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(kano_responses::table).values(rows).execute(c),
        DbConnection::Pg(c) => {
            take_keys(c, rows)?;
            diesel::insert_into(kano_responses::table).values(rows).execute(c)
        }
    }
}

/// PostgreSQL: stores `rows` by `COPY` (binary), their keys taken first ([`take_keys`]).
pub fn copy_many(c: &mut diesel::PgConnection, rows: &[NewResponse]) -> QueryResult<usize> {
    take_keys(c, rows)?;
    diesel::copy_from(kano_responses::table)
        .from_insertable(rows)
        .execute(c)
}

/// PostgreSQL: takes the answer keys of `rows` in `answer_keys` (migration `000031`: per
/// respondent and segment, the requirements answered), in the caller's transaction, before the
/// answers are stored. A key taken already, by a stored answer, a concurrent writer (whose row
/// this waits on) or `rows` themselves, refuses the whole call as a unique violation: the rule
/// the answers' own key kept before.
pub fn take_keys(c: &mut diesel::PgConnection, rows: &[NewResponse]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Text};
    use std::fmt::Write;
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    // Sorted, the keys come grouped by questionnaire (an import's chunk is sorted already).
    let mut keys: Vec<(&str, i32, i32)> = rows.iter().map(NewResponse::key).collect();
    keys.sort_unstable();
    let (mut respondents, mut segments, mut requirements) = (Vec::new(), Vec::new(), Vec::new());
    for questionnaire in keys.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        if questionnaire.windows(2).any(|pair| pair[0] == pair[1]) {
            return Err(key_taken());
        }
        respondents.push(questionnaire[0].0);
        segments.push(questionnaire[0].1);
        // An array literal per questionnaire: PostgreSQL has no ragged arrays to bind.
        let mut ids = String::from("{");
        for (i, (_, _, requirement)) in questionnaire.iter().enumerate() {
            let _ = write!(ids, "{}{requirement}", if i == 0 { "" } else { "," });
        }
        ids.push('}');
        requirements.push(ids);
    }
    // In key order, so two writers lock the rows in the same order. Only rows none of whose
    // requirements are taken are changed; fewer changed than given is a refusal.
    let taken = diesel::sql_query(
        "WITH taken AS (INSERT INTO answer_keys AS k (respondent, segment_id, requirement_ids) \
         SELECT respondent, segment_id, ids::integer[] FROM unnest($1::text[], $2::integer[], $3::text[]) \
         AS g (respondent, segment_id, ids) ORDER BY respondent COLLATE \"C\", segment_id \
         ON CONFLICT (respondent, segment_id) DO UPDATE SET requirement_ids = k.requirement_ids || excluded.requirement_ids \
         WHERE NOT k.requirement_ids && excluded.requirement_ids RETURNING 1) \
         SELECT COUNT(*) AS n FROM taken",
    )
    .bind::<Array<Text>, _>(&respondents)
    .bind::<Array<Integer>, _>(&segments)
    .bind::<Array<Text>, _>(&requirements)
    .get_result::<Taken>(c)?
    .n;
    if taken as usize != respondents.len() {
        return Err(key_taken());
    }
    Ok(())
}

fn key_taken() -> diesel::result::Error {
    diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::UniqueViolation,
        Box::new(String::from(
            "a respondent has already answered one of these requirements for this segment",
        )),
    )
}

/// PostgreSQL: the requirements each of `respondents` answered, per segment (from
/// `answer_keys`, one row per respondent and segment).
pub fn stored_keys(c: &mut diesel::PgConnection, respondents: &[&str]) -> QueryResult<Vec<(String, i32, Vec<i32>)>> {
    use diesel::sql_types::{Array, Text};
    #[derive(QueryableByName)]
    struct Keys {
        #[diesel(sql_type = Text)]
        respondent: String,
        #[diesel(sql_type = Integer)]
        segment_id: i32,
        #[diesel(sql_type = Array<Integer>)]
        requirement_ids: Vec<i32>,
    }
    Ok(diesel::sql_query(
        "SELECT respondent, segment_id, requirement_ids FROM answer_keys WHERE respondent = ANY($1::text[])",
    )
    .bind::<Array<Text>, _>(respondents)
    .load::<Keys>(c)?
    .into_iter()
    .map(|k| (k.respondent, k.segment_id, k.requirement_ids))
    .collect())
}

/// Inserts one row with a statement whose text never changes, so diesel prepares it once and
/// reuses it for every row of an import (an `Insertable` with a `None` leaves the column out,
/// which changes the text).
pub fn insert_one_sqlite(conn: &mut diesel::SqliteConnection, row: &NewResponse) -> QueryResult<usize> {
    diesel::insert_into(kano_responses::table)
        .values((
            kano_responses::requirement_id.eq(row.requirement_id),
            kano_responses::segment_id.eq(row.segment_id),
            kano_responses::session_id.eq(row.session_id),
            kano_responses::respondent.eq(&row.respondent),
            kano_responses::functional.eq(row.functional),
            kano_responses::dysfunctional.eq(row.dysfunctional),
            kano_responses::importance.eq(row.importance),
        ))
        .execute(conn)
}

/// Which of `respondents` already answered `requirement_id` for one of `segment_ids` (looked
/// up by respondent, as the answers' unique key leads with it; on PostgreSQL, in
/// `answer_keys`).
pub fn existing_respondents(
    conn: &mut DbConnection,
    requirement_id: i32,
    segment_ids: &[i32],
    respondents: &[String],
) -> QueryResult<HashSet<(i32, String)>> {
    if let DbConnection::Pg(c) = conn {
        let names: Vec<&str> = respondents.iter().map(String::as_str).collect();
        return Ok(stored_keys(c, &names)?
            .into_iter()
            .filter(|(_, segment, ids)| segment_ids.contains(segment) && ids.contains(&requirement_id))
            .map(|(respondent, segment, _)| (segment, respondent))
            .collect());
    }
    let rows: Vec<(i32, String)> = kano_responses::table
        .filter(kano_responses::respondent.eq_any(respondents))
        .filter(kano_responses::segment_id.eq_any(segment_ids))
        .filter(kano_responses::requirement_id.eq(requirement_id))
        .select((kano_responses::segment_id, kano_responses::respondent))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Which segments' answers to count: one segment, or everything the caller may see pooled.
#[derive(Clone, Debug)]
pub enum SegmentSelection {
    One(i32),
    Pooled(Scope),
}

/// The 5×5 answer grid and importance per requirement, from the answer counts; of one wave
/// (`session_id`) or of every answer.
pub fn tallies(
    conn: &mut DbConnection,
    selection: &SegmentSelection,
    requirement_id: Option<i32>,
    session_id: Option<i32>,
) -> QueryResult<BTreeMap<i32, Tally>> {
    let mut filter = CountFilter::default();
    match selection {
        SegmentSelection::One(id) => filter.segments = Some(vec![*id]),
        SegmentSelection::Pooled(Scope::All) => {}
        SegmentSelection::Pooled(Scope::Segments(ids)) => filter.segments = Some(ids.clone()),
    }
    filter.requirement = requirement_id;
    filter.sessions = session_id.map(|id| vec![id]);
    let mut map: BTreeMap<i32, Tally> = BTreeMap::new();
    for grid in grids(conn, &filter)? {
        map.entry(grid.requirement_id).or_default().merge(&grid.tally);
    }
    map.retain(|_, t| t.n() > 0);
    Ok(map)
}

/// (category, how many findings said it, the sum of their importance)
pub type FindingCount = (FindingCategory, u64, u64);

/// Facilitators' findings for one segment per requirement: how many said which category, and
/// the sum of the importance they gave.
pub fn finding_counts(conn: &mut DbConnection, segment_id: i32) -> QueryResult<BTreeMap<i32, Vec<FindingCount>>> {
    let rows: Vec<(i32, String, i64, Option<i64>)> = findings::table
        .filter(findings::segment_id.eq(segment_id))
        .group_by((findings::requirement_id, findings::category))
        .select((
            findings::requirement_id,
            findings::category,
            count_star(),
            sum(findings::importance),
        ))
        .load(conn)?;
    let mut map: BTreeMap<i32, Vec<FindingCount>> = BTreeMap::new();
    for (requirement, category, n, importance_sum) in rows {
        if let Some(category) = FindingCategory::parse(&category) {
            map.entry(requirement).or_default().push((
                category,
                n.max(0) as u64,
                importance_sum.unwrap_or(0).max(0) as u64,
            ));
        }
    }
    Ok(map)
}

/// `answer_counts` rows matching a [`CountFilter`], selecting `$columns` (SQL text) as
/// `$sql_type`, for one backend. On the concrete connection: through the shared connection type
/// every value of the 100 000 rows of a gap report is converted once more (a third of the
/// read's time).
macro_rules! counts_query {
    ($backend:ty, $sql_type:ty, $columns:expr, $filter:expr) => {{
        let filter: &CountFilter = $filter;
        let mut query = answer_counts::table
            .select(diesel::dsl::sql::<$sql_type>($columns))
            .into_boxed::<$backend>();
        if let Some(ids) = &filter.segments {
            query = query.filter(answer_counts::segment_id.eq_any(ids.clone()));
        }
        if let Some(id) = filter.requirement {
            query = query.filter(answer_counts::requirement_id.eq(id));
        }
        if let Some(ids) = &filter.sessions {
            query = query.filter(answer_counts::session_id.eq_any(ids.clone()));
        }
        query
    }};
}

/// What classification needs of the answer grids of many segments at once, keyed by
/// (segment, requirement): one query for a whole report instead of one per segment. Of one
/// wave (`session_id`) or of every answer. The counts keep each grid's sums per category and
/// per DuMouchel score beside its cells ([`SUMS_COLUMNS`]), so 10 numbers per grid are read
/// instead of 27.
pub fn sums_by_segment(
    conn: &mut DbConnection,
    segment_ids: &[i32],
    session_id: Option<i32>,
) -> QueryResult<BTreeMap<(i32, i32), TallySums>> {
    let filter = CountFilter {
        segments: Some(segment_ids.to_vec()),
        requirement: None,
        sessions: session_id.map(|id| vec![id]),
    };
    let sqlite_sums = |(key, (a, o, m, i, r, q), (functional, dysfunctional, sum, n)): SumsRow| {
        (key, sums_of([a, o, m, i, r, q, functional, dysfunctional, sum, n]))
    };
    let pg_sums = |(key, PackedSums(values)): ((i32, i32), PackedSums)| (key, sums_of(values));
    // Decoded straight into the pairs, without a vector of rows in between. PostgreSQL sends
    // row by row, so decoding here overlaps with the server still reading the grids (measured:
    // 10–15 % off a gap report, against waiting for the whole result first).
    let mut keyed: Vec<((i32, i32), TallySums)> = match conn {
        DbConnection::Sqlite(c) => counts_query!(diesel::sqlite::Sqlite, SumsRowSql, SUMS_COLUMNS, &filter)
            .load_iter::<SumsRow, DefaultLoadingMode>(c)?
            .map(|row| row.map(sqlite_sums))
            .collect::<QueryResult<_>>()?,
        DbConnection::Pg(c) => counts_query!(diesel::pg::Pg, PackedSumsRowSql, PACKED_SUMS_COLUMNS, &filter)
            .load_iter::<((i32, i32), PackedSums), diesel::pg::PgRowByRowLoadingMode>(c)?
            .map(|row| row.map(pg_sums))
            .collect::<QueryResult<_>>()?,
    };
    // Sorted, then each pair's waves merged in one pass and the map built from sorted keys,
    // instead of 100 000 grids inserted one by one into the map. The grids mostly come in this
    // order already (the counts' key), which the sort takes in one pass.
    keyed.sort_unstable_by_key(|(key, _)| *key);
    let mut merged: Vec<((i32, i32), TallySums)> = Vec::with_capacity(keyed.len());
    for (key, sums) in keyed {
        match merged.last_mut() {
            Some((last, into)) if *last == key => into.merge(&sums),
            _ => merged.push((key, sums)),
        }
    }
    merged.retain(|(_, s)| s.counts.total() > 0);
    Ok(merged.into_iter().collect())
}

/// (segment, requirement), the pairs per category (A, O, M, I, R, Q), (Σ functional score,
/// Σ dysfunctional score, importance sum, importance count).
type SumsRow = ((i32, i32), (i64, i64, i64, i64, i64, i64), (i64, i64, i64, i64));
type SumsRowSql = (
    (Integer, Integer),
    (BigInt, BigInt, BigInt, BigInt, BigInt, BigInt),
    (BigInt, BigInt, BigInt, BigInt),
);

/// The select list of a [`SumsRow`] on SQLite: generated columns of `answer_counts` (migration
/// `000024`), computed from the cells when they are written.
const SUMS_COLUMNS: &str = "segment_id, requirement_id, pairs_a, pairs_o, pairs_m, pairs_i, pairs_r, pairs_q, \
     functional_score, dysfunctional_score, importance_sum, importance_n";

/// PostgreSQL's select list for the same: the key and the ten sums packed in one generated
/// value (migration `000028`: sending ten columns per grid cost the server as much as reading them).
const PACKED_SUMS_COLUMNS: &str = "segment_id, requirement_id, sums";
type PackedSumsRowSql = ((Integer, Integer), diesel::sql_types::Binary);

/// A grid's ten sums as PostgreSQL stores them (`answer_counts.sums`, migration `000028`):
/// big-endian 64-bit integers in the order of [`SUMS_COLUMNS`] after the key.
#[derive(Debug, PartialEq, diesel::deserialize::FromSqlRow)]
struct PackedSums([i64; 10]);

impl PackedSums {
    const BYTES: usize = 80;

    /// None unless `bytes` holds exactly ten numbers.
    fn unpack(bytes: &[u8]) -> Option<PackedSums> {
        if bytes.len() != Self::BYTES {
            return None;
        }
        let mut values = [0i64; 10];
        for (value, chunk) in values.iter_mut().zip(bytes.chunks_exact(8)) {
            *value = i64::from_be_bytes(chunk.try_into().ok()?);
        }
        Some(PackedSums(values))
    }
}

impl diesel::deserialize::FromSql<diesel::sql_types::Binary, diesel::pg::Pg> for PackedSums {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
        let bytes = value.as_bytes();
        PackedSums::unpack(bytes).ok_or_else(|| {
            format!(
                "a grid's packed sums are {} bytes, not {}",
                bytes.len(),
                PackedSums::BYTES
            )
            .into()
        })
    }
}

/// The ten sums, in the order of [`SUMS_COLUMNS`] after the key, as the core's [`TallySums`]
/// (a negative count, which no write makes, reads as none).
fn sums_of([a, o, m, i, r, q, functional, dysfunctional, sum, n]: [i64; 10]) -> TallySums {
    let count = |v: i64| v.max(0) as u64;
    TallySums {
        counts: CategoryCounts {
            a: count(a),
            o: count(o),
            m: count(m),
            i: count(i),
            r: count(r),
            q: count(q),
        },
        functional_score: functional,
        dysfunctional_score: dysfunctional,
        importance_sum: count(sum),
        importance_n: count(n),
    }
}

/// Answer grids per wave: keyed by (session, requirement), over the answers of the selected
/// segments that belong to one of `session_ids` (a wave is a survey session).
pub fn tallies_by_session(
    conn: &mut DbConnection,
    selection: &SegmentSelection,
    requirement_id: i32,
    session_ids: &[i32],
) -> QueryResult<BTreeMap<(i32, i32), Tally>> {
    let mut filter = CountFilter {
        segments: None,
        requirement: Some(requirement_id),
        sessions: Some(session_ids.iter().copied().filter(|id| *id != NO_SESSION).collect()),
    };
    match selection {
        SegmentSelection::One(id) => filter.segments = Some(vec![*id]),
        SegmentSelection::Pooled(Scope::All) => {}
        SegmentSelection::Pooled(Scope::Segments(ids)) => filter.segments = Some(ids.clone()),
    }
    let mut map: BTreeMap<(i32, i32), Tally> = BTreeMap::new();
    for grid in grids(conn, &filter)? {
        let Some(session) = grid.session_id else {
            continue;
        };
        map.entry((session, grid.requirement_id))
            .or_default()
            .merge(&grid.tally);
    }
    map.retain(|_, t| t.n() > 0);
    Ok(map)
}

/// Findings for many segments at once, keyed by (segment, requirement).
pub fn finding_counts_by_segment(
    conn: &mut DbConnection,
    segment_ids: &[i32],
) -> QueryResult<BTreeMap<(i32, i32), Vec<FindingCount>>> {
    let rows: Vec<(i32, i32, String, i64, Option<i64>)> = findings::table
        .filter(findings::segment_id.eq_any(segment_ids.to_vec()))
        .group_by((findings::segment_id, findings::requirement_id, findings::category))
        .select((
            findings::segment_id,
            findings::requirement_id,
            findings::category,
            count_star(),
            sum(findings::importance),
        ))
        .load(conn)?;
    let mut map: BTreeMap<(i32, i32), Vec<FindingCount>> = BTreeMap::new();
    for (segment, requirement, category, n, importance_sum) in rows {
        if let Some(category) = FindingCategory::parse(&category) {
            map.entry((segment, requirement)).or_default().push((
                category,
                n.max(0) as u64,
                importance_sum.unwrap_or(0).max(0) as u64,
            ));
        }
    }
    Ok(map)
}

// ---------------------------------------------------------------------------------------------
// Answer counts: the 5×5 grid per (segment, requirement, wave), kept beside the answers

/// The `answer_counts.session_id` of answers given outside a session.
pub const NO_SESSION: i32 = 0;

/// The grid's count columns, `n<functional><dysfunctional>`, functional-major (the order of
/// [`Tally::cells`] flattened).
const CELLS: [&str; 25] = [
    "n11", "n12", "n13", "n14", "n15", "n21", "n22", "n23", "n24", "n25", "n31", "n32", "n33", "n34", "n35", "n41",
    "n42", "n43", "n44", "n45", "n51", "n52", "n53", "n54", "n55",
];

/// One stored grid: the answers of a segment to a requirement in one wave (or outside any).
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub segment_id: i32,
    pub requirement_id: i32,
    pub session_id: Option<i32>,
    pub tally: Tally,
}

/// Five counts of a grid: one functional answer against the five dysfunctional ones.
type GridLine = (i64, i64, i64, i64, i64);
type GridLineSql = (BigInt, BigInt, BigInt, BigInt, BigInt);

/// A stored grid as read: (segment, requirement, session), the grid's five lines
/// (functional-major, the order of [`CELLS`]), (importance sum, importance count). Decoded by
/// position: diesel reads a `sql_query` row by column name, and looking 30 names up per grid
/// was half of the gap report's time (issue 16). Nested because diesel's tuples stop at 16.
type GridRow = (
    (i32, i32, i32),
    GridLine,
    GridLine,
    GridLine,
    GridLine,
    GridLine,
    (i64, i64),
);
type GridRowSql = (
    (Integer, Integer, Integer),
    GridLineSql,
    GridLineSql,
    GridLineSql,
    GridLineSql,
    GridLineSql,
    (BigInt, BigInt),
);

/// Which grids to read: `None` is no restriction.
#[derive(Clone, Debug, Default)]
pub struct CountFilter {
    pub segments: Option<Vec<i32>>,
    pub requirement: Option<i32>,
    /// Session ids ([`NO_SESSION`] for answers outside any).
    pub sessions: Option<Vec<i32>>,
}

/// The stored grids matching `filter`.
pub fn grids(conn: &mut DbConnection, filter: &CountFilter) -> QueryResult<Vec<Grid>> {
    let columns = format!(
        "segment_id, requirement_id, session_id, {}, importance_sum, importance_n",
        CELLS.join(", ")
    );
    let rows: Vec<GridRow> = match conn {
        DbConnection::Sqlite(c) => counts_query!(diesel::sqlite::Sqlite, GridRowSql, &columns, filter).load(c)?,
        DbConnection::Pg(c) => counts_query!(diesel::pg::Pg, GridRowSql, &columns, filter).load(c)?,
    };
    Ok(rows
        .into_iter()
        .map(
            |((segment_id, requirement_id, session_id), l1, l2, l3, l4, l5, (sum, n))| {
                let mut tally = Tally::default();
                for (cells, line) in tally.cells.iter_mut().zip([l1, l2, l3, l4, l5]) {
                    let (a, b, c, d, e) = line;
                    *cells = [a, b, c, d, e].map(|v| v.max(0) as u64);
                }
                tally.add_importance(sum.max(0) as u64, n.max(0) as u64);
                Grid {
                    segment_id,
                    requirement_id,
                    session_id: (session_id != NO_SESSION).then_some(session_id),
                    tally,
                }
            },
        )
        .collect())
}

/// Answers to add to the counts, gathered per grid; applied with [`apply_counts`] in the
/// transaction that writes the answers.
#[derive(Debug, Default)]
pub struct CountDeltas {
    // Hashed, not ordered: an import adds a million answers to a hundred thousand grids, and
    // the writers sort them once ([`CountDeltas::sorted`]). Hashed fast (foldhash): the keys
    // are the file's own ids, a million look-ups, and SipHash was a tenth of the import's
    // reading thread.
    grids: foldhash::HashMap<(i32, i32, i32), GridDelta>,
}

/// One grid's answers to add: the 25 cells (functional-major), then importance's sum and
/// count. Four bytes each, not a [`Tally`]'s eight: each answer of an import looks its grid up
/// at random among a hundred thousand, and half the bytes is half the memory those look-ups
/// wander through. One write of answers holds far fewer than four billion.
#[derive(Clone, Copy, Debug, Default)]
struct GridDelta([u32; 27]);

impl GridDelta {
    /// The values as the database stores them (`BIGINT`).
    fn wide(&self) -> [i64; 27] {
        self.0.map(i64::from)
    }
}

impl CountDeltas {
    pub fn add(&mut self, row: &NewResponse) {
        let (Ok(f @ 1..=5), Ok(d @ 1..=5)) = (usize::try_from(row.functional), usize::try_from(row.dysfunctional))
        else {
            return; // the CHECK constraints refuse such a row before it counts
        };
        let GridDelta(delta) = self
            .grids
            .entry((row.segment_id, row.requirement_id, row.session_id.unwrap_or(NO_SESSION)))
            .or_default();
        let cell = &mut delta[(f - 1) * 5 + (d - 1)];
        *cell = cell.saturating_add(1);
        if let Some(v @ 1..=5) = row.importance {
            delta[25] = delta[25].saturating_add(v as u32);
            delta[26] = delta[26].saturating_add(1);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// The grids in key order, so that two concurrent writers on PostgreSQL lock rows in the
    /// same order.
    fn sorted(&self) -> Vec<(&(i32, i32, i32), &GridDelta)> {
        let mut entries: Vec<_> = self.grids.iter().collect();
        entries.sort_unstable_by_key(|(key, _)| **key);
        entries
    }
}

/// Grids per upsert statement.
const GRIDS_PER_UPSERT: usize = 64;

/// `SET` of an upsert into `answer_counts` that adds the new row's counts to the stored ones.
fn add_to_stored() -> String {
    CELLS
        .iter()
        .chain(&["importance_sum", "importance_n"])
        .map(|c| format!("{c} = answer_counts.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One grid's values for an upsert: its key, then the 25 cells, importance sum and count.
struct GridValues {
    key: [i32; 3],
    counts: [i64; 27],
}

impl GridValues {
    fn new(&(segment, requirement, session): &(i32, i32, i32), delta: &GridDelta) -> Self {
        GridValues {
            key: [segment, requirement, session],
            counts: delta.wide(),
        }
    }
}

static UPSERT_HEAD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO answer_counts (segment_id, requirement_id, session_id, {}, importance_sum, importance_n) VALUES ",
        CELLS.join(", ")
    )
});
static UPSERT_TAIL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        " ON CONFLICT (segment_id, requirement_id, session_id) DO UPDATE SET {}",
        add_to_stored()
    )
});

/// An upsert of `N` grids into `answer_counts` with their values bound as parameters. Its
/// query id is static (one per `N`), so diesel prepares it once per connection and reuses it:
/// an import's hundred thousand grids as SQL literals, or as an `sql_query` (which diesel
/// never caches), spent most of their time in SQLite's parser.
struct UpsertGrids<'a, const N: usize>(&'a [GridValues; N]);

impl<const N: usize> diesel::query_builder::QueryId for UpsertGrids<'_, N> {
    type QueryId = UpsertGrids<'static, N>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB, const N: usize> diesel::query_builder::QueryFragment<DB> for UpsertGrids<'_, N>
where
    DB: diesel::backend::Backend,
    i32: diesel::serialize::ToSql<Integer, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    DB: diesel::sql_types::HasSqlType<Integer> + diesel::sql_types::HasSqlType<BigInt>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(&UPSERT_HEAD);
        for (i, grid) in self.0.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            for (j, value) in grid.key.iter().enumerate() {
                if j > 0 {
                    out.push_sql(", ");
                }
                out.push_bind_param::<Integer, _>(value)?;
            }
            for value in &grid.counts {
                out.push_sql(", ");
                out.push_bind_param::<BigInt, _>(value)?;
            }
            out.push_sql(")");
        }
        out.push_sql(&UPSERT_TAIL);
        Ok(())
    }
}

impl<Conn, const N: usize> RunQueryDsl<Conn> for UpsertGrids<'_, N> {}

/// Adds `deltas` to the stored counts (creating grids as needed), in key order so that two
/// concurrent writers on PostgreSQL lock rows in the same order: [`GRIDS_PER_UPSERT`] grids
/// per statement, the rest one by one (two statements, each prepared once).
pub fn apply_counts(conn: &mut DbConnection, deltas: &CountDeltas) -> QueryResult<()> {
    if let DbConnection::Pg(c) = conn {
        hold_references(c, deltas)?;
    }
    let sorted = deltas.sorted();
    let mut chunks = sorted.chunks_exact(GRIDS_PER_UPSERT);
    for chunk in chunks.by_ref() {
        let values: [GridValues; GRIDS_PER_UPSERT] = std::array::from_fn(|i| GridValues::new(chunk[i].0, chunk[i].1));
        UpsertGrids(&values).execute(conn)?;
    }
    for (key, tally) in chunks.remainder() {
        UpsertGrids(&[GridValues::new(key, tally)]).execute(conn)?;
    }
    Ok(())
}

diesel::table! {
    /// Grid deltas on their way into `answer_counts` (PostgreSQL, [`apply_counts_copied`]): a
    /// temporary table, dropped at commit. The 25 cells travel as one array, functional-major.
    count_deltas (segment_id, requirement_id, session_id) {
        segment_id -> Integer,
        requirement_id -> Integer,
        session_id -> Integer,
        cells -> Array<BigInt>,
        importance_sum -> BigInt,
        importance_n -> BigInt,
    }
}

#[derive(Insertable)]
#[diesel(table_name = count_deltas)]
#[diesel(treat_none_as_default_value = false)]
struct CopiedDelta {
    segment_id: i32,
    requirement_id: i32,
    session_id: i32,
    cells: Vec<i64>,
    importance_sum: i64,
    importance_n: i64,
}

/// [`apply_counts`] for many grids on PostgreSQL (an import's hundred thousand): copies the
/// deltas into a temporary table and adds them with one statement (an insert, or an upsert
/// when some grids exist), instead of parsing and planning hundreds of statements with
/// thousands of literals each.
pub fn apply_counts_copied(conn: &mut diesel::PgConnection, deltas: &CountDeltas) -> QueryResult<()> {
    if deltas.grids.is_empty() {
        return Ok(());
    }
    hold_references(conn, deltas)?;
    conn.batch_execute(
        "DROP TABLE IF EXISTS count_deltas; CREATE TEMPORARY TABLE count_deltas (segment_id INTEGER NOT NULL, \
         requirement_id INTEGER NOT NULL, session_id INTEGER NOT NULL, cells BIGINT[] NOT NULL, \
         importance_sum BIGINT NOT NULL, importance_n BIGINT NOT NULL) ON COMMIT DROP",
    )?;
    // In key order: the statement below reads them back in the order they were copied (a
    // table made in this transaction, read whole, is read in its physical order), so two
    // writers lock grids in the same order without the statement sorting them again.
    let rows: Vec<CopiedDelta> = deltas
        .sorted()
        .into_iter()
        .map(|(&(segment_id, requirement_id, session_id), delta)| {
            let values = delta.wide();
            CopiedDelta {
                segment_id,
                requirement_id,
                session_id,
                cells: values[..25].to_vec(),
                importance_sum: values[25],
                importance_n: values[26],
            }
        })
        .collect();
    diesel::copy_from(count_deltas::table)
        .from_insertable(&rows)
        .execute(conn)?;
    let cells = (1..=CELLS.len())
        .map(|i| format!("cells[{i}]"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!(
        "INSERT INTO answer_counts (segment_id, requirement_id, session_id, {}, importance_sum, importance_n) \
         SELECT segment_id, requirement_id, session_id, {cells}, importance_sum, importance_n FROM count_deltas",
        CELLS.join(", ")
    );
    // An import mostly makes grids that do not exist yet (new respondents' questionnaires
    // pooled with none, a new wave): a plain insert costs about a quarter less than the upsert.
    // A grid stored already, or made by a concurrent writer meanwhile, refuses it; the
    // savepoint is rolled back and the upsert adds to the stored grids instead.
    match conn.transaction(|c| diesel::sql_query(&insert).execute(c)) {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            diesel::sql_query(format!(
                "{insert} ON CONFLICT (segment_id, requirement_id, session_id) DO UPDATE SET {}",
                add_to_stored()
            ))
            .execute(conn)?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// One of the grids' references on PostgreSQL (migration `000026`): the table holding a row
/// per parent that has answers, its column, and how a grid names that parent (in SQL, NULL for
/// none; in a grid's key).
struct Reference {
    table: &'static str,
    column: &'static str,
    of_grid: &'static str,
    of_key: fn(&(i32, i32, i32)) -> i32,
}

const REFERENCES: [Reference; 3] = [
    Reference {
        table: "answered_segments",
        column: "segment_id",
        of_grid: "segment_id",
        of_key: |k| k.0,
    },
    Reference {
        table: "answered_requirements",
        column: "requirement_id",
        of_grid: "requirement_id",
        of_key: |k| k.1,
    },
    Reference {
        table: "answered_sessions",
        column: "session_id",
        of_grid: "NULLIF(session_id, 0)",
        of_key: |k| k.2,
    },
];

/// PostgreSQL: records that the requirements, segments and sessions of `deltas` have answers
/// ([`REFERENCES`]: the grids' references, checked once per parent instead of once per grid).
/// Called before the grids are written, in their transaction; SQLite's grids keep their own
/// foreign keys.
fn hold_references(conn: &mut diesel::PgConnection, deltas: &CountDeltas) -> QueryResult<()> {
    use diesel::sql_types::Array;
    for Reference {
        table, column, of_key, ..
    } in REFERENCES
    {
        let mut ids: Vec<i32> = deltas.grids.keys().map(of_key).filter(|&id| id != NO_SESSION).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            continue;
        }
        // In key order, like the grids, so two writers lock parents in the same order.
        diesel::sql_query(format!(
            "INSERT INTO {table} ({column}) SELECT unnest($1::integer[]) ORDER BY 1 ON CONFLICT DO NOTHING"
        ))
        .bind::<Array<Integer>, _>(ids)
        .execute(conn)?;
    }
    Ok(())
}

/// The SELECT that counts grids from `source` (a table with kano_responses' answer columns).
pub fn count_select(source: &str) -> String {
    let sums = CELLS
        .iter()
        .map(|c| {
            let (f, d) = (&c[1..2], &c[2..3]);
            format!("SUM(CASE WHEN functional = {f} AND dysfunctional = {d} THEN 1 ELSE 0 END)")
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT segment_id, requirement_id, COALESCE(session_id, {NO_SESSION}), {sums}, \
         COALESCE(SUM(importance), 0), COUNT(importance) FROM {source} \
         GROUP BY segment_id, requirement_id, COALESCE(session_id, {NO_SESSION}) \
         ORDER BY segment_id, requirement_id, COALESCE(session_id, {NO_SESSION})"
    )
}

/// Rebuilds every count from the answers; returns how many grids there are.
pub fn recount(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::sql_query("DELETE FROM answer_counts").execute(conn)?;
    let columns = CELLS.join(", ");
    let grids = diesel::sql_query(format!(
        "INSERT INTO answer_counts (segment_id, requirement_id, session_id, {columns}, importance_sum, \
         importance_n) {}",
        count_select("kano_responses")
    ))
    .execute(conn)?;
    if let DbConnection::Pg(c) = conn {
        // The answers' keys (migration `000031`) afresh from the answers.
        c.batch_execute(
            "DELETE FROM answer_keys; INSERT INTO answer_keys (respondent, segment_id, requirement_ids) \
             SELECT respondent, segment_id, array_agg(requirement_id ORDER BY requirement_id) FROM kano_responses \
             GROUP BY respondent, segment_id ORDER BY respondent, segment_id",
        )?;
        // The grids' references to match the grids: rows still needed are kept, not deleted
        // and inserted again, so a concurrent removal of their parent never sees them missing.
        for Reference {
            table, column, of_grid, ..
        } in REFERENCES
        {
            c.batch_execute(&format!(
                "DELETE FROM {table} a WHERE NOT EXISTS (SELECT 1 FROM answer_counts g WHERE {of_grid} = a.{column}); \
                 INSERT INTO {table} ({column}) SELECT DISTINCT {of_grid} FROM answer_counts \
                 WHERE {of_grid} IS NOT NULL ORDER BY 1 ON CONFLICT DO NOTHING"
            ))?;
        }
    }
    Ok(grids)
}

/// How many requirements, segments and sessions the grids and their references
/// ([`hold_references`]) disagree on: held without a grid, or a grid's not held. Always 0 on
/// SQLite, whose grids keep their own foreign keys.
pub fn unmatched_references(conn: &mut DbConnection) -> QueryResult<i64> {
    let DbConnection::Pg(c) = conn else {
        return Ok(0);
    };
    let parts = REFERENCES.map(
        |Reference {
             table, column, of_grid, ..
         }| {
            format!(
            "(SELECT {of_grid} FROM answer_counts WHERE {of_grid} IS NOT NULL EXCEPT SELECT {column} FROM {table}) \
             UNION ALL (SELECT {column} FROM {table} EXCEPT SELECT {of_grid} FROM answer_counts)"
        )
        },
    );
    count_rows(c, &parts.join(" UNION ALL "))
}

/// How many rows `select` returns.
fn count_rows(c: &mut diesel::PgConnection, select: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Counted {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let sql = format!("SELECT COUNT(*) AS n FROM ({select}) counted");
    Ok(diesel::sql_query(sql).get_result::<Counted>(c)?.n)
}

/// How many answer keys `answer_keys` and the answers disagree on (migration `000031`): a
/// key held without its answer, an answer whose key is not held, or either twice. Always 0 on
/// SQLite, whose answers keep their own key.
pub fn unmatched_answer_keys(conn: &mut DbConnection) -> QueryResult<i64> {
    let DbConnection::Pg(c) = conn else {
        return Ok(0);
    };
    let held = "SELECT respondent, segment_id, unnest(requirement_ids) FROM answer_keys";
    let answered = "SELECT respondent, segment_id, requirement_id FROM kano_responses";
    count_rows(
        c,
        &format!("({held} EXCEPT ALL {answered}) UNION ALL ({answered} EXCEPT ALL {held})"),
    )
}

/// One cell of a grid counted from the answers: segment, requirement, session, functional,
/// dysfunctional, answers, importance sum, importance count.
type CountedCell = (i32, i32, Option<i32>, i32, i32, i64, Option<i64>, i64);

/// Every grid counted afresh from the answers (not stored), in key order: what the stored
/// counts must equal.
pub fn grids_from_answers(conn: &mut DbConnection) -> QueryResult<Vec<Grid>> {
    let rows: Vec<CountedCell> = kano_responses::table
        .group_by((
            kano_responses::segment_id,
            kano_responses::requirement_id,
            kano_responses::session_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
        ))
        .select((
            kano_responses::segment_id,
            kano_responses::requirement_id,
            kano_responses::session_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
            count_star(),
            sum(kano_responses::importance),
            diesel::dsl::count(kano_responses::importance),
        ))
        .load(conn)?;
    let mut map: BTreeMap<(i32, i32, i32), Tally> = BTreeMap::new();
    for (segment, requirement, session, f, d, n, importance_sum, importance_n) in rows {
        let tally = map
            .entry((segment, requirement, session.unwrap_or(NO_SESSION)))
            .or_default();
        if let (Ok(f @ 1..=5), Ok(d @ 1..=5)) = (usize::try_from(f), usize::try_from(d)) {
            tally.cells[f - 1][d - 1] += n.max(0) as u64;
        }
        tally.add_importance(importance_sum.unwrap_or(0).max(0) as u64, importance_n.max(0) as u64);
    }
    Ok(map
        .into_iter()
        .map(|((segment_id, requirement_id, session), tally)| Grid {
            segment_id,
            requirement_id,
            session_id: (session != NO_SESSION).then_some(session),
            tally,
        })
        .collect())
}

/// Inserts answers and counts them, in the caller's transaction.
pub fn insert_counted(conn: &mut DbConnection, rows: &[NewResponse]) -> QueryResult<usize> {
    let mut deltas = CountDeltas::default();
    let mut inserted = 0;
    for chunk in rows.chunks(500) {
        inserted += insert_many(conn, chunk)?;
    }
    rows.iter().for_each(|r| deltas.add(r));
    apply_counts(conn, &deltas)?;
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_sums_are_ten_big_endian_numbers_in_column_order() {
        let values: [i64; 10] = [1, 2, 3, 4, 5, 6, -7, 1 << 40, 9, i64::MAX];
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
        assert_eq!(PackedSums::unpack(&bytes), Some(PackedSums(values)));
        let sums = sums_of(values);
        assert_eq!((sums.counts.a, sums.counts.q), (1, 6));
        assert_eq!((sums.functional_score, sums.dysfunctional_score), (-7, 1 << 40));
        assert_eq!((sums.importance_sum, sums.importance_n), (9, i64::MAX as u64));
    }

    #[test]
    fn count_deltas_gather_each_grids_cells_functional_major_then_importance() {
        let answer = |segment_id, requirement_id, session_id, functional, dysfunctional, importance| NewResponse {
            requirement_id,
            segment_id,
            session_id,
            respondent: "r".into(),
            functional,
            dysfunctional,
            importance,
        };
        let mut deltas = CountDeltas::default();
        deltas.add(&answer(2, 7, None, 1, 5, Some(4)));
        deltas.add(&answer(2, 7, None, 1, 5, None));
        deltas.add(&answer(2, 7, None, 5, 1, Some(2)));
        deltas.add(&answer(1, 9, Some(3), 3, 3, Some(5)));
        deltas.add(&answer(1, 9, Some(3), 6, 3, Some(5))); // out of range: not counted
        let sorted: Vec<_> = deltas.sorted().into_iter().map(|(k, d)| (*k, d.wide())).collect();
        assert_eq!(sorted.len(), 2);
        let (key, first) = sorted[0];
        assert_eq!(key, (1, 9, 3));
        assert_eq!((first[2 * 5 + 2], first[25], first[26]), (1, 5, 1));
        assert_eq!(first.iter().sum::<i64>(), 7);
        let (key, second) = sorted[1];
        assert_eq!(key, (2, 7, NO_SESSION));
        assert_eq!((second[4], second[4 * 5], second[25], second[26]), (2, 1, 6, 2));
        assert_eq!(second.iter().sum::<i64>(), 11);
    }

    #[test]
    fn packed_sums_of_another_length_are_refused() {
        assert_eq!(PackedSums::unpack(&[0; 79]), None);
        assert_eq!(PackedSums::unpack(&[0; 88]), None);
        assert_eq!(PackedSums::unpack(&[]), None);
    }
}
