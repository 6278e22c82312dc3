//! Errors and problems, each with a stable code and the JSON path at fault.
//!
//! Codes are part of the public contract: they never change meaning and are
//! listed in `docs/errors.md` (a test keeps the list complete).

use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;

use crate::messages::{self, Lang};
use crate::money::MoneyError;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// A stable code naming what went wrong.
        ///
        /// ```
        /// use commerce_rules::ErrorCode;
        /// assert_eq!(ErrorCode::OutOfRange.as_str(), "out_of_range");
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as written in JSON and in `docs/errors.md`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $text,)* }
            }
        }
    };
}

codes! {
    /// The text is not valid JSON (syntax error or truncated).
    InvalidJson = "invalid_json",
    /// A field the format does not define.
    UnknownField = "unknown_field",
    /// A required field is absent.
    MissingField = "missing_field",
    /// A value of the wrong type or form (a number where a decimal string is expected...).
    InvalidValue = "invalid_value",
    /// The JSON text is larger than the configured limit.
    JsonTooLarge = "json_too_large",
    /// The JSON nests deeper than the configured limit.
    JsonTooDeep = "json_too_deep",
    /// A count (lines, price lists, codes...) or a quantity is past its limit.
    LimitExceeded = "limit_exceeded",
    /// The rule set's `schema_version` is not one this engine reads.
    UnsupportedSchemaVersion = "unsupported_schema_version",
    /// An IANA time zone name the engine does not know.
    UnknownTimeZone = "unknown_time_zone",
    /// A number outside its allowed range.
    OutOfRange = "out_of_range",
    /// Two items share an id (or a key) that must be unique.
    DuplicateId = "duplicate_id",
    /// A reference to an id that is not defined.
    UnknownReference = "unknown_reference",
    /// Fields that must not be given together, or of which exactly one is required.
    ConflictingFields = "conflicting_fields",
    /// A time window that ends before it starts.
    InvalidWindow = "invalid_window",
    /// A request in another currency than the rule set's.
    CurrencyMismatch = "currency_mismatch",
    /// An amount with more digits than its currency's minor units allow.
    TooPrecise = "too_precise",
    /// An amount too large to compute with exactly.
    ArithmeticOverflow = "arithmetic_overflow",
    /// The rule set has problems; each is listed with its own code.
    InvalidRules = "invalid_rules",
    /// A bad argument at a binding boundary (null pointer, invalid UTF-8...).
    InvalidArgument = "invalid_argument",
    /// A bug: the engine failed where it should not. Please report it.
    Internal = "internal",
    /// A receipt (the quote answer sent back for a return) whose figures do not add up.
    InconsistentReceipt = "inconsistent_receipt",
    /// A record the host sent back (an earlier return or claim) that contradicts the receipt.
    InconsistentRecord = "inconsistent_record",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a rule set or request: a code, the JSON path at
/// fault and an English message.
///
/// ```
/// use commerce_rules::{ErrorCode, Problem};
/// let p = Problem::new(ErrorCode::OutOfRange, "price_lists[2].prices[0].tiers[0].min_qty", "must be >= 1");
/// assert_eq!(p.to_string(), "price_lists[2].prices[0].tiers[0].min_qty: must be >= 1 (out_of_range)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Problem {
    /// The stable code.
    pub code: ErrorCode,
    /// The JSON path at fault (`lines[2].quantity`); empty for the whole document.
    pub path: String,
    /// A message in English.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { code, path: path.into(), message: message.into() }
    }

    /// The message in `lang`: the English detail, prefixed in Chinese by the
    /// code's default Chinese text.
    pub fn message_in(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.message.clone(),
            Lang::ZhHans => format!("{}：{}", messages::error_text(self.code, Lang::ZhHans), self.message),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{} ({})", self.message, self.code)
        } else {
            write!(f, "{}: {} ({})", self.path, self.message, self.code)
        }
    }
}

/// Every error the engine returns. Each has a stable [`ErrorCode`] and,
/// where one applies, the JSON path at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The rule set has one or more problems (all are listed, up to a cap).
    #[error("invalid rule set: {} problem(s), first: {}", problems.len(), problems.first().map(ToString::to_string).unwrap_or_default())]
    InvalidRules {
        /// The problems found.
        problems: Vec<Problem>,
    },
    /// The request is malformed or inconsistent with the rule set.
    #[error("invalid request: {0}")]
    InvalidRequest(Problem),
}

