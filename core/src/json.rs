//! Bounded JSON parsing that reports the path at fault.
//!
//! A text is parsed once, by serde_json. Only when that fails is the JSON
//! path of the fault worked out, from the position serde_json reports and
//! the text (see [`path_at`]), giving the path `serde_path_to_error` gave
//! when the core tracked it with a second parse (the tests compare the two
//! on tens of thousands of broken texts): the same for every data error
//! (wrong type or value, unknown or missing field); for a syntax error
//! inside a member the type ignores (a receipt's `explanation`, anything but
//! `schema_version` when the version is checked first), the place in it
//! rather than the member. Tracking the path while parsing instantiated
//! every `Deserialize` impl a second time: about 500 KB of WebAssembly.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::{ErrorCode, Problem};

pub(crate) mod shape;
pub(crate) mod unit_enum;
mod words;
pub(crate) mod write;

/// Parses `text` into `T`, refusing texts over `max_bytes` or nesting deeper
/// than `max_depth`, and naming the JSON path of the first fault. A
/// top-level `"$schema"` string is accepted and ignored.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, max_bytes: usize, max_depth: usize) -> Result<T, Problem> {
    parse_prepared(&prepare(text, max_bytes, max_depth)?)
}

/// Refuses texts over `max_bytes` or nesting deeper than `max_depth`, and
/// blanks the top-level `"$schema"` member (see [`without_schema`]).
pub(crate) fn prepare(text: &str, max_bytes: usize, max_depth: usize) -> Result<Cow<'_, str>, Problem> {
    if text.len() > max_bytes {
        return Err(Problem::new(
            ErrorCode::JsonTooLarge,
            "",
            format!("the JSON text is {} bytes; the limit is {max_bytes}", text.len()),
        ));
    }
    if !check_depth(text, max_depth)? {
        return Ok(Cow::Borrowed(text));
    }
    without_schema(text)
}

/// Parses a text [`prepare`]d, naming the JSON path of the first fault.
pub(crate) fn parse_prepared<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    serde_json::from_str::<T>(text).map_err(|e| {
        let reparse = |probe: &str| serde_json::from_str::<T>(probe).err();
        classify(&e, path_at(text, &e, &reparse))
    })
}

/// Reads a string into an `Arc<str>` with one allocation (serde's own
/// `Arc<str>` makes a `String`, then a `Box<str>`, then copies it into the
/// `Arc`): for ids a quote shares between its request and its answer.
/// Refuses what is not a string as `String` does ("expected a string").
pub(crate) fn shared_str<'de, D: serde::Deserializer<'de>>(d: D) -> Result<std::sync::Arc<str>, D::Error> {
    struct Shared;
    impl serde::de::Visitor<'_> for Shared {
        type Value = std::sync::Arc<str>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(std::sync::Arc::from(s))
        }
    }
    d.deserialize_str(Shared)
}

/// The name of the member an editor reads to find a document's JSON Schema.
pub(crate) const SCHEMA_MEMBER: &str = "$schema";

/// `text` with its top-level `"$schema"` member (and one comma beside it)
/// overwritten by spaces, so that the formats, which refuse unknown fields,
/// accept it, and every other byte keeps its line and column. The value
/// must be a string. Borrows when there is no such member; a text that is
/// not an object, or not valid JSON, is left for serde_json to judge.
fn without_schema(text: &str) -> Result<Cow<'_, str>, Problem> {
    if !text.contains("\"$schema\"") {
        return Ok(Cow::Borrowed(text));
    }
    let Some((member, repeated)) = find_schema_member(text.as_bytes()) else { return Ok(Cow::Borrowed(text)) };
    if repeated {
        return Err(Problem::new(ErrorCode::InvalidValue, SCHEMA_MEMBER, "duplicate field `$schema`"));
    }
    let value = text.get(member.value.0..member.value.1).unwrap_or_default();
    if !value.starts_with('"') {
        let found = serde_json::from_str::<serde_json::Value>(value).map(|v| shape::found(&v)).unwrap_or_default();
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            SCHEMA_MEMBER,
            format!("expected a string (the address of the document's JSON Schema), found {found}"),
        ));
    }
    // The range starts and ends at ASCII bytes, so blanking it byte by byte
    // keeps the text UTF-8 (and its length, lines and columns).
    let (from, to) = member.blank;
    let bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, c)| if (from..to).contains(&i) && !matches!(c, b'\n' | b'\r') { b' ' } else { c })
        .collect();
    Ok(String::from_utf8(bytes).map_or(Cow::Borrowed(text), Cow::Owned))
}

