//! JSON Schemas of the rule set, each request and each answer, generated
//! from the Rust types. The committed copies live in `schemas/`.

use schemars::schema_for;

use crate::points::{
    PointsBalanceAnswer, PointsBalanceRequest, PointsClawback, PointsClawbackRequest, TierStatusAnswer,
    TierStatusRequest,
};
use crate::returns::{PriceProtectionAnswer, PriceProtectionRequest, ReturnRefundAnswer, ReturnRefundRequest};
use crate::rules::RuleSet;
use crate::{BestCouponsAnswer, ErrorReport, Limits, QuoteAnswer, QuoteRequest, ShippingAnswer};

/// Every schema, as `(file name, pretty JSON)`.
///
/// Each has an `$id` (`urn:commerce-rules:schema:rule_set`...); the rule set
/// and every request also define a `$schema` member, so that a document can
/// name its schema for editors (the engine ignores it).
///
/// ```
/// let names: Vec<_> = commerce_rules::schema::all().into_iter().map(|(n, _)| n).collect();
/// assert!(names.contains(&"rule_set.schema.json"));
/// assert!(names.contains(&"limits.schema.json"));
/// ```
pub fn all() -> Vec<(&'static str, String)> {
    values().into_iter().map(|(name, value)| (name, pretty(&value))).collect()
}

/// The schema of `$schema`, as the rule set and the requests define it.
fn schema_member() -> serde_json::Value {
    serde_json::json!({
        "description": "The address (URL or path) of this document's JSON Schema, for editors; the engine ignores it.",
        "type": "string"
    })
}

fn values() -> Vec<(&'static str, serde_json::Value)> {
    let schemas = vec![
        ("rule_set.schema.json", schema_for!(RuleSet)),
        ("quote_request.schema.json", schema_for!(QuoteRequest)),
        ("quote_answer.schema.json", schema_for!(QuoteAnswer)),
        ("best_coupons_answer.schema.json", schema_for!(BestCouponsAnswer)),
        ("shipping_options_answer.schema.json", schema_for!(ShippingAnswer)),
        ("tier_status_request.schema.json", schema_for!(TierStatusRequest)),
        ("tier_status_answer.schema.json", schema_for!(TierStatusAnswer)),
        ("points_balance_request.schema.json", schema_for!(PointsBalanceRequest)),
        ("points_balance_answer.schema.json", schema_for!(PointsBalanceAnswer)),
        ("points_clawback_request.schema.json", schema_for!(PointsClawbackRequest)),
        ("points_clawback_answer.schema.json", schema_for!(PointsClawback)),
        ("return_refund_request.schema.json", schema_for!(ReturnRefundRequest)),
        ("return_refund_answer.schema.json", schema_for!(ReturnRefundAnswer)),
        ("price_protection_request.schema.json", schema_for!(PriceProtectionRequest)),
        ("price_protection_answer.schema.json", schema_for!(PriceProtectionAnswer)),
        ("error.schema.json", schema_for!(ErrorReport)),
        ("limits.schema.json", schema_for!(Limits)),
    ];
    schemas
        .into_iter()
        .map(|(name, schema)| {
            let mut value = schema.to_value();
            strip_examples(&mut value);
            if let serde_json::Value::Object(root) = &mut value {
                let stem = name.trim_end_matches(".schema.json");
                root.insert("$id".to_string(), format!("urn:commerce-rules:schema:{stem}").into());
                let takes_schema_member = stem == "rule_set" || stem.ends_with("_request");
                if let Some(serde_json::Value::Object(properties)) = root.get_mut("properties") {
                    if takes_schema_member {
                        properties.insert(crate::json::SCHEMA_MEMBER.to_string(), schema_member());
                    }
                }
            }
            (name, value)
        })
        .collect()
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The schemas the core embeds, as `(path from the repository root,
/// compact JSON)`: the rule set's schema without its annotations, which
/// [`crate::validate_rules_json`] walks to list every shape problem of a
/// rule set at once. A test keeps the committed copy current.
#[doc(hidden)]
pub fn embedded() -> Vec<(&'static str, String)> {
    let Some((_, mut rule_set)) = values().into_iter().find(|(n, _)| *n == "rule_set.schema.json") else {
        return Vec::new();
    };
    strip_annotations(&mut rule_set, false);
    let mut text = serde_json::to_string(&rule_set).unwrap_or_default();
    text.push('\n');
    vec![("core/src/json/rule_set.shape.json", text)]
}

/// Every problem of `value` against `schema`, one of the schemas of
/// [`all`] (or any schema that uses only the keywords they use: `$ref` to
/// `$defs`, `type`, `properties`, `required`, `additionalProperties`,
/// `items`, `oneOf`, `anyOf`, `const`, `enum`, `format`, `minimum` and
/// `pattern`), each with its path and a message in plain words, up to `max`.
///
/// ```
/// let schema = commerce_rules::schema::all().into_iter().find(|(n, _)| *n == "limits.schema.json").unwrap().1;
/// let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
/// let problems = commerce_rules::schema::check(&schema, &serde_json::json!({"max_lines": -1, "max_carts": 1}), 10);
/// let found: Vec<_> = problems.iter().map(|p| (p.code.as_str(), p.path.as_str())).collect();
/// assert_eq!(found, [("unknown_field", "max_carts"), ("invalid_value", "max_lines")]);
/// ```
pub fn check(schema: &serde_json::Value, value: &serde_json::Value, max: usize) -> Vec<crate::Problem> {
    crate::json::shape::check(schema, value, max)
}

/// Drops what only annotates (descriptions, titles, defaults, `$id`...),
/// but not members of that name in `properties`.
fn strip_annotations(value: &mut serde_json::Value, in_properties: bool) {
    match value {
        serde_json::Value::Object(map) => {
            if !in_properties {
                map.retain(|k, _| !crate::json::shape::ANNOTATIONS.contains(&k.as_str()));
            }
            for (k, v) in map.iter_mut() {
                strip_annotations(v, !in_properties && k == "properties");
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| strip_annotations(v, false)),
        _ => {}
    }
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
