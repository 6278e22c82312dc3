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
    let of = |amount: Money| -> Result<Money, MoneyError> {
        let tax = if included {
            let divisor = Decimal::ONE.checked_add(rate).ok_or(MoneyError::Overflow)?;
            amount.checked_sub(amount.checked_div(divisor)?)?
        } else {
            amount.checked_mul(rate)?
        };
        Ok(tax.round(mode))
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
}
