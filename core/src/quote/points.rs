//! Stage 4, points redemption, and points earning once the totals are known.
//!
//! **Redemption.** The requested points are clamped, in this order, to the
//! customer's balance (available lots less any debt), to the rule set's
//! per-order cap, to the share of the items' amount points may pay (and to
//! what the lines can absorb in whole minor units), down to a multiple of
//! the step, and to zero when under the minimum. Each reduction is listed
//! with a stable reason. Lots are consumed soonest-expiring first (after the
//! debt). The value is allocated to the lines like an order discount: in
//! proportion to what each line costs after discounts, largest remainder,
//! line-id order. Points are a means of payment: they do not change a
//! line's net or its tax; the totals subtract their value.
//!
//! **Points on shipping.** When the rule set allows it (`can_pay_shipping`),
//! what is left of a request after the items (within the balance and the
//! cap) pays shipping, after the shipping stages: [`settle`]. The share
//! limit is then that of items plus shipping, and the reductions listed are
//! those of the whole order, so that no clamp names a limit under the points
//! redeemed.
//!
//! **Over a limit.** With `over_limit: "refuse"` a request that any limit
//! would reduce redeems nothing: [`settle`] undoes the redemption and the
//! answer lists the limits the request broke, with `refused: true`.
//!
//! **Earning.** Each line's base is what is paid for it: its total less the
//! points paying it, without tax unless the rule set counts tax. The base
//! times the rate, the category multiplier (the highest of the line's
//! categories), the tier multiplier and every bonus-points promotion
//! covering the line gives the line's exact points; the order's sum is
//! rounded once (down by default), capped per order, and split back to the
//! lines by the largest remainder on those exact points.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

use crate::reasons::{EarningReason, PointsReason};

use super::answer::{LineAnswer, Step, StepCode, Trail};
use super::{QuoteRequest, Stage};
use crate::error::money_error;
use crate::messages::{self, Lang};
use crate::money::{div_rem, DecimalString, Money, MoneyError};
use crate::points::dates::{end_of_day_after, expiry_of, local_timestamp};
use crate::points::lots::{available, consume, resolve, total, Resolved};
use crate::points::split::split;
use crate::points::{BonusKind, EarnedBonus, LineBonus, LotConsumption};
use crate::rules::{BonusTrigger, CompiledEarning, CompiledRedemption, CompiledRules, ExpiryPolicy, OverLimit};
use crate::{Error, ErrorCode, Timestamp};

/// Points in a quote: what is redeemed, why a request was reduced, which
/// lots pay, and what the order earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PointsAnswer {
    /// Points the request asked to redeem.
    pub requested: u64,
    /// Points redeemed, items and shipping together.
    pub redeemed: u64,
    /// Their value (the totals' `points_value`).
    pub value: Money,
    /// Why fewer points than requested are redeemed, in the order the limits
    /// apply (with `refused`: the limits the request broke).
    pub clamps: Vec<PointsClamp>,
    /// The request broke a limit and the rule set refuses such requests
    /// (`over_limit: "refuse"`): nothing is redeemed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub refused: bool,
    /// The lots that pay, soonest-expiring first, for the host to debit.
    pub lots_consumed: Vec<LotConsumption>,
    /// Points paying shipping (part of `redeemed`), when the rule set allows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<ShippingPoints>,
    /// The balance before: available lots less debt (negative when in debt).
    pub balance_before: i64,
    /// The balance after the redemption.
    pub balance_after: i64,
    /// Points the order earns (the lines' `points.earned` sum to it).
    pub earned: u64,
    /// Points before the per-order cap.
    pub earned_uncapped: u64,
    /// The earning rate of this customer, when the rule set earns by tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earning_rate: Option<DecimalString>,
    /// Why the order earns nothing although the rule set earns points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_earned: Option<NotEarned>,
    /// Earned points are pending until then (the end of the return window):
    /// the host credits them at that time, as a lot earned then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_until: Option<Timestamp>,
    /// When that lot expires under the rule set's policy; absent: never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earned_expires_at: Option<Timestamp>,
    /// Fixed bonuses the order earns (`points.earning.bonuses`), in the
    /// rule set's order; not part of `earned`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bonuses: Vec<EarnedBonus>,
    /// The bonuses' points in all, when the order earns any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonus_points: Option<u64>,
    /// `earned` + `bonus_points`, when the order earns a bonus: the lot the
    /// host credits at `pending_until`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_earned: Option<u64>,
}

