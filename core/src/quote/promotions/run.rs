//! One run of the promotion stages over a plan: promotions in run order
//! (stage, priority, id), each evaluated on the amounts the earlier ones
//! left, with exclusive groups, combinability, stop-after, usage limits and
//! budgets applied.

use super::context::Context;
use super::evaluate::{evaluate, preview, Effect, Next, Preview, Refusal, Taken, Why};
use std::rc::Rc;

use super::minor::{add, sub, Minor};
use crate::money::{div_rem, MoneyError};
use crate::quote::{ReasonCode, ReasonParams, Stage, Via};
use crate::rules::{Benefit, CompiledPromotion, WithShipping};

/// A promotion to try, and how the customer came by it.
///
/// Plain data, copied freely: the code or wallet coupon it came by is a
/// rank in the quote's [`Coupons`](super::select::Coupons) table, which
/// orders candidates of one promotion by code, then wallet coupon id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Candidate {
    /// Index into the rule set's promotions (run order).
    pub(crate) index: usize,
    pub(crate) via: Via,
    /// Rank of its code or wallet coupon in the quote's table; 0 for an
    /// automatic promotion.
    pub(crate) coupon: u32,
}

/// A promotion that applied in a run.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub(crate) candidate: Candidate,
    pub(crate) effect: Rc<Effect>,
    /// The discount per line when it is not the effect's own `parts` (an
    /// order discount spread on the amounts it applied on, or a budget's
    /// cap re-split): see [`Applied::parts`].
    split: Option<Rc<[(usize, Minor)]>>,
}

impl Applied {
    /// The discount per line (line index, minor units > 0), in line order.
    pub(crate) fn parts(&self) -> &[(usize, Minor)] {
        self.split.as_deref().unwrap_or(&self.effect.parts)
    }
}

/// A promotion that did not apply in a run.
#[derive(Debug, Clone)]
pub(crate) struct Refused {
    pub(crate) candidate: Candidate,
    /// Why, and the threshold that would make it apply (for hints).
    pub(crate) why: Why,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    /// What each line still costs, in minor units.
    pub(crate) amounts: Vec<Minor>,
    pub(crate) applied: Vec<Applied>,
    /// Refusals of coupons always; of automatic promotions only in a
    /// detailed run, or when they name a threshold (for hints).
    pub(crate) refused: Vec<Refused>,
    /// The discounts in all, in minor units.
    pub(crate) saving: Minor,
    /// What the customer would pay for the items: the amounts left, plus
    /// the tax on them when tax is added on top (minor units).
    pub(crate) payable: Minor,
    /// The answer bytes the applied promotions' allocations take (each
    /// allocation counted as [`ALLOCATION_BYTES`] plus the promotion's id).
    allocation_bytes: usize,
    /// Whether every refusal of automatic promotions is recorded.
    detail: bool,
    /// The state of `amounts` ([`Context::fresh_generation`]); 0 before any discount.
    generation: u64,
    /// Units per line used by unit-selective promotions (empty until one applies).
    taken: Vec<Taken>,
    /// The exclusive groups of the applied promotions.
    groups_applied: Handled,
    /// Whether an applied promotion limits what it combines with.
    restrictive_applied: bool,
    /// The first free-shipping promotions applied (by index), in run order.
    grants: Grants,
}

/// The first [`Grants::KEPT`] free-shipping promotions applied in a run,
/// in run order: a later grant that one of them covers gives nothing.
#[derive(Debug, Clone, Copy, Default)]
struct Grants {
    len: usize,
    indexes: [usize; Grants::KEPT],
}

impl Grants {
    /// How many are compared with each later grant (bounded work).
    const KEPT: usize = 4;

    fn push(&mut self, index: usize) {
        if let Some(slot) = self.indexes.get_mut(self.len) {
            *slot = index;
            self.len = self.len.saturating_add(1);
        }
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.indexes.iter().take(self.len).copied()
    }
}

