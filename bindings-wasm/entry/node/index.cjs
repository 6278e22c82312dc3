// commerce-rules-wasm under Node, CommonJS (require, Jest): the module loads
// synchronously from disk when this file is required, so init() has nothing
// left to do; it exists so that code shared with browsers
// (`await init()`) runs unchanged.
"use strict";
const wasm = require("./commerce_rules_wasm.js");

const ready = Promise.resolve();
/** Nothing to load under Node: resolves at once (the same promise every call). */
function init() {
  return ready;
}
/** Nothing to load under Node. */
function initSync() {}

// `__esModule` and `default`: `import init, { Engine } from ...` compiled to
// CommonJS (TypeScript, Babel, Jest) takes `default` as init.
Object.defineProperty(exports, "__esModule", { value: true });
exports.Engine = wasm.Engine;
exports.init = init;
exports.initSync = initSync;
exports.default = init;
