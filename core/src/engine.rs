//! The compiled, immutable engine that answers questions.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use std::borrow::Cow;

use crate::rules::{self, CompiledMarket, CompiledRules, RuleSet, SCHEMA_VERSION};
use crate::{json, quote, Error, ErrorCode, Limits, Problem, QuoteAnswer, QuoteRequest, ShippingAnswer};

/// A rule set compiled once and used for many requests.
///
/// An engine is immutable, `Send` and `Sync`: share one across threads.
///
/// ```
/// use commerce_rules::Engine;
/// let engine = Engine::from_json(r#"{
///     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
///     "tax": {"prices_include_tax": true, "default_class": "std",
///             "classes": [{"id": "std", "rate_percent": "13"}]}
/// }"#).unwrap();
/// let answer = engine.quote_json(r#"{
///     "now": "2026-11-11T20:00:00+08:00",
///     "lines": [{"id": "1", "sku": "TEA", "quantity": 2, "unit_price": "56.50"}]
/// }"#).unwrap();
/// assert!(answer.contains(r#""grand_total":"113.00""#));
/// assert!(answer.contains(r#""tax":"13.00""#));
/// ```
#[derive(Debug)]
pub struct Engine {
    rules: CompiledRules,
    /// Each market's rules, in rule-set order (`docs/markets.md`).
    markets: Vec<CompiledMarket>,
    /// The rule set, kept when it has markets: a refund whose receipt
    /// records another rate derives the market's rules again at that rate.
    source: Option<Box<RuleSet>>,
    limits: Limits,
}

/// The questions an engine answers, for hosts that dispatch by name.
///
/// ```
/// use commerce_rules::Question;
/// assert_eq!(Question::from_name("quote"), Some(Question::Quote));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Question {
    /// Price a cart: [`Engine::quote`].
    Quote,
    /// The wallet coupons that save most on a cart: [`Engine::best_coupons`].
    BestCoupons,
    /// Shipping methods, prices and delivery dates for a cart and destination: [`Engine::shipping_options`].
    ShippingOptions,
    /// A customer's membership tier and progress: [`Engine::tier_status`].
    TierStatus,
    /// A customer's points and what expires when: [`Engine::points_balance`].
    PointsBalance,
    /// Return eligibility and the refund: [`Engine::return_refund`].
    ReturnRefund,
    /// Price protection (价保): [`Engine::price_protection`].
    PriceProtection,
}

impl Question {
    /// Every question.
    pub const ALL: &'static [Question] = &[
        Question::Quote,
        Question::BestCoupons,
        Question::ShippingOptions,
        Question::TierStatus,
        Question::PointsBalance,
        Question::ReturnRefund,
        Question::PriceProtection,
    ];

    /// The question's name (`quote`).
    pub const fn name(self) -> &'static str {
        match self {
            Question::Quote => "quote",
            Question::BestCoupons => "best_coupons",
            Question::ShippingOptions => "shipping_options",
            Question::TierStatus => "tier_status",
            Question::PointsBalance => "points_balance",
            Question::ReturnRefund => "return_refund",
            Question::PriceProtection => "price_protection",
        }
    }

    /// The question with that name.
    pub fn from_name(name: &str) -> Option<Question> {
        Question::ALL.iter().copied().find(|q| q.name() == name)
    }
}

/// The rules a refund is computed with: compiled with the engine, or
/// derived for one request at the rate a receipt records.
enum ReceiptRules<'a> {
    Stated(&'a CompiledRules),
    Recorded(Box<CompiledRules>),
}

impl ReceiptRules<'_> {
    fn get(&self) -> &CompiledRules {
        match self {
            ReceiptRules::Stated(r) => r,
            ReceiptRules::Recorded(r) => r,
        }
    }
}

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<serde_json::Value>,
}

impl Engine {
    /// Loads, validates and compiles a rule set with the default [`Limits`].
    pub fn from_json(rules_json: &str) -> Result<Engine, Error> {
        Engine::from_json_with_limits(rules_json, Limits::default())
    }

