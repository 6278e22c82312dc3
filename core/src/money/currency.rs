//! ISO 4217 currencies and their minor units.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! currencies {
    ($( $variant:ident => $minor:expr, $name:expr; )*) => {
        /// An ISO 4217 currency known to the engine, with its minor units.
        ///
        /// ```
        /// use commerce_rules::Currency;
        /// let cny: Currency = "CNY".parse().unwrap();
        /// assert_eq!(cny.minor_units(), 2);
        /// assert_eq!(Currency::JPY.minor_units(), 0);
        /// assert_eq!(Currency::KWD.minor_units(), 3);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
        #[non_exhaustive]
        pub enum Currency {
            $(
                #[doc = $name]
                $variant,
            )*
        }

        impl Currency {
            /// Every supported currency, in code order.
            pub const ALL: &'static [Currency] = &[$(Currency::$variant,)*];

            /// Number of digits after the decimal point (ISO 4217 minor units).
            pub const fn minor_units(self) -> u32 {
                match self { $(Currency::$variant => $minor,)* }
            }

            /// The three-letter ISO 4217 code.
            pub const fn code(self) -> &'static str {
                match self { $(Currency::$variant => stringify!($variant),)* }
            }
        }

        // Read by the shared visitors of every unit-only enum (json::unit_enum).
        impl $crate::json::unit_enum::UnitEnum for Currency {
            const NAME: &'static str = "Currency";
            const ALL: &'static [Self] = Currency::ALL;
            const NAMES: &'static [&'static str] = &[$(stringify!($variant),)*];
        }

        impl<'de> Deserialize<'de> for Currency {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::json::unit_enum::deserialize(d)
            }
        }

        impl FromStr for Currency {
            type Err = UnknownCurrency;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $(stringify!($variant) => Ok(Currency::$variant),)*
                    _ => Err(UnknownCurrency(s.chars().take(16).collect())),
                }
            }
        }
    };
}

currencies! {
    AED => 2, "UAE dirham";
    AUD => 2, "Australian dollar";
    BHD => 3, "Bahraini dinar";
    BRL => 2, "Brazilian real";
    CAD => 2, "Canadian dollar";
    CHF => 2, "Swiss franc";
    CLP => 0, "Chilean peso";
    CNY => 2, "Chinese yuan renminbi";
    CZK => 2, "Czech koruna";
    DKK => 2, "Danish krone";
    EUR => 2, "Euro";
    GBP => 2, "Pound sterling";
    HKD => 2, "Hong Kong dollar";
    IDR => 2, "Indonesian rupiah";
    INR => 2, "Indian rupee";
    JOD => 3, "Jordanian dinar";
    JPY => 0, "Japanese yen";
    KRW => 0, "South Korean won";
    KWD => 3, "Kuwaiti dinar";
    MOP => 2, "Macanese pataca";
    MXN => 2, "Mexican peso";
    MYR => 2, "Malaysian ringgit";
    NOK => 2, "Norwegian krone";
    NZD => 2, "New Zealand dollar";
    OMR => 3, "Omani rial";
    PHP => 2, "Philippine peso";
    PLN => 2, "Polish zloty";
    SAR => 2, "Saudi riyal";
    SEK => 2, "Swedish krona";
    SGD => 2, "Singapore dollar";
    THB => 2, "Thai baht";
    TWD => 2, "New Taiwan dollar";
    USD => 2, "US dollar";
    VND => 0, "Vietnamese dong";
    ZAR => 2, "South African rand";
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A currency code the engine does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown ISO 4217 currency code `{0}`")]
pub struct UnknownCurrency(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_iso_4217() {
        for (code, units) in [
            ("CNY", 2),
            ("USD", 2),
            ("EUR", 2),
            ("GBP", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("HKD", 2),
            ("TWD", 2),
            ("SGD", 2),
            ("KWD", 3),
            ("BHD", 3),
        ] {
            let c: Currency = code.parse().unwrap();
            assert_eq!(c.minor_units(), units, "{code}");
            assert_eq!(c.code(), code);
        }
    }

    #[test]
    fn unknown_codes_and_lowercase_are_rejected() {
        assert!("XXX".parse::<Currency>().is_err());
        assert!("cny".parse::<Currency>().is_err());
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(serde_json::to_string(&Currency::KWD).unwrap(), "\"KWD\"");
    }
}
