//! The receipt of a return: the quote answer the engine produced, read for
//! the figures refunds need and checked to add up.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::{Amount, Currency, Money};
use crate::rules::{CompiledRules, JsonPath};
use crate::{Error, ErrorCode, Limits};

/// The original quote answer, as the engine produced it. Only the fields
/// below are read; the others (explanation, hints...) are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Receipt {
    /// The settlement currency.
    pub currency: Currency,
    /// The market the order was answered in, and the rate used: refunds are
    /// in its currency, at that rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<crate::quote::MarketAnswer>,
    /// The priced lines.
    pub lines: Vec<ReceiptLine>,
    /// The order totals.
    pub totals: ReceiptTotals,
    /// The promotions applied.
    #[serde(default)]
    pub promotions: Vec<ReceiptPromotion>,
    /// The order's points, when it redeemed or earned any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<ReceiptOrderPoints>,
    /// The shipping section: the zone, the chosen method, its price and discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<ReceiptShipping>,
    /// What gift cards and stored value paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<ReceiptPayment>,
    /// The landed cost, read for China's cross-border tax refunded on a return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landed: Option<ReceiptLanded>,
}

/// The receipt's payment section: what each tender paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptPayment {
    /// The tenders, in the order they paid.
    #[serde(default)]
    pub tenders: Vec<ReceiptTender>,
}

/// What one tender paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptTender {
    /// The tender's id.
    pub id: String,
    /// What it paid.
    pub amount: Amount,
}

/// The receipt's landed cost: what a return of a cross-border (CBEC) order refunds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptLanded {
    /// The regime: only `cbec` refunds tax on a return.
    pub regime: crate::reasons::LandedRegime,
    /// The annual account, for `cbec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cbec: Option<ReceiptCbec>,
    /// Per line: the dutiable value and the tax on it.
    #[serde(default)]
    pub lines: Vec<ReceiptLandedLine>,
}

/// The receipt's CBEC account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptCbec {
    /// What the order counted against the annual limit, in the destination's currency.
    pub order_amount: crate::money::DecimalString,
    /// Days after delivery a return refunds the tax.
    pub refund_days: u32,
}

/// A receipt line's dutiable value and tax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptLandedLine {
    /// The line id.
    pub line_id: String,
    /// The line's dutiable value.
    pub dutiable_value: Amount,
    /// Duty.
    pub duty: Amount,
    /// Consumption tax.
    pub consumption_tax: Amount,
    /// Import VAT.
    pub import_vat: Amount,
}

/// The CBEC tax of a receipt, checked.
#[derive(Debug, Clone)]
pub(crate) struct CheckedCbec {
    /// Per line: (tax paid, dutiable value).
    pub(crate) lines: BTreeMap<String, (Money, Money)>,
    /// The order's dutiable value.
    pub(crate) dutiable: Money,
    /// What the order counted against the annual limit (destination's currency).
    pub(crate) order_amount: rust_decimal::Decimal,
    /// Days after delivery a return refunds the tax.
    pub(crate) refund_days: u32,
}

/// The receipt's shipping section, read for the discount a return may break.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptShipping {
    /// The zone matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    /// Whether the zone is remote.
    #[serde(default)]
    pub remote: bool,
    /// The options; the one `chosen` was priced into the totals.
    #[serde(default)]
    pub options: Vec<ReceiptShippingOption>,
}

/// A shipping option of the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptShippingOption {
    /// The method id.
    pub method_id: String,
    /// The price before shipping discounts.
    pub price: Amount,
    /// The shipping discount.
    pub discount: Amount,
    /// The rule behind the discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rule: Option<String>,
    /// Whether it was priced into the totals.
    #[serde(default)]
    pub chosen: bool,
}

/// A receipt line's share of the shipping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptLineShipping {
    /// Its share of the shipping charged.
    pub amount: Amount,
    /// Its share of the shipping discount.
    #[serde(default)]
    pub discount: Amount,
}

/// The receipt's points section: the lots the redemption consumed, so that
/// points given back keep their original expiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptOrderPoints {
    /// The lots consumed.
    #[serde(default)]
    pub lots_consumed: Vec<crate::points::LotConsumption>,
    /// The fixed bonuses the order earned, reversed on returns by their `on_return`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bonuses: Vec<ReceiptBonus>,
}

