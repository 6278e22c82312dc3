//! A return's refund for a 50-line receipt with 10 earlier returns, JSON in
//! and JSON out with the rule set compiled.

use std::hint::black_box;

use commerce_rules::{Engine, Question};
use commerce_rules_benches::{returns_request, RETURNS_RULES};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn return_refund(c: &mut Criterion) {
    let engine = Engine::from_json(RETURNS_RULES).unwrap();
    let mut group = c.benchmark_group("return_refund");
    for (lines, earlier) in [(5_usize, 1_usize), (50, 10)] {
        let request = returns_request(&engine, lines, earlier);
        engine.answer_json(Question::ReturnRefund, &request).unwrap();
        group.bench_with_input(BenchmarkId::new("lines_earlier", format!("{lines}x{earlier}")), &request, |b, r| {
            b.iter(|| engine.answer_json(Question::ReturnRefund, black_box(r)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, return_refund);
criterion_main!(benches);
