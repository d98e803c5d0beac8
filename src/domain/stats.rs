//! Plain statistics for the monitoring loop (DOMAIN.md, "Monitoring and improvement"):
//! the Wilson score interval for a proportion, median and nearest-rank percentiles, the
//! two-proportion z-test and the chi-square test of independence.
//!
//! Distributions come from `statrs`; everything else is arithmetic on plain values.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::erf::erfc;

/// z for a two-sided 95 % level.
pub const Z95: f64 = 1.959964;

/// Significance level of every test here.
pub const ALPHA: f64 = 0.05;

/// The 95 % Wilson score interval `(low, high)` for the proportion `k / n`, both in 0..=1:
/// centre = (p + z²/2n)/(1 + z²/n), half = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n).
///
/// None when `n = 0` (no answers: no interval) or when `k > n` (not a proportion). At the
/// edges the bound is exact: `k = 0` gives low 0, `k = n` gives high 1.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let (kf, nf) = (k as f64, n as f64);
    let p = kf / nf;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    let low = if k == 0 { 0.0 } else { (centre - half).max(0.0) };
    let high = if k == n { 1.0 } else { (centre + half).min(1.0) };
    Some((low, high))
}

/// The median: the middle value, or the mean of the two middle values for an even count.
/// Sorts `values` in place (NaN sorts last; callers pass finite values). None when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    median_of_sorted(values)
}

/// [`median`] of values already sorted ascending.
pub fn median_of_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    if n % 2 == 1 {
        sorted.get(mid).copied()
    } else {
        Some((sorted.get(mid - 1)? + sorted.get(mid)?) / 2.0)
    }
}

/// The nearest-rank percentile of values sorted ascending: the value at rank ⌈q·n⌉ (1-based,
/// at least 1), for `q` in (0, 1]. None when empty or `q` is outside (0, 1].
///
/// `q·n` is computed in floating point, where e.g. 0.7·10 is 7.000000000000001; a margin of
/// 1e-9 keeps such products on their integer rank instead of rounding them up a whole rank.
pub fn percentile_nearest_rank(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(q > 0.0 && q <= 1.0) {
        return None;
    }
    let n = sorted.len();
    let rank = ((q * n as f64) - 1e-9).ceil().max(1.0) as usize;
    sorted.get(rank.min(n) - 1).copied()
}

/// The 90th percentile by nearest rank: the value at rank ⌈0.9·n⌉ of the sorted list,
/// computed in integers (⌈9n/10⌉). None when empty.
pub fn p90(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (9 * n).div_ceil(10).max(1);
    sorted.get(rank - 1).copied()
}

/// The 1-based ranks whose values make the median of `n` values: the middle one, or the two
/// middle ones for an even count. Empty when `n = 0`.
pub fn median_ranks(n: usize) -> Vec<usize> {
    match n {
        0 => Vec::new(),
        n if n % 2 == 1 => vec![n / 2 + 1],
        n => vec![n / 2, n / 2 + 1],
    }
}

/// The 1-based rank of the 90th percentile by nearest rank (as [`p90`]). None when `n = 0`.
pub fn p90_rank(n: usize) -> Option<usize> {
    (n > 0).then(|| (9 * n).div_ceil(10).max(1))
}

/// The `k`-th smallest value (1-based) of the union of two ascending lists, where the long one,
/// `a`, is known only by a window: its values at ranks `a_first ..` (1-based) out of `a_len`.
/// The window must hold `a`'s ranks `k − b.len() ..= k` that exist. It rests on the identity
/// k-th(a ∪ b) = min over i + j = k of max(aᵢ, bⱼ) (with a₀ = b₀ = −∞ and ranks past the end
/// +∞): the i smallest of `a` and the j smallest of `b` are k values no larger than that
/// maximum, and the split the union itself makes attains it. None when `k` is 0 or past the
/// end, or the window misses a rank it needs.
pub fn kth_of_union(k: usize, a_window: &[f64], a_first: usize, a_len: usize, b: &[f64]) -> Option<f64> {
    if k == 0 || k > a_len + b.len() {
        return None;
    }
    let a_at = |i: usize| -> Option<f64> {
        if i == 0 {
            Some(f64::NEG_INFINITY)
        } else if i > a_len {
            Some(f64::INFINITY)
        } else {
            a_window.get(i.checked_sub(a_first)?).copied()
        }
    };
    let mut best = f64::INFINITY;
    for j in 0..=b.len().min(k) {
        let bj = if j == 0 { f64::NEG_INFINITY } else { b[j - 1] };
        best = best.min(a_at(k - j)?.max(bj));
    }
    Some(best)
}

