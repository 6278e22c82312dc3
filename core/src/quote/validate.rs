//! Checks a quote request against the limits and the rule set before any
//! computation, so that every later stage works on sound input.

use crate::rules::FastSet;

use rust_decimal::Decimal;

use super::QuoteRequest;
use crate::rules::{CompiledRules, JsonPath, Problems};
use crate::{Error, ErrorCode, Limits};

/// The first problem of the request, as an error; for a sound request, its
/// lines' request indexes sorted by line id (the order of the answer's lines).
pub(crate) fn validate(rules: &CompiledRules, limits: &Limits, req: &QuoteRequest) -> Result<Vec<usize>, Error> {
    let mut p = Problems::new(1);
    let root = JsonPath::root();
    if let Some(currency) = req.currency.filter(|c| *c != rules.currency) {
        p.add(
            ErrorCode::CurrencyMismatch,
            &root.field("currency"),
            format!("the rule set settles in {}, not {currency}", rules.currency),
        );
    }
    let customer = root.field("customer");
    if let Some(id) = &req.customer.id {
        p.id(id, limits.max_id_bytes, &customer.field("id"));
    }
    if let Some(tier) = &req.customer.tier {
        p.id(tier, limits.max_id_bytes, &customer.field("tier"));
        if rules.membership.as_ref().is_some_and(|m| m.tier(tier).is_none()) {
            p.add(
                ErrorCode::UnknownReference,
                &customer.field("tier"),
                format!("no membership tier `{tier}` is defined"),
            );
        }
    }
    crate::rules::labels(&req.customer.segments, limits, &customer.field("segments"), &mut p);

    if crate::time::too_late(req.now) {
        p.add(
            ErrorCode::OutOfRange,
            &root.field("now"),
            format!(
                "must be before {}-01-01T00:00:00Z: answers name dates up to 200 years later, and RFC 3339 ends at 9999-12-31",
                crate::time::LATEST_NOW_YEAR
            ),
        );
    }
    if req.max_hints > super::MAX_HINTS {
        p.add(ErrorCode::LimitExceeded, &root.field("max_hints"), format!("must be at most {}", super::MAX_HINTS));
    }
    let lines_path = root.field("lines");
    p.count(req.lines.len(), limits.max_lines, &lines_path);
    // Sorted by id (a stable sort), a repeated id's lines are neighbours, the
    // first in request order first: every later one repeats an earlier id.
    let mut order: Vec<usize> = Vec::new();
    let mut repeats = Vec::new();
    if p.is_empty() {
        order = (0..req.lines.len()).collect();
        let id = |i: usize| req.lines.get(i).map(|l| &*l.id);
        crate::sort::sort_indexes(&mut order, |a, b| id(a).cmp(&id(b)));
        repeats = vec![false; req.lines.len()];
        for pair in order.windows(2) {
            if let [a, b] = *pair {
                if id(a) == id(b) {
                    if let Some(r) = repeats.get_mut(b) {
                        *r = true;
                    }
                }
            }
        }
    }
    for (i, line) in req.lines.iter().enumerate() {
        if !p.is_empty() {
            break;
        }
        let at = lines_path.index(i);
        p.id(&line.id, limits.max_id_bytes, &at.field("id"));
        if repeats.get(i) == Some(&true) {
            p.add(ErrorCode::DuplicateId, &at.field("id"), format!("line id `{}` is used twice", line.id));
        }
        if let Some(promotion) = gift_line_of(rules, &line.id) {
            p.add(
                ErrorCode::DuplicateId,
                &at.field("id"),
                format!("line id `{}` is the id of the gift line promotion `{promotion}` adds", line.id),
            );
        }
        p.id(&line.sku, limits.max_id_bytes, &at.field("sku"));
        p.check(line.quantity < 1, ErrorCode::OutOfRange, &at.field("quantity"), "must be >= 1");
        if line.quantity > limits.max_quantity {
            p.add(ErrorCode::LimitExceeded, &at.field("quantity"), format!("must be at most {}", limits.max_quantity));
        }
        crate::rules::amount_valid(line.unit_price, rules.currency, &at.field("unit_price"), &mut p);
        if let Some(class) = &line.tax_class {
            if !rules.tax.classes.contains_key(class) {
                p.add(
                    ErrorCode::UnknownReference,
                    &at.field("tax_class"),
                    format!("no tax class `{class}` is defined"),
                );
            }
        }
        crate::rules::labels(&line.categories, limits, &at.field("categories"), &mut p);
        crate::rules::labels(&line.tags, limits, &at.field("tags"), &mut p);
        if let Some(brand) = &line.brand {
            p.id(brand, limits.max_id_bytes, &at.field("brand"));
        }
        super::shipping::validate_line(rules, limits, line, &at, &mut p);
        super::landed::validate_line(line, &at, &mut p);
    }
    super::shipping::validate_request(limits, req, &mut p);
    let codes = root.field("codes");
    p.count(req.codes.len(), limits.max_codes, &codes);
    for (i, code) in req.codes.iter().enumerate() {
        if code.len() > limits.max_id_bytes {
            p.add(ErrorCode::LimitExceeded, &codes.index(i), format!("must be at most {} bytes", limits.max_id_bytes));
        }
    }
    let wallet = root.field("wallet");
    p.count(req.wallet.len(), limits.max_wallet, &wallet);
    let mut wallet_ids = FastSet::with_capacity_and_hasher(req.wallet.len(), Default::default());
    for (i, w) in req.wallet.iter().enumerate() {
        let at = wallet.index(i);
        p.id(&w.id, limits.max_id_bytes, &at.field("id"));
        if !wallet_ids.insert(w.id.as_str()) {
            p.add(ErrorCode::DuplicateId, &at.field("id"), format!("wallet coupon `{}` is listed twice", w.id));
        }
        p.id(&w.promotion_id, limits.max_id_bytes, &at.field("promotion_id"));
        if let Some(code) = &w.code {
            p.id(code, limits.max_id_bytes, &at.field("code"));
        }
        if let (Some(from), Some(until)) = (w.valid_from, w.valid_until) {
            p.check(
                until.utc() <= from.utc(),
                ErrorCode::InvalidWindow,
                &at.field("valid_until"),
                "must be after valid_from",
            );
        }
    }
    if let crate::quote::WalletSelection::Only(ids) = &req.wallet_selection {
        crate::rules::labels(ids, limits, &root.field("wallet_selection").field("only"), &mut p);
    }
    let usage = root.field("usage");
    p.count(req.usage.len(), limits.max_promotions, &usage);
    for (i, u) in req.usage.iter().enumerate() {
        let at = usage.index(i);
        p.id(&u.promotion_id, limits.max_id_bytes, &at.field("promotion_id"));
        if let Some(spent) = u.budget_spent {
            crate::rules::amount_valid(spent, rules.currency, &at.field("budget_spent"), &mut p);
        }
    }
    if let Some(points) = &req.points {
        crate::points::lots::check_lots(&points.lots, limits, &root.field("points").field("lots"), &mut p);
    }
    if let Some(customs) = &req.customs {
        super::landed::validate_request(customs, &root.field("customs"), &mut p);
    }
    if let Some(channel) = &req.channel {
        p.id(channel, limits.max_id_bytes, &root.field("channel"));
    }
    if let Some(display) = &req.display_currency {
        p.check(
            display.rate.value() <= Decimal::ZERO,
            ErrorCode::OutOfRange,
            &root.field("display_currency").field("rate"),
            "must be > 0",
        );
    }
    match p.into_vec().into_iter().next() {
        Some(problem) => Err(Error::InvalidRequest(problem)),
        None => Ok(order),
    }
}

/// The promotion whose gift line would have line id `id` (`gift:` and the
/// promotion's id, see [`GIFT_LINE_PREFIX`](super::promotions::GIFT_LINE_PREFIX)):
/// a request line may not take it, or the answer would hold two lines with one id.
fn gift_line_of<'r>(rules: &'r CompiledRules, id: &str) -> Option<&'r str> {
    let promotion = id.strip_prefix(super::promotions::GIFT_LINE_PREFIX)?;
    let promo = rules.promotions.get(promotion)?;
    matches!(promo.benefit, crate::rules::Benefit::Gift { .. }).then_some(promo.id.as_str())
}
