//! The engine handle and the questions it answers.

use std::ffi::{c_char, CStr, CString};

use commerce_rules::{Engine, Error, ErrorCode, Limits, Problem, Question};

use crate::error::{cr_error, Failure};
use crate::status::cr_status;

/// Largest limits JSON text `cr_engine_new_with_limits` reads, in bytes.
pub const CR_MAX_LIMITS_BYTES: usize = 65536;

/// A compiled rule set that answers questions.
///
/// Create one with `cr_engine_new` (or `cr_engine_new_with_limits`) and free
/// it with `cr_engine_free`.
///
/// Thread safety: an engine is immutable. Every function taking a
/// `const cr_engine *` only reads it, so any number of threads may use one
/// engine at the same time with no locking. `cr_engine_free` must not race
/// with any other use of the same engine.
pub struct cr_engine {
    engine: Engine,
}

/// The JSON text `ptr[0..len]` as UTF-8, refused before it is read if it is
/// longer than `max_bytes` (with the engine's own `json_too_large` error).
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes whenever `len <= max_bytes`.
unsafe fn json_arg<'a>(
    ptr: *const c_char,
    len: usize,
    name: &str,
    max_bytes: usize,
    too_large: fn(Problem) -> Failure,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // A slice may not be longer than isize::MAX bytes, whatever the limits say.
    if len > max_bytes || len > isize::MAX as usize {
        // The same problem, word for word, as the engine's own size check.
        let problem = Problem::new(
            ErrorCode::JsonTooLarge,
            "",
            format!("the JSON text is {len} bytes; the limit is {max_bytes}"),
        );
        return Err(too_large(problem));
    }
    // SAFETY: ptr is non-null, and the caller guarantees len readable bytes.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::boundary(
            cr_status::CR_INVALID_UTF8,
            ErrorCode::InvalidArgument,
            format!("`{name}` is not valid UTF-8 (the first bad byte is at offset {})", e.valid_up_to()),
        )
    })
}

fn rules_error(problem: Problem) -> Failure {
    Error::InvalidRules { problems: vec![problem] }.into()
}

fn request_error(problem: Problem) -> Failure {
    Error::InvalidRequest(problem).into()
}

fn limits_error(problem: Problem) -> Failure {
    Failure::boundary(cr_status::CR_JSON_TOO_LARGE, problem.code, format!("`limits_json`: {}", problem.message))
}

/// Checks that an out-parameter is not NULL.
fn out_arg<T>(ptr: *mut T, name: &str) -> Result<(), Failure> {
    if ptr.is_null() {
        Err(Failure::null(name))
    } else {
        Ok(())
    }
}

/// Compiles the rules and writes the engine to `*engine_out`.
///
/// # Safety
/// As for `cr_engine_new_with_limits`.
unsafe fn new_engine(
    rules_json: *const c_char,
    rules_len: usize,
    limits: Limits,
    engine_out: *mut *mut cr_engine,
) -> Result<(), Failure> {
    out_arg(engine_out, "engine_out")?;
    // SAFETY: the caller guarantees rules_json[0..rules_len] is readable.
    let rules = unsafe { json_arg(rules_json, rules_len, "rules_json", limits.max_rules_bytes, rules_error)? };
    let engine = Engine::from_json_with_limits(rules, limits)?;
    let handle = Box::into_raw(Box::new(cr_engine { engine }));
    // SAFETY: engine_out is non-null and the caller guarantees it is writable.
    unsafe { engine_out.write(handle) };
    Ok(())
}

/// Compiles a rule set (JSON, `schema_version` 1) into an engine with the
/// default limits (docs/limits.md).
///
/// `rules_json` points to `rules_len` bytes of UTF-8 JSON; no terminating NUL
/// is needed or read. A text longer than the rules limit (4 MiB) is refused
/// with `CR_JSON_TOO_LARGE` before any byte is read.
///
/// On success writes a new engine to `*engine_out`; free it with
/// `cr_engine_free`. On failure `*engine_out` is left untouched and, if
/// `error_out` is not NULL, a new `cr_error` is written to `*error_out`
/// (status `CR_INVALID_RULES` for a rule set with problems: the error JSON
/// lists every one with its code and path).
///
/// # Safety
/// `rules_json` is NULL or valid for reads of `rules_len` bytes;
/// `engine_out` is NULL or valid for a pointer write; `error_out` is NULL or
/// valid for a pointer write.
///
/// Thread safety: safe to call from many threads at once.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_new(
    rules_json: *const c_char,
    rules_len: usize,
    engine_out: *mut *mut cr_engine,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { new_engine(rules_json, rules_len, Limits::default(), engine_out) }
    })
}

