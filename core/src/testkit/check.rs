//! The invariant checker: every invariant of PRODUCT.md a quote can show.

use std::fmt;

use crate::money::{Money, MoneyError};
use crate::returns::{ReturnRefundAnswer, ReturnRefundRequest};
use crate::{Engine, Error, QuoteAnswer, QuoteRequest, ShippingAnswer, Stage, WalletCoupon, WalletSelection};

/// What the invariant checker asks: the questions it puts to the engine
/// again (a repeat, a reordered request, one more coupon, a heavier parcel).
/// [`Engine`] is one; a wrapper of your own (an engine with a fault planted
/// on purpose, to test a QA set-up) can be another.
pub trait Quoter {
    /// Quotes a request (`Engine::quote`).
    fn quote(&self, request: &QuoteRequest) -> Result<QuoteAnswer, Error>;
    /// Quotes a request given as JSON, answering JSON (`Engine::quote_json`).
    /// By default: the typed request quoted and the answer serialized.
    fn quote_json(&self, request: &str) -> Result<String, Error> {
        let request: QuoteRequest = serde_json::from_str(request)
            .map_err(|e| Error::request(crate::ErrorCode::InvalidJson, "", e.to_string()))?;
        self.quote(&request).map(|a| serde_json::to_string(&a).unwrap_or_default())
    }
    /// The shipping options of a request (`Engine::shipping_options`).
    fn shipping_options(&self, request: &QuoteRequest) -> Result<ShippingAnswer, Error>;
    /// A return's refund (`Engine::return_refund`), or `None` when this
    /// quoter asks no return questions (the default: the run then checks
    /// quotes only).
    fn return_refund(&self, request: &ReturnRefundRequest) -> Option<Result<ReturnRefundAnswer, Error>> {
        let _ = request;
        None
    }
}

impl Quoter for Engine {
    fn quote(&self, request: &QuoteRequest) -> Result<QuoteAnswer, Error> {
        Engine::quote(self, request)
    }
    fn quote_json(&self, request: &str) -> Result<String, Error> {
        Engine::quote_json(self, request)
    }
    fn shipping_options(&self, request: &QuoteRequest) -> Result<ShippingAnswer, Error> {
        Engine::shipping_options(self, request)
    }
    fn return_refund(&self, request: &ReturnRefundRequest) -> Option<Result<ReturnRefundAnswer, Error>> {
        Some(Engine::return_refund(self, request))
    }
}

/// What a violation breaks. Stable codes (`negative_amount`…), each tied to
/// an invariant of PRODUCT.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ViolationCode {
    /// Invariant 1: a total, line total, tax, discount or shipping price is negative.
    NegativeAmount,
    /// Invariant 1: a line is discounted below zero (its discount exceeds its subtotal).
    DiscountBelowZero,
    /// Invariant 2: allocated parts do not sum exactly to their whole (a
    /// promotion's line adjustments, a line's adjustments, points on lines,
    /// tax per class, the chosen shipping option).
    AllocationMismatch,
    /// Invariant 3: grand total ≠ item subtotal − discounts + shipping −
    /// shipping discounts + tax (when exclusive) − points value.
    GrandTotalIdentity,
    /// Invariant 4: reordering lines, codes, wallet coupons or point lots changes the answer.
    OrderDependent,
    /// Invariant 4: the same request does not give byte-identical output
    /// (or the answer checked is not the engine's answer to the request).
    NotRepeatable,
    /// Invariant 5: with best selection, adding a wallet coupon raised the total.
    CouponRaisedTotal,
    /// Invariant 7: points redeemed exceed the request, the balance or the lots consumed, or earned points are inconsistent.
    PointsExceeded,
    /// Invariant 8: a method's shipping price decreased when the parcel got heavier.
    ShippingPriceDecreased,
    /// Invariant 8: an option's earliest delivery date is after its latest.
    DeliveryWindowInverted,
    /// Invariant 6: the refunds of a sequence of returns add up to more than was paid.
    RefundExceedsPaid,
    /// Invariant 6: returning everything did not refund exactly what was
    /// paid less the fees the policy names (and the shipping it keeps).
    FullReturnMismatch,
    /// Invariant 7: a full return did not reverse exactly the points earned
    /// or give back exactly the points redeemed.
    PointsNotReversed,
    /// The engine refused a request generated to be valid, or failed while checking.
    EngineError,
}

