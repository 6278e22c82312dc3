//! Return questions asked on the receipts of generated quotes, and the
//! invariants their refunds must keep (PRODUCT.md 1, 6 and 7).
//!
//! For a generated quote the checker derives, deterministically from the
//! request (the same request always gives the same returns), a sequence of
//! one to three returns: a random subset of the receipt's units (or every
//! unit, half the time), each return with a reason the rule set accepts (now
//! and then one it does not), a condition, the lines' first category and
//! tags (so exempt and unopened-only categories and the final-sale tag are
//! met), and a day around the reason's window (on the last day, the day
//! after...). Each return sends the records of the earlier ones, as a host
//! would.

use chrono::Duration;

use super::check::{Comparison, Quoter, Violation, ViolationCode};
use super::Vocabulary;
use crate::money::{Money, MoneyError};
use crate::returns::{
    ItemCondition, Receipt, ReturnItem, ReturnLineFacts, ReturnReason, ReturnRefundAnswer, ReturnRefundRequest,
};
use crate::{Error, QuoteAnswer, QuoteRequest, Timestamp};

/// Most returns in one generated sequence.
const MAX_RETURNS: u64 = 3;

/// A small deterministic generator (xorshift64*), seeded from the request's
/// bytes (FNV-1a): the returns of a request never change between runs.
struct Dice(u64);

impl Dice {
    fn from_text(text: &str) -> Dice {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Dice(h | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            (self.next() >> 11) % n
        }
    }
}

/// One return question of a sequence and the engine's answer.
#[derive(Debug, Clone)]
pub(crate) struct Asked {
    pub(crate) request: ReturnRefundRequest,
    pub(crate) answer: Result<ReturnRefundAnswer, Error>,
}

/// A sequence of returns asked on a quote's receipt.
#[derive(Debug, Clone)]
pub(crate) struct Sequence {
    pub(crate) asked: Vec<Asked>,
    /// True when the sequence returns every unit of the order.
    pub(crate) everything: bool,
}

fn reason_name(r: ReturnReason) -> &'static str {
    match r {
        ReturnReason::NoReason => "no_reason",
        ReturnReason::Quality => "quality",
        ReturnReason::Exchange => "exchange",
    }
}

fn days(t: Timestamp, n: u64) -> Option<Timestamp> {
    let n = i64::try_from(n).ok()?;
    t.0.checked_add_signed(Duration::days(n)).map(Timestamp)
}

