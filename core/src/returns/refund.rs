//! The `return_refund` question.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::receipt::{self, settled, Bonus, Checked, Line, Receipt, ShippingDiscount};
use super::records::check_earlier;
use super::{reason_text, ReturnReasonCode, ReturnReasonParams};
use crate::messages::Lang;
use crate::money::{Amount, Currency, DecimalString, Money, MoneyError};
use crate::points::{settled_after, BonusKind, BonusReversal, ClawbackLine, PointsClawback, PointsClawbackRequest};
use crate::rules::{Basis, Benefit, CompiledRules, GiftPolicy, JsonPath, LostShippingDiscount, ReturnsConfig};
use crate::rules::{BonusReturn, LateReturnFee};
use crate::time::LocalDate;
use crate::{Error, ErrorCode, Limits, Timestamp};

/// Why the customer returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// No reason (七天无理由).
    NoReason,
    /// A quality problem: the seller's fault.
    Quality,
    /// An exchange.
    Exchange,
}

unit_enum!(ReturnReason { NoReason = "no_reason", Quality = "quality", Exchange = "exchange" });

/// The condition of the returned items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemCondition {
    /// Sealed, as delivered.
    #[default]
    Unopened,
    /// Opened.
    Opened,
    /// Damaged (the host assesses how much; see `ReturnItem::assessed_percent`).
    Damaged,
}

unit_enum!(ItemCondition { Unopened = "unopened", Opened = "opened", Damaged = "damaged" });

/// A return: the receipt, earlier returns and the lines to return now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRefundRequest {
    /// The moment of the request.
    pub now: Timestamp,
    /// The language of default messages; default `en`.
    #[serde(default)]
    pub locale: Lang,
    /// The original quote answer, as the engine produced it.
    pub receipt: Receipt,
    /// When the order was placed (for campaign extensions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_at: Option<Timestamp>,
    /// When the order was delivered (签收); absent: not delivered yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<Timestamp>,
    /// The records of earlier returns of the order, as earlier answers gave them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_returns: Vec<ReturnRecord>,
    /// The lines and units to return now.
    pub items: Vec<ReturnItem>,
    /// Why.
    pub reason: ReturnReason,
    /// The items' condition; default `unopened`. A returned line may state its own.
    #[serde(default)]
    pub condition: ItemCondition,
    /// The customer's membership tier (for extra return days and free return shipping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_tier: Option<String>,
    /// The customer's available points now; absent: assumed to cover the points reversed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_balance: Option<i64>,
    /// Units shipped so far, per line; a line not listed: every unit shipped.
    /// Units never shipped cannot be returned (`not_shipped`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fulfilled: Vec<FulfilledLine>,
    /// Catalog facts of receipt lines (categories, tags, brand), for
    /// re-checking `cart_contains` conditions on the kept lines; a line not
    /// listed is known by its SKU and unit price only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_facts: Vec<ReturnLineFacts>,
}

/// What the catalog says of a receipt line, as the quote's cart line did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnLineFacts {
    /// The receipt's line id.
    pub line_id: String,
    /// Its categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Its tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Its brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
}

/// The units of a receipt line shipped so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfilledLine {
    /// The receipt's line id.
    pub line_id: String,
    /// Units shipped, at most the units bought.
    pub quantity: u32,
}

/// A line to return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnItem {
    /// The receipt's line id.
    pub line_id: String,
    /// Units to return, at least 1.
    pub quantity: u32,
    /// The item's category (for exemptions and condition requirements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The item's tags (for the final-sale tag).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The condition these units came back in; default the request's `condition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<ItemCondition>,
    /// The deduction the host assessed for the condition, in percent of
    /// the line's refund (0 to 100); at most the policy's
    /// `condition_deductions` percent, which applies when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_percent: Option<crate::money::Percent>,
}

/// What the host records for a return, and sends back in later requests' `earlier_returns`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRecord {
    /// Units returned and the item amount refunded, per line.
    pub lines: Vec<ReturnRecordLine>,
    /// Discount clawed back, per promotion (negative when an earlier clawback is settled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discount_clawback: Vec<ReturnRecordClawback>,
    /// Gift units whose value was deducted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gifts_deducted: Vec<ReturnRecordGift>,
    /// The original shipping refunded.
    #[serde(default)]
    pub original_shipping: Amount,
    /// The shipping discount deducted because the kept items no longer earn
    /// it (negative: an earlier deduction given back); absent when zero.
    #[serde(default, skip_serializing_if = "is_zero_amount")]
    pub shipping_clawback: Amount,
    /// China's cross-border tax refunded (see `customs` in the answer); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customs_tax: Option<Amount>,
    /// The refund in all.
    #[serde(default)]
    pub total: Amount,
}

/// One line of a return record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRecordLine {
    /// The receipt's line id.
    pub line_id: String,
    /// Units returned.
    pub quantity: u32,
    /// The item amount refunded.
    #[serde(default)]
    pub amount: Amount,
}

/// A promotion's clawback in a return record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRecordClawback {
    /// The promotion.
    pub promotion_id: String,
    /// The amount deducted (negative: given back).
    pub amount: Amount,
}

/// Gift units whose value was deducted, in a return record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRecordGift {
    /// The gift line.
    pub line_id: String,
    /// Units.
    pub quantity: u32,
}

/// The answer to a return.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ReturnRefundAnswer {
    /// The currency of every amount.
    pub currency: Currency,
    /// The reason given.
    pub reason: ReturnReason,
    /// Per requested line, in line-id order.
    pub lines: Vec<ReturnLineAnswer>,
    /// The refund, part by part.
    pub refund: RefundBreakdown,
    /// Who pays the return shipping.
    pub return_shipping_paid_by: ShippingPayer,
    /// The rule that decides it: `reason:quality`, `returns.free_return_shipping`,
    /// `tier:ID` (free return shipping benefit) or `returns.return_shipping_fee`.
    pub return_shipping_rule: String,
    /// Gifts that must come back with the items (`gift_policy: return_with_item`).
    pub gifts_to_return: Vec<GiftToReturn>,
    /// Points reversed and given back; absent when the lines carry no points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<PointsClawback>,
    /// China's cross-border tax refunded and the annual amount given back,
    /// when the receipt's landed cost is `cbec`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customs: Option<CustomsRefund>,
    /// What the host records for this return (send it in later `earlier_returns`).
    pub record: ReturnRecord,
}

/// China's cross-border tax on a return: refunded, with the annual amount
/// given back, when the return is within `refund_days` of delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CustomsRefund {
    /// The rule (`customs:cbec`).
    pub rule: String,
    /// Whether the return is within the period.
    pub within_period: bool,
    /// The last local day of the period, once delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<LocalDate>,
    /// The tax refunded on the returned units (in the refund's `total`).
    pub tax_refunded: Money,
    /// The amount given back to the person's annual limit, in the
    /// destination's currency: the host subtracts it from `annual_used`.
    pub annual_given_back: DecimalString,
    /// A default message in the request's locale.
    pub message: String,
}

/// One requested line.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ReturnLineAnswer {
    /// The receipt's line id.
    pub line_id: String,
    /// Units requested.
    pub quantity: u32,
    /// Whether the units may be returned.
    pub eligible: bool,
    /// Why not, when not eligible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReturnReasonCode>,
    /// The reason's parameters.
    pub params: ReturnReasonParams,
    /// A default message in the request's locale, when not eligible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The last local day to return, once delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<LocalDate>,
    /// The campaign extension that set the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Days past the deadline, for a late return accepted for a fee
    /// (`returns.late_return_fees`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_late: Option<u32>,
    /// The item amount refunded for these units.
    pub amount: Money,
}

