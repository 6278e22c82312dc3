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
        let rules = json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
            "shipping": {"carriers": [{"id": "yto"}], "zones": [{"id": "cn", "match": {"countries": ["CN"]},
                "methods": [{"carrier": "yto", "id": "std", "rate": {"type": "flat", "price": "15.00"}, "service": "standard",
                             "transit_days": {"min": 1, "max": 3}}]}]},
            "promotions": [
                {"id": "s-if-30", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "30.00", "per": "order", "with_shipping": "items_first"}},
                {"id": "s-pr-30", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "30.00", "per": "order", "with_shipping": "pro_rata"}},
                {"id": "s-pr-12", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "12.00", "per": "order", "with_shipping": "pro_rata"}},
                {"id": "s-25", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "25.00", "per": "order"}},
                {"id": "s-20pct", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "percent_off", "percent": "20", "scope": "order"}},
                {"id": "s-5", "trigger": "wallet", "class": "coupon", "combines_with": ["coupon", "default"], "benefit": {"type": "amount_off", "amount": "5.00", "per": "order"}}
            ]
        });
        Engine::from_json(&rules.to_string()).unwrap()
    })
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
