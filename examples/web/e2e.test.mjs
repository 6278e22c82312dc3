// End-to-end test of the live cart page: served on localhost, driven in
// Debian's headless Chromium through playwright-core. The shopper changes
// quantities, switches to a guest, enters a coupon code, removes a line,
// changes the destination, picks a shipping method and toggles points; after
// each step the total, line totals, shipping options and points on screen
// must be the native engine's answer for the same cart. A screenshot is
// saved as a test artifact.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { repoRoot, runNative } from "../../bindings-wasm/test/native.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const artifacts = process.env.WASM_ARTIFACTS_DIR ?? join(repoRoot, "target/artifacts");
const rulesFile = join(repoRoot, "examples/data/cn-store.rules.json");
const sample = JSON.parse(readFileSync(join(repoRoot, "examples/data/cn-store.quote.json"), "utf8"));

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  server = await serve(repoRoot);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && pageErrors.push(`console: ${m.text()}`));
  await page.goto(`${server.url}/examples/web/`);
  await page.waitForSelector("body[data-state=ready]", { timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The native CLI's answer for a request. */
function nativeQuote(request) {
  const r = runNative("quote", { file: rulesFile }, JSON.stringify(request));
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Runs a shopper action and waits until the page has recomputed. */
async function act(action) {
  const before = await page.evaluate(() => document.body.dataset.quoteCount);
  await action();
  await page.waitForFunction((b) => document.body.dataset.quoteCount !== b, before, { timeout: 5_000 });
}

const row = (id) => page.locator(`[data-testid=line-row][data-line-id="${id}"]`);

/** Asserts that what the page shows is the native answer for `request`. */
async function assertShowsNative(request) {
  const expected = nativeQuote(request);
  const shown = await page.evaluate(() => ({
    request: window.cart.request,
    total: document.querySelector("[data-testid=grand-total]").dataset.amount,
    totalText: document.querySelector("[data-testid=grand-total]").textContent,
    display: document.querySelector("[data-testid=display-total]").dataset.amount,
    lines: [...document.querySelectorAll("[data-testid=line-row], [data-testid=gift-row]")].map((r) => [
      r.dataset.lineId,
      r.querySelector("[data-testid=line-total]").dataset.amount,
    ]),
    zone: document.querySelector("[data-testid=shipping-zone]").dataset.zoneId,
    options: [...document.querySelectorAll("[data-testid=shipping-option]")].map((o) => [
      o.dataset.methodId,
      o.dataset.price,
      o.dataset.amount,
      o.dataset.earliest,
      o.dataset.latest,
      o.dataset.chosen === "true" && o.querySelector("input").checked,
    ]),
    unavailable: [...document.querySelectorAll("[data-testid=shipping-unavailable]")].map((u) => [
      u.dataset.methodId,
      u.dataset.reason,
    ]),
    chosen: (({ methodId, amount, earliest, latest }) => ({ methodId, amount, earliest, latest }))(
      document.querySelector("[data-testid=shipping-chosen]").dataset,
    ),
    points: (() => {
      const data = (id) => document.querySelector(`[data-testid=${id}]`)?.dataset;
      return {
        balance: data("points-balance")?.points,
        redeemed: data("points-redeemed") ? [data("points-redeemed").points, data("points-redeemed").amount] : null,
        earned: data("points-earned")?.points,
        clamps: [...document.querySelectorAll("[data-testid=points-clamp]")].map((c) => c.dataset.reason),
        toggle: document.querySelector("[data-testid=use-points]").checked,
      };
    })(),
  }));
  assert.deepEqual(shown.request, request, "the page asked the engine about another cart");
  assert.equal(shown.total, expected.totals.grand_total, "displayed total differs from the native engine's");
  const formatted = await page.evaluate(
    ([amount, currency, tag]) => new Intl.NumberFormat(tag, { style: "currency", currency }).format(amount),
    // In a market, money is formatted in the market's locale.
    [expected.totals.grand_total, expected.currency, expected.market?.locale ?? (request.locale === "en" ? "en-US" : "zh-CN")],
  );
  assert.equal(shown.totalText, formatted, "the total is shown formatted with Intl.NumberFormat");
  assert.equal(shown.display, expected.display?.grand_total ?? "");
  assert.deepEqual(
    shown.lines,
    expected.lines.map((l) => [l.id, l.total]),
    "line totals differ from the native engine's",
  );
  // Shipping: the zone, every offered method with its price, what the
  // customer pays and its delivery window, the one chosen, and the methods
  // that cannot take the cart with their reasons.
  const ship = expected.shipping;
  assert.equal(shown.zone, ship.zone_id ?? "");
  assert.deepEqual(
    shown.options,
    ship.options.map((o) => [o.method_id, o.price, o.total, o.delivery.earliest, o.delivery.latest, o.chosen]),
    "shipping options differ from the native engine's",
  );
  assert.deepEqual(shown.unavailable, ship.unavailable.map((u) => [u.method_id, u.reason]));
  const chosen = ship.options.find((o) => o.chosen);
  assert.deepEqual(
    shown.chosen,
    chosen
      ? { methodId: chosen.method_id, amount: chosen.total, earliest: chosen.delivery.earliest, latest: chosen.delivery.latest }
      : { methodId: "", amount: "", earliest: "", latest: "" },
    "the chosen method's price and delivery dates differ from the native engine's",
  );
  // Points: the balance, what is redeemed and what it takes off (when the
  // toggle is on), why it was reduced, and what the order earns.
  const p = expected.points;
  assert.deepEqual(shown.points, {
    balance: String(p.balance_before),
    redeemed: request.points?.redeem ? [String(p.redeemed), p.value] : null,
    earned: String(p.earned),
    clamps: request.points?.redeem ? p.clamps.map((c) => c.reason) : [],
    toggle: Boolean(request.points?.redeem),
  });
  return expected;
}

/** The customer's available points for `request` (lots less debt, at its `now`), as the native engine counts them. */
function nativeBalance(request) {
  const { redeem, ...held } = request.points;
  return nativeQuote({ ...request, points: held }).points.balance_before;
}

const destinations = {
  shanghai: { country: "CN", region: "Shanghai", city: "Shanghai", postcode: "200001" },
  beijing: { country: "CN", region: "Beijing", city: "Beijing", postcode: "100010" },
  urumqi: { country: "CN", region: "Xinjiang", city: "Urumqi", postcode: "830000" },
  hongKong: { country: "HK", region: "Hong Kong Island", city: "Central" },
  newYork: { country: "US", region: "NY", city: "New York", postcode: "10001" },
  berlin: { country: "DE", region: "Berlin", city: "Berlin", postcode: "10115" },
};

// The cart the page starts with: the sample's, as the page sends it. The
// sample asks to redeem points; the page's "use points" asks for the whole
// balance (the engine then reduces it to what the order allows).
const request = {
  ...sample,
  customer: { ...sample.customer },
  lines: sample.lines.map((l) => ({ ...l })),
  locale: "zh-Hans",
  // The page always says how the wallet is to be used.
  ...(sample.wallet?.length ? { wallet_selection: sample.wallet_selection ?? "best" } : {}),
  points: { ...sample.points, redeem: nativeBalance(sample) },
};

test("the page loads the engine and shows the sample cart at the native total", async () => {
  assert.equal(await page.locator("[data-testid=line-row]").count(), sample.lines.length);
  const expected = await assertShowsNative(request);
  const badges = await page.locator("[data-testid=price-source]").count();
  assert.equal(badges, expected.lines.filter((l) => l.price_source.kind !== "list").length, "one badge per catalog price");
});

test("changing quantities and switching to a guest recompute to the native total", async () => {
  await act(() => row("4").locator("[data-testid=qty-input]").fill("5"));
  request.lines.find((l) => l.id === "4").quantity = 5;
  await assertShowsNative(request);

  await act(() => row("1").locator("[data-testid=qty-plus]").click());
  request.lines.find((l) => l.id === "1").quantity += 1;
  await assertShowsNative(request);

  await act(() => page.locator("[data-testid=tier-guest]").click());
  delete request.customer.tier;
  const expected = await assertShowsNative(request);
  assert.ok(
    expected.lines.every((l) => l.price_source.kind !== "member"),
    "a guest gets no member price",
  );
});

test("an entered coupon code is answered as the native engine answers it", async () => {
  await act(async () => {
    await page.locator("[data-testid=coupon-input]").fill("  double11 ");
    await page.locator("[data-testid=coupon-apply]").click();
  });
  request.codes = [...(sample.codes ?? []), "double11"];
  const expected = await assertShowsNative(request);
  const shown = await page.locator("[data-testid=rejected-code]").evaluateAll((els) =>
    els.map((e) => [e.dataset.code ?? e.dataset.walletCouponId, e.dataset.reason]),
  );
  const native = expected.rejected
    .filter((r) => r.code || r.wallet_coupon_id)
    .map((r) => [r.code ?? r.wallet_coupon_id, r.reason]);
  assert.deepEqual(shown, native, "rejected codes and reasons differ from the native engine's");
  const rejectedHere = shown.filter(([code]) => code === "double11").length;
  const applied = expected.promotions.filter((p) => p.code === "double11").length;
  assert.equal(rejectedHere + applied, 1, "the code is either applied or rejected with a reason");
});

test("removing a line recomputes; the engine's errors show with their path", async () => {
  await act(() => row("5").locator("[data-testid=remove-line]").click());
  request.lines = request.lines.filter((l) => l.id !== "5");
  assert.equal(await row("5").count(), 0);
  await assertShowsNative(request);

  await act(() => row("2").locator("[data-testid=qty-input]").fill("0"));
  // The shopper reads which line and what is wrong; the code and the path
  // are the developer panel's.
  const error = page.locator("#error");
  assert.equal(await error.getAttribute("data-code"), "out_of_range");
  assert.equal(await error.getAttribute("data-path"), "lines[1].quantity");
  assert.match(await error.textContent(), /天然矿泉水的数量：数值超出范围.*Natural mineral water, quantity: value out of range/);
  assert.doesNotMatch(await error.textContent(), /out_of_range|lines\[/);
  assert.match(await page.locator("#dev-codes").textContent(), /out_of_range/);
  await act(() => row("2").locator("[data-testid=qty-input]").fill("24"));
  request.lines.find((l) => l.id === "2").quantity = 24;
  assert.equal(await page.locator("#error").isHidden(), true);
  await assertShowsNative(request);
});

const destination = () => page.locator("[data-testid=destination]");
const method = (id) => page.locator(`[data-testid=shipping-option][data-method-id="${id}"] input`);
const notice = () => page.locator("[data-testid=shipping-notice]");

test("the destination and the shipping method recompute to the native total", async () => {
  // Shanghai, same zone as the sample's Ningbo: express cannot carry the water (liquid).
  await act(() => destination().selectOption("shanghai"));
  request.destination = destinations.shanghai;
  let expected = await assertShowsNative(request);
  assert.deepEqual(
    expected.shipping.unavailable.map((u) => [u.method_id, u.reason]),
    [["express", "shipping_class_not_allowed"]],
  );
  assert.equal(await page.locator("[data-testid=shipping-unavailable][data-method-id=express] input").isDisabled(), true);

  // Without the water, express is offered; the shopper picks it.
  await act(() => row("2").locator("[data-testid=remove-line]").click());
  request.lines = request.lines.filter((l) => l.id !== "2");
  const withStandard = await assertShowsNative(request);
  assert.equal(withStandard.shipping.chosen_method, "std", "the engine's default is the cheapest");
  assert.ok(withStandard.shipping.options.some((o) => o.method_id === "express"));
  await act(() => method("express").check());
  request.shipping_method = "express";
  expected = await assertShowsNative(request);
  assert.equal(expected.shipping.chosen_method, "express");
  assert.notEqual(expected.totals.grand_total, withStandard.totals.grand_total, "the method's price reaches the total");
  assert.equal(await notice().isHidden(), true);

  // Xinjiang is remote and offers no express: the page falls back to the
  // engine's default (no shipping_method) and says so.
  await act(() => destination().selectOption("urumqi"));
  request.destination = destinations.urumqi;
  const refused = runNative("quote", { file: rulesFile }, JSON.stringify(request));
  assert.notEqual(refused.status, 0, "the engine refuses express in Xinjiang");
  assert.match(refused.stderr, /shipping_method.*unknown_reference/);
  delete request.shipping_method;
  expected = await assertShowsNative(request);
  assert.equal(expected.shipping.remote, true);
  assert.equal(await notice().isVisible(), true);
  assert.equal(await notice().getAttribute("data-method-id"), "express");
  const text = await notice().textContent();
  assert.match(text, /顺丰特快/);
  assert.ok(text.includes(expected.shipping.options.find((o) => o.chosen).name), "the notice names the method used instead");

  // Beijing: express again.
  await act(() => destination().selectOption("beijing"));
  request.destination = destinations.beijing;
  await assertShowsNative(request);
  assert.equal(await notice().isHidden(), true);
  await act(() => method("express").check());
  request.shipping_method = "express";
  expected = await assertShowsNative(request);
  assert.equal(expected.shipping.chosen_method, "express");
});

test("the points toggle adds and removes the redemption at the native total", async () => {
  await act(() => page.locator("[data-testid=use-points]").uncheck());
  const balance = request.points.redeem;
  delete request.points.redeem;
  const off = await assertShowsNative(request);
  assert.equal(off.totals.points_value, "0.00");
  assert.equal(off.points.balance_before, balance);
  assert.equal(await page.locator("[data-testid=points]").count(), 0, "no points line in the summary");

  await act(() => page.locator("[data-testid=use-points]").check());
  request.points.redeem = nativeBalance(request);
  const on = await assertShowsNative(request);
  assert.ok(on.points.redeemed > 0, "points are redeemed");
  assert.equal(await page.locator("[data-testid=points]").getAttribute("data-amount"), `-${on.points.value}`);
  assert.ok(on.points.earned < off.points.earned, "redeemed points earn nothing");
});

test("restoring a line that the chosen method cannot carry falls back with the engine's reason", async () => {
  await act(() => page.locator("[data-testid=undo-remove]").filter({ hasText: "矿泉水" }).click());
  request.lines = [...request.lines, { ...sample.lines.find((l) => l.id === "2"), quantity: 24 }].sort((a, b) =>
    a.id.localeCompare(b.id),
  );
  delete request.shipping_method;
  const expected = await assertShowsNative(request);
  const why = expected.shipping.unavailable.find((u) => u.method_id === "express");
  assert.ok(why, "express cannot take the water");
  assert.equal(await notice().getAttribute("data-method-id"), "express");
  assert.ok((await notice().textContent()).includes(why.message), "the notice gives the engine's reason");

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "cart.png"), fullPage: true });
});

/** The texts a shopper reads: the page without its developer panel. */
const shopperText = () =>
  page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelector("#dev-panel").remove();
    document.body.append(copy);
    copy.hidden = false;
    const text = copy.innerText;
    copy.remove();
    return text;
  });

