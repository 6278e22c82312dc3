#![no_main]
//! Structured carts against the sample engine, checked by the testkit's invariants.
libfuzzer_sys::fuzz_target!(|cart: commerce_rules_fuzz::Cart| commerce_rules_fuzz::structured_quote(&cart));
