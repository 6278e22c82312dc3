//! Properties of free-shipping promotions over generated grants, carts and
//! destinations (remote or not, or none yet), on the CN shipping rule set.
//!
//! A free-shipping promotion whose grant an earlier applied one covers
//! (every method it names, remote zones whenever it does, at least its
//! amount) can never be the one that frees an option: it is refused
//! (`no_discount`, naming the earlier one) and changes no figure: the quote
//! without it in the rule set is the same, but for its refusal.

use commerce_rules::{Engine, QuoteAnswer, QuoteRequest};
use proptest::prelude::*;
use serde_json::{json, Value};

const METHODS: &[&str] = &["std", "express", "same-day"];
const DESTINATIONS: &[(&str, &str, &str)] =
    &[("Shanghai", "Shanghai", "200000"), ("Xinjiang", "Urumqi", "830000"), ("Zhejiang", "Hangzhou", "310000")];

/// A free-shipping grant: methods (none: every one), remote excluded, an
/// amount off (none: the whole price), a minimum spend, entered by code.
type Grant = (Vec<&'static str>, bool, Option<u32>, Option<u32>, bool);

fn grant() -> impl Strategy<Value = Grant> {
    (
        prop::sample::subsequence(METHODS, 0..=2),
        any::<bool>(),
        prop::option::of(1_u32..20),
        prop::option::of(50_u32..400),
        prop::bool::weighted(0.25),
    )
}

fn rules(grants: &[Grant], skip: Option<usize>) -> Value {
    let mut rules: Value =
        serde_json::from_str(include_str!("data/shipping-cn.rules.json")).expect("the CN shipping rule set");
    let promotions: Vec<Value> = grants
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(i, (methods, remote, off, min, code))| {
            let mut benefit = json!({"type": "free_shipping", "methods": methods, "exclude_remote": remote});
            if let Some(off) = off {
                benefit["amount_off"] = json!(format!("{off}.00"));
            }
            let mut p = json!({"id": format!("FS{i}"), "benefit": benefit});
            if let Some(min) = min {
                p["conditions"] = json!({"min_subtotal": {"amount": format!("{min}.00")}});
            }
            if *code {
                p["trigger"] = json!("code");
                p["codes"] = json!([format!("SHIP{i}")]);
            }
            p
        })
        .collect();
    rules["promotions"] = Value::Array(promotions);
    rules
}

fn quote(rules: &Value, request: &Value) -> QuoteAnswer {
    let engine = Engine::from_json(&rules.to_string()).unwrap();
    let request: QuoteRequest = serde_json::from_value(request.clone()).unwrap();
    engine.quote(&request).unwrap()
}

/// The answer without its refusals, explanation and search counts (a code
/// left out of the rule set is not a coupon considered).
fn figures(answer: &QuoteAnswer) -> Value {
    let mut v = serde_json::to_value(answer).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("rejected");
    o.remove("explanation");
    o.remove("selection");
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_covered_free_shipping_grant_is_refused_and_changes_no_figure(
        grants in prop::collection::vec(grant(), 1..6),
        lines in prop::collection::vec((1_u32..3_000, 100_i64..20_000, 1_u32..3), 1..5),
        destination in prop::option::of(0_usize..DESTINATIONS.len()),
        entered in prop::collection::vec(0_usize..6, 0..3),
        explain in any::<bool>(),
    ) {
        let lines: Vec<Value> = lines.iter().enumerate().map(|(i, (g, cents, q))| json!({
            "id": format!("L{i}"), "sku": "TEA-250G", "quantity": q, "weight_g": g,
            "unit_price": format!("{}.{:02}", cents / 100, cents % 100)})).collect();
        let codes: Vec<String> = entered.iter().map(|i| format!("SHIP{i}")).collect();
        let mut request = json!({"now": "2026-11-10T10:00:00+08:00", "lines": lines, "codes": codes, "explain": explain});
        if let Some(d) = destination {
            let (region, city, postcode) = DESTINATIONS[d];
            request["destination"] = json!({"country": "CN", "region": region, "city": city, "postcode": postcode});
        }
        let all = rules(&grants, None);
        let answer = quote(&all, &request);
        // Whether grant `a` takes at least what grant `b` takes off every option.
        let covers = |a: usize, b: usize| {
            let ((am, ar, aa, _, _), (bm, br, ba, _, _)) = (&grants[a], &grants[b]);
            let methods = am.is_empty() || (!bm.is_empty() && bm.iter().all(|m| am.contains(m)));
            methods && (!ar || *br) && match (aa, ba) { (None, _) => true, (Some(_), None) => false, (Some(x), Some(y)) => x >= y }
        };
        let number = |id: &str| -> usize { id.strip_prefix("FS").unwrap().parse().unwrap() };
        // Applied grants: none covered by an earlier applied one (with
        // options, those that free none are refused once shipping is quoted).
        let applied: Vec<usize> = answer.promotions.iter().map(|p| number(&p.id)).collect();
        for (k, &b) in applied.iter().enumerate() {
            for &a in &applied[..k] {
                prop_assert!(!covers(a, b), "FS{} applied though FS{} covers it", b, a);
            }
        }
        // Each grant refused as covered is covered by the applied grant it
        // names, and changes no figure.
        for r in answer.rejected.iter().filter(|r| r.params.conflicting_promotion.is_some()) {
            prop_assert_eq!(r.reason, commerce_rules::ReasonCode::NoDiscount);
            let id = r.promotion_id.as_deref().unwrap();
            let skip = number(id);
            let by = number(r.params.conflicting_promotion.as_deref().unwrap());
            prop_assert!(covers(by, skip), "{} refused as covered by FS{}, which does not cover it", id, by);
            let without = quote(&rules(&grants, Some(skip)), &request);
            prop_assert_eq!(figures(&answer), figures(&without), "{} changed a figure", id);
        }
    }
}
