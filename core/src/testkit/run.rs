//! Running generated cases against a rule set with a fixed seed, and
//! reporting every distinct violation found, each with its own shrunk
//! request.

use std::collections::BTreeMap;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::minimize::{minimal_json, minimize};
use super::{check_request, quote_request, Coverage, Quoter, Violation, ViolationCode, Vocabulary};
use crate::rules::RuleSet;
use crate::QuoteRequest;

/// A run shrinks and reports at most this many distinct violations; the
/// ones found past it are only named (see [`CheckReport::unreported`]).
pub const MAX_REPORTED: usize = 10;

/// Shrinking steps tried for one failure before keeping the smallest
/// failing request reached.
const MAX_SHRINK_ITERS: u32 = 2_048;

/// One distinct violation a run found: a set of violation codes, and the
/// smallest request the first case breaking exactly those codes shrank to.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckFailure {
    /// The codes broken, sorted and without repeats. Two failing cases are
    /// the same failure when they break exactly the same codes.
    pub codes: Vec<ViolationCode>,
    /// The shrunk request: it still breaks exactly `codes`. Shrunk by
    /// proptest, then by a post-pass that drops every part the failure does
    /// not need and brings figures to round, small values.
    pub request: Box<QuoteRequest>,
    /// Every violation of the shrunk request.
    pub violations: Vec<Violation>,
    /// The generated case (counting from 1) that first broke these codes.
    pub first_case: u32,
    /// How many generated cases broke exactly these codes.
    pub cases: u32,
}

/// The result of [`run_check`] and [`run_check_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// Cases asked for (the most the run would check).
    pub cases: u32,
    /// The seed used.
    pub seed: u64,
    /// Cases generated and checked (`cases`, unless the run was aborted).
    pub cases_run: u32,
    /// Cases that broke at least one invariant.
    pub failing_cases: u32,
    /// Each distinct failure, in the order found, at most [`MAX_REPORTED`].
    pub failures: Vec<CheckFailure>,
    /// Code sets of the distinct failures found after [`MAX_REPORTED`]
    /// were reported, in the order found: neither shrunk nor kept.
    pub unreported: Vec<Vec<ViolationCode>>,
    /// Why the run stopped before `cases` cases (a strategy that rejected
    /// too many values), if it did.
    pub aborted: Option<String>,
    /// True when the caller's `keep_going` stopped the run (a time budget
    /// spent) before `cases` cases: not a failure.
    pub stopped_early: bool,
    /// How the caller budgeted the run (`a time budget of 5 s`), for the
    /// report's heading; `None`: `cases` cases.
    pub budget: Option<String>,
    /// Per-rule coverage of the generated cases, when the run counted it
    /// ([`run_check`] and [`run_check_until`] do).
    pub coverage: Option<Coverage>,
}

