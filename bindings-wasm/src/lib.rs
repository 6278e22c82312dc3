//! WASM bindings for commerce-rules: the engine in the browser and in Node.
//!
//! The JavaScript API is one class, [`Engine`], compiled once from a rule
//! set and then asked questions. Requests and answers are plain JavaScript
//! objects whose money amounts are decimal strings (`"12.30"`); the
//! TypeScript types of every request and answer are generated from the
//! core's JSON Schemas into the npm package.
//!
//! ```js
//! import init, { Engine } from "commerce-rules-wasm";   // web build
//! await init();
//! const engine = new Engine(rules);                     // object or JSON text
//! const answer = engine.quote({ now: "2026-11-11T20:15:00+08:00", lines: [...] });
//! answer.totals.grand_total;                            // "1079.98"
//! ```
//!
//! Everything crosses the boundary as JSON text: an object is turned into
//! text with `JSON.stringify`, the core answers compact JSON, and that is
//! parsed with `JSON.parse`. The `*Json` methods skip both steps. So the
//! WASM build answers byte for byte what the native engine and the C API
//! answer for the same text.
//!
//! Errors are thrown as JavaScript `Error` objects (name
//! `CommerceRulesError`) carrying the core's stable `code`, the JSON `path`
//! at fault and every `problem`; see [`Engine`]. Their `message` is safe to
//! print: control characters quoted from the input are escaped (`\u001b`);
//! `report` keeps the exact text. Nothing here panics: every
//! failure is a thrown error.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use commerce_rules::messages::{self, Lang};
use commerce_rules::{escape_control, ErrorCode, ErrorReport, Limits, Problem, Question};
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
import type {
  RuleSet, QuoteRequest, QuoteAnswer, BestCouponsAnswer, ShippingAnswer, TierStatusRequest, TierStatusAnswer,
  PointsBalanceRequest, PointsBalanceAnswer, ReturnRefundRequest, ReturnRefundAnswer, PriceProtectionRequest,
  PriceProtectionAnswer, ErrorReport, Problem, ErrorCode, Questions, Limits,
} from "../types.js";
export type * from "../types.js";

/**
 * What every method of `Engine` throws: an `Error` whose `name` is
 * `"CommerceRulesError"`, with the stable `code`, the JSON `path` at fault
 * (empty for the whole document) and every problem found.
 */
export interface CommerceRulesError extends Error {
  name: "CommerceRulesError";
  code: ErrorCode;
  path: string;
  problems: Problem[];
  /** The same error as the C API reports it. */
  report: ErrorReport;
}

/** The name of a question with published request and answer types: `"quote"`... */
export type QuestionName = keyof Questions;

/** A language of the engine's default messages. */
export type Lang = "en" | "zh-Hans";

export interface Engine {
  /** Answers the question named `question` (see `Engine.questions()`). */
  answer<Q extends QuestionName>(question: Q, request: Questions[Q]["request"]): Questions[Q]["answer"];
}
"#;

