//! Collects every problem of a rule set, up to a cap.

use super::JsonPath;
use crate::{ErrorCode, Problem};

/// The problems found so far, capped at `max`.
#[derive(Debug)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    max: usize,
}

impl Problems {
    pub(crate) fn new(max: usize) -> Self {
        Problems { list: Vec::new(), max: max.max(1) }
    }

    /// Records a problem at `path` (ignored once the cap is reached).
    pub(crate) fn add(&mut self, code: ErrorCode, path: &JsonPath<'_>, message: impl Into<String>) {
        if self.list.len() < self.max {
            self.list.push(Problem::new(code, path.to_string(), message));
        }
    }

    /// Records a problem at a path already written out (`promotions[0].amounts_in.USD`).
    pub(crate) fn add_at(&mut self, code: ErrorCode, path: &str, message: impl Into<String>) {
        if self.list.len() < self.max {
            self.list.push(Problem::new(code, path, message));
        }
    }

    /// Checks a count against its limit, at a path already written out.
    pub(crate) fn count_at(&mut self, len: usize, max: usize, path: &str) {
        if len > max {
            self.add_at(ErrorCode::LimitExceeded, path, format!("has {len} items; the limit is {max}"));
        }
    }

    /// Records a problem when `failed` holds.
    pub(crate) fn check(&mut self, failed: bool, code: ErrorCode, path: &JsonPath<'_>, message: &str) {
        if failed {
            self.add(code, path, message);
        }
    }

    /// Checks an id: non-empty and at most `max_bytes` long.
    pub(crate) fn id(&mut self, id: &str, max_bytes: usize, path: &JsonPath<'_>) {
        // Blank (empty or only whitespace): stops at the first other character.
        if id.chars().all(char::is_whitespace) {
            self.add(ErrorCode::OutOfRange, path, "must not be empty");
        } else if id.len() > max_bytes {
            self.add(ErrorCode::LimitExceeded, path, format!("must be at most {max_bytes} bytes"));
        }
    }

    /// Checks a count against its limit.
    pub(crate) fn count(&mut self, len: usize, max: usize, path: &JsonPath<'_>) {
        if len > max {
            self.add(ErrorCode::LimitExceeded, path, format!("has {len} items; the limit is {max}"));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_problems(id: &str) -> Vec<(ErrorCode, String)> {
        let mut p = Problems::new(10);
        let root = JsonPath::root();
        p.id(id, 8, &root.field("id"));
        p.into_vec().into_iter().map(|problem| (problem.code, problem.message)).collect()
    }

    #[test]
    fn ids_are_neither_blank_nor_too_long() {
        for blank in ["", " ", "\t \n", "\u{3000}"] {
            assert_eq!(id_problems(blank), [(ErrorCode::OutOfRange, "must not be empty".to_string())], "{blank:?}");
        }
        for fine in ["a", " a ", "P-001", "满减"] {
            assert!(id_problems(fine).is_empty(), "{fine:?}");
        }
        assert_eq!(id_problems("123456789"), [(ErrorCode::LimitExceeded, "must be at most 8 bytes".to_string())]);
    }
}
