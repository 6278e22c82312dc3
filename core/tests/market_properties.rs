//! Properties of markets (`docs/markets.md`) over generated carts, rates
//! and price-rounding rules.
//!
//! Converted and rounded prices never depend on the order of the lines (the
//! answer is byte-identical whatever the order), and a refund at the rate
//! the receipt records never exceeds what was charged, whatever rate the
//! rule set states by then.

use commerce_rules::{Engine, Question};
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: &str = "2026-11-11T20:00:00+08:00";

fn rules(rate: &str, rounding: &Value, adjustment: &str) -> Value {
    json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
        "price_lists": [{"id": "sale", "kind": "sale", "prices": [{"sku": "S1", "unit_price": "88.00"}]}],
        "promotions": [
            {"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [
                {"min_spend": "199.00", "discount": "20.00"}, {"min_spend": "399.00", "discount": "50.00"}]}},
            {"id": "tea", "benefit": {"type": "percent_off", "percent": "10"}, "items": {"categories": ["tea"]}}
        ],
        "returns": {"windows": {"no_reason_days": 7}, "clawback_thresholds": true},
        "markets": [{"id": "m", "countries": ["US"], "currency": "USD", "rate": rate,
                     "price_adjustment_percent": adjustment, "price_rounding": rounding}]
    })
}

fn rounding() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({})),
        Just(json!({"step": "1", "ending": "0.99", "direction": "up"})),
        Just(json!({"step": "1", "ending": "0.95", "direction": "nearest"})),
        Just(json!({"step": "0.05"})),
        Just(json!({"step": "0.10", "direction": "down"})),
        Just(json!({"step": "1"})),
    ]
}

/// Rates from 0.0100 to 4.9999. (Below 0.0025, the rule set's smallest
/// discount, 20.00 CNY, converts to 0.00 and the market is refused at load,
/// as it should be: this property is not about that.)
fn rate() -> impl Strategy<Value = String> {
    (100_u32..50_000).prop_map(|r| format!("{}.{:04}", r / 10_000, r % 10_000))
}

fn cart() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec((0_u8..6, 1_u32..4, 1_u32..40_000), 1..8).prop_map(|lines| {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, (sku, qty, cents))| {
                json!({"id": format!("L{i}"), "sku": format!("S{sku}"), "quantity": qty,
                       "unit_price": format!("{}.{:02}", cents / 100, cents % 100),
                       "categories": if sku % 2 == 0 { vec!["tea"] } else { vec![] }})
            })
            .collect()
    })
}

fn quote(engine: &Engine, lines: &[Value]) -> String {
    let req = json!({"now": NOW, "market": "m", "lines": lines});
    engine.answer_json(Question::Quote, &req.to_string()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn market_prices_do_not_depend_on_line_order(
        lines in cart(), r in rate(), rounding in rounding(), adj in -20_i32..30, rotate in 0_usize..8,
    ) {
        let engine = Engine::from_json(&rules(&r, &rounding, &adj.to_string()).to_string()).unwrap();
        let mut shuffled = lines.clone();
        shuffled.reverse();
        let n = shuffled.len();
        shuffled.rotate_left(rotate % n);
        prop_assert_eq!(quote(&engine, &lines), quote(&engine, &shuffled));
    }

    #[test]
    fn a_refund_at_the_recorded_rate_never_exceeds_what_was_charged(
        lines in cart(), r in rate(), later in rate(), rounding in rounding(), returned in 1_usize..8,
    ) {
        let engine = Engine::from_json(&rules(&r, &rounding, "0").to_string()).unwrap();
        let receipt: Value = serde_json::from_str(&quote(&engine, &lines)).unwrap();
        let charged = receipt["totals"]["grand_total"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        let now_engine = Engine::from_json(&rules(&later, &rounding, "0").to_string()).unwrap();
        let items: Vec<Value> = lines.iter().take(returned)
            .map(|l| json!({"line_id": l["id"], "quantity": l["quantity"]})).collect();
        let req = json!({"now": "2026-11-13T10:00:00+08:00", "ordered_at": NOW, "delivered_at": "2026-11-12T10:00:00+08:00",
                         "reason": "no_reason", "receipt": receipt, "items": items});
        let answer: Value = serde_json::from_str(&now_engine.answer_json(Question::ReturnRefund, &req.to_string()).unwrap()).unwrap();
        prop_assert_eq!(answer["currency"].as_str(), Some("USD"));
        let refund = answer["refund"]["total"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        prop_assert!(refund >= rust_decimal::Decimal::ZERO && refund <= charged, "refund {} charged {}", refund, charged);
        // The same refund as on the engine that made the receipt: the recorded rate, not today's.
        let same: Value = serde_json::from_str(&engine.answer_json(Question::ReturnRefund, &req.to_string()).unwrap()).unwrap();
        prop_assert_eq!(&answer["refund"], &same["refund"]);
    }
}

// Promotion and free-shipping amounts in a market (issue 18, item 3): converted and
// rounded by the market's `amount_rounding`, or fixed per currency (`amounts_in`).

type Dec = rust_decimal::Decimal;

fn dec(v: &Value) -> Dec {
    v.as_str().unwrap().parse().unwrap()
}

/// Cents as a decimal string: 4000 is "40.00".
fn cents(c: u32) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// A grid for thresholds or discounts, or none (converted to the cent).
fn amount_grid() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!({"step": "1"}))),
        Just(Some(json!({"step": "5", "direction": "up"}))),
        Just(Some(json!({"step": "0.50", "direction": "down"}))),
        Just(Some(json!({"step": "10", "direction": "down"}))),
        Just(Some(json!({"step": "1", "ending": "0.99", "direction": "nearest"}))),
    ]
}

