//! Running generated cases against a rule set with a fixed seed.

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use super::{check_request, quote_request, Violation, Vocabulary};
use crate::rules::RuleSet;
use crate::{Engine, QuoteRequest};

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckOutcome {
    /// Every case kept every invariant.
    Passed,
    /// A case broke invariants: the smallest failing request proptest
    /// shrank it to, and every violation of that request.
    Failed {
        /// The shrunk request.
        request: Box<QuoteRequest>,
        /// Its violations.
        violations: Vec<Violation>,
    },
    /// The run could not finish (too many rejected cases…).
    Aborted(String),
}

/// The result of [`run_check`].
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// Cases asked for.
    pub cases: u32,
    /// The seed used.
    pub seed: u64,
    /// How it ended.
    pub outcome: CheckOutcome,
}

/// A deterministic runner: `cases` cases from `seed`, no persistence of failures.
fn runner(cases: u32, seed: u64) -> TestRunner {
    let mut bytes = [0_u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = seed.rotate_left(u32::try_from(i).unwrap_or(0).saturating_mul(16)) ^ 0x9e37_79b9_7f4a_7c15;
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 2_048, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Runs `cases` requests generated for `rules` (same seed, same requests)
/// through `engine` and [`check_request`]; on a failure, shrinks it to the
/// smallest request still failing.
pub fn run_check(engine: &Engine, rules: &RuleSet, cases: u32, seed: u64) -> CheckReport {
    let strategy = quote_request(&Vocabulary::from_rules(rules));
    let result = runner(cases, seed).run(&strategy, |request| {
        let violations = check_request(engine, &request);
        match violations.first() {
            None => Ok(()),
            Some(v) => Err(TestCaseError::fail(v.to_string())),
        }
    });
    let outcome = match result {
        Ok(()) => CheckOutcome::Passed,
        Err(TestError::Fail(_, request)) => {
            let violations = check_request(engine, &request);
            CheckOutcome::Failed { request: Box::new(request), violations }
        }
        Err(TestError::Abort(reason)) => CheckOutcome::Aborted(reason.to_string()),
    };
    CheckReport { cases, seed, outcome }
}
