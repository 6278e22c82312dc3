//! Safe wrappers over the exported functions, for the integration tests.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::path::{Path, PathBuf};
use std::ptr;

use commerce_rules_c::*;

/// Everything a `cr_error` says, copied out (the error is freed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CError {
    pub status: cr_status,
    pub code: String,
    pub message: String,
    pub path: String,
    pub json: String,
}

fn text(p: *const c_char) -> String {
    assert!(!p.is_null(), "an accessor returned NULL");
    unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8").to_string()
}

/// Reads and frees an error written by a failed call.
pub fn take_error(status: cr_status, error: *mut cr_error) -> CError {
    assert_ne!(status, cr_status::CR_OK);
    assert!(!error.is_null(), "a failed call wrote no error");
    let e = unsafe {
        CError {
            status: cr_error_status(error),
            code: text(cr_error_code(error)),
            message: text(cr_error_message(error)),
            path: text(cr_error_path(error)),
            json: text(cr_error_json(error)),
        }
    };
    assert_eq!(e.status, status, "cr_error_status differs from the status returned");
    unsafe { cr_error_free(error) };
    e
}

/// An engine handle freed on drop.
pub struct Handle(pub *mut cr_engine);

impl Drop for Handle {
    fn drop(&mut self) {
        unsafe { cr_engine_free(self.0) };
    }
}

// SAFETY (for the tests): the C API documents an engine as usable from many
// threads at once.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

/// The sentinel left in out-parameters, to check they are written only on success.
pub const SENTINEL: usize = 0xDEAD_BEEF;

pub fn engine_new(rules: &[u8]) -> Result<Handle, CError> {
    let mut engine = SENTINEL as *mut cr_engine;
    let mut error: *mut cr_error = ptr::null_mut();
    let status = unsafe { cr_engine_new(rules.as_ptr().cast(), rules.len(), &mut engine, &mut error) };
    if status == cr_status::CR_OK {
        assert!(error.is_null(), "a successful call wrote an error");
        assert!(!engine.is_null() && engine as usize != SENTINEL);
        Ok(Handle(engine))
    } else {
        assert_eq!(engine as usize, SENTINEL, "a failed call wrote engine_out");
        Err(take_error(status, error))
    }
}

pub fn engine_new_with_limits(rules: &[u8], limits: &[u8]) -> Result<Handle, CError> {
    let mut engine = SENTINEL as *mut cr_engine;
    let mut error: *mut cr_error = ptr::null_mut();
    let status = unsafe {
        cr_engine_new_with_limits(
            rules.as_ptr().cast(),
            rules.len(),
            limits.as_ptr().cast(),
            limits.len(),
            &mut engine,
            &mut error,
        )
    };
    if status == cr_status::CR_OK {
        Ok(Handle(engine))
    } else {
        assert_eq!(engine as usize, SENTINEL, "a failed call wrote engine_out");
        Err(take_error(status, error))
    }
}

/// Reads and frees an answer, checking its reported length.
fn take_answer(answer: *mut c_char, len: usize) -> String {
    assert!(!answer.is_null() && answer as usize != SENTINEL);
    let s = unsafe { CStr::from_ptr(answer) }.to_str().expect("UTF-8").to_string();
    assert_eq!(s.len(), len, "answer_len_out differs from the string's length");
    unsafe { cr_string_free(answer) };
    s
}

fn finish(status: cr_status, answer: *mut c_char, len: usize, error: *mut cr_error) -> Result<String, CError> {
    if status == cr_status::CR_OK {
        assert!(error.is_null(), "a successful call wrote an error");
        Ok(take_answer(answer, len))
    } else {
        assert_eq!(answer as usize, SENTINEL, "a failed call wrote answer_out");
        assert_eq!(len, SENTINEL, "a failed call wrote answer_len_out");
        Err(take_error(status, error))
    }
}

/// The signature of every per-question function (`cr_engine_quote`...).
pub type QuestionFn = unsafe extern "C" fn(
    *const cr_engine,
    *const c_char,
    usize,
    *mut *mut c_char,
    *mut usize,
    *mut *mut cr_error,
) -> cr_status;

/// The C API's own function for a question.
pub fn question_fn(name: &str) -> QuestionFn {
    match name {
        "quote" => cr_engine_quote,
        "best_coupons" => cr_engine_best_coupons,
        "points_balance" => cr_engine_points_balance,
        "tier_status" => cr_engine_tier_status,
        "shipping_options" => cr_engine_shipping_options,
        "return_refund" => cr_engine_return_refund,
        "price_protection" => cr_engine_price_protection,
        other => panic!("the C API has no function for the question `{other}`: add it (docs/c-api.md)"),
    }
}

/// Asks a question through its own function.
pub fn call(f: QuestionFn, engine: &Handle, request: &[u8]) -> Result<String, CError> {
    let mut answer = SENTINEL as *mut c_char;
    let mut len = SENTINEL;
    let mut error: *mut cr_error = ptr::null_mut();
    let status = unsafe { f(engine.0, request.as_ptr().cast(), request.len(), &mut answer, &mut len, &mut error) };
    finish(status, answer, len, error)
}

pub fn quote(engine: &Handle, request: &[u8]) -> Result<String, CError> {
    call(cr_engine_quote, engine, request)
}

pub fn answer(engine: &Handle, question: &str, request: &[u8]) -> Result<String, CError> {
    let question = CString::new(question).unwrap();
    let mut answer = SENTINEL as *mut c_char;
    let mut len = SENTINEL;
    let mut error: *mut cr_error = ptr::null_mut();
    let status = unsafe {
        cr_engine_answer(
            engine.0,
            question.as_ptr(),
            request.as_ptr().cast(),
            request.len(),
            &mut answer,
            &mut len,
            &mut error,
        )
    };
    finish(status, answer, len, error)
}

/// What the Rust API's error looks like through the C API: the message and
/// the path with control characters escaped, the JSON report exact.
pub fn expected_error(e: &commerce_rules::Error) -> CError {
    CError {
        status: cr_status::from_code(e.code()),
        code: e.code().as_str().to_string(),
        message: commerce_rules::escape_control(&e.to_string()).into_owned(),
        path: commerce_rules::escape_control(e.path()).into_owned(),
        json: serde_json::to_string(&e.report()).unwrap(),
    }
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_root().join(relative)).unwrap()
}
