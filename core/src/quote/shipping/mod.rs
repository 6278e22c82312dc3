//! Stages 5 and 6: shipping options for the destination, and shipping
//! discounts (free-shipping thresholds, tier benefits, free-shipping
//! promotions). See `docs/shipping.md`.

mod answer;
mod delivery;
mod lines;
mod rate;

pub use answer::{
    BillableWeight, DeliveryEstimate, DeliverySlot, LineShipping, NoShipping, ParcelQuote, RateStep, RateStepCode,
    ShippingAnswer, ShippingOption, UnavailableMethod,
};

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use super::answer::{AppliedPromotion, LineAnswer, Step, StepCode, Trail, Usage};
use super::{CartLine, Destination, QuoteRequest, Stage};
use crate::messages::{self, Lang};
use crate::money::{Money, MoneyError, Percent};
use crate::reasons::{Hint, HintCode, NoShippingReason, ShippingReason, ShippingReasonParams};
use crate::rules::{
    is_country, measure_problem, postcode_problem, CompiledCarrier, CompiledFreeShipping, CompiledMethod,
    CompiledRules, CompiledShipping, CompiledZone, FeePer, JsonPath, Postcode, Problems, Surcharge, TaxCalculation,
    ThresholdCombine,
};
use crate::{Error, ErrorCode, Limits};
use rate::{Overflow, Parcel, Priced};
use rust_decimal::Decimal;

/// The discount rule of an order whose every line ships free (`ships_free`).
pub(crate) const SHIPS_FREE_RULE: &str = "items:ships_free";

/// Most free-shipping hints in one answer.
const MAX_SHIPPING_HINTS: usize = 3;

/// What the shipping stages add to a quote.
pub(crate) struct ShippingOutcome {
    /// `None` when the rule set has no shipping section.
    pub(crate) answer: Option<ShippingAnswer>,
    pub(crate) shipping: Money,
    pub(crate) discount: Money,
    pub(crate) tax: Money,
    /// Whether the shipping price includes its tax.
    pub(crate) tax_included: bool,
    /// The shipping tax's class, rate, taxable amount and tax, for the tax summary.
    pub(crate) tax_entry: Option<(String, Percent, Money, Money)>,
    /// Each line's share of the chosen option's price and discount, by the
    /// line's position in the priced lines (empty without a chosen option).
    pub(crate) lines: Vec<Option<LineShipping>>,
}

fn overflow(_: Overflow) -> Error {
    Error::request(ErrorCode::ArithmeticOverflow, "lines", "shipping weights or prices are too large to compute")
}

fn money_err(e: MoneyError) -> Error {
    crate::error::money_error(e, "shipping")
}

fn no_open_day(_: delivery::NoOpenDay) -> Error {
    Error::request(ErrorCode::Internal, "", "no business day found in a validated calendar")
}

