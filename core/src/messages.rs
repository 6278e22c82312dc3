//! Default texts for stable codes, in English and Simplified Chinese.
//!
//! Hosts usually render their own text from the code and its parameters;
//! these defaults exist so that every code has a readable message.

use schemars::JsonSchema;
use serde::Serialize;

use crate::money::{Money, Percent};
use crate::reasons::{
    CustomsReason, EarningReason, Hint, HintCode, LandedPartCode, LandedRegime, NoShippingReason, PointsReason,
    ReasonCode, ReasonParams, ShippingReason, ShippingReasonParams,
};
use crate::rules::QualificationMetric;
use crate::time::LocalDate;
use crate::ErrorCode;

/// A language for default messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
pub enum Lang {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-Hans")]
    ZhHans,
}

unit_enum!(Lang { En = "en", ZhHans = "zh-Hans" });

/// The default one-line text for an error code.
///
/// ```
/// use commerce_rules::{messages::{error_text, Lang}, ErrorCode};
/// assert_eq!(error_text(ErrorCode::OutOfRange, Lang::En), "value out of range");
/// assert_eq!(error_text(ErrorCode::OutOfRange, Lang::ZhHans), "数值超出范围");
/// ```
pub fn error_text(code: ErrorCode, lang: Lang) -> &'static str {
    let (en, zh) = match code {
        ErrorCode::InvalidJson => ("invalid JSON", "JSON 格式错误"),
        ErrorCode::UnknownField => ("unknown field", "未知字段"),
        ErrorCode::MissingField => ("missing field", "缺少字段"),
        ErrorCode::InvalidValue => ("invalid value", "取值无效"),
        ErrorCode::JsonTooLarge => ("JSON too large", "JSON 过大"),
        ErrorCode::JsonTooDeep => ("JSON nested too deeply", "JSON 嵌套过深"),
        ErrorCode::LimitExceeded => ("limit exceeded", "超出限制"),
        ErrorCode::UnsupportedSchemaVersion => ("unsupported schema version", "不支持的规则版本"),
        ErrorCode::UnknownTimeZone => ("unknown time zone", "未知时区"),
        ErrorCode::OutOfRange => ("value out of range", "数值超出范围"),
        ErrorCode::DuplicateId => ("duplicate id", "标识重复"),
        ErrorCode::UnknownReference => ("unknown reference", "引用了未定义的标识"),
        ErrorCode::ConflictingFields => ("conflicting fields", "字段冲突"),
        ErrorCode::InvalidWindow => ("window ends before it starts", "时间窗口结束早于开始"),
        ErrorCode::CurrencyMismatch => ("currency mismatch", "币种不一致"),
        ErrorCode::TooPrecise => ("amount too precise for the currency", "金额精度超出币种最小单位"),
        ErrorCode::ArithmeticOverflow => ("amount out of range", "金额超出可计算范围"),
        ErrorCode::InconsistentReceipt => ("receipt does not add up", "订单凭据金额不符"),
        ErrorCode::InconsistentRecord => ("record contradicts the receipt", "记录与订单凭据不符"),
        ErrorCode::InvalidRules => ("invalid rule set", "规则集无效"),
        ErrorCode::InvalidArgument => ("invalid argument", "参数无效"),
        ErrorCode::Internal => ("internal error", "内部错误"),
    };
    match lang {
        Lang::En => en,
        Lang::ZhHans => zh,
    }
}

