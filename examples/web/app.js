// The live cart page: every change builds a quote request from the page's
// state and asks the engine (WASM, in the browser) again; everything shown
// (prices, price sources, discounts, rejected codes, hints, shipping options
// and delivery dates, points, tax, totals, the landed cost) comes from the
// answer. The market switcher names the request's `market`: the answer is
// then in that market's currency, and money is formatted in its locale.
//
// The page is made of panels. Each may add its part to the request
// (`contribute`) and show its part of the answer (`render`). A question or
// request field the engine gains later is one more panel; nothing else
// changes.
import init, { Engine } from "commerce-rules-wasm";
import { productOf } from "./catalog.js";
import { addressBook } from "./addresses.js";

const DATA = "../data";

// ---------------------------------------------------------------- helpers

const $ = (sel, root = document) => root.querySelector(sel);

/** An element with attributes and children (strings become text). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

/** Chinese label with its English gloss. */
const bi = (zh, en) => [zh, " ", h("small", {}, en)];

/**
 * Shopper-facing text in the language of the engine's messages (the
 * language switch): the page composes it from the answer's codes and
 * parameters, naming offers by their names, never by rule ids.
 */
const say = (zh, en) => (state.locale === "en" ? en : zh);
/** A label's colon: full-width in Chinese, ": " in English. */
const colon = () => say("：", ": ");
/** An offer's name quoted as each language quotes it. */
const quoted = (name) => say(`「${name}」`, `"${name}"`);

const formatters = new Map();
/**
 * Money (a decimal string) formatted exactly: Intl formats strings without
 * going through floats. In a market, in the market's locale (the answer's
 * `market.locale`: 1.234,50 € in de-DE, HK$1,234.50 in zh-HK); otherwise in
 * the page's language.
 */
