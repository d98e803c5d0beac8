//! The classic Kano diagram (Berger et al. 1993): each requirement at (|Worse|, Better), with
//! quadrant lines at 0.5: top-right one-dimensional (satisfier), bottom-right must-be (basic
//! need), top-left attractive (delighter), bottom-left indifferent.
//!
//! Hand-written SVG: a fixed, small, print-friendly picture whose every element is known, so it
//! is deterministic and snapshot-testable, with no font or raster dependencies.

use std::fmt::Write;

use super::escape;

pub struct ChartPoint {
    pub label: String,
    /// |Worse|, 0..1
    pub x: f64,
    /// Better, 0..1
    pub y: f64,
}

const SIZE: f64 = 480.0;
const MARGIN: f64 = 60.0;
const PLOT: f64 = SIZE - 2.0 * MARGIN;
/// Beyond this many points printed labels overlap into noise; each point keeps its tooltip.
const MAX_LABELS: usize = 25;

fn px(v: f64) -> f64 {
    MARGIN + v.clamp(0.0, 1.0) * PLOT
}

fn py(v: f64) -> f64 {
    SIZE - MARGIN - v.clamp(0.0, 1.0) * PLOT
}

pub fn render(title: &str, points: &[ChartPoint]) -> String {
    let mut svg = String::with_capacity(4096 + points.len() * 160);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" aria-labelledby="kano-title" font-family="system-ui, sans-serif" font-size="12">"##
    );
    let _ = write!(svg, r##"<title id="kano-title">{}</title>"##, escape(title));
    let _ = write!(
        svg,
        r##"<rect x="0" y="0" width="{SIZE}" height="{SIZE}" fill="#fff"/>"##
    );
    let (x0, x1, y0, y1, mid_x, mid_y) = (px(0.0), px(1.0), py(0.0), py(1.0), px(0.5), py(0.5));
    // Quadrant names, faint, in their corners.
    for (x, y, anchor, name) in [
        (x0 + 6.0, y1 + 16.0, "start", "Delighters (A)"),
        (x1 - 6.0, y1 + 16.0, "end", "Satisfiers (O)"),
        (x0 + 6.0, y0 - 8.0, "start", "Indifferent (I)"),
        (x1 - 6.0, y0 - 8.0, "end", "Basic needs (M)"),
    ] {
        let _ = write!(
            svg,
            r##"<text x="{x}" y="{y}" text-anchor="{anchor}" fill="#8a8f98">{name}</text>"##
        );
    }
    let _ = write!(
        svg,
        r##"<rect x="{x0}" y="{y1}" width="{PLOT}" height="{PLOT}" fill="none" stroke="#444"/><line x1="{mid_x}" y1="{y1}" x2="{mid_x}" y2="{y0}" stroke="#999" stroke-dasharray="4 3"/><line x1="{x0}" y1="{mid_y}" x2="{x1}" y2="{mid_y}" stroke="#999" stroke-dasharray="4 3"/>"##
    );
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#444">{tick}</text><text x="{}" y="{}" text-anchor="end" fill="#444">{tick}</text>"##,
            px(tick),
            y0 + 16.0,
            x0 - 6.0,
            py(tick) + 4.0
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#222">|Worse| (dissatisfaction when absent)</text><text transform="translate(16 {}) rotate(-90)" text-anchor="middle" fill="#222">Better (satisfaction when present)</text>"##,
        px(0.5),
        SIZE - 18.0,
        py(0.5)
    );
    let labelled = points.len() <= MAX_LABELS;
    for p in points {
        let (cx, cy) = (px(p.x), py(p.y));
        let label = escape(&p.label);
        // Labels on the right half read leftwards so they stay inside the picture.
        let (lx, anchor) = if p.x > 0.5 {
            (cx - 6.0, "end")
        } else {
            (cx + 6.0, "start")
        };
        let text = if labelled {
            format!(
                r##"<text x="{lx:.1}" y="{:.1}" text-anchor="{anchor}" fill="#1a202c">{label}</text>"##,
                cy - 6.0
            )
        } else {
            String::new()
        };
        let _ = write!(
            svg,
            r##"<g><title>{label}: |Worse| {:.2}, Better {:.2}</title><circle cx="{cx:.1}" cy="{cy:.1}" r="4" fill="#2b6cb0"/>{text}</g>"##,
            p.x, p.y,
        );
    }
    if !labelled {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#8a8f98">{} points: hover a point for its name</text>"##,
            px(0.5),
            SIZE - 36.0,
            points.len()
        );
    }
    if points.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#8a8f98">No questionnaire answers yet</text>"##,
            px(0.5),
            py(0.5) - 12.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_points_by_worse_and_better() {
        let svg = render(
            "Kano <Finance>",
            &[ChartPoint {
                label: "HD-CALLBACK".into(),
                x: 0.8,
                y: 0.2,
            }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Kano &lt;Finance&gt;"), "titles are escaped");
        // x = 60 + 0.8 * 360 = 348; y = 480 − 60 − 0.2 * 360 = 348
        assert!(svg.contains(r#"<circle cx="348.0" cy="348.0""#), "{svg}");
        assert!(
            svg.contains(r##"text-anchor="end" fill="#1a202c">HD-CALLBACK</text>"##),
            "right-half labels read leftwards"
        );
        assert!(svg.contains("|Worse|") && svg.contains("Better"));
        assert!(!svg.contains("No questionnaire answers yet"));
    }

    #[test]
    fn many_points_keep_tooltips_but_not_labels() {
        let points: Vec<ChartPoint> = (0..30)
            .map(|i| ChartPoint {
                label: format!("REQ-{i}"),
                x: 0.5,
                y: 0.5,
            })
            .collect();
        let svg = render("Kano", &points);
        assert_eq!(svg.matches("<circle").count(), 30);
        assert!(svg.contains("<title>REQ-7: |Worse| 0.50, Better 0.50</title>"));
        assert!(!svg.contains(">REQ-7</text>"));
        assert!(svg.contains("30 points: hover a point for its name"));
    }

    #[test]
    fn empty_chart_says_so() {
        assert!(render("Kano", &[]).contains("No questionnaire answers yet"));
    }
}