/// The default text of a reason a code, coupon or promotion did not apply.
///
/// ```
/// use commerce_rules::messages::{reason_text, Lang};
/// use commerce_rules::{Currency, Money, ReasonCode, ReasonParams};
/// let params = ReasonParams { shortfall: Some(Money::parse("23.00", Currency::CNY).unwrap()), ..Default::default() };
/// assert_eq!(reason_text(ReasonCode::MinSpendNotMet, &params, Lang::En), "spend 23.00 more to use it");
/// assert_eq!(reason_text(ReasonCode::MinSpendNotMet, &params, Lang::ZhHans), "还差 23.00 才能使用");
/// ```
pub fn reason_text(code: ReasonCode, p: &ReasonParams, lang: Lang) -> String {
    let zh = lang == Lang::ZhHans;
    let or = |v: &Option<String>| v.clone().unwrap_or_default();
    match code {
        ReasonCode::Unknown => pick(zh, "this code does not exist", "优惠码不存在"),
        ReasonCode::DuplicateCode => pick(zh, "this code was entered twice", "优惠码重复输入"),
        ReasonCode::NotStarted => match &p.valid_from {
            Some(f) if zh => format!("尚未开始，{f} 起可用"),
            Some(f) => format!("not valid until {f}"),
            None => pick(zh, "not started yet", "活动尚未开始"),
        },
        ReasonCode::Expired => pick(zh, "expired", "已过期"),
        ReasonCode::OutsideRecurringWindow => pick(zh, "not available at this hour", "当前时段不可用"),
        ReasonCode::MinSpendNotMet => {
            let s = p.shortfall.map(|m| m.to_string()).unwrap_or_default();
            if zh {
                format!("还差 {s} 才能使用")
            } else {
                format!("spend {s} more to use it")
            }
        }
        ReasonCode::MinQuantityNotMet => {
            let q = p.quantity_needed.unwrap_or(1);
            if zh {
                format!("还差 {q} 件才能使用")
            } else {
                format!("add {q} more item(s) to use it")
            }
        }
        ReasonCode::NoEligibleItems => pick(zh, "no item in the cart qualifies", "购物车中没有适用商品"),
        ReasonCode::CustomerNotEligible => pick(zh, "not available to this customer", "当前会员不可用"),
        ReasonCode::ChannelNotEligible => pick(zh, "not available on this channel", "当前渠道不可用"),
        ReasonCode::ConditionsNotMet => pick(zh, "its conditions are not met", "未满足使用条件"),
        ReasonCode::UsageLimitReached => pick(zh, "fully used", "已被领完或用完"),
        ReasonCode::PerCustomerLimitReached => pick(zh, "you have used it as often as allowed", "已达到每人使用上限"),
        ReasonCode::AlreadyRedeemed => pick(zh, "already used", "已使用"),
        ReasonCode::NotCombinable => {
            let c = or(&p.conflicting_promotion);
            if zh {
                format!("不能与 {c} 同时使用")
            } else {
                format!("cannot be combined with {c}")
            }
        }
        ReasonCode::ExclusiveGroupLost => {
            let w = or(&p.winner);
            if zh {
                format!("与 {w} 互斥，已为您选择更优惠的 {w}")
            } else {
                format!("{w} gives more and excludes it")
            }
        }
        ReasonCode::StoppedByEarlierPromotion => {
            let c = or(&p.conflicting_promotion);
            if zh {
                format!("{c} 已生效，不再叠加其他优惠")
            } else {
                format!("{c} applies and stops further promotions")
            }
        }
        ReasonCode::BudgetExhausted => pick(zh, "the promotion's budget is spent", "活动预算已用完"),
        ReasonCode::CurrencyMismatch => {
            let c = p.currency.map(|c| c.code()).unwrap_or_default();
            if zh {
                format!("该券以 {c} 发放，不能在本店使用")
            } else {
                format!("issued in {c}, not usable here")
            }
        }
        ReasonCode::NoDiscount => match &p.conflicting_promotion {
            // A free-shipping grant that an applied one covers.
            Some(c) if zh => format!("{c} 已为您包邮，无需再用"),
            Some(c) => format!("{c} already gives this shipping discount"),
            None => pick(zh, "it takes nothing off this cart", "对当前购物车无优惠"),
        },
        ReasonCode::NotBest => pick(zh, "a better combination was chosen", "已为您选择更优惠的组合"),
        ReasonCode::AppliedLimitReached => {
            pick(zh, "the most promotions one order can use are applied already", "本单可享优惠数量已达上限")
        }
        ReasonCode::SearchBudgetExhausted => {
            pick(zh, "not tried: too many coupons to compare in one go", "可选优惠券过多，未能逐一比较")
        }
    }
}

