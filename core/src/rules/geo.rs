//! ISO 3166-1 alpha-2 country codes and postcode formats of the countries
//! whose format is well known.

/// Every officially assigned ISO 3166-1 alpha-2 code, sorted, space-separated.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case).
///
/// ```ignore
/// assert!(is_country("CN") && !is_country("XX") && !is_country("cn"));
/// ```
pub(crate) fn is_country(code: &str) -> bool {
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return false;
    }
    // COUNTRIES is sorted, each code two letters and a space: a binary search
    // (splitting the list cost about 30,000 instructions a quote).
    let entries = COUNTRIES.len().div_ceil(3);
    let at = |i: usize| COUNTRIES.get(i.saturating_mul(3)..i.saturating_mul(3).saturating_add(2)).unwrap_or_default();
    let (mut lo, mut hi) = (0_usize, entries);
    while lo < hi {
        let mid = lo.midpoint(hi);
        match at(mid).cmp(code) {
            std::cmp::Ordering::Less => lo = mid.saturating_add(1),
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Postcode patterns by country: `9` is a digit, `A` a letter, anything
/// else itself; alternatives separated by `|`. Countries not listed accept
/// any postcode of 1 to 16 letters, digits, spaces or hyphens.
const POSTCODE_FORMATS: &[(&str, &str)] = &[
    ("AU", "9999"),
    ("BR", "99999-999|99999999"),
    ("CA", "A9A 9A9|A9A9A9"),
    ("CH", "9999"),
    ("CN", "999999"),
    ("DE", "99999"),
    ("ES", "99999"),
    ("FR", "99999"),
    ("IN", "999999"),
    ("IT", "99999"),
    ("JP", "999-9999|9999999"),
    ("KR", "99999"),
    ("MX", "99999"),
    ("NL", "9999 AA|9999AA"),
    ("RU", "999999"),
    ("SG", "999999"),
    ("TW", "999|99999|999999"),
    ("US", "99999|99999-9999"),
];

/// Where a country's postcodes break into two parts, by the length of the
/// compact form (no spaces or hyphens): the number of characters before the
/// break. GB, GG, JE, IM: outward and inward code (`BH2` `1AA`, the inward
/// code is always 3); CA: FSA and LDU; NL: 4 digits and 2 letters; US: ZIP
/// and the `+4`; JP: 3 and 4 digits; BR: 5 and 3; IE: routing key and
/// identifier; PL: 2 and 3; PT: 4 and 3. Other countries and lengths: none.
pub(crate) fn postcode_split(country: &str, compact_len: usize) -> Option<usize> {
    match (country, compact_len) {
        ("GB" | "GG" | "JE" | "IM", 5..=7) => compact_len.checked_sub(3),
        ("CA", 6) | ("JP", 7) | ("IE", 7) => Some(3),
        ("NL", 6) | ("PT", 7) => Some(4),
        ("US", 9) | ("BR", 8) => Some(5),
        ("PL", 5) => Some(2),
        _ => None,
    }
}

/// The compact form of a postcode: upper case, without spaces or hyphens.
///
/// ```ignore
/// assert_eq!(compact_postcode(" cb23-1gg "), "CB231GG");
/// ```
pub(crate) fn compact_postcode(typed: &str) -> String {
    typed.chars().filter(|c| !is_separator(*c)).map(|c| c.to_ascii_uppercase()).collect()
}

/// A space or a hyphen: where a postcode's parts may be split when typed.
pub(crate) fn is_separator(c: char) -> bool {
    c == ' ' || c == '-'
}

/// Whether `postcode` has the form the country uses; `Some(format)` names
/// the expected format when it does not. Spaces and hyphens are not
/// significant: `100 0001`, `100-0001` and `1000001` are the same JP
/// postcode, `K1A-0B1` a CA one.
pub(crate) fn postcode_problem(country: &str, postcode: &str) -> Option<&'static str> {
    let typed_ok =
        (1..=16).contains(&postcode.len()) && postcode.chars().all(|c| c.is_ascii_alphanumeric() || is_separator(c));
    let compact = compact_postcode(postcode);
    match POSTCODE_FORMATS.iter().find(|(c, _)| *c == country) {
        Some((_, format)) => {
            let ok = typed_ok && format.split('|').any(|f| fits(f, &compact));
            (!ok).then_some(*format)
        }
        None => (!typed_ok || compact.is_empty()).then_some("1 to 16 letters, digits, spaces or hyphens"),
    }
}

/// Whether the compact `s` fits `format` once the format's own separators are dropped.
fn fits(format: &str, s: &str) -> bool {
    let mut format = format.bytes().filter(|b| !is_separator(char::from(*b)));
    let mut s = s.bytes();
    loop {
        match (format.next(), s.next()) {
            (None, None) => return true,
            (Some(f), Some(c)) => {
                let ok = match f {
                    b'9' => c.is_ascii_digit(),
                    b'A' => c.is_ascii_alphabetic(),
                    other => other == c,
                };
                if !ok {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_the_iso_list() {
        assert_eq!(COUNTRIES.split(' ').count(), 249);
        assert!(is_country("CN") && is_country("US") && is_country("GB"));
        assert!(!is_country("XX") && !is_country("cn") && !is_country("USA") && !is_country(""));
        // Every listed code is found by the search, and the neighbours of each are not.
        for c in COUNTRIES.split(' ') {
            assert!(is_country(c), "{c}");
        }
        assert!(!is_country("AA") && !is_country("ZZ") && !is_country("AB") && !is_country("UV"));
    }

    #[test]
    fn postcodes_by_country() {
        assert_eq!(postcode_problem("CN", "830000"), None);
        assert_eq!(postcode_problem("CN", "83000"), Some("999999"));
        assert_eq!(postcode_problem("US", "10001"), None);
        assert_eq!(postcode_problem("US", "10001-1234"), None);
        assert!(postcode_problem("US", "1000").is_some());
        assert!(postcode_problem("US", "ABCDE").is_some());
        assert_eq!(postcode_problem("GB", "SW1A 1AA"), None);
        assert!(postcode_problem("GB", "").is_some());
        assert!(postcode_problem("GB", "SW1A_1AA").is_some());
        assert!(postcode_problem("GB", " - ").is_some(), "separators only");
    }

    #[test]
    fn separators_are_not_significant_in_known_formats() {
        for ok in ["100-0001", "1000001", "100 0001"] {
            assert_eq!(postcode_problem("JP", ok), None, "{ok}");
        }
        for ok in ["K1A 0B1", "K1A0B1", "K1A-0B1"] {
            assert_eq!(postcode_problem("CA", ok), None, "{ok}");
        }
        assert_eq!(postcode_problem("US", "10001 1234"), None);
        assert_eq!(postcode_problem("US", "100011234"), None);
        assert_eq!(postcode_problem("NL", "1234-AB"), None);
        assert!(postcode_problem("US", "10001-123").is_some());
        assert!(postcode_problem("JP", "100_0001").is_some());
        assert!(postcode_problem("CN", "83000").is_some());
    }

    #[test]
    fn splits_by_country() {
        assert_eq!(postcode_split("GB", compact_postcode("BH2 1AA").len()), Some(3));
        assert_eq!(postcode_split("GB", compact_postcode("BH20 1AA").len()), Some(4));
        assert_eq!(postcode_split("GB", compact_postcode("EC1A 1BB").len()), Some(4));
        assert_eq!(postcode_split("GB", 3), None, "an outward code alone");
        assert_eq!(postcode_split("CA", 6), Some(3));
        assert_eq!(postcode_split("NL", 6), Some(4));
        assert_eq!(postcode_split("US", 9), Some(5));
        assert_eq!(postcode_split("US", 5), None);
        assert_eq!(postcode_split("JP", 7), Some(3));
        assert_eq!(postcode_split("CN", 6), None);
        assert_eq!(compact_postcode(" cb23-1gg"), "CB231GG");
    }
}
