//! Points clawback on returns: points earned on returned units are
//! reversed, points redeemed on them are given back.
//!
//! Each line's points are prorated by quantity on cumulative returns:
//! after returning `r` of `q` units, `floor(points × r / q)` have been
//! settled. A return settles the difference with the earlier returns, so the
//! last return settles the remainder and a full return settles exactly the
//! line's points.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dates::{expiry_of, local_timestamp};
use super::lots::LotConsumption;
use crate::money::Money;
use crate::rules::{CompiledRules, JsonPath, Problems, ReturnedPointsExpiry, SpentEarnedPoints};
use crate::{Error, ErrorCode, Limits, Timestamp};

/// The points of a receipt's lines and what is being returned.
///
/// ```
/// use commerce_rules::points::PointsClawbackRequest;
/// let req: PointsClawbackRequest = serde_json::from_str(r#"{"now": "2026-11-20T10:00:00+08:00",
///     "lines": [{"line_id": "1", "quantity": 3, "earned": 100, "redeemed": 0, "returning": 1}],
///     "balance": 40}"#).unwrap();
/// assert_eq!(req.lines[0].returned_before, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsClawbackRequest {
    /// The moment of the return.
    pub now: Timestamp,
    /// The receipt's lines, with their points (from the quote's `lines[].points`).
    pub lines: Vec<ClawbackLine>,
    /// The lots the receipt's redemption consumed (the quote's
    /// `points.lots_consumed`); needed to give points back with their
    /// original expiry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redeemed_lots: Vec<LotConsumption>,
    /// The customer's available points now (negative when in debt).
    #[serde(default)]
    pub balance: i64,
}

/// One receipt line's points and the units returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClawbackLine {
    /// The receipt's line id.
    pub line_id: String,
    /// Units bought, at least 1.
    pub quantity: u32,
    /// Points the line earned.
    #[serde(default)]
    pub earned: u64,
    /// Points redeemed on the line.
    #[serde(default)]
    pub redeemed: u64,
    /// Units returned earlier.
    #[serde(default)]
    pub returned_before: u32,
    /// Units returned now.
    pub returning: u32,
}

/// What a return does to the customer's points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PointsClawback {
    /// Per line, in line-id order.
    pub lines: Vec<ClawbackLineAnswer>,
    /// Earned points reversed in all (at the rate; bonuses are in `bonus_reversed`).
    pub earned_reversed: u64,
    /// Bonus points reversed by this return, in all.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bonus_reversed: u64,
    /// Each bonus reversed by this return, with the rule it was reversed by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bonuses: Vec<super::BonusReversal>,
    /// Redeemed points given back in all (into lots still valid at `now`).
    pub redeemed_returned: u64,
    /// Redeemed points that would go back into a lot already expired at
    /// `now`: they are expired, not given back, and worth nothing.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub redeemed_expired: u64,
    /// The lots to credit for the points given back.
    pub returned_lots: Vec<ReturnedLot>,
    /// The lots, already expired at `now`, the expired points came from (not to credit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_lots: Vec<ReturnedLot>,
    /// Reversed points (earned and bonus) taken from the balance (including the points given back now).
    pub taken_from_balance: u64,
    /// Reversed points the balance could not cover.
    pub shortfall: u64,
    /// With `deduct_from_refund`: the shortfall's value, to deduct from the refund (rounded up to the minor unit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_deduction: Option<Money>,
    /// With `negative_balance` (or without a redemption rate to value points): the points the customer now owes.
    pub debt: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One line's clawback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ClawbackLineAnswer {
    /// The line id.
    pub line_id: String,
    /// Earned points reversed.
    pub earned_reversed: u64,
    /// Redeemed points given back on the line (into lots still valid at `now`).
    pub redeemed_returned: u64,
    /// Redeemed points settled on the line that would go back into a lot
    /// already expired: expired, not given back. The order's
    /// `redeemed_expired` is split over the lines in proportion to the
    /// points each settles (largest remainder, line-id order).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub redeemed_expired: u64,
}

/// Points given back, to credit as a lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReturnedLot {
    /// The lot they came from, with the `original` policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_lot_id: Option<String>,
    /// Points.
    pub points: u64,
    /// When they expire, with the merchant's offset; absent: never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// The points of `total` settled after returning `returned` of `quantity` units.
