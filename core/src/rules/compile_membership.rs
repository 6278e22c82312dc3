//! Validation and compilation of the `membership` and `points` sections,
//! and the check that `customer_tiers` name defined tiers.

use std::collections::{HashMap, HashSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::membership::{
    BonusTrigger, ClawbackPolicy, Downgrade, Earning, ExpiryPolicy, LastDay, Membership, OverLimit, Period,
    PointsConfig, QualificationMetric, Redemption, TierBenefits,
};
use super::promotion::Condition;
use super::{JsonPath, Problems, RuleSet};
use crate::money::{Currency, DecimalString, RoundingMode};
use crate::{ErrorCode, Limits};

/// Most months any period may span (100 years), so date arithmetic stays in range.
pub(crate) const MAX_MONTHS: u32 = 1_200;
/// Most days a pending period or extra return window may span (10 years).
const MAX_DAYS: u32 = 3_650;
/// Largest multiplier or earning rate.
const MAX_MULTIPLIER: u32 = 100;
/// Largest earning rate, in points per unit of the currency.
const MAX_RATE: u32 = 1_000_000;
/// Most bonuses in `points.earning.bonuses`.
pub(crate) const MAX_BONUSES: usize = 100;
/// Largest bonus, in points (per order, or per unit).
pub(crate) const MAX_BONUS_POINTS: u64 = 1_000_000;
/// Largest `points_per_unit`.
const MAX_POINTS_PER_UNIT: u64 = 1_000_000_000;
/// Largest `unit_amount`, in minor units (10 million units of a two-decimal currency).
const MAX_UNIT_MINOR: u64 = 1_000_000_000;

/// Membership tiers ready to answer with.
#[derive(Debug, Clone)]
pub(crate) struct CompiledMembership {
    pub(crate) metric: QualificationMetric,
    pub(crate) window_months: Option<u32>,
    pub(crate) validity_months: u32,
    pub(crate) downgrade: Downgrade,
    /// Ascending by rank.
    pub(crate) tiers: Vec<CompiledTier>,
}

/// One tier, with its multiplier resolved.
#[derive(Debug, Clone)]
pub(crate) struct CompiledTier {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) rank: u32,
    pub(crate) threshold: Decimal,
    pub(crate) benefits: TierBenefits,
    /// The points multiplier (1 when none is given).
    pub(crate) multiplier: Decimal,
}

impl CompiledMembership {
    /// The tier with this id.
    pub(crate) fn tier(&self, id: &str) -> Option<&CompiledTier> {
        self.tiers.iter().find(|t| t.id == id)
    }
}

/// Points rules ready to answer with.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPoints {
    pub(crate) earning: Option<CompiledEarning>,
    pub(crate) redemption: Option<CompiledRedemption>,
    pub(crate) expiry: ExpiryPolicy,
    pub(crate) clawback: ClawbackPolicy,
}

/// Earning, with sets for lookups.
#[derive(Debug, Clone)]
pub(crate) struct CompiledEarning {
    /// The rate of customers `tier_rates` does not cover; `None`: nothing.
    pub(crate) rate: Option<Decimal>,
    /// (tier rank, rate), ascending by rank.
    pub(crate) tier_rates: Vec<(u32, Decimal)>,
    /// The least an order must pay for its items to earn.
    pub(crate) min_paid: Option<Decimal>,
    pub(crate) rounding: RoundingMode,
    pub(crate) include_tax: bool,
    pub(crate) categories: super::FastMap<String, Decimal>,
    pub(crate) exclude_categories: HashSet<String>,
    pub(crate) exclude_skus: HashSet<String>,
    pub(crate) max_per_order: Option<u64>,
    pub(crate) pending_days: u32,
    /// Fixed bonuses, in the rule set's order.
    pub(crate) bonuses: Vec<CompiledBonus>,
}

