//! The one status enum every fallible function returns.

use std::ffi::{c_char, CStr};

use commerce_rules::ErrorCode;

/// The result of every fallible function: `CR_OK` (0) or why it failed.
///
/// Values are stable: a value never changes meaning and is never reused.
/// Values 1 to 99 mirror the core's error codes (`cr_error_code()` gives the
/// same text as `cr_status_name()`); a new core code takes the next free
/// value below 100. Values from 100 up are raised by the C boundary itself
/// (their error JSON carries the core code `invalid_argument` or `internal`).
///
/// Thread safety: a plain value; copy it freely between threads.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum cr_status {
    /// Success: the out-parameters were written.
    CR_OK = 0,
    /// `invalid_json`: the text is not valid JSON (syntax error or truncated).
    CR_INVALID_JSON = 1,
    /// `unknown_field`: a field the format does not define.
    CR_UNKNOWN_FIELD = 2,
    /// `missing_field`: a required field is absent.
    CR_MISSING_FIELD = 3,
    /// `invalid_value`: a value of the wrong type or form.
    CR_INVALID_VALUE = 4,
    /// `json_too_large`: the JSON text is longer than the engine's limit.
    CR_JSON_TOO_LARGE = 5,
    /// `json_too_deep`: the JSON nests deeper than the engine's limit.
    CR_JSON_TOO_DEEP = 6,
    /// `limit_exceeded`: a count or a quantity is past its limit.
    CR_LIMIT_EXCEEDED = 7,
    /// `unsupported_schema_version`: a rule set written for another schema version.
    CR_UNSUPPORTED_SCHEMA_VERSION = 8,
    /// `unknown_time_zone`: an IANA time zone name the engine does not know.
    CR_UNKNOWN_TIME_ZONE = 9,
    /// `out_of_range`: a number outside its allowed range.
    CR_OUT_OF_RANGE = 10,
    /// `duplicate_id`: two items share an id that must be unique.
    CR_DUPLICATE_ID = 11,
    /// `unknown_reference`: a reference to an id that is not defined.
    CR_UNKNOWN_REFERENCE = 12,
    /// `conflicting_fields`: fields that must not be given together.
    CR_CONFLICTING_FIELDS = 13,
    /// `invalid_window`: a time window that ends before it starts.
    CR_INVALID_WINDOW = 14,
    /// `currency_mismatch`: a request in another currency than the rule set's.
    CR_CURRENCY_MISMATCH = 15,
    /// `too_precise`: an amount with more digits than its currency allows.
    CR_TOO_PRECISE = 16,
    /// `arithmetic_overflow`: an amount too large to compute with exactly.
    CR_ARITHMETIC_OVERFLOW = 17,
    /// `invalid_rules`: the rule set has problems; the error JSON lists each.
    CR_INVALID_RULES = 18,
    /// `invalid_argument`: a bad argument (for example malformed limits JSON).
    CR_INVALID_ARGUMENT = 19,
    /// `internal`: a bug in the engine. Please report it.
    CR_INTERNAL = 20,
    /// `inconsistent_receipt`: a return's receipt whose figures do not add up.
    CR_INCONSISTENT_RECEIPT = 21,
    /// `inconsistent_record`: a record sent back (an earlier return) that contradicts the receipt.
    CR_INCONSISTENT_RECORD = 22,
    /// `null_pointer`: a required pointer argument is NULL (error code `invalid_argument`).
    CR_NULL_POINTER = 100,
    /// `invalid_utf8`: a text argument is not valid UTF-8 (error code `invalid_argument`).
    CR_INVALID_UTF8 = 101,
    /// `unknown_question`: `cr_engine_answer` was given a question name the engine does not
    /// answer (error code `invalid_argument`).
    CR_UNKNOWN_QUESTION = 102,
    /// `panic`: the library caught a panic, a bug (error code `internal`). The engine is
    /// unchanged and still usable. Please report it.
    CR_PANIC = 103,
}

