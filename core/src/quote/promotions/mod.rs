//! Stages 2, 3 and 6: item promotions, order promotions and shipping
//! promotions, with coupon selection.
//!
//! See [`select`] for how coupons are chosen and [`run`] for how one
//! combination runs. Every discount is recorded on the lines it comes off
//! (`adjustments`, naming the promotion), so refunds can prorate it later.

mod context;
mod evaluate;
mod minor;
mod run;
mod select;
mod slots;

pub use select::MAX_EXACT_COMBINATIONS;

use super::answer::{
    Adjustment, AppliedPromotion, LineAnswer, LineTax, PriceSource, PriceSourceKind, Rejection, Selection, Step,
    StepCode, Trail, Usage,
};
use super::QuoteRequest;
use crate::error::money_error;
use crate::messages;
use crate::money::Money;
use crate::reasons::{Hint, HintCode};
use crate::rules::{Benefit, CompiledRules, WithShipping};
use crate::{Error, Limits};
use context::Context;

/// What the promotion stages add to the answer.
pub(crate) struct PromotionsOutcome {
    pub(crate) applied: Vec<AppliedPromotion>,
    pub(crate) rejected: Vec<Rejection>,
    pub(crate) hints: Vec<Hint>,
    pub(crate) usages: Vec<Usage>,
    pub(crate) selection: Selection,
    /// What the coupons chosen save beyond the automatic promotions.
    pub(crate) coupon_saving: Money,
    /// For each applied bonus-points promotion, each line it covers and its multiplier.
    pub(crate) bonus_points: Vec<(usize, rust_decimal::Decimal)>,
    /// The work done, in promotion-line evaluations.
    pub(crate) work: u64,
}

/// What a gift line's id starts with, before its promotion's id
/// (`gift:gift-cup`); a request line may not take such an id
/// (`validate`).
pub(crate) const GIFT_LINE_PREFIX: &str = "gift:";

