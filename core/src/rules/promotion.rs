//! Promotions and coupons: what a promotion gives (its benefit), to which
//! items, on what conditions, when, and how it stacks with others.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::PromotionAmounts;
use crate::money::{Amount, Percent};
use crate::time::WindowBound;

/// A promotion: automatic, or unlocked by a coupon code or a wallet coupon.
///
/// ```
/// use commerce_rules::rules::Promotion;
/// let p: Promotion = serde_json::from_str(r#"{
///     "id": "manjian-300-40", "name": "满300减40",
///     "benefit": {"type": "spend_tiers", "tiers": [{"min_spend": "300.00", "discount": "40.00"}]}
/// }"#).unwrap();
/// assert_eq!(p.priority, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// Unique id, named in answers, usages and reasons.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How the customer gets it; default automatic.
    #[serde(default)]
    pub trigger: Trigger,
    /// Public codes that unlock it (matched case-insensitively after trimming),
    /// when `trigger` is `code`. Unique single-use codes are issued coupons
    /// the host sends in the request's `wallet`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// What the promotion gives.
    pub benefit: Benefit,
    /// Which lines it concerns; default every line.
    #[serde(default)]
    pub items: ItemFilter,
    /// Conditions on the cart, the customer and the channel.
    #[serde(default)]
    pub conditions: Condition,
    /// When it starts (inclusive); dates and local times are in the merchant's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<WindowBound>,
    /// When it ends (exclusive); a date means through the end of that local day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<WindowBound>,
    /// Recurring local windows (Fridays 20:00-24:00); any one suffices. Empty: always.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recurring: Vec<RecurringWindow>,
    /// Order within its stage: lower runs first; ties by id. Default 100.
    #[serde(default = "default_priority")]
    pub priority: i32,
    /// Whether a percentage applies to the amount after earlier discounts
    /// (`discounted`, the default) or to the catalog amount (`original`).
    #[serde(default)]
    pub apply_to: Basis,
    /// How an order discount is spread over the lines it covers: by what
    /// they still cost (`current`, the default) or by their catalog price
    /// (`original`, JD's 京贴 rule).
    #[serde(default, skip_serializing_if = "AllocateBy::is_current")]
    pub allocate_by: AllocateBy,
    /// Only the best promotion of an exclusive group applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_group: Option<String>,
    /// The stacking class of this promotion (`coupon`, `store`, `platform`...); default `default`.
    #[serde(default = "default_class")]
    pub class: String,
    /// Classes it may be combined with; absent means every class. Two
    /// promotions combine when each accepts the other's class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combines_with: Option<Vec<String>>,
    /// When it applies, no later promotion of the same stage applies.
    #[serde(default)]
    pub stop_after: bool,
    /// Usage limits and budget, checked against counters the host sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<UsageLimits>,
    /// Fixed amounts per market currency (`{"USD": {"tiers": [...]}}`),
    /// used as written in markets in that currency instead of converting
    /// the rule's own; each entry states every amount of the promotion
    /// (`docs/markets.md`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amounts_in: BTreeMap<String, PromotionAmounts>,
}

fn default_priority() -> i32 {
    100
}

fn default_class() -> String {
    "default".to_string()
}

/// How a promotion is unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Applies by itself when its conditions hold.
    #[default]
    Automatic,
    /// Needs an entered code: one of `codes`, or an issued coupon's code.
    Code,
    /// Needs a coupon the customer holds (the request's `wallet`).
    Wallet,
}

unit_enum!(Trigger { Automatic = "automatic", Code = "code", Wallet = "wallet" });

/// The base a percentage or threshold is computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// After the discounts of earlier promotions (the default).
    #[default]
    Discounted,
    /// The catalog amount, before any promotion.
    Original,
}

unit_enum!(Basis { Discounted = "discounted", Original = "original" });

/// The weights an order discount is spread over its lines by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AllocateBy {
    /// What each line still costs after earlier discounts (the default).
    #[default]
    Current,
    /// Each line's catalog amount, before any promotion; a line never
    /// takes more than it still costs, the rest going to the others.
    Original,
}

unit_enum!(AllocateBy { Current = "current", Original = "original" });

impl AllocateBy {
    fn is_current(&self) -> bool {
        *self == AllocateBy::Current
    }
}

/// Which lines a promotion concerns. Empty include lists mean every line;
/// a line must match every non-empty include list and no exclude list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemFilter {
    /// SKUs included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skus: Vec<String>,
    /// Categories included (a line in any of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Tags included (a line with any of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Brands included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brands: Vec<String>,
    /// SKUs excluded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_skus: Vec<String>,
    /// Categories excluded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_categories: Vec<String>,
    /// Tags excluded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_tags: Vec<String>,
    /// Brands excluded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_brands: Vec<String>,
    /// Leave out lines at a sale price (a `sale` price list).
    #[serde(default)]
    pub exclude_on_sale: bool,
    /// Only lines whose unit price is at least this (inclusive). The unit
    /// price is the line's price after the catalog stage (price lists),
    /// before any promotion: the line's `unit_price` in the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_unit_price: Option<Amount>,
    /// Only lines whose unit price is at most this (inclusive); with
    /// `min_unit_price`, a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unit_price: Option<Amount>,
}

