//! Complaints: logged by anyone in a segment (stakeholders for their own segments, staff for
//! any), given a reference, owned, acknowledged, resolved and reopened; and the two headline
//! metrics, how many and how fast, per month, category, segment or service area.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{not_blank, nullable, text, text_patch, validate, Context, Listing};
use crate::access::{Caller, FileComplaint, ManageComplaints};
use crate::db::audit::record_object;
use crate::db::complaints::{
    self, Complaint, ComplaintChanges, ComplaintFilter, ComplaintStepRow, NewComplaint, NewStep, StepChanges,
};
use crate::db::schema::{segments as segments_table, service_areas as areas_table, users as users_table};
use crate::db::{require_reference, requirements, segments, service_areas, DbConnection, Page, Scope};
use crate::domain::complaint_stats::{
    apply, complaint_stats, ComplaintGroup, ComplaintRecord, ComplaintState, ComplaintStatus, ComplaintStep, StepError,
};
use crate::domain::terms::{ComplaintChannel, Role};
use crate::error::AppError;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComplaint {
    pub segment_id: i32,
    /// What went wrong, in the user's words.
    #[validate(length(min = 1, max = 4000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub summary: String,
    pub channel: ComplaintChannel,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub category: Option<String>,
    /// When it reached IT (default now); not in the future.
    pub received_at: Option<DateTime<Utc>>,
    pub service_area_id: Option<i32>,
    pub requirement_id: Option<i32>,
    /// The user who owns it (staff only).
    pub owner_id: Option<i32>,
}

/// Staff change what a complaint is about and who owns it; its life cycle has its own steps.
#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateComplaint {
    #[validate(length(min = 1, max = 4000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub category: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub service_area_id: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    pub requirement_id: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    pub owner_id: Option<Option<i32>>,
}

/// `acknowledge`: optionally back-dated.
#[derive(Deserialize, Validate, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeComplaint {
    /// When it happened, for a complaint logged after the fact (default now): not in the
    /// future, not before the previous step.
    pub at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveComplaint {
    /// What was done.
    #[validate(length(min = 1, max = 4000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub resolution: String,
    /// When it happened (default now): not in the future, not before the previous step.
    pub at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, Validate, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenComplaint {
    /// Why it is not resolved after all.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub reason: Option<String>,
}

/// A life-cycle step as the operations take it.
pub enum Step {
    Acknowledge(AcknowledgeComplaint),
    Resolve(ResolveComplaint),
    Reopen(ReopenComplaint),
}

/// A complaint with the names behind its ids, and its history when read on its own.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ComplaintView {
    #[serde(flatten)]
    pub complaint: Complaint,
    pub segment_name: String,
    pub service_area_name: Option<String>,
    pub requirement_key: Option<String>,
    pub owner_email: Option<String>,
    /// Every step so far, oldest first (the single-complaint read only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<ComplaintStepRow>>,
}

/// Names for the ids of a batch of complaints, in four small queries.
fn views(conn: &mut DbConnection, rows: Vec<Complaint>) -> Result<Vec<ComplaintView>, AppError> {
    use diesel::prelude::*;
    let ids = |f: fn(&Complaint) -> Option<i32>| -> Vec<i32> {
        let mut v: Vec<i32> = rows.iter().filter_map(f).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (seg_ids, area_ids, req_ids, owner_ids) = (
        ids(|c| Some(c.segment_id)),
        ids(|c| c.service_area_id),
        ids(|c| c.requirement_id),
        ids(|c| c.owner_id),
    );
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
    let keys = requirements::keys(conn, &req_ids)?;
    let emails: HashMap<i32, String> = users_table::table
        .filter(users_table::id.eq_any(owner_ids))
        .select((users_table::id, users_table::email))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|c| ComplaintView {
            segment_name: seg_names.get(&c.segment_id).cloned().unwrap_or_default(),
            service_area_name: c.service_area_id.and_then(|id| area_names.get(&id).cloned()),
            requirement_key: c.requirement_id.and_then(|id| keys.get(&id).cloned()),
            owner_email: c.owner_id.and_then(|id| emails.get(&id).cloned()),
            history: None,
            complaint: c,
        })
        .collect())
}