/** Switches the language of the engine's messages. */
const setLocale = (locale) => act(() => page.locator(`[data-locale="${locale}"]`).click());

test("shoppers read names and plain words; codes and rule ids are in the developer panel", async () => {
  const rules = JSON.parse(readFileSync(rulesFile, "utf8"));
  const name = (id) => rules.promotions.find((p) => p.id === id)?.name ?? rules.shipping?.free_shipping?.find((f) => f.id === id)?.name;
  for (const locale of ["zh-Hans", "en"]) {
    await setLocale(locale);
    request.locale = locale;
    const expected = await assertShowsNative(request);
    const text = await shopperText();
    const dev = await page.locator("#dev-codes").textContent();
    // No stable code and no rule id on the shopper's side of the page.
    const codes = [
      ...expected.rejected.map((r) => r.reason),
      ...(expected.hints ?? []).map((h) => h.code),
      ...expected.shipping.unavailable.map((u) => u.reason),
      ...expected.points.clamps.map((c) => c.reason),
    ].filter((c) => c.includes("_"));
    assert.ok(codes.length > 0, "the cart has rejections or unavailable methods");
    for (const code of codes) {
      assert.ok(!text.includes(code), `${locale}: the shopper sees the code ${code}`);
      assert.ok(dev.includes(code), `${locale}: the developer panel lacks ${code}`);
    }
    const ids = [...rules.promotions.map((p) => p.id), ...(expected.rejected.map((r) => r.wallet_coupon_id).filter(Boolean))];
    for (const id of ids.filter((id) => /-/.test(id))) {
      assert.ok(!text.includes(id), `${locale}: the shopper sees the id ${id}`);
    }
    // A coupon that cannot be combined names the offer it conflicts with.
    const conflicts = expected.rejected.filter((r) => r.reason === "not_combinable");
    assert.ok(conflicts.length > 0, "the sample has a coupon that cannot be combined");
    const rejectedTexts = await page.locator("[data-testid=rejected-code]").allTextContents();
    for (const r of conflicts) {
      const shown = rejectedTexts.find((t) => t.startsWith(r.code ?? name(r.promotion_id)));
      assert.ok(shown?.includes(name(r.params.conflicting_promotion)), `${locale}: ${shown} names ${r.params.conflicting_promotion}`);
    }
    // Hints name the offer they unlock.
    const hints = await page.locator("[data-testid=hint]").evaluateAll((els) => els.map((e) => [e.dataset.promotionId, e.textContent]));
    assert.equal(hints.length, (expected.hints ?? []).length);
    for (const [id, hint] of hints) assert.ok(hint.includes(name(id)), `${locale}: the hint "${hint}" names ${name(id)}`);
    // Punctuation of the language: no full-width colon after an English message.
    const messages = [...rejectedTexts, ...(await page.locator("[data-testid=shipping-unavailable]").allTextContents())];
    for (const m of messages) {
      if (locale === "en") assert.ok(!m.includes("："), `English with a full-width colon: ${m}`);
      else assert.ok(!/[\u4e00-\u9fff]: /.test(m), `Chinese with an ASCII colon: ${m}`);
    }
  }
  await setLocale("zh-Hans");
  request.locale = "zh-Hans";
});

