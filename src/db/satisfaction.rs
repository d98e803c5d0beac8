//! Satisfaction surveys, their segments and answers, and the counts results are made of.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{satisfaction_responses, satisfaction_survey_segments, satisfaction_surveys};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = satisfaction_surveys)]
pub struct SurveyRow {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub scale_max: i32,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A survey with the segments it asks (as far as the caller may see them; empty: every
/// segment).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Survey {
    pub id: i32,
    pub title: String,
    #[schema(value_type = crate::domain::terms::SurveyKind)]
    pub kind: String,
    #[schema(minimum = 4, maximum = 10)]
    pub scale_max: i32,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// The segments asked; empty when the survey is open to every segment.
    pub segment_ids: Vec<i32>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = satisfaction_surveys)]
pub struct NewSurvey {
    pub title: String,
    pub kind: String,
    pub scale_max: i32,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = satisfaction_surveys)]
pub struct SurveyChanges {
    pub title: Option<String>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<Option<NaiveDate>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = satisfaction_responses)]
pub struct NewAnswer {
    pub survey_id: i32,
    pub segment_id: i32,
    pub respondent: Option<String>,
    pub score: i32,
    pub service_area_id: Option<i32>,
    pub comment: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, Default)]
pub struct SurveyFilter {
    pub kind: Option<String>,
    pub segment_id: Option<i32>,
}

/// A stakeholder sees the surveys that ask one of their segments, and those open to all.
fn visible(scope: &Scope, f: &SurveyFilter) -> satisfaction_surveys::BoxedQuery<'static, MultiBackend> {
    let mut query = satisfaction_surveys::table.into_boxed();
    let open_to_all = || {
        diesel::dsl::not(
            satisfaction_surveys::id
                .eq_any(satisfaction_survey_segments::table.select(satisfaction_survey_segments::survey_id)),
        )
    };
    if let Scope::Segments(ids) = scope {
        let mine = satisfaction_survey_segments::table
            .filter(satisfaction_survey_segments::segment_id.eq_any(ids.clone()))
            .select(satisfaction_survey_segments::survey_id);
        query = query.filter(satisfaction_surveys::id.eq_any(mine).or(open_to_all()));
    }
    if let Some(kind) = &f.kind {
        query = query.filter(satisfaction_surveys::kind.eq(kind.clone()));
    }
    if let Some(segment_id) = f.segment_id {
        let of_segment = satisfaction_survey_segments::table
            .filter(satisfaction_survey_segments::segment_id.eq(segment_id))
            .select(satisfaction_survey_segments::survey_id);
        query = query.filter(satisfaction_surveys::id.eq_any(of_segment).or(open_to_all()));
    }
    query
}

/// Segment ids per survey, narrowed to the scope.
fn segments_of(conn: &mut DbConnection, ids: &[i32], scope: &Scope) -> QueryResult<HashMap<i32, Vec<i32>>> {
    let rows: Vec<(i32, i32)> = satisfaction_survey_segments::table
        .filter(satisfaction_survey_segments::survey_id.eq_any(ids.to_vec()))
        .order((
            satisfaction_survey_segments::survey_id,
            satisfaction_survey_segments::segment_id,
        ))
        .select((
            satisfaction_survey_segments::survey_id,
            satisfaction_survey_segments::segment_id,
        ))
        .load(conn)?;
    let mut map: HashMap<i32, Vec<i32>> = HashMap::new();
    for (survey, segment) in rows {
        if scope.allows(segment) {
            map.entry(survey).or_default().push(segment);
        }
    }
    Ok(map)
}