impl ViolationCode {
    /// The stable code.
    pub const fn as_str(self) -> &'static str {
        match self {
            ViolationCode::NegativeAmount => "negative_amount",
            ViolationCode::DiscountBelowZero => "discount_below_zero",
            ViolationCode::AllocationMismatch => "allocation_mismatch",
            ViolationCode::GrandTotalIdentity => "grand_total_identity",
            ViolationCode::OrderDependent => "order_dependent",
            ViolationCode::NotRepeatable => "not_repeatable",
            ViolationCode::CouponRaisedTotal => "coupon_raised_total",
            ViolationCode::PointsExceeded => "points_exceeded",
            ViolationCode::ShippingPriceDecreased => "shipping_price_decreased",
            ViolationCode::DeliveryWindowInverted => "delivery_window_inverted",
            ViolationCode::RefundExceedsPaid => "refund_exceeds_paid",
            ViolationCode::FullReturnMismatch => "full_return_mismatch",
            ViolationCode::PointsNotReversed => "points_not_reversed",
            ViolationCode::EngineError => "engine_error",
        }
    }

    /// The invariant of PRODUCT.md it breaks (0 for an engine error).
    pub const fn invariant(self) -> u8 {
        match self {
            ViolationCode::NegativeAmount | ViolationCode::DiscountBelowZero => 1,
            ViolationCode::AllocationMismatch => 2,
            ViolationCode::GrandTotalIdentity => 3,
            ViolationCode::OrderDependent | ViolationCode::NotRepeatable => 4,
            ViolationCode::CouponRaisedTotal => 5,
            ViolationCode::PointsExceeded | ViolationCode::PointsNotReversed => 7,
            ViolationCode::RefundExceedsPaid | ViolationCode::FullReturnMismatch => 6,
            ViolationCode::ShippingPriceDecreased | ViolationCode::DeliveryWindowInverted => 8,
            ViolationCode::EngineError => 0,
        }
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What is broken.
    pub code: ViolationCode,
    /// What was seen, naming the figures.
    pub message: String,
    /// The request, as compact JSON, ready to replay.
    pub request: String,
    /// For an invariant comparing two answers (reordering, one more coupon,
    /// a heavier parcel): the other request, and the question it was asked.
    pub compared: Option<Comparison>,
}

impl Violation {
    /// A violation of a single request (nothing compared).
    pub fn new(code: ViolationCode, message: impl Into<String>, request: impl Into<String>) -> Violation {
        Violation { code, message: message.into(), request: request.into(), compared: None }
    }
}

/// The second request of an invariant that compares two answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The question the compared request was asked: `quote` or
    /// `shipping_options` (the engine's names, as `commerce-rules answer` takes them).
    pub question: &'static str,
    /// How it differs from the checked request (`the lines, codes, wallet
    /// coupons and point lots reversed`).
    pub change: String,
    /// The compared request, as compact JSON.
    pub request: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (invariant {}): {}", self.code, self.code.invariant(), self.message)
    }
}

struct Sink<'a> {
    request: &'a str,
    out: Vec<Violation>,
}

impl Sink<'_> {
    fn add(&mut self, code: ViolationCode, message: String) {
        self.out.push(Violation::new(code, message, self.request));
    }

    fn compare(&mut self, ok: bool, code: ViolationCode, compared: impl FnOnce() -> (Comparison, String)) {
        if !ok {
            let (comparison, message) = compared();
            self.out.push(Violation { code, message, request: self.request.to_string(), compared: Some(comparison) });
        }
    }

    fn check(&mut self, ok: bool, code: ViolationCode, message: impl FnOnce() -> String) {
        if !ok {
            self.add(code, message());
        }
    }

    fn money<T>(&mut self, r: Result<T, MoneyError>, what: &str) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(ViolationCode::EngineError, format!("{what}: {e}"));
                None
            }
        }
    }
}

fn sum<'a>(a: &QuoteAnswer, items: impl IntoIterator<Item = &'a Money>) -> Result<Money, MoneyError> {
    Money::checked_sum(a.currency, items.into_iter().copied())
}

/// The invariants the answer shows by itself, without asking the engine
/// again: 1 (nothing negative), 2 (allocations), 3 (grand total), 7
/// (points within the request, balance and lots) and 8's delivery windows.
pub fn check_answer(request: &QuoteRequest, answer: &QuoteAnswer) -> Vec<Violation> {
    let json = serde_json::to_string(request).unwrap_or_default();
    let mut s = Sink { request: &json, out: Vec::new() };
    static_checks(&mut s, request, answer);
    s.out
}