/// A bonus the order earned, as the quote answered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptBonus {
    /// The bonus id.
    pub id: String,
    /// What earned it.
    pub trigger: crate::points::BonusKind,
    /// The spend threshold (`spend_threshold`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_spend: Option<Amount>,
    /// Points earned.
    pub points: u64,
    /// How a return reverses it.
    pub on_return: crate::rules::BonusReturn,
}

/// A priced line of the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptLine {
    /// The line id.
    pub id: String,
    /// The SKU.
    pub sku: String,
    /// Units bought.
    pub quantity: u32,
    /// The unit price after the catalog stage.
    pub unit_price: Amount,
    /// The line at its catalog price.
    pub subtotal: Amount,
    /// Discounts on the line, each naming its rule.
    #[serde(default)]
    pub adjustments: Vec<ReceiptAdjustment>,
    /// The sum of `adjustments`.
    pub discount_total: Amount,
    /// `subtotal - discount_total`.
    pub net: Amount,
    /// Tax on the line.
    pub tax: ReceiptTax,
    /// `net`, plus the tax when added on top.
    pub total: Amount,
    /// For a gift line: the promotion that gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_of: Option<String>,
    /// For a gift line: its value per unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_value: Option<Amount>,
    /// Points redeemed on and earned by the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<ReceiptPoints>,
    /// The line's share of the shipping and of its discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<ReceiptLineShipping>,
}

/// A discount on a receipt line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptAdjustment {
    /// The rule that made it.
    pub rule_id: String,
    /// The amount taken off.
    pub amount: Amount,
}

/// A receipt line's tax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptTax {
    /// The tax.
    pub amount: Amount,
    /// Whether it is included in the line's price.
    pub included: bool,
}

/// A receipt line's points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptPoints {
    /// Points redeemed on the line.
    #[serde(default)]
    pub redeemed: u64,
    /// Their value.
    pub redeemed_value: Amount,
    /// Points the line earned.
    #[serde(default)]
    pub earned: u64,
    /// Per-unit bonuses earned on the line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bonuses: Vec<crate::points::LineBonus>,
}

/// The receipt's totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptTotals {
    /// Lines at catalog prices.
    pub item_subtotal: Amount,
    /// Item and order discounts.
    pub discounts: Amount,
    /// The value of points redeemed.
    pub points_value: Amount,
    /// What the customer paid.
    pub grand_total: Amount,
    /// Duties and import taxes collected at checkout (in `grand_total`), for a landed cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duties_at_checkout: Option<Amount>,
}

/// A promotion applied on the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReceiptPromotion {
    /// The promotion id.
    pub id: String,
    /// The discount it gave.
    pub amount: Amount,
}

/// A receipt line in money, checked.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub(crate) id: String,
    pub(crate) sku: String,
    pub(crate) quantity: u32,
    pub(crate) unit_price: Money,
    pub(crate) subtotal: Money,
    /// (rule id, amount), in order.
    pub(crate) adjustments: Vec<(String, Money)>,
    /// What was paid in money: total less the value of points redeemed on it.
    pub(crate) paid: Money,
    pub(crate) gift_of: Option<String>,
    pub(crate) gift_value: Money,
    pub(crate) redeemed: u64,
    /// The value of the points redeemed on the line.
    pub(crate) redeemed_value: Money,
    pub(crate) earned: u64,
    /// `subtotal - discount_total`.
    pub(crate) net: Money,
    /// The line's share of the shipping discount (the receipt's, or spread
    /// by `net` for a receipt whose lines carry none).
    pub(crate) shipping_discount: Money,
}

/// The shipping discount of the receipt's chosen option.
#[derive(Debug, Clone)]
pub(crate) struct ShippingDiscount {
    /// The rule that gave it (`free_shipping:ID`, `tier:ID`, `promotion:ID`).
    pub(crate) rule: String,
    pub(crate) amount: Money,
    /// The option's price before the discount.
    pub(crate) price: Money,
    pub(crate) method_id: String,
    pub(crate) zone_id: String,
    pub(crate) remote: bool,
}

/// `m` when it is in whole minor units of its currency; `too_precise` at
/// `path` otherwise.
pub(crate) fn whole_minor_units(m: Money, path: &JsonPath<'_>) -> Result<Money, Error> {
    if !m.is_rounded() {
        let cur = m.currency();
        return Err(Error::request(
            ErrorCode::TooPrecise,
            path.to_string(),
            format!("{cur} amounts have at most {} decimal places", cur.minor_units()),
        ));
    }
    Ok(m)
}

