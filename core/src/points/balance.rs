//! The points-balance question: available points and what expires when.

use chrono::Duration;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dates::local_timestamp;
use super::lots::{available, check_lots, resolve, PointLot};
use crate::rules::{CompiledRules, ExpiryPolicy, JsonPath, Problems};
use crate::time::LocalDate;
use crate::{Error, ErrorCode, Limits, Timestamp};

/// A points-balance request: the customer's lots and `now`.
///
/// ```
/// use commerce_rules::points::PointsBalanceRequest;
/// let req: PointsBalanceRequest = serde_json::from_str(r#"{"now": "2026-11-11T20:00:00+08:00",
///     "lots": [{"id": "L1", "earned_at": "2026-01-05T10:00:00+08:00", "amount": 1200}]}"#).unwrap();
/// assert_eq!(req.debt, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsBalanceRequest {
    /// The moment the balance is for.
    pub now: Timestamp,
    /// The customer's lots.
    #[serde(default)]
    pub lots: Vec<PointLot>,
    /// Points the customer owes (a balance gone negative after a clawback);
    /// it uses up the soonest-expiring lots first.
    #[serde(default)]
    pub debt: u64,
}

/// The customer's points at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PointsBalanceAnswer {
    /// The merchant's time zone, in which the dates fall.
    pub time_zone: String,
    /// Points usable now: the available lots less the debt (negative when the debt is larger).
    pub available: i64,
    /// Points in lots earned and not expired.
    pub in_lots: u64,
    /// The debt sent.
    pub debt: u64,
    /// Points in lots earned after `now` (not usable yet).
    pub pending: u64,
    /// Usable points that never expire.
    pub never_expiring: u64,
    /// What expires when, soonest first, after the debt has used up the soonest lots.
    pub expiring: Vec<Expiring>,
}

/// Points that expire at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Expiring {
    /// When they expire (exclusive), with the merchant's offset.
    pub expires_at: Timestamp,
    /// The last local day they can be used.
    pub last_day: LocalDate,
    /// How many points.
    pub points: u64,
}

/// Answers the points-balance question.
pub(crate) fn balance(
    rules: &CompiledRules,
    limits: &Limits,
    req: &PointsBalanceRequest,
) -> Result<PointsBalanceAnswer, Error> {
    crate::time::check_now(req.now, "now")?;
    let mut p = Problems::new(1);
    check_lots(&req.lots, limits, &JsonPath::root().field("lots"), &mut p);
    if let Some(problem) = p.into_vec().into_iter().next() {
        return Err(Error::InvalidRequest(problem));
    }
    let tz = rules.time_zone;
    let now = req.now.utc();
    let policy = rules.points.as_ref().map_or(ExpiryPolicy::Never, |pc| pc.expiry);
    let sorted = resolve(&req.lots, policy, tz);
    let overflow = || Error::request(ErrorCode::ArithmeticOverflow, "lots", "too many points to add up");
    let mut in_lots = 0_u64;
    let mut pending = 0_u64;
    for lot in &sorted {
        if lot.earned > now {
            pending = pending.checked_add(lot.amount).ok_or_else(overflow)?;
        }
    }
    let mut skip = req.debt;
    let mut never_expiring = 0_u64;
    let mut expiring: Vec<Expiring> = Vec::new();
    for lot in available(&sorted, now) {
        in_lots = in_lots.checked_add(lot.amount).ok_or_else(overflow)?;
        let skipped = skip.min(lot.amount);
        skip = skip.saturating_sub(skipped);
        let left = lot.amount.saturating_sub(skipped);
        if left == 0 {
            continue;
        }
        match lot.expires {
            None => never_expiring = never_expiring.checked_add(left).ok_or_else(overflow)?,
            Some(e) => match expiring.last_mut() {
                Some(last) if last.expires_at.utc() == e => {
                    last.points = last.points.checked_add(left).ok_or_else(overflow)?;
                }
                _ => expiring.push(Expiring {
                    expires_at: local_timestamp(e, tz),
                    last_day: LocalDate(tz.local_date(e.checked_sub_signed(Duration::nanoseconds(1)).unwrap_or(e))),
                    points: left,
                }),
            },
        }
    }
    let signed = |v: u64| i64::try_from(v).map_err(|_| overflow());
    Ok(PointsBalanceAnswer {
        time_zone: tz.name().to_string(),
        available: signed(in_lots)?.checked_sub(signed(req.debt)?).ok_or_else(overflow)?,
        in_lots,
        debt: req.debt,
        pending,
        never_expiring,
        expiring,
    })
}