fn view(conn: &mut DbConnection, row: Complaint, with_history: bool) -> Result<ComplaintView, AppError> {
    let history = if with_history {
        Some(complaints::history(conn, row.id)?)
    } else {
        None
    };
    let mut v = views(conn, vec![row])?.remove(0);
    v.history = history;
    Ok(v)
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn status_of(c: &Complaint) -> Result<ComplaintStatus, AppError> {
    ComplaintStatus::parse(&c.status)
        .ok_or_else(|| AppError::internal(format!("complaint {} has unknown status", c.id)))
}

fn state_of(c: &Complaint) -> Result<ComplaintState, AppError> {
    Ok(ComplaintState {
        status: status_of(c)?,
        received_at: utc(c.received_at),
        acknowledged_at: c.acknowledged_at.map(utc),
        resolved_at: c.resolved_at.map(utc),
        reopened_at: c.reopened_at.map(utc),
    })
}

/// Who may own a complaint: an active account that can see it (staff, or a stakeholder of
/// its segment).
fn check_owner(conn: &mut DbConnection, owner_id: i32, segment_id: i32) -> Result<(), AppError> {
    let user = crate::db::users::get(conn, owner_id).ok();
    let ok = user.is_some_and(|u| !u.disabled && (u.role != Role::Stakeholder || u.segment_ids.contains(&segment_id)));
    require_reference(ok, "owner_id", "active user who can see the complaint")
}

fn check_links(
    conn: &mut DbConnection,
    scope: &Scope,
    segment_id: i32,
    service_area_id: Option<i32>,
    requirement_id: Option<i32>,
    owner_id: Option<i32>,
) -> Result<(), AppError> {
    if let Some(id) = service_area_id {
        require_reference(service_areas::exists(conn, id)?, "service_area_id", "service area")?;
    }
    if let Some(id) = requirement_id {
        require_reference(
            requirements::get(conn, id, scope).is_ok(),
            "requirement_id",
            "requirement",
        )?;
    }
    if let Some(id) = owner_id {
        check_owner(conn, id, segment_id)?;
    }
    Ok(())
}

/// One page of the complaints the caller may see, newest received first.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: ComplaintFilter,
    page: Page,
) -> Result<Listing<ComplaintView>, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let (rows, total) = complaints::list(c, &scope, &filter, page)?;
            Ok(Listing {
                items: views(c, rows)?,
                total,
            })
        })
        .await
}

/// A complaint with its history (404 outside the caller's segments).
pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<ComplaintView, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let row = complaints::get(c, id, &scope)?;
            view(c, row, true)
        })
        .await
}

/// Logs a complaint with the next reference of the year. Stakeholders file for their own
/// segments only (another segment does not exist for them) and assign no owner.
pub async fn create(ctx: &Context, caller: &Caller, input: CreateComplaint) -> Result<ComplaintView, AppError> {
    caller.authorize::<FileComplaint>()?;
    validate(&input)?;
    let scope = caller.scope();
    if !scope.allows(input.segment_id) {
        return Err(AppError::NotFound("segment"));
    }
    let staff = caller.may::<ManageComplaints>();
    if !staff && input.owner_id.is_some() {
        return Err(AppError::field("owner_id", "only staff assign an owner"));
    }
    let now = Utc::now();
    let received_at = input.received_at.unwrap_or(now);
    if received_at > now {
        return Err(AppError::field("received_at", "must not be in the future"));
    }
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            require_reference(
                segments::missing(c, &[input.segment_id])?.is_empty(),
                "segment_id",
                "segment",
            )?;
            check_links(
                c,
                &scope,
                input.segment_id,
                input.service_area_id,
                input.requirement_id,
                input.owner_id,
            )?;
            // The year it is logged in: references follow the order complaints are entered.
            let reference = complaints::next_reference(c, now.year())?;
            let new = NewComplaint {
                reference,
                segment_id: input.segment_id,
                summary: input.summary.trim().to_owned(),
                channel: input.channel.as_str().to_owned(),
                category: text(input.category),
                status: ComplaintStatus::Open.as_str().to_owned(),
                received_at: received_at.naive_utc(),
                service_area_id: input.service_area_id,
                requirement_id: input.requirement_id,
                owner_id: input.owner_id,
            };
            let row = complaints::insert(c, &new)?;
            complaints::add_step(
                c,
                &NewStep {
                    complaint_id: row.id,
                    step: "receive",
                    at: row.received_at,
                    actor_id: (!caller.is_system()).then_some(caller.id),
                    actor_email: &caller.email,
                    note: None,
                },
            )?;
            record_object(c, &caller, "create", "complaint", row.id, &row)?;
            view(c, row, true)
        })
        .await
}

/// Staff change the summary, category, service area, requirement or owner.
pub async fn update(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: UpdateComplaint,
) -> Result<ComplaintView, AppError> {
    caller.authorize::<ManageComplaints>()?;
    validate(&input)?;
    let changes = ComplaintChanges {
        summary: input.summary.map(|s| s.trim().to_owned()),
        category: text_patch(input.category),
        service_area_id: input.service_area_id,
        requirement_id: input.requirement_id,
        owner_id: input.owner_id,
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = complaints::get(c, id, &Scope::All)?;
            check_links(
                c,
                &Scope::All,
                existing.segment_id,
                changes.service_area_id.flatten(),
                changes.requirement_id.flatten(),
                changes.owner_id.flatten(),
            )?;
            let row = complaints::update(c, id, &changes)?;
            record_object(c, &caller, "update", "complaint", id, &row)?;
            view(c, row, true)
        })
        .await
}

