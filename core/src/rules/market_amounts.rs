//! Promotion and free-shipping amounts in a market's currency (issue 18,
//! item 3). See `docs/markets.md`, "Promotion and shipping amounts".
//!
//! Two ways, stated in the rule set:
//! - **converted** at the market's rate, rounded to the minor unit (the
//!   default) or, with the market's `amount_rounding`, thresholds and
//!   discounts each onto their own grid (whole units, 5.00...);
//! - **fixed** per currency on the rule itself (`amounts_in`), used exactly
//!   as written, overriding the conversion.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Benefit, FreeShippingRule, PriceRounding, Problems, Promotion, RuleSet, SpendTier};
use crate::money::{Amount, Currency, Money, MoneyError, PriceGrid, RoundingMode};
use crate::ErrorCode;

/// How a market rounds the converted thresholds and discounts of promotions
/// and free-shipping rules. A class not given is rounded to the nearest
/// minor unit (halfway up), as every other converted amount.
///
/// ```
/// use commerce_rules::rules::AmountRounding;
/// let r: AmountRounding = serde_json::from_str(r#"{
///     "thresholds": {"step": "5", "direction": "up"},
///     "discounts": {"step": "1", "direction": "down"}
/// }"#).unwrap();
/// assert!(r.thresholds.is_some());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountRounding {
    /// The grid of converted thresholds: a spend tier's `min_spend`, an
    /// `every_spend`'s `every`, every `min_subtotal` (conditions, cart
    /// conditions, free-shipping rules), `min_unit_price` and
    /// `max_unit_price`. A positive threshold never rounds to zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<PriceRounding>,
    /// The grid of converted discounts: a tier's or an `every_spend`'s
    /// `discount`, an `amount_off`'s `amount`, every `max_discount`. A
    /// positive discount never rounds to zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discounts: Option<PriceRounding>,
}

/// A promotion's money amounts in one market currency, used as written
/// instead of converting them. An entry states every amount the promotion
/// has among these fields, and no other.
///
/// ```
/// use commerce_rules::rules::PromotionAmounts;
/// let a: PromotionAmounts = serde_json::from_str(
///     r#"{"tiers": [{"min_spend": "40.00", "discount": "5.00"}]}"#).unwrap();
/// assert_eq!(a.tiers.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionAmounts {
    /// A `spend_tiers` benefit's tiers, one per tier of the benefit, in its order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<SpendTier>,
    /// An `every_spend` benefit's `every`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Amount>,
    /// An `every_spend` benefit's `discount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Amount>,
    /// A `percent_off` or `every_spend` benefit's `max_discount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_discount: Option<Amount>,
    /// An `amount_off` benefit's `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// A `fixed_price` benefit's `unit_price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Amount>,
    /// A `bundle_price` benefit's `price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Amount>,
    /// A `gift` benefit's `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Amount>,
    /// The promotion's `conditions.min_subtotal.amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_subtotal: Option<Amount>,
    /// The promotion's `items.min_unit_price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_unit_price: Option<Amount>,
    /// The promotion's `items.max_unit_price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unit_price: Option<Amount>,
}

/// A free-shipping rule's money amounts in one market currency, used as
/// written instead of converting them. An entry states every amount the
/// rule has among these fields, and no other.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreeShippingAmounts {
    /// The rule's `min_subtotal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_subtotal: Option<Amount>,
    /// The rule's `hint_within`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_within: Option<Amount>,
}

/// One amount of a rule that an `amounts_in` entry states: its key in the
/// entry (`tiers[1].min_spend`) and its path in the rule (`benefit.tiers[1].min_spend`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Slot {
    key: String,
    path: String,
}

impl Slot {
    pub(super) fn new(key: impl Into<String>, path: impl Into<String>) -> Slot {
        Slot { key: key.into(), path: path.into() }
    }

    /// Its key in the entry.
    pub(super) fn key(&self) -> &str {
        &self.key
    }

