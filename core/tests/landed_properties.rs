//! Properties of the landed cost (`docs/landed.md`) over generated carts,
//! destinations, terms and annual amounts used.
//!
//! The parts sum exactly to the landed total, and duties split exactly into
//! what is collected at checkout and what is due on delivery; the grand
//! total adds only what is collected at checkout; DDP's grand total is
//! DAP's plus what DAP leaves due on delivery; the answer does not depend on
//! the order of the lines; China's cross-border tax is never negative and
//! the annual limit is never passed under the CBEC regime.

use commerce_rules::{Engine, Question};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

const NOW: &str = "2026-11-11T10:00:00+01:00";

fn rules(terms: &str) -> Value {
    json!({
        "schema_version": 1, "currency": "EUR", "time_zone": "Europe/Berlin",
        "tax": {"prices_include_tax": false, "default_class": "export",
                "classes": [{"id": "export", "rate_percent": "0"}]},
        "promotions": [{"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [
            {"min_spend": "100.00", "discount": "7.00"}, {"min_spend": "300.00", "discount": "31.00"}]}}],
        "shipping": {
            "carriers": [{"id": "post"}], "warehouses": [{"id": "wh"}], "default_warehouse": "wh",
            "tax_class": "export",
            "zones": [{"id": "intl", "match": {"countries": ["DE", "GB", "US", "CN"]},
                       "methods": [{"id": "std", "carrier": "post", "service": "standard",
                                    "rate": {"type": "flat", "price": "9.99"},
                                    "transit_days": {"min": 5, "max": 10}}]}]
        },
        "customs": {"destinations": [
            {"id": "de", "countries": ["DE"], "currency": "EUR", "terms": terms, "import_vat_percent": "19",
             "duty_rates": [{"hs_prefix": "6109", "percent": "12"}, {"hs_prefix": "61", "percent": "8"},
                            {"hs_prefix": "6109", "origins": ["TR"], "percent": "0"}],
             "consumption_base": "value_and_duty", "consumption_rates": [{"hs_prefix": "0902", "per_unit": "0.35"}],
             "de_minimis": {"duty_up_to": "150.00"}, "low_value": {"up_to": "150.00", "scheme": "ioss"},
             "fees": [{"id": "clearance", "amount": "4.50"}]},
            {"id": "gb", "countries": ["GB"], "currency": "GBP", "rate": "0.8713", "terms": terms,
             "import_vat_percent": "20", "default_duty_percent": "4.7",
             "duty_rates": [{"hs_prefix": "7113", "percent": "2", "per_unit": "0.17"}],
             "low_value": {"up_to": "135.00", "scheme": "uk_low_value"},
             "dutiable_value": {"shipping": true, "insurance_percent": "1.5"}},
            {"id": "us", "countries": ["US"], "currency": "USD", "rate": "1.0837", "terms": terms,
             "dutiable_value": {"shipping": false}, "duty_rates": [{"hs_prefix": "6109", "percent": "16.5"}],
             "de_minimis": {"duty_up_to": "800.00", "tax_up_to": "800.00"}},
            {"id": "cn", "countries": ["CN"], "currency": "CNY", "rate": "7.7713", "terms": terms,
             "import_vat_percent": "13", "duty_rates": [{"hs_prefix": "3304", "percent": "5"}],
             "default_duty_percent": "10",
             "consumption_rates": [{"category": "cosmetics", "percent": "15"}, {"hs_prefix": "7113", "percent": "10"}],
             "cbec": {"transaction_limit": "5000.00", "annual_limit": "26000.00"}}
        ]}
    })
}

const HS: [&str; 5] = ["610910", "611020", "330499", "711319", "090210"];
const ORIGINS: [&str; 3] = ["CN", "TR", "VN"];
const COUNTRIES: [&str; 4] = ["DE", "GB", "US", "CN"];

fn cart() -> impl Strategy<Value = Vec<Value>> {
    cart_of(60_000, 7)
}

/// Carts of up to `max_lines - 1` lines with unit prices under `max_cents`.
fn cart_of(max_cents: u32, max_lines: usize) -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec((0_usize..5, 0_usize..3, 1_u32..4, 1_u32..max_cents, any::<bool>()), 1..max_lines).prop_map(
        |lines| {
            lines
                .into_iter()
                .enumerate()
                .map(|(i, (hs, origin, qty, cents, cosmetic))| {
                    json!({"id": format!("L{i}"), "sku": format!("S{hs}"), "quantity": qty,
                       "unit_price": format!("{}.{:02}", cents / 100, cents % 100),
                       "hs_code": HS[hs], "country_of_origin": ORIGINS[origin],
                       "categories": if cosmetic { vec!["cosmetics"] } else { vec![] }})
                })
                .collect()
        },
    )
}

