//! Root-cause analysis pages: the list with "Start an analysis" (staff), and one analysis with
//! its fishbone drawn inline, its causes as an indented list with the verify toggle, and the
//! form that adds a cause or a sub-cause; plan managers turn a verified root cause into a change
//! of a draft improvement plan. Stakeholders read their segments' analyses.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, PageQuery, Pager, EVERY};
use super::{done, frame, may, render_status, signed_in, PageResult};
use crate::access::{ManagePlans, ManageRootCauses};
use crate::auth::Caller;
use crate::db::improvement_plans::PlanFilter;
use crate::db::root_causes::RootCauseFilter;
use crate::db::segments::Segment;
use crate::db::service_areas::ServiceArea;
use crate::domain::improvement::CategorySet;
use crate::domain::improvement::PlanStatus;
use crate::service;
use crate::service::root_causes::{CauseToChange, CauseView, CreateCause, CreateRootCause, RootCauseView, UpdateCause};
use crate::state::AppState;

#[derive(Serialize)]
struct ListPage {
    analyses: Vec<RootCauseView>,
    pager: Pager,
    segments: Vec<Segment>,
    service_areas: Vec<ServiceArea>,
    sets: Vec<&'static str>,
    can_manage: bool,
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
    let listing = service::root_causes::list(state, caller, RootCauseFilter::default(), page).await?;
    let data = ListPage {
        pager: pager("/root-causes?", page, listing.items.len(), listing.total),
        analyses: listing.items,
        segments: service::segments::list(state, caller, EVERY).await?.items,
        service_areas: service::service_areas::list(state, caller, EVERY).await?.items,
        sets: CategorySet::ALL.iter().map(|s| s.as_str()).collect(),
        can_manage: may::<ManageRootCauses>(caller),
        form,
    };
    render_status(
        state,
        status,
        "root_causes",
        &frame(req, caller, "Root-cause analyses"),
        &data,
    )
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    offset: Option<String>,
}

