//! Writing answers as compact JSON, byte for byte what
//! `serde_json::to_string` writes, with less work per byte.
//!
//! serde_json checks every byte of every string (member names included)
//! against its escape table, one at a time, which costs most in
//! WebAssembly (natively the cost of an answer is per string, and the two
//! writers are even there). [`to_string`] skips eight bytes at a time that
//! need no escape (a word test: no control character, `"` or `\`), writes
//! straight into a `String` (nothing to validate as UTF-8 afterwards), and
//! escapes exactly as serde_json does (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
//! `\t`, other control characters as `\u00XX` with lower-case hex digits;
//! nothing else). The tests compare the two writers on every golden answer
//! and on generated values.

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Serialize};

use super::words;

/// Why a value could not be written: a map key that is not a string,
/// number, boolean or character, or an error raised by a value's own
/// `Serialize` implementation.
#[derive(Debug)]
pub(crate) struct WriteError(String);

impl Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: Display>(msg: T) -> Self {
        WriteError(msg.to_string())
    }
}

/// Writes `value` as compact JSON, exactly as `serde_json::to_string` does.
///
/// ```ignore
/// assert_eq!(to_string(&("a\"b", 1, None::<u8>)).unwrap(), r#"["a\"b",1,null]"#);
/// ```
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, WriteError> {
    to_string_sized(value, 4096)
}

/// [`to_string`] into a buffer of `capacity` bytes to begin with (it grows
/// past them if need be): for a value whose size is known roughly.
pub(crate) fn to_string_sized<T: Serialize + ?Sized>(value: &T, capacity: usize) -> Result<String, WriteError> {
    let mut writer = Writer::new(String::with_capacity(capacity));
    value.serialize(&mut writer)?;
    Ok(writer.out)
}

/// How many member names a [`Writer`] remembers as needing no escape: a
/// power of two, well above the hundred or so names of the largest answer,
/// so that two names seldom share a slot.
const PLAIN_NAMES: usize = 256;

/// The output being written.
struct Writer {
    out: String,
    /// Struct member names already found to need no escape, by address and
    /// length, in a slot chosen by a hash of the address. A member name is a
    /// `&'static str`: fixed text that never moves, so the same address and
    /// length are the same text. An answer repeats a few dozen names
    /// thousands of times; each is checked once.
    plain_names: [(usize, usize); PLAIN_NAMES],
    /// Set by a newtype struct named [`PLAIN_TEXT`]: the string it wraps
    /// is written without looking for escapes.
    plain_next: bool,
}

/// The name of the newtype struct through which the crate writes a string
/// that it knows needs no escape (a money amount's digits): [`Writer`]
/// writes the string inside as it is, and other serializers, which see an
/// ordinary newtype struct, write the string. Private to the crate, as
/// serde_json's `RawValue` token is to serde_json.
pub(crate) const PLAIN_TEXT: &str = "$commerce_rules::private::PlainText";

/// Whether any of the eight bytes of `word` needs an escape: a control
/// character (below 0x20), `"` or `\`.
fn word_needs_escape(word: u64) -> bool {
    words::below_mask(word, 0x20) | words::byte_mask(word, b'"') | words::byte_mask(word, b'\\') != 0
}

