//! Kano results: per requirement and segment (or pooled), the consolidated classification of
//! a segment, and the Kano diagram.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::Context;
use crate::access::Caller;
use crate::db::responses::{self, SegmentSelection};
use crate::db::sessions::{self, SessionRow};
use crate::db::{requirements, segments, DbConnection, Page, Scope};
use crate::domain::kano::{classify, KanoCategory, KanoResult, Tally};
use crate::domain::kano_waves::{self, how_sure};
use crate::domain::terms::SessionKind;
use crate::error::AppError;
use crate::render::gap_report::{Named, RequirementRef};
use crate::render::kano_chart::{self, ChartPoint, Whiskers};

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
    /// Wilson 95 % interval of Better; null without A, O, M or I answers.
    pub better_ci95: Option<[f64; 2]>,
    /// Wilson 95 % interval of Worse, as negatives in the point value's order: [−high, −low].
    pub worse_ci95: Option<[f64; 2]>,
    /// A + O + M + I is below the `kano_min_sample` setting.
    pub low_sample: bool,
    /// The wave (survey session) the answers are restricted to; null: every answer.
    pub session_id: Option<i32>,
    pub dumouchel: DuMouchelView,
}

/// Which answers a result counts: whose (one segment, or pooled), and of which wave.
#[derive(Clone, Copy)]
struct Selected {
    segment_id: Option<i32>,
    session_id: Option<i32>,
    min_sample: u64,
}

impl KanoView {
    fn new(requirement_id: i32, requirement_key: String, at: Selected, r: &KanoResult) -> Self {
        let sure = how_sure(&r.counts, at.min_sample);
        KanoView {
            requirement_id,
            requirement_key,
            segment_id: at.segment_id,
            session_id: at.session_id,
            better_ci95: sure.better_ci95,
            worse_ci95: sure.worse_ci95,
            low_sample: sure.low_sample,
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

/// A wave the caller may see: a survey session (404 when out of sight or unknown; 422 on
/// `field` when it is a session of another kind).
pub fn wave(conn: &mut DbConnection, scope: &Scope, field: &str, id: i32) -> Result<sessions::Session, AppError> {
    let session = sessions::get(conn, id, scope)?;
    if session.kind != SessionKind::Survey.as_str() {
        return Err(AppError::field(
            field,
            format!(
                "session {id} is a {}, not a survey wave",
                session.kind.replace('_', " ")
            ),
        ));
    }
    Ok(session)
}

fn views(conn: &mut DbConnection, at: Selected, tallies: BTreeMap<i32, Tally>) -> Result<Vec<KanoView>, AppError> {
    let ids: Vec<i32> = tallies.keys().copied().collect();
    let mut keys = requirements::keys(conn, &ids)?;
    let mut items: Vec<KanoView> = tallies
        .iter()
        .map(|(id, tally)| KanoView::new(*id, keys.remove(id).unwrap_or_default(), at, &classify(tally)))
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

/// One requirement's result for a segment the caller may see, or pooled over theirs, in one
/// wave or over every answer; zero answers give n = 0.
pub async fn requirement_result(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    segment_id: Option<i32>,
    session_id: Option<i32>,
) -> Result<KanoView, AppError> {
    let scope = caller.scope();
    let at = Selected {
        segment_id,
        session_id,
        min_sample: ctx.kano_min_sample,
    };
    ctx.db
        .run(move |c| {
            let requirement = requirements::get(c, id, &scope)?;
            let selection = selection(c, &scope, segment_id)?;
            if let Some(session) = session_id {
                wave(c, &scope, "session_id", session)?;
            }
            let tally = responses::tallies(c, &selection, Some(id), session_id)?
                .remove(&id)
                .unwrap_or_default();
            Ok(KanoView::new(id, requirement.key, at, &classify(&tally)))
        })
        .await
}

/// Every requirement with answers, for one segment or pooled, and what the selection is called.
pub struct KanoResults {
    pub title: String,
    pub items: Vec<KanoView>,
}

/// Every requirement with answers, for one segment or pooled, in one wave or over all answers.
pub async fn results(
    ctx: &Context,
    caller: &Caller,
    segment_id: Option<i32>,
    session_id: Option<i32>,
) -> Result<KanoResults, AppError> {
    let scope = caller.scope();
    let at = Selected {
        segment_id,
        session_id,
        min_sample: ctx.kano_min_sample,
    };
    ctx.db
        .run(move |c| {
            let selection = selection(c, &scope, segment_id)?;
            let mut title = match segment_id {
                Some(id) => segments::get(c, id, &scope)?.name,
                None => "all segments".to_owned(),
            };
            if let Some(session) = session_id {
                let w = wave(c, &scope, "session_id", session)?;
                title = format!("{title}, {}", w.title);
            }
            let tallies = responses::tallies(c, &selection, None, session_id)?;
            Ok(KanoResults {
                title,
                items: views(c, at, tallies)?,
            })
        })
        .await
}

/// The Kano diagram (Better against |Worse|) of results, as SVG, with each point's 95 %
/// intervals as whiskers and low samples drawn hollow.
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
    let whiskers: Vec<Whiskers> = results
        .items
        .iter()
        .filter(|v| v.worse.is_some() && v.better.is_some())
        .map(|v| Whiskers {
            x: v.worse_ci95.map(|[low, high]| [high.abs(), low.abs()]),
            y: v.better_ci95,
            low_sample: v.low_sample,
        })
        .collect();
    kano_chart::render_with_whiskers(&format!("Kano diagram: {}", results.title), &points, &whiskers)
}

/// The survey waves the caller may see, oldest first.
pub async fn waves(ctx: &Context, caller: &Caller) -> Result<Vec<SessionRow>, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| Ok(sessions::surveys(c, &scope)?)).await
}

/// One wave's result for a requirement.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WaveResult {
    pub session_id: i32,
    pub title: String,
    pub held_on: NaiveDate,
    pub n: u64,
    pub category: Option<&'static str>,
    pub better: Option<f64>,
    pub worse: Option<f64>,
    pub better_ci95: Option<[f64; 2]>,
    pub worse_ci95: Option<[f64; 2]>,
    pub low_sample: bool,
}

