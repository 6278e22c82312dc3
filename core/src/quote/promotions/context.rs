//! Per-quote facts the promotion stages read: line amounts and attributes,
//! which promotions concern the cart, and which lines each one covers.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::money::{Currency, Money};
use crate::quote::{LineAnswer, PriceSourceKind, QuoteRequest};
use crate::rules::{CompiledPromotion, CompiledRules, LineFacts};

/// What every run of the promotion stages shares.
pub(crate) struct Context<'a> {
    pub(crate) rules: &'a CompiledRules,
    pub(crate) req: &'a QuoteRequest,
    pub(crate) currency: Currency,
    pub(crate) now: DateTime<Utc>,
    /// Catalog subtotal per line (line-id order).
    pub(crate) original: Vec<Money>,
    /// Units per line.
    pub(crate) units: Vec<u64>,
    /// Tax rate (fraction) per line, for minimum spends that count tax.
    pub(crate) tax_rates: Vec<Decimal>,
    /// Request index per line.
    request_index: Vec<usize>,
    on_sale: Vec<bool>,
    /// Lines each promotion covers, computed once per quote.
    eligible: RefCell<HashMap<(usize, bool), Vec<usize>>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(rules: &'a CompiledRules, req: &'a QuoteRequest, lines: &[LineAnswer], order: &[usize]) -> Self {
        let tax_rates =
            lines.iter().map(|l| rules.tax.classes.get(&l.tax.class).map(|c| c.rate).unwrap_or_default()).collect();
        Context {
            rules,
            req,
            currency: rules.currency,
            now: req.now.utc(),
            original: lines.iter().map(|l| l.subtotal).collect(),
            units: lines.iter().map(|l| u64::from(l.quantity)).collect(),
            tax_rates,
            request_index: order.to_vec(),
            on_sale: lines.iter().map(|l| l.price_source.kind == PriceSourceKind::Sale).collect(),
            eligible: RefCell::new(HashMap::new()),
        }
    }

    pub(crate) fn line_count(&self) -> usize {
        self.original.len()
    }

    pub(crate) fn promotion(&self, index: usize) -> Option<&'a CompiledPromotion> {
        self.rules.promotions.promotions.get(index)
    }

    /// The discountable lines promotion `index` covers (its `get_items` when
    /// `get` is true), in line-id order.
    pub(crate) fn eligible(&self, index: usize, get: bool) -> Vec<usize> {
        if let Some(v) = self.eligible.borrow().get(&(index, get)) {
            return v.clone();
        }
        let lines = self.compute_eligible(index, get);
        self.eligible.borrow_mut().insert((index, get), lines.clone());
        lines
    }

    fn compute_eligible(&self, index: usize, get: bool) -> Vec<usize> {
        let Some(promo) = self.promotion(index) else { return Vec::new() };
        let filter = match (get, &promo.get_filter) {
            (true, Some(f)) => f,
            _ => &promo.filter,
        };
        (0..self.line_count())
            .filter(|&k| {
                let Some(line) = self.request_index.get(k).and_then(|&i| self.req.lines.get(i)) else {
                    return false;
                };
                !line.non_discountable
                    && filter.matches(&LineFacts {
                        sku: &line.sku,
                        categories: &line.categories,
                        tags: &line.tags,
                        brand: line.brand.as_deref(),
                        on_sale: self.on_sale.get(k).copied().unwrap_or(false),
                    })
            })
            .collect()
    }

    /// Automatic promotions that may concern this cart (their item filter's
    /// first include list names something in it), in run order.
    pub(crate) fn automatic_candidates(&self) -> Vec<usize> {
        let idx = &self.rules.promotions;
        let mut out: Vec<usize> = idx.global.clone();
        let mut push = |v: Option<&Vec<usize>>| {
            if let Some(v) = v {
                out.extend_from_slice(v);
            }
        };
        for line in &self.req.lines {
            push(idx.by_sku.get(&line.sku));
            line.categories.iter().for_each(|c| push(idx.by_category.get(c)));
            line.tags.iter().for_each(|t| push(idx.by_tag.get(t)));
            if let Some(b) = &line.brand {
                push(idx.by_brand.get(b));
            }
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&i| self.promotion(i).is_some_and(|p| p.trigger == crate::rules::Trigger::Automatic));
        out
    }
}
