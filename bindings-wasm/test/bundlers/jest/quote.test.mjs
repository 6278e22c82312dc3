// Jest, ES module (node --experimental-vm-modules): the browser's import and initialisation.
import init, { Engine } from "commerce-rules-wasm";
import { createRequire } from "node:module";

const { rules, request } = createRequire(import.meta.url)("../cart.json");

test("quotes the cart (ESM)", async () => {
  await init();
  expect(new Engine(rules).quote(request).totals.grand_total).toBe(process.env.EXPECTED_TOTAL);
});
