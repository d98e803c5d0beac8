//! Facilitators' pages for sessions: the list with a form for a new one, and a session with its
//! findings and a form to record several at once.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, PageQuery, Pager, EVERY};
use super::{done, frame, may, render_status, signed_in, PageResult};
use crate::access::{ManageFindings, ManageRequirements, ManageSessions};
use crate::auth::Caller;
use crate::db::findings::Finding;
use crate::db::requirements::Requirement;
use crate::db::segments::Segment;
use crate::db::service_areas::ServiceArea;
use crate::db::sessions::Session;
use crate::db::Page;
use crate::domain::terms::{FindingCategory, SessionKind};
use crate::error::AppError;
use crate::service;
use crate::service::findings::{FindingFilter, FindingRequirement, SessionFinding};
use crate::service::requirements::{CreateRequirement, RequirementFilter};
use crate::service::sessions::{CreateSession, SessionFilter};
use crate::state::AppState;

#[derive(Serialize)]
struct SessionsPage {
    sessions: Vec<Session>,
    pager: Pager,
    segments: Vec<Segment>,
    kinds: Vec<&'static str>,
    can_create: bool,
    form: FormState,
    checked: Vec<String>,
}

async fn sessions_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    page: Page,
    form: FormState,
    checked: Vec<String>,
    status: StatusCode,
) -> PageResult {
    let list = service::sessions::list(state, caller, SessionFilter::default(), page).await?;
    let segs = service::segments::list(state, caller, EVERY).await?.items;
    let data = SessionsPage {
        pager: pager("/sessions", page, list.items.len(), list.total),
        sessions: list.items,
        segments: segs,
        kinds: SessionKind::ALL.iter().map(|k| k.as_str()).collect(),
        can_create: may::<ManageSessions>(caller),
        form,
        checked,
    };
    render_status(state, status, "sessions", &frame(req, caller, "Sessions"), &data)
}

