//! One promotion on the current amounts: its conditions, then its benefit
//! as a discount per line.
//!
//! Discounts are computed in minor units and never take a line below zero.
//! Item benefits compute per line (per unit when the rule set rounds at unit
//! level); order benefits compute one amount on the covered lines and split
//! it over them in proportion to what they still cost (largest remainder).

use rust_decimal::Decimal;

use super::context::Context;
use crate::money::{allocate_proportional, Money, MoneyError, Percent, RoundingLevel};
use crate::quote::{FreeShippingGrant, ReasonCode, ReasonParams};
use crate::rules::{AmountPer, Basis, Benefit, Choose, CompiledPromotion, Condition, Scope};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Effect {
    /// Discount per line (line index, amount > 0), in line order.
    pub(crate) parts: Vec<(usize, Money)>,
    pub(crate) amount: Money,
    pub(crate) gift: Option<(String, u32, Money)>,
    pub(crate) free_shipping: Option<FreeShippingGrant>,
    pub(crate) points_multiplier: Option<Percent>,
    /// A better tier within reach.
    pub(crate) next: Option<Next>,
}

/// The outcome of evaluating one promotion.
pub(crate) type Outcome = Result<Effect, Box<(Refusal, Option<Next>)>>;

fn refuse(code: ReasonCode) -> Outcome {
    Err(Box::new((Refusal::new(code), None)))
}

fn shortfall(needed: Money, discount: Option<Money>, percent: Option<Percent>) -> Outcome {
    Err(Box::new((
        Refusal {
            code: ReasonCode::MinSpendNotMet,
            params: ReasonParams { shortfall: Some(needed), ..Default::default() },
        },
        Some(Next { amount_needed: Some(needed), discount, percent, ..Default::default() }),
    )))
}

fn too_few(needed: u32, percent: Option<Percent>) -> Outcome {
    Err(Box::new((
        Refusal {
            code: ReasonCode::MinQuantityNotMet,
            params: ReasonParams { quantity_needed: Some(needed), ..Default::default() },
        },
        Some(Next { quantity_needed: Some(needed), percent, ..Default::default() }),
    )))
}

/// Evaluates promotion `index` against the current line `amounts`.
pub(crate) fn evaluate(ctx: &Context<'_>, index: usize, amounts: &[Money]) -> Result<Outcome, MoneyError> {
    let Some(promo) = ctx.promotion(index) else { return Ok(refuse(ReasonCode::Unknown)) };
    let eligible = ctx.eligible(index, false);
    if eligible.is_empty() && !matches!(promo.benefit, Benefit::FreeShipping { .. }) {
        return Ok(refuse(ReasonCode::NoEligibleItems));
    }
    let e = Eval { ctx, promo, amounts, eligible };
    if let Some(refusal) = e.conditions(&promo.conditions)? {
        return Ok(refusal);
    }
    e.benefit()
}

struct Eval<'c, 'a> {
    ctx: &'c Context<'a>,
    promo: &'a CompiledPromotion,
    amounts: &'c [Money],
    eligible: Vec<usize>,
}

/// Units of one line at one exact unit price.
struct Units {
    line: usize,
    price: Money,
    count: u64,
}

impl Eval<'_, '_> {
    fn zero(&self) -> Money {
        Money::zero(self.ctx.currency)
    }

    fn round(&self, m: Money) -> Money {
        m.round(self.ctx.rules.rounding.mode)
    }

    fn amount(&self, line: usize) -> Money {
        self.amounts.get(line).copied().unwrap_or_else(|| self.zero())
    }

    fn units(&self, line: usize) -> u64 {
        self.ctx.units.get(line).copied().unwrap_or(0)
    }

    /// The amount a percentage or threshold is computed on.
    fn base(&self, line: usize, basis: Basis) -> Money {
        match basis {
            Basis::Original => self.ctx.original.get(line).copied().unwrap_or_else(|| self.zero()),
            Basis::Discounted => self.amount(line),
        }
    }

    fn sum(&self, lines: &[usize], f: impl Fn(usize) -> Money) -> Result<Money, MoneyError> {
        Money::checked_sum(self.ctx.currency, lines.iter().map(|&l| f(l)))
    }

    fn quantity(&self, lines: &[usize]) -> u64 {
        lines.iter().map(|&l| self.units(l)).fold(0, u64::saturating_add)
    }

