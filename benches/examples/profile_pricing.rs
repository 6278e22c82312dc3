//! Times the parts of a 50-line pricing-only quote (parse, quote,
//! serialize) for profiling; criterion gives the figures of record.

use std::time::Instant;

use commerce_rules::{Engine, QuoteRequest};
use commerce_rules_benches::{cn_cart, CN_RULES};

fn main() {
    let engine = Engine::from_json(CN_RULES).unwrap();
    let request = cn_cart(50);
    let req: QuoteRequest = serde_json::from_str(&request).unwrap();
    let answer = engine.quote(&req).unwrap();
    let n = 5000;
    let time = |label: &str, f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        println!("{label:<12} {:>8.1} µs", start.elapsed().as_secs_f64() * 1e6 / f64::from(n));
    };
    println!("answer {} bytes", serde_json::to_string(&answer).unwrap().len());
    time("value", &mut || drop(serde_json::from_str::<serde_json::Value>(&request).unwrap()));
    time("parse", &mut || drop(serde_json::from_str::<QuoteRequest>(&request).unwrap()));
    time("quote", &mut || drop(engine.quote(&req).unwrap()));
    time("serialize", &mut || drop(serde_json::to_string(&answer).unwrap()));
    time("all", &mut || drop(engine.quote_json(&request).unwrap()));
}
