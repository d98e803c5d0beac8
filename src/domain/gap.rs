//! Gap analysis: how far current capability falls short of what each segment requires, and the
//! order in which to close the gaps.
//!
//! **Fulfilment** (0..=1) says how far the newest assessment meets the requirement's target:
//! - a fulfilment level given directly is used as it is (clamped to 0..=1);
//! - a measured value `v` against target `t`: higher-is-better → `min(1, v / t)` (a target of 0
//!   is always met); lower-is-better → `min(1, t / v)` (a value of 0 always meets it).
//!
//! **Gap** = `1 − fulfilment`. A requirement that has not been assessed (or whose value cannot be
//! compared because it has no target) counts as fulfilment 0, gap 1: it is listed and ranked, never
//! dropped, because an unknown is a gap until someone measures it.
//!
//! **Tiers** follow Kano's order of work: 1 basic needs (M), 2 satisfiers (O), 3 delighters (A).
//! Every unmet basic need ranks above every satisfier, and every satisfier above every delighter,
//! whatever their scores: no delighter makes up for a missing basic. Rows with no gap left are
//! listed as *met*; indifferent (I) and questionable (Q) requirements are *not ranked* (not worth
//! investment, or the answers contradict themselves); reverse (R) ones are *do not build*.
//!
//! **Score**, within a tier:
//!
//! ```text
//! score = gap × (importance / 5) × segment weight × Kano effect
//! ```
//!
//! - importance is the mean 1..=5 rating, 3 when unknown;
//! - the Kano effect is how strongly the requirement moves satisfaction, from the Better/Worse
//!   coefficients (Berger et al. 1993): a basic need's |Worse| (the dissatisfaction its absence
//!   causes), a delighter's Better (the satisfaction its presence adds), a satisfier's
//!   (Better + |Worse|) / 2 (it does both); 0.5 when there are no questionnaire answers.
//!
//! Ties are broken by gap, then importance, then segment weight (all larger first), then
//! requirement key and segment id, so the order is fully deterministic. Ranks run 1, 2, 3, …
//! across all tiers. Every row carries the parts its score is the product of.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Serialize, Serializer};

use super::halves;
use super::kano::KanoCategory;
use super::terms::Direction;

/// Where the classification came from. The classification module's type, so a consolidated
/// classification can be passed on without conversion.
pub use super::classification::Source;

/// Importance assumed when no one rated it: the middle of the 1..=5 scale.
pub const DEFAULT_IMPORTANCE: f64 = 3.0;
/// Kano effect assumed without questionnaire coefficients: halfway, neither inflating nor
/// burying a requirement that only facilitators classified.
pub const DEFAULT_KANO_EFFECT: f64 = 0.5;

/// A gap this small counts as closed, so rounding in a fulfilment level cannot keep a row ranked.
const MET_TOLERANCE: f64 = 1e-9;

/// Current capability as measured: a value of the requirement's metric, or a fulfilment level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Capability {
    Value(f64),
    Fulfilment(f64),
}

/// How far current capability meets the target, 0..=1.
///
/// A value needs both the target and the direction to be compared; without them, or with a
/// non-finite input, the result is `None` (not assessable).
pub fn fulfilment(capability: Capability, target: Option<f64>, direction: Option<Direction>) -> Option<f64> {
    match capability {
        Capability::Fulfilment(f) => f.is_finite().then(|| f.clamp(0.0, 1.0)),
        Capability::Value(v) => {
            let (t, direction) = (target?, direction?);
            if !v.is_finite() || !t.is_finite() {
                return None;
            }
            let ratio = match direction {
                // Any value meets a zero target.
                Direction::HigherIsBetter if t == 0.0 => 1.0,
                Direction::HigherIsBetter => v / t,
                // Nothing beats zero (no incidents, no waiting).
                Direction::LowerIsBetter if v == 0.0 => 1.0,
                Direction::LowerIsBetter => t / v,
            };
            // Over-achievement is capped: beating one target does not pay off another gap.
            Some(ratio.clamp(0.0, 1.0))
        }
    }
}

/// One requirement for one segment, with its classification and newest assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct GapInput {
    pub requirement_id: i32,
    pub requirement_key: String,
    pub service_area_id: i32,
    pub segment_id: i32,
    /// How much the segment counts in cross-segment priorities; > 0.
    pub segment_weight: f64,
    /// Consolidated classification for this segment.
    pub category: KanoCategory,
    pub source: Source,
    /// Mean importance 1..=5; None when unknown.
    pub importance: Option<f64>,
    /// Questionnaire coefficients; None without answers.
    pub better: Option<f64>,
    /// ≤ 0.
    pub worse: Option<f64>,
    pub target: Option<f64>,
    pub direction: Option<Direction>,
    /// Newest assessment; None = not assessed.
    pub capability: Option<Capability>,
}

/// The parts a score is the product of, so every rank can be explained.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ScoreParts {
    pub gap: f64,
    /// The importance used (DEFAULT_IMPORTANCE when unknown).
    pub importance: f64,
    /// importance / 5.
    pub importance_factor: f64,
    pub segment_weight: f64,
    pub kano_effect: f64,
    /// Which coefficients the effect came from: "worse" | "better" | "better_and_worse" | "default".
    pub kano_effect_basis: &'static str,
}

