//! Satisfaction surveys (DOMAIN.md, "Satisfaction surveys"; issue 13): a survey's results as
//! the share of satisfied users (the top two boxes of the scale) with its Wilson interval and
//! band, and the scorecard of overall surveys against a target raised every year from the
//! baseline.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::stats::{two_proportion_z, wilson};

/// Smallest and largest allowed `scale_max`.
pub const SCALE_MIN: u8 = 4;
pub const SCALE_MAX: u8 = 10;

/// Default for the `annual_improvement_pts` setting: the bar rises 3 points a year.
pub const DEFAULT_ANNUAL_IMPROVEMENT_PTS: f64 = 3.0;

/// Where a satisfied share stands: above 90 % outstanding, above 80 % good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Outstanding,
    Good,
    Below,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Outstanding => "outstanding",
            Band::Good => "good",
            Band::Below => "below",
        }
    }
}

/// The band of a satisfied share in percent: strictly above 90 outstanding, strictly above 80
/// good, otherwise below (so exactly 80 % is still below).
pub fn band(satisfied_pct: f64) -> Band {
    if satisfied_pct > 90.0 {
        Band::Outstanding
    } else if satisfied_pct > 80.0 {
        Band::Good
    } else {
        Band::Below
    }
}

/// `scale_max` must be 4..=10.
pub fn check_scale_max(scale_max: u8) -> Result<(), &'static str> {
    if (SCALE_MIN..=SCALE_MAX).contains(&scale_max) {
        Ok(())
    } else {
        Err("must be between 4 and 10")
    }
}

/// A score is 1..=scale_max.
pub fn valid_score(scale_max: u8, score: u8) -> bool {
    (1..=scale_max).contains(&score)
}

/// Whether a score is in the top two boxes: score ≥ scale_max − 1.
pub fn is_satisfied(scale_max: u8, score: u8) -> bool {
    score >= scale_max.saturating_sub(1)
}

/// The results of one survey (or of one segment's answers to it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SurveyResults {
    pub n: u64,
    /// Answers in the top two boxes.
    pub satisfied: u64,
    /// 100 · satisfied / n; None without answers.
    pub satisfied_pct: Option<f64>,
    /// Wilson 95 % interval of the satisfied share, in percent; None without answers.
    pub ci95: Option<[f64; 2]>,
    /// None without answers.
    pub band: Option<Band>,
    /// Mean score; None without answers.
    pub mean: Option<f64>,
    /// Answers per score, every score 1..=scale_max present (0 when nobody chose it).
    /// Score (as JSON keys are: text) → how many gave it.
    #[schema(value_type = BTreeMap<String, u64>)]
    pub distribution: BTreeMap<u8, u64>,
}

/// satisfied_pct, ci95 and band of `satisfied` of `n`.
pub fn share(satisfied: u64, n: u64) -> (Option<f64>, Option<[f64; 2]>, Option<Band>) {
    if n == 0 || satisfied > n {
        return (None, None, None);
    }
    let pct = 100.0 * satisfied as f64 / n as f64;
    let ci95 = wilson(satisfied, n).map(|(low, high)| [100.0 * low, 100.0 * high]);
    (Some(pct), ci95, Some(band(pct)))
}

/// Results from answer counts per score (e.g. a `GROUP BY score`). Scores outside
/// 1..=scale_max are ignored: they are refused at the edge, and one bad value must not skew
/// the share.
pub fn results_from_counts(scale_max: u8, counts: impl IntoIterator<Item = (u8, u64)>) -> SurveyResults {
    let mut distribution: BTreeMap<u8, u64> = (1..=scale_max).map(|s| (s, 0)).collect();
    for (score, count) in counts {
        if let Some(slot) = distribution.get_mut(&score) {
            *slot = slot.saturating_add(count);
        }
    }
    let n: u64 = distribution.values().sum();
    let satisfied: u64 = distribution
        .iter()
        .filter(|&(&s, _)| is_satisfied(scale_max, s))
        .map(|(_, &c)| c)
        .sum();
    let mean = (n > 0).then(|| {
        let total: f64 = distribution.iter().map(|(&s, &c)| f64::from(s) * c as f64).sum();
        total / n as f64
    });
    let (satisfied_pct, ci95, band) = share(satisfied, n);
    SurveyResults {
        n,
        satisfied,
        satisfied_pct,
        ci95,
        band,
        mean,
        distribution,
    }
}

