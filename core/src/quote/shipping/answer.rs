//! The shipping part of an answer: options with prices, rate steps and
//! delivery windows; unavailable methods with reasons; the no-zone reason.

use schemars::JsonSchema;
use serde::Serialize;

use crate::money::{Currency, DecimalString, Money, Percent};
use crate::quote::WeightUnit;
use crate::reasons::{Hint, NoShippingReason, ShippingReason, ShippingReasonParams};
use crate::rules::ServiceLevel;
use crate::Timestamp;

/// Shipping options for a cart and destination (the quote's `shipping`
/// section, and the answer to the `shipping_options` question).
///
/// ```
/// use commerce_rules::Engine;
/// let engine = Engine::from_json(r#"{
///     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
///     "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
///     "shipping": {"carriers": [{"id": "sf"}], "zones": [{"id": "cn", "match": {"countries": ["CN"]},
///         "methods": [{"id": "std", "carrier": "sf", "service": "standard",
///                      "rate": {"type": "flat", "price": "8.00"}, "transit_days": {"min": 1, "max": 3}}]}]}
/// }"#).unwrap();
/// let answer = engine.shipping_options(&serde_json::from_str(r#"{
///     "now": "2026-11-11T10:00:00+08:00", "destination": {"country": "CN", "postcode": "310000"},
///     "lines": [{"id": "1", "sku": "TEA", "quantity": 1, "unit_price": "50.00", "weight_g": 300}]
/// }"#).unwrap()).unwrap();
/// assert_eq!(answer.options[0].total.to_string(), "8.00");
/// assert_eq!(answer.options[0].delivery.earliest, "2026-11-12");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ShippingAnswer {
    /// The settlement currency of every amount.
    pub currency: Currency,
    /// The zone matched, when one did: also a blackout zone, which answers
    /// `no_shipping` (`no_zone_matches`) with no options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    /// The zone's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_name: Option<String>,
    /// True when the zone is remote (偏远地区).
    pub remote: bool,
    /// Why nothing ships, when nothing does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_shipping: Option<NoShipping>,
    /// Available methods, cheapest first (by `total`, then price, then delivery).
    pub options: Vec<ShippingOption>,
    /// Methods of the zone that cannot take this cart, each with its reason.
    pub unavailable: Vec<UnavailableMethod>,
    /// The method priced into the totals: the request's `shipping_method`, else the cheapest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen_method: Option<String>,
    /// How to reach free or cheaper shipping (also in the quote's `hints`).
    pub hints: Vec<Hint>,
}

/// Why no shipping is quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct NoShipping {
    /// The stable reason code.
    pub reason: NoShippingReason,
    /// A default message in the request's locale.
    pub message: String,
}

/// One available shipping method with its price and delivery window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ShippingOption {
    /// The method id.
    pub method_id: String,
    /// Its display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The carrier id.
    pub carrier: String,
    /// The service level.
    pub service: ServiceLevel,
    /// The price before shipping discounts: the parcels' prices summed.
    pub price: Money,
    /// The shipping discount (free-shipping threshold, tier benefit or promotion).
    pub discount: Money,
    /// The rule behind `discount`: `free_shipping:ID` or `promotion:ID`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_rule: Option<String>,
    /// What the customer pays for shipping: `price - discount`.
    pub total: Money,
    /// Chargeable weight of all parcels, in grams.
    pub chargeable_weight_g: u64,
    /// One parcel per origin warehouse, in warehouse-id order.
    pub parcels: Vec<ParcelQuote>,
    /// Fees charged once per order (a handling fee `"per": "order"`); `price`
    /// is the parcels' prices plus these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_fees: Vec<RateStep>,
    /// When it arrives.
    pub delivery: DeliveryEstimate,
    /// Delivery time slots still open, for slotted methods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<DeliverySlot>,
    /// True for the fastest option (earliest latest date, then earliest date; the cheapest of ties).
    pub fastest: bool,
    /// True for the method priced into the totals.
    pub chosen: bool,
}

/// One parcel (all lines from one warehouse) and how its price was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ParcelQuote {
    /// The warehouse id.
    pub origin: String,
    /// The lines in it, by id.
    pub line_ids: Vec<std::sync::Arc<str>>,
    /// Units in it.
    pub units: u64,
    /// Actual weight, grams.
    pub actual_weight_g: u64,
    /// Volumetric weight (L × W × H / the carrier's divisor), grams, rounded up.
    pub volumetric_weight_g: u64,
    /// The greater of actual and volumetric weight, grams (rounded up to the
    /// gram when the carrier bills in pounds).
    pub chargeable_weight_g: u64,
    /// The weights in the carrier's unit, when the carrier states units,
    /// side rounding or a billable increment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable: Option<BillableWeight>,
    /// The parcel's value after item and order discounts (value brackets).
    pub value: Money,
    /// The parcel's price: the sum of `steps`.
    pub price: Money,
    /// The rate steps that made the price.
    pub steps: Vec<RateStep>,
}

