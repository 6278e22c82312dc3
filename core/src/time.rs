//! Instants, the merchant's time zone and local-day boundaries.
//!
//! The core never reads a clock: `now` always comes in with the request.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

mod zone;

pub use zone::{Zone, ZoneOffset};

/// The year before which every `now` (and every instant an answer's dates
/// are computed from) must fall. Answers name dates up to about 200 years
/// after `now` (tier validity and qualification windows of up to 1,200
/// months each, return windows, point expiry), and RFC 3339 ends at
/// 9999-12-31: with `now` before 9000-01-01 no answer names a later date.
pub const LATEST_NOW_YEAR: i32 = 9000;

/// Whether `t` is on or after 9000-01-01T00:00:00Z ([`LATEST_NOW_YEAR`]).
pub(crate) fn too_late(t: Timestamp) -> bool {
    use chrono::Datelike;
    t.utc().year() >= LATEST_NOW_YEAR
}

/// Refuses an instant on or after 9000-01-01T00:00:00Z with `out_of_range`
/// at `path`, so that no answer names a date past 9999-12-31.
///
/// ```
/// use commerce_rules::{Engine, ErrorCode};
/// let engine = Engine::from_json(r#"{"schema_version":1,"currency":"CNY","time_zone":"Asia/Shanghai","tax":{"prices_include_tax":true,"default_class":"std","classes":[{"id":"std","rate_percent":"13"}]}}"#).unwrap();
/// let e = engine.quote_json(r#"{"now":"9999-12-31T20:00:00+08:00","lines":[]}"#).unwrap_err();
/// assert_eq!((e.code(), e.path()), (ErrorCode::OutOfRange, "now"));
/// ```
pub(crate) fn check_now(t: Timestamp, path: &str) -> Result<(), crate::Error> {
    if too_late(t) {
        return Err(crate::Error::request(
            crate::ErrorCode::OutOfRange,
            path,
            format!(
                "must be before {LATEST_NOW_YEAR}-01-01T00:00:00Z: answers name dates up to 200 years later, and RFC 3339 ends at 9999-12-31"
            ),
        ));
    }
    Ok(())
}

/// An instant written as RFC 3339 with an offset (`2026-11-11T20:00:00+08:00`).
///
/// ```
/// use commerce_rules::Timestamp;
/// let t: Timestamp = "2026-11-11T20:00:00+08:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2026-11-11T20:00:00+08:00");
/// assert!("2026-11-11T20:00:00".parse::<Timestamp>().is_err(), "an offset is required");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// The instant in UTC.
    pub fn utc(self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }
}

impl FromStr for Timestamp {
    type Err = chrono::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse_from_rfc3339(s).map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(|e| de::Error::custom(format!("expected RFC 3339 with an offset: {e}")))
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Timestamp")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An instant in RFC 3339 with an offset, e.g. \"2026-11-11T20:00:00+08:00\"."
        })
    }
}

/// The merchant's IANA time zone (`Asia/Shanghai`), in which day boundaries fall.
///
/// Every name of the IANA database is known, links included (the core's own
/// compact copy of it, see [`Zone`]); the same in every build.
///
/// ```
/// use commerce_rules::MerchantTimeZone;
/// let tz: MerchantTimeZone = "Asia/Shanghai".parse().unwrap();
/// assert_eq!(tz.name(), "Asia/Shanghai");
/// assert!("Mars/Olympus".parse::<MerchantTimeZone>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MerchantTimeZone(pub Zone);

impl MerchantTimeZone {
    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The merchant's local calendar day at `t`.
    pub fn local_date(self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.0).date_naive()
    }

    /// The instant a local wall-clock time occurs. An ambiguous time (clocks
    /// going back) resolves to its first occurrence; a skipped time (clocks
    /// going forward) to the first valid instant after the gap.
    pub fn instant_of(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let mut probe = local;
        // Gaps are at most a few hours; step forward in quarter hours.
        for _ in 0..=16 {
            match self.0.from_local_datetime(&probe) {
                LocalResult::Single(t) => return Some(t.with_timezone(&Utc)),
                LocalResult::Ambiguous(first, _) => return Some(first.with_timezone(&Utc)),
                LocalResult::None => probe = probe.checked_add_signed(Duration::minutes(15))?,
            }
        }
        None
    }

    /// The instant the merchant's local day `date` starts.
    pub fn start_of_day(self, date: NaiveDate) -> Option<DateTime<Utc>> {
        self.instant_of(date.and_hms_opt(0, 0, 0)?)
    }
}

