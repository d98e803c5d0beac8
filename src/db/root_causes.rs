//! Root-cause (fishbone) analyses: the analysis, its ordered categories, its causes (a tree
//! under each category) and its links to complaints, service targets and requirements.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{
    complaints, requirements, root_cause_categories, root_cause_causes, root_cause_complaints, root_cause_requirements,
    root_cause_service_targets, root_causes, service_targets,
};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = root_causes)]
pub struct RootCauseRow {
    pub id: i32,
    pub problem: String,
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
    pub category_set: String,
    pub created_by: Option<i32>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = root_causes)]
pub struct NewRootCause {
    pub problem: String,
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
    pub category_set: String,
    pub created_by: Option<i32>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = root_causes)]
pub struct RootCauseChanges {
    pub problem: Option<String>,
    pub segment_id: Option<Option<i32>>,
    pub service_area_id: Option<Option<i32>>,
    pub category_set: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// One cause of an analysis as stored.
#[derive(Clone, Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = root_cause_causes)]
pub struct CauseRow {
    pub id: i32,
    pub root_cause_id: i32,
    /// One of the analysis's categories (a sub-cause: its parent's).
    pub category: String,
    pub text: String,
    /// The cause this one explains further (none: it sits on the category's bone).
    pub parent_id: Option<i32>,
    pub evidence: Option<String>,
    /// 1 when verified as a root cause (see `verified` in the API's view).
    #[serde(skip)]
    pub verified: i32,
    pub votes: i32,
    /// Drawing order within the analysis.
    pub position: i32,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = root_cause_causes)]
pub struct NewCause {
    pub root_cause_id: i32,
    pub category: String,
    pub text: String,
    pub parent_id: Option<i32>,
    pub evidence: Option<String>,
    pub position: i32,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = root_cause_causes)]
pub struct CauseChanges {
    pub text: Option<String>,
    pub evidence: Option<Option<String>>,
    pub verified: Option<i32>,
    pub votes: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, Default)]
pub struct RootCauseFilter {
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
}

/// The three kinds of link, as ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Links {
    pub complaint_ids: Vec<i32>,
    pub service_target_ids: Vec<i32>,
    pub requirement_ids: Vec<i32>,
}

/// Stakeholders see the analyses of their segments and those without a segment (about the
/// whole service).
fn visible(scope: &Scope, f: &RootCauseFilter) -> root_causes::BoxedQuery<'static, MultiBackend> {
    let mut query = root_causes::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(
            root_causes::segment_id
                .is_null()
                .or(root_causes::segment_id.eq_any(ids.clone())),
        );
    }
    if let Some(id) = f.segment_id {
        query = query.filter(root_causes::segment_id.eq(id));
    }
    if let Some(id) = f.service_area_id {
        query = query.filter(root_causes::service_area_id.eq(id));
    }
    query
}

