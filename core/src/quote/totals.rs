//! Stage 8, totals: order totals from the priced lines, and the optional
//! display-currency conversion.

use super::answer::{DisplayTotals, LineAnswer, Step, StepCode, Totals, Trail};
use super::{DisplayCurrency, Stage};
use crate::error::money_error;
use crate::money::{Currency, Money, MoneyError, RoundingMode};
use crate::Error;

/// Amounts the stages between catalog price and tax contribute at order level.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrderAmounts {
    pub(crate) shipping: Money,
    pub(crate) shipping_discounts: Money,
    pub(crate) shipping_tax: Money,
    /// Whether the shipping price includes its tax; `None`: as the items' prices.
    pub(crate) shipping_tax_included: Option<bool>,
    pub(crate) points_value: Money,
    /// The landed cost's duties and taxes, and the part collected at checkout.
    pub(crate) duties: Option<super::landed::LandedTotals>,
}

impl OrderAmounts {
    pub(crate) fn zero(currency: Currency) -> Self {
        let zero = Money::zero(currency);
        OrderAmounts {
            shipping: zero,
            shipping_discounts: zero,
            shipping_tax: zero,
            shipping_tax_included: None,
            points_value: zero,
            duties: None,
        }
    }
}

/// Sums the lines into order totals and records the grand total's step.
pub(crate) fn compute(
    currency: Currency,
    tax_included: bool,
    lines: &[LineAnswer],
    order: OrderAmounts,
    trail: &mut Trail,
) -> Result<Totals, Error> {
    let totals = sum(currency, tax_included, lines, order).map_err(|e| money_error(e, "totals"))?;
    trail.push(|| Step {
        stage: Stage::Totals,
        line_id: None,
        code: StepCode::GrandTotal,
        rule: "totals".to_string(),
        amount: totals.grand_total,
    });
    Ok(totals)
}

fn sum(
    currency: Currency,
    tax_included: bool,
    lines: &[LineAnswer],
    order: OrderAmounts,
) -> Result<Totals, MoneyError> {
    let total_of = |f: fn(&LineAnswer) -> Money| Money::checked_sum(currency, lines.iter().map(f));
    let list_subtotal = total_of(|l| l.list_subtotal)?;
    let item_subtotal = total_of(|l| l.subtotal)?;
    let discounts = total_of(|l| l.discount_total)?;
    let items_tax = total_of(|l| l.tax.amount)?;
    let tax = items_tax.checked_add(order.shipping_tax)?;
    let shipping_included = order.shipping_tax_included.unwrap_or(tax_included);
    // The tax added on top of the prices: the items' unless they include
    // it, the shipping's unless its price includes it.
    let mut added = Money::zero(currency);
    if !tax_included {
        added = added.checked_add(items_tax)?;
    }
    if !shipping_included {
        added = added.checked_add(order.shipping_tax)?;
    }
    let mut grand_total = item_subtotal
        .checked_sub(discounts)?
        .checked_add(order.shipping)?
        .checked_sub(order.shipping_discounts)?
        .checked_sub(order.points_value)?
        .checked_add(added)?;
    if let Some(d) = order.duties {
        grand_total = grand_total.checked_add(d.at_checkout)?;
    }
    let savings = list_subtotal
        .checked_sub(item_subtotal)?
        .max(Money::zero(currency))?
        .checked_add(discounts)?
        .checked_add(order.shipping_discounts)?;
    Ok(Totals {
        list_subtotal,
        item_subtotal,
        discounts,
        shipping: order.shipping,
        shipping_discounts: order.shipping_discounts,
        tax,
        tax_included,
        tax_added: (shipping_included != tax_included).then_some(added),
        points_value: order.points_value,
        duties_and_taxes: order.duties.map(|d| d.duties_and_taxes),
        duties_at_checkout: order.duties.map(|d| d.at_checkout),
        grand_total,
        savings,
    })
}

/// Converts the main totals at the host's rate, rounded with `mode` to the
/// display currency's minor units.
pub(crate) fn display(totals: &Totals, to: &DisplayCurrency, mode: RoundingMode) -> Result<DisplayTotals, Error> {
    let convert = |m: Money| -> Result<Money, Error> {
        crate::money::convert(m.amount(), to.rate.value(), to.currency, mode)
            .map_err(|e| money_error(e, "display_currency.rate"))
    };
    Ok(DisplayTotals {
        currency: to.currency,
        rate: to.rate,
        item_subtotal: convert(totals.item_subtotal)?,
        discounts: convert(totals.discounts)?,
        tax: convert(totals.tax)?,
        grand_total: convert(totals.grand_total)?,
    })
}
