//! Markets: countries answered in their own currency, at a rate the rule
//! set states, with the market's price rule. See `docs/markets.md`.
//!
//! Each market's rules are *derived* from the base rule set (every money
//! amount converted at the market's rate, price-list prices by the price
//! rule) and compiled like any rule set, so the quote pipeline runs
//! unchanged in the market's currency.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::market_amounts::{class_of, convert_onto, fixed_amounts, strip_amounts_in, AmountClass};
use super::{AmountRounding, CompiledRules, JsonPath, Problems, RuleSet, Terms};
use crate::money::{Amount, Currency, DecimalString, MoneyError, PriceDirection, PriceGrid};
use crate::{ErrorCode, Limits, Problem};

/// The largest rate a market may state (units of its currency per unit of the base currency).
pub const MAX_MARKET_RATE: u32 = 1_000_000;

/// A market: a set of countries answered in one currency.
///
/// ```
/// use commerce_rules::rules::Market;
/// let m: Market = serde_json::from_str(r#"{
///     "id": "us", "countries": ["US"], "currency": "USD", "locale": "en-US",
///     "rate": "0.1380", "price_adjustment_percent": "5",
///     "price_rounding": {"step": "1", "ending": "0.99", "direction": "up"}
/// }"#).unwrap();
/// assert_eq!(m.currency.code(), "USD");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Unique id, named by requests (`market`) and answers.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 countries (`DE`, `FR`); a destination in one of
    /// them picks this market. No country is in two markets.
    pub countries: Vec<String>,
    /// The currency the market is answered in.
    pub currency: Currency,
    /// The market's locale (BCP 47, `de-DE`), echoed in answers for the host's formatting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Units of the market's currency per 1 unit of the rule set's currency
    /// (`"0.1380"` USD per CNY); required unless the market is in the rule
    /// set's currency. Over 0, at most 1,000,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<DecimalString>,
    /// Added to converted prices, in percent (`"5"`: 5 % more; `"-10"`: 10 %
    /// less), over -100 and at most 1,000; default 0. Prices only: not
    /// discounts, thresholds or shipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_adjustment_percent: Option<DecimalString>,
    /// How converted prices are rounded; default to the nearest minor unit.
    #[serde(default)]
    pub price_rounding: PriceRounding,
    /// Fixed unit prices in the market's currency (a price list for the
    /// market); a SKU listed here is not converted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prices: Vec<MarketPrice>,
    /// How converted promotion and free-shipping thresholds and discounts
    /// are rounded; absent: to the nearest minor unit, like every other
    /// converted amount. Amounts a rule fixes for the market's currency
    /// (`amounts_in`) are used as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_rounding: Option<AmountRounding>,
    /// Who pays duties and import taxes on quotes in this market: `ddp`
    /// (collected at checkout) or `dap` (an estimate paid on delivery),
    /// overriding every customs destination's `terms`; absent: each
    /// destination's own (`docs/landed.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duties: Option<Terms>,
}

/// A market's price rounding: converted prices go to the nearest (or next,
/// or previous) price of the form `k × step + ending`.
///
/// `{"step": "1", "ending": "0.99", "direction": "up"}` rounds up to .99;
/// `{"step": "1"}` gives whole units (JPY, KRW); `{"step": "0.05"}` is
/// Swiss cash rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceRounding {
    /// The distance between allowed prices; default the currency's minor unit.
    /// Over 0, in whole minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<DecimalString>,
    /// What every allowed price ends with (`"0.99"`), at least 0 and under
    /// `step`, in whole minor units; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending: Option<DecimalString>,
    /// `nearest` (default; halfway goes up), `up` or `down`.
    #[serde(default)]
    pub direction: PriceDirection,
}

/// A fixed unit price of a SKU in a market's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketPrice {
    /// The SKU.
    pub sku: String,
    /// Its unit price in the market's currency, replacing the converted list price.
    pub unit_price: Amount,
}