/// Results from individual scores.
pub fn results(scale_max: u8, scores: &[u8]) -> SurveyResults {
    results_from_counts(scale_max, scores.iter().map(|&s| (s, 1)))
}

/// One overall survey as the scorecard needs it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyCycle {
    pub survey_id: i32,
    pub closed_on: NaiveDate,
    pub n: u64,
    pub satisfied: u64,
}

/// One row of the scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScorecardItem {
    pub survey_id: i32,
    pub closed_on: NaiveDate,
    pub n: u64,
    pub satisfied: u64,
    pub satisfied_pct: f64,
    /// In percent.
    pub ci95: [f64; 2],
    pub band: Band,
    /// The baseline's own result for the first; baseline + points × years since for the rest,
    /// at most 100.
    pub target_pct: f64,
    /// satisfied_pct ≥ target_pct.
    pub met: bool,
    /// Points up (or down) since the previous survey; None for the baseline.
    pub change_pts: Option<f64>,
    /// Two-proportion z-test against the previous survey at 95 %; None for the baseline.
    pub change_significant: Option<bool>,
}

/// The scorecard over overall surveys, in `closed_on` order (ties by survey id). The first
/// survey with answers is the baseline; surveys without answers have no result and are left
/// out. Later targets: baseline + `annual_improvement_pts` × (days since the baseline /
/// 365.25), capped at 100.
pub fn scorecard(cycles: &[SurveyCycle], annual_improvement_pts: f64) -> Vec<ScorecardItem> {
    let mut cycles: Vec<&SurveyCycle> = cycles.iter().filter(|c| c.n > 0 && c.satisfied <= c.n).collect();
    cycles.sort_by_key(|c| (c.closed_on, c.survey_id));

    let mut items: Vec<ScorecardItem> = Vec::with_capacity(cycles.len());
    let mut baseline: Option<(NaiveDate, f64)> = None;
    let mut previous: Option<&SurveyCycle> = None;
    for cycle in cycles {
        let (Some(pct), Some(ci95), Some(band)) = share(cycle.satisfied, cycle.n) else {
            continue;
        };
        let target_pct = match baseline {
            None => {
                baseline = Some((cycle.closed_on, pct));
                pct
            }
            Some((on, base)) => {
                let years = (cycle.closed_on - on).num_days() as f64 / 365.25;
                (base + annual_improvement_pts * years).min(100.0)
            }
        };
        let (change_pts, change_significant) = match previous {
            None => (None, None),
            Some(prev) => {
                let prev_pct = 100.0 * prev.satisfied as f64 / prev.n as f64;
                let test = two_proportion_z(prev.satisfied, prev.n, cycle.satisfied, cycle.n);
                (Some(pct - prev_pct), test.map(|t| t.significant))
            }
        };
        items.push(ScorecardItem {
            survey_id: cycle.survey_id,
            closed_on: cycle.closed_on,
            n: cycle.n,
            satisfied: cycle.satisfied,
            satisfied_pct: pct,
            ci95,
            band,
            target_pct,
            met: pct >= target_pct,
            change_pts,
            change_significant,
        });
        previous = Some(cycle);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn bands_are_strictly_above() {
        assert_eq!(band(100.0), Band::Outstanding);
        assert_eq!(band(90.01), Band::Outstanding);
        assert_eq!(band(90.0), Band::Good);
        assert_eq!(band(80.5), Band::Good);
        assert_eq!(band(80.0), Band::Below);
        assert_eq!(band(0.0), Band::Below);
        assert_eq!(
            serde_json::to_string(&Band::Outstanding).ok().as_deref(),
            Some("\"outstanding\"")
        );
        assert_eq!(Band::Below.as_str(), "below");
    }

    #[test]
    fn scale_and_top_two_boxes() {
        assert!(check_scale_max(3).is_err());
        assert!(check_scale_max(4).is_ok());
        assert!(check_scale_max(10).is_ok());
        assert!(check_scale_max(11).is_err());
        // Scale 5: 4 and 5 are satisfied; scale 10: 9 and 10.
        assert!(!is_satisfied(5, 3));
        assert!(is_satisfied(5, 4));
        assert!(is_satisfied(5, 5));
        assert!(!is_satisfied(10, 8));
        assert!(is_satisfied(10, 9));
        assert!(valid_score(5, 1) && valid_score(5, 5));
        assert!(!valid_score(5, 0) && !valid_score(5, 6));
    }

    #[test]
    fn results_no_answers() {
        let r = results(5, &[]);
        assert_eq!(r.n, 0);
        assert_eq!(r.satisfied, 0);
        assert_eq!(r.satisfied_pct, None);
        assert_eq!(r.ci95, None);
        assert_eq!(r.band, None);
        assert_eq!(r.mean, None);
        assert_eq!(r.distribution, BTreeMap::from([(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]));
    }

    #[test]
    fn results_one_answer() {
        // One 5 of 5: 100 %, Wilson [1/(1 + z²), 1] = [20.6549 %, 100 %], outstanding.
        let r = results(5, &[5]);
        assert_eq!((r.n, r.satisfied), (1, 1));
        assert_eq!(r.satisfied_pct, Some(100.0));
        let [low, high] = r.ci95.unwrap_or_default();
        close(low, 20.654_93, 1e-4);
        assert_eq!(high, 100.0);
        assert_eq!(r.band, Some(Band::Outstanding));
        assert_eq!(r.mean, Some(5.0));
        // One 3 of 5: 0 %, [0, z²/(1 + z²)] = [0, 79.3451 %], below.
        let r = results(5, &[3]);
        assert_eq!(r.satisfied_pct, Some(0.0));
        let [low, high] = r.ci95.unwrap_or_default();
        assert_eq!(low, 0.0);
        close(high, 79.345_07, 1e-4);
        assert_eq!(r.band, Some(Band::Below));
    }

    #[test]
    fn results_all_satisfied() {
        // Ten answers all 4 or 5: 100 %, Wilson low = 10/(10 + z²) = 72.2467 %.
        let r = results(5, &[4, 5, 5, 4, 5, 5, 5, 4, 4, 5]);
        assert_eq!((r.n, r.satisfied), (10, 10));
        assert_eq!(r.satisfied_pct, Some(100.0));
        let [low, high] = r.ci95.unwrap_or_default();
        close(low, 72.246_72, 1e-4);
        assert_eq!(high, 100.0);
        // Six 5s and four 4s: mean (30 + 16)/10 = 4.6.
        close(r.mean.unwrap_or_default(), 4.6, 1e-12);
        assert_eq!(r.distribution.get(&5), Some(&6));
        assert_eq!(r.distribution.get(&4), Some(&4));
        assert_eq!(r.distribution.get(&1), Some(&0));
    }

    #[test]
    fn results_mixed_scale_7() {
        // Scale 7: satisfied = 6 or 7. Scores 7,7,6,6,6,6,5,4,2,1 → 6 of 10 = 60 %, below.
        // Wilson for 6/10: denom 1.384146, centre (0.6 + 0.192073)/1.384146 = 0.572247,
        // half 1.959964·√(0.024 + 0.009604)/1.384146 = 0.259573 → [31.2674 %, 83.1820 %].
        // Mean (14 + 24 + 5 + 4 + 2 + 1)/10 = 50/10 = 5.
        let r = results_from_counts(7, [(7, 2), (6, 4), (5, 1), (4, 1), (2, 1), (1, 1), (9, 3), (0, 1)]);
        assert_eq!((r.n, r.satisfied), (10, 6), "out-of-range scores are ignored");
        close(r.satisfied_pct.unwrap_or_default(), 60.0, 1e-12);
        let [low, high] = r.ci95.unwrap_or_default();
        close(low, 31.267_4, 1e-3);
        close(high, 83.182_0, 1e-3);
        assert_eq!(r.band, Some(Band::Below));
        close(r.mean.unwrap_or_default(), 5.0, 1e-12);
        assert_eq!(r.distribution.len(), 7);
    }

    #[test]
    fn scorecard_baseline_targets_and_changes() {
        let cycles = [
            // Out of order on purpose; the scorecard sorts by closed_on.
            SurveyCycle {
                survey_id: 3,
                closed_on: date(2026, 3, 1),
                n: 200,
                satisfied: 180,
            },
            SurveyCycle {
                survey_id: 1,
                closed_on: date(2024, 3, 1),
                n: 100,
                satisfied: 80,
            },
            SurveyCycle {
                survey_id: 9,
                closed_on: date(2024, 6, 1),
                n: 0,
                satisfied: 0,
            },
            SurveyCycle {
                survey_id: 2,
                closed_on: date(2025, 3, 1),
                n: 100,
                satisfied: 85,
            },
        ];
        let card = scorecard(&cycles, 3.0);
        let ids: Vec<i32> = card.iter().map(|i| i.survey_id).collect();
        assert_eq!(ids, vec![1, 2, 3], "the survey without answers is left out");

        // Baseline: 80 %, its own target, met, no change; exactly 80 is "below".
        let b = &card[0];
        assert_eq!(b.satisfied_pct, 80.0);
        assert_eq!(b.target_pct, 80.0);
        assert!(b.met);
        assert_eq!(b.band, Band::Below);
        assert_eq!(b.change_pts, None);
        assert_eq!(b.change_significant, None);

        // 2025-03-01 is 365 days after 2024-03-01 (2024 is a leap year but 29 Feb is before
        // 1 Mar): target = 80 + 3·365/365.25 = 82.997947; 85 ≥ it → met; +5 points;
        // z-test 80/100 vs 85/100: z = 0.9305, p = 0.352 → not significant.
        let s = &card[1];
        close(s.target_pct, 80.0 + 3.0 * 365.0 / 365.25, 1e-12);
        close(s.target_pct, 82.997_947, 1e-6);
        assert!(s.met);
        assert_eq!(s.band, Band::Good);
        close(s.change_pts.unwrap_or_default(), 5.0, 1e-12);
        assert_eq!(s.change_significant, Some(false));

        // 2026-03-01 is 730 days after the baseline: target 80 + 3·730/365.25 = 85.995893;
        // 180/200 = 90 % → met, "good" (not above 90); +5 points against 85/100:
        // pooled 265/300 = 0.883333, SE = √(0.883333·0.116667·0.015) = 0.039317,
        // z = 0.05/0.039317 = 1.2717, p = 0.2035 → not significant.
        let t = &card[2];
        close(t.target_pct, 85.995_893, 1e-6);
        assert!(t.met);
        assert_eq!(t.band, Band::Good);
        close(t.change_pts.unwrap_or_default(), 5.0, 1e-12);
        assert_eq!(t.change_significant, Some(false));
        // Wilson of 180/200 in percent: centre (0.9 + 0.009604)/1.019207 = 0.892462,
        // half 1.959964·√(0.00045 + 0.000024)/1.019207 = 0.041868 → [85.0594, 93.4330].
        close(t.ci95[0], 85.059_4, 1e-3);
        close(t.ci95[1], 93.433_0, 1e-3);
    }

    #[test]
    fn scorecard_missed_target_significant_change_and_cap() {
        let cycles = [
            SurveyCycle {
                survey_id: 1,
                closed_on: date(2020, 1, 1),
                n: 100,
                satisfied: 98,
            },
            // 1461 days = 4 years later: target 98 + 5·4 = 118 → capped at 100; 60 % misses it.
            // Against 98/100: pooled 158/200 = 0.79, SE = √(0.79·0.21·0.02) = 0.057602,
            // z = −0.38/0.057602 = −6.597 → significant.
            SurveyCycle {
                survey_id: 2,
                closed_on: date(2024, 1, 1),
                n: 100,
                satisfied: 60,
            },
        ];
        let card = scorecard(&cycles, 5.0);
        assert_eq!(card.len(), 2);
        assert_eq!(card[0].band, Band::Outstanding);
        assert_eq!(card[1].target_pct, 100.0);
        assert!(!card[1].met);
        close(card[1].change_pts.unwrap_or_default(), -38.0, 1e-12);
        assert_eq!(card[1].change_significant, Some(true));
        assert!(scorecard(&[], 3.0).is_empty());
    }

    #[test]
    fn scorecard_serializes_for_the_api() {
        let card = scorecard(
            &[SurveyCycle {
                survey_id: 7,
                closed_on: date(2025, 5, 31),
                n: 10,
                satisfied: 10,
            }],
            DEFAULT_ANNUAL_IMPROVEMENT_PTS,
        );
        let json = serde_json::to_value(&card).unwrap_or_default();
        assert_eq!(json[0]["closed_on"], "2025-05-31");
        assert_eq!(json[0]["band"], "outstanding");
        assert_eq!(json[0]["change_pts"], serde_json::Value::Null);
        assert_eq!(json[0]["ci95"][1], 100.0);
    }
}
