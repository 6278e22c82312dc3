//! The tier-status question: the tier a customer holds, its qualifying
//! value, the next tier and the shortfall, and when the tier lapses.
//!
//! Everything follows from the qualifying history and `now`:
//!
//! - An entry counts from its instant until the start of the local day
//!   `window_months` months after its local date (for ever without a window).
//! - The customer *qualifies* for a tier while the counted value reaches its
//!   threshold, and *holds* it for `validity_months` after they last
//!   qualified (to the start of that local day).
//! - Then the tier drops: with `one_level`, to the next lower tier, held
//!   for another validity period, and so on; with `to_qualified`, straight to
//!   the tier they then qualify for.
//! - The lapse date assumes no further activity.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dates::{add_months, local_timestamp};
use crate::messages::{self, Lang};
use crate::money::{Amount, DecimalString};
use crate::rules::{
    CompiledMembership, CompiledRules, Downgrade, JsonPath, Problems, QualificationMetric, TierBenefits,
};
use crate::time::{LocalDate, MerchantTimeZone};
use crate::{Error, ErrorCode, Limits, Timestamp};

/// A tier-status request: the customer's qualifying history and `now`.
///
/// ```
/// use commerce_rules::points::TierStatusRequest;
/// let req: TierStatusRequest = serde_json::from_str(r#"{"now": "2026-11-11T20:00:00+08:00",
///     "history": [{"at": "2026-03-01T10:00:00+08:00", "amount": "680.00"}]}"#).unwrap();
/// assert_eq!(req.history.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierStatusRequest {
    /// The moment the status is for. Entries after it are not counted.
    pub now: Timestamp,
    /// The qualifying history: orders (paid spend, order count) or points earned.
    #[serde(default)]
    pub history: Vec<QualifyingEntry>,
    /// The language of the default message; default `en`.
    #[serde(default)]
    pub locale: Lang,
}

/// One qualifying event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QualifyingEntry {
    /// When it happened.
    pub at: Timestamp,
    /// The amount paid, net of refunds (metric `paid_spend`; not negative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// The points earned (metric `points_earned`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u64>,
}

/// A customer's tier status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TierStatusAnswer {
    /// The metric tiers qualify on.
    pub metric: QualificationMetric,
    /// The rolling window in months; absent: for ever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_months: Option<u32>,
    /// The value counted at `now` (an amount for `paid_spend`, a whole number otherwise).
    pub qualifying_value: DecimalString,
    /// The tier held now; absent when none is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<TierInfo>,
    /// The tier the qualifying value alone earns now; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualified_tier: Option<String>,
    /// When the tier held lapses without further activity, with the merchant's offset; absent: never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapses_at: Option<Timestamp>,
    /// The tier held from `lapses_at` on; absent: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapses_to: Option<String>,
    /// The next tier up and how far it is; absent at the top tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_tier: Option<NextTier>,
}

/// A tier and its benefits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TierInfo {
    /// The tier id.
    pub id: String,
    /// Its display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its rank.
    pub rank: u32,
    /// What it gives.
    pub benefits: TierBenefits,
}

/// The next tier up and the shortfall to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct NextTier {
    /// The tier id.
    pub id: String,
    /// Its display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its threshold.
    pub threshold: DecimalString,
    /// What is missing: threshold − qualifying value.
    pub shortfall: DecimalString,
    /// The last local day the shortfall holds: the next day an entry leaves
    /// the window and the shortfall grows. Absent without a window or entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<LocalDate>,
    /// A default message in the request's locale ("spend 320.00 more by 2027-03-01 for Gold").
    pub message: String,
}

