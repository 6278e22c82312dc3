//! Validation and compilation of promotions.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Timelike, Utc};
use rust_decimal::Decimal;

use super::compile::amount_valid;
use super::promotion::{
    AllocateBy, AmountPer, Basis, Benefit, Condition, ItemFilter, Promotion, RecurringWindow, Scope, Trigger,
    UsageLimits,
};
use super::{FastSet, JsonPath, Problems};
use crate::money::{Currency, Percent};
use crate::quote::Stage;
use crate::time::MerchantTimeZone;
use crate::{ErrorCode, Limits};

/// A promotion ready to evaluate.
#[derive(Debug)]
pub(crate) struct CompiledPromotion {
    pub(crate) id: String,
    /// The id again, shared by the adjustments it makes on the lines (one
    /// per line it discounts: a count, not a copy each).
    pub(crate) rule_id: std::sync::Arc<str>,
    /// Display name, shared by the answers that name it.
    pub(crate) name: Option<std::sync::Arc<str>>,
    pub(crate) trigger: Trigger,
    /// Public codes, normalized.
    pub(crate) codes: Vec<String>,
    pub(crate) benefit: Benefit,
    pub(crate) stage: Stage,
    pub(crate) filter: CompiledFilter,
    pub(crate) get_filter: Option<CompiledFilter>,
    /// `filter` as a small number shared by every identical filter (set
    /// when the rule set is indexed), so a quote finds each filter's lines once.
    pub(crate) filter_id: usize,
    /// `get_filter` likewise.
    pub(crate) get_filter_id: Option<usize>,
    /// Whether what the promotion does depends on what its lines still
    /// cost: false for a free-shipping, gift or bonus-points promotion whose
    /// conditions look only at catalog amounts and quantities.
    pub(crate) reads_amounts: bool,
    /// Whether what it reads of the current amounts is only the sums of
    /// the lines it covers (an order-level benefit, minimum subtotals
    /// without tax): its memo key is then those sums, not every line's amount.
    pub(crate) reads_sums_only: bool,
    pub(crate) conditions: Condition,
    /// The `cart_contains` conditions of `conditions`, compiled, in the
    /// order [`cart_offsets`] numbers them.
    pub(crate) cart: Vec<CompiledCart>,
    pub(crate) starts: Option<DateTime<Utc>>,
    pub(crate) ends: Option<DateTime<Utc>>,
    pub(crate) recurring: Vec<CompiledRecurring>,
    pub(crate) priority: i32,
    pub(crate) basis: Basis,
    /// The weights an order discount is spread by.
    pub(crate) allocate_by: AllocateBy,
    pub(crate) exclusive_group: Option<String>,
    /// The exclusive group as a small number, the same for every member of
    /// one group (set when the rule set is indexed).
    pub(crate) group: Option<u32>,
    /// The promotion's `class` as a small number, the same for every
    /// promotion of one class.
    pub(crate) class_id: u32,
    /// Its `combines_with` as class numbers, ascending; `None` when it
    /// combines with every class.
    pub(crate) combines_ids: Option<Vec<u32>>,
    pub(crate) stop_after: bool,
    pub(crate) limits: UsageLimits,
}

impl CompiledPromotion {
    /// Whether two promotions may apply together: each accepts the other's class.
    pub(crate) fn combines(&self, other: &CompiledPromotion) -> bool {
        let accepts = |a: &CompiledPromotion, b: &CompiledPromotion| {
            a.combines_ids.as_ref().is_none_or(|classes| classes.binary_search(&b.class_id).is_ok())
        };
        accepts(self, other) && accepts(other, self)
    }
}

/// A `cart_contains` condition's item filter, compiled.
#[derive(Debug)]
pub(crate) struct CompiledCart {
    pub(crate) filter: CompiledFilter,
    /// `filter` as a small number shared by every identical filter.
    pub(crate) filter_id: usize,
    /// Whether it reads what its lines still cost (a minimum subtotal
    /// after earlier discounts): their amounts are then part of the
    /// promotion's memo key.
    pub(crate) reads_amounts: bool,
}

/// How many `cart_contains` conditions a condition holds, nested ones
/// included. A node's own come first, then those of `all`, `any` and
/// `not` in order: the numbering of [`CompiledPromotion::cart`].
pub(crate) fn cart_count(c: &Condition) -> usize {
    c.all
        .iter()
        .chain(&c.any)
        .chain(c.not.as_deref())
        .map(cart_count)
        .fold(c.cart_contains.len(), usize::saturating_add)
}

