//! `commerce-rules`: ask the engine every question, validate and
//! property-test rule sets, from the command line.
//!
//! ```text
//! commerce-rules                                   # quote the bundled sample stores
//! commerce-rules quote --rules R.json --request Q.json [--pretty] [--explain]
//! commerce-rules best-coupons | shipping-options | tier-status | points-balance
//!                | return-refund | price-protection --rules R.json --request Q.json [--pretty]
//! commerce-rules answer QUESTION --rules R.json --request Q.json [--pretty]
//! commerce-rules validate --rules R.json
//! commerce-rules check --rules R.json [--cases N | --time SECONDS] [--seed S] [--out DIR] [--coverage-json FILE]
//! commerce-rules check --rules R.json --replay FILE...
//! commerce-rules --version | help [COMMAND]
//! ```
//! Each question reads the same JSON request and prints the same JSON answer
//! as the C API and the WASM package, byte for byte (`--pretty` indents it,
//! in the same field order). `-` reads a file from standard input. Exit
//! status: 0 on success, 2 on invalid input or usage (the error on standard
//! error); `check` exits 1 when a generated request breaks an invariant,
//! after printing each distinct violation (at most 10) with a shrunk request
//! to replay. Text meant for a person (receipts, reports, errors) has its
//! control characters escaped (`commerce_rules::escape_control`).

mod check;
mod json_text;

use std::io::Read;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use commerce_rules::{escape_control, Engine, Error, Question, QuoteAnswer};

/// What `--help` adds after the list of commands.
const AFTER_HELP: &str = "\
Without a command, quotes the bundled sample stores and prints receipts.

Every question reads a rule set (--rules FILE) and a request (--request
FILE), both JSON, and prints the answer as compact JSON: byte for byte what
the C API and the WASM package answer (--pretty indents it, keeping the
order of the fields). `-` reads standard input. The question commands also
answer to the engine's names (`best_coupons`...); `help COMMAND` tells more.

`check` property-tests a rule set (default 256 cases, seed 0): it runs every
case, prints each distinct violation (at most 10) once with its codes,
messages and a shrunk request to replay with `quote`; exit status 1 if any.
It then prints how often each promotion applied or was refused and each
shipping method was chosen, naming the rules no case exercised. `--time`
spends a time budget instead of a case count, `--out DIR` writes each
failing request (and the request it was compared with) as files with the
commands that replay them, `--replay FILE` checks saved requests again.

Exit status: 0 on success, 2 on invalid input or usage (the error on
standard error), 1 when `check` finds a broken invariant.";

/// Exact, deterministic commerce rules: quote carts, answer every question of
/// the engine, validate and property-test rule sets.
#[derive(Parser)]
#[command(name = "commerce-rules", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Price a cart
    ///
    /// The `quote` question: `Engine::quote`, `cr_engine_quote`, `engine.quote`.
    #[command(verbatim_doc_comment)]
    Quote {
        #[command(flatten)]
        io: QuestionArgs,
        /// Ask for the explanation trail and why every other promotion did not
        /// apply: sets `"explain": true` at the top level of the request
        #[arg(long)]
        explain: bool,
    },
    /// The wallet coupons that save most on a cart
    ///
    /// The `best_coupons` question (and why the other coupons were not used):
    /// `Engine::best_coupons`, `cr_engine_best_coupons`, `engine.bestCoupons`.
    /// The request is a quote request.
    #[command(verbatim_doc_comment, alias = "best_coupons")]
    BestCoupons(QuestionArgs),
    /// Shipping methods, prices and delivery dates for a cart
    ///
    /// The `shipping_options` question (and why other methods are unavailable):
    /// `Engine::shipping_options`, `cr_engine_shipping_options`,
    /// `engine.shippingOptions`. The request is a quote request.
    #[command(verbatim_doc_comment, alias = "shipping_options")]
    ShippingOptions(QuestionArgs),
    /// A customer's membership tier, progress and lapse date
    ///
    /// The `tier_status` question: `Engine::tier_status`,
    /// `cr_engine_tier_status`, `engine.tierStatus`.
    #[command(verbatim_doc_comment, alias = "tier_status")]
    TierStatus(QuestionArgs),
    /// A customer's available points and what expires when
    ///
    /// The `points_balance` question: `Engine::points_balance`,
    /// `cr_engine_points_balance`, `engine.pointsBalance`.
    #[command(verbatim_doc_comment, alias = "points_balance")]
    PointsBalance(QuestionArgs),
    /// Return eligibility and the refund, part by part
    ///
    /// The `return_refund` question: `Engine::return_refund`,
    /// `cr_engine_return_refund`, `engine.returnRefund`.
    #[command(verbatim_doc_comment, alias = "return_refund")]
    ReturnRefund(QuestionArgs),
    /// Price protection (价保): what is owed where a price dropped
    ///
    /// The `price_protection` question: `Engine::price_protection`,
    /// `cr_engine_price_protection`, `engine.priceProtection`.
    #[command(verbatim_doc_comment, alias = "price_protection")]
    PriceProtection(QuestionArgs),
    /// Answer a question given by its name
    ///
    /// `Engine::answer_json`, `cr_engine_answer`, `engine.answer`: quote,
    /// best_coupons, shipping_options, tier_status, points_balance,
    /// return_refund, price_protection.
    #[command(verbatim_doc_comment)]
    Answer {
        /// The question's name, as `Engine::answer_json` knows it
        question: String,
        #[command(flatten)]
        io: QuestionArgs,
    },
    /// Validate a rule set
    ///
    /// Prints `FILE: valid`, or every problem with its JSON path and code on
    /// standard error and exits with status 2.
    #[command(verbatim_doc_comment)]
    Validate {
        /// The rule set (JSON; `-` for standard input)
        #[arg(long, value_name = "FILE")]
        rules: String,
    },
    /// Property-test a rule set
    ///
    /// Generated carts fitted to the rule set, every invariant checked, each
    /// distinct violation (at most 10) reported once with its codes, messages
    /// and a shrunk request to replay with `quote`; exit status 1 if any.
    /// Then the coverage: how often each promotion applied or was refused
    /// (by reason), each shipping method was chosen, and the rules no case
    /// exercised.
    #[command(verbatim_doc_comment)]
    Check(CheckArgs),
    /// A question the engine answers that has no command of its own yet.
    #[command(external_subcommand)]
    Other(Vec<String>),
}

