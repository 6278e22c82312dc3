//! `run_check_with` and the report `commerce-rules check` prints, against
//! injected faults: an engine with two deliberate bugs must have both
//! reported, each once, each with a shrunk request that still shows it when
//! replayed; a run past `MAX_REPORTED` distinct failures says so.

use commerce_rules::money::Money;
use commerce_rules::rules::RuleSet;
use commerce_rules::testkit::{
    check_answer, check_request, quote_request, run_check_with, CheckReport, Violation, ViolationCode, Vocabulary,
    MAX_REPORTED,
};
use commerce_rules::{Engine, Error, Limits, QuoteAnswer, QuoteRequest};

const RULES: &str = include_str!("../../examples/data/cn-store.rules.json");

fn rules() -> RuleSet {
    serde_json::from_str(RULES).unwrap()
}

/// The sample store's engine with two deliberate bugs.
struct Faulty {
    engine: Engine,
}

impl Faulty {
    fn new() -> Faulty {
        Faulty { engine: Engine::from_rules(&rules(), Limits::default()).unwrap() }
    }

    fn quote(&self, request: &QuoteRequest) -> Result<QuoteAnswer, Error> {
        let mut answer = self.engine.quote(request)?;
        let cent = Money::from_minor(1, answer.currency);
        // Bug 1: a line of 4 units or more puts a cent on the grand total
        // (invariant 3, `grand_total_identity`).
        if request.lines.iter().any(|l| l.quantity >= 4) {
            answer.totals.grand_total = answer.totals.grand_total.checked_add(cent).unwrap();
        }
        // Bug 2: an entered code flips the sign of the savings (invariant 1,
        // `negative_amount`).
        if !request.codes.is_empty() {
            let zero = Money::from_minor(0, answer.currency);
            answer.totals.savings = zero.checked_sub(answer.totals.savings).unwrap().checked_sub(cent).unwrap();
        }
        Ok(answer)
    }

    /// The invariants the faulty answer shows by itself. (`check_invariants`
    /// would also flag every faulty answer as not the real engine's.)
    fn check(&self, request: &QuoteRequest) -> Vec<Violation> {
        match self.quote(request) {
            Ok(answer) => check_answer(request, &answer),
            Err(_) => check_request(&self.engine, request),
        }
    }
}

fn codes(violations: &[Violation]) -> Vec<ViolationCode> {
    let mut codes: Vec<ViolationCode> = violations.iter().map(|v| v.code).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn names(codes: &[ViolationCode]) -> Vec<&'static str> {
    codes.iter().map(|c| c.as_str()).collect()
}

/// The request JSON blocks of a rendered report, in order: each starts at a
/// line `{` and ends at the next line `}`.
fn request_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line == "{" {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
        if line == "}" {
            blocks.extend(current.take());
        }
    }
    blocks
}

