//! Times and sizes the hostile requests of `commerce_rules_benches::hostile`
//! once each (criterion gives the figures of record: `cargo bench --bench
//! hostile`): `cargo run --release -p commerce-rules-benches --example hostile`.

use std::time::Instant;

use commerce_rules::Engine;
use commerce_rules_benches::{hostile, HOSTILE_SHAPES};

fn main() {
    for shape in HOSTILE_SHAPES {
        let (rules, request) = hostile(shape);
        let engine = Engine::from_json(&rules).unwrap();
        let start = Instant::now();
        let (answer, work) = engine.quote_work(&request).unwrap();
        let took = start.elapsed();
        let value: serde_json::Value = serde_json::from_str(&answer).unwrap();
        println!(
            "{shape:<13} {:>8.2} ms  answer {:>8} B  work {work:>9}  applied {:>3}  selection {}",
            took.as_secs_f64() * 1e3,
            answer.len(),
            value["promotions"].as_array().map_or(0, Vec::len),
            value["selection"]
        );
    }
}
