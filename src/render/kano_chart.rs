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

/// A point's 95 % intervals, drawn as whiskers: `x` on |Worse| and `y` on Better, each
/// `[low, high]` in 0..1; a low sample is drawn hollow and says so in its tooltip.
#[derive(Clone, Copy, Debug, Default)]
pub struct Whiskers {
    pub x: Option<[f64; 2]>,
    pub y: Option<[f64; 2]>,
    pub low_sample: bool,
}

/// A requirement's move between two waves: from (|Worse|, Better) to (|Worse|, Better).
pub struct Arrow {
    pub label: String,
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// A delighter fading into a satisfier or basic need: drawn in the warning colour.
    pub fading: bool,
    /// The category changed (otherwise drawn faint).
    pub moved: bool,
}

/// The diagram without intervals.
pub fn render(title: &str, points: &[ChartPoint]) -> String {
    render_with_whiskers(title, points, &[])
}

/// The picture's frame: background, quadrant names, axes and ticks.
fn open(title: &str, capacity: usize) -> String {
    let mut svg = String::with_capacity(4096 + capacity);
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
    svg
}

/// A label beside (cx, cy): on the right half it reads leftwards so it stays in the picture.
fn label_text(label: &str, x: f64, cx: f64, cy: f64) -> String {
    let (lx, anchor) = if x > 0.5 {
        (cx - 6.0, "end")
    } else {
        (cx + 6.0, "start")
    };
    format!(
        r##"<text x="{lx:.1}" y="{:.1}" text-anchor="{anchor}" fill="#1a202c">{label}</text>"##,
        cy - 6.0
    )
}

