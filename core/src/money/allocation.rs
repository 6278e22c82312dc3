//! Splitting an amount into parts that always sum back exactly.
//!
//! Both functions work in the currency's minor units. The remainder left by
//! flooring is handed out one minor unit at a time by the largest remainder
//! method; ties go to the larger weight, then to the **later** part, so
//! 10.00 over three equal lines is 3.33, 3.33, 3.34. Callers pass parts in a
//! deterministic order (the engine sorts lines by id), which makes every
//! split reproducible.

use rust_decimal::Decimal;

use super::Money;

/// Why an allocation could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllocationError {
    /// There are no parts to allocate to.
    #[error("nothing to allocate to")]
    NoParts,
    /// The total has digits beyond the currency's minor units.
    #[error("the total must be rounded to minor units first")]
    NotRounded,
    /// A weight is negative.
    #[error("weights must not be negative")]
    NegativeWeight,
    /// The numbers are too large to split exactly.
    #[error("amount out of range")]
    Overflow,
}

/// Splits `total` in proportion to `weights` (largest remainder method).
///
/// When every weight is zero the split is even. When the total does not
/// exceed the sum of weights given in the same currency's minor units, no
/// part exceeds its weight.
///
/// ```
/// use commerce_rules::{Currency, Money};
/// use commerce_rules::money::allocate_proportional;
/// use rust_decimal::Decimal;
/// let total = Money::parse("40.00", Currency::CNY).unwrap();
/// let parts = allocate_proportional(total, &[Decimal::new(20000, 2), Decimal::new(15000, 2)]).unwrap();
/// assert_eq!(parts.iter().map(|m| m.to_string()).collect::<Vec<_>>(), ["22.86", "17.14"]);
/// ```
pub fn allocate_proportional(total: Money, weights: &[Decimal]) -> Result<Vec<Money>, AllocationError> {
    if weights.is_empty() {
        return Err(AllocationError::NoParts);
    }
    if weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return Err(AllocationError::NegativeWeight);
    }
    if weights.iter().all(|w| w.is_zero()) {
        return allocate_even(total, weights.len());
    }
    let (negative, units) = total_units(total)?;
    let scale = weights.iter().map(|w| w.normalize().scale()).max().unwrap_or(0);
    let ints = try_map(weights.iter(), |w| scaled_int(*w, scale))?;
    let parts = split_units(units, &ints)?;
    try_map(parts.into_iter(), |p| to_money(p, negative, total))
}

/// `items.map(f).collect::<Result<Vec<_>, _>>()` in one allocation: a
/// `collect` of results cannot know its length, and grows the vector a
/// power of two at a time.
pub(crate) fn try_map<T, U, E>(
    items: impl ExactSizeIterator<Item = T>,
    mut f: impl FnMut(T) -> Result<U, E>,
) -> Result<Vec<U>, E> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(f(item)?);
    }
    Ok(out)
}

