// Node, CommonJS: the same initialisation, by require.
const { init, Engine } = require("commerce-rules-wasm");
const { rules, request } = require("../cart.json");

(async () => {
  await init();
  await require("commerce-rules-wasm").default(); // the default export, as compiled ESM calls it
  console.log(`total=${new Engine(rules).quote(request).totals.grand_total}`);
})();
