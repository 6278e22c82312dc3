//! The quote answer: priced lines, adjustments, tax, totals and the trail
//! of rules behind every figure.

use schemars::JsonSchema;
use serde::Serialize;

use crate::money::{Currency, DecimalString, Money, Percent};
use crate::reasons::{Hint, ReasonCode, ReasonParams};
use crate::rules::PriceListKind;

/// The stages of a quote, in the fixed order they run.
///
/// Catalog price, item promotions, order promotions, points redemption,
/// shipping, shipping promotions, tax, totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The unit price each line gets: list, member, sale, volume or segment price.
    CatalogPrice,
    /// Promotions on items (percent off an item, buy X get Y...).
    ItemPromotions,
    /// Promotions on the order (满减, order coupons), allocated to lines.
    OrderPromotions,
    /// Points paying part of the order, allocated to lines.
    PointsRedemption,
    /// Shipping prices.
    Shipping,
    /// Promotions on shipping (free shipping...).
    ShippingPromotions,
    /// Tax per line.
    Tax,
    /// Order totals.
    Totals,
}

impl Stage {
    /// Every stage, in order.
    pub const ORDER: [Stage; 8] = [
        Stage::CatalogPrice,
        Stage::ItemPromotions,
        Stage::OrderPromotions,
        Stage::PointsRedemption,
        Stage::Shipping,
        Stage::ShippingPromotions,
        Stage::Tax,
        Stage::Totals,
    ];
}

/// The answer to a quote.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct QuoteAnswer {
    /// The rule set's id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_id: Option<String>,
    /// The settlement currency of every amount.
    pub currency: Currency,
    /// The market the quote is answered in, with the rate used; absent: the
    /// rule set's own currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<super::market::MarketAnswer>,
    /// Whether line prices include tax.
    pub prices_include_tax: bool,
    /// The lines, sorted by id.
    pub lines: Vec<LineAnswer>,
    /// Tax per class.
    pub tax_summary: Vec<TaxSummary>,
    /// Order totals.
    pub totals: Totals,
    /// Totals converted for display, when the request asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<DisplayTotals>,
    /// Promotions applied, in the order they ran.
    pub promotions: Vec<AppliedPromotion>,
    /// Entered codes, wallet coupons and matching promotions not applied, each with its reason.
    pub rejected: Vec<Rejection>,
    /// How to reach a better deal (凑单): spend or add a little more.
    pub hints: Vec<Hint>,
    /// What the host must record once the order is placed: one use per applied promotion.
    pub usages: Vec<Usage>,
    /// How the coupons were chosen.
    pub selection: Selection,
    /// Shipping options, the chosen method and delivery dates; absent when
    /// the rule set has no shipping section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<super::shipping::ShippingAnswer>,
    /// Points redeemed and earned, when the rule set has points or the request sends them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<super::points::PointsAnswer>,
    /// What the request's gift cards and stored value pay, and what remains
    /// to pay; absent without tenders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<super::tenders::PaymentAnswer>,
    /// The landed cost (duties, import taxes and fees at the destination),
    /// when the rule set has `customs` and the destination is one of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landed: Option<super::landed::LandedCost>,
    /// Every figure, stage by stage, with the rule that made it; only when
    /// the request asks (`explain: true`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explanation: Vec<Step>,
}

impl QuoteAnswer {
    /// About how many bytes the answer's compact JSON takes: a little more
    /// than most answers, from counts of what it holds (typical sizes of a
    /// line, an adjustment, a promotion...). The writer's buffer is
    /// allocated that large at once; grown by doubling from a few KB
    /// instead, a 77 KB answer was copied five times over as it grew.
    pub(crate) fn json_size_hint(&self) -> usize {
        let adjustments = self.lines.iter().map(|l| l.adjustments.len()).fold(0, usize::saturating_add);
        let shipping = self.shipping.as_ref().map_or(0, |s| {
            let entries = s.unavailable.len().saturating_add(s.hints.len());
            512_usize.saturating_add(s.options.len().saturating_mul(1024)).saturating_add(entries.saturating_mul(160))
        });
        let points = if self.points.is_some() { 1024 } else { 0 };
        let counted = [
            (self.lines.len(), 448),
            (adjustments, 72),
            (self.promotions.len(), 160),
            (self.usages.len(), 64),
            (self.rejected.len(), 192),
            (self.hints.len(), 160),
            (self.tax_summary.len(), 96),
            (self.explanation.len(), 128),
        ];
        counted
            .iter()
            .map(|&(n, bytes)| n.saturating_mul(bytes))
            .fold(1024_usize.saturating_add(shipping).saturating_add(points), usize::saturating_add)
    }
}

