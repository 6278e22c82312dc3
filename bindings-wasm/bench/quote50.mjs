// Times a 50-line quote of the bundled Chinese sample store in Node, through
// the WASM package, to compare with the native criterion benchmark
// `pricing_quote/engine/50` (benches/benches/quote.rs): the same rule set and
// the same cart text (`cn_cart(50)` of benches/src/lib.rs, ported below).
//
//   node bench/quote50.mjs [--lines N] [--native-us MICROSECONDS] [--json]
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Engine } from "commerce-rules-wasm";

const { values: args } = parseArgs({
  options: {
    lines: { type: "string", default: "50" },
    "native-us": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** `cn_cart(lines)` of benches/src/lib.rs, character for character. */
export function cnCart(lines) {
  const SKUS = [
    ["TEA-LONGJING-250G", "198.00", "tea"],
    ["WATER-550ML", "2.00", "drinks"],
    ["SNACK-NUTS-500G", "49.90", "snacks"],
    ["SNACK-DATES-1KG", "35.80", "snacks"],
    ["BOOK-TEA-CLASSIC", "42.00", "books"],
  ];
  const out = [];
  for (let i = 0; i < lines; i++) {
    const [sku, price, category] = SKUS[i % SKUS.length];
    const tax = category === "books" ? ',"tax_class":"vat-9"' : "";
    const id = `L${String(i).padStart(3, "0")}`;
    out.push(
      `{"id":"${id}","sku":"${sku}-${i}","quantity":${1 + (i % 13)},"unit_price":"${price}","categories":["${category}"]${tax}}`,
    );
  }
  return `{"now":"2026-11-11T20:15:00+08:00","customer":{"id":"c-1","tier":"gold"},"lines":[${out.join(",")}]}`;
}

/** Median and minimum time per call, in microseconds, over timed batches. */
function measure(fn, { warmupMs = 500, samples = 40, sampleMs = 50 } = {}) {
  const until = performance.now() + warmupMs;
  let calls = 0;
  while (performance.now() < until) {
    fn();
    calls++;
  }
  const perBatch = Math.max(1, Math.round((calls / warmupMs) * sampleMs));
  const perCall = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) fn();
    perCall.push(Number(process.hrtime.bigint() - start) / 1000 / perBatch);
  }
  perCall.sort((a, b) => a - b);
  return { median: perCall[Math.floor(perCall.length / 2)], min: perCall[0], callsPerSample: perBatch, samples };
}

const lines = Number(args.lines);
const engine = new Engine(readFileSync(join(repoRoot, "examples/data/cn-store.rules.json"), "utf8"));
const text = cnCart(lines);
const request = JSON.parse(text);
const answer = engine.quote(request);
// The sample store's promotions may add gift lines to the cart's own.
if (answer.lines.length < lines) throw new Error(`expected at least ${lines} priced lines, got ${answer.lines.length}`);

const results = {
  lines,
  node: process.version,
  quoteJson: measure(() => engine.quoteJson(text)),
  quote: measure(() => engine.quote(request)),
};
const nativeUs = args["native-us"] ? Number(args["native-us"]) : undefined;
if (nativeUs) results.ratioToNative = results.quoteJson.median / nativeUs;

if (args.json) {
  console.log(JSON.stringify(results));
} else {
  const fmt = (r) => `${r.median.toFixed(1)} µs/quote median (min ${r.min.toFixed(1)}, ${Math.round(1e6 / r.median)} quotes/s)`;
  console.log(`${lines}-line quote of cn-store in Node ${process.version} (WASM):`);
  console.log(`  quoteJson (JSON text in, text out):          ${fmt(results.quoteJson)}`);
  console.log(`  quote     (objects in and out, via JSON):    ${fmt(results.quote)}`);
  if (nativeUs) {
    console.log(`  native pricing_quote/engine/${lines}:             ${nativeUs.toFixed(1)} µs/quote`);
    console.log(`  WASM / native (quoteJson):                   ${results.ratioToNative.toFixed(2)}x (target <= 2.5x)`);
  }
}