/// The default text of a hint (凑单提示).
///
/// ```
/// use commerce_rules::messages::{hint_text, Lang};
/// use commerce_rules::{Currency, Hint, HintCode, Money};
/// let cny = |s| Money::parse(s, Currency::CNY).unwrap();
/// let hint = Hint { code: HintCode::SpendMore, promotion_id: "mj".into(), amount_needed: Some(cny("23.00")),
///                   quantity_needed: None, discount: Some(cny("40.00")), percent: None, message: String::new() };
/// assert_eq!(hint_text(&hint, Lang::En), "add 23.00 more to get 40.00 off");
/// assert_eq!(hint_text(&hint, Lang::ZhHans), "再买 23.00 可减 40.00");
/// ```
pub fn hint_text(h: &Hint, lang: Lang) -> String {
    let zh = lang == Lang::ZhHans;
    let gain = match (h.discount, h.percent) {
        (Some(d), _) if zh => format!("可减 {d}"),
        (Some(d), _) => format!("to get {d} off"),
        (None, Some(p)) if zh => format!("可享 {p}% 优惠"),
        (None, Some(p)) => format!("for {p}% off"),
        (None, None) if zh => "可享优惠".to_string(),
        (None, None) => "to unlock the offer".to_string(),
    };
    match h.code {
        HintCode::SpendMore => {
            let a = h.amount_needed.map(|m| m.to_string()).unwrap_or_default();
            if zh {
                format!("再买 {a} {gain}")
            } else {
                format!("add {a} more {gain}")
            }
        }
        HintCode::AddItems => {
            let q = h.quantity_needed.unwrap_or(1);
            if zh {
                format!("再买 {q} 件{gain}")
            } else {
                format!("add {q} more item(s) {gain}")
            }
        }
        HintCode::FreeShipping if h.amount_needed.is_none() && h.quantity_needed.is_some() => {
            let q = h.quantity_needed.unwrap_or(1);
            match (h.percent, zh) {
                (Some(p), true) => format!("再买 {q} 件运费可享 {p}% 优惠"),
                (Some(p), false) => format!("add {q} more item(s) for {p}% off shipping"),
                (None, true) => format!("再买 {q} 件即可包邮"),
                (None, false) => format!("add {q} more item(s) for free shipping"),
            }
        }
        HintCode::FreeShipping => {
            let a = h.amount_needed.map(|m| m.to_string()).unwrap_or_default();
            match (h.percent, zh) {
                (Some(p), true) => format!("再买 {a} 运费可享 {p}% 优惠"),
                (Some(p), false) => format!("add {a} more for {p}% off shipping"),
                (None, true) => format!("再买 {a} 即可包邮"),
                (None, false) => format!("add {a} more for free shipping"),
            }
        }
    }
}

/// The default text of a free-shipping hint short of both an amount and a
/// number of units: `either` when reaching one is enough (`combine: any`).
///
/// ```
/// use commerce_rules::messages::{free_shipping_both_text, Lang};
/// use commerce_rules::{Currency, Money};
/// let a = Money::parse("12.00", Currency::CNY).unwrap();
/// assert_eq!(free_shipping_both_text(a, 2, true, None, Lang::En), "add 12.00 more or 2 more item(s) for free shipping");
/// assert_eq!(free_shipping_both_text(a, 2, false, None, Lang::ZhHans), "再买 12.00 且再买 2 件即可包邮");
/// ```
pub fn free_shipping_both_text(
    amount: Money,
    pieces: u32,
    either: bool,
    percent: Option<Percent>,
    lang: Lang,
) -> String {
    let zh = lang == Lang::ZhHans;
    let (or, and) = if zh { ("或", "且") } else { ("or", "and") };
    let joint = if either { or } else { and };
    match (percent, zh) {
        (Some(p), true) => format!("再买 {amount} {joint}再买 {pieces} 件运费可享 {p}% 优惠"),
        (Some(p), false) => format!("add {amount} more {joint} {pieces} more item(s) for {p}% off shipping"),
        (None, true) => format!("再买 {amount} {joint}再买 {pieces} 件即可包邮"),
        (None, false) => format!("add {amount} more {joint} {pieces} more item(s) for free shipping"),
    }
}

