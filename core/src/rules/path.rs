//! JSON paths built on the stack and written out only when a problem needs one.

use std::fmt;

/// A JSON path such as `price_lists[2].prices[0].tiers[0].min_qty`.
///
/// ```
/// use commerce_rules::rules::JsonPath;
/// let root = JsonPath::root();
/// let lists = root.field("price_lists");
/// let list = lists.index(2);
/// assert_eq!(list.field("id").to_string(), "price_lists[2].id");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct JsonPath<'a> {
    parent: Option<&'a JsonPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> JsonPath<'a> {
    /// The whole document.
    pub const fn root() -> JsonPath<'static> {
        JsonPath { parent: None, segment: Segment::Root }
    }

    /// A field of this object.
    pub fn field(&'a self, name: &'a str) -> JsonPath<'a> {
        JsonPath { parent: Some(self), segment: Segment::Field(name) }
    }

    /// An element of this array.
    pub fn index(&'a self, i: usize) -> JsonPath<'a> {
        JsonPath { parent: Some(self), segment: Segment::Index(i) }
    }
}

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Field(name) => match self.parent {
                Some(JsonPath { segment: Segment::Root, .. }) | None => f.write_str(name),
                Some(_) => write!(f, ".{name}"),
            },
            Segment::Index(i) => write!(f, "[{i}]"),
        }
    }
}