/// Runs stages 5 and 6 on the priced `lines` (line-id order: `order[k]` is
/// the request index of `lines[k]`, gift lines follow) and records
/// free-shipping promotions' amounts on `applied` and `usages`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn apply(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
    order: &[usize],
    lines: &[LineAnswer],
    applied: &mut [AppliedPromotion],
    usages: &mut [Usage],
    trail: &mut Trail,
) -> Result<ShippingOutcome, Error> {
    let zero = Money::zero(rules.currency);
    let mut outcome = ShippingOutcome {
        answer: None,
        shipping: zero,
        discount: zero,
        tax: zero,
        tax_included: rules.tax.prices_include_tax,
        tax_entry: None,
        lines: Vec::new(),
    };
    let Some(s) = &rules.shipping else { return Ok(outcome) };
    outcome.tax_included = s.tax_included.unwrap_or(rules.tax.prices_include_tax);
    let (answer, line_shares) = options(rules, s, limits, req, order, lines, applied)?;
    outcome.lines = line_shares;
    let chosen = answer.options.iter().find(|o| o.chosen);
    if let Some(o) = chosen {
        outcome.shipping = o.price;
        outcome.discount = o.discount;
        trail.push(|| Step {
            stage: Stage::Shipping,
            line_id: None,
            code: StepCode::Shipping,
            rule: format!("shipping_method:{}", o.method_id),
            amount: o.price,
        });
        if let Some(rule) = &o.discount_rule {
            trail.push(|| Step {
                stage: Stage::ShippingPromotions,
                line_id: None,
                code: StepCode::ShippingDiscount,
                rule: rule.clone(),
                amount: o.discount,
            });
            if let Some(id) = rule.strip_prefix("promotion:") {
                // A free-shipping promotion gives the shipping discount; an
                // order discount over items and shipping adds it to what
                // the items took.
                for a in applied.iter_mut().filter(|a| &*a.id == id) {
                    let items = if a.shipping_rest.is_some() { a.amount } else { Money::zero(rules.currency) };
                    a.amount = items.checked_add(o.discount).map_err(money_err)?;
                    for u in usages.iter_mut().filter(|u| &*u.promotion_id == id) {
                        u.amount = a.amount;
                    }
                }
            }
        }
        if let Some(class) = s.tax_class.as_ref().and_then(|c| rules.tax.classes.get(c)) {
            let net = o.total;
            let included = outcome.tax_included;
            let tax = super::tax::line_tax(net, 1, class.rate, included, TaxCalculation::PerLine, rules.tax.rounding)
                .map_err(money_err)?;
            let taxable = if included { net.checked_sub(tax).map_err(money_err)? } else { net };
            outcome.tax = tax;
            outcome.tax_entry = Some((class.id.to_string(), class.rate_percent, taxable, tax));
            trail.push(|| Step {
                stage: Stage::Tax,
                line_id: None,
                code: StepCode::ShippingTax,
                rule: format!("tax_class:{}", class.id),
                amount: tax,
            });
        }
    }
    outcome.answer = Some(answer);
    Ok(outcome)
}

/// The chosen option's price and the shipping discount it would get from
/// `applied` and the rule set, on these `lines`, without recording
/// anything: what an order discount spread pro rata over items and
/// shipping is split against. `None` without a chosen option.
pub(crate) fn chosen_price(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
    order: &[usize],
    lines: &[LineAnswer],
    applied: &[AppliedPromotion],
) -> Result<Option<(Money, Money)>, Error> {
    let Some(s) = &rules.shipping else { return Ok(None) };
    let (answer, _) = options(rules, s, limits, req, order, lines, applied)?;
    Ok(answer.options.iter().find(|o| o.chosen).map(|o| (o.price, o.discount)))
}

/// The answer when the rule set has no shipping section.
pub(crate) fn not_configured(rules: &CompiledRules, lang: Lang) -> ShippingAnswer {
    empty(rules, Some(NoShippingReason::NotConfigured), lang)
}

fn empty(rules: &CompiledRules, reason: Option<NoShippingReason>, lang: Lang) -> ShippingAnswer {
    ShippingAnswer {
        currency: rules.currency,
        zone_id: None,
        zone_name: None,
        remote: false,
        no_shipping: reason.map(|r| NoShipping { reason: r, message: messages::no_shipping_text(r, lang) }),
        options: Vec::new(),
        unavailable: Vec::new(),
        chosen_method: None,
        hints: Vec::new(),
    }
}

/// The first zone matching `d`, in rule-set order (a blackout zone too).
fn match_zone<'a>(s: &'a CompiledShipping, d: &Destination) -> Option<&'a CompiledZone> {
    let region = d.region.as_deref().map(|r| r.trim().to_lowercase());
    let city = d.city.as_deref().map(|c| c.trim().to_lowercase());
    let postcode = d.postcode.as_deref().map(|p| Postcode::new(&d.country, p));
    let any = |list: &[String], v: &Option<String>| list.is_empty() || v.as_ref().is_some_and(|v| list.contains(v));
    s.zones.iter().find(|z| {
        (z.countries.is_empty() || z.countries.contains(&d.country))
            && any(&z.regions, &region)
            && any(&z.cities, &city)
            && z.admits_postcode(&d.country, postcode.as_ref())
    })
}