/// Like `cr_engine_new`, with the engine's input limits given as JSON, for
/// example `{"max_lines": 50, "max_request_bytes": 65536}`. Fields left out
/// keep their defaults; the field names are those of docs/limits.md. A
/// malformed or unknown-field limits text gives `CR_INVALID_ARGUMENT`; one
/// longer than `CR_MAX_LIMITS_BYTES` gives `CR_JSON_TOO_LARGE`.
///
/// # Safety
/// `rules_json` is NULL or valid for reads of `rules_len` bytes;
/// `limits_json` is NULL or valid for reads of `limits_len` bytes;
/// `engine_out` and `error_out` are NULL or valid for a pointer write.
///
/// Thread safety: safe to call from many threads at once.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_new_with_limits(
    rules_json: *const c_char,
    rules_len: usize,
    limits_json: *const c_char,
    limits_len: usize,
    engine_out: *mut *mut cr_engine,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: the caller guarantees limits_json[0..limits_len] is readable.
        let text = unsafe { json_arg(limits_json, limits_len, "limits_json", CR_MAX_LIMITS_BYTES, limits_error)? };
        let limits: Limits = serde_json::from_str(text).map_err(|e| {
            Failure::boundary(cr_status::CR_INVALID_ARGUMENT, ErrorCode::InvalidArgument, format!("`limits_json`: {e}"))
        })?;
        // SAFETY: forwarded from this function's contract.
        unsafe { new_engine(rules_json, rules_len, limits, engine_out) }
    })
}

/// Frees an engine. NULL is allowed and does nothing.
///
/// # Safety
/// `engine` is NULL or an engine from `cr_engine_new*` not yet freed; it
/// must not be used afterwards.
///
/// Thread safety: no other thread may be using the engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_free(engine: *mut cr_engine) {
    crate::ffi_guard!(fallback = (), {
        if !engine.is_null() {
            // SAFETY: the caller guarantees engine came from Box::into_raw in
            // `new_engine` and is freed once.
            drop(unsafe { Box::from_raw(engine) });
        }
    })
}

/// Answers `question` and writes the answer's text and length.
///
/// # Safety
/// As for `cr_engine_answer`.
unsafe fn answer(
    engine: *const cr_engine,
    question: Question,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
) -> Result<(), Failure> {
    // SAFETY: the caller guarantees engine is NULL or live.
    let engine = &unsafe { engine.as_ref() }.ok_or_else(|| Failure::null("engine"))?.engine;
    out_arg(answer_out, "answer_out")?;
    let max = engine.max_request_bytes(question);
    // SAFETY: the caller guarantees request_json[0..request_len] is readable.
    let request = unsafe { json_arg(request_json, request_len, "request_json", max, request_error)? };
    let text = engine.answer_json(question, request)?;
    let len = text.len();
    let text = CString::new(text)
        .map_err(|_| Failure::from(Error::request(ErrorCode::Internal, "", "the answer JSON contains a NUL byte")))?;
    // SAFETY: answer_out is non-null; the caller guarantees both out-pointers
    // are NULL or writable.
    unsafe {
        answer_out.write(text.into_raw());
        if !answer_len_out.is_null() {
            answer_len_out.write(len);
        }
    }
    Ok(())
}

