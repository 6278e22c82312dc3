//! The `customs` section: what a destination charges on import (duty,
//! import VAT/GST, consumption tax, fees), its de minimis and low-value
//! regimes, China's cross-border retail import tax, and who pays (DDP or
//! DAP). See `docs/landed.md`.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{JsonPath, Problems, RuleSet};
use crate::money::{Amount, Currency, DecimalString, Percent};
use crate::{ErrorCode, Limits};

/// Duties and import taxes per destination.
///
/// ```
/// use commerce_rules::rules::CustomsConfig;
/// let c: CustomsConfig = serde_json::from_str(r#"{"destinations": [
///     {"id": "de", "countries": ["DE"], "currency": "EUR", "import_vat_percent": "19",
///      "low_value": {"up_to": "150.00", "scheme": "ioss"}}
/// ]}"#).unwrap();
/// assert_eq!(c.destinations[0].countries, ["DE"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomsConfig {
    /// The destinations; a country is in one destination at most. A quote
    /// to a country no destination lists has no landed cost.
    pub destinations: Vec<CustomsDestination>,
}

/// What one destination (one or more countries with one customs regime) charges on import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomsDestination {
    /// Unique id, named in answers (`customs:ID`).
    pub id: String,
    /// ISO 3166-1 alpha-2 codes, upper case.
    pub countries: Vec<String>,
    /// The currency the thresholds and limits are stated in (EUR for the
    /// EU's 150, GBP for the UK's 135); default the rule set's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Units of `currency` per 1 unit of the rule set's currency, to compare
    /// a quote with the thresholds; required when `currency` is not the rule
    /// set's, unless every country of the destination is in a market in
    /// `currency`. Over 0, at most 1,000,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<DecimalString>,
    /// Who pays duties and import taxes: `dap` (default; an estimate the
    /// shopper pays on delivery) or `ddp` (collected at checkout).
    #[serde(default)]
    pub terms: Terms,
    /// What the dutiable value includes besides the goods.
    #[serde(default)]
    pub dutiable_value: DutiableValue,
    /// Import VAT / GST in percent (0 to 100), on the dutiable value plus
    /// duty and consumption tax; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_vat_percent: Option<Percent>,
    /// Duty in percent when no `duty_rates` entry matches; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_duty_percent: Option<Percent>,
    /// Duty rates by HS-code prefix or category, optionally by origin.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duty_rates: Vec<TariffRate>,
    /// Consumption (excise) tax rates by HS-code prefix or category; a line no entry matches has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumption_rates: Vec<TariffRate>,
    /// How consumption tax is computed; default `composite` (China's).
    #[serde(default)]
    pub consumption_base: ConsumptionBase,
    /// Whether consumption (excise) tax counts in the import-VAT base
    /// (value + duty + consumption tax, as the EU's art. 86 and China's
    /// rules have it); default true. `false`: VAT on value + duty.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub consumption_in_vat_base: bool,
    /// No duty, or no import tax, on goods worth at most these amounts (in `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub de_minimis: Option<DeMinimis>,
    /// A low-value regime (EU IOSS, UK 135, Australia's GST on low-value
    /// imports): up to the threshold, VAT at `import_vat_percent` is
    /// collected at checkout and no duty is due; above it, duty and import
    /// VAT at the border.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_value: Option<LowValue>,
    /// China's cross-border e-commerce retail import tax (跨境电商综合税).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cbec: Option<Cbec>,
    /// Fees charged on import (clearance, brokerage), in the rule set's
    /// currency; due with the border duties and taxes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<CustomsFee>,
}

/// Delivered duty paid or delivered at place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Terms {
    /// Duties and taxes are an estimate the shopper pays on delivery; not in the grand total.
    #[default]
    Dap,
    /// Duties and taxes are collected at checkout and in the grand total.
    Ddp,
}

unit_enum!(Terms { Dap = "dap", Ddp = "ddp" });

