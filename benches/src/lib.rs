//! Fixtures for the criterion benchmarks: rule sets and carts of a given size.

/// The Chinese sample store's catalog prices and tax only (member, sale,
/// volume and segment price lists; no promotions, shipping or points), for
/// the pricing-only benchmark.
pub const CN_RULES: &str = include_str!("../../core/tests/data/cn-pricing.rules.json");

/// The bundled Chinese sample store with every stage configured.
pub const CN_FULL_RULES: &str = include_str!("../../examples/data/cn-store.rules.json");

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

/// A deterministic pseudo-random sequence for fixtures (no dependency, same
/// numbers on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

const CATEGORY_COUNT: u64 = 100;
const SKU_COUNT: u64 = 2_000;

/// A rule set with `promotions` active promotions over a catalog of 2,000
/// SKUs in 100 categories: a tenth are coupon-gated (half public codes,
/// half wallet coupons), the rest automatic; half name single SKUs, four in
/// ten a category and one in ten the whole order, with exclusive groups,
/// member conditions and minimum spends, as a large store has.
pub fn promo_rules(promotions: usize) -> String {
    let mut rng = Lcg(7);
    let gated = promotions / 10;
    let mut promos = Vec::with_capacity(promotions);
    for i in 0..promotions {
        let category = rng.next(CATEGORY_COUNT);
        let sku = rng.next(SKU_COUNT);
        let (trigger, extra) = if i < gated / 2 {
            ("code", format!(r#","codes":["CODE{i}"],"class":"coupon","combines_with":["default"]"#))
        } else if i < gated {
            ("wallet", r#","class":"coupon","combines_with":["default"]"#.to_string())
        } else {
            ("automatic", String::new())
        };
        let benefit = match rng.next(10) {
            0 => r#"{"type":"percent_off","percent":"10"}"#.to_string(),
            1 => r#"{"type":"fixed_price","unit_price":"9.90"}"#.to_string(),
            2 => r#"{"type":"buy_x_get_y","buy":2,"get":1}"#.to_string(),
            3 => r#"{"type":"nth_item","n":2,"percent":"50"}"#.to_string(),
            4 => r#"{"type":"quantity_tiers","tiers":[{"min_qty":2,"percent":"5"},{"min_qty":4,"percent":"12"}]}"#
                .to_string(),
            5 => format!(
                r#"{{"type":"spend_tiers","tiers":[{{"min_spend":"{}.00","discount":"20.00"}},{{"min_spend":"{}.00","discount":"50.00"}}]}}"#,
                100 + rng.next(300),
                500 + rng.next(500)
            ),
            6 => r#"{"type":"every_spend","every":"200.00","discount":"15.00","max_discount":"90.00"}"#.to_string(),
            7 => r#"{"type":"amount_off","amount":"5.00","per":"order"}"#.to_string(),
            8 => r#"{"type":"free_shipping"}"#.to_string(),
            _ => r#"{"type":"bundle_price","quantity":3,"price":"99.00"}"#.to_string(),
        };
        // One in ten covers the whole order, three in ten a category, six in ten a SKU.
        let items = match rng.next(10) {
            0 => String::new(),
            1..=3 => format!(r#","items":{{"categories":["cat-{category}"]}}"#),
            _ => format!(r#","items":{{"skus":["SKU-{sku}"]}}"#),
        };
        let conditions = match rng.next(8) {
            0 => r#","conditions":{"customer_tiers":["gold","platinum"]}"#,
            1 => r#","conditions":{"min_subtotal":{"amount":"150.00"}}"#,
            2 => r#","ends_at":"2026-12-31""#,
            3 => r#","exclusive_group":"sitewide""#,
            _ => "",
        };
        let priority = rng.next(200);
        promos.push(format!(
            r#"{{"id":"promo-{i:04}","trigger":"{trigger}"{extra},"priority":{priority},"benefit":{benefit}{items}{conditions}}}"#
        ));
    }
    store_rules(&promos)
}

/// The large store's rule set around `promos` (promotions as JSON objects):
/// CNY, tax included at 13 % and 9 %, a gold members' price list.
fn store_rules(promos: &[String]) -> String {
    format!(
        r#"{{"schema_version":1,"currency":"CNY","time_zone":"Asia/Shanghai",
  "tax":{{"prices_include_tax":true,"default_class":"std","classes":[{{"id":"std","rate_percent":"13"}},{{"id":"low","rate_percent":"9"}}]}},
  "price_lists":[{{"id":"gold","kind":"member","customer_tiers":["gold"],"prices":[{{"category":"cat-1","percent_of_list":"95"}},{{"category":"cat-2","percent_of_list":"95"}}]}}],
  "promotions":[{}]}}"#,
        promos.join(",\n")
    )
}

/// A `lines`-line cart for [`promo_rules`] with `wallet` wallet coupons and
/// two entered codes, for a gold member.
pub fn promo_cart(lines: usize, wallet: usize, promotions: usize) -> String {
    let gated = promotions / 10;
    let wallet: Vec<String> = (0..wallet)
        .map(|w| format!(r#"{{"id":"w{w}","promotion_id":"promo-{:04}"}}"#, gated / 2 + w % (gated - gated / 2).max(1)))
        .collect();
    format!(
        r#"{{"now":"2026-11-20T20:15:00+08:00","customer":{{"id":"c-1","tier":"gold"}},"lines":[{}],"codes":["code0"," Code1 "],"wallet":[{}]}}"#,
        store_lines(lines),
        wallet.join(",")
    )
}

/// `lines` cart lines of the large store's catalog (SKUs `SKU-0`..`SKU-1999`
/// in categories `cat-0`..`cat-99`), as JSON objects separated by commas.
fn store_lines(lines: usize) -> String {
    let mut rng = Lcg(11);
    let lines: Vec<String> = (0..lines)
        .map(|i| {
            let sku = rng.next(SKU_COUNT);
            let category = sku % CATEGORY_COUNT;
            let price = 5 + rng.next(300);
            format!(
                r#"{{"id":"L{i:03}","sku":"SKU-{sku}","quantity":{},"unit_price":"{price}.{:02}","categories":["cat-{category}"]}}"#,
                1 + rng.next(4),
                rng.next(100)
            )
        })
        .collect();
    lines.join(",")
}

/// Issue 14's growth shape, "when the same few apply": `promotions`
/// promotions of which the same five apply to [`growth_cart`] whatever their
/// number, as in a large store whose cart touches a few of its promotions.
///
/// The five: 10 % off category `cat-3`, buy 2 get 1 on `cat-7`, an
/// order-level 满减 (30 off from 300, 120 off from 1,000, allocated over
/// every line), the entered code `WELCOME` (20 off the order) and the
/// wallet coupon `wallet-vip` (5 % off the order). The others are the kinds
/// [`promo_rules`] makes, each missing the cart one way: on SKUs or
/// categories the cart does not hold, behind codes not entered or coupons
/// not held, for a tier the customer is not, above its subtotal, or ended.
///
/// ```
/// let engine = commerce_rules::Engine::from_json(&commerce_rules_benches::growth_rules(300)).unwrap();
/// let answer = engine.quote_json(&commerce_rules_benches::growth_cart(200)).unwrap();
/// assert_eq!(answer.matches("\"benefit\":").count(), 5);
/// ```
pub fn growth_rules(promotions: usize) -> String {
    let mut rng = Lcg(13);
    let mut promos = vec![
        r#"{"id":"cat3-10","trigger":"automatic","priority":10,"benefit":{"type":"percent_off","percent":"10"},"items":{"categories":["cat-3"]}}"#.to_string(),
        r#"{"id":"cat7-b2g1","trigger":"automatic","priority":20,"benefit":{"type":"buy_x_get_y","buy":2,"get":1},"items":{"categories":["cat-7"]}}"#.to_string(),
        r#"{"id":"order-tiers","trigger":"automatic","priority":30,"benefit":{"type":"spend_tiers","tiers":[{"min_spend":"300.00","discount":"30.00"},{"min_spend":"1000.00","discount":"120.00"}]}}"#.to_string(),
        r#"{"id":"welcome","trigger":"code","codes":["WELCOME"],"class":"coupon","combines_with":["default","coupon"],"priority":40,"benefit":{"type":"amount_off","amount":"20.00","per":"order"}}"#.to_string(),
        r#"{"id":"wallet-vip","trigger":"wallet","class":"coupon","combines_with":["default","coupon"],"priority":50,"benefit":{"type":"percent_off","percent":"5","scope":"order"}}"#.to_string(),
    ];
    for i in promos.len()..promotions {
        let benefit = match rng.next(8) {
            0 => r#"{"type":"percent_off","percent":"10"}"#,
            1 => r#"{"type":"fixed_price","unit_price":"9.90"}"#,
            2 => r#"{"type":"buy_x_get_y","buy":2,"get":1}"#,
            3 => r#"{"type":"nth_item","n":2,"percent":"50"}"#,
            4 => r#"{"type":"quantity_tiers","tiers":[{"min_qty":2,"percent":"5"},{"min_qty":4,"percent":"12"}]}"#,
            5 => r#"{"type":"every_spend","every":"200.00","discount":"15.00","max_discount":"90.00"}"#,
            6 => r#"{"type":"amount_off","amount":"5.00","per":"order"}"#,
            _ => r#"{"type":"bundle_price","quantity":3,"price":"99.00"}"#,
        };
        // How it misses the cart: the growth cart's SKUs and categories are
        // SKU-0..SKU-1999 and cat-0..cat-99; these are beyond them.
        let (kind, extra) = match rng.next(10) {
            0..=4 => ("automatic", format!(r#","items":{{"skus":["SKU-{}"]}}"#, SKU_COUNT + rng.next(SKU_COUNT))),
            5 | 6 => (
                "automatic",
                format!(r#","items":{{"categories":["cat-{}"]}}"#, CATEGORY_COUNT + rng.next(CATEGORY_COUNT)),
            ),
            7 => ("code", format!(r#","codes":["CODE{i}"],"class":"coupon""#)),
            8 => ("wallet", r#","class":"coupon""#.to_string()),
            _ => match rng.next(3) {
                0 => ("automatic", r#","conditions":{"customer_tiers":["platinum"]}"#.to_string()),
                1 => ("automatic", r#","conditions":{"min_subtotal":{"amount":"1000000.00"}}"#.to_string()),
                _ => ("automatic", r#","ends_at":"2026-11-01""#.to_string()),
            },
        };
        let priority = rng.next(200);
        promos.push(format!(
            r#"{{"id":"promo-{i:04}","trigger":"{kind}"{extra},"priority":{priority},"benefit":{benefit}}}"#
        ));
    }
    store_rules(&promos)
}

/// A `lines`-line cart for [`growth_rules`], whatever its size: the lines of
/// [`promo_cart`], the code `WELCOME` entered and the coupon `wallet-vip`
/// held, for a gold member.
pub fn growth_cart(lines: usize) -> String {
    format!(
        r#"{{"now":"2026-11-20T20:15:00+08:00","customer":{{"id":"c-1","tier":"gold"}},"lines":[{}],"codes":["welcome"],"wallet":[{{"id":"w1","promotion_id":"wallet-vip"}}]}}"#,
        store_lines(lines)
    )
}

/// A CNY rule set with a shipping section of `zones` zones (each matching one
/// region, `R00`, `R01`...) of `methods` methods, cycling through every rate
/// model, with three warehouses and holiday calendars.
///
/// ```
/// let rules = commerce_rules_benches::shipping_rules(20, 5);
/// assert!(commerce_rules::Engine::from_json(&rules).is_ok());
/// ```
pub fn shipping_rules(zones: usize, methods: usize) -> String {
    let holidays: Vec<String> = (1..=7).map(|d| format!("\"2026-10-0{d}\"")).collect();
    let calendar = format!(r#"{{"holidays":[{}]}}"#, holidays.join(","));
    let brackets: Vec<String> =
        (1..=10).map(|k| format!(r#"{{"up_to_g":{},"price":"{}.00"}}"#, k * 2000, 8 + k * 3)).collect();
    let rate = |m: usize| {
        match m % 5 {
        0 => r#"{"type":"first_additional","first_weight_g":1000,"first_price":"10.00","additional_step_g":500,"additional_price":"2.00"}"#.to_string(),
        1 => format!(r#"{{"type":"weight_brackets","brackets":[{}]}}"#, brackets.join(",")),
        2 => r#"{"type":"value_brackets","brackets":[{"from":"0.00","price":"15.00"},{"from":"100.00","price":"8.00"},{"from":"300.00","price":"0.00"}]}"#.to_string(),
        3 => r#"{"type":"per_item","price":"1.50"}"#.to_string(),
        _ => r#"{"type":"flat","price":"25.00"}"#.to_string(),
    }
    };
    let zone_list: Vec<String> = (0..zones)
        .map(|z| {
            let methods: Vec<String> = (0..methods)
                .map(|m| {
                    let slots = if m % 5 == 4 {
                        r#","slots":[{"from":"10:00","until":"12:00"},{"from":"14:00","until":"16:00"},{"from":"18:00","until":"20:00"}],"slot_lead_minutes":60"#
                    } else {
                        ""
                    };
                    format!(
                        r#"{{"id":"m{m}","carrier":"c{}","service":"standard","rate":{},"surcharges":[{{"type":"remote","amount":"10.00"}},{{"type":"cold_chain","amount":"12.00","shipping_classes":["frozen"]}},{{"type":"oversize","amount":"20.00","longest_side_over_cm":100}}],"excluded_classes":["hazmat"],"transit_days":{{"min":{},"max":{}}}{slots}}}"#,
                        m % 3,
                        rate(m),
                        m % 3,
                        m % 3 + 3
                    )
                })
                .collect();
            format!(
                r#"{{"id":"z{z:02}","remote":{},"match":{{"countries":["CN"],"regions":["R{z:02}"],"postcodes":[{{"prefix":"{}"}}]}},"methods":[{}]}}"#,
                z % 4 == 3,
                10 + z,
                methods.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"schema_version":1,"currency":"CNY","time_zone":"Asia/Shanghai",
        "tax":{{"prices_include_tax":true,"default_class":"vat-13","classes":[{{"id":"vat-13","rate_percent":"13"}},{{"id":"vat-9","rate_percent":"9"}}]}},
        "shipping":{{"tax_class":"vat-9",
          "warehouses":[{{"id":"w0","cutoff":"16:00","calendar":{calendar}}},{{"id":"w1","cutoff":"15:00","handling_days":1,"calendar":{calendar}}},{{"id":"w2","cutoff":"17:30","calendar":{calendar}}}],
          "carriers":[{{"id":"c0","volumetric_divisor":6000,"calendar":{calendar}}},{{"id":"c1","volumetric_divisor":5000,"delivers_weekends":true}},{{"id":"c2","volumetric_divisor":8000,"calendar":{{"closed_weekdays":["sun"]}}}}],
          "zones":[{}],
          "free_shipping":[{{"id":"baoyou-99","min_subtotal":"99.00","exclude_remote":true}},{{"id":"gold","customer_tiers":["gold"],"percent_off":"50"}}]}}}}"#,
        zone_list.join(",")
    )
}

/// A request of `lines` lines spread over `origins` warehouses (`w0`...),
/// with weights, dimensions and shipping classes, to the region of the last
/// of `zones` zones (so zone matching scans them all).
///
/// ```
/// let json = commerce_rules_benches::shipping_cart(50, 3, 20);
/// assert!(json.contains("\"origin\":\"w2\"") && json.contains("\"region\":\"R19\""));
/// ```
pub fn shipping_cart(lines: usize, origins: usize, zones: usize) -> String {
    let lines: Vec<String> = (0..lines)
        .map(|i| {
            let class = if i % 7 == 3 { r#","shipping_class":"frozen""# } else { "" };
            format!(
                r#"{{"id":"L{i:03}","sku":"SKU-{i}","quantity":{},"unit_price":"{}.90","weight_g":{},"dimensions":{{"length_cm":{},"width_cm":20,"height_cm":10}},"origin":"w{}"{class}}}"#,
                1 + i % 3,
                5 + i % 40,
                150 + (i * 37) % 900,
                10 + i % 50,
                i % origins.max(1)
            )
        })
        .collect();
    let zone = zones.saturating_sub(1);
    format!(
        r#"{{"now":"2026-11-10T13:45:00+08:00","customer":{{"tier":"gold"}},"destination":{{"country":"CN","region":"R{zone:02}","postcode":"{}0000"}},"lines":[{}]}}"#,
        10 + zone,
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

/// A rule set with a spend-tier promotion, points and a returns section.
pub const RETURNS_RULES: &str = r#"{
    "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
    "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
    "promotions": [
        {"id": "mj", "benefit": {"type": "spend_tiers", "tiers": [{"min_spend": "300.00", "discount": "40.00"},
                                                                  {"min_spend": "3000.00", "discount": "500.00"}]}},
        {"id": "every", "benefit": {"type": "every_spend", "every": "100.00", "discount": "3.00"}}
    ],
    "points": {"earning": {"rate": "1"}, "redemption": {"points_per_unit": 100}},
    "returns": {"windows": {"no_reason_days": 7, "quality_days": 15}, "return_shipping_fee": "8.00",
                "restocking_fee_percent": "5"}
}"#;

/// A return-refund request for a `lines`-line receipt (quoted with
/// `engine`, which must be built from [`RETURNS_RULES`]) with `earlier`
/// earlier returns of one unit each, returning one unit of five more lines.
///
/// ```
/// let engine = commerce_rules::Engine::from_json(commerce_rules_benches::RETURNS_RULES).unwrap();
/// let json = commerce_rules_benches::returns_request(&engine, 20, 3);
/// assert!(json.contains("\"earlier_returns\""));
/// engine.answer_json(commerce_rules::Question::ReturnRefund, &json).unwrap();
/// ```
pub fn returns_request(engine: &commerce_rules::Engine, lines: usize, earlier: usize) -> String {
    let cart: Vec<String> = (0..lines)
        .map(|i| {
            format!(
                r#"{{"id":"L{i:03}","sku":"S{i}","quantity":{},"unit_price":"{}.{:02}"}}"#,
                1 + i % 4,
                10 + i * 37 % 300,
                i * 13 % 100
            )
        })
        .collect();
    let quote = format!(r#"{{"now":"2026-11-20T10:00:00+08:00","lines":[{}]}}"#, cart.join(","));
    let receipt = engine.quote_json(&quote).unwrap_or_default();
    let request = |records: &[String], items: &[usize]| {
        let items: Vec<String> = items.iter().map(|i| format!(r#"{{"line_id":"L{i:03}","quantity":1}}"#)).collect();
        format!(
            r#"{{"now":"2026-11-25T10:00:00+08:00","delivered_at":"2026-11-22T10:00:00+08:00","receipt":{receipt},"earlier_returns":[{}],"items":[{}],"reason":"no_reason"}}"#,
            records.join(","),
            items.join(",")
        )
    };
    let mut records = Vec::with_capacity(earlier);
    for i in 0..earlier {
        let answer = engine
            .answer_json(commerce_rules::Question::ReturnRefund, &request(&records, &[i % lines.max(1)]))
            .unwrap_or_default();
        let record = serde_json::from_str::<serde_json::Value>(&answer)
            .ok()
            .and_then(|v| v.get("record").map(ToString::to_string))
            .unwrap_or_default();
        records.push(record);
    }
    let now: Vec<usize> = (0..5).map(|k| (earlier + k) % lines.max(1)).collect();
    request(&records, &now)
}

/// The full store of the issue's headline figure: [`promo_rules`]`(200)`
/// (20 coupon-gated) with [`shipping_rules`]`(5, 3)` (5 zones) and the
/// membership and points of [`POINTS_RULES`].
///
/// ```
/// assert!(commerce_rules::Engine::from_json(&commerce_rules_benches::full_rules()).is_ok());
/// ```
pub fn full_rules() -> String {
    let mut rules: serde_json::Value = serde_json::from_str(&promo_rules(200)).unwrap_or_default();
    let shipping: serde_json::Value = serde_json::from_str(&shipping_rules(5, 3)).unwrap_or_default();
    let points: serde_json::Value = serde_json::from_str(POINTS_RULES).unwrap_or_default();
    rules["shipping"] = shipping["shipping"].clone();
    rules["shipping"]["tax_class"] = serde_json::json!("low");
    rules["membership"] = points["membership"].clone();
    rules["points"] = points["points"].clone();
    rules.to_string()
}

/// The full cart for [`full_rules`]: [`promo_cart`]`(50, 10, 200)` (50 lines,
/// 10 wallet coupons, two codes) with weights, a destination in the last of
/// the 5 zones and 5,000 points to redeem from 20 lots of 1,000.
///
/// ```
/// let engine = commerce_rules::Engine::from_json(&commerce_rules_benches::full_rules()).unwrap();
/// let answer = engine.quote_json(&commerce_rules_benches::full_cart()).unwrap();
/// assert!(answer.contains("\"chosen\":true") && answer.contains("\"redeemed\":5000"));
/// ```
pub fn full_cart() -> String {
    let mut cart: serde_json::Value = serde_json::from_str(&promo_cart(50, 10, 200)).unwrap_or_default();
    let shipping: serde_json::Value = serde_json::from_str(&shipping_cart(1, 1, 5)).unwrap_or_default();
    let mut lots: serde_json::Value = serde_json::from_str(&point_lots(20)).unwrap_or_default();
    if let Some(lots) = lots["lots"].as_array_mut() {
        for lot in lots {
            lot["amount"] = serde_json::json!(1_000);
        }
    }
    cart["destination"] = shipping["destination"].clone();
    cart["now"] = serde_json::json!("2026-11-11T20:00:00+08:00");
    if let Some(lines) = cart["lines"].as_array_mut() {
        for (i, line) in lines.iter_mut().enumerate() {
            line["weight_g"] = serde_json::json!(200 + i * 37 % 900);
        }
    }
    cart["points"] = serde_json::json!({"redeem": 5000, "lots": lots["lots"].clone()});
    cart.to_string()
}

/// The shared workload W1 (`benches/data/w1`, a copy of `shared/bench/w1`):
/// a 50-line cart against 200 promotions and 5 shipping zones. Returns the
/// rule set and the request.
///
/// ```
/// let (rules, request) = commerce_rules_benches::w1();
/// let engine = commerce_rules::Engine::from_json(rules).unwrap();
/// assert!(engine.quote_json(request).unwrap().contains("\"grand_total\":\"1901.96\""));
/// ```
pub fn w1() -> (&'static str, &'static str) {
    (include_str!("../data/w1/rules.json"), include_str!("../data/w1/request.json"))
}

/// The figures every engine must agree on for [`w1`] (`expected.json`).
pub const W1_EXPECTED: &str = include_str!("../data/w1/expected.json");

/// The hostile but valid shapes of the default limits (issue 14): one rule
/// set and one request each, every promotion stacking with every other.
///
/// - `codes`: 20 entered codes against 4,980 automatic promotions (5,000 in all) over 500 lines;
/// - `wallet`: 200 compatible wallet coupons over 500 lines;
/// - `wallet_autos`: 200 compatible wallet coupons and 1,000 automatic
///   promotions over 500 lines.
///
/// ```
/// let (rules, request) = commerce_rules_benches::hostile("wallet");
/// assert!(commerce_rules::Engine::from_json(&rules).is_ok() && request.len() < 1 << 20);
/// ```
pub fn hostile(shape: &str) -> (String, String) {
    let (autos, codes, wallet) = match shape {
        "codes" => (4_980, 20, 0),
        "wallet" => (0, 0, 200),
        _ => (1_000, 0, 200),
    };
    let mut promos = Vec::new();
    for i in 0..autos {
        let benefit = match i % 4 {
            0 => r#"{"type":"percent_off","percent":"1","scope":"order"}"#,
            1 => r#"{"type":"amount_off","amount":"0.01","per":"order"}"#,
            2 => r#"{"type":"percent_off","percent":"1"}"#,
            _ => r#"{"type":"every_spend","every":"10.00","discount":"0.01"}"#,
        };
        promos.push(format!(r#"{{"id":"auto-{i:04}","trigger":"automatic","benefit":{benefit}}}"#));
    }
    for i in 0..codes {
        promos.push(format!(
            r#"{{"id":"code-{i:02}","trigger":"code","codes":["CODE{i}"],"benefit":{{"type":"percent_off","percent":"2","scope":"order"}}}}"#
        ));
    }
    for i in 0..wallet {
        promos.push(format!(
            r#"{{"id":"wallet-{i:03}","trigger":"wallet","benefit":{{"type":"amount_off","amount":"0.{:02}","per":"order"}}}}"#,
            1 + i % 99
        ));
    }
    let rules = format!(
        r#"{{"schema_version":1,"currency":"CNY","time_zone":"Asia/Shanghai","tax":{{"prices_include_tax":true,"default_class":"std","classes":[{{"id":"std","rate_percent":"13"}}]}},"promotions":[{}]}}"#,
        promos.join(",")
    );
    let lines: Vec<String> = (0..500)
        .map(|i| {
            format!(r#"{{"id":"L{i:03}","sku":"SKU-{i}","quantity":{},"unit_price":"{}.99"}}"#, 1 + i % 3, 10 + i % 90)
        })
        .collect();
    let codes: Vec<String> = (0..codes).map(|i| format!(r#""code{i}""#)).collect();
    let wallet: Vec<String> =
        (0..wallet).map(|i| format!(r#"{{"id":"w{i:03}","promotion_id":"wallet-{i:03}"}}"#)).collect();
    let request = format!(
        r#"{{"now":"2026-11-11T20:00:00+08:00","lines":[{}],"codes":[{}],"wallet":[{}]}}"#,
        lines.join(","),
        codes.join(","),
        wallet.join(",")
    );
    (rules, request)
}

/// Every hostile shape's name, for [`hostile`].
pub const HOSTILE_SHAPES: [&str; 3] = ["codes", "wallet", "wallet_autos"];
