//! Properties of returns over generated carts and random sequences of
//! partial returns.
//!
//! Invariant 1: no refund (nor any part paid out) is negative. Invariant 6:
//! over any sequence of partial returns the refunds never exceed what was
//! paid, and returning everything refunds exactly what was paid less the
//! fees the policy names (return shipping, restocking, kept gifts).
//! Invariant 7: a full return reverses exactly the points earned and gives
//! back exactly the points redeemed. Invariant 4: the order of the
//! receipt's lines does not change a byte of the answer. The rule set has
//! threshold promotions and a `cart_contains` one (tea 5 % off with 50.00
//! of other goods), re-checked on the kept lines with the `line_facts` sent.

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
        returns["late_return_fees"] = json!([
            {"up_to_days_late": 7, "fee_percent": "10"}, {"up_to_days_late": 30, "fee_percent": "100"}]);
        returns["condition_deductions"] = json!([
            {"condition": "opened", "percent": "10"}, {"condition": "damaged", "percent": "50"}]);
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
                {"id": "tea-with-other", "items": {"categories": ["tea"]}, "benefit": {"type": "percent_off", "percent": "5"},
                 "conditions": {"cart_contains": [{"items": {"categories": ["other"]}, "min_subtotal": {"amount": "50.00"}}]}},
                {"id": "gift", "conditions": {"min_subtotal": {"amount": "300.00"}},
                 "benefit": {"type": "gift", "sku": "GIFT", "value": "15.00"}}
            ],
            "points": {"earning": {"rate": "1.5", "bonuses": [
                {"id": "o-all", "trigger": {"type": "order"}, "points": 10, "on_return": "all"},
                {"id": "o-prop", "trigger": {"type": "order"}, "points": 7, "on_return": "proportional"},
                {"id": "first", "trigger": {"type": "first_order"}, "points": 500, "on_return": "when_condition_fails"},
                {"id": "tea-all", "trigger": {"type": "per_unit", "categories": ["tea"]}, "points": 3, "on_return": "all"},
                {"id": "tea-prop", "trigger": {"type": "per_unit", "categories": ["tea"]}, "points": 5, "on_return": "proportional"},
                {"id": "spend", "trigger": {"type": "spend_threshold", "min_spend": "150.00"}, "points": 100,
                 "on_return": "when_condition_fails"},
                {"id": "spend-prop", "trigger": {"type": "spend_threshold", "min_spend": "150.00"}, "points": 33,
                 "on_return": "proportional"}
            ]}, "redemption": {"points_per_unit": 100}},
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
        late in 0_u64..=30,
        conditions in prop::collection::vec((0_usize..4, 0_u32..=120), 8),
        tenders in prop::collection::vec(0_i64..=40_000, 0..=3),
    ) {
        let engine = &engines()[usize::from(fees)];
        // With fees: returned up to 30 days after the deadline (the last
        // tier), lines in any condition with any assessment.
        let late = if fees { late } else { 0 };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap() + chrono::Days::new(late);
        let now = format!("{day}T10:00:00+08:00");
        let cart_lines: Vec<Value> = lines.iter().enumerate().map(|(i, (q, cents, tea))| json!({
            "id": format!("L{i}"), "sku": format!("S{i}"), "quantity": q,
            "unit_price": Money::from_minor(*cents, Currency::CNY).to_string(),
            "categories": [if *tea { "tea" } else { "other" }]
        })).collect();
        let quote = json!({"now": NOW, "lines": cart_lines, "customer": {"first_order": true},
                "points": {"redeem": redeem,
                "lots": [{"id": "lot", "earned_at": "2026-01-01T00:00:00+08:00", "amount": 3000}]}});
        let mut with_tenders = quote.clone();
        with_tenders["tenders"] = json!(tenders.iter().enumerate().map(|(i, b)| json!({
            "id": format!("gc-{i}"), "balance": Money::from_minor(*b, Currency::CNY).to_string()})).collect::<Vec<_>>());
        let receipt: Value = serde_json::from_str(&engine.quote_json(&with_tenders.to_string()).unwrap()).unwrap();
        let paid = money(&receipt["totals"]["grand_total"]);
        // Tenders are not a discount: nothing but `payment` differs from the quote without them.
        let mut plain: Value = serde_json::from_str(&engine.quote_json(&quote.to_string()).unwrap()).unwrap();
        let mut without_payment = receipt.clone();
        without_payment.as_object_mut().unwrap().remove("payment");
        plain.as_object_mut().unwrap().remove("payment");
        prop_assert_eq!(&without_payment, &plain);
        let tender_paid: Vec<Money> = receipt["payment"]["tenders"].as_array().map(|t| t.iter().map(|t| money(&t["amount"])).collect()).unwrap_or_default();
        if !tenders.is_empty() {
            let by = Money::checked_sum(Currency::CNY, tender_paid.iter().copied()).unwrap();
            prop_assert_eq!(by.checked_add(money(&receipt["payment"]["remaining_to_pay"])).unwrap(), paid);
        }
        let mut tender_back = vec![Money::zero(Currency::CNY); tender_paid.len()];
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
        let bonus_points = receipt["points"]["bonus_points"].as_u64().unwrap_or(0);
        prop_assert!(bonus_points >= 517, "every order earns o-all, o-prop and first: {bonus_points}");
        let (mut refunded, mut fees_total, mut reversed, mut given_back) = (zero, zero, 0_u64, 0_u64);
        let mut bonus_reversed = 0_u64;
        for items in returns.values() {
            let items: Vec<Value> = items.iter().enumerate().map(|(j, (id, q))| {
                let mut item = json!({"line_id": id, "quantity": q});
                let (c, pct) = conditions[j % conditions.len()];
                if fees {
                    if let Some(c) = ["unopened", "opened", "damaged"].get(c) {
                        item["condition"] = json!(c);
                    }
                    if pct <= 100 {
                        item["assessed_percent"] = json!(pct.to_string());
                    }
                }
                item
            }).collect();
            let req = json!({
                "now": now, "receipt": receipt,
                "delivered_at": "2026-11-22T10:00:00+08:00",
                "earlier_returns": earlier, "items": items,
                "reason": if quality { "quality" } else { "no_reason" },
                "line_facts": cart_lines.iter().map(|l| json!({"line_id": l["id"], "categories": l["categories"]})).collect::<Vec<_>>()
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
            let part = |key: &str| if r[key].is_null() { Money::zero(Currency::CNY) } else { money(&r[key]) };
            for key in ["items", "gift_deduction", "original_shipping", "return_shipping", "restocking_fee", "points_deduction",
                        "late_return_fee", "condition_deduction"] {
                prop_assert!(!part(key).is_negative(), "{key} negative");
            }
            let parts = Money::checked_sum(Currency::CNY, r["parts"].as_array().unwrap().iter().map(|p| money(&p["amount"]))).unwrap();
            prop_assert_eq!(parts, total);
            prop_assert!(answer["lines"].as_array().unwrap().iter().all(|l| l["eligible"] == true));
            if !tender_paid.is_empty() {
                let mut split = money(&r["to_original_payment"]);
                for (k, t) in r["tenders"].as_array().unwrap().iter().enumerate() {
                    let a = money(&t["amount"]);
                    prop_assert!(!a.is_negative());
                    tender_back[k] = tender_back[k].checked_add(a).unwrap();
                    prop_assert!(tender_back[k].checked_cmp(tender_paid[k]).unwrap().is_le(), "a tender got back more than it paid");
                    split = split.checked_add(a).unwrap();
                }
                prop_assert_eq!(split, total, "the refund's split adds up to it");
            }
            refunded = refunded.checked_add(total).unwrap();
            prop_assert!(refunded.checked_cmp(paid).unwrap().is_le(), "refunded {refunded} > paid {paid}");
            for key in ["gift_deduction", "return_shipping", "restocking_fee", "points_deduction", "late_return_fee",
                        "condition_deduction"] {
                fees_total = fees_total.checked_add(part(key)).unwrap();
            }
            reversed += answer["points"]["earned_reversed"].as_u64().unwrap_or(0);
            given_back += answer["points"]["redeemed_returned"].as_u64().unwrap_or(0);
            let bonuses = answer["points"]["bonuses"].as_array().cloned().unwrap_or_default();
            let listed: u64 = bonuses.iter().map(|b| b["points"].as_u64().unwrap()).sum();
            prop_assert_eq!(listed, answer["points"]["bonus_reversed"].as_u64().unwrap_or(0));
            bonus_reversed += listed;
            // A return never claws back more points than the order earned.
            prop_assert!(bonus_reversed <= bonus_points, "bonuses reversed {bonus_reversed} > earned {bonus_points}");
            prop_assert!(reversed <= earned);
            earlier.push(answer["record"].clone());
        }
        prop_assert_eq!(refunded.checked_add(fees_total).unwrap(), paid);
        prop_assert_eq!(reversed, earned);
        prop_assert_eq!(bonus_reversed, bonus_points, "a full return reverses every bonus exactly");
        prop_assert_eq!(given_back, redeemed);
    }
}

/// How a host might alter a record before sending it back.
#[derive(Debug, Clone, Copy)]
enum Alteration {
    /// Negate one amount (a line's, the total, the shipping or a clawback).
    Negate(usize),
    /// Multiply one amount or quantity by a factor.
    Inflate(usize, i64),
    /// Send the record twice.
    Duplicate,
    /// Rename a line to one the receipt does not have.
    UnknownLine,
    /// Add a clawback of a promotion to the record.
    ExtraClawback(i64),
}

fn alteration() -> impl Strategy<Value = Alteration> {
    prop_oneof![
        (0_usize..6).prop_map(Alteration::Negate),
        ((0_usize..6), prop_oneof![Just(2_i64), Just(10), Just(1000)]).prop_map(|(f, k)| Alteration::Inflate(f, k)),
        Just(Alteration::Duplicate),
        Just(Alteration::UnknownLine),
        (1_i64..100_000).prop_map(Alteration::ExtraClawback),
    ]
}

fn scale(v: &mut Value, k: i64) {
    if let Some(s) = v.as_str() {
        let m = Money::parse(s, Currency::CNY).unwrap();
        *v = json!(m.checked_mul(rust_decimal::Decimal::from(k)).unwrap().to_string());
    } else if let Some(n) = v.as_u64() {
        *v = json!(n.saturating_mul(k.unsigned_abs()).min(u64::from(u32::MAX)));
    }
}

/// The fields of a record an alteration touches, in a fixed order.
fn field(record: &mut Value, which: usize) -> Option<&mut Value> {
    match which {
        0 => record["lines"].get_mut(0).map(|l| &mut l["amount"]),
        1 => record["lines"].get_mut(0).map(|l| &mut l["quantity"]),
        2 => Some(&mut record["total"]),
        3 => Some(&mut record["original_shipping"]),
        4 => record.get_mut("discount_clawback").and_then(|c| c.get_mut(0)).map(|c| &mut c["amount"]),
        _ => record.get_mut("gifts_deducted").and_then(|g| g.get_mut(0)).map(|g| &mut g["quantity"]),
    }
}

fn alter(records: &[Value], at: usize, how: Alteration) -> Vec<Value> {
    let mut out = records.to_vec();
    let Some(r) = out.get_mut(at) else { return out };
    match how {
        Alteration::Negate(f) => {
            if let Some(v) = field(r, f) {
                if let Some(s) = v.as_str() {
                    let m = Money::parse(s, Currency::CNY).unwrap();
                    *v = json!(Money::zero(Currency::CNY).checked_sub(m).unwrap().to_string());
                } else {
                    *v = json!(-1);
                }
            }
        }
        Alteration::Inflate(f, k) => {
            if let Some(v) = field(r, f) {
                scale(v, k);
            }
        }
        Alteration::Duplicate => {
            let copy = r.clone();
            out.insert(at, copy);
        }
        Alteration::UnknownLine => {
            if let Some(l) = r["lines"].get_mut(0) {
                l["line_id"] = json!("no-such-line");
            }
        }
        Alteration::ExtraClawback(cents) => {
            let amount = Money::from_minor(cents, Currency::CNY).to_string();
            r["discount_clawback"] = json!([{"promotion_id": "mj", "amount": amount}]);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Invariant 6 whatever records the host sends: a sequence of returns
    /// where, before each, the host may alter one earlier record (negate or
    /// inflate an amount or quantity, duplicate it, name an unknown line,
    /// invent a clawback). Each request is answered or refused with an
    /// error (never a panic), and what the engine actually refunded never
    /// exceeds what was paid.
    #[test]
    fn altered_records_never_refund_more_than_was_paid(
        lines in cart(),
        assignment in prop::collection::vec(0_usize..4, 40),
        fees in any::<bool>(),
        quality in any::<bool>(),
        alterations in prop::collection::vec((any::<bool>(), 0_usize..4, alteration()), 4),
    ) {
        let engine = &engines()[usize::from(fees)];
        let cart_lines: Vec<Value> = lines.iter().enumerate().map(|(i, (q, cents, tea))| json!({
            "id": format!("L{i}"), "sku": format!("S{i}"), "quantity": q,
            "unit_price": Money::from_minor(*cents, Currency::CNY).to_string(),
            "categories": [if *tea { "tea" } else { "other" }]
        })).collect();
        let receipt: Value = serde_json::from_str(
            &engine.quote_json(&json!({"now": NOW, "lines": cart_lines}).to_string()).unwrap()).unwrap();
        let paid = money(&receipt["totals"]["grand_total"]);
        let mut returns: BTreeMap<usize, BTreeMap<String, u32>> = BTreeMap::new();
        let mut k = 0;
        for l in receipt["lines"].as_array().unwrap() {
            for _ in 0..l["quantity"].as_u64().unwrap() {
                let r = assignment.get(k % assignment.len()).copied().unwrap_or(0);
                k += 1;
                *returns.entry(r).or_default().entry(l["id"].as_str().unwrap().to_string()).or_default() += 1;
            }
        }
        // The records of the returns that happened, as the engine wrote them.
        let mut honest: Vec<Value> = Vec::new();
        let mut refunded = Money::zero(Currency::CNY);
        // Whether an answer was given on altered records: its record then
        // builds on them, and later records may be refused.
        let mut tainted = false;
        for (step, items) in returns.values().enumerate() {
            let items: Vec<Value> = items.iter().map(|(id, q)| json!({"line_id": id, "quantity": q})).collect();
            let (altered, at, how) = alterations[step % alterations.len()];
            let sent = if altered && !honest.is_empty() { alter(&honest, at % honest.len(), how) } else { honest.clone() };
            let req = json!({
                "now": "2026-11-25T10:00:00+08:00", "receipt": receipt,
                "delivered_at": "2026-11-22T10:00:00+08:00",
                "earlier_returns": sent, "items": items,
                "reason": if quality { "quality" } else { "no_reason" }
            });
            match engine.answer_json(commerce_rules::Question::ReturnRefund, &req.to_string()) {
                Ok(text) => {
                    let answer: Value = serde_json::from_str(&text).unwrap();
                    let total = money(&answer["refund"]["total"]);
                    prop_assert!(!total.is_negative(), "negative refund {total}");
                    refunded = refunded.checked_add(total).unwrap();
                    prop_assert!(refunded.checked_cmp(paid).unwrap().is_le(),
                        "refunded {refunded} > paid {paid} after {how:?} of record {at}");
                    tainted |= altered && !honest.is_empty();
                    honest.push(answer["record"].clone());
                }
                Err(e) => {
                    // Honest records are never refused; altered ones may be, with a stable code and a path.
                    prop_assert!(tainted || (altered && !honest.is_empty()), "honest records refused: {e}");
                    prop_assert!(!e.path().is_empty(), "{e}");
                }
            }
        }
    }

    /// No answer names a date past 9999-12-31, for any `now` the engine
    /// accepts; past 9000-01-01 `now` is refused.
    #[test]
    fn no_answer_names_a_year_past_9999(year in 1971_i32..=9999, day in 1_u32..=28) {
        let engine = horizon_engine();
        let now = format!("{year:04}-12-{day:02}T23:00:00+08:00");
        let earlier = format!("{:04}-12-{day:02}T10:00:00+08:00", year - 1);
        let requests = [
            (commerce_rules::Question::Quote, json!({"now": now, "customer": {"tier": "gold"},
                "lines": [{"id": "a", "sku": "A", "quantity": 1, "unit_price": "100.00"}],
                "points": {"redeem": 100, "lots": [{"id": "l", "earned_at": now, "amount": 500}]}})),
            (commerce_rules::Question::TierStatus, json!({"now": now,
                "history": [{"at": now, "amount": "5000.00"}, {"at": earlier, "amount": "100.00"}]})),
            (commerce_rules::Question::PointsBalance, json!({"now": now,
                "lots": [{"id": "l", "earned_at": now, "amount": 500}, {"id": "m", "earned_at": earlier, "amount": 5}]})),
        ];
        for (q, req) in requests {
            match engine.answer_json(q, &req.to_string()) {
                Ok(text) => {
                    prop_assert!(year < 9000, "{q:?} answered for a now in {year}");
                    prop_assert!(!text.contains("\"+"), "{q:?} names a year past 9999: {text}");
                }
                Err(e) => {
                    prop_assert!(year >= 9000, "{q:?} refused for a now in {year}: {e}");
                    prop_assert_eq!((e.code(), e.path()), (commerce_rules::ErrorCode::OutOfRange, "now"));
                }
            }
        }
    }
}

/// A rule set with the longest horizons: 1,200-month qualification window,
/// validity and point expiry, 3,650-day return windows and pending days.
fn horizon_engine() -> &'static Engine {
    use std::sync::OnceLock;
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::from_json(
            &json!({
                "schema_version": 1, "currency": "CNY", "time_zone": "Pacific/Kiritimati",
                "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
                "membership": {"qualification": {"metric": "paid_spend", "window_months": 1200}, "validity_months": 1200,
                    "tiers": [{"id": "member", "rank": 1, "threshold": "0"},
                              {"id": "gold", "rank": 2, "threshold": "1000.00", "benefits": {"extra_return_days": 3650}},
                              {"id": "top", "rank": 3, "threshold": "1000000.00"}]},
                "points": {"earning": {"rate": "1", "pending_days": 3650}, "redemption": {"points_per_unit": 100},
                           "expiry": {"policy": "months_after_earning", "months": 1200}},
                "returns": {"windows": {"no_reason_days": 3650, "quality_days": 3650}, "price_protection": {"days": 365}}
            })
            .to_string(),
        )
        .unwrap()
    })
}

