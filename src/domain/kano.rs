//! Pure Kano-model engine: evaluation table, tallies, classification and coefficients.
//!
//! Each respondent answers two questions about a requirement: the *functional* one ("how do
//! you feel if it is present?") and the *dysfunctional* one ("…if it is absent?"), each on the
//! five-point scale like / must-be / neutral / live-with / dislike. The answer pair is mapped
//! through the Kano evaluation table to one of six categories: A attractive (delighter),
//! O one-dimensional (satisfier), M must-be (basic need), I indifferent, R reverse and
//! Q questionable (Kano, Seraku, Takahashi & Tsuji 1984, "Attractive quality and must-be
//! quality"; table as in Berger et al. 1993, "Kano's methods for understanding
//! customer-defined quality", CQM Journal 2(4)).
//!
//! A requirement's answers are then summarised:
//! - the most frequent category, and Fong's (1996) test of whether it differs significantly
//!   from the runner-up (CQM Journal 5(3)); when it does not, the category with the stronger
//!   effect on satisfaction wins (M > O > A > I, the usual rule following Matzler &
//!   Hinterhuber / Sauerwein, Bailom, Matzler & Hinterhuber 1996, "The Kano model: how to
//!   delight your customers");
//! - Better/Worse customer-satisfaction coefficients (Berger et al. 1993; Sauerwein et al. 1996);
//! - category strength and total strength (Lee & Newcomb 1997, Quality Management Journal
//!   4(3): a category strength below 6 % marks a weak classification);
//! - DuMouchel's continuous functional/dysfunctional scores (in Berger et al. 1993).
//!
//! Everything is derived from a [`Tally`] of the 25 answer-pair cells, so counts can come
//! either from adding responses one by one or from a database `GROUP BY`. No allocation, no
//! I/O, std only.

/// One answer to a functional or dysfunctional Kano question.
///
/// The discriminants are the conventional questionnaire numbers 1..=5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Answer {
    Like = 1,
    MustBe = 2,
    Neutral = 3,
    LiveWith = 4,
    Dislike = 5,
}

impl Answer {
    /// All answers in questionnaire order (1..=5).
    pub const ALL: [Answer; 5] = [
        Answer::Like,
        Answer::MustBe,
        Answer::Neutral,
        Answer::LiveWith,
        Answer::Dislike,
    ];

    /// Parses a word, synonym or number; surrounding whitespace and ASCII case are ignored.
    pub fn parse(s: &str) -> Option<Answer> {
        // Comparing case-insensitively in place avoids allocating a lowercased copy.
        const WORDS: [(&str, Answer); 15] = [
            ("like", Answer::Like),
            ("1", Answer::Like),
            ("must_be", Answer::MustBe),
            ("must-be", Answer::MustBe),
            ("mustbe", Answer::MustBe),
            ("expect", Answer::MustBe),
            ("2", Answer::MustBe),
            ("neutral", Answer::Neutral),
            ("3", Answer::Neutral),
            ("live_with", Answer::LiveWith),
            ("live-with", Answer::LiveWith),
            ("livewith", Answer::LiveWith),
            ("tolerate", Answer::LiveWith),
            ("4", Answer::LiveWith),
            ("dislike", Answer::Dislike),
        ];
        let s = s.trim();
        if s == "5" {
            return Some(Answer::Dislike);
        }
        WORDS
            .iter()
            .find(|(word, _)| word.eq_ignore_ascii_case(s))
            .map(|&(_, answer)| answer)
    }

    /// The answer with questionnaire number `n` (1..=5).
    pub fn from_number(n: i64) -> Option<Answer> {
        match n {
            1 => Some(Answer::Like),
            2 => Some(Answer::MustBe),
            3 => Some(Answer::Neutral),
            4 => Some(Answer::LiveWith),
            5 => Some(Answer::Dislike),
            _ => None,
        }
    }

    /// Questionnaire number, 1..=5.
    #[inline]
    pub fn number(self) -> u8 {
        self as u8
    }

    /// Zero-based index into the tally grid and lookup tables.
    #[inline]
    fn index(self) -> usize {
        self as usize - 1
    }

    /// Canonical storage/wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Like => "like",
            Answer::MustBe => "must_be",
            Answer::Neutral => "neutral",
            Answer::LiveWith => "live_with",
            Answer::Dislike => "dislike",
        }
    }

    /// DuMouchel's score for this answer to the functional question.
    #[inline]
    pub fn functional_score(self) -> f64 {
        FUNCTIONAL_SCORES[self.index()] as f64
    }

    /// DuMouchel's score for this answer to the dysfunctional question.
    #[inline]
    pub fn dysfunctional_score(self) -> f64 {
        DYSFUNCTIONAL_SCORES[self.index()] as f64
    }
}

/// DuMouchel scores, indexed like [`Answer::ALL`]. Asymmetric on purpose: liking a feature's
/// presence (or disliking its absence) weighs more than tolerating the opposite. Whole numbers,
/// so that score totals are exact integers ([`TallySums`]; `answer_counts` stores them too,
/// migration `000024`).
const FUNCTIONAL_SCORES: [i64; 5] = [4, 2, 0, -1, -2];
const DYSFUNCTIONAL_SCORES: [i64; 5] = [-2, -1, 0, 2, 4];

