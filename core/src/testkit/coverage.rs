//! Per-rule coverage of a run: how often each promotion applied or was
//! refused (by reason code), each shipping method was offered, chosen or
//! unavailable (by reason code), each return reason was hit (lines eligible
//! or refused, by reason code) and each refund part; and which rules no
//! case exercised.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::RuleSet;
use crate::QuoteAnswer;

/// What the generated cases of a run exercised, rule by rule, in rule-set
/// order. Built with [`Coverage::for_rules`] (every rule at zero), filled
/// with [`Coverage::record`]; serializes to JSON (`commerce-rules check
/// --coverage-json`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Coverage {
    /// Answers recorded (one per generated case the engine answered).
    pub cases: u32,
    /// Each promotion of the rule set.
    pub promotions: Vec<PromotionCoverage>,
    /// Each method of each shipping zone.
    pub shipping_methods: Vec<MethodCoverage>,
    /// Each return reason the rule set accepts (a window in days), and any
    /// other a generated return asked with.
    pub return_reasons: Vec<ReturnReasonCoverage>,
    /// Refund parts (`items`, `discount_clawback`, `return_shipping`…): how
    /// many return answers had each, not zero.
    pub refund_parts: BTreeMap<String, u32>,
}

/// How one promotion fared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PromotionCoverage {
    /// The promotion id.
    pub id: String,
    /// How it is unlocked: `automatic`, `code` or `wallet`.
    pub trigger: String,
    /// Answers it applied in.
    pub applied: u32,
    /// Refusals by reason code (`min_spend_not_met`…): an entered code or
    /// wallet coupon not used, or (the run asks with `explain`) an
    /// automatic promotion that matched items and did not apply.
    pub refused: BTreeMap<String, u32>,
}

/// How one shipping method fared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MethodCoverage {
    /// The zone id.
    pub zone_id: String,
    /// The method id.
    pub method_id: String,
    /// Answers offering it.
    pub offered: u32,
    /// Answers pricing it into the totals.
    pub chosen: u32,
    /// Answers where it could not take the cart, by reason code (`too_heavy`…).
    pub unavailable: BTreeMap<String, u32>,
}

/// How one return reason fared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ReturnReasonCoverage {
    /// The reason: `no_reason`, `quality` or `exchange`.
    pub reason: String,
    /// Return questions asked with it (answered).
    pub hit: u32,
    /// Lines returned with it and eligible.
    pub eligible: u32,
    /// Lines returned with it and refused, by reason code (`window_expired`,
    /// `exempt_category`, `must_be_unopened`…).
    pub refused: BTreeMap<String, u32>,
}

