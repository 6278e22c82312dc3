//! Properties of points over generated carts, lots and returns.
//!
//! Invariant 7: points earned are never negative (and within the per-order
//! cap); points redeemed never exceed the balance or the caps; a full
//! return reverses exactly the points earned and gives back exactly the
//! points redeemed. FIFO: the lots consumed sum exactly to the points
//! redeemed, soonest-expiring first. Invariants 2-4 with points: the
//! redeemed value is allocated exactly, the grand-total identity holds, and
//! the order of lines and lots does not change a byte.

use std::collections::BTreeMap;

use commerce_rules::points::{PointsBalanceRequest, PointsClawbackRequest};
use commerce_rules::{Engine, Money, QuoteAnswer, QuoteRequest};
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: &str = "2026-11-11T20:00:00+08:00";
const CAP: u64 = 800;
const MAX_POINTS: u64 = 20_000;
const MIN_POINTS: u64 = 300;

fn engine(prices_include_tax: bool, step: u64, share: &str) -> Engine {
    Engine::from_json(
        &json!({
            "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
            "tax": {"prices_include_tax": prices_include_tax, "default_class": "std",
                    "classes": [{"id": "std", "rate_percent": "13"}, {"id": "zero", "rate_percent": "0"}]},
            "membership": {"qualification": {"metric": "paid_spend", "window_months": 12}, "validity_months": 12,
                "tiers": [{"id": "member", "rank": 1, "threshold": "0"},
                          {"id": "gold", "rank": 2, "threshold": "1000.00", "benefits": {"points_multiplier": "1.5"}}]},
            "promotions": [
                {"id": "tea-10", "benefit": {"type": "percent_off", "percent": "10"}, "items": {"categories": ["tea"]}},
                {"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [{"min_spend": "199.00", "discount": "20.00"}]}},
                {"id": "tea-3x", "benefit": {"type": "bonus_points", "multiplier": "3"}, "items": {"categories": ["tea"]}}
            ],
            "points": {
                "earning": {"rate": "1.5", "categories": [{"category": "books", "multiplier": "2"}],
                            "exclude_categories": ["cards"], "max_per_order": CAP, "pending_days": 7},
                "redemption": {"points_per_unit": 100, "min_points": MIN_POINTS, "step": step,
                               "max_points": MAX_POINTS, "max_share_percent": share},
                "expiry": {"policy": "months_after_earning", "months": 12}
            }
        })
        .to_string(),
    )
    .unwrap()
}

fn engines() -> &'static [(Engine, u64, &'static str)] {
    use std::sync::OnceLock;
    static ENGINES: OnceLock<Vec<(Engine, u64, &'static str)>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        vec![
            (engine(true, 100, "50"), 100, "50"),
            (engine(false, 1, "100"), 1, "100"),
            (engine(true, 7, "30"), 7, "30"),
        ]
    })
}

const CATEGORIES: &[&str] = &["tea", "books", "cards", "other"];

fn line() -> impl Strategy<Value = Value> {
    (1_u32..6, 0_i64..30_000, prop::sample::select(CATEGORIES), prop::bool::ANY).prop_map(|(q, cents, cat, zero)| {
        json!({"sku": format!("S-{cat}"), "quantity": q, "unit_price": format!("{}.{:02}", cents / 100, cents % 100),
               "categories": [cat], "tax_class": if zero { "zero" } else { "std" }})
    })
}

/// A lot: amount, days of expiry from now (negative: expired; None: never), earned days ago (negative: pending).
fn lot() -> impl Strategy<Value = (i64, Option<i64>, i64)> {
    (0_i64..5_000, prop::option::of(-30_i64..400), -5_i64..300)
}

fn day(offset: i64) -> String {
    let base = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    (base + chrono::Duration::days(offset)).to_rfc3339()
}