function money(amount, currency, locale = state.locale) {
  const tag = state.moneyLocale ?? (locale === "en" ? "en-US" : "zh-CN");
  const key = `${tag}|${currency}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.NumberFormat(tag, { style: "currency", currency }));
  }
  return formatters.get(key).format(amount);
}
const isZero = (amount) => /^-?0+(\.0+)?$/.test(amount);

/** A whole number (points) in the page's language. */
const count = (n, locale = state.locale) => new Intl.NumberFormat(locale === "en" ? "en-US" : "zh-CN").format(n);

const dateFormats = {
  zh: new Intl.DateTimeFormat("zh-CN", { month: "long", day: "numeric", weekday: "short", timeZone: "UTC" }),
  en: new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", weekday: "short", timeZone: "UTC" }),
};
/** A local date of the answer (`YYYY-MM-DD`, already in the merchant's zone), formatted as that calendar date. */
const day = (date, lang) => dateFormats[lang].format(new Date(`${date.slice(0, 10)}T00:00:00Z`));
/** A date range, one date when both ends are the same day. */
const days = (earliest, latest, lang) =>
  earliest === latest ? day(earliest, lang) : `${day(earliest, lang)}${lang === "zh" ? " 至 " : " – "}${day(latest, lang)}`;

// ------------------------------------------------------------------ state

const state = {
  rules: null,
  lines: [], // cart lines as the host keeps them (QuoteRequest lines)
  removed: [], // removed lines, newest first, for undo
  customerId: null,
  tier: "gold",
  segments: [],
  localNow: "", // "YYYY-MM-DDTHH:MM" in the merchant's zone
  offset: "+08:00",
  codes: [], // coupon codes the shopper entered
  wallet: [], // the customer's wallet coupons (host data)
  walletSelection: "best",
  showUsd: true,
  displayCurrency: null,
  locale: "zh-Hans",
  marketId: null, // the market the shopper picked (rules.markets[].id); null: the rule set's own currency
  moneyLocale: null, // the answer's market locale, for formatting money
  addresses: [], // the customer's address book (host data, addresses.js)
  addressId: null, // the address shipped to
  shippingMethod: null, // the method the shopper picked; null: the engine's default (the cheapest)
  shippingMethodName: null,
  shippingNotice: null, // { id, name, why } when the picked method was not offered and the page fell back
  pointsHeld: null, // the customer's point lots (and debt), host data; null: no points account
  usePoints: false, // the "use points" toggle
};
let engine;
let quoteCount = 0;

// ----------------------------------------------------------------- panels

const customerPanel = {
  init() {
    for (const button of document.querySelectorAll("[data-tier]")) {
      button.addEventListener("click", () => update(() => (state.tier = button.dataset.tier || null)));
    }
    $("#segment-enterprise").addEventListener("change", (e) =>
      update(() => (state.segments = e.target.checked ? ["enterprise"] : [])),
    );
    const time = $("#order-time");
    time.value = state.localNow;
    time.addEventListener("input", () => time.value && update(() => (state.localNow = time.value)));
    for (const button of document.querySelectorAll("[data-locale]")) {
      button.addEventListener("click", () => update(() => (state.locale = button.dataset.locale)));
    }
    $("#show-usd").addEventListener("change", (e) => update(() => (state.showUsd = e.target.checked)));
  },
  contribute(request) {
    request.now = `${state.localNow}:00${state.offset}`;
    request.customer = { ...(state.customerId ? { id: state.customerId } : {}), ...(state.tier ? { tier: state.tier } : {}) };
    if (state.segments.length) request.customer.segments = state.segments;
    request.locale = state.locale;
    // The indicative conversion is from the rule set's currency: a market
    // answers in its own currency, so the estimate is not asked for there.
    if (state.showUsd && state.displayCurrency && !state.marketId) request.display_currency = state.displayCurrency;
  },
  render() {
    for (const button of document.querySelectorAll("[data-tier]")) {
      button.setAttribute("aria-checked", String((button.dataset.tier || null) === state.tier));
    }
    for (const button of document.querySelectorAll("[data-locale]")) {
      button.setAttribute("aria-pressed", String(button.dataset.locale === state.locale));
    }
  },
};

const PRICE_KIND_EN = { member: "Member price", sale: "Sale price", volume: "Case price", segment: "Business price", custom: "Special price" };

const cartPanel = {
  contribute(request) {
    request.lines = state.lines.map((l) => ({ ...l }));
  },
  render(answer) {
    const body = $("#lines");
    const byId = new Map(answer.lines.map((l) => [l.id, l]));
    body.replaceChildren(
      ...state.lines.filter((l) => byId.has(l.id)).map((line) => this.row(line, byId.get(line.id), answer)),
      ...answer.lines.filter((l) => l.gift_of).map((gift) => this.giftRow(gift, answer)),
    );
    $("#empty-cart").hidden = state.lines.length > 0;
    const removed = $("#removed");
    removed.hidden = state.removed.length === 0;
    removed.replaceChildren(
      ...(state.removed.length ? [h("span", { class: "muted" }, ...bi("已删除", "Removed:"))] : []),
      ...state.removed.map((line) =>
        h(
          "button",
          { type: "button", class: "link", "data-testid": "undo-remove", onclick: () => this.restore(line.id) },
          `${productOf(line.sku).zh} · 恢复 Undo`,
        ),
      ),
    );
  },
  /** A gift with purchase (赠品), as the engine added it. */
  giftRow(gift, answer) {
    const cur = answer.currency;
    const product = productOf(gift.sku);
    return h(
      "tr",
      { class: "gift", "data-testid": "gift-row", "data-line-id": gift.id },
      h("td", { class: "col-product" },
        h("div", { class: "product" },
          h("span", { class: "tile", style: `background:${product.color}` }, product.tile),
          h("div", {},
            h("div", { class: "name" }, "赠品 ", product.zh),
            h("div", { class: "name-en" }, "Gift: ", product.en),
            h("div", { class: "spec muted" }, promotionName(answer, gift.gift_of)),
          ),
        ),
      ),
      h("td", { class: "col-price" },
        h("div", { class: "price" }, money(gift.unit_price, cur)),
        gift.gift_value ? h("div", { class: "was" }, h("s", {}, money(gift.gift_value, cur))) : null,
      ),
      h("td", { class: "col-qty" }, String(gift.quantity)),
      h("td", { class: "col-total" },
        h("div", { class: "line-total", "data-testid": "line-total", "data-amount": gift.total }, money(gift.total, cur)),
      ),
      h("td", { class: "col-remove" }),
    );
  },
  row(line, priced, answer) {
    const product = productOf(line.sku);
    const cur = answer.currency;
    const source = priced.price_source;
    const list = state.rules.price_lists?.find((p) => p.id === source.rule_id);
    const badge =
      source.kind === "list"
        ? null
        : h(
            "span",
            { class: `badge ${source.kind}`, "data-testid": "price-source" },
            list?.name ?? source.rule_id,
            " ",
            h("small", {}, PRICE_KIND_EN[source.kind] ?? source.kind, source.tier_min_qty ? ` (${source.tier_min_qty}+)` : ""),
          );
    const taxClass = state.rules.tax.classes.find((c) => c.id === priced.tax.class);
    const qty = h("input", {
      type: "number",
      min: 1,
      max: 999,
      step: 1,
      inputmode: "numeric",
      value: line.quantity,
      "data-testid": "qty-input",
      "aria-label": `数量 Quantity: ${product.zh}`,
      oninput: (e) => this.setQuantity(line.id, e.target),
    });
    return h(
      "tr",
      { "data-testid": "line-row", "data-line-id": line.id },
      h(
        "td",
        { class: "col-product" },
        h("div", { class: "product" },
          h("span", { class: "tile", style: `background:${product.color}` }, product.tile),
          h("div", {},
            h("div", { class: "name" }, product.zh),
            h("div", { class: "name-en" }, product.en),
            h("div", { class: "spec muted" }, product.spec.zh, " · ", product.spec.en),
          ),
        ),
      ),
      h(
        "td",
        { class: "col-price" },
        h("div", { class: "price", "data-testid": "unit-price", "data-amount": priced.unit_price }, money(priced.unit_price, cur)),
        priced.unit_price !== priced.list_unit_price
          ? h("div", { class: "was" }, h("s", {}, money(priced.list_unit_price, cur)))
          : null,
        badge,
      ),
      h(
        "td",
        { class: "col-qty" },
        h("div", { class: "stepper" },
          h("button", { type: "button", "data-testid": "qty-minus", "aria-label": "减少 Decrease", disabled: line.quantity <= 1, onclick: () => this.step(line.id, -1) }, "−"),
          qty,
          h("button", { type: "button", "data-testid": "qty-plus", "aria-label": "增加 Increase", disabled: line.quantity >= 999, onclick: () => this.step(line.id, +1) }, "+"),
        ),
      ),
      h(
        "td",
        { class: "col-total" },
        h("div", { class: "line-total", "data-testid": "line-total", "data-amount": priced.total }, money(priced.total, cur)),
        ...priced.adjustments.map((a) =>
          h("div", { class: "adjustment" }, h("span", { class: "amount" }, `−${money(a.amount, cur)}`), h("small", {}, promotionName(answer, a.rule_id))),
        ),
        h("div", { class: "muted tax", title: taxClass?.name ?? priced.tax.class },
          `${priced.tax.included ? "含税" : "另加税"} ${priced.tax.rate_percent}% `,
          money(priced.tax.amount, cur),
          " ",
          h("small", {}, priced.tax.included ? "tax incl." : "tax added"),
        ),
      ),
      h(
        "td",
        { class: "col-remove" },
        h("button", { type: "button", class: "remove", "data-testid": "remove-line", title: "删除 Remove", onclick: () => this.remove(line.id) }, "删除", h("small", {}, "Remove")),
      ),
    );
  },
  setQuantity(id, input) {
    const n = Number(input.value);
    // Half-typed input (empty, fractional) waits for the next keystroke; the
    // engine itself reports a quantity out of range, with its path.
    if (input.value === "" || !Number.isInteger(n)) return;
    update(() => (state.lines.find((l) => l.id === id).quantity = n), { keepFocus: input });
  },
  step(id, delta) {
    update(() => {
      const line = state.lines.find((l) => l.id === id);
      line.quantity = Math.min(999, Math.max(1, line.quantity + delta));
    });
  },
  remove(id) {
    update(() => {
      const i = state.lines.findIndex((l) => l.id === id);
      state.removed.unshift(...state.lines.splice(i, 1));
    });
  },
  restore(id) {
    update(() => {
      const i = state.removed.findIndex((l) => l.id === id);
      state.lines.push(...state.removed.splice(i, 1));
      state.lines.sort((a, b) => a.id.localeCompare(b.id));
    });
  },
};

function promotionName(answer, id) {
  const applied = answer.promotions?.find((p) => p.id === id);
  return applied?.name ?? state.rules.promotions?.find((p) => p.id === id)?.name ?? id;
}

/** A free-shipping rule by name. */
const freeShippingName = (id) => state.rules.shipping?.free_shipping?.find((f) => f.id === id)?.name ?? id;

/**
 * Why a code or coupon was not used, for the shopper: reasons that point at
 * another offer name it; the others are the engine's message (already in the
 * request's language). The reason code itself is for the developer panel.
 */
function rejectionText(r, answer) {
  const other = (id) => quoted(promotionName(answer, id));
  switch (r.reason) {
    case "not_combinable":
      return say(`不能与${other(r.params.conflicting_promotion)}同时使用`, `cannot be combined with ${other(r.params.conflicting_promotion)}`);
    case "exclusive_group_lost":
      return say(`与${other(r.params.winner)}不能同享，已为您选择更优惠的${other(r.params.winner)}`, `${other(r.params.winner)} saves you more and cannot be combined with it`);
    case "stopped_by_earlier_promotion":
      return say(`${other(r.params.conflicting_promotion)}已生效，不再叠加其他优惠`, `${other(r.params.conflicting_promotion)} applies and does not combine with other offers`);
    default:
      return r.message;
  }
}

/** What the shopper sees of a rejected entry: the code as typed, or the wallet coupon's name. */
function rejectedLabel(r, answer) {
  if (r.code) return r.code;
  return r.promotion_id ? promotionName(answer, r.promotion_id) : say("优惠券", "coupon");
}

/** A hint (凑单) naming the offer it unlocks, with money formatted as money. */
function hintText(hint, answer) {
  const cur = answer.currency;
  const shipping = hint.code === "free_shipping";
  const name = quoted(shipping ? freeShippingName(hint.promotion_id) : promotionName(answer, hint.promotion_id));
  const amount = hint.amount_needed ? money(hint.amount_needed, cur) : null;
  const q = hint.quantity_needed;
  // Short of both an amount and a number of items: the engine's text says
  // whether one is enough; the page adds the offer's name.
  if (amount && q) return `${hint.message}${say(`（${name}）`, ` (${name})`)}`;
  const more = amount
    ? say(`再买 ${amount}`, `Add ${amount} more`)
    : say(`再买 ${q ?? 1} 件`, `Add ${q ?? 1} more item${(q ?? 1) === 1 ? "" : "s"}`);
  if (shipping) {
    return hint.percent
      ? say(`${more}，运费可享 ${hint.percent}% 优惠（${name}）`, `${more} for ${hint.percent}% off shipping (${name})`)
      : say(`${more}，即可包邮（${name}）`, `${more} for free shipping (${name})`);
  }
  const gain = hint.discount
    ? say(`，可减 ${money(hint.discount, cur)}`, `: ${money(hint.discount, cur)} off`)
    : hint.percent
      ? say(`，可享 ${hint.percent}% 优惠`, `: ${hint.percent}% off`)
      : "";
  return say(`${more}，即可享${name}${gain}`, `${more} to get ${name}${gain}`);
}

const couponPanel = {
  init() {
    $("#coupon-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const input = $("#coupon-input");
      const code = input.value.trim();
      if (!code) return;
      input.value = "";
      update(() => state.codes.push(code));
    });
  },
  contribute(request) {
    if (state.codes.length) request.codes = [...state.codes];
    if (state.wallet.length) {
      request.wallet = state.wallet;
      request.wallet_selection = state.walletSelection;
    }
  },
  render(answer) {
    const cur = answer.currency;
    const applied = (answer.promotions ?? []).filter((p) => p.code);
    $("#codes").replaceChildren(
      ...state.codes.map((code, i) => {
        const key = code.trim().toLowerCase();
        const hit = applied.find((p) => p.code.toLowerCase() === key);
        const rejected = (answer.rejected ?? []).some((r) => r.code?.toLowerCase() === key);
        return h(
          "li",
          { class: hit ? "chip ok" : rejected ? "chip bad" : "chip", "data-testid": "entered-code" },
          code,
          hit ? ` −${money(hit.amount, cur)}` : "",
          h("button", { type: "button", "aria-label": `移除 Remove ${code}`, onclick: () => update(() => state.codes.splice(i, 1)) }, "×"),
        );
      }),
    );
    $("#rejected").replaceChildren(
      ...(answer.rejected ?? [])
        .filter((r) => r.code || r.wallet_coupon_id)
        .map((r) =>
          h(
            "li",
            {
              "data-testid": "rejected-code",
              "data-reason": r.reason,
              "data-code": r.code,
              "data-wallet-coupon-id": r.wallet_coupon_id,
            },
            h("strong", {}, rejectedLabel(r, answer)),
            colon(),
            rejectionText(r, answer),
          ),
        ),
    );
    // The wallet: the customer's coupons are host data. The sample customer
    // holds none, so the selector only appears for a customer who does.
    const wallet = $("#wallet");
    if (!state.wallet.length) {
      wallet.replaceChildren(h("p", { class: "muted" }, ...bi("我的券包暂无可用券", "No coupons in your wallet")));
      return;
    }
    const choices = [
      ["best", "自动选择最优惠", "Best combination"],
      ["none", "不使用", "Don't use"],
      ...state.wallet.map((c) => [
        c.id,
        promotionName(answer, c.promotion_id),
        c.valid_until ? `valid until ${day(c.valid_until, "en")}` : "Coupon",
      ]),
    ];
    wallet.replaceChildren(
      h("div", { class: "label" }, ...bi("我的券包", "Wallet")),
      ...choices.map(([value, zh, en]) =>
        h("label", { class: "field check small" },
          h("input", {
            type: "radio",
            name: "wallet",
            value,
            checked: JSON.stringify(state.walletSelection) === JSON.stringify(value === "best" || value === "none" ? value : { only: [value] }),
            onchange: () => update(() => (state.walletSelection = value === "best" || value === "none" ? value : { only: [value] })),
          }),
          h("span", {}, ...bi(zh, en)),
        ),
      ),
    );
  },
};

const hintsPanel = {
  render(answer) {
    const hints = answer.hints ?? [];
    const box = $("#hints");
    box.hidden = hints.length === 0;
    box.replaceChildren(
      h("h2", {}, ...bi("凑单提示", "Add a little more")),
      ...hints.map((hint) =>
        h("p", { "data-testid": "hint", "data-code": hint.code, "data-promotion-id": hint.promotion_id }, hintText(hint, answer)),
      ),
    );
  },
};

const summaryPanel = {
  render(answer) {
    const cur = answer.currency;
    const t = answer.totals;
    const rows = [
      ["商品原价", "List price", t.list_subtotal, "list-subtotal"],
      ["会员价/活动价优惠", "Price savings", negate(subtract(t.list_subtotal, t.item_subtotal)), "price-savings"],
      ["商品金额", "Items", t.item_subtotal, "item-subtotal"],
      ...(answer.promotions ?? [])
        .filter((p) => !isZero(p.amount))
        .map((p) => [p.name ?? p.id, p.code ? `Code ${p.code}` : "Promotion", `-${p.amount}`, "promotion"]),
      ...(isZero(t.shipping) ? [] : [["运费", "Shipping", t.shipping, "shipping"]]),
      ...(isZero(t.shipping_discounts) ? [] : [["运费优惠", "Shipping discount", `-${t.shipping_discounts}`, "shipping-discounts"]]),
      ...(isZero(t.points_value) ? [] : [["积分抵扣", "Points", `-${t.points_value}`, "points"]]),
      ...(t.duties_at_checkout && !isZero(t.duties_at_checkout)
        ? [["进口税费（结算时代收）", "Import duties and taxes, collected now", t.duties_at_checkout, "duties-at-checkout"]]
        : []),
      ...answer.tax_summary.map((s) => {
        const c = state.rules.tax.classes.find((k) => k.id === s.class);
        return [`${t.tax_included ? "其中" : ""}${c?.name ?? s.class}`, t.tax_included ? "VAT included" : "Tax", s.tax, "tax"];
      }),
    ].filter(([, , amount]) => amount !== null);
    $("#totals").replaceChildren(
      ...rows.flatMap(([zh, en, amount, id]) => [
        h("dt", {}, ...bi(zh, en)),
        h("dd", { "data-testid": id, "data-amount": amount, class: amount.startsWith("-") ? "minus" : "" }, formatSigned(amount, cur)),
      ]),
    );
    const grand = $("#grand-total");
    grand.textContent = money(t.grand_total, cur);
    grand.dataset.amount = t.grand_total;
    const display = $("#display-total");
    display.replaceChildren(
      ...(answer.display
        ? [
            `≈ ${money(answer.display.grand_total, answer.display.currency)} `,
            ...bi(`参考价，汇率 ${answer.display.rate}`, `estimate at ${answer.display.rate}`),
          ]
        : []),
    );
    display.dataset.amount = answer.display?.grand_total ?? "";
    $("#savings").replaceChildren(...(isZero(t.savings) ? [] : [`已为您节省 ${money(t.savings, cur)} `, h("small", {}, `You save ${money(t.savings, cur, "en")}`)]));
  },
};

/** Exact decimal subtraction of two money strings with the same scale (for display only). */
function subtract(a, b) {
  const scale = Math.max((a.split(".")[1] ?? "").length, (b.split(".")[1] ?? "").length);
  const toInt = (s) => BigInt(s.replace("-", "").split(".")[0] + (s.split(".")[1] ?? "").padEnd(scale, "0")) * (s.startsWith("-") ? -1n : 1n);
  const d = toInt(a) - toInt(b);
  const abs = (d < 0n ? -d : d).toString().padStart(scale + 1, "0");
  const text = scale ? `${abs.slice(0, -scale)}.${abs.slice(-scale)}` : abs;
  return d < 0n ? `-${text}` : text;
}
const negate = (s) => (isZero(s) ? null : s.startsWith("-") ? s.slice(1) : `-${s}`);
const formatSigned = (amount, cur) => (amount.startsWith("-") ? `−${money(amount.slice(1), cur)}` : money(amount, cur));

/**
 * The developer panel: the stable codes behind the texts the shopper reads
 * (rejections, hints, unavailable shipping methods, point reductions,
 * errors), which the shopper-facing panels do not show.
 */
const devPanel = {
  render(answer) {
    const s = answer.shipping;
    const rows = [
      ...(answer.rejected ?? []).map((r) => [
        "rejected",
        r.code ?? r.wallet_coupon_id ?? r.promotion_id ?? "",
        r.reason,
        JSON.stringify({ promotion_id: r.promotion_id, ...r.params }),
      ]),
      ...(answer.hints ?? []).map((x) => ["hint", x.promotion_id, x.code, x.message]),
      ...(s?.unavailable ?? []).map((u) => ["shipping", u.method_id, u.reason, u.message]),
      ...(s?.no_shipping ? [["shipping", "", s.no_shipping.reason, s.no_shipping.message]] : []),
      ...(answer.points?.clamps ?? []).map((c) => ["points", "", c.reason, c.message]),
    ];
    this.show(rows);
  },
  show(rows) {
    $("#dev-codes").replaceChildren(
      ...rows.map(([what, subject, code, detail]) =>
        h("tr", { "data-testid": "dev-code", "data-code": code },
          h("td", {}, what), h("td", {}, subject), h("td", {}, h("code", {}, code)), h("td", { class: "muted" }, detail)),
      ),
    );
  },
};

// The explanation trail is asked for (`explain: true`) only while the
// developer panel is open: the default answer is the lean one a cart page needs.
const explanationPanel = {
  contribute(request) {
    if ($("#explanation")?.closest("details")?.open) request.explain = true;
  },
  render(answer) {
    const cur = answer.currency;
    $("#explanation").replaceChildren(
      ...(answer.explanation ?? []).map((s) =>
        h("li", {}, h("code", {}, s.stage), " ", s.line_id ? `#${s.line_id} ` : "", h("code", {}, s.code), ` ${s.rule} → `, money(s.amount, cur)),
      ),
    );
  },
};

