//! Shipping: warehouses, carriers, zones, methods, rate tables, surcharges,
//! free-shipping rules and delivery calendars. See `docs/shipping.md`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{FreeShippingAmounts, MethodAmounts, Weekday};
use crate::money::{Amount, DecimalString, Percent, RoundingMode};

/// The rule set's `shipping` section. A rule set without it quotes no shipping.
///
/// ```
/// use commerce_rules::rules::ShippingConfig;
/// let s: ShippingConfig = serde_json::from_str(r#"{
///     "warehouses": [{"id": "hz", "cutoff": "16:00"}],
///     "carriers": [{"id": "sf", "volumetric_divisor": 6000}],
///     "zones": [{"id": "cn", "match": {"countries": ["CN"]}, "methods": [{
///         "id": "std", "carrier": "sf", "service": "standard",
///         "rate": {"type": "first_additional", "first_weight_g": 1000, "first_price": "10.00",
///                  "additional_step_g": 500, "additional_price": "2.00"},
///         "transit_days": {"min": 1, "max": 3}}]}]
/// }"#).unwrap();
/// assert_eq!(s.zones[0].methods[0].id, "std");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingConfig {
    /// Warehouses goods ship from. Empty: one implicit warehouse `default`
    /// open Monday to Friday with no cut-off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warehouses: Vec<Warehouse>,
    /// The warehouse of lines that name no `origin`; default the first warehouse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_warehouse: Option<String>,
    /// Carriers, named by methods.
    pub carriers: Vec<Carrier>,
    /// Zones, in match order: the first zone matching the destination wins.
    pub zones: Vec<Zone>,
    /// Free or discounted shipping: spend thresholds (包邮) and customer-tier
    /// benefits. When several apply to a method, the largest discount wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub free_shipping: Vec<FreeShippingRule>,
    /// The tax class of shipping charges; absent: shipping is not taxed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_class: Option<String>,
    /// Whether shipping prices include their tax (true) or have it added
    /// on top (false); absent: as the rule set's prices
    /// (`tax.prices_include_tax`). A shop adding sales tax to its items may
    /// quote shipping tax included, and the other way round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_included: Option<bool>,
    /// How the shipping charged and its discount are spread over the lines
    /// (each line's `shipping` in the answer, used by returns): `amount`
    /// (default), `weight` or `pieces`. See `docs/shipping.md`.
    #[serde(default, skip_serializing_if = "is_by_amount")]
    pub allocate_by: ShippingAllocation,
    /// The products that ship free (a per-product free-shipping flag): an
    /// order whose every line is one of them ships free on every method
    /// (discount rule `items:ships_free`); a mixed order pays as usual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ships_free: Option<ShipsFree>,
}

/// Products that ship free, by SKU, category or tag (any one matching).
///
/// ```
/// use commerce_rules::rules::ShipsFree;
/// let f: ShipsFree = serde_json::from_str(r#"{"skus": ["GIFT-CARD"], "categories": ["e-vouchers"]}"#).unwrap();
/// assert_eq!(f.skus, ["GIFT-CARD"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipsFree {
    /// SKUs that ship free.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skus: Vec<String>,
    /// Categories whose products ship free (a line in any of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Tags whose products ship free (a line with any of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl ShipsFree {
    /// Whether a product with this SKU, categories and tags ships free.
    pub fn covers(&self, sku: &str, categories: &[String], tags: &[String]) -> bool {
        self.skus.iter().any(|s| s == sku)
            || categories.iter().any(|c| self.categories.contains(c))
            || tags.iter().any(|t| self.tags.contains(t))
    }
}

/// What the shipping charged is spread over the lines by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShippingAllocation {
    /// The lines' amounts after item and order discounts (`net`): every line
    /// has one, and a refund then follows what the goods cost.
    #[default]
    Amount,
    /// The lines' actual weight (unit weight × quantity).
    Weight,
    /// The lines' units.
    Pieces,
}

unit_enum!(ShippingAllocation { Amount = "amount", Weight = "weight", Pieces = "pieces" });

fn is_by_amount(a: &ShippingAllocation) -> bool {
    *a == ShippingAllocation::Amount
}

