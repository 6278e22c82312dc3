//! `commerce-rules`: quote carts and validate rule sets from the command line.
//!
//! ```text
//! commerce-rules                                   # quote the bundled sample stores
//! commerce-rules quote --rules R.json --request Q.json [--pretty]
//! commerce-rules validate --rules R.json
//! commerce-rules check --rules R.json [--cases N] [--seed S]
//! ```
//! `-` reads a file from standard input. Exit status: 0 on success, 2 on
//! invalid input (the error on standard error); `check` exits 1 when a
//! generated request breaks an invariant, after printing each distinct
//! violation (at most 10) with a shrunk request to replay.

use std::io::Read;
use std::process::ExitCode;

use commerce_rules::{Engine, Error, QuoteAnswer};

const USAGE: &str = "usage:
  commerce-rules                                   quote the bundled sample stores
  commerce-rules quote --rules R.json --request Q.json [--pretty]
  commerce-rules validate --rules R.json
  commerce-rules check --rules R.json [--cases N] [--seed S]
                                                   property-test the rule set (default 256 cases, seed 0):
                                                   runs every case, prints each distinct violation (at
                                                   most 10) once with its codes, messages and a shrunk
                                                   request to replay with `quote`; exit status 1 if any
  ('-' reads standard input)";

/// A bundled sample store: its rule set and a cart.
struct Sample {
    name: &'static str,
    rules: &'static str,
    request: &'static str,
}

const SAMPLES: &[Sample] = &[
    Sample {
        name: "cn-store (CNY, VAT included, member and sale prices, volume tiers, 满减, coupons, 包邮, points)",
        rules: include_str!("../data/cn-store.rules.json"),
        request: include_str!("../data/cn-store.quote.json"),
    },
    Sample {
        name: "us-store (USD, sales tax added, Black Friday sale, volume tiers)",
        rules: include_str!("../data/us-store.rules.json"),
        request: include_str!("../data/us-store.quote.json"),
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(Failure::Violations(report)) => {
            print!("{report}");
            ExitCode::from(1)
        }
        Err(Failure::Input(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// Why a command did not succeed.
enum Failure {
    /// Invalid input or usage: the message goes to standard error, exit status 2.
    Input(String),
    /// `check` found violations: the report goes to standard output, exit status 1.
    Violations(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Input(message)
    }
}

fn run(args: &[String]) -> Result<String, Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(demo()?);
    };
    let opts = Options::parse(rest)?;
    match command.as_str() {
        "quote" => {
            let engine = load(&opts.required("--rules")?)?;
            let request = read(&opts.required("--request")?)?;
            let answer = engine.quote_json(&request).map_err(|e| describe("request", &e))?;
            Ok(if opts.pretty { pretty(&answer)? } else { answer + "\n" })
        }
        "validate" => {
            let path = opts.required("--rules")?;
            load(&path)?;
            Ok(format!("{path}: valid\n"))
        }
        "check" => check(&opts),
        "help" | "--help" | "-h" => Ok(format!("{USAGE}\n")),
        other => Err(format!("unknown command `{other}`\n{USAGE}").into()),
    }
}

#[derive(Default)]
struct Options {
    pairs: Vec<(String, String)>,
    pretty: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut opts = Options::default();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            match flag.as_str() {
                "--pretty" => opts.pretty = true,
                "--rules" | "--request" | "--cases" | "--seed" => {
                    let value = it.next().ok_or_else(|| format!("{flag} needs a file name\n{USAGE}"))?;
                    opts.pairs.push((flag.clone(), value.clone()));
                }
                other => return Err(format!("unknown option `{other}`\n{USAGE}")),
            }
        }
        Ok(opts)
    }

    fn number<T: std::str::FromStr>(&self, flag: &str, default: T) -> Result<T, String> {
        match self.pairs.iter().find(|(f, _)| f == flag) {
            None => Ok(default),
            Some((_, v)) => v.parse().map_err(|_| format!("{flag} needs a whole number, not `{v}`\n{USAGE}")),
        }
    }

    fn required(&self, flag: &str) -> Result<String, String> {
        self.pairs
            .iter()
            .find(|(f, _)| f == flag)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("{flag} is required\n{USAGE}"))
    }
}

/// Runs generated requests against a rule set and reports each distinct
/// violation (set of broken invariant codes) once, with its request shrunk,
/// at most `MAX_REPORTED` of them.
fn check(opts: &Options) -> Result<String, Failure> {
    use commerce_rules::testkit::run_check;
    let path = opts.required("--rules")?;
    let cases: u32 = opts.number("--cases", 256)?;
    let seed: u64 = opts.number("--seed", 0)?;
    let text = read(&path)?;
    let engine = Engine::from_json(&text).map_err(|e| describe(&path, &e))?;
    let rules: commerce_rules::rules::RuleSet =
        serde_json::from_str(&text).map_err(|e| format!("error: {path}: {e}"))?;
    let report = run_check(&engine, &rules, cases, seed);
    if report.passed() {
        return Ok(report.render(&path));
    }
    if report.failures.is_empty() {
        // Stopped before any failure: nothing to replay, an input problem.
        let why = report.aborted.unwrap_or_default();
        return Err(format!("error: {path}: the run stopped after {} cases: {why}", report.cases_run).into());
    }
    Err(Failure::Violations(report.render(&path)))
}

