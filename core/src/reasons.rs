//! Stable reason and hint codes with their parameters: why a code, coupon,
//! promotion, shipping method or points request did not apply as asked,
//! and how to reach a better deal.
//!
//! They stand apart from the questions that produce them, so that
//! [`crate::messages`] (default texts) and [`crate::Error`] can use them
//! without depending on the quote.

use schemars::JsonSchema;
use serde::Serialize;

use crate::money::{Currency, DecimalString, Money, Percent};
use crate::units::{LengthUnit, WeightUnit};

/// Why a code, coupon or promotion did not apply. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonCode {
    /// No promotion or issued coupon has this code.
    Unknown,
    /// The same code was entered more than once.
    DuplicateCode,
    /// Not valid yet.
    NotStarted,
    /// No longer valid.
    Expired,
    /// Outside its recurring hours (Fridays 20:00-24:00...).
    OutsideRecurringWindow,
    /// The spend on its items is below the minimum; `shortfall` says how much is missing.
    MinSpendNotMet,
    /// Too few units of its items; `quantity_needed` says how many more.
    MinQuantityNotMet,
    /// No line of the cart is one of its items (or they are excluded, non-discountable or on sale).
    NoEligibleItems,
    /// The customer's tier, segment or first-order status does not qualify.
    CustomerNotEligible,
    /// Not offered on this sales channel.
    ChannelNotEligible,
    /// A combination of conditions (any / not) does not hold.
    ConditionsNotMet,
    /// Used as often as it may be, in total.
    UsageLimitReached,
    /// Used as often as this customer may.
    PerCustomerLimitReached,
    /// The single-use coupon has been used already.
    AlreadyRedeemed,
    /// It does not combine with a promotion that applies; `conflicting_promotion` names it.
    NotCombinable,
    /// Another promotion of its exclusive group gives more; `winner` names it.
    ExclusiveGroupLost,
    /// An earlier promotion stops the stage; `conflicting_promotion` names it.
    StoppedByEarlierPromotion,
    /// Its budget is spent.
    BudgetExhausted,
    /// Issued in another currency; `currency` names it.
    CurrencyMismatch,
    /// It would take nothing off this cart. For a free-shipping promotion,
    /// `conflicting_promotion` may name an applied one whose grant covers
    /// its own (every method, remote zones, amount), so it can never be the
    /// one that frees an option.
    NoDiscount,
    /// A combination without it saves the customer as much or more.
    NotBest,
    /// The most promotions one quote applies are applied already (`limit`,
    /// [`crate::Limits::max_applied_promotions`]), or its allocations would
    /// make the answer too large.
    AppliedLimitReached,
    /// Not tried: the coupon search reached its work budget
    /// ([`crate::Limits::max_search_work`]) first.
    SearchBudgetExhausted,
}

/// Parameters of a reason; only those that apply are present.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, JsonSchema)]
pub struct ReasonParams {
    /// How much more to spend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<Money>,
    /// How many more units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity_needed: Option<u32>,
    /// The promotion it conflicts with, or that stopped the stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicting_promotion: Option<String>,
    /// The exclusive group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_group: Option<String>,
    /// The promotion that won the exclusive group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub winner: Option<String>,
    /// The limit reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// When it starts or started being valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// When it stops or stopped being valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// The currency of a coupon issued in another currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
}

/// A suggestion to reach a better deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Hint {
    /// The stable hint code.
    pub code: HintCode,
    /// The promotion the hint is about.
    pub promotion_id: String,
    /// How much more to spend, for `spend_more`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_needed: Option<Money>,
    /// How many more units, for `add_items`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity_needed: Option<u32>,
    /// The discount it would then give, when a fixed amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
    /// The percentage it would then give, when a percentage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<Percent>,
    /// A default message in the request's locale.
    pub message: String,
}

/// What a hint suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HintCode {
    /// Spend `amount_needed` more on the promotion's items (凑单).
    SpendMore,
    /// Add `quantity_needed` more units of the promotion's items.
    AddItems,
    /// Spend `amount_needed` more for free (or, with `percent`, cheaper)
    /// shipping; `promotion_id` names the free-shipping rule.
    FreeShipping,
}

/// Why no shipping is quoted. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoShippingReason {
    /// The rule set has no `shipping` section.
    NotConfigured,
    /// The request has no `destination`.
    DestinationMissing,
    /// No zone matches the destination: the merchant does not ship there.
    NoZoneMatches,
    /// The first zone that matches the destination is a blackout zone
    /// (`"blackout": true`, named by `zone_id`): the merchant does not ship there.
    ZoneBlackout,
    /// The cart has no lines to ship.
    EmptyCart,
}