/// A promotion that applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AppliedPromotion {
    /// The promotion id.
    pub id: std::sync::Arc<str>,
    /// Its display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<std::sync::Arc<str>>,
    /// The stage it ran in.
    pub stage: Stage,
    /// How the customer got it.
    pub via: Via,
    /// The code entered, as the rule set or the wallet spells it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The wallet coupon used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_coupon_id: Option<String>,
    /// The kind of benefit (`spend_tiers`, `buy_x_get_y`...): its rule's
    /// `benefit.type`.
    #[schemars(schema_with = "benefit_kind_schema")]
    pub benefit: &'static str,
    /// The discount it gave, in all (allocated to lines in their
    /// adjustments; an order discount over items and shipping also counts
    /// what it took off shipping, the chosen option's discount naming it).
    pub amount: Money,
    /// The gift line it added, for a gift with purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_line_id: Option<String>,
    /// For free shipping: the methods covered (empty: all) and whether remote zones are left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_shipping: Option<FreeShippingGrant>,
    /// For bonus points: the multiplier for the points stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points_multiplier: Option<Percent>,
    /// For an order discount over items and shipping: what it may still
    /// take off shipping, for the shipping stage (not in the answer).
    #[serde(skip)]
    pub(crate) shipping_rest: Option<Money>,
    /// For an order discount spread pro rata over items and shipping:
    /// what its covered lines cost before it, until the split (not in the
    /// answer).
    #[serde(skip)]
    pub(crate) pro_rata_base: Option<Money>,
}

/// The kinds of benefit an applied promotion can name, as the rule set
/// writes them (`benefit.type`): the answer's schema lists them, so that
/// typed clients get a union rather than any string.
pub(crate) const BENEFIT_KINDS: [&str; 12] = [
    "percent_off",
    "amount_off",
    "fixed_price",
    "spend_tiers",
    "every_spend",
    "quantity_tiers",
    "nth_item",
    "buy_x_get_y",
    "bundle_price",
    "gift",
    "free_shipping",
    "bonus_points",
];

fn benefit_kind_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": BENEFIT_KINDS })
}

/// Free shipping granted by a promotion, for the shipping stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FreeShippingGrant {
    /// Methods covered; empty means every method.
    pub methods: Vec<String>,
    /// True when remote zones are not covered.
    pub exclude_remote: bool,
    /// At most this much off the shipping price; absent: the whole price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_off: Option<Money>,
}

/// How a promotion reached the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// It applies by itself.
    Automatic,
    /// An entered code.
    Code,
    /// A wallet coupon.
    Wallet,
}

/// Something that did not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Rejection {
    /// The promotion, when one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<String>,
    /// The code as entered (trimmed), for an entered code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The wallet coupon, for a wallet coupon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_coupon_id: Option<String>,
    /// The stable reason code.
    pub reason: ReasonCode,
    /// The reason's parameters.
    pub params: ReasonParams,
    /// A default message in the request's locale.
    pub message: String,
}

/// One use of a promotion for the host to record when the order is placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Usage {
    /// The promotion.
    pub promotion_id: std::sync::Arc<str>,
    /// The code used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The wallet coupon used (to mark redeemed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_coupon_id: Option<String>,
    /// The discount granted, against the promotion's budget.
    pub amount: Money,
}

/// How coupons were chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Selection {
    /// True when the chosen combination is proven to save the most
    /// (every compatible combination was evaluated).
    pub optimal: bool,
    /// Coupons (entered or in the wallet) that could apply and were considered.
    pub coupons_considered: u32,
    /// Combinations evaluated.
    pub combinations_evaluated: u32,
    /// How the combination was chosen.
    pub strategy: SelectionStrategy,
}

