//! The command-line tool: sample run, every question, validate, check,
//! stdin, --pretty, --version, escaped messages and exit codes.

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
    // clap's wording since the move to clap: the value and the option named.
    assert!(text(&bad.stderr).contains("invalid value 'many' for '--cases <N>'"), "{}", text(&bad.stderr));
    let invalid = cli(&["check", "--rules", "-"], Some(r#"{"schema_version": 1}"#));
    assert_eq!(invalid.status.code(), Some(2));
    assert!(text(&invalid.stderr).starts_with("error: -: "), "{}", text(&invalid.stderr));
    assert_eq!(cli(&["check"], None).status.code(), Some(2));
}

/// Every golden scenario: its name, question, rule-set text and request text.
fn scenarios() -> Vec<(String, String, String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    walk(&root.join("core/tests/scenarios"), &mut files);
    files.sort();
    files
        .iter()
        .map(|file| {
            let scenario: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
            let question = scenario["question"].as_str().unwrap_or("quote").to_string();
            let rules = match scenario["rules_file"].as_str() {
                Some(path) => std::fs::read_to_string(root.join(path)).unwrap(),
                None => serde_json::to_string(&scenario["rules"]).unwrap(),
            };
            let request = serde_json::to_string(&scenario["request"]).unwrap();
            (file.strip_prefix(root).unwrap().display().to_string(), question, rules, request)
        })
        .collect()
}

/// Runs `commerce-rules ARGS --rules R --request -` with the rule set in a
/// file and the request on standard input.
fn ask(args: &[&str], rules: &str, request: &str) -> Output {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("commerce-rules-cli-{}-{n}.rules.json", std::process::id()));
    std::fs::write(&path, rules).unwrap();
    let mut all = args.to_vec();
    all.extend(["--rules", path.to_str().unwrap(), "--request", "-"]);
    let out = cli(&all, Some(request));
    std::fs::remove_file(&path).unwrap();
    out
}

#[test]
fn every_question_answers_every_scenario_with_the_engines_bytes() {
    let mut asked = std::collections::BTreeSet::new();
    for (name, question, rules, request) in scenarios() {
        let command = question.replace('_', "-");
        let out = ask(&[&command], &rules, &request);
        let expected = commerce_rules::Engine::from_json(&rules).and_then(|engine| {
            let q = commerce_rules::Question::from_name(&question).unwrap();
            engine.answer_json(q, &request)
        });
        match expected {
            Ok(answer) => {
                assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
                assert_eq!(text(&out.stdout), answer + "\n", "{name}");
            }
            Err(e) => {
                assert_eq!(out.status.code(), Some(2), "{name}");
                assert!(out.stdout.is_empty(), "{name}");
                let stderr = text(&out.stderr);
                let first = stderr.lines().next().unwrap();
                assert!(first.ends_with(&format!("({})", e.code())), "{name}: {stderr}");
                for p in e.problems() {
                    let line = format!("  {}", commerce_rules::escape_control(&p.to_string()));
                    assert!(stderr.lines().any(|l| l == line), "{name}: {stderr}");
                }
            }
        }
        asked.insert(question);
    }
    let every: std::collections::BTreeSet<String> =
        commerce_rules::Question::ALL.iter().map(|q| q.name().to_string()).collect();
    assert_eq!(asked, every, "a question without a golden scenario");
}

#[test]
fn a_question_answers_to_its_command_its_engine_name_and_answer() {
    let mut seen = std::collections::BTreeSet::new();
    for (name, question, rules, request) in scenarios() {
        if !seen.insert(question.clone()) {
            continue;
        }
        let expected = ask(&[&question.replace('_', "-")], &rules, &request);
        assert_eq!(ask(&[&question], &rules, &request).stdout, expected.stdout, "{name}");
        assert_eq!(ask(&["answer", &question], &rules, &request).stdout, expected.stdout, "{name}");
        let pretty = ask(&[&question.replace('_', "-"), "--pretty"], &rules, &request);
        if expected.status.success() {
            assert_eq!(minified(&text(&pretty.stdout)) + "\n", text(&expected.stdout), "{name}");
        }
    }
    let rules = data("cn-store.rules.json");
    let out = cli(&["answer", "frobnicate", "--rules", rules.to_str().unwrap(), "--request", "-"], Some("{}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: unknown question `frobnicate`; the engine answers: quote, "));
}