impl cr_status {
    /// Every status, in value order.
    pub const ALL: &'static [cr_status] = &[
        cr_status::CR_OK,
        cr_status::CR_INVALID_JSON,
        cr_status::CR_UNKNOWN_FIELD,
        cr_status::CR_MISSING_FIELD,
        cr_status::CR_INVALID_VALUE,
        cr_status::CR_JSON_TOO_LARGE,
        cr_status::CR_JSON_TOO_DEEP,
        cr_status::CR_LIMIT_EXCEEDED,
        cr_status::CR_UNSUPPORTED_SCHEMA_VERSION,
        cr_status::CR_UNKNOWN_TIME_ZONE,
        cr_status::CR_OUT_OF_RANGE,
        cr_status::CR_DUPLICATE_ID,
        cr_status::CR_UNKNOWN_REFERENCE,
        cr_status::CR_CONFLICTING_FIELDS,
        cr_status::CR_INVALID_WINDOW,
        cr_status::CR_CURRENCY_MISMATCH,
        cr_status::CR_TOO_PRECISE,
        cr_status::CR_ARITHMETIC_OVERFLOW,
        cr_status::CR_INVALID_RULES,
        cr_status::CR_INVALID_ARGUMENT,
        cr_status::CR_INTERNAL,
        cr_status::CR_INCONSISTENT_RECEIPT,
        cr_status::CR_INCONSISTENT_RECORD,
        cr_status::CR_NULL_POINTER,
        cr_status::CR_INVALID_UTF8,
        cr_status::CR_UNKNOWN_QUESTION,
        cr_status::CR_PANIC,
    ];

    /// The status for a core error code.
    ///
    /// A core code this crate does not know yet maps to `CR_INTERNAL`; the
    /// test `every_error_code_has_its_own_status` fails until it is added.
    pub fn from_code(code: ErrorCode) -> cr_status {
        match code {
            ErrorCode::InvalidJson => cr_status::CR_INVALID_JSON,
            ErrorCode::UnknownField => cr_status::CR_UNKNOWN_FIELD,
            ErrorCode::MissingField => cr_status::CR_MISSING_FIELD,
            ErrorCode::InvalidValue => cr_status::CR_INVALID_VALUE,
            ErrorCode::JsonTooLarge => cr_status::CR_JSON_TOO_LARGE,
            ErrorCode::JsonTooDeep => cr_status::CR_JSON_TOO_DEEP,
            ErrorCode::LimitExceeded => cr_status::CR_LIMIT_EXCEEDED,
            ErrorCode::UnsupportedSchemaVersion => cr_status::CR_UNSUPPORTED_SCHEMA_VERSION,
            ErrorCode::UnknownTimeZone => cr_status::CR_UNKNOWN_TIME_ZONE,
            ErrorCode::OutOfRange => cr_status::CR_OUT_OF_RANGE,
            ErrorCode::DuplicateId => cr_status::CR_DUPLICATE_ID,
            ErrorCode::UnknownReference => cr_status::CR_UNKNOWN_REFERENCE,
            ErrorCode::ConflictingFields => cr_status::CR_CONFLICTING_FIELDS,
            ErrorCode::InvalidWindow => cr_status::CR_INVALID_WINDOW,
            ErrorCode::CurrencyMismatch => cr_status::CR_CURRENCY_MISMATCH,
            ErrorCode::TooPrecise => cr_status::CR_TOO_PRECISE,
            ErrorCode::ArithmeticOverflow => cr_status::CR_ARITHMETIC_OVERFLOW,
            ErrorCode::InvalidRules => cr_status::CR_INVALID_RULES,
            ErrorCode::InconsistentReceipt => cr_status::CR_INCONSISTENT_RECEIPT,
            ErrorCode::InconsistentRecord => cr_status::CR_INCONSISTENT_RECORD,
            ErrorCode::InvalidArgument => cr_status::CR_INVALID_ARGUMENT,
            ErrorCode::Internal => cr_status::CR_INTERNAL,
            _ => cr_status::CR_INTERNAL,
        }
    }

    /// The status with that numeric value.
    pub fn from_u32(value: u32) -> Option<cr_status> {
        cr_status::ALL.iter().copied().find(|s| *s as u32 == value)
    }

    /// The status's stable name: the core code's text for values below 100
    /// (`invalid_json`), the boundary's own name above (`null_pointer`).
    pub fn name(self) -> &'static CStr {
        match self {
            cr_status::CR_OK => c"ok",
            cr_status::CR_INVALID_JSON => c"invalid_json",
            cr_status::CR_UNKNOWN_FIELD => c"unknown_field",
            cr_status::CR_MISSING_FIELD => c"missing_field",
            cr_status::CR_INVALID_VALUE => c"invalid_value",
            cr_status::CR_JSON_TOO_LARGE => c"json_too_large",
            cr_status::CR_JSON_TOO_DEEP => c"json_too_deep",
            cr_status::CR_LIMIT_EXCEEDED => c"limit_exceeded",
            cr_status::CR_UNSUPPORTED_SCHEMA_VERSION => c"unsupported_schema_version",
            cr_status::CR_UNKNOWN_TIME_ZONE => c"unknown_time_zone",
            cr_status::CR_OUT_OF_RANGE => c"out_of_range",
            cr_status::CR_DUPLICATE_ID => c"duplicate_id",
            cr_status::CR_UNKNOWN_REFERENCE => c"unknown_reference",
            cr_status::CR_CONFLICTING_FIELDS => c"conflicting_fields",
            cr_status::CR_INVALID_WINDOW => c"invalid_window",
            cr_status::CR_CURRENCY_MISMATCH => c"currency_mismatch",
            cr_status::CR_TOO_PRECISE => c"too_precise",
            cr_status::CR_ARITHMETIC_OVERFLOW => c"arithmetic_overflow",
            cr_status::CR_INVALID_RULES => c"invalid_rules",
            cr_status::CR_INCONSISTENT_RECEIPT => c"inconsistent_receipt",
            cr_status::CR_INCONSISTENT_RECORD => c"inconsistent_record",
            cr_status::CR_INVALID_ARGUMENT => c"invalid_argument",
            cr_status::CR_INTERNAL => c"internal",
            cr_status::CR_NULL_POINTER => c"null_pointer",
            cr_status::CR_INVALID_UTF8 => c"invalid_utf8",
            cr_status::CR_UNKNOWN_QUESTION => c"unknown_question",
            cr_status::CR_PANIC => c"panic",
        }
    }
}

