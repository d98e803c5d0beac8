//! Service improvement plans (DOMAIN.md, "Monitoring and improvement"): six to eight changes
//! per service process, each with an owner, due date, resources and policy change, reviewed and
//! signed off by the users of the plan's segments, approved by leadership, then closed. The
//! lifecycle rules are `crate::domain::improvement`'s; this module stores and audits.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{nullable, text, text_patch, unique_ids, validate, Context, Listing};
use crate::access::{Caller, ManagePlans, SignPlans};
use crate::db::audit::record_object;
use crate::db::improvement_plans::{
    self as store, ChangeChanges, ChangeRow, LinkKind, NewChange, NewPlan, PlanChanges, PlanFilter, PlanRow, SignOffRow,
};
use crate::db::schema::{segments as segments_table, service_areas as areas_table, users as users_table};
use crate::db::{require_reference, service_areas, DbConnection, Page, Scope};
use crate::domain::improvement::{
    self as rules, ChangeEdit, ChangeState, ChangeStatus, PlanAction, PlanStatus, Progress, Refusal,
};
use crate::error::{AppError, ErrorCode};

/// The most segments one plan names, and the most links of one kind a change has.
pub const MAX_SEGMENTS: usize = 50;
pub const MAX_LINKS: usize = 50;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    #[validate(length(min = 1, max = 200), custom(function = "super::not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// The service process the plan improves.
    pub service_area_id: i32,
    /// The segments whose stakeholders review and sign off the plan (1 to 50).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub segment_ids: Vec<i32>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub summary: Option<String>,
}

/// A draft's own fields (a plan in review or later is refused with 409).
#[derive(Deserialize, Validate, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlan {
    #[validate(length(min = 1, max = 200), custom(function = "super::not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    pub service_area_id: Option<i32>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub segment_ids: Option<Vec<i32>>,
    /// `null` or blank clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub summary: Option<Option<String>>,
}

/// What a change answers. Ids must exist (else 422 naming the field).
#[derive(Deserialize, Validate, Default, Clone, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinksInput {
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub requirement_ids: Vec<i32>,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub complaint_ids: Vec<i32>,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub service_target_ids: Vec<i32>,
    /// The root-cause analysis the change treats.
    pub root_cause_id: Option<i32>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChange {
    #[validate(length(min = 1, max = 200), custom(function = "super::not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// Who is responsible for the change: an active user.
    pub owner_id: i32,
    /// When it will be completed.
    pub due_on: NaiveDate,
    /// What resources it needs.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub resources: Option<String>,
    /// What policy change it needs.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub policy_change: Option<String>,
    #[validate(nested)]
    pub links: Option<LinksInput>,
}

