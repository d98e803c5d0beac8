//! Improvement plan pages: the list (leadership and admins draft plans there; facilitators
//! read; stakeholders see the plans naming their segments, with a sign-off button when one
//! awaits them) and one plan with its changes, progress, sign-offs, lifecycle buttons and
//! downloads.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, PageQuery, Pager, EVERY};
use super::{done, frame, may, render_status, signed_in, PageError, PageResult};
use crate::access::{ManagePlans, SignPlans};
use crate::auth::Caller;
use crate::db::improvement_plans::PlanFilter;
use crate::db::segments::Segment;
use crate::db::service_areas::ServiceArea;
use crate::domain::improvement::{ChangeStatus, PlanStatus};
use crate::domain::terms::Role;
use crate::error::AppError;
use crate::render::improvement_plan::status_label;
use crate::service;
use crate::service::improvement_plans::{CreateChange, CreatePlan, PlanStep, PlanView, UpdateChange};
use crate::state::AppState;

#[derive(Serialize)]
struct PlanRow {
    plan: PlanView,
    status_label: &'static str,
    overdue: usize,
    /// A stakeholder may sign it off now.
    can_sign: bool,
}

fn awaits(caller: &Caller, plan: &PlanView) -> bool {
    may::<SignPlans>(caller)
        && plan.status == PlanStatus::InReview
        && plan.awaiting_sign_off.iter().any(|s| caller.segment_ids.contains(s))
}

fn row(caller: &Caller, plan: PlanView) -> PlanRow {
    PlanRow {
        status_label: status_label(plan.status),
        overdue: plan.progress.overdue.len(),
        can_sign: awaits(caller, &plan),
        plan,
    }
}

#[derive(Serialize)]
pub(super) struct Owner {
    id: i32,
    email: String,
}

/// Who may own a change: the active staff accounts an admin can list; others themselves.
pub(super) async fn owners(state: &AppState, caller: &Caller) -> Result<Vec<Owner>, AppError> {
    if caller.may::<crate::access::AdminOnly>() {
        return Ok(service::users::list(state, caller, EVERY)
            .await?
            .items
            .into_iter()
            .filter(|u| !u.disabled && u.role != Role::Stakeholder)
            .map(|u| Owner {
                id: u.id,
                email: u.email,
            })
            .collect());
    }
    Ok(vec![Owner {
        id: caller.id,
        email: caller.email.clone(),
    }])
}

#[derive(Serialize)]
struct ListPage {
    plans: Vec<PlanRow>,
    pager: Pager,
    manage: bool,
    stakeholder: bool,
    segments: Vec<Segment>,
    service_areas: Vec<ServiceArea>,
    form: FormState,
}

async fn list_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    offset: Option<String>,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let page = PageQuery { offset }.page();
    let listing = service::improvement_plans::list(state, caller, PlanFilter::default(), page).await?;
    let manage = may::<ManagePlans>(caller);
    let (segments, service_areas) = if manage {
        (
            service::segments::list(state, caller, EVERY).await?.items,
            service::service_areas::list(state, caller, EVERY).await?.items,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let data = ListPage {
        pager: pager("/improvement-plans?", page, listing.items.len(), listing.total),
        plans: listing.items.into_iter().map(|p| row(caller, p)).collect(),
        manage,
        stakeholder: caller.role == Role::Stakeholder,
        segments,
        service_areas,
        form,
    };
    render_status(
        state,
        status,
        "improvement_plans",
        &frame(req, caller, "Improvement plans"),
        &data,
    )
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    offset: Option<String>,
}

/// `GET /improvement-plans`
pub async fn list(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    list_page(
        &req,
        &caller,
        &state,
        q.into_inner().offset,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    service_area_id: String,
    #[serde(default)]
    segment_ids: Vec<String>,
    #[serde(default)]
    summary: String,
}

/// `POST /improvement-plans`: drafts a plan.
pub async fn create(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<PlanForm, ManagePlans>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("title", f.title.clone()),
        ("service_area_id", f.service_area_id.clone()),
        ("summary", f.summary.clone()),
    ]);
    let service_area_id = forms::required::<i32>(&mut form, "service_area_id", &f.service_area_id);
    let segment_ids: Vec<i32> = f.segment_ids.iter().filter_map(|s| s.trim().parse().ok()).collect();
    if segment_ids.is_empty() {
        form.add("segment_ids", "choose the segments that sign it off");
    }
    if let (true, Some(service_area_id)) = (form.ok(), service_area_id) {
        let input = CreatePlan {
            title: f.title.clone(),
            service_area_id,
            segment_ids,
            summary: optional_text(&f.summary),
        };
        if let Some(plan) = form.outcome(service::improvement_plans::create(&state, &caller, input).await)? {
            return Ok(done(&format!("/improvement-plans/{}", plan.id), "Plan drafted"));
        }
    }
    list_page(&req, &caller, &state, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Serialize)]
