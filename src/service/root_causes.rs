//! Root-cause (fishbone) analyses: a problem, the bones of a category set (6M, 4S, 8P or a
//! custom list), causes and sub-causes nested to any depth, verified root causes, and links to
//! the complaints, service targets and requirements that show the problem. Written by
//! facilitators, leadership and admins; read by stakeholders of the analysis's segment (an
//! analysis without a segment concerns the whole service and is read by everyone signed in).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::improvement_plans::{self, refused, ChangeView, CreateChange};
use super::{not_blank, nullable, require_segments, text, text_patch, unique_ids, validate, Context, Listing};
use crate::access::{Caller, ManageRootCauses};
use crate::db::audit::record_object;
use crate::db::root_causes::{
    self as db, CauseChanges, CauseRow, Links, NewCause, NewRootCause, RootCauseChanges, RootCauseFilter, RootCauseRow,
};
use crate::db::schema::{segments as segments_table, service_areas as areas_table};
use crate::db::{require_reference, service_areas, DbConnection, Page, Scope};
use crate::domain::improvement::{categories, check_cause, CategorySet};
use crate::error::AppError;
use crate::render::fishbone;

/// The longest category name of a custom set.
pub const MAX_CATEGORY_LEN: usize = 60;

fn category_names(names: &[String]) -> Result<(), ValidationError> {
    if names.iter().any(|n| n.chars().count() > MAX_CATEGORY_LEN) {
        return Err(ValidationError::new("length").with_message("a category name has at most 60 characters".into()));
    }
    Ok(())
}

/// What an analysis is linked to (each list replaces the stored one).
#[derive(Clone, Debug, Default, Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinksInput {
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub complaint_ids: Vec<i32>,
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub service_target_ids: Vec<i32>,
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub requirement_ids: Vec<i32>,
}

