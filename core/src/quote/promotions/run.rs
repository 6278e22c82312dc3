//! One run of the promotion stages over a plan: promotions in run order
//! (stage, priority, id), each evaluated on the amounts the earlier ones
//! left, with exclusive groups, combinability, stop-after, usage limits and
//! budgets applied.

use rust_decimal::Decimal;

use super::context::Context;
use super::evaluate::{evaluate, Effect, Next, Refusal};
use crate::money::{allocate_proportional, Money, MoneyError};
use crate::quote::{ReasonCode, ReasonParams, Stage, Via};

/// A promotion to try, and how the customer came by it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Candidate {
    /// Index into the rule set's promotions (run order).
    pub(crate) index: usize,
    pub(crate) via: Via,
    pub(crate) code: Option<String>,
    pub(crate) wallet_id: Option<String>,
}

/// A promotion that applied in a run.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub(crate) candidate: Candidate,
    pub(crate) effect: Effect,
}

/// A promotion that did not apply in a run.
#[derive(Debug, Clone)]
pub(crate) struct Refused {
    pub(crate) candidate: Candidate,
    pub(crate) refusal: Refusal,
    pub(crate) next: Option<Next>,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) amounts: Vec<Money>,
    pub(crate) applied: Vec<Applied>,
    pub(crate) refused: Vec<Refused>,
    pub(crate) saving: Money,
    /// What the customer would pay for the items: the amounts left, plus
    /// the tax on them when tax is added on top.
    pub(crate) payable: Money,
}

/// Runs `plan` (sorted by promotion index) from the catalog amounts.
pub(crate) fn run(ctx: &Context<'_>, plan: &[Candidate]) -> Result<Run, MoneyError> {
    let mut state = Run {
        amounts: ctx.original.clone(),
        applied: Vec::with_capacity(plan.len()),
        refused: Vec::new(),
        saving: Money::zero(ctx.currency),
        payable: Money::zero(ctx.currency),
    };
    let mut stopped: Option<(Stage, String)> = None;
    let mut handled = vec![false; plan.len()];
    for i in 0..plan.len() {
        if handled.get(i).copied().unwrap_or(true) {
            continue;
        }
        let Some(candidate) = plan.get(i) else { continue };
        let Some(promo) = ctx.promotion(candidate.index) else { continue };
        if let Some((stage, by)) = &stopped {
            if *stage == promo.stage {
                state.refuse(candidate, ReasonCode::StoppedByEarlierPromotion, |p| {
                    p.conflicting_promotion = Some(by.clone())
                });
                continue;
            }
        }
        let group_members: Vec<usize> = match &promo.exclusive_group {
            Some(group) => (i..plan.len())
                .filter(|&j| {
                    !handled.get(j).copied().unwrap_or(true)
                        && plan.get(j).and_then(|c| ctx.promotion(c.index)).is_some_and(|p| {
                            p.stage == promo.stage && p.exclusive_group.as_deref() == Some(group.as_str())
                        })
                })
                .collect(),
            None => vec![i],
        };
        // Evaluate every member on the same amounts; the largest discount wins.
        let mut best: Option<(usize, Effect)> = None;
        for &j in &group_members {
            if let Some(flag) = handled.get_mut(j) {
                *flag = true;
            }
            let Some(c) = plan.get(j) else { continue };
            match state.try_one(ctx, c)? {
                Ok(effect) => {
                    let better = best.as_ref().is_none_or(|(_, b)| effect.amount.amount() > b.amount.amount());
                    if better {
                        if let Some((loser, _)) = best.take() {
                            state.lose_group(ctx, plan, loser, c);
                        }
                        best = Some((j, effect));
                    } else {
                        state.lose_group(ctx, plan, j, plan.get(best.as_ref().map_or(j, |b| b.0)).unwrap_or(c));
                    }
                }
                Err(refused) => {
                    let (refusal, next) = *refused;
                    state.refused.push(Refused { candidate: c.clone(), refusal, next });
                }
            }
        }
        if let Some((j, effect)) = best {
            let Some(c) = plan.get(j) else { continue };
            if ctx.promotion(c.index).is_some_and(|p| p.stop_after) {
                stopped = ctx.promotion(c.index).map(|p| (p.stage, p.id.clone()));
            }
            state.apply(c.clone(), effect)?;
        }
    }
    state.payable = payable(ctx, &state.amounts)?;
    Ok(state)
}

