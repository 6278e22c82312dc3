//! The QA kit of `commerce-rules check`, end to end: failing requests
//! written as files that replay to the same failure (`--out`, `--replay`),
//! shrunk to what the failure needs, per-rule coverage naming the rules no
//! case exercised (`--coverage-json`), and a time budget (`--time`).
//!
//! The real engine breaks no invariant on the bundled rule sets, so these
//! tests plant a known fault in the engine `check` asks, through
//! `COMMERCE_RULES_CHECK_FAULT`: `cent-at-4-units` (a line of 4 units or
//! more puts a cent on the grand total: `grand_total_identity`) and `order`
//! (the answer changes when the first line costs more per unit than the
//! last: `order_dependent`, which compares two requests) and `refund-cent`
//! (a return of 2 units of a line or more refunds a cent too much:
//! `full_return_mismatch`, found on the returns `check` asks).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use commerce_rules::QuoteRequest;

const FAULT: &str = "COMMERCE_RULES_CHECK_FAULT";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}

fn cli(args: &[&str], fault: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_commerce-rules"));
    command.args(args).env_remove(FAULT);
    if let Some(fault) = fault {
        command.env(FAULT, fault);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A fresh directory under the system's temporary one.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("commerce-rules-check-kit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn request(path: &Path) -> QuoteRequest {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The arguments of the printed command line after `label`, without the
/// program's name.
fn printed_command(stdout: &str, label: &str) -> Vec<String> {
    let line = stdout.lines().find_map(|l| l.trim_start().strip_prefix(label)).unwrap_or_else(|| panic!("{stdout}"));
    let mut words = line.split_whitespace().map(String::from);
    assert_eq!(words.next().as_deref(), Some("commerce-rules"), "{line}");
    words.collect()
}

#[test]
fn out_writes_a_shrunk_request_that_replays_to_the_same_failure() {
    let rules = data("cn-store.rules.json");
    let dir = scratch("cent");
    let args =
        ["check", "--rules", rules.to_str().unwrap(), "--cases", "40", "--seed", "1", "--out", dir.to_str().unwrap()];
    let out = cli(&args, Some("cent-at-4-units"));
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("violation grand_total_identity (invariant 3): grand_total is "), "{stdout}");

    // The file: the fault's trigger and nothing else, figures round and small.
    let file = dir.join("failure-1.request.json");
    let shrunk = request(&file);
    assert_eq!(shrunk.lines.len(), 1, "{stdout}");
    let line = &shrunk.lines[0];
    assert_eq!(line.quantity, 4, "{stdout}");
    assert!(line.unit_price.0.is_zero(), "{stdout}");
    assert!(shrunk.codes.is_empty() && shrunk.wallet.is_empty() && shrunk.points.is_none(), "{stdout}");
    assert!(shrunk.destination.is_none() && shrunk.customer.tier.is_none(), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut keys: Vec<&str> = json["lines"][0].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["id", "quantity", "sku", "unit_price"], "{json}");
    assert!(json.get("locale").is_none() && json.get("codes").is_none(), "{json}");

    // The printed replay command reproduces the failure; without the fault
    // the same file passes, and the real engine quotes it.
    let replay = printed_command(&stdout, "check it again:");
    let replay: Vec<&str> = replay.iter().map(String::as_str).collect();
    let again = cli(&replay, Some("cent-at-4-units"));
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stderr));
    let again = text(&again.stdout);
    assert!(again.contains(": 1 violation\nviolation grand_total_identity (invariant 3): grand_total is "), "{again}");
    assert_eq!(cli(&replay, None).status.code(), Some(0));
    let quote = printed_command(&stdout, "see the answer:");
    let quote: Vec<&str> = quote.iter().map(String::as_str).collect();
    assert!(cli(&quote, None).status.success());

    // REPLAY.txt holds the same commands; the same seed writes the same bytes.
    let replay_txt = std::fs::read_to_string(dir.join("REPLAY.txt")).unwrap();
    assert!(replay_txt.contains("check it again:  commerce-rules check --rules "), "{replay_txt}");
    let first = std::fs::read(&file).unwrap();
    let rerun = cli(&args, Some("cent-at-4-units"));
    assert_eq!(rerun.stdout, out.stdout);
    assert_eq!(std::fs::read(&file).unwrap(), first);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_writes_the_compared_request_of_an_invariant_comparing_two() {
    let rules = data("cn-store.rules.json");
    let dir = scratch("order");
    let args =
        ["check", "--rules", rules.to_str().unwrap(), "--cases", "40", "--seed", "1", "--out", dir.to_str().unwrap()];
    let out = cli(&args, Some("order"));
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    // The figure that differs is named.
    assert!(stdout.contains("changes the answer: lines[0].price_source.rule_id is "), "{stdout}");

    let given = request(&dir.join("failure-1.request.json"));
    let compared_path = dir.join("failure-1.order_dependent.compared.json");
    let compared = request(&compared_path);
    assert_eq!(given.lines.len(), 2, "{stdout}");
    let mut reversed = given.clone();
    reversed.lines.reverse();
    assert_eq!(compared, reversed);
    assert!(stdout.contains(&format!("--request {} --pretty", compared_path.display())), "{stdout}");

    // Both replay to order_dependent, each seen from its side.
    let replay = cli(
        &[
            "check",
            "--rules",
            rules.to_str().unwrap(),
            "--replay",
            dir.join("failure-1.request.json").to_str().unwrap(),
        ],
        Some("order"),
    );
    assert_eq!(replay.status.code(), Some(1));
    assert!(text(&replay.stdout).contains("violation order_dependent (invariant 4): "), "{}", text(&replay.stdout));
    let quote = cli(&["quote", "--rules", rules.to_str().unwrap(), "--request", compared_path.to_str().unwrap()], None);
    assert!(quote.status.success(), "{}", text(&quote.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn coverage_names_the_rules_no_case_exercised() {
    let mut rules: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data("cn-store.rules.json")).unwrap()).unwrap();
    // A promotion whose window opens after every generated `now`.
    rules["promotions"].as_array_mut().unwrap().push(serde_json::json!({
        "id": "far-future", "benefit": {"type": "percent_off", "percent": "10"}, "starts_at": "2031-01-01"
    }));
    let dir = scratch("coverage");
    let path = dir.join("rules.json");
    std::fs::write(&path, rules.to_string()).unwrap();
    let json_path = dir.join("coverage.json");
    let out = cli(
        &["check", "--rules", path.to_str().unwrap(), "--cases", "30", "--coverage-json", json_path.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("coverage over 30 answers:"), "{stdout}");
    assert!(stdout.contains("  promotion far-future (automatic): applied 0, "), "{stdout}");
    assert!(stdout.contains("  promotion manjian (automatic): applied "), "{stdout}");
    assert!(stdout.contains("  shipping method cn-mainland/std: chosen "), "{stdout}");
    let never = stdout.lines().find(|l| l.starts_with("never exercised (")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(never.contains("promotion far-future"), "{never}");
    assert!(!never.contains("promotion manjian"), "{never}");

    let coverage: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(coverage["cases"], 30);
    let far = coverage["promotions"].as_array().unwrap().iter().find(|p| p["id"] == "far-future").unwrap();
    assert_eq!(far["applied"], 0);
    assert!(coverage["never_exercised"].as_array().unwrap().contains(&serde_json::json!("promotion far-future")));
    let welcome = coverage["promotions"].as_array().unwrap().iter().find(|p| p["id"] == "welcome-20").unwrap();
    assert!(welcome["refused"].as_object().is_some_and(|r| !r.is_empty()), "{welcome}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn time_stops_the_run_and_says_how_many_cases_ran() {
    let rules = data("us-store.rules.json");
    let started = Instant::now();
    let out = cli(&["check", "--rules", rules.to_str().unwrap(), "--time", "1", "--seed", "3"], None);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(took.as_secs() < 30, "{took:?}");
    let stdout = text(&out.stdout);
    let heading = stdout.lines().next().unwrap();
    let rest = heading.strip_prefix(&format!("check {}: a time budget of 1 s, seed 3: ", rules.display()));
    let cases: u32 =
        rest.and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{heading}"));
    assert!(cases >= 1, "{heading}");
    assert!(heading.ends_with(&format!("(`--cases {cases} --seed 3` runs the same ones)")), "{heading}");
    // The cases run are the first ones of the seed: `--cases N` covers the same.
    let coverage = |s: &str| s[s.find("coverage over").unwrap()..].to_string();
    let by_count =
        cli(&["check", "--rules", rules.to_str().unwrap(), "--cases", &cases.to_string(), "--seed", "3"], None);
    assert_eq!(coverage(&text(&by_count.stdout)), coverage(&stdout));

    let bad = cli(&["check", "--rules", rules.to_str().unwrap(), "--time", "0"], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--time 0: give a number of seconds over 0"), "{}", text(&bad.stderr));
    let both = cli(&["check", "--rules", rules.to_str().unwrap(), "--time", "1", "--cases", "3"], None);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn an_unknown_fault_is_refused() {
    let rules = data("us-store.rules.json");
    let out = cli(&["check", "--rules", rules.to_str().unwrap(), "--cases", "1"], Some("frobnicate"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("the faults are cent-at-4-units, order and refund-cent"),
        "{}",
        text(&out.stderr)
    );
}

/// A rule set with return rules (`core/tests/data/returns-cn.rules.json`).
fn returns_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/returns-cn.rules.json")
}

#[test]
fn returns_are_asked_and_their_reasons_covered() {
    let rules = returns_rules();
    let out = cli(&["check", "--rules", rules.to_str().unwrap(), "--cases", "30", "--seed", "2"], None);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    let hit = |reason: &str| -> u32 {
        let prefix = format!("  return reason {reason}: hit ");
        let line = stdout.lines().find_map(|l| l.strip_prefix(prefix.as_str())).unwrap_or_else(|| panic!("{stdout}"));
        line.split(',').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"))
    };
    assert!(hit("no_reason") > 0 && hit("quality") > 0, "{stdout}");
    assert!(stdout.contains("  refund parts (return answers with each): "), "{stdout}");
    assert!(!stdout.lines().any(|l| l.starts_with("never exercised") && l.contains("return reason")), "{stdout}");
}

#[test]
fn a_planted_refund_fault_is_found_and_its_return_request_written() {
    let rules = returns_rules();
    let dir = scratch("refund");
    let args =
        ["check", "--rules", rules.to_str().unwrap(), "--cases", "24", "--seed", "3", "--out", dir.to_str().unwrap()];
    let out = cli(&args, Some("refund-cent"));
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("violation full_return_mismatch (invariant 6): "), "{stdout}");
    let compared = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".full_return_mismatch.compared.json"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(stdout.contains(&format!("commerce-rules return-refund --rules {}", rules.display())), "{stdout}");
    // The return request written is a valid return question for the real engine.
    let asked =
        cli(&["return-refund", "--rules", rules.to_str().unwrap(), "--request", compared.to_str().unwrap()], None);
    assert!(asked.status.success(), "{}", text(&asked.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}
