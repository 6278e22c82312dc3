//! The headline figures and their floors, measured in the same run:
//! parsing the full 50-line request into a `serde_json::Value`, into the
//! typed `QuoteRequest`, and summing its line prices with rust_decimal; and
//! the engine: pricing only (the sample store, 50 lines) and the full quote
//! (50 lines, 200 promotions of which 20 coupon-gated, 10 wallet coupons,
//! 5 shipping zones, points redemption), JSON in and JSON out; and compiling
//! a 1,000-promotion rule set. `scripts/bench-table` prints them as a table
//! with each figure's ratio to the floors.

use std::hint::black_box;

use commerce_rules::{Engine, QuoteRequest};
use commerce_rules_benches::{cn_cart, full_cart, full_rules, promo_rules, CN_RULES};
use criterion::{criterion_group, criterion_main, Criterion};
use rust_decimal::Decimal;

fn floors(c: &mut Criterion) {
    let request = full_cart();
    let typed: QuoteRequest = serde_json::from_str(&request).unwrap();
    let mut group = c.benchmark_group("floors");
    group.bench_function("parse_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&request)).unwrap())
    });
    group.bench_function("parse_typed", |b| {
        b.iter(|| serde_json::from_str::<QuoteRequest>(black_box(&request)).unwrap())
    });
    group.bench_function("decimal_sum", |b| {
        b.iter(|| {
            black_box(&typed)
                .lines
                .iter()
                .map(|l| l.unit_price.0 * Decimal::from(l.quantity))
                .fold(Decimal::ZERO, |a, x| a + x)
        })
    });
    group.finish();
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    let pricing = Engine::from_json(CN_RULES).unwrap();
    let pricing_request = cn_cart(50);
    group.bench_function("pricing_only_50_lines", |b| {
        b.iter(|| pricing.quote_json(black_box(&pricing_request)).unwrap())
    });
    let full = Engine::from_json(&full_rules()).unwrap();
    let request = full_cart();
    group.bench_function("full_quote_50_lines", |b| b.iter(|| full.quote_json(black_box(&request)).unwrap()));
    let rules = promo_rules(1_000);
    group.bench_function("compile_1000_promotions", |b| b.iter(|| Engine::from_json(black_box(&rules)).unwrap()));
    group.finish();
}

criterion_group!(benches, floors, engine);
criterion_main!(benches);
