//! Delivery dates: cut-off, handling days, business calendars, transit days
//! and time slots, all in the merchant's local days.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::answer::DeliverySlot;
use crate::rules::{CompiledCalendar, CompiledCarrier, CompiledMethod, CompiledWarehouse, TransitUnit};
use crate::time::MerchantTimeZone;
use crate::Timestamp;

/// One parcel's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) dispatch: NaiveDate,
    pub(crate) ships_today: bool,
    pub(crate) earliest: NaiveDate,
    pub(crate) latest: NaiveDate,
    /// Minutes left before the cut-off, when the parcel ships today and a cut-off applies.
    pub(crate) order_within_minutes: Option<u32>,
}

/// A calendar search ran past its bound (cannot happen with a validated calendar).
#[derive(Debug)]
pub(crate) struct NoOpenDay;

/// The instant of local `minutes` after the start of `date`.
pub(crate) fn local_instant(tz: MerchantTimeZone, date: NaiveDate, minutes: u32) -> Option<DateTime<Utc>> {
    let midnight = date.and_hms_opt(0, 0, 0)?;
    tz.instant_of(midnight.checked_add_signed(Duration::minutes(i64::from(minutes)))?)
}

/// The first day on or after `from` on which `open` holds, searched within a
/// bound that a calendar with an open weekday and `holidays` holidays always meets.
fn first_on_or_after(
    from: NaiveDate,
    holidays: usize,
    open: impl Fn(NaiveDate) -> bool,
) -> Result<NaiveDate, NoOpenDay> {
    let bound = holidays.saturating_add(1).saturating_mul(7).saturating_add(7);
    let mut d = from;
    for _ in 0..bound {
        if open(d) {
            return Ok(d);
        }
        d = d.succ_opt().ok_or(NoOpenDay)?;
    }
    Err(NoOpenDay)
}

/// The `n`th day on which `open` holds after the first such day on or after
/// `from` (that first day itself when `n` is 0).
fn advance(
    from: NaiveDate,
    n: u32,
    holidays: usize,
    open: impl Fn(NaiveDate) -> bool + Copy,
) -> Result<NaiveDate, NoOpenDay> {
    let mut d = first_on_or_after(from, holidays, open)?;
    for _ in 0..n {
        d = first_on_or_after(d.succ_opt().ok_or(NoOpenDay)?, holidays, open)?;
    }
    Ok(d)
}

/// Whether the carrier delivers on `date`.
fn delivers(carrier: &CompiledCarrier, date: NaiveDate) -> bool {
    let c: &CompiledCalendar = &carrier.calendar;
    !c.holiday(date) && (carrier.delivers_weekends || !c.closed_weekday(date))
}

/// The delivery window of a parcel from `warehouse` sent with `method` by `carrier`.
pub(crate) fn window(
    tz: MerchantTimeZone,
    now: DateTime<Utc>,
    warehouse: &CompiledWarehouse,
    method: &CompiledMethod,
    carrier: &CompiledCarrier,
) -> Result<Window, NoOpenDay> {
    let today = tz.local_date(now);
    let wh = &warehouse.calendar;
    let wh_open = |d: NaiveDate| wh.open(d);
    let cutoff = method.cutoff.or(warehouse.cutoff);
    let cutoff_at = match cutoff {
        Some(m) => Some(local_instant(tz, today, m).ok_or(NoOpenDay)?),
        None => None,
    };
    let counts_today = wh.open(today) && cutoff_at.is_none_or(|c| now < c);
    let day0 = if counts_today {
        today
    } else {
        first_on_or_after(today.succ_opt().ok_or(NoOpenDay)?, wh.holiday_count(), wh_open)?
    };
    let dispatch = advance(day0, warehouse.handling_days, wh.holiday_count(), wh_open)?;
    let ships_today = dispatch == today;
    let order_within_minutes = match cutoff_at {
        Some(c) if ships_today => {
            let seconds = c.signed_duration_since(now).num_seconds();
            u32::try_from(seconds.saturating_add(59) / 60).ok()
        }
        _ => None,
    };
    let holidays = carrier.calendar.holiday_count();
    let carrier_days = |d: NaiveDate| delivers(carrier, d);
    let after = |n: u32| -> Result<NaiveDate, NoOpenDay> {
        let target = match method.transit_unit {
            TransitUnit::Days => return advance(dispatch, n, holidays, carrier_days),
            TransitUnit::Weeks => dispatch.checked_add_days(chrono::Days::new(u64::from(n).saturating_mul(7))),
            TransitUnit::Months => dispatch.checked_add_months(chrono::Months::new(n)),
        };
        first_on_or_after(target.ok_or(NoOpenDay)?, holidays, carrier_days)
    };
    let earliest = after(method.transit_min)?;
    let latest = after(method.transit_max)?;
    Ok(Window { dispatch, ships_today, earliest, latest, order_within_minutes })
}