/// How the coupons were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelectionStrategy {
    /// Every compatible combination was evaluated: the result is optimal.
    Exhaustive,
    /// Too many combinations (more than `MAX_EXACT_COMBINATIONS`): coupons
    /// were added largest gain first.
    Greedy,
    /// The search reached its work budget (`Limits::max_search_work`): the
    /// best combination found by then.
    Budget,
}

/// One priced line.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LineAnswer {
    /// The line id from the request.
    #[schemars(with = "String")]
    pub id: std::sync::Arc<str>,
    /// The SKU.
    #[schemars(with = "String")]
    pub sku: std::sync::Arc<str>,
    /// Units.
    pub quantity: u32,
    /// The list unit price sent by the host.
    pub list_unit_price: Money,
    /// The unit price the line gets after the catalog stage.
    pub unit_price: Money,
    /// Where that unit price comes from.
    pub price_source: PriceSource,
    /// List unit price × quantity.
    pub list_subtotal: Money,
    /// The line at its catalog price: unit price × quantity, rounded.
    pub subtotal: Money,
    /// Discounts on this line, each naming its rule (item and order stages).
    pub adjustments: Vec<Adjustment>,
    /// The sum of `adjustments`.
    pub discount_total: Money,
    /// `subtotal - discount_total`: what the line costs before tax is added.
    pub net: Money,
    /// Tax on the line (included in `net` when prices include tax).
    pub tax: LineTax,
    /// What the line costs: `net`, plus `tax.amount` when tax is added on top.
    pub total: Money,
    /// For a gift line: the promotion that gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_of: Option<String>,
    /// For a gift line: the gift's value per unit, recorded for returns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_value: Option<Money>,
    /// Points redeemed on and earned by the line, when the rule set has
    /// points or the request sends them (for refunds and clawback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<super::points::LinePoints>,
    /// The line's share of the shipping charged and of its discount, when it
    /// bears some (see `shipping.allocate_by`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<super::shipping::LineShipping>,
}

/// Where a line's unit price comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PriceSource {
    /// `list` for the host's list price, otherwise the price list's kind.
    pub kind: PriceSourceKind,
    /// The price list id, when a price list set the price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// The volume tier reached, when a tier set the price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_min_qty: Option<u32>,
}

/// What kind of price a line got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceSourceKind {
    /// The list price sent by the host.
    List,
    /// A member or tier price.
    Member,
    /// A sale price.
    Sale,
    /// A volume tier price.
    Volume,
    /// A customer-segment price.
    Segment,
    /// Another kind of price list.
    Custom,
    /// A gift with purchase, at zero.
    Gift,
}

impl From<PriceListKind> for PriceSourceKind {
    fn from(k: PriceListKind) -> Self {
        match k {
            PriceListKind::Member => PriceSourceKind::Member,
            PriceListKind::Sale => PriceSourceKind::Sale,
            PriceListKind::Volume => PriceSourceKind::Volume,
            PriceListKind::Segment => PriceSourceKind::Segment,
            PriceListKind::Custom => PriceSourceKind::Custom,
        }
    }
}

/// A discount on a line, made by one rule in one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Adjustment {
    /// The stage that made it.
    pub stage: Stage,
    /// The id of the rule that made it.
    pub rule_id: std::sync::Arc<str>,
    /// The amount taken off the line (positive).
    pub amount: Money,
}

/// Tax on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LineTax {
    /// The tax class id.
    pub class: std::sync::Arc<str>,
    /// The class's rate in percent.
    pub rate_percent: Percent,
    /// The tax amount.
    pub amount: Money,
    /// True when the amount is included in the line's price.
    pub included: bool,
}

/// Tax of one class over the whole order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TaxSummary {
    /// The tax class id.
    pub class: String,
    /// The rate in percent.
    pub rate_percent: Percent,
    /// The amount taxed, tax excluded.
    pub taxable: Money,
    /// The tax.
    pub tax: Money,
}

