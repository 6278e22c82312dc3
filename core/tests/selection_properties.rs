//! Invariant 5 with points: with best-combination selection, another
//! eligible coupon in the wallet never makes what the customer finally pays
//! higher — points included. A coupon can take the order under the points
//! redemption's minimum or share, so the search compares what is paid after
//! points, not the items' amounts alone. The same with coupons that take
//! part of their discount off shipping (`with_shipping`): the search weighs
//! their whole value, items and shipping.

use commerce_rules::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

fn engine() -> &'static Engine {
    use std::sync::OnceLock;
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let rules = json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
            "points": {"earning": {"rate": "1"},
                       "redemption": {"points_per_unit": 100, "min_points": 1000, "step": 500, "max_share_percent": "30"}},
            "promotions": [
                {"id": "c-5", "trigger": "wallet", "class": "coupon", "combines_with": ["coupon", "default"], "benefit": {"type": "percent_off", "percent": "5", "scope": "order"}},
                {"id": "c-12", "trigger": "wallet", "class": "coupon", "combines_with": ["coupon", "default"], "benefit": {"type": "percent_off", "percent": "12", "scope": "order"}},
                {"id": "c-20", "trigger": "wallet", "class": "coupon", "combines_with": ["coupon", "default"], "benefit": {"type": "percent_off", "percent": "20", "scope": "order"}},
                {"id": "c-3", "trigger": "wallet", "class": "coupon", "combines_with": ["coupon", "default"], "benefit": {"type": "amount_off", "amount": "3.00", "per": "order"}}
            ]
        });
        Engine::from_json(&rules.to_string()).unwrap()
    })
}

const COUPONS: &[&str] = &["c-5", "c-12", "c-20", "c-3"];

fn grand_total(request: &Value) -> (rust_decimal::Decimal, bool) {
    let answer: Value = serde_json::from_str(&engine().quote_json(&request.to_string()).unwrap()).unwrap();
    let total = answer["totals"]["grand_total"].as_str().unwrap().parse().unwrap();
    (total, answer["selection"]["optimal"] == true)
}

/// One unit per price (in cents), each its own line and SKU.
fn cart_lines(prices: &[i64]) -> Vec<Value> {
    prices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({"id": format!("L{i}"), "sku": format!("S{i}"), "quantity": 1, "unit_price": format!("{}.{:02}", c / 100, c % 100)})
        })
        .collect()
}

proptest! {
    #[test]
    fn another_coupon_never_raises_what_is_paid_points_included(
        prices in prop::collection::vec(500_i64..6_000, 1..4),
        wallet in prop::collection::vec(prop::sample::select(COUPONS), 0..3),
        extra in prop::sample::select(COUPONS),
        redeem in prop::sample::select(&[0_u64, 1000, 1500, 3000, 5000][..]),
    ) {
        let lines = cart_lines(&prices);
        let coupon = |k: usize, p: &str| json!({"id": format!("w{k}"), "promotion_id": p});
        let mut request = json!({
            "now": "2026-11-11T12:00:00+08:00", "lines": lines,
            "wallet": wallet.iter().enumerate().map(|(k, p)| coupon(k, p)).collect::<Vec<_>>(),
            "points": {"redeem": redeem, "lots": [{"id": "lot", "earned_at": "2026-01-01T00:00:00+08:00", "amount": 100000}]}
        });
        let (before, optimal) = grand_total(&request);
        request["wallet"].as_array_mut().unwrap().push(coupon(9, extra));
        let (after, optimal_after) = grand_total(&request);
        if optimal && optimal_after {
            prop_assert!(after <= before, "another {} coupon raises the total from {} to {}", extra, before, after);
        }
    }
}

