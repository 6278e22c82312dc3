//! Properties of shipping over generated carts, destinations and instants,
//! against the test rule sets in `tests/data/`.
//!
//! Invariant 8: a shipping price never decreases as weight grows within one
//! method; the earliest delivery date is never after the latest.
//! Free shipping (包邮 over 99.00) applies exactly when its threshold is met.
//! Plus invariants 3 and 4 with shipping: the grand-total identity, and the
//! same bytes whatever the line order.
//! Postcodes: a destination matches the same zone whatever spaces, hyphens
//! and case its postcode is typed with, and a blackout zone offers nothing.
//! Templates and conditions (`shipping-templates.rules.json`): a method's
//! price never falls as pieces or weight grow (piece, weight, mixed and
//! percentage rates, kg and lb carriers); a method is offered only inside
//! its conditions, and every method is either offered or unavailable.

use commerce_rules::{Engine, Money, QuoteAnswer, QuoteRequest, ShippingAnswer};
use proptest::prelude::*;
use serde_json::{json, Value};

const CN_RULES: &str = include_str!("data/shipping-cn.rules.json");
const US_RULES: &str = include_str!("data/shipping-us.rules.json");

fn engines() -> &'static [Engine] {
    use std::sync::OnceLock;
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES.get_or_init(|| vec![Engine::from_json(CN_RULES).unwrap(), Engine::from_json(US_RULES).unwrap()])
}

const CN_DESTINATIONS: &[(&str, &str, &str)] =
    &[("Shanghai", "Shanghai", "200000"), ("Xinjiang", "Urumqi", "830000"), ("Zhejiang", "Hangzhou", "310000")];

/// One generated line: weight g, optional dimensions, optional class, origin, cents, quantity.
type Line = (u32, Option<(u32, u32, u32)>, Option<&'static str>, Option<&'static str>, i64, u32);

fn line() -> impl Strategy<Value = Line> {
    (
        0_u32..8_000,
        prop::option::of((1_u32..80, 1_u32..80, 1_u32..80)),
        prop::option::of(prop::sample::select(&["liquid", "frozen", "hazmat", "fragile"][..])),
        prop::option::of(prop::sample::select(&["hz", "gz"][..])),
        1_i64..20_000,
        1_u32..4,
    )
}

fn request(engine: usize, lines: &[Line], dest: usize, secs: i64) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, (g, dims, class, origin, cents, qty))| {
            let mut l = json!({"id": format!("L{i:02}"), "sku": format!("SKU{i}"), "quantity": qty,
                "unit_price": format!("{}.{:02}", cents / 100, cents % 100), "weight_g": g});
            if let Some((a, b, c)) = dims {
                l["dimensions"] = json!({"length_cm": a, "width_cm": b, "height_cm": c});
            }
            if let Some(c) = class {
                l["shipping_class"] = json!(c);
            }
            if let (Some(o), 0) = (origin, engine) {
                l["origin"] = json!(o);
            }
            l
        })
        .collect();
    let now = chrono::DateTime::from_timestamp(secs, 0).unwrap().fixed_offset().to_rfc3339();
    let destination = if engine == 0 {
        let (region, city, postcode) = CN_DESTINATIONS[dest % CN_DESTINATIONS.len()];
        json!({"country": "CN", "region": region, "city": city, "postcode": postcode})
    } else {
        json!({"country": "US", "region": "NY", "postcode": "10001"})
    };
    json!({"now": now, "destination": destination, "lines": lines})
}

fn options(engine: usize, req: &Value) -> ShippingAnswer {
    let req: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
    engines()[engine].shipping_options(&req).unwrap()
}

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