/// A market ready to answer: its price rule and its own compiled rules.
#[derive(Debug)]
pub(crate) struct CompiledMarket {
    pub(crate) id: String,
    pub(crate) countries: Vec<String>,
    pub(crate) locale: Option<String>,
    pub(crate) base_currency: Currency,
    pub(crate) price_rule: PriceRule,
    /// Fixed unit prices by SKU.
    pub(crate) prices: super::FastMap<String, Decimal>,
    /// The base rule set in the market's currency.
    pub(crate) rules: CompiledRules,
    /// Where each rule's amounts come from in this market, by rule name
    /// (`promotion:ID`, `free_shipping:ID`, `shipping_method:ZONE:ID`).
    pub(crate) provenance: super::FastMap<String, Provenance>,
}

/// Where a rule's money amounts come from in a market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Provenance {
    /// An `amounts_in` entry for the market's currency states them.
    pub(crate) fixed: bool,
    /// Converted thresholds of the rule went onto the market's `amount_rounding` grid.
    pub(crate) thresholds_rounded: bool,
    /// Converted discounts of the rule went onto the market's `amount_rounding` grid.
    pub(crate) discounts_rounded: bool,
}

/// How a base price becomes a market price: `grid(base × rate × factor)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PriceRule {
    pub(crate) currency: Currency,
    /// Units of the market's currency per unit of the base currency.
    pub(crate) rate: Decimal,
    /// The adjustment in percent, as stated.
    pub(crate) adjustment_percent: Decimal,
    pub(crate) grid: PriceGrid,
    /// The grid of converted promotion and free-shipping thresholds, when the market rounds them.
    pub(crate) thresholds: Option<PriceGrid>,
    /// The grid of converted promotion discounts, when the market rounds them.
    pub(crate) discounts: Option<PriceGrid>,
}

impl PriceRule {
    /// A base unit price in the market's currency.
    pub(crate) fn price(&self, base: Decimal) -> Result<Decimal, MoneyError> {
        let factor = Decimal::ONE_HUNDRED
            .checked_add(self.adjustment_percent)
            .and_then(|f| f.checked_div(Decimal::ONE_HUNDRED))
            .ok_or(MoneyError::Overflow)?;
        let raw = base.checked_mul(self.rate).and_then(|x| x.checked_mul(factor)).ok_or(MoneyError::Overflow)?;
        self.grid.apply(raw)
    }

    /// Any other amount (a discount, a threshold, a fee) in the market's
    /// currency: converted at the rate, rounded half-up to minor units.
    pub(crate) fn amount(&self, base: Decimal) -> Result<Decimal, MoneyError> {
        crate::money::convert(base, self.rate, self.currency, crate::money::RoundingMode::HalfUp).map(|m| m.amount())
    }

    /// The amount at `path` of the rule set in the market's currency: a
    /// threshold or a discount onto its grid when the market rounds that
    /// class, else as [`PriceRule::amount`].
    pub(crate) fn amount_at(&self, path: &str, base: Decimal) -> Result<Decimal, MoneyError> {
        let grid = match class_of(path) {
            Some(AmountClass::Threshold) => self.thresholds,
            Some(AmountClass::Discount) => self.discounts,
            None => None,
        };
        match grid {
            Some(g) => convert_onto(base, self.rate, g, self.currency),
            None => self.amount(base),
        }
    }
}

