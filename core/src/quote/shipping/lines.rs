//! Shipping on the lines: the chosen option's price and discount spread
//! over the lines exactly, by `shipping.allocate_by`.
//!
//! Each parcel's price goes to the parcel's lines; fees charged once per
//! order go to every line; the discount goes to the lines in proportion to
//! the shipping each bears, so no line's discount exceeds its shipping.
//! Every split is the largest remainder method of
//! [`allocate_proportional`](crate::money::allocate_proportional), in line-id
//! order, and sums exactly to its whole.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::answer::{LineShipping, ShippingOption};
use super::rate::{Item, Parcel};
use crate::money::{allocate_proportional, Money};
use crate::rules::ShippingAllocation;

/// Why shipping could not be spread over the lines (figures out of range,
/// or the option does not match its parcels).
#[derive(Debug)]
pub(crate) struct AllocationFailed;

/// An item's weight in the split: its amount, its weight (to the milligram) or its units.
fn basis(by: ShippingAllocation, it: &Item<'_>) -> Result<Decimal, AllocationFailed> {
    Ok(match by {
        ShippingAllocation::Amount => it.value.amount(),
        ShippingAllocation::Weight => {
            it.unit_g.checked_mul(Decimal::from(it.qty)).ok_or(AllocationFailed)?.round_dp(3).normalize()
        }
        ShippingAllocation::Pieces => Decimal::from(it.qty),
    })
}

