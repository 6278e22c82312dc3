//! Hostile and careless callers: NULL pointers, invalid UTF-8, truncated
//! JSON, lengths past the limits, and use after an error. Every case gives a
//! status (never a crash), leaves the out-parameters untouched, and leaves
//! the engine as good as new.

mod common;

use std::ffi::{c_char, CStr};
use std::ptr;

use commerce_rules::{Engine, Limits};
use commerce_rules_c::*;
use common::*;

const RULES: &str = "examples/data/us-store.rules.json";
const REQUEST: &str = "examples/data/us-store.quote.json";

fn sample() -> (Handle, String, String) {
    let request = read(REQUEST);
    let engine = engine_new(read(RULES).as_bytes()).unwrap();
    let expected = Engine::from_json(&read(RULES)).unwrap().quote_json(&request).unwrap();
    (engine, request, expected)
}

fn is_null_pointer(e: &CError, argument: &str) {
    assert_eq!(e.status, cr_status::CR_NULL_POINTER);
    assert_eq!(e.code, "invalid_argument");
    assert!(e.message.contains(&format!("`{argument}`")), "{e:?}");
    let json: serde_json::Value = serde_json::from_str(&e.json).unwrap();
    assert_eq!(json["code"], "invalid_argument");
    assert_eq!(json["problems"][0]["code"], "invalid_argument");
}

#[test]
fn null_pointers_give_a_status() {
    let rules = read(RULES);
    let mut engine = SENTINEL as *mut cr_engine;
    let mut error: *mut cr_error = ptr::null_mut();
    unsafe {
        // NULL rules, with and without a length.
        for len in [0, 10] {
            let s = cr_engine_new(ptr::null(), len, &mut engine, &mut error);
            is_null_pointer(&take_error(s, error), "rules_json");
            assert_eq!(engine as usize, SENTINEL);
        }
        let s = cr_engine_new(rules.as_ptr().cast(), rules.len(), ptr::null_mut(), &mut error);
        is_null_pointer(&take_error(s, error), "engine_out");
        // No error_out: the status alone tells, and nothing leaks.
        assert_eq!(cr_engine_new(ptr::null(), 0, &mut engine, ptr::null_mut()), cr_status::CR_NULL_POINTER);
        let s = cr_engine_new_with_limits(rules.as_ptr().cast(), rules.len(), ptr::null(), 0, &mut engine, &mut error);
        is_null_pointer(&take_error(s, error), "limits_json");
        assert_eq!(engine as usize, SENTINEL);
    }

    let (handle, request, _) = sample();
    let mut answer = SENTINEL as *mut c_char;
    let mut len = SENTINEL;
    unsafe {
        let s = cr_engine_quote(ptr::null(), request.as_ptr().cast(), request.len(), &mut answer, &mut len, &mut error);
        is_null_pointer(&take_error(s, error), "engine");
        let s = cr_engine_quote(handle.0, ptr::null(), 3, &mut answer, &mut len, &mut error);
        is_null_pointer(&take_error(s, error), "request_json");
        let s =
            cr_engine_quote(handle.0, request.as_ptr().cast(), request.len(), ptr::null_mut(), &mut len, &mut error);
        is_null_pointer(&take_error(s, error), "answer_out");
        let s = cr_engine_answer(
            handle.0,
            ptr::null(),
            request.as_ptr().cast(),
            request.len(),
            &mut answer,
            &mut len,
            &mut error,
        );
        is_null_pointer(&take_error(s, error), "question");
        assert_eq!(answer as usize, SENTINEL);
        assert_eq!(len, SENTINEL);

        // answer_len_out and error_out are optional.
        let s = cr_engine_quote(
            handle.0,
            request.as_ptr().cast(),
            request.len(),
            &mut answer,
            ptr::null_mut(),
            ptr::null_mut(),
        );
        assert_eq!(s, cr_status::CR_OK);
        cr_string_free(answer);

        // Frees and accessors accept NULL.
        cr_engine_free(ptr::null_mut());
        cr_string_free(ptr::null_mut());
        cr_error_free(ptr::null_mut());
        assert_eq!(cr_error_status(ptr::null()), cr_status::CR_NULL_POINTER);
        for accessor in [cr_error_code, cr_error_message, cr_error_path, cr_error_json] {
            assert_eq!(CStr::from_ptr(accessor(ptr::null())).to_bytes(), b"");
        }
    }
}