fn compile_cart(c: &Condition, out: &mut Vec<CompiledCart>) {
    for cc in &c.cart_contains {
        let reads_amounts = cc.min_subtotal.is_some_and(|m| m.basis == Basis::Discounted);
        out.push(CompiledCart { filter: CompiledFilter::new(&cc.items), filter_id: 0, reads_amounts });
    }
    for sub in c.all.iter().chain(&c.any).chain(c.not.as_deref()) {
        compile_cart(sub, out);
    }
}

/// A recurring window as a weekday mask and minutes of the local day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompiledRecurring {
    /// Bit 0 is Monday; 0x7f is every day.
    days: u8,
    from: u32,
    until: u32,
}

impl CompiledRecurring {
    /// Whether the local time `t` (in the merchant's zone) falls in the window.
    pub(crate) fn contains(&self, weekday: chrono::Weekday, minute_of_day: u32) -> bool {
        let bit = 1_u8.checked_shl(weekday.num_days_from_monday()).unwrap_or(0);
        self.days & bit != 0 && minute_of_day >= self.from && minute_of_day < self.until
    }
}

/// Whether a promotion is in force at `now`.
pub(crate) fn active_at(p: &CompiledPromotion, now: DateTime<Utc>, tz: MerchantTimeZone) -> Activity {
    if p.starts.is_some_and(|s| now < s) {
        return Activity::NotStarted;
    }
    if p.ends.is_some_and(|e| now >= e) {
        return Activity::Ended;
    }
    if !p.recurring.is_empty() {
        let local = now.with_timezone(&tz.0);
        let minute = local.hour().saturating_mul(60).saturating_add(local.minute());
        if !p.recurring.iter().any(|r| r.contains(local.weekday(), minute)) {
            return Activity::OutsideRecurringWindow;
        }
    }
    Activity::Active
}

/// A promotion's activity at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Activity {
    Active,
    NotStarted,
    Ended,
    OutsideRecurringWindow,
}

/// An item filter with sets for fast membership.
#[derive(Debug, Default)]
pub(crate) struct CompiledFilter {
    skus: FastSet<String>,
    categories: FastSet<String>,
    tags: FastSet<String>,
    brands: FastSet<String>,
    exclude_skus: FastSet<String>,
    exclude_categories: FastSet<String>,
    exclude_tags: FastSet<String>,
    exclude_brands: FastSet<String>,
    pub(crate) exclude_on_sale: bool,
    /// Unit price bounds (inclusive), in the rule set's currency.
    min_unit_price: Option<Decimal>,
    max_unit_price: Option<Decimal>,
}

/// What makes two filters the same: their sorted lists, whether they leave
/// out sale lines, and their unit price bounds.
type FilterKey<S> = (Vec<Vec<S>>, bool, Option<Decimal>, Option<Decimal>);

/// What a filter looks at on a line.
pub(crate) struct LineFacts<'a> {
    pub(crate) sku: &'a str,
    pub(crate) categories: &'a [String],
    pub(crate) tags: &'a [String],
    pub(crate) brand: Option<&'a str>,
    pub(crate) on_sale: bool,
    /// The unit price after the catalog stage.
    pub(crate) unit_price: Decimal,
}

impl CompiledFilter {
    fn new(f: &ItemFilter) -> Self {
        let set = |v: &[String]| v.iter().cloned().collect::<FastSet<_>>();
        CompiledFilter {
            skus: set(&f.skus),
            categories: set(&f.categories),
            tags: set(&f.tags),
            brands: set(&f.brands),
            exclude_skus: set(&f.exclude_skus),
            exclude_categories: set(&f.exclude_categories),
            exclude_tags: set(&f.exclude_tags),
            exclude_brands: set(&f.exclude_brands),
            exclude_on_sale: f.exclude_on_sale,
            min_unit_price: f.min_unit_price.map(|a| a.value()),
            max_unit_price: f.max_unit_price.map(|a| a.value()),
        }
    }

