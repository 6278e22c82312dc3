//! Properties of returns over generated carts and random sequences of
//! partial returns.
//!
//! Invariant 1: no refund (nor any part paid out) is negative. Invariant 6:
//! over any sequence of partial returns the refunds never exceed what was
//! paid, and returning everything refunds exactly what was paid less the
//! fees the policy names (return shipping, restocking, kept gifts).
//! Invariant 7: a full return reverses exactly the points earned and gives
//! back exactly the points redeemed. Invariant 4: the order of the
//! receipt's lines does not change a byte of the answer.

use std::collections::BTreeMap;

use commerce_rules::{Currency, Engine, Money};
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: &str = "2026-11-20T10:00:00+08:00";

fn engine(fees: bool) -> Engine {
    let mut returns = json!({
        "windows": {"no_reason_days": 7, "quality_days": 15},
        "clawback_thresholds": true,
        "gift_policy": "deduct_value"
    });
    if fees {
        returns["return_shipping_fee"] = json!("6.00");
        returns["restocking_fee_percent"] = json!("10");
    }
    Engine::from_json(
        &json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
            "promotions": [
                {"id": "tea-10", "benefit": {"type": "percent_off", "percent": "10"}, "items": {"categories": ["tea"]}},
                {"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [
                    {"min_spend": "199.00", "discount": "20.00"}, {"min_spend": "399.00", "discount": "50.00"}]}},
                {"id": "every", "benefit": {"type": "every_spend", "every": "100.00", "discount": "5.00"}},
                {"id": "gift", "conditions": {"min_subtotal": {"amount": "300.00"}},
                 "benefit": {"type": "gift", "sku": "GIFT", "value": "15.00"}}
            ],
            "points": {"earning": {"rate": "1.5"}, "redemption": {"points_per_unit": 100}},
            "returns": returns
        })
        .to_string(),
    )
    .unwrap()
}

fn engines() -> &'static [Engine; 2] {
    use std::sync::OnceLock;
    static ENGINES: OnceLock<[Engine; 2]> = OnceLock::new();
    ENGINES.get_or_init(|| [engine(false), engine(true)])
}

fn money(v: &Value) -> Money {
    Money::parse(v.as_str().unwrap(), Currency::CNY).unwrap()
}

fn cart() -> impl Strategy<Value = Vec<(u32, i64, bool)>> {
    prop::collection::vec((1_u32..=4, 1_i64..=30_000, any::<bool>()), 1..=5)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_partial_returns_refunds_exactly_what_was_paid(
        lines in cart(),
        assignment in prop::collection::vec(0_usize..4, 40),
        fees in any::<bool>(),
        quality in any::<bool>(),
        redeem in 0_u64..3_000,
    ) {
        let engine = &engines()[usize::from(fees)];
        let cart_lines: Vec<Value> = lines.iter().enumerate().map(|(i, (q, cents, tea))| json!({
            "id": format!("L{i}"), "sku": format!("S{i}"), "quantity": q,
            "unit_price": Money::from_minor(*cents, Currency::CNY).to_string(),
            "categories": [if *tea { "tea" } else { "other" }]
        })).collect();
        let receipt: Value = serde_json::from_str(
            &engine.quote_json(&json!({"now": NOW, "lines": cart_lines, "points": {"redeem": redeem,
                "lots": [{"id": "lot", "earned_at": "2026-01-01T00:00:00+08:00", "amount": 3000}]}}).to_string()).unwrap()).unwrap();
        let paid = money(&receipt["totals"]["grand_total"]);
        let earned: u64 = receipt["lines"].as_array().unwrap().iter()
            .map(|l| l["points"]["earned"].as_u64().unwrap_or(0)).sum();

        // Every unit (gift lines included) goes to one of up to 4 returns.
        let mut returns: BTreeMap<usize, BTreeMap<String, u32>> = BTreeMap::new();
        let mut k = 0;
        for l in receipt["lines"].as_array().unwrap() {
            for _ in 0..l["quantity"].as_u64().unwrap() {
                let r = assignment.get(k % assignment.len()).copied().unwrap_or(0);
                k += 1;
                *returns.entry(r).or_default().entry(l["id"].as_str().unwrap().to_string()).or_default() += 1;
            }
        }
        let mut earlier: Vec<Value> = Vec::new();
        let zero = Money::zero(Currency::CNY);
        let redeemed: u64 = receipt["lines"].as_array().unwrap().iter()
            .map(|l| l["points"]["redeemed"].as_u64().unwrap_or(0)).sum();
        let (mut refunded, mut fees_total, mut reversed, mut given_back) = (zero, zero, 0_u64, 0_u64);
        for items in returns.values() {
            let items: Vec<Value> = items.iter().map(|(id, q)| json!({"line_id": id, "quantity": q})).collect();
            let req = json!({
                "now": "2026-11-25T10:00:00+08:00", "receipt": receipt,
                "delivered_at": "2026-11-22T10:00:00+08:00",
                "earlier_returns": earlier, "items": items,
                "reason": if quality { "quality" } else { "no_reason" }
            });
            let text = engine.answer_json(commerce_rules::Question::ReturnRefund, &req.to_string()).unwrap();
            // Invariant 4: the order of the receipt's lines does not change a byte.
            let mut reversed_req = req.clone();
            reversed_req["receipt"]["lines"].as_array_mut().unwrap().reverse();
            prop_assert_eq!(&engine.answer_json(commerce_rules::Question::ReturnRefund, &reversed_req.to_string()).unwrap(), &text);
            let answer: Value = serde_json::from_str(&text).unwrap();
            let r = &answer["refund"];
            let total = money(&r["total"]);
            prop_assert!(!total.is_negative(), "negative refund {total}");
            for key in ["items", "gift_deduction", "original_shipping", "return_shipping", "restocking_fee", "points_deduction"] {
                prop_assert!(!money(&r[key]).is_negative(), "{key} negative");
            }
            let parts = Money::checked_sum(Currency::CNY, r["parts"].as_array().unwrap().iter().map(|p| money(&p["amount"]))).unwrap();
            prop_assert_eq!(parts, total);
            prop_assert!(answer["lines"].as_array().unwrap().iter().all(|l| l["eligible"] == true));
            refunded = refunded.checked_add(total).unwrap();
            prop_assert!(refunded.checked_cmp(paid).unwrap().is_le(), "refunded {refunded} > paid {paid}");
            for key in ["gift_deduction", "return_shipping", "restocking_fee", "points_deduction"] {
                fees_total = fees_total.checked_add(money(&r[key])).unwrap();
            }
            reversed += answer["points"]["earned_reversed"].as_u64().unwrap_or(0);
            given_back += answer["points"]["redeemed_returned"].as_u64().unwrap_or(0);
            earlier.push(answer["record"].clone());
        }
        prop_assert_eq!(refunded.checked_add(fees_total).unwrap(), paid);
        prop_assert_eq!(reversed, earned);
        prop_assert_eq!(given_back, redeemed);
    }
}
