//! Returns: eligibility per line, exact refunds (discounts prorated and
//! clawed back, gifts, shipping, fees, points) and price protection (价保).
//!
//! Refunds are cumulative: after `r` of a line's `q` units have been
//! returned, `floor(paid × r / q)` of what was paid for the line has been
//! refunded, so the last return settles the remainder and any sequence of
//! returns refunds exactly what was paid.

mod price;
mod receipt;
mod records;
mod refund;

pub use price::{
    CurrentPrice, PriceProtectionAnswer, PriceProtectionLine, PriceProtectionRecord, PriceProtectionRequest,
};
pub use receipt::{
    Receipt, ReceiptAdjustment, ReceiptBonus, ReceiptCbec, ReceiptLanded, ReceiptLandedLine, ReceiptLine,
    ReceiptLineShipping, ReceiptOrderPoints, ReceiptPayment, ReceiptPoints, ReceiptPromotion, ReceiptShipping,
    ReceiptShippingOption, ReceiptTax, ReceiptTender, ReceiptTotals,
};
pub use refund::{
    CustomsRefund, FulfilledLine, GiftToReturn, ItemCondition, RefundBreakdown, RefundPart, RefundPartCode, ReturnItem,
    ReturnLineAnswer, ReturnLineFacts, ReturnReason, ReturnRecord, ReturnRecordClawback, ReturnRecordGift,
    ReturnRecordLine, ReturnRefundAnswer, ReturnRefundRequest, ShippingPayer, TenderRefund,
};

pub(crate) use price::price_protection;
pub(crate) use refund::return_refund;

use schemars::JsonSchema;
use serde::Serialize;

use crate::messages::Lang;
use crate::time::LocalDate;

/// Why a line cannot be returned, or why price protection owes nothing. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReturnReasonCode {
    /// The order has not been delivered yet.
    NotDelivered,
    /// The rule set accepts no return for this reason.
    ReasonNotAccepted,
    /// The window ended; `deadline` was its last day.
    WindowExpired,
    /// The category cannot be returned without a reason; `category` names it.
    ExemptCategory,
    /// The item was sold as final sale.
    FinalSale,
    /// The category is returnable without a reason only unopened; `category` names it.
    MustBeUnopened,
    /// Every unit of the line has been returned already.
    AlreadyReturned,
    /// More units than remain; `remaining` says how many do.
    QuantityExceedsRemaining,
    /// Price protection: the rule set offers none.
    NotOffered,
    /// Price protection: the line was claimed already.
    AlreadyClaimed,
    /// Price protection: no current price was sent for the SKU.
    NoCurrentPrice,
    /// Price protection: today's price is a flash-sale price, which is left out.
    FlashSaleExcluded,
    /// Price protection: today's price is not lower.
    PriceNotLower,
    /// Some of the units requested were never shipped (`fulfilled`); `remaining`
    /// says how many shipped units remain to return.
    NotShipped,
    /// A refund part: the return is `days_late` days past the `deadline`;
    /// the fee is `percent` of the items refunded.
    LateReturn,
    /// A refund part: the line came back in `condition`; `percent` of its
    /// refund is deducted.
    ItemCondition,
}

/// Parameters of a return reason; only those that apply are present.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, JsonSchema)]
pub struct ReturnReasonParams {
    /// The last local day of the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<LocalDate>,
    /// The category at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Units that remain returnable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u32>,
    /// Days past the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_late: Option<u32>,
    /// The returned items' condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<ItemCondition>,
    /// The percentage a fee or deduction takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<crate::money::Percent>,
}

