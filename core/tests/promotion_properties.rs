//! Properties of promotions and coupon selection over generated carts and
//! wallets, against a rule set with every benefit type.
//!
//! Invariant 1: no line is discounted below zero, no total is negative.
//! Invariant 2: a promotion's parts sum exactly to its amount; a line's
//! adjustments sum to its discount. Invariant 4: the order of lines and of
//! entered codes does not change a byte. Invariant 5: with best selection,
//! adding an eligible coupon to the wallet never makes the total higher.

use commerce_rules::{Engine, Money, QuoteAnswer, QuoteRequest};
use proptest::prelude::*;
use serde_json::{json, Value};

fn rules(prices_include_tax: bool) -> Value {
    json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": prices_include_tax, "default_class": "std",
                "classes": [{"id": "std", "rate_percent": "13"}, {"id": "low", "rate_percent": "6"}, {"id": "zero", "rate_percent": "0"}]},
        "price_lists": [{"id": "sale", "kind": "sale", "prices": [{"category": "snacks", "percent_of_list": "90"}]}],
        "promotions": [
            {"id": "tea-15", "benefit": {"type": "percent_off", "percent": "15", "max_discount": "40.00"}, "items": {"categories": ["tea"]}},
            {"id": "mug-990", "benefit": {"type": "fixed_price", "unit_price": "9.90"}, "items": {"categories": ["mugs"]}},
            {"id": "bogo", "benefit": {"type": "buy_x_get_y", "buy": 2, "get": 1, "max_repeats": 3}, "items": {"categories": ["snacks"]}},
            {"id": "half-2nd", "exclusive_group": "shoes", "benefit": {"type": "nth_item", "n": 2, "percent": "50"}, "items": {"categories": ["shoes"]}},
            {"id": "shoes-25", "exclusive_group": "shoes", "benefit": {"type": "percent_off", "percent": "25"}, "items": {"categories": ["shoes"]}},
            {"id": "books-3", "benefit": {"type": "bundle_price", "quantity": 3, "price": "60.00"}, "items": {"categories": ["books"]}},
            {"id": "qty", "benefit": {"type": "quantity_tiers", "tiers": [{"min_qty": 3, "percent": "5"}, {"min_qty": 6, "percent": "10"}]}, "items": {"categories": ["socks"]}},
            {"id": "unit-2", "benefit": {"type": "amount_off", "amount": "2.00", "per": "unit"}, "items": {"categories": ["socks"]}},
            {"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [{"min_spend": "199.00", "discount": "20.00"}, {"min_spend": "399.00", "discount": "50.00"}]}},
            {"id": "every", "apply_to": "original", "benefit": {"type": "every_spend", "every": "300.00", "discount": "15.00", "max_discount": "60.00"}},
            {"id": "gift", "benefit": {"type": "gift", "sku": "TOTE", "value": "19.00"}, "conditions": {"min_subtotal": {"amount": "250.00"}}},
            {"id": "ship", "benefit": {"type": "free_shipping"}, "conditions": {"min_subtotal": {"amount": "99.00"}}},
            {"id": "c-10pct", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "percent_off", "percent": "10", "scope": "order"}},
            {"id": "c-30", "trigger": "wallet", "class": "coupon", "combines_with": ["default"], "benefit": {"type": "amount_off", "amount": "30.00", "per": "order"}, "conditions": {"min_subtotal": {"amount": "200.00"}}},
            {"id": "c-tea", "trigger": "wallet", "class": "tea-coupon", "benefit": {"type": "amount_off", "amount": "8.00", "per": "unit"}, "items": {"categories": ["tea"]}},
            {"id": "c-big", "trigger": "wallet", "class": "coupon", "combines_with": ["store"], "benefit": {"type": "amount_off", "amount": "120.00", "per": "order"}, "conditions": {"min_subtotal": {"amount": "600.00"}}},
            {"id": "c-all", "trigger": "wallet", "benefit": {"type": "percent_off", "percent": "100"}, "items": {"categories": ["mugs"]}},
            {"id": "code-5", "trigger": "code", "codes": ["FIVE"], "benefit": {"type": "amount_off", "amount": "5.00", "per": "order"}},
            {"id": "code-7", "trigger": "code", "codes": ["SEVEN"], "class": "coupon", "combines_with": ["default"], "benefit": {"type": "percent_off", "percent": "7", "scope": "order"}}
        ]
    })
}

