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
}

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
        let price = match m.prices.get(&line.sku) {
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

/// What the answer records about market `m`.
pub(crate) fn record(m: &CompiledMarket) -> MarketAnswer {
    let adjustment = m.price_rule.adjustment_percent;
    MarketAnswer {
        id: m.id.clone(),
        currency: m.price_rule.currency,
        base_currency: m.base_currency,
        rate: DecimalString(m.price_rule.rate),
        price_adjustment_percent: (adjustment != Decimal::ZERO).then_some(DecimalString(adjustment)),
        locale: m.locale.clone(),
    }
}