/// Whether free-shipping benefit `a` takes at least as much as `b` off
/// every shipping option: it covers every method `b` covers, remote zones
/// whenever `b` does, and at least `b`'s amount.
fn covers(a: &Benefit, b: &Benefit) -> bool {
    let (
        Benefit::FreeShipping { methods: am, exclude_remote: ar, amount_off: aa },
        Benefit::FreeShipping { methods: bm, exclude_remote: br, amount_off: ba },
    ) = (a, b)
    else {
        return false;
    };
    let methods = am.is_empty() || (!bm.is_empty() && bm.iter().all(|m| am.contains(m)));
    let remote = !*ar || *br;
    let amount = match (aa, ba) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a.value() >= b.value(),
    };
    methods && remote && amount
}

/// What one allocation (a promotion's part on one line) is counted as in
/// the answer, besides the promotion's id: `{"stage":"order_promotions",
/// "rule_id":"","amount":"-123456.78"}` and its separator.
pub(crate) const ALLOCATION_BYTES: usize = 64;

/// The most answer bytes the allocations of one quote may take; a
/// promotion whose allocations would pass it is refused
/// (`applied_limit_reached`), so that no answer grows past 1 MiB.
pub const MAX_ALLOCATION_BYTES: usize = 512 * 1024;

/// The state of a run before one position of its plan, to resume from.
///
/// Plans that share their first `position` candidates with the plan the
/// snapshot was taken from can start there instead of from the beginning.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    position: usize,
    run: Run,
    /// The stage stopped by a `stop_after` promotion (by index), if any.
    stopped: Option<(Stage, usize)>,
    /// Promotions already decided ahead of their position (exclusive groups).
    handled: Handled,
}

/// Promotions already decided, by index: a bit set.
#[derive(Debug, Clone, Default)]
struct Handled(Vec<u64>);

impl Handled {
    fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn insert(&mut self, i: usize) {
        let word = i / 64;
        if self.0.len() <= word {
            self.0.resize(word.saturating_add(1), 0);
        }
        if let Some(w) = self.0.get_mut(word) {
            *w |= 1 << (i % 64);
        }
    }
}

/// Runs `plan` and keeps a snapshot of the state before each of
/// `positions` (a position past the end means after the last).
pub(crate) fn run_recording(
    ctx: &Context<'_>,
    plan: &[Candidate],
    positions: &[usize],
) -> Result<(Run, Vec<Snapshot>), MoneyError> {
    execute(ctx, plan, None, Some(positions), Exit::Never)
}

impl Snapshot {
    /// The plan position the snapshot resumes at.
    pub(crate) fn position(&self) -> usize {
        self.position
    }
}

/// Runs `plan` from the start, recording every refusal (for the answer).
pub(crate) fn run_detailed(ctx: &Context<'_>, plan: &[Candidate]) -> Result<Run, MoneyError> {
    execute(ctx, plan, None, None, Exit::Never).map(|(r, _)| r)
}

/// When a run may stop early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Run to the end.
    Never,
    /// Stop as soon as a coupon is refused: the combination is not viable.
    OnCouponRefused,
}

/// Why a run refuses a promotion before evaluating it.
#[derive(Debug, Clone, Copy)]
enum Gate {
    /// An earlier promotion (by index) applied with `stop_after` in its stage.
    Stopped(usize),
    /// Past the count of applied promotions, or the lines it could discount
    /// would pass the allocation budget.
    Limit,
    /// A free-shipping grant that an earlier one (by index) covers can never
    /// be the one that frees an option (ties go to the earlier): it gives nothing.
    Covered(usize),
}

impl Gate {
    fn code(self) -> ReasonCode {
        match self {
            Gate::Stopped(_) => ReasonCode::StoppedByEarlierPromotion,
            Gate::Limit => ReasonCode::AppliedLimitReached,
            Gate::Covered(_) => ReasonCode::NoDiscount,
        }
    }

    /// The refusal's parameters (ids copied only for a refusal that is kept).
    fn params(self, ctx: &Context<'_>, p: &mut ReasonParams) {
        match self {
            Gate::Stopped(by) | Gate::Covered(by) => p.conflicting_promotion = ctx.promotion(by).map(|b| b.id.clone()),
            Gate::Limit => p.limit = u64::try_from(ctx.max_applied).ok(),
        }
    }
}