    /// The JSON pointer of the amount under the rule (`/benefit/tiers/1/min_spend`).
    pub(super) fn pointer(&self) -> String {
        let mut out = String::new();
        for part in self.path.split('.') {
            match part.split_once('[') {
                Some((name, index)) => {
                    out.push('/');
                    out.push_str(name);
                    out.push('/');
                    out.push_str(index.trim_end_matches(']'));
                }
                None => {
                    out.push('/');
                    out.push_str(part);
                }
            }
        }
        out
    }
}

/// The amounts of promotion `p` an `amounts_in` entry states.
fn promotion_slots(p: &Promotion) -> Vec<Slot> {
    let mut out = Vec::new();
    match &p.benefit {
        Benefit::PercentOff { max_discount: Some(_), .. } => {
            out.push(Slot::new("max_discount", "benefit.max_discount"))
        }
        Benefit::AmountOff { .. } => out.push(Slot::new("amount", "benefit.amount")),
        Benefit::FixedPrice { .. } => out.push(Slot::new("unit_price", "benefit.unit_price")),
        Benefit::SpendTiers { tiers } => {
            for k in 0..tiers.len() {
                for f in ["min_spend", "discount"] {
                    out.push(Slot::new(format!("tiers[{k}].{f}"), format!("benefit.tiers[{k}].{f}")));
                }
            }
        }
        Benefit::EverySpend { max_discount, .. } => {
            out.push(Slot::new("every", "benefit.every"));
            out.push(Slot::new("discount", "benefit.discount"));
            if max_discount.is_some() {
                out.push(Slot::new("max_discount", "benefit.max_discount"));
            }
        }
        Benefit::BundlePrice { .. } => out.push(Slot::new("price", "benefit.price")),
        Benefit::Gift { .. } => out.push(Slot::new("value", "benefit.value")),
        _ => {}
    }
    if p.conditions.min_subtotal.is_some() {
        out.push(Slot::new("min_subtotal", "conditions.min_subtotal.amount"));
    }
    if p.items.min_unit_price.is_some() {
        out.push(Slot::new("min_unit_price", "items.min_unit_price"));
    }
    if p.items.max_unit_price.is_some() {
        out.push(Slot::new("max_unit_price", "items.max_unit_price"));
    }
    out
}

/// What an entry gives, by key, in field order.
fn promotion_given(e: &PromotionAmounts) -> Vec<(String, Amount)> {
    let mut out = Vec::new();
    for (k, t) in e.tiers.iter().enumerate() {
        out.push((format!("tiers[{k}].min_spend"), t.min_spend));
        out.push((format!("tiers[{k}].discount"), t.discount));
    }
    let fields = [
        ("every", e.every),
        ("discount", e.discount),
        ("max_discount", e.max_discount),
        ("amount", e.amount),
        ("unit_price", e.unit_price),
        ("price", e.price),
        ("value", e.value),
        ("min_subtotal", e.min_subtotal),
        ("min_unit_price", e.min_unit_price),
        ("max_unit_price", e.max_unit_price),
    ];
    out.extend(fields.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))));
    out
}

fn free_shipping_slots(r: &FreeShippingRule) -> Vec<Slot> {
    let mut out = Vec::new();
    if r.min_subtotal.is_some() {
        out.push(Slot::new("min_subtotal", "min_subtotal"));
    }
    if r.hint_within.is_some() {
        out.push(Slot::new("hint_within", "hint_within"));
    }
    out
}

fn free_shipping_given(e: &FreeShippingAmounts) -> Vec<(String, Amount)> {
    [("min_subtotal", e.min_subtotal), ("hint_within", e.hint_within)]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect()
}