/// The largest cart a quote accepts (`max_lines` lines) with a gift line
/// for each of `max_applied_promotions` gift promotions: its answer is
/// accepted back as a receipt, every line of it returned at once.
#[test]
fn a_maximal_cart_with_gift_lines_is_accepted_back() {
    let limits = commerce_rules::Limits::default();
    let gifts: Vec<Value> = (0..limits.max_applied_promotions)
        .map(|i| {
            json!({"id": format!("g{i:02}"), "benefit": {"type": "gift", "sku": format!("G{i}"), "value": "1.00",
                        "quantity": limits.max_quantity}})
        })
        .collect();
    let engine = Engine::from_json(
        &json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
            "promotions": gifts,
            "returns": {"windows": {"no_reason_days": 7}, "price_protection": {"days": 30}}
        })
        .to_string(),
    )
    .unwrap();
    let lines: Vec<Value> = (0..limits.max_lines)
        .map(|i| {
            json!({"id": format!("L{i:03}"), "sku": format!("S{i}"), "quantity": limits.max_quantity,
                        "unit_price": "99999.99"})
        })
        .collect();
    let answer = engine.quote_json(&json!({"now": NOW, "lines": lines}).to_string()).unwrap();
    let receipt: Value = serde_json::from_str(&answer).unwrap();
    let n = receipt["lines"].as_array().unwrap().len();
    assert_eq!(n, limits.max_lines + limits.max_applied_promotions);
    let items: Vec<Value> = receipt["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({"line_id": l["id"], "quantity": l["quantity"]}))
        .collect();
    let req = json!({"now": "2026-11-25T10:00:00+08:00", "receipt": receipt,
        "delivered_at": "2026-11-22T10:00:00+08:00", "items": items, "reason": "no_reason"});
    let text = engine.answer_json(commerce_rules::Question::ReturnRefund, &req.to_string()).unwrap();
    let refund: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(refund["refund"]["total"], receipt["totals"]["grand_total"]);
    let prices: Vec<Value> = (0..limits.max_lines + limits.max_applied_promotions)
        .map(|i| json!({"sku": format!("P{i}"), "unit_price": "1.00"}))
        .collect();
    let req = json!({"now": "2026-11-25T10:00:00+08:00", "receipt": receipt,
        "purchased_at": "2026-11-20T10:00:00+08:00", "prices": prices});
    engine.answer_json(commerce_rules::Question::PriceProtection, &req.to_string()).unwrap();
}