/// What the dutiable value includes besides the goods (the lines after discounts, tax excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DutiableValue {
    /// The shipping charged (after shipping discounts); default true (CIF).
    #[serde(default = "yes")]
    pub shipping: bool,
    /// Insurance counted at this percent of the goods (0 to 100); default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_percent: Option<Percent>,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

impl Default for DutiableValue {
    fn default() -> Self {
        DutiableValue { shipping: true, insurance_percent: None }
    }
}

/// A duty or consumption-tax rate for the lines it matches.
///
/// A line matches by HS-code prefix (`hs_prefix`, the longest matching
/// prefix wins) or by category; an entry naming origins applies to those
/// countries of origin only and wins over one that names none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffRate {
    /// Digits an HS code starts with (`"0902"`, `"610910"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_prefix: Option<String>,
    /// A category of the line (`categories`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Countries of origin it applies to; empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
    /// The ad valorem rate in percent (0 to 1000 for duty, under 100 for
    /// consumption tax); absent: none. Give `percent`, `per_unit` or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<Percent>,
    /// A specific amount per unit of the line (an excise of 2.50 per
    /// bottle or pack), in the destination's `currency`, converted into the
    /// quote's currency at the destination's rate; charged besides
    /// `percent` at the border (regimes `border` and `general_trade`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_unit: Option<DecimalString>,
}

/// How consumption tax is computed on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsumptionBase {
    /// China's composite assessable price: `(value + duty) / (1 - rate) × rate`.
    #[default]
    Composite,
    /// `(value + duty) × rate`.
    ValueAndDuty,
}

unit_enum!(ConsumptionBase { Composite = "composite", ValueAndDuty = "value_and_duty" });

/// De minimis thresholds, in the destination's currency, compared with the goods' value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeMinimis {
    /// No duty when the goods are worth at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty_up_to: Option<DecimalString>,
    /// No import tax (VAT, consumption tax) when the goods are worth at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_up_to: Option<DecimalString>,
}

/// A low-value regime: VAT collected at checkout up to `up_to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LowValue {
    /// The threshold in the destination's currency, compared with the goods' value (EUR 150, GBP 135, AUD 1000).
    pub up_to: DecimalString,
    /// The regime's name, echoed in answers (`ioss`, `uk_low_value`, `au_lvg`).
    pub scheme: String,
}

/// China's cross-border e-commerce retail import tax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cbec {
    /// The most one order's dutiable value may be, in the destination's currency (5000).
    pub transaction_limit: DecimalString,
    /// The most a person may buy in a year, in the destination's currency
    /// (26000); the request sends what is used (`customs.annual_used`).
    pub annual_limit: DecimalString,
    /// The share of the statutory VAT and consumption tax levied, in percent; default 70.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levy_percent: Option<Percent>,
    /// Past a limit: `general_trade` (default; duty, VAT and consumption tax in full) or `refuse`.
    #[serde(default)]
    pub over_limit: CbecOverLimit,
    /// Days after delivery within which a return refunds the tax and gives
    /// the annual amount back; default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_days: Option<u32>,
}

/// What happens to an order past a CBEC limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CbecOverLimit {
    /// Taxed as general trade: duty, import VAT and consumption tax in full.
    #[default]
    GeneralTrade,
    /// The order is refused, with the reason.
    Refuse,
}

unit_enum!(CbecOverLimit { GeneralTrade = "general_trade", Refuse = "refuse" });

/// A fee charged on import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomsFee {
    /// Unique within the destination; named in answers (`customs_fee:ID`).
    pub id: String,
    /// The fee, in the rule set's currency.
    pub amount: Amount,
    /// Charged only when duty or import tax is due at the border; default true.
    #[serde(default = "yes")]
    pub border_only: bool,
}

/// The largest destination rate.
pub const MAX_CUSTOMS_RATE: u32 = 1_000_000;