impl FromStr for MerchantTimeZone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Zone::from_name(s).map(MerchantTimeZone).ok_or_else(|| format!("`{s}` is not an IANA time zone name"))
    }
}

impl Serialize for MerchantTimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for MerchantTimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl JsonSchema for MerchantTimeZone {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("MerchantTimeZone")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An IANA time zone name, e.g. \"Asia/Shanghai\"."
        })
    }
}

/// A bound of a time window: an instant with an offset, a local date-time
/// or a local date, the last two in the merchant's time zone.
///
/// As a start, a date means the start of that local day; as an end, it means
/// the end of that local day (the window includes the whole day).
///
/// ```
/// use commerce_rules::time::WindowBound;
/// for s in ["2026-11-11", "2026-11-11T20:00:00", "2026-11-11T20:00:00+08:00"] {
///     assert!(s.parse::<WindowBound>().is_ok(), "{s}");
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowBound {
    /// An absolute instant.
    Instant(DateTime<FixedOffset>),
    /// A wall-clock time in the merchant's zone.
    Local(NaiveDateTime),
    /// A whole local day in the merchant's zone.
    Date(NaiveDate),
}

impl WindowBound {
    /// The instant this bound starts a window at.
    pub fn as_start(self, tz: MerchantTimeZone) -> Option<DateTime<Utc>> {
        match self {
            WindowBound::Instant(t) => Some(t.with_timezone(&Utc)),
            WindowBound::Local(l) => tz.instant_of(l),
            WindowBound::Date(d) => tz.start_of_day(d),
        }
    }

    /// The instant this bound ends a window at (exclusive).
    pub fn as_end(self, tz: MerchantTimeZone) -> Option<DateTime<Utc>> {
        match self {
            WindowBound::Date(d) => tz.start_of_day(d.succ_opt()?),
            other => other.as_start(tz),
        }
    }
}

impl FromStr for WindowBound {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(WindowBound::Instant(t));
        }
        if let Some(l) = parse_local(s, true).or_else(|| parse_local(s, false)) {
            return Ok(WindowBound::Local(l));
        }
        parse_date(s).map(WindowBound::Date).ok_or_else(|| {
            format!("`{s}` is not a date (2026-11-11), local time (2026-11-11T20:00:00) or RFC 3339 instant")
        })
    }
}

impl fmt::Display for WindowBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowBound::Instant(t) => f.write_str(&t.to_rfc3339()),
            // Debug is `%Y-%m-%dT%H:%M:%S` for a time without fraction (as parsed).
            WindowBound::Local(l) => write!(f, "{l:?}"),
            WindowBound::Date(d) => write!(f, "{d}"),
        }
    }
}

impl Serialize for WindowBound {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WindowBound {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl JsonSchema for WindowBound {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("WindowBound")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A local date (\"2026-11-11\", the whole day), a local time (\"2026-11-11T20:00:00\") in the merchant's zone, or an RFC 3339 instant."
        })
    }
}

/// A local calendar date in the merchant's zone, written `2027-12-31`.
///
/// ```
/// use commerce_rules::time::LocalDate;
/// let d: LocalDate = serde_json::from_str("\"2027-12-31\"").unwrap();
/// assert_eq!(d.to_string(), "2027-12-31");
/// assert!(serde_json::from_str::<LocalDate>("\"2027-02-30\"").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalDate(pub NaiveDate);

impl FromStr for LocalDate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date(s).map(LocalDate).ok_or_else(|| format!("`{s}` is not a date (2027-12-31)"))
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for LocalDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl JsonSchema for LocalDate {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("LocalDate")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "description": "A local date in the merchant's zone, e.g. \"2027-12-31\"."
        })
    }
}

/// `NaiveDate::parse_from_str(s, "%Y-%m-%d")`: the same dates from the
/// same texts, without chrono's machinery for every format string (about
/// 30 KB of WebAssembly). Written `2026-11-11` by `NaiveDate`'s `Display`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let mut f = Fields(s);
    let date = f.date()?;
    f.end(date)
}

