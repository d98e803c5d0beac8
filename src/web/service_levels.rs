//! Service level pages (issue 12): business-hours calendars, service targets with the figures
//! reported by hand, the ticket export upload with its row errors, and the monthly service
//! report with its trend charts. Every form goes through the same operations as the API.

use std::collections::{BTreeMap, HashMap};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, PageQuery, Pager, EVERY};
use super::{allowed, done, frame, may, render_status, signed_in, PageResult};
use crate::access::{ImportTickets, ManageServiceLevels};
use crate::analysis::PeriodFigures;
use crate::auth::Caller;
use crate::db::requirements::{Requirement, RequirementFilter};
use crate::db::segments::Segment;
use crate::db::service_levels::{ServiceTarget, TargetFilter};
use crate::db::Page;
use crate::domain::business_time::{Period, DAY_KEYS};
use crate::domain::terms::Measure;
use crate::error::{AppError, ErrorCode};
use crate::import::layout::RowError;
use crate::render::service_report;
use crate::service;
use crate::service::service_levels::{
    self as ops, CalendarView, CreateCalendar, CreateMeasurement, CreateTarget, UpdateCalendar, UpdateMeasurement,
    UpdateTarget,
};
use crate::state::AppState;

/// The target form offers at most this many measurable requirements.
const REQUIREMENT_CHOICES: i64 = 1000;
/// Months of figures shown on a target's page.
const FIGURE_MONTHS: usize = 12;

// ---------------------------------------------------------------------------------------------
// Calendars

#[derive(Serialize)]
struct CalendarLine {
    #[serde(flatten)]
    calendar: CalendarView,
    /// `mon 08:00-17:00; tue …` for the table.
    open_hours: String,
    hours_per_week: f64,
    holiday_count: usize,
}

#[derive(Serialize)]
struct DayField {
    key: &'static str,
    value: String,
}

#[derive(Serialize)]
struct CalendarsPage {
    calendars: Vec<CalendarLine>,
    pager: Pager,
    can_edit: bool,
    days: Vec<DayField>,
    form: FormState,
    editing: Option<CalendarView>,
}

fn spans_text(spans: &[String]) -> String {
    spans.join(", ")
}

fn calendar_values(c: &CalendarView) -> Vec<(&'static str, String)> {
    let mut values = vec![
        ("name", c.name.clone()),
        ("timezone", c.timezone.clone()),
        (
            "holidays",
            c.holidays.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
        ),
    ];
    for day in DAY_KEYS {
        values.push((day, c.week.get(day).map(|s| spans_text(s)).unwrap_or_default()));
    }
    values
}

async fn calendars_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    q: PageQuery,
    form: FormState,
    editing: Option<CalendarView>,
    status: StatusCode,
) -> PageResult {
    let page = q.page();
    let listing = ops::list_calendars(state, caller, page).await?;
    let calendars: Vec<CalendarLine> = listing
        .items
        .into_iter()
        .map(|c| CalendarLine {
            open_hours: DAY_KEYS
                .iter()
                .filter_map(|d| c.week.get(*d).map(|s| format!("{d} {}", spans_text(s))))
                .collect::<Vec<_>>()
                .join("; "),
            holiday_count: c.holidays.len(),
            hours_per_week: f64::from(c.minutes_per_week) / 60.0,
            calendar: c,
        })
        .collect();
    let days = DAY_KEYS
        .iter()
        .map(|d| DayField {
            key: d,
            value: form.values.get(*d).cloned().unwrap_or_default(),
        })
        .collect();
    let data = CalendarsPage {
        pager: pager("/calendars", page, calendars.len(), listing.total),
        calendars,
        can_edit: may::<ManageServiceLevels>(caller),
        days,
        form,
        editing,
    };
    render_status(state, status, "calendars", &frame(req, caller, "Calendars"), &data)
}

/// `GET /calendars`
pub async fn calendars(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<PageQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let form = FormState::new([("timezone", "UTC".to_owned())]);
    calendars_page(&req, &caller, &state, q.into_inner(), form, None, StatusCode::OK).await
}