/// `GET /root-causes`
pub async fn list(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let form = FormState::new([("category_set", "6M".to_owned())]);
    list_page(&req, &caller, &state, q.into_inner().offset, form, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct AnalysisForm {
    #[serde(default)]
    problem: String,
    #[serde(default)]
    segment_id: String,
    #[serde(default)]
    service_area_id: String,
    #[serde(default)]
    category_set: String,
    /// Custom categories, one a line (or separated by commas).
    #[serde(default)]
    categories: String,
}

/// `POST /root-causes`: starts an analysis and opens it.
pub async fn create(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<AnalysisForm, ManageRootCauses>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("problem", f.problem.clone()),
        ("segment_id", f.segment_id.clone()),
        ("service_area_id", f.service_area_id.clone()),
        ("category_set", f.category_set.clone()),
        ("categories", f.categories.clone()),
    ]);
    let segment_id = forms::number::<i32>(&mut form, "segment_id", &f.segment_id);
    let service_area_id = forms::number::<i32>(&mut form, "service_area_id", &f.service_area_id);
    let set = CategorySet::parse(f.category_set.trim());
    if set.is_none() {
        form.add("category_set", "choose a category set");
    }
    let names: Vec<String> = f
        .categories
        .split(['\n', ','])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if let (true, Some(set)) = (form.ok(), set) {
        let input = CreateRootCause {
            problem: f.problem.clone(),
            segment_id,
            service_area_id,
            category_set: set,
            categories: (set == CategorySet::Custom || !names.is_empty()).then_some(names),
            links: None,
        };
        if let Some(v) = form.outcome(service::root_causes::create(&state, &caller, input).await)? {
            return Ok(done(&format!("/root-causes/{}", v.id), "Analysis started"));
        }
    }
    list_page(&req, &caller, &state, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A cause in the page's indented list.
#[derive(Serialize)]
struct CauseLine {
    #[serde(flatten)]
    cause: CauseView,
    depth: usize,
    /// Left indent in em.
    indent: f64,
}

#[derive(Serialize)]
struct CategoryBlock {
    name: String,
    causes: Vec<CauseLine>,
}

#[derive(Serialize)]
struct AnalysisPage {
    analysis: RootCauseView,
    svg: String,
    categories: Vec<CategoryBlock>,
    /// Every cause, for the parent choice.
    parents: Vec<CauseView>,
    can_manage: bool,
    /// Plan managers: the verified causes, the draft plans that may take a change, and who
    /// may own it.
    to_plan: Option<ToPlan>,
    form: FormState,
}

#[derive(Serialize)]
struct ToPlan {
    verified: Vec<CauseView>,
    plans: Vec<DraftPlan>,
    owners: Vec<super::plans::Owner>,
}

#[derive(Serialize)]
struct DraftPlan {
    id: i32,
    title: String,
}

/// Causes grouped by category, each followed by its sub-causes (depth first, in drawing order).
fn blocks(categories: &[String], causes: &[CauseView]) -> Vec<CategoryBlock> {
    let mut children: HashMap<Option<i32>, Vec<&CauseView>> = HashMap::new();
    let ids: Vec<i32> = causes.iter().map(|c| c.id).collect();
    for c in causes {
        let parent = c.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(c);
    }
    fn walk(c: &CauseView, depth: usize, children: &HashMap<Option<i32>, Vec<&CauseView>>, out: &mut Vec<CauseLine>) {
        out.push(CauseLine {
            cause: c.clone(),
            depth,
            indent: (depth as f64 - 1.0) * 1.5,
        });
        for k in children.get(&Some(c.id)).into_iter().flatten() {
            if depth < 50 {
                walk(k, depth + 1, children, out);
            }
        }
    }
    categories
        .iter()
        .map(|name| {
            let mut lines = Vec::new();
            for c in children
                .get(&None)
                .into_iter()
                .flatten()
                .filter(|c| &c.category == name)
            {
                walk(c, 1, &children, &mut lines);
            }
            CategoryBlock {
                name: name.clone(),
                causes: lines,
            }
        })
        .collect()
}

async fn analysis_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    id: i32,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let analysis = service::root_causes::get(state, caller, id).await?;
    let svg = service::root_causes::fishbone(state, caller, id).await?;
    let causes = analysis.causes.clone().unwrap_or_default();
    let to_plan = if may::<ManagePlans>(caller) {
        let filter = PlanFilter {
            status: Some(PlanStatus::Draft.as_str().to_owned()),
            ..Default::default()
        };
        let plans = service::improvement_plans::list(state, caller, filter, EVERY).await?;
        Some(ToPlan {
            verified: causes.iter().filter(|c| c.verified).cloned().collect(),
            plans: plans
                .items
                .into_iter()
                .map(|p| DraftPlan {
                    id: p.id,
                    title: p.title,
                })
                .collect(),
            owners: super::plans::owners(state, caller).await?,
        })
    } else {
        None
    };
    let data = AnalysisPage {
        categories: blocks(&analysis.categories, &causes),
        parents: causes,
        svg,
        can_manage: may::<ManageRootCauses>(caller),
        to_plan,
        form,
        analysis,
    };
    let title = format!("Root causes: {}", data.analysis.problem);
    render_status(state, status, "root_cause", &frame(req, caller, title), &data)
}

/// `GET /root-causes/{id}`
pub async fn page(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    analysis_page(
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
pub struct CauseForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    evidence: String,
}

/// `POST /root-causes/{id}/causes`: a cause on a bone, or a sub-cause (then the category is
/// the parent's).
pub async fn add_cause(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<CauseForm, ManageRootCauses>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = FormState::new([
        ("category", f.category.clone()),
        ("parent_id", f.parent_id.clone()),
        ("text", f.text.clone()),
        ("evidence", f.evidence.clone()),
    ]);
    let parent_id = forms::number::<i32>(&mut form, "parent_id", &f.parent_id);
    let mut category = f.category.trim().to_owned();
    if let Some(p) = parent_id {
        // A sub-cause sits in its parent's category; the form need not repeat it.
        let analysis = service::root_causes::get(&state, &caller, id).await?;
        if let Some(parent) = analysis.causes.unwrap_or_default().into_iter().find(|c| c.id == p) {
            category = parent.category;
        }
    }
    if form.ok() {
        let input = CreateCause {
            category,
            text: f.text.clone(),
            parent_id,
            evidence: optional_text(&f.evidence),
        };
        if form
            .outcome(service::root_causes::add_cause(&state, &caller, id, input).await)?
            .is_some()
        {
            return Ok(done(&format!("/root-causes/{id}"), "Cause added"));
        }
    }
    analysis_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    verified: String,
}

/// `POST /root-causes/{id}/causes/{cause_id}/verify`: `verified=true|false`.
pub async fn verify(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<VerifyForm, ManageRootCauses>(&req, caller, &body)?;
    let (id, cause_id) = path.into_inner();
    let verified = f.verified.trim() == "true";
    let input = UpdateCause {
        text: None,
        evidence: None,
        verified: Some(verified),
        votes: None,
    };
    let mut form = FormState::default();
    if form
        .outcome(service::root_causes::update_cause(&state, &caller, id, cause_id, input).await)?
        .is_some()
    {
        let notice = if verified {
            "Marked as a verified root cause"
        } else {
            "No longer marked as verified"
        };
        return Ok(done(&format!("/root-causes/{id}"), notice));
    }
    analysis_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
pub struct ToPlanForm {
    #[serde(default)]
    cause_id: String,
    #[serde(default)]
    plan_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    due_on: String,
}

/// `POST /root-causes/{id}/change`: a verified root cause becomes a change of a draft plan
/// (the change links back to the analysis and the cause); then off to the plan.
pub async fn make_change(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<ToPlanForm, ManagePlans>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = FormState::new([
        ("cause_id", f.cause_id.clone()),
        ("plan_id", f.plan_id.clone()),
        ("title", f.title.clone()),
        ("owner_id", f.owner_id.clone()),
        ("due_on", f.due_on.clone()),
    ]);
    let cause_id = forms::required::<i32>(&mut form, "cause_id", &f.cause_id);
    let plan_id = forms::required::<i32>(&mut form, "plan_id", &f.plan_id);
    let owner_id = forms::required::<i32>(&mut form, "owner_id", &f.owner_id);
    let due_on = super::plans::date(&mut form, "due_on", &f.due_on, true);
    if let (true, Some(cause_id), Some(plan_id), Some(owner_id), Some(due_on)) =
        (form.ok(), cause_id, plan_id, owner_id, due_on)
    {
        let input = CauseToChange {
            plan_id,
            title: f.title.clone(),
            description: None,
            owner_id,
            due_on,
            resources: None,
            policy_change: None,
            links: None,
        };
        if form
            .outcome(service::root_causes::make_change(&state, &caller, id, cause_id, input).await)?
            .is_some()
        {
            return Ok(done(
                &format!("/improvement-plans/{plan_id}"),
                "Change added from the root cause",
            ));
        }
    }
    analysis_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}
