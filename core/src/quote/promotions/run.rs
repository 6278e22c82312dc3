//! One run of the promotion stages over a plan: promotions in run order
//! (stage, priority, id), each evaluated on the amounts the earlier ones
//! left, with exclusive groups, combinability, stop-after, usage limits and
//! budgets applied.

use super::context::Context;
use super::evaluate::{evaluate, Effect, Next, Refusal};
use super::minor::{add, split, sub, Minor};
use crate::money::MoneyError;
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
    pub(crate) effect: std::rc::Rc<Effect>,
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
    /// What each line still costs, in minor units.
    pub(crate) amounts: Vec<Minor>,
    pub(crate) applied: Vec<Applied>,
    pub(crate) refused: Vec<Refused>,
    /// The discounts in all, in minor units.
    pub(crate) saving: Minor,
    /// What the customer would pay for the items: the amounts left, plus
    /// the tax on them when tax is added on top (minor units).
    pub(crate) payable: Minor,
    /// Whether refusals of automatic promotions are recorded.
    detail: bool,
}

/// The state of a run before one position of its plan, to resume from.
///
/// Plans that share their first `position` candidates with the plan the
/// snapshot was taken from can start there instead of from the beginning.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    position: usize,
    run: Run,
    stopped: Option<(Stage, String)>,
    /// Promotions already decided ahead of their position (exclusive groups).
    handled: Vec<usize>,
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
    // the start that records nothing is the answer's, with every refusal.
    let detail = start.is_none() && record.is_none();
    let records = |i: usize| record.is_some_and(|r| r.contains(&i));
    let (mut state, mut stopped, mut handled, first) = match start {
        Some(s) => (Run { detail, ..s.run.clone() }, s.stopped.clone(), s.handled.clone(), s.position),
        None => (
            Run {
                amounts: ctx.original.clone(),
                applied: Vec::with_capacity(plan.len()),
                refused: Vec::new(),
                saving: 0,
                payable: 0,
                detail,
            },
            None,
            Vec::new(),
            0,
        ),
    };
    let mut snapshots = Vec::new();
    for i in first..plan.len() {
        if records(i) {
            snapshots.push(Snapshot {
                position: i,
                run: state.clone(),
                stopped: stopped.clone(),
                handled: handled.clone(),
            });
        }
        let Some(candidate) = plan.get(i) else { continue };
        if handled.contains(&candidate.index) {
            continue;
        }
        let Some(promo) = ctx.promotion(candidate.index) else { continue };
        if let Some((stage, by)) = &stopped {
            if *stage == promo.stage {
                state.refuse(candidate, ReasonCode::StoppedByEarlierPromotion, |p| {
                    p.conflicting_promotion = Some(by.clone())
                });
                continue;
            }
        }
        let group_members: Vec<&Candidate> = match &promo.exclusive_group {
            Some(group) => plan
                .get(i..)
                .unwrap_or_default()
                .iter()
                .filter(|c| {
                    !handled.contains(&c.index)
                        && ctx.promotion(c.index).is_some_and(|p| {
                            p.stage == promo.stage && p.exclusive_group.as_deref() == Some(group.as_str())
                        })
                })
                .collect(),
            None => vec![candidate],
        };
        // Evaluate every member on the same amounts; the largest discount wins.
        let mut best: Option<(&Candidate, std::rc::Rc<Effect>)> = None;
        let in_group = promo.exclusive_group.is_some();
        for c in group_members {
            if in_group {
                handled.push(c.index);
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
                Err(refused) => {
                    if state.keeps(c) {
                        let (refusal, next) = (*refused).clone();
                        state.refused.push(Refused { candidate: c.clone(), refusal, next });
                    }
                    if exit == Exit::OnCouponRefused && c.via != Via::Automatic {
                        return Ok((state, snapshots));
                    }
                }
            }
        }
        if let Some((c, effect)) = best {
            if let Some(p) = ctx.promotion(c.index).filter(|p| p.stop_after) {
                stopped = Some((p.stage, p.id.clone()));
            }
            state.apply(c.clone(), effect)?;
        }
    }
    if record.is_some_and(|r| r.iter().any(|&p| p >= plan.len())) {
        snapshots.push(Snapshot {
            position: plan.len(),
            run: state.clone(),
            stopped: stopped.clone(),
            handled: handled.clone(),
        });
    }
    state.payable = payable(ctx, &state.amounts)?;
    Ok((state, snapshots))
}

/// The items' amounts plus, when tax is added on top, their tax, computed
/// as the tax stage will.
fn payable(ctx: &Context<'_>, amounts: &[Minor]) -> Result<Minor, MoneyError> {
    let mut total = amounts.iter().try_fold(0, |acc, a| add(acc, *a))?;
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
    /// Whether refusals of `c` are recorded in this run.
    fn keeps(&self, c: &Candidate) -> bool {
        self.detail || c.via != Via::Automatic
    }

    fn refuse(&mut self, candidate: &Candidate, code: ReasonCode, params: impl FnOnce(&mut ReasonParams)) {
        if !self.keeps(candidate) {
            return;
        }
        let mut refusal = Refusal::new(code);
        params(&mut refusal.params);
        self.refused.push(Refused { candidate: candidate.clone(), refusal, next: None });
    }

    fn lose_group(&mut self, ctx: &Context<'_>, c: &Candidate, winner: &Candidate) {
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
            return Ok(Err(std::rc::Rc::new((Refusal::new(ReasonCode::Unknown), None))));
        };
        for a in &self.applied {
            let Some(other) = ctx.promotion(a.candidate.index) else { continue };
            if !promo.combines(other) {
                let mut r = Refusal::new(ReasonCode::NotCombinable);
                r.params.conflicting_promotion = Some(other.id.clone());
                return Ok(Err(std::rc::Rc::new((r, None))));
            }
            if promo.exclusive_group.is_some() && promo.exclusive_group == other.exclusive_group {
                let mut r = Refusal::new(ReasonCode::ExclusiveGroupLost);
                r.params.exclusive_group = promo.exclusive_group.clone();
                r.params.winner = Some(other.id.clone());
                return Ok(Err(std::rc::Rc::new((r, None))));
            }
        }
        let mut outcome = evaluate(ctx, c.index, &self.amounts)?;
        if let (Ok(shared), Some(left)) = (&mut outcome, ctx.budget_left(promo)) {
            let left = ctx.minor.of(left)?.max(0);
            if shared.amount > left && !shared.parts.is_empty() {
                let effect = std::rc::Rc::make_mut(shared);
                let weights: Vec<Minor> = effect.parts.iter().map(|p| p.1).collect();
                for (part, m) in effect.parts.iter_mut().zip(split(left, &weights)?) {
                    part.1 = m;
                }
                effect.parts.retain(|p| p.1 != 0);
                effect.amount = left;
            }
        }
        Ok(outcome)
    }

    fn apply(&mut self, candidate: Candidate, effect: std::rc::Rc<Effect>) -> Result<(), MoneyError> {
        for &(line, d) in &effect.parts {
            if let Some(a) = self.amounts.get_mut(line) {
                *a = sub(*a, d)?;
            }
        }
        self.saving = add(self.saving, effect.amount)?;
        self.applied.push(Applied { candidate, effect });
        Ok(())
    }
}

/// How much a run saves the customer, for comparing combinations: the
/// less they pay, the more it saves.
pub(crate) fn saving(run: &Run) -> Minor {
    run.payable.checked_neg().unwrap_or(Minor::MIN)
}
