//! The JSON targets' bodies. Shared, through `#[path]`, with the replay of
//! `fuzz/regressions/` in `core/tests/fuzz_regressions.rs`: it depends on
//! `commerce-rules` (with `testkit`) and `serde_json` only.

use std::sync::OnceLock;

use commerce_rules::testkit::check_request;
use commerce_rules::{Engine, Question, QuoteRequest};

/// The sample rule set every request target runs against.
pub const SAMPLE_RULES: &str = include_str!("../../examples/data/cn-store.rules.json");

/// The sample engine, compiled once.
pub fn sample_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_json(SAMPLE_RULES).expect("the sample rule set loads"))
}

/// Rule-set bytes: loading and validation agree, and never panic.
pub fn rules_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = commerce_rules::Limits::default();
    let loaded = Engine::from_json(text);
    let problems = commerce_rules::validate_rules_json(text, &limits);
    assert_eq!(loaded.is_ok(), problems.is_empty(), "from_json and validate_rules_json disagree");
    if let Err(e) = loaded {
        assert!(!e.problems().is_empty(), "a refused rule set names no problem");
    }
}

/// Request bytes for one question against the sample engine: an answer is
/// JSON, the same text gives the same bytes.
pub fn request(question: Question, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let engine = sample_engine();
    let first = engine.answer_json(question, text);
    if let Ok(answer) = &first {
        assert!(serde_json::from_str::<serde_json::Value>(answer).is_ok(), "the answer is not JSON");
    }
    let second = engine.answer_json(question, text);
    assert_eq!(first.as_ref().ok(), second.as_ref().ok(), "the same request gives different answers");
}

/// Replays a structured-quote regression: the request JSON a failure printed.
pub fn structured_replay(request_json: &[u8]) {
    let request: QuoteRequest =
        serde_json::from_slice(request_json).expect("a structured_quote regression is a quote request's JSON");
    let violations = check_request(sample_engine(), &request);
    assert!(violations.is_empty(), "{violations:?}");
}
