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
use super::evaluate::{Refusal, Why};
use super::minor::Minor;
use super::run::{refusal_at, run_detailed, run_from, run_recording, saving, Candidate, Exit, Run, Snapshot};
use crate::money::MoneyError;
use crate::quote::{ReasonCode, SelectionStrategy, Via, WalletCoupon, WalletSelection};
use crate::rules::{active_at, normalize_code, Activity, Benefit, CompiledPromotion, Trigger};

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

/// The codes and wallet coupons of one quote's candidates, by rank
/// ([`Candidate::coupon`]); rank 0 is an automatic promotion's (neither).
#[derive(Debug, Default)]
pub(crate) struct Coupons(Vec<(Option<String>, Option<String>)>);

impl Coupons {
    /// The code a candidate was entered with.
    pub(crate) fn code(&self, c: &Candidate) -> Option<&String> {
        self.0.get(c.coupon as usize).and_then(|p| p.0.as_ref())
    }

    /// The wallet coupon a candidate comes from.
    pub(crate) fn wallet_id(&self, c: &Candidate) -> Option<&String> {
        self.0.get(c.coupon as usize).and_then(|p| p.1.as_ref())
    }

    /// A rejection of candidate `c`.
    fn rejection(&self, c: &Candidate, refusal: Refusal) -> Rejected {
        Rejected {
            promotion_index: Some(c.index),
            code: self.code(c).cloned(),
            wallet_id: self.wallet_id(c).cloned(),
            refusal,
            next: None,
        }
    }
}

/// The chosen combination and everything that was left out.
pub(crate) struct Selected {
    pub(crate) run: Run,
    /// What the automatic promotions alone save, for the saving coupons add.
    pub(crate) baseline_saving: Minor,
    pub(crate) rejected: Vec<Rejected>,
    /// Thresholds of promotions that did not apply or could give more, for
    /// hints: (promotion index, threshold).
    pub(crate) thresholds: Vec<(usize, super::evaluate::Next)>,
    pub(crate) optimal: bool,
    pub(crate) strategy: SelectionStrategy,
    pub(crate) considered: u32,
    pub(crate) evaluated: u32,
    /// The codes and wallet coupons of the candidates.
    pub(crate) coupons: Coupons,
}

