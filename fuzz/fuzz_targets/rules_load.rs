#![no_main]
//! Rule-set JSON: load, validate, compile.
libfuzzer_sys::fuzz_target!(|data: &[u8]| commerce_rules_fuzz::rules_load(data));
