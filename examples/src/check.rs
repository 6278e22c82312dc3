//! `commerce-rules check`: property-test a rule set, write the failing
//! requests as files with the commands replaying them, count per-rule
//! coverage, spend a time budget, check saved requests again.

use std::path::Path;
use std::time::{Duration, Instant};

use commerce_rules::money::Money;
use commerce_rules::returns::{ReturnRefundAnswer, ReturnRefundRequest};
use commerce_rules::testkit::{check_request, minimal_json, run_check_until, CheckReport, Quoter};
use commerce_rules::{Engine, Error, ErrorCode, QuoteAnswer, QuoteRequest, ShippingAnswer};

use crate::{describe, read, CheckArgs, Failure};

/// The environment variable that plants a fault in the engine `check`
/// tests, so that the kit itself can be tested end to end (the real engine
/// breaks no invariant on the bundled rule sets). Not for everyday use.
pub(crate) const FAULT_VAR: &str = "COMMERCE_RULES_CHECK_FAULT";

/// A deliberate bug in the answers `check` sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// A line of 4 units or more puts a cent on the grand total
    /// (`grand_total_identity`, invariant 3).
    CentAt4Units,
    /// When the first line costs more per unit than the last, the answer's
    /// first line names another price source (`order_dependent`, invariant 4).
    Order,
    /// A return taking 2 units of a line or more refunds a cent too much
    /// (`full_return_mismatch` or `refund_exceeds_paid`, invariant 6).
    RefundCent,
}

impl Fault {
    fn from_env() -> Result<Option<Fault>, String> {
        match std::env::var(FAULT_VAR).ok().as_deref() {
            None | Some("") => Ok(None),
            Some("cent-at-4-units") => Ok(Some(Fault::CentAt4Units)),
            Some("order") => Ok(Some(Fault::Order)),
            Some("refund-cent") => Ok(Some(Fault::RefundCent)),
            Some(other) => {
                Err(format!("error: {FAULT_VAR}={other}: the faults are cent-at-4-units, order and refund-cent"))
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            Fault::CentAt4Units => "cent-at-4-units",
            Fault::Order => "order",
            Fault::RefundCent => "refund-cent",
        }
    }

    fn plant(self, request: &QuoteRequest, answer: &mut QuoteAnswer) {
        match self {
            Fault::CentAt4Units => {
                if request.lines.iter().any(|l| l.quantity >= 4) {
                    let cent = Money::from_minor(1, answer.currency);
                    if let Ok(more) = answer.totals.grand_total.checked_add(cent) {
                        answer.totals.grand_total = more;
                    }
                }
            }
            Fault::Order => {
                if let (Some(first), Some(last)) = (request.lines.first(), request.lines.last()) {
                    if first.unit_price.0 > last.unit_price.0 {
                        if let Some(line) = answer.lines.first_mut() {
                            line.price_source.rule_id = Some("planted-fault".to_string());
                        }
                    }
                }
            }
            Fault::RefundCent => {}
        }
    }

    fn plant_refund(self, request: &ReturnRefundRequest, answer: &mut ReturnRefundAnswer) {
        if self == Fault::RefundCent && request.items.iter().any(|i| i.quantity >= 2) && !answer.refund.items.is_zero()
        {
            let r = &mut answer.refund;
            let cent = Money::from_minor(1, r.total.currency());
            if let (Ok(total), Ok(items)) = (r.total.checked_add(cent), r.items.checked_add(cent)) {
                r.total = total;
                r.items = items;
                if let Some(p) = r.parts.first_mut() {
                    if let Ok(a) = p.amount.checked_add(cent) {
                        p.amount = a;
                    }
                }
            }
        }
    }
}

/// The engine `check` asks: the real one, or with a fault planted.
struct Checked<'a> {
    engine: &'a Engine,
    fault: Option<Fault>,
}

