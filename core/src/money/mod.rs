//! Exact money: currencies, decimal strings, rounding and allocation.

mod allocation;
mod amount;
mod currency;
mod exchange;
#[allow(clippy::module_inception)]
mod money;
mod narrow;
mod rounding;

pub use allocation::{allocate_even, allocate_proportional, AllocationError};
pub(crate) use allocation::{split_units, try_map};
pub use amount::{parse_decimal, Amount, DecimalParseError, DecimalString, Percent, DECIMAL_PATTERN};
pub use currency::{Currency, UnknownCurrency};
pub use exchange::{convert, PriceDirection, PriceGrid};
pub use money::{Money, MoneyError};
pub(crate) use narrow::{mul_i128, mul_u64, pow10_i128, pow10_i64};
pub(crate) use rounding::{div_rem, round_div};
pub use rounding::{Rounding, RoundingLevel, RoundingMode};
