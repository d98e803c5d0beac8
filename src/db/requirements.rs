use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{answer_counts, assessments, findings, requirements};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Clone, Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = requirements)]
pub struct Requirement {
    pub id: i32,
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub service_area_id: i32,
    pub metric: Option<String>,
    pub unit: Option<String>,
    #[schema(value_type = Option<crate::domain::terms::Direction>)]
    pub direction: Option<String>,
    pub target: Option<f64>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = requirements)]
pub struct NewRequirement {
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub service_area_id: i32,
    pub metric: Option<String>,
    pub unit: Option<String>,
    pub direction: Option<String>,
    pub target: Option<f64>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = requirements)]
pub struct RequirementChanges {
    pub key: Option<String>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub service_area_id: Option<i32>,
    pub metric: Option<Option<String>>,
    pub unit: Option<Option<String>>,
    pub direction: Option<Option<String>>,
    pub target: Option<Option<f64>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// What a list of requirements may be narrowed to.
#[derive(Clone, Debug, Default)]
pub struct RequirementFilter {
    pub service_area_id: Option<i32>,
    /// Part of the key or title, in any case.
    pub search: Option<String>,
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Requirements are a shared catalogue, but a stakeholder sees only those that concern their
/// segments (a finding, an assessment or questionnaire answers of one of them): what another segment asked for is
/// that segment's business.
pub fn visible(scope: &Scope, service_area_id: Option<i32>) -> requirements::BoxedQuery<'static, MultiBackend> {
    let mut query = requirements::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        let found = findings::table
            .filter(findings::segment_id.eq_any(ids.clone()))
            .select(findings::requirement_id);
        let assessed = assessments::table
            .filter(assessments::segment_id.eq_any(ids.clone()))
            .select(assessments::requirement_id);
        // Answered: a grid of answer counts exists (one per segment, requirement and wave).
        let answered = answer_counts::table
            .filter(answer_counts::segment_id.eq_any(ids.clone()))
            .select(answer_counts::requirement_id);
        query = query.filter(
            requirements::id
                .eq_any(found)
                .or(requirements::id.eq_any(assessed))
                .or(requirements::id.eq_any(answered)),
        );
    }
    if let Some(area) = service_area_id {
        query = query.filter(requirements::service_area_id.eq(area));
    }
    query
}

fn filtered(scope: &Scope, f: &RequirementFilter) -> requirements::BoxedQuery<'static, MultiBackend> {
    let mut query = visible(scope, f.service_area_id);
    if let Some(search) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // LIKE's wildcards in what was typed match themselves.
        let escaped: String = search
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let pattern = format!("%{escaped}%");
        query = query.filter(
            lower(requirements::key)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(requirements::title).like(pattern).escape('\\')),
        );
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &RequirementFilter,
    page: Page,
) -> QueryResult<(Vec<Requirement>, i64)> {
    let items = filtered(scope, filter)
        .order(requirements::key.asc())
        .limit(page.limit)
        .offset(page.offset)
        .select(Requirement::as_select())
        .load(conn)?;
    let total = filtered(scope, filter).count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<Requirement, AppError> {
    let found = match scope {
        // A query of fixed shape, so the connection prepares it once (a boxed one is prepared
        // on every call), and without `first`: SQLite prepares a statement whose `LIMIT` is a
        // bound parameter again every time it is bound (issue 16: 14 900 → 20 300 requests/s).
        Scope::All => requirements::table
            .find(id)
            .select(Requirement::as_select())
            .get_result(conn)
            .optional()?,
        Scope::Segments(_) => visible(scope, None)
            .filter(requirements::id.eq(id))
            .select(Requirement::as_select())
            .first(conn)
            .optional()?,
    };
    found.ok_or(AppError::NotFound("requirement"))
}

pub fn insert(conn: &mut DbConnection, new: &NewRequirement) -> QueryResult<Requirement> {
    diesel::insert_into(requirements::table)
        .values(new)
        .returning(requirements::all_columns)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &RequirementChanges) -> QueryResult<Requirement> {
    diesel::update(requirements::table.find(id))
        .set(changes)
        .returning(requirements::all_columns)
        .get_result(conn)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(requirements::table.find(id)).execute(conn)
}

/// Keys of the given requirements.
pub fn keys(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<std::collections::HashMap<i32, String>> {
    let rows: Vec<(i32, String)> = requirements::table
        .filter(requirements::id.eq_any(ids.to_vec()))
        .select((requirements::id, requirements::key))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Requirements that can be measured: a metric, a target and a direction.
pub fn all_measurable(conn: &mut DbConnection) -> QueryResult<Vec<Requirement>> {
    requirements::table
        .filter(requirements::metric.is_not_null())
        .filter(requirements::target.is_not_null())
        .filter(requirements::direction.is_not_null())
        .order(requirements::id.asc())
        .select(Requirement::as_select())
        .load(conn)
}
