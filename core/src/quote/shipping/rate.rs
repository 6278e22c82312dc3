//! Parcels, billable weight and the rate models.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::answer::{BillableWeight, ParcelQuote, RateStep, RateStepCode};
use crate::money::{Amount, Currency, DecimalString, Money, MoneyError, RoundingMode};
use crate::quote::{CartLine, LengthUnit, LineAnswer, WeightUnit};
use crate::reasons::{ShippingReason, ShippingReasonParams};
use crate::rules::{
    CombineTemplates, CompiledCarrier, CompiledMethod, CompiledRate, CompiledShipping, FeePer, Surcharge, CM_PER_IN,
    G_PER_KG, G_PER_LB, G_PER_OZ,
};

/// One line's share of a parcel, borrowing the request's strings.
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    pub(crate) line_id: &'a str,
    /// The line's position in the priced lines (line-id order).
    pub(crate) pos: usize,
    /// The product's SKU.
    pub(crate) sku: &'a str,
    /// The line's shipping class.
    pub(crate) class: Option<&'a str>,
    /// The product ships free (`ships_free`).
    pub(crate) ships_free: bool,
    /// The line's shipping template.
    pub(crate) template: Option<&'a str>,
    pub(crate) qty: u64,
    /// Grams per unit, exact.
    pub(crate) unit_g: Decimal,
    /// Sides of one unit in cm, exact, as given.
    pub(crate) sides_cm: Option<[Decimal; 3]>,
    pub(crate) value: Money,
}

/// The lines of one origin warehouse, summed.
#[derive(Debug, Clone)]
pub(crate) struct Parcel<'a> {
    pub(crate) warehouse: usize,
    pub(crate) origin: String,
    pub(crate) line_ids: Vec<Arc<str>>,
    pub(crate) units: u64,
    pub(crate) items: Vec<Item<'a>>,
    /// The longest side of any unit, cm.
    pub(crate) longest_side_cm: Decimal,
    /// (shipping class, first line id with it), by class.
    pub(crate) classes: BTreeMap<&'a str, &'a str>,
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

/// Grams in one `unit`.
pub(crate) fn grams_per(unit: WeightUnit) -> Decimal {
    match unit {
        WeightUnit::G => Decimal::ONE,
        WeightUnit::Kg => G_PER_KG,
        WeightUnit::Lb => G_PER_LB,
        WeightUnit::Oz => G_PER_OZ,
    }
}

/// Centimetres in one `unit`.
pub(crate) fn cm_per(unit: LengthUnit) -> Decimal {
    match unit {
        LengthUnit::Cm => Decimal::ONE,
        LengthUnit::In => CM_PER_IN,
    }
}

/// A line's unit weight in grams: `weight_g`, or `weight` converted exactly.
pub(crate) fn unit_grams(line: &CartLine) -> Result<Decimal, Overflow> {
    match line.weight {
        Some(w) => w.value.value().checked_mul(grams_per(w.unit)).ok_or(Overflow),
        None => Ok(Decimal::from(line.weight_g.unwrap_or(0))),
    }
}

/// A line's unit sides in cm: `dimensions`, or `package` converted exactly.
pub(crate) fn unit_sides_cm(line: &CartLine) -> Result<Option<[Decimal; 3]>, Overflow> {
    if let Some(p) = line.package {
        let f = cm_per(p.unit);
        let side = |d: DecimalString| d.value().checked_mul(f).ok_or(Overflow);
        return Ok(Some([side(p.length)?, side(p.width)?, side(p.height)?]));
    }
    Ok(line.dimensions.map(|d| [d.length_cm.into(), d.width_cm.into(), d.height_cm.into()]))
}

