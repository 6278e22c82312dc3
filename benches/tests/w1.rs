//! W1, the shared workload: the figures every engine must agree on
//! (`benches/data/w1/expected.json`, a copy of `shared/bench/w1`).

use commerce_rules::Engine;
use commerce_rules_benches::{w1, W1_EXPECTED};
use serde_json::Value;

#[test]
fn w1_gives_the_expected_figures() {
    let expected: Value = serde_json::from_str(W1_EXPECTED).unwrap();
    let (rules, request) = w1();
    let engine = Engine::from_json(rules).unwrap();
    let answer: Value = serde_json::from_str(&engine.quote_json(request).unwrap()).unwrap();
    let totals = &answer["totals"];
    assert_eq!(totals["item_subtotal"], expected["subtotal"]);
    assert_eq!(totals["grand_total"], expected["total"]);
    assert_eq!(totals["discounts"], expected["best_discount"]);
    let best = answer["promotions"].as_array().unwrap().iter().find(|p| p["amount"] == expected["best_discount"]);
    assert_eq!(best.map(|p| &p["id"]), Some(&expected["best_id"]));
    // Shipping freed: what is charged is discounted in full.
    assert_eq!(expected["free_shipping"], true);
    assert_eq!(totals["shipping"], totals["shipping_discounts"]);
}

#[test]
fn the_copy_is_the_shared_workload() {
    // CI lays shared/ beside the clone; compare when it is there.
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/w1");
    for name in ["rules.json", "request.json", "expected.json"] {
        let Ok(theirs) = std::fs::read_to_string(shared.join(name)) else { continue };
        let ours = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/w1").join(name));
        assert_eq!(ours.unwrap(), theirs, "benches/data/w1/{name} differs from shared/bench/w1");
    }
}
