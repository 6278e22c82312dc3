//! Shipping methods' money amounts fixed per market currency (issue 18,
//! item 3): a method's `amounts_in` states its rates, brackets, surcharges
//! and condition amounts in a market's currency, used there exactly as
//! written at any rate. See `docs/markets.md`, "Shipping amounts".
//!
//! An entry mirrors the method's priced fields (`rate`, `template_rates`,
//! `surcharges`, `conditions`), keeping only their money fields, every one
//! required: a method is never half fixed and half converted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::market_amounts::{check_entry, entry_currency, Slot};
use super::{Problems, RateModel, RuleSet, ShippingMethod};
use crate::money::{Amount, Currency};
use crate::ErrorCode;

/// A shipping method's money amounts in one market currency, used as
/// written instead of converting them. It mirrors the method's priced
/// fields with their money amounts only; every amount the method has is
/// required, and no other.
///
/// ```
/// use commerce_rules::rules::MethodAmounts;
/// let a: MethodAmounts = serde_json::from_str(r#"{
///     "rate": {"brackets": [{"price": "5.99"}, {"price": "9.99"}]},
///     "surcharges": [{"amount": "2.00"}],
///     "conditions": {"max_order_value": "500.00"}
/// }"#).unwrap();
/// assert_eq!(a.rate.unwrap().brackets.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodAmounts {
    /// The amounts of the method's `rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<RateAmounts>,
    /// One per entry of the method's `template_rates`, in its order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub template_rates: Vec<TemplateRateAmounts>,
    /// One per surcharge of the method, in its order: its `amount`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub surcharges: Vec<SurchargeAmounts>,
    /// The method's `conditions.min_order_value` and `max_order_value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<ConditionAmounts>,
}

/// The money amounts of a rate model (the fields its `type` has).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateAmounts {
    /// `flat` and `per_item`: the price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Amount>,
    /// `first_additional` and `first_additional_pieces`: the first price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_price: Option<Amount>,
    /// `first_additional` and `first_additional_pieces`: each further step's price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_price: Option<Amount>,
    /// `flexible`: the first unit's price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_item: Option<Amount>,
    /// `flexible`: every other unit's price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_item: Option<Amount>,
    /// `percent_of_value`: the lowest fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_fee: Option<Amount>,
    /// `percent_of_value`: the highest fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fee: Option<Amount>,
    /// `weight_brackets` and `value_brackets`: one per bracket, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brackets: Vec<BracketAmounts>,
}

/// A bracket's money amounts: its `price`, and a value bracket's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BracketAmounts {
    /// A value bracket's lowest parcel value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Amount>,
    /// The bracket's price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Amount>,
}

/// A template rate's money amounts: the template (as the method names it
/// at this position) and its rate's amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRateAmounts {
    /// The template id, the same as the method's at this position.
    pub template: String,
    /// The amounts of the template's rate.
    #[serde(default)]
    pub rate: RateAmounts,
}

/// A surcharge's money amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SurchargeAmounts {
    /// The charge (per parcel, order or unit, as the surcharge says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
}

/// A method's condition amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionAmounts {
    /// The lowest order value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_order_value: Option<Amount>,
    /// The highest order value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_order_value: Option<Amount>,
}

/// The amounts of rate `r` under `prefix` (`rate`, `template_rates[0].rate`).
fn rate_slots(prefix: &str, r: &RateModel, out: &mut Vec<Slot>) {
    let mut put = |k: String| out.push(Slot::new(k.clone(), k));
    match r {
        RateModel::Flat { .. } | RateModel::PerItem { .. } => put(format!("{prefix}.price")),
        RateModel::FirstAdditional { .. } | RateModel::FirstAdditionalPieces { .. } => {
            put(format!("{prefix}.first_price"));
            put(format!("{prefix}.additional_price"));
        }
        RateModel::Flexible { .. } => {
            put(format!("{prefix}.first_item"));
            put(format!("{prefix}.additional_item"));
        }
        RateModel::PercentOfValue { min_fee, max_fee, .. } => {
            if min_fee.is_some() {
                put(format!("{prefix}.min_fee"));
            }
            if max_fee.is_some() {
                put(format!("{prefix}.max_fee"));
            }
        }
        RateModel::WeightBrackets { brackets } => {
            for k in 0..brackets.len() {
                put(format!("{prefix}.brackets[{k}].price"));
            }
        }
        RateModel::ValueBrackets { brackets } => {
            for k in 0..brackets.len() {
                put(format!("{prefix}.brackets[{k}].from"));
                put(format!("{prefix}.brackets[{k}].price"));
            }
        }
    }
}