/// Why an order earns no points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct NotEarned {
    /// The stable reason code.
    pub reason: EarningReason,
    /// The minimum paid (`below_min_paid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_paid: Option<Money>,
    /// A default message in the request's locale.
    pub message: String,
}

/// Points paying shipping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ShippingPoints {
    /// Points.
    pub points: u64,
    /// Their value.
    pub value: Money,
}

/// Why a points request was reduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PointsClamp {
    /// The stable reason code.
    pub reason: PointsReason,
    /// The figure the reason names: the balance, the cap, the share's points, the step or the minimum.
    pub limit: u64,
    /// A default message in the request's locale.
    pub message: String,
}

/// Points on one line, for refunds and clawback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LinePoints {
    /// Points redeemed on the line.
    pub redeemed: u64,
    /// Their value (part of the order's points value).
    pub redeemed_value: Money,
    /// The amount points are earned on: paid for the line, tax excluded unless the rule set counts it.
    pub earn_base: Money,
    /// The multiplier applied: category × tier × promotion bonuses (0 when excluded).
    pub multiplier: DecimalString,
    /// Points the line earns.
    pub earned: u64,
    /// Per-unit bonuses earned on the line (not part of `earned`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bonuses: Vec<LineBonus>,
}

/// The redemption as it stands between the stages.
pub(crate) struct Redemption<'a> {
    config: Option<CompiledRedemption>,
    requested: u64,
    lots: Vec<Resolved<'a>>,
    debt: u64,
    balance_before: i64,
    /// The request after the balance and the order cap: what may still pay shipping.
    within_caps: u64,
    /// The reductions by the balance and the order cap.
    cap_reasons: Vec<(PointsReason, u64)>,
    clamps: Vec<PointsClamp>,
    refused: bool,
    lang: Lang,
    items_points: u64,
    items_value: Money,
    /// Line capacity, in redemption units, over the item lines.
    items_units_cap: u64,
    items_base: Money,
    consumed: Vec<LotConsumption>,
    shipping: Option<ShippingPoints>,
}

impl Redemption<'_> {
    /// The value of every point redeemed so far.
    pub(crate) fn value(&self) -> Result<Money, MoneyError> {
        match &self.shipping {
            Some(s) => self.items_value.checked_add(s.value),
            None => Ok(self.items_value),
        }
    }

    fn points(&self) -> u64 {
        self.items_points.saturating_add(self.shipping.as_ref().map_or(0, |s| s.points))
    }
}

fn clamp(reason: PointsReason, limit: u64, lang: Lang) -> PointsClamp {
    PointsClamp { reason, limit, message: messages::points_reason_text(reason, limit, lang) }
}