fn quote(engine: &Engine, country: &str, lines: &[Value], annual_used: u32) -> String {
    let req = json!({"now": NOW, "lines": lines, "destination": {"country": country},
                     "customs": {"annual_used": format!("{annual_used}.00")}});
    engine.answer_json(Question::Quote, &req.to_string()).unwrap()
}

fn d(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("{v} is not a decimal string")).parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn landed_parts_sum_to_the_total_and_the_grand_total_adds_checkout_duties(
        lines in cart(), c in 0_usize..4, ddp in any::<bool>(), used in 0_u32..30_000,
    ) {
        let engine = Engine::from_json(&rules(if ddp { "ddp" } else { "dap" }).to_string()).unwrap();
        let a: Value = serde_json::from_str(&quote(&engine, COUNTRIES[c], &lines, used)).unwrap();
        let landed = &a["landed"];
        let parts = landed["parts"].as_array().unwrap();
        let sum: Decimal = parts.iter().map(|p| d(&p["amount"])).sum();
        prop_assert_eq!(sum, d(&landed["landed_total"]));
        let duties: Decimal = parts
            .iter()
            .filter(|p| !matches!(p["code"].as_str(), Some("goods" | "shipping")))
            .map(|p| d(&p["amount"]))
            .sum();
        prop_assert_eq!(duties, d(&landed["duties_and_taxes"]));
        prop_assert_eq!(d(&landed["collected_at_checkout"]) + d(&landed["due_on_delivery"]), duties);
        for p in parts {
            prop_assert!(d(&p["amount"]) >= Decimal::ZERO, "negative part {}", p);
        }
        let t = &a["totals"];
        prop_assert_eq!(d(&t["duties_and_taxes"]), duties);
        prop_assert_eq!(d(&t["duties_at_checkout"]), d(&landed["collected_at_checkout"]));
        let expected = d(&t["item_subtotal"]) - d(&t["discounts"]) + d(&t["shipping"]) - d(&t["shipping_discounts"])
            + d(&t["tax"]) - d(&t["points_value"]) + d(&t["duties_at_checkout"]);
        prop_assert_eq!(d(&t["grand_total"]), expected);
        // The lines' figures are the parts' figures.
        let per_line = |k: &str| landed["lines"].as_array().unwrap().iter().map(|l| d(&l[k])).sum::<Decimal>();
        let part = |code: &str| parts.iter().filter(|p| p["code"] == code).map(|p| d(&p["amount"])).sum::<Decimal>();
        prop_assert_eq!(per_line("duty"), part("duty"));
        prop_assert_eq!(per_line("import_vat"), part("import_vat"));
        prop_assert_eq!(per_line("consumption_tax"), part("consumption_tax"));
    }

    #[test]
    fn ddp_grand_total_is_dap_grand_total_plus_duties_due_on_delivery(
        lines in cart(), c in 0_usize..4, used in 0_u32..30_000,
    ) {
        let ddp = Engine::from_json(&rules("ddp").to_string()).unwrap();
        let dap = Engine::from_json(&rules("dap").to_string()).unwrap();
        let a_ddp: Value = serde_json::from_str(&quote(&ddp, COUNTRIES[c], &lines, used)).unwrap();
        let a_dap: Value = serde_json::from_str(&quote(&dap, COUNTRIES[c], &lines, used)).unwrap();
        prop_assert_eq!(&a_ddp["landed"]["duties_and_taxes"], &a_dap["landed"]["duties_and_taxes"]);
        prop_assert_eq!(
            d(&a_ddp["totals"]["grand_total"]),
            d(&a_dap["totals"]["grand_total"]) + d(&a_dap["landed"]["due_on_delivery"])
        );
        prop_assert_eq!(d(&a_ddp["landed"]["due_on_delivery"]), Decimal::ZERO);
    }

    /// The same holds when a market's `duties` overrides the destinations'
    /// terms (both ways): the market's terms are the ones applied.
    #[test]
    fn a_markets_duties_override_the_destinations_terms(
        lines in cart(), c in 0_usize..4, used in 0_u32..30_000,
    ) {
        let with_market = |terms: &str, duties: &str| {
            let mut r = rules(terms);
            r["markets"] = json!([{"id": "eu", "countries": COUNTRIES, "currency": "EUR", "duties": duties}]);
            Engine::from_json(&r.to_string()).unwrap()
        };
        let ddp = with_market("dap", "ddp");
        let dap = with_market("ddp", "dap");
        let a_ddp: Value = serde_json::from_str(&quote(&ddp, COUNTRIES[c], &lines, used)).unwrap();
        let a_dap: Value = serde_json::from_str(&quote(&dap, COUNTRIES[c], &lines, used)).unwrap();
        prop_assert_eq!(&a_ddp["market"]["id"], "eu");
        if a_ddp["landed"]["regime"] == "border" || a_ddp["landed"]["regime"] == "general_trade" {
            prop_assert_eq!(&a_ddp["landed"]["terms"], "ddp");
            prop_assert_eq!(&a_dap["landed"]["terms"], "dap");
        }
        prop_assert_eq!(&a_ddp["landed"]["duties_and_taxes"], &a_dap["landed"]["duties_and_taxes"]);
        prop_assert_eq!(
            d(&a_ddp["totals"]["grand_total"]),
            d(&a_dap["totals"]["grand_total"]) + d(&a_dap["landed"]["due_on_delivery"])
        );
        prop_assert_eq!(d(&a_ddp["landed"]["due_on_delivery"]), Decimal::ZERO);
        // Without the market (the base rules), the destination's terms apply.
        let base: Value = serde_json::from_str(&quote(
            &Engine::from_json(&rules("ddp").to_string()).unwrap(), COUNTRIES[c], &lines, used)).unwrap();
        prop_assert_eq!(&base["totals"]["grand_total"], &a_ddp["totals"]["grand_total"]);
    }

    #[test]
    fn landed_cost_does_not_depend_on_line_order(
        lines in cart(), c in 0_usize..4, ddp in any::<bool>(), used in 0_u32..30_000, rotate in 0_usize..7,
    ) {
        let engine = Engine::from_json(&rules(if ddp { "ddp" } else { "dap" }).to_string()).unwrap();
        let mut shuffled = lines.clone();
        shuffled.reverse();
        let n = shuffled.len();
        shuffled.rotate_left(rotate % n);
        prop_assert_eq!(quote(&engine, COUNTRIES[c], &lines, used), quote(&engine, COUNTRIES[c], &shuffled, used));
    }

    #[test]
    fn cbec_tax_is_never_negative_and_the_annual_limit_holds(
        // Small carts, mostly under the per-order limit (about 643 EUR).
        lines in cart_of(8_000, 5), used in 0_u32..30_000,
    ) {
        let engine = Engine::from_json(&rules("ddp").to_string()).unwrap();
        let a: Value = serde_json::from_str(&quote(&engine, "CN", &lines, used)).unwrap();
        let landed = &a["landed"];
        let cbec = &landed["cbec"];
        for l in landed["lines"].as_array().unwrap() {
            for k in ["duty", "consumption_tax", "import_vat"] {
                prop_assert!(d(&l[k]) >= Decimal::ZERO, "negative {} in {}", k, l);
            }
        }
        let dutiable_cny = (d(&landed["dutiable_value"]) * Decimal::new(77_713, 4))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        match landed["regime"].as_str() {
            Some("cbec") => {
                prop_assert!(d(&cbec["annual_used_after"]) <= d(&cbec["annual_limit"]));
                prop_assert!(d(&cbec["order_amount"]) <= d(&cbec["transaction_limit"]));
                prop_assert_eq!(d(&cbec["annual_used_after"]), d(&cbec["annual_used"]) + d(&cbec["order_amount"]));
                for l in landed["lines"].as_array().unwrap() {
                    prop_assert_eq!(d(&l["duty"]), Decimal::ZERO);
                }
            }
            Some("general_trade") => {
                // Past a limit (the dutiable value is compared in CNY, rounded to fen).
                let over = dutiable_cny > Decimal::from(5000)
                    || Decimal::from(used) + dutiable_cny > Decimal::from(26_000);
                prop_assert!(over, "general trade within the limits: {}", landed);
                prop_assert_eq!(d(&cbec["order_amount"]), Decimal::ZERO);
            }
            other => prop_assert!(false, "regime {:?}", other),
        }
    }
}
