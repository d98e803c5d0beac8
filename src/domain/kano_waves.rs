//! Kano results over time and across segments (DOMAIN.md, "Kano life cycle"; issue 15): how
//! sure Better and Worse are (Wilson intervals, low samples), how requirements move between
//! two survey waves (the transition matrix, significant moves, fading delighters), and whether
//! segments genuinely disagree on a requirement (contested).
//!
//! Built on the Kano engine in [`super::kano`]: tallies in, [`classify`] for categories.

use std::collections::{BTreeMap, BTreeSet};

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::kano::{classify, CategoryCounts, KanoCategory, KanoResult, Tally};
use super::stats::{chi_square_independence, wilson};

/// Default for the `kano_min_sample` setting.
pub const DEFAULT_MIN_SAMPLE: u64 = 30;

/// Serde for a [`KanoCategory`] as its letter, as `/kano` prints it (`"A"`, `"O"`, …).
pub mod category_letter {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::domain::kano::KanoCategory;

    pub fn serialize<S: Serializer>(c: &KanoCategory, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(c.letter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<KanoCategory, D::Error> {
        let s = String::deserialize(d)?;
        KanoCategory::from_letter(&s).ok_or_else(|| D::Error::custom(format!("unknown Kano category \"{s}\"")))
    }
}

/// A + O + M + I: the answers Better and Worse are shares of.
pub fn aomi(counts: &CategoryCounts) -> u64 {
    counts.a + counts.o + counts.m + counts.i
}

/// The counts on {A, O, M, I}, the columns of the chi-square tests.
pub fn aomi_row(counts: &CategoryCounts) -> [u64; 4] {
    [counts.a, counts.o, counts.m, counts.i]
}

/// Wilson 95 % interval of Better = (A + O)/(A + O + M + I); None without such answers.
pub fn better_ci95(counts: &CategoryCounts) -> Option<[f64; 2]> {
    wilson(counts.a + counts.o, aomi(counts)).map(|(low, high)| [low, high])
}

/// Wilson 95 % interval of |Worse| = (O + M)/(A + O + M + I), given as negatives in the order of
/// the point value: `[-high, -low]` (never −0.0). None without such answers.
pub fn worse_ci95(counts: &CategoryCounts) -> Option<[f64; 2]> {
    let negate = |x: f64| if x > 0.0 { -x } else { 0.0 };
    wilson(counts.o + counts.m, aomi(counts)).map(|(low, high)| [negate(high), negate(low)])
}

/// A + O + M + I below the minimum sample.
pub fn low_sample(counts: &CategoryCounts, min_sample: u64) -> bool {
    aomi(counts) < min_sample
}

/// How sure a Kano result is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HowSure {
    pub better_ci95: Option<[f64; 2]>,
    pub worse_ci95: Option<[f64; 2]>,
    pub low_sample: bool,
}

/// [`better_ci95`], [`worse_ci95`] and [`low_sample`] together.
pub fn how_sure(counts: &CategoryCounts, min_sample: u64) -> HowSure {
    HowSure {
        better_ci95: better_ci95(counts),
        worse_ci95: worse_ci95(counts),
        low_sample: low_sample(counts, min_sample),
    }
}

/// Position of a category in [`KanoCategory::ALL`].
fn index(c: KanoCategory) -> usize {
    match c {
        KanoCategory::A => 0,
        KanoCategory::O => 1,
        KanoCategory::M => 2,
        KanoCategory::I => 3,
        KanoCategory::R => 4,
        KanoCategory::Q => 5,
    }
}

/// How many requirements went from one category (row) to another (column) between two waves.
/// All six categories are rows and columns; it serializes as
/// `{"A": {"A": 0, "O": 1, …}, "O": {…}, …}` in A O M I R Q order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "BTreeMap<String, BTreeMap<String, u64>>")]
pub struct TransitionMatrix {
    counts: [[u64; 6]; 6],
}

impl TransitionMatrix {
    pub fn get(&self, from: KanoCategory, to: KanoCategory) -> u64 {
        self.counts[index(from)][index(to)]
    }