impl Error {
    /// A request error.
    pub fn request(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidRequest(Problem::new(code, path, message))
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidRules { .. } => ErrorCode::InvalidRules,
            Error::InvalidRequest(p) => p.code,
        }
    }

    /// The JSON path at fault (the first problem's for a rule set).
    pub fn path(&self) -> &str {
        self.problems().first().map_or("", |p| p.path.as_str())
    }

    /// The problems behind this error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::InvalidRules { problems } => problems,
            Error::InvalidRequest(p) => std::slice::from_ref(p),
        }
    }

    /// A JSON report of the error: `{"code","message","path","problems"}`.
    ///
    /// ```
    /// use commerce_rules::Engine;
    /// let err = Engine::from_json("{").unwrap_err();
    /// let report = err.report();
    /// assert_eq!(report.code.as_str(), "invalid_rules");
    /// assert_eq!(report.problems[0].code.as_str(), "invalid_json");
    /// ```
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            code: self.code(),
            message: self.to_string(),
            path: self.path().to_string(),
            problems: self.problems().to_vec(),
        }
    }
}

/// The serializable form of an [`Error`], as the C API and WASM return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ErrorReport {
    /// The stable code.
    pub code: ErrorCode,
    /// An English message.
    pub message: String,
    /// The JSON path at fault; empty for the whole document.
    pub path: String,
    /// Every problem found (one for a request).
    pub problems: Vec<Problem>,
}

/// A money error met while computing at `path`, as a request error.
pub(crate) fn money_error(e: MoneyError, path: &str) -> Error {
    let code = match e {
        MoneyError::CurrencyMismatch { .. } => ErrorCode::CurrencyMismatch,
        MoneyError::Overflow | MoneyError::DivisionByZero => ErrorCode::ArithmeticOverflow,
    };
    Error::request(code, path, e.to_string())
}

/// `text` fit to show a person: every control character (C0, DEL and C1),
/// the bidirectional formatting characters and the line and paragraph
/// separators are written as JSON writes them (`\n`, `\t`, `\u001b`...), so
/// that text quoted from an input (a coupon code, a field name) cannot move
/// the cursor, recolour a terminal, clear it or reorder what is shown.
/// Everything else is kept as it is, backslashes included: the result is
/// for reading, not for unescaping. Borrows when there is nothing to escape.
///
/// The human-readable messages of every surface go through it: the CLI's
/// text output, the C API's `cr_error_message` and the WASM package's
/// `Error.message`. The JSON error reports ([`Error::report`],
/// `cr_error_json`, the thrown error's `report`) keep the text as it was:
/// JSON escapes it already.
///
/// ```
/// use commerce_rules::escape_control;
/// assert_eq!(escape_control("unknown code `\u{1b}[2J`"), "unknown code `\\u001b[2J`");
/// assert_eq!(escape_control("a\tb\nc\u{7f}\u{9b}\u{202e}"), "a\\tb\\nc\\u007f\\u009b\\u202e");
/// assert_eq!(escape_control("满300减30 \\ ok"), "满300减30 \\ ok");
/// ```
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write as _;
    fn escaped(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            // Writing to a String cannot fail.
            c if escaped(c) => drop(write!(out, "\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod escape_tests {
    use super::escape_control;

    #[test]
    fn every_control_character_is_escaped_and_nothing_else() {
        for c in (0u32..=0x10ffff).filter_map(char::from_u32) {
            let text = c.to_string();
            let out = escape_control(&text);
            let expected_escaped =
                c.is_control() || matches!(c as u32, 0x61c | 0x200e | 0x200f | 0x2028..=0x202e | 0x2066..=0x2069);
            assert_eq!(out != text, expected_escaped, "U+{:04X}", c as u32);
            assert!(!out.chars().any(|o| o.is_control()), "U+{:04X}", c as u32);
        }
        assert_eq!(escape_control("\u{0}\u{1b}[31m\r\u{85}"), "\\u0000\\u001b[31m\\r\\u0085");
        assert!(matches!(escape_control("plain"), std::borrow::Cow::Borrowed("plain")));
    }
}