/// Answers the tier-status question.
pub(crate) fn tier_status(
    rules: &CompiledRules,
    limits: &Limits,
    req: &TierStatusRequest,
) -> Result<TierStatusAnswer, Error> {
    let Some(m) = &rules.membership else {
        return Err(Error::request(
            ErrorCode::MissingField,
            "",
            "the rule set has no `membership` section: tier status needs tiers",
        ));
    };
    crate::time::check_now(req.now, "now")?;
    check_history(rules, m, limits, req)?;
    let tz = rules.time_zone;
    let now = req.now.utc();
    let overflow =
        |what: &str| Error::request(ErrorCode::ArithmeticOverflow, "history", format!("{what} out of range"));

    // Events: +value at the entry, -value when it leaves the window.
    let mut events: Vec<(DateTime<Utc>, Decimal)> = Vec::with_capacity(req.history.len().saturating_mul(2));
    for e in &req.history {
        let at = e.at.utc();
        if at > now {
            continue;
        }
        let v = entry_value(m.metric, e);
        events.push((at, v));
        if let Some(exit) = m.window_months.and_then(|w| exit_of(at, w, tz)) {
            events.push((exit, Decimal::ZERO.checked_sub(v).ok_or_else(|| overflow("value"))?));
        }
    }
    crate::sort::sort(&mut events);

    // Intervals of constant value and, per tier, the end of the last
    // interval in which it was reached (None inside: for ever).
    let tiers = &m.tiers;
    let mut last_end: Vec<Option<Option<DateTime<Utc>>>> = vec![None; tiers.len()];
    let mut value = Decimal::ZERO;
    let mut value_now = Decimal::ZERO;
    let mut next_exit_after_now: Option<DateTime<Utc>> = None;
    let mut i = 0;
    // The interval before the first event has value 0.
    mark(tiers, value, events.first().map(|e| e.0), &mut last_end);
    while let Some(&(t, _)) = events.get(i) {
        while let Some(&(u, d)) = events.get(i) {
            if u != t {
                break;
            }
            value = value.checked_add(d).ok_or_else(|| overflow("value"))?;
            i = i.saturating_add(1);
        }
        let end = events.get(i).map(|e| e.0);
        mark(tiers, value, end, &mut last_end);
        if t <= now && end.is_none_or(|e| e > now) {
            value_now = value;
            next_exit_after_now = end;
        }
    }

    let held = held_at(m, &last_end, now, tz);
    let (lapses_at, lapses_to) = match held {
        Some(h) => {
            let lapse = lapse_of(m, &last_end, h, now, tz);
            (lapse, lapse.and_then(|l| held_at(m, &last_end, l, tz)))
        }
        None => (None, None),
    };
    let qualified = tiers.iter().rposition(|t| t.threshold <= value_now);
    let next_index = held.map_or(0, |h| h.saturating_add(1));
    let next_tier = tiers.get(next_index).map(|t| {
        let shortfall = t.threshold.checked_sub(value_now).unwrap_or_default().max(Decimal::ZERO);
        let by = next_exit_after_now
            .map(|e| tz.local_date(e.checked_sub_signed(Duration::nanoseconds(1)).unwrap_or(e)))
            .map(LocalDate);
        let shown = show(m.metric, shortfall, rules);
        let name = t.name.clone().unwrap_or_else(|| t.id.clone());
        NextTier {
            id: t.id.clone(),
            name: t.name.clone(),
            threshold: show(m.metric, t.threshold, rules),
            message: messages::tier_shortfall_text(m.metric, &shown.to_string(), by, &name, req.locale),
            shortfall: shown,
            by,
        }
    });
    Ok(TierStatusAnswer {
        metric: m.metric,
        window_months: m.window_months,
        qualifying_value: show(m.metric, value_now, rules),
        tier: held.and_then(|h| tiers.get(h)).map(|t| TierInfo {
            id: t.id.clone(),
            name: t.name.clone(),
            rank: t.rank,
            benefits: t.benefits.clone(),
        }),
        qualified_tier: qualified.and_then(|q| tiers.get(q)).map(|t| t.id.clone()),
        lapses_at: lapses_at.map(|l| local_timestamp(l, tz)),
        lapses_to: lapses_to.and_then(|h| tiers.get(h)).map(|t| t.id.clone()),
        next_tier,
    })
}

fn check_history(
    rules: &CompiledRules,
    m: &CompiledMembership,
    limits: &Limits,
    req: &TierStatusRequest,
) -> Result<(), Error> {
    let mut p = Problems::new(1);
    let root = JsonPath::root();
    let hp = root.field("history");
    p.count(req.history.len(), limits.max_history, &hp);
    for (i, e) in req.history.iter().enumerate() {
        if !p.is_empty() {
            break;
        }
        let at = hp.index(i);
        match (m.metric, e.amount, e.points) {
            (QualificationMetric::PaidSpend, Some(a), None) => {
                crate::rules::amount_valid(a, rules.currency, &at.field("amount"), &mut p)
            }
            (QualificationMetric::PointsEarned, None, Some(_)) | (QualificationMetric::OrderCount, None, None) => {}
            (QualificationMetric::PaidSpend, None, _) => {
                p.add(ErrorCode::MissingField, &at, "give `amount`: tiers qualify on paid spend")
            }
            (QualificationMetric::PointsEarned, _, None) => {
                p.add(ErrorCode::MissingField, &at, "give `points`: tiers qualify on points earned")
            }
            _ => p.add(ErrorCode::ConflictingFields, &at, "give only the field the qualification metric uses"),
        }
    }
    match p.into_vec().into_iter().next() {
        Some(problem) => Err(Error::InvalidRequest(problem)),
        None => Ok(()),
    }
}

fn entry_value(metric: QualificationMetric, e: &QualifyingEntry) -> Decimal {
    match metric {
        QualificationMetric::PaidSpend => e.amount.map(Amount::value).unwrap_or_default(),
        QualificationMetric::PointsEarned => Decimal::from(e.points.unwrap_or(0)),
        QualificationMetric::OrderCount => Decimal::ONE,
    }
}

