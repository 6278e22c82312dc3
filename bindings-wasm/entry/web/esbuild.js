// commerce-rules-wasm for esbuild, which does not follow
// `new URL(..., import.meta.url)`: the module is imported as a file, so that
//
//   esbuild app.js --bundle --format=esm --outdir=dist --conditions=esbuild --loader:.wasm=file
//
// copies it into dist/ (with a content hash) and gives its path, which is
// resolved against the bundle's own URL. The API is index.js's.
import wasmPath from "./commerce_rules_wasm_bg.wasm";
import { initFrom } from "./load.js";

export { Engine } from "./commerce_rules_wasm.js";
export { initSync } from "./load.js";

// The bundle's URL: import.meta.url in an ES module bundle; the script's
// own URL in an IIFE bundle (esbuild empties import.meta there).
const base =
  import.meta.url ??
  (typeof document !== "undefined" && document.currentScript ? document.currentScript.src : undefined) ??
  (typeof location !== "undefined" ? location.href : undefined);

/** Loads the engine's WebAssembly module (once); see index.js. */
export function init(input) {
  return initFrom(input, () => new URL(wasmPath, base));
}

export default init;
