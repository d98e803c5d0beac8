//! Leadership's pages: the gap report dashboard with filters, charts and downloads, capability
//! assessment entry, and SLA drafts to read, edit, approve or reject.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, query, PageQuery, Pager, EVERY, PAGE_SIZE};
use super::{done, frame, may, render_status, signed_in, PageError, PageResult};
use crate::access::{ManageAssessments, ManageServiceLevels, ManageSla, SignSla};
use crate::auth::Caller;
use crate::db::requirements::Requirement;
use crate::db::segments::Segment;
use crate::db::service_areas::ServiceArea;
use crate::db::Page;
use crate::domain::sla::SlaStatus;
use crate::error::AppError;
use crate::render::gap_report::{self, Charts, GapReportView, RowView, Window};
use crate::service;
use crate::service::assessments::CreateAssessment;
use crate::service::reports::GapFilter;
use crate::service::requirements::RequirementFilter;
use crate::service::sla::{RejectSla, SlaStep, SlaView, UpdateSla};
use crate::state::AppState;

/// Up to this many requirements, the assessment form offers them in a list; past it, the key
/// is typed (a list of thousands helps nobody).
const REQUIREMENT_CHOICES: i64 = 1000;

/// The met and do-not-build lists show this many; the downloads have them all.
const SIDE_LIST: usize = 50;

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    segment_id: Option<String>,
    service_area_id: Option<String>,
    tier: Option<String>,
    offset: Option<String>,
}

/// A shortened list and how many were left out of it.
#[derive(Serialize)]
struct SideList {
    rows: Vec<RowView>,
    more: usize,
}

/// The rows a windowed view kept of a list of `total`.
fn side_list(rows: Vec<RowView>, total: usize) -> SideList {
    let more = total.saturating_sub(rows.len());
    SideList { rows, more }
}

#[derive(Serialize)]
struct SlaLine {
    id: i32,
    segment: String,
    version: i32,
    status: String,
}

#[derive(Serialize)]
struct Dashboard {
    report: GapReportView,
    met: SideList,
    do_not_build: SideList,
    pager: Pager,
    charts: Charts,
    segments: Vec<Segment>,
    service_areas: Vec<ServiceArea>,
    /// Empty when there are too many to list: the form then asks for the key.
    requirements: Vec<Requirement>,
    selected: BTreeMap<&'static str, String>,
    download_query: String,
    slas: Vec<SlaLine>,
    can_assess: bool,
    can_draft: bool,
    form: FormState,
}

fn id_param(v: &Option<String>) -> Option<i32> {
    v.as_deref().and_then(|s| s.trim().parse().ok())
}

async fn dashboard_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    q: DashboardQuery,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let (segment_id, area_id) = (id_param(&q.segment_id), id_param(&q.service_area_id));
    let tier = q
        .tier
        .as_deref()
        .and_then(|t| t.parse::<u8>().ok())
        .filter(|t| (1..=3).contains(t));
    let page = PageQuery {
        offset: q.offset.clone(),
    }
    .page();
    let filter = GapFilter {
        segment_id,
        service_area_id: area_id,
        tier,
    };
    // One page of ranked rows; the charts come from the summaries and the rows shown.
    let window = Window {
        offset: page.offset as usize,
        limit: PAGE_SIZE as usize,
        side: SIDE_LIST,
    };
    let (gaps, totals) = service::reports::gap_report_page(state, caller, filter, window).await?;
    let (data, mut report) = (gaps.data, gaps.view);
    let met = side_list(std::mem::take(&mut report.met), totals.met);
    let do_not_build = side_list(std::mem::take(&mut report.do_not_build), totals.do_not_build);
    let charts = gap_report::charts(&data, &report);
    let segs = service::segments::list(state, caller, EVERY).await?.items;
    let areas = service::service_areas::list(state, caller, EVERY).await?.items;
    let choices = Page {
        limit: REQUIREMENT_CHOICES + 1,
        offset: 0,
    };
    let mut reqs = service::requirements::list(state, caller, RequirementFilter::default(), choices)
        .await?
        .items;
    if reqs.len() as i64 > REQUIREMENT_CHOICES {
        reqs.clear();
    }
    let slas = service::sla::list(state, caller, None, EVERY).await?.items;
    let filters = query(&[
        ("segment_id", segment_id.map(|v| v.to_string())),
        ("service_area_id", area_id.map(|v| v.to_string())),
        ("tier", tier.map(|v| v.to_string())),
    ]);
    let pager = pager(
        &format!("/dashboard?{filters}"),
        page,
        report.rows.len(),
        report.total as i64,
    );
    let mut selected = BTreeMap::new();
    for (name, value) in [
        ("segment_id", segment_id),
        ("service_area_id", area_id),
        ("tier", tier.map(i32::from)),
    ] {
        if let Some(v) = value {
            selected.insert(name, v.to_string());
        }
    }
    let name_of = |id: i32| {
        segs.iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let slas = slas
        .into_iter()
        .map(|r| SlaLine {
            id: r.id,
            segment: name_of(r.segment_id),
            version: r.version,
            status: r.status,
        })
        .collect();
    let data = Dashboard {
        report,
        met,
        do_not_build,
        pager,
        charts,
        segments: segs,
        service_areas: areas,
        requirements: reqs,
        selected,
        download_query: filters,
        slas,
        can_assess: may::<ManageAssessments>(caller),
        can_draft: may::<ManageSla>(caller),
        form,
    };
    render_status(state, status, "dashboard", &frame(req, caller, "Gap report"), &data)
}