const market = () => page.getByLabel(/购物市场/);

/** The landed-cost panel as shown: its parts, totals and wording. */
const shownLanded = () =>
  page.evaluate(() => {
    const panel = document.querySelector("[data-testid=landed]");
    const amount = (id) => panel.querySelector(`[data-testid=${id}]`)?.dataset.amount ?? null;
    return {
      hidden: panel.hidden,
      regime: panel.dataset.regime,
      terms: panel.dataset.terms,
      parts: [...panel.querySelectorAll("[data-testid=landed-part]")].map((d) => [d.dataset.code, d.dataset.amount, d.dataset.collected]),
      duties: amount("landed-duties"),
      due: amount("landed-due"),
      total: amount("landed-total"),
      totalText: panel.querySelector("[data-testid=landed-total]")?.textContent ?? null,
      text: panel.innerText,
    };
  });

/** Asserts that the landed-cost panel shows the native answer's landed cost. */
async function assertShowsLanded(expected) {
  const l = expected.landed;
  const shown = await shownLanded();
  assert.equal(shown.hidden, false, "the landed cost is shown");
  assert.equal(shown.regime, l.regime);
  assert.equal(shown.terms, l.terms);
  assert.deepEqual(shown.parts, l.parts.map((p) => [p.code, p.amount, p.collected]), "landed parts differ from the native engine's");
  assert.equal(shown.duties, l.duties_and_taxes);
  assert.equal(shown.due, /^0+\.0+$/.test(l.due_on_delivery) ? null : l.due_on_delivery);
  assert.equal(shown.total, l.landed_total);
  const formatted = await page.evaluate(
    ([amount, currency, tag]) => new Intl.NumberFormat(tag, { style: "currency", currency }).format(amount),
    [l.landed_total, expected.currency, expected.market.locale],
  );
  assert.equal(shown.totalText, formatted, "the landed total is formatted in the market's locale");
  return shown;
}

