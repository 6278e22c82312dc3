//! The rule set: the merchant's configuration, as JSON.
//!
//! A rule set is loaded once, validated in full (every problem is reported
//! with its JSON path) and compiled into an [`Engine`](crate::Engine).

mod compile;
mod compile_membership;
mod compile_promotions;
mod compile_shipping;
mod customs;
mod geo;
mod market;
mod market_amounts;
mod market_shipping;
mod membership;
mod path;
mod postcode;
mod pricing;
mod problems;
mod promotion;
mod returns;
mod shipping;
mod tax;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Rounding};

/// A map keyed by rule-set data (SKUs, categories, codes, ids), looked up
/// for every line of every quote: hashed with foldhash's fixed-seed fast
/// hasher, about a third of SipHash's cost on short keys. Its keys are the
/// merchant's, and nothing iterates it where order matters.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A set hashed like [`FastMap`]. Also used for a request's own keys (line
/// and wallet ids, SKUs): their number is bounded by the request limits, so
/// even keys chosen to collide cost at most that many probes each.
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

pub(crate) use compile::{amount_valid, compile, labels, CompiledRules, PriceSpec};
pub(crate) use compile_membership::{CompiledEarning, CompiledMembership, CompiledRedemption, CompiledTier};
pub(crate) use compile_promotions::{
    active_at, cart_count, normalize_code, Activity, CompiledCart, CompiledFilter, CompiledPromotion, LineFacts,
};
#[cfg(test)]
pub(crate) use compile_shipping::CompiledWeightBracket;
pub(crate) use compile_shipping::{
    measure_problem, unit_name, CompiledCalendar, CompiledCarrier, CompiledFreeShipping, CompiledMethod, CompiledRate,
    CompiledShipping, CompiledWarehouse, CompiledZone, CM_PER_IN, G_PER_KG, G_PER_LB, G_PER_OZ,
};
pub(crate) use customs::check_customs;
pub use customs::{
    Cbec, CbecOverLimit, ConsumptionBase, CustomsConfig, CustomsDestination, CustomsFee, DeMinimis, DutiableValue,
    LowValue, TariffRate, Terms, MAX_CUSTOMS_RATE,
};
pub(crate) use geo::{is_country, postcode_problem};
pub(crate) use market::{compile_market, compile_markets, CompiledMarket};
pub use market::{Market, MarketPrice, PriceRounding, MAX_MARKET_RATE};
pub use market_amounts::{AmountRounding, FreeShippingAmounts, PromotionAmounts};
pub use market_shipping::{
    BracketAmounts, ConditionAmounts, MethodAmounts, RateAmounts, SurchargeAmounts, TemplateRateAmounts,
};
pub use membership::{
    BonusReturn, BonusTrigger, CategoryMultiplier, ClawbackPolicy, Downgrade, Earning, ExpiryPolicy, LastDay,
    Membership, OverLimit, Period, PointsBonus, PointsConfig, Qualification, QualificationMetric, Redemption,
    ReturnedPointsExpiry, SpentEarnedPoints, TierBenefits, TierDef, TierRate,
};
pub use path::JsonPath;
pub(crate) use postcode::Postcode;
pub use pricing::{PriceEntry, PriceList, PriceListKind, PriceSelection, VolumeTier};
pub(crate) use problems::Problems;
pub use promotion::{
    AllocateBy, AmountPer, Basis, Benefit, CartContains, Choose, Condition, ItemFilter, MinSubtotal, Promotion,
    QuantityTier, RecurringWindow, Scope, SpendTier, Trigger, UsageLimits, Weekday, WithShipping,
};
pub(crate) use returns::check_returns;
pub use returns::{
    CampaignExtension, ConditionDeduction, GiftPolicy, LateReturnFee, LostShippingDiscount, OriginalShippingRefund,
    PriceProtection, ReturnWindows, ReturnsConfig, TenderRefundOrder,
};
pub use shipping::{
    Calendar, Carrier, CarrierUnits, CombineTemplates, FeePer, FreeShippingRule, MaxDimensions, MethodConditions,
    PostcodeMatch, RateModel, ServiceLevel, ShippingAllocation, ShippingConfig, ShippingMethod, ShipsFree, Surcharge,
    TemplateRate, ThresholdCombine, TimeSlot, TransitDays, TransitUnit, ValueBracket, Warehouse, WeightBracket, Zone,
    ZoneMatch,
};
pub use tax::{TaxCalculation, TaxClass, TaxConfig};

/// The rule-set format version this engine reads.
pub const SCHEMA_VERSION: u32 = 1;

/// A merchant's rule set.
///
/// ```
/// use commerce_rules::rules::RuleSet;
/// let rules: RuleSet = serde_json::from_str(r#"{
///     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
///     "tax": {"prices_include_tax": true, "default_class": "std",
///             "classes": [{"id": "std", "rate_percent": "13"}]}
/// }"#).unwrap();
/// assert_eq!(rules.currency.code(), "CNY");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The format version; this engine reads 1.
    pub schema_version: u32,
    /// The merchant's own id or version label for this rule set, echoed in answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The settlement currency (ISO 4217). Every amount is in it.
    pub currency: Currency,
    /// The merchant's IANA time zone; day boundaries fall in it.
    pub time_zone: String,
    /// How computed prices are rounded; default half-up per unit.
    #[serde(default)]
    pub rounding: Rounding,
    /// Tax classes and how tax is computed.
    pub tax: TaxConfig,
    /// Which eligible price a line gets; default `lowest`.
    #[serde(default)]
    pub price_selection: PriceSelection,
    /// Member, sale, volume and segment price lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub price_lists: Vec<PriceList>,
    /// Promotions and coupons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promotions: Vec<Promotion>,
    /// Shipping zones, methods, rates and delivery calendars; absent: no shipping is quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<ShippingConfig>,
    /// Membership tiers: qualification, validity, downgrade and benefits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    /// Points: earning, redemption, expiry and clawback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<PointsConfig>,
    /// Returns and refunds: windows, exemptions, clawback, gifts, shipping, fees and price protection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<ReturnsConfig>,
    /// Markets: countries answered in their own currency at a stated rate
    /// (see `docs/markets.md`); empty: every quote is in `currency`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markets: Vec<Market>,
    /// Duties and import taxes per destination, for the landed cost (see
    /// `docs/landed.md`); absent: no landed cost is quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customs: Option<CustomsConfig>,
}