/// The refund, part by part. `total` is the sum of `parts`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RefundBreakdown {
    /// What was paid for the returned units.
    pub items: Money,
    /// Discounts the kept items no longer earn (negative: an earlier clawback settled).
    pub discount_clawback: Money,
    /// Gifts kept whose value is deducted.
    pub gift_deduction: Money,
    /// The original shipping refunded.
    pub original_shipping: Money,
    /// A shipping discount the kept items no longer earn, deducted
    /// (`returns.lost_shipping_discount`; negative: an earlier deduction given back).
    pub shipping_clawback: Money,
    /// Return shipping the customer pays.
    pub return_shipping: Money,
    /// The restocking fee.
    pub restocking_fee: Money,
    /// The late-return fee (`returns.late_return_fees`); absent when none.
    #[serde(skip_serializing_if = "money_is_zero")]
    pub late_return_fee: Money,
    /// The deductions for the items' condition (`returns.condition_deductions`); absent when none.
    #[serde(skip_serializing_if = "money_is_zero")]
    pub condition_deduction: Money,
    /// The value of reversed points the balance could not cover.
    pub points_deduction: Money,
    /// The value of the redeemed points given back on the returned units
    /// (returned as points, not money: not part of `total`).
    pub points_value: Money,
    /// China's cross-border tax refunded, when the receipt paid it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customs_tax: Option<Money>,
    /// The refund.
    pub total: Money,
    /// Every part with its rule; refunds positive, deductions negative.
    pub parts: Vec<RefundPart>,
    /// Where the refund goes, when gift cards or stored value paid the
    /// order: to each tender (in `returns.tender_refund_order`), never more
    /// over every return than it paid; absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tenders: Vec<TenderRefund>,
    /// The rest of the refund, to the original payment; absent without tenders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_original_payment: Option<Money>,
}

/// The part of a refund that goes back to a gift card or stored value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TenderRefund {
    /// The tender's id (the receipt's `payment.tenders[].id`).
    pub tender_id: String,
    /// What goes back to it.
    pub amount: Money,
}

/// One part of a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RefundPart {
    /// What it is.
    pub code: RefundPartCode,
    /// The rule: `line:ID`, `promotion:ID`, `returns.original_shipping`,
    /// `returns.return_shipping_fee`, `returns.restocking_fee_percent`, `points.clawback`.
    pub rule: String,
    /// The line it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// The amount: positive refunds, negative deducts.
    pub amount: Money,
    /// For a late-return fee or a condition deduction: the stable reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReturnReasonCode>,
    /// The reason's parameters (`deadline`, `days_late`, `condition`, `percent`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<ReturnReasonParams>,
    /// A default message in the request's locale, with the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Kinds of refund parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundPartCode {
    /// Paid for returned units.
    Items,
    /// A threshold discount no longer earned.
    DiscountClawback,
    /// A kept gift's value.
    GiftDeduction,
    /// The original shipping.
    OriginalShipping,
    /// A shipping discount (包邮) the kept items no longer earn; the rule
    /// names it (`free_shipping:ID`, `promotion:ID`).
    ShippingClawback,
    /// Return shipping paid by the customer.
    ReturnShipping,
    /// The restocking fee.
    RestockingFee,
    /// Reversed points the balance could not cover.
    PointsDeduction,
    /// A fee for a return after the deadline (`late_return`).
    LateReturnFee,
    /// A deduction for the condition of a returned line (`item_condition`).
    ConditionDeduction,
    /// China's cross-border tax refunded on the returned units.
    CustomsTax,
}

/// Who pays return shipping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShippingPayer {
    /// The customer (the fee is deducted).
    Customer,
    /// The merchant (quality problem, policy or tier benefit).
    Merchant,
}

/// A gift to send back with the items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct GiftToReturn {
    /// The gift line.
    pub line_id: String,
    /// The promotion that gave it.
    pub promotion_id: String,
    /// Units.
    pub quantity: u32,
}

fn money_is_zero(m: &Money) -> bool {
    m.is_zero()
}

fn is_zero_amount(a: &Amount) -> bool {
    a.value().is_zero()
}

fn amount_of(m: Money) -> Amount {
    m.to_decimal_string().parse().unwrap_or(Amount(m.amount()))
}

fn oops(path: &str) -> impl Fn(MoneyError) -> Error + '_ {
    move |e| crate::error::money_error(e, path)
}

fn overflow(path: &str) -> Error {
    Error::request(ErrorCode::ArithmeticOverflow, path, "amount out of range")
}

/// The last local day of a window of `days` days starting the day after `from`.
pub(crate) fn deadline_after(rules: &CompiledRules, from: DateTime<Utc>, days: u32) -> Option<LocalDate> {
    let d = rules.time_zone.local_date(from).checked_add_days(chrono::Days::new(u64::from(days)))?;
    Some(LocalDate(d))
}

/// Whether `now` is past the end of the local day `deadline`.
pub(crate) fn past(rules: &CompiledRules, now: DateTime<Utc>, deadline: LocalDate) -> bool {
    match deadline.0.succ_opt().and_then(|d| rules.time_zone.start_of_day(d)) {
        Some(end) => now >= end,
        None => false,
    }
}

/// Units shipped per line, from `fulfilled`, checked: lines absent shipped every unit.
fn shipped_units(
    checked: &Checked,
    limits: &Limits,
    fulfilled: &[FulfilledLine],
) -> Result<BTreeMap<String, u32>, Error> {
    let root = JsonPath::root();
    let at = root.field("fulfilled");
    let max = receipt::max_receipt_lines(limits);
    if fulfilled.len() > max {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            at.to_string(),
            format!("has {} items; the limit is {max}", fulfilled.len()),
        ));
    }
    let mut out = BTreeMap::new();
    for (i, f) in fulfilled.iter().enumerate() {
        let fp = at.index(i);
        let Some(line) = checked.lines.get(&f.line_id) else {
            return Err(Error::request(
                ErrorCode::UnknownReference,
                fp.field("line_id").to_string(),
                format!("the receipt has no line `{}`", f.line_id),
            ));
        };
        if f.quantity > line.quantity {
            return Err(Error::request(
                ErrorCode::OutOfRange,
                fp.field("quantity").to_string(),
                format!("ships {} units of line `{}`, which has {}", f.quantity, f.line_id, line.quantity),
            ));
        }
        if out.insert(f.line_id.clone(), f.quantity).is_some() {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                fp.field("line_id").to_string(),
                format!("line `{}` is listed twice", f.line_id),
            ));
        }
    }
    Ok(out)
}