struct DetailPage {
    #[serde(flatten)]
    row: PlanRow,
    manage: bool,
    draft: bool,
    can_submit: bool,
    can_approve: bool,
    can_close: bool,
    /// Changes can still be edited (not closed).
    can_progress: bool,
    owners: Vec<Owner>,
    statuses: Vec<&'static str>,
    today: String,
    form: FormState,
}

async fn detail_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    id: i32,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let plan = service::improvement_plans::get(state, caller, id).await?;
    let manage = may::<ManagePlans>(caller);
    let owners = if manage {
        owners(state, caller).await?
    } else {
        Vec::new()
    };
    let s = plan.status;
    let data = DetailPage {
        manage,
        draft: manage && s == PlanStatus::Draft,
        can_submit: manage && s == PlanStatus::Draft && !plan.changes.is_empty(),
        can_approve: manage && s == PlanStatus::InReview && plan.awaiting_sign_off.is_empty(),
        can_close: manage && s == PlanStatus::Agreed,
        can_progress: manage && s != PlanStatus::Closed,
        owners,
        statuses: ChangeStatus::ALL.iter().map(|c| c.as_str()).collect(),
        today: chrono::Utc::now().date_naive().to_string(),
        form,
        row: row(caller, plan),
    };
    let title = data.row.plan.title.clone();
    render_status(
        state,
        status,
        "improvement_plan_page",
        &frame(req, caller, title),
        &data,
    )
}

/// `GET /improvement-plans/{id}` (stakeholders: plans naming their segments, 404 otherwise).
pub async fn detail(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    detail_page(
        &req,
        &caller,
        &state,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    resources: String,
    #[serde(default)]
    policy_change: String,
}

pub(super) fn date(form: &mut FormState, field: &str, text: &str, required: bool) -> Option<NaiveDate> {
    match text.trim() {
        "" => {
            if required {
                form.add(field, "required");
            }
            None
        }
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| form.add(field, "a date (YYYY-MM-DD)"))
            .ok(),
    }
}

/// `POST /improvement-plans/{id}/changes`: adds a change.
pub async fn add_change(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<ChangeForm, ManagePlans>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = FormState::new([
        ("title", f.title.clone()),
        ("description", f.description.clone()),
        ("owner_id", f.owner_id.clone()),
        ("due_on", f.due_on.clone()),
        ("resources", f.resources.clone()),
        ("policy_change", f.policy_change.clone()),
    ]);
    let owner_id = forms::required::<i32>(&mut form, "owner_id", &f.owner_id);
    let due_on = date(&mut form, "due_on", &f.due_on, true);
    if let (true, Some(owner_id), Some(due_on)) = (form.ok(), owner_id, due_on) {
        let input = CreateChange {
            title: f.title.clone(),
            description: optional_text(&f.description),
            owner_id,
            due_on,
            resources: optional_text(&f.resources),
            policy_change: optional_text(&f.policy_change),
            links: None,
        };
        if form
            .outcome(service::improvement_plans::add_change(&state, &caller, id, input).await)?
            .is_some()
        {
            return Ok(done(&format!("/improvement-plans/{id}"), "Change added"));
        }
    }
    detail_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
pub struct ProgressForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    done_on: String,
}

/// `POST /improvement-plans/{id}/changes/{change_id}`: a change's status and `done_on`.
pub async fn update_change(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<ProgressForm, ManagePlans>(&req, caller, &body)?;
    let (id, change_id) = path.into_inner();
    let mut form = FormState::default();
    let status = ChangeStatus::parse(f.status.trim());
    if status.is_none() {
        form.add("status", "choose a status");
    }
    // The date counts only for a done change; any other status clears it.
    let done_on = if status == Some(ChangeStatus::Done) {
        date(&mut form, "done_on", &f.done_on, true)
    } else {
        None
    };
    if form.ok() {
        let input = UpdateChange {
            status,
            done_on: Some(done_on),
            ..Default::default()
        };
        let result = service::improvement_plans::update_change(&state, &caller, id, change_id, input).await;
        if form.outcome(result)?.is_some() {
            return Ok(done(&format!("/improvement-plans/{id}"), "Change updated"));
        }
    }
    detail_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /improvement-plans/{id}/{submit|sign-off|approve|close}`: the API's lifecycle step.
pub async fn step(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    body: web::Bytes,
) -> PageResult {
    // The role depends on the step: the operation checks it.
    let (caller, _) = forms::accept_signed::<forms::NoFields>(&req, caller, &body)?;
    let (id, action) = path.into_inner();
    let (step, notice) = match action.as_str() {
        "submit" => (PlanStep::Submit, "Submitted for sign-off"),
        "sign-off" => (PlanStep::SignOff, "Signed off"),
        "approve" => (PlanStep::Approve, "Agreed"),
        "close" => (PlanStep::Close, "Closed"),
        _ => return Err(PageError(AppError::NotFound("action"))),
    };
    match service::improvement_plans::step(&state, &caller, id, step).await {
        Ok(_) => Ok(done(&format!("/improvement-plans/{id}"), notice)),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut form = FormState::default();
            form.absorb(e)?;
            if form.error.is_none() {
                form.error = form.errors.values().next().cloned();
            }
            detail_page(&req, &caller, &state, id, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}