/// Why a run resumed from `snapshot` with `candidate` first would refuse
/// it, or `None` when it would apply, without copying the snapshot's state.
/// The same checks and evaluation as the run's, for a promotion in no
/// exclusive group (a group's members are weighed together) and not
/// decided already (`None` for those, as for one that applies).
pub(crate) fn refusal_at(
    ctx: &Context<'_>,
    snapshot: &Snapshot,
    candidate: &Candidate,
) -> Result<Option<Why>, MoneyError> {
    let Some(promo) = ctx.promotion(candidate.index) else { return Ok(None) };
    if promo.group.is_some() || snapshot.handled.contains(candidate.index) {
        return Ok(None);
    }
    let state = &snapshot.run;
    if let Some(gate) = state.gate(ctx, snapshot.stopped, candidate, promo) {
        let mut refusal = Refusal::new(gate.code());
        gate.params(ctx, &mut refusal.params);
        return Ok(Some(Rc::new((refusal, None))));
    }
    Ok(state.try_one(ctx, candidate)?.err())
}

/// Runs `plan` from a snapshot, without the automatic promotions' refusals;
/// `plan` must begin with the snapshot's prefix.
pub(crate) fn run_from(
    ctx: &Context<'_>,
    plan: &[Candidate],
    snapshot: &Snapshot,
    exit: Exit,
) -> Result<Run, MoneyError> {
    execute(ctx, plan, Some(snapshot), None, exit).map(|(r, _)| r)
}

