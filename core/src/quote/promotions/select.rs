//! Which coupons to use: entered codes and wallet coupons are resolved
//! (every one that cannot apply gets its reason), then the combination that
//! saves the customer most is chosen (最优惠组合).
//!
//! Automatic promotions always run; a coupon that does not combine with an
//! automatic promotion displaces it only when that saves more. The search
//! evaluates every compatible combination of usable coupons when there are
//! at most [`MAX_EXACT_COMBINATIONS`]; beyond, it adds coupons greedily
//! (largest gain first) and the answer says the result is not proven optimal.

use std::cmp::Ordering;

use super::context::Context;
use super::evaluate::Refusal;
use super::run::{run, saving, Candidate, Run};
use crate::money::MoneyError;
use crate::quote::{ReasonCode, Via, WalletCoupon, WalletSelection};
use crate::rules::{active_at, normalize_code, Activity, CompiledPromotion, Trigger};

/// Combinations evaluated exactly before the search turns greedy.
pub const MAX_EXACT_COMBINATIONS: usize = 256;

/// A code, coupon or promotion that did not apply.
#[derive(Debug, Clone)]
pub(crate) struct Rejected {
    pub(crate) promotion_index: Option<usize>,
    pub(crate) code: Option<String>,
    pub(crate) wallet_id: Option<String>,
    pub(crate) refusal: Refusal,
    /// The threshold that would make it apply, for hints.
    pub(crate) next: Option<super::evaluate::Next>,
}

/// The chosen combination and everything that was left out.
pub(crate) struct Selected {
    pub(crate) run: Run,
    /// The run with automatic promotions only, for the saving coupons add.
    pub(crate) baseline: Run,
    pub(crate) rejected: Vec<Rejected>,
    pub(crate) optimal: bool,
    pub(crate) considered: u32,
    pub(crate) evaluated: u32,
}

impl Context<'_> {
    /// A reason the promotion cannot apply at all now: not in force, or used up.
    pub(crate) fn static_refusal(&self, promo: &CompiledPromotion) -> Option<Refusal> {
        let local =
            |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.with_timezone(&self.rules.time_zone.0).to_rfc3339());
        match active_at(promo, self.now, self.rules.time_zone) {
            Activity::Active => {}
            Activity::NotStarted => {
                let mut r = Refusal::new(ReasonCode::NotStarted);
                r.params.valid_from = local(promo.starts);
                return Some(r);
            }
            Activity::Ended => {
                let mut r = Refusal::new(ReasonCode::Expired);
                r.params.valid_until = local(promo.ends);
                return Some(r);
            }
            Activity::OutsideRecurringWindow => return Some(Refusal::new(ReasonCode::OutsideRecurringWindow)),
        }
        let counter = self.req.usage.iter().find(|u| u.promotion_id == promo.id);
        let limits = &promo.limits;
        if let (Some(limit), Some(c)) = (limits.total, counter) {
            if c.total_uses >= limit {
                let mut r = Refusal::new(ReasonCode::UsageLimitReached);
                r.params.limit = Some(limit);
                return Some(r);
            }
        }
        if let (Some(limit), Some(c)) = (limits.per_customer, counter) {
            if c.customer_uses >= limit {
                let mut r = Refusal::new(ReasonCode::PerCustomerLimitReached);
                r.params.limit = Some(limit);
                return Some(r);
            }
        }
        if self.budget_left(promo).is_some_and(|left| left.amount() <= rust_decimal::Decimal::ZERO) {
            return Some(Refusal::new(ReasonCode::BudgetExhausted));
        }
        None
    }

    /// What remains of the promotion's budget, when it has one.
    pub(crate) fn budget_left(&self, promo: &CompiledPromotion) -> Option<crate::Money> {
        let budget = promo.limits.budget?;
        let spent = self
            .req
            .usage
            .iter()
            .find(|u| u.promotion_id == promo.id)
            .and_then(|u| u.budget_spent)
            .map_or(rust_decimal::Decimal::ZERO, |a| a.value());
        Some(crate::Money::new(budget.value().checked_sub(spent).unwrap_or_default(), self.currency))
    }

    fn wallet_refusal(&self, w: &WalletCoupon) -> Option<Refusal> {
        if w.redeemed {
            return Some(Refusal::new(ReasonCode::AlreadyRedeemed));
        }
        if let Some(c) = w.currency.filter(|c| *c != self.currency) {
            let mut r = Refusal::new(ReasonCode::CurrencyMismatch);
            r.params.currency = Some(c);
            return Some(r);
        }
        if let Some(from) = w.valid_from.filter(|f| self.now < f.utc()) {
            let mut r = Refusal::new(ReasonCode::NotStarted);
            r.params.valid_from = Some(from.to_string());
            return Some(r);
        }
        if let Some(until) = w.valid_until.filter(|u| self.now >= u.utc()) {
            let mut r = Refusal::new(ReasonCode::Expired);
            r.params.valid_until = Some(until.to_string());
            return Some(r);
        }
        None
    }
}