    /// The filter's lists, sorted, and its other settings: equal for equal filters.
    fn key(&self) -> FilterKey<&str> {
        fn sorted(set: &FastSet<String>) -> Vec<&str> {
            let mut v: Vec<&str> = set.iter().map(String::as_str).collect();
            crate::sort::sort(&mut v);
            v
        }
        let lists = [
            &self.skus,
            &self.categories,
            &self.tags,
            &self.brands,
            &self.exclude_skus,
            &self.exclude_categories,
            &self.exclude_tags,
            &self.exclude_brands,
        ];
        (lists.into_iter().map(sorted).collect(), self.exclude_on_sale, self.min_unit_price, self.max_unit_price)
    }

    /// Whether the filter reads what only the catalog knows of a line
    /// (categories, tags or brand, named or left out), beyond its SKU and price.
    pub(crate) fn needs_catalog(&self) -> bool {
        [&self.categories, &self.tags, &self.brands, &self.exclude_categories, &self.exclude_tags, &self.exclude_brands]
            .iter()
            .any(|s| !s.is_empty())
    }

    /// Whether a line passes the filter.
    pub(crate) fn matches(&self, line: &LineFacts<'_>) -> bool {
        let any = |set: &FastSet<String>, items: &[String]| items.iter().any(|i| set.contains(i));
        let brand_in = |set: &FastSet<String>| line.brand.is_some_and(|b| set.contains(b));
        (self.skus.is_empty() || self.skus.contains(line.sku))
            && (self.categories.is_empty() || any(&self.categories, line.categories))
            && (self.tags.is_empty() || any(&self.tags, line.tags))
            && (self.brands.is_empty() || brand_in(&self.brands))
            && !self.exclude_skus.contains(line.sku)
            && !any(&self.exclude_categories, line.categories)
            && !any(&self.exclude_tags, line.tags)
            && !brand_in(&self.exclude_brands)
            && !(self.exclude_on_sale && line.on_sale)
            && self.min_unit_price.is_none_or(|m| line.unit_price >= m)
            && self.max_unit_price.is_none_or(|m| line.unit_price <= m)
    }
}

/// Promotions in run order (stage, priority, id) and their indexes.
#[derive(Debug, Default)]
pub(crate) struct PromotionIndex {
    pub(crate) promotions: Vec<CompiledPromotion>,
    /// Normalized public code → promotion.
    pub(crate) by_code: super::FastMap<String, usize>,
    /// Promotion id → promotion.
    pub(crate) by_id: super::FastMap<String, usize>,
    /// Promotions whose filter names a SKU / category / tag / brand, by that key.
    pub(crate) by_sku: super::FastMap<String, Vec<usize>>,
    pub(crate) by_category: super::FastMap<String, Vec<usize>>,
    pub(crate) by_tag: super::FastMap<String, Vec<usize>>,
    pub(crate) by_brand: super::FastMap<String, Vec<usize>>,
    /// Promotions whose filter includes every line.
    pub(crate) global: Vec<usize>,
    /// How many distinct item filters the promotions have.
    pub(crate) filters: usize,
}

impl PromotionIndex {
    /// The promotion with id `id`, if the rule set has one.
    pub(crate) fn get(&self, id: &str) -> Option<&CompiledPromotion> {
        self.by_id.get(id).and_then(|&i| self.promotions.get(i))
    }
}

/// Normalizes a coupon code for matching: trimmed, upper case.
pub(crate) fn normalize_code(code: &str) -> String {
    code.trim().to_uppercase()
}

/// Whether a promotion's outcome depends on the lines' current amounts.
fn reads_amounts(benefit: &Benefit, conditions: &Condition) -> bool {
    fn condition_reads(c: &Condition) -> bool {
        c.min_subtotal.is_some_and(|m| m.basis == Basis::Discounted)
            || c.all.iter().chain(&c.any).any(condition_reads)
            || c.not.as_deref().is_some_and(condition_reads)
    }
    let benefit_reads =
        !matches!(benefit, Benefit::FreeShipping { .. } | Benefit::Gift { .. } | Benefit::BonusPoints { .. });
    benefit_reads || condition_reads(conditions)
}