/// Checks every `amounts_in` of the rule set (promotions and free-shipping
/// rules): the currency (known, a market's, not the rule set's own), the
/// fields (every amount the rule has, no other) and each amount's form.
/// Whether the amounts make sense together (a discount over its threshold,
/// tiers no longer ascending) is checked when each market's rules are
/// compiled, at the entry's path.
pub(crate) fn check_amounts_in(rules: &RuleSet, max_entries: usize, p: &mut Problems) {
    let market_currencies: BTreeSet<Currency> = crate::sort::set_of(rules.markets.iter().map(|m| m.currency));
    for (i, promo) in rules.promotions.iter().enumerate() {
        if promo.amounts_in.is_empty() {
            continue;
        }
        let at = format!("promotions[{i}].amounts_in");
        p.count_at(promo.amounts_in.len(), max_entries, &at);
        let slots = promotion_slots(promo);
        let tier_count = match &promo.benefit {
            Benefit::SpendTiers { tiers } => Some(tiers.len()),
            _ => None,
        };
        if slots.is_empty() {
            p.add_at(
                ErrorCode::ConflictingFields,
                &at,
                "this promotion has no money amount to state per currency (`amounts_in` is for its thresholds, discounts and prices)",
            );
            continue;
        }
        for (code, entry) in &promo.amounts_in {
            let e_at = format!("{at}.{code}");
            let Some(currency) = entry_currency(code, rules, &market_currencies, &e_at, p) else { continue };
            if let Some(n) = tier_count {
                if entry.tiers.len() != n {
                    p.add_at(
                        ErrorCode::ConflictingFields,
                        &format!("{e_at}.tiers"),
                        format!("give one tier per tier of the benefit ({n}), in the same order"),
                    );
                }
            }
            let skip_tiers = tier_count.is_some_and(|n| entry.tiers.len() != n);
            let keep = |k: &str| !(skip_tiers && k.starts_with("tiers["));
            let slots: Vec<Slot> = slots.iter().filter(|s| keep(&s.key)).cloned().collect();
            let given: Vec<(String, Amount)> = promotion_given(entry).into_iter().filter(|(k, _)| keep(k)).collect();
            check_entry(currency, &slots, &given, &e_at, "promotion", p);
        }
    }
    let Some(shipping) = &rules.shipping else { return };
    for (j, rule) in shipping.free_shipping.iter().enumerate() {
        if rule.amounts_in.is_empty() {
            continue;
        }
        let at = format!("shipping.free_shipping[{j}].amounts_in");
        p.count_at(rule.amounts_in.len(), max_entries, &at);
        let slots = free_shipping_slots(rule);
        if slots.is_empty() {
            p.add_at(
                ErrorCode::ConflictingFields,
                &at,
                "this rule has no `min_subtotal` or `hint_within` to state per currency",
            );
            continue;
        }
        for (code, entry) in &rule.amounts_in {
            let e_at = format!("{at}.{code}");
            let Some(currency) = entry_currency(code, rules, &market_currencies, &e_at, p) else { continue };
            check_entry(currency, &slots, &free_shipping_given(entry), &e_at, "rule", p);
        }
    }
}

/// The currency an `amounts_in` key names, when it is one of a market's.
pub(super) fn entry_currency(
    code: &str,
    rules: &RuleSet,
    markets: &BTreeSet<Currency>,
    at: &str,
    p: &mut Problems,
) -> Option<Currency> {
    let Ok(currency) = code.parse::<Currency>() else {
        p.add_at(ErrorCode::InvalidValue, at, format!("`{code}` is not an ISO 4217 currency code the engine knows"));
        return None;
    };
    if currency == rules.currency {
        p.add_at(
            ErrorCode::ConflictingFields,
            at,
            format!("the rule's own amounts are in the rule set's currency {currency}: state them on the rule"),
        );
        return None;
    }
    if !markets.contains(&currency) {
        let used: Vec<&str> = markets.iter().map(|c| c.code()).collect();
        let message = match used.as_slice() {
            [] => format!("no market is in {currency}: the rule set has no markets"),
            _ => format!("no market is in {currency} (markets are in {})", used.join(", ")),
        };
        p.add_at(ErrorCode::UnknownReference, at, message);
        return None;
    }
    Some(currency)
}

