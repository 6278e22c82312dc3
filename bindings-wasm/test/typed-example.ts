// A typed use of the package, checked by `tsc --noEmit` (scripts/test-wasm):
// the generated types must accept a correct program and reject wrong ones
// (every `@ts-expect-error` line must really be an error).
import { Engine, type CommerceRulesError, type QuoteAnswer, type QuoteRequest, type RuleSet } from "commerce-rules-wasm";
import init, { Engine as WebEngine } from "commerce-rules-wasm/web";
import type { Money, Problem } from "commerce-rules-wasm/types";

const rules: RuleSet = {
  schema_version: 1,
  currency: "CNY",
  time_zone: "Asia/Shanghai",
  tax: { prices_include_tax: true, default_class: "vat-13", classes: [{ id: "vat-13", rate_percent: "13" }] },
  price_lists: [
    { id: "gold", kind: "member", customer_tiers: ["gold"], prices: [{ sku: "TEA", unit_price: "168.00" }] },
  ],
};

const request: QuoteRequest = {
  now: "2026-11-11T20:15:00+08:00",
  customer: { tier: "gold" },
  lines: [{ id: "1", sku: "TEA", quantity: 2, unit_price: "198.00", categories: ["tea"] }],
  display_currency: { currency: "USD", rate: "0.1380" },
};

export function total(engine: Engine): Money {
  const answer: QuoteAnswer = engine.quote(request);
  const viaAnswer: QuoteAnswer = engine.answer("quote", request);
  const text: string = engine.quoteJson(JSON.stringify(request));
  const lineTotals: string[] = answer.lines.map((l) => `${l.id} ${l.price_source.kind} ${l.total}`);
  void [viaAnswer, text, lineTotals, engine.currency.toUpperCase(), engine.timeZone.length];
  return answer.totals.grand_total;
}

export function describe(e: unknown): string {
  const error = e as CommerceRulesError;
  const problems: Problem[] = error.problems;
  return `${error.code} at ${error.path || "(document)"}: ${problems.length} problem(s); ${Engine.errorText(error.code, "zh-Hans")}`;
}

export async function inBrowser(): Promise<Money> {
  await init();
  const engine = new WebEngine(JSON.stringify(rules), { max_lines: 100 });
  return engine.quote(request).totals.grand_total;
}

export function misuse(engine: Engine): void {
  new Engine(rules);
  new Engine("{}", { max_lines: 10 });
  // Every limit is typed (generated from the Limits schema), not only the first few.
  new Engine(rules, { max_lots: 10, max_search_work: 1000, max_applied_promotions: 5 });
  // @ts-expect-error limits are numbers
  new Engine(rules, { max_lots: "10" });
  // @ts-expect-error money is a decimal string, not a number
  const badPrice: QuoteRequest = { now: request.now, lines: [{ id: "1", sku: "X", quantity: 1, unit_price: 1.5 }] };
  // @ts-expect-error quantities are numbers
  const badQuantity: QuoteRequest = { now: request.now, lines: [{ id: "1", sku: "X", quantity: "1", unit_price: "1" }] };
  // @ts-expect-error unknown fields are rejected
  const badField: QuoteRequest = { now: request.now, lines: [], coupon: "X" };
  // @ts-expect-error `now` is required
  const noNow: QuoteRequest = { lines: [] };
  // @ts-expect-error unknown question names do not type-check
  engine.answer("no_such_question", request);
  // @ts-expect-error a number is not a rule set
  new Engine(42);
  // @ts-expect-error answers carry money as strings
  const n: number = engine.quote(request).totals.grand_total;
  // @ts-expect-error unknown limits are rejected
  new Engine(rules, { max_carts: 1 });
  void [badPrice, badQuantity, badField, noNow, n];
}