/// `GET /calendars/{id}`: the list with the form filled in for this calendar.
pub async fn calendar(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let cal = ops::get_calendar(&state, &caller, id.into_inner()).await?;
    let form = FormState::new(calendar_values(&cal));
    calendars_page(
        &req,
        &caller,
        &state,
        PageQuery::default(),
        form,
        Some(cal),
        StatusCode::OK,
    )
    .await
}

/// The calendar form: name, timezone, one text field of spans per day, holidays one a line.
#[derive(Deserialize)]
pub struct CalendarForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    holidays: String,
    #[serde(default)]
    mon: String,
    #[serde(default)]
    tue: String,
    #[serde(default)]
    wed: String,
    #[serde(default)]
    thu: String,
    #[serde(default)]
    fri: String,
    #[serde(default)]
    sat: String,
    #[serde(default)]
    sun: String,
}

struct CalendarParts {
    week: BTreeMap<String, Vec<String>>,
    holidays: Vec<NaiveDate>,
}

impl CalendarForm {
    fn days(&self) -> [(&'static str, &str); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }

    fn state(&self) -> FormState {
        let mut values = vec![
            ("name", self.name.clone()),
            ("timezone", self.timezone.clone()),
            ("holidays", self.holidays.clone()),
        ];
        for (day, text) in self.days() {
            values.push((day, text.to_owned()));
        }
        FormState::new(values)
    }

    /// Spans split on commas (or spaces), holidays on lines (or commas); a date that does not
    /// read is noted on the form. Spans are judged by the operation.
    fn parts(&self, form: &mut FormState) -> CalendarParts {
        let mut week = BTreeMap::new();
        for (day, text) in self.days() {
            let spans: Vec<String> = text
                .split([',', ';', ' ', '\n', '\t'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if !spans.is_empty() {
                week.insert(day.to_owned(), spans);
            }
        }
        let mut holidays = Vec::new();
        for word in self
            .holidays
            .split([',', ';', ' ', '\n', '\r', '\t'])
            .filter(|s| !s.trim().is_empty())
        {
            match NaiveDate::parse_from_str(word.trim(), "%Y-%m-%d") {
                Ok(d) => holidays.push(d),
                Err(_) => form.add("holidays", format!("{word:?} is not a date YYYY-MM-DD")),
            }
        }
        CalendarParts { week, holidays }
    }
}

/// `POST /calendars`
pub async fn create_calendar(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<CalendarForm, ManageServiceLevels>(&req, caller, &body)?;
    let mut form = f.state();
    let parts = f.parts(&mut form);
    if form.ok() {
        let input = CreateCalendar {
            name: f.name.trim().to_owned(),
            timezone: f.timezone.trim().to_owned(),
            week: parts.week,
            holidays: parts.holidays,
        };
        if let Some(c) = form.outcome(ops::create_calendar(&state, &caller, input).await)? {
            return Ok(done("/calendars", &format!("Calendar {} added", c.name)));
        }
    }
    calendars_page(
        &req,
        &caller,
        &state,
        PageQuery::default(),
        form,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /calendars/{id}`: every part as the form shows it.
pub async fn update_calendar(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<CalendarForm, ManageServiceLevels>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = f.state();
    let parts = f.parts(&mut form);
    if form.ok() {
        let input = UpdateCalendar {
            name: Some(f.name.trim().to_owned()),
            timezone: Some(f.timezone.trim().to_owned()),
            week: Some(parts.week),
            holidays: Some(parts.holidays),
        };
        if let Some(c) = form.outcome(ops::update_calendar(&state, &caller, id, input).await)? {
            return Ok(done("/calendars", &format!("Calendar {} saved", c.name)));
        }
    }
    let editing = ops::get_calendar(&state, &caller, id).await?;
    calendars_page(
        &req,
        &caller,
        &state,
        PageQuery::default(),
        form,
        Some(editing),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Service targets and reported figures

#[derive(Serialize)]
struct TargetLine {
    #[serde(flatten)]
    target: ServiceTarget,
    requirement: String,
    unit: String,
    segment: String,
    calendar: String,
}

#[derive(Serialize)]
struct Choice {
    id: i32,
    label: String,
}

#[derive(Serialize)]
struct FigureLine {
    period: String,
    /// The figure as shown, None for a month without one.
    value: Option<String>,
    status: String,
}

#[derive(Serialize)]
struct TargetsPage {
    targets: Vec<TargetLine>,
    pager: Pager,
    can_edit: bool,
    requirements: Vec<Choice>,
    segments: Vec<Segment>,
    calendars: Vec<Choice>,
    measures: Vec<&'static str>,
    form: FormState,
    editing: Option<TargetLine>,
    /// A reported target's months, newest first, with the figure entry beside.
    figures: Option<Vec<FigureLine>>,
    figure_form: FormState,
}

/// What the target pages show besides the form.
struct Editing {
    target: Option<ServiceTarget>,
    form: FormState,
    figure_form: FormState,
}

async fn target_line(
    state: &AppState,
    caller: &Caller,
    t: ServiceTarget,
    requirements: &HashMap<i32, Requirement>,
    segments: &[Segment],
    calendars: &HashMap<i32, String>,
) -> Result<TargetLine, AppError> {
    let requirement = match requirements.get(&t.requirement_id) {
        Some(r) => r.clone(),
        None => service::requirements::get(state, caller, t.requirement_id).await?,
    };
    let segment = match t.segment_id {
        None => "every segment".to_owned(),
        Some(id) => segments
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("segment {id}")),
    };
    Ok(TargetLine {
        requirement: format!("{} {}", requirement.key, requirement.title),
        unit: requirement.unit.unwrap_or_default(),
        segment,
        calendar: calendars.get(&t.calendar_id).cloned().unwrap_or_default(),
        target: t,
    })
}

async fn targets_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    q: PageQuery,
    editing: Editing,
    status: StatusCode,
) -> PageResult {
    let page = q.page();
    let listing = ops::list_targets(state, caller, TargetFilter::default(), page).await?;
    let choices = Page {
        limit: REQUIREMENT_CHOICES,
        offset: 0,
    };
    let reqs = service::requirements::list(state, caller, RequirementFilter::default(), choices)
        .await?
        .items;
    let by_id: HashMap<i32, Requirement> = reqs.iter().map(|r| (r.id, r.clone())).collect();
    let segments = service::segments::list(state, caller, EVERY).await?.items;
    let calendars = ops::list_calendars(state, caller, EVERY).await?.items;
    let calendar_names: HashMap<i32, String> = calendars.iter().map(|c| (c.id, c.name.clone())).collect();
    let mut targets = Vec::with_capacity(listing.items.len());
    for t in listing.items {
        targets.push(target_line(state, caller, t, &by_id, &segments, &calendar_names).await?);
    }
    let (edit_line, figures) = match editing.target {
        None => (None, None),
        Some(t) => {
            let figures = if t.measure == Measure::Reported.as_str() {
                let to = ops::this_month();
                let from = (1..FIGURE_MONTHS).fold(to, |p, _| p.prev());
                let view = ops::target_attainment(state, caller, t.id, from, to).await?;
                Some(
                    view.periods
                        .into_iter()
                        .rev()
                        .filter_map(|p| match p {
                            PeriodFigures::Reported(r) => Some(FigureLine {
                                period: r.period.to_string(),
                                value: r.value.map(figure_text),
                                status: r.status.as_str().to_owned(),
                            }),
                            PeriodFigures::Tickets(_) => None,
                        })
                        .collect(),
                )
            } else {
                None
            };
            let line = target_line(state, caller, t, &by_id, &segments, &calendar_names).await?;
            (Some(line), figures)
        }
    };
    let data = TargetsPage {
        pager: pager("/service-targets", page, targets.len(), listing.total),
        targets,
        can_edit: may::<ManageServiceLevels>(caller),
        requirements: reqs
            .into_iter()
            .filter(|r| r.metric.is_some() || r.unit.is_some())
            .map(|r| Choice {
                id: r.id,
                label: format!(
                    "{} {}{}",
                    r.key,
                    r.title,
                    r.unit.map(|u| format!(" ({u})")).unwrap_or_default()
                ),
            })
            .collect(),
        segments,
        calendars: calendars
            .into_iter()
            .map(|c| Choice {
                id: c.id,
                label: format!("{} ({})", c.name, c.timezone),
            })
            .collect(),
        measures: Measure::ALL.iter().map(|m| m.as_str()).collect(),
        form: editing.form,
        editing: edit_line,
        figures,
        figure_form: editing.figure_form,
    };
    render_status(
        state,
        status,
        "service_targets",
        &frame(req, caller, "Service targets"),
        &data,
    )
}

fn figure_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn target_values(t: &ServiceTarget) -> Vec<(&'static str, String)> {
    vec![
        ("requirement_id", t.requirement_id.to_string()),
        ("segment_id", t.segment_id.map(|s| s.to_string()).unwrap_or_default()),
        ("measure", t.measure.clone()),
        ("limit", t.limit_value.to_string()),
        ("goal", t.goal.map(|g| g.to_string()).unwrap_or_default()),
        ("priority", t.priority.clone().unwrap_or_default()),
        ("calendar_id", t.calendar_id.to_string()),
    ]
}

/// `GET /service-targets`
pub async fn targets(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<PageQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let editing = Editing {
        target: None,
        form: FormState::new([("measure", "resolution".to_owned())]),
        figure_form: FormState::default(),
    };
    targets_page(&req, &caller, &state, q.into_inner(), editing, StatusCode::OK).await
}

/// `GET /service-targets/{id}`: the form filled in for this target and, for a reported one,
/// its months with the figure entry.
pub async fn target(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let t = ops::get_target(&state, &caller, id.into_inner()).await?;
    let editing = Editing {
        form: FormState::new(target_values(&t)),
        target: Some(t),
        figure_form: FormState::new([("period", ops::last_month().to_string())]),
    };
    targets_page(&req, &caller, &state, PageQuery::default(), editing, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    requirement_id: String,
    #[serde(default)]
    segment_id: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    limit: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    calendar_id: String,
}

struct ParsedTarget {
    requirement_id: Option<i32>,
    segment_id: Option<i32>,
    measure: Option<Measure>,
    limit: Option<f64>,
    goal: Option<f64>,
    calendar_id: Option<i32>,
}

impl TargetForm {
    fn state(&self) -> FormState {
        FormState::new([
            ("requirement_id", self.requirement_id.clone()),
            ("segment_id", self.segment_id.clone()),
            ("measure", self.measure.clone()),
            ("limit", self.limit.clone()),
            ("goal", self.goal.clone()),
            ("priority", self.priority.clone()),
            ("calendar_id", self.calendar_id.clone()),
        ])
    }

    fn parse(&self, form: &mut FormState) -> ParsedTarget {
        let measure = Measure::parse(self.measure.trim());
        if measure.is_none() {
            form.add("measure", "choose a measure");
        }
        ParsedTarget {
            requirement_id: forms::required(form, "requirement_id", &self.requirement_id),
            segment_id: forms::number(form, "segment_id", &self.segment_id),
            measure,
            limit: forms::number(form, "limit", &self.limit),
            goal: forms::number(form, "goal", &self.goal),
            calendar_id: forms::number(form, "calendar_id", &self.calendar_id),
        }
    }
}

/// `POST /service-targets`
pub async fn create_target(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<TargetForm, ManageServiceLevels>(&req, caller, &body)?;
    let mut form = f.state();
    let p = f.parse(&mut form);
    if let (true, Some(requirement_id), Some(measure)) = (form.ok(), p.requirement_id, p.measure) {
        let input = CreateTarget {
            requirement_id,
            segment_id: p.segment_id,
            measure,
            limit: p.limit,
            goal: p.goal,
            priority: optional_text(&f.priority),
            calendar_id: p.calendar_id,
        };
        if let Some(t) = form.outcome(ops::create_target(&state, &caller, input).await)? {
            return Ok(done(&format!("/service-targets/{}", t.id), "Service target added"));
        }
    }
    let editing = Editing {
        target: None,
        form,
        figure_form: FormState::default(),
    };
    targets_page(
        &req,
        &caller,
        &state,
        PageQuery::default(),
        editing,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /service-targets/{id}`: every part as the form shows it (a blank limit keeps it).
pub async fn update_target(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<TargetForm, ManageServiceLevels>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = f.state();
    let p = f.parse(&mut form);
    if let (true, Some(measure)) = (form.ok(), p.measure) {
        let input = UpdateTarget {
            segment_id: Some(p.segment_id),
            measure: Some(measure),
            limit: p.limit,
            goal: Some(p.goal),
            priority: Some(optional_text(&f.priority)),
            calendar_id: p.calendar_id,
        };
        if form
            .outcome(ops::update_target(&state, &caller, id, input).await)?
            .is_some()
        {
            return Ok(done(&format!("/service-targets/{id}"), "Service target saved"));
        }
    }
    let target = ops::get_target(&state, &caller, id).await?;
    let editing = Editing {
        target: Some(target),
        form,
        figure_form: FormState::default(),
    };
    targets_page(
        &req,
        &caller,
        &state,
        PageQuery::default(),
        editing,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
pub struct FigureForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    value: String,
}

/// Re-shows a target's page with the figure form's problems.
async fn figure_refused(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    id: i32,
    figure_form: FormState,
    status: StatusCode,
) -> PageResult {
    let target = ops::get_target(state, caller, id).await?;
    let editing = Editing {
        form: FormState::new(target_values(&target)),
        target: Some(target),
        figure_form,
    };
    targets_page(req, caller, state, PageQuery::default(), editing, status).await
}

/// A month already reported is answered with where to correct it.
fn figure_outcome<T>(form: &mut FormState, result: Result<T, AppError>) -> Result<Option<T>, super::PageError> {
    match result {
        Err(AppError::Conflict {
            code: ErrorCode::PeriodExists,
            ..
        }) => {
            form.add("period", "this month is already reported: correct it in the table");
            Ok(None)
        }
        other => form.outcome(other),
    }
}

/// `POST /service-targets/{id}/measurements`: a reported target's figure for a month.
pub async fn add_measurement(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<FigureForm, ManageServiceLevels>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = FormState::new([("period", f.period.clone()), ("value", f.value.clone())]);
    let period = Period::parse(f.period.trim());
    if period.is_none() {
        form.add("period", "a month YYYY-MM");
    }
    let value = forms::required::<f64>(&mut form, "value", &f.value);
    if let (true, Some(period), Some(value)) = (form.ok(), period, value) {
        let input = CreateMeasurement { period, value };
        if figure_outcome(&mut form, ops::add_measurement(&state, &caller, id, input).await)?.is_some() {
            return Ok(done(&format!("/service-targets/{id}"), &format!("{period} recorded")));
        }
    }
    figure_refused(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /service-targets/{id}/measurements/{period}`: corrects a month's figure.
pub async fn correct_measurement(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<FigureForm, ManageServiceLevels>(&req, caller, &body)?;
    let (id, period) = path.into_inner();
    let period = Period::parse(&period).ok_or(AppError::NotFound("measurement"))?;
    let mut form = FormState::new([("period", period.to_string()), ("value", f.value.clone())]);
    let value = forms::required::<f64>(&mut form, "value", &f.value);
    if let (true, Some(value)) = (form.ok(), value) {
        let input = UpdateMeasurement { value };
        if figure_outcome(
            &mut form,
            ops::correct_measurement(&state, &caller, id, period, input).await,
        )?
        .is_some()
        {
            return Ok(done(&format!("/service-targets/{id}"), &format!("{period} corrected")));
        }
    }
    figure_refused(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

// ---------------------------------------------------------------------------------------------
// Ticket upload

#[derive(Serialize)]
struct TicketImportPage {
    /// "N ticket(s) imported, M updated." after an upload that went in.
    result: Option<String>,
    rows: Vec<RowError>,
    error: Option<String>,
    timezone: String,
}

#[allow(clippy::too_many_arguments)]
fn ticket_view(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    summary: Option<(u64, u64)>,
    rows: Vec<RowError>,
    error: Option<String>,
    timezone: String,
    status: StatusCode,
) -> PageResult {
    let data = TicketImportPage {
        result: summary.map(|(imported, updated)| format!("{imported} ticket(s) imported, {updated} updated.")),
        rows,
        error,
        timezone,
    };
    render_status(
        state,
        status,
        "ticket_import",
        &frame(req, caller, "Ticket upload"),
        &data,
    )
}

/// `GET /imports/tickets`
pub async fn ticket_import_page(req: HttpRequest, caller: Option<Caller>, state: web::Data<AppState>) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ImportTickets>(&caller)?;
    ticket_view(
        &req,
        &caller,
        &state,
        None,
        Vec::new(),
        None,
        "UTC".into(),
        StatusCode::OK,
    )
}

/// `POST /imports/tickets` (multipart: csrf, timezone, file): the API's import, all or nothing.
pub async fn import_tickets(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    parts: Multipart,
) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ImportTickets>(&caller)?;
    let form = forms::upload(&req, parts, state.csv_limit_bytes).await?;
    let timezone = form.fields.get("timezone").cloned().unwrap_or_default();
    let refused = |rows, message: String| {
        ticket_view(
            &req,
            &caller,
            &state,
            None,
            rows,
            Some(message),
            timezone.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Some(file) = form.file else {
        return refused(Vec::new(), "Choose a CSV file.".into());
    };
    match ops::import_tickets(&state, &caller, file, Some(&timezone)).await {
        Ok(summary) => ticket_view(
            &req,
            &caller,
            &state,
            Some((summary.imported, summary.updated)),
            Vec::new(),
            None,
            timezone.clone(),
            StatusCode::OK,
        ),
        Err(AppError::RowsInvalid { rows, total }) => {
            refused(rows, format!("{total} problem(s) in the file; nothing was imported."))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::PayloadTooLarge { .. })) => refused(Vec::new(), e.to_string()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The monthly service report

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    period: Option<String>,
    segment_id: Option<String>,
}

#[derive(Serialize)]
struct ReportPage {
    period: String,
    segment_id: String,
    segments: Vec<Segment>,
    body: String,
    download_query: String,
    error: Option<String>,
}

/// The report of `period` as HTML to embed (summary, table and a chart per target), with the
/// query its downloads take.
pub async fn report_body(
    state: &AppState,
    caller: &Caller,
    period: Period,
    segment_id: Option<i32>,
) -> Result<(String, String), AppError> {
    let report = ops::service_report(state, caller, period, segment_id).await?;
    let body = service_report::html_body(&state.templates, &report)?;
    let mut query = format!("period={period}");
    if let Some(id) = segment_id {
        query.push_str(&format!("&segment_id={id}"));
    }
    Ok((body, query))
}

/// `GET /reports/service?period=YYYY-MM&segment_id=`: the month's report (default last month)
/// with its charts and downloads; stakeholders see their segments' and the general targets.
pub async fn service_report(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<ReportQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let asked = q.period.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let (period, error) = match asked.map(Period::parse) {
        None => (ops::last_month(), None),
        Some(Some(p)) => (p, None),
        Some(None) => (
            ops::last_month(),
            Some("The month is written YYYY-MM; showing last month.".to_owned()),
        ),
    };
    let segment_id = q.segment_id.as_deref().and_then(|s| s.trim().parse::<i32>().ok());
    let (body, download_query) = report_body(&state, &caller, period, segment_id).await?;
    let data = ReportPage {
        period: period.to_string(),
        segment_id: segment_id.map(|s| s.to_string()).unwrap_or_default(),
        segments: service::segments::list(&state, &caller, EVERY).await?.items,
        body,
        download_query,
        error,
    };
    let title = format!("Service report {}", service_report::month_name(period));
    render_status(
        &state,
        StatusCode::OK,
        "service_report_page",
        &frame(&req, &caller, title),
        &data,
    )
}
