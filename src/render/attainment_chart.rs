//! A small line chart of a target's months: its attainment (or reported value) as a line
//! against the goal (or limit) as a dashed line. Plain SVG, escaped, printable.

use std::fmt::Write;

use super::escape;

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 30.0;

/// What the values are: shares 0–1 (shown as %) or figures in a unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Share,
    Value,
}

fn label(v: f64, scale: Scale) -> String {
    match scale {
        Scale::Share => format!("{:.0} %", v * 100.0),
        Scale::Value if v.fract() == 0.0 && v.abs() < 1e12 => format!("{}", v as i64),
        Scale::Value => format!("{v:.2}"),
    }
}

/// `months` label the x axis (oldest first), `values` the line (None: no data that month),
/// `reference` the dashed goal or limit line, named `reference_name`.
pub fn render(
    title: &str,
    months: &[String],
    values: &[Option<f64>],
    reference: Option<f64>,
    reference_name: &str,
    scale: Scale,
) -> String {
    let (lo, hi) = match scale {
        Scale::Share => (0.0, 1.0),
        Scale::Value => {
            let all: Vec<f64> = values.iter().flatten().copied().chain(reference).collect();
            let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if !lo.is_finite() {
                (0.0, 1.0)
            } else if (hi - lo).abs() < 1e-9 {
                (lo - 1.0, hi + 1.0)
            } else {
                let pad = (hi - lo) * 0.15;
                (lo - pad, hi + pad)
            }
        }
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = months.len().max(1);
    let x = |i: usize| {
        LEFT + if n == 1 {
            plot_w / 2.0
        } else {
            plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - ((v - lo) / (hi - lo)).clamp(0.0, 1.0));
    let mut svg = String::with_capacity(2048);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="11"><rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/><text x="0" y="14" font-size="12" font-weight="600" fill="#1a202c">{t}</text>"##,
        t = escape(title)
    );
    for v in [lo, hi] {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#e2e8f0"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#4a5568">{}</text>"##,
            WIDTH - RIGHT,
            y(v),
            y(v),
            LEFT - 4.0,
            y(v) + 4.0,
            escape(&label(v, scale))
        );
    }
    for (i, m) in months.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#4a5568">{}</text>"##,
            x(i),
            HEIGHT - 10.0,
            escape(m)
        );
    }
    if let Some(r) = reference {
        let _ = write!(
            svg,
            r##"<g class="reference"><title>{name}: {v}</title><line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#c53030" stroke-dasharray="5 4"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#c53030">{name} {v}</text></g>"##,
            WIDTH - RIGHT,
            y(r),
            y(r),
            WIDTH - RIGHT,
            y(r) - 4.0,
            name = escape(reference_name),
            v = escape(&label(r, scale))
        );
    }
    // The line breaks where a month has no data.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(path, "{}{:.1} {:.1} ", if pen_down { "L" } else { "M" }, x(i), y(*v));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(
            svg,
            r##"<path class="line" d="{}" fill="none" stroke="#2b6cb0" stroke-width="2"/>"##,
            path.trim_end()
        );
    }
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                svg,
                r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#2b6cb0"><title>{}: {}</title></circle>"##,
                x(i),
                y(*v),
                escape(months.get(i).map(String::as_str).unwrap_or("")),
                escape(&label(*v, scale))
            );
        }
    }
    if values.iter().all(Option::is_none) {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#8a8f98">No data yet</text>"##,
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
    fn attainment_against_the_goal() {
        let months: Vec<String> = ["Jan", "Feb", "Mar"].iter().map(|s| s.to_string()).collect();
        let svg = render(
            "HD-CALLBACK <first response>",
            &months,
            &[Some(1.0), None, Some(0.5)],
            Some(0.9),
            "goal",
            Scale::Share,
        );
        assert!(svg.contains("HD-CALLBACK &lt;first response&gt;"), "{svg}");
        assert!(svg.contains("goal 90 %"));
        // Full height at 100 %, half way at 50 %; the gap in February breaks the line.
        assert!(svg.contains(r#"d="M44.0 26.0 M348.0 83.0""#), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(render("x", &months, &[None, None, None], None, "goal", Scale::Value).contains("No data yet"));
    }
}
