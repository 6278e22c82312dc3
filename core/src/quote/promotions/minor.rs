//! Amounts in minor units (cents, fen) for the promotion stages.
//!
//! Every line amount the stages handle is already rounded to the currency's
//! minor units, so sums, differences, caps and splits are exact integer
//! arithmetic (checked); only percentages and unit prices go through
//! `Decimal`, rounded back with the rule set's mode.

use rust_decimal::Decimal;

use crate::money::{div_rem, round_div, Amount, Currency, Money, MoneyError, RoundingMode};

/// A fraction (a percentage over 100) and, when products by it are exact
/// in 64 bits, its digits and the power of ten they are over.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fraction {
    pub(crate) value: Decimal,
    digits: Option<(i64, i64)>,
}

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
        if let Some(exact) = self.times_in_integers(m, fraction) {
            return Ok(exact);
        }
        self.round(self.decimal(m)?.checked_mul(fraction).ok_or(MoneyError::Overflow)?)
    }

    /// `m × fraction` rounded, in integers: `m × mantissa / 10^scale`.
    ///
    /// Taken only when the decimal product is exact (its digits fit the 96
    /// bits of a `Decimal` and its scale is at most 28), so it is the
    /// decimal path's answer to the unit, without its arithmetic.
    fn times_in_integers(self, m: Minor, fraction: Decimal) -> Option<Minor> {
        const DECIMAL_DIGITS: u128 = 1 << 96;
        let scale = fraction.scale();
        if self.scale().checked_add(scale)? > 28 || m.unsigned_abs() >= DECIMAL_DIGITS {
            return None;
        }
        let product = crate::money::mul_i128(m, fraction.mantissa())?;
        if product.unsigned_abs() >= DECIMAL_DIGITS {
            return None;
        }
        Some(round_div(product, crate::money::pow10_i128(scale)?, self.mode))
    }

    /// `k` units of `amount` (minor units, `k` > 0) each discounted by
    /// `fraction` and rounded: the unit price times `fraction`, rounded, `k`
    /// times.
    pub(crate) fn per_unit_times(self, amount: Minor, k: u64, fraction: Decimal) -> Result<Minor, MoneyError> {
        let (each, rest) = div_rem(amount, i128::from(k.max(1)));
        let each = if rest == 0 {
            self.times(each, fraction)?
        } else {
            self.round(self.per_unit(amount, k.max(1))?.checked_mul(fraction).ok_or(MoneyError::Overflow)?)?
        };
        mul(each, k.max(1))
    }

    /// `fraction` with its digits ready for [`Units::times_by`] and
    /// [`Units::per_unit_times_by`]: worked out once for a percentage that
    /// is applied line after line.
    pub(crate) fn fraction(self, value: Decimal) -> Fraction {
        // The integer path is exact while the product's scale stays within
        // a `Decimal`'s 28 (as in `times_in_integers`); in 64 bits its
        // digits also stay within a `Decimal`'s 96.
        let exact = self.scale().checked_add(value.scale()).is_some_and(|s| s <= 28);
        let digits = exact
            .then(|| Some((i64::try_from(value.mantissa()).ok()?, crate::money::pow10_i64(value.scale())?)))
            .flatten();
        Fraction { value, digits }
    }

    /// [`Units::times`] by a prepared fraction: in 64 bits when the product
    /// fits, the same integer arithmetic as `times_in_integers`.
    pub(crate) fn times_by(self, m: Minor, f: Fraction) -> Result<Minor, MoneyError> {
        if let (Some((digits, pow)), Ok(m64)) = (f.digits, i64::try_from(m)) {
            if let Some(product) = m64.checked_mul(digits) {
                return Ok(round_div(i128::from(product), i128::from(pow), self.mode));
            }
        }
        self.times(m, f.value)
    }

    /// [`Units::per_unit_times`] by a prepared fraction: when the units
    /// share the amount evenly, each unit's discount by
    /// [`Units::times_by`], `k` times.
    pub(crate) fn per_unit_times_by(self, amount: Minor, k: u64, f: Fraction) -> Result<Minor, MoneyError> {
        if let (Ok(a), Ok(k64)) = (i64::try_from(amount), i64::try_from(k.max(1))) {
            // `k64` >= 1: neither the division nor the remainder can fail.
            if a.checked_rem(k64) == Some(0) {
                let each = self.times_by(Minor::from(a.checked_div(k64).unwrap_or_default()), f)?;
                return mul(each, k.max(1));
            }
        }
        self.per_unit_times(amount, k, f.value)
    }

    /// The exact unit price of `m` spread over `units` units.
    pub(crate) fn per_unit(self, m: Minor, units: u64) -> Result<Decimal, MoneyError> {
        if units == 0 {
            return Err(MoneyError::DivisionByZero);
        }
        // Most lines' amounts divide evenly by their units: no decimal
        // division then (only the value is used: it is rounded to minor
        // units or compared).
        let (each, rest) = div_rem(m, i128::from(units));
        if rest == 0 {
            return self.decimal(each);
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
    crate::money::mul_i128(a, Minor::from(n)).ok_or(MoneyError::Overflow)
}

/// Splits `total` (≥ 0) over `weights` (≥ 0) by the largest remainder method.
pub(crate) fn split(total: Minor, weights: &[Minor]) -> Result<Vec<Minor>, MoneyError> {
    let total = u128::try_from(total).map_err(|_| MoneyError::Overflow)?;
    let units = crate::money::try_map(weights.iter(), |w| u128::try_from(*w).map_err(|_| MoneyError::Overflow))?;
    let parts = crate::money::split_units(total, &units).map_err(|_| MoneyError::Overflow)?;
    crate::money::try_map(parts.into_iter(), |p| Minor::try_from(p).map_err(|_| MoneyError::Overflow))
}

/// Splits `total` (≥ 0, at most the sum of `caps`) over `weights` like
/// [`split`], but never gives a part more than its cap: what a capped part
/// cannot take is split again over the others by their weights (by what
/// they can still take when their weights are all zero). Exact: the parts
/// sum to `total` when the caps allow it.
pub(crate) fn split_capped(total: Minor, weights: &[Minor], caps: &[Minor]) -> Result<Vec<Minor>, MoneyError> {
    let mut parts: Vec<Minor> = vec![0; weights.len()];
    let mut open: Vec<bool> = caps.iter().map(|c| *c > 0).collect();
    let mut left = total;
    // Each round either gives everything or closes at least one part.
    for _ in 0..=weights.len() {
        if left <= 0 || !open.contains(&true) {
            break;
        }
        let room =
            |parts: &[Minor], i: usize| sub(caps.get(i).copied().unwrap_or(0), parts.get(i).copied().unwrap_or(0));
        let mut w: Vec<Minor> = weights.iter().zip(&open).map(|(w, o)| if *o { (*w).max(0) } else { 0 }).collect();
        if w.iter().all(|x| *x == 0) {
            w = (0..weights.len())
                .map(|i| Ok(if open.get(i) == Some(&true) { room(&parts, i)?.max(0) } else { 0 }))
                .collect::<Result<_, MoneyError>>()?;
        }
        let given = split(left, &w)?;
        for (i, g) in given.into_iter().enumerate() {
            let r = room(&parts, i)?;
            let take = g.min(r);
            if let Some(p) = parts.get_mut(i) {
                *p = add(*p, take)?;
            }
            left = sub(left, take)?;
            if g >= r {
                if let Some(o) = open.get_mut(i) {
                    *o = false;
                }
            }
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::split_capped;

    #[test]
    fn a_unit_price_is_the_exact_quotient_with_or_without_a_remainder() {
        use rust_decimal::Decimal;
        let units = super::Units { currency: crate::Currency::CNY, mode: crate::money::RoundingMode::HalfEven };
        for (m, k) in [(1000, 4), (1000, 3), (-999, 3), (7, 1), (1, 7), (0, 5), (123_456_789, 9), (10, 4)] {
            let slow = Decimal::try_from_i128_with_scale(m, 2).unwrap().checked_div(Decimal::from(k)).unwrap();
            assert_eq!(units.per_unit(m, k).unwrap(), slow, "{m} / {k}");
        }
        assert!(units.per_unit(100, 0).is_err());
    }

    use crate::money::RoundingMode;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    const MODES: [RoundingMode; 5] =
        [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::HalfDown, RoundingMode::Down, RoundingMode::Up];

    /// What `times` computed before its integer path: in decimals.
    fn times_in_decimals(units: super::Units, m: i128, f: Decimal) -> Result<i128, crate::money::MoneyError> {
        units.round(units.decimal(m)?.checked_mul(f).ok_or(crate::money::MoneyError::Overflow)?)
    }

    #[test]
    fn integer_rounding_takes_each_mode_at_and_around_half() {
        let units = |mode| super::Units { currency: crate::Currency::CNY, mode };
        // 0.5 %, 1.5 % and 2.5 % of 1.00 (halves), and of -1.00; 0.4 % and 0.6 %.
        let cases = [(100, "0.005"), (100, "0.015"), (100, "0.025"), (-100, "0.005"), (-100, "0.015"), (100, "0.004")];
        for mode in MODES {
            for (m, f) in cases.iter().chain(&[(100, "0.006"), (-100, "0.006"), (7, "1"), (0, "0.5")]) {
                let f: Decimal = f.parse().unwrap();
                assert_eq!(units(mode).times(*m, f), times_in_decimals(units(mode), *m, f), "{mode:?} {m} × {f}");
            }
        }
    }

    proptest! {
        /// The integer path gives the decimal path's minor units, for any
        /// amount, percentage (up to 4 decimals), currency scale and mode,
        /// and falls back to it where the product would not be exact.
        #[test]
        fn times_in_integers_is_the_decimal_answer(
            m in prop_oneof![-1_000_000_000_i128..1_000_000_000, any::<i64>().prop_map(i128::from), any::<i128>()],
            percent in 0_i64..1_000_000, percent_scale in 0_u32..6, currency in 0_usize..3, mode in 0_usize..5,
            k in 1_u64..50,
        ) {
            let currency = [crate::Currency::CNY, crate::Currency::JPY, crate::Currency::KWD][currency];
            let units = super::Units { currency, mode: MODES[mode] };
            let f = Decimal::new(percent, percent_scale) / Decimal::ONE_HUNDRED;
            prop_assert_eq!(units.times(m, f), times_in_decimals(units, m, f));
            let decimal_units = units
                .per_unit(m, k)
                .and_then(|u| units.round(u.checked_mul(f).ok_or(crate::money::MoneyError::Overflow)?))
                .and_then(|each| super::mul(each, k));
            prop_assert_eq!(units.per_unit_times(m, k, f), decimal_units);
            // By a prepared fraction: the same answers.
            let prepared = units.fraction(f);
            prop_assert_eq!(units.times_by(m, prepared), units.times(m, f));
            prop_assert_eq!(units.per_unit_times_by(m, k, prepared), units.per_unit_times(m, k, f));
        }

    }

    #[test]
    fn capped_split_gives_what_a_capped_part_cannot_take_to_the_others() {
        // 60 by weights 100:100 is 30:30, but the first can take 5 only.
        assert_eq!(split_capped(60, &[100, 100], &[5, 100]).unwrap(), vec![5, 55]);
        // Uncapped, it is the plain split.
        assert_eq!(split_capped(30, &[100, 150], &[50, 150]).unwrap(), vec![12, 18]);
        // Zero weights left: by what the parts can still take.
        assert_eq!(split_capped(10, &[0, 0, 1], &[4, 6, 0]).unwrap(), vec![4, 6, 0]);
        // Exact whatever the caps.
        let parts = split_capped(1001, &[1, 2, 3, 4], &[100, 1000, 7, 900]).unwrap();
        assert_eq!(parts.iter().sum::<i128>(), 1001);
        assert!(parts.iter().zip([100, 1000, 7, 900]).all(|(p, c)| *p <= c));
    }
}
