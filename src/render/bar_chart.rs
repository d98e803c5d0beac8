//! A horizontal bar chart of shares (0–1), e.g. mean gap by segment: plain SVG like the Kano
//! diagram, so reports embed it inline and print it sharply.

use std::fmt::Write;

use super::escape;

pub struct Bar {
    pub label: String,
    /// 0..1
    pub value: f64,
    /// Shown after the bar, e.g. "42 % · 7 gaps".
    pub note: String,
}

const WIDTH: f64 = 640.0;
const LABEL: f64 = 230.0;
const BAR_MAX: f64 = 290.0;
/// Longer labels are shortened with an ellipsis (the full text is in the tooltip).
const LABEL_CHARS: usize = 34;
const ROW: f64 = 26.0;
const TOP: f64 = 34.0;

pub fn render(title: &str, bars: &[Bar]) -> String {
    let height = TOP + ROW * bars.len().max(1) as f64 + 12.0;
    let mut svg = String::with_capacity(1024 + bars.len() * 300);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{}" font-family="system-ui, sans-serif" font-size="12"><rect width="{WIDTH}" height="{height}" fill="#fff"/><text x="0" y="18" font-size="14" font-weight="600" fill="#1a202c">{}</text>"##,
        escape(title),
        escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let w = (bar.value.clamp(0.0, 1.0) * BAR_MAX).max(1.0);
        let label = escape(&bar.label);
        let short = if bar.label.chars().count() > LABEL_CHARS {
            escape(&format!(
                "{}…",
                bar.label.chars().take(LABEL_CHARS - 1).collect::<String>()
            ))
        } else {
            label.clone()
        };
        let _ = write!(
            svg,
            r##"<g><title>{label}: {}</title><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#1a202c">{short}</text><rect x="{LABEL}" y="{y:.1}" width="{BAR_MAX}" height="16" fill="#edf2f7"/><rect x="{LABEL}" y="{y:.1}" width="{w:.1}" height="16" fill="#c05621"/><text x="{:.1}" y="{:.1}" fill="#4a5568">{}</text></g>"##,
            escape(&bar.note),
            LABEL - 8.0,
            y + 12.5,
            LABEL + BAR_MAX + 8.0,
            y + 12.5,
            escape(&bar.note)
        );
    }
    if bars.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{LABEL}" y="{:.1}" fill="#8a8f98">Nothing to show</text>"##,
            TOP + 12.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_length_is_proportional() {
        let svg = render(
            "Mean gap by segment",
            &[Bar {
                label: "Finance & <Admin>".into(),
                value: 0.5,
                note: "50 %".into(),
            }],
        );
        assert!(svg.contains(r##"width="145.0" height="16" fill="#c05621""##), "{svg}"); // 0.5 × 290
        assert!(svg.contains("Finance &amp; &lt;Admin&gt;"));
        assert!(render("Empty", &[]).contains("Nothing to show"));
    }
}
