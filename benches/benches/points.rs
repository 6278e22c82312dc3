//! Tier status over 1,000 qualifying-history entries and a points balance
//! over 500 lots, JSON in and JSON out with the rule set compiled.

use std::hint::black_box;

use commerce_rules::{Engine, Question};
use commerce_rules_benches::{point_lots, tier_history, POINTS_RULES};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn tier_status(c: &mut Criterion) {
    let engine = Engine::from_json(POINTS_RULES).unwrap();
    let mut group = c.benchmark_group("tier_status");
    for entries in [10_usize, 1_000] {
        let request = tier_history(entries);
        engine.answer_json(Question::TierStatus, &request).unwrap();
        group.bench_with_input(BenchmarkId::new("history", entries), &request, |b, r| {
            b.iter(|| engine.answer_json(Question::TierStatus, black_box(r)).unwrap())
        });
    }
    group.finish();
}

fn points_balance(c: &mut Criterion) {
    let engine = Engine::from_json(POINTS_RULES).unwrap();
    let mut group = c.benchmark_group("points_balance");
    for lots in [10_usize, 500] {
        let request = point_lots(lots);
        engine.answer_json(Question::PointsBalance, &request).unwrap();
        group.bench_with_input(BenchmarkId::new("lots", lots), &request, |b, r| {
            b.iter(|| engine.answer_json(Question::PointsBalance, black_box(r)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, tier_status, points_balance);
criterion_main!(benches);
