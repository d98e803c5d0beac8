//! A segment's value proposition: what IT promises it (basic needs), what it is improving
//! (satisfiers) and exploring (delighters), how well each is delivered today, and the state of
//! its SLA. Built from the same ranked gaps as the gap report.

use std::collections::HashSet;

use serde::Serialize;

use super::gap_report::RowView;
use super::templates::Templates;
use crate::error::AppError;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Item {
    pub key: String,
    pub title: String,
    pub service_area: String,
    pub category_name: &'static str,
    pub source: &'static str,
    pub assessed: bool,
    pub fulfilment: f64,
    pub current: Option<String>,
    pub target_text: Option<String>,
    /// Its place in the segment's order of work, while not met.
    pub rank: Option<u32>,
    /// Width of the fulfilment bar, 0–100.
    pub bar_percent: u32,
    /// Another segment sees this requirement differently (segments genuinely disagree on it);
    /// which segment, and its numbers, are not shown here.
    pub seen_differently: bool,
    /// That, in words; None when not.
    pub seen_differently_note: Option<&'static str>,
    /// The segment's complaints about it not yet resolved.
    pub open_complaints: u32,
    /// `assessed` or `measured` (a measured month newer than the newest assessment).
    #[schema(value_type = String, example = "assessed")]
    pub capability_source: &'static str,
    /// The month measured, YYYY-MM.
    pub measured_period: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SegmentView {
    pub id: i32,
    pub name: String,
    pub description: Option<String>,
    pub ambassador: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SlaState {
    pub id: i32,
    pub version: i32,
    #[schema(value_type = crate::domain::sla::SlaStatus)]
    pub status: String,
    pub status_label: &'static str,
    pub signed_off: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ValueProposition {
    pub generated_at: String,
    pub segment: SegmentView,
    pub summary: String,
    pub promises: Vec<Item>,
    pub improving: Vec<Item>,
    pub exploring: Vec<Item>,
    pub sla: Option<SlaState>,
}

/// What a value proposition says of a requirement another segment sees differently.
pub const SEEN_DIFFERENTLY: &str =
    "Another segment sees this requirement differently: what delights or satisfies one group is expected by another.";

fn item(r: &RowView, seen_differently: &HashSet<i32>) -> Item {
    let differs = seen_differently.contains(&r.requirement.id);
    Item {
        seen_differently: differs,
        seen_differently_note: differs.then_some(SEEN_DIFFERENTLY),
        key: r.requirement.key.clone(),
        title: r.requirement.title.clone(),
        service_area: r.service_area.name.clone(),
        category_name: r.category_name,
        source: r.source.as_str(),
        assessed: r.assessed,
        fulfilment: r.fulfilment,
        // A measured value; a fulfilment level is already the percentage shown.
        current: r.current_value.and(r.current.clone()),
        target_text: r.target_text.clone(),
        rank: r.rank,
        bar_percent: (r.fulfilment.clamp(0.0, 1.0) * 100.0).round() as u32,
        open_complaints: r.open_complaints,
        capability_source: r.capability_source,
        measured_period: r.measured_period.clone(),
    }
}

/// Sorts the segment's rows (ranked, in order of work, then met ones) into the three lists;
/// `seen_differently` holds the requirements (ids) another segment classifies differently.
pub fn build(
    segment: SegmentView,
    ranked: &[RowView],
    met: &[RowView],
    sla: Option<SlaState>,
    seen_differently: &HashSet<i32>,
) -> ValueProposition {
    let mut promises = Vec::new();
    let mut improving = Vec::new();
    let mut exploring = Vec::new();
    for r in ranked.iter().chain(met) {
        match r.category {
            "M" => promises.push(item(r, seen_differently)),
            "O" => improving.push(item(r, seen_differently)),
            "A" => exploring.push(item(r, seen_differently)),
            _ => {}
        }
    }
    let delivered = promises
        .iter()
        .filter(|i| i.assessed && i.fulfilment >= 1.0 - 1e-9)
        .count();
    let unmeasured = promises.iter().filter(|i| !i.assessed).count();
    let summary = match promises.len() {
        0 => format!("No basic needs have been identified for {} yet.", segment.name),
        n => format!(
            "IT fully delivers {delivered} of the {n} basic needs {} named{}.",
            segment.name,
            match unmeasured {
                0 => String::new(),
                1 => "; one is not measured yet".to_owned(),
                u => format!("; {u} are not measured yet"),
            }
        ),
    };
    ValueProposition {
        generated_at: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        segment,
        summary,
        promises,
        improving,
        exploring,
        sla,
    }
}

pub fn markdown(templates: &Templates, vp: &ValueProposition) -> Result<String, AppError> {
    templates.text("value_proposition", vp)
}

pub fn html(templates: &Templates, vp: &ValueProposition) -> Result<String, AppError> {
    templates.html("value_proposition", vp)
}