/// Resolves coupons, searches for the best combination and runs it.
pub(crate) fn select(ctx: &Context<'_>) -> Result<Selected, MoneyError> {
    let mut rejected = Vec::new();
    let autos: Vec<Candidate> = ctx
        .automatic_candidates()
        .into_iter()
        .filter(|&i| ctx.promotion(i).is_some_and(|p| ctx.static_refusal(p).is_none()))
        .map(|index| Candidate { index, via: Via::Automatic, code: None, wallet_id: None })
        .collect();
    let coupons = resolve_coupons(ctx, &mut rejected);

    // A coupon that cannot apply even alone (with the automatic promotions
    // it combines with) is out, with its reason.
    let mut viable = Vec::with_capacity(coupons.len());
    let mut evaluated = 0_u32;
    for c in coupons {
        let alone = run(ctx, &plan(ctx, &autos, std::slice::from_ref(&c)))?;
        evaluated = evaluated.saturating_add(1);
        match alone.refused.iter().find(|r| r.candidate == c) {
            Some(r) => rejected.push(Rejected { next: r.next.clone(), ..rejection(&c, r.refusal.clone()) }),
            None => viable.push(c),
        }
    }
    let considered = u32::try_from(viable.len()).unwrap_or(u32::MAX);

    let subsets = compatible_subsets(ctx, &viable);
    let (best, optimal) = match subsets {
        Some(subsets) => {
            let mut best: Option<(Vec<Candidate>, Run)> = None;
            for subset in subsets {
                let r = run(ctx, &plan(ctx, &autos, &subset))?;
                evaluated = evaluated.saturating_add(1);
                if best.as_ref().is_none_or(|(bs, br)| better(&subset, &r, bs, br) == Ordering::Greater) {
                    best = Some((subset, r));
                }
            }
            (best.map(|b| b.0).unwrap_or_default(), true)
        }
        None => {
            let (subset, n) = greedy(ctx, &autos, &viable)?;
            evaluated = evaluated.saturating_add(n);
            (subset, false)
        }
    };

    let final_run = run(ctx, &plan(ctx, &autos, &best))?;
    let baseline = run(ctx, &plan(ctx, &autos, &[]))?;
    // Coupons left out: in conflict with a chosen one, or simply not the best.
    for c in &viable {
        if best.contains(c) {
            continue;
        }
        // A chosen coupon, or an automatic promotion that applied, it does not combine with.
        let applied_autos = final_run.applied.iter().map(|a| &a.candidate).filter(|a| a.via == Via::Automatic);
        let conflict = best.iter().chain(applied_autos).find(|b| !compatible(ctx, c, b));
        let refusal = match conflict.and_then(|b| ctx.promotion(b.index)) {
            Some(p) => {
                let mut r = Refusal::new(ReasonCode::NotCombinable);
                r.params.conflicting_promotion = Some(p.id.clone());
                r
            }
            None => Refusal::new(ReasonCode::NotBest),
        };
        rejected.push(rejection(c, refusal));
    }
    // Automatic promotions displaced by a chosen coupon.
    for a in &autos {
        if let Some(b) = best.iter().find(|b| !compatible(ctx, a, b)) {
            let mut r = Refusal::new(ReasonCode::NotCombinable);
            r.params.conflicting_promotion = ctx.promotion(b.index).map(|p| p.id.clone());
            rejected.push(rejection(a, r));
        }
    }
    // Everything the final run refused, except automatic promotions that
    // merely do not cover any line.
    for r in &final_run.refused {
        if r.candidate.via == Via::Automatic && r.refusal.code == ReasonCode::NoEligibleItems {
            continue;
        }
        rejected.push(Rejected { next: r.next.clone(), ..rejection(&r.candidate, r.refusal.clone()) });
    }
    rejected.sort_by(|a, b| {
        (a.code.is_none(), &a.code, a.wallet_id.is_none(), &a.wallet_id, a.promotion_index).cmp(&(
            b.code.is_none(),
            &b.code,
            b.wallet_id.is_none(),
            &b.wallet_id,
            b.promotion_index,
        ))
    });
    Ok(Selected { run: final_run, baseline, rejected, optimal, considered, evaluated })
}