/// The checked receipt.
#[derive(Debug)]
pub(crate) struct Checked {
    /// By line id.
    pub(crate) lines: BTreeMap<String, Line>,
    /// Grand total less what the lines paid: shipping, its tax, less points on shipping.
    pub(crate) shipping_paid: Money,
    /// Promotion ids in run order.
    pub(crate) promotions: Vec<String>,
    /// What the customer paid.
    pub(crate) grand_total: Money,
    /// The chosen option's shipping discount, when it had one.
    pub(crate) shipping_discount: Option<ShippingDiscount>,
    /// The bonuses the order earned, in the receipt's order.
    pub(crate) bonuses: Vec<Bonus>,
    /// What each tender paid, in the receipt's order (they sum to at most the grand total).
    pub(crate) tenders: Vec<(String, Money)>,
    /// China's cross-border tax, when the order paid it.
    pub(crate) cbec: Option<CheckedCbec>,
}

/// A bonus of the receipt, checked.
#[derive(Debug, Clone)]
pub(crate) struct Bonus {
    pub(crate) id: String,
    pub(crate) kind: crate::points::BonusKind,
    pub(crate) min_spend: Option<Money>,
    pub(crate) points: u64,
    pub(crate) on_return: crate::rules::BonusReturn,
    /// For `per_unit`: points by line id (they sum to `points`).
    pub(crate) lines: BTreeMap<String, u64>,
}

/// The most lines a receipt (and a returns request's `items`, `fulfilled`
/// or `prices`) may have: a quote's lines plus one gift line per applied
/// promotion, so that every quote answer is accepted back.
pub(crate) fn max_receipt_lines(limits: &Limits) -> usize {
    limits.max_lines.saturating_add(limits.max_applied_promotions)
}

fn inconsistent(path: &JsonPath<'_>, message: String) -> Error {
    Error::request(ErrorCode::InconsistentReceipt, path.to_string(), message)
}