/// Order totals. Always
/// `grand_total = item_subtotal - discounts + shipping - shipping_discounts + tax (when added) - points_value
/// + duties_at_checkout`, where the tax added is `tax_added` when given
/// (shipping tax included while item tax is added, or the other way
/// round), else `tax` unless `tax_included`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Totals {
    /// Lines at list prices.
    pub list_subtotal: Money,
    /// Lines at catalog prices (member, sale, volume...).
    pub item_subtotal: Money,
    /// Item and order discounts.
    pub discounts: Money,
    /// Shipping before shipping discounts.
    pub shipping: Money,
    /// Shipping discounts.
    pub shipping_discounts: Money,
    /// Tax, included or added as `tax_included` says.
    pub tax: Money,
    /// Whether `tax` is included in the item prices (true) or added on top (false).
    pub tax_included: bool,
    /// The part of `tax` added on top of the prices, given only when the
    /// shipping price includes its tax and the items' do not, or the other
    /// way round (`shipping.tax_included`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_added: Option<Money>,
    /// The value of points redeemed.
    pub points_value: Money,
    /// Duties, import taxes and customs fees of the landed cost, when there is one
    /// (see `landed`): collected at checkout or due on delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duties_and_taxes: Option<Money>,
    /// The part of `duties_and_taxes` collected at checkout, in `grand_total`
    /// (all of it under DDP; under DAP only low-value VAT and China's
    /// cross-border tax); the rest is paid on delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duties_at_checkout: Option<Money>,
    /// What the customer pays.
    pub grand_total: Money,
    /// Everything saved against list prices: catalog savings, discounts, shipping discounts.
    pub savings: Money,
}

/// Totals converted into a display currency at the host's rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DisplayTotals {
    /// The display currency.
    pub currency: Currency,
    /// Units of the display currency per unit of the settlement currency.
    pub rate: DecimalString,
    /// Item subtotal, converted.
    pub item_subtotal: Money,
    /// Discounts, converted.
    pub discounts: Money,
    /// Tax, converted.
    pub tax: Money,
    /// Grand total, converted. Indicative: the customer pays the settlement amount.
    pub grand_total: Money,
}

/// One figure of the answer and the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Step {
    /// The stage.
    pub stage: Stage,
    /// The line it concerns; absent for order-level figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// What the figure is.
    pub code: StepCode,
    /// The rule that made it: `list_price`, `price_list:ID`, `promotion:ID`, `shipping_method:ID`,
    /// `free_shipping:ID`, `tax_class:ID`, `totals`.
    pub rule: String,
    /// The figure.
    pub amount: Money,
}

/// The explanation trail of one quote: recorded only when the request asks
/// (`explain: true`), so a default quote builds none of its texts.
#[derive(Debug, Default)]
pub(crate) struct Trail {
    steps: Vec<Step>,
    on: bool,
}

impl Trail {
    /// A trail that records (`on`) or ignores every step.
    pub(crate) fn new(on: bool, capacity: usize) -> Self {
        Trail { steps: if on { Vec::with_capacity(capacity) } else { Vec::new() }, on }
    }

    /// Whether steps are recorded.
    pub(crate) fn is_on(&self) -> bool {
        self.on
    }

    /// Records the step `make` builds, when the trail is on.
    pub(crate) fn push(&mut self, make: impl FnOnce() -> Step) {
        if self.on {
            self.steps.push(make());
        }
    }

    /// Sets the figure of the steps of this kind and rule (a discount
    /// split again).
    pub(crate) fn set_amount(&mut self, code: StepCode, rule: &str, amount: Money) {
        for s in self.steps.iter_mut().filter(|s| s.code == code && s.rule == rule) {
            s.amount = amount;
        }
    }

    /// Forgets the steps of this kind (a stage undone).
    pub(crate) fn remove(&mut self, code: StepCode) {
        self.steps.retain(|s| s.code != code);
    }

    /// The steps recorded.
    pub(crate) fn into_steps(self) -> Vec<Step> {
        self.steps
    }
}

/// What an explanation step records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepCode {
    /// The unit price a line gets.
    UnitPrice,
    /// A line's subtotal at that price.
    LineSubtotal,
    /// A promotion's discount in all (its split over lines is in their adjustments).
    Discount,
    /// The value of points paying part of a line.
    PointsRedeemed,
    /// A line's tax.
    LineTax,
    /// The order's grand total.
    GrandTotal,
    /// The chosen shipping method's price (`shipping_method:ID`).
    Shipping,
    /// A shipping discount (`free_shipping:ID` or `promotion:ID`).
    ShippingDiscount,
    /// Tax on shipping (`tax_class:ID`).
    ShippingTax,
}
