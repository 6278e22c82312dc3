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
    for (name, text) in commerce_rules::schema::all() {
        let path = dir.join(name);
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                fs::create_dir_all(&dir).unwrap();
                fs::write(&path, text).unwrap();
            } else {
                stale.push(name);
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

/// Money is exact: no `f32` or `f64` anywhere in the core's source.
#[test]
fn the_core_has_no_floating_point() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("core/src"), &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for word in code.split(|c: char| !c.is_alphanumeric() && c != '_') {
                assert!(word != "f64" && word != "f32", "{}:{}: floating point in the core", file.display(), n + 1);
            }
        }
    }
}