/// A receipt as large as the largest answer (1 MiB with the default
/// limits) fits in a returns request, which may be twice
/// `max_request_bytes`; other requests keep `max_request_bytes`.
#[test]
fn a_receipt_as_large_as_an_answer_fits_in_a_returns_request() {
    let engine = &engines()[0];
    let max = engine.limits().max_request_bytes;
    let mut receipt: Value = serde_json::from_str(
        &engine
            .quote_json(
                &json!({"now": NOW, "lines": [{"id": "a", "sku": "A", "quantity": 1, "unit_price": "100.00"}]})
                    .to_string(),
            )
            .unwrap(),
    )
    .unwrap();
    // Pad the receipt to 1 MiB with what a receipt may carry and the engine ignores.
    receipt["explanation"] = json!("");
    let pad = max.saturating_sub(receipt.to_string().len()).saturating_sub(16);
    receipt["explanation"] = json!("x".repeat(pad));
    assert!(receipt.to_string().len() <= max && receipt.to_string().len() > max - 64);
    let req = json!({"now": "2026-11-25T10:00:00+08:00", "receipt": receipt,
        "delivered_at": "2026-11-22T10:00:00+08:00", "items": [{"line_id": "a", "quantity": 1}], "reason": "no_reason"})
    .to_string();
    assert!(req.len() > max);
    assert_eq!(engine.max_request_bytes(commerce_rules::Question::ReturnRefund), 2 * max);
    engine.answer_json(commerce_rules::Question::ReturnRefund, &req).unwrap();
    let e = engine.answer_json(commerce_rules::Question::Quote, &req).unwrap_err();
    assert_eq!(e.code(), commerce_rules::ErrorCode::JsonTooLarge);
}