/// A CNY rule set with a 满减 in two tiers, an item percentage, an
/// every-spend with a cap, and 包邮 over 99.00; one US market with the given
/// amount rounding and, when `fixed` is given, the 满减's tiers and the
/// free-shipping threshold fixed in USD.
fn amounts_rules(
    rate: &str,
    tiers: &[(u32, u32)],
    thresholds: &Option<Value>,
    discounts: &Option<Value>,
    fixed: Option<(&[(u32, u32)], u32)>,
) -> Value {
    let tier_json = |t: &[(u32, u32)]| -> Vec<Value> {
        t.iter().map(|(m, d)| json!({"min_spend": cents(*m), "discount": cents(*d)})).collect()
    };
    let mut mj = json!({"id": "mj", "benefit": {"type": "spend_tiers", "tiers": tier_json(tiers)}});
    let mut free = json!({"id": "free-99", "min_subtotal": "99.00"});
    if let Some((t, threshold)) = fixed {
        mj["amounts_in"] = json!({"USD": {"tiers": tier_json(t)}});
        free["amounts_in"] = json!({"USD": {"min_subtotal": cents(threshold)}});
    }
    let mut rounding = json!({});
    if let Some(t) = thresholds {
        rounding["thresholds"] = t.clone();
    }
    if let Some(d) = discounts {
        rounding["discounts"] = d.clone();
    }
    json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
        "promotions": [
            mj,
            {"id": "tea", "benefit": {"type": "percent_off", "percent": "10"}, "items": {"categories": ["tea"]}},
            {"id": "every", "priority": 200, "benefit": {"type": "every_spend", "every": "150.00", "discount": "10.00", "max_discount": "30.00"}}
        ],
        "shipping": {"carriers": [{"id": "ups"}], "free_shipping": [free],
                     "zones": [{"id": "us", "match": {"countries": ["US"]}, "methods": [
                         {"id": "std", "carrier": "ups", "service": "standard", "rate": {"type": "flat", "price": "50.00"},
                          "transit_days": {"min": 5, "max": 9}}]}]},
        "markets": [{"id": "m", "countries": ["US"], "currency": "USD", "rate": rate, "amount_rounding": rounding}]
    })
}

/// Two ascending tiers (min_spend, discount) in cents, each discount at
/// least 1.00 and at most its threshold, the second at least the first.
fn two_tiers(low: u32, high: u32) -> impl Strategy<Value = Vec<(u32, u32)>> {
    (low..high, 1_u32..high, 100_u32..10_000, 0_u32..10_000).prop_map(|(t1, step, d1, more)| {
        let t2 = t1 + step;
        let d1 = d1.min(t1);
        vec![(t1, d1), (t2, (d1 + more).min(t2))]
    })
}

/// Like [`two_tiers`], often close together (under 20.00 CNY apart), so
/// that a coarse rounding can merge them.
fn close_tiers() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop_oneof![
        two_tiers(10_000, 60_000),
        (10_000_u32..60_000, 1_u32..2_000, 100_u32..5_000).prop_map(|(t1, gap, d1)| { vec![(t1, d1), (t1 + gap, d1)] })
    ]
}

fn quote_us(engine: &Engine, lines: &[Value]) -> Value {
    let req = json!({"now": NOW, "market": "m", "destination": {"country": "US", "postcode": "10001"}, "lines": lines});
    serde_json::from_str(&engine.answer_json(Question::Quote, &req.to_string()).unwrap()).unwrap()
}

