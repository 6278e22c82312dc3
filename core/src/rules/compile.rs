//! Validation of a rule set (every problem, with its path) and compilation
//! into lookup structures the quote pipeline reads.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::compile_membership::{
    check_tier_references, compile_membership, compile_points, CompiledMembership, CompiledPoints,
};
use super::compile_promotions::{compile_promotions, PromotionIndex};
use super::compile_shipping::{compile_shipping, CompiledShipping};
use super::{
    Benefit, JsonPath, PriceEntry, PriceList, PriceListKind, PriceSelection, Problems, RuleSet, TaxCalculation,
    SCHEMA_VERSION,
};
use crate::money::{Amount, Currency, Percent, Rounding, RoundingMode};
use crate::time::MerchantTimeZone;
use crate::{ErrorCode, Limits, Problem};

/// A rule set ready to answer questions: validated, with indexes built.
#[derive(Debug)]
pub(crate) struct CompiledRules {
    pub(crate) id: Option<String>,
    pub(crate) currency: Currency,
    pub(crate) time_zone: MerchantTimeZone,
    pub(crate) rounding: Rounding,
    pub(crate) tax: CompiledTax,
    pub(crate) price_selection: PriceSelection,
    pub(crate) price_lists: Vec<CompiledPriceList>,
    /// For each SKU, the (price list, entry) pairs that name it, in list order.
    pub(crate) by_sku: super::FastMap<String, Vec<(usize, usize)>>,
    /// For each category, the (price list, entry) pairs that name it, in list order.
    pub(crate) by_category: super::FastMap<String, Vec<(usize, usize)>>,
    /// Promotions in run order, with their indexes.
    pub(crate) promotions: PromotionIndex,
    /// The shipping section, when the rule set has one.
    pub(crate) shipping: Option<CompiledShipping>,
    /// Membership tiers, when the rule set has a `membership` section.
    pub(crate) membership: Option<CompiledMembership>,
    /// Points rules, when the rule set has a `points` section.
    pub(crate) points: Option<CompiledPoints>,
    /// Returns policy, when the rule set has a `returns` section.
    pub(crate) returns: Option<super::ReturnsConfig>,
    /// Duties and import taxes, when the rule set has a `customs` section.
    pub(crate) customs: Option<super::CustomsConfig>,
}

#[derive(Debug)]
pub(crate) struct CompiledTax {
    pub(crate) prices_include_tax: bool,
    pub(crate) calculation: TaxCalculation,
    pub(crate) rounding: RoundingMode,
    pub(crate) classes: super::FastMap<String, CompiledTaxClass>,
    pub(crate) default_class: std::sync::Arc<str>,
}

impl CompiledTax {
    /// The class a line names, or the default class.
    pub(crate) fn class_of(&self, name: Option<&str>) -> Option<&CompiledTaxClass> {
        self.classes.get(name.unwrap_or(&self.default_class))
    }

