//! Local-day arithmetic in the merchant's zone: months later, days later,
//! and the expiry policies.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use crate::rules::{ExpiryPolicy, LastDay, Period};
use crate::time::MerchantTimeZone;
use crate::Timestamp;

/// `date` plus `months` calendar months (the 31st becomes the month's last day).
pub(crate) fn add_months(date: NaiveDate, months: u64) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(u32::try_from(months).ok()?))
}

/// `date` plus `days` days.
pub(crate) fn add_days(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(days))
}

/// The instant written with the merchant's offset at that instant.
pub(crate) fn local_timestamp(t: DateTime<Utc>, tz: MerchantTimeZone) -> Timestamp {
    Timestamp(t.with_timezone(&tz.0).fixed_offset())
}

/// When a lot earned at `earned` expires under `policy` (exclusive); `None`: never.
///
/// A date out of chrono's range also means never, which only a date
/// thousands of years away can cause (the periods are bounded at load).
pub(crate) fn expiry_of(policy: ExpiryPolicy, earned: DateTime<Utc>, tz: MerchantTimeZone) -> Option<DateTime<Utc>> {
    let day = tz.local_date(earned);
    let (last, last_day) = match policy {
        ExpiryPolicy::Never => return None,
        ExpiryPolicy::DaysAfterEarning { days, last_day } => (add_days(day, u64::from(days))?, last_day),
        ExpiryPolicy::MonthsAfterEarning { months, last_day } => (add_months(day, u64::from(months))?, last_day),
        ExpiryPolicy::EndOfPeriod { period, plus, last_day } => (end_of_period(day, period, plus)?, last_day),
        ExpiryPolicy::EndOfYearAfterEarning => (end_of_period(day, Period::Year, 1)?, LastDay::UsableThrough),
        ExpiryPolicy::FixedDate { date } => (date.0, LastDay::UsableThrough),
    };
    match last_day {
        LastDay::ExpiresAtStart => tz.start_of_day(last),
        LastDay::UsableThrough => tz.start_of_day(add_days(last, 1)?),
    }
}

/// The last day of the `period` that holds `day`, `plus` periods later.
fn end_of_period(day: NaiveDate, period: Period, plus: u32) -> Option<NaiveDate> {
    let months = period.months();
    let month0 = day.month0().checked_div(months)?.checked_mul(months)?;
    let first = NaiveDate::from_ymd_opt(day.year(), month0.checked_add(1)?, 1)?;
    let after = add_months(first, u64::from(months.checked_mul(plus.checked_add(1)?)?))?;
    after.pred_opt()
}

/// The start of the local day `days` days after `now`'s local day, plus one:
/// the end of a window of `days` days that includes today.
pub(crate) fn end_of_day_after(now: DateTime<Utc>, days: u64, tz: MerchantTimeZone) -> Option<DateTime<Utc>> {
    tz.start_of_day(add_days(tz.local_date(now), days.checked_add(1)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::LocalDate;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse::<Timestamp>().unwrap().utc()
    }

    #[test]
    fn policies_fall_on_local_day_boundaries() {
        let tz: MerchantTimeZone = "Asia/Shanghai".parse().unwrap();
        // 23:30 on 31 January in Shanghai is 15:30 UTC.
        let earned = at("2026-01-31T15:30:00Z");
        let m =
            expiry_of(ExpiryPolicy::MonthsAfterEarning { months: 1, last_day: LastDay::ExpiresAtStart }, earned, tz)
                .unwrap();
        assert_eq!(local_timestamp(m, tz).to_string(), "2026-02-28T00:00:00+08:00");
        let y = expiry_of(ExpiryPolicy::EndOfYearAfterEarning, earned, tz).unwrap();
        assert_eq!(local_timestamp(y, tz).to_string(), "2028-01-01T00:00:00+08:00");
        let date = LocalDate("2026-12-31".parse().unwrap());
        let f = expiry_of(ExpiryPolicy::FixedDate { date }, earned, tz).unwrap();
        assert_eq!(local_timestamp(f, tz).to_string(), "2027-01-01T00:00:00+08:00");
        assert_eq!(expiry_of(ExpiryPolicy::Never, earned, tz), None);
        let p = end_of_day_after(earned, 7, tz).unwrap();
        assert_eq!(local_timestamp(p, tz).to_string(), "2026-02-08T00:00:00+08:00");
    }

    #[test]
    fn last_day_and_periods() {
        let tz: MerchantTimeZone = "Asia/Shanghai".parse().unwrap();
        // 10:00 on 14 August 2026 in Shanghai.
        let earned = at("2026-08-14T02:00:00Z");
        let show = |policy| local_timestamp(expiry_of(policy, earned, tz).unwrap(), tz).to_string();
        let through = LastDay::UsableThrough;
        let start = LastDay::ExpiresAtStart;
        assert_eq!(show(ExpiryPolicy::DaysAfterEarning { days: 0, last_day: through }), "2026-08-15T00:00:00+08:00");
        assert_eq!(show(ExpiryPolicy::DaysAfterEarning { days: 30, last_day: start }), "2026-09-13T00:00:00+08:00");
        assert_eq!(show(ExpiryPolicy::DaysAfterEarning { days: 30, last_day: through }), "2026-09-14T00:00:00+08:00");
        assert_eq!(
            show(ExpiryPolicy::MonthsAfterEarning { months: 6, last_day: through }),
            "2027-02-15T00:00:00+08:00"
        );
        let period = |period, plus, last_day| ExpiryPolicy::EndOfPeriod { period, plus, last_day };
        assert_eq!(show(period(Period::Month, 0, through)), "2026-09-01T00:00:00+08:00");
        assert_eq!(show(period(Period::Month, 0, start)), "2026-08-31T00:00:00+08:00");
        assert_eq!(show(period(Period::Quarter, 0, through)), "2026-10-01T00:00:00+08:00");
        assert_eq!(show(period(Period::Quarter, 2, through)), "2027-04-01T00:00:00+08:00");
        assert_eq!(show(period(Period::Year, 1, through)), show(ExpiryPolicy::EndOfYearAfterEarning));
        assert_eq!(show(period(Period::Year, 0, start)), "2026-12-31T00:00:00+08:00");
    }
}
