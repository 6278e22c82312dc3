#![no_main]
//! `return_refund` request JSON against the sample engine.
libfuzzer_sys::fuzz_target!(|data: &[u8]| commerce_rules_fuzz::request(commerce_rules::Question::ReturnRefund, data));