impl ScoreParts {
    /// gap × importance_factor × segment_weight × kano_effect, multiplied in that order so the
    /// reported score can be recomputed exactly from the reported parts.
    pub fn product(&self) -> f64 {
        self.gap * self.importance_factor * self.segment_weight * self.kano_effect
    }
}

/// The parts of the score of `input` with the given gap.
pub fn score_parts(input: &GapInput, gap: f64) -> ScoreParts {
    let importance = input
        .importance
        .filter(|i| i.is_finite())
        .map_or(DEFAULT_IMPORTANCE, |i| i.clamp(1.0, 5.0));
    // Non-finite coefficients are treated as missing rather than poisoning the order.
    let better = input.better.filter(|b| b.is_finite());
    let worse = input.worse.filter(|w| w.is_finite()).map(f64::abs);
    let effect = match input.category {
        KanoCategory::M => worse.map(|w| (w, "worse")),
        KanoCategory::A => better.map(|b| (b, "better")),
        KanoCategory::O => better.zip(worse).map(|(b, w)| ((b + w) / 2.0, "better_and_worse")),
        KanoCategory::I | KanoCategory::R | KanoCategory::Q => None,
    };
    let (kano_effect, kano_effect_basis) = effect.map_or((DEFAULT_KANO_EFFECT, "default"), |(e, basis)| {
        // Coefficients are proportions; out-of-range input must not flip the order.
        (e.clamp(0.0, 1.0), basis)
    });
    ScoreParts {
        gap,
        importance,
        importance_factor: importance / 5.0,
        segment_weight: input.segment_weight,
        kano_effect,
        kano_effect_basis,
    }
}

/// Tiers in the order Kano says to work them. Serialized as the number 1, 2 or 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Tier {
    BasicNeed = 1,
    Satisfier = 2,
    Delighter = 3,
}

impl Tier {
    /// The tier of a category; None for categories that are not worked (I, R, Q).
    pub fn of(category: KanoCategory) -> Option<Tier> {
        match category {
            KanoCategory::M => Some(Tier::BasicNeed),
            KanoCategory::O => Some(Tier::Satisfier),
            KanoCategory::A => Some(Tier::Delighter),
            KanoCategory::I | KanoCategory::R | KanoCategory::Q => None,
        }
    }

    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

/// Where a row lands in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// An open gap in a basic need, satisfier or delighter.
    Ranked,
    /// A basic need, satisfier or delighter with no gap left.
    Met,
    /// Indifferent or questionable: not worth investment (yet).
    NotRanked,
    /// Reverse: the segment wants it absent.
    DoNotBuild,
}

/// The category as its one-letter code, as everywhere else on the wire.
fn serialize_letter<S: Serializer>(category: &KanoCategory, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(category.letter())
}

/// One requirement for one segment in the report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GapRow {
    /// 1.. over all ranked rows in report order; None unless Ranked.
    pub rank: Option<u32>,
    pub placement: Placement,
    /// Some for M, O and A (also when met).
    pub tier: Option<Tier>,
    pub requirement_id: i32,
    pub requirement_key: String,
    pub service_area_id: i32,
    pub segment_id: i32,
    #[serde(serialize_with = "serialize_letter")]
    pub category: KanoCategory,
    pub category_name: &'static str,
    pub source: Source,
    pub importance: Option<f64>,
    pub target: Option<f64>,
    /// The measured value, when the assessment was a value.
    pub current_value: Option<f64>,
    /// 0 when not assessed.
    pub fulfilment: f64,
    /// 1 − fulfilment; 1 when not assessed.
    pub gap: f64,
    pub assessed: bool,
    /// The product of the parts; 0 for rows that are not Ranked.
    pub score: f64,
    pub score_parts: ScoreParts,
}

/// Totals for one segment or service area.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GapSummary {
    pub id: i32,
    pub ranked: u32,
    pub basic_needs: u32,
    pub satisfiers: u32,
    pub delighters: u32,
    pub met: u32,
    /// Rows without a usable assessment, in any placement.
    pub not_assessed: u32,
    /// Mean gap over ranked rows; None when there are none.
    pub mean_gap: Option<f64>,
    pub total_score: f64,
}

/// The ranked gaps and their totals.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GapReport {
    /// Ranked rows in rank order, then met, then not ranked, then do-not-build rows.
    pub rows: Vec<GapRow>,
    /// Sorted by segment id.
    pub by_segment: Vec<GapSummary>,
    /// Sorted by service area id.
    pub by_service_area: Vec<GapSummary>,
}

/// Places, scores and ranks every input; nothing is dropped.
pub fn rank(inputs: Vec<GapInput>) -> GapReport {
    rank_with(inputs, halves::MIN_PARALLEL)
}

/// [`rank`], its rows built and sorted in two halves on two threads from `min_parallel` rows.
fn rank_with(inputs: Vec<GapInput>, min_parallel: usize) -> GapReport {
    let mut rows: Vec<GapRow> = halves::map(inputs, row_of, min_parallel);
    // Small keys are sorted, not rows: a row is some 200 bytes, and moving 100 000 of them
    // (or comparing them where they lie) was most of the ranking's time. The order is total (a
    // row's requirement and segment are unique in a report), so an unstable sort gives the one
    // order there is.
    let places = key_places(&rows);
    let keys: Vec<(SortKey, usize)> = rows
        .iter()
        .zip(places)
        .enumerate()
        .map(|(i, (r, place))| (SortKey::of(r, place), i))
        .collect();
    let order: Vec<usize> = halves::sort(keys, min_parallel).into_iter().map(|(_, i)| i).collect();
    permute(&mut rows, order);
    let mut next = 1u32;
    for row in rows.iter_mut().filter(|r| r.placement == Placement::Ranked) {
        row.rank = Some(next);
        next = next.saturating_add(1);
    }
    let by_segment = summarise(&rows, |r| r.segment_id);
    let by_service_area = summarise(&rows, |r| r.service_area_id);
    GapReport {
        rows,
        by_segment,
        by_service_area,
    }
}

