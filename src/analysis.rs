//! Loads the evidence a computation needs (in a few grouped queries) and hands it to the pure
//! core: consolidated classifications per segment, and what an SLA draft is made of.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use diesel::prelude::*;

use crate::db::assessments::{self, Assessment};
use crate::db::requirements::Requirement;
use crate::db::responses;
use crate::db::schema::{requirements, service_areas};
use crate::db::segments::{self, Segment};
use crate::db::DbConnection;
use crate::db::{Page, Scope};
use crate::domain::classification::{consolidate, Classification};
use crate::domain::gap::{self, Capability, GapInput, GapReport};
use crate::domain::kano::{classify, KanoResult, Tally};
use crate::domain::kano_waves;
use crate::domain::sla::SlaRequirement;
use crate::domain::terms::Direction;
use crate::error::AppError;

/// Consolidated classifications of the given segments, keyed by (segment, requirement).
pub fn classifications(
    conn: &mut DbConnection,
    segment_ids: &[i32],
) -> Result<BTreeMap<(i32, i32), Classification>, AppError> {
    let tallies = responses::tallies_by_segment(conn, segment_ids, None)?;
    classifications_with(conn, segment_ids, &tallies)
}

/// [`classifications`] from answer grids already loaded (those of other segments are ignored).
fn classifications_with(
    conn: &mut DbConnection,
    segment_ids: &[i32],
    tallies: &BTreeMap<(i32, i32), Tally>,
) -> Result<BTreeMap<(i32, i32), Classification>, AppError> {
    let wanted: std::collections::HashSet<i32> = segment_ids.iter().copied().collect();
    let tallies: BTreeMap<(i32, i32), Tally> = tallies
        .iter()
        .filter(|((s, _), _)| wanted.contains(s))
        .map(|(k, t)| (*k, *t))
        .collect();
    let findings = responses::finding_counts_by_segment(conn, segment_ids)?;
    let keys: BTreeSet<(i32, i32)> = tallies.keys().chain(findings.keys()).copied().collect();
    let mut out = BTreeMap::new();
    for key in keys {
        let result = tallies.get(&key).map(classify);
        let found = findings.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(c) = consolidate(result.as_ref(), found) {
            out.insert(key, c);
        }
    }
    Ok(out)
}

