//! Every shape problem of a document at once, and messages in plain words.
//!
//! A typed parse stops at its first fault. When a rule set fails to parse,
//! [`problems`] reads it again as a `serde_json::Value` and walks it against
//! the rule set's JSON Schema (the one `schemas/rule_set.schema.json` holds,
//! without its descriptions: `rule_set.shape.json`, generated and checked by
//! `core/tests/hygiene.rs`), collecting every missing field, unknown field
//! and value of the wrong type or form, each at the path of the field
//! itself. Valid texts never come here: the walk costs nothing on them.
//!
//! The walker reads the part of JSON Schema (draft 2020-12) that schemars
//! writes for the core's types: `$ref` to `$defs`, `type`, `properties`,
//! `required`, `additionalProperties`, `items`, `oneOf`/`anyOf` (tagged
//! unions, string enums, optional values), `const`, `enum`, `format` and
//! `minimum` on integers, and the strings the core parses itself (decimal
//! amounts, dates, times, currency codes), which it checks with the core's
//! own parsers, so that it refuses exactly what the typed parse refuses.

use std::borrow::Cow;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::{ErrorCode, Problem};

/// The rule set's JSON Schema without descriptions, as the walker reads it.
pub(crate) const RULE_SET: &str = include_str!("rule_set.shape.json");

/// The keywords the walker reads; the schemas use no others (a test checks).
#[cfg(test)]
pub(crate) const KEYWORDS: &[&str] = &[
    "$ref",
    "$defs",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "oneOf",
    "anyOf",
    "const",
    "enum",
    "format",
    "minimum",
    "pattern",
];

/// Keywords that only annotate (the walker ignores them).
pub(crate) const ANNOTATIONS: &[&str] = &["$schema", "$id", "title", "description", "default", "examples"];

/// Every shape problem of `text` (which failed to parse with `first`)
/// against `schema_text`, up to `max`: the walker's, and `first` unless one
/// of them is about the same value, a value inside it or one around it.
pub(crate) fn problems(text: &str, schema_text: &str, first: Problem, max: usize) -> Vec<Problem> {
    let (Ok(value), Ok(schema)) = (serde_json::from_str::<Value>(text), serde_json::from_str::<Value>(schema_text))
    else {
        return vec![first];
    };
    let mut found = check(&schema, &value, max);
    if !found.iter().any(|p| related(&p.path, &first.path)) {
        found.insert(0, first);
        found.truncate(max.max(1));
    }
    found
}