fn read(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn load(path: &str) -> Result<Engine, String> {
    Engine::from_json(&read(path)?).map_err(|e| describe(path, &e))
}

/// Every problem of an error, one per line.
fn describe(what: &str, e: &Error) -> String {
    let mut out =
        format!("error: {what}: {} ({})", commerce_rules::messages::error_text(e.code(), Default::default()), e.code());
    for p in e.problems() {
        out.push_str(&format!("\n  {p}"));
    }
    out
}

fn pretty(json: &str) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&value).map(|s| s + "\n").map_err(|e| e.to_string())
}

/// Quotes each bundled sample and prints a receipt.
fn demo() -> Result<String, String> {
    let mut out = String::new();
    for sample in SAMPLES {
        let engine = Engine::from_json(sample.rules).map_err(|e| describe(sample.name, &e))?;
        let request = serde_json::from_str(sample.request).map_err(|e| e.to_string())?;
        let answer = engine.quote(&request).map_err(|e| describe(sample.name, &e))?;
        out.push_str(&receipt(sample.name, &answer));
    }
    out.push_str("\nFull answers as JSON: commerce-rules quote --rules examples/data/cn-store.rules.json --request examples/data/cn-store.quote.json --pretty\n");
    Ok(out)
}

fn receipt(name: &str, a: &QuoteAnswer) -> String {
    let mut out = format!("\n== {name} ==\n");
    out.push_str(&format!(
        "{:<20} {:>4} {:>10} {:>10} {:<22} {:>10} {:>10}\n",
        "sku", "qty", "list", "unit", "price", "tax", "total"
    ));
    for l in &a.lines {
        let source = match (&l.price_source.rule_id, l.price_source.tier_min_qty) {
            (Some(id), Some(min)) => format!("{id} ({min}+)"),
            (Some(id), None) => id.clone(),
            (None, _) => "list".to_string(),
        };
        out.push_str(&format!(
            "{:<20} {:>4} {:>10} {:>10} {:<22} {:>10} {:>10}\n",
            l.sku, l.quantity, l.list_unit_price, l.unit_price, source, l.tax.amount, l.total
        ));
    }
    for p in &a.promotions {
        let via = match (&p.code, &p.wallet_coupon_id) {
            (Some(code), _) => format!("code {code}"),
            (None, Some(w)) => format!("wallet {w}"),
            _ => "automatic".to_string(),
        };
        let name = p.name.as_deref().unwrap_or(&p.id);
        out.push_str(&format!("  promotion  {:<40} {:<16} -{:>9}\n", name, via, p.amount.to_string()));
    }
    for r in &a.rejected {
        let what = r.code.as_deref().or(r.wallet_coupon_id.as_deref()).or(r.promotion_id.as_deref()).unwrap_or("");
        out.push_str(&format!("  not used   {what:<40} {}\n", r.message));
    }
    for h in &a.hints {
        out.push_str(&format!("  hint       {}\n", h.message));
    }
    if let Some(s) = &a.shipping {
        for o in &s.options {
            let mark = if o.chosen { "*" } else { " " };
            out.push_str(&format!(
                "  shipping {mark} {:<38} {:>9} -{:>8} arrives {}..{}\n",
                o.name.as_deref().unwrap_or(&o.method_id),
                o.price.to_string(),
                o.discount.to_string(),
                o.delivery.earliest,
                o.delivery.latest
            ));
        }
    }
    if let Some(p) = &a.points {
        out.push_str(&format!(
            "  points     redeemed {} (-{}), to earn {} (pending until {})\n",
            p.redeemed,
            p.value,
            p.earned,
            p.pending_until.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    let t = &a.totals;
    let tax_label = if t.tax_included { "tax (included)" } else { "tax (added)" };
    for (label, value) in [
        ("list subtotal", t.list_subtotal),
        ("item subtotal", t.item_subtotal),
        ("discounts", t.discounts),
        ("shipping", t.shipping),
        ("shipping discounts", t.shipping_discounts),
        ("points", t.points_value),
        (tax_label, t.tax),
        ("savings", t.savings),
        ("grand total", t.grand_total),
    ] {
        out.push_str(&format!("{label:>62} {:>10} {}\n", value.to_string(), a.currency));
    }
    if let Some(d) = &a.display {
        out.push_str(&format!(
            "{:>62} {:>10} {} (at {})\n",
            "indicative",
            d.grand_total.to_string(),
            d.currency,
            d.rate
        ));
    }
    out
}
