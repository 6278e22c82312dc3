//! Local-day arithmetic in the merchant's zone: months later, days later,
//! and the expiry policies.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use crate::rules::ExpiryPolicy;
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
/// `Some(Err(()))` is never returned: a date out of chrono's range means
/// never, which only a date thousands of years away can cause.
pub(crate) fn expiry_of(policy: ExpiryPolicy, earned: DateTime<Utc>, tz: MerchantTimeZone) -> Option<DateTime<Utc>> {
    let day = tz.local_date(earned);
    let last_day_after = match policy {
        ExpiryPolicy::Never => return None,
        ExpiryPolicy::MonthsAfterEarning { months } => return tz.start_of_day(add_months(day, u64::from(months))?),
        ExpiryPolicy::EndOfYearAfterEarning => NaiveDate::from_ymd_opt(day.year().checked_add(2)?, 1, 1)?,
        ExpiryPolicy::FixedDate { date } => add_days(date.0, 1)?,
    };
    tz.start_of_day(last_day_after)
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
        let m = expiry_of(ExpiryPolicy::MonthsAfterEarning { months: 1 }, earned, tz).unwrap();
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
}