    fn conditions(&self, c: &Condition) -> Result<Option<Outcome>, MoneyError> {
        let customer = &self.ctx.req.customer;
        if !c.customer_tiers.is_empty() && !customer.tier.as_ref().is_some_and(|t| c.customer_tiers.contains(t)) {
            return Ok(Some(refuse(ReasonCode::CustomerNotEligible)));
        }
        if !c.customer_segments.is_empty() && !customer.segments.iter().any(|s| c.customer_segments.contains(s)) {
            return Ok(Some(refuse(ReasonCode::CustomerNotEligible)));
        }
        if c.first_order.is_some_and(|f| f != customer.first_order) {
            return Ok(Some(refuse(ReasonCode::CustomerNotEligible)));
        }
        if !c.channels.is_empty() && !self.ctx.req.channel.as_ref().is_some_and(|ch| c.channels.contains(ch)) {
            return Ok(Some(refuse(ReasonCode::ChannelNotEligible)));
        }
        if let Some(q) = c.min_quantity {
            let have = self.quantity(&self.eligible);
            if have < u64::from(q) {
                let needed = u32::try_from(u64::from(q).saturating_sub(have)).unwrap_or(u32::MAX);
                return Ok(Some(too_few(needed, None)));
            }
        }
        if let Some(min) = &c.min_subtotal {
            let mut spent = self.sum(&self.eligible, |l| self.base(l, min.basis))?;
            if min.include_tax && !self.ctx.rules.tax.prices_include_tax {
                for &l in &self.eligible {
                    let rate = self.ctx.tax_rates.get(l).copied().unwrap_or_default();
                    spent = spent.checked_add(self.round(self.base(l, min.basis).checked_mul(rate)?))?;
                }
            }
            let needed = Money::new(min.amount.value(), self.ctx.currency).checked_sub(spent)?;
            if needed.amount() > Decimal::ZERO {
                return Ok(Some(shortfall(needed, self.headline_discount(), self.headline_percent())));
            }
        }
        for sub in &c.all {
            if let Some(r) = self.conditions(sub)? {
                return Ok(Some(r));
            }
        }
        if !c.any.is_empty() {
            let mut any = false;
            for sub in &c.any {
                if self.conditions(sub)?.is_none() {
                    any = true;
                    break;
                }
            }
            if !any {
                return Ok(Some(refuse(ReasonCode::ConditionsNotMet)));
            }
        }
        if let Some(sub) = &c.not {
            if self.conditions(sub)?.is_none() {
                return Ok(Some(refuse(ReasonCode::ConditionsNotMet)));
            }
        }
        Ok(None)
    }

    /// The fixed discount the promotion gives, for hints.
    fn headline_discount(&self) -> Option<Money> {
        let m = |a: crate::money::Amount| Some(Money::new(a.value(), self.ctx.currency));
        match &self.promo.benefit {
            Benefit::AmountOff { amount, per: AmountPer::Order } => m(*amount),
            Benefit::SpendTiers { tiers } => tiers.first().and_then(|t| m(t.discount)),
            Benefit::EverySpend { discount, .. } => m(*discount),
            _ => None,
        }
    }

    fn headline_percent(&self) -> Option<Percent> {
        match &self.promo.benefit {
            Benefit::PercentOff { percent, .. } => Some(*percent),
            _ => None,
        }
    }