fn options(
    rules: &CompiledRules,
    s: &CompiledShipping,
    limits: &Limits,
    req: &QuoteRequest,
    order: &[usize],
    lines: &[LineAnswer],
    applied: &[AppliedPromotion],
) -> Result<(ShippingAnswer, Vec<Option<LineShipping>>), Error> {
    let none = Vec::new;
    let lang = req.locale;
    let Some(destination) = &req.destination else {
        return Ok((empty(rules, Some(NoShippingReason::DestinationMissing), lang), none()));
    };
    let Some(zone) = match_zone(s, destination) else {
        return Ok((empty(rules, Some(NoShippingReason::NoZoneMatches), lang), none()));
    };
    let mut answer = ShippingAnswer {
        zone_id: Some(zone.id.clone()),
        zone_name: zone.name.clone(),
        remote: zone.remote,
        ..empty(rules, None, lang)
    };
    if zone.blackout {
        // "We don't ship there": the zone is named, nothing is offered, and no later zone is tried.
        answer.no_shipping = Some(NoShipping {
            reason: NoShippingReason::ZoneBlackout,
            message: messages::no_shipping_text(NoShippingReason::ZoneBlackout, lang),
        });
        return Ok((answer, none()));
    }
    let parcels = rate::parcels(s, rules.currency, &req.lines, order, lines).map_err(overflow)?;
    if parcels.is_empty() {
        answer.no_shipping = Some(NoShipping {
            reason: NoShippingReason::EmptyCart,
            message: messages::no_shipping_text(NoShippingReason::EmptyCart, lang),
        });
        return Ok((answer, none()));
    }
    let subtotal = Money::checked_sum(rules.currency, lines.iter().map(|l| l.net)).map_err(money_err)?;
    let pieces = parcels.iter().try_fold(0_u64, |a, p| a.checked_add(p.units)).ok_or(Overflow).map_err(overflow)?;
    let all_ship_free = parcels.iter().flat_map(|p| &p.items).all(|it| it.ships_free);
    let cart = Cart { parcels: &parcels, subtotal, pieces, all_ship_free };
    let now = req.now.utc();
    let tier = req.customer.tier.as_deref();
    for method in &zone.methods {
        match option(rules, s, limits, zone, method, &cart, now, lang)? {
            Ok(mut o) => {
                let (discount, rule) = best_discount(rules, s, zone, &o, &cart, tier, applied).map_err(money_err)?;
                o.discount = discount;
                o.discount_rule = rule;
                o.total = o.price.checked_sub(discount).map_err(money_err)?;
                answer.options.push(o);
            }
            Err(u) => answer.unavailable.push(u),
        }
    }
    crate::sort::sort_by(&mut answer.options, |a, b| {
        (a.total.amount(), a.price.amount(), &a.delivery.latest, &a.delivery.earliest, &a.method_id).cmp(&(
            b.total.amount(),
            b.price.amount(),
            &b.delivery.latest,
            &b.delivery.earliest,
            &b.method_id,
        ))
    });
    let fastest = answer
        .options
        .iter()
        .enumerate()
        .min_by(|(i, a), (j, b)| {
            (&a.delivery.latest, &a.delivery.earliest).cmp(&(&b.delivery.latest, &b.delivery.earliest)).then(i.cmp(j))
        })
        .map(|(i, _)| i);
    if let Some(o) = fastest.and_then(|i| answer.options.get_mut(i)) {
        o.fastest = true;
    }
    let chosen = match &req.shipping_method {
        Some(id) => match answer.options.iter().position(|o| &o.method_id == id) {
            Some(i) => Some(i),
            None => {
                let why = match answer.unavailable.iter().find(|u| &u.method_id == id) {
                    Some(u) => format!("shipping method `{id}` cannot take this cart: {}", u.message),
                    None => format!("zone `{}` offers no shipping method `{id}`", zone.id),
                };
                return Err(Error::request(ErrorCode::UnknownReference, "shipping_method", why));
            }
        },
        None => (!answer.options.is_empty()).then_some(0),
    };
    if let Some(o) = chosen.and_then(|i| answer.options.get_mut(i)) {
        o.chosen = true;
        answer.chosen_method = Some(o.method_id.clone());
    }
    let mut line_shares = none();
    if let Some(o) = answer.options.iter().find(|o| o.chosen) {
        answer.hints = hints(rules, s, zone, o, &cart, tier, lang).map_err(money_err)?;
        line_shares = lines::allocate(s.allocate_by, &parcels, o, lines.len()).map_err(|_| {
            Error::request(ErrorCode::ArithmeticOverflow, "lines", "shipping cannot be spread over the lines")
        })?;
    }
    Ok((answer, line_shares))
}

