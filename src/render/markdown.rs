//! Markdown to HTML for documents people edit (SLA sections). Raw HTML in the text is shown as
//! text, never passed through: the text comes from users.

use pulldown_cmark::{html, Event, Options, Parser};

pub fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_neutralises_html() {
        let html = to_html("**Call back** in 5 min\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>");
        assert!(html.contains("<strong>Call back</strong>"));
        assert!(html.contains("<table>"));
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
    }
}
