//! Complaint pages: the log (stakeholders: their segment's, with "Report a problem"; staff: all,
//! with filters, owners and the life-cycle buttons) and the statistics with charts.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, query, PageQuery, Pager, EVERY};
use super::{done, frame, may, render_status, signed_in, PageError, PageResult};
use crate::access::{ManageComplaints, ReadAudit};
use crate::auth::Caller;
use crate::db::complaints::ComplaintFilter;
use crate::db::segments::Segment;
use crate::db::service_areas::ServiceArea;
use crate::domain::complaint_stats::{ComplaintGroup, ComplaintStatus};
use crate::domain::terms::{ComplaintChannel, Role};
use crate::error::AppError;
use crate::render::bar_chart::{self, Bar};
use crate::render::voc_charts::{self, Column};
use crate::service;
use crate::service::complaints::{
    AcknowledgeComplaint, ComplaintView, CreateComplaint, GroupBy, ReopenComplaint, ResolveComplaint, Step,
    UpdateComplaint,
};
use crate::state::AppState;

#[derive(Deserialize, Default, Clone)]
pub struct LogQuery {
    segment_id: Option<String>,
    status: Option<String>,
    channel: Option<String>,
    owner_id: Option<String>,
    offset: Option<String>,
}

fn id_param(v: &Option<String>) -> Option<i32> {
    v.as_deref().and_then(|s| s.trim().parse().ok())
}

#[derive(Serialize)]
struct Owner {
    id: i32,
    email: String,
}

#[derive(Serialize)]
struct LogPage {
    complaints: Vec<ComplaintView>,
    pager: Pager,
    segments: Vec<Segment>,
    service_areas: Vec<ServiceArea>,
    owners: Vec<Owner>,
    channels: Vec<&'static str>,
    statuses: Vec<&'static str>,
    selected: LogQuerySelected,
    staff: bool,
    stakeholder: bool,
    form: FormState,
}

#[derive(Serialize, Default)]
struct LogQuerySelected {
    segment_id: String,
    status: String,
    channel: String,
    owner_id: String,
}

async fn log_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    q: LogQuery,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let page = PageQuery {
        offset: q.offset.clone(),
    }
    .page();
    let wanted_status = q.status.as_deref().and_then(ComplaintStatus::parse);
    let wanted_channel = q.channel.as_deref().and_then(ComplaintChannel::parse);
    let filter = ComplaintFilter {
        segment_id: id_param(&q.segment_id),
        status: wanted_status.map(|s| s.as_str().to_owned()),
        channel: wanted_channel.map(|c| c.as_str().to_owned()),
        owner_id: id_param(&q.owner_id),
        ..Default::default()
    };
    let listing = service::complaints::list(state, caller, filter, page).await?;
    let segments = service::segments::list(state, caller, EVERY).await?.items;
    let service_areas = service::service_areas::list(state, caller, EVERY).await?.items;
    let staff = may::<ManageComplaints>(caller);
    let owners = if staff && caller.may::<crate::access::AdminOnly>() {
        service::users::list(state, caller, EVERY)
            .await?
            .items
            .into_iter()
            .filter(|u| !u.disabled && u.role != Role::Stakeholder)
            .map(|u| Owner {
                id: u.id,
                email: u.email,
            })
            .collect()
    } else if staff {
        // Others may assign themselves.
        vec![Owner {
            id: caller.id,
            email: caller.email.clone(),
        }]
    } else {
        Vec::new()
    };
    let filters = query(&[
        ("segment_id", id_param(&q.segment_id).map(|v| v.to_string())),
        ("status", wanted_status.map(|s| s.as_str().to_owned())),
        ("channel", wanted_channel.map(|c| c.as_str().to_owned())),
        ("owner_id", id_param(&q.owner_id).map(|v| v.to_string())),
    ]);
    let pager = pager(
        &format!("/complaints?{filters}"),
        page,
        listing.items.len(),
        listing.total,
    );
    let data = LogPage {
        complaints: listing.items,
        pager,
        segments,
        service_areas,
        owners,
        channels: ComplaintChannel::ALL.iter().map(|c| c.as_str()).collect(),
        statuses: ComplaintStatus::ALL.iter().map(|s| s.as_str()).collect(),
        selected: LogQuerySelected {
            segment_id: q.segment_id.unwrap_or_default(),
            status: q.status.unwrap_or_default(),
            channel: q.channel.unwrap_or_default(),
            owner_id: q.owner_id.unwrap_or_default(),
        },
        staff,
        stakeholder: caller.role == Role::Stakeholder,
        form,
    };
    let title = if staff { "Complaint log" } else { "Our complaints" };
    render_status(state, status, "complaints", &frame(req, caller, title), &data)
}

