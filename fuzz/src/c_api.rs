//! The C API target's body. Shared, through `#[path]`, with the replay of
//! `fuzz/regressions/c_api/` in `bindings-c/tests/fuzz_regressions.rs`:
//! it depends on `commerce-rules-c` and `serde_json` only.

use std::sync::OnceLock;

const SAMPLE_RULES: &str = include_str!("../../examples/data/cn-store.rules.json");

/// The C API through the rlib: `data[0]` picks the entry point and which
/// out-parameters are NULL, the rest is the JSON text (rules, request or
/// limits). Whatever the bytes, a call returns a status, writes an answer
/// exactly when it succeeds and an error exactly when it fails, and the
/// answer's length is its byte length.
pub fn c_api(data: &[u8]) {
    use commerce_rules_c::*;
    use std::ffi::{c_char, CStr};
    use std::ptr;

    let Some((&op, rest)) = data.split_first() else { return };
    let text = rest.as_ptr().cast::<c_char>();
    let len = rest.len();
    let null_error = op & 0x80 != 0;
    let mut error: *mut cr_error = ptr::null_mut();
    let error_out = if null_error { ptr::null_mut() } else { &mut error as *mut _ };

    fn check_error(status: cr_status, error: *mut cr_error, null_error: bool) {
        if status == cr_status::CR_OK {
            assert!(error.is_null(), "an error was written on success");
            return;
        }
        if null_error {
            return;
        }
        assert!(!error.is_null(), "no error was written on failure");
        // SAFETY: a live error from the library; freed once.
        unsafe {
            assert_eq!(cr_error_status(error), status);
            for s in [cr_error_code(error), cr_error_message(error), cr_error_path(error), cr_error_json(error)] {
                assert!(!s.is_null());
                assert!(CStr::from_ptr(s).to_str().is_ok());
            }
            cr_error_free(error);
        }
    }

    match op & 0x7f {
        0..=15 => {
            let mut engine: *mut cr_engine = ptr::null_mut();
            // SAFETY: text is valid for len bytes; the out-parameters are live locals.
            let status = unsafe { cr_engine_new(text, len, &mut engine, error_out) };
            assert_eq!(status == cr_status::CR_OK, !engine.is_null());
            check_error(status, error, null_error);
            // SAFETY: engine is NULL or from cr_engine_new, freed once.
            unsafe { cr_engine_free(engine) };
        }
        16..=23 => {
            let mut engine: *mut cr_engine = ptr::null_mut();
            let rules = SAMPLE_RULES.as_bytes();
            // SAFETY: both texts are valid for their lengths.
            let status = unsafe {
                cr_engine_new_with_limits(rules.as_ptr().cast(), rules.len(), text, len, &mut engine, error_out)
            };
            assert_eq!(status == cr_status::CR_OK, !engine.is_null());
            check_error(status, error, null_error);
            // SAFETY: as above.
            unsafe { cr_engine_free(engine) };
        }
        n => {
            static ENGINE: OnceLock<usize> = OnceLock::new();
            let engine = *ENGINE.get_or_init(|| {
                let mut e: *mut cr_engine = ptr::null_mut();
                let rules = SAMPLE_RULES.as_bytes();
                // SAFETY: the sample text is valid; the engine lives for the process.
                let status = unsafe { cr_engine_new(rules.as_ptr().cast(), rules.len(), &mut e, ptr::null_mut()) };
                assert_eq!(status, cr_status::CR_OK);
                e as usize
            }) as *const cr_engine;
            let questions: [&[u8]; 9] = [
                b"quote\0",
                b"best_coupons\0",
                b"shipping_options\0",
                b"tier_status\0",
                b"points_balance\0",
                b"return_refund\0",
                b"price_protection\0",
                b"no_such_question\0",
                b"\xff\xfe\0",
            ];
            let question = questions[usize::from(n) % questions.len()];
            let engine = if n == 0x7f { ptr::null() } else { engine };
            let mut answer: *mut c_char = ptr::null_mut();
            let mut answer_len: usize = usize::MAX;
            let null_answer = n % 11 == 0;
            let answer_out = if null_answer { ptr::null_mut() } else { &mut answer as *mut _ };
            // SAFETY: question is NUL-terminated, text valid for len bytes, out-parameters live or NULL.
            let status = unsafe {
                if n % 2 == 0 {
                    cr_engine_answer(
                        engine,
                        question.as_ptr().cast(),
                        text,
                        len,
                        answer_out,
                        &mut answer_len,
                        error_out,
                    )
                } else {
                    cr_engine_quote(engine, text, len, answer_out, &mut answer_len, error_out)
                }
            };
            if status == cr_status::CR_OK {
                assert!(!answer.is_null());
                // SAFETY: a live answer from the library, freed once.
                let bytes = unsafe { CStr::from_ptr(answer) }.to_bytes();
                assert_eq!(bytes.len(), answer_len, "the answer length is not its byte length");
                assert!(serde_json::from_slice::<serde_json::Value>(bytes).is_ok());
                unsafe { cr_string_free(answer) };
            } else {
                assert!(answer.is_null(), "an answer was written on failure");
            }
            check_error(status, error, null_error);
        }
    }
}