/// Prices a cart: the `quote` question of PRODUCT.md.
///
/// `request_json` points to `request_len` bytes of UTF-8 JSON (a quote
/// request: lines, customer, `now`...); no terminating NUL is needed or read.
/// A text longer than the engine's request limit (1 MiB by default) is
/// refused with `CR_JSON_TOO_LARGE` before any byte is read.
///
/// On success writes to `*answer_out` a new NUL-terminated compact JSON
/// answer, byte-identical to the Rust API's `Engine::quote_json`, and, if
/// `answer_len_out` is not NULL, its length in bytes (without the NUL) to
/// `*answer_len_out`. Free the answer with `cr_string_free`. On failure the
/// out-parameters are left untouched and, if `error_out` is not NULL, a new
/// `cr_error` is written to `*error_out`. A failure never changes the engine.
///
/// # Safety
/// `engine` is NULL or a live engine; `request_json` is NULL or valid for
/// reads of `request_len` bytes; `answer_out`, `answer_len_out` and
/// `error_out` are NULL or valid for a write.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_quote(
    engine: *const cr_engine,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, Question::Quote, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Finds the coupons that save most on a cart: the `best coupons` question of
/// PRODUCT.md. The request is a quote request (a cart with entered codes and
/// the customer's wallet); the answer names the combination to use, what it
/// saves, and why every other coupon is left out. Arguments, answer
/// ownership and errors as for `cr_engine_quote`; the answer is
/// byte-identical to the Rust API's `Engine::answer_json(Question::BestCoupons, ..)`.
///
/// # Safety
/// As for `cr_engine_quote`.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_best_coupons(
    engine: *const cr_engine,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, Question::BestCoupons, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Lists the shipping options for a cart and destination: the `shipping options` question of PRODUCT.md, with every method's price, rate steps and delivery window, and why the others are unavailable. Arguments, answer ownership and errors as for `cr_engine_quote`;
/// the answer is byte-identical to the Rust API's
/// `Engine::answer_json(Question::ShippingOptions, ..)`.
///
/// # Safety
/// As for `cr_engine_quote`.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_shipping_options(
    engine: *const cr_engine,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, Question::ShippingOptions, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Answers the customer's membership tier from their qualifying history: the `tier status` question of PRODUCT.md, with the qualifying value, the next tier and the shortfall, and when the tier lapses. The request is a tier-status request (`now` and the history). Arguments, answer ownership and errors as for `cr_engine_quote`;
/// the answer is byte-identical to the Rust API's
/// `Engine::answer_json(Question::TierStatus, ..)`.
///
/// # Safety
/// As for `cr_engine_quote`.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_tier_status(
    engine: *const cr_engine,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, Question::TierStatus, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Answers a customer's available points and what expires when, in the merchant's time zone: the `points balance` question of PRODUCT.md. The request is a points-balance request (`now` and the lots). Arguments, answer ownership and errors as for `cr_engine_quote`;
/// the answer is byte-identical to the Rust API's
/// `Engine::answer_json(Question::PointsBalance, ..)`.
///
/// # Safety
/// As for `cr_engine_quote`.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_points_balance(
    engine: *const cr_engine,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, Question::PointsBalance, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Answers whether lines of a delivered order may be returned and the refund, part by part: the `return eligibility and refund` question of PRODUCT.md. The request is a return-refund request (`now`, the receipt, earlier returns, the items, reason and condition). Arguments, answer ownership and errors as for `cr_engine_quote`;
/// the answer is byte-identical to the Rust API's
/// `Engine::answer_json(Question::ReturnRefund, ..)`.
///
/// # Safety
/// As for `cr_engine_quote`.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_return_refund(
    engine: *const cr_engine,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, Question::ReturnRefund, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Answers the refund owed where an item's price dropped inside the protection window: the `price protection` question of PRODUCT.md. The request is a price-protection request (`now`, the receipt, the purchase time and today's prices). Arguments, answer ownership and errors as for `cr_engine_quote`;