/// A shop shipping free over 99.00 (half price over 59.00), allocating
/// shipping by `by`, whose returns deduct a lost shipping discount by `policy`.
fn shipping_engine(policy: &str, by: &str, fees: bool) -> Engine {
    let mut returns = json!({"windows": {"no_reason_days": 7, "quality_days": 15}, "lost_shipping_discount": policy});
    if fees {
        returns["return_shipping_fee"] = json!("6.00");
        returns["restocking_fee_percent"] = json!("10");
    }
    Engine::from_json(
        &json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
            "promotions": [{"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [{"min_spend": "199.00", "discount": "20.00"}]}}],
            "shipping": {"allocate_by": by, "carriers": [{"id": "yto"}], "zones": [{"id": "cn", "match": {"countries": ["CN"]},
                "methods": [{"id": "std", "carrier": "yto", "service": "standard",
                    "rate": {"type": "first_additional", "first_weight_g": 1000, "first_price": "10.00",
                             "additional_step_g": 500, "additional_price": "2.00"},
                    "surcharges": [{"type": "handling", "amount": "1.00", "per": "order"}],
                    "transit_days": {"min": 2, "max": 4}}]}],
                "free_shipping": [{"id": "baoyou-99", "min_subtotal": "99.00"},
                                  {"id": "half-59", "min_subtotal": "59.00", "percent_off": "50"}]},
            "returns": returns
        })
        .to_string(),
    )
    .unwrap()
}

