//! A raw-ABI build of commerce-rules for counting instructions.
//!
//! `scripts/wasm-fuel` builds this crate for `wasm32-unknown-unknown` with
//! the npm package's size-tuned profile and wasm-opt -Oz, and runs it in
//! wasmtime with fuel metering to count the operators a quote executes.
//! Unlike the npm package it has no wasm-bindgen glue: the module imports
//! nothing, and every exported function takes and returns plain integers
//! (pointers and lengths into the module's memory), so that any runtime can
//! drive it and the count is the engine's alone.
//!
//! The answers are the Rust API's bytes (`Engine::quote_json`,
//! `Engine::answer_json`), as the C API and the WASM package give them; an
//! error's output is `serde_json::to_string(&error.report())`, as theirs.
//!
//! The ABI, every function `extern "C"` and `#[no_mangle]`:
//!
//! | function | does |
//! | --- | --- |
//! | `fuel_alloc(len) -> ptr` | a buffer of `len` bytes for the host to write into (NULL when out of memory) |
//! | `fuel_free(ptr, len)` | frees a buffer from `fuel_alloc` |
//! | `fuel_engine_new(rules_ptr, rules_len, handle_out) -> status` | compiles a rule set; writes the engine's handle (a `u32`) to `handle_out` |
//! | `fuel_engine_free(handle) -> status` | drops an engine |
//! | `fuel_quote(handle, request_ptr, request_len) -> status` | `Engine::quote_json` |
//! | `fuel_answer(handle, question_ptr, question_len, request_ptr, request_len) -> status` | `Engine::answer_json` by the question's name (`quote`, `best_coupons`...) |
//! | `fuel_parse_value(text_ptr, text_len) -> status` | parses JSON text into a `serde_json::Value` and drops it: the floor the native benchmarks compare with |
//! | `fuel_stage_parse(request_ptr, request_len) -> status` | where a quote's instructions go, stage 1: parses the request into a `QuoteRequest` and keeps it |
//! | `fuel_stage_quote(handle) -> status` | stage 2: `Engine::quote` of the kept request; keeps the answer |
//! | `fuel_stage_serialize() -> status` | stage 3: the kept answer as JSON text (the output), as `quote_json` writes it |
//! | `fuel_stage_drop() -> status` | stage 4: drops the kept request and answer |
//! | `fuel_output_ptr() -> ptr`, `fuel_output_len() -> len` | the output of the last call: the answer, an error report or a message; valid until the next call |
//!
//! Statuses: [`FUEL_OK`] (0), [`FUEL_ERROR`] (1, the engine refused the
//! rules or the request: the output is the error report JSON),
//! [`FUEL_BAD_ARGUMENT`] (2: a NULL pointer, an unknown handle, text that is
//! not UTF-8, an unknown question; the output is a message) and
//! [`FUEL_PANIC`] (3). No panic crosses the boundary: natively a panic is
//! caught and reported as `FUEL_PANIC`; in the wasm build (`panic =
//! "abort"`) it is a trap, which the host sees as an error of the call.
#![deny(missing_docs, unsafe_op_in_unsafe_fn, clippy::missing_safety_doc, clippy::undocumented_unsafe_blocks)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::undocumented_unsafe_blocks
    )
)]

use std::alloc::Layout;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

use commerce_rules::{Engine, Question, QuoteAnswer, QuoteRequest};

#[cfg(feature = "profile")]
pub mod profile;

/// The call succeeded; the output is the answer JSON.
pub const FUEL_OK: i32 = 0;
/// The engine refused the rule set or the request; the output is the error
/// report JSON (`{"code","message","path","problems"}`).
pub const FUEL_ERROR: i32 = 1;
/// A NULL pointer, an unknown engine handle, text that is not UTF-8 or an
/// unknown question name; the output is a message.
pub const FUEL_BAD_ARGUMENT: i32 = 2;
/// A panic was caught (a bug); the output is a message.
pub const FUEL_PANIC: i32 = 3;

thread_local! {
    /// The engines, by handle - 1 (handle 0 is never valid); a freed slot is `None`.
    static ENGINES: RefCell<Vec<Option<Engine>>> = const { RefCell::new(Vec::new()) };
    /// The output of the last call.
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// What the `fuel_stage_*` calls keep between them.
    static STAGED: RefCell<(Option<QuoteRequest>, Option<QuoteAnswer>)> = const { RefCell::new((None, None)) };
}