/// Checks the `markets` section; every problem goes to `p`.
pub(crate) fn check_markets(rules: &RuleSet, limits: &Limits, p: &mut Problems) {
    let root = JsonPath::root();
    let markets_at = root.field("markets");
    p.count(rules.markets.len(), limits.max_markets, &markets_at);
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, m) in rules.markets.iter().enumerate() {
        let at = markets_at.index(i);
        p.id(&m.id, limits.max_id_bytes, &at.field("id"));
        if let Some(first) = ids.insert(m.id.as_str(), i) {
            p.add(ErrorCode::DuplicateId, &at.field("id"), format!("market id `{}` is also markets[{first}]'s", m.id));
        }
        let countries_at = at.field("countries");
        p.check(m.countries.is_empty(), ErrorCode::MissingField, &countries_at, "name at least one country");
        p.count(m.countries.len(), limits.max_labels.max(300), &countries_at);
        for (j, c) in m.countries.iter().enumerate() {
            let c_at = countries_at.index(j);
            if !super::is_country(c) {
                p.add(
                    ErrorCode::InvalidValue,
                    &c_at,
                    format!("`{c}` is not an ISO 3166-1 alpha-2 country code (upper case, such as `DE`)"),
                );
            } else if let Some(other) = owner.insert(c.as_str(), m.id.as_str()) {
                let message = if other == m.id {
                    format!("`{c}` is listed twice in market `{other}`")
                } else {
                    format!("markets overlap: `{c}` is in market `{other}` and in market `{}`", m.id)
                };
                p.add(ErrorCode::ConflictingFields, &c_at, message);
            }
        }
        if let Some(locale) = &m.locale {
            let ok = !locale.is_empty()
                && locale.len() <= 35
                && locale.split('-').all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()));
            p.check(!ok, ErrorCode::InvalidValue, &at.field("locale"), "must be a BCP 47 tag such as `de-DE`");
        }
        let rate_at = at.field("rate");
        match m.rate.map(DecimalString::value) {
            None if m.currency != rules.currency => p.add(
                ErrorCode::MissingField,
                &rate_at,
                format!(
                    "market `{}` is in {} and the rule set in {}: give `rate`, the {} for 1 {}",
                    m.id, m.currency, rules.currency, m.currency, rules.currency
                ),
            ),
            None => {}
            Some(r) if r <= Decimal::ZERO || r > Decimal::from(MAX_MARKET_RATE) => {
                p.add(ErrorCode::OutOfRange, &rate_at, format!("must be over 0 and at most {MAX_MARKET_RATE}"))
            }
            Some(r) if m.currency == rules.currency && r != Decimal::ONE => p.add(
                ErrorCode::OutOfRange,
                &rate_at,
                format!("market `{}` is in the rule set's currency {}: its rate is 1", m.id, m.currency),
            ),
            Some(_) => {}
        }
        if let Some(adj) = m.price_adjustment_percent.map(DecimalString::value) {
            p.check(
                adj <= Decimal::from(-100) || adj > Decimal::from(1000),
                ErrorCode::OutOfRange,
                &at.field("price_adjustment_percent"),
                "must be over -100 and at most 1000",
            );
        }
        check_rounding(&m.price_rounding, m.currency, &at.field("price_rounding"), p);
        if let Some(r) = &m.amount_rounding {
            let r_at = at.field("amount_rounding");
            if let Some(t) = &r.thresholds {
                check_rounding(t, m.currency, &r_at.field("thresholds"), p);
            }
            if let Some(d) = &r.discounts {
                check_rounding(d, m.currency, &r_at.field("discounts"), p);
            }
        }
        let prices_at = at.field("prices");
        p.count(m.prices.len(), limits.max_price_entries, &prices_at);
        let mut skus: HashMap<&str, usize> = HashMap::new();
        for (j, price) in m.prices.iter().enumerate() {
            let e_at = prices_at.index(j);
            p.id(&price.sku, limits.max_id_bytes, &e_at.field("sku"));
            if let Some(first) = skus.insert(price.sku.as_str(), j) {
                p.add(
                    ErrorCode::DuplicateId,
                    &e_at.field("sku"),
                    format!("SKU `{}` is also prices[{first}]'s", price.sku),
                );
            }
            super::amount_valid(price.unit_price, m.currency, &e_at.field("unit_price"), p);
        }
    }
}

