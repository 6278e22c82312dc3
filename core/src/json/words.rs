//! Looking at JSON text eight bytes at a time ("SWAR": a `u64` as eight
//! lanes): string contents skipped, and strings checked for escapes,
//! without a branch per byte.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `b` from `i`, as a little-endian word; `None` when
/// fewer than eight are left.
pub(crate) fn word_at(b: &[u8], i: usize) -> Option<u64> {
    let chunk = b.get(i..i.checked_add(8)?)?;
    <[u8; 8]>::try_from(chunk).ok().map(u64::from_le_bytes)
}

/// Non-zero exactly when some byte of `word` is zero (the classic
/// `(x - 0x01..) & !x & 0x80..` test: as a whole it has no false positive).
fn zero_mask(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// Non-zero exactly when some byte of `word` is `byte`.
pub(crate) fn byte_mask(word: u64, byte: u8) -> u64 {
    zero_mask(word ^ ONES.wrapping_mul(u64::from(byte)))
}

/// Non-zero exactly when some byte of `word` is below `n` (up to 128).
pub(crate) fn below_mask(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES.wrapping_mul(u64::from(n))) & !word & HIGHS
}

/// Past the closing quote of the string whose contents start at `i` (just
/// after its opening quote), stepping over escapes; the text's length when
/// the string is not closed.
///
/// A word's lowest flagged byte is exact (a false positive of the zero test
/// needs a borrow from a true one below it), so the first quote or
/// backslash is found without a loop over bytes: most strings of a request
/// are shorter than a word.
pub(crate) fn after_string(b: &[u8], mut i: usize) -> usize {
    while let Some(word) = word_at(b, i) {
        let mask = byte_mask(word, b'"') | byte_mask(word, b'\\');
        if mask == 0 {
            i = i.saturating_add(8);
            continue;
        }
        i = i.saturating_add(usize::try_from(mask.trailing_zeros() / 8).unwrap_or(0));
        match b.get(i) {
            Some(b'"') => return i.saturating_add(1),
            _ => i = i.saturating_add(2),
        }
    }
    // Fewer than eight bytes left: one at a time.
    loop {
        match b.get(i) {
            None => return b.len(),
            Some(b'"') => return i.saturating_add(1),
            Some(b'\\') => i = i.saturating_add(2),
            Some(_) => i = i.saturating_add(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn after_string_bytewise(b: &[u8], mut i: usize) -> usize {
        loop {
            match b.get(i) {
                None => return b.len(),
                Some(b'"') => return i + 1,
                Some(b'\\') => i += 2,
                Some(_) => i += 1,
            }
        }
    }

    proptest! {
        #[test]
        fn word_tests_are_exact(bytes in proptest::array::uniform8(any::<u8>()), probe in any::<u8>(), n in 0_u8..=128) {
            let word = u64::from_le_bytes(bytes);
            prop_assert_eq!(byte_mask(word, probe) != 0, bytes.contains(&probe));
            prop_assert_eq!(below_mask(word, n) != 0, bytes.iter().any(|&b| b < n));
        }

        #[test]
        fn strings_end_where_a_byte_scan_ends_them(
            text in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'\\'), Just(b'a'), any::<u8>()], 0..40),
            from in 0_usize..42,
        ) {
            prop_assert_eq!(after_string(&text, from).min(text.len()), after_string_bytewise(&text, from).min(text.len()));
        }
    }
}
