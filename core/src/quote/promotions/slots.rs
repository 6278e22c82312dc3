//! A table indexed by promotion or filter whose cost follows the entries
//! written, not the rule set's size.
//!
//! A quote's per-promotion and per-filter facts (the lines a filter covers,
//! a promotion's last outcome) are written for the few promotions that
//! concern the cart, but indexed by positions in the whole rule set. A
//! plain vector of options would be sized, zeroed and dropped by the rule
//! set (1,000 promotions of 40 bytes for a one-line cart); here the index
//! is a vector of `u32` (4 bytes per position) and the values are kept
//! densely, in the order they were first written.

/// Values of type `T` at some of the positions `0..len`.
///
/// ```ignore
/// let mut t = Slots::new(1000);
/// t.insert(7, "seven");
/// assert_eq!(t.get(7), Some(&"seven"));
/// assert_eq!(t.get(8), None);
/// ```
#[derive(Debug)]
pub(crate) struct Slots<T> {
    /// Per position: 0 when empty, else 1 + where its value is in `values`.
    at: Vec<u32>,
    values: Vec<T>,
}

impl<T> Slots<T> {
    /// An empty table over positions `0..len`.
    pub(crate) fn new(len: usize) -> Self {
        Slots { at: vec![0; len], values: Vec::new() }
    }

    /// The value at `position`, if one was written.
    pub(crate) fn get(&self, position: usize) -> Option<&T> {
        let at = self.at.get(position).copied()?.checked_sub(1)?;
        self.values.get(usize::try_from(at).ok()?)
    }

    /// The value at `position`, if one was written, to change in place.
    pub(crate) fn get_mut(&mut self, position: usize) -> Option<&mut T> {
        let at = self.at.get(position).copied()?.checked_sub(1)?;
        self.values.get_mut(usize::try_from(at).ok()?)
    }

    /// Writes `value` at `position` (over the value there, if any); out of
    /// range, nothing.
    pub(crate) fn insert(&mut self, position: usize, value: T) {
        if let Some(old) = self.get_mut(position) {
            *old = value;
        } else {
            self.push(position, value);
        }
    }

    /// Writes the first value at `position`, which has none.
    fn push(&mut self, position: usize, value: T) -> Option<&mut T> {
        let slot = self.at.get_mut(position)?;
        let at = self.values.len();
        // The first value is 1; positions are far fewer than `u32::MAX` (a
        // rule set's promotions and filters).
        *slot = u32::try_from(at.checked_add(1)?).ok()?;
        self.values.push(value);
        self.values.get_mut(at)
    }

    /// The value at `position`, written first with `make()` when there is
    /// none; `None` for a position out of range.
    pub(crate) fn get_or_insert_with(&mut self, position: usize, make: impl FnOnce() -> T) -> Option<&mut T> {
        if self.get(position).is_some() {
            return self.get_mut(position);
        }
        self.push(position, make())
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;

    #[test]
    fn written_positions_answer_their_values_and_others_none() {
        let mut t: Slots<String> = Slots::new(5);
        assert_eq!(t.get(3), None);
        assert_eq!(t.get_or_insert_with(3, || "three".into()).map(|s| s.as_str()), Some("three"));
        // Written once: a second insert finds the value, not `make`'s.
        assert_eq!(t.get_or_insert_with(3, || "other".into()).map(|s| s.as_str()), Some("three"));
        if let Some(s) = t.get_or_insert_with(0, String::new) {
            s.push('z');
        }
        if let Some(s) = t.get_mut(3) {
            s.push('!');
        }
        assert_eq!(t.get(3).map(String::as_str), Some("three!"));
        t.insert(3, "again".into());
        t.insert(2, "two".into());
        t.insert(7, "out of range".into());
        assert_eq!(t.get(3).map(String::as_str), Some("again"));
        assert_eq!(t.get(2).map(String::as_str), Some("two"));
        assert_eq!(t.get(0).map(String::as_str), Some("z"));
        assert_eq!(t.get(1), None);
        assert_eq!(t.get_mut(4), None);
        // Out of range: nothing, never a panic.
        assert_eq!(t.get(5), None);
        assert!(t.get_or_insert_with(9, String::new).is_none());
    }
}