fn check_rounding(r: &PriceRounding, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) {
    let minor = currency.minor_units();
    let whole_minor = |d: Decimal| d.normalize().scale() <= minor;
    let step = r.step.map(DecimalString::value);
    if let Some(s) = step {
        if s <= Decimal::ZERO {
            p.add(ErrorCode::OutOfRange, &at.field("step"), "must be over 0");
        } else if !whole_minor(s) {
            p.add(
                ErrorCode::TooPrecise,
                &at.field("step"),
                format!("{currency} amounts have at most {minor} decimal places"),
            );
        }
    }
    if let Some(e) = r.ending.map(DecimalString::value) {
        let step = step.unwrap_or(Decimal::new(1, minor));
        if e < Decimal::ZERO || e >= step {
            p.add(
                ErrorCode::OutOfRange,
                &at.field("ending"),
                format!("must be at least 0 and under the step ({step})"),
            );
        } else if !whole_minor(e) {
            p.add(
                ErrorCode::TooPrecise,
                &at.field("ending"),
                format!("{currency} amounts have at most {minor} decimal places"),
            );
        }
    }
}

/// The price rule of a (checked) market, at `rate` (the market's own, or a receipt's).
pub(crate) fn price_rule(m: &Market, rate: Decimal) -> PriceRule {
    let minor = PriceGrid::minor_units(m.currency);
    let grid = |r: &PriceRounding| PriceGrid {
        step: r.step.map_or(minor.step, DecimalString::value),
        ending: r.ending.map_or(Decimal::ZERO, DecimalString::value),
        direction: r.direction,
    };
    let amounts = m.amount_rounding.unwrap_or_default();
    PriceRule {
        currency: m.currency,
        rate,
        adjustment_percent: m.price_adjustment_percent.map_or(Decimal::ZERO, DecimalString::value),
        grid: grid(&m.price_rounding),
        thresholds: amounts.thresholds.as_ref().map(grid),
        discounts: amounts.discounts.as_ref().map(grid),
    }
}

/// The market's rate as stated (1 for a market in the base currency).
fn stated_rate(m: &Market) -> Decimal {
    m.rate.map_or(Decimal::ONE, DecimalString::value)
}

/// Compiles every market of a rule set already checked by `compile`.
pub(crate) fn compile_markets(rules: &RuleSet, limits: &Limits) -> Result<Vec<CompiledMarket>, Vec<Problem>> {
    let mut out = Vec::with_capacity(rules.markets.len());
    for (i, m) in rules.markets.iter().enumerate() {
        out.push(compile_market(rules, i, m, stated_rate(m), limits)?);
    }
    Ok(out)
}

/// Compiles market `i` of `rules` at `rate`.
pub(crate) fn compile_market(
    rules: &RuleSet,
    i: usize,
    m: &Market,
    rate: Decimal,
    limits: &Limits,
) -> Result<CompiledMarket, Vec<Problem>> {
    let rule = price_rule(m, rate);
    let at = format!("markets[{i}]");
    let Derived { rules: derived, fixed, rounded } = derive(rules, &rule, m.duties).map_err(|(path, e)| {
        vec![Problem::new(
            ErrorCode::ArithmeticOverflow,
            format!("{at}.rate"),
            format!("converting `{path}` into {} at this rate: {e}", m.currency),
        )]
    })?;
    // A problem of the derived rules is reported where the amount comes
    // from: the `amounts_in` entry that fixes it, the market's
    // `amount_rounding` that rounded it, else the market's rate.
    let source_of = |path: &str| -> (String, &str) {
        if let Some(entry) = fixed.get(path) {
            return (entry.clone(), "");
        }
        match class_of(path) {
            Some(AmountClass::Threshold) if rule.thresholds.is_some() => {
                (format!("{at}.amount_rounding.thresholds"), " after rounding")
            }
            Some(AmountClass::Discount) if rule.discounts.is_some() => {
                (format!("{at}.amount_rounding.discounts"), " after rounding")
            }
            _ => (format!("{at}.rate"), ""),
        }
    };
    let compiled = super::compile(&derived, limits).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| {
                let (source, note) = source_of(&p.path);
                Problem::new(p.code, source, format!("in {}{note}, `{}`: {}", m.currency, p.path, p.message))
            })
            .collect::<Vec<_>>()
    })?;
    let provenance = provenance(rules, m.currency, &rounded);
    Ok(CompiledMarket {
        provenance,
        id: m.id.clone(),
        countries: m.countries.clone(),
        locale: m.locale.clone(),
        base_currency: rules.currency,
        price_rule: rule,
        prices: m.prices.iter().map(|p| (p.sku.clone(), p.unit_price.value())).collect(),
        rules: compiled,
    })
}

