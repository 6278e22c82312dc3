//! The `returns` section: return windows by reason, exemptions, campaign
//! extensions, refund policy (threshold clawback, gifts, shipping, restocking
//! fees) and price protection.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{amount_valid, labels, JsonPath, Problems};
use crate::money::{Amount, Currency, Percent};
use crate::time::{LocalDate, WindowBound};
use crate::{ErrorCode, Limits};

/// How returns and price protection work.
///
/// ```
/// use commerce_rules::rules::ReturnsConfig;
/// let r: ReturnsConfig = serde_json::from_str(r#"{
///     "windows": {"no_reason_days": 7, "quality_days": 15},
///     "exempt_categories": ["fresh", "custom"], "final_sale_tag": "final_sale",
///     "return_shipping_fee": "10.00", "restocking_fee_percent": "5"
/// }"#).unwrap();
/// assert_eq!(r.windows.no_reason_days, Some(7));
/// assert!(r.clawback_thresholds);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnsConfig {
    /// Days to return, by reason, counted from the day after delivery (签收次日); a reason without days is not accepted.
    #[serde(default)]
    pub windows: ReturnWindows,
    /// Categories that cannot be returned without a reason (customised, fresh, downloaded digital content, periodicals...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempt_categories: Vec<String>,
    /// A line tag marking final-sale items, which cannot be returned without a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_sale_tag: Option<String>,
    /// Categories returnable without a reason only unopened (sealed audio-visual, software...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unopened_categories: Vec<String>,
    /// Orders placed inside a campaign returnable until a fixed local date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaign_extensions: Vec<CampaignExtension>,
    /// Whether the discount of a threshold promotion (spend tiers, every-spend,
    /// minimum subtotal) the kept items no longer earn is deducted from the refund; default true.
    #[serde(default = "yes")]
    pub clawback_thresholds: bool,
    /// What happens to a gift with purchase when its promotion no longer holds; default `deduct_value`.
    #[serde(default)]
    pub gift_policy: GiftPolicy,
    /// What the customer pays for return shipping on a return without a quality problem; absent: nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_shipping_fee: Option<Amount>,
    /// Whether the merchant covers return shipping for every reason (运费险); default false.
    #[serde(default)]
    pub free_return_shipping: bool,
    /// A restocking fee on returns without a quality problem, in percent of the items refunded (0 to 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restocking_fee_percent: Option<Percent>,
    /// When the original shipping is refunded.
    #[serde(default)]
    pub original_shipping: OriginalShippingRefund,
    /// What happens to a shipping discount (包邮, a free-shipping threshold,
    /// a free-shipping promotion) the kept items no longer earn after a
    /// return: `waive` (default: nothing is deducted), `deduct` (the
    /// discount lost) or `deduct_kept_share` (the kept lines' share of it).
    #[serde(default, skip_serializing_if = "is_waive")]
    pub lost_shipping_discount: LostShippingDiscount,
    /// Returns after the deadline, for a fee by days late (e.g. 10 % up to
    /// 7 days late, 100 % after); tiers ascending, only the last may be
    /// open-ended. Absent: a late return is refused (`window_expired`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub late_return_fees: Vec<LateReturnFee>,
    /// Deductions by the condition the host states for a returned line
    /// (`opened`, `damaged`), in percent of the line's refund; at most one
    /// per condition. Not on quality returns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_deductions: Vec<ConditionDeduction>,
    /// Where a refund goes back first when gift cards or stored value paid
    /// part of the order: `tenders_first` (default) or `original_payment_first`.
    #[serde(default, skip_serializing_if = "TenderRefundOrder::is_default")]
    pub tender_refund_order: TenderRefundOrder,
    /// Price protection (价保); absent: no price protection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_protection: Option<PriceProtection>,
}

/// The order in which a refund goes back to what paid the order. Each
/// tender gets back at most what it paid, over every return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenderRefundOrder {
    /// The gift cards and stored value first, in the receipt's order, then
    /// the original payment (the default).
    #[default]
    TendersFirst,
    /// The original payment first, then the tenders.
    OriginalPaymentFirst,
}

unit_enum!(TenderRefundOrder { TendersFirst = "tenders_first", OriginalPaymentFirst = "original_payment_first" });

impl TenderRefundOrder {
    fn is_default(&self) -> bool {
        *self == TenderRefundOrder::TendersFirst
    }
}

