//! Postcode matching for shipping zones: a destination's postcode in its
//! compact form and the country's break (GB outward/inward code, CA FSA,
//! US ZIP+4...), patterns with wildcards, and ranges. See `docs/shipping.md`.
//!
//! Spaces, hyphens and case are never significant in a destination's
//! postcode: `cb23-1gg`, `CB23 1GG` and `CB231GG` are one postcode. In a
//! rule, a space or hyphen is a *break*: it only matches where the
//! destination's country splits its postcodes (or at the end), so `BH2 *`
//! and the pattern `BH2` cover the GB district BH2 but not BH20.

use std::cmp::Ordering;

use super::geo::{compact_postcode, is_separator, postcode_split};

/// Longest compact postcode the matcher considers (positions are bits of a `u64`).
const MAX_COMPACT: usize = 62;

/// A destination's postcode, ready to match: compact, with its country's break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Postcode {
    /// Upper case, without spaces or hyphens.
    compact: String,
    /// Characters before the country's break, when the country has one at this length.
    split: Option<usize>,
}

impl Postcode {
    /// Normalizes a postcode typed for `country`.
    ///
    /// ```ignore
    /// let p = Postcode::new("GB", "bh2-1aa");
    /// assert_eq!(p.compact(), "BH21AA");
    /// ```
    pub(crate) fn new(country: &str, typed: &str) -> Postcode {
        let compact = compact_postcode(typed);
        let split = postcode_split(country, compact.len());
        Postcode { compact, split }
    }

    #[cfg(test)]
    pub(crate) fn compact(&self) -> &str {
        &self.compact
    }

    /// The number a numeric range compares: the whole compact form, except
    /// a US ZIP+4, which compares as its ZIP.
    fn number(&self) -> &str {
        match self.split {
            Some(5) if self.compact.len() == 9 && self.compact.bytes().all(|b| b.is_ascii_digit()) => {
                self.compact.get(..5).unwrap_or(&self.compact)
            }
            _ => &self.compact,
        }
    }

    /// Bit `i` set for every position `i` (0..=len) where a break may stand.
    fn break_mask(&self) -> u64 {
        let end = bit(self.compact.len());
        match self.split {
            Some(s) => end | bit(s),
            None => end,
        }
    }
}

fn bit(i: usize) -> u64 {
    u32::try_from(i).ok().and_then(|i| 1_u64.checked_shl(i)).unwrap_or(0)
}

/// Why a postcode entry of a rule set is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryProblem {
    /// A character other than a letter, digit, space or hyphen (or `*`, `?` in a pattern).
    BadCharacter(char),
    /// Nothing left once spaces and hyphens are dropped.
    Empty,
}

impl EntryProblem {
    pub(crate) fn message(self, wildcards: bool) -> String {
        match self {
            EntryProblem::BadCharacter(c) if wildcards => {
                format!("`{c}` is not allowed: use letters, digits, spaces, hyphens, `*` (any characters) and `?` (one character)")
            }
            EntryProblem::BadCharacter(c) => format!("`{c}` is not allowed: use letters, digits, spaces and hyphens"),
            EntryProblem::Empty => "must contain a letter, a digit or a wildcard".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// This character (upper case).
    Char(u8),
    /// `?`: any one character.
    One,
    /// `*`: any characters, or none.
    Any,
    /// A space or hyphen: the country's break, or the end.
    Break,
}

/// A compiled pattern: `BH2`, `BH2 *`, `SW1A 1AA`, `K1A`, `83*`, `1000?01`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PostcodePattern {
    tokens: Vec<Token>,
}

impl PostcodePattern {
    /// A `pattern` entry: without a trailing `*`, it matches the postcode
    /// whole or up to its country's break (`BH2` matches `BH2 1AA`, not
    /// `BH20 1AA`; `10001` matches `10001-1234`; `830000` only itself).
    pub(crate) fn pattern(text: &str) -> Result<PostcodePattern, EntryProblem> {
        let mut tokens = tokenize(text)?;
        if tokens.last() != Some(&Token::Any) {
            if tokens.last() != Some(&Token::Break) {
                tokens.push(Token::Break);
            }
            tokens.push(Token::Any);
        }
        Ok(PostcodePattern { tokens })
    }

