// The npm README's examples run: every `expression; // "value"` line of
// its JavaScript blocks must give that value, with the sample store's rules
// (examples/data/cn-store.rules.json) as `rules`. The import lines
// (`import ...`, `require(...)`) and `await init()` are left out: the body runs
// as a function; the same import and initialisation in every environment are
// tested by test/bundlers/bundlers.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "commerce-rules-wasm";
import { repoRoot } from "./native.mjs";

const readme = readFileSync(join(repoRoot, "bindings-wasm/npm/README.md"), "utf8");
const rules = JSON.parse(readFileSync(join(repoRoot, "examples/data/cn-store.rules.json"), "utf8"));
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test("the README's JavaScript examples give the values they show", () => {
  let checked = 0;
  for (const block of blocks) {
    const lines = block
      .split("\n")
      .filter((l) => !/^\s*(import |await init\(\)|const .* = require\()/.test(l));
    const body = [];
    for (const line of lines) {
      const shown = /^(.*?);\s*\/\/\s*"([^"]*)"/.exec(line);
      if (shown && !/^\s*(const|let|var) /.test(shown[1])) {
        body.push(`assertShown(${shown[1]}, ${JSON.stringify(shown[2])}, ${JSON.stringify(shown[1].trim())});`);
        checked += 1;
      } else {
        body.push(line);
      }
    }
    const assertShown = (value, expected, expr) => assert.equal(value, expected, `README: ${expr}`);
    new Function("Engine", "rules", "assertShown", body.join("\n"))(Engine, rules, assertShown);
  }
  assert.ok(checked > 0, "the README shows at least one value");
});