fn execute(
    ctx: &Context<'_>,
    plan: &[Candidate],
    start: Option<&Snapshot>,
    record: Option<&[usize]>,
    exit: Exit,
) -> Result<(Run, Vec<Snapshot>), MoneyError> {
    // Resumed and recorded runs choose among combinations; only a run from
    // the start that records nothing is the answer's, and it records every
    // refusal when the request asks for the explanation.
    let detail = ctx.req.explain && start.is_none() && record.is_none();
    let records = |i: usize| record.is_some_and(|r| r.contains(&i));
    let (mut state, mut stopped, mut handled, first) = match start {
        Some(s) => {
            // Room for what the rest of the plan may add, in one allocation.
            let mut applied = Vec::with_capacity(
                s.run.applied.len().saturating_add(plan.len().saturating_sub(s.position)).min(ctx.max_applied),
            );
            applied.extend(s.run.applied.iter().cloned());
            let r = &s.run;
            let run = Run {
                amounts: r.amounts.clone(),
                applied,
                refused: r.refused.clone(),
                saving: r.saving,
                payable: r.payable,
                allocation_bytes: r.allocation_bytes,
                detail,
                generation: r.generation,
                taken: r.taken.clone(),
                groups_applied: r.groups_applied.clone(),
                restrictive_applied: r.restrictive_applied,
                grants: r.grants,
            };
            (run, s.stopped, s.handled.clone(), s.position)
        }
        None => (
            Run {
                amounts: ctx.original.clone(),
                applied: Vec::with_capacity(plan.len().min(ctx.max_applied)),
                refused: Vec::new(),
                saving: 0,
                payable: 0,
                allocation_bytes: 0,
                detail,
                generation: 0,
                taken: Vec::new(),
                groups_applied: Handled::default(),
                restrictive_applied: false,
                grants: Grants::default(),
            },
            None,
            Handled::default(),
            0,
        ),
    };
    let mut snapshots = Vec::new();
    for i in first..plan.len() {
        if records(i) {
            snapshots.push(Snapshot { position: i, run: state.clone(), stopped, handled: handled.clone() });
        }
        let Some(candidate) = plan.get(i) else { continue };
        if handled.contains(candidate.index) {
            continue;
        }
        let Some(promo) = ctx.promotion(candidate.index) else { continue };
        if let Some(gate) = state.gate(ctx, stopped, candidate, promo) {
            state.refuse(candidate, gate.code(), |p| gate.params(ctx, p));
            // (A stopped coupon's run goes on: its refusal is found all the same.)
            let stops = !matches!(gate, Gate::Stopped(_));
            if stops && exit == Exit::OnCouponRefused && candidate.via != Via::Automatic {
                return Ok((state, snapshots));
            }
            continue;
        }
        // Evaluate every member of an exclusive group on the same amounts;
        // the largest discount wins.
        let mut best: Option<(&Candidate, Rc<Effect>)> = None;
        let members = plan.get(i..).unwrap_or_default().iter().filter(|c| match promo.group {
            None => std::ptr::eq(*c, candidate),
            Some(g) => {
                !handled.contains(c.index)
                    && ctx.promotion(c.index).is_some_and(|p| p.stage == promo.stage && p.group == Some(g))
            }
        });
        // Room for the rest of the plan: a group can have hundreds of members.
        let mut group_members =
            if promo.group.is_some() { Vec::with_capacity(plan.len().saturating_sub(i)) } else { Vec::new() };
        for c in members {
            if promo.group.is_some() {
                group_members.push(c.index);
            }
            // Behind a leader, a member is compared by its discount alone:
            // only one that would lead is evaluated in full.
            if let Some((winner, b)) = &best {
                match state.preview(ctx, c)? {
                    Some(Preview::Discount(d)) if d <= b.amount => {
                        let winner = *winner;
                        state.lose_group(ctx, c, winner);
                        continue;
                    }
                    Some(Preview::Unrecorded) => continue,
                    Some(Preview::Refused(why)) => {
                        if state.keeps(c, &why) {
                            state.refused.push(Refused { candidate: *c, why });
                        }
                        continue;
                    }
                    Some(Preview::Discount(_)) | None => {}
                }
            }
            match state.try_one(ctx, c)? {
                Ok(effect) => match &best {
                    Some((winner, b)) if effect.amount <= b.amount => {
                        let winner = *winner;
                        state.lose_group(ctx, c, winner);
                    }
                    _ => {
                        if let Some((loser, _)) = best.take() {
                            state.lose_group(ctx, loser, c);
                        }
                        best = Some((c, effect));
                    }
                },
                Err(why) => {
                    if state.keeps(c, &why) {
                        state.refused.push(Refused { candidate: *c, why });
                    }
                    if exit == Exit::OnCouponRefused && c.via != Via::Automatic {
                        return Ok((state, snapshots));
                    }
                }
            }
            if promo.group.is_none() {
                break;
            }
        }
        for m in group_members {
            handled.insert(m);
        }
        if let Some((c, effect)) = best {
            let split = effect.split_parts(ctx, c.index, &state.amounts)?.map(|parts| {
                if parts.is_empty() {
                    Rc::clone(&ctx.no_parts)
                } else {
                    Rc::from(parts)
                }
            });
            let part_count = split.as_deref().unwrap_or(&effect.parts).len();
            let id_len = ctx.promotion(c.index).map_or(0, |p| p.id.len());
            let bytes = part_count.saturating_mul(ALLOCATION_BYTES.saturating_add(id_len));
            if let Some(p) = ctx.promotion(c.index).filter(|p| p.stop_after) {
                stopped = Some((p.stage, c.index));
            }
            state.allocation_bytes = state.allocation_bytes.saturating_add(bytes);
            state.apply(ctx, *c, effect, split)?;
        }
    }
    if record.is_some_and(|r| r.iter().any(|&p| p >= plan.len())) {
        snapshots.push(Snapshot { position: plan.len(), run: state.clone(), stopped, handled: handled.clone() });
    }
    state.payable = sub(payable(ctx, &state.amounts)?, shipping_value(ctx, &state.applied)?)?;
    Ok((state, snapshots))
}

