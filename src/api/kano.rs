//! Kano results: per requirement and segment (or pooled), the consolidated classification of
//! a segment, and the Kano diagram.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::extract::ValidQuery;
use crate::auth::Caller;
use crate::db::responses::{self, SegmentSelection};
use crate::db::{requirements, segments, DbConnection, Scope};
use crate::domain::kano::{classify, KanoCategory, KanoResult, Tally};
use crate::error::AppError;
use crate::render::kano_chart::{self, ChartPoint};
use crate::state::AppState;

#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KanoQuery {
    pub segment_id: Option<i32>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(non_snake_case)]
pub struct Counts {
    A: u64,
    O: u64,
    M: u64,
    I: u64,
    R: u64,
    Q: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FongView {
    difference: f64,
    threshold: f64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DuMouchelView {
    functional: Option<f64>,
    dysfunctional: Option<f64>,
    importance: Option<f64>,
}

/// One requirement's questionnaire result, as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct KanoView {
    pub requirement_id: i32,
    pub requirement_key: String,
    /// None when the answers of several segments are pooled.
    pub segment_id: Option<i32>,
    pub n: u64,
    pub counts: Counts,
    pub mode_category: Option<&'static str>,
    pub category: Option<&'static str>,
    pub category_name: Option<&'static str>,
    pub significant: bool,
    pub fong: FongView,
    pub category_strength: f64,
    pub total_strength: f64,
    pub better: Option<f64>,
    pub worse: Option<f64>,
    pub dumouchel: DuMouchelView,
}

impl KanoView {
    fn new(requirement_id: i32, requirement_key: String, segment_id: Option<i32>, r: &KanoResult) -> Self {
        KanoView {
            requirement_id,
            requirement_key,
            segment_id,
            n: r.n,
            counts: Counts {
                A: r.counts.a,
                O: r.counts.o,
                M: r.counts.m,
                I: r.counts.i,
                R: r.counts.r,
                Q: r.counts.q,
            },
            mode_category: r.mode_category.map(KanoCategory::letter),
            category: r.category.map(KanoCategory::letter),
            category_name: r.category.map(KanoCategory::name),
            significant: r.significant,
            fong: FongView {
                difference: r.fong.difference,
                threshold: r.fong.threshold,
            },
            category_strength: r.category_strength,
            total_strength: r.total_strength,
            better: r.better,
            worse: r.worse,
            dumouchel: DuMouchelView {
                functional: r.dumouchel.functional,
                dysfunctional: r.dumouchel.dysfunctional,
                importance: r.dumouchel.importance,
            },
        }
    }
}

/// A named segment the caller may see (404 otherwise), or all the caller may see, pooled.
pub fn selection(
    conn: &mut DbConnection,
    caller_scope: &Scope,
    segment_id: Option<i32>,
) -> Result<SegmentSelection, AppError> {
    match segment_id {
        Some(id) => {
            segments::get(conn, id, caller_scope)?;
            Ok(SegmentSelection::One(id))
        }
        None => Ok(SegmentSelection::Pooled(caller_scope.clone())),
    }
}

pub fn views(
    conn: &mut DbConnection,
    selection: &SegmentSelection,
    tallies: BTreeMap<i32, Tally>,
) -> Result<Vec<KanoView>, AppError> {
    let ids: Vec<i32> = tallies.keys().copied().collect();
    let mut keys = requirements::keys(conn, &ids)?;
    let segment_id = match selection {
        SegmentSelection::One(id) => Some(*id),
        SegmentSelection::Pooled(_) => None,
    };
    let mut items: Vec<KanoView> = tallies
        .iter()
        .map(|(id, tally)| KanoView::new(*id, keys.remove(id).unwrap_or_default(), segment_id, &classify(tally)))
        .collect();
    items.sort_by(|a, b| a.requirement_key.cmp(&b.requirement_key));
    Ok(items)
}

/// `GET /requirements/{id}/kano`: one requirement's result; zero answers give n = 0.
#[utoipa::path(get, path = "/api/v1/requirements/{id}/kano", tag = "kano",
    params(("id" = i32, Path, description = "Requirement id"), KanoQuery),
    responses((status = 200, description = "The requirement's Kano result for one segment, or pooled over the caller's segments", body = KanoView)))]
