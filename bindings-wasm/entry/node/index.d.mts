// Node, ES module: the same API as the browser entry (init resolves at once).
export * from "../web/index.js";
export { default } from "../web/index.js";