impl LinksInput {
    fn into_links(self) -> Links {
        Links {
            complaint_ids: unique_ids(self.complaint_ids),
            service_target_ids: unique_ids(self.service_target_ids),
            requirement_ids: unique_ids(self.requirement_ids),
        }
    }
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRootCause {
    /// The problem at the fishbone's head: the effect, not a cause.
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub problem: String,
    /// The segment that has the problem (none: the whole service; readable by everyone).
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
    pub category_set: CategorySet,
    /// Required for `custom` (1 to 12 unique names); a named set takes its own names.
    #[validate(length(max = 12), custom(function = "category_names"))]
    #[schema(max_items = 12)]
    pub categories: Option<Vec<String>>,
    #[validate(nested)]
    pub links: Option<LinksInput>,
}

/// Changes the problem, scope, categories or links. New categories must still hold every cause.
#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRootCause {
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub problem: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub segment_id: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    pub service_area_id: Option<Option<i32>>,
    pub category_set: Option<CategorySet>,
    #[validate(length(max = 12), custom(function = "category_names"))]
    #[schema(max_items = 12)]
    pub categories: Option<Vec<String>>,
    #[validate(nested)]
    pub links: Option<LinksInput>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCause {
    /// One of the analysis's `categories` (a sub-cause: its parent's).
    #[validate(length(min = 1, max = 60))]
    #[schema(min_length = 1, max_length = 60)]
    pub category: String,
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub text: String,
    /// A cause of the same analysis this one explains further (any depth).
    pub parent_id: Option<i32>,
    /// What shows this is a cause (data, an observation, a ticket).
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub evidence: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCause {
    #[validate(length(min = 1, max = 500), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub evidence: Option<Option<String>>,
    /// Verified as a root cause (marked on the fishbone).
    pub verified: Option<bool>,
    /// How many people in the session pointed at this cause.
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub votes: Option<i32>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CauseView {
    pub id: i32,
    pub root_cause_id: i32,
    pub parent_id: Option<i32>,
    pub category: String,
    pub text: String,
    pub evidence: Option<String>,
    pub verified: bool,
    pub votes: i32,
    /// Drawing order within the analysis.
    pub position: i32,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<CauseRow> for CauseView {
    fn from(r: CauseRow) -> Self {
        CauseView {
            id: r.id,
            root_cause_id: r.root_cause_id,
            parent_id: r.parent_id,
            category: r.category,
            text: r.text,
            evidence: r.evidence,
            verified: r.verified != 0,
            votes: r.votes,
            position: r.position,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An analysis with its categories, links and (read on its own) its causes.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RootCauseView {
    pub id: i32,
    pub problem: String,
    pub segment_id: Option<i32>,
    pub segment_name: Option<String>,
    pub service_area_id: Option<i32>,
    pub service_area_name: Option<String>,
    pub category_set: CategorySet,
    /// The bones, in order: the set's names or the custom list.
    pub categories: Vec<String>,
    pub links: Links,
    pub cause_count: usize,
    pub verified_count: usize,
    /// Every cause in drawing order (the single read and the writes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub causes: Option<Vec<CauseView>>,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: NaiveDateTime,
}

fn set_of(row: &RootCauseRow) -> Result<CategorySet, AppError> {
    CategorySet::parse(&row.category_set)
        .ok_or_else(|| AppError::internal(format!("analysis {} has an unknown category set", row.id)))
}

fn views(conn: &mut DbConnection, rows: Vec<RootCauseRow>, with_causes: bool) -> Result<Vec<RootCauseView>, AppError> {
    use diesel::prelude::*;
    let seg_ids: Vec<i32> = rows.iter().filter_map(|r| r.segment_id).collect();
    let area_ids: Vec<i32> = rows.iter().filter_map(|r| r.service_area_id).collect();
    let seg_names: HashMap<i32, String> = segments_table::table
        .filter(segments_table::id.eq_any(seg_ids))
        .select((segments_table::id, segments_table::name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let area_names: HashMap<i32, String> = areas_table::table
        .filter(areas_table::id.eq_any(area_ids))
        .select((areas_table::id, areas_table::name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut counts: HashMap<i32, (usize, usize)> = HashMap::new();
    for (id, verified) in db::cause_counts(conn, &ids)? {
        let e = counts.entry(id).or_default();
        e.0 += 1;
        e.1 += usize::from(verified != 0);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (cause_count, verified_count) = counts.get(&r.id).copied().unwrap_or_default();
        let causes = if with_causes {
            Some(db::causes(conn, r.id)?.into_iter().map(CauseView::from).collect())
        } else {
            None
        };
        out.push(RootCauseView {
            id: r.id,
            problem: r.problem.clone(),
            segment_id: r.segment_id,
            segment_name: r.segment_id.and_then(|s| seg_names.get(&s).cloned()),
            service_area_id: r.service_area_id,
            service_area_name: r.service_area_id.and_then(|a| area_names.get(&a).cloned()),
            category_set: set_of(&r)?,
            categories: db::categories(conn, r.id)?,
            links: db::links(conn, r.id)?,
            cause_count,
            verified_count,
            causes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        });
    }
    Ok(out)
}

fn view(conn: &mut DbConnection, id: i32, scope: &Scope) -> Result<RootCauseView, AppError> {
    let row = db::get(conn, id, scope)?;
    Ok(views(conn, vec![row], true)?.remove(0))
}

/// Every link must exist; an analysis of one segment links only that segment's complaints and
/// targets (a target without a segment serves them all).
fn check_links(conn: &mut DbConnection, segment_id: Option<i32>, links: &Links) -> Result<(), AppError> {
    let list = |ids: &[i32]| ids.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    let complaints: HashMap<i32, i32> = db::complaint_segments(conn, &links.complaint_ids)?
        .into_iter()
        .collect();
    let missing: Vec<i32> = links
        .complaint_ids
        .iter()
        .copied()
        .filter(|id| !complaints.contains_key(id))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::field(
            "links.complaint_ids",
            format!("no such complaint: {}", list(&missing)),
        ));
    }
    let targets: HashMap<i32, Option<i32>> = db::target_segments(conn, &links.service_target_ids)?
        .into_iter()
        .collect();
    let missing: Vec<i32> = links
        .service_target_ids
        .iter()
        .copied()
        .filter(|id| !targets.contains_key(id))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::field(
            "links.service_target_ids",
            format!("no such service target: {}", list(&missing)),
        ));
    }
    let found = db::existing_requirements(conn, &links.requirement_ids)?;
    let missing: Vec<i32> = links
        .requirement_ids
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::field(
            "links.requirement_ids",
            format!("no such requirement: {}", list(&missing)),
        ));
    }
    if let Some(s) = segment_id {
        let other: Vec<i32> = complaints
            .iter()
            .filter(|(_, seg)| **seg != s)
            .map(|(id, _)| *id)
            .collect();
        if !other.is_empty() {
            return Err(AppError::field(
                "links.complaint_ids",
                format!("complaints of another segment than the analysis's: {}", list(&other)),
            ));
        }
        let other: Vec<i32> = targets
            .iter()
            .filter(|(_, seg)| seg.is_some_and(|t| t != s))
            .map(|(id, _)| *id)
            .collect();
        if !other.is_empty() {
            return Err(AppError::field(
                "links.service_target_ids",
                format!(
                    "service targets of another segment than the analysis's: {}",
                    list(&other)
                ),
            ));
        }
    }
    Ok(())
}

fn check_scope(conn: &mut DbConnection, segment_id: Option<i32>, service_area_id: Option<i32>) -> Result<(), AppError> {
    if let Some(s) = segment_id {
        require_segments(conn, "segment_id", &[s])?;
    }
    if let Some(a) = service_area_id {
        require_reference(service_areas::exists(conn, a)?, "service_area_id", "service area")?;
    }
    Ok(())
}

/// One page of the analyses the caller may see, newest changed first.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: RootCauseFilter,
    page: Page,
) -> Result<Listing<RootCauseView>, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let (rows, total) = db::list(c, &scope, &filter, page)?;
            Ok(Listing {
                items: views(c, rows, false)?,
                total,
            })
        })
        .await
}

/// An analysis with its causes (404 outside the caller's sight).
pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<RootCauseView, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| view(c, id, &scope)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateRootCause) -> Result<RootCauseView, AppError> {
    caller.authorize::<ManageRootCauses>()?;
    validate(&input)?;
    let names = categories(input.category_set, input.categories.as_deref()).map_err(refused)?;
    let links = input.links.unwrap_or_default().into_links();
    let new = NewRootCause {
        problem: input.problem.trim().to_owned(),
        segment_id: input.segment_id,
        service_area_id: input.service_area_id,
        category_set: input.category_set.as_str().to_owned(),
        created_by: (!caller.is_system()).then_some(caller.id),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            check_scope(c, new.segment_id, new.service_area_id)?;
            check_links(c, new.segment_id, &links)?;
            let id = db::insert(c, &new)?;
            db::set_categories(c, id, &names)?;
            db::set_links(c, id, &links)?;
            let v = view(c, id, &Scope::All)?;
            record_object(c, &caller, "create", "root_cause", id, &v)?;
            Ok(v)
        })
        .await
}