/// What the shipping stages know of the cart.
struct Cart<'a> {
    parcels: &'a [Parcel<'a>],
    /// The order subtotal after item and order discounts.
    subtotal: Money,
    /// Units in the cart's parcels.
    pieces: u64,
    /// Every line ships free (`ships_free`): the whole price is taken off.
    all_ship_free: bool,
}

/// Checks a method's order-value, piece and size conditions (weight comes after pricing).
fn unmet_before_pricing(
    method: &CompiledMethod,
    carrier: &CompiledCarrier,
    cart: &Cart<'_>,
) -> Result<Option<(ShippingReason, ShippingReasonParams)>, Error> {
    let c = &method.conditions;
    let value = cart.subtotal;
    if let Some(min) = c.min_order_value.filter(|m| value.amount() < m.amount()) {
        let params =
            ShippingReasonParams { order_value: Some(value), min_order_value: Some(min), ..Default::default() };
        return Ok(Some((ShippingReason::OrderValueBelowMinimum, params)));
    }
    if let Some(max) = c.max_order_value.filter(|m| value.amount() > m.amount()) {
        let params =
            ShippingReasonParams { order_value: Some(value), max_order_value: Some(max), ..Default::default() };
        return Ok(Some((ShippingReason::OrderValueAboveMaximum, params)));
    }
    if let Some(min) = c.min_pieces.filter(|m| cart.pieces < *m) {
        let params = ShippingReasonParams { pieces: Some(cart.pieces), min_pieces: Some(min), ..Default::default() };
        return Ok(Some((ShippingReason::PiecesBelowMinimum, params)));
    }
    if let Some(max) = c.max_pieces.filter(|m| cart.pieces > *m) {
        let params = ShippingReasonParams { pieces: Some(cart.pieces), max_pieces: Some(max), ..Default::default() };
        return Ok(Some((ShippingReason::PiecesAboveMaximum, params)));
    }
    if let Some((max_cm, written)) = &c.max_dimensions {
        for item in cart.parcels.iter().flat_map(|p| &p.items) {
            let Some(mut sides) = item.sides_cm else { continue };
            crate::sort::sort_by(&mut sides, |a, b| b.cmp(a));
            if sides.iter().zip(max_cm).all(|(s, m)| s <= m) {
                continue;
            }
            let per = carrier.units.cm_per_unit();
            let shown = sides
                .iter()
                .map(|s| {
                    let v = s.checked_div(per).ok_or(Overflow).map_err(overflow)?;
                    Ok(crate::money::DecimalString(crate::money::RoundingMode::Up.round(v, 4).normalize()))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let params = ShippingReasonParams {
                line_id: Some(item.line_id.to_string()),
                dimensions: Some(shown),
                max_dimensions: Some(written.to_vec()),
                length_unit: Some(carrier.units.length_unit()),
                ..Default::default()
            };
            return Ok(Some((ShippingReason::TooLarge, params)));
        }
    }
    Ok(None)
}

/// Checks a method's order weight range against the parcels' billable weight (grams).
fn unmet_weight(
    method: &CompiledMethod,
    carrier: &CompiledCarrier,
    billable_g: Decimal,
) -> Result<Option<(ShippingReason, ShippingReasonParams)>, Overflow> {
    let c = &method.conditions;
    let params = |min: Option<crate::money::DecimalString>, max: Option<crate::money::DecimalString>| {
        Ok::<_, Overflow>(ShippingReasonParams {
            weight: Some(rate::in_unit(billable_g, carrier)?),
            min_weight: min,
            max_weight: max,
            weight_unit: Some(carrier.units.weight_unit()),
            ..Default::default()
        })
    };
    if let Some((min_g, written)) = &c.min_weight {
        if billable_g < *min_g {
            return Ok(Some((ShippingReason::WeightBelowMinimum, params(Some(*written), None)?)));
        }
    }
    if let Some((max_g, written)) = &c.max_weight {
        if billable_g > *max_g {
            return Ok(Some((ShippingReason::WeightAboveMaximum, params(None, Some(*written))?)));
        }
    }
    Ok(None)
}

/// Prices one method for every parcel and dates it, or says why it cannot.
#[allow(clippy::too_many_arguments)]
fn option(
    rules: &CompiledRules,
    s: &CompiledShipping,
    limits: &Limits,
    zone: &CompiledZone,
    method: &CompiledMethod,
    cart: &Cart<'_>,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Result<ShippingOption, UnavailableMethod>, Error> {
    let Some(carrier) = s.carriers.get(method.carrier) else {
        return Err(Error::request(ErrorCode::Internal, "", "a method names a carrier that does not exist"));
    };
    let refuse = |reason: ShippingReason, params: ShippingReasonParams| UnavailableMethod {
        method_id: method.id.clone(),
        name: method.name.clone(),
        carrier: carrier.id.clone(),
        service: method.service,
        reason,
        message: messages::shipping_reason_text(reason, &params, lang),
        params,
    };
    if let Some((reason, params)) = unmet_before_pricing(method, carrier, cart)? {
        return Ok(Err(refuse(reason, params)));
    }
    let parcels = cart.parcels;
    let mut billable_g = Decimal::ZERO;
    let tz = rules.time_zone;
    let mut quotes = Vec::with_capacity(parcels.len());
    let mut window: Option<delivery::Window> = None;
    for parcel in parcels {
        match rate::price_parcel(parcel, method, carrier, zone.remote, rules.currency, rules.rounding.mode)
            .map_err(overflow)?
        {
            Priced::Parcel(q, w) => {
                billable_g = billable_g.checked_add(w.billable_g).ok_or(Overflow).map_err(overflow)?;
                quotes.push(q)
            }
            Priced::Refused(reason, params) => return Ok(Err(refuse(reason, params))),
        }
        let Some(warehouse) = s.warehouses.get(parcel.warehouse) else { continue };
        let w = delivery::window(tz, now, warehouse, method, carrier).map_err(no_open_day)?;
        window = Some(match window {
            None => w,
            Some(acc) => delivery::Window {
                dispatch: acc.dispatch.max(w.dispatch),
                ships_today: acc.ships_today && w.ships_today,
                earliest: acc.earliest.max(w.earliest),
                latest: acc.latest.max(w.latest),
                order_within_minutes: match (acc.order_within_minutes, w.order_within_minutes) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    _ => None,
                },
            },
        });
    }
    let Some(mut w) = window else {
        return Err(Error::request(ErrorCode::Internal, "", "a parcel has no warehouse"));
    };
    if let Some((reason, params)) = unmet_weight(method, carrier, billable_g).map_err(overflow)? {
        return Ok(Err(refuse(reason, params)));
    }
    if !w.ships_today {
        w.order_within_minutes = None;
    }
    let mut slots = Vec::new();
    if !method.slots.is_empty() {
        slots = delivery::slots(tz, now, method, carrier, w.earliest, w.latest, limits.max_slots);
        match slots.first().and_then(|s| crate::time::parse_date(&s.date)) {
            Some(first) => w.earliest = first,
            None => return Ok(Err(refuse(ShippingReason::NoSlotAvailable, ShippingReasonParams::default()))),
        }
    }
    let order_fees: Vec<RateStep> = method
        .surcharges
        .iter()
        .filter_map(|s| match s {
            Surcharge::Handling { amount, per: FeePer::Order } => {
                Some(rate::step(RateStepCode::HandlingFee, Money::new(amount.value(), rules.currency)))
            }
            _ => None,
        })
        .collect();
    let price =
        Money::checked_sum(rules.currency, quotes.iter().map(|q| q.price).chain(order_fees.iter().map(|f| f.amount)))
            .map_err(money_err)?;
    let chargeable =
        quotes.iter().try_fold(0_u64, |a, q| a.checked_add(q.chargeable_weight_g)).ok_or(Overflow).map_err(overflow)?;
    let date = |d: chrono::NaiveDate| d.to_string();
    Ok(Ok(ShippingOption {
        method_id: method.id.clone(),
        name: method.name.clone(),
        carrier: carrier.id.clone(),
        service: method.service,
        price,
        discount: Money::zero(rules.currency),
        discount_rule: None,
        total: price,
        chargeable_weight_g: chargeable,
        parcels: quotes,
        order_fees,
        delivery: DeliveryEstimate {
            dispatch_date: date(w.dispatch),
            ships_today: w.ships_today,
            earliest: date(w.earliest),
            latest: date(w.latest),
            order_within_minutes: w.order_within_minutes,
            message: w.order_within_minutes.map(|m| messages::ship_today_text(m, lang)),
        },
        slots,
        fastest: false,
        chosen: false,
    }))
}

/// Whether a free-shipping rule covers a method of a zone for a customer tier
/// (its spend threshold aside).
fn covers(r: &CompiledFreeShipping, zone: &CompiledZone, method_id: &str, tier: Option<&str>) -> bool {
    covers_in(r, &zone.id, zone.remote, method_id, tier)
}

/// [`covers`] with the zone given by id and remoteness.
fn covers_in(r: &CompiledFreeShipping, zone_id: &str, remote: bool, method_id: &str, tier: Option<&str>) -> bool {
    (r.zones.is_empty() || r.zones.iter().any(|z| z == zone_id))
        && (r.methods.is_empty() || r.methods.iter().any(|m| m == method_id))
        && !(r.exclude_remote && remote)
        && (r.customer_tiers.is_empty() || tier.is_some_and(|t| r.customer_tiers.iter().any(|x| x == t)))
}

/// The largest shipping discount for an option, and the rule that gives it.
/// Ties go to free-shipping rules in rule-set order, then to the tier benefit, then to promotions in run order.
fn best_discount(
    rules: &CompiledRules,
    s: &CompiledShipping,
    zone: &CompiledZone,
    o: &ShippingOption,
    cart: &Cart<'_>,
    tier: Option<&str>,
    applied: &[AppliedPromotion],
) -> Result<(Money, Option<String>), MoneyError> {
    let mut best = (Money::zero(rules.currency), None);
    // Every product ships free: the whole price, before any rule (it cannot be beaten).
    if cart.all_ship_free && !o.price.is_zero() {
        best = (o.price, Some(SHIPS_FREE_RULE.to_string()));
    }
    for r in &s.free_shipping {
        let met = thresholds(r, cart.subtotal, cart.pieces)?.met;
        if met && covers(r, zone, &o.method_id, tier) {
            let d = rate::share(o.price, r.fraction, rules.rounding.mode)?;
            if d.checked_cmp(best.0)? == Ordering::Greater {
                best = (d, Some(format!("free_shipping:{}", r.id)));
            }
        }
    }
    // Membership tier benefits: free shipping, or a percentage off it.
    let benefits = tier.and_then(|t| rules.membership.as_ref()?.tier(t)).map(|t| (&t.id, &t.benefits));
    if let Some((id, b)) = benefits {
        let fraction = if b.free_shipping {
            Some(rust_decimal::Decimal::ONE)
        } else {
            b.shipping_discount_percent.and_then(|p| p.fraction())
        };
        if let Some(f) = fraction {
            let d = rate::share(o.price, f, rules.rounding.mode)?;
            if d.checked_cmp(best.0)? == Ordering::Greater {
                best = (d, Some(format!("tier:{id}")));
            }
        }
    }
    // An order discount over items and shipping: what the items left, as
    // large a shipping discount as the option's price allows.
    for a in applied {
        let Some(rest) = a.shipping_rest else { continue };
        let d = if rest.checked_cmp(o.price)? == Ordering::Greater { o.price } else { rest };
        if d.checked_cmp(best.0)? == Ordering::Greater {
            best = (d, Some(format!("promotion:{}", a.id)));
        }
    }
    for a in applied {
        let Some(g) = &a.free_shipping else { continue };
        let covered = (g.methods.is_empty() || g.methods.contains(&o.method_id)) && !(g.exclude_remote && zone.remote);
        // A fixed amount off takes at most the price: the shipping never goes below zero.
        let d = match g.amount_off {
            Some(off) => off.min(o.price)?,
            None => o.price,
        };
        if covered && d.checked_cmp(best.0)? == Ordering::Greater {
            best = (d, Some(format!("promotion:{}", a.id)));
        }
    }
    Ok(best)
}

/// "Add 12.00 more for free shipping": thresholds not yet met that would
/// take more off the chosen option than it gets now.
fn hints(
    rules: &CompiledRules,
    s: &CompiledShipping,
    zone: &CompiledZone,
    o: &ShippingOption,
    cart: &Cart<'_>,
    tier: Option<&str>,
    lang: Lang,
) -> Result<Vec<Hint>, MoneyError> {
    let mut out = Vec::new();
    for r in &s.free_shipping {
        let t = thresholds(r, cart.subtotal, cart.pieces)?;
        if t.met || (r.min_subtotal.is_none() && r.min_pieces.is_none()) || !covers(r, zone, &o.method_id, tier) {
            continue;
        }
        // An amount shortfall past `hint_within` is not hinted; with `all`
        // that leaves nothing to reach, with `any` the pieces may remain.
        let mut amount = t.amount_short;
        if let (Some(short), Some(within)) = (amount, r.hint_within) {
            if short.checked_cmp(within)? == Ordering::Greater {
                if r.combine == ThresholdCombine::All {
                    continue;
                }
                amount = None;
            }
        }
        if amount.is_none() && t.pieces_short.is_none() {
            continue;
        }
        let gain = rate::share(o.price, r.fraction, rules.rounding.mode)?;
        if gain.checked_cmp(o.discount)? != Ordering::Greater {
            continue;
        }
        let full = r.fraction >= rust_decimal::Decimal::ONE;
        let mut h = Hint {
            code: HintCode::FreeShipping,
            promotion_id: r.id.clone(),
            amount_needed: amount,
            quantity_needed: t.pieces_short.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            discount: Some(gain),
            percent: (!full).then_some(r.percent_off),
            message: String::new(),
        };
        h.message = match (h.amount_needed, h.quantity_needed) {
            (Some(a), Some(q)) => {
                messages::free_shipping_both_text(a, q, r.combine == ThresholdCombine::Any, h.percent, lang)
            }
            _ => messages::hint_text(&h, lang),
        };
        out.push(h);
    }
    crate::sort::sort_by(&mut out, |a, b| {
        (a.amount_needed.map(|m| m.amount()), a.quantity_needed, &a.promotion_id).cmp(&(
            b.amount_needed.map(|m| m.amount()),
            b.quantity_needed,
            &b.promotion_id,
        ))
    });
    out.truncate(MAX_SHIPPING_HINTS);
    Ok(out)
}

/// Where a cart stands against a free-shipping rule's thresholds.
struct Thresholds {
    met: bool,
    /// How much more to spend, when `min_subtotal` is not reached.
    amount_short: Option<Money>,
    /// How many more units, when `min_pieces` is not reached.
    pieces_short: Option<u64>,
}

/// Checks `min_subtotal` and `min_pieces` (each met by `>=`) against a
/// cart's `subtotal` and `pieces`, combined as the rule says.
fn thresholds(r: &CompiledFreeShipping, subtotal: Money, pieces: u64) -> Result<Thresholds, MoneyError> {
    let amount_short = match r.min_subtotal {
        Some(min) if subtotal.checked_cmp(min)? == Ordering::Less => Some(min.checked_sub(subtotal)?),
        _ => None,
    };
    let pieces_short = r.min_pieces.filter(|n| pieces < *n).map(|n| n - pieces);
    let amount_met = r.min_subtotal.map(|_| amount_short.is_none());
    let pieces_met = r.min_pieces.map(|_| pieces_short.is_none());
    let met = match (amount_met, pieces_met) {
        (None, None) => true,
        (Some(a), None) => a,
        (None, Some(p)) => p,
        (Some(a), Some(p)) => match r.combine {
            ThresholdCombine::All => a && p,
            ThresholdCombine::Any => a || p,
        },
    };
    Ok(Thresholds { met, amount_short, pieces_short })
}

/// What a return's kept items still earn of a shipping option (for a lost
/// shipping discount): the option's method, zone and price as the receipt
/// has them, and the kept items' subtotal and pieces.
pub(crate) struct KeptCart<'a> {
    pub(crate) zone_id: &'a str,
    pub(crate) remote: bool,
    pub(crate) method_id: &'a str,
    pub(crate) price: Money,
    pub(crate) subtotal: Money,
    pub(crate) pieces: u64,
    pub(crate) tier: Option<&'a str>,
}