impl Quoter for Checked<'_> {
    fn quote(&self, request: &QuoteRequest) -> Result<QuoteAnswer, Error> {
        let mut answer = self.engine.quote(request)?;
        if let Some(fault) = self.fault {
            fault.plant(request, &mut answer);
        }
        Ok(answer)
    }

    fn quote_json(&self, request: &str) -> Result<String, Error> {
        if self.fault.is_none() {
            return self.engine.quote_json(request);
        }
        let typed: QuoteRequest =
            serde_json::from_str(request).map_err(|e| Error::request(ErrorCode::InvalidJson, "", e.to_string()))?;
        self.quote(&typed).map(|a| serde_json::to_string(&a).unwrap_or_default())
    }

    fn shipping_options(&self, request: &QuoteRequest) -> Result<ShippingAnswer, Error> {
        self.engine.shipping_options(request)
    }

    fn return_refund(&self, request: &ReturnRefundRequest) -> Option<Result<ReturnRefundAnswer, Error>> {
        let mut answer = self.engine.return_refund(request);
        if let (Some(fault), Ok(a)) = (self.fault, &mut answer) {
            fault.plant_refund(request, a);
        }
        Some(answer)
    }
}

/// `check`: a run, or `--replay` of saved requests.
pub(crate) fn run(args: &CheckArgs) -> Result<String, Failure> {
    let text = read(&args.rules)?;
    let engine = Engine::from_json(&text).map_err(|e| describe(&args.rules, &e))?;
    let fault = Fault::from_env()?;
    let checked = Checked { engine: &engine, fault };
    let mut out = String::new();
    if let Some(f) = fault {
        out.push_str(&format!("note: {FAULT_VAR}={}: a fault is planted in the engine checked\n", f.name()));
    }
    if !args.replay.is_empty() {
        return replay(args, &checked, out);
    }
    let rules = commerce_rules::parse_rules_json(&text, engine.limits()).map_err(|e| describe(&args.rules, &e))?;
    let mut report = match args.time {
        None => run_check_until(&checked, &rules, args.cases, args.seed, |_| true),
        Some(seconds) => {
            let budget = Duration::try_from_secs_f64(seconds)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| format!("error: --time {seconds}: give a number of seconds over 0"))?;
            let start = Instant::now();
            let mut report = run_check_until(&checked, &rules, u32::MAX, args.seed, |_| start.elapsed() < budget);
            report.budget = Some(format!("a time budget of {seconds} s"));
            report
        }
    };
    let coverage = report.coverage.take();
    if let (Some(path), Some(c)) = (&args.coverage_json, &coverage) {
        std::fs::write(path, c.to_json() + "\n").map_err(|e| format!("error: cannot write {path}: {e}"))?;
    }
    out.push_str(&report.render(&args.rules));
    if let Some(dir) = &args.out {
        out.push('\n');
        out.push_str(&write_out(dir, &args.rules, &text, &report)?);
    }
    if let Some(c) = &coverage {
        out.push('\n');
        out.push_str(&c.render());
    }
    if report.passed() {
        return Ok(out);
    }
    if report.failures.is_empty() {
        // Stopped before any failure: nothing to replay, an input problem.
        let why = report.aborted.unwrap_or_default();
        return Err(format!("error: {}: the run stopped after {} cases: {why}", args.rules, report.cases_run).into());
    }
    Err(Failure::Violations(out))
}

/// `check --replay FILE...`: every invariant of each saved request.
fn replay(args: &CheckArgs, checked: &Checked<'_>, mut out: String) -> Result<String, Failure> {
    let mut failed = false;
    for path in &args.replay {
        let text = read(path)?;
        let request: QuoteRequest = serde_json::from_str(&text).map_err(|e| {
            format!("error: {path}: not a quote request: {}", commerce_rules::escape_control(&e.to_string()))
        })?;
        let violations = check_request(checked, &request);
        out.push_str(&format!("replay {path} against {}: ", args.rules));
        if violations.is_empty() {
            out.push_str("ok: no invariant broken\n");
            continue;
        }
        failed = true;
        out.push_str(&format!("{} violation{}\n", violations.len(), if violations.len() == 1 { "" } else { "s" }));
        for v in &violations {
            out.push_str(&format!("violation {} (invariant {}): {}\n", v.code, v.code.invariant(), v.message));
        }
    }
    if failed {
        Err(Failure::Violations(out))
    } else {
        Ok(out)
    }
}

