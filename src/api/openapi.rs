//! The OpenAPI 3 description of the API, built from the handlers' `#[utoipa::path]`
//! annotations, and the interactive docs at `/docs` (Swagger UI, built into the binary).
//!
//! Each handler documents its success responses and the refusals peculiar to it; the refusals
//! every route shares (400 for a malformed path or query, 401, 403, 404 on a path with an id,
//! 413/415/422 for a body) are added here once, from what the operation declares, so the spec
//! cannot drift from the error policy in `error.rs`.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::*;
use crate::auth::Caller;
use crate::error::{ErrorBody, ErrorDetail};

pub const SPEC_PATH: &str = "/api/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kanogap",
        description = "Kano-model requirements, gap analysis and draft SLAs for IT service teams.\n\n\
            Every route but `/health` and `POST /api/v1/auth/token` needs a bearer token from \
            `POST /api/v1/auth/token`. Errors are JSON: `{\"error\": {\"code\", \"message\", \
            \"fields\"?, \"rows\"?}}`, with a stable `code` and the field at fault."
    ),
    paths(
        health::health,
        health::metrics,
        auth::token,
        auth::me,
        auth::update_me,
        auth::sign_out_everywhere,
        spec,
        users::list,
        users::create,
        users::get,
        users::update,
        users::disable,
        segments::list,
        segments::create,
        segments::get,
        segments::update,
        segments::delete,
        service_areas::list,
        service_areas::create,
        service_areas::get,
        service_areas::update,
        service_areas::delete,
        sessions::list,
        sessions::create,
        sessions::get,
        sessions::update,
        sessions::delete,
        requirements::list,
        requirements::create,
        requirements::get,
        requirements::update,
        requirements::delete,
        imports::post_responses,
        imports::import_csv,
        kano::requirement,
        kano::list,
        kano::chart,
        kano::history,
        kano::transitions,
        kano::contested,
        kano::classification,
        reports::value_proposition,
        reports::gaps,
        reports::trend,
        findings::list,
        findings::create,
        findings::get,
        findings::update,
        findings::delete,
        assessments::list,
        assessments::create,
        assessments::get,
        assessments::update,
        assessments::delete,
        sla::list,
        sla::create,
        sla::get,
        sla::update,
        sla::submit,
        sla::approve,
        sla::reject,
        sla::sign_off,
        audit::list,
        complaints::list,
        complaints::create,
        complaints::get,
        complaints::update,
        complaints::acknowledge,
        complaints::resolve,
        complaints::reopen,
        complaints::stats,
        satisfaction::list,
        satisfaction::create,
        satisfaction::get,
        satisfaction::update,
        satisfaction::delete,
        satisfaction::post_responses,
        satisfaction::import_csv,
        satisfaction::results,
        satisfaction::scorecard,
        service_levels::list_calendars,
        service_levels::create_calendar,
        service_levels::get_calendar,
        service_levels::update_calendar,
        service_levels::delete_calendar,
        service_levels::list_targets,
        service_levels::create_target,
        service_levels::get_target,
        service_levels::update_target,
        service_levels::delete_target,
        service_levels::targets_from_sla,
        service_levels::import_tickets,
        service_levels::add_measurement,
        service_levels::correct_measurement,
        service_levels::attainment,
        service_levels::service_report,
        improvement_plans::list,
        improvement_plans::create,
        improvement_plans::get,
        improvement_plans::update,
        improvement_plans::delete,
        improvement_plans::add_change,
        improvement_plans::update_change,
        improvement_plans::delete_change,
        improvement_plans::submit,
        improvement_plans::sign_off,
        improvement_plans::approve,
        improvement_plans::close,
        root_causes::list,
        root_causes::create,
        root_causes::get,
        root_causes::update,
        root_causes::delete,
        root_causes::add_cause,
        root_causes::update_cause,
        root_causes::delete_cause,
        root_causes::fishbone,
        root_causes::make_change,
        coscom::list,
        coscom::create,
        coscom::get,
        coscom::add_checkpoint,
        coscom::add_comment,
        coscom::close,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        format::Format,
        crate::service::complaints::GroupBy,
        crate::domain::terms::ComplaintChannel,
        crate::domain::terms::SurveyKind,
        crate::domain::complaint_stats::ComplaintStatus,
        crate::domain::improvement::PlanStatus,
        crate::domain::improvement::ChangeStatus
    )),
    modifiers(&SharedRefusals),
    security(("bearer" = [])),
    tags(
        (name = "service", description = "Health, metrics and this description"),
        (name = "auth", description = "Signing in and the caller's own account"),
        (name = "users", description = "User accounts (admins)"),
        (name = "segments", description = "Stakeholder segments"),
        (name = "service-areas", description = "The IT service areas requirements belong to"),
        (name = "sessions", description = "Interviews, focus groups, surveys and workshops"),
        (name = "requirements", description = "What stakeholders want of IT"),
        (name = "findings", description = "A facilitator's Kano judgement of a requirement for a segment, with evidence"),
        (name = "kano", description = "Kano questionnaire answers and their evaluation"),
        (name = "assessments", description = "Current capability: how well IT delivers a requirement today"),
        (name = "reports", description = "The prioritized gap report and value propositions"),
        (name = "sla", description = "Draft service level agreements and their lifecycle"),
        (name = "audit", description = "Who changed what, when"),
        (name = "complaints", description = "The complaint log: references, owners, acknowledgement and resolution, statistics"),
        (name = "satisfaction", description = "Satisfaction surveys (transaction and overall), their answers, results and the scorecard"),
        (name = "service-levels", description = "Calendars, service targets, ticket imports, reported figures and attainment"),
        (name = "improvement-plans", description = "Service improvement plans: six to eight changes per service process, signed off by the users of the plan's segments"),
        (name = "root-causes", description = "Root-cause (fishbone) analyses: causes by category, verified root causes, links to complaints, targets and requirements"),
        (name = "coscom", description = "Condition-of-Satisfaction commitments: a project's conditions, checkpoints, comments and close"),
    )
)]
pub struct ApiDoc;