/// Whether a promotion reads the current amounts only through the sums of
/// the lines it covers: an order-level or non-discounting benefit, and
/// minimum subtotals that add no per-line tax and no other lines' amounts.
fn reads_sums_only(benefit: &Benefit, conditions: &Condition) -> bool {
    fn condition_sums(c: &Condition) -> bool {
        !c.min_subtotal.is_some_and(|m| m.basis == Basis::Discounted && m.include_tax)
            && !c.cart_contains.iter().any(|cc| cc.min_subtotal.is_some_and(|m| m.basis == Basis::Discounted))
            && c.all.iter().chain(&c.any).all(condition_sums)
            && c.not.as_deref().is_none_or(condition_sums)
    }
    let benefit_sums = matches!(
        benefit,
        Benefit::PercentOff { scope: Scope::Order, .. }
            | Benefit::AmountOff { per: AmountPer::Order, .. }
            | Benefit::SpendTiers { .. }
            | Benefit::EverySpend { .. }
            | Benefit::FreeShipping { .. }
            | Benefit::Gift { .. }
            | Benefit::BonusPoints { .. }
    );
    benefit_sums && condition_sums(conditions)
}

/// The stage a benefit runs in.
pub(crate) fn stage_of(benefit: &Benefit) -> Stage {
    match benefit {
        Benefit::PercentOff { scope: Scope::Order, .. }
        | Benefit::AmountOff { per: AmountPer::Order, .. }
        | Benefit::SpendTiers { .. }
        | Benefit::EverySpend { .. }
        | Benefit::Gift { .. }
        | Benefit::BonusPoints { .. } => Stage::OrderPromotions,
        Benefit::FreeShipping { .. } => Stage::ShippingPromotions,
        _ => Stage::ItemPromotions,
    }
}

/// Validates and compiles every promotion.
pub(crate) fn compile_promotions(
    promotions: &[Promotion],
    currency: Currency,
    tz: MerchantTimeZone,
    limits: &Limits,
    p: &mut Problems,
) -> PromotionIndex {
    let root = JsonPath::root();
    let list_path = root.field("promotions");
    p.count(promotions.len(), limits.max_promotions, &list_path);
    let mut compiled = Vec::with_capacity(promotions.len());
    let mut ids = HashSet::new();
    let mut codes: HashMap<String, usize> = HashMap::new();
    // Classes as small numbers, for the combinability checks.
    let mut classes: HashMap<String, u32> = HashMap::new();
    let mut class_id = |c: &str| {
        if let Some(&id) = classes.get(c) {
            return id;
        }
        let next = u32::try_from(classes.len()).unwrap_or(u32::MAX);
        classes.insert(c.to_string(), next);
        next
    };
    for (i, promo) in promotions.iter().enumerate() {
        let at = list_path.index(i);
        p.id(&promo.id, limits.max_id_bytes, &at.field("id"));
        if !ids.insert(promo.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &at.field("id"), format!("promotion `{}` is defined twice", promo.id));
        }
        check_trigger(promo, &at, limits, &mut codes, i, p);
        check_benefit(&promo.benefit, currency, &at.field("benefit"), limits, p);
        let spread = matches!(
            promo.benefit,
            Benefit::PercentOff { scope: Scope::Order, .. }
                | Benefit::AmountOff { per: AmountPer::Order, .. }
                | Benefit::SpendTiers { .. }
                | Benefit::EverySpend { .. }
        );
        p.check(
            promo.allocate_by != AllocateBy::Current && !spread,
            ErrorCode::ConflictingFields,
            &at.field("allocate_by"),
            "spreads an order discount over its lines: it needs an order discount (percent_off with scope order, amount_off per order, spend_tiers or every_spend)",
        );
        check_filter(&promo.items, currency, limits, &at.field("items"), p);
        check_condition(&promo.conditions, currency, limits, &at.field("conditions"), 0, p);
        p.id(&promo.class, limits.max_id_bytes, &at.field("class"));
        if let Some(classes) = &promo.combines_with {
            super::compile::labels(classes, limits, &at.field("combines_with"), p);
        }
        if let Some(group) = &promo.exclusive_group {
            p.id(group, limits.max_id_bytes, &at.field("exclusive_group"));
        }
        if let Some(budget) = promo.limits.and_then(|l| l.budget) {
            amount_valid(budget, currency, &at.field("limits").field("budget"), p);
        }
        let starts = promo.starts_at.and_then(|b| b.as_start(tz));
        let ends = promo.ends_at.and_then(|b| b.as_end(tz));
        if let (Some(s), Some(e)) = (starts, ends) {
            p.check(e <= s, ErrorCode::InvalidWindow, &at.field("ends_at"), "must be after starts_at");
        }
        let recurring = promo
            .recurring
            .iter()
            .enumerate()
            .filter_map(|(k, r)| compile_recurring(r, &at.field("recurring").index(k), p))
            .collect();
        let get_filter = match &promo.benefit {
            Benefit::BuyXGetY { get_items: Some(f), .. } => {
                check_filter(f, currency, limits, &at.field("benefit").field("get_items"), p);
                Some(CompiledFilter::new(f))
            }
            _ => None,
        };
        compiled.push(CompiledPromotion {
            id: promo.id.clone(),
            rule_id: promo.id.as_str().into(),
            name: promo.name.as_deref().map(std::sync::Arc::from),
            trigger: promo.trigger,
            codes: promo.codes.iter().map(|c| normalize_code(c)).collect(),
            benefit: promo.benefit.clone(),
            stage: stage_of(&promo.benefit),
            filter: CompiledFilter::new(&promo.items),
            get_filter,
            filter_id: 0,
            get_filter_id: None,
            reads_amounts: reads_amounts(&promo.benefit, &promo.conditions),
            reads_sums_only: reads_sums_only(&promo.benefit, &promo.conditions),
            conditions: promo.conditions.clone(),
            cart: {
                let mut cart = Vec::new();
                compile_cart(&promo.conditions, &mut cart);
                cart
            },
            starts,
            ends,
            recurring,
            priority: promo.priority,
            basis: promo.apply_to,
            allocate_by: promo.allocate_by,
            exclusive_group: promo.exclusive_group.clone(),
            group: None,
            class_id: class_id(&promo.class),
            combines_ids: promo.combines_with.as_ref().map(|cs| {
                let mut ids: Vec<u32> = cs.iter().map(|c| class_id(c)).collect();
                crate::sort::sort(&mut ids);
                ids
            }),
            stop_after: promo.stop_after,
            limits: promo.limits.unwrap_or_default(),
        });
    }
    index(compiled)
}