/// Whether one path is the other or inside it.
fn related(a: &str, b: &str) -> bool {
    let inside = |inner: &str, outer: &str| {
        outer.is_empty()
            || inner.strip_prefix(outer).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    inside(a, b) || inside(b, a)
}

/// Every problem of `value` against `schema` (a JSON Schema as schemars
/// writes them), up to `max`, in document order (object members in the
/// order of their names, missing fields first).
pub(crate) fn check(schema: &Value, value: &Value, max: usize) -> Vec<Problem> {
    let mut walker = Walker { defs: schema.get("$defs").and_then(Value::as_object), max: max.max(1), out: Vec::new() };
    walker.walk(value, schema, "");
    walker.out
}

/// Calls `f` with the path and the value of every member of `value` whose
/// schema is `$defs/<name>` in `schema` (a JSON Schema as schemars writes
/// them, `value` valid against it): markets convert every `Amount` of a
/// rule set this way, so that a money field added later is converted too.
/// A tagged union's variant is told by its tag; any other union takes the
/// first alternative `value` is valid against.
pub(crate) fn each_of_type(schema: &Value, value: &mut Value, name: &str, f: &mut dyn FnMut(&str, &mut Value)) {
    let walker = Walker { defs: schema.get("$defs").and_then(Value::as_object), max: 1, out: Vec::new() };
    visit(&walker, schema, value, name, "", f);
}

fn visit<'s>(
    walker: &Walker<'s>,
    schema: &'s Value,
    value: &mut Value,
    name: &str,
    path: &str,
    f: &mut dyn FnMut(&str, &mut Value),
) {
    let mut schema = schema;
    for _ in 0..32 {
        let Some(target) = schema.get("$ref").and_then(Value::as_str) else { break };
        let Some(n) = target.strip_prefix("#/$defs/") else { return };
        if n == name {
            return f(path, value);
        }
        let Some(s) = walker.defs.and_then(|d| d.get(n)) else { return };
        schema = s;
    }
    if let Some(alternatives) = alternatives(schema) {
        if value.is_null() {
            return;
        }
        let non_null: Vec<&Value> = alternatives.iter().filter(|a| !is_null(walker.resolve(a).0)).collect();
        let resolved: Vec<&Value> = non_null.iter().map(|a| walker.resolve(a).0).collect();
        let chosen = match (tag_of(&resolved), &*value) {
            (Some(tag), Value::Object(map)) => {
                let kind = map.get(tag).cloned();
                non_null
                    .iter()
                    .zip(&resolved)
                    .find(|(_, r)| {
                        r.get("properties").and_then(|p| p.get(tag)).and_then(|t| t.get("const")) == kind.as_ref()
                    })
                    .map(|(a, _)| *a)
            }
            _ => non_null.iter().copied().find(|a| {
                let mut probe = Walker { defs: walker.defs, max: 1, out: Vec::new() };
                probe.walk(value, a, path);
                probe.out.is_empty()
            }),
        };
        if let Some(a) = chosen {
            visit(walker, a, value, name, path, f);
        }
        return;
    }
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties").filter(|s| s.is_object());
            for (key, v) in map.iter_mut() {
                if let Some(s) = properties.and_then(|p| p.get(key)).or(extra) {
                    visit(walker, s, v, name, &member(path, key), f);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter_mut().enumerate() {
                    visit(walker, item, v, name, &format!("{path}[{i}]"), f);
                }
            }
        }
        _ => {}
    }
}

struct Walker<'s> {
    defs: Option<&'s Map<String, Value>>,
    max: usize,
    out: Vec<Problem>,
}

impl<'s> Walker<'s> {
    fn full(&self) -> bool {
        self.out.len() >= self.max
    }

    fn add(&mut self, code: ErrorCode, path: &str, message: String) {
        if !self.full() {
            self.out.push(Problem::new(code, path, message));
        }
    }