/// Asks the returns generated for `request` and its `answer`; `None` when
/// the rule set takes no returns, the quoter asks no return questions or
/// the order has nothing to return.
pub(crate) fn ask<E: Quoter + ?Sized>(
    engine: &E,
    v: &Vocabulary,
    request: &QuoteRequest,
    answer: &QuoteAnswer,
) -> Option<Result<Sequence, String>> {
    if v.return_windows.is_empty() || answer.lines.is_empty() {
        return None;
    }
    let receipt: Receipt = match serde_json::to_value(answer).and_then(serde_json::from_value) {
        Ok(r) => r,
        Err(e) => return Some(Err(format!("the quote's answer is not accepted back as a receipt: {e}"))),
    };
    let text = serde_json::to_string(request).unwrap_or_default();
    let mut dice = Dice::from_text(&text);
    let everything = dice.below(2) == 0;
    let k = 1 + dice.below(MAX_RETURNS);
    // Units of each receipt line to each return (index k: kept).
    let mut split: Vec<Vec<(String, u32)>> = vec![Vec::new(); usize::try_from(k).unwrap_or(1)];
    for line in &answer.lines {
        let mut per = vec![0_u32; split.len()];
        for _ in 0..line.quantity {
            let slot = dice.below(if everything { k } else { k + 1 });
            if let Some(n) = usize::try_from(slot).ok().and_then(|s| per.get_mut(s)) {
                *n += 1;
            }
        }
        for (r, n) in per.into_iter().enumerate() {
            if n > 0 {
                if let Some(items) = split.get_mut(r) {
                    items.push((line.id.to_string(), n));
                }
            }
        }
    }
    let delivered_at = days(request.now, 1 + dice.below(3))?;
    // Days after delivery, around a window, in order.
    let mut plan = Vec::with_capacity(split.len());
    for items in split {
        let (reason, window) = match v.return_windows.get(usize::try_from(dice.below(8)).unwrap_or(0)) {
            Some(w) => *w,
            None => {
                // Now and then a reason the rule set may not accept.
                let any = [ReturnReason::NoReason, ReturnReason::Quality, ReturnReason::Exchange];
                let r = any.get(usize::try_from(dice.below(3)).unwrap_or(0)).copied().unwrap_or(ReturnReason::Quality);
                let w = v.return_windows.iter().find(|(x, _)| *x == r).map_or(7, |(_, d)| *d);
                (r, w)
            }
        };
        let w = u64::from(window);
        let candidates = [0, 1, w.saturating_sub(1), w, w + 1, w + 3];
        let after = candidates.get(usize::try_from(dice.below(6)).unwrap_or(0)).copied().unwrap_or(0);
        let condition = if dice.below(3) == 0 { ItemCondition::Opened } else { ItemCondition::Unopened };
        plan.push((after, reason, condition, items));
    }
    plan.sort_by_key(|p| p.0);
    let mut asked = Vec::new();
    let mut earlier = Vec::new();
    for (after, reason, condition, items) in plan {
        if items.is_empty() {
            continue;
        }
        let now = days(delivered_at, after)?;
        let items = items
            .into_iter()
            .map(|(line_id, quantity)| {
                let source = request.lines.iter().find(|l| *l.id == *line_id);
                ReturnItem {
                    category: source.and_then(|l| l.categories.first().cloned()),
                    tags: source.map(|l| l.tags.clone()).unwrap_or_default(),
                    line_id,
                    quantity,
                    condition: None,
                    assessed_percent: None,
                }
            })
            .collect();
        let req = ReturnRefundRequest {
            now,
            locale: request.locale,
            receipt: receipt.clone(),
            ordered_at: Some(request.now),
            delivered_at: Some(delivered_at),
            earlier_returns: earlier.clone(),
            items,
            reason,
            condition,
            customer_tier: request.customer.tier.clone(),
            points_balance: None,
            fulfilled: Vec::new(),
            // What the catalog said of each line, for re-checking
            // `cart_contains` conditions on the kept lines.
            line_facts: request
                .lines
                .iter()
                .map(|l| ReturnLineFacts {
                    line_id: l.id.to_string(),
                    categories: l.categories.clone(),
                    tags: l.tags.clone(),
                    brand: l.brand.clone(),
                })
                .collect(),
        };
        let answer = engine.return_refund(&req)?;
        if let Ok(a) = &answer {
            earlier.push(a.record.clone());
        }
        asked.push(Asked { request: req, answer });
    }
    Some(Ok(Sequence { asked, everything }))
}

