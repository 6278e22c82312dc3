//! The path of a fault, against serde_path_to_error (a dev-dependency),
//! which the core used to track it with while parsing a second time.

use super::*;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Doc {
    items: Vec<Item>,
}
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Item {
    qty: u32,
}

fn err(text: &str) -> Problem {
    parse::<Doc>(text, 1000, 5).unwrap_err()
}

#[test]
fn names_the_path_and_code() {
    let p = err(r#"{"items":[{"qty":1},{"qty":-1}]}"#);
    assert_eq!((p.code, p.path.as_str()), (ErrorCode::InvalidValue, "items[1].qty"));
    let p = err(r#"{"items":[{"qty":1,"colour":"red"}]}"#);
    assert_eq!((p.code, p.path.as_str()), (ErrorCode::UnknownField, "items[0].colour"));
    let p = err(r#"{"items":[{}]}"#);
    assert_eq!((p.code, p.path.as_str()), (ErrorCode::MissingField, "items[0]"));
}

#[test]
fn refuses_truncated_trailing_large_and_deep_texts() {
    assert_eq!(err(r#"{"items":[{"qty":1}"#).code, ErrorCode::InvalidJson);
    assert_eq!(err(r#"{"items":[]} x"#).code, ErrorCode::InvalidJson);
    assert_eq!(err(&" ".repeat(1001)).code, ErrorCode::JsonTooLarge);
    assert_eq!(err(r#"{"items":[[[[[[1]]]]]]}"#).code, ErrorCode::JsonTooDeep);
    // Brackets inside strings do not count.
    assert_eq!(err(r#"{"items":[], "x": "[[[[[[[[\"[["}"#).code, ErrorCode::UnknownField);
}

/// The previous implementation: a second parse tracking the path.
fn tracked<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = match e.path().to_string() {
            p if p == "." => String::new(),
            p => p,
        };
        classify(e.inner(), path)
    })?;
    de.end().map_err(|e| classify(&e, String::new()))?;
    Ok(value)
}

/// How the two implementations compare on a text.
enum Outcome {
    Valid,
    Same,
    /// A syntax error inside a member the type ignores (a receipt's
    /// `explanation`): serde_path_to_error names the member, we name where in
    /// it the JSON breaks.
    Deeper,
    /// Anything else: a kind of difference and the details.
    Differ(String, String),
}

fn compare<T: DeserializeOwned>(text: &str) -> Outcome {
    let ours = parse::<T>(text, usize::MAX, 1000).err();
    // (Both read the text without its top-level `$schema`.)
    let theirs = match without_schema(text) {
        Ok(prepared) => tracked::<T>(&prepared).err(),
        Err(p) => Some(p),
    };
    let show = |p: &Option<Problem>| p.as_ref().map(|p| format!("{} at `{}`: {}", p.code.as_str(), p.path, p.message));
    if show(&ours) == show(&theirs) {
        return if theirs.is_none() { Outcome::Valid } else { Outcome::Same };
    }
    let (Some(ours), Some(theirs)) = (ours, theirs) else {
        return Outcome::Differ("one fails".into(), text.to_string());
    };
    let deeper = ours.path.strip_prefix(theirs.path.as_str()).is_some_and(|rest| rest.starts_with(['.', '[']));
    if ours.code == ErrorCode::InvalidJson && (ours.code, &ours.message) == (theirs.code, &theirs.message) && deeper {
        return Outcome::Deeper;
    }
    let message = theirs.message.split(" at line").next().unwrap_or("").to_string();
    let kind: String = message.split('`').step_by(2).collect::<Vec<_>>().join("_");
    let kind = kind.split(':').next().unwrap_or("").to_string();
    let context: String = text.chars().rev().take(300).collect::<Vec<_>>().into_iter().rev().collect();
    let details = format!("{context}\n  ours:   {:?}\n  theirs: {:?}\n  message: {message}", ours.path, theirs.path);
    Outcome::Differ(kind, details)
}

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Rule sets and requests (with their question) of the golden scenarios and sample data.
fn documents() -> (Vec<Value>, Vec<(String, Value)>) {
    let root = repo_root();
    let mut rules = Vec::new();
    let mut requests = Vec::new();
    let mut dirs = vec![root.join("core/tests/scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let question = scenario.get("question").and_then(Value::as_str).unwrap_or("quote").to_string();
            if let Some(r) = scenario.get("rules") {
                rules.push(r.clone());
            }
            requests.push((question, scenario["request"].clone()));
        }
    }
    for dir in ["examples/data", "core/tests/data"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let Ok(value) = serde_json::from_str::<Value>(&std::fs::read_to_string(&path).unwrap()) else { continue };
            if name.ends_with(".rules.json") {
                rules.push(value);
            } else if name.ends_with(".quote.json") {
                requests.push(("quote".to_string(), value));
            }
        }
    }
    (rules, requests)
}

/// Broken variants of a document: every value replaced by values of other
/// types, every member removed, an unknown member and a duplicate added to
/// every object; written compactly, one in four with whitespace.
fn variants(doc: &Value) -> Vec<String> {
    fn walk(doc: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Value>, root: &Value) {
        // Three of these a value, in turn.
        let replacements =
            [json!(null), json!("x"), json!(-1), json!(1.5), json!([]), json!({}), json!(true), json!("2026-13-45")];
        for j in 0..3 {
            let r = &replacements[(out.len() + j) % replacements.len()];
            if r != doc {
                out.push(replaced(root, here, Some(r.clone())));
            }
        }
        match doc {
            Value::Object(map) => {
                for (k, v) in map {
                    here.push(PathStep::Key(k.clone()));
                    out.push(replaced(root, here, None));
                    walk(v, here, out, root);
                    here.pop();
                }
                let mut with = map.clone();
                with.insert("zz_unknown".into(), json!(1));
                out.push(replaced(root, here, Some(Value::Object(with))));
                let mut with = map.clone();
                with.insert("0_unknown".into(), json!({"a": [1]}));
                out.push(replaced(root, here, Some(Value::Object(with))));
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    here.push(PathStep::Index(i));
                    walk(v, here, out, root);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut values = Vec::new();
    walk(doc, &mut Vec::new(), &mut values, doc);
    let mut texts = Vec::new();
    for (n, v) in values.iter().enumerate() {
        texts.push(match n % 4 {
            0 => serde_json::to_string_pretty(v).unwrap(),
            _ => serde_json::to_string(v).unwrap(),
        });
    }
    // Duplicate keys, which a `Value` cannot hold: repeat the first member of each object.
    let compact = serde_json::to_string(doc).unwrap();
    for (i, _) in compact.match_indices("{\"") {
        if let Some(end) = compact[i + 1..].find(",\"") {
            let member = &compact[i + 1..i + 1 + end];
            texts.push(format!("{}{},{}", &compact[..=i], member, &compact[i + 1..]));
        }
    }
    texts
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

/// `root` with the value at `at` replaced (or removed when `with` is `None`).
fn replaced(root: &Value, at: &[PathStep], with: Option<Value>) -> Value {
    let mut root = root.clone();
    let Some((last, parents)) = at.split_last() else { return with.unwrap_or(Value::Null) };
    let mut node = &mut root;
    for step in parents {
        node = match step {
            PathStep::Key(k) => &mut node[k.as_str()],
            PathStep::Index(i) => &mut node[*i],
        };
    }
    match (last, with) {
        (PathStep::Key(k), Some(v)) => node[k.as_str()] = v,
        (PathStep::Key(k), None) => {
            node.as_object_mut().unwrap().remove(k);
        }
        (PathStep::Index(i), Some(v)) => node[*i] = v,
        (PathStep::Index(i), None) => {
            node.as_array_mut().unwrap().remove(*i);
        }
    }
    root
}

/// Syntax faults: the text cut short at many places, and a stray byte inserted.
fn syntax_variants(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let step = (text.len() / 60).max(1);
    for (i, _) in text.char_indices().step_by(step) {
        out.push(text[..i].to_string());
        for stray in ["x", ",", "}", "]", ":", "\"", " 1", "[", "\\"] {
            out.push(format!("{}{stray}{}", &text[..i], &text[i..]));
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    faults: usize,
    deeper: usize,
    failures: Vec<(String, String)>,
}

fn check<T: DeserializeOwned>(texts: &[String], tally: &mut Tally) {
    // At most 200 texts a document (JSON_PATH_CASES to change), spread over it.
    let most = std::env::var("JSON_PATH_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200_usize);
    let step = texts.len().div_ceil(most).max(1);
    for text in texts.iter().step_by(step) {
        tally.faults += 1;
        match compare::<T>(text) {
            Outcome::Valid => tally.faults -= 1,
            Outcome::Same => {}
            Outcome::Deeper => tally.deeper += 1,
            Outcome::Differ(kind, details) => tally.failures.push((kind, details)),
        }
    }
}

/// Compares on broken variants of every rule set, or of every request.
fn compare_documents(rule_sets: bool) {
    use crate::points::{PointsBalanceRequest, TierStatusRequest};
    use crate::returns::{PriceProtectionRequest, ReturnRefundRequest};
    let (rules, requests) = documents();
    let mut tally = Tally::default();
    for doc in rules.iter().filter(|_| rule_sets) {
        check::<crate::rules::RuleSet>(&variants(doc), &mut tally);
        check::<crate::rules::RuleSet>(&syntax_variants(&serde_json::to_string_pretty(doc).unwrap()), &mut tally);
    }
    for (question, doc) in requests.iter().filter(|_| !rule_sets) {
        for texts in [variants(doc), syntax_variants(&serde_json::to_string(doc).unwrap())] {
            match question.as_str() {
                "quote" | "best_coupons" | "shipping_options" => check::<crate::QuoteRequest>(&texts, &mut tally),
                "tier_status" => check::<TierStatusRequest>(&texts, &mut tally),
                "points_balance" => check::<PointsBalanceRequest>(&texts, &mut tally),
                "return_refund" => check::<ReturnRefundRequest>(&texts, &mut tally),
                "price_protection" => check::<PriceProtectionRequest>(&texts, &mut tally),
                other => panic!("unknown question {other}"),
            }
        }
    }
    let Tally { faults, deeper, failures } = tally;
    let mut kinds: std::collections::BTreeMap<&str, (usize, Vec<&str>)> = std::collections::BTreeMap::new();
    for (kind, example) in &failures {
        let entry = kinds.entry(kind).or_insert((0, Vec::new()));
        entry.0 += 1;
        if entry.0 % 97 == 1 && entry.1.len() < 4 {
            entry.1.push(example);
        }
    }
    let shown: Vec<String> = kinds.iter().map(|(k, (n, e))| format!("== {n} x {k}\n{}", e.join("\n"))).collect();
    assert!(failures.is_empty(), "{} of {faults} faults differ:\n{}", failures.len(), shown.join("\n"));
    assert!(faults > 15_000, "{faults}");
    // The deeper paths are all in a receipt's ignored members.
    assert!(deeper < faults / 25, "{deeper} deeper paths of {faults} faults");
    eprintln!("{faults} faults, {deeper} deeper");
}

#[test]
fn paths_match_serde_path_to_error_on_broken_rule_sets() {
    compare_documents(true);
}

#[test]
fn paths_match_serde_path_to_error_on_broken_requests() {
    compare_documents(false);
}

/// The shape walker and the typed parse judge every broken rule set alike:
/// the walker finds nothing in what parses (no false problem), and finds a
/// problem about the same value (or one inside or around it) as serde_json's
/// first fault in what does not.
#[test]
fn the_shape_walker_agrees_with_the_typed_parse() {
    let schema: Value = serde_json::from_str(shape::RULE_SET).unwrap();
    let (rules, _) = documents();
    let (mut checked, mut failing) = (0, 0);
    let mut disagreements = Vec::new();
    for doc in &rules {
        for text in variants(doc) {
            let Ok(text) = without_schema(&text) else { continue };
            let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
            let typed = parse_prepared::<crate::rules::RuleSet>(&text);
            let walked = shape::check(&schema, &value, 100);
            checked += 1;
            match typed {
                Ok(_) if walked.is_empty() => {}
                Ok(_) => disagreements.push(format!("false problems {walked:?} in {text}")),
                // A `Value` keeps the last of two members of the same name.
                Err(p) if p.message.starts_with("duplicate field") => {}
                Err(p) => {
                    failing += 1;
                    let near = |w: &Problem| w.path == p.path || shape_related(&w.path, &p.path);
                    if !walked.iter().any(near) {
                        disagreements.push(format!("missed {p:?} (walker: {walked:?}) in {text}"));
                    }
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
    assert!(checked > 5_000 && failing > 3_000, "{checked} checked, {failing} failing");
}

fn shape_related(a: &str, b: &str) -> bool {
    let inside = |inner: &str, outer: &str| {
        outer.is_empty() || inner.strip_prefix(outer).is_some_and(|r| r.is_empty() || r.starts_with(['.', '[']))
    };
    inside(a, b) || inside(b, a)
}

#[test]
fn a_top_level_schema_member_is_accepted_as_a_string_only() {
    let ok = |text: &str| parse::<Doc>(text, 1000, 5).map(|d| d.items.len());
    assert_eq!(ok(r#"{"$schema": "doc.schema.json", "items": [{"qty": 1}]}"#), Ok(1));
    assert_eq!(ok(r#"{"items": [], "$schema": "doc.schema.json"}"#), Ok(0));
    assert_eq!(
        ok("{\n  \"$schema\": \"https://example.com/s.json\"\n}").unwrap_err().message,
        "missing field `items` at line 3 column 1"
    );
    assert_eq!(ok(r#"{"$schema":"x"}"#).unwrap_err().code, ErrorCode::MissingField);
    // Other bytes keep their place: errors name the same line and column.
    let p = ok("{\"$schema\": \"é\",\n \"items\": [{\"qty\": -1}]}").unwrap_err();
    assert_eq!(
        (p.path.as_str(), p.message.as_str()),
        ("items[0].qty", "expected a whole number from 0 to 4294967295, found the number -1 at line 2 column 21")
    );
    let p = ok(r#"{"$schema": 1, "items": []}"#).unwrap_err();
    assert_eq!((p.code, p.path.as_str()), (ErrorCode::InvalidValue, "$schema"));
    let p = ok(r#"{"$schema": "a", "items": [], "$schema": "b"}"#).unwrap_err();
    assert_eq!(
        (p.code, p.path.as_str(), p.message.as_str()),
        (ErrorCode::InvalidValue, "$schema", "duplicate field `$schema`")
    );
    // Only at the top level.
    let p = ok(r#"{"items": [{"$schema": "x", "qty": 1}]}"#).unwrap_err();
    assert_eq!((p.code, p.path.as_str()), (ErrorCode::UnknownField, "items[0].$schema"));
    // A text that is not an object is left to serde_json.
    assert_eq!(ok(r#"["$schema"]"#).unwrap_err().code, ErrorCode::InvalidValue);
    assert_eq!(ok(r#"{"$schema": "x" "#).unwrap_err().code, ErrorCode::InvalidJson);
}

proptest::proptest! {
    /// `prepare` searches for the top-level `$schema` member only when the
    /// depth scan saw a `"$schema"` string at the top level: it answers as
    /// the full search over every text does.
    #[test]
    fn prepare_finds_the_schema_member_as_a_full_search_does(
        tokens in proptest::collection::vec(
            proptest::sample::select(vec![
                "{", "}", "[", "]", ":", ",", " ", "1", "\"a\"", "\"$schema\"", "\"$schema", "\"x$schema\"",
                "\"\\\"$schema\\\"\"", "\"$schema\":\"s\"", "{\"$schema\":", "\"b\":",
            ]),
            0..24,
        ),
    ) {
        let text: String = tokens.concat();
        let full = check_depth(&text, 32).and_then(|_| without_schema(&text));
        let ours = prepare(&text, usize::MAX, 32);
        proptest::prop_assert_eq!(
            ours.as_ref().map(|t| t.to_string()).map_err(|p| (p.code, p.message.clone())),
            full.as_ref().map(|t| t.to_string()).map_err(|p| (p.code, p.message.clone()))
        );
    }
}