/// A fixed bonus, with its lists as sets.
#[derive(Debug, Clone)]
pub(crate) struct CompiledBonus {
    pub(crate) id: String,
    pub(crate) trigger: BonusTrigger,
    pub(crate) points: u64,
    pub(crate) on_return: super::membership::BonusReturn,
    pub(crate) skus: HashSet<String>,
    pub(crate) categories: HashSet<String>,
}

/// Redemption, with its conversion in whole units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompiledRedemption {
    pub(crate) min_points: u64,
    /// A multiple of `unit_points`.
    pub(crate) step: u64,
    pub(crate) max_points: Option<u64>,
    /// The largest share as a fraction (0.5 for 50 %).
    pub(crate) max_share: Decimal,
    pub(crate) can_pay_shipping: bool,
    /// Clamp or refuse a request over a limit.
    pub(crate) over_limit: OverLimit,
    /// The fewest points worth a whole number of minor units.
    pub(crate) unit_points: u64,
    /// The minor units `unit_points` are worth.
    pub(crate) unit_minor: u64,
}

/// The smallest number of points worth a whole number of minor units, and
/// that number of minor units, when `points_per_unit` points are worth
/// `unit_minor` minor units: 100 points = 1.00 CNY (100 minor) gives (1, 1);
/// 100 points = 1 JPY gives (100, 1); 3 points = 1.00 gives (3, 100);
/// 1 point = 15.00 gives (1, 1500); 2 points = 15.00 gives (2, 1500).
pub(crate) fn conversion_unit(points_per_unit: u64, unit_minor: u64) -> (u64, u64) {
    let g = gcd(points_per_unit, unit_minor).max(1);
    (points_per_unit.checked_div(g).unwrap_or(1), unit_minor.checked_div(g).unwrap_or(1))
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let r = a.checked_rem(b).unwrap_or(0);
        a = b;
        b = r;
    }
    a
}

/// Validates and compiles `membership`.
pub(crate) fn compile_membership(
    m: &Membership,
    currency: Currency,
    limits: &Limits,
    p: &mut Problems,
) -> CompiledMembership {
    let root = JsonPath::root();
    let at = root.field("membership");
    if let Some(w) = m.qualification.window_months {
        months_ok(w, &at.field("qualification").field("window_months"), p);
    }
    months_ok(m.validity_months, &at.field("validity_months"), p);
    let tiers_path = at.field("tiers");
    p.check(m.tiers.is_empty(), ErrorCode::OutOfRange, &tiers_path, "must have at least one tier");
    p.count(m.tiers.len(), limits.max_tiers, &tiers_path);
    let mut ids = HashSet::new();
    let mut ranks: HashMap<u32, usize> = HashMap::new();
    let mut tiers = Vec::with_capacity(m.tiers.len());
    for (i, t) in m.tiers.iter().enumerate() {
        let tp = tiers_path.index(i);
        p.id(&t.id, limits.max_id_bytes, &tp.field("id"));
        if !ids.insert(t.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &tp.field("id"), format!("tier `{}` is defined twice", t.id));
        }
        if let Some(other) = ranks.insert(t.rank, i) {
            p.add(ErrorCode::DuplicateId, &tp.field("rank"), format!("rank {} is also tiers[{other}]'s", t.rank));
        }
        threshold_ok(t.threshold, m.qualification.metric, currency, &tp.field("threshold"), p);
        let bp = tp.field("benefits");
        let multiplier = match t.benefits.points_multiplier {
            Some(x) => {
                multiplier_ok(x, &bp.field("points_multiplier"), p);
                x.value()
            }
            None => Decimal::ONE,
        };
        if let Some(pct) = t.benefits.shipping_discount_percent {
            let v = pct.value();
            p.check(
                v < Decimal::ZERO || v > Decimal::ONE_HUNDRED,
                ErrorCode::OutOfRange,
                &bp.field("shipping_discount_percent"),
                "must be between 0 and 100",
            );
        }
        days_ok(t.benefits.extra_return_days, &bp.field("extra_return_days"), p);
        tiers.push((
            i,
            CompiledTier {
                id: t.id.clone(),
                name: t.name.clone(),
                rank: t.rank,
                threshold: t.threshold.value(),
                benefits: t.benefits.clone(),
                multiplier,
            },
        ));
    }
    crate::sort::sort_by_key(&mut tiers, |(_, t)| t.rank);
    for pair in tiers.windows(2) {
        if let [(_, lo), (hi_index, hi)] = pair {
            if hi.rank != lo.rank && hi.threshold <= lo.threshold {
                p.add(
                    ErrorCode::OutOfRange,
                    &tiers_path.index(*hi_index).field("threshold"),
                    format!(
                        "overlaps tier `{}` (rank {}, threshold {}): thresholds must rise strictly with rank",
                        lo.id, lo.rank, lo.threshold
                    ),
                );
            }
        }
    }
    CompiledMembership {
        metric: m.qualification.metric,
        window_months: m.qualification.window_months,
        validity_months: m.validity_months,
        downgrade: m.downgrade,
        tiers: tiers.into_iter().map(|(_, t)| t).collect(),
    }
}

