//! One promotion on the current amounts: its conditions, then its benefit
//! as a discount per line.
//!
//! Discounts are computed in minor units and never take a line below zero.
//! Item benefits compute per line (per unit when the rule set rounds at unit
//! level); order benefits compute one amount on the covered lines and split
//! it over them in proportion to what they still cost (largest remainder).

use std::rc::Rc;

use rust_decimal::Decimal;

use super::context::Context;
use super::minor::{add, mul, split, split_capped, sub, Minor};
use crate::money::{Money, MoneyError, Percent, RoundingLevel};
use crate::quote::{FreeShippingGrant, ReasonCode, ReasonParams};
use crate::rules::{
    cart_count, AllocateBy, AmountPer, Basis, Benefit, Choose, CompiledPromotion, Condition, MinSubtotal, Scope,
    WithShipping,
};

/// Why a promotion did not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) code: ReasonCode,
    pub(crate) params: ReasonParams,
}

impl Refusal {
    pub(crate) fn new(code: ReasonCode) -> Self {
        Refusal { code, params: ReasonParams::default() }
    }
}

/// The next threshold of a promotion, for hints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Next {
    pub(crate) amount_needed: Option<Money>,
    pub(crate) quantity_needed: Option<u32>,
    pub(crate) discount: Option<Money>,
    pub(crate) percent: Option<Percent>,
}

/// What an applied promotion does.
///
/// An order-level discount is only an amount until the promotion is
/// applied: it is spread over the lines (`parts`) then, so the promotions
/// that lose an exclusive group or a combination are never spread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Effect {
    /// Discount per line (line index, minor units > 0), in line order;
    /// empty for a discount still to be spread.
    pub(crate) parts: Vec<(usize, Minor)>,
    /// The discount to spread over the covered lines in proportion to what
    /// they still cost (at most what they cost in all).
    spread: Option<Minor>,
    /// What a spent-down budget leaves of the discount, re-split over the parts.
    cap: Option<Minor>,
    /// The discount in all: the sum of the parts.
    pub(crate) amount: Minor,
    // The rare parts are boxed: an effect is moved several times between
    // its evaluation and its memo, and most effects have none of them.
    pub(crate) gift: Option<Box<(String, u32, Money)>>,
    pub(crate) free_shipping: Option<Box<FreeShippingGrant>>,
    pub(crate) points_multiplier: Option<Percent>,
    /// A better tier within reach.
    pub(crate) next: Option<Box<Next>>,
    /// For a unit-selective benefit (nth item, buy X get Y, bundle): the
    /// units it uses per line, bought and discounted alike, in line order.
    /// Later unit-selective promotions cannot use them again.
    pub(crate) consumed: Vec<(usize, u64)>,
    /// For an order discount over items and shipping (items first): what
    /// the items could not take, for the shipping stage (minor units).
    pub(crate) shipping_rest: Minor,
    /// For an order discount over items and shipping: what the covered
    /// lines cost before it (minor units), for the pro rata split.
    pub(crate) items_base: Minor,
    /// For a per-unit percentage on lines some of whose units earlier
    /// unit-selective promotions used: per such line, its part and the
    /// share of it that came off the used units (each at its own price),
    /// so that the run's bookkeeping lowers what they cost exactly.
    pub(crate) on_taken: Vec<(usize, Minor, Minor)>,
}

/// Units of a line already used by unit-selective promotions in a run,
/// and what they cost now and at catalog price (minor units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Taken {
    pub(crate) units: u64,
    pub(crate) amount: Minor,
    pub(crate) original: Minor,
}

impl Effect {
    fn nothing() -> Self {
        Effect {
            parts: Vec::new(),
            spread: None,
            cap: None,
            amount: 0,
            gift: None,
            free_shipping: None,
            points_multiplier: None,
            next: None,
            consumed: Vec::new(),
            shipping_rest: 0,
            items_base: 0,
            on_taken: Vec::new(),
        }
    }

    /// Limits the discount to `left` (a promotion budget), re-split in
    /// proportion to the parts.
    pub(crate) fn cap_at(&mut self, left: Minor) {
        if self.amount > left {
            self.cap = Some(left);
            self.amount = left;
        }
        // What may still come off shipping is within the budget too.
        self.shipping_rest = self.shipping_rest.min(left.saturating_sub(self.amount)).max(0);
    }

    /// The discount per line when promotion `index` applies on `amounts`
    /// (the amounts it was evaluated on); `None` when it is [`Effect::parts`]
    /// as they are (nothing to spread, no cap).
    pub(crate) fn split_parts(
        &self,
        ctx: &Context<'_>,
        index: usize,
        amounts: &[Minor],
    ) -> Result<Option<Vec<(usize, Minor)>>, MoneyError> {
        if self.spread.is_none() && self.cap.is_none() {
            return Ok(None);
        }
        let mut parts = match self.spread {
            Some(d) => {
                let eligible = ctx.eligible(index, false);
                let current = |l: usize| amounts.get(l).copied().unwrap_or(0).max(0);
                let weights: Vec<Minor> = eligible.iter().map(|&l| current(l)).collect();
                let split = match ctx.promotion(index).map(|p| p.allocate_by) {
                    // By catalog amount, never more than a line still costs.
                    Some(AllocateBy::Original) => {
                        let original: Vec<Minor> =
                            eligible.iter().map(|&l| ctx.original.get(l).copied().unwrap_or(0).max(0)).collect();
                        split_capped(d, &original, &weights)?
                    }
                    _ => split(d, &weights)?,
                };
                let mut parts: Vec<(usize, Minor)> = eligible.iter().copied().zip(split).collect();
                parts.retain(|p| p.1 > 0);
                parts
            }
            None => self.parts.clone(),
        };
        if let Some(left) = self.cap {
            let weights: Vec<Minor> = parts.iter().map(|p| p.1).collect();
            for (part, m) in parts.iter_mut().zip(split(left, &weights)?) {
                part.1 = m;
            }
            parts.retain(|p| p.1 != 0);
        }
        Ok(Some(parts))
    }
}

/// Why a promotion did not apply, and the threshold that would make it
/// apply (for hints), shared between the runs that reach it.
pub(crate) type Why = Rc<(Refusal, Option<Next>)>;

/// The outcome of evaluating one promotion, shared between the runs that
/// reach it with the same amounts.
pub(crate) type Outcome = Result<Rc<Effect>, Why>;