/// Checks the `customs` section; every problem goes to `p`.
pub(crate) fn check_customs(rules: &RuleSet, limits: &Limits, p: &mut Problems) {
    let Some(customs) = &rules.customs else { return };
    let root = JsonPath::root();
    let section = root.field("customs");
    let dests_at = section.field("destinations");
    p.count(customs.destinations.len(), limits.max_shipping_zones, &dests_at);
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, d) in customs.destinations.iter().enumerate() {
        let at = dests_at.index(i);
        p.id(&d.id, limits.max_id_bytes, &at.field("id"));
        if let Some(first) = ids.insert(d.id.as_str(), i) {
            p.add(
                ErrorCode::DuplicateId,
                &at.field("id"),
                format!("destination id `{}` is also destinations[{first}]'s", d.id),
            );
        }
        let countries_at = at.field("countries");
        p.check(d.countries.is_empty(), ErrorCode::MissingField, &countries_at, "name at least one country");
        p.count(d.countries.len(), limits.max_labels.max(300), &countries_at);
        for (j, c) in d.countries.iter().enumerate() {
            let c_at = countries_at.index(j);
            if !super::is_country(c) {
                p.add(
                    ErrorCode::InvalidValue,
                    &c_at,
                    format!("`{c}` is not an ISO 3166-1 alpha-2 country code (upper case, such as `DE`)"),
                );
            } else if let Some(other) = owner.insert(c.as_str(), d.id.as_str()) {
                p.add(
                    ErrorCode::ConflictingFields,
                    &c_at,
                    format!("destinations overlap: `{c}` is in destination `{other}` and in destination `{}`", d.id),
                );
            }
        }
        let currency = d.currency.unwrap_or(rules.currency);
        check_rate(rules, d, currency, &at, p);
        if let Some(ins) = d.dutiable_value.insurance_percent {
            percent(ins, 100, &at.field("dutiable_value").field("insurance_percent"), p);
        }
        if let Some(vat) = d.import_vat_percent {
            percent(vat, 100, &at.field("import_vat_percent"), p);
        }
        if let Some(duty) = d.default_duty_percent {
            percent(duty, 1000, &at.field("default_duty_percent"), p);
        }
        tariff(&d.duty_rates, 1000, currency, limits, &at.field("duty_rates"), p);
        tariff(&d.consumption_rates, 99, currency, limits, &at.field("consumption_rates"), p);
        if let Some(dm) = &d.de_minimis {
            let dm_at = at.field("de_minimis");
            threshold(dm.duty_up_to, currency, &dm_at.field("duty_up_to"), p);
            threshold(dm.tax_up_to, currency, &dm_at.field("tax_up_to"), p);
        }
        if let Some(lv) = &d.low_value {
            let lv_at = at.field("low_value");
            threshold(Some(lv.up_to), currency, &lv_at.field("up_to"), p);
            p.id(&lv.scheme, limits.max_id_bytes, &lv_at.field("scheme"));
            p.check(
                d.cbec.is_some(),
                ErrorCode::ConflictingFields,
                &lv_at,
                "a destination has a low-value regime or `cbec`, not both",
            );
        }
        if let Some(cbec) = &d.cbec {
            let cb_at = at.field("cbec");
            threshold(Some(cbec.transaction_limit), currency, &cb_at.field("transaction_limit"), p);
            threshold(Some(cbec.annual_limit), currency, &cb_at.field("annual_limit"), p);
            if let Some(levy) = cbec.levy_percent {
                percent(levy, 100, &cb_at.field("levy_percent"), p);
            }
        }
        let fees_at = at.field("fees");
        p.count(d.fees.len(), limits.max_labels, &fees_at);
        let mut fee_ids: HashMap<&str, usize> = HashMap::new();
        for (j, fee) in d.fees.iter().enumerate() {
            let f_at = fees_at.index(j);
            p.id(&fee.id, limits.max_id_bytes, &f_at.field("id"));
            if let Some(first) = fee_ids.insert(fee.id.as_str(), j) {
                p.add(ErrorCode::DuplicateId, &f_at.field("id"), format!("fee `{}` is also fees[{first}]'s", fee.id));
            }
            super::amount_valid(fee.amount, rules.currency, &f_at.field("amount"), p);
        }
    }
}

