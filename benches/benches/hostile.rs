//! Hostile but valid quotes (issue 14) and W1, each against the `Value`
//! parse of its own request in the same run.

use criterion::{criterion_group, criterion_main, Criterion};

use commerce_rules::Engine;
use commerce_rules_benches::{hostile, w1, HOSTILE_SHAPES};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    for shape in HOSTILE_SHAPES {
        let (rules, request) = hostile(shape);
        let engine = Engine::from_json(&rules).unwrap();
        group.bench_function(format!("{shape}/quote_json"), |b| b.iter(|| engine.quote_json(&request).unwrap()));
        group.bench_function(format!("{shape}/value_parse"), |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(&request).unwrap())
        });
    }
    group.finish();
    let (rules, request) = w1();
    let engine = Engine::from_json(rules).unwrap();
    let parsed: commerce_rules::QuoteRequest = serde_json::from_str(request).unwrap();
    let mut group = c.benchmark_group("w1");
    group.bench_function("quote_json", |b| b.iter(|| engine.quote_json(request).unwrap()));
    group.bench_function("engine_quote", |b| b.iter(|| engine.quote(&parsed).unwrap()));
    group.bench_function("value_parse", |b| b.iter(|| serde_json::from_str::<serde_json::Value>(request).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