/// Where a top-level member is: its value, and what to blank to remove it.
struct Member {
    value: (usize, usize),
    blank: (usize, usize),
}

/// The top-level `"$schema"` member of a JSON object text, found by a scan
/// of its top level (nested values are skipped over), and whether there is
/// another. `None` when there is none, or when the text is not a
/// well-formed object as far as the scan goes.
fn find_schema_member(b: &[u8]) -> Option<(Member, bool)> {
    let mut found = None;
    // A text cut short or broken after the member still has it blanked,
    // so that serde_json reports the real fault.
    let repeated = scan_top_level(b, &mut found).unwrap_or(false);
    found.map(|m| (m, repeated))
}

/// Scans the top level of an object for `"$schema"` members: the first
/// goes in `found`; `Some(true)` when there is a second one.
fn scan_top_level(b: &[u8], found: &mut Option<Member>) -> Option<bool> {
    let ws = |mut i: usize| {
        while b.get(i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    // The comma before the current member, if any.
    let mut comma_before: Option<usize> = None;
    loop {
        i = ws(i);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_start = i;
        let key_end = string_end(b, i)?;
        let key = std::str::from_utf8(b.get(key_start..key_end)?).ok()?;
        i = ws(key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let value_start = ws(i + 1);
        let value_end = value_end(b, value_start)?;
        i = ws(value_end);
        let next = b.get(i).copied();
        if serde_json::from_str::<String>(key).ok().as_deref() == Some(SCHEMA_MEMBER) {
            if found.is_some() {
                return Some(true);
            }
            let blank = match (next, comma_before) {
                (Some(b','), _) => (key_start, i + 1),
                (_, Some(comma)) => (comma, value_end),
                _ => (key_start, value_end),
            };
            *found = Some(Member { value: (value_start, value_end), blank });
        }
        match next {
            Some(b',') => {
                comma_before = Some(i);
                i += 1;
            }
            Some(b'}') => return Some(false),
            _ => return None,
        }
    }
}

/// Past the closing quote of the string whose opening quote is at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Past the end of the JSON value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0_usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

fn classify(e: &serde_json::Error, path: String) -> Problem {
    let message = shape::plain(&e.to_string());
    let code = match e.classify() {
        Category::Data if message.starts_with("unknown field") => ErrorCode::UnknownField,
        Category::Data if message.starts_with("missing field") => ErrorCode::MissingField,
        Category::Data => ErrorCode::InvalidValue,
        Category::Syntax | Category::Eof | Category::Io => ErrorCode::InvalidJson,
    };
    Problem::new(code, path, message)
}

/// The JSON path of the value `e` is about, as `serde_path_to_error` names
/// it: the innermost value being read when serde_json failed. `reparse`
/// parses another text into the same type, to tell apart faults serde_json
/// reports at the same position (a few parses, only for a failing text).
///
/// serde_json reports where it stopped: for a syntax error, just past the
/// offending byte (or at the end of the text); for a data error, just past
/// the value it could not use, or, when the value's type rejected it after
/// reading it (dates, tagged enums), past the enclosing object or array
/// once that was closed.
fn path_at(text: &str, e: &serde_json::Error, reparse: &dyn Fn(&str) -> Option<serde_json::Error>) -> String {
    let Some(at) = offset_of(text, e.line(), e.column()) else { return String::new() };
    let message = e.to_string();
    let is = |prefix: &str| message.starts_with(prefix);
    let bytes = text.as_bytes();
    if !matches!(e.classify(), Category::Data) {
        // A syntax error. Scan up to the offending byte, excluded.
        let cut = if e.is_eof() { at } else { at.saturating_sub(1) };
        let mut scan = Scan::run(bytes.get(..cut).unwrap_or(bytes));
        let closes_empty_array = bytes.get(cut) == Some(&b']') && scan.frames.last().is_some_and(|f| !f.object);
        if is("expected value") && (closes_empty_array || !scan.frames.last().is_some_and(Frame::expects_value)) {
            // Not where a value starts: past the only member of an object
            // that is an enum (`{"variant": ...}`), serde_json stops at,
            // not past, the offending byte.
            scan = Scan::run(bytes.get(..at).unwrap_or(bytes));
        }
        let Some(frame) = scan.frames.last() else { return String::new() };
        // A fault in the name of an enum's variant, or after its value:
        // the enum's own path.
        let variant_name = frame.object && frame.index == 0 && !matches!(frame.at, At::Value | At::Scalar | At::Nested);
        if variant_name && is_enum(text, &scan.frames, reparse) {
            return scan.path(Slot::None);
        }
        return match frame.at {
            _ if is("trailing characters") => String::new(),
            // Before a colon: the member has no value yet.
            At::Colon => scan.path(Slot::None),
            // Between members of an object: the key is not known yet.
            _ if is("expected `,` or `}`") || is("key must be a string") || is("EOF while parsing an object") => {
                scan.path(Slot::Unknown)
            }
            _ if is("trailing comma") && frame.object => scan.path(Slot::Unknown),
            // Between elements of an array.
            _ if is("trailing comma") || is("expected `,` or `]`") || is("EOF while parsing a list") => {
                scan.path(Slot::None)
            }
            // After a comma, the next value has not started.
            At::Comma if is("EOF while parsing a value") => match frame.object {
                true => scan.path(Slot::Unknown),
                false => scan.path(Slot::None),
            },
            // An enum given as an object without a variant name.
            At::Start if frame.object && is("expected value") => scan.path(Slot::None),
            // In a key.
            At::Start | At::Comma | At::Key if frame.object => scan.path(Slot::Unknown),
            _ => scan.path(Slot::Current),
        };
    }
    // A data error.
    let scan = Scan::run(bytes.get(..at).unwrap_or(bytes));
    let stops_at = |probe: &str, expected: usize| {
        reparse(probe).is_some_and(|e2| offset_of(probe, e2.line(), e2.column()) == Some(expected))
    };
    if let Some(closed) = &scan.closed {
        // Past a closing bracket: a fault of the container's last member
        // (read, then rejected by its type), or of the container itself
        // (a missing field, or its own type rejected it). A member added
        // after the last one tells them apart: in the first case serde_json
        // stops where it starts (past its comma in an array).
        if closed.frame.members {
            let (insert, stop) = match closed.frame.object {
                true => (",\"\\u0000\":0", closed.bracket),
                false => (",0", closed.bracket.saturating_add(1)),
            };
            let probe = [text.get(..closed.bracket), Some(insert), text.get(closed.bracket..)];
            let probe: String = probe.into_iter().flatten().collect();
            if stops_at(&probe, stop) {
                let mut frames = scan.frames.clone();
                frames.push(closed.frame.clone());
                return path(&frames, Slot::Current);
            }
        }
        return scan.path(Slot::Current);
    }
    let Some(frame) = scan.frames.last() else { return String::new() };
    match frame.at {
        // After a key: an unknown or repeated key, or a variant name.
        At::Colon if is("duplicate field") || is("unknown variant") => scan.path(Slot::None),
        _ if frame.object && frame.key.is_none() => scan.path(Slot::None),
        // Past a comma in an array: a fault of the next element, which
        // serde_json only peeked at, or of the previous one, rejected by its
        // type once read (serde_json then stops past the comma too). An
        // element inserted here tells them apart: in the second case serde_json
        // still stops here.
        At::Comma if !frame.object => {
            let probe = [text.get(..at), Some("0,"), text.get(at..)];
            let probe: String = probe.into_iter().flatten().collect();
            let mut frames = scan.frames.clone();
            if stops_at(&probe, at) {
                if let Some(frame) = frames.last_mut() {
                    frame.index = frame.index.saturating_sub(1);
                }
            }
            path(&frames, Slot::Current)
        }
        _ => scan.path(Slot::Current),
    }
}

/// Whether the innermost of `frames` (an object) is read as an enum: given
/// `{}` there, serde_json expects a variant name.
fn is_enum(text: &str, frames: &[Frame], reparse: &dyn Fn(&str) -> Option<serde_json::Error>) -> bool {
    let Some((frame, outer)) = frames.split_last() else { return false };
    let mut probe: String = text.get(..frame.open).unwrap_or_default().to_string();
    probe.push_str("{}");
    for f in outer.iter().rev() {
        probe.push(if f.object { '}' } else { ']' });
    }
    let at = frame.open.saturating_add(2);
    reparse(&probe).is_some_and(|e| {
        e.to_string().starts_with("expected value") && offset_of(&probe, e.line(), e.column()) == Some(at)
    })
}

/// The byte offset of serde_json's 1-based line and 0-based column (bytes).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0_usize;
    for _ in 1..line {
        start = start.checked_add(text.get(start..)?.find('\n')?)?.checked_add(1)?;
    }
    match line {
        0 => None,
        _ => Some(start.saturating_add(column).min(text.len())),
    }
}

/// Where the scan is within an object or array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// After the opening bracket.
    Start,
    /// After a comma.
    Comma,
    /// In a key.
    Key,
    /// After a key, before the colon.
    Colon,
    /// After a colon.
    Value,
    /// In a scalar value (string, number, literal).
    Scalar,
    /// In an object or array value.
    Nested,
    /// After a value.
    After,
}

/// An object or array being read.
#[derive(Debug, Clone)]
struct Frame {
    object: bool,
    /// The current member's key (objects), once read.
    key: Option<String>,
    /// The current member (objects) or element (arrays), from 0.
    index: usize,
    /// Where its bracket is.
    open: usize,
    at: At,
    /// Whether a member or element has started.
    members: bool,
}

/// The last object or array closed, when nothing but whitespace follows it.
#[derive(Debug)]
struct Closed {
    frame: Frame,
    bracket: usize,
}

/// Which part of the innermost frame a path names.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// The object or array itself.
    None,
    /// Its current member or element.
    Current,
    /// A member whose key is not known (`?`, as serde_path_to_error).
    Unknown,
}