/// `NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")`, or with
/// `"%Y-%m-%dT%H:%M"` when `seconds` is false (see [`parse_date`]).
pub(crate) fn parse_local(s: &str, seconds: bool) -> Option<NaiveDateTime> {
    let mut f = Fields(s);
    let date = f.date()?;
    f.literal('T')?;
    let time = f.time(seconds)?;
    f.end(date.and_time(time))
}

/// `NaiveTime::parse_from_str(s, "%H:%M")` (see [`parse_date`]).
pub(crate) fn parse_hour_minute(s: &str) -> Option<NaiveTime> {
    let mut f = Fields(s);
    let time = f.time(false)?;
    f.end(time)
}

/// The rest of a text being read as chrono reads a format: each number
/// after optional whitespace, 1 to 2 digits (1 to 4 for an unsigned year,
/// any number after a sign), literals exactly, nothing left at the end.
struct Fields<'a>(&'a str);

impl Fields<'_> {
    fn number(&mut self, max_digits: usize) -> Option<i64> {
        self.0 = self.0.trim_start();
        let digits = self.0.bytes().take(max_digits).take_while(u8::is_ascii_digit).count();
        let (number, rest) = self.0.split_at_checked(digits)?;
        self.0 = rest;
        number.bytes().try_fold(None, |n: Option<i64>, d| {
            Some(Some(n.unwrap_or(0).checked_mul(10)?.checked_add(i64::from(d - b'0'))?))
        })?
    }

    fn year(&mut self) -> Option<i32> {
        self.0 = self.0.trim_start();
        let year = if let Some(rest) = self.0.strip_prefix('-') {
            self.0 = rest;
            self.number(usize::MAX)?.checked_neg()?
        } else if let Some(rest) = self.0.strip_prefix('+') {
            self.0 = rest;
            self.number(usize::MAX)?
        } else {
            self.number(4)?
        };
        i32::try_from(year).ok()
    }

    fn literal(&mut self, c: char) -> Option<()> {
        self.0 = self.0.strip_prefix(c)?;
        Some(())
    }

    /// A number in `range`.
    fn field(&mut self, range: std::ops::RangeInclusive<i64>) -> Option<u32> {
        self.number(2).filter(|n| range.contains(n)).and_then(|n| u32::try_from(n).ok())
    }

    fn date(&mut self) -> Option<NaiveDate> {
        let year = self.year()?;
        self.literal('-')?;
        let month = self.field(1..=12)?;
        self.literal('-')?;
        let day = self.field(1..=31)?;
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// `%H:%M` or `%H:%M:%S`; second 60 is a leap second, as in chrono.
    fn time(&mut self, seconds: bool) -> Option<NaiveTime> {
        let hour = self.field(0..=23)?;
        self.literal(':')?;
        let minute = self.field(0..=59)?;
        let second = match seconds {
            true => {
                self.literal(':')?;
                self.field(0..=60)?
            }
            false => 0,
        };
        match second {
            60 => NaiveTime::from_hms_nano_opt(hour, minute, 59, 1_000_000_000),
            _ => NaiveTime::from_hms_opt(hour, minute, second),
        }
    }

    fn end<T>(&self, value: T) -> Option<T> {
        self.0.is_empty().then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> MerchantTimeZone {
        name.parse().unwrap()
    }

    #[test]
    fn a_date_end_covers_the_whole_local_day() {
        let shanghai = tz("Asia/Shanghai");
        let end = "2026-11-11".parse::<WindowBound>().unwrap().as_end(shanghai).unwrap();
        // The end of 11 November in Shanghai is 16:00 UTC that day.
        assert_eq!(end.to_rfc3339(), "2026-11-11T16:00:00+00:00");
        let start = "2026-11-11".parse::<WindowBound>().unwrap().as_start(shanghai).unwrap();
        assert_eq!(start.to_rfc3339(), "2026-11-10T16:00:00+00:00");
    }

    #[test]
    fn dst_gaps_and_overlaps_resolve_without_panicking() {
        let ny = tz("America/New_York");
        // 2026-03-08 02:30 does not exist in New York: the first valid instant is 03:00 EDT.
        let gap = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap().and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(ny.instant_of(gap).unwrap().to_rfc3339(), "2026-03-08T07:00:00+00:00");
        // 2026-11-01 01:30 happens twice: the first is EDT (UTC-4).
        let overlap = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap().and_hms_opt(1, 30, 0).unwrap();
        assert_eq!(ny.instant_of(overlap).unwrap().to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }

    #[test]
    fn local_date_uses_the_merchant_zone() {
        let t: Timestamp = "2026-11-11T17:30:00+00:00".parse().unwrap();
        assert_eq!(tz("Asia/Shanghai").local_date(t.utc()).to_string(), "2026-11-12");
        assert_eq!(tz("America/Los_Angeles").local_date(t.utc()).to_string(), "2026-11-11");
    }

    /// Texts made of pieces of dates and times, odd ones included.
    fn date_like_texts() -> Vec<String> {
        let pieces = [
            "2026",
            "0",
            "1",
            "9",
            "11",
            "12",
            "13",
            "29",
            "30",
            "31",
            "00",
            "60",
            "59",
            "24",
            "23",
            "007",
            "12345",
            "-",
            "+",
            ":",
            "T",
            "t",
            " ",
            "\t",
            "\u{3000}",
            "\u{a0}",
            "-2026",
            "+2026",
            "99999999999999999999",
            "-0",
            "1e3",
            "x",
            "2027",
            "2028",
            "02",
            "2",
            "٣",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut texts: Vec<String> = vec![
            "2026-11-11".into(),
            "2026-11-11T20:00:00".into(),
            "2026-11-11T20:00".into(),
            "2016-12-31T23:59:60".into(),
            "20:15".into(),
            " 2026-02-29".into(),
            "2024-02-29".into(),
            "+12026-01-01".into(),
            "-0001-01-01".into(),
            "2026-1-5".into(),
            "2026- 1- 5T 9: 5: 7".into(),
            "2026-11-11 ".into(),
        ];
        for _ in 0..200_000 {
            let n = 1 + next() % 12;
            let text: String = (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect();
            texts.push(text);
        }
        // Well-formed shapes with random numbers.
        for _ in 0..50_000 {
            let (y, m, d, h, mi, sec) =
                (next() % 10_100, next() % 14, next() % 33, next() % 26, next() % 62, next() % 62);
            texts.push(format!("{y}-{m:02}-{d:02}T{h:02}:{mi:02}:{sec:02}"));
            texts.push(format!("{y:04}-{m}-{d}T{h}:{mi}"));
            texts.push(format!("{h}:{mi:02}"));
            texts.push(format!("{y}-{m}-{d:02}"));
        }
        texts
    }

    #[test]
    fn date_and_time_parsing_matches_chrono_formats() {
        let mut valid = [0_usize; 4];
        for text in date_like_texts() {
            let s = text.as_str();
            let parsed = [
                (
                    parse_date(s).map(|d| d.to_string()),
                    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(|d| d.to_string()),
                ),
                (
                    parse_local(s, true).map(|l| format!("{l:?}")),
                    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok().map(|l| format!("{l:?}")),
                ),
                (
                    parse_local(s, false).map(|l| format!("{l:?}")),
                    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok().map(|l| format!("{l:?}")),
                ),
                (
                    parse_hour_minute(s).map(|t| format!("{t:?}")),
                    NaiveTime::parse_from_str(s, "%H:%M").ok().map(|t| format!("{t:?}")),
                ),
            ];
            for (n, (ours, chrono)) in parsed.into_iter().enumerate() {
                assert_eq!(ours, chrono, "{s:?}");
                valid[n] += usize::from(ours.is_some());
            }
        }
        assert!(valid.iter().all(|&v| v > 5_000), "{valid:?}");
    }

    #[test]
    fn dates_and_local_times_are_written_as_chrono_formats_them() {
        let mut date = NaiveDate::MIN;
        while let Some(d) = date.checked_add_days(chrono::Days::new(997)) {
            assert_eq!(d.to_string(), d.format("%Y-%m-%d").to_string());
            for time in [NaiveTime::MIN, NaiveTime::from_hms_opt(23, 59, 59).unwrap()] {
                let l = d.and_time(time);
                assert_eq!(format!("{l:?}"), l.format("%Y-%m-%dT%H:%M:%S").to_string());
            }
            date = d;
        }
        let leap = parse_local("2016-12-31T23:59:60", true).unwrap();
        assert_eq!(WindowBound::Local(leap).to_string(), leap.format("%Y-%m-%dT%H:%M:%S").to_string());
        assert_eq!(WindowBound::Local(leap).to_string(), "2016-12-31T23:59:60");
    }
}
