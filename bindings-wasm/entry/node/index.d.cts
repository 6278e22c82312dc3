// Node, CommonJS: the same API as the browser entry (init resolves at once).
export * from "./commerce_rules_wasm.js";

/** Nothing to load under Node: resolves at once. Present so that code shared with browsers runs unchanged. */
export declare function init(input?: unknown): Promise<void>;
export default init;
/** Nothing to load under Node. */
export declare function initSync(module?: unknown): void;