#[test]
fn invalid_utf8_gives_a_status() {
    let (handle, request, _) = sample();
    let mut bad = request.clone().into_bytes();
    bad.insert(10, 0xFF);
    let e = quote(&handle, &bad).unwrap_err();
    assert_eq!(e.status, cr_status::CR_INVALID_UTF8);
    assert_eq!(e.code, "invalid_argument");
    assert!(e.message.contains("offset 10"), "{}", e.message);

    let mut rules = read(RULES).into_bytes();
    rules.insert(0, 0xC3); // a lead byte without its continuation
    assert_eq!(engine_new(&rules).err().unwrap().status, cr_status::CR_INVALID_UTF8);

    // A question name that is not UTF-8.
    let mut answer = SENTINEL as *mut c_char;
    let mut error: *mut cr_error = ptr::null_mut();
    let s = unsafe {
        cr_engine_answer(
            handle.0,
            c"qu\xffte".as_ptr(),
            request.as_ptr().cast(),
            request.len(),
            &mut answer,
            ptr::null_mut(),
            &mut error,
        )
    };
    assert_eq!(take_error(s, error).status, cr_status::CR_INVALID_UTF8);
    assert_eq!(answer as usize, SENTINEL);
}

#[test]
fn every_truncation_of_a_request_is_an_error_identical_to_rust() {
    let (handle, request, _) = sample();
    let rust = Engine::from_json(&read(RULES)).unwrap();
    // Cutting off only the trailing newline leaves valid JSON.
    let request = request.trim_end();
    for cut in 0..request.len() {
        let prefix = &request.as_bytes()[..cut];
        let e = quote(&handle, prefix).unwrap_err();
        match std::str::from_utf8(prefix) {
            Ok(text) => {
                assert_eq!(e, expected_error(&rust.quote_json(text).unwrap_err()), "cut at {cut}");
                assert_eq!(e.status, cr_status::CR_INVALID_JSON, "cut at {cut}");
            }
            Err(_) => assert_eq!(e.status, cr_status::CR_INVALID_UTF8, "cut at {cut}"),
        }
    }
}

#[test]
fn control_characters_from_the_input_are_escaped_in_the_message_and_path_only() {
    let (handle, request, _) = sample();
    let rust = Engine::from_json(&read(RULES)).unwrap();
    // An unknown field whose name clears the screen and turns the text red,
    // then a carriage return and a right-to-left override.
    let mut value: serde_json::Value = serde_json::from_str(&request).unwrap();
    value["lines"][0]["sku\u{1b}[2J\u{1b}[31m\r\u{202e}"] = serde_json::json!(1);
    let hostile = serde_json::to_string(&value).unwrap();
    let e = quote(&handle, hostile.as_bytes()).unwrap_err();
    assert_eq!(e.code, "unknown_field");
    assert!(e.message.contains("sku\\u001b[2J\\u001b[31m\\r\\u202e"), "{e:?}");
    assert!(!e.message.chars().any(|c| c.is_control() || c == '\u{202e}'), "{e:?}");
    assert_eq!(e, expected_error(&rust.quote_json(&hostile).unwrap_err()));
    // The JSON report keeps the text: JSON escapes it, and it parses back.
    let report: serde_json::Value = serde_json::from_str(&e.json).unwrap();
    assert!(report["message"].as_str().unwrap().contains("sku\u{1b}[2J"), "{}", e.json);
    assert!(e.json.contains("sku\\u001b[2J"), "{}", e.json);
    assert_eq!(report["path"], "lines[0].sku\u{1b}[2J\u{1b}[31m\r\u{202e}");
    // The path accessor is escaped like the message.
    assert_eq!(e.path, "lines[0].sku\\u001b[2J\\u001b[31m\\r\\u202e");

    // A failure at the boundary too: an unknown field of the limits is quoted.
    let e = engine_new_with_limits(read(RULES).as_bytes(), b"{\"max_lines\\u0007\\u001b]0;title\\u0007\": 1}")
        .err()
        .unwrap();
    assert_eq!(e.code, "invalid_argument");
    assert!(e.message.contains("max_lines\\u0007\\u001b]0;title\\u0007"), "{e:?}");
    assert!(!e.message.chars().any(char::is_control), "{e:?}");
}

#[test]
fn truncated_rules_are_an_error_identical_to_rust() {
    let rules = read(RULES);
    for cut in (0..rules.len()).step_by(7) {
        let e = engine_new(&rules.as_bytes()[..cut]).err().unwrap();
        let expected = expected_error(&Engine::from_json(&rules[..cut]).unwrap_err());
        assert_eq!(e, expected, "cut at {cut}");
        assert_eq!(e.status, cr_status::CR_INVALID_RULES);
    }
}

