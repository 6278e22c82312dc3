//! Strategies generating requests fitted to a rule set.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::strategy::BoxedStrategy;
use rust_decimal::Decimal;

use crate::points::PointLot;
use crate::rules::{Condition, ItemFilter, RuleSet, Surcharge, Trigger};
use crate::{
    CartLine, Currency, Customer, Destination, Dimensions, PointsRequest, QuoteRequest, Timestamp, WalletCoupon,
    WalletSelection,
};

/// What a rule set names, for the strategies to draw from, plus a few names
/// it does not know (`extra-…`), so that generated carts both match and
/// miss its rules. Every list is sorted and free of duplicates; edit the
/// fields to steer generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    /// The settlement currency: prices are generated in its minor units.
    pub currency: Currency,
    /// SKUs named by price lists, promotions and points rules.
    pub skus: Vec<String>,
    /// Categories named by price lists, promotions and points rules.
    pub categories: Vec<String>,
    /// Tags named by promotions.
    pub tags: Vec<String>,
    /// Brands named by promotions.
    pub brands: Vec<String>,
    /// The rule set's tax classes.
    pub tax_classes: Vec<String>,
    /// Customer tiers: the membership tiers when the rule set has a
    /// membership (any other is an error), else the tiers rules name.
    pub tiers: Vec<String>,
    /// Customer segments named by price lists and promotions.
    pub segments: Vec<String>,
    /// Sales channels named by promotions.
    pub channels: Vec<String>,
    /// Coupon codes of code-triggered promotions.
    pub codes: Vec<String>,
    /// Ids of wallet-triggered promotions.
    pub wallet_promotions: Vec<String>,
    /// Destinations matching each shipping zone, and one matching none.
    pub destinations: Vec<Destination>,
    /// Warehouses lines may ship from.
    pub warehouses: Vec<String>,
    /// Shipping classes named by methods and surcharges.
    pub shipping_classes: Vec<String>,
    /// True when the rule set has points: requests then carry lots and a redemption.
    pub points: bool,
    /// Every shipping method id of the rule set: [`run_check`](super::run_check)
    /// names one in some requests, so that dearer methods get chosen too.
    pub shipping_methods: Vec<String>,
    /// The return reasons the rule set accepts, with their windows in days
    /// (empty: no returns section, no return questions asked).
    pub return_windows: Vec<(crate::returns::ReturnReason, u32)>,
    /// Generated `now` lies in `[from, until)`, in UTC seconds.
    pub now_range: (i64, i64),
}

/// 2026-01-01T00:00:00Z.
const FROM_2026: i64 = 1_767_225_600;
/// 2028-01-01T00:00:00Z.
const UNTIL_2028: i64 = 1_830_297_600;

fn sorted(set: BTreeSet<String>) -> Vec<String> {
    set.into_iter().collect()
}

fn with_extra(mut set: BTreeSet<String>, extra: &str) -> Vec<String> {
    set.insert(format!("extra-{extra}"));
    sorted(set)
}

fn filter_names(f: &ItemFilter, v: &mut Names) {
    v.skus.extend(f.skus.iter().chain(&f.exclude_skus).cloned());
    v.categories.extend(f.categories.iter().chain(&f.exclude_categories).cloned());
    v.tags.extend(f.tags.iter().chain(&f.exclude_tags).cloned());
    v.brands.extend(f.brands.iter().chain(&f.exclude_brands).cloned());
}

fn condition_names(c: &Condition, v: &mut Names) {
    v.tiers.extend(c.customer_tiers.iter().cloned());
    v.segments.extend(c.customer_segments.iter().cloned());
    v.channels.extend(c.channels.iter().cloned());
    for contains in &c.cart_contains {
        filter_names(&contains.items, v);
    }
    for inner in c.all.iter().chain(&c.any).chain(c.not.as_deref()) {
        condition_names(inner, v);
    }
}

#[derive(Default)]
struct Names {
    skus: BTreeSet<String>,
    categories: BTreeSet<String>,
    tags: BTreeSet<String>,
    brands: BTreeSet<String>,
    tiers: BTreeSet<String>,
    segments: BTreeSet<String>,
    channels: BTreeSet<String>,
    codes: BTreeSet<String>,
    wallet: BTreeSet<String>,
    classes: BTreeSet<String>,
}