/// The picture's end: a note when there are too many labels or nothing to show.
fn close(mut svg: String, count: usize, labelled: bool, empty_note: &str) -> String {
    if !labelled {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#8a8f98">{count} points: hover a point for its name</text>"##,
            px(0.5),
            SIZE - 36.0,
        );
    }
    if count == 0 {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#8a8f98">{}</text>"##,
            px(0.5),
            py(0.5) - 12.0,
            escape(empty_note)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The diagram with each point's 95 % intervals as whiskers (`whiskers[i]` belongs to
/// `points[i]`; missing ones draw none). Low samples are drawn hollow.
pub fn render_with_whiskers(title: &str, points: &[ChartPoint], whiskers: &[Whiskers]) -> String {
    let mut svg = open(title, points.len() * 160);
    let labelled = points.len() <= MAX_LABELS;
    for (i, p) in points.iter().enumerate() {
        let w = whiskers.get(i).copied().unwrap_or_default();
        let (cx, cy) = (px(p.x), py(p.y));
        let label = escape(&p.label);
        let text = if labelled {
            label_text(&label, p.x, cx, cy)
        } else {
            String::new()
        };
        let mut bars = String::new();
        let mut interval = String::new();
        if let Some([low, high]) = w.x {
            let _ = write!(
                bars,
                r##"<line class="ci" x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="#90a4c0"/>"##,
                px(low),
                px(high)
            );
            let _ = write!(interval, ", |Worse| 95 % CI {low:.2}–{high:.2}");
        }
        if let Some([low, high]) = w.y {
            let _ = write!(
                bars,
                r##"<line class="ci" x1="{cx:.1}" y1="{:.1}" x2="{cx:.1}" y2="{:.1}" stroke="#90a4c0"/>"##,
                py(low),
                py(high)
            );
            let _ = write!(interval, ", Better 95 % CI {low:.2}–{high:.2}");
        }
        let (fill, note) = if w.low_sample {
            (
                r##"fill="#fff" stroke="#2b6cb0" stroke-width="2" class="low-sample""##,
                " (low sample)",
            )
        } else {
            (r##"fill="#2b6cb0""##, "")
        };
        let _ = write!(
            svg,
            r##"<g><title>{label}: |Worse| {:.2}, Better {:.2}{interval}{note}</title>{bars}<circle cx="{cx:.1}" cy="{cy:.1}" r="4" {fill}/>{text}</g>"##,
            p.x, p.y,
        );
    }
    close(svg, points.len(), labelled, "No questionnaire answers yet")
}

/// The life-cycle diagram: each requirement's move between two waves as an arrow from its
/// point in the first wave to its point in the second. Fading delighters are drawn in the
/// warning colour, requirements that kept their category faint.
pub fn render_arrows(title: &str, arrows: &[Arrow]) -> String {
    let mut svg = open(title, arrows.len() * 240);
    svg.push_str(
        r##"<defs><marker id="kano-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="context-stroke"/></marker></defs>"##,
    );
    let labelled = arrows.len() <= MAX_LABELS;
    for a in arrows {
        let (x1, y1, x2, y2) = (px(a.from.0), py(a.from.1), px(a.to.0), py(a.to.1));
        let label = escape(&a.label);
        let (colour, class) = match (a.fading, a.moved) {
            (true, _) => ("#c05621", "arrow fading"),
            (false, true) => ("#2b6cb0", "arrow moved"),
            (false, false) => ("#a0aec0", "arrow kept"),
        };
        let text = if labelled && (a.moved || a.fading) {
            label_text(&label, a.to.0, x2, y2)
        } else {
            String::new()
        };
        let _ = write!(
            svg,
            r##"<g class="{class}"><title>{label}: from |Worse| {:.2}, Better {:.2} to |Worse| {:.2}, Better {:.2}{}</title><circle cx="{x1:.1}" cy="{y1:.1}" r="3" fill="none" stroke="{colour}"/><line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{colour}" stroke-width="{}" marker-end="url(#kano-head)"/>{text}</g>"##,
            a.from.0,
            a.from.1,
            a.to.0,
            a.to.1,
            if a.fading { " (fading delighter)" } else { "" },
            if a.moved || a.fading { "2" } else { "1" },
        );
    }
    close(svg, arrows.len(), labelled, "No requirement has answers in both waves")
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
    fn whiskers_and_low_samples() {
        let points = [
            ChartPoint {
                label: "A<&>".into(),
                x: 0.5,
                y: 0.25,
            },
            ChartPoint {
                label: "B".into(),
                x: 0.1,
                y: 0.9,
            },
        ];
        let whiskers = [
            Whiskers {
                x: Some([0.25, 0.75]),
                y: Some([0.0, 0.5]),
                low_sample: true,
            },
            Whiskers::default(),
        ];
        let svg = render_with_whiskers("Kano", &points, &whiskers);
        // |Worse| 0.25..0.75 → x 150..330 at cy = 480 − 60 − 0.25·360 = 330.
        assert!(svg.contains(r#"x1="150.0" y1="330.0" x2="330.0" y2="330.0""#), "{svg}");
        // Better 0..0.5 → y 420..240 at cx = 240.
        assert!(svg.contains(r#"x1="240.0" y1="420.0" x2="240.0" y2="240.0""#), "{svg}");
        assert!(svg.contains("A&lt;&amp;&gt;: |Worse| 0.50, Better 0.25, |Worse| 95 % CI 0.25–0.75"));
        assert!(svg.contains("(low sample)</title>"));
        assert_eq!(svg.matches(r#"class="low-sample""#).count(), 1);
        assert_eq!(svg.matches(r#"class="ci""#).count(), 2);
        assert!(!svg.contains("A<&>"), "labels are escaped");
        // Without whiskers the picture is the plain diagram.
        assert_eq!(render_with_whiskers("Kano", &points, &[]), render("Kano", &points));
    }

    #[test]
    fn arrows_between_waves() {
        let arrows = [
            Arrow {
                label: "DS-<SSO>".into(),
                from: (0.1, 0.8),
                to: (0.6, 0.7),
                fading: true,
                moved: true,
            },
            Arrow {
                label: "HD-CALLBACK".into(),
                from: (0.8, 0.3),
                to: (0.82, 0.32),
                fading: false,
                moved: false,
            },
        ];
        let svg = render_arrows("Life cycle", &arrows);
        assert!(svg.contains(r#"class="arrow fading""#) && svg.contains(r#"class="arrow kept""#));
        assert!(svg.contains(
            "DS-&lt;SSO&gt;: from |Worse| 0.10, Better 0.80 to |Worse| 0.60, Better 0.70 (fading delighter)"
        ));
        // x 60 + 0.1·360 = 96, y 420 − 0.8·360 = 132 → x 276, y 168.
        assert!(svg.contains(r#"x1="96.0" y1="132.0" x2="276.0" y2="168.0""#), "{svg}");
        assert!(
            !svg.contains(">HD-CALLBACK</text>"),
            "unmoved requirements are not labelled"
        );
        assert!(render_arrows("x", &[]).contains("No requirement has answers in both waves"));
    }

    #[test]
    fn empty_chart_says_so() {
        assert!(render("Kano", &[]).contains("No questionnaire answers yet"));
    }
}