/// The escape serde_json writes for `byte`, if it needs one: the second
/// character of a two-character escape, or `u` for `\u00XX`.
fn escape_of(byte: u8) -> Option<u8> {
    match byte {
        b'"' => Some(b'"'),
        b'\\' => Some(b'\\'),
        0x08 => Some(b'b'),
        0x0c => Some(b'f'),
        b'\n' => Some(b'n'),
        b'\r' => Some(b'r'),
        b'\t' => Some(b't'),
        0..=0x1f => Some(b'u'),
        _ => None,
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether any byte of `bytes` needs an escape, eight at a time. The last
/// word overlaps the one before it when the length is not a multiple of
/// eight; from four to seven bytes, the first four and the last four
/// (overlapping) make one word; shorter strings are looked at a byte at a
/// time.
fn needs_escape(bytes: &[u8]) -> bool {
    let Some(last) = bytes.len().checked_sub(8) else {
        let half = |at: usize| bytes.get(at..at.checked_add(4)?)?.try_into().ok().map(u32::from_le_bytes);
        return match bytes.len().checked_sub(4).and_then(|at| Some((half(0)?, half(at)?))) {
            Some((first, last)) => word_needs_escape(u64::from(first) | u64::from(last) << 32),
            None => bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\'),
        };
    };
    let mut i = 0;
    while i < last {
        if words::word_at(bytes, i).is_some_and(word_needs_escape) {
            return true;
        }
        i = i.saturating_add(8);
    }
    words::word_at(bytes, last).is_some_and(word_needs_escape)
}

/// Appends `s` to `out` with serde_json's escapes, without the quotes.
fn escape_into(out: &mut String, s: &str) {
    if needs_escape(s.as_bytes()) {
        escape_slowly(out, s);
    } else {
        out.push_str(s);
    }
}

/// [`escape_into`] for a string that needs an escape: rare in answers, and
/// kept out of line so that the common path stays small.
#[cold]
#[inline(never)]
fn escape_slowly(out: &mut String, s: &str) {
    let mut run = 0;
    for (i, byte) in s.bytes().enumerate() {
        let Some(escape) = escape_of(byte) else { continue };
        // `run..i` ends before an ASCII byte: both ends are character boundaries.
        out.push_str(s.get(run..i).unwrap_or_default());
        out.push('\\');
        out.push(char::from(escape));
        if escape == b'u' {
            out.push_str("00");
            out.push(char::from(HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(byte & 0xf)).copied().unwrap_or(b'0')));
        }
        run = i.saturating_add(1);
    }
    out.push_str(s.get(run..).unwrap_or_default());
}

impl Writer {
    fn new(out: String) -> Writer {
        Writer { out, plain_names: [(0, 0); PLAIN_NAMES], plain_next: false }
    }

    /// Writes `"name":`, checking `name` for escapes only the first time.
    /// Out of line, with [`Writer::static_text`] inlined inside it: the
    /// other way round (this inlined into every member's serialization,
    /// calling `static_text`), W1's `quote_json` took about 31 K more
    /// instructions.
    #[inline(never)]
    fn member_name(&mut self, name: &'static str) {
        self.out.push('"');
        self.static_text(name);
        self.out.push_str("\":");
    }

    /// Writes a unit variant's name as a string, checking it for escapes
    /// only the first time.
    fn variant_name(&mut self, name: &'static str) {
        self.out.push('"');
        self.static_text(name);
        self.out.push('"');
    }

    /// Writes fixed text (a member or variant name) with its escapes, if
    /// any, looking for them only the first time.
    #[inline(always)]
    fn static_text(&mut self, name: &'static str) {
        let key = (name.as_ptr().addr(), name.len());
        // The address's top bits after a multiplication by 2^64 / golden
        // ratio (Fibonacci hashing): names laid out side by side spread over
        // the slots. 256 slots: the top 8 bits.
        let hash = (key.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
        let slot = self.plain_names.get_mut(usize::try_from(hash).unwrap_or_default());
        match slot {
            Some(known) if *known == key => self.out.push_str(name),
            Some(known) if !needs_escape(name.as_bytes()) => {
                *known = key;
                self.out.push_str(name);
            }
            _ => escape_into(&mut self.out, name),
        }
    }

    fn string(&mut self, s: &str) {
        self.out.push('"');
        escape_into(&mut self.out, s);
        self.out.push('"');
    }

    fn unsigned(&mut self, n: u128) {
        // u128::MAX has 39 digits.
        let mut digits = [0_u8; 40];
        let mut at = digits.len();
        let mut put = |d: u8| {
            at = at.saturating_sub(1);
            if let Some(slot) = digits.get_mut(at) {
                *slot = b'0'.saturating_add(d);
            }
        };
        // `% 10` is below 10: the casts cannot truncate. Digits are taken
        // in 128 bits only until the rest fits 64 (a 128-bit division is a
        // library call in WebAssembly).
        let mut wide = n;
        let mut n = loop {
            match u64::try_from(wide) {
                Ok(n) => break n,
                Err(_) => {
                    put(u8::try_from(wide % 10).unwrap_or(0));
                    wide /= 10;
                }
            }
        };
        loop {
            put(u8::try_from(n % 10).unwrap_or(0));
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in digits.get(at..).unwrap_or_default() {
            self.out.push(char::from(d));
        }
    }

    fn signed(&mut self, n: i128) {
        if n < 0 {
            self.out.push('-');
        }
        self.unsigned(n.unsigned_abs());
    }

    /// Writes a value with `write`, as it is (see `KeyWriter::quoted`).
    fn plain(&mut self, write: impl FnOnce(&mut Writer)) -> Result<(), WriteError> {
        write(self);
        Ok(())
    }

    /// Floats never occur in the core's answers; they are written by
    /// serde_json itself so that the two writers cannot differ.
    fn float<T: Serialize>(&mut self, value: T) -> Result<(), WriteError> {
        let text = serde_json::to_string(&value).map_err(|e| WriteError(e.to_string()))?;
        self.out.push_str(&text);
        Ok(())
    }
}

/// The ten integer methods of a `Serializer`, each writing its value with
/// `Writer::signed` or `Writer::unsigned` through `self.$emit`.
macro_rules! integer_methods {
    ($emit:ident) => {
        fn serialize_i8(self, v: i8) -> Result<(), WriteError> {
            self.$emit(|w| w.signed(v.into()))
        }
        fn serialize_i16(self, v: i16) -> Result<(), WriteError> {
            self.$emit(|w| w.signed(v.into()))
        }
        fn serialize_i32(self, v: i32) -> Result<(), WriteError> {
            self.$emit(|w| w.signed(v.into()))
        }
        fn serialize_i64(self, v: i64) -> Result<(), WriteError> {
            self.$emit(|w| w.signed(v.into()))
        }
        fn serialize_i128(self, v: i128) -> Result<(), WriteError> {
            self.$emit(|w| w.signed(v))
        }
        fn serialize_u8(self, v: u8) -> Result<(), WriteError> {
            self.$emit(|w| w.unsigned(v.into()))
        }
        fn serialize_u16(self, v: u16) -> Result<(), WriteError> {
            self.$emit(|w| w.unsigned(v.into()))
        }
        fn serialize_u32(self, v: u32) -> Result<(), WriteError> {
            self.$emit(|w| w.unsigned(v.into()))
        }
        fn serialize_u64(self, v: u64) -> Result<(), WriteError> {
            self.$emit(|w| w.unsigned(v.into()))
        }
        fn serialize_u128(self, v: u128) -> Result<(), WriteError> {
            self.$emit(|w| w.unsigned(v))
        }
    };
}

/// A sequence, map or struct being written: whether the next element is
/// the first, what closes it (`]` or `}`) and whether it is the value of a
/// variant (closed by one more `}`).
pub(crate) struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    close: char,
    variant: bool,
}

impl Compound<'_> {
    fn separate(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.w.out.push(',');
        }
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), WriteError> {
        self.separate();
        self.w.member_name(key);
        value.serialize(&mut *self.w)
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        self.separate();
        value.serialize(&mut *self.w)
    }

    fn finish(self) -> Result<(), WriteError> {
        self.w.out.push(self.close);
        if self.variant {
            self.w.out.push('}');
        }
        Ok(())
    }
}

