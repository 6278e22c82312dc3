//! The quote question: a cart in, priced lines and totals out.
//!
//! Stages run in a fixed order (see [`Stage`]): catalog price, item
//! promotions, order promotions, points redemption, shipping, shipping
//! promotions, tax, totals. Lines are processed and answered in line-id
//! order, so the answer does not depend on the order of lines in the request.

mod answer;
mod best;
pub(crate) mod catalog;
pub(crate) mod landed;
pub(crate) mod market;
pub(crate) mod points;
mod pro_rata;
mod promotions;
mod request;
mod shipping;
pub(crate) mod tenders;
pub(crate) use shipping::{free_shipping_rule_holds, kept_rule_discount, KeptCart};
pub(crate) mod tax;
mod totals;
mod validate;

pub use crate::reasons::{
    EarningReason, Hint, HintCode, NoShippingReason, PointsReason, ReasonCode, ReasonParams, ShippingReason,
    ShippingReasonParams,
};
pub use answer::{
    Adjustment, AppliedPromotion, DisplayTotals, FreeShippingGrant, LineAnswer, LineTax, PriceSource, PriceSourceKind,
    QuoteAnswer, Rejection, Selection, SelectionStrategy, Stage, Step, StepCode, TaxSummary, Totals, Usage, Via,
};
pub(crate) use best::best_coupons;
pub use best::{BestCouponsAnswer, RecommendedCoupon};
pub use landed::{CbecAccount, Collected, LandedCost, LandedLine, LandedPart, LandedRefusal};
pub use market::{AmountOrigin, AmountSource, MarketAnswer, RoundedClass};
pub use points::{LinePoints, NotEarned, PointsAnswer, PointsClamp, ShippingPoints};
pub use promotions::MAX_EXACT_COMBINATIONS;
pub use request::{
    CartLine, Customer, CustomsRequest, Destination, Dimensions, DisplayCurrency, LengthUnit, Package, PointsRequest,
    QuoteRequest, UsageCounter, WalletCoupon, WalletSelection, Weight, WeightUnit, DEFAULT_MAX_HINTS, MAX_HINTS,
};
pub use shipping::{
    BillableWeight, DeliveryEstimate, DeliverySlot, LineShipping, NoShipping, ParcelQuote, RateStep, RateStepCode,
    ShippingAnswer, ShippingOption, UnavailableMethod,
};
pub use tenders::{PaymentAnswer, Tender, TenderKind, TenderPayment, MAX_TENDERS};

use std::collections::BTreeMap;

use crate::error::money_error;
use crate::money::Money;
use crate::rules::CompiledRules;
use crate::{Error, Limits};
use answer::Trail;

/// Runs every stage of a quote.
pub(crate) fn quote(rules: &CompiledRules, limits: &Limits, req: &QuoteRequest) -> Result<QuoteAnswer, Error> {
    quote_with_coupon_saving(rules, limits, req).map(|(answer, _, _)| answer)
}