fn static_checks(s: &mut Sink<'_>, request: &QuoteRequest, a: &QuoteAnswer) {
    use ViolationCode::*;
    // 1. Nothing negative; no line below zero.
    let t = &a.totals;
    for (name, m) in [
        ("list_subtotal", t.list_subtotal),
        ("item_subtotal", t.item_subtotal),
        ("discounts", t.discounts),
        ("shipping", t.shipping),
        ("shipping_discounts", t.shipping_discounts),
        ("tax", t.tax),
        ("points_value", t.points_value),
        ("grand_total", t.grand_total),
        ("savings", t.savings),
    ] {
        s.check(!m.is_negative(), NegativeAmount, || format!("totals.{name} is {m}"));
    }
    for l in &a.lines {
        for (name, m) in [
            ("subtotal", l.subtotal),
            ("discount_total", l.discount_total),
            ("net", l.net),
            ("tax", l.tax.amount),
            ("total", l.total),
            ("unit_price", l.unit_price),
        ] {
            s.check(!m.is_negative(), NegativeAmount, || format!("line {}: {name} is {m}", l.id));
        }
        for adj in &l.adjustments {
            s.check(!adj.amount.is_negative(), NegativeAmount, || {
                format!("line {}: adjustment by {} is {}", l.id, adj.rule_id, adj.amount)
            });
        }
        s.check(l.discount_total.amount() <= l.subtotal.amount(), DiscountBelowZero, || {
            format!("line {}: discount {} exceeds its subtotal {}", l.id, l.discount_total, l.subtotal)
        });
        // 2. A line's adjustments sum to its discount, and net = subtotal − discount.
        if let Some(adjusted) = s.money(sum(a, l.adjustments.iter().map(|x| &x.amount)), "adjustments") {
            s.check(adjusted == l.discount_total, AllocationMismatch, || {
                format!("line {}: adjustments sum to {adjusted}, discount_total is {}", l.id, l.discount_total)
            });
        }
        if let Some(net) = s.money(l.subtotal.checked_sub(l.discount_total), "net") {
            s.check(net == l.net, AllocationMismatch, || {
                format!("line {}: subtotal − discount is {net}, net is {}", l.id, l.net)
            });
        }
    }
    for p in &a.promotions {
        s.check(!p.amount.is_negative(), NegativeAmount, || format!("promotion {}: amount {}", p.id, p.amount));
        if matches!(p.stage, Stage::ItemPromotions | Stage::OrderPromotions) {
            let parts =
                a.lines.iter().flat_map(|l| &l.adjustments).filter(|x| *x.rule_id == *p.id && x.stage == p.stage);
            // An order discount over items and shipping also gave the
            // chosen option's discount when that names it.
            let rule = format!("promotion:{}", p.id);
            let shipping = a
                .shipping
                .as_ref()
                .and_then(|sh| sh.options.iter().find(|o| o.chosen))
                .filter(|o| o.discount_rule.as_ref() == Some(&rule))
                .map(|o| &o.discount);
            if let Some(parts) = s.money(sum(a, parts.map(|x| &x.amount).chain(shipping)), "promotion parts") {
                s.check(parts == p.amount, AllocationMismatch, || {
                    format!("promotion {}: its line adjustments sum to {parts}, its amount is {}", p.id, p.amount)
                });
            }
        }
    }
    let line_sums = [
        ("item_subtotal", t.item_subtotal, sum(a, a.lines.iter().map(|l| &l.subtotal))),
        ("discounts", t.discounts, sum(a, a.lines.iter().map(|l| &l.discount_total))),
        ("list_subtotal", t.list_subtotal, sum(a, a.lines.iter().map(|l| &l.list_subtotal))),
        ("tax", t.tax, sum(a, a.tax_summary.iter().map(|c| &c.tax))),
        ("shipping", t.shipping, sum(a, a.lines.iter().filter_map(|l| l.shipping.as_ref()).map(|s| &s.amount))),
        (
            "shipping_discounts",
            t.shipping_discounts,
            sum(a, a.lines.iter().filter_map(|l| l.shipping.as_ref()).map(|s| &s.discount)),
        ),
    ];
    for (name, whole, parts) in line_sums {
        if let Some(parts) = s.money(parts, name) {
            s.check(parts == whole, AllocationMismatch, || {
                format!("totals.{name} is {whole}, its parts sum to {parts}")
            });
        }
    }
    // 3. The grand-total identity.
    let mut expected = t
        .item_subtotal
        .checked_sub(t.discounts)
        .and_then(|m| m.checked_add(t.shipping))
        .and_then(|m| m.checked_sub(t.shipping_discounts))
        .and_then(|m| m.checked_sub(t.points_value));
    match t.tax_added {
        Some(added) => expected = expected.and_then(|m| m.checked_add(added)),
        None if !t.tax_included => expected = expected.and_then(|m| m.checked_add(t.tax)),
        None => {}
    }
    if let Some(duties) = t.duties_at_checkout {
        expected = expected.and_then(|m| m.checked_add(duties));
    }
    if let Some(expected) = s.money(expected, "grand total") {
        s.check(expected == t.grand_total, GrandTotalIdentity, || {
            format!("grand_total is {}, the identity gives {expected}", t.grand_total)
        });
    }
    // 2: the landed cost's parts sum to its total; its duties split into checkout and delivery.
    if let Some(l) = &a.landed {
        if let Some(parts) = s.money(sum(a, l.parts.iter().map(|p| &p.amount)), "landed parts") {
            s.check(parts == l.landed_total, AllocationMismatch, || {
                format!("landed parts sum to {parts}, landed_total is {}", l.landed_total)
            });
        }
        if let Some(split) = s.money(l.collected_at_checkout.checked_add(l.due_on_delivery), "landed duties") {
            s.check(split == l.duties_and_taxes, AllocationMismatch, || {
                format!(
                    "landed duties at checkout and on delivery sum to {split}, duties_and_taxes is {}",
                    l.duties_and_taxes
                )
            });
        }
    }
    // 8 (and 2): delivery windows; the chosen option is what the totals charge.
    if let Some(ship) = &a.shipping {
        for o in &ship.options {
            s.check(o.delivery.earliest <= o.delivery.latest, DeliveryWindowInverted, || {
                format!(
                    "method {}: earliest {} is after latest {}",
                    o.method_id, o.delivery.earliest, o.delivery.latest
                )
            });
            for (name, m) in [("price", o.price), ("discount", o.discount), ("total", o.total)] {
                s.check(!m.is_negative(), NegativeAmount, || format!("shipping method {}: {name} is {m}", o.method_id));
            }
            if let Some(parcels) = s.money(sum(a, o.parcels.iter().map(|p| &p.price)), "parcels") {
                s.check(parcels == o.price, AllocationMismatch, || {
                    format!("method {}: parcels sum to {parcels}, price is {}", o.method_id, o.price)
                });
            }
        }
        if let Some(chosen) = ship.options.iter().find(|o| o.chosen) {
            s.check(chosen.price == t.shipping && chosen.discount == t.shipping_discounts, AllocationMismatch, || {
                format!(
                    "chosen method {} costs {} less {}, totals charge {} less {}",
                    chosen.method_id, chosen.price, chosen.discount, t.shipping, t.shipping_discounts
                )
            });
        }
    }
    // 7. Points: redeemed within the request, the balance and the lots; earned split exactly.
    if let Some(p) = &a.points {
        s.check(p.redeemed <= p.requested, PointsExceeded, || {
            format!("redeemed {} of the {} requested", p.redeemed, p.requested)
        });
        let balance = u64::try_from(p.balance_before).unwrap_or(0);
        s.check(p.redeemed <= balance, PointsExceeded, || {
            format!("redeemed {} with a balance of {}", p.redeemed, p.balance_before)
        });
        let consumed = p.lots_consumed.iter().try_fold(0_u64, |acc, c| acc.checked_add(c.points));
        s.check(consumed == Some(p.redeemed), PointsExceeded, || {
            format!("lots consumed sum to {consumed:?}, redeemed is {}", p.redeemed)
        });
        let lots = request.points.as_ref().map(|r| r.lots.as_slice()).unwrap_or_default();
        for c in &p.lots_consumed {
            let held = lots.iter().find(|l| l.id == c.lot_id).map(|l| l.amount);
            let ok = held.and_then(|h| u64::try_from(h).ok()).is_some_and(|h| c.points <= h);
            s.check(ok, PointsExceeded, || format!("{} points taken from lot {} holding {held:?}", c.points, c.lot_id));
        }
        s.check(p.earned <= p.earned_uncapped, PointsExceeded, || {
            format!("earned {} exceeds the uncapped {}", p.earned, p.earned_uncapped)
        });
        let earned =
            a.lines.iter().filter_map(|l| l.points.as_ref()).try_fold(0_u64, |acc, l| acc.checked_add(l.earned));
        s.check(earned == Some(p.earned), AllocationMismatch, || {
            format!("lines earn {earned:?} points, the order {}", p.earned)
        });
        let shipping_points = p.shipping.as_ref().map_or(0, |sp| sp.points);
        let on_lines =
            a.lines.iter().filter_map(|l| l.points.as_ref()).try_fold(0_u64, |acc, l| acc.checked_add(l.redeemed));
        s.check(on_lines.and_then(|n| n.checked_add(shipping_points)) == Some(p.redeemed), AllocationMismatch, || {
            format!("lines redeem {on_lines:?} points and shipping {shipping_points}, the order {}", p.redeemed)
        });
        s.check(p.value == t.points_value, AllocationMismatch, || {
            format!("points value {} but totals.points_value {}", p.value, t.points_value)
        });
    }
}