/// A value as shown: money with the currency's minor units, else whole.
fn show(metric: QualificationMetric, v: Decimal, rules: &CompiledRules) -> DecimalString {
    let mut v = v.normalize();
    if metric == QualificationMetric::PaidSpend {
        v.rescale(rules.currency.minor_units());
    }
    DecimalString(v)
}

/// When an entry made at `at` leaves a window of `months`.
fn exit_of(at: DateTime<Utc>, months: u32, tz: MerchantTimeZone) -> Option<DateTime<Utc>> {
    tz.start_of_day(add_months(tz.local_date(at), u64::from(months))?)
}

/// Records that every tier reached by `value` was reached until `end`.
fn mark(
    tiers: &[crate::rules::CompiledTier],
    value: Decimal,
    end: Option<DateTime<Utc>>,
    last_end: &mut [Option<Option<DateTime<Utc>>>],
) {
    for (t, slot) in tiers.iter().zip(last_end.iter_mut()) {
        if t.threshold <= value {
            *slot = Some(end);
        }
    }
}

/// Validity periods that have ended by local day `today` since the first
/// day `first` the tier was no longer reached: the m >= 1 with
/// `first + m × validity months <= today`.
fn periods_elapsed(first: NaiveDate, validity: u32, today: NaiveDate) -> u64 {
    let v = i64::from(validity.max(1));
    let months = i64::from(today.year())
        .saturating_sub(i64::from(first.year()))
        .saturating_mul(12)
        .saturating_add(i64::from(today.month()))
        .saturating_sub(i64::from(first.month()));
    let mut m = u64::try_from(months.max(0).checked_div(v).unwrap_or(0)).unwrap_or(0);
    let boundary = |m: u64| add_months(first, m.saturating_mul(u64::try_from(v).unwrap_or(1)));
    while m > 0 && boundary(m).is_none_or(|d| d > today) {
        m = m.saturating_sub(1);
    }
    while boundary(m.saturating_add(1)).is_some_and(|d| d <= today) {
        m = m.saturating_add(1);
    }
    m
}

/// The tier (index, ascending by rank) one source contributes at `at`: the
/// tier `j`, reached until `end`, less the validity periods elapsed since.
fn contribution(
    m: &CompiledMembership,
    j: usize,
    end: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
    tz: MerchantTimeZone,
) -> Option<usize> {
    let Some(end) = end else { return Some(j) };
    if end > at {
        return Some(j);
    }
    let k = periods_elapsed(tz.local_date(end), m.validity_months, tz.local_date(at));
    match m.downgrade {
        Downgrade::OneLevel => j.checked_sub(usize::try_from(k).ok()?),
        Downgrade::ToQualified => (k == 0).then_some(j),
    }
}

/// The tier held at `at`, assuming no activity after the history.
fn held_at(
    m: &CompiledMembership,
    last_end: &[Option<Option<DateTime<Utc>>>],
    at: DateTime<Utc>,
    tz: MerchantTimeZone,
) -> Option<usize> {
    last_end.iter().enumerate().filter_map(|(j, e)| e.and_then(|end| contribution(m, j, end, at, tz))).max()
}

/// When the tier `held` (held at `now`) stops being held, with no further
/// activity; `None`: never.
fn lapse_of(
    m: &CompiledMembership,
    last_end: &[Option<Option<DateTime<Utc>>>],
    held: usize,
    now: DateTime<Utc>,
    tz: MerchantTimeZone,
) -> Option<DateTime<Utc>> {
    let mut lapse: Option<DateTime<Utc>> = None;
    for (j, slot) in last_end.iter().enumerate() {
        let Some(end) = slot else { continue };
        if contribution(m, j, *end, now, tz).is_none_or(|c| c < held) {
            continue;
        }
        // A source held for ever never lapses.
        let end = (*end)?;
        let periods = match m.downgrade {
            Downgrade::OneLevel => j.checked_sub(held)?.checked_add(1)?,
            Downgrade::ToQualified => 1,
        };
        let months = u64::try_from(periods).ok()?.checked_mul(u64::from(m.validity_months))?;
        let day = add_months(tz.local_date(end), months)?;
        let t = tz.start_of_day(day)?;
        lapse = Some(lapse.map_or(t, |l| l.max(t)));
    }
    lapse
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_count_whole_validity_periods() {
        assert_eq!(periods_elapsed(d("2026-01-31"), 12, d("2027-01-30")), 0);
        assert_eq!(periods_elapsed(d("2026-01-31"), 12, d("2027-01-31")), 1);
        assert_eq!(periods_elapsed(d("2026-01-31"), 1, d("2026-02-28")), 1);
        assert_eq!(periods_elapsed(d("2026-01-31"), 1, d("2026-02-27")), 0);
        assert_eq!(periods_elapsed(d("2026-05-01"), 6, d("2028-11-01")), 5);
        assert_eq!(periods_elapsed(d("2026-05-01"), 6, d("2020-01-01")), 0);
    }
}
