//! Tax classes and how tax is computed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::{Percent, RoundingMode};

/// How the rule set taxes its prices.
///
/// ```
/// use commerce_rules::rules::TaxConfig;
/// let tax: TaxConfig = serde_json::from_str(r#"{
///     "prices_include_tax": true,
///     "default_class": "standard",
///     "classes": [{"id": "standard", "rate_percent": "13"}]
/// }"#).unwrap();
/// assert!(tax.prices_include_tax);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxConfig {
    /// True when prices already include tax (Chinese and EU retail); false
    /// when tax is added on top (US sales tax). Tax is shown either way.
    pub prices_include_tax: bool,
    /// Whether tax is computed on each line's amount or on each unit; default `per_line`.
    #[serde(default)]
    pub calculation: TaxCalculation,
    /// How tax amounts are rounded to minor units; default `half_up`.
    #[serde(default)]
    pub rounding: RoundingMode,
    /// The class of lines that name none.
    pub default_class: String,
    /// The tax classes.
    pub classes: Vec<TaxClass>,
}

/// Where tax is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxCalculation {
    /// Tax on each line's amount, rounded once per line: 1.08 × 3 at 19 % is 0.62.
    #[default]
    PerLine,
    /// Tax on each unit, rounded per unit, then summed: 1.08 × 3 at 19 % is 3 × 0.21 = 0.63.
    PerUnit,
}

unit_enum!(TaxCalculation { PerLine = "per_line", PerUnit = "per_unit" });

/// A tax class and its rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxClass {
    /// Unique id, named by lines (`tax_class`).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The rate in percent, 0 to 100: `"13"` is 13 %.
    pub rate_percent: Percent,
}
