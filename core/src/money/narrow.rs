//! Checked products that stay off 128-bit library calls.
//!
//! A checked 64-bit multiplication needs the 128-bit product to see an
//! overflow: where the machine has no 64 x 64 -> 128 multiplication
//! (WebAssembly, 32-bit targets) that is a library call (`__multi3`). Two
//! factors that fit in 32 bits cannot overflow 64, so their product is taken
//! directly; amounts in minor units and percentages' digits nearly always do.

/// `a × b`, `None` on overflow, without a 128-bit product when both fit in 32 bits.
///
/// ```ignore
/// assert_eq!(mul_i64(-3, 7), Some(-21));
/// assert_eq!(mul_i64(i64::MAX, 2), None);
/// ```
pub(crate) fn mul_i64(a: i64, b: i64) -> Option<i64> {
    match (i32::try_from(a), i32::try_from(b)) {
        // |a|, |b| <= 2^31, so |a × b| <= 2^62: it cannot wrap.
        (Ok(a), Ok(b)) => Some(i64::from(a).wrapping_mul(i64::from(b))),
        _ => a.checked_mul(b),
    }
}

/// `a × b`, `None` on overflow, without a 128-bit product when both fit in 32 bits.
pub(crate) fn mul_u64(a: u64, b: u64) -> Option<u64> {
    match (u32::try_from(a), u32::try_from(b)) {
        // Both below 2^32, so the product is below 2^64: it cannot wrap.
        (Ok(a), Ok(b)) => Some(u64::from(a).wrapping_mul(u64::from(b))),
        _ => a.checked_mul(b),
    }
}

/// `a × b`, checked: in 64 bits when both factors and the product fit
/// (amounts in minor units nearly always do), where a checked 128-bit
/// multiplication is a library call in WebAssembly.
pub(crate) fn mul_i128(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => match mul_i64(a, b) {
            Some(p) => Some(i128::from(p)),
            None => i128::from(a).checked_mul(i128::from(b)),
        },
        _ => a.checked_mul(b),
    }
}

/// 10^0 to 10^18: every power of ten an `i64` holds.
const POWERS_OF_TEN: [i64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// 10^`k` as an `i64`, when it fits (`k` <= 18).
pub(crate) fn pow10_i64(k: u32) -> Option<i64> {
    POWERS_OF_TEN.get(usize::try_from(k).ok()?).copied()
}

/// 10^`k` as an `i128` (`None` past 10^38): read from a table up to 10^18
/// instead of multiplied out (a 128-bit multiplication per step in
/// WebAssembly).
pub(crate) fn pow10_i128(k: u32) -> Option<i128> {
    match pow10_i64(k) {
        Some(p) => Some(i128::from(p)),
        None => 10_i128.checked_pow(k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn factor_i64() -> impl Strategy<Value = i64> {
        prop_oneof![
            any::<i32>().prop_map(i64::from),
            any::<i64>(),
            Just(i64::from(i32::MIN)),
            Just(i64::from(i32::MAX)),
            Just(i64::from(i32::MAX) + 1),
            Just(i64::MIN),
            Just(i64::MAX),
        ]
    }

    fn factor_u64() -> impl Strategy<Value = u64> {
        prop_oneof![
            any::<u32>().prop_map(u64::from),
            any::<u64>(),
            Just(u64::from(u32::MAX)),
            Just(1 << 32),
            Just(u64::MAX)
        ]
    }

    proptest! {
        #[test]
        fn products_are_the_checked_ones(a in factor_i64(), b in factor_i64(), c in factor_u64(), d in factor_u64()) {
            prop_assert_eq!(mul_i64(a, b), a.checked_mul(b));
            prop_assert_eq!(mul_u64(c, d), c.checked_mul(d));
        }

        /// The 64-bit path multiplies as 128 bits do, overflow included.
        #[test]
        fn mul_i128_is_the_checked_product(
            a in prop_oneof![any::<i32>().prop_map(i128::from), any::<i64>().prop_map(i128::from), any::<i128>()],
            b in prop_oneof![any::<i32>().prop_map(i128::from), any::<i64>().prop_map(i128::from), any::<i128>()],
        ) {
            prop_assert_eq!(mul_i128(a, b), a.checked_mul(b));
        }
    }

    #[test]
    fn powers_of_ten_are_the_checked_ones() {
        for k in 0..45 {
            assert_eq!(pow10_i128(k), 10_i128.checked_pow(k), "10^{k}");
            assert_eq!(pow10_i64(k), 10_i64.checked_pow(k), "10^{k}");
        }
    }
}