/// Every invariant a quote can show, for `request` and the `answer` the
/// engine gave: those of [`check_answer`], plus those that ask the engine
/// again. 4: the engine's answer is `answer` byte for byte, twice, and
/// reversing lines, codes, wallet coupons and point lots changes no byte.
/// 5: with best selection proven optimal, another coupon of each wallet
/// promotion already in the request never raises the grand total. 8: a
/// heavier first line never makes a method cheaper.
pub fn check_invariants<E: Quoter + ?Sized>(
    engine: &E,
    request: &QuoteRequest,
    answer: &QuoteAnswer,
) -> Vec<Violation> {
    use ViolationCode::*;
    let json = serde_json::to_string(request).unwrap_or_default();
    let mut s = Sink { request: &json, out: Vec::new() };
    static_checks(&mut s, request, answer);

    // 4. Byte-identical repeats, and no dependence on order.
    let given = serde_json::to_string(answer).unwrap_or_default();
    match (engine.quote_json(&json), engine.quote_json(&json)) {
        (Ok(first), Ok(second)) => {
            s.check(first == second, NotRepeatable, || {
                format!("two runs of the same request differ: {}", difference(&first, "first", &second, "second"))
            });
            s.check(first == given, NotRepeatable, || {
                format!(
                    "the answer checked is not the engine's answer: {}",
                    difference(&given, "checked", &first, "engine's")
                )
            });
        }
        (Err(e), _) | (_, Err(e)) => s.add(EngineError, format!("the request is refused: {e}")),
    }
    let mut reversed = request.clone();
    reversed.lines.reverse();
    reversed.codes.reverse();
    reversed.wallet.reverse();
    if let Some(p) = &mut reversed.points {
        p.lots.reverse();
    }
    let reversal = || Comparison {
        question: "quote",
        change: "the lines, codes, wallet coupons and point lots reversed".to_string(),
        request: serde_json::to_string(&reversed).unwrap_or_default(),
    };
    match engine.quote(&reversed).map(|a| serde_json::to_string(&a).unwrap_or_default()) {
        Ok(text) => s.compare(text == given, OrderDependent, || {
            let message = format!(
                "reversing lines, codes, wallet coupons and point lots changes the answer: {}",
                difference(&given, "given", &text, "reversed")
            );
            (reversal(), message)
        }),
        Err(e) => s.compare(false, OrderDependent, || (reversal(), format!("the reordered request is refused: {e}"))),
    }

    // 5. Another coupon in the wallet never raises the total.
    if request.wallet_selection == WalletSelection::Best && answer.selection.optimal {
        let mut promotions: Vec<&str> = request.wallet.iter().map(|w| w.promotion_id.as_str()).collect();
        promotions.sort_unstable();
        promotions.dedup();
        for (i, promotion) in promotions.into_iter().enumerate() {
            let mut more = request.clone();
            let id = format!("testkit-extra-{i}");
            more.wallet.push(WalletCoupon {
                id: id.clone(),
                promotion_id: promotion.to_string(),
                code: None,
                valid_from: None,
                valid_until: None,
                currency: None,
                redeemed: false,
            });
            let comparison = || Comparison {
                question: "quote",
                change: format!("one more {promotion} coupon in the wallet ({id})"),
                request: serde_json::to_string(&more).unwrap_or_default(),
            };
            match engine.quote(&more) {
                Ok(after) if after.selection.optimal => s.compare(
                    after.totals.grand_total.amount() <= answer.totals.grand_total.amount(),
                    CouponRaisedTotal,
                    || {
                        let message = format!(
                            "another {promotion} coupon raises the grand total from {} to {}",
                            answer.totals.grand_total, after.totals.grand_total
                        );
                        (comparison(), message)
                    },
                ),
                Ok(_) => {}
                Err(e) => s.compare(false, EngineError, || {
                    (comparison(), format!("with another {promotion} coupon the request is refused: {e}"))
                }),
            }
        }
    }

    // 8. A heavier parcel never makes a method cheaper.
    if let (Some(ship), Some(first)) = (&answer.shipping, request.lines.first()) {
        if !ship.options.is_empty() {
            let mut heavier = request.clone();
            if let Some(line) = heavier.lines.first_mut() {
                line.weight_g = Some(first.weight_g.unwrap_or(0).saturating_add(1_000));
            }
            heavier.shipping_method = None;
            let comparison = || Comparison {
                question: "shipping_options",
                change: format!("1 kg more on line {}", first.id),
                request: serde_json::to_string(&heavier).unwrap_or_default(),
            };
            match engine.shipping_options(&heavier) {
                Ok(after) => {
                    for o in &ship.options {
                        if let Some(h) = after.options.iter().find(|h| h.method_id == o.method_id) {
                            s.compare(h.price.amount() >= o.price.amount(), ShippingPriceDecreased, || {
                                let message = format!(
                                    "method {}: 1 kg more on line {} lowers the price from {} to {}",
                                    o.method_id, first.id, o.price, h.price
                                );
                                (comparison(), message)
                            });
                        }
                    }
                }
                Err(e) => {
                    s.compare(false, EngineError, || (comparison(), format!("the heavier request is refused: {e}")))
                }
            }
        }
    }
    s.out
}