fn minor(m: Money) -> u64 {
    m.to_minor().and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

fn overflow(path: &str) -> Error {
    Error::request(ErrorCode::ArithmeticOverflow, path, "points out of range")
}

/// Stage 4: redeems points on the items and allocates their value to the
/// lines (`lines[].points`). Lines are in line-id order.
pub(crate) fn redeem<'a>(
    rules: &CompiledRules,
    req: &'a QuoteRequest,
    lines: &mut [LineAnswer],
    trail: &mut Trail,
) -> Result<Redemption<'a>, Error> {
    let currency = rules.currency;
    let zero = Money::zero(currency);
    let tz = rules.time_zone;
    let now = req.now.utc();
    let lang = req.locale;
    let policy = rules.points.as_ref().map_or(ExpiryPolicy::Never, |p| p.expiry);
    let (requested, debt, lots) = match &req.points {
        Some(p) => (p.redeem, p.debt, resolve(&p.lots, policy, tz)),
        None => (0, 0, Vec::new()),
    };
    let in_lots = total(available(&lots, now)).ok_or_else(|| overflow("points.lots"))?;
    let signed = |v: u64| i64::try_from(v).map_err(|_| overflow("points"));
    let balance_before = signed(in_lots)?.checked_sub(signed(debt)?).ok_or_else(|| overflow("points"))?;
    let config = rules.points.as_ref().and_then(|p| p.redemption);
    let items_base = Money::checked_sum(currency, lines.iter().map(|l| l.net)).map_err(|e| money_error(e, "points"))?;
    let mut state = Redemption {
        config,
        requested,
        lots,
        debt,
        balance_before,
        within_caps: 0,
        cap_reasons: Vec::new(),
        clamps: Vec::new(),
        refused: false,
        lang,
        items_points: 0,
        items_value: zero,
        items_units_cap: 0,
        items_base,
        consumed: Vec::new(),
        shipping: None,
    };
    let Some(r) = config else {
        if requested > 0 {
            state.clamps.push(clamp(PointsReason::RedemptionNotOffered, 0, lang));
        }
        return Ok(state);
    };

    let capacity: Vec<u64> = lines.iter().map(|l| minor(l.net).checked_div(r.unit_minor).unwrap_or(0)).collect();
    state.items_units_cap = capacity.iter().fold(0_u64, |a, c| a.saturating_add(*c));
    let balance = u64::try_from(balance_before.max(0)).unwrap_or(0);
    let mut reasons = Vec::new();
    let amount = within_caps(&r, requested, balance, &mut reasons);
    state.within_caps = amount;
    state.cap_reasons.clone_from(&reasons);
    let amount = on_items(&r, amount, items_base, state.items_units_cap, &mut reasons)?;
    state.clamps.extend(reasons.into_iter().map(|(reason, limit)| clamp(reason, limit, lang)));

    // Allocate whole redemption units to the lines, within each line's capacity.
    let units = amount.checked_div(r.unit_points).unwrap_or(0);
    let weights: Vec<Decimal> = capacity.iter().map(|c| Decimal::from(*c)).collect();
    let parts = if lines.is_empty() { Vec::new() } else { split(units, &weights).ok_or_else(|| overflow("points"))? };
    let mut value_total = zero;
    for (line, u) in lines.iter_mut().zip(parts.iter().copied().chain(std::iter::repeat(0))) {
        let value_minor =
            u.checked_mul(r.unit_minor).and_then(|v| i64::try_from(v).ok()).ok_or_else(|| overflow("points"))?;
        let value = Money::from_minor(value_minor, currency);
        let mut lp = line_points(zero);
        lp.redeemed = u.checked_mul(r.unit_points).ok_or_else(|| overflow("points"))?;
        lp.redeemed_value = value;
        value_total = value_total.checked_add(value).map_err(|e| money_error(e, "points"))?;
        if !value.is_zero() {
            trail.push(|| Step {
                stage: Stage::PointsRedemption,
                line_id: Some(line.id.to_string()),
                code: StepCode::PointsRedeemed,
                rule: "points".to_string(),
                amount: value,
            });
        }
        line.points = Some(lp);
    }
    state.items_points = amount;
    state.items_value = value_total;
    state.consumed = consume(available(&state.lots, now), debt, amount, tz);
    Ok(state)
}

/// The points asked for, within the balance and the per-order cap;
/// records each reduction.
fn within_caps(r: &CompiledRedemption, requested: u64, balance: u64, reasons: &mut Vec<(PointsReason, u64)>) -> u64 {
    let mut amount = requested;
    if amount > balance {
        reasons.push((PointsReason::ExceedsBalance, balance));
        amount = balance;
    }
    if let Some(max) = r.max_points {
        if amount > max {
            reasons.push((PointsReason::ExceedsOrderCap, max));
            amount = max;
        }
    }
    amount
}

/// The points of `amount` (within the caps) that items costing
/// `items_base` in all, `units_cap` whole redemption units, take: the share
/// cap, the step and the minimum applied; records each reduction.
fn on_items(
    r: &CompiledRedemption,
    mut amount: u64,
    items_base: Money,
    units_cap: u64,
    reasons: &mut Vec<(PointsReason, u64)>,
) -> Result<u64, Error> {
    let share_points = share_cap(r, items_base, units_cap)?;
    if amount > share_points {
        reasons.push((PointsReason::ExceedsOrderShare, share_points));
        amount = share_points;
    }
    let stepped = amount.checked_div(r.step).unwrap_or(0).saturating_mul(r.step);
    if stepped != amount {
        reasons.push((PointsReason::NotAMultipleOfStep, r.step));
        amount = stepped;
    }
    if amount > 0 && amount < r.min_points {
        reasons.push((PointsReason::BelowMinimum, r.min_points));
        amount = 0;
    }
    Ok(amount)
}

/// What points will pay of the items, as a function of what the items
/// cost: for the coupon search, which must minimise what the customer
/// finally pays (a coupon that takes the order under the redemption
/// minimum can cost more than it saves).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PointsOnItems {
    redemption: CompiledRedemption,
    /// The points asked for, within the balance and the per-order cap.
    within_caps: u64,
    /// The balance or the cap already reduced a request the rule set refuses when reduced.
    refused: bool,
}

