//! One Kano category per requirement and segment, from the best evidence there is: the
//! questionnaire when it has answers (what practitioners trust), otherwise the facilitators'
//! findings. The source is always reported with it.

use serde::Serialize;

use super::kano::{KanoCategory, KanoResult};
use super::terms::FindingCategory;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Questionnaire,
    Facilitator,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Questionnaire => "questionnaire",
            Source::Facilitator => "facilitator",
        }
    }
}

/// A facilitator's word maps onto the literature's letter.
pub fn category_of_finding(c: FindingCategory) -> KanoCategory {
    match c {
        FindingCategory::Basic => KanoCategory::M,
        FindingCategory::Satisfier => KanoCategory::O,
        FindingCategory::Delighter => KanoCategory::A,
        FindingCategory::Indifferent => KanoCategory::I,
        FindingCategory::Reverse => KanoCategory::R,
    }
}

/// Findings for one requirement and segment: (category, how many, sum of their importance).
pub type FindingCounts = [(FindingCategory, u64, u64)];

#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    pub category: KanoCategory,
    pub source: Source,
    /// Questionnaire: the category strength; findings: the share of findings that agree.
    pub confidence: f64,
    /// Mean importance (1–5) of the answers that gave one, else of the findings.
    pub importance: Option<f64>,
    pub better: Option<f64>,
    pub worse: Option<f64>,
    /// Answers (questionnaire) or findings (facilitator) behind it.
    pub n: u64,
}

/// The consolidated classification, or `None` when there is no evidence at all.
pub fn consolidate(questionnaire: Option<&KanoResult>, findings: &FindingCounts) -> Option<Classification> {
    let finding_n: u64 = findings.iter().map(|(_, n, _)| n).sum();
    let finding_importance_sum: u64 = findings.iter().map(|(_, _, s)| s).sum();
    let finding_importance = (finding_n > 0).then(|| finding_importance_sum as f64 / finding_n as f64);
    if let Some(result) = questionnaire {
        if let Some(category) = result.category {
            return Some(Classification {
                category,
                source: Source::Questionnaire,
                confidence: result.category_strength,
                importance: result.dumouchel.importance.or(finding_importance),
                better: result.better,
                worse: result.worse,
                n: result.n,
            });
        }
    }
    if finding_n == 0 {
        return None;
    }
    // The most frequent category; ties go to the stronger effect on satisfaction (M > O > A > I > R).
    let count_of = |k: KanoCategory| -> u64 {
        findings
            .iter()
            .filter(|(c, _, _)| category_of_finding(*c) == k)
            .map(|(_, n, _)| n)
            .sum()
    };
    let mut best = KanoCategory::PRIORITY[0];
    for k in KanoCategory::PRIORITY {
        if count_of(k) > count_of(best) {
            best = k;
        }
    }
    Some(Classification {
        category: best,
        source: Source::Facilitator,
        confidence: count_of(best) as f64 / finding_n as f64,
        importance: finding_importance,
        better: None,
        worse: None,
        n: finding_n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kano::{classify, Answer, Tally};

    #[test]
    fn findings_decide_without_answers() {
        let findings = [
            (FindingCategory::Delighter, 2, 8),
            (FindingCategory::Basic, 1, 5),
            (FindingCategory::Satisfier, 1, 3),
        ];
        let c = consolidate(None, &findings).unwrap();
        assert_eq!(c.category, KanoCategory::A);
        assert_eq!(c.source, Source::Facilitator);
        assert_eq!(c.confidence, 0.5); // 2 of 4 agree
        assert_eq!(c.importance, Some(4.0)); // (8 + 5 + 3) / 4
        assert_eq!(c.n, 4);
        assert_eq!((c.better, c.worse), (None, None));
    }

    #[test]
    fn tied_findings_go_to_the_stronger_effect() {
        let findings = [(FindingCategory::Delighter, 2, 6), (FindingCategory::Basic, 2, 6)];
        assert_eq!(consolidate(None, &findings).unwrap().category, KanoCategory::M);
        let findings = [(FindingCategory::Indifferent, 1, 1), (FindingCategory::Satisfier, 1, 1)];
        assert_eq!(consolidate(None, &findings).unwrap().category, KanoCategory::O);
    }

    #[test]
    fn the_questionnaire_wins_when_it_has_answers() {
        let mut tally = Tally::default();
        for _ in 0..8 {
            tally.add(Answer::Like, Answer::Dislike, Some(4)); // O
        }
        tally.add(Answer::Neutral, Answer::Dislike, Some(2)); // M
        let result = classify(&tally);
        let findings = [(FindingCategory::Delighter, 3, 15)];
        let c = consolidate(Some(&result), &findings).unwrap();
        assert_eq!(c.category, KanoCategory::O);
        assert_eq!(c.source, Source::Questionnaire);
        assert!((c.confidence - 7.0 / 9.0).abs() < 1e-12); // 8/9 − 1/9
        assert!((c.importance.unwrap() - 34.0 / 9.0).abs() < 1e-12);
        assert_eq!(c.n, 9);
        assert_eq!(c.better, Some(8.0 / 9.0));
    }

    #[test]
    fn answers_without_importance_borrow_the_findings() {
        let mut tally = Tally::default();
        tally.add(Answer::Like, Answer::Neutral, None);
        let result = classify(&tally);
        let c = consolidate(Some(&result), &[(FindingCategory::Delighter, 2, 10)]).unwrap();
        assert_eq!(c.importance, Some(5.0));
    }

    #[test]
    fn no_evidence_no_classification() {
        assert_eq!(consolidate(None, &[]), None);
        let empty = classify(&Tally::default());
        assert_eq!(consolidate(Some(&empty), &[]), None);
    }
}
