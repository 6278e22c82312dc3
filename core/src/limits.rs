//! Bounds on inputs, so that a hostile cart cannot make the engine slow or large.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Input limits. Past any of them the engine answers a `json_too_large`,
/// `json_too_deep` or `limit_exceeded` error with the path at fault.
///
/// The defaults (see `docs/limits.md`) suit a storefront; a host may
/// tighten or loosen them when it builds the engine.
///
/// ```
/// use commerce_rules::Limits;
/// let limits = Limits { max_lines: 50, ..Limits::default() };
/// assert_eq!(limits.max_quantity, 100_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest rule-set JSON text, in bytes (default 4 MiB).
    pub max_rules_bytes: usize,
    /// Largest request JSON text, in bytes (default 1 MiB).
    pub max_request_bytes: usize,
    /// Deepest nesting of arrays and objects in any JSON text (default 32).
    pub max_json_depth: usize,
    /// Most lines in a cart (default 500).
    pub max_lines: usize,
    /// Largest quantity of one line (default 100,000).
    pub max_quantity: u32,
    /// Most price lists in a rule set (default 1,000).
    pub max_price_lists: usize,
    /// Most price entries (and tiers) in one price list (default 100,000).
    pub max_price_entries: usize,
    /// Most tax classes (default 200).
    pub max_tax_classes: usize,
    /// Most segments or tags on one customer or line (default 50).
    pub max_labels: usize,
    /// Longest id, SKU, code or label, in bytes (default 256).
    pub max_id_bytes: usize,
    /// Most problems a rule-set validation reports (default 100).
    pub max_problems: usize,
    /// Most promotions in a rule set (default 5,000).
    pub max_promotions: usize,
    /// Most entries in one list of a promotion's item filter (default 10,000).
    pub max_filter_entries: usize,
    /// Most coupon codes entered in one request (default 20).
    pub max_codes: usize,
    /// Most coupons in a customer's wallet (default 200).
    pub max_wallet: usize,
    /// Most shipping zones, and most warehouses, carriers and free-shipping rules (default 1,000).
    pub max_shipping_zones: usize,
    /// Most methods in one shipping zone (default 50).
    pub max_shipping_methods: usize,
    /// Most brackets (or surcharges) in one shipping rate (default 200).
    pub max_rate_brackets: usize,
    /// Most holidays in one business calendar (default 1,000).
    pub max_holidays: usize,
    /// Most delivery time slots of one shipping method (default 48).
    pub max_slots: usize,
    /// Most membership tiers in a rule set (default 50).
    pub max_tiers: usize,
    /// Most qualifying-history entries in a tier-status request (default 10,000).
    pub max_history: usize,
    /// Most point lots in a request (default 1,000).
    pub max_lots: usize,
    /// Most earlier returns (or price-protection claims) in a returns request (default 200).
    pub max_returns: usize,
    /// Most campaign extensions in a rule set's `returns` section (default 100).
    pub max_campaign_extensions: usize,
    /// Most promotions applied to one quote (default 50); the rest are
    /// refused with `applied_limit_reached`.
    pub max_applied_promotions: usize,
    /// Work budget of the coupon search, in promotion-line evaluations
    /// (default 500,000): past it the best combination found so far is
    /// answered with `selection.optimal: false`.
    pub max_search_work: u64,
    /// Most markets in a rule set (default 20); each compiles its own copy
    /// of the rule set in its currency.
    pub max_markets: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rules_bytes: 4 * 1024 * 1024,
            max_request_bytes: 1024 * 1024,
            max_json_depth: 32,
            max_lines: 500,
            max_quantity: 100_000,
            max_price_lists: 1_000,
            max_price_entries: 100_000,
            max_tax_classes: 200,
            max_labels: 50,
            max_id_bytes: 256,
            max_problems: 100,
            max_promotions: 5_000,
            max_filter_entries: 10_000,
            max_codes: 20,
            max_wallet: 200,
            max_shipping_zones: 1_000,
            max_shipping_methods: 50,
            max_rate_brackets: 200,
            max_holidays: 1_000,
            max_slots: 48,
            max_tiers: 50,
            max_history: 10_000,
            max_lots: 1_000,
            max_returns: 200,
            max_campaign_extensions: 100,
            max_applied_promotions: 50,
            max_search_work: 500_000,
            max_markets: 20,
        }
    }
}
