// The web build's initialisation, shared by the browser entry (index.js) and
// the esbuild entry (esbuild.js): idempotent (the first call loads, every
// later call answers the same promise), and a failed download says where it
// looked and what to do instead of wasm-bindgen's bare "failed to fetch".
import load, { initSync as loadSync } from "./commerce_rules_wasm.js";

let ready;

/** Loads the module once from `input`, or from `where()` when no input is given. */
export function initFrom(input, where) {
  if (ready) return ready;
  // wasm-bindgen's own form, `{ module_or_path }`, is taken too.
  if (input !== undefined && input !== null && Object.getPrototypeOf(input) === Object.prototype) {
    ({ module_or_path: input } = input);
  }
  const source = input ?? where();
  ready = load({ module_or_path: source }).then(
    () => undefined,
    (error) => {
      ready = undefined;
      const url = typeof source === "string" || source instanceof URL ? String(source) : null;
      if (url?.includes("/.vite/deps/")) {
        throw new Error(
          `commerce-rules-wasm: Vite's development server pre-bundled the package into .vite/deps/, away from its ` +
            `WebAssembly module (${error.message}). Add optimizeDeps: { exclude: ["commerce-rules-wasm"] } to ` +
            "vite.config.js (vite build needs nothing).",
          { cause: error },
        );
      }
      throw url
        ? new Error(
            `commerce-rules-wasm: could not load the engine's WebAssembly module from ${url} (${error.message}). ` +
              "Your bundler must emit commerce_rules_wasm_bg.wasm with your script: Vite, webpack, Rollup and Parcel " +
              "follow the package's new URL(..., import.meta.url); esbuild needs --conditions=esbuild --loader:.wasm=file " +
              "(see the package README, Bundlers). Or pass its URL or bytes: init(url).",
            { cause: error },
          )
        : error;
    },
  );
  return ready;
}

/** Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module` (idempotent). */
export function initSync(module) {
  if (module !== undefined && Object.getPrototypeOf(module) === Object.prototype) ({ module } = module);
  loadSync({ module });
  ready ??= Promise.resolve();
}
