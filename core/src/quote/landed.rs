//! The landed-cost stage, after tax: what customs at the destination adds
//! (duty, import VAT/GST, consumption tax, fees), under which regime, and
//! who pays it when (DDP: at checkout; DAP: an estimate paid on delivery).
//! See `docs/landed.md`.
//!
//! Every figure is computed per line in the quote's currency and rounded
//! half-up to its minor units; thresholds and limits are compared in the
//! destination's currency. A rule set without `customs` skips the stage.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

use super::answer::LineAnswer;
use super::{CartLine, CustomsRequest, QuoteRequest};
use crate::error::money_error;
use crate::messages::{customs_reason_text, landed_part_text};
use crate::money::{allocate_proportional, Currency, Money, MoneyError, Percent, RoundingMode};
use crate::reasons::{CustomsReason, LandedPartCode, LandedRegime};
use crate::rules::{
    Cbec, CbecOverLimit, CompiledRules, ConsumptionBase, CustomsDestination, JsonPath, Problems, TariffRate, Terms,
};
use crate::{Error, ErrorCode};

/// The landed cost of a quote: what the shopper pays in all to get the
/// goods delivered, broken down with the rule behind each figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LandedCost {
    /// The customs destination (`customs.destinations[].id`).
    pub destination: String,
    /// The destination's country.
    pub country: String,
    /// The regime the figures were computed under.
    pub regime: LandedRegime,
    /// The low-value scheme's name, under `low_value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// `ddp`: duties and taxes at the border are collected at checkout and in
    /// the grand total; `dap`: they are an estimate paid on delivery, not in
    /// the grand total. Low-value VAT and China's cross-border tax are
    /// collected at checkout either way.
    pub terms: Terms,
    /// The goods' value in the destination's currency, compared with de
    /// minimis and low-value thresholds.
    pub goods_value: Money,
    /// The dutiable value (goods, and shipping and insurance as the
    /// destination counts them), in the quote's currency.
    pub dutiable_value: Money,
    /// Insurance counted in the dutiable value (not charged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Money>,
    /// Per line, in line-id order.
    pub lines: Vec<LandedLine>,
    /// The landed cost's parts; they sum to `landed_total`.
    pub parts: Vec<LandedPart>,
    /// Duty, import VAT, consumption tax and fees.
    pub duties_and_taxes: Money,
    /// The part of `duties_and_taxes` collected at checkout (in the grand total).
    pub collected_at_checkout: Money,
    /// The part of `duties_and_taxes` the shopper pays on delivery (not in the grand total).
    pub due_on_delivery: Money,
    /// Goods + shipping + duties and taxes: the sum of `parts`.
    pub landed_total: Money,
    /// China's cross-border annual account, for a `cbec` destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cbec: Option<CbecAccount>,
    /// Why customs refuses the order, when it does: the order must not be placed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<LandedRefusal>,
}

/// A line's dutiable value and what customs charges on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LandedLine {
    /// The line id.
    pub line_id: String,
    /// The line's HS code, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hs_code: Option<String>,
    /// The line's country of origin, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_of_origin: Option<String>,
    /// Goods, plus the line's share of shipping and insurance when dutiable.
    pub dutiable_value: Money,
    /// The duty rate applied, in percent.
    pub duty_percent: Percent,
    /// The rule behind the duty rate (`customs:ID:duty_rates[k]`, `customs:ID:default_duty`).
    pub duty_rule: String,
    /// Duty.
    pub duty: Money,
    /// The specific duty per unit applied, in the destination's currency
    /// (the matching `duty_rates` entry's `per_unit`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty_per_unit: Option<Money>,
    /// The consumption-tax rate, in percent.
    pub consumption_percent: Percent,
    /// The specific consumption (excise) tax per unit applied, in the
    /// destination's currency, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumption_per_unit: Option<Money>,
    /// Consumption tax.
    pub consumption_tax: Money,
    /// The import VAT rate, in percent.
    pub import_vat_percent: Percent,
    /// Import VAT (or low-value VAT).
    pub import_vat: Money,
}