/// `path` as a shell word.
fn shell(path: &str) -> String {
    if !path.is_empty() && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+:=,@".contains(&b)) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("error: cannot write {}: {e}", path.display()))
}

/// Writes each failure's request (`failure-N.request.json`) and the
/// requests its invariants compared it with
/// (`failure-N.CODE.compared.json`) to `dir`, and the commands replaying
/// them to `dir/REPLAY.txt`; returns that text.
fn write_out(dir: &str, rules_path: &str, rules_text: &str, report: &CheckReport) -> Result<String, String> {
    let root = Path::new(dir);
    std::fs::create_dir_all(root).map_err(|e| format!("error: cannot create {dir}: {e}"))?;
    // Files of an earlier run would be taken for this one's.
    let entries = std::fs::read_dir(root).map_err(|e| format!("error: cannot read {dir}: {e}"))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("failure-") && name.ends_with(".json") {
            std::fs::remove_file(entry.path()).map_err(|e| format!("error: cannot remove {name}: {e}"))?;
        }
    }
    let rules = if rules_path == "-" {
        let copy = root.join("rules.json");
        write(&copy, rules_text)?;
        copy.display().to_string()
    } else {
        rules_path.to_string()
    };
    let rules = shell(&rules);
    let n = report.failures.len();
    let mut text = if n == 0 {
        format!("replay: no failing request to write to {dir}\n")
    } else {
        format!("replay: {n} failing request{} written to {dir}\n", if n == 1 { "" } else { "s" })
    };
    for (i, f) in report.failures.iter().enumerate() {
        let k = i.saturating_add(1);
        let request = root.join(format!("failure-{k}.request.json"));
        write(&request, &(minimal_json(&f.request) + "\n"))?;
        let request = shell(&request.display().to_string());
        let codes: Vec<&str> = f.codes.iter().map(|c| c.as_str()).collect();
        text.push_str(&format!(
            "\n[{k}/{n}] {}: {} case(s), first case {}\n",
            codes.join(" + "),
            f.cases,
            f.first_case
        ));
        for v in &f.violations {
            text.push_str(&format!("  breaks {} (invariant {}): {}\n", v.code, v.code.invariant(), v.message));
        }
        text.push_str(&format!("  check it again:  commerce-rules check --rules {rules} --replay {request}\n"));
        text.push_str(&format!(
            "  see the answer:  commerce-rules quote --rules {rules} --request {request} --pretty\n"
        ));
        let mut written: Vec<(String, String)> = Vec::new();
        for v in &f.violations {
            let Some(c) = &v.compared else { continue };
            if written.iter().any(|(code, req)| code == v.code.as_str() && req == &c.request) {
                continue;
            }
            let same_code = written.iter().filter(|(code, _)| code == v.code.as_str()).count();
            written.push((v.code.as_str().to_string(), c.request.clone()));
            let name = match same_code {
                0 => format!("failure-{k}.{}.compared.json", v.code),
                m => format!("failure-{k}.{}-{}.compared.json", v.code, m.saturating_add(1)),
            };
            let path = root.join(name);
            let json = serde_json::from_str::<QuoteRequest>(&c.request)
                .map(|r| minimal_json(&r))
                .unwrap_or_else(|_| c.request.clone());
            write(&path, &(json + "\n"))?;
            text.push_str(&format!(
                "  {} compares it with {}:\n                   commerce-rules {} --rules {rules} --request {} --pretty\n",
                v.code,
                c.change,
                c.question.replace('_', "-"),
                shell(&path.display().to_string())
            ));
        }
    }
    write(&root.join("REPLAY.txt"), &text)?;
    Ok(text)
}