/// Scope (adding, removing, retitling) only in draft; details and progress until closed.
#[derive(Deserialize, Validate, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChange {
    #[validate(length(min = 1, max = 200), custom(function = "super::not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<Option<String>>,
    pub owner_id: Option<i32>,
    pub due_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub resources: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub policy_change: Option<Option<String>>,
    /// Replaces the change's links.
    #[validate(nested)]
    pub links: Option<LinksInput>,
    pub status: Option<ChangeStatus>,
    /// When it was done: required with `done`, not in the future; `null` clears it. Leaving
    /// `done` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub done_on: Option<Option<NaiveDate>>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeLinks {
    pub requirement_ids: Vec<i32>,
    pub complaint_ids: Vec<i32>,
    pub service_target_ids: Vec<i32>,
    /// The root-cause analysis the change came from or treats.
    pub root_cause_id: Option<i32>,
    /// The verified cause of that analysis the change was made from.
    pub cause_id: Option<i32>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    pub id: i32,
    pub plan_id: i32,
    /// Its place in the plan, from 1.
    pub position: i32,
    pub title: String,
    pub description: Option<String>,
    pub owner_id: i32,
    pub owner_email: String,
    pub due_on: NaiveDate,
    pub resources: Option<String>,
    pub policy_change: Option<String>,
    pub status: ChangeStatus,
    pub done_on: Option<NaiveDate>,
    /// Due before today and neither done nor dropped.
    pub overdue: bool,
    pub links: ChangeLinks,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlanSegment {
    pub id: i32,
    pub name: String,
    /// Whether the segment's stakeholders have signed the plan off.
    pub signed_off: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlanSignOff {
    pub segment_id: i32,
    pub segment_name: String,
    pub user_id: i32,
    pub user_email: String,
    #[serde(serialize_with = "crate::db::utc")]
    pub signed_at: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub id: i32,
    pub title: String,
    pub service_area_id: i32,
    pub service_area_name: String,
    pub summary: Option<String>,
    pub status: PlanStatus,
    pub segment_ids: Vec<i32>,
    pub segments: Vec<PlanSegment>,
    pub changes: Vec<ChangeView>,
    /// Done, dropped and all changes; `overdue` lists the ids of changes due before today and
    /// neither done nor dropped.
    pub progress: Progress,
    /// "a plan has six to eight changes" while it has fewer than six; otherwise null.
    pub size_hint: Option<&'static str>,
    /// Who signed off for which segment, and when.
    pub sign_offs: Vec<PlanSignOff>,
    /// The plan's segments that have not signed off yet.
    pub awaiting_sign_off: Vec<i32>,
    pub created_by: Option<i32>,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc_opt")]
    pub submitted_at: Option<NaiveDateTime>,
    pub approved_by: Option<i32>,
    #[serde(serialize_with = "crate::db::utc_opt")]
    pub approved_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::db::utc_opt")]
    pub closed_at: Option<NaiveDateTime>,
}

/// How a refusal of the domain's rules answers at the edge.
pub fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::Conflict(m) => AppError::conflict(ErrorCode::InvalidState, m),
        Refusal::Invalid { field, message } => AppError::field(field, message),
        Refusal::TooManyChanges => {
            let message = r.message();
            let mut fields = crate::error::FieldErrors::new();
            fields.insert("changes".to_owned(), vec![message.clone()]);
            AppError::Invalid {
                status: actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                code: ErrorCode::TooManyChanges,
                message,
                fields,
            }
        }
        Refusal::Forbidden(_) => AppError::Forbidden,
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn plan_status(row: &PlanRow) -> Result<PlanStatus, AppError> {
    PlanStatus::parse(&row.status).ok_or_else(|| AppError::internal(format!("plan {} has unknown status", row.id)))
}

fn change_status(row: &ChangeRow) -> Result<ChangeStatus, AppError> {
    ChangeStatus::parse(&row.status).ok_or_else(|| AppError::internal(format!("change {} has unknown status", row.id)))
}

fn names(conn: &mut DbConnection, table: &str, ids: Vec<i32>) -> Result<HashMap<i32, String>, AppError> {
    use diesel::prelude::*;
    Ok(match table {
        "segments" => segments_table::table
            .filter(segments_table::id.eq_any(ids))
            .select((segments_table::id, segments_table::name))
            .load::<(i32, String)>(conn)?,
        "areas" => areas_table::table
            .filter(areas_table::id.eq_any(ids))
            .select((areas_table::id, areas_table::name))
            .load::<(i32, String)>(conn)?,
        _ => users_table::table
            .filter(users_table::id.eq_any(ids))
            .select((users_table::id, users_table::email))
            .load::<(i32, String)>(conn)?,
    }
    .into_iter()
    .collect())
}

fn grouped(pairs: Vec<(i32, i32)>) -> HashMap<i32, Vec<i32>> {
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for (k, v) in pairs {
        out.entry(k).or_default().push(v);
    }
    out
}

/// Changes with their owners' e-mails and links, in the given order.
fn change_views(conn: &mut DbConnection, rows: Vec<ChangeRow>, today: NaiveDate) -> Result<Vec<ChangeView>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|c| c.id).collect();
    let emails = names(conn, "users", rows.iter().map(|c| c.owner_id).collect())?;
    let mut requirements = grouped(store::links_of(conn, LinkKind::Requirement, &ids)?);
    let mut complaints = grouped(store::links_of(conn, LinkKind::Complaint, &ids)?);
    let mut targets = grouped(store::links_of(conn, LinkKind::ServiceTarget, &ids)?);
    rows.into_iter()
        .map(|c| {
            let status = change_status(&c)?;
            let overdue = !rules::progress(
                &[ChangeState {
                    id: c.id,
                    status,
                    due_on: c.due_on,
                }],
                today,
            )
            .overdue
            .is_empty();
            Ok(ChangeView {
                id: c.id,
                plan_id: c.plan_id,
                position: c.position,
                owner_email: emails.get(&c.owner_id).cloned().unwrap_or_default(),
                links: ChangeLinks {
                    requirement_ids: requirements.remove(&c.id).unwrap_or_default(),
                    complaint_ids: complaints.remove(&c.id).unwrap_or_default(),
                    service_target_ids: targets.remove(&c.id).unwrap_or_default(),
                    root_cause_id: c.root_cause_id,
                    cause_id: c.cause_id,
                },
                title: c.title,
                description: c.description,
                owner_id: c.owner_id,
                due_on: c.due_on,
                resources: c.resources,
                policy_change: c.policy_change,
                status,
                done_on: c.done_on,
                overdue,
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
        })
        .collect()
}

/// Plans with their names, segments, changes, progress and sign-offs, in a few queries.
fn views(conn: &mut DbConnection, rows: Vec<PlanRow>) -> Result<Vec<PlanView>, AppError> {
    let today = today();
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let mut segments = grouped(store::segments_of(conn, &ids)?);
    let mut changes: HashMap<i32, Vec<ChangeView>> = HashMap::new();
    let change_rows = store::changes_of(conn, &ids)?;
    for c in change_views(conn, change_rows, today)? {
        changes.entry(c.plan_id).or_default().push(c);
    }
    let mut signoffs: HashMap<i32, Vec<SignOffRow>> = HashMap::new();
    for s in store::signoffs_of(conn, &ids)? {
        signoffs.entry(s.plan_id).or_default().push(s);
    }
    let segment_names = names(conn, "segments", segments.values().flatten().copied().collect())?;
    let area_names = names(conn, "areas", rows.iter().map(|p| p.service_area_id).collect())?;
    rows.into_iter()
        .map(|p| {
            let status = plan_status(&p)?;
            let segment_ids = segments.remove(&p.id).unwrap_or_default();
            let changes = changes.remove(&p.id).unwrap_or_default();
            let signoffs = signoffs.remove(&p.id).unwrap_or_default();
            let signed: Vec<i32> = signoffs.iter().map(|s| s.segment_id).collect();
            let name = |id: i32| segment_names.get(&id).cloned().unwrap_or_default();
            let states: Vec<ChangeState> = changes
                .iter()
                .map(|c| ChangeState {
                    id: c.id,
                    status: c.status,
                    due_on: c.due_on,
                })
                .collect();
            Ok(PlanView {
                id: p.id,
                service_area_name: area_names.get(&p.service_area_id).cloned().unwrap_or_default(),
                segments: segment_ids
                    .iter()
                    .map(|&id| PlanSegment {
                        id,
                        name: name(id),
                        signed_off: signed.contains(&id),
                    })
                    .collect(),
                awaiting_sign_off: rules::awaiting_sign_off(&segment_ids, &signed),
                progress: rules::progress(&states, today),
                size_hint: rules::size_hint(changes.len()),
                sign_offs: signoffs
                    .into_iter()
                    .map(|s| PlanSignOff {
                        segment_name: name(s.segment_id),
                        segment_id: s.segment_id,
                        user_id: s.user_id,
                        user_email: s.user_email,
                        signed_at: s.signed_at,
                    })
                    .collect(),
                segment_ids,
                changes,
                title: p.title,
                service_area_id: p.service_area_id,
                summary: p.summary,
                status,
                created_by: p.created_by,
                created_at: p.created_at,
                updated_at: p.updated_at,
                submitted_at: p.submitted_at,
                approved_by: p.approved_by,
                approved_at: p.approved_at,
                closed_at: p.closed_at,
            })
        })
        .collect()
}

fn view(conn: &mut DbConnection, row: PlanRow) -> Result<PlanView, AppError> {
    Ok(views(conn, vec![row])?.remove(0))
}

fn check_plan_refs(
    conn: &mut DbConnection,
    service_area_id: Option<i32>,
    segment_ids: Option<&[i32]>,
) -> Result<(), AppError> {
    if let Some(id) = service_area_id {
        require_reference(service_areas::exists(conn, id)?, "service_area_id", "service area")?;
    }
    if let Some(ids) = segment_ids {
        super::require_segments(conn, "segment_ids", ids)?;
    }
    Ok(())
}

/// A change's owner: an active account.
fn check_owner(conn: &mut DbConnection, owner_id: i32) -> Result<(), AppError> {
    let ok = crate::db::users::get(conn, owner_id).is_ok_and(|u| !u.disabled);
    require_reference(ok, "owner_id", "active user")
}

/// The links, each id once; 422 naming `links.<field>` for an id that names nothing.
fn check_links(conn: &mut DbConnection, links: &LinksInput) -> Result<LinksInput, AppError> {
    let links = LinksInput {
        requirement_ids: unique_ids(links.requirement_ids.clone()),
        complaint_ids: unique_ids(links.complaint_ids.clone()),
        service_target_ids: unique_ids(links.service_target_ids.clone()),
        root_cause_id: links.root_cause_id,
    };
    for (kind, field, what, ids) in [
        (
            LinkKind::Requirement,
            "links.requirement_ids",
            "requirement",
            &links.requirement_ids,
        ),
        (
            LinkKind::Complaint,
            "links.complaint_ids",
            "complaint",
            &links.complaint_ids,
        ),
        (
            LinkKind::ServiceTarget,
            "links.service_target_ids",
            "service target",
            &links.service_target_ids,
        ),
    ] {
        let missing = store::missing(conn, kind, ids)?;
        if !missing.is_empty() {
            let list = missing.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
            return Err(AppError::field(field, format!("no such {what}: {list}")));
        }
    }
    if let Some(analysis) = links.root_cause_id {
        crate::db::require_reference(
            crate::db::root_causes::exists(conn, analysis)?,
            "links.root_cause_id",
            "root-cause analysis",
        )?;
    }
    Ok(links)
}

fn set_links(conn: &mut DbConnection, change_id: i32, links: &LinksInput) -> Result<(), AppError> {
    store::set_links(conn, LinkKind::Requirement, change_id, &links.requirement_ids)?;
    store::set_links(conn, LinkKind::Complaint, change_id, &links.complaint_ids)?;
    store::set_links(conn, LinkKind::ServiceTarget, change_id, &links.service_target_ids)?;
    Ok(())
}

fn change_view(conn: &mut DbConnection, row: ChangeRow) -> Result<ChangeView, AppError> {
    Ok(change_views(conn, vec![row], today())?.remove(0))
}

fn touch(conn: &mut DbConnection, plan_id: i32) -> Result<(), AppError> {
    store::update(
        conn,
        plan_id,
        &PlanChanges {
            updated_at: Some(crate::db::now()),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// One page of the plans the caller may see (stakeholders: those naming their segments),
/// newest first.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: PlanFilter,
    page: Page,
) -> Result<Listing<PlanView>, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let (rows, total) = store::list(c, &scope, &filter, page)?;
            Ok(Listing {
                items: views(c, rows)?,
                total,
            })
        })
        .await
}