impl CheckReport {
    /// True when every case ran and none broke an invariant.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.unreported.is_empty() && self.aborted.is_none()
    }

    /// The report as `commerce-rules check` prints it; `rules` names the
    /// rule set in the heading and in the replay command.
    ///
    /// ```text
    /// check R.json: 256 cases, seed 0
    /// FAILED: 2 distinct violations in 41 of 256 cases; each once, with its request shrunk (at most 10 are shown)
    ///
    /// [1/2] grand_total_identity (invariant 3): 30 cases, first case 4
    /// violation grand_total_identity (invariant 3): grand_total is 90.01, the identity gives 90.00
    /// request (replay: save it and run `commerce-rules quote --rules R.json --request FILE`):
    /// { … }
    ///
    /// [2/2] …
    /// ```
    pub fn render(&self, rules: &str) -> String {
        let mut out = match &self.budget {
            None => format!("check {rules}: {} cases, seed {}\n", self.cases, self.seed),
            Some(budget) => format!(
                "check {rules}: {budget}, seed {}: {} case{} run (`--cases {} --seed {}` runs the same ones)\n",
                self.seed,
                self.cases_run,
                plural(usize::try_from(self.cases_run).unwrap_or(usize::MAX)),
                self.cases_run,
                self.seed
            ),
        };
        if self.failures.is_empty() && self.unreported.is_empty() {
            match &self.aborted {
                None => out.push_str("ok: no invariant broken\n"),
                Some(why) => out.push_str(&self.stopped(why)),
            }
            self.render_coverage(&mut out);
            return out;
        }
        let distinct = self.failures.len().saturating_add(self.unreported.len());
        out.push_str(&format!(
            "FAILED: {distinct} distinct violation{} in {} of {} cases; each once, with its request shrunk \
             (at most {MAX_REPORTED} are shown)\n",
            plural(distinct),
            self.failing_cases,
            self.cases_run
        ));
        let shown = self.failures.len();
        for (i, f) in self.failures.iter().enumerate() {
            let invariants = match f.codes.as_slice() {
                [one] => format!(" (invariant {})", one.invariant()),
                _ => String::new(),
            };
            out.push_str(&format!(
                "\n[{}/{shown}] {}{invariants}: {} case{}, first case {}\n",
                i.saturating_add(1),
                join_codes(&f.codes),
                f.cases,
                plural(usize::try_from(f.cases).unwrap_or(usize::MAX)),
                f.first_case
            ));
            for v in &f.violations {
                out.push_str(&format!("violation {} (invariant {}): {}\n", v.code, v.code.invariant(), v.message));
            }
            out.push_str(&format!(
                "request (replay: save it and run `commerce-rules quote --rules {rules} --request FILE`):\n{}\n",
                minimal_json(&f.request)
            ));
            for v in &f.violations {
                if let Some(c) = &v.compared {
                    let json = serde_json::from_str::<QuoteRequest>(&c.request)
                        .map(|r| minimal_json(&r))
                        .unwrap_or_else(|_| c.request.clone());
                    out.push_str(&format!(
                        "compared request for {} ({}; ask it `commerce-rules {} --rules {rules} --request FILE`):\n{json}\n",
                        v.code,
                        c.change,
                        c.question.replace('_', "-")
                    ));
                }
            }
        }
        if !self.unreported.is_empty() {
            let names: Vec<String> = self.unreported.iter().map(|codes| join_codes(codes)).collect();
            out.push_str(&format!(
                "\n{} more distinct violation{} past the first {MAX_REPORTED}, not shrunk: {}\n",
                self.unreported.len(),
                plural(self.unreported.len()),
                names.join("; ")
            ));
        }
        if let Some(why) = &self.aborted {
            out.push('\n');
            out.push_str(&self.stopped(why));
        }
        self.render_coverage(&mut out);
        out
    }

    fn render_coverage(&self, out: &mut String) {
        if let Some(c) = &self.coverage {
            out.push('\n');
            out.push_str(&c.render());
        }
    }

    fn stopped(&self, why: &str) -> String {
        format!("the run stopped after {} of {} cases: {why}\n", self.cases_run, self.cases)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn join_codes(codes: &[ViolationCode]) -> String {
    codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" + ")
}