/// The 满减's discount in an answer, zero when it did not apply.
fn mj_discount(answer: &Value) -> Dec {
    answer["promotions"].as_array().unwrap().iter().find(|p| p["id"] == "mj").map_or(Dec::ZERO, |p| dec(&p["amount"]))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Rounded and fixed amounts never depend on the order of the lines.
    #[test]
    fn rounded_and_fixed_amounts_do_not_depend_on_line_order(
        lines in cart(), r in rate(), tiers in two_tiers(10_000, 60_000), thresholds in amount_grid(),
        discounts in amount_grid(), fixed in prop::option::of((two_tiers(500, 8_000), 500_u32..5_000)), rotate in 0_usize..8,
    ) {
        let rules = amounts_rules(&r, &tiers, &thresholds, &discounts, fixed.as_ref().map(|(t, s)| (t.as_slice(), *s)));
        // A rounding that merges tiers or lifts a discount over its threshold is refused at load (see below).
        let Ok(engine) = Engine::from_json(&rules.to_string()) else { return Ok(()) };
        let mut shuffled = lines.clone();
        shuffled.reverse();
        let n = shuffled.len();
        shuffled.rotate_left(rotate % n);
        let a = quote_us(&engine, &lines);
        prop_assert_eq!(&a, &quote_us(&engine, &shuffled));
    }

    /// A fixed amount is used exactly as written, whatever the rate and the
    /// market's rounding: the 满减 takes the fixed discount of the highest
    /// fixed tier the subtotal reaches, the hint names the fixed threshold,
    /// and shipping is free exactly from the fixed threshold.
    #[test]
    fn a_fixed_amount_is_used_exactly_as_written(
        lines in cart(), r in rate(), tiers in two_tiers(10_000, 60_000), thresholds in amount_grid(),
        discounts in amount_grid(), fixed in two_tiers(500, 8_000), free_at in 500_u32..5_000,
    ) {
        // Only the 满减 and 包邮: the subtotal it is compared with is the item subtotal.
        let mut rules = amounts_rules(&r, &tiers, &thresholds, &discounts, Some((&fixed, free_at)));
        rules["promotions"].as_array_mut().unwrap().truncate(1);
        let engine = Engine::from_json(&rules.to_string());
        prop_assert!(engine.is_ok(), "fixed ascending tiers load whatever the rounding: {:?}", engine.err());
        let engine = engine.unwrap();
        let a = quote_us(&engine, &lines);
        let subtotal = dec(&a["totals"]["item_subtotal"]);
        let d = |c: u32| cents(c).parse::<Dec>().unwrap();
        let expected = fixed.iter().rev().find(|(m, _)| subtotal >= d(*m)).map_or(Dec::ZERO, |(_, disc)| d(*disc));
        prop_assert_eq!(mj_discount(&a), expected);
        if expected > Dec::ZERO {
            // The market block says where the applied 满减's amounts come from.
            let sources = a["market"]["amounts"].as_array().unwrap();
            let mj = sources.iter().find(|s| s["rule"] == "promotion:mj");
            prop_assert_eq!(mj.map(|s| &s["source"]), Some(&json!("fixed")));
        }
        if let Some((next, _)) = fixed.iter().find(|(m, _)| subtotal < d(*m)) {
            let hint = a["hints"].as_array().unwrap().iter().find(|h| h["promotion_id"] == "mj" && h["code"] == "spend_more");
            if let Some(h) = hint {
                prop_assert_eq!(dec(&h["amount_needed"]), d(*next) - subtotal);
            }
        }
        let after = subtotal - expected;
        let shipping_discount = dec(&a["totals"]["shipping_discounts"]);
        prop_assert_eq!(shipping_discount == dec(&a["totals"]["shipping"]), after >= d(free_at), "after {} free at {}", after, free_at);
    }

    /// Tiers stay ordered and discounts positive under any rounding: either
    /// the market loads, and the 满减's discount never falls as the cart grows
    /// and is over zero whenever it applies, or the market is refused at load
    /// at its `amount_rounding` (tiers merged, a discount over its threshold),
    /// or at its `rate` when conversion to the cent merged two tiers (117.50
    /// and 117.51 at 0.01 are both 1.18) or put a discount converted to the
    /// cent over its rounded threshold (at 0.1043, 95.93 off 100.01 becomes
    /// 10.01 off a threshold rounded down to 10.00).
    #[test]
    fn rounded_tiers_stay_ordered_and_discounts_positive(
        r in rate(), tiers in close_tiers(), thresholds in amount_grid(), discounts in amount_grid(),
    ) {
        let mut rules = amounts_rules(&r, &tiers, &thresholds, &discounts, None);
        rules["promotions"].as_array_mut().unwrap().truncate(1);
        let engine = match Engine::from_json(&rules.to_string()) {
            Ok(e) => e,
            Err(e) => {
                let report = serde_json::to_value(e.report()).unwrap();
                let problems = report["problems"].as_array().unwrap();
                prop_assert!(!problems.is_empty());
                for p in problems {
                    let path = p["path"].as_str().unwrap();
                    // Only those two problems of conversion are the rate's.
                    let message = p["message"].as_str().unwrap_or_default();
                    let by_rate = path == "markets[0].rate"
                        && (message.ends_with("tiers must ascend by min_spend") || message.ends_with("must not exceed min_spend"));
                    prop_assert!(by_rate || path.starts_with("markets[0].amount_rounding."), "refused at {}: {}", path, p);
                }
                return Ok(());
            }
        };
        let mut last = (Dec::ZERO, Dec::ZERO);
        for step in 0..40_u32 {
            let price = cents(2_000 + step * 2_000);
            let a = quote_us(&engine, &[json!({"id": "1", "sku": "X", "quantity": 1, "unit_price": price})]);
            let (subtotal, discount) = (dec(&a["totals"]["item_subtotal"]), mj_discount(&a));
            prop_assert!(subtotal >= last.0);
            prop_assert!(discount >= last.1, "discount fell from {} to {} at {}", last.1, discount, subtotal);
            prop_assert!(discount <= subtotal);
            let applied = a["promotions"].as_array().unwrap().iter().any(|p| p["id"] == "mj");
            prop_assert!(!applied || discount > Dec::ZERO, "a zero discount applied at {}", subtotal);
            last = (subtotal, discount);
        }
    }
}

