//! Output formats built from computed results: charts (SVG) and, later, reports.

pub mod attainment_chart;
pub mod bar_chart;
pub mod fishbone;
pub mod gap_report;
pub mod improvement_plan;
pub mod kano_chart;
pub mod markdown;
pub mod service_report;
pub mod sla;
pub mod templates;
pub mod trend_chart;
pub mod value_proposition;
pub mod voc_charts;

/// Escapes text for XML/HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