/// Catalog facts per line, from `line_facts`, checked: each names a
/// receipt line, once.
fn line_facts<'a>(
    checked: &Checked,
    limits: &Limits,
    facts: &'a [ReturnLineFacts],
) -> Result<BTreeMap<&'a str, &'a ReturnLineFacts>, Error> {
    let root = JsonPath::root();
    let at = root.field("line_facts");
    let max = receipt::max_receipt_lines(limits);
    if facts.len() > max {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            at.to_string(),
            format!("has {} items; the limit is {max}", facts.len()),
        ));
    }
    let mut out = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        let fp = at.index(i);
        if !checked.lines.contains_key(&f.line_id) {
            return Err(Error::request(
                ErrorCode::UnknownReference,
                fp.field("line_id").to_string(),
                format!("the receipt has no line `{}`", f.line_id),
            ));
        }
        let too_many = f.categories.len().max(f.tags.len()) > limits.max_labels;
        if too_many {
            return Err(Error::request(
                ErrorCode::LimitExceeded,
                fp.to_string(),
                format!("lists more than {} categories or tags", limits.max_labels),
            ));
        }
        if out.insert(f.line_id.as_str(), f).is_some() {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                fp.field("line_id").to_string(),
                format!("line `{}` is listed twice", f.line_id),
            ));
        }
    }
    Ok(out)
}

struct Eligibility {
    reason: Option<ReturnReasonCode>,
    params: ReturnReasonParams,
    deadline: Option<LocalDate>,
    campaign: Option<String>,
}