const SERVICE_EN = {
  standard: "Standard",
  express: "Express",
  next_day: "Next day",
  same_day: "Same day",
  pickup_point: "Pickup point",
  store_pickup: "Store pickup",
};

/** The rule behind a shipping discount (`free_shipping:ID`, `promotion:ID`, `tier:ID`), by name. */
function shippingRuleName(answer, rule) {
  const at = rule.indexOf(":");
  const [kind, id] = [rule.slice(0, at), rule.slice(at + 1)];
  if (kind === "free_shipping") {
    return [state.rules.shipping?.free_shipping?.find((f) => f.id === id)?.name ?? id, "Free shipping"];
  }
  if (kind === "promotion") return [promotionName(answer, id), "Promotion"];
  if (kind === "tier") {
    return [`${state.rules.membership?.tiers?.find((t) => t.id === id)?.name ?? id}会员包邮`, "Member benefit"];
  }
  return [rule, ""];
}

/** The rule set's market by id (`rules.markets`), or null for the rule set's own currency. */
const marketOf = (id) => (id ? (state.rules.markets ?? []).find((m) => m.id === id) ?? null : null);

/**
 * The addresses the chosen market ships to: a market's countries; without a
 * market, the countries no market lists (the rule set's own currency).
 */
function marketAddresses() {
  const market = marketOf(state.marketId);
  const inMarkets = new Set((state.rules.markets ?? []).flatMap((m) => m.countries));
  return state.addresses.filter((a) =>
    market ? market.countries.includes(a.destination.country) : !inMarkets.has(a.destination.country),
  );
}

