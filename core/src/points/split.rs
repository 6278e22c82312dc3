//! Whole points split in proportion to weights, exactly.

use rust_decimal::Decimal;

/// Splits `total` whole units in proportion to `weights` by the largest
/// remainder method, with the tie-break of
/// [`allocate_proportional`](crate::money::allocate_proportional): larger
/// remainder, then larger weight, then the later part. When every weight is
/// zero the split is even, extra units going to the last parts. Parts sum
/// exactly to `total`; `None` on overflow, negative weights or no parts.
pub(crate) fn split(total: u64, weights: &[Decimal]) -> Option<Vec<u64>> {
    if weights.is_empty() || weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return None;
    }
    let n = u64::try_from(weights.len()).ok()?;
    if weights.iter().all(|w| w.is_zero()) {
        let base = total.checked_div(n)?;
        let extra = total.checked_rem(n)?;
        let first_extra = n.checked_sub(extra)?;
        return (0..n).map(|i| if i >= first_extra { base.checked_add(1) } else { Some(base) }).collect();
    }
    // Weights to integers at a common scale (at most 8 decimals, rounded down).
    let scale = weights.iter().map(|w| w.normalize().scale()).max().unwrap_or(0).min(8);
    let ints = weights
        .iter()
        .map(|w| {
            let mut v = w.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::ToZero);
            v.rescale(scale);
            u128::try_from(v.mantissa()).ok()
        })
        .collect::<Option<Vec<u128>>>()?;
    let sum = ints.iter().try_fold(0_u128, |a, w| a.checked_add(*w))?;
    if sum == 0 {
        return split(total, &vec![Decimal::ZERO; weights.len()]);
    }
    let total128 = u128::from(total);
    let mut parts = Vec::with_capacity(ints.len());
    let mut order = Vec::with_capacity(ints.len());
    let mut given = 0_u128;
    for (i, w) in ints.iter().enumerate() {
        let product = total128.checked_mul(*w)?;
        let floor = product.checked_div(sum)?;
        given = given.checked_add(floor)?;
        parts.push(floor);
        order.push((product.checked_rem(sum)?, *w, i));
    }
    let leftover = usize::try_from(total128.checked_sub(given)?).ok()?;
    crate::sort::sort_by(&mut order, |a, b| b.cmp(a));
    for &(_, _, i) in order.iter().take(leftover) {
        let p = parts.get_mut(i)?;
        *p = p.checked_add(1)?;
    }
    parts.into_iter().map(|p| u64::try_from(p).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::allocate_proportional;
    use crate::{Currency, Money};
    use proptest::prelude::*;

    #[test]
    fn ties_go_to_the_later_part_and_zero_weights_split_evenly() {
        assert_eq!(split(10, &[Decimal::ONE; 3]).unwrap(), [3, 3, 4]);
        assert_eq!(split(5, &[Decimal::ZERO; 2]).unwrap(), [2, 3]);
        assert_eq!(split(7, &[Decimal::ZERO, Decimal::new(1, 2)]).unwrap(), [0, 7]);
        assert!(split(1, &[]).is_none());
    }

    proptest! {
        #[test]
        fn matches_the_money_allocation(total in 0_u64..1_000_000, weights in prop::collection::vec(0_i64..100_000, 1..30)) {
            let w: Vec<Decimal> = weights.iter().map(|c| Decimal::new(*c, 2)).collect();
            let parts = split(total, &w).unwrap();
            prop_assert_eq!(parts.iter().sum::<u64>(), total);
            let money = allocate_proportional(Money::from_minor(i64::try_from(total).unwrap(), Currency::JPY), &w).unwrap();
            let same: Vec<u64> = money.iter().map(|m| u64::try_from(m.to_minor().unwrap()).unwrap()).collect();
            prop_assert_eq!(parts, same);
        }
    }
}
