//! Parcels, chargeable weight and the rate models.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::answer::{ParcelQuote, RateStep, RateStepCode};
use crate::money::{Amount, Currency, Money, MoneyError};
use crate::quote::{CartLine, LineAnswer};
use crate::reasons::{ShippingReason, ShippingReasonParams};
use crate::rules::{CompiledMethod, CompiledShipping, RateModel, Surcharge};

/// The lines of one origin warehouse, summed.
#[derive(Debug, Clone)]
pub(crate) struct Parcel {
    pub(crate) warehouse: usize,
    pub(crate) origin: String,
    pub(crate) line_ids: Vec<String>,
    pub(crate) units: u64,
    pub(crate) actual_g: u64,
    /// cm³.
    pub(crate) volume: u128,
    /// The longest side of any unit, cm.
    pub(crate) longest_side_cm: u32,
    /// (shipping class, first line id with it), by class.
    pub(crate) classes: BTreeMap<String, String>,
    pub(crate) value: Money,
}

/// Why a figure could not be computed.
#[derive(Debug)]
pub(crate) struct Overflow;

impl From<MoneyError> for Overflow {
    fn from(_: MoneyError) -> Self {
        Overflow
    }
}

/// Groups the request's lines into one parcel per origin, in warehouse-id
/// order. `lines` are the priced lines in line-id order (gift lines, which
/// carry no weight, are left out).
pub(crate) fn parcels(
    s: &CompiledShipping,
    currency: Currency,
    req_lines: &[CartLine],
    lines: &[LineAnswer],
) -> Result<Vec<Parcel>, Overflow> {
    let by_id: BTreeMap<&str, &CartLine> = req_lines.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut out: BTreeMap<&str, Parcel> = BTreeMap::new();
    for line in lines {
        let Some(cart) = by_id.get(line.id.as_str()) else { continue };
        let warehouse =
            cart.origin.as_ref().and_then(|o| s.warehouse_index.get(o)).copied().unwrap_or(s.default_warehouse);
        let Some(w) = s.warehouses.get(warehouse) else { continue };
        let parcel = out.entry(w.id.as_str()).or_insert_with(|| Parcel {
            warehouse,
            origin: w.id.clone(),
            line_ids: Vec::new(),
            units: 0,
            actual_g: 0,
            volume: 0,
            longest_side_cm: 0,
            classes: BTreeMap::new(),
            value: Money::zero(currency),
        });
        let qty = u64::from(cart.quantity);
        parcel.line_ids.push(line.id.clone());
        parcel.units = parcel.units.checked_add(qty).ok_or(Overflow)?;
        let weight = u64::from(cart.weight_g.unwrap_or(0)).checked_mul(qty).ok_or(Overflow)?;
        parcel.actual_g = parcel.actual_g.checked_add(weight).ok_or(Overflow)?;
        if let Some(d) = cart.dimensions {
            let unit = u128::from(d.length_cm)
                .checked_mul(u128::from(d.width_cm))
                .and_then(|v| v.checked_mul(u128::from(d.height_cm)))
                .and_then(|v| v.checked_mul(u128::from(qty)))
                .ok_or(Overflow)?;
            parcel.volume = parcel.volume.checked_add(unit).ok_or(Overflow)?;
            parcel.longest_side_cm = parcel.longest_side_cm.max(d.length_cm).max(d.width_cm).max(d.height_cm);
        }
        if let Some(class) = &cart.shipping_class {
            parcel.classes.entry(class.clone()).or_insert_with(|| line.id.clone());
        }
        parcel.value = parcel.value.checked_add(line.net)?;
    }
    Ok(out.into_values().collect())
}

/// Volumetric weight in grams, rounded up: volume (cm³) × 1000 / divisor (cm³ per kg).
pub(crate) fn volumetric_g(volume: u128, divisor: Option<u32>) -> Result<u64, Overflow> {
    let Some(divisor) = divisor.filter(|d| *d > 0).map(u128::from) else { return Ok(0) };
    let grams = volume.checked_mul(1000).ok_or(Overflow)?;
    let up = grams.checked_add(divisor.saturating_sub(1)).ok_or(Overflow)?.checked_div(divisor).ok_or(Overflow)?;
    u64::try_from(up).map_err(|_| Overflow)
}

