//! Loads the evidence a computation needs (in a few grouped queries) and hands it to the pure
//! core: consolidated classifications per segment, and what an SLA draft is made of.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use crate::db::assessments::{self, Current};
use crate::db::requirements::Requirement;
use crate::db::responses;
use crate::db::schema::{requirements, service_areas};
use crate::db::segments::{self, Segment};
use crate::db::service_levels::{
    self as store, calendar_of, DurationColumn, DurationQuery, ServiceTarget, StampedCounts, TicketSelection,
};
use crate::db::DbConnection;
use crate::db::{Page, Scope};
use crate::domain::business_time::{
    self as bt, reported_period, Calendar, MonthCounts, Period, PeriodAttainment, ReportedPeriod, TargetStatus, Ticket,
    TicketMeasure, TicketOutcome, TicketTarget, TimeUnit,
};
use crate::domain::classification::{consolidate, Classification};
use crate::domain::gap::{self, Capability, GapInput, GapReport};
use crate::domain::halves;
use crate::domain::kano::{classify_sums, KanoResult};
use crate::domain::kano_waves;
use crate::domain::service_levels::measured_is_newer;
use crate::domain::sla::SlaRequirement;
use crate::domain::stats::{kth_of_union, median_of_sorted, median_ranks, p90_rank};
use crate::domain::terms::{Direction, Measure};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Consolidated classifications of the given segments, keyed by (segment, requirement).
pub fn classifications(
    conn: &mut DbConnection,
    segment_ids: &[i32],
) -> Result<BTreeMap<(i32, i32), Classification>, AppError> {
    let results = classified_answers(conn, segment_ids, None)?;
    classifications_with(conn, segment_ids, &results)
}

/// Each (segment, requirement)'s answers classified: of one wave, or of every answer.
fn classified_answers(
    conn: &mut DbConnection,
    segment_ids: &[i32],
    session_id: Option<i32>,
) -> Result<BTreeMap<(i32, i32), KanoResult>, AppError> {
    Ok(responses::sums_by_segment(conn, segment_ids, session_id)?
        .iter()
        .map(|(key, sums)| (*key, classify_sums(sums)))
        .collect())
}

/// [`classifications`] from answers classified already (those of other segments are ignored).
fn classifications_with(
    conn: &mut DbConnection,
    segment_ids: &[i32],
    results: &BTreeMap<(i32, i32), KanoResult>,
) -> Result<BTreeMap<(i32, i32), Classification>, AppError> {
    let findings = responses::finding_counts_by_segment(conn, segment_ids)?;
    Ok(consolidated(segment_ids, results, &findings))
}

/// Classified answers and findings consolidated, for the given segments.
fn consolidated(
    segment_ids: &[i32],
    results: &BTreeMap<(i32, i32), KanoResult>,
    findings: &BTreeMap<(i32, i32), Vec<responses::FindingCount>>,
) -> BTreeMap<(i32, i32), Classification> {
    let wanted: std::collections::HashSet<i32> = segment_ids.iter().copied().collect();
    // In key order, then findings without answers: collected, the map is built in bulk.
    let mut out = Vec::with_capacity(results.len());
    for (key, result) in results.iter().filter(|((segment, _), _)| wanted.contains(segment)) {
        let found = findings.get(key).map(Vec::as_slice).unwrap_or(&[]);
        out.extend(consolidate(Some(result), found).map(|c| (*key, c)));
    }
    for (key, found) in findings.iter().filter(|(key, _)| !results.contains_key(key)) {
        out.extend(consolidate(None, found).map(|c| (*key, c)));
    }
    out.into_iter().collect()
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
    newest: &HashMap<(i32, Option<i32>), Current>,
    requirement_id: i32,
    segment_id: i32,
) -> Option<&Current> {
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
    let results = classified_answers(conn, segment_ids, session_id)?;
    Ok(contested_in(&results, min_sample))
}

