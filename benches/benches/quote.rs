//! Pricing-only quotes of 1, 10, 50 and 200 lines, JSON in and JSON out with
//! the rule set compiled, against the floor of parsing the same request into
//! a `serde_json::Value`.

use std::hint::black_box;

use commerce_rules::Engine;
use commerce_rules_benches::{cn_cart, CN_FULL_RULES, CN_RULES};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn pricing(c: &mut Criterion) {
    let engine = Engine::from_json(CN_RULES).unwrap();
    let mut group = c.benchmark_group("pricing_quote");
    for lines in [1_usize, 10, 50, 200] {
        let request = cn_cart(lines);
        group.bench_with_input(BenchmarkId::new("engine", lines), &request, |b, r| {
            b.iter(|| engine.quote_json(black_box(r)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("floor_parse_value", lines), &request, |b, r| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(r)).unwrap())
        });
    }
    group.finish();
}

fn compile(c: &mut Criterion) {
    c.bench_function("compile_cn_rules", |b| b.iter(|| Engine::from_json(black_box(CN_RULES)).unwrap()));
    c.bench_function("compile_cn_full_sample", |b| b.iter(|| Engine::from_json(black_box(CN_FULL_RULES)).unwrap()));
}

criterion_group!(benches, pricing, compile);
criterion_main!(benches);
