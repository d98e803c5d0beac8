//! The gap report as people read it: rows with names instead of ids, in JSON, CSV, Markdown or
//! a standalone HTML page with charts.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::bar_chart::{self, Bar};
use super::kano_chart::{self, ChartPoint};
use super::templates::Templates;
use crate::analysis::GapData;
use crate::domain::gap::{GapRow, GapSummary, Placement, ScoreParts, Source, Tier};
use crate::domain::sla::{amount, target_text};
use crate::domain::terms::Direction;
use crate::error::AppError;

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct Named {
    pub id: i32,
    pub name: String,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct RequirementRef {
    pub id: i32,
    pub key: String,
    pub title: String,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct RowView {
    pub rank: Option<u32>,
    pub placement: Placement,
    pub tier: Option<Tier>,
    pub tier_name: Option<&'static str>,
    pub score: f64,
    pub score_parts: ScoreParts,
    pub requirement: RequirementRef,
    pub segment: Named,
    pub service_area: Named,
    pub category: &'static str,
    pub category_name: &'static str,
    pub source: Source,
    pub importance: Option<f64>,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub target_text: Option<String>,
    pub current_value: Option<f64>,
    /// What was measured, in words: "22 min", "60 % fulfilled".
    pub current: Option<String>,
    pub fulfilment: f64,
    pub gap: f64,
    pub assessed: bool,
    pub assessed_on: Option<NaiveDate>,
    /// Segments genuinely disagree on this requirement (`GET /kano/contested`).
    pub contested: bool,
    /// Complaints about this requirement from this segment not yet resolved.
    pub open_complaints: u32,
    /// Where the current value comes from: an assessment, or a measured month newer than it.
    #[schema(value_type = String, example = "assessed")]
    pub capability_source: &'static str,
    /// The month measured, YYYY-MM, when `capability_source` is `measured`.
    pub measured_period: Option<String>,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct SummaryView {
    pub id: i32,
    pub name: String,
    pub ranked: u32,
    pub basic_needs: u32,
    pub satisfiers: u32,
    pub delighters: u32,
    pub met: u32,
    pub not_assessed: u32,
    pub mean_gap: Option<f64>,
    pub total_score: f64,
    /// Complaints of this segment (service area) not yet resolved.
    pub open_complaints: u32,
}

#[derive(Serialize, Clone, Default, utoipa::ToSchema)]
pub struct Filters {
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
    pub tier: Option<u8>,
    /// "Finance · Helpdesk support · tier 1", for titles.
    pub description: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GapReportView {
    pub generated_at: String,
    pub filters: Filters,
    /// How many ranked rows there are in all (`rows` may be one page of them).
    pub total: usize,
    /// Ranked rows in rank order.
    pub rows: Vec<RowView>,
    pub met: Vec<RowView>,
    pub not_ranked: Vec<RowView>,
    pub do_not_build: Vec<RowView>,
    pub by_segment: Vec<SummaryView>,
    pub by_service_area: Vec<SummaryView>,
}

fn tier_name(t: Tier) -> &'static str {
    match t {
        Tier::BasicNeed => "basic need",
        Tier::Satisfier => "satisfier",
        Tier::Delighter => "delighter",
    }
}

fn row_view(data: &GapData, row: &GapRow) -> RowView {
    let requirement = data.requirements.get(&row.requirement_id);
    let unit = requirement.and_then(|r| r.unit.clone());
    let direction = requirement
        .and_then(|r| r.direction.as_deref())
        .and_then(Direction::parse);
    let facts = data.facts(row.requirement_id, row.segment_id);
    let assessed_on = facts.and_then(|f| f.assessed_on);
    let measured_period = facts.and_then(|f| f.measured).map(|p| p.to_string());
    let current = match (row.current_value, assessed_on) {
        (Some(v), _) => Some(amount(v, unit.as_deref())),
        (None, Some(_)) => Some(format!("{:.0} % fulfilled", row.fulfilment * 100.0)),
        (None, None) => None,
    };
    RowView {
        rank: row.rank,
        placement: row.placement,
        tier: row.tier,
        tier_name: row.tier.map(tier_name),
        score: row.score,
        score_parts: row.score_parts.clone(),
        requirement: RequirementRef {
            id: row.requirement_id,
            key: row.requirement_key.clone(),
            title: requirement.map(|r| r.title.clone()).unwrap_or_default(),
        },
        segment: Named {
            id: row.segment_id,
            name: data
                .segments
                .get(&row.segment_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        },
        service_area: Named {
            id: row.service_area_id,
            name: data
                .service_areas
                .get(&row.service_area_id)
                .cloned()
                .unwrap_or_default(),
        },
        category: row.category.letter(),
        category_name: row.category_name,
        source: row.source,
        importance: row.importance,
        target: row.target,
        target_text: target_text(row.target, direction, unit.as_deref()),
        unit,
        current_value: row.current_value,
        current,
        fulfilment: row.fulfilment,
        gap: row.gap,
        assessed: row.assessed,
        assessed_on,
        contested: data.contested.contains_key(&row.requirement_id),
        open_complaints: data
            .open_complaints
            .by_requirement
            .get(&(row.requirement_id, row.segment_id))
            .copied()
            .unwrap_or(0),
        capability_source: if measured_period.is_some() {
            "measured"
        } else {
            "assessed"
        },
        measured_period,
    }
}

fn summaries(
    list: &[GapSummary],
    names: impl Fn(i32) -> String,
    open: &std::collections::HashMap<i32, u32>,
) -> Vec<SummaryView> {
    list.iter()
        .map(|s| SummaryView {
            id: s.id,
            name: names(s.id),
            ranked: s.ranked,
            basic_needs: s.basic_needs,
            satisfiers: s.satisfiers,
            delighters: s.delighters,
            met: s.met,
            not_assessed: s.not_assessed,
            mean_gap: s.mean_gap,
            total_score: s.total_score,
            open_complaints: open.get(&s.id).copied().unwrap_or(0),
        })
        .collect()
}

/// Which rows of a report get a view: a page of the ranked rows, and the first rows of each
/// other list.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub offset: usize,
    pub limit: usize,
    pub side: usize,
}

/// How many rows each list other than the ranked one had before a [`Window`] cut it (the
/// ranked rows are counted in the view's `total`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ListTotals {
    pub met: usize,
    pub not_ranked: usize,
    pub do_not_build: usize,
}

/// The report with names, narrowed to one tier when asked (ranks stay as in the full report,
/// so a row's rank means the same in every view).
pub fn view(data: &GapData, filters: Filters) -> GapReportView {
    view_window(data, filters, None).0
}

/// [`view`], with views only for the rows `window` keeps (all without one): a page shows 50
/// rows of 100 000, and a view for every row was half of the dashboard's time.
pub fn view_window(data: &GapData, mut filters: Filters, window: Option<Window>) -> (GapReportView, ListTotals) {
    let tier = filters.tier;
    let in_tier = |r: &GapRow| tier.is_none_or(|t| r.tier.map(Tier::number) == Some(t));
    let mut out = GapReportView {
        generated_at: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        filters: Filters::default(),
        total: 0,
        rows: Vec::new(),
        met: Vec::new(),
        not_ranked: Vec::new(),
        do_not_build: Vec::new(),
        by_segment: summaries(
            &data.report.by_segment,
            |id| data.segments.get(&id).map(|s| s.name.clone()).unwrap_or_default(),
            &data.open_complaints.by_segment,
        ),
        by_service_area: summaries(
            &data.report.by_service_area,
            |id| data.service_areas.get(&id).cloned().unwrap_or_default(),
            &data.open_complaints.by_service_area,
        ),
    };
    let (mut ranked, mut totals) = (0, ListTotals::default());
    for row in data.report.rows.iter().filter(|r| in_tier(r)) {
        let (list, seen) = match row.placement {
            Placement::Ranked => (&mut out.rows, &mut ranked),
            Placement::Met => (&mut out.met, &mut totals.met),
            Placement::NotRanked => (&mut out.not_ranked, &mut totals.not_ranked),
            Placement::DoNotBuild => (&mut out.do_not_build, &mut totals.do_not_build),
        };
        let kept = match window {
            None => true,
            Some(w) if row.placement == Placement::Ranked => {
                (w.offset..w.offset.saturating_add(w.limit)).contains(seen)
            }
            Some(w) => *seen < w.side,
        };
        *seen += 1;
        if kept {
            list.push(row_view(data, row));
        }
    }
    let mut parts = Vec::new();
    if let Some(s) = filters.segment_id.and_then(|id| data.segments.get(&id)) {
        parts.push(s.name.clone());
    }
    if let Some(a) = filters.service_area_id.and_then(|id| data.service_areas.get(&id)) {
        parts.push(a.clone());
    }
    if let Some(t) = tier {
        parts.push(format!("tier {t}"));
    }
    filters.description = (!parts.is_empty()).then(|| parts.join(" · "));
    out.filters = filters;
    out.total = ranked;
    (out, totals)
}

/// One line per row, ranked first; text cells that a spreadsheet would run as a formula are
/// quoted with a leading apostrophe.
pub fn csv(view: &GapReportView) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| AppError::internal(format!("writing CSV: {e}"));
    w.write_record([
        "rank",
        "placement",
        "tier",
        "requirement_key",
        "requirement_title",
        "segment",
        "service_area",
        "category",
        "source",
        "importance",
        "target",
        "unit",
        "current_value",
        "fulfilment",
        "gap",
        "assessed",
        "assessed_on",
        "score",
        "score_gap",
        "score_importance_factor",
        "score_segment_weight",
        "score_kano_effect",
        "score_kano_effect_basis",
        "capability_source",
        "measured_period",
    ])
    .map_err(err)?;
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in view
        .rows
        .iter()
        .chain(&view.met)
        .chain(&view.not_ranked)
        .chain(&view.do_not_build)
    {
        let placement = serde_json::to_value(r.placement)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned));
        w.write_record([
            r.rank.map(|v| v.to_string()).unwrap_or_default(),
            placement.unwrap_or_default(),
            r.tier.map(|t| t.number().to_string()).unwrap_or_default(),
            safe(&r.requirement.key),
            safe(&r.requirement.title),
            safe(&r.segment.name),
            safe(&r.service_area.name),
            r.category_name.to_owned(),
            r.source.as_str().to_owned(),
            opt(r.importance),
            opt(r.target),
            safe(r.unit.as_deref().unwrap_or("")),
            opt(r.current_value),
            r.fulfilment.to_string(),
            r.gap.to_string(),
            r.assessed.to_string(),
            r.assessed_on.map(|d| d.to_string()).unwrap_or_default(),
            r.score.to_string(),
            r.score_parts.gap.to_string(),
            r.score_parts.importance_factor.to_string(),
            r.score_parts.segment_weight.to_string(),
            r.score_parts.kano_effect.to_string(),
            r.score_parts.kano_effect_basis.to_owned(),
            r.capability_source.to_owned(),
            r.measured_period.clone().unwrap_or_default(),
        ])
        .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(e.to_string()))
}