fn request() -> impl Strategy<Value = (usize, Value)> {
    (
        0..3_usize,
        prop::collection::vec(line(), 1..8),
        prop::collection::vec(lot(), 0..12),
        0_u64..30_000,
        prop_oneof![Just(0_u64), 0_u64..3_000],
        prop::bool::ANY,
    )
        .prop_map(|(e, mut lines, lots, redeem, debt, gold)| {
            for (i, l) in lines.iter_mut().enumerate() {
                l["id"] = json!(format!("L{i}"));
            }
            let lots: Vec<Value> = lots
                .iter()
                .enumerate()
                .map(|(i, (amount, expires, earned))| {
                    let mut v = json!({"id": format!("lot{i}"), "earned_at": day(-earned), "amount": amount});
                    if let Some(x) = expires {
                        // Expiry after earning.
                        v["expires_at"] = json!(day((*x).max(-*earned + 1)));
                    }
                    v
                })
                .collect();
            let tier = if gold { "gold" } else { "member" };
            (
                e,
                json!({"now": NOW, "customer": {"tier": tier}, "lines": lines,
                       "points": {"redeem": redeem, "debt": debt, "lots": lots}}),
            )
        })
}

fn quote(e: usize, req: &Value) -> QuoteAnswer {
    let req: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
    engines()[e].0.quote(&req).unwrap()
}

/// The balance the host would compute: available lots less debt.
fn balance(e: usize, req: &Value) -> i64 {
    let b: PointsBalanceRequest =
        serde_json::from_value(json!({"now": NOW, "lots": req["points"]["lots"], "debt": req["points"]["debt"]}))
            .unwrap();
    engines()[e].0.points_balance(&b).unwrap().available
}