fn threshold_ok(
    v: DecimalString,
    metric: QualificationMetric,
    currency: Currency,
    at: &JsonPath<'_>,
    p: &mut Problems,
) {
    let d = v.value();
    if d.is_sign_negative() && !d.is_zero() {
        p.add(ErrorCode::OutOfRange, at, "must be >= 0");
        return;
    }
    match metric {
        QualificationMetric::PaidSpend => {
            if d.normalize().scale() > currency.minor_units() {
                p.add(
                    ErrorCode::TooPrecise,
                    at,
                    format!("{currency} amounts have at most {} decimal places", currency.minor_units()),
                );
            }
        }
        QualificationMetric::PointsEarned | QualificationMetric::OrderCount => {
            p.check(d.normalize().scale() > 0, ErrorCode::InvalidValue, at, "must be a whole number");
        }
    }
}

fn multiplier_ok(x: DecimalString, at: &JsonPath<'_>, p: &mut Problems) {
    let v = x.value();
    p.check(
        v <= Decimal::ZERO || v > Decimal::from(MAX_MULTIPLIER),
        ErrorCode::OutOfRange,
        at,
        "must be over 0 and at most 100",
    );
}

fn months_ok(months: u32, at: &JsonPath<'_>, p: &mut Problems) {
    if !(1..=MAX_MONTHS).contains(&months) {
        p.add(ErrorCode::OutOfRange, at, format!("must be between 1 and {MAX_MONTHS} months"));
    }
}

/// Most days an expiry period may span (about 100 years, like `MAX_MONTHS`).
const MAX_EXPIRY_DAYS: u32 = 36_600;

/// Checks an expiry policy: its periods in range, and no zero period that
/// would expire points at the start of the day they are earned.
fn expiry_ok(policy: ExpiryPolicy, at: &JsonPath<'_>, p: &mut Problems) {
    let zero_at_start = |n: u32, last_day: LastDay| n == 0 && last_day == LastDay::ExpiresAtStart;
    let (field, n, max, unit, last_day) = match policy {
        ExpiryPolicy::DaysAfterEarning { days, last_day } => ("days", days, MAX_EXPIRY_DAYS, "days", last_day),
        ExpiryPolicy::MonthsAfterEarning { months, last_day } => ("months", months, MAX_MONTHS, "months", last_day),
        ExpiryPolicy::EndOfPeriod { period, plus, last_day } => {
            let max = MAX_MONTHS.checked_div(period.months()).unwrap_or(0);
            let unit = match period {
                Period::Month => "months",
                Period::Quarter => "quarters",
                Period::Year => "years",
            };
            if plus > max {
                p.add(ErrorCode::OutOfRange, &at.field("plus"), format!("must be at most {max} {unit}"));
            } else if zero_at_start(plus, last_day) {
                p.add(
                    ErrorCode::OutOfRange,
                    &at.field("plus"),
                    "must be at least 1 with last_day `expires_at_start`: points earned on the period's last \
                     day would expire before they are earned; use `usable_through` for the end of the period",
                );
            }
            return;
        }
        ExpiryPolicy::Never | ExpiryPolicy::EndOfYearAfterEarning | ExpiryPolicy::FixedDate { .. } => return,
    };
    if n > max {
        p.add(ErrorCode::OutOfRange, &at.field(field), format!("must be at most {max} {unit}"));
    } else if zero_at_start(n, last_day) {
        p.add(
            ErrorCode::OutOfRange,
            &at.field(field),
            format!(
                "must be at least 1 with last_day `expires_at_start` (points would expire at the start of the day \
                 they are earned); for the end of the day earned write 0 {unit} with last_day `usable_through`"
            ),
        );
    }
}

