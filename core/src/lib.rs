//! # commerce-rules
//!
//! Exact, deterministic commerce rules: catalog pricing and tax,
//! promotions and coupons (with the best combination), membership and
//! points, shipping quotes with delivery dates, and return refunds and price
//! protection, in one pipeline of fixed stages ([`Stage::ORDER`]).
//!
//! A merchant writes a [`rules::RuleSet`] (JSON). The host compiles it once
//! into an immutable [`Engine`] and asks it questions, each a request with an
//! explicit `now` and every piece of state the answer depends on. Money is
//! exact ([`Money`], rust_decimal, checked arithmetic), the core reads no
//! clock, environment or file, and every error carries a stable
//! [`ErrorCode`] and the JSON path at fault.
//!
//! ```
//! use commerce_rules::Engine;
//! let engine = Engine::from_json(r#"{
//!     "schema_version": 1, "currency": "USD", "time_zone": "America/New_York",
//!     "tax": {"prices_include_tax": false, "default_class": "ny",
//!             "classes": [{"id": "ny", "rate_percent": "8.875"}]}
//! }"#).unwrap();
//! let answer = engine.quote(&serde_json::from_str(r#"{
//!     "now": "2026-11-27T09:00:00-05:00",
//!     "lines": [{"id": "a", "sku": "MUG", "quantity": 2, "unit_price": "12.00"}]
//! }"#).unwrap()).unwrap();
//! assert_eq!(answer.totals.tax.to_string(), "2.13");
//! assert_eq!(answer.totals.grand_total.to_string(), "26.13");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(
    clippy::float_arithmetic,
    clippy::float_cmp,
    clippy::float_cmp_const,
    clippy::cast_precision_loss,
    clippy::lossy_float_literal,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

/// Implements `Deserialize` for a unit-only enum with the shared visitors
/// of `json::unit_enum` (one compiled copy for all such enums), given every
/// variant and its name as the enum's `#[serde]` attributes name it (the
/// derived `Serialize` must write the same names: a test checks them all).
/// `unit_enum!(Scope { Items = "items", Order = "order" });`
macro_rules! unit_enum {
    ($ty:ident { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $crate::json::unit_enum::UnitEnum for $ty {
            const NAME: &'static str = stringify!($ty);
            const ALL: &'static [Self] = &[$($ty::$variant),+];
            const NAMES: &'static [&'static str] = &[$($name),+];
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::json::unit_enum::deserialize(d)
            }
        }

        // Every variant is listed: this match fails to compile otherwise.
        const _: fn(&$ty) = |v| match v {
            $($ty::$variant)|+ => {}
        };
    };
}

mod engine;
mod error;
mod json;
mod limits;
pub mod messages;
pub mod money;
pub mod points;
mod quote;
pub mod reasons;
pub mod returns;
pub mod rules;
pub mod schema;
mod sort;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod time;
mod units;

pub use engine::{parse_rules_json, to_json, validate_rules_json, Engine, Question};
pub use error::{escape_control, Error, ErrorCode, ErrorReport, Problem};
pub use limits::Limits;
pub use money::{Currency, Money};
pub use quote::{
    Adjustment, AppliedPromotion, BestCouponsAnswer, BillableWeight, CartLine, Customer, DeliveryEstimate,
    DeliverySlot, Destination, Dimensions, DisplayCurrency, DisplayTotals, EarningReason, FreeShippingGrant, Hint,
    HintCode, LineAnswer, LinePoints, LineShipping, LineTax, NoShipping, NoShippingReason, NotEarned, ParcelQuote,
    PointsAnswer, PointsClamp, PointsReason, PointsRequest, PriceSource, PriceSourceKind, QuoteAnswer, QuoteRequest,
    RateStep, RateStepCode, ReasonCode, ReasonParams, RecommendedCoupon, Rejection, Selection, SelectionStrategy,
    ShippingAnswer, ShippingOption, ShippingPoints, ShippingReason, ShippingReasonParams, Stage, Step, StepCode,
    TaxSummary, Totals, UnavailableMethod, Usage, UsageCounter, Via, WalletCoupon, WalletSelection, DEFAULT_MAX_HINTS,
    MAX_EXACT_COMBINATIONS, MAX_HINTS,
};
pub use quote::{AmountOrigin, AmountSource, MarketAnswer, RoundedClass};
pub use quote::{
    CbecAccount, Collected, CustomsRequest, LandedCost, LandedLine, LandedPart, LandedRefusal, LengthUnit, Package,
    Weight, WeightUnit,
};
pub use quote::{PaymentAnswer, Tender, TenderKind, TenderPayment, MAX_TENDERS};
pub use reasons::{CustomsReason, LandedPartCode, LandedRegime};
pub use time::{MerchantTimeZone, Timestamp};