/// Per line: a percentage's part and its share on used units (see [`Effect::on_taken`]).
type OnTaken = Vec<(usize, Minor, Minor)>;

/// An outcome as computed.
type Computed = Result<Effect, Why>;

fn refuse(code: ReasonCode) -> Computed {
    Err(Rc::new((Refusal::new(code), None)))
}

fn shortfall(needed: Money, discount: Option<Money>, percent: Option<Percent>) -> Computed {
    let params = ReasonParams { shortfall: Some(needed), ..Default::default() };
    let next = Next { amount_needed: Some(needed), discount, percent, ..Default::default() };
    Err(Rc::new((Refusal { code: ReasonCode::MinSpendNotMet, params }, Some(next))))
}

fn too_few(needed: u64, percent: Option<Percent>) -> Computed {
    let needed = u32::try_from(needed.max(1)).unwrap_or(u32::MAX);
    let params = ReasonParams { quantity_needed: Some(needed), ..Default::default() };
    let next = Next { quantity_needed: Some(needed), percent, ..Default::default() };
    Err(Rc::new((Refusal { code: ReasonCode::MinQuantityNotMet, params }, Some(next))))
}

/// Evaluates promotion `index` against the current line `amounts`.
///
/// `generation` names the run state `amounts` belong to: a promotion
/// evaluated in that state before answers what it answered then.
pub(crate) fn evaluate(
    ctx: &Context<'_>,
    index: usize,
    amounts: &[Minor],
    taken: &[Taken],
    generation: u64,
) -> Result<Outcome, MoneyError> {
    let shared = |c: Computed| c.map(Rc::new);
    let Some(promo) = ctx.promotion(index) else { return Ok(shared(refuse(ReasonCode::Unknown))) };
    let eligible = ctx.eligible(index, false);
    ctx.count_work(1);
    if eligible.is_empty() && !matches!(promo.benefit, Benefit::FreeShipping { .. }) {
        return Ok(shared(refuse(ReasonCode::NoEligibleItems)));
    }
    // The outcome depends only on the amounts of the lines the promotion
    // covers: combinations that leave them as they were reuse it.
    // (Nothing, when it reads no amounts.)
    let get_lines = promo.get_filter.as_ref().map(|_| ctx.eligible(index, true));
    // (A unit-selective benefit also depends on the units earlier ones
    // used: it is reused only within one run state.)
    let selective = unit_selective(&promo.benefit);
    // A `cart_contains` condition on what other lines still cost reads
    // them too: their amounts are part of the key.
    let cart_lines: Vec<Rc<[usize]>> = promo.cart.iter().filter(|c| c.reads_amounts).map(|c| ctx.present(c)).collect();
    if let Some(outcome) = ctx.remembered(index, generation) {
        ctx.count_work(eligible.len());
        return Ok(outcome);
    }
    let e = Eval { ctx, index, promo, amounts, taken, eligible, generation };
    // A promotion its conditions refuse whatever the lines' amounts come
    // to, or on sums kept per filter, is refused without keying the memo
    // by every line's amount: the same outcome, from the same conditions
    // (one unit of work, not one per line).
    if e.refused_without_lines(&promo.conditions)? {
        if let Some(refusal) = e.conditions(&promo.conditions, 0)? {
            return Ok(shared(refusal));
        }
    }
    let eligible = &e.eligible;
    ctx.count_work(eligible.len());
    let mut key = ctx.key_buffer();
    let amount = |&l: &usize| amounts.get(l).copied().unwrap_or(0);
    if promo.reads_amounts && promo.reads_sums_only {
        // A promotion that reads only the sums of its lines is keyed by them.
        let (s, p) = ctx.current_sums(promo.filter_id, generation, eligible, amounts)?;
        key.extend([s, p]);
    } else {
        if promo.reads_amounts {
            key.extend(eligible.iter().map(amount));
            if let Some(lines) = &get_lines {
                key.extend(lines.iter().map(amount));
            }
        }
        for lines in &cart_lines {
            key.extend(lines.iter().map(amount));
        }
        // A per-unit percentage prices units earlier unit-selective
        // promotions used apart from the others: which, and what they
        // cost, are part of the key (line, units, amount).
        if promo.reads_amounts && !taken.is_empty() {
            for &l in eligible.iter() {
                if let Some(t) = taken.get(l).filter(|t| t.units > 0) {
                    key.extend([Minor::try_from(l).unwrap_or(Minor::MAX), Minor::from(t.units), t.amount]);
                }
            }
        }
    }
    if !selective {
        if let Some(outcome) = ctx.remembered_by_amounts(index, generation, &key) {
            ctx.give_back_key(key);
            return Ok(outcome);
        }
    }
    let outcome = shared(match e.conditions(&promo.conditions, 0)? {
        Some(refusal) => refusal,
        None => e.benefit()?,
    });
    ctx.remember(index, generation, &key, &outcome);
    ctx.give_back_key(key);
    Ok(outcome)
}

/// What comparing promotion `index` with an exclusive group's leader
/// needs to know, found without building its effect (see [`preview`]).
pub(crate) enum Preview {
    /// It does not apply, for this reason.
    Refused(Why),
    /// It does not apply, for a reason without a threshold (no eligible
    /// items, no discount): an automatic promotion's such refusal is
    /// recorded only in the explained run, which does not preview.
    Unrecorded,
    /// It applies with this discount in all.
    Discount(Minor),
}

/// Promotion `index` on the current `amounts` as [`evaluate`] would find
/// it, when it is a money-off order benefit (see `Eval::order_discount`):
/// its refusal, or its discount in all, without the effect that spreads it
/// over the lines. An exclusive group compares its members by it, and
/// evaluates in full only a member that would lead. `None` for other
/// benefits. Counts the same work as `evaluate`.
pub(crate) fn preview(
    ctx: &Context<'_>,
    index: usize,
    amounts: &[Minor],
    taken: &[Taken],
    generation: u64,
) -> Result<Option<Preview>, MoneyError> {
    let Some(promo) = ctx.promotion(index) else { return Ok(None) };
    if !matches!(
        promo.benefit,
        Benefit::PercentOff { scope: Scope::Order, .. }
            | Benefit::AmountOff { per: AmountPer::Order, with_shipping: None, .. }
    ) {
        return Ok(None);
    }
    let eligible = ctx.eligible(index, false);
    ctx.count_work(eligible.len().saturating_add(1));
    if eligible.is_empty() {
        return Ok(Some(Preview::Unrecorded));
    }
    let e = Eval { ctx, index, promo, amounts, taken, eligible, generation };
    match e.conditions(&promo.conditions, 0)? {
        Some(Err(why)) => return Ok(Some(Preview::Refused(why))),
        Some(Ok(_)) => return Ok(None),
        None => {}
    }
    let Some(discount) = e.order_discount()? else { return Ok(None) };
    Ok(Some(match e.spread_amount(discount)? {
        Some(d) => Preview::Discount(d),
        None => Preview::Unrecorded,
    }))
}