// Any instant from September 2026 to January 2027 (UTC seconds): holidays and weekends included.
const FROM: i64 = 1_788_220_800;
const UNTIL: i64 = 1_801_440_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Invariant 8: more weight never lowers a method's price; earliest <= latest.
    #[test]
    fn price_never_decreases_with_weight_and_windows_are_ordered(
        engine in 0_usize..2,
        lines in prop::collection::vec(line(), 1..6),
        which in 0_usize..6,
        extra in 1_u32..20_000,
        dest in 0_usize..3,
        secs in FROM..UNTIL,
    ) {
        let lighter = options(engine, &request(engine, &lines, dest, secs));
        let mut heavier_lines = lines.clone();
        let k = which % heavier_lines.len();
        heavier_lines[k].0 = heavier_lines[k].0.saturating_add(extra);
        let heavier = options(engine, &request(engine, &heavier_lines, dest, secs));
        for o in lighter.options.iter().chain(&heavier.options) {
            let (dispatch, earliest, latest) = (date(&o.delivery.dispatch_date), date(&o.delivery.earliest), date(&o.delivery.latest));
            prop_assert!(dispatch <= earliest && earliest <= latest, "{} {:?}", o.method_id, o.delivery);
            prop_assert!(!o.total.is_negative() && o.discount.amount() <= o.price.amount());
        }
        for light in &lighter.options {
            if let Some(heavy) = heavier.options.iter().find(|h| h.method_id == light.method_id) {
                prop_assert!(heavy.price.amount() >= light.price.amount(),
                    "{}: {} at {} g, {} at {} g", light.method_id, light.price, light.chargeable_weight_g,
                    heavy.price, heavy.chargeable_weight_g);
                prop_assert!(heavy.chargeable_weight_g >= light.chargeable_weight_g);
            }
        }
        // A method too heavy for the lighter cart stays too heavy for the heavier one.
        for u in &lighter.unavailable {
            prop_assert!(heavier.options.iter().all(|h| h.method_id != u.method_id || u.reason != commerce_rules::ShippingReason::TooHeavy));
        }
    }

    /// 包邮 over 99.00 (std, not remote) applies exactly when the subtotal reaches 99.00.
    #[test]
    fn free_shipping_applies_exactly_when_the_threshold_is_met(
        cents in prop::collection::vec(1_i64..6_000, 1..4),
        grams in 0_u32..5_000,
        dest in 0_usize..3,
        secs in FROM..UNTIL,
    ) {
        let lines: Vec<Line> = cents.iter().map(|c| (grams, None, None, None, *c, 1)).collect();
        let answer = options(0, &request(0, &lines, dest, secs));
        let subtotal: i64 = cents.iter().sum();
        let std = answer.options.iter().find(|o| o.method_id == "std").unwrap();
        let remote = answer.remote;
        let free = std.discount_rule.as_deref() == Some("free_shipping:baoyou-99");
        prop_assert_eq!(free, subtotal >= 9_900 && !remote, "subtotal {} remote {}", subtotal, remote);
        if free {
            prop_assert!(std.total.is_zero() && std.discount == std.price);
        } else {
            prop_assert!(std.discount.is_zero() && std.total == std.price);
        }
        // Hints are about the chosen option: when it is std, the hint names the
        // shortfall exactly when the threshold is not met (and is within 50.00).
        let hint = answer.hints.iter().find(|h| h.promotion_id == "baoyou-99");
        let shortfall = 9_900 - subtotal;
        prop_assert_eq!(hint.is_some(), std.chosen && !remote && shortfall > 0 && shortfall <= 5_000);
        if let Some(h) = hint {
            prop_assert_eq!(h.amount_needed.unwrap().to_minor(), Some(i128::from(shortfall)));
        }
    }

    /// Invariants 3 and 4 with shipping: the grand-total identity holds, and
    /// the answer is the same bytes whatever the line order.
    #[test]
    fn totals_identity_and_line_order_with_shipping(
        engine in 0_usize..2,
        lines in prop::collection::vec(line(), 1..6),
        dest in 0_usize..3,
        secs in FROM..UNTIL,
        codes in prop::bool::ANY,
        gold in prop::bool::ANY,
    ) {
        let mut req = request(engine, &lines, dest, secs);
        if codes {
            req["codes"] = json!(["FREESHIP"]);
        }
        if gold {
            req["customer"] = json!({"tier": "gold"});
        }
        let e = &engines()[engine];
        let forward = e.quote_json(&req.to_string()).unwrap();
        let mut reversed = req.clone();
        reversed["lines"].as_array_mut().unwrap().reverse();
        prop_assert_eq!(&forward, &e.quote_json(&reversed.to_string()).unwrap());
        let answer: QuoteAnswer = e.quote(&serde_json::from_value(req).unwrap()).unwrap();
        let t = &answer.totals;
        let mut expected: Money = t.item_subtotal.checked_sub(t.discounts).unwrap()
            .checked_add(t.shipping).unwrap()
            .checked_sub(t.shipping_discounts).unwrap()
            .checked_sub(t.points_value).unwrap();
        if !t.tax_included {
            expected = expected.checked_add(t.tax).unwrap();
        }
        prop_assert_eq!(expected, t.grand_total);
        prop_assert!(!t.grand_total.is_negative() && !t.shipping_discounts.is_negative());
        prop_assert!(t.shipping_discounts.amount() <= t.shipping.amount());
        let tax_sum = Money::checked_sum(answer.currency, answer.tax_summary.iter().map(|s| s.tax)).unwrap();
        prop_assert_eq!(tax_sum, t.tax);
        // Once options are quoted, a free-shipping code is applied (and
        // counted in the usages) exactly when it discounts one of them; a
        // code that takes nothing off (the gold tier or 包邮 already frees
        // every option) is refused as `no_discount`.
        let options = answer.shipping.as_ref().map(|s| &s.options[..]).unwrap_or(&[]);
        let applied = answer.promotions.iter().any(|p| &*p.id == "FREESHIP");
        prop_assert_eq!(applied, answer.usages.iter().any(|u| &*u.promotion_id == "FREESHIP"));
        if !options.is_empty() {
            let gives = options.iter().any(|o| o.discount_rule.as_deref() == Some("promotion:FREESHIP"));
            prop_assert_eq!(applied, gives);
            let idle = answer.rejected.iter().any(|r| r.promotion_id.as_deref() == Some("FREESHIP")
                && r.reason == commerce_rules::ReasonCode::NoDiscount);
            prop_assert_eq!(idle, codes && engine == 0 && !gives);
        }
    }
}