/**
 * The market switcher: China (the rule set's own currency), Hong Kong, the
 * United States, Germany... It names the request's `market` and moves the
 * destination to the market's first address, so that the engine answers in
 * the market's currency with its prices, and customs with the landed cost.
 */
const marketPanel = {
  init() {
    const select = $("#market");
    select.replaceChildren(
      h("option", { value: "" }, `中国大陆 China mainland · ${state.rules.currency}`),
      ...(state.rules.markets ?? []).map((m) => h("option", { value: m.id }, `${m.name ?? m.id} · ${m.currency}`)),
    );
    select.value = state.marketId ?? "";
    select.addEventListener("change", () => update(() => this.pick(select.value || null)));
  },
  pick(id) {
    state.marketId = id;
    const first = marketAddresses()[0];
    if (first) state.addressId = first.id;
    // Methods differ per zone: the engine's default (the cheapest) again.
    state.shippingMethod = null;
    state.shippingMethodName = null;
    state.shippingNotice = null;
  },
  contribute(request) {
    if (state.marketId) request.market = state.marketId;
  },
  render(answer) {
    $("#market").value = state.marketId ?? "";
    const m = answer.market;
    const info = $("#market-info");
    info.dataset.currency = answer.currency;
    info.replaceChildren(
      ...(m
        ? bi(
            `以 ${m.currency} 结算 · 汇率 1 ${m.base_currency} = ${m.rate} ${m.currency}`,
            `Prices and totals in ${m.currency} at ${m.rate} ${m.currency} per ${m.base_currency}`,
          )
        : bi(`以 ${answer.currency} 结算`, `Prices and totals in ${answer.currency}`)),
    );
  },
};