/// A business calendar: closed weekdays and public holidays.
///
/// ```
/// use commerce_rules::rules::Calendar;
/// let c: Calendar = serde_json::from_str(r#"{"holidays": ["2026-10-01"]}"#).unwrap();
/// assert_eq!(c.closed_weekdays.len(), 2, "Saturday and Sunday by default");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Weekdays with no business (`sat`, `sun` by default); at most six.
    #[serde(default = "default_weekend")]
    pub closed_weekdays: Vec<Weekday>,
    /// Public holidays as local dates (`2026-10-01`), in the merchant's zone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar { closed_weekdays: default_weekend(), holidays: Vec::new() }
    }
}

fn default_weekend() -> Vec<Weekday> {
    vec![Weekday::Sat, Weekday::Sun]
}

/// A warehouse: where parcels are packed and dispatched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Warehouse {
    /// Unique id, named by lines (`origin`).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The days it dispatches.
    #[serde(default)]
    pub calendar: Calendar,
    /// Orders placed before this local time (`HH:MM`) on a business day count
    /// that day ("order before 16:00, ships today"); later orders count from
    /// the next business day. Absent: any time of a business day counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<String>,
    /// Business days of packing after the counting day; default 0 (ships that day).
    #[serde(default)]
    pub handling_days: u32,
}

/// A carrier: its volumetric divisor and the days it moves parcels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Carrier {
    /// Unique id, named by methods.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The units it measures in: `metric` (cm and kg, the default) or
    /// `imperial` (inches and pounds). They are the units of
    /// `volumetric_divisor`, `billable_increment`, of its methods' unit-less
    /// rate weights (`first_weight`, `additional_step`, `up_to`) and of their
    /// `conditions`' weights and dimensions.
    #[serde(default, skip_serializing_if = "is_metric")]
    pub units: CarrierUnits,
    /// Volumetric (dimensional) divisor: cm³ per kg (6000 or 5000) or, for an
    /// imperial carrier, in³ per lb (139 or 166): volumetric weight is
    /// L × W × H / divisor. Absent: the carrier charges actual weight only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumetric_divisor: Option<u32>,
    /// How each side of a unit is rounded to a whole cm (or inch) before the
    /// volume is taken (`up`: 30.2 cm counts as 31; `half_up`: the nearest).
    /// Absent: sides count as measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side_rounding: Option<RoundingMode>,
    /// The billable weight (the greater of actual and volumetric) is rounded
    /// up to a multiple of this, in the carrier's weight unit (`"0.5"` kg,
    /// `"1"` lb). Absent: to the gram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable_increment: Option<DecimalString>,
    /// The days it carries and delivers.
    #[serde(default)]
    pub calendar: Calendar,
    /// True when it delivers on its calendar's closed weekdays too (holidays still not).
    #[serde(default)]
    pub delivers_weekends: bool,
}

/// The units a carrier measures in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CarrierUnits {
    /// Centimetres and kilograms; divisors in cm³ per kg.
    #[default]
    Metric,
    /// Inches and pounds; divisors in in³ per lb.
    Imperial,
}

unit_enum!(CarrierUnits { Metric = "metric", Imperial = "imperial" });

fn is_metric(u: &CarrierUnits) -> bool {
    *u == CarrierUnits::Metric
}

/// A zone: the destinations it matches and the methods it offers, or a
/// blackout (`"blackout": true`, no methods): destinations it matches are
/// not shipped to, and later zones are not tried.
///
/// ```
/// use commerce_rules::rules::Zone;
/// let z: Zone = serde_json::from_str(r#"{"id": "gb-offshore", "blackout": true,
///     "match": {"countries": ["GB"], "postcodes": [{"pattern": "HS*"}, {"pattern": "ZE*"}]}}"#).unwrap();
/// assert!(z.blackout && z.methods.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Unique id, named in answers and free-shipping rules.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Which destinations it matches.
    #[serde(rename = "match")]
    pub matches: ZoneMatch,
    /// True for remote areas (偏远地区: Xinjiang, Tibet...): remote surcharges
    /// apply, and free shipping may leave them out.
    #[serde(default)]
    pub remote: bool,
    /// True when the merchant does not ship to the destinations it matches
    /// (不配送区域): the answer is `no_shipping` with this zone's id, and no
    /// later zone is tried. A blackout zone has no `methods`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blackout: bool,
    /// The methods it offers, ids unique within the zone; at least one unless
    /// the zone is a `blackout`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<ShippingMethod>,
}

