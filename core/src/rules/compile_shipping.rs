//! Validation and compilation of the `shipping` section.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Timelike};
use rust_decimal::Decimal;

use super::compile::{amount_valid, labels};
use super::geo::is_country;
use super::postcode::{Postcode, PostcodePattern, PostcodeRange, RangeProblem};
use super::shipping::{
    Calendar, Carrier, CarrierUnits, CombineTemplates, FreeShippingRule, MethodConditions, PostcodeMatch, RateModel,
    ServiceLevel, ShippingAllocation, ShippingConfig, ShippingMethod, Surcharge, ThresholdCombine, Warehouse, Zone,
};
use super::{JsonPath, Problems, TaxConfig, Weekday};
use crate::money::{Amount, Currency, DecimalString, Money, Percent, RoundingMode};
use crate::quote::{LengthUnit, WeightUnit};
use crate::{ErrorCode, Limits};

/// Most transit or handling days a method or warehouse may take.
pub(crate) const MAX_DAYS: u32 = 60;
/// Most carrier days in transit (sea freight takes 30 to 90).
pub(crate) const MAX_TRANSIT_DAYS: u32 = 120;
/// Most weeks in transit.
pub(crate) const MAX_TRANSIT_WEEKS: u32 = 52;
/// Most months in transit.
pub(crate) const MAX_TRANSIT_MONTHS: u32 = 12;

/// The shipping section, ready to quote.
#[derive(Debug)]
pub(crate) struct CompiledShipping {
    pub(crate) warehouses: Vec<CompiledWarehouse>,
    pub(crate) warehouse_index: super::FastMap<String, usize>,
    pub(crate) default_warehouse: usize,
    pub(crate) carriers: Vec<CompiledCarrier>,
    pub(crate) zones: Vec<CompiledZone>,
    pub(crate) free_shipping: Vec<CompiledFreeShipping>,
    pub(crate) tax_class: Option<String>,
    /// Whether shipping prices include their tax; `None`: as the rule set's prices.
    pub(crate) tax_included: Option<bool>,
    /// What the shipping charged is spread over the lines by.
    pub(crate) allocate_by: ShippingAllocation,
    /// Every template id some method prices (`template_rates`).
    pub(crate) templates: HashSet<String>,
    /// The products that ship free.
    pub(crate) ships_free: Option<super::shipping::ShipsFree>,
}

/// Grams in a kilogram.
pub(crate) const G_PER_KG: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);
/// Grams in an avoirdupois pound, exactly (453.59237).
pub(crate) const G_PER_LB: Decimal = Decimal::from_parts(45_359_237, 0, 0, false, 5);
/// Grams in an avoirdupois ounce, exactly (28.349523125).
pub(crate) const G_PER_OZ: Decimal = Decimal::from_parts(2_579_719_349, 6, 0, false, 9);
/// Centimetres in an inch, exactly (2.54).
pub(crate) const CM_PER_IN: Decimal = Decimal::from_parts(254, 0, 0, false, 2);
/// The largest weight or length a rule set or line may state, in its unit.
pub(crate) const MAX_MEASURE: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Most decimal places of a weight or length.
pub(crate) const MAX_MEASURE_SCALE: u32 = 6;

impl CarrierUnits {
    /// Grams in the carrier's weight unit.
    pub(crate) fn grams_per_unit(self) -> Decimal {
        match self {
            CarrierUnits::Metric => G_PER_KG,
            CarrierUnits::Imperial => G_PER_LB,
        }
    }

    /// Centimetres in the carrier's length unit.
    pub(crate) fn cm_per_unit(self) -> Decimal {
        match self {
            CarrierUnits::Metric => Decimal::ONE,
            CarrierUnits::Imperial => CM_PER_IN,
        }
    }

    pub(crate) fn weight_unit(self) -> WeightUnit {
        match self {
            CarrierUnits::Metric => WeightUnit::Kg,
            CarrierUnits::Imperial => WeightUnit::Lb,
        }
    }

    pub(crate) fn length_unit(self) -> LengthUnit {
        match self {
            CarrierUnits::Metric => LengthUnit::Cm,
            CarrierUnits::Imperial => LengthUnit::In,
        }
    }
}

/// Checks a weight or length: at least 0 (over 0 when `positive`), at most
/// 1,000,000, at most 6 decimal places.
pub(crate) fn measure_problem(d: Decimal, positive: bool) -> Option<&'static str> {
    if d.is_sign_negative() && !d.is_zero() {
        Some("must be >= 0")
    } else if positive && d.is_zero() {
        Some("must be > 0")
    } else if d > MAX_MEASURE {
        Some("must be at most 1000000")
    } else if d.normalize().scale() > MAX_MEASURE_SCALE {
        Some("has more than 6 decimal places")
    } else {
        None
    }
}

fn measure(d: DecimalString, positive: bool, at: &JsonPath<'_>, p: &mut Problems) -> Option<Decimal> {
    match measure_problem(d.value(), positive) {
        Some(why) => {
            p.add(ErrorCode::OutOfRange, at, why);
            None
        }
        None => Some(d.value()),
    }
}

/// Closed weekdays and holidays.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledCalendar {
    /// Bit 0 is Monday.
    closed: u8,
    holidays: HashSet<NaiveDate>,
}

impl CompiledCalendar {
    pub(crate) fn new(c: &Calendar) -> Self {
        let closed = c.closed_weekdays.iter().fold(0_u8, |m, d| m | weekday_bit(*d));
        let holidays = c.holidays.iter().filter_map(|h| crate::time::parse_date(h)).collect();
        CompiledCalendar { closed, holidays }
    }

    /// Whether `date` falls on a closed weekday.
    pub(crate) fn closed_weekday(&self, date: NaiveDate) -> bool {
        let bit = 1_u8.checked_shl(date.weekday().num_days_from_monday()).unwrap_or(0);
        self.closed & bit != 0
    }

    /// Whether `date` is a public holiday.
    pub(crate) fn holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// Whether `date` is a business day.
    pub(crate) fn open(&self, date: NaiveDate) -> bool {
        !self.closed_weekday(date) && !self.holiday(date)
    }

    /// How many holidays it lists, which bounds searches for an open day.
    pub(crate) fn holiday_count(&self) -> usize {
        self.holidays.len()
    }
}

