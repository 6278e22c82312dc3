//! Price lists: member and tier prices, sale prices, volume tiers and
//! customer-segment prices.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::{Amount, Percent};
use crate::time::WindowBound;

/// Which eligible price a line gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceSelection {
    /// The lowest eligible price, the list price included (the default). Ties
    /// go to the list price, then to the price list that comes first.
    #[default]
    Lowest,
    /// The first eligible price list in rule-set order; the list price when none is.
    FirstMatch,
}

unit_enum!(PriceSelection { Lowest = "lowest", FirstMatch = "first_match" });

/// What a price list is, as shown to the shopper. A `sale` price marks the
/// line as on sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceListKind {
    /// Member or tier prices (会员价).
    Member,
    /// A time-boxed sale (促销价).
    Sale,
    /// Volume tiers (阶梯价).
    Volume,
    /// Prices for customer segments (B2B, staff...).
    Segment,
    /// Anything else.
    Custom,
}

unit_enum!(PriceListKind { Member = "member", Sale = "sale", Volume = "volume", Segment = "segment", Custom = "custom" });

/// A price list: prices for some SKUs or categories, for some customers, in
/// an optional time window.
///
/// ```
/// use commerce_rules::rules::PriceList;
/// let list: PriceList = serde_json::from_str(r#"{
///     "id": "gold-members", "kind": "member", "customer_tiers": ["gold"],
///     "prices": [{"sku": "TEA-100", "unit_price": "45.00"},
///                {"category": "snacks", "percent_of_list": "90"}]
/// }"#).unwrap();
/// assert_eq!(list.prices.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceList {
    /// Unique id, named in answers.
    pub id: String,
    /// What kind of price this is.
    pub kind: PriceListKind,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Customer tiers it is for; empty means every tier (and guests).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_tiers: Vec<String>,
    /// Customer segments it is for (any one suffices); empty means everyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_segments: Vec<String>,
    /// When it starts (inclusive); a date or local time is in the merchant's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<WindowBound>,
    /// When it ends (exclusive); a date means through the end of that local day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<WindowBound>,
    /// The prices. A SKU entry beats a category entry in the same list.
    pub prices: Vec<PriceEntry>,
}

/// The price of one SKU or one category within a price list.
///
/// Give `unit_price` or `percent_of_list` (or neither, when `tiers` alone
/// set the price from some quantity on), and optionally volume `tiers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceEntry {
    /// The SKU priced (give this or `category`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// The category priced (give this or `sku`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// A fixed unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Amount>,
    /// A unit price as a percentage of the list price, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_of_list: Option<Percent>,
    /// Volume tiers: from `min_qty` units of the SKU in the cart (all lines
    /// of the SKU together), each unit costs the tier's price.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<VolumeTier>,
}

/// One volume tier (阶梯价): from `min_qty` units, this unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolumeTier {
    /// The smallest quantity the tier applies to, at least 1.
    pub min_qty: u32,
    /// A fixed unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Amount>,
    /// A unit price as a percentage of the list price, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_of_list: Option<Percent>,
}