/// Checks that the receipt adds up and converts it.
pub(crate) fn check(rules: &CompiledRules, limits: &Limits, r: &Receipt) -> Result<Checked, Error> {
    let root = JsonPath::root();
    let at = root.field("receipt");
    let cur = rules.currency;
    if r.currency != cur {
        return Err(Error::request(
            ErrorCode::CurrencyMismatch,
            at.field("currency").to_string(),
            format!("the receipt is in {}, the rule set in {cur}", r.currency),
        ));
    }
    let lines_at = at.field("lines");
    let max_lines = max_receipt_lines(limits);
    if r.lines.len() > max_lines {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            lines_at.to_string(),
            format!("has {} items; the limit is {max_lines} (max_lines + max_applied_promotions)", r.lines.len()),
        ));
    }
    let money = |a: Amount, path: &JsonPath<'_>| -> Result<Money, Error> {
        let m = Money::new(a.value(), cur);
        if m.is_negative() {
            return Err(Error::request(ErrorCode::OutOfRange, path.to_string(), "must be >= 0"));
        }
        whole_minor_units(m, path)
    };
    let ov = |path: &JsonPath<'_>| {
        let p = path.to_string();
        move |e| crate::error::money_error(e, &p)
    };
    let mut lines = BTreeMap::new();
    let zero = Money::zero(cur);
    let (mut subtotals, mut discounts, mut points_value, mut paid_sum) = (zero, zero, zero, zero);
    for (i, l) in r.lines.iter().enumerate() {
        let lp = lines_at.index(i);
        if l.quantity == 0 || l.quantity > limits.max_quantity {
            return Err(Error::request(
                ErrorCode::OutOfRange,
                lp.field("quantity").to_string(),
                format!("must be between 1 and {}", limits.max_quantity),
            ));
        }
        let subtotal = money(l.subtotal, &lp.field("subtotal"))?;
        let discount_total = money(l.discount_total, &lp.field("discount_total"))?;
        let net = money(l.net, &lp.field("net"))?;
        let tax = money(l.tax.amount, &lp.field("tax").field("amount"))?;
        let total = money(l.total, &lp.field("total"))?;
        let unit_price = money(l.unit_price, &lp.field("unit_price"))?;
        let adj_at = lp.field("adjustments");
        let mut adjustments = Vec::with_capacity(l.adjustments.len());
        let mut adj_sum = zero;
        for (j, a) in l.adjustments.iter().enumerate() {
            let ap = adj_at.index(j);
            let m = money(a.amount, &ap.field("amount"))?;
            adj_sum = adj_sum.checked_add(m).map_err(ov(&ap))?;
            adjustments.push((a.rule_id.clone(), m));
        }
        let dp = lp.field("discount_total");
        if adj_sum != discount_total {
            return Err(inconsistent(&dp, format!("is {discount_total} but the adjustments add up to {adj_sum}")));
        }
        let np = lp.field("net");
        let expect_net = subtotal.checked_sub(discount_total).map_err(ov(&np))?;
        if net != expect_net {
            return Err(inconsistent(&np, format!("is {net} but subtotal - discount_total is {expect_net}")));
        }
        let tp = lp.field("total");
        let expect_total = if l.tax.included { net } else { net.checked_add(tax).map_err(ov(&tp))? };
        if total != expect_total {
            return Err(inconsistent(&tp, format!("is {total} but the line's net and tax make {expect_total}")));
        }
        let pp = lp.field("points");
        let (redeemed, redeemed_value, earned) = match &l.points {
            Some(p) => (p.redeemed, money(p.redeemed_value, &pp.field("redeemed_value"))?, p.earned),
            None => (0, zero, 0),
        };
        let paid = total.checked_sub(redeemed_value).map_err(ov(&pp))?;
        if paid.is_negative() {
            return Err(inconsistent(
                &pp.field("redeemed_value"),
                format!("{redeemed_value} of points is more than the line's total {total}"),
            ));
        }
        let gift_value = match l.gift_value {
            Some(v) => money(v, &lp.field("gift_value"))?,
            None => zero,
        };
        subtotals = subtotals.checked_add(subtotal).map_err(ov(&lp))?;
        discounts = discounts.checked_add(discount_total).map_err(ov(&lp))?;
        points_value = points_value.checked_add(redeemed_value).map_err(ov(&lp))?;
        paid_sum = paid_sum.checked_add(paid).map_err(ov(&lp))?;
        let line = Line {
            id: l.id.clone(),
            sku: l.sku.clone(),
            quantity: l.quantity,
            unit_price,
            subtotal,
            adjustments,
            paid,
            gift_of: l.gift_of.clone(),
            gift_value,
            redeemed,
            redeemed_value,
            earned,
            net,
            shipping_discount: match &l.shipping {
                Some(sh) => money(sh.discount, &lp.field("shipping").field("discount"))?,
                None => zero,
            },
        };
        if lines.insert(l.id.clone(), line).is_some() {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                lp.field("id").to_string(),
                format!("line `{}` appears twice", l.id),
            ));
        }
    }
    let tot = at.field("totals");
    let item_subtotal = money(r.totals.item_subtotal, &tot.field("item_subtotal"))?;
    let total_discounts = money(r.totals.discounts, &tot.field("discounts"))?;
    let total_points = money(r.totals.points_value, &tot.field("points_value"))?;
    let grand_total = money(r.totals.grand_total, &tot.field("grand_total"))?;
    if item_subtotal != subtotals {
        return Err(inconsistent(
            &tot.field("item_subtotal"),
            format!("is {item_subtotal} but the lines' subtotals add up to {subtotals}"),
        ));
    }
    if total_discounts != discounts {
        return Err(inconsistent(
            &tot.field("discounts"),
            format!("is {total_discounts} but the lines' discounts add up to {discounts}"),
        ));
    }
    if points_value.checked_cmp(total_points).map_err(ov(&tot))?.is_gt() {
        return Err(inconsistent(
            &tot.field("points_value"),
            format!("is {total_points} but the lines' points add up to {points_value}"),
        ));
    }
    let gp = tot.field("grand_total");
    let duties = match r.totals.duties_at_checkout {
        Some(d) => money(d, &tot.field("duties_at_checkout"))?,
        None => Money::zero(cur),
    };
    let shipping_paid = grand_total.checked_sub(paid_sum).and_then(|x| x.checked_sub(duties)).map_err(ov(&gp))?;
    if shipping_paid.is_negative() {
        return Err(inconsistent(&gp, format!("is {grand_total} but the lines alone cost {paid_sum}")));
    }
    let promos_at = at.field("promotions");
    let mut promotions = Vec::with_capacity(r.promotions.len());
    for (i, p) in r.promotions.iter().enumerate() {
        money(p.amount, &promos_at.index(i).field("amount"))?;
        promotions.push(p.id.clone());
    }
    let shipping_discount = check_shipping(r, &mut lines, &at, cur, &money)?;
    let bonuses = check_bonuses(r, &lines, &at, &money)?;
    let mut tenders: Vec<(String, Money)> = Vec::new();
    let pay_at = at.field("payment");
    let tl = pay_at.field("tenders");
    let mut tender_sum = zero;
    for (i, t) in r.payment.iter().flat_map(|p| p.tenders.iter()).enumerate() {
        let tp = tl.index(i);
        if tenders.iter().any(|(id, _)| *id == t.id) {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                tp.field("id").to_string(),
                format!("tender `{}` appears twice", t.id),
            ));
        }
        let ap = tp.field("amount");
        let m = money(t.amount, &ap)?;
        tender_sum = tender_sum.checked_add(m).map_err(ov(&ap))?;
        if tender_sum.checked_cmp(grand_total).map_err(ov(&ap))?.is_gt() {
            return Err(inconsistent(
                &ap,
                format!("the tenders pay {tender_sum} up to here, more than the grand total {grand_total}"),
            ));
        }
        tenders.push((t.id.clone(), m));
    }
    if tenders.len() > crate::quote::MAX_TENDERS {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            tl.to_string(),
            format!("has {} items; the limit is {}", tenders.len(), crate::quote::MAX_TENDERS),
        ));
    }
    let cbec = check_cbec(r, &lines, duties, &at, &money)?;
    Ok(Checked { lines, shipping_paid, promotions, grand_total, shipping_discount, bonuses, tenders, cbec })
}