/// A store whose wallet coupons include order discounts over items and
/// shipping (`items_first`, `pro_rata`) next to items-only ones; the
/// coupons exclude each other except `s-5`, so the search must weigh the
/// whole value of each.
fn shipping_engine() -> &'static Engine {
    use std::sync::OnceLock;
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        cn_store(
            json!([{"carrier": "yto", "id": "std", "rate": {"type": "flat", "price": "15.00"}, "service": "standard",
                    "transit_days": {"min": 1, "max": 3}}]),
            json!([
                {"id": "s-if-30", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "30.00", "per": "order", "with_shipping": "items_first"}},
                {"id": "s-pr-30", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "30.00", "per": "order", "with_shipping": "pro_rata"}},
                {"id": "s-pr-12", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "12.00", "per": "order", "with_shipping": "pro_rata"}},
                {"id": "s-25", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "25.00", "per": "order"}},
                {"id": "s-20pct", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "percent_off", "percent": "20", "scope": "order"}},
                {"id": "s-5", "trigger": "wallet", "class": "coupon", "combines_with": ["coupon", "default"], "benefit": {"type": "amount_off", "amount": "5.00", "per": "order"}}
            ]),
        )
    })
}

/// A CNY store, prices including 13 % VAT, shipping in one zone (all of
/// China) by `methods`, with `promotions`.
fn cn_store(methods: Value, promotions: Value) -> Engine {
    let rules = json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
        "shipping": {"carriers": [{"id": "yto"}], "zones": [{"id": "cn", "match": {"countries": ["CN"]}, "methods": methods}]},
        "promotions": promotions
    });
    Engine::from_json(&rules.to_string()).unwrap()
}

const SHIPPING_COUPONS: &[&str] = &["s-if-30", "s-pr-30", "s-pr-12", "s-25", "s-20pct", "s-5"];

proptest! {
    /// Invariant 5 with coupons over items and shipping: another eligible
    /// coupon in the wallet never makes the grand total (shipping included)
    /// higher, and the chosen combination pays no more than any single
    /// coupon alone or none.
    #[test]
    fn another_coupon_never_raises_what_is_paid_shipping_included(
        prices in prop::collection::vec(1_i64..6_000, 1..4),
        wallet in prop::collection::vec(prop::sample::select(SHIPPING_COUPONS), 0..3),
        extra in prop::sample::select(SHIPPING_COUPONS),
    ) {
        let lines = cart_lines(&prices);
        let coupon = |k: usize, p: &str| json!({"id": format!("w{k}"), "promotion_id": p});
        let mut request = json!({
            "now": "2026-11-11T12:00:00+08:00", "lines": lines,
            "destination": {"country": "CN", "region": "Shanghai", "city": "Shanghai", "postcode": "200000"},
            "wallet": wallet.iter().enumerate().map(|(k, p)| coupon(k, p)).collect::<Vec<_>>()
        });
        let total = |r: &Value| {
            let a: Value = serde_json::from_str(&shipping_engine().quote_json(&r.to_string()).unwrap()).unwrap();
            (a["totals"]["grand_total"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap(), a["selection"]["optimal"] == true)
        };
        let (before, optimal) = total(&request);
        // No better with any single coupon of the wallet alone, or none.
        let mut singles = vec![json!([])];
        singles.extend(wallet.iter().enumerate().map(|(k, p)| json!([coupon(k, p)])));
        for single in singles {
            let mut alone = request.clone();
            alone["wallet"] = single.clone();
            let (t, _) = total(&alone);
            if optimal {
                prop_assert!(before <= t, "the wallet {:?} pays {} but {} alone pays {}", wallet, before, single, t);
            }
        }
        request["wallet"].as_array_mut().unwrap().push(coupon(9, extra));
        let (after, optimal_after) = total(&request);
        if optimal && optimal_after {
            prop_assert!(after <= before, "another {} coupon raises the total from {} to {}", extra, before, after);
        }
    }
}

/// A store with wallet percent and amount coupons (some excluding each
/// other), an entered free-shipping code `SHIP` with a minimum spend after
/// discounts, and an automatic free-shipping promotion for big orders.
fn free_shipping_code_engine() -> &'static Engine {
    use std::sync::OnceLock;
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        cn_store(
            json!([{"carrier": "yto", "id": "std", "rate": {"type": "flat", "price": "12.00"}, "service": "standard",
                    "transit_days": {"min": 1, "max": 3}},
                   {"carrier": "yto", "id": "exp", "rate": {"type": "flat", "price": "20.00"}, "service": "express",
                    "transit_days": {"min": 1, "max": 1}}]),
            json!([
                {"id": "ship", "trigger": "code", "codes": ["SHIP"], "benefit": {"type": "free_shipping", "methods": ["std"]},
                 "conditions": {"min_subtotal": {"amount": "60.00"}}},
                {"id": "auto-ship", "trigger": "automatic", "benefit": {"type": "free_shipping"},
                 "conditions": {"min_subtotal": {"amount": "150.00"}}},
                {"id": "f-10", "trigger": "wallet", "class": "coupon", "combines_with": ["coupon", "default"], "benefit": {"type": "percent_off", "percent": "10", "scope": "order"}},
                {"id": "f-30", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "percent_off", "percent": "30", "scope": "order"}},
                {"id": "f-25", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "25.00", "per": "order"}}
            ]),
        )
    })
}

