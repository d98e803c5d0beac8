//! Service levels: calendars, service targets, the ticket export, reported figures, attainment
//! and the monthly service report.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use validator::Validate;

use super::created;
use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use super::format::Format;
use crate::access::{ImportTickets, ManageServiceLevels};
use crate::auth::{Authorized, Caller};
use crate::db::service_levels::{Measurement, ServiceTarget, TargetFilter};
use crate::domain::business_time::Period;
use crate::error::AppError;
use crate::import::tickets::TicketSummary;
use crate::render::service_report;
use crate::service::service_levels::{
    self as ops, AttainmentView, CalendarView, CreateCalendar, CreateMeasurement, CreateTarget, ServiceReport,
    UpdateCalendar, UpdateMeasurement, UpdateTarget,
};
use crate::service::upload;
use crate::state::AppState;

super::extract::json_body!(
    CreateCalendar,
    UpdateCalendar,
    CreateTarget,
    UpdateTarget,
    CreateMeasurement,
    UpdateMeasurement
);

list_query!(CalendarQuery {});

list_query!(TargetQuery {
    requirement_id: Option<i32>,
    segment_id: Option<i32>,
});

// ---------------------------------------------------------------------------------------------
// Calendars

#[utoipa::path(get, path = "/api/v1/calendars", tag = "service-levels", params(CalendarQuery),
    responses((status = 200, description = "One page of business-hours calendars", body = Listing<CalendarView>)))]
pub async fn list_calendars(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<CalendarQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(ops::list_calendars(&state, &caller, q.page()).await?))
}

#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "service-levels",
    params(("id" = i32, Path, description = "Calendar id")),
    responses((status = 200, description = "The calendar", body = CalendarView)))]
pub async fn get_calendar(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(ops::get_calendar(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/calendars", tag = "service-levels", request_body = CreateCalendar,
    responses(
        (status = 201, description = "Created", body = CalendarView),
        (status = 409, description = "A calendar of that name exists (`duplicate`)", body = crate::error::ErrorBody),
    ))]
pub async fn create_calendar(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateCalendar>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&ops::create_calendar(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/calendars/{id}", tag = "service-levels",
    params(("id" = i32, Path, description = "Calendar id")), request_body = UpdateCalendar,
    responses(
        (status = 200, description = "Changed", body = CalendarView),
        (status = 409, description = "The name is taken (`duplicate`), or the 24x7 calendar would be renamed (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn update_calendar(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateCalendar>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(ops::update_calendar(&state, &caller, id.into_inner(), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/calendars/{id}", tag = "service-levels",
    params(("id" = i32, Path, description = "Calendar id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Targets use it (`in_use`), or it is the 24x7 calendar (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete_calendar(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    ops::delete_calendar(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---------------------------------------------------------------------------------------------
// Service targets

#[utoipa::path(get, path = "/api/v1/service-targets", tag = "service-levels", params(TargetQuery),
    responses((status = 200, description = "One page of the targets the caller may see (stakeholders: their segments' and the general ones)", body = Listing<ServiceTarget>)))]
pub async fn list_targets(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<TargetQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = TargetFilter {
        requirement_id: q.requirement_id,
        segment_id: q.segment_id,
    };
    Ok(HttpResponse::Ok().json(ops::list_targets(&state, &caller, filter, q.page()).await?))
}

#[utoipa::path(get, path = "/api/v1/service-targets/{id}", tag = "service-levels",
    params(("id" = i32, Path, description = "Service target id")),
    responses((status = 200, description = "The target", body = ServiceTarget)))]
pub async fn get_target(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(ops::get_target(&state, &caller, id.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/service-targets", tag = "service-levels", request_body = CreateTarget,
    responses((status = 201, description = "Created", body = ServiceTarget)))]
pub async fn create_target(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateTarget>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&ops::create_target(&state, &caller, body).await?))
}

#[utoipa::path(patch, path = "/api/v1/service-targets/{id}", tag = "service-levels",
    params(("id" = i32, Path, description = "Service target id")), request_body = UpdateTarget,
    responses((status = 200, description = "Changed", body = ServiceTarget)))]