/// A plan with its changes, progress and sign-offs (404 outside the caller's segments).
pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<PlanView, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let row = store::get(c, id, &scope)?;
            view(c, row)
        })
        .await
}

/// Drafts a plan for a service area, to be signed off by the named segments.
pub async fn create(ctx: &Context, caller: &Caller, input: CreatePlan) -> Result<PlanView, AppError> {
    caller.authorize::<ManagePlans>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let segment_ids = unique_ids(input.segment_ids);
            check_plan_refs(c, Some(input.service_area_id), Some(&segment_ids))?;
            let row = store::insert(
                c,
                &NewPlan {
                    title: input.title.trim().to_owned(),
                    service_area_id: input.service_area_id,
                    summary: text(input.summary),
                    status: PlanStatus::Draft.as_str().to_owned(),
                    created_by: (!caller.is_system()).then_some(caller.id),
                },
                &segment_ids,
            )?;
            let plan = view(c, row)?;
            record_object(c, &caller, "create", "improvement_plan", plan.id, &plan)?;
            Ok(plan)
        })
        .await
}

/// Edits a draft's title, service area, segments or summary.
pub async fn update(ctx: &Context, caller: &Caller, id: i32, input: UpdatePlan) -> Result<PlanView, AppError> {
    caller.authorize::<ManagePlans>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let row = store::get(c, id, &Scope::All)?;
            rules::transition(plan_status(&row)?, PlanAction::Edit)
                .map_err(|m| refused(Refusal::Conflict(m.into())))?;
            let segment_ids = input.segment_ids.map(unique_ids);
            check_plan_refs(c, input.service_area_id, segment_ids.as_deref())?;
            if let Some(ids) = &segment_ids {
                store::set_segments(c, id, ids)?;
            }
            let row = store::update(
                c,
                id,
                &PlanChanges {
                    title: input.title.map(|t| t.trim().to_owned()),
                    service_area_id: input.service_area_id,
                    summary: text_patch(input.summary),
                    updated_at: Some(crate::db::now()),
                    ..Default::default()
                },
            )?;
            let plan = view(c, row)?;
            record_object(c, &caller, "update", "improvement_plan", id, &plan)?;
            Ok(plan)
        })
        .await
}