/// The stable name of a status value: `"ok"`, `"invalid_json"`,
/// `"null_pointer"`... and `"unknown_status"` for a value no version of
/// the library has defined. Never NULL; the string is static (never free it).
///
/// The parameter is a plain integer so that any value, even one that is not
/// a `cr_status`, is safe to pass.
///
/// Thread safety: safe to call from any thread at any time.
#[no_mangle]
pub extern "C" fn cr_status_name(status: u32) -> *const c_char {
    crate::ffi_guard!(fallback = c"unknown_status".as_ptr(), {
        cr_status::from_u32(status).map_or(c"unknown_status", cr_status::name).as_ptr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_error_code_has_its_own_status() {
        let mut seen = HashSet::new();
        for &code in ErrorCode::ALL {
            let status = cr_status::from_code(code);
            assert!(seen.insert(status), "{code} shares status {status:?} with another code");
            assert!((status as u32) > 0 && (status as u32) < 100, "{code}: core codes take values 1..=99");
            assert_eq!(status.name().to_str().unwrap(), code.as_str(), "{code}: status name differs from the code");
            if code != ErrorCode::Internal {
                assert_ne!(status, cr_status::CR_INTERNAL, "{code} has no status of its own: add one to cr_status");
            }
        }
        // Every status below 100 (but CR_OK) is some core code's: none is left over.
        let core: Vec<_> = cr_status::ALL.iter().filter(|s| (**s as u32) > 0 && (**s as u32) < 100).collect();
        assert_eq!(core.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn values_and_names_are_distinct_and_all_is_complete() {
        let values: HashSet<u32> = cr_status::ALL.iter().map(|s| *s as u32).collect();
        let names: HashSet<&CStr> = cr_status::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(values.len(), cr_status::ALL.len());
        assert_eq!(names.len(), cr_status::ALL.len());
        assert!(cr_status::ALL.windows(2).all(|w| (w[0] as u32) < (w[1] as u32)), "ALL is in value order");
        for &s in cr_status::ALL {
            assert_eq!(cr_status::from_u32(s as u32), Some(s));
        }
        assert_eq!(cr_status::CR_OK as u32, 0);
    }

    #[test]
    fn status_name_accepts_any_value() {
        let name = |v| unsafe { CStr::from_ptr(cr_status_name(v)) }.to_str().unwrap();
        assert_eq!(name(0), "ok");
        assert_eq!(name(5), "json_too_large");
        assert_eq!(name(100), "null_pointer");
        assert_eq!(name(99), "unknown_status");
        assert_eq!(name(u32::MAX), "unknown_status");
    }
}