/// A method's price for one parcel, or why it cannot take it.
pub(crate) enum Priced {
    Parcel(ParcelQuote),
    Refused(ShippingReason, ShippingReasonParams),
}

/// Prices one parcel with `method`.
pub(crate) fn price_parcel(
    parcel: &Parcel,
    method: &CompiledMethod,
    divisor: Option<u32>,
    remote: bool,
    currency: Currency,
) -> Result<Priced, Overflow> {
    if let Some((class, line)) = parcel.classes.iter().find(|(c, _)| method.excluded_classes.contains(c)) {
        return Ok(Priced::Refused(
            ShippingReason::ShippingClassNotAllowed,
            ShippingReasonParams {
                line_id: Some(line.clone()),
                shipping_class: Some(class.clone()),
                origin: Some(parcel.origin.clone()),
                ..Default::default()
            },
        ));
    }
    let volumetric = volumetric_g(parcel.volume, divisor)?;
    let chargeable = parcel.actual_g.max(volumetric);
    let too_heavy = |max: u64| {
        Priced::Refused(
            ShippingReason::TooHeavy,
            ShippingReasonParams {
                origin: Some(parcel.origin.clone()),
                weight_g: Some(chargeable),
                max_weight_g: Some(max),
                ..Default::default()
            },
        )
    };
    if let Some(max) = method.max_weight_g.filter(|m| chargeable > *m) {
        return Ok(too_heavy(max));
    }
    let money = |a: Amount| Money::new(a.value(), currency);
    let step = |code, amount| RateStep { code, count: None, unit_price: None, up_to_g: None, from: None, amount };
    let mut steps = Vec::with_capacity(4);
    match &method.rate {
        RateModel::Flat { price } => steps.push(step(RateStepCode::Flat, money(*price))),
        RateModel::FirstAdditional { first_weight_g, first_price, additional_step_g, additional_price } => {
            steps.push(step(RateStepCode::FirstWeight, money(*first_price)));
            let extra = chargeable.saturating_sub(*first_weight_g);
            if extra > 0 {
                let count = extra.div_ceil((*additional_step_g).max(1));
                let unit = money(*additional_price);
                steps.push(RateStep {
                    count: Some(count),
                    unit_price: Some(unit),
                    ..step(RateStepCode::AdditionalWeight, unit.checked_mul_qty(count)?)
                });
            }
        }
        RateModel::WeightBrackets { brackets } => match brackets.iter().find(|b| chargeable <= b.up_to_g) {
            Some(b) => {
                steps.push(RateStep { up_to_g: Some(b.up_to_g), ..step(RateStepCode::WeightBracket, money(b.price)) })
            }
            None => return Ok(too_heavy(brackets.last().map_or(0, |b| b.up_to_g))),
        },
        RateModel::ValueBrackets { brackets } => {
            let value = parcel.value.amount();
            if let Some(b) = brackets.iter().rev().find(|b| value >= b.from.value()).or(brackets.first()) {
                steps.push(RateStep { from: Some(money(b.from)), ..step(RateStepCode::ValueBracket, money(b.price)) });
            }
        }
        RateModel::PerItem { price } => {
            let unit = money(*price);
            steps.push(RateStep {
                count: Some(parcel.units),
                unit_price: Some(unit),
                ..step(RateStepCode::PerItem, unit.checked_mul_qty(parcel.units)?)
            });
        }
    }
    for s in &method.surcharges {
        match s {
            Surcharge::Remote { amount } if remote => steps.push(step(RateStepCode::RemoteSurcharge, money(*amount))),
            Surcharge::Oversize { amount, longest_side_over_cm } if parcel.longest_side_cm > *longest_side_over_cm => {
                steps.push(step(RateStepCode::OversizeSurcharge, money(*amount)))
            }
            Surcharge::ColdChain { amount, shipping_classes }
                if shipping_classes.iter().any(|c| parcel.classes.contains_key(c)) =>
            {
                steps.push(step(RateStepCode::ColdChainSurcharge, money(*amount)))
            }
            Surcharge::Handling { amount } => steps.push(step(RateStepCode::HandlingFee, money(*amount))),
            _ => {}
        }
    }
    let price = Money::checked_sum(currency, steps.iter().map(|s| s.amount))?;
    Ok(Priced::Parcel(ParcelQuote {
        origin: parcel.origin.clone(),
        line_ids: parcel.line_ids.clone(),
        units: parcel.units,
        actual_weight_g: parcel.actual_g,
        volumetric_weight_g: volumetric,
        chargeable_weight_g: chargeable,
        value: parcel.value,
        price,
        steps,
    }))
}