/// Newest changed first.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    f: &RootCauseFilter,
    page: Page,
) -> QueryResult<(Vec<RootCauseRow>, i64)> {
    let items = visible(scope, f)
        .order((root_causes::updated_at.desc(), root_causes::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(RootCauseRow::as_select())
        .load(conn)?;
    let total = visible(scope, f).count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<RootCauseRow, AppError> {
    visible(scope, &RootCauseFilter::default())
        .filter(root_causes::id.eq(id))
        .select(RootCauseRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("root-cause analysis"))
}

/// Whether an analysis with this id exists (whoever may see it).
pub fn exists(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(root_causes::table.find(id))).get_result(conn)
}

pub fn insert(conn: &mut DbConnection, new: &NewRootCause) -> QueryResult<i32> {
    diesel::insert_into(root_causes::table)
        .values(new)
        .returning(root_causes::id)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &RootCauseChanges) -> QueryResult<usize> {
    diesel::update(root_causes::table.find(id)).set(changes).execute(conn)
}

/// Marks the analysis as changed (a cause added, edited or removed).
pub fn touch(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::update(root_causes::table.find(id))
        .set(root_causes::updated_at.eq(super::now()))
        .execute(conn)
}

/// Deletes an analysis; its categories, causes and links go with it.
pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(root_causes::table.find(id)).execute(conn)
}

pub fn categories(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<String>> {
    root_cause_categories::table
        .filter(root_cause_categories::root_cause_id.eq(id))
        .order(root_cause_categories::position.asc())
        .select(root_cause_categories::name)
        .load(conn)
}

pub fn set_categories(conn: &mut DbConnection, id: i32, names: &[String]) -> QueryResult<()> {
    diesel::delete(root_cause_categories::table.filter(root_cause_categories::root_cause_id.eq(id))).execute(conn)?;
    for (i, name) in names.iter().enumerate() {
        diesel::insert_into(root_cause_categories::table)
            .values((
                root_cause_categories::root_cause_id.eq(id),
                root_cause_categories::position.eq(i as i32),
                root_cause_categories::name.eq(name),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The causes of an analysis in drawing order.
pub fn causes(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<CauseRow>> {
    root_cause_causes::table
        .filter(root_cause_causes::root_cause_id.eq(id))
        .order((root_cause_causes::position.asc(), root_cause_causes::id.asc()))
        .select(CauseRow::as_select())
        .load(conn)
}

/// How many causes, and how many of them verified, each of `ids` has.
pub fn cause_counts(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    root_cause_causes::table
        .filter(root_cause_causes::root_cause_id.eq_any(ids.to_vec()))
        .select((root_cause_causes::root_cause_id, root_cause_causes::verified))
        .load(conn)
}

/// One cause of analysis `root_cause_id` (404 when it is not one of its causes).
pub fn cause(conn: &mut DbConnection, root_cause_id: i32, cause_id: i32) -> Result<CauseRow, AppError> {
    root_cause_causes::table
        .filter(root_cause_causes::root_cause_id.eq(root_cause_id))
        .filter(root_cause_causes::id.eq(cause_id))
        .select(CauseRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("cause"))
}

pub fn next_position(conn: &mut DbConnection, root_cause_id: i32) -> QueryResult<i32> {
    let max: Option<i32> = root_cause_causes::table
        .filter(root_cause_causes::root_cause_id.eq(root_cause_id))
        .select(diesel::dsl::max(root_cause_causes::position))
        .first(conn)?;
    Ok(max.map_or(0, |m| m + 1))
}

pub fn insert_cause(conn: &mut DbConnection, new: &NewCause) -> QueryResult<CauseRow> {
    let id: i32 = diesel::insert_into(root_cause_causes::table)
        .values(new)
        .returning(root_cause_causes::id)
        .get_result(conn)?;
    root_cause_causes::table
        .find(id)
        .select(CauseRow::as_select())
        .first(conn)
}

pub fn update_cause(conn: &mut DbConnection, id: i32, changes: &CauseChanges) -> QueryResult<CauseRow> {
    diesel::update(root_cause_causes::table.find(id))
        .set(changes)
        .execute(conn)?;
    root_cause_causes::table
        .find(id)
        .select(CauseRow::as_select())
        .first(conn)
}

/// Deletes a cause; its sub-causes go with it.
pub fn delete_cause(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(root_cause_causes::table.find(id)).execute(conn)
}

pub fn links(conn: &mut DbConnection, id: i32) -> QueryResult<Links> {
    Ok(Links {
        complaint_ids: root_cause_complaints::table
            .filter(root_cause_complaints::root_cause_id.eq(id))
            .order(root_cause_complaints::complaint_id.asc())
            .select(root_cause_complaints::complaint_id)
            .load(conn)?,
        service_target_ids: root_cause_service_targets::table
            .filter(root_cause_service_targets::root_cause_id.eq(id))
            .order(root_cause_service_targets::service_target_id.asc())
            .select(root_cause_service_targets::service_target_id)
            .load(conn)?,
        requirement_ids: root_cause_requirements::table
            .filter(root_cause_requirements::root_cause_id.eq(id))
            .order(root_cause_requirements::requirement_id.asc())
            .select(root_cause_requirements::requirement_id)
            .load(conn)?,
    })
}

pub fn set_links(conn: &mut DbConnection, id: i32, links: &Links) -> QueryResult<()> {
    diesel::delete(root_cause_complaints::table.filter(root_cause_complaints::root_cause_id.eq(id))).execute(conn)?;
    diesel::delete(root_cause_service_targets::table.filter(root_cause_service_targets::root_cause_id.eq(id)))
        .execute(conn)?;
    diesel::delete(root_cause_requirements::table.filter(root_cause_requirements::root_cause_id.eq(id)))
        .execute(conn)?;
    for c in &links.complaint_ids {
        diesel::insert_into(root_cause_complaints::table)
            .values((
                root_cause_complaints::root_cause_id.eq(id),
                root_cause_complaints::complaint_id.eq(*c),
            ))
            .execute(conn)?;
    }
    for t in &links.service_target_ids {
        diesel::insert_into(root_cause_service_targets::table)
            .values((
                root_cause_service_targets::root_cause_id.eq(id),
                root_cause_service_targets::service_target_id.eq(*t),
            ))
            .execute(conn)?;
    }
    for r in &links.requirement_ids {
        diesel::insert_into(root_cause_requirements::table)
            .values((
                root_cause_requirements::root_cause_id.eq(id),
                root_cause_requirements::requirement_id.eq(*r),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The segment of each of the complaints `ids` that exist.
pub fn complaint_segments(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    complaints::table
        .filter(complaints::id.eq_any(ids.to_vec()))
        .select((complaints::id, complaints::segment_id))
        .load(conn)
}

/// The segment (none: every segment) of each of the service targets `ids` that exist.
pub fn target_segments(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<(i32, Option<i32>)>> {
    service_targets::table
        .filter(service_targets::id.eq_any(ids.to_vec()))
        .select((service_targets::id, service_targets::segment_id))
        .load(conn)
}

/// Which of the requirements `ids` exist.
pub fn existing_requirements(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<i32>> {
    requirements::table
        .filter(requirements::id.eq_any(ids.to_vec()))
        .select(requirements::id)
        .load(conn)
}