    /// Loads, validates and compiles a rule set with the given limits.
    ///
    /// A rule set that does not have the format's shape is refused with
    /// every shape problem found (missing and unknown fields, values of the
    /// wrong type or form, each at its own path); one that has it, with
    /// every problem [`Engine::from_rules`] finds.
    pub fn from_json_with_limits(rules_json: &str, limits: Limits) -> Result<Engine, Error> {
        Engine::from_rules(&parse_rules_json(rules_json, &limits)?, limits)
    }

    /// Validates and compiles a rule set already in memory.
    pub fn from_rules(rules: &RuleSet, limits: Limits) -> Result<Engine, Error> {
        let compiled = rules::compile(rules, &limits).map_err(|problems| Error::InvalidRules { problems })?;
        let markets = rules::compile_markets(rules, &limits).map_err(|problems| Error::InvalidRules { problems })?;
        let source = (!rules.markets.is_empty()).then(|| Box::new(rules.clone()));
        Ok(Engine { rules: compiled, markets, source, limits })
    }

    /// The rules a quote request is answered with, the request in their
    /// currency, and the market when one applies.
    fn route<'r>(
        &self,
        request: &'r QuoteRequest,
    ) -> Result<(&CompiledRules, Cow<'r, QuoteRequest>, Option<&CompiledMarket>), Error> {
        match quote::market::select(&self.markets, request)? {
            Some(m) => Ok((&m.rules, quote::market::localize(request, m)?, Some(m))),
            None => Ok((&self.rules, Cow::Borrowed(request), None)),
        }
    }

    /// The rules a receipt's refund is computed with: its market's, at the
    /// rate the receipt records (never the rule set's current rate), or
    /// the rule set's own.
    fn receipt_rules(&self, receipt: &crate::returns::Receipt) -> Result<ReceiptRules<'_>, Error> {
        let Some(recorded) = &receipt.market else { return Ok(ReceiptRules::Stated(&self.rules)) };
        let at = "receipt.market.id";
        let Some((i, m)) = self.markets.iter().enumerate().find(|(_, m)| m.id == recorded.id) else {
            let message = format!("the receipt is of market `{}`, which the rule set does not define", recorded.id);
            return Err(Error::request(ErrorCode::UnknownReference, at, message));
        };
        if recorded.base_currency != self.rules.currency || recorded.currency != m.price_rule.currency {
            return Err(Error::request(
                ErrorCode::CurrencyMismatch,
                "receipt.market.currency",
                format!(
                    "the receipt converts {} into {}; market `{}` converts {} into {}",
                    recorded.base_currency, recorded.currency, m.id, self.rules.currency, m.price_rule.currency
                ),
            ));
        }
        let rate = recorded.rate.value();
        if rate == m.price_rule.rate {
            return Ok(ReceiptRules::Stated(&m.rules));
        }
        if rate <= rust_decimal::Decimal::ZERO || rate > rust_decimal::Decimal::from(rules::MAX_MARKET_RATE) {
            let message = format!("must be over 0 and at most {}", rules::MAX_MARKET_RATE);
            return Err(Error::request(ErrorCode::OutOfRange, "receipt.market.rate", message));
        }
        let source = self.source.as_deref().ok_or_else(|| Error::request(ErrorCode::Internal, at, "no rule set"))?;
        let spec = source.markets.get(i).ok_or_else(|| Error::request(ErrorCode::Internal, at, "no market"))?;
        let compiled = rules::compile_market(source, i, spec, rate, &self.limits).map_err(|problems| {
            let first = problems.into_iter().next().unwrap_or_else(|| Problem::new(ErrorCode::Internal, "", ""));
            Error::request(first.code, "receipt.market.rate", first.message)
        })?;
        Ok(ReceiptRules::Recorded(Box::new(compiled.rules)))
    }

    /// The limits this engine enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The merchant's time zone, in which day boundaries fall.
    pub fn time_zone(&self) -> crate::MerchantTimeZone {
        self.rules.time_zone
    }

    /// The settlement currency.
    pub fn currency(&self) -> crate::Currency {
        self.rules.currency
    }

    /// Prices a cart.
    pub fn quote(&self, request: &QuoteRequest) -> Result<QuoteAnswer, Error> {
        let (rules, request, market) = self.route(request)?;
        let mut answer = quote::quote(rules, &self.limits, &request)?;
        answer.market = market.map(|m| quote::market::record(m, &answer));
        Ok(answer)
    }

    /// Prices a cart given as JSON and answers compact JSON. The same text
    /// always gives the same bytes.
    pub fn quote_json(&self, request_json: &str) -> Result<String, Error> {
        let request: QuoteRequest = self.parse_request(request_json)?;
        answer_to_json(&self.quote(&request)?)
    }

    /// [`Engine::quote_json`], also answering the work the promotion stages
    /// did, in promotion-line evaluations (the unit of
    /// [`Limits::max_search_work`]): for tests and benchmarks that bound the
    /// work of a request without timing it.
    ///
    /// ```
    /// # let engine = commerce_rules::Engine::from_json(r#"{"schema_version":1,"currency":"CNY","time_zone":"Asia/Shanghai",
    /// #     "tax":{"prices_include_tax":true,"default_class":"std","classes":[{"id":"std","rate_percent":"13"}]}}"#).unwrap();
    /// let (answer, work) = engine.quote_work(r#"{"now":"2026-11-11T20:00:00+08:00","lines":[]}"#).unwrap();
    /// assert!(answer.contains("grand_total") && work == 0);
    /// ```
    pub fn quote_work(&self, request_json: &str) -> Result<(String, u64), Error> {
        let request: QuoteRequest = self.parse_request(request_json)?;
        let (rules, request, market) = self.route(&request)?;
        let (mut answer, _, work) = quote::quote_with_coupon_saving(rules, &self.limits, &request)?;
        answer.market = market.map(|m| quote::market::record(m, &answer));
        Ok((answer_to_json(&answer)?, work))
    }

    /// The combination of entered codes and wallet coupons that saves most
    /// on a cart, and why each other coupon is left out.
    pub fn best_coupons(&self, request: &QuoteRequest) -> Result<crate::BestCouponsAnswer, Error> {
        let (rules, request, _) = self.route(request)?;
        quote::best_coupons(rules, &self.limits, &request)
    }

    /// Shipping options for a cart and destination (a quote request): every
    /// method of the matched zone with price, rate steps and delivery window,
    /// cheapest first, the unavailable ones with their reasons, or why
    /// nothing ships there.
    pub fn shipping_options(&self, request: &QuoteRequest) -> Result<ShippingAnswer, Error> {
        let (rules, request, _) = self.route(request)?;
        quote::shipping_options(rules, &self.limits, &request)
    }

    /// A customer's membership tier from their qualifying history: the tier
    /// held, the qualifying value, the next tier and the shortfall, and when
    /// the tier lapses. Needs a `membership` section.
    ///
    /// ```
    /// use commerce_rules::Engine;
    /// let engine = Engine::from_json(r#"{
    ///     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
    ///     "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
    ///     "membership": {"qualification": {"metric": "paid_spend", "window_months": 12}, "validity_months": 12,
    ///         "tiers": [{"id": "member", "rank": 1, "threshold": "0"}, {"id": "gold", "rank": 2, "threshold": "1000.00"}]}
    /// }"#).unwrap();
    /// let status = engine.tier_status(&serde_json::from_str(r#"{"now": "2026-11-11T20:00:00+08:00",
    ///     "history": [{"at": "2026-03-01T10:00:00+08:00", "amount": "680.00"}]}"#).unwrap()).unwrap();
    /// assert_eq!(status.tier.unwrap().id, "member");
    /// assert_eq!(status.next_tier.unwrap().message, "spend 320.00 more by 2027-02-28 for gold");
    /// ```
    pub fn tier_status(
        &self,
        request: &crate::points::TierStatusRequest,
    ) -> Result<crate::points::TierStatusAnswer, Error> {
        crate::points::tier_status(&self.rules, &self.limits, request)
    }

    /// A customer's available points and what expires when, in the merchant's zone.
    ///
    /// ```
    /// use commerce_rules::Engine;
    /// let engine = Engine::from_json(r#"{
    ///     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
    ///     "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]}
    /// }"#).unwrap();
    /// let balance = engine.points_balance(&serde_json::from_str(r#"{"now": "2026-11-11T20:00:00+08:00",
    ///     "lots": [{"id": "a", "earned_at": "2026-01-01T00:00:00+08:00", "amount": 500,
    ///               "expires_at": "2027-01-01T00:00:00+08:00"}]}"#).unwrap()).unwrap();
    /// assert_eq!(balance.available, 500);
    /// assert_eq!(balance.expiring[0].last_day.to_string(), "2026-12-31");
    /// ```
    pub fn points_balance(
        &self,
        request: &crate::points::PointsBalanceRequest,
    ) -> Result<crate::points::PointsBalanceAnswer, Error> {
        crate::points::balance(&self.rules, &self.limits, request)
    }

    /// The points a return reverses and gives back, for the returns stage:
    /// per line, prorated by quantity over cumulative returns (the last
    /// return settles the remainder), honouring the rule set's clawback
    /// policy. See [`crate::points::PointsClawbackRequest`].
    ///
    /// ```
    /// use commerce_rules::Engine;
    /// let engine = Engine::from_json(r#"{
    ///     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Shanghai",
    ///     "tax": {"prices_include_tax": true, "default_class": "std", "classes": [{"id": "std", "rate_percent": "13"}]},
    ///     "points": {"redemption": {"points_per_unit": 100}}
    /// }"#).unwrap();
    /// let c = engine.points_clawback(&serde_json::from_str(r#"{"now": "2026-11-20T10:00:00+08:00",
    ///     "lines": [{"line_id": "1", "quantity": 3, "earned": 100, "returning": 2}], "balance": 50}"#).unwrap()).unwrap();
    /// assert_eq!((c.earned_reversed, c.taken_from_balance, c.shortfall), (66, 50, 16));
    /// assert_eq!(c.refund_deduction.unwrap().to_string(), "0.16");
    /// ```
    pub fn points_clawback(
        &self,
        request: &crate::points::PointsClawbackRequest,
    ) -> Result<crate::points::PointsClawback, Error> {
        crate::points::clawback(&self.rules, &self.limits, request)
    }

    /// Whether the requested lines may be returned (with reason and
    /// deadline) and the refund, part by part: what was paid for the units,
    /// prorated exactly over cumulative returns, less threshold discounts
    /// the kept items no longer earn, kept gifts, return shipping,
    /// restocking fee and uncovered points, plus the original shipping when
    /// it is refunded. See `docs/returns.md`.
    pub fn return_refund(
        &self,
        request: &crate::returns::ReturnRefundRequest,
    ) -> Result<crate::returns::ReturnRefundAnswer, Error> {
        crate::returns::return_refund(self.receipt_rules(&request.receipt)?.get(), &self.limits, request)
    }

    /// Price protection (价保): per receipt line, the drop of today's price
    /// below the unit price paid, times the units still held, once per
    /// line, inside the rule set's window. See `docs/returns.md`.
    pub fn price_protection(
        &self,
        request: &crate::returns::PriceProtectionRequest,
    ) -> Result<crate::returns::PriceProtectionAnswer, Error> {
        crate::returns::price_protection(self.receipt_rules(&request.receipt)?.get(), &self.limits, request)
    }

    /// Answers `question` for a JSON request, in compact JSON. The same text
    /// always gives the same bytes.
    pub fn answer_json(&self, question: Question, request_json: &str) -> Result<String, Error> {
        match question {
            Question::Quote => self.quote_json(request_json),
            Question::BestCoupons => to_json(&self.best_coupons(&self.parse_request(request_json)?)?),
            Question::ShippingOptions => to_json(&self.shipping_options(&self.parse_request(request_json)?)?),
            Question::TierStatus => to_json(&self.tier_status(&self.parse_request(request_json)?)?),
            Question::PointsBalance => to_json(&self.points_balance(&self.parse_request(request_json)?)?),
            Question::ReturnRefund => to_json(&self.return_refund(&self.parse_receipt_request(request_json)?)?),
            Question::PriceProtection => to_json(&self.price_protection(&self.parse_receipt_request(request_json)?)?),
        }
    }

    /// The largest request text `question` accepts, in bytes:
    /// `max_request_bytes`, and twice that for `return_refund` and
    /// `price_protection`, whose requests carry a receipt (a quote answer,
    /// itself up to 1 MiB within the default limits) besides their own fields.
    ///
    /// ```
    /// use commerce_rules::{Engine, Question};
    /// let engine = Engine::from_json(r#"{"schema_version":1,"currency":"CNY","time_zone":"Asia/Shanghai","tax":{"prices_include_tax":true,"default_class":"std","classes":[{"id":"std","rate_percent":"13"}]}}"#).unwrap();
    /// assert_eq!(engine.max_request_bytes(Question::Quote), 1024 * 1024);
    /// assert_eq!(engine.max_request_bytes(Question::ReturnRefund), 2 * 1024 * 1024);
    /// ```
    pub fn max_request_bytes(&self, question: Question) -> usize {
        match question {
            Question::ReturnRefund | Question::PriceProtection => self.limits.max_request_bytes.saturating_mul(2),
            _ => self.limits.max_request_bytes,
        }
    }

    fn parse_request<T: DeserializeOwned>(&self, text: &str) -> Result<T, Error> {
        json::parse(text, self.limits.max_request_bytes, self.limits.max_json_depth).map_err(Error::InvalidRequest)
    }

    /// Parses a request that carries a receipt: see [`Engine::max_request_bytes`].
    fn parse_receipt_request<T: DeserializeOwned>(&self, text: &str) -> Result<T, Error> {
        let max = self.max_request_bytes(Question::ReturnRefund);
        json::parse(text, max, self.limits.max_json_depth).map_err(Error::InvalidRequest)
    }
}