    pub fn add(&mut self, from: KanoCategory, to: KanoCategory) {
        let cell = &mut self.counts[index(from)][index(to)];
        *cell = cell.saturating_add(1);
    }

    /// Requirements counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }
}

impl Serialize for TransitionMatrix {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Row<'a>(&'a [u64; 6]);
        impl Serialize for Row<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(6))?;
                for (c, n) in KanoCategory::ALL.iter().zip(self.0) {
                    map.serialize_entry(c.letter(), n)?;
                }
                map.end()
            }
        }
        let mut map = s.serialize_map(Some(6))?;
        for (c, row) in KanoCategory::ALL.iter().zip(&self.counts) {
            map.serialize_entry(c.letter(), &Row(row))?;
        }
        map.end()
    }
}

impl TryFrom<BTreeMap<String, BTreeMap<String, u64>>> for TransitionMatrix {
    type Error = String;
    fn try_from(rows: BTreeMap<String, BTreeMap<String, u64>>) -> Result<Self, Self::Error> {
        let category = |s: &str| KanoCategory::from_letter(s).ok_or_else(|| format!("unknown Kano category \"{s}\""));
        let mut m = TransitionMatrix::default();
        for (from, row) in rows {
            let from = category(&from)?;
            for (to, n) in row {
                m.counts[index(from)][index(category(&to)?)] = n;
            }
        }
        Ok(m)
    }
}

/// A requirement whose category changed between the waves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Move {
    pub requirement_id: i32,
    #[serde(with = "category_letter")]
    pub from: KanoCategory,
    #[serde(with = "category_letter")]
    pub to: KanoCategory,
    /// Better(to) − Better(from); None when either is undefined.
    pub better_change: Option<f64>,
    /// Worse(to) − Worse(from), Worse being ≤ 0 (so negative = more dissatisfaction when
    /// absent); None when either is undefined.
    pub worse_change: Option<f64>,
    /// Chi-square test of independence on the 2 × {A, O, M, I} counts, p < 0.05; false when
    /// the test cannot be run.
    pub significant: bool,
    /// The test's p-value; None when it cannot be run.
    pub p_value: Option<f64>,
}

/// What happened between two waves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Transitions {
    pub matrix: TransitionMatrix,
    /// By requirement id.
    pub moved: Vec<Move>,
    /// Requirements that moved from A (delighter) to O or M: now expected, keep them.
    pub fading_delighters: Vec<i32>,
}

/// Whether a move is a delighter fading into a satisfier or basic need.
pub fn is_fading_delighter(from: KanoCategory, to: KanoCategory) -> bool {
    from == KanoCategory::A && matches!(to, KanoCategory::O | KanoCategory::M)
}

/// Transitions between wave `from` and wave `to` (tallies per requirement id) over the
/// requirements with answers in both.
pub fn transitions(from: &BTreeMap<i32, Tally>, to: &BTreeMap<i32, Tally>) -> Transitions {
    let mut out = Transitions::default();
    for (&id, before) in from {
        let Some(after) = to.get(&id) else { continue };
        let (before, after) = (classify(before), classify(after));
        let (Some(c0), Some(c1)) = (before.category, after.category) else {
            continue;
        };
        out.matrix.add(c0, c1);
        if c0 == c1 {
            continue;
        }
        let test = chi_square_independence(&[aomi_row(&before.counts), aomi_row(&after.counts)]);
        let difference = |a: Option<f64>, b: Option<f64>| Some(b? - a?);
        out.moved.push(Move {
            requirement_id: id,
            from: c0,
            to: c1,
            better_change: difference(before.better, after.better),
            worse_change: difference(before.worse, after.worse),
            significant: test.is_some_and(|t| t.significant),
            p_value: test.map(|t| t.p_value),
        });
        if is_fading_delighter(c0, c1) {
            out.fading_delighters.push(id);
        }
    }
    out
}