/// Kano category of one answer pair or of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KanoCategory {
    /// Attractive: delighter.
    A,
    /// One-dimensional: satisfier.
    O,
    /// Must-be: basic need.
    M,
    /// Indifferent.
    I,
    /// Reverse: the respondent wants the opposite.
    R,
    /// Questionable: contradictory answers.
    Q,
}

impl KanoCategory {
    /// All categories in the conventional A O M I R Q order.
    pub const ALL: [KanoCategory; 6] = [
        KanoCategory::A,
        KanoCategory::O,
        KanoCategory::M,
        KanoCategory::I,
        KanoCategory::R,
        KanoCategory::Q,
    ];

    /// Tie-break order: the stronger effect on satisfaction first (M > O > A > I), so that
    /// when the evidence is ambiguous the requirement is not under-served.
    pub const PRIORITY: [KanoCategory; 6] = [
        KanoCategory::M,
        KanoCategory::O,
        KanoCategory::A,
        KanoCategory::I,
        KanoCategory::R,
        KanoCategory::Q,
    ];

    /// One-letter code, "A".."Q".
    pub fn letter(self) -> &'static str {
        match self {
            KanoCategory::A => "A",
            KanoCategory::O => "O",
            KanoCategory::M => "M",
            KanoCategory::I => "I",
            KanoCategory::R => "R",
            KanoCategory::Q => "Q",
        }
    }

    /// Plain-language name used in the product.
    pub fn name(self) -> &'static str {
        match self {
            KanoCategory::A => "delighter",
            KanoCategory::O => "satisfier",
            KanoCategory::M => "basic",
            KanoCategory::I => "indifferent",
            KanoCategory::R => "reverse",
            KanoCategory::Q => "questionable",
        }
    }

    /// Parses a one-letter code; surrounding whitespace and ASCII case are ignored.
    pub fn from_letter(s: &str) -> Option<Self> {
        let s = s.trim();
        KanoCategory::ALL
            .iter()
            .copied()
            .find(|c| c.letter().eq_ignore_ascii_case(s))
    }

    /// Position in [`KanoCategory::PRIORITY`]; lower wins ties.
    #[inline]
    fn rank(self) -> usize {
        match self {
            KanoCategory::M => 0,
            KanoCategory::O => 1,
            KanoCategory::A => 2,
            KanoCategory::I => 3,
            KanoCategory::R => 4,
            KanoCategory::Q => 5,
        }
    }
}

/// The Kano evaluation table: rows = functional answer, columns = dysfunctional answer,
/// both in [`Answer::ALL`] order. A const table keeps [`evaluate`] branch-free. `answer_counts`
/// stores each grid's pairs per category by this table (migration `000024`); tests/service.rs
/// holds the two equal.
const TABLE: [[KanoCategory; 5]; 5] = {
    use KanoCategory::{A, I, M, O, Q, R};
    [
        // dysfunctional: like must-be neutral live-with dislike
        [Q, A, A, A, O], // functional like
        [R, I, I, I, M], // functional must-be
        [R, I, I, I, M], // functional neutral
        [R, I, I, I, M], // functional live-with
        [R, R, R, R, Q], // functional dislike
    ]
};

/// Category of one functional/dysfunctional answer pair.
#[inline]
pub fn evaluate(functional: Answer, dysfunctional: Answer) -> KanoCategory {
    TABLE[functional.index()][dysfunctional.index()]
}

/// Counts of answer pairs in the 5x5 grid (functional row, dysfunctional column), plus importance.
/// Everything else (category counts, DuMouchel means) derives from it exactly, so a database can
/// GROUP BY (functional, dysfunctional) and hand the 25 counts over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub cells: [[u64; 5]; 5],
    pub importance_sum: u64,
    pub importance_n: u64,
}

impl Tally {
    /// Adds one response. Importance 1..=5 is counted as given; anything else is ignored so
    /// that one bad value cannot skew the mean (validation belongs to the caller).
    #[inline]
    pub fn add(&mut self, functional: Answer, dysfunctional: Answer, importance: Option<u8>) {
        let cell = &mut self.cells[functional.index()][dysfunctional.index()];
        // Saturating rather than `+=`: no overflow panic in debug builds, same speed.
        *cell = cell.saturating_add(1);
        if let Some(v @ 1..=5) = importance {
            self.add_importance(u64::from(v), 1);
        }
    }

    /// Adds `count` responses with the same answer pair (e.g. one row of a GROUP BY).
    #[inline]
    pub fn add_cell(&mut self, functional: Answer, dysfunctional: Answer, count: u64) {
        let cell = &mut self.cells[functional.index()][dysfunctional.index()];
        *cell = cell.saturating_add(count);
    }

    /// Adds `n` importance ratings summing to `sum`.
    #[inline]
    pub fn add_importance(&mut self, sum: u64, n: u64) {
        self.importance_sum = self.importance_sum.saturating_add(sum);
        self.importance_n = self.importance_n.saturating_add(n);
    }

