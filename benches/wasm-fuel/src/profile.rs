//! No-argument exports for `scripts/wasm-profile` (feature `profile`).
//!
//! wabt's `wasm-interp --run-all-exports --trace` calls every export with no
//! arguments and prints each operator it executes; the script attributes
//! them to functions. These exports run the steps of a quote of W1 (the
//! shared workload, embedded), each on state of its own, so that the other
//! exports, called with zeros in between, cannot disturb them. They run in
//! the order of their names.

use std::cell::RefCell;

use commerce_rules::{Engine, QuoteAnswer, QuoteRequest};

const RULES: &str = include_str!("../../data/w1/rules.json");
const REQUEST: &str = include_str!("../../data/w1/request.json");

thread_local! {
    /// The engine, the parsed request and the answer the steps share.
    static STATE: RefCell<(Option<Engine>, Option<QuoteRequest>, Option<QuoteAnswer>)> =
        const { RefCell::new((None, None, None)) };
}

/// Compiles W1's rule set and quotes once, so that the steps after it count
/// a quote of a warm module (as `fuel.py`'s second call). Returns the
/// answer's length, or -1 on an error.
#[no_mangle]
pub extern "C" fn profile_1_setup() -> i32 {
    let Ok(engine) = Engine::from_json(RULES) else { return -1 };
    let Ok(answer) = engine.quote_json(REQUEST) else { return -1 };
    STATE.with(|s| s.borrow_mut().0 = Some(engine));
    i32::try_from(answer.len()).unwrap_or(-1)
}

/// Parses W1's request into a `QuoteRequest` and keeps it. 0, or -1 on an error.
#[no_mangle]
pub extern "C" fn profile_2_parse() -> i32 {
    let Ok(request) = serde_json::from_str::<QuoteRequest>(REQUEST) else { return -1 };
    STATE.with(|s| s.borrow_mut().1 = Some(request));
    0
}

/// `Engine::quote` of the kept request; keeps the answer. 0, or -1.
#[no_mangle]
pub extern "C" fn profile_3_quote() -> i32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let answer = match (&s.0, &s.1) {
            (Some(engine), Some(request)) => engine.quote(request).ok(),
            _ => None,
        };
        let status = if answer.is_some() { 0 } else { -1 };
        s.2 = answer;
        status
    })
}

/// Writes the kept answer as JSON text; its length, or -1.
#[no_mangle]
pub extern "C" fn profile_4_write() -> i32 {
    STATE.with(|s| match &s.borrow().2 {
        Some(answer) => commerce_rules::to_json(answer).ok().and_then(|t| i32::try_from(t.len()).ok()).unwrap_or(-1),
        None => -1,
    })
}

/// Drops the kept request and answer. 0.
#[no_mangle]
pub extern "C" fn profile_5_drop() -> i32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        drop((s.1.take(), s.2.take()));
    });
    0
}

/// `Engine::quote_json` of W1's request, JSON in and out; its length, or -1.
#[no_mangle]
pub extern "C" fn profile_6_quote_json() -> i32 {
    STATE.with(|s| match &s.borrow().0 {
        Some(engine) => engine.quote_json(REQUEST).ok().and_then(|t| i32::try_from(t.len()).ok()).unwrap_or(-1),
        None => -1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_run_in_order_and_write_the_answer() {
        let len = i32::try_from(Engine::from_json(RULES).unwrap().quote_json(REQUEST).unwrap().len()).unwrap();
        assert_eq!(profile_3_quote(), -1, "no engine yet");
        assert_eq!(profile_1_setup(), len);
        assert_eq!(profile_2_parse(), 0);
        assert_eq!(profile_3_quote(), 0);
        assert_eq!(profile_4_write(), len);
        assert_eq!(profile_5_drop(), 0);
        assert_eq!(profile_4_write(), -1, "the answer is dropped");
        assert_eq!(profile_6_quote_json(), len);
    }
}