fn rejection(c: &Candidate, refusal: Refusal) -> Rejected {
    Rejected {
        promotion_index: Some(c.index),
        code: c.code.clone(),
        wallet_id: c.wallet_id.clone(),
        refusal,
        next: None,
    }
}

/// Entered codes (sorted, deduplicated) and wallet coupons, as candidates;
/// every one that cannot be used is rejected with its reason.
fn resolve_coupons(ctx: &Context<'_>, rejected: &mut Vec<Rejected>) -> Vec<Candidate> {
    let idx = &ctx.rules.promotions;
    let mut out = Vec::new();
    let mut codes: Vec<(String, String)> =
        ctx.req.codes.iter().map(|c| (normalize_code(c), c.trim().to_string())).collect();
    codes.sort();
    let mut used_wallet: Vec<&str> = Vec::new();
    let mut previous: Option<String> = None;
    for (normalized, entered) in codes {
        let reject = |rejected: &mut Vec<Rejected>, index: Option<usize>, wallet: Option<String>, r: Refusal| {
            rejected.push(Rejected {
                promotion_index: index,
                code: Some(entered.clone()),
                wallet_id: wallet,
                refusal: r,
                next: None,
            });
        };
        if previous.as_deref() == Some(normalized.as_str()) {
            reject(rejected, None, None, Refusal::new(ReasonCode::DuplicateCode));
            continue;
        }
        previous = Some(normalized.clone());
        if normalized.is_empty() {
            reject(rejected, None, None, Refusal::new(ReasonCode::Unknown));
            continue;
        }
        let issued =
            ctx.req.wallet.iter().find(|w| w.code.as_deref().map(normalize_code).as_deref() == Some(&normalized));
        let (index, wallet_id, wallet_refusal) = match issued {
            Some(w) => {
                used_wallet.push(w.id.as_str());
                (idx.by_id.get(&w.promotion_id).copied(), Some(w.id.clone()), ctx.wallet_refusal(w))
            }
            None => (idx.by_code.get(&normalized).copied(), None, None),
        };
        let Some(index) = index.filter(|&i| ctx.promotion(i).is_some_and(|p| p.trigger != Trigger::Automatic)) else {
            reject(rejected, None, wallet_id, Refusal::new(ReasonCode::Unknown));
            continue;
        };
        let refusal = wallet_refusal.or_else(|| ctx.promotion(index).and_then(|p| ctx.static_refusal(p)));
        match refusal {
            Some(r) => reject(rejected, Some(index), wallet_id, r),
            None => out.push(Candidate { index, via: Via::Code, code: Some(entered.clone()), wallet_id }),
        }
    }
    let wallet: Vec<&WalletCoupon> = match &ctx.req.wallet_selection {
        WalletSelection::None => Vec::new(),
        WalletSelection::Best => ctx.req.wallet.iter().collect(),
        WalletSelection::Only(ids) => {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            ids.iter()
                .filter_map(|id| {
                    let found = ctx.req.wallet.iter().find(|w| &w.id == id);
                    if found.is_none() {
                        rejected.push(Rejected {
                            promotion_index: None,
                            code: None,
                            wallet_id: Some(id.clone()),
                            refusal: Refusal::new(ReasonCode::Unknown),
                            next: None,
                        });
                    }
                    found
                })
                .collect()
        }
    };
    let mut wallet = wallet;
    wallet.sort_by(|a, b| a.id.cmp(&b.id));
    for w in wallet {
        if used_wallet.contains(&w.id.as_str()) {
            continue;
        }
        let index = idx.by_id.get(&w.promotion_id).copied();
        let Some(index) = index.filter(|&i| ctx.promotion(i).is_some_and(|p| p.trigger != Trigger::Automatic)) else {
            rejected.push(Rejected {
                promotion_index: None,
                code: None,
                wallet_id: Some(w.id.clone()),
                refusal: Refusal::new(ReasonCode::Unknown),
                next: None,
            });
            continue;
        };
        match ctx.wallet_refusal(w).or_else(|| ctx.promotion(index).and_then(|p| ctx.static_refusal(p))) {
            Some(r) => rejected.push(Rejected {
                promotion_index: Some(index),
                code: None,
                wallet_id: Some(w.id.clone()),
                refusal: r,
                next: None,
            }),
            None => out.push(Candidate { index, via: Via::Wallet, code: None, wallet_id: Some(w.id.clone()) }),
        }
    }
    out
}