pub(super) fn check_entry(
    currency: Currency,
    slots: &[Slot],
    given: &[(String, Amount)],
    at: &str,
    what: &str,
    p: &mut Problems,
) {
    let given_keys: BTreeSet<&str> = crate::sort::set_of(given.iter().map(|(k, _)| k.as_str()));
    let slot_keys: BTreeSet<&str> = crate::sort::set_of(slots.iter().map(|s| s.key.as_str()));
    for s in slots {
        if !given_keys.contains(s.key.as_str()) {
            p.add_at(
                ErrorCode::MissingField,
                &format!("{at}.{}", s.key),
                format!(
                    "the {what} has `{}`: give it in {currency} too (an entry states every amount of the {what})",
                    s.path
                ),
            );
        }
    }
    let has_tiers = slot_keys.iter().any(|k| k.starts_with("tiers["));
    let mut told_tiers = false;
    for (key, amount) in given {
        let k_at = format!("{at}.{key}");
        if !slot_keys.contains(key.as_str()) {
            if !key.starts_with("tiers[") || has_tiers {
                p.add_at(ErrorCode::ConflictingFields, &k_at, format!("the {what} has no amount `{key}` to state"));
            } else if !told_tiers {
                told_tiers = true;
                p.add_at(
                    ErrorCode::ConflictingFields,
                    &format!("{at}.tiers"),
                    format!("the {what}'s benefit is not `spend_tiers`: it has no tiers to state"),
                );
            }
            continue;
        }
        let v = amount.value();
        if v.is_sign_negative() && !v.is_zero() {
            p.add_at(ErrorCode::OutOfRange, &k_at, "must be >= 0");
        } else if v.normalize().scale() > currency.minor_units() {
            p.add_at(
                ErrorCode::TooPrecise,
                &k_at,
                format!("{currency} amounts have at most {} decimal places", currency.minor_units()),
            );
        }
    }
}

/// Which rounding class a converted amount belongs to, by its path in the
/// rule set: only promotions' and free-shipping rules' amounts have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountClass {
    /// Compared against what the cart comes to.
    Threshold,
    /// Taken off.
    Discount,
}

/// The class of the amount at `path`, or `None` when it is converted to
/// the minor unit whatever the market's `amount_rounding` (prices, gift
/// values, budgets, shipping prices and fees, hint distances).
pub(crate) fn class_of(path: &str) -> Option<AmountClass> {
    let last = path.rsplit('.').next().unwrap_or(path);
    if path.starts_with("promotions[") {
        if path.ends_with("min_subtotal.amount") {
            return Some(AmountClass::Threshold);
        }
        return match last {
            "min_spend" | "every" | "min_unit_price" | "max_unit_price" => Some(AmountClass::Threshold),
            "discount" | "max_discount" => Some(AmountClass::Discount),
            "amount" if path.ends_with("benefit.amount") => Some(AmountClass::Discount),
            _ => None,
        };
    }
    if path.starts_with("shipping.free_shipping[") && last == "min_subtotal" {
        return Some(AmountClass::Threshold);
    }
    None
}

/// `base × rate` on `grid`, in whole minor units of `currency`. Rounded
/// once, on the exact product; a positive amount never becomes zero.
pub(crate) fn convert_onto(
    base: Decimal,
    rate: Decimal,
    grid: PriceGrid,
    currency: Currency,
) -> Result<Decimal, MoneyError> {
    let raw = base.checked_mul(rate).ok_or(MoneyError::Overflow)?;
    let on_grid = grid.apply(raw)?;
    let mut out = Money::new(on_grid, currency).round(RoundingMode::HalfUp).amount();
    out.rescale(currency.minor_units());
    Ok(out)
}

