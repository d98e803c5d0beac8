//! A segment's value proposition as a page: what IT promises, how well it delivers, what is
//! planned, and the SLA with a sign-off button when it awaits the stakeholder.

use actix_web::{web, HttpRequest};
use serde::Serialize;

use super::{frame, may, render, signed_in, PageResult};
use crate::access::SignSla;
use crate::auth::Caller;
use crate::render::value_proposition::ValueProposition;
use crate::service;
use crate::state::AppState;

#[derive(Serialize)]
struct VpPage {
    vp: ValueProposition,
    /// The SLA in review or agreed, not yet signed by this stakeholder.
    can_sign: bool,
    signed_by_me: bool,
    /// Last month's service report for this segment (its targets and the general ones),
    /// summary, table and charts, as HTML.
    service_report: String,
    service_period: String,
    service_month: String,
}

/// `GET /segments/{id}`: 404 for a segment that is not the caller's (as in the API).
pub async fn value_proposition(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let vp = service::reports::value_proposition(&state, &caller, id.into_inner()).await?;
    let mut signed_by_me = false;
    if let Some(sla) = &vp.sla {
        let (view, _) = service::sla::get(&state, &caller, sla.id).await?;
        signed_by_me = view.signoffs.iter().any(|s| s.user_id == caller.id);
    }
    let awaiting = vp
        .sla
        .as_ref()
        .is_some_and(|s| s.status == "in_review" || s.status == "agreed");
    let period = service::service_levels::last_month();
    let (service_report, _) = super::service_levels::report_body(&state, &caller, period, Some(vp.segment.id)).await?;
    let title = format!("What IT promises {}", vp.segment.name);
    let data = VpPage {
        can_sign: awaiting && !signed_by_me && may::<SignSla>(&caller),
        signed_by_me,
        service_report,
        service_period: period.to_string(),
        service_month: crate::render::service_report::month_name(period),
        vp,
    };
    render(&state, "value_proposition_page", &frame(&req, &caller, title), &data)
}