/// `json` without the whitespace outside its strings.
fn minified(json: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
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
fn pretty_indents_the_exact_answer_without_sorting_it() {
    let rules = data("cn-store.rules.json");
    let request = data("cn-store.quote.json");
    let args = ["quote", "--rules", rules.to_str().unwrap(), "--request", request.to_str().unwrap()];
    let compact = text(&cli(&args, None).stdout);
    let out = cli(&[&args[..], &["--pretty"]].concat(), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pretty = text(&out.stdout);
    assert_eq!(minified(&pretty) + "\n", compact);
    // The answer's own order: `currency` before `lines` before `totals`,
    // where sorting would put `lines` first.
    let at = |key: &str| pretty.find(&format!("\n  \"{key}\": ")).unwrap_or_else(|| panic!("{key}: {pretty}"));
    let first_key = compact[2..].split('"').next().unwrap();
    assert!(pretty.starts_with(&format!("{{\n  \"{first_key}\": ")), "{pretty}");
    assert!(at("lines") < at("totals"), "{pretty}");
    let mut keys: Vec<&str> = pretty.lines().filter_map(|l| l.strip_prefix("  \"")?.split('"').next()).collect();
    let in_order = keys.clone();
    keys.sort_unstable();
    assert_ne!(keys, in_order, "the top-level keys came out sorted");
}

#[test]
fn version_and_help() {
    let out = cli(&["--version"], None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), format!("commerce-rules {}\n", env!("CARGO_PKG_VERSION")));
    let help = text(&cli(&["--help"], None).stdout);
    for command in [
        "quote",
        "best-coupons",
        "shipping-options",
        "tier-status",
        "points-balance",
        "return-refund",
        "price-protection",
        "answer",
        "validate",
        "check",
    ] {
        assert!(help.contains(&format!("\n  {command} ")), "{command}: {help}");
    }
    let quote = text(&cli(&["help", "quote"], None).stdout);
    assert!(quote.contains("--explain") && quote.contains("--pretty") && quote.contains("--request <FILE>"), "{quote}");
}

#[test]
fn standard_input_feeds_one_file_at_most() {
    let out = cli(&["quote", "--rules", "-", "--request", "-"], Some("{}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot both read standard input"), "{}", text(&out.stderr));
    let rules = std::fs::read_to_string(data("us-store.rules.json")).unwrap();
    let request = data("us-store.quote.json");
    let out = cli(&["quote", "--rules", "-", "--request", request.to_str().unwrap()], Some(&rules));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn unknown_commands_exit_2_and_say_so() {
    let out = cli(&["frobnicate", "--rules", "x"], None);
    assert_eq!(out.status.code(), Some(2));
    // The WASM suite (bindings-wasm/test/golden.test.mjs) recognises this prefix.
    assert!(text(&out.stderr).starts_with("unknown command `frobnicate`"), "{}", text(&out.stderr));
    assert_eq!(cli(&["quote", "--frobnicate"], None).status.code(), Some(2));
}

/// No byte of `text` is a control character other than a line break.
fn assert_printable(text: &str) {
    assert!(!text.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'), "{text:?}");
}

#[test]
fn control_characters_from_the_input_are_escaped_in_every_message() {
    let rules = data("cn-store.rules.json");
    // An unknown field whose name clears the screen, and a coupon code with
    // a colour and a right-to-left override: the error quotes the field.
    let mut request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data("cn-store.quote.json")).unwrap()).unwrap();
    request["lines"][0]["sku\u{1b}[2J\r"] = serde_json::json!(1);
    request["codes"] = serde_json::json!(["\u{1b}[31mRED\u{202e}"]);
    let out = cli(&["quote", "--rules", rules.to_str().unwrap(), "--request", "-"], Some(&request.to_string()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("lines[0].sku\\u001b[2J\\r: unknown field `sku\\u001b[2J\\r`"), "{stderr}");
    assert_printable(&stderr);

    // A rule set with one: `validate` and `check` print the same way.
    let mut bad: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&rules).unwrap()).unwrap();
    bad["\u{1b}]0;pwned\u{7}"] = serde_json::json!(true);
    for command in ["validate", "check"] {
        let out = cli(&[command, "--rules", "-"], Some(&bad.to_string()));
        assert_eq!(out.status.code(), Some(2), "{command}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("\\u001b]0;pwned\\u0007"), "{command}: {stderr}");
        assert_printable(&stderr);
    }

    // Names from the command line: a file that cannot be read, a command.
    let out = cli(&["validate", "--rules", "/nonexistent/\u{1b}[5m.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/\\u001b[5m.json"), "{}", text(&out.stderr));
    assert_printable(&text(&out.stderr));
    for args in [&["\u{1b}[2Jquote"][..], &["quote", "--\u{1b}[2J"], &["check", "--rules", "x", "--cases", "\u{1b}[2J"]]
    {
        let out = cli(args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("\\u001b[2J"), "{args:?}: {}", text(&out.stderr));
        assert_printable(&text(&out.stderr));
    }
}