/// The default text of why no shipping is quoted.
///
/// ```
/// use commerce_rules::messages::{no_shipping_text, Lang};
/// use commerce_rules::NoShippingReason;
/// assert_eq!(no_shipping_text(NoShippingReason::NoZoneMatches, Lang::En), "we do not ship to this address");
/// assert_eq!(no_shipping_text(NoShippingReason::NoZoneMatches, Lang::ZhHans), "该地址不在配送范围内");
/// ```
pub fn no_shipping_text(reason: NoShippingReason, lang: Lang) -> String {
    let zh = lang == Lang::ZhHans;
    match reason {
        NoShippingReason::NotConfigured => pick(zh, "this store quotes no shipping", "本店未设置运费规则"),
        NoShippingReason::DestinationMissing => {
            pick(zh, "enter an address to see shipping options", "请填写收货地址以查看配送方式")
        }
        NoShippingReason::NoZoneMatches | NoShippingReason::ZoneBlackout => {
            pick(zh, "we do not ship to this address", "该地址不在配送范围内")
        }
        NoShippingReason::EmptyCart => pick(zh, "the cart is empty", "购物车为空"),
    }
}

/// The default text of why a shipping method cannot take a cart.
///
/// ```
/// use commerce_rules::messages::{shipping_reason_text, Lang};
/// use commerce_rules::{ShippingReason, ShippingReasonParams};
/// let p = ShippingReasonParams { shipping_class: Some("liquid".into()), ..Default::default() };
/// assert_eq!(shipping_reason_text(ShippingReason::ShippingClassNotAllowed, &p, Lang::En),
///            "cannot carry liquid items");
/// assert_eq!(shipping_reason_text(ShippingReason::ShippingClassNotAllowed, &p, Lang::ZhHans),
///            "无法寄送 liquid 类商品");
/// ```
pub fn shipping_reason_text(reason: ShippingReason, p: &ShippingReasonParams, lang: Lang) -> String {
    let zh = lang == Lang::ZhHans;
    match reason {
        ShippingReason::ShippingClassNotAllowed => {
            let c = p.shipping_class.clone().unwrap_or_default();
            if zh {
                format!("无法寄送 {c} 类商品")
            } else {
                format!("cannot carry {c} items")
            }
        }
        ShippingReason::TooHeavy => {
            let max = p.max_weight_g.unwrap_or_default();
            if zh {
                format!("包裹超重，最多 {max} 克")
            } else {
                format!("the parcel is too heavy; at most {max} g")
            }
        }
        ShippingReason::NoSlotAvailable => pick(zh, "no delivery slot is left", "已无可选配送时段"),
        ShippingReason::OrderValueBelowMinimum => {
            let m = p.min_order_value.map(|m| m.to_string()).unwrap_or_default();
            if zh {
                format!("订单金额满 {m} 才可使用此配送方式")
            } else {
                format!("available for orders of {m} or more")
            }
        }
        ShippingReason::OrderValueAboveMaximum => {
            let m = p.max_order_value.map(|m| m.to_string()).unwrap_or_default();
            if zh {
                format!("订单金额超过 {m}，不可使用此配送方式")
            } else {
                format!("available for orders of up to {m}")
            }
        }
        ShippingReason::WeightBelowMinimum | ShippingReason::WeightAboveMaximum => {
            let unit = p.weight_unit.map(crate::rules::unit_name).unwrap_or("kg");
            let (min, max) = (reason == ShippingReason::WeightBelowMinimum, p.min_weight.or(p.max_weight));
            let limit = max.map(|m| m.to_string()).unwrap_or_default();
            match (min, zh) {
                (true, true) => format!("订单重量需至少 {limit} {unit}"),
                (true, false) => format!("available from {limit} {unit}"),
                (false, true) => format!("订单超重，最多 {limit} {unit}"),
                (false, false) => format!("available up to {limit} {unit}"),
            }
        }
        ShippingReason::PiecesBelowMinimum => {
            let n = p.min_pieces.unwrap_or_default();
            if zh {
                format!("满 {n} 件才可使用此配送方式")
            } else {
                format!("available from {n} items")
            }
        }
        ShippingReason::PiecesAboveMaximum => {
            let n = p.max_pieces.unwrap_or_default();
            if zh {
                format!("超过 {n} 件，不可使用此配送方式")
            } else {
                format!("available for up to {n} items")
            }
        }
        ShippingReason::TooLarge => {
            let unit = match p.length_unit {
                Some(crate::units::LengthUnit::In) => "in",
                _ => "cm",
            };
            let max =
                p.max_dimensions.as_ref().map(|d| d.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" × "));
            let max = max.unwrap_or_default();
            if zh {
                format!("商品尺寸超出限制（最大 {max} {unit}）")
            } else {
                format!("an item is too large; at most {max} {unit}")
            }
        }
    }
}