/// Acknowledge, resolve or reopen. Staff and the complaint's owner act; a stakeholder may
/// reopen their own segment's complaint. Out of order: 409; a back-dated `at` in the future or
/// before the previous step: 422 on `at`.
pub async fn step(ctx: &Context, caller: &Caller, id: i32, step: Step) -> Result<ComplaintView, AppError> {
    match &step {
        Step::Acknowledge(input) => validate(input)?,
        Step::Resolve(input) => validate(input)?,
        Step::Reopen(input) => validate(input)?,
    }
    let scope = caller.scope();
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let row = complaints::get(c, id, &scope)?;
            let staff = caller.may::<ManageComplaints>();
            let owner = row.owner_id == Some(caller.id) && !caller.is_system();
            let reopen_own = matches!(step, Step::Reopen(_)) && scope.allows(row.segment_id);
            if !(staff || owner || reopen_own) {
                return Err(AppError::Forbidden);
            }
            let state = state_of(&row)?;
            let (domain_step, note, name) = match &step {
                Step::Acknowledge(a) => (ComplaintStep::Acknowledge { at: a.at }, None, "acknowledge"),
                Step::Resolve(r) => (
                    ComplaintStep::Resolve { at: r.at },
                    Some(r.resolution.trim().to_owned()),
                    "resolve",
                ),
                Step::Reopen(r) => (ComplaintStep::Reopen, text(r.reason.clone()), "reopen"),
            };
            let next = apply(&state, domain_step, Utc::now()).map_err(|e| match e {
                StepError::OutOfOrder { .. } => {
                    AppError::conflict(crate::error::ErrorCode::InvalidState, e.to_string())
                }
                StepError::InFuture | StepError::BeforePrevious { .. } => AppError::field("at", e.to_string()),
            })?;
            let at = match domain_step {
                ComplaintStep::Acknowledge { .. } => next.acknowledged_at,
                ComplaintStep::Resolve { .. } => next.resolved_at,
                ComplaintStep::Reopen => next.reopened_at,
            }
            .unwrap_or_else(Utc::now);
            let resolution = match &step {
                Step::Resolve(_) => note.clone(),
                Step::Reopen(_) => None,
                Step::Acknowledge(_) => row.resolution.clone(),
            };
            let changes = StepChanges {
                status: next.status.as_str().to_owned(),
                acknowledged_at: next.acknowledged_at.map(|t| t.naive_utc()),
                resolved_at: next.resolved_at.map(|t| t.naive_utc()),
                reopened_at: next.reopened_at.map(|t| t.naive_utc()),
                resolution,
                updated_at: crate::db::now(),
            };
            let row = complaints::set_step(c, id, &changes)?;
            complaints::add_step(
                c,
                &NewStep {
                    complaint_id: id,
                    step: name,
                    at: at.naive_utc(),
                    actor_id: (!caller.is_system()).then_some(caller.id),
                    actor_email: &caller.email,
                    note: note.as_deref(),
                },
            )?;
            record_object(c, &caller, name, "complaint", id, &row)?;
            view(c, row, true)
        })
        .await
}

/// How the statistics group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    #[default]
    Month,
    Category,
    Segment,
    ServiceArea,
}

/// The statistics, one group per key that received complaints, sorted by key.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ComplaintStats {
    pub groups: Vec<ComplaintGroup>,
}

/// The name complaints without a category or service area are grouped under.
pub const NONE_KEY: &str = "(none)";

/// How many complaints were received from `from` to `to` (by `received_at`, both days
/// inclusive) and how fast they were acknowledged and resolved, per group. Stakeholders: their
/// segments only (another segment's id finds nothing).
pub async fn stats(
    ctx: &Context,
    caller: &Caller,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    segment_id: Option<i32>,
    group_by: GroupBy,
) -> Result<ComplaintStats, AppError> {
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::bad_request(
                crate::error::ErrorCode::InvalidQuery,
                "from: must not be after to",
                Some("from"),
            ));
        }
    }
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            use diesel::prelude::*;
            let rows = complaints::stat_rows(c, &scope, segment_id, from, to)?;
            let names: HashMap<i32, String> = match group_by {
                GroupBy::Segment => segments_table::table
                    .select((segments_table::id, segments_table::name))
                    .load::<(i32, String)>(c)?
                    .into_iter()
                    .collect(),
                GroupBy::ServiceArea => areas_table::table
                    .select((areas_table::id, areas_table::name))
                    .load::<(i32, String)>(c)?
                    .into_iter()
                    .collect(),
                _ => HashMap::new(),
            };
            let records: Vec<ComplaintRecord> = rows
                .into_iter()
                .map(|(segment, area, category, received, ack, resolved)| {
                    let key = match group_by {
                        GroupBy::Month => received.format("%Y-%m").to_string(),
                        GroupBy::Category => category.unwrap_or_else(|| NONE_KEY.to_owned()),
                        GroupBy::Segment => names.get(&segment).cloned().unwrap_or_default(),
                        GroupBy::ServiceArea => area
                            .and_then(|a| names.get(&a).cloned())
                            .unwrap_or_else(|| NONE_KEY.to_owned()),
                    };
                    ComplaintRecord {
                        key,
                        received_at: utc(received),
                        acknowledged_at: ack.map(utc),
                        resolved_at: resolved.map(utc),
                    }
                })
                .collect();
            Ok(ComplaintStats {
                groups: complaint_stats(&records),
            })
        })
        .await
}