/// The return invariants of the sequence generated for `request`: every
/// refund and part not negative, parts summing to the refund (1, 2); the
/// refunds together at most what was paid (6); returning everything, all
/// eligible, refunds exactly what was paid less the fees the policy names
/// and the shipping it keeps (6), and reverses exactly the points earned and
/// redeemed (7). Each violation names the return request as its compared
/// request (question `return_refund`).
pub(crate) fn check<E: Quoter + ?Sized>(
    engine: &E,
    v: &Vocabulary,
    request: &QuoteRequest,
    answer: &QuoteAnswer,
) -> Vec<Violation> {
    use ViolationCode::*;
    let json = serde_json::to_string(request).unwrap_or_default();
    let mut out = Vec::new();
    let seq = match ask(engine, v, request, answer) {
        None => return out,
        Some(Err(why)) => {
            out.push(Violation::new(EngineError, why, json));
            return out;
        }
        Some(Ok(seq)) => seq,
    };
    let n = seq.asked.len();
    let cur = answer.currency;
    let zero = Money::zero(cur);
    let paid = answer.totals.grand_total;
    let violation = |code: ViolationCode, i: usize, asked: &Asked, message: String| {
        let units: u32 = asked.request.items.iter().map(|it| it.quantity).sum();
        Violation {
            code,
            message: format!("return {} of {n}: {message}", i + 1),
            request: json.clone(),
            compared: Some(Comparison {
                question: "return_refund",
                change: format!(
                    "return {} of {n} on the quote's receipt: {units} unit(s), reason {}",
                    i + 1,
                    reason_name(asked.request.reason)
                ),
                request: serde_json::to_string(&asked.request).unwrap_or_default(),
            }),
        }
    };
    macro_rules! push {
        ($code:expr, $i:expr, $asked:expr, $msg:expr $(,)?) => {
            out.push(violation($code, $i, $asked, $msg))
        };
    }
    let (mut refunded, mut fees, mut shipping_back) = (zero, zero, zero);
    let (mut reversed, mut given_back) = (0_u64, 0_u64);
    let mut all_eligible = true;
    let mut last = None;
    for (i, asked) in seq.asked.iter().enumerate() {
        last = Some(i);
        let a = match &asked.answer {
            Ok(a) => a,
            Err(e) => {
                push!(EngineError, i, asked, format!("the return request is refused: {e}"));
                all_eligible = false;
                continue;
            }
        };
        let r = &a.refund;
        for (name, m) in [
            ("total", r.total),
            ("items", r.items),
            ("gift_deduction", r.gift_deduction),
            ("original_shipping", r.original_shipping),
            ("return_shipping", r.return_shipping),
            ("restocking_fee", r.restocking_fee),
            ("points_deduction", r.points_deduction),
        ] {
            if m.is_negative() {
                push!(NegativeAmount, i, asked, format!("refund.{name} is {m}"));
            }
        }
        for l in &a.lines {
            if l.amount.is_negative() {
                push!(NegativeAmount, i, asked, format!("line {}: amount {}", l.line_id, l.amount));
            }
            all_eligible &= l.eligible;
        }
        match Money::checked_sum(r.total.currency(), r.parts.iter().map(|p| p.amount)) {
            Ok(parts) if parts == r.total => {}
            Ok(parts) => {
                push!(AllocationMismatch, i, asked, format!("refund parts sum to {parts}, total is {}", r.total))
            }
            Err(e) => push!(EngineError, i, asked, format!("refund parts: {e}")),
        }
        if r.total.currency() != cur {
            // Refunds in a market's currency: not compared with the settlement figures.
            all_eligible = false;
            continue;
        }
        let step = (|| -> Result<(), MoneyError> {
            refunded = refunded.checked_add(r.total)?;
            for f in [r.gift_deduction, r.return_shipping, r.restocking_fee, r.points_deduction, r.shipping_clawback] {
                fees = fees.checked_add(f)?;
            }
            shipping_back = shipping_back.checked_add(r.original_shipping)?;
            Ok(())
        })();
        if let Err(e) = step {
            push!(EngineError, i, asked, format!("summing the refunds: {e}"));
            return out;
        }
        if refunded.amount() > paid.amount() {
            push!(
                RefundExceedsPaid,
                i,
                asked,
                format!("the refunds so far add up to {refunded}, more than the {paid} paid"),
            );
        }
        if let Some(p) = &a.points {
            reversed = reversed.saturating_add(p.earned_reversed);
            given_back = given_back.saturating_add(p.redeemed_returned).saturating_add(p.redeemed_expired);
        }
    }
    let (Some(i), true, true) = (last, seq.everything, all_eligible) else { return out };
    let Some(asked) = seq.asked.get(i) else { return out };
    let t = &answer.totals;
    // The shipping charged, less what came back as original shipping, is kept.
    let expected = (|| -> Result<Option<Money>, MoneyError> {
        let shipping_net = t.shipping.checked_sub(t.shipping_discounts)?;
        if (t.tax_added.is_some() || !t.tax_included) && !shipping_net.is_zero() {
            // Shipping tax added on top: which refund part carries it is the policy's; not checked.
            return Ok(None);
        }
        let kept = shipping_net.checked_sub(shipping_back)?;
        Ok(Some(refunded.checked_add(fees)?.checked_add(kept)?))
    })();
    match expected {
        Ok(Some(sum)) if sum != paid => push!(
            FullReturnMismatch,
            i,
            asked,
            format!(
                "every unit returned: refunds {refunded} + fees {fees} + shipping kept {} make {sum}, not the {paid} paid",
                sum.checked_sub(refunded).and_then(|x| x.checked_sub(fees)).unwrap_or(zero)
            ),
        ),
        Ok(_) => {}
        Err(e) => push!(EngineError, i, asked, format!("summing the refunds: {e}")),
    }
    let earned: u64 = answer.lines.iter().filter_map(|l| l.points.as_ref()).map(|p| p.earned).sum();
    let redeemed: u64 = answer.lines.iter().filter_map(|l| l.points.as_ref()).map(|p| p.redeemed).sum();
    if reversed != earned || given_back != redeemed {
        push!(
            PointsNotReversed,
            i,
            asked,
            format!(
                "every unit returned: {reversed} of {earned} points earned reversed, {given_back} of {redeemed} redeemed given back"
            ),
        );
    }
    out
}