///
/// ```
/// use commerce_rules::points::settled_after;
/// // 100 points over 3 units: 33, then 66, then all 100.
/// assert_eq!([1, 2, 3].map(|r| settled_after(100, 3, r)), [Some(33), Some(66), Some(100)]);
/// ```
pub fn settled_after(total: u64, quantity: u32, returned: u32) -> Option<u64> {
    if quantity == 0 || returned > quantity {
        return None;
    }
    let v = u128::from(total).checked_mul(u128::from(returned))?.checked_div(u128::from(quantity))?;
    u64::try_from(v).ok()
}

/// Computes the clawback of a return.
pub(crate) fn clawback(
    rules: &CompiledRules,
    limits: &Limits,
    req: &PointsClawbackRequest,
) -> Result<PointsClawback, Error> {
    clawback_with_bonuses(rules, limits, req, Vec::new())
}

/// Computes the clawback of a return that also reverses `bonuses` (worked
/// out by the returns stage from the receipt): they come out of the
/// balance with the earned points reversed.
pub(crate) fn clawback_with_bonuses(
    rules: &CompiledRules,
    limits: &Limits,
    req: &PointsClawbackRequest,
    bonuses: Vec<super::BonusReversal>,
) -> Result<PointsClawback, Error> {
    crate::time::check_now(req.now, "now")?;
    check(limits, req)?;
    let overflow = || Error::request(ErrorCode::ArithmeticOverflow, "lines", "too many points to add up");
    let policy = rules.points.as_ref().map(|p| p.clawback).unwrap_or_default();
    let tz = rules.time_zone;
    let mut lines: Vec<&ClawbackLine> = req.lines.iter().collect();
    crate::sort::sort_by(&mut lines, |a, b| a.line_id.cmp(&b.line_id));
    let mut out = Vec::with_capacity(lines.len());
    let (mut earned, mut redeemed) = (0_u64, 0_u64);
    let (mut redeemed_total, mut redeemed_before) = (0_u64, 0_u64);
    for l in lines {
        let after = l.returned_before.checked_add(l.returning).ok_or_else(overflow)?;
        let settle = |points: u64, r: u32| settled_after(points, l.quantity, r).ok_or_else(overflow);
        let e = settle(l.earned, after)?.checked_sub(settle(l.earned, l.returned_before)?).ok_or_else(overflow)?;
        let before = settle(l.redeemed, l.returned_before)?;
        let r = settle(l.redeemed, after)?.checked_sub(before).ok_or_else(overflow)?;
        earned = earned.checked_add(e).ok_or_else(overflow)?;
        redeemed = redeemed.checked_add(r).ok_or_else(overflow)?;
        redeemed_total = redeemed_total.checked_add(l.redeemed).ok_or_else(overflow)?;
        redeemed_before = redeemed_before.checked_add(before).ok_or_else(overflow)?;
        out.push(ClawbackLineAnswer {
            line_id: l.line_id.clone(),
            earned_reversed: e,
            redeemed_returned: r,
            redeemed_expired: 0,
        });
    }

    let returned_lots = match policy.returned_points_expiry {
        _ if redeemed == 0 => Vec::new(),
        ReturnedPointsExpiry::New => {
            let expiry = rules.points.as_ref().and_then(|p| expiry_of(p.expiry, req.now.utc(), tz));
            vec![ReturnedLot {
                from_lot_id: None,
                points: redeemed,
                expires_at: expiry.map(|e| local_timestamp(e, tz)),
            }]
        }
        ReturnedPointsExpiry::Original => give_back_original(req, redeemed_total, redeemed_before, redeemed)?,
    };

    // Points that would go back into a lot already expired are expired.
    let now = req.now.utc();
    let (expired_lots, returned_lots): (Vec<ReturnedLot>, Vec<ReturnedLot>) =
        returned_lots.into_iter().partition(|l| l.expires_at.is_some_and(|e| e.utc() <= now));
    let redeemed_expired = expired_lots.iter().try_fold(0_u64, |a, l| a.checked_add(l.points)).ok_or_else(overflow)?;
    let redeemed_live = redeemed.checked_sub(redeemed_expired).ok_or_else(overflow)?;
    if redeemed_expired > 0 {
        let weights: Vec<Decimal> = out.iter().map(|l| Decimal::from(l.redeemed_returned)).collect();
        let parts = super::split::split(redeemed_expired, &weights).ok_or_else(overflow)?;
        for (line, x) in out.iter_mut().zip(parts) {
            // The split is in proportion to the points settled, so no part exceeds them.
            line.redeemed_returned = line.redeemed_returned.checked_sub(x).ok_or_else(overflow)?;
            line.redeemed_expired = x;
        }
    }

    // Reversal comes out of the balance, the points given back (and still valid) included.
    let balance = u64::try_from(req.balance.max(0)).unwrap_or(0).checked_add(redeemed_live).ok_or_else(overflow)?;
    let bonus_reversed = bonuses.iter().try_fold(0_u64, |a, b| a.checked_add(b.points)).ok_or_else(overflow)?;
    let reversing = earned.checked_add(bonus_reversed).ok_or_else(overflow)?;
    let taken = reversing.min(balance);
    let shortfall = reversing.saturating_sub(taken);
    let redemption = rules.points.as_ref().and_then(|p| p.redemption);
    let (refund_deduction, debt) = match (policy.spent_earned_points, redemption) {
        (SpentEarnedPoints::DeductFromRefund, Some(r)) => (Some(value_rounded_up(shortfall, r, rules)?), 0),
        _ => (None, shortfall),
    };
    Ok(PointsClawback {
        lines: out,
        earned_reversed: earned,
        bonus_reversed,
        bonuses,
        redeemed_returned: redeemed_live,
        redeemed_expired,
        returned_lots,
        expired_lots,
        taken_from_balance: taken,
        shortfall,
        refund_deduction,
        debt,
    })
}

