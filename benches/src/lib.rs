//! Fixtures for the criterion benchmarks: rule sets and carts of a given size.

/// The bundled Chinese sample store's rule set.
pub const CN_RULES: &str = include_str!("../../examples/data/cn-store.rules.json");

/// A quote request for the Chinese sample store with `lines` lines, cycling
/// through SKUs that hit member, sale, volume and list prices.
///
/// ```
/// let json = commerce_rules_benches::cn_cart(3);
/// assert!(json.contains("\"id\":\"L002\""));
/// ```
pub fn cn_cart(lines: usize) -> String {
    const SKUS: &[(&str, &str, &str)] = &[
        ("TEA-LONGJING-250G", "198.00", "tea"),
        ("WATER-550ML", "2.00", "drinks"),
        ("SNACK-NUTS-500G", "49.90", "snacks"),
        ("SNACK-DATES-1KG", "35.80", "snacks"),
        ("BOOK-TEA-CLASSIC", "42.00", "books"),
    ];
    let lines: Vec<String> = (0..lines)
        .map(|i| {
            let (sku, price, category) = SKUS[i % SKUS.len()];
            let tax = if category == "books" { r#","tax_class":"vat-9""# } else { "" };
            format!(
                r#"{{"id":"L{i:03}","sku":"{sku}-{i}","quantity":{},"unit_price":"{price}","categories":["{category}"]{tax}}}"#,
                1 + i % 13
            )
        })
        .collect();
    format!(
        r#"{{"now":"2026-11-11T20:15:00+08:00","customer":{{"id":"c-1","tier":"gold"}},"lines":[{}]}}"#,
        lines.join(",")
    )
}
