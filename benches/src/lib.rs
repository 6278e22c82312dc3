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

/// A Chinese store with membership tiers on 12 months of paid spend and
/// JD-bean points, for the points benchmarks.
pub const POINTS_RULES: &str = r#"{
    "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
    "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
    "membership": {"qualification": {"metric": "paid_spend", "window_months": 12}, "validity_months": 12,
        "tiers": [{"id": "member", "rank": 1, "threshold": "0"}, {"id": "silver", "rank": 2, "threshold": "2000.00"},
                  {"id": "gold", "rank": 3, "threshold": "10000.00"}, {"id": "platinum", "rank": 4, "threshold": "50000.00"}]},
    "points": {"earning": {"rate": "1", "pending_days": 7},
               "redemption": {"points_per_unit": 100, "min_points": 1000, "step": 100, "max_share_percent": "50"},
               "expiry": {"policy": "months_after_earning", "months": 12}}
}"#;

/// A tier-status request with `entries` orders spread over three years.
///
/// ```
/// let json = commerce_rules_benches::tier_history(3);
/// assert!(json.contains("\"history\""));
/// ```
pub fn tier_history(entries: usize) -> String {
    let history: Vec<String> = (0..entries)
        .map(|i| {
            let day = i * 1095 / entries.max(1);
            let (y, d) = (2024 + day / 365, day % 365);
            let (m, dd) = (1 + d / 31 % 12, 1 + d % 28);
            format!(
                r#"{{"at":"{y}-{m:02}-{dd:02}T{:02}:15:00+08:00","amount":"{}.{:02}"}}"#,
                i % 24,
                20 + i % 400,
                i % 100
            )
        })
        .collect();
    format!(r#"{{"now":"2026-11-11T20:00:00+08:00","history":[{}]}}"#, history.join(","))
}

/// A points-balance request with `lots` lots, some expired, some never expiring.
///
/// ```
/// let json = commerce_rules_benches::point_lots(3);
/// assert!(json.contains("\"lot2\""));
/// ```
pub fn point_lots(lots: usize) -> String {
    let lots: Vec<String> = (0..lots)
        .map(|i| {
            let (y, m, d) = (2025 + i % 2, 1 + i % 12, 1 + i % 28);
            let expires = match i % 3 {
                0 => String::new(),
                1 => format!(r#","expires_at":"{}-{m:02}-{d:02}T00:00:00+08:00""#, y + 1),
                _ => format!(r#","expires_at":"{}-{m:02}-{d:02}T00:00:00+08:00""#, y + 2),
            };
            format!(
                r#"{{"id":"lot{i}","earned_at":"{y}-{m:02}-{d:02}T10:00:00+08:00","amount":{}{expires}}}"#,
                10 + i * 7 % 900
            )
        })
        .collect();
    format!(r#"{{"now":"2026-11-11T20:00:00+08:00","debt":150,"lots":[{}]}}"#, lots.join(","))
}
