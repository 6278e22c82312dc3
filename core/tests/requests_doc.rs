//! `docs/requests.md` stays true: every example request (the ```json block
//! after a `<!-- request: NAME minimal|full -->` marker) is valid against its
//! JSON Schema and answered by the engine with the doc's rule set (the
//! block after `<!-- rules -->`); every question has both examples; a full
//! example gives every top-level field of its own request schema; and every
//! field of every request schema is named in the doc.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use commerce_rules::{Engine, Question};
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The ```json blocks of `doc`, each with the marker comment before it.
fn examples(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(m) = line.trim().strip_prefix("<!--").and_then(|m| m.strip_suffix("-->")) {
            marker = Some(m.trim().to_string());
        } else if line.trim() == "```json" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            let marker = marker.take().unwrap_or_else(|| panic!("a ```json block without a marker: {block:?}"));
            out.push((marker, block.join("\n")));
        }
    }
    out
}

/// The schema a question's request is checked against.
fn request_schema(question: &str) -> (String, Value) {
    let stem = match question {
        "best_coupons" | "shipping_options" => "quote".to_string(),
        q => q.to_string(),
    };
    let name = format!("{stem}_request.schema.json");
    let text = fs::read_to_string(repo_root().join("schemas").join(&name)).unwrap();
    (name, serde_json::from_str(&text).unwrap())
}

fn schema(name: &str) -> Value {
    serde_json::from_str(&fs::read_to_string(repo_root().join("schemas").join(name)).unwrap()).unwrap()
}

#[test]
fn every_example_request_is_valid_and_answered() {
    let doc = fs::read_to_string(repo_root().join("docs/requests.md")).unwrap();
    let examples = examples(&doc);
    let rules = &examples.iter().find(|(m, _)| m == "rules").expect("a `<!-- rules -->` block").1;
    let problems =
        commerce_rules::schema::check(&schema("rule_set.schema.json"), &serde_json::from_str(rules).unwrap(), 100);
    assert!(problems.is_empty(), "the doc's rule set: {problems:?}");
    let engine = Engine::from_json(rules).unwrap_or_else(|e| panic!("the doc's rule set: {:?}", e.problems()));
    let mut seen = BTreeSet::new();
    for (marker, text) in &examples {
        let Some(rest) = marker.strip_prefix("request: ") else {
            assert_eq!(marker, "rules", "unknown marker");
            continue;
        };
        let (question, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("marker `{marker}`: NAME minimal|full"));
        assert!(kind == "minimal" || kind == "full", "marker `{marker}`");
        let q = Question::from_name(question).unwrap_or_else(|| panic!("`{marker}`: no question {question}"));
        let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("`{marker}`: not JSON: {e}"));
        let (schema_name, schema) = request_schema(question);
        let problems = commerce_rules::schema::check(&schema, &value, 100);
        assert!(problems.is_empty(), "`{marker}` against {schema_name}: {problems:?}");
        if let Err(e) = engine.answer_json(q, text) {
            panic!("`{marker}`: the engine refuses it: {:?}", e.problems());
        }
        if kind == "full" && !matches!(question, "best_coupons" | "shipping_options") {
            let given: BTreeSet<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
            let missing: Vec<&String> =
                schema["properties"].as_object().unwrap().keys().filter(|k| !given.contains(k.as_str())).collect();
            assert!(missing.is_empty(), "`{marker}` lacks {missing:?}");
        }
        assert!(seen.insert((question.to_string(), kind.to_string())), "`{marker}` twice");
    }
    for q in Question::ALL {
        for kind in ["minimal", "full"] {
            assert!(seen.contains(&(q.name().to_string(), kind.to_string())), "no {kind} example of {}", q.name());
        }
    }
}

/// Every field of every request schema (and of the types they use) is
/// named in the doc, as `field`.
#[test]
fn every_request_field_is_explained() {
    fn fields(schema: &Value, out: &mut BTreeSet<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    out.extend(properties.keys().cloned());
                }
                map.values().for_each(|v| fields(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| fields(v, out)),
            _ => {}
        }
    }
    let doc = fs::read_to_string(repo_root().join("docs/requests.md")).unwrap();
    let mut missing = Vec::new();
    for name in ["quote", "tier_status", "points_balance", "return_refund", "price_protection"] {
        let mut names = BTreeSet::new();
        fields(&request_schema(name).1, &mut names);
        missing.extend(names.into_iter().filter(|f| !doc.contains(&format!("`{f}`"))).map(|f| format!("{name}: {f}")));
    }
    assert!(missing.is_empty(), "docs/requests.md does not explain {missing:?}");
}