impl Context<'_> {
    /// A reason the promotion cannot apply at all now: not in force, or used up.
    pub(crate) fn static_refusal(&self, promo: &CompiledPromotion) -> Option<Refusal> {
        let local =
            |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.with_timezone(&self.rules.time_zone.0).to_rfc3339());
        let mut r = Refusal::new(self.blocked(promo)?);
        match r.code {
            ReasonCode::NotStarted => r.params.valid_from = local(promo.starts),
            ReasonCode::Expired => r.params.valid_until = local(promo.ends),
            ReasonCode::UsageLimitReached => r.params.limit = promo.limits.total,
            ReasonCode::PerCustomerLimitReached => r.params.limit = promo.limits.per_customer,
            _ => {}
        }
        Some(r)
    }

    /// The code of [`Context::static_refusal`], without the texts of its
    /// parameters (dates in the rule set's time zone): for the promotions
    /// only filtered out, which are not answered.
    pub(crate) fn blocked(&self, promo: &CompiledPromotion) -> Option<ReasonCode> {
        match active_at(promo, self.now, self.rules.time_zone) {
            Activity::Active => {}
            Activity::NotStarted => return Some(ReasonCode::NotStarted),
            Activity::Ended => return Some(ReasonCode::Expired),
            Activity::OutsideRecurringWindow => return Some(ReasonCode::OutsideRecurringWindow),
        }
        let counter = self.req.usage.iter().find(|u| u.promotion_id == promo.id);
        let limits = &promo.limits;
        if let (Some(limit), Some(c)) = (limits.total, counter) {
            if c.total_uses >= limit {
                return Some(ReasonCode::UsageLimitReached);
            }
        }
        if let (Some(limit), Some(c)) = (limits.per_customer, counter) {
            if c.customer_uses >= limit {
                return Some(ReasonCode::PerCustomerLimitReached);
            }
        }
        if self.budget_left(promo).is_some_and(|left| left.amount() <= rust_decimal::Decimal::ZERO) {
            return Some(ReasonCode::BudgetExhausted);
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
///
/// The search stops trying combinations once its work (promotion-line
/// evaluations, [`Context::work`]) passes `budget`: coupons not tried by
/// then are refused with `search_budget_exhausted`, and the answer says the
/// result is not proven optimal.
pub(crate) fn select(ctx: &Context<'_>, budget: u64) -> Result<Selected, MoneyError> {
    let mut rejected = Vec::new();
    // Filtered vectors are sized for all they could hold: a filter's
    // `collect` would grow them a power of two at a time.
    let candidates = ctx.automatic_candidates();
    let mut autos: Vec<Candidate> = Vec::with_capacity(candidates.len());
    autos.extend(
        candidates
            .into_iter()
            .filter(|&i| ctx.promotion(i).is_some_and(|p| ctx.blocked(p).is_none()))
            .map(|index| Candidate { index, via: Via::Automatic, coupon: 0 }),
    );
    let (coupons, table) = resolve_coupons(ctx, &mut rejected);

    // Every combination runs the automatic promotions up to the first place
    // where a coupon could change anything; that prefix runs once.
    let base_plan: &[Candidate] = &autos;
    let positions = Positions::of(ctx, base_plan, &coupons);
    let reach: Vec<Reach> = coupons.iter().map(|c| Reach::of(ctx, base_plan, *c, Some(&positions))).collect();
    // Entered free-shipping codes that combine with everything ride along:
    // they take nothing off the items, so they cannot change which
    // combination the customer pays least for; they join the chosen one.
    let riders = riders(ctx, &reach, &coupons);
    let coupons: Vec<Candidate> = coupons.into_iter().filter(|c| !riders.contains(c)).collect();
    let positions: Vec<usize> = reach.iter().map(|r| r.divergence).collect();
    let (baseline, snapshots) = run_recording(ctx, base_plan, &positions)?;
    let baseline_saving = baseline.saving;
    let resume = Resume { ctx, base_plan, snapshots: &snapshots, reach: &reach };
    let mut evaluated = 1_u32;
    let out_of_budget = || ctx.work() > budget;
    let mut strategy = SelectionStrategy::Exhaustive;

    // Each coupon alone (with the automatic promotions it combines with): one
    // that cannot apply even so is out, with its reason. Entered codes come
    // first, so they are tried before wallet coupons when the budget is short.
    let mut best: (Vec<Candidate>, Run) = (Vec::new(), baseline);
    let mut viable = Vec::with_capacity(coupons.len());
    for c in coupons {
        if out_of_budget() {
            strategy = SelectionStrategy::Budget;
            rejected.push(table.rejection(&c, Refusal::new(ReasonCode::SearchBudgetExhausted)));
            continue;
        }
        evaluated = evaluated.saturating_add(1);
        // Most coupons a cart cannot use are refused where their run would
        // start: known without running it.
        if let Some(why) = resume.refused_alone(&c)? {
            #[cfg(debug_assertions)]
            {
                // Every debug test checks it against the run it stands for
                // (which leaves the work count as it found it).
                let work = ctx.work();
                let run = resume.run(std::slice::from_ref(&c), Exit::OnCouponRefused)?;
                ctx.rewind_work(work);
                let found = run.refused.iter().find(|r| r.candidate == c).map(|r| &*r.why);
                debug_assert_eq!(found, Some(&*why), "a coupon refused without its run");
            }
            rejected.push(Rejected { next: why.1.clone(), ..table.rejection(&c, why.0.clone()) });
            continue;
        }
        let alone = resume.run(std::slice::from_ref(&c), Exit::OnCouponRefused)?;
        match alone.refused.iter().find(|r| r.candidate == c) {
            Some(r) => rejected.push(Rejected { next: r.why.1.clone(), ..table.rejection(&c, r.why.0.clone()) }),
            None => {
                if better(std::slice::from_ref(&c), &alone, &best.0, &best.1) == Ordering::Greater {
                    best = (vec![c], alone);
                }
                viable.push(c);
            }
        }
    }
    let considered = u32::try_from(viable.len().saturating_add(riders.len())).unwrap_or(u32::MAX);

    // Then every compatible combination of two or more, or greedily when
    // there are too many.
    if strategy == SelectionStrategy::Exhaustive {
        match compatible_subsets(ctx, &viable) {
            Some(subsets) => {
                for subset in subsets.into_iter().filter(|s| s.len() >= 2) {
                    if out_of_budget() {
                        strategy = SelectionStrategy::Budget;
                        break;
                    }
                    let r = resume.run(&subset, Exit::Never)?;
                    evaluated = evaluated.saturating_add(1);
                    if better(&subset, &r, &best.0, &best.1) == Ordering::Greater {
                        best = (subset, r);
                    }
                }
            }
            None => {
                strategy = SelectionStrategy::Greedy;
                let (subset, run, n, exhausted) = greedy(&resume, &viable, budget)?;
                evaluated = evaluated.saturating_add(n);
                if exhausted {
                    strategy = SelectionStrategy::Budget;
                }
                if better(&subset, &run, &best.0, &best.1) == Ordering::Greater {
                    best = (subset, run);
                }
            }
        }
    }
    let optimal = strategy == SelectionStrategy::Exhaustive;
    let (mut best, mut best_run) = best;
    if !riders.is_empty() {
        // The riders join the chosen combination (each one that applies on
        // its amounts does; the others are refused in that run).
        best.extend_from_slice(&riders);
        crate::sort::sort(&mut best);
        best_run = resume.run(&best, Exit::Never)?;
        evaluated = evaluated.saturating_add(1);
    }
    // With the explanation, the chosen combination runs once more from the
    // start, recording every refusal; otherwise its run is the answer's.
    let final_run = if ctx.req.explain { run_detailed(ctx, &resume.plan(&best))? } else { best_run };

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
            None if strategy == SelectionStrategy::Budget => Refusal::new(ReasonCode::SearchBudgetExhausted),
            None => Refusal::new(ReasonCode::NotBest),
        };
        rejected.push(table.rejection(c, refusal));
    }
    if ctx.req.explain {
        // Automatic promotions displaced by a chosen coupon.
        for a in &autos {
            if let Some(b) = best.iter().find(|b| !compatible(ctx, a, b)) {
                let mut r = Refusal::new(ReasonCode::NotCombinable);
                r.params.conflicting_promotion = ctx.promotion(b.index).map(|p| p.id.clone());
                rejected.push(table.rejection(a, r));
            }
        }
    }
    // What the final run refused: coupons always, automatic promotions with
    // the explanation (except those that merely cover no line); thresholds
    // of every one, for hints.
    let mut thresholds = Vec::with_capacity(final_run.refused.len());
    for r in &final_run.refused {
        if let Some(next) = &r.why.1 {
            thresholds.push((r.candidate.index, next.clone()));
        }
        let listed =
            r.candidate.via != Via::Automatic || (ctx.req.explain && r.why.0.code != ReasonCode::NoEligibleItems);
        if listed {
            rejected.push(Rejected { next: None, ..table.rejection(&r.candidate, r.why.0.clone()) });
        }
    }
    crate::sort::sort_by(&mut rejected, |a, b| {
        (a.code.is_none(), &a.code, a.wallet_id.is_none(), &a.wallet_id, a.promotion_index).cmp(&(
            b.code.is_none(),
            &b.code,
            b.wallet_id.is_none(),
            &b.wallet_id,
            b.promotion_index,
        ))
    });
    Ok(Selected {
        run: final_run,
        baseline_saving,
        rejected,
        thresholds,
        optimal,
        strategy,
        considered,
        evaluated,
        coupons: table,
    })
}

