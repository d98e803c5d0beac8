//! Stored service improvement plans: the plan, the segments that sign it off, its changes with
//! what each answers (requirements, complaints, service targets), and the sign-offs.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    improvement_change_complaints as change_complaints, improvement_change_requirements as change_requirements,
    improvement_change_targets as change_targets, improvement_plan_changes as changes,
    improvement_plan_segments as plan_segments, improvement_plan_signoffs as signoffs, improvement_plans as plans,
};
use super::{DbConnection, MultiBackend, Page, Scope};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: i32,
    pub title: String,
    pub service_area_id: i32,
    pub summary: Option<String>,
    pub status: String,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub approved_by: Option<i32>,
    pub approved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = plans)]
pub struct NewPlan {
    pub title: String,
    pub service_area_id: i32,
    pub summary: Option<String>,
    pub status: String,
    pub created_by: Option<i32>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = plans)]
pub struct PlanChanges {
    pub title: Option<String>,
    pub service_area_id: Option<i32>,
    pub summary: Option<Option<String>>,
    pub status: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub approved_by: Option<Option<i32>>,
    pub approved_at: Option<Option<NaiveDateTime>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = changes)]
pub struct ChangeRow {
    pub id: i32,
    pub plan_id: i32,
    pub position: i32,
    pub title: String,
    pub description: Option<String>,
    pub owner_id: i32,
    pub due_on: NaiveDate,
    pub resources: Option<String>,
    pub policy_change: Option<String>,
    pub status: String,
    pub done_on: Option<NaiveDate>,
    pub root_cause_id: Option<i32>,
    pub cause_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = changes)]
pub struct NewChange {
    pub plan_id: i32,
    pub position: i32,
    pub title: String,
    pub description: Option<String>,
    pub owner_id: i32,
    pub due_on: NaiveDate,
    pub resources: Option<String>,
    pub policy_change: Option<String>,
    pub status: String,
    pub root_cause_id: Option<i32>,
    pub cause_id: Option<i32>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = changes)]
pub struct ChangeChanges {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub owner_id: Option<i32>,
    pub due_on: Option<NaiveDate>,
    pub resources: Option<Option<String>>,
    pub policy_change: Option<Option<String>>,
    pub status: Option<String>,
    pub done_on: Option<Option<NaiveDate>>,
    pub root_cause_id: Option<Option<i32>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = signoffs)]
pub struct SignOffRow {
    pub id: i32,
    pub plan_id: i32,
    pub segment_id: i32,
    pub user_id: i32,
    pub user_email: String,
    pub signed_at: NaiveDateTime,
}

/// What a change answers, by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Requirement,
    Complaint,
    ServiceTarget,
}

#[derive(Clone, Debug, Default)]
pub struct PlanFilter {
    pub status: Option<String>,
    pub service_area_id: Option<i32>,
    pub segment_id: Option<i32>,
}

/// The ids of the plans naming any of `segment_ids`.
fn plans_naming(conn: &mut DbConnection, segment_ids: &[i32]) -> QueryResult<Vec<i32>> {
    let mut ids: Vec<i32> = plan_segments::table
        .filter(plan_segments::segment_id.eq_any(segment_ids.to_vec()))
        .select(plan_segments::plan_id)
        .load(conn)?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Plans the scope sees (stakeholders: those naming one of their segments) and the filter keeps.
fn visible(
    conn: &mut DbConnection,
    scope: &Scope,
    f: &PlanFilter,
) -> QueryResult<plans::BoxedQuery<'static, MultiBackend>> {
    let mut query = plans::table.into_boxed();
    if let Scope::Segments(ids) = scope {
        query = query.filter(plans::id.eq_any(plans_naming(conn, ids)?));
    }
    if let Some(id) = f.segment_id {
        query = query.filter(plans::id.eq_any(plans_naming(conn, &[id])?));
    }
    if let Some(s) = &f.status {
        query = query.filter(plans::status.eq(s.clone()));
    }
    if let Some(id) = f.service_area_id {
        query = query.filter(plans::service_area_id.eq(id));
    }
    Ok(query)
}

