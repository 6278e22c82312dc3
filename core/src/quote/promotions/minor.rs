//! Amounts in minor units (cents, fen) for the promotion stages.
//!
//! Every line amount the stages handle is already rounded to the currency's
//! minor units, so sums, differences, caps and splits are exact integer
//! arithmetic (checked); only percentages and unit prices go through
//! `Decimal`, rounded back with the rule set's mode.

use rust_decimal::Decimal;

use crate::money::{Amount, Currency, Money, MoneyError, RoundingMode};

/// An amount in minor units.
pub(crate) type Minor = i128;

/// Converts between minor units and decimals for one currency and mode.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Units {
    pub(crate) currency: Currency,
    pub(crate) mode: RoundingMode,
}

impl Units {
    fn scale(self) -> u32 {
        self.currency.minor_units()
    }

    /// The decimal value of `m` minor units.
    pub(crate) fn decimal(self, m: Minor) -> Result<Decimal, MoneyError> {
        Decimal::try_from_i128_with_scale(m, self.scale()).map_err(|_| MoneyError::Overflow)
    }

    /// `m` minor units as money.
    pub(crate) fn money(self, m: Minor) -> Result<Money, MoneyError> {
        Ok(Money::new(self.decimal(m)?, self.currency))
    }

    /// A decimal rounded to minor units with the mode.
    pub(crate) fn round(self, d: Decimal) -> Result<Minor, MoneyError> {
        Money::new(self.mode.round(d, self.scale()), self.currency).to_minor().ok_or(MoneyError::Overflow)
    }

    /// A validated rule-set amount in minor units.
    pub(crate) fn amount(self, a: Amount) -> Result<Minor, MoneyError> {
        Money::new(a.value(), self.currency).to_minor().ok_or(MoneyError::Overflow)
    }

    /// Money already rounded to minor units.
    pub(crate) fn of(self, m: Money) -> Result<Minor, MoneyError> {
        m.to_minor().ok_or(MoneyError::Overflow)
    }

    /// `m × fraction`, rounded.
    pub(crate) fn times(self, m: Minor, fraction: Decimal) -> Result<Minor, MoneyError> {
        self.round(self.decimal(m)?.checked_mul(fraction).ok_or(MoneyError::Overflow)?)
    }

    /// The exact unit price of `m` spread over `units` units.
    pub(crate) fn per_unit(self, m: Minor, units: u64) -> Result<Decimal, MoneyError> {
        if units == 0 {
            return Err(MoneyError::DivisionByZero);
        }
        self.decimal(m)?.checked_div(Decimal::from(units)).ok_or(MoneyError::Overflow)
    }
}

/// `a + b`, checked.
pub(crate) fn add(a: Minor, b: Minor) -> Result<Minor, MoneyError> {
    a.checked_add(b).ok_or(MoneyError::Overflow)
}

/// `a - b`, checked.
pub(crate) fn sub(a: Minor, b: Minor) -> Result<Minor, MoneyError> {
    a.checked_sub(b).ok_or(MoneyError::Overflow)
}

/// `a × n`, checked.
pub(crate) fn mul(a: Minor, n: u64) -> Result<Minor, MoneyError> {
    a.checked_mul(Minor::from(n)).ok_or(MoneyError::Overflow)
}

/// Splits `total` (≥ 0) over `weights` (≥ 0) by the largest remainder method.
pub(crate) fn split(total: Minor, weights: &[Minor]) -> Result<Vec<Minor>, MoneyError> {
    let total = u128::try_from(total).map_err(|_| MoneyError::Overflow)?;
    let weights =
        weights.iter().map(|w| u128::try_from(*w).map_err(|_| MoneyError::Overflow)).collect::<Result<Vec<_>, _>>()?;
    crate::money::split_units(total, &weights)
        .map_err(|_| MoneyError::Overflow)?
        .into_iter()
        .map(|p| Minor::try_from(p).map_err(|_| MoneyError::Overflow))
        .collect()
}