    /// Adds another tally into this one (e.g. to pool segments).
    pub fn merge(&mut self, other: &Tally) {
        for (row, other_row) in self.cells.iter_mut().zip(other.cells.iter()) {
            for (cell, &count) in row.iter_mut().zip(other_row.iter()) {
                *cell = cell.saturating_add(count);
            }
        }
        self.add_importance(other.importance_sum, other.importance_n);
    }

    /// Number of answer pairs.
    pub fn n(&self) -> u64 {
        self.cells.iter().flatten().fold(0u64, |acc, &c| acc.saturating_add(c))
    }

    /// Answer pairs per category, via the evaluation table.
    pub fn counts(&self) -> CategoryCounts {
        let mut counts = CategoryCounts::default();
        for (f, row) in self.cells.iter().enumerate() {
            for (d, &count) in row.iter().enumerate() {
                let slot = counts.slot_mut(TABLE[f][d]);
                *slot = slot.saturating_add(count);
            }
        }
        counts
    }

    /// What classification needs of this tally.
    pub fn sums(&self) -> TallySums {
        let mut functional_score = 0i64;
        let mut dysfunctional_score = 0i64;
        for (f, row) in self.cells.iter().enumerate() {
            for (d, &count) in row.iter().enumerate() {
                let count = i64::try_from(count).unwrap_or(i64::MAX);
                functional_score = functional_score.saturating_add(count.saturating_mul(FUNCTIONAL_SCORES[f]));
                dysfunctional_score = dysfunctional_score.saturating_add(count.saturating_mul(DYSFUNCTIONAL_SCORES[d]));
            }
        }
        TallySums {
            counts: self.counts(),
            functional_score,
            dysfunctional_score,
            importance_sum: self.importance_sum,
            importance_n: self.importance_n,
        }
    }
}

/// What [`classify`] needs of a [`Tally`]: the answer pairs per category, the totals of their
/// DuMouchel scores and the importance ratings. Additive like the tally: a database can hand
/// these 10 numbers over instead of the 25 cells and 2 importance figures (`answer_counts`
/// stores them beside the cells; the gap report reads one per (segment, requirement)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TallySums {
    pub counts: CategoryCounts,
    /// Σ functional score over every answer pair ([`FUNCTIONAL_SCORES`]).
    pub functional_score: i64,
    /// Σ dysfunctional score over every answer pair ([`DYSFUNCTIONAL_SCORES`]).
    pub dysfunctional_score: i64,
    pub importance_sum: u64,
    pub importance_n: u64,
}

impl TallySums {
    /// Adds another's answers into these (e.g. one wave's grid into a segment's).
    pub fn merge(&mut self, other: &TallySums) {
        let (c, o) = (&mut self.counts, &other.counts);
        for (slot, add) in [
            (&mut c.a, o.a),
            (&mut c.o, o.o),
            (&mut c.m, o.m),
            (&mut c.i, o.i),
            (&mut c.r, o.r),
            (&mut c.q, o.q),
        ] {
            *slot = slot.saturating_add(add);
        }
        self.functional_score = self.functional_score.saturating_add(other.functional_score);
        self.dysfunctional_score = self.dysfunctional_score.saturating_add(other.dysfunctional_score);
        self.importance_sum = self.importance_sum.saturating_add(other.importance_sum);
        self.importance_n = self.importance_n.saturating_add(other.importance_n);
    }

    /// DuMouchel means over all answer pairs (R and Q included: they are real answers).
    fn dumouchel(&self, n: u64) -> DuMouchel {
        let importance = (self.importance_n > 0).then(|| self.importance_sum as f64 / self.importance_n as f64);
        if n == 0 {
            return DuMouchel {
                functional: None,
                dysfunctional: None,
                importance,
            };
        }
        let n = n as f64;
        DuMouchel {
            functional: Some(self.functional_score as f64 / n),
            dysfunctional: Some(self.dysfunctional_score as f64 / n),
            importance,
        }
    }
}

/// Answer pairs per Kano category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CategoryCounts {
    pub a: u64,
    pub o: u64,
    pub m: u64,
    pub i: u64,
    pub r: u64,
    pub q: u64,
}

impl CategoryCounts {
    /// Count for one category.
    pub fn get(&self, c: KanoCategory) -> u64 {
        match c {
            KanoCategory::A => self.a,
            KanoCategory::O => self.o,
            KanoCategory::M => self.m,
            KanoCategory::I => self.i,
            KanoCategory::R => self.r,
            KanoCategory::Q => self.q,
        }
    }

    /// Sum over all six categories.
    pub fn total(&self) -> u64 {
        [self.a, self.o, self.m, self.i, self.r, self.q]
            .iter()
            .fold(0u64, |acc, &c| acc.saturating_add(c))
    }

    fn slot_mut(&mut self, c: KanoCategory) -> &mut u64 {
        match c {
            KanoCategory::A => &mut self.a,
            KanoCategory::O => &mut self.o,
            KanoCategory::M => &mut self.m,
            KanoCategory::I => &mut self.i,
            KanoCategory::R => &mut self.r,
            KanoCategory::Q => &mut self.q,
        }
    }

