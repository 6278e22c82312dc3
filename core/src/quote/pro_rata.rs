//! Stage 3b: an order discount spread pro rata over the items and the
//! shipping price together (`with_shipping: pro_rata`). See
//! `docs/promotions.md`.
//!
//! The order stage takes what it can of such a discount from the items
//! (as `items_first` does) and records what its covered lines cost before
//! it. Here, once every promotion has run, the shipping stages are
//! previewed on the items as they were before the pro rata discounts' items
//! parts: the chosen option's price, when no other shipping discount
//! applies to it, is the shipping side of the split. The discount (capped
//! at items + shipping) is split between the two by largest remainder; the
//! items part is spread again over the lines it came off, in proportion to
//! what each took; the shipping part is left for stage 6, where it is the
//! chosen option's discount naming the promotion. The shipping stages then
//! see those same items (before the pro rata items parts), so the price
//! split against is the price charged.

use super::answer::{AppliedPromotion, LineAnswer, StepCode, Trail, Usage};
use super::{shipping, QuoteRequest, Stage};
use crate::error::money_error;
use crate::money::{split_units, Money, MoneyError};
use crate::rules::CompiledRules;
use crate::{Error, ErrorCode, Limits};

fn err(e: MoneyError) -> Error {
    money_error(e, "promotions")
}

fn overflow() -> Error {
    Error::request(ErrorCode::ArithmeticOverflow, "lines", "a discount over items and shipping cannot be split")
}

/// Minor units of a non-negative amount.
fn units(m: Money) -> Result<u128, Error> {
    m.to_minor().and_then(|v| u128::try_from(v).ok()).ok_or_else(overflow)
}

fn money(u: u128, like: Money) -> Result<Money, Error> {
    let v = i64::try_from(u).map_err(|_| overflow())?;
    Ok(Money::from_minor(v, like.currency()))
}

/// Splits the applied pro rata discounts between items and shipping (see
/// the module doc). Returns the lines the shipping stages are to see (the
/// items before the pro rata discounts' items parts), or `None` when no
/// such discount applied (the shipping stages see `lines`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn split(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
    order: &[usize],
    lines: &mut [LineAnswer],
    applied: &mut [AppliedPromotion],
    usages: &mut [Usage],
    trail: &mut Trail,
) -> Result<Option<Vec<LineAnswer>>, Error> {
    if applied.iter().all(|a| a.pro_rata_base.is_none()) {
        return Ok(None);
    }
    let zero = Money::zero(rules.currency);
    let is_part = |id: &str, x: &super::Adjustment| x.stage == Stage::OrderPromotions && &*x.rule_id == id;
    // The items before the pro rata discounts' items parts.
    let mut view = lines.to_vec();
    for a in applied.iter().filter(|a| a.pro_rata_base.is_some()) {
        for line in &mut view {
            for x in line.adjustments.iter().filter(|x| is_part(&a.id, x)) {
                line.net = line.net.checked_add(x.amount).map_err(err)?;
            }
        }
    }
    // The chosen option's price, when no other shipping discount takes
    // anything off it; the first pro rata discount (run order) shares it.
    let others: Vec<AppliedPromotion> = applied
        .iter()
        .map(|a| match a.pro_rata_base {
            Some(_) => AppliedPromotion { shipping_rest: None, ..a.clone() },
            None => a.clone(),
        })
        .collect();
    let mut shipping_price = match shipping::chosen_price(rules, limits, req, order, &view, &others)? {
        Some((price, discount)) if discount.is_zero() => price,
        _ => zero,
    };
    for a in applied.iter_mut() {
        let Some(base) = a.pro_rata_base.take() else { continue };
        let whole = a.amount.checked_add(a.shipping_rest.unwrap_or(zero)).map_err(err)?;
        let cap = base.checked_add(shipping_price).map_err(err)?;
        let whole = whole.min(cap).map_err(err)?;
        let split = split_units(units(whole)?, &[units(base)?, units(shipping_price)?]).map_err(|_| overflow())?;
        let (items, ship) = match split.as_slice() {
            [i, s] => (money(*i, whole)?, money(*s, whole)?),
            _ => return Err(overflow()),
        };
        // The items part, spread again over the lines in proportion to
        // what each took of the whole.
        let taken: Vec<u128> = lines
            .iter()
            .flat_map(|l| l.adjustments.iter().filter(|x| is_part(&a.id, x)))
            .map(|x| units(x.amount))
            .collect::<Result<_, _>>()?;
        let mut parts =
            if taken.is_empty() { Vec::new() } else { split_units(units(items)?, &taken).map_err(|_| overflow())? }
                .into_iter();
        for line in lines.iter_mut() {
            let mut changed = false;
            for x in line.adjustments.iter_mut().filter(|x| is_part(&a.id, x)) {
                let new = money(parts.next().unwrap_or(0), whole)?;
                let back = x.amount.checked_sub(new).map_err(err)?;
                x.amount = new;
                line.discount_total = line.discount_total.checked_sub(back).map_err(err)?;
                line.net = line.net.checked_add(back).map_err(err)?;
                line.total = line.net;
                changed = true;
            }
            if changed {
                line.adjustments.retain(|x| !(is_part(&a.id, x) && x.amount.is_zero()));
            }
        }
        a.amount = items;
        a.shipping_rest = (!ship.is_zero()).then_some(ship);
        for u in usages.iter_mut().filter(|u| u.promotion_id == a.id) {
            u.amount = items;
        }
        trail.set_amount(StepCode::Discount, &format!("promotion:{}", a.id), items);
        shipping_price = zero;
    }
    Ok(Some(view))
}