/// Runs the promotion stages on catalog-priced `lines` (in line-id order;
/// `order` gives their request indexes) and records every discount.
///
/// Hints come without their message: the quote keeps the nearest few
/// ([`order_hints`]) and words only those.
pub(crate) fn apply(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
    lines: &mut Vec<LineAnswer>,
    order: &[usize],
    trail: &mut Trail,
) -> Result<PromotionsOutcome, Error> {
    let err = |e| money_error(e, "promotions");
    let mut ctx = Context::new(rules, req, lines, order, limits.max_applied_promotions);
    // An order discount over items and shipping is weighed with what it
    // takes off shipping: the chosen option's price, previewed once.
    let with_shipping = |b: &Benefit| matches!(b, Benefit::AmountOff { with_shipping: Some(_), .. });
    if rules.promotions.promotions.iter().any(|p| with_shipping(&p.benefit)) {
        if let Some((price, discount)) = super::shipping::chosen_price(rules, limits, req, order, lines, &[])? {
            ctx.shipping = Some((ctx.minor.of(price).map_err(err)?, ctx.minor.of(discount).map_err(err)?));
        }
    }
    let chosen = select::select(&ctx, limits.max_search_work).map_err(err)?;
    let lang = req.locale;

    let mut applied = Vec::with_capacity(chosen.run.applied.len());
    let mut usages = Vec::with_capacity(chosen.run.applied.len());
    // Thresholds for hints, in the order found; only the nearest few become hints.
    let mut pending: Vec<(&str, &evaluate::Next)> =
        Vec::with_capacity(chosen.run.applied.len() + chosen.rejected.len() + chosen.thresholds.len());
    let mut gifts = Vec::new();
    let mut bonus_points = Vec::new();
    // Each line's adjustments in one allocation.
    let mut per_line = vec![0_usize; lines.len()];
    for &(l, _) in chosen.run.applied.iter().flat_map(|a| a.parts().iter()) {
        if let Some(n) = per_line.get_mut(l) {
            *n = n.saturating_add(1);
        }
    }
    for (line, n) in lines.iter_mut().zip(per_line) {
        line.adjustments.reserve_exact(n);
    }
    // What the promotions take off each line in all (minor units), added
    // to the line once rather than a decimal sum per adjustment.
    let mut taken_off: Vec<minor::Minor> = vec![0; lines.len()];
    for a in &chosen.run.applied {
        let Some(promo) = ctx.promotion(a.candidate.index) else { continue };
        let total = ctx.minor.money(a.effect.amount).map_err(err)?;
        if let Some(m) = a.effect.points_multiplier {
            bonus_points.extend(ctx.eligible(a.candidate.index, false).iter().map(|&l| (l, m.value())));
        }
        for &(l, part) in a.parts() {
            let amount = ctx.minor.money(part).map_err(err)?;
            let Some(line) = lines.get_mut(l) else { continue };
            line.adjustments.push(Adjustment {
                stage: promo.stage,
                rule_id: std::sync::Arc::clone(&promo.rule_id),
                amount,
            });
            if let Some(t) = taken_off.get_mut(l) {
                *t = minor::add(*t, part).map_err(err)?;
            }
        }
        // One step per discounting promotion; its split over lines is in their
        // adjustments (free shipping is explained by the shipping stage).
        if a.effect.amount > 0 {
            trail.push(|| Step {
                stage: promo.stage,
                line_id: None,
                code: StepCode::Discount,
                rule: format!("promotion:{}", promo.id),
                amount: total,
            });
        }
        let gift_line_id = a.effect.gift.as_deref().map(|(sku, qty, value)| {
            let id = format!("{GIFT_LINE_PREFIX}{}", promo.id);
            gifts.push(gift_line(rules, &id, &promo.id, sku, *qty, *value));
            id
        });
        if let Some(next) = &a.effect.next {
            pending.push((promo.id.as_str(), next));
        }
        applied.push(AppliedPromotion {
            id: std::sync::Arc::clone(&promo.rule_id),
            name: promo.name.clone(),
            stage: promo.stage,
            via: a.candidate.via,
            code: chosen.coupons.code(&a.candidate).cloned(),
            wallet_coupon_id: chosen.coupons.wallet_id(&a.candidate).cloned(),
            benefit: benefit_name(&promo.benefit),
            amount: total,
            gift_line_id,
            free_shipping: a.effect.free_shipping.as_deref().cloned(),
            points_multiplier: a.effect.points_multiplier,
            shipping_rest: match a.effect.shipping_rest {
                0 => None,
                rest => Some(ctx.minor.money(rest).map_err(err)?),
            },
            pro_rata_base: match &promo.benefit {
                Benefit::AmountOff { with_shipping: Some(WithShipping::ProRata), .. } => {
                    Some(ctx.minor.money(a.effect.items_base).map_err(err)?)
                }
                _ => None,
            },
        });
        usages.push(Usage {
            promotion_id: std::sync::Arc::clone(&promo.rule_id),
            code: chosen.coupons.code(&a.candidate).cloned(),
            wallet_coupon_id: chosen.coupons.wallet_id(&a.candidate).cloned(),
            amount: total,
        });
    }
    for (line, &off) in lines.iter_mut().zip(&taken_off) {
        if off != 0 {
            let off = ctx.minor.money(off).map_err(err)?;
            line.discount_total = line.discount_total.checked_add(off).map_err(err)?;
            line.net = line.net.checked_sub(off).map_err(err)?;
            line.total = line.net;
        }
    }
    lines.extend(gifts);

    let mut rejected = Vec::with_capacity(chosen.rejected.len());
    for r in &chosen.rejected {
        let promotion = r.promotion_index.and_then(|i| ctx.promotion(i));
        if let (Some(next), Some(p)) = (&r.next, promotion) {
            pending.push((p.id.as_str(), next));
        }
        let promotion_id = promotion.map(|p| p.id.clone());
        rejected.push(Rejection {
            promotion_id,
            code: r.code.clone(),
            wallet_coupon_id: r.wallet_id.clone(),
            reason: r.refusal.code,
            message: messages::reason_text(r.refusal.code, &r.refusal.params, lang),
            params: r.refusal.params.clone(),
        });
    }
    for (index, next) in &chosen.thresholds {
        if let Some(p) = ctx.promotion(*index) {
            pending.push((p.id.as_str(), next));
        }
    }
    // The quote keeps the `max_hints` nearest of these and the shipping
    // hints, one per promotion and code: none past the nearest `max_hints`
    // of these can be kept, so only those are built.
    let max_hints = usize::try_from(req.max_hints).unwrap_or(usize::MAX);
    let hints: Vec<Hint> = nearest(&pending, max_hints, |&(id, next)| nearness_of(id, next))
        .into_iter()
        .filter_map(|k| pending.get(k).map(|&(id, next)| hint(id, next)))
        .collect();

    let coupon_saving =
        ctx.minor.money(chosen.run.saving.saturating_sub(chosen.baseline_saving).max(0)).map_err(err)?;
    Ok(PromotionsOutcome {
        applied,
        rejected,
        hints,
        usages,
        selection: Selection {
            optimal: chosen.optimal,
            coupons_considered: chosen.considered,
            combinations_evaluated: chosen.evaluated,
            strategy: chosen.strategy,
        },
        coupon_saving,
        bonus_points,
        work: ctx.work(),
    })
}