/// `GET /requirements/{id}/kano/history`: the requirement in every wave it was asked in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct KanoHistory {
    pub requirement_id: i32,
    /// None when pooled over the caller's segments.
    pub segment_id: Option<i32>,
    /// In `held_on` order.
    pub waves: Vec<WaveResult>,
}

/// A requirement's result in each wave the caller may see that has answers for it.
pub async fn history(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    segment_id: Option<i32>,
) -> Result<KanoHistory, AppError> {
    let scope = caller.scope();
    let min_sample = ctx.kano_min_sample;
    ctx.db
        .run(move |c| {
            requirements::get(c, id, &scope)?;
            let selection = selection(c, &scope, segment_id)?;
            let surveys = sessions::surveys(c, &scope)?;
            let ids: Vec<i32> = surveys.iter().map(|s| s.id).collect();
            let tallies = responses::tallies_by_session(c, &selection, id, &ids)?;
            let waves = surveys
                .into_iter()
                .filter_map(|s| {
                    let tally = tallies.get(&(s.id, id))?;
                    let r = classify(tally);
                    let sure = how_sure(&r.counts, min_sample);
                    Some(WaveResult {
                        session_id: s.id,
                        title: s.title,
                        held_on: s.held_on,
                        n: r.n,
                        category: r.category.map(KanoCategory::letter),
                        better: r.better,
                        worse: r.worse,
                        better_ci95: sure.better_ci95,
                        worse_ci95: sure.worse_ci95,
                        low_sample: sure.low_sample,
                    })
                })
                .collect();
            Ok(KanoHistory {
                requirement_id: id,
                segment_id,
                waves,
            })
        })
        .await
}

/// A wave, as the transitions name it.
#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct WaveRef {
    pub session_id: i32,
    pub title: String,
    pub held_on: NaiveDate,
}

impl From<&sessions::Session> for WaveRef {
    fn from(s: &sessions::Session) -> Self {
        WaveRef {
            session_id: s.id,
            title: s.title.clone(),
            held_on: s.held_on,
        }
    }
}

/// A requirement whose category changed between the waves.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MoveView {
    pub requirement: RequirementRef,
    pub from: &'static str,
    pub to: &'static str,
    /// Better(to) − Better(from).
    pub better_change: Option<f64>,
    /// Worse(to) − Worse(from) (negative: more dissatisfaction when absent).
    pub worse_change: Option<f64>,
    /// Chi-square test of independence on the 2 × {A, O, M, I} counts, p < 0.05.
    pub significant: bool,
    /// Null when the test cannot be run.
    pub p_value: Option<f64>,
}

/// `GET /kano/transitions`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TransitionsView {
    pub from: WaveRef,
    pub to: WaveRef,
    /// None when pooled over the caller's segments.
    pub segment_id: Option<i32>,
    /// Requirements per (from category, to category): rows = from, columns = to.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, u64>>)]
    pub matrix: kano_waves::TransitionMatrix,
    /// Requirements counted in the matrix (answers in both waves).
    pub requirements: u64,
    pub moved: Vec<MoveView>,
    /// Requirements that moved from A (delighter) to O or M: now expected, keep them.
    pub fading_delighters: Vec<i32>,
}