/// A rule set compiled into an immutable engine.
///
/// Construct it once (compiling validates the whole rule set) and ask it as
/// many questions as needed: each call is independent, and the same request
/// always gives the same answer.
///
/// Every method throws a `CommerceRulesError` (an `Error` with `code`,
/// `path`, `problems` and `report`) on invalid input.
#[wasm_bindgen]
pub struct Engine {
    inner: commerce_rules::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// Compiles a rule set, given as an object or as JSON text, with the
    /// default limits or the given ones (missing fields keep their default).
    ///
    /// Throws `invalid_rules` listing every problem of the rule set.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RuleSet | string")] rules: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Limits")] limits: Option<JsValue>,
    ) -> Result<Engine, JsValue> {
        let rules = json_text(&rules, "rules")?;
        let limits = match limits {
            Some(value) if !value.is_undefined() && !value.is_null() => {
                let text = json_text(&value, "limits")?;
                serde_json::from_str::<Limits>(&text)
                    .map_err(|e| argument_error("limits", format!("invalid limits: {e}")))?
            }
            _ => Limits::default(),
        };
        let inner = commerce_rules::Engine::from_json_with_limits(&rules, limits).map_err(|e| thrown(&e))?;
        Ok(Engine { inner })
    }

    /// Prices a cart: lines, customer, display currency and `now` in; priced
    /// lines, tax, totals and the explanation out.
    #[wasm_bindgen(unchecked_return_type = "QuoteAnswer")]
    pub fn quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.ask(Question::Quote, &request)
    }

    /// Prices a cart given as JSON text; answers compact JSON text, byte for
    /// byte what the native engine answers.
    #[wasm_bindgen(js_name = quoteJson)]
    pub fn quote_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] request: JsValue,
    ) -> Result<String, JsValue> {
        let request = string_arg(&request, "request")?;
        self.inner.answer_json(Question::Quote, &request).map_err(|e| thrown(&e))
    }

    /// The wallet coupons that save most on a cart, and why the others were
    /// not used: the same request as [`Engine::quote`].
    #[wasm_bindgen(js_name = bestCoupons, unchecked_return_type = "BestCouponsAnswer")]
    pub fn best_coupons(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.ask(Question::BestCoupons, &request)
    }

    /// Every shipping method for a cart and destination, with price, rate
    /// steps and delivery window: the same request as [`Engine::quote`].
    #[wasm_bindgen(js_name = shippingOptions, unchecked_return_type = "ShippingAnswer")]
    pub fn shipping_options(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.ask(Question::ShippingOptions, &request)
    }

    /// A customer's membership tier, progress to the next tier and when it
    /// lapses, from their qualifying history.
    #[wasm_bindgen(js_name = tierStatus, unchecked_return_type = "TierStatusAnswer")]
    pub fn tier_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TierStatusRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.ask(Question::TierStatus, &request)
    }

    /// A customer's available points and what expires when.
    #[wasm_bindgen(js_name = pointsBalance, unchecked_return_type = "PointsBalanceAnswer")]
    pub fn points_balance(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PointsBalanceRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.ask(Question::PointsBalance, &request)
    }

    /// Whether lines may be returned, and the refund part by part.
    #[wasm_bindgen(js_name = returnRefund, unchecked_return_type = "ReturnRefundAnswer")]
    pub fn return_refund(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReturnRefundRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.ask(Question::ReturnRefund, &request)
    }

    /// Price protection (价保): what is owed where a price dropped.
    #[wasm_bindgen(js_name = priceProtection, unchecked_return_type = "PriceProtectionAnswer")]
    pub fn price_protection(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PriceProtectionRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.ask(Question::PriceProtection, &request)
    }

    /// Answers the question named `question` for a request object.
    ///
    /// Throws `invalid_argument` at path `question` for an unknown name.
    #[wasm_bindgen(skip_typescript)]
    pub fn answer(&self, question: JsValue, request: JsValue) -> Result<JsValue, JsValue> {
        let question = question_arg(&question)?;
        self.ask(question, &request)
    }

    /// Answers the question named `question` for a request in JSON text, in
    /// compact JSON text.
    #[wasm_bindgen(js_name = answerJson)]
    pub fn answer_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuestionName")] question: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] request: JsValue,
    ) -> Result<String, JsValue> {
        let question = question_arg(&question)?;
        let request = string_arg(&request, "request")?;
        self.inner.answer_json(question, &request).map_err(|e| thrown(&e))
    }

    /// The names of the questions this build answers (`["quote"]`).
    #[wasm_bindgen(unchecked_return_type = "QuestionName[]")]
    pub fn questions() -> Array {
        Question::ALL.iter().map(|q| JsValue::from_str(q.name())).collect()
    }

    /// Every problem of a rule set (object or JSON text), or an empty array
    /// when it is valid. Never throws for an invalid rule set.
    #[wasm_bindgen(js_name = validateRules, unchecked_return_type = "Problem[]")]
    pub fn validate_rules(
        #[wasm_bindgen(unchecked_param_type = "RuleSet | string")] rules: JsValue,
    ) -> Result<JsValue, JsValue> {
        let rules = json_text(&rules, "rules")?;
        let problems = commerce_rules::validate_rules_json(&rules, &Limits::default());
        to_js(&problems)
    }

    /// The engine's default text for an error code, in English (`"en"`, the
    /// default) or Simplified Chinese (`"zh-Hans"`); `undefined` for a code
    /// the engine does not know.
    #[wasm_bindgen(js_name = errorText)]
    pub fn error_text(
        #[wasm_bindgen(unchecked_param_type = "ErrorCode")] code: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "Lang")] lang: Option<String>,
    ) -> Option<String> {
        let lang = match lang.as_deref() {
            Some("zh-Hans" | "zh" | "zh-CN") => Lang::ZhHans,
            _ => Lang::En,
        };
        let code = ErrorCode::ALL.iter().find(|c| c.as_str() == code)?;
        Some(messages::error_text(*code, lang).to_string())
    }

    /// The rule set's settlement currency (ISO 4217 code, `"CNY"`).
    #[wasm_bindgen(getter)]
    pub fn currency(&self) -> String {
        self.inner.currency().to_string()
    }

    /// The merchant's IANA time zone (`"Asia/Shanghai"`).
    #[wasm_bindgen(getter, js_name = timeZone)]
    pub fn time_zone(&self) -> String {
        self.inner.time_zone().name().to_string()
    }

    /// The version of the engine inside this package.
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }

    fn ask(&self, question: Question, request: &JsValue) -> Result<JsValue, JsValue> {
        let request = json_text(request, "request")?;
        let answer = self.inner.answer_json(question, &request).map_err(|e| thrown(&e))?;
        JSON::parse(&answer)
    }
}