/** The chosen address as the request's destination, and the shipping method the shopper picked. */
const shippingPanel = {
  init() {
    const select = $("#destination");
    this.fillAddresses();
    select.addEventListener("change", () =>
      update(() => {
        state.addressId = select.value;
        state.shippingNotice = null;
      }),
    );
  },
  // Runs last, on an otherwise complete request. The engine refuses a
  // shipping_method that the destination's zone does not offer or that
  // cannot take this cart (`unknown_reference`), so before sending the
  // shopper's pick the page asks the engine which methods are offered for
  // this very request. When the pick is not among them, the page falls back
  // to the engine's default (the cheapest; no shipping_method) and says so.
  contribute(request) {
    const address = state.addresses.find((a) => a.id === state.addressId);
    if (address) request.destination = { ...address.destination };
    if (!state.shippingMethod) return;
    let offered;
    try {
      offered = engine.shippingOptions(request);
    } catch {
      // The request itself is at fault (say, a quantity out of range): the
      // quote reports it, with its path.
      request.shipping_method = state.shippingMethod;
      return;
    }
    if (offered.options.some((o) => o.method_id === state.shippingMethod)) {
      request.shipping_method = state.shippingMethod;
      return;
    }
    const refused = offered.unavailable.find((u) => u.method_id === state.shippingMethod);
    state.shippingNotice = {
      id: state.shippingMethod,
      name: refused?.name ?? state.shippingMethodName ?? state.shippingMethod,
      why: refused?.message ?? null,
    };
    state.shippingMethod = null;
    state.shippingMethodName = null;
  },
  /** The address choices: those of the chosen market (the switcher changes them). */
  fillAddresses() {
    const select = $("#destination");
    if (select.dataset.market === (state.marketId ?? "")) return;
    select.dataset.market = state.marketId ?? "";
    select.replaceChildren(...marketAddresses().map((a) => h("option", { value: a.id }, `${a.zh} · ${a.en}`)));
    select.value = state.addressId;
  },
  render(answer) {
    this.fillAddresses();
    $("#destination").value = state.addressId;
    const s = answer.shipping;
    const cur = answer.currency;
    const zone = $("#shipping-zone");
    zone.replaceChildren(
      ...(s?.zone_id
        ? [
            ...bi("配送区域", "Zone"),
            " ",
            h("strong", { "data-zone-id": s.zone_id }, s.zone_name ?? s.zone_id),
            s.remote ? h("span", { class: "badge remote" }, "偏远 ", h("small", {}, "Remote")) : "",
          ]
        : []),
    );
    zone.dataset.zoneId = s?.zone_id ?? "";

    const chosen = s?.options.find((o) => o.chosen) ?? null;
    const notice = $("#shipping-notice");
    const n = state.shippingNotice;
    notice.hidden = !n;
    if (n) {
      const why = n.why ?? `${s?.zone_name ?? "该地址"}不提供此配送方式`;
      const whyEn = n.why ?? `not offered in zone ${s?.zone_name ?? s?.zone_id ?? "—"}`;
      notice.dataset.methodId = n.id;
      notice.replaceChildren(
        h("div", {}, `您选择的「${n.name}」无法使用（${why}），`,
          chosen ? `已改用最便宜的「${chosen.name ?? chosen.method_id}」。` : "暂无其他可用配送方式。"),
        h("small", {}, `“${n.name}” is not available (${whyEn}); `,
          chosen ? `switched to the cheapest method, “${chosen.name ?? chosen.method_id}”.` : "no other method ships this order."),
      );
    }

    const cheapest = s?.options[0]?.method_id;
    $("#shipping-options").replaceChildren(
      h("legend", { class: "label" }, ...bi("配送方式", "Shipping method")),
      ...(s?.no_shipping
        ? [h("p", { class: "muted", "data-testid": "no-shipping", "data-reason": s.no_shipping.reason }, s.no_shipping.message)]
        : []),
      ...(s?.options ?? []).map((o) => this.option(o, answer, cur, o.method_id === cheapest)),
      ...(s?.unavailable ?? []).map((u) =>
        h(
          "label",
          { class: "ship-option off", "data-testid": "shipping-unavailable", "data-method-id": u.method_id, "data-reason": u.reason },
          h("input", { type: "radio", name: "shipping-method", value: u.method_id, disabled: true }),
          h("span", { class: "ship-name" },
            h("strong", {}, u.name ?? u.method_id), " ", h("small", {}, SERVICE_EN[u.service] ?? u.service),
            h("div", { class: "muted" }, ...bi("不可用", "Unavailable"), colon(), u.message),
          ),
        ),
      ),
    );

    const box = $("#shipping-chosen");
    box.dataset.methodId = chosen?.method_id ?? "";
    box.dataset.amount = chosen?.total ?? "";
    box.dataset.earliest = chosen?.delivery.earliest ?? "";
    box.dataset.latest = chosen?.delivery.latest ?? "";
    box.replaceChildren(
      ...(chosen
        ? [
            h("div", {},
              "已选 ", h("strong", {}, chosen.name ?? chosen.method_id), "：运费 ", money(chosen.total, cur),
              `，预计 ${days(chosen.delivery.earliest, chosen.delivery.latest, "zh")} 送达`,
            ),
            h("small", {},
              `Chosen: ${SERVICE_EN[chosen.service] ?? chosen.service} (${chosen.name ?? chosen.method_id}), shipping ${money(chosen.total, cur, "en")}, `,
              `arrives ${days(chosen.delivery.earliest, chosen.delivery.latest, "en")}`,
            ),
          ]
        : []),
    );
  },
  /** One offered method: a radio with its price, discount and delivery window. */
  option(o, answer, cur, cheapest) {
    const d = o.delivery;
    const rule = o.discount_rule ? shippingRuleName(answer, o.discount_rule) : null;
    return h(
      "label",
      {
        class: o.chosen ? "ship-option chosen" : "ship-option",
        "data-testid": "shipping-option",
        "data-method-id": o.method_id,
        "data-chosen": String(o.chosen),
        "data-amount": o.total,
        "data-price": o.price,
        "data-earliest": d.earliest,
        "data-latest": d.latest,
      },
      h("input", {
        type: "radio",
        name: "shipping-method",
        value: o.method_id,
        checked: o.chosen,
        onchange: () =>
          update(() => {
            state.shippingMethod = o.method_id;
            state.shippingMethodName = o.name ?? o.method_id;
            state.shippingNotice = null;
          }),
      }),
      h("span", { class: "ship-name" },
        h("strong", {}, o.name ?? o.method_id), " ", h("small", {}, SERVICE_EN[o.service] ?? o.service),
        cheapest ? h("span", { class: "tag" }, "最便宜 ", h("small", {}, "Cheapest")) : "",
        o.fastest ? h("span", { class: "tag" }, "最快 ", h("small", {}, "Fastest")) : "",
        h("div", { class: "muted" }, `预计 ${days(d.earliest, d.latest, "zh")} 送达 `, h("small", {}, `arrives ${days(d.earliest, d.latest, "en")}`)),
        h("div", { class: "muted small" },
          d.ships_today ? "今日发货 " : `${day(d.dispatch_date, "zh")} 发货 `,
          h("small", {}, d.ships_today ? "ships today" : `ships ${day(d.dispatch_date, "en")}`),
          d.message ? ` · ${d.message}` : "",
        ),
      ),
      h("span", { class: "ship-price" },
        h("strong", {}, money(o.total, cur)),
        isZero(o.discount) ? "" : h("s", { class: "was" }, money(o.price, cur)),
        rule ? h("small", { class: "rule" }, rule[0], " ", rule[1]) : "",
      ),
    );
  },
};