/// Match criteria of a zone. Every criterion given must hold; a list holds
/// when the destination is any of its entries. Empty lists match anything.
/// A destination whose postcode is in `exclude_postcodes` is outside the
/// zone, whatever else matches.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneMatch {
    /// ISO 3166-1 alpha-2 country codes (`CN`, `US`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Regions, provinces or states, compared case-insensitively (`Xinjiang`, `NY`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Cities, compared case-insensitively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cities: Vec<String>,
    /// Postcodes the zone covers: patterns, prefixes or ranges. A destination
    /// without a postcode does not match a zone that lists some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postcodes: Vec<PostcodeMatch>,
    /// Postcodes the zone leaves out even when `postcodes` (or the country
    /// alone) covers them: `{"pattern": "BH2 *"}` cuts one district out of
    /// `{"prefix": "BH"}`. A destination without a postcode is not excluded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_postcodes: Vec<PostcodeMatch>,
}

/// One postcode entry; give exactly one of `pattern`, `prefix`, or `from`
/// with `to`. Case, spaces and hyphens of the destination's postcode do not
/// matter (`cb23-1gg` is `CB23 1GG` is `CB231GG`); in an entry a space or
/// hyphen is a *break*, which only matches where the country splits its
/// postcodes (GB outward/inward code, CA FSA, NL digits/letters, US ZIP+4,
/// JP 3+4, BR 5+3, IE, PL, PT) or at the end. See `docs/shipping.md`.
///
/// ```
/// use commerce_rules::rules::PostcodeMatch;
/// let m: PostcodeMatch = serde_json::from_str(r#"{"pattern": "BH2"}"#).unwrap();
/// assert_eq!(m.pattern.as_deref(), Some("BH2"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostcodeMatch {
    /// A postcode or a part of one, with wildcards `*` (any characters) and
    /// `?` (one character). Without a trailing `*` it matches the whole
    /// postcode or its part up to the country's break: `BH2` (or `BH2 *`)
    /// matches `BH2 1AA` but not `BH20 1AA`; `K1A` matches `K1A 0B1`;
    /// `10001` matches `10001-1234`; `830000` only itself; `83*` every
    /// postcode starting with 83.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Postcodes starting with this text (`83`). A space or hyphen in it is a
    /// break, a trailing one too: `BH2 ` is the district BH2 only, while `BH2`
    /// also covers BH20 to BH29.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// First postcode of an inclusive range. Bounds of digits only: of one
    /// length, they compare the postcode's leading digits (`100`..`149`
    /// covers ZIP 10001-1234); of different lengths, the whole postcode as a
    /// number (`999`..`2450`). Otherwise parts compare in turn, letters as
    /// text and digits as numbers (`BH1`..`BH25` covers BH20 but not BH26).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last postcode of the range, inclusive; not before `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    /// Standard delivery.
    Standard,
    /// Express delivery.
    Express,
    /// Delivered the next day, in a time slot.
    NextDay,
    /// Delivered the same day, in a time slot.
    SameDay,
    /// Collected at a pickup point or locker.
    PickupPoint,
    /// Collected at a store.
    StorePickup,
}

unit_enum!(ServiceLevel { Standard = "standard", Express = "express", NextDay = "next_day", SameDay = "same_day", PickupPoint = "pickup_point", StorePickup = "store_pickup" });