/// The JSON text of a request or rule set given as text or as an object.
fn json_text(value: &JsValue, path: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if value.is_undefined() || value.is_null() || value.is_function() || value.is_symbol() {
        return Err(argument_error(path, format!("expected an object or JSON text for `{path}`")));
    }
    // JSON.stringify throws on cycles and BigInt; report those as ours.
    match JSON::stringify(value) {
        Ok(text) => text.as_string().ok_or_else(|| argument_error(path, format!("`{path}` is not JSON-serializable"))),
        Err(e) => {
            let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
            Err(argument_error(path, format!("`{path}` is not JSON-serializable: {why}")))
        }
    }
}

fn string_arg(value: &JsValue, path: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| argument_error(path, format!("expected JSON text (a string) for `{path}`")))
}

fn question_arg(value: &JsValue) -> Result<Question, JsValue> {
    let name = value.as_string().unwrap_or_default();
    Question::from_name(&name).ok_or_else(|| {
        let known: Vec<&str> = Question::ALL.iter().map(|q| q.name()).collect();
        argument_error("question", format!("unknown question `{name}`; this build answers: {}", known.join(", ")))
    })
}

fn argument_error(path: &str, message: String) -> JsValue {
    thrown(&commerce_rules::Error::request(ErrorCode::InvalidArgument, path, message))
}

/// Problems as a JavaScript array, through JSON text.
fn to_js(problems: &[Problem]) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(problems)
        .map_err(|e| thrown(&commerce_rules::Error::request(ErrorCode::Internal, "", e.to_string())))?;
    JSON::parse(&text)
}

/// The `Error` thrown for a core error: `name`, `message`, `code`, `path`,
/// `problems` and the whole `report`.
fn thrown(error: &commerce_rules::Error) -> JsValue {
    let report = error.report();
    let js_error = js_sys::Error::new(&message_of(&report));
    js_error.set_name("CommerceRulesError");
    let report_js = serde_json::to_string(&report).ok().and_then(|text| JSON::parse(&text).ok());
    let problems = report_js.as_ref().and_then(|r| Reflect::get(r, &JsValue::from_str("problems")).ok());
    let fields = [
        ("code", JsValue::from_str(report.code.as_str())),
        ("path", JsValue::from_str(&report.path)),
        ("problems", problems.unwrap_or_else(|| Array::new().into())),
        ("report", report_js.unwrap_or(JsValue::NULL)),
    ];
    for (key, value) in fields {
        // Setting a property on a fresh Error cannot fail.
        let _ = Reflect::set(&js_error, &JsValue::from_str(key), &value);
    }
    js_error.into()
}

/// The thrown error's `message`: the report's, with control characters
/// escaped (`\u001b`), as consoles, stack traces and logs print it. The
/// `report`, `path` and `problems` keep the exact text.
fn message_of(report: &ErrorReport) -> String {
    escape_control(&report.message).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_thrown_message_escapes_control_characters_and_the_report_does_not() {
        let engine = commerce_rules::Engine::from_json(include_str!("../../examples/data/us-store.rules.json"));
        let request = r#"{"now": "2026-11-27T09:00:00-05:00", "lines": [], "x\u001b[2J": 1}"#;
        let report = engine.and_then(|engine| engine.quote_json(request)).unwrap_err().report();
        assert_eq!(report.code, ErrorCode::UnknownField);
        assert!(report.message.contains("x\u{1b}[2J"), "{report:?}");
        let message = message_of(&report);
        assert!(message.contains("x\\u001b[2J"), "{message}");
        assert!(!message.chars().any(char::is_control), "{message}");
    }
}