/// A fee tier for returns after the deadline.
///
/// ```
/// use commerce_rules::rules::LateReturnFee;
/// let t: LateReturnFee = serde_json::from_str(r#"{"up_to_days_late": 7, "fee_percent": "10"}"#).unwrap();
/// assert_eq!(t.up_to_days_late, Some(7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LateReturnFee {
    /// The most days past the deadline this tier covers (1 to 3650),
    /// counted in the merchant's local days: a return on the day after the
    /// deadline is 1 day late. Absent (last tier only): every later day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_days_late: Option<u32>,
    /// The fee, in percent of the items refunded (0 to 100), rounded with
    /// the rule set's rounding mode.
    pub fee_percent: Percent,
}

/// A deduction for items returned in a given condition.
///
/// ```
/// use commerce_rules::rules::ConditionDeduction;
/// let d: ConditionDeduction = serde_json::from_str(r#"{"condition": "damaged", "percent": "50"}"#).unwrap();
/// assert_eq!(d.percent.to_string(), "50");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionDeduction {
    /// The condition.
    pub condition: crate::returns::ItemCondition,
    /// The deduction, in percent of the line's refund (0 to 100): the most
    /// deducted; a returned line's `assessed_percent` may ask for less.
    pub percent: Percent,
}

fn yes() -> bool {
    true
}

/// Return windows in days, by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnWindows {
    /// No-reason returns (七天无理由: 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_reason_days: Option<u32>,
    /// Returns for a quality problem (15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_days: Option<u32>,
    /// Exchanges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_days: Option<u32>,
}

/// A campaign whose orders are returnable until a fixed date (双十一: until 2026-12-15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignExtension {
    /// The campaign id, named in answers.
    pub id: String,
    /// Orders placed from this moment (a local date is the start of that day).
    pub ordered_from: WindowBound,
    /// Orders placed until this moment (a local date covers the whole day).
    pub ordered_until: WindowBound,
    /// The last local day of the return window for those orders.
    pub returnable_until: LocalDate,
}

/// What happens to a gift with purchase on a return that breaks its promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GiftPolicy {
    /// The gift's recorded value is deducted from the refund unless the gift is returned too.
    #[default]
    DeductValue,
    /// The gift must come back with the item; the answer lists it in `gifts_to_return` and deducts nothing.
    ReturnWithItem,
}

unit_enum!(GiftPolicy { DeductValue = "deduct_value", ReturnWithItem = "return_with_item" });

/// What a return deducts when the kept items no longer earn the order's
/// shipping discount. China's 网络购买商品七日无理由退货暂行办法, Art. 18: when a
/// return leaves the order short of a free-shipping condition, the seller
/// *may* deduct the shipping from the refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LostShippingDiscount {
    /// Nothing is deducted: the merchant bears the shipping it waived.
    #[default]
    Waive,
    /// The shipping discount the kept items no longer earn is deducted: the
    /// receipt's discount less what the kept items would still get.
    Deduct,
    /// Only the kept lines' share of that loss (by the receipt's per-line
    /// shipping discount) is deducted.
    DeductKeptShare,
}

unit_enum!(LostShippingDiscount { Waive = "waive", Deduct = "deduct", DeductKeptShare = "deduct_kept_share" });

fn is_waive(p: &LostShippingDiscount) -> bool {
    *p == LostShippingDiscount::Waive
}

/// When the original shipping is refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OriginalShippingRefund {
    /// On the return that leaves nothing kept; default true.
    #[serde(default = "yes")]
    pub on_full_return: bool,
    /// On a return for a quality problem (the seller's fault); default true.
    #[serde(default = "yes")]
    pub on_seller_fault: bool,
}

impl Default for OriginalShippingRefund {
    fn default() -> Self {
        OriginalShippingRefund { on_full_return: true, on_seller_fault: true }
    }
}

/// Price protection (价保).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceProtection {
    /// Days after the day of purchase during which a lower price is refunded (1 to 365).
    pub days: u32,
    /// Whether flash-sale prices are left out; default true.
    #[serde(default = "yes")]
    pub exclude_flash_sale: bool,
}

/// Most tiers in `late_return_fees` (and entries in `condition_deductions`).
const MAX_LATE_TIERS: usize = 20;

