//! The error object a failed call hands back, and how failures reach it.

use std::any::Any;
use std::ffi::{c_char, CString};

use commerce_rules::{escape_control, Error, ErrorCode, ErrorReport, Problem};

use crate::status::cr_status;

/// Why a call failed: its status, its stable code, an English message and
/// the JSON path at fault (both with control characters escaped, fit to
/// print) and the full report as JSON (the exact text).
///
/// A failed call writes a new `cr_error` to its `error_out` parameter (when
/// that is not NULL); free it with `cr_error_free`. The strings its accessors
/// return live as long as the error.
///
/// Thread safety: immutable. Any number of threads may read one error at
/// once; free it once, after every reader is done.
pub struct cr_error {
    status: cr_status,
    code: CString,
    message: CString,
    path: CString,
    json: CString,
}

/// A failure inside a call, before it is handed to the caller.
#[derive(Debug)]
pub struct Failure {
    status: cr_status,
    report: ErrorReport,
}

impl Failure {
    /// A failure raised at the boundary itself (not by the engine).
    pub(crate) fn boundary(status: cr_status, code: ErrorCode, message: String) -> Failure {
        Failure {
            status,
            report: ErrorReport {
                code,
                message: message.clone(),
                path: String::new(),
                problems: vec![Problem::new(code, "", message)],
            },
        }
    }

    /// A required pointer argument was NULL.
    pub(crate) fn null(argument: &str) -> Failure {
        Failure::boundary(cr_status::CR_NULL_POINTER, ErrorCode::InvalidArgument, format!("`{argument}` is NULL"))
    }

    /// A caught panic.
    pub(crate) fn panic(payload: &(dyn Any + Send)) -> Failure {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        Failure::boundary(
            cr_status::CR_PANIC,
            ErrorCode::Internal,
            format!("the library panicked (a bug, please report it): {detail}"),
        )
    }

    /// The status this failure returns.
    pub fn status(&self) -> cr_status {
        self.status
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure { status: cr_status::from_code(e.code()), report: e.report() }
    }
}

/// A C string of `s`; an interior NUL (possible only in text quoted from a
/// hostile input) becomes U+FFFD.
pub(crate) fn c_string(s: String) -> CString {
    CString::new(s).unwrap_or_else(|e| {
        let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
        CString::new(text).unwrap_or_default()
    })
}

impl From<Failure> for cr_error {
    fn from(f: Failure) -> cr_error {
        let json = serde_json::to_string(&f.report).unwrap_or_else(|_| {
            r#"{"code":"internal","message":"the error report could not be serialized","path":"","problems":[]}"#
                .to_string()
        });
        cr_error {
            status: f.status,
            code: c_string(f.report.code.as_str().to_string()),
            // Fit for a terminal or a log: control characters quoted from the
            // input are escaped (the JSON report keeps them; JSON escapes them).
            message: c_string(escape_control(&f.report.message).into_owned()),
            path: c_string(escape_control(&f.report.path).into_owned()),
            json: c_string(json),
        }
    }
}

/// Turns the outcome of a guarded body into a status, handing a failure to
/// `*error_out`. Used only by `ffi_guard!`.
///
/// # Safety
/// `error_out` is NULL or valid for one pointer write.
pub(crate) unsafe fn finish(
    outcome: std::thread::Result<Result<(), Failure>>,
    error_out: *mut *mut cr_error,
) -> cr_status {
    let failure = match outcome {
        Ok(Ok(())) => return cr_status::CR_OK,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure::panic(payload.as_ref()),
    };
    let status = failure.status;
    if !error_out.is_null() {
        let error = Box::into_raw(Box::new(cr_error::from(failure)));
        // SAFETY: the caller guarantees error_out is valid for a write.
        unsafe { error_out.write(error) };
    }
    status
}

/// A string field of `error`, or `""` for NULL.
///
/// # Safety
/// `error` is NULL or a live error from this library.
unsafe fn text_of(error: *const cr_error, field: fn(&cr_error) -> &CString) -> *const c_char {
    // SAFETY: the caller guarantees error is NULL or live.
    unsafe { error.as_ref() }.map_or(c"".as_ptr(), |e| field(e).as_ptr())
}

