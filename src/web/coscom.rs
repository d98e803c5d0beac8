//! COScom pages: the list with "Record a COScom" (staff), and one commitment with its
//! conditions and their rating history, the checkpoint form, comments and the close form.
//! Stakeholders read their segments' commitments and comment on them.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, PageQuery, Pager, EVERY};
use super::{done, frame, may, render_status, signed_in, PageResult};
use crate::access::{CommentCoscom, ManageCoscom, ManageSurveys};
use crate::auth::Caller;
use crate::db::coscom::CoscomFilter;
use crate::db::satisfaction::{Survey, SurveyFilter};
use crate::db::segments::Segment;
use crate::domain::improvement::Rating;
use crate::domain::terms::SurveyKind;
use crate::service;
use crate::service::coscom::{
    CloseCoscom, ConditionInput, CoscomStatus, CoscomView, CreateCheckpoint, CreateComment, CreateCoscom, RatingInput,
};
use crate::state::AppState;

#[derive(Serialize)]
struct ListPage {
    commitments: Vec<CoscomView>,
    pager: Pager,
    segments: Vec<Segment>,
    can_manage: bool,
    form: FormState,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    offset: Option<String>,
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
    let listing = service::coscom::list(state, caller, CoscomFilter::default(), page).await?;
    let data = ListPage {
        pager: pager("/coscom?", page, listing.items.len(), listing.total),
        commitments: listing.items,
        segments: service::segments::list(state, caller, EVERY).await?.items,
        can_manage: may::<ManageCoscom>(caller),
        form,
    };
    render_status(state, status, "coscoms", &frame(req, caller, "COScom"), &data)
}

/// `GET /coscom`
pub async fn list(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let form = FormState::new([("ambassador", "me".to_owned())]);
    list_page(&req, &caller, &state, q.into_inner().offset, form, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct CoscomForm {
    #[serde(default)]
    project: String,
    #[serde(default)]
    segment_id: String,
    /// `me`: the caller is the service ambassador.
    #[serde(default)]
    ambassador: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    /// One condition a line; "condition | how it is measured".
    #[serde(default)]
    conditions: String,
}

fn date(form: &mut FormState, field: &str, text: &str, required: bool) -> Option<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        if required {
            form.add(field, "required");
        }
        return None;
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            form.add(field, "a date (YYYY-MM-DD)");
            None
        }
    }
}

/// `POST /coscom`
pub async fn create(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<CoscomForm, ManageCoscom>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("project", f.project.clone()),
        ("segment_id", f.segment_id.clone()),
        ("ambassador", f.ambassador.clone()),
        ("starts_on", f.starts_on.clone()),
        ("ends_on", f.ends_on.clone()),
        ("conditions", f.conditions.clone()),
    ]);
    let segment_id = forms::required::<i32>(&mut form, "segment_id", &f.segment_id);
    let starts_on = date(&mut form, "starts_on", &f.starts_on, true);
    let ends_on = date(&mut form, "ends_on", &f.ends_on, false);
    let conditions: Vec<ConditionInput> = f
        .conditions
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (text, measure) = match l.split_once('|') {
                Some((t, m)) => (t.trim().to_owned(), optional_text(m)),
                None => (l.trim().to_owned(), None),
            };
            ConditionInput { text, measure }
        })
        .collect();
    if let (true, Some(segment_id), Some(starts_on)) = (form.ok(), segment_id, starts_on) {
        let input = CreateCoscom {
            project: f.project.clone(),
            segment_id,
            ambassador_id: (f.ambassador == "me" && !caller.is_system()).then_some(caller.id),
            starts_on,
            ends_on,
            conditions,
        };
        if let Some(v) = form.outcome(service::coscom::create(&state, &caller, input).await)? {
            return Ok(done(&format!("/coscom/{}", v.id), "COScom recorded"));
        }
    }
    list_page(&req, &caller, &state, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// One condition's line of the checkpoint form, with what was entered (after a refusal).
#[derive(Serialize)]
struct RatingLine {
    id: i32,
    text: String,
    selected: String,
    note: String,
}

#[derive(Serialize)]
struct CoscomPage {
    coscom: CoscomView,
    rating_lines: Vec<RatingLine>,
    open: bool,
    ratings: Vec<&'static str>,
    /// Transaction surveys asking the segment, to close with.
    surveys: Vec<Survey>,
    can_manage: bool,
    can_comment: bool,
    form: FormState,
}

async fn coscom_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    id: i32,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let coscom = service::coscom::get(state, caller, id).await?;
    let can_manage = may::<ManageCoscom>(caller);
    let surveys = if can_manage && may::<ManageSurveys>(caller) {
        let filter = SurveyFilter {
            kind: Some(SurveyKind::Transaction.as_str().to_owned()),
            segment_id: Some(coscom.segment_id),
        };
        service::satisfaction::list(state, caller, filter, EVERY).await?.items
    } else {
        Vec::new()
    };
    let value = |k: String| form.values.get(&k).cloned().unwrap_or_default();
    let rating_lines = coscom
        .conditions
        .iter()
        .map(|c| RatingLine {
            id: c.id,
            text: c.text.clone(),
            selected: value(format!("rating_{}", c.id)),
            note: value(format!("note_{}", c.id)),
        })
        .collect();
    let data = CoscomPage {
        rating_lines,
        open: coscom.status == CoscomStatus::Open,
        ratings: Rating::ALL.iter().map(|r| r.as_str()).collect(),
        surveys,
        can_manage,
        can_comment: may::<CommentCoscom>(caller),
        form,
        coscom,
    };
    let title = format!("COScom: {}", data.coscom.project);
    render_status(state, status, "coscom", &frame(req, caller, title), &data)
}