/// The items' amounts plus, when tax is added on top, their tax, computed
/// as the tax stage will.
fn payable(ctx: &Context<'_>, amounts: &[Money]) -> Result<Money, MoneyError> {
    let mut total = Money::checked_sum(ctx.currency, amounts.iter().copied())?;
    let tax = &ctx.rules.tax;
    if !tax.prices_include_tax {
        for (l, amount) in amounts.iter().enumerate() {
            let rate = ctx.tax_rates.get(l).copied().unwrap_or_default();
            let units = ctx.units.get(l).copied().unwrap_or(1);
            total = total.checked_add(crate::quote::tax::line_tax(
                *amount,
                units,
                rate,
                false,
                tax.calculation,
                tax.rounding,
            )?)?;
        }
    }
    Ok(total)
}

impl Run {
    fn refuse(&mut self, candidate: &Candidate, code: ReasonCode, params: impl FnOnce(&mut ReasonParams)) {
        let mut refusal = Refusal::new(code);
        params(&mut refusal.params);
        self.refused.push(Refused { candidate: candidate.clone(), refusal, next: None });
    }

    fn lose_group(&mut self, ctx: &Context<'_>, plan: &[Candidate], loser: usize, winner: &Candidate) {
        let Some(c) = plan.get(loser) else { return };
        let winner_id = ctx.promotion(winner.index).map(|p| p.id.clone());
        let group = ctx.promotion(c.index).and_then(|p| p.exclusive_group.clone());
        self.refuse(c, ReasonCode::ExclusiveGroupLost, |p| {
            p.winner = winner_id;
            p.exclusive_group = group;
        });
    }

    /// Evaluates one candidate against what already applied.
    fn try_one(&self, ctx: &Context<'_>, c: &Candidate) -> Result<super::evaluate::Outcome, MoneyError> {
        let Some(promo) = ctx.promotion(c.index) else {
            return Ok(Err(Box::new((Refusal::new(ReasonCode::Unknown), None))));
        };
        for a in &self.applied {
            let Some(other) = ctx.promotion(a.candidate.index) else { continue };
            if !promo.combines(other) {
                let mut r = Refusal::new(ReasonCode::NotCombinable);
                r.params.conflicting_promotion = Some(other.id.clone());
                return Ok(Err(Box::new((r, None))));
            }
            if promo.exclusive_group.is_some() && promo.exclusive_group == other.exclusive_group {
                let mut r = Refusal::new(ReasonCode::ExclusiveGroupLost);
                r.params.exclusive_group = promo.exclusive_group.clone();
                r.params.winner = Some(other.id.clone());
                return Ok(Err(Box::new((r, None))));
            }
        }
        let mut outcome = evaluate(ctx, c.index, &self.amounts)?;
        if let (Ok(effect), Some(left)) = (&mut outcome, ctx.budget_left(promo)) {
            if effect.amount.amount() > left.amount() && !effect.parts.is_empty() {
                let weights: Vec<Decimal> = effect.parts.iter().map(|p| p.1.amount()).collect();
                let split = allocate_proportional(left, &weights).map_err(|_| MoneyError::Overflow)?;
                for (part, m) in effect.parts.iter_mut().zip(split) {
                    part.1 = m;
                }
                effect.parts.retain(|p| !p.1.is_zero());
                effect.amount = left;
            }
        }
        Ok(outcome)
    }

    fn apply(&mut self, candidate: Candidate, effect: Effect) -> Result<(), MoneyError> {
        for &(line, d) in &effect.parts {
            if let Some(a) = self.amounts.get_mut(line) {
                *a = a.checked_sub(d)?;
            }
        }
        self.saving = self.saving.checked_add(effect.amount)?;
        self.applied.push(Applied { candidate, effect });
        Ok(())
    }
}

/// How much a run saves the customer, for comparing combinations: the
/// less they pay, the more it saves.
pub(crate) fn saving(run: &Run) -> Decimal {
    Decimal::ZERO.checked_sub(run.payable.amount()).unwrap_or_default()
}