/** The "use points" toggle: redeem as many points as the order allows, or none. */
const pointsPanel = {
  init() {
    $("#use-points").addEventListener("change", (e) => update(() => (state.usePoints = e.target.checked)));
  },
  // The customer's lots are always sent (the engine reports the balance and
  // the points to earn); the toggle adds or removes `redeem`. "Use points"
  // asks for the whole balance at the order time (the engine's pointsBalance
  // question on the same lots and `now`); the quote reduces it to what this
  // order allows (share cap, step, minimum) and says why.
  contribute(request) {
    if (!state.pointsHeld) return;
    const held = structuredClone(state.pointsHeld);
    if (state.usePoints && this.redeemable()) {
      const { available } = engine.pointsBalance({ now: request.now, ...held });
      if (available > 0) held.redeem = available;
    }
    request.points = held;
  },
  /**
   * Points pay only in the rule set's own currency: a market in another
   * currency offers no redemption (docs/markets.md), so none is asked for.
   */
  redeemable() {
    const market = marketOf(state.marketId);
    return !market || market.currency === state.rules.currency;
  },
  render(answer) {
    const p = answer.points;
    const cur = answer.currency;
    const toggle = $("#use-points");
    const panel = $("#points-panel");
    panel.hidden = !p && !state.pointsHeld;
    toggle.checked = state.usePoints && this.redeemable();
    toggle.disabled = !state.pointsHeld || !this.redeemable() || (!state.usePoints && (p?.balance_before ?? 0) <= 0);
    if (!p) {
      $("#points-detail").replaceChildren();
      return;
    }
    const redemption = state.rules.points?.redemption;
    const rows = [
      h("div", { "data-testid": "points-balance", "data-points": p.balance_before },
        "可用积分 ", h("strong", {}, count(p.balance_before)), " ", h("small", {}, `Available: ${count(p.balance_before, "en")} points`),
      ),
    ];
    if (!this.redeemable()) {
      rows.push(
        h("div", { class: "muted small", "data-testid": "points-not-in-market" },
          `积分仅可在 ${state.rules.currency} 订单中抵扣 `,
          h("small", {}, `Points pay only for orders in ${state.rules.currency}`),
        ),
      );
    } else if (state.usePoints) {
      rows.push(
        h("div", { class: "redeem", "data-testid": "points-redeemed", "data-points": p.redeemed, "data-amount": p.value },
          "本单使用 ", h("strong", {}, count(p.redeemed)), " 积分，抵扣 ", h("strong", { class: "minus" }, `−${money(p.value, cur)}`),
          " ", h("small", {}, `Redeeming ${count(p.redeemed, "en")} points: −${money(p.value, cur, "en")}`),
        ),
        ...p.clamps.map((c) => h("div", { class: "muted small", "data-testid": "points-clamp", "data-reason": c.reason }, c.message)),
        h("div", { class: "muted small" }, `使用后剩余 ${count(p.balance_after)} 积分 `, h("small", {}, `Left after this order: ${count(p.balance_after, "en")}`)),
      );
    } else if (redemption && p.balance_before > 0) {
      rows.push(
        h("div", { class: "muted small" },
          `每 ${count(redemption.points_per_unit)} 积分抵 ${money("1", cur)} `,
          h("small", {}, `${count(redemption.points_per_unit, "en")} points = ${money("1", cur, "en")}`),
        ),
      );
    }
    rows.push(
      h("div", { "data-testid": "points-earned", "data-points": p.earned },
        "本单可得 ", h("strong", {}, count(p.earned)), " 积分 ", h("small", {}, `Earn ${count(p.earned, "en")} points`),
        p.pending_until
          ? h("div", { class: "muted small" }, `${day(p.pending_until, "zh")} 到账 `, h("small", {}, `credited ${day(p.pending_until, "en")}`))
          : "",
      ),
    );
    $("#points-detail").replaceChildren(...rows);
  },
};

