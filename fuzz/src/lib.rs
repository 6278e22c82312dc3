//! What the fuzz targets run, shared between them.
//!
//! Every target feeds input to the engine and asserts only what must hold
//! for any input: no panic, errors reported as errors with a stable code,
//! answers that are JSON, and (for structured carts) no broken invariant.

mod c_api;
mod json_targets;

use arbitrary::Arbitrary;
use commerce_rules::testkit::check_request;
use commerce_rules::{CartLine, Customer, Destination, PointsRequest, QuoteRequest, WalletCoupon};
use rust_decimal::Decimal;

pub use c_api::c_api;
pub use json_targets::{request, rules_load, sample_engine, structured_replay, SAMPLE_RULES};

/// A compact cart description, turned into a quote request for the sample store.
#[derive(Debug, Arbitrary)]
pub struct Cart {
    lines: Vec<Line>,
    tier: Option<u8>,
    enterprise: bool,
    first_order: bool,
    codes: Vec<u8>,
    wallet: Vec<(u8, bool)>,
    destination: Option<u8>,
    redeem: Option<(u16, Vec<(u16, u16, Option<u16>)>)>,
    day: u16,
    minute: u16,
}

/// One line of a [`Cart`].
#[derive(Debug, Arbitrary)]
pub struct Line {
    sku: u8,
    quantity: u8,
    cents: u32,
    category: u8,
    vat_9: bool,
    non_discountable: bool,
    weight_g: Option<u16>,
    liquid: bool,
}

const SKUS: &[&str] = &["TEA-LONGJING-250G", "WATER-550ML", "SNACK-NUTS-500G", "SNACK-DATES-1KG", "BOOK-1", "OTHER"];
const CATEGORIES: &[&str] = &["tea", "snacks", "books", "drinks"];
const TIERS: &[&str] = &["member", "silver", "gold", "platinum"];
const CODES: &[&str] = &["TEA95", " welcome20 ", "WELCOME20", "NOPE"];
const WALLET: &[&str] = &["wallet-150-15", "wallet-400-50", "wallet-freeship", "no-such-promotion"];
const DESTINATIONS: &[(&str, Option<&str>, Option<&str>)] = &[
    ("CN", Some("Zhejiang"), Some("310000")),
    ("CN", Some("Xinjiang"), Some("830000")),
    ("CN", None, None),
    ("US", Some("NY"), Some("10001")),
];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list.get(usize::from(i) % list.len()).copied().unwrap_or_default()
}

fn time(secs: i64) -> commerce_rules::Timestamp {
    commerce_rules::Timestamp(chrono::DateTime::from_timestamp(secs, 0).expect("in range").fixed_offset())
}

impl Cart {
    /// The quote request this cart describes (always valid for the sample store).
    pub fn request(&self) -> QuoteRequest {
        // 2026-01-01T00:00:00Z plus up to ~2 years.
        let now_secs = 1_767_225_600 + i64::from(self.day % 730) * 86_400 + i64::from(self.minute % 1_440) * 60;
        let lines = self
            .lines
            .iter()
            .take(30)
            .enumerate()
            .map(|(i, l)| CartLine {
                id: format!("L{i:02}").into(),
                sku: pick(SKUS, l.sku).into(),
                quantity: u32::from(l.quantity % 50) + 1,
                unit_price: Decimal::new(i64::from(l.cents % 10_000_000), 2).into(),
                tax_class: l.vat_9.then(|| "vat-9".to_string()),
                categories: vec![pick(CATEGORIES, l.category).to_string()],
                tags: vec![],
                brand: None,
                non_discountable: l.non_discountable,
                weight_g: l.weight_g.map(u32::from),
                weight: None,
                dimensions: None,
                package: None,
                shipping_template: None,
                shipping_class: l.liquid.then(|| "liquid".to_string()),
                origin: None,
                hs_code: None,
                country_of_origin: None,
            })
            .collect();
        let mut req: QuoteRequest =
            serde_json::from_value(serde_json::json!({"now": "2026-01-01T00:00:00Z", "lines": []})).expect("valid");
        req.now = time(now_secs);
        req.lines = lines;
        req.customer = Customer {
            id: Some("C-1".into()),
            tier: self.tier.map(|t| pick(TIERS, t).to_string()),
            segments: if self.enterprise { vec!["enterprise".into()] } else { vec![] },
            first_order: self.first_order,
        };
        req.codes = self.codes.iter().take(5).map(|&c| pick(CODES, c).to_string()).collect();
        req.wallet = self
            .wallet
            .iter()
            .take(8)
            .enumerate()
            .map(|(i, &(p, redeemed))| WalletCoupon {
                id: format!("W{i}"),
                promotion_id: pick(WALLET, p).to_string(),
                code: None,
                valid_from: None,
                valid_until: None,
                currency: None,
                redeemed,
            })
            .collect();
        req.destination = self.destination.map(|d| {
            let (country, region, postcode) = DESTINATIONS[usize::from(d) % DESTINATIONS.len()];
            Destination {
                country: country.into(),
                region: region.map(Into::into),
                city: None,
                postcode: postcode.map(Into::into),
            }
        });
        req.points = self.redeem.as_ref().map(|(redeem, lots)| PointsRequest {
            redeem: u64::from(*redeem),
            lots: lots
                .iter()
                .take(6)
                .enumerate()
                .map(|(i, &(days_ago, amount, expires_after))| {
                    let earned = now_secs - i64::from(days_ago % 500 + 1) * 86_400;
                    commerce_rules::points::PointLot {
                        id: format!("P{i}"),
                        earned_at: time(earned),
                        amount: i64::from(amount),
                        expires_at: expires_after.map(|d| time(earned + i64::from(d % 900 + 1) * 86_400)),
                    }
                })
                .collect(),
            debt: 0,
        });
        req
    }
}

/// A structured cart against the sample engine: the testkit finds no broken invariant.
pub fn structured_quote(cart: &Cart) {
    let request = cart.request();
    let violations = check_request(sample_engine(), &request);
    assert!(
        violations.is_empty(),
        "{}\nrequest: {}",
        violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        serde_json::to_string(&request).unwrap_or_default()
    );
}
