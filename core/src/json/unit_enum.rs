//! One compiled `Deserialize` for the core's unit-only enums (string
//! values: `"half_even"`, `"per_line"`...).
//!
//! serde's derive compiles, for every such enum and every deserializer, its
//! own copy of the enum and variant-name visitors and of the deserializer's
//! `deserialize_enum` (about 1.3 KB of WebAssembly each, for four dozen
//! enums). [`unit_enum!`](crate::unit_enum) implements `Deserialize` with
//! the shared visitors here instead, compiled once per deserializer; they
//! do what the derived ones do, with the same messages (the tests compare
//! them with a derived twin through serde_json, through the buffering of an
//! internally tagged enum and through `serde_json::Value`).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, Unexpected, VariantAccess, Visitor};

/// A unit-only enum: its Rust name, its variants and their names, in order.
pub(crate) trait UnitEnum: Sized + Clone + 'static {
    /// The enum's name, as the derive names it in messages (`enum Scope`).
    const NAME: &'static str;
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The name of each variant of [`UnitEnum::ALL`], in the same order.
    const NAMES: &'static [&'static str];
}

/// `T::deserialize(d)` as serde's derive does it for a unit-only enum.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: UnitEnum>(d: D) -> Result<T, D::Error> {
    let i = variant(d, T::NAME, T::NAMES)?;
    T::ALL.get(i).cloned().ok_or_else(|| de::Error::invalid_length(i, &"a variant index"))
}

/// The position in `names` of the variant `d` holds.
#[inline(never)]
fn variant<'de, D: Deserializer<'de>>(
    d: D,
    name: &'static str,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    d.deserialize_enum(name, names, EnumVisitor { name, names })
}

struct EnumVisitor {
    name: &'static str,
    names: &'static [&'static str],
}

impl<'de> Visitor<'de> for EnumVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.name)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (i, variant) = data.variant_seed(VariantName { names: self.names })?;
        variant.unit_variant()?;
        Ok(i)
    }
}

/// A variant's name (or index), as the derive's variant identifier reads it.
struct VariantName {
    names: &'static [&'static str],
}

impl<'de> DeserializeSeed<'de> for VariantName {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantName {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        usize::try_from(v)
            .ok()
            .filter(|&i| i < self.names.len())
            .ok_or_else(|| E::invalid_value(Unexpected::Unsigned(v), &IndexBelow(self.names.len())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.names.iter().position(|n| *n == v).ok_or_else(|| E::unknown_variant(v, self.names))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        self.names
            .iter()
            .position(|n| n.as_bytes() == v)
            .ok_or_else(|| E::unknown_variant(&String::from_utf8_lossy(v), self.names))
    }
}

/// "variant index 0 <= i < n", as the derive expects a variant's index.
struct IndexBelow(usize);

impl de::Expected for IndexBelow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "variant index 0 <= i < {}", self.0)
    }
}

#[cfg(test)]
mod tests;