fn row_of(input: GapInput) -> GapRow {
    let current_value = match input.capability {
        Some(Capability::Value(v)) => Some(v),
        _ => None,
    };
    let measured = input
        .capability
        .and_then(|c| fulfilment(c, input.target, input.direction));
    let fulfilment = measured.unwrap_or(0.0);
    let gap = 1.0 - fulfilment;
    let tier = Tier::of(input.category);
    let placement = match (input.category, tier) {
        (KanoCategory::R, _) => Placement::DoNotBuild,
        (_, None) => Placement::NotRanked,
        (_, Some(_)) if gap <= MET_TOLERANCE => Placement::Met,
        (_, Some(_)) => Placement::Ranked,
    };
    let score_parts = score_parts(&input, gap);
    let score = if placement == Placement::Ranked {
        score_parts.product()
    } else {
        0.0
    };
    GapRow {
        rank: None,
        placement,
        tier,
        requirement_id: input.requirement_id,
        requirement_key: input.requirement_key,
        service_area_id: input.service_area_id,
        segment_id: input.segment_id,
        category: input.category,
        category_name: input.category.name(),
        source: input.source,
        importance: input.importance,
        target: input.target,
        current_value,
        fulfilment,
        gap,
        assessed: measured.is_some(),
        score,
        score_parts,
    }
}

/// Position of a placement group in the report.
fn group(placement: Placement) -> u8 {
    match placement {
        Placement::Ranked => 0,
        Placement::Met => 1,
        Placement::NotRanked => 2,
        Placement::DoNotBuild => 3,
    }
}

/// Where a row goes in the report: placement group; ranked rows by tier, then larger score,
/// gap, importance and segment weight first; then requirement key and segment. As plain
/// numbers compared field by field: the scores as bits that order like `f64::total_cmp`
/// (inverted: larger first), the requirement key as its place among the report's keys.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    group: u8,
    /// 0 for rows that are not ranked (ordered by key alone), else the tier (1 = basic need).
    tier: u8,
    score: u64,
    gap: u64,
    importance: u64,
    segment_weight: u64,
    requirement_key: u32,
    segment_id: i32,
}

impl SortKey {
    fn of(row: &GapRow, key_place: u32) -> Self {
        let ranked = row.placement == Placement::Ranked;
        let larger_first = |x: f64| if ranked { !total_order_bits(x) } else { 0 };
        SortKey {
            group: group(row.placement),
            tier: if ranked { row.tier.map_or(0, |t| t as u8) } else { 0 },
            score: larger_first(row.score),
            gap: larger_first(row.gap),
            importance: larger_first(row.score_parts.importance),
            segment_weight: larger_first(row.score_parts.segment_weight),
            requirement_key: key_place,
            segment_id: row.segment_id,
        }
    }
}

/// Bits of `x` that compare as unsigned numbers the way `f64::total_cmp` compares the floats.
fn total_order_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Each row's requirement key as its place in the sorted keys of all rows (equal keys, equal
/// places), so the sort compares numbers, not strings elsewhere in memory. A report repeats a
/// requirement once per segment: rows are grouped by requirement id (numbers, cheap to sort)
/// and only one key per requirement is compared and sorted. Should one id come with
/// different keys (never from the database, where keys are unique), every row's key is
/// looked up instead.
fn key_places(rows: &[GapRow]) -> Vec<u32> {
    let mut by_id: Vec<(i32, u32)> = rows.iter().zip(0u32..).map(|(r, i)| (r.requirement_id, i)).collect();
    by_id.sort_unstable();
    let key = |i: u32| rows[i as usize].requirement_key.as_str();
    // Each requirement's key, in id order (a group per requirement).
    let mut group_keys: Vec<&str> = Vec::new();
    let mut last_id = None;
    for &(id, i) in &by_id {
        if last_id != Some(id) {
            group_keys.push(key(i));
            last_id = Some(id);
        } else if group_keys.last() != Some(&key(i)) {
            return key_places_by_text(rows);
        }
    }
    let mut sorted: Vec<(&str, usize)> = group_keys.iter().copied().zip(0..).collect();
    sorted.sort_unstable();
    let mut group_place = vec![0u32; group_keys.len()];
    let mut place = 0u32;
    for (k, &(text, group)) in sorted.iter().enumerate() {
        if k > 0 && sorted[k - 1].0 != text {
            place += 1;
        }
        group_place[group] = place;
    }
    let mut places = vec![0u32; rows.len()];
    let mut group = 0;
    for (at, &(id, i)) in by_id.iter().enumerate() {
        if at > 0 && by_id[at - 1].0 != id {
            group += 1;
        }
        places[i as usize] = group_place[group];
    }
    places
}