/// Every kind of fixed amount lands where it belongs: an `amount_off` with
/// a minimum spend and a unit-price filter, an `every_spend` with a cap.
#[test]
fn fixed_amounts_of_every_field_are_used() {
    let rules = json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
        "promotions": [
            {"id": "off", "benefit": {"type": "amount_off", "amount": "10.00", "per": "order"},
             "conditions": {"min_subtotal": {"amount": "100.00"}}, "items": {"min_unit_price": "50.00"},
             "amounts_in": {"USD": {"amount": "2.00", "min_subtotal": "12.00", "min_unit_price": "7.00"}}},
            {"id": "every", "priority": 200, "benefit": {"type": "every_spend", "every": "100.00", "discount": "5.00", "max_discount": "10.00"},
             "amounts_in": {"USD": {"every": "10.00", "discount": "1.00", "max_discount": "3.00"}}}
        ],
        "markets": [{"id": "m", "countries": ["US"], "currency": "USD", "rate": "0.1380",
                     "amount_rounding": {"thresholds": {"step": "5", "direction": "up"}, "discounts": {"step": "1", "direction": "up"}}}]
    });
    let engine = Engine::from_json(&rules.to_string()).unwrap();
    // 60.00 and 40.00 CNY at 0.1380: 8.28 and 5.52 USD; only the first is at least 7.00.
    let line = |id: &str, price: &str, qty: u32| json!({"id": id, "sku": id, "quantity": qty, "unit_price": price});
    let a: Value = {
        let req = json!({"now": NOW, "market": "m", "lines": [line("A", "60.00", 2), line("B", "40.00", 1)]});
        serde_json::from_str(&engine.answer_json(Question::Quote, &req.to_string()).unwrap()).unwrap()
    };
    let amount = |id: &str| {
        a["promotions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["amount"].as_str().unwrap().to_string())
    };
    // A: 2 x 8.28 = 16.56 >= 12.00: 2.00 off. Then every 10.00 of 16.56 - 2.00 + 5.52 = 20.08: 2 x 1.00.
    assert_eq!(amount("off").as_deref(), Some("2.00"), "{a}");
    assert_eq!(amount("every").as_deref(), Some("2.00"), "{a}");
    let req = json!({"now": NOW, "market": "m", "lines": [line("A", "60.00", 1), line("B", "40.00", 9)]});
    let b: Value = serde_json::from_str(&engine.answer_json(Question::Quote, &req.to_string()).unwrap()).unwrap();
    // A: 8.28 < 12.00: no amount off. Every: 8.28 + 9 x 5.52 = 57.96, 5 steps, capped at 3.00.
    assert!(!b["promotions"].as_array().unwrap().iter().any(|p| p["id"] == "off"), "{b}");
    let every = b["promotions"].as_array().unwrap().iter().find(|p| p["id"] == "every").unwrap();
    assert_eq!(every["amount"], "3.00");
}