/// A shipping method a zone offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingMethod {
    /// Id, unique within its zone; the request's `shipping_method` names it.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The carrier id.
    pub carrier: String,
    /// The service level.
    pub service: ServiceLevel,
    /// How the price of a parcel is computed (for lines of a template named in
    /// `template_rates`, that template's rate instead).
    pub rate: RateModel,
    /// Rates for lines of a shipping template (a line's `shipping_template`):
    /// a shop that prices some goods by piece (按件) and others by weight
    /// (按重) gives each template its rate here. Lines of a template not
    /// listed are priced with `rate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub template_rates: Vec<TemplateRate>,
    /// How the prices of a parcel's template groups combine when its lines
    /// use several templates: `sum` (default) or `highest`.
    #[serde(default, skip_serializing_if = "is_sum")]
    pub combine_templates: CombineTemplates,
    /// When the method is offered at all: order value, weight, piece and
    /// size ranges. A cart outside them gets the method as unavailable, with
    /// the reason and the figure that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<MethodConditions>,
    /// Charges added to each parcel's rate (or once per order: `handling` with `"per": "order"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub surcharges: Vec<Surcharge>,
    /// Shipping classes it cannot carry (`liquid` by air): a cart with one is
    /// refused with `shipping_class_not_allowed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_classes: Vec<String>,
    /// Heaviest chargeable weight of one parcel, in grams; heavier is refused with `too_heavy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weight_g: Option<u64>,
    /// Carrier days in transit after dispatch, fewest and most (0 for same day).
    pub transit_days: TransitDays,
    /// Overrides the warehouse's cut-off for this method (`HH:MM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<String>,
    /// Delivery time slots (same-day, next-day), offered on each delivery date of the window.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<TimeSlot>,
    /// Minutes between ordering and the start of the earliest slot offered; default 0.
    #[serde(default)]
    pub slot_lead_minutes: u32,
    /// Fixed amounts per market currency (`{"USD": {"rate": {"price": "5.99"}}}`),
    /// used as written in markets in that currency instead of converting
    /// the method's own; each entry mirrors the method's priced fields
    /// (`rate`, `template_rates`, `surcharges`, `conditions`) and states
    /// every amount of the method (`docs/markets.md`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amounts_in: BTreeMap<String, MethodAmounts>,
}

/// The rate of one shipping template within a method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRate {
    /// The template id, as lines name it in `shipping_template`.
    pub template: String,
    /// How the template's lines are priced.
    pub rate: RateModel,
}

/// How a parcel's template groups combine into its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CombineTemplates {
    /// Each group is priced by its own template; the prices are added (叠加).
    #[default]
    Sum,
    /// Each group is priced by its own template; the highest price is the
    /// parcel's (取最高), the others' groups travel at no extra charge.
    Highest,
}

unit_enum!(CombineTemplates { Sum = "sum", Highest = "highest" });

fn is_sum(c: &CombineTemplates) -> bool {
    *c == CombineTemplates::Sum
}

/// When a method is offered. Every bound given must hold; bounds are
/// inclusive (a minimum is met by `>=`, a maximum by `<=`).
///
/// ```
/// use commerce_rules::rules::MethodConditions;
/// let c: MethodConditions = serde_json::from_str(
///     r#"{"max_order_value": "2000.00", "max_pieces": 20, "max_dimensions": {"length": "120", "width": "60", "height": "60"}}"#).unwrap();
/// assert_eq!(c.max_pieces, Some(20));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodConditions {
    /// The lowest order value: the order subtotal after item and order
    /// discounts, before points and shipping (the figure `min_subtotal`
    /// uses), tax included exactly when the rule set's prices include it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_order_value: Option<Amount>,
    /// The highest order value (same figure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_order_value: Option<Amount>,
    /// The lowest billable weight of the order (all parcels), in the
    /// carrier's weight unit (kg or lb).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_weight: Option<DecimalString>,
    /// The highest billable weight of the order, in the carrier's weight unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weight: Option<DecimalString>,
    /// The fewest units in the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pieces: Option<u64>,
    /// The most units in the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pieces: Option<u64>,
    /// The largest unit it takes, in the carrier's length unit (cm or in): a
    /// unit fits when its longest side is at most the longest side given,
    /// its middle side at most the middle one and its shortest at most the
    /// shortest (turning the unit is allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_dimensions: Option<MaxDimensions>,
}

/// A box size, in the carrier's length unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaxDimensions {
    /// Length.
    pub length: DecimalString,
    /// Width.
    pub width: DecimalString,
    /// Height.
    pub height: DecimalString,
}

/// Fewest and most days (or weeks, or months) in transit.
///
/// ```
/// use commerce_rules::rules::{TransitDays, TransitUnit};
/// let t: TransitDays = serde_json::from_str(r#"{"min": 6, "max": 10, "unit": "weeks"}"#).unwrap();
/// assert_eq!(t.unit, TransitUnit::Weeks);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitDays {
    /// Fewest days (weeks, months).
    pub min: u32,
    /// Most days (weeks, months), >= `min`.
    pub max: u32,
    /// What `min` and `max` count: `days` (carrier delivery days, the
    /// default; at most 120), `weeks` (calendar weeks after dispatch; at most
    /// 52) or `months` (calendar months after dispatch; at most 12).
    #[serde(default, skip_serializing_if = "is_days")]
    pub unit: TransitUnit,
}

