//! The quote question: a cart in, priced lines and totals out.
//!
//! Stages run in a fixed order (see [`Stage`]): catalog price, item
//! promotions, order promotions, points redemption, shipping, shipping
//! promotions, tax, totals. Lines are processed and answered in line-id
//! order, so the answer does not depend on the order of lines in the request.

mod answer;
mod best;
pub(crate) mod catalog;
mod points;
mod promotions;
mod request;
pub(crate) mod tax;
mod totals;
mod validate;

pub use answer::{
    Adjustment, AppliedPromotion, DisplayTotals, FreeShippingGrant, Hint, HintCode, LineAnswer, LineTax, PriceSource,
    PriceSourceKind, QuoteAnswer, ReasonCode, ReasonParams, Rejection, Selection, Stage, Step, StepCode, TaxSummary,
    Totals, Usage, Via,
};
pub(crate) use best::best_coupons;
pub use best::{BestCouponsAnswer, RecommendedCoupon};
pub use points::{LinePoints, PointsAnswer, PointsClamp, PointsReason, ShippingPoints};
pub use promotions::MAX_EXACT_COMBINATIONS;
pub use request::{
    CartLine, Customer, DisplayCurrency, PointsRequest, QuoteRequest, UsageCounter, WalletCoupon, WalletSelection,
};

use std::collections::BTreeMap;

use crate::error::money_error;
use crate::money::Money;
use crate::rules::CompiledRules;
use crate::{Error, Limits};

/// Runs every stage of a quote.
pub(crate) fn quote(rules: &CompiledRules, limits: &Limits, req: &QuoteRequest) -> Result<QuoteAnswer, Error> {
    quote_with_coupon_saving(rules, limits, req).map(|(answer, _)| answer)
}

/// Runs every stage of a quote; also answers what the chosen coupons save
/// beyond the automatic promotions.
pub(crate) fn quote_with_coupon_saving(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
) -> Result<(QuoteAnswer, Money), Error> {
    validate::validate(rules, limits, req)?;
    let mut order: Vec<usize> = (0..req.lines.len()).collect();
    order.sort_unstable_by(|&a, &b| req.lines.get(a).map(|l| &l.id).cmp(&req.lines.get(b).map(|l| &l.id)));
    let mut trail = Vec::with_capacity(req.lines.len().saturating_mul(3).saturating_add(1));

    // 1. Catalog price.
    let mut lines = catalog::price_lines(rules, req, &order, &mut trail)?;
    // 2-3 (and 6). Item, order and shipping promotions, with coupon selection.
    let promos = promotions::apply(rules, req, &mut lines, &order, &mut trail)?;
    // 4. Points redemption on the items, allocated to the lines.
    let mut redemption = points::redeem(rules, req, &mut lines, &mut trail)?;
    // 5-6. Shipping has no rules in this rule-set format yet: it adds no
    // order amounts.
    let mut order_amounts = totals::OrderAmounts::zero(rules.currency);
    // After the shipping stages: points may pay what shipping costs.
    let shipping_payable =
        order_amounts.shipping.checked_sub(order_amounts.shipping_discounts).map_err(|e| money_error(e, "points"))?;
    points::redeem_on_shipping(&mut redemption, shipping_payable, req.now.utc(), rules.time_zone)?;
    order_amounts.points_value = redemption.value().map_err(|e| money_error(e, "points"))?;
    // 7. Tax.
    tax::apply(rules, &mut lines, &order, &mut trail)?;
    let tax_summary = tax_summary(rules, &lines)?;
    // 8. Totals.
    let totals = totals::compute(rules.currency, rules.tax.prices_include_tax, &lines, order_amounts, &mut trail)?;
    // Points earned on what is paid, once tax and points are known.
    let points = points::earn(rules, req, &mut lines, &order, &promos.bonus_points, redemption)?;
    let display = match &req.display_currency {
        Some(to) => Some(totals::display(&totals, to, rules.rounding.mode)?),
        None => None,
    };
    let answer = QuoteAnswer {
        rules_id: rules.id.clone(),
        currency: rules.currency,
        prices_include_tax: rules.tax.prices_include_tax,
        lines,
        tax_summary,
        totals,
        display,
        promotions: promos.applied,
        rejected: promos.rejected,
        hints: promos.hints,
        usages: promos.usages,
        selection: promos.selection,
        points,
        explanation: trail,
    };
    Ok((answer, promos.coupon_saving))
}

/// Tax per class, in class-id order.
fn tax_summary(rules: &CompiledRules, lines: &[LineAnswer]) -> Result<Vec<TaxSummary>, Error> {
    let zero = Money::zero(rules.currency);
    let mut by_class: BTreeMap<&str, (&LineTax, Money, Money)> = BTreeMap::new();
    for line in lines {
        let entry = by_class.entry(line.tax.class.as_str()).or_insert((&line.tax, zero, zero));
        let taxable = if rules.tax.prices_include_tax { line.net.checked_sub(line.tax.amount) } else { Ok(line.net) };
        let add = |a: Money, b: Result<Money, _>| b.and_then(|b| a.checked_add(b));
        entry.1 = add(entry.1, taxable).map_err(|e| money_error(e, "tax_summary"))?;
        entry.2 = entry.2.checked_add(line.tax.amount).map_err(|e| money_error(e, "tax_summary"))?;
    }
    Ok(by_class
        .into_values()
        .map(|(t, taxable, tax)| TaxSummary { class: t.class.clone(), rate_percent: t.rate_percent, taxable, tax })
        .collect())
}