test("the market switcher answers in the market's currency with the landed cost before checkout", async () => {
  // The switcher is a labelled select: China (the rule set's CNY), Hong Kong, the United States, Germany.
  assert.deepEqual(
    await market().evaluate((s) => [...s.options].map((o) => o.value)),
    ["", "hk", "us", "de"],
  );
  assert.equal(await page.locator("[data-testid=landed]").isHidden(), true, "no landed cost at home");

  // Germany: EUR, prices converted by the market's rule; the cart is under
  // EUR 150, so IOSS: VAT collected at checkout ("included"), no duty.
  await act(() => market().selectOption("de"));
  request.market = "de";
  request.destination = destinations.berlin;
  delete request.shipping_method;
  delete request.display_currency; // the indicative USD estimate is from CNY
  delete request.points.redeem; // points pay only in CNY
  let expected = await assertShowsNative(request);
  assert.equal(expected.currency, "EUR");
  assert.equal(await page.locator("[data-testid=destination]").inputValue(), "berlin");
  assert.match(await page.locator("[data-testid=grand-total]").textContent(), /€/);
  assert.equal(await page.locator("[data-testid=market-info]").getAttribute("data-currency"), "EUR");
  let shown = await assertShowsLanded(expected);
  assert.equal(expected.landed.regime, "low_value");
  assert.ok(shown.parts.some(([code, , when]) => code === "import_vat" && when === "checkout"), "IOSS VAT at checkout");
  assert.match(shown.text, /已含/);
  assert.equal(
    await page.locator("[data-testid=duties-at-checkout]").getAttribute("data-amount"),
    expected.totals.duties_at_checkout,
    "the IOSS VAT is in the order summary",
  );

  // More tea: over EUR 150, duty and import VAT at the border, an estimate
  // due on delivery under DAP (not in the total).
  await act(() => row("1").locator("[data-testid=qty-input]").fill("10"));
  request.lines.find((l) => l.id === "1").quantity = 10;
  expected = await assertShowsNative(request);
  shown = await assertShowsLanded(expected);
  assert.equal(expected.landed.regime, "border");
  assert.equal(expected.landed.terms, "dap");
  assert.ok(!/^0+\.0+$/.test(expected.landed.due_on_delivery), "something is due on delivery");
  assert.ok(shown.parts.some(([code, , when]) => code === "duty" && when === "delivery"));
  assert.match(shown.text, /到付/);
  assert.match(shown.text, /due on delivery/);

  // The United States (by keyboard: the select is one keystroke away from
  // Hong Kong): USD, and the de minimis leaves nothing to pay.
  await act(() => market().selectOption("hk"));
  request.market = "hk";
  request.destination = destinations.hongKong;
  expected = await assertShowsNative(request);
  assert.equal(expected.currency, "HKD");
  await assertShowsLanded(expected);
  await market().focus();
  await act(() => page.keyboard.press("ArrowDown"));
  request.market = "us";
  request.destination = destinations.newYork;
  expected = await assertShowsNative(request);
  assert.equal(expected.currency, "USD");
  assert.match(await page.locator("[data-testid=grand-total]").textContent(), /^\$/);
  await assertShowsLanded(expected);
  assert.equal(expected.landed.duties_and_taxes, "0.00", "under the de minimis the rule set states");

  // English: the panel's wording follows the language switch.
  await setLocale("en");
  request.locale = "en";
  expected = await assertShowsNative(request);
  await assertShowsLanded(expected);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "cart-market-us.png"), fullPage: true });
  await setLocale("zh-Hans");
  request.locale = "zh-Hans";

  // Back home: CNY, the first Chinese address, the USD estimate and points again.
  await act(() => market().selectOption(""));
  delete request.market;
  request.destination = sample.destination;
  request.display_currency = sample.display_currency;
  request.points.redeem = nativeBalance(request);
  expected = await assertShowsNative(request);
  assert.equal(expected.currency, "CNY");
  assert.equal(await page.locator("[data-testid=landed]").isHidden(), true);
});