/// Why a method cannot take a cart. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShippingReason {
    /// A line's shipping class is one the method cannot carry (`liquid` by air).
    ShippingClassNotAllowed,
    /// A parcel is heavier than the method takes (or than its last weight bracket).
    TooHeavy,
    /// Every delivery slot in the window has passed or is within the lead time.
    NoSlotAvailable,
    /// The order value is below the method's `min_order_value`
    /// (`order_value`, `min_order_value`).
    OrderValueBelowMinimum,
    /// The order value is above the method's `max_order_value`
    /// (`order_value`, `max_order_value`).
    OrderValueAboveMaximum,
    /// The order's billable weight is below the method's `min_weight`
    /// (`weight`, `min_weight`, `weight_unit`).
    WeightBelowMinimum,
    /// The order's billable weight is above the method's `max_weight`
    /// (`weight`, `max_weight`, `weight_unit`).
    WeightAboveMaximum,
    /// Fewer units than the method's `min_pieces` (`pieces`, `min_pieces`).
    PiecesBelowMinimum,
    /// More units than the method's `max_pieces` (`pieces`, `max_pieces`).
    PiecesAboveMaximum,
    /// A unit does not fit the method's `max_dimensions`
    /// (`line_id`, `dimensions`, `max_dimensions`, `length_unit`).
    TooLarge,
}

/// Parameters of a shipping reason; only those that apply are present.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, JsonSchema)]
pub struct ShippingReasonParams {
    /// The line at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// The shipping class refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_class: Option<String>,
    /// The parcel's origin warehouse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The parcel's chargeable weight, grams.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_g: Option<u64>,
    /// The heaviest the method takes, grams.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_weight_g: Option<u64>,
    /// The order value that failed a method's condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_value: Option<Money>,
    /// The method's lowest order value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_order_value: Option<Money>,
    /// The method's highest order value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_order_value: Option<Money>,
    /// The order's billable weight, in `weight_unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<DecimalString>,
    /// The method's lowest weight, in `weight_unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_weight: Option<DecimalString>,
    /// The method's highest weight, in `weight_unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_weight: Option<DecimalString>,
    /// `kg` or `lb`: the carrier's weight unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_unit: Option<WeightUnit>,
    /// The order's units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pieces: Option<u64>,
    /// The method's fewest units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_pieces: Option<u64>,
    /// The method's most units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pieces: Option<u64>,
    /// The unit's sides, longest first, in `length_unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Vec<DecimalString>>,
    /// The method's largest box, longest side first, in `length_unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_dimensions: Option<Vec<DecimalString>>,
    /// `cm` or `in`: the carrier's length unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length_unit: Option<LengthUnit>,
}

/// Why fewer points are redeemed than requested. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PointsReason {
    /// The rule set has no redemption: points cannot pay.
    RedemptionNotOffered,
    /// More than the balance; `limit` is the balance.
    ExceedsBalance,
    /// More than the per-order cap; `limit` is the cap.
    ExceedsOrderCap,
    /// More than points may pay of this order; `limit` is that many points.
    ExceedsOrderShare,
    /// Not a multiple of the step; rounded down. `limit` is the step.
    NotAMultipleOfStep,
    /// Under the minimum; nothing is redeemed. `limit` is the minimum.
    BelowMinimum,
}

/// Why an order earns no points although the rule set earns. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EarningReason {
    /// The customer's tier (or no tier) is below the first tier of `tier_rates`.
    BelowEarningTier,
    /// The order pays less for its items than `min_paid`.
    BelowMinPaid,
}

/// What a part of a landed cost is. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LandedPartCode {
    /// The goods: the lines after discounts, tax excluded.
    Goods,
    /// The shipping charged, after shipping discounts, tax excluded.
    Shipping,
    /// Import duty.
    Duty,
    /// Import VAT or GST (or VAT collected at checkout under a low-value regime).
    ImportVat,
    /// Consumption (excise) tax.
    ConsumptionTax,
    /// A customs fee (clearance, brokerage).
    Fee,
}

/// Which customs regime a landed cost was computed under. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LandedRegime {
    /// Duty and import taxes at the border (de minimis thresholds applied).
    Border,
    /// A low-value regime (EU IOSS, UK 135, Australia's low-value GST): VAT
    /// collected at checkout, no duty.
    LowValue,
    /// China's cross-border e-commerce retail import tax, within its limits.
    Cbec,
    /// Past a cross-border limit: general-trade taxation in full.
    GeneralTrade,
}

unit_enum!(LandedRegime { Border = "border", LowValue = "low_value", Cbec = "cbec", GeneralTrade = "general_trade" });

/// Why customs refuses an order. Stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CustomsReason {
    /// The order's dutiable value is over the cross-border per-order limit (`limit`, `value`).
    CbecTransactionLimit,
    /// The order would take the person's year over the cross-border annual
    /// limit (`limit`, `value`, `remaining`).
    CbecAnnualLimit,
}