    fn benefit(&self) -> Result<Outcome, MoneyError> {
        let basis = self.promo.basis;
        let cur = self.ctx.currency;
        let money = |a: crate::money::Amount| Money::new(a.value(), cur);
        let outcome = match &self.promo.benefit {
            Benefit::PercentOff { percent, scope: Scope::Items, max_discount } => {
                let parts = self.percent_per_line(&self.eligible, *percent)?;
                self.effect(self.cap(parts, max_discount.map(money))?)
            }
            Benefit::PercentOff { percent, scope: Scope::Order, max_discount } => {
                let base = self.sum(&self.eligible, |l| self.base(l, basis))?;
                let mut d = self.round(base.checked_mul(fraction(*percent))?);
                if let Some(max) = max_discount {
                    d = d.min(money(*max))?;
                }
                self.effect(self.spread(d)?)
            }
            Benefit::AmountOff { amount, per: AmountPer::Unit } => {
                let mut parts = Vec::with_capacity(self.eligible.len());
                for &l in &self.eligible {
                    parts.push((l, money(*amount).checked_mul_qty(self.units(l))?));
                }
                self.effect(parts)
            }
            Benefit::AmountOff { amount, per: AmountPer::Order } => self.effect(self.spread(money(*amount))?),
            Benefit::FixedPrice { unit_price } => {
                let mut parts = Vec::with_capacity(self.eligible.len());
                for &l in &self.eligible {
                    let target = money(*unit_price).checked_mul_qty(self.units(l))?;
                    let d = self.base(l, basis).checked_sub(target)?;
                    if d.amount() > Decimal::ZERO {
                        parts.push((l, d));
                    }
                }
                self.effect(parts)
            }
            Benefit::SpendTiers { tiers } => {
                let base = self.sum(&self.eligible, |l| self.base(l, basis))?;
                let reached = tiers.iter().rev().find(|t| base.amount() >= t.min_spend.value());
                let next = tiers.iter().find(|t| base.amount() < t.min_spend.value());
                let next = match next {
                    Some(t) => Some(Next {
                        amount_needed: Some(money(t.min_spend).checked_sub(base)?),
                        discount: Some(money(t.discount)),
                        ..Default::default()
                    }),
                    None => None,
                };
                match reached {
                    Some(t) => self.effect(self.spread(money(t.discount))?).map(|e| Effect { next, ..e }),
                    None => Err(Box::new((
                        Refusal {
                            code: ReasonCode::MinSpendNotMet,
                            params: ReasonParams {
                                shortfall: next.as_ref().and_then(|n| n.amount_needed),
                                ..Default::default()
                            },
                        },
                        next,
                    ))),
                }
            }
            Benefit::EverySpend { every, discount, max_discount } => {
                let base = self.sum(&self.eligible, |l| self.base(l, basis))?;
                let steps = base.amount().checked_div(every.value()).ok_or(MoneyError::Overflow)?.floor();
                let mut d = money(*discount).checked_mul(steps)?;
                let capped = max_discount.is_some_and(|m| d.amount() >= m.value());
                if let Some(max) = max_discount {
                    d = d.min(money(*max))?;
                }
                let needed = money(*every)
                    .checked_mul(steps.checked_add(Decimal::ONE).ok_or(MoneyError::Overflow)?)?
                    .checked_sub(base)?;
                let next = (!capped).then_some(Next {
                    amount_needed: Some(needed),
                    discount: Some(money(*discount)),
                    ..Default::default()
                });
                if steps.is_zero() {
                    return Ok(shortfall(needed, Some(money(*discount)), None));
                }
                self.effect(self.spread(d)?).map(|e| Effect { next, ..e })
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
                        let parts = self.percent_per_line(&self.eligible, t.percent)?;
                        self.effect(parts).map(|e| Effect { next, ..e })
                    }
                    None => {
                        let needed = next.as_ref().and_then(|n| n.quantity_needed).unwrap_or(1);
                        Err(Box::new((
                            Refusal {
                                code: ReasonCode::MinQuantityNotMet,
                                params: ReasonParams { quantity_needed: Some(needed), ..Default::default() },
                            },
                            next,
                        )))
                    }
                }
            }
            Benefit::NthItem { n, percent } => {
                let units = self.unit_groups(&self.eligible, true)?;
                let total = units.iter().map(|u| u.count).fold(0, u64::saturating_add);
                let every = u64::from(*n);
                if total < every {
                    return Ok(too_few(u32::try_from(every.saturating_sub(total)).unwrap_or(u32::MAX), Some(*percent)));
                }
                // Units most expensive first; positions n, 2n, 3n... are discounted.
                let mut picked = Vec::new();
                let mut position = 0_u64;
                for u in &units {
                    let before = position / every;
                    position = position.saturating_add(u.count);
                    let k = position / every - before;
                    if k > 0 {
                        picked.push((u.line, u.price, k));
                    }
                }
                self.effect(self.discount_units(&picked, *percent)?)
            }
            Benefit::BuyXGetY { buy, get, percent, choose, max_repeats, .. } => {
                self.buy_x_get_y(*buy, *get, *percent, *choose, *max_repeats)?
            }
            Benefit::BundlePrice { quantity, price, max_repeats } => {
                self.bundle(*quantity, money(*price), *max_repeats)?
            }
            Benefit::Gift { sku, quantity, value } => {
                Ok(Effect { gift: Some((sku.clone(), *quantity, money(*value))), ..self.nothing() })
            }
            Benefit::FreeShipping { methods, exclude_remote } => Ok(Effect {
                free_shipping: Some(FreeShippingGrant { methods: methods.clone(), exclude_remote: *exclude_remote }),
                ..self.nothing()
            }),
            Benefit::BonusPoints { multiplier } => {
                Ok(Effect { points_multiplier: Some(*multiplier), ..self.nothing() })
            }
        };
        Ok(outcome)
    }

    fn nothing(&self) -> Effect {
        Effect {
            parts: Vec::new(),
            amount: self.zero(),
            gift: None,
            free_shipping: None,
            points_multiplier: None,
            next: None,
        }
    }

    /// Caps each part at what the line still costs and sums; no discount at all is a refusal.
    fn effect(&self, parts: Vec<(usize, Money)>) -> Outcome {
        let mut capped = Vec::with_capacity(parts.len());
        let mut amount = self.zero();
        for (l, d) in parts {
            let Ok(d) = d.min(self.amount(l)) else { continue };
            if d.amount() > Decimal::ZERO {
                let Ok(sum) = amount.checked_add(d) else { return refuse(ReasonCode::NoDiscount) };
                amount = sum;
                capped.push((l, d));
            }
        }
        if capped.is_empty() {
            return refuse(ReasonCode::NoDiscount);
        }
        Ok(Effect { parts: capped, amount, ..self.nothing() })
    }

    /// A percentage off each line: per unit (rounded, times units) at unit
    /// level, per line at line level.
    fn percent_per_line(&self, lines: &[usize], percent: Percent) -> Result<Vec<(usize, Money)>, MoneyError> {
        let f = fraction(percent);
        let mut parts = Vec::with_capacity(lines.len());
        for &l in lines {
            let base = self.base(l, self.promo.basis);
            let d = match self.ctx.rules.rounding.level {
                RoundingLevel::Line => self.round(base.checked_mul(f)?),
                RoundingLevel::Unit => {
                    let units = self.units(l).max(1);
                    let unit = base.checked_div(Decimal::from(units))?;
                    self.round(unit.checked_mul(f)?).checked_mul_qty(units)?
                }
            };
            parts.push((l, d));
        }
        Ok(parts)
    }

    /// Caps a set of parts at `max` in all, re-splitting in proportion.
    fn cap(&self, parts: Vec<(usize, Money)>, max: Option<Money>) -> Result<Vec<(usize, Money)>, MoneyError> {
        let total = Money::checked_sum(self.ctx.currency, parts.iter().map(|p| p.1))?;
        match max {
            Some(max) if total.amount() > max.amount() => {
                let weights: Vec<Decimal> = parts.iter().map(|p| p.1.amount()).collect();
                let split = allocate_proportional(max, &weights).map_err(|_| MoneyError::Overflow)?;
                Ok(parts.iter().zip(split).map(|(p, m)| (p.0, m)).collect())
            }
            _ => Ok(parts),
        }
    }

    /// Spreads an order-level discount over the covered lines in proportion
    /// to what they still cost; never more than they cost in all.
    fn spread(&self, discount: Money) -> Result<Vec<(usize, Money)>, MoneyError> {
        let remaining = self.sum(&self.eligible, |l| self.amount(l))?;
        let d = discount.min(remaining)?;
        if d.amount() <= Decimal::ZERO {
            return Ok(Vec::new());
        }
        let weights: Vec<Decimal> = self.eligible.iter().map(|&l| self.amount(l).amount()).collect();
        let split = allocate_proportional(d, &weights).map_err(|_| MoneyError::Overflow)?;
        Ok(self.eligible.iter().copied().zip(split).collect())
    }

    /// The units of `lines` at their exact current unit price, most
    /// expensive first (`desc`) or cheapest first; ties by line order.
    fn unit_groups(&self, lines: &[usize], desc: bool) -> Result<Vec<Units>, MoneyError> {
        let mut units = Vec::with_capacity(lines.len());
        for &l in lines {
            let count = self.units(l);
            if count == 0 {
                continue;
            }
            let price = self.base(l, self.promo.basis).checked_div(Decimal::from(count))?;
            units.push(Units { line: l, price, count });
        }
        units.sort_by(|a, b| {
            let by_price = a.price.amount().cmp(&b.price.amount());
            (if desc { by_price.reverse() } else { by_price }).then(a.line.cmp(&b.line))
        });
        Ok(units)
    }

    /// `percent` off `k` units of a line at `price` each, per unit rounded.
    fn discount_units(
        &self,
        picked: &[(usize, Money, u64)],
        percent: Percent,
    ) -> Result<Vec<(usize, Money)>, MoneyError> {
        let f = fraction(percent);
        let mut parts: Vec<(usize, Money)> = Vec::with_capacity(picked.len());
        for &(line, price, k) in picked {
            let d = self.round(price.checked_mul(f)?).checked_mul_qty(k)?;
            match parts.iter_mut().find(|p| p.0 == line) {
                Some(p) => p.1 = p.1.checked_add(d)?,
                None => parts.push((line, d)),
            }
        }
        parts.sort_by_key(|p| p.0);
        Ok(parts)
    }

    /// Takes `n` units from `units` in their order.
    fn take(units: &[Units], mut n: u64) -> Vec<(usize, Money, u64)> {
        let mut picked = Vec::new();
        for u in units {
            if n == 0 {
                break;
            }
            let k = u.count.min(n);
            picked.push((u.line, u.price, k));
            n -= k;
        }
        picked
    }

    fn buy_x_get_y(
        &self,
        buy: u32,
        get: u32,
        percent: Percent,
        choose: Choose,
        max_repeats: Option<u32>,
    ) -> Result<Outcome, MoneyError> {
        let (buy, get) = (u64::from(buy), u64::from(get));
        let separate = self.promo.get_filter.is_some();
        let get_lines = if separate { self.ctx.eligible_get(self) } else { self.eligible.clone() };
        let bought = self.quantity(&self.eligible);
        let repeats = if separate {
            (bought / buy.max(1)).min(self.quantity(&get_lines) / get.max(1))
        } else {
            bought / buy.saturating_add(get).max(1)
        };
        let repeats = max_repeats.map_or(repeats, |m| repeats.min(u64::from(m)));
        if repeats == 0 {
            let needed = if separate {
                buy.saturating_sub(bought).max(1)
            } else {
                buy.saturating_add(get).saturating_sub(bought)
            };
            return Ok(too_few(u32::try_from(needed.max(1)).unwrap_or(u32::MAX), Some(percent)));
        }
        let units = self.unit_groups(&get_lines, choose == Choose::MostExpensive)?;
        let picked = Self::take(&units, repeats.saturating_mul(get));
        Ok(self.effect(self.discount_units(&picked, percent)?))
    }

    fn bundle(&self, quantity: u32, price: Money, max_repeats: Option<u32>) -> Result<Outcome, MoneyError> {
        let size = u64::from(quantity).max(1);
        let have = self.quantity(&self.eligible);
        let bundles = max_repeats.map_or(have / size, |m| (have / size).min(u64::from(m)));
        if bundles == 0 {
            return Ok(too_few(u32::try_from(size.saturating_sub(have)).unwrap_or(u32::MAX), None));
        }
        // The most expensive units go into bundles: the shopper saves most.
        let units = self.unit_groups(&self.eligible, true)?;
        let picked = Self::take(&units, bundles.saturating_mul(size));
        let mut value_per_line: Vec<(usize, Money)> = Vec::new();
        for &(line, unit, k) in &picked {
            let v = unit.checked_mul_qty(k)?;
            match value_per_line.iter_mut().find(|p| p.0 == line) {
                Some(p) => p.1 = p.1.checked_add(v)?,
                None => value_per_line.push((line, v)),
            }
        }
        value_per_line.sort_by_key(|p| p.0);
        let value = self.round(Money::checked_sum(self.ctx.currency, value_per_line.iter().map(|p| p.1))?);
        let discount = value.checked_sub(price.checked_mul_qty(bundles)?)?;
        if discount.amount() <= Decimal::ZERO {
            return Ok(refuse(ReasonCode::NoDiscount));
        }
        let weights: Vec<Decimal> = value_per_line.iter().map(|p| p.1.amount()).collect();
        let split = allocate_proportional(discount, &weights).map_err(|_| MoneyError::Overflow)?;
        Ok(self.effect(value_per_line.iter().map(|p| p.0).zip(split).collect()))
    }
}

impl Context<'_> {
    fn eligible_get(&self, e: &Eval<'_, '_>) -> Vec<usize> {
        let index = self.rules.promotions.by_id.get(&e.promo.id).copied().unwrap_or(usize::MAX);
        self.eligible(index, true)
    }
}

/// A percentage as a fraction; 0 on overflow (validated to 0..=100 at load).
pub(crate) fn fraction(p: Percent) -> Decimal {
    p.fraction().unwrap_or_default()
}