impl PointsOnItems {
    /// The redemption the request asks for, when the rule set offers one.
    pub(crate) fn of(rules: &CompiledRules, req: &QuoteRequest) -> Option<Self> {
        let redemption = rules.points.as_ref().and_then(|p| p.redemption)?;
        let p = req.points.as_ref().filter(|p| p.redeem > 0)?;
        let policy = rules.points.as_ref().map_or(ExpiryPolicy::Never, |p| p.expiry);
        let lots = resolve(&p.lots, policy, rules.time_zone);
        let in_lots = total(available(&lots, req.now.utc()))?;
        let balance = in_lots.saturating_sub(p.debt);
        let mut reasons = Vec::new();
        let within_caps = within_caps(&redemption, p.redeem, balance, &mut reasons);
        let refused = redemption.over_limit == OverLimit::Refuse && !reasons.is_empty();
        Some(PointsOnItems { redemption, within_caps, refused })
    }

    /// The value points pay of items whose lines cost `amounts` (minor
    /// units), in minor units, as stage 4 will redeem them. With
    /// `over_limit: "refuse"`, nothing when a limit reduces the request on
    /// the items (shipping, unknown here, may still lift the share limit
    /// when points can pay it: the search then counts no points).
    pub(crate) fn value(&self, amounts: &[i128], currency: crate::Currency) -> Result<i128, Error> {
        let r = &self.redemption;
        let unit = r.unit_minor.max(1);
        // Whole units per line, in 64 bits when the amount fits (`div_rem`:
        // a 128-bit division is a library call, and this runs for every
        // line of every combination the search weighs).
        let whole_units = |a: i128| u64::try_from(div_rem(a.max(0), i128::from(unit)).0).unwrap_or(u64::MAX);
        let units_cap = amounts.iter().map(|a| whole_units(*a)).fold(0_u64, u64::saturating_add);
        let base = amounts.iter().try_fold(0_i128, |acc, a| acc.checked_add(*a)).ok_or_else(|| overflow("points"))?;
        let base = Money::from_minor(i64::try_from(base).map_err(|_| overflow("points"))?, currency);
        let mut reasons = Vec::new();
        let points = on_items(r, self.within_caps, base, units_cap, &mut reasons)?;
        if r.over_limit == OverLimit::Refuse && (self.refused || !reasons.is_empty()) {
            return Ok(0);
        }
        let units = points.checked_div(r.unit_points).unwrap_or(0);
        Ok(i128::from(units).saturating_mul(i128::from(r.unit_minor)))
    }
}

fn line_points(zero: Money) -> LinePoints {
    LinePoints {
        redeemed: 0,
        redeemed_value: zero,
        earn_base: zero,
        multiplier: DecimalString(Decimal::ONE),
        earned: 0,
        bonuses: Vec::new(),
    }
}

/// The most points `max_share` of `base` allows, within `units_cap` whole
/// redemption units.
fn share_cap(r: &CompiledRedemption, base: Money, units_cap: u64) -> Result<u64, Error> {
    let share = base.amount().checked_mul(r.max_share).ok_or_else(|| overflow("points"))?;
    let share_minor = Money::new(share, base.currency()).round(crate::money::RoundingMode::Down);
    let units = minor(share_minor).checked_div(r.unit_minor).unwrap_or(0).min(units_cap);
    units.checked_mul(r.unit_points).ok_or_else(|| overflow("points"))
}

/// After the shipping stages: when the rule set lets points pay shipping,
/// what is left of the request (within the balance and the order cap, and
/// the share of items plus shipping) pays `shipping_payable` (shipping less
/// shipping discounts), in whole steps, consuming the next lots; the
/// reductions listed become the whole order's. Then, when the rule set
/// refuses requests over a limit and a limit reduced this one, the
/// redemption is undone: nothing is redeemed.
///
/// The points already redeemed on the items stay as they are. The minimum
/// applies to the order's points in all.
pub(crate) fn settle(
    state: &mut Redemption<'_>,
    lines: &mut [LineAnswer],
    trail: &mut Trail,
    shipping_payable: Money,
    now: chrono::DateTime<chrono::Utc>,
    tz: crate::MerchantTimeZone,
) -> Result<(), Error> {
    let Some(r) = state.config else { return Ok(()) };
    on_shipping(state, &r, shipping_payable, now, tz)?;
    if r.over_limit == OverLimit::Refuse && !state.clamps.is_empty() {
        let zero = Money::zero(state.items_value.currency());
        for line in lines.iter_mut() {
            if let Some(lp) = line.points.as_mut() {
                lp.redeemed = 0;
                lp.redeemed_value = zero;
            }
        }
        trail.remove(StepCode::PointsRedeemed);
        state.items_points = 0;
        state.items_value = zero;
        state.shipping = None;
        state.consumed.clear();
        state.refused = true;
    }
    Ok(())
}

