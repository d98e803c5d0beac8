//! The in-core Kano benchmark, shared by `benches/kano.rs` (criterion on its own) and
//! `benches/floor.rs` (which runs it in the same process to print it beside the other numbers).

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use kanogap::domain::kano::{classify, evaluate, Answer, KanoCategory, Tally};

pub const GROUP: &str = "kano";
pub const PAIRS: usize = 1_000_000;
/// Benchmarks in the group, as (id, what it measures).
pub const IDS: [(&str, &str); 2] = [
    ("evaluate", "evaluate() per pair, counted per category"),
    ("tally_classify", "Tally::add per pair, then classify()"),
];

fn category_index(c: KanoCategory) -> usize {
    match c {
        KanoCategory::A => 0,
        KanoCategory::O => 1,
        KanoCategory::M => 2,
        KanoCategory::I => 3,
        KanoCategory::R => 4,
        KanoCategory::Q => 5,
    }
}

/// Answer pairs per second through the evaluation table and through a tally and its
/// classification, over a million pairs drawn like the benchmark data set's.
pub fn register(c: &mut Criterion) {
    let pairs: Vec<(Answer, Answer)> = kanogap::bench_data::sample_pairs(42, PAIRS);
    let mut group = c.benchmark_group(GROUP);
    group.throughput(Throughput::Elements(PAIRS as u64));
    group.bench_function(IDS[0].0, |b| {
        b.iter(|| {
            let mut counts = [0u64; 6];
            for &(f, d) in black_box(&pairs) {
                counts[category_index(evaluate(f, d))] += 1;
            }
            black_box(counts)
        })
    });
    group.bench_function(IDS[1].0, |b| {
        b.iter(|| {
            let mut tally = Tally::default();
            for &(f, d) in black_box(&pairs) {
                tally.add(f, d, None);
            }
            black_box(classify(&tally))
        })
    });
    group.finish();
}