/// Once shipping is quoted, a free-shipping promotion that discounts none
/// of the options offered (another rule already frees them, or the larger
/// discount comes from elsewhere) gave nothing: it leaves the applied
/// promotions and the usages, so a single-use code is not spent on it,
/// and is refused as `no_discount` (in the default answer when the request
/// named it, as every refusal with `explain`). Without options (no
/// destination yet, no zone) the grant stays applied: it is what the
/// customer will get.
pub(crate) fn drop_idle_free_shipping(
    applied: &mut Vec<AppliedPromotion>,
    usages: &mut Vec<Usage>,
    rejected: &mut Vec<Rejection>,
    options: &[super::ShippingOption],
    explain: bool,
    lang: messages::Lang,
) {
    if options.is_empty() || applied.iter().all(|a| a.free_shipping.is_none()) {
        return;
    }
    let givers: Vec<&str> =
        options.iter().filter_map(|o| o.discount_rule.as_deref()?.strip_prefix("promotion:")).collect();
    let keep: Vec<bool> =
        applied.iter().map(|a| a.free_shipping.is_none() || !a.amount.is_zero() || givers.contains(&&*a.id)).collect();
    if keep.iter().all(|k| *k) {
        return;
    }
    // A usage is pushed with each applied promotion: they stand side by side.
    debug_assert_eq!(applied.len(), usages.len());
    let mut flags = keep.iter();
    usages.retain(|_| flags.next().copied().unwrap_or(true));
    let all = std::mem::replace(applied, Vec::with_capacity(keep.len()));
    let mut named = false;
    for (a, keep) in all.into_iter().zip(keep) {
        if keep {
            applied.push(a);
        } else if a.via != super::Via::Automatic || explain {
            named = true;
            let params = crate::reasons::ReasonParams::default();
            rejected.push(Rejection {
                promotion_id: Some(a.id.to_string()),
                code: a.code,
                wallet_coupon_id: a.wallet_coupon_id,
                reason: crate::reasons::ReasonCode::NoDiscount,
                message: messages::reason_text(crate::reasons::ReasonCode::NoDiscount, &params, lang),
                params,
            });
        }
    }
    if named {
        // Codes first, then wallet coupons, as the other refusals (stable:
        // automatic promotions keep their order).
        crate::sort::sort_by(rejected, |a, b| {
            (a.code.is_none(), &a.code, a.wallet_coupon_id.is_none(), &a.wallet_coupon_id).cmp(&(
                b.code.is_none(),
                &b.code,
                b.wallet_coupon_id.is_none(),
                &b.wallet_coupon_id,
            ))
        });
    }
}

/// Keeps the `max` nearest hints: those asking to spend less first, then
/// those asking for fewer items; one per promotion and code. Words the
/// ones that have no message yet.
pub(crate) fn order_hints(hints: &mut Vec<Hint>, max: usize, lang: messages::Lang) {
    let kept = nearest(hints, max, |h| {
        (
            h.amount_needed.is_none(),
            h.amount_needed.map(|m| m.amount()),
            h.quantity_needed,
            h.code,
            h.promotion_id.as_str(),
        )
    });
    let mut all: Vec<Option<Hint>> = std::mem::take(hints).into_iter().map(Some).collect();
    hints.extend(kept.into_iter().filter_map(|k| all.get_mut(k).and_then(Option::take)));
    for h in hints.iter_mut().filter(|h| h.message.is_empty()) {
        h.message = messages::hint_text(h, lang);
    }
}

/// How near a hint is: less to spend first, then fewer items; then its
/// code and promotion (the code and promotion make it unique).
type Nearness<'a> = (bool, Option<rust_decimal::Decimal>, Option<u32>, HintCode, &'a str);

/// The nearness of the hint [`hint`] builds from a threshold.
fn nearness_of<'a>(promotion_id: &'a str, next: &evaluate::Next) -> Nearness<'a> {
    let amount = next.amount_needed.map(|m| m.amount());
    let code = if amount.is_some() { HintCode::SpendMore } else { HintCode::AddItems };
    let quantity = if amount.is_some() { None } else { next.quantity_needed };
    (amount.is_none(), amount, quantity, code, promotion_id)
}

