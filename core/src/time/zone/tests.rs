//! The compiled-in table against chrono-tz, the reference it is generated
//! from: the same names, and the same answers for every zone at every change
//! (both sides of it, UTC and local, gaps and overlaps included) and on a
//! grid of instants and local times from 1840 to 2110. Zones that share a
//! table (links) are checked at every change; the grid and the local times
//! once per table, to keep the test quick in debug builds.

use super::*;
use chrono::{DateTime, Datelike};
use chrono_tz::{Tz, TZ_VARIANTS};

/// Every change of a zone, oldest first: (instant, offset before, offset after).
fn changes(zone: Zone) -> Vec<(i64, i32, i32)> {
    let mut desc = Vec::new();
    let (offsets, initial) = zone.scan(-(1 << 40), 1 << 40, |t, i| desc.push((t, i))).unwrap();
    let mut before = offsets.get(initial).unwrap();
    desc.reverse();
    desc.into_iter()
        .map(|(t, i)| {
            let after = offsets.get(i).unwrap();
            let change = (t, before, after);
            before = after;
            change
        })
        .collect()
}

fn names() -> Vec<&'static str> {
    let mut r = Reader::new(DATA);
    (0..r.v().unwrap())
        .map(|_| {
            let len = usize::from(r.byte().unwrap());
            let name = std::str::from_utf8(r.take(len).unwrap()).unwrap();
            r.v().unwrap();
            name
        })
        .collect()
}

fn naive(t: i64) -> NaiveDateTime {
    DateTime::from_timestamp(t, 0).unwrap().naive_utc()
}

fn reference_utc(tz: Tz, t: i64) -> i32 {
    tz.offset_from_utc_datetime(&naive(t)).fix().local_minus_utc()
}

fn reference_local(tz: Tz, local: i64) -> LocalResult<(i64, i32)> {
    tz.from_local_datetime(&naive(local)).map(|t| (t.timestamp(), t.offset().fix().local_minus_utc()))
}

fn ours_local(zone: Zone, local: i64) -> LocalResult<(i64, i32)> {
    zone.from_local_datetime(&naive(local)).map(|t| (t.timestamp(), t.offset().fix().local_minus_utc()))
}

/// Instants from 1840 to 2110, every 37 days and 3,671 s (so at every time
/// of day and on every day of the week).
fn grid() -> impl Iterator<Item = i64> {
    (-4_100_000_000_i64..4_420_000_000).step_by(37 * 86_400 + 3_671)
}

/// Every zone with chrono-tz's, and whether it is the first of its table.
fn zones() -> Vec<(Zone, Tz, bool)> {
    let mut seen = Vec::new();
    TZ_VARIANTS
        .iter()
        .map(|&tz| {
            let zone = Zone::from_name(tz.name()).unwrap();
            let first = !seen.contains(&zone.table.as_ptr());
            seen.push(zone.table.as_ptr());
            (zone, tz, first)
        })
        .collect()
}

#[test]
fn every_iana_name_of_chrono_tz_and_no_other() {
    let mut reference: Vec<&str> = TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    reference.sort_unstable();
    assert_eq!(names(), reference);
    for name in reference {
        assert_eq!(Zone::from_name(name).unwrap().name(), name);
    }
    for name in ["", "asia/shanghai", "Asia/Shanghai ", "Mars/Olympus", "Asia", "Asia/", "UTC+8", "Asia/Shanghai\0"] {
        assert!(Zone::from_name(name).is_none(), "{name:?}");
        assert!(name.parse::<Tz>().is_err(), "{name:?}");
    }
}

