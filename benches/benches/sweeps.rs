//! Growth: full quotes (JSON in and out) sweeping lines 1, 10, 50, 200 by
//! promotions 0, 20, 200, 1,000 (10 wallet coupons), and the best-coupons
//! question with 5, 10 and 20 wallet coupons (50 lines, 200 promotions);
//! 1 line against 1,000 promotions beside its request's `Value` parse; and
//! issue 14's growth shape, 200 lines against 200 and 1,000 promotions of
//! which the same five apply, beside the request's `Value` parse.
//! `SWEEPS=1 scripts/bench-table` prints the growth table.

use std::hint::black_box;

use commerce_rules::{Engine, Question};
use commerce_rules_benches::{growth_cart, growth_rules, promo_cart, promo_rules};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn sweep(c: &mut Criterion) {
    let mut group = c.benchmark_group("sweep");
    for promotions in [0_usize, 20, 200, 1_000] {
        let engine = Engine::from_json(&promo_rules(promotions)).unwrap();
        for lines in [1_usize, 10, 50, 200] {
            let request = promo_cart(lines, 10, promotions);
            group.bench_with_input(BenchmarkId::new(format!("p{promotions}"), lines), &request, |b, r| {
                b.iter(|| engine.quote_json(black_box(r)).unwrap())
            });
        }
    }
    group.finish();
    // Issue 14's "1 line against 1,000 promotions at most 15x the parse",
    // with its floor in the same run.
    let mut group = c.benchmark_group("one_line_1000_promotions");
    let engine = Engine::from_json(&promo_rules(1_000)).unwrap();
    let request = promo_cart(1, 10, 1_000);
    group.bench_function("quote_json", |b| b.iter(|| engine.quote_json(black_box(&request)).unwrap()));
    group.bench_function("value_parse", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&request)).unwrap())
    });
    group.finish();
    // "At 200 lines, 1,000 promotions costs at most 1.5x what 200 promotions
    // cost when the same few apply."
    let mut group = c.benchmark_group("growth_same_few");
    let request = growth_cart(200);
    for promotions in [200_usize, 1_000] {
        let engine = Engine::from_json(&growth_rules(promotions)).unwrap();
        group.bench_with_input(BenchmarkId::new("quote_json", promotions), &request, |b, r| {
            b.iter(|| engine.quote_json(black_box(r)).unwrap())
        });
    }
    group.bench_function("value_parse", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&request)).unwrap())
    });
    group.finish();
}

fn best_coupons(c: &mut Criterion) {
    let mut group = c.benchmark_group("best_coupons");
    let engine = Engine::from_json(&promo_rules(200)).unwrap();
    for wallet in [5_usize, 10, 20] {
        let request = promo_cart(50, wallet, 200);
        group.bench_with_input(BenchmarkId::new("wallet", wallet), &request, |b, r| {
            b.iter(|| engine.answer_json(Question::BestCoupons, black_box(r)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, sweep, best_coupons);
criterion_main!(benches);
