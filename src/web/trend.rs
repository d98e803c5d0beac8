//! The gap trend for leadership: each requirement and segment being worked as a small line
//! chart of its gap month by month, all on the same scales (small multiples).

use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::paging::EVERY;
use super::{frame, render, signed_in, PageResult};
use crate::auth::Caller;
use crate::db::segments::Segment;
use crate::render::trend_chart;
use crate::service;
use crate::service::reports::TrendFilter;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TrendQuery {
    segment_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize)]
struct Panel {
    key: String,
    segment: String,
    category: &'static str,
    svg: String,
}

#[derive(Serialize)]
struct TrendPage {
    segments: Vec<Segment>,
    segment_id: Option<i32>,
    from: String,
    to: String,
    panels: Vec<Panel>,
}

fn blank_is_none(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// `GET /gap-trend?segment_id=&from=YYYY-MM&to=YYYY-MM` (the gap report's readers).
pub async fn gap_trend(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<TrendQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let segment_id = q.segment_id.as_deref().and_then(|s| s.trim().parse().ok());
    let filter = TrendFilter {
        segment_id,
        requirement_id: None,
        from: blank_is_none(&q.from),
        to: blank_is_none(&q.to),
    };
    let trend = service::reports::gap_trend(&state, &caller, filter).await?;
    let segs = service::segments::list(&state, &caller, EVERY).await?.items;
    let panels = trend
        .series
        .iter()
        .map(|s| {
            let points: Vec<(String, Option<f64>)> = s.points.iter().map(|p| (p.period.clone(), p.gap)).collect();
            Panel {
                key: s.requirement.key.clone(),
                segment: s.segment.name.clone(),
                category: s.category,
                svg: trend_chart::panel(&format!("{} · {}", s.requirement.key, s.segment.name), &points),
            }
        })
        .collect();
    let data = TrendPage {
        segments: segs,
        segment_id,
        from: trend.from,
        to: trend.to,
        panels,
    };
    render(&state, "gap_trend", &frame(&req, &caller, "Gap trend"), &data)
}