fn on_shipping(
    state: &mut Redemption<'_>,
    r: &CompiledRedemption,
    shipping_payable: Money,
    now: chrono::DateTime<chrono::Utc>,
    tz: crate::MerchantTimeZone,
) -> Result<(), Error> {
    if !r.can_pay_shipping || !shipping_payable.amount().is_sign_positive() || shipping_payable.is_zero() {
        return Ok(());
    }
    let ship_units = minor(shipping_payable).checked_div(r.unit_minor).unwrap_or(0);
    let base = state.items_base.checked_add(shipping_payable).map_err(|e| money_error(e, "points"))?;
    let total_cap = share_cap(r, base, state.items_units_cap.saturating_add(ship_units))?;
    let ship_cap = ship_units.checked_mul(r.unit_points).ok_or_else(|| overflow("points"))?;
    // The most the order takes: the items' points and what shipping can add.
    let order_cap = state.items_points.saturating_add(total_cap.saturating_sub(state.items_points).min(ship_cap));
    let amount = state.within_caps.min(order_cap);
    let stepped = amount.checked_div(r.step).unwrap_or(0).saturating_mul(r.step);
    let extra = stepped.saturating_sub(state.items_points);
    if extra == 0 || stepped < r.min_points {
        return Ok(());
    }
    // The reductions of the whole order, items and shipping together.
    let mut reasons = state.cap_reasons.clone();
    if state.within_caps > order_cap {
        reasons.push((PointsReason::ExceedsOrderShare, order_cap));
    }
    if stepped != amount {
        reasons.push((PointsReason::NotAMultipleOfStep, r.step));
    }
    state.clamps = reasons.into_iter().map(|(reason, limit)| clamp(reason, limit, state.lang)).collect();
    let units = extra.checked_div(r.unit_points).unwrap_or(0);
    let value_minor =
        units.checked_mul(r.unit_minor).and_then(|v| i64::try_from(v).ok()).ok_or_else(|| overflow("points"))?;
    let skip = state.debt.saturating_add(state.items_points);
    // The first lot shipping takes may be the one the items finished with.
    for c in consume(available(&state.lots, now), skip, extra, tz) {
        match state.consumed.last_mut() {
            Some(last) if last.lot_id == c.lot_id => last.points = last.points.saturating_add(c.points),
            _ => state.consumed.push(c),
        }
    }
    state.shipping =
        Some(ShippingPoints { points: extra, value: Money::from_minor(value_minor, shipping_payable.currency()) });
    Ok(())
}