struct Eval<'c, 'a> {
    ctx: &'c Context<'a>,
    index: usize,
    promo: &'a CompiledPromotion,
    amounts: &'c [Minor],
    taken: &'c [Taken],
    eligible: Rc<[usize]>,
    /// The run state `amounts` belong to.
    generation: u64,
}

/// Whether a benefit picks units (and so uses them up for later ones): a
/// per-unit discount limited to a number of units is one too.
pub(crate) fn unit_selective(b: &Benefit) -> bool {
    matches!(
        b,
        Benefit::NthItem { .. }
            | Benefit::BuyXGetY { .. }
            | Benefit::BundlePrice { .. }
            | Benefit::PercentOff { max_units: Some(_), .. }
            | Benefit::AmountOff { max_units: Some(_), .. }
    )
}

/// Units picked per line, merged, in line order.
fn per_line(picked: &[(usize, Decimal, u64)]) -> Vec<(usize, u64)> {
    let mut out: Vec<(usize, u64)> = Vec::with_capacity(picked.len());
    for &(line, _, k) in picked {
        match out.iter_mut().find(|p| p.0 == line) {
            Some(p) => p.1 = p.1.saturating_add(k),
            None => out.push((line, k)),
        }
    }
    crate::sort::sort_by_key(&mut out, |p| p.0);
    out
}

/// What a unit-selective benefit does to each unit it discounts.
#[derive(Debug, Clone, Copy)]
enum Deal {
    /// A percentage off (the fraction).
    Percent(Decimal),
    /// A fixed amount off, in minor units; never below 0.
    AmountOff(Minor),
    /// The unit at this price, in minor units; a unit at or below it gets nothing.
    UnitPrice(Minor),
}

impl Deal {
    /// A buy-X-get-Y's deal: its percentage, amount off or unit price; free
    /// when it states none.
    fn of_buy_x_get_y(
        percent: Option<Percent>,
        amount_off: Option<crate::money::Amount>,
        unit_price: Option<crate::money::Amount>,
        units: super::minor::Units,
    ) -> Result<Deal, MoneyError> {
        Ok(match (percent, amount_off, unit_price) {
            (Some(p), _, _) => Deal::Percent(fraction(p)),
            (None, Some(a), _) => Deal::AmountOff(units.amount(a)?),
            (None, None, Some(u)) => Deal::UnitPrice(units.amount(u)?),
            (None, None, None) => Deal::Percent(Decimal::ONE),
        })
    }

    /// The percentage a hint names, when the deal is one.
    fn percent(percent: Option<Percent>, amount_off: bool, unit_price: bool) -> Option<Percent> {
        match percent {
            Some(p) => Some(p),
            None if amount_off || unit_price => None,
            None => Some(Percent(Decimal::ONE_HUNDRED)),
        }
    }

    /// The discount on one unit at the exact unit `price`, rounded with
    /// the rule set's mode; never more than the unit's (rounded) price.
    fn per_unit(self, price: Decimal, units: super::minor::Units) -> Result<Minor, MoneyError> {
        let d = match self {
            Deal::Percent(f) => units.round(price.checked_mul(f).ok_or(MoneyError::Overflow)?)?,
            Deal::AmountOff(a) => a.min(units.round(price)?),
            Deal::UnitPrice(u) => units.round(price.checked_sub(units.decimal(u)?).ok_or(MoneyError::Overflow)?)?,
        };
        Ok(d.max(0))
    }
}

/// Units of one line at one exact unit price: `base / count`.
struct UnitGroup {
    line: usize,
    /// What the units cost together, in minor units.
    base: Minor,
    count: u64,
    /// The unit price rounded down to a minor unit, when it is cheap to
    /// know (64 bits): two groups whose floors differ are ordered by them.
    floor: Option<i64>,
}

impl UnitGroup {
    fn new(line: usize, base: Minor, count: u64) -> UnitGroup {
        let floor = match (i64::try_from(base), i64::try_from(count)) {
            (Ok(b), Ok(c)) if c > 0 => b.checked_div_euclid(c),
            _ => None,
        };
        UnitGroup { line, base, count, floor }
    }

    /// The exact unit price.
    fn price(&self, units: super::minor::Units) -> Result<Decimal, MoneyError> {
        units.per_unit(self.base, self.count)
    }

    /// Compares unit prices exactly without dividing: `a/m` against `b/n`
    /// is `a·n` against `b·m`; past i128, by the divided prices.
    fn cmp_price(&self, other: &UnitGroup, units: super::minor::Units) -> std::cmp::Ordering {
        // ⌊x⌋ < ⌊y⌋ implies x < y: only equal floors need the products.
        if let (Some(a), Some(b)) = (self.floor, other.floor) {
            if a != b {
                return a.cmp(&b);
            }
        }
        let cross = |g: &UnitGroup, o: &UnitGroup| g.base.checked_mul(i128::from(o.count));
        match (cross(self, other), cross(other, self)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => match (self.price(units), other.price(units)) {
                (Ok(a), Ok(b)) => a.cmp(&b),
                _ => std::cmp::Ordering::Equal,
            },
        }
    }
}

impl Eval<'_, '_> {
    fn amount(&self, line: usize) -> Minor {
        self.amounts.get(line).copied().unwrap_or(0)
    }

    fn units(&self, line: usize) -> u64 {
        self.ctx.units.get(line).copied().unwrap_or(0)
    }

    /// The amount a percentage or threshold is computed on.
    fn base(&self, line: usize, basis: Basis) -> Minor {
        match basis {
            Basis::Original => self.ctx.original.get(line).copied().unwrap_or(0),
            Basis::Discounted => self.amount(line),
        }
    }

