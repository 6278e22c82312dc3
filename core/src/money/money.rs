//! An exact amount of a currency with checked arithmetic.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

use super::{Currency, RoundingMode, DECIMAL_PATTERN};

/// Why a money operation failed. Never a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// Two amounts of different currencies were combined.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The result does not fit in a decimal.
    #[error("amount out of range")]
    Overflow,
    /// Division by zero.
    #[error("division by zero")]
    DivisionByZero,
}

/// An exact amount of money in one currency.
///
/// Arithmetic is checked: overflow and mixed currencies are errors, never
/// panics. Serialized as a decimal string with the currency's minor units.
///
/// ```
/// use commerce_rules::{Currency, Money};
/// let a = Money::parse("19.90", Currency::CNY).unwrap();
/// let b = a.checked_mul_qty(3).unwrap();
/// assert_eq!(b.to_string(), "59.70");
/// let usd = Money::parse("1", Currency::USD).unwrap();
/// assert!(a.checked_add(usd).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount of `currency` (not rounded).
    pub const fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Zero of `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Money { amount: Decimal::ZERO, currency }
    }

    /// Parses a decimal string such as `"12.30"`.
    pub fn parse(s: &str, currency: Currency) -> Result<Self, super::DecimalParseError> {
        super::parse_decimal(s).map(|amount| Money { amount, currency })
    }

    /// An amount given in minor units (cents, fen): `from_minor(1230, CNY)` is 12.30.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money { amount: Decimal::new(minor, currency.minor_units()), currency }
    }

    /// The decimal amount.
    pub const fn amount(self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// True when the amount is zero.
    pub fn is_zero(self) -> bool {
        self.amount.is_zero()
    }

    /// True when the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }

    /// `self + other`.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, ..self })
    }

    /// `self - other`.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same(other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, ..self })
    }

    /// `self × qty` for an integer quantity.
    pub fn checked_mul_qty(self, qty: u64) -> Result<Money, MoneyError> {
        self.checked_mul(Decimal::from(qty))
    }

    /// `self × factor`, unrounded.
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self.amount.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, ..self })
    }

    /// `self ÷ divisor`, unrounded.
    pub fn checked_div(self, divisor: Decimal) -> Result<Money, MoneyError> {
        if divisor.is_zero() {
            return Err(MoneyError::DivisionByZero);
        }
        let amount = self.amount.checked_div(divisor).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, ..self })
    }

    /// Sums amounts of `currency`; an empty iterator sums to zero.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(currency: Currency, items: I) -> Result<Money, MoneyError> {
        items.into_iter().try_fold(Money::zero(currency), Money::checked_add)
    }

    /// Rounds to the currency's minor units with `mode`.
    pub fn round(self, mode: RoundingMode) -> Money {
        Money { amount: mode.round(self.amount, self.currency.minor_units()), ..self }
    }

    /// True when the amount has no digits beyond the currency's minor units.
    pub fn is_rounded(self) -> bool {
        self.amount.normalize().scale() <= self.currency.minor_units()
    }

    /// The smaller of two amounts of the same currency.
    pub fn min(self, other: Money) -> Result<Money, MoneyError> {
        self.same(other)?;
        Ok(if other.amount < self.amount { other } else { self })
    }

    /// The larger of two amounts of the same currency.
    pub fn max(self, other: Money) -> Result<Money, MoneyError> {
        self.same(other)?;
        Ok(if other.amount > self.amount { other } else { self })
    }

    /// Compares two amounts of the same currency.
    pub fn checked_cmp(self, other: Money) -> Result<Ordering, MoneyError> {
        self.same(other)?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// The amount in minor units, if it is rounded and fits in an `i128`.
    pub fn to_minor(self) -> Option<i128> {
        let minor = self.currency.minor_units();
        let scale = self.amount.scale();
        let mantissa = self.amount.mantissa();
        if scale <= minor {
            return shifted(mantissa, minor.checked_sub(scale)?);
        }
        if !self.is_rounded() {
            return None;
        }
        let scaled = self.amount.checked_mul(Decimal::from(10_i64.pow(self.currency.minor_units())))?;
        i128::try_from(scaled.normalize()).ok()
    }

    /// The amount written with exactly the currency's minor units when it is
    /// rounded (`"12.30"`, `"1200"` for JPY), else with every digit it has.
    pub fn to_decimal_string(self) -> String {
        let mut buf = Digits([0_u8; 48]);
        if let Some(s) = self.write_minor(&mut buf) {
            return s.to_string();
        }
        let minor = self.currency.minor_units();
        let mut a = self.amount;
        if a.is_zero() {
            a = Decimal::ZERO; // drops a negative zero's sign
        }
        let normalized = a.normalize();
        if normalized.scale() <= minor {
            let mut v = normalized;
            v.rescale(minor);
            v.to_string()
        } else {
            normalized.to_string()
        }
    }
}

/// `mantissa × 10^shift`, checked: in 64 bits when the result fits (nearly
/// every amount), where a 128-bit multiplication is a library call (and in
/// WebAssembly a long one).
fn shifted(mantissa: i128, shift: u32) -> Option<i128> {
    if shift == 0 {
        return Some(mantissa);
    }
    super::mul_i128(mantissa, super::pow10_i128(shift)?)
}

impl Money {
    /// Writes the amount with exactly the currency's minor units into `buf`
    /// without allocating; `None` when it has more digits than that.
    fn write_minor(self, Digits(buf): &mut Digits) -> Option<&str> {
        let minor = self.currency.minor_units();
        let scale = self.amount.scale();
        let mantissa = self.amount.mantissa();
        let units = match scale.cmp(&minor) {
            // Most amounts: already at the currency's minor units.
            Ordering::Equal => mantissa,
            Ordering::Less => shifted(mantissa, minor.checked_sub(scale)?)?,
            Ordering::Greater => {
                let p = super::pow10_i128(scale.checked_sub(minor)?)?;
                if mantissa.checked_rem(p)? != 0 {
                    return None;
                }
                mantissa.checked_div(p)?
            }
        };
        // Written from the end: `minor` fraction digits, the point, then at
        // least one integer digit ("0.05"). In 64 bits whenever the amount
        // fits (almost always): a 128-bit division is a library call, and
        // in WebAssembly a long one. `% 10` is below 10: no truncation.
        let mut at = buf.len();
        match u64::try_from(units.unsigned_abs()) {
            Ok(n) => write_u64(buf, &mut at, n, minor)?,
            Err(_) => write_digits(buf, &mut at, units.unsigned_abs(), minor)?,
        }
        if units < 0 {
            put(buf, &mut at, b'-')?;
        }
        // Validated from an aligned 16 bytes, or the whole buffer (unused
        // bytes are zeros): a word at a time, where the few bytes from `at`
        // would go one by one.
        let from = if at >= 32 { 32 } else { 0 };
        std::str::from_utf8(buf.get(from..)?).ok()?.get(at.checked_sub(from)?..)
    }
}

/// Writes `d` into `buf` as its `Display` does (every digit of its scale),
/// without the formatting machinery: for the decimal amounts of answers (a
/// tax rate, a points multiplier). `None` past 64 bits of digits.
pub(crate) fn decimal_text(d: Decimal, Digits(buf): &mut Digits) -> Option<&str> {
    let n = u64::try_from(d.mantissa().unsigned_abs()).ok()?;
    let mut at = buf.len();
    write_digits(buf, &mut at, n, d.scale())?;
    if d.is_sign_negative() {
        put(buf, &mut at, b'-')?;
    }
    std::str::from_utf8(buf.get(at..)?).ok()
}

/// Writes `n` with `scale` fraction digits just before `at` in `buf`, one
/// digit at a time, moving `at` back: the fraction digits, the point, then
/// at least one integer digit ("0.05"). For `u64` or `u128` digits.
fn write_digits<N>(buf: &mut [u8; 48], at: &mut usize, mut n: N, scale: u32) -> Option<()>
where
    N: Copy + PartialEq + From<u8> + std::ops::Rem<Output = N> + std::ops::DivAssign + TryInto<u8>,
{
    let (ten, zero) = (N::from(10), N::from(0));
    for _ in 0..scale {
        put(buf, at, digit(n % ten)?)?;
        n /= ten;
    }
    if scale > 0 {
        put(buf, at, b'.')?;
    }
    loop {
        put(buf, at, digit(n % ten)?)?;
        n /= ten;
        if n == zero {
            return Some(());
        }
    }
}

/// The two-digit numbers from 00 to 99, one after another.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `n` with `minor` fraction digits just before `at` in `buf`, two
/// digits at a time (half the divisions), moving `at` back.
fn write_u64(buf: &mut [u8; 48], at: &mut usize, mut n: u64, minor: u32) -> Option<()> {
    let pair = |buf: &mut [u8; 48], at: &mut usize, d: u64| -> Option<()> {
        let from = usize::try_from(d.checked_mul(2)?).ok()?;
        let to = at.checked_sub(2)?;
        buf.get_mut(to..*at)?.copy_from_slice(PAIRS.get(from..from.checked_add(2)?)?);
        *at = to;
        Some(())
    };
    let mut left = minor;
    while left >= 2 {
        pair(buf, at, n % 100)?;
        n /= 100;
        left -= 2;
    }
    if left == 1 {
        put(buf, at, digit(n % 10)?)?;
        n /= 10;
    }
    if minor > 0 {
        put(buf, at, b'.')?;
    }
    while n >= 100 {
        pair(buf, at, n % 100)?;
        n /= 100;
    }
    if n >= 10 {
        pair(buf, at, n)
    } else {
        put(buf, at, digit(n)?)
    }
}

/// The ASCII digit of `d` (below 10).
fn digit<T: TryInto<u8>>(d: T) -> Option<u8> {
    b'0'.checked_add(d.try_into().ok()?)
}

/// Room for an amount's text: 40 digits of a 128-bit integer, a point and a
/// sign. Aligned so that validating it as UTF-8 takes whole words.
#[repr(align(16))]
pub(crate) struct Digits([u8; 48]);

impl Digits {
    pub(crate) const fn new() -> Digits {
        Digits([0; 48])
    }
}

/// Writes `b` just before `at` in `buf`, moving `at` back.
fn put(buf: &mut [u8; 48], at: &mut usize, b: u8) -> Option<()> {
    *at = at.checked_sub(1)?;
    *buf.get_mut(*at)? = b;
    Some(())
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = Digits([0_u8; 48]);
        match self.write_minor(&mut buf) {
            Some(s) => f.pad(s),
            None => f.pad(&self.to_decimal_string()),
        }
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = Digits([0_u8; 48]);
        match self.write_minor(&mut buf) {
            // Digits, a point and a sign: nothing to escape.
            Some(text) => s.serialize_newtype_struct(crate::json::write::PLAIN_TEXT, text),
            None => s.serialize_str(&self.to_decimal_string()),
        }
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Money")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": DECIMAL_PATTERN,
            "description": "A money amount as a decimal string with the currency's minor units, e.g. \"12.30\"."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(s: &str) -> Money {
        Money::parse(s, Currency::CNY).unwrap()
    }

    #[test]
    fn formats_with_minor_units() {
        assert_eq!(cny("12.3").to_string(), "12.30");
        assert_eq!(cny("0").to_string(), "0.00");
        assert_eq!(cny("-0.00").to_string(), "0.00");
        assert_eq!(Money::parse("1200", Currency::JPY).unwrap().to_string(), "1200");
        assert_eq!(Money::parse("1.5", Currency::KWD).unwrap().to_string(), "1.500");
        assert_eq!(cny("1.005").to_string(), "1.005", "unrounded values keep their digits");
        assert_eq!(cny("-12.3").to_string(), "-12.30");
        assert_eq!(cny("0.05").to_string(), "0.05");
        assert_eq!(cny("12.3000").to_string(), "12.30");
        assert_eq!(Money::new(Decimal::MAX, Currency::CNY).to_string(), "79228162514264337593543950335.00");
        assert_eq!(Money::parse("-0.5", Currency::JPY).unwrap().to_string(), "-0.5");
    }

    proptest::proptest! {
        #[test]
        fn amounts_are_written_as_rescaled_decimals(
            lo in proptest::prelude::any::<u32>(),
            mid in proptest::prelude::any::<u32>(),
            hi in proptest::prop_oneof![proptest::strategy::Just(0_u32), proptest::prelude::any::<u32>()],
            negative in proptest::prelude::any::<bool>(),
            scale in 0_u32..=28,
            currency in proptest::prop_oneof![
                proptest::strategy::Just(Currency::JPY),
                proptest::strategy::Just(Currency::CNY),
                proptest::strategy::Just(Currency::KWD),
            ],
        ) {
            let amount = Decimal::from_parts(lo, mid, hi, negative, scale);
            let minor = currency.minor_units();
            // The reference: minor units in plain i128 arithmetic.
            let m = amount.mantissa();
            let units = if scale <= minor {
                m.checked_mul(10_i128.pow(minor - scale))
            } else {
                let p = 10_i128.pow(scale - minor);
                (m % p == 0).then(|| m / p)
            };
            let expected = units.map(|u| {
                let (sign, a, d) = (if u < 0 { "-" } else { "" }, u.unsigned_abs(), 10_u128.pow(minor));
                if minor == 0 {
                    format!("{sign}{a}")
                } else {
                    format!("{sign}{}.{:0w$}", a / d, a % d, w = minor as usize)
                }
            });
            let mut buf = Digits([0_u8; 48]);
            proptest::prop_assert_eq!(Money::new(amount, currency).write_minor(&mut buf).map(str::to_string), expected);
        }
    }

    #[test]
    fn a_shift_in_64_bits_is_the_128_bit_one() {
        let big = i128::from(i64::MAX);
        for (m, k) in [(0, 0), (7, 2), (-7, 2), (big, 1), (-big, 0), (big / 10, 1), (123, 18), (123, 19), (5, 30)] {
            assert_eq!(super::shifted(m, k), m.checked_mul(10_i128.pow(k)), "{m} x 10^{k}");
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Money::new(Decimal::MAX, Currency::CNY);
        assert_eq!(max.checked_add(cny("1")), Err(MoneyError::Overflow));
        assert_eq!(max.checked_mul_qty(2), Err(MoneyError::Overflow));
        assert_eq!(cny("1").checked_div(Decimal::ZERO), Err(MoneyError::DivisionByZero));
        let usd = Money::parse("1", Currency::USD).unwrap();
        assert!(matches!(cny("1").checked_sub(usd), Err(MoneyError::CurrencyMismatch { .. })));
    }

    #[test]
    fn minor_units_round_trip() {
        assert_eq!(Money::from_minor(1230, Currency::CNY).to_string(), "12.30");
        assert_eq!(cny("12.30").to_minor(), Some(1230));
        assert_eq!(cny("12.305").to_minor(), None);
        assert_eq!(Money::from_minor(7, Currency::JPY).to_minor(), Some(7));
    }
}