/// What the applied order discounts over items and shipping take off
/// shipping beyond what they took from the items, for comparing
/// combinations: the largest (an option has one shipping discount), against
/// the shipping price previewed before the promotions ([`Context::shipping`]).
/// `items_first`: its rest up to the price, beyond the discount the rule set
/// gives anyway; `pro_rata`: what the split adds to its items part, the
/// shipping side counting only when nothing else takes anything off it.
fn shipping_value(ctx: &Context<'_>, applied: &[Applied]) -> Result<Minor, MoneyError> {
    let Some((price, other)) = ctx.shipping else { return Ok(0) };
    let mut best = 0;
    for a in applied {
        let e = &a.effect;
        let Some(p) = ctx.promotion(a.candidate.index) else { continue };
        let Benefit::AmountOff { with_shipping: Some(w), .. } = &p.benefit else { continue };
        let extra = match w {
            WithShipping::ItemsFirst => sub(e.shipping_rest.min(price), other)?,
            WithShipping::ProRata => {
                let side = if other == 0 { price } else { 0 };
                let whole = add(e.amount, e.shipping_rest)?;
                sub(whole.min(add(e.items_base, side)?), e.amount)?
            }
        };
        best = best.max(extra);
    }
    Ok(best)
}

/// The items' amounts plus, when tax is added on top, their tax, computed
/// as the tax stage will, less what the points asked for will pay of them.
fn payable(ctx: &Context<'_>, amounts: &[Minor]) -> Result<Minor, MoneyError> {
    let mut total = amounts.iter().try_fold(0, |acc, a| add(acc, *a))?;
    if let Some(points) = &ctx.points {
        total = sub(total, points.value(amounts, ctx.currency).unwrap_or(0))?;
    }
    let tax = &ctx.rules.tax;
    if !tax.prices_include_tax {
        for (l, amount) in amounts.iter().enumerate() {
            let rate = ctx.tax_rates.get(l).copied().unwrap_or_default();
            if rate.is_zero() {
                continue;
            }
            let units = ctx.units.get(l).copied().unwrap_or(1);
            let line = ctx.minor.money(*amount)?;
            let t = crate::quote::tax::line_tax(line, units, rate, false, tax.calculation, tax.rounding)?;
            total = add(total, ctx.minor.of(t)?)?;
        }
    }
    Ok(total)
}

impl Run {
    /// Records the units a unit-selective effect uses (what they cost after
    /// its discount), or lowers what used units cost by their share of
    /// another discount on their line; before `parts` come off the amounts.
    fn note_taken(&mut self, ctx: &Context<'_>, effect: &Effect, parts: &[(usize, Minor)]) -> Result<(), MoneyError> {
        let part = |l: usize| parts.iter().find(|p| p.0 == l).map_or(0, |p| p.1);
        if !effect.consumed.is_empty() {
            if self.taken.is_empty() {
                self.taken = vec![Taken::default(); self.amounts.len()];
            }
            for &(l, k) in &effect.consumed {
                let (Some(t), Some(&amount)) = (self.taken.get_mut(l), self.amounts.get(l)) else { continue };
                let units = ctx.units.get(l).copied().unwrap_or(0);
                let free = units.saturating_sub(t.units);
                if free == 0 || k == 0 {
                    continue;
                }
                let k = k.min(free);
                let share = |total: Minor| -> Result<Minor, MoneyError> {
                    if k == free {
                        return Ok(total);
                    }
                    let each = ctx.minor.per_unit(total, free)?;
                    ctx.minor.round(each.checked_mul(rust_decimal::Decimal::from(k)).ok_or(MoneyError::Overflow)?)
                };
                let value = share(sub(amount, t.amount)?.max(0))?;
                let original = share(sub(ctx.original.get(l).copied().unwrap_or(0), t.original)?.max(0))?;
                t.units = t.units.saturating_add(k);
                t.amount = add(t.amount, sub(value, part(l))?.max(0))?;
                t.original = add(t.original, original)?;
            }
        } else if !self.taken.is_empty() {
            for &(l, d) in parts {
                let (Some(t), Some(&amount)) = (self.taken.get_mut(l), self.amounts.get(l)) else { continue };
                if t.units == 0 || amount <= 0 {
                    continue;
                }
                // What came off the used units when the effect says so (a
                // per-unit percentage on them at their own price), and the
                // part is still the one it said; else their share of it.
                let exact = effect.on_taken.iter().find(|o| o.0 == l && o.1 == d).map(|o| o.2);
                let cut = match exact {
                    Some(cut) => cut,
                    // (`amount` > 0: the division in 64 bits when it fits.)
                    None => div_rem(d.checked_mul(t.amount).ok_or(MoneyError::Overflow)?, amount).0,
                };
                t.amount = sub(t.amount, cut)?.clamp(0, sub(amount, d)?.max(0));
            }
        }
        Ok(())
    }

