//! Properties of the promotion deals of issue 16 items 13, 15, 18, 11 and
//! 12 over generated carts: buy X get Y at an amount off or a unit price,
//! per-unit discounts limited to N units, partial get sets, order
//! discounts allocated by original price, and an order discount taken from
//! the items first and the rest from shipping, or spread pro rata over both. Each keeps invariants 1 and 2
//! (no line below zero, parts summing exactly to the amount) and its own
//! promise (a unit never below zero nor above its price, never more units
//! than the limit...).

use commerce_rules::{Engine, Money, QuoteAnswer, QuoteRequest};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn rules() -> Value {
    json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
        "promotions": [
            {"id": "a-bogo-15", "benefit": {"type": "buy_x_get_y", "buy": 1, "get": 1, "amount_off": "15.00"}, "items": {"categories": ["a"]}},
            {"id": "b-third-990", "benefit": {"type": "buy_x_get_y", "buy": 2, "get": 1, "unit_price": "9.90", "choose": "most_expensive"}, "items": {"categories": ["b"]}},
            {"id": "c-20-two-units", "benefit": {"type": "percent_off", "percent": "20", "max_units": 2}, "items": {"categories": ["c"]}},
            {"id": "d-7-three-units", "benefit": {"type": "amount_off", "amount": "7.00", "per": "unit", "max_units": 3, "choose": "most_expensive"}, "items": {"categories": ["d"]}},
            {"id": "f-b2g2-partial", "benefit": {"type": "buy_x_get_y", "buy": 2, "get": 2, "partial_get": true}, "items": {"categories": ["f"]}},
            {"id": "g-sale-90", "benefit": {"type": "percent_off", "percent": "90"}, "items": {"categories": ["g"]}},
            {"id": "gh-20-by-original", "allocate_by": "original", "benefit": {"type": "amount_off", "amount": "20.00", "per": "order"}, "items": {"categories": ["g", "h"]}},
            {"id": "e-bogo-once", "benefit": {"type": "buy_x_get_y", "buy": 1, "get": 1, "max_units": 1}, "items": {"categories": ["e"]}}
        ]
    })
}

fn engine() -> &'static Engine {
    use std::sync::OnceLock;
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::from_json(&rules().to_string()).unwrap())
}

const CATEGORIES: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "other"];

prop_compose! {
    fn line()(category in prop::sample::select(CATEGORIES), qty in 1_u32..6, cents in 1_i64..6_000) -> Value {
        json!({"sku": format!("{category}-{cents}"), "quantity": qty, "unit_price": format!("{}.{:02}", cents / 100, cents % 100),
               "categories": [category]})
    }
}

prop_compose! {
    fn request()(lines in prop::collection::vec(line(), 0..10)) -> Value {
        let lines: Vec<Value> = lines.into_iter().enumerate().map(|(i, mut l)| { l["id"] = json!(format!("L{i:02}")); l }).collect();
        json!({"now": "2026-11-20T10:00:00+08:00", "lines": lines})
    }
}

fn quote(req: &Value) -> QuoteAnswer {
    let req: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
    engine().quote(&req).unwrap()
}

fn cny(a: &QuoteAnswer, items: impl Iterator<Item = Money>) -> Money {
    Money::checked_sum(a.currency, items).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Invariants 1 and 2 on any answer.
fn exact(a: &QuoteAnswer) -> Result<(), TestCaseError> {
    for l in &a.lines {
        prop_assert!(!l.net.is_negative(), "{} below zero", l.id);
        prop_assert_eq!(cny(a, l.adjustments.iter().map(|x| x.amount)), l.discount_total);
    }
    for p in &a.promotions {
        let parts =
            cny(a, a.lines.iter().flat_map(|l| l.adjustments.iter()).filter(|x| *x.rule_id == *p.id).map(|x| x.amount));
        prop_assert_eq!(parts, p.amount, "parts of {} sum to its amount", p.id);
    }
    Ok(())
}

/// A line's discount from one promotion.
fn part(l: &commerce_rules::LineAnswer, id: &str) -> Decimal {
    l.adjustments
        .iter()
        .filter(|x| &*x.rule_id == id)
        .map(|x| x.amount.amount())
        .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap())
}

