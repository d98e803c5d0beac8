//! The requirements catalogue: every requirement the caller may see, a page at a time, found
//! by key or title; facilitators, leadership and admins add and edit them.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::{pager, query, PageQuery, Pager, EVERY};
use super::{done, frame, may, render_status, signed_in, PageResult};
use crate::access::ManageRequirements;
use crate::auth::Caller;
use crate::db::requirements::Requirement;
use crate::db::service_areas::ServiceArea;
use crate::domain::terms::Direction;
use crate::service;
use crate::service::requirements::{CreateRequirement, RequirementFilter, UpdateRequirement};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    search: Option<String>,
    service_area_id: Option<String>,
    offset: Option<String>,
}

#[derive(Serialize)]
struct RequirementLine {
    #[serde(flatten)]
    requirement: Requirement,
    service_area: String,
}

#[derive(Serialize)]
struct ListPage {
    requirements: Vec<RequirementLine>,
    pager: Pager,
    search: String,
    service_area_id: String,
    service_areas: Vec<ServiceArea>,
    directions: [&'static str; 2],
    can_edit: bool,
    form: FormState,
    /// The requirement being edited, when the form edits one.
    editing: Option<Requirement>,
}

async fn list_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    q: ListQuery,
    form: FormState,
    editing: Option<Requirement>,
    status: StatusCode,
) -> PageResult {
    let search = q.search.clone().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let area = q.service_area_id.as_deref().and_then(|a| a.trim().parse::<i32>().ok());
    let page = PageQuery { offset: q.offset }.page();
    let filter = RequirementFilter {
        service_area_id: area,
        search: search.clone(),
    };
    let found = service::requirements::list(state, caller, filter, page).await?;
    let areas = service::service_areas::list(state, caller, EVERY).await?.items;
    let area_name = |id: i32| {
        areas
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let base = format!(
        "/requirements?{}",
        query(&[
            ("search", search.clone()),
            ("service_area_id", area.map(|a| a.to_string()))
        ])
    );
    let data = ListPage {
        pager: pager(&base, page, found.items.len(), found.total),
        requirements: found
            .items
            .into_iter()
            .map(|r| RequirementLine {
                service_area: area_name(r.service_area_id),
                requirement: r,
            })
            .collect(),
        search: search.unwrap_or_default(),
        service_area_id: area.map(|a| a.to_string()).unwrap_or_default(),
        service_areas: areas,
        directions: [Direction::HigherIsBetter.as_str(), Direction::LowerIsBetter.as_str()],
        can_edit: may::<ManageRequirements>(caller),
        form,
        editing,
    };
    render_status(
        state,
        status,
        "requirements",
        &frame(req, caller, "Requirements"),
        &data,
    )
}

/// `GET /requirements?search=&service_area_id=&offset=`
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
        q.into_inner(),
        FormState::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `GET /requirements/{id}`: the catalogue with the form filled in for this requirement.
pub async fn edit_page(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let requirement = service::requirements::get(&state, &caller, id.into_inner()).await?;
    let form = FormState::new(values(&requirement));
    let q = ListQuery {
        search: Some(requirement.key.clone()),
        ..Default::default()
    };
    list_page(&req, &caller, &state, q, form, Some(requirement), StatusCode::OK).await
}

fn values(r: &Requirement) -> Vec<(&'static str, String)> {
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        ("key", r.key.clone()),
        ("title", r.title.clone()),
        ("description", r.description.clone().unwrap_or_default()),
        ("service_area_id", r.service_area_id.to_string()),
        ("metric", r.metric.clone().unwrap_or_default()),
        ("unit", r.unit.clone().unwrap_or_default()),
        ("direction", r.direction.clone().unwrap_or_default()),
        ("target", number(r.target)),
    ]
}

#[derive(Deserialize)]
pub struct RequirementForm {
    key: String,
    title: String,
    #[serde(default)]
    description: String,
    service_area_id: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    target: String,
}

impl RequirementForm {
    fn state(&self) -> FormState {
        FormState::new([
            ("key", self.key.clone()),
            ("title", self.title.clone()),
            ("description", self.description.clone()),
            ("service_area_id", self.service_area_id.clone()),
            ("metric", self.metric.clone()),
            ("unit", self.unit.clone()),
            ("direction", self.direction.clone()),
            ("target", self.target.clone()),
        ])
    }
}

/// The fields every requirement form shares, read with their problems noted on the form.
struct Parsed {
    service_area_id: Option<i32>,
    direction: Option<Direction>,
    target: Option<f64>,
}

fn parse(f: &RequirementForm, form: &mut FormState) -> Parsed {
    let service_area_id = forms::required::<i32>(form, "service_area_id", &f.service_area_id);
    let direction = match f.direction.trim() {
        "" => None,
        d => {
            let parsed = Direction::parse(d);
            if parsed.is_none() {
                form.add("direction", "higher_is_better or lower_is_better");
            }
            parsed
        }
    };
    let target = forms::number::<f64>(form, "target", &f.target);
    Parsed {
        service_area_id,
        direction,
        target,
    }
}

/// `POST /requirements`: a new requirement, with the API's rules.
pub async fn create(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<RequirementForm, ManageRequirements>(&req, caller, &body)?;
    let mut form = f.state();
    let parsed = parse(&f, &mut form);
    if let (true, Some(service_area_id)) = (form.ok(), parsed.service_area_id) {
        let input = CreateRequirement {
            key: f.key.trim().to_uppercase(),
            title: f.title.clone(),
            description: optional_text(&f.description),
            service_area_id,
            metric: optional_text(&f.metric),
            unit: optional_text(&f.unit),
            direction: parsed.direction,
            target: parsed.target,
        };
        if let Some(r) = form.outcome(service::requirements::create(&state, &caller, input).await)? {
            return Ok(done(
                &format!("/requirements?search={}", r.key),
                &format!("Added {}", r.key),
            ));
        }
    }
    let q = ListQuery::default();
    list_page(&req, &caller, &state, q, form, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /requirements/{id}`: changes to a requirement, with the API's rules.
pub async fn update(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<RequirementForm, ManageRequirements>(&req, caller, &body)?;
    let id = id.into_inner();
    let mut form = f.state();
    let parsed = parse(&f, &mut form);
    if form.ok() {
        let input = UpdateRequirement {
            key: Some(f.key.trim().to_uppercase()),
            title: Some(f.title.clone()),
            description: Some(optional_text(&f.description)),
            service_area_id: parsed.service_area_id,
            metric: Some(optional_text(&f.metric)),
            unit: Some(optional_text(&f.unit)),
            direction: Some(parsed.direction),
            target: Some(parsed.target),
        };
        if let Some(r) = form.outcome(service::requirements::update(&state, &caller, id, input).await)? {
            return Ok(done(
                &format!("/requirements?search={}", r.key),
                &format!("Saved {}", r.key),
            ));
        }
    }
    let editing = service::requirements::get(&state, &caller, id).await?;
    let q = ListQuery {
        search: Some(editing.key.clone()),
        ..Default::default()
    };
    list_page(
        &req,
        &caller,
        &state,
        q,
        form,
        Some(editing),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
