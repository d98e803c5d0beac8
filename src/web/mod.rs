//! Server-rendered pages for facilitators, stakeholders, leadership and admins. They sign in
//! with the same token as the API (in a cookie), go through the same `Caller` extractor, role
//! policies, scope rules and database functions, and post forms that carry a CSRF token.
//! Everything works without JavaScript.

pub mod admin;
pub mod complaints;
pub mod coscom;
pub mod docs;
pub mod forms;
pub mod imports;
pub mod kano;
pub mod leadership;
pub mod paging;
pub mod plans;
pub mod requirements;
pub mod root_causes;
pub mod service_levels;
pub mod sessions;
pub mod sign_in;
pub mod stakeholder;
pub mod surveys;
pub mod trend;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;

use crate::auth::Caller;
use crate::domain::terms::Role;
use crate::error::AppError;
use crate::render::escape;
use crate::state::AppState;

const STYLESHEET: &str = include_str!("../../templates/pages/app.css");

/// Declares the page routes once: registered by `routes`, and listed in `PAGES` (path, method)
/// for the `Allow` header of a 405.
macro_rules! pages {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Page routes; registered by `crate::routes` beside the API.
        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
        }

        pub const PAGES: &[(&str, &str)] = &[$(($path, stringify!($method))),*];
    };
}

pages! {
    get "/" => home;
    get "/static/app.css" => stylesheet;
    get "/docs" => docs::docs_root;
    get "/docs/{file:.*}" => docs::docs;
    get "/login" => sign_in::login_page;
    post "/login" => sign_in::login;
    post "/logout" => sign_in::logout;
    get "/sessions" => sessions::sessions;
    post "/sessions" => sessions::create_session;
    get "/sessions/{id}" => sessions::session;
    post "/sessions/{id}/findings" => sessions::add_findings;
    get "/imports" => imports::import_page;
    post "/imports" => imports::import;
    get "/kano" => kano::kano;
    get "/kano/lifecycle" => kano::lifecycle;
    get "/kano/contested" => kano::contested;
    get "/gap-trend" => trend::gap_trend;
    get "/requirements" => requirements::list;
    post "/requirements" => requirements::create;
    get "/requirements/{id}" => requirements::edit_page;
    post "/requirements/{id}" => requirements::update;
    get "/segments/{id}" => stakeholder::value_proposition;
    get "/sla/{id}" => leadership::sla;
    post "/sla/{id}" => leadership::edit_sla;
    post "/sla/{id}/{action}" => leadership::sla_step;
    get "/dashboard" => leadership::dashboard;
    post "/assessments" => leadership::add_assessment;
    post "/sla" => leadership::create_sla;
    get "/admin" => admin::page;
    post "/admin/users" => admin::create_user;
    post "/admin/users/{id}" => admin::update_user;
    post "/admin/users/{id}/disable" => admin::disable_user;
    post "/admin/segments" => admin::create_segment;
    get "/complaints" => complaints::log;
    post "/complaints" => complaints::create;
    get "/complaints/stats" => complaints::stats;
    post "/complaints/{id}/{action}" => complaints::action;
    get "/surveys" => surveys::surveys;
    post "/surveys" => surveys::create;
    get "/surveys/{id}" => surveys::survey;
    post "/surveys/{id}/answers" => surveys::upload_answers;
    get "/improvement-plans" => plans::list;
    post "/improvement-plans" => plans::create;
    get "/improvement-plans/{id}" => plans::detail;
    post "/improvement-plans/{id}/changes" => plans::add_change;
    post "/improvement-plans/{id}/changes/{change_id}" => plans::update_change;
    post "/improvement-plans/{id}/{action}" => plans::step;
    get "/root-causes" => root_causes::list;
    post "/root-causes" => root_causes::create;
    get "/root-causes/{id}" => root_causes::page;
    post "/root-causes/{id}/causes" => root_causes::add_cause;
    post "/root-causes/{id}/causes/{cause_id}/verify" => root_causes::verify;
    post "/root-causes/{id}/change" => root_causes::make_change;
    get "/coscom" => coscom::list;
    post "/coscom" => coscom::create;
    get "/coscom/{id}" => coscom::page;
    post "/coscom/{id}/checkpoints" => coscom::checkpoint;
    post "/coscom/{id}/comments" => coscom::comment;
    post "/coscom/{id}/close" => coscom::close;
    get "/calendars" => service_levels::calendars;
    post "/calendars" => service_levels::create_calendar;
    get "/calendars/{id}" => service_levels::calendar;
    post "/calendars/{id}" => service_levels::update_calendar;
    get "/service-targets" => service_levels::targets;
    post "/service-targets" => service_levels::create_target;
    get "/service-targets/{id}" => service_levels::target;
    post "/service-targets/{id}" => service_levels::update_target;
    post "/service-targets/{id}/measurements" => service_levels::add_measurement;
    post "/service-targets/{id}/measurements/{period}" => service_levels::correct_measurement;
    get "/imports/tickets" => service_levels::ticket_import_page;
    post "/imports/tickets" => service_levels::import_tickets;
    get "/reports/service" => service_levels::service_report;
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// `/`: the caller's landing page, or the sign-in page.
async fn home(caller: Option<Caller>) -> HttpResponse {
    match caller {
        Some(c) => redirect(&landing(&c)),
        None => redirect("/login"),
    }
}

/// Where each role starts.
pub fn landing(caller: &Caller) -> String {
    match caller.role {
        Role::Admin => "/admin".into(),
        Role::Leadership => "/dashboard".into(),
        Role::Facilitator => "/sessions".into(),
        Role::Stakeholder => match caller.segment_ids.first() {
            Some(id) => format!("/segments/{id}"),
            None => "/login".into(),
        },
    }
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// An error on a page: signed-out callers go to the sign-in page; the rest get a short HTML
/// page with the same status the API would give.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self.0 {
            AppError::Unauthorized => StatusCode::SEE_OTHER,
            ref e => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        if matches!(self.0, AppError::Unauthorized) {
            return redirect("/login");
        }
        // Log server faults the way the API does.
        let _ = self.0.error_response();
        let status = self.status_code();
        let (title, message) = match &self.0 {
            AppError::NotFound(_) => (
                "Not found".to_owned(),
                "There is nothing here, or it is not yours to see.".to_owned(),
            ),
            AppError::Forbidden => ("Not allowed".to_owned(), "Your role does not allow this.".to_owned()),
            AppError::MethodNotAllowed { .. } => (
                "Not here".to_owned(),
                "This address does not take that kind of request; follow a link or a button instead.".to_owned(),
            ),
            AppError::Internal(_) | AppError::Unavailable(_) => (
                "Something went wrong".to_owned(),
                "Please try again in a moment.".to_owned(),
            ),
            other => (
                status.canonical_reason().unwrap_or("Error").to_owned(),
                other.to_string(),
            ),
        };
        let mut response = message_page(status, &title, &message);
        if let AppError::MethodNotAllowed { allow } = &self.0 {
            if let Ok(value) = header::HeaderValue::from_str(allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
        }
        response
    }
}

/// A short page with a title and one message, in the site's style.
fn message_page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t} · kanogap</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"narrow\"><h1>{t}</h1><p>{m}</p><p><a href=\"/\">Back to kanogap</a></p></main></body></html>",
        t = escape(title),
        m = escape(message)
    );
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// The page for a server fault: the request id to quote, never the fault itself.
pub fn fault_page(status: StatusCode, request_id: Option<&str>) -> HttpResponse {
    let message = match request_id {
        Some(id) => format!("Please try again in a moment. If it keeps happening, quote request id {id}."),
        None => "Please try again in a moment.".to_owned(),
    };
    message_page(status, "Something went wrong", &message)
}