    fn taken(&self, line: usize) -> Taken {
        self.taken.get(line).copied().unwrap_or_default()
    }

    /// Units of a line no unit-selective promotion has used yet.
    fn free_units(&self, line: usize) -> u64 {
        self.units(line).saturating_sub(self.taken(line).units)
    }

    /// What the free units of a line cost, on `basis`.
    fn free_base(&self, line: usize, basis: Basis) -> Minor {
        let t = self.taken(line);
        let used = match basis {
            Basis::Original => t.original,
            Basis::Discounted => t.amount,
        };
        self.base(line, basis).saturating_sub(used).max(0)
    }

    fn free_quantity(&self, lines: &[usize]) -> u64 {
        lines.iter().map(|&l| self.free_units(l)).fold(0, u64::saturating_add)
    }

    fn sum(&self, lines: &[usize], f: impl Fn(usize) -> Minor) -> Result<Minor, MoneyError> {
        lines.iter().try_fold(0, |acc, &l| add(acc, f(l)))
    }

    /// What the covered lines come to on `basis` (sums kept per filter).
    fn eligible_sum(&self, basis: Basis) -> Result<Minor, MoneyError> {
        match basis {
            Basis::Original => self.ctx.original_sum(self.promo.filter_id, &self.eligible),
            Basis::Discounted => {
                Ok(self.ctx.current_sums(self.promo.filter_id, self.generation, &self.eligible, self.amounts)?.0)
            }
        }
    }

    /// What the covered lines come to on `min`'s basis, with the estimated
    /// tax when it asks for it and prices exclude tax.
    fn spent_on_eligible(&self, min: &MinSubtotal) -> Result<Minor, MoneyError> {
        match self.spent_from_sums(min)? {
            Some(spent) => Ok(spent),
            None => self.spent(&self.eligible, min),
        }
    }

    /// What the covered lines come to on `min`'s basis when the sums kept
    /// per filter tell it: not when it adds tax to prices that exclude it
    /// (a per-line estimate).
    fn spent_from_sums(&self, min: &MinSubtotal) -> Result<Option<Minor>, MoneyError> {
        if min.include_tax && !self.ctx.rules.tax.prices_include_tax {
            return Ok(None);
        }
        self.eligible_sum(min.basis).map(Some)
    }

    fn quantity(&self, lines: &[usize]) -> u64 {
        lines.iter().map(|&l| self.units(l)).fold(0, u64::saturating_add)
    }

    fn money(&self, m: Minor) -> Result<Money, MoneyError> {
        self.ctx.minor.money(m)
    }

    /// What `lines` come to on `min`'s basis, with the estimated tax when
    /// it asks for it and prices exclude tax.
    fn spent(&self, lines: &[usize], min: &MinSubtotal) -> Result<Minor, MoneyError> {
        let mut spent = self.sum(lines, |l| self.base(l, min.basis))?;
        if min.include_tax && !self.ctx.rules.tax.prices_include_tax {
            for &l in lines {
                let rate = self.ctx.tax_rates.get(l).copied().unwrap_or_default();
                spent = add(spent, self.ctx.minor.times(self.base(l, min.basis), rate)?)?;
            }
        }
        Ok(spent)
    }

    /// Whether condition `c` refuses on what does not read the lines one by
    /// one: the customer and channel, or a minimum subtotal of the covered
    /// lines' sum (kept per filter) not reached. When it does,
    /// [`Eval::conditions`] refuses too (it checks these among the others).
    fn refused_without_lines(&self, c: &Condition) -> Result<bool, MoneyError> {
        if self.customer_refusal(c).is_some() {
            return Ok(true);
        }
        let Some(min) = &c.min_subtotal else { return Ok(false) };
        match self.spent_from_sums(min)? {
            Some(spent) => Ok(spent < self.ctx.minor.amount(min.amount)?),
            None => Ok(false),
        }
    }

    /// Why condition `c` refuses this customer or channel, if it does.
    fn customer_refusal(&self, c: &Condition) -> Option<ReasonCode> {
        let customer = &self.ctx.req.customer;
        if (!c.customer_tiers.is_empty() && !customer.tier.as_ref().is_some_and(|t| c.customer_tiers.contains(t)))
            || (!c.customer_segments.is_empty() && !customer.segments.iter().any(|s| c.customer_segments.contains(s)))
            || c.first_order.is_some_and(|f| f != customer.first_order)
        {
            return Some(ReasonCode::CustomerNotEligible);
        }
        if !c.channels.is_empty() && !self.ctx.req.channel.as_ref().is_some_and(|ch| c.channels.contains(ch)) {
            return Some(ReasonCode::ChannelNotEligible);
        }
        None
    }

    /// Checks condition `c`, whose first `cart_contains` is the promotion's
    /// compiled cart condition number `cart` (see `cart_count`).
    fn conditions(&self, c: &Condition, cart: usize) -> Result<Option<Computed>, MoneyError> {
        if let Some(code) = self.customer_refusal(c) {
            return Ok(Some(refuse(code)));
        }
        if let Some(q) = c.min_quantity {
            let have = self.quantity(&self.eligible);
            if have < u64::from(q) {
                return Ok(Some(too_few(u64::from(q).saturating_sub(have), None)));
            }
        }
        if let Some(min) = &c.min_subtotal {
            let spent = self.spent_on_eligible(min)?;
            let needed = sub(self.ctx.minor.amount(min.amount)?, spent)?;
            if needed > 0 {
                return Ok(Some(shortfall(self.money(needed)?, self.headline_discount()?, self.headline_percent())));
            }
        }
        for (k, contains) in c.cart_contains.iter().enumerate() {
            let Some(compiled) = self.promo.cart.get(cart.saturating_add(k)) else { continue };
            let lines = self.ctx.present(compiled);
            if self.quantity(&lines) < u64::from(contains.min_quantity.unwrap_or(1)) {
                return Ok(Some(refuse(ReasonCode::ConditionsNotMet)));
            }
            if let Some(min) = &contains.min_subtotal {
                if self.spent(&lines, min)? < self.ctx.minor.amount(min.amount)? {
                    return Ok(Some(refuse(ReasonCode::ConditionsNotMet)));
                }
            }
        }
        // Nested conditions number their cart conditions after these, in
        // order (`all`, `any`, then `not`, the last).
        let numbered = !self.promo.cart.is_empty();
        let count = |sub: &Condition| if numbered { cart_count(sub) } else { 0 };
        let mut next = cart.saturating_add(c.cart_contains.len());
        for sub in &c.all {
            if let Some(r) = self.conditions(sub, next)? {
                return Ok(Some(r));
            }
            next = next.saturating_add(count(sub));
        }
        if !c.any.is_empty() {
            let mut ok = false;
            for sub in &c.any {
                if self.conditions(sub, next)?.is_none() {
                    ok = true;
                    break;
                }
                next = next.saturating_add(count(sub));
            }
            if !ok {
                return Ok(Some(refuse(ReasonCode::ConditionsNotMet)));
            }
        }
        if let Some(sub) = &c.not {
            let at = cart.saturating_add(count(c)).saturating_sub(count(sub));
            if self.conditions(sub, at)?.is_none() {
                return Ok(Some(refuse(ReasonCode::ConditionsNotMet)));
            }
        }
        Ok(None)
    }

