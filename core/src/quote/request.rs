//! The quote request: a cart, the customer and `now`.

pub use crate::units::{LengthUnit, WeightUnit};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::messages::Lang;
use crate::money::{Amount, Currency, DecimalString};
use crate::Timestamp;

/// Everything a quote depends on. The engine stores nothing between requests.
///
/// ```
/// use commerce_rules::QuoteRequest;
/// let req: QuoteRequest = serde_json::from_str(r#"{
///     "now": "2026-11-11T20:00:00+08:00",
///     "lines": [{"id": "1", "sku": "TEA-100", "quantity": 2, "unit_price": "59.00"}]
/// }"#).unwrap();
/// assert_eq!(req.lines[0].quantity, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// The moment the quote is for; the engine reads no clock.
    pub now: Timestamp,
    /// The currency the host expects; when given it must be the one the
    /// quote is answered in (the market's, else the rule set's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The market to answer in (a market id of the rule set); default the
    /// market whose countries include the destination's, else none (the
    /// rule set's currency). See `docs/markets.md`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// Who is buying.
    #[serde(default)]
    pub customer: Customer,
    /// The cart lines. Each `id` is unique; the answer lists lines by id.
    pub lines: Vec<CartLine>,
    /// Totals to show converted into another currency (settlement stays in the rule set's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_currency: Option<DisplayCurrency>,
    /// Coupon codes the shopper entered, matched case-insensitively after trimming.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// Coupons the customer holds, and unique codes the host has issued.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wallet: Vec<WalletCoupon>,
    /// Which wallet coupons may be used; default `best` (the combination that saves most).
    #[serde(default)]
    pub wallet_selection: WalletSelection,
    /// Usage counters of promotions, as the host has recorded them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<UsageCounter>,
    /// The sales channel (`web`, `app`, `mini_program`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The language of default messages in the answer; default `en`.
    #[serde(default)]
    pub locale: Lang,
    /// Where the order ships to; without it no shipping is quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Destination>,
    /// The shipping method chosen (a method id of the matched zone); default
    /// the cheapest available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<String>,
    /// Points to redeem and the customer's point lots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<PointsRequest>,
    /// Gift cards and stored value offered to pay the order, in the order
    /// they pay; at most 20. They pay the grand total and change nothing else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenders: Vec<super::tenders::Tender>,
    /// What customs needs from the host for the landed cost (China's
    /// cross-border annual amount used); see `docs/landed.md`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customs: Option<CustomsRequest>,
    /// Also answer the explanation trail and why every other promotion did
    /// not apply (admin and QA screens); default false: the answer a cart
    /// page and an order need.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub explain: bool,
    /// Most hints answered, nearest thresholds first (default 3, at most
    /// [`MAX_HINTS`]).
    #[serde(default = "default_max_hints", skip_serializing_if = "is_default_max_hints")]
    pub max_hints: u32,
}

/// The most hints a quote may ask for (`max_hints`).
pub const MAX_HINTS: u32 = 10;

/// Hints answered when the request does not say.
pub const DEFAULT_MAX_HINTS: u32 = 3;

fn default_max_hints() -> u32 {
    DEFAULT_MAX_HINTS
}

fn is_default_max_hints(n: &u32) -> bool {
    *n == DEFAULT_MAX_HINTS
}

/// A shipping destination.
///
/// ```
/// use commerce_rules::Destination;
/// let d: Destination = serde_json::from_str(
///     r#"{"country": "CN", "region": "Xinjiang", "city": "Urumqi", "postcode": "830000"}"#).unwrap();
/// assert_eq!(d.country, "CN");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    /// ISO 3166-1 alpha-2 country code, upper case (`CN`, `US`).
    pub country: String,
    /// Region, province or state (`Xinjiang`, `NY`), matched case-insensitively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// City, matched case-insensitively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Postcode, checked against the country's format where known (CN six
    /// digits, US `12345` or `12345-6789`); compared in upper case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
}

/// A unit's outer dimensions in whole centimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimensions {
    /// Length, cm.
    pub length_cm: u32,
    /// Width, cm.
    pub width_cm: u32,
    /// Height, cm.
    pub height_cm: u32,
}

/// A weight in a named unit.
///
/// ```
/// use commerce_rules::{Weight, WeightUnit};
/// let w: Weight = serde_json::from_str(r#"{"value": "12", "unit": "oz"}"#).unwrap();
/// assert_eq!(w.unit, WeightUnit::Oz);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Weight {
    /// The weight, a decimal string (`"1.25"`), at least 0.
    pub value: DecimalString,
    /// `g`, `kg`, `lb` or `oz`.
    pub unit: WeightUnit,
}

