//! Edits of JSON *text* that keep everything else byte for byte: indenting an
//! answer without reordering its fields (`--pretty`), and setting a top-level
//! field of a request (`--explain`).
//!
//! Neither goes through `serde_json::Value`, whose map sorts keys (unless
//! serde_json's `preserve_order` feature is on, and features are unified
//! across the workspace: turning it on here would turn it on in the core the
//! CLI links) and whose numbers may be rounded through binary floating point.

/// `json` indented by two spaces, as serde_json's pretty printer does, with
/// its members in the order they were written and every string and number
/// copied as it is. Fails when `json` is not valid JSON.
pub fn pretty(json: &str) -> Result<String, String> {
    serde_json::from_str::<serde_json::Value>(json).map_err(|e| format!("the answer is not valid JSON: {e}"))?;
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            open @ (b'{' | b'[') => {
                let next = skip_whitespace(bytes, i + 1);
                if bytes.get(next).is_some_and(|&c| c == closing(open)) {
                    out.push(char::from(open));
                    out.push(char::from(closing(open)));
                    i = next + 1;
                } else {
                    out.push(char::from(open));
                    depth += 1;
                    newline(&mut out, depth);
                    i += 1;
                }
            }
            close @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(char::from(close));
                i += 1;
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
                i += 1;
            }
            b':' => {
                out.push_str(": ");
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i).ok_or("unterminated string")?;
                out.push_str(&json[i..end]);
                i = end;
            }
            _ => {
                let end = scalar_end(bytes, i);
                out.push_str(&json[i..end]);
                i = end;
            }
        }
    }
    out.push('\n');
    Ok(out)
}

/// `request` with `"explain": true` at its top level: any `explain` member
/// there is set to `true`, or one is added first. Everything else is kept
/// byte for byte. Text that is not a JSON object is returned as it is, for
/// the engine to reject with its own error and path.
pub fn with_explain(request: &str) -> String {
    let Some(members) = top_level_members(request) else {
        return request.to_string();
    };
    let explain: Vec<&Member> = members
        .iter()
        .filter(|m| serde_json::from_str::<String>(&request[m.key.clone()]).is_ok_and(|k| k == "explain"))
        .collect();
    if explain.is_empty() {
        let open = skip_whitespace(request.as_bytes(), 0) + 1;
        let separator = if members.is_empty() { "" } else { "," };
        return format!("{}\"explain\":true{separator}{}", &request[..open], &request[open..]);
    }
    let mut out = String::with_capacity(request.len());
    let mut copied = 0;
    for member in explain {
        out.push_str(&request[copied..member.value.start]);
        out.push_str("true");
        copied = member.value.end;
    }
    out.push_str(&request[copied..]);
    out
}

/// One member of an object: the byte ranges of its key (with the quotes)
/// and of its value.
struct Member {
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

/// The members of the top-level object of `json`, or `None` when it is not
/// exactly one well-formed object (trailing whitespace allowed).
fn top_level_members(json: &str) -> Option<Vec<Member>> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json).ok()?;
    let bytes = json.as_bytes();
    let mut i = skip_whitespace(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_whitespace(bytes, i + 1);
    let mut members = Vec::new();
    if bytes.get(i) == Some(&b'}') {
        return Some(members);
    }
    loop {
        let key_end = string_end(bytes, i)?;
        let key = i..key_end;
        i = skip_whitespace(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_whitespace(bytes, i + 1);
        let end = value_end(bytes, start)?;
        members.push(Member { key, value: start..end });
        i = skip_whitespace(bytes, end);
        match bytes.get(i) {
            Some(b',') => i = skip_whitespace(bytes, i + 1),
            Some(b'}') => return Some(members),
            _ => return None,
        }
    }
}

/// The end (exclusive) of the (well-formed) value starting at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match *bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match *bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        // A number, true, false or null: up to the next delimiter.
        _ => Some(scalar_end(bytes, start)),
    }
}

/// The end (exclusive) of the number, `true`, `false` or `null` at `start`.
fn scalar_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b']' | b'}'))
        .map_or(bytes.len(), |n| start + n)
}