    /// The fixed discount the promotion gives, for hints.
    fn headline_discount(&self) -> Result<Option<Money>, MoneyError> {
        let a = match &self.promo.benefit {
            Benefit::AmountOff { amount, per: AmountPer::Order, .. } => Some(*amount),
            Benefit::SpendTiers { tiers } => tiers.first().map(|t| t.discount),
            Benefit::EverySpend { discount, .. } => Some(*discount),
            _ => None,
        };
        Ok(a.map(|a| Money::new(a.value(), self.ctx.currency)))
    }

    fn headline_percent(&self) -> Option<Percent> {
        match &self.promo.benefit {
            Benefit::PercentOff { percent, .. } => Some(*percent),
            _ => None,
        }
    }

    fn benefit(&self) -> Result<Computed, MoneyError> {
        let basis = self.promo.basis;
        let units = self.ctx.minor;
        let money = |a: crate::money::Amount| Money::new(a.value(), self.ctx.currency);
        let outcome = match &self.promo.benefit {
            Benefit::PercentOff { percent, scope: Scope::Items, max_discount, max_units, choose } => {
                let max = max_discount.map(|m| units.amount(m)).transpose()?;
                match max_units {
                    Some(n) => {
                        self.limited_units(*n, choose.unwrap_or_default(), Deal::Percent(fraction(*percent)), max)?
                    }
                    None => {
                        let (parts, on_taken) = self.percent_per_line(&self.eligible, *percent)?;
                        self.effect(self.cap(parts, max)?).map(|e| Effect { on_taken, ..e })
                    }
                }
            }
            Benefit::PercentOff { scope: Scope::Order, .. }
            | Benefit::AmountOff { per: AmountPer::Order, with_shipping: None, .. } => match self.order_discount()? {
                Some(d) => self.spread(d)?,
                None => refuse(ReasonCode::Unknown),
            },
            Benefit::AmountOff { amount, per: AmountPer::Unit, max_units: Some(n), choose, .. } => {
                self.limited_units(*n, choose.unwrap_or_default(), Deal::AmountOff(units.amount(*amount)?), None)?
            }
            Benefit::AmountOff { amount, per: AmountPer::Unit, max_units: None, .. } => {
                let each = units.amount(*amount)?;
                let parts =
                    self.eligible.iter().map(|&l| Ok((l, mul(each, self.units(l))?))).collect::<Result<_, _>>()?;
                self.effect(parts)
            }
            Benefit::AmountOff {
                amount,
                per: AmountPer::Order,
                with_shipping: Some(WithShipping::ItemsFirst | WithShipping::ProRata),
                ..
            } => {
                // The items first; what they cannot take is left for shipping.
                // Pro rata is split between items and shipping once the
                // shipping price is known (`quote::pro_rata`), from this.
                let whole = units.amount(*amount)?;
                let items = self.sum(&self.eligible, |l| self.amount(l).max(0))?;
                let rest = sub(whole, whole.min(items))?;
                match self.spread(whole)? {
                    Ok(e) => Ok(Effect { shipping_rest: rest, items_base: items, ..e }),
                    Err(_) => Ok(Effect { shipping_rest: rest, items_base: items, ..Effect::nothing() }),
                }
            }
            Benefit::FixedPrice { unit_price } => {
                let price = units.amount(*unit_price)?;
                let mut parts = Vec::with_capacity(self.eligible.len());
                for &l in self.eligible.iter() {
                    let d = sub(self.base(l, basis), mul(price, self.units(l))?)?;
                    if d > 0 {
                        parts.push((l, d));
                    }
                }
                self.effect(parts)
            }
            Benefit::SpendTiers { tiers } => {
                let base = self.eligible_sum(basis)?;
                let mut reached = None;
                let mut next = None;
                for t in tiers {
                    let min = units.amount(t.min_spend)?;
                    if base >= min {
                        reached = Some(t);
                    } else if next.is_none() {
                        next = Some(Next {
                            amount_needed: Some(self.money(sub(min, base)?)?),
                            discount: Some(money(t.discount)),
                            ..Default::default()
                        });
                    }
                }
                match reached {
                    Some(t) => {
                        self.spread(units.amount(t.discount)?)?.map(|e| Effect { next: next.map(Box::new), ..e })
                    }
                    None => {
                        let shortfall = next.as_ref().and_then(|n| n.amount_needed);
                        let params = ReasonParams { shortfall, ..Default::default() };
                        Err(Rc::new((Refusal { code: ReasonCode::MinSpendNotMet, params }, next)))
                    }
                }
            }
            Benefit::EverySpend { every, discount, max_discount } => {
                let base = self.eligible_sum(basis)?;
                let step = units.amount(*every)?;
                let steps = u64::try_from(base.checked_div(step).ok_or(MoneyError::DivisionByZero)?).unwrap_or(0);
                let per_step = units.amount(*discount)?;
                let mut d = mul(per_step, steps)?;
                let max = max_discount.map(|m| units.amount(m)).transpose()?;
                let capped = max.is_some_and(|m| d >= m);
                if let Some(m) = max {
                    d = d.min(m);
                }
                let needed = self.money(sub(mul(step, steps.saturating_add(1))?, base)?)?;
                if steps == 0 {
                    return Ok(shortfall(needed, Some(money(*discount)), None));
                }
                let next = (!capped).then_some(Next {
                    amount_needed: Some(needed),
                    discount: Some(money(*discount)),
                    ..Default::default()
                });
                self.spread(d)?.map(|e| Effect { next: next.map(Box::new), ..e })
            }
            Benefit::QuantityTiers { tiers } => {
                let have = self.quantity(&self.eligible);
                let reached = tiers.iter().rev().find(|t| have >= u64::from(t.min_qty));
                let next = tiers.iter().find(|t| have < u64::from(t.min_qty)).map(|t| Next {
                    quantity_needed: u32::try_from(u64::from(t.min_qty).saturating_sub(have)).ok(),
                    percent: Some(t.percent),
                    ..Default::default()
                });
                match reached {
                    Some(t) => {
                        let (parts, on_taken) = self.percent_per_line(&self.eligible, t.percent)?;
                        self.effect(parts).map(|e| Effect { next: next.map(Box::new), on_taken, ..e })
                    }
                    None => {
                        let needed = next.as_ref().and_then(|n| n.quantity_needed).unwrap_or(1);
                        let params = ReasonParams { quantity_needed: Some(needed), ..Default::default() };
                        Err(Rc::new((Refusal { code: ReasonCode::MinQuantityNotMet, params }, next)))
                    }
                }
            }
            Benefit::NthItem { n, percent } => {
                let groups = self.unit_groups(&self.eligible, true)?;
                let total = groups.iter().map(|u| u.count).fold(0, u64::saturating_add);
                let every = u64::from(*n).max(1);
                if total < every {
                    return Ok(too_few(every.saturating_sub(total), Some(*percent)));
                }
                // Units most expensive first; positions n, 2n, 3n... are
                // discounted, and every unit of a complete set of n is used.
                let mut picked = Vec::new();
                let mut position = 0_u64;
                for g in &groups {
                    let before = position / every;
                    position = position.saturating_add(g.count);
                    let k = (position / every).saturating_sub(before);
                    if k > 0 {
                        picked.push((g.line, g.price(self.ctx.minor)?, k));
                    }
                }
                let used = per_line(&self.take(&groups, (total / every).saturating_mul(every))?);
                let deal = Deal::Percent(fraction(*percent));
                self.effect(self.discount_units(&picked, deal)?).map(|e| Effect { consumed: used, ..e })
            }
            Benefit::BuyXGetY {
                buy,
                get,
                percent,
                amount_off,
                unit_price,
                choose,
                max_repeats,
                max_units,
                partial_get,
                ..
            } => {
                let deal = Deal::of_buy_x_get_y(*percent, *amount_off, *unit_price, units)?;
                let hint = Deal::percent(*percent, amount_off.is_some(), unit_price.is_some());
                self.buy_x_get_y(*buy, *get, (deal, hint), *choose, (*max_repeats, *max_units, *partial_get))?
            }
            Benefit::BundlePrice { quantity, price, max_repeats } => {
                self.bundle(*quantity, units.amount(*price)?, *max_repeats)?
            }
            Benefit::Gift { sku, quantity, value } => {
                Ok(Effect { gift: Some(Box::new((sku.clone(), *quantity, money(*value)))), ..Effect::nothing() })
            }
            Benefit::FreeShipping { methods, exclude_remote, amount_off } => Ok(Effect {
                free_shipping: Some(Box::new(FreeShippingGrant {
                    methods: methods.clone(),
                    exclude_remote: *exclude_remote,
                    amount_off: amount_off.map(money),
                })),
                ..Effect::nothing()
            }),
            Benefit::BonusPoints { multiplier } => {
                Ok(Effect { points_multiplier: Some(*multiplier), ..Effect::nothing() })
            }
        };
        Ok(outcome)
    }