#[test]
fn json_answers_are_not_escaped_twice() {
    // A code the request names comes back in the answer's rejections: JSON
    // escapes its control characters once, as the C and WASM answers do.
    let rules = data("cn-store.rules.json");
    let mut request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data("cn-store.quote.json")).unwrap()).unwrap();
    request["codes"] = serde_json::json!(["\u{1b}[31mRED"]);
    let request = request.to_string();
    let out = cli(&["quote", "--rules", rules.to_str().unwrap(), "--request", "-"], Some(&request));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let engine = commerce_rules::Engine::from_json(&std::fs::read_to_string(&rules).unwrap()).unwrap();
    let expected = engine.quote_json(&request).unwrap();
    assert!(expected.contains("\"\\u001b[31mRED\""), "{expected}");
    assert_eq!(text(&out.stdout), expected + "\n");
}

#[test]
fn explain_sends_the_request_with_explain_set() {
    // Whether or not the engine reads `explain` yet, the CLI answers what the
    // engine answers for the request with `"explain": true` added first.
    let rules = data("cn-store.rules.json");
    let request = std::fs::read_to_string(data("cn-store.quote.json")).unwrap();
    let out = cli(&["quote", "--explain", "--rules", rules.to_str().unwrap(), "--request", "-"], Some(&request));
    let engine = commerce_rules::Engine::from_json(&std::fs::read_to_string(&rules).unwrap()).unwrap();
    let sent = request.replacen('{', "{\"explain\":true,", 1);
    match engine.quote_json(&sent) {
        Ok(answer) => {
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert_eq!(text(&out.stdout), answer + "\n");
        }
        Err(e) => {
            // Before the engine knows the field, it names it.
            assert_eq!(e.path(), "explain");
            assert_eq!(out.status.code(), Some(2));
            assert!(text(&out.stderr).contains(&format!("\n  {}", e.problems()[0])), "{}", text(&out.stderr));
        }
    }
}

/// The sample store's German market (`examples/data/cn-store.de.quote.json`:
/// `"market": "de"`, shipped to Berlin): the CLI answers in EUR with the
/// market recorded and the landed cost broken down, byte for byte what the
/// library answers.
#[test]
fn quote_answers_in_the_markets_currency_with_the_landed_cost() {
    let rules = data("cn-store.rules.json");
    let request = data("cn-store.de.quote.json");
    let out = cli(&["quote", "--rules", rules.to_str().unwrap(), "--request", request.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let engine = commerce_rules::Engine::from_json(&std::fs::read_to_string(&rules).unwrap()).unwrap();
    let expected = engine.quote_json(&std::fs::read_to_string(&request).unwrap()).unwrap();
    assert_eq!(text(&out.stdout), expected.clone() + "\n");
    let answer: serde_json::Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(answer["currency"], "EUR");
    assert_eq!(answer["market"]["id"], "de");
    assert_eq!(answer["market"]["currency"], "EUR");
    assert_eq!(answer["market"]["base_currency"], "CNY");
    assert_eq!(answer["market"]["rate"], "0.1280");
    let landed = &answer["landed"];
    assert_eq!(landed["destination"], "de");
    // Under EUR 150 of goods: the IOSS low-value regime, VAT at checkout.
    assert_eq!(landed["regime"], "low_value");
    assert_eq!(landed["due_on_delivery"], "0.00");
    assert_eq!(answer["totals"]["duties_at_checkout"], landed["collected_at_checkout"]);
    // The parts sum to the landed total (cents, exactly).
    let cents = |v: &serde_json::Value| -> i64 { v.as_str().unwrap().replace('.', "").parse().unwrap() };
    let sum: i64 = landed["parts"].as_array().unwrap().iter().map(|p| cents(&p["amount"])).sum();
    assert_eq!(sum, cents(&landed["landed_total"]));
}