/// Guards against CSV formula injection.
pub(crate) fn safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Charts {
    pub by_segment: String,
    pub by_service_area: String,
    pub kano: String,
}

#[derive(Serialize)]
struct HtmlReport<'a> {
    #[serde(flatten)]
    view: &'a GapReportView,
    charts: Charts,
}

fn gap_bars(list: &[SummaryView]) -> Vec<Bar> {
    list.iter()
        .filter(|s| s.ranked > 0 || s.met > 0)
        .map(|s| Bar {
            label: s.name.clone(),
            value: s.mean_gap.unwrap_or(0.0),
            note: format!("{:.0} % · {} open", s.mean_gap.unwrap_or(0.0) * 100.0, s.ranked),
        })
        .collect()
}

pub fn html(templates: &Templates, data: &GapData, view: &GapReportView) -> Result<String, AppError> {
    let charts = charts(data, view);
    templates.html("gap_report", &HtmlReport { view, charts })
}

/// Mean gap by segment and by service area, and the Kano diagram of the report's rows.
pub fn charts(data: &GapData, view: &GapReportView) -> Charts {
    // The diagram shows each requirement once per segment, labelled with both when several.
    let several = data.segments.len() > 1;
    let mut points: Vec<ChartPoint> = Vec::new();
    let mut seen: HashMap<(i32, i32), ()> = HashMap::new();
    for r in view
        .rows
        .iter()
        .chain(&view.met)
        .chain(&view.not_ranked)
        .chain(&view.do_not_build)
    {
        let key = (r.requirement.id, r.segment.id);
        if seen.insert(key, ()).is_some() {
            continue;
        }
        if let Some((Some(better), Some(worse))) = data.facts(key.0, key.1).map(|f| (f.better, f.worse)) {
            points.push(ChartPoint {
                label: if several {
                    format!("{} ({})", r.requirement.key, r.segment.name)
                } else {
                    r.requirement.key.clone()
                },
                x: worse.abs(),
                y: better,
            });
        }
    }
    Charts {
        by_segment: bar_chart::render("Mean gap by segment", &gap_bars(&view.by_segment)),
        by_service_area: bar_chart::render("Mean gap by service area", &gap_bars(&view.by_service_area)),
        kano: kano_chart::render("Kano diagram", &points),
    }
}

pub fn markdown(templates: &Templates, view: &GapReportView) -> Result<String, AppError> {
    templates.text("gap_report", view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe("@cmd"), "'@cmd");
        assert_eq!(safe("HD-CALLBACK"), "HD-CALLBACK");
    }
}