    /// Caps each part at what the line still costs and sums; no discount at all is a refusal.
    fn effect(&self, mut parts: Vec<(usize, Minor)>) -> Computed {
        // Capped in place: the parts keep their vector.
        let mut amount: Minor = 0;
        let mut overflow = false;
        parts.retain_mut(|(l, d)| {
            *d = (*d).min(self.amount(*l));
            if *d <= 0 {
                return false;
            }
            match amount.checked_add(*d) {
                Some(sum) => amount = sum,
                None => overflow = true,
            }
            true
        });
        if overflow || parts.is_empty() {
            return refuse(ReasonCode::NoDiscount);
        }
        Ok(Effect { parts, amount, ..Effect::nothing() })
    }

    /// A percentage off each line: per unit (rounded, times units) at unit
    /// level, per line at line level. At unit level, on the discounted
    /// amount, the units of a line that earlier unit-selective promotions
    /// used are priced at what they cost now and the others at theirs,
    /// never at the line's average: a line then gives what the same units
    /// as separate lines give. Also answers, per such line, its part and
    /// the share of it on the used units (for [`Effect::on_taken`]).
    fn percent_per_line(
        &self,
        lines: &[usize],
        percent: Percent,
    ) -> Result<(Vec<(usize, Minor)>, OnTaken), MoneyError> {
        let units = self.ctx.minor;
        let f = units.fraction(fraction(percent));
        let basis = self.promo.basis;
        // `k` units costing `amount` together, each rounded.
        let per_unit = |amount: Minor, k: u64| units.per_unit_times_by(amount, k, f);
        let mut parts = Vec::with_capacity(lines.len());
        let mut on_taken = Vec::new();
        for &l in lines {
            let base = self.base(l, basis);
            let n = self.units(l);
            let t = self.taken(l);
            let d = match self.ctx.rules.rounding.level {
                RoundingLevel::Line => units.times_by(base, f)?,
                RoundingLevel::Unit if basis == Basis::Discounted && t.units > 0 && t.units < n => {
                    let used = per_unit(t.amount.clamp(0, base.max(0)), t.units)?;
                    let free = per_unit(self.free_base(l, basis), n.saturating_sub(t.units))?;
                    let d = add(used, free)?;
                    on_taken.push((l, d, used));
                    d
                }
                RoundingLevel::Unit => per_unit(base, n)?,
            };
            parts.push((l, d));
        }
        Ok((parts, on_taken))
    }