/// When a part is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Collected {
    /// At checkout, in the grand total.
    Checkout,
    /// On delivery, to the carrier or customs; an estimate.
    Delivery,
}

/// One part of a landed cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LandedPart {
    /// What it is.
    pub code: LandedPartCode,
    /// The rule behind it (`lines`, `shipping`, `customs:ID:duty`, `customs_fee:ID`...).
    pub rule: String,
    /// The amount.
    pub amount: Money,
    /// When it is paid.
    pub collected: Collected,
    /// A default message in the request's locale.
    pub message: String,
}

/// China's cross-border annual account, in the destination's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CbecAccount {
    /// The per-order limit.
    pub transaction_limit: Money,
    /// The annual limit.
    pub annual_limit: Money,
    /// Used this year before this order, as the host sent it.
    pub annual_used: Money,
    /// What this order counts against the annual limit (its dutiable value;
    /// zero when taxed as general trade or refused): the host records it.
    pub order_amount: Money,
    /// `annual_used + order_amount`.
    pub annual_used_after: Money,
    /// Days after delivery a return refunds the tax and gives the annual amount back.
    pub refund_days: u32,
}

/// Why customs refuses an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LandedRefusal {
    /// The stable reason code.
    pub reason: CustomsReason,
    /// The limit.
    pub limit: Money,
    /// The order's dutiable value (per-order limit) or what is left this year (annual limit).
    pub value: Money,
    /// A default message in the request's locale.
    pub message: String,
}

/// Checks a line's customs fields.
pub(crate) fn validate_line(line: &CartLine, at: &JsonPath<'_>, p: &mut Problems) {
    if let Some(hs) = &line.hs_code {
        let ok = (2..=14).contains(&hs.len()) && hs.bytes().all(|b| b.is_ascii_digit());
        p.check(!ok, ErrorCode::InvalidValue, &at.field("hs_code"), "must be 2 to 14 digits, such as `090210`");
    }
    if let Some(c) = &line.country_of_origin {
        if !crate::rules::is_country(c) {
            p.add(
                ErrorCode::InvalidValue,
                &at.field("country_of_origin"),
                format!("`{c}` is not an ISO 3166-1 alpha-2 country code (upper case, such as `CN`)"),
            );
        }
    }
}

/// Checks the request's `customs` section.
pub(crate) fn validate_request(customs: &CustomsRequest, at: &JsonPath<'_>, p: &mut Problems) {
    if let Some(used) = customs.annual_used {
        let v = used.value();
        p.check(v < Decimal::ZERO, ErrorCode::OutOfRange, &at.field("annual_used"), "must be >= 0");
    }
}

/// What the totals take from the landed cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LandedTotals {
    pub(crate) duties_and_taxes: Money,
    pub(crate) at_checkout: Money,
}

/// The amounts of the order the stage reads.
pub(crate) struct OrderFacts {
    /// Shipping charged after shipping discounts.
    pub(crate) shipping_payable: Money,
    /// The shipping tax.
    pub(crate) shipping_tax: Money,
}

/// Computes the landed cost, when the rule set has customs and the
/// destination's country is one of its destinations.
pub(crate) fn apply(
    rules: &CompiledRules,
    req: &QuoteRequest,
    lines: &[LineAnswer],
    order: &[usize],
    facts: &OrderFacts,
) -> Result<Option<LandedCost>, Error> {
    let Some(customs) = &rules.customs else { return Ok(None) };
    let Some(country) = req.destination.as_ref().map(|d| d.country.as_str()) else { return Ok(None) };
    let Some(dest) = customs.destinations.iter().find(|d| d.countries.iter().any(|c| c == country)) else {
        return Ok(None);
    };
    compute(rules, req, lines, order, facts, dest, country).map(Some)
}