    /// A `prefix` entry: postcodes starting with it. A space or hyphen in it,
    /// trailing included, is a break: `BH2 ` is the district BH2, `BH2`
    /// also covers BH20 to BH29.
    pub(crate) fn prefix(text: &str) -> Result<PostcodePattern, EntryProblem> {
        let mut tokens = tokenize(text)?;
        if tokens.last() != Some(&Token::Any) {
            tokens.push(Token::Any);
        }
        Ok(PostcodePattern { tokens })
    }

    /// Whether the postcode matches: a run of the pattern's tokens over the
    /// compact form, tracking every reachable position as one bit.
    pub(crate) fn matches(&self, p: &Postcode) -> bool {
        let bytes = p.compact.as_bytes();
        if bytes.len() > MAX_COMPACT {
            return false;
        }
        let all = bit(bytes.len().saturating_add(1)).wrapping_sub(1);
        let before_end = bit(bytes.len()).wrapping_sub(1);
        let breaks = p.break_mask();
        let mut reach = 1_u64;
        for token in &self.tokens {
            reach = match *token {
                Token::Char(c) => {
                    let at = bytes.iter().enumerate().filter(|(_, b)| **b == c).fold(0, |m, (i, _)| m | bit(i));
                    (reach & at) << 1
                }
                Token::One => (reach & before_end) << 1,
                Token::Any => {
                    let lowest = reach & reach.wrapping_neg();
                    if lowest == 0 {
                        0
                    } else {
                        all & !lowest.wrapping_sub(1)
                    }
                }
                Token::Break => reach & breaks,
            };
            if reach == 0 {
                return false;
            }
        }
        reach & bit(bytes.len()) != 0
    }
}

/// Splits an entry into tokens: separators become one break (none at the start).
fn tokenize(text: &str) -> Result<Vec<Token>, EntryProblem> {
    let mut tokens = Vec::with_capacity(text.len());
    for c in text.trim_start().chars() {
        let token = match c {
            '*' => Token::Any,
            '?' => Token::One,
            c if is_separator(c) => Token::Break,
            c if c.is_ascii_alphanumeric() => match u8::try_from(c) {
                Ok(b) => Token::Char(b.to_ascii_uppercase()),
                Err(_) => return Err(EntryProblem::BadCharacter(c)),
            },
            c => return Err(EntryProblem::BadCharacter(c)),
        };
        let repeated = matches!(token, Token::Any | Token::Break) && tokens.last() == Some(&token);
        let leading_break = token == Token::Break && tokens.is_empty();
        if !repeated && !leading_break {
            tokens.push(token);
        }
    }
    if !tokens.iter().any(|t| *t != Token::Break) {
        return Err(EntryProblem::Empty);
    }
    Ok(tokens)
}

/// One bound of a range: its compact form and where it was written with a break.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bound {
    compact: String,
    /// Bit `i` set when a space or hyphen was written before compact position `i`.
    written_breaks: u64,
}

impl Bound {
    fn new(text: &str) -> Result<Bound, EntryProblem> {
        let mut compact = String::with_capacity(text.len());
        let mut written_breaks = 0;
        for c in text.trim().chars() {
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase());
            } else if is_separator(c) {
                written_breaks |= bit(compact.len());
            } else {
                return Err(EntryProblem::BadCharacter(c));
            }
        }
        if compact.is_empty() {
            return Err(EntryProblem::Empty);
        }
        Ok(Bound { compact, written_breaks })
    }

    fn numeric(&self) -> bool {
        self.compact.bytes().all(|b| b.is_ascii_digit())
    }

    /// Its parts, split where it was written with a break and where `country` splits postcodes of its length.
    fn parts(&self, country: &str) -> impl Iterator<Item = &str> {
        let country_break = postcode_split(country, self.compact.len()).map_or(0, bit);
        parts(&self.compact, self.written_breaks | country_break)
    }
}