/// Why a call failed: its status and the output to leave.
struct Failure(i32, String);

fn bad(message: &str) -> Failure {
    Failure(FUEL_BAD_ARGUMENT, message.to_string())
}

fn engine_error(e: &commerce_rules::Error) -> Failure {
    let report = serde_json::to_string(&e.report())
        .unwrap_or_else(|_| format!(r#"{{"code":"{}","message":"","path":"","problems":[]}}"#, e.code().as_str()));
    Failure(FUEL_ERROR, report)
}

fn set_output(bytes: Vec<u8>) {
    OUTPUT.with(|o| *o.borrow_mut() = bytes);
}

/// Runs `body` without letting a panic out, stores its output and returns its status.
fn guarded(body: impl FnOnce() -> Result<String, Failure>) -> i32 {
    let (status, output) = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(output)) => (FUEL_OK, output),
        Ok(Err(Failure(status, output))) => (status, output),
        Err(_) => (FUEL_PANIC, "panic in commerce-rules (a bug; please report it)".to_string()),
    };
    set_output(output.into_bytes());
    status
}

/// The `len` bytes at `ptr` as UTF-8 text.
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes for the call.
unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, Failure> {
    let bytes: &[u8] = if len == 0 {
        &[]
    } else if ptr.is_null() {
        return Err(bad(&format!("{what}: NULL pointer")));
    } else {
        // SAFETY: not NULL, and the caller guarantees `len` readable bytes.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    };
    std::str::from_utf8(bytes).map_err(|_| bad(&format!("{what}: not UTF-8")))
}

/// Runs `f` on the engine with that handle.
fn with_engine<T>(handle: u32, f: impl FnOnce(&Engine) -> Result<T, Failure>) -> Result<T, Failure> {
    ENGINES.with(|engines| {
        let engines = engines.borrow();
        let index = usize::try_from(handle).ok().and_then(|h| h.checked_sub(1));
        match index.and_then(|i| engines.get(i)).and_then(Option::as_ref) {
            Some(engine) => f(engine),
            None => Err(bad("unknown engine handle")),
        }
    })
}

/// A buffer of `len` bytes for the host to write a rule set or a request
/// into; NULL when it cannot be allocated. Free it with [`fuel_free`].
#[no_mangle]
pub extern "C" fn fuel_alloc(len: usize) -> *mut u8 {
    if len == 0 {
        return NonNull::<u8>::dangling().as_ptr();
    }
    match Layout::array::<u8>(len) {
        // SAFETY: the layout's size is not zero.
        Ok(layout) => unsafe { std::alloc::alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// Frees a buffer from [`fuel_alloc`]. NULL is accepted.
///
/// # Safety
/// `ptr` is NULL or was returned by `fuel_alloc(len)` with this `len`, and
/// is not freed twice.
#[no_mangle]
pub unsafe extern "C" fn fuel_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() || len == 0 {
        return;
    }
    if let Ok(layout) = Layout::array::<u8>(len) {
        // SAFETY: the caller guarantees ptr came from fuel_alloc(len), which
        // allocated it with this layout.
        unsafe { std::alloc::dealloc(ptr, layout) }
    }
}

/// Loads, validates and compiles the rule set of `rules_len` bytes at
/// `rules_ptr` (`Engine::from_json`) and writes its handle to `*handle_out`.
/// Returns a status; on [`FUEL_ERROR`] the output is the error report.
///
/// # Safety
/// `rules_ptr` is NULL or valid for reads of `rules_len` bytes;
/// `handle_out` is NULL or valid for a 4-byte write (any alignment).
#[no_mangle]
pub unsafe extern "C" fn fuel_engine_new(rules_ptr: *const u8, rules_len: usize, handle_out: *mut u32) -> i32 {
    guarded(|| {
        if handle_out.is_null() {
            return Err(bad("handle_out: NULL pointer"));
        }
        // SAFETY: the caller's guarantee for rules_ptr.
        let rules = unsafe { text(rules_ptr, rules_len, "rules") }?;
        let engine = Engine::from_json(rules).map_err(|e| engine_error(&e))?;
        let handle = ENGINES.with(|engines| {
            let mut engines = engines.borrow_mut();
            engines.push(Some(engine));
            u32::try_from(engines.len()).map_err(|_| bad("too many engines"))
        })?;
        // SAFETY: not NULL, and the caller guarantees a 4-byte write.
        unsafe { handle_out.write_unaligned(handle) };
        Ok(String::new())
    })
}

/// Drops the engine with that handle; the handle is not valid afterwards.
#[no_mangle]
pub extern "C" fn fuel_engine_free(handle: u32) -> i32 {
    guarded(|| {
        let engine = ENGINES.with(|engines| {
            let mut engines = engines.borrow_mut();
            let index = usize::try_from(handle).ok().and_then(|h| h.checked_sub(1));
            index.and_then(|i| engines.get_mut(i)).and_then(Option::take)
        });
        match engine {
            Some(_) => Ok(String::new()),
            None => Err(bad("unknown engine handle")),
        }
    })
}

/// Quotes the request of `request_len` bytes at `request_ptr` with the
/// engine `handle` (`Engine::quote_json`). Returns a status; the output is
/// the answer JSON, or the error report on [`FUEL_ERROR`].
///
/// # Safety
/// `request_ptr` is NULL or valid for reads of `request_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn fuel_quote(handle: u32, request_ptr: *const u8, request_len: usize) -> i32 {
    guarded(|| {
        // SAFETY: the caller's guarantee for request_ptr.
        let request = unsafe { text(request_ptr, request_len, "request") }?;
        with_engine(handle, |engine| engine.quote_json(request).map_err(|e| engine_error(&e)))
    })
}

/// Answers the question named by the `question_len` bytes at
/// `question_ptr` (`quote`, `best_coupons`, ...) for the request of
/// `request_len` bytes at `request_ptr` (`Engine::answer_json`). Returns a
/// status; the output is the answer JSON, or the error report on
/// [`FUEL_ERROR`].
///
/// # Safety
/// Each pointer is NULL or valid for reads of its length in bytes.
#[no_mangle]
pub unsafe extern "C" fn fuel_answer(
    handle: u32,
    question_ptr: *const u8,
    question_len: usize,
    request_ptr: *const u8,
    request_len: usize,
) -> i32 {
    guarded(|| {
        // SAFETY: the caller's guarantees for both pointers.
        let (name, request) =
            unsafe { (text(question_ptr, question_len, "question")?, text(request_ptr, request_len, "request")?) };
        let question = Question::from_name(name).ok_or_else(|| bad(&format!("unknown question {name:?}")))?;
        with_engine(handle, |engine| engine.answer_json(question, request).map_err(|e| engine_error(&e)))
    })
}

/// Parses the `text_len` bytes at `text_ptr` into a `serde_json::Value`
/// and drops it, the floor of the native benchmarks (`floors/parse_value`).
/// Returns [`FUEL_OK`] with an empty output, or [`FUEL_ERROR`] with serde's
/// message when the text is not JSON.
///
/// # Safety
/// `text_ptr` is NULL or valid for reads of `text_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn fuel_parse_value(text_ptr: *const u8, text_len: usize) -> i32 {
    guarded(|| {
        // SAFETY: the caller's guarantee for text_ptr.
        let text = unsafe { text(text_ptr, text_len, "text") }?;
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => {
                drop(std::hint::black_box(value));
                Ok(String::new())
            }
            Err(e) => Err(Failure(FUEL_ERROR, e.to_string())),
        }
    })
}