fn index(mut compiled: Vec<CompiledPromotion>) -> PromotionIndex {
    crate::sort::sort_by(&mut compiled, |a, b| (a.stage, a.priority, &a.id).cmp(&(b.stage, b.priority, &b.id)));
    let mut groups: HashMap<String, u32> = HashMap::new();
    let mut filters: HashMap<FilterKey<String>, usize> = HashMap::new();
    let mut filter_id = |f: &CompiledFilter| {
        let (lists, on_sale, min, max) = f.key();
        let lists = lists.into_iter().map(|l| l.into_iter().map(str::to_string).collect()).collect();
        let key = (lists, on_sale, min, max);
        let next = filters.len();
        *filters.entry(key).or_insert(next)
    };
    for promo in &mut compiled {
        promo.filter_id = filter_id(&promo.filter);
        promo.get_filter_id = promo.get_filter.as_ref().map(&mut filter_id);
        for cart in &mut promo.cart {
            cart.filter_id = filter_id(&cart.filter);
        }
        if let Some(g) = &promo.exclusive_group {
            let next = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            promo.group = Some(*groups.entry(g.clone()).or_insert(next));
        }
    }
    let mut idx = PromotionIndex { filters: filters.len(), ..PromotionIndex::default() };
    for (i, promo) in compiled.iter().enumerate() {
        idx.by_id.insert(promo.id.clone(), i);
        for code in &promo.codes {
            idx.by_code.insert(code.clone(), i);
        }
        let f = &promo.filter;
        let keyed = |map: &mut super::FastMap<String, Vec<usize>>, keys: &FastSet<String>| {
            let mut keys: Vec<&String> = keys.iter().collect();
            crate::sort::sort(&mut keys);
            for k in keys {
                map.entry(k.clone()).or_default().push(i);
            }
        };
        if !f.skus.is_empty() {
            keyed(&mut idx.by_sku, &f.skus);
        } else if !f.categories.is_empty() {
            keyed(&mut idx.by_category, &f.categories);
        } else if !f.tags.is_empty() {
            keyed(&mut idx.by_tag, &f.tags);
        } else if !f.brands.is_empty() {
            keyed(&mut idx.by_brand, &f.brands);
        } else {
            idx.global.push(i);
        }
    }
    idx.promotions = compiled;
    idx
}

