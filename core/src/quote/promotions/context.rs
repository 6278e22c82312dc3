//! Per-quote facts the promotion stages read: line amounts and attributes,
//! which promotions concern the cart, and which lines each one covers.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::evaluate::Outcome;
use super::minor::{add, Minor, Units};
use super::slots::Slots;
use crate::money::Currency;
use crate::money::MoneyError;
use crate::quote::{LineAnswer, PriceSourceKind, QuoteRequest};
use crate::rules::{CompiledCart, CompiledFilter, CompiledPromotion, CompiledRules, LineFacts};

/// What every run of the promotion stages shares.
pub(crate) struct Context<'a> {
    pub(crate) rules: &'a CompiledRules,
    pub(crate) req: &'a QuoteRequest,
    pub(crate) currency: Currency,
    pub(crate) now: DateTime<Utc>,
    /// Converts minor units for the rule set's currency and rounding.
    pub(crate) minor: Units,
    /// Catalog subtotal per line (line-id order), in minor units.
    pub(crate) original: Vec<Minor>,
    /// Units per line.
    pub(crate) units: Vec<u64>,
    /// Tax rate (fraction) per line, for minimum spends that count tax.
    pub(crate) tax_rates: Vec<Decimal>,
    /// Request index per line.
    request_index: Vec<usize>,
    /// For each promotion found through the rule set's item indexes, the
    /// lines (in line-id order) whose SKU, category, tag or brand it names,
    /// as compressed rows: promotion `p`'s lines are
    /// `touch_lines[touch_start[p]..touch_start[p + 1]]`.
    touch_start: Vec<u32>,
    touch_lines: Vec<usize>,
    on_sale: Vec<bool>,
    /// Unit price per line after the catalog stage (item filters on price read it).
    unit_prices: Vec<Decimal>,
    /// What the quote worked out about each item filter it asked about,
    /// indexed by filter (promotions with identical filters share one).
    filters: RefCell<Slots<FilterFacts>>,
    /// The last outcome of each promotion and the amounts of its lines then.
    memo: RefCell<Memo>,
    /// Most promotions applied in one run.
    pub(crate) max_applied: usize,
    /// Work done so far: one unit per promotion evaluated plus one per
    /// line it covers (the search's budget is counted in these).
    work: Cell<u64>,
    /// The last run-state number handed out.
    generations: Cell<u64>,
    /// What points will pay of the items, for comparing combinations.
    pub(crate) points: Option<crate::quote::points::PointsOnItems>,
    /// No discount on any line, shared by every effect without parts.
    pub(crate) no_parts: Rc<[(usize, Minor)]>,
    /// The chosen shipping option's price and the discount the rule set
    /// alone gives it, previewed on the catalog-priced lines when a
    /// promotion takes part of its discount off shipping (`with_shipping`),
    /// for comparing combinations (minor units).
    pub(crate) shipping: Option<(Minor, Minor)>,
}

/// What a quote worked out about one item filter, each once.
#[derive(Default)]
struct FilterFacts {
    /// The discountable lines it covers.
    eligible: Option<Lines>,
    /// Every line it matches, for a `cart_contains` condition.
    present: Option<Lines>,
    /// What its lines cost at catalog price.
    original_sum: Option<Minor>,
    /// What its lines cost in the latest run state asked about: (state,
    /// sum, sum of the lines still above zero).
    current_sums: Option<(u64, Minor, Minor)>,
}

/// A promotion's last outcome: the state it was computed in (a run's
/// generation), where the amounts of its lines then are in [`Memo::keys`]
/// (start, length), and the outcome.
type Remembered = (u64, usize, usize, Outcome);

