//! Instants, the merchant's time zone and local-day boundaries.
//!
//! The core never reads a clock: `now` always comes in with the request.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

mod zone;

pub use zone::{Zone, ZoneOffset};

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
        if let Ok(l) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
            return Ok(WindowBound::Local(l));
        }
        if let Ok(l) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M") {
            return Ok(WindowBound::Local(l));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map(WindowBound::Date).map_err(|_| {
            format!("`{s}` is not a date (2026-11-11), local time (2026-11-11T20:00:00) or RFC 3339 instant")
        })
    }
}

impl fmt::Display for WindowBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowBound::Instant(t) => f.write_str(&t.to_rfc3339()),
            WindowBound::Local(l) => write!(f, "{}", l.format("%Y-%m-%dT%H:%M:%S")),
            WindowBound::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
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
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map(LocalDate).map_err(|_| format!("`{s}` is not a date (2027-12-31)"))
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
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
}
