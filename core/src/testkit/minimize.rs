//! The post-pass after proptest's shrinking: drop every part of a failing
//! request that the failure does not need, and bring amounts, quantities,
//! weights, points and the instant to round, small figures. Deterministic:
//! the edits are tried in a fixed order, with no random numbers.

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::{QuoteRequest, Timestamp};

/// Property evaluations the post-pass may spend on one failure.
pub(crate) const MAX_MINIMIZE_STEPS: u32 = 1_024;

/// Round figures at or below `x`, smallest first: 0, then the powers of ten
/// below `x` (1, 10, 100… in major units), then `x` cut to fewer and fewer
/// digits (123.45 → 100, 120, 123, 123.4).
fn round_decimals(x: Decimal) -> Vec<Decimal> {
    let mut out = vec![Decimal::ZERO];
    if x <= Decimal::ZERO {
        return out;
    }
    let ten = Decimal::TEN;
    let mut p = Decimal::ONE;
    while p < x {
        out.push(p);
        match p.checked_mul(ten) {
            Some(next) => p = next,
            None => break,
        }
    }
    // `x` cut at 10^k, from the coarsest (p/10, below x) down to x's own scale.
    let mut step = p.checked_div(ten).unwrap_or(Decimal::ONE);
    let finest = Decimal::new(1, x.scale());
    while step >= finest && step > Decimal::ZERO {
        if let Some(cut) = x.checked_div(step).map(|q| q.trunc()).and_then(|q| q.checked_mul(step)) {
            if cut < x && !out.contains(&cut) {
                out.push(cut);
            }
        }
        step = match step.checked_div(ten) {
            Some(s) => s,
            None => break,
        };
    }
    out
}

/// Round whole numbers below `x`, smallest first, from `min`: `min`, the
/// powers of ten, `x` cut to fewer digits, half of `x`, and `x - 1`.
fn round_integers(x: u64, min: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut push = |n: u64| {
        if n >= min && n < x && !out.contains(&n) {
            out.push(n);
        }
    };
    push(min);
    let mut p = 1_u64;
    while p < x {
        push(p);
        p = p.saturating_mul(10);
    }
    let mut step = p / 10;
    while step >= 1 {
        push(x / step * step);
        step /= 10;
    }
    push(x / 2);
    push(x.saturating_sub(1));
    out
}