/// Newest first.
pub fn list(conn: &mut DbConnection, scope: &Scope, f: &PlanFilter, page: Page) -> QueryResult<(Vec<PlanRow>, i64)> {
    let items = visible(conn, scope, f)?
        .order((plans::created_at.desc(), plans::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(PlanRow::as_select())
        .load(conn)?;
    let total = visible(conn, scope, f)?.count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<PlanRow, AppError> {
    visible(conn, scope, &PlanFilter::default())?
        .filter(plans::id.eq(id))
        .select(PlanRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("improvement plan"))
}

pub fn insert(conn: &mut DbConnection, new: &NewPlan, segment_ids: &[i32]) -> Result<PlanRow, AppError> {
    let id: i32 = diesel::insert_into(plans::table)
        .values(new)
        .returning(plans::id)
        .get_result(conn)?;
    set_segments(conn, id, segment_ids)?;
    get(conn, id, &Scope::All)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &PlanChanges) -> Result<PlanRow, AppError> {
    diesel::update(plans::table.find(id)).set(changes).execute(conn)?;
    get(conn, id, &Scope::All)
}

/// Removes a plan with its segments, changes, links and sign-offs.
pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    let change_ids: Vec<i32> = changes::table
        .filter(changes::plan_id.eq(id))
        .select(changes::id)
        .load(conn)?;
    delete_links(conn, &change_ids)?;
    diesel::delete(changes::table.filter(changes::plan_id.eq(id))).execute(conn)?;
    diesel::delete(signoffs::table.filter(signoffs::plan_id.eq(id))).execute(conn)?;
    diesel::delete(plan_segments::table.filter(plan_segments::plan_id.eq(id))).execute(conn)?;
    diesel::delete(plans::table.find(id)).execute(conn)
}

/// The plans' segments as (plan, segment), in each plan's order.
pub fn segments_of(conn: &mut DbConnection, plan_ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    plan_segments::table
        .filter(plan_segments::plan_id.eq_any(plan_ids.to_vec()))
        .order((plan_segments::plan_id.asc(), plan_segments::position.asc()))
        .select((plan_segments::plan_id, plan_segments::segment_id))
        .load(conn)
}

pub fn set_segments(conn: &mut DbConnection, plan_id: i32, segment_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(plan_segments::table.filter(plan_segments::plan_id.eq(plan_id))).execute(conn)?;
    for (position, segment_id) in segment_ids.iter().enumerate() {
        diesel::insert_into(plan_segments::table)
            .values((
                plan_segments::plan_id.eq(plan_id),
                plan_segments::segment_id.eq(segment_id),
                plan_segments::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The plans' changes, each plan's in its order.
pub fn changes_of(conn: &mut DbConnection, plan_ids: &[i32]) -> QueryResult<Vec<ChangeRow>> {
    changes::table
        .filter(changes::plan_id.eq_any(plan_ids.to_vec()))
        .order((changes::plan_id.asc(), changes::position.asc(), changes::id.asc()))
        .select(ChangeRow::as_select())
        .load(conn)
}

pub fn count_changes(conn: &mut DbConnection, plan_id: i32) -> QueryResult<i64> {
    changes::table
        .filter(changes::plan_id.eq(plan_id))
        .count()
        .get_result(conn)
}

pub fn get_change(conn: &mut DbConnection, plan_id: i32, change_id: i32) -> Result<ChangeRow, AppError> {
    changes::table
        .filter(changes::plan_id.eq(plan_id))
        .filter(changes::id.eq(change_id))
        .select(ChangeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("change"))
}

pub fn insert_change(conn: &mut DbConnection, new: &NewChange) -> Result<ChangeRow, AppError> {
    let id: i32 = diesel::insert_into(changes::table)
        .values(new)
        .returning(changes::id)
        .get_result(conn)?;
    get_change(conn, new.plan_id, id)
}

/// The position after the plan's last change.
pub fn next_position(conn: &mut DbConnection, plan_id: i32) -> QueryResult<i32> {
    let max: Option<i32> = changes::table
        .filter(changes::plan_id.eq(plan_id))
        .select(diesel::dsl::max(changes::position))
        .first(conn)?;
    Ok(max.map_or(1, |m| m + 1))
}

pub fn update_change(
    conn: &mut DbConnection,
    plan_id: i32,
    change_id: i32,
    c: &ChangeChanges,
) -> Result<ChangeRow, AppError> {
    diesel::update(changes::table.find(change_id)).set(c).execute(conn)?;
    get_change(conn, plan_id, change_id)
}

pub fn delete_change(conn: &mut DbConnection, change_id: i32) -> QueryResult<usize> {
    delete_links(conn, &[change_id])?;
    diesel::delete(changes::table.find(change_id)).execute(conn)
}

fn delete_links(conn: &mut DbConnection, change_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(change_requirements::table.filter(change_requirements::change_id.eq_any(change_ids.to_vec())))
        .execute(conn)?;
    diesel::delete(change_complaints::table.filter(change_complaints::change_id.eq_any(change_ids.to_vec())))
        .execute(conn)?;
    diesel::delete(change_targets::table.filter(change_targets::change_id.eq_any(change_ids.to_vec())))
        .execute(conn)?;
    Ok(())
}

/// The changes' links of one kind as (change, linked id), in id order.
pub fn links_of(conn: &mut DbConnection, kind: LinkKind, change_ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    let ids = change_ids.to_vec();
    match kind {
        LinkKind::Requirement => change_requirements::table
            .filter(change_requirements::change_id.eq_any(ids))
            .order((change_requirements::change_id, change_requirements::requirement_id))
            .select((change_requirements::change_id, change_requirements::requirement_id))
            .load(conn),
        LinkKind::Complaint => change_complaints::table
            .filter(change_complaints::change_id.eq_any(ids))
            .order((change_complaints::change_id, change_complaints::complaint_id))
            .select((change_complaints::change_id, change_complaints::complaint_id))
            .load(conn),
        LinkKind::ServiceTarget => change_targets::table
            .filter(change_targets::change_id.eq_any(ids))
            .order((change_targets::change_id, change_targets::service_target_id))
            .select((change_targets::change_id, change_targets::service_target_id))
            .load(conn),
    }
}

/// Replaces a change's links of one kind.
pub fn set_links(conn: &mut DbConnection, kind: LinkKind, change_id: i32, ids: &[i32]) -> QueryResult<()> {
    match kind {
        LinkKind::Requirement => {
            diesel::delete(change_requirements::table.filter(change_requirements::change_id.eq(change_id)))
                .execute(conn)?;
            for id in ids {
                diesel::insert_into(change_requirements::table)
                    .values((
                        change_requirements::change_id.eq(change_id),
                        change_requirements::requirement_id.eq(id),
                    ))
                    .execute(conn)?;
            }
        }
        LinkKind::Complaint => {
            diesel::delete(change_complaints::table.filter(change_complaints::change_id.eq(change_id)))
                .execute(conn)?;
            for id in ids {
                diesel::insert_into(change_complaints::table)
                    .values((
                        change_complaints::change_id.eq(change_id),
                        change_complaints::complaint_id.eq(id),
                    ))
                    .execute(conn)?;
            }
        }
        LinkKind::ServiceTarget => {
            diesel::delete(change_targets::table.filter(change_targets::change_id.eq(change_id))).execute(conn)?;
            for id in ids {
                diesel::insert_into(change_targets::table)
                    .values((
                        change_targets::change_id.eq(change_id),
                        change_targets::service_target_id.eq(id),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Which of `ids` name no object of `kind`.
pub fn missing(conn: &mut DbConnection, kind: LinkKind, ids: &[i32]) -> QueryResult<Vec<i32>> {
    use super::schema::{complaints, requirements, service_targets};
    let found: Vec<i32> = match kind {
        LinkKind::Requirement => requirements::table
            .filter(requirements::id.eq_any(ids.to_vec()))
            .select(requirements::id)
            .load(conn)?,
        LinkKind::Complaint => complaints::table
            .filter(complaints::id.eq_any(ids.to_vec()))
            .select(complaints::id)
            .load(conn)?,
        LinkKind::ServiceTarget => service_targets::table
            .filter(service_targets::id.eq_any(ids.to_vec()))
            .select(service_targets::id)
            .load(conn)?,
    };
    Ok(ids.iter().copied().filter(|id| !found.contains(id)).collect())
}

/// The plans' sign-offs, oldest first.
pub fn signoffs_of(conn: &mut DbConnection, plan_ids: &[i32]) -> QueryResult<Vec<SignOffRow>> {
    signoffs::table
        .filter(signoffs::plan_id.eq_any(plan_ids.to_vec()))
        .order((signoffs::signed_at.asc(), signoffs::id.asc()))
        .select(SignOffRow::as_select())
        .load(conn)
}

/// Records that `user` signed the plan off for `segment_id`.
pub fn sign(conn: &mut DbConnection, plan_id: i32, segment_id: i32, user_id: i32, email: &str) -> QueryResult<()> {
    diesel::insert_into(signoffs::table)
        .values((
            signoffs::plan_id.eq(plan_id),
            signoffs::segment_id.eq(segment_id),
            signoffs::user_id.eq(user_id),
            signoffs::user_email.eq(email),
            signoffs::signed_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}
