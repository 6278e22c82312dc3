//! Every invariant of PRODUCT.md a quote can show, checked by the testkit
//! (`commerce_rules::testkit`) over requests generated for each bundled
//! rule set: the same harness QA runs with `commerce-rules check`.
//!
//! The case count is fixed (`CASES`, or `PROPTEST_CASES` when set) and the
//! seed too, so CI runs the same cases every time; a failure prints each
//! distinct violation with its shrunk request to replay. Regressions found
//! this way are committed as golden scenarios under `tests/scenarios/` or
//! as replays in `fuzz/regressions/` (see `fuzz_regressions.rs`).

use commerce_rules::rules::RuleSet;
use commerce_rules::testkit::run_check;
use commerce_rules::{Engine, Limits};

const CASES: u32 = 64;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).map_or(CASES, |c: u32| c.min(CASES * 4))
}

fn check(name: &str, rules_json: &str, seed: u64) {
    let rules: RuleSet = serde_json::from_str(rules_json).unwrap();
    let engine = Engine::from_rules(&rules, Limits::default()).unwrap();
    let report = run_check(&engine, &rules, cases(), seed);
    assert!(report.passed(), "{}", report.render(name));
}

#[test]
fn cn_store() {
    check("cn-store", include_str!("../../examples/data/cn-store.rules.json"), 1);
}

#[test]
fn us_store() {
    check("us-store", include_str!("../../examples/data/us-store.rules.json"), 2);
}

#[test]
fn cn_pricing() {
    check("cn-pricing", include_str!("data/cn-pricing.rules.json"), 3);
}

#[test]
fn cn_shipping() {
    check("shipping-cn", include_str!("data/shipping-cn.rules.json"), 4);
}

#[test]
fn us_shipping() {
    check("shipping-us", include_str!("data/shipping-us.rules.json"), 5);
}
