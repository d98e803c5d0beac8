use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{answer_counts, assessments, findings};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = assessments)]
pub struct Assessment {
    pub id: i32,
    pub requirement_id: i32,
    pub segment_id: Option<i32>,
    pub current_value: Option<f64>,
    pub fulfilment: Option<f64>,
    pub assessed_on: NaiveDate,
    pub assessor: Option<String>,
    pub note: Option<String>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = assessments)]
pub struct NewAssessment {
    pub requirement_id: i32,
    pub segment_id: Option<i32>,
    pub current_value: Option<f64>,
    pub fulfilment: Option<f64>,
    pub assessed_on: NaiveDate,
    pub assessor: Option<String>,
    pub note: Option<String>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = assessments)]
pub struct AssessmentChanges {
    pub segment_id: Option<Option<i32>>,
    pub current_value: Option<Option<f64>>,
    pub fulfilment: Option<Option<f64>>,
    pub assessed_on: Option<NaiveDate>,
    pub assessor: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Default)]
pub struct AssessmentFilter {
    pub requirement_id: Option<i32>,
    pub segment_id: Option<i32>,
}

/// A stakeholder sees assessments of their segments, and general ones (no segment) of the
/// requirements that concern their segments.
fn visible(scope: &Scope, f: &AssessmentFilter) -> assessments::BoxedQuery<'static, MultiBackend> {
    let mut query = assessments::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        // General assessments of requirements that concern my segments (see requirements::visible;
        // written out here because a subquery may not name its own table).
        let found = findings::table
            .filter(findings::segment_id.eq_any(ids.clone()))
            .select(findings::requirement_id);
        // Answered: a grid of answer counts exists (one per segment, requirement and wave).
        let answered = answer_counts::table
            .filter(answer_counts::segment_id.eq_any(ids.clone()))
            .select(answer_counts::requirement_id);
        let other = diesel::alias!(assessments as other_assessments);
        let assessed_for_mine = other
            .filter(other.field(assessments::segment_id).eq_any(ids.clone()))
            .select(other.field(assessments::requirement_id));
        query = query.filter(
            assessments::segment_id
                .eq_any(ids.clone())
                .or(assessments::segment_id.is_null().and(
                    assessments::requirement_id
                        .eq_any(found)
                        .or(assessments::requirement_id.eq_any(answered))
                        .or(assessments::requirement_id.eq_any(assessed_for_mine)),
                )),
        );
    }
    if let Some(id) = f.requirement_id {
        query = query.filter(assessments::requirement_id.eq(id));
    }
    if let Some(id) = f.segment_id {
        query = query.filter(assessments::segment_id.eq(id));
    }
    query
}

/// Newest first: assessments are history, and the newest one is the current capability.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    f: &AssessmentFilter,
    page: Page,
) -> QueryResult<(Vec<Assessment>, i64)> {
    let items = visible(scope, f)
        .order((assessments::assessed_on.desc(), assessments::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(Assessment::as_select())
        .load(conn)?;
    let total = visible(scope, f).count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<Assessment, AppError> {
    visible(scope, &AssessmentFilter::default())
        .filter(assessments::id.eq(id))
        .select(Assessment::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("assessment"))
}

pub fn insert(conn: &mut DbConnection, new: &NewAssessment) -> QueryResult<Assessment> {
    diesel::insert_into(assessments::table)
        .values(new)
        .returning(assessments::all_columns)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &AssessmentChanges) -> QueryResult<Assessment> {
    diesel::update(assessments::table.find(id))
        .set(changes)
        .returning(assessments::all_columns)
        .get_result(conn)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(assessments::table.find(id)).execute(conn)
}

/// The current capability per (requirement, segment): the newest assessment of each pair,
/// where `None` as segment is the general one. Assessments are entered by hand, so loading
/// their history is small.
pub fn newest(conn: &mut DbConnection) -> QueryResult<std::collections::HashMap<(i32, Option<i32>), Current>> {
    // Only what a report shows, and no ORDER BY: the newest is kept while reading (a gap report
    // reads every assessment; sorting them and parsing their timestamps was a tenth of it).
    let all: Vec<((i32, Option<i32>), Current)> = assessments::table
        .select((
            (assessments::requirement_id, assessments::segment_id),
            (
                assessments::id,
                assessments::current_value,
                assessments::fulfilment,
                assessments::assessed_on,
            ),
        ))
        .load(conn)?;
    let mut map: std::collections::HashMap<(i32, Option<i32>), Current> = std::collections::HashMap::new();
    for (key, found) in all {
        map.entry(key)
            .and_modify(|kept| {
                if (found.assessed_on, found.id) > (kept.assessed_on, kept.id) {
                    *kept = found;
                }
            })
            .or_insert(found);
    }
    Ok(map)
}

/// What the newest assessment of a (requirement, segment) says of current capability.
#[derive(Clone, Copy, Debug, PartialEq, Queryable)]
pub struct Current {
    pub id: i32,
    pub current_value: Option<f64>,
    pub fulfilment: Option<f64>,
    pub assessed_on: NaiveDate,
}

/// Every assessment, oldest first (by date, then id): the history the gap trend replays.
pub fn history(conn: &mut DbConnection) -> QueryResult<Vec<Assessment>> {
    assessments::table
        .order((assessments::assessed_on.asc(), assessments::id.asc()))
        .select(Assessment::as_select())
        .load(conn)
}
