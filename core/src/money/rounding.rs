//! Named rounding modes and where rounding happens.

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a value is rounded to the currency's minor units.
///
/// ```
/// use commerce_rules::money::RoundingMode;
/// use rust_decimal::Decimal;
/// let x = Decimal::new(125, 3); // 0.125
/// assert_eq!(RoundingMode::HalfUp.round(x, 2).to_string(), "0.13");
/// assert_eq!(RoundingMode::HalfEven.round(x, 2).to_string(), "0.12");
/// assert_eq!(RoundingMode::Down.round(Decimal::new(199, 2), 0).to_string(), "1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Half away from zero (四舍五入): 0.125 -> 0.13.
    #[default]
    HalfUp,
    /// Half to even (banker's rounding): 0.125 -> 0.12, 0.135 -> 0.14.
    HalfEven,
    /// Half toward zero: 0.125 -> 0.12.
    HalfDown,
    /// Toward zero, truncating (抹零): 0.129 -> 0.12.
    Down,
    /// Away from zero: 0.121 -> 0.13.
    Up,
}

unit_enum!(RoundingMode { HalfUp = "half_up", HalfEven = "half_even", HalfDown = "half_down", Down = "down", Up = "up" });

impl RoundingMode {
    /// Rounds `value` to `dp` decimal places with this mode.
    pub fn round(self, value: Decimal, dp: u32) -> Decimal {
        value.round_dp_with_strategy(dp, self.strategy())
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

/// `(n / d, n % d)` for `d` > 0, truncating: in 64-bit arithmetic when both
/// fit (amounts in minor units nearly always do), which is one machine
/// instruction where a 128-bit division is a library call.
pub(crate) fn div_rem(n: i128, d: i128) -> (i128, i128) {
    match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) if d > 0 => (i128::from(n / d), i128::from(n % d)),
        _ if d > 0 => (n / d, n % d),
        _ => (0, n),
    }
}

/// `n / d` (`d` > 0) rounded to an integer with `mode`.
pub(crate) fn round_div(n: i128, d: i128, mode: RoundingMode) -> i128 {
    let (q, r) = div_rem(n, d);
    if r == 0 {
        return q;
    }
    let away = if n < 0 { q.saturating_sub(1) } else { q.saturating_add(1) };
    // Twice the remainder against the divisor: below, at or past half.
    let half = r.unsigned_abs().saturating_mul(2).cmp(&d.unsigned_abs());
    let up = match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => true,
        RoundingMode::HalfUp => half.is_ge(),
        RoundingMode::HalfDown => half.is_gt(),
        RoundingMode::HalfEven => half.is_gt() || (half.is_eq() && q % 2 != 0),
    };
    if up {
        away
    } else {
        q
    }
}

/// Where a computed price is rounded to minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingLevel {
    /// Each unit price is rounded, then multiplied by the quantity.
    #[default]
    Unit,
    /// The unrounded unit price is multiplied by the quantity and the line rounded once.
    Line,
}

unit_enum!(RoundingLevel { Unit = "unit", Line = "line" });

/// The rule set's rounding policy: a mode and a level.
///
/// ```
/// use commerce_rules::money::{Rounding, RoundingLevel, RoundingMode};
/// let r: Rounding = serde_json::from_str(r#"{"mode":"half_even","level":"line"}"#).unwrap();
/// assert_eq!(r.mode, RoundingMode::HalfEven);
/// assert_eq!(r.level, RoundingLevel::Line);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// The rounding mode; default `half_up`.
    #[serde(default)]
    pub mode: RoundingMode,
    /// Whether computed prices are rounded per unit or per line; default `unit`.
    #[serde(default)]
    pub level: RoundingLevel,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn division_in_64_bits_is_the_128_bit_division() {
        let big = i128::from(i64::MAX) * 3;
        for (n, d) in [(7, 2), (-7, 2), (0, 5), (i128::from(i64::MIN), 7), (big, 10), (-big, 10), (big, big), (5, big)]
        {
            assert_eq!(super::div_rem(n, d), (n / d, n % d), "{n} / {d}");
        }
    }

    #[test]
    fn every_mode_on_ties_and_non_ties() {
        let cases = [
            (RoundingMode::HalfUp, ["0.13", "0.14", "-0.13", "0.12"]),
            (RoundingMode::HalfEven, ["0.12", "0.14", "-0.12", "0.12"]),
            (RoundingMode::HalfDown, ["0.12", "0.13", "-0.12", "0.12"]),
            (RoundingMode::Down, ["0.12", "0.13", "-0.12", "0.12"]),
            (RoundingMode::Up, ["0.13", "0.14", "-0.13", "0.13"]),
        ];
        for (mode, want) in cases {
            let got = [d("0.125"), d("0.135"), d("-0.125"), d("0.1201")].map(|x| mode.round(x, 2).to_string());
            assert_eq!(got, want.map(String::from), "{mode:?}");
        }
    }
}