/// Stage 1 of a quote counted stage by stage: parses the request of
/// `request_len` bytes at `request_ptr` into a `QuoteRequest` (serde_json,
/// without `quote_json`'s size and depth checks of the text) and keeps it
/// for [`fuel_stage_quote`]. Returns a status; on [`FUEL_ERROR`] the output
/// is serde's message.
///
/// # Safety
/// `request_ptr` is NULL or valid for reads of `request_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn fuel_stage_parse(request_ptr: *const u8, request_len: usize) -> i32 {
    guarded(|| {
        // SAFETY: the caller's guarantee for request_ptr.
        let text = unsafe { text(request_ptr, request_len, "request") }?;
        let request = serde_json::from_str::<QuoteRequest>(text).map_err(|e| Failure(FUEL_ERROR, e.to_string()))?;
        STAGED.with(|s| s.borrow_mut().0 = Some(request));
        Ok(String::new())
    })
}

/// Stage 2: `Engine::quote` of the request kept by [`fuel_stage_parse`]
/// with the engine `handle`; keeps the answer for [`fuel_stage_serialize`].
/// Returns a status; [`FUEL_BAD_ARGUMENT`] when no request is kept.
#[no_mangle]
pub extern "C" fn fuel_stage_quote(handle: u32) -> i32 {
    guarded(|| {
        STAGED.with(|s| {
            let mut staged = s.borrow_mut();
            let request = staged.0.as_ref().ok_or_else(|| bad("no request: call fuel_stage_parse first"))?;
            let answer = with_engine(handle, |engine| engine.quote(request).map_err(|e| engine_error(&e)))?;
            staged.1 = Some(answer);
            Ok(String::new())
        })
    })
}