fn shipping_engines() -> &'static [Engine] {
    use std::sync::OnceLock;
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let mut out = Vec::new();
        for policy in ["deduct", "deduct_kept_share"] {
            for by in ["amount", "weight", "pieces"] {
                for fees in [false, true] {
                    out.push(shipping_engine(policy, by, fees));
                }
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Invariant 6 with a lost shipping discount deducted (`deduct` or
    /// `deduct_kept_share`, any allocation basis, with or without fees):
    /// over any sequence of partial returns no refund is negative, the
    /// refunds never exceed what was paid, a deduction never exceeds the
    /// shipping discount of the receipt, and returning everything refunds
    /// exactly what was paid less the fees (the deduction is given back).
    #[test]
    fn a_lost_shipping_discount_never_makes_refunds_exceed_what_was_paid(
        engine in 0_usize..12,
        lines in prop::collection::vec((1_u32..=3, 1_i64..=12_000, 0_u32..2_000), 1..=5),
        assignment in prop::collection::vec(0_usize..4, 30),
        quality in prop::collection::vec(any::<bool>(), 4),
    ) {
        let engine = &shipping_engines()[engine];
        let cart_lines: Vec<Value> = lines.iter().enumerate().map(|(i, (q, cents, g))| json!({
            "id": format!("L{i}"), "sku": format!("S{i}"), "quantity": q,
            "unit_price": Money::from_minor(*cents, Currency::CNY).to_string(), "weight_g": g
        })).collect();
        let receipt: Value = serde_json::from_str(&engine.quote_json(&json!({"now": NOW, "lines": cart_lines,
            "destination": {"country": "CN", "region": "Zhejiang", "postcode": "310000"}}).to_string()).unwrap()).unwrap();
        let paid = money(&receipt["totals"]["grand_total"]);
        let waived = money(&receipt["totals"]["shipping_discounts"]);
        let mut returns: BTreeMap<usize, BTreeMap<String, u32>> = BTreeMap::new();
        let mut k = 0;
        for l in receipt["lines"].as_array().unwrap() {
            for _ in 0..l["quantity"].as_u64().unwrap() {
                let r = assignment.get(k % assignment.len()).copied().unwrap_or(0);
                k += 1;
                *returns.entry(r).or_default().entry(l["id"].as_str().unwrap().to_string()).or_default() += 1;
            }
        }
        let zero = Money::zero(Currency::CNY);
        let (mut earlier, mut refunded, mut fees_total, mut deducted) = (Vec::<Value>::new(), zero, zero, zero);
        for (step, items) in returns.values().enumerate() {
            let items: Vec<Value> = items.iter().map(|(id, q)| json!({"line_id": id, "quantity": q})).collect();
            let req = json!({
                "now": "2026-11-25T10:00:00+08:00", "receipt": receipt,
                "delivered_at": "2026-11-22T10:00:00+08:00", "earlier_returns": earlier, "items": items,
                "reason": if quality[step % quality.len()] { "quality" } else { "no_reason" }
            });
            let text = engine.answer_json(commerce_rules::Question::ReturnRefund, &req.to_string()).unwrap();
            let answer: Value = serde_json::from_str(&text).unwrap();
            let r = &answer["refund"];
            let total = money(&r["total"]);
            prop_assert!(!total.is_negative(), "negative refund {total}");
            refunded = refunded.checked_add(total).unwrap();
            prop_assert!(refunded.checked_cmp(paid).unwrap().is_le(), "refunded {refunded} > paid {paid}");
            deducted = deducted.checked_add(money(&r["shipping_clawback"])).unwrap();
            prop_assert!(!deducted.is_negative() && deducted.checked_cmp(waived).unwrap().is_le(),
                "deducted {deducted} of {waived} waived");
            for key in ["gift_deduction", "return_shipping", "restocking_fee", "points_deduction"] {
                fees_total = fees_total.checked_add(money(&r[key])).unwrap();
            }
            earlier.push(answer["record"].clone());
        }
        prop_assert_eq!(deducted, zero, "a full return gives the deduction back");
        prop_assert_eq!(refunded.checked_add(fees_total).unwrap(), paid);
    }
}