/// Groups the request's lines into one parcel per origin, in warehouse-id
/// order. `lines` are the priced lines in line-id order, `lines[k]` priced
/// from `req_lines[order[k]]`; gift lines follow them and, carrying no
/// weight, are left out.
pub(crate) fn parcels<'a>(
    s: &CompiledShipping,
    currency: Currency,
    req_lines: &'a [CartLine],
    order: &[usize],
    lines: &'a [LineAnswer],
) -> Result<Vec<Parcel<'a>>, Overflow> {
    let mut out: BTreeMap<&str, Parcel<'a>> = BTreeMap::new();
    for (pos, line) in lines.iter().enumerate() {
        let Some(cart) = order.get(pos).and_then(|&i| req_lines.get(i)).filter(|c| c.id == line.id) else { continue };
        let warehouse =
            cart.origin.as_ref().and_then(|o| s.warehouse_index.get(o)).copied().unwrap_or(s.default_warehouse);
        let Some(w) = s.warehouses.get(warehouse) else { continue };
        // Room for every line left: one allocation each when they all ship
        // from one warehouse, as they mostly do.
        let left = lines.len().saturating_sub(pos);
        let parcel = out.entry(w.id.as_str()).or_insert_with(|| Parcel {
            warehouse,
            origin: w.id.clone(),
            line_ids: Vec::with_capacity(left),
            units: 0,
            items: Vec::with_capacity(left),
            longest_side_cm: Decimal::ZERO,
            classes: BTreeMap::new(),
            value: Money::zero(currency),
        });
        let qty = u64::from(cart.quantity);
        parcel.line_ids.push(Arc::clone(&line.id));
        parcel.units = parcel.units.checked_add(qty).ok_or(Overflow)?;
        let sides_cm = unit_sides_cm(cart)?;
        if let Some(sides) = sides_cm {
            parcel.longest_side_cm = sides.iter().fold(parcel.longest_side_cm, |m, s| m.max(*s));
        }
        parcel.items.push(Item {
            line_id: &line.id,
            pos,
            sku: &cart.sku,
            class: cart.shipping_class.as_deref(),
            ships_free: s.ships_free.as_ref().is_some_and(|f| f.covers(&cart.sku, &cart.categories, &cart.tags)),
            template: cart.shipping_template.as_deref(),
            qty,
            unit_g: unit_grams(cart)?,
            sides_cm,
            value: line.net,
        });
        if let Some(class) = &cart.shipping_class {
            parcel.classes.entry(class.as_str()).or_insert(&*line.id);
        }
        parcel.value = parcel.value.checked_add(line.net)?;
    }
    Ok(out.into_values().collect())
}

/// Weights of some items as a carrier bills them, in grams (exact decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Weighed {
    pub(crate) actual_g: Decimal,
    /// Volume over the carrier's divisor; 0 without a divisor.
    pub(crate) volumetric_g: Decimal,
    /// The greater of the two, rounded up to the carrier's increment (default the gram).
    pub(crate) billable_g: Decimal,
}

/// `x` rounded up to a multiple of `step` (> 0), exactly.
pub(crate) fn ceil_to(x: Decimal, step: Decimal) -> Result<Decimal, Overflow> {
    let r = x.checked_rem(step).ok_or(Overflow)?;
    if r.is_zero() {
        return Ok(x);
    }
    x.checked_sub(r)
        .and_then(|d| d.checked_add(if r.is_sign_negative() { Decimal::ZERO } else { step }))
        .ok_or(Overflow)
}

/// How many `step`s (> 0) cover `x` (>= 0), the last one possibly in part.
pub(crate) fn steps_covering(x: Decimal, step: Decimal) -> Result<u64, Overflow> {
    let covered = ceil_to(x, step)?;
    covered.checked_div(step).and_then(|n| n.to_u64()).ok_or(Overflow)
}

/// Whole grams, rounded up.
pub(crate) fn whole_grams(g: Decimal) -> Result<u64, Overflow> {
    g.ceil().to_u64().ok_or(Overflow)
}

/// `grams` in the carrier's unit, shown to at most 4 decimal places (rounded up).
pub(crate) fn in_unit(grams: Decimal, carrier: &CompiledCarrier) -> Result<DecimalString, Overflow> {
    let v = grams.checked_div(carrier.units.grams_per_unit()).ok_or(Overflow)?;
    Ok(DecimalString(RoundingMode::Up.round(v, 4).normalize()))
}

