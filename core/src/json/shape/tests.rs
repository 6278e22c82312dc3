//! The shape walker: every problem at once, at the field itself, in plain words.

use super::*;
use serde_json::json;

fn rule_set_problems(value: &Value) -> Vec<(String, String, String)> {
    let schema: Value = serde_json::from_str(RULE_SET).unwrap();
    check(&schema, value, 100).into_iter().map(|p| (p.code.as_str().to_string(), p.path, p.message)).collect()
}

#[test]
fn plain_words_for_serde_messages() {
    assert_eq!(
        plain("invalid value: integer `-1`, expected u32 at line 1 column 9"),
        "expected a whole number from 0 to 4294967295, found the number -1 at line 1 column 9"
    );
    assert_eq!(
        plain("invalid type: integer `10`, expected struct MinSubtotal"),
        "expected an object, found the number 10"
    );
    assert_eq!(plain("invalid type: string \"x\", expected a sequence"), "expected an array, found the string \"x\"");
    assert_eq!(plain("invalid type: map, expected a boolean"), "expected true or false, found an object");
    assert_eq!(plain("missing field `now`"), "missing field `now`");
}

#[test]
fn edit_distance() {
    assert_eq!(distance("promotion", "promotions"), 1);
    assert_eq!(distance("kitten", "sitting"), 3);
    assert_eq!(distance("", "abc"), 3);
}

fn base() -> Value {
    json!({
        "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
        "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]}
    })
}

#[test]
fn a_valid_rule_set_has_no_problem() {
    assert_eq!(rule_set_problems(&base()), []);
    let mut optional_nulls = base();
    optional_nulls["id"] = Value::Null;
    optional_nulls["points"] = Value::Null;
    assert_eq!(rule_set_problems(&optional_nulls), []);
}

#[test]
fn every_missing_field_at_once() {
    let found = rule_set_problems(&json!({"schema_version": 1}));
    let codes: Vec<(&str, &str)> = found.iter().map(|(c, p, _)| (c.as_str(), p.as_str())).collect();
    assert_eq!(codes, [("missing_field", ""), ("missing_field", ""), ("missing_field", "")]);
    assert!(found[0].2.starts_with("missing field `currency` (an ISO 4217 currency code"), "{}", found[0].2);
    assert_eq!(found[1].2, "missing field `time_zone` (a string)");
    assert_eq!(found[2].2, "missing field `tax` (an object)");
}

#[test]
fn a_wrong_value_is_named_at_the_field_itself_in_plain_words() {
    let mut rules = base();
    rules["promotions"] = json!([
        {"id": "p", "benefit": {"type": "percent_off", "percent": 10}, "conditions": {"min_subtotal": 10}},
        {"id": "q", "benefit": {"type": "nth_item", "n": -2, "percent": "50"}, "priority": "high"},
        {"id": "r", "benefit": {"type": "percent"}},
        {"id": "s", "benefit": {"percent": "5"}, "trigger": "sometimes"},
        {"id": "t", "benefit": 5}
    ]);
    let found = rule_set_problems(&rules);
    let expected = [
        (
            "invalid_value",
            "promotions[0].benefit.percent",
            "expected a decimal string such as \"10\" (a percentage), found the number 10",
        ),
        ("invalid_value", "promotions[0].conditions.min_subtotal", "expected an object, found the number 10"),
        (
            "invalid_value",
            "promotions[1].benefit.n",
            "expected a whole number from 0 to 4294967295, found the number -2",
        ),
        (
            "invalid_value",
            "promotions[1].priority",
            "expected a whole number from -2147483648 to 2147483647, found the string \"high\"",
        ),
    ];
    for (n, (code, path, message)) in expected.iter().enumerate() {
        assert_eq!((found[n].0.as_str(), found[n].1.as_str(), found[n].2.as_str()), (*code, *path, *message));
    }
    assert_eq!((found[4].0.as_str(), found[4].1.as_str()), ("invalid_value", "promotions[2].benefit.type"));
    assert!(found[4].2.starts_with("expected one of \"percent_off\", \"amount_off\""), "{}", found[4].2);
    assert!(found[4].2.ends_with("or \"bonus_points\", found the string \"percent\""), "{}", found[4].2);
    assert_eq!((found[5].0.as_str(), found[5].1.as_str()), ("missing_field", "promotions[3].benefit"));
    assert!(found[5].2.starts_with("missing field `type` (one of \"percent_off\""), "{}", found[5].2);
    assert_eq!(
        (found[6].1.as_str(), found[6].2.as_str()),
        (
            "promotions[3].trigger",
            "expected one of \"automatic\", \"code\" or \"wallet\", found the string \"sometimes\""
        )
    );
    assert_eq!((found[7].1.as_str(), found[7].0.as_str()), ("promotions[4].benefit", "invalid_value"));
    assert!(found[7].2.starts_with("expected an object whose `type` is one of"), "{}", found[7].2);
    assert_eq!(found.len(), 8, "{found:?}");
}