/// Conditions; every field given must hold, and so must `all`, one of
/// `any` (when not empty) and not `not`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// A minimum spend on the promotion's items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_subtotal: Option<MinSubtotal>,
    /// A minimum number of units of the promotion's items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_quantity: Option<u32>,
    /// Customer tiers admitted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_tiers: Vec<String>,
    /// Customer segments admitted (any one suffices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_segments: Vec<String>,
    /// Only (true) or never (false) on a customer's first order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_order: Option<bool>,
    /// Sales channels admitted (`web`, `app`, `mini_program`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// Conditions on what else the cart holds ("when the order contains
    /// trousers"): lines chosen by their own item filter, whether or not
    /// the promotion covers them; each must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cart_contains: Vec<CartContains>,
    /// Conditions that must all hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<Condition>,
    /// Conditions of which at least one must hold (when not empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<Condition>,
    /// A condition that must not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
}

/// A condition on lines of the cart chosen by their own item filter,
/// outside (or besides) the lines the promotion discounts: at least
/// `min_quantity` units of them (default 1) and, when given, `min_subtotal`
/// on them. Lines the host flags `non_discountable` count too.
///
/// ```
/// use commerce_rules::rules::CartContains;
/// let c: CartContains = serde_json::from_str(r#"{
///     "items": {"categories": ["trousers"]}, "min_quantity": 2,
///     "min_subtotal": {"amount": "100.00", "basis": "original"}
/// }"#).unwrap();
/// assert_eq!(c.min_quantity, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CartContains {
    /// Which lines count; every line when empty.
    #[serde(default)]
    pub items: ItemFilter,
    /// Units of those lines needed; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_quantity: Option<u32>,
    /// What those lines must come to, after earlier discounts (the default)
    /// or at catalog price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_subtotal: Option<MinSubtotal>,
}

/// A minimum spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinSubtotal {
    /// The amount to reach.
    pub amount: Amount,
    /// On the catalog amount or after earlier discounts; default `discounted`.
    #[serde(default)]
    pub basis: Basis,
    /// When prices exclude tax, whether the estimated tax counts; default false.
    #[serde(default)]
    pub include_tax: bool,
}

/// A recurring local window: on these weekdays, from `from` until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurringWindow {
    /// Weekdays, `mon` to `sun`; empty means every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<Weekday>,
    /// Local start time, `HH:MM` (inclusive).
    pub from: String,
    /// Local end time, `HH:MM` (exclusive); `24:00` is the end of the day.
    pub until: String,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

unit_enum!(Weekday { Mon = "mon", Tue = "tue", Wed = "wed", Thu = "thu", Fri = "fri", Sat = "sat", Sun = "sun" });

/// Usage limits, checked against the counters the host sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageLimits {
    /// Most uses in total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Most uses per customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_customer: Option<u64>,
    /// Most discount granted in total; the last use is capped at what remains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Amount>,
}