/// Whether free-shipping rule `id` still holds on the kept cart (its
/// thresholds); `None` when the rule set has no such rule.
pub(crate) fn free_shipping_rule_holds(rules: &CompiledRules, id: &str, k: &KeptCart<'_>) -> Option<bool> {
    let r = rules.shipping.as_ref()?.free_shipping.iter().find(|r| r.id == id)?;
    thresholds(r, k.subtotal, k.pieces).ok().map(|t| t.met)
}

/// The largest discount the free-shipping rules and the tier benefit give
/// the kept cart on the receipt's option (promotions aside).
pub(crate) fn kept_rule_discount(rules: &CompiledRules, k: &KeptCart<'_>) -> Result<Money, MoneyError> {
    let mut best = Money::zero(rules.currency);
    if let Some(s) = &rules.shipping {
        for r in &s.free_shipping {
            if covers_in(r, k.zone_id, k.remote, k.method_id, k.tier) && thresholds(r, k.subtotal, k.pieces)?.met {
                best = best.max(rate::share(k.price, r.fraction, rules.rounding.mode)?)?;
            }
        }
    }
    let benefits = k.tier.and_then(|t| rules.membership.as_ref()?.tier(t)).map(|t| &t.benefits);
    if let Some(b) = benefits {
        let fraction =
            if b.free_shipping { Some(Decimal::ONE) } else { b.shipping_discount_percent.and_then(|p| p.fraction()) };
        if let Some(f) = fraction {
            best = best.max(rate::share(k.price, f, rules.rounding.mode)?)?;
        }
    }
    Ok(best)
}