/// Splits `units` in proportion to integer `weights` by the largest
/// remainder method (ties: larger weight, then the later part); evenly when
/// every weight is zero. The parts sum exactly to `units`.
pub(crate) fn split_units(units: u128, weights: &[u128]) -> Result<Vec<u128>, AllocationError> {
    if weights.is_empty() {
        return Err(AllocationError::NoParts);
    }
    let sum = weights.iter().try_fold(0_u128, |acc, w| acc.checked_add(*w)).ok_or(AllocationError::Overflow)?;
    if sum == 0 {
        return split_units(units, &vec![1; weights.len()]);
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = 0_u128;
    // Amounts in minor units nearly always fit in 64 bits, whose division
    // is much cheaper than a 128-bit one.
    let sum64 = u64::try_from(sum).ok().filter(|s| *s > 0);
    for (i, w) in weights.iter().enumerate() {
        // In 64 bits when it fits (a library call in WebAssembly otherwise).
        let product = match (u64::try_from(units), u64::try_from(*w)) {
            (Ok(u), Ok(w64)) => super::mul_u64(u, w64).map(u128::from),
            _ => None,
        };
        let product = match product {
            Some(p) => p,
            None => units.checked_mul(*w).ok_or(AllocationError::Overflow)?,
        };
        let (floor, rem) = match (u64::try_from(product), sum64) {
            (Ok(p), Some(s)) => (u128::from(p / s), u128::from(p % s)),
            _ => (
                product.checked_div(sum).ok_or(AllocationError::Overflow)?,
                product.checked_rem(sum).ok_or(AllocationError::Overflow)?,
            ),
        };
        given = given.checked_add(floor).ok_or(AllocationError::Overflow)?;
        parts.push(floor);
        remainders.push((rem, *w, i));
    }
    let leftover = units.checked_sub(given).ok_or(AllocationError::Overflow)?;
    if leftover > 0 {
        // Largest remainder first, then larger weight, then the later part:
        // a total order, so the chosen parts are the same on every run.
        let leftover = usize::try_from(leftover).map_err(|_| AllocationError::Overflow)?;
        // A selection, not a sort: on W1 sorting the remainders whole cost
        // 20 K instructions a quote more (the sort saved little WebAssembly).
        if leftover < remainders.len() {
            remainders.select_nth_unstable_by(leftover, |a, b| b.cmp(a));
        }
        for &(_, _, i) in remainders.iter().take(leftover) {
            if let Some(p) = parts.get_mut(i) {
                *p = p.checked_add(1).ok_or(AllocationError::Overflow)?;
            }
        }
    }
    Ok(parts)
}

/// Splits `total` into `n` parts that differ by at most one minor unit; the
/// extra units go to the last parts.
///
/// ```
/// use commerce_rules::{Currency, Money};
/// use commerce_rules::money::allocate_even;
/// let parts = allocate_even(Money::parse("10.00", Currency::CNY).unwrap(), 3).unwrap();
/// assert_eq!(parts.iter().map(|m| m.to_string()).collect::<Vec<_>>(), ["3.33", "3.33", "3.34"]);
/// ```
pub fn allocate_even(total: Money, n: usize) -> Result<Vec<Money>, AllocationError> {
    if n == 0 {
        return Err(AllocationError::NoParts);
    }
    let (negative, units) = total_units(total)?;
    let n128 = u128::try_from(n).map_err(|_| AllocationError::Overflow)?;
    let base = units.checked_div(n128).ok_or(AllocationError::Overflow)?;
    let extra = usize::try_from(units.checked_rem(n128).ok_or(AllocationError::Overflow)?)
        .map_err(|_| AllocationError::Overflow)?;
    let first_extra = n.checked_sub(extra).ok_or(AllocationError::Overflow)?;
    (0..n)
        .map(|i| {
            let units = if i >= first_extra { base.checked_add(1).ok_or(AllocationError::Overflow)? } else { base };
            to_money(units, negative, total)
        })
        .collect()
}

fn total_units(total: Money) -> Result<(bool, u128), AllocationError> {
    let minor = total.to_minor().ok_or(AllocationError::NotRounded)?;
    Ok((minor < 0, minor.unsigned_abs()))
}

fn scaled_int(w: Decimal, scale: u32) -> Result<u128, AllocationError> {
    let mut v = w.normalize();
    v.rescale(scale);
    if v.scale() != scale {
        return Err(AllocationError::Overflow);
    }
    u128::try_from(v.mantissa()).map_err(|_| AllocationError::Overflow)
}

fn to_money(units: u128, negative: bool, total: Money) -> Result<Money, AllocationError> {
    let signed = i128::try_from(units).map_err(|_| AllocationError::Overflow)?;
    let signed = if negative { signed.checked_neg().ok_or(AllocationError::Overflow)? } else { signed };
    let amount = Decimal::try_from_i128_with_scale(signed, total.currency().minor_units())
        .map_err(|_| AllocationError::Overflow)?;
    Ok(Money::new(amount, total.currency()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use proptest::prelude::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).unwrap()
    }
    fn strs(v: &[Money]) -> Vec<String> {
        v.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn ties_go_to_the_later_part() {
        let w = [Decimal::new(50, 0); 3];
        assert_eq!(strs(&allocate_proportional(cny("10.00"), &w).unwrap()), ["3.33", "3.33", "3.34"]);
    }

    #[test]
    fn zero_weights_split_evenly_and_errors_are_values() {
        assert_eq!(strs(&allocate_proportional(cny("0.05"), &[Decimal::ZERO; 2]).unwrap()), ["0.02", "0.03"]);
        assert_eq!(allocate_proportional(cny("1"), &[]), Err(AllocationError::NoParts));
        assert_eq!(allocate_proportional(cny("1.001"), &[Decimal::ONE]), Err(AllocationError::NotRounded));
        assert_eq!(allocate_proportional(cny("1"), &[Decimal::NEGATIVE_ONE]), Err(AllocationError::NegativeWeight));
        assert_eq!(strs(&allocate_even(cny("-0.05"), 2).unwrap()), ["-0.02", "-0.03"]);
    }

    #[test]
    fn jpy_and_kwd_use_their_minor_units() {
        let yen = Money::parse("100", Currency::JPY).unwrap();
        assert_eq!(strs(&allocate_even(yen, 3).unwrap()), ["33", "33", "34"]);
        let kwd = Money::parse("1.000", Currency::KWD).unwrap();
        assert_eq!(strs(&allocate_even(kwd, 3).unwrap()), ["0.333", "0.333", "0.334"]);
    }

    proptest! {
        #[test]
        fn parts_sum_exactly_and_never_exceed_their_weight(
            total in 0_i64..1_000_000,
            weights in prop::collection::vec(0_i64..100_000, 1..40),
        ) {
            let weight_sum: i64 = weights.iter().sum();
            let total = Money::from_minor(total.min(weight_sum.max(1)), Currency::CNY);
            let w: Vec<Decimal> = weights.iter().map(|c| Decimal::new(*c, 2)).collect();
            let parts = allocate_proportional(total, &w).unwrap();
            prop_assert_eq!(Money::checked_sum(Currency::CNY, parts.iter().copied()).unwrap(), total);
            if weight_sum >= total.to_minor().unwrap() as i64 && weight_sum > 0 {
                for (p, w) in parts.iter().zip(&w) {
                    prop_assert!(p.amount() <= *w, "{} > {}", p, w);
                    prop_assert!(!p.is_negative());
                }
            }
        }

        #[test]
        fn even_parts_sum_exactly_and_differ_by_one_unit(total in -1_000_000_i64..1_000_000, n in 1_usize..50) {
            let total = Money::from_minor(total, Currency::USD);
            let parts = allocate_even(total, n).unwrap();
            prop_assert_eq!(Money::checked_sum(Currency::USD, parts.iter().copied()).unwrap(), total);
            let minor: Vec<i128> = parts.iter().map(|p| p.to_minor().unwrap()).collect();
            prop_assert!(minor.iter().max().unwrap() - minor.iter().min().unwrap() <= 1);
        }
    }
}
