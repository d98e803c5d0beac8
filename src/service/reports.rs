//! Reports for leadership and stakeholders: the prioritized gap report and a segment's value
//! proposition. The operations gather and compute; the front ends choose the format.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::access::{Caller, ReadGapReport};
use crate::analysis::GapData;
use crate::db::assessments::{self, Assessment};
use crate::db::{segments, service_areas, sla};
use crate::domain::gap::{self, Capability, Tier};
use crate::domain::sla::SlaStatus;
use crate::domain::terms::Direction;
use crate::error::AppError;
use crate::render::gap_report::{self, Filters, GapReportView, ListTotals, Window};
use crate::render::gap_report::{Named, RequirementRef};
use crate::render::sla::status_label;
use crate::render::value_proposition::{self, SegmentView, SlaState, ValueProposition};

use super::Context;

/// What a gap report may be narrowed to.
#[derive(Clone, Debug, Default)]
pub struct GapFilter {
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
    /// 1 basic needs, 2 satisfiers, 3 delighters.
    pub tier: Option<u8>,
}

/// The computed report and its view (every row, ranked, or those of a [`Window`]).
pub struct GapReport {
    pub data: GapData,
    pub view: GapReportView,
}

/// Every gap the caller may see, ranked, with the parts of every score.
pub async fn gap_report(ctx: &Context, caller: &Caller, filter: GapFilter) -> Result<GapReport, AppError> {
    Ok(gap_report_in(ctx, caller, filter, None).await?.0)
}

/// [`gap_report`] with views only for a page of its ranked rows and the first rows of its
/// other lists, and how long those lists were (the view's `total` counts the ranked rows).
pub async fn gap_report_page(
    ctx: &Context,
    caller: &Caller,
    filter: GapFilter,
    window: Window,
) -> Result<(GapReport, ListTotals), AppError> {
    gap_report_in(ctx, caller, filter, Some(window)).await
}

async fn gap_report_in(
    ctx: &Context,
    caller: &Caller,
    filter: GapFilter,
    window: Option<Window>,
) -> Result<(GapReport, ListTotals), AppError> {
    caller.authorize::<ReadGapReport>()?;
    let scope = caller.scope();
    let (segment_id, area) = (filter.segment_id, filter.service_area_id);
    let min_sample = ctx.kano_min_sample;
    let data = ctx
        .db
        .run(move |c| {
            if let Some(area) = area {
                service_areas::get(c, area)?;
            }
            crate::analysis::gap_report(c, &scope, segment_id, area, min_sample)
        })
        .await?;
    let (view, totals) = gap_report::view_window(
        &data,
        Filters {
            segment_id: filter.segment_id,
            service_area_id: filter.service_area_id,
            tier: filter.tier,
            description: None,
        },
        window,
    );
    Ok((GapReport { data, view }, totals))
}

/// A segment's value proposition, as the caller may see it (404 outside their segments).
pub async fn value_proposition(ctx: &Context, caller: &Caller, id: i32) -> Result<ValueProposition, AppError> {
    let scope = caller.scope();
    let min_sample = ctx.kano_min_sample;
    let (data, segment, latest) = ctx
        .db
        .run(move |c| {
            let segment = segments::get(c, id, &scope)?;
            let data = crate::analysis::gap_report(c, &scope, Some(id), None, min_sample)?;
            let latest = match sla::latest_for_segment(c, id)? {
                Some(row) => {
                    let signed = !sla::signoffs(c, row.id)?.is_empty();
                    Some((row, signed))
                }
                None => None,
            };
            Ok((data, segment, latest))
        })
        .await?;
    let view = gap_report::view(&data, Filters::default());
    // Another segment sees a requirement differently when segments disagree on it and one of
    // them classifies it otherwise than this segment's row does.
    let seen_differently: HashSet<i32> = view
        .rows
        .iter()
        .chain(&view.met)
        .filter(|r| {
            data.contested.get(&r.requirement.id).is_some_and(|c| {
                c.segments
                    .iter()
                    .any(|(s, k)| *s != id && k.category.map(|c| c.letter()) != Some(r.category))
            })
        })
        .map(|r| r.requirement.id)
        .collect();
    let sla_state = latest.map(|(row, signed_off)| {
        let status = SlaStatus::parse(&row.status).unwrap_or(SlaStatus::Draft);
        SlaState {
            id: row.id,
            version: row.version,
            status: row.status,
            status_label: status_label(status),
            signed_off,
        }
    });
    Ok(value_proposition::build(
        SegmentView {
            id: segment.id,
            name: segment.name,
            description: segment.description,
            ambassador: segment.ambassador,
        },
        &view.rows,
        &view.met,
        sla_state,
        &seen_differently,
    ))
}

