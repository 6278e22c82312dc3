//! The C API gives the same bytes as the Rust API (PRODUCT.md invariant 9),
//! on every golden scenario under `core/tests/scenarios/` and on the bundled
//! sample stores: the same answer JSON, or the same error (status, code,
//! message, path and report JSON), through `cr_engine_answer` and through
//! the question's own function (`cr_engine_quote`...).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use commerce_rules::{Engine, Question};
use common::*;
use serde_json::{Map, Value};

/// One case: a rule-set text, a question and a request text.
struct Case {
    name: String,
    rules: String,
    question: String,
    request: String,
}

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A scenario file as a case, in the format of `core/tests/golden.rs`.
fn scenario_case(path: &Path) -> Case {
    let text = fs::read_to_string(path).unwrap();
    let scenario: Map<String, Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not a JSON object: {e}", path.display()));
    let rules = match (scenario.get("rules"), scenario.get("rules_file")) {
        (Some(r), None) => serde_json::to_string(r).unwrap(),
        (None, Some(Value::String(f))) => read(f),
        _ => panic!("{}: give exactly one of `rules` or `rules_file`", path.display()),
    };
    let question = scenario.get("question").and_then(Value::as_str).unwrap_or("quote").to_string();
    let request = serde_json::to_string(scenario.get("request").unwrap_or(&Value::Null)).unwrap();
    Case { name: path.display().to_string(), rules, question, request }
}

fn sample_cases() -> Vec<Case> {
    ["cn-store", "us-store"]
        .iter()
        .map(|store| Case {
            name: format!("examples/data/{store}"),
            rules: read(&format!("examples/data/{store}.rules.json")),
            question: "quote".to_string(),
            request: read(&format!("examples/data/{store}.quote.json")),
        })
        .collect()
}

/// Runs one case both ways; returns whether it ended in an answer.
fn check(case: &Case) -> bool {
    let question = Question::from_name(&case.question)
        .unwrap_or_else(|| panic!("{}: unknown question {}", case.name, case.question));
    let rust_engine = Engine::from_json(&case.rules);
    let c_engine = engine_new(case.rules.as_bytes());
    let (rust_engine, c_engine) = match (rust_engine, c_engine) {
        (Ok(r), Ok(c)) => (r, c),
        (Err(r), Err(c)) => {
            assert_eq!(c, expected_error(&r), "{}: the rule-set error differs", case.name);
            return false;
        }
        (r, c) => panic!("{}: Rust gave {:?}, C gave {:?}", case.name, r.err(), c.err()),
    };
    let expected = rust_engine.answer_json(question, &case.request).map_err(|e| expected_error(&e));
    let by_name = answer(&c_engine, &case.question, case.request.as_bytes());
    assert!(by_name == expected, "{}: cr_engine_answer differs from Engine::answer_json", case.name);
    let own = call(question_fn(&case.question), &c_engine, case.request.as_bytes());
    assert!(own == expected, "{}: cr_engine_{} differs from Engine::answer_json", case.name, case.question);
    // Same input, same bytes: a second call gives the first call's answer.
    assert!(answer(&c_engine, &case.question, case.request.as_bytes()) == expected, "{}: not repeatable", case.name);
    expected.is_ok()
}

#[test]
fn c_answers_are_byte_identical_to_rust_on_every_golden_scenario() {
    let mut files = Vec::new();
    scenario_files(&repo_root().join("core/tests/scenarios"), &mut files);
    let mut cases: Vec<Case> = files.iter().map(|f| scenario_case(f)).collect();
    cases.extend(sample_cases());
    let answered = cases.iter().filter(|c| check(c)).count();
    // The samples must answer; the suite may hold error scenarios too.
    assert!(answered >= 2, "only {answered} of {} cases answered", cases.len());
    eprintln!("{} cases ({} scenario files), {answered} answered, all byte-identical", cases.len(), files.len());
}

#[test]
fn every_question_of_the_engine_is_reachable_by_name() {
    let count = commerce_rules_c::cr_question_count();
    assert_eq!(count, Question::ALL.len());
    for (i, q) in Question::ALL.iter().enumerate() {
        let name = unsafe { std::ffi::CStr::from_ptr(commerce_rules_c::cr_question_name(i)) };
        assert_eq!(name.to_str().unwrap(), q.name());
        question_fn(q.name()); // each has its own function
    }
    assert!(commerce_rules_c::cr_question_name(count).is_null());
    assert!(commerce_rules_c::cr_question_name(usize::MAX).is_null());
}

/// The sample store's markets through the C API: a request naming a market
/// (`examples/data/cn-store.de.quote.json`, and the same cart for Hong Kong
/// and the United States) is answered in that market's currency, with the
/// landed cost, byte for byte what Rust answers.
#[test]
fn c_answers_in_the_markets_currency() {
    let rules = read("examples/data/cn-store.rules.json");
    let base: Value = serde_json::from_str(&read("examples/data/cn-store.de.quote.json")).unwrap();
    let rust_engine = Engine::from_json(&rules).unwrap();
    let c_engine = engine_new(rules.as_bytes()).unwrap();
    for (market, country, currency) in [("de", "DE", "EUR"), ("hk", "HK", "HKD"), ("us", "US", "USD")] {
        let mut request = base.clone();
        request["market"] = Value::from(market);
        request["destination"] = serde_json::json!({ "country": country });
        let request = serde_json::to_string(&request).unwrap();
        let c_answer = quote(&c_engine, request.as_bytes()).unwrap_or_else(|e| panic!("{market}: {e:?}"));
        assert_eq!(c_answer, rust_engine.quote_json(&request).unwrap(), "{market}: C differs from Rust");
        let answer: Value = serde_json::from_str(&c_answer).unwrap();
        assert_eq!(answer["currency"], currency, "{market}");
        assert_eq!(answer["market"]["id"], market);
        assert_eq!(answer["landed"]["destination"], market, "{market}: no landed cost");
    }
}
