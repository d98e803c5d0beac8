//! Reports for leadership and stakeholders: the prioritized gap report and a segment's value
//! proposition, each as JSON, CSV (gaps), Markdown or HTML.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::extract::ValidQuery;
use super::format::Format;
use crate::access::ReadGapReport;
use crate::auth::{Authorized, Caller};
use crate::error::AppError;
use crate::render::gap_report::Window;
use crate::render::{gap_report, value_proposition};
use crate::service::reports::{self, GapFilter};
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
    /// JSON only: ranked rows per page (all when absent). Downloads are always whole.
    #[validate(range(min = 1, max = 10000))]
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<usize>,
    /// JSON only: ranked rows to skip.
    #[validate(range(max = 100000000))]
    #[param(minimum = 0, maximum = 100000000)]
    pub offset: Option<usize>,
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
    let filter = GapFilter {
        segment_id: q.segment_id,
        service_area_id: q.service_area_id,
        tier: q.tier,
    };
    // JSON pages its ranked rows (the other lists stay whole); the documents have every row.
    let report = if format == Format::Json && (q.limit.is_some() || q.offset.is_some()) {
        let window = Window {
            offset: q.offset.unwrap_or(0),
            limit: q.limit.unwrap_or(usize::MAX),
            side: usize::MAX,
        };
        reports::gap_report_page(&state, &caller, filter, window).await?.0
    } else {
        reports::gap_report(&state, &caller, filter).await?
    };
    let (data, view) = (report.data, report.view);
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
            crate::error::ErrorCode::InvalidQuery,
            "use json, md or html",
            Some("format"),
        ));
    }
    let vp = reports::value_proposition(&state, &caller, id.into_inner()).await?;
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

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    pub segment_id: Option<i32>,
    pub requirement_id: Option<i32>,
    /// First month, `YYYY-MM` (default: eleven months before `to`).
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", min_length = 7, max_length = 7)]
    pub from: Option<String>,
    /// Last month, `YYYY-MM` (default: this month); at most 120 months after `from`.
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", min_length = 7, max_length = 7)]
    pub to: Option<String>,
}

/// `GET /reports/gaps/trend`: each gap month by month.
#[utoipa::path(get, path = "/api/v1/reports/gaps/trend", tag = "reports", params(TrendQuery),
    responses((status = 200, description = "Per month, the gap of each requirement and segment being worked, from the assessment history in force at the month's end", body = crate::service::reports::GapTrend),
        (status = 422, description = "`from` or `to` is not a month (YYYY-MM), `from` is after `to`, or the range is over 120 months (`validation_failed`)", body = crate::error::ErrorBody)))]
pub async fn trend(
    caller: Authorized<ReadGapReport>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<TrendQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = reports::TrendFilter {
        segment_id: q.segment_id,
        requirement_id: q.requirement_id,
        from: q.from,
        to: q.to,
    };
    Ok(HttpResponse::Ok().json(reports::gap_trend(&state, &caller, filter).await?))
}