/// After the totals: the points each line earns, and the points answer.
/// `order[k]` is the request index of `lines[k]` (gift lines follow);
/// `bonus` lists (line, multiplier) for each bonus-points promotion applied.
pub(crate) fn earn(
    rules: &CompiledRules,
    req: &QuoteRequest,
    lines: &mut [LineAnswer],
    order: &[usize],
    bonus: &[(usize, Decimal)],
    state: Redemption<'_>,
) -> Result<Option<PointsAnswer>, Error> {
    if rules.points.is_none() && req.points.is_none() {
        return Ok(None);
    }
    let currency = rules.currency;
    let tz = rules.time_zone;
    let now = req.now.utc();
    let err = |e| money_error(e, "points");
    let earning = rules.points.as_ref().and_then(|p| p.earning.as_ref());
    let tier = rules.membership.as_ref().zip(req.customer.tier.as_deref()).and_then(|(m, t)| m.tier(t));
    let tier_multiplier = tier.map_or(Decimal::ONE, |t| t.multiplier);
    // The customer's rate: by tier when the rule set says so; none below the first tier.
    let rate = earning.and_then(|e| e.rate_for(tier.map(|t| t.rank)));
    let earning_rate = earning.filter(|e| !e.tier_rates.is_empty()).and(rate).map(|r| DecimalString(r.normalize()));
    let mut paid_for_items = Money::zero(currency);

    let mut raw = Vec::with_capacity(lines.len());
    for (k, line) in lines.iter_mut().enumerate() {
        let lp = line.points.get_or_insert_with(|| line_points(Money::zero(currency)));
        let Some(e) = earning else {
            raw.push(Decimal::ZERO);
            continue;
        };
        let request_line = order.get(k).and_then(|&i| req.lines.get(i));
        let paid = if e.include_tax { line.total } else { line.total.checked_sub(line.tax.amount).map_err(err)? };
        let base = paid.checked_sub(lp.redeemed_value).map_err(err)?.max(Money::zero(currency)).map_err(err)?;
        let excluded = request_line.is_none_or(|l| {
            e.exclude_skus.contains(&*l.sku) || l.categories.iter().any(|c| e.exclude_categories.contains(c))
        });
        let multiplier =
            if excluded {
                Decimal::ZERO
            } else {
                let category = request_line
                    .and_then(|l| l.categories.iter().filter_map(|c| e.categories.get(c)).max().copied())
                    .unwrap_or(Decimal::ONE);
                bonus.iter().filter(|(l, _)| *l == k).try_fold(
                    category.checked_mul(tier_multiplier).ok_or_else(|| overflow("points"))?,
                    |m, (_, b)| m.checked_mul(*b).ok_or_else(|| overflow("points")),
                )?
            };
        paid_for_items = paid_for_items.checked_add(base).map_err(err)?;
        lp.earn_base = base;
        lp.multiplier = DecimalString(multiplier.normalize());
        let exact = base
            .amount()
            .checked_mul(rate.unwrap_or(Decimal::ZERO))
            .and_then(|v| v.checked_mul(multiplier))
            .ok_or_else(|| overflow("points"))?;
        raw.push(exact);
    }

    // No points below the first earning tier, nor under the minimum paid.
    let not_earned = match earning {
        Some(_) if rate.is_none() => Some(NotEarned {
            reason: EarningReason::BelowEarningTier,
            min_paid: None,
            message: messages::earning_reason_text(EarningReason::BelowEarningTier, "", req.locale),
        }),
        Some(e) => match e.min_paid.map(|m| Money::new(m, currency)) {
            Some(min) if paid_for_items.checked_cmp(min).map_err(err)?.is_lt() => Some(NotEarned {
                reason: EarningReason::BelowMinPaid,
                min_paid: Some(min),
                message: messages::earning_reason_text(EarningReason::BelowMinPaid, &min.to_string(), req.locale),
            }),
            _ => None,
        },
        None => None,
    };
    if not_earned.is_some() {
        raw.iter_mut().for_each(|r| *r = Decimal::ZERO);
    }
    let (earned_uncapped, earned, pending_until, earned_expires_at) = match earning {
        Some(e) => {
            let sum = raw.iter().try_fold(Decimal::ZERO, |a, r| a.checked_add(*r)).ok_or_else(|| overflow("points"))?;
            let uncapped = e.rounding.round(sum, 0).to_u64().ok_or_else(|| overflow("points"))?;
            let earned = e.max_per_order.map_or(uncapped, |cap| uncapped.min(cap));
            let parts =
                if lines.is_empty() { Vec::new() } else { split(earned, &raw).ok_or_else(|| overflow("points"))? };
            for (line, p) in lines.iter_mut().zip(parts) {
                if let Some(lp) = line.points.as_mut() {
                    lp.earned = p;
                }
            }
            let extra = tier.map_or(0, |t| t.benefits.extra_return_days);
            let days = u64::from(e.pending_days).saturating_add(u64::from(extra));
            let pending = end_of_day_after(now, days, tz);
            let policy = rules.points.as_ref().map_or(ExpiryPolicy::Never, |p| p.expiry);
            let expires = pending.and_then(|p| expiry_of(policy, p, tz));
            (uncapped, earned, pending.map(|p| local_timestamp(p, tz)), expires.map(|x| local_timestamp(x, tz)))
        }
        None => (0, 0, None, None),
    };
    let bonuses = match earning {
        Some(e) if not_earned.is_none() => bonuses(e, req, lines, order, currency)?,
        _ => Vec::new(),
    };
    let bonus_points =
        bonuses.iter().try_fold(0_u64, |a, b| a.checked_add(b.points)).ok_or_else(|| overflow("points"))?;
    let (bonus_points, total_earned) = if bonuses.is_empty() {
        (None, None)
    } else {
        (Some(bonus_points), Some(earned.checked_add(bonus_points).ok_or_else(|| overflow("points"))?))
    };
    let redeemed = state.points();
    let value = state.value().map_err(err)?;
    let balance_after = state
        .balance_before
        .checked_sub(i64::try_from(redeemed).map_err(|_| overflow("points"))?)
        .ok_or_else(|| overflow("points"))?;
    Ok(Some(PointsAnswer {
        requested: state.requested,
        redeemed,
        value,
        clamps: state.clamps,
        refused: state.refused,
        lots_consumed: state.consumed,
        shipping: state.shipping,
        balance_before: state.balance_before,
        balance_after,
        earned,
        earned_uncapped,
        earning_rate,
        not_earned,
        pending_until,
        earned_expires_at,
        bonuses,
        bonus_points,
        total_earned,
    }))
}

