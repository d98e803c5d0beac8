//! The HTTP API: the one table of routes, and thin handlers (one file per resource) that
//! parse, authorize, call the domain and the database, and serialize.

pub mod assessments;
pub mod audit;
pub mod auth;
pub mod extract;
pub mod findings;
pub mod format;
pub mod health;
pub mod imports;
pub mod kano;
pub mod openapi;
pub mod reports;
pub mod requirements;
pub mod segments;
pub mod service_areas;
pub mod sessions;
pub mod sla;
pub mod users;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use validator::ValidationError;

use crate::error::AppError;

/// Every route of the service.
pub fn routes(cfg: &mut web::ServiceConfig) {
    crate::web::routes(cfg);
    cfg.route("/health", web::get().to(health::health))
        .route("/metrics", web::get().to(health::metrics))
        .service(
            web::scope("/api/v1")
                .route("/auth/token", web::post().to(auth::token))
                .route("/me", web::get().to(auth::me))
                .route("/me", web::patch().to(auth::update_me))
                .route("/me/sign-out-everywhere", web::post().to(auth::sign_out_everywhere))
                .route("/openapi.json", web::get().to(openapi::spec))
                .service(
                    web::resource("/users")
                        .route(web::get().to(users::list))
                        .route(web::post().to(users::create)),
                )
                .service(
                    web::resource("/users/{id}")
                        .route(web::get().to(users::get))
                        .route(web::patch().to(users::update))
                        .route(web::delete().to(users::disable)),
                )
                .service(
                    web::resource("/segments")
                        .route(web::get().to(segments::list))
                        .route(web::post().to(segments::create)),
                )
                .service(
                    web::resource("/segments/{id}")
                        .route(web::get().to(segments::get))
                        .route(web::patch().to(segments::update))
                        .route(web::delete().to(segments::delete)),
                )
                .service(
                    web::resource("/service-areas")
                        .route(web::get().to(service_areas::list))
                        .route(web::post().to(service_areas::create)),
                )
                .service(
                    web::resource("/service-areas/{id}")
                        .route(web::get().to(service_areas::get))
                        .route(web::patch().to(service_areas::update))
                        .route(web::delete().to(service_areas::delete)),
                )
                .service(
                    web::resource("/sessions")
                        .route(web::get().to(sessions::list))
                        .route(web::post().to(sessions::create)),
                )
                .service(
                    web::resource("/sessions/{id}")
                        .route(web::get().to(sessions::get))
                        .route(web::patch().to(sessions::update))
                        .route(web::delete().to(sessions::delete)),
                )
                .service(
                    web::resource("/requirements")
                        .route(web::get().to(requirements::list))
                        .route(web::post().to(requirements::create)),
                )
                .route("/requirements/{id}/responses", web::post().to(imports::post_responses))
                .route("/requirements/{id}/kano", web::get().to(kano::requirement))
                .route("/imports/responses", web::post().to(imports::import_csv))
                .route("/kano", web::get().to(kano::list))
                .route("/kano/chart.svg", web::get().to(kano::chart))
                .route("/segments/{id}/classification", web::get().to(kano::classification))
                .route(
                    "/segments/{id}/value-proposition",
                    web::get().to(reports::value_proposition),
                )
                .route("/reports/gaps", web::get().to(reports::gaps))
                .service(
                    web::resource("/requirements/{id}")
                        .route(web::get().to(requirements::get))
                        .route(web::patch().to(requirements::update))
                        .route(web::delete().to(requirements::delete)),
                )
                .service(
                    web::resource("/findings")
                        .route(web::get().to(findings::list))
                        .route(web::post().to(findings::create)),
                )
                .service(
                    web::resource("/findings/{id}")
                        .route(web::get().to(findings::get))
                        .route(web::patch().to(findings::update))
                        .route(web::delete().to(findings::delete)),
                )
                .service(
                    web::resource("/assessments")
                        .route(web::get().to(assessments::list))
                        .route(web::post().to(assessments::create)),
                )
                .service(
                    web::resource("/assessments/{id}")
                        .route(web::get().to(assessments::get))
                        .route(web::patch().to(assessments::update))
                        .route(web::delete().to(assessments::delete)),
                )
                .service(
                    web::resource("/sla-drafts")
                        .route(web::get().to(sla::list))
                        .route(web::post().to(sla::create)),
                )
                .service(
                    web::resource("/sla-drafts/{id}")
                        .route(web::get().to(sla::get))
                        .route(web::patch().to(sla::update)),
                )
                .route("/sla-drafts/{id}/submit", web::post().to(sla::submit))
                .route("/sla-drafts/{id}/approve", web::post().to(sla::approve))
                .route("/sla-drafts/{id}/reject", web::post().to(sla::reject))
                .route("/sla-drafts/{id}/sign-off", web::post().to(sla::sign_off))
                .route("/audit", web::get().to(audit::list)),
        );
}

/// Unknown paths (404) and methods (405 with `Allow`) answer in the same JSON shape as every
/// other error.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    tracing::debug!(path = req.path(), "no route");
    let allow = allowed_methods(req.path());
    if allow.is_empty() {
        Err(AppError::NotFound("route"))
    } else {
        Err(AppError::MethodNotAllowed {
            allow: allow.join(", "),
        })
    }
}

/// The methods served on a path, for the `Allow` header of a 405; empty for an unknown path.
/// The API's come from its spec, the pages' from their table.
pub fn allowed_methods(path: &str) -> Vec<String> {
    use actix_web::dev::ResourceDef;
    static ROUTES: std::sync::OnceLock<Vec<(ResourceDef, String)>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        let pages = crate::web::PAGES
            .iter()
            .map(|(path, method)| (path.to_string(), method.to_ascii_uppercase()));
        let api = openapi::api_operations()
            .into_iter()
            .map(|(path, method)| (path, method.to_owned()));
        api.chain(pages)
            .map(|(path, method)| (ResourceDef::new(path), method))
            .collect()
    });
    let mut methods: Vec<String> = routes
        .iter()
        .filter(|(def, _)| def.is_match(path))
        .map(|(_, method)| method.clone())
        .collect();
    methods.sort();
    methods.dedup();
    methods
}

/// A path segment that is not a valid id (`/segments/abc`).
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    tracing::debug!(%err, "invalid path parameter");
    AppError::bad_request("invalid_path", "id must be a whole number", Some("id")).into()
}

pub fn created<T: Serialize>(value: &T) -> HttpResponse {
    HttpResponse::Created().json(value)
}

/// Trims free text and turns an empty string into "no value".
pub fn text(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `text` for PATCH fields: absent stays absent, null or blank clears.
pub fn text_patch(s: Option<Option<String>>) -> Option<Option<String>> {
    s.map(text)
}

/// Validator rule for names and titles: something other than white space.
pub fn not_blank(s: &str) -> Result<(), ValidationError> {
    if s.trim().is_empty() {
        Err(ValidationError::new("blank").with_message("must not be blank".into()))
    } else {
        Ok(())
    }
}

/// The same ids once each, in the order given.
pub fn unique_ids(ids: Vec<i32>) -> Vec<i32> {
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    seen
}

/// 422 on `field` when any of `ids` is not a segment.
pub fn require_segments(conn: &mut crate::db::DbConnection, field: &str, ids: &[i32]) -> Result<(), AppError> {
    let missing = crate::db::segments::missing(conn, ids)?;
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ");
    Err(AppError::field(field, format!("no such segment: {list}")))
}
