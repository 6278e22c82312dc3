// Times a 50-line quote of the bundled Chinese sample store in Node, through
// the WASM package, to compare with the native criterion benchmark
// `pricing_quote/engine/50` (benches/benches/quote.rs): the same rule set and
// the same cart text (`cn_cart(50)` of benches/src/lib.rs, ported below).
//
// Both builds of the package are timed in this one process, in turns: the
// Node build (the package root under Node, built for speed) and the web
// build (what browsers run, built for size), loaded here from its bytes.
//
//   node bench/quote50.mjs [--lines N] [--native-us MICROSECONDS] [--json]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Engine } from "commerce-rules-wasm";
import initWeb, { Engine as WebEngine } from "commerce-rules-wasm/web";

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
const rules = readFileSync(join(repoRoot, "examples/data/cn-store.rules.json"), "utf8");
const webWasm = createRequire(import.meta.url).resolve("commerce-rules-wasm/web/commerce_rules_wasm_bg.wasm");
await initWeb({ module_or_path: readFileSync(webWasm) });
const builds = { node: new Engine(rules), web: new WebEngine(rules) };
const text = cnCart(lines);
const request = JSON.parse(text);
const answers = Object.values(builds).map((engine) => engine.quoteJson(text));
if (answers.some((a) => a !== answers[0])) throw new Error("the web and node builds answer differently");
// The sample store's promotions may add gift lines to the cart's own.
const priced = JSON.parse(answers[0]).lines.length;
if (priced < lines) throw new Error(`expected at least ${lines} priced lines, got ${priced}`);

// Rounds of each measurement in turn, so that a change of load hits all.
const rounds = 4;
const runs = {
  quoteJson: () => builds.node.quoteJson(text),
  quote: () => builds.node.quote(request),
  webQuoteJson: () => builds.web.quoteJson(text),
};
const per = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [k, fn] of Object.entries(runs)) per[k].push(measure(fn, { samples: 10 }));
}
const merge = (list) => {
  const medians = list.map((m) => m.median).sort((a, b) => a - b);
  return {
    median: medians[Math.floor(medians.length / 2)],
    min: Math.min(...list.map((m) => m.min)),
    samples: list.reduce((n, m) => n + m.samples, 0),
  };
};
const results = { lines, node: process.version, ...Object.fromEntries(Object.entries(per).map(([k, v]) => [k, merge(v)])) };
const nativeUs = args["native-us"] ? Number(args["native-us"]) : undefined;
if (nativeUs) {
  results.ratioToNative = results.quoteJson.median / nativeUs;
  results.webRatioToNative = results.webQuoteJson.median / nativeUs;
}

if (args.json) {
  console.log(JSON.stringify(results));
} else {
  const fmt = (r) => `${r.median.toFixed(1)} µs/quote median (min ${r.min.toFixed(1)}, ${Math.round(1e6 / r.median)} quotes/s)`;
  console.log(`${lines}-line quote of cn-store in Node ${process.version} (WASM):`);
  console.log(`  quoteJson (JSON text in, text out):          ${fmt(results.quoteJson)}`);
  console.log(`  quote     (objects in and out, via JSON):    ${fmt(results.quote)}`);
  console.log(`  web build (for size), quoteJson:             ${fmt(results.webQuoteJson)}`);
  if (nativeUs) {
    console.log(`  native pricing_quote/engine/${lines}:             ${nativeUs.toFixed(1)} µs/quote`);
    console.log(`  WASM / native (quoteJson):                   ${results.ratioToNative.toFixed(2)}x (target <= 2.5x)`);
    console.log(`  web build / native (quoteJson):              ${results.webRatioToNative.toFixed(2)}x`);
  }
}