const POSTCODE_RULES: &str = include_str!("data/shipping-postcodes.rules.json");

fn postcode_engine() -> &'static Engine {
    use std::sync::OnceLock;
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_json(POSTCODE_RULES).unwrap())
}

/// Well-formed postcodes around the zones of `shipping-postcodes.rules.json`, as usually written.
fn written_postcode() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        "(BH|DT|HS|ZE|KW|SW|CB)[0-9]{1,2} [0-9][A-Z]{2}".prop_map(|p| ("GB", p)),
        "[A-Z][0-9]{2} [0-9][A-Z]{2}".prop_map(|p| ("GB", p)),
        "K[0-9][A-Z] [0-9][A-Z][0-9]".prop_map(|p| ("CA", p)),
        "1[01][0-9]{2} [A-Z]{2}".prop_map(|p| ("NL", p)),
        "1[01][0-9]{3}(-[0-9]{4})?".prop_map(|p| ("US", p)),
        "10[0-9]-[0-9]{4}".prop_map(|p| ("JP", p)),
        "[0-3][0-9]{3}".prop_map(|p| ("AU", p)),
        "8[0-9]{5}".prop_map(|p| ("CN", p)),
    ]
}

/// `postcode` typed otherwise: its separators dropped, a space or hyphen
/// put between any characters (within the 16 characters a postcode may be
/// typed with), any letter in lower case.
fn retype(postcode: &str, noise: &[(u8, bool)]) -> String {
    let mut out = String::new();
    let chars: Vec<char> = postcode.chars().filter(|c| *c != ' ' && *c != '-').collect();
    let mut separators = 16 - chars.len();
    for (i, (c, (sep, lower))) in chars.into_iter().zip(noise.iter().cycle()).enumerate() {
        if i > 0 && separators > 0 && sep % 4 < 2 {
            out.push(if sep % 4 == 0 { ' ' } else { '-' });
            separators -= 1;
        }
        out.push(if *lower { c.to_ascii_lowercase() } else { c });
    }
    out
}

fn zone_of(country: &str, postcode: &str) -> (Option<String>, Vec<String>) {
    let req = json!({"now": "2026-11-10T10:00:00+00:00", "destination": {"country": country, "postcode": postcode},
        "lines": [{"id": "1", "sku": "TEA", "quantity": 1, "unit_price": "20.00", "weight_g": 500}]});
    let answer = options_in(postcode_engine(), &req);
    let methods = answer.options.iter().map(|o| o.method_id.clone()).collect();
    (answer.zone_id, methods)
}

fn options_in(engine: &Engine, req: &Value) -> ShippingAnswer {
    let req: QuoteRequest = serde_json::from_value(req.clone()).unwrap();
    engine.shipping_options(&req).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Spaces, hyphens and case typed in a postcode change neither the zone
    /// matched nor the methods offered; a blackout zone offers none.
    #[test]
    fn postcode_typing_does_not_change_the_zone(
        (country, postcode) in written_postcode(),
        noise in prop::collection::vec((any::<u8>(), any::<bool>()), 1..8),
    ) {
        let written = zone_of(country, &postcode);
        let typed = retype(&postcode, &noise);
        prop_assert_eq!(&written, &zone_of(country, &typed), "{} typed as {}", postcode, typed);
        prop_assert!(written.0.is_some(), "the rule set ends with a catch-all zone");
        if written.0.as_deref() == Some("gb-islands") {
            prop_assert!(written.1.is_empty());
        } else {
            prop_assert!(!written.1.is_empty());
        }
    }
}