/// The positions of the `max` nearest items, one per promotion and code,
/// nearest first: what a stable sort by nearness keeps when it skips
/// every promotion and code already kept. With `max` at most
/// [`MAX_HINTS`](crate::quote::MAX_HINTS) they are picked one by one
/// (W1 finds about 45 thresholds and keeps 3) instead of sorting them all.
fn nearest<'a, T>(items: &'a [T], max: usize, key: impl Fn(&'a T) -> Nearness<'a>) -> Vec<usize> {
    let keys: Vec<Nearness<'a>> = items.iter().map(key).collect();
    let unique = |k: &Nearness<'a>| (k.4, k.3);
    let mut kept: Vec<usize> = Vec::with_capacity(max.min(keys.len()));
    let mut seen: Vec<(&str, HintCode)> = Vec::with_capacity(max.min(keys.len()));
    if max <= crate::quote::MAX_HINTS as usize {
        while seen.len() < max {
            let mut next: Option<(usize, &Nearness<'a>)> = None;
            for (i, k) in keys.iter().enumerate() {
                if !seen.contains(&unique(k)) && next.is_none_or(|(_, best)| k < best) {
                    next = Some((i, k));
                }
            }
            let Some((i, k)) = next else { break };
            seen.push(unique(k));
            kept.push(i);
        }
    } else {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        crate::sort::sort_by(&mut order, |&a, &b| keys.get(a).cmp(&keys.get(b)));
        for i in order {
            let Some(k) = keys.get(i) else { continue };
            if seen.len() >= max {
                break;
            }
            if !seen.contains(&unique(k)) {
                seen.push(unique(k));
                kept.push(i);
            }
        }
    }
    kept
}

/// A hint for a promotion's threshold, not yet worded.
fn hint(promotion_id: &str, next: &evaluate::Next) -> Hint {
    let code = if next.amount_needed.is_some() { HintCode::SpendMore } else { HintCode::AddItems };
    Hint {
        code,
        promotion_id: promotion_id.to_string(),
        amount_needed: next.amount_needed,
        quantity_needed: if next.amount_needed.is_some() { None } else { next.quantity_needed },
        discount: next.discount,
        percent: next.percent,
        message: String::new(),
    }
}

fn gift_line(
    rules: &CompiledRules,
    id: &str,
    promotion_id: &str,
    sku: &str,
    quantity: u32,
    value: Money,
) -> LineAnswer {
    let zero = Money::zero(rules.currency);
    let class = rules.tax.class_of(None);
    LineAnswer {
        id: id.into(),
        sku: sku.into(),
        quantity,
        list_unit_price: zero,
        unit_price: zero,
        price_source: PriceSource {
            kind: PriceSourceKind::Gift,
            rule_id: Some(promotion_id.to_string()),
            tier_min_qty: None,
        },
        list_subtotal: zero,
        subtotal: zero,
        adjustments: Vec::new(),
        discount_total: zero,
        net: zero,
        tax: LineTax {
            class: rules.tax.default_class.clone(),
            rate_percent: class.map(|c| c.rate_percent).unwrap_or_default(),
            amount: zero,
            included: rules.tax.prices_include_tax,
        },
        total: zero,
        gift_of: Some(promotion_id.to_string()),
        gift_value: Some(value),
        points: None,
        shipping: None,
    }
}

/// The benefit's type name, as in the rule set.
pub(crate) fn benefit_name(b: &Benefit) -> &'static str {
    match b {
        Benefit::PercentOff { .. } => "percent_off",
        Benefit::AmountOff { .. } => "amount_off",
        Benefit::FixedPrice { .. } => "fixed_price",
        Benefit::SpendTiers { .. } => "spend_tiers",
        Benefit::EverySpend { .. } => "every_spend",
        Benefit::QuantityTiers { .. } => "quantity_tiers",
        Benefit::NthItem { .. } => "nth_item",
        Benefit::BuyXGetY { .. } => "buy_x_get_y",
        Benefit::BundlePrice { .. } => "bundle_price",
        Benefit::Gift { .. } => "gift",
        Benefit::FreeShipping { .. } => "free_shipping",
        Benefit::BonusPoints { .. } => "bonus_points",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};

    /// Hints with colliding nearness, promotions and codes, in a scrambled order.
    fn hints() -> Vec<Hint> {
        (0..60_u32)
            .map(|i| {
                let k = i.wrapping_mul(7919) % 17;
                let spend = k % 3 != 0;
                Hint {
                    code: if spend { HintCode::SpendMore } else { HintCode::AddItems },
                    promotion_id: format!("P{}", k % 6),
                    amount_needed: spend.then(|| Money::new(rust_decimal::Decimal::from(k % 4), Currency::CNY)),
                    quantity_needed: (!spend).then_some(k % 2 + 1),
                    discount: Some(Money::new(rust_decimal::Decimal::from(i), Currency::CNY)),
                    percent: None,
                    message: String::new(),
                }
            })
            .collect()
    }

    /// What a stable sort by nearness keeps, skipping every promotion and code already kept.
    fn by_sorting(hints: &[Hint], max: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..hints.len()).collect();
        let key =
            |h: &Hint| (h.amount_needed.is_none(), h.amount_needed.map(|m| m.amount()), h.quantity_needed, h.code);
        order.sort_by(|&a, &b| {
            key(&hints[a]).cmp(&key(&hints[b])).then(hints[a].promotion_id.cmp(&hints[b].promotion_id))
        });
        let mut seen = Vec::new();
        order
            .into_iter()
            .filter(|&i| {
                let u = (hints[i].promotion_id.clone(), hints[i].code);
                let new = seen.len() < max && !seen.contains(&u);
                if new {
                    seen.push(u);
                }
                new
            })
            .collect()
    }

    #[test]
    fn the_nearest_hints_are_those_a_stable_sort_keeps() {
        fn key(h: &Hint) -> Nearness<'_> {
            (h.amount_needed.is_none(), h.amount_needed.map(|m| m.amount()), h.quantity_needed, h.code, &h.promotion_id)
        }
        let all = hints();
        // Picked one by one (max up to MAX_HINTS) and sorted (beyond), with more than the distinct hints.
        for max in 0..=14 {
            assert_eq!(nearest(&all, max, key), by_sorting(&all, max), "max {max}");
        }
        let mut kept = all.clone();
        order_hints(&mut kept, 3, messages::Lang::En);
        let expected: Vec<&Hint> = by_sorting(&all, 3).into_iter().map(|k| &all[k]).collect();
        assert_eq!(
            kept.iter().collect::<Vec<_>>(),
            expected
                .iter()
                .map(|h| {
                    let mut h = (*h).clone();
                    h.message = messages::hint_text(&h, messages::Lang::En);
                    h
                })
                .collect::<Vec<_>>()
                .iter()
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_thresholds_nearness_is_its_hints() {
        let next = evaluate::Next {
            amount_needed: Some(Money::new(rust_decimal::Decimal::from(23), Currency::CNY)),
            quantity_needed: Some(2),
            discount: None,
            percent: None,
        };
        let h = hint("P1", &next);
        let of_hint = (h.amount_needed.is_none(), h.amount_needed.map(|m| m.amount()), h.quantity_needed, h.code, "P1");
        assert_eq!(nearness_of("P1", &next), of_hint);
        let items = evaluate::Next { amount_needed: None, ..next };
        let h = hint("P2", &items);
        assert_eq!(nearness_of("P2", &items), (true, None, Some(2), HintCode::AddItems, "P2"));
        assert_eq!(h.quantity_needed, Some(2));
    }

    #[test]
    fn benefit_names_are_the_rule_set_types_the_answer_schema_lists() {
        let examples = [
            r#"{"type":"percent_off","percent":"15"}"#,
            r#"{"type":"amount_off","amount":"30.00","per":"order"}"#,
            r#"{"type":"fixed_price","unit_price":"9.90"}"#,
            r#"{"type":"spend_tiers","tiers":[]}"#,
            r#"{"type":"every_spend","every":"10.00","discount":"20.00"}"#,
            r#"{"type":"quantity_tiers","tiers":[]}"#,
            r#"{"type":"nth_item","n":1,"percent":"50"}"#,
            r#"{"type":"buy_x_get_y","buy":1,"get":1}"#,
            r#"{"type":"bundle_price","price":"99.00","quantity":3}"#,
            r#"{"type":"gift","sku":"G","value":"29.00"}"#,
            r#"{"type":"free_shipping"}"#,
            r#"{"type":"bonus_points","multiplier":"2"}"#,
        ];
        let mut named = Vec::new();
        for text in examples {
            let benefit: Benefit = serde_json::from_str(text).unwrap();
            let written: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(Some(benefit_name(&benefit)), written["type"].as_str());
            named.push(benefit_name(&benefit));
        }
        // Every kind the answer's schema lists is named, and only those.
        assert_eq!(named, crate::quote::answer::BENEFIT_KINDS);
    }
}