fn bracket_count(r: &RateModel) -> usize {
    match r {
        RateModel::WeightBrackets { brackets } => brackets.len(),
        RateModel::ValueBrackets { brackets } => brackets.len(),
        _ => 0,
    }
}

/// The amounts of method `m` an `amounts_in` entry states; each key is its
/// path under the method (`rate.brackets[1].price`).
fn method_slots(m: &ShippingMethod) -> Vec<Slot> {
    let mut out = Vec::new();
    rate_slots("rate", &m.rate, &mut out);
    for (k, t) in m.template_rates.iter().enumerate() {
        rate_slots(&format!("template_rates[{k}].rate"), &t.rate, &mut out);
    }
    for k in 0..m.surcharges.len() {
        out.push(Slot::new(format!("surcharges[{k}].amount"), format!("surcharges[{k}].amount")));
    }
    if let Some(c) = &m.conditions {
        for (f, v) in [("min_order_value", c.min_order_value), ("max_order_value", c.max_order_value)] {
            if v.is_some() {
                let k = format!("conditions.{f}");
                out.push(Slot::new(k.clone(), k));
            }
        }
    }
    out
}

fn rate_given(prefix: &str, r: &RateAmounts, out: &mut Vec<(String, Amount)>) {
    let fields = [
        ("price", r.price),
        ("first_price", r.first_price),
        ("additional_price", r.additional_price),
        ("first_item", r.first_item),
        ("additional_item", r.additional_item),
        ("min_fee", r.min_fee),
        ("max_fee", r.max_fee),
    ];
    out.extend(fields.into_iter().filter_map(|(k, v)| v.map(|v| (format!("{prefix}.{k}"), v))));
    for (k, b) in r.brackets.iter().enumerate() {
        for (f, v) in [("from", b.from), ("price", b.price)] {
            if let Some(v) = v {
                out.push((format!("{prefix}.brackets[{k}].{f}"), v));
            }
        }
    }
}

/// What an entry gives, by key, in field order.
fn method_given(e: &MethodAmounts) -> Vec<(String, Amount)> {
    let mut out = Vec::new();
    if let Some(r) = &e.rate {
        rate_given("rate", r, &mut out);
    }
    for (k, t) in e.template_rates.iter().enumerate() {
        rate_given(&format!("template_rates[{k}].rate"), &t.rate, &mut out);
    }
    for (k, s) in e.surcharges.iter().enumerate() {
        if let Some(a) = s.amount {
            out.push((format!("surcharges[{k}].amount"), a));
        }
    }
    if let Some(c) = &e.conditions {
        for (f, v) in [("min_order_value", c.min_order_value), ("max_order_value", c.max_order_value)] {
            if let Some(v) = v {
                out.push((format!("conditions.{f}"), v));
            }
        }
    }
    out
}

/// The lists of an entry whose length must be the method's: (key, the
/// method's length, the entry's length).
fn method_lists(m: &ShippingMethod, e: &MethodAmounts) -> Vec<(String, usize, usize)> {
    let given_brackets = |r: Option<&RateAmounts>| r.map_or(0, |r| r.brackets.len());
    let mut out = vec![
        ("rate.brackets".to_string(), bracket_count(&m.rate), given_brackets(e.rate.as_ref())),
        ("template_rates".to_string(), m.template_rates.len(), e.template_rates.len()),
        ("surcharges".to_string(), m.surcharges.len(), e.surcharges.len()),
    ];
    for (k, (t, g)) in m.template_rates.iter().zip(&e.template_rates).enumerate() {
        out.push((format!("template_rates[{k}].rate.brackets"), bracket_count(&t.rate), g.rate.brackets.len()));
    }
    out
}