#[test]
fn lengths_past_the_limits_are_refused_before_reading() {
    let rules = read(RULES);
    let request = read(REQUEST);
    let limits = Limits { max_request_bytes: request.len() - 1, max_rules_bytes: rules.len(), ..Limits::default() };
    let limits_json = serde_json::to_string(&limits).unwrap();
    let handle = engine_new_with_limits(rules.as_bytes(), limits_json.as_bytes()).unwrap();
    let rust = Engine::from_json_with_limits(&rules, limits).unwrap();

    // One byte over: the same error as the engine's own check.
    let e = quote(&handle, request.as_bytes()).unwrap_err();
    assert_eq!(e.status, cr_status::CR_JSON_TOO_LARGE);
    assert_eq!(e, expected_error(&rust.quote_json(&request).unwrap_err()));

    // A length far past the buffer: refused without reading (ASan and
    // valgrind would flag a read past the one byte given).
    let one = [b'{'];
    let mut answer = SENTINEL as *mut c_char;
    let mut error: *mut cr_error = ptr::null_mut();
    for len in [usize::MAX, isize::MAX as usize + 1, 1 << 40] {
        let s =
            unsafe { cr_engine_quote(handle.0, one.as_ptr().cast(), len, &mut answer, ptr::null_mut(), &mut error) };
        let e = take_error(s, error);
        assert_eq!(e.status, cr_status::CR_JSON_TOO_LARGE);
        assert_eq!(e.code, "json_too_large");
        assert!(e.message.contains(&len.to_string()), "{}", e.message);
        let mut engine = SENTINEL as *mut cr_engine;
        let s = unsafe { cr_engine_new(one.as_ptr().cast(), len, &mut engine, &mut error) };
        let e = take_error(s, error);
        assert_eq!(e.status, cr_status::CR_INVALID_RULES);
        assert!(e.json.contains("\"code\":\"json_too_large\""), "{}", e.json);
        assert_eq!(engine as usize, SENTINEL);
    }
    assert_eq!(answer as usize, SENTINEL);

    // Rules one byte over their limit: the engine's own error, word for word.
    let small = serde_json::to_string(&Limits { max_rules_bytes: rules.len() - 1, ..Limits::default() }).unwrap();
    let e = engine_new_with_limits(rules.as_bytes(), small.as_bytes()).err().unwrap();
    let rust_error =
        Engine::from_json_with_limits(&rules, Limits { max_rules_bytes: rules.len() - 1, ..Limits::default() })
            .unwrap_err();
    assert_eq!(e, expected_error(&rust_error));

    // Too deep: the engine's own limit.
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let (handle, _, _) = sample();
    assert_eq!(quote(&handle, deep.as_bytes()).unwrap_err().status, cr_status::CR_JSON_TOO_DEEP);
}

#[test]
fn malformed_limits_are_an_invalid_argument() {
    let rules = read(RULES);
    let e = engine_new_with_limits(rules.as_bytes(), br#"{"max_lines": 5, "max_colour": 1}"#).err().unwrap();
    assert_eq!(e.status, cr_status::CR_INVALID_ARGUMENT);
    assert_eq!(e.code, "invalid_argument");
    assert!(e.message.contains("max_colour"), "{}", e.message);
    let e = engine_new_with_limits(rules.as_bytes(), br#"{"max_lines": -1}"#).err().unwrap();
    assert_eq!(e.status, cr_status::CR_INVALID_ARGUMENT);
    let e = engine_new_with_limits(rules.as_bytes(), br#"{"max_lines"#).err().unwrap();
    assert_eq!(e.status, cr_status::CR_INVALID_ARGUMENT);
    let huge = vec![b' '; CR_MAX_LIMITS_BYTES + 1];
    let e = engine_new_with_limits(rules.as_bytes(), &huge).err().unwrap();
    assert_eq!(e.status, cr_status::CR_JSON_TOO_LARGE);
    // Empty object: the defaults.
    let handle = engine_new_with_limits(rules.as_bytes(), b"{}").unwrap();
    let (_, request, expected) = sample();
    assert_eq!(quote(&handle, request.as_bytes()).unwrap(), expected);
}

#[test]
fn an_engine_is_as_good_as_new_after_any_error() {
    let (handle, request, expected) = sample();
    assert_eq!(quote(&handle, request.as_bytes()).unwrap(), expected);
    let bad_inputs: [&[u8]; 5] = [
        b"",
        b"{",
        b"\xff",
        br#"{"now": 1}"#,
        br#"{"now":"2026-11-27T09:00:00-05:00","lines":[{"id":"a","sku":"X","quantity":0,"unit_price":"1.00"}]}"#,
    ];
    for round in 0..3 {
        for bad in bad_inputs {
            let first = quote(&handle, bad).unwrap_err();
            // The same error again, as a fresh object (the first was freed).
            assert_eq!(quote(&handle, bad).unwrap_err(), first, "round {round}");
            assert_eq!(quote(&handle, request.as_bytes()).unwrap(), expected, "round {round}");
        }
        let e = answer(&handle, "coupons", request.as_bytes()).unwrap_err();
        assert_eq!(e.status, cr_status::CR_UNKNOWN_QUESTION);
        assert_eq!(e.code, "invalid_argument");
        assert!(e.message.contains("quote"), "{}", e.message);
        assert_eq!(answer(&handle, "quote", request.as_bytes()).unwrap(), expected);
    }
}

#[test]
fn one_engine_serves_many_threads_at_once() {
    let (handle, request, expected) = sample();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..20 {
                    assert_eq!(quote(&handle, request.as_bytes()).unwrap(), expected);
                    assert!(quote(&handle, b"{").is_err());
                }
            });
        }
    });
}

