//! Which representation a report is wanted in: `?format=` first, then the `Accept` header.

use actix_web::http::header;
use actix_web::HttpRequest;
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Md,
    Html,
}

impl Format {
    pub fn negotiate(requested: Option<Format>, req: &HttpRequest) -> Format {
        if let Some(f) = requested {
            return f;
        }
        let accept = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        // The first listed media type we produce wins; browsers list text/html first.
        for media in accept.split(',').map(|m| m.split(';').next().unwrap_or("").trim()) {
            match media {
                "application/json" => return Format::Json,
                "text/csv" => return Format::Csv,
                "text/markdown" => return Format::Md,
                "text/html" => return Format::Html,
                _ => {}
            }
        }
        Format::Json
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn explicit_format_wins_then_accept() {
        let req = TestRequest::default()
            .insert_header(("Accept", "text/csv"))
            .to_http_request();
        assert_eq!(Format::negotiate(Some(Format::Md), &req), Format::Md);
        assert_eq!(Format::negotiate(None, &req), Format::Csv);
        let browser = TestRequest::default()
            .insert_header(("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"))
            .to_http_request();
        assert_eq!(Format::negotiate(None, &browser), Format::Html);
        assert_eq!(
            Format::negotiate(None, &TestRequest::default().to_http_request()),
            Format::Json
        );
    }
}
