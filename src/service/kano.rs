//! Kano results: per requirement and segment (or pooled), the consolidated classification of
//! a segment, and the Kano diagram.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Context;
use crate::access::Caller;
use crate::db::responses::{self, SegmentSelection};
use crate::db::{requirements, segments, DbConnection, Scope};
use crate::domain::kano::{classify, KanoCategory, KanoResult, Tally};
use crate::error::AppError;
use crate::render::kano_chart::{self, ChartPoint};

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
fn selection(
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

fn views(
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
fn classifications(conn: &mut DbConnection, segment_id: i32) -> Result<Vec<ClassificationView>, AppError> {
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

/// One requirement's result for a segment the caller may see, or pooled over theirs; zero
/// answers give n = 0.
pub async fn requirement_result(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    segment_id: Option<i32>,
) -> Result<KanoView, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let requirement = requirements::get(c, id, &scope)?;
            let selection = selection(c, &scope, segment_id)?;
            let tally = responses::tallies(c, &selection, Some(id))?
                .remove(&id)
                .unwrap_or_default();
            Ok(KanoView::new(id, requirement.key, segment_id, &classify(&tally)))
        })
        .await
}

/// Every requirement with answers, for one segment or pooled, and what the selection is called.
pub struct KanoResults {
    pub title: String,
    pub items: Vec<KanoView>,
}

pub async fn results(ctx: &Context, caller: &Caller, segment_id: Option<i32>) -> Result<KanoResults, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let selection = selection(c, &scope, segment_id)?;
            let title = match segment_id {
                Some(id) => segments::get(c, id, &scope)?.name,
                None => "all segments".to_owned(),
            };
            let tallies = responses::tallies(c, &selection, None)?;
            Ok(KanoResults {
                title,
                items: views(c, &selection, tallies)?,
            })
        })
        .await
}

/// The Kano diagram (Better against |Worse|) of results, as SVG.
pub fn chart(results: &KanoResults) -> String {
    let points: Vec<ChartPoint> = results
        .items
        .iter()
        .filter_map(|v| {
            Some(ChartPoint {
                label: v.requirement_key.clone(),
                x: v.worse?.abs(),
                y: v.better?,
            })
        })
        .collect();
    kano_chart::render(&format!("Kano diagram: {}", results.title), &points)
}

/// Each requirement's consolidated category for a segment the caller may see.
pub async fn segment_classification(
    ctx: &Context,
    caller: &Caller,
    segment_id: i32,
) -> Result<SegmentClassification, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            segments::get(c, segment_id, &scope)?;
            Ok(SegmentClassification {
                segment_id,
                items: classifications(c, segment_id)?,
            })
        })
        .await
}