/// `GET /dashboard?segment_id=&service_area_id=&tier=`
pub async fn dashboard(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<DashboardQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let form = FormState::new([("assessed_on", chrono::Utc::now().format("%Y-%m-%d").to_string())]);
    dashboard_page(&req, &caller, &state, q.into_inner(), form, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct AssessmentForm {
    #[serde(default)]
    requirement_id: String,
    /// Typed instead of chosen when the catalogue is too long to list.
    #[serde(default)]
    requirement_key: String,
    #[serde(default)]
    segment_id: String,
    #[serde(default)]
    current_value: String,
    #[serde(default)]
    fulfilment: String,
    assessed_on: String,
    #[serde(default)]
    assessor: String,
    #[serde(default)]
    note: String,
}

/// `POST /assessments`: the API's rules, errors beside the fields.
pub async fn add_assessment(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<AssessmentForm, ManageAssessments>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("requirement_id", f.requirement_id.clone()),
        ("requirement_key", f.requirement_key.clone()),
        ("segment_id", f.segment_id.clone()),
        ("current_value", f.current_value.clone()),
        ("fulfilment", f.fulfilment.clone()),
        ("assessed_on", f.assessed_on.clone()),
        ("assessor", f.assessor.clone()),
        ("note", f.note.clone()),
    ]);
    let requirement_id = if f.requirement_key.trim().is_empty() {
        forms::required::<i32>(&mut form, "requirement_id", &f.requirement_id)
    } else {
        let key = f.requirement_key.trim().to_uppercase();
        let found = service::requirements::find_by_key(&state, &caller, &key).await?;
        if found.is_none() {
            form.add("requirement_key", "no requirement with this key");
        }
        found.map(|r| r.id)
    };
    let segment_id = forms::number::<i32>(&mut form, "segment_id", &f.segment_id);
    let current_value = forms::number::<f64>(&mut form, "current_value", &f.current_value);
    // Fulfilment is typed as a percentage on the page.
    let fulfilment = forms::number::<f64>(&mut form, "fulfilment", &f.fulfilment).map(|p| p / 100.0);
    let assessed_on = chrono::NaiveDate::parse_from_str(f.assessed_on.trim(), "%Y-%m-%d").ok();
    if assessed_on.is_none() {
        form.add("assessed_on", "a date, YYYY-MM-DD");
    }
    if let (true, Some(requirement_id), Some(assessed_on)) = (form.ok(), requirement_id, assessed_on) {
        let body = CreateAssessment {
            requirement_id,
            segment_id,
            current_value,
            fulfilment,
            assessed_on,
            assessor: optional_text(&f.assessor),
            note: optional_text(&f.note),
        };
        if form
            .outcome(service::assessments::create(&state, &caller, body).await)?
            .is_some()
        {
            return Ok(done("/dashboard", "Assessment saved"));
        }
    }
    // Percentages back on the page, as typed.
    if let Some(message) = form.errors.remove("fulfilment") {
        form.errors.insert(
            "fulfilment".into(),
            message.replace("between 0 and 1", "between 0 and 100 %"),
        );
    }
    dashboard_page(
        &req,
        &caller,
        &state,
        DashboardQuery::default(),
        form,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
pub struct CreateSlaForm {
    segment_id: String,
}

/// `POST /sla`: drafts the next version for a segment.
pub async fn create_sla(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<CreateSlaForm, ManageSla>(&req, caller, &body)?;
    let segment_id = f
        .segment_id
        .parse::<i32>()
        .map_err(|_| PageError(AppError::field("segment_id", "choose a segment")))?;
    let view = service::sla::create(&state, &caller, service::sla::CreateSla { segment_id }).await?;
    Ok(done(&format!("/sla/{}", view.id), "Draft created"))
}

#[derive(Serialize)]
struct SlaPage {
    sla: SlaView,
    sections_html: Vec<SectionHtml>,
    can_edit: bool,
    can_review: bool,
    can_submit: bool,
    can_sign: bool,
    /// An agreed SLA: its measurable commitments can become service targets.
    can_make_targets: bool,
    form: FormState,
}

#[derive(Serialize)]
struct SectionHtml {
    id: &'static str,
    title: &'static str,
    editable: bool,
    text: String,
    html: String,
}

async fn sla_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &web::Data<AppState>,
    id: i32,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let (view, _) = service::sla::get(state, caller, id).await?;
    let me = caller.id;
    let signed = view.signoffs.iter().any(|s| s.user_id == me);
    let sections_html = view
        .sections
        .iter()
        .map(|s| SectionHtml {
            id: s.id,
            title: s.title,
            editable: s.editable,
            text: s.text.clone(),
            html: s.html.clone(),
        })
        .collect();
    let manage = may::<ManageSla>(caller);
    let data = SlaPage {
        can_edit: manage && view.status == SlaStatus::Draft,
        can_submit: manage && view.status == SlaStatus::Draft,
        can_review: manage && view.status == SlaStatus::InReview,
        can_sign: may::<SignSla>(caller) && !signed && view.status != SlaStatus::Draft,
        can_make_targets: may::<ManageServiceLevels>(caller) && view.status == SlaStatus::Agreed,
        sections_html,
        form,
        sla: view,
    };
    let title = data.sla.title.clone();
    render_status(state, status, "sla_page", &frame(req, caller, title), &data)
}

/// `GET /sla/{id}` (stakeholders: their segments only, 404 otherwise).
pub async fn sla(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    sla_page(
        &req,
        &caller,
        &state,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /sla/{id}`: title and section texts (fields `title`, `section.<id>`).
pub async fn edit_sla(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, fields) = forms::accept::<Vec<(String, String)>, ManageSla>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut sections = BTreeMap::new();
    let mut title = None;
    for (k, v) in &fields {
        if let Some(section) = k.strip_prefix("section.") {
            sections.insert(section.to_owned(), v.replace("\r\n", "\n"));
        } else if k == "title" {
            title = Some(v.clone());
        }
    }
    let update = UpdateSla {
        title,
        sections: Some(sections),
    };
    let mut form = FormState::default();
    if form
        .outcome(service::sla::edit(&state, &caller, id, update).await)?
        .is_some()
    {
        return Ok(done(&format!("/sla/{id}"), "Saved"));
    }
    sla_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
pub struct StepForm {
    comment: Option<String>,
}

/// `POST /sla/{id}/service-targets`: one reported target per measurable commitment of an
/// agreed SLA, as `POST /api/v1/sla-drafts/{id}/service-targets` does.
async fn targets_from_sla(req: &HttpRequest, caller: &Caller, state: &web::Data<AppState>, id: i32) -> PageResult {
    match service::service_levels::targets_from_sla(state, caller, id).await {
        Ok(created) => {
            let notice = match created.len() {
                0 => "No new service targets: every measurable commitment has one already".to_owned(),
                n => format!("{n} service target(s) created from the SLA"),
            };
            Ok(done("/service-targets", &notice))
        }
        Err(AppError::Conflict { message, .. }) => {
            let form = FormState {
                error: Some(message),
                ..Default::default()
            };
            sla_page(req, caller, state, id, form, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /sla/{id}/{submit|approve|reject|sign-off|service-targets}`: the API's lifecycle step,
/// or service targets drawn from the agreed SLA.
pub async fn sla_step(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    body: web::Bytes,
) -> PageResult {
    // The role depends on the step: the operation checks it.
    let (caller, f) = forms::accept_signed::<StepForm>(&req, caller, &body)?;
    let (id, action) = path.into_inner();
    if action == "service-targets" {
        return targets_from_sla(&req, &caller, &state, id).await;
    }
    let (step, notice) = match action.as_str() {
        "submit" => (SlaStep::Submit, "Submitted for review"),
        "approve" => (SlaStep::Approve, "Agreed"),
        "reject" => (
            SlaStep::Reject(RejectSla {
                comment: f.comment.unwrap_or_default(),
            }),
            "Sent back to draft",
        ),
        "sign-off" => (SlaStep::SignOff, "Signed off"),
        _ => return Err(PageError(AppError::NotFound("action"))),
    };
    let signing = matches!(step, SlaStep::SignOff);
    match service::sla::step(&state, &caller, id, step).await {
        Ok(view) => {
            // A stakeholder goes back to their segment's page.
            let to = if signing {
                format!("/segments/{}", view.segment_id)
            } else {
                format!("/sla/{id}")
            };
            Ok(done(&to, notice))
        }
        Err(e @ AppError::Invalid { .. }) => {
            let mut form = FormState::default();
            form.absorb(e)?;
            sla_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { message, .. }) => {
            let form = FormState {
                error: Some(message),
                ..Default::default()
            };
            sla_page(&req, &caller, &state, id, form, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}