fn check_trigger(
    promo: &Promotion,
    at: &JsonPath<'_>,
    limits: &Limits,
    codes: &mut HashMap<String, usize>,
    i: usize,
    p: &mut Problems,
) {
    let codes_path = at.field("codes");
    p.count(promo.codes.len(), limits.max_labels, &codes_path);
    if promo.trigger != Trigger::Code {
        p.check(!promo.codes.is_empty(), ErrorCode::ConflictingFields, &codes_path, "codes need `trigger: code`");
    }
    for (k, code) in promo.codes.iter().enumerate() {
        let cp = codes_path.index(k);
        p.id(code, limits.max_id_bytes, &cp);
        if let Some(other) = codes.insert(normalize_code(code), i) {
            p.add(
                ErrorCode::DuplicateId,
                &cp,
                format!("code `{}` already unlocks promotions[{other}] (codes match case-insensitively)", code.trim()),
            );
        }
    }
}

fn percent_ok(pct: Percent, at: &JsonPath<'_>, p: &mut Problems) {
    let v = pct.value();
    p.check(
        v <= Decimal::ZERO || v > Decimal::ONE_HUNDRED,
        ErrorCode::OutOfRange,
        at,
        "must be over 0 and at most 100",
    );
}

fn positive(amount: crate::money::Amount, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) {
    amount_valid(amount, currency, at, p);
    p.check(amount.value().is_zero(), ErrorCode::OutOfRange, at, "must be > 0");
}

fn check_benefit(b: &Benefit, currency: Currency, at: &JsonPath<'_>, limits: &Limits, p: &mut Problems) {
    let at_least_one = |n: u32, field: &str, p: &mut Problems| {
        p.check(n < 1, ErrorCode::OutOfRange, &at.field(field), "must be >= 1");
    };
    match b {
        Benefit::PercentOff { percent, max_discount, scope, max_units, choose } => {
            percent_ok(*percent, &at.field("percent"), p);
            if let Some(m) = max_discount {
                positive(*m, currency, &at.field("max_discount"), p);
            }
            unit_limit(*max_units, *choose, *scope == Scope::Items, "`scope: items`", at, p);
        }
        Benefit::AmountOff { amount, per, max_units, choose, with_shipping } => {
            positive(*amount, currency, &at.field("amount"), p);
            p.check(
                with_shipping.is_some() && *per != AmountPer::Order,
                ErrorCode::ConflictingFields,
                &at.field("with_shipping"),
                "covers shipping with what an order discount leaves: it needs `per: order`",
            );
            unit_limit(*max_units, *choose, *per == AmountPer::Unit, "`per: unit`", at, p);
        }
        Benefit::FixedPrice { unit_price } => amount_valid(*unit_price, currency, &at.field("unit_price"), p),
        Benefit::SpendTiers { tiers } => {
            let tp = at.field("tiers");
            p.check(tiers.is_empty(), ErrorCode::OutOfRange, &tp, "must have at least one tier");
            p.count(tiers.len(), limits.max_labels, &tp);
            let mut previous: Option<Decimal> = None;
            for (k, t) in tiers.iter().enumerate() {
                let kp = tp.index(k);
                positive(t.min_spend, currency, &kp.field("min_spend"), p);
                positive(t.discount, currency, &kp.field("discount"), p);
                p.check(
                    t.discount.value() > t.min_spend.value(),
                    ErrorCode::OutOfRange,
                    &kp.field("discount"),
                    "must not exceed min_spend",
                );
                if previous.is_some_and(|prev| t.min_spend.value() <= prev) {
                    p.add(ErrorCode::OutOfRange, &kp.field("min_spend"), "tiers must ascend by min_spend");
                }
                previous = Some(t.min_spend.value());
            }
        }
        Benefit::EverySpend { every, discount, max_discount } => {
            positive(*every, currency, &at.field("every"), p);
            positive(*discount, currency, &at.field("discount"), p);
            p.check(
                discount.value() > every.value(),
                ErrorCode::OutOfRange,
                &at.field("discount"),
                "must not exceed every",
            );
            if let Some(m) = max_discount {
                positive(*m, currency, &at.field("max_discount"), p);
            }
        }
        Benefit::QuantityTiers { tiers } => {
            let tp = at.field("tiers");
            p.check(tiers.is_empty(), ErrorCode::OutOfRange, &tp, "must have at least one tier");
            p.count(tiers.len(), limits.max_labels, &tp);
            let mut previous: Option<u32> = None;
            for (k, t) in tiers.iter().enumerate() {
                let kp = tp.index(k);
                if t.min_qty < 1 {
                    p.add(ErrorCode::OutOfRange, &kp.field("min_qty"), "must be >= 1");
                } else if previous.is_some_and(|prev| t.min_qty <= prev) {
                    p.add(ErrorCode::OutOfRange, &kp.field("min_qty"), "tiers must ascend by min_qty");
                }
                previous = Some(t.min_qty);
                percent_ok(t.percent, &kp.field("percent"), p);
            }
        }
        Benefit::NthItem { n, percent } => {
            p.check(*n < 2, ErrorCode::OutOfRange, &at.field("n"), "must be >= 2");
            percent_ok(*percent, &at.field("percent"), p);
        }
        Benefit::BuyXGetY { buy, get, percent, amount_off, unit_price, max_repeats, max_units, .. } => {
            at_least_one(*buy, "buy", p);
            at_least_one(*get, "get", p);
            if let Some(pct) = percent {
                percent_ok(*pct, &at.field("percent"), p);
            }
            if let Some(a) = amount_off {
                positive(*a, currency, &at.field("amount_off"), p);
            }
            if let Some(u) = unit_price {
                amount_valid(*u, currency, &at.field("unit_price"), p);
            }
            let given: Vec<&str> = [
                ("percent", percent.is_some()),
                ("amount_off", amount_off.is_some()),
                ("unit_price", unit_price.is_some()),
            ]
            .into_iter()
            .filter_map(|(name, set)| set.then_some(name))
            .collect();
            if let [first, second, ..] = given.as_slice() {
                p.add(
                    ErrorCode::ConflictingFields,
                    &at.field(second),
                    format!(
                        "give only one of percent, amount_off and unit_price (the get units' deal): `{first}` is given too"
                    ),
                );
            }
            if let Some(m) = max_repeats {
                at_least_one(*m, "max_repeats", p);
            }
            if let Some(m) = max_units {
                at_least_one(*m, "max_units", p);
            }
        }
        Benefit::BundlePrice { quantity, price, max_repeats } => {
            p.check(*quantity < 2, ErrorCode::OutOfRange, &at.field("quantity"), "must be >= 2");
            amount_valid(*price, currency, &at.field("price"), p);
            if let Some(m) = max_repeats {
                at_least_one(*m, "max_repeats", p);
            }
        }
        Benefit::Gift { sku, quantity, value } => {
            p.id(sku, limits.max_id_bytes, &at.field("sku"));
            at_least_one(*quantity, "quantity", p);
            p.check(
                *quantity > limits.max_quantity,
                ErrorCode::LimitExceeded,
                &at.field("quantity"),
                &format!(
                    "must be at most max_quantity ({}): the gift line is sent back as a receipt",
                    limits.max_quantity
                ),
            );
            amount_valid(*value, currency, &at.field("value"), p);
        }
        Benefit::FreeShipping { methods, amount_off, .. } => {
            super::compile::labels(methods, limits, &at.field("methods"), p);
            if let Some(a) = amount_off {
                positive(*a, currency, &at.field("amount_off"), p);
            }
        }
        Benefit::BonusPoints { multiplier } => {
            p.check(
                multiplier.value() <= Decimal::ZERO || multiplier.value() > Decimal::ONE_HUNDRED,
                ErrorCode::OutOfRange,
                &at.field("multiplier"),
                "must be over 0 and at most 100",
            );
        }
    }
}