/// Earlier, rounder instants: the start of the year, month, day, hour, minute.
fn round_instants(t: Timestamp) -> Vec<Timestamp> {
    let u = t.utc();
    let cuts = [
        Utc.with_ymd_and_hms(u.year(), 1, 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(u.year(), u.month(), 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(u.year(), u.month(), u.day(), 0, 0, 0).single(),
        Utc.with_ymd_and_hms(u.year(), u.month(), u.day(), u.hour(), 0, 0).single(),
        Utc.with_ymd_and_hms(u.year(), u.month(), u.day(), u.hour(), u.minute(), 0).single(),
    ];
    let mut out: Vec<Timestamp> = Vec::new();
    for cut in cuts.into_iter().flatten() {
        let cut: DateTime<Utc> = cut;
        let ts = Timestamp(cut.fixed_offset());
        if ts.utc() < u && !out.contains(&ts) {
            out.push(ts);
        }
    }
    out
}

/// An edit of line `i` of a request.
fn on_line(i: usize, f: impl Fn(&mut crate::CartLine)) -> impl Fn(&mut QuoteRequest) {
    move |c| {
        if let Some(l) = c.lines.get_mut(i) {
            f(l);
        }
    }
}

/// Every simpler request one edit away from `r`, coarsest edits first.
fn edits(r: &QuoteRequest) -> Vec<QuoteRequest> {
    let mut out = Vec::new();
    let mut try_edit = |f: &dyn Fn(&mut QuoteRequest)| {
        let mut c = r.clone();
        f(&mut c);
        if &c != r {
            out.push(c);
        }
    };

    // Whole parts.
    try_edit(&|c| c.points = None);
    try_edit(&|c| c.destination = None);
    try_edit(&|c| c.channel = None);
    for i in 0..r.lines.len() {
        try_edit(&|c| {
            c.lines.remove(i);
        });
    }
    for i in 0..r.codes.len() {
        try_edit(&|c| {
            c.codes.remove(i);
        });
    }
    for i in 0..r.wallet.len() {
        try_edit(&|c| {
            c.wallet.remove(i);
        });
    }
    // The customer.
    try_edit(&|c| c.customer.id = None);
    try_edit(&|c| c.customer.tier = None);
    try_edit(&|c| c.customer.first_order = false);
    for i in 0..r.customer.segments.len() {
        try_edit(&|c| {
            c.customer.segments.remove(i);
        });
    }
    for i in 0..r.wallet.len() {
        try_edit(&|c| {
            if let Some(w) = c.wallet.get_mut(i) {
                w.redeemed = false;
            }
        });
    }
    // Each line's optional fields.
    for (i, line) in r.lines.iter().enumerate() {
        try_edit(&on_line(i, |l| l.tax_class = None));
        try_edit(&on_line(i, |l| l.brand = None));
        try_edit(&on_line(i, |l| l.non_discountable = false));
        try_edit(&on_line(i, |l| l.weight_g = None));
        try_edit(&on_line(i, |l| l.dimensions = None));
        try_edit(&on_line(i, |l| l.shipping_class = None));
        try_edit(&on_line(i, |l| l.origin = None));
        for k in 0..line.categories.len() {
            try_edit(&on_line(i, |l| {
                l.categories.remove(k);
            }));
        }
        for k in 0..line.tags.len() {
            try_edit(&on_line(i, |l| {
                l.tags.remove(k);
            }));
        }
    }
    // Figures, toward round and small.
    for (i, line) in r.lines.iter().enumerate() {
        for q in round_integers(u64::from(line.quantity), 1) {
            let q = u32::try_from(q).unwrap_or(1);
            try_edit(&on_line(i, |l| l.quantity = q));
        }
        for price in round_decimals(line.unit_price.0) {
            try_edit(&on_line(i, |l| l.unit_price = crate::money::Amount(price)));
        }
        if let Some(w) = line.weight_g {
            for g in round_integers(u64::from(w), 0) {
                let g = u32::try_from(g).unwrap_or(0);
                try_edit(&on_line(i, |l| l.weight_g = Some(g)));
            }
        }
    }
    if let Some(p) = &r.points {
        for i in 0..p.lots.len() {
            try_edit(&|c| {
                if let Some(p) = c.points.as_mut() {
                    p.lots.remove(i);
                }
            });
        }
        for n in round_integers(p.redeem, 0) {
            try_edit(&|c| {
                if let Some(p) = c.points.as_mut() {
                    p.redeem = n;
                }
            });
        }
        for n in round_integers(p.debt, 0) {
            try_edit(&|c| {
                if let Some(p) = c.points.as_mut() {
                    p.debt = n;
                }
            });
        }
        for (i, lot) in p.lots.iter().enumerate() {
            for n in round_integers(u64::try_from(lot.amount).unwrap_or(0), 0) {
                let n = i64::try_from(n).unwrap_or(0);
                try_edit(&|c| {
                    if let Some(lot) = c.points.as_mut().and_then(|p| p.lots.get_mut(i)) {
                        lot.amount = n;
                    }
                });
            }
        }
    }
    for t in round_instants(r.now) {
        try_edit(&|c| c.now = t);
    }
    out
}

/// Simplifies `request` while `still_fails` holds: tries the edits of
/// [`edits`] in order and keeps the first that still fails, again and again,
/// until none does or [`MAX_MINIMIZE_STEPS`] evaluations are spent. Every
/// accepted edit makes the request strictly simpler, so this ends.
pub(crate) fn minimize(request: QuoteRequest, mut still_fails: impl FnMut(&QuoteRequest) -> bool) -> QuoteRequest {
    let mut current = request;
    let mut steps = 0_u32;
    'outer: loop {
        for candidate in edits(&current) {
            if steps >= MAX_MINIMIZE_STEPS {
                break 'outer;
            }
            steps = steps.saturating_add(1);
            if still_fails(&candidate) {
                current = candidate;
                continue 'outer;
            }
        }
        break;
    }
    current
}

/// A JSON value whose objects keep the order of their fields.
#[derive(Debug, Clone, PartialEq)]
enum Ordered {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Null => s.serialize_unit(),
            Ordered::Bool(b) => s.serialize_bool(*b),
            Ordered::Number(n) => n.serialize(s),
            Ordered::String(t) => s.serialize_str(t),
            Ordered::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Ordered::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ordered, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Ordered, E> {
                Ok(Ordered::Bool(b))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Ordered, E> {
                Ok(Ordered::Number(n.into()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Ordered, E> {
                Ok(Ordered::Number(n.into()))
            }
            // No fractional numbers: requests carry money as strings and
            // counts as integers, and the core has no floating point (a
            // fraction is refused as an invalid type).
            fn visit_str<E: de::Error>(self, t: &str) -> Result<Ordered, E> {
                Ok(Ordered::String(t.to_string()))
            }
            fn visit_string<E: de::Error>(self, t: String) -> Result<Ordered, E> {
                Ok(Ordered::String(t))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Ordered, A::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = a.next_entry()? {
                    fields.push((k, v));
                }
                Ok(Ordered::Object(fields))
            }
        }
        d.deserialize_any(V)
    }
}

/// Removes, depth first, every object field whose absence leaves `same`
/// true for the whole document.
fn prune(doc: &mut Ordered, at: &mut Vec<usize>, same: &dyn Fn(&Ordered) -> bool) {
    let len = match node(doc, at) {
        Some(Ordered::Object(fields)) => fields.len(),
        Some(Ordered::Array(items)) => items.len(),
        _ => return,
    };
    let is_object = matches!(node(doc, at), Some(Ordered::Object(_)));
    // From the last field back, so that the indices before stay valid: a
    // whole field first, else what is inside it.
    for i in (0..len).rev() {
        if is_object {
            if let Some(Ordered::Object(fields)) = node_mut(doc, at) {
                let removed = fields.remove(i);
                if same(doc) {
                    continue;
                }
                if let Some(Ordered::Object(fields)) = node_mut(doc, at) {
                    fields.insert(i, removed);
                }
            }
        }
        at.push(i);
        prune(doc, at, same);
        at.pop();
    }
}

fn node<'a>(doc: &'a Ordered, at: &[usize]) -> Option<&'a Ordered> {
    at.iter().try_fold(doc, |n, &i| match n {
        Ordered::Object(fields) => fields.get(i).map(|(_, v)| v),
        Ordered::Array(items) => items.get(i),
        _ => None,
    })
}

fn node_mut<'a>(doc: &'a mut Ordered, at: &[usize]) -> Option<&'a mut Ordered> {
    at.iter().try_fold(doc, |n, &i| match n {
        Ordered::Object(fields) => fields.get_mut(i).map(|(_, v)| v),
        Ordered::Array(items) => items.get_mut(i),
        _ => None,
    })
}