/// The structure of a JSON prefix: the objects and arrays open at its end.
#[derive(Debug, Default)]
struct Scan {
    frames: Vec<Frame>,
    closed: Option<Closed>,
}

impl Frame {
    /// Whether a value may start next.
    fn expects_value(&self) -> bool {
        match self.object {
            true => self.at == At::Value,
            false => matches!(self.at, At::Start | At::Comma),
        }
    }
}

impl Scan {
    fn run(bytes: &[u8]) -> Scan {
        let mut scan = Scan::default();
        // In a string: its raw bytes when it is a key.
        let mut string: Option<Option<Vec<u8>>> = None;
        // Bytes of an escape still to come (`\uXXXX` has five after the backslash).
        let mut escaped = 0_u8;
        for (i, &b) in bytes.iter().enumerate() {
            let at = scan.frames.last().map(|f| f.at);
            if let Some(key) = &mut string {
                match b {
                    b'u' if escaped == 5 => escaped = 4,
                    _ if escaped == 5 => escaped = 0,
                    _ if escaped > 0 => escaped -= 1,
                    b'\\' => escaped = 5,
                    b'"' => {
                        let key = string.take().flatten();
                        match (scan.frames.last_mut(), key) {
                            (Some(frame), Some(raw)) => {
                                frame.key = Some(unescape(&raw));
                                frame.at = At::Colon;
                            }
                            _ => scan.set(At::After),
                        }
                        continue;
                    }
                    _ => {}
                }
                if let Some(raw) = key {
                    raw.push(b);
                }
                continue;
            }
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                if at == Some(At::Scalar) {
                    scan.set(At::After);
                }
                continue;
            }
            scan.closed = None;
            match b {
                b'"' if scan.frames.last().is_some_and(|f| f.object && matches!(f.at, At::Start | At::Comma)) => {
                    string = Some(Some(Vec::new()));
                    scan.begin(At::Key);
                }
                b'"' => {
                    string = Some(None);
                    scan.begin(At::Scalar);
                }
                b'{' | b'[' => {
                    scan.begin(At::Nested);
                    let frame =
                        Frame { object: b == b'{', key: None, index: 0, open: i, at: At::Start, members: false };
                    scan.frames.push(frame);
                }
                b'}' | b']' => {
                    if let Some(frame) = scan.frames.pop() {
                        scan.closed = Some(Closed { frame, bracket: i });
                    }
                    scan.set(At::After);
                }
                b':' if at == Some(At::Colon) => scan.set(At::Value),
                b',' => {
                    if let Some(frame) = scan.frames.last_mut() {
                        frame.at = At::Comma;
                        frame.key = None;
                        frame.index = frame.index.saturating_add(1);
                    }
                }
                _ if at == Some(At::Scalar) => {}
                _ => scan.begin(At::Scalar),
            }
        }
        scan
    }

    /// Sets where the innermost frame is.
    fn set(&mut self, at: At) {
        if let Some(frame) = self.frames.last_mut() {
            frame.at = at;
        }
    }

    /// A value starts in the innermost frame.
    fn begin(&mut self, at: At) {
        if let Some(frame) = self.frames.last_mut() {
            frame.at = at;
            frame.members = true;
        }
    }

    fn path(&self, slot: Slot) -> String {
        path(&self.frames, slot)
    }
}

