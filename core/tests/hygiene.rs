//! Checks that keep the repository honest: committed schemas are current,
//! every error code is documented, and the core has no floating point.

use std::fs;
use std::path::{Path, PathBuf};

use commerce_rules::ErrorCode;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Fails when `schemas/` differs from the types; `UPDATE_SCHEMAS=1` rewrites it.
#[test]
fn committed_schemas_are_current() {
    let dir = repo_root().join("schemas");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    // The schemas, and the compact copy the core embeds (core/src/json/).
    let schemas = commerce_rules::schema::all().into_iter().map(|(name, text)| (dir.join(name), text));
    let embedded = commerce_rules::schema::embedded().into_iter().map(|(path, text)| (repo_root().join(path), text));
    for (path, text) in schemas.chain(embedded) {
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, text).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run `UPDATE_SCHEMAS=1 cargo test -p commerce-rules --test hygiene`"
    );
}

#[test]
fn every_error_code_is_documented() {
    let doc = fs::read_to_string(repo_root().join("docs/errors.md")).unwrap();
    let missing: Vec<_> =
        ErrorCode::ALL.iter().map(|c| c.as_str()).filter(|c| !doc.contains(&format!("`{c}`"))).collect();
    assert!(missing.is_empty(), "docs/errors.md lacks {missing:?}");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Money is exact: no `f32` or `f64` anywhere in the core's source. The
/// one exception is the signature of the two float methods of serde's
/// `Serializer` trait, which the JSON writer (`json/write.rs`) must
/// implement: it hands such values to serde_json untouched and the core
/// never makes one.
#[test]
fn the_core_has_no_floating_point() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("core/src"), &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let writer = file.ends_with("json/write.rs");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let serde_signature = ["fn serialize_f32(self, v: f32)", "fn serialize_f64(self, v: f64)"]
                .iter()
                .any(|sig| code.trim_start().starts_with(sig));
            if writer && serde_signature {
                continue;
            }
            for word in code.split(|c: char| !c.is_alphanumeric() && c != '_') {
                assert!(word != "f64" && word != "f32", "{}:{}: floating point in the core", file.display(), n + 1);
            }
        }
    }
}

/// `docs/limits.md` lists every field of `Limits` with its default, and
/// each field's doc comment (the schema's description) names the same
/// default, so neither can go stale.
#[test]
fn the_limits_doc_lists_every_limit_with_its_default() {
    let defaults = serde_json::to_value(commerce_rules::Limits::default()).unwrap();
    let defaults = defaults.as_object().unwrap();
    let doc = fs::read_to_string(repo_root().join("docs/limits.md")).unwrap();
    let mut documented = std::collections::BTreeMap::new();
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let name = cells[0].split('`').nth(1).unwrap();
        if !defaults.contains_key(name) {
            assert!(cells[0].contains("(request field)"), "docs/limits.md: `{name}` is not a field of Limits");
            continue;
        }
        assert!(documented.insert(name, cells[1]).is_none(), "docs/limits.md lists `{name}` twice");
    }
    for (name, value) in defaults {
        let value = value.as_u64().unwrap();
        let cell = documented.get(name.as_str()).unwrap_or_else(|| panic!("docs/limits.md lacks `{name}`"));
        assert_eq!(documented_number(cell), Some(value), "docs/limits.md: default of `{name}` is `{cell}`");
    }
    // The doc comments say "(default N...)" too: the schema carries them.
    let schema = commerce_rules::schema::all().into_iter().find(|(n, _)| *n == "limits.schema.json").unwrap().1;
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    for (name, value) in defaults {
        let property = &schema["properties"][name];
        assert_eq!(&property["default"], value, "limits.schema.json: default of `{name}`");
        let description = property["description"].as_str().unwrap_or_default();
        let said = description.split("(default ").nth(1).and_then(|rest| rest.split([')', ';']).next());
        let said = said.unwrap_or_else(|| panic!("the doc comment of Limits::{name} does not say its default"));
        assert_eq!(documented_number(said), value.as_u64(), "the doc comment of Limits::{name} says {said}");
    }
}

/// A number as the docs write it: `100,000`, `4 MiB`, `512 KiB`.
fn documented_number(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = match text.split_once(' ') {
        Some((n, "MiB")) => (n, 1024 * 1024),
        Some((n, "KiB")) => (n, 1024),
        Some(_) => return None,
        None => (text, 1),
    };
    number.replace(',', "").parse::<u64>().ok().map(|n| n * unit)
}

/// The benefit kinds the quote answer's schema lists for an applied
/// promotion are the rule set's `benefit.type`s, in the same order: a new
/// kind of benefit cannot be left out of the answer's schema.
#[test]
fn the_answer_names_every_kind_of_benefit_the_rule_set_has() {
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(repo_root().join("schemas").join(name)).unwrap()).unwrap()
    };
    let rules = read("rule_set.schema.json");
    let types: Vec<&str> = rules["$defs"]["Benefit"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["properties"]["type"]["const"].as_str().unwrap())
        .collect();
    let answer = read("quote_answer.schema.json");
    let kinds: Vec<&str> = answer["$defs"]["AppliedPromotion"]["properties"]["benefit"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kinds, types);
}
