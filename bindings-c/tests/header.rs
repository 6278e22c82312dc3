//! The checked-in header is what cbindgen generates from this crate with the
//! committed `cbindgen.toml`, and its version macros are Cargo.toml's; the
//! checked-in cffi declarations (`include/commerce_rules.cdef`) are the same
//! declarations without the preprocessor.
//!
//! After changing the exported API, rewrite both with
//! `UPDATE_HEADER=1 cargo test -p commerce-rules-c --test header`.

use std::fs;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("include/commerce_rules.h")
}

/// The header as cbindgen writes it today, in memory.
fn generate() -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    // Parsing the sources directly (rather than `with_crate`) needs no
    // `cargo metadata` run and gives the same items: the crate has no
    // dependency whose types appear in the API.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

fn cdef_path() -> PathBuf {
    crate_dir().join("include/commerce_rules.cdef")
}

/// The cffi declarations (`include/commerce_rules.cdef`) as they are today:
/// the header's declarations as cffi's `FFI.cdef` reads them, with the
/// preprocessor resolved for C11 (cffi parses no `#if`, `#include` or
/// `#ifndef`, and cbindgen always writes the C23 form of a sized enum,
/// `enum cr_status : uint32_t`, behind an `#if`). Only `#define NAME
/// integer` is kept, which cffi reads as a constant.
fn generate_cdef() -> String {
    let dir = crate_dir();
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    config.cpp_compat = false;
    config.include_guard = None;
    config.sys_includes = Vec::new();
    config.no_includes = true;
    config.after_includes = None;
    config.documentation = false;
    config.header = Some(
        "/*\n * commerce_rules.cdef: the declarations of commerce_rules.h for Python's cffi\n \
         * (`ffi.cdef(text)`): no conditionals, includes or doc comments; only the\n \
         * integer #defines cffi reads. The header documents each declaration.\n \
         * See docs/c-api.md.\n *\n \
         * SPDX-License-Identifier: MIT OR Apache-2.0\n */"
            .to_string(),
    );
    config.autogen_warning =
        Some("/* Generated from bindings-c/src by bindings-c/tests/header.rs. Do not edit by hand. */".to_string());
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen generates the declarations");
    let mut out = Vec::new();
    bindings.write(&mut out);
    let text = String::from_utf8(out).expect("the declarations are UTF-8");
    resolve_for_c11(&text)
}

/// Resolves the few conditionals cbindgen writes as a C11 compiler would:
/// `__STDC_VERSION__ >= 202311L` (C23) is false. Any other directive than
/// those and `#define NAME integer` fails the test, so that a new kind is
/// looked at rather than passed to cffi.
fn resolve_for_c11(text: &str) -> String {
    let mut out = String::new();
    // One entry per open `#if`: whether its current branch is kept.
    let mut stack: Vec<bool> = Vec::new();
    for line in text.lines() {
        let directive = line.trim_start();
        if let Some(condition) = directive.strip_prefix("#if ") {
            assert_eq!(condition.trim(), "__STDC_VERSION__ >= 202311L", "a directive the cdef cannot resolve: {line}");
            stack.push(false);
        } else if directive.starts_with("#else") {
            let last = stack.last_mut().expect("#else without #if");
            *last = !*last;
        } else if directive.starts_with("#endif") {
            stack.pop().expect("#endif without #if");
        } else if stack.iter().all(|&kept| kept) {
            if let Some(define) = directive.strip_prefix("#define ") {
                let value = define.split_whitespace().nth(1).unwrap_or_default();
                assert!(value.parse::<i64>().is_ok(), "cffi reads only integer #defines: {line}");
            } else {
                assert!(!directive.starts_with('#'), "a directive the cdef cannot resolve: {line}");
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(stack.is_empty(), "an #if is not closed");
    // Blank lines left where directives were: at most one in a row.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

#[test]
fn cffi_declarations_are_up_to_date() {
    let generated = generate_cdef();
    let path = cdef_path();
    if std::env::var_os("UPDATE_HEADER").is_some() {
        fs::write(&path, &generated).expect("write the cffi declarations");
        return;
    }
    let checked_in = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is out of date; rewrite it with `UPDATE_HEADER=1 cargo test -p commerce-rules-c --test header`\n{}",
        path.display(),
        first_difference(&checked_in, &generated)
    );
    // Every function of the header is declared there too.
    for line in header().lines().filter(|l| l.contains(" cr_") && l.contains('(') && !l.starts_with(' ')) {
        let name = line.split('(').next().and_then(|l| l.rsplit([' ', '*']).next()).unwrap_or_default();
        assert!(checked_in.contains(&format!("{name}(")), "{name} is missing from {}", path.display());
    }
}

/// The header the other tests check: the checked-in file, or (while
/// `UPDATE_HEADER` rewrites it) the text being written.
fn header() -> String {
    if std::env::var_os("UPDATE_HEADER").is_some() {
        generate()
    } else {
        fs::read_to_string(header_path()).expect("read the header")
    }
}

/// The first line that differs, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  checked in: {x}\n  generated:  {y}", n + 1);
        }
    }
    format!("lengths differ: {} lines checked in, {} generated", a.lines().count(), b.lines().count())
}