    /// Most frequent category other than `exclude`; exact ties go to the earlier PRIORITY entry.
    fn top(&self, exclude: Option<KanoCategory>) -> Option<KanoCategory> {
        let mut best: Option<(KanoCategory, u64)> = None;
        // PRIORITY order plus a strict `>` gives the tie-break for free.
        for c in KanoCategory::PRIORITY {
            if Some(c) == exclude {
                continue;
            }
            let count = self.get(c);
            if best.is_none_or(|(_, b)| count > b) {
                best = Some((c, count));
            }
        }
        best.map(|(c, _)| c)
    }
}

/// Fong's (1996) test of the two most frequent categories.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Fong {
    /// a − b (counts of the first and second most frequent categories).
    pub difference: f64,
    /// 1.65 · sqrt((a + b)(2n − a − b) / (2n)).
    pub threshold: f64,
    /// difference ≥ threshold.
    pub significant: bool,
}

/// DuMouchel continuous scores: means over all answers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DuMouchel {
    /// Mean functional score; None when there are no answers.
    pub functional: Option<f64>,
    /// Mean dysfunctional score; None when there are no answers.
    pub dysfunctional: Option<f64>,
    /// Mean importance; None when no importance was given.
    pub importance: Option<f64>,
}

/// Classification of one requirement (for one segment or pooled), with all its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KanoResult {
    pub n: u64,
    pub counts: CategoryCounts,
    /// Most frequent category (ties by PRIORITY); None only when n = 0.
    pub mode_category: Option<KanoCategory>,
    /// The mode, or the PRIORITY winner of the top two when they do not differ significantly.
    pub category: Option<KanoCategory>,
    /// Whether the top two categories differ significantly (Fong).
    pub significant: bool,
    pub fong: Fong,
    /// (a − b) / n, 0..1.
    pub category_strength: f64,
    /// (A + O + M) / n, 0..1.
    pub total_strength: f64,
    /// (A + O) / (A + O + M + I); None when that denominator is 0.
    pub better: Option<f64>,
    /// −(O + M) / (A + O + M + I), ≤ 0 and never −0.0; None when that denominator is 0.
    pub worse: Option<f64>,
    pub dumouchel: DuMouchel,
}

/// z for a one-sided 95 % level, as in Fong (1996).
const FONG_Z: f64 = 1.65;

/// Lee & Newcomb (1997): a category strength below this marks a weak classification.
pub const WEAK_CATEGORY_STRENGTH: f64 = 0.06;

/// Classifies a requirement from its tally.
pub fn classify(tally: &Tally) -> KanoResult {
    classify_sums(&tally.sums())
}

/// [`classify`] from a tally's [`TallySums`].
pub fn classify_sums(sums: &TallySums) -> KanoResult {
    let counts = sums.counts;
    let n = counts.total();
    let dumouchel = sums.dumouchel(n);

    let mode = if n == 0 { None } else { counts.top(None) };
    let Some(mode_category) = mode else {
        return KanoResult {
            n: 0,
            counts,
            mode_category: None,
            category: None,
            significant: false,
            fong: Fong::default(),
            category_strength: 0.0,
            total_strength: 0.0,
            better: None,
            worse: None,
            dumouchel,
        };
    };
    // `top` only returns None when everything is excluded, which cannot happen here.
    let second = counts.top(Some(mode_category)).unwrap_or(mode_category);

    let a = counts.get(mode_category) as f64;
    let b = if second == mode_category {
        0.0
    } else {
        counts.get(second) as f64
    };
    let nf = n as f64;
    let difference = a - b;
    // 2n − a − b ≥ n > 0 because a + b ≤ n, so the root is real and the division safe.
    let threshold = FONG_Z * ((a + b) * (2.0 * nf - a - b) / (2.0 * nf)).sqrt();
    let significant = difference >= threshold;

    // Without a competitor (b = 0) there is nothing to switch to, even if n is too small
    // for the test to call the mode significant.
    let category = if !significant && b > 0.0 && second.rank() < mode_category.rank() {
        second
    } else {
        mode_category
    };

    let (ca, co, cm, ci) = (counts.a as f64, counts.o as f64, counts.m as f64, counts.i as f64);
    let denom = ca + co + cm + ci;
    let (better, worse) = if denom > 0.0 {
        let worse = (co + cm) / denom;
        // Negate only a non-zero value so an all-A requirement reports 0.0, not -0.0.
        let worse = if worse > 0.0 { -worse } else { 0.0 };
        (Some((ca + co) / denom), Some(worse))
    } else {
        (None, None)
    };

    KanoResult {
        n,
        counts,
        mode_category: Some(mode_category),
        category: Some(category),
        significant,
        fong: Fong {
            difference,
            threshold,
            significant,
        },
        category_strength: difference / nf,
        total_strength: (ca + co + cm) / nf,
        better,
        worse,
        dumouchel,
    }
}

#[cfg(test)]
mod tests {
    use super::Answer::{Dislike, Like, LiveWith, MustBe, Neutral};
    use super::KanoCategory::{A, I, M, O, Q, R};
    use super::*;