    /// Whether promotion `index` fits the allocation budget even if it
    /// discounts every line it covers (its items and its get-set).
    fn allocations_fit(&self, ctx: &Context<'_>, index: usize) -> bool {
        let Some(promo) = ctx.promotion(index) else { return false };
        // At most every line twice (its items and its get-set): no need to look.
        let each = ALLOCATION_BYTES.saturating_add(promo.id.len());
        let most = ctx.line_count().saturating_mul(2).saturating_mul(each);
        if self.allocation_bytes.saturating_add(most) <= MAX_ALLOCATION_BYTES {
            return true;
        }
        let mut lines = ctx.eligible(index, false).len();
        if promo.get_filter.is_some() {
            lines = lines.saturating_add(ctx.eligible(index, true).len());
        }
        let bytes = lines.saturating_mul(each);
        self.allocation_bytes.saturating_add(bytes) <= MAX_ALLOCATION_BYTES
    }

    /// Whether a refusal of `c` is recorded in this run: always for
    /// coupons; for automatic promotions in a detailed run, or when the
    /// refusal names a threshold (hints come from those).
    fn keeps(&self, c: &Candidate, why: &(Refusal, Option<Next>)) -> bool {
        self.detail || c.via != Via::Automatic || why.1.is_some()
    }

    fn refuse(&mut self, candidate: &Candidate, code: ReasonCode, params: impl FnOnce(&mut ReasonParams)) {
        if !(self.detail || candidate.via != Via::Automatic) {
            return;
        }
        let mut refusal = Refusal::new(code);
        params(&mut refusal.params);
        self.refused.push(Refused { candidate: *candidate, why: Rc::new((refusal, None)) });
    }

    fn lose_group(&mut self, ctx: &Context<'_>, c: &Candidate, winner: &Candidate) {
        if !(self.detail || c.via != Via::Automatic) {
            return;
        }
        let winner_id = ctx.promotion(winner.index).map(|p| p.id.clone());
        let group = ctx.promotion(c.index).and_then(|p| p.exclusive_group.clone());
        self.refuse(c, ReasonCode::ExclusiveGroupLost, |p| {
            p.winner = winner_id;
            p.exclusive_group = group;
        });
    }

    /// Why `candidate` is refused before its evaluation, if it is, in the
    /// order the run checks: its stage stopped, the limits, a covering grant.
    fn gate(
        &self,
        ctx: &Context<'_>,
        stopped: Option<(Stage, usize)>,
        candidate: &Candidate,
        promo: &CompiledPromotion,
    ) -> Option<Gate> {
        if let Some((stage, by)) = stopped {
            if stage == promo.stage {
                return Some(Gate::Stopped(by));
            }
        }
        if self.applied.len() >= ctx.max_applied || !self.allocations_fit(ctx, candidate.index) {
            return Some(Gate::Limit);
        }
        self.covering_grant(ctx, promo).map(Gate::Covered)
    }

    /// The index of an applied free-shipping promotion that covers what
    /// free-shipping promotion `promo` would grant (see [`covers`]), when
    /// `promo` stands alone: in no exclusive group, not stopping its stage,
    /// without a budget, and with nothing to check against the applied
    /// promotions (so no other reason would refuse it first).
    fn covering_grant(&self, ctx: &Context<'_>, promo: &CompiledPromotion) -> Option<usize> {
        if !matches!(promo.benefit, Benefit::FreeShipping { .. })
            || promo.group.is_some()
            || promo.stop_after
            || promo.limits.budget.is_some()
            || self.checks_applied(promo)
        {
            return None;
        }
        self.grants.iter().find(|&i| ctx.promotion(i).is_some_and(|g| covers(&g.benefit, &promo.benefit)))
    }

