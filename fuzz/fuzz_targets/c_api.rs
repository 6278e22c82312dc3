#![no_main]
//! The C API's entry points with arbitrary bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| commerce_rules_fuzz::c_api(data));