fn engines() -> &'static [Engine; 2] {
    use std::sync::OnceLock;
    static E: OnceLock<[Engine; 2]> = OnceLock::new();
    E.get_or_init(|| [true, false].map(|inc| Engine::from_json(&rules(inc).to_string()).unwrap()))
}

const CATEGORIES: &[&str] = &["tea", "mugs", "snacks", "shoes", "books", "socks", "other"];
const CLASSES: &[&str] = &["std", "low", "zero"];
const COUPONS: &[&str] = &["c-10pct", "c-30", "c-tea", "c-big", "c-all"];

prop_compose! {
    fn line()(category in prop::sample::select(CATEGORIES), qty in 1_u32..8, cents in 1_i64..30_000,
              class in prop::sample::select(CLASSES), flag in 0_u8..10) -> Value {
        json!({"sku": format!("{category}-{cents}"), "quantity": qty, "unit_price": format!("{}.{:02}", cents / 100, cents % 100),
               "categories": [category], "tax_class": class, "non_discountable": flag == 0})
    }
}

prop_compose! {
    fn request()(lines in prop::collection::vec(line(), 0..12),
                 wallet in prop::sample::subsequence(COUPONS, 0..=COUPONS.len()),
                 codes in prop::sample::subsequence(&["five", " SEVEN ", "nope"][..], 0..=3)) -> Value {
        let lines: Vec<Value> = lines.into_iter().enumerate().map(|(i, mut l)| { l["id"] = json!(format!("L{i:02}")); l }).collect();
        let wallet: Vec<Value> = wallet.iter().map(|p| json!({"id": format!("w-{p}"), "promotion_id": p})).collect();
        json!({"now": "2026-11-20T10:00:00+08:00", "lines": lines, "wallet": wallet, "codes": codes})
    }
}

fn quote(engine: &Engine, req: &Value) -> QuoteAnswer {
    let req: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
    engine.quote(&req).unwrap()
}

fn cny(a: &QuoteAnswer, items: impl Iterator<Item = Money>) -> Money {
    Money::checked_sum(a.currency, items).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn discounts_are_exact_and_never_below_zero(req in request(), e in 0_usize..2) {
        let a = quote(&engines()[e], &req);
        for l in &a.lines {
            prop_assert!(!l.net.is_negative() && !l.total.is_negative() && !l.tax.amount.is_negative(), "{}", l.id);
            prop_assert!(l.discount_total.amount() <= l.subtotal.amount());
            prop_assert_eq!(cny(&a, l.adjustments.iter().map(|x| x.amount)), l.discount_total);
            prop_assert_eq!(l.subtotal.checked_sub(l.discount_total).unwrap(), l.net);
        }
        for p in &a.promotions {
            let parts = cny(&a, a.lines.iter().flat_map(|l| l.adjustments.iter()).filter(|x| *x.rule_id == *p.id).map(|x| x.amount));
            prop_assert_eq!(parts, p.amount, "parts of {} sum to its amount", p.id);
        }
        let t = &a.totals;
        prop_assert!(!t.grand_total.is_negative());
        prop_assert_eq!(t.discounts, cny(&a, a.promotions.iter().map(|p| p.amount)));
        let mut expected = t.item_subtotal.checked_sub(t.discounts).unwrap();
        if !t.tax_included { expected = expected.checked_add(t.tax).unwrap(); }
        prop_assert_eq!(t.grand_total, expected);
        prop_assert!(a.selection.optimal);
    }

    #[test]
    fn order_of_lines_and_codes_does_not_change_a_byte(req in request(), e in 0_usize..2) {
        let engine = &engines()[e];
        let first = engine.quote_json(&req.to_string()).unwrap();
        let mut reversed = req.clone();
        for key in ["lines", "codes", "wallet"] {
            reversed[key].as_array_mut().unwrap().reverse();
        }
        prop_assert_eq!(first, engine.quote_json(&reversed.to_string()).unwrap());
    }

    #[test]
    fn another_coupon_in_the_wallet_never_raises_the_total(req in request(), extra in prop::sample::select(COUPONS), e in 0_usize..2) {
        let engine = &engines()[e];
        let before = quote(engine, &req);
        let mut more = req.clone();
        let wallet = more["wallet"].as_array_mut().unwrap();
        wallet.push(json!({"id": "w-extra", "promotion_id": extra}));
        let after = quote(engine, &more);
        prop_assert!(after.selection.optimal);
        prop_assert!(after.totals.grand_total.amount() <= before.totals.grand_total.amount(),
            "{} > {} after adding {}", after.totals.grand_total, before.totals.grand_total, extra);
    }
}