/// The spec as served, built once.
pub fn spec_json() -> &'static str {
    static SPEC: OnceLock<String> = OnceLock::new();
    SPEC.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default())
}

/// Every (path template, method) the API serves, from the spec, which a test holds equal to
/// the route table.
pub fn api_operations() -> Vec<(String, &'static str)> {
    let doc = ApiDoc::openapi();
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        out.extend(
            methods
                .iter()
                .filter(|(_, op)| op.is_some())
                .map(|(m, _)| (path.clone(), *m)),
        );
    }
    out
}

/// This description, as OpenAPI 3 JSON.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service",
    responses((status = 200, description = "The OpenAPI 3 description of this API", content_type = "application/json", body = Object)))]
pub async fn spec(_caller: Caller) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(spec_json())
}

/// Adds the bearer scheme, the shared error responses, and each operation's shared refusals.
struct SharedRefusals;

const SHARED: [(&str, &str); 7] = [
    (
        "BadRequest",
        "Malformed input: a path id that is not a number (`invalid_path`), a bad query string (`invalid_query`), a body that is not JSON (`malformed_json`)",
    ),
    ("Unauthorized", "No valid token (`unauthorized`)"),
    ("Forbidden", "The caller's role may not do this (`forbidden`)"),
    (
        "NotFound",
        "No such object, or not in the caller's segments (`not_found`)",
    ),
    ("PayloadTooLarge", "The body is over the size limit (`payload_too_large`)"),
    ("UnsupportedMediaType", "Wrong content type (`unsupported_media_type`)"),
    (
        "Unprocessable",
        "Well-formed input that breaks a rule; `fields` names each field at fault (`validation_failed`)",
    ),
];

impl Modify for SharedRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/token`"))
                    .build(),
            ),
        );
        for (name, description) in SHARED {
            components.responses.insert(
                name.to_owned(),
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content(
                            "application/json",
                            utoipa::openapi::ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("ErrorBody")))
                                .build(),
                        )
                        .build(),
                ),
            );
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in operations(item) {
                add_shared_refusals(path, operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.patch.as_mut(),
        item.put.as_mut(),
        item.delete.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn add_shared_refusals(path: &str, op: &mut Operation) {
    let public = op
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| r == &Default::default()));
    let mut shared = vec![("400", "BadRequest")];
    if !public {
        shared.extend([("401", "Unauthorized"), ("403", "Forbidden")]);
    }
    // An id in the path, or a filter naming an object (`?segment_id=`), may name nothing the
    // caller can see.
    let names_an_object = path.contains('{')
        || op.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.name.ends_with("_id"),
            RefOr::Ref(_) => false,
        });
    if names_an_object {
        shared.push(("404", "NotFound"));
    }
    if op.request_body.is_some() {
        shared.extend([
            ("413", "PayloadTooLarge"),
            ("415", "UnsupportedMediaType"),
            ("422", "Unprocessable"),
        ]);
    }
    for (status, name) in shared {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    }
}

// Domain types with hand-written serialization get their schemas here, beside the rest of
// the API's description, rather than in the pure core.

/// A gap row's tier, serialized as its number.
impl utoipa::PartialSchema for crate::domain::gap::Tier {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::Integer)
            .minimum(Some(1))
            .maximum(Some(3))
            .description(Some(
                "1 basic needs, 2 satisfiers, 3 delighters: the order Kano says to work them",
            ))
            .into()
    }
}
impl utoipa::ToSchema for crate::domain::gap::Tier {}

/// A Kano category, serialized as its letter.
impl utoipa::PartialSchema for crate::domain::kano::KanoCategory {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .enum_values(Some(["A", "O", "M", "I", "R", "Q"]))
            .description(Some(
                "A attractive (delighter), O one-dimensional (satisfier), M must-be (basic need), I indifferent, R reverse, Q questionable",
            ))
            .into()
    }
}
impl utoipa::ToSchema for crate::domain::kano::KanoCategory {}