/// A market's rule set, and where its fixed amounts come from.
struct Derived {
    rules: RuleSet,
    /// For each amount an `amounts_in` entry fixed: its path in the derived
    /// rule set, and the entry's path in the rule set.
    fixed: HashMap<String, String>,
    /// For each rule (`promotions[3]`, `shipping.free_shipping[0]`) with an
    /// amount rounded onto a grid: (thresholds rounded, discounts rounded).
    rounded: HashMap<String, (bool, bool)>,
}

/// The rule an amount's path belongs to: `promotions[3]`, `shipping.free_shipping[0]`.
fn rule_of(path: &str) -> Option<&str> {
    if !path.starts_with("promotions[") && !path.starts_with("shipping.free_shipping[") {
        return None;
    }
    path.find(']').map(|end| &path[..=end])
}

/// Where each rule's amounts come from in a market in `currency`, by the
/// rule's name in answers.
fn provenance(
    rules: &RuleSet,
    currency: Currency,
    rounded: &HashMap<String, (bool, bool)>,
) -> super::FastMap<String, Provenance> {
    let code = currency.code();
    let of = |fixed: bool, path: String| {
        let (t, d) = if fixed { (false, false) } else { rounded.get(&path).copied().unwrap_or_default() };
        Provenance { fixed, thresholds_rounded: t, discounts_rounded: d }
    };
    let mut out = super::FastMap::default();
    for (i, p) in rules.promotions.iter().enumerate() {
        out.insert(format!("promotion:{}", p.id), of(p.amounts_in.contains_key(code), format!("promotions[{i}]")));
    }
    if let Some(shipping) = &rules.shipping {
        for (j, r) in shipping.free_shipping.iter().enumerate() {
            let path = format!("shipping.free_shipping[{j}]");
            out.insert(format!("free_shipping:{}", r.id), of(r.amounts_in.contains_key(code), path));
        }
        for zone in &shipping.zones {
            for m in &zone.methods {
                let fixed = m.amounts_in.contains_key(code);
                out.insert(format!("shipping_method:{}:{}", zone.id, m.id), of(fixed, String::new()));
            }
        }
    }
    out
}