/// Deletes a draft (a plan once submitted is a record: 409).
pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManagePlans>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let row = store::get(c, id, &Scope::All)?;
            if plan_status(&row)? != PlanStatus::Draft {
                return Err(AppError::conflict(
                    ErrorCode::InvalidState,
                    "only a draft can be deleted; close the plan instead",
                ));
            }
            let plan = view(c, row)?;
            store::delete(c, id)?;
            record_object(c, &caller, "delete", "improvement_plan", id, &plan)?;
            Ok(())
        })
        .await
}

/// Adds a change to a plan, inside the caller's write transaction: the API, the pages and a
/// root-cause analysis's "turn this cause into a change" all come through here. `origin` is
/// the (root-cause analysis, cause) the change was made from; it overrides
/// `links.root_cause_id`. Authorizes (leadership, admin), validates, checks the plan's state
/// and size (409 after submission, 422 `too_many_changes` for a ninth) and audits.
pub fn add_change_in(
    c: &mut DbConnection,
    caller: &Caller,
    plan_id: i32,
    input: CreateChange,
    origin: Option<(i32, i32)>,
) -> Result<ChangeView, AppError> {
    caller.authorize::<ManagePlans>()?;
    validate(&input)?;
    let plan = store::get(c, plan_id, &caller.scope())?;
    let existing = store::count_changes(c, plan_id)? as usize;
    rules::check_add_change(plan_status(&plan)?, existing).map_err(refused)?;
    check_owner(c, input.owner_id)?;
    let links = check_links(c, &input.links.unwrap_or_default())?;
    let (root_cause_id, cause_id) = match origin {
        Some((analysis, cause)) => (Some(analysis), Some(cause)),
        None => (links.root_cause_id, None),
    };
    let position = store::next_position(c, plan_id)?;
    let row = store::insert_change(
        c,
        &NewChange {
            plan_id,
            position,
            title: input.title.trim().to_owned(),
            description: text(input.description),
            owner_id: input.owner_id,
            due_on: input.due_on,
            resources: text(input.resources),
            policy_change: text(input.policy_change),
            status: ChangeStatus::Planned.as_str().to_owned(),
            root_cause_id,
            cause_id,
        },
    )?;
    set_links(c, row.id, &links)?;
    touch(c, plan_id)?;
    let change = change_view(c, row)?;
    record_object(c, caller, "create", "improvement_plan_change", change.id, &change)?;
    Ok(change)
}

