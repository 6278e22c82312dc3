//! Issue 14's growth shape: at 200 lines, 1,000 promotions cost at most
//! 1.5x what 200 cost when the same few apply. Bounded by the work counted
//! (`Engine::quote_work`, promotion-line evaluations), never by wall time;
//! the instruction counts are in BENCHMARKS.md.

use commerce_rules::Engine;
use commerce_rules_benches::{growth_cart, growth_rules};

/// The applied promotions' ids and amounts, and the totals, of an answer.
fn outcome(answer: &str) -> (Vec<(String, String)>, serde_json::Value) {
    let value: serde_json::Value = serde_json::from_str(answer).unwrap();
    let applied = value["promotions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_string(), p["amount"].as_str().unwrap().to_string()))
        .collect();
    (applied, value["totals"].clone())
}

#[test]
fn more_promotions_that_do_not_apply_add_little_work() {
    let request = growth_cart(200);
    let mut answers = Vec::new();
    for promotions in [200, 1_000] {
        let engine = Engine::from_json(&growth_rules(promotions)).unwrap();
        let (answer, work) = engine.quote_work(&request).unwrap();
        answers.push((outcome(&answer), work, answer.len()));
    }
    let [(few, few_work, few_len), (many, many_work, many_len)] = &answers[..] else { unreachable!() };
    // The same five apply, for the same amounts and totals, in the same answer's size.
    assert_eq!(few.0.len(), 5, "{:?}", few.0);
    assert_eq!(few, many);
    assert_eq!(few_len, many_len);
    println!("work: {few_work} (200 promotions), {many_work} (1,000)");
    assert!(*few_work > 0);
    assert!(many_work * 2 <= few_work * 3, "200 promotions: {few_work} units of work; 1,000: {many_work}");
}