/// Entered codes (sorted, deduplicated) and wallet coupons, as candidates,
/// with the table of their codes and wallet coupons; every one that cannot
/// be used is rejected with its reason.
fn resolve_coupons(ctx: &Context<'_>, rejected: &mut Vec<Rejected>) -> (Vec<Candidate>, Coupons) {
    let idx = &ctx.rules.promotions;
    // (promotion, via, code, wallet coupon id), ranked once all are known.
    let mut out: Vec<(usize, Via, Option<String>, Option<String>)> = Vec::new();
    let mut codes: Vec<(String, String)> =
        ctx.req.codes.iter().map(|c| (normalize_code(c), c.trim().to_string())).collect();
    crate::sort::sort(&mut codes);
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
            None => out.push((index, Via::Code, Some(entered.clone()), wallet_id)),
        }
    }
    let wallet: Vec<&WalletCoupon> = match &ctx.req.wallet_selection {
        WalletSelection::None => Vec::new(),
        WalletSelection::Best => ctx.req.wallet.iter().collect(),
        WalletSelection::Only(ids) => {
            let mut ids = ids.clone();
            crate::sort::sort(&mut ids);
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
    crate::sort::sort_by(&mut wallet, |a, b| a.id.cmp(&b.id));
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
            None => out.push((index, Via::Wallet, None, Some(w.id.clone()))),
        }
    }
    // Ranks follow (code, wallet coupon id), so candidates order as those do.
    let mut table: Vec<(Option<String>, Option<String>)> = vec![(None, None)];
    table.extend(out.iter().map(|(_, _, code, wallet)| (code.clone(), wallet.clone())));
    crate::sort::sort(&mut table);
    table.dedup();
    let candidates = out
        .into_iter()
        .map(|(index, via, code, wallet)| {
            let rank = table.binary_search_by(|p| (&p.0, &p.1).cmp(&(&code, &wallet))).unwrap_or(0);
            Candidate { index, via, coupon: u32::try_from(rank).unwrap_or(u32::MAX) }
        })
        .collect();
    (candidates, Coupons(table))
}