/// Writes an answer (or any serializable value) as compact JSON, exactly
/// as the `*_json` methods do: byte for byte what `serde_json::to_string`
/// writes, with less work per string (strings are checked for escapes
/// eight bytes at a time).
///
/// ```
/// let text = commerce_rules::to_json(&serde_json::json!({"a": ["b\"c", 1, null]})).unwrap();
/// assert_eq!(text, r#"{"a":["b\"c",1,null]}"#);
/// ```
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    json::write::to_string(value).map_err(write_error)
}

/// [`to_json`] for a quote's answer, into a buffer sized for it at once.
fn answer_to_json(answer: &QuoteAnswer) -> Result<String, Error> {
    json::write::to_string_sized(answer, answer.json_size_hint()).map_err(write_error)
}

fn write_error(e: json::write::WriteError) -> Error {
    Error::request(ErrorCode::Internal, "", e.to_string())
}

/// Reads a rule set's JSON text, without validating what it says: the
/// text's size and depth against `limits`, and its shape. The top-level
/// `"$schema"` member editors read is accepted (a string) and ignored.
///
/// On a shape problem the error lists every one found, up to
/// `limits.max_problems`: each missing required field (at the path of the
/// object that lacks it), each unknown field and each value of the wrong
/// type or form (at the path of the field itself), with a message in plain
/// words. A rule set written for another `schema_version` is refused as
/// such, and only as such.
///
/// ```
/// use commerce_rules::{parse_rules_json, Limits};
/// let err = parse_rules_json(r#"{"$schema": "rule_set.schema.json", "schema_version": 1}"#, &Limits::default())
///     .unwrap_err();
/// let problems: Vec<_> = err.problems().iter().map(|p| (p.code.as_str(), p.message.as_str())).collect();
/// assert_eq!(problems, [
///     ("missing_field", "missing field `currency` (an ISO 4217 currency code the engine knows, such as \"CNY\", \"USD\" or \"EUR\")"),
///     ("missing_field", "missing field `time_zone` (a string)"),
///     ("missing_field", "missing field `tax` (an object)"),
/// ]);
/// ```
pub fn parse_rules_json(rules_json: &str, limits: &Limits) -> Result<RuleSet, Error> {
    let invalid = |p: Problem| Error::InvalidRules { problems: vec![p] };
    let text = json::prepare(rules_json, limits.max_rules_bytes, limits.max_json_depth).map_err(invalid)?;
    let unsupported = |v: &dyn std::fmt::Display| {
        invalid(Problem::new(
            ErrorCode::UnsupportedSchemaVersion,
            "schema_version",
            format!("this engine reads schema_version {SCHEMA_VERSION}, not {v}"),
        ))
    };
    let first = match json::parse_prepared::<RuleSet>(&text) {
        Ok(rules) if rules.schema_version == SCHEMA_VERSION => return Ok(rules),
        Ok(rules) => return Err(unsupported(&rules.schema_version)),
        Err(first) => first,
    };
    // Only now, for a text that does not parse: look at the version first,
    // so that a rule set written for another version is reported as such
    // rather than as unknown fields; then at every shape problem.
    let probe: VersionProbe = json::parse_prepared(&text).map_err(invalid)?;
    if let Some(v) = probe.schema_version {
        if v.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
            return Err(unsupported(&v));
        }
    }
    if first.code == ErrorCode::InvalidJson {
        return Err(invalid(first));
    }
    let problems = json::shape::problems(&text, json::shape::RULE_SET, first, limits.max_problems);
    Err(Error::InvalidRules { problems })
}

