// Vitest (Node): the same import and initialisation as in the browser.
import { expect, test } from "vitest";
import init, { Engine } from "commerce-rules-wasm";
import cart from "../cart.json";

test("quotes the cart", async () => {
  await init();
  expect(new Engine(cart.rules).quote(cart.request).totals.grand_total).toBe(process.env.EXPECTED_TOTAL);
});