/// A serializable code's name (`"min_spend_not_met"`).
fn code_name<T: Serialize>(code: &T) -> String {
    match serde_json::to_value(code) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn bump(n: &mut u32) {
    *n = n.saturating_add(1);
}

impl Coverage {
    /// Every promotion, shipping method and return reason of `rules`, at zero.
    pub fn for_rules(rules: &RuleSet) -> Coverage {
        let promotions = rules
            .promotions
            .iter()
            .map(|p| PromotionCoverage { id: p.id.clone(), trigger: code_name(&p.trigger), ..Default::default() })
            .collect();
        let shipping_methods = rules
            .shipping
            .iter()
            .flat_map(|s| &s.zones)
            .flat_map(|z| {
                z.methods.iter().map(|m| MethodCoverage {
                    zone_id: z.id.clone(),
                    method_id: m.id.clone(),
                    ..Default::default()
                })
            })
            .collect();
        let mut return_reasons = Vec::new();
        if let Some(r) = &rules.returns {
            for (reason, days) in [
                ("no_reason", r.windows.no_reason_days),
                ("quality", r.windows.quality_days),
                ("exchange", r.windows.exchange_days),
            ] {
                if days.is_some() {
                    return_reasons.push(ReturnReasonCoverage { reason: reason.to_string(), ..Default::default() });
                }
            }
        }
        Coverage { cases: 0, promotions, shipping_methods, return_reasons, refund_parts: BTreeMap::new() }
    }

    /// Counts one return answer: its reason, each line eligible or refused
    /// (by reason code), and each refund part that is not zero.
    pub fn record_return(&mut self, reason: crate::returns::ReturnReason, answer: &crate::returns::ReturnRefundAnswer) {
        let name = code_name(&reason);
        let at = match self.return_reasons.iter().position(|r| r.reason == name) {
            Some(at) => at,
            None => {
                self.return_reasons.push(ReturnReasonCoverage { reason: name, ..Default::default() });
                self.return_reasons.len().saturating_sub(1)
            }
        };
        if let Some(c) = self.return_reasons.get_mut(at) {
            bump(&mut c.hit);
            for l in &answer.lines {
                match (&l.reason, l.eligible) {
                    (_, true) => bump(&mut c.eligible),
                    (Some(code), false) => bump(c.refused.entry(code_name(code)).or_default()),
                    (None, false) => bump(c.refused.entry("refused".to_string()).or_default()),
                }
            }
        }
        let codes: std::collections::BTreeSet<String> =
            answer.refund.parts.iter().filter(|p| !p.amount.is_zero()).map(|p| code_name(&p.code)).collect();
        for code in codes {
            bump(self.refund_parts.entry(code).or_default());
        }
    }

    /// Counts what one answer shows. Give it an answer to a request with
    /// `explain: true` to count why automatic promotions did not apply too.
    pub fn record(&mut self, answer: &QuoteAnswer) {
        bump(&mut self.cases);
        for p in &answer.promotions {
            if let Some(c) = self.promotion(&p.id) {
                bump(&mut c.applied);
            }
        }
        for r in &answer.rejected {
            if let Some(c) = r.promotion_id.as_deref().and_then(|id| self.promotion(id)) {
                bump(c.refused.entry(code_name(&r.reason)).or_default());
            }
        }
        if let Some(ship) = &answer.shipping {
            let zone = ship.zone_id.clone().unwrap_or_default();
            for o in &ship.options {
                if let Some(c) = self.method(&zone, &o.method_id) {
                    bump(&mut c.offered);
                    if o.chosen {
                        bump(&mut c.chosen);
                    }
                }
            }
            for u in &ship.unavailable {
                if let Some(c) = self.method(&zone, &u.method_id) {
                    bump(c.unavailable.entry(code_name(&u.reason)).or_default());
                }
            }
        }
    }

    fn promotion(&mut self, id: &str) -> Option<&mut PromotionCoverage> {
        self.promotions.iter_mut().find(|p| p.id == id)
    }

    fn method(&mut self, zone: &str, id: &str) -> Option<&mut MethodCoverage> {
        match self.shipping_methods.iter().position(|m| m.zone_id == zone && m.method_id == id) {
            Some(at) => self.shipping_methods.get_mut(at),
            None => {
                self.shipping_methods.push(MethodCoverage {
                    zone_id: zone.to_string(),
                    method_id: id.to_string(),
                    ..Default::default()
                });
                self.shipping_methods.last_mut()
            }
        }
    }

    /// The rules no case exercised: promotions never applied, shipping
    /// methods never chosen, return reasons never hit; each as `promotion
    /// ID`, `shipping method ZONE/ID`, `return reason REASON`.
    pub fn never_exercised(&self) -> Vec<String> {
        let promotions = self.promotions.iter().filter(|p| p.applied == 0).map(|p| format!("promotion {}", p.id));
        let methods = self
            .shipping_methods
            .iter()
            .filter(|m| m.chosen == 0)
            .map(|m| format!("shipping method {}/{}", m.zone_id, m.method_id));
        let reasons = self.return_reasons.iter().filter(|r| r.hit == 0).map(|r| format!("return reason {}", r.reason));
        promotions.chain(methods).chain(reasons).collect()
    }

    /// The coverage as JSON (pretty): its fields, and `never_exercised`
    /// ([`Coverage::never_exercised`]); what `commerce-rules check
    /// --coverage-json FILE` writes.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct WithNever<'a> {
            #[serde(flatten)]
            coverage: &'a Coverage,
            never_exercised: Vec<String>,
        }
        let view = WithNever { coverage: self, never_exercised: self.never_exercised() };
        serde_json::to_string_pretty(&view).unwrap_or_default()
    }

    /// The coverage as `commerce-rules check` prints it.
    ///
    /// ```text
    /// coverage over 256 answers:
    ///   promotion mj (automatic): applied 120, refused 40 (min_spend_not_met 40)
    ///   shipping method cn/sf-express: chosen 10, offered 200, unavailable 3 (too_heavy 3)
    ///   return reason quality: hit 12, lines eligible 20, refused 3 (window_expired 3)
    ///   refund parts (return answers with each): items 30, return_shipping 9
    /// never exercised (2): promotion new-year, shipping method cn/sf-express
    /// ```
    pub fn render(&self) -> String {
        fn reasons(map: &BTreeMap<String, u32>) -> String {
            let total = map.values().fold(0_u32, |a, n| a.saturating_add(*n));
            if map.is_empty() {
                return "0".to_string();
            }
            let each: Vec<String> = map.iter().map(|(k, n)| format!("{k} {n}")).collect();
            format!("{total} ({})", each.join(", "))
        }
        let mut out = format!("coverage over {} answers:\n", self.cases);
        if self.promotions.is_empty() && self.shipping_methods.is_empty() && self.return_reasons.is_empty() {
            out.push_str("  the rule set has no promotions, shipping methods or return reasons\n");
        }
        for p in &self.promotions {
            out.push_str(&format!(
                "  promotion {} ({}): applied {}, refused {}\n",
                p.id,
                p.trigger,
                p.applied,
                reasons(&p.refused)
            ));
        }
        for m in &self.shipping_methods {
            out.push_str(&format!(
                "  shipping method {}/{}: chosen {}, offered {}, unavailable {}\n",
                m.zone_id,
                m.method_id,
                m.chosen,
                m.offered,
                reasons(&m.unavailable)
            ));
        }
        for r in &self.return_reasons {
            out.push_str(&format!(
                "  return reason {}: hit {}, lines eligible {}, refused {}\n",
                r.reason,
                r.hit,
                r.eligible,
                reasons(&r.refused)
            ));
        }
        if !self.refund_parts.is_empty() {
            let each: Vec<String> = self.refund_parts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            out.push_str(&format!("  refund parts (return answers with each): {}\n", each.join(", ")));
        }
        let never = self.never_exercised();
        if never.is_empty() {
            out.push_str("every rule was exercised\n");
        } else {
            out.push_str(&format!("never exercised ({}): {}\n", never.len(), never.join(", ")));
        }
        out
    }
}
