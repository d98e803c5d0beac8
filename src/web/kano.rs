//! The Kano results page: a segment's (or every visible segment's) results and diagram.

use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::paging::EVERY;
use super::{frame, render, signed_in, PageResult};
use crate::auth::Caller;
use crate::db::segments::Segment;
use crate::service;
use crate::service::kano::KanoView;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct KanoQuery {
    segment_id: Option<i32>,
}

#[derive(Serialize)]
struct KanoPage {
    segments: Vec<Segment>,
    segment_id: Option<i32>,
    items: Vec<KanoView>,
    chart: String,
}

/// `GET /kano?segment_id=`: the Kano results table and diagram of a segment.
pub async fn kano(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<KanoQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let segment_id = q.segment_id;
    let segs = service::segments::list(&state, &caller, EVERY).await?.items;
    let results = service::kano::results(&state, &caller, segment_id, None).await?;
    let data = KanoPage {
        segments: segs,
        segment_id,
        chart: service::kano::chart(&results),
        items: results.items,
    };
    render(&state, "kano", &frame(&req, &caller, "Kano results"), &data)
}
