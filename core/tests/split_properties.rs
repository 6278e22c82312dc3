//! Invariant 4 (lines): splitting a line into several lines of the same SKU
//! and price, or merging them, never changes the totals, whatever the
//! promotions: unit-selective benefits (buy X get Y, 第二件半价, bundles)
//! use real units, not a line's average, and never a unit an earlier one
//! used; so do per-unit discounts limited to N units (`max_units`) and
//! partial get sets (`partial_get`), and a per-unit percentage after a
//! unit-selective promotion on the same line works on the used units at
//! their own price and the others at theirs (`pens-5`). With rounding at unit level and tax per unit, so that a line's
//! figures are the sum of its units'.

use commerce_rules::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

fn engine() -> &'static Engine {
    use std::sync::OnceLock;
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let rules = json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "rounding": {"mode": "half_up", "level": "unit"},
            "tax": {"prices_include_tax": true, "calculation": "per_unit", "rounding": "half_up", "default_class": "std",
                    "classes": [{"id": "std", "rate_percent": "13"}]},
            "promotions": [
                {"id": "bogo-a", "priority": 0, "benefit": {"type": "buy_x_get_y", "buy": 1, "get": 1, "max_repeats": 1}, "items": {"categories": ["tea"]}},
                {"id": "bogo-b", "priority": 1, "benefit": {"type": "buy_x_get_y", "buy": 1, "get": 1, "max_repeats": 1}, "items": {"categories": ["tea"]}},
                {"id": "half-2nd", "priority": 2, "benefit": {"type": "nth_item", "n": 2, "percent": "50"}, "items": {"categories": ["tea"]}},
                {"id": "b2g1", "priority": 0, "benefit": {"type": "buy_x_get_y", "buy": 2, "get": 1, "choose": "most_expensive", "max_repeats": 2}, "items": {"categories": ["snacks"]}},
                {"id": "books-3", "priority": 0, "benefit": {"type": "bundle_price", "quantity": 3, "price": "25.00"}, "items": {"categories": ["books"]}},
                {"id": "books-half", "priority": 1, "benefit": {"type": "nth_item", "n": 2, "percent": "50"}, "items": {"categories": ["books"]}},
                {"id": "socks-10", "apply_to": "original", "benefit": {"type": "percent_off", "percent": "10"}, "items": {"categories": ["socks"]}},
                {"id": "mugs", "benefit": {"type": "fixed_price", "unit_price": "9.90"}, "items": {"categories": ["mugs"]}},
                {"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [{"min_spend": "99.00", "discount": "10.00"}, {"min_spend": "199.00", "discount": "25.00"}]}},
                {"id": "cups-3", "priority": 0, "benefit": {"type": "percent_off", "percent": "15", "max_units": 3}, "items": {"categories": ["cups"]}},
                {"id": "cups-half", "priority": 1, "benefit": {"type": "nth_item", "n": 2, "percent": "50"}, "items": {"categories": ["cups"]}},
                {"id": "pens-2", "priority": 0, "benefit": {"type": "amount_off", "amount": "2.00", "per": "unit", "max_units": 2, "choose": "most_expensive"}, "items": {"categories": ["pens"]}},
                {"id": "pens-5", "priority": 1, "benefit": {"type": "percent_off", "percent": "5"}, "items": {"categories": ["pens"]}},
                {"id": "pens-3rd", "priority": 2, "benefit": {"type": "nth_item", "n": 3, "percent": "30"}, "items": {"categories": ["pens"]}},
                {"id": "hats-once", "priority": 0, "benefit": {"type": "buy_x_get_y", "buy": 1, "get": 2, "amount_off": "3.00", "max_units": 3}, "items": {"categories": ["hats"]}},
                {"id": "hats-3", "priority": 1, "benefit": {"type": "bundle_price", "quantity": 3, "price": "20.00"}, "items": {"categories": ["hats"]}},
                {"id": "caps-b2g2", "priority": 0, "benefit": {"type": "buy_x_get_y", "buy": 2, "get": 2, "percent": "50", "partial_get": true}, "items": {"categories": ["caps"]}},
                {"id": "five", "class": "stack", "benefit": {"type": "percent_off", "percent": "5", "scope": "order"}}
            ]
        });
        Engine::from_json(&rules.to_string()).unwrap()
    })
}

const CATEGORIES: &[&str] = &["tea", "snacks", "books", "socks", "mugs", "cups", "pens", "hats", "caps"];

prop_compose! {
    /// A product: its category, unit price (whole cents), quantity, and
    /// where its quantity is cut into lines.
    fn product()(category in prop::sample::select(CATEGORIES), cents in 100_i64..5_000, qty in 1_u32..7,
                 cuts in prop::collection::vec(1_u32..7, 0..4)) -> (String, i64, u32, Vec<u32>) {
        (category.to_string(), cents, qty, cuts)
    }
}

fn line(id: String, category: &str, cents: i64, qty: u32) -> Value {
    json!({"id": id, "sku": format!("{category}-{cents}"), "quantity": qty,
           "unit_price": format!("{}.{:02}", cents / 100, cents % 100), "categories": [category]})
}

fn totals(lines: Vec<Value>) -> (String, String) {
    let request = json!({"now": "2026-11-11T12:00:00+08:00", "lines": lines});
    let answer: Value = serde_json::from_str(&engine().quote_json(&request.to_string()).unwrap()).unwrap();
    let t = &answer["totals"];
    (t["grand_total"].as_str().unwrap().to_string(), t["discounts"].as_str().unwrap().to_string())
}

proptest! {
    #[test]
    fn splitting_or_merging_lines_never_changes_the_totals(products in prop::collection::vec(product(), 1..5)) {
        let mut merged = Vec::new();
        let mut split = Vec::new();
        for (p, (category, cents, qty, cuts)) in products.iter().enumerate() {
            merged.push(line(format!("P{p}"), category, *cents, *qty));
            // The same units as lines of 1..qty units each.
            let mut left = *qty;
            for (k, cut) in cuts.iter().chain(std::iter::once(&u32::MAX)).enumerate() {
                if left == 0 {
                    break;
                }
                let n = (*cut).min(left);
                split.push(line(format!("P{p}-{k}"), category, *cents, n));
                left -= n;
            }
        }
        prop_assert_eq!(totals(merged), totals(split));
    }
}