/** Landed-cost parts (`LandedPartCode`) by name. */
const LANDED_PART = {
  goods: ["商品", "Goods"],
  shipping: ["运费", "Shipping"],
  duty: ["关税", "Import duty"],
  import_vat: ["进口增值税", "Import VAT"],
  consumption_tax: ["消费税", "Consumption tax"],
  fee: ["清关费", "Customs fee"],
};
/** Regimes (`LandedRegime`): why the figures are what they are. */
const LANDED_REGIME = {
  low_value: ["低价值包裹：增值税在结算时代收，免关税", "Low-value consignment: VAT collected at checkout, no duty"],
  border: ["入境时征收关税和进口税", "Duty and import taxes at the border"],
  cbec: ["跨境电商综合税：结算时代扣代缴", "Cross-border e-commerce retail import tax, withheld at checkout"],
  general_trade: ["超出跨境电商限额：按一般贸易征税", "Past the cross-border limits: taxed as general trade"],
};

/**
 * The landed cost (answer.landed): goods, shipping, duty, import VAT,
 * consumption tax and fees, each with when it is paid: "included" (collected
 * at checkout, in the total) or "due on delivery" (an estimate the shopper
 * pays the carrier or customs, under DAP). Hidden when the destination is
 * not a customs destination.
 */
