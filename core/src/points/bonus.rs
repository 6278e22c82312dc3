//! Fixed bonus points (`points.earning.bonuses`): what a quote answers for
//! them, and how a return reverses them.
//!
//! A bonus's reversal is a function of the cumulative units returned, never
//! decreasing and reaching the bonus's points exactly when everything is
//! returned: each return reverses the difference with the earlier returns,
//! so over any sequence of returns a bonus is reversed at most once in full
//! and a full return reverses exactly the points the order earned.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::rules::BonusReturn;

/// What earned a bonus, as answers name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BonusKind {
    /// Every order that earns points.
    Order,
    /// The customer's first order.
    FirstOrder,
    /// Units of listed SKUs or categories; shown on the lines.
    PerUnit,
    /// Items reaching a spend threshold (`min_spend`).
    SpendThreshold,
}

unit_enum!(BonusKind { Order = "order", FirstOrder = "first_order", PerUnit = "per_unit", SpendThreshold = "spend_threshold" });

/// A bonus an order earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EarnedBonus {
    /// The bonus id (`points.earning.bonuses[].id`).
    pub id: String,
    /// What earned it.
    pub trigger: BonusKind,
    /// The spend threshold reached (`spend_threshold`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_spend: Option<Money>,
    /// Points earned (for `per_unit`: the lines' `points.bonuses` sum to it).
    pub points: u64,
    /// How a return reverses it.
    pub on_return: BonusReturn,
    /// A default message in the request's locale.
    pub message: String,
}

/// A per-unit bonus's points on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBonus {
    /// The bonus id.
    pub bonus_id: String,
    /// Points: the bonus's points per unit × the line's units.
    pub points: u64,
}

/// A bonus reversed by a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct BonusReversal {
    /// The bonus id.
    pub bonus_id: String,
    /// The rule it was reversed by.
    pub on_return: BonusReturn,
    /// Points reversed by this return.
    pub points: u64,
}
