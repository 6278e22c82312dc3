// End-to-end test of the live cart page: served on localhost, driven in
// Debian's headless Chromium through playwright-core. The shopper changes
// quantities, switches to a guest, enters a coupon code and removes a line;
// after each step the total on screen must be the native engine's answer
// for the same cart. A screenshot is saved as a test artifact.
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
  }));
  assert.deepEqual(shown.request, request, "the page asked the engine about another cart");
  assert.equal(shown.total, expected.totals.grand_total, "displayed total differs from the native engine's");
  const formatted = await page.evaluate(
    ([amount, currency]) => new Intl.NumberFormat("zh-CN", { style: "currency", currency }).format(amount),
    [expected.totals.grand_total, expected.currency],
  );
  assert.equal(shown.totalText, formatted, "the total is shown formatted with Intl.NumberFormat");
  assert.equal(shown.display, expected.display?.grand_total ?? "");
  assert.deepEqual(
    shown.lines,
    expected.lines.map((l) => [l.id, l.total]),
    "line totals differ from the native engine's",
  );
  return expected;
}

// The cart the page starts with: the sample's, as the page sends it.
const request = {
  ...sample,
  customer: { ...sample.customer },
  lines: sample.lines.map((l) => ({ ...l })),
  locale: "zh-Hans",
  // The page always says how the wallet is to be used.
  ...(sample.wallet?.length ? { wallet_selection: sample.wallet_selection ?? "best" } : {}),
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
    els.map((e) => [e.querySelector("strong").textContent, e.dataset.reason]),
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
  const error = await page.locator("#error").textContent();
  assert.match(error, /out_of_range/);
  assert.match(error, /lines\[1\]\.quantity/);
  await act(() => row("2").locator("[data-testid=qty-input]").fill("24"));
  request.lines.find((l) => l.id === "2").quantity = 24;
  assert.equal(await page.locator("#error").isHidden(), true);
  await assertShowsNative(request);

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "cart.png"), fullPage: true });
});

test("no script error on the page", () => {
  assert.deepEqual(pageErrors, []);
});