    /// Caps a set of parts at `max` in all, re-splitting in proportion.
    fn cap(&self, parts: Vec<(usize, Minor)>, max: Option<Minor>) -> Result<Vec<(usize, Minor)>, MoneyError> {
        let total = parts.iter().try_fold(0, |acc, p| add(acc, p.1))?;
        match max {
            Some(max) if total > max => {
                let weights: Vec<Minor> = parts.iter().map(|p| p.1.max(0)).collect();
                let split = split(max, &weights)?;
                Ok(parts.iter().zip(split).map(|(p, m)| (p.0, m)).collect())
            }
            _ => Ok(parts),
        }
    }

    /// An order-level discount on the covered lines, never more than they
    /// still cost in all; spread over them only when it applies.
    fn spread(&self, discount: Minor) -> Result<Computed, MoneyError> {
        Ok(match self.spread_amount(discount)? {
            Some(d) => Ok(Effect { spread: Some(d), amount: d, ..Effect::nothing() }),
            None => refuse(ReasonCode::NoDiscount),
        })
    }

    /// What an order-level discount comes to on the covered lines (at most
    /// what they still cost in all); `None` when that is nothing.
    fn spread_amount(&self, discount: Minor) -> Result<Option<Minor>, MoneyError> {
        let remaining = self.ctx.current_sums(self.promo.filter_id, self.generation, &self.eligible, self.amounts)?.1;
        let d = discount.min(remaining);
        Ok((d > 0).then_some(d))
    }

    /// The discount of a money-off order benefit (a percentage of the
    /// covered lines, or an amount off the order that does not reach
    /// shipping) before it is capped by what the lines cost and spread;
    /// `None` for any other benefit.
    fn order_discount(&self) -> Result<Option<Minor>, MoneyError> {
        let units = self.ctx.minor;
        Ok(match &self.promo.benefit {
            Benefit::PercentOff { percent, scope: Scope::Order, max_discount, .. } => {
                let base = self.eligible_sum(self.promo.basis)?;
                let d = units.times(base, fraction(*percent))?;
                Some(match max_discount {
                    Some(max) => d.min(units.amount(*max)?),
                    None => d,
                })
            }
            Benefit::AmountOff { amount, per: AmountPer::Order, with_shipping: None, .. } => {
                Some(units.amount(*amount)?)
            }
            _ => None,
        })
    }

    /// The units of `lines` at their exact current unit price, most
    /// expensive first (`desc`) or cheapest first; ties by line order.
    fn unit_groups(&self, lines: &[usize], desc: bool) -> Result<Vec<UnitGroup>, MoneyError> {
        let mut groups = Vec::with_capacity(lines.len());
        for &l in lines {
            let count = self.free_units(l);
            if count == 0 {
                continue;
            }
            groups.push(UnitGroup::new(l, self.free_base(l, self.promo.basis), count));
        }
        crate::sort::sort_by(&mut groups, |a, b| {
            let by_price = a.cmp_price(b, self.ctx.minor);
            (if desc { by_price.reverse() } else { by_price }).then(a.line.cmp(&b.line))
        });
        Ok(groups)
    }

    /// `deal` on `k` units of a line at `price` each, per unit rounded.
    fn discount_units(&self, picked: &[(usize, Decimal, u64)], deal: Deal) -> Result<Vec<(usize, Minor)>, MoneyError> {
        let mut parts: Vec<(usize, Minor)> = Vec::with_capacity(picked.len());
        for &(line, price, k) in picked {
            let each = deal.per_unit(price, self.ctx.minor)?;
            let d = mul(each, k)?;
            match parts.iter_mut().find(|p| p.0 == line) {
                Some(p) => p.1 = add(p.1, d)?,
                None => parts.push((line, d)),
            }
        }
        crate::sort::sort_by_key(&mut parts, |p| p.0);
        Ok(parts)
    }

    /// Takes `n` units from `groups` in their order, with their unit prices.
    fn take(&self, groups: &[UnitGroup], mut n: u64) -> Result<Vec<(usize, Decimal, u64)>, MoneyError> {
        let mut picked = Vec::new();
        for g in groups {
            if n == 0 {
                break;
            }
            let k = g.count.min(n);
            picked.push((g.line, g.price(self.ctx.minor)?, k));
            n = n.saturating_sub(k);
        }
        Ok(picked)
    }

    fn buy_x_get_y(
        &self,
        buy: u32,
        get: u32,
        (deal, percent): (Deal, Option<Percent>),
        choose: Choose,
        (max_repeats, max_units, partial): (Option<u32>, Option<u32>, bool),
    ) -> Result<Computed, MoneyError> {
        let (buy, get) = (u64::from(buy).max(1), u64::from(get).max(1));
        let separate = self.promo.get_filter.is_some();
        let get_lines = if separate { self.ctx.eligible(self.index, true) } else { Rc::clone(&self.eligible) };
        let bought = self.free_quantity(&self.eligible);
        // Sets, and the get units they discount. With `partial`, a set
        // whose buy units are all there discounts the get units present
        // even when fewer than `get` (Magento); without, only complete sets
        // count (Medusa).
        let (repeats, discounted) = if separate {
            let present = self.free_quantity(&get_lines);
            if partial {
                let sets = bought / buy;
                (sets, sets.saturating_mul(get).min(present))
            } else {
                let sets = (bought / buy).min(present / get);
                (sets, sets.saturating_mul(get))
            }
        } else {
            let size = buy.saturating_add(get);
            let full = bought / size;
            let extra = if partial { (bought % size).saturating_sub(buy) } else { 0 };
            (full.saturating_add(u64::from(extra > 0)), full.saturating_mul(get).saturating_add(extra))
        };
        let repeats = max_repeats.map_or(repeats, |m| repeats.min(u64::from(m)));
        // A unit limit discounts at most `max_units` get units: the sets
        // needed for them, the last one perhaps not discounted in full.
        let limit = max_units.map(u64::from);
        let repeats = limit.map_or(repeats, |m| repeats.min(m.div_ceil(get)));
        let discounted = discounted.min(repeats.saturating_mul(get)).min(limit.unwrap_or(u64::MAX));
        if repeats == 0 || discounted == 0 {
            let needed = match (separate, partial) {
                (true, _) => buy.saturating_sub(bought),
                (false, true) => buy.saturating_add(1).saturating_sub(bought),
                (false, false) => buy.saturating_add(get).saturating_sub(bought),
            };
            return Ok(too_few(needed, percent));
        }
        let groups = self.unit_groups(&get_lines, choose == Choose::MostExpensive)?;
        let picked = self.take(&groups, discounted)?;
        // The units bought are the most expensive of the rest.
        let mut used = per_line(&picked);
        let buy_groups = self.unit_groups(&self.eligible, true)?;
        // (Only their count matters: they are not discounted.)
        let mut bought = Vec::new();
        let mut wanted = repeats.saturating_mul(buy);
        for g in &buy_groups {
            let gone = used.iter().find(|u| u.0 == g.line).map_or(0, |u| u.1);
            let k = g.count.saturating_sub(gone).min(wanted);
            if k > 0 {
                bought.push((g.line, k));
                wanted = wanted.saturating_sub(k);
            }
        }
        for (line, k) in bought {
            match used.iter_mut().find(|u| u.0 == line) {
                Some(u) => u.1 = u.1.saturating_add(k),
                None => used.push((line, k)),
            }
        }
        crate::sort::sort_by_key(&mut used, |u| u.0);
        Ok(self.effect(self.discount_units(&picked, deal)?).map(|e| Effect { consumed: used, ..e }))
    }