/// Weighs `items` as `carrier` bills: actual weight; volume (each side
/// converted to the carrier's unit and rounded as it says) over its divisor;
/// the greater rounded up to its increment.
pub(crate) fn weigh<'a, 'r: 'a>(
    items: impl IntoIterator<Item = &'a Item<'r>>,
    carrier: &CompiledCarrier,
) -> Result<Weighed, Overflow> {
    let mut actual = Decimal::ZERO;
    let mut volume = Decimal::ZERO;
    let qty_dec = |q: u64| Decimal::from(q);
    for it in items {
        actual = it.unit_g.checked_mul(qty_dec(it.qty)).and_then(|w| actual.checked_add(w)).ok_or(Overflow)?;
        let (Some(sides), Some(_)) = (it.sides_cm, carrier.divisor) else { continue };
        let mut product = qty_dec(it.qty);
        for side in sides {
            let side = match carrier.side_rounding {
                Some(mode) => mode.round(side.checked_div(carrier.units.cm_per_unit()).ok_or(Overflow)?, 0),
                None => side,
            };
            product = product.checked_mul(side).ok_or(Overflow)?;
        }
        volume = volume.checked_add(product).ok_or(Overflow)?;
    }
    let volumetric = match carrier.divisor {
        None => Decimal::ZERO,
        Some(divisor) => {
            // Rounded sides are in the carrier's unit already; unrounded ones
            // in cm, converted with the volume in one division.
            let mut per = Decimal::from(divisor);
            if carrier.side_rounding.is_none() {
                let c = carrier.units.cm_per_unit();
                per = c
                    .checked_mul(c)
                    .and_then(|c2| c2.checked_mul(c))
                    .and_then(|c3| c3.checked_mul(per))
                    .ok_or(Overflow)?;
            }
            volume.checked_mul(carrier.units.grams_per_unit()).and_then(|v| v.checked_div(per)).ok_or(Overflow)?
        }
    };
    let increment = carrier.increment_g.unwrap_or(Decimal::ONE);
    let billable = ceil_to(actual.max(volumetric), increment)?;
    Ok(Weighed { actual_g: actual, volumetric_g: volumetric, billable_g: billable })
}

/// A method's price for one parcel, or why it cannot take it.
pub(crate) enum Priced {
    Parcel(ParcelQuote, Weighed),
    Refused(ShippingReason, ShippingReasonParams),
}

fn money(a: Amount, currency: Currency) -> Money {
    Money::new(a.value(), currency)
}

/// A rate step of `amount` with no count, unit price or bracket.
pub(super) fn step(code: RateStepCode, amount: Money) -> RateStep {
    RateStep {
        code,
        count: None,
        unit_price: None,
        up_to_g: None,
        up_to: None,
        from: None,
        template: None,
        percent: None,
        amount,
    }
}

/// What one group of a parcel (the lines priced by one rate) is made of.
struct Group<'a> {
    template: Option<&'a str>,
    rate: &'a CompiledRate,
    items: Vec<&'a Item<'a>>,
}

