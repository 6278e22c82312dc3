//! Bounded JSON parsing that reports the path at fault.

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::{ErrorCode, Problem};

/// Parses `text` into `T`, refusing texts over `max_bytes` or nesting deeper
/// than `max_depth`, and naming the JSON path of the first fault.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, max_bytes: usize, max_depth: usize) -> Result<T, Problem> {
    if text.len() > max_bytes {
        return Err(Problem::new(
            ErrorCode::JsonTooLarge,
            "",
            format!("the JSON text is {} bytes; the limit is {max_bytes}", text.len()),
        ));
    }
    check_depth(text, max_depth)?;
    // The fast path: most texts are valid. Only a failing text is parsed
    // again, tracking the path, to name where it fails.
    if let Ok(value) = serde_json::from_str::<T>(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = match e.path().to_string() {
            p if p == "." => String::new(),
            p => p,
        };
        classify(e.inner(), path)
    })?;
    de.end().map_err(|e| classify(&e, String::new()))?;
    Ok(value)
}

fn classify(e: &serde_json::Error, path: String) -> Problem {
    let message = e.to_string();
    let code = match e.classify() {
        Category::Data if message.starts_with("unknown field") => ErrorCode::UnknownField,
        Category::Data if message.starts_with("missing field") => ErrorCode::MissingField,
        Category::Data => ErrorCode::InvalidValue,
        Category::Syntax | Category::Eof | Category::Io => ErrorCode::InvalidJson,
    };
    Problem::new(code, path, message)
}

/// Refuses nesting deeper than `max_depth` before any parsing, in one pass.
fn check_depth(text: &str, max_depth: usize) -> Result<(), Problem> {
    let mut depth = 0_usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        qty: u32,
    }

    fn err(text: &str) -> Problem {
        parse::<Doc>(text, 1000, 5).unwrap_err()
    }

    #[test]
    fn names_the_path_and_code() {
        let p = err(r#"{"items":[{"qty":1},{"qty":-1}]}"#);
        assert_eq!((p.code, p.path.as_str()), (ErrorCode::InvalidValue, "items[1].qty"));
        let p = err(r#"{"items":[{"qty":1,"colour":"red"}]}"#);
        assert_eq!((p.code, p.path.as_str()), (ErrorCode::UnknownField, "items[0].colour"));
        let p = err(r#"{"items":[{}]}"#);
        assert_eq!((p.code, p.path.as_str()), (ErrorCode::MissingField, "items[0]"));
    }

    #[test]
    fn refuses_truncated_trailing_large_and_deep_texts() {
        assert_eq!(err(r#"{"items":[{"qty":1}"#).code, ErrorCode::InvalidJson);
        assert_eq!(err(r#"{"items":[]} x"#).code, ErrorCode::InvalidJson);
        assert_eq!(err(&" ".repeat(1001)).code, ErrorCode::JsonTooLarge);
        assert_eq!(err(r#"{"items":[[[[[[1]]]]]]}"#).code, ErrorCode::JsonTooDeep);
        // Brackets inside strings do not count.
        assert_eq!(err(r#"{"items":[], "x": "[[[[[[[[\"[["}"#).code, ErrorCode::UnknownField);
    }
}
