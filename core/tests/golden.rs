//! Golden scenarios: each file under `tests/scenarios/` holds a rule set,
//! a request and the expected answer (or error). Run with `UPDATE_GOLDEN=1`
//! to rewrite the expectations after a reviewed change.
//!
//! File format: `{"description", "question", "rules" | "rules_file",
//! "request", "answer" | "error"}`; `rules_file` is relative to the repo root.

use std::fs;
use std::path::{Path, PathBuf};

use commerce_rules::{Engine, Question};
use serde_json::{Map, Value};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A scenario's rule set as JSON text: inline (`rules`) or from a file
/// (`rules_file`).
fn rules_text(scenario: &Map<String, Value>) -> String {
    match (scenario.get("rules"), scenario.get("rules_file")) {
        (Some(r), None) => serde_json::to_string(r).unwrap(),
        (None, Some(Value::String(f))) => fs::read_to_string(repo_root().join(f)).unwrap(),
        _ => panic!("give exactly one of `rules` or `rules_file`"),
    }
}

/// Runs one scenario and returns the actual outcome (`answer` or `error`)
/// as the exact text the engine produced.
fn run(scenario: &Map<String, Value>) -> (&'static str, String) {
    let rules = rules_text(scenario);
    let question = scenario.get("question").and_then(Value::as_str).unwrap_or("quote");
    let question = Question::from_name(question).unwrap_or_else(|| panic!("unknown question {question}"));
    let engine = match Engine::from_json(&rules) {
        Ok(e) => e,
        Err(e) => return ("error", serde_json::to_string(&e.report()).unwrap()),
    };
    let request = serde_json::to_string(&scenario["request"]).unwrap();
    match engine.answer_json(question, &request) {
        Ok(answer) => ("answer", answer),
        Err(e) => ("error", serde_json::to_string(&e.report()).unwrap()),
    }
}

#[test]
fn golden_scenarios() {
    let mut files = Vec::new();
    scenario_files(&repo_root().join("core/tests/scenarios"), &mut files);
    assert!(files.len() >= 20, "expected the scenario suite, found {} files", files.len());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let mut scenario: Map<String, Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(scenario.get("description").is_some_and(Value::is_string), "{}: needs a description", file.display());
        let (key, text) = run(&scenario);
        let actual: Value = serde_json::from_str(&text).unwrap();
        let expected = scenario.get(key);
        if expected == Some(&actual) && scenario.get(if key == "answer" { "error" } else { "answer" }).is_none() {
            continue;
        }
        if update {
            scenario.remove("answer");
            scenario.remove("error");
            scenario.insert(key.to_string(), actual);
            fs::write(file, serde_json::to_string_pretty(&Value::Object(scenario)).unwrap() + "\n").unwrap();
        } else {
            failures.push(format!(
                "{}:\n  expected {key}: {}\n  actual   {key}: {}",
                file.display(),
                expected.map_or("(none)".to_string(), |v| v.to_string()),
                actual
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) differ (UPDATE_GOLDEN=1 rewrites after review):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn answers_are_byte_identical_across_runs() {
    let mut files = Vec::new();
    scenario_files(&repo_root().join("core/tests/scenarios"), &mut files);
    for file in files {
        let scenario: Map<String, Value> = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(run(&scenario), run(&scenario), "{}", file.display());
    }
}

/// The engine writes its answers with its own JSON writer (`json::write`):
/// every golden answer must be byte for byte what `serde_json::to_string`
/// writes for the same typed answer.
#[test]
fn answers_are_written_as_serde_json_writes_them() {
    fn typed<T: serde::Serialize>(answer: Result<T, commerce_rules::Error>) -> Option<String> {
        answer.ok().map(|a| serde_json::to_string(&a).unwrap())
    }
    let mut files = Vec::new();
    scenario_files(&repo_root().join("core/tests/scenarios"), &mut files);
    let mut compared = 0;
    for file in files {
        let scenario: Map<String, Value> = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        let (key, text) = run(&scenario);
        if key != "answer" {
            continue;
        }
        let engine = Engine::from_json(&rules_text(&scenario)).unwrap();
        let mut request = scenario["request"].clone();
        if let Some(members) = request.as_object_mut() {
            members.remove("$schema");
        }
        let question = scenario.get("question").and_then(Value::as_str).unwrap_or("quote");
        let serde_text = match question {
            "quote" => typed(engine.quote(&serde_json::from_value(request).unwrap())),
            "best_coupons" => typed(engine.best_coupons(&serde_json::from_value(request).unwrap())),
            "shipping_options" => typed(engine.shipping_options(&serde_json::from_value(request).unwrap())),
            "tier_status" => typed(engine.tier_status(&serde_json::from_value(request).unwrap())),
            "points_balance" => typed(engine.points_balance(&serde_json::from_value(request).unwrap())),
            "return_refund" => typed(engine.return_refund(&serde_json::from_value(request).unwrap())),
            "price_protection" => typed(engine.price_protection(&serde_json::from_value(request).unwrap())),
            other => panic!("unknown question {other}"),
        };
        assert_eq!(serde_text.as_deref(), Some(text.as_str()), "{}", file.display());
        compared += 1;
    }
    assert!(compared >= 100, "compared only {compared} answers");
}
