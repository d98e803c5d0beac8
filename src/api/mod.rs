//! The HTTP API: its table of routes, and thin handlers (one file per resource) that parse the
//! request, call an operation of `crate::service`, and serialize what it returns.

pub mod assessments;
pub mod audit;
pub mod auth;
pub mod complaints;
pub mod coscom;
pub mod extract;
pub mod findings;
pub mod format;
pub mod health;
pub mod imports;
pub mod improvement_plans;
pub mod kano;
pub mod openapi;
pub mod reports;
pub mod requirements;
pub mod root_causes;
pub mod satisfaction;
pub mod segments;
pub mod service_areas;
pub mod service_levels;
pub mod sessions;
pub mod sla;
pub mod users;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::AppError;

/// The API's routes (`crate::routes` registers them beside the pages).
pub fn routes(cfg: &mut web::ServiceConfig) {
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
                .route("/requirements/{id}/kano/history", web::get().to(kano::history))
                .route("/imports/responses", web::post().to(imports::import_csv))
                .route("/kano", web::get().to(kano::list))
                .route("/kano/chart.svg", web::get().to(kano::chart))
                .route("/kano/transitions", web::get().to(kano::transitions))
                .route("/kano/contested", web::get().to(kano::contested))
                .route("/segments/{id}/classification", web::get().to(kano::classification))
                .route(
                    "/segments/{id}/value-proposition",
                    web::get().to(reports::value_proposition),
                )
                .route("/reports/gaps", web::get().to(reports::gaps))
                .route("/reports/gaps/trend", web::get().to(reports::trend))
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
                .route("/audit", web::get().to(audit::list))
                // A resource, not a bare route: a bare route's method guard would let another
                // method fall through to `/complaints/{id}` (400 on the id) instead of 405.
                .service(web::resource("/complaints/stats").route(web::get().to(complaints::stats)))
                .service(
                    web::resource("/complaints")
                        .route(web::get().to(complaints::list))
                        .route(web::post().to(complaints::create)),
                )
                .service(
                    web::resource("/complaints/{id}")
                        .route(web::get().to(complaints::get))
                        .route(web::patch().to(complaints::update)),
                )
                .route("/complaints/{id}/acknowledge", web::post().to(complaints::acknowledge))
                .route("/complaints/{id}/resolve", web::post().to(complaints::resolve))
                .route("/complaints/{id}/reopen", web::post().to(complaints::reopen))
                .service(
                    web::resource("/satisfaction-surveys")
                        .route(web::get().to(satisfaction::list))
                        .route(web::post().to(satisfaction::create)),
                )
                .service(
                    web::resource("/satisfaction-surveys/{id}")
                        .route(web::get().to(satisfaction::get))
                        .route(web::patch().to(satisfaction::update))
                        .route(web::delete().to(satisfaction::delete)),
                )
                .route(
                    "/satisfaction-surveys/{id}/responses",
                    web::post().to(satisfaction::post_responses),
                )
                .route(
                    "/satisfaction-surveys/{id}/results",
                    web::get().to(satisfaction::results),
                )
                .route("/imports/satisfaction", web::post().to(satisfaction::import_csv))
                .route("/satisfaction/scorecard", web::get().to(satisfaction::scorecard))
                .service(
                    web::resource("/calendars")
                        .route(web::get().to(service_levels::list_calendars))
                        .route(web::post().to(service_levels::create_calendar)),
                )
                .service(
                    web::resource("/calendars/{id}")
                        .route(web::get().to(service_levels::get_calendar))
                        .route(web::patch().to(service_levels::update_calendar))
                        .route(web::delete().to(service_levels::delete_calendar)),
                )
                .service(
                    web::resource("/service-targets")
                        .route(web::get().to(service_levels::list_targets))
                        .route(web::post().to(service_levels::create_target)),
                )
                .service(
                    web::resource("/service-targets/{id}")
                        .route(web::get().to(service_levels::get_target))
                        .route(web::patch().to(service_levels::update_target))
                        .route(web::delete().to(service_levels::delete_target)),
                )
                .route(
                    "/service-targets/{id}/measurements",
                    web::post().to(service_levels::add_measurement),
                )
                .route(
                    "/service-targets/{id}/measurements/{period}",
                    web::patch().to(service_levels::correct_measurement),
                )
                .route(
                    "/service-targets/{id}/attainment",
                    web::get().to(service_levels::attainment),
                )
                .route(
                    "/sla-drafts/{id}/service-targets",
                    web::post().to(service_levels::targets_from_sla),
                )
                .route("/imports/tickets", web::post().to(service_levels::import_tickets))
                .route("/reports/service", web::get().to(service_levels::service_report))
                .service(
                    web::resource("/improvement-plans")
                        .route(web::get().to(improvement_plans::list))
                        .route(web::post().to(improvement_plans::create)),
                )
                .service(
                    web::resource("/improvement-plans/{id}")
                        .route(web::get().to(improvement_plans::get))
                        .route(web::patch().to(improvement_plans::update))
                        .route(web::delete().to(improvement_plans::delete)),
                )
                .route(
                    "/improvement-plans/{id}/changes",
                    web::post().to(improvement_plans::add_change),
                )
                .service(
                    web::resource("/improvement-plans/{id}/changes/{change_id}")
                        .route(web::patch().to(improvement_plans::update_change))
                        .route(web::delete().to(improvement_plans::delete_change)),
                )
                .route(
                    "/improvement-plans/{id}/submit",
                    web::post().to(improvement_plans::submit),
                )
                .route(
                    "/improvement-plans/{id}/sign-off",
                    web::post().to(improvement_plans::sign_off),
                )
                .route(
                    "/improvement-plans/{id}/approve",
                    web::post().to(improvement_plans::approve),
                )
                .route(
                    "/improvement-plans/{id}/close",
                    web::post().to(improvement_plans::close),
                )
                .route(
                    "/root-causes/{id}/causes/{cause_id}/change",
                    web::post().to(root_causes::make_change),
                )
                .service(
                    web::resource("/root-causes")
                        .route(web::get().to(root_causes::list))
                        .route(web::post().to(root_causes::create)),
                )
                .service(
                    web::resource("/root-causes/{id}")
                        .route(web::get().to(root_causes::get))
                        .route(web::patch().to(root_causes::update))
                        .route(web::delete().to(root_causes::delete)),
                )
                .service(web::resource("/root-causes/{id}/causes").route(web::post().to(root_causes::add_cause)))
                .service(
                    web::resource("/root-causes/{id}/causes/{cause_id}")
                        .route(web::patch().to(root_causes::update_cause))
                        .route(web::delete().to(root_causes::delete_cause)),
                )
                .service(web::resource("/root-causes/{id}/fishbone.svg").route(web::get().to(root_causes::fishbone)))
                .service(
                    web::resource("/coscom")
                        .route(web::get().to(coscom::list))
                        .route(web::post().to(coscom::create)),
                )
                .service(web::resource("/coscom/{id}").route(web::get().to(coscom::get)))
                .service(web::resource("/coscom/{id}/checkpoints").route(web::post().to(coscom::add_checkpoint)))
                .service(web::resource("/coscom/{id}/comments").route(web::post().to(coscom::add_comment)))
                .service(web::resource("/coscom/{id}/close").route(web::post().to(coscom::close))),
        );
}

/// A path segment that is not a valid id (`/segments/abc`).
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    tracing::debug!(%err, "invalid path parameter");
    AppError::bad_request(
        crate::error::ErrorCode::InvalidPath,
        "id must be a whole number",
        Some("id"),
    )
    .into()
}

pub fn created<T: Serialize>(value: &T) -> HttpResponse {
    HttpResponse::Created().json(value)
}
