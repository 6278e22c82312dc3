//! Shipping options for a 50-line, 3-origin cart against 20 zones of 5
//! methods each (every rate model, surcharges, calendars, slots), JSON in and
//! JSON out with the rule set compiled; and the full quote of the same cart.

use std::hint::black_box;

use commerce_rules::{Engine, Question};
use commerce_rules_benches::{shipping_cart, shipping_rules};
use criterion::{criterion_group, criterion_main, Criterion};

fn shipping(c: &mut Criterion) {
    let engine = Engine::from_json(&shipping_rules(20, 5)).unwrap();
    let request = shipping_cart(50, 3, 20);
    let answer = engine.answer_json(Question::ShippingOptions, &request).unwrap();
    assert!(answer.contains("\"chosen\":true"), "the fixture must produce options");
    let mut group = c.benchmark_group("shipping");
    group.bench_function("options_50_lines_3_origins_20_zones_5_methods", |b| {
        b.iter(|| engine.answer_json(Question::ShippingOptions, black_box(&request)).unwrap())
    });
    group.bench_function("quote_50_lines_3_origins_20_zones_5_methods", |b| {
        b.iter(|| engine.quote_json(black_box(&request)).unwrap())
    });
    group.finish();
}

fn compile(c: &mut Criterion) {
    let rules = shipping_rules(20, 5);
    c.bench_function("compile_shipping_rules_20_zones_5_methods", |b| {
        b.iter(|| Engine::from_json(black_box(&rules)).unwrap())
    });
}

criterion_group!(benches, shipping, compile);
criterion_main!(benches);