/// [`add_change_in`] in a write transaction of its own.
pub async fn add_change(
    ctx: &Context,
    caller: &Caller,
    plan_id: i32,
    input: CreateChange,
) -> Result<ChangeView, AppError> {
    caller.authorize::<ManagePlans>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| add_change_in(c, &caller, plan_id, input, None))
        .await
}

/// Edits a change. What the edit does decides whether the plan's state allows it: retitling
/// only in draft, details and progress until the plan is closed.
pub async fn update_change(
    ctx: &Context,
    caller: &Caller,
    plan_id: i32,
    change_id: i32,
    input: UpdateChange,
) -> Result<ChangeView, AppError> {
    caller.authorize::<ManagePlans>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let plan = store::get(c, plan_id, &Scope::All)?;
            let status = plan_status(&plan)?;
            let row = store::get_change(c, plan_id, change_id)?;
            let title = input.title.as_deref().map(str::trim).map(str::to_owned);
            let retitle = title.as_ref().is_some_and(|t| *t != row.title);
            let details = input.description.is_some()
                || input.owner_id.is_some()
                || input.due_on.is_some()
                || input.resources.is_some()
                || input.policy_change.is_some()
                || input.links.is_some();
            let progress = input.status.is_some() || input.done_on.is_some();
            for (edit, wanted) in [
                (ChangeEdit::Retitle, retitle),
                (ChangeEdit::Details, details),
                (ChangeEdit::Progress, progress),
            ] {
                if wanted {
                    rules::check_change_edit(status, edit).map_err(refused)?;
                }
            }
            if let Some(owner) = input.owner_id {
                check_owner(c, owner)?;
            }
            let links = input.links.as_ref().map(|l| check_links(c, l)).transpose()?;
            let old_status = change_status(&row)?;
            let new_status = input.status.unwrap_or(old_status);
            let done_on = match input.done_on {
                Some(d) => d,
                // A change that leaves `done` loses its date.
                None if new_status != ChangeStatus::Done => None,
                None => row.done_on,
            };
            if progress {
                rules::check_change_status(new_status, done_on, today()).map_err(refused)?;
            }
            let updated = store::update_change(
                c,
                plan_id,
                change_id,
                &ChangeChanges {
                    title: if retitle { title } else { None },
                    description: text_patch(input.description),
                    owner_id: input.owner_id,
                    due_on: input.due_on,
                    resources: text_patch(input.resources),
                    policy_change: text_patch(input.policy_change),
                    status: progress.then(|| new_status.as_str().to_owned()),
                    done_on: progress.then_some(done_on),
                    root_cause_id: links.as_ref().map(|l| l.root_cause_id.or(row.root_cause_id)),
                    updated_at: Some(crate::db::now()),
                },
            )?;
            if let Some(links) = &links {
                set_links(c, change_id, links)?;
            }
            touch(c, plan_id)?;
            let change = change_view(c, updated)?;
            record_object(c, &caller, "update", "improvement_plan_change", change_id, &change)?;
            Ok(change)
        })
        .await
}

