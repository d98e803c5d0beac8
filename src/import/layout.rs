//! The two shapes of questionnaire CSV we read, told apart by their header:
//! - long: `respondent,segment,requirement,functional,dysfunctional[,importance]`, one answer
//!   pair per row;
//! - wide (what survey tools export): `respondent,segment` then `<KEY>:functional`,
//!   `<KEY>:dysfunctional` and optional `<KEY>:importance` per requirement, one respondent per row.
//!
//! Pure: turns header and row text into answer pairs or row errors; names are resolved later.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::kano::Answer;

/// A problem with one cell or row, as a spreadsheet shows it (the header is row 1).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: u64,
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    pub fn new(row: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        RowError {
            row,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// One answer pair read from a row, before names are resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct RawAnswer {
    pub respondent: String,
    pub segment: String,
    pub requirement: String,
    pub functional: Answer,
    pub dysfunctional: Answer,
    pub importance: Option<i32>,
    /// The column to blame for a problem with this pair found later (the requirement's).
    pub column: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportFormat)]
pub enum Format {
    Long,
    Wide,
}

#[derive(Clone, Debug)]
struct WideColumns {
    key: String,
    functional: usize,
    dysfunctional: usize,
    importance: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Layout {
    pub format: Format,
    respondent: usize,
    segment: usize,
    long: Option<[usize; 3]>,
    long_importance: Option<usize>,
    wide: Vec<WideColumns>,
    headers: Vec<String>,
    /// Columns we do not read (survey tools add time stamps and the like).
    pub ignored: Vec<String>,
}

pub const MAX_RESPONDENT_LEN: usize = 200;
const ANSWER_HELP: &str = "like, must_be (or expect), neutral, live_with (or tolerate), dislike, or 1-5";

impl Layout {
    /// Reads the header (row 1).
    pub fn detect(header: &[String]) -> Result<Layout, Vec<RowError>> {
        let headers: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = h.trim();
                // A byte-order mark from spreadsheet exports is not part of the name.
                let h = if i == 0 { h.trim_start_matches('\u{feff}') } else { h };
                h.to_owned()
            })
            .collect();
        let mut errors = Vec::new();
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        for (i, h) in headers.iter().enumerate() {
            let name = normalise(h);
            if by_name.insert(name, i).is_some() {
                errors.push(RowError::new(1, Some(h), "this column appears twice"));
            }
        }
        let find = |name: &str| by_name.get(name).copied();
        let missing = |name: &str, errors: &mut Vec<RowError>| {
            let found = find(name);
            if found.is_none() {
                errors.push(RowError::new(1, Some(name), "missing column"));
            }
            found.unwrap_or(0)
        };
        let is_wide = find("requirement").is_none() && headers.iter().any(|h| h.contains(':'));
        let respondent = missing("respondent", &mut errors);
        let segment = missing("segment", &mut errors);
        let mut layout = Layout {
            format: if is_wide { Format::Wide } else { Format::Long },
            respondent,
            segment,
            long: None,
            long_importance: None,
            wide: Vec::new(),
            headers: headers.clone(),
            ignored: Vec::new(),
        };
        if is_wide {
            let mut keys: BTreeMap<String, [Option<usize>; 3]> = BTreeMap::new();
            for (i, h) in headers.iter().enumerate() {
                let Some((key, part)) = h.split_once(':') else {
                    if i != respondent && i != segment {
                        layout.ignored.push(h.clone());
                    }
                    continue;
                };
                let slot = match normalise(part).as_str() {
                    "functional" => 0,
                    "dysfunctional" => 1,
                    "importance" => 2,
                    _ => {
                        errors.push(RowError::new(
                            1,
                            Some(h),
                            "expected KEY:functional, KEY:dysfunctional or KEY:importance",
                        ));
                        continue;
                    }
                };
                keys.entry(key.trim().to_uppercase()).or_default()[slot] = Some(i);
            }
            for (key, [f, d, imp]) in keys {
                match (f, d) {
                    (Some(functional), Some(dysfunctional)) => layout.wide.push(WideColumns {
                        key,
                        functional,
                        dysfunctional,
                        importance: imp,
                    }),
                    (None, _) => errors.push(RowError::new(1, Some(&format!("{key}:functional")), "missing column")),
                    (_, None) => errors.push(RowError::new(
                        1,
                        Some(&format!("{key}:dysfunctional")),
                        "missing column",
                    )),
                }
            }
        } else {
            let requirement = missing("requirement", &mut errors);
            let functional = missing("functional", &mut errors);
            let dysfunctional = missing("dysfunctional", &mut errors);
            layout.long = Some([requirement, functional, dysfunctional]);
            layout.long_importance = find("importance");
            let used = [respondent, segment, requirement, functional, dysfunctional];
            for (i, h) in headers.iter().enumerate() {
                if !used.contains(&i) && Some(i) != layout.long_importance {
                    layout.ignored.push(h.clone());
                }
            }
        }
        if errors.is_empty() {
            Ok(layout)
        } else {
            Err(errors)
        }
    }

    /// Requirement keys named in a wide header, with the column that names each.
    pub fn wide_keys(&self) -> Vec<(String, String)> {
        self.wide
            .iter()
            .map(|w| (w.key.clone(), self.headers[w.functional].clone()))
            .collect()
    }

    pub fn width(&self) -> usize {
        self.headers.len()
    }

    /// The answer pairs of one data row (`row` as a spreadsheet numbers it).
    pub fn read_row(&self, row: u64, cells: &[&str]) -> Result<Vec<RawAnswer>, Vec<RowError>> {
        let mut errors = Vec::new();
        // Text databases (PostgreSQL) cannot store NUL; no survey export means one.
        for (i, c) in cells.iter().enumerate() {
            if c.contains('\0') {
                let column = self.headers.get(i).map(String::as_str);
                errors.push(RowError::new(row, column, "contains a NUL character"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or("");
        let respondent = cell(self.respondent);
        if respondent.is_empty() {
            errors.push(RowError::new(row, Some(&self.headers[self.respondent]), "empty"));
        } else if respondent.chars().count() > MAX_RESPONDENT_LEN {
            errors.push(RowError::new(
                row,
                Some(&self.headers[self.respondent]),
                format!("longer than {MAX_RESPONDENT_LEN} characters"),
            ));
        }
        let segment = cell(self.segment);
        if segment.is_empty() {
            errors.push(RowError::new(row, Some(&self.headers[self.segment]), "empty"));
        }
        let mut pairs = Vec::new();
        let answer = |i: usize, errors: &mut Vec<RowError>| -> Option<Answer> {
            let text = cell(i);
            let parsed = Answer::parse(text);
            if parsed.is_none() {
                let message = if text.is_empty() {
                    "empty; both functional and dysfunctional answers are needed".to_owned()
                } else {
                    format!("{text:?} is not an answer: use {ANSWER_HELP}")
                };
                errors.push(RowError::new(row, Some(&self.headers[i]), message));
            }
            parsed
        };
        let importance = |i: Option<usize>, errors: &mut Vec<RowError>| -> Option<i32> {
            let i = i?;
            let text = cell(i);
            if text.is_empty() {
                return None;
            }
            match text.parse::<i32>() {
                Ok(v) if (1..=5).contains(&v) => Some(v),
                _ => {
                    errors.push(RowError::new(
                        row,
                        Some(&self.headers[i]),
                        format!("{text:?} is not an importance from 1 to 5"),
                    ));
                    None
                }
            }
        };
        if let Some([requirement, functional, dysfunctional]) = self.long {
            let key = cell(requirement).to_uppercase();
            if key.is_empty() {
                errors.push(RowError::new(row, Some(&self.headers[requirement]), "empty"));
            }
            let f = answer(functional, &mut errors);
            let d = answer(dysfunctional, &mut errors);
            let imp = importance(self.long_importance, &mut errors);
            if let (Some(f), Some(d)) = (f, d) {
                pairs.push((key, f, d, imp, self.headers[requirement].clone()));
            }
        }
        for w in &self.wide {
            // A respondent may skip a requirement: both answers empty is no answer, not an error.
            if cell(w.functional).is_empty() && cell(w.dysfunctional).is_empty() {
                continue;
            }
            let f = answer(w.functional, &mut errors);
            let d = answer(w.dysfunctional, &mut errors);
            let imp = importance(w.importance, &mut errors);
            if let (Some(f), Some(d)) = (f, d) {
                pairs.push((w.key.clone(), f, d, imp, self.headers[w.functional].clone()));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(pairs
            .into_iter()
            .map(
                |(requirement, functional, dysfunctional, importance, column)| RawAnswer {
                    respondent: respondent.to_owned(),
                    segment: segment.to_owned(),
                    requirement,
                    functional,
                    dysfunctional,
                    importance,
                    column,
                },
            )
            .collect())
    }
}

fn normalise(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn long_format_in_any_column_order() {
        let layout = Layout::detect(&header(&[
            "Segment",
            "respondent",
            "functional",
            "dysfunctional",
            "requirement",
            "importance",
            "timestamp",
        ]))
        .unwrap();
        assert_eq!(layout.format, Format::Long);
        assert_eq!(layout.ignored, vec!["timestamp"]);
        let pairs = layout
            .read_row(2, &["Finance", "r1", "like", "4", "hd-callback", "5", "x"])
            .unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].requirement, "HD-CALLBACK");
        assert_eq!(
            (pairs[0].functional, pairs[0].dysfunctional),
            (Answer::Like, Answer::LiveWith)
        );
        assert_eq!(pairs[0].importance, Some(5));
        assert_eq!(pairs[0].segment, "Finance");
    }

    #[test]
    fn wide_format_skips_unanswered_requirements() {
        let layout = Layout::detect(&header(&[
            "\u{feff}respondent",
            "segment",
            "HD-CALLBACK:functional",
            "HD-CALLBACK:dysfunctional",
            "HD-CALLBACK:importance",
            "TR-VIDEO:functional",
            "TR-VIDEO:dysfunctional",
        ]))
        .unwrap();
        assert_eq!(layout.format, Format::Wide);
        assert_eq!(layout.wide_keys().len(), 2);
        let pairs = layout
            .read_row(2, &["r1", "Finance", "expect", "dislike", "", "", ""])
            .unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(
            (pairs[0].functional, pairs[0].dysfunctional, pairs[0].importance),
            (Answer::MustBe, Answer::Dislike, None)
        );
        let pairs = layout
            .read_row(3, &["r2", "Finance", "1", "5", "3", "like", "tolerate"])
            .unwrap();
        assert_eq!(pairs.len(), 2);
    }

    #[test]
    fn header_errors_name_the_columns() {
        let errors = Layout::detect(&header(&["respondent", "requirement", "functional"])).unwrap_err();
        let columns: Vec<_> = errors.iter().map(|e| e.column.clone().unwrap()).collect();
        assert_eq!(columns, vec!["segment", "dysfunctional"]);
        assert!(errors.iter().all(|e| e.row == 1));
        let errors = Layout::detect(&header(&["respondent", "segment", "A:functional", "A:dysfunction"])).unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("A:dysfunction"));
        let errors = Layout::detect(&header(&["respondent", "segment", "B:functional"])).unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("B:dysfunctional"));
        let errors = Layout::detect(&header(&[
            "respondent",
            "respondent",
            "segment",
            "requirement",
            "functional",
            "dysfunctional",
        ]))
        .unwrap_err();
        assert_eq!(errors[0].message, "this column appears twice");
    }

    #[test]
    fn row_errors_name_row_and_column() {
        let layout = Layout::detect(&header(&[
            "respondent",
            "segment",
            "requirement",
            "functional",
            "dysfunctional",
            "importance",
        ]))
        .unwrap();
        let errors = layout
            .read_row(7, &["", "Finance", "HD", "maybe", "", "9"])
            .unwrap_err();
        let got: Vec<(u64, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (7, Some("respondent")),
                (7, Some("functional")),
                (7, Some("dysfunctional")),
                (7, Some("importance"))
            ]
        );
        assert!(errors[1].message.contains("\"maybe\" is not an answer"));
        // PostgreSQL cannot store NUL: refused on its column, on every backend.
        let errors = layout
            .read_row(8, &["r\0", "Finance", "HD", "like", "dislike", ""])
            .unwrap_err();
        assert_eq!((errors[0].row, errors[0].column.as_deref()), (8, Some("respondent")));
        assert!(errors[0].message.contains("NUL"));
        let wide = Layout::detect(&header(&["respondent", "segment", "A:functional", "A:dysfunctional"])).unwrap();
        let errors = wide.read_row(4, &["r", "s", "like", ""]).unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("A:dysfunctional"));
    }
}
