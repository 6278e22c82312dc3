//! Property testing for QA: strategies that generate requests fitted to a
//! rule set, and a checker of PRODUCT.md's invariants. Enabled by the
//! `testkit` feature (it pulls in `proptest`; default, C and WASM builds
//! leave it out).
//!
//! * [`Vocabulary::from_rules`] collects what a rule set names (SKUs,
//!   categories, tags, brands, tax classes, tiers, segments, codes, wallet
//!   promotions, channels, destinations, warehouses, shipping classes) and
//!   the strategies draw from it, plus a few names the rule set does not
//!   know, so that both matching and non-matching carts are generated.
//! * [`quote_request`] generates whole [`QuoteRequest`](crate::QuoteRequest)s; [`cart_lines`],
//!   [`customer`], [`codes`], [`wallet`], [`destination`] and
//!   [`points_request`] generate the parts, for your own compositions.
//! * [`check_invariants`] returns every invariant a quote breaks, each a
//!   [`Violation`] with a stable [`ViolationCode`], a message and the
//!   request as JSON, ready to replay with `commerce-rules quote`, and for
//!   invariants comparing two answers the other request ([`Comparison`]).
//!   It asks the engine through [`Quoter`], which [`Engine`](crate::Engine) implements.
//! * [`run_check`] runs generated cases with a fixed seed, keeps going
//!   after a failure, and reports each distinct failure (set of violation
//!   codes) once, with its own shrunk request: what `commerce-rules check`
//!   prints ([`CheckReport::render`]), with each rule's [`Coverage`].
//!   [`run_check_until`] stops when the caller says (a time budget).
//!   [`run_check_with`] does the same for your own strategy and property.
//! * [`minimal_json`] writes a request without the fields that only repeat
//!   a default: what `commerce-rules check --out` writes.
//!
//! ```
//! use commerce_rules::rules::RuleSet;
//! use commerce_rules::testkit::{check_invariants, quote_request, Vocabulary};
//! use commerce_rules::{Engine, Limits};
//! use proptest::test_runner::{Config, TestRunner};
//!
//! let rules: RuleSet = serde_json::from_str(r#"{
//!     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
//!     "tax": {"prices_include_tax": true, "default_class": "std",
//!             "classes": [{"id": "std", "rate_percent": "13"}]},
//!     "promotions": [{"id": "mj", "benefit": {"type": "spend_tiers",
//!         "tiers": [{"min_spend": "199.00", "discount": "20.00"}]}}]
//! }"#).unwrap();
//! let engine = Engine::from_rules(&rules, Limits::default()).unwrap();
//! let mut runner = TestRunner::new(Config { cases: 16, failure_persistence: None, ..Config::default() });
//! runner.run(&quote_request(&Vocabulary::from_rules(&rules)), |request| {
//!     let answer = engine.quote(&request).unwrap();
//!     let violations = check_invariants(&engine, &request, &answer);
//!     assert!(violations.is_empty(), "{violations:?}");
//!     Ok(())
//! }).unwrap();
//! ```

mod check;
mod coverage;
mod minimize;
mod returns;
mod run;
mod strategy;

pub use check::{check_answer, check_invariants, check_request, Comparison, Quoter, Violation, ViolationCode};
pub use coverage::{Coverage, MethodCoverage, PromotionCoverage, ReturnReasonCoverage};
pub use minimize::minimal_json;
pub use run::{
    run_check, run_check_until, run_check_with, run_check_with_until, CheckFailure, CheckReport, MAX_REPORTED,
};
pub use strategy::{cart_lines, codes, customer, destination, now, points_request, quote_request, wallet, Vocabulary};

/// The QA guide, `docs/testing.md`: its examples run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/testing.md")]
pub struct TestingGuide;
