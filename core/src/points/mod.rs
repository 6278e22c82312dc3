//! Membership tiers and points: the tier-status and points-balance
//! questions, point lots and their consumption, and the clawback of points
//! on returns.
//!
//! The quote's points stages (redemption in stage 4, earning after the
//! totals) live in the quote pipeline and use the same lots and splits.
//! See `docs/points.md`.

mod balance;
mod bonus;
mod clawback;
pub(crate) mod dates;
pub(crate) mod lots;
pub(crate) mod split;
mod tier;

pub(crate) use balance::balance;
pub use balance::{Expiring, PointsBalanceAnswer, PointsBalanceRequest};
pub use bonus::{BonusKind, BonusReversal, EarnedBonus, LineBonus};
pub(crate) use clawback::{clawback, clawback_with_bonuses};
pub use clawback::{
    settled_after, ClawbackLine, ClawbackLineAnswer, PointsClawback, PointsClawbackRequest, ReturnedLot,
};
pub use lots::{LotConsumption, PointLot};
pub(crate) use tier::tier_status;
pub use tier::{NextTier, QualifyingEntry, TierInfo, TierStatusAnswer, TierStatusRequest};