/// What a method's transit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransitUnit {
    /// Carrier delivery days after pickup (0: the pickup day).
    #[default]
    Days,
    /// Calendar weeks after dispatch, landing on the carrier's next delivery day.
    Weeks,
    /// Calendar months after dispatch (the same day of the month, or the
    /// month's last day), landing on the carrier's next delivery day.
    Months,
}

unit_enum!(TransitUnit { Days = "days", Weeks = "weeks", Months = "months" });

fn is_days(u: &TransitUnit) -> bool {
    *u == TransitUnit::Days
}

/// A local delivery time slot (`18:00`-`20:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeSlot {
    /// Local start, `HH:MM`.
    pub from: String,
    /// Local end, `HH:MM` (after `from`; `24:00` is midnight).
    pub until: String,
}

/// How a parcel's price is computed from its chargeable weight, value or units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RateModel {
    /// One price per parcel.
    Flat {
        /// The price.
        price: Amount,
    },
    /// 首重/续重: `first_price` covers up to the first weight; each further
    /// step or part of it adds `additional_price`. Give each weight in grams
    /// (`first_weight_g`, `additional_step_g`) or in the carrier's weight
    /// unit (`first_weight`, `additional_step`: `"1"` kg, `"0.5"` lb).
    FirstAdditional {
        /// Grams the first price covers (>= 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_weight_g: Option<u64>,
        /// The weight the first price covers, in the carrier's unit (> 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_weight: Option<DecimalString>,
        /// The price of the first weight.
        first_price: Amount,
        /// Grams per further step (>= 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_step_g: Option<u64>,
        /// The weight of a further step, in the carrier's unit (> 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_step: Option<DecimalString>,
        /// The price of each further step.
        additional_price: Amount,
    },
    /// 按件计费 首件/续件: `first_price` covers up to `first_pieces` units;
    /// each further `additional_pieces` units or part of them add
    /// `additional_price`. Weight plays no part.
    FirstAdditionalPieces {
        /// Units the first price covers (>= 1).
        first_pieces: u64,
        /// The price of the first pieces.
        first_price: Amount,
        /// Units per further step (>= 1).
        additional_pieces: u64,
        /// The price of each further step.
        additional_price: Amount,
    },
    /// A percentage of the parcel's value (after item and order discounts),
    /// rounded to the currency's minor units with `rounding` (default the
    /// rule set's mode), then raised to `min_fee` and capped at `max_fee`.
    PercentOfValue {
        /// The percentage, over 0 and at most 100.
        percent: Percent,
        /// The lowest fee.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_fee: Option<Amount>,
        /// The highest fee (>= `min_fee`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_fee: Option<Amount>,
        /// The rounding mode; default the rule set's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rounding: Option<RoundingMode>,
    },
    /// Weight brackets: the first bracket whose `up_to_g` is at least the
    /// chargeable weight sets the price. Ascending, prices never decreasing;
    /// heavier than the last bracket is refused with `too_heavy`.
    WeightBrackets {
        /// The brackets.
        brackets: Vec<WeightBracket>,
    },
    /// Order-value brackets: the last bracket whose `from` the parcel's value
    /// (after discounts) reaches sets the price. The first starts at 0.
    ValueBrackets {
        /// The brackets, ascending by `from`.
        brackets: Vec<ValueBracket>,
    },
    /// A price per unit in the parcel.
    PerItem {
        /// The price of each unit.
        price: Amount,
    },
    /// A flexible rate (Solidus' and Spree's `FlexiRate`): the first unit
    /// costs `first_item`, each further unit `additional_item`; with
    /// `max_items`, the first-item price comes back every `max_items`
    /// units (units 1, N + 1, 2N + 1... cost `first_item`).
    Flexible {
        /// The price of the first unit (and of the first of every `max_items`).
        first_item: Amount,
        /// The price of every other unit.
        additional_item: Amount,
        /// Units per round (>= 1); absent: one round, whatever the units.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u64>,
    },
}

/// A weight bracket: parcels up to `up_to_g` grams (or `up_to` in the
/// carrier's weight unit), inclusive, cost `price`. Give one of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightBracket {
    /// Heaviest chargeable weight in the bracket, in grams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_g: Option<u64>,
    /// Heaviest billable weight in the bracket, in the carrier's weight unit (`"2"` lb).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<DecimalString>,
    /// The price.
    pub price: Amount,
}