    /// Follows `$ref`s: the schema referred to, and the last name on the way.
    fn resolve(&self, mut schema: &'s Value) -> (&'s Value, Option<&'s str>) {
        let mut name = None;
        for _ in 0..32 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else { break };
            let Some((n, s)) = target
                .strip_prefix("#/$defs/")
                .and_then(|n| self.defs.and_then(|d| d.get_key_value(n)))
                .map(|(n, s)| (n.as_str(), s))
            else {
                break;
            };
            name = Some(n);
            schema = s;
        }
        (schema, name)
    }

    fn walk(&mut self, value: &Value, schema: &'s Value, path: &str) {
        if self.full() {
            return;
        }
        let (schema, name) = self.resolve(schema);
        if let Some(alternatives) = alternatives(schema) {
            return self.union(value, alternatives, schema, name, path);
        }
        // As the typed parse does: serde reads an array as a struct's fields
        // in order, so an empty one is an object none of whose fields is required.
        if value.as_array().is_some_and(Vec::is_empty) && accepts_empty_struct(schema) {
            return;
        }
        let wrong = !type_accepts(schema, value)
            || schema.get("const").is_some_and(|c| c != value)
            || schema.get("enum").and_then(Value::as_array).is_some_and(|e| !e.contains(value));
        if wrong {
            let message = format!("expected {}, found {}", self.expected(schema, name), found(value));
            return self.add(ErrorCode::InvalidValue, path, message);
        }
        match value {
            Value::Object(map) => self.object(map, schema, path),
            Value::Array(items) => {
                if let Some(item) = schema.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        self.walk(v, item, &format!("{path}[{i}]"));
                    }
                }
            }
            Value::Number(n) => {
                let (low, high) = bounds(schema);
                let n = n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
                if n.is_some_and(|n| low.is_some_and(|l| n < l) || high.is_some_and(|h| n > h)) {
                    let message = format!("expected {}, found {}", self.expected(schema, name), found(value));
                    self.add(ErrorCode::InvalidValue, path, message);
                }
            }
            Value::String(s) if !string_parses(s, schema, name) => {
                let message = format!("expected {}, found {}", self.expected(schema, name), found(value));
                self.add(ErrorCode::InvalidValue, path, message);
            }
            _ => {}
        }
    }

    fn object(&mut self, map: &Map<String, Value>, schema: &'s Value, path: &str) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !map.contains_key(name) {
                let what = properties.and_then(|p| p.get(name)).map(|s| {
                    let (s, n) = self.resolve(s);
                    self.expected(s, n)
                });
                let message = match what {
                    Some(what) => format!("missing field `{name}` ({what})"),
                    None => format!("missing field `{name}`"),
                };
                self.add(ErrorCode::MissingField, path, message);
            }
        }
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (key, v) in map {
            let at = member(path, key);
            match (properties.and_then(|p| p.get(key)), schema.get("additionalProperties")) {
                (Some(s), _) => self.walk(v, s, &at),
                (None, _) if closed => {
                    let known: Vec<&str> = properties.into_iter().flat_map(|p| p.keys()).map(String::as_str).collect();
                    self.add(ErrorCode::UnknownField, &at, unknown_field(key, &known));
                }
                (None, Some(s)) if s.is_object() => self.walk(v, s, &at),
                (None, _) => {}
            }
        }
    }

    fn union(&mut self, value: &Value, alternatives: &'s [Value], schema: &'s Value, name: Option<&str>, path: &str) {
        let non_null: Vec<&'s Value> = alternatives.iter().filter(|a| !is_null(self.resolve(a).0)).collect();
        if non_null.len() < alternatives.len() {
            match (value.is_null(), non_null.as_slice()) {
                (true, _) => return,
                (false, [only]) => return self.walk(value, only, path),
                _ => {}
            }
        }
        let resolved: Vec<&'s Value> = non_null.iter().map(|a| self.resolve(a).0).collect();
        if resolved.iter().all(|a| a.get("const").is_some()) {
            if !resolved.iter().any(|a| a.get("const") == Some(value)) {
                let message = format!("expected {}, found {}", self.expected(schema, name), found(value));
                self.add(ErrorCode::InvalidValue, path, message);
            }
            return;
        }
        if let Some(tag) = tag_of(&resolved) {
            let Value::Object(map) = value else {
                let message = format!("expected {}, found {}", self.expected(schema, name), found(value));
                return self.add(ErrorCode::InvalidValue, path, message);
            };
            let kinds = consts(&resolved, tag);
            let Some(kind) = map.get(tag) else {
                let message = format!("missing field `{tag}` (one of {kinds})");
                return self.add(ErrorCode::MissingField, path, message);
            };
            match resolved
                .iter()
                .find(|a| a.get("properties").and_then(|p| p.get(tag)).and_then(|t| t.get("const")) == Some(kind))
            {
                // As the typed parse does: a variant with no field but its
                // tag ignores any other member.
                Some(variant) if variant.get("properties").and_then(Value::as_object).is_some_and(|p| p.len() == 1) => {
                }
                Some(variant) => self.walk(value, variant, path),
                None => {
                    let message = format!("expected one of {kinds}, found {}", found(kind));
                    self.add(ErrorCode::InvalidValue, &member(path, tag), message);
                }
            }
            return;
        }
        // Any other union: fine when one alternative accepts the value;
        // else the one alternative of the value's type says why.
        let fits = |a: &&'s Value| {
            let mut probe = Walker { defs: self.defs, max: 1, out: Vec::new() };
            probe.walk(value, a, path);
            probe.out.is_empty()
        };
        if non_null.iter().any(fits) {
            return;
        }
        let typed: Vec<&&'s Value> = non_null.iter().filter(|a| type_accepts(self.resolve(a).0, value)).collect();
        match typed.as_slice() {
            [only] => self.walk(value, only, path),
            _ => {
                let message = format!("expected {}, found {}", self.expected(schema, name), found(value));
                self.add(ErrorCode::InvalidValue, path, message);
            }
        }
    }

    /// What `schema` (named `name`) expects, in plain words.
    fn expected(&self, schema: &'s Value, name: Option<&str>) -> String {
        let named = match name {
            Some("Amount" | "DecimalString" | "Money") => Some("a decimal string such as \"12.30\""),
            Some("Percent") => Some("a decimal string such as \"10\" (a percentage)"),
            Some("Currency") => Some("an ISO 4217 currency code the engine knows, such as \"CNY\", \"USD\" or \"EUR\""),
            Some("Timestamp") => Some("an RFC 3339 time with its offset, such as \"2026-11-11T20:00:00+08:00\""),
            Some("LocalDate") => Some("a date such as \"2026-11-11\""),
            Some("WindowBound") => Some(
                "a time with its offset (\"2026-11-11T20:00:00+08:00\"), a local time (\"2026-11-11T20:00:00\") \
                 or a local date (\"2026-11-11\")",
            ),
            _ => None,
        };
        if let Some(named) = named {
            return named.to_string();
        }
        if let Some(alternatives) = alternatives(schema) {
            let resolved: Vec<(&'s Value, Option<&'s str>)> =
                alternatives.iter().map(|a| self.resolve(a)).filter(|(a, _)| !is_null(a)).collect();
            let plain: Vec<&'s Value> = resolved.iter().map(|(a, _)| *a).collect();
            if plain.iter().all(|a| a.get("const").is_some()) {
                return format!("one of {}", consts(&plain, ""));
            }
            if let Some(tag) = tag_of(&plain) {
                return format!("an object whose `{tag}` is one of {}", consts(&plain, tag));
            }
            let each: Vec<String> = resolved.iter().map(|(a, n)| self.expected(a, *n)).collect();
            return each.join(" or ");
        }
        if let Some(c) = schema.get("const") {
            return c.to_string();
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array) {
            return format!("one of {}", list(e.iter().map(Value::to_string).collect()));
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
            _ => Vec::new(),
        };
        match types.first().copied() {
            Some("integer") => whole_number(schema),
            Some("number") => "a number".to_string(),
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date") => "a date such as \"2026-11-11\"".to_string(),
                Some("date-time") => {
                    "an RFC 3339 time with its offset, such as \"2026-11-11T20:00:00+08:00\"".to_string()
                }
                _ if schema.get("pattern").is_some() => "a decimal string such as \"12.30\"".to_string(),
                _ => "a string".to_string(),
            },
            Some("boolean") => "true or false".to_string(),
            Some("object") => "an object".to_string(),
            Some("array") => "an array".to_string(),
            _ => "a value".to_string(),
        }
    }
}