/// The fixed bonuses an order earns, in the rule set's order; per-unit
/// bonuses are also listed on their lines. The spend threshold is on the
/// items' `net` (after item and order discounts, before points, shipping
/// and added tax), gift lines left out.
fn bonuses(
    e: &CompiledEarning,
    req: &QuoteRequest,
    lines: &mut [LineAnswer],
    order: &[usize],
    currency: crate::money::Currency,
) -> Result<Vec<EarnedBonus>, Error> {
    let err = |e| money_error(e, "points");
    let mut spend = Money::zero(currency);
    for (k, line) in lines.iter().enumerate() {
        if order.get(k).is_some() && line.gift_of.is_none() {
            spend = spend.checked_add(line.net).map_err(err)?;
        }
    }
    let mut out = Vec::new();
    for b in &e.bonuses {
        let (kind, min_spend, points) = match &b.trigger {
            BonusTrigger::Order => (BonusKind::Order, None, b.points),
            BonusTrigger::FirstOrder if req.customer.first_order => (BonusKind::FirstOrder, None, b.points),
            BonusTrigger::FirstOrder => continue,
            BonusTrigger::SpendThreshold { min_spend } => {
                let min = Money::new(min_spend.value(), spend.currency());
                if lines.is_empty() || spend.checked_cmp(min).map_err(err)?.is_lt() {
                    continue;
                }
                (BonusKind::SpendThreshold, Some(min), b.points)
            }
            BonusTrigger::PerUnit { .. } => {
                let mut sum = 0_u64;
                for (k, line) in lines.iter_mut().enumerate() {
                    let Some(l) = order.get(k).and_then(|&i| req.lines.get(i)) else { continue };
                    if line.gift_of.is_some()
                        || !(b.skus.contains(&*l.sku) || l.categories.iter().any(|c| b.categories.contains(c)))
                    {
                        continue;
                    }
                    let p = b.points.checked_mul(u64::from(line.quantity)).ok_or_else(|| overflow("points"))?;
                    sum = sum.checked_add(p).ok_or_else(|| overflow("points"))?;
                    if let Some(lp) = line.points.as_mut() {
                        lp.bonuses.push(LineBonus { bonus_id: b.id.clone(), points: p });
                    }
                }
                if sum == 0 {
                    continue;
                }
                (BonusKind::PerUnit, None, sum)
            }
        };
        let min_text = min_spend.map(|m| m.to_string()).unwrap_or_default();
        out.push(EarnedBonus {
            id: b.id.clone(),
            trigger: kind,
            min_spend,
            points,
            on_return: b.on_return,
            message: messages::bonus_text(kind, points, &min_text, req.locale),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(can_pay_shipping: bool) -> CompiledRules {
        compiled_over(can_pay_shipping, "clamp")
    }

    fn compiled_over(can_pay_shipping: bool, over_limit: &str) -> CompiledRules {
        let rules: crate::rules::RuleSet = serde_json::from_str(&format!(
            r#"{{"schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
                "tax": {{"prices_include_tax": true, "default_class": "std", "classes": [{{"id": "std", "rate_percent": "13"}}]}},
                "points": {{"redemption": {{"points_per_unit": 100, "min_points": 500, "step": 100,
                            "max_share_percent": "50", "can_pay_shipping": {can_pay_shipping},
                            "over_limit": "{over_limit}"}}}}}}"#
        ))
        .unwrap();
        crate::rules::compile(&rules, &crate::Limits::default()).unwrap()
    }

    fn request(redeem: u64) -> QuoteRequest {
        serde_json::from_str(&format!(
            r#"{{"now": "2026-11-11T20:00:00+08:00",
                "lines": [{{"id": "a", "sku": "A", "quantity": 1, "unit_price": "100.00"}}],
                "points": {{"redeem": {redeem}, "lots": [
                    {{"id": "x", "earned_at": "2026-01-01T00:00:00+08:00", "amount": 3000, "expires_at": "2027-01-01T00:00:00+08:00"}},
                    {{"id": "y", "earned_at": "2026-02-01T00:00:00+08:00", "amount": 9000}}]}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_rest_of_a_request_pays_shipping_when_allowed() {
        for (allowed, want) in [(true, Some((1500, "15.00"))), (false, None)] {
            let rules = compiled(allowed);
            let req = request(9000);
            let mut trail = crate::quote::answer::Trail::new(true, 0);
            let mut lines = crate::quote::catalog::price_lines(&rules, &req, &[0], &mut trail).unwrap();
            let mut state = redeem(&rules, &req, &mut lines, &mut trail).unwrap();
            assert_eq!(state.items_points, 5000, "50 % of 100.00");
            assert_eq!(state.within_caps, 9000);
            // Shipping of 30.00: half of 130.00 is 65.00, so 15.00 more on shipping.
            let ship = Money::parse("30.00", rules.currency).unwrap();
            settle(&mut state, &mut lines, &mut trail, ship, req.now.utc(), rules.time_zone).unwrap();
            let got = state.shipping.as_ref().map(|s| (s.points, s.value.to_string()));
            assert_eq!(got, want.map(|(p, v)| (p, v.to_string())));
            let used: u64 = state.consumed.iter().map(|c| c.points).sum();
            assert_eq!(used, state.points(), "the lots consumed sum to the points redeemed");
            assert_eq!(state.consumed[0].lot_id, "x", "the expiring lot goes first");
            assert_eq!(state.value().unwrap().to_string(), if allowed { "65.00" } else { "50.00" });
        }
    }

    #[test]
    fn no_shipping_to_pay_changes_nothing() {
        let rules = compiled(true);
        let req = request(9000);
        let mut trail = crate::quote::answer::Trail::new(true, 0);
        let mut lines = crate::quote::catalog::price_lines(&rules, &req, &[0], &mut trail).unwrap();
        let mut state = redeem(&rules, &req, &mut lines, &mut trail).unwrap();
        settle(&mut state, &mut lines, &mut trail, Money::zero(rules.currency), req.now.utc(), rules.time_zone)
            .unwrap();
        assert!(state.shipping.is_none());
    }

    #[test]
    fn refuse_decides_on_the_whole_order_items_and_shipping() {
        // 50 % of 100.00 + 30.00 is 65.00: 6500 points fit once shipping
        // is known (5000 on the items, 1500 on shipping); 6600 do not.
        for (asked, refused) in [(6500, false), (6600, true)] {
            let rules = compiled_over(true, "refuse");
            let req = request(asked);
            let mut trail = crate::quote::answer::Trail::new(true, 0);
            let mut lines = crate::quote::catalog::price_lines(&rules, &req, &[0], &mut trail).unwrap();
            let mut state = redeem(&rules, &req, &mut lines, &mut trail).unwrap();
            let ship = Money::parse("30.00", rules.currency).unwrap();
            settle(&mut state, &mut lines, &mut trail, ship, req.now.utc(), rules.time_zone).unwrap();
            assert_eq!(state.refused, refused, "{asked}");
            let points = if refused { 0 } else { asked };
            assert_eq!(state.points(), points);
            assert_eq!(state.consumed.iter().map(|c| c.points).sum::<u64>(), points);
            let on_lines: u64 = lines.iter().filter_map(|l| l.points.as_ref()).map(|p| p.redeemed).sum();
            assert_eq!(on_lines, if refused { 0 } else { 5000 });
            let steps = trail.into_steps();
            assert_eq!(steps.iter().any(|s| s.code == StepCode::PointsRedeemed), !refused, "{asked}");
            if refused {
                let reasons: Vec<_> = state.clamps.iter().map(|c| (c.reason, c.limit)).collect();
                assert_eq!(reasons, [(PointsReason::ExceedsOrderShare, 6500)]);
            }
        }
    }
}