/// What the totals add: all duties and taxes, and the part at checkout.
pub(crate) fn totals_of(landed: Option<&LandedCost>) -> Option<LandedTotals> {
    landed.map(|l| LandedTotals { duties_and_taxes: l.duties_and_taxes, at_checkout: l.collected_at_checkout })
}

fn oops(e: MoneyError) -> Error {
    money_error(e, "customs")
}

fn fraction(p: Option<Percent>) -> Decimal {
    p.and_then(Percent::fraction).unwrap_or_default()
}

fn half_up(m: Money) -> Money {
    m.round(RoundingMode::HalfUp)
}

/// The best entry of `rates` for a line: the longest HS prefix, then a
/// category; an entry naming the line's origin before one naming none;
/// then the first listed.
fn best_rate<'r>(rates: &'r [TariffRate], line: Option<&CartLine>) -> Option<(usize, &'r TariffRate)> {
    let line = line?;
    let mut best: Option<((usize, bool), usize, &TariffRate)> = None;
    for (k, r) in rates.iter().enumerate() {
        let origin_ok =
            r.origins.is_empty() || line.country_of_origin.as_ref().is_some_and(|o| r.origins.iter().any(|x| x == o));
        if !origin_ok {
            continue;
        }
        let rank = match (&r.hs_prefix, &r.category) {
            (Some(prefix), _) => match &line.hs_code {
                Some(hs) if hs.starts_with(prefix.as_str()) => prefix.len().saturating_add(1),
                _ => continue,
            },
            (None, Some(c)) if line.categories.iter().any(|x| x == c) => 0,
            _ => continue,
        };
        let key = (rank, !r.origins.is_empty());
        if best.as_ref().is_none_or(|(b, _, _)| key > *b) {
            best = Some((key, k, r));
        }
    }
    best.map(|(_, k, r)| (k, r))
}

struct Converter {
    quote: Currency,
    to: Currency,
    rate: Option<Decimal>,
}

impl Converter {
    fn convert(&self, m: Money) -> Result<Money, Error> {
        if self.to == self.quote {
            return Ok(m);
        }
        let Some(rate) = self.rate else {
            return Err(Error::request(
                ErrorCode::ConflictingFields,
                "destination.country",
                format!(
                    "the customs thresholds are in {} and the quote is in {}, and the rule set gives no rate between them",
                    self.to, self.quote
                ),
            ));
        };
        crate::money::convert(m.amount(), rate, self.to, RoundingMode::HalfUp).map_err(oops)
    }

    /// `per_unit × quantity`, stated in the destination's currency, in the
    /// quote's currency: divided by the rate, exactly (not rounded; the
    /// figure it goes into is rounded once).
    fn specific(&self, per_unit: Decimal, quantity: u32) -> Result<Decimal, Error> {
        let total = per_unit.checked_mul(Decimal::from(quantity)).ok_or(MoneyError::Overflow).map_err(oops)?;
        if self.to == self.quote {
            return Ok(total);
        }
        let Some(rate) = self.rate else {
            // The same refusal as a threshold without a rate.
            return self.convert(Money::zero(self.quote)).map(|_| total);
        };
        total.checked_div(rate).ok_or(MoneyError::Overflow).map_err(oops)
    }
}