fn minor(m: Money) -> i128 {
    m.to_minor().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn redeemed_within_balance_and_caps_and_fifo_sums_exactly((e, req) in request()) {
        let (_, step, share) = engines()[e];
        let a = quote(e, &req);
        let p = a.points.as_ref().unwrap();
        let bal = balance(e, &req);
        prop_assert_eq!(p.balance_before, bal);
        prop_assert!(i64::try_from(p.redeemed).unwrap() <= bal.max(0), "redeemed {} > balance {}", p.redeemed, bal);
        prop_assert!(p.redeemed <= MAX_POINTS && p.redeemed <= p.requested);
        prop_assert!(p.redeemed == 0 || p.redeemed >= MIN_POINTS);
        prop_assert_eq!(p.redeemed % step, 0);
        let nets: i128 = a.lines.iter().map(|l| minor(l.net)).sum();
        let share: i128 = share.parse().unwrap();
        prop_assert!(minor(p.value) * 100 <= nets * share, "value {} over {}% of {}", p.value, share, nets);
        // FIFO: the lots consumed sum exactly to the points redeemed.
        prop_assert_eq!(p.lots_consumed.iter().map(|c| c.points).sum::<u64>(), p.redeemed);
        let expiries: Vec<_> = p.lots_consumed.iter().map(|c| (c.expires_at.is_none(), c.expires_at.map(|t| t.utc()))).collect();
        prop_assert!(expiries.windows(2).all(|w| w[0] <= w[1]), "soonest expiry first");
        // Allocation is exact and no line pays more in points than it costs.
        prop_assert_eq!(a.totals.points_value, p.value);
        let lp: Vec<_> = a.lines.iter().map(|l| l.points.clone().unwrap()).collect();
        prop_assert_eq!(lp.iter().map(|x| x.redeemed).sum::<u64>(), p.redeemed);
        prop_assert_eq!(lp.iter().map(|x| minor(x.redeemed_value)).sum::<i128>(), minor(p.value));
        for (l, x) in a.lines.iter().zip(&lp) {
            prop_assert!(x.redeemed_value.amount() <= l.net.amount());
        }
        // Invariant 3 and invariant 1.
        let t = &a.totals;
        let mut expected = t.item_subtotal.checked_sub(t.discounts).unwrap().checked_sub(t.points_value).unwrap();
        if !t.tax_included {
            expected = expected.checked_add(t.tax).unwrap();
        }
        prop_assert_eq!(t.grand_total, expected);
        prop_assert!(!t.grand_total.is_negative());
    }

    #[test]
    fn earned_is_within_the_cap_and_sums_over_lines((e, req) in request()) {
        let a = quote(e, &req);
        let p = a.points.as_ref().unwrap();
        prop_assert!(p.earned <= CAP && p.earned <= p.earned_uncapped);
        let lines: Vec<_> = a.lines.iter().map(|l| l.points.clone().unwrap()).collect();
        prop_assert_eq!(lines.iter().map(|x| x.earned).sum::<u64>(), p.earned);
        for (l, x) in a.lines.iter().zip(&lines) {
            prop_assert!(!x.earn_base.is_negative());
            if x.multiplier.to_string() == "0" {
                prop_assert_eq!(x.earned, 0, "excluded line {} earns nothing", l.id);
            }
        }
    }

    #[test]
    fn the_order_of_lines_and_lots_does_not_change_a_byte((e, req) in request(), seed in any::<u64>()) {
        let first = serde_json::to_string(&quote(e, &req)).unwrap();
        let mut shuffled = req.clone();
        shuffled["lines"].as_array_mut().unwrap().reverse();
        let lots = shuffled["points"]["lots"].as_array_mut().unwrap();
        if !lots.is_empty() {
            let k = usize::try_from(seed % lots.len() as u64).unwrap();
            lots.rotate_left(k);
            lots.reverse();
        }
        prop_assert_eq!(first, serde_json::to_string(&quote(e, &shuffled)).unwrap());
    }

    #[test]
    fn returns_reverse_exactly_what_was_earned_and_give_back_what_was_redeemed(
        (e, req) in request(),
        splits in prop::collection::vec(prop::collection::vec(0_u32..3, 1..4), 8),
        balance in -500_i64..2_000,
    ) {
        let a = quote(e, &req);
        let p = a.points.clone().unwrap();
        let engine = &engines()[e].0;
        // Return each line in a few partial returns, the last one taking the rest.
        let mut returned = BTreeMap::new();
        let (mut earned, mut redeemed) = (0_u64, 0_u64);
        let mut per_lot: BTreeMap<String, u64> = BTreeMap::new();
        let rounds = 4;
        for round in 0..rounds {
            let lines: Vec<Value> = a.lines.iter().enumerate().map(|(i, l)| {
                let before: u32 = *returned.get(&l.id).unwrap_or(&0);
                let left = l.quantity - before;
                let wanted = splits[i % splits.len()].get(round).copied().unwrap_or(0);
                let now = if round == rounds - 1 { left } else { wanted.min(left) };
                returned.insert(l.id.clone(), before + now);
                let lp = l.points.clone().unwrap();
                json!({"line_id": l.id, "quantity": l.quantity, "earned": lp.earned, "redeemed": lp.redeemed,
                       "returned_before": before, "returning": now})
            }).collect();
            let c: PointsClawbackRequest = serde_json::from_value(json!({
                "now": NOW, "lines": lines, "redeemed_lots": p.lots_consumed, "balance": balance})).unwrap();
            let c = engine.points_clawback(&c).unwrap();
            prop_assert_eq!(c.lines.iter().map(|l| l.earned_reversed).sum::<u64>(), c.earned_reversed);
            prop_assert_eq!(c.returned_lots.iter().map(|l| l.points).sum::<u64>(), c.redeemed_returned);
            // Per line, points given back and expired ones are told apart and sum to the order's.
            prop_assert_eq!(c.lines.iter().map(|l| l.redeemed_returned).sum::<u64>(), c.redeemed_returned);
            prop_assert_eq!(c.lines.iter().map(|l| l.redeemed_expired).sum::<u64>(), c.redeemed_expired);
            prop_assert_eq!(c.taken_from_balance + c.shortfall, c.earned_reversed);
            earned += c.earned_reversed;
            redeemed += c.redeemed_returned;
            for l in &c.returned_lots {
                *per_lot.entry(l.from_lot_id.clone().unwrap()).or_default() += l.points;
            }
        }
        prop_assert_eq!(earned, p.earned, "a full return reverses exactly the points earned");
        prop_assert_eq!(redeemed, p.redeemed, "and gives back exactly the points redeemed");
        let mut consumed: BTreeMap<String, u64> = BTreeMap::new();
        for c in &p.lots_consumed {
            *consumed.entry(c.lot_id.clone()).or_default() += c.points;
        }
        prop_assert_eq!(per_lot, consumed, "each lot gets back exactly what it gave");
    }
}

/// The properties' rule set with another redemption (the same promotions,
/// earning and tiers).
fn engine_redeeming(redemption: Value) -> Engine {
    let mut rules: Value = serde_json::from_str(&engine_rules_json()).unwrap();
    rules["points"]["redemption"] = redemption;
    Engine::from_json(&rules.to_string()).unwrap()
}