/// Reads the order's bonuses and checks them against the lines: ids
/// unique, a spend threshold with its `min_spend`, every line bonus naming
/// a per-unit bonus of the order, and a per-unit bonus's points the sum of
/// its lines'.
fn check_bonuses(
    r: &Receipt,
    lines: &BTreeMap<String, Line>,
    at: &JsonPath<'_>,
    money: &dyn Fn(Amount, &JsonPath<'_>) -> Result<Money, Error>,
) -> Result<Vec<Bonus>, Error> {
    use crate::points::BonusKind;
    let pts = at.field("points");
    let bp = pts.field("bonuses");
    let list = r.points.as_ref().map_or(&[][..], |p| &p.bonuses[..]);
    let mut out: Vec<Bonus> = Vec::with_capacity(list.len());
    for (i, b) in list.iter().enumerate() {
        let ip = bp.index(i);
        if out.iter().any(|o| o.id == b.id) {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                ip.field("id").to_string(),
                format!("bonus `{}` appears twice", b.id),
            ));
        }
        let min_spend = match (b.trigger, b.min_spend) {
            (BonusKind::SpendThreshold, Some(m)) => Some(money(m, &ip.field("min_spend"))?),
            (BonusKind::SpendThreshold, None) => {
                return Err(inconsistent(&ip.field("min_spend"), "a spend-threshold bonus needs its min_spend".into()))
            }
            _ => None,
        };
        out.push(Bonus {
            id: b.id.clone(),
            kind: b.trigger,
            min_spend,
            points: b.points,
            on_return: b.on_return,
            lines: BTreeMap::new(),
        });
    }
    let lines_at = at.field("lines");
    for (i, l) in r.lines.iter().enumerate() {
        let Some(p) = &l.points else { continue };
        for (j, lb) in p.bonuses.iter().enumerate() {
            let li = lines_at.index(i);
            let lpp = li.field("points");
            let lbp = lpp.field("bonuses");
            let lbj = lbp.index(j);
            let jp = lbj.field("bonus_id");
            let Some(b) = out.iter_mut().find(|b| b.id == lb.bonus_id) else {
                return Err(Error::request(
                    ErrorCode::UnknownReference,
                    jp.to_string(),
                    format!("the receipt's points.bonuses have no bonus `{}`", lb.bonus_id),
                ));
            };
            if b.kind != BonusKind::PerUnit || !lines.contains_key(&l.id) {
                return Err(inconsistent(&jp, format!("bonus `{}` is not a per-unit bonus", lb.bonus_id)));
            }
            if b.lines.insert(l.id.clone(), lb.points).is_some() {
                return Err(Error::request(
                    ErrorCode::DuplicateId,
                    jp.to_string(),
                    format!("bonus `{}` appears twice on line `{}`", lb.bonus_id, l.id),
                ));
            }
        }
    }
    for (i, b) in out.iter().enumerate() {
        if b.kind != BonusKind::PerUnit {
            continue;
        }
        let sum = b.lines.values().try_fold(0_u64, |a, p| a.checked_add(*p));
        if sum != Some(b.points) {
            return Err(inconsistent(
                &bp.index(i).field("points"),
                format!(
                    "is {} but the lines' points for bonus `{}` add up to {}",
                    b.points,
                    b.id,
                    sum.unwrap_or(u64::MAX)
                ),
            ));
        }
    }
    Ok(out)
}