/// Stage 3: the answer kept by [`fuel_stage_quote`] as JSON text, the
/// output (the bytes `quote_json` answers). Returns a status;
/// [`FUEL_BAD_ARGUMENT`] when no answer is kept.
#[no_mangle]
pub extern "C" fn fuel_stage_serialize() -> i32 {
    guarded(|| {
        STAGED.with(|s| match &s.borrow().1 {
            Some(answer) => commerce_rules::to_json(answer).map_err(|e| Failure(FUEL_ERROR, e.to_string())),
            None => Err(bad("no answer: call fuel_stage_quote first")),
        })
    })
}

/// Stage 4: drops the request and the answer the stages kept.
#[no_mangle]
pub extern "C" fn fuel_stage_drop() -> i32 {
    guarded(|| {
        let staged = STAGED.with(|s| std::mem::take(&mut *s.borrow_mut()));
        drop(staged);
        Ok(String::new())
    })
}

/// The start of the last call's output (see [`fuel_output_len`]); valid
/// until the next call of any function of this module but these two.
#[no_mangle]
pub extern "C" fn fuel_output_ptr() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}

/// The length in bytes of the last call's output.
#[no_mangle]
pub extern "C" fn fuel_output_len() -> usize {
    OUTPUT.with(|o| o.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = include_str!("../../../core/tests/data/cn-pricing.rules.json");
    const REQUEST: &str = r#"{"now":"2026-11-11T20:15:00+08:00","customer":{"id":"c-1","tier":"gold"},
        "lines":[{"id":"L1","sku":"TEA-LONGJING-250G","quantity":2,"unit_price":"198.00","categories":["tea"]}]}"#;

    fn output() -> String {
        String::from_utf8(OUTPUT.with(|o| o.borrow().clone())).unwrap()
    }

    fn new_engine(rules: &str) -> (i32, u32) {
        let mut handle = 0u32;
        let status = unsafe { fuel_engine_new(rules.as_ptr(), rules.len(), &mut handle) };
        (status, handle)
    }

    #[test]
    fn quote_and_answer_are_the_rust_api_bytes() {
        let (status, handle) = new_engine(RULES);
        assert_eq!(status, FUEL_OK, "{}", output());
        let native = Engine::from_json(RULES).unwrap().quote_json(REQUEST).unwrap();
        assert_eq!(unsafe { fuel_quote(handle, REQUEST.as_ptr(), REQUEST.len()) }, FUEL_OK);
        assert_eq!(output(), native);
        let ptr = fuel_output_ptr();
        let len = fuel_output_len();
        assert_eq!(unsafe { std::slice::from_raw_parts(ptr, len) }, native.as_bytes());
        let q = "quote";
        assert_eq!(unsafe { fuel_answer(handle, q.as_ptr(), q.len(), REQUEST.as_ptr(), REQUEST.len()) }, FUEL_OK);
        assert_eq!(output(), native);
        assert_eq!(fuel_engine_free(handle), FUEL_OK);
        assert_eq!(unsafe { fuel_quote(handle, REQUEST.as_ptr(), REQUEST.len()) }, FUEL_BAD_ARGUMENT);
        assert_eq!(fuel_engine_free(handle), FUEL_BAD_ARGUMENT);
    }

    #[test]
    fn errors_are_statuses_with_the_report() {
        let (status, _) = new_engine("{");
        assert_eq!(status, FUEL_ERROR);
        let report: serde_json::Value = serde_json::from_str(&output()).unwrap();
        assert_eq!(report["code"], "invalid_rules");
        assert_eq!(report["problems"][0]["code"], "invalid_json");

        let (status, handle) = new_engine(RULES);
        assert_eq!(status, FUEL_OK);
        let request = r#"{"lines":[]}"#;
        assert_eq!(unsafe { fuel_quote(handle, request.as_ptr(), request.len()) }, FUEL_ERROR);
        let report: serde_json::Value = serde_json::from_str(&output()).unwrap();
        assert_eq!(report["code"], "missing_field");
        let native = Engine::from_json(RULES).unwrap().quote_json(request).unwrap_err();
        assert_eq!(output(), serde_json::to_string(&native.report()).unwrap());
    }

    #[test]
    fn bad_arguments_are_statuses() {
        let mut handle = 0u32;
        assert_eq!(unsafe { fuel_engine_new(std::ptr::null(), 3, &mut handle) }, FUEL_BAD_ARGUMENT);
        assert_eq!(unsafe { fuel_engine_new(RULES.as_ptr(), RULES.len(), std::ptr::null_mut()) }, FUEL_BAD_ARGUMENT);
        let not_utf8 = [b'{', 0xff, b'}'];
        assert_eq!(unsafe { fuel_engine_new(not_utf8.as_ptr(), 3, &mut handle) }, FUEL_BAD_ARGUMENT);
        assert!(output().contains("UTF-8"));
        assert_eq!(unsafe { fuel_quote(0, REQUEST.as_ptr(), REQUEST.len()) }, FUEL_BAD_ARGUMENT);
        assert_eq!(unsafe { fuel_quote(u32::MAX, REQUEST.as_ptr(), REQUEST.len()) }, FUEL_BAD_ARGUMENT);
        let (_, handle) = new_engine(RULES);
        let q = "no_such_question";
        assert_eq!(
            unsafe { fuel_answer(handle, q.as_ptr(), q.len(), REQUEST.as_ptr(), REQUEST.len()) },
            FUEL_BAD_ARGUMENT
        );
        assert!(output().contains("no_such_question"));
    }

    #[test]
    fn the_stages_give_the_quote_json_bytes() {
        assert_eq!(fuel_stage_quote(1), FUEL_BAD_ARGUMENT);
        assert_eq!(fuel_stage_serialize(), FUEL_BAD_ARGUMENT);
        let (status, handle) = new_engine(RULES);
        assert_eq!(status, FUEL_OK);
        assert_eq!(unsafe { fuel_stage_parse(b"{".as_ptr(), 1) }, FUEL_ERROR);
        assert_eq!(unsafe { fuel_stage_parse(REQUEST.as_ptr(), REQUEST.len()) }, FUEL_OK);
        assert_eq!(fuel_stage_quote(handle), FUEL_OK);
        assert_eq!(fuel_stage_serialize(), FUEL_OK);
        assert_eq!(output(), Engine::from_json(RULES).unwrap().quote_json(REQUEST).unwrap());
        assert_eq!(fuel_stage_drop(), FUEL_OK);
        assert_eq!(fuel_stage_serialize(), FUEL_BAD_ARGUMENT);
        assert_eq!(fuel_stage_quote(handle), FUEL_BAD_ARGUMENT);
    }

    #[test]
    fn parse_value_is_the_floor() {
        assert_eq!(unsafe { fuel_parse_value(REQUEST.as_ptr(), REQUEST.len()) }, FUEL_OK);
        assert_eq!(fuel_output_len(), 0);
        assert_eq!(unsafe { fuel_parse_value(b"{".as_ptr(), 1) }, FUEL_ERROR);
        assert!(output().contains("EOF"));
    }

    #[test]
    fn buffers_round_trip() {
        let ptr = fuel_alloc(5);
        assert!(!ptr.is_null());
        unsafe {
            std::ptr::copy_nonoverlapping(b"hello".as_ptr(), ptr, 5);
            assert_eq!(std::slice::from_raw_parts(ptr, 5), b"hello");
            fuel_free(ptr, 5);
            let empty = fuel_alloc(0);
            assert!(!empty.is_null());
            fuel_free(empty, 0);
            fuel_free(std::ptr::null_mut(), 7);
        }
    }
}