/// `price × fraction`, rounded with `mode`, never above `price`.
pub(crate) fn share(price: Money, fraction: Decimal, mode: crate::money::RoundingMode) -> Result<Money, MoneyError> {
    if fraction >= Decimal::ONE {
        return Ok(price);
    }
    price.checked_mul(fraction)?.round(mode).min(price)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{ServiceLevel, ValueBracket};

    fn cny(s: &str) -> Amount {
        s.parse().unwrap()
    }

    fn method(rate: RateModel) -> CompiledMethod {
        CompiledMethod {
            id: "m".into(),
            name: None,
            carrier: 0,
            service: ServiceLevel::Standard,
            rate,
            surcharges: vec![],
            excluded_classes: vec![],
            max_weight_g: None,
            transit_min: 1,
            transit_max: 2,
            cutoff: None,
            slots: vec![],
            slot_lead_minutes: 0,
        }
    }

    fn parcel(grams: u64, units: u64, value: &str) -> Parcel {
        Parcel {
            warehouse: 0,
            origin: "w".into(),
            line_ids: vec!["1".into()],
            units,
            actual_g: grams,
            volume: 0,
            longest_side_cm: 0,
            classes: BTreeMap::new(),
            value: Money::parse(value, Currency::CNY).unwrap(),
        }
    }

    fn price(m: &CompiledMethod, p: &Parcel) -> String {
        match price_parcel(p, m, None, false, Currency::CNY).unwrap() {
            Priced::Parcel(q) => q.price.to_string(),
            Priced::Refused(r, _) => format!("{r:?}"),
        }
    }

    #[test]
    fn first_weight_then_each_step_or_part_of_it() {
        let m = method(RateModel::FirstAdditional {
            first_weight_g: 1000,
            first_price: cny("10.00"),
            additional_step_g: 500,
            additional_price: cny("2.00"),
        });
        let at = |g| price(&m, &parcel(g, 1, "1.00"));
        assert_eq!(
            [at(0), at(1000), at(1001), at(1500), at(1501), at(2300)],
            ["10.00", "10.00", "12.00", "12.00", "14.00", "16.00"]
        );
    }

    #[test]
    fn value_brackets_and_per_item() {
        let m = method(RateModel::ValueBrackets {
            brackets: vec![
                ValueBracket { from: cny("0.00"), price: cny("15.00") },
                ValueBracket { from: cny("100.00"), price: cny("8.00") },
            ],
        });
        assert_eq!(price(&m, &parcel(500, 1, "99.99")), "15.00");
        assert_eq!(price(&m, &parcel(500, 1, "100.00")), "8.00");
        let m = method(RateModel::PerItem { price: cny("1.50") });
        assert_eq!(price(&m, &parcel(500, 7, "1.00")), "10.50");
    }

    #[test]
    fn partial_discounts_round_and_never_exceed_the_price() {
        let p = Money::parse("16.25", Currency::CNY).unwrap();
        let half = Decimal::new(5, 1);
        assert_eq!(share(p, half, crate::money::RoundingMode::HalfUp).unwrap().to_string(), "8.13");
        assert_eq!(share(p, Decimal::ONE, crate::money::RoundingMode::HalfUp).unwrap(), p);
    }

    #[test]
    fn volumetric_weight_rounds_up_to_the_gram() {
        // 30 × 20 × 10 cm = 6000 cm³; / 6000 cm³ per kg = 1 kg; / 5000 = 1.2 kg.
        assert_eq!(volumetric_g(6000, Some(6000)).unwrap(), 1000);
        assert_eq!(volumetric_g(6000, Some(5000)).unwrap(), 1200);
        assert_eq!(volumetric_g(1, Some(6000)).unwrap(), 1, "a sliver of a gram counts as one");
        assert_eq!(volumetric_g(6000, None).unwrap(), 0);
    }
}
