//! The Kano pages: a segment's (or every visible segment's) results and diagram in one wave or
//! over all answers; the life cycle between two waves; the requirements segments disagree on.

use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::paging::EVERY;
use super::{allowed, frame, render, signed_in, PageResult};
use crate::access::ReadGapReport;
use crate::auth::Caller;
use crate::db::segments::Segment;
use crate::domain::kano::KanoCategory;
use crate::render::kano_chart::{self, Arrow};
use crate::service;
use crate::service::kano::{ContestedList, KanoView, MoveView, TransitionsView};
use crate::state::AppState;

/// An id from a query string; blank or not a number is "none chosen".
fn id_param(v: &Option<String>) -> Option<i32> {
    v.as_deref().and_then(|s| s.trim().parse().ok())
}

/// A survey wave, for the selectors.
#[derive(Serialize)]
struct WaveOption {
    id: i32,
    title: String,
    held_on: String,
}

async fn wave_options(state: &AppState, caller: &Caller) -> Result<Vec<WaveOption>, super::PageError> {
    Ok(service::kano::waves(state, caller)
        .await?
        .into_iter()
        .map(|w| WaveOption {
            id: w.id,
            title: w.title,
            held_on: w.held_on.to_string(),
        })
        .collect())
}

#[derive(Deserialize)]
pub struct KanoQuery {
    segment_id: Option<String>,
    session_id: Option<String>,
}

#[derive(Serialize)]
struct KanoPage {
    segments: Vec<Segment>,
    segment_id: Option<i32>,
    waves: Vec<WaveOption>,
    session_id: Option<i32>,
    items: Vec<KanoView>,
    chart: String,
    min_sample: u64,
    can_read_contested: bool,
}

/// `GET /kano?segment_id=&session_id=`: the Kano results table and diagram of a segment, in one
/// wave or over every answer.
pub async fn kano(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<KanoQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let (segment_id, session_id) = (id_param(&q.segment_id), id_param(&q.session_id));
    let segs = service::segments::list(&state, &caller, EVERY).await?.items;
    let waves = wave_options(&state, &caller).await?;
    let results = service::kano::results(&state, &caller, segment_id, session_id).await?;
    let data = KanoPage {
        segments: segs,
        segment_id,
        waves,
        session_id,
        chart: service::kano::chart(&results),
        items: results.items,
        min_sample: state.kano_min_sample,
        can_read_contested: caller.may::<ReadGapReport>(),
    };
    render(&state, "kano", &frame(&req, &caller, "Kano results"), &data)
}

#[derive(Deserialize)]
pub struct LifecycleQuery {
    from: Option<String>,
    to: Option<String>,
    segment_id: Option<String>,
}

#[derive(Serialize)]
struct MatrixRow {
    from: &'static str,
    name: &'static str,
    cells: Vec<u64>,
}

#[derive(Serialize)]
struct LifecyclePage {
    segments: Vec<Segment>,
    segment_id: Option<i32>,
    waves: Vec<WaveOption>,
    from: Option<i32>,
    to: Option<i32>,
    /// Why there is nothing to show: fewer than two waves, or the same one twice.
    message: Option<String>,
    transitions: Option<TransitionsView>,
    columns: Vec<&'static str>,
    matrix: Vec<MatrixRow>,
    fading: Vec<MoveView>,
    chart: Option<String>,
}

/// `GET /kano/lifecycle?from=&to=&segment_id=`: how requirements moved between two waves, as
/// arrows on the Better/Worse diagram, the transition matrix, and the fading delighters.
pub async fn lifecycle(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<LifecycleQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let segment_id = id_param(&q.segment_id);
    let segs = service::segments::list(&state, &caller, EVERY).await?.items;
    let waves = wave_options(&state, &caller).await?;
    // By default the two latest waves.
    let latest = |back: usize| waves.len().checked_sub(back).and_then(|i| waves.get(i)).map(|w| w.id);
    let from = id_param(&q.from).or_else(|| latest(2));
    let to = id_param(&q.to).or_else(|| latest(1));
    let mut page = LifecyclePage {
        segments: segs,
        segment_id,
        from,
        to,
        waves: Vec::new(),
        message: None,
        transitions: None,
        columns: KanoCategory::ALL.iter().map(|c| c.letter()).collect(),
        matrix: Vec::new(),
        fading: Vec::new(),
        chart: None,
    };
    match (from, to) {
        (Some(f), Some(t)) if f == t => page.message = Some("Choose two different waves.".into()),
        (Some(f), Some(t)) => {
            let view = service::kano::transitions(&state, &caller, f, t, segment_id).await?;
            let before = service::kano::results(&state, &caller, segment_id, Some(f)).await?;
            let after = service::kano::results(&state, &caller, segment_id, Some(t)).await?;
            let arrows: Vec<Arrow> = before
                .items
                .iter()
                .filter_map(|b| {
                    let a = after.items.iter().find(|a| a.requirement_id == b.requirement_id)?;
                    Some(Arrow {
                        label: b.requirement_key.clone(),
                        from: (b.worse?.abs(), b.better?),
                        to: (a.worse?.abs(), a.better?),
                        fading: view.fading_delighters.contains(&b.requirement_id),
                        moved: b.category != a.category,
                    })
                })
                .collect();
            page.chart = Some(kano_chart::render_arrows(
                &format!("Kano life cycle: {} → {}", view.from.title, view.to.title),
                &arrows,
            ));
            page.matrix = KanoCategory::ALL
                .iter()
                .map(|&row| MatrixRow {
                    from: row.letter(),
                    name: row.name(),
                    cells: KanoCategory::ALL.iter().map(|&col| view.matrix.get(row, col)).collect(),
                })
                .collect();
            page.fading = view
                .moved
                .iter()
                .filter(|m| view.fading_delighters.contains(&m.requirement.id))
                .map(|m| MoveView {
                    requirement: m.requirement.clone(),
                    from: m.from,
                    to: m.to,
                    better_change: m.better_change,
                    worse_change: m.worse_change,
                    significant: m.significant,
                    p_value: m.p_value,
                })
                .collect();
            page.transitions = Some(view);
        }
        _ => page.message = Some("The life cycle needs two survey waves; there are not two yet.".into()),
    }
    page.waves = waves;
    render(
        &state,
        "kano_lifecycle",
        &frame(&req, &caller, "Kano life cycle"),
        &page,
    )
}

#[derive(Deserialize)]
pub struct ContestedQuery {
    session_id: Option<String>,
}

#[derive(Serialize)]
struct ContestedPage {
    waves: Vec<WaveOption>,
    session_id: Option<i32>,
    contested: ContestedList,
    /// How many table rows each requirement spans (one per segment).
    spans: Vec<usize>,
}

/// `GET /kano/contested?session_id=`: the requirements segments genuinely disagree on
/// (facilitators, leadership and admins).
pub async fn contested(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    q: web::Query<ContestedQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    allowed::<ReadGapReport>(&caller)?;
    let session_id = id_param(&q.session_id);
    let contested = service::kano::contested(&state, &caller, session_id).await?;
    let data = ContestedPage {
        waves: wave_options(&state, &caller).await?,
        session_id,
        spans: contested.items.iter().map(|i| i.segments.len()).collect(),
        contested,
    };
    render(
        &state,
        "kano_contested",
        &frame(&req, &caller, "Contested requirements"),
        &data,
    )
}
