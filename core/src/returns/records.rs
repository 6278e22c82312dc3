//! Records the host sends back (`earlier_returns`), checked against the
//! receipt, never trusted: what can be recomputed from units and the receipt
//! is recomputed, and a record that contradicts the receipt is refused with
//! the path at fault.

use std::collections::{BTreeMap, BTreeSet};

use super::receipt::{settled, whole_minor_units, Checked};
use super::refund::ReturnRecord;
use crate::money::{Amount, Money};
use crate::rules::JsonPath;
use crate::{Error, ErrorCode, Limits};

/// What the earlier returns did, checked.
#[derive(Debug)]
pub(crate) struct Earlier {
    /// Units returned per line.
    pub(crate) units: BTreeMap<String, u32>,
    /// The net clawback per promotion (between zero and its allocation).
    pub(crate) clawback: BTreeMap<String, Money>,
    /// Gift units whose value was deducted, per gift line.
    pub(crate) gifts_deducted: BTreeMap<String, u32>,
    /// The original shipping refunded.
    pub(crate) shipping: Money,
    /// The net shipping discount deducted (between zero and the receipt's discount).
    pub(crate) shipping_clawback: Money,
    /// What the earlier returns refunded in all (their `total`s).
    pub(crate) refunded: Money,
}

fn inconsistent(path: &JsonPath<'_>, message: String) -> Error {
    Error::request(ErrorCode::InconsistentRecord, path.to_string(), message)
}

/// A non-negative amount in whole minor units of the receipt's currency.
fn non_negative(checked: &Checked, a: Amount, path: &JsonPath<'_>) -> Result<Money, Error> {
    let m = signed(checked, a, path)?;
    if m.is_negative() {
        return Err(Error::request(ErrorCode::OutOfRange, path.to_string(), "must be >= 0"));
    }
    Ok(m)
}

/// An amount in whole minor units of the receipt's currency.
fn signed(checked: &Checked, a: Amount, path: &JsonPath<'_>) -> Result<Money, Error> {
    whole_minor_units(Money::new(a.value(), checked.grand_total.currency()), path)
}

/// The discount each promotion gave on the receipt: the sum of its adjustments on the lines.
fn allocations(checked: &Checked) -> Result<BTreeMap<&str, Money>, Error> {
    let zero = Money::zero(checked.grand_total.currency());
    let mut out: BTreeMap<&str, Money> = BTreeMap::new();
    for l in checked.lines.values() {
        for (rule, amount) in &l.adjustments {
            let e = out.entry(rule.as_str()).or_insert(zero);
            *e = e.checked_add(*amount).map_err(|e| crate::error::money_error(e, "receipt.lines"))?;
        }
    }
    Ok(out)
}

