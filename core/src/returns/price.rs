//! The `price_protection` question (价保).

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::receipt::{self, settled, Receipt};
use super::records::check_earlier;
use super::refund::{deadline_after, past, ReturnRecord};
use super::{reason_text, ReturnReasonCode, ReturnReasonParams};
use crate::messages::Lang;
use crate::money::{Amount, Currency, Money};
use crate::rules::{CompiledRules, JsonPath};
use crate::time::LocalDate;
use crate::{Error, ErrorCode, Limits, Timestamp};

/// A price-protection claim: the receipt and today's prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceProtectionRequest {
    /// The moment of the claim.
    pub now: Timestamp,
    /// The language of default messages; default `en`.
    #[serde(default)]
    pub locale: Lang,
    /// The original quote answer.
    pub receipt: Receipt,
    /// When the order was placed.
    pub purchased_at: Timestamp,
    /// Today's unit prices, per SKU.
    pub prices: Vec<CurrentPrice>,
    /// Earlier returns of the order (returned units are not protected).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_returns: Vec<ReturnRecord>,
    /// Lines already claimed (each line is protected once).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_claims: Vec<String>,
}

/// Today's price of a SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrentPrice {
    /// The SKU.
    pub sku: String,
    /// Today's unit price.
    pub unit_price: Amount,
    /// Whether it is a flash-sale (秒杀) price.
    #[serde(default)]
    pub flash_sale: bool,
}

/// The answer to a price-protection claim.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PriceProtectionAnswer {
    /// The currency of every amount.
    pub currency: Currency,
    /// The last local day of protection; absent when none is offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<LocalDate>,
    /// Per receipt line, in line-id order.
    pub lines: Vec<PriceProtectionLine>,
    /// What is owed in all.
    pub total: Money,
    /// What the host records (send the claims in later `earlier_claims`).
    pub record: PriceProtectionRecord,
}

/// One line's protection.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PriceProtectionLine {
    /// The line id.
    pub line_id: String,
    /// The SKU.
    pub sku: String,
    /// Whether a difference is owed.
    pub owed: bool,
    /// Why not, when nothing is owed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReturnReasonCode>,
    /// The reason's parameters.
    pub params: ReturnReasonParams,
    /// A default message in the request's locale, when nothing is owed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The unit price paid (after the catalog stage).
    pub unit_price: Money,
    /// Today's unit price, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_unit_price: Option<Money>,
    /// The difference per unit, when owed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference_per_unit: Option<Money>,
    /// Units still held (not returned).
    pub units: u32,
    /// What is owed: the difference × units, at most what was paid for them.
    pub amount: Money,
    /// The rule: `returns.price_protection`.
    pub rule: String,
}

/// What the host records for a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PriceProtectionRecord {
    /// The lines claimed now.
    pub claims: Vec<String>,
}