/// Runs every stage of a quote; also answers what the chosen coupons save
/// beyond the automatic promotions, and the promotion stages' work (in
/// promotion-line evaluations, the unit of `Limits::max_search_work`).
pub(crate) fn quote_with_coupon_saving(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
) -> Result<(QuoteAnswer, Money, u64), Error> {
    let order = validate::validate(rules, limits, req)?;
    tenders::check(&req.tenders, rules.currency, limits)?;
    let mut trail = Trail::new(req.explain, req.lines.len().saturating_mul(3).saturating_add(1));

    // 1. Catalog price.
    let mut lines = catalog::price_lines(rules, req, &order, &mut trail)?;
    // 2-3 (and 6). Item, order and shipping promotions, with coupon selection.
    let mut promos = promotions::apply(rules, limits, req, &mut lines, &order, &mut trail)?;
    // 3b. An order discount spread pro rata over items and shipping, split
    // against the shipping price; the shipping stages then see the items
    // before its items part.
    let shipping_view =
        pro_rata::split(rules, limits, req, &order, &mut lines, &mut promos.applied, &mut promos.usages, &mut trail)?;
    // 4. Points redemption on the items, allocated to the lines.
    let mut redemption = points::redeem(rules, req, &mut lines, &mut trail)?;
    // 5-6. Shipping options for the destination, then shipping discounts.
    let mut order_amounts = totals::OrderAmounts::zero(rules.currency);
    let ship_lines = shipping_view.as_deref().unwrap_or(&lines);
    let mut ship =
        shipping::apply(rules, limits, req, &order, ship_lines, &mut promos.applied, &mut promos.usages, &mut trail)?;
    // The shares are by position in `ship_lines`: the same lines in the same order.
    debug_assert!(ship.lines.is_empty() || ship.lines.len() == lines.len());
    for (line, share) in lines.iter_mut().zip(std::mem::take(&mut ship.lines)) {
        line.shipping = share;
    }
    order_amounts.shipping = ship.shipping;
    order_amounts.shipping_discounts = ship.discount;
    order_amounts.shipping_tax = ship.tax;
    order_amounts.shipping_tax_included = Some(ship.tax_included);
    if let Some(answer) = &ship.answer {
        promos.hints.extend(answer.hints.iter().cloned());
        promotions::drop_idle_free_shipping(
            &mut promos.applied,
            &mut promos.usages,
            &mut promos.rejected,
            &answer.options,
            req.explain,
            req.locale,
        );
    }
    let max_hints = usize::try_from(req.max_hints).unwrap_or(usize::MAX);
    promotions::order_hints(&mut promos.hints, max_hints, req.locale);
    // After the shipping stages: points may pay what shipping costs; a
    // request over a limit the rule set refuses is undone.
    let shipping_payable =
        order_amounts.shipping.checked_sub(order_amounts.shipping_discounts).map_err(|e| money_error(e, "points"))?;
    points::settle(&mut redemption, &mut lines, &mut trail, shipping_payable, req.now.utc(), rules.time_zone)?;
    order_amounts.points_value = redemption.value().map_err(|e| money_error(e, "points"))?;
    // 7. Tax (the shipping tax was computed with stage 6's net shipping).
    tax::apply(rules, &mut lines, &order, &mut trail)?;
    let tax_summary = tax_summary(rules, &lines, ship.tax_entry.as_ref())?;
    // 7b. Landed cost: duties and import taxes at the destination.
    let landed = landed::apply(
        rules,
        req,
        &lines,
        &order,
        &landed::OrderFacts { shipping_payable, shipping_tax: order_amounts.shipping_tax },
    )?;
    order_amounts.duties = landed::totals_of(landed.as_ref());
    // 8. Totals.
    let totals = totals::compute(rules.currency, rules.tax.prices_include_tax, &lines, order_amounts, &mut trail)?;
    // Points earned on what is paid, once tax and points are known.
    let points = points::earn(rules, req, &mut lines, &order, &promos.bonus_points, redemption)?;
    // Gift cards and stored value pay the grand total: tender, not a discount.
    let payment = tenders::pay(&req.tenders, totals.grand_total)?;
    let display = match &req.display_currency {
        Some(to) => Some(totals::display(&totals, to, rules.rounding.mode)?),
        None => None,
    };
    let answer = QuoteAnswer {
        rules_id: rules.id.clone(),
        currency: rules.currency,
        market: None,
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
        shipping: ship.answer,
        points,
        payment,
        landed,
        explanation: trail.into_steps(),
    };
    Ok((answer, promos.coupon_saving, promos.work))
}

/// Shipping options for a cart and destination: the quote's shipping section.
pub(crate) fn shipping_options(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
) -> Result<ShippingAnswer, Error> {
    let answer = quote(rules, limits, req)?;
    Ok(answer.shipping.unwrap_or_else(|| shipping::not_configured(rules, req.locale)))
}

/// Tax per class, in class-id order; `shipping` is the shipping tax's
/// (class, rate, taxable, tax).
fn tax_summary(
    rules: &CompiledRules,
    lines: &[LineAnswer],
    shipping: Option<&(String, crate::money::Percent, Money, Money)>,
) -> Result<Vec<TaxSummary>, Error> {
    let zero = Money::zero(rules.currency);
    let mut by_class: BTreeMap<&str, (&LineTax, Money, Money)> = BTreeMap::new();
    for line in lines {
        let entry = by_class.entry(&*line.tax.class).or_insert((&line.tax, zero, zero));
        let taxable = if rules.tax.prices_include_tax { line.net.checked_sub(line.tax.amount) } else { Ok(line.net) };
        let add = |a: Money, b: Result<Money, _>| b.and_then(|b| a.checked_add(b));
        entry.1 = add(entry.1, taxable).map_err(|e| money_error(e, "tax_summary"))?;
        entry.2 = entry.2.checked_add(line.tax.amount).map_err(|e| money_error(e, "tax_summary"))?;
    }
    let mut by_class: BTreeMap<&str, (String, crate::money::Percent, Money, Money)> = crate::sort::map_of(
        by_class.into_iter().map(|(k, (t, taxable, tax))| (k, (t.class.to_string(), t.rate_percent, taxable, tax))),
    );
    if let Some((class, rate, taxable, tax)) = shipping {
        let entry = by_class.entry(class.as_str()).or_insert((class.clone(), *rate, zero, zero));
        entry.2 = entry.2.checked_add(*taxable).map_err(|e| money_error(e, "tax_summary"))?;
        entry.3 = entry.3.checked_add(*tax).map_err(|e| money_error(e, "tax_summary"))?;
    }
    Ok(by_class
        .into_values()
        .map(|(class, rate_percent, taxable, tax)| TaxSummary { class, rate_percent, taxable, tax })
        .collect())
}