/// A parcel's weights as the carrier bills them, in its unit (kg or lb).
/// Figures are exact, shown to at most 4 decimal places (rounded up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct BillableWeight {
    /// `kg` or `lb`.
    pub unit: WeightUnit,
    /// Actual weight.
    pub actual: DecimalString,
    /// Volumetric weight: the volume (sides rounded as the carrier says) over its divisor.
    pub volumetric: DecimalString,
    /// The greater of the two, rounded up to the carrier's increment.
    pub billable: DecimalString,
}

/// One step of a parcel's price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RateStep {
    /// What the step charges.
    pub code: RateStepCode,
    /// How many: further weight steps, units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// The price of one, when `count` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Money>,
    /// The weight bracket's upper bound, grams.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_to_g: Option<u64>,
    /// The weight bracket's upper bound in the carrier's unit, when written so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_to: Option<DecimalString>,
    /// The value bracket's lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Money>,
    /// The shipping template whose lines the step prices, when the parcel
    /// mixes templates (or its lines all name one the method prices).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The percentage, for `percent_of_value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<Percent>,
    /// The amount charged.
    pub amount: Money,
}

/// What a rate step charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RateStepCode {
    /// A flat price.
    Flat,
    /// The first weight (首重).
    FirstWeight,
    /// Further weight steps (续重): `count` steps at `unit_price`.
    AdditionalWeight,
    /// A weight bracket (`up_to_g`).
    WeightBracket,
    /// An order-value bracket (`from`).
    ValueBracket,
    /// A price per unit: `count` units at `unit_price`.
    PerItem,
    /// The remote-zone surcharge.
    RemoteSurcharge,
    /// The oversize surcharge.
    OversizeSurcharge,
    /// The cold-chain surcharge.
    ColdChainSurcharge,
    /// The handling fee.
    HandlingFee,
    /// The first pieces (首件).
    FirstPieces,
    /// Further pieces (续件): `count` steps at `unit_price`.
    AdditionalPieces,
    /// A percentage (`percent`) of the parcel's value, rounded.
    PercentOfValue,
    /// The percentage fee's `min_fee`, charged because the percentage came to less.
    MinimumFee,
    /// The percentage fee's `max_fee`, charged because the percentage came to more.
    MaximumFee,
    /// A fee per unit: `count` units at `unit_price`.
    PerPieceFee,
    /// A flexible rate's first-item price: `count` times (once per round of `max_items`) at `unit_price`.
    FirstItem,
    /// A flexible rate's further units: `count` units at `unit_price`.
    AdditionalItem,
    /// A fee per unit of some products (`product_fee`): `count` units at `unit_price`.
    ProductFee,
}

/// The delivery window of an option: local dates in the merchant's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DeliveryEstimate {
    /// The day the last parcel leaves its warehouse (`YYYY-MM-DD`).
    pub dispatch_date: String,
    /// True when every parcel leaves today.
    pub ships_today: bool,
    /// Earliest delivery date (`YYYY-MM-DD`); never after `latest`.
    pub earliest: String,
    /// Latest delivery date (`YYYY-MM-DD`).
    pub latest: String,
    /// Minutes left to order for it to ship today (before the cut-off), when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_within_minutes: Option<u32>,
    /// "order within 2 h 15 min to ship today", in the request's locale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A delivery time slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DeliverySlot {
    /// The local date (`YYYY-MM-DD`).
    pub date: String,
    /// When it starts, with the merchant's offset.
    pub starts_at: Timestamp,
    /// When it ends.
    pub ends_at: Timestamp,
}

/// A method of the matched zone that cannot take this cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UnavailableMethod {
    /// The method id.
    pub method_id: String,
    /// Its display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The carrier id.
    pub carrier: String,
    /// The service level.
    pub service: ServiceLevel,
    /// The stable reason code.
    pub reason: ShippingReason,
    /// The reason's parameters.
    pub params: ShippingReasonParams,
    /// A default message in the request's locale.
    pub message: String,
}

/// A line's share of the chosen method's shipping (`shipping.allocate_by`:
/// by amount, weight or pieces). Over the lines, `amount` sums exactly to
/// `totals.shipping` and `discount` to `totals.shipping_discounts`. Absent
/// on lines that bear no shipping (gift lines, a quote without a chosen
/// method, a free price).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LineShipping {
    /// The line's share of the shipping charged: its parcel's price spread
    /// over the parcel's lines, plus its share of the order fees.
    pub amount: Money,
    /// The line's share of the shipping discount, in proportion to `amount`
    /// (never more than it).
    pub discount: Money,
    /// The rule behind `discount` (`free_shipping:ID`, `tier:ID`,
    /// `promotion:ID`); absent when there is no discount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_rule: Option<std::sync::Arc<str>>,
}