const TEMPLATE_RULES: &str = include_str!("data/shipping-templates.rules.json");

fn template_engine() -> &'static Engine {
    use std::sync::OnceLock;
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_json(TEMPLATE_RULES).unwrap())
}

/// One generated line: grams, quantity, by piece, dimensions (cm), cents.
type TemplateLine = (u32, u32, bool, Option<(u32, u32, u32)>, i64);

fn template_line() -> impl Strategy<Value = TemplateLine> {
    (0_u32..6_000, 1_u32..6, any::<bool>(), prop::option::of((1_u32..130, 1_u32..70, 1_u32..70)), 1_i64..60_000)
}

const TEMPLATE_DESTINATIONS: &[(&str, &str, &str)] =
    &[("CN", "Zhejiang", "310000"), ("CN", "Xinjiang", "830000"), ("US", "NY", "10001")];

fn template_request(lines: &[TemplateLine], dest: usize) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, (g, qty, by_piece, dims, cents))| {
            let mut l = json!({"id": format!("L{i:02}"), "sku": format!("SKU{i}"), "quantity": qty,
                "unit_price": format!("{}.{:02}", cents / 100, cents % 100), "weight_g": g});
            if *by_piece {
                l["shipping_template"] = json!("by-piece");
            }
            if let Some((a, b, c)) = dims {
                l["dimensions"] = json!({"length_cm": a, "width_cm": b, "height_cm": c});
            }
            l
        })
        .collect();
    let (country, region, postcode) = TEMPLATE_DESTINATIONS[dest % TEMPLATE_DESTINATIONS.len()];
    json!({"now": "2026-11-10T10:00:00+08:00", "destination": {"country": country, "region": region, "postcode": postcode},
        "lines": lines})
}

/// Sides longest first, in hundredths of the unit (cm, or in from cm).
fn sorted_sides(dims: (u32, u32, u32), inches: bool) -> [f64; 3] {
    let k = if inches { 1.0 / 2.54 } else { 1.0 };
    let mut s = [f64::from(dims.0) * k, f64::from(dims.1) * k, f64::from(dims.2) * k];
    s.sort_by(|a, b| b.partial_cmp(a).unwrap());
    s
}