/// Whether `schema` is an object none of whose fields is required.
fn accepts_empty_struct(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        && schema.get("properties").is_some()
        && schema.get("required").and_then(Value::as_array).is_none_or(Vec::is_empty)
}

/// The alternatives of a `oneOf` or `anyOf`.
fn alternatives(schema: &Value) -> Option<&[Value]> {
    schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array).map(Vec::as_slice)
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// The member that tells a tagged union's variants apart: required in
/// every variant, with a constant value in each.
fn tag_of<'a>(variants: &[&'a Value]) -> Option<&'a str> {
    let first = variants.first()?;
    let required = first.get("required")?.as_array()?;
    required.iter().filter_map(Value::as_str).find(|tag| {
        variants.iter().all(|v| {
            let constant = v.get("properties").and_then(|p| p.get(*tag)).and_then(|t| t.get("const"));
            let required = v.get("required").and_then(Value::as_array);
            constant.is_some() && required.is_some_and(|r| r.iter().any(|n| n.as_str() == Some(tag)))
        })
    })
}

/// The constants of a union's variants (`tag` empty: the variants'
/// own), as a list in words.
fn consts(variants: &[&Value], tag: &str) -> String {
    let each = variants
        .iter()
        .filter_map(|v| match tag {
            "" => v.get("const"),
            _ => v.get("properties").and_then(|p| p.get(tag)).and_then(|t| t.get("const")),
        })
        .map(Value::to_string)
        .collect();
    list(each)
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
fn list(mut items: Vec<String>) -> String {
    match items.pop() {
        None => String::new(),
        Some(last) if items.is_empty() => last,
        Some(last) => format!("{} or {last}", items.join(", ")),
    }
}

/// Whether `value` is of a type `schema` allows (any, when it names none).
fn type_accepts(schema: &Value, value: &Value) -> bool {
    let is = |t: &str| match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        _ => true,
    };
    match schema.get("type") {
        Some(Value::String(t)) => is(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is),
        _ => true,
    }
}

