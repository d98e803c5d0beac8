//! Charts for the voice of the customer: complaints received per month (columns) and the
//! satisfaction scorecard (satisfied % per survey cycle with its interval, the 80/90 % bands and
//! the target line). Plain SVG, labels escaped.

use std::fmt::Write;

use super::escape;
use crate::domain::satisfaction::ScorecardItem;

/// One column: a label under it, a count.
pub struct Column {
    pub label: String,
    pub value: u64,
}

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 44.0;

fn open(svg: &mut String, title: &str) {
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><rect width="{W}" height="{H}" fill="#fff"/><text x="0" y="18" font-size="14" font-weight="600" fill="#1a202c">{t}</text>"##,
        t = escape(title)
    );
}

/// Columns of counts, e.g. complaints received per month.
pub fn columns(title: &str, columns: &[Column]) -> String {
    let mut svg = String::with_capacity(1024 + columns.len() * 200);
    open(&mut svg, title);
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    let max = columns.iter().map(|c| c.value).max().unwrap_or(0).max(1) as f64;
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#444"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">0</text>"##,
        TOP + plot_h,
        LEFT + plot_w,
        TOP + plot_h,
        LEFT - 6.0,
        TOP + 4.0,
        max as u64,
        LEFT - 6.0,
        TOP + plot_h + 4.0
    );
    if columns.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{LEFT}" y="{:.1}" fill="#8a8f98">Nothing to show</text>"##,
            TOP + 20.0
        );
    }
    let slot = plot_w / columns.len().max(1) as f64;
    for (i, c) in columns.iter().enumerate() {
        let h = c.value as f64 / max * plot_h;
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let label = escape(&c.label);
        let _ = write!(
            svg,
            r##"<g><title>{label}: {v}</title><rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="#2b6cb0"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#4a5568" font-size="10">{label}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#1a202c" font-size="10">{v}</text></g>"##,
            TOP + plot_h - h,
            slot * 0.7,
            x + slot * 0.35,
            TOP + plot_h + 14.0,
            x + slot * 0.35,
            TOP + plot_h - h - 3.0,
            v = c.value
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The scorecard: satisfied % per cycle with its 95 % interval, the bands above 80 % (good)
/// and 90 % (outstanding), and the target line. `labels` name the cycles (e.g. survey titles).
pub fn scorecard(title: &str, items: &[ScorecardItem], labels: &[String]) -> String {
    let mut svg = String::with_capacity(2048 + items.len() * 400);
    open(&mut svg, title);
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    // The y axis runs from 50 % (or lower, if a result is lower) to 100 %.
    let low = items
        .iter()
        .map(|i| i.ci95[0].min(i.target_pct))
        .fold(50.0_f64, f64::min)
        .floor()
        .max(0.0);
    let y = |pct: f64| TOP + (100.0 - pct.clamp(low, 100.0)) / (100.0 - low).max(1.0) * plot_h;
    let _ = write!(
        svg,
        r##"<rect x="{LEFT}" y="{:.1}" width="{plot_w}" height="{:.1}" fill="#c6f6d5"><title>outstanding: above 90 %</title></rect><rect x="{LEFT}" y="{:.1}" width="{plot_w}" height="{:.1}" fill="#fefcbf"><title>good: above 80 %</title></rect>"##,
        y(100.0),
        y(90.0) - y(100.0),
        y(90.0),
        y(80.0) - y(90.0)
    );
    for pct in [low, 80.0, 90.0, 100.0] {
        if pct < low {
            continue;
        }
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#cbd5e0"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{pct:.0} %</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            y(pct) + 4.0,
            yy = y(pct)
        );
    }
    if items.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#8a8f98">No closed overall survey with answers yet</text>"##,
            LEFT + 8.0,
            TOP + 20.0
        );
    }
    let slot = plot_w / items.len().max(1) as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    // The target line through the cycles.
    if items.len() > 1 {
        let points: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, it)| format!("{:.1},{:.1}", x(i), y(it.target_pct)))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#c05621" stroke-width="2" stroke-dasharray="6 4"><title>target</title></polyline>"##,
            points.join(" ")
        );
    } else if let Some(it) = items.first() {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#c05621" stroke-width="2" stroke-dasharray="6 4"><title>target</title></line>"##,
            LEFT + plot_w,
            yy = y(it.target_pct)
        );
    }
    for (i, it) in items.iter().enumerate() {
        let label = labels.get(i).cloned().unwrap_or_else(|| it.closed_on.to_string());
        let label = escape(&label);
        let _ = write!(
            svg,
            r##"<g><title>{label}: {:.1} % satisfied (95 % CI {:.1}–{:.1}), target {:.1} %, {}</title><line x1="{cx:.1}" y1="{:.1}" x2="{cx:.1}" y2="{:.1}" stroke="#2d3748" stroke-width="2"/><circle cx="{cx:.1}" cy="{:.1}" r="5" fill="{}"/><text x="{cx:.1}" y="{:.1}" text-anchor="middle" fill="#1a202c">{:.1} %</text><text x="{cx:.1}" y="{:.1}" text-anchor="middle" fill="#4a5568" font-size="10">{label}</text><text x="{cx:.1}" y="{:.1}" text-anchor="middle" fill="#4a5568" font-size="10">{}</text></g>"##,
            it.satisfied_pct,
            it.ci95[0],
            it.ci95[1],
            it.target_pct,
            if it.met { "met" } else { "not met" },
            y(it.ci95[1]),
            y(it.ci95[0]),
            y(it.satisfied_pct),
            if it.met { "#2f855a" } else { "#c53030" },
            y(it.ci95[1]) - 6.0,
            it.satisfied_pct,
            TOP + plot_h + 14.0,
            TOP + plot_h + 28.0,
            it.closed_on,
            cx = x(i)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::satisfaction::{scorecard as card, SurveyCycle};
    use chrono::NaiveDate;

    #[test]
    fn columns_scale_to_the_largest_and_escape_labels() {
        let svg = columns(
            "Received <per month>",
            &[
                Column {
                    label: "2026-01".into(),
                    value: 4,
                },
                Column {
                    label: "a&b".into(),
                    value: 2,
                },
            ],
        );
        assert!(svg.contains("Received &lt;per month&gt;"));
        assert!(svg.contains("a&amp;b"));
        // The plot is 182 high: 4 of 4 fills it, 2 of 4 half.
        assert!(svg.contains(r#"height="182.0""#), "{svg}");
        assert!(svg.contains(r#"height="91.0""#), "{svg}");
        assert!(columns("Empty", &[]).contains("Nothing to show"));
    }

    #[test]
    fn the_scorecard_shows_bands_target_and_every_cycle() {
        let d = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
        let items = card(
            &[
                SurveyCycle {
                    survey_id: 1,
                    closed_on: d(2025),
                    n: 10,
                    satisfied: 8,
                },
                SurveyCycle {
                    survey_id: 2,
                    closed_on: d(2026),
                    n: 20,
                    satisfied: 19,
                },
            ],
            3.0,
        );
        let svg = scorecard("Scorecard", &items, &["2025 <baseline>".into(), "2026".into()]);
        assert!(svg.contains("outstanding: above 90 %") && svg.contains("good: above 80 %"));
        assert!(svg.contains("<polyline") && svg.contains("target"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("2025 &lt;baseline&gt;"));
        assert!(scorecard("Empty", &[], &[]).contains("No closed overall survey"));
    }
}