// Shipping methods' amounts fixed per currency (issue 18, item 3): rates,
// brackets and surcharges a method states in USD are used exactly as
// written in the US market, whatever the rate.

/// A CNY rule set with two methods to the US: `flat` (50.00 CNY) and `br`
/// (weight brackets up to 1, 5 and 20 kg, with a 10.00 CNY handling fee per
/// parcel), both with their amounts fixed in USD.
fn shipping_rules(rate: &str, flat: u32, brackets: &[u32], handling: u32) -> Value {
    let bracket_usd: Vec<Value> = brackets.iter().map(|p| json!({"price": cents(*p)})).collect();
    json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
        "shipping": {"carriers": [{"id": "ups"}],
                     "zones": [{"id": "us", "match": {"countries": ["US"]}, "methods": [
                         {"id": "flat", "carrier": "ups", "service": "standard", "rate": {"type": "flat", "price": "50.00"},
                          "transit_days": {"min": 5, "max": 9},
                          "amounts_in": {"USD": {"rate": {"price": cents(flat)}}}},
                         {"id": "br", "carrier": "ups", "service": "express",
                          "rate": {"type": "weight_brackets", "brackets": [
                              {"up_to_g": 1000, "price": "60.00"}, {"up_to_g": 5000, "price": "100.00"},
                              {"up_to_g": 20000, "price": "180.00"}]},
                          "surcharges": [{"type": "handling", "amount": "10.00"}],
                          "transit_days": {"min": 2, "max": 3},
                          "amounts_in": {"USD": {"rate": {"brackets": bracket_usd}, "surcharges": [{"amount": cents(handling)}]}}}]}]},
        "markets": [{"id": "m", "countries": ["US"], "currency": "USD", "rate": rate}]
    })
}

/// Three bracket prices in cents, never falling.
fn rising_prices() -> impl Strategy<Value = Vec<u32>> {
    (0_u32..3_000, 0_u32..3_000, 0_u32..3_000).prop_map(|(a, b, c)| vec![a, a + b, a + b + c])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Fixed shipping amounts are used exactly as written whatever the
    /// rate: the flat method costs its fixed price, the bracket method the
    /// fixed price of the bracket the parcel's weight falls in plus the
    /// fixed handling fee; and the answer does not depend on line order.
    #[test]
    fn fixed_shipping_amounts_are_used_exactly_and_do_not_depend_on_line_order(
        lines in cart(), weights in prop::collection::vec(1_u32..900, 8), r in rate(),
        flat in 0_u32..2_000, brackets in rising_prices(), handling in 0_u32..500, rotate in 0_usize..8,
    ) {
        let engine = Engine::from_json(&shipping_rules(&r, flat, &brackets, handling).to_string());
        prop_assert!(engine.is_ok(), "fixed ascending amounts load at any rate: {:?}", engine.err());
        let engine = engine.unwrap();
        let lines: Vec<Value> = lines
            .into_iter()
            .zip(&weights)
            .map(|(mut l, w)| {
                l["weight_g"] = json!(w);
                l
            })
            .collect();
        let a = quote_us(&engine, &lines);
        let options = a["shipping"]["options"].as_array().unwrap();
        let option = |id: &str| options.iter().find(|o| o["method_id"] == id).unwrap_or_else(|| panic!("{id}: {a}"));
        prop_assert_eq!(dec(&option("flat")["price"]), dec(&json!(cents(flat))));
        let weight = option("br")["chargeable_weight_g"].as_u64().unwrap();
        let k = if weight <= 1000 { 0 } else if weight <= 5000 { 1 } else { 2 };
        let expected = dec(&json!(cents(brackets[k]))) + dec(&json!(cents(handling)));
        prop_assert_eq!(dec(&option("br")["price"]), expected);
        let chosen = a["shipping"]["chosen_method"].as_str().unwrap();
        prop_assert_eq!(&a["market"]["amounts"][0], &json!({"rule": format!("shipping_method:{chosen}"), "source": "fixed"}));
        let mut shuffled = lines.clone();
        shuffled.reverse();
        let n = shuffled.len();
        shuffled.rotate_left(rotate % n);
        prop_assert_eq!(&a, &quote_us(&engine, &shuffled));
    }
}
