//! Decimal values written in JSON as strings ("12.30"), never as floats.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// The pattern every decimal string must match: an optional minus sign,
/// digits, and optionally a point followed by digits.
pub const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";

/// Most significant digits a decimal string may carry (rust_decimal holds 28).
const MAX_DIGITS: usize = 28;

/// Why a decimal string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecimalParseError {
    /// Not of the form `-123.45`.
    #[error("expected a decimal string such as \"12.30\"")]
    Malformed,
    /// More digits than can be held exactly.
    #[error("a decimal may have at most 28 digits")]
    TooLong,
}

/// Parses a plain decimal string (`"12.30"`, `"-1"`, `"0.125"`), refusing
/// exponents, signs other than a leading minus, separators and blanks.
///
/// ```
/// use commerce_rules::money::parse_decimal;
/// assert_eq!(parse_decimal("12.30").unwrap().to_string(), "12.30");
/// assert!(parse_decimal("1e3").is_err());
/// assert!(parse_decimal(" 1").is_err());
/// ```
pub fn parse_decimal(s: &str) -> Result<Decimal, DecimalParseError> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits_ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok(int) || frac.is_some_and(|f| !digits_ok(f)) {
        return Err(DecimalParseError::Malformed);
    }
    let significant = int.trim_start_matches('0').len() + frac.map_or(0, str::len);
    if significant > MAX_DIGITS || body.len() > 64 {
        return Err(DecimalParseError::TooLong);
    }
    Decimal::from_str(s).map_err(|_| DecimalParseError::TooLong)
}

macro_rules! decimal_string {
    ($(#[$meta:meta])* $name:ident, $schema_name:literal, $description:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub Decimal);

        impl $name {
            /// The decimal value.
            pub const fn value(self) -> Decimal {
                self.0
            }
        }

        impl From<Decimal> for $name {
            fn from(d: Decimal) -> Self {
                Self(d)
            }
        }

        impl FromStr for $name {
            type Err = DecimalParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_decimal(s).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                // Its `Display`, written without the formatting machinery.
                let mut buf = super::money::Digits::new();
                match super::money::decimal_text(self.0, &mut buf) {
                    // Digits, a point and a sign: nothing to escape.
                    Some(text) => s.serialize_newtype_struct(crate::json::write::PLAIN_TEXT, text),
                    None => s.collect_str(&self.0),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a decimal string such as \"12.30\"")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        parse_decimal(v).map($name).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($schema_name)
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": DECIMAL_PATTERN,
                    "description": $description,
                })
            }
        }
    };
}

decimal_string!(
    /// A money amount in the rule set's currency, written as a decimal string.
    ///
    /// ```
    /// use commerce_rules::money::Amount;
    /// let a: Amount = serde_json::from_str("\"12.30\"").unwrap();
    /// assert_eq!(a.to_string(), "12.30");
    /// assert!(serde_json::from_str::<Amount>("12.3").is_err(), "numbers are refused");
    /// ```
    Amount,
    "Amount",
    "A money amount as a decimal string in the rule set's currency, e.g. \"12.30\"."
);

decimal_string!(
    /// A percentage written as a decimal string: `"13"` means 13 %.
    ///
    /// ```
    /// use commerce_rules::money::Percent;
    /// let p: Percent = serde_json::from_str("\"12.5\"").unwrap();
    /// assert_eq!(p.fraction().unwrap().to_string(), "0.125");
    /// ```
    Percent,
    "Percent",
    "A percentage as a decimal string: \"13\" means 13 %."
);

decimal_string!(
    /// A plain decimal (exchange rates, multipliers), written as a string.
    ///
    /// ```
    /// use commerce_rules::money::DecimalString;
    /// let r: DecimalString = serde_json::from_str("\"0.1385\"").unwrap();
    /// assert_eq!(r.to_string(), "0.1385");
    /// ```
    DecimalString,
    "DecimalString",
    "A decimal number as a string, e.g. \"0.1385\"."
);

impl Percent {
    /// The percentage as a fraction (13 % is 0.13); `None` on overflow.
    pub fn fraction(self) -> Option<Decimal> {
        self.0.checked_div(Decimal::ONE_HUNDRED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A decimal amount is written as `Decimal`'s `Display` writes it,
        /// whatever its digits, scale and sign.
        #[test]
        fn written_as_display_writes_it(lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
                                        negative in any::<bool>(), scale in 0_u32..=28, small in any::<bool>()) {
            let d = if small {
                Decimal::from_parts(lo % 1000, 0, 0, negative, scale % 4)
            } else {
                Decimal::from_parts(lo, mid, hi, negative, scale)
            };
            let mut buf = crate::money::money::Digits::new();
            let display = d.to_string();
            // Past 64 bits of digits, `Display` itself writes it.
            let fits = u64::try_from(d.mantissa().unsigned_abs()).is_ok();
            let expected = fits.then_some(display.as_str());
            prop_assert_eq!(crate::money::money::decimal_text(d, &mut buf), expected);
            prop_assert_eq!(crate::to_json(&Percent(d)).unwrap(), serde_json::to_string(&d.to_string()).unwrap());
        }
    }

    #[test]
    fn edge_decimals_are_written_as_display_writes_them() {
        let widest = Decimal::from(u64::MAX);
        for d in [Decimal::ZERO, Decimal::new(0, 2), Decimal::new(5, 28), Decimal::new(-13, 0), widest, -widest] {
            let mut buf = crate::money::money::Digits::new();
            let display = d.to_string();
            assert_eq!(crate::money::money::decimal_text(d, &mut buf), Some(display.as_str()), "{d:?}");
        }
        // Wider: left to `Display` (the answer's text is the same).
        for d in [Decimal::MAX, Decimal::MIN] {
            assert_eq!(crate::money::money::decimal_text(d, &mut crate::money::money::Digits::new()), None);
            assert_eq!(crate::to_json(&Percent(d)).unwrap(), format!("\"{d}\""));
        }
    }

    #[test]
    fn accepts_plain_decimals() {
        for s in ["0", "12.30", "-1.5", "0001.10", "99999999999999999999.99"] {
            assert!(parse_decimal(s).is_ok(), "{s}");
        }
        assert_eq!(parse_decimal("12.30").unwrap().scale(), 2);
    }

    #[test]
    fn refuses_anything_else() {
        for s in ["", "-", ".5", "5.", "1e3", "+1", " 1", "1 ", "1,000", "1_000", "--1", "NaN", "1.2.3", "١"] {
            assert_eq!(parse_decimal(s), Err(DecimalParseError::Malformed), "{s:?}");
        }
        assert_eq!(parse_decimal("12345678901234567890123456789"), Err(DecimalParseError::TooLong));
    }

    #[test]
    fn numbers_in_json_are_refused() {
        assert!(serde_json::from_str::<Amount>("1.5").is_err());
        assert!(serde_json::from_str::<Amount>("1").is_err());
        assert_eq!(serde_json::from_str::<Amount>("\"1.5\"").unwrap().0.to_string(), "1.5");
    }
}
