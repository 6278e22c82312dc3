//! Membership tiers and points: the rule-set sections `membership` and
//! `points`. See `docs/points.md` for the format and worked examples.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::{Amount, DecimalString, Percent, RoundingMode};
use crate::time::LocalDate;

/// Membership tiers: how customers qualify, how long a tier lasts, how it
/// drops, and what each tier gives.
///
/// ```
/// use commerce_rules::rules::Membership;
/// let m: Membership = serde_json::from_str(r#"{
///     "qualification": {"metric": "paid_spend", "window_months": 12},
///     "validity_months": 12,
///     "tiers": [{"id": "silver", "rank": 1, "threshold": "0"},
///               {"id": "gold", "rank": 2, "threshold": "1000.00",
///                "benefits": {"points_multiplier": "1.5", "free_shipping": true}}]
/// }"#).unwrap();
/// assert_eq!(m.tiers.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// What a customer's tier is measured on, and over which window.
    pub qualification: Qualification,
    /// How long a tier is kept after the customer last qualified for it, in
    /// months (to the start of the merchant's local day). At least 1.
    pub validity_months: u32,
    /// What happens when a tier lapses; default `one_level`.
    #[serde(default)]
    pub downgrade: Downgrade,
    /// The tiers. Ranks are unique; thresholds must rise strictly with rank.
    pub tiers: Vec<TierDef>,
}

/// What qualifies a customer for a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    /// The metric the thresholds are written in.
    pub metric: QualificationMetric,
    /// The rolling window in months: an entry counts from its instant until
    /// the start of the local day `window_months` months after its local
    /// date. Absent: entries count for ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_months: Option<u32>,
}

/// The metric tiers qualify on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualificationMetric {
    /// Amount paid (a money amount in the rule set's currency); history
    /// entries carry `amount`.
    PaidSpend,
    /// Points earned (whole points); history entries carry `points`.
    PointsEarned,
    /// Orders placed; each history entry is one order.
    OrderCount,
}

unit_enum!(QualificationMetric { PaidSpend = "paid_spend", PointsEarned = "points_earned", OrderCount = "order_count" });

/// How a tier drops once its validity ends without requalifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Downgrade {
    /// One level at a time: the next lower tier is kept for another validity
    /// period, unless the customer qualifies for more (the default).
    #[default]
    OneLevel,
    /// Straight down to the tier the customer then qualifies for.
    ToQualified,
}

unit_enum!(Downgrade { OneLevel = "one_level", ToQualified = "to_qualified" });

/// One membership tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierDef {
    /// Unique id: the `customer.tier` of a quote, and what price lists and
    /// promotions name in `customer_tiers`.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Unique rank; higher is better.
    pub rank: u32,
    /// The qualifying value needed, in the metric's unit: a money amount for
    /// `paid_spend` ("1000.00"), whole points or orders otherwise ("5").
    /// `"0"` makes the tier the entry level every customer holds.
    pub threshold: DecimalString,
    /// What the tier gives; other stages read these.
    #[serde(default)]
    pub benefits: TierBenefits,
}

/// A tier's benefits, as data the other stages read. Member prices and
/// member-only promotions name the tier in their `customer_tiers`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierBenefits {
    /// Multiplies the points a quote earns ("1.5"); default 1. Over 0, at most 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_multiplier: Option<DecimalString>,
    /// Free shipping on every order (for the shipping stage).
    #[serde(default)]
    pub free_shipping: bool,
    /// A percentage off shipping (for the shipping stage), 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_discount_percent: Option<Percent>,
    /// Days added to the return window (for returns and the points pending date).
    #[serde(default)]
    pub extra_return_days: u32,
    /// Free return shipping on returns without a quality problem (运费险, for returns).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub free_return_shipping: bool,
}

