// commerce-rules-wasm for browsers and bundlers (the web build).
//
//   import init, { Engine } from "commerce-rules-wasm";
//   await init();
//
// init() downloads the module from the URL below. Vite, webpack 5, Rollup
// and Parcel see `new URL("<file>", import.meta.url)`, emit the file with
// the bundle and rewrite the URL; esbuild does not (it has the esbuild.js
// entry, behind the "esbuild" export condition).
import { initFrom } from "./load.js";

export { Engine } from "./commerce_rules_wasm.js";
export { initSync } from "./load.js";

/**
 * Loads the engine's WebAssembly module (once: later calls answer the same
 * promise). `input` overrides where: a URL, a `Response`, bytes or a
 * compiled `WebAssembly.Module`.
 */
export function init(input) {
  return initFrom(input, () => new URL("./commerce_rules_wasm_bg.wasm", import.meta.url));
}

export default init;