/// What a promotion gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Benefit {
    /// A percentage off each item (`scope: items`) or off the order (`scope: order`), optionally capped (最多减).
    PercentOff {
        /// The percentage, over 0 and at most 100.
        percent: Percent,
        /// `items` (item stage, per line) or `order` (order stage, spread over lines).
        #[serde(default)]
        scope: Scope,
        /// The most it takes off in all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_discount: Option<Amount>,
        /// With `scope: items`: at most this many units per order are
        /// discounted, chosen by `choose` (Medusa's `max_quantity`,
        /// WooCommerce's "limit usage to X items").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_units: Option<u32>,
        /// With `max_units`: which units are discounted, the cheapest
        /// (default) or the most expensive first.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        choose: Option<Choose>,
    },
    /// A fixed amount off each unit (`per: unit`) or once off the order, spread over lines (`per: order`).
    AmountOff {
        /// The amount.
        amount: Amount,
        /// `unit` or `order`.
        per: AmountPer,
        /// With `per: order`: the discount covers shipping too,
        /// `items_first` (what the items cannot take comes off shipping) or
        /// `pro_rata` (spread over items and shipping by what each costs).
        /// Absent: items only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        with_shipping: Option<WithShipping>,
        /// With `per: unit`: at most this many units per order are
        /// discounted, chosen by `choose`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_units: Option<u32>,
        /// With `max_units`: which units are discounted, the cheapest
        /// (default) or the most expensive first.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        choose: Option<Choose>,
    },
    /// Each unit at a fixed price (9.90); units already cheaper are left alone.
    FixedPrice {
        /// The unit price.
        unit_price: Amount,
    },
    /// Spend thresholds (满减): the highest tier reached takes its discount off.
    SpendTiers {
        /// Tiers, ascending by `min_spend`.
        tiers: Vec<SpendTier>,
    },
    /// Repeating threshold (每满减): every `every` spent takes `discount` off.
    EverySpend {
        /// The step.
        every: Amount,
        /// The discount per step.
        discount: Amount,
        /// The most it takes off in all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_discount: Option<Amount>,
    },
    /// Quantity tiers (2 items 10 % off, 3+ 20 % off) on every unit of the items.
    QuantityTiers {
        /// Tiers, ascending by `min_qty`.
        tiers: Vec<QuantityTier>,
    },
    /// Every n-th unit at a percentage off (第二件半价: n 2, 50 %); units taken most expensive first.
    NthItem {
        /// Which unit: 2 for every second one.
        n: u32,
        /// The percentage off that unit.
        percent: Percent,
    },
    /// Buy X get Y (free, a percentage off, a fixed amount off each unit or
    /// each unit at a fixed price), repeating up to a maximum.
    BuyXGetY {
        /// Units to buy.
        buy: u32,
        /// Units discounted.
        get: u32,
        /// Percentage off the discounted units; 100 is free. At most one of
        /// `percent`, `amount_off` and `unit_price`; none means free (100).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        percent: Option<Percent>,
        /// A fixed amount off each discounted unit; a unit never goes below 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_off: Option<Amount>,
        /// Each discounted unit at this price; a unit already at or below it
        /// gets nothing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit_price: Option<Amount>,
        /// The discounted units come from these items instead of `items`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        get_items: Option<Box<ItemFilter>>,
        /// Which units are discounted: the cheapest (default) or the most expensive.
        #[serde(default)]
        choose: Choose,
        /// Most repetitions; absent means no limit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_repeats: Option<u32>,
        /// Most get units discounted per order (Saleor's "apply once per
        /// order" is 1); absent means no limit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_units: Option<u32>,
        /// When the buy units of a set are there but fewer than `get` get
        /// units, discount those present (Magento); default false: complete
        /// sets only (Medusa).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        partial_get: bool,
    },
    /// Bundle price (any 3 for 99.00, N件M元), repeating up to a maximum; most expensive units first.
    BundlePrice {
        /// Units in a bundle.
        quantity: u32,
        /// The bundle's price.
        price: Amount,
        /// Most bundles; absent means no limit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_repeats: Option<u32>,
    },
    /// A gift with purchase: a line at zero for the gift SKU.
    Gift {
        /// The gift's SKU.
        sku: String,
        /// Units given; default 1.
        #[serde(default = "one")]
        quantity: u32,
        /// The gift's value, recorded for returns.
        value: Amount,
    },
    /// Free shipping, on every method or the ones named; optionally not to
    /// remote zones. With `amount_off`, a fixed amount off the shipping
    /// price instead (a coupon taking 3.00 off shipping), never more than
    /// the price.
    FreeShipping {
        /// Methods it covers; empty means every method.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        methods: Vec<String>,
        /// When true, remote zones (偏远地区) are not covered.
        #[serde(default)]
        exclude_remote: bool,
        /// At most this much off the shipping price (the whole price when
        /// it is less); absent: the whole price (free shipping).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_off: Option<Amount>,
    },
    /// A points multiplier on the items, recorded for the points stage.
    BonusPoints {
        /// The multiplier (2 doubles the points).
        multiplier: Percent,
    },
}

fn one() -> u32 {
    1
}

/// The scope of a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Each item line (item stage).
    #[default]
    Items,
    /// The order (order stage), spread over the items.
    Order,
}

unit_enum!(Scope { Items = "items", Order = "order" });

/// What a fixed amount is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmountPer {
    /// Each unit (item stage).
    Unit,
    /// The order once (order stage), spread over the items.
    Order,
}

unit_enum!(AmountPer { Unit = "unit", Order = "order" });

/// How an order discount covers shipping too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WithShipping {
    /// Taken from the items first (spread over them as usual); the rest
    /// comes off the shipping of the chosen method, as a shipping discount.
    ItemsFirst,
    /// Spread over the items and the chosen method's shipping price
    /// together, in proportion to what each costs (see
    /// `docs/promotions.md`): the items' part over the covered lines, the
    /// shipping part as a shipping discount.
    ProRata,
}

unit_enum!(WithShipping { ItemsFirst = "items_first", ProRata = "pro_rata" });

/// Which units a buy-X-get-Y discounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Choose {
    /// The cheapest units (the default).
    #[default]
    Cheapest,
    /// The most expensive units.
    MostExpensive,
}

unit_enum!(Choose { Cheapest = "cheapest", MostExpensive = "most_expensive" });

/// One spend tier: from `min_spend`, `discount` off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendTier {
    /// The spend to reach.
    pub min_spend: Amount,
    /// The discount.
    pub discount: Amount,
}

/// One quantity tier: from `min_qty` units, `percent` off each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuantityTier {
    /// The units to reach.
    pub min_qty: u32,
    /// The percentage off.
    pub percent: Percent,
}