fn days_ok(days: u32, at: &JsonPath<'_>, p: &mut Problems) {
    if days > MAX_DAYS {
        p.add(ErrorCode::OutOfRange, at, format!("must be at most {MAX_DAYS} days"));
    }
}

/// Validates and compiles `points`.
pub(crate) fn compile_points(
    points: &PointsConfig,
    membership: Option<&CompiledMembership>,
    currency: Currency,
    limits: &Limits,
    p: &mut Problems,
) -> CompiledPoints {
    let root = JsonPath::root();
    let at = root.field("points");
    let earning =
        points.earning.as_ref().map(|e| compile_earning(e, membership, currency, limits, &at.field("earning"), p));
    let redemption = points.redemption.as_ref().map(|r| compile_redemption(r, currency, &at.field("redemption"), p));
    expiry_ok(points.expiry, &at.field("expiry"), p);
    CompiledPoints { earning, redemption, expiry: points.expiry, clawback: points.clawback }
}

impl CompiledEarning {
    /// The rate for a customer of this tier rank (`None`: no tier).
    pub(crate) fn rate_for(&self, rank: Option<u32>) -> Option<Decimal> {
        if self.tier_rates.is_empty() {
            return self.rate;
        }
        let by_tier = rank.and_then(|r| self.tier_rates.iter().rev().find(|(t, _)| *t <= r));
        by_tier.map(|(_, rate)| *rate).or(self.rate)
    }
}

fn rate_ok(rate: Decimal, at: &JsonPath<'_>, p: &mut Problems) {
    p.check(
        rate <= Decimal::ZERO || rate > Decimal::from(MAX_RATE),
        ErrorCode::OutOfRange,
        at,
        "must be over 0 and at most 1000000",
    );
}