/// An order-value bracket: parcels worth at least `from` cost `price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueBracket {
    /// The lowest parcel value in the bracket.
    pub from: Amount,
    /// The price.
    pub price: Amount,
}

/// A charge added to each parcel's rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Surcharge {
    /// Added when the zone is remote (偏远地区附加费).
    Remote {
        /// The charge.
        amount: Amount,
    },
    /// Added when a unit's longest side is over `longest_side_over_cm`.
    Oversize {
        /// The charge.
        amount: Amount,
        /// The longest side allowed without the charge, in cm.
        longest_side_over_cm: u32,
    },
    /// Added when the parcel holds a line of one of `shipping_classes` (冷链).
    ColdChain {
        /// The charge.
        amount: Amount,
        /// Shipping classes that need cold chain (`frozen`, `chilled`).
        shipping_classes: Vec<String>,
    },
    /// A handling fee: added to every parcel, or once per order with `"per": "order"`.
    Handling {
        /// The charge.
        amount: Amount,
        /// `parcel` (default) or `order`.
        #[serde(default, skip_serializing_if = "is_per_parcel")]
        per: FeePer,
    },
    /// Added for each unit in the parcel (`amount` × units).
    PerPiece {
        /// The charge per unit.
        amount: Amount,
    },
    /// Added for each unit of some products (a bulky SKU: +5.00 per unit):
    /// `amount` × the parcel's units whose SKU is in `skus` or whose
    /// shipping class is in `shipping_classes`.
    ProductFee {
        /// The charge per unit.
        amount: Amount,
        /// The SKUs it is charged on.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skus: Vec<String>,
        /// The shipping classes it is charged on.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        shipping_classes: Vec<String>,
    },
}

/// What a fee is charged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeePer {
    /// Each parcel.
    #[default]
    Parcel,
    /// The order, once, whatever the parcels.
    Order,
}

unit_enum!(FeePer { Parcel = "parcel", Order = "order" });

fn is_per_parcel(p: &FeePer) -> bool {
    *p == FeePer::Parcel
}

/// Free or discounted shipping: a spend threshold (包邮), a customer-tier
/// benefit, or both. Every condition given must hold.
///
/// ```
/// use commerce_rules::rules::FreeShippingRule;
/// let r: FreeShippingRule = serde_json::from_str(
///     r#"{"id": "baoyou-99", "min_subtotal": "99.00", "exclude_remote": true}"#).unwrap();
/// assert_eq!(r.percent_off.to_string(), "100");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreeShippingRule {
    /// Unique id, named in the answer (`free_shipping:ID`) and in hints.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The order subtotal after item and order discounts must reach this (`>=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_subtotal: Option<Amount>,
    /// The units in the cart must reach this (`>=`; 满 N 件包邮).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pieces: Option<u64>,
    /// With both `min_subtotal` and `min_pieces`: `all` (default) when both
    /// must be reached, `any` when either is enough.
    #[serde(default, skip_serializing_if = "is_all")]
    pub combine: ThresholdCombine,
    /// Customer tiers (`customer.tier`) it is for; empty: everyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_tiers: Vec<String>,
    /// Zones it covers; empty: every zone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// Method ids it covers; empty: every method.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
    /// True when remote zones are not covered.
    #[serde(default)]
    pub exclude_remote: bool,
    /// Share of the shipping price taken off, over 0 and at most 100; default 100 (free).
    #[serde(default = "hundred")]
    pub percent_off: Percent,
    /// Hint only when the shortfall is at most this; absent: always hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_within: Option<Amount>,
    /// Fixed amounts per market currency (`{"USD": {"min_subtotal": "49.00"}}`),
    /// used as written in markets in that currency instead of converting
    /// the rule's own; each entry states every amount of the rule
    /// (`docs/markets.md`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amounts_in: BTreeMap<String, FreeShippingAmounts>,
}

/// How a free-shipping rule's thresholds combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdCombine {
    /// Every threshold given must be reached (满 99 元且满 2 件).
    #[default]
    All,
    /// One threshold reached is enough (满 99 元或满 2 件).
    Any,
}

unit_enum!(ThresholdCombine { All = "all", Any = "any" });

fn is_all(c: &ThresholdCombine) -> bool {
    *c == ThresholdCombine::All
}

fn hundred() -> Percent {
    Percent(rust_decimal::Decimal::ONE_HUNDRED)
}
