//! JSON Schemas of the rule set, each request and each answer, generated
//! from the Rust types. The committed copies live in `schemas/`.

use schemars::schema_for;

use crate::rules::RuleSet;
use crate::{ErrorReport, QuoteAnswer, QuoteRequest};

/// Every schema, as `(file name, pretty JSON)`.
///
/// ```
/// let names: Vec<_> = commerce_rules::schema::all().into_iter().map(|(n, _)| n).collect();
/// assert!(names.contains(&"rule_set.schema.json"));
/// ```
pub fn all() -> Vec<(&'static str, String)> {
    let render = |s: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&s).unwrap_or_default();
        text.push('\n');
        text
    };
    vec![
        ("rule_set.schema.json", render(schema_for!(RuleSet))),
        ("quote_request.schema.json", render(schema_for!(QuoteRequest))),
        ("quote_answer.schema.json", render(schema_for!(QuoteAnswer))),
        ("error.schema.json", render(schema_for!(ErrorReport))),
    ]
}