/// `request` as pretty JSON in its fields' order, without the fields that
/// only repeat a default (`"locale": "en"`, `"codes": []`…): the shortest
/// text that reads back as the same request.
pub fn minimal_json(request: &QuoteRequest) -> String {
    let full = serde_json::to_string(request).unwrap_or_default();
    let Ok(mut doc) = serde_json::from_str::<Ordered>(&full) else {
        return serde_json::to_string_pretty(request).unwrap_or_default();
    };
    let same = |d: &Ordered| {
        serde_json::to_string(d)
            .ok()
            .and_then(|t| serde_json::from_str::<QuoteRequest>(&t).ok())
            .is_some_and(|back| &back == request)
    };
    prune(&mut doc, &mut Vec::new(), &same);
    serde_json::to_string_pretty(&doc).unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_go_toward_round_small_figures() {
        let got: Vec<String> = round_decimals(d("123.45")).iter().map(|x| x.normalize().to_string()).collect();
        assert_eq!(got, ["0", "1", "10", "100", "120", "123", "123.4"]);
        assert_eq!(round_decimals(d("0.00")), [Decimal::ZERO]);
        assert_eq!(round_integers(27, 1), [1, 10, 20, 13, 26]);
        assert_eq!(round_integers(1, 1), Vec::<u64>::new());
    }

    #[test]
    fn the_minimal_json_keeps_only_what_differs_from_defaults_in_order() {
        let request: QuoteRequest = serde_json::from_str(
            r#"{"now": "2026-11-11T10:00:00+08:00", "lines": [{"id": "1", "sku": "A", "quantity": 1, "unit_price": "5.00"}]}"#,
        )
        .unwrap();
        let json = minimal_json(&request);
        let back: QuoteRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, request);
        assert!(!json.contains("locale") && !json.contains("codes"), "{json}");
        assert!(json.find("\"now\"") < json.find("\"lines\""), "{json}");
    }
}