#[allow(clippy::too_many_lines)]
fn compute(
    rules: &CompiledRules,
    req: &QuoteRequest,
    lines: &[LineAnswer],
    order: &[usize],
    facts: &OrderFacts,
    dest: &CustomsDestination,
    country: &str,
) -> Result<LandedCost, Error> {
    let cur = rules.currency;
    let zero = Money::zero(cur);
    let included = rules.tax.prices_include_tax;
    let conv = Converter { quote: cur, to: dest.currency.unwrap_or(cur), rate: dest.rate.map(|r| r.value()) };
    let dz = Money::zero(conv.to);
    let lang = req.locale;

    // Goods per line (tax excluded), shipping and insurance, allocated to the lines by goods.
    let goods: Vec<Money> = lines
        .iter()
        .map(|l| if included { l.net.checked_sub(l.tax.amount) } else { Ok(l.net) })
        .collect::<Result<_, _>>()
        .map_err(oops)?;
    let goods_total = Money::checked_sum(cur, goods.iter().copied()).map_err(oops)?;
    let shipping_paid = if included {
        facts.shipping_payable.checked_sub(facts.shipping_tax).map_err(oops)?
    } else {
        facts.shipping_payable
    };
    let shipping_paid = shipping_paid.max(zero).map_err(oops)?;
    let dutiable_shipping = if dest.dutiable_value.shipping { shipping_paid } else { zero };
    let insurance = match dest.dutiable_value.insurance_percent {
        Some(pct) => Some(half_up(goods_total.checked_mul(fraction(Some(pct))).map_err(oops)?)),
        None => None,
    };
    let extra = dutiable_shipping.checked_add(insurance.unwrap_or(zero)).map_err(oops)?;
    let weights: Vec<Decimal> = goods.iter().map(|g| g.amount()).collect();
    let shares = if lines.is_empty() {
        Vec::new()
    } else {
        allocate_proportional(extra, &weights)
            .map_err(|e| Error::request(ErrorCode::ArithmeticOverflow, "customs", e.to_string()))?
    };
    let dutiable: Vec<Money> =
        goods.iter().zip(&shares).map(|(g, s)| g.checked_add(*s)).collect::<Result<_, _>>().map_err(oops)?;
    let dutiable_total = goods_total.checked_add(extra).map_err(oops)?;
    let goods_value = conv.convert(goods_total)?;
    let dutiable_dest = conv.convert(dutiable_total)?;

    // The regime.
    let at_most = |v: Money, t: Option<crate::money::DecimalString>| -> Result<bool, Error> {
        Ok(match t {
            Some(t) => v.checked_cmp(Money::new(t.value(), conv.to)).map_err(oops)?.is_le(),
            None => false,
        })
    };
    let mut refusal = None;
    let mut cbec_account = None;
    let regime = if let Some(cbec) = &dest.cbec {
        let (over, account) = cbec_limits(cbec, req.customs.as_ref(), dutiable_dest, conv.to)?;
        let regime = match over {
            None => LandedRegime::Cbec,
            Some(_) if cbec.over_limit == CbecOverLimit::GeneralTrade => LandedRegime::GeneralTrade,
            Some((reason, limit, value)) => {
                let message = customs_reason_text(reason, &limit.to_string(), &value.to_string(), lang);
                refusal = Some(LandedRefusal { reason, limit, value, message });
                LandedRegime::Cbec
            }
        };
        let counted = if regime == LandedRegime::Cbec && refusal.is_none() { dutiable_dest } else { dz };
        cbec_account = Some(CbecAccount {
            annual_used_after: account.annual_used.checked_add(counted).map_err(oops)?,
            order_amount: counted,
            ..account
        });
        regime
    } else if dest.low_value.is_some() && at_most(goods_value, dest.low_value.as_ref().map(|l| l.up_to))? {
        LandedRegime::LowValue
    } else {
        LandedRegime::Border
    };
    let de_minimis = dest.de_minimis.unwrap_or(crate::rules::DeMinimis { duty_up_to: None, tax_up_to: None });
    let border = matches!(regime, LandedRegime::Border | LandedRegime::GeneralTrade);
    let no_duty = regime == LandedRegime::Border && at_most(goods_value, de_minimis.duty_up_to)?;
    let no_tax = regime == LandedRegime::Border && at_most(goods_value, de_minimis.tax_up_to)?;
    let refused = refusal.is_some();
    let vat_rate = fraction(dest.import_vat_percent);
    let levy = dest.cbec.as_ref().map_or(Decimal::ONE, |c| fraction(c.levy_percent.or(Some(seventy()))));
    let levy_text =
        dest.cbec.as_ref().map_or_else(|| "70".to_string(), |c| c.levy_percent.unwrap_or(seventy()).to_string());

    // Per line.
    let mut out_lines = Vec::with_capacity(lines.len());
    for (k, (line, value)) in lines.iter().zip(&dutiable).enumerate() {
        let cart = order.get(k).and_then(|&i| req.lines.get(i));
        // The duty rate that applies: none under a low-value regime, within
        // the CBEC limits or under the duty de minimis.
        let (duty_pct, duty_rule, duty_unit) = match (regime, &dest.low_value) {
            (LandedRegime::LowValue, Some(lv)) => {
                (Percent::default(), format!("customs:{}:low_value:{}", dest.id, lv.scheme), None)
            }
            (LandedRegime::Cbec, _) => (Percent::default(), format!("customs:{}:cbec", dest.id), None),
            _ if no_duty => (Percent::default(), format!("customs:{}:de_minimis", dest.id), None),
            _ => match best_rate(&dest.duty_rates, cart) {
                Some((j, r)) => {
                    (r.percent.unwrap_or_default(), format!("customs:{}:duty_rates[{j}]", dest.id), r.per_unit)
                }
                None => {
                    (dest.default_duty_percent.unwrap_or_default(), format!("customs:{}:default_duty", dest.id), None)
                }
            },
        };
        let cons_rate = best_rate(&dest.consumption_rates, cart).map(|(_, r)| r);
        let cons_pct = cons_rate.and_then(|r| r.percent).unwrap_or_default();
        // Specific amounts are charged at the border only (not under a
        // low-value or CBEC regime, nor under the tax de minimis).
        let cons_unit = cons_rate.and_then(|r| r.per_unit).filter(|_| border && !no_tax);
        let quantity = cart.map_or(0, |l| l.quantity);
        let specific = |u: Option<crate::money::DecimalString>| -> Result<Decimal, Error> {
            u.map_or(Ok(Decimal::ZERO), |u| conv.specific(u.value(), quantity))
        };
        let c = fraction(Some(cons_pct));
        let (duty, consumption, vat) = if refused {
            (zero, zero, zero)
        } else {
            match regime {
                LandedRegime::Cbec => cbec_line(*value, c, vat_rate, levy)?,
                LandedRegime::LowValue => (zero, zero, half_up(value.checked_mul(vat_rate).map_err(oops)?)),
                LandedRegime::Border | LandedRegime::GeneralTrade => {
                    let ad_valorem = value.checked_mul(fraction(Some(duty_pct))).map_err(oops)?;
                    let duty = half_up(ad_valorem.checked_add(Money::new(specific(duty_unit)?, cur)).map_err(oops)?);
                    let (consumption, vat) = if no_tax {
                        (zero, zero)
                    } else {
                        let taxes = BorderTaxes {
                            consumption: c,
                            consumption_specific: specific(cons_unit)?,
                            vat: vat_rate,
                            base: dest.consumption_base,
                            consumption_in_vat_base: dest.consumption_in_vat_base,
                        };
                        taxes.on(*value, duty)?
                    };
                    (duty, consumption, vat)
                }
            }
        };
        out_lines.push(LandedLine {
            line_id: line.id.to_string(),
            hs_code: cart.and_then(|l| l.hs_code.clone()),
            country_of_origin: cart.and_then(|l| l.country_of_origin.clone()),
            dutiable_value: *value,
            duty_percent: duty_pct,
            duty_rule,
            duty_per_unit: duty_unit.filter(|_| border).map(|u| Money::new(u.value(), conv.to)),
            duty,
            consumption_percent: cons_pct,
            consumption_per_unit: cons_unit.map(|u| Money::new(u.value(), conv.to)),
            consumption_tax: consumption,
            import_vat_percent: dest.import_vat_percent.unwrap_or_default(),
            import_vat: vat,
        });
    }
    let sum = |f: fn(&LandedLine) -> Money| Money::checked_sum(cur, out_lines.iter().map(f)).map_err(oops);
    let duty = sum(|l| l.duty)?;
    let consumption = sum(|l| l.consumption_tax)?;
    let vat = sum(|l| l.import_vat)?;
    let border_due = Money::checked_sum(cur, [duty, consumption, vat]).map_err(oops)?;

    // When duties and taxes are paid.
    let collected = match (regime, dest.terms) {
        (LandedRegime::LowValue | LandedRegime::Cbec, _) | (_, Terms::Ddp) => Collected::Checkout,
        _ => Collected::Delivery,
    };
    let at_checkout = collected == Collected::Checkout;
    let part = |code, rule: String, amount, collected| LandedPart {
        code,
        rule,
        amount,
        collected,
        message: landed_part_text(code, regime, &levy_text, collected == Collected::Checkout, lang),
    };
    let mut parts = vec![
        part(LandedPartCode::Goods, "lines".to_string(), goods_total, Collected::Checkout),
        part(LandedPartCode::Shipping, "shipping".to_string(), shipping_paid, Collected::Checkout),
        part(LandedPartCode::Duty, format!("customs:{}:duty", dest.id), duty, collected),
    ];
    if !consumption.is_zero() || !dest.consumption_rates.is_empty() {
        let rule = match regime {
            LandedRegime::Cbec => format!("customs:{}:cbec", dest.id),
            _ => format!("customs:{}:consumption_tax", dest.id),
        };
        parts.push(part(LandedPartCode::ConsumptionTax, rule, consumption, collected));
    }
    let vat_rule = match (regime, &dest.low_value) {
        (LandedRegime::LowValue, Some(lv)) => format!("customs:{}:low_value:{}", dest.id, lv.scheme),
        (LandedRegime::Cbec, _) => format!("customs:{}:cbec", dest.id),
        _ => format!("customs:{}:import_vat", dest.id),
    };
    parts.push(part(LandedPartCode::ImportVat, vat_rule, vat, collected));
    let mut fees = zero;
    for fee in &dest.fees {
        let charged = !refused && (!fee.border_only || (border && !border_due.is_zero()));
        if charged {
            let amount = Money::new(fee.amount.value(), cur);
            fees = fees.checked_add(amount).map_err(oops)?;
            parts.push(part(LandedPartCode::Fee, format!("customs_fee:{}", fee.id), amount, collected));
        }
    }
    let duties_and_taxes = border_due.checked_add(fees).map_err(oops)?;
    let (collected_at_checkout, due_on_delivery) =
        if at_checkout { (duties_and_taxes, zero) } else { (zero, duties_and_taxes) };
    let landed_total = Money::checked_sum(cur, parts.iter().map(|p| p.amount)).map_err(oops)?;
    Ok(LandedCost {
        destination: dest.id.clone(),
        country: country.to_string(),
        regime,
        scheme: match regime {
            LandedRegime::LowValue => dest.low_value.as_ref().map(|l| l.scheme.clone()),
            _ => None,
        },
        terms: dest.terms,
        goods_value,
        dutiable_value: dutiable_total,
        insurance,
        lines: out_lines,
        parts,
        duties_and_taxes,
        collected_at_checkout,
        due_on_delivery,
        landed_total,
        cbec: cbec_account,
        refusal,
    })
}