test("on a phone (390 px) nothing is wider than the screen and every subtotal is in view", async () => {
  const phone = await browser.newPage({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  phone.on("pageerror", (e) => pageErrors.push(`phone pageerror: ${e.message}`));
  await phone.goto(`${server.url}/examples/web/`);
  await phone.waitForSelector("body[data-state=ready]", { timeout: 20_000 });
  await phone.locator("[data-testid=coupon-input]").fill("double11");
  await phone.locator("[data-testid=coupon-apply]").click();
  await phone.locator("#dev-panel summary").click();
  mkdirSync(artifacts, { recursive: true });
  for (const locale of ["zh-Hans", "en"]) {
    await phone.locator(`[data-locale="${locale}"]`).click();
    await phone.waitForFunction((l) => window.cart?.request?.locale === l, locale);
    const layout = await phone.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wider = [...document.querySelectorAll("body *")]
        .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 0.5)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${e.className}`);
      const totals = [...document.querySelectorAll("[data-testid=line-total]")].map((e) => {
        const r = e.getBoundingClientRect();
        return [e.closest("[data-line-id]").dataset.lineId, r.left >= 0 && r.right <= width && r.width > 0];
      });
      return { width, scrollWidth: document.documentElement.scrollWidth, wider, totals };
    });
    assert.equal(layout.width, 390);
    assert.equal(layout.scrollWidth, 390, `${locale}: the page scrolls sideways; too wide: ${layout.wider.join(", ")}`);
    assert.deepEqual(layout.wider, [], `${locale}: elements wider than the screen`);
    assert.ok(layout.totals.length >= 4, "the lines' subtotals are shown");
    for (const [id, inView] of layout.totals) assert.ok(inView, `${locale}: line ${id}'s subtotal is cut off`);
    await phone.screenshot({ path: join(artifacts, `cart-phone-${locale}.png`), fullPage: true });
  }
  await phone.close();
});

test("no script error on the page", () => {
  assert.deepEqual(pageErrors, []);
});