/// The value of `points` at the redemption rate, rounded up to the minor unit.
fn value_rounded_up(points: u64, r: crate::rules::CompiledRedemption, rules: &CompiledRules) -> Result<Money, Error> {
    let units = points.div_ceil(r.unit_points.max(1));
    let minor = units
        .checked_mul(r.unit_minor)
        .and_then(|m| i64::try_from(m).ok())
        .ok_or_else(|| Error::request(ErrorCode::ArithmeticOverflow, "lines", "points value out of range"))?;
    Ok(Money::from_minor(minor, rules.currency))
}

/// Gives back points into the lots they came from, latest-expiring first:
/// the redemption consumed lots soonest-expiring first, and returns undo it
/// from the end, so that over every return each lot gets back exactly what
/// it gave.
fn give_back_original(
    req: &PointsClawbackRequest,
    redeemed_total: u64,
    before: u64,
    now: u64,
) -> Result<Vec<ReturnedLot>, Error> {
    let sum = req.redeemed_lots.iter().try_fold(0_u64, |a, l| a.checked_add(l.points));
    if sum != Some(redeemed_total) {
        return Err(Error::request(
            ErrorCode::ConflictingFields,
            "redeemed_lots",
            format!(
                "must sum to the points redeemed on the lines ({redeemed_total}), to give them back with their expiry"
            ),
        ));
    }
    let mut lots: Vec<&LotConsumption> = req.redeemed_lots.iter().collect();
    crate::sort::sort_by(&mut lots, |a, b| {
        (a.expires_at.is_none(), a.expires_at.map(Timestamp::utc), &a.lot_id).cmp(&(
            b.expires_at.is_none(),
            b.expires_at.map(Timestamp::utc),
            &b.lot_id,
        ))
    });
    // Positions counted from the end of the consumption: [before, before + now).
    let mut out = Vec::new();
    let mut from_end = 0_u64;
    let end = before.saturating_add(now);
    for lot in lots.iter().rev() {
        let lo = from_end;
        let hi = from_end.saturating_add(lot.points);
        from_end = hi;
        let take = hi.min(end).saturating_sub(lo.max(before));
        if take > 0 {
            out.push(ReturnedLot { from_lot_id: Some(lot.lot_id.clone()), points: take, expires_at: lot.expires_at });
        }
    }
    Ok(out)
}