/// Reads the CBEC tax of a receipt whose landed cost is `cbec` (not
/// refused): each line known, its tax at most the duties collected at checkout.
fn check_cbec(
    r: &Receipt,
    lines: &BTreeMap<String, Line>,
    duties: Money,
    at: &JsonPath<'_>,
    money: &dyn Fn(Amount, &JsonPath<'_>) -> Result<Money, Error>,
) -> Result<Option<CheckedCbec>, Error> {
    let Some(landed) = &r.landed else { return Ok(None) };
    let Some(cbec) = landed.cbec.as_ref().filter(|_| landed.regime == crate::reasons::LandedRegime::Cbec) else {
        return Ok(None);
    };
    let la = at.field("landed");
    let lines_at = la.field("lines");
    let mut out = BTreeMap::new();
    let mut taxes = Money::zero(duties.currency());
    let mut dutiable = Money::zero(duties.currency());
    for (i, l) in landed.lines.iter().enumerate() {
        let lp = lines_at.index(i);
        if !lines.contains_key(&l.line_id) {
            return Err(Error::request(
                ErrorCode::UnknownReference,
                lp.field("line_id").to_string(),
                format!("the receipt has no line `{}`", l.line_id),
            ));
        }
        let value = money(l.dutiable_value, &lp.field("dutiable_value"))?;
        let duty = money(l.duty, &lp.field("duty"))?;
        let consumption = money(l.consumption_tax, &lp.field("consumption_tax"))?;
        let vat = money(l.import_vat, &lp.field("import_vat"))?;
        let ov = |e| crate::error::money_error(e, &lp.to_string());
        let tax = duty.checked_add(consumption).and_then(|t| t.checked_add(vat)).map_err(ov)?;
        taxes = taxes.checked_add(tax).map_err(ov)?;
        dutiable = dutiable.checked_add(value).map_err(ov)?;
        if out.insert(l.line_id.clone(), (tax, value)).is_some() {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                lp.field("line_id").to_string(),
                format!("line `{}` appears twice", l.line_id),
            ));
        }
    }
    if taxes.checked_cmp(duties).map_err(|e| crate::error::money_error(e, "receipt.landed"))?.is_gt() {
        return Err(inconsistent(
            &la.field("lines"),
            format!("the lines' tax comes to {taxes}, more than the duties collected at checkout ({duties})"),
        ));
    }
    let order_amount = cbec.order_amount.value();
    if order_amount.is_sign_negative() && !order_amount.is_zero() {
        return Err(Error::request(
            ErrorCode::OutOfRange,
            la.field("cbec").field("order_amount").to_string(),
            "must be >= 0",
        ));
    }
    Ok(Some(CheckedCbec { lines: out, dutiable, order_amount, refund_days: cbec.refund_days }))
}