fn seventy() -> Percent {
    Percent(Decimal::from(70))
}

/// China's cross-border tax on one line's dutiable price `p`: no duty;
/// `p × (c + v) / (1 - c) × levy` in all, rounded half-up, of which
/// consumption tax `p × c / (1 - c) × levy` (rounded) and import VAT the rest.
fn cbec_line(p: Money, c: Decimal, v: Decimal, levy: Decimal) -> Result<(Money, Money, Money), Error> {
    let one_minus_c = Decimal::ONE.checked_sub(c).ok_or(MoneyError::Overflow).map_err(oops)?;
    let of = |rate: Decimal| -> Result<Money, Error> {
        let factor = rate.checked_mul(levy).ok_or(MoneyError::Overflow).map_err(oops)?;
        Ok(half_up(p.checked_mul(factor).and_then(|x| x.checked_div(one_minus_c)).map_err(oops)?))
    };
    let total = of(c.checked_add(v).ok_or(MoneyError::Overflow).map_err(oops)?)?;
    let consumption = of(c)?;
    let vat = total.checked_sub(consumption).map_err(oops)?;
    Ok((Money::zero(p.currency()), consumption, vat))
}

/// How a destination taxes a line at the border, besides duty.
struct BorderTaxes {
    /// The consumption-tax rate, as a fraction.
    consumption: Decimal,
    /// The specific consumption tax of the line (per unit × units), in the
    /// quote's currency, exact.
    consumption_specific: Decimal,
    /// The import VAT rate, as a fraction.
    vat: Decimal,
    base: ConsumptionBase,
    consumption_in_vat_base: bool,
}

