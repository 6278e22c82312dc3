//! Invariant 5 with points: with best-combination selection, another
//! eligible coupon in the wallet never makes what the customer finally pays
//! higher — points included. A coupon can take the order under the points
//! redemption's minimum or share, so the search compares what is paid after
//! points, not the items' amounts alone.

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

proptest! {
    #[test]
    fn another_coupon_never_raises_what_is_paid_points_included(
        prices in prop::collection::vec(500_i64..6_000, 1..4),
        wallet in prop::collection::vec(prop::sample::select(COUPONS), 0..3),
        extra in prop::sample::select(COUPONS),
        redeem in prop::sample::select(&[0_u64, 1000, 1500, 3000, 5000][..]),
    ) {
        let lines: Vec<Value> = prices.iter().enumerate().map(|(i, c)| json!({
            "id": format!("L{i}"), "sku": format!("S{i}"), "quantity": 1, "unit_price": format!("{}.{:02}", c / 100, c % 100)
        })).collect();
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