const landedPanel = {
  render(answer) {
    const l = answer.landed;
    const panel = $("#landed-panel");
    panel.hidden = !l;
    if (!l) return;
    const cur = answer.currency;
    panel.dataset.destination = l.destination;
    panel.dataset.regime = l.regime;
    panel.dataset.terms = l.terms;
    const [rzh, ren] = LANDED_REGIME[l.regime] ?? [l.regime, l.regime];
    const scheme = l.scheme ? ` (${l.scheme.toUpperCase()})` : "";
    const terms =
      l.terms === "ddp"
        ? bi("完税后交货（DDP）：税费在结算时支付", "Delivered duty paid (DDP): duties and taxes are paid at checkout")
        : isZero(l.due_on_delivery)
          ? bi("未完税交货（DAP）：本单收货时无需另付税费", "Delivered at place (DAP): nothing more is due on delivery for this order")
          : bi("未完税交货（DAP）：税费为预估，收货时支付", "Delivered at place (DAP): duties and taxes are an estimate, due on delivery");
    $("#landed-terms").replaceChildren(h("div", {}, rzh, scheme, " ", h("small", {}, ren, scheme)), h("div", {}, ...terms));
    const when = (part) => {
      if (part.code === "goods" || part.code === "shipping") return null;
      return part.collected === "checkout"
        ? h("span", { class: "when checkout" }, "已含 ", h("small", {}, "included"))
        : h("span", { class: "when delivery" }, "到付 ", h("small", {}, "due on delivery"));
    };
    const row = (zh, en, amount, testid, extra = {}) => [
      h("dt", { class: extra.total ? "total" : "" }, ...bi(zh, en), extra.why ? h("span", { class: "why" }, extra.why) : null),
      h("dd", { class: extra.total ? "total" : "", "data-testid": testid, "data-amount": amount, ...extra.data }, money(amount, cur), extra.when ?? null),
    ];
    const parts = l.parts.flatMap((part) => {
      const [zh, en] = LANDED_PART[part.code] ?? [part.code, part.code];
      // The rule (`customs:de:duty`, `customs_fee:ID`) is for developers: on data-rule, not in the text.
      return row(zh, en, part.amount, "landed-part", {
        why: part.message,
        when: when(part),
        data: { "data-code": part.code, "data-rule": part.rule, "data-collected": part.collected },
      });
    });
    $("#landed-parts").replaceChildren(
      ...parts,
      ...row("税费合计", "Duties and taxes", l.duties_and_taxes, "landed-duties"),
      ...(isZero(l.due_on_delivery) ? [] : row("收货时另付（预估）", "Due on delivery (estimate)", l.due_on_delivery, "landed-due")),
      ...row("到手总价", "Landed total", l.landed_total, "landed-total", { total: true }),
    );
    const refusal = $("#landed-refusal");
    refusal.hidden = !l.refusal;
    refusal.dataset.reason = l.refusal?.reason ?? "";
    refusal.replaceChildren(...(l.refusal ? [l.refusal.message] : []));
  },
};

// The shipping panel contributes last: it checks the shopper's method
// against the otherwise complete request.
const panels = [
  customerPanel,
  marketPanel,
  cartPanel,
  couponPanel,
  pointsPanel,
  shippingPanel,
  hintsPanel,
  landedPanel,
  summaryPanel,
  explanationPanel,
  devPanel,
];

// ------------------------------------------------------------ recompute

function buildRequest() {
  const request = {};
  for (const panel of panels) panel.contribute?.(request, state);
  return request;
}

function showError(error) {
  const box = $("#error");
  if (!error) {
    box.hidden = true;
    box.dataset.code = "";
    box.dataset.path = "";
    return;
  }
  const zh = Engine.errorText(error.code, "zh-Hans") ?? "出错了";
  const en = Engine.errorText(error.code, "en") ?? "something went wrong";
  // Where, for the shopper: the line whose field is at fault.
  const at = /^lines\[(\d+)\]\.(\w+)/.exec(error.path ?? "");
  const line = at ? state.lines[Number(at[1])] : null;
  const product = line ? productOf(line.sku) : null;
  box.hidden = false;
  box.dataset.code = error.code;
  box.dataset.path = error.path ?? "";
  box.replaceChildren(
    h("strong", {}, product ? `${product.zh}${at[2] === "quantity" ? "的数量" : ""}：${zh}` : zh, " "),
    h("small", {}, product ? `${product.en}${at[2] === "quantity" ? ", quantity" : ""}: ${en}` : en),
  );
  devPanel.show([["error", error.path ?? "", error.code, error.message]]);
}

/** Applies a change to the state and recomputes the whole cart. */
function update(change = () => {}, { keepFocus } = {}) {
  change();
  let request;
  let answer;
  try {
    request = buildRequest();
    answer = engine.quote(request);
  } catch (error) {
    showError(error);
    customerPanel.render();
    window.cart = { request, error };
    document.body.dataset.quoteCount = String(++quoteCount);
    return;
  }
  showError(null);
  state.moneyLocale = answer.market?.locale ?? null;
  for (const panel of panels) panel.render?.(answer, state);
  if (keepFocus) {
    // Re-rendering replaced the input; keep the caret where the shopper types.
    const row = keepFocus.closest?.("[data-line-id]")?.dataset.lineId;
    const again = row && document.querySelector(`[data-line-id="${row}"] [data-testid="qty-input"]`);
    again?.focus();
  }
  window.cart = { request, answer };
  document.body.dataset.quoteCount = String(++quoteCount);
}

// ------------------------------------------------------------------ start

async function start() {
  try {
    const [, rulesText, sample] = await Promise.all([
      init(),
      fetch(`${DATA}/cn-store.rules.json`).then((r) => r.text()),
      fetch(`${DATA}/cn-store.quote.json`).then((r) => r.json()),
    ]);
    engine = new Engine(rulesText);
    state.rules = JSON.parse(rulesText);
    state.lines = sample.lines.map((l) => ({ ...l }));
    state.customerId = sample.customer?.id ?? null;
    state.tier = sample.customer?.tier ?? null;
    state.segments = sample.customer?.segments ?? [];
    state.displayCurrency = sample.display_currency ?? null;
    state.codes = [...(sample.codes ?? [])];
    state.wallet = sample.wallet ?? [];
    state.walletSelection = sample.wallet_selection ?? "best";
    ({ addresses: state.addresses, selected: state.addressId } = addressBook(sample.destination));
    state.marketId = sample.market ?? null;
    state.shippingMethod = sample.shipping_method ?? null;
    state.shippingMethodName = sample.shipping_method ?? null;
    if (sample.points) {
      const { redeem, ...held } = sample.points;
      state.pointsHeld = held;
      state.usePoints = (redeem ?? 0) > 0;
    }
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d)(?::\d\d)?(Z|[+-]\d\d:\d\d)$/.exec(sample.now);
    [state.localNow, state.offset] = m ? [m[1], m[2] === "Z" ? "+00:00" : m[2]] : [sample.now.slice(0, 16), "+08:00"];
    $("#engine-info").textContent =
      `规则 Rules ${state.rules.id ?? ""} · ${engine.currency} · ${engine.timeZone} · engine ${Engine.version()}`;
    for (const panel of panels) panel.init?.();
    $("#explanation").closest("details").addEventListener("toggle", () => update());
    update();
    document.body.dataset.state = "ready";
  } catch (error) {
    showError(error.code ? error : { code: "internal", path: "", message: String(error) });
    document.body.dataset.state = "failed";
  }
}

start();
