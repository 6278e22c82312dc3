//! Hostile but valid requests (issue 14): every one within the default
//! limits is answered within its work budget and under 1 MiB. Bounded by the
//! work counted (`Engine::quote_work`), never by wall time.

use commerce_rules::Engine;
use commerce_rules_benches::{hostile, HOSTILE_SHAPES};

#[test]
fn hostile_requests_are_bounded_in_work_and_size() {
    let limits = commerce_rules::Limits::default();
    for shape in HOSTILE_SHAPES {
        let (rules, request) = hostile(shape);
        let engine = Engine::from_json(&rules).unwrap();
        let (answer, work) = engine.quote_work(&request).unwrap();
        assert!(answer.len() < 1 << 20, "{shape}: the answer is {} bytes", answer.len());
        // The search stops once past its budget; the run under way and the
        // final selection may finish: at most one more baseline's worth.
        let promotions = 5_000_u64;
        assert!(work <= limits.max_search_work + promotions * 501, "{shape}: {work} units of work");
        let value: serde_json::Value = serde_json::from_str(&answer).unwrap();
        let applied = value["promotions"].as_array().map_or(0, Vec::len);
        assert!(applied <= limits.max_applied_promotions, "{shape}: {applied} promotions applied");
        let named = value["rejected"].as_array().map_or(0, Vec::len);
        assert!(named <= 220, "{shape}: {named} refusals, more than the request named");
        // The grand-total identity still holds.
        let t = &value["totals"];
        let d = |k: &str| t[k].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        assert_eq!(
            d("grand_total"),
            d("item_subtotal") - d("discounts") + d("shipping") - d("shipping_discounts") - d("points_value")
        );
    }
}

#[test]
fn an_exhausted_budget_says_so() {
    let (rules, request) = hostile("wallet");
    let limits = commerce_rules::Limits { max_search_work: 10_000, ..commerce_rules::Limits::default() };
    let engine = Engine::from_json_with_limits(&rules, limits).unwrap();
    let answer: serde_json::Value = serde_json::from_str(&engine.quote_json(&request).unwrap()).unwrap();
    assert_eq!(answer["selection"]["optimal"], false);
    assert_eq!(answer["selection"]["strategy"], "budget");
    let untried = answer["rejected"].as_array().unwrap().iter().filter(|r| r["reason"] == "search_budget_exhausted");
    assert!(untried.count() > 0);
}
