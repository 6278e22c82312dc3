// Node, ES module: the one import and the one initialisation of every environment.
import init, { Engine } from "commerce-rules-wasm";
import { createRequire } from "node:module";

const { rules, request } = createRequire(import.meta.url)("../cart.json");
await init();
await init(); // idempotent
console.log(`total=${new Engine(rules).quote(request).totals.grand_total}`);