/// The codes of `violations`, sorted and without repeats.
fn codes_of(violations: &[Violation]) -> Vec<ViolationCode> {
    let mut codes: Vec<ViolationCode> = violations.iter().map(|v| v.code).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// A deterministic runner: cases from `seed`, no persistence of failures.
fn runner(cases: u32, seed: u64) -> TestRunner {
    let mut bytes = [0_u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = seed.rotate_left(u32::try_from(i).unwrap_or(0).saturating_mul(16)) ^ 0x9e37_79b9_7f4a_7c15;
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    let config = Config { cases, failure_persistence: None, max_shrink_iters: MAX_SHRINK_ITERS, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Shrinks a failing case to the smallest request that still breaks
/// exactly `codes`, the way proptest shrinks: simplify while it fails,
/// complicate when it passes. Returns the last failing request reached.
fn shrink<T, F>(tree: &mut T, codes: &[ViolationCode], property: &F) -> QuoteRequest
where
    T: ValueTree<Value = QuoteRequest>,
    F: Fn(&QuoteRequest) -> Vec<Violation>,
{
    let mut best = tree.current();
    if !tree.simplify() {
        return best;
    }
    for _ in 0..MAX_SHRINK_ITERS {
        let candidate = tree.current();
        let still_fails = codes_of(&property(&candidate)) == codes;
        if still_fails {
            best = candidate;
        }
        let moved = if still_fails { tree.simplify() } else { tree.complicate() };
        if !moved {
            break;
        }
    }
    best
}

/// Runs `cases` requests generated for `rules` (same seed, same requests)
/// through `engine` and [`check_request`], and reports every distinct
/// failure, each shrunk, with the per-rule [`Coverage`] of the cases: what
/// `commerce-rules check` prints.
pub fn run_check<E: Quoter + ?Sized>(engine: &E, rules: &RuleSet, cases: u32, seed: u64) -> CheckReport {
    run_check_until(engine, rules, cases, seed, |_| true)
}

/// [`run_check`] for at most `max_cases` cases, asking `keep_going` before
/// each (with the number of cases run so far) whether to go on: how
/// `commerce-rules check --time` spends a time budget. The core reads no
/// clock; the caller's `keep_going` may. The cases run are the first ones
/// of the seed, so `--cases N` with the same seed runs them again. Shrinking
/// the failures found is not cut short by `keep_going`.
pub fn run_check_until<E, K>(engine: &E, rules: &RuleSet, max_cases: u32, seed: u64, keep_going: K) -> CheckReport
where
    E: Quoter + ?Sized,
    K: FnMut(u32) -> bool,
{
    let vocabulary = Vocabulary::from_rules(rules);
    let strategy = naming_methods(engine, &vocabulary);
    let coverage = std::cell::RefCell::new(Coverage::for_rules(rules));
    let observe = |request: &QuoteRequest| {
        // Asked again with `explain`: the answer then says why automatic
        // promotions that matched items did not apply.
        let mut explained = request.clone();
        explained.explain = true;
        if let Ok(answer) = engine.quote(&explained) {
            coverage.borrow_mut().record(&answer);
        }
        // The returns asked on the receipt, as the property asks them.
        if let Ok(answer) = engine.quote(request) {
            if let Some(Ok(seq)) = super::returns::ask(engine, &vocabulary, request, &answer) {
                for asked in &seq.asked {
                    if let Ok(a) = &asked.answer {
                        coverage.borrow_mut().record_return(asked.request.reason, a);
                    }
                }
            }
        }
    };
    let property = |request: &QuoteRequest| {
        let mut violations = check_request(engine, request);
        if violations.is_empty() {
            if let Ok(answer) = engine.quote(request) {
                violations.extend(super::returns::check(engine, &vocabulary, request, &answer));
            }
        }
        violations
    };
    let mut report = run_cases(&strategy, max_cases, seed, property, observe, keep_going);
    report.coverage = Some(coverage.into_inner());
    report
}

/// [`quote_request`] for the vocabulary, one request in three naming a
/// shipping method of the rule set (so that dearer methods are chosen too):
/// kept when the engine offers it for the request's cart and destination,
/// else dropped (the engine would refuse the request).
fn naming_methods<'a, E: Quoter + ?Sized>(
    engine: &'a E,
    v: &Vocabulary,
) -> impl proptest::strategy::Strategy<Value = QuoteRequest> + 'a {
    let methods = v.shipping_methods.clone();
    let picks = methods.len().saturating_mul(3).max(1);
    (quote_request(v), 0..picks).prop_map(move |(mut request, pick)| {
        if let Some(m) = methods.get(pick) {
            request.shipping_method = Some(m.clone());
            let offered = engine
                .shipping_options(&request)
                .is_ok_and(|s| s.options.iter().any(|o| Some(&o.method_id) == request.shipping_method.as_ref()));
            if !offered || engine.quote(&request).is_err() {
                request.shipping_method = None;
            }
        }
        request
    })
}

/// Runs `cases` requests drawn from `strategy` with `seed` through
/// `property`, which returns the violations of a request (none when it
/// passes), and keeps going after a failure.
///
/// Failing cases are told apart by the set of codes they break: the first
/// case breaking a new set is shrunk, by proptest's value trees and then by
/// a deterministic post-pass (dropping parts the failure does not need,
/// bringing amounts toward round, small figures), to the smallest request
/// that still breaks exactly that set, and reported once with how many
/// cases broke it. Up to [`MAX_REPORTED`] failures are shrunk and kept;
/// later new sets are only named. Shrinking does not draw from the run's
/// random numbers, so the same strategy, case count and seed always give
/// the same report.
///
/// [`run_check`] is this with [`quote_request`] and [`check_request`]; a
/// narrowed [`Vocabulary`] or a property of your own (the invariants plus
/// your merchant's rules) fit here too.
pub fn run_check_with<S, F>(strategy: &S, cases: u32, seed: u64, property: F) -> CheckReport
where
    S: Strategy<Value = QuoteRequest>,
    F: Fn(&QuoteRequest) -> Vec<Violation>,
{
    run_cases(strategy, cases, seed, property, |_| {}, |_| true)
}

/// [`run_check_with`] for at most `max_cases` cases, asking `keep_going`
/// before each whether to go on (see [`run_check_until`]).
pub fn run_check_with_until<S, F, K>(strategy: &S, max_cases: u32, seed: u64, property: F, keep_going: K) -> CheckReport
where
    S: Strategy<Value = QuoteRequest>,
    F: Fn(&QuoteRequest) -> Vec<Violation>,
    K: FnMut(u32) -> bool,
{
    run_cases(strategy, max_cases, seed, property, |_| {}, keep_going)
}

fn run_cases<S, F, O, K>(
    strategy: &S,
    cases: u32,
    seed: u64,
    property: F,
    mut observe: O,
    mut keep_going: K,
) -> CheckReport
where
    S: Strategy<Value = QuoteRequest>,
    F: Fn(&QuoteRequest) -> Vec<Violation>,
    O: FnMut(&QuoteRequest),
    K: FnMut(u32) -> bool,
{
    let mut runner = runner(cases, seed);
    let mut report = CheckReport {
        cases,
        seed,
        cases_run: 0,
        failing_cases: 0,
        failures: Vec::new(),
        unreported: Vec::new(),
        aborted: None,
        stopped_early: false,
        budget: None,
        coverage: None,
    };
    // Each code set seen, and the index of its failure when it was reported.
    let mut seen: BTreeMap<Vec<ViolationCode>, Option<usize>> = BTreeMap::new();
    for case in 1..=cases {
        if !keep_going(report.cases_run) {
            report.stopped_early = true;
            break;
        }
        // A fresh generator per case, drawn from the run's, as proptest's
        // own runner does: the same seed gives proptest's cases.
        let next = runner.new_rng();
        *runner.rng() = next;
        let mut tree = match strategy.new_tree(&mut runner) {
            Ok(tree) => tree,
            Err(why) => {
                report.aborted = Some(why.to_string());
                break;
            }
        };
        report.cases_run = case;
        let request = tree.current();
        observe(&request);
        let violations = property(&request);
        if violations.is_empty() {
            continue;
        }
        report.failing_cases = report.failing_cases.saturating_add(1);
        let codes = codes_of(&violations);
        match seen.get(&codes) {
            Some(Some(i)) => {
                if let Some(f) = report.failures.get_mut(*i) {
                    f.cases = f.cases.saturating_add(1);
                }
            }
            Some(None) => {}
            None if report.failures.len() < MAX_REPORTED => {
                let shrunk = shrink(&mut tree, &codes, &property);
                let request = minimize(shrunk, |r| codes_of(&property(r)) == codes);
                let violations = property(&request);
                seen.insert(codes.clone(), Some(report.failures.len()));
                report.failures.push(CheckFailure {
                    codes,
                    request: Box::new(request),
                    violations,
                    first_case: case,
                    cases: 1,
                });
            }
            None => {
                seen.insert(codes.clone(), None);
                report.unreported.push(codes);
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    const RULES: &str = include_str!("../../../examples/data/cn-store.rules.json");

    /// The run draws proptest's own cases for a seed: what `TestRunner::run`
    /// would generate from the same runner, in the same order.
    #[test]
    fn the_cases_are_those_proptest_generates() {
        let rules: RuleSet = serde_json::from_str(RULES).unwrap();
        let strategy = quote_request(&Vocabulary::from_rules(&rules));
        let by_proptest = RefCell::new(Vec::new());
        runner(12, 5)
            .run(&strategy, |request| {
                by_proptest.borrow_mut().push(request);
                Ok(())
            })
            .unwrap();
        let ours = RefCell::new(Vec::new());
        let report = run_check_with(&strategy, 12, 5, |request| {
            ours.borrow_mut().push(request.clone());
            Vec::new()
        });
        assert!(report.passed());
        assert_eq!(ours.into_inner(), by_proptest.into_inner());
    }

    /// `keep_going` stops the run; the cases run are the seed's first, so
    /// the same count gives the same coverage.
    #[test]
    fn keep_going_stops_at_the_first_cases_of_the_seed() {
        let engine = crate::Engine::from_json(RULES).unwrap();
        let rules: RuleSet = serde_json::from_str(RULES).unwrap();
        let stopped = run_check_until(&engine, &rules, 100, 5, |n| n < 7);
        assert_eq!(stopped.cases_run, 7);
        assert!(stopped.stopped_early && stopped.passed());
        let counted = run_check(&engine, &rules, 7, 5);
        assert!(!counted.stopped_early);
        assert_eq!(stopped.coverage, counted.coverage);
        let coverage = counted.coverage.unwrap();
        assert_eq!(coverage.cases, 7);
        assert_eq!(coverage.promotions.len(), rules.promotions.len());
        assert!(coverage.promotions.iter().any(|p| p.applied > 0), "{}", coverage.render());
        assert!(coverage.render().contains("coverage over 7 answers:"));
    }

    /// Some generated requests name a shipping method: a dearer method than
    /// the cheapest gets chosen too.
    #[test]
    fn a_dearer_shipping_method_is_chosen_in_some_cases() {
        // The sample store selling at home only: its international zone,
        // markets and customs would take the cases whose destination is
        // abroad, where one method is offered.
        let mut domestic: serde_json::Value = serde_json::from_str(RULES).unwrap();
        if let Some(zones) = domestic.pointer_mut("/shipping/zones").and_then(|z| z.as_array_mut()) {
            zones.retain(|z| z["id"] != "intl");
        }
        if let Some(map) = domestic.as_object_mut() {
            map.remove("markets");
            map.remove("customs");
        }
        let text = domestic.to_string();
        let engine = crate::Engine::from_json(&text).unwrap();
        let rules: RuleSet = serde_json::from_str(&text).unwrap();
        let report = run_check(&engine, &rules, 60, 1);
        assert!(report.passed());
        let coverage = report.coverage.unwrap();
        let express = coverage.shipping_methods.iter().find(|m| m.zone_id == "cn-mainland" && m.method_id == "express");
        assert!(express.is_some_and(|m| m.chosen > 0), "{}", coverage.render());
    }

    const RETURNS_RULES: &str = include_str!("../../tests/data/returns-cn.rules.json");

    /// With return rules, the run asks returns on the receipts it gets: the
    /// coverage shows return reasons hit, lines refused by reason code and
    /// refund parts, and the real engine breaks no return invariant.
    #[test]
    fn returns_are_asked_and_their_reasons_covered() {
        let engine = crate::Engine::from_json(RETURNS_RULES).unwrap();
        let rules: RuleSet = serde_json::from_str(RETURNS_RULES).unwrap();
        let report = run_check(&engine, &rules, 48, 3);
        let coverage = report.coverage.clone().unwrap();
        assert!(report.passed(), "{}", report.render("returns-cn.rules.json"));
        let hit: u32 = coverage.return_reasons.iter().map(|r| r.hit).sum();
        assert!(hit > 10, "{}", coverage.render());
        assert!(coverage.return_reasons.iter().any(|r| r.eligible > 0), "{}", coverage.render());
        let refused: Vec<&String> = coverage.return_reasons.iter().flat_map(|r| r.refused.keys()).collect();
        assert!(refused.iter().any(|c| c.as_str() == "window_expired"), "{}", coverage.render());
        assert!(coverage.refund_parts.get("items").is_some_and(|n| *n > 0), "{}", coverage.render());
        assert!(!coverage.never_exercised().iter().any(|r| r.starts_with("return reason")), "{}", coverage.render());
    }

    /// An engine refunding a cent too much whenever a return takes 2 units
    /// of a line or more.
    struct RefundCent(crate::Engine);

    impl Quoter for RefundCent {
        fn quote(&self, request: &QuoteRequest) -> Result<crate::QuoteAnswer, crate::Error> {
            self.0.quote(request)
        }
        fn shipping_options(&self, request: &QuoteRequest) -> Result<crate::ShippingAnswer, crate::Error> {
            self.0.shipping_options(request)
        }
        fn return_refund(
            &self,
            request: &crate::returns::ReturnRefundRequest,
        ) -> Option<Result<crate::returns::ReturnRefundAnswer, crate::Error>> {
            let mut answer = self.0.return_refund(request);
            if let Ok(a) = &mut answer {
                if request.items.iter().any(|i| i.quantity >= 2) && !a.refund.items.is_zero() {
                    let cent = crate::Money::from_minor(1, a.refund.total.currency());
                    a.refund.total = a.refund.total.checked_add(cent).unwrap();
                    a.refund.items = a.refund.items.checked_add(cent).unwrap();
                    if let Some(p) = a.refund.parts.first_mut() {
                        p.amount = p.amount.checked_add(cent).unwrap();
                    }
                }
            }
            Some(answer)
        }
    }

    #[test]
    fn a_refund_of_a_cent_too_much_is_found() {
        let engine = RefundCent(crate::Engine::from_json(RETURNS_RULES).unwrap());
        let rules: RuleSet = serde_json::from_str(RETURNS_RULES).unwrap();
        let report = run_check(&engine, &rules, 24, 3);
        assert!(!report.passed());
        let codes: Vec<ViolationCode> = report.failures.iter().flat_map(|f| f.codes.iter().copied()).collect();
        assert!(codes.contains(&ViolationCode::FullReturnMismatch), "{}", report.render("R"));
        let f = report.failures.iter().find(|f| f.codes.contains(&ViolationCode::FullReturnMismatch)).unwrap();
        let compared = f.violations.iter().find_map(|v| v.compared.as_ref()).unwrap();
        assert_eq!(compared.question, "return_refund");
        let replay: crate::returns::ReturnRefundRequest = serde_json::from_str(&compared.request).unwrap();
        assert!(replay.items.iter().any(|i| i.quantity >= 2), "{replay:?}");
    }

    /// The post-pass keeps only what the failure needs: here a line of 4
    /// units or more, of any price.
    #[test]
    fn the_post_pass_drops_what_the_failure_does_not_need() {
        let rules: RuleSet = serde_json::from_str(RULES).unwrap();
        let strategy = quote_request(&Vocabulary::from_rules(&rules));
        let report = run_check_with(&strategy, 30, 2, |r| {
            if r.lines.iter().any(|l| l.quantity >= 4) {
                vec![Violation::new(ViolationCode::GrandTotalIdentity, "4 units", "")]
            } else {
                Vec::new()
            }
        });
        let f = report.failures.first().expect("a case with 4 units or more");
        let r = &f.request;
        assert_eq!(r.lines.len(), 1, "{r:?}");
        let line = &r.lines[0];
        assert_eq!((line.quantity, line.unit_price.0), (4, rust_decimal::Decimal::ZERO), "{r:?}");
        assert!(line.categories.is_empty() && line.tags.is_empty() && line.weight_g.is_none(), "{r:?}");
        assert!(r.codes.is_empty() && r.wallet.is_empty() && r.points.is_none() && r.destination.is_none(), "{r:?}");
        assert_eq!(r.now.utc().timestamp() % 86_400, 0, "{r:?}");
    }
}