impl<'a> Writer {
    fn open(&'a mut self, open: char, close: char) -> Compound<'a> {
        self.out.push(open);
        Compound { w: self, first: true, close, variant: false }
    }

    /// `{"variant":` then `open`, closed by `close` and `}`.
    fn open_variant(&'a mut self, variant: &str, open: char, close: char) -> Compound<'a> {
        self.out.push('{');
        self.string(variant);
        self.out.push(':');
        self.out.push(open);
        Compound { w: self, first: true, close, variant: true }
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    integer_methods!(plain);
    fn serialize_f32(self, v: f32) -> Result<(), WriteError> {
        self.float(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), WriteError> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result<(), WriteError> {
        self.string(v.encode_utf8(&mut [0_u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        if std::mem::take(&mut self.plain_next) {
            self.out.push('"');
            self.out.push_str(v);
            self.out.push('"');
        } else {
            self.string(v);
        }
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), WriteError> {
        let mut seq = self.open('[', ']');
        for b in v {
            seq.element(b)?;
        }
        seq.finish()
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WriteError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), WriteError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), WriteError> {
        self.variant_name(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), WriteError> {
        // The token's address first: a comparison of its text is a byte
        // loop in WebAssembly, and the linker gives one constant one address.
        if std::ptr::eq(name, PLAIN_TEXT) || name == PLAIN_TEXT {
            self.plain_next = true;
            let written = value.serialize(&mut *self);
            self.plain_next = false;
            written
        } else {
            value.serialize(self)
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.out.push('{');
        self.string(variant);
        self.out.push(':');
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('[', ']'))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('[', ']'))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('[', ']'))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, WriteError> {
        Ok(self.open_variant(variant, '[', ']'))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('{', '}'))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open('{', '}'))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, WriteError> {
        Ok(self.open_variant(variant, '{', '}'))
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), WriteError> {
        self.out.push('"');
        write!(Escaping(&mut self.out), "{value}").map_err(|e| WriteError(e.to_string()))?;
        self.out.push('"');
        Ok(())
    }
}

/// Escapes what a `Display` implementation writes, as it is written.
struct Escaping<'a>(&'a mut String);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape_into(self.0, s);
        Ok(())
    }
}

/// The compound traits that write elements (`[a,b]`): `$method` is the
/// trait's name for adding one.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = WriteError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
                self.element(value)
            }
            fn end(self) -> Result<(), WriteError> {
                self.finish()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WriteError> {
        self.separate();
        key.serialize(KeyWriter(&mut *self.w))?;
        self.w.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), WriteError> {
        self.finish()
    }
}

