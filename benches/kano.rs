//! Kano classification in-core (issue #7): answer pairs per second. `cargo bench --bench kano`.

use criterion::{criterion_group, criterion_main};

#[path = "common/kano_core.rs"]
mod kano_core;

criterion_group!(benches, kano_core::register);
criterion_main!(benches);
