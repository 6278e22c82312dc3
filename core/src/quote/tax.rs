//! Stage 7, tax: per line, on the amount after discounts.
//!
//! Prices that include tax contain `net × r / (1 + r)`; prices that exclude
//! it get `net × r` added. Per-line calculation rounds once per line; per-unit
//! calculation splits the line's net evenly over its units (to the minor
//! unit), rounds each unit's tax and sums.

use rust_decimal::Decimal;

use super::answer::{LineAnswer, Step, StepCode, Trail};
use super::Stage;
use crate::error::money_error;
use crate::money::{Money, MoneyError, RoundingMode};
use crate::rules::{CompiledRules, TaxCalculation};
use crate::Error;

/// Computes each line's tax and total.
///
/// `order[k]` is the request index of `lines[k]`, for error paths; gift
/// lines follow the request's lines.
pub(crate) fn apply(
    rules: &CompiledRules,
    lines: &mut [LineAnswer],
    order: &[usize],
    trail: &mut Trail,
) -> Result<(), Error> {
    let tax = &rules.tax;
    let mut rate_of = tax.rates();
    for (k, line) in lines.iter_mut().enumerate() {
        let rate = rate_of(&line.tax.class);
        let at = || match order.get(k) {
            Some(index) => format!("lines[{index}]"),
            None => "promotions".to_string(),
        };
        let amount =
            line_tax(line.net, u64::from(line.quantity), rate, tax.prices_include_tax, tax.calculation, tax.rounding)
                .map_err(|e| money_error(e, &at()))?;
        line.tax.amount = amount;
        line.total = if tax.prices_include_tax {
            line.net
        } else {
            line.net.checked_add(amount).map_err(|e| money_error(e, &at()))?
        };
        trail.push(|| Step {
            stage: Stage::Tax,
            line_id: Some(line.id.to_string()),
            code: StepCode::LineTax,
            rule: format!("tax_class:{}", line.tax.class),
            amount,
        });
    }
    Ok(())
}

/// The tax on `amount`, rounded with `mode`, in decimal arithmetic.
fn tax_in_decimals(amount: Money, rate: Decimal, included: bool, mode: RoundingMode) -> Result<Money, MoneyError> {
    let tax = if included {
        let divisor = Decimal::ONE.checked_add(rate).ok_or(MoneyError::Overflow)?;
        amount.checked_sub(amount.checked_div(divisor)?)?
    } else {
        amount.checked_mul(rate)?
    };
    Ok(tax.round(mode))
}

/// [`tax_in_decimals`] in integers, when the amounts are small enough for
/// both to agree; `None` otherwise.
///
/// With `amount` = `m` minor units and `rate` = `p / 10^s`, the tax is
/// `m·p / 10^s` (excluded: exact in both) or `m·p / (10^s + p)` (included),
/// here that exact fraction rounded once. The decimal path divides by
/// `1 + rate` to 28 significant digits first: for `|m| < 10^15` its error
/// is below 10^-12 of a minor unit, while a fraction whose denominator is
/// at most `2·10^9` (`s <= 9`, `|p| < 10^9`) is either on a rounding
/// boundary (a whole or half minor unit, then a terminating decimal both
/// paths give exactly) or at least 2.5·10^-10 of a minor unit from one: the
/// same rounding. A property test compares the two.
fn tax_in_minor(amount: Money, rate: Decimal, included: bool, mode: RoundingMode) -> Option<Money> {
    const AMOUNT_LIMIT: u128 = 1_000_000_000_000_000;
    const RATE_LIMIT: u128 = 1_000_000_000;
    let m = amount.to_minor()?;
    let (p, s) = (rate.mantissa(), rate.scale());
    if s > 9 || m.unsigned_abs() >= AMOUNT_LIMIT || p.unsigned_abs() >= RATE_LIMIT {
        return None;
    }
    let ten = crate::money::pow10_i128(s)?;
    let divisor = if included { ten.checked_add(p)? } else { ten };
    if divisor <= 0 {
        return None;
    }
    let tax = crate::money::round_div(m.checked_mul(p)?, divisor, mode);
    let currency = amount.currency();
    Some(Money::new(Decimal::try_from_i128_with_scale(tax, currency.minor_units()).ok()?, currency))
}