/// Two candidates may apply together: different promotions that combine
/// and are not in the same exclusive group.
fn compatible(ctx: &Context<'_>, a: &Candidate, b: &Candidate) -> bool {
    let (Some(pa), Some(pb)) = (ctx.promotion(a.index), ctx.promotion(b.index)) else { return false };
    a.index != b.index && pa.combines(pb) && !(pa.exclusive_group.is_some() && pa.exclusive_group == pb.exclusive_group)
}

/// The automatic promotions that combine with every chosen coupon, plus the
/// coupons, in run order.
fn plan(ctx: &Context<'_>, autos: &[Candidate], coupons: &[Candidate]) -> Vec<Candidate> {
    let mut plan: Vec<Candidate> =
        autos.iter().filter(|a| coupons.iter().all(|c| compatible(ctx, a, c))).cloned().collect();
    plan.extend_from_slice(coupons);
    plan.sort();
    plan
}

/// Every subset of pairwise-compatible coupons (the empty one included), or
/// `None` when there are more than [`MAX_EXACT_COMBINATIONS`].
fn compatible_subsets(ctx: &Context<'_>, coupons: &[Candidate]) -> Option<Vec<Vec<Candidate>>> {
    fn extend(
        ctx: &Context<'_>,
        coupons: &[Candidate],
        from: usize,
        current: &mut Vec<Candidate>,
        out: &mut Vec<Vec<Candidate>>,
    ) -> bool {
        if out.len() >= MAX_EXACT_COMBINATIONS {
            return false;
        }
        out.push(current.clone());
        for i in from..coupons.len() {
            let Some(c) = coupons.get(i) else { continue };
            if current.iter().all(|x| compatible(ctx, x, c)) {
                current.push(c.clone());
                let ok = extend(ctx, coupons, i.saturating_add(1), current, out);
                current.pop();
                if !ok {
                    return false;
                }
            }
        }
        true
    }
    let mut out = Vec::new();
    extend(ctx, coupons, 0, &mut Vec::new(), &mut out).then_some(out)
}

/// Adds the coupon that gains most until none gains; returns the choice and
/// the runs made.
fn greedy(ctx: &Context<'_>, autos: &[Candidate], coupons: &[Candidate]) -> Result<(Vec<Candidate>, u32), MoneyError> {
    let mut chosen: Vec<Candidate> = Vec::new();
    let mut current = run(ctx, &plan(ctx, autos, &chosen))?;
    let mut runs = 1_u32;
    loop {
        let mut best: Option<(Candidate, Run)> = None;
        for c in coupons {
            if chosen.contains(c) || !chosen.iter().all(|x| compatible(ctx, x, c)) {
                continue;
            }
            let mut trial = chosen.clone();
            trial.push(c.clone());
            let r = run(ctx, &plan(ctx, autos, &trial))?;
            runs = runs.saturating_add(1);
            let gain = saving(&r) > best.as_ref().map_or(saving(&current), |b| saving(&b.1));
            if gain {
                best = Some((c.clone(), r));
            }
        }
        match best {
            Some((c, r)) => {
                chosen.push(c);
                current = r;
            }
            None => return Ok((chosen, runs)),
        }
    }
}

/// Orders two combinations: the one the customer pays less for first; then more entered codes
/// honoured, fewer wallet coupons spent, and the smaller set of candidates.
fn better(a: &[Candidate], ra: &Run, b: &[Candidate], rb: &Run) -> Ordering {
    let used = |r: &Run, via: Via| r.applied.iter().filter(|x| x.candidate.via == via).count();
    saving(ra)
        .cmp(&saving(rb))
        .then(used(ra, Via::Code).cmp(&used(rb, Via::Code)))
        .then(used(rb, Via::Wallet).cmp(&used(ra, Via::Wallet)))
        .then(b.cmp(a))
}