/// The entered codes that cannot change what the customer pays for the
/// items, so the search leaves them out and they join the combination it
/// chooses: a free-shipping benefit (nothing off the items; its stage runs
/// last), in no exclusive group, not stopping its stage, displacing no
/// automatic promotion (its [`Reach`]) and combining with every other
/// coupon. Wallet coupons are searched: spending one is weighed. When the
/// applied limit is reached, the riders come in run order like any
/// promotion of their stage.
fn riders(ctx: &Context<'_>, reach: &[Reach], coupons: &[Candidate]) -> Vec<Candidate> {
    let rides = |r: &Reach| {
        let c = &r.coupon;
        let Some(p) = ctx.promotion(c.index) else { return false };
        let shipping_only = matches!(p.benefit, Benefit::FreeShipping { .. }) && p.group.is_none() && !p.stop_after;
        c.via == Via::Code
            && shipping_only
            && r.displaced.is_empty()
            && coupons.iter().all(|o| o == c || compatible(ctx, o, c))
    };
    reach.iter().filter(|r| rides(r)).map(|r| r.coupon).collect()
}

/// Two candidates may apply together: different promotions that combine
/// and are not in the same exclusive group.
fn compatible(ctx: &Context<'_>, a: &Candidate, b: &Candidate) -> bool {
    let (Some(pa), Some(pb)) = (ctx.promotion(a.index), ctx.promotion(b.index)) else { return false };
    a.index != b.index && !(pa.group.is_some() && pa.group == pb.group) && pa.combines(pb)
}

/// What one coupon changes in the plan of the automatic promotions alone.
#[derive(Clone)]
struct Reach {
    coupon: Candidate,
    /// The first position of the base plan it could change ([`divergence`]).
    divergence: usize,
    /// Positions of the base plan's automatic promotions it does not combine
    /// with (they leave the plan when it is chosen), ascending.
    displaced: Vec<usize>,
}

/// The positions of a base plan, sorted for [`Reach::of`]: an automatic
/// promotion in no exclusive group that accepts every class combines with
/// a coupon exactly when the coupon accepts its class (and is another
/// promotion), so those are kept by class; the others are checked one by one.
struct Positions {
    /// Positions whose promotion is in an exclusive group or limits what it
    /// combines with, ascending.
    restricted: Vec<usize>,
    /// The other positions, ascending, by their promotion's class; only
    /// when some coupon limits the classes it combines with.
    by_class: Vec<(u32, Vec<usize>)>,
}

