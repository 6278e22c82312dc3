//! Markets in a quote: which market answers, the request in the market's
//! currency (unit prices by the market's price rule, before any stage), and
//! what the answer records. See `docs/markets.md`.

use std::borrow::Cow;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::QuoteRequest;
use crate::error::money_error;
use crate::money::{Amount, Currency, DecimalString};
use crate::rules::{CompiledMarket, JsonPath, Problems};
use crate::{Error, ErrorCode};

/// The market a quote was answered in, and the rate used. The receipt
/// keeps it: refunds are in `currency`, at `rate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketAnswer {
    /// The market id.
    pub id: String,
    /// The currency of every amount of the answer.
    pub currency: Currency,
    /// The rule set's currency, in which the host sent list prices.
    pub base_currency: Currency,
    /// Units of `currency` per 1 unit of `base_currency`.
    pub rate: DecimalString,
    /// The adjustment added to converted prices, in percent, when the market has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_adjustment_percent: Option<DecimalString>,
    /// The market's locale, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Where the money amounts of the rules this quote applied come from
    /// in the market's currency: each applied promotion, the chosen
    /// shipping method and the free-shipping rule that discounted it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<AmountSource>,
}

/// Where one rule's money amounts come from in a market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountSource {
    /// The rule, named as adjustments name it: `promotion:ID`,
    /// `shipping_method:ID` (of the quote's zone), `free_shipping:ID`.
    pub rule: String,
    /// `fixed`, `rounded` or `converted`.
    pub source: AmountOrigin,
    /// For `rounded`: the classes of amounts put on the market's grids
    /// (`thresholds`, `discounts`); the rule's other amounts are converted
    /// to the minor unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rounded: Vec<RoundedClass>,
}

/// How a rule's amounts are obtained in a market's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmountOrigin {
    /// Stated for the market's currency on the rule (`amounts_in`), used as written.
    Fixed,
    /// Converted at the rate, then rounded onto the market's `amount_rounding` grid.
    Rounded,
    /// Converted at the rate, rounded half-up to the minor unit.
    Converted,
}

unit_enum!(AmountOrigin { Fixed = "fixed", Rounded = "rounded", Converted = "converted" });

/// A class of amounts a market's `amount_rounding` rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundedClass {
    /// Spend thresholds, minimum subtotals, unit-price filters.
    Thresholds,
    /// Discounts and discount caps.
    Discounts,
}

unit_enum!(RoundedClass { Thresholds = "thresholds", Discounts = "discounts" });

/// The market that answers `req`: the one it names, else the one whose
/// countries include its destination's; none when neither applies.
pub(crate) fn select<'m>(
    markets: &'m [CompiledMarket],
    req: &QuoteRequest,
) -> Result<Option<&'m CompiledMarket>, Error> {
    let country = req.destination.as_ref().map(|d| d.country.as_str());
    let Some(id) = &req.market else {
        return Ok(country.and_then(|c| markets.iter().find(|m| m.countries.iter().any(|x| x == c))));
    };
    let Some(m) = markets.iter().find(|m| &m.id == id) else {
        let known: Vec<&str> = markets.iter().map(|m| m.id.as_str()).collect();
        let message = match known.as_slice() {
            [] => format!("no market `{id}` is defined: the rule set has no markets"),
            _ => format!("no market `{id}` is defined (markets: {})", known.join(", ")),
        };
        return Err(Error::request(ErrorCode::UnknownReference, "market", message));
    };
    if let Some(c) = country.filter(|c| !m.countries.iter().any(|x| x == c)) {
        return Err(Error::request(
            ErrorCode::ConflictingFields,
            "market",
            format!("market `{id}` does not serve the destination's country `{c}`"),
        ));
    }
    Ok(Some(m))
}

