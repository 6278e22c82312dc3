//! Sorting with a single copy of the standard library's sort in WebAssembly.
//!
//! `slice::sort_by` is generic over the element type and the comparison:
//! every call with another type or closure compiles a whole sort (the
//! standard library's driftsort and ipnsort, several KB each: ~150 KB of
//! WebAssembly for the core's two dozen sorts). For WebAssembly, where
//! every byte is downloaded, these sort the positions instead, with the
//! comparison behind a `dyn`, so the sort itself is compiled once, then
//! move the elements into place. Elsewhere they are the standard library's
//! `sort_by`, which is faster (the indirection cost about 5 % of a
//! promotion quote). Both are stable sorts, and a stable sort's result is
//! fixed by the comparison, so every build gives the same order; where the
//! core sorted with `sort_unstable*`, equal elements are identical, so the
//! result is the same too.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// `v.sort_by(compare)`.
#[cfg(not(target_family = "wasm"))]
pub(crate) fn sort_by<T>(v: &mut [T], compare: impl FnMut(&T, &T) -> Ordering) {
    v.sort_by(compare);
}

/// `v.sort_by(compare)`, with one compiled copy of the sort for every call.
#[cfg(target_family = "wasm")]
pub(crate) fn sort_by<T>(v: &mut [T], compare: impl FnMut(&T, &T) -> Ordering) {
    sort_by_positions(v, compare);
}

/// `v.sort_by(compare)` by sorting the positions with a `dyn` comparison
/// (one compiled sort for all types), then moving the elements into place.
#[cfg(any(target_family = "wasm", test))]
fn sort_by_positions<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    let items: &[T] = v;
    sort_positions(&mut order, &mut |a, b| match (items.get(a), items.get(b)) {
        (Some(a), Some(b)) => compare(a, b),
        _ => Ordering::Equal,
    });
    // `order[k]` is where the element that goes to `k` is: send each element
    // to its place, one swap putting one element where it belongs.
    let mut place = vec![0; order.len()];
    for (k, &from) in order.iter().enumerate() {
        if let Some(p) = place.get_mut(from) {
            *p = k;
        }
    }
    for i in 0..v.len() {
        while let Some(&to) = place.get(i).filter(|&&to| to != i && to < v.len()) {
            v.swap(i, to);
            place.swap(i, to);
        }
    }
}

/// `order.sort_by(compare)` for positions: in WebAssembly, the one compiled
/// sort of positions, without the copy `sort_by` makes to move elements.
pub(crate) fn sort_indexes(order: &mut [usize], mut compare: impl FnMut(usize, usize) -> Ordering) {
    #[cfg(target_family = "wasm")]
    sort_positions(order, &mut compare);
    #[cfg(not(target_family = "wasm"))]
    order.sort_by(|&a, &b| compare(a, b));
}

/// `v.sort()`.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `v.sort_by_key(key)`.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `items.collect::<BTreeSet<_>>()`, inserting one by one: collecting
/// sorts the items first (a stable sort compiled for each element type).
/// The same set.
pub(crate) fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// `pairs.collect::<BTreeMap<_, _>>()`, inserting one by one: collecting
/// sorts the pairs first (a stable sort compiled for each pair type). The
/// same map: for a repeated key, the last value.
pub(crate) fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (key, value) in pairs {
        map.insert(key, value);
    }
    map
}

#[cfg(any(target_family = "wasm", test))]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_keeps_ties_in_order() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for len in 0..200 {
            let mut v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ((state % 7) as u8, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            // The WebAssembly build's sort, then the one this build uses.
            let mut by_positions = v.clone();
            sort_by_positions(&mut by_positions, |a, b| a.0.cmp(&b.0));
            assert_eq!(by_positions, expected);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, expected);
            let mut w: Vec<String> = v.iter().map(|p| format!("{}{}", p.1 % 5, p.0)).collect();
            let mut expected = w.clone();
            expected.sort();
            let mut by_positions = w.clone();
            sort_by_positions(&mut by_positions, String::cmp);
            assert_eq!(by_positions, expected);
            sort(&mut w);
            assert_eq!(w, expected);
        }
    }

    #[test]
    fn indexes_sort_alike_in_every_build() {
        let keys = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
        let mut expected: Vec<usize> = (0..keys.len()).collect();
        expected.sort_by_key(|&i| keys[i]);
        let mut here: Vec<usize> = (0..keys.len()).collect();
        sort_indexes(&mut here, |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(here, expected);
        // The WebAssembly build's path.
        let mut positions: Vec<usize> = (0..keys.len()).collect();
        sort_positions(&mut positions, &mut |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(positions, expected);
    }

    #[test]
    fn sets_and_maps_are_those_collect_builds() {
        let keys = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
        assert_eq!(set_of(keys), keys.into_iter().collect::<BTreeSet<_>>());
        let pairs: Vec<(u8, usize)> = keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        assert_eq!(map_of(pairs.clone()), pairs.into_iter().collect::<BTreeMap<_, _>>());
    }
}
