//! The repository's own papers: both licenses, the changelog, and no
//! placeholder addresses in the manifests.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn read(relative: &str) -> String {
    fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

#[test]
fn both_licenses_the_crates_declare_are_there() {
    let mit = read("LICENSE-MIT");
    assert!(mit.starts_with("MIT License\n\nCopyright (c) the commerce-rules authors\n"), "{mit}");
    assert!(mit.contains("THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND"));
    let apache = read("LICENSE-APACHE");
    assert!(apache.contains("Apache License\n                           Version 2.0, January 2004"));
    assert!(apache.trim_end().ends_with("END OF TERMS AND CONDITIONS"));
    assert!(read("Cargo.toml").contains("license = \"MIT OR Apache-2.0\""));
    let npm: serde_json::Value = serde_json::from_str(&read("bindings-wasm/npm/package.json")).unwrap();
    assert_eq!(npm["license"], "MIT OR Apache-2.0");
    let files: Vec<&str> = npm["files"].as_array().unwrap().iter().filter_map(|f| f.as_str()).collect();
    assert!(files.contains(&"LICENSE-MIT") && files.contains(&"LICENSE-APACHE"), "{files:?}");
    assert!(read("scripts/build-wasm").contains("cp \"$root/LICENSE-MIT\" \"$root/LICENSE-APACHE\" \"$pkg/\""));
}

#[test]
fn the_changelog_keeps_an_unreleased_section() {
    let changelog = read("CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(changelog.contains("[Keep a Changelog]"));
    assert!(changelog.contains("\n## [Unreleased]\n"));
}

#[test]
fn no_manifest_names_a_placeholder_address() {
    for manifest in [
        "Cargo.toml",
        "core/Cargo.toml",
        "bindings-c/Cargo.toml",
        "bindings-wasm/Cargo.toml",
        "examples/Cargo.toml",
        "benches/Cargo.toml",
        "benches/wasm-fuel/Cargo.toml",
        "fuzz/Cargo.toml",
        "bindings-wasm/npm/package.json",
        "bindings-wasm/package.json",
        "examples/web/package.json",
    ] {
        let text = read(manifest);
        assert!(!text.contains("example.invalid"), "{manifest}: a placeholder address");
        assert!(
            !text.lines().any(|l| l.trim_start().trim_start_matches('"').starts_with("repository")),
            "{manifest}: a repository key"
        );
    }
}