/// The end (exclusive, after the closing quote) of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut i = start + 1;
    loop {
        match *bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

fn closing(open: u8) -> u8 {
    if open == b'{' {
        b'}'
    } else {
        b']'
    }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `json` without the whitespace outside its strings.
    fn minified(json: &str) -> String {
        let mut out = String::new();
        let mut in_string = false;
        let mut escaped = false;
        for c in json.chars() {
            if in_string {
                out.push(c);
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
            } else if c == '"' {
                in_string = true;
                out.push(c);
            } else if !c.is_ascii_whitespace() {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn pretty_indents_like_serde_json_and_keeps_the_order() {
        let compact = r#"{"z":1,"a":[],"m":{},"list":[1,{"y":"a \"b\" , : } ]","x":null}],"n":-1.50e3,"t":true}"#;
        let out = pretty(compact).unwrap();
        let expected = r#"{
  "z": 1,
  "a": [],
  "m": {},
  "list": [
    1,
    {
      "y": "a \"b\" , : } ]",
      "x": null
    }
  ],
  "n": -1.50e3,
  "t": true
}
"#;
        assert_eq!(out, expected);
        // serde_json's own layout, where its sorted order is the same.
        let sorted = r#"{"a":[1,2,{"b":[],"c":{"d":"e"}}],"f":{}}"#;
        let value: serde_json::Value = serde_json::from_str(sorted).unwrap();
        assert_eq!(pretty(sorted).unwrap(), serde_json::to_string_pretty(&value).unwrap() + "\n");
        assert_eq!(pretty("[]").unwrap(), "[]\n");
        assert_eq!(pretty(" \"x\" ").unwrap(), "\"x\"\n");
        assert!(pretty("{").is_err());
        assert!(pretty("{\"a\":1} x").is_err());
    }

    #[test]
    fn pretty_of_an_answer_is_the_same_bytes_indented() {
        let engine = commerce_rules::Engine::from_json(include_str!("../data/cn-store.rules.json")).unwrap();
        let answer = engine.quote_json(include_str!("../data/cn-store.quote.json")).unwrap();
        let out = pretty(&answer).unwrap();
        assert_eq!(minified(&out), answer);
        assert!(out.contains("\n  \"lines\": [\n    {\n"), "{out}");
        // Already indented text is laid out the same.
        assert_eq!(pretty(&out).unwrap(), out);
    }

    #[test]
    fn explain_is_added_first_or_set_in_place() {
        assert_eq!(with_explain(r#"{"now":"x","lines":[]}"#), r#"{"explain":true,"now":"x","lines":[]}"#);
        assert_eq!(with_explain("{}"), r#"{"explain":true}"#);
        assert_eq!(with_explain(" {\n} \n"), " {\"explain\":true\n} \n");
        assert_eq!(
            with_explain("{\n  \"now\": \"x\",\n  \"lines\": []\n}\n"),
            "{\"explain\":true,\n  \"now\": \"x\",\n  \"lines\": []\n}\n"
        );
        // An explain member of the top level is set, wherever it is and
        // however its key is spelt; one inside another value is not touched.
        assert_eq!(
            with_explain(r#"{"lines":[{"explain":false}],"explain" : false ,"now":"x"}"#),
            r#"{"lines":[{"explain":false}],"explain" : true ,"now":"x"}"#
        );
        assert_eq!(with_explain(r#"{"expl\u0061in":{"a":[1]}}"#), r#"{"expl\u0061in":true}"#);
        assert_eq!(with_explain(r#"{"explain":"no}"}"#), r#"{"explain":true}"#);
        assert_eq!(with_explain(r#"{"a":"explain","explain":1}"#), r#"{"a":"explain","explain":true}"#);
    }

    #[test]
    fn explain_leaves_what_is_not_an_object_to_the_engine() {
        for text in ["", "[]", "[{}]", "{", "{\"now\":}", "{} {}", "\"explain\"", "null"] {
            assert_eq!(with_explain(text), text);
        }
    }

    #[test]
    fn explain_keeps_the_rest_of_a_real_request() {
        let request = include_str!("../data/cn-store.quote.json");
        let sent = with_explain(request);
        let mut expected: serde_json::Value = serde_json::from_str(request).unwrap();
        expected["explain"] = serde_json::Value::Bool(true);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&sent).unwrap(), expected);
        assert_eq!(sent, request.replacen('{', "{\"explain\":true,", 1));
        // Idempotent.
        assert_eq!(with_explain(&sent), sent);
    }
}