/// The error's status (never `CR_OK`); `CR_NULL_POINTER` if `error` is NULL.
///
/// # Safety
/// `error` is NULL or a live error from this library.
///
/// Thread safety: safe to call from many threads at once on the same error.
#[no_mangle]
pub unsafe extern "C" fn cr_error_status(error: *const cr_error) -> cr_status {
    crate::ffi_guard!(fallback = cr_status::CR_PANIC, {
        // SAFETY: the caller guarantees error is NULL or live.
        unsafe { error.as_ref() }.map_or(cr_status::CR_NULL_POINTER, |e| e.status)
    })
}

/// The error's stable code, as written in JSON and in docs/errors.md:
/// `"invalid_json"`, `"invalid_rules"`, `"invalid_argument"`... Boundary
/// failures (status 100 and up) give `"invalid_argument"` or `"internal"`.
/// Never NULL (`""` if `error` is NULL); valid until `cr_error_free`.
///
/// # Safety
/// `error` is NULL or a live error from this library.
///
/// Thread safety: safe to call from many threads at once on the same error.
#[no_mangle]
pub unsafe extern "C" fn cr_error_code(error: *const cr_error) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    crate::ffi_guard!(fallback = c"".as_ptr(), { unsafe { text_of(error, |e| &e.code) } })
}

/// An English message describing the error, safe to print: any control
/// character quoted from the input (an escape sequence in a coupon code...)
/// is written as JSON writes it (`\u001b`, `\n`), as are the bidirectional
/// formatting characters. Never NULL (`""` if `error` is NULL); valid until
/// `cr_error_free`.
///
/// # Safety
/// `error` is NULL or a live error from this library.
///
/// Thread safety: safe to call from many threads at once on the same error.
#[no_mangle]
pub unsafe extern "C" fn cr_error_message(error: *const cr_error) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    crate::ffi_guard!(fallback = c"".as_ptr(), { unsafe { text_of(error, |e| &e.message) } })
}

/// The JSON path at fault, such as `"lines[2].quantity"` (for a rule set,
/// the first problem's); `""` for the whole document or a boundary failure.
/// Safe to print: control characters (possible only in the name of an
/// unknown field) are escaped as in `cr_error_message`; `cr_error_json` has
/// the exact path. Never NULL; valid until `cr_error_free`.
///
/// # Safety
/// `error` is NULL or a live error from this library.
///
/// Thread safety: safe to call from many threads at once on the same error.
#[no_mangle]
pub unsafe extern "C" fn cr_error_path(error: *const cr_error) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    crate::ffi_guard!(fallback = c"".as_ptr(), { unsafe { text_of(error, |e| &e.path) } })
}

/// The full error report as compact JSON:
/// `{"code":...,"message":...,"path":...,"problems":[{"code","path","message"}...]}`,
/// byte-identical to the Rust API's `serde_json::to_string(&error.report())`.
/// A rule set's error lists every problem found. Never NULL (`""` if `error`
/// is NULL); valid until `cr_error_free`.
///
/// # Safety
/// `error` is NULL or a live error from this library.
///
/// Thread safety: safe to call from many threads at once on the same error.
#[no_mangle]
pub unsafe extern "C" fn cr_error_json(error: *const cr_error) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    crate::ffi_guard!(fallback = c"".as_ptr(), { unsafe { text_of(error, |e| &e.json) } })
}

/// Frees an error. NULL is allowed and does nothing.
///
/// # Safety
/// `error` is NULL or an error from this library not yet freed; it (and
/// every string read from it) must not be used afterwards.
///
/// Thread safety: no other thread may be using the error.
#[no_mangle]
pub unsafe extern "C" fn cr_error_free(error: *mut cr_error) {
    crate::ffi_guard!(fallback = (), {
        if !error.is_null() {
            // SAFETY: the caller guarantees error came from Box::into_raw in
            // `finish` and is freed once.
            drop(unsafe { Box::from_raw(error) });
        }
    })
}