impl Positions {
    fn of(ctx: &Context<'_>, base_plan: &[Candidate], coupons: &[Candidate]) -> Self {
        let limiting = coupons.iter().any(|c| ctx.promotion(c.index).is_some_and(|p| p.combines_ids.is_some()));
        let mut restricted = Vec::with_capacity(base_plan.len());
        let mut by_class: Vec<(u32, Vec<usize>)> = Vec::new();
        for (i, a) in base_plan.iter().enumerate() {
            match ctx.promotion(a.index) {
                Some(p) if p.group.is_none() && p.combines_ids.is_none() => {
                    if !limiting {
                        continue;
                    }
                    // A rule set has a few classes: found by a scan.
                    match by_class.iter_mut().find(|(c, _)| *c == p.class_id) {
                        Some((_, v)) => v.push(i),
                        None => by_class.push((p.class_id, vec![i])),
                    }
                }
                _ => restricted.push(i),
            }
        }
        Positions { restricted, by_class }
    }
}

impl Reach {
    /// `positions`, when given, are `base_plan`'s [`Positions`]; without
    /// them every automatic promotion is checked one by one.
    fn of(ctx: &Context<'_>, base_plan: &[Candidate], coupon: Candidate, positions: Option<&Positions>) -> Self {
        let every = || -> Vec<usize> {
            base_plan.iter().enumerate().filter(|(_, a)| !compatible(ctx, a, &coupon)).map(|(i, _)| i).collect()
        };
        let displaced: Vec<usize> = match (positions, ctx.promotion(coupon.index)) {
            (Some(positions), Some(promo)) => {
                let mut d: Vec<usize> = positions
                    .restricted
                    .iter()
                    .copied()
                    .filter(|&i| base_plan.get(i).is_none_or(|a| !compatible(ctx, a, &coupon)))
                    .collect();
                let mut merged = false;
                if let Some(classes) = &promo.combines_ids {
                    for (_, v) in positions.by_class.iter().filter(|(class, _)| classes.binary_search(class).is_err()) {
                        d.extend_from_slice(v);
                        merged = true;
                    }
                }
                // The base plan ascends by promotion: an automatic run of the
                // coupon's own promotion leaves when the coupon is chosen.
                if let Ok(i) = base_plan.binary_search_by_key(&coupon.index, |a| a.index) {
                    d.push(i);
                    merged = true;
                }
                if merged {
                    crate::sort::sort(&mut d);
                    d.dedup();
                }
                debug_assert_eq!(d, every(), "a coupon's displaced positions found by class");
                d
            }
            _ => every(),
        };
        let divergence = divergence(ctx, base_plan, &coupon, &displaced);
        Reach { coupon, divergence, displaced }
    }
}

/// Runs combinations from the baseline's snapshot at the first position
/// each one changes.
struct Resume<'r, 'a> {
    ctx: &'r Context<'a>,
    /// The automatic promotions alone, in run order.
    base_plan: &'r [Candidate],
    snapshots: &'r [Snapshot],
    /// What each usable coupon changes; a combination's divergence is the
    /// least of its coupons'.
    reach: &'r [Reach],
}

impl Resume<'_, '_> {
    fn reach(&self, c: &Candidate) -> std::borrow::Cow<'_, Reach> {
        match self.reach.iter().find(|r| r.coupon == *c) {
            Some(r) => std::borrow::Cow::Borrowed(r),
            None => std::borrow::Cow::Owned(Reach::of(self.ctx, self.base_plan, *c, None)),
        }
    }

    /// The automatic promotions that combine with every one of `coupons`,
    /// plus the coupons, in run order.
    fn plan(&self, coupons: &[Candidate]) -> Vec<Candidate> {
        let mut displaced: Vec<usize> = Vec::new();
        for c in coupons {
            displaced.extend_from_slice(&self.reach(c).displaced);
        }
        crate::sort::sort(&mut displaced);
        displaced.dedup();
        let mut sorted: Vec<Candidate> = coupons.to_vec();
        crate::sort::sort(&mut sorted);
        let mut plan = Vec::with_capacity(self.base_plan.len().saturating_add(coupons.len()));
        let mut next = sorted.into_iter().peekable();
        let mut skip = displaced.into_iter().peekable();
        for (i, a) in self.base_plan.iter().enumerate() {
            if skip.next_if_eq(&i).is_some() {
                continue;
            }
            while let Some(c) = next.next_if(|c| c < a) {
                plan.push(c);
            }
            plan.push(*a);
        }
        plan.extend(next);
        debug_assert!(plan.is_sorted());
        plan
    }

    /// Why `coupon`, tried alone, is refused, when its run would refuse it
    /// first thing: it displaces no automatic promotion, so the run resumes
    /// from the baseline's snapshot right at its place. `None` when it
    /// would apply, or the run is needed to tell.
    fn refused_alone(&self, coupon: &Candidate) -> Result<Option<Why>, MoneyError> {
        let reach = self.reach(coupon);
        if !reach.displaced.is_empty() {
            return Ok(None);
        }
        match self.snapshot_at(reach.divergence) {
            Some(snapshot) if snapshot.position() == reach.divergence => refusal_at(self.ctx, snapshot, coupon),
            _ => Ok(None),
        }
    }

    /// The latest snapshot at or before plan position `from` (snapshots ascend).
    fn snapshot_at(&self, from: usize) -> Option<&Snapshot> {
        self.snapshots.iter().rev().find(|s| s.position() <= from)
    }

    fn run(&self, coupons: &[Candidate], exit: Exit) -> Result<Run, MoneyError> {
        let from = coupons.iter().map(|c| self.reach(c).divergence).min().unwrap_or(self.base_plan.len());
        let plan = self.plan(coupons);
        // Resumed from the latest snapshot at or before the first change.
        match self.snapshot_at(from) {
            Some(snapshot) => run_from(self.ctx, &plan, snapshot, exit),
            None => run_detailed(self.ctx, &plan),
        }
    }
}

