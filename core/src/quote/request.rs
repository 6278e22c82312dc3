//! The quote request: a cart, the customer and `now`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// The currency the host expects; when given it must be the rule set's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Who is buying.
    #[serde(default)]
    pub customer: Customer,
    /// The cart lines. Each `id` is unique; the answer lists lines by id.
    pub lines: Vec<CartLine>,
    /// Totals to show converted into another currency (settlement stays in the rule set's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_currency: Option<DisplayCurrency>,
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
}

/// One cart line with its list unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CartLine {
    /// Unique within the cart.
    pub id: String,
    /// The product's SKU.
    pub sku: String,
    /// Units, at least 1.
    pub quantity: u32,
    /// The list unit price, in the rule set's currency and minor units.
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