fn fits(dims: (u32, u32, u32), max: [f64; 3], inches: bool) -> bool {
    let s = sorted_sides(dims, inches);
    // Inches from cm are rounded by the engine at 28 digits; compare with a hair of slack.
    s.iter().zip(max).all(|(a, b)| *a <= b + 1e-9)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// A method's price never falls when a line gets more pieces or more weight.
    #[test]
    fn price_never_falls_as_pieces_or_weight_grow(
        lines in prop::collection::vec(template_line(), 1..5),
        which in 0_usize..5,
        more_pieces in 0_u32..6,
        more_grams in 0_u32..30_000,
        dest in 0_usize..3,
    ) {
        let lighter = options_in(template_engine(), &template_request(&lines, dest));
        let mut grown = lines.clone();
        let k = which % grown.len();
        grown[k].1 += more_pieces;
        grown[k].0 += more_grams;
        let heavier = options_in(template_engine(), &template_request(&grown, dest));
        for light in &lighter.options {
            if let Some(heavy) = heavier.options.iter().find(|h| h.method_id == light.method_id) {
                prop_assert!(heavy.price.amount() >= light.price.amount(),
                    "{}: {} with {:?}, {} with {:?}", light.method_id, light.price, lines, heavy.price, grown);
            }
        }
    }

    /// A method is offered only inside its conditions, refused with the
    /// figure that failed when outside, and never silently dropped.
    #[test]
    fn method_conditions_never_offer_a_method_outside_its_range(
        lines in prop::collection::vec(template_line(), 1..5),
        dest in 0_usize..3,
    ) {
        let answer = options_in(template_engine(), &template_request(&lines, dest));
        let methods = [4, 1, 2][dest % 3];
        prop_assert_eq!(answer.options.len() + answer.unavailable.len(), methods);
        let value: i64 = lines.iter().map(|l| l.4 * i64::from(l.1)).sum();
        let pieces: u32 = lines.iter().map(|l| l.1).sum();
        let all_fit = |max: [f64; 3], inches: bool| lines.iter().all(|l| l.3.is_none_or(|d| fits(d, max, inches)));
        for o in &answer.options {
            let billable: f64 = o.parcels.iter().map(|p| p.billable.as_ref().map_or(
                p.chargeable_weight_g as f64 / 1000.0,
                |b| b.billable.to_string().parse::<f64>().unwrap())).sum();
            match o.method_id.as_str() {
                "express" => prop_assert!(value <= 200_000 && billable <= 30.0 && all_fit([100.0, 60.0, 60.0], false),
                    "express offered: value {} billable {} {:?}", value, billable, lines),
                "freight" => prop_assert!(billable >= 20.0, "freight offered at {} kg", billable),
                "insured" => prop_assert!(value >= 30_000 && pieces <= 10, "insured offered: {} {}", value, pieces),
                "ups-saver" => prop_assert!(all_fit([24.0, 18.0, 12.0], true), "ups-saver offered: {:?}", lines),
                _ => {}
            }
        }
        for u in &answer.unavailable {
            let p = &u.params;
            use commerce_rules::ShippingReason as R;
            match u.reason {
                R::OrderValueAboveMaximum => prop_assert!(p.order_value.unwrap().amount() > p.max_order_value.unwrap().amount()),
                R::OrderValueBelowMinimum => prop_assert!(p.order_value.unwrap().amount() < p.min_order_value.unwrap().amount()),
                R::PiecesAboveMaximum => prop_assert!(p.pieces.unwrap() > p.max_pieces.unwrap()),
                R::WeightBelowMinimum => prop_assert!(p.weight.unwrap().value() < p.min_weight.unwrap().value()),
                R::WeightAboveMaximum => prop_assert!(p.weight.unwrap().value() > p.max_weight.unwrap().value()),
                R::TooLarge => {
                    let (d, m) = (p.dimensions.clone().unwrap(), p.max_dimensions.clone().unwrap());
                    prop_assert!(d.iter().zip(&m).any(|(a, b)| a.value() > b.value()), "{:?} fits {:?}", d, m);
                }
                // Heavier than the last weight bracket: a rate's limit, not a condition.
                R::TooHeavy => prop_assert!(p.weight.unwrap().value() > p.max_weight.unwrap().value()),
                other => prop_assert!(false, "{} unavailable: {:?}", u.method_id, other),
            }
        }
    }
}

/// The CN and template rule sets, each allocating shipping by amount (as
/// written), by weight and by pieces.
fn allocation_engines() -> &'static [Engine] {
    use std::sync::OnceLock;
    static ENGINES: OnceLock<Vec<Engine>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let mut out = Vec::new();
        for rules in [CN_RULES, TEMPLATE_RULES] {
            for by in ["amount", "weight", "pieces"] {
                let mut r: Value = serde_json::from_str(rules).unwrap();
                r["shipping"]["allocate_by"] = json!(by);
                out.push(Engine::from_json(&r.to_string()).unwrap());
            }
        }
        out
    })
}