/// Checks the earlier returns against the receipt and `shipped` (units
/// shipped per line; a line absent: every unit).
///
/// Refused: unknown lines, promotions or gift lines (`unknown_reference`);
/// a line or promotion twice in one record (`duplicate_id`); negative or
/// too precise amounts, zero units, more units than bought or shipped
/// (`out_of_range`, `too_precise`); and (`inconsistent_record`) line amounts
/// that are not what their units refund, a net clawback outside zero to
/// the promotion's allocation, more original shipping than was paid, a
/// record total above its lines and shipping less its clawback, totals
/// above the grand total, a deducted gift that is not a gift line.
pub(crate) fn check_earlier(
    checked: &Checked,
    limits: &Limits,
    earlier: &[ReturnRecord],
    shipped: &BTreeMap<String, u32>,
) -> Result<Earlier, Error> {
    let root = JsonPath::root();
    let at = root.field("earlier_returns");
    if earlier.len() > limits.max_returns {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            at.to_string(),
            format!("has {} items; the limit is {}", earlier.len(), limits.max_returns),
        ));
    }
    let cur = checked.grand_total.currency();
    let zero = Money::zero(cur);
    let allocation = allocations(checked)?;
    let ov = |path: &JsonPath<'_>| {
        let p = path.to_string();
        move |e| crate::error::money_error(e, &p)
    };
    let mut out = Earlier {
        units: BTreeMap::new(),
        clawback: BTreeMap::new(),
        gifts_deducted: BTreeMap::new(),
        shipping: zero,
        shipping_clawback: zero,
        refunded: zero,
    };
    let shipping_discount = checked.shipping_discount.as_ref().map_or(zero, |d| d.amount);
    let mut shipping_clawback_at: Option<String> = None;
    // Per line: the amounts recorded and the path of the last one, to check
    // them against what the units refund once every record is read.
    let mut amounts: BTreeMap<&str, (Money, String)> = BTreeMap::new();
    // Per promotion: the path of the last clawback, for the same reason.
    let mut clawback_at: BTreeMap<&str, String> = BTreeMap::new();
    for (i, r) in earlier.iter().enumerate() {
        let rp = at.index(i);
        let lines_at = rp.field("lines");
        let mut items = zero;
        let mut seen = BTreeSet::new();
        for (j, l) in r.lines.iter().enumerate() {
            let lp = lines_at.index(j);
            let Some(line) = checked.lines.get(&l.line_id) else {
                return Err(Error::request(
                    ErrorCode::UnknownReference,
                    lp.field("line_id").to_string(),
                    format!("the receipt has no line `{}`", l.line_id),
                ));
            };
            if !seen.insert(l.line_id.as_str()) {
                return Err(Error::request(
                    ErrorCode::DuplicateId,
                    lp.field("line_id").to_string(),
                    format!("line `{}` appears twice in one record", l.line_id),
                ));
            }
            if l.quantity == 0 {
                return Err(Error::request(ErrorCode::OutOfRange, lp.field("quantity").to_string(), "must be >= 1"));
            }
            let u = out.units.entry(l.line_id.clone()).or_default();
            *u = u.saturating_add(l.quantity);
            if *u > line.quantity {
                return Err(Error::request(
                    ErrorCode::OutOfRange,
                    lp.field("quantity").to_string(),
                    format!("returns {} units of line `{}` in all, which has {}", u, l.line_id, line.quantity),
                ));
            }
            if let Some(s) = shipped.get(&l.line_id).filter(|s| *u > **s) {
                return Err(Error::request(
                    ErrorCode::OutOfRange,
                    lp.field("quantity").to_string(),
                    format!("returns {} units of line `{}` in all, of which {s} were shipped", u, l.line_id),
                ));
            }
            let ap = lp.field("amount");
            let amount = non_negative(checked, l.amount, &ap)?;
            items = items.checked_add(amount).map_err(ov(&ap))?;
            let e = amounts.entry(line.id.as_str()).or_insert((zero, String::new()));
            e.0 = e.0.checked_add(amount).map_err(ov(&ap))?;
            e.1 = ap.to_string();
            if e.0.checked_cmp(line.paid).map_err(ov(&ap))?.is_gt() {
                return Err(inconsistent(
                    &ap,
                    format!(
                        "the earlier returns refund {} for line `{}` in all, which paid {}",
                        e.0, line.id, line.paid
                    ),
                ));
            }
        }

        let cp = rp.field("discount_clawback");
        let mut net_clawback = zero;
        let mut seen = BTreeSet::new();
        for (k, c) in r.discount_clawback.iter().enumerate() {
            let kp = cp.index(k);
            let Some((id, alloc)) = allocation.get_key_value(c.promotion_id.as_str()) else {
                return Err(Error::request(
                    ErrorCode::UnknownReference,
                    kp.field("promotion_id").to_string(),
                    format!("no line of the receipt has a discount of promotion `{}`", c.promotion_id),
                ));
            };
            if !seen.insert(*id) {
                return Err(Error::request(
                    ErrorCode::DuplicateId,
                    kp.field("promotion_id").to_string(),
                    format!("promotion `{id}` appears twice in one record"),
                ));
            }
            let ap = kp.field("amount");
            let amount = signed(checked, c.amount, &ap)?;
            if Money::new(amount.amount().abs(), cur).checked_cmp(*alloc).map_err(ov(&ap))?.is_gt() {
                return Err(inconsistent(
                    &ap,
                    format!("claws back {amount} of promotion `{id}`, which gave {alloc} on the receipt"),
                ));
            }
            net_clawback = net_clawback.checked_add(amount).map_err(ov(&ap))?;
            let e = out.clawback.entry((*id).to_string()).or_insert(zero);
            *e = e.checked_add(amount).map_err(ov(&ap))?;
            clawback_at.insert(id, ap.to_string());
        }

        let gp = rp.field("gifts_deducted");
        let mut seen = BTreeSet::new();
        for (k, g) in r.gifts_deducted.iter().enumerate() {
            let kp = gp.index(k);
            let Some(line) = checked.lines.get(&g.line_id) else {
                return Err(Error::request(
                    ErrorCode::UnknownReference,
                    kp.field("line_id").to_string(),
                    format!("the receipt has no line `{}`", g.line_id),
                ));
            };
            if line.gift_of.is_none() {
                return Err(inconsistent(&kp.field("line_id"), format!("line `{}` is not a gift", g.line_id)));
            }
            if !seen.insert(g.line_id.as_str()) {
                return Err(Error::request(
                    ErrorCode::DuplicateId,
                    kp.field("line_id").to_string(),
                    format!("gift line `{}` appears twice in one record", g.line_id),
                ));
            }
            if g.quantity == 0 {
                return Err(Error::request(ErrorCode::OutOfRange, kp.field("quantity").to_string(), "must be >= 1"));
            }
            let d = out.gifts_deducted.entry(g.line_id.clone()).or_default();
            *d = d.saturating_add(g.quantity);
            if *d > line.quantity {
                return Err(Error::request(
                    ErrorCode::OutOfRange,
                    kp.field("quantity").to_string(),
                    format!("deducts {} units of gift line `{}` in all, which has {}", d, g.line_id, line.quantity),
                ));
            }
        }

        let sp = rp.field("original_shipping");
        let shipping = non_negative(checked, r.original_shipping, &sp)?;
        out.shipping = out.shipping.checked_add(shipping).map_err(ov(&sp))?;
        if out.shipping.checked_cmp(checked.shipping_paid).map_err(ov(&sp))?.is_gt() {
            return Err(inconsistent(
                &sp,
                format!(
                    "the earlier returns refund {} of original shipping in all; the receipt's shipping is {}",
                    out.shipping, checked.shipping_paid
                ),
            ));
        }

        let scp = rp.field("shipping_clawback");
        let shipping_clawback = signed(checked, r.shipping_clawback, &scp)?;
        if Money::new(shipping_clawback.amount().abs(), cur).checked_cmp(shipping_discount).map_err(ov(&scp))?.is_gt() {
            return Err(inconsistent(
                &scp,
                format!("deducts {shipping_clawback} of shipping discount; the receipt's is {shipping_discount}"),
            ));
        }
        out.shipping_clawback = out.shipping_clawback.checked_add(shipping_clawback).map_err(ov(&scp))?;
        if !shipping_clawback.is_zero() {
            shipping_clawback_at = Some(scp.to_string());
        }

        let tp = rp.field("total");
        let total = non_negative(checked, r.total, &tp)?;
        // Fees and deductions only lower a refund: its total is at most its
        // lines, shipping and customs tax less its net clawbacks.
        let customs_tax = match r.customs_tax {
            Some(t) => non_negative(checked, t, &rp.field("customs_tax"))?,
            None => Money::zero(cur),
        };
        let most = items
            .checked_add(shipping)
            .and_then(|m| m.checked_add(customs_tax))
            .and_then(|m| m.checked_sub(net_clawback))
            .and_then(|m| m.checked_sub(shipping_clawback))
            .map_err(ov(&tp))?;
        if total.checked_cmp(most).map_err(ov(&tp))?.is_gt() {
            return Err(inconsistent(
                &tp,
                format!("is {total} but the record's lines and shipping less its clawback come to {most}"),
            ));
        }
        out.refunded = out.refunded.checked_add(total).map_err(ov(&tp))?;
        if out.refunded.checked_cmp(checked.grand_total).map_err(ov(&tp))?.is_gt() {
            return Err(inconsistent(
                &tp,
                format!(
                    "the earlier returns refund {} in all, more than the grand total {}",
                    out.refunded, checked.grand_total
                ),
            ));
        }
    }

    // Line amounts are recomputed from units: whatever order the records
    // come in, a line's amounts sum to what its returned units settle.
    for (id, (sum, path)) in &amounts {
        let Some(line) = checked.lines.get(*id) else { continue };
        let units = out.units.get(*id).copied().unwrap_or(0);
        let due = settled(line.paid, line.quantity, units)
            .ok_or_else(|| Error::request(ErrorCode::ArithmeticOverflow, path.as_str(), "amount out of range"))?;
        if *sum != due {
            return Err(Error::request(
                ErrorCode::InconsistentRecord,
                path.as_str(),
                format!(
                    "the earlier returns refund {sum} for line `{id}` in all, but {units} of its {} units settle {due}",
                    line.quantity
                ),
            ));
        }
    }
    let net = out.shipping_clawback;
    if net.is_negative() || net.checked_cmp(shipping_discount).map_err(ov(&at))?.is_gt() {
        let path = shipping_clawback_at.unwrap_or_else(|| at.to_string());
        return Err(Error::request(
            ErrorCode::InconsistentRecord,
            path,
            format!(
                "the earlier returns deduct {net} of shipping discount in all, outside 0 to its {shipping_discount}"
            ),
        ));
    }
    for (id, net) in &out.clawback {
        let alloc = allocation.get(id.as_str()).copied().unwrap_or(zero);
        let path = clawback_at.get(id.as_str()).map_or("earlier_returns", String::as_str);
        let over = net.checked_cmp(alloc).map_err(|e| crate::error::money_error(e, path))?.is_gt();
        if net.is_negative() || over {
            return Err(Error::request(
                ErrorCode::InconsistentRecord,
                path,
                format!("the earlier returns claw back {net} of promotion `{id}` in all, outside 0 to its {alloc}"),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::refund::{ReturnRecordClawback, ReturnRecordGift, ReturnRecordLine};
    use super::*;
    use crate::money::Currency;

    fn amount(s: &str) -> Amount {
        Amount(s.parse().unwrap())
    }

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).unwrap()
    }

    /// 满300减40 on A 200.00 and B 150.00, paid 310.00 (A 177.14, B 132.86),
    /// 10.00 of shipping, and a gift line.
    fn receipt() -> Checked {
        use super::super::receipt::Line;
        let line = |id: &str, q: u32, subtotal: &str, discount: Option<&str>, paid: &str, gift: bool| Line {
            id: id.into(),
            sku: id.into(),
            quantity: q,
            unit_price: cny(subtotal),
            subtotal: cny(subtotal),
            adjustments: discount.map(|d| vec![("mj".to_string(), cny(d))]).unwrap_or_default(),
            paid: cny(paid),
            gift_of: gift.then(|| "gift-promo".to_string()),
            gift_value: cny(if gift { "20.00" } else { "0" }),
            redeemed: 0,
            redeemed_value: cny("0"),
            earned: 0,
            net: cny(paid),
            shipping_discount: cny("0"),
        };
        let lines = [
            line("A", 1, "200.00", Some("22.86"), "177.14", false),
            line("B", 1, "150.00", Some("17.14"), "132.86", false),
            line("G", 1, "0.00", None, "0.00", true),
        ];
        Checked {
            lines: lines.into_iter().map(|l| (l.id.clone(), l)).collect(),
            shipping_paid: cny("10.00"),
            grand_total: cny("320.00"),
            promotions: vec!["mj".into()],
            shipping_discount: None,
            bonuses: Vec::new(),
            tenders: Vec::new(),
            cbec: None,
        }
    }

    fn record(lines: &[(&str, u32, &str)], clawback: Option<&str>, total: &str) -> ReturnRecord {
        ReturnRecord {
            lines: lines
                .iter()
                .map(|(id, q, a)| ReturnRecordLine { line_id: (*id).into(), quantity: *q, amount: amount(a) })
                .collect(),
            discount_clawback: clawback
                .map(|c| vec![ReturnRecordClawback { promotion_id: "mj".into(), amount: amount(c) }])
                .unwrap_or_default(),
            gifts_deducted: Vec::new(),
            customs_tax: None,
            original_shipping: amount("0"),
            shipping_clawback: amount("0"),
            total: amount(total),
        }
    }

    fn check(records: &[ReturnRecord]) -> Result<Earlier, Error> {
        check_earlier(&receipt(), &Limits::default(), records, &BTreeMap::new())
    }

    fn fails(records: &[ReturnRecord]) -> (ErrorCode, String) {
        match check(records) {
            Err(Error::InvalidRequest(p)) => (p.code, p.path),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn honest_records_are_accepted_in_any_order() {
        let first = record(&[("B", 1, "132.86")], Some("22.86"), "110.00");
        let second = record(&[("A", 1, "177.14")], Some("-22.86"), "200.00");
        for records in [vec![first.clone(), second.clone()], vec![second, first]] {
            let e = check(&records).unwrap();
            assert_eq!(e.units.values().sum::<u32>(), 2);
            assert_eq!(e.clawback.get("mj").copied(), Some(cny("0.00")));
            assert_eq!(e.refunded, cny("310.00"));
        }
    }

    #[test]
    fn negative_amounts_are_out_of_range() {
        let r = record(&[("B", 1, "-132.86")], None, "0");
        assert_eq!(fails(&[r]), (ErrorCode::OutOfRange, "earlier_returns[0].lines[0].amount".into()));
        let r = record(&[("B", 1, "132.86")], None, "-1.00");
        assert_eq!(fails(&[r]), (ErrorCode::OutOfRange, "earlier_returns[0].total".into()));
        let mut r = record(&[("B", 1, "132.86")], None, "132.86");
        r.original_shipping = amount("-5.00");
        assert_eq!(fails(&[r]), (ErrorCode::OutOfRange, "earlier_returns[0].original_shipping".into()));
    }

    #[test]
    fn amounts_are_recomputed_from_units() {
        // Inflated: a 310.00 order cannot refund 100,000.00 for one line.
        let r = record(&[("B", 1, "100000.00")], None, "100000.00");
        assert_eq!(fails(&[r]), (ErrorCode::InconsistentRecord, "earlier_returns[0].lines[0].amount".into()));
        let r = record(&[("B", 1, "132.85")], None, "132.85");
        assert_eq!(fails(&[r]), (ErrorCode::InconsistentRecord, "earlier_returns[0].lines[0].amount".into()));
    }

    #[test]
    fn clawback_within_the_allocation() {
        let r = record(&[("B", 1, "132.86")], Some("40.01"), "92.85");
        assert_eq!(
            fails(&[r]),
            (ErrorCode::InconsistentRecord, "earlier_returns[0].discount_clawback[0].amount".into())
        );
        // Settling more than was clawed back: the net goes negative.
        let r = record(&[("B", 1, "132.86")], Some("-22.86"), "155.72");
        assert_eq!(
            fails(&[r]),
            (ErrorCode::InconsistentRecord, "earlier_returns[0].discount_clawback[0].amount".into())
        );
        let mut r = record(&[("B", 1, "132.86")], Some("1.00"), "131.86");
        r.discount_clawback[0].promotion_id = "nope".into();
        assert_eq!(
            fails(&[r]),
            (ErrorCode::UnknownReference, "earlier_returns[0].discount_clawback[0].promotion_id".into())
        );
    }

    #[test]
    fn totals_shipping_and_units_bounded_by_the_receipt() {
        let r = record(&[("B", 1, "132.86")], None, "132.87");
        assert_eq!(fails(&[r]), (ErrorCode::InconsistentRecord, "earlier_returns[0].total".into()));
        let mut r = record(&[("B", 1, "132.86")], None, "142.86");
        r.original_shipping = amount("10.01");
        assert_eq!(fails(&[r]), (ErrorCode::InconsistentRecord, "earlier_returns[0].original_shipping".into()));
        // Duplicated: B was bought once.
        let r = record(&[("B", 1, "132.86")], None, "132.86");
        assert_eq!(fails(&[r.clone(), r]), (ErrorCode::OutOfRange, "earlier_returns[1].lines[0].quantity".into()));
        // Units never shipped.
        let shipped = BTreeMap::from([("B".to_string(), 0)]);
        let r = record(&[("B", 1, "132.86")], None, "132.86");
        let e = check_earlier(&receipt(), &Limits::default(), &[r], &shipped).unwrap_err();
        assert_eq!(e.path(), "earlier_returns[0].lines[0].quantity");
        let r = record(&[("Q", 1, "1.00")], None, "1.00");
        assert_eq!(fails(&[r]), (ErrorCode::UnknownReference, "earlier_returns[0].lines[0].line_id".into()));
    }

    #[test]
    fn gifts_deducted_name_gift_lines() {
        let mut r = record(&[("B", 1, "132.86")], None, "112.86");
        r.gifts_deducted = vec![ReturnRecordGift { line_id: "A".into(), quantity: 1 }];
        assert_eq!(
            fails(&[r.clone()]),
            (ErrorCode::InconsistentRecord, "earlier_returns[0].gifts_deducted[0].line_id".into())
        );
        r.gifts_deducted = vec![ReturnRecordGift { line_id: "G".into(), quantity: 2 }];
        assert_eq!(fails(&[r]), (ErrorCode::OutOfRange, "earlier_returns[0].gifts_deducted[0].quantity".into()));
    }
}