/// A postcode of `country` starting with `prefix`, when one is easy to make.
fn postcode(country: &str, prefix: &str) -> Option<String> {
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (4..=7).map(|n| format!("{prefix:0<n$}")).find(|p| crate::rules::postcode_problem(country, p).is_none())
}

impl Vocabulary {
    /// Everything `rules` names that a request can refer to.
    pub fn from_rules(rules: &RuleSet) -> Vocabulary {
        let mut n = Names::default();
        for list in &rules.price_lists {
            n.tiers.extend(list.customer_tiers.iter().cloned());
            n.segments.extend(list.customer_segments.iter().cloned());
            for entry in &list.prices {
                n.skus.extend(entry.sku.iter().cloned());
                n.categories.extend(entry.category.iter().cloned());
            }
        }
        for p in &rules.promotions {
            filter_names(&p.items, &mut n);
            condition_names(&p.conditions, &mut n);
            match p.trigger {
                Trigger::Code => n.codes.extend(p.codes.iter().cloned()),
                Trigger::Wallet => {
                    n.wallet.insert(p.id.clone());
                }
                Trigger::Automatic => {}
            }
        }
        if let Some(earning) = rules.points.as_ref().and_then(|p| p.earning.as_ref()) {
            n.categories.extend(earning.categories.iter().map(|c| c.category.clone()));
            n.categories.extend(earning.exclude_categories.iter().cloned());
            n.skus.extend(earning.exclude_skus.iter().cloned());
        }
        let mut return_windows = Vec::new();
        if let Some(r) = &rules.returns {
            // Lines in exempt and unopened-only categories and with the
            // final-sale tag, so that returns meet them.
            n.categories.extend(r.exempt_categories.iter().chain(&r.unopened_categories).cloned());
            n.tags.extend(r.final_sale_tag.iter().cloned());
            use crate::returns::ReturnReason;
            for (reason, days) in [
                (ReturnReason::NoReason, r.windows.no_reason_days),
                (ReturnReason::Quality, r.windows.quality_days),
                (ReturnReason::Exchange, r.windows.exchange_days),
            ] {
                if let Some(d) = days {
                    return_windows.push((reason, d));
                }
            }
        }
        let mut shipping_methods = BTreeSet::new();
        let mut destinations = Vec::new();
        let mut warehouses = BTreeSet::new();
        if let Some(s) = &rules.shipping {
            warehouses.extend(s.warehouses.iter().map(|w| w.id.clone()));
            for rule in &s.free_shipping {
                n.tiers.extend(rule.customer_tiers.iter().cloned());
            }
            for zone in &s.zones {
                for method in &zone.methods {
                    shipping_methods.insert(method.id.clone());
                    n.classes.extend(method.excluded_classes.iter().cloned());
                    for surcharge in &method.surcharges {
                        if let Surcharge::ColdChain { shipping_classes, .. } = surcharge {
                            n.classes.extend(shipping_classes.iter().cloned());
                        }
                    }
                }
                let m = &zone.matches;
                for country in &m.countries {
                    destinations.push(Destination {
                        country: country.clone(),
                        region: m.regions.first().cloned(),
                        city: m.cities.first().cloned(),
                        postcode: m
                            .postcodes
                            .first()
                            .and_then(|p| p.prefix.as_deref().or(p.pattern.as_deref()).or(p.from.as_deref()))
                            .and_then(|p| postcode(country, p.trim_end_matches(['*', '?']))),
                    });
                    destinations.push(Destination {
                        country: country.clone(),
                        region: None,
                        city: None,
                        postcode: None,
                    });
                }
            }
            destinations.push(Destination { country: "AQ".into(), region: None, city: None, postcode: None });
            destinations.sort_by(|a, b| {
                (&a.country, &a.region, &a.city, &a.postcode).cmp(&(&b.country, &b.region, &b.city, &b.postcode))
            });
            destinations.dedup();
        }
        let tiers = match &rules.membership {
            Some(m) => m.tiers.iter().map(|t| t.id.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
            None => with_extra(n.tiers, "tier"),
        };
        Vocabulary {
            currency: rules.currency,
            skus: with_extra(n.skus, "sku"),
            categories: with_extra(n.categories, "category"),
            tags: with_extra(n.tags, "tag"),
            brands: with_extra(n.brands, "brand"),
            tax_classes: rules.tax.classes.iter().map(|c| c.id.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
            tiers,
            segments: with_extra(n.segments, "segment"),
            channels: with_extra(n.channels, "channel"),
            codes: sorted(n.codes),
            wallet_promotions: sorted(n.wallet),
            destinations,
            warehouses: sorted(warehouses),
            shipping_classes: with_extra(n.classes, "class"),
            points: rules.points.is_some(),
            shipping_methods: sorted(shipping_methods),
            return_windows,
            now_range: (FROM_2026, UNTIL_2028),
        }
    }
}

/// True once in `n` cases (integer weights: no floating point in the core).
fn one_in(n: u32) -> BoxedStrategy<bool> {
    (0..n.max(1)).prop_map(|k| k == 0).boxed()
}

/// One of `items`, or none when `items` is empty.
fn maybe(items: &[String]) -> BoxedStrategy<Option<String>> {
    if items.is_empty() {
        Just(None).boxed()
    } else {
        prop::option::of(select(items.to_vec())).boxed()
    }
}

/// Up to `max` of `items`, in their order.
fn some_of(items: &[String], max: usize) -> BoxedStrategy<Vec<String>> {
    subsequence(items.to_vec(), 0..=max.min(items.len())).boxed()
}

fn timestamp(secs: i64) -> Option<Timestamp> {
    DateTime::<Utc>::from_timestamp(secs, 0).map(|t| Timestamp(t.fixed_offset()))
}

/// An instant in the vocabulary's `now_range`.
pub fn now(v: &Vocabulary) -> BoxedStrategy<Timestamp> {
    let (from, until) = v.now_range;
    (from..until.max(from.saturating_add(1))).prop_filter_map("a representable instant", timestamp).boxed()
}

/// Up to `max_lines` cart lines with unique ids (`L00`, `L01`…), SKUs,
/// categories, tags, brands, tax classes, shipping classes and origins
/// drawn from the vocabulary; prices in the currency's minor units.
pub fn cart_lines(v: &Vocabulary, max_lines: usize) -> BoxedStrategy<Vec<CartLine>> {
    let scale = v.currency.minor_units();
    let max_minor: i64 = match scale {
        0 => 50_000,
        1 => 50_000,
        2 => 500_000,
        _ => 5_000_000,
    };
    let line = (
        select(v.skus.clone()),
        prop_oneof![4 => 1_u32..=3, 1 => 4_u32..=30],
        0..=max_minor,
        maybe(&v.tax_classes),
        some_of(&v.categories, 2),
        some_of(&v.tags, 1),
        maybe(&v.brands),
        one_in(10),
        prop::option::of(0_u32..=8_000),
        prop::option::of((1_u32..=80, 1_u32..=80, 1_u32..=80)),
        maybe(&v.shipping_classes),
        maybe(&v.warehouses),
    )
        .prop_map(
            move |(sku, quantity, minor, tax_class, categories, tags, brand, nd, weight, dims, class, origin)| {
                CartLine {
                    id: "".into(),
                    sku: sku.into(),
                    quantity,
                    unit_price: Decimal::new(minor, scale).into(),
                    tax_class,
                    categories,
                    tags,
                    brand,
                    non_discountable: nd,
                    weight_g: weight,
                    weight: None,
                    dimensions: dims.map(|(length_cm, width_cm, height_cm)| Dimensions {
                        length_cm,
                        width_cm,
                        height_cm,
                    }),
                    package: None,
                    shipping_template: None,
                    shipping_class: class,
                    origin,
                    hs_code: None,
                    country_of_origin: None,
                }
            },
        );
    prop::collection::vec(line, 0..=max_lines)
        .prop_map(|mut lines| {
            for (i, l) in lines.iter_mut().enumerate() {
                l.id = format!("L{i:02}").into();
            }
            lines
        })
        .boxed()
}

/// A guest or a customer with a tier and segments from the vocabulary.
pub fn customer(v: &Vocabulary) -> BoxedStrategy<Customer> {
    (prop::bool::ANY, maybe(&v.tiers), some_of(&v.segments, 2), prop::bool::ANY)
        .prop_map(|(known, tier, segments, first_order)| Customer {
            id: known.then(|| "C-1".to_string()),
            tier,
            segments,
            first_order,
        })
        .boxed()
}

/// Entered codes: the rule set's, in varied case and spacing, and an unknown one.
pub fn codes(v: &Vocabulary) -> BoxedStrategy<Vec<String>> {
    let mut pool = Vec::with_capacity(v.codes.len().saturating_mul(2).saturating_add(1));
    for c in &v.codes {
        pool.push(c.clone());
        pool.push(format!(" {} ", c.to_lowercase()));
    }
    pool.push("NO-SUCH-CODE".to_string());
    some_of(&pool, 3)
}

/// Wallet coupons (`W0`, `W1`…) for the rule set's wallet promotions, some already redeemed.
pub fn wallet(v: &Vocabulary) -> BoxedStrategy<Vec<WalletCoupon>> {
    let count = v.wallet_promotions.len().min(12);
    (some_of(&v.wallet_promotions, count), prop::collection::vec(one_in(10), count))
        .prop_map(|(ids, redeemed)| {
            ids.into_iter()
                .zip(redeemed.into_iter().chain(std::iter::repeat(false)))
                .enumerate()
                .map(|(i, (promotion_id, redeemed))| WalletCoupon {
                    id: format!("W{i}"),
                    promotion_id,
                    code: None,
                    valid_from: None,
                    valid_until: None,
                    currency: None,
                    redeemed,
                })
                .collect()
        })
        .boxed()
}

/// A destination matching one of the zones, or none of them.
pub fn destination(v: &Vocabulary) -> BoxedStrategy<Option<Destination>> {
    if v.destinations.is_empty() {
        Just(None).boxed()
    } else {
        prop_oneof![1 => Just(None), 4 => select(v.destinations.clone()).prop_map(Some)].boxed()
    }
}

/// Points to redeem and up to four lots earned before `now`, some expiring.
pub fn points_request(now: Timestamp) -> BoxedStrategy<PointsRequest> {
    let lot = (1_i64..=400, 0_i64..=5_000, prop::option::of(30_i64..=800));
    (
        prop_oneof![0_u64..=100, 0_u64..=10_000],
        prop::collection::vec(lot, 0..=4),
        prop_oneof![9 => Just(None), 1 => (1_u64..=500).prop_map(Some)],
    )
        .prop_map(move |(redeem, lots, debt)| {
            let at = now.utc().timestamp();
            let lots = lots
                .into_iter()
                .enumerate()
                .filter_map(|(i, (days_ago, amount, expires_after))| {
                    let earned = at.checked_sub(days_ago.checked_mul(86_400)?)?;
                    let expires_at = match expires_after {
                        Some(d) => Some(timestamp(earned.checked_add(d.checked_mul(86_400)?)?)?),
                        None => None,
                    };
                    Some(PointLot { id: format!("P{i}"), earned_at: timestamp(earned)?, amount, expires_at })
                })
                .collect();
            PointsRequest { redeem, lots, debt: debt.unwrap_or(0) }
        })
        .boxed()
}

/// A whole quote request fitted to the vocabulary: up to 12 lines, a
/// customer, codes, a wallet, a channel, a destination and, when the rule
/// set has points, points to redeem.
pub fn quote_request(v: &Vocabulary) -> BoxedStrategy<QuoteRequest> {
    let has_points = v.points;
    (
        now(v),
        customer(v),
        cart_lines(v, 12),
        codes(v),
        wallet(v),
        one_in(10).prop_map(|no| !no),
        maybe(&v.channels),
        destination(v),
    )
        .prop_flat_map(move |(now, customer, lines, codes, wallet, best, channel, destination)| {
            let points = if has_points {
                prop_oneof![3 => Just(None), 7 => points_request(now).prop_map(Some)].boxed()
            } else {
                Just(None).boxed()
            };
            points.prop_map(move |points| QuoteRequest {
                now,
                currency: None,
                market: None,
                customer: customer.clone(),
                lines: lines.clone(),
                display_currency: None,
                codes: codes.clone(),
                wallet: wallet.clone(),
                wallet_selection: if best { WalletSelection::Best } else { WalletSelection::None },
                usage: Vec::new(),
                channel: channel.clone(),
                locale: Default::default(),
                destination: destination.clone(),
                shipping_method: None,
                points,
                tenders: Vec::new(),
                customs: None,
                explain: false,
                max_hints: crate::quote::DEFAULT_MAX_HINTS,
            })
        })
        .boxed()
}