/// Points: earning in every quote, redemption in every quote, the expiry of
/// lots and the clawback of returned lines.
///
/// ```
/// use commerce_rules::rules::PointsConfig;
/// let p: PointsConfig = serde_json::from_str(r#"{
///     "earning": {"rate": "1", "pending_days": 7},
///     "redemption": {"points_per_unit": 100, "min_points": 1000, "step": 100, "max_share_percent": "50"},
///     "expiry": {"policy": "months_after_earning", "months": 24}
/// }"#).unwrap();
/// assert_eq!(p.redemption.unwrap().points_per_unit, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsConfig {
    /// How quotes earn points; absent: no points are earned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earning: Option<Earning>,
    /// How points pay for orders; absent: points cannot be redeemed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption: Option<Redemption>,
    /// When a lot of earned points expires, when the host does not say.
    #[serde(default)]
    pub expiry: ExpiryPolicy,
    /// What happens to points when lines are returned.
    #[serde(default)]
    pub clawback: ClawbackPolicy,
}

/// How a quote earns points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Earning {
    /// Points per 1.00 (one unit of the currency) paid for items; over 0.
    /// With `tier_rates`, the rate of customers the list does not cover
    /// (no tier, or a tier ranked below the first listed); absent there:
    /// they earn nothing. Required without `tier_rates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<DecimalString>,
    /// Rates by membership tier: a customer earns at the rate of the
    /// highest-ranked tier listed at or below their own tier's rank.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier_rates: Vec<TierRate>,
    /// The least the order must pay for its items (the sum of the lines'
    /// earning bases, excluded lines included) to earn any points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_paid: Option<Amount>,
    /// How the order's points are rounded to whole points; default `down`.
    #[serde(default = "down")]
    pub rounding: RoundingMode,
    /// Whether tax counts in the base; default false (the base excludes tax).
    #[serde(default)]
    pub include_tax: bool,
    /// Category multipliers; a line in several takes the highest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryMultiplier>,
    /// Categories that earn nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_categories: Vec<String>,
    /// SKUs that earn nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_skus: Vec<String>,
    /// The most points one order earns; at least 1. Absent: no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_order: Option<u64>,
    /// Days the earned points stay pending (the return window), counted from
    /// the order's local day; the tier's `extra_return_days` are added.
    #[serde(default)]
    pub pending_days: u32,
    /// Fixed bonus points: per order, on a first order, per unit of a SKU or
    /// category, on reaching a spend threshold. At most 100.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bonuses: Vec<PointsBonus>,
}

/// A fixed number of bonus points an order earns when its trigger holds,
/// on top of the points earned at the rate (no rate, multiplier or cap
/// applies to them), and how a return reverses them.
///
/// ```
/// use commerce_rules::rules::{BonusReturn, BonusTrigger, PointsBonus};
/// let b: PointsBonus = serde_json::from_str(r#"{"id": "big-spender", "points": 200,
///     "trigger": {"type": "spend_threshold", "min_spend": "500.00"},
///     "on_return": "when_condition_fails"}"#).unwrap();
/// assert!(matches!(b.trigger, BonusTrigger::SpendThreshold { .. }));
/// assert_eq!(b.on_return, BonusReturn::WhenConditionFails);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsBonus {
    /// Unique among the bonuses; answers name the bonus `bonus:ID`.
    pub id: String,
    /// When the order earns it.
    pub trigger: BonusTrigger,
    /// Points: per order, or per unit for `per_unit`. 1 to 1,000,000.
    pub points: u64,
    /// How a return reverses it.
    pub on_return: BonusReturn,
}

/// What earns a bonus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BonusTrigger {
    /// Every order that earns points.
    Order,
    /// An order the host marks as the customer's first (`customer.first_order`).
    FirstOrder,
    /// Each unit of a line whose SKU is listed or that is in a listed
    /// category (gift lines excluded); shown on the lines.
    PerUnit {
        /// SKUs.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skus: Vec<String>,
        /// Categories.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        categories: Vec<String>,
    },
    /// An order whose items come to at least `min_spend` after item and
    /// order discounts, before points, shipping and added tax (the sum of
    /// the lines' `net`; with tax-included prices the tax stays in).
    SpendThreshold {
        /// The threshold, in the rule set's currency; over 0.
        min_spend: Amount,
    },
}

