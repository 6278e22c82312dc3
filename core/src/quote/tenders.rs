//! Gift cards and stored value as tender: after the totals, the tenders
//! the request lists pay the grand total (after tax and points) in the
//! order given, each at most its balance. They are a means of payment, not
//! a discount: no line, tax, allocation or total changes; the answer says
//! what each pays and what remains to pay by other means.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::money_error;
use crate::money::{Amount, Currency, Money};
use crate::rules::{JsonPath, Problems};
use crate::{Error, ErrorCode, Limits};

/// Most tenders in one request.
pub const MAX_TENDERS: usize = 20;

/// What kind of stored value a tender is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenderKind {
    /// A gift card (the default).
    #[default]
    GiftCard,
    /// Stored value on the customer's account (余额).
    StoredValue,
}

unit_enum!(TenderKind { GiftCard = "gift_card", StoredValue = "stored_value" });

/// A gift card or stored-value balance offered to pay the order.
///
/// ```
/// use commerce_rules::Tender;
/// let t: Tender = serde_json::from_str(r#"{"id": "gc-1", "balance": "50.00"}"#).unwrap();
/// assert_eq!(t.balance.to_string(), "50.00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tender {
    /// The host's id of the card or account; unique in the request.
    pub id: String,
    /// `gift_card` (default) or `stored_value`.
    #[serde(default)]
    pub kind: TenderKind,
    /// The balance available now, in the answer's currency; at least 0.
    pub balance: Amount,
}

/// What the tenders pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PaymentAnswer {
    /// Each tender, in the request's order.
    pub tenders: Vec<TenderPayment>,
    /// What the tenders pay in all.
    pub paid_by_tenders: Money,
    /// The grand total less what the tenders pay: to pay by other means.
    pub remaining_to_pay: Money,
}

/// What one tender pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TenderPayment {
    /// The tender's id.
    pub id: String,
    /// Its kind.
    pub kind: TenderKind,
    /// The balance before.
    pub balance: Money,
    /// What it pays.
    pub amount: Money,
    /// The balance after: for the host to debit.
    pub balance_after: Money,
}

/// Checks the request's tenders: at most [`MAX_TENDERS`], ids unique and
/// within the id limit, balances at least 0 in whole minor units.
pub(crate) fn check(tenders: &[Tender], currency: Currency, limits: &Limits) -> Result<(), Error> {
    let mut p = Problems::new(1);
    let root = JsonPath::root();
    let at = root.field("tenders");
    p.count(tenders.len(), MAX_TENDERS, &at);
    for (i, t) in tenders.iter().enumerate() {
        let tp = at.index(i);
        p.id(&t.id, limits.max_id_bytes, &tp.field("id"));
        if tenders.iter().take(i).any(|o| o.id == t.id) {
            p.add(ErrorCode::DuplicateId, &tp.field("id"), format!("tender `{}` is listed twice", t.id));
        }
        crate::rules::amount_valid(t.balance, currency, &tp.field("balance"), &mut p);
    }
    match p.into_vec().into_iter().next() {
        Some(problem) => Err(Error::InvalidRequest(problem)),
        None => Ok(()),
    }
}

/// The tenders pay `grand_total` in the order given, each at most its
/// balance; `None` without tenders.
pub(crate) fn pay(tenders: &[Tender], grand_total: Money) -> Result<Option<PaymentAnswer>, Error> {
    if tenders.is_empty() {
        return Ok(None);
    }
    let err = |e| money_error(e, "tenders");
    let cur = grand_total.currency();
    let mut remaining = grand_total;
    let mut paid = Money::zero(cur);
    let mut out = Vec::with_capacity(tenders.len());
    for t in tenders {
        let balance = Money::new(t.balance.value(), cur);
        let amount = balance.min(remaining).map_err(err)?;
        remaining = remaining.checked_sub(amount).map_err(err)?;
        paid = paid.checked_add(amount).map_err(err)?;
        out.push(TenderPayment {
            id: t.id.clone(),
            kind: t.kind,
            balance,
            amount,
            balance_after: balance.checked_sub(amount).map_err(err)?,
        });
    }
    Ok(Some(PaymentAnswer { tenders: out, paid_by_tenders: paid, remaining_to_pay: remaining }))
}