/// [`contested`] over classified answers keyed by (segment, requirement).
fn contested_in(results: &BTreeMap<(i32, i32), KanoResult>, min_sample: u64) -> BTreeMap<i32, Contest> {
    let mut by_requirement: BTreeMap<i32, Vec<(i32, &KanoResult)>> = BTreeMap::new();
    for (&(segment, requirement), result) in results {
        by_requirement.entry(requirement).or_default().push((segment, result));
    }
    let mut out = BTreeMap::new();
    for (requirement, list) in by_requirement {
        let Some(p_value) = kano_waves::contested(list.iter().map(|(_, r)| *r), min_sample) else {
            continue;
        };
        let segments = list
            .iter()
            .filter(|(_, r)| {
                let n = kano_waves::aomi(&r.counts);
                n >= min_sample && n > 0
            })
            .map(|(segment, r)| (*segment, **r))
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
    /// What explains each row beyond the row itself, sorted by (segment, requirement): a
    /// report reads the few it shows, so they are kept in a list to search, not 100 000
    /// entries hashed into maps ([`GapData::facts`]).
    pub facts: Vec<RowFacts>,
    /// Requirements the segments disagree on, over all segments (whatever the caller may see:
    /// only the flag is shown, never another segment's numbers).
    pub contested: BTreeMap<i32, Contest>,
    /// Complaints not yet resolved, per requirement, service area and segment.
    pub open_complaints: crate::db::complaints::OpenCounts,
}

/// Where a gap row's current capability and coefficients come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowFacts {
    pub segment_id: i32,
    pub requirement_id: i32,
    /// When the newest assessment behind the row was made (None when measured or never assessed).
    pub assessed_on: Option<chrono::NaiveDate>,
    /// The measured month behind the row, when it is newer than the newest assessment.
    pub measured: Option<Period>,
    /// The Kano coefficients (better, worse), for the diagram.
    pub better: Option<f64>,
    pub worse: Option<f64>,
}

impl GapData {
    /// The facts behind the row of `requirement_id` for `segment_id`.
    pub fn facts(&self, requirement_id: i32, segment_id: i32) -> Option<&RowFacts> {
        self.facts
            .binary_search_by_key(&(segment_id, requirement_id), |f| (f.segment_id, f.requirement_id))
            .ok()
            .map(|i| &self.facts[i])
    }
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
    // Every segment's answers, once: the rows' classifications use the caller's segments, the
    // contested flags all of them (the same list when the caller sees every segment).
    let every_segment: Vec<i32> = match (segment_id, scope) {
        (None, Scope::All) => all_segments.iter().map(|s| s.id).collect(),
        _ => segments::all_ids(conn)?,
    };
    let grids = responses::sums_by_segment(conn, &every_segment, None)?;
    let segment_ids: Vec<i32> = all_segments.iter().map(|s| s.id).collect();
    // Classifying every grid and testing which requirements segments disagree on need nothing
    // more from the database: a second core does both while this thread reads the rest.
    std::thread::scope(|threads| {
        let worker = threads.spawn(|| {
            let results: BTreeMap<(i32, i32), KanoResult> =
                grids.iter().map(|(key, sums)| (*key, classify_sums(sums))).collect();
            let contested = contested_in(&results, min_sample);
            (results, contested)
        });
        let findings = responses::finding_counts_by_segment(conn, &segment_ids)?;
        // Every requirement a row can be about: answered or found for the caller's segments.
        let wanted: std::collections::HashSet<i32> = segment_ids.iter().copied().collect();
        let mut requirement_ids: Vec<i32> = grids
            .keys()
            .chain(findings.keys())
            .filter(|(segment, _)| wanted.contains(segment))
            .map(|(_, requirement)| *requirement)
            .collect();
        requirement_ids.sort_unstable();
        requirement_ids.dedup();
        let requirements = requirements_by_id(conn, &requirement_ids)?;
        let newest = assessments::newest(conn)?;
        let (results, contested) = worker
            .join()
            .map_err(|_| AppError::internal("classifying the answers failed"))?;
        let classified = consolidated(&segment_ids, &results, &findings);
        let loads = Loads {
            segments: all_segments.into_iter().map(|s| (s.id, s)).collect(),
            requirements,
            newest,
        };
        rank_gaps(conn, scope, loads, service_area_id, classified).map(|data| GapData { contested, ..data })
    })
}