/// Whether segments genuinely disagree on one requirement, given each segment's
/// classification: at least two segments each with A + O + M + I ≥ `min_sample` (and at least
/// one such answer), not all of the same category, and a chi-square test of independence on
/// those segments × {A, O, M, I} with p < 0.05. Some(p) when contested, None otherwise.
pub fn contested<'a>(segments: impl IntoIterator<Item = &'a KanoResult>, min_sample: u64) -> Option<f64> {
    let eligible: Vec<&KanoResult> = segments
        .into_iter()
        .filter(|r| {
            let n = aomi(&r.counts);
            n >= min_sample && n > 0
        })
        .collect();
    if eligible.len() < 2 {
        return None;
    }
    let categories: BTreeSet<_> = eligible.iter().map(|r| r.category.map(index)).collect();
    if categories.len() < 2 {
        return None;
    }
    let table: Vec<[u64; 4]> = eligible.iter().map(|r| aomi_row(&r.counts)).collect();
    chi_square_independence(&table)
        .filter(|t| t.significant)
        .map(|t| t.p_value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kano::Answer::{Dislike, Like, MustBe, Neutral};

    /// A tally with these category counts: A = (like, neutral), O = (like, dislike),
    /// M = (neutral, dislike), I = (neutral, neutral), R = (dislike, like).
    fn tally(a: u64, o: u64, m: u64, i: u64, r: u64) -> Tally {
        let mut t = Tally::default();
        t.add_cell(Like, Neutral, a);
        t.add_cell(Like, Dislike, o);
        t.add_cell(Neutral, Dislike, m);
        t.add_cell(MustBe, Neutral, i);
        t.add_cell(Dislike, Like, r);
        t
    }

    fn counts(a: u64, o: u64, m: u64, i: u64) -> CategoryCounts {
        tally(a, o, m, i, 0).counts()
    }

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    // ---- how sure ------------------------------------------------------------------------

    #[test]
    fn intervals_of_better_and_worse() {
        // A=3, O=5, M=2, I=0 → n = 10; Better 8/10, |Worse| 7/10.
        // Wilson 8/10 = [0.490162, 0.943318].
        // Wilson 7/10: centre (0.7 + 0.192073)/1.384146 = 0.644493,
        // half 1.959964·√(0.021 + 0.009604)/1.384146 = 0.247715 → [0.396778, 0.892209];
        // Worse is −0.7, so its interval is [−0.892209, −0.396778].
        let c = counts(3, 5, 2, 0);
        let b = better_ci95(&c).unwrap_or_default();
        close(b[0], 0.490_162, 1e-5);
        close(b[1], 0.943_318, 1e-5);
        let w = worse_ci95(&c).unwrap_or_default();
        close(w[0], -0.892_209, 1e-5);
        close(w[1], -0.396_778, 1e-5);
        assert!(w[0] < w[1], "same order as the point value on the negative axis");
        let r = classify(&tally(3, 5, 2, 0, 0));
        let worse = r.worse.unwrap_or_default();
        assert!(w[0] <= worse && worse <= w[1]);
    }

    #[test]
    fn intervals_ignore_r_and_q_and_edges() {
        // Only reverse answers: nothing to share → None, low sample.
        let c = tally(0, 0, 0, 0, 12).counts();
        assert_eq!(better_ci95(&c), None);
        assert_eq!(worse_ci95(&c), None);
        assert!(low_sample(&c, 1));
        // All A: Better [n/(n+z²), 1]; |Worse| 0 of n → [0, z²/(n+z²)] → Worse [−0.277533, 0]
        // for n = 10, with +0.0, not −0.0.
        let c = counts(10, 0, 0, 0);
        let b = better_ci95(&c).unwrap_or_default();
        close(b[0], 0.722_467, 1e-6);
        assert_eq!(b[1], 1.0);
        let w = worse_ci95(&c).unwrap_or_default();
        close(w[0], -0.277_533, 1e-6);
        assert_eq!(w[1], 0.0);
        assert!(!w[1].is_sign_negative());
        // One answer (O): Better and |Worse| both 1/1 → [0.206549, 1]; Worse [−1, −0.206549].
        let c = counts(0, 1, 0, 0);
        let b = better_ci95(&c).unwrap_or_default();
        close(b[0], 0.206_549, 1e-6);
        assert_eq!(worse_ci95(&c).map(|w| w[0]), Some(-1.0));
        assert!(worse_ci95(&c).is_some_and(|w| (w[1] + 0.206_549).abs() < 1e-6));
    }

    #[test]
    fn low_sample_threshold() {
        // R and Q do not count towards the sample.
        let mut t = tally(10, 10, 5, 4, 0);
        t.add_cell(Like, Like, 7); // Q
        let c = t.counts();
        assert_eq!(aomi(&c), 29);
        assert!(low_sample(&c, DEFAULT_MIN_SAMPLE));
        assert!(!low_sample(&counts(10, 10, 5, 5), DEFAULT_MIN_SAMPLE));
        let sure = how_sure(&counts(10, 10, 5, 5), 30);
        assert!(!sure.low_sample);
        assert!(sure.better_ci95.is_some() && sure.worse_ci95.is_some());
    }

    // ---- transitions ---------------------------------------------------------------------

    #[test]
    fn empty_waves() {
        let t = transitions(&BTreeMap::new(), &BTreeMap::new());
        assert_eq!(t, Transitions::default());
        assert_eq!(t.matrix.total(), 0);
        // One side empty: nothing in both waves.
        let one = BTreeMap::from([(1, tally(5, 0, 0, 0, 0))]);
        assert_eq!(transitions(&one, &BTreeMap::new()).matrix.total(), 0);
        assert_eq!(transitions(&BTreeMap::new(), &one).moved, vec![]);
        // A requirement present with an empty tally is not classified.
        let empty = BTreeMap::from([(1, Tally::default())]);
        assert_eq!(transitions(&one, &empty).matrix.total(), 0);
        let json = serde_json::to_value(transitions(&empty, &empty)).unwrap_or_default();
        assert_eq!(json["matrix"]["A"]["O"], 0);
        assert_eq!(json["moved"], serde_json::json!([]));
    }

    #[test]
    fn matrix_moves_and_fading_delighters() {
        let from = BTreeMap::from([
            (1, tally(30, 5, 5, 0, 0)),
            (2, tally(20, 0, 0, 10, 0)),
            (3, tally(10, 0, 0, 0, 0)),
            (4, tally(0, 9, 0, 1, 0)), // not in the second wave
            (5, tally(0, 0, 0, 0, 4)),
            (6, tally(1, 0, 0, 0, 0)),
        ]);
        let to = BTreeMap::from([
            (1, tally(5, 30, 5, 0, 0)),
            (2, tally(0, 0, 20, 10, 0)),
            (3, tally(12, 0, 0, 0, 0)),
            (5, tally(0, 0, 0, 0, 2)),
            (6, tally(0, 1, 0, 0, 0)),
            (7, tally(0, 3, 0, 0, 0)), // not in the first wave
        ]);
        let t = transitions(&from, &to);
        use KanoCategory::{A, M, O, R};
        assert_eq!(t.matrix.get(A, O), 2); // 1 and 6
        assert_eq!(t.matrix.get(A, M), 1); // 2
        assert_eq!(t.matrix.get(A, A), 1); // 3
        assert_eq!(t.matrix.get(R, R), 1); // 5
        assert_eq!(t.matrix.total(), 5);
        assert_eq!(t.fading_delighters, vec![1, 2, 6]);
        let ids: Vec<i32> = t.moved.iter().map(|m| m.requirement_id).collect();
        assert_eq!(ids, vec![1, 2, 6]);

        // 1: A=30 O=5 M=5 → A=5 O=30 M=5 (n 40 each). Better 35/40 both → change 0;
        // Worse −10/40 → −35/40: change −0.625.
        // χ² on [[30,5,5,0],[5,30,5,0]] (I dropped): expected 17.5, 17.5, 5 per row;
        // χ² = 4 · 12.5²/17.5 = 35.714286; df 2; p = e^(−17.857143) = 1.757e−8.
        let m1 = t.moved[0];
        assert_eq!((m1.from, m1.to), (A, O));
        close(m1.better_change.unwrap_or(f64::NAN), 0.0, 1e-12);
        close(m1.worse_change.unwrap_or(f64::NAN), -0.625, 1e-12);
        assert!(m1.significant);
        close(m1.p_value.unwrap_or(1.0), (-35.714_285_714_f64 / 2.0).exp(), 1e-12);

        // 2: A=20 I=10 → M=20 I=10. Better 2/3 → 0 (−0.666667); Worse 0 → −2/3.
        // χ² on [[20,0,0,10],[0,0,20,10]] (O dropped): expected 10 everywhere;
        // χ² = 4·100/10 = 40; df 2; p = e^(−20) = 2.061e−9.
        let m2 = t.moved[1];
        assert_eq!((m2.from, m2.to), (A, M));
        close(m2.better_change.unwrap_or(f64::NAN), -2.0 / 3.0, 1e-12);
        close(m2.worse_change.unwrap_or(f64::NAN), -2.0 / 3.0, 1e-12);
        close(m2.p_value.unwrap_or(1.0), (-20.0_f64).exp(), 1e-15);
        assert!(m2.significant);

        // 6: one answer each wave, A → O. χ² on [[1,0],[0,1]]: expected 0.5 each,
        // χ² = 4·0.25/0.5 = 2; p = erfc(1) = 0.157299 → a fading delighter, not significant.
        let m6 = t.moved[2];
        assert!(!m6.significant);
        close(m6.p_value.unwrap_or(0.0), 0.157_299, 1e-6);
        close(m6.better_change.unwrap_or(f64::NAN), 0.0, 1e-12);
        close(m6.worse_change.unwrap_or(f64::NAN), -1.0, 1e-12);

        let json = serde_json::to_value(&t).unwrap_or_default();
        assert_eq!(json["matrix"]["A"]["O"], 2);
        assert_eq!(json["matrix"]["R"]["R"], 1);
        assert_eq!(json["matrix"]["Q"]["Q"], 0);
        assert_eq!(json["moved"][1]["from"], "A");
        assert_eq!(json["moved"][1]["to"], "M");
        assert_eq!(json["fading_delighters"], serde_json::json!([1, 2, 6]));
        let keys: Vec<&String> = json["matrix"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 6);
        let back: Transitions = serde_json::from_value(json).unwrap_or_default();
        assert_eq!(back.matrix, t.matrix);
        assert_eq!(back.moved[0].to, O);
    }

    #[test]
    fn moves_with_undefined_coefficients() {
        // R only → O: Better undefined in the first wave; the test has one non-empty row.
        let from = BTreeMap::from([(9, tally(0, 0, 0, 0, 5))]);
        let to = BTreeMap::from([(9, tally(0, 4, 0, 0, 0))]);
        let t = transitions(&from, &to);
        assert_eq!(t.moved.len(), 1);
        assert_eq!(t.moved[0].better_change, None);
        assert_eq!(t.moved[0].worse_change, None);
        assert!(!t.moved[0].significant);
        assert_eq!(t.moved[0].p_value, None);
        assert!(t.fading_delighters.is_empty());
        assert!(is_fading_delighter(KanoCategory::A, KanoCategory::M));
        assert!(!is_fading_delighter(KanoCategory::A, KanoCategory::I));
        assert!(!is_fading_delighter(KanoCategory::O, KanoCategory::M));
    }

    #[test]
    fn matrix_rejects_unknown_letters() {
        let bad = serde_json::json!({"X": {"A": 1}});
        assert!(serde_json::from_value::<TransitionMatrix>(bad).is_err());
        let ok = serde_json::json!({"A": {"M": 3}});
        let m: TransitionMatrix = serde_json::from_value(ok).unwrap_or_default();
        assert_eq!(m.get(KanoCategory::A, KanoCategory::M), 3);
    }

    // ---- contested -----------------------------------------------------------------------

    /// [`contested`] over tallies, each classified first.
    fn contested_tallies(tallies: &[Tally], min_sample: u64) -> Option<f64> {
        let results: Vec<KanoResult> = tallies.iter().map(classify).collect();
        contested(&results, min_sample)
    }

    #[test]
    fn contested_hand_checked_2x2() {
        // Segment 1: A=30 M=10 (n 40; Fong 20 ≥ 1.65·√(40·40/80) = 7.379 → A);
        // segment 2: A=10 M=30 (→ M). χ² on [[30,10],[10,30]]: expected 20 each,
        // χ² = 4·100/20 = 20; df 1; p = erfc(√10) = 7.744e−6 → contested.
        let p = contested_tallies(&[tally(30, 0, 10, 0, 0), tally(10, 0, 30, 0, 0)], 30);
        close(p.unwrap_or(1.0), 7.744_216e-6, 1e-10);
        // The same with a minimum sample above 40: neither segment qualifies.
        assert_eq!(
            contested_tallies(&[tally(30, 0, 10, 0, 0), tally(10, 0, 30, 0, 0)], 41),
            None
        );
    }

    #[test]
    fn contested_needs_two_large_segments() {
        assert_eq!(contested_tallies(&[], 30), None);
        assert_eq!(contested_tallies(&[tally(30, 0, 10, 0, 0)], 30), None);
        // A segment with one answer is below the minimum sample: nothing to compare with.
        assert_eq!(
            contested_tallies(&[tally(30, 0, 10, 0, 0), tally(0, 0, 1, 0, 0)], 30),
            None
        );
        // With a minimum of 1 it takes part, but one answer each (A vs M) is not significant:
        // χ² = 2, p = 0.1573.
        assert_eq!(
            contested_tallies(&[tally(1, 0, 0, 0, 0), tally(0, 0, 1, 0, 0)], 1),
            None
        );
        // Reverse and questionable answers do not make a sample.
        assert_eq!(
            contested_tallies(&[tally(30, 0, 10, 0, 0), tally(0, 0, 0, 0, 40)], 30),
            None
        );
        // Segments without answers never qualify, even with a minimum of 0.
        assert_eq!(contested_tallies(&[Tally::default(), tally(30, 0, 10, 0, 0)], 0), None);
    }

    #[test]
    fn contested_needs_different_categories() {
        // A=40 vs A=25 M=15: both A (Fong 10 ≥ 7.379 for the second). χ² on [[40,0],[25,15]]:
        // expected 32.5, 7.5 per row: χ² = 2·(7.5²/32.5 + 7.5²/7.5) = 18.46 → significant,
        // yet the segments agree on the category → not contested.
        assert_eq!(
            contested_tallies(&[tally(40, 0, 0, 0, 0), tally(25, 0, 15, 0, 0)], 30),
            None
        );
        assert!(chi_square_independence(&[[40, 0], [25, 15]]).is_some_and(|t| t.significant));
    }

    #[test]
    fn contested_over_three_segments_ignores_small_ones() {
        // Two large segments disagree (as in the 2×2 case), a third with 5 answers is left
        // out, so p is the 2×2's.
        let p = contested_tallies(
            &[tally(30, 0, 10, 0, 0), tally(0, 5, 0, 0, 0), tally(10, 0, 30, 0, 0)],
            30,
        );
        close(p.unwrap_or(1.0), 7.744_216e-6, 1e-10);
    }
}