/// The longest gap trend served, in months (ten years).
pub const MAX_TREND_MONTHS: usize = 120;

/// What a gap trend is narrowed to; periods are `YYYY-MM`.
#[derive(Clone, Debug, Default)]
pub struct TrendFilter {
    pub segment_id: Option<i32>,
    pub requirement_id: Option<i32>,
    /// Default: eleven months before `to`.
    pub from: Option<String>,
    /// Default: the current month.
    pub to: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub period: String,
    /// 1 − fulfilment by the assessment in force at the month's end (the segment's own, else
    /// the general one); null when nothing had been assessed by then.
    pub gap: Option<f64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TrendSeries {
    pub requirement: RequirementRef,
    pub segment: Named,
    /// The requirement's current category for the segment (M, O or A).
    pub category: &'static str,
    pub points: Vec<TrendPoint>,
}

/// `GET /reports/gaps/trend`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GapTrend {
    pub from: String,
    pub to: String,
    /// One per requirement and segment being worked (basic needs, satisfiers, delighters), by
    /// requirement key, then segment name.
    pub series: Vec<TrendSeries>,
}

/// The first day of a `YYYY-MM` month; 422 on `field` otherwise.
fn month(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    let bad = || AppError::field(field, "a month, YYYY-MM");
    let t = text.trim();
    if t.len() != 7 || t.as_bytes().get(4) != Some(&b'-') {
        return Err(bad());
    }
    NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").map_err(|_| bad())
}

/// The months from `from` to `to` (first days, both included); 422 when `from` is after `to`
/// or the range is longer than [`MAX_TREND_MONTHS`].
pub fn trend_months(from: NaiveDate, to: NaiveDate) -> Result<Vec<NaiveDate>, AppError> {
    if from > to {
        return Err(AppError::field("from", "must not be after to"));
    }
    let span = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
    if span as usize > MAX_TREND_MONTHS {
        return Err(AppError::field(
            "from",
            format!("at most {MAX_TREND_MONTHS} months from from to to"),
        ));
    }
    Ok((0..span as u32)
        .filter_map(|i| from.checked_add_months(Months::new(i)))
        .collect())
}

