// The web build (ES module, explicit init) answers exactly like the Node build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { initSync, Engine as WebEngine } from "commerce-rules-wasm/web";
import { Engine as NodeEngine } from "commerce-rules-wasm";
import { repoRoot } from "./native.mjs";

const require = createRequire(import.meta.url);

test("the web build, initialised from bytes, gives the Node build's answer", () => {
  const wasm = readFileSync(require.resolve("commerce-rules-wasm/web/commerce_rules_wasm_bg.wasm"));
  initSync({ module: wasm });
  for (const store of ["cn-store", "us-store"]) {
    const rules = readFileSync(join(repoRoot, `examples/data/${store}.rules.json`), "utf8");
    const request = readFileSync(join(repoRoot, `examples/data/${store}.quote.json`), "utf8");
    assert.equal(new WebEngine(rules).quoteJson(request), new NodeEngine(rules).quoteJson(request));
  }
  assert.throws(() => new WebEngine("{}"), (e) => e instanceof Error && e.code === "invalid_rules");
});