pub async fn update(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: UpdateRootCause,
) -> Result<RootCauseView, AppError> {
    caller.authorize::<ManageRootCauses>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = db::get(c, id, &Scope::All)?;
            let relink = input.links.is_some() || input.segment_id.is_some();
            let segment_id = input.segment_id.unwrap_or(existing.segment_id);
            let service_area_id = input.service_area_id.unwrap_or(existing.service_area_id);
            check_scope(c, segment_id, service_area_id)?;
            let links = match input.links {
                Some(l) => l.into_links(),
                None => db::links(c, id)?,
            };
            check_links(c, segment_id, &links)?;
            let mut changes = RootCauseChanges {
                problem: input.problem.map(|p| p.trim().to_owned()),
                segment_id: input.segment_id,
                service_area_id: input.service_area_id,
                updated_at: Some(crate::db::now()),
                ..Default::default()
            };
            if input.category_set.is_some() || input.categories.is_some() {
                let set = match input.category_set {
                    Some(s) => s,
                    None => set_of(&existing)?,
                };
                let names = categories(set, input.categories.as_deref()).map_err(refused)?;
                let left_out: Vec<String> = db::causes(c, id)?
                    .into_iter()
                    .filter(|cause| !names.contains(&cause.category))
                    .map(|cause| cause.category)
                    .collect();
                if let Some(first) = left_out.first() {
                    return Err(AppError::field(
                        "categories",
                        format!("causes are filed under \"{first}\", which the new categories leave out"),
                    ));
                }
                db::set_categories(c, id, &names)?;
                changes.category_set = Some(set.as_str().to_owned());
            }
            db::update(c, id, &changes)?;
            if relink {
                db::set_links(c, id, &links)?;
            }
            let v = view(c, id, &Scope::All)?;
            record_object(c, &caller, "update", "root_cause", id, &v)?;
            Ok(v)
        })
        .await
}

/// Deletes an analysis with its causes and links.
pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageRootCauses>()?;
    super::delete_audited(
        ctx,
        caller,
        "root_cause",
        id,
        |c, id| view(c, id, &Scope::All),
        db::delete,
    )
    .await
}

/// One cause of an analysis the caller may see (404 when either is not there, or the cause is
/// another analysis's). For use inside a transaction, e.g. when a cause becomes a plan change.
pub fn cause_in(
    conn: &mut DbConnection,
    caller: &Caller,
    root_cause_id: i32,
    cause_id: i32,
) -> Result<CauseView, AppError> {
    db::get(conn, root_cause_id, &caller.scope())?;
    Ok(db::cause(conn, root_cause_id, cause_id)?.into())
}

