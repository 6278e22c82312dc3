// The package's API, the same from every entry (browser, bundler, esbuild,
// Node ESM and CommonJS): `init()` loads the WebAssembly module where that is
// needed and does nothing where it is loaded already (Node).
export * from "./commerce_rules_wasm.js";
import type { InitInput, SyncInitInput } from "./commerce_rules_wasm.js";

/**
 * Loads the engine's WebAssembly module, once: later calls answer the same
 * promise. In browsers and bundles it downloads `commerce_rules_wasm_bg.wasm`
 * next to the script (or from `input`: a URL, a `Response`, bytes or a
 * compiled `WebAssembly.Module`); under Node the module is already loaded and
 * it resolves at once. Await it before the first `new Engine(...)`.
 */
export declare function init(input?: InitInput | Promise<InitInput>): Promise<void>;
export default init;

/** Instantiates the module synchronously from its bytes or a compiled module (idempotent; nothing to do under Node). */
export declare function initSync(module?: { module: SyncInitInput } | SyncInitInput): void;