/// How a return reverses a bonus. Over all returns of an order, a bonus is
/// reversed at most once in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BonusReturn {
    /// In full, on the first return of a unit it covers (any unit of the
    /// order; for `per_unit`, a unit of a line it was earned on).
    All,
    /// In proportion to what is returned: per line by units for
    /// `per_unit`, by the items' amount (`net`) otherwise; the last
    /// return settles the rest.
    Proportional,
    /// In full once its condition no longer holds on the kept items: the
    /// spend threshold on the kept items' amount; for an order or first
    /// order, nothing kept; for `per_unit`, per unit (as `proportional`).
    WhenConditionFails,
}

unit_enum!(BonusReturn { All = "all", Proportional = "proportional", WhenConditionFails = "when_condition_fails" });

fn down() -> RoundingMode {
    RoundingMode::Down
}

/// The earning rate of one membership tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierRate {
    /// The tier id (one of `membership.tiers`).
    pub tier: String,
    /// Points per 1.00 paid for items, for this tier and those above it up
    /// to the next tier listed; over 0.
    pub rate: DecimalString,
}

/// A points multiplier for one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryMultiplier {
    /// The category.
    pub category: String,
    /// The multiplier ("2" doubles); over 0, at most 100.
    pub multiplier: DecimalString,
}

/// How points pay for an order.
///
/// `points_per_unit` points are worth `unit_amount` (default one unit of the
/// currency): 100 points = 1.00 (JD beans) is `{"points_per_unit": 100}`;
/// 1 point = 15.00 is `{"points_per_unit": 1, "unit_amount": "15.00"}`; half
/// a point per yuan (1 point = 2.00) is `{"points_per_unit": 1, "unit_amount": "2.00"}`.
///
/// ```
/// use commerce_rules::rules::Redemption;
/// let r: Redemption = serde_json::from_str(r#"{"points_per_unit": 1, "unit_amount": "15.00",
///     "over_limit": "refuse"}"#).unwrap();
/// assert_eq!(r.unit_amount.unwrap().to_string(), "15.00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redemption {
    /// Points worth `unit_amount` (by default 1.00, one unit of the
    /// currency): 100 means 100 points = 1.00 (JD beans). At least 1.
    pub points_per_unit: u64,
    /// The amount `points_per_unit` points are worth, in whole minor units
    /// of the currency and over 0; default one unit of the currency ("1").
    /// `"15.00"` with `points_per_unit` 1 makes one point worth 15.00.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_amount: Option<Amount>,
    /// The fewest points one order may redeem; default 0.
    #[serde(default)]
    pub min_points: u64,
    /// Points are redeemed in multiples of this. Default: the smallest step
    /// whose value is a whole minor unit; any step must be a multiple of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u64>,
    /// The most points one order may redeem; not under `min_points`. Absent: no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<u64>,
    /// The largest share of the items' amount that points may pay, over 0 and
    /// at most 100; default 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_share_percent: Option<Percent>,
    /// Whether points may also pay shipping (applied after the shipping stages).
    #[serde(default)]
    pub can_pay_shipping: bool,
    /// What happens when the points asked for are more than a limit allows
    /// (the balance, the cap, the share, the step, the minimum): `clamp`
    /// (the default) redeems what the limits allow; `refuse` redeems nothing.
    #[serde(default, skip_serializing_if = "OverLimit::is_clamp")]
    pub over_limit: OverLimit,
}

/// What a redemption does with a request over a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverLimit {
    /// Redeem as many points as the limits allow, listing each reduction (the default).
    #[default]
    Clamp,
    /// Redeem nothing, listing the limits the request broke.
    Refuse,
}

unit_enum!(OverLimit { Clamp = "clamp", Refuse = "refuse" });

impl OverLimit {
    fn is_clamp(&self) -> bool {
        *self == OverLimit::Clamp
    }
}