pub fn requirements_by_id(conn: &mut DbConnection, ids: &[i32]) -> Result<HashMap<i32, Requirement>, AppError> {
    let rows: Vec<Requirement> = requirements::table
        .filter(requirements::id.eq_any(ids.to_vec()))
        .select(Requirement::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

pub fn service_area_names(conn: &mut DbConnection) -> Result<HashMap<i32, String>, AppError> {
    let rows: Vec<(i32, String)> = service_areas::table
        .select((service_areas::id, service_areas::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The current capability of a requirement for a segment: the newest segment-specific
/// assessment, else the newest general one.
pub fn current_capability(
    newest: &HashMap<(i32, Option<i32>), Assessment>,
    requirement_id: i32,
    segment_id: i32,
) -> Option<&Assessment> {
    newest
        .get(&(requirement_id, Some(segment_id)))
        .or_else(|| newest.get(&(requirement_id, None)))
}

/// Everything an SLA draft for the segment is drawn from.
pub fn sla_requirements(conn: &mut DbConnection, segment_id: i32) -> Result<Vec<SlaRequirement>, AppError> {
    let classified = classifications(conn, &[segment_id])?;
    let ids: Vec<i32> = classified.keys().map(|(_, r)| *r).collect();
    let requirements = requirements_by_id(conn, &ids)?;
    let areas = service_area_names(conn)?;
    let newest = assessments::newest(conn)?;
    let mut out = Vec::with_capacity(classified.len());
    for ((_, requirement_id), c) in classified {
        let Some(r) = requirements.get(&requirement_id) else {
            continue;
        };
        let capability = current_capability(&newest, requirement_id, segment_id);
        out.push(SlaRequirement {
            key: r.key.clone(),
            title: r.title.clone(),
            service_area: areas.get(&r.service_area_id).cloned().unwrap_or_default(),
            category: c.category,
            importance: c.importance,
            metric: r.metric.clone(),
            unit: r.unit.clone(),
            direction: r.direction.as_deref().and_then(Direction::parse),
            target: r.target,
            current_value: capability.and_then(|a| a.current_value),
            fulfilment: capability.and_then(|a| a.fulfilment),
        });
    }
    Ok(out)
}

/// A requirement segments genuinely disagree on (see [`kano_waves::contested`]).
pub struct Contest {
    /// The chi-square test's p-value on segments × {A, O, M, I}.
    pub p_value: f64,
    /// The segments the test was run on (A + O + M + I ≥ the minimum sample), by id.
    pub segments: Vec<(i32, KanoResult)>,
}

/// The requirements the given segments disagree on, in one wave or over every answer.
pub fn contested(
    conn: &mut DbConnection,
    segment_ids: &[i32],
    session_id: Option<i32>,
    min_sample: u64,
) -> Result<BTreeMap<i32, Contest>, AppError> {
    let tallies = responses::tallies_by_segment(conn, segment_ids, session_id)?;
    Ok(contested_in(&tallies, min_sample))
}

/// [`contested`] over answer grids keyed by (segment, requirement).
fn contested_in(tallies: &BTreeMap<(i32, i32), Tally>, min_sample: u64) -> BTreeMap<i32, Contest> {
    let mut by_requirement: BTreeMap<i32, Vec<(i32, Tally)>> = BTreeMap::new();
    for (&(segment, requirement), tally) in tallies {
        by_requirement.entry(requirement).or_default().push((segment, *tally));
    }
    let mut out = BTreeMap::new();
    for (requirement, list) in by_requirement {
        let tallies: Vec<Tally> = list.iter().map(|(_, t)| *t).collect();
        let Some(p_value) = kano_waves::contested(&tallies, min_sample) else {
            continue;
        };
        let segments = list
            .iter()
            .map(|(segment, t)| (*segment, classify(t)))
            .filter(|(_, r)| {
                let n = kano_waves::aomi(&r.counts);
                n >= min_sample && n > 0
            })
            .collect();
        out.insert(requirement, Contest { p_value, segments });
    }
    out
}

/// A gap report with what is needed to name and explain its rows.
pub struct GapData {
    pub report: GapReport,
    pub requirements: HashMap<i32, Requirement>,
    pub segments: HashMap<i32, Segment>,
    pub service_areas: HashMap<i32, String>,
    /// When the capability behind each (requirement, segment) row was assessed.
    pub assessed_on: HashMap<(i32, i32), chrono::NaiveDate>,
    /// The Kano coefficients behind each row, for the diagram.
    pub coefficients: HashMap<(i32, i32), (Option<f64>, Option<f64>)>,
    /// Requirements the segments disagree on, over all segments (whatever the caller may see:
    /// only the flag is shown, never another segment's numbers).
    pub contested: BTreeMap<i32, Contest>,
    /// Complaints not yet resolved, per requirement, service area and segment.
    pub open_complaints: crate::db::complaints::OpenCounts,
}

/// Ranks the gaps of every segment in `scope` (or just `segment_id`), optionally of one
/// service area: classifications, requirements and capabilities in a handful of queries, then
/// the pure ranking.
pub fn gap_report(
    conn: &mut DbConnection,
    scope: &Scope,
    segment_id: Option<i32>,
    service_area_id: Option<i32>,
    min_sample: u64,
) -> Result<GapData, AppError> {
    let all_segments = match segment_id {
        Some(id) => vec![segments::get(conn, id, scope)?],
        None => {
            segments::list(
                conn,
                scope,
                Page {
                    limit: i64::MAX,
                    offset: 0,
                },
            )?
            .0
        }
    };
    let segment_ids: Vec<i32> = all_segments.iter().map(|s| s.id).collect();
    // Every segment's answers, once: the rows' classifications use the caller's segments, the
    // contested flags all of them.
    let every_segment: Vec<i32> = segments::list(
        conn,
        &Scope::All,
        Page {
            limit: i64::MAX,
            offset: 0,
        },
    )?
    .0
    .into_iter()
    .map(|s| s.id)
    .collect();
    let tallies = responses::tallies_by_segment(conn, &every_segment, None)?;
    let contested = contested_in(&tallies, min_sample);
    let classified = classifications_with(conn, &segment_ids, &tallies)?;
    let requirement_ids: Vec<i32> = classified
        .keys()
        .map(|(_, r)| *r)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let requirements = requirements_by_id(conn, &requirement_ids)?;
    let newest = assessments::newest(conn)?;
    let segments: HashMap<i32, Segment> = all_segments.into_iter().map(|s| (s.id, s)).collect();
    let mut inputs = Vec::with_capacity(classified.len());
    let mut assessed_on = HashMap::new();
    let mut coefficients = HashMap::new();
    for ((segment_id, requirement_id), c) in classified {
        let (Some(r), Some(segment)) = (requirements.get(&requirement_id), segments.get(&segment_id)) else {
            continue;
        };
        if service_area_id.is_some_and(|area| area != r.service_area_id) {
            continue;
        }
        let capability = current_capability(&newest, requirement_id, segment_id);
        if let Some(a) = capability {
            assessed_on.insert((requirement_id, segment_id), a.assessed_on);
        }
        coefficients.insert((requirement_id, segment_id), (c.better, c.worse));
        inputs.push(GapInput {
            requirement_id,
            requirement_key: r.key.clone(),
            service_area_id: r.service_area_id,
            segment_id,
            segment_weight: segment.weight,
            category: c.category,
            source: c.source,
            importance: c.importance,
            better: c.better,
            worse: c.worse,
            target: r.target,
            direction: r.direction.as_deref().and_then(Direction::parse),
            capability: capability.and_then(|a| match (a.current_value, a.fulfilment) {
                (Some(v), _) => Some(Capability::Value(v)),
                (None, Some(f)) => Some(Capability::Fulfilment(f)),
                _ => None,
            }),
        });
    }
    Ok(GapData {
        contested,
        report: gap::rank(inputs),
        requirements,
        segments,
        service_areas: service_area_names(conn)?,
        assessed_on,
        coefficients,
        open_complaints: crate::db::complaints::open_counts(conn, scope)?,
    })
}