/// The range an integer schema allows, from its `format` and `minimum`.
fn bounds(schema: &Value) -> (Option<i128>, Option<i128>) {
    let (mut low, high) = match schema.get("format").and_then(Value::as_str) {
        Some("uint8") => (Some(0), Some(i128::from(u8::MAX))),
        Some("uint16") => (Some(0), Some(i128::from(u16::MAX))),
        Some("uint32") => (Some(0), Some(i128::from(u32::MAX))),
        Some("uint64" | "uint") => (Some(0), Some(i128::from(u64::MAX))),
        Some("int8") => (Some(i128::from(i8::MIN)), Some(i128::from(i8::MAX))),
        Some("int16") => (Some(i128::from(i16::MIN)), Some(i128::from(i16::MAX))),
        Some("int32") => (Some(i128::from(i32::MIN)), Some(i128::from(i32::MAX))),
        Some("int64" | "int") => (Some(i128::from(i64::MIN)), Some(i128::from(i64::MAX))),
        _ => (None, None),
    };
    let minimum = schema.get("minimum").and_then(|m| m.as_i64().map(i128::from).or_else(|| m.as_u64().map(i128::from)));
    if let Some(m) = minimum {
        low = Some(low.map_or(m, |l| l.max(m)));
    }
    (low, high)
}

fn whole_number(schema: &Value) -> String {
    match bounds(schema) {
        (Some(low), Some(high)) => format!("a whole number from {low} to {high}"),
        (Some(low), None) => format!("a whole number of at least {low}"),
        _ => "a whole number".to_string(),
    }
}

/// Whether a string has the form its schema (or the core's type of that
/// name) needs, as the core's own parsers read it.
fn string_parses(s: &str, schema: &Value, name: Option<&str>) -> bool {
    match name {
        Some("Amount" | "Percent" | "DecimalString" | "Money") => return crate::money::parse_decimal(s).is_ok(),
        Some("Timestamp") => return crate::Timestamp::from_str(s).is_ok(),
        Some("WindowBound") => return crate::time::WindowBound::from_str(s).is_ok(),
        Some("LocalDate") => return crate::time::LocalDate::from_str(s).is_ok(),
        Some("Currency") => return crate::Currency::from_str(s).is_ok(),
        _ => {}
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("date") => crate::time::LocalDate::from_str(s).is_ok(),
        Some("date-time") => crate::Timestamp::from_str(s).is_ok(),
        _ if schema.get("pattern").is_some() => crate::money::parse_decimal(s).is_ok(),
        _ => true,
    }
}

/// The path of member `key` of the value at `path`.
fn member(path: &str, key: &str) -> String {
    match path {
        "" => key.to_string(),
        _ => format!("{path}.{key}"),
    }
}