/// [`key_places`] by each row's key text.
fn key_places_by_text(rows: &[GapRow]) -> Vec<u32> {
    let mut keys: Vec<&str> = rows
        .iter()
        .map(|r| r.requirement_key.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    keys.sort_unstable();
    let place_of: HashMap<&str, u32> = keys.iter().zip(0u32..).map(|(key, place)| (*key, place)).collect();
    rows.iter().map(|r| place_of[r.requirement_key.as_str()]).collect()
}

/// Puts `items[order[k]]` at position k, in place: `order` must be a permutation of the
/// positions. Each cycle of the permutation is followed once, so every item moves once.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        // Follow the cycle through `start`; a visited position points at itself afterwards.
        let mut k = start;
        while order[k] != start {
            let from = order[k];
            items.swap(k, from);
            order[k] = k;
            k = from;
        }
        order[k] = k;
    }
}

fn summarise(rows: &[GapRow], id_of: impl Fn(&GapRow) -> i32) -> Vec<GapSummary> {
    // Gap sums ride alongside so the mean is taken once at the end.
    let mut by_id: BTreeMap<i32, (GapSummary, f64)> = BTreeMap::new();
    for row in rows {
        let id = id_of(row);
        let (summary, gap_sum) = by_id.entry(id).or_insert_with(|| {
            (
                GapSummary {
                    id,
                    ranked: 0,
                    basic_needs: 0,
                    satisfiers: 0,
                    delighters: 0,
                    met: 0,
                    not_assessed: 0,
                    mean_gap: None,
                    total_score: 0.0,
                },
                0.0,
            )
        });
        match row.placement {
            Placement::Ranked => {
                summary.ranked += 1;
                *gap_sum += row.gap;
                match row.tier {
                    Some(Tier::BasicNeed) => summary.basic_needs += 1,
                    Some(Tier::Satisfier) => summary.satisfiers += 1,
                    Some(Tier::Delighter) => summary.delighters += 1,
                    None => {}
                }
            }
            Placement::Met => summary.met += 1,
            Placement::NotRanked | Placement::DoNotBuild => {}
        }
        if !row.assessed {
            summary.not_assessed += 1;
        }
        summary.total_score += row.score;
    }
    by_id
        .into_values()
        .map(|(mut summary, gap_sum)| {
            summary.mean_gap = (summary.ranked > 0).then(|| gap_sum / f64::from(summary.ranked));
            summary
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use KanoCategory::{A, I, M, O, Q, R};

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Two cycles (0 → 2 → 4 → 0, 1 → 5 → 1) and a fixed point (3).
        permute(&mut items, vec![2, 5, 4, 3, 0, 1]);
        assert_eq!(items, vec!['c', 'f', 'e', 'd', 'a', 'b']);
        let mut none: Vec<u8> = Vec::new();
        permute(&mut none, Vec::new());
        assert!(none.is_empty());
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
    }

    /// A facilitator-classified, unassessed requirement of weight 1 with no importance.
    fn input(key: &str, segment_id: i32, category: KanoCategory) -> GapInput {
        GapInput {
            requirement_id: 0,
            requirement_key: key.to_owned(),
            service_area_id: 1,
            segment_id,
            segment_weight: 1.0,
            category,
            source: Source::Facilitator,
            importance: None,
            better: None,
            worse: None,
            target: None,
            direction: None,
            capability: None,
        }
    }

    /// With a fulfilment level, an importance and a Better coefficient (for delighters).
    fn delighter(key: &str, level: f64, importance: f64, weight: f64, better: f64) -> GapInput {
        GapInput {
            capability: Some(Capability::Fulfilment(level)),
            importance: Some(importance),
            segment_weight: weight,
            better: Some(better),
            worse: Some(0.0),
            source: Source::Questionnaire,
            ..input(key, 1, A)
        }
    }

    fn keys(report: &GapReport) -> Vec<(&str, i32)> {
        report
            .rows
            .iter()
            .map(|r| (r.requirement_key.as_str(), r.segment_id))
            .collect()
    }

    #[test]
    fn fulfilment_higher_is_better() {
        let up = Some(Direction::HigherIsBetter);
        // 90 of 120 → 0.75.
        assert_eq!(fulfilment(Capability::Value(90.0), Some(120.0), up), Some(0.75));
        // 150 of 120 → 1.25, capped at 1.
        assert_eq!(fulfilment(Capability::Value(150.0), Some(120.0), up), Some(1.0));
        // Target 0: any value meets it, even 0.
        assert_eq!(fulfilment(Capability::Value(0.0), Some(0.0), up), Some(1.0));
        assert_eq!(fulfilment(Capability::Value(7.0), Some(0.0), up), Some(1.0));
        // 0 of 120 → 0; a negative value does not go below 0.
        assert_eq!(fulfilment(Capability::Value(0.0), Some(120.0), up), Some(0.0));
        assert_eq!(fulfilment(Capability::Value(-5.0), Some(120.0), up), Some(0.0));
    }

    #[test]
    fn fulfilment_lower_is_better() {
        let down = Some(Direction::LowerIsBetter);
        // 30 min against a 20 min target → 20/30 = 2/3.
        assert_close(
            fulfilment(Capability::Value(30.0), Some(20.0), down).unwrap(),
            2.0 / 3.0,
        );
        // 10 against 20 → 2, capped at 1.
        assert_eq!(fulfilment(Capability::Value(10.0), Some(20.0), down), Some(1.0));
        // Current 0 meets any lower-is-better target, including 0.
        assert_eq!(fulfilment(Capability::Value(0.0), Some(20.0), down), Some(1.0));
        assert_eq!(fulfilment(Capability::Value(0.0), Some(0.0), down), Some(1.0));
        // Target 0 with 4 incidents → 0/4 = 0.
        assert_eq!(fulfilment(Capability::Value(4.0), Some(0.0), down), Some(0.0));
    }

    #[test]
    fn fulfilment_level_is_clamped() {
        assert_eq!(fulfilment(Capability::Fulfilment(0.4), None, None), Some(0.4));
        assert_eq!(fulfilment(Capability::Fulfilment(1.3), None, None), Some(1.0));
        assert_eq!(fulfilment(Capability::Fulfilment(-0.2), None, None), Some(0.0));
        // A level needs no target: the target and direction are ignored.
        assert_eq!(
            fulfilment(Capability::Fulfilment(0.5), Some(9.0), Some(Direction::LowerIsBetter)),
            Some(0.5)
        );
        assert_eq!(fulfilment(Capability::Fulfilment(f64::NAN), None, None), None);
    }

    #[test]
    fn value_needs_target_and_direction() {
        let up = Some(Direction::HigherIsBetter);
        assert_eq!(fulfilment(Capability::Value(5.0), None, up), None);
        assert_eq!(fulfilment(Capability::Value(5.0), Some(10.0), None), None);
        assert_eq!(fulfilment(Capability::Value(f64::NAN), Some(10.0), up), None);
        assert_eq!(fulfilment(Capability::Value(5.0), Some(f64::INFINITY), up), None);
    }

    #[test]
    fn missing_assessment_is_a_full_gap_and_listed() {
        let unassessed = input("HD-CALLBACK", 1, M);
        // A value that cannot be compared (no target) is not an assessment either.
        let incomparable = GapInput {
            capability: Some(Capability::Value(5.0)),
            ..input("HD-HOURS", 1, O)
        };
        let report = rank(vec![unassessed, incomparable]);
        assert_eq!(report.rows.len(), 2);
        for row in &report.rows {
            assert!(!row.assessed);
            assert_eq!(row.fulfilment, 0.0);
            assert_eq!(row.gap, 1.0);
            assert_eq!(row.placement, Placement::Ranked);
        }
        assert_eq!(report.rows[0].current_value, None);
        assert_eq!(report.rows[1].current_value, Some(5.0), "the value is still reported");
        assert_eq!(report.by_segment[0].not_assessed, 2);
    }

    #[test]
    fn tier_order_beats_score() {
        // Basic need: gap 0.1, importance 1 (0.2), weight 1, |worse| 0.1 → 0.1·0.2·1·0.1 = 0.002.
        let basic = GapInput {
            capability: Some(Capability::Fulfilment(0.9)),
            importance: Some(1.0),
            worse: Some(-0.1),
            better: Some(0.0),
            ..input("ZZ-BASIC", 1, M)
        };
        // Satisfier: gap 1, importance 5 (1.0), weight 3, (0.9 + 0.9)/2 = 0.9 → 2.7.
        let satisfier = GapInput {
            importance: Some(5.0),
            segment_weight: 3.0,
            better: Some(0.9),
            worse: Some(-0.9),
            ..input("AA-SAT", 1, O)
        };
        // Delighter: gap 1, importance 5, weight 3, better 1 → 3.0.
        let delight = delighter("AA-DELIGHT", 0.0, 5.0, 3.0, 1.0);
        let report = rank(vec![delight, satisfier, basic]);
        assert_eq!(keys(&report), [("ZZ-BASIC", 1), ("AA-SAT", 1), ("AA-DELIGHT", 1)]);
        let tiers: Vec<_> = report.rows.iter().map(|r| r.tier).collect();
        assert_eq!(
            tiers,
            [Some(Tier::BasicNeed), Some(Tier::Satisfier), Some(Tier::Delighter)]
        );
        assert_close(report.rows[0].score, 0.002);
        assert_close(report.rows[1].score, 2.7);
        assert_close(report.rows[2].score, 3.0);
    }

    #[test]
    fn within_a_tier_higher_score_first() {
        // Delighters, weight 1, importance 5 (factor 1), better 0.5:
        // gap 0.2 → 0.1; gap 0.8 → 0.4; gap 0.5 → 0.25.
        let report = rank(vec![
            delighter("D-LOW", 0.8, 5.0, 1.0, 0.5),
            delighter("D-HIGH", 0.2, 5.0, 1.0, 0.5),
            delighter("D-MID", 0.5, 5.0, 1.0, 0.5),
        ]);
        assert_eq!(keys(&report), [("D-HIGH", 1), ("D-MID", 1), ("D-LOW", 1)]);
        let scores: Vec<f64> = report.rows.iter().map(|r| r.score).collect();
        assert_close(scores[0], 0.4);
        assert_close(scores[1], 0.25);
        assert_close(scores[2], 0.1);
    }

    #[test]
    fn ties_broken_by_gap_importance_weight_key_segment() {
        // Equal scores 0.25, larger gap first:
        //   gap 1   · (2.5/5 = 0.5) · 1 · 0.5 = 0.25
        //   gap 0.5 · (5/5 = 1)     · 1 · 0.5 = 0.25
        let report = rank(vec![
            delighter("A-SMALL-GAP", 0.5, 5.0, 1.0, 0.5),
            delighter("B-BIG-GAP", 0.0, 2.5, 1.0, 0.5),
        ]);
        assert_eq!(report.rows[0].score, report.rows[1].score);
        assert_eq!(keys(&report), [("B-BIG-GAP", 1), ("A-SMALL-GAP", 1)]);

        // Equal score 0.5 and gap 1, more important first:
        //   1 · (2.5/5 = 0.5) · 2 · 0.5 = 0.5
        //   1 · (5/5 = 1)     · 1 · 0.5 = 0.5
        let report = rank(vec![
            delighter("A-HEAVY", 0.0, 2.5, 2.0, 0.5),
            delighter("B-IMPORTANT", 0.0, 5.0, 1.0, 0.5),
        ]);
        assert_eq!(report.rows[0].score, report.rows[1].score);
        assert_eq!(keys(&report), [("B-IMPORTANT", 1), ("A-HEAVY", 1)]);

        // Equal score 0.5, gap 1 and importance 5, heavier segment first:
        //   1 · 1 · 1 · 0.5  = 0.5
        //   1 · 1 · 2 · 0.25 = 0.5
        let report = rank(vec![
            delighter("A-LIGHT", 0.0, 5.0, 1.0, 0.5),
            delighter("B-HEAVY", 0.0, 5.0, 2.0, 0.25),
        ]);
        assert_eq!(report.rows[0].score, report.rows[1].score);
        assert_eq!(keys(&report), [("B-HEAVY", 1), ("A-LIGHT", 1)]);

        // Everything equal: requirement key, then segment id.
        let report = rank(vec![
            GapInput {
                segment_id: 2,
                ..delighter("B-KEY", 0.0, 5.0, 1.0, 0.5)
            },
            GapInput {
                segment_id: 2,
                ..delighter("A-KEY", 0.0, 5.0, 1.0, 0.5)
            },
            delighter("B-KEY", 0.0, 5.0, 1.0, 0.5),
        ]);
        assert_eq!(keys(&report), [("A-KEY", 2), ("B-KEY", 1), ("B-KEY", 2)]);
    }

    #[test]
    fn key_places_by_requirement_agree_with_places_by_text() {
        // Keys unique per requirement id (as stored): grouped by id; one id with two keys (as
        // tests build inputs): by text. Both give the places of the sorted distinct keys.
        let row = |id: i32, key: &str| {
            row_of(GapInput {
                requirement_id: id,
                ..input(key, 1, M)
            })
        };
        let stored = [row(3, "B"), row(1, "C"), row(2, "A"), row(3, "B"), row(4, "A")];
        assert_eq!(key_places(&stored), [1, 2, 0, 1, 0]);
        assert_eq!(key_places(&stored), key_places_by_text(&stored));
        let mixed = [row(0, "B"), row(0, "A"), row(5, "C"), row(0, "B")];
        assert_eq!(key_places(&mixed), [1, 0, 2, 1]);
        assert!(key_places(&[]).is_empty());
    }

    #[test]
    fn ranking_on_two_threads_gives_what_one_gives() {
        let categories = [M, O, A, I, R, Q];
        let inputs: Vec<GapInput> = (0..1200)
            .map(|i: i32| GapInput {
                requirement_id: i % 300,
                requirement_key: format!("REQ-{:03}", (i * 7) % 300),
                segment_id: i / 300,
                segment_weight: [0.5, 1.0, 2.0][(i % 3) as usize],
                importance: (i % 4 != 0).then(|| f64::from(1 + i % 5)),
                better: Some(f64::from(i % 10) / 10.0),
                worse: Some(-f64::from(i % 7) / 7.0),
                // Some met, some not assessed, many ties in score.
                capability: match i % 5 {
                    0 => None,
                    1 => Some(Capability::Fulfilment(1.0)),
                    _ => Some(Capability::Fulfilment(f64::from(i % 4) / 4.0)),
                },
                source: Source::Questionnaire,
                ..input("", 0, categories[(i % 6) as usize])
            })
            .collect();
        let one = rank_with(inputs.clone(), usize::MAX);
        let two = rank_with(inputs, 1);
        assert_eq!(two, one);
        assert_eq!(one.rows.len(), 1200);
        assert!(one.rows.iter().filter(|r| r.rank.is_some()).count() > 100);
    }

    #[test]
    fn default_effect_and_importance_without_a_questionnaire() {
        let report = rank(vec![input("HD-CALLBACK", 1, M)]);
        let row = &report.rows[0];
        assert_eq!(row.source, Source::Facilitator);
        assert_eq!(row.importance, None);
        assert_eq!(row.score_parts.importance, DEFAULT_IMPORTANCE);
        assert_close(row.score_parts.importance_factor, 0.6);
        assert_eq!(row.score_parts.kano_effect, DEFAULT_KANO_EFFECT);
        assert_eq!(row.score_parts.kano_effect_basis, "default");
        // 1 · (3/5 = 0.6) · 1 · 0.5 = 0.3.
        assert_close(row.score, 0.3);
    }

    #[test]
    fn kano_effect_by_tier() {
        let with = |category, better, worse| GapInput {
            better,
            worse,
            ..input("X1", 1, category)
        };
        // Satisfier: (0.6 + |−0.4|) / 2 = 0.5.
        let parts = score_parts(&with(O, Some(0.6), Some(-0.4)), 1.0);
        assert_close(parts.kano_effect, 0.5);
        assert_eq!(parts.kano_effect_basis, "better_and_worse");
        // Basic need: |−0.7| = 0.7, Better ignored.
        let parts = score_parts(&with(M, Some(0.2), Some(-0.7)), 1.0);
        assert_close(parts.kano_effect, 0.7);
        assert_eq!(parts.kano_effect_basis, "worse");
        // Delighter: Better 0.8, Worse ignored.
        let parts = score_parts(&with(A, Some(0.8), Some(-0.1)), 1.0);
        assert_close(parts.kano_effect, 0.8);
        assert_eq!(parts.kano_effect_basis, "better");
        // A satisfier needs both coefficients.
        let parts = score_parts(&with(O, Some(0.6), None), 1.0);
        assert_eq!(
            (parts.kano_effect, parts.kano_effect_basis),
            (DEFAULT_KANO_EFFECT, "default")
        );
        // Not worked: the default, even with coefficients.
        let parts = score_parts(&with(I, Some(0.3), Some(-0.2)), 1.0);
        assert_eq!(
            (parts.kano_effect, parts.kano_effect_basis),
            (DEFAULT_KANO_EFFECT, "default")
        );
    }

    #[test]
    fn importance_is_clamped_to_the_scale() {
        let with = |importance| GapInput {
            importance,
            ..input("X1", 1, M)
        };
        assert_eq!(score_parts(&with(Some(7.0)), 1.0).importance, 5.0);
        assert_eq!(score_parts(&with(Some(0.5)), 1.0).importance, 1.0);
        assert_eq!(score_parts(&with(Some(f64::NAN)), 1.0).importance, DEFAULT_IMPORTANCE);
        let parts = score_parts(&with(Some(4.0)), 1.0);
        assert_eq!((parts.importance, parts.importance_factor), (4.0, 0.8));
    }

    #[test]
    fn met_rows_are_listed_apart() {
        let met = GapInput {
            capability: Some(Capability::Value(15.0)),
            target: Some(20.0),
            direction: Some(Direction::LowerIsBetter),
            ..input("A-MET", 1, M)
        };
        // Gap 1e-12 is within the tolerance.
        let nearly = GapInput {
            capability: Some(Capability::Fulfilment(1.0 - 1e-12)),
            ..input("B-NEARLY", 1, A)
        };
        let open = input("C-OPEN", 1, O);
        let report = rank(vec![met, nearly, open]);
        assert_eq!(keys(&report), [("C-OPEN", 1), ("A-MET", 1), ("B-NEARLY", 1)]);
        for row in &report.rows[1..] {
            assert_eq!(row.placement, Placement::Met);
            assert_eq!(row.rank, None);
            assert_eq!(row.score, 0.0);
            assert!(row.assessed);
            assert!(row.tier.is_some(), "a met row keeps its tier");
        }
        assert_eq!(report.rows[1].gap, 0.0);
        assert_eq!(report.rows[1].current_value, Some(15.0));
        assert_eq!(report.rows[0].rank, Some(1));
    }

    #[test]
    fn indifferent_questionable_and_reverse_placement() {
        let report = rank(vec![
            input("E-REVERSE", 1, R),
            input("D-QUESTION", 1, Q),
            input("C-INDIFF", 2, I),
            input("C-INDIFF", 1, I),
            GapInput {
                capability: Some(Capability::Fulfilment(1.0)),
                ..input("Z-MET", 1, A)
            },
            input("Z-OPEN", 1, A),
        ]);
        assert_eq!(
            keys(&report),
            [
                ("Z-OPEN", 1),
                ("Z-MET", 1),
                ("C-INDIFF", 1),
                ("C-INDIFF", 2),
                ("D-QUESTION", 1),
                ("E-REVERSE", 1)
            ]
        );
        let placements: Vec<_> = report.rows.iter().map(|r| r.placement).collect();
        assert_eq!(
            placements,
            [
                Placement::Ranked,
                Placement::Met,
                Placement::NotRanked,
                Placement::NotRanked,
                Placement::NotRanked,
                Placement::DoNotBuild
            ]
        );
        for row in &report.rows[2..] {
            assert_eq!(row.tier, None);
            assert_eq!(row.rank, None);
            assert_eq!(row.score, 0.0);
            // The parts are still shown: 1 · 0.6 · 1 · 0.5 would have been 0.3.
            assert_eq!(row.score_parts.kano_effect_basis, "default");
            assert_eq!(row.score_parts.gap, 1.0);
            assert_close(row.score_parts.product(), 0.3);
        }
    }

    #[test]
    fn score_is_exactly_the_product_of_its_parts() {
        let report = rank(vec![
            GapInput {
                capability: Some(Capability::Value(37.0)),
                target: Some(30.0),
                direction: Some(Direction::LowerIsBetter),
                importance: Some(4.3),
                segment_weight: 1.7,
                better: Some(0.13),
                worse: Some(-0.71),
                ..input("HD-WAIT", 1, M)
            },
            GapInput {
                capability: Some(Capability::Value(91.0)),
                target: Some(99.5),
                direction: Some(Direction::HigherIsBetter),
                importance: Some(3.7),
                segment_weight: 0.9,
                better: Some(0.62),
                worse: Some(-0.33),
                ..input("NET-UPTIME", 2, O)
            },
            delighter("ED-VIDEO", 0.35, 2.2, 1.3, 0.77),
        ]);
        assert_eq!(report.rows.len(), 3);
        for row in &report.rows {
            let p = &row.score_parts;
            assert_eq!(
                row.score,
                p.gap * p.importance_factor * p.segment_weight * p.kano_effect
            );
            assert_eq!(p.gap, row.gap);
            assert!(row.score > 0.0);
        }
        // Hand check of the basic need: fulfilment 30/37, gap 7/37, factor 4.3/5 = 0.86,
        // weight 1.7, |worse| 0.71 → 7/37 · 0.86 · 1.7 · 0.71 ≈ 0.196383.
        assert_close(report.rows[0].fulfilment, 30.0 / 37.0);
        assert!((report.rows[0].score - 0.196_383).abs() < 1e-6);
    }

    #[test]
    fn ranks_are_consecutive_across_tiers() {
        let report = rank(vec![
            input("A1", 1, A),
            input("I1", 1, I),
            input("O1", 1, O),
            input("M1", 1, M),
            input("A2", 2, A),
            input("M2", 2, M),
            GapInput {
                capability: Some(Capability::Fulfilment(1.0)),
                ..input("M3", 1, M)
            },
        ]);
        let ranks: Vec<_> = report.rows.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, [Some(1), Some(2), Some(3), Some(4), Some(5), None, None]);
        assert_eq!(
            keys(&report),
            [
                ("M1", 1),
                ("M2", 2),
                ("O1", 1),
                ("A1", 1),
                ("A2", 2),
                ("M3", 1),
                ("I1", 1)
            ]
        );
    }

    #[test]
    fn summaries_by_segment_and_service_area() {
        let report = rank(vec![
            // Segment 1, area 10: basic need gap 0.5 → 0.5 · 0.6 · 1 · 0.5 = 0.15.
            GapInput {
                service_area_id: 10,
                capability: Some(Capability::Fulfilment(0.5)),
                ..input("M1", 1, M)
            },
            // Segment 1, area 20: satisfier not assessed, weight 2 → 1 · 0.6 · 2 · 0.5 = 0.6.
            GapInput {
                service_area_id: 20,
                segment_weight: 2.0,
                ..input("O1", 1, O)
            },
            // Segment 2, area 10: delighter met.
            GapInput {
                service_area_id: 10,
                capability: Some(Capability::Fulfilment(1.0)),
                ..input("A1", 2, A)
            },
            // Segment 2, area 10: indifferent, not assessed.
            GapInput {
                service_area_id: 10,
                ..input("I1", 2, I)
            },
        ]);
        let seg: Vec<i32> = report.by_segment.iter().map(|s| s.id).collect();
        assert_eq!(seg, [1, 2]);
        let s1 = &report.by_segment[0];
        assert_eq!(
            (
                s1.ranked,
                s1.basic_needs,
                s1.satisfiers,
                s1.delighters,
                s1.met,
                s1.not_assessed
            ),
            (2, 1, 1, 0, 0, 1)
        );
        // Mean gap (0.5 + 1) / 2 = 0.75; total 0.15 + 0.6 = 0.75.
        assert_close(s1.mean_gap.unwrap(), 0.75);
        assert_close(s1.total_score, 0.75);
        let s2 = &report.by_segment[1];
        assert_eq!((s2.ranked, s2.met, s2.not_assessed), (0, 1, 1));
        assert_eq!(s2.mean_gap, None);
        assert_eq!(s2.total_score, 0.0);

        let areas: Vec<i32> = report.by_service_area.iter().map(|s| s.id).collect();
        assert_eq!(areas, [10, 20]);
        let a10 = &report.by_service_area[0];
        assert_eq!((a10.ranked, a10.basic_needs, a10.met, a10.not_assessed), (1, 1, 1, 1));
        assert_close(a10.mean_gap.unwrap(), 0.5);
        assert_close(a10.total_score, 0.15);
        let a20 = &report.by_service_area[1];
        assert_eq!((a20.ranked, a20.satisfiers, a20.not_assessed), (1, 1, 1));
        assert_close(a20.mean_gap.unwrap(), 1.0);
        assert_close(a20.total_score, 0.6);
    }

    #[test]
    fn empty_input_gives_an_empty_report() {
        let report = rank(Vec::new());
        assert!(report.rows.is_empty() && report.by_segment.is_empty() && report.by_service_area.is_empty());
    }

    #[test]
    fn serialized_words() {
        let report = rank(vec![
            GapInput {
                source: Source::Questionnaire,
                ..input("HD-CALLBACK", 1, M)
            },
            input("X-NO", 1, R),
        ]);
        let json = serde_json::to_value(&report).unwrap();
        let row = &json["rows"][0];
        assert_eq!(row["rank"], 1);
        assert_eq!(row["tier"], 1);
        assert_eq!(row["placement"], "ranked");
        assert_eq!(row["category"], "M");
        assert_eq!(row["category_name"], "basic");
        assert_eq!(row["source"], "questionnaire");
        assert_eq!(row["current_value"], serde_json::Value::Null);
        assert_eq!(row["score_parts"]["kano_effect_basis"], "default");
        let row = &json["rows"][1];
        assert_eq!(row["placement"], "do_not_build");
        assert_eq!(row["tier"], serde_json::Value::Null);
        assert_eq!(row["rank"], serde_json::Value::Null);
        assert_eq!(json["by_segment"][0]["mean_gap"], 1.0);
        let tiers = serde_json::to_string(&[Tier::BasicNeed, Tier::Satisfier, Tier::Delighter]).unwrap();
        assert_eq!(tiers, "[1,2,3]");
        assert_eq!(serde_json::to_string(&Placement::NotRanked).unwrap(), "\"not_ranked\"");
    }
}