/// `GET /sessions`
pub async fn sessions(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<PageQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let form = FormState::new([
        ("kind", "focus_group".to_owned()),
        ("held_on", chrono::Utc::now().format("%Y-%m-%d").to_string()),
    ]);
    sessions_page(&req, &caller, &state, q.page(), form, Vec::new(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct SessionForm {
    kind: String,
    title: String,
    held_on: String,
    #[serde(default)]
    segment_ids: Vec<String>,
    #[serde(default)]
    facilitator: String,
    #[serde(default)]
    notes: String,
}

/// `POST /sessions`: the API's rules, errors beside the fields.
pub async fn create_session(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<SessionForm, ManageSessions>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("kind", f.kind.clone()),
        ("title", f.title.clone()),
        ("held_on", f.held_on.clone()),
        ("facilitator", f.facilitator.clone()),
        ("notes", f.notes.clone()),
    ]);
    let kind = SessionKind::parse(&f.kind);
    if kind.is_none() {
        form.add("kind", "choose a kind of session");
    }
    let held_on = chrono::NaiveDate::parse_from_str(f.held_on.trim(), "%Y-%m-%d").ok();
    if held_on.is_none() {
        form.add("held_on", "a date, YYYY-MM-DD");
    }
    let segment_ids: Vec<i32> = f.segment_ids.iter().filter_map(|s| s.parse().ok()).collect();
    if let (Some(kind), Some(held_on)) = (kind, held_on) {
        let body = CreateSession {
            kind,
            title: f.title.clone(),
            held_on,
            segment_ids,
            facilitator: optional_text(&f.facilitator),
            notes: optional_text(&f.notes),
        };
        if let Some(session) = form.outcome(service::sessions::create(&state, &caller, body).await)? {
            return Ok(done(&format!("/sessions/{}", session.id), "Session saved"));
        }
    }
    sessions_page(
        &req,
        &caller,
        &state,
        PageQuery::default().page(),
        form,
        f.segment_ids,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// One row of the findings form, as typed.
#[derive(Serialize, Default, Clone)]
struct FindingRow {
    index: usize,
    /// As people count rows: from 1.
    position: usize,
    requirement_id: String,
    new_key: String,
    new_title: String,
    service_area_id: String,
    segment_id: String,
    category: String,
    importance: String,
    note: String,
    errors: std::collections::BTreeMap<String, String>,
}

#[derive(Serialize)]
struct SessionPage {
    session: Session,
    findings: Vec<FindingView>,
    requirements: Vec<Requirement>,
    segments: Vec<Segment>,
    service_areas: Vec<ServiceArea>,
    categories: Vec<&'static str>,
    importances: [&'static str; 5],
    rows: Vec<FindingRow>,
    can_add: bool,
    can_create_requirements: bool,
    error: Option<String>,
}

#[derive(Serialize)]
struct FindingView {
    #[serde(flatten)]
    finding: Finding,
    requirement_key: String,
    segment_name: String,
}

const ROWS: usize = 4;

async fn session_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    id: i32,
    rows: Vec<FindingRow>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let session = service::sessions::get(state, caller, id).await?;
    let filter = FindingFilter {
        session_id: Some(id),
        ..Default::default()
    };
    // A session's findings are few; every one is shown.
    let found = service::findings::list(state, caller, filter, EVERY).await?.items;
    let reqs = service::requirements::list(state, caller, RequirementFilter::default(), EVERY)
        .await?
        .items;
    let segs: Vec<Segment> = service::segments::list(state, caller, EVERY)
        .await?
        .items
        .into_iter()
        .filter(|s| session.segment_ids.contains(&s.id))
        .collect();
    let areas = service::service_areas::list(state, caller, EVERY).await?.items;
    let key_of = |id: i32| {
        reqs.iter()
            .find(|r| r.id == id)
            .map(|r| r.key.clone())
            .unwrap_or_default()
    };
    let name_of = |id: i32| {
        segs.iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let findings = found
        .into_iter()
        .map(|f| FindingView {
            requirement_key: key_of(f.requirement_id),
            segment_name: name_of(f.segment_id),
            finding: f,
        })
        .collect();
    let rows = if rows.is_empty() {
        (0..ROWS)
            .map(|index| FindingRow {
                index,
                position: index + 1,
                importance: "3".into(),
                category: "basic".into(),
                service_area_id: areas.first().map(|a| a.id.to_string()).unwrap_or_default(),
                ..Default::default()
            })
            .collect()
    } else {
        rows
    };
    let title = session.title.clone();
    let data = SessionPage {
        session,
        findings,
        requirements: reqs,
        segments: segs,
        service_areas: areas,
        categories: FindingCategory::ALL.iter().map(|c| c.as_str()).collect(),
        importances: ["1", "2", "3", "4", "5"],
        rows,
        can_add: may::<ManageFindings>(caller),
        can_create_requirements: may::<ManageRequirements>(caller),
        error,
    };
    render_status(state, status, "session", &frame(req, caller, title), &data)
}

/// `GET /sessions/{id}`
pub async fn session(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    session_page(&req, &caller, &state, id.into_inner(), Vec::new(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct FindingsForm {
    #[serde(default)]
    requirement_id: Vec<String>,
    #[serde(default)]
    new_key: Vec<String>,
    #[serde(default)]
    new_title: Vec<String>,
    #[serde(default)]
    service_area_id: Vec<String>,
    #[serde(default)]
    segment_id: Vec<String>,
    #[serde(default)]
    category: Vec<String>,
    #[serde(default)]
    importance: Vec<String>,
    #[serde(default)]
    note: Vec<String>,
}

/// `POST /sessions/{id}/findings`: several rows at once, all or nothing. A row names an existing
/// requirement or a new one (key and title), which is created with it.
pub async fn add_findings(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<FindingsForm, ManageFindings>(&req, caller, &body)?;
    let session_id = id.into_inner();
    let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let count = [&f.requirement_id, &f.new_key, &f.segment_id]
        .iter()
        .map(|v| v.len())
        .max()
        .unwrap_or(0);
    let mut rows: Vec<FindingRow> = (0..count)
        .map(|i| FindingRow {
            index: i,
            position: i + 1,
            requirement_id: get(&f.requirement_id, i),
            new_key: get(&f.new_key, i).trim().to_uppercase(),
            new_title: get(&f.new_title, i),
            service_area_id: get(&f.service_area_id, i),
            segment_id: get(&f.segment_id, i),
            category: get(&f.category, i),
            importance: get(&f.importance, i),
            note: get(&f.note, i),
            errors: Default::default(),
        })
        .collect();
    let filled: Vec<usize> = rows
        .iter()
        .filter(|r| !r.requirement_id.is_empty() || !r.new_key.is_empty())
        .map(|r| r.index)
        .collect();
    if filled.is_empty() {
        return session_page(
            &req,
            &caller,
            &state,
            session_id,
            rows,
            Some("Fill in at least one row.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    // Check each row's fields first, so every mistake shows at once.
    let mut planned = Vec::new();
    for &i in &filled {
        let row = &mut rows[i];
        let mut note = |field: &str, msg: &str| {
            row.errors.entry(field.to_owned()).or_insert_with(|| msg.to_owned());
        };
        let segment_id = row.segment_id.parse::<i32>().ok();
        if segment_id.is_none() {
            note("segment_id", "choose a segment");
        }
        let category = FindingCategory::parse(&row.category);
        if category.is_none() {
            note("category", "choose a category");
        }
        let importance = row.importance.parse::<i32>().ok().filter(|v| (1..=5).contains(v));
        if importance.is_none() {
            note("importance", "1 to 5");
        }
        let existing = row.requirement_id.parse::<i32>().ok();
        let new_requirement = if existing.is_none() {
            if !may::<ManageRequirements>(&caller) {
                note("new_key", "pick an existing requirement");
            }
            let area = row.service_area_id.parse::<i32>().unwrap_or(0);
            let body = CreateRequirement {
                key: row.new_key.clone(),
                title: row.new_title.clone(),
                description: None,
                service_area_id: area,
                metric: None,
                unit: None,
                direction: None,
                target: None,
            };
            if let Err(e) = validator::Validate::validate(&body) {
                if let AppError::Invalid { fields, .. } = AppError::from(e) {
                    for (field, messages) in fields {
                        let name = match field.as_str() {
                            "key" => "new_key",
                            "title" => "new_title",
                            other => other,
                        };
                        note(name, messages.first().map(String::as_str).unwrap_or("invalid"));
                    }
                }
            }
            Some(body)
        } else {
            None
        };
        if let (Some(segment_id), Some(category), Some(importance)) = (segment_id, category, importance) {
            planned.push((
                i,
                existing,
                new_requirement,
                segment_id,
                category,
                importance,
                optional_text(&row.note),
            ));
        }
    }
    if rows.iter().any(|r| !r.errors.is_empty()) {
        return session_page(
            &req,
            &caller,
            &state,
            session_id,
            rows,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let findings = planned
        .into_iter()
        .filter_map(
            |(i, existing, new_requirement, segment_id, category, importance, note)| {
                let requirement = match (existing, new_requirement) {
                    (Some(id), _) => FindingRequirement::Existing(id),
                    (None, Some(input)) => FindingRequirement::New(input),
                    (None, None) => return None,
                };
                Some((
                    i + 1,
                    SessionFinding {
                        requirement,
                        segment_id,
                        category,
                        importance,
                        note,
                    },
                ))
            },
        )
        .collect();
    let saved = service::findings::record_session_findings(&state, &caller, session_id, findings).await;
    match saved {
        Ok(n) => Ok(done(
            &format!("/sessions/{session_id}"),
            &format!("{n} finding(s) saved"),
        )),
        Err(
            AppError::Invalid { message, .. }
            | AppError::Conflict { message, .. }
            | AppError::Duplicate { message, .. },
        ) => {
            session_page(
                &req,
                &caller,
                &state,
                session_id,
                rows,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