/// Adds a cause (201). Its category must be one of the analysis's, and a sub-cause's its
/// parent's; the parent must be a cause of the same analysis.
pub async fn add_cause(ctx: &Context, caller: &Caller, id: i32, input: CreateCause) -> Result<CauseView, AppError> {
    caller.authorize::<ManageRootCauses>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            db::get(c, id, &Scope::All)?;
            let names = db::categories(c, id)?;
            let parent = match input.parent_id {
                Some(p) => Some(
                    db::cause(c, id, p).map_err(|_| AppError::field("parent_id", "no such cause in this analysis"))?,
                ),
                None => None,
            };
            let category = input.category.trim().to_owned();
            check_cause(&names, &category, parent.as_ref().map(|p| p.category.as_str())).map_err(refused)?;
            let new = NewCause {
                root_cause_id: id,
                category,
                text: input.text.trim().to_owned(),
                parent_id: input.parent_id,
                evidence: text(input.evidence),
                position: db::next_position(c, id)?,
            };
            let row: CauseView = db::insert_cause(c, &new)?.into();
            db::touch(c, id)?;
            record_object(c, &caller, "create", "root_cause_cause", row.id, &row)?;
            Ok(row)
        })
        .await
}

/// Verifies (or un-verifies) a cause, counts its votes, rewords it.
pub async fn update_cause(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    cause_id: i32,
    input: UpdateCause,
) -> Result<CauseView, AppError> {
    caller.authorize::<ManageRootCauses>()?;
    validate(&input)?;
    let changes = CauseChanges {
        text: input.text.map(|t| t.trim().to_owned()),
        evidence: text_patch(input.evidence),
        verified: input.verified.map(i32::from),
        votes: input.votes,
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            db::get(c, id, &Scope::All)?;
            db::cause(c, id, cause_id)?;
            let row: CauseView = db::update_cause(c, cause_id, &changes)?.into();
            db::touch(c, id)?;
            record_object(c, &caller, "update", "root_cause_cause", cause_id, &row)?;
            Ok(row)
        })
        .await
}

/// Removes a cause with its sub-causes.
pub async fn delete_cause(ctx: &Context, caller: &Caller, id: i32, cause_id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageRootCauses>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            db::get(c, id, &Scope::All)?;
            let row: CauseView = db::cause(c, id, cause_id)?.into();
            db::delete_cause(c, cause_id)?;
            db::touch(c, id)?;
            record_object(c, &caller, "delete", "root_cause_cause", cause_id, &row)?;
            Ok(())
        })
        .await
}

/// The analysis's Ishikawa diagram as SVG.
pub async fn fishbone(ctx: &Context, caller: &Caller, id: i32) -> Result<String, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let row = db::get(c, id, &scope)?;
            let names = db::categories(c, id)?;
            let causes: Vec<fishbone::Cause> = db::causes(c, id)?
                .into_iter()
                .map(|r| fishbone::Cause {
                    id: r.id,
                    parent_id: r.parent_id,
                    category: r.category,
                    text: r.text,
                    verified: r.verified != 0,
                })
                .collect();
            Ok(fishbone::render(&fishbone::layout(&row.problem, &names, &causes)))
        })
        .await
}

/// What `POST /root-causes/{id}/causes/{cause_id}/change` takes: the plan to add the change to,
/// and the change (the fields of `POST /improvement-plans/{id}/changes`).
#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CauseToChange {
    /// The improvement plan that takes the change (a draft: its scope is frozen after).
    pub plan_id: i32,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    pub owner_id: i32,
    pub due_on: chrono::NaiveDate,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub resources: Option<String>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub policy_change: Option<String>,
    /// Further links (`root_cause_id` is this analysis whatever is given).
    #[validate(nested)]
    pub links: Option<improvement_plans::LinksInput>,
}

/// Turns a cause into the change that treats it: a new change of the plan, its
/// `links.root_cause_id` this analysis and `links.cause_id` the cause. Plan managers only
/// (leadership, admin); the cause must be one the caller may see.
pub async fn make_change(
    ctx: &Context,
    caller: &Caller,
    root_cause_id: i32,
    cause_id: i32,
    input: CauseToChange,
) -> Result<ChangeView, AppError> {
    caller.authorize::<crate::access::ManagePlans>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            cause_in(c, &caller, root_cause_id, cause_id)?;
            let change = CreateChange {
                title: input.title,
                description: input.description,
                owner_id: input.owner_id,
                due_on: input.due_on,
                resources: input.resources,
                policy_change: input.policy_change,
                // The analysis is this one, whatever the body says.
                links: input.links.map(|links| improvement_plans::LinksInput {
                    root_cause_id: None,
                    ..links
                }),
            };
            improvement_plans::add_change_in(c, &caller, input.plan_id, change, Some((root_cause_id, cause_id)))
                .map_err(|e| match e {
                    // The plan is named in the body: a missing one is the body's fault.
                    AppError::NotFound(_) => AppError::field("plan_id", "no such improvement plan"),
                    other => other,
                })
        })
        .await
}