    /// The rate of the class a priced line names (0 for a class not in
    /// the rule set), looked up once per run of lines naming the same class:
    /// lines share their class's `Arc`, so the same class is the same
    /// pointer, and most carts name one or two classes.
    pub(crate) fn rates(&self) -> impl FnMut(&std::sync::Arc<str>) -> Decimal + '_ {
        let mut last: Option<(std::sync::Arc<str>, Decimal)> = None;
        move |class| match &last {
            Some((seen, rate)) if std::sync::Arc::ptr_eq(seen, class) => *rate,
            _ => {
                let rate = self.classes.get(&**class).map(|c| c.rate).unwrap_or_default();
                last = Some((std::sync::Arc::clone(class), rate));
                rate
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledTaxClass {
    /// Shared with every line's answer that names it.
    pub(crate) id: std::sync::Arc<str>,
    pub(crate) rate_percent: Percent,
    /// The rate as a fraction: 13 % is 0.13.
    pub(crate) rate: Decimal,
}

#[derive(Debug)]
pub(crate) struct CompiledPriceList {
    pub(crate) id: String,
    pub(crate) kind: PriceListKind,
    pub(crate) customer_tiers: Vec<String>,
    pub(crate) customer_segments: Vec<String>,
    pub(crate) starts: Option<DateTime<Utc>>,
    pub(crate) ends: Option<DateTime<Utc>>,
    pub(crate) entries: Vec<CompiledEntry>,
}

#[derive(Debug)]
pub(crate) struct CompiledEntry {
    pub(crate) base: Option<PriceSpec>,
    /// Ascending by minimum quantity.
    pub(crate) tiers: Vec<(u32, PriceSpec)>,
}

/// How a price list sets a unit price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PriceSpec {
    /// This unit price.
    Fixed(Decimal),
    /// This fraction of the list price (0.9 for 90 %).
    FractionOfList(Decimal),
}

impl CompiledPriceList {
    /// Whether the list is in force at `now`.
    pub(crate) fn active_at(&self, now: DateTime<Utc>) -> bool {
        self.starts.is_none_or(|s| now >= s) && self.ends.is_none_or(|e| now < e)
    }

    /// Whether a customer with `tier` and `segments` may use the list.
    pub(crate) fn admits(&self, tier: Option<&str>, segments: &[String]) -> bool {
        let tier_ok =
            self.customer_tiers.is_empty() || tier.is_some_and(|t| self.customer_tiers.iter().any(|x| x == t));
        let segment_ok =
            self.customer_segments.is_empty() || segments.iter().any(|s| self.customer_segments.contains(s));
        tier_ok && segment_ok
    }
}

impl CompiledEntry {
    /// The price spec for `qty` units: the highest tier reached, else the base.
    pub(crate) fn spec_for(&self, qty: u64) -> Option<(PriceSpec, Option<u32>)> {
        self.tiers
            .iter()
            .rev()
            .find(|(min, _)| u64::from(*min) <= qty)
            .map(|(min, spec)| (*spec, Some(*min)))
            .or(self.base.map(|b| (b, None)))
    }
}

/// Validates `rules` in full and compiles it; on failure returns every
/// problem found (up to `limits.max_problems`).
pub(crate) fn compile(rules: &RuleSet, limits: &Limits) -> Result<CompiledRules, Vec<Problem>> {
    let mut p = Problems::new(limits.max_problems);
    let root = JsonPath::root();

    if rules.schema_version != SCHEMA_VERSION {
        p.add(
            ErrorCode::UnsupportedSchemaVersion,
            &root.field("schema_version"),
            format!("this engine reads schema_version {SCHEMA_VERSION}"),
        );
    }
    if let Some(id) = &rules.id {
        p.id(id, limits.max_id_bytes, &root.field("id"));
    }
    let time_zone = match rules.time_zone.parse::<MerchantTimeZone>() {
        Ok(tz) => Some(tz),
        Err(e) => {
            p.add(ErrorCode::UnknownTimeZone, &root.field("time_zone"), e);
            None
        }
    };
    let tax = compile_tax(rules, limits, &mut p);
    let (price_lists, by_sku, by_category) = match time_zone {
        Some(tz) => compile_price_lists(rules, tz, limits, &mut p),
        None => Default::default(),
    };
    let promotions = match time_zone {
        Some(tz) => compile_promotions(&rules.promotions, rules.currency, tz, limits, &mut p),
        None => Default::default(),
    };
    check_bonus_points(rules, &mut p);
    let shipping = rules.shipping.as_ref().map(|s| compile_shipping(s, &rules.tax, rules.currency, limits, &mut p));
    let membership = rules.membership.as_ref().map(|m| compile_membership(m, rules.currency, limits, &mut p));
    if let Some(m) = &membership {
        check_tier_references(rules, m, &mut p);
    }
    let points =
        rules.points.as_ref().map(|pc| compile_points(pc, membership.as_ref(), rules.currency, limits, &mut p));
    if let Some(r) = &rules.returns {
        super::check_returns(r, rules.currency, time_zone, limits, &mut p);
    }
    super::market::check_markets(rules, limits, &mut p);
    super::market_amounts::check_amounts_in(rules, limits.max_markets, &mut p);
    super::market_shipping::check_method_amounts_in(rules, limits.max_markets, &mut p);
    super::check_customs(rules, limits, &mut p);

    match (time_zone, p.is_empty()) {
        (Some(time_zone), true) => Ok(CompiledRules {
            id: rules.id.clone(),
            currency: rules.currency,
            time_zone,
            rounding: rules.rounding,
            tax,
            price_selection: rules.price_selection,
            price_lists,
            by_sku,
            by_category,
            promotions,
            shipping,
            membership,
            points,
            returns: rules.returns.clone(),
            customs: rules.customs.clone(),
        }),
        _ => Err(p.into_vec()),
    }
}

/// A `bonus_points` promotion multiplies the points a quote earns: in a
/// rule set that earns none (no `points.earning`) it would do nothing.
fn check_bonus_points(rules: &RuleSet, p: &mut Problems) {
    let (message, missing) = match &rules.points {
        None => ("a `bonus_points` promotion multiplies the points a quote earns, and this rule set has no `points` section: add one with `earning`", true),
        Some(points) => ("a `bonus_points` promotion multiplies the points a quote earns, and this rule set's `points` section has no `earning`", points.earning.is_none()),
    };
    if !missing {
        return;
    }
    let root = JsonPath::root();
    let promotions = root.field("promotions");
    for (i, promotion) in rules.promotions.iter().enumerate() {
        if matches!(promotion.benefit, Benefit::BonusPoints { .. }) {
            let at = promotions.index(i);
            p.add(ErrorCode::MissingField, &at.field("benefit"), message);
        }
    }
}

fn compile_tax(rules: &RuleSet, limits: &Limits, p: &mut Problems) -> CompiledTax {
    let root = JsonPath::root();
    let tax_path = root.field("tax");
    let classes_path = tax_path.field("classes");
    let tax = &rules.tax;
    p.count(tax.classes.len(), limits.max_tax_classes, &classes_path);
    let mut classes = super::FastMap::with_capacity_and_hasher(tax.classes.len(), Default::default());
    for (i, class) in tax.classes.iter().enumerate() {
        let at = classes_path.index(i);
        p.id(&class.id, limits.max_id_bytes, &at.field("id"));
        percent_in_range(class.rate_percent, &at.field("rate_percent"), p);
        let rate = class.rate_percent.fraction().unwrap_or_default();
        let compiled = CompiledTaxClass { id: class.id.as_str().into(), rate_percent: class.rate_percent, rate };
        if classes.insert(class.id.clone(), compiled).is_some() {
            p.add(ErrorCode::DuplicateId, &at.field("id"), format!("tax class `{}` is defined twice", class.id));
        }
    }
    if !classes.contains_key(&tax.default_class) {
        p.add(
            ErrorCode::UnknownReference,
            &tax_path.field("default_class"),
            format!("no tax class `{}` is defined", tax.default_class),
        );
    }
    CompiledTax {
        prices_include_tax: tax.prices_include_tax,
        calculation: tax.calculation,
        rounding: tax.rounding,
        classes,
        default_class: tax.default_class.as_str().into(),
    }
}

type PriceIndex = super::FastMap<String, Vec<(usize, usize)>>;

fn compile_price_lists(
    rules: &RuleSet,
    tz: MerchantTimeZone,
    limits: &Limits,
    p: &mut Problems,
) -> (Vec<CompiledPriceList>, PriceIndex, PriceIndex) {
    let root = JsonPath::root();
    let lists_path = root.field("price_lists");
    p.count(rules.price_lists.len(), limits.max_price_lists, &lists_path);
    let mut ids = HashSet::with_capacity(rules.price_lists.len());
    let mut by_sku = PriceIndex::default();
    let mut by_category = PriceIndex::default();
    let mut compiled = Vec::with_capacity(rules.price_lists.len());

    for (i, list) in rules.price_lists.iter().enumerate() {
        let at = lists_path.index(i);
        p.id(&list.id, limits.max_id_bytes, &at.field("id"));
        if !ids.insert(list.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &at.field("id"), format!("price list `{}` is defined twice", list.id));
        }
        labels(&list.customer_tiers, limits, &at.field("customer_tiers"), p);
        labels(&list.customer_segments, limits, &at.field("customer_segments"), p);
        let starts = list.starts_at.and_then(|b| b.as_start(tz));
        let ends = list.ends_at.and_then(|b| b.as_end(tz));
        if let (Some(s), Some(e)) = (starts, ends) {
            p.check(e <= s, ErrorCode::InvalidWindow, &at.field("ends_at"), "must be after starts_at");
        }
        let entries = compile_entries(list, rules.currency, limits, &at, p);
        for (j, entry) in list.prices.iter().enumerate() {
            if let Some(sku) = &entry.sku {
                by_sku.entry(sku.clone()).or_default().push((i, j));
            }
            if let Some(category) = &entry.category {
                by_category.entry(category.clone()).or_default().push((i, j));
            }
        }
        compiled.push(CompiledPriceList {
            id: list.id.clone(),
            kind: list.kind,
            customer_tiers: list.customer_tiers.clone(),
            customer_segments: list.customer_segments.clone(),
            starts,
            ends,
            entries,
        });
    }
    (compiled, by_sku, by_category)
}

fn compile_entries(
    list: &PriceList,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> Vec<CompiledEntry> {
    let prices_path = at.field("prices");
    let total_tiers = list.prices.iter().map(|e| e.tiers.len()).fold(list.prices.len(), usize::saturating_add);
    p.count(total_tiers, limits.max_price_entries, &prices_path);
    p.check(list.prices.is_empty(), ErrorCode::OutOfRange, &prices_path, "must have at least one price");
    let mut skus = HashSet::new();
    let mut categories = HashSet::new();
    let mut out = Vec::with_capacity(list.prices.len());
    for (j, entry) in list.prices.iter().enumerate() {
        let ep = prices_path.index(j);
        match (&entry.sku, &entry.category) {
            (Some(sku), None) => {
                p.id(sku, limits.max_id_bytes, &ep.field("sku"));
                if !skus.insert(sku.as_str()) {
                    p.add(
                        ErrorCode::DuplicateId,
                        &ep.field("sku"),
                        format!("SKU `{sku}` is priced twice in this list"),
                    );
                }
            }
            (None, Some(category)) => {
                p.id(category, limits.max_id_bytes, &ep.field("category"));
                if !categories.insert(category.as_str()) {
                    p.add(
                        ErrorCode::DuplicateId,
                        &ep.field("category"),
                        format!("category `{category}` is priced twice in this list"),
                    );
                }
            }
            _ => p.add(ErrorCode::ConflictingFields, &ep, "give exactly one of `sku` or `category`"),
        }
        out.push(compile_entry(entry, currency, &ep, p));
    }
    out
}

fn compile_entry(entry: &PriceEntry, currency: Currency, ep: &JsonPath<'_>, p: &mut Problems) -> CompiledEntry {
    let base = price_spec(entry.unit_price, entry.percent_of_list, currency, ep, p, false);
    p.check(
        base.is_none() && entry.tiers.is_empty() && entry.unit_price.is_none() && entry.percent_of_list.is_none(),
        ErrorCode::MissingField,
        ep,
        "give `unit_price`, `percent_of_list` or `tiers`",
    );
    let tiers_path = ep.field("tiers");
    let mut tiers = Vec::with_capacity(entry.tiers.len());
    let mut previous: Option<u32> = None;
    for (k, tier) in entry.tiers.iter().enumerate() {
        let tp = tiers_path.index(k);
        if tier.min_qty < 1 {
            p.add(ErrorCode::OutOfRange, &tp.field("min_qty"), "must be >= 1");
        } else if previous.is_some_and(|prev| tier.min_qty <= prev) {
            p.add(ErrorCode::OutOfRange, &tp.field("min_qty"), "must be greater than the previous tier's min_qty");
        }
        previous = Some(tier.min_qty);
        if let Some(spec) = price_spec(tier.unit_price, tier.percent_of_list, currency, &tp, p, true) {
            tiers.push((tier.min_qty, spec));
        }
    }
    CompiledEntry { base, tiers }
}

/// One of a fixed price or a percentage of the list price.
fn price_spec(
    unit_price: Option<Amount>,
    percent: Option<Percent>,
    currency: Currency,
    at: &JsonPath<'_>,
    p: &mut Problems,
    required: bool,
) -> Option<PriceSpec> {
    match (unit_price, percent) {
        (Some(price), None) => {
            amount_valid(price, currency, &at.field("unit_price"), p);
            Some(PriceSpec::Fixed(price.value()))
        }
        (None, Some(pct)) => {
            percent_in_range(pct, &at.field("percent_of_list"), p);
            Some(PriceSpec::FractionOfList(pct.fraction().unwrap_or_default()))
        }
        (Some(_), Some(_)) => {
            p.add(ErrorCode::ConflictingFields, at, "give `unit_price` or `percent_of_list`, not both");
            None
        }
        (None, None) => {
            p.check(required, ErrorCode::MissingField, at, "give `unit_price` or `percent_of_list`");
            None
        }
    }
}

/// A non-negative amount with no more digits than the currency's minor units.
pub(crate) fn amount_valid(amount: Amount, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) {
    let v = amount.value();
    if v.is_sign_negative() && !v.is_zero() {
        p.add(ErrorCode::OutOfRange, at, "must be >= 0");
    } else if v.normalize().scale() > currency.minor_units() {
        p.add(
            ErrorCode::TooPrecise,
            at,
            format!("{currency} amounts have at most {} decimal places", currency.minor_units()),
        );
    }
}

fn percent_in_range(pct: Percent, at: &JsonPath<'_>, p: &mut Problems) {
    let v = pct.value();
    p.check(v < Decimal::ZERO || v > Decimal::ONE_HUNDRED, ErrorCode::OutOfRange, at, "must be between 0 and 100");
}

/// Checks a list of labels (tiers, segments, tags): its length and each label.
pub(crate) fn labels(list: &[String], limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) {
    p.count(list.len(), limits.max_labels, at);
    for (i, label) in list.iter().enumerate() {
        p.id(label, limits.max_id_bytes, &at.index(i));
    }
}