/// "unknown field `colour` (did you mean `color`?); expected one of ...".
fn unknown_field(key: &str, known: &[&str]) -> String {
    let near = known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    let expected = match known {
        [] => "this object has no fields".to_string(),
        _ => format!("expected one of {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
    };
    format!("unknown field `{key}`{near}; {expected}")
}

/// The edit distance of two short names (insertions, deletions, substitutions).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or_default();
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or_default();
            let left = row.get(j).copied().unwrap_or_default();
            let best = (previous + usize::from(ca != *cb)).min(above + 1).min(left + 1);
            previous = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or_default()
}

/// A value as a message names it: `the number 10`, `the string "10"`, `an object`.
pub(crate) fn found(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let more = if short.len() < s.len() { "..." } else { "" };
            format!("the string {}{more}", Value::String(short))
        }
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

/// A serde_json error message in plain words: `invalid type: integer `10`,
/// expected u32` becomes `expected a whole number from 0 to 4294967295,
/// found the number 10`; other messages are kept.
pub(crate) fn plain(message: &str) -> String {
    let (body, position) = match message.rfind(" at line ") {
        Some(at) => message.split_at(at),
        None => (message, ""),
    };
    let rest = body.strip_prefix("invalid type: ").or_else(|| body.strip_prefix("invalid value: "));
    let Some((was, expected)) = rest.and_then(|r| r.rsplit_once(", expected ")) else {
        return message.to_string();
    };
    format!("expected {}, found {}{position}", plain_expected(expected), plain_found(was))
}

/// What serde says it found, in plain words.
fn plain_found(was: &str) -> Cow<'_, str> {
    let ticked =
        |prefix: &str| was.strip_prefix(prefix).and_then(|v| v.strip_prefix('`')).and_then(|v| v.strip_suffix('`'));
    if let Some(n) = ticked("integer ").or_else(|| ticked("floating point ")) {
        return Cow::Owned(format!("the number {n}"));
    }
    if let Some(b) = ticked("boolean ") {
        return Cow::Borrowed(b);
    }
    if let Some(s) = was.strip_prefix("string ") {
        return Cow::Owned(format!("the string {s}"));
    }
    Cow::Borrowed(match was {
        "map" => "an object",
        "sequence" => "an array",
        "unit value" | "null" => "null",
        other => other,
    })
}

/// What serde says it expected (a Rust type, often), in plain words.
fn plain_expected(expected: &str) -> Cow<'_, str> {
    let range = |low: i128, high: i128| Cow::Owned(format!("a whole number from {low} to {high}"));
    match expected {
        "u8" => range(0, i128::from(u8::MAX)),
        "u16" => range(0, i128::from(u16::MAX)),
        "u32" => range(0, i128::from(u32::MAX)),
        "u64" | "usize" => range(0, i128::from(u64::MAX)),
        "i8" => range(i128::from(i8::MIN), i128::from(i8::MAX)),
        "i16" => range(i128::from(i16::MIN), i128::from(i16::MAX)),
        "i32" => range(i128::from(i32::MIN), i128::from(i32::MAX)),
        "i64" | "isize" => range(i128::from(i64::MIN), i128::from(i64::MAX)),
        "a sequence" => Cow::Borrowed("an array"),
        "a map" => Cow::Borrowed("an object"),
        "a boolean" => Cow::Borrowed("true or false"),
        "a borrowed string" | "a string" => Cow::Borrowed("a string"),
        "unit" => Cow::Borrowed("null"),
        "option" => Cow::Borrowed("a value or null"),
        "field identifier" | "variant identifier" => Cow::Borrowed("a field name"),
        e if e.starts_with("struct ") || e.starts_with("internally tagged enum ") => Cow::Borrowed("an object"),
        e if e.starts_with("tuple struct ") => Cow::Borrowed("an array"),
        e if e.starts_with("enum ") => Cow::Borrowed("one of its names (a string)"),
        e => Cow::Borrowed(e),
    }
}

#[cfg(test)]
mod tests;