/// The options of `check`.
#[derive(Args)]
struct CheckArgs {
    /// The rule set (JSON; `-` for standard input)
    #[arg(long, value_name = "FILE")]
    rules: String,
    /// How many generated requests to check
    #[arg(long, value_name = "N", default_value_t = 256, conflicts_with = "time")]
    cases: u32,
    /// Check generated requests for this long instead of a number of cases
    /// (shrinking the failures found may take a little longer); the report
    /// says how many cases ran, which `--cases N` runs again
    #[arg(long, value_name = "SECONDS")]
    time: Option<f64>,
    /// The seed the requests are drawn from: the same seed, the same cases
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Write each failing request, and the request an invariant compared it
    /// with, as JSON files in DIR (created if missing; earlier `failure-*`
    /// files there are removed), with the commands replaying them in
    /// DIR/REPLAY.txt
    #[arg(long, value_name = "DIR")]
    out: Option<String>,
    /// Write the per-rule coverage as JSON to FILE
    #[arg(long, value_name = "FILE")]
    coverage_json: Option<String>,
    /// Check these saved requests (a file `--out` wrote) instead of generated
    /// ones: their violations, exit status 1 if any
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["time", "out", "coverage_json"])]
    replay: Vec<String>,
}

/// What every question reads, and how it prints the answer.
#[derive(Args)]
struct QuestionArgs {
    /// The rule set (JSON; `-` for standard input)
    #[arg(long, value_name = "FILE")]
    rules: String,
    /// The request (JSON; `-` for standard input)
    #[arg(long, value_name = "FILE")]
    request: String,
    /// Indent the answer (two spaces), keeping the order of its fields
    #[arg(long)]
    pretty: bool,
}

/// The arguments of a question given as a command of its own name.
#[derive(Parser)]
#[command(no_binary_name = true)]
struct OtherArgs {
    #[command(flatten)]
    io: QuestionArgs,
}

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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors quote the arguments: escape them like any message.
            let mut text = escape_lines(&e.render().to_string());
            if !text.ends_with('\n') {
                text.push('\n');
            }
            if e.use_stderr() {
                eprint!("{text}");
                return ExitCode::from(2);
            }
            print!("{text}");
            return ExitCode::SUCCESS;
        }
    };
    match run(cli.command) {
        Ok(Output::Json(answer)) => {
            print!("{answer}");
            ExitCode::SUCCESS
        }
        Ok(Output::Text(text)) => {
            print!("{}", escape_lines(&text));
            ExitCode::SUCCESS
        }
        Err(Failure::Violations(report)) => {
            print!("{}", escape_lines(&report));
            ExitCode::from(1)
        }
        Err(Failure::Input(message)) => {
            eprintln!("{}", escape_lines(&message));
            ExitCode::from(2)
        }
    }
}

/// What a successful command prints.
#[derive(Debug)]
enum Output {
    /// An answer, exactly as the engine wrote it (JSON escapes what it must).
    Json(String),
    /// Text for a person, printed with its control characters escaped.
    Text(String),
}

/// Why a command did not succeed.
#[derive(Debug)]
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

/// `text` with the control characters of each line escaped, its line breaks kept.
fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape_control).collect::<Vec<_>>().join("\n")
}