/// Checks a per-unit discount's unit limit: `max_units` at least 1 and
/// only on a per-unit discount (`per_unit`, described by `needs`), and
/// `choose` only with `max_units`.
fn unit_limit(
    max_units: Option<u32>,
    choose: Option<super::promotion::Choose>,
    per_unit: bool,
    needs: &str,
    at: &JsonPath<'_>,
    p: &mut Problems,
) {
    if let Some(m) = max_units {
        p.check(m < 1, ErrorCode::OutOfRange, &at.field("max_units"), "must be >= 1");
        p.check(
            !per_unit,
            ErrorCode::ConflictingFields,
            &at.field("max_units"),
            &format!("limits discounted units, so it needs {needs} (an order discount is not per unit)"),
        );
    }
    p.check(
        choose.is_some() && max_units.is_none(),
        ErrorCode::ConflictingFields,
        &at.field("choose"),
        "chooses which units a unit limit discounts: it needs `max_units` (without it every unit is discounted)",
    );
}

fn check_filter(f: &ItemFilter, currency: Currency, limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) {
    if let Some(min) = f.min_unit_price {
        amount_valid(min, currency, &at.field("min_unit_price"), p);
    }
    if let Some(max) = f.max_unit_price {
        amount_valid(max, currency, &at.field("max_unit_price"), p);
    }
    if let (Some(min), Some(max)) = (f.min_unit_price, f.max_unit_price) {
        if max.value() < min.value() {
            p.add(
                ErrorCode::OutOfRange,
                &at.field("max_unit_price"),
                format!("must be at least min_unit_price ({}): the range would match no line", min.value()),
            );
        }
    }
    for (name, list) in [
        ("skus", &f.skus),
        ("categories", &f.categories),
        ("tags", &f.tags),
        ("brands", &f.brands),
        ("exclude_skus", &f.exclude_skus),
        ("exclude_categories", &f.exclude_categories),
        ("exclude_tags", &f.exclude_tags),
        ("exclude_brands", &f.exclude_brands),
    ] {
        let lp = at.field(name);
        p.count(list.len(), limits.max_filter_entries, &lp);
        for (i, v) in list.iter().enumerate() {
            p.id(v, limits.max_id_bytes, &lp.index(i));
        }
    }
}