/// Every problem of a rule set (empty when it is valid), up to `limits.max_problems`:
/// every shape problem when it does not have the format's shape (see
/// [`parse_rules_json`]), else every problem of what it says.
///
/// ```
/// use commerce_rules::{validate_rules_json, Limits};
/// let problems = validate_rules_json(r#"{
///     "schema_version": 1, "currency": "CNY", "time_zone": "Asia/Nowhere",
///     "tax": {"prices_include_tax": true, "default_class": "vat",
///             "classes": [{"id": "std", "rate_percent": "130"}]}
/// }"#, &Limits::default());
/// let codes: Vec<_> = problems.iter().map(|p| (p.code.as_str(), p.path.as_str())).collect();
/// assert_eq!(codes, [
///     ("unknown_time_zone", "time_zone"),
///     ("out_of_range", "tax.classes[0].rate_percent"),
///     ("unknown_reference", "tax.default_class"),
/// ]);
/// ```
pub fn validate_rules_json(rules_json: &str, limits: &Limits) -> Vec<Problem> {
    match Engine::from_json_with_limits(rules_json, *limits) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_answer_is_written_into_a_buffer_sized_once() {
        // The size hint is at least the answer (no copy as the buffer
        // grows) and not far above it (no memory wasted), on the shared
        // workload and the bundled sample.
        for (rules, request) in [
            (include_str!("../../benches/data/w1/rules.json"), include_str!("../../benches/data/w1/request.json")),
            (
                include_str!("../../examples/data/cn-store.rules.json"),
                include_str!("../../examples/data/cn-store.quote.json"),
            ),
        ] {
            let engine = Engine::from_json(rules).unwrap();
            let answer = engine.quote(&engine.parse_request(request).unwrap()).unwrap();
            let text = engine.quote_json(request).unwrap();
            let hint = answer.json_size_hint();
            assert!(text.len() <= hint && hint <= 2 * text.len(), "{} bytes, hint {hint}", text.len());
            assert!(text.capacity() <= hint, "the buffer grew: {} > {hint}", text.capacity());
        }
    }

    #[test]
    fn engine_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Engine>();
    }

    #[test]
    fn another_schema_version_is_named_as_such() {
        let err = Engine::from_json(r#"{"schema_version": 2, "future_field": true}"#).unwrap_err();
        assert_eq!(err.problems()[0].code, ErrorCode::UnsupportedSchemaVersion);
        assert_eq!(err.path(), "schema_version");
    }
}