fn times(d: Decimal, n: u32) -> Decimal {
    d.checked_mul(Decimal::from(n)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Item 13: a get unit at an amount off never goes below zero and gets
    /// at most the amount; a get unit at a fixed price never goes below
    /// that price (nor above its own: a cheaper unit gets nothing); at most
    /// one get unit per set is discounted.
    #[test]
    fn bxgy_deals_keep_each_unit_between_zero_and_its_price(req in request()) {
        let a = quote(&req);
        exact(&a)?;
        let units = |c: &str| a.lines.iter().filter(|l| l.sku.starts_with(c)).map(|l| l.quantity).sum::<u32>();
        let (mut off_a, mut off_b) = (Decimal::ZERO, Decimal::ZERO);
        for l in &a.lines {
            let price = l.unit_price.amount();
            let d = part(l, "a-bogo-15");
            prop_assert!(d <= times(price.min(dec("15.00")), l.quantity), "{}: {} off", l.id, d);
            off_a = off_a.checked_add(d).unwrap();
            let d = part(l, "b-third-990");
            let most = price.checked_sub(dec("9.90")).unwrap().max(Decimal::ZERO);
            prop_assert!(d <= times(most, l.quantity), "{}: {} off", l.id, d);
            off_b = off_b.checked_add(d).unwrap();
        }
        prop_assert!(off_a <= times(dec("15.00"), units("a-") / 2));
        prop_assert!(off_b <= times(dec("50.10"), units("b-") / 3));
    }

    /// Item 15: a per-unit discount limited to N units discounts exactly
    /// the N units its rule chooses, counted as real units (a line of 4 is
    /// 4 units): 20 % off the 2 cheapest units (rounded per unit), 7.00 off
    /// (never below zero) the 3 most expensive, the cheapest unit free once.
    #[test]
    fn unit_limits_discount_exactly_the_units_chosen(req in request()) {
        let a = quote(&req);
        exact(&a)?;
        // Every unit's price in cents, per category.
        let prices = |c: &str| -> Vec<i64> {
            let mut v: Vec<i64> = req["lines"].as_array().unwrap().iter()
                .filter(|l| l["categories"][0] == c)
                .flat_map(|l| {
                    let cents: i64 = l["unit_price"].as_str().unwrap().replace('.', "").parse().unwrap();
                    std::iter::repeat_n(cents, l["quantity"].as_u64().unwrap() as usize)
                })
                .collect();
            v.sort_unstable();
            v
        };
        let off = |id: &str| -> i64 {
            let d = a.promotions.iter().find(|p| &*p.id == id).map_or(Decimal::ZERO, |p| p.amount.amount());
            d.checked_mul(Decimal::from(100)).unwrap().try_into().unwrap()
        };
        let c: i64 = prices("c").iter().take(2).map(|p| (p * 20 + 50) / 100).sum();
        prop_assert_eq!(off("c-20-two-units"), c);
        let d: i64 = prices("d").iter().rev().take(3).map(|p| (*p).min(700)).sum();
        prop_assert_eq!(off("d-7-three-units"), d);
        let e = prices("e");
        prop_assert_eq!(off("e-bogo-once"), if e.len() >= 2 { e[0] } else { 0 });
    }

    /// Item 18: with partial get sets, buy 2 get 2 frees Magento's count
    /// of units, the cheapest: 2 per full set of 4, plus those past the 2
    /// bought of the incomplete set.
    #[test]
    fn partial_get_sets_free_magentos_count(req in request()) {
        let a = quote(&req);
        exact(&a)?;
        let mut f: Vec<i64> = req["lines"].as_array().unwrap().iter()
            .filter(|l| l["categories"][0] == "f")
            .flat_map(|l| {
                let cents: i64 = l["unit_price"].as_str().unwrap().replace('.', "").parse().unwrap();
                std::iter::repeat_n(cents, l["quantity"].as_u64().unwrap() as usize)
            })
            .collect();
        f.sort_unstable();
        let n = f.len();
        let free = n / 4 * 2 + (n % 4).saturating_sub(2);
        let expected: i64 = f.iter().take(free).sum();
        let off = a.promotions.iter().find(|p| &*p.id == "f-b2g2-partial").map_or(Decimal::ZERO, |p| p.amount.amount());
        let off: i64 = off.checked_mul(Decimal::from(100)).unwrap().try_into().unwrap();
        prop_assert_eq!(off, expected);
    }

    /// Item 11: an order discount allocated by original price is exact,
    /// never takes a line below zero, and when no line is at its limit
    /// every part is within a minor unit of its share by catalog amount.
    #[test]
    fn allocation_by_original_price_follows_catalog_amounts(req in request()) {
        let a = quote(&req);
        exact(&a)?;
        let lines: Vec<_> = a.lines.iter().filter(|l| l.sku.starts_with("g-") || l.sku.starts_with("h-")).collect();
        let before: Vec<Decimal> = lines.iter().map(|l| l.subtotal.amount().checked_sub(part(l, "g-sale-90")).unwrap()).collect();
        let parts: Vec<Decimal> = lines.iter().map(|l| part(l, "gh-20-by-original")).collect();
        let left = before.iter().fold(Decimal::ZERO, |s, b| s.checked_add(*b).unwrap());
        let total = parts.iter().fold(Decimal::ZERO, |s, p| s.checked_add(*p).unwrap());
        prop_assert_eq!(total, dec("20.00").min(left));
        let capped = parts.iter().zip(&before).any(|(p, b)| p == b);
        if !capped && !total.is_zero() {
            let original = lines.iter().fold(Decimal::ZERO, |s, l| s.checked_add(l.subtotal.amount()).unwrap());
            for (l, p) in lines.iter().zip(&parts) {
                let share = total.checked_mul(l.subtotal.amount()).unwrap().checked_div(original).unwrap();
                prop_assert!(p.checked_sub(share).unwrap().abs() < dec("0.01"), "{}: {} against {}", l.id, p, share);
            }
        }
    }

    /// Item 12: an order discount over items and shipping (items first)
    /// takes what the items still cost, up to its amount, and the rest off
    /// shipping, up to its price; it gives exactly the sum, and the grand
    /// total identity holds.
    #[test]
    fn items_first_then_shipping_is_exact(req in request()) {
        let mut req = req;
        req["destination"] = json!({"country": "CN", "region": "Shanghai", "city": "Shanghai", "postcode": "200000"});
        let a: QuoteAnswer = {
            let r: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
            shipping_engine().quote(&r).unwrap()
        };
        // (The promotion's amount also counts what it took off shipping,
        // which is not on the lines: only the lines' own sums here.)
        for l in &a.lines {
            prop_assert!(!l.net.is_negative(), "{} below zero", l.id);
            prop_assert_eq!(cny(&a, l.adjustments.iter().map(|x| x.amount)), l.discount_total);
        }
        let items: Decimal = a.lines.iter().map(|l| l.subtotal.amount()).fold(Decimal::ZERO, |s, x| s.checked_add(x).unwrap());
        let t = &a.totals;
        let took = items.min(dec("30.00"));
        prop_assert_eq!(t.discounts.amount(), took);
        let shipping_off = if a.lines.is_empty() { Decimal::ZERO } else { dec("30.00").checked_sub(took).unwrap().min(dec("15.00")) };
        prop_assert_eq!(t.shipping_discounts.amount(), shipping_off);
        let given = a.promotions.iter().find(|p| &*p.id == "cart-30").map_or(Decimal::ZERO, |p| p.amount.amount());
        prop_assert_eq!(given, took.checked_add(shipping_off).unwrap());
        let expected = items.checked_sub(took).unwrap().checked_add(t.shipping.amount()).unwrap().checked_sub(shipping_off).unwrap();
        prop_assert_eq!(t.grand_total.amount(), expected);
    }
}

proptest! {
    /// Item 12: an order discount spread pro rata over items and shipping
    /// gives exactly min(amount, items + shipping), split in proportion
    /// (within a cent) to what the items cost before it and the shipping
    /// price (0.00 when the 99.00 free-shipping threshold, seen on the items
    /// before the coupon, frees it); no line below zero; grand total identity.
    #[test]
    fn pro_rata_over_items_and_shipping_is_exact(req in request()) {
        let mut req = req;
        req["destination"] = json!({"country": "CN", "region": "Shanghai", "city": "Shanghai", "postcode": "200000"});
        let a: QuoteAnswer = {
            let r: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
            pro_rata_engine().quote(&r).unwrap()
        };
        for l in &a.lines {
            prop_assert!(!l.net.is_negative(), "{} below zero", l.id);
            prop_assert_eq!(cny(&a, l.adjustments.iter().map(|x| x.amount)), l.discount_total);
        }
        let items: Decimal = a.lines.iter().map(|l| l.subtotal.amount()).fold(Decimal::ZERO, |s, x| s.checked_add(x).unwrap());
        let t = &a.totals;
        let free = items >= dec("99.00");
        let side = if a.lines.is_empty() || free { Decimal::ZERO } else { dec("15.00") };
        let whole = dec("30.00").min(items.checked_add(side).unwrap());
        let items_part = t.discounts.amount();
        let coupon_shipping = if free { Decimal::ZERO } else { t.shipping_discounts.amount() };
        prop_assert_eq!(items_part.checked_add(coupon_shipping).unwrap(), whole);
        let given = a.promotions.iter().find(|p| &*p.id == "cart-pr").map_or(Decimal::ZERO, |p| p.amount.amount());
        prop_assert_eq!(given, whole);
        if free && !a.lines.is_empty() {
            prop_assert_eq!(t.shipping_discounts.amount(), dec("15.00"));
        }
        let base = items.checked_add(side).unwrap();
        if !base.is_zero() {
            let exact = whole.checked_mul(items).unwrap().checked_div(base).unwrap();
            let off = exact.checked_sub(items_part).unwrap().abs();
            prop_assert!(off < dec("0.01"), "items part {items_part}, exact {exact}");
        }
        let expected = items.checked_sub(items_part).unwrap().checked_add(t.shipping.amount()).unwrap()
            .checked_sub(t.shipping_discounts.amount()).unwrap();
        prop_assert_eq!(t.grand_total.amount(), expected);
    }
}

fn pro_rata_engine() -> &'static Engine {
    use std::sync::OnceLock;
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let rules = json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
            "shipping": {"carriers": [{"id": "yto"}], "free_shipping": [{"id": "over-99", "min_subtotal": "99.00"}],
                "zones": [{"id": "cn", "match": {"countries": ["CN"]},
                "methods": [{"carrier": "yto", "id": "std", "rate": {"type": "flat", "price": "15.00"}, "service": "standard",
                             "transit_days": {"min": 1, "max": 3}}]}]},
            "promotions": [
                {"id": "cart-pr", "benefit": {"type": "amount_off", "amount": "30.00", "per": "order", "with_shipping": "pro_rata"}}
            ]
        });
        Engine::from_json(&rules.to_string()).unwrap()
    })
}

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
                {"id": "cart-30", "benefit": {"type": "amount_off", "amount": "30.00", "per": "order", "with_shipping": "items_first"}}
            ]
        });
        Engine::from_json(&rules.to_string()).unwrap()
    })
}