/// An inclusive range of postcodes.
///
/// * Both bounds all digits, of one length: the postcode's leading digits of
///   that length (`100`..`149` covers ZIP `10001-1234`; `1000000`..`1009999`
///   covers JP `100-0001`).
/// * Both bounds all digits, of different lengths: the whole postcode as a
///   number (`999`..`2450` covers AU `1000`; a US ZIP+4 compares as its ZIP).
/// * Otherwise: part by part, letters as text and digits as numbers, split
///   where letters meet digits and at the country's break, and a postcode
///   starting with a bound counts as equal to it (`BH1`..`BH25` covers
///   `BH20 1AA` and `BH3 1AA`, not `BH26 1AA`; `K1A`..`K4C` covers `K2B 1A1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PostcodeRange {
    from: Bound,
    to: Bound,
}

/// Why a range is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeProblem {
    From(EntryProblem),
    To(EntryProblem),
    /// `to` comes before `from`.
    Backwards,
}

impl PostcodeRange {
    pub(crate) fn new(from: &str, to: &str) -> Result<PostcodeRange, RangeProblem> {
        let from = Bound::new(from).map_err(RangeProblem::From)?;
        let to = Bound::new(to).map_err(RangeProblem::To)?;
        let backwards = if from.numeric() && to.numeric() {
            compare_numbers(&to.compact, &from.compact) == Ordering::Less
        } else {
            compare_parts(parts(&to.compact, to.written_breaks), parts(&from.compact, from.written_breaks))
                == Ordering::Less
        };
        if backwards {
            return Err(RangeProblem::Backwards);
        }
        Ok(PostcodeRange { from, to })
    }

    pub(crate) fn matches(&self, p: &Postcode, country: &str) -> bool {
        let (from, to) = (&self.from, &self.to);
        if from.numeric() && to.numeric() {
            if from.compact.len() == to.compact.len() {
                let Some(head) = p.compact.get(..from.compact.len()) else { return false };
                return head.bytes().all(|b| b.is_ascii_digit())
                    && head >= from.compact.as_str()
                    && head <= to.compact.as_str();
            }
            let n = p.number();
            return !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && compare_numbers(n, &from.compact) != Ordering::Less
                && compare_numbers(n, &to.compact) != Ordering::Greater;
        }
        if p.compact.len() > MAX_COMPACT {
            return false;
        }
        let mine = || parts(&p.compact, p.break_mask());
        compare_parts(mine(), from.parts(country)) != Ordering::Less
            && compare_parts(mine(), to.parts(country)) != Ordering::Greater
    }
}