/// Median and 90th percentile of a set of durations; both null when there are none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MedianP90 {
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// [`MedianP90`] of `values` (sorted in place).
pub fn median_p90(values: &mut [f64]) -> MedianP90 {
    values.sort_by(f64::total_cmp);
    MedianP90 {
        median: median_of_sorted(values),
        p90: p90(values),
    }
}

/// The outcome of a two-sided test at 95 %.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZTest {
    /// (p₂ − p₁) / SE: positive when the second proportion is higher.
    pub z: f64,
    /// Two-sided p-value, 2·(1 − Φ(|z|)).
    pub p_value: f64,
    /// p < 0.05.
    pub significant: bool,
}

/// Two-proportion z-test with the pooled proportion: did `k2/n2` differ from `k1/n1`?
/// p = (k₁ + k₂)/(n₁ + n₂), SE = √(p(1−p)(1/n₁ + 1/n₂)), z = (p₂ − p₁)/SE.
///
/// None when either sample is empty or a count exceeds its sample. When the pooled
/// proportion is 0 or 1 both samples are identical (all or none): z = 0, p = 1.
pub fn two_proportion_z(k1: u64, n1: u64, k2: u64, n2: u64) -> Option<ZTest> {
    if n1 == 0 || n2 == 0 || k1 > n1 || k2 > n2 {
        return None;
    }
    let (k1, n1, k2, n2) = (k1 as f64, n1 as f64, k2 as f64, n2 as f64);
    let pooled = (k1 + k2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se <= 0.0 {
        return Some(ZTest {
            z: 0.0,
            p_value: 1.0,
            significant: false,
        });
    }
    let z = (k2 / n2 - k1 / n1) / se;
    // 2·(1 − Φ(|z|)) = erfc(|z|/√2), without the cancellation of 1 − Φ for large |z|.
    let p_value = erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0);
    Some(ZTest {
        z,
        p_value,
        significant: p_value < ALPHA,
    })
}

/// The outcome of a chi-square test of independence.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChiSquare {
    /// Σ (observed − expected)² / expected over the cells kept.
    pub statistic: f64,
    /// (rows kept − 1)·(columns kept − 1).
    pub df: u64,
    /// P(χ²(df) ≥ statistic).
    pub p_value: f64,
    /// p < 0.05.
    pub significant: bool,
}