fn engine_rules_json() -> String {
    // The rule set of `engine(true, 100, "50")`, as JSON.
    serde_json::to_string(&json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std",
                "classes": [{"id": "std", "rate_percent": "13"}, {"id": "zero", "rate_percent": "0"}]},
        "membership": {"qualification": {"metric": "paid_spend", "window_months": 12}, "validity_months": 12,
            "tiers": [{"id": "member", "rank": 1, "threshold": "0"},
                      {"id": "gold", "rank": 2, "threshold": "1000.00", "benefits": {"points_multiplier": "1.5"}}]},
        "promotions": [
            {"id": "tea-10", "benefit": {"type": "percent_off", "percent": "10"}, "items": {"categories": ["tea"]}},
            {"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [{"min_spend": "199.00", "discount": "20.00"}]}}
        ],
        "points": {"earning": {"rate": "1"}}
    }))
    .unwrap()
}

/// (clamp, refuse) engines with the same limits; and engines where points
/// are worth more than one unit: 1 point = 15.00, 2 points = 15.00.
fn redemption_engines() -> &'static [Engine; 4] {
    use std::sync::OnceLock;
    static ENGINES: OnceLock<[Engine; 4]> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let limits = json!({"points_per_unit": 100, "min_points": MIN_POINTS, "step": 100,
                            "max_points": MAX_POINTS, "max_share_percent": "50"});
        let mut refuse = limits.clone();
        refuse["over_limit"] = json!("refuse");
        [
            engine_redeeming(limits),
            engine_redeeming(refuse),
            engine_redeeming(json!({"points_per_unit": 1, "unit_amount": "15.00", "max_share_percent": "80"})),
            engine_redeeming(json!({"points_per_unit": 2, "unit_amount": "15.00", "min_points": 2})),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// `over_limit: refuse` redeems what `clamp` would when no limit
    /// reduces the request (the same answer, byte for byte), and nothing
    /// otherwise, listing the same limits.
    #[test]
    fn refuse_redeems_all_or_nothing((_, req) in request()) {
        let [clamp, refuse, ..] = redemption_engines();
        let req: QuoteRequest = serde_json::from_value(req).unwrap();
        let c = clamp.quote(&req).unwrap();
        let r = refuse.quote(&req).unwrap();
        let (cp, rp) = (c.points.as_ref().unwrap(), r.points.as_ref().unwrap());
        if cp.clamps.is_empty() {
            prop_assert_eq!(serde_json::to_string(&c).unwrap(), serde_json::to_string(&r).unwrap());
            prop_assert_eq!(rp.redeemed, rp.requested);
        } else {
            prop_assert!(rp.refused);
            prop_assert_eq!(rp.redeemed, 0);
            prop_assert!(rp.lots_consumed.is_empty());
            prop_assert_eq!(&rp.clamps, &cp.clamps);
            prop_assert!(r.lines.iter().all(|l| l.points.as_ref().unwrap().redeemed == 0));
            prop_assert_eq!(r.totals.grand_total, c.totals.grand_total.checked_add(cp.value).unwrap());
        }
    }

    /// Points worth 15.00 or 7.50 (one or two to the 15.00): every line's value is
    /// exactly its points at that rate, the lines sum to the order, and no
    /// line pays more in points than it costs.
    #[test]
    fn points_worth_more_than_a_unit_are_valued_exactly((_, req) in request()) {
        for (engine, per) in redemption_engines()[2..].iter().zip([1_i128, 2]) {
            let req: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
            let a = engine.quote(&req).unwrap();
            let p = a.points.as_ref().unwrap();
            prop_assert_eq!(minor(p.value) * per, i128::from(p.redeemed) * 1500);
            let mut sum = 0;
            for l in &a.lines {
                let lp = l.points.as_ref().unwrap();
                prop_assert_eq!(minor(lp.redeemed_value) * per, i128::from(lp.redeemed) * 1500);
                prop_assert!(lp.redeemed_value.amount() <= l.net.amount());
                sum += minor(lp.redeemed_value);
            }
            prop_assert_eq!(sum, minor(p.value));
            prop_assert_eq!(a.totals.points_value, p.value);
            prop_assert!(!a.totals.grand_total.is_negative());
        }
    }
}