    /// Previews an automatic candidate (see [`preview`](super::evaluate::preview))
    /// when that tells all a non-detailed run records of it: nothing limits
    /// what it combines with here (else [`Run::try_one`] may refuse it
    /// first) and it has no budget to cap it.
    fn preview(&self, ctx: &Context<'_>, c: &Candidate) -> Result<Option<Preview>, MoneyError> {
        let Some(promo) = ctx.promotion(c.index) else { return Ok(None) };
        if self.detail || c.via != Via::Automatic || self.checks_applied(promo) || promo.limits.budget.is_some() {
            return Ok(None);
        }
        preview(ctx, c.index, &self.amounts, &self.taken, self.generation)
    }

    /// Whether a promotion must be checked against the applied ones: it
    /// limits what it combines with, or one applied does, or its group has
    /// a member applied.
    fn checks_applied(&self, promo: &CompiledPromotion) -> bool {
        let in_applied_group = promo.group.is_some_and(|g| self.groups_applied.contains(g as usize));
        promo.combines_ids.is_some() || self.restrictive_applied || in_applied_group
    }

    /// Evaluates one candidate against what already applied.
    fn try_one(&self, ctx: &Context<'_>, c: &Candidate) -> Result<super::evaluate::Outcome, MoneyError> {
        let Some(promo) = ctx.promotion(c.index) else {
            return Ok(Err(Rc::new((Refusal::new(ReasonCode::Unknown), None))));
        };
        // Only a promotion that limits what it combines with, or that meets
        // one applied already, or whose group has a member applied, looks
        // through what applied.
        let check = self.checks_applied(promo);
        for a in self.applied.iter().filter(|_| check) {
            let Some(other) = ctx.promotion(a.candidate.index) else { continue };
            if !promo.combines(other) {
                let mut r = Refusal::new(ReasonCode::NotCombinable);
                r.params.conflicting_promotion = Some(other.id.clone());
                return Ok(Err(Rc::new((r, None))));
            }
            if promo.group.is_some() && promo.group == other.group {
                let mut r = Refusal::new(ReasonCode::ExclusiveGroupLost);
                r.params.exclusive_group = promo.exclusive_group.clone();
                r.params.winner = Some(other.id.clone());
                return Ok(Err(Rc::new((r, None))));
            }
        }
        let mut outcome = evaluate(ctx, c.index, &self.amounts, &self.taken, self.generation)?;
        if let (Ok(shared), Some(left)) = (&mut outcome, ctx.budget_left(promo)) {
            let left = ctx.minor.of(left)?.max(0);
            if shared.amount > left {
                Rc::make_mut(shared).cap_at(left);
            }
        }
        Ok(outcome)
    }

    fn apply(
        &mut self,
        ctx: &Context<'_>,
        candidate: Candidate,
        effect: Rc<Effect>,
        split: Option<Rc<[(usize, Minor)]>>,
    ) -> Result<(), MoneyError> {
        let parts = split.as_deref().unwrap_or(&effect.parts);
        self.note_taken(ctx, &effect, parts)?;
        for &(line, d) in parts.iter() {
            if let Some(a) = self.amounts.get_mut(line) {
                *a = sub(*a, d)?;
            }
        }
        self.saving = add(self.saving, effect.amount)?;
        // A promotion that changes no amount and uses no unit (free
        // shipping, a gift, bonus points) leaves the run in the same state.
        if !parts.is_empty() || !effect.consumed.is_empty() {
            self.generation = ctx.fresh_generation();
        }
        if let Some(p) = ctx.promotion(candidate.index) {
            if let Some(g) = p.group {
                self.groups_applied.insert(g as usize);
            }
            self.restrictive_applied |= p.combines_ids.is_some();
            if matches!(p.benefit, Benefit::FreeShipping { .. }) {
                self.grants.push(candidate.index);
            }
        }
        self.applied.push(Applied { candidate, effect, split });
        Ok(())
    }
}

/// How much a run saves the customer, for comparing combinations: the
/// less they pay, the more it saves.
pub(crate) fn saving(run: &Run) -> Minor {
    run.payable.checked_neg().unwrap_or(Minor::MIN)
}
