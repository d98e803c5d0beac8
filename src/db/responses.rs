//! Kano questionnaire answers: bulk inserts and the counts the Kano engine works from.

use std::collections::{BTreeMap, HashSet};

use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;

use super::schema::{findings, kano_responses};
use super::{DbConnection, MultiBackend, Scope};
use crate::domain::kano::{Answer, Tally};
use crate::domain::terms::FindingCategory;

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = kano_responses)]
pub struct NewResponse {
    pub requirement_id: i32,
    pub segment_id: i32,
    pub session_id: Option<i32>,
    pub respondent: String,
    pub functional: i32,
    pub dysfunctional: i32,
    pub importance: Option<i32>,
}

/// Inserts many rows in one statement. The shared connection type has no multi-row insert,
/// so this goes to the concrete backend.
pub fn insert_many(conn: &mut DbConnection, rows: &[NewResponse]) -> QueryResult<usize> {
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(kano_responses::table).values(rows).execute(c),
        DbConnection::Pg(c) => diesel::insert_into(kano_responses::table).values(rows).execute(c),
    }
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

/// Respondents who already answered `requirement_id` for one of `segment_ids`.
pub fn existing_respondents(
    conn: &mut DbConnection,
    requirement_id: i32,
    segment_ids: &[i32],
) -> QueryResult<HashSet<(i32, String)>> {
    let rows: Vec<(i32, String)> = kano_responses::table
        .filter(kano_responses::requirement_id.eq(requirement_id))
        .filter(kano_responses::segment_id.eq_any(segment_ids.to_vec()))
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

/// The 5×5 answer grid and importance per requirement, counted by the database; of one wave
/// (`session_id`) or of every answer.
pub fn tallies(
    conn: &mut DbConnection,
    selection: &SegmentSelection,
    requirement_id: Option<i32>,
    session_id: Option<i32>,
) -> QueryResult<BTreeMap<i32, Tally>> {
    let mut query = kano_responses::table
        .group_by((
            kano_responses::requirement_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
        ))
        .select((
            kano_responses::requirement_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
            count_star(),
            sum(kano_responses::importance),
            count(kano_responses::importance),
        ))
        .into_boxed::<MultiBackend>();
    match selection {
        SegmentSelection::One(id) => query = query.filter(kano_responses::segment_id.eq(*id)),
        SegmentSelection::Pooled(Scope::All) => {}
        SegmentSelection::Pooled(Scope::Segments(ids)) => {
            query = query.filter(kano_responses::segment_id.eq_any(ids.clone()))
        }
    }
    if let Some(id) = requirement_id {
        query = query.filter(kano_responses::requirement_id.eq(id));
    }
    if let Some(id) = session_id {
        query = query.filter(kano_responses::session_id.eq(id));
    }
    let rows: Vec<(i32, i32, i32, i64, Option<i64>, i64)> = query.load(conn)?;
    let mut map: BTreeMap<i32, Tally> = BTreeMap::new();
    for (requirement, functional, dysfunctional, n, importance_sum, importance_n) in rows {
        let (Some(f), Some(d)) = (
            Answer::from_number(functional.into()),
            Answer::from_number(dysfunctional.into()),
        ) else {
            continue; // the CHECK constraints make this unreachable
        };
        let tally = map.entry(requirement).or_default();
        tally.add_cell(f, d, n.max(0) as u64);
        tally.add_importance(importance_sum.unwrap_or(0).max(0) as u64, importance_n.max(0) as u64);
    }
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

/// Answer grids for many segments at once, keyed by (segment, requirement): one query for a
/// whole report instead of one per segment. Of one wave (`session_id`) or of every answer.
pub fn tallies_by_segment(
    conn: &mut DbConnection,
    segment_ids: &[i32],
    session_id: Option<i32>,
) -> QueryResult<BTreeMap<(i32, i32), Tally>> {
    type Row = (i32, i32, i32, i32, i64, Option<i64>, i64);
    let mut query = kano_responses::table
        .filter(kano_responses::segment_id.eq_any(segment_ids.to_vec()))
        .group_by((
            kano_responses::segment_id,
            kano_responses::requirement_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
        ))
        .select((
            kano_responses::segment_id,
            kano_responses::requirement_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
            count_star(),
            sum(kano_responses::importance),
            count(kano_responses::importance),
        ))
        .into_boxed::<MultiBackend>();
    if let Some(id) = session_id {
        query = query.filter(kano_responses::session_id.eq(id));
    }
    let rows: Vec<Row> = query.load(conn)?;
    let mut map: BTreeMap<(i32, i32), Tally> = BTreeMap::new();
    for (segment, requirement, functional, dysfunctional, n, importance_sum, importance_n) in rows {
        let (Some(f), Some(d)) = (
            Answer::from_number(functional.into()),
            Answer::from_number(dysfunctional.into()),
        ) else {
            continue;
        };
        let tally = map.entry((segment, requirement)).or_default();
        tally.add_cell(f, d, n.max(0) as u64);
        tally.add_importance(importance_sum.unwrap_or(0).max(0) as u64, importance_n.max(0) as u64);
    }
    Ok(map)
}

/// Answer grids per wave: keyed by (session, requirement), over the answers of the selected
/// segments that belong to one of `session_ids` (a wave is a survey session).
pub fn tallies_by_session(
    conn: &mut DbConnection,
    selection: &SegmentSelection,
    requirement_id: i32,
    session_ids: &[i32],
) -> QueryResult<BTreeMap<(i32, i32), Tally>> {
    type Row = (Option<i32>, i32, i32, i32, i64, Option<i64>, i64);
    let mut query = kano_responses::table
        .filter(kano_responses::requirement_id.eq(requirement_id))
        .filter(kano_responses::session_id.eq_any(session_ids.to_vec()))
        .group_by((
            kano_responses::session_id,
            kano_responses::requirement_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
        ))
        .select((
            kano_responses::session_id,
            kano_responses::requirement_id,
            kano_responses::functional,
            kano_responses::dysfunctional,
            count_star(),
            sum(kano_responses::importance),
            count(kano_responses::importance),
        ))
        .into_boxed::<MultiBackend>();
    match selection {
        SegmentSelection::One(id) => query = query.filter(kano_responses::segment_id.eq(*id)),
        SegmentSelection::Pooled(Scope::All) => {}
        SegmentSelection::Pooled(Scope::Segments(ids)) => {
            query = query.filter(kano_responses::segment_id.eq_any(ids.clone()))
        }
    }
    let rows: Vec<Row> = query.load(conn)?;
    let mut map: BTreeMap<(i32, i32), Tally> = BTreeMap::new();
    for (session, requirement, functional, dysfunctional, n, importance_sum, importance_n) in rows {
        let (Some(session), Some(f), Some(d)) = (
            session,
            Answer::from_number(functional.into()),
            Answer::from_number(dysfunctional.into()),
        ) else {
            continue;
        };
        let tally = map.entry((session, requirement)).or_default();
        tally.add_cell(f, d, n.max(0) as u64);
        tally.add_importance(importance_sum.unwrap_or(0).max(0) as u64, importance_n.max(0) as u64);
    }
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