/// When a lot of earned points expires.
///
/// ```
/// use commerce_rules::rules::{ExpiryPolicy, LastDay, Period};
/// let p: ExpiryPolicy = serde_json::from_str(
///     r#"{"policy": "end_of_period", "period": "quarter", "plus": 1, "last_day": "usable_through"}"#).unwrap();
/// assert_eq!(p, ExpiryPolicy::EndOfPeriod { period: Period::Quarter, plus: 1, last_day: LastDay::UsableThrough });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum ExpiryPolicy {
    /// Never (the default).
    #[default]
    Never,
    /// On the local day `days` days after the day earned: at its start, or
    /// at its end, as `last_day` says. `0` with `usable_through` is the end
    /// of the day earned.
    DaysAfterEarning {
        /// Days, 0 to 36600 (at least 1 with `expires_at_start`).
        days: u32,
        /// Whether the points are still usable on that day.
        last_day: LastDay,
    },
    /// On the local day `months` months after the day earned (the 31st
    /// becomes the month's last day): at its start by default, or at its end.
    MonthsAfterEarning {
        /// Months, 0 to 1200 (at least 1 with `expires_at_start`).
        months: u32,
        /// Whether the points are still usable on that day; default
        /// `expires_at_start` (they expire as the day begins).
        #[serde(default)]
        last_day: LastDay,
    },
    /// On the last local day of the month, quarter or year the points were
    /// earned in, `plus` periods later: at its end (`usable_through`) or at
    /// its start.
    EndOfPeriod {
        /// The calendar period.
        period: Period,
        /// Periods after the one earned in: 0 is the end of that period,
        /// 1 the end of the next. At most 1200 months' worth (at least 1
        /// with `expires_at_start`).
        #[serde(default)]
        plus: u32,
        /// Whether the points are still usable on the period's last day.
        last_day: LastDay,
    },
    /// At the end of the calendar year after the year earned (earned in
    /// 2026: expires at the end of 2027-12-31). The same as `end_of_period`
    /// with `year`, `plus` 1 and `usable_through`.
    EndOfYearAfterEarning,
    /// At the end of this local date, for every lot.
    FixedDate {
        /// The last local day the points can be used.
        date: LocalDate,
    },
}

/// Whether points can still be used on the last day of their validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LastDay {
    /// They expire at the start of that day (the last day they can be used
    /// is the day before). The default of `months_after_earning`.
    #[default]
    ExpiresAtStart,
    /// They can be used through that day and expire at its end.
    UsableThrough,
}

unit_enum!(LastDay { ExpiresAtStart = "expires_at_start", UsableThrough = "usable_through" });

/// A calendar period of an expiry policy, in the merchant's local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A calendar month.
    Month,
    /// A calendar quarter (January to March, April to June, ...).
    Quarter,
    /// A calendar year.
    Year,
}

unit_enum!(Period { Month = "month", Quarter = "quarter", Year = "year" });

impl Period {
    /// The months in one period.
    pub const fn months(self) -> u32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        }
    }
}

/// What happens to points when lines are returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClawbackPolicy {
    /// The expiry of redeemed points given back; default `original`.
    #[serde(default)]
    pub returned_points_expiry: ReturnedPointsExpiry,
    /// When the customer has already spent points that a return reverses;
    /// default `deduct_from_refund`.
    #[serde(default)]
    pub spent_earned_points: SpentEarnedPoints,
}

/// The expiry of redeemed points given back on a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnedPointsExpiry {
    /// They keep the expiry of the lots they came from (the default).
    #[default]
    Original,
    /// They expire as if earned at the return (the `expiry` policy).
    New,
}

unit_enum!(ReturnedPointsExpiry { Original = "original", New = "new" });

/// What to do when the points a return reverses are no longer in the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpentEarnedPoints {
    /// Deduct their value from the refund (the default).
    #[default]
    DeductFromRefund,
    /// Let the balance go negative (the host records a debt).
    NegativeBalance,
}

unit_enum!(SpentEarnedPoints { DeductFromRefund = "deduct_from_refund", NegativeBalance = "negative_balance" });