fn with_segments(conn: &mut DbConnection, rows: Vec<SurveyRow>, scope: &Scope) -> QueryResult<Vec<Survey>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut segments = segments_of(conn, &ids, scope)?;
    Ok(rows
        .into_iter()
        .map(|r| Survey {
            segment_ids: segments.remove(&r.id).unwrap_or_default(),
            id: r.id,
            title: r.title,
            kind: r.kind,
            scale_max: r.scale_max,
            opened_on: r.opened_on,
            closed_on: r.closed_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

/// Newest opened first.
pub fn list(conn: &mut DbConnection, scope: &Scope, f: &SurveyFilter, page: Page) -> QueryResult<(Vec<Survey>, i64)> {
    let rows = visible(scope, f)
        .order((satisfaction_surveys::opened_on.desc(), satisfaction_surveys::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(SurveyRow::as_select())
        .load(conn)?;
    let total = visible(scope, f).count().get_result(conn)?;
    Ok((with_segments(conn, rows, scope)?, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<Survey, AppError> {
    let row = visible(scope, &SurveyFilter::default())
        .filter(satisfaction_surveys::id.eq(id))
        .select(SurveyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("satisfaction survey"))?;
    Ok(with_segments(conn, vec![row], scope)?.remove(0))
}

/// All segments a survey asks (unscoped; empty: every segment).
pub fn survey_segments(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<i32>> {
    satisfaction_survey_segments::table
        .filter(satisfaction_survey_segments::survey_id.eq(id))
        .select(satisfaction_survey_segments::segment_id)
        .load(conn)
}

pub fn insert(conn: &mut DbConnection, new: &NewSurvey, segment_ids: &[i32]) -> Result<Survey, AppError> {
    let id: i32 = diesel::insert_into(satisfaction_surveys::table)
        .values(new)
        .returning(satisfaction_surveys::id)
        .get_result(conn)?;
    set_segments(conn, id, segment_ids)?;
    get(conn, id, &Scope::All)
}

pub fn set_segments(conn: &mut DbConnection, id: i32, segment_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(satisfaction_survey_segments::table.filter(satisfaction_survey_segments::survey_id.eq(id)))
        .execute(conn)?;
    for segment_id in segment_ids {
        diesel::insert_into(satisfaction_survey_segments::table)
            .values((
                satisfaction_survey_segments::survey_id.eq(id),
                satisfaction_survey_segments::segment_id.eq(*segment_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &SurveyChanges) -> QueryResult<usize> {
    diesel::update(satisfaction_surveys::table.find(id))
        .set(changes)
        .execute(conn)
}

/// Deletes a survey with its answers.
pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(satisfaction_responses::table.filter(satisfaction_responses::survey_id.eq(id))).execute(conn)?;
    diesel::delete(satisfaction_survey_segments::table.filter(satisfaction_survey_segments::survey_id.eq(id)))
        .execute(conn)?;
    diesel::delete(satisfaction_surveys::table.find(id)).execute(conn)
}

/// Inserts many answers in one statement (the shared connection type has no multi-row insert).
pub fn insert_answers(conn: &mut DbConnection, rows: &[NewAnswer]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(1000) {
        n += match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(satisfaction_responses::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Pg(c) => diesel::insert_into(satisfaction_responses::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(n)
}

/// Answer counts per (segment, score) of one survey, for the segments in `scope` (and only
/// `segment_id` when given).
pub fn counts(
    conn: &mut DbConnection,
    survey_id: i32,
    scope: &Scope,
    segment_id: Option<i32>,
) -> QueryResult<BTreeMap<i32, Vec<(u8, u64)>>> {
    let mut query = satisfaction_responses::table
        .filter(satisfaction_responses::survey_id.eq(survey_id))
        .group_by((satisfaction_responses::segment_id, satisfaction_responses::score))
        .select((
            satisfaction_responses::segment_id,
            satisfaction_responses::score,
            count_star(),
        ))
        .into_boxed::<MultiBackend>();
    if let Scope::Segments(ids) = scope {
        query = query.filter(satisfaction_responses::segment_id.eq_any(ids.clone()));
    }
    if let Some(id) = segment_id {
        query = query.filter(satisfaction_responses::segment_id.eq(id));
    }
    let rows: Vec<(i32, i32, i64)> = query.load(conn)?;
    let mut map: BTreeMap<i32, Vec<(u8, u64)>> = BTreeMap::new();
    for (segment, score, n) in rows {
        if let Ok(score) = u8::try_from(score) {
            map.entry(segment).or_default().push((score, n.max(0) as u64));
        }
    }
    Ok(map)
}

/// One comment left with an answer.
#[derive(Clone, Debug, Queryable, Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub segment_id: i32,
    pub score: i32,
    pub comment: Option<String>,
    pub respondent: Option<String>,
    #[serde(serialize_with = "super::utc_opt")]
    pub answered_at: Option<NaiveDateTime>,
}

/// The newest `limit` comments of a survey in `scope` (and `segment_id` when given).
pub fn comments(
    conn: &mut DbConnection,
    survey_id: i32,
    scope: &Scope,
    segment_id: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<Comment>> {
    let mut query = satisfaction_responses::table
        .filter(satisfaction_responses::survey_id.eq(survey_id))
        .filter(satisfaction_responses::comment.is_not_null())
        .into_boxed::<MultiBackend>();
    if let Scope::Segments(ids) = scope {
        query = query.filter(satisfaction_responses::segment_id.eq_any(ids.clone()));
    }
    if let Some(id) = segment_id {
        query = query.filter(satisfaction_responses::segment_id.eq(id));
    }
    query
        .order(satisfaction_responses::id.desc())
        .limit(limit)
        .select((
            satisfaction_responses::segment_id,
            satisfaction_responses::score,
            satisfaction_responses::comment,
            satisfaction_responses::respondent,
            satisfaction_responses::answered_at,
        ))
        .load(conn)
}

/// Closed overall surveys with their scale, in `closed_on` order.
pub fn closed_overall(conn: &mut DbConnection) -> QueryResult<Vec<(i32, i32, NaiveDate)>> {
    let rows: Vec<(i32, i32, Option<NaiveDate>)> = satisfaction_surveys::table
        .filter(satisfaction_surveys::kind.eq("overall"))
        .filter(satisfaction_surveys::closed_on.is_not_null())
        .order((satisfaction_surveys::closed_on, satisfaction_surveys::id))
        .select((
            satisfaction_surveys::id,
            satisfaction_surveys::scale_max,
            satisfaction_surveys::closed_on,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, scale, closed)| closed.map(|c| (id, scale, c)))
        .collect())
}

/// Answer counts per (survey, score) of `survey_ids`, for the segments in `scope` (and only
/// `segment_id` when given).
pub fn counts_by_survey(
    conn: &mut DbConnection,
    survey_ids: &[i32],
    scope: &Scope,
    segment_id: Option<i32>,
) -> QueryResult<BTreeMap<i32, Vec<(u8, u64)>>> {
    let mut query = satisfaction_responses::table
        .filter(satisfaction_responses::survey_id.eq_any(survey_ids.to_vec()))
        .group_by((satisfaction_responses::survey_id, satisfaction_responses::score))
        .select((
            satisfaction_responses::survey_id,
            satisfaction_responses::score,
            count_star(),
        ))
        .into_boxed::<MultiBackend>();
    if let Scope::Segments(ids) = scope {
        query = query.filter(satisfaction_responses::segment_id.eq_any(ids.clone()));
    }
    if let Some(id) = segment_id {
        query = query.filter(satisfaction_responses::segment_id.eq(id));
    }
    let rows: Vec<(i32, i32, i64)> = query.load(conn)?;
    let mut map: BTreeMap<i32, Vec<(u8, u64)>> = BTreeMap::new();
    for (survey, score, n) in rows {
        if let Ok(score) = u8::try_from(score) {
            map.entry(survey).or_default().push((score, n.max(0) as u64));
        }
    }
    Ok(map)
}