fn run(command: Option<Command>) -> Result<Output, Failure> {
    let Some(command) = command else {
        return Ok(Output::Text(demo()?));
    };
    match command {
        Command::Quote { io, explain } => ask(Question::Quote, &io, explain),
        Command::BestCoupons(io) => ask(Question::BestCoupons, &io, false),
        Command::ShippingOptions(io) => ask(Question::ShippingOptions, &io, false),
        Command::TierStatus(io) => ask(Question::TierStatus, &io, false),
        Command::PointsBalance(io) => ask(Question::PointsBalance, &io, false),
        Command::ReturnRefund(io) => ask(Question::ReturnRefund, &io, false),
        Command::PriceProtection(io) => ask(Question::PriceProtection, &io, false),
        Command::Answer { question, io } => {
            let q = Question::from_name(&question).ok_or_else(|| {
                format!("error: unknown question `{question}`; the engine answers: {}", question_names())
            })?;
            ask(q, &io, false)
        }
        Command::Validate { rules } => {
            load(&rules)?;
            Ok(Output::Text(format!("{rules}: valid\n")))
        }
        Command::Check(args) => check::run(&args).map(Output::Text),
        Command::Other(args) => other(&args),
    }
}

/// A command named after a question without a command of its own (one the
/// engine learnt after this file was written), or an unknown command.
fn other(args: &[String]) -> Result<Output, Failure> {
    let (name, rest) = args.split_first().map_or(("", &[][..]), |(n, r)| (n.as_str(), r));
    let Some(question) = Question::from_name(&name.replace('-', "_")) else {
        return Err(format!(
            "unknown command `{name}`\n\n{}\n\nFor more information, try 'commerce-rules help'.",
            Cli::command().render_usage().to_string().trim_end()
        )
        .into());
    };
    let parsed = OtherArgs::try_parse_from(rest).map_err(|e| e.render().to_string().trim_end().to_string())?;
    ask(question, &parsed.io, false)
}

fn question_names() -> String {
    Question::ALL.iter().map(|q| q.name()).collect::<Vec<_>>().join(", ")
}

/// Asks `question` the request of `io` and formats the answer.
fn ask(question: Question, io: &QuestionArgs, explain: bool) -> Result<Output, Failure> {
    if io.rules == "-" && io.request == "-" {
        return Err("error: --rules and --request cannot both read standard input".to_string().into());
    }
    let engine = load(&io.rules)?;
    let mut request = read(&io.request)?;
    if explain {
        request = json_text::with_explain(&request);
    }
    let answer = engine.answer_json(question, &request).map_err(|e| describe("request", &e))?;
    Ok(Output::Json(if io.pretty { json_text::pretty(&answer)? } else { answer + "\n" }))
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
    ] {
        out.push_str(&format!("{label:>62} {:>10} {}\n", value.to_string(), a.currency));
    }
    if let Some(d) = t.duties_at_checkout.filter(|d| !d.is_zero()) {
        out.push_str(&format!("{:>62} {:>10} {}\n", "duties and taxes (at checkout)", d.to_string(), a.currency));
    }
    out.push_str(&format!("{:>62} {:>10} {}\n", "grand total", t.grand_total.to_string(), a.currency));
    if let Some(l) = a.landed.as_ref().filter(|l| !l.due_on_delivery.is_zero()) {
        out.push_str(&format!(
            "{:>62} {:>10} {}\n",
            "duties and taxes due on delivery (estimate)",
            l.due_on_delivery.to_string(),
            a.currency
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_question_has_a_command_under_both_its_names() {
        let cli = Cli::command();
        for q in Question::ALL {
            let command = cli.find_subcommand(q.name().replace('_', "-")).map(|c| c.get_name().to_string());
            assert_eq!(command.as_deref(), Some(q.name().replace('_', "-").as_str()), "{}: add a command", q.name());
            let by_engine_name = cli.find_subcommand(q.name()).map(|c| c.get_name().to_string());
            assert_eq!(by_engine_name, command, "{}", q.name());
        }
    }

    #[test]
    fn explain_reaches_only_the_quote_request() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["commerce-rules"][..], args].concat());
        let cli = parse(&["quote", "--rules", "r", "--request", "q", "--explain"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Quote { explain: true, .. })));
        assert!(parse(&["best-coupons", "--rules", "r", "--request", "q", "--explain"]).is_err());
        let cli = parse(&["tier_status", "--request", "-", "--rules", "r", "--pretty"]).unwrap();
        assert!(matches!(cli.command, Some(Command::TierStatus(QuestionArgs { pretty: true, .. }))));
    }

    #[test]
    fn a_question_without_a_command_of_its_own_is_answered_by_name() {
        let cli = Cli::try_parse_from(["commerce-rules", "frobnicate", "--rules", "r"]).unwrap();
        let Some(Command::Other(args)) = cli.command else { panic!("not an external command") };
        assert_eq!(args, ["frobnicate", "--rules", "r"]);
        let Err(Failure::Input(message)) = other(&args) else { panic!("answered an unknown command") };
        assert!(message.starts_with("unknown command `frobnicate`"), "{message}");
        // A question's name goes to the engine (here: the rules file is missing).
        let args = ["points-balance", "--rules", "/nonexistent.json", "--request", "q"].map(String::from);
        let Err(Failure::Input(message)) = other(&args) else { panic!("no error") };
        assert!(message.starts_with("cannot read /nonexistent.json"), "{message}");
    }

    #[test]
    fn text_is_escaped_line_by_line() {
        assert_eq!(escape_lines("a\u{1b}[2J\nb\r\n"), "a\\u001b[2J\nb\\r\n");
    }
}
