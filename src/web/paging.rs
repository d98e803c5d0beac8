//! Lists on the pages come a page at a time, with the total and links to the pages beside;
//! the filters in the address are kept on those links.

use serde::{Deserialize, Serialize};

use crate::db::Page;

/// Rows a paged list shows at a time.
pub const PAGE_SIZE: i64 = 50;

/// A complete list, for the short ones (segments, service areas, a session's findings) and for
/// choices in a form.
pub const EVERY: Page = Page {
    limit: i64::MAX,
    offset: 0,
};

/// `?offset=` of a paged page (anything unreadable starts at the top).
#[derive(Deserialize, Default, Clone)]
pub struct PageQuery {
    #[serde(default)]
    pub offset: Option<String>,
}

impl PageQuery {
    pub fn page(&self) -> Page {
        Page {
            limit: PAGE_SIZE,
            offset: self
                .offset
                .as_deref()
                .and_then(|o| o.trim().parse::<i64>().ok())
                .unwrap_or(0)
                .max(0),
        }
    }
}

/// What a template needs to say "51–100 of 5 000" and link the pages around.
#[derive(Serialize, Debug, PartialEq)]
pub struct Pager {
    pub total: i64,
    pub from: i64,
    pub to: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// `base` is the page's address with its filters (`/requirements?search=x`).
pub fn pager(base: &str, page: Page, shown: usize, total: i64) -> Pager {
    let link = |offset: i64| {
        let base = base.trim_end_matches(['?', '&']);
        let sep = if base.contains('?') { '&' } else { '?' };
        if offset == 0 {
            base.to_owned()
        } else {
            format!("{base}{sep}offset={offset}")
        }
    };
    let to = page.offset + shown as i64;
    Pager {
        total,
        from: if shown == 0 { 0 } else { page.offset + 1 },
        to,
        previous: (page.offset > 0).then(|| link((page.offset - page.limit).max(0))),
        next: (to < total).then(|| link(to)),
    }
}

/// A query string of the given filters, leaving out the empty ones.
pub fn query(pairs: &[(&str, Option<String>)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            out.append_pair(k, v);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_links_both_ways_and_keeps_filters() {
        let p = pager("/requirements?search=hd", Page { limit: 50, offset: 50 }, 50, 600);
        assert_eq!((p.from, p.to, p.total), (51, 100, 600));
        assert_eq!(p.previous.as_deref(), Some("/requirements?search=hd"));
        assert_eq!(p.next.as_deref(), Some("/requirements?search=hd&offset=100"));
        let last = pager("/requirements?", Page { limit: 50, offset: 550 }, 50, 600);
        assert_eq!(last.next, None);
        assert_eq!(last.previous.as_deref(), Some("/requirements?offset=500"));
    }

    #[test]
    fn an_empty_list_shows_nothing_to_page() {
        let p = pager("/x", Page { limit: 50, offset: 0 }, 0, 0);
        assert_eq!((p.from, p.to, p.previous, p.next), (0, 0, None, None));
    }
}