/// Checks a line's shipping fields.
pub(crate) fn validate_line(
    rules: &CompiledRules,
    limits: &Limits,
    line: &CartLine,
    at: &JsonPath<'_>,
    p: &mut Problems,
) {
    if let Some(class) = &line.shipping_class {
        p.id(class, limits.max_id_bytes, &at.field("shipping_class"));
    }
    if line.weight.is_some() && line.weight_g.is_some() {
        p.add(ErrorCode::ConflictingFields, at, "give `weight_g` or `weight`, not both");
    }
    if let Some(w) = line.weight {
        if let Some(why) = measure_problem(w.value.value(), false) {
            p.add(ErrorCode::OutOfRange, &at.field("weight").field("value"), why);
        }
    }
    if line.package.is_some() && line.dimensions.is_some() {
        p.add(ErrorCode::ConflictingFields, at, "give `dimensions` or `package`, not both");
    }
    if let Some(pk) = line.package {
        let pp = at.field("package");
        for (field, v) in [("length", pk.length), ("width", pk.width), ("height", pk.height)] {
            if let Some(why) = measure_problem(v.value(), false) {
                p.add(ErrorCode::OutOfRange, &pp.field(field), why);
            }
        }
    }
    if let Some(t) = &line.shipping_template {
        let tp = at.field("shipping_template");
        p.id(t, limits.max_id_bytes, &tp);
        if let Some(s) = &rules.shipping {
            if !s.templates.contains(t) {
                p.add(ErrorCode::UnknownReference, &tp, format!("no method prices a shipping template `{t}`"));
            }
        }
    }
    if let Some(origin) = &line.origin {
        p.id(origin, limits.max_id_bytes, &at.field("origin"));
        if let Some(s) = &rules.shipping {
            if !s.warehouse_index.contains_key(origin) {
                p.add(ErrorCode::UnknownReference, &at.field("origin"), format!("no warehouse `{origin}` is defined"));
            }
        }
    }
}

/// Checks the destination and the chosen method's id.
pub(crate) fn validate_request(limits: &Limits, req: &QuoteRequest, p: &mut Problems) {
    let root = JsonPath::root();
    if let Some(id) = &req.shipping_method {
        p.id(id, limits.max_id_bytes, &root.field("shipping_method"));
    }
    let Some(d) = &req.destination else { return };
    let at = root.field("destination");
    if !is_country(&d.country) {
        p.add(
            ErrorCode::InvalidValue,
            &at.field("country"),
            format!("`{}` is not an ISO 3166-1 alpha-2 country code (upper case, e.g. CN, US)", d.country),
        );
        return;
    }
    for (field, v) in [("region", &d.region), ("city", &d.city)] {
        if let Some(v) = v {
            p.id(v, limits.max_id_bytes, &at.field(field));
        }
    }
    if let Some(postcode) = &d.postcode {
        let normalized = postcode.trim().to_uppercase();
        if let Some(format) = postcode_problem(&d.country, &normalized) {
            p.add(
                ErrorCode::InvalidValue,
                &at.field("postcode"),
                format!("`{postcode}` is not a {} postcode (expected {format}; 9 is a digit, A a letter)", d.country),
            );
        }
    }
}