/// The default text of a return reason.
///
/// ```
/// use commerce_rules::returns::{reason_text, ReturnReasonCode, ReturnReasonParams};
/// use commerce_rules::messages::Lang;
/// let p = ReturnReasonParams { remaining: Some(1), ..Default::default() };
/// assert_eq!(reason_text(ReturnReasonCode::QuantityExceedsRemaining, &p, Lang::En), "only 1 unit(s) remain to return");
/// assert_eq!(reason_text(ReturnReasonCode::QuantityExceedsRemaining, &p, Lang::ZhHans), "仅剩 1 件可退");
/// ```
pub fn reason_text(code: ReturnReasonCode, p: &ReturnReasonParams, lang: Lang) -> String {
    let deadline = p.deadline.map(|d| d.to_string()).unwrap_or_default();
    let category = p.category.clone().unwrap_or_default();
    let remaining = p.remaining.unwrap_or_default();
    let days_late = p.days_late.unwrap_or_default();
    let percent = p.percent.map(|x| x.to_string()).unwrap_or_default();
    let zh = lang == Lang::ZhHans;
    match code {
        ReturnReasonCode::NotDelivered => {
            if zh {
                "订单尚未签收".into()
            } else {
                "the order has not been delivered yet".into()
            }
        }
        ReturnReasonCode::ReasonNotAccepted => {
            if zh {
                "不支持该退货原因".into()
            } else {
                "returns for this reason are not accepted".into()
            }
        }
        ReturnReasonCode::WindowExpired => {
            if zh {
                format!("退货期已于 {deadline} 结束")
            } else {
                format!("the return window ended on {deadline}")
            }
        }
        ReturnReasonCode::ExemptCategory => {
            if zh {
                format!("{category} 类商品不支持无理由退货")
            } else {
                format!("{category} items cannot be returned without a reason")
            }
        }
        ReturnReasonCode::FinalSale => {
            if zh {
                "该商品为最终销售商品，不退不换".into()
            } else {
                "final-sale items cannot be returned".into()
            }
        }
        ReturnReasonCode::MustBeUnopened => {
            if zh {
                format!("{category} 类商品拆封后不支持无理由退货")
            } else {
                format!("{category} items can be returned only unopened")
            }
        }
        ReturnReasonCode::AlreadyReturned => {
            if zh {
                "该商品已全部退回".into()
            } else {
                "every unit has been returned already".into()
            }
        }
        ReturnReasonCode::QuantityExceedsRemaining => {
            if zh {
                format!("仅剩 {remaining} 件可退")
            } else {
                format!("only {remaining} unit(s) remain to return")
            }
        }
        ReturnReasonCode::NotOffered => {
            if zh {
                "不提供价格保护".into()
            } else {
                "price protection is not offered".into()
            }
        }
        ReturnReasonCode::AlreadyClaimed => {
            if zh {
                "已申请过价保".into()
            } else {
                "price protection was claimed already".into()
            }
        }
        ReturnReasonCode::NoCurrentPrice => {
            if zh {
                "没有当前价格".into()
            } else {
                "no current price was given".into()
            }
        }
        ReturnReasonCode::FlashSaleExcluded => {
            if zh {
                "秒杀价不参与价保".into()
            } else {
                "flash-sale prices are not protected".into()
            }
        }
        ReturnReasonCode::PriceNotLower => {
            if zh {
                "当前价格未降低".into()
            } else {
                "the price has not dropped".into()
            }
        }
        ReturnReasonCode::NotShipped => {
            if zh {
                format!("部分商品尚未发货，仅 {remaining} 件已发货可退")
            } else {
                format!("units not shipped cannot be returned; {remaining} shipped unit(s) remain to return")
            }
        }
        ReturnReasonCode::LateReturn => {
            if zh {
                format!("超过退货期（{deadline}）{days_late} 天退货，收取退款的 {percent}%")
            } else {
                format!("returned {days_late} day(s) after the deadline {deadline}: a fee of {percent} % of the refund")
            }
        }
        ReturnReasonCode::ItemCondition => {
            let (en, zh_text) = match p.condition.unwrap_or_default() {
                ItemCondition::Unopened => ("unopened", "未拆封"),
                ItemCondition::Opened => ("opened", "已拆封"),
                ItemCondition::Damaged => ("damaged", "已损坏"),
            };
            if zh {
                format!("商品{zh_text}，扣除该商品退款的 {percent}%")
            } else {
                format!("returned {en}: {percent} % of the item's refund deducted")
            }
        }
    }
}