fn weekday_bit(d: Weekday) -> u8 {
    let i = match d {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    };
    1_u8.checked_shl(i).unwrap_or(0)
}

#[derive(Debug)]
pub(crate) struct CompiledWarehouse {
    pub(crate) id: String,
    pub(crate) calendar: CompiledCalendar,
    /// Minutes of the local day; `None`: the whole business day counts.
    pub(crate) cutoff: Option<u32>,
    pub(crate) handling_days: u32,
}

#[derive(Debug)]
pub(crate) struct CompiledCarrier {
    pub(crate) id: String,
    /// In the carrier's units (cm³ per kg, in³ per lb).
    pub(crate) divisor: Option<u32>,
    pub(crate) calendar: CompiledCalendar,
    pub(crate) delivers_weekends: bool,
    pub(crate) units: CarrierUnits,
    pub(crate) side_rounding: Option<RoundingMode>,
    /// Grams; `None`: one gram.
    pub(crate) increment_g: Option<Decimal>,
    /// True when the answer shows its weights in its unit (units, side
    /// rounding or an increment stated).
    pub(crate) shows_billable: bool,
}

#[derive(Debug)]
pub(crate) struct CompiledZone {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) remote: bool,
    /// The merchant does not ship here; `methods` is empty.
    pub(crate) blackout: bool,
    pub(crate) countries: Vec<String>,
    /// Lower case.
    pub(crate) regions: Vec<String>,
    /// Lower case.
    pub(crate) cities: Vec<String>,
    pub(crate) postcodes: Vec<CompiledPostcode>,
    pub(crate) exclude_postcodes: Vec<CompiledPostcode>,
    pub(crate) methods: Vec<CompiledMethod>,
}

impl CompiledZone {
    /// Whether the zone's postcode lists admit a destination in `country`
    /// with `postcode`: some entry of `postcodes` matches (or there are none),
    /// and no entry of `exclude_postcodes` does.
    pub(crate) fn admits_postcode(&self, country: &str, postcode: Option<&Postcode>) -> bool {
        let included =
            self.postcodes.is_empty() || postcode.is_some_and(|p| self.postcodes.iter().any(|m| m.matches(country, p)));
        let excluded = postcode.is_some_and(|p| self.exclude_postcodes.iter().any(|m| m.matches(country, p)));
        included && !excluded
    }
}

/// A postcode entry: a pattern (prefixes are patterns ending in `*`) or a range.
#[derive(Debug)]
pub(crate) enum CompiledPostcode {
    Pattern(PostcodePattern),
    Range(PostcodeRange),
}

impl CompiledPostcode {
    pub(crate) fn matches(&self, country: &str, postcode: &Postcode) -> bool {
        match self {
            CompiledPostcode::Pattern(p) => p.matches(postcode),
            CompiledPostcode::Range(r) => r.matches(postcode, country),
        }
    }
}

#[derive(Debug)]
pub(crate) struct CompiledMethod {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) carrier: usize,
    pub(crate) service: ServiceLevel,
    pub(crate) rate: CompiledRate,
    /// By template id, in id order.
    pub(crate) template_rates: Vec<(String, CompiledRate)>,
    pub(crate) combine: CombineTemplates,
    pub(crate) conditions: CompiledConditions,
    pub(crate) surcharges: Vec<Surcharge>,
    pub(crate) excluded_classes: Vec<String>,
    pub(crate) max_weight_g: Option<u64>,
    pub(crate) transit_min: u32,
    pub(crate) transit_max: u32,
    /// What the transit counts.
    pub(crate) transit_unit: super::shipping::TransitUnit,
    /// Minutes of the local day, overriding the warehouse's.
    pub(crate) cutoff: Option<u32>,
    /// Minutes of the local day, `from < until`.
    pub(crate) slots: Vec<(u32, u32)>,
    pub(crate) slot_lead_minutes: u32,
}