#[test]
fn unknown_fields_suggest_the_nearest_name() {
    let mut rules = base();
    rules["promotion"] = json!([]);
    rules["tax"]["clases"] = json!([]);
    let found = rule_set_problems(&rules);
    assert_eq!(found[0].1, "promotion");
    assert!(found[0]
        .2
        .starts_with("unknown field `promotion` (did you mean `promotions`?); expected one of `$schema`"));
    assert_eq!(found[1].1, "tax.clases");
    assert!(found[1].2.starts_with("unknown field `clases` (did you mean `classes`?)"), "{}", found[1].2);
    rules["zzz"] = json!(1);
    let found = rule_set_problems(&rules);
    assert!(found[2].2.starts_with("unknown field `zzz`; expected one of"), "{}", found[2].2);
}

#[test]
fn strings_the_core_parses_are_checked_with_its_parsers() {
    let mut rules = base();
    rules["currency"] = json!("XYZ");
    rules["tax"]["classes"][0]["rate_percent"] = json!("1e3");
    rules["price_lists"] = json!([{"id": "a", "kind": "sale", "starts_at": "2026-13-45", "prices": []}]);
    let found = rule_set_problems(&rules);
    let paths: Vec<&str> = found.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(paths, ["currency", "price_lists[0].starts_at", "tax.classes[0].rate_percent"]);
    assert!(found[1].2.starts_with("expected a time with its offset"), "{}", found[1].2);
}

#[test]
fn problems_stop_at_the_cap() {
    let schema: Value = serde_json::from_str(RULE_SET).unwrap();
    let rules = json!({"a": 1, "b": 2, "c": 3, "d": 4});
    assert_eq!(check(&schema, &rules, 2).len(), 2);
    assert_eq!(check(&schema, &rules, 100).len(), 8);
}

#[test]
fn the_first_fault_is_kept_when_the_walker_does_not_see_it() {
    let first = Problem::new(ErrorCode::InvalidValue, "x.y", "duplicate field `y`");
    let text = serde_json::to_string(&base()).unwrap();
    assert_eq!(problems(&text, RULE_SET, first.clone(), 10), std::slice::from_ref(&first));
    let mut rules = base();
    rules["currency"] = json!(1);
    let text = serde_json::to_string(&rules).unwrap();
    let found = problems(&text, RULE_SET, first.clone(), 10);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0], first);
    // One about the same value replaces it.
    let same = Problem::new(ErrorCode::InvalidValue, "currency", "invalid type");
    assert_eq!(problems(&text, RULE_SET, same, 10).len(), 1);
}

/// The walker reads every keyword the schemas use (and ignores only annotations).
#[test]
fn the_walker_reads_every_keyword_of_the_schemas() {
    fn keywords(schema: &Value, in_properties: bool, out: &mut std::collections::BTreeSet<String>) {
        match schema {
            Value::Object(map) => {
                for (k, v) in map {
                    if !in_properties && k != "$defs" {
                        out.insert(k.clone());
                    }
                    if in_properties || !ANNOTATIONS.contains(&k.as_str()) {
                        keywords(v, !in_properties && (k == "properties" || k == "$defs"), out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| keywords(v, false, out)),
            _ => {}
        }
    }
    let mut used = std::collections::BTreeSet::new();
    for (_, text) in crate::schema::all() {
        keywords(&serde_json::from_str(&text).unwrap(), false, &mut used);
    }
    let unknown: Vec<&String> =
        used.iter().filter(|k| !KEYWORDS.contains(&k.as_str()) && !ANNOTATIONS.contains(&k.as_str())).collect();
    assert!(unknown.is_empty(), "keywords the walker does not read: {unknown:?}");
    // The one pattern is the decimal one, which the walker checks with parse_decimal.
    let patterns: std::collections::BTreeSet<String> = crate::schema::all()
        .iter()
        .flat_map(|(_, t)| t.match_indices("\"pattern\": \"").map(|(i, _)| t[i..].lines().next().unwrap().to_string()))
        .collect();
    assert_eq!(patterns.len(), 1, "{patterns:?}");
}
