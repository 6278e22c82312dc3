//! Units of weight and length, as requests and rule sets name them.
//!
//! A leaf module: the reason codes and messages name units without reaching
//! up into the quote (`crate::quote` re-exports both enums, as the crate
//! root does).

use schemars::JsonSchema;
use serde::Serialize;

/// A unit of weight. 1 lb is 453.59237 g and 1 oz 28.349523125 g, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WeightUnit {
    /// Grams.
    G,
    /// Kilograms.
    Kg,
    /// Pounds (avoirdupois).
    Lb,
    /// Ounces (avoirdupois).
    Oz,
}

unit_enum!(WeightUnit { G = "g", Kg = "kg", Lb = "lb", Oz = "oz" });

/// A unit of length. 1 in is 2.54 cm, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LengthUnit {
    /// Centimetres.
    Cm,
    /// Inches.
    In,
}

unit_enum!(LengthUnit { Cm = "cm", In = "in" });