/// Reads the chosen option's discount and checks the lines' shares of it:
/// with shares, they must sum to the option's discount, each at most the
/// line's shipping; without (a receipt from before shipping on the lines),
/// the discount is spread over the lines by `net`.
fn check_shipping(
    r: &Receipt,
    lines: &mut BTreeMap<String, Line>,
    at: &JsonPath<'_>,
    cur: Currency,
    money: &dyn Fn(Amount, &JsonPath<'_>) -> Result<Money, Error>,
) -> Result<Option<ShippingDiscount>, Error> {
    let sp = at.field("shipping");
    let Some(s) = &r.shipping else { return Ok(None) };
    let opts = sp.field("options");
    let Some((k, o)) = s.options.iter().enumerate().find(|(_, o)| o.chosen) else { return Ok(None) };
    let op = opts.index(k);
    let price = money(o.price, &op.field("price"))?;
    let discount = money(o.discount, &op.field("discount"))?;
    if discount.amount() > price.amount() {
        return Err(inconsistent(&op.field("discount"), format!("is {discount}, more than the price {price}")));
    }
    let zero = Money::zero(cur);
    let ov = |e| crate::error::money_error(e, "receipt.shipping");
    let lines_at = at.field("lines");
    let (mut amounts, mut discounts, mut any) = (zero, zero, false);
    for (i, l) in r.lines.iter().enumerate() {
        let Some(sh) = &l.shipping else { continue };
        let lp = lines_at.index(i);
        let shp = lp.field("shipping");
        let a = money(sh.amount, &shp.field("amount"))?;
        let d = money(sh.discount, &shp.field("discount"))?;
        if d.amount() > a.amount() {
            return Err(inconsistent(&shp.field("discount"), format!("is {d}, more than the line's shipping {a}")));
        }
        amounts = amounts.checked_add(a).map_err(ov)?;
        discounts = discounts.checked_add(d).map_err(ov)?;
        any = true;
    }
    if any && amounts != price {
        return Err(inconsistent(
            &op.field("price"),
            format!("is {price} but the lines' shipping adds up to {amounts}"),
        ));
    }
    if any && discounts != discount {
        return Err(inconsistent(
            &op.field("discount"),
            format!("is {discount} but the lines' shipping discounts add up to {discounts}"),
        ));
    }
    let Some(rule) = o.discount_rule.clone().filter(|_| !discount.is_zero()) else { return Ok(None) };
    if !any {
        let paying: Vec<&mut Line> = lines.values_mut().filter(|l| l.gift_of.is_none()).collect();
        let weights: Vec<rust_decimal::Decimal> = paying.iter().map(|l| l.net.amount()).collect();
        if !paying.is_empty() {
            let parts = crate::money::allocate_proportional(discount, &weights)
                .map_err(|_| inconsistent(&op.field("discount"), "cannot be spread over the lines".into()))?;
            for (l, d) in paying.into_iter().zip(parts) {
                l.shipping_discount = d;
            }
        }
    }
    Ok(Some(ShippingDiscount {
        rule,
        amount: discount,
        price,
        method_id: o.method_id.clone(),
        zone_id: s.zone_id.clone().unwrap_or_default(),
        remote: s.remote,
    }))
}

/// The part of `whole` settled after `returned` of `quantity` units:
/// `floor(whole × returned / quantity)` in minor units.
pub(crate) fn settled(whole: Money, quantity: u32, returned: u32) -> Option<Money> {
    if quantity == 0 || returned > quantity {
        return None;
    }
    let minor = whole.to_minor()?;
    let v = minor.checked_mul(i128::from(returned))?.checked_div(i128::from(quantity))?;
    Some(Money::from_minor(i64::try_from(v).ok()?, whole.currency()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).unwrap()
    }

    #[test]
    fn cumulative_settlement_sums_exactly_to_the_whole() {
        let paid = cny("100.00");
        // 100.00 over 3 units: 33.33, 66.66, then 100.00.
        let steps: Vec<String> = (0..=3).map(|r| settled(paid, 3, r).unwrap().to_string()).collect();
        assert_eq!(steps, ["0.00", "33.33", "66.66", "100.00"]);
        // Any split into returns sums to the whole.
        for split in [[1, 1, 1], [2, 1, 0], [0, 3, 0], [1, 2, 0]] {
            let mut done = 0;
            let mut sum = Money::zero(Currency::CNY);
            for n in split {
                let part = settled(paid, 3, done + n).unwrap().checked_sub(settled(paid, 3, done).unwrap()).unwrap();
                assert!(!part.is_negative());
                sum = sum.checked_add(part).unwrap();
                done += n;
            }
            assert_eq!(sum, paid, "{split:?}");
        }
    }

    #[test]
    fn settlement_rejects_more_than_bought() {
        assert_eq!(settled(cny("1.00"), 2, 3), None);
        assert_eq!(settled(cny("1.00"), 0, 0), None);
    }
}
