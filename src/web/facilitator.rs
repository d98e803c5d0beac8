//! Facilitators' pages: sessions and their findings, questionnaire uploads, Kano results.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::session::check_csrf;
use super::{allowed, done, frame, may, render, render_status, signed_in, PageError, PageResult};
use crate::api::findings::CreateFinding;
use crate::api::requirements::CreateRequirement;
use crate::api::sessions::CreateSession;
use crate::auth::policy::{ManageFindings, ManageRequirements, ManageResponses, ManageSessions};
use crate::auth::Caller;
use crate::db::findings::{Finding, FindingFilter};
use crate::db::requirements::Requirement;
use crate::db::segments::Segment;
use crate::db::service_areas::ServiceArea;
use crate::db::sessions::Session;
use crate::db::{findings, requirements, segments, service_areas, sessions, Page, Scope};
use crate::domain::terms::{FindingCategory, SessionKind};
use crate::error::AppError;
use crate::import::layout::RowError;
use crate::state::AppState;

const ALL: Page = Page { limit: 500, offset: 0 };

#[derive(Serialize)]
struct SessionsPage {
    sessions: Vec<Session>,
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
    form: FormState,
    checked: Vec<String>,
    status: StatusCode,
) -> PageResult {
    let scope = caller.scope();
    let (list, segs) = state
        .db
        .run(move |c| {
            Ok((
                sessions::list(c, &scope, None, ALL)?.0,
                segments::list(c, &scope, ALL)?.0,
            ))
        })
        .await?;
    let data = SessionsPage {
        sessions: list,
        segments: segs,
        kinds: SessionKind::ALL.iter().map(|k| k.as_str()).collect(),
        can_create: may::<ManageSessions>(caller),
        form,
        checked,
    };
    render_status(state, status, "sessions", &frame(req, caller, "Sessions"), &data)
}