#[test]
fn a_rule_set_error_lists_every_problem() {
    let rules = br#"{"schema_version": 1, "currency": "CNY", "time_zone": "Asia/Nowhere",
        "tax": {"prices_include_tax": true, "default_class": "vat",
                "classes": [{"id": "std", "rate_percent": "130"}]}}"#;
    let e = engine_new(rules).err().unwrap();
    assert_eq!(e.status, cr_status::CR_INVALID_RULES);
    assert_eq!(e.code, "invalid_rules");
    assert_eq!(e.path, "time_zone");
    let json: serde_json::Value = serde_json::from_str(&e.json).unwrap();
    let problems: Vec<&str> =
        json["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(problems, ["unknown_time_zone", "out_of_range", "unknown_reference"]);
    assert_eq!(e, expected_error(&Engine::from_json(std::str::from_utf8(rules).unwrap()).unwrap_err()));
}

#[test]
fn every_question_function_checks_its_arguments() {
    let (handle, request, _) = sample();
    for q in commerce_rules::Question::ALL {
        let f = question_fn(q.name());
        let mut answer = SENTINEL as *mut c_char;
        let mut error: *mut cr_error = ptr::null_mut();
        let s =
            unsafe { f(ptr::null(), request.as_ptr().cast(), request.len(), &mut answer, ptr::null_mut(), &mut error) };
        is_null_pointer(&take_error(s, error), "engine");
        let s = unsafe { f(handle.0, ptr::null(), 1, &mut answer, ptr::null_mut(), &mut error) };
        is_null_pointer(&take_error(s, error), "request_json");
        let s = unsafe {
            f(handle.0, request.as_ptr().cast(), request.len(), ptr::null_mut(), ptr::null_mut(), &mut error)
        };
        is_null_pointer(&take_error(s, error), "answer_out");
        assert_eq!(answer as usize, SENTINEL);
        assert_eq!(call(f, &handle, b"{").unwrap_err().status, cr_status::CR_INVALID_JSON);
        assert_eq!(call(f, &handle, b"\xff").unwrap_err().status, cr_status::CR_INVALID_UTF8);
        let s = unsafe { f(handle.0, b"{".as_ptr().cast(), usize::MAX, &mut answer, ptr::null_mut(), &mut error) };
        assert_eq!(take_error(s, error).status, cr_status::CR_JSON_TOO_LARGE);
        // The same answer as by name.
        assert!(call(f, &handle, request.as_bytes()) == answer_by_name(&handle, q.name(), request.as_bytes()));
    }
}

fn answer_by_name(handle: &Handle, name: &str, request: &[u8]) -> Result<String, CError> {
    answer(handle, name, request)
}

#[test]
fn status_names_are_the_error_codes() {
    let (handle, _, _) = sample();
    for bad in [&b"{"[..], br#"{"now":"2026-11-27T09:00:00-05:00","lines":[],"colour":1}"#] {
        let e = quote(&handle, bad).unwrap_err();
        let name = unsafe { CStr::from_ptr(cr_status_name(e.status as u32)) };
        assert_eq!(name.to_str().unwrap(), e.code);
    }
}