/// The last outcome of each promotion (indexed by promotion), with the
/// amounts they were computed on, kept end to end in one buffer: a
/// promotion reads the same lines all quote long, so its slot is written
/// over in place.
struct Memo {
    entries: Slots<Remembered>,
    keys: Vec<Minor>,
    /// A key being made, kept between evaluations for its allocation.
    scratch: Vec<Minor>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        rules: &'a CompiledRules,
        req: &'a QuoteRequest,
        lines: &[LineAnswer],
        order: &[usize],
        max_applied: usize,
    ) -> Self {
        let idx = &rules.promotions;
        // (promotion, line) pairs in line order, each once, counted per
        // promotion; then laid out by promotion (a counting sort keeps each
        // promotion's lines in line order). The per-promotion arrays are of
        // `u32` (a rule set's promotions and a cart's lines are far fewer):
        // they are sized by the rule set, and written and read back on every
        // quote, however few promotions concern the cart.
        let n = idx.promotions.len();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut last = vec![u32::MAX; n];
        let mut touch_start = vec![0_u32; n.saturating_add(1)];
        for (k, &i) in order.iter().enumerate() {
            let Some(line) = req.lines.get(i) else { continue };
            let seen = u32::try_from(k).unwrap_or(u32::MAX);
            let mut note = |v: Option<&Vec<usize>>| {
                for &p in v.into_iter().flatten() {
                    if let Some(l) = last.get_mut(p).filter(|l| **l != seen) {
                        *l = seen;
                        pairs.push((p, k));
                        if let Some(c) = touch_start.get_mut(p) {
                            *c = c.saturating_add(1);
                        }
                    }
                }
            };
            note(idx.by_sku.get(&*line.sku));
            line.categories.iter().for_each(|c| note(idx.by_category.get(c)));
            line.tags.iter().for_each(|t| note(idx.by_tag.get(t)));
            note(line.brand.as_ref().and_then(|b| idx.by_brand.get(b)));
        }
        // Counts to where each promotion's row ends, then (filling from the
        // last pair back) to where it starts: `touch_start[p + 1]` is then
        // where row `p` ends, with no second array of cursors.
        let mut end = 0_u32;
        for c in &mut touch_start {
            end = end.saturating_add(*c);
            *c = end;
        }
        let mut touch_lines = vec![0_usize; pairs.len()];
        for &(p, k) in pairs.iter().rev() {
            if let Some(at) = touch_start.get_mut(p) {
                *at = at.saturating_sub(1);
                if let Some(slot) = usize::try_from(*at).ok().and_then(|at| touch_lines.get_mut(at)) {
                    *slot = k;
                }
            }
        }
        let tax_rates = lines.iter().map(|l| &l.tax.class).map(rules.tax.rates()).collect();
        Context {
            rules,
            req,
            currency: rules.currency,
            now: req.now.utc(),
            minor: Units { currency: rules.currency, mode: rules.rounding.mode },
            original: lines.iter().map(|l| l.subtotal.to_minor().unwrap_or(0)).collect(),
            units: lines.iter().map(|l| u64::from(l.quantity)).collect(),
            tax_rates,
            request_index: order.to_vec(),
            touch_start,
            touch_lines,
            on_sale: lines.iter().map(|l| l.price_source.kind == PriceSourceKind::Sale).collect(),
            unit_prices: lines.iter().map(|l| l.unit_price.amount()).collect(),
            filters: RefCell::new(Slots::new(rules.promotions.filters)),
            memo: RefCell::new(Memo {
                entries: Slots::new(rules.promotions.promotions.len()),
                keys: Vec::new(),
                scratch: Vec::new(),
            }),
            max_applied,
            work: Cell::new(0),
            generations: Cell::new(0),
            points: crate::quote::points::PointsOnItems::of(rules, req),
            no_parts: Rc::from(Vec::new()),
            shipping: None,
        }
    }

    /// Counts `units` of work (see [`Context::work`]).
    pub(crate) fn count_work(&self, units: usize) {
        self.work.set(self.work.get().saturating_add(u64::try_from(units).unwrap_or(u64::MAX)));
    }

    /// The work done so far, in promotion-line evaluations.
    pub(crate) fn work(&self) -> u64 {
        self.work.get()
    }

    /// Puts the work count back (a debug check's run is not the search's work).
    #[cfg(debug_assertions)]
    pub(crate) fn rewind_work(&self, work: u64) {
        self.work.set(work);
    }

    /// The outcome promotion `index` had in the run state `generation`.
    pub(crate) fn remembered(&self, index: usize, generation: u64) -> Option<Outcome> {
        let memo = self.memo.borrow();
        let (g, _, _, outcome) = memo.entries.get(index)?;
        (*g == generation).then(|| outcome.clone())
    }

    /// A fresh run-state number: every change of a run's amounts takes one,
    /// so two runs with the same number have the same amounts.
    pub(crate) fn fresh_generation(&self) -> u64 {
        let g = self.generations.get().saturating_add(1);
        self.generations.set(g);
        g
    }

    /// The outcome promotion `index` had when its lines cost what `key`
    /// holds (see [`Context::key_buffer`]), whatever the state.
    pub(crate) fn remembered_by_amounts(&self, index: usize, generation: u64, key: &[Minor]) -> Option<Outcome> {
        let mut memo = self.memo.borrow_mut();
        let Memo { entries, keys, .. } = &mut *memo;
        let (g, start, len, outcome) = entries.get_mut(index)?;
        let stored = keys.get(*start..start.saturating_add(*len))?;
        let same = stored == key;
        if same {
            *g = generation;
        }
        same.then(|| outcome.clone())
    }

    /// Remembers the outcome of promotion `index` in state `generation`,
    /// for lines costing what `key` holds (over the previous key when it
    /// has the same length).
    pub(crate) fn remember(&self, index: usize, generation: u64, key: &[Minor], outcome: &Outcome) {
        let mut memo = self.memo.borrow_mut();
        let Memo { entries, keys, .. } = &mut *memo;
        let start = match entries.get(index) {
            // Same length: written over the old key.
            Some((_, start, old, _)) if *old == key.len() => match keys.get_mut(*start..start.saturating_add(*old)) {
                Some(stored) => {
                    stored.copy_from_slice(key);
                    *start
                }
                None => return,
            },
            _ => {
                let end = keys.len();
                keys.extend_from_slice(key);
                end
            }
        };
        entries.insert(index, (generation, start, key.len(), outcome.clone()));
    }

    /// An empty vector for a memo key ([`Context::remembered_by_amounts`]),
    /// with the room of the last one; give it back with
    /// [`Context::give_back_key`].
    pub(crate) fn key_buffer(&self) -> Vec<Minor> {
        let mut key = std::mem::take(&mut self.memo.borrow_mut().scratch);
        key.clear();
        key
    }

    /// Keeps `key`'s allocation for the next [`Context::key_buffer`].
    pub(crate) fn give_back_key(&self, key: Vec<Minor>) {
        self.memo.borrow_mut().scratch = key;
    }

    /// What the lines of item filter `filter` (`lines`) cost at catalog
    /// price, computed once per quote.
    pub(crate) fn original_sum(&self, filter: usize, lines: &[usize]) -> Result<Minor, MoneyError> {
        if let Some(s) = self.filters.borrow().get(filter).and_then(|f| f.original_sum) {
            return Ok(s);
        }
        let s = lines.iter().try_fold(0, |acc, &l| add(acc, self.original.get(l).copied().unwrap_or(0)))?;
        if let Some(f) = self.filters.borrow_mut().get_or_insert_with(filter, FilterFacts::default) {
            f.original_sum = Some(s);
        }
        Ok(s)
    }

    /// What the lines of item filter `filter` (`lines`) cost in run state
    /// `generation` (whose amounts are `amounts`): their sum, and the sum
    /// of those above zero. Kept for the latest state asked about.
    pub(crate) fn current_sums(
        &self,
        filter: usize,
        generation: u64,
        lines: &[usize],
        amounts: &[Minor],
    ) -> Result<(Minor, Minor), MoneyError> {
        if let Some((g, s, p)) = self.filters.borrow().get(filter).and_then(|f| f.current_sums) {
            if g == generation {
                return Ok((s, p));
            }
        }
        let (mut s, mut p) = (0, 0);
        for &l in lines {
            let a = amounts.get(l).copied().unwrap_or(0);
            s = add(s, a)?;
            p = add(p, a.max(0))?;
        }
        if let Some(f) = self.filters.borrow_mut().get_or_insert_with(filter, FilterFacts::default) {
            f.current_sums = Some((generation, s, p));
        }
        Ok((s, p))
    }

    pub(crate) fn line_count(&self) -> usize {
        self.original.len()
    }

    pub(crate) fn promotion(&self, index: usize) -> Option<&'a CompiledPromotion> {
        self.rules.promotions.promotions.get(index)
    }

    /// The discountable lines promotion `index` covers (its `get_items` when
    /// `get` is true), in line-id order.
    pub(crate) fn eligible(&self, index: usize, get: bool) -> Rc<[usize]> {
        let Some(promo) = self.promotion(index) else { return Rc::from(Vec::new()) };
        let slot = match (get, promo.get_filter_id) {
            (true, Some(f)) => f,
            _ => promo.filter_id,
        };
        if let Some(v) = self.filters.borrow().get(slot).and_then(|f| f.eligible.as_ref()) {
            return Rc::clone(v);
        }
        // Identical filters cover the same lines, whichever promotion asks.
        let lines: Rc<[usize]> = self.compute_eligible(index, get).into();
        if let Some(f) = self.filters.borrow_mut().get_or_insert_with(slot, FilterFacts::default) {
            f.eligible = Some(Rc::clone(&lines));
        }
        lines
    }

    fn compute_eligible(&self, index: usize, get: bool) -> Vec<usize> {
        let Some(promo) = self.promotion(index) else { return Vec::new() };
        let filter = match (get, &promo.get_filter) {
            (true, Some(f)) => f,
            _ => &promo.filter,
        };
        // Only the lines the indexes found can match a promotion's own items;
        // a promotion for every line, or a get-set, looks at all of them.
        let touched = if get { None } else { self.touched(index) };
        let everything = touched.is_none() && (get || self.rules.promotions.global.contains(&index));
        let keep = |&k: &usize| {
            let Some(line) = self.request_index.get(k).and_then(|&i| self.req.lines.get(i)) else {
                return false;
            };
            !line.non_discountable && self.matches(filter, k)
        };
        let mut out = Vec::new();
        if everything {
            out.reserve(self.line_count());
            out.extend((0..self.line_count()).filter(keep));
        } else if let Some(v) = touched {
            out.reserve(v.len());
            out.extend(v.iter().copied().filter(keep));
        }
        out
    }

    /// The lines promotion `index`'s item indexes found, if any.
    fn touched(&self, index: usize) -> Option<&[usize]> {
        let at = |p: usize| self.touch_start.get(p).and_then(|&a| usize::try_from(a).ok());
        let (from, to) = (at(index)?, at(index.saturating_add(1))?);
        self.touch_lines.get(from..to).filter(|v| !v.is_empty())
    }

    /// Whether line `k` passes `filter`.
    fn matches(&self, filter: &CompiledFilter, k: usize) -> bool {
        let Some(line) = self.request_index.get(k).and_then(|&i| self.req.lines.get(i)) else {
            return false;
        };
        filter.matches(&LineFacts {
            sku: &line.sku,
            categories: &line.categories,
            tags: &line.tags,
            brand: line.brand.as_deref(),
            on_sale: self.on_sale.get(k).copied().unwrap_or(false),
            unit_price: self.unit_prices.get(k).copied().unwrap_or_default(),
        })
    }

    /// Every line (discountable or not) a `cart_contains` condition's
    /// filter matches, in line-id order.
    pub(crate) fn present(&self, cart: &CompiledCart) -> Rc<[usize]> {
        if let Some(v) = self.filters.borrow().get(cart.filter_id).and_then(|f| f.present.as_ref()) {
            return Rc::clone(v);
        }
        let lines: Rc<[usize]> = (0..self.line_count()).filter(|&k| self.matches(&cart.filter, k)).collect();
        if let Some(f) = self.filters.borrow_mut().get_or_insert_with(cart.filter_id, FilterFacts::default) {
            f.present = Some(Rc::clone(&lines));
        }
        lines
    }

    /// Automatic promotions that may concern this cart (their item filter's
    /// first include list names something in it), in run order.
    pub(crate) fn automatic_candidates(&self) -> Vec<usize> {
        // Both lists ascend (the global ones are compiled in run order): merged.
        let global = &self.rules.promotions.global;
        let mut merged: Vec<usize> = Vec::with_capacity(global.len().saturating_add(self.touch_lines.len()));
        let mut rest = global.iter().copied().peekable();
        for p in (0..self.touch_start.len().saturating_sub(1)).filter(|&p| self.touched(p).is_some()) {
            while let Some(g) = rest.next_if(|&g| g < p) {
                merged.push(g);
            }
            rest.next_if_eq(&p);
            merged.push(p);
        }
        merged.extend(rest);
        debug_assert!(merged.is_sorted() && merged.windows(2).all(|w| w.first() != w.get(1)));
        merged.retain(|&i| self.promotion(i).is_some_and(|p| p.trigger == crate::rules::Trigger::Automatic));
        merged
    }
}

/// Line indexes, shared.
type Lines = Rc<[usize]>;