/// Checks every shipping method's `amounts_in`: the currency (known, a
/// market's, not the rule set's own), the fields (every amount the method
/// has, no other, lists as long as the method's, templates in its order)
/// and each amount's form. Whether the amounts make sense together
/// (brackets still ascending, a price never falling as the weight grows)
/// is checked when each market's rules are compiled, at the entry's path.
pub(crate) fn check_method_amounts_in(rules: &RuleSet, max_entries: usize, p: &mut Problems) {
    let Some(shipping) = &rules.shipping else { return };
    let market_currencies: BTreeSet<Currency> = crate::sort::set_of(rules.markets.iter().map(|m| m.currency));
    for (z, zone) in shipping.zones.iter().enumerate() {
        for (j, m) in zone.methods.iter().enumerate() {
            if m.amounts_in.is_empty() {
                continue;
            }
            let at = format!("shipping.zones[{z}].methods[{j}].amounts_in");
            p.count_at(m.amounts_in.len(), max_entries, &at);
            let slots = method_slots(m);
            if slots.is_empty() {
                p.add_at(
                    ErrorCode::ConflictingFields,
                    &at,
                    "this method has no money amount to state per currency (`amounts_in` is for its rates, brackets, surcharges and order-value conditions)",
                );
                continue;
            }
            for (code, entry) in &m.amounts_in {
                let e_at = format!("{at}.{code}");
                let Some(currency) = entry_currency(code, rules, &market_currencies, &e_at, p) else { continue };
                let mut skipped: Vec<String> = Vec::new();
                for (key, want, got) in method_lists(m, entry) {
                    if want == got {
                        continue;
                    }
                    let message = match (want, got) {
                        (0, _) => format!("the method has no `{key}` to state"),
                        (n, 0) => format!(
                            "the method has `{key}` ({n}): give their amounts in {code} too, one entry each in the same order (an entry states every amount of the method)"
                        ),
                        (n, _) => format!("give one entry per entry of the method's `{key}` ({n}), in the same order"),
                    };
                    let code = if got == 0 { ErrorCode::MissingField } else { ErrorCode::ConflictingFields };
                    p.add_at(code, &format!("{e_at}.{key}"), message);
                    skipped.push(format!("{key}["));
                }
                for (k, (t, g)) in m.template_rates.iter().zip(&entry.template_rates).enumerate() {
                    if t.template != g.template {
                        p.add_at(
                            ErrorCode::ConflictingFields,
                            &format!("{e_at}.template_rates[{k}].template"),
                            format!(
                                "the method's template_rates[{k}] is `{}`: give the templates in its order",
                                t.template
                            ),
                        );
                    }
                }
                let keep = |k: &str| !skipped.iter().any(|s| k.starts_with(s.as_str()));
                let slots: Vec<Slot> = slots.iter().filter(|s| keep(s.key())).cloned().collect();
                let given: Vec<(String, Amount)> = method_given(entry).into_iter().filter(|(k, _)| keep(k)).collect();
                check_entry(currency, &slots, &given, &e_at, "method", p);
            }
        }
    }
}

/// The fixed shipping-method amounts of `rules` in `currency`: (path in the
/// derived rule set, JSON pointer there, the amount, the path of the
/// `amounts_in` entry that states it).
pub(crate) fn fixed_method_amounts(rules: &RuleSet, currency: Currency) -> Vec<(String, String, Amount, String)> {
    let code = currency.code();
    let mut out = Vec::new();
    let Some(shipping) = &rules.shipping else { return out };
    for (z, zone) in shipping.zones.iter().enumerate() {
        for (j, m) in zone.methods.iter().enumerate() {
            let Some(entry) = m.amounts_in.get(code) else { continue };
            let given: HashMap<String, Amount> = method_given(entry).into_iter().collect();
            for s in method_slots(m) {
                if let Some(a) = given.get(s.key()) {
                    out.push((
                        format!("shipping.zones[{z}].methods[{j}].{}", s.key()),
                        format!("/shipping/zones/{z}/methods/{j}{}", s.pointer()),
                        *a,
                        format!("shipping.zones[{z}].methods[{j}].amounts_in.{code}.{}", s.key()),
                    ));
                }
            }
        }
    }
    out
}

/// Removes every shipping method's `amounts_in`.
pub(crate) fn strip_method_amounts_in(rules: &mut RuleSet) {
    if let Some(shipping) = &mut rules.shipping {
        for zone in &mut shipping.zones {
            for m in &mut zone.methods {
                m.amounts_in = BTreeMap::new();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(json: &str) -> ShippingMethod {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn slots_mirror_the_priced_fields() {
        let m = method(
            r#"{"id": "std", "carrier": "c", "service": "standard", "transit_days": {"min": 1, "max": 2},
                "rate": {"type": "value_brackets", "brackets": [{"from": "0", "price": "9"}, {"from": "50", "price": "0"}]},
                "template_rates": [{"template": "bulky", "rate": {"type": "flat", "price": "20"}}],
                "surcharges": [{"type": "remote", "amount": "3"}],
                "conditions": {"max_order_value": "500"}}"#,
        );
        let keys: Vec<String> = method_slots(&m).iter().map(|s| s.key().to_string()).collect();
        assert_eq!(
            keys,
            [
                "rate.brackets[0].from",
                "rate.brackets[0].price",
                "rate.brackets[1].from",
                "rate.brackets[1].price",
                "template_rates[0].rate.price",
                "surcharges[0].amount",
                "conditions.max_order_value"
            ]
        );
        let s = &method_slots(&m)[4];
        assert_eq!(s.pointer(), "/template_rates/0/rate/price");
    }
}