#[test]
fn two_faults_are_both_reported_each_shrunk_and_replayable() {
    let faulty = Faulty::new();
    let strategy = quote_request(&Vocabulary::from_rules(&rules()));
    let run = || run_check_with(&strategy, 64, 11, |r| faulty.check(r));
    let report = run();
    let text = report.render("cn-store.rules.json");

    // The run went on past the first failure, through every case.
    assert_eq!(report.cases_run, 64);
    assert!(report.aborted.is_none() && report.unreported.is_empty(), "{text}");
    assert!(!report.passed());
    let keys: Vec<Vec<&str>> = report.failures.iter().map(|f| names(&f.codes)).collect();
    assert!(keys.contains(&vec!["grand_total_identity"]), "{keys:?}\n{text}");
    assert!(keys.contains(&vec!["negative_amount"]), "{keys:?}\n{text}");
    // Each code set once; every failing case counted under its set.
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), keys.len(), "{keys:?}");
    assert_eq!(report.failures.iter().map(|f| f.cases).sum::<u32>(), report.failing_cases);
    assert!(report.failing_cases > u32::try_from(keys.len()).unwrap(), "{text}");

    for f in &report.failures {
        // The shrunk request still breaks exactly its codes, and its
        // violations are those codes.
        assert_eq!(codes(&faulty.check(&f.request)), f.codes, "{text}");
        assert_eq!(codes(&f.violations), f.codes);
        // The real engine takes it as it is printed: ready for `quote`.
        faulty.engine.quote_json(&serde_json::to_string(&f.request).unwrap()).unwrap();
        assert!(f.first_case >= 1 && f.first_case <= 64);
    }
    // Shrunk to the bug's trigger and nothing more.
    let gt = report.failures.iter().find(|f| names(&f.codes) == ["grand_total_identity"]).unwrap();
    assert_eq!(gt.request.lines.len(), 1, "{text}");
    assert_eq!(gt.request.lines[0].quantity, 4, "{text}");
    assert!(gt.request.codes.is_empty());
    let neg = report.failures.iter().find(|f| names(&f.codes) == ["negative_amount"]).unwrap();
    assert_eq!(neg.request.codes.len(), 1, "{text}");
    assert!(neg.request.lines.iter().all(|l| l.quantity < 4), "{text}");
    assert!(neg.violations.iter().all(|v| v.message.starts_with("totals.savings is -")), "{text}");

    // The printed report: every failure once, its codes, messages and a
    // request that replays to the same codes.
    let n = report.failures.len();
    assert!(text.contains(&format!("FAILED: {n} distinct violations in {} of 64 cases", report.failing_cases)));
    assert!(text.contains(&format!("(at most {MAX_REPORTED} are shown)")), "{text}");
    assert!(text.contains(&format!("[1/{n}] ")) && text.contains(&format!("[{n}/{n}] ")), "{text}");
    assert!(text.contains("violation grand_total_identity (invariant 3): grand_total is "), "{text}");
    assert!(text.contains("violation negative_amount (invariant 1): totals.savings is -"), "{text}");
    assert!(text.contains("`commerce-rules quote --rules cn-store.rules.json --request FILE`"), "{text}");
    let blocks = request_blocks(&text);
    assert_eq!(blocks.len(), n, "{text}");
    for (block, f) in blocks.iter().zip(&report.failures) {
        let replay: QuoteRequest = serde_json::from_str(block).unwrap();
        assert_eq!(&replay, f.request.as_ref());
        assert_eq!(codes(&faulty.check(&replay)), f.codes);
        faulty.engine.quote_json(block).unwrap();
    }

    // Same seed, same bytes.
    assert_eq!(run().render("cn-store.rules.json"), text);
}

#[test]
fn a_report_shows_at_most_max_reported_failures_and_names_the_rest() {
    // One code per number of lines modulo 11: up to 11 distinct failures.
    const ALL: [ViolationCode; 11] = [
        ViolationCode::NegativeAmount,
        ViolationCode::DiscountBelowZero,
        ViolationCode::AllocationMismatch,
        ViolationCode::GrandTotalIdentity,
        ViolationCode::OrderDependent,
        ViolationCode::NotRepeatable,
        ViolationCode::CouponRaisedTotal,
        ViolationCode::PointsExceeded,
        ViolationCode::ShippingPriceDecreased,
        ViolationCode::DeliveryWindowInverted,
        ViolationCode::EngineError,
    ];
    let strategy = quote_request(&Vocabulary::from_rules(&rules()));
    let report: CheckReport = run_check_with(&strategy, 200, 3, |r| {
        let code = ALL[r.lines.len() % ALL.len()];
        vec![Violation::new(code, format!("{} lines", r.lines.len()), "")]
    });
    assert_eq!(report.failing_cases, 200);
    assert_eq!(report.failures.len(), MAX_REPORTED);
    assert_eq!(report.unreported.len(), 1);
    for f in &report.failures {
        assert_eq!(f.codes, [ALL[f.request.lines.len() % ALL.len()]]);
    }
    let text = report.render("R.json");
    assert!(text.contains("FAILED: 11 distinct violations in 200 of 200 cases"), "{text}");
    assert!(
        text.contains(&format!("1 more distinct violation past the first 10, not shrunk: {}", report.unreported[0][0])),
        "{text}"
    );
    assert_eq!(request_blocks(&text).len(), MAX_REPORTED);
}

#[test]
fn a_clean_run_passes() {
    let strategy = quote_request(&Vocabulary::from_rules(&rules()));
    let report = run_check_with(&strategy, 10, 0, |_| Vec::new());
    assert!(report.passed());
    assert_eq!(report.render("R.json"), "check R.json: 10 cases, seed 0\nok: no invariant broken\n");
}
