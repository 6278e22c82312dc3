// Jest, CommonJS: the same initialisation, by require.
const { init, Engine } = require("commerce-rules-wasm");
const { rules, request } = require("../cart.json");

test("quotes the cart (CommonJS)", async () => {
  await init();
  expect(new Engine(rules).quote(request).totals.grand_total).toBe(process.env.EXPECTED_TOTAL);
});