/// The base rule set in the market's currency: every `Amount` converted
/// (price lists by the price rule, promotion and free-shipping thresholds
/// and discounts by the market's `amount_rounding`, anything else at the
/// rate), then the amounts rules fix for the market's currency
/// (`amounts_in`) put in as written; points earned per unit of the
/// market's currency, and no redemption when the currency differs (points
/// are worth a whole number of points per unit of the base currency only);
/// every customs destination's `terms` set to the market's `duties` when it
/// states them.
/// On failure, the path of the amount and why.
fn derive(rules: &RuleSet, rule: &PriceRule, duties: Option<Terms>) -> Result<Derived, (String, String)> {
    let internal = |e: String| (String::new(), e);
    let mut base = rules.clone();
    base.markets.clear();
    strip_amounts_in(&mut base);
    let text = serde_json::to_string(&base).map_err(|e| internal(e.to_string()))?;
    let mut value: Value = serde_json::from_str(&text).map_err(|e| internal(e.to_string()))?;
    let schema: Value = serde_json::from_str(crate::json::shape::RULE_SET).map_err(|e| internal(e.to_string()))?;
    let mut failure = None;
    let mut rounded: HashMap<String, (bool, bool)> = HashMap::new();
    crate::json::shape::each_of_type(&schema, &mut value, "Amount", &mut |path, v| {
        if failure.is_some() {
            return;
        }
        let Some(d) = v.as_str().and_then(|s| crate::money::parse_decimal(s).ok()) else { return };
        if let Some(r) = rule_of(path) {
            match class_of(path) {
                Some(AmountClass::Threshold) if rule.thresholds.is_some() => {
                    rounded.entry(r.to_string()).or_default().0 = true
                }
                Some(AmountClass::Discount) if rule.discounts.is_some() => {
                    rounded.entry(r.to_string()).or_default().1 = true
                }
                _ => {}
            }
        }
        let converted = if path.starts_with("price_lists[") { rule.price(d) } else { rule.amount_at(path, d) };
        match converted {
            Ok(c) => *v = Value::String(c.to_string()),
            Err(e) => failure = Some((path.to_string(), e.to_string())),
        }
    });
    if let Some(f) = failure {
        return Err(f);
    }
    let mut fixed = HashMap::new();
    for (path, pointer, amount, entry) in fixed_amounts(rules, rule.currency) {
        let slot = value.pointer_mut(&pointer).ok_or_else(|| (path.clone(), "no such amount".to_string()))?;
        *slot = Value::String(amount.to_string());
        fixed.insert(path, entry);
    }
    if let Value::Object(map) = &mut value {
        map.insert("currency".to_string(), Value::String(rule.currency.code().to_string()));
    }
    let text = value.to_string();
    let mut derived: RuleSet = crate::json::parse_prepared(&text).map_err(|p| (p.path, p.message))?;
    if let Some(customs) = &mut derived.customs {
        // Thresholds stay in each destination's currency; its rate becomes
        // units of that currency per unit of the market's.
        for d in &mut customs.destinations {
            let currency = *d.currency.get_or_insert(rules.currency);
            // Without its own rate, a destination in another currency takes
            // the rate of the market in that currency that covers it.
            let market_rate = || {
                rules
                    .markets
                    .iter()
                    .find(|m| m.currency == currency && m.countries.iter().any(|c| d.countries.contains(c)))
                    .and_then(|m| m.rate.map(DecimalString::value))
            };
            let base_rate = match d.rate {
                Some(r) => Some(r.value()),
                None if currency == rules.currency => Some(Decimal::ONE),
                None => market_rate(),
            };
            if let Some(terms) = duties {
                // The market's terms take precedence over the destination's.
                d.terms = terms;
            }
            d.rate = if currency == rule.currency {
                None
            } else {
                base_rate.and_then(|r| r.checked_div(rule.rate)).map(|r| DecimalString(r.round_dp(12).normalize()))
            };
        }
    }
    if rule.currency != rules.currency {
        if let Some(points) = &mut derived.points {
            if let Some(earning) = &mut points.earning {
                // Points per unit of the market's currency: the base rate over the exchange rate.
                let convert = |r: &DecimalString, path: String| {
                    r.value()
                        .checked_div(rule.rate)
                        .map(|per_unit| DecimalString(per_unit.round_dp(12).normalize()))
                        .ok_or((path, "out of range".to_string()))
                };
                if let Some(rate) = &earning.rate {
                    earning.rate = Some(convert(rate, "points.earning.rate".to_string())?);
                }
                for (i, t) in earning.tier_rates.iter_mut().enumerate() {
                    t.rate = convert(&t.rate, format!("points.earning.tier_rates[{i}].rate"))?;
                }
            }
            points.redemption = None;
        }
    }
    Ok(Derived { rules: derived, fixed, rounded })
}