/// "order within 2 h 15 min to ship today".
///
/// ```
/// use commerce_rules::messages::{ship_today_text, Lang};
/// assert_eq!(ship_today_text(135, Lang::En), "order within 2 h 15 min to ship today");
/// assert_eq!(ship_today_text(135, Lang::ZhHans), "2 小时 15 分钟内下单，今日发货");
/// assert_eq!(ship_today_text(45, Lang::En), "order within 45 min to ship today");
/// assert_eq!(ship_today_text(360, Lang::En), "order within 6 h to ship today");
/// ```
pub fn ship_today_text(minutes: u32, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (lang, h, m) {
        (Lang::ZhHans, 0, _) => format!("{m} 分钟内下单，今日发货"),
        (Lang::ZhHans, _, 0) => format!("{h} 小时内下单，今日发货"),
        (Lang::ZhHans, _, _) => format!("{h} 小时 {m} 分钟内下单，今日发货"),
        (Lang::En, 0, _) => format!("order within {m} min to ship today"),
        (Lang::En, _, 0) => format!("order within {h} h to ship today"),
        (Lang::En, _, _) => format!("order within {h} h {m} min to ship today"),
    }
}

/// The default text of why a points request was reduced; `limit` is the
/// figure the reason names (the balance, the cap, the step, the minimum).
///
/// ```
/// use commerce_rules::messages::{points_reason_text, Lang};
/// use commerce_rules::PointsReason;
/// assert_eq!(points_reason_text(PointsReason::ExceedsOrderShare, 2500, Lang::En),
///            "points can pay at most 2500 points' worth of this order");
/// assert_eq!(points_reason_text(PointsReason::NotAMultipleOfStep, 100, Lang::ZhHans), "积分需按 100 的整数倍使用");
/// ```
pub fn points_reason_text(code: PointsReason, limit: u64, lang: Lang) -> String {
    let zh = lang == Lang::ZhHans;
    match code {
        PointsReason::RedemptionNotOffered => pick(zh, "points cannot pay for orders here", "本店不支持积分抵扣"),
        PointsReason::ExceedsBalance if zh => format!("可用积分仅 {limit}"),
        PointsReason::ExceedsBalance => format!("only {limit} points are available"),
        PointsReason::ExceedsOrderCap if zh => format!("每单最多使用 {limit} 积分"),
        PointsReason::ExceedsOrderCap => format!("at most {limit} points per order"),
        PointsReason::ExceedsOrderShare if zh => format!("本单最多可用 {limit} 积分抵扣"),
        PointsReason::ExceedsOrderShare => format!("points can pay at most {limit} points' worth of this order"),
        PointsReason::NotAMultipleOfStep if zh => format!("积分需按 {limit} 的整数倍使用"),
        PointsReason::NotAMultipleOfStep => format!("points are used in multiples of {limit}"),
        PointsReason::BelowMinimum if zh => format!("单次至少使用 {limit} 积分"),
        PointsReason::BelowMinimum => format!("at least {limit} points must be used at once"),
    }
}