/// `req` in market `m`'s currency: each line's unit price is the market's
/// fixed price for its SKU, else its base price by the market's price rule;
/// the budget spent of each usage counter is converted at the rate.
pub(crate) fn localize<'r>(req: &'r QuoteRequest, m: &CompiledMarket) -> Result<Cow<'r, QuoteRequest>, Error> {
    if let Some(c) = req.currency.filter(|c| *c != m.price_rule.currency) {
        let message = format!("market `{}` is answered in {}, not {c}", m.id, m.price_rule.currency);
        return Err(Error::request(ErrorCode::CurrencyMismatch, "currency", message));
    }
    let mut p = Problems::new(1);
    let root = JsonPath::root();
    let lines_at = root.field("lines");
    for (i, line) in req.lines.iter().enumerate() {
        let at = lines_at.index(i);
        crate::rules::amount_valid(line.unit_price, m.base_currency, &at.field("unit_price"), &mut p);
        if !p.is_empty() {
            break;
        }
    }
    if let Some(problem) = p.into_vec().into_iter().next() {
        return Err(Error::InvalidRequest(problem));
    }
    let mut out = req.clone();
    for (i, line) in out.lines.iter_mut().enumerate() {
        let price = match m.prices.get(&*line.sku) {
            Some(fixed) => *fixed,
            None => m
                .price_rule
                .price(line.unit_price.value())
                .map_err(|e| money_error(e, &format!("lines[{i}].unit_price")))?,
        };
        line.unit_price = Amount::from(price);
    }
    for (i, usage) in out.usage.iter_mut().enumerate() {
        if let Some(spent) = &mut usage.budget_spent {
            let converted =
                m.price_rule.amount(spent.value()).map_err(|e| money_error(e, &format!("usage[{i}].budget_spent")))?;
            *spent = Amount::from(converted);
        }
    }
    Ok(Cow::Owned(out))
}

/// What the answer records about market `m`, for `answer`.
pub(crate) fn record(m: &CompiledMarket, answer: &super::QuoteAnswer) -> MarketAnswer {
    let adjustment = m.price_rule.adjustment_percent;
    MarketAnswer {
        id: m.id.clone(),
        currency: m.price_rule.currency,
        base_currency: m.base_currency,
        rate: DecimalString(m.price_rule.rate),
        price_adjustment_percent: (adjustment != Decimal::ZERO).then_some(DecimalString(adjustment)),
        locale: m.locale.clone(),
        amounts: amounts(m, answer),
    }
}

/// The rules `answer` applied, in answer order (promotions, the chosen
/// shipping method, its free-shipping rule), with where their amounts
/// come from.
fn amounts(m: &CompiledMarket, answer: &super::QuoteAnswer) -> Vec<AmountSource> {
    let mut applied: Vec<(String, String)> =
        answer.promotions.iter().map(|p| (format!("promotion:{}", p.id), format!("promotion:{}", p.id))).collect();
    if let Some(s) = &answer.shipping {
        if let (Some(zone), Some(method)) = (&s.zone_id, &s.chosen_method) {
            applied.push((format!("shipping_method:{method}"), format!("shipping_method:{zone}:{method}")));
            let chosen = s.options.iter().find(|o| o.chosen);
            if let Some(rule) = chosen.and_then(|o| o.discount_rule.as_ref()) {
                if rule.starts_with("free_shipping:") {
                    applied.push((rule.clone(), rule.clone()));
                }
            }
        }
    }
    let mut out: Vec<AmountSource> = Vec::with_capacity(applied.len());
    for (name, key) in applied {
        let Some(p) = m.provenance.get(&key) else { continue };
        if out.iter().any(|a| a.rule == name) {
            continue;
        }
        let mut rounded = Vec::new();
        if p.thresholds_rounded {
            rounded.push(RoundedClass::Thresholds);
        }
        if p.discounts_rounded {
            rounded.push(RoundedClass::Discounts);
        }
        let source = match (p.fixed, rounded.is_empty()) {
            (true, _) => AmountOrigin::Fixed,
            (false, false) => AmountOrigin::Rounded,
            (false, true) => AmountOrigin::Converted,
        };
        out.push(AmountSource { rule: name, source, rounded });
    }
    out
}