/// `GET /coscom/{id}`
pub async fn page(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    coscom_page(
        &req,
        &caller,
        &state,
        id.into_inner(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /coscom/{id}/checkpoints`: `on`, `actions`, and per condition `rating_{id}` (empty:
/// not rated this time) and `note_{id}`.
pub async fn checkpoint(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<BTreeMap<String, String>, ManageCoscom>(&req, caller, &body)?;
    let id = id.into_inner();
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut form = FormState::default();
    for (k, v) in &f {
        if k != "csrf" {
            form.values.insert(k.clone(), v.clone());
        }
    }
    let on = date(&mut form, "on", &field("on"), true);
    let mut ratings = Vec::new();
    for (k, v) in &f {
        let Some(condition) = k.strip_prefix("rating_").and_then(|c| c.parse::<i32>().ok()) else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        match Rating::parse(v.trim()) {
            Some(rating) => ratings.push(RatingInput {
                condition_id: condition,
                rating,
                note: optional_text(&field(&format!("note_{condition}"))),
            }),
            None => form.add("ratings", "choose on track, at risk or off track"),
        }
    }
    if let (true, Some(on)) = (form.ok(), on) {
        let input = CreateCheckpoint {
            on,
            ratings,
            actions: optional_text(&field("actions")),
        };
        if form
            .outcome(service::coscom::add_checkpoint(&state, &caller, id, input).await)?
            .is_some()
        {
            return Ok(done(&format!("/coscom/{id}"), "Checkpoint recorded"));
        }
    }
    coscom_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    text: String,
}

/// `POST /coscom/{id}/comments`
pub async fn comment(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<CommentForm, CommentCoscom>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = FormState::new([("comment", f.text.clone())]);
    let input = CreateComment { text: f.text };
    match service::coscom::add_comment(&state, &caller, id, input).await {
        Ok(_) => Ok(done(&format!("/coscom/{id}"), "Comment added")),
        Err(e) => {
            form.absorb(e)?;
            if let Some(m) = form.errors.remove("text") {
                form.errors.insert("comment".into(), m);
            }
            coscom_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    survey_id: String,
}

/// `POST /coscom/{id}/close`
pub async fn close(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<CloseForm, ManageCoscom>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = FormState::default();
    let survey_id = forms::number::<i32>(&mut form, "survey_id", &f.survey_id);
    if form.ok()
        && form
            .outcome(service::coscom::close(&state, &caller, id, CloseCoscom { survey_id }).await)?
            .is_some()
    {
        return Ok(done(&format!("/coscom/{id}"), "COScom closed"));
    }
    coscom_page(&req, &caller, &state, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}