/// A rate model with its weights in grams (exact decimals).
#[derive(Debug, Clone)]
pub(crate) enum CompiledRate {
    Flat {
        price: Amount,
    },
    FirstAdditional {
        first_g: Decimal,
        first_price: Amount,
        step_g: Decimal,
        additional_price: Amount,
    },
    FirstAdditionalPieces {
        first: u64,
        first_price: Amount,
        step: u64,
        additional_price: Amount,
    },
    /// Ascending by weight.
    WeightBrackets(Vec<CompiledWeightBracket>),
    ValueBrackets(Vec<super::shipping::ValueBracket>),
    PerItem {
        price: Amount,
    },
    Flexible {
        first_item: Amount,
        additional_item: Amount,
        max_items: Option<u64>,
    },
    PercentOfValue {
        percent: Percent,
        fraction: Decimal,
        min_fee: Option<Amount>,
        max_fee: Option<Amount>,
        rounding: Option<RoundingMode>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledWeightBracket {
    pub(crate) up_to_g: Decimal,
    /// As written: grams, or the carrier's unit.
    pub(crate) written_g: Option<u64>,
    pub(crate) written: Option<DecimalString>,
    pub(crate) price: Amount,
}

/// A method's conditions; weights in grams, sides in cm, longest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledConditions {
    pub(crate) min_order_value: Option<Money>,
    pub(crate) max_order_value: Option<Money>,
    /// (grams, as written in the carrier's unit)
    pub(crate) min_weight: Option<(Decimal, DecimalString)>,
    pub(crate) max_weight: Option<(Decimal, DecimalString)>,
    pub(crate) min_pieces: Option<u64>,
    pub(crate) max_pieces: Option<u64>,
    /// (cm longest first, as written longest first)
    pub(crate) max_dimensions: Option<([Decimal; 3], [DecimalString; 3])>,
}

#[derive(Debug)]
pub(crate) struct CompiledFreeShipping {
    pub(crate) id: String,
    pub(crate) min_subtotal: Option<Money>,
    pub(crate) min_pieces: Option<u64>,
    pub(crate) combine: ThresholdCombine,
    pub(crate) customer_tiers: Vec<String>,
    pub(crate) zones: Vec<String>,
    pub(crate) methods: Vec<String>,
    pub(crate) exclude_remote: bool,
    pub(crate) percent_off: crate::money::Percent,
    /// The share taken off: 1 for free shipping.
    pub(crate) fraction: Decimal,
    pub(crate) hint_within: Option<Money>,
}

/// Parses a local time `HH:MM` (`24:00` allowed) into minutes of the day.
pub(crate) fn parse_minutes(s: &str) -> Option<u32> {
    if s == "24:00" {
        return Some(24 * 60);
    }
    if s.len() != 5 {
        return None;
    }
    crate::time::parse_hour_minute(s).map(|t| t.hour().saturating_mul(60).saturating_add(t.minute()))
}

fn time_field(s: &str, at: &JsonPath<'_>, p: &mut Problems) -> Option<u32> {
    let parsed = parse_minutes(s);
    if parsed.is_none() {
        p.add(ErrorCode::InvalidValue, at, format!("`{s}` is not a time HH:MM (00:00 to 24:00)"));
    }
    parsed
}

/// Validates and compiles the shipping section.
pub(crate) fn compile_shipping(
    s: &ShippingConfig,
    tax: &TaxConfig,
    currency: Currency,
    limits: &Limits,
    p: &mut Problems,
) -> CompiledShipping {
    let root = JsonPath::root();
    let at = root.field("shipping");

    let wh_path = at.field("warehouses");
    p.count(s.warehouses.len(), limits.max_shipping_zones, &wh_path);
    let mut warehouses = Vec::with_capacity(s.warehouses.len().max(1));
    let mut warehouse_index = super::FastMap::default();
    for (i, w) in s.warehouses.iter().enumerate() {
        let wp = wh_path.index(i);
        p.id(&w.id, limits.max_id_bytes, &wp.field("id"));
        if warehouse_index.insert(w.id.clone(), i).is_some() {
            p.add(ErrorCode::DuplicateId, &wp.field("id"), format!("warehouse `{}` is defined twice", w.id));
        }
        warehouses.push(compile_warehouse(w, limits, &wp, p));
    }
    if s.warehouses.is_empty() {
        let implicit = Warehouse {
            id: "default".to_string(),
            name: None,
            calendar: Calendar::default(),
            cutoff: None,
            handling_days: 0,
        };
        warehouse_index.insert(implicit.id.clone(), 0);
        warehouses.push(compile_warehouse(&implicit, limits, &wh_path, p));
    }
    let default_warehouse = match &s.default_warehouse {
        Some(id) => match warehouse_index.get(id) {
            Some(i) => *i,
            None => {
                p.add(
                    ErrorCode::UnknownReference,
                    &at.field("default_warehouse"),
                    format!("no warehouse `{id}` is defined"),
                );
                0
            }
        },
        None => 0,
    };

    let carriers_path = at.field("carriers");
    p.count(s.carriers.len(), limits.max_shipping_zones, &carriers_path);
    let mut carrier_index = HashMap::new();
    let mut carriers = Vec::with_capacity(s.carriers.len());
    for (i, c) in s.carriers.iter().enumerate() {
        let cp = carriers_path.index(i);
        p.id(&c.id, limits.max_id_bytes, &cp.field("id"));
        if carrier_index.insert(c.id.as_str(), (i, c.units)).is_some() {
            p.add(ErrorCode::DuplicateId, &cp.field("id"), format!("carrier `{}` is defined twice", c.id));
        }
        carriers.push(compile_carrier(c, limits, &cp, p));
    }

    let zones_path = at.field("zones");
    p.count(s.zones.len(), limits.max_shipping_zones, &zones_path);
    let mut zone_ids = HashSet::new();
    let mut method_ids: HashSet<&str> = HashSet::new();
    let mut zones = Vec::with_capacity(s.zones.len());
    for (i, z) in s.zones.iter().enumerate() {
        let zp = zones_path.index(i);
        p.id(&z.id, limits.max_id_bytes, &zp.field("id"));
        if !zone_ids.insert(z.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &zp.field("id"), format!("zone `{}` is defined twice", z.id));
        }
        method_ids.extend(z.methods.iter().map(|m| m.id.as_str()));
        zones.push(compile_zone(z, &carrier_index, currency, limits, &zp, p));
    }

    let fs_path = at.field("free_shipping");
    p.count(s.free_shipping.len(), limits.max_shipping_zones, &fs_path);
    let mut fs_ids = HashSet::new();
    let mut free_shipping = Vec::with_capacity(s.free_shipping.len());
    for (i, r) in s.free_shipping.iter().enumerate() {
        let rp = fs_path.index(i);
        p.id(&r.id, limits.max_id_bytes, &rp.field("id"));
        if !fs_ids.insert(r.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &rp.field("id"), format!("free-shipping rule `{}` is defined twice", r.id));
        }
        free_shipping.push(compile_free_shipping(r, &zone_ids, &method_ids, currency, limits, &rp, p));
    }

    if let Some(class) = &s.tax_class {
        if !tax.classes.iter().any(|c| &c.id == class) {
            p.add(ErrorCode::UnknownReference, &at.field("tax_class"), format!("no tax class `{class}` is defined"));
        }
    }

    if let Some(f) = &s.ships_free {
        let fp = at.field("ships_free");
        p.check(
            f.skus.is_empty() && f.categories.is_empty() && f.tags.is_empty(),
            ErrorCode::OutOfRange,
            &fp,
            "must name at least one SKU, category or tag",
        );
        labels(&f.skus, limits, &fp.field("skus"), p);
        labels(&f.categories, limits, &fp.field("categories"), p);
        labels(&f.tags, limits, &fp.field("tags"), p);
    }

    let templates = zones
        .iter()
        .flat_map(|z| z.methods.iter().flat_map(|m| m.template_rates.iter().map(|(t, _)| t.clone())))
        .collect();
    CompiledShipping {
        templates,
        warehouses,
        warehouse_index,
        default_warehouse,
        carriers,
        zones,
        free_shipping,
        tax_class: s.tax_class.clone(),
        tax_included: s.tax_included,
        allocate_by: s.allocate_by,
        ships_free: s.ships_free.clone(),
    }
}