/// The default text of an earning refusal; `min_paid` is the minimum, for `below_min_paid`.
///
/// ```
/// use commerce_rules::messages::{earning_reason_text, Lang};
/// use commerce_rules::EarningReason;
/// assert_eq!(earning_reason_text(EarningReason::BelowMinPaid, "50.00", Lang::En),
///            "orders earn points from 50.00 paid");
/// assert_eq!(earning_reason_text(EarningReason::BelowEarningTier, "", Lang::ZhHans), "当前会员等级不累积积分");
/// ```
pub fn earning_reason_text(code: EarningReason, min_paid: &str, lang: Lang) -> String {
    let zh = lang == Lang::ZhHans;
    match code {
        EarningReason::BelowEarningTier => {
            pick(zh, "your membership tier does not earn points", "当前会员等级不累积积分")
        }
        EarningReason::BelowMinPaid if zh => format!("实付满 {min_paid} 才累积积分"),
        EarningReason::BelowMinPaid => format!("orders earn points from {min_paid} paid"),
    }
}

/// The default text of a bonus an order earns; `min_spend` is the
/// threshold, for `spend_threshold`.
///
/// ```
/// use commerce_rules::messages::{bonus_text, Lang};
/// use commerce_rules::points::BonusKind;
/// assert_eq!(bonus_text(BonusKind::SpendThreshold, 200, "500.00", Lang::En),
///            "200 bonus points for spending 500.00 or more");
/// assert_eq!(bonus_text(BonusKind::FirstOrder, 500, "", Lang::ZhHans), "首单奖励 500 积分");
/// ```
pub fn bonus_text(kind: crate::points::BonusKind, points: u64, min_spend: &str, lang: Lang) -> String {
    use crate::points::BonusKind;
    let zh = lang == Lang::ZhHans;
    match kind {
        BonusKind::Order if zh => format!("下单奖励 {points} 积分"),
        BonusKind::Order => format!("{points} bonus points for this order"),
        BonusKind::FirstOrder if zh => format!("首单奖励 {points} 积分"),
        BonusKind::FirstOrder => format!("{points} bonus points for a first order"),
        BonusKind::PerUnit if zh => format!("购买指定商品奖励 {points} 积分"),
        BonusKind::PerUnit => format!("{points} bonus points for these items"),
        BonusKind::SpendThreshold if zh => format!("满 {min_spend} 奖励 {points} 积分"),
        BonusKind::SpendThreshold => format!("{points} bonus points for spending {min_spend} or more"),
    }
}