/// The last day of the month starting on `first`.
fn month_end(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// Per month, the gap of each requirement and segment being worked, from the assessment
/// history in force at the month's end.
pub async fn gap_trend(ctx: &Context, caller: &Caller, filter: TrendFilter) -> Result<GapTrend, AppError> {
    caller.authorize::<ReadGapReport>()?;
    let to = match &filter.to {
        Some(t) => month("to", t)?,
        None => {
            let today = chrono::Utc::now().date_naive();
            NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today)
        }
    };
    let from = match &filter.from {
        Some(f) => month("from", f)?,
        None => to.checked_sub_months(Months::new(11)).unwrap_or(to),
    };
    let months = trend_months(from, to)?;
    let scope = caller.scope();
    let (segment_id, requirement_id) = (filter.segment_id, filter.requirement_id);
    let (classified, requirements, names, history) = ctx
        .db
        .run(move |c| {
            if let Some(id) = requirement_id {
                crate::db::requirements::get(c, id, &scope)?;
            }
            let visible = match segment_id {
                Some(id) => vec![segments::get(c, id, &scope)?],
                None => {
                    segments::list(
                        c,
                        &scope,
                        crate::db::Page {
                            limit: i64::MAX,
                            offset: 0,
                        },
                    )?
                    .0
                }
            };
            let ids: Vec<i32> = visible.iter().map(|s| s.id).collect();
            let mut classified = crate::analysis::classifications(c, &ids)?;
            classified.retain(|(_, r), k| requirement_id.is_none_or(|id| id == *r) && Tier::of(k.category).is_some());
            let requirement_ids: Vec<i32> = classified.keys().map(|(_, r)| *r).collect();
            let requirements = crate::analysis::requirements_by_id(c, &requirement_ids)?;
            let names: HashMap<i32, String> = visible.into_iter().map(|s| (s.id, s.name)).collect();
            Ok((classified, requirements, names, assessments::history(c)?))
        })
        .await?;
    let mut by_pair: HashMap<(i32, Option<i32>), Vec<&Assessment>> = HashMap::new();
    for a in &history {
        by_pair.entry((a.requirement_id, a.segment_id)).or_default().push(a);
    }
    let in_force = |requirement: i32, segment: Option<i32>, end: NaiveDate| {
        let list = by_pair.get(&(requirement, segment))?;
        let n = list.partition_point(|a| a.assessed_on <= end);
        n.checked_sub(1).and_then(|i| list.get(i).copied())
    };
    let mut series: Vec<TrendSeries> = Vec::new();
    for ((segment, requirement), k) in &classified {
        let Some(r) = requirements.get(requirement) else {
            continue;
        };
        let direction = r.direction.as_deref().and_then(Direction::parse);
        let points = months
            .iter()
            .map(|&first| {
                let end = month_end(first);
                let a = in_force(*requirement, Some(*segment), end).or_else(|| in_force(*requirement, None, end));
                let gap = a.map(|a| {
                    let capability = match (a.current_value, a.fulfilment) {
                        (Some(v), _) => Some(Capability::Value(v)),
                        (None, Some(f)) => Some(Capability::Fulfilment(f)),
                        _ => None,
                    };
                    // As in the gap report: what cannot be compared counts as not fulfilled.
                    1.0 - capability
                        .and_then(|c| gap::fulfilment(c, r.target, direction))
                        .unwrap_or(0.0)
                });
                TrendPoint {
                    period: first.format("%Y-%m").to_string(),
                    gap,
                }
            })
            .collect();
        series.push(TrendSeries {
            requirement: RequirementRef {
                id: r.id,
                key: r.key.clone(),
                title: r.title.clone(),
            },
            segment: Named {
                id: *segment,
                name: names.get(segment).cloned().unwrap_or_default(),
            },
            category: k.category.letter(),
            points,
        });
    }
    series.sort_by(|a, b| {
        a.requirement
            .key
            .cmp(&b.requirement.key)
            .then_with(|| a.segment.name.cmp(&b.segment.name))
    });
    Ok(GapTrend {
        from: from.format("%Y-%m").to_string(),
        to: to.format("%Y-%m").to_string(),
        series,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
    }

    #[test]
    fn months_of_a_trend() {
        let m = trend_months(d(2026, 11), d(2027, 2)).unwrap_or_default();
        assert_eq!(m, vec![d(2026, 11), d(2026, 12), d(2027, 1), d(2027, 2)]);
        assert_eq!(trend_months(d(2026, 5), d(2026, 5)).map(|m| m.len()).ok(), Some(1));
        assert!(trend_months(d(2026, 6), d(2026, 5)).is_err());
        assert_eq!(trend_months(d(2017, 1), d(2026, 12)).map(|m| m.len()).ok(), Some(120));
        assert!(trend_months(d(2016, 12), d(2026, 12)).is_err());
        assert_eq!(
            month_end(d(2028, 2)),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap_or_default()
        );
        assert_eq!(
            month_end(d(2026, 12)),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default()
        );
    }

    #[test]
    fn months_are_parsed_strictly() {
        assert_eq!(month("from", "2026-10").ok(), Some(d(2026, 10)));
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "2026-10-01", ""] {
            assert!(month("from", bad).is_err(), "{bad}");
        }
    }
}
