//! The command-line tool: sample run, quote, validate, stdin and exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}

fn cli(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_commerce-rules"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A command that fails before reading its input (a missing rules
        // file, say) closes the pipe: that is not the test's concern.
        match input.write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn no_arguments_quotes_both_sample_stores() {
    let out = cli(&[], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("cn-store") && stdout.contains("us-store"));
    assert!(stdout.contains("380.52 CNY"), "{stdout}");
    assert!(stdout.contains("290.22 USD"), "{stdout}");
}

#[test]
fn quote_prints_the_engines_exact_json() {
    let rules = data("cn-store.rules.json");
    let request = data("cn-store.quote.json");
    let out = cli(&["quote", "--rules", rules.to_str().unwrap(), "--request", request.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let engine = commerce_rules::Engine::from_json(&std::fs::read_to_string(&rules).unwrap()).unwrap();
    let expected = engine.quote_json(&std::fs::read_to_string(&request).unwrap()).unwrap();
    assert_eq!(text(&out.stdout), expected + "\n");
}

#[test]
fn dash_reads_standard_input() {
    let rules = data("us-store.rules.json");
    let request = std::fs::read_to_string(data("us-store.quote.json")).unwrap();
    let out = cli(&["quote", "--rules", rules.to_str().unwrap(), "--request", "-", "--pretty"], Some(&request));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"grand_total\": \"290.22\""));
}

#[test]
fn validate_lists_every_problem_and_exits_2() {
    let bad = r#"{"schema_version": 1, "currency": "CNY", "time_zone": "Mars/Base",
        "tax": {"prices_include_tax": true, "default_class": "x", "classes": []}}"#;
    let out = cli(&["validate", "--rules", "-"], Some(bad));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("time_zone: "), "{stderr}");
    assert!(stderr.contains("(unknown_time_zone)") && stderr.contains("(unknown_reference)"), "{stderr}");
    let ok = cli(&["validate", "--rules", data("cn-store.rules.json").to_str().unwrap()], None);
    assert!(ok.status.success());
}

#[test]
fn bad_requests_and_usage_exit_2_with_the_error_on_stderr() {
    let rules = data("cn-store.rules.json");
    let out =
        cli(&["quote", "--rules", rules.to_str().unwrap(), "--request", "-"], Some(r#"{"now": "x", "lines": []}"#));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("now: "), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(cli(&["quote"], None).status.code(), Some(2));
    assert_eq!(cli(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(cli(&["quote", "--rules", "/nonexistent.json", "--request", "-"], Some("{}")).status.code(), Some(2));
}

#[test]
fn check_passes_on_the_sample_stores_and_is_deterministic() {
    for store in ["cn-store.rules.json", "us-store.rules.json"] {
        let rules = data(store);
        let args = ["check", "--rules", rules.to_str().unwrap(), "--cases", "40", "--seed", "7"];
        let out = cli(&args, None);
        assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("40 cases, seed 7") && stdout.contains("ok: no invariant broken"), "{stdout}");
        assert_eq!(cli(&args, None).stdout, out.stdout);
    }
}

#[test]
fn help_says_check_reports_each_distinct_violation() {
    let out = cli(&["help"], None);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("prints each distinct violation (at"), "{stdout}");
    assert!(stdout.contains("request to replay with `quote`; exit status 1 if any"), "{stdout}");
}

#[test]
fn check_reads_standard_input_and_rejects_bad_input_with_2() {
    let rules = std::fs::read_to_string(data("cn-store.rules.json")).unwrap();
    let out = cli(&["check", "--rules", "-", "--cases", "5"], Some(&rules));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let path = data("cn-store.rules.json");
    let bad = cli(&["check", "--rules", path.to_str().unwrap(), "--cases", "many"], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--cases needs a whole number"), "{}", text(&bad.stderr));
    let invalid = cli(&["check", "--rules", "-"], Some(r#"{"schema_version": 1}"#));
    assert_eq!(invalid.status.code(), Some(2));
    assert!(text(&invalid.stderr).starts_with("error: -: "), "{}", text(&invalid.stderr));
    assert_eq!(cli(&["check"], None).status.code(), Some(2));
}