fn percent_ok(pct: Percent, at: &JsonPath<'_>, p: &mut Problems) {
    let v = pct.value();
    p.check(
        v.is_sign_negative() || v > rust_decimal::Decimal::ONE_HUNDRED,
        ErrorCode::OutOfRange,
        at,
        "must be between 0 and 100",
    );
}

/// Validates the `returns` section, reporting every problem.
pub(crate) fn check_returns(
    r: &ReturnsConfig,
    currency: Currency,
    tz: Option<crate::MerchantTimeZone>,
    limits: &Limits,
    p: &mut Problems,
) {
    let root = JsonPath::root();
    let at = root.field("returns");
    let windows = at.field("windows");
    for (name, days) in [
        ("no_reason_days", r.windows.no_reason_days),
        ("quality_days", r.windows.quality_days),
        ("exchange_days", r.windows.exchange_days),
    ] {
        if let Some(d) = days {
            p.check(d == 0 || d > 3650, ErrorCode::OutOfRange, &windows.field(name), "must be between 1 and 3650");
        }
    }
    labels(&r.exempt_categories, limits, &at.field("exempt_categories"), p);
    labels(&r.unopened_categories, limits, &at.field("unopened_categories"), p);
    if let Some(tag) = &r.final_sale_tag {
        p.id(tag, limits.max_id_bytes, &at.field("final_sale_tag"));
    }
    let ext = at.field("campaign_extensions");
    p.count(r.campaign_extensions.len(), limits.max_campaign_extensions, &ext);
    let mut ids = std::collections::HashSet::new();
    for (i, c) in r.campaign_extensions.iter().enumerate() {
        let cp = ext.index(i);
        p.id(&c.id, limits.max_id_bytes, &cp.field("id"));
        if !ids.insert(c.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &cp.field("id"), format!("campaign extension `{}` is defined twice", c.id));
        }
        if let Some(tz) = tz {
            if let (Some(s), Some(e)) = (c.ordered_from.as_start(tz), c.ordered_until.as_end(tz)) {
                p.check(e <= s, ErrorCode::InvalidWindow, &cp.field("ordered_until"), "must be after ordered_from");
            }
        }
    }
    if let Some(fee) = r.return_shipping_fee {
        amount_valid(fee, currency, &at.field("return_shipping_fee"), p);
    }
    if let Some(pct) = r.restocking_fee_percent {
        let v = pct.value();
        p.check(
            v.is_sign_negative() || v > rust_decimal::Decimal::ONE_HUNDRED,
            ErrorCode::OutOfRange,
            &at.field("restocking_fee_percent"),
            "must be between 0 and 100",
        );
    }
    let lp = at.field("late_return_fees");
    p.count(r.late_return_fees.len(), MAX_LATE_TIERS, &lp);
    let mut last: Option<u32> = None;
    for (i, t) in r.late_return_fees.iter().enumerate() {
        let tp = lp.index(i);
        percent_ok(t.fee_percent, &tp.field("fee_percent"), p);
        match t.up_to_days_late {
            Some(d) => {
                p.check(
                    d == 0 || d > 3650,
                    ErrorCode::OutOfRange,
                    &tp.field("up_to_days_late"),
                    "must be between 1 and 3650",
                );
                if last.is_some_and(|l| d <= l) {
                    p.add(
                        ErrorCode::OutOfRange,
                        &tp.field("up_to_days_late"),
                        "must be more than the tier before: tiers go from the fewest days late to the most",
                    );
                }
                last = Some(d);
            }
            None if i.saturating_add(1) < r.late_return_fees.len() => p.add(
                ErrorCode::MissingField,
                &tp.field("up_to_days_late"),
                "is required on every tier but the last (the last, without it, covers every later day)",
            ),
            None => {}
        }
    }
    let cp = at.field("condition_deductions");
    p.count(r.condition_deductions.len(), MAX_LATE_TIERS, &cp);
    for (i, d) in r.condition_deductions.iter().enumerate() {
        let dp = cp.index(i);
        percent_ok(d.percent, &dp.field("percent"), p);
        if r.condition_deductions.iter().take(i).any(|o| o.condition == d.condition) {
            p.add(ErrorCode::DuplicateId, &dp.field("condition"), "has a deduction already");
        }
    }
    if let Some(pp) = &r.price_protection {
        p.check(
            pp.days == 0 || pp.days > 365,
            ErrorCode::OutOfRange,
            &at.field("price_protection").field("days"),
            "must be between 1 and 365",
        );
    }
}