/// Answers a price-protection claim.
pub(crate) fn price_protection(
    rules: &CompiledRules,
    limits: &Limits,
    req: &PriceProtectionRequest,
) -> Result<PriceProtectionAnswer, Error> {
    crate::time::check_now(req.now, "now")?;
    crate::time::check_now(req.purchased_at, "purchased_at")?;
    let checked = receipt::check(rules, limits, &req.receipt)?;
    let returned = check_earlier(&checked, limits, &req.earlier_returns, &BTreeMap::new())?.units;
    let cur = rules.currency;
    let zero = Money::zero(cur);
    let root = JsonPath::root();
    let claims_at = root.field("earlier_claims");
    if req.earlier_claims.len() > limits.max_returns {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            claims_at.to_string(),
            format!("has {} items; the limit is {}", req.earlier_claims.len(), limits.max_returns),
        ));
    }
    for (i, c) in req.earlier_claims.iter().enumerate() {
        if !checked.lines.contains_key(c) {
            return Err(Error::request(
                ErrorCode::UnknownReference,
                claims_at.index(i).to_string(),
                format!("the receipt has no line `{c}`"),
            ));
        }
    }
    let claimed: BTreeSet<&str> = crate::sort::set_of(req.earlier_claims.iter().map(String::as_str));
    let prices_at = root.field("prices");
    let max_prices = receipt::max_receipt_lines(limits);
    if req.prices.len() > max_prices {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            prices_at.to_string(),
            format!("has {} items; the limit is {max_prices}", req.prices.len()),
        ));
    }
    let mut prices: BTreeMap<&str, (Money, bool)> = BTreeMap::new();
    for (i, p) in req.prices.iter().enumerate() {
        let ip = prices_at.index(i);
        let pp = ip.field("unit_price");
        let m = Money::new(p.unit_price.value(), cur);
        if m.is_negative() {
            return Err(Error::request(ErrorCode::OutOfRange, pp.to_string(), "must be >= 0"));
        }
        if !m.is_rounded() {
            return Err(Error::request(
                ErrorCode::TooPrecise,
                pp.to_string(),
                format!("{cur} amounts have at most {} decimal places", cur.minor_units()),
            ));
        }
        if prices.insert(p.sku.as_str(), (m, p.flash_sale)).is_some() {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                ip.field("sku").to_string(),
                format!("SKU `{}` is priced twice", p.sku),
            ));
        }
    }
    let pp = rules.returns.as_ref().and_then(|r| r.price_protection);
    let deadline = pp.and_then(|p| deadline_after(rules, req.purchased_at.utc(), p.days));
    let now = req.now.utc();
    let mut lines = Vec::with_capacity(checked.lines.len());
    let mut total = zero;
    let mut record = PriceProtectionRecord { claims: Vec::new() };
    for l in checked.lines.values() {
        let path = format!("receipt.lines[{}]", l.id);
        let ov = |e| crate::error::money_error(e, &path);
        let done = returned.get(&l.id).copied().unwrap_or(0);
        let units = l.quantity.saturating_sub(done);
        let current = prices.get(l.sku.as_str()).copied();
        let mut params = ReturnReasonParams::default();
        let mut difference = None;
        let reason = match (pp, current) {
            (None, _) => Some(ReturnReasonCode::NotOffered),
            _ if deadline.is_some_and(|d| past(rules, now, d)) => {
                params.deadline = deadline;
                Some(ReturnReasonCode::WindowExpired)
            }
            _ if claimed.contains(l.id.as_str()) => Some(ReturnReasonCode::AlreadyClaimed),
            _ if units == 0 => Some(ReturnReasonCode::AlreadyReturned),
            (_, None) => Some(ReturnReasonCode::NoCurrentPrice),
            (Some(p), Some((_, true))) if p.exclude_flash_sale => Some(ReturnReasonCode::FlashSaleExcluded),
            (_, Some((price, _))) => {
                let d = l.unit_price.checked_sub(price).map_err(ov)?;
                if d.amount() > rust_decimal::Decimal::ZERO {
                    difference = Some(d);
                    None
                } else {
                    Some(ReturnReasonCode::PriceNotLower)
                }
            }
        };
        let mut amount = zero;
        if let Some(d) = difference {
            let held_paid = l.paid.checked_sub(settled(l.paid, l.quantity, done).unwrap_or(l.paid)).map_err(ov)?;
            amount = d.checked_mul_qty(u64::from(units)).map_err(ov)?.min(held_paid).map_err(ov)?;
            total = total.checked_add(amount).map_err(ov)?;
            record.claims.push(l.id.clone());
        }
        lines.push(PriceProtectionLine {
            line_id: l.id.clone(),
            sku: l.sku.clone(),
            owed: reason.is_none(),
            reason,
            message: reason.map(|r| reason_text(r, &params, req.locale)),
            params,
            unit_price: l.unit_price,
            current_unit_price: current.map(|(p, _)| p),
            difference_per_unit: difference,
            units,
            amount,
            rule: "returns.price_protection".into(),
        });
    }
    Ok(PriceProtectionAnswer { currency: cur, deadline, lines, total, record })
}