/// The slots of `method` still open on the carrier's delivery days from
/// `earliest` to `latest`, at most `max` of them.
pub(crate) fn slots(
    tz: MerchantTimeZone,
    now: DateTime<Utc>,
    method: &CompiledMethod,
    carrier: &CompiledCarrier,
    earliest: NaiveDate,
    latest: NaiveDate,
    max: usize,
) -> Vec<DeliverySlot> {
    let mut out = Vec::new();
    let Some(ready) = now.checked_add_signed(Duration::minutes(i64::from(method.slot_lead_minutes))) else {
        return out;
    };
    let mut date = earliest;
    while date <= latest && out.len() < max {
        if delivers(carrier, date) {
            for &(from, until) in &method.slots {
                let (Some(start), Some(end)) = (local_instant(tz, date, from), local_instant(tz, date, until)) else {
                    continue;
                };
                if start >= ready && out.len() < max {
                    out.push(DeliverySlot {
                        date: date.to_string(),
                        starts_at: Timestamp(start.with_timezone(&tz.0).fixed_offset()),
                        ends_at: Timestamp(end.with_timezone(&tz.0).fixed_offset()),
                    });
                }
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;
    use crate::rules::{Calendar, CarrierUnits, CombineTemplates, CompiledRate, ServiceLevel, Weekday};

    fn calendar(closed: &[Weekday], holidays: &[&str]) -> CompiledCalendar {
        let c =
            Calendar { closed_weekdays: closed.to_vec(), holidays: holidays.iter().map(|h| h.to_string()).collect() };
        CompiledCalendar::new(&c)
    }

    fn method(min: u32, max: u32, cutoff: Option<u32>) -> CompiledMethod {
        CompiledMethod {
            id: "m".into(),
            name: None,
            carrier: 0,
            service: ServiceLevel::Standard,
            rate: CompiledRate::Flat { price: Amount::default() },
            template_rates: vec![],
            combine: CombineTemplates::Sum,
            conditions: Default::default(),
            surcharges: vec![],
            excluded_classes: vec![],
            max_weight_g: None,
            transit_min: min,
            transit_max: max,
            transit_unit: Default::default(),
            cutoff,
            slots: vec![],
            slot_lead_minutes: 0,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse::<Timestamp>().unwrap().utc()
    }

    #[test]
    fn cutoff_weekend_and_holiday() {
        let tz: MerchantTimeZone = "Asia/Shanghai".parse().unwrap();
        let wh = CompiledWarehouse {
            id: "w".into(),
            calendar: calendar(&[Weekday::Sat, Weekday::Sun], &["2026-10-01"]),
            cutoff: Some(16 * 60),
            handling_days: 0,
        };
        let carrier = CompiledCarrier {
            id: "c".into(),
            divisor: None,
            calendar: calendar(&[Weekday::Sun], &["2026-10-01", "2026-10-02"]),
            delivers_weekends: false,
            units: CarrierUnits::Metric,
            side_rounding: None,
            increment_g: None,
            shows_billable: false,
        };
        let m = method(1, 2, None);
        // Tuesday 29 Sept 13:45: ships today, 2 h 15 min left.
        let w = window(tz, at("2026-09-29T13:45:00+08:00"), &wh, &m, &carrier).unwrap();
        assert_eq!(
            (w.dispatch.to_string(), w.ships_today, w.order_within_minutes),
            ("2026-09-29".into(), true, Some(135))
        );
        assert_eq!((w.earliest.to_string(), w.latest.to_string()), ("2026-09-30".into(), "2026-10-03".into()));
        // Wednesday 30 Sept 16:00 is past the cut-off; 1 Oct is a holiday, so Friday 2 Oct ships.
        let w = window(tz, at("2026-09-30T16:00:00+08:00"), &wh, &m, &carrier).unwrap();
        assert_eq!((w.dispatch.to_string(), w.ships_today, w.order_within_minutes), ("2026-10-02".into(), false, None));
        // The carrier rests on 2 Oct (its holiday): it picks up on Sat 3; one day later is Mon 5 (Sun
        // closed), two days Tue 6.
        assert_eq!((w.earliest.to_string(), w.latest.to_string()), ("2026-10-05".into(), "2026-10-06".into()));
    }
}