/// Answers a return.
pub(crate) fn return_refund(
    rules: &CompiledRules,
    limits: &Limits,
    req: &ReturnRefundRequest,
) -> Result<ReturnRefundAnswer, Error> {
    crate::time::check_now(req.now, "now")?;
    let checked = receipt::check(rules, limits, &req.receipt)?;
    let shipped = shipped_units(&checked, limits, &req.fulfilled)?;
    let earlier = check_earlier(&checked, limits, &req.earlier_returns, &shipped)?;
    let facts = line_facts(&checked, limits, &req.line_facts)?;
    let before = &earlier.units;
    let cur = rules.currency;
    let zero = Money::zero(cur);
    let default_cfg = ReturnsConfig {
        windows: Default::default(),
        exempt_categories: Vec::new(),
        final_sale_tag: None,
        unopened_categories: Vec::new(),
        campaign_extensions: Vec::new(),
        clawback_thresholds: true,
        gift_policy: GiftPolicy::default(),
        return_shipping_fee: None,
        free_return_shipping: false,
        restocking_fee_percent: None,
        original_shipping: Default::default(),
        lost_shipping_discount: Default::default(),
        tender_refund_order: Default::default(),
        late_return_fees: Vec::new(),
        condition_deductions: Vec::new(),
        price_protection: None,
    };
    let cfg = rules.returns.as_ref().unwrap_or(&default_cfg);
    let tier = req.customer_tier.as_deref().and_then(|t| rules.membership.as_ref().and_then(|m| m.tier(t)));
    let now = req.now.utc();

    // The requested items.
    let root = JsonPath::root();
    let items_at = root.field("items");
    let max_items = receipt::max_receipt_lines(limits);
    if req.items.len() > max_items {
        return Err(Error::request(
            ErrorCode::LimitExceeded,
            items_at.to_string(),
            format!("has {} items; the limit is {max_items}", req.items.len()),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, it) in req.items.iter().enumerate() {
        let ip = items_at.index(i);
        if !checked.lines.contains_key(&it.line_id) {
            return Err(Error::request(
                ErrorCode::UnknownReference,
                ip.field("line_id").to_string(),
                format!("the receipt has no line `{}`", it.line_id),
            ));
        }
        if !seen.insert(it.line_id.as_str()) {
            return Err(Error::request(
                ErrorCode::DuplicateId,
                ip.field("line_id").to_string(),
                format!("line `{}` is requested twice", it.line_id),
            ));
        }
        if it.quantity == 0 || it.quantity > limits.max_quantity {
            return Err(Error::request(
                ErrorCode::OutOfRange,
                ip.field("quantity").to_string(),
                format!("must be between 1 and {}", limits.max_quantity),
            ));
        }
        if let Some(pct) = it.assessed_percent {
            let v = pct.value();
            if v.is_sign_negative() || v > Decimal::ONE_HUNDRED {
                return Err(Error::request(
                    ErrorCode::OutOfRange,
                    ip.field("assessed_percent").to_string(),
                    "must be between 0 and 100 (percent of the line's refund)",
                ));
            }
        }
    }

    // The window.
    let days = match req.reason {
        ReturnReason::NoReason => cfg.windows.no_reason_days,
        ReturnReason::Quality => cfg.windows.quality_days,
        ReturnReason::Exchange => cfg.windows.exchange_days,
    };
    let extra = tier.map_or(0, |t| t.benefits.extra_return_days);
    let delivered = req.delivered_at.map(Timestamp::utc).filter(|d| *d <= now);
    let mut deadline = match (delivered, days) {
        (Some(d), Some(days)) => deadline_after(rules, d, days.saturating_add(extra)),
        _ => None,
    };
    let mut campaign = None;
    if let (Some(ordered), Some(_)) = (req.ordered_at.map(Timestamp::utc), deadline) {
        for c in &cfg.campaign_extensions {
            let inside = c.ordered_from.as_start(rules.time_zone).is_none_or(|s| ordered >= s)
                && c.ordered_until.as_end(rules.time_zone).is_none_or(|e| ordered < e);
            if inside && deadline.is_some_and(|d| c.returnable_until > d) {
                deadline = Some(c.returnable_until);
                campaign = Some(c.id.clone());
            }
        }
    }
    let strict = req.reason != ReturnReason::Quality;
    // A return after the deadline: the days late and the fee tier covering
    // them (none: refused as `window_expired`).
    let late: Option<(u32, usize, LateReturnFee)> = match deadline {
        Some(d) if past(rules, now, d) => {
            let days = rules.time_zone.local_date(now).signed_duration_since(d.0).num_days();
            let days = u32::try_from(days).unwrap_or(u32::MAX);
            cfg.late_return_fees
                .iter()
                .enumerate()
                .find(|(_, t)| t.up_to_days_late.is_none_or(|up| days <= up))
                .map(|(i, t)| (days, i, *t))
        }
        _ => None,
    };

    // Eligibility per line, in line-id order.
    let mut items: Vec<&ReturnItem> = req.items.iter().collect();
    crate::sort::sort_by(&mut items, |a, b| a.line_id.cmp(&b.line_id));
    let mut now_units: BTreeMap<String, u32> = BTreeMap::new();
    let mut answers = Vec::with_capacity(items.len());
    for it in &items {
        let Some(line) = checked.lines.get(&it.line_id) else { continue };
        let done = before.get(&it.line_id).copied().unwrap_or(0);
        let remaining = line.quantity.saturating_sub(done);
        let shipped_left = shipped.get(&it.line_id).map_or(remaining, |s| s.saturating_sub(done));
        let category = it.category.clone();
        let mut e = Eligibility { reason: None, params: ReturnReasonParams::default(), deadline, campaign: None };
        e.campaign = campaign.clone();
        if delivered.is_none() {
            e.reason = Some(ReturnReasonCode::NotDelivered);
        } else if days.is_none() {
            e.reason = Some(ReturnReasonCode::ReasonNotAccepted);
        } else if late.is_none() && deadline.is_some_and(|d| past(rules, now, d)) {
            e.reason = Some(ReturnReasonCode::WindowExpired);
            e.params.deadline = deadline;
        } else if strict && category.as_ref().is_some_and(|c| cfg.exempt_categories.contains(c)) {
            e.reason = Some(ReturnReasonCode::ExemptCategory);
            e.params.category = category.clone();
        } else if strict && cfg.final_sale_tag.as_ref().is_some_and(|t| it.tags.contains(t)) {
            e.reason = Some(ReturnReasonCode::FinalSale);
        } else if strict
            && it.condition.unwrap_or(req.condition) != ItemCondition::Unopened
            && category.as_ref().is_some_and(|c| cfg.unopened_categories.contains(c))
        {
            e.reason = Some(ReturnReasonCode::MustBeUnopened);
            e.params.category = category.clone();
        } else if remaining == 0 {
            e.reason = Some(ReturnReasonCode::AlreadyReturned);
        } else if it.quantity > remaining {
            e.reason = Some(ReturnReasonCode::QuantityExceedsRemaining);
            e.params.remaining = Some(remaining);
        } else if it.quantity > shipped_left {
            e.reason = Some(ReturnReasonCode::NotShipped);
            e.params.remaining = Some(shipped_left);
        }
        let mut amount = zero;
        if e.reason.is_none() {
            now_units.insert(it.line_id.clone(), it.quantity);
            let after = done.saturating_add(it.quantity);
            let path = format!("items[{}]", it.line_id);
            let a = settled(line.paid, line.quantity, after).ok_or_else(|| overflow(&path))?;
            let b = settled(line.paid, line.quantity, done).ok_or_else(|| overflow(&path))?;
            amount = a.checked_sub(b).map_err(oops(&path))?;
        }
        answers.push(ReturnLineAnswer {
            line_id: it.line_id.clone(),
            quantity: it.quantity,
            eligible: e.reason.is_none(),
            reason: e.reason,
            message: e.reason.map(|r| reason_text(r, &e.params, req.locale)),
            params: e.params,
            deadline: e.deadline,
            campaign: e.campaign,
            days_late: late.map(|(d, _, _)| d),
            amount,
        });
    }
    let after_units = |id: &str| -> u32 {
        before.get(id).copied().unwrap_or(0).saturating_add(now_units.get(id).copied().unwrap_or(0))
    };
    let returning = !now_units.is_empty();
    let mut parts: Vec<RefundPart> = Vec::new();
    let mut record = ReturnRecord::default();
    let mut items_total = zero;
    let mut points_value = zero;
    for (id, n) in &now_units {
        let Some(line) = checked.lines.get(id) else { continue };
        let done = before.get(id).copied().unwrap_or(0);
        let path = "receipt.lines";
        let a = settled(line.redeemed_value, line.quantity, done.saturating_add(*n)).ok_or_else(|| overflow(path))?;
        let b = settled(line.redeemed_value, line.quantity, done).ok_or_else(|| overflow(path))?;
        points_value = points_value.checked_add(a.checked_sub(b).map_err(oops(path))?).map_err(oops(path))?;
    }
    for a in &answers {
        if a.eligible {
            items_total = items_total.checked_add(a.amount).map_err(oops("items"))?;
            parts.push(RefundPart {
                code: RefundPartCode::Items,
                rule: format!("line:{}", a.line_id),
                line_id: Some(a.line_id.clone()),
                amount: a.amount,
                reason: None,
                params: None,
                message: None,
            });
            record.lines.push(ReturnRecordLine {
                line_id: a.line_id.clone(),
                quantity: a.quantity,
                amount: amount_of(a.amount),
            });
        }
    }
    let mut running = items_total;

    // China's cross-border tax, refunded within the period after delivery.
    let mut customs = None;
    if let (true, Some(cbec)) = (returning, &checked.cbec) {
        let path = "receipt.landed";
        let deadline = delivered.and_then(|d| deadline_after(rules, d, cbec.refund_days));
        let within = deadline.is_some_and(|d| !past(rules, now, d));
        let (mut tax, mut value) = (zero, zero);
        for (id, n) in &now_units {
            let (Some(line), Some((line_tax, line_value))) = (checked.lines.get(id), cbec.lines.get(id)) else {
                continue;
            };
            let done = before.get(id).copied().unwrap_or(0);
            let share = |whole: Money| -> Result<Money, Error> {
                let a = settled(whole, line.quantity, done.saturating_add(*n)).ok_or_else(|| overflow(path))?;
                let b = settled(whole, line.quantity, done).ok_or_else(|| overflow(path))?;
                a.checked_sub(b).map_err(oops(path))
            };
            tax = tax.checked_add(share(*line_tax)?).map_err(oops(path))?;
            value = value.checked_add(share(*line_value)?).map_err(oops(path))?;
        }
        if !within {
            (tax, value) = (zero, zero);
        }
        // The annual amount in the destination's currency, in proportion
        // (exactly the dutiable value when the order was in that currency).
        let annual = if value.is_zero() || cbec.dutiable.is_zero() {
            Decimal::ZERO
        } else {
            cbec.order_amount
                .checked_mul(value.amount())
                .and_then(|x| x.checked_div(cbec.dutiable.amount()))
                .ok_or_else(|| overflow(path))?
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero)
        };
        if !tax.is_zero() {
            running = running.checked_add(tax).map_err(oops(path))?;
            parts.push(RefundPart {
                code: RefundPartCode::CustomsTax,
                rule: "customs:cbec".into(),
                line_id: None,
                amount: tax,
                reason: None,
                params: None,
                message: None,
            });
            record.customs_tax = Some(amount_of(tax));
        }
        let mut annual = annual;
        annual.rescale(2);
        let annual = DecimalString(annual);
        customs = Some(CustomsRefund {
            rule: "customs:cbec".into(),
            within_period: within,
            deadline,
            tax_refunded: tax,
            annual_given_back: annual,
            message: crate::messages::cbec_refund_text(within, cbec.refund_days, &annual.to_string(), req.locale),
        });
    }

    // Original shipping.
    let all_returned = checked.lines.values().all(|l| after_units(&l.id) >= l.quantity);
    let shipping_left = checked.shipping_paid.checked_sub(earlier.shipping).map_err(oops("earlier_returns"))?;
    let mut original_shipping = zero;
    if returning && shipping_left.amount() > Decimal::ZERO {
        let rule = if cfg.original_shipping.on_seller_fault && req.reason == ReturnReason::Quality {
            Some("returns.original_shipping.on_seller_fault")
        } else if cfg.original_shipping.on_full_return && all_returned {
            Some("returns.original_shipping.on_full_return")
        } else {
            None
        };
        if let Some(rule) = rule {
            original_shipping = shipping_left;
            running = running.checked_add(shipping_left).map_err(oops("receipt"))?;
            parts.push(RefundPart {
                code: RefundPartCode::OriginalShipping,
                rule: rule.to_string(),
                line_id: None,
                amount: shipping_left,
                reason: None,
                params: None,
                message: None,
            });
        }
    }
    record.original_shipping = amount_of(original_shipping);

    // Threshold clawback.
    let mut clawback_total = zero;
    if returning && cfg.clawback_thresholds {
        let mut seen_ids = BTreeSet::new();
        for id in checked.promotions.iter().filter(|id| seen_ids.insert(id.as_str())) {
            let target = clawback_target(rules, &checked, &facts, id, &after_units)?;
            let prior = earlier.clawback.get(id.as_str()).copied().unwrap_or(zero);
            let mut c = target.checked_sub(prior).map_err(oops("receipt.promotions"))?;
            if c.amount() > Decimal::ZERO {
                c = c.min(running).map_err(oops("receipt.promotions"))?;
            }
            if c.is_zero() {
                continue;
            }
            running = running.checked_sub(c).map_err(oops("receipt.promotions"))?;
            clawback_total = clawback_total.checked_add(c).map_err(oops("receipt.promotions"))?;
            let neg = zero.checked_sub(c).map_err(oops("receipt.promotions"))?;
            parts.push(RefundPart {
                code: RefundPartCode::DiscountClawback,
                rule: format!("promotion:{id}"),
                line_id: None,
                amount: neg,
                reason: None,
                params: None,
                message: None,
            });
            record.discount_clawback.push(ReturnRecordClawback { promotion_id: id.clone(), amount: amount_of(c) });
        }
    }

    // A shipping discount the kept items no longer earn.
    let mut shipping_clawback = zero;
    let policy = cfg.lost_shipping_discount;
    if let (true, Some(sd), false) = (returning, &checked.shipping_discount, policy == LostShippingDiscount::Waive) {
        let path = "receipt.shipping";
        let prior = earlier.shipping_clawback;
        let target = if all_returned {
            // Nothing kept: the deduction goes back with the original shipping.
            if cfg.original_shipping.on_full_return {
                zero
            } else {
                prior
            }
        } else if !strict {
            // A quality return does not deduct the shipping the seller waived.
            prior
        } else {
            lost_shipping_target(rules, policy, &checked, sd, &after_units, req.customer_tier.as_deref())?
        };
        let mut c = target.checked_sub(prior).map_err(oops(path))?;
        if c.amount() > Decimal::ZERO {
            c = c.min(running).map_err(oops(path))?;
        }
        if !c.is_zero() {
            running = running.checked_sub(c).map_err(oops(path))?;
            shipping_clawback = c;
            parts.push(RefundPart {
                code: RefundPartCode::ShippingClawback,
                rule: sd.rule.clone(),
                line_id: None,
                amount: zero.checked_sub(c).map_err(oops(path))?,
                reason: None,
                params: None,
                message: None,
            });
            record.shipping_clawback = amount_of(c);
        }
    }

    // Gifts with purchase.
    let mut gift_deduction = zero;
    let mut gifts_to_return = Vec::new();
    if returning && now_units.keys().any(|id| checked.lines.get(id).is_some_and(|l| l.gift_of.is_none())) {
        let deducted_before = &earlier.gifts_deducted;
        for gift in checked.lines.values() {
            let Some(promo) = &gift.gift_of else { continue };
            if gift_still_earned(rules, &checked, promo, &after_units)? {
                continue;
            }
            let owed = gift
                .quantity
                .saturating_sub(after_units(&gift.id))
                .saturating_sub(deducted_before.get(&gift.id).copied().unwrap_or(0));
            if owed == 0 {
                continue;
            }
            match cfg.gift_policy {
                GiftPolicy::ReturnWithItem => gifts_to_return.push(GiftToReturn {
                    line_id: gift.id.clone(),
                    promotion_id: promo.clone(),
                    quantity: owed,
                }),
                GiftPolicy::DeductValue => {
                    let value = gift.gift_value.checked_mul_qty(u64::from(owed)).map_err(oops("receipt.lines"))?;
                    let d = value.min(running).map_err(oops("receipt.lines"))?;
                    running = running.checked_sub(d).map_err(oops("receipt.lines"))?;
                    gift_deduction = gift_deduction.checked_add(d).map_err(oops("receipt.lines"))?;
                    parts.push(RefundPart {
                        code: RefundPartCode::GiftDeduction,
                        rule: format!("promotion:{promo}"),
                        line_id: Some(gift.id.clone()),
                        amount: zero.checked_sub(d).map_err(oops("receipt.lines"))?,
                        reason: None,
                        params: None,
                        message: None,
                    });
                    record.gifts_deducted.push(ReturnRecordGift { line_id: gift.id.clone(), quantity: owed });
                }
            }
        }
    }

    // Return shipping.
    let mut return_shipping = zero;
    let (payer, shipping_rule) = if !strict {
        (ShippingPayer::Merchant, "reason:quality".to_string())
    } else if cfg.free_return_shipping {
        (ShippingPayer::Merchant, "returns.free_return_shipping".to_string())
    } else if let Some(t) = tier.filter(|t| t.benefits.free_return_shipping) {
        (ShippingPayer::Merchant, format!("tier:{}", t.id))
    } else {
        (ShippingPayer::Customer, "returns.return_shipping_fee".to_string())
    };
    if returning && payer == ShippingPayer::Customer {
        if let Some(fee) = cfg.return_shipping_fee {
            let d = Money::new(fee.value(), cur).min(running).map_err(oops("returns.return_shipping_fee"))?;
            if !d.is_zero() {
                running = running.checked_sub(d).map_err(oops("returns.return_shipping_fee"))?;
                return_shipping = d;
                parts.push(RefundPart {
                    code: RefundPartCode::ReturnShipping,
                    rule: "returns.return_shipping_fee".into(),
                    line_id: None,
                    amount: zero.checked_sub(d).map_err(oops("returns.return_shipping_fee"))?,
                    reason: None,
                    params: None,
                    message: None,
                });
            }
        }
    }

    // Restocking fee.
    let mut restocking_fee = zero;
    if let (true, true, Some(pct)) = (returning, strict, cfg.restocking_fee_percent) {
        let path = "returns.restocking_fee_percent";
        let fraction = pct.fraction().ok_or_else(|| overflow(path))?;
        let fee = items_total.checked_mul(fraction).map_err(oops(path))?.round(rules.rounding.mode);
        let d = fee.min(running).map_err(oops(path))?;
        if !d.is_zero() {
            running = running.checked_sub(d).map_err(oops(path))?;
            restocking_fee = d;
            parts.push(RefundPart {
                code: RefundPartCode::RestockingFee,
                rule: path.into(),
                line_id: None,
                amount: zero.checked_sub(d).map_err(oops(path))?,
                reason: None,
                params: None,
                message: None,
            });
        }
    }

    // A late return's fee.
    let mut late_return_fee = zero;
    if let (true, Some((days, i, tier))) = (returning, late) {
        let rule = format!("returns.late_return_fees[{i}]");
        let fraction = tier.fee_percent.fraction().ok_or_else(|| overflow(&rule))?;
        let fee = items_total.checked_mul(fraction).map_err(oops(&rule))?.round(rules.rounding.mode);
        let d = fee.min(running).map_err(oops(&rule))?;
        if !d.is_zero() {
            running = running.checked_sub(d).map_err(oops(&rule))?;
            late_return_fee = d;
            let params = ReturnReasonParams {
                deadline,
                days_late: Some(days),
                percent: Some(tier.fee_percent),
                ..Default::default()
            };
            parts.push(RefundPart {
                code: RefundPartCode::LateReturnFee,
                rule,
                line_id: None,
                amount: zero.checked_sub(d).map_err(oops("returns.late_return_fees"))?,
                reason: Some(ReturnReasonCode::LateReturn),
                message: Some(reason_text(ReturnReasonCode::LateReturn, &params, req.locale)),
                params: Some(params),
            });
        }
    }

    // Deductions for the condition of returned lines (not on quality returns).
    let mut condition_deduction = zero;
    if returning && strict && !cfg.condition_deductions.is_empty() {
        for a in answers.iter().filter(|a| a.eligible) {
            let Some(it) = items.iter().find(|it| it.line_id == a.line_id) else { continue };
            let condition = it.condition.unwrap_or(req.condition);
            let Some((k, rule_pct)) = cfg
                .condition_deductions
                .iter()
                .enumerate()
                .find(|(_, c)| c.condition == condition)
                .map(|(k, c)| (k, c.percent))
            else {
                continue;
            };
            let pct = it.assessed_percent.map_or(rule_pct, |x| if x.value() < rule_pct.value() { x } else { rule_pct });
            let rule = format!("returns.condition_deductions[{k}]");
            let fraction = pct.fraction().ok_or_else(|| overflow(&rule))?;
            let fee = a.amount.checked_mul(fraction).map_err(oops(&rule))?.round(rules.rounding.mode);
            let d = fee.min(running).map_err(oops(&rule))?;
            if d.is_zero() {
                continue;
            }
            running = running.checked_sub(d).map_err(oops(&rule))?;
            condition_deduction = condition_deduction.checked_add(d).map_err(oops(&rule))?;
            let params = ReturnReasonParams { condition: Some(condition), percent: Some(pct), ..Default::default() };
            parts.push(RefundPart {
                code: RefundPartCode::ConditionDeduction,
                rule,
                line_id: Some(a.line_id.clone()),
                amount: zero.checked_sub(d).map_err(oops("returns.condition_deductions"))?,
                reason: Some(ReturnReasonCode::ItemCondition),
                message: Some(reason_text(ReturnReasonCode::ItemCondition, &params, req.locale)),
                params: Some(params),
            });
        }
    }

    // Points.
    let mut points = None;
    let mut points_deduction = zero;
    let point_lines: Vec<&Line> = checked.lines.values().filter(|l| l.earned > 0 || l.redeemed > 0).collect();
    let mut bonus_reversals = Vec::new();
    if returning {
        let before_units = |id: &str| -> u32 { before.get(id).copied().unwrap_or(0) };
        for b in &checked.bonuses {
            let t_after = bonus_target(&checked, b, &after_units)?;
            let t_before = bonus_target(&checked, b, &before_units)?;
            let points = t_after.saturating_sub(t_before);
            if points > 0 {
                bonus_reversals.push(BonusReversal { bonus_id: b.id.clone(), on_return: b.on_return, points });
            }
        }
    }
    if !point_lines.is_empty() || !bonus_reversals.is_empty() {
        let lines: Vec<ClawbackLine> = point_lines
            .iter()
            .map(|l| ClawbackLine {
                line_id: l.id.clone(),
                quantity: l.quantity,
                earned: l.earned,
                redeemed: l.redeemed,
                returned_before: before.get(&l.id).copied().unwrap_or(0),
                returning: now_units.get(&l.id).copied().unwrap_or(0),
            })
            .collect();
        let covering = point_lines.iter().fold(0_u64, |a, l| a.saturating_add(l.earned));
        let covering = checked.bonuses.iter().fold(covering, |a, b| a.saturating_add(b.points));
        let balance = req.points_balance.unwrap_or_else(|| i64::try_from(covering).unwrap_or(i64::MAX));
        let redeemed_lots = req.receipt.points.as_ref().map(|p| p.lots_consumed.clone()).unwrap_or_default();
        let c = crate::points::clawback_with_bonuses(
            rules,
            limits,
            &PointsClawbackRequest { now: req.now, lines, redeemed_lots, balance },
            bonus_reversals,
        )?;
        // Points given back into a lot already expired are worth nothing:
        // the value reported is that of the points still valid.
        if c.redeemed_expired > 0 {
            let path = "receipt.points.lots_consumed";
            let all = c.redeemed_returned.checked_add(c.redeemed_expired).ok_or_else(|| overflow(path))?;
            let minor = points_value.to_minor().ok_or_else(|| overflow(path))?;
            let live = minor
                .checked_mul(i128::from(c.redeemed_returned))
                .and_then(|v| v.checked_div(i128::from(all)))
                .and_then(|v| i64::try_from(v).ok())
                .ok_or_else(|| overflow(path))?;
            points_value = Money::from_minor(live, cur);
        }
        if let Some(d) = c.refund_deduction {
            let d = d.min(running).map_err(oops("points_balance"))?;
            if !d.is_zero() {
                running = running.checked_sub(d).map_err(oops("points_balance"))?;
                points_deduction = d;
                parts.push(RefundPart {
                    code: RefundPartCode::PointsDeduction,
                    rule: "points.clawback".into(),
                    line_id: None,
                    amount: zero.checked_sub(d).map_err(oops("points_balance"))?,
                    reason: None,
                    params: None,
                    message: None,
                });
            }
        }
        points = Some(c);
    }

    // Whatever the records say, the refunds never exceed what was paid.
    let refunded = earlier.refunded.checked_add(running).map_err(oops("earlier_returns"))?;
    if refunded.checked_cmp(checked.grand_total).map_err(oops("earlier_returns"))?.is_gt() {
        return Err(Error::request(
            ErrorCode::InconsistentRecord,
            "earlier_returns",
            format!(
                "the earlier returns refund {} and this one {running}: more than the grand total {}",
                earlier.refunded, checked.grand_total
            ),
        ));
    }
    record.total = amount_of(running);
    let (tenders, to_original_payment) = tender_refunds(cfg, &checked, earlier.refunded, running)?;
    Ok(ReturnRefundAnswer {
        currency: cur,
        reason: req.reason,
        lines: answers,
        refund: RefundBreakdown {
            items: items_total,
            discount_clawback: clawback_total,
            gift_deduction,
            original_shipping,
            shipping_clawback,
            return_shipping,
            restocking_fee,
            late_return_fee,
            condition_deduction,
            points_deduction,
            points_value,
            customs_tax: customs.as_ref().map(|c| c.tax_refunded),
            total: running,
            parts,
            tenders,
            to_original_payment,
        },
        return_shipping_paid_by: payer,
        return_shipping_rule: shipping_rule,
        gifts_to_return,
        points,
        customs,
        record,
    })
}

/// The clawback of promotion `id` once `after` units of each line have been
/// returned: the discount allocated to the kept units less what the kept
/// units still earn, never negative. Zero for promotions without a
/// threshold or no longer in the rule set.
fn clawback_target(
    rules: &CompiledRules,
    checked: &Checked,
    facts: &Facts<'_>,
    id: &str,
    after: &dyn Fn(&str) -> u32,
) -> Result<Money, Error> {
    let cur = rules.currency;
    let zero = Money::zero(cur);
    let path = "receipt.promotions";
    let Some(promo) = rules.promotions.get(id) else {
        return Ok(zero);
    };
    let (mut kept_basis, mut kept_discount) = (zero, zero);
    for l in checked.lines.values() {
        let Some(pos) = l.adjustments.iter().position(|(rule, _)| rule == id) else { continue };
        let mut basis = l.subtotal;
        let mut own = zero;
        for (k, (rule, amt)) in l.adjustments.iter().enumerate() {
            if rule == id {
                own = own.checked_add(*amt).map_err(oops(path))?;
            } else if k < pos && promo.basis == Basis::Discounted {
                basis = basis.checked_sub(*amt).map_err(oops(path))?;
            }
        }
        let r = after(&l.id);
        let kb = basis.checked_sub(settled(basis, l.quantity, r).ok_or_else(|| overflow(path))?).map_err(oops(path))?;
        let kd = own.checked_sub(settled(own, l.quantity, r).ok_or_else(|| overflow(path))?).map_err(oops(path))?;
        kept_basis = kept_basis.checked_add(kb).map_err(oops(path))?;
        kept_discount = kept_discount.checked_add(kd).map_err(oops(path))?;
    }
    let still = match cart_still_holds(checked, facts, promo, after)? {
        true => still_earned(promo, kept_basis, kept_discount)?,
        false => zero,
    };
    let still = still.min(kept_discount).map_err(oops(path))?;
    let c = kept_discount.checked_sub(still).map_err(oops(path))?;
    Ok(if c.is_negative() { zero } else { c })
}

/// The shipping discount to have deducted once `after` units of each line
/// are returned: the receipt's discount less what the kept items still earn
/// on the same option (the rule that gave it when it still holds; else the
/// best free-shipping rule, tier benefit or free-shipping promotion that
/// does); with `deduct_kept_share`, only the kept lines' share of that loss
/// (`floor(loss × kept share / discount)` in minor units).
fn lost_shipping_target(
    rules: &CompiledRules,
    policy: LostShippingDiscount,
    checked: &Checked,
    sd: &ShippingDiscount,
    after: &dyn Fn(&str) -> u32,
    tier: Option<&str>,
) -> Result<Money, Error> {
    let cur = rules.currency;
    let zero = Money::zero(cur);
    let path = "receipt.shipping";
    let (mut subtotal, mut pieces, mut kept_share) = (zero, 0_u64, zero);
    for l in checked.lines.values() {
        let r = after(&l.id);
        let kept = |whole: Money| -> Result<Money, Error> {
            whole.checked_sub(settled(whole, l.quantity, r).ok_or_else(|| overflow(path))?).map_err(oops(path))
        };
        subtotal = subtotal.checked_add(kept(l.net)?).map_err(oops(path))?;
        kept_share = kept_share.checked_add(kept(l.shipping_discount)?).map_err(oops(path))?;
        if l.gift_of.is_none() {
            pieces = pieces.saturating_add(u64::from(l.quantity.saturating_sub(r)));
        }
    }
    let k = crate::quote::KeptCart {
        zone_id: &sd.zone_id,
        remote: sd.remote,
        method_id: &sd.method_id,
        price: sd.price,
        subtotal,
        pieces,
        tier,
    };
    // The rule that gave the discount: does it still hold? A rule, tier or
    // promotion the rule set no longer has is taken to hold.
    let holds = if let Some(id) = sd.rule.strip_prefix("free_shipping:") {
        crate::quote::free_shipping_rule_holds(rules, id, &k).unwrap_or(true)
    } else if let Some(id) = sd.rule.strip_prefix("promotion:") {
        !rules.promotions.by_id.contains_key(id) || gift_still_earned(rules, checked, id, after)?
    } else {
        true
    };
    if holds {
        return Ok(zero);
    }
    let mut still = crate::quote::kept_rule_discount(rules, &k).map_err(oops(path))?;
    for id in &checked.promotions {
        let Some(promo) = rules.promotions.get(id) else {
            continue;
        };
        let Benefit::FreeShipping { methods, exclude_remote, amount_off } = &promo.benefit else { continue };
        let covered = (methods.is_empty() || methods.contains(&sd.method_id)) && !(*exclude_remote && sd.remote);
        if covered && gift_still_earned(rules, checked, id, after)? {
            let gives = match amount_off {
                Some(off) => Money::new(off.value(), cur).min(sd.price).map_err(oops(path))?,
                None => sd.price,
            };
            still = still.max(gives).map_err(oops(path))?;
        }
    }
    let lost = sd.amount.checked_sub(still).map_err(oops(path))?;
    if lost.amount() <= Decimal::ZERO {
        return Ok(zero);
    }
    Ok(match policy {
        LostShippingDiscount::DeductKeptShare => {
            let (l, k, d) = (lost.to_minor(), kept_share.to_minor(), sd.amount.to_minor());
            let v = match (l, k, d) {
                (Some(l), Some(k), Some(d)) if d > 0 => l.checked_mul(k).and_then(|x| x.checked_div(d)),
                _ => None,
            };
            Money::from_minor(v.and_then(|v| i64::try_from(v).ok()).ok_or_else(|| overflow(path))?, cur)
        }
        _ => lost,
    })
}

/// Catalog facts of receipt lines, by line id.
type Facts<'a> = BTreeMap<&'a str, &'a ReturnLineFacts>;

/// Whether promotion `promo`'s own `cart_contains` conditions (the top
/// level of its `conditions`) still hold on the kept non-gift lines: the
/// lines its filter matches (by SKU and unit price from the receipt,
/// categories, tags and brand from `line_facts`) keep at least its
/// `min_quantity` units (default 1) and, with a `min_subtotal`, that much
/// on its basis (`original`: the lines' subtotal; `discounted`: their
/// `net`), prorated on kept units as refunds are. A condition that fails
/// only because a kept line without facts could not be matched is taken
/// to hold: nothing is clawed back on a guess.
fn cart_still_holds(
    checked: &Checked,
    facts: &Facts<'_>,
    promo: &crate::rules::CompiledPromotion,
    after: &dyn Fn(&str) -> u32,
) -> Result<bool, Error> {
    let path = "receipt.promotions";
    for (k, cc) in promo.conditions.cart_contains.iter().enumerate() {
        let Some(compiled) = promo.cart.get(k) else { continue };
        let mut units = 0_u64;
        let mut amount: Option<Money> = None;
        let mut unknown = false;
        for l in checked.lines.values().filter(|l| l.gift_of.is_none()) {
            let r = after(&l.id);
            let kept = l.quantity.saturating_sub(r);
            if kept == 0 {
                continue;
            }
            let f = facts.get(l.id.as_str());
            if f.is_none() && compiled.filter.needs_catalog() {
                unknown = true;
                continue;
            }
            let line = crate::rules::LineFacts {
                sku: &l.sku,
                categories: f.map_or(&[][..], |f| &f.categories),
                tags: f.map_or(&[][..], |f| &f.tags),
                brand: f.and_then(|f| f.brand.as_deref()),
                on_sale: false,
                unit_price: l.unit_price.amount(),
            };
            if !compiled.filter.matches(&line) {
                continue;
            }
            units = units.saturating_add(u64::from(kept));
            if let Some(min) = &cc.min_subtotal {
                let basis = if min.basis == Basis::Original { l.subtotal } else { l.net };
                let settled = settled(basis, l.quantity, r).ok_or_else(|| overflow(path))?;
                let kb = basis.checked_sub(settled).map_err(oops(path))?;
                amount = Some(match amount {
                    Some(a) => a.checked_add(kb).map_err(oops(path))?,
                    None => kb,
                });
            }
        }
        let enough_units = units >= u64::from(cc.min_quantity.unwrap_or(1));
        let enough_amount = match &cc.min_subtotal {
            Some(min) => amount.is_some_and(|a| a.amount() >= min.amount.value()),
            None => true,
        };
        let holds = enough_units && enough_amount;
        if !holds && !unknown {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What a threshold promotion still gives on `kept` (its basis amount):
/// the tier reached for spend tiers, the steps for every-spend, nothing
/// below a minimum subtotal; other promotions keep `kept_discount`.
fn still_earned(promo: &crate::rules::CompiledPromotion, kept: Money, kept_discount: Money) -> Result<Money, Error> {
    let cur = kept.currency();
    let zero = Money::zero(cur);
    let path = "receipt.promotions";
    if let Some(min) = &promo.conditions.min_subtotal {
        if kept.amount() < min.amount.value() {
            return Ok(zero);
        }
    }
    Ok(match &promo.benefit {
        Benefit::SpendTiers { tiers } => tiers
            .iter()
            .filter(|t| t.min_spend.value() <= kept.amount())
            .map(|t| t.discount.value())
            .max()
            .map_or(zero, |d| Money::new(d, cur)),
        Benefit::EverySpend { every, discount, max_discount } => {
            if every.value() <= Decimal::ZERO {
                return Ok(zero);
            }
            let steps = kept.amount().checked_div(every.value()).ok_or_else(|| overflow(path))?.floor();
            let d = discount.value().checked_mul(steps).ok_or_else(|| overflow(path))?;
            let d = max_discount.map_or(d, |m| d.min(m.value()));
            Money::new(d, cur)
        }
        _ => kept_discount,
    })
}

/// Whether a gift's promotion still holds on the kept non-gift lines
/// (its minimum subtotal and minimum quantity), and some are kept.
fn gift_still_earned(
    rules: &CompiledRules,
    checked: &Checked,
    promo_id: &str,
    after: &dyn Fn(&str) -> u32,
) -> Result<bool, Error> {
    let cur = rules.currency;
    let path = "receipt.lines";
    let (mut kept_amount, mut kept_units) = (Money::zero(cur), 0_u64);
    for l in checked.lines.values().filter(|l| l.gift_of.is_none()) {
        let r = after(&l.id);
        let k =
            l.paid.checked_sub(settled(l.paid, l.quantity, r).ok_or_else(|| overflow(path))?).map_err(oops(path))?;
        kept_amount = kept_amount.checked_add(k).map_err(oops(path))?;
        kept_units = kept_units.saturating_add(u64::from(l.quantity.saturating_sub(r)));
    }
    if kept_units == 0 {
        return Ok(false);
    }
    let Some(promo) = rules.promotions.get(promo_id) else {
        return Ok(true);
    };
    let c = &promo.conditions;
    let amount_ok = c.min_subtotal.as_ref().is_none_or(|m| kept_amount.amount() >= m.amount.value());
    let units_ok = c.min_quantity.is_none_or(|q| kept_units >= u64::from(q));
    Ok(amount_ok && units_ok)
}

/// The points of bonus `b` reversed once `after` units of each line have
/// been returned (never decreasing as more is returned; all of them once
/// everything is): `all`, in full once any unit it covers is returned;
/// `proportional`, per line by units for a per-unit bonus, else by the
/// items' `net` returned (`floor(points × returned / net)`, by units when
/// the items cost nothing); `when_condition_fails`, in full once the
/// condition no longer holds on the kept items (the spend threshold on the
/// kept `net`; nothing kept for an order or first-order bonus; per unit, as
/// `proportional`, for a per-unit bonus).
fn bonus_target(checked: &Checked, b: &Bonus, after: &dyn Fn(&str) -> u32) -> Result<u64, Error> {
    let path = "receipt.points.bonuses";
    if b.kind == BonusKind::PerUnit {
        let mut sum = 0_u64;
        for (id, pts) in &b.lines {
            let Some(l) = checked.lines.get(id) else { continue };
            let r = after(id);
            let t = match b.on_return {
                BonusReturn::All if r > 0 => *pts,
                BonusReturn::All => 0,
                _ => settled_after(*pts, l.quantity, r).ok_or_else(|| overflow(path))?,
            };
            sum = sum.checked_add(t).ok_or_else(|| overflow(path))?;
        }
        return Ok(sum);
    }
    let cur = checked.grand_total.currency();
    let (mut net, mut returned_net, mut units, mut returned_units) = (Money::zero(cur), Money::zero(cur), 0_u64, 0_u64);
    for l in checked.lines.values().filter(|l| l.gift_of.is_none()) {
        let r = after(&l.id);
        net = net.checked_add(l.net).map_err(oops(path))?;
        let part = settled(l.net, l.quantity, r).ok_or_else(|| overflow(path))?;
        returned_net = returned_net.checked_add(part).map_err(oops(path))?;
        units = units.saturating_add(u64::from(l.quantity));
        returned_units = returned_units.saturating_add(u64::from(r));
    }
    let share = |num: i128, den: i128| -> Result<u64, Error> {
        if den <= 0 {
            return Ok(0);
        }
        i128::from(b.points)
            .checked_mul(num)
            .and_then(|v| v.checked_div(den))
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| overflow(path))
    };
    Ok(match b.on_return {
        BonusReturn::All if returned_units > 0 => b.points,
        BonusReturn::All => 0,
        BonusReturn::Proportional => match (returned_net.to_minor(), net.to_minor()) {
            (Some(r), Some(n)) if n > 0 => share(r, n)?,
            _ => share(i128::from(returned_units), i128::from(units))?,
        },
        BonusReturn::WhenConditionFails => {
            let fails = match (b.kind, b.min_spend) {
                (BonusKind::SpendThreshold, Some(min)) => {
                    let kept = net.checked_sub(returned_net).map_err(oops(path))?;
                    kept.checked_cmp(min).map_err(oops(path))?.is_lt()
                }
                _ => returned_units >= units,
            };
            if fails {
                b.points
            } else {
                0
            }
        }
    })
}

/// Splits a refund between the receipt's tenders and the original payment.
/// The refunds of every return, in order, fill the payers in
/// `tender_refund_order` (tenders first by default, in the receipt's
/// order), each up to what it paid: this return's share of a payer is what
/// it has back after this return less what it had back before, so over
/// every return no tender gets back more than it paid.
fn tender_refunds(
    cfg: &ReturnsConfig,
    checked: &Checked,
    before: Money,
    now: Money,
) -> Result<(Vec<TenderRefund>, Option<Money>), Error> {
    if checked.tenders.is_empty() {
        return Ok((Vec::new(), None));
    }
    let path = "receipt.payment";
    let cur = checked.grand_total.currency();
    let zero = Money::zero(cur);
    let by_tenders = Money::checked_sum(cur, checked.tenders.iter().map(|(_, m)| *m)).map_err(oops(path))?;
    let original = checked.grand_total.checked_sub(by_tenders).map_err(oops(path))?;
    let mut payers: Vec<(Option<&str>, Money)> =
        checked.tenders.iter().map(|(id, m)| (Some(id.as_str()), *m)).collect();
    match cfg.tender_refund_order {
        crate::rules::TenderRefundOrder::TendersFirst => payers.push((None, original)),
        crate::rules::TenderRefundOrder::OriginalPaymentFirst => payers.insert(0, (None, original)),
    }
    let after = before.checked_add(now).map_err(oops(path))?;
    // What a payer starting at `start` with `cap` has back once `r` is refunded.
    let back = |r: Money, start: Money, cap: Money| -> Result<Money, Error> {
        let over = r.checked_sub(start).map_err(oops(path))?.max(zero).map_err(oops(path))?;
        over.min(cap).map_err(oops(path))
    };
    let (mut start, mut out, mut to_original) = (zero, Vec::new(), zero);
    for (id, cap) in payers {
        let part = back(after, start, cap)?.checked_sub(back(before, start, cap)?).map_err(oops(path))?;
        start = start.checked_add(cap).map_err(oops(path))?;
        match id {
            Some(id) => out.push(TenderRefund { tender_id: id.to_string(), amount: part }),
            None => to_original = part,
        }
    }
    Ok((out, Some(to_original)))
}