/// Chi-square test of independence (Pearson, no continuity correction) on a groups ×
/// categories table of counts (rows may be ragged; a missing cell is 0).
///
/// Categories (columns) without an answer in any group and groups (rows) without any answer
/// are left out. With fewer than two columns or two rows left, the test is not run: None
/// (read it as "not significant").
pub fn chi_square_independence<R: AsRef<[u64]>>(table: &[R]) -> Option<ChiSquare> {
    let width = table.iter().map(|r| r.as_ref().len()).max().unwrap_or(0);
    let cell = |row: &[u64], j: usize| row.get(j).copied().unwrap_or(0) as f64;

    let rows: Vec<&[u64]> = table
        .iter()
        .map(AsRef::as_ref)
        .filter(|r| r.iter().any(|&c| c > 0))
        .collect();
    let columns: Vec<usize> = (0..width).filter(|&j| rows.iter().any(|r| cell(r, j) > 0.0)).collect();
    if rows.len() < 2 || columns.len() < 2 {
        return None;
    }

    let row_totals: Vec<f64> = rows.iter().map(|r| columns.iter().map(|&j| cell(r, j)).sum()).collect();
    let column_totals: Vec<f64> = columns.iter().map(|&j| rows.iter().map(|r| cell(r, j)).sum()).collect();
    let total: f64 = row_totals.iter().sum();

    let mut statistic = 0.0;
    for (row, row_total) in rows.iter().zip(&row_totals) {
        for (&j, column_total) in columns.iter().zip(&column_totals) {
            // Both totals are > 0 (empty rows and columns were dropped), so expected > 0.
            let expected = row_total * column_total / total;
            let diff = cell(row, j) - expected;
            statistic += diff * diff / expected;
        }
    }

    let df = ((rows.len() - 1) * (columns.len() - 1)) as u64;
    let p_value = ChiSquared::new(df as f64).ok()?.sf(statistic).clamp(0.0, 1.0);
    Some(ChiSquare {
        statistic,
        df,
        p_value,
        significant: p_value < ALPHA,
    })
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

    #[test]
    fn wilson_no_answers() {
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None, "k > n is not a proportion");
    }

    #[test]
    fn wilson_all_satisfied() {
        // k = n: p = 1, so half = (z²/2n)/(1 + z²/n) and centre + half = 1 exactly;
        // low = centre − half = 1/(1 + z²/n) = n/(n + z²). z² = 3.841459, n = 10:
        // 10/13.841459 = 0.722467.
        let (low, high) = wilson(10, 10).unwrap_or_default();
        close(low, 0.722_467, 1e-6);
        assert_eq!(high, 1.0);
        // None satisfied mirrors it: [0, z²/(n + z²)] = [0, 3.841459/13.841459 = 0.277533].
        let (low, high) = wilson(0, 10).unwrap_or_default();
        assert_eq!(low, 0.0);
        close(high, 0.277_533, 1e-6);
    }

    #[test]
    fn wilson_one_answer() {
        // n = 1, k = 1: low = 1/(1 + z²) = 1/4.841459 = 0.206549, high 1.
        let (low, high) = wilson(1, 1).unwrap_or_default();
        close(low, 0.206_549, 1e-6);
        assert_eq!(high, 1.0);
        // n = 1, k = 0: [0, z²/(1 + z²) = 0.793451].
        let (low, high) = wilson(0, 1).unwrap_or_default();
        assert_eq!(low, 0.0);
        close(high, 0.793_451, 1e-6);
    }

    #[test]
    fn wilson_textbook_newcombe_1998() {
        // Newcombe (1998), Statistics in Medicine 17, example 81/263: Wilson 0.2553 to 0.3662.
        // By hand: p = 0.307985, z²/n = 0.014606, denom = 1.014606;
        // centre = (0.307985 + 0.007303)/1.014606 = 0.310753;
        // half = 1.959964·√(0.000810988 + 0.0000138843)/1.014606 = 0.055460.
        let (low, high) = wilson(81, 263).unwrap_or_default();
        close(low, 0.2553, 5e-5);
        close(high, 0.3662, 5e-5);
        // 8/10: p = 0.8, denom 1.384146, centre (0.8 + 0.192073)/1.384146 = 0.716740,
        // half = 1.959964·√(0.016 + 0.009604)/1.384146 = 0.226578 → [0.490162, 0.943318].
        let (low, high) = wilson(8, 10).unwrap_or_default();
        close(low, 0.490_162, 1e-5);
        close(high, 0.943_318, 1e-5);
    }

    #[test]
    fn median_odd_even_and_empty() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7.0]), Some(7.0));
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        // Even count: mean of the two middle values (2 and 10) = 6.
        assert_eq!(median(&mut [10.0, 1.0, 2.0, 50.0]), Some(6.0));
        assert_eq!(median(&mut [4.0, 5.0]), Some(4.5));
    }

    #[test]
    fn kth_of_a_union_from_a_window_matches_the_merged_list() {
        // A small deterministic generator: every split of values between the two lists.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for _ in 0..500 {
            let mut a: Vec<f64> = (0..next(40)).map(|_| next(20) as f64).collect();
            let mut b: Vec<f64> = (0..next(6)).map(|_| next(20) as f64).collect();
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            let mut all = [a.clone(), b.clone()].concat();
            all.sort_by(f64::total_cmp);
            for k in 1..=all.len() {
                let lo = k.saturating_sub(b.len()).max(1);
                let hi = k.min(a.len());
                let window = if lo <= hi { &a[lo - 1..hi] } else { &[][..] };
                assert_eq!(
                    kth_of_union(k, window, lo, a.len(), &b),
                    Some(all[k - 1]),
                    "k {k} of a {a:?} b {b:?}"
                );
            }
            assert_eq!(kth_of_union(0, &a, 1, a.len(), &b), None);
            assert_eq!(kth_of_union(all.len() + 1, &a, 1, a.len(), &b), None);
        }
        // A window that misses a needed rank is refused, not guessed.
        assert_eq!(kth_of_union(3, &[5.0], 3, 5, &[1.0]), None);
    }

    #[test]
    fn ranks_of_the_median_and_p90() {
        assert_eq!(median_ranks(0), Vec::<usize>::new());
        assert_eq!(median_ranks(1), vec![1]);
        assert_eq!(median_ranks(4), vec![2, 3]);
        assert_eq!(median_ranks(5), vec![3]);
        assert_eq!(p90_rank(0), None);
        assert_eq!(p90_rank(1), Some(1));
        assert_eq!(p90_rank(10), Some(9));
        assert_eq!(p90_rank(11), Some(10));
        for n in 1..50 {
            let v: Vec<f64> = (1..=n).map(|i| i as f64).collect();
            assert_eq!(p90(&v), p90_rank(n).map(|r| v[r - 1]));
            let middle: Vec<f64> = median_ranks(n).iter().map(|r| v[r - 1]).collect();
            assert_eq!(median_of_sorted(&v), median_of_sorted(&middle));
        }
    }

    #[test]
    fn p90_nearest_rank() {
        assert_eq!(p90(&[]), None);
        assert_eq!(p90(&[5.0]), Some(5.0)); // ⌈0.9⌉ = 1
                                            // n = 10: rank ⌈9⌉ = 9 → the 9th value.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(p90(&ten), Some(9.0));
        // n = 11: rank ⌈9.9⌉ = 10.
        let eleven: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(p90(&eleven), Some(10.0));
        // n = 2: rank ⌈1.8⌉ = 2; n = 20: rank 18.
        assert_eq!(p90(&[1.0, 2.0]), Some(2.0));
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(p90(&twenty), Some(18.0));
    }

    #[test]
    fn percentile_matches_p90_and_handles_float_ranks() {
        for n in 1..=200 {
            let v: Vec<f64> = (1..=n).map(f64::from).collect();
            assert_eq!(percentile_nearest_rank(&v, 0.9), p90(&v), "n = {n}");
        }
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        // 0.7·10 is 7.000000000000001 in floating point; the rank is still 7.
        assert_eq!(percentile_nearest_rank(&ten, 0.7), Some(7.0));
        assert_eq!(percentile_nearest_rank(&ten, 0.5), Some(5.0));
        assert_eq!(percentile_nearest_rank(&ten, 0.01), Some(1.0));
        assert_eq!(percentile_nearest_rank(&ten, 1.0), Some(10.0));
        assert_eq!(percentile_nearest_rank(&ten, 0.0), None);
        assert_eq!(percentile_nearest_rank(&ten, 1.5), None);
        assert_eq!(percentile_nearest_rank(&[], 0.9), None);
    }

    #[test]
    fn median_p90_summary() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        // Sorted 1 2 3 4: median 2.5; p90 rank ⌈3.6⌉ = 4 → 4.
        assert_eq!(
            median_p90(&mut v),
            MedianP90 {
                median: Some(2.5),
                p90: Some(4.0)
            }
        );
        assert_eq!(median_p90(&mut []), MedianP90::default());
    }

    #[test]
    fn z_test_hand_computed() {
        // 45/100 then 60/100: pooled 105/200 = 0.525; SE = √(0.525·0.475·0.02) = 0.0706187;
        // z = 0.15/0.0706187 = 2.124; p = 2·(1 − Φ(2.124)) = 0.0337 → significant.
        let t = two_proportion_z(45, 100, 60, 100).unwrap_or(ZTest {
            z: 0.0,
            p_value: 1.0,
            significant: false,
        });
        close(t.z, 2.123_977, 1e-5);
        close(t.p_value, 0.033_672, 1e-5);
        assert!(t.significant);
        // 80/100 then 85/100: pooled 0.825; SE = √(0.825·0.175·0.02) = 0.0537355;
        // z = 0.05/0.0537355 = 0.9305; p = 0.3521 → not significant.
        let t = two_proportion_z(80, 100, 85, 100).unwrap_or(ZTest {
            z: 0.0,
            p_value: 0.0,
            significant: true,
        });
        close(t.z, 0.930_484, 1e-5);
        close(t.p_value, 0.352_120, 1e-5);
        assert!(!t.significant);
        // A fall gives a negative z with the same p.
        let t = two_proportion_z(60, 100, 45, 100).map(|t| (t.z, t.p_value));
        assert!(t.is_some_and(|(z, p)| (z + 2.123_977).abs() < 1e-5 && (p - 0.033_672).abs() < 1e-5));
    }

    #[test]
    fn z_test_degenerate() {
        assert_eq!(two_proportion_z(0, 0, 1, 1), None);
        assert_eq!(two_proportion_z(1, 1, 0, 0), None);
        assert_eq!(two_proportion_z(3, 2, 1, 1), None);
        // Everyone satisfied both times: pooled 1, SE 0 → no difference.
        let t = two_proportion_z(10, 10, 20, 20);
        assert_eq!(
            t,
            Some(ZTest {
                z: 0.0,
                p_value: 1.0,
                significant: false
            })
        );
    }

    #[test]
    fn chi_square_textbook_2x2() {
        // [[10, 20], [30, 40]]: row totals 30, 70; column totals 40, 60; N = 100.
        // Expected 12, 18, 28, 42; χ² = 4/12 + 4/18 + 4/28 + 4/42 = 0.793651 (no Yates);
        // df 1; p = erfc(√(χ²/2)) = 0.3730.
        let t = chi_square_independence(&[[10, 20], [30, 40]]);
        let t = t.unwrap_or(ChiSquare {
            statistic: 0.0,
            df: 0,
            p_value: 0.0,
            significant: true,
        });
        close(t.statistic, 0.793_651, 1e-6);
        assert_eq!(t.df, 1);
        close(t.p_value, 0.373_0, 5e-5);
        close(t.p_value, 0.372_998_48, 1e-7);
        assert!(!t.significant);
    }

    #[test]
    fn chi_square_2x3_and_significance() {
        // [[20, 10, 10], [10, 20, 30]]: rows 40, 60; columns 30, 30, 40; N = 100.
        // Expected row 1: 12, 12, 16; row 2: 18, 18, 24.
        // χ² = 64/12 + 4/12 + 36/16 + 64/18 + 4/18 + 36/24
        //    = 5.333333 + 0.333333 + 2.25 + 3.555556 + 0.222222 + 1.5 = 13.194444; df 2;
        // p = e^(−χ²/2) = e^(−6.597222) = 0.001364.
        let t = chi_square_independence(&[vec![20, 10, 10], vec![10, 20, 30]]);
        let (stat, df, p, sig) = t.map_or((0.0, 0, 1.0, false), |t| (t.statistic, t.df, t.p_value, t.significant));
        close(stat, 13.194_444, 1e-6);
        assert_eq!(df, 2);
        close(p, (-13.194_444_4_f64 / 2.0).exp(), 1e-9);
        close(p, 0.001_364, 1e-6);
        assert!(sig);
    }

    #[test]
    fn chi_square_drops_empty_columns_and_rows() {
        // The middle column and the last row are empty: same as the 2×2 above.
        let t = chi_square_independence(&[vec![10, 0, 20], vec![30, 0, 40], vec![0, 0, 0]]);
        assert_eq!(t.map(|t| t.df), Some(1));
        assert!(t.is_some_and(|t| (t.statistic - 0.793_651).abs() < 1e-6));
        // Ragged rows: a missing cell is 0.
        let ragged: [&[u64]; 2] = [&[10, 20], &[30, 40, 0]];
        assert_eq!(chi_square_independence(&ragged).map(|t| t.df), Some(1));
    }

    #[test]
    fn chi_square_not_run() {
        let empty: [[u64; 4]; 0] = [];
        assert_eq!(chi_square_independence(&empty), None);
        assert_eq!(chi_square_independence(&[[0u64; 4], [0; 4]]), None);
        // One category left.
        assert_eq!(chi_square_independence(&[[5, 0, 0, 0], [7, 0, 0, 0]]), None);
        // One group with answers.
        assert_eq!(chi_square_independence(&[[5, 3, 0, 0], [0, 0, 0, 0]]), None);
        assert_eq!(chi_square_independence(&[[5, 3, 1, 2]]), None);
    }

    #[test]
    fn chi_square_identical_rows() {
        // Proportional rows: χ² = 0, p = 1.
        let t = chi_square_independence(&[[2, 4, 6], [1, 2, 3]]);
        assert!(t.is_some_and(|t| t.statistic.abs() < 1e-12 && (t.p_value - 1.0).abs() < 1e-12 && t.df == 2));
    }
}
