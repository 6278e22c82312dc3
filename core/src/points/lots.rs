//! Point lots: what the customer holds, as the host sends it, and the
//! consumption of the soonest-expiring lots first.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dates::{expiry_of, local_timestamp};
use crate::rules::{ExpiryPolicy, JsonPath, Problems};
use crate::time::MerchantTimeZone;
use crate::{ErrorCode, Limits, Timestamp};

/// A lot of points the customer holds: earned at one time, expiring at one time.
///
/// ```
/// use commerce_rules::points::PointLot;
/// let lot: PointLot = serde_json::from_str(r#"{"id": "L1", "earned_at": "2026-01-05T10:00:00+08:00",
///     "amount": 1200, "expires_at": "2027-01-05T00:00:00+08:00"}"#).unwrap();
/// assert_eq!(lot.amount, 1200);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointLot {
    /// The host's id of the lot, unique in the request; named in consumptions.
    pub id: String,
    /// When the points were credited. A lot earned after `now` is pending, not available.
    pub earned_at: Timestamp,
    /// Points in the lot, not negative (a debt goes in `debt`).
    pub amount: i64,
    /// When the lot expires (exclusive). Absent: the rule set's expiry policy applies to `earned_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// Points taken from one lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LotConsumption {
    /// The lot.
    pub lot_id: String,
    /// Points taken from it.
    pub points: u64,
    /// When the lot expires, in the merchant's zone; absent: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// A lot with its expiry resolved.
#[derive(Debug, Clone)]
pub(crate) struct Resolved<'a> {
    pub(crate) id: &'a str,
    pub(crate) earned: DateTime<Utc>,
    pub(crate) amount: u64,
    pub(crate) expires: Option<DateTime<Utc>>,
}

/// Checks lots: their count, ids, amounts and windows. `at` is the path of the list.
pub(crate) fn check_lots(lots: &[PointLot], limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) {
    p.count(lots.len(), limits.max_lots, at);
    let mut ids = HashSet::with_capacity(lots.len());
    for (i, lot) in lots.iter().enumerate() {
        let lp = at.index(i);
        p.id(&lot.id, limits.max_id_bytes, &lp.field("id"));
        if !ids.insert(lot.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &lp.field("id"), format!("lot `{}` is listed twice", lot.id));
        }
        if lot.amount < 0 {
            p.add(
                ErrorCode::OutOfRange,
                &lp.field("amount"),
                format!("must be >= 0, not {}: a lot holds points; send what the customer owes as `debt`", lot.amount),
            );
        }
        p.check(
            crate::time::too_late(lot.earned_at),
            ErrorCode::OutOfRange,
            &lp.field("earned_at"),
            &format!("must be before {}-01-01T00:00:00Z", crate::time::LATEST_NOW_YEAR),
        );
        if let Some(e) = lot.expires_at {
            p.check(
                e.utc() <= lot.earned_at.utc(),
                ErrorCode::InvalidWindow,
                &lp.field("expires_at"),
                "must be after earned_at",
            );
        }
    }
}

/// Resolves every lot's expiry and sorts them in consumption order: soonest
/// expiry first (never last), then earliest earned, then id. The result
/// does not depend on the order of `lots`.
pub(crate) fn resolve(lots: &[PointLot], policy: ExpiryPolicy, tz: MerchantTimeZone) -> Vec<Resolved<'_>> {
    let mut out: Vec<Resolved<'_>> = lots
        .iter()
        .map(|l| Resolved {
            id: &l.id,
            earned: l.earned_at.utc(),
            amount: u64::try_from(l.amount).unwrap_or(0),
            expires: l.expires_at.map(Timestamp::utc).or_else(|| expiry_of(policy, l.earned_at.utc(), tz)),
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| {
        (a.expires.is_none(), a.expires, a.earned, a.id, a.amount).cmp(&(
            b.expires.is_none(),
            b.expires,
            b.earned,
            b.id,
            b.amount,
        ))
    });
    out
}

/// The lots available at `now` (earned, not expired), in consumption order.
pub(crate) fn available<'a>(sorted: &'a [Resolved<'a>], now: DateTime<Utc>) -> impl Iterator<Item = &'a Resolved<'a>> {
    sorted.iter().filter(move |l| l.earned <= now && l.expires.is_none_or(|e| now < e))
}

/// The sum of the available lots; `None` on overflow.
pub(crate) fn total<'a>(lots: impl Iterator<Item = &'a Resolved<'a>>) -> Option<u64> {
    lots.into_iter().try_fold(0_u64, |a, l| a.checked_add(l.amount))
}

/// Takes `take` points from the available lots in order, after skipping the
/// first `skip` points (a debt, or points already taken). Stops early when
/// the lots run out: the caller clamps `take` to the balance first.
pub(crate) fn consume<'a>(
    lots: impl Iterator<Item = &'a Resolved<'a>>,
    skip: u64,
    take: u64,
    tz: MerchantTimeZone,
) -> Vec<LotConsumption> {
    let mut skip = skip;
    let mut take = take;
    let mut out = Vec::new();
    for lot in lots {
        if take == 0 {
            break;
        }
        let skipped = skip.min(lot.amount);
        skip = skip.saturating_sub(skipped);
        let left = lot.amount.saturating_sub(skipped);
        let n = left.min(take);
        if n > 0 {
            take = take.saturating_sub(n);
            out.push(LotConsumption {
                lot_id: lot.id.to_string(),
                points: n,
                expires_at: lot.expires.map(|e| local_timestamp(e, tz)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot(id: &str, amount: i64, expires: Option<&str>) -> PointLot {
        PointLot {
            id: id.into(),
            earned_at: "2026-01-01T00:00:00+08:00".parse().unwrap(),
            amount,
            expires_at: expires.map(|e| e.parse().unwrap()),
        }
    }

    #[test]
    fn soonest_expiry_first_and_never_last_whatever_the_order() {
        let tz: MerchantTimeZone = "Asia/Shanghai".parse().unwrap();
        let lots = vec![
            lot("never", 500, None),
            lot("late", 300, Some("2027-06-01T00:00:00+08:00")),
            lot("soon", 200, Some("2026-12-01T00:00:00+08:00")),
        ];
        let now = "2026-11-11T12:00:00+08:00".parse::<Timestamp>().unwrap().utc();
        let sorted = resolve(&lots, ExpiryPolicy::Never, tz);
        let taken = consume(available(&sorted, now), 100, 600, tz);
        let got: Vec<(&str, u64)> = taken.iter().map(|c| (c.lot_id.as_str(), c.points)).collect();
        assert_eq!(got, [("soon", 100), ("late", 300), ("never", 200)]);
        let mut reversed = lots.clone();
        reversed.reverse();
        let sorted2 = resolve(&reversed, ExpiryPolicy::Never, tz);
        assert_eq!(consume(available(&sorted2, now), 100, 600, tz), taken);
    }
}