/// The default text of a tier shortfall ("spend 320.00 more by 2027-03-01 for Gold").
///
/// ```
/// use commerce_rules::messages::{tier_shortfall_text, Lang};
/// use commerce_rules::rules::QualificationMetric;
/// let by = Some("2027-03-01".parse().unwrap());
/// assert_eq!(tier_shortfall_text(QualificationMetric::PaidSpend, "320.00", by, "Gold", Lang::En),
///            "spend 320.00 more by 2027-03-01 for Gold");
/// assert_eq!(tier_shortfall_text(QualificationMetric::OrderCount, "2", None, "金卡", Lang::ZhHans),
///            "再下 2 单即可升级为金卡");
/// ```
pub fn tier_shortfall_text(
    metric: QualificationMetric,
    shortfall: &str,
    by: Option<LocalDate>,
    tier: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::En => {
            let what = match metric {
                QualificationMetric::PaidSpend => format!("spend {shortfall} more"),
                QualificationMetric::PointsEarned => format!("earn {shortfall} more points"),
                QualificationMetric::OrderCount => format!("place {shortfall} more order(s)"),
            };
            match by {
                Some(d) => format!("{what} by {d} for {tier}"),
                None => format!("{what} for {tier}"),
            }
        }
        Lang::ZhHans => {
            let what = match metric {
                QualificationMetric::PaidSpend => format!("再消费 {shortfall} "),
                QualificationMetric::PointsEarned => format!("再获得 {shortfall} 积分"),
                QualificationMetric::OrderCount => format!("再下 {shortfall} 单"),
            };
            match by {
                Some(d) => format!("{d} 前{what}即可升级为{tier}"),
                None => format!("{what}即可升级为{tier}"),
            }
        }
    }
}

/// The default text of a part of a landed cost; `levy` is the share of
/// China's cross-border tax levied (`"70"`), `at_checkout` whether the
/// part is collected at checkout (else, for duties and taxes, an estimate
/// paid on delivery).
///
/// ```
/// use commerce_rules::messages::{landed_part_text, Lang};
/// use commerce_rules::{LandedPartCode, LandedRegime};
/// assert_eq!(landed_part_text(LandedPartCode::Duty, LandedRegime::Border, "70", false, Lang::En),
///            "import duty; an estimate, paid on delivery");
/// assert_eq!(landed_part_text(LandedPartCode::ImportVat, LandedRegime::LowValue, "70", true, Lang::ZhHans),
///            "低值进口商品增值税（销售方代征）（结账时代收）");
/// ```
pub fn landed_part_text(
    code: LandedPartCode,
    regime: LandedRegime,
    levy: &str,
    at_checkout: bool,
    lang: Lang,
) -> String {
    let zh = lang == Lang::ZhHans;
    let what = match (code, regime) {
        (LandedPartCode::Goods, _) => pick(zh, "goods, after discounts, tax excluded", "商品金额（优惠后，不含税）"),
        (LandedPartCode::Shipping, _) => pick(zh, "shipping, after discounts, tax excluded", "运费（优惠后，不含税）"),
        (LandedPartCode::Duty, LandedRegime::GeneralTrade) => pick(
            zh,
            "import duty, general trade (over the cross-border limits)",
            "关税（超出跨境电商限值，按一般贸易征收）",
        ),
        (LandedPartCode::Duty, LandedRegime::LowValue) => {
            return pick(zh, "no import duty on low-value goods", "低值进口商品免征关税");
        }
        (LandedPartCode::Duty, LandedRegime::Cbec) => {
            return pick(
                zh,
                "no import duty within the cross-border retail limits",
                "跨境电商零售进口限值内关税税率为 0%",
            );
        }
        (LandedPartCode::Duty, _) => pick(zh, "import duty", "关税"),
        (LandedPartCode::ImportVat, LandedRegime::LowValue) => {
            pick(zh, "VAT on low-value goods (seller-collected scheme)", "低值进口商品增值税（销售方代征）")
        }
        (LandedPartCode::ImportVat, LandedRegime::Cbec) if zh => {
            format!("跨境电商综合税：进口环节增值税（法定应纳税额的 {levy}%）")
        }
        (LandedPartCode::ImportVat, LandedRegime::Cbec) => {
            format!("cross-border e-commerce tax: import VAT at {levy} % of the statutory amount")
        }
        (LandedPartCode::ImportVat, _) => pick(zh, "import VAT", "进口环节增值税"),
        (LandedPartCode::ConsumptionTax, LandedRegime::Cbec) if zh => {
            format!("跨境电商综合税：消费税（法定应纳税额的 {levy}%）")
        }
        (LandedPartCode::ConsumptionTax, LandedRegime::Cbec) => {
            format!("cross-border e-commerce tax: consumption tax at {levy} % of the statutory amount")
        }
        (LandedPartCode::ConsumptionTax, _) => pick(zh, "consumption tax", "进口环节消费税"),
        (LandedPartCode::Fee, _) => pick(zh, "customs fee", "清关费用"),
    };
    if matches!(code, LandedPartCode::Goods | LandedPartCode::Shipping) {
        return what;
    }
    match (at_checkout, zh) {
        (true, true) => format!("{what}（结账时代收）"),
        (true, false) => format!("{what}; collected at checkout"),
        (false, true) => format!("{what}（预估，收货时支付）"),
        (false, false) => format!("{what}; an estimate, paid on delivery"),
    }
}

