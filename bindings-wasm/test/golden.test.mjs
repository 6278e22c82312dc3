// Every golden scenario and bundled sample gives, through the WASM build,
// exactly the bytes the native CLI prints for the same JSON text; error
// scenarios throw the same code, path and problems.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Engine } from "commerce-rules-wasm";
import { parseNativeError, problemLine, repoRoot, runNative, scenarioFiles } from "./native.mjs";

function wasmOutcome(rulesText, question, requestText) {
  let engine;
  try {
    engine = new Engine(rulesText);
    return { answer: engine.answerJson(question, requestText) };
  } catch (error) {
    return { error };
  } finally {
    engine?.free();
  }
}

const files = scenarioFiles();
test("the golden scenarios are there", () => {
  assert.ok(files.length > 0, "no scenario under core/tests/scenarios");
});

for (const file of files) {
  const name = relative(join(repoRoot, "core/tests/scenarios"), file);
  test(`scenario ${name}`, (t) => {
    const scenario = JSON.parse(readFileSync(file, "utf8"));
    const question = scenario.question ?? "quote";
    const rules = scenario.rules_file
      ? { text: readFileSync(join(repoRoot, scenario.rules_file), "utf8"), file: join(repoRoot, scenario.rules_file) }
      : { text: JSON.stringify(scenario.rules) };
    const requestText = JSON.stringify(scenario.request);

    const wasm = wasmOutcome(rules.text, question, requestText);
    const native = runNative(question, rules.file ? { file: rules.file } : rules.text, requestText);

    // A question the engine answers before the CLI has a command for it can
    // only be compared with the scenario's expectation (the core's golden
    // test holds that to the native engine).
    const cliKnowsQuestion = !(native.status === 2 && native.stderr.startsWith(`unknown command \`${question}\``));
    if (!cliKnowsQuestion) t.diagnostic(`the native CLI has no \`${question}\` command yet: compared with the scenario only`);

    if ("answer" in scenario) {
      if (wasm.error) assert.fail(`WASM threw ${wasm.error.code} at ${wasm.error.path}: ${wasm.error.message}`);
      assert.deepEqual(JSON.parse(wasm.answer), scenario.answer, "answer differs from the scenario's");
      if (!cliKnowsQuestion) return;
      assert.equal(native.status, 0, `native CLI failed: ${native.stderr}`);
      assert.equal(wasm.answer + "\n", native.stdout, "WASM and native answers differ");
    } else {
      assert.ok("error" in scenario, "a scenario has an answer or an error");
      assert.ok(wasm.error, `WASM answered ${wasm.answer} where an error was expected`);
      const e = wasm.error;
      assert.ok(e instanceof Error);
      assert.equal(e.name, "CommerceRulesError");
      assert.equal(e.code, scenario.error.code);
      assert.equal(e.path, scenario.error.path);
      assert.deepEqual(e.report, scenario.error, "error report differs from the scenario's");
      if (!cliKnowsQuestion) return;
      assert.equal(native.status, 2, "native CLI should fail with status 2");
      const nativeError = parseNativeError(native.stderr);
      assert.equal(e.code, nativeError.code, "WASM and native error codes differ");
      assert.deepEqual(e.problems.map(problemLine), nativeError.problemLines, "WASM and native problems differ");
    }
  });
}

for (const store of ["cn-store", "us-store"]) {
  test(`bundled sample ${store}: JSON text and objects give the native bytes`, () => {
    const rulesFile = join(repoRoot, `examples/data/${store}.rules.json`);
    const requestFile = join(repoRoot, `examples/data/${store}.quote.json`);
    const rulesText = readFileSync(rulesFile, "utf8");
    const requestText = readFileSync(requestFile, "utf8");
    const native = runNative("quote", { file: rulesFile }, { file: requestFile });
    assert.equal(native.status, 0, native.stderr);

    const fromText = new Engine(rulesText);
    assert.equal(fromText.quoteJson(requestText) + "\n", native.stdout);
    assert.equal(fromText.answerJson("quote", requestText) + "\n", native.stdout);

    const fromObject = new Engine(JSON.parse(rulesText));
    const answer = fromObject.quote(JSON.parse(requestText));
    assert.equal(JSON.stringify(answer) + "\n", native.stdout);
    assert.deepEqual(fromObject.answer("quote", JSON.parse(requestText)), answer);
    fromText.free();
    fromObject.free();
  });
}

// The sample store's markets: a request naming a market is answered in the
// market's currency, with the landed cost, byte for byte what the native
// CLI answers (examples/data/cn-store.de.quote.json, and the same cart for
// Hong Kong and the United States).
test("bundled sample cn-store in its markets: the market's currency and the landed cost, native bytes", () => {
  const rulesFile = join(repoRoot, "examples/data/cn-store.rules.json");
  const base = JSON.parse(readFileSync(join(repoRoot, "examples/data/cn-store.de.quote.json"), "utf8"));
  const engine = new Engine(readFileSync(rulesFile, "utf8"));
  for (const [market, country, currency] of [["de", "DE", "EUR"], ["hk", "HK", "HKD"], ["us", "US", "USD"]]) {
    const requestText = JSON.stringify({ ...base, market, destination: { country } });
    const native = runNative("quote", { file: rulesFile }, requestText);
    assert.equal(native.status, 0, native.stderr);
    const answerText = engine.quoteJson(requestText);
    assert.equal(answerText + "\n", native.stdout, `${market}: WASM differs from native`);
    const answer = JSON.parse(answerText);
    assert.equal(answer.currency, currency, market);
    assert.equal(answer.market.id, market);
    assert.equal(answer.landed.destination, market, `${market}: no landed cost`);
  }
  engine.free();
});
