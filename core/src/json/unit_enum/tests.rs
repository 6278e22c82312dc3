use serde::{Deserialize, Serialize};

use super::UnitEnum;

/// A unit-only enum twice: `derived::Mode` with serde's derive, `shared::Mode`
/// with `unit_enum!`; and each inside an internally tagged enum, whose
/// content serde buffers before reading it.
mod derived {
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Mode {
        HalfUp,
        HalfEven,
        Down,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Tagged {
        Rounded { mode: Mode },
    }
}

mod shared {
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq)]
    pub enum Mode {
        HalfUp,
        HalfEven,
        Down,
    }

    unit_enum!(Mode { HalfUp = "half_up", HalfEven = "half_even", Down = "down" });

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Tagged {
        Rounded { mode: Mode },
    }
}

const TEXTS: &[&str] = &[
    r#""half_up""#,
    r#""half_even""#,
    r#""down""#,
    r#""Down""#,
    r#""nope""#,
    r#""""#,
    r#""half_\u0075p""#,
    "0",
    "2",
    "3",
    "-1",
    "18446744073709551615",
    "1.5",
    "true",
    "null",
    "[]",
    r#"["down"]"#,
    "{}",
    r#"{"down": null}"#,
    r#"{"down": 1}"#,
    r#"{"down": {}}"#,
    r#"{"nope": null}"#,
    r#"{"down": null, "up": null}"#,
    r#"{"down"}"#,
    r#""down"#,
    "",
];

fn outcome<T: std::fmt::Debug>(r: Result<T, serde_json::Error>) -> String {
    match r {
        Ok(v) => format!("ok {v:?}"),
        Err(e) => format!("error {e} ({:?})", e.classify()),
    }
}

#[test]
fn reads_what_the_derive_reads_with_the_same_messages() {
    for text in TEXTS {
        // Straight from the text.
        let derived = outcome(serde_json::from_str::<derived::Mode>(text));
        let shared = outcome(serde_json::from_str::<shared::Mode>(text));
        assert_eq!(derived, shared, "{text}");
        // Buffered by an internally tagged enum (a number is then read as
        // a variant index).
        let tagged = format!(r#"{{"mode": {text}, "type": "rounded"}}"#);
        let derived = outcome(serde_json::from_str::<derived::Tagged>(&tagged));
        let shared = outcome(serde_json::from_str::<shared::Tagged>(&tagged));
        assert_eq!(derived, shared, "{tagged}");
        // From a `serde_json::Value`.
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let derived = outcome(serde_json::from_value::<derived::Mode>(value.clone()));
            let shared = outcome(serde_json::from_value::<shared::Mode>(value));
            assert_eq!(derived, shared, "{text} as a value");
        }
    }
}

/// Every variant of `T` is read from the name its derived `Serialize` writes.
fn check<T: UnitEnum + Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>() {
    assert_eq!(T::ALL.len(), T::NAMES.len(), "{}", T::NAME);
    for (variant, name) in T::ALL.iter().zip(T::NAMES) {
        let text = serde_json::to_string(variant).unwrap();
        assert_eq!(text, serde_json::to_string(name).unwrap(), "{}", T::NAME);
        assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), variant, "{}", T::NAME);
    }
    let error = serde_json::from_str::<T>(r#""?""#).unwrap_err().to_string();
    assert!(error.starts_with("unknown variant `?`, expected "), "{}: {error}", T::NAME);
}

#[test]
fn every_unit_enum_reads_the_names_it_writes() {
    use crate::money::{PriceDirection, RoundingLevel, RoundingMode};
    use crate::returns::{ItemCondition, ReturnReason};
    use crate::rules::*;
    check::<RoundingMode>();
    check::<RoundingLevel>();
    check::<PriceDirection>();
    check::<crate::messages::Lang>();
    check::<crate::LandedRegime>();
    check::<crate::units::WeightUnit>();
    check::<crate::units::LengthUnit>();
    check::<crate::points::BonusKind>();
    check::<PriceSelection>();
    check::<PriceListKind>();
    check::<Trigger>();
    check::<Basis>();
    check::<AllocateBy>();
    check::<Weekday>();
    check::<Scope>();
    check::<AmountPer>();
    check::<WithShipping>();
    check::<Choose>();
    check::<Terms>();
    check::<ConsumptionBase>();
    check::<CbecOverLimit>();
    check::<QualificationMetric>();
    check::<Downgrade>();
    check::<BonusReturn>();
    check::<OverLimit>();
    check::<LastDay>();
    check::<Period>();
    check::<ReturnedPointsExpiry>();
    check::<SpentEarnedPoints>();
    check::<TaxCalculation>();
    check::<TenderRefundOrder>();
    check::<GiftPolicy>();
    check::<LostShippingDiscount>();
    check::<ShippingAllocation>();
    check::<CarrierUnits>();
    check::<ServiceLevel>();
    check::<CombineTemplates>();
    check::<TransitUnit>();
    check::<FeePer>();
    check::<ThresholdCombine>();
    check::<ReturnReason>();
    check::<ItemCondition>();
    check::<crate::TenderKind>();
    check::<crate::AmountOrigin>();
    check::<crate::RoundedClass>();
    check::<crate::Currency>();
}