impl BorderTaxes {
    /// Consumption tax and import VAT on a line's dutiable value `p` and its
    /// duty, with `s` the specific consumption tax: `(p + duty + s) × c / (1 - c) + s`
    /// (composite: China's compound assessable price) or `(p + duty) × c + s`;
    /// VAT `(p + duty + consumption tax) × v`, or `(p + duty) × v` when the
    /// destination leaves consumption tax out of the VAT base; each rounded
    /// half-up once.
    fn on(&self, p: Money, duty: Money) -> Result<(Money, Money), Error> {
        let c = self.consumption;
        let s = Money::new(self.consumption_specific, p.currency());
        let with_duty = p.checked_add(duty).map_err(oops)?;
        let ad_valorem = match self.base {
            ConsumptionBase::Composite => {
                let one_minus_c = Decimal::ONE.checked_sub(c).ok_or(MoneyError::Overflow).map_err(oops)?;
                with_duty.checked_add(s).and_then(|x| x.checked_mul(c)).and_then(|x| x.checked_div(one_minus_c))
            }
            ConsumptionBase::ValueAndDuty => with_duty.checked_mul(c),
        }
        .map_err(oops)?;
        let consumption = half_up(ad_valorem.checked_add(s).map_err(oops)?);
        let base =
            if self.consumption_in_vat_base { with_duty.checked_add(consumption).map_err(oops)? } else { with_duty };
        let vat = half_up(base.checked_mul(self.vat).map_err(oops)?);
        Ok((consumption, vat))
    }
}

