// The JavaScript API of the Node build: construction, answers as plain
// objects with money as strings, thrown errors with code and path, limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "commerce-rules-wasm";
import { repoRoot } from "./native.mjs";

const rulesText = readFileSync(join(repoRoot, "examples/data/cn-store.rules.json"), "utf8");
const requestText = readFileSync(join(repoRoot, "examples/data/cn-store.quote.json"), "utf8");
const rules = JSON.parse(rulesText);
const request = JSON.parse(requestText);
const engine = new Engine(rules);

/** Runs `fn`, expecting a CommerceRulesError, and returns it. */
/** What the core's `escape_control` makes of `text`. */
function escapeControl(text) {
  const short = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r" };
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) =>
    short[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, "an Error is thrown");
    assert.equal(e.name, "CommerceRulesError");
    assert.equal(typeof e.code, "string");
    assert.equal(typeof e.path, "string");
    assert.ok(Array.isArray(e.problems) && e.problems.length > 0);
    // The report keeps the exact text; the message escapes its control
    // characters as escape_control does (a JSON.stringify failure names its
    // circle over several lines).
    const { message, ...rest } = e.report;
    assert.deepEqual(rest, { code: e.code, path: e.path, problems: e.problems });
    assert.equal(e.message, escapeControl(message));
    return e;
  }
  assert.fail("expected an error");
}

test("an engine is built from an object or from JSON text", () => {
  const fromText = new Engine(rulesText);
  assert.equal(fromText.currency, "CNY");
  assert.equal(fromText.timeZone, "Asia/Shanghai");
  assert.equal(engine.currency, "CNY");
  assert.equal(fromText.quoteJson(requestText), engine.quoteJson(requestText));
  fromText.free();
});

test("static information: questions, version, validation, default texts", () => {
  assert.ok(Engine.questions().includes("quote"));
  assert.match(Engine.version(), /^\d+\.\d+\.\d+/);
  assert.deepEqual(Engine.validateRules(rules), []);
  const problems = Engine.validateRules({ ...rules, time_zone: "Mars/Olympus", currency: "XXX" });
  assert.ok(problems.length >= 1);
  for (const p of problems) assert.deepEqual(Object.keys(p).sort(), ["code", "message", "path"]);
  assert.equal(Engine.errorText("out_of_range"), "value out of range");
  assert.equal(Engine.errorText("out_of_range", "zh-Hans"), "数值超出范围");
  assert.equal(Engine.errorText("no_such_code"), undefined);
});

test("answers are plain objects with money as decimal strings", () => {
  const answer = engine.quote(request);
  assert.equal(Object.getPrototypeOf(answer), Object.prototype);
  assert.equal(answer.currency, "CNY");
  for (const [key, value] of Object.entries(answer.totals)) {
    if (key !== "tax_included") assert.match(value, /^-?\d+\.\d{2}$/, `totals.${key}`);
  }
  for (const line of answer.lines) {
    assert.equal(typeof line.quantity, "number");
    assert.match(line.unit_price, /^\d+\.\d{2}$/);
    assert.match(line.total, /^\d+\.\d{2}$/);
  }
  assert.equal(answer.display.currency, "USD");
});

test("the same request gives the same bytes, whatever the order of lines", () => {
  const first = engine.quoteJson(requestText);
  assert.equal(engine.quoteJson(requestText), first);
  const reversed = { ...request, lines: [...request.lines].reverse() };
  assert.equal(JSON.stringify(engine.quote(reversed)), first);
});

test("an invalid rule set throws invalid_rules with every problem and the first path", () => {
  const e = thrown(() => new Engine({ ...rules, time_zone: "Mars/Olympus", tax: { ...rules.tax, default_class: "nope" } }));
  assert.equal(e.code, "invalid_rules");
  assert.ok(e.problems.length >= 2, "every problem is listed");
  assert.equal(e.path, e.problems[0].path);
  assert.ok(e.problems.some((p) => p.code === "unknown_time_zone" && p.path === "time_zone"));
  assert.equal(thrown(() => new Engine("{")).problems[0].code, "invalid_json");
  assert.equal(thrown(() => new Engine(42)).code, "invalid_rules");
});

test("an invalid request throws its code and path, and the engine goes on working", () => {
  const e = thrown(() => engine.quote({ ...request, lines: [{ ...request.lines[0], quantity: 0 }] }));
  assert.equal(e.path, "lines[0].quantity");
  const unknown = thrown(() => engine.quote({ ...request, coupon: "X" }));
  assert.equal(unknown.code, "unknown_field");
  const asNumber = thrown(() => engine.quote({ ...request, lines: [{ ...request.lines[0], unit_price: 198 }] }));
  assert.equal(asNumber.code, "invalid_value");
  assert.equal(asNumber.path, "lines[0].unit_price");
  assert.equal(thrown(() => engine.quoteJson("{")).code, "invalid_json");
  assert.equal(engine.quoteJson(requestText), new Engine(rulesText).quoteJson(requestText));
});

test("control characters from the input are escaped in the thrown message, not in the report", () => {
  const field = "sku\u001b[2J\u001b[31m\r\u202e";
  let e;
  try {
    engine.quote({ ...request, lines: [{ ...request.lines[0], [field]: 1 }] });
  } catch (error) {
    e = error;
  }
  assert.ok(e instanceof Error && e.name === "CommerceRulesError", "an error is thrown");
  assert.equal(e.code, "unknown_field");
  assert.ok(e.message.includes("sku\\u001b[2J\\u001b[31m\\r\\u202e"), e.message);
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202e]/.test(e.message), e.message);
  // The structured fields keep the exact text, as the C API's JSON report does.
  assert.equal(e.path, `lines[0].${field}`);
  assert.ok(e.report.message.includes(field));
  assert.equal(e.report.path, e.path);
  assert.ok(e.problems[0].message.includes(field));
});

test("bad arguments throw invalid_argument naming the argument", () => {
  const cases = [
    [() => engine.quote(undefined), "request"],
    [() => engine.quote(() => 1), "request"],
    [() => engine.quote({ ...request, big: 1n }), "request"],
    [() => engine.quote((() => { const o = { ...request }; o.self = o; return o; })()), "request"],
    [() => engine.quoteJson(request), "request"],
    [() => engine.answer("no_such_question", request), "question"],
    [() => engine.answerJson(undefined, requestText), "question"],
    [() => new Engine(null), "rules"],
    [() => new Engine(rules, { max_lines: "ten" }), "limits"],
    [() => new Engine(rules, { max_carts: 1 }), "limits"],
  ];
  for (const [fn, path] of cases) {
    const e = thrown(fn);
    assert.equal(e.code, "invalid_argument", `${fn}`);
    assert.equal(e.path, path, `${fn}`);
  }
});

test("limits given at construction are enforced; missing ones keep their default", () => {
  const small = new Engine(rules, { max_lines: 2 });
  const e = thrown(() => small.quote(request));
  assert.equal(e.code, "limit_exceeded");
  assert.equal(e.path, "lines");
  assert.ok(small.quote({ ...request, lines: request.lines.slice(0, 2) }).totals.grand_total);
  assert.equal(new Engine(rules, undefined).quoteJson(requestText), engine.quoteJson(requestText));
  assert.equal(new Engine(rules, null).quoteJson(requestText), engine.quoteJson(requestText));
  small.free();
});
