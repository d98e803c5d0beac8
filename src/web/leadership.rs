//! Leadership's pages: the gap report dashboard with filters, charts and downloads, capability
//! assessment entry, and SLA drafts to read, edit, approve or reject.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::{allowed, done, frame, may, render_status, signed_in, PageError, PageResult};
use crate::api::assessments::CreateAssessment;
use crate::api::sla::{SlaView, UpdateSla};
use crate::auth::policy::{ManageAssessments, ManageSla, ReadGapReport, SignSla};
use crate::auth::Caller;
use crate::db::requirements::Requirement;
use crate::db::segments::Segment;
use crate::db::service_areas::ServiceArea;
use crate::db::{requirements, segments, service_areas, sla, Page};
use crate::domain::sla::{SlaAction, SlaStatus};
use crate::error::AppError;
use crate::render::gap_report::{self, Charts, Filters, GapReportView};
use crate::state::AppState;

const ALL: Page = Page { limit: 500, offset: 0 };

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    segment_id: Option<String>,
    service_area_id: Option<String>,
    tier: Option<String>,
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
    charts: Charts,
    segments: Vec<Segment>,
    service_areas: Vec<ServiceArea>,
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
    allowed::<ReadGapReport>(caller)?;
    let (segment_id, area_id) = (id_param(&q.segment_id), id_param(&q.service_area_id));
    let tier = q
        .tier
        .as_deref()
        .and_then(|t| t.parse::<u8>().ok())
        .filter(|t| (1..=3).contains(t));
    let scope = caller.scope();
    let (data, segs, areas, reqs, slas) = state
        .db
        .run(move |c| {
            let data = crate::analysis::gap_report(c, &scope, segment_id, area_id)?;
            let segs = segments::list(c, &scope, ALL)?.0;
            let areas = service_areas::list(c, ALL)?.0;
            let reqs = requirements::list(c, &scope, None, ALL)?.0;
            let slas = sla::list(c, &scope, None, ALL)?.0;
            Ok((data, segs, areas, reqs, slas))
        })
        .await?;
    let report = gap_report::view(
        &data,
        Filters {
            segment_id,
            service_area_id: area_id,
            tier,
            description: None,
        },
    );
    let charts = gap_report::charts(&data, &report);
    let mut selected = BTreeMap::new();
    let mut query = Vec::new();
    if let Some(id) = segment_id {
        selected.insert("segment_id", id.to_string());
        query.push(format!("segment_id={id}"));
    }
    if let Some(id) = area_id {
        selected.insert("service_area_id", id.to_string());
        query.push(format!("service_area_id={id}"));
    }
    if let Some(t) = tier {
        selected.insert("tier", t.to_string());
        query.push(format!("tier={t}"));
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
        charts,
        segments: segs,
        service_areas: areas,
        requirements: reqs,
        selected,
        download_query: query.join("&"),
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
    requirement_id: String,
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
        ("segment_id", f.segment_id.clone()),
        ("current_value", f.current_value.clone()),
        ("fulfilment", f.fulfilment.clone()),
        ("assessed_on", f.assessed_on.clone()),
        ("assessor", f.assessor.clone()),
        ("note", f.note.clone()),
    ]);
    let requirement_id = forms::required::<i32>(&mut form, "requirement_id", &f.requirement_id);
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
            .submit(&state, &caller, body, crate::api::assessments::create_tx)
            .await?
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
    let view = crate::api::sla::create_draft(&state, caller, segment_id).await?;
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
    let (view, _) = crate::api::sla::load(state, caller, id).await?;
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
    match validator::Validate::validate(&update) {
        Err(e) => form.absorb(AppError::from(e))?,
        Ok(()) => match crate::api::sla::edit(&state, caller.clone(), id, update).await {
            Ok(_) => return Ok(done(&format!("/sla/{id}"), "Saved")),
            Err(e) => form.absorb(e)?,
        },
    }
    sla_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
pub struct StepForm {
    comment: Option<String>,
}

/// `POST /sla/{id}/{submit|approve|reject|sign-off}`: the API's lifecycle step.
pub async fn sla_step(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    body: web::Bytes,
) -> PageResult {
    // The role depends on the step, checked below.
    let (caller, f) = forms::accept_signed::<StepForm>(&req, caller, &body)?;
    let (id, action) = path.into_inner();
    let (action, notice) = match action.as_str() {
        "submit" => (SlaAction::Submit, "Submitted for review"),
        "approve" => (SlaAction::Approve, "Agreed"),
        "reject" => (SlaAction::Reject, "Sent back to draft"),
        "sign-off" => (SlaAction::SignOff, "Signed off"),
        _ => return Err(PageError(AppError::NotFound("action"))),
    };
    if action == SlaAction::SignOff {
        allowed::<SignSla>(&caller)?;
    } else {
        allowed::<ManageSla>(&caller)?;
    }
    let comment = f.comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    if action == SlaAction::Reject && comment.is_none() {
        let mut form = FormState::default();
        form.add("comment", "say what needs to change");
        return sla_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match crate::api::sla::apply(&state, caller.clone(), id, action, comment).await {
        Ok(view) => {
            // A stakeholder goes back to their segment's page.
            let to = if action == SlaAction::SignOff {
                format!("/segments/{}", view.segment_id)
            } else {
                format!("/sla/{id}")
            };
            Ok(done(&to, notice))
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