/// The first position of `base_plan` (the automatic promotions alone) that
/// `coupon` could change: where it would be inserted, where an automatic
/// promotion it displaces (at `displaced`) stands, or where an exclusive
/// group either of them belongs to starts.
fn divergence(ctx: &Context<'_>, base_plan: &[Candidate], coupon: &Candidate, displaced: &[usize]) -> usize {
    let mut first = base_plan.partition_point(|x| x < coupon);
    let mut groups: Vec<(crate::quote::Stage, u32)> = Vec::new();
    let note_group = |p: &CompiledPromotion, groups: &mut Vec<(crate::quote::Stage, u32)>| {
        if let Some(g) = p.group {
            groups.push((p.stage, g));
        }
    };
    if let Some(p) = ctx.promotion(coupon.index) {
        note_group(p, &mut groups);
    }
    for &i in displaced {
        first = first.min(i);
        if let Some(p) = base_plan.get(i).and_then(|a| ctx.promotion(a.index)) {
            note_group(p, &mut groups);
        }
    }
    if groups.is_empty() {
        return first;
    }
    for (i, a) in base_plan.iter().enumerate().take(first) {
        let in_group = ctx
            .promotion(a.index)
            .is_some_and(|p| p.group.is_some_and(|g| groups.iter().any(|(s, x)| *s == p.stage && *x == g)));
        if in_group {
            return i;
        }
    }
    first
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
                current.push(*c);
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

/// Adds the coupon that gains most until none gains or the work passes
/// `budget`; returns the choice, its run, the runs made and whether the
/// budget stopped it.
fn greedy(
    resume: &Resume<'_, '_>,
    coupons: &[Candidate],
    budget: u64,
) -> Result<(Vec<Candidate>, Run, u32, bool), MoneyError> {
    let ctx = resume.ctx;
    let mut chosen: Vec<Candidate> = Vec::new();
    let mut current = resume.run(&chosen, Exit::Never)?;
    let mut runs = 1_u32;
    loop {
        let mut best: Option<(Candidate, Run)> = None;
        for c in coupons {
            if chosen.contains(c) || !chosen.iter().all(|x| compatible(ctx, x, c)) {
                continue;
            }
            if ctx.work() > budget {
                return Ok(match best {
                    Some((c, r)) => {
                        chosen.push(c);
                        (chosen, r, runs, true)
                    }
                    None => (chosen, current, runs, true),
                });
            }
            let mut trial = chosen.clone();
            trial.push(*c);
            let r = resume.run(&trial, Exit::Never)?;
            runs = runs.saturating_add(1);
            let gain = saving(&r) > best.as_ref().map_or(saving(&current), |b| saving(&b.1));
            if gain {
                best = Some((*c, r));
            }
        }
        match best {
            Some((c, r)) => {
                chosen.push(c);
                current = r;
            }
            None => return Ok((chosen, current, runs, false)),
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