    /// A per-unit discount (`deal`) on at most `max` units of the covered
    /// lines, those `choose` names first, capped at `cap` in all; the units
    /// discounted are used up like a buy-X-get-Y's. A percentage rounds per
    /// unit at unit level and per line at line level, as without a limit.
    fn limited_units(&self, max: u32, choose: Choose, deal: Deal, cap: Option<Minor>) -> Result<Computed, MoneyError> {
        let groups = self.unit_groups(&self.eligible, choose == Choose::MostExpensive)?;
        let picked = self.take(&groups, u64::from(max))?;
        let parts = match (deal, self.ctx.rules.rounding.level) {
            (Deal::Percent(f), RoundingLevel::Line) => {
                let mut parts = Vec::with_capacity(picked.len());
                for &(line, price, k) in &picked {
                    let value = price.checked_mul(Decimal::from(k)).ok_or(MoneyError::Overflow)?;
                    parts.push((line, self.ctx.minor.round(value.checked_mul(f).ok_or(MoneyError::Overflow)?)?));
                }
                crate::sort::sort_by_key(&mut parts, |p| p.0);
                parts
            }
            _ => self.discount_units(&picked, deal)?,
        };
        let used = per_line(&picked);
        Ok(self.effect(self.cap(parts, cap)?).map(|e| Effect { consumed: used, ..e }))
    }

    fn bundle(&self, quantity: u32, price: Minor, max_repeats: Option<u32>) -> Result<Computed, MoneyError> {
        let size = u64::from(quantity).max(1);
        let have = self.free_quantity(&self.eligible);
        let bundles = max_repeats.map_or(have / size, |m| (have / size).min(u64::from(m)));
        if bundles == 0 {
            return Ok(too_few(size.saturating_sub(have), None));
        }
        // The most expensive units go into bundles: the shopper saves most.
        let groups = self.unit_groups(&self.eligible, true)?;
        let picked = self.take(&groups, bundles.saturating_mul(size))?;
        let mut value_per_line: Vec<(usize, Decimal)> = Vec::new();
        for &(line, unit, k) in &picked {
            let v = unit.checked_mul(Decimal::from(k)).ok_or(MoneyError::Overflow)?;
            match value_per_line.iter_mut().find(|p| p.0 == line) {
                Some(p) => p.1 = p.1.checked_add(v).ok_or(MoneyError::Overflow)?,
                None => value_per_line.push((line, v)),
            }
        }
        crate::sort::sort_by_key(&mut value_per_line, |p| p.0);
        let exact =
            value_per_line.iter().try_fold(Decimal::ZERO, |acc, p| acc.checked_add(p.1)).ok_or(MoneyError::Overflow)?;
        let value = self.ctx.minor.round(exact)?;
        let discount = sub(value, mul(price, bundles)?)?;
        if discount <= 0 {
            return Ok(refuse(ReasonCode::NoDiscount));
        }
        let weights =
            value_per_line.iter().map(|p| self.ctx.minor.round(p.1)).collect::<Result<Vec<Minor>, MoneyError>>()?;
        let lines = value_per_line.iter().map(|p| p.0);
        let used = per_line(&picked);
        Ok(self.effect(lines.zip(split(discount, &weights)?).collect()).map(|e| Effect { consumed: used, ..e }))
    }
}

/// A percentage as a fraction; 0 on overflow (validated to 0..=100 at load).
///
/// The same value as [`Percent::fraction`], by moving the decimal point two
/// places (no division) while the scale allows it.
pub(crate) fn fraction(p: Percent) -> Decimal {
    let v = p.value();
    v.scale()
        .checked_add(2)
        .filter(|s| *s <= 28)
        .and_then(|s| Decimal::try_from_i128_with_scale(v.mantissa(), s).ok())
        .or_else(|| p.fraction())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::money::Percent;

    #[test]
    fn a_fraction_is_the_percentage_divided_by_a_hundred() {
        for p in ["0", "1", "12.5", "100", "33.333333", "0.0001", "99.99999999999999999999999999", "7"] {
            let p: Percent = serde_json::from_str(&format!("\"{p}\"")).unwrap();
            assert_eq!(super::fraction(p), p.fraction().unwrap(), "{p}");
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Unit prices compare as exact fractions, with or without the
        /// floors' shortcut (past 64 bits), negative totals included.
        #[test]
        fn unit_prices_compare_as_fractions(
            a in prop_oneof![-1_000_i128..1_000, any::<i64>().prop_map(i128::from), -(1_i128 << 95)..(1_i128 << 95)],
            b in prop_oneof![-1_000_i128..1_000, any::<i64>().prop_map(i128::from)],
            m in 1_u64..20, n in 1_u64..20,
        ) {
            let units = super::super::minor::Units { currency: crate::Currency::CNY, mode: crate::money::RoundingMode::HalfUp };
            let (x, y) = (super::UnitGroup::new(0, a, m), super::UnitGroup::new(1, b, n));
            let exact = match (a.checked_mul(i128::from(n)), b.checked_mul(i128::from(m))) {
                (Some(p), Some(q)) => p.cmp(&q),
                _ => x.price(units).unwrap().cmp(&y.price(units).unwrap()),
            };
            prop_assert_eq!(x.cmp_price(&y, units), exact);
            prop_assert_eq!(y.cmp_price(&x, units), exact.reverse());
        }
    }
}