fn compile_earning(
    e: &Earning,
    membership: Option<&CompiledMembership>,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> CompiledEarning {
    let rate = e.rate.map(DecimalString::value);
    if let Some(r) = rate {
        rate_ok(r, &at.field("rate"), p);
    } else if e.tier_rates.is_empty() {
        p.add(
            ErrorCode::MissingField,
            &at.field("rate"),
            "is required: give the points per 1.00 paid, or `tier_rates` for rates by membership tier",
        );
    }
    let tiers_path = at.field("tier_rates");
    p.count(e.tier_rates.len(), limits.max_tiers, &tiers_path);
    let mut tier_rates: Vec<(u32, Decimal)> = Vec::with_capacity(e.tier_rates.len());
    for (i, t) in e.tier_rates.iter().enumerate() {
        let tp = tiers_path.index(i);
        rate_ok(t.rate.value(), &tp.field("rate"), p);
        let Some(m) = membership else {
            p.add(
                ErrorCode::UnknownReference,
                &tp.field("tier"),
                format!("tier `{}` needs a `membership` section that defines it", t.tier),
            );
            continue;
        };
        match m.tier(&t.tier) {
            None => p.add(
                ErrorCode::UnknownReference,
                &tp.field("tier"),
                format!("no membership tier `{}` is defined", t.tier),
            ),
            Some(def) if tier_rates.iter().any(|(r, _)| *r == def.rank) => {
                p.add(ErrorCode::DuplicateId, &tp.field("tier"), format!("tier `{}` has two rates", t.tier))
            }
            Some(def) => tier_rates.push((def.rank, t.rate.value())),
        }
    }
    crate::sort::sort_by_key(&mut tier_rates, |(rank, _)| *rank);
    let min_paid = e.min_paid.map(|m| m.value());
    if let Some(m) = min_paid {
        let mp = at.field("min_paid");
        if m.is_sign_negative() && !m.is_zero() {
            p.add(ErrorCode::OutOfRange, &mp, "must be >= 0");
        } else if m.normalize().scale() > currency.minor_units() {
            p.add(
                ErrorCode::TooPrecise,
                &mp,
                format!("{currency} amounts have at most {} decimal places", currency.minor_units()),
            );
        }
    }
    let cats_path = at.field("categories");
    p.count(e.categories.len(), limits.max_filter_entries, &cats_path);
    let mut categories = super::FastMap::with_capacity_and_hasher(e.categories.len(), Default::default());
    for (i, c) in e.categories.iter().enumerate() {
        let cp = cats_path.index(i);
        p.id(&c.category, limits.max_id_bytes, &cp.field("category"));
        multiplier_ok(c.multiplier, &cp.field("multiplier"), p);
        if categories.insert(c.category.clone(), c.multiplier.value()).is_some() {
            p.add(
                ErrorCode::DuplicateId,
                &cp.field("category"),
                format!("category `{}` has two multipliers", c.category),
            );
        }
    }
    let set = |list: &[String], name: &str, p: &mut Problems| -> HashSet<String> {
        let lp = at.field(name);
        p.count(list.len(), limits.max_filter_entries, &lp);
        for (i, v) in list.iter().enumerate() {
            p.id(v, limits.max_id_bytes, &lp.index(i));
        }
        list.iter().cloned().collect()
    };
    let exclude_categories = set(&e.exclude_categories, "exclude_categories", p);
    let exclude_skus = set(&e.exclude_skus, "exclude_skus", p);
    if let Some(cap) = e.max_per_order {
        p.check(cap < 1, ErrorCode::OutOfRange, &at.field("max_per_order"), "must be >= 1");
    }
    days_ok(e.pending_days, &at.field("pending_days"), p);
    let bonuses = compile_bonuses(e, currency, limits, &at.field("bonuses"), p);
    CompiledEarning {
        rate,
        tier_rates,
        min_paid,
        rounding: e.rounding,
        include_tax: e.include_tax,
        categories,
        exclude_categories,
        exclude_skus,
        max_per_order: e.max_per_order,
        pending_days: e.pending_days,
        bonuses,
    }
}

/// Validates `earning.bonuses`: unique ids, points in range, a per-unit
/// bonus naming a SKU or category, a spend threshold over 0 in whole minor
/// units.
fn compile_bonuses(
    e: &Earning,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> Vec<CompiledBonus> {
    p.count(e.bonuses.len(), MAX_BONUSES, at);
    let mut ids = HashSet::new();
    let mut out = Vec::with_capacity(e.bonuses.len());
    for (i, b) in e.bonuses.iter().enumerate() {
        let bp = at.index(i);
        p.id(&b.id, limits.max_id_bytes, &bp.field("id"));
        if !ids.insert(b.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &bp.field("id"), format!("bonus `{}` is defined twice", b.id));
        }
        p.check(
            !(1..=MAX_BONUS_POINTS).contains(&b.points),
            ErrorCode::OutOfRange,
            &bp.field("points"),
            "must be between 1 and 1000000",
        );
        let tp = bp.field("trigger");
        let (mut skus, mut categories) = (HashSet::new(), HashSet::new());
        match &b.trigger {
            BonusTrigger::PerUnit { skus: s, categories: c } => {
                if s.is_empty() && c.is_empty() {
                    p.add(
                        ErrorCode::MissingField,
                        &tp.field("skus"),
                        "name at least one SKU or category the bonus is per unit of",
                    );
                }
                for (name, list, set) in [("skus", s, &mut skus), ("categories", c, &mut categories)] {
                    let lp = tp.field(name);
                    p.count(list.len(), limits.max_filter_entries, &lp);
                    for (j, v) in list.iter().enumerate() {
                        p.id(v, limits.max_id_bytes, &lp.index(j));
                        set.insert(v.clone());
                    }
                }
            }
            BonusTrigger::SpendThreshold { min_spend } => {
                let mp = tp.field("min_spend");
                let v = min_spend.value();
                if v <= Decimal::ZERO {
                    p.add(ErrorCode::OutOfRange, &mp, "must be over 0: an order reaching it earns the bonus");
                } else {
                    super::amount_valid(*min_spend, currency, &mp, p);
                }
            }
            BonusTrigger::Order | BonusTrigger::FirstOrder => {}
        }
        out.push(CompiledBonus {
            id: b.id.clone(),
            trigger: b.trigger.clone(),
            points: b.points,
            on_return: b.on_return,
            skus,
            categories,
        });
    }
    out
}

fn compile_redemption(r: &Redemption, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) -> CompiledRedemption {
    let ppu_ok = (1..=MAX_POINTS_PER_UNIT).contains(&r.points_per_unit);
    p.check(!ppu_ok, ErrorCode::OutOfRange, &at.field("points_per_unit"), "must be between 1 and 1000000000");
    let value_minor = unit_amount_minor(r, currency, &at.field("unit_amount"), p);
    let (unit_points, unit_minor) = match value_minor {
        Some(v) if ppu_ok => conversion_unit(r.points_per_unit, v),
        _ => (1, 1),
    };
    let step = r.step.unwrap_or(unit_points);
    if step < 1 {
        p.add(ErrorCode::OutOfRange, &at.field("step"), "must be >= 1");
    } else if step.checked_rem(unit_points) != Some(0) {
        p.add(
            ErrorCode::OutOfRange,
            &at.field("step"),
            format!(
                "must be a multiple of {unit_points}: {unit_points} points are the fewest worth a whole minor unit of {currency}"
            ),
        );
    }
    if let Some(max) = r.max_points {
        if max < 1 {
            p.add(ErrorCode::OutOfRange, &at.field("max_points"), "must be >= 1");
        } else if max < r.min_points {
            p.add(
                ErrorCode::OutOfRange,
                &at.field("max_points"),
                format!("the cap {max} is under min_points {}: no order could redeem", r.min_points),
            );
        } else if max < step {
            p.add(
                ErrorCode::OutOfRange,
                &at.field("max_points"),
                format!("the cap {max} is under the step {step}: no order could redeem"),
            );
        }
    }
    let max_share = match r.max_share_percent {
        Some(pct) => {
            let v = pct.value();
            p.check(
                v <= Decimal::ZERO || v > Decimal::ONE_HUNDRED,
                ErrorCode::OutOfRange,
                &at.field("max_share_percent"),
                "must be over 0 and at most 100",
            );
            pct.fraction().unwrap_or_default()
        }
        None => Decimal::ONE,
    };
    CompiledRedemption {
        min_points: r.min_points,
        step: step.max(1),
        max_points: r.max_points,
        max_share,
        can_pay_shipping: r.can_pay_shipping,
        over_limit: r.over_limit,
        unit_points,
        unit_minor,
    }
}

/// What `points_per_unit` points are worth, in minor units: `unit_amount`,
/// or one unit of the currency. `None` (with a problem) when it is not a
/// positive amount in whole minor units, or is too large.
fn unit_amount_minor(r: &Redemption, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) -> Option<u64> {
    let minor_per_unit = 10_u64.checked_pow(currency.minor_units())?;
    let Some(amount) = r.unit_amount else { return Some(minor_per_unit) };
    let v = amount.value();
    if v <= Decimal::ZERO {
        p.add(ErrorCode::OutOfRange, at, "must be over 0: the amount the points are worth");
        return None;
    }
    if v.normalize().scale() > currency.minor_units() {
        p.add(
            ErrorCode::TooPrecise,
            at,
            format!("{currency} amounts have at most {} decimal places", currency.minor_units()),
        );
        return None;
    }
    let minor = v.checked_mul(Decimal::from(minor_per_unit)).and_then(|m| m.to_u64()).filter(|m| *m <= MAX_UNIT_MINOR);
    if minor.is_none() {
        p.add(
            ErrorCode::OutOfRange,
            at,
            format!("must be at most {MAX_UNIT_MINOR} minor units of {currency}: the amount the points are worth"),
        );
    }
    minor
}

/// When a membership section exists, every `customer_tiers` entry of price
/// lists and promotion conditions must name one of its tiers.
pub(crate) fn check_tier_references(rules: &RuleSet, membership: &CompiledMembership, p: &mut Problems) {
    let known: HashSet<&str> = membership.tiers.iter().map(|t| t.id.as_str()).collect();
    let root = JsonPath::root();
    let lists = root.field("price_lists");
    for (i, list) in rules.price_lists.iter().enumerate() {
        let lp = lists.index(i);
        unknown_tiers(&list.customer_tiers, &known, &lp.field("customer_tiers"), p);
    }
    let promos = root.field("promotions");
    for (i, promo) in rules.promotions.iter().enumerate() {
        let pp = promos.index(i);
        condition_tiers(&promo.conditions, &known, &pp.field("conditions"), 0, p);
    }
}

fn unknown_tiers(tiers: &[String], known: &HashSet<&str>, at: &JsonPath<'_>, p: &mut Problems) {
    for (j, t) in tiers.iter().enumerate() {
        if !known.contains(t.as_str()) {
            p.add(ErrorCode::UnknownReference, &at.index(j), format!("no membership tier `{t}` is defined"));
        }
    }
}

fn condition_tiers(c: &Condition, known: &HashSet<&str>, at: &JsonPath<'_>, depth: usize, p: &mut Problems) {
    // The promotion checks already report conditions nested too deeply.
    if depth > 8 {
        return;
    }
    unknown_tiers(&c.customer_tiers, known, &at.field("customer_tiers"), p);
    let depth = depth.saturating_add(1);
    for (name, list) in [("all", &c.all), ("any", &c.any)] {
        let lp = at.field(name);
        for (i, sub) in list.iter().enumerate() {
            condition_tiers(sub, known, &lp.index(i), depth, p);
        }
    }
    if let Some(sub) = &c.not {
        condition_tiers(sub, known, &at.field("not"), depth, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_units_follow_minor_units() {
        // One unit of the currency: CNY 100 minor, JPY 1, KWD 1000.
        assert_eq!(conversion_unit(100, 100), (1, 1));
        assert_eq!(conversion_unit(100, 1), (100, 1));
        assert_eq!(conversion_unit(3, 100), (3, 100));
        assert_eq!(conversion_unit(1, 100), (1, 100));
        assert_eq!(conversion_unit(250, 1000), (1, 4));
        // 1 point = 15.00; 2 points = 15.00; 0.5 points per yuan (1 point = 2.00).
        assert_eq!(conversion_unit(1, 1500), (1, 1500));
        assert_eq!(conversion_unit(2, 1500), (1, 750));
        assert_eq!(conversion_unit(1, 200), (1, 200));
    }
}