/// The CBEC limits: which is passed first (reason, limit, value), and the account before this order.
#[allow(clippy::type_complexity)]
fn cbec_limits(
    cbec: &Cbec,
    req: Option<&CustomsRequest>,
    dutiable: Money,
    currency: Currency,
) -> Result<(Option<(CustomsReason, Money, Money)>, CbecAccount), Error> {
    let used = req.and_then(|r| r.annual_used).map_or(Decimal::ZERO, |u| u.value());
    let account = CbecAccount {
        transaction_limit: Money::new(cbec.transaction_limit.value(), currency),
        annual_limit: Money::new(cbec.annual_limit.value(), currency),
        annual_used: Money::new(used, currency),
        order_amount: Money::zero(currency),
        annual_used_after: Money::new(used, currency),
        refund_days: cbec.refund_days.unwrap_or(30),
    };
    if dutiable.checked_cmp(account.transaction_limit).map_err(oops)?.is_gt() {
        return Ok((Some((CustomsReason::CbecTransactionLimit, account.transaction_limit, dutiable)), account));
    }
    let remaining = account
        .annual_limit
        .checked_sub(account.annual_used)
        .map_err(oops)?
        .max(Money::zero(currency))
        .map_err(oops)?;
    if dutiable.checked_cmp(remaining).map_err(oops)?.is_gt() {
        return Ok((Some((CustomsReason::CbecAnnualLimit, account.annual_limit, remaining)), account));
    }
    Ok((None, account))
}