/// Checks that the lines' shipping shares sum exactly to the totals, that no
/// share is negative and that no line's discount exceeds its shipping.
fn shares_sum_exactly(answer: &QuoteAnswer) -> Result<(), TestCaseError> {
    let cur = answer.currency;
    let shares: Vec<_> = answer.lines.iter().filter_map(|l| l.shipping.as_ref()).collect();
    let amount = Money::checked_sum(cur, shares.iter().map(|s| s.amount)).unwrap();
    let discount = Money::checked_sum(cur, shares.iter().map(|s| s.discount)).unwrap();
    prop_assert_eq!(amount, answer.totals.shipping);
    prop_assert_eq!(discount, answer.totals.shipping_discounts);
    for s in &shares {
        prop_assert!(!s.amount.is_negative() && !s.discount.is_negative());
        prop_assert!(s.discount.amount() <= s.amount.amount(), "discount {} over shipping {}", s.discount, s.amount);
        prop_assert_eq!(s.discount_rule.is_some(), !s.discount.is_zero());
    }
    for l in answer.lines.iter().filter(|l| l.gift_of.is_some()) {
        prop_assert!(l.shipping.is_none(), "gift line {} bears shipping", l.id);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Shipping on the lines: for any cart, destination, method and
    /// allocation basis, the lines' shares sum exactly to the shipping
    /// charged and to the shipping discount taken (PRODUCT.md invariant 2).
    #[test]
    fn allocated_shipping_sums_exactly_to_the_shipping_charged(
        by in 0_usize..3,
        lines in prop::collection::vec(line(), 1..8),
        template_lines in prop::collection::vec(template_line(), 1..8),
        dest in 0_usize..3,
        secs in FROM..UNTIL,
        codes in prop::bool::ANY,
        tier in prop::bool::ANY,
        method in 0_usize..3,
    ) {
        let engines = allocation_engines();
        let mut cn = request(0, &lines, dest, secs);
        if codes {
            cn["codes"] = json!(["FREESHIP"]);
        }
        if tier {
            cn["customer"] = json!({"tier": "gold"});
        }
        let templates = template_request(&template_lines, dest);
        for (engine, req) in [(&engines[by], cn), (&engines[3 + by], templates)] {
            let answer: QuoteAnswer = engine.quote(&serde_json::from_value(req.clone()).unwrap()).unwrap();
            shares_sum_exactly(&answer)?;
            // Every other method the zone offers, chosen explicitly.
            let others: Vec<String> = answer.shipping.iter().flat_map(|s| s.options.iter().map(|o| o.method_id.clone())).collect();
            if let Some(m) = others.get(method % others.len().max(1)) {
                let mut chosen = req.clone();
                chosen["shipping_method"] = json!(m);
                let answer: QuoteAnswer = engine.quote(&serde_json::from_value(chosen).unwrap()).unwrap();
                shares_sum_exactly(&answer)?;
            }
        }
    }
}

const SMALL_RULES: &str = include_str!("data/shipping-small.rules.json");

fn small_engine() -> &'static Engine {
    use std::sync::OnceLock;
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_json(SMALL_RULES).unwrap())
}

/// Products of `shipping-small.rules.json`: a bulky one with a per-unit fee,
/// two that ship free, a plain one.
const SMALL_SKUS: &[&str] = &["CUSHION-XL", "GIFT-CARD", "BOOK", "MUG"];

/// One generated line: product, quantity, cents, in the e-vouchers category.
type SmallLine = (usize, u32, i64, bool);

fn small_request(lines: &[SmallLine], bayern: bool, coupon: bool) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, (sku, qty, cents, voucher))| {
            let mut l = json!({"id": format!("L{i:02}"), "sku": SMALL_SKUS[sku % SMALL_SKUS.len()], "quantity": qty,
                "unit_price": format!("{}.{:02}", cents / 100, cents % 100), "weight_g": 300});
            if *voucher {
                l["categories"] = json!(["e-vouchers"]);
            }
            l
        })
        .collect();
    let region = if bayern { "Bayern" } else { "Berlin" };
    let mut r = json!({"now": "2026-03-10T10:00:00+01:00", "lines": lines,
        "destination": {"country": "DE", "region": region, "postcode": "80331"}});
    if coupon {
        r["codes"] = json!(["SHIP3"]);
    }
    r
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Issue 15 item 9: the flexible rate and the per-unit product fee never
    /// get cheaper as a line gets more units (invariant 8), and whatever the
    /// cart, coupon (3.00 off shipping) and products that ship free, the
    /// lines' shipping shares sum exactly to the shipping charged and its
    /// discount, the discount never exceeds the price, and the grand-total
    /// identity holds.
    #[test]
    fn small_pieces_never_get_cheaper_and_allocate_exactly(
        lines in prop::collection::vec((0_usize..4, 1_u32..6, 1_i64..20_000, any::<bool>()), 1..6),
        which in 0_usize..6,
        more in 1_u32..9,
        bayern in any::<bool>(),
        coupon in any::<bool>(),
    ) {
        let before = small_request(&lines, bayern, coupon);
        let mut grown = lines.clone();
        let k = which % grown.len();
        grown[k].1 += more;
        let after = small_request(&grown, bayern, coupon);
        let (a, b) = (options_in(small_engine(), &before), options_in(small_engine(), &after));
        for o in &a.options {
            if let Some(h) = b.options.iter().find(|h| h.method_id == o.method_id) {
                prop_assert!(h.price.amount() >= o.price.amount(), "{}: {} then {}", o.method_id, o.price, h.price);
            }
            prop_assert!(o.discount.amount() <= o.price.amount() && !o.total.is_negative(), "{o:?}");
        }
        for req in [before, after] {
            let request: QuoteRequest = serde_json::from_value(req).unwrap();
            let answer = small_engine().quote(&request).unwrap();
            shares_sum_exactly(&answer)?;
            let violations = commerce_rules::testkit::check_answer(&request, &answer);
            prop_assert!(violations.is_empty(), "{violations:?}");
        }
    }
}