/// The default text of a customs refusal.
///
/// ```
/// use commerce_rules::messages::{customs_reason_text, Lang};
/// use commerce_rules::CustomsReason;
/// assert_eq!(customs_reason_text(CustomsReason::CbecTransactionLimit, "5000.00", "6000.00", Lang::En),
///            "this order's dutiable value 6000.00 is over the cross-border retail limit of 5000.00 per order");
/// assert_eq!(customs_reason_text(CustomsReason::CbecAnnualLimit, "26000.00", "1000.00", Lang::ZhHans),
///            "超出跨境电商个人年度交易限值 26000.00，本年剩余额度 1000.00");
/// ```
pub fn customs_reason_text(code: CustomsReason, limit: &str, value: &str, lang: Lang) -> String {
    match (code, lang) {
        (CustomsReason::CbecTransactionLimit, Lang::En) => {
            format!("this order's dutiable value {value} is over the cross-border retail limit of {limit} per order")
        }
        (CustomsReason::CbecTransactionLimit, Lang::ZhHans) => {
            format!("本单完税价格 {value} 超出跨境电商单次交易限值 {limit}")
        }
        (CustomsReason::CbecAnnualLimit, Lang::En) => {
            format!("this order is over the annual cross-border retail limit of {limit}: {value} is left this year")
        }
        (CustomsReason::CbecAnnualLimit, Lang::ZhHans) => {
            format!("超出跨境电商个人年度交易限值 {limit}，本年剩余额度 {value}")
        }
    }
}

/// The default text of China's cross-border tax on a return.
///
/// ```
/// use commerce_rules::messages::{cbec_refund_text, Lang};
/// assert_eq!(cbec_refund_text(true, 30, "1120.00", Lang::En),
///            "the cross-border tax is refunded (returned within 30 days of delivery) and 1120.00 is given back to the annual limit");
/// assert_eq!(cbec_refund_text(false, 30, "0", Lang::ZhHans), "签收超过 30 天退货，跨境电商综合税不予退还");
/// ```
pub fn cbec_refund_text(within: bool, days: u32, annual: &str, lang: Lang) -> String {
    match (within, lang) {
        (true, Lang::En) => format!(
            "the cross-border tax is refunded (returned within {days} days of delivery) and {annual} is given back to the annual limit"
        ),
        (true, Lang::ZhHans) => format!("签收后 {days} 天内退货：跨境电商综合税予以退还，年度交易额度恢复 {annual}"),
        (false, Lang::En) => {
            format!("returned more than {days} days after delivery: the cross-border tax is not refunded")
        }
        (false, Lang::ZhHans) => format!("签收超过 {days} 天退货，跨境电商综合税不予退还"),
    }
}

fn pick(zh: bool, en: &str, zh_text: &str) -> String {
    if zh { zh_text } else { en }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_texts() {
        for code in ErrorCode::ALL {
            assert!(!error_text(*code, Lang::En).is_empty());
            assert!(!error_text(*code, Lang::ZhHans).is_empty());
        }
    }
}