/// Deepest nesting of `all` / `any` / `not`.
const MAX_CONDITION_DEPTH: usize = 8;

fn check_condition(
    c: &Condition,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    depth: usize,
    p: &mut Problems,
) {
    if depth > MAX_CONDITION_DEPTH {
        p.add(ErrorCode::LimitExceeded, at, format!("conditions nest deeper than {MAX_CONDITION_DEPTH} levels"));
        return;
    }
    if let Some(m) = &c.min_subtotal {
        positive(m.amount, currency, &at.field("min_subtotal").field("amount"), p);
    }
    if let Some(q) = c.min_quantity {
        p.check(q < 1, ErrorCode::OutOfRange, &at.field("min_quantity"), "must be >= 1");
    }
    super::compile::labels(&c.customer_tiers, limits, &at.field("customer_tiers"), p);
    super::compile::labels(&c.customer_segments, limits, &at.field("customer_segments"), p);
    super::compile::labels(&c.channels, limits, &at.field("channels"), p);
    let cp = at.field("cart_contains");
    p.count(c.cart_contains.len(), limits.max_labels, &cp);
    for (i, cc) in c.cart_contains.iter().enumerate() {
        let kp = cp.index(i);
        check_filter(&cc.items, currency, limits, &kp.field("items"), p);
        if cc.min_quantity == Some(0) {
            p.add(
                ErrorCode::OutOfRange,
                &kp.field("min_quantity"),
                "must be at least 1 (leave it out for \"at least one unit\"; use `not` for \"none\")",
            );
        }
        if let Some(m) = &cc.min_subtotal {
            positive(m.amount, currency, &kp.field("min_subtotal").field("amount"), p);
        }
    }
    let depth = depth.saturating_add(1);
    for (name, list) in [("all", &c.all), ("any", &c.any)] {
        let lp = at.field(name);
        p.count(list.len(), limits.max_labels, &lp);
        for (i, sub) in list.iter().enumerate() {
            check_condition(sub, currency, limits, &lp.index(i), depth, p);
        }
    }
    if let Some(sub) = &c.not {
        check_condition(sub, currency, limits, &at.field("not"), depth, p);
    }
}

fn compile_recurring(r: &RecurringWindow, at: &JsonPath<'_>, p: &mut Problems) -> Option<CompiledRecurring> {
    let minutes = |s: &str, field: &str, p: &mut Problems| -> Option<u32> {
        if s == "24:00" {
            return Some(24 * 60);
        }
        match crate::time::parse_hour_minute(s) {
            Some(t) => Some(t.hour().saturating_mul(60).saturating_add(t.minute())),
            None => {
                p.add(ErrorCode::InvalidValue, &at.field(field), format!("`{s}` is not a time HH:MM (00:00 to 24:00)"));
                None
            }
        }
    };
    let from = minutes(&r.from, "from", p);
    let until = minutes(&r.until, "until", p);
    let (from, until) = (from?, until?);
    if until <= from {
        p.add(ErrorCode::InvalidWindow, &at.field("until"), "must be after from (windows do not cross midnight)");
        return None;
    }
    let days = if r.days.is_empty() {
        0x7f
    } else {
        r.days.iter().fold(0_u8, |mask, d| mask | 1_u8.checked_shl(*d as u32).unwrap_or(0))
    };
    Some(CompiledRecurring { days, from, until })
}
