//! Converting amounts between currencies at a given rate, and the price
//! rounding markets apply to converted prices (`.99` endings, whole units,
//! cash rounding to 0.05).
//!
//! Rates always come in (with the rule set or on a receipt); nothing here
//! reads one from anywhere else.

use rust_decimal::Decimal;

use super::{Currency, Money, MoneyError, RoundingMode};

/// `amount × rate` as an amount of `to`, rounded once with `mode` to its
/// minor units.
///
/// ```
/// use commerce_rules::money::{convert, Currency, RoundingMode};
/// use rust_decimal::Decimal;
/// let usd = convert(Decimal::new(38050, 2), Decimal::new(1380, 4), Currency::USD, RoundingMode::HalfUp).unwrap();
/// assert_eq!(usd.to_string(), "52.51");
/// ```
pub fn convert(amount: Decimal, rate: Decimal, to: Currency, mode: RoundingMode) -> Result<Money, MoneyError> {
    let product = amount.checked_mul(rate).ok_or(MoneyError::Overflow)?;
    Ok(Money::new(product, to).round(mode))
}

/// Which way a price goes to the nearest allowed price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceDirection {
    /// To the nearest allowed price; halfway goes up (the default).
    #[default]
    Nearest,
    /// Up to the next allowed price (Shopify Markets' "round up to .99").
    Up,
    /// Down to the allowed price below.
    Down,
}

unit_enum!(PriceDirection { Nearest = "nearest", Up = "up", Down = "down" });

/// The prices a market allows: every `k × step + ending` for whole `k >= 0`
/// (`step` 1 and `ending` 0.99 allow 0.99, 1.99, 2.99...; `step` 0.05 and
/// `ending` 0 allow the cash amounts 0.05, 0.10...; `step` 100 and `ending`
/// 80 allow ¥80, ¥180, ¥1,980...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceGrid {
    /// The distance between two allowed prices, over 0.
    pub step: Decimal,
    /// The remainder every allowed price has, `0 <= ending < step`.
    pub ending: Decimal,
    /// Which way a price moves to the grid.
    pub direction: PriceDirection,
}

impl PriceGrid {
    /// The grid of every minor unit of `currency`: rounding to it is plain
    /// rounding to the currency's minor units, nearest, halfway up.
    pub fn minor_units(currency: Currency) -> PriceGrid {
        PriceGrid {
            step: Decimal::new(1, currency.minor_units()),
            ending: Decimal::ZERO,
            direction: PriceDirection::Nearest,
        }
    }

    /// `price` moved onto the grid. Zero stays zero (a free item stays
    /// free) and a positive price never becomes zero or less: when the
    /// allowed price below is not above zero, the one above is taken.
    ///
    /// ```
    /// use commerce_rules::money::{PriceDirection, PriceGrid};
    /// use rust_decimal::Decimal;
    /// let d = |s: &str| s.parse::<Decimal>().unwrap();
    /// let up99 = PriceGrid { step: d("1"), ending: d("0.99"), direction: PriceDirection::Up };
    /// assert_eq!(up99.apply(d("52.5076")).unwrap(), d("52.99"));
    /// assert_eq!(up99.apply(d("52.99")).unwrap(), d("52.99"));
    /// let cash = PriceGrid { step: d("0.05"), ending: d("0"), direction: PriceDirection::Nearest };
    /// assert_eq!(cash.apply(d("7.325")).unwrap(), d("7.35"));
    /// assert_eq!(cash.apply(d("7.32")).unwrap(), d("7.30"));
    /// ```
    pub fn apply(&self, price: Decimal) -> Result<Decimal, MoneyError> {
        if price <= Decimal::ZERO || self.step <= Decimal::ZERO {
            return Ok(price);
        }
        let over = |x: Option<Decimal>| x.ok_or(MoneyError::Overflow);
        let k = over(price.checked_sub(self.ending))?.checked_div(self.step).ok_or(MoneyError::Overflow)?.floor();
        let below = over(over(k.checked_mul(self.step))?.checked_add(self.ending))?;
        if below == price {
            return Ok(price);
        }
        let above = over(below.checked_add(self.step))?;
        if below <= Decimal::ZERO {
            return Ok(above);
        }
        Ok(match self.direction {
            PriceDirection::Up => above,
            PriceDirection::Down => below,
            PriceDirection::Nearest => {
                let to_below = over(price.checked_sub(below))?;
                let to_above = over(above.checked_sub(price))?;
                if to_below < to_above {
                    below
                } else {
                    above
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn grid(step: &str, ending: &str, direction: PriceDirection) -> PriceGrid {
        PriceGrid { step: d(step), ending: d(ending), direction }
    }

    #[test]
    fn endings_whole_units_and_cash_rounding() {
        let nearest95 = grid("1", "0.95", PriceDirection::Nearest);
        assert_eq!(nearest95.apply(d("10.40")).unwrap(), d("9.95"));
        assert_eq!(nearest95.apply(d("10.45")).unwrap(), d("10.95"));
        let jpy = grid("1", "0", PriceDirection::Nearest);
        assert_eq!(jpy.apply(d("1234.5")).unwrap(), d("1235"));
        let jpy80 = grid("100", "80", PriceDirection::Up);
        assert_eq!(jpy80.apply(d("1901")).unwrap(), d("1980"));
        let chf = grid("0.10", "0", PriceDirection::Down);
        assert_eq!(chf.apply(d("3.19")).unwrap(), d("3.10"));
    }

    #[test]
    fn zero_stays_zero_and_positive_never_reaches_zero() {
        let down99 = grid("1", "0.99", PriceDirection::Down);
        assert_eq!(down99.apply(d("0")).unwrap(), d("0"));
        assert_eq!(down99.apply(d("0.50")).unwrap(), d("0.99"));
        let nearest = grid("1", "0", PriceDirection::Nearest);
        assert_eq!(nearest.apply(d("0.2")).unwrap(), d("1"));
    }

    #[test]
    fn conversion_rounds_once() {
        let m = convert(d("100.00"), d("0.125"), Currency::EUR, RoundingMode::HalfEven).unwrap();
        assert_eq!(m.to_string(), "12.50");
        assert!(convert(Decimal::MAX, d("2"), Currency::EUR, RoundingMode::HalfUp).is_err());
    }
}