/// Prices one parcel with `method`. `rounding` is the rule set's mode (percentage fees).
pub(crate) fn price_parcel(
    parcel: &Parcel<'_>,
    method: &CompiledMethod,
    carrier: &CompiledCarrier,
    remote: bool,
    currency: Currency,
    rounding: RoundingMode,
) -> Result<Priced, Overflow> {
    if let Some((class, line)) = parcel.classes.iter().find(|(c, _)| method.excluded_classes.iter().any(|x| x == **c)) {
        return Ok(Priced::Refused(
            ShippingReason::ShippingClassNotAllowed,
            ShippingReasonParams {
                line_id: Some((*line).to_string()),
                shipping_class: Some((*class).to_string()),
                origin: Some(parcel.origin.clone()),
                ..Default::default()
            },
        ));
    }
    let weighed = weigh(&parcel.items, carrier)?;
    let chargeable = whole_grams(weighed.billable_g)?;
    if let Some(max) = method.max_weight_g.filter(|m| chargeable > *m) {
        return Ok(Priced::Refused(
            ShippingReason::TooHeavy,
            ShippingReasonParams {
                origin: Some(parcel.origin.clone()),
                weight_g: Some(chargeable),
                max_weight_g: Some(max),
                ..Default::default()
            },
        ));
    }
    // The lines priced by each rate: the default rate's first, then templates by id.
    let mut groups: Vec<Group<'_>> = Vec::new();
    for it in &parcel.items {
        let found = it.template.and_then(|t| method.template_rates.iter().find(|(id, _)| id == t));
        let (template, rate) = match found {
            Some((id, rate)) => (Some(id.as_str()), rate),
            None => (None, &method.rate),
        };
        match groups.iter_mut().find(|g| g.template == template) {
            Some(g) => g.items.push(it),
            None => {
                // Room for every item: one allocation when one rate prices them all.
                let mut items = Vec::with_capacity(parcel.items.len());
                items.push(it);
                groups.push(Group { template, rate, items });
            }
        }
    }
    crate::sort::sort_by(&mut groups, |a, b| a.template.cmp(&b.template));
    let mut priced: Vec<(Money, Vec<RateStep>)> = Vec::with_capacity(groups.len());
    for g in &groups {
        let w = if groups.len() == 1 { weighed } else { weigh(g.items.iter().copied(), carrier)? };
        let units = g.items.iter().try_fold(0_u64, |a, it| a.checked_add(it.qty)).ok_or(Overflow)?;
        let value = Money::checked_sum(currency, g.items.iter().map(|it| it.value))?;
        match rate_steps(g.rate, &w, units, value, carrier, currency, rounding, &parcel.origin)? {
            Ok(mut steps) => {
                for s in &mut steps {
                    s.template = g.template.map(str::to_string);
                }
                let price = Money::checked_sum(currency, steps.iter().map(|s| s.amount))?;
                priced.push((price, steps));
            }
            Err(refused) => return Ok(refused),
        }
    }
    let mut steps = match method.combine {
        CombineTemplates::Sum => priced.into_iter().flat_map(|(_, s)| s).collect(),
        CombineTemplates::Highest => {
            let mut best: Option<(Money, Vec<RateStep>)> = None;
            for (price, s) in priced {
                let higher = match &best {
                    None => true,
                    Some((b, _)) => price.checked_cmp(*b)? == std::cmp::Ordering::Greater,
                };
                if higher {
                    best = Some((price, s));
                }
            }
            best.map(|(_, s)| s).unwrap_or_default()
        }
    };
    for s in &method.surcharges {
        match s {
            Surcharge::Remote { amount } if remote => {
                steps.push(step(RateStepCode::RemoteSurcharge, money(*amount, currency)))
            }
            Surcharge::Oversize { amount, longest_side_over_cm }
                if parcel.longest_side_cm > Decimal::from(*longest_side_over_cm) =>
            {
                steps.push(step(RateStepCode::OversizeSurcharge, money(*amount, currency)))
            }
            Surcharge::ColdChain { amount, shipping_classes }
                if shipping_classes.iter().any(|c| parcel.classes.contains_key(c.as_str())) =>
            {
                steps.push(step(RateStepCode::ColdChainSurcharge, money(*amount, currency)))
            }
            Surcharge::Handling { amount, per: FeePer::Parcel } => {
                steps.push(step(RateStepCode::HandlingFee, money(*amount, currency)))
            }
            Surcharge::PerPiece { amount } => {
                let unit = money(*amount, currency);
                steps.push(RateStep {
                    count: Some(parcel.units),
                    unit_price: Some(unit),
                    ..step(RateStepCode::PerPieceFee, unit.checked_mul_qty(parcel.units)?)
                });
            }
            Surcharge::ProductFee { amount, skus, shipping_classes } => {
                let units = parcel
                    .items
                    .iter()
                    .filter(|it| {
                        skus.iter().any(|x| x == it.sku)
                            || it.class.is_some_and(|c| shipping_classes.iter().any(|x| x == c))
                    })
                    .try_fold(0_u64, |a, it| a.checked_add(it.qty))
                    .ok_or(Overflow)?;
                if units > 0 {
                    let unit = money(*amount, currency);
                    steps.push(RateStep {
                        count: Some(units),
                        unit_price: Some(unit),
                        ..step(RateStepCode::ProductFee, unit.checked_mul_qty(units)?)
                    });
                }
            }
            _ => {}
        }
    }
    let price = Money::checked_sum(currency, steps.iter().map(|s| s.amount))?;
    let billable = if carrier.shows_billable {
        Some(BillableWeight {
            unit: carrier.units.weight_unit(),
            actual: in_unit(weighed.actual_g, carrier)?,
            volumetric: in_unit(weighed.volumetric_g, carrier)?,
            billable: in_unit(weighed.billable_g, carrier)?,
        })
    } else {
        None
    };
    Ok(Priced::Parcel(
        ParcelQuote {
            origin: parcel.origin.clone(),
            line_ids: parcel.line_ids.clone(),
            units: parcel.units,
            actual_weight_g: whole_grams(weighed.actual_g)?,
            volumetric_weight_g: whole_grams(weighed.volumetric_g)?,
            chargeable_weight_g: chargeable,
            billable,
            value: parcel.value,
            price,
            steps,
        },
        weighed,
    ))
}

