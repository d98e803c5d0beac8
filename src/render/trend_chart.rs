//! Small multiples of the gap trend: one small line chart per requirement and segment, gap
//! (0..1) against month, the same scales in every panel so they compare at a glance. Months
//! with nothing assessed break the line. SVG only, labels escaped, deterministic.

use std::fmt::Write;

use super::escape;

const WIDTH: f64 = 220.0;
const HEIGHT: f64 = 110.0;
const LEFT: f64 = 30.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 18.0;

/// One panel: its title and the gap per month (`None`: not assessed by then).
pub fn panel(title: &str, points: &[(String, Option<f64>)]) -> String {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = points.len();
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |g: f64| TOP + plot_h * (1.0 - g.clamp(0.0, 1.0));
    let title = escape(title);
    let mut svg = String::with_capacity(1024 + n * 40);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" font-family="system-ui, sans-serif" font-size="10"><title>{title}</title><rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>"##
    );
    let _ = write!(
        svg,
        r##"<text x="4" y="13" fill="#1a202c" font-weight="600">{title}</text>"##
    );
    for (g, label) in [(0.0, "0"), (0.5, "50%"), (1.0, "100%")] {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e2e8f0"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#718096">{label}</text>"##,
            WIDTH - RIGHT,
            LEFT - 3.0,
            y(g) + 3.0,
            yy = y(g),
        );
    }
    if let (Some((first, _)), Some((last, _))) = (points.first(), points.last()) {
        let _ = write!(
            svg,
            r##"<text x="{LEFT}" y="{:.1}" fill="#718096">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#718096">{}</text>"##,
            HEIGHT - 4.0,
            escape(first),
            WIDTH - RIGHT,
            HEIGHT - 4.0,
            escape(last)
        );
    }
    // Runs of assessed months as polylines; a lone month as a dot.
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, svg: &mut String| {
        match run.as_slice() {
            [] => {}
            [(cx, cy)] => {
                let _ = write!(svg, r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="2" fill="#c53030"/>"##);
            }
            many => {
                let coords: Vec<String> = many.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
                let _ = write!(
                    svg,
                    r##"<polyline points="{}" fill="none" stroke="#c53030" stroke-width="1.5"/>"##,
                    coords.join(" ")
                );
            }
        }
        run.clear();
    };
    for (i, (period, gap)) in points.iter().enumerate() {
        match gap {
            Some(g) => {
                run.push((x(i), y(*g)));
                let _ = write!(
                    svg,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="6" fill="transparent"><title>{}: gap {:.0} %</title></circle>"##,
                    x(i),
                    y(*g),
                    escape(period),
                    g * 100.0
                );
            }
            None => flush(&mut run, &mut svg),
        }
    }
    flush(&mut run, &mut svg);
    if points.iter().all(|(_, g)| g.is_none()) {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#a0aec0">not assessed</text>"##,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_where_nothing_was_assessed() {
        let points = vec![
            ("2026-01".to_owned(), Some(1.0)),
            ("2026-02".to_owned(), Some(0.5)),
            ("2026-03".to_owned(), None),
            ("2026-04".to_owned(), Some(0.0)),
        ];
        let svg = panel("HD-<CALLBACK> · Faculty", &points);
        assert!(svg.contains("HD-&lt;CALLBACK&gt; · Faculty"));
        assert!(!svg.contains("<CALLBACK>"));
        // x: 30 + 182·i/3 → 30, 90.7, …, 212; y: 26 + 66·(1 − g) → 26 for gap 1, 59 for 0.5, 92 for 0.
        assert!(svg.contains(r#"<polyline points="30.0,26.0 90.7,59.0""#), "{svg}");
        assert!(svg.contains(r#"<circle cx="212.0" cy="92.0" r="2""#), "{svg}");
        assert!(svg.contains("2026-02: gap 50 %"));
        assert!(!svg.contains("not assessed"));
        assert!(panel("x", &[("2026-01".to_owned(), None)]).contains("not assessed"));
    }
}