fn compile_calendar(c: &Calendar, limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) -> CompiledCalendar {
    let compiled = CompiledCalendar::new(c);
    if compiled.closed == 0x7f {
        p.add(ErrorCode::OutOfRange, &at.field("closed_weekdays"), "must leave at least one weekday open");
    }
    let hp = at.field("holidays");
    p.count(c.holidays.len(), limits.max_holidays, &hp);
    for (i, h) in c.holidays.iter().enumerate() {
        if crate::time::parse_date(h).is_none() {
            p.add(ErrorCode::InvalidValue, &hp.index(i), format!("`{h}` is not a date YYYY-MM-DD"));
        }
    }
    compiled
}

fn compile_warehouse(w: &Warehouse, limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) -> CompiledWarehouse {
    let calendar = compile_calendar(&w.calendar, limits, &at.field("calendar"), p);
    let cutoff = w.cutoff.as_deref().and_then(|c| time_field(c, &at.field("cutoff"), p));
    p.check(w.handling_days > MAX_DAYS, ErrorCode::OutOfRange, &at.field("handling_days"), "must be at most 60");
    CompiledWarehouse { id: w.id.clone(), calendar, cutoff, handling_days: w.handling_days }
}

fn compile_carrier(c: &Carrier, limits: &Limits, at: &JsonPath<'_>, p: &mut Problems) -> CompiledCarrier {
    p.check(
        c.volumetric_divisor == Some(0),
        ErrorCode::OutOfRange,
        &at.field("volumetric_divisor"),
        match c.units {
            CarrierUnits::Metric => "must be > 0 (cm³ per kg, e.g. 6000)",
            CarrierUnits::Imperial => "must be > 0 (in³ per lb, e.g. 139)",
        },
    );
    let increment = c.billable_increment.and_then(|i| measure(i, true, &at.field("billable_increment"), p));
    CompiledCarrier {
        id: c.id.clone(),
        divisor: c.volumetric_divisor.filter(|d| *d > 0),
        calendar: compile_calendar(&c.calendar, limits, &at.field("calendar"), p),
        delivers_weekends: c.delivers_weekends,
        units: c.units,
        side_rounding: c.side_rounding,
        increment_g: increment.and_then(|i| i.checked_mul(c.units.grams_per_unit())),
        shows_billable: c.units != CarrierUnits::Metric || c.side_rounding.is_some() || c.billable_increment.is_some(),
    }
}

fn compile_zone(
    z: &Zone,
    carriers: &HashMap<&str, (usize, CarrierUnits)>,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> CompiledZone {
    let mp = at.field("match");
    let cp = mp.field("countries");
    p.count(z.matches.countries.len(), limits.max_filter_entries, &cp);
    for (i, c) in z.matches.countries.iter().enumerate() {
        if !is_country(c) {
            p.add(ErrorCode::InvalidValue, &cp.index(i), format!("`{c}` is not an ISO 3166-1 alpha-2 country code"));
        }
    }
    for (name, list) in [("regions", &z.matches.regions), ("cities", &z.matches.cities)] {
        let lp = mp.field(name);
        p.count(list.len(), limits.max_filter_entries, &lp);
        for (i, v) in list.iter().enumerate() {
            p.id(v, limits.max_id_bytes, &lp.index(i));
        }
    }
    let postcodes = compile_postcodes(&z.matches.postcodes, limits, &mp.field("postcodes"), p);
    let exclude_postcodes = compile_postcodes(&z.matches.exclude_postcodes, limits, &mp.field("exclude_postcodes"), p);

    let methods_path = at.field("methods");
    if z.blackout {
        p.check(
            !z.methods.is_empty(),
            ErrorCode::ConflictingFields,
            &methods_path,
            "a blackout zone offers no methods: remove `methods` or `blackout`",
        );
    } else {
        p.check(
            z.methods.is_empty(),
            ErrorCode::OutOfRange,
            &methods_path,
            "must offer at least one method (a zone you do not ship to is `\"blackout\": true`)",
        );
    }
    p.count(z.methods.len(), limits.max_shipping_methods, &methods_path);
    let mut ids = HashSet::new();
    let methods = z
        .methods
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mp = methods_path.index(i);
            p.id(&m.id, limits.max_id_bytes, &mp.field("id"));
            if !ids.insert(m.id.as_str()) {
                p.add(
                    ErrorCode::DuplicateId,
                    &mp.field("id"),
                    format!("method `{}` is defined twice in this zone", m.id),
                );
            }
            compile_method(m, carriers, currency, limits, &mp, p)
        })
        .collect();
    CompiledZone {
        id: z.id.clone(),
        name: z.name.clone(),
        remote: z.remote,
        blackout: z.blackout,
        countries: z.matches.countries.clone(),
        regions: z.matches.regions.iter().map(|r| r.trim().to_lowercase()).collect(),
        cities: z.matches.cities.iter().map(|c| c.trim().to_lowercase()).collect(),
        postcodes,
        exclude_postcodes,
        methods,
    }
}