/// The first figure where two answers (JSON) differ, by its path:
/// `totals.grand_total is 90.00 given, 90.01 reversed`.
pub(crate) fn difference(a: &str, a_name: &str, b: &str, b_name: &str) -> String {
    use serde_json::Value;
    fn show(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    fn walk(a: &Value, b: &Value, path: &mut String) -> Option<(String, String)> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, va) in x {
                    let mark = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    let found = match y.get(k) {
                        Some(vb) => walk(va, vb, path),
                        None => Some((show(va), "absent".to_string())),
                    };
                    if found.is_some() {
                        return found;
                    }
                    path.truncate(mark);
                }
                let extra = y.keys().find(|k| !x.contains_key(*k))?;
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(extra);
                Some(("absent".to_string(), y.get(extra).map(show).unwrap_or_default()))
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                    let mark = path.len();
                    path.push_str(&format!("[{i}]"));
                    if let Some(found) = walk(va, vb, path) {
                        return Some(found);
                    }
                    path.truncate(mark);
                }
                None
            }
            (Value::Array(x), Value::Array(y)) => Some((format!("{} items", x.len()), format!("{} items", y.len()))),
            _ if a == b => None,
            _ => Some((show(a), show(b))),
        }
    }
    let (Ok(va), Ok(vb)) = (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)) else {
        return "the answers differ".to_string();
    };
    let mut path = String::new();
    match walk(&va, &vb, &mut path) {
        Some((x, y)) if path.is_empty() => format!("{x} {a_name}, {y} {b_name}"),
        Some((x, y)) => format!("{path} is {x} {a_name}, {y} {b_name}"),
        None => "the answers differ".to_string(),
    }
}

