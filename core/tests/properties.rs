//! Properties of PRODUCT.md's invariants over generated carts, against the
//! bundled sample rule sets.
//!
//! Invariant 1: nothing is negative. Invariant 3: the grand-total identity.
//! Invariant 4: line order does not matter, same request gives the same bytes.
//! Plus: with `lowest` selection no line pays above its list price, and tax
//! included in prices is consistent with the taxable base.

use commerce_rules::{CartLine, Customer, Engine, Money, QuoteAnswer, QuoteRequest};
use proptest::prelude::*;
use rust_decimal::Decimal;

const CN_RULES: &str = include_str!("../../examples/data/cn-store.rules.json");
const US_RULES: &str = include_str!("../../examples/data/us-store.rules.json");

fn engines() -> &'static [(Engine, &'static [&'static str])] {
    use std::sync::OnceLock;
    static ENGINES: OnceLock<Vec<(Engine, &'static [&'static str])>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        vec![
            (Engine::from_json(CN_RULES).unwrap(), &["vat-13", "vat-9"]),
            (Engine::from_json(US_RULES).unwrap(), &["ny-general", "ny-clothing-exempt", "grocery"]),
        ]
    })
}

const SKUS: &[&str] =
    &["TEA-LONGJING-250G", "WATER-550ML", "SNACK-NUTS-500G", "JACKET-ALPINE", "COFFEE-BEANS-1LB", "MUG", "OTHER"];
const CATEGORIES: &[&str] = &["tea", "snacks", "drinks", "socks", "books", "outerwear"];

prop_compose! {
    fn cart_line(classes: &'static [&'static str])(
        sku in prop::sample::select(SKUS),
        quantity in 1_u32..40,
        cents in 0_i64..50_000,
        class in prop::option::of(prop::sample::select(classes)),
        categories in prop::sample::subsequence(CATEGORIES, 0..3),
    ) -> CartLine {
        CartLine {
            id: "".into(),
            sku: sku.into(),
            quantity,
            unit_price: Decimal::new(cents, 2).into(),
            tax_class: class.map(str::to_string),
            categories: categories.into_iter().map(str::to_string).collect(),
            tags: vec![],
            brand: None,
            non_discountable: false,
            weight_g: None,
            weight: None,
            dimensions: None,
            package: None,
            shipping_template: None,
            shipping_class: None,
            origin: None,
            hs_code: None,
            country_of_origin: None,
        }
    }
}

fn request() -> impl Strategy<Value = (usize, QuoteRequest)> {
    (0..engines().len()).prop_flat_map(|e| {
        let classes = engines()[e].1;
        (
            Just(e),
            prop::collection::vec(cart_line(classes), 0..25),
            prop::option::of(prop::sample::select(&["gold", "platinum", "silver"][..])),
            prop::bool::ANY,
            // Any instant in November 2026 (UTC seconds).
            1_793_491_200_i64..1_796_083_200,
        )
            .prop_map(|(e, mut lines, tier, enterprise, secs)| {
                for (i, l) in lines.iter_mut().enumerate() {
                    l.id = format!("L{i:02}").into();
                }
                let now = chrono::DateTime::from_timestamp(secs, 0).unwrap().fixed_offset();
                let customer = Customer {
                    id: None,
                    tier: tier.map(str::to_string),
                    segments: if enterprise { vec!["enterprise".into()] } else { vec![] },
                    first_order: false,
                };
                let mut req: QuoteRequest =
                    serde_json::from_value(serde_json::json!({"now": now.to_rfc3339(), "lines": []})).unwrap();
                req.customer = customer;
                req.lines = lines;
                (e, req)
            })
    })
}

fn sum(a: &QuoteAnswer, f: impl Fn(&commerce_rules::LineAnswer) -> Money) -> Money {
    Money::checked_sum(a.currency, a.lines.iter().map(f)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn nothing_is_negative_and_totals_add_up((e, req) in request()) {
        let answer = engines()[e].0.quote(&req).unwrap();
        let t = &answer.totals;
        for l in &answer.lines {
            for m in [l.subtotal, l.net, l.tax.amount, l.total, l.discount_total] {
                prop_assert!(!m.is_negative(), "line {} has {}", l.id, m);
            }
            prop_assert!(l.unit_price.amount() <= l.list_unit_price.amount(), "lowest selection never charges above list");
        }
        for m in [t.item_subtotal, t.discounts, t.tax, t.grand_total, t.savings] {
            prop_assert!(!m.is_negative());
        }
        // Invariant 3.
        let mut expected = t.item_subtotal.checked_sub(t.discounts).unwrap()
            .checked_add(t.shipping).unwrap()
            .checked_sub(t.shipping_discounts).unwrap()
            .checked_sub(t.points_value).unwrap();
        if !t.tax_included {
            expected = expected.checked_add(t.tax).unwrap();
        }
        prop_assert_eq!(t.grand_total, expected);
        prop_assert_eq!(t.grand_total, sum(&answer, |l| l.total));
        prop_assert_eq!(t.item_subtotal, sum(&answer, |l| l.subtotal));
        prop_assert_eq!(t.tax, Money::checked_sum(answer.currency, answer.tax_summary.iter().map(|s| s.tax)).unwrap());
    }

    #[test]
    fn tax_is_consistent_with_its_base((e, req) in request()) {
        let answer = engines()[e].0.quote(&req).unwrap();
        for s in &answer.tax_summary {
            let rate = s.rate_percent.fraction().unwrap();
            // The tax is the rate applied to the taxable base, to within the
            // rounding of each line (half a minor unit per line at most).
            let lines = answer.lines.iter().filter(|l| *l.tax.class == *s.class).count();
            let exact = s.taxable.amount() * rate;
            let slack = Decimal::new(i64::try_from(lines).unwrap(), 2);
            prop_assert!((s.tax.amount() - exact).abs() <= slack, "{} vs {} for {}", s.tax, exact, s.class);
        }
        if answer.prices_include_tax {
            for l in &answer.lines {
                prop_assert_eq!(l.total, l.net, "included tax does not change the total");
            }
        }
    }

    #[test]
    fn line_order_does_not_change_a_byte((e, req) in request(), seed in any::<u64>()) {
        let engine = &engines()[e].0;
        let first = serde_json::to_string(&engine.quote(&req).unwrap()).unwrap();
        let mut shuffled = req.clone();
        // A deterministic shuffle from the seed.
        let n = shuffled.lines.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.lines.swap(i, usize::try_from(s >> 33).unwrap() % (i + 1));
        }
        let second = serde_json::to_string(&engine.quote(&shuffled).unwrap()).unwrap();
        prop_assert_eq!(&first, &second);
        let json = serde_json::to_string(&req).unwrap();
        prop_assert_eq!(engine.quote_json(&json).unwrap(), engine.quote_json(&json).unwrap());
    }
}
