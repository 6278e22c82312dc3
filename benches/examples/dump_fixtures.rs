//! Writes the benchmark fixtures as files, with the native engine's answers,
//! for runs outside Rust (`scripts/wasm-fuel` counts the WASM quote of them):
//!
//! - `full.rules.json`, `full.quote.json`: [`full_rules`] and [`full_cart`]
//!   (50 lines, 200 promotions, 10 wallet coupons, 5 shipping zones, points);
//! - `pricing.rules.json`, `pricing.quote.json`: the pricing-only sample
//!   store ([`CN_RULES`]) and [`cn_cart`]`(50)`;
//! - `w1.rules.json`, `w1.quote.json`: the shared workload W1 ([`w1`]);
//! - `growth.rules.json`, `growth.quote.json`: 200 lines against 1,000
//!   promotions of which the same five apply as against 200
//!   ([`growth_rules`]`(1000)`, [`growth_cart`]`(200)`), issue 14's growth
//!   shape;
//! - `growth_many.rules.json`, `growth_many.quote.json`: 200 lines against
//!   1,000 promotions of which 50 apply ([`promo_rules`]`(1000)`,
//!   [`promo_cart`]`(200, 10, 1000)`), the stricter shape;
//! - `*.answer.json`: the native `Engine::quote_json` of each, to compare
//!   another build's answer with byte for byte.
//!
//! ```text
//! cargo run -p commerce-rules-benches --example dump_fixtures -- target/fixtures
//! ```

use commerce_rules::Engine;
use commerce_rules_benches::{
    cn_cart, full_cart, full_rules, growth_cart, growth_rules, promo_cart, promo_rules, w1, CN_RULES,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_string()));
    std::fs::create_dir_all(&dir)?;
    let fixtures = [
        ("full", full_rules(), full_cart()),
        ("pricing", CN_RULES.to_string(), cn_cart(50)),
        ("w1", w1().0.to_string(), w1().1.to_string()),
        ("growth", growth_rules(1000), growth_cart(200)),
        ("growth_many", promo_rules(1000), promo_cart(200, 10, 1000)),
    ];
    for (name, rules, request) in fixtures {
        let answer = Engine::from_json(&rules)?.quote_json(&request)?;
        std::fs::write(dir.join(format!("{name}.rules.json")), &rules)?;
        std::fs::write(dir.join(format!("{name}.quote.json")), &request)?;
        std::fs::write(dir.join(format!("{name}.answer.json")), &answer)?;
        println!("{name}: rules {} B, request {} B, answer {} B", rules.len(), request.len(), answer.len());
    }
    Ok(())
}