/// The tax on `net` (the line amount after discounts) for `qty` units.
///
/// `rate` is a fraction (0.19 for 19 %).
pub(crate) fn line_tax(
    net: Money,
    qty: u64,
    rate: Decimal,
    included: bool,
    calculation: TaxCalculation,
    mode: RoundingMode,
) -> Result<Money, MoneyError> {
    let of = |amount: Money| match tax_in_minor(amount, rate, included, mode) {
        Some(tax) => Ok(tax),
        None => tax_in_decimals(amount, rate, included, mode),
    };
    match calculation {
        TaxCalculation::PerLine => of(net),
        TaxCalculation::PerUnit if qty == 0 => Ok(Money::zero(net.currency())),
        TaxCalculation::PerUnit => {
            // Units differ by at most one minor unit: `extra` units carry one more.
            let minor = net.to_minor().ok_or(MoneyError::Overflow)?;
            let qty_i = i128::from(qty);
            let base = minor.checked_div(qty_i).ok_or(MoneyError::Overflow)?;
            let extra = minor.checked_rem(qty_i).ok_or(MoneyError::Overflow)?;
            let plain = qty_i.checked_sub(extra).ok_or(MoneyError::Overflow)?;
            let unit = |m: i128| -> Result<Money, MoneyError> {
                let amount = Decimal::try_from_i128_with_scale(m, net.currency().minor_units())
                    .map_err(|_| MoneyError::Overflow)?;
                of(Money::new(amount, net.currency()))
            };
            let a = unit(base)?.checked_mul(Decimal::from(plain))?;
            if extra == 0 {
                return Ok(a);
            }
            let b = unit(base.checked_add(1).ok_or(MoneyError::Overflow)?)?.checked_mul(Decimal::from(extra))?;
            a.checked_add(b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn eur(s: &str) -> Money {
        Money::parse(s, Currency::EUR).unwrap()
    }
    fn tax(net: &str, qty: u64, included: bool, calc: TaxCalculation) -> String {
        line_tax(eur(net), qty, "0.19".parse().unwrap(), included, calc, RoundingMode::HalfUp).unwrap().to_string()
    }

    #[test]
    fn the_known_case_per_line_and_per_unit() {
        // 1.08 × 3 at 19 % added: 3.24 + 0.62 = 3.86 per line; 3.24 + 3 × 0.21 = 3.87 per unit.
        assert_eq!(tax("3.24", 3, false, TaxCalculation::PerLine), "0.62");
        assert_eq!(tax("3.24", 3, false, TaxCalculation::PerUnit), "0.63");
    }

    #[test]
    fn included_tax_is_extracted() {
        // 3.24 gross at 19 %: 3.24 - 3.24 / 1.19 = 0.5173 -> 0.52; per unit 1.08 - 0.9076 = 0.1724 -> 0.17 × 3.
        assert_eq!(tax("3.24", 3, true, TaxCalculation::PerLine), "0.52");
        assert_eq!(tax("3.24", 3, true, TaxCalculation::PerUnit), "0.51");
        assert_eq!(tax("119.00", 1, true, TaxCalculation::PerLine), "19.00");
    }

    #[test]
    fn uneven_units_split_to_the_minor_unit() {
        // 1.00 over 3 units: 0.33, 0.33, 0.34 -> 0.06 + 0.06 + 0.06 at 19 %.
        assert_eq!(tax("1.00", 3, false, TaxCalculation::PerUnit), "0.18");
        assert_eq!(tax("0.00", 5, false, TaxCalculation::PerUnit), "0.00");
    }

    const MODES: [RoundingMode; 5] =
        [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::HalfDown, RoundingMode::Down, RoundingMode::Up];

    #[test]
    fn integer_tax_is_the_decimal_tax_at_rounding_boundaries() {
        // 13 % included on 113.00 is 13.00 exactly; on 1.13 × k around
        // halves; 19 % on amounts whose tax ends in exactly half a cent.
        let cases = [
            ("113.00", "0.13"),
            ("1.13", "0.13"),
            ("0.50", "0.01"),
            ("-2.50", "0.01"),
            ("1.19", "0.19"),
            ("0.05", "0.1"),
        ];
        for (amount, rate) in cases {
            for included in [false, true] {
                for mode in MODES {
                    let (a, r) = (eur(amount), rate.parse().unwrap());
                    assert_eq!(
                        tax_in_minor(a, r, included, mode),
                        Some(tax_in_decimals(a, r, included, mode).unwrap()),
                        "{amount} at {rate}, included {included}, {mode:?}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The integer path gives the decimal path's tax wherever it is
        /// taken, and is taken for every ordinary amount and rate.
        #[test]
        fn integer_tax_is_the_decimal_tax(
            m in proptest::prop_oneof![-100_000_i64..100_000, -999_999_999_999_999_i64..999_999_999_999_999],
            p in proptest::prop_oneof![0_i64..=100, 0_i64..1_000_000_000], s in 0_u32..=9,
            included: bool, mode in 0_usize..5, currency in 0_usize..3,
        ) {
            let currency = [Currency::CNY, Currency::JPY, Currency::KWD][currency];
            let amount = Money::new(Decimal::new(m, currency.minor_units()), currency);
            let rate = Decimal::new(p, s);
            let mode = MODES[mode];
            let fast = tax_in_minor(amount, rate, included, mode);
            proptest::prop_assert!(fast.is_some());
            proptest::prop_assert_eq!(fast, tax_in_decimals(amount, rate, included, mode).ok());
        }
    }
}