pub async fn requirement(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let (scope, id) = (caller.scope(), id.into_inner());
    let view = state
        .db
        .run(move |c| {
            let requirement = requirements::get(c, id, &scope)?;
            let selection = selection(c, &scope, q.segment_id)?;
            let tally = responses::tallies(c, &selection, Some(id))?
                .remove(&id)
                .unwrap_or_default();
            let segment_id = q.segment_id;
            Ok(KanoView::new(id, requirement.key, segment_id, &classify(&tally)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The results of `GET /kano`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct KanoList {
    pub items: Vec<KanoView>,
}

/// The results of `GET /segments/{id}/classification`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SegmentClassification {
    pub segment_id: i32,
    pub items: Vec<ClassificationView>,
}

/// `GET /kano`: every requirement with answers.
#[utoipa::path(get, path = "/api/v1/kano", tag = "kano", params(KanoQuery),
    responses((status = 200, description = "The Kano result of every requirement with answers", body = KanoList)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = caller.scope();
    let items = state
        .db
        .run(move |c| {
            let selection = selection(c, &scope, q.segment_id)?;
            let tallies = responses::tallies(c, &selection, None)?;
            views(c, &selection, tallies)
        })
        .await?;
    Ok(HttpResponse::Ok().json(KanoList { items }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClassificationView {
    pub requirement_id: i32,
    pub requirement_key: String,
    pub category: &'static str,
    pub category_name: &'static str,
    pub source: &'static str,
    pub confidence: f64,
    pub importance: Option<f64>,
    pub n: u64,
    pub better: Option<f64>,
    pub worse: Option<f64>,
}

/// Consolidated classifications of one segment (see `domain::classification`).
pub fn classifications(conn: &mut DbConnection, segment_id: i32) -> Result<Vec<ClassificationView>, AppError> {
    let classified = crate::analysis::classifications(conn, &[segment_id])?;
    let ids: Vec<i32> = classified.keys().map(|(_, r)| *r).collect();
    let mut keys = requirements::keys(conn, &ids)?;
    let mut items: Vec<ClassificationView> = classified
        .into_iter()
        .map(|((_, id), c)| ClassificationView {
            requirement_id: id,
            requirement_key: keys.remove(&id).unwrap_or_default(),
            category: c.category.letter(),
            category_name: c.category.name(),
            source: c.source.as_str(),
            confidence: c.confidence,
            importance: c.importance,
            n: c.n,
            better: c.better,
            worse: c.worse,
        })
        .collect();
    items.sort_by(|a, b| a.requirement_key.cmp(&b.requirement_key));
    Ok(items)
}

/// `GET /segments/{id}/classification`.
#[utoipa::path(get, path = "/api/v1/segments/{id}/classification", tag = "kano",
    params(("id" = i32, Path, description = "Segment id")),
    responses((status = 200, description = "Each requirement's consolidated category for the segment, with its source and confidence", body = SegmentClassification)))]
pub async fn classification(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (scope, id) = (caller.scope(), id.into_inner());
    let items = state
        .db
        .run(move |c| {
            segments::get(c, id, &scope)?;
            classifications(c, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SegmentClassification { segment_id: id, items }))
}

/// `GET /kano/chart.svg`: the Kano diagram of a segment (or of all the caller may see).
#[utoipa::path(get, path = "/api/v1/kano/chart.svg", tag = "kano", params(KanoQuery),
    responses((status = 200, description = "The Kano diagram (Better against |Worse|) as SVG", content_type = "image/svg+xml", body = String)))]
pub async fn chart(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<KanoQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = caller.scope();
    let svg = state
        .db
        .run(move |c| {
            let selection = selection(c, &scope, q.segment_id)?;
            let title = match q.segment_id {
                Some(id) => format!("Kano diagram: {}", segments::get(c, id, &scope)?.name),
                None => "Kano diagram: all segments".to_owned(),
            };
            let tallies = responses::tallies(c, &selection, None)?;
            let points: Vec<ChartPoint> = views(c, &selection, tallies)?
                .into_iter()
                .filter_map(|v| {
                    Some(ChartPoint {
                        label: v.requirement_key,
                        x: v.worse?.abs(),
                        y: v.better?,
                    })
                })
                .collect();
            Ok(kano_chart::render(&title, &points))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(svg))
}
