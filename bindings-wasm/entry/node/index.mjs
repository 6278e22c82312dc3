// commerce-rules-wasm under Node, ES module (import, Vitest, Node ESM): the
// CommonJS build loads the module synchronously from disk; init() is there
// so that code shared with browsers (`await init()`) runs unchanged. The
// classes are the CommonJS entry's own, so `require` and `import` in one
// process share one module and one Engine class.
import { createRequire } from "node:module";

const cjs = createRequire(import.meta.url)("./index.cjs");

export const Engine = cjs.Engine;
export const init = cjs.init;
export const initSync = cjs.initSync;
export default init;