/// `GET /complaints?segment_id=&status=&channel=&owner_id=`
pub async fn log(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<LogQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let form = FormState::new([("channel", "web".to_owned())]);
    log_page(&req, &caller, &state, q.into_inner(), form, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    segment_id: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    received_at: String,
    #[serde(default)]
    service_area_id: String,
}

/// `POST /complaints`: "Report a problem" (stakeholders) or log one (staff).
pub async fn create(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<ComplaintForm, crate::access::FileComplaint>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("segment_id", f.segment_id.clone()),
        ("summary", f.summary.clone()),
        ("channel", f.channel.clone()),
        ("category", f.category.clone()),
        ("received_at", f.received_at.clone()),
        ("service_area_id", f.service_area_id.clone()),
    ]);
    // A stakeholder of one segment files for it without choosing.
    let segment_id = if f.segment_id.trim().is_empty() && caller.segment_ids.len() == 1 {
        caller.segment_ids.first().copied()
    } else {
        forms::required::<i32>(&mut form, "segment_id", &f.segment_id)
    };
    let channel = if f.channel.trim().is_empty() && caller.role == Role::Stakeholder {
        Some(ComplaintChannel::Web)
    } else {
        let c = ComplaintChannel::parse(f.channel.trim());
        if c.is_none() {
            form.add("channel", "choose a channel");
        }
        c
    };
    let received_at = match f.received_at.trim() {
        "" => None,
        text => match chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M") {
            Ok(t) => Some(t.and_utc()),
            Err(_) => {
                form.add("received_at", "a date and time");
                None
            }
        },
    };
    let service_area_id = forms::number::<i32>(&mut form, "service_area_id", &f.service_area_id);
    if let (true, Some(segment_id), Some(channel)) = (form.ok(), segment_id, channel) {
        let input = CreateComplaint {
            segment_id,
            summary: f.summary.clone(),
            channel,
            category: optional_text(&f.category),
            received_at,
            service_area_id,
            requirement_id: None,
            owner_id: None,
        };
        if let Some(view) = form.outcome(service::complaints::create(&state, &caller, input).await)? {
            let notice = format!("Complaint {} filed", view.complaint.reference);
            return Ok(done("/complaints", &notice));
        }
    }
    log_page(
        &req,
        &caller,
        &state,
        LogQuery::default(),
        form,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
pub struct ActionForm {
    resolution: Option<String>,
    reason: Option<String>,
    owner_id: Option<String>,
}

/// `POST /complaints/{id}/{acknowledge|resolve|reopen|assign}`: the API's rules.
pub async fn action(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    body: web::Bytes,
) -> PageResult {
    // Who may act depends on the step and the complaint: the operation decides.
    let (caller, f) = forms::accept_signed::<ActionForm>(&req, caller, &body)?;
    let (id, action) = path.into_inner();
    let result = match action.as_str() {
        "acknowledge" => {
            service::complaints::step(&state, &caller, id, Step::Acknowledge(AcknowledgeComplaint::default())).await
        }
        "resolve" => {
            let input = ResolveComplaint {
                resolution: f.resolution.unwrap_or_default(),
                at: None,
            };
            service::complaints::step(&state, &caller, id, Step::Resolve(input)).await
        }
        "reopen" => {
            let input = ReopenComplaint { reason: f.reason };
            service::complaints::step(&state, &caller, id, Step::Reopen(input)).await
        }
        "assign" => {
            let owner = f.owner_id.as_deref().and_then(|o| o.trim().parse::<i32>().ok());
            let input = UpdateComplaint {
                summary: None,
                category: None,
                service_area_id: None,
                requirement_id: None,
                owner_id: Some(owner),
            };
            service::complaints::update(&state, &caller, id, input).await
        }
        _ => return Err(PageError(AppError::NotFound("action"))),
    };
    match result {
        Ok(view) => {
            let notice = format!("{}: {}", view.complaint.reference, view.complaint.status);
            Ok(done("/complaints", &notice))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let mut form = FormState::default();
            form.absorb(e)?;
            log_page(
                &req,
                &caller,
                &state,
                LogQuery::default(),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    from: Option<String>,
    to: Option<String>,
    segment_id: Option<String>,
}

#[derive(Serialize)]
struct StatsPage {
    by_month: Vec<ComplaintGroup>,
    by_category: Vec<ComplaintGroup>,
    by_segment: Vec<ComplaintGroup>,
    by_service_area: Vec<ComplaintGroup>,
    received_chart: String,
    resolution_chart: String,
    segments: Vec<Segment>,
    selected: StatsSelected,
    can_audit: bool,
}

#[derive(Serialize)]
struct StatsSelected {
    from: String,
    to: String,
    segment_id: String,
}

fn date(v: &Option<String>) -> Option<chrono::NaiveDate> {
    v.as_deref()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

/// `GET /complaints/stats?from=&to=&segment_id=`: how many and how fast, with charts.
pub async fn stats(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<StatsQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let (mut from, to, segment_id) = (date(&q.from), date(&q.to), id_param(&q.segment_id));
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            from = None;
        }
    }
    let group = async |g| service::complaints::stats(&state, &caller, from, to, segment_id, g).await;
    let by_month = group(GroupBy::Month).await?.groups;
    let by_category = group(GroupBy::Category).await?.groups;
    let by_segment = group(GroupBy::Segment).await?.groups;
    let by_service_area = group(GroupBy::ServiceArea).await?.groups;
    let received_chart = voc_charts::columns(
        "Complaints received per month",
        &by_month
            .iter()
            .map(|g| Column {
                label: g.key.clone(),
                value: g.received,
            })
            .collect::<Vec<_>>(),
    );
    let longest = by_month
        .iter()
        .filter_map(|g| g.resolve_hours.p90)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let resolution_chart = bar_chart::render(
        "Resolution time per month (median hours; p90 in the note)",
        &by_month
            .iter()
            .filter_map(|g| {
                g.resolve_hours.median.map(|m| Bar {
                    label: g.key.clone(),
                    value: m / longest,
                    note: format!(
                        "median {m:.1} h · p90 {:.1} h · {} resolved",
                        g.resolve_hours.p90.unwrap_or(m),
                        g.resolved
                    ),
                })
            })
            .collect::<Vec<_>>(),
    );
    let segments = service::segments::list(&state, &caller, EVERY).await?.items;
    let data = StatsPage {
        by_month,
        by_category,
        by_segment,
        by_service_area,
        received_chart,
        resolution_chart,
        segments,
        selected: StatsSelected {
            from: from.map(|d| d.to_string()).unwrap_or_default(),
            to: to.map(|d| d.to_string()).unwrap_or_default(),
            segment_id: segment_id.map(|d| d.to_string()).unwrap_or_default(),
        },
        can_audit: may::<ReadAudit>(&caller),
    };
    render_status(
        &state,
        StatusCode::OK,
        "complaint_stats",
        &frame(&req, &caller, "Complaint statistics"),
        &data,
    )
}
