//! Validation and compilation of the `membership` and `points` sections,
//! and the check that `customer_tiers` name defined tiers.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::membership::{
    ClawbackPolicy, Downgrade, Earning, ExpiryPolicy, Membership, PointsConfig, QualificationMetric, Redemption,
    TierBenefits,
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
/// Largest `points_per_unit`.
const MAX_POINTS_PER_UNIT: u64 = 1_000_000_000;

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
    pub(crate) rate: Decimal,
    pub(crate) rounding: RoundingMode,
    pub(crate) include_tax: bool,
    pub(crate) categories: HashMap<String, Decimal>,
    pub(crate) exclude_categories: HashSet<String>,
    pub(crate) exclude_skus: HashSet<String>,
    pub(crate) max_per_order: Option<u64>,
    pub(crate) pending_days: u32,
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
    /// The fewest points worth a whole number of minor units.
    pub(crate) unit_points: u64,
    /// The minor units `unit_points` are worth.
    pub(crate) unit_minor: u64,
}

/// The smallest number of points worth a whole number of minor units, and
/// that number of minor units: 100 points = 1.00 CNY gives (1, 1); 100
/// points = 1 JPY gives (100, 1); 3 points = 1.00 gives (3, 100).
pub(crate) fn conversion_unit(points_per_unit: u64, currency: Currency) -> (u64, u64) {
    let minor_per_unit = 10_u64.checked_pow(currency.minor_units()).unwrap_or(1);
    let g = gcd(points_per_unit, minor_per_unit).max(1);
    (points_per_unit.checked_div(g).unwrap_or(1), minor_per_unit.checked_div(g).unwrap_or(1))
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

fn days_ok(days: u32, at: &JsonPath<'_>, p: &mut Problems) {
    if days > MAX_DAYS {
        p.add(ErrorCode::OutOfRange, at, format!("must be at most {MAX_DAYS} days"));
    }
}

/// Validates and compiles `points`.
pub(crate) fn compile_points(
    points: &PointsConfig,
    currency: Currency,
    limits: &Limits,
    p: &mut Problems,
) -> CompiledPoints {
    let root = JsonPath::root();
    let at = root.field("points");
    let earning = points.earning.as_ref().map(|e| compile_earning(e, limits, &at.field("earning"), p));
    let redemption = points.redemption.as_ref().map(|r| compile_redemption(r, currency, &at.field("redemption"), p));
    match points.expiry {
        ExpiryPolicy::MonthsAfterEarning { months } => months_ok(months, &at.field("expiry").field("months"), p),
        ExpiryPolicy::Never | ExpiryPolicy::EndOfYearAfterEarning | ExpiryPolicy::FixedDate { .. } => {}
    }
    CompiledPoints { earning, redemption, expiry: points.expiry, clawback: points.clawback }
}

fn compile_earning(e: &Earning, limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) -> CompiledEarning {
    let rate = e.rate.value();
    p.check(
        rate <= Decimal::ZERO || rate > Decimal::from(MAX_RATE),
        ErrorCode::OutOfRange,
        &at.field("rate"),
        "must be over 0 and at most 1000000",
    );
    let cats_path = at.field("categories");
    p.count(e.categories.len(), limits.max_filter_entries, &cats_path);
    let mut categories = HashMap::with_capacity(e.categories.len());
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
    CompiledEarning {
        rate,
        rounding: e.rounding,
        include_tax: e.include_tax,
        categories,
        exclude_categories,
        exclude_skus,
        max_per_order: e.max_per_order,
        pending_days: e.pending_days,
    }
}

fn compile_redemption(r: &Redemption, currency: Currency, at: &JsonPath<'_>, p: &mut Problems) -> CompiledRedemption {
    let ppu_ok = (1..=MAX_POINTS_PER_UNIT).contains(&r.points_per_unit);
    p.check(!ppu_ok, ErrorCode::OutOfRange, &at.field("points_per_unit"), "must be between 1 and 1000000000");
    let (unit_points, unit_minor) = if ppu_ok { conversion_unit(r.points_per_unit, currency) } else { (1, 1) };
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
        unit_points,
        unit_minor,
    }
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
        assert_eq!(conversion_unit(100, Currency::CNY), (1, 1));
        assert_eq!(conversion_unit(100, Currency::JPY), (100, 1));
        assert_eq!(conversion_unit(3, Currency::CNY), (3, 100));
        assert_eq!(conversion_unit(1, Currency::CNY), (1, 100));
        assert_eq!(conversion_unit(250, Currency::KWD), (1, 4));
    }
}