/// Quotes `request` and checks every invariant: an engine error is itself
/// a violation ([`ViolationCode::EngineError`]), since the strategies only
/// generate valid requests.
pub fn check_request<E: Quoter + ?Sized>(engine: &E, request: &QuoteRequest) -> Vec<Violation> {
    match engine.quote(request) {
        Ok(answer) => check_invariants(engine, request, &answer),
        Err(e) => vec![Violation::new(
            ViolationCode::EngineError,
            format!("the request is refused: {e}"),
            serde_json::to_string(request).unwrap_or_default(),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = include_str!("../../../examples/data/cn-store.rules.json");
    const REQUEST: &str = include_str!("../../../examples/data/cn-store.quote.json");

    fn sample() -> (Engine, QuoteRequest, QuoteAnswer) {
        let engine = Engine::from_json(RULES).unwrap();
        let request: QuoteRequest = serde_json::from_str(REQUEST).unwrap();
        let answer = engine.quote(&request).unwrap();
        (engine, request, answer)
    }

    fn codes(v: &[Violation]) -> Vec<&'static str> {
        v.iter().map(|v| v.code.as_str()).collect()
    }

    #[test]
    fn the_sample_quote_breaks_nothing() {
        let (engine, request, answer) = sample();
        assert_eq!(check_invariants(&engine, &request, &answer), vec![]);
    }

    #[test]
    fn an_altered_grand_total_is_caught() {
        let (engine, request, mut answer) = sample();
        answer.totals.grand_total =
            answer.totals.grand_total.checked_add(Money::from_minor(1, answer.currency)).unwrap();
        let v = check_invariants(&engine, &request, &answer);
        assert_eq!(codes(&v), ["grand_total_identity", "not_repeatable", "order_dependent"]);
        assert!(v[0].message.contains("the identity gives"), "{}", v[0]);
        let replay: QuoteRequest = serde_json::from_str(&v[0].request).unwrap();
        assert_eq!(replay, request);
    }

    /// The sample engine, whose answer changes when the lines come in
    /// descending id order.
    struct Flipped(Engine);

    impl Quoter for Flipped {
        fn quote(&self, request: &QuoteRequest) -> Result<QuoteAnswer, Error> {
            let mut answer = self.0.quote(request)?;
            if let (Some(first), Some(last)) = (request.lines.first(), request.lines.last()) {
                if first.id > last.id {
                    if let Some(line) = answer.lines.first_mut() {
                        line.price_source.rule_id = Some("flipped".into());
                    }
                }
            }
            Ok(answer)
        }
        fn shipping_options(&self, request: &QuoteRequest) -> Result<ShippingAnswer, Error> {
            self.0.shipping_options(request)
        }
    }

    #[test]
    fn an_order_dependent_answer_names_the_figure_and_the_compared_request() {
        let (engine, request, _) = sample();
        assert!(request.lines.len() >= 2 && request.lines[0].id < request.lines[request.lines.len() - 1].id);
        let flipped = Flipped(engine);
        let v = check_request(&flipped, &request);
        assert_eq!(codes(&v), ["order_dependent"], "{v:?}");
        let tail = v[0].message.split("changes the answer: ").nth(1).unwrap_or_default();
        assert!(
            tail.starts_with("lines[0].price_source.rule_id is ") && tail.ends_with(" given, flipped reversed"),
            "{}",
            v[0]
        );
        let compared = v[0].compared.as_ref().unwrap();
        assert_eq!(compared.question, "quote");
        let mut reversed = request.clone();
        reversed.lines.reverse();
        reversed.codes.reverse();
        reversed.wallet.reverse();
        if let Some(p) = &mut reversed.points {
            p.lots.reverse();
        }
        assert_eq!(serde_json::from_str::<QuoteRequest>(&compared.request).unwrap(), reversed);
    }

    #[test]
    fn a_negative_line_and_a_lost_allocation_are_caught() {
        let (_, request, mut answer) = sample();
        let line = &mut answer.lines[0];
        line.discount_total = line.subtotal.checked_add(Money::from_minor(100, line.subtotal.currency())).unwrap();
        line.net = line.subtotal.checked_sub(line.discount_total).unwrap();
        let v = check_answer(&request, &answer);
        let c = codes(&v);
        for expected in ["negative_amount", "discount_below_zero", "allocation_mismatch"] {
            assert!(c.contains(&expected), "{c:?}");
        }
    }

    #[test]
    fn an_inverted_delivery_window_and_overdrawn_points_are_caught() {
        let (_, request, mut answer) = sample();
        let ship = answer.shipping.as_mut().unwrap();
        let o = &mut ship.options[0];
        std::mem::swap(&mut o.delivery.earliest, &mut o.delivery.latest);
        if o.delivery.earliest == o.delivery.latest {
            o.delivery.earliest = "2999-01-01".into();
        }
        let p = answer.points.as_mut().unwrap();
        p.redeemed = p.requested + 1;
        let c = codes(&check_answer(&request, &answer));
        assert!(c.contains(&"delivery_window_inverted") && c.contains(&"points_exceeded"), "{c:?}");
    }
}