/// What [`rank_gaps`] looks rows up in.
struct Loads {
    segments: HashMap<i32, Segment>,
    requirements: HashMap<i32, Requirement>,
    newest: HashMap<(i32, Option<i32>), Current>,
}

/// [`gap_report`] from the consolidated classifications, without the contested flags (left empty).
fn rank_gaps(
    conn: &mut DbConnection,
    scope: &Scope,
    loads: Loads,
    service_area_id: Option<i32>,
    classified: BTreeMap<(i32, i32), Classification>,
) -> Result<GapData, AppError> {
    let Loads {
        segments,
        requirements,
        newest,
    } = loads;
    let pairs: Vec<(i32, i32)> = classified.keys().map(|(s, r)| (*r, *s)).collect();
    let measured_months = measured_capability(conn, &pairs, &requirements)?;
    // Each row's input and facts from the loads, on two cores (`halves`), in the order of
    // `classified`: (segment, requirement), which `GapData::facts` searches by.
    let input_of = |((segment_id, requirement_id), c): ((i32, i32), Classification)| {
        let (Some(r), Some(segment)) = (requirements.get(&requirement_id), segments.get(&segment_id)) else {
            return None;
        };
        if service_area_id.is_some_and(|area| area != r.service_area_id) {
            return None;
        }
        let assessment = current_capability(&newest, requirement_id, segment_id);
        let mut capability = assessment.and_then(|a| match (a.current_value, a.fulfilment) {
            (Some(v), _) => Some(Capability::Value(v)),
            (None, Some(f)) => Some(Capability::Fulfilment(f)),
            _ => None,
        });
        let mut facts = RowFacts {
            segment_id,
            requirement_id,
            assessed_on: None,
            measured: None,
            better: c.better,
            worse: c.worse,
        };
        match measured_months
            .get(&(requirement_id, segment_id))
            .filter(|m| measured_is_newer(m.period, assessment.map(|a| a.assessed_on)))
        {
            Some(m) => {
                capability = Some(Capability::Value(m.value));
                facts.measured = Some(m.period);
            }
            None => facts.assessed_on = assessment.map(|a| a.assessed_on),
        }
        let input = GapInput {
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
            capability,
        };
        Some((input, facts))
    };
    let (inputs, facts): (Vec<GapInput>, Vec<RowFacts>) =
        halves::map(classified.into_iter().collect(), input_of, halves::MIN_PARALLEL)
            .into_iter()
            .flatten()
            .unzip();
    debug_assert!(
        facts
            .windows(2)
            .all(|w| (w[0].segment_id, w[0].requirement_id) < (w[1].segment_id, w[1].requirement_id)),
        "a gap report's facts must be sorted for GapData::facts"
    );
    Ok(GapData {
        contested: BTreeMap::new(),
        report: gap::rank(inputs),
        requirements,
        segments,
        service_areas: service_area_names(conn)?,
        facts,
        open_complaints: crate::db::complaints::open_counts(conn, scope)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Service levels: a target's months, from the durations stored for just those months (issue 12)

/// One month of a target: ticket counts, or the reported figure.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum PeriodFigures {
    Tickets(PeriodAttainment),
    Reported(ReportedPeriod),
}

impl PeriodFigures {
    pub fn status(&self) -> TargetStatus {
        match self {
            PeriodFigures::Tickets(p) => p.status,
            PeriodFigures::Reported(p) => p.status,
        }
    }

    /// The month's attainment (tickets) or value (reported).
    pub fn headline(&self) -> Option<f64> {
        match self {
            PeriodFigures::Tickets(p) => p.attainment,
            PeriodFigures::Reported(p) => p.value,
        }
    }
}

/// Which tickets a target counts for a reader restricted to `within` segments (None = all):
/// a segment's target counts that segment's tickets, a general one every segment's.
pub fn selection(target: &ServiceTarget, within: Option<&[i32]>) -> TicketSelection {
    let segment_ids = match (target.segment_id, within) {
        (Some(s), None) => Some(vec![s]),
        (Some(s), Some(ids)) => Some(if ids.contains(&s) { vec![s] } else { Vec::new() }),
        (None, within) => within.map(<[i32]>::to_vec),
    };
    TicketSelection {
        segment_ids,
        priority: target.priority.clone(),
    }
}

/// Which months of [`target_periods`] get their percentiles, and whether the p90 is among them.
#[derive(Clone, Copy, Debug)]
pub struct Percentiles {
    /// The last this many months (the others: None).
    pub months: usize,
    pub p90: bool,
}

impl Percentiles {
    /// Median and p90 for the last `months` months.
    pub fn both(months: usize) -> Self {
        Percentiles { months, p90: true }
    }
}

/// Computes a target's months (sorted, consecutive or not) for the selected tickets, with the
/// percentiles `percentiles` asks for (None for the others).
///
/// Ticket measures read the durations stored per ticket and calendar: per month one grouped
/// count of the tickets with the timestamp and those within the limit, the tickets without it
/// (whose outcome depends on the clock) through the domain's counting rule, and each
/// percentile from a window of the sorted stored durations merged with those misses
/// ([`kth_of_union`]). `domain::business_time::attainment` is the same rule over tickets in
/// memory; a test holds the two equal.
pub fn target_periods(
    c: &mut DbConnection,
    target: &ServiceTarget,
    requirement: &Requirement,
    sel: &TicketSelection,
    periods: &[Period],
    now: DateTime<Utc>,
    percentiles: Percentiles,
) -> Result<Vec<PeriodFigures>, AppError> {
    let (Some(first), Some(last)) = (periods.first().copied(), periods.last().copied()) else {
        return Ok(Vec::new());
    };
    let measure = Measure::parse(&target.measure).unwrap_or(Measure::Reported);
    let Some(ticket_measure) = measure.ticket() else {
        let direction = requirement
            .direction
            .as_deref()
            .and_then(Direction::parse)
            .unwrap_or(Direction::HigherIsBetter);
        let values: HashMap<String, f64> =
            store::measurements_between(c, target.id, &first.to_string(), &last.to_string())?
                .into_iter()
                .collect();
        return Ok(periods
            .iter()
            .map(|p| {
                PeriodFigures::Reported(reported_period(
                    direction,
                    target.limit_value,
                    *p,
                    values.get(&p.to_string()).copied(),
                ))
            })
            .collect());
    };
    let cal = calendar_of(&store::get_calendar(c, target.calendar_id)?)?;
    let unit = requirement
        .unit
        .as_deref()
        .and_then(TimeUnit::parse)
        .unwrap_or(TimeUnit::Min);
    let spec = TicketTarget {
        measure: ticket_measure,
        limit: target.limit_value,
        unit,
        goal: target.goal.unwrap_or(1.0),
    };
    let query = DurationQuery {
        calendar_id: target.calendar_id,
        first: first.to_string(),
        last: last.to_string(),
        selection: sel.clone(),
        column: match ticket_measure {
            TicketMeasure::FirstResponse => DurationColumn::Response,
            TicketMeasure::Resolution => DurationColumn::Resolution,
        },
    };
    // The counts and the percentile windows read one snapshot, so they agree under concurrent imports.
    crate::db::read_snapshot(c, |c| ticket_months(c, &query, &cal, &spec, periods, now, percentiles))
}

/// [`target_periods`] for a ticket target: the months of `periods` from the stored durations
/// that `query` selects.
fn ticket_months(
    c: &mut DbConnection,
    query: &DurationQuery,
    cal: &Calendar,
    spec: &TicketTarget,
    periods: &[Period],
    now: DateTime<Utc>,
    percentiles: Percentiles,
) -> Result<Vec<PeriodFigures>, AppError> {
    let stamped: HashMap<String, StampedCounts> = store::stamped_counts(c, query, bt::limit_seconds(spec))?
        .into_iter()
        .collect();
    // Without the timestamp: pending, or a miss with the time spent so far (in the unit).
    let mut pending: HashMap<String, u64> = HashMap::new();
    let mut misses: HashMap<String, Vec<f64>> = HashMap::new();
    for (period, (opened, response, resolved, paused)) in store::unstamped_tickets(c, query)? {
        let ticket = Ticket {
            opened_at: opened.and_utc(),
            first_response_at: response.map(|t| t.and_utc()),
            resolved_at: resolved.map(|t| t.and_utc()),
            paused_minutes: i64::from(paused),
        };
        match bt::ticket_outcome(cal, spec, &ticket, now) {
            TicketOutcome::Pending => *pending.entry(period).or_default() += 1,
            TicketOutcome::Missed { minutes } | TicketOutcome::Met { minutes } => {
                misses.entry(period).or_default().push(minutes / spec.unit.minutes())
            }
        }
    }
    let first_detailed = periods.len().saturating_sub(percentiles.months);
    let mut out = Vec::with_capacity(periods.len());
    for (i, p) in periods.iter().enumerate() {
        let key = p.to_string();
        let s = stamped.get(&key).copied().unwrap_or_default();
        let mut extra = misses.remove(&key).unwrap_or_default();
        extra.sort_by(f64::total_cmp);
        let counts = MonthCounts {
            counted: s.stamped as u64 + extra.len() as u64,
            met: s.within as u64,
            pending: pending.get(&key).copied().unwrap_or(0),
        };
        let (median, p90) = if i >= first_detailed {
            let month = DurationQuery {
                first: key.clone(),
                last: key,
                ..query.clone()
            };
            let mut at = |ranks: &[usize]| kth_values(c, &month, spec, s.stamped, &extra, ranks);
            let n = counts.counted as usize;
            let median = at(&median_ranks(n))?;
            let p90 = if percentiles.p90 {
                at(&p90_rank(n).into_iter().collect::<Vec<_>>())?
            } else {
                Vec::new()
            };
            // The one or two middle values, averaged as the domain's median averages them.
            let median = median_of_sorted(&median);
            (median, p90.first().copied())
        } else {
            (None, None)
        };
        out.push(PeriodFigures::Tickets(bt::month_attainment(
            spec, *p, counts, median, p90,
        )));
    }
    Ok(out)
}

/// The values at `ranks` (1-based, ascending, close together) among a month's counted
/// durations: the `stamped` stored ones and the `extra` misses (sorted, in the unit). One
/// window of the stored durations covers them all.
fn kth_values(
    c: &mut DbConnection,
    month: &DurationQuery,
    spec: &TicketTarget,
    stamped: i64,
    extra: &[f64],
    ranks: &[usize],
) -> Result<Vec<f64>, AppError> {
    let (Some(&low), Some(&high)) = (ranks.first(), ranks.last()) else {
        return Ok(Vec::new());
    };
    let stamped = usize::try_from(stamped).unwrap_or(0);
    let first = low.saturating_sub(extra.len()).max(1);
    let last = high.min(stamped);
    let window: Vec<f64> = if first <= last {
        store::stamped_window(c, month, first as i64 - 1, (last - first + 1) as i64)?
            .into_iter()
            .map(|s| spec.in_unit(s))
            .collect()
    } else {
        Vec::new()
    };
    ranks
        .iter()
        .map(|&k| {
            kth_of_union(k, &window, first, stamped, extra)
                .ok_or_else(|| AppError::internal(format!("rank {k} outside the stored durations")))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Measured capability for the gap report

/// The newest measured month of a requirement for a segment, when one exists: the month's
/// median duration (ticket measures, in the requirement's unit) or its reported value.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub period: Period,
    pub value: f64,
}

/// For each (requirement, segment) pair asked, the newest measured month: the segment's own
/// target first, else the general one (the lowest id when a requirement has several). A
/// ticket target's newest month is the month of its newest ticket (going back up to two
/// months while nothing has counted yet). `requirements`: those the report loaded already.
pub fn measured_capability(
    c: &mut DbConnection,
    pairs: &[(i32, i32)],
    requirements: &HashMap<i32, Requirement>,
) -> Result<HashMap<(i32, i32), Measured>, AppError> {
    let mut out = HashMap::new();
    if pairs.is_empty() {
        return Ok(out);
    }
    let targets = store::all_targets(c)?;
    if targets.is_empty() {
        return Ok(out);
    }
    // Each requirement's targets, the segment's own before the general ones, each kind by id
    // (`all_targets` comes in id order): looked up per pair, not scanned.
    let mut by_requirement: HashMap<i32, Vec<&ServiceTarget>> = HashMap::new();
    for target in targets
        .iter()
        .filter(|t| t.segment_id.is_some())
        .chain(targets.iter().filter(|t| t.segment_id.is_none()))
    {
        by_requirement.entry(target.requirement_id).or_default().push(target);
    }
    let now = Utc::now();
    // One snapshot for every pair (its months agree with each other), begun once instead of
    // once per pair and target.
    crate::db::read_snapshot(c, |c| {
        measure_pairs(c, pairs, requirements, &by_requirement, now, &mut out)?;
        Ok(out)
    })
}

/// [`measured_capability`]'s loop over the pairs, inside its snapshot.
fn measure_pairs(
    c: &mut DbConnection,
    pairs: &[(i32, i32)],
    requirements: &HashMap<i32, Requirement>,
    by_requirement: &HashMap<i32, Vec<&ServiceTarget>>,
    now: DateTime<Utc>,
    out: &mut HashMap<(i32, i32), Measured>,
) -> Result<(), AppError> {
    let mut calendars: HashMap<i32, Calendar> = HashMap::new();
    for &(requirement_id, segment_id) in pairs {
        // A pair without its requirement makes no row (`rank_gaps`), so needs no figure.
        let (Some(of_requirement), Some(requirement)) =
            (by_requirement.get(&requirement_id), requirements.get(&requirement_id))
        else {
            continue;
        };
        let candidates = of_requirement
            .iter()
            .filter(|t| t.segment_id.is_none_or(|own| own == segment_id));
        for target in candidates {
            let found = measured_for(c, target, requirement, segment_id, now, &mut calendars)?;
            if let Some(m) = found {
                out.insert((requirement_id, segment_id), m);
                break;
            }
        }
    }
    Ok(())
}

fn measured_for(
    c: &mut DbConnection,
    target: &ServiceTarget,
    requirement: &Requirement,
    segment_id: i32,
    now: DateTime<Utc>,
    calendars: &mut HashMap<i32, Calendar>,
) -> Result<Option<Measured>, AppError> {
    if target.measure == Measure::Reported.as_str() {
        return Ok(store::newest_measurement(c, target.id)?
            .and_then(|(p, value)| Period::parse(&p).map(|period| Measured { period, value })));
    }
    let sel = selection(target, Some(&[segment_id]));
    let Some(newest) = store::newest_opened(c, &sel)? else {
        return Ok(None);
    };
    let cal = match calendars.entry(target.calendar_id) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(calendar_of(&store::get_calendar(c, target.calendar_id)?)?)
        }
    };
    let newest = bt::period_of(cal, newest.and_utc());
    // The median only (the report shows no p90), newest month first, one month at a time:
    // usually the first has a median and the two before are never read (a month is one key
    // range of the segment's durations).
    for period in [newest, newest.prev(), newest.prev().prev()] {
        let median_only = Percentiles { months: 1, p90: false };
        let figures = target_periods(c, target, requirement, &sel, &[period], now, median_only)?;
        let median = figures.iter().find_map(|f| match f {
            PeriodFigures::Tickets(p) => p.median,
            PeriodFigures::Reported(_) => None,
        });
        if let Some(value) = median {
            return Ok(Some(Measured { period, value }));
        }
    }
    Ok(None)
}