const FREE_SHIPPING_CODE_COUPONS: &[&str] = &["f-10", "f-30", "f-25"];

proptest! {
    /// An entered free-shipping code never changes what the items cost:
    /// the same coupons are chosen and the same discounts land on the same
    /// lines, with or without it. It applies exactly when its minimum
    /// holds on what the items cost after those discounts and it discounts
    /// an option (here: the standard one, unless the automatic promotion
    /// for big orders frees it first); otherwise it is refused with a
    /// reason, and the grand total never rises.
    #[test]
    fn a_free_shipping_code_rides_along_with_the_chosen_coupons(
        prices in prop::collection::vec(500_i64..9_000, 1..4),
        wallet in prop::collection::vec(prop::sample::select(FREE_SHIPPING_CODE_COUPONS), 0..3),
        express in prop::bool::ANY,
    ) {
        let coupon = |k: usize, p: &str| json!({"id": format!("w{k}"), "promotion_id": p});
        let mut request = json!({
            "now": "2026-11-11T12:00:00+08:00", "lines": cart_lines(&prices),
            "destination": {"country": "CN", "region": "Shanghai", "city": "Shanghai", "postcode": "200000"},
            "wallet": wallet.iter().enumerate().map(|(k, p)| coupon(k, p)).collect::<Vec<_>>()
        });
        if express {
            request["shipping_method"] = json!("exp");
        }
        let quote = |r: &Value| -> Value {
            serde_json::from_str(&free_shipping_code_engine().quote_json(&r.to_string()).unwrap()).unwrap()
        };
        let without = quote(&request);
        request["codes"] = json!(["SHIP"]);
        let with = quote(&request);
        // The lines without their shipping share (the code may free it).
        let items = |a: &Value| {
            let mut lines = a["lines"].clone();
            for l in lines.as_array_mut().unwrap() {
                l.as_object_mut().unwrap().remove("shipping");
            }
            (lines, a["totals"]["discounts"].clone(), a["totals"]["item_subtotal"].clone())
        };
        prop_assert_eq!(items(&with), items(&without));
        let applied = |a: &Value, id: &str| a["promotions"].as_array().unwrap().iter().any(|p| p["id"] == id);
        let wallet_used = |a: &Value| {
            let mut ids: Vec<String> = a["usages"].as_array().unwrap().iter()
                .filter_map(|u| u["wallet_coupon_id"].as_str().map(String::from)).collect();
            ids.sort();
            ids
        };
        prop_assert_eq!(wallet_used(&with), wallet_used(&without));
        let cents = |v: &Value| v.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        let after_discounts = cents(&with["totals"]["item_subtotal"]) - cents(&with["totals"]["discounts"]);
        let big = applied(&with, "auto-ship");
        prop_assert_eq!(big, after_discounts >= rust_decimal::Decimal::from(150));
        let expected = after_discounts >= rust_decimal::Decimal::from(60) && !big;
        prop_assert_eq!(applied(&with, "ship"), expected, "after discounts {}", after_discounts);
        if !expected {
            let refused = with["rejected"].as_array().unwrap().iter().find(|r| r["code"] == "SHIP");
            prop_assert!(refused.is_some(), "SHIP neither applied nor refused: {}", with["rejected"]);
        }
        prop_assert!(cents(&with["totals"]["grand_total"]) <= cents(&without["totals"]["grand_total"]));
    }
}