#[test]
fn header_is_up_to_date() {
    let generated = generate();
    let path = header_path();
    if std::env::var_os("UPDATE_HEADER").is_some() {
        fs::write(&path, &generated).expect("write the header");
        return;
    }
    let checked_in = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is out of date; rewrite it with `UPDATE_HEADER=1 cargo test -p commerce-rules-c --test header`\n{}",
        path.display(),
        first_difference(&checked_in, &generated)
    );
}

/// The value of `#define NAME value` in the header.
fn define<'a>(header: &'a str, name: &str) -> &'a str {
    header
        .lines()
        .find_map(|l| {
            l.strip_prefix("#define ").and_then(|rest| rest.strip_prefix(name)).filter(|v| v.starts_with(' '))
        })
        .map(str::trim)
        .unwrap_or_else(|| panic!("the header defines no {name}"))
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = header();
    assert_eq!(define(&header, "CR_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MAJOR"));
    assert_eq!(define(&header, "CR_VERSION_MINOR"), env!("CARGO_PKG_VERSION_MINOR"));
    assert_eq!(define(&header, "CR_VERSION_PATCH"), env!("CARGO_PKG_VERSION_PATCH"));
    // The string is built from the three numbers (cbindgen writes no string
    // constants); the C tests check it equals cr_version() at run time.
    assert!(
        define(&header, "CR_VERSION_STRING")
            .contains("CR_STRINGIFY(CR_VERSION_MAJOR) \".\" CR_STRINGIFY(CR_VERSION_MINOR)"),
        "CR_VERSION_STRING is not built from the version numbers"
    );
}

#[test]
fn every_exported_function_is_declared_and_documented() {
    let header = header();
    let sources: String = ["lib.rs", "engine.rs", "error.rs", "status.rs"]
        .iter()
        .map(|f| fs::read_to_string(crate_dir().join("src").join(f)).expect("read a source"))
        .collect();
    let exported: Vec<&str> = sources
        .split("#[no_mangle]")
        .skip(1)
        .filter_map(|rest| rest.split("fn ").nth(1))
        .filter_map(|rest| rest.split('(').next())
        .collect();
    assert!(exported.len() >= 15, "found {exported:?}");
    let lines: Vec<&str> = header.lines().collect();
    for name in exported {
        assert!(name.starts_with("cr_"), "{name}: every export is prefixed cr_");
        let at = lines
            .iter()
            .position(|l| {
                let declaration = !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with("/*");
                declaration && (l.contains(&format!(" {name}(")) || l.contains(&format!("*{name}(")))
            })
            .unwrap_or_else(|| panic!("{name} is not declared in the header"));
        assert!(at > 0 && lines[at - 1].trim_start().starts_with("*/"), "{name} has no doc comment in the header");
    }
    assert!(Path::new(&header_path()).exists());
}

#[test]
fn every_question_has_its_own_function() {
    let header = header();
    for question in commerce_rules::Question::ALL {
        let function = format!("cr_engine_{}(", question.name());
        assert!(
            header.contains(&format!(" {function}")),
            "the core answers `{}` but the C API has no {function}...): add it as docs/c-api.md \
             (\"Adding a question\") says, then regenerate the header",
            question.name()
        );
    }
}
