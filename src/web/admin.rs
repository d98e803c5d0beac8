//! The admin's page: users (create, role, segments, disable) and segments.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, optional_text, FormState};
use super::paging::EVERY;
use super::{allowed, done, frame, render_status, signed_in, PageResult};
use crate::access::AdminOnly;
use crate::auth::Caller;
use crate::db::segments::Segment;
use crate::db::users::User;
use crate::domain::terms::Role;
use crate::error::AppError;
use crate::service;
use crate::service::segments::CreateSegment;
use crate::service::users::{CreateUser, UpdateUser};
use crate::state::AppState;

#[derive(Serialize)]
struct AdminPage {
    users: Vec<UserLine>,
    segments: Vec<Segment>,
    roles: Vec<&'static str>,
    user_form: FormState,
    user_segments: Vec<String>,
    segment_form: FormState,
}

#[derive(Serialize)]
struct UserLine {
    #[serde(flatten)]
    user: User,
    segment_names: String,
}

async fn admin_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    user_form: FormState,
    user_segments: Vec<String>,
    segment_form: FormState,
    status: StatusCode,
) -> PageResult {
    allowed::<AdminOnly>(caller)?;
    // Every account and segment: a department has tens of each.
    let list = service::users::list(state, caller, EVERY).await?.items;
    let segs = service::segments::list(state, caller, EVERY).await?.items;
    let name_of = |id: &i32| {
        segs.iter()
            .find(|s| s.id == *id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let users = list
        .into_iter()
        .map(|u| UserLine {
            segment_names: u.segment_ids.iter().map(name_of).collect::<Vec<_>>().join(", "),
            user: u,
        })
        .collect();
    let data = AdminPage {
        users,
        segments: segs,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        user_form,
        user_segments,
        segment_form,
    };
    render_status(state, status, "admin", &frame(req, caller, "Users and segments"), &data)
}

/// `GET /admin`
pub async fn page(req: HttpRequest, caller: Option<Caller>, state: web::Data<AppState>) -> PageResult {
    let caller = signed_in(caller)?;
    let user_form = FormState::new([("role", "stakeholder".to_owned())]);
    admin_page(
        &req,
        &caller,
        &state,
        user_form,
        Vec::new(),
        FormState::new([("weight", "1".to_owned())]),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct UserForm {
    email: String,
    password: String,
    role: String,
    #[serde(default)]
    segment_ids: Vec<String>,
}

/// `POST /admin/users`
pub async fn create_user(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<UserForm, AdminOnly>(&req, caller, &body)?;
    let mut form = FormState::new([("email", f.email.clone()), ("role", f.role.clone())]);
    match Role::parse(&f.role) {
        None => form.add("role", "choose a role"),
        Some(role) => {
            let body = CreateUser {
                email: f.email.trim().to_owned(),
                password: f.password.clone(),
                role,
                segment_ids: f.segment_ids.iter().filter_map(|s| s.parse().ok()).collect(),
            };
            if let Some(user) = form.outcome(service::users::create(&state, &caller, body).await)? {
                return Ok(done("/admin", &format!("Created {}", user.email)));
            }
        }
    }
    admin_page(
        &req,
        &caller,
        &state,
        form,
        f.segment_ids,
        FormState::new([("weight", "1".to_owned())]),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
    #[serde(default)]
    segment_ids: Vec<String>,
}

/// `POST /admin/users/{id}`: a new role and segments, with the API's rules (a stakeholder needs
/// a segment, the last admin stays an admin).
pub async fn update_user(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<RoleForm, AdminOnly>(&req, caller, &body)?;
    let mut form = FormState::new([("role", "stakeholder".to_owned())]);
    match Role::parse(&f.role) {
        None => form.error = Some("Choose a role.".into()),
        Some(role) => {
            let update = UpdateUser {
                email: None,
                password: None,
                role: Some(role),
                segment_ids: Some(f.segment_ids.iter().filter_map(|s| s.parse().ok()).collect()),
                disabled: None,
            };
            match service::users::update(&state, &caller, id.into_inner(), update).await {
                Ok(user) => return Ok(done("/admin", &format!("Updated {}", user.email))),
                Err(e) => {
                    form.absorb(e)?;
                    // One form per user: name the problem above the table.
                    if form.error.is_none() {
                        form.error = form.errors.values().next().cloned();
                    }
                }
            }
        }
    }
    admin_page(
        &req,
        &caller,
        &state,
        form,
        Vec::new(),
        FormState::new([("weight", "1".to_owned())]),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /admin/users/{id}/disable`
pub async fn disable_user(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Bytes,
) -> PageResult {
    let (caller, _) = forms::accept::<forms::NoFields, AdminOnly>(&req, caller, &body)?;
    match service::users::disable(&state, &caller, id.into_inner()).await {
        Ok(()) => Ok(done("/admin", "Account disabled")),
        Err(AppError::Conflict { message, .. }) => {
            let form = FormState {
                error: Some(message),
                ..FormState::new([("role", "stakeholder".to_owned())])
            };
            admin_page(
                &req,
                &caller,
                &state,
                form,
                Vec::new(),
                FormState::default(),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct SegmentForm {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    headcount: String,
    #[serde(default)]
    weight: String,
    #[serde(default)]
    ambassador: String,
}

/// `POST /admin/segments`
pub async fn create_segment(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<SegmentForm, AdminOnly>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("name", f.name.clone()),
        ("description", f.description.clone()),
        ("headcount", f.headcount.clone()),
        ("weight", f.weight.clone()),
        ("ambassador", f.ambassador.clone()),
    ]);
    let headcount = forms::number::<i32>(&mut form, "headcount", &f.headcount);
    let weight = forms::number::<f64>(&mut form, "weight", &f.weight);
    if form.ok() {
        let body = CreateSegment {
            name: f.name.clone(),
            description: optional_text(&f.description),
            headcount,
            weight,
            ambassador: optional_text(&f.ambassador),
        };
        if let Some(segment) = form.outcome(service::segments::create(&state, &caller, body).await)? {
            return Ok(done("/admin", &format!("Created segment {}", segment.name)));
        }
    }
    admin_page(
        &req,
        &caller,
        &state,
        FormState::new([("role", "stakeholder".to_owned())]),
        Vec::new(),
        form,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