/// How requirements moved between two waves, for one segment or pooled.
pub async fn transitions(
    ctx: &Context,
    caller: &Caller,
    from: i32,
    to: i32,
    segment_id: Option<i32>,
) -> Result<TransitionsView, AppError> {
    if from == to {
        return Err(AppError::field("to", "choose two different waves"));
    }
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let (w0, w1) = (wave(c, &scope, "from", from)?, wave(c, &scope, "to", to)?);
            let selection = selection(c, &scope, segment_id)?;
            let before = responses::tallies(c, &selection, None, Some(from))?;
            let after = responses::tallies(c, &selection, None, Some(to))?;
            let t = kano_waves::transitions(&before, &after);
            let ids: Vec<i32> = t.moved.iter().map(|m| m.requirement_id).collect();
            let found = crate::analysis::requirements_by_id(c, &ids)?;
            let moved = t
                .moved
                .iter()
                .map(|m| MoveView {
                    requirement: RequirementRef {
                        id: m.requirement_id,
                        key: found.get(&m.requirement_id).map(|r| r.key.clone()).unwrap_or_default(),
                        title: found
                            .get(&m.requirement_id)
                            .map(|r| r.title.clone())
                            .unwrap_or_default(),
                    },
                    from: m.from.letter(),
                    to: m.to.letter(),
                    better_change: m.better_change,
                    worse_change: m.worse_change,
                    significant: m.significant,
                    p_value: m.p_value,
                })
                .collect();
            Ok(TransitionsView {
                from: WaveRef::from(&w0),
                to: WaveRef::from(&w1),
                segment_id,
                requirements: t.matrix.total(),
                matrix: t.matrix,
                moved,
                fading_delighters: t.fading_delighters,
            })
        })
        .await
}

/// One segment's result on a contested requirement.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ContestedSegment {
    pub segment: Named,
    pub n: u64,
    pub category: Option<&'static str>,
    pub better: Option<f64>,
    pub worse: Option<f64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContestedItem {
    pub requirement: RequirementRef,
    /// Chi-square test of independence on segments × {A, O, M, I}; below 0.05.
    pub p_value: f64,
    pub segments: Vec<ContestedSegment>,
}

/// `GET /kano/contested`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ContestedList {
    /// The wave; null: every answer.
    pub session_id: Option<i32>,
    /// The least A + O + M + I answers a segment needs to take part.
    pub min_sample: u64,
    /// Strongest disagreement (smallest p) first.
    pub items: Vec<ContestedItem>,
}

/// Requirements on which the segments the caller may see genuinely disagree.
pub async fn contested(ctx: &Context, caller: &Caller, session_id: Option<i32>) -> Result<ContestedList, AppError> {
    let scope = caller.scope();
    let min_sample = ctx.kano_min_sample;
    ctx.db
        .run(move |c| {
            if let Some(session) = session_id {
                wave(c, &scope, "session_id", session)?;
            }
            let all = Page {
                limit: i64::MAX,
                offset: 0,
            };
            let visible = segments::list(c, &scope, all)?.0;
            let ids: Vec<i32> = visible.iter().map(|s| s.id).collect();
            let found = crate::analysis::contested(c, &ids, session_id, min_sample)?;
            let requirement_ids: Vec<i32> = found.keys().copied().collect();
            let reqs = crate::analysis::requirements_by_id(c, &requirement_ids)?;
            let name = |id: i32| {
                visible
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default()
            };
            let mut items: Vec<ContestedItem> = found
                .into_iter()
                .map(|(id, contest)| ContestedItem {
                    requirement: RequirementRef {
                        id,
                        key: reqs.get(&id).map(|r| r.key.clone()).unwrap_or_default(),
                        title: reqs.get(&id).map(|r| r.title.clone()).unwrap_or_default(),
                    },
                    p_value: contest.p_value,
                    segments: contest
                        .segments
                        .iter()
                        .map(|(s, r)| ContestedSegment {
                            segment: Named { id: *s, name: name(*s) },
                            n: r.n,
                            category: r.category.map(KanoCategory::letter),
                            better: r.better,
                            worse: r.worse,
                        })
                        .collect(),
                })
                .collect();
            items.sort_by(|a, b| {
                a.p_value
                    .total_cmp(&b.p_value)
                    .then_with(|| a.requirement.key.cmp(&b.requirement.key))
            });
            Ok(ContestedList {
                session_id,
                min_sample,
                items,
            })
        })
        .await
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