/// The path of the open frames, the innermost one naming `slot`.
fn path(frames: &[Frame], slot: Slot) -> String {
    let mut out = String::new();
    let last = frames.len().saturating_sub(1);
    for (n, frame) in frames.iter().enumerate() {
        let slot = if n == last { slot } else { Slot::Current };
        let key = match (slot, frame.object) {
            (Slot::None, _) => continue,
            (Slot::Unknown, _) => Some("?"),
            (Slot::Current, true) => frame.key.as_deref(),
            (Slot::Current, false) => {
                // (An object's index counts its members, for `is_enum`.)
                out.push('[');
                out.push_str(&frame.index.to_string());
                out.push(']');
                None
            }
        };
        if let Some(key) = key {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        }
    }
    out
}

/// The text of a JSON string's raw content (without its quotes).
fn unescape(raw: &[u8]) -> String {
    let raw = String::from_utf8_lossy(raw);
    serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.into_owned())
}

/// Refuses nesting deeper than `max_depth` before any parsing, in one pass;
/// says whether a string `"$schema"` is in the top-level object (as a
/// member name or a value: [`without_schema`] tells them apart), so that
/// only those texts are searched for the member.
fn check_depth(text: &str, max_depth: usize) -> Result<bool, Problem> {
    const SCHEMA_STRING: &[u8] = b"$schema\"";
    let b = text.as_bytes();
    let mut depth = 0_usize;
    let mut schema = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        i = i.saturating_add(1);
        match c {
            // String contents are skipped eight bytes at a time.
            b'"' => {
                schema |= depth == 1 && b.get(i..).is_some_and(|rest| rest.starts_with(SCHEMA_STRING));
                i = words::after_string(b, i);
            }
            b'[' | b'{' => {
                depth = depth.saturating_add(1);
                if depth > max_depth {
                    return Err(Problem::new(
                        ErrorCode::JsonTooDeep,
                        "",
                        format!("the JSON nests deeper than {max_depth} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(schema)
}

#[cfg(test)]
mod tests;