/// the answer is byte-identical to the Rust API's
/// `Engine::answer_json(Question::PriceProtection, ..)`.
///
/// # Safety
/// As for `cr_engine_quote`.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_price_protection(
    engine: *const cr_engine,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, Question::PriceProtection, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Answers the question named `question` (a NUL-terminated name such as
/// `"quote"`; `cr_question_name` lists them), for hosts that dispatch by
/// name. Everything else is as for the question's own function (for
/// `"quote"`, `cr_engine_quote`), and the answer is the same bytes.
///
/// A name the engine does not answer gives `CR_UNKNOWN_QUESTION`.
///
/// # Safety
/// `engine` is NULL or a live engine; `question` is NULL or a NUL-terminated
/// string; `request_json` is NULL or valid for reads of `request_len` bytes;
/// `answer_out`, `answer_len_out` and `error_out` are NULL or valid for a
/// write.
///
/// Thread safety: does not mutate the engine; safe to call from many threads
/// at once on the same engine.
#[no_mangle]
pub unsafe extern "C" fn cr_engine_answer(
    engine: *const cr_engine,
    question: *const c_char,
    request_json: *const c_char,
    request_len: usize,
    answer_out: *mut *mut c_char,
    answer_len_out: *mut usize,
    error_out: *mut *mut cr_error,
) -> cr_status {
    crate::ffi_guard!(error_out = error_out, {
        if question.is_null() {
            return Err(Failure::null("question"));
        }
        // SAFETY: question is non-null and the caller guarantees it is NUL-terminated.
        let name = unsafe { CStr::from_ptr(question) }.to_str().map_err(|e| {
            Failure::boundary(
                cr_status::CR_INVALID_UTF8,
                ErrorCode::InvalidArgument,
                format!("`question` is not valid UTF-8 (the first bad byte is at offset {})", e.valid_up_to()),
            )
        })?;
        let question = Question::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Question::ALL.iter().map(|q| q.name()).collect();
            Failure::boundary(
                cr_status::CR_UNKNOWN_QUESTION,
                ErrorCode::InvalidArgument,
                format!("unknown question {name:?}; this engine answers: {}", known.join(", ")),
            )
        })?;
        // SAFETY: forwarded from this function's contract.
        unsafe { answer(engine, question, request_json, request_len, answer_out, answer_len_out) }
    })
}

/// Frees a string the library returned (an answer). NULL is allowed and
/// does nothing.
///
/// # Safety
/// `string` is NULL or a string from this library not yet freed (never one
/// from `cr_error_*`, `cr_version` or `cr_question_name`, which the library
/// owns); it must not be used afterwards.
///
/// Thread safety: no other thread may be using the string.
#[no_mangle]
pub unsafe extern "C" fn cr_string_free(string: *mut c_char) {
    crate::ffi_guard!(fallback = (), {
        if !string.is_null() {
            // SAFETY: the caller guarantees string came from CString::into_raw
            // in `answer` and is freed once.
            drop(unsafe { CString::from_raw(string) });
        }
    })
}

/// Longest question name the table below holds, NUL included.
const NAME_CAPACITY: usize = 48;

/// The questions' names as NUL-terminated C strings, built at compile time
/// from `Question::ALL` (so the library holds no allocation of its own).
#[allow(clippy::indexing_slicing)] // Const evaluation: an index out of bounds fails the build.
static QUESTION_NAMES: [[u8; NAME_CAPACITY]; Question::ALL.len()] = {
    let mut table = [[0_u8; NAME_CAPACITY]; Question::ALL.len()];
    let mut q = 0;
    while q < Question::ALL.len() {
        let name = Question::ALL[q].name().as_bytes();
        assert!(name.len() < NAME_CAPACITY, "a question name is too long for QUESTION_NAMES");
        let mut i = 0;
        while i < name.len() {
            table[q][i] = name[i];
            i += 1;
        }
        q += 1;
    }
    table
};

/// How many questions this library answers (`cr_question_name` names them).
///
/// Thread safety: safe to call from any thread at any time.
#[no_mangle]
pub extern "C" fn cr_question_count() -> usize {
    crate::ffi_guard!(fallback = 0, { QUESTION_NAMES.len() })
}

/// The name of question number `index` (from 0), such as `"quote"`, for
/// `cr_engine_answer`; NULL when `index >= cr_question_count()`. The string
/// is static: never free it.
///
/// Thread safety: safe to call from any thread at any time.
#[no_mangle]
pub extern "C" fn cr_question_name(index: usize) -> *const c_char {
    crate::ffi_guard!(fallback = std::ptr::null(), {
        QUESTION_NAMES.get(index).map_or(std::ptr::null(), |n| n.as_ptr().cast())
    })
}