/// The steps of one rate for a group of `units` units worth `value`
/// weighing `w`, or the refusal when it is heavier than the last bracket.
#[allow(clippy::too_many_arguments)]
fn rate_steps(
    rate: &CompiledRate,
    w: &Weighed,
    units: u64,
    value: Money,
    carrier: &CompiledCarrier,
    currency: Currency,
    rounding: RoundingMode,
    origin: &str,
) -> Result<Result<Vec<RateStep>, Priced>, Overflow> {
    let m = |a: Amount| money(a, currency);
    let mut steps = Vec::with_capacity(2);
    match rate {
        CompiledRate::Flat { price } => steps.push(step(RateStepCode::Flat, m(*price))),
        CompiledRate::FirstAdditional { first_g, first_price, step_g, additional_price } => {
            steps.push(step(RateStepCode::FirstWeight, m(*first_price)));
            let extra = w.billable_g.checked_sub(*first_g).ok_or(Overflow)?;
            if extra > Decimal::ZERO {
                let count = steps_covering(extra, *step_g)?;
                let unit = m(*additional_price);
                steps.push(RateStep {
                    count: Some(count),
                    unit_price: Some(unit),
                    ..step(RateStepCode::AdditionalWeight, unit.checked_mul_qty(count)?)
                });
            }
        }
        CompiledRate::FirstAdditionalPieces { first, first_price, step: per, additional_price } => {
            steps.push(step(RateStepCode::FirstPieces, m(*first_price)));
            let extra = units.saturating_sub(*first);
            if extra > 0 {
                let count = extra.div_ceil((*per).max(1));
                let unit = m(*additional_price);
                steps.push(RateStep {
                    count: Some(count),
                    unit_price: Some(unit),
                    ..step(RateStepCode::AdditionalPieces, unit.checked_mul_qty(count)?)
                });
            }
        }
        CompiledRate::WeightBrackets(brackets) => match brackets.iter().find(|b| w.billable_g <= b.up_to_g) {
            Some(b) => steps.push(RateStep {
                up_to_g: b.written_g,
                up_to: b.written,
                ..step(RateStepCode::WeightBracket, m(b.price))
            }),
            None => {
                let last = brackets.last();
                let in_unit_written = last.and_then(|b| b.written);
                return Ok(Err(Priced::Refused(
                    ShippingReason::TooHeavy,
                    ShippingReasonParams {
                        origin: Some(origin.to_string()),
                        weight_g: Some(whole_grams(w.billable_g)?),
                        max_weight_g: Some(last.map_or(Ok(0), |b| b.up_to_g.floor().to_u64().ok_or(Overflow))?),
                        weight: match in_unit_written {
                            Some(_) => Some(in_unit(w.billable_g, carrier)?),
                            None => None,
                        },
                        max_weight: in_unit_written,
                        weight_unit: in_unit_written.map(|_| carrier.units.weight_unit()),
                        ..Default::default()
                    },
                )));
            }
        },
        CompiledRate::ValueBrackets(brackets) => {
            let v = value.amount();
            if let Some(b) = brackets.iter().rev().find(|b| v >= b.from.value()).or(brackets.first()) {
                steps.push(RateStep { from: Some(m(b.from)), ..step(RateStepCode::ValueBracket, m(b.price)) });
            }
        }
        CompiledRate::Flexible { first_item, additional_item, max_items } => {
            // Units 1, N + 1, 2N + 1... pay the first-item price: ⌈units / N⌉ of them.
            let firsts = match max_items {
                Some(n) => units.div_ceil(*n),
                None => units.min(1),
            };
            let others = units.saturating_sub(firsts);
            let first = m(*first_item);
            steps.push(RateStep {
                count: Some(firsts),
                unit_price: Some(first),
                ..step(RateStepCode::FirstItem, first.checked_mul_qty(firsts)?)
            });
            if others > 0 {
                let unit = m(*additional_item);
                steps.push(RateStep {
                    count: Some(others),
                    unit_price: Some(unit),
                    ..step(RateStepCode::AdditionalItem, unit.checked_mul_qty(others)?)
                });
            }
        }
        CompiledRate::PerItem { price } => {
            let unit = m(*price);
            steps.push(RateStep {
                count: Some(units),
                unit_price: Some(unit),
                ..step(RateStepCode::PerItem, unit.checked_mul_qty(units)?)
            });
        }
        CompiledRate::PercentOfValue { percent, fraction, min_fee, max_fee, rounding: own } => {
            let fee = value.checked_mul(*fraction)?.round(own.unwrap_or(rounding));
            let (code, amount) = match (min_fee, max_fee) {
                (Some(min), _) if fee.amount() < min.value() => (RateStepCode::MinimumFee, m(*min)),
                (_, Some(max)) if fee.amount() > max.value() => (RateStepCode::MaximumFee, m(*max)),
                _ => (RateStepCode::PercentOfValue, fee),
            };
            steps.push(RateStep { percent: Some(*percent), ..step(code, amount) });
        }
    }
    Ok(Ok(steps))
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
    use crate::rules::{CarrierUnits, CompiledCalendar, CompiledWeightBracket, ServiceLevel, ValueBracket};

    fn cny(s: &str) -> Amount {
        s.parse().unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn method(rate: CompiledRate) -> CompiledMethod {
        CompiledMethod {
            id: "m".into(),
            name: None,
            carrier: 0,
            service: ServiceLevel::Standard,
            rate,
            template_rates: vec![],
            combine: CombineTemplates::Sum,
            conditions: Default::default(),
            surcharges: vec![],
            excluded_classes: vec![],
            max_weight_g: None,
            transit_min: 1,
            transit_max: 2,
            transit_unit: Default::default(),
            cutoff: None,
            slots: vec![],
            slot_lead_minutes: 0,
        }
    }

    fn carrier(
        units: CarrierUnits,
        divisor: Option<u32>,
        sides: Option<RoundingMode>,
        inc: Option<&str>,
    ) -> CompiledCarrier {
        CompiledCarrier {
            id: "c".into(),
            divisor,
            calendar: CompiledCalendar::default(),
            delivers_weekends: false,
            units,
            side_rounding: sides,
            increment_g: inc.map(|i| dec(i) * units.grams_per_unit()),
            shows_billable: units != CarrierUnits::Metric || sides.is_some() || inc.is_some(),
        }
    }

    fn item(
        id: &'static str,
        template: Option<&'static str>,
        qty: u64,
        unit_g: &str,
        sides: Option<[&str; 3]>,
        value: &str,
    ) -> Item<'static> {
        Item {
            line_id: id,
            pos: 0,
            sku: id,
            class: None,
            ships_free: false,
            template,
            qty,
            unit_g: dec(unit_g),
            sides_cm: sides.map(|[a, b, c]| [dec(a), dec(b), dec(c)]),
            value: Money::parse(value, Currency::CNY).unwrap(),
        }
    }

    fn parcel_of(items: Vec<Item<'static>>) -> Parcel<'static> {
        let units = items.iter().map(|i| i.qty).sum();
        let value = Money::checked_sum(Currency::CNY, items.iter().map(|i| i.value)).unwrap();
        Parcel {
            warehouse: 0,
            origin: "w".into(),
            line_ids: items.iter().map(|i| Arc::from(i.line_id)).collect(),
            units,
            items,
            longest_side_cm: Decimal::ZERO,
            classes: BTreeMap::new(),
            value,
        }
    }

    fn parcel(grams: u64, units: u64, value: &str) -> Parcel<'static> {
        let mut p = parcel_of(vec![item("1", None, 1, &grams.to_string(), None, value)]);
        p.units = units;
        if let Some(i) = p.items.first_mut() {
            i.qty = units;
            i.unit_g = Decimal::from(grams) / Decimal::from(units.max(1));
        }
        p
    }

    fn quote(m: &CompiledMethod, p: &Parcel, c: &CompiledCarrier) -> Result<ParcelQuote, String> {
        match price_parcel(p, m, c, false, Currency::CNY, RoundingMode::HalfUp).unwrap() {
            Priced::Parcel(q, _) => Ok(q),
            Priced::Refused(r, _) => Err(format!("{r:?}")),
        }
    }

    fn price(m: &CompiledMethod, p: &Parcel) -> String {
        match quote(m, p, &carrier(CarrierUnits::Metric, None, None, None)) {
            Ok(q) => q.price.to_string(),
            Err(r) => r,
        }
    }

    fn first_additional(first_g: &str, first: &str, step_g: &str, additional: &str) -> CompiledRate {
        CompiledRate::FirstAdditional {
            first_g: dec(first_g),
            first_price: cny(first),
            step_g: dec(step_g),
            additional_price: cny(additional),
        }
    }

    #[test]
    fn first_weight_then_each_step_or_part_of_it() {
        let m = method(first_additional("1000", "10.00", "500", "2.00"));
        let at = |g| price(&m, &parcel(g, 1, "1.00"));
        assert_eq!(
            [at(0), at(1000), at(1001), at(1500), at(1501), at(2300)],
            ["10.00", "10.00", "12.00", "12.00", "14.00", "16.00"]
        );
    }

    #[test]
    fn first_pieces_then_each_further_pieces_or_part_of_them() {
        // 首件 2 件 8.00，续件每 3 件 4.00.
        let m = method(CompiledRate::FirstAdditionalPieces {
            first: 2,
            first_price: cny("8.00"),
            step: 3,
            additional_price: cny("4.00"),
        });
        let at = |n| price(&m, &parcel(100, n, "1.00"));
        assert_eq!([at(1), at(2), at(3), at(5), at(6), at(9)], ["8.00", "8.00", "12.00", "12.00", "16.00", "20.00"]);
    }

    #[test]
    fn a_flexible_rate_restarts_every_max_items() {
        // Solidus FlexiRate: first item 10.00, additional 2.00, max items 3.
        let rate =
            |max| CompiledRate::Flexible { first_item: cny("10.00"), additional_item: cny("2.00"), max_items: max };
        let m = method(rate(Some(3)));
        let at = |n| price(&m, &parcel(100, n, "1.00"));
        assert_eq!([at(1), at(2), at(3), at(4), at(6), at(7)], ["10.00", "12.00", "14.00", "24.00", "28.00", "38.00"]);
        let m = method(rate(None));
        assert_eq!(price(&m, &parcel(100, 7, "1.00")), "22.00", "one round: 10.00 + 6 × 2.00");
    }

    #[test]
    fn value_brackets_and_per_item() {
        let m = method(CompiledRate::ValueBrackets(vec![
            ValueBracket { from: cny("0.00"), price: cny("15.00") },
            ValueBracket { from: cny("100.00"), price: cny("8.00") },
        ]));
        assert_eq!(price(&m, &parcel(500, 1, "99.99")), "15.00");
        assert_eq!(price(&m, &parcel(500, 1, "100.00")), "8.00");
        let m = method(CompiledRate::PerItem { price: cny("1.50") });
        assert_eq!(price(&m, &parcel(500, 7, "1.00")), "10.50");
    }

    #[test]
    fn percentage_fees_round_then_meet_their_minimum_and_maximum() {
        let rate = |min: Option<&str>, max: Option<&str>, rounding| CompiledRate::PercentOfValue {
            percent: crate::money::Percent(dec("1.5")),
            fraction: dec("0.015"),
            min_fee: min.map(cny),
            max_fee: max.map(cny),
            rounding,
        };
        let m = method(rate(Some("5.00"), Some("30.00"), None));
        // 1.5 % of 450.30 = 6.7545 -> 6.75 (half up); of 100.00 = 1.50 -> the minimum 5.00; of 3000.00 = 45.00 -> 30.00.
        assert_eq!(price(&m, &parcel(0, 1, "450.30")), "6.75");
        assert_eq!(price(&m, &parcel(0, 1, "100.00")), "5.00");
        assert_eq!(price(&m, &parcel(0, 1, "3000.00")), "30.00");
        let m = method(rate(None, None, Some(RoundingMode::Up)));
        assert_eq!(price(&m, &parcel(0, 1, "450.30")), "6.76", "the rate's own rounding mode");
        let c = carrier(CarrierUnits::Metric, None, None, None);
        let q = quote(&method(rate(Some("5.00"), None, None)), &parcel(0, 1, "100.00"), &c).unwrap();
        assert_eq!(q.steps.first().map(|s| s.code), Some(RateStepCode::MinimumFee));
    }

    #[test]
    fn mixed_templates_are_summed_or_the_highest_is_charged() {
        let mut m = method(first_additional("1000", "10.00", "1000", "5.00"));
        m.template_rates = vec![(
            "piece".into(),
            CompiledRate::FirstAdditionalPieces {
                first: 1,
                first_price: cny("6.00"),
                step: 1,
                additional_price: cny("2.00"),
            },
        )];
        // 2.5 kg by weight: 10 + 2 × 5 = 20.00; 3 pieces: 6 + 2 × 2 = 10.00.
        let p = parcel_of(vec![
            item("1", None, 1, "2500", None, "10.00"),
            item("2", Some("piece"), 3, "300", None, "10.00"),
            item("3", Some("unknown"), 0, "0", None, "0.00"),
        ]);
        let c = carrier(CarrierUnits::Metric, None, None, None);
        let q = quote(&m, &p, &c).unwrap();
        assert_eq!(q.price.to_string(), "30.00");
        assert_eq!(q.chargeable_weight_g, 3400, "the parcel weighs all its lines");
        let templates: Vec<_> = q.steps.iter().map(|s| s.template.as_deref()).collect();
        assert_eq!(templates, [None, None, Some("piece"), Some("piece")]);
        m.combine = CombineTemplates::Highest;
        assert_eq!(quote(&m, &p, &c).unwrap().price.to_string(), "20.00");
    }

    #[test]
    fn partial_discounts_round_and_never_exceed_the_price() {
        let p = Money::parse("16.25", Currency::CNY).unwrap();
        let half = Decimal::new(5, 1);
        assert_eq!(share(p, half, crate::money::RoundingMode::HalfUp).unwrap().to_string(), "8.13");
        assert_eq!(share(p, Decimal::ONE, crate::money::RoundingMode::HalfUp).unwrap(), p);
    }

    fn weighed(c: &CompiledCarrier, unit_g: &str, qty: u64, sides: [&str; 3]) -> Weighed {
        weigh(&[item("1", None, qty, unit_g, Some(sides), "1.00")], c).unwrap()
    }

    #[test]
    fn volumetric_weight_rounds_up_to_the_gram() {
        // 30 × 20 × 10 cm = 6000 cm³; / 6000 cm³ per kg = 1 kg; / 5000 = 1.2 kg.
        let metric = |d| carrier(CarrierUnits::Metric, d, None, None);
        assert_eq!(weighed(&metric(Some(6000)), "0", 1, ["30", "20", "10"]).billable_g, dec("1000"));
        assert_eq!(weighed(&metric(Some(5000)), "0", 1, ["30", "20", "10"]).billable_g, dec("1200"));
        assert_eq!(
            weighed(&metric(Some(6000)), "0", 1, ["1", "1", "1"]).billable_g,
            dec("1"),
            "a sliver of a gram counts as one"
        );
        assert_eq!(weighed(&metric(None), "0", 1, ["30", "20", "10"]).billable_g, dec("0"));
    }

    #[test]
    fn carriers_bill_in_their_units_sides_and_increments() {
        // Metric, 5000 cm³/kg, sides rounded up, 0.5 kg increments: 40.2 × 30 × 20.1 cm -> 41 × 30 × 21 = 25830 cm³
        // -> 5.166 kg volumetric; actual 1.5 kg; billable 5.5 kg.
        let c = carrier(CarrierUnits::Metric, Some(5000), Some(RoundingMode::Up), Some("0.5"));
        let w = weighed(&c, "1500", 1, ["40.2", "30", "20.1"]);
        assert_eq!((w.actual_g, w.volumetric_g, w.billable_g), (dec("1500"), dec("5166"), dec("5500")));
        // Imperial, 139 in³/lb, sides to the nearest inch, 1 lb increments: 12.4 × 10.6 × 8.5 in
        // (given in cm) -> 12 × 11 × 9 = 1188 in³ -> 8.5468 lb; actual 3 lb; billable 9 lb.
        let c = carrier(CarrierUnits::Imperial, Some(139), Some(RoundingMode::HalfUp), Some("1"));
        let cm = |inches: &str| (dec(inches) * CM_PER_IN).to_string();
        let (a, b, h) = (cm("12.4"), cm("10.6"), cm("8.5"));
        let w = weighed(&c, &(dec("3") * G_PER_LB).to_string(), 1, [&a, &b, &h]);
        assert_eq!(w.billable_g, dec("9") * G_PER_LB);
        assert_eq!(in_unit(w.volumetric_g, &c).unwrap().to_string(), "8.5468");
        // Heavier than it is big: actual 9.2 lb -> 10 lb.
        let w = weighed(&c, &(dec("9.2") * G_PER_LB).to_string(), 1, [&a, &b, &h]);
        assert_eq!(in_unit(w.billable_g, &c).unwrap().to_string(), "10");
        // 166 in³/lb without side rounding: exactly 1660 in³ is exactly 10 lb, not a hair over.
        let c = carrier(CarrierUnits::Imperial, Some(166), None, Some("1"));
        let w = weighed(&c, "0", 1, [&cm("10"), &cm("16.6"), &cm("10")]);
        assert_eq!(in_unit(w.billable_g, &c).unwrap().to_string(), "10");
        // Ounces add up exactly: 16 oz is 1 lb.
        let w = weighed(&c, &G_PER_OZ.to_string(), 16, ["0", "0", "0"]);
        assert_eq!(w.actual_g, G_PER_LB);
    }

    #[test]
    fn steps_and_increments_are_exact() {
        assert_eq!(ceil_to(dec("1001"), dec("500")).unwrap(), dec("1500"));
        assert_eq!(ceil_to(dec("1500"), dec("500")).unwrap(), dec("1500"));
        assert_eq!(steps_covering(dec("0.0001"), dec("453.59237")).unwrap(), 1);
        assert_eq!(steps_covering(dec("907.18474"), dec("453.59237")).unwrap(), 2);
        let bracket = |up_to: &str, price: &str| CompiledWeightBracket {
            up_to_g: dec(up_to),
            written_g: None,
            written: Some(crate::money::DecimalString(dec("1"))),
            price: cny(price),
        };
        let m = method(CompiledRate::WeightBrackets(vec![bracket("453.59237", "5.00")]));
        assert_eq!(price(&m, &parcel(453, 1, "1.00")), "5.00");
        assert_eq!(price(&m, &parcel(454, 1, "1.00")), "TooHeavy");
    }
}