pub async fn update_target(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateTarget>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(ops::update_target(&state, &caller, id.into_inner(), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/service-targets/{id}", tag = "service-levels",
    params(("id" = i32, Path, description = "Service target id")),
    responses((status = 204, description = "Deleted, with its reported figures")))]
pub async fn delete_target(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    ops::delete_target(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One `reported` target per measurable requirement the agreed SLA's commitments and service
/// level targets name, for its segment.
#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/service-targets", tag = "service-levels",
    params(("id" = i32, Path, description = "SLA draft id")),
    responses(
        (status = 201, description = "The targets created (none when every requirement already has one for the segment)", body = Vec<ServiceTarget>),
        (status = 409, description = "The SLA is not agreed (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn targets_from_sla(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(created(&ops::targets_from_sla(&state, &caller, id.into_inner()).await?))
}

// ---------------------------------------------------------------------------------------------
// Tickets

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketImportQuery {
    /// IANA timezone for timestamps without an offset (default UTC).
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64, example = "Europe/Berlin")]
    pub timezone: Option<String>,
}

fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// `POST /imports/tickets`: the service desk's export as `text/csv`, or a multipart form with
/// the file in a part named `file`; spooled to a temporary file, then imported all or nothing.
#[utoipa::path(post, path = "/api/v1/imports/tickets", tag = "service-levels", params(TicketImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "`ticket,segment,opened_at,first_response_at,resolved_at[,priority][,service_area][,paused_minutes]`; timestamps RFC 3339 or `YYYY-MM-DD HH:MM[:SS]` in `timezone`; empty = not yet. A multipart form with a `file` part is accepted too"),
    responses(
        (status = 201, description = "Imported, all rows: new tickets and known ones that changed", body = TicketSummary),
        (status = 422, description = "Nothing was imported; `rows` lists the rows at fault (`invalid_rows`), or `fields` names `timezone`", body = crate::error::ErrorBody),
    ))]
pub async fn import_tickets(
    req: HttpRequest,
    caller: Authorized<ImportTickets>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<TicketImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let media = media_type(&req);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let limit = state.csv_limit_bytes;
    let file = if ["text/csv", "application/csv"].contains(&media.as_str()) {
        upload::spool(payload, declared, limit).await?
    } else if media == "multipart/form-data" {
        if declared.is_some_and(|n| n > limit) {
            return Err(AppError::PayloadTooLarge { limit });
        }
        let mut parts = Multipart::new(req.headers(), payload);
        let mut file = None;
        while let Some(part) = parts.next().await {
            let mut part =
                part.map_err(|e| AppError::bad_request(crate::error::ErrorCode::InvalidForm, e.to_string(), None))?;
            let name = part
                .content_disposition()
                .and_then(|d| d.get_name())
                .unwrap_or("")
                .to_owned();
            if name == "file" && file.is_none() {
                file = Some(upload::spool(&mut part, None, limit).await?);
            } else {
                while let Some(chunk) = part.next().await {
                    chunk.map_err(|e| {
                        AppError::bad_request(crate::error::ErrorCode::InvalidForm, e.to_string(), None)
                    })?;
                }
            }
        }
        file.ok_or_else(|| AppError::field("file", "send the CSV in a part named file"))?
    } else {
        return Err(AppError::UnsupportedMediaType { expected: "text/csv" });
    };
    let summary = ops::import_tickets(&state, &caller, file, q.timezone.as_deref()).await?;
    Ok(created(&summary))
}

// ---------------------------------------------------------------------------------------------
// Reported figures and attainment

#[utoipa::path(post, path = "/api/v1/service-targets/{id}/measurements", tag = "service-levels",
    params(("id" = i32, Path, description = "Service target id")), request_body = CreateMeasurement,
    responses(
        (status = 201, description = "Recorded", body = Measurement),
        (status = 409, description = "The month is already reported (`period_exists`; PATCH it), or the target counts tickets (`not_reported`)", body = crate::error::ErrorBody),
    ))]