/// Splits `total` over `items` by `by`; by pieces when every item's basis is zero.
fn spread(total: Money, items: &[&Item<'_>], by: ShippingAllocation) -> Result<Vec<Money>, AllocationFailed> {
    let mut weights = items.iter().map(|it| basis(by, it)).collect::<Result<Vec<_>, _>>()?;
    if weights.iter().all(Decimal::is_zero) {
        weights = items.iter().map(|it| Decimal::from(it.qty)).collect();
    }
    allocate_proportional(total, &weights).map_err(|_| AllocationFailed)
}

/// Each line's share of option `o`'s price and discount, by the line's
/// position among the `n` priced lines (line-id order). Lines bearing
/// neither are `None`.
pub(crate) fn allocate(
    by: ShippingAllocation,
    parcels: &[Parcel<'_>],
    o: &ShippingOption,
    n: usize,
) -> Result<Vec<Option<LineShipping>>, AllocationFailed> {
    let cur = o.price.currency();
    if parcels.len() != o.parcels.len() {
        return Err(AllocationFailed);
    }
    let mut amounts: Vec<Option<Money>> = vec![None; n];
    let mut add = |it: &Item<'_>, m: Money| -> Result<(), AllocationFailed> {
        let slot = amounts.get_mut(it.pos).ok_or(AllocationFailed)?;
        *slot = Some(slot.unwrap_or(Money::zero(cur)).checked_add(m).map_err(|_| AllocationFailed)?);
        Ok(())
    };
    for (parcel, quote) in parcels.iter().zip(&o.parcels) {
        let items: Vec<&Item<'_>> = parcel.items.iter().collect();
        if items.is_empty() {
            continue;
        }
        for (it, m) in items.iter().zip(spread(quote.price, &items, by)?) {
            add(it, m)?;
        }
    }
    let fees = Money::checked_sum(cur, o.order_fees.iter().map(|f| f.amount)).map_err(|_| AllocationFailed)?;
    if !fees.is_zero() {
        // In line-id order, which is position order.
        let mut all: Vec<&Item<'_>> = parcels.iter().flat_map(|p| &p.items).collect();
        crate::sort::sort_by(&mut all, |a, b| a.pos.cmp(&b.pos));
        if !all.is_empty() {
            for (it, m) in all.iter().zip(spread(fees, &all, by)?) {
                add(it, m)?;
            }
        }
    }
    // The lines bearing shipping, in line-id order.
    let mut bearing: Vec<(usize, Money)> = Vec::with_capacity(n);
    bearing.extend(amounts.iter().enumerate().filter_map(|(pos, a)| a.map(|a| (pos, a))));
    let whole = Money::checked_sum(cur, bearing.iter().map(|(_, a)| *a)).map_err(|_| AllocationFailed)?;
    let discounts = if o.discount.is_zero() || bearing.is_empty() {
        vec![Money::zero(cur); bearing.len()]
    } else if o.discount == whole {
        // All of it taken off (free shipping): each line's discount is its
        // share, as the proportional split would give, without the arithmetic.
        bearing.iter().map(|(_, a)| *a).collect()
    } else {
        let weights: Vec<Decimal> = bearing.iter().map(|(_, m)| m.amount()).collect();
        allocate_proportional(o.discount, &weights).map_err(|_| AllocationFailed)?
    };
    let mut out: Vec<Option<LineShipping>> = vec![None; n];
    // One copy of the rule's name, shared by the lines.
    let shared_rule: Option<Arc<str>> = o.discount_rule.as_deref().map(Arc::from);
    for ((pos, amount), discount) in bearing.into_iter().zip(discounts) {
        if amount.is_zero() && discount.is_zero() {
            continue;
        }
        let rule = (!discount.is_zero()).then(|| shared_rule.clone()).flatten();
        if let Some(slot) = out.get_mut(pos) {
            *slot = Some(LineShipping { amount, discount, discount_rule: rule });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::quote::shipping::answer::{DeliveryEstimate, ParcelQuote};
    use crate::rules::ServiceLevel;
    use std::collections::BTreeMap as Map;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).unwrap()
    }

    fn item(id: &'static str, qty: u64, unit_g: u64, value: &str) -> Item<'static> {
        Item {
            line_id: id,
            // Ids are single letters from "a", in line-id order.
            pos: usize::from(id.as_bytes()[0] - b'a'),
            sku: id,
            class: None,
            ships_free: false,
            template: None,
            qty,
            unit_g: Decimal::from(unit_g),
            sides_cm: None,
            value: cny(value),
        }
    }

    fn parcel(items: Vec<Item<'static>>) -> Parcel<'static> {
        Parcel {
            warehouse: 0,
            origin: "w".into(),
            line_ids: items.iter().map(|i| std::sync::Arc::from(i.line_id)).collect(),
            units: items.iter().map(|i| i.qty).sum(),
            items,
            longest_side_cm: Decimal::ZERO,
            classes: Map::new(),
            value: cny("0"),
        }
    }

    fn option(prices: &[&str], discount: &str) -> ShippingOption {
        let quote = |p: &&str| ParcelQuote {
            origin: "w".into(),
            line_ids: vec![],
            units: 0,
            actual_weight_g: 0,
            volumetric_weight_g: 0,
            chargeable_weight_g: 0,
            billable: None,
            value: cny("0"),
            price: cny(p),
            steps: vec![],
        };
        let price = Money::checked_sum(Currency::CNY, prices.iter().map(|p| cny(p))).unwrap();
        ShippingOption {
            method_id: "m".into(),
            name: None,
            carrier: "c".into(),
            service: ServiceLevel::Standard,
            price,
            discount: cny(discount),
            discount_rule: Some("free_shipping:f".into()),
            total: price.checked_sub(cny(discount)).unwrap(),
            chargeable_weight_g: 0,
            parcels: prices.iter().map(quote).collect(),
            order_fees: vec![],
            delivery: DeliveryEstimate {
                dispatch_date: String::new(),
                ships_today: false,
                earliest: String::new(),
                latest: String::new(),
                order_within_minutes: None,
                message: None,
            },
            slots: vec![],
            fastest: false,
            chosen: true,
        }
    }

    fn shares(by: ShippingAllocation, parcels: &[Parcel<'_>], o: &ShippingOption) -> Vec<(String, String, String)> {
        let items: Vec<&Item<'_>> = parcels.iter().flat_map(|p| &p.items).collect();
        let n = items.iter().map(|it| it.pos + 1).max().unwrap_or(0);
        let id = |pos: usize| items.iter().find(|it| it.pos == pos).unwrap().line_id.to_string();
        allocate(by, parcels, o, n)
            .unwrap()
            .into_iter()
            .enumerate()
            .filter_map(|(pos, s)| s.map(|s| (id(pos), s.amount.to_string(), s.discount.to_string())))
            .collect()
    }

    #[test]
    fn weightless_lines_are_split_by_pieces_and_free_lines_bear_nothing_by_amount() {
        let p = [parcel(vec![item("a", 1, 0, "20.00"), item("b", 3, 0, "0.00")])];
        let o = option(&["10.00"], "0.00");
        let s = shares(ShippingAllocation::Weight, &p, &o);
        assert_eq!(s, [("a".into(), "2.50".into(), "0.00".into()), ("b".into(), "7.50".into(), "0.00".into())]);
        // By amount, the free line b bears none of it and is left out.
        let s = shares(ShippingAllocation::Amount, &p, &o);
        assert_eq!(s, [("a".into(), "10.00".into(), "0.00".into())]);
    }

    #[test]
    fn each_parcel_stays_with_its_lines_and_the_discount_follows_the_shipping() {
        let p = [parcel(vec![item("a", 1, 100, "1.00")]), parcel(vec![item("b", 1, 100, "1.00")])];
        let o = option(&["3.00", "1.00"], "2.00");
        let s = shares(ShippingAllocation::Pieces, &p, &o);
        assert_eq!(s, [("a".into(), "3.00".into(), "1.50".into()), ("b".into(), "1.00".into(), "0.50".into())]);
        assert!(allocate(ShippingAllocation::Pieces, &p[..1], &o, 2).is_err(), "parcels and quotes must match");
    }
}
