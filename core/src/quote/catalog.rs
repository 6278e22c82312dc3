//! Stage 1, catalog price: the unit price each line gets.
//!
//! Candidates are the host's list price and every price list that is in
//! force at `now`, admits the customer and prices the line (a SKU entry
//! beats a category entry of the same list; among category entries the
//! first in the list wins). Volume tiers count all units of the SKU in the
//! cart. With `lowest` (the default) the cheapest candidate wins, ties going
//! to the list price, then to the earlier price list; with `first_match`
//! the first eligible price list wins.

use chrono::{DateTime, Utc};

use super::answer::{LineAnswer, LineTax, PriceSource, PriceSourceKind, Step, StepCode, Trail};
use super::{CartLine, QuoteRequest, Stage};
use crate::error::money_error;
use crate::money::{Money, RoundingLevel};
use crate::rules::{CompiledRules, PriceSelection, PriceSpec};
use crate::Error;

/// Prices every line; `order` lists request indexes sorted by line id.
pub(crate) fn price_lines(
    rules: &CompiledRules,
    req: &QuoteRequest,
    order: &[usize],
    trail: &mut Trail,
) -> Result<Vec<LineAnswer>, Error> {
    let now = req.now.utc();
    // Volume tiers count a SKU's units over the cart; without price-list
    // entries no line has a tier to count for.
    let priced_by_list = !(rules.by_sku.is_empty() && rules.by_category.is_empty());
    let mut units_per_sku: crate::rules::FastMap<&str, u64> = Default::default();
    if priced_by_list {
        units_per_sku.reserve(req.lines.len());
        for line in &req.lines {
            let n = units_per_sku.entry(&*line.sku).or_default();
            *n = n.saturating_add(u64::from(line.quantity));
        }
    }
    // Most lines name no tax class: the default's lookup serves them all.
    let default_class = rules.tax.class_of(None);
    let mut out = Vec::with_capacity(order.len());
    for &i in order {
        let Some(line) = req.lines.get(i) else { continue };
        let sku_units = units_per_sku.get(&*line.sku).copied().unwrap_or_default();
        let priced =
            price_line(rules, req, line, sku_units, now).map_err(|e| money_error(e, &format!("lines[{i}]")))?;
        if trail.is_on() {
            let rule = match &priced.source.rule_id {
                Some(id) => format!("price_list:{id}"),
                None => "list_price".to_string(),
            };
            trail.push(|| step(line, StepCode::UnitPrice, &rule, priced.unit));
            trail.push(|| step(line, StepCode::LineSubtotal, &rule, priced.subtotal));
        }
        let zero = Money::zero(rules.currency);
        let class = match line.tax_class.as_deref() {
            None => default_class,
            named => rules.tax.class_of(named),
        };
        out.push(LineAnswer {
            id: line.id.clone(),
            sku: line.sku.clone(),
            quantity: line.quantity,
            list_unit_price: priced.list_unit,
            unit_price: priced.unit,
            price_source: priced.source,
            list_subtotal: priced.list_subtotal,
            subtotal: priced.subtotal,
            adjustments: Vec::new(),
            discount_total: zero,
            net: priced.subtotal,
            // The tax stage computes the amount.
            tax: LineTax {
                class: class.map_or_else(|| rules.tax.default_class.clone(), |c| std::sync::Arc::clone(&c.id)),
                rate_percent: class.map(|c| c.rate_percent).unwrap_or_default(),
                amount: zero,
                included: rules.tax.prices_include_tax,
            },
            total: priced.subtotal,
            gift_of: None,
            gift_value: None,
            points: None,
            shipping: None,
        });
    }
    Ok(out)
}

fn step(line: &CartLine, code: StepCode, rule: &str, amount: Money) -> Step {
    Step { stage: Stage::CatalogPrice, line_id: Some(line.id.to_string()), code, rule: rule.to_string(), amount }
}

struct Priced {
    list_unit: Money,
    unit: Money,
    source: PriceSource,
    list_subtotal: Money,
    subtotal: Money,
}

fn price_line(
    rules: &CompiledRules,
    req: &QuoteRequest,
    line: &CartLine,
    sku_units: u64,
    now: DateTime<Utc>,
) -> Result<Priced, crate::money::MoneyError> {
    let currency = rules.currency;
    let list_unit = Money::new(line.unit_price.value(), currency);
    let qty = u64::from(line.quantity);
    let unit_level = rules.rounding.level == RoundingLevel::Unit;

    let mut best: (Money, PriceSource) =
        (list_unit, PriceSource { kind: PriceSourceKind::List, rule_id: None, tier_min_qty: None });
    for (list_index, entry_index) in candidates(rules, line) {
        let Some(list) = rules.price_lists.get(list_index) else { continue };
        if !list.active_at(now) || !list.admits(req.customer.tier.as_deref(), &req.customer.segments) {
            continue;
        }
        let Some((spec, tier)) = list.entries.get(entry_index).and_then(|e| e.spec_for(sku_units)) else {
            continue;
        };
        let mut unit = match spec {
            PriceSpec::Fixed(p) => Money::new(p, currency),
            PriceSpec::FractionOfList(f) => list_unit.checked_mul(f)?,
        };
        if unit_level {
            unit = unit.round(rules.rounding.mode);
        }
        let source = PriceSource { kind: list.kind.into(), rule_id: Some(list.id.clone()), tier_min_qty: tier };
        match rules.price_selection {
            PriceSelection::FirstMatch => {
                best = (unit, source);
                break;
            }
            PriceSelection::Lowest if unit.amount() < best.0.amount() => best = (unit, source),
            PriceSelection::Lowest => {}
        }
    }
    let (unit, source) = best;
    let subtotal = unit.checked_mul_qty(qty)?.round(rules.rounding.mode);
    Ok(Priced { list_unit, unit, source, list_subtotal: list_unit.checked_mul_qty(qty)?, subtotal })
}

/// The (price list, entry) pairs that price `line`, ordered by price list,
/// one per list: its SKU entry if any, else its first matching category entry.
fn candidates(rules: &CompiledRules, line: &CartLine) -> Vec<(usize, usize)> {
    let mut hits: Vec<(usize, bool, usize)> = Vec::new();
    if let Some(v) = rules.by_sku.get(&*line.sku) {
        hits.extend(v.iter().map(|&(l, e)| (l, false, e)));
    }
    for category in &line.categories {
        if let Some(v) = rules.by_category.get(category) {
            hits.extend(v.iter().map(|&(l, e)| (l, true, e)));
        }
    }
    // Per list: SKU entries (false) sort before category entries (true), then by entry index.
    crate::sort::sort(&mut hits);
    hits.dedup_by_key(|h| h.0);
    hits.into_iter().map(|(l, _, e)| (l, e)).collect()
}