/// Compares two digit strings as numbers, whatever their lengths.
fn compare_numbers(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The parts of a compact postcode: runs of letters or of digits, also split
/// at the positions set in `breaks`.
fn parts(compact: &str, breaks: u64) -> impl Iterator<Item = &str> {
    let mut rest = compact;
    let mut at = 0_usize;
    std::iter::from_fn(move || {
        let first = rest.bytes().next()?;
        let digit = first.is_ascii_digit();
        let mut len = 1;
        for b in rest.bytes().skip(1) {
            if b.is_ascii_digit() != digit || bit(at.saturating_add(len)) & breaks != 0 {
                break;
            }
            len += 1;
        }
        let (part, tail) = rest.split_at_checked(len)?;
        rest = tail;
        at = at.saturating_add(len);
        Some(part)
    })
}

/// Compares a postcode's parts with a bound's: digits as numbers, letters as
/// text, digits before letters; a postcode that starts with every part of the
/// bound is equal to it.
fn compare_parts<'a>(mut postcode: impl Iterator<Item = &'a str>, bound: impl Iterator<Item = &'a str>) -> Ordering {
    for b in bound {
        let Some(p) = postcode.next() else { return Ordering::Less };
        let p_digits = p.bytes().all(|c| c.is_ascii_digit());
        let b_digits = b.bytes().all(|c| c.is_ascii_digit());
        let order = match (p_digits, b_digits) {
            (true, true) => compare_numbers(p, b),
            (false, false) => p.cmp(b),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str, country: &str, postcode: &str) -> bool {
        PostcodePattern::pattern(text).unwrap().matches(&Postcode::new(country, postcode))
    }

    fn prefix(text: &str, country: &str, postcode: &str) -> bool {
        PostcodePattern::prefix(text).unwrap().matches(&Postcode::new(country, postcode))
    }

    fn range(from: &str, to: &str, country: &str, postcode: &str) -> bool {
        PostcodeRange::new(from, to).unwrap().matches(&Postcode::new(country, postcode), country)
    }

    #[test]
    fn gb_districts_do_not_match_longer_districts() {
        for p in ["BH2", "BH2 *", "bh2", "BH2-*", "BH2 "] {
            assert!(pattern(p, "GB", "BH2 1AA"), "{p}");
            assert!(pattern(p, "GB", "bh21aa"), "{p}");
            assert!(!pattern(p, "GB", "BH20 1AA"), "{p}");
            assert!(!pattern(p, "GB", "BH29 9ZZ"), "{p}");
        }
        assert!(pattern("BH2*", "GB", "BH20 1AA"), "a wildcard straight after the district covers BH20");
        assert!(pattern("BH2 1*", "GB", "BH2 1AA") && !pattern("BH2 1*", "GB", "BH2 2AA"), "a sector");
        assert!(pattern("BH2 ?AA", "GB", "BH2 7AA"));
        assert!(pattern("SW1A 1AA", "GB", "sw1a1aa") && !pattern("SW1A 1AA", "GB", "SW1A 1AB"));
        assert!(pattern("SW1A", "GB", "SW1A 2AA") && !pattern("SW1", "GB", "SW1A 2AA"));
    }

    #[test]
    fn spaces_hyphens_and_case_do_not_matter_either_way() {
        for typed in ["CB23 1GG", "cb23-1gg", "CB231GG", " cb 23-1 gg "] {
            assert!(pattern("CB231GG", "GB", typed), "{typed}");
            assert!(pattern("CB23 1GG", "GB", typed), "{typed}");
            assert!(pattern("cb23-1gg", "GB", typed), "{typed}");
            assert!(prefix("CB23 ", "GB", typed) && !prefix("CB2 ", "GB", typed), "{typed}");
        }
        for typed in ["100-0001", "1000001", "100 0001"] {
            assert!(range("1000000", "1009999", "JP", typed), "{typed}");
            assert!(pattern("1000001", "JP", typed) && pattern("100-0001", "JP", typed), "{typed}");
        }
    }

    #[test]
    fn a_prefix_with_its_trailing_space_is_the_district_only() {
        // The bug this fixes: the space was trimmed, so `BH2 ` matched BH20..BH29.
        assert!(prefix("BH2 ", "GB", "BH2 1AA"));
        assert!(!prefix("BH2 ", "GB", "BH20 1AA"));
        assert!(!prefix("BH2 ", "GB", "BH29 9ZZ"));
        assert!(!prefix("BH2-", "GB", "BH25 3QT"));
        // Without the space a prefix is a prefix, as before.
        assert!(prefix("BH2", "GB", "BH20 1AA") && prefix("BH2", "GB", "BH2 1AA"));
        assert!(prefix("83", "CN", "830000") && !prefix("83", "CN", "840000"));
    }

    #[test]
    fn other_formats() {
        // Canada: the FSA.
        assert!(pattern("K1A", "CA", "K1A 0B1") && pattern("K1A", "CA", "k1a0b1"));
        assert!(!pattern("K1", "CA", "K1A 0B1") && prefix("K1", "CA", "K1A 0B1"));
        // Netherlands: 4 digits, then 2 letters.
        assert!(pattern("1012", "NL", "1012 AB") && pattern("1012 A?", "NL", "1012AB"));
        assert!(!pattern("101", "NL", "1012 AB"));
        // US: a ZIP covers its ZIP+4s.
        assert!(pattern("10001", "US", "10001") && pattern("10001", "US", "10001-1234"));
        assert!(pattern("10001-1234", "US", "100011234") && !pattern("10001-1234", "US", "10001-1235"));
        assert!(!pattern("1000", "US", "10001"));
        // China: six digits, no break.
        assert!(pattern("830000", "CN", "830000") && !pattern("83", "CN", "830000") && pattern("83*", "CN", "830000"));
        // Japan: 3 + 4 digits.
        assert!(pattern("100", "JP", "100-0001") && pattern("100-0001", "JP", "1000001"));
        // Unknown structure: only whole postcodes, or wildcards.
        assert!(!pattern("C1425", "AR", "C1425DKA") && pattern("C1425*", "AR", "C1425DKA"));
    }

    #[test]
    fn wildcards() {
        assert!(pattern("*", "GB", "BH2 1AA"));
        assert!(pattern("B*1AA", "GB", "BH2 1AA") && pattern("B*1AA", "GB", "BH20 1AA"));
        assert!(pattern("*1AA", "GB", "BH2 1AA") && !pattern("*1AB", "GB", "BH2 1AA"));
        assert!(pattern("8?0000", "CN", "830000") && !pattern("8?0000", "CN", "831000"));
        assert!(!pattern("8300000?", "CN", "830000"), "? needs a character");
        assert!(pattern("**", "CN", "830000"));
    }

    #[test]
    fn numeric_ranges() {
        // One length: leading digits, as before.
        assert!(range("830000", "859999", "CN", "830011") && range("830000", "859999", "CN", "859999"));
        assert!(!range("830000", "859999", "CN", "860000"));
        assert!(range("100", "149", "US", "10001-1234") && !range("100", "149", "US", "15000"));
        assert!(range("1000000", "1009999", "JP", "100-0001") && range("1000000", "1009999", "JP", "1000001"));
        assert!(range("100-0000", "100-9999", "JP", "1000001"));
        assert!(!range("1000000", "1009999", "JP", "101-0001"));
        // Different lengths: whole numbers.
        assert!(range("999", "2450", "AU", "1000") && range("999", "2450", "AU", "2450"));
        assert!(range("999", "2450", "AU", "0999") && !range("999", "2450", "AU", "0800"));
        assert!(!range("999", "2450", "AU", "2451") && !range("999", "2450", "AU", "3000"));
        assert!(range("800", "10000", "US", "10000-1234"), "a ZIP+4 compares as its ZIP");
        assert!(!range("999", "2450", "GB", "BH2 1AA"));
    }

    #[test]
    fn alphanumeric_ranges_follow_the_format() {
        assert!(range("BH1", "BH25", "GB", "BH20 1AA") && range("BH1", "BH25", "GB", "BH3 1AA"));
        assert!(range("BH1", "BH25", "GB", "BH1 1AA") && range("BH1", "BH25", "GB", "BH25 9ZZ"));
        assert!(!range("BH1", "BH25", "GB", "BH26 1AA") && !range("BH1", "BH25", "GB", "BA1 1AA"));
        assert!(!range("BH1", "BH9", "GB", "BH20 1AA"), "BH20 is not between BH1 and BH9");
        assert!(range("BH11AA", "BH19ZZ", "GB", "BH1 5XY") && !range("BH1 1AA", "BH1 9ZZ", "GB", "BH15 1AA"));
        assert!(range("K1A", "K4C", "CA", "K2B 1A1") && !range("K1A", "K4C", "CA", "K5A 1A1"));
        assert!(range("1000AA", "1099ZZ", "NL", "1050 BC") && !range("1000AA", "1099ZZ", "NL", "1100AA"));
        assert!(range("S1", "S99", "GB", "S10 1AA") && !range("S1", "S99", "GB", "SW1A 1AA"));
    }

    #[test]
    fn malformed_entries() {
        assert_eq!(PostcodePattern::pattern("BH2.1"), Err(EntryProblem::BadCharacter('.')));
        assert_eq!(PostcodePattern::pattern(" - "), Err(EntryProblem::Empty));
        assert_eq!(PostcodePattern::pattern("-BH2"), PostcodePattern::pattern("BH2"), "a leading hyphen is dropped");
        assert_eq!(PostcodePattern::prefix(""), Err(EntryProblem::Empty));
        assert_eq!(PostcodeRange::new("859999", "830000"), Err(RangeProblem::Backwards));
        assert_eq!(PostcodeRange::new("2450", "999"), Err(RangeProblem::Backwards));
        assert_eq!(PostcodeRange::new("BH25", "BH3"), Err(RangeProblem::Backwards));
        assert!(PostcodeRange::new("BH3", "BH25").is_ok() && PostcodeRange::new("999", "2450").is_ok());
        assert_eq!(PostcodeRange::new("83*", "85"), Err(RangeProblem::From(EntryProblem::BadCharacter('*'))));
        assert_eq!(PostcodeRange::new("83", "-"), Err(RangeProblem::To(EntryProblem::Empty)));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A well-formed postcode of a country, in its usual written form.
        fn written() -> impl Strategy<Value = (&'static str, String)> {
            prop_oneof![
                "[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}".prop_map(|p| ("GB", p)),
                "[A-Z][0-9][A-Z] [0-9][A-Z][0-9]".prop_map(|p| ("CA", p)),
                "[0-9]{4} [A-Z]{2}".prop_map(|p| ("NL", p)),
                "[0-9]{5}(-[0-9]{4})?".prop_map(|p| ("US", p)),
                "[0-9]{3}-[0-9]{4}".prop_map(|p| ("JP", p)),
                "[0-9]{6}".prop_map(|p| ("CN", p)),
                "[0-9]{4}".prop_map(|p| ("AU", p)),
                "[A-Z][0-9]{4}[A-Z]{3}".prop_map(|p| ("AR", p)),
            ]
        }

        /// `postcode` typed otherwise: its separators dropped, spaces or
        /// hyphens put between any characters, any letter in lower case.
        fn retyped(postcode: &str, noise: &[(u8, bool)]) -> String {
            let mut out = String::new();
            for (c, (sep, lower)) in postcode.chars().filter(|c| !is_separator(*c)).zip(noise.iter().cycle()) {
                match sep % 4 {
                    0 => out.push(' '),
                    1 => out.push('-'),
                    _ => {}
                }
                out.push(if *lower { c.to_ascii_lowercase() } else { c });
            }
            out
        }

        /// Entries to try: patterns, prefixes and ranges around `postcode`.
        fn entries(postcode: &str) -> Vec<(Option<PostcodePattern>, Option<PostcodeRange>)> {
            let compact = compact_postcode(postcode);
            let head = compact.get(..3).unwrap_or(&compact).to_string();
            let written_head = postcode.split(is_separator).next().unwrap_or_default().to_string();
            let mut out = Vec::new();
            for text in [postcode.to_string(), compact.clone(), head.clone(), written_head.clone(), format!("{head}*")]
            {
                out.push((PostcodePattern::pattern(&text).ok(), None));
                out.push((PostcodePattern::prefix(&text).ok(), None));
                out.push((PostcodePattern::prefix(&format!("{text} ")).ok(), None));
            }
            for (from, to) in
                [(compact.as_str(), compact.as_str()), (head.as_str(), head.as_str()), ("999", "2450"), ("A1", "M99")]
            {
                out.push((None, PostcodeRange::new(from, to).ok()));
            }
            out
        }

        fn matches(e: &(Option<PostcodePattern>, Option<PostcodeRange>), country: &str, p: &Postcode) -> bool {
            e.0.as_ref().is_some_and(|m| m.matches(p)) || e.1.as_ref().is_some_and(|r| r.matches(p, country))
        }

        proptest! {
            /// A postcode matches the same entries whatever spaces, hyphens
            /// and case it is typed with.
            #[test]
            fn typing_does_not_change_what_matches(
                (country, postcode) in written(),
                noise in prop::collection::vec((any::<u8>(), any::<bool>()), 1..8),
                other in written(),
            ) {
                let typed = retyped(&postcode, &noise);
                let canonical = Postcode::new(country, &postcode);
                let retyped = Postcode::new(country, &typed);
                prop_assert_eq!(canonical.compact(), retyped.compact());
                for e in entries(&postcode).iter().chain(entries(&other.1).iter()) {
                    prop_assert_eq!(matches(e, country, &canonical), matches(e, country, &retyped), "{:?}", e);
                }
            }

            /// A rule naming the postcode matches it, written with or without
            /// its separators and typed either way.
            #[test]
            fn a_postcode_matches_itself(
                (country, postcode) in written(),
                noise in prop::collection::vec((any::<u8>(), any::<bool>()), 1..8),
            ) {
                let typed = Postcode::new(country, &retyped(&postcode, &noise));
                let compact = compact_postcode(&postcode);
                for text in [postcode.as_str(), compact.as_str()] {
                    prop_assert!(PostcodePattern::pattern(text).unwrap().matches(&typed), "pattern {}", text);
                    prop_assert!(PostcodePattern::prefix(text).unwrap().matches(&typed), "prefix {}", text);
                    prop_assert!(PostcodeRange::new(text, text).unwrap().matches(&typed, country), "range {}", text);
                }
            }
        }
    }
}