pub type PageResult = Result<HttpResponse, PageError>;

/// The signed-in caller, or off to the sign-in page.
pub fn signed_in(caller: Option<Caller>) -> Result<Caller, PageError> {
    caller.ok_or(PageError(AppError::Unauthorized))
}

/// Whether the role table lets the caller do what `P` guards (to show or hide a form; the
/// operation behind it checks again).
pub fn may<P: crate::access::Policy>(caller: &Caller) -> bool {
    caller.may::<P>()
}

/// 403 unless the role table lets the caller do what `P` guards.
pub fn allowed<P: crate::access::Policy>(caller: &Caller) -> Result<(), PageError> {
    Ok(caller.authorize::<P>()?)
}

#[derive(Serialize)]
pub struct NavLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// What every page's layout shows: who is signed in, where they can go, the CSRF token.
#[derive(Serialize)]
pub struct Frame {
    pub title: String,
    pub email: String,
    pub role: &'static str,
    pub nav: Vec<NavLink>,
    pub csrf: String,
    pub notice: Option<String>,
}

pub fn frame(req: &HttpRequest, caller: &Caller, title: impl Into<String>) -> Frame {
    let here = req.path();
    let mut links: Vec<(String, &'static str)> = Vec::new();
    match caller.role {
        Role::Admin => {
            links.push(("/admin".into(), "Users & segments"));
            links.push(("/dashboard".into(), "Gap report"));
            links.push(("/gap-trend".into(), "Gap trend"));
            links.push(("/sessions".into(), "Sessions"));
            links.push(("/kano".into(), "Kano results"));
            links.push(("/kano/lifecycle".into(), "Life cycle"));
            links.push(("/kano/contested".into(), "Contested"));
            links.push(("/requirements".into(), "Requirements"));
            links.push(("/complaints".into(), "Complaints"));
            links.push(("/surveys".into(), "Surveys"));
            links.push(("/improvement-plans".into(), "Improvement plans"));
            links.push(("/root-causes".into(), "Root causes"));
            links.push(("/coscom".into(), "COScom"));
            links.push(("/reports/service".into(), "Service report"));
            links.push(("/service-targets".into(), "Service targets"));
            links.push(("/calendars".into(), "Calendars"));
            links.push(("/imports/tickets".into(), "Ticket upload"));
        }
        Role::Leadership => {
            links.push(("/dashboard".into(), "Gap report"));
            links.push(("/gap-trend".into(), "Gap trend"));
            links.push(("/kano".into(), "Kano results"));
            links.push(("/kano/lifecycle".into(), "Life cycle"));
            links.push(("/kano/contested".into(), "Contested"));
            links.push(("/requirements".into(), "Requirements"));
            links.push(("/complaints".into(), "Complaints"));
            links.push(("/complaints/stats".into(), "Complaint statistics"));
            links.push(("/surveys".into(), "Satisfaction"));
            links.push(("/improvement-plans".into(), "Improvement plans"));
            links.push(("/root-causes".into(), "Root causes"));
            links.push(("/coscom".into(), "COScom"));
            links.push(("/reports/service".into(), "Service report"));
            links.push(("/service-targets".into(), "Service targets"));
            links.push(("/calendars".into(), "Calendars"));
            links.push(("/imports/tickets".into(), "Ticket upload"));
        }
        Role::Facilitator => {
            links.push(("/sessions".into(), "Sessions"));
            links.push(("/imports".into(), "Questionnaire upload"));
            links.push(("/kano".into(), "Kano results"));
            links.push(("/kano/lifecycle".into(), "Life cycle"));
            links.push(("/kano/contested".into(), "Contested"));
            links.push(("/requirements".into(), "Requirements"));
            links.push(("/dashboard".into(), "Gap report"));
            links.push(("/complaints".into(), "Complaints"));
            links.push(("/surveys".into(), "Surveys"));
            links.push(("/improvement-plans".into(), "Improvement plans"));
            links.push(("/root-causes".into(), "Root causes"));
            links.push(("/coscom".into(), "COScom"));
            links.push(("/imports/tickets".into(), "Ticket upload"));
            links.push(("/reports/service".into(), "Service report"));
        }
        Role::Stakeholder => {
            for id in &caller.segment_ids {
                links.push((format!("/segments/{id}"), "Our value proposition"));
            }
            links.push(("/complaints".into(), "Report a problem"));
            links.push(("/surveys".into(), "Satisfaction"));
            links.push(("/improvement-plans".into(), "Improvement plans"));
            links.push(("/root-causes".into(), "Root causes"));
            links.push(("/coscom".into(), "Project commitments"));
            links.push(("/reports/service".into(), "Service report"));
        }
    }
    let notice = req
        .query_string()
        .split('&')
        .find_map(|kv| kv.strip_prefix("notice="))
        .and_then(|v| {
            form_urlencoded::parse(format!("n={v}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        });
    Frame {
        title: title.into(),
        email: caller.email.clone(),
        role: caller.role.as_str(),
        nav: links
            .into_iter()
            .map(|(href, label)| NavLink {
                current: here == href,
                href,
                label,
            })
            .collect(),
        csrf: sign_in::csrf_token(req).unwrap_or_default(),
        notice,
    }
}

#[derive(Serialize)]
struct PageData<'a, T: Serialize> {
    frame: &'a Frame,
    #[serde(flatten)]
    data: &'a T,
}

/// Renders a page template inside the layout.
pub fn render<T: Serialize>(state: &AppState, template: &str, frame: &Frame, data: &T) -> PageResult {
    render_status(state, StatusCode::OK, template, frame, data)
}

pub fn render_status<T: Serialize>(
    state: &AppState,
    status: StatusCode,
    template: &str,
    frame: &Frame,
    data: &T,
) -> PageResult {
    let html = state.templates.html(template, &PageData { frame, data })?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}

/// A redirect after a successful form, with a notice for the next page.
pub fn done(to: &str, notice: &str) -> HttpResponse {
    let sep = if to.contains('?') { '&' } else { '?' };
    let encoded: String = form_urlencoded::byte_serialize(notice.as_bytes()).collect();
    redirect(&format!("{to}{sep}notice={encoded}"))
}
