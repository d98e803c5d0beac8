//! Reports for leadership and stakeholders: the prioritized gap report and a segment's value
//! proposition, each as JSON, CSV (gaps), Markdown or HTML.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::extract::ValidQuery;
use super::format::Format;
use crate::auth::policy::ReadGapReport;
use crate::auth::{Authorized, Caller};
use crate::db::{segments, service_areas, sla};
use crate::domain::sla::SlaStatus;
use crate::error::AppError;
use crate::render::gap_report::{self, Filters};
use crate::render::sla::status_label;
use crate::render::value_proposition::{self, SegmentView, SlaState};
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GapQuery {
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
    /// 1 basic needs, 2 satisfiers, 3 delighters.
    #[validate(range(min = 1, max = 3))]
    #[param(minimum = 1, maximum = 3)]
    pub tier: Option<u8>,
    pub format: Option<Format>,
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    pub format: Option<Format>,
}

fn document(format: Format, body: String, filename: &str) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type(format.content_type());
    if matches!(format, Format::Csv | Format::Md) {
        let ext = if format == Format::Csv { "csv" } else { "md" };
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.{ext}\""),
        ));
    }
    response.body(body)
}

/// `GET /reports/gaps`: every gap, ranked, with the parts of every score.
#[utoipa::path(get, path = "/api/v1/reports/gaps", tag = "reports", params(GapQuery),
    responses((status = 200, description = "Every gap, ranked, with the parts of every score. The format comes from `format`, else the `Accept` header, else JSON",
        content(
            (crate::render::gap_report::GapReportView = "application/json"),
            (String = "text/csv"),
            (String = "text/markdown"),
            (String = "text/html"),
        ))))]
pub async fn gaps(
    req: HttpRequest,
    caller: Authorized<ReadGapReport>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<GapQuery>,
) -> Result<HttpResponse, AppError> {
    let format = Format::negotiate(q.format, &req);
    let scope = caller.scope();
    let data = state
        .db
        .run(move |c| {
            if let Some(area) = q.service_area_id {
                service_areas::get(c, area)?;
            }
            crate::analysis::gap_report(c, &scope, q.segment_id, q.service_area_id)
        })
        .await?;
    let view = gap_report::view(
        &data,
        Filters {
            segment_id: q.segment_id,
            service_area_id: q.service_area_id,
            tier: q.tier,
            description: None,
        },
    );
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(&view),
        Format::Csv => document(format, gap_report::csv(&view)?, "gap-report"),
        Format::Md => document(format, gap_report::markdown(&state.templates, &view)?, "gap-report"),
        Format::Html => document(format, gap_report::html(&state.templates, &data, &view)?, "gap-report"),
    })
}

/// `GET /segments/{id}/value-proposition`: what IT promises the segment and how well it delivers.
#[utoipa::path(get, path = "/api/v1/segments/{id}/value-proposition", tag = "reports",
    params(("id" = i32, Path, description = "Segment id"), DocumentQuery),
    responses((status = 200, description = "What IT promises the segment, how well it delivers, what is planned. As JSON, Markdown or HTML (`format=csv` is refused)",
        content(
            (crate::render::value_proposition::ValueProposition = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
        ))))]
pub async fn value_proposition(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<DocumentQuery>,
) -> Result<HttpResponse, AppError> {
    let format = Format::negotiate(q.format, &req);
    if format == Format::Csv {
        return Err(AppError::bad_request(
            "invalid_query",
            "use json, md or html",
            Some("format"),
        ));
    }
    let vp = load_value_proposition(&state, &caller, id.into_inner()).await?;
    Ok(match format {
        Format::Json | Format::Csv => HttpResponse::Ok().json(&vp),
        Format::Md => document(
            format,
            value_proposition::markdown(&state.templates, &vp)?,
            "value-proposition",
        ),
        Format::Html => document(
            format,
            value_proposition::html(&state.templates, &vp)?,
            "value-proposition",
        ),
    })
}

/// A segment's value proposition, as the caller may see it (404 outside their segments).
pub async fn load_value_proposition(
    state: &AppState,
    caller: &Caller,
    id: i32,
) -> Result<value_proposition::ValueProposition, AppError> {
    let scope = caller.scope();
    let (data, segment, latest) = state
        .db
        .run(move |c| {
            let segment = segments::get(c, id, &scope)?;
            let data = crate::analysis::gap_report(c, &scope, Some(id), None)?;
            let latest = match sla::latest_for_segment(c, id)? {
                Some(row) => {
                    let signed = !sla::signoffs(c, row.id)?.is_empty();
                    Some((row, signed))
                }
                None => None,
            };
            Ok((data, segment, latest))
        })
        .await?;
    let view = gap_report::view(&data, Filters::default());
    let sla_state = latest.map(|(row, signed_off)| {
        let status = SlaStatus::parse(&row.status).unwrap_or(SlaStatus::Draft);
        SlaState {
            id: row.id,
            version: row.version,
            status: row.status,
            status_label: status_label(status),
            signed_off,
        }
    });
    Ok(value_proposition::build(
        SegmentView {
            id: segment.id,
            name: segment.name,
            description: segment.description,
            ambassador: segment.ambassador,
        },
        &view.rows,
        &view.met,
        sla_state,
    ))
}
