//! Promotions: a 50-line cart against 200 promotions (20 coupon-gated) with
//! 10 wallet coupons, JSON in and JSON out with the rule set compiled; the
//! floor of parsing the same request into a `serde_json::Value`; and
//! compiling the 200-promotion rule set.

use std::hint::black_box;

use commerce_rules::Engine;
use commerce_rules_benches::{promo_cart, promo_rules};
use criterion::{criterion_group, criterion_main, Criterion};

fn promotions(c: &mut Criterion) {
    let rules = promo_rules(200);
    let engine = Engine::from_json(&rules).unwrap();
    let request = promo_cart(50, 10, 200);
    let mut group = c.benchmark_group("promotions_50_lines_200_promos_10_wallet");
    group.bench_function("engine_quote_json", |b| b.iter(|| engine.quote_json(black_box(&request)).unwrap()));
    group.bench_function("floor_parse_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&request)).unwrap())
    });
    group.finish();
    c.bench_function("compile_200_promotions", |b| b.iter(|| Engine::from_json(black_box(&rules)).unwrap()));
}

criterion_group!(benches, promotions);
criterion_main!(benches);
