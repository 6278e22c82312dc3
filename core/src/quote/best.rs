//! The best-coupons question: which of the customer's coupons to use on a
//! cart, what they save, and why the others are left out.

use schemars::JsonSchema;
use serde::Serialize;

use super::{quote_with_coupon_saving, QuoteRequest, Rejection, Via};
use crate::money::Money;
use crate::rules::CompiledRules;
use crate::{Error, Limits};

/// The recommended coupons for a cart and wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct BestCouponsAnswer {
    /// The coupons to use (entered codes and wallet coupons), in the order they run.
    pub recommended: Vec<RecommendedCoupon>,
    /// What they save beyond the automatic promotions.
    pub saving: Money,
    /// The grand total with them.
    pub grand_total: Money,
    /// True when the combination is proven the best (every compatible one was evaluated).
    pub optimal: bool,
    /// Combinations evaluated.
    pub combinations_evaluated: u32,
    /// Every other entered code and wallet coupon, with the reason it is not used.
    pub not_used: Vec<Rejection>,
}

/// One recommended coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RecommendedCoupon {
    /// The promotion it unlocks.
    pub promotion_id: String,
    /// The wallet coupon, when from the wallet or an issued code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_coupon_id: Option<String>,
    /// The code, when entered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The discount it gives in this combination.
    pub amount: Money,
}

/// Answers the best-coupons question with the quote's own selection.
pub(crate) fn best_coupons(
    rules: &CompiledRules,
    limits: &Limits,
    req: &QuoteRequest,
) -> Result<BestCouponsAnswer, Error> {
    let (answer, saving, _) = quote_with_coupon_saving(rules, limits, req)?;
    let recommended = answer
        .promotions
        .iter()
        .filter(|p| p.via != Via::Automatic)
        .map(|p| RecommendedCoupon {
            promotion_id: p.id.to_string(),
            wallet_coupon_id: p.wallet_coupon_id.clone(),
            code: p.code.clone(),
            amount: p.amount,
        })
        .collect();
    let not_used = answer.rejected.into_iter().filter(|r| r.code.is_some() || r.wallet_coupon_id.is_some()).collect();
    Ok(BestCouponsAnswer {
        recommended,
        saving,
        grand_total: answer.totals.grand_total,
        optimal: answer.selection.optimal,
        combinations_evaluated: answer.selection.combinations_evaluated,
        not_used,
    })
}
