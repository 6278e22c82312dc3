//! Writes the full benchmark store and cart (`full_rules()`, `full_cart()`)
//! to DIR/full.rules.json and DIR/full.quote.json, for measuring the CLI:
//!
//! ```text
//! cargo run -p commerce-rules-benches --example full_cart -- /tmp/full
//! /usr/bin/time -v commerce-rules quote --rules /tmp/full/full.rules.json --request /tmp/full/full.quote.json
//! ```

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_string()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("full.rules.json"), commerce_rules_benches::full_rules())?;
    std::fs::write(dir.join("full.quote.json"), commerce_rules_benches::full_cart())?;
    Ok(())
}