/// Removes a change from a draft.
pub async fn delete_change(ctx: &Context, caller: &Caller, plan_id: i32, change_id: i32) -> Result<(), AppError> {
    caller.authorize::<ManagePlans>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let plan = store::get(c, plan_id, &Scope::All)?;
            let row = store::get_change(c, plan_id, change_id)?;
            rules::check_change_edit(plan_status(&plan)?, ChangeEdit::Remove).map_err(refused)?;
            let change = change_view(c, row)?;
            store::delete_change(c, change_id)?;
            touch(c, plan_id)?;
            record_object(c, &caller, "delete", "improvement_plan_change", change_id, &change)?;
            Ok(())
        })
        .await
}

/// A lifecycle step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanStep {
    /// Leadership sends the draft for review (it needs a change).
    Submit,
    /// A stakeholder signs off for each of their segments the plan names.
    SignOff,
    /// Leadership agrees it once every named segment has signed off.
    Approve,
    Close,
}

impl PlanStep {
    pub fn name(self) -> &'static str {
        match self {
            PlanStep::Submit => "submit",
            PlanStep::SignOff => "sign_off",
            PlanStep::Approve => "approve",
            PlanStep::Close => "close",
        }
    }
}

/// Applies one lifecycle step: 403 for a role the step is not for, 404 for a plan outside the
/// caller's segments, 409 `invalid_state` out of order, 422 for a submission without changes.
pub async fn step(ctx: &Context, caller: &Caller, id: i32, step: PlanStep) -> Result<PlanView, AppError> {
    match step {
        PlanStep::SignOff => caller.authorize::<SignPlans>()?,
        _ => caller.authorize::<ManagePlans>()?,
    }
    let (caller, scope) = (caller.clone(), caller.scope());
    ctx.db
        .write(move |c| {
            let row = store::get(c, id, &scope)?;
            let status = plan_status(&row)?;
            let plan_segments: Vec<i32> = store::segments_of(c, &[id])?.into_iter().map(|(_, s)| s).collect();
            let signed: Vec<i32> = store::signoffs_of(c, &[id])?
                .into_iter()
                .map(|s| s.segment_id)
                .collect();
            let now = crate::db::now();
            let changes = match step {
                PlanStep::Submit => {
                    let count = store::count_changes(c, id)? as usize;
                    let next = rules::submit(status, count).map_err(refused)?;
                    PlanChanges {
                        status: Some(next.as_str().to_owned()),
                        submitted_at: Some(Some(now)),
                        ..Default::default()
                    }
                }
                PlanStep::SignOff => {
                    let segments =
                        rules::sign_off(status, &plan_segments, &caller.segment_ids, &signed).map_err(refused)?;
                    for segment in segments {
                        store::sign(c, id, segment, caller.id, &caller.email)?;
                    }
                    PlanChanges::default()
                }
                PlanStep::Approve => {
                    let next = rules::approve(status, &plan_segments, &signed).map_err(refused)?;
                    PlanChanges {
                        status: Some(next.as_str().to_owned()),
                        approved_at: Some(Some(now)),
                        approved_by: Some((!caller.is_system()).then_some(caller.id)),
                        ..Default::default()
                    }
                }
                PlanStep::Close => {
                    let next = rules::transition(status, PlanAction::Close)
                        .map_err(|m| refused(Refusal::Conflict(m.into())))?;
                    PlanChanges {
                        status: Some(next.as_str().to_owned()),
                        closed_at: Some(Some(now)),
                        ..Default::default()
                    }
                }
            };
            let row = store::update(
                c,
                id,
                &PlanChanges {
                    updated_at: Some(now),
                    ..changes
                },
            )?;
            let plan = view(c, row)?;
            record_object(c, &caller, step.name(), "improvement_plan", id, &plan)?;
            Ok(plan)
        })
        .await
}