fn check_rate(rules: &RuleSet, d: &CustomsDestination, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) {
    let rate_at = at.field("rate");
    match d.rate.map(DecimalString::value) {
        None if currency != rules.currency => {
            // Fine when every country is answered by a market in the destination's currency.
            let covered = d
                .countries
                .iter()
                .all(|c| rules.markets.iter().any(|m| m.currency == currency && m.countries.iter().any(|x| x == c)));
            if !covered {
                p.add(
                    ErrorCode::MissingField,
                    &rate_at,
                    format!(
                        "destination `{}` states its thresholds in {currency} and the rule set is in {}: give `rate`, the {currency} for 1 {} (or a market in {currency} for each of its countries)",
                        d.id, rules.currency, rules.currency
                    ),
                );
            }
        }
        None => {}
        Some(r) if r <= Decimal::ZERO || r > Decimal::from(MAX_CUSTOMS_RATE) => {
            p.add(ErrorCode::OutOfRange, &rate_at, format!("must be over 0 and at most {MAX_CUSTOMS_RATE}"))
        }
        Some(r) if currency == rules.currency && r != Decimal::ONE => p.add(
            ErrorCode::OutOfRange,
            &rate_at,
            format!(
                "destination `{}` states its thresholds in the rule set's currency {currency}: its rate is 1",
                d.id
            ),
        ),
        Some(_) => {}
    }
}

fn percent(pct: Percent, max: u32, at: &JsonPath<'_>, p: &mut Problems) {
    let v = pct.value();
    if v < Decimal::ZERO || v > Decimal::from(max) {
        p.add(ErrorCode::OutOfRange, at, format!("must be between 0 and {max}"));
    }
}

/// A threshold is checked as any amount: at least 0, in the currency's minor units.
fn threshold(t: Option<DecimalString>, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) {
    if let Some(v) = t {
        super::amount_valid(crate::money::Amount(v.value()), currency, at, p);
    }
}

/// What a tariff entry applies to: HS prefix, category, sorted origins.
type TariffKey<'a> = (Option<&'a str>, Option<&'a str>, Vec<&'a str>);

fn tariff(rates: &[TariffRate], max: u32, currency: Currency, limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) {
    p.count(rates.len(), limits.max_price_entries, at);
    let mut keys: HashMap<TariffKey<'_>, usize> = HashMap::new();
    for (i, r) in rates.iter().enumerate() {
        let r_at = at.index(i);
        match (&r.hs_prefix, &r.category) {
            (Some(hs), None) => {
                let ok = !hs.is_empty() && hs.len() <= 10 && hs.bytes().all(|b| b.is_ascii_digit());
                p.check(!ok, ErrorCode::InvalidValue, &r_at.field("hs_prefix"), "must be 1 to 10 digits");
            }
            (None, Some(c)) => p.id(c, limits.max_id_bytes, &r_at.field("category")),
            _ => p.add(ErrorCode::ConflictingFields, &r_at, "give exactly one of `hs_prefix` or `category`"),
        }
        for (j, o) in r.origins.iter().enumerate() {
            p.check(
                !super::is_country(o),
                ErrorCode::InvalidValue,
                &r_at.field("origins").index(j),
                "must be an ISO 3166-1 alpha-2 country code (upper case)",
            );
        }
        match (r.percent, r.per_unit) {
            (None, None) => p.add(
                ErrorCode::MissingField,
                &r_at.field("percent"),
                "give `percent` (ad valorem), `per_unit` (a specific amount per unit) or both",
            ),
            (pct, per_unit) => {
                if let Some(pct) = pct {
                    percent(pct, max, &r_at.field("percent"), p);
                }
                threshold(per_unit, currency, &r_at.field("per_unit"), p);
            }
        }
        let mut origins: Vec<&str> = r.origins.iter().map(String::as_str).collect();
        crate::sort::sort(&mut origins);
        if let Some(first) = keys.insert((r.hs_prefix.as_deref(), r.category.as_deref(), origins), i) {
            p.add(ErrorCode::DuplicateId, &r_at, format!("the same goods and origins as entry [{first}]"));
        }
    }
}