/// A unit's outer dimensions in a named unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// Length, a decimal string, at least 0.
    pub length: DecimalString,
    /// Width.
    pub width: DecimalString,
    /// Height.
    pub height: DecimalString,
    /// `cm` or `in`.
    pub unit: LengthUnit,
}

/// Points the customer wants to redeem, and what they hold. The host sends
/// the state; the engine stores nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsRequest {
    /// Points to redeem; more than allowed is reduced, with the reasons in the answer.
    #[serde(default)]
    pub redeem: u64,
    /// The customer's point lots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<crate::points::PointLot>,
    /// Points the customer owes; it uses up the soonest-expiring lots first.
    #[serde(default)]
    pub debt: u64,
}

/// A coupon the customer holds (领券), or a unique code the host issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WalletCoupon {
    /// The coupon's id in the host's records; named in answers and usages.
    pub id: String,
    /// The promotion it unlocks.
    pub promotion_id: String,
    /// Its unique code, when the shopper may type it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// When it becomes valid (its own validity, within the promotion's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<Timestamp>,
    /// When it stops being valid (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Timestamp>,
    /// The currency it was issued in, when the issuer names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// True when it has been used already (single use).
    #[serde(default)]
    pub redeemed: bool,
}

/// Which wallet coupons the engine may use.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WalletSelection {
    /// The combination that saves the customer most (最优惠组合).
    #[default]
    Best,
    /// None: only entered codes and automatic promotions.
    None,
    /// Only these wallet coupon ids (the shopper's own choice).
    Only(Vec<String>),
}

/// How often a promotion has been used, as the host recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageCounter {
    /// The promotion.
    pub promotion_id: String,
    /// Uses by every customer.
    #[serde(default)]
    pub total_uses: u64,
    /// Uses by this customer.
    #[serde(default)]
    pub customer_uses: u64,
    /// Discount granted so far, against the promotion's budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_spent: Option<Amount>,
}

/// The customer, as far as prices depend on it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The host's customer id, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The membership tier id (member prices); none for guests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Segments the customer belongs to (staff, b2b...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    /// True when this is the customer's first order (new-customer promotions).
    #[serde(default)]
    pub first_order: bool,
}

/// One cart line with its list unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CartLine {
    /// Unique within the cart, and not the id of a gift line a promotion
    /// of the rule set may add (`gift:` and the promotion's id).
    #[serde(deserialize_with = "crate::json::shared_str")]
    #[schemars(with = "String")]
    pub id: Arc<str>,
    /// The product's SKU.
    #[serde(deserialize_with = "crate::json::shared_str")]
    #[schemars(with = "String")]
    pub sku: Arc<str>,
    /// Units, at least 1.
    pub quantity: u32,
    /// The list unit price, in the rule set's currency and minor units (in a
    /// market too: the market's price is worked out from it).
    pub unit_price: Amount,
    /// The tax class; the rule set's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_class: Option<String>,
    /// Categories the product is in (category prices, promotions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Free-form tags (promotions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The brand (promotions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// True when no promotion may discount this line.
    #[serde(default)]
    pub non_discountable: bool,
    /// Weight of one unit in grams (an integer: 1.25 kg is 1250); absent: 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_g: Option<u32>,
    /// Weight of one unit in a unit of your choice (`{"value": "1.5", "unit": "lb"}`),
    /// instead of `weight_g`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Weight>,
    /// Outer dimensions of one unit, for volumetric weight and oversize surcharges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Dimensions>,
    /// Outer dimensions of one unit in cm or inches, decimals allowed
    /// (`{"length": "12.5", "width": "9", "height": "4", "unit": "in"}`),
    /// instead of `dimensions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// The shipping template the product is bound to (`by-piece`): methods
    /// price its units with their rate for that template (`template_rates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_template: Option<String>,
    /// The shipping class (`liquid`, `frozen`, `battery`...), which some methods refuse or surcharge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_class: Option<String>,
    /// The warehouse it ships from; the rule set's default warehouse when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The product's HS code (digits only, `"090210"`), for duty and
    /// consumption-tax rates by HS-code prefix (landed cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_code: Option<String>,
    /// Where the product was made (ISO 3166-1 alpha-2, `"CN"`), for duty
    /// rates by origin (landed cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_origin: Option<String>,
}

/// What customs needs from the host: state the engine does not keep.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomsRequest {
    /// The amount of this year's cross-border retail purchases the person
    /// has used (China's annual limit), in the destination's currency
    /// (CNY); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_used: Option<DecimalString>,
}

/// A currency to show totals in, and the rate the host uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayCurrency {
    /// The display currency.
    pub currency: Currency,
    /// Units of the display currency per unit of the rule set's currency (> 0).
    pub rate: DecimalString,
}
