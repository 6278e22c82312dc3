//! JSON Schemas of the rule set, each request and each answer, generated
//! from the Rust types. The committed copies live in `schemas/`.

use schemars::schema_for;

use crate::points::{
    PointsBalanceAnswer, PointsBalanceRequest, PointsClawback, PointsClawbackRequest, TierStatusAnswer,
    TierStatusRequest,
};
use crate::returns::{PriceProtectionAnswer, PriceProtectionRequest, ReturnRefundAnswer, ReturnRefundRequest};
use crate::rules::RuleSet;
use crate::{BestCouponsAnswer, ErrorReport, QuoteAnswer, QuoteRequest, ShippingAnswer};

/// Every schema, as `(file name, pretty JSON)`.
///
/// ```
/// let names: Vec<_> = commerce_rules::schema::all().into_iter().map(|(n, _)| n).collect();
/// assert!(names.contains(&"rule_set.schema.json"));
/// ```
pub fn all() -> Vec<(&'static str, String)> {
    let render = |s: schemars::Schema| {
        let mut value = s.to_value();
        strip_examples(&mut value);
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    };
    vec![
        ("rule_set.schema.json", render(schema_for!(RuleSet))),
        ("quote_request.schema.json", render(schema_for!(QuoteRequest))),
        ("quote_answer.schema.json", render(schema_for!(QuoteAnswer))),
        ("best_coupons_answer.schema.json", render(schema_for!(BestCouponsAnswer))),
        ("shipping_options_answer.schema.json", render(schema_for!(ShippingAnswer))),
        ("tier_status_request.schema.json", render(schema_for!(TierStatusRequest))),
        ("tier_status_answer.schema.json", render(schema_for!(TierStatusAnswer))),
        ("points_balance_request.schema.json", render(schema_for!(PointsBalanceRequest))),
        ("points_balance_answer.schema.json", render(schema_for!(PointsBalanceAnswer))),
        ("points_clawback_request.schema.json", render(schema_for!(PointsClawbackRequest))),
        ("points_clawback_answer.schema.json", render(schema_for!(PointsClawback))),
        ("return_refund_request.schema.json", render(schema_for!(ReturnRefundRequest))),
        ("return_refund_answer.schema.json", render(schema_for!(ReturnRefundAnswer))),
        ("price_protection_request.schema.json", render(schema_for!(PriceProtectionRequest))),
        ("price_protection_answer.schema.json", render(schema_for!(PriceProtectionAnswer))),
        ("error.schema.json", render(schema_for!(ErrorReport))),
    ]
}

/// Drops the Rust code examples that doc comments carry into `description`.
fn strip_examples(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(d)) = map.get_mut("description") {
                if let Some(cut) = d.find("```") {
                    d.truncate(cut);
                    let trimmed = d.trim_end().to_string();
                    *d = trimmed;
                }
            }
            map.values_mut().for_each(strip_examples);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_examples),
        _ => {}
    }
}