/// Validates and compiles a zone's postcode list (`postcodes` or `exclude_postcodes`).
fn compile_postcodes(
    list: &[PostcodeMatch],
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> Vec<CompiledPostcode> {
    p.count(list.len(), limits.max_filter_entries, at);
    let mut out = Vec::with_capacity(list.len());
    for (i, m) in list.iter().enumerate() {
        let ep = at.index(i);
        let compiled = match (&m.pattern, &m.prefix, &m.from, &m.to) {
            (Some(text), None, None, None) | (None, Some(text), None, None) => {
                let (field, pattern) = match &m.pattern {
                    Some(_) => ("pattern", PostcodePattern::pattern(text)),
                    None => ("prefix", PostcodePattern::prefix(text)),
                };
                let fp = ep.field(field);
                p.id(text, limits.max_id_bytes, &fp);
                match pattern {
                    Ok(pattern) => Some(CompiledPostcode::Pattern(pattern)),
                    Err(e) => {
                        if !text.trim().is_empty() {
                            p.add(ErrorCode::InvalidValue, &fp, e.message(true));
                        }
                        None
                    }
                }
            }
            (None, None, Some(from), Some(to)) => {
                p.id(from, limits.max_id_bytes, &ep.field("from"));
                p.id(to, limits.max_id_bytes, &ep.field("to"));
                match PostcodeRange::new(from, to) {
                    Ok(range) => Some(CompiledPostcode::Range(range)),
                    Err(RangeProblem::From(e)) if !from.trim().is_empty() => {
                        p.add(ErrorCode::InvalidValue, &ep.field("from"), e.message(false));
                        None
                    }
                    Err(RangeProblem::To(e)) if !to.trim().is_empty() => {
                        p.add(ErrorCode::InvalidValue, &ep.field("to"), e.message(false));
                        None
                    }
                    Err(RangeProblem::Backwards) => {
                        p.add(ErrorCode::InvalidWindow, &ep.field("to"), "must not be before `from`");
                        None
                    }
                    Err(_) => None,
                }
            }
            _ => {
                p.add(
                    ErrorCode::ConflictingFields,
                    &ep,
                    "give exactly one of `pattern`, `prefix`, or both `from` and `to`",
                );
                None
            }
        };
        out.extend(compiled);
    }
    out
}

fn compile_method(
    m: &ShippingMethod,
    carriers: &HashMap<&str, (usize, CarrierUnits)>,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> CompiledMethod {
    let (carrier, units) = match carriers.get(m.carrier.as_str()) {
        Some(c) => *c,
        None => {
            p.add(ErrorCode::UnknownReference, &at.field("carrier"), format!("no carrier `{}` is defined", m.carrier));
            (0, CarrierUnits::Metric)
        }
    };
    let rate = compile_rate(&m.rate, units, currency, limits, &at.field("rate"), p);
    let tp = at.field("template_rates");
    p.count(m.template_rates.len(), limits.max_rate_brackets, &tp);
    let mut template_rates: Vec<(String, CompiledRate)> = Vec::with_capacity(m.template_rates.len());
    for (i, t) in m.template_rates.iter().enumerate() {
        let ep = tp.index(i);
        p.id(&t.template, limits.max_id_bytes, &ep.field("template"));
        let compiled = compile_rate(&t.rate, units, currency, limits, &ep.field("rate"), p);
        if template_rates.iter().any(|(id, _)| id == &t.template) {
            p.add(
                ErrorCode::DuplicateId,
                &ep.field("template"),
                format!("template `{}` has two rates in this method", t.template),
            );
        } else {
            template_rates.push((t.template.clone(), compiled));
        }
    }
    crate::sort::sort_by(&mut template_rates, |a, b| a.0.cmp(&b.0));
    let conditions = m
        .conditions
        .as_ref()
        .map(|c| compile_conditions(c, units, currency, &at.field("conditions"), p))
        .unwrap_or_default();
    let sp = at.field("surcharges");
    p.count(m.surcharges.len(), limits.max_rate_brackets, &sp);
    for (i, s) in m.surcharges.iter().enumerate() {
        let ep = sp.index(i);
        let amount = match s {
            Surcharge::Remote { amount }
            | Surcharge::Handling { amount, .. }
            | Surcharge::Oversize { amount, .. }
            | Surcharge::PerPiece { amount } => amount,
            Surcharge::ColdChain { amount, shipping_classes } => {
                p.check(
                    shipping_classes.is_empty(),
                    ErrorCode::OutOfRange,
                    &ep.field("shipping_classes"),
                    "must name at least one shipping class",
                );
                labels(shipping_classes, limits, &ep.field("shipping_classes"), p);
                amount
            }
            Surcharge::ProductFee { amount, skus, shipping_classes } => {
                p.check(
                    skus.is_empty() && shipping_classes.is_empty(),
                    ErrorCode::OutOfRange,
                    &ep,
                    "must name at least one SKU (`skus`) or shipping class (`shipping_classes`)",
                );
                labels(skus, limits, &ep.field("skus"), p);
                labels(shipping_classes, limits, &ep.field("shipping_classes"), p);
                amount
            }
        };
        amount_valid(*amount, currency, &ep.field("amount"), p);
    }
    labels(&m.excluded_classes, limits, &at.field("excluded_classes"), p);
    p.check(m.max_weight_g == Some(0), ErrorCode::OutOfRange, &at.field("max_weight_g"), "must be >= 1");
    let tp = at.field("transit_days");
    let (most, unit) = match m.transit_days.unit {
        super::shipping::TransitUnit::Days => (MAX_TRANSIT_DAYS, "days"),
        super::shipping::TransitUnit::Weeks => (MAX_TRANSIT_WEEKS, "weeks"),
        super::shipping::TransitUnit::Months => (MAX_TRANSIT_MONTHS, "months"),
    };
    p.check(
        m.transit_days.max > most,
        ErrorCode::OutOfRange,
        &tp.field("max"),
        &format!("must be at most {most} {unit}"),
    );
    p.check(m.transit_days.max < m.transit_days.min, ErrorCode::OutOfRange, &tp.field("max"), "must be >= min");
    let cutoff = m.cutoff.as_deref().and_then(|c| time_field(c, &at.field("cutoff"), p));
    let slots_path = at.field("slots");
    p.count(m.slots.len(), limits.max_slots, &slots_path);
    let mut slots = Vec::with_capacity(m.slots.len());
    for (i, s) in m.slots.iter().enumerate() {
        let ep = slots_path.index(i);
        let from = time_field(&s.from, &ep.field("from"), p);
        let until = time_field(&s.until, &ep.field("until"), p);
        if let (Some(from), Some(until)) = (from, until) {
            if until <= from {
                p.add(ErrorCode::InvalidWindow, &ep.field("until"), "must be after from (slots do not cross midnight)");
            } else {
                slots.push((from, until));
            }
        }
    }
    crate::sort::sort(&mut slots);
    p.check(
        m.slot_lead_minutes > 7 * 24 * 60,
        ErrorCode::OutOfRange,
        &at.field("slot_lead_minutes"),
        "must be at most a week (10080)",
    );
    CompiledMethod {
        id: m.id.clone(),
        name: m.name.clone(),
        carrier,
        service: m.service,
        rate,
        template_rates,
        combine: m.combine_templates,
        conditions,
        surcharges: m.surcharges.clone(),
        excluded_classes: m.excluded_classes.clone(),
        max_weight_g: m.max_weight_g,
        transit_min: m.transit_days.min,
        transit_max: m.transit_days.max,
        transit_unit: m.transit_days.unit,
        cutoff,
        slots,
        slot_lead_minutes: m.slot_lead_minutes,
    }
}

/// A weight given in grams or in the carrier's unit: exactly one of the two.
#[allow(clippy::too_many_arguments)]
fn weight_field(
    grams: Option<u64>,
    in_unit: Option<DecimalString>,
    units: CarrierUnits,
    positive: bool,
    at: &JsonPath<'_>,
    g_field: &str,
    unit_field: &str,
    p: &mut Problems,
) -> Option<Decimal> {
    match (grams, in_unit) {
        (Some(g), None) => {
            if positive && g == 0 {
                p.add(ErrorCode::OutOfRange, &at.field(g_field), "must be >= 1");
                return None;
            }
            Some(Decimal::from(g))
        }
        (None, Some(w)) => {
            measure(w, positive, &at.field(unit_field), p).and_then(|w| w.checked_mul(units.grams_per_unit()))
        }
        _ => {
            p.add(
                ErrorCode::ConflictingFields,
                at,
                format!("give exactly one of `{g_field}` (grams) and `{unit_field}` (the carrier's unit)"),
            );
            None
        }
    }
}

fn compile_rate(
    rate: &RateModel,
    units: CarrierUnits,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> CompiledRate {
    match rate {
        RateModel::Flat { price } => {
            amount_valid(*price, currency, &at.field("price"), p);
            CompiledRate::Flat { price: *price }
        }
        RateModel::PerItem { price } => {
            amount_valid(*price, currency, &at.field("price"), p);
            CompiledRate::PerItem { price: *price }
        }
        RateModel::Flexible { first_item, additional_item, max_items } => {
            amount_valid(*first_item, currency, &at.field("first_item"), p);
            amount_valid(*additional_item, currency, &at.field("additional_item"), p);
            p.check(*max_items == Some(0), ErrorCode::OutOfRange, &at.field("max_items"), "must be >= 1");
            CompiledRate::Flexible {
                first_item: *first_item,
                additional_item: *additional_item,
                max_items: max_items.filter(|m| *m > 0),
            }
        }
        RateModel::FirstAdditional {
            first_weight_g,
            first_weight,
            first_price,
            additional_step_g,
            additional_step,
            additional_price,
        } => {
            let first_g =
                weight_field(*first_weight_g, *first_weight, units, true, at, "first_weight_g", "first_weight", p);
            let step_g = weight_field(
                *additional_step_g,
                *additional_step,
                units,
                true,
                at,
                "additional_step_g",
                "additional_step",
                p,
            );
            amount_valid(*first_price, currency, &at.field("first_price"), p);
            amount_valid(*additional_price, currency, &at.field("additional_price"), p);
            CompiledRate::FirstAdditional {
                first_g: first_g.unwrap_or(Decimal::ONE),
                first_price: *first_price,
                step_g: step_g.unwrap_or(Decimal::ONE),
                additional_price: *additional_price,
            }
        }
        RateModel::FirstAdditionalPieces { first_pieces, first_price, additional_pieces, additional_price } => {
            p.check(*first_pieces == 0, ErrorCode::OutOfRange, &at.field("first_pieces"), "must be >= 1");
            p.check(*additional_pieces == 0, ErrorCode::OutOfRange, &at.field("additional_pieces"), "must be >= 1");
            amount_valid(*first_price, currency, &at.field("first_price"), p);
            amount_valid(*additional_price, currency, &at.field("additional_price"), p);
            CompiledRate::FirstAdditionalPieces {
                first: (*first_pieces).max(1),
                first_price: *first_price,
                step: (*additional_pieces).max(1),
                additional_price: *additional_price,
            }
        }
        RateModel::PercentOfValue { percent, min_fee, max_fee, rounding } => {
            let pct = percent.value();
            p.check(
                pct <= Decimal::ZERO || pct > Decimal::ONE_HUNDRED,
                ErrorCode::OutOfRange,
                &at.field("percent"),
                "must be over 0 and at most 100",
            );
            for (field, fee) in [("min_fee", min_fee), ("max_fee", max_fee)] {
                if let Some(fee) = fee {
                    amount_valid(*fee, currency, &at.field(field), p);
                }
            }
            if let (Some(min), Some(max)) = (min_fee, max_fee) {
                p.check(max.value() < min.value(), ErrorCode::OutOfRange, &at.field("max_fee"), "must be >= min_fee");
            }
            CompiledRate::PercentOfValue {
                percent: *percent,
                fraction: percent.fraction().unwrap_or_default(),
                min_fee: *min_fee,
                max_fee: *max_fee,
                rounding: *rounding,
            }
        }
        RateModel::WeightBrackets { brackets } => {
            let bp = at.field("brackets");
            p.check(brackets.is_empty(), ErrorCode::OutOfRange, &bp, "must have at least one bracket");
            p.count(brackets.len(), limits.max_rate_brackets, &bp);
            let mut out: Vec<CompiledWeightBracket> = Vec::with_capacity(brackets.len());
            let mut previous: Option<(Decimal, String, Amount)> = None;
            for (i, b) in brackets.iter().enumerate() {
                let ep = bp.index(i);
                amount_valid(b.price, currency, &ep.field("price"), p);
                let Some(up_to_g) = weight_field(b.up_to_g, b.up_to, units, false, &ep, "up_to_g", "up_to", p) else {
                    continue;
                };
                let field = if b.up_to_g.is_some() { "up_to_g" } else { "up_to" };
                let written = match (b.up_to_g, b.up_to) {
                    (Some(g), _) => format!("{g} g"),
                    (None, Some(w)) => format!("{w} {}", unit_name(units.weight_unit())),
                    _ => String::new(),
                };
                if let Some((up_to, shown, price)) = &previous {
                    if up_to_g == *up_to {
                        p.add(
                            ErrorCode::OutOfRange,
                            &ep.field(field),
                            format!("empty bracket: the previous bracket already ends at {shown}"),
                        );
                    } else if up_to_g < *up_to {
                        p.add(
                            ErrorCode::OutOfRange,
                            &ep.field(field),
                            format!("overlaps the previous bracket, which ends at {shown}; brackets ascend"),
                        );
                    }
                    if b.price.value() < price.value() {
                        p.add(
                            ErrorCode::OutOfRange,
                            &ep.field("price"),
                            format!(
                                "must not be below the previous bracket's {price}: a heavier parcel never costs less"
                            ),
                        );
                    }
                }
                previous = Some((up_to_g, written, b.price));
                out.push(CompiledWeightBracket { up_to_g, written_g: b.up_to_g, written: b.up_to, price: b.price });
            }
            CompiledRate::WeightBrackets(out)
        }
        RateModel::ValueBrackets { brackets } => {
            let bp = at.field("brackets");
            p.check(brackets.is_empty(), ErrorCode::OutOfRange, &bp, "must have at least one bracket");
            p.count(brackets.len(), limits.max_rate_brackets, &bp);
            let mut previous: Option<Amount> = None;
            for (i, b) in brackets.iter().enumerate() {
                let ep = bp.index(i);
                amount_valid(b.from, currency, &ep.field("from"), p);
                amount_valid(b.price, currency, &ep.field("price"), p);
                match previous {
                    None => p.check(!b.from.value().is_zero(), ErrorCode::OutOfRange, &ep.field("from"), "must be 0"),
                    Some(prev) => p.check(
                        b.from.value() <= prev.value(),
                        ErrorCode::OutOfRange,
                        &ep.field("from"),
                        "overlaps the previous bracket: `from` must ascend",
                    ),
                }
                previous = Some(b.from);
            }
            CompiledRate::ValueBrackets(brackets.clone())
        }
    }
}

/// `kg`, `lb`, `g`, `oz`.
pub(crate) fn unit_name(u: WeightUnit) -> &'static str {
    match u {
        WeightUnit::G => "g",
        WeightUnit::Kg => "kg",
        WeightUnit::Lb => "lb",
        WeightUnit::Oz => "oz",
    }
}

fn compile_conditions(
    c: &MethodConditions,
    units: CarrierUnits,
    currency: Currency,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> CompiledConditions {
    let money = |a: Amount| Money::new(a.value(), currency);
    for (field, v) in [("min_order_value", c.min_order_value), ("max_order_value", c.max_order_value)] {
        if let Some(v) = v {
            amount_valid(v, currency, &at.field(field), p);
        }
    }
    if let (Some(min), Some(max)) = (c.min_order_value, c.max_order_value) {
        p.check(
            max.value() < min.value(),
            ErrorCode::OutOfRange,
            &at.field("max_order_value"),
            "must be >= min_order_value",
        );
    }
    let weight = |field: &str, w: Option<DecimalString>, p: &mut Problems| {
        w.and_then(|w| {
            let fp = at.field(field);
            let g = measure(w, false, &fp, p)?.checked_mul(units.grams_per_unit())?;
            Some((g, w))
        })
    };
    let min_weight = weight("min_weight", c.min_weight, p);
    let max_weight = weight("max_weight", c.max_weight, p);
    if let (Some((min, _)), Some((max, _))) = (&min_weight, &max_weight) {
        p.check(max < min, ErrorCode::OutOfRange, &at.field("max_weight"), "must be >= min_weight");
    }
    if let (Some(min), Some(max)) = (c.min_pieces, c.max_pieces) {
        p.check(max < min, ErrorCode::OutOfRange, &at.field("max_pieces"), "must be >= min_pieces");
    }
    p.check(c.max_pieces == Some(0), ErrorCode::OutOfRange, &at.field("max_pieces"), "must be >= 1");
    let max_dimensions = c.max_dimensions.and_then(|d| {
        let dp = at.field("max_dimensions");
        let l = measure(d.length, true, &dp.field("length"), p);
        let w = measure(d.width, true, &dp.field("width"), p);
        let h = measure(d.height, true, &dp.field("height"), p);
        let mut written = [d.length, d.width, d.height];
        crate::sort::sort_by(&mut written, |a, b| b.cmp(a));
        let mut cm = [
            l?.checked_mul(units.cm_per_unit())?,
            w?.checked_mul(units.cm_per_unit())?,
            h?.checked_mul(units.cm_per_unit())?,
        ];
        crate::sort::sort_by(&mut cm, |a, b| b.cmp(a));
        Some((cm, written))
    });
    CompiledConditions {
        min_order_value: c.min_order_value.map(money),
        max_order_value: c.max_order_value.map(money),
        min_weight,
        max_weight,
        min_pieces: c.min_pieces,
        max_pieces: c.max_pieces,
        max_dimensions,
    }
}

fn compile_free_shipping(
    r: &FreeShippingRule,
    zones: &HashSet<&str>,
    methods: &HashSet<&str>,
    currency: Currency,
    limits: &Limits,
    at: &JsonPath<'_>,
    p: &mut Problems,
) -> CompiledFreeShipping {
    if let Some(min) = r.min_subtotal {
        amount_valid(min, currency, &at.field("min_subtotal"), p);
    }
    p.check(r.min_pieces == Some(0), ErrorCode::OutOfRange, &at.field("min_pieces"), "must be >= 1");
    if let Some(within) = r.hint_within {
        amount_valid(within, currency, &at.field("hint_within"), p);
    }
    labels(&r.customer_tiers, limits, &at.field("customer_tiers"), p);
    for (field, list, known, what) in [("zones", &r.zones, zones, "zone"), ("methods", &r.methods, methods, "method")] {
        let lp = at.field(field);
        labels(list, limits, &lp, p);
        for (i, id) in list.iter().enumerate() {
            if !known.contains(id.as_str()) {
                p.add(ErrorCode::UnknownReference, &lp.index(i), format!("no {what} `{id}` is defined"));
            }
        }
    }
    let pct = r.percent_off.value();
    p.check(
        pct <= Decimal::ZERO || pct > Decimal::ONE_HUNDRED,
        ErrorCode::OutOfRange,
        &at.field("percent_off"),
        "must be over 0 and at most 100",
    );
    let money = |a: Amount| Money::new(a.value(), currency);
    CompiledFreeShipping {
        id: r.id.clone(),
        min_subtotal: r.min_subtotal.map(money),
        min_pieces: r.min_pieces,
        combine: r.combine,
        customer_tiers: r.customer_tiers.clone(),
        zones: r.zones.clone(),
        methods: r.methods.clone(),
        exclude_remote: r.exclude_remote,
        percent_off: r.percent_off,
        fraction: r.percent_off.fraction().unwrap_or_default(),
        hint_within: r.hint_within.map(money),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_strictly() {
        assert_eq!(parse_minutes("16:00"), Some(960));
        assert_eq!(parse_minutes("24:00"), Some(1440));
        assert_eq!(parse_minutes("00:00"), Some(0));
        for bad in ["25:00", "16:60", "4pm", "16:0", "16:00:00", "", " 16:00"] {
            assert_eq!(parse_minutes(bad), None, "{bad}");
        }
    }

    #[test]
    fn postcode_ranges_compare_leading_characters() {
        let m =
            |c: &CompiledPostcode, country: &str, postcode: &str| c.matches(country, &Postcode::new(country, postcode));
        let r = CompiledPostcode::Range(PostcodeRange::new("830000", "859999").unwrap());
        assert!(m(&r, "CN", "830011") && m(&r, "CN", "859999") && !m(&r, "CN", "860000") && !m(&r, "CN", "8300"));
        let us = CompiledPostcode::Range(PostcodeRange::new("100", "149").unwrap());
        assert!(m(&us, "US", "10001-1234") && !m(&us, "US", "15000"));
        assert!(m(&CompiledPostcode::Pattern(PostcodePattern::prefix("85").unwrap()), "CN", "850000"));
    }

    /// Compiles one zone (carrier `dpd` known) and returns it with the problems' paths and codes.
    fn zone(json: &str) -> (CompiledZone, Vec<(String, ErrorCode)>) {
        let z: Zone = serde_json::from_str(json).unwrap();
        let carriers = HashMap::from([("dpd", (0, CarrierUnits::Metric))]);
        let mut p = Problems::new(100);
        let at = JsonPath::root();
        let compiled = compile_zone(&z, &carriers, Currency::GBP, &Limits::default(), &at.field("zone"), &mut p);
        (compiled, p.into_vec().into_iter().map(|p| (p.path, p.code)).collect())
    }

    const METHOD: &str = r#"{"id": "std", "carrier": "dpd", "service": "standard",
        "rate": {"type": "flat", "price": "4.99"}, "transit_days": {"min": 1, "max": 2}}"#;

    #[test]
    fn excluded_postcodes_leave_the_zone_whatever_else_matches() {
        let (z, problems) = zone(&format!(
            r#"{{"id": "dorset", "match": {{"countries": ["GB"], "postcodes": [{{"prefix": "BH"}}],
                "exclude_postcodes": [{{"pattern": "BH19"}}, {{"from": "BH20 5", "to": "BH20 6"}}]}}, "methods": [{METHOD}]}}"#
        ));
        assert_eq!(problems, []);
        let admits = |p: &str| z.admits_postcode("GB", Some(&Postcode::new("GB", p)));
        assert!(admits("BH1 1AA") && admits("BH190 1AA") && admits("BH20 4AA") && admits("BH20 7AA"));
        assert!(!admits("BH19 1AA") && !admits("bh19-2zz") && !admits("BH20 5AA") && !admits("BH206ZZ"));
        assert!(!admits("DT1 1AA"), "not in the include list");
        assert!(!z.admits_postcode("GB", None), "a zone listing postcodes needs one");

        let (z, _) = zone(&format!(
            r#"{{"id": "gb", "match": {{"countries": ["GB"], "exclude_postcodes": [{{"pattern": "HS*"}}]}}, "methods": [{METHOD}]}}"#
        ));
        assert!(z.admits_postcode("GB", None), "no postcode: nothing to exclude");
        assert!(!z.admits_postcode("GB", Some(&Postcode::new("GB", "HS1 2AB"))));
        assert!(z.admits_postcode("GB", Some(&Postcode::new("GB", "BH1 1AA"))));
    }

    #[test]
    fn blackout_zones_have_no_methods_and_other_zones_need_one() {
        let (z, problems) =
            zone(r#"{"id": "islands", "blackout": true, "match": {"postcodes": [{"pattern": "ZE*"}]}}"#);
        assert_eq!(problems, []);
        assert!(z.blackout && z.methods.is_empty());
        let (_, problems) = zone(&format!(r#"{{"id": "x", "blackout": true, "match": {{}}, "methods": [{METHOD}]}}"#));
        assert_eq!(problems, [("zone.methods".to_string(), ErrorCode::ConflictingFields)]);
        for methods in ["", r#", "methods": []"#] {
            let (_, problems) = zone(&format!(r#"{{"id": "x", "match": {{}}{methods}}}"#));
            assert_eq!(problems, [("zone.methods".to_string(), ErrorCode::OutOfRange)]);
        }
    }

    #[test]
    fn malformed_postcode_entries_are_problems_with_their_paths() {
        let (z, problems) = zone(&format!(
            r#"{{"id": "x", "match": {{"postcodes": [{{"pattern": "BH2.1"}}, {{"prefix": "BH", "pattern": "BH"}},
                {{"from": "2450", "to": "999"}}, {{"from": "83*", "to": "85"}}, {{"from": "83"}}, {{"pattern": "BH2"}}],
                "exclude_postcodes": [{{"prefix": ""}}]}}, "methods": [{METHOD}]}}"#
        ));
        let at = |i: usize, f: &str| format!("zone.match.postcodes[{i}]{f}");
        assert_eq!(
            problems,
            [
                (at(0, ".pattern"), ErrorCode::InvalidValue),
                (at(1, ""), ErrorCode::ConflictingFields),
                (at(2, ".to"), ErrorCode::InvalidWindow),
                (at(3, ".from"), ErrorCode::InvalidValue),
                (at(4, ""), ErrorCode::ConflictingFields),
                ("zone.match.exclude_postcodes[0].prefix".to_string(), ErrorCode::OutOfRange),
            ]
        );
        assert_eq!(z.postcodes.len(), 1, "only the valid entry is kept");
    }

    #[test]
    fn calendars_know_weekends_and_holidays() {
        let c = CompiledCalendar::new(&Calendar {
            closed_weekdays: vec![Weekday::Sat, Weekday::Sun],
            holidays: vec!["2026-10-01".into()],
        });
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(c.open(d("2026-09-30")));
        assert!(!c.open(d("2026-10-01")), "holiday");
        assert!(!c.open(d("2026-10-03")), "Saturday");
        assert!(c.closed_weekday(d("2026-10-04")) && !c.holiday(d("2026-10-04")));
    }
}