/// `GET /sessions`
pub async fn sessions(req: HttpRequest, caller: Option<Caller>, state: web::Data<AppState>) -> PageResult {
    let caller = signed_in(caller)?;
    let form = FormState::new([
        ("kind", "focus_group".to_owned()),
        ("held_on", chrono::Utc::now().format("%Y-%m-%d").to_string()),
    ]);
    sessions_page(&req, &caller, &state, form, Vec::new(), StatusCode::OK).await
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
        if let Some(session) = form
            .submit(&state, &caller, body, crate::api::sessions::create_tx)
            .await?
        {
            return Ok(done(&format!("/sessions/{}", session.id), "Session saved"));
        }
    }
    sessions_page(
        &req,
        &caller,
        &state,
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
    let scope = caller.scope();
    let (session, found, reqs, segs, areas) = state
        .db
        .run(move |c| {
            let session = sessions::get(c, id, &scope)?;
            let filter = FindingFilter {
                session_id: Some(id),
                ..Default::default()
            };
            let found = findings::list(c, &scope, &filter, ALL)?.0;
            let reqs = requirements::list(c, &scope, None, ALL)?.0;
            let segs: Vec<Segment> = segments::list(c, &scope, ALL)?
                .0
                .into_iter()
                .filter(|s| session.segment_ids.contains(&s.id))
                .collect();
            let areas = service_areas::list(c, ALL)?.0;
            Ok((session, found, reqs, segs, areas))
        })
        .await?;
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
    let who = caller.clone();
    let saved = state
        .db
        .write(move |c| {
            sessions::get(c, session_id, &who.scope())?;
            let mut n = 0;
            for (i, existing, new_requirement, segment_id, category, importance, note) in planned {
                let requirement_id = match (existing, new_requirement) {
                    (Some(id), _) => id,
                    (None, Some(body)) => {
                        crate::api::requirements::create_tx(c, &who, body)
                            .map_err(|e| row_error(i, e))?
                            .id
                    }
                    (None, None) => continue,
                };
                let body = CreateFinding {
                    requirement_id,
                    segment_id,
                    session_id: Some(session_id),
                    category,
                    importance,
                    note,
                };
                crate::api::findings::create_tx(c, &who, body).map_err(|e| row_error(i, e))?;
                n += 1;
            }
            Ok(n)
        })
        .await;
    match saved {
        Ok(n) => Ok(done(
            &format!("/sessions/{session_id}"),
            &format!("{n} finding(s) saved"),
        )),
        Err(AppError::Invalid { message, .. }) | Err(AppError::Conflict { message, .. }) => {
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

/// Names the row in a refusal from the shared rules.
fn row_error(i: usize, e: AppError) -> AppError {
    match e {
        AppError::Invalid {
            status,
            code,
            message,
            fields,
        } => AppError::Invalid {
            status,
            code,
            message: format!("Row {}: {message}", i + 1),
            fields,
        },
        AppError::Conflict { code, message } => AppError::Conflict {
            code,
            message: format!("Row {}: {message}", i + 1),
        },
        other => other,
    }
}

#[derive(Serialize)]
struct ImportPage {
    sessions: Vec<Session>,
    imported: Option<u64>,
    rows: Vec<RowError>,
    error: Option<String>,
}

async fn import_view(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    imported: Option<u64>,
    rows: Vec<RowError>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let scope = caller.scope();
    let list = state
        .db
        .run(move |c| Ok(sessions::list(c, &scope, None, ALL)?.0))
        .await?;
    let data = ImportPage {
        sessions: list,
        imported,
        rows,
        error,
    };
    render_status(
        state,
        status,
        "import",
        &frame(req, caller, "Questionnaire upload"),
        &data,
    )
}

/// `GET /imports`
pub async fn import_page(req: HttpRequest, caller: Option<Caller>, state: web::Data<AppState>) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ManageResponses>(&caller)?;
    import_view(&req, &caller, &state, None, Vec::new(), None, StatusCode::OK).await
}

/// `POST /imports` (multipart: csrf, session_id, file): the API's import, all or nothing.
pub async fn import(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    mut parts: Multipart,
) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ManageResponses>(&caller)?;
    let mut csrf = None;
    let mut session_id = None;
    let mut file = None;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| PageError(AppError::bad_request("invalid_form", e.to_string(), None)))?;
        let name = part
            .content_disposition()
            .and_then(|d| d.get_name())
            .unwrap_or("")
            .to_owned();
        match name.as_str() {
            "file" => {
                // The CSRF field comes first in the form; refuse before reading the upload.
                check_csrf(&req, csrf.as_deref())?;
                file = Some(crate::api::imports::spool(&mut part, None, state.csv_limit_bytes).await?);
            }
            _ => {
                let mut text = Vec::new();
                while let Some(chunk) = part.next().await {
                    let chunk =
                        chunk.map_err(|e| PageError(AppError::bad_request("invalid_form", e.to_string(), None)))?;
                    if text.len() + chunk.len() > 4096 {
                        return Err(PageError(AppError::PayloadTooLarge { limit: 4096 }));
                    }
                    text.extend_from_slice(&chunk);
                }
                let text = String::from_utf8_lossy(&text).trim().to_owned();
                match name.as_str() {
                    "csrf" => csrf = Some(text),
                    "session_id" => session_id = text.parse::<i32>().ok(),
                    _ => {}
                }
            }
        }
    }
    check_csrf(&req, csrf.as_deref())?;
    let Some(file) = file else {
        return import_view(
            &req,
            &caller,
            &state,
            None,
            Vec::new(),
            Some("Choose a CSV file.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match crate::api::imports::import_file(&state, caller.clone(), file, session_id).await {
        Ok(summary) => {
            import_view(
                &req,
                &caller,
                &state,
                Some(summary.imported),
                Vec::new(),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::RowsInvalid { rows, total }) => {
            let message = format!("{total} problem(s) in the file; nothing was imported.");
            import_view(
                &req,
                &caller,
                &state,
                None,
                rows,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::PayloadTooLarge { .. })) => {
            import_view(
                &req,
                &caller,
                &state,
                None,
                Vec::new(),
                Some(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct KanoQuery {
    segment_id: Option<i32>,
}

#[derive(Serialize)]
struct KanoPage {
    segments: Vec<Segment>,
    segment_id: Option<i32>,
    items: Vec<crate::api::kano::KanoView>,
    chart: String,
}

/// `GET /kano?segment_id=`: the Kano results table and diagram of a segment.
pub async fn kano(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<KanoQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let scope = caller.scope();
    let segment_id = q.segment_id;
    let (segs, items, title) = state
        .db
        .run(move |c| {
            let segs = segments::list(c, &scope, ALL)?.0;
            let selection = crate::api::kano::selection(c, &scope, segment_id)?;
            let tallies = crate::db::responses::tallies(c, &selection, None)?;
            let items = crate::api::kano::views(c, &selection, tallies)?;
            let title = match segment_id {
                Some(id) => segments::get(c, id, &Scope::All)?.name,
                None => "all segments".into(),
            };
            Ok((segs, items, title))
        })
        .await?;
    let points: Vec<crate::render::kano_chart::ChartPoint> = items
        .iter()
        .filter_map(|v| {
            Some(crate::render::kano_chart::ChartPoint {
                label: v.requirement_key.clone(),
                x: v.worse?.abs(),
                y: v.better?,
            })
        })
        .collect();
    let data = KanoPage {
        segments: segs,
        segment_id,
        chart: crate::render::kano_chart::render(&format!("Kano diagram: {title}"), &points),
        items,
    };
    render(&state, "kano", &frame(&req, &caller, "Kano results"), &data)
}