/// The fixed amounts of `rules` in `currency`: (path in the derived rule
/// set, JSON pointer there, the amount, the path of the `amounts_in` entry
/// that states it).
pub(crate) fn fixed_amounts(rules: &RuleSet, currency: Currency) -> Vec<(String, String, Amount, String)> {
    let code = currency.code();
    let mut out = Vec::new();
    for (i, promo) in rules.promotions.iter().enumerate() {
        let Some(entry) = promo.amounts_in.get(code) else { continue };
        let given: HashMap<String, Amount> = promotion_given(entry).into_iter().collect();
        for s in promotion_slots(promo) {
            if let Some(a) = given.get(&s.key) {
                out.push((
                    format!("promotions[{i}].{}", s.path),
                    format!("/promotions/{i}{}", s.pointer()),
                    *a,
                    format!("promotions[{i}].amounts_in.{code}.{}", s.key),
                ));
            }
        }
    }
    if let Some(shipping) = &rules.shipping {
        for (j, rule) in shipping.free_shipping.iter().enumerate() {
            let Some(entry) = rule.amounts_in.get(code) else { continue };
            let given: HashMap<String, Amount> = free_shipping_given(entry).into_iter().collect();
            for s in free_shipping_slots(rule) {
                if let Some(a) = given.get(&s.key) {
                    out.push((
                        format!("shipping.free_shipping[{j}].{}", s.path),
                        format!("/shipping/free_shipping/{j}{}", s.pointer()),
                        *a,
                        format!("shipping.free_shipping[{j}].amounts_in.{code}.{}", s.key),
                    ));
                }
            }
        }
    }
    out.extend(super::market_shipping::fixed_method_amounts(rules, currency));
    out
}

/// Removes every `amounts_in` (a derived rule set is in one currency and has no markets).
pub(crate) fn strip_amounts_in(rules: &mut RuleSet) {
    for promo in &mut rules.promotions {
        promo.amounts_in = BTreeMap::new();
    }
    if let Some(shipping) = &mut rules.shipping {
        for rule in &mut shipping.free_shipping {
            rule.amounts_in = BTreeMap::new();
        }
    }
    super::market_shipping::strip_method_amounts_in(rules);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_path() {
        let t = Some(AmountClass::Threshold);
        let d = Some(AmountClass::Discount);
        assert_eq!(class_of("promotions[0].benefit.tiers[1].min_spend"), t);
        assert_eq!(class_of("promotions[0].benefit.tiers[1].discount"), d);
        assert_eq!(class_of("promotions[2].benefit.amount"), d);
        assert_eq!(class_of("promotions[2].benefit.every"), t);
        assert_eq!(class_of("promotions[2].benefit.max_discount"), d);
        assert_eq!(class_of("promotions[2].conditions.any[0].min_subtotal.amount"), t);
        assert_eq!(class_of("promotions[2].conditions.cart_contains[0].min_subtotal.amount"), t);
        assert_eq!(class_of("promotions[2].items.min_unit_price"), t);
        assert_eq!(class_of("promotions[2].benefit.unit_price"), None);
        assert_eq!(class_of("promotions[2].benefit.value"), None);
        assert_eq!(class_of("promotions[2].limits.budget"), None);
        assert_eq!(class_of("shipping.free_shipping[0].min_subtotal"), t);
        assert_eq!(class_of("shipping.free_shipping[0].hint_within"), None);
        assert_eq!(class_of("shipping.zones[0].methods[0].conditions.min_order_value"), None);
        assert_eq!(class_of("returns.return_shipping_fee"), None);
    }

    #[test]
    fn pointers_follow_paths() {
        assert_eq!(Slot::new("k", "benefit.tiers[1].min_spend").pointer(), "/benefit/tiers/1/min_spend");
        assert_eq!(Slot::new("k", "conditions.min_subtotal.amount").pointer(), "/conditions/min_subtotal/amount");
    }

    #[test]
    fn rounding_never_reaches_zero() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let down5 = PriceGrid { step: d("5"), ending: d("0"), direction: crate::money::PriceDirection::Down };
        assert_eq!(convert_onto(d("10.00"), d("0.1380"), down5, Currency::USD).unwrap().to_string(), "5.00");
        assert_eq!(convert_onto(d("0"), d("0.1380"), down5, Currency::USD).unwrap(), Decimal::ZERO);
        let up5 = PriceGrid { step: d("5"), ending: d("0"), direction: crate::money::PriceDirection::Up };
        assert_eq!(convert_onto(d("300.00"), d("0.1380"), up5, Currency::USD).unwrap().to_string(), "45.00");
    }
}
