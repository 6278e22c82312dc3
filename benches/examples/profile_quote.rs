//! Times the parts of the 50-line, 200-promotion quote (parse, quote,
//! serialize) for profiling; criterion gives the figures of record.
//! `ONLY=quote N=20 valgrind --tool=callgrind ...` counts the instructions of
//! one part, independent of the machine's load (`scripts/bench-instructions`).
//! `FIXTURE=full` takes the floors bench's full cart (shipping and points
//! too) instead of the promotions bench's, `FIXTURE=w1` the shared workload,
//! `FIXTURE=sweep:LINES:PROMOTIONS` a promotions-bench cart of that size,
//! `FIXTURE=growth:LINES:PROMOTIONS` issue 14's growth shape (the same five
//! promotions applying whatever their number).

use std::time::Instant;

use commerce_rules::{Engine, QuoteRequest};
use commerce_rules_benches::{full_cart, full_rules, growth_cart, growth_rules, promo_cart, promo_rules, w1};

fn main() {
    let (rules, request) = match std::env::var("FIXTURE").as_deref() {
        Ok("full") => (full_rules(), full_cart()),
        Ok("w1") => (w1().0.to_string(), w1().1.to_string()),
        // FIXTURE=sweep:LINES:PROMOTIONS: promo_cart(LINES, 10, PROMOTIONS) against promo_rules(PROMOTIONS).
        Ok(s) if s.starts_with("sweep:") => {
            let mut n = s.split(':').skip(1).map(|v| v.parse::<usize>().unwrap());
            let (lines, promotions) = (n.next().unwrap(), n.next().unwrap());
            (promo_rules(promotions), promo_cart(lines, 10, promotions))
        }
        // FIXTURE=growth:LINES:PROMOTIONS: growth_cart(LINES) against growth_rules(PROMOTIONS), the same few applying.
        Ok(s) if s.starts_with("growth:") => {
            let mut n = s.split(':').skip(1).map(|v| v.parse::<usize>().unwrap());
            let (lines, promotions) = (n.next().unwrap(), n.next().unwrap());
            (growth_rules(promotions), growth_cart(lines))
        }
        _ => (promo_rules(200), promo_cart(50, 10, 200)),
    };
    let engine = Engine::from_json(&rules).unwrap();
    let n: u32 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    // ONLY=quote (or value, parse, serialize, all) times one part, for `perf record`.
    let only = std::env::var("ONLY").ok();
    let time = |label: &str, f: &mut dyn FnMut()| {
        if only.as_deref().is_some_and(|o| o != label) {
            return;
        }
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        println!("{label:<12} {:>8.1} µs", start.elapsed().as_secs_f64() * 1e6 / f64::from(n));
    };
    let req: QuoteRequest = serde_json::from_str(&request).unwrap();
    if std::env::var_os("DUMP").is_some() {
        println!("{}", engine.quote_json(&request).unwrap());
        return;
    }
    let answer = engine.quote(&req).unwrap();
    println!(
        "applied {} rejected {} selection {:?} answer {} bytes, explanation {} steps",
        answer.promotions.len(),
        answer.rejected.len(),
        answer.selection,
        serde_json::to_string(&answer).unwrap().len(),
        answer.explanation.len()
    );
    time("value", &mut || drop(serde_json::from_str::<serde_json::Value>(&request).unwrap()));
    time("parse", &mut || drop(serde_json::from_str::<QuoteRequest>(&request).unwrap()));
    time("quote", &mut || drop(engine.quote(&req).unwrap()));
    time("serialize", &mut || drop(commerce_rules::to_json(&answer).unwrap()));
    time("all", &mut || drop(engine.quote_json(&request).unwrap()));
}