/// The compound traits that write named members (`{"k":v}`).
macro_rules! members {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = WriteError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), WriteError> {
                self.member(key, value)
            }
            fn end(self) -> Result<(), WriteError> {
                self.finish()
            }
        }
    )*};
}

members!(SerializeStruct, SerializeStructVariant);

/// Writes a map key as serde_json does: strings and characters as they
/// are, numbers and booleans quoted, anything else refused.
struct KeyWriter<'a>(&'a mut Writer);

fn key_must_be_a_string() -> WriteError {
    WriteError("key must be a string".to_owned())
}

impl KeyWriter<'_> {
    fn quoted(self, write: impl FnOnce(&mut Writer)) -> Result<(), WriteError> {
        self.0.out.push('"');
        write(self.0);
        self.0.out.push('"');
        Ok(())
    }

    fn float<T: Serialize>(self, value: T, finite: bool) -> Result<(), WriteError> {
        if !finite {
            return Err(WriteError("float key must be finite, got NaN or +/-inf".to_owned()));
        }
        self.0.out.push('"');
        self.0.float(value)?;
        self.0.out.push('"');
        Ok(())
    }
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = ser::Impossible<(), WriteError>;
    type SerializeTuple = ser::Impossible<(), WriteError>;
    type SerializeTupleStruct = ser::Impossible<(), WriteError>;
    type SerializeTupleVariant = ser::Impossible<(), WriteError>;
    type SerializeMap = ser::Impossible<(), WriteError>;
    type SerializeStruct = ser::Impossible<(), WriteError>;
    type SerializeStructVariant = ser::Impossible<(), WriteError>;

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.quoted(|w| w.out.push_str(if v { "true" } else { "false" }))
    }
    integer_methods!(quoted);
    fn serialize_f32(self, v: f32) -> Result<(), WriteError> {
        self.float(v, v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<(), WriteError> {
        self.float(v, v.is_finite())
    }
    fn serialize_char(self, v: char) -> Result<(), WriteError> {
        self.0.string(v.encode_utf8(&mut [0_u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), WriteError> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, WriteError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, WriteError> {
        Err(key_must_be_a_string())
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), WriteError> {
        ser::Serializer::collect_str(self.0, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    #[test]
    fn member_names_are_remembered_by_address_and_length() {
        const FULL: &str = "ab\"c";
        let prefix: &'static str = &FULL[..2];
        let mut w = Writer::new(String::new());
        // The plain prefix is remembered; the longer name at the same address is not taken for it.
        for name in [prefix, FULL, prefix, FULL] {
            w.member_name(name);
        }
        assert_eq!(w.out, r#""ab":"ab\"c":"ab":"ab\"c":"#);
        let mut w = Writer::new(String::new());
        for name in [FULL, prefix, FULL] {
            w.member_name(name);
        }
        assert_eq!(w.out, r#""ab\"c":"ab":"ab\"c":"#);
    }

    fn same<T: Serialize + ?Sized>(value: &T) {
        let ours = to_string(value).map_err(|e| e.to_string());
        let theirs = serde_json::to_string(value).map_err(|e| e.to_string());
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            _ => panic!("ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn escapes_as_serde_json_does() {
        for s in [
            "",
            "plain",
            "a\"b",
            "back\\slash",
            "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}",
            "满减 ¥23 🎁",
            "12345678\n12345678\"x",
        ] {
            same(s);
        }
        same(&'\n');
        same(&'"');
    }

    #[test]
    fn writes_every_shape_as_serde_json_does() {
        #[derive(serde::Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, String),
            Struct { a: Option<i64>, b: Vec<bool> },
        }
        #[derive(serde::Serialize)]
        struct Unit;
        #[derive(serde::Serialize)]
        struct Tuple(i8, u128);
        same(&vec![E::Unit, E::New(7), E::Tuple(1, "x".into()), E::Struct { a: Some(-3), b: vec![true, false] }]);
        same(&E::Struct { a: None, b: vec![] });
        same(&(Unit, Tuple(-128, u128::MAX), i128::MIN, u64::MAX, 0_u8, ()));
        same(&serde_bytes_like());
        let mut keys = BTreeMap::new();
        keys.insert(-5_i32, "minus");
        keys.insert(12, "twelve");
        same(&keys);
        let mut bools = BTreeMap::new();
        bools.insert(true, 1);
        same(&bools);
        let mut chars = BTreeMap::new();
        chars.insert('\t', 1);
        same(&chars);
        let mut bad = BTreeMap::new();
        bad.insert(vec![1], 1);
        same(&bad);
        same(&json!({"a": [1, -2, 1.5, null, {"b\u{1}": "c\\"}], "": {}}));
        // A float read from JSON text, written back through serde_json.
        same(&serde_json::from_str::<Value>("[1.0e300, 0.5, -0.0]").unwrap());
    }

    #[test]
    fn money_and_variant_names_are_written_as_serde_json_writes_them() {
        use crate::money::{Currency, Money};
        #[derive(serde::Serialize)]
        enum Named {
            #[serde(rename = "plain")]
            Plain,
            #[serde(rename = "quo\"ted")]
            Quoted,
        }
        #[derive(serde::Serialize)]
        struct Other<'a>(&'a str);
        let amounts: Vec<Money> = ["0.00", "-12.30", "12345678901234567890.05", "1.005"]
            .iter()
            .map(|s| Money::parse(s, Currency::CNY).unwrap())
            .chain([Money::from_minor(-7, Currency::JPY), Money::from_minor(i64::MIN, Currency::USD)])
            .collect();
        // Names repeat, so the second of each comes from the remembered slot;
        // the string after an amount is checked for escapes again.
        same(&(Named::Plain, Named::Quoted, Named::Quoted, Named::Plain, &amounts, "a\"b", &amounts, Other("c\\d")));
    }

    fn serde_bytes_like() -> impl Serialize {
        struct Bytes;
        impl Serialize for Bytes {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&[0, 7, 255])
            }
        }
        Bytes
    }

    #[test]
    fn collect_str_escapes_what_display_writes() {
        struct Shown;
        impl Display for Shown {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a\"b{}c\nd", 1)
            }
        }
        struct Collected;
        impl Serialize for Collected {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&Shown)
            }
        }
        same(&Collected);
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            ".{0,24}".prop_map(Value::String),
            proptest::collection::vec(0_u8..0x80, 0..20)
                .prop_map(|b| Value::String(b.into_iter().map(char::from).collect())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(".{0,12}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn words_find_what_a_byte_scan_finds(
            mut bytes in proptest::collection::vec(b' '..=0xff_u8, 0..24),
            bad in proptest::option::of((any::<proptest::sample::Index>(), prop_oneof![Just(b'"'), Just(b'\\'), 0_u8..0x20])),
        ) {
            // At most one byte that needs an escape, anywhere.
            if let Some((at, byte)) = bad.filter(|_| !bytes.is_empty()) {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            prop_assert_eq!(needs_escape(&bytes), bytes.iter().any(|&b| escape_of(b).is_some()));
        }

        #[test]
        fn any_value_is_written_as_serde_json_writes_it(v in value()) {
            prop_assert_eq!(to_string(&v).ok(), serde_json::to_string(&v).ok());
        }
    }
}