fn check(limits: &Limits, req: &PointsClawbackRequest) -> Result<(), Error> {
    let mut p = Problems::new(1);
    let root = JsonPath::root();
    let lp = root.field("lines");
    p.count(req.lines.len(), limits.max_lines, &lp);
    let mut ids = std::collections::HashSet::new();
    for (i, l) in req.lines.iter().enumerate() {
        let at = lp.index(i);
        p.id(&l.line_id, limits.max_id_bytes, &at.field("line_id"));
        if !ids.insert(l.line_id.as_str()) {
            p.add(ErrorCode::DuplicateId, &at.field("line_id"), format!("line `{}` is listed twice", l.line_id));
        }
        p.check(l.quantity < 1, ErrorCode::OutOfRange, &at.field("quantity"), "must be >= 1");
        if u64::from(l.returned_before).saturating_add(u64::from(l.returning)) > u64::from(l.quantity) {
            p.add(
                ErrorCode::OutOfRange,
                &at.field("returning"),
                format!("returned_before + returning must not exceed the quantity {}", l.quantity),
            );
        }
    }
    let rp = root.field("redeemed_lots");
    p.count(req.redeemed_lots.len(), limits.max_lots, &rp);
    match p.into_vec().into_iter().next() {
        Some(problem) => Err(Error::InvalidRequest(problem)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(policy: &str) -> CompiledRules {
        let rules: crate::rules::RuleSet = serde_json::from_str(&format!(
            r#"{{"schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
                "tax": {{"prices_include_tax": true, "default_class": "std", "classes": [{{"id": "std", "rate_percent": "13"}}]}},
                "points": {{"redemption": {{"points_per_unit": 100}},
                           "expiry": {{"policy": "fixed_date", "date": "2026-06-30"}},
                           "clawback": {{"returned_points_expiry": "{policy}"}}}}}}"#
        ))
        .unwrap();
        crate::rules::compile(&rules, &Limits::default()).unwrap()
    }

    /// 600 points redeemed on one line of 2 units: 400 from `old`
    /// (expiring 2026-12-01), 200 from `new` (2027-06-01).
    fn request(now: &str, returning: u32, returned_before: u32, balance: i64) -> PointsClawbackRequest {
        serde_json::from_str(&format!(
            r#"{{"now": "{now}", "balance": {balance},
                "lines": [{{"line_id": "A", "quantity": 2, "earned": 100, "redeemed": 600,
                            "returned_before": {returned_before}, "returning": {returning}}}],
                "redeemed_lots": [
                    {{"lot_id": "old", "points": 400, "expires_at": "2026-12-01T00:00:00+08:00"}},
                    {{"lot_id": "new", "points": 200, "expires_at": "2027-06-01T00:00:00+08:00"}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn points_going_back_into_an_expired_lot_are_expired_not_returned() {
        let rules = compiled("original");
        // Before `old` expires, everything goes back.
        let c = clawback(&rules, &Limits::default(), &request("2026-11-20T10:00:00+08:00", 2, 0, 0)).unwrap();
        assert_eq!((c.redeemed_returned, c.redeemed_expired), (600, 0));
        assert!(c.expired_lots.is_empty());
        // At its expiry instant (exclusive), the 400 from `old` are expired.
        let c = clawback(&rules, &Limits::default(), &request("2026-12-01T00:00:00+08:00", 2, 0, 0)).unwrap();
        assert_eq!((c.redeemed_returned, c.redeemed_expired), (200, 400));
        assert_eq!((c.lines[0].redeemed_returned, c.lines[0].redeemed_expired), (200, 400));
        assert_eq!(c.returned_lots.iter().map(|l| l.from_lot_id.as_deref()).collect::<Vec<_>>(), [Some("new")]);
        assert_eq!(c.expired_lots.len(), 1);
        assert_eq!((c.expired_lots[0].from_lot_id.as_deref(), c.expired_lots[0].points), (Some("old"), 400));
        // The expired points do not cover the 100 earned points reversed:
        // the 200 given back do.
        assert_eq!((c.taken_from_balance, c.shortfall), (100, 0));
        // Returned one unit at a time: the first goes back into `new` (the
        // latest-expiring lot), the second into the expired `old`.
        let first = clawback(&rules, &Limits::default(), &request("2026-12-05T10:00:00+08:00", 1, 0, 0)).unwrap();
        assert_eq!((first.redeemed_returned, first.redeemed_expired), (200, 100));
        let second = clawback(&rules, &Limits::default(), &request("2026-12-05T10:00:00+08:00", 1, 1, 0)).unwrap();
        assert_eq!((second.redeemed_returned, second.redeemed_expired), (0, 300));
        assert!(second.returned_lots.is_empty());
        // Nothing given back to cover the 50 earned points reversed.
        assert_eq!((second.taken_from_balance, second.shortfall), (0, 50));
    }

    #[test]
    fn a_new_lot_already_expired_is_expired() {
        // With `new`, points expire under the policy from the return: a
        // fixed date already past leaves nothing to give back.
        let rules = compiled("new");
        let c = clawback(&rules, &Limits::default(), &request("2026-11-20T10:00:00+08:00", 2, 0, 0)).unwrap();
        assert_eq!((c.redeemed_returned, c.redeemed_expired), (0, 600));
        assert!(c.returned_lots.is_empty());
        assert_eq!(c.expired_lots.iter().map(|l| l.points).sum::<u64>(), 600);
    }

    #[test]
    fn a_now_past_9000_is_refused() {
        let rules = compiled("original");
        let e = clawback(&rules, &Limits::default(), &request("9999-12-31T10:00:00+08:00", 2, 0, 0)).unwrap_err();
        assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "now"));
    }
}
