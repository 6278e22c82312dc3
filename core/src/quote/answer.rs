//! The quote answer: priced lines, adjustments, tax, totals and the trail
//! of rules behind every figure.

use schemars::JsonSchema;
use serde::Serialize;

use crate::money::{Currency, DecimalString, Money, Percent};
use crate::rules::PriceListKind;

/// The stages of a quote, in the fixed order they run.
///
/// Catalog price, item promotions, order promotions, points redemption,
/// shipping, shipping promotions, tax, totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The unit price each line gets: list, member, sale, volume or segment price.
    CatalogPrice,
    /// Promotions on items (percent off an item, buy X get Y...).
    ItemPromotions,
    /// Promotions on the order (满减, order coupons), allocated to lines.
    OrderPromotions,
    /// Points paying part of the order, allocated to lines.
    PointsRedemption,
    /// Shipping prices.
    Shipping,
    /// Promotions on shipping (free shipping...).
    ShippingPromotions,
    /// Tax per line.
    Tax,
    /// Order totals.
    Totals,
}

impl Stage {
    /// Every stage, in order.
    pub const ORDER: [Stage; 8] = [
        Stage::CatalogPrice,
        Stage::ItemPromotions,
        Stage::OrderPromotions,
        Stage::PointsRedemption,
        Stage::Shipping,
        Stage::ShippingPromotions,
        Stage::Tax,
        Stage::Totals,
    ];
}

/// The answer to a quote.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct QuoteAnswer {
    /// The rule set's id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_id: Option<String>,
    /// The settlement currency of every amount.
    pub currency: Currency,
    /// Whether line prices include tax.
    pub prices_include_tax: bool,
    /// The lines, sorted by id.
    pub lines: Vec<LineAnswer>,
    /// Tax per class.
    pub tax_summary: Vec<TaxSummary>,
    /// Order totals.
    pub totals: Totals,
    /// Totals converted for display, when the request asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<DisplayTotals>,
    /// Every figure, stage by stage, with the rule that made it.
    pub explanation: Vec<Step>,
}

/// One priced line.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LineAnswer {
    /// The line id from the request.
    pub id: String,
    /// The SKU.
    pub sku: String,
    /// Units.
    pub quantity: u32,
    /// The list unit price sent by the host.
    pub list_unit_price: Money,
    /// The unit price the line gets after the catalog stage.
    pub unit_price: Money,
    /// Where that unit price comes from.
    pub price_source: PriceSource,
    /// List unit price × quantity.
    pub list_subtotal: Money,
    /// The line at its catalog price: unit price × quantity, rounded.
    pub subtotal: Money,
    /// Discounts on this line, each naming its rule (item and order stages).
    pub adjustments: Vec<Adjustment>,
    /// The sum of `adjustments`.
    pub discount_total: Money,
    /// `subtotal - discount_total`: what the line costs before tax is added.
    pub net: Money,
    /// Tax on the line (included in `net` when prices include tax).
    pub tax: LineTax,
    /// What the line costs: `net`, plus `tax.amount` when tax is added on top.
    pub total: Money,
}

/// Where a line's unit price comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PriceSource {
    /// `list` for the host's list price, otherwise the price list's kind.
    pub kind: PriceSourceKind,
    /// The price list id, when a price list set the price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// The volume tier reached, when a tier set the price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_min_qty: Option<u32>,
}

/// What kind of price a line got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceSourceKind {
    /// The list price sent by the host.
    List,
    /// A member or tier price.
    Member,
    /// A sale price.
    Sale,
    /// A volume tier price.
    Volume,
    /// A customer-segment price.
    Segment,
    /// Another kind of price list.
    Custom,
}

impl From<PriceListKind> for PriceSourceKind {
    fn from(k: PriceListKind) -> Self {
        match k {
            PriceListKind::Member => PriceSourceKind::Member,
            PriceListKind::Sale => PriceSourceKind::Sale,
            PriceListKind::Volume => PriceSourceKind::Volume,
            PriceListKind::Segment => PriceSourceKind::Segment,
            PriceListKind::Custom => PriceSourceKind::Custom,
        }
    }
}

/// A discount on a line, made by one rule in one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Adjustment {
    /// The stage that made it.
    pub stage: Stage,
    /// The id of the rule that made it.
    pub rule_id: String,
    /// The amount taken off the line (positive).
    pub amount: Money,
}

/// Tax on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LineTax {
    /// The tax class id.
    pub class: String,
    /// The class's rate in percent.
    pub rate_percent: Percent,
    /// The tax amount.
    pub amount: Money,
    /// True when the amount is included in the line's price.
    pub included: bool,
}

/// Tax of one class over the whole order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TaxSummary {
    /// The tax class id.
    pub class: String,
    /// The rate in percent.
    pub rate_percent: Percent,
    /// The amount taxed, tax excluded.
    pub taxable: Money,
    /// The tax.
    pub tax: Money,
}

/// Order totals. Always
/// `grand_total = item_subtotal - discounts + shipping - shipping_discounts + tax (when added) - points_value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Totals {
    /// Lines at list prices.
    pub list_subtotal: Money,
    /// Lines at catalog prices (member, sale, volume...).
    pub item_subtotal: Money,
    /// Item and order discounts.
    pub discounts: Money,
    /// Shipping before shipping discounts.
    pub shipping: Money,
    /// Shipping discounts.
    pub shipping_discounts: Money,
    /// Tax, included or added as `tax_included` says.
    pub tax: Money,
    /// Whether `tax` is included in the prices (true) or added on top (false).
    pub tax_included: bool,
    /// The value of points redeemed.
    pub points_value: Money,
    /// What the customer pays.
    pub grand_total: Money,
    /// Everything saved against list prices: catalog savings, discounts, shipping discounts.
    pub savings: Money,
}

/// Totals converted into a display currency at the host's rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DisplayTotals {
    /// The display currency.
    pub currency: Currency,
    /// Units of the display currency per unit of the settlement currency.
    pub rate: DecimalString,
    /// Item subtotal, converted.
    pub item_subtotal: Money,
    /// Discounts, converted.
    pub discounts: Money,
    /// Tax, converted.
    pub tax: Money,
    /// Grand total, converted. Indicative: the customer pays the settlement amount.
    pub grand_total: Money,
}

/// One figure of the answer and the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Step {
    /// The stage.
    pub stage: Stage,
    /// The line it concerns; absent for order-level figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// What the figure is.
    pub code: StepCode,
    /// The rule that made it: `list_price`, `price_list:ID`, `tax_class:ID`, `totals`.
    pub rule: String,
    /// The figure.
    pub amount: Money,
}

/// What an explanation step records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepCode {
    /// The unit price a line gets.
    UnitPrice,
    /// A line's subtotal at that price.
    LineSubtotal,
    /// A line's tax.
    LineTax,
    /// The order's grand total.
    GrandTotal,
}