#[test]
fn utc_offsets_match_chrono_tz_at_every_change_and_on_a_grid() {
    let mut probes = 0_usize;
    for (zone, tz, first) in zones() {
        let changes = changes(zone);
        let mut at = vec![i64::from(i32::MIN) * 4, -(1 << 40), 1 << 40, 4_102_444_800, 7_258_118_400];
        for (n, &(t, before, after)) in changes.iter().enumerate() {
            assert_ne!(before, after, "{}: a change to the same offset", tz.name());
            at.extend([t - 1, t, t + 1]);
            if let Some(&(later, _, _)) = changes.get(n + 8) {
                assert!(later - t > 4 * DAY, "{}: more changes in four days than the local lookup holds", tz.name());
            }
            if let Some(&(next, _, _)) = changes.get(n + 1) {
                assert!(next > t, "{}: changes out of order", tz.name());
                at.push(t + (next - t) / 2);
            }
        }
        if first {
            at.extend(grid());
        }
        for t in at {
            assert_eq!(zone.offset_at(t), reference_utc(tz, t), "{} at {t}", tz.name());
            probes += 1;
        }
    }
    assert!(probes > 500_000, "{probes}");
}

#[test]
fn local_times_match_chrono_tz_in_gaps_overlaps_and_on_a_grid() {
    let (mut gaps, mut overlaps) = (0_usize, 0_usize);
    for (zone, tz, _) in zones().into_iter().filter(|z| z.2) {
        let mut locals = Vec::new();
        for (t, before, after) in changes(zone) {
            let (a, b) = (t + i64::from(before), t + i64::from(after));
            let (low, high) = (a.min(b), a.max(b));
            locals.extend([low - 3_600, low - 1, low, low + 1, (low + high) / 2]);
            locals.extend([high - 1, high, high + 1, high + 3_600]);
        }
        locals.extend(grid());
        for local in locals {
            let ours = ours_local(zone, local);
            assert_eq!(ours, reference_local(tz, local), "{} at local {}", tz.name(), naive(local));
            match ours {
                LocalResult::None => gaps += 1,
                LocalResult::Ambiguous(..) => overlaps += 1,
                LocalResult::Single(_) => {}
            }
        }
    }
    assert!(gaps > 5_000 && overlaps > 5_000, "{gaps} gaps, {overlaps} overlaps");
}

#[test]
fn local_dates_and_the_merchant_api_match_chrono_tz() {
    let names =
        ["America/New_York", "America/Sao_Paulo", "Europe/Lisbon", "Pacific/Apia", "Asia/Gaza", "Africa/Casablanca"];
    for name in names {
        let (zone, tz) = (Zone::from_name(name).unwrap(), name.parse::<Tz>().unwrap());
        for t in grid() {
            let date = naive(t).date();
            #[allow(deprecated)]
            let (ours, reference) = (zone.offset_from_local_date(&date), tz.offset_from_local_date(&date));
            assert_eq!(ours.map(|o| o.fix()), reference.map(|o| o.fix()), "{name} on {date}");
            let utc = DateTime::from_timestamp(t, 0).unwrap();
            assert_eq!(utc.with_timezone(&zone).to_rfc3339(), utc.with_timezone(&tz).to_rfc3339());
            assert_eq!(utc.with_timezone(&zone).date_naive(), utc.with_timezone(&tz).date_naive());
            assert_eq!(zone.offset_from_utc_datetime(&naive(t)).fix(), tz.offset_from_utc_datetime(&naive(t)).fix());
        }
    }
}

#[test]
fn calendar_arithmetic_matches_chrono() {
    for days in (-800_000_i64..800_000).step_by(37) {
        let date = DateTime::from_timestamp(days * DAY, 0).unwrap().date_naive();
        assert_eq!(days_from_civil(i64::from(date.year()), date.month(), date.day()), days);
        assert_eq!(year_of(days * DAY), i64::from(date.year()));
        assert_eq!(year_of(days * DAY + DAY - 1), i64::from(date.year()));
        assert_eq!(weekday(days), i64::from(date.weekday().num_days_from_monday()));
        let length = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
            .unwrap()
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .signed_duration_since(NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap())
            .num_days();
        assert_eq!(i64::from(month_length(i64::from(date.year()), date.month())), length);
    }
}
