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
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) && COUNTRIES.split(' ').any(|c| c == code)
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

/// Whether `postcode` has the form the country uses; `Some(format)` names
/// the expected format when it does not.
pub(crate) fn postcode_problem(country: &str, postcode: &str) -> Option<&'static str> {
    match POSTCODE_FORMATS.iter().find(|(c, _)| *c == country) {
        Some((_, format)) => (!format.split('|').any(|f| fits(f, postcode))).then_some(*format),
        None => {
            let ok = (1..=16).contains(&postcode.len())
                && postcode.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
            (!ok).then_some("1 to 16 letters, digits, spaces or hyphens")
        }
    }
}

fn fits(format: &str, s: &str) -> bool {
    format.len() == s.len()
        && format.bytes().zip(s.bytes()).all(|(f, c)| match f {
            b'9' => c.is_ascii_digit(),
            b'A' => c.is_ascii_alphabetic(),
            other => other == c,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_the_iso_list() {
        assert_eq!(COUNTRIES.split(' ').count(), 249);
        assert!(is_country("CN") && is_country("US") && is_country("GB"));
        assert!(!is_country("XX") && !is_country("cn") && !is_country("USA") && !is_country(""));
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
    }
}