pub async fn add_measurement(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<CreateMeasurement>,
) -> Result<HttpResponse, AppError> {
    Ok(created(
        &ops::add_measurement(&state, &caller, id.into_inner(), body).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/service-targets/{id}/measurements/{period}", tag = "service-levels",
    params(
        ("id" = i32, Path, description = "Service target id"),
        ("period" = String, Path, description = "The month, YYYY-MM", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
    ),
    request_body = UpdateMeasurement,
    responses(
        (status = 200, description = "Corrected", body = Measurement),
        (status = 409, description = "The target counts tickets (`not_reported`)", body = crate::error::ErrorBody),
    ))]
pub async fn correct_measurement(
    caller: Authorized<ManageServiceLevels>,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    ValidJson(body): ValidJson<UpdateMeasurement>,
) -> Result<HttpResponse, AppError> {
    let (id, period) = path.into_inner();
    let period = Period::parse(&period).ok_or_else(|| {
        AppError::bad_request(
            crate::error::ErrorCode::InvalidPath,
            "period must be a month YYYY-MM",
            Some("period"),
        )
    })?;
    Ok(HttpResponse::Ok().json(ops::correct_measurement(&state, &caller, id, period, body).await?))
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttainmentQuery {
    /// First month, YYYY-MM (default: five months before `to`).
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub from: Option<Period>,
    /// Last month, YYYY-MM (default: this month); at most 36 months from `from`.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub to: Option<Period>,
}

#[utoipa::path(get, path = "/api/v1/service-targets/{id}/attainment", tag = "service-levels",
    params(("id" = i32, Path, description = "Service target id"), AttainmentQuery),
    responses((status = 200, description = "Per month: counted, met, pending, attainment, goal, status, median and p90 in the requirement's unit (or the `value` of a reported target)", body = AttainmentView)))]
pub async fn attainment(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<AttainmentQuery>,
) -> Result<HttpResponse, AppError> {
    let to = q.to.unwrap_or_else(ops::this_month);
    let from = q.from.unwrap_or_else(|| (0..5).fold(to, |p, _| p.prev()));
    Ok(HttpResponse::Ok().json(ops::target_attainment(&state, &caller, id.into_inner(), from, to).await?))
}

// ---------------------------------------------------------------------------------------------
// The monthly service report

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceReportQuery {
    /// The month, YYYY-MM (default: last month).
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: Option<Period>,
    /// One segment's targets and the general ones, counting that segment's tickets.
    pub segment_id: Option<i32>,
    pub format: Option<Format>,
}

#[utoipa::path(get, path = "/api/v1/reports/service", tag = "reports", params(ServiceReportQuery),
    responses((status = 200, description = "The month's service report: per target, tickets counted and met, attainment against the goal (or the reported value), status and the six months before. JSON, CSV, or Markdown/HTML with an SVG trend chart per target",
        content(
            (ServiceReport = "application/json"),
            (String = "text/csv"),
            (String = "text/markdown"),
            (String = "text/html"),
        ))))]
pub async fn service_report(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<ServiceReportQuery>,
) -> Result<HttpResponse, AppError> {
    let format = Format::negotiate(q.format, &req);
    let period = q.period.unwrap_or_else(ops::last_month);
    let report = ops::service_report(&state, &caller, period, q.segment_id).await?;
    let body = match format {
        Format::Json => return Ok(HttpResponse::Ok().json(&report)),
        Format::Csv => service_report::csv(&report)?,
        Format::Md => service_report::markdown(&state.templates, &report)?,
        Format::Html => service_report::html(&state.templates, &report)?,
    };
    let mut response = HttpResponse::Ok();
    response.content_type(format.content_type());
    if matches!(format, Format::Csv | Format::Md) {
        let ext = if format == Format::Csv { "csv" } else { "md" };
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"service-report-{period}.{ext}\""),
        ));
    }
    Ok(response.body(body))
}