    const EPS: f64 = 1e-9;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < EPS
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(close(actual, expected), "expected {expected}, got {actual}");
    }

    fn assert_some_close(actual: Option<f64>, expected: f64) {
        match actual {
            Some(v) => assert_close(v, expected),
            None => panic!("expected Some({expected}), got None"),
        }
    }

    /// A representative answer pair for each category, to build tallies from category counts.
    fn pair_for(c: KanoCategory) -> (Answer, Answer) {
        match c {
            A => (Like, Neutral),
            O => (Like, Dislike),
            M => (Neutral, Dislike),
            I => (Neutral, Neutral),
            R => (Dislike, Like),
            Q => (Like, Like),
        }
    }

    fn tally_of(a: u64, o: u64, m: u64, i: u64, r: u64, q: u64) -> Tally {
        let mut t = Tally::default();
        for (c, count) in [(A, a), (O, o), (M, m), (I, i), (R, r), (Q, q)] {
            let (f, d) = pair_for(c);
            t.add_cell(f, d, count);
        }
        t
    }

    #[test]
    fn evaluation_table_all_25_cells() {
        let cases: [(Answer, Answer, &str); 25] = [
            (Like, Like, "Q"),
            (Like, MustBe, "A"),
            (Like, Neutral, "A"),
            (Like, LiveWith, "A"),
            (Like, Dislike, "O"),
            (MustBe, Like, "R"),
            (MustBe, MustBe, "I"),
            (MustBe, Neutral, "I"),
            (MustBe, LiveWith, "I"),
            (MustBe, Dislike, "M"),
            (Neutral, Like, "R"),
            (Neutral, MustBe, "I"),
            (Neutral, Neutral, "I"),
            (Neutral, LiveWith, "I"),
            (Neutral, Dislike, "M"),
            (LiveWith, Like, "R"),
            (LiveWith, MustBe, "I"),
            (LiveWith, Neutral, "I"),
            (LiveWith, LiveWith, "I"),
            (LiveWith, Dislike, "M"),
            (Dislike, Like, "R"),
            (Dislike, MustBe, "R"),
            (Dislike, Neutral, "R"),
            (Dislike, LiveWith, "R"),
            (Dislike, Dislike, "Q"),
        ];
        for (f, d, letter) in cases {
            assert_eq!(evaluate(f, d).letter(), letter, "functional {f:?}, dysfunctional {d:?}");
        }
    }

    #[test]
    fn pair_helper_matches_table() {
        for c in KanoCategory::ALL {
            let (f, d) = pair_for(c);
            assert_eq!(evaluate(f, d), c);
        }
    }

    #[test]
    fn parse_words_synonyms_numbers() {
        let cases: [(&str, Answer); 18] = [
            ("like", Like),
            ("must_be", MustBe),
            ("must-be", MustBe),
            ("mustbe", MustBe),
            ("expect", MustBe),
            ("neutral", Neutral),
            ("live_with", LiveWith),
            ("live-with", LiveWith),
            ("livewith", LiveWith),
            ("tolerate", LiveWith),
            ("dislike", Dislike),
            ("1", Like),
            ("2", MustBe),
            ("3", Neutral),
            ("4", LiveWith),
            ("5", Dislike),
            ("  LIKE\t", Like),
            (" Must_Be\n", MustBe),
        ];
        for (s, expected) in cases {
            assert_eq!(Answer::parse(s), Some(expected), "{s:?}");
        }
        assert_eq!(Answer::parse("Expect"), Some(MustBe));
        assert_eq!(Answer::parse("TOLERATE "), Some(LiveWith));
        assert_eq!(Answer::parse(" 3 "), Some(Neutral));
        assert_eq!(Answer::parse("DisLike"), Some(Dislike));
    }

    #[test]
    fn parse_rejects() {
        for s in ["", "   ", "6", "0", "-1", "yes", "no", "likes", "must be", "01", "1.0"] {
            assert_eq!(Answer::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn answer_numbers_names_round_trip() {
        let names = ["like", "must_be", "neutral", "live_with", "dislike"];
        for (i, a) in Answer::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(a.number()), i + 1);
            assert_eq!(Answer::from_number(i as i64 + 1), Some(a));
            assert_eq!(a.as_str(), names[i]);
            assert_eq!(Answer::parse(a.as_str()), Some(a));
        }
        assert_eq!(Answer::from_number(0), None);
        assert_eq!(Answer::from_number(6), None);
        assert_eq!(Answer::from_number(-3), None);
    }

    #[test]
    fn dumouchel_answer_scores() {
        let f: Vec<f64> = Answer::ALL.iter().map(|a| a.functional_score()).collect();
        let d: Vec<f64> = Answer::ALL.iter().map(|a| a.dysfunctional_score()).collect();
        assert_eq!(f, vec![4.0, 2.0, 0.0, -1.0, -2.0]);
        assert_eq!(d, vec![-2.0, -1.0, 0.0, 2.0, 4.0]);
    }

    #[test]
    fn category_letters_names_priority() {
        let letters: Vec<&str> = KanoCategory::ALL.iter().map(|c| c.letter()).collect();
        assert_eq!(letters, vec!["A", "O", "M", "I", "R", "Q"]);
        let names: Vec<&str> = KanoCategory::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(
            names,
            vec![
                "delighter",
                "satisfier",
                "basic",
                "indifferent",
                "reverse",
                "questionable"
            ]
        );
        assert_eq!(KanoCategory::PRIORITY, [M, O, A, I, R, Q]);
        for (i, c) in KanoCategory::PRIORITY.into_iter().enumerate() {
            assert_eq!(c.rank(), i);
        }
        for c in KanoCategory::ALL {
            assert_eq!(KanoCategory::from_letter(c.letter()), Some(c));
        }
        assert_eq!(KanoCategory::from_letter(" m "), Some(M));
        assert_eq!(KanoCategory::from_letter(""), None);
        assert_eq!(KanoCategory::from_letter("X"), None);
        assert_eq!(KanoCategory::from_letter("AO"), None);
    }

    #[test]
    fn tally_add_cell_merge_and_counts() {
        let mut t = Tally::default();
        t.add(Like, Dislike, Some(5));
        t.add(Like, Dislike, None);
        t.add(Neutral, Dislike, Some(3));
        t.add(Like, Like, Some(0)); // out-of-range importance ignored
        t.add(Like, Like, Some(6));
        assert_eq!(t.n(), 5);
        assert_eq!(t.cells[0][4], 2);
        assert_eq!(t.cells[2][4], 1);
        assert_eq!(t.cells[0][0], 2);
        assert_eq!((t.importance_sum, t.importance_n), (8, 2));
        assert_eq!(
            t.counts(),
            CategoryCounts {
                a: 0,
                o: 2,
                m: 1,
                i: 0,
                r: 0,
                q: 2
            }
        );

        let mut grouped = Tally::default();
        grouped.add_cell(Like, Dislike, 2);
        grouped.add_cell(Neutral, Dislike, 1);
        grouped.add_cell(Like, Like, 2);
        grouped.add_importance(8, 2);
        assert_eq!(grouped, t);

        let mut merged = t;
        merged.merge(&grouped);
        assert_eq!(merged.n(), 10);
        assert_eq!(merged.cells[0][4], 4);
        assert_eq!((merged.importance_sum, merged.importance_n), (16, 4));
        assert_eq!(merged.counts().o, 4);
        assert_eq!(merged.counts().total(), 10);
        assert_eq!(merged.counts().get(Q), 4);
    }

    #[test]
    fn better_worse_berger_sauerwein_example() {
        // A=9, O=5, M=2, I=4 → denominator 9+5+2+4 = 20;
        // Better = (9+5)/20 = 0.70; Worse = −(5+2)/20 = −0.35.
        let r = classify(&tally_of(9, 5, 2, 4, 0, 0));
        assert_some_close(r.better, 0.70);
        assert_some_close(r.worse, -0.35);
        // Total strength = (9+5+2)/20 = 0.80.
        assert_close(r.total_strength, 0.80);
    }

    #[test]
    fn better_worse_ignore_r_and_q() {
        // A=3, O=10, M=5, I=2 (+ R=1, Q=1 left out) → denominator 20;
        // Better = 13/20 = 0.65; Worse = −15/20 = −0.75.
        let r = classify(&tally_of(3, 10, 5, 2, 1, 1));
        assert_eq!(r.n, 22);
        assert_some_close(r.better, 0.65);
        assert_some_close(r.worse, -0.75);
        // Total strength uses all 22 answers: 18/22.
        assert_close(r.total_strength, 18.0 / 22.0);
        // Mode O=10, second M=5: strength (10−5)/22.
        assert_close(r.category_strength, 5.0 / 22.0);
    }

    #[test]
    fn better_worse_pure_must_be() {
        // M=8, I=2 → Better = 0/10 = 0; Worse = −8/10 = −0.8.
        let r = classify(&tally_of(0, 0, 8, 2, 0, 0));
        assert_some_close(r.better, 0.0);
        assert_some_close(r.worse, -0.8);
    }

    #[test]
    fn worse_is_never_negative_zero() {
        let r = classify(&tally_of(7, 0, 0, 0, 0, 0));
        let worse = r.worse.unwrap_or(f64::NAN);
        assert_eq!(worse, 0.0);
        assert!(!worse.is_sign_negative());
        assert_some_close(r.better, 1.0);
        // Only-I input: both coefficients zero, Worse still +0.0.
        let r = classify(&tally_of(0, 0, 0, 3, 0, 0));
        assert!(!r.worse.unwrap_or(f64::NAN).is_sign_negative());
        assert_some_close(r.better, 0.0);
    }

    #[test]
    fn fong_not_significant_switches_to_priority_winner() {
        // A=10, M=9, I=1, n=20: a=10, b=9; threshold = 1.65·sqrt(19·21/40)
        // = 1.65·sqrt(9.975) = 1.65·3.15832 = 5.21123; difference 1 < 5.21 → not significant.
        let r = classify(&tally_of(10, 0, 9, 1, 0, 0));
        assert_eq!(r.mode_category, Some(A));
        assert_eq!(r.category, Some(M));
        assert!(!r.significant);
        assert!(!r.fong.significant);
        assert_close(r.fong.difference, 1.0);
        assert!((r.fong.threshold - 5.211_231_86).abs() < 1e-6);
        assert_close(r.category_strength, 0.05);
        assert!(r.category_strength < WEAK_CATEGORY_STRENGTH);
    }

    #[test]
    fn fong_berger_example_not_significant() {
        // A=9, O=5, M=2, I=4, n=20: a=9, b=5; threshold = 1.65·sqrt(14·26/40)
        // = 1.65·sqrt(9.1) = 4.97742; difference 4 < 4.98 → O (before A in PRIORITY).
        let r = classify(&tally_of(9, 5, 2, 4, 0, 0));
        assert_eq!(r.mode_category, Some(A));
        assert_eq!(r.category, Some(O));
        assert!(!r.significant);
        assert!((r.fong.threshold - 4.977_424_03).abs() < 1e-6);
        assert_close(r.category_strength, 0.2);
    }

    #[test]
    fn fong_significant_keeps_mode() {
        // M=30, O=10, A=5, I=5, n=50: threshold = 1.65·sqrt(40·60/100) = 1.65·sqrt(24)
        // = 8.08332; difference 20 ≥ 8.08 → significant, M.
        let r = classify(&tally_of(5, 10, 30, 5, 0, 0));
        assert_eq!(r.mode_category, Some(M));
        assert_eq!(r.category, Some(M));
        assert!(r.significant);
        assert_close(r.fong.difference, 20.0);
        assert!((r.fong.threshold - 8.083_316_15).abs() < 1e-6);
        assert_close(r.category_strength, 0.4);

        // A=15, M=5, n=20: threshold = 1.65·sqrt(20·20/40) = 1.65·sqrt(10) = 5.21776;
        // difference 10 ≥ 5.22 → significant, so A stays although M has priority.
        let r = classify(&tally_of(15, 0, 5, 0, 0, 0));
        assert_eq!(r.mode_category, Some(A));
        assert_eq!(r.category, Some(A));
        assert!(r.significant);
        assert!((r.fong.threshold - 5.217_758_14).abs() < 1e-6);
    }

    #[test]
    fn fong_not_significant_mode_already_first() {
        // I=6, A=5, n=11 → A wins the switch (A before I).
        let r = classify(&tally_of(5, 0, 0, 6, 0, 0));
        assert_eq!(r.mode_category, Some(I));
        assert_eq!(r.category, Some(A));
        // A=6, I=5 → not significant, but A already precedes I: stays A.
        let r = classify(&tally_of(6, 0, 0, 5, 0, 0));
        assert_eq!(r.mode_category, Some(A));
        assert_eq!(r.category, Some(A));
        assert!(!r.significant);
    }

    #[test]
    fn exact_ties_follow_priority() {
        // O=5, M=5: mode M; second O; difference 0 → not significant; category M.
        let r = classify(&tally_of(0, 5, 5, 0, 0, 0));
        assert_eq!(r.mode_category, Some(M));
        assert_eq!(r.category, Some(M));
        assert!(!r.significant);
        assert_close(r.fong.difference, 0.0);
        // threshold = 1.65·sqrt(10·10/20) = 1.65·sqrt(5) = 3.68951.
        assert!((r.fong.threshold - 3.689_512_16).abs() < 1e-6);
        assert_close(r.category_strength, 0.0);

        let r = classify(&tally_of(4, 4, 0, 4, 0, 0));
        assert_eq!(r.mode_category, Some(O));
        assert_eq!(r.category, Some(O));
        let r = classify(&tally_of(3, 0, 0, 3, 0, 0));
        assert_eq!(r.mode_category, Some(A));
        let r = classify(&tally_of(0, 0, 0, 0, 2, 2));
        assert_eq!(r.mode_category, Some(R));
        assert_eq!(r.category, Some(R));
    }

    #[test]
    fn all_reverse_or_questionable() {
        let r = classify(&tally_of(0, 0, 0, 0, 3, 0));
        assert_eq!(r.mode_category, Some(R));
        assert_eq!(r.category, Some(R));
        assert_eq!(r.better, None);
        assert_eq!(r.worse, None);
        assert_close(r.total_strength, 0.0);
        assert_close(r.category_strength, 1.0);

        let mut t = Tally::default();
        t.add(Like, Like, None);
        t.add(Dislike, Dislike, None);
        let r = classify(&t);
        assert_eq!(r.counts.q, 2);
        assert_eq!(r.mode_category, Some(Q));
        assert_eq!(r.category, Some(Q));
        assert_eq!(r.better, None);
        assert_eq!(r.worse, None);
        // Q answers still count for DuMouchel: f (4 − 2)/2 = 1, d (−2 + 4)/2 = 1.
        assert_some_close(r.dumouchel.functional, 1.0);
        assert_some_close(r.dumouchel.dysfunctional, 1.0);
    }

    #[test]
    fn empty_tally() {
        let r = classify(&Tally::default());
        assert_eq!(r.n, 0);
        assert_eq!(r.counts, CategoryCounts::default());
        assert_eq!(r.mode_category, None);
        assert_eq!(r.category, None);
        assert!(!r.significant);
        assert_eq!(r.fong, Fong::default());
        assert_eq!(r.fong.difference, 0.0);
        assert_eq!(r.fong.threshold, 0.0);
        assert_eq!(r.category_strength, 0.0);
        assert_eq!(r.total_strength, 0.0);
        assert_eq!(r.better, None);
        assert_eq!(r.worse, None);
        assert_eq!(r.dumouchel, DuMouchel::default());
        assert_eq!(r.dumouchel.functional, None);
        assert_eq!(r.dumouchel.importance, None);
    }

    #[test]
    fn single_answer() {
        // One O answer: a=1, b=0; threshold = 1.65·sqrt(1·1/2) = 1.16673 > 1 → not significant,
        // but with no competitor the category is still O.
        let mut t = Tally::default();
        t.add(Like, Dislike, Some(4));
        let r = classify(&t);
        assert_eq!(r.n, 1);
        assert_eq!(r.mode_category, Some(O));
        assert_eq!(r.category, Some(O));
        assert!(!r.significant);
        assert_close(r.fong.difference, 1.0);
        assert!((r.fong.threshold - 1.166_726_19).abs() < 1e-6);
        assert_close(r.category_strength, 1.0);
        assert_close(r.total_strength, 1.0);
        assert_some_close(r.better, 1.0);
        assert_some_close(r.worse, -1.0);
        assert_some_close(r.dumouchel.functional, 4.0);
        assert_some_close(r.dumouchel.dysfunctional, 4.0);
        assert_some_close(r.dumouchel.importance, 4.0);
    }

    #[test]
    fn sums_add_up_like_tallies_and_classify_alike() {
        let mut first = Tally::default();
        first.add(Like, Dislike, Some(5));
        first.add(Like, Neutral, Some(4));
        first.add(Dislike, Like, None);
        let mut second = Tally::default();
        second.add(MustBe, Dislike, Some(3));
        second.add(Like, Like, None);
        second.add(LiveWith, Neutral, Some(1));
        let mut pooled = first;
        pooled.merge(&second);
        let mut sums = first.sums();
        sums.merge(&second.sums());
        assert_eq!(sums, pooled.sums());
        // Functional: like 4 + 4 − 2 (dislike) + 2 (must-be) + 4 − 1 (live-with) = 11.
        assert_eq!(sums.functional_score, 11);
        // Dysfunctional: dislike 4, neutral 0, like −2, dislike 4, like −2, neutral 0 = 4.
        assert_eq!(sums.dysfunctional_score, 4);
        assert_eq!(sums.counts, pooled.counts());
        assert_eq!((sums.importance_sum, sums.importance_n), (13, 4));
        assert_eq!(classify_sums(&sums), classify(&pooled));
    }

    #[test]
    fn dumouchel_means() {
        // (like, dislike) O: f 4, d 4; (must-be, dislike) M: f 2, d 4;
        // (neutral, neutral) I: f 0, d 0; (like, neutral) A: f 4, d 0;
        // (dislike, like) R: f −2, d −2.
        // Functional mean = (4+2+0+4−2)/5 = 8/5 = 1.6; dysfunctional = (4+4+0+0−2)/5 = 1.2.
        // Importance 5, 3, none, 4, none → 12/3 = 4.0.
        let mut t = Tally::default();
        t.add(Like, Dislike, Some(5));
        t.add(MustBe, Dislike, Some(3));
        t.add(Neutral, Neutral, None);
        t.add(Like, Neutral, Some(4));
        t.add(Dislike, Like, None);
        let r = classify(&t);
        assert_eq!(r.n, 5);
        assert_some_close(r.dumouchel.functional, 1.6);
        assert_some_close(r.dumouchel.dysfunctional, 1.2);
        assert_some_close(r.dumouchel.importance, 4.0);

        // Answers without any importance: means present, importance None.
        let mut t = Tally::default();
        t.add(LiveWith, LiveWith, None);
        t.add(MustBe, MustBe, None);
        let r = classify(&t);
        // f (−1 + 2)/2 = 0.5; d (2 − 1)/2 = 0.5.
        assert_some_close(r.dumouchel.functional, 0.5);
        assert_some_close(r.dumouchel.dysfunctional, 0.5);
        assert_eq!(r.dumouchel.importance, None);
    }

    #[test]
    fn counts_from_tally_match_pairwise_evaluation() {
        let mut t = Tally::default();
        let mut expected = CategoryCounts::default();
        for (k, f) in Answer::ALL.into_iter().enumerate() {
            for (j, d) in Answer::ALL.into_iter().enumerate() {
                let count = (k * 5 + j + 1) as u64;
                t.add_cell(f, d, count);
                *expected.slot_mut(evaluate(f, d)) += count;
            }
        }
        assert_eq!(t.counts(), expected);
        assert_eq!(t.n(), (1..=25).sum::<u64>());
        assert_eq!(classify(&t).n, t.n());
    }
}
