// TypeScript, nodenext, CommonJS: `import init, { Engine }` compiles to
// require(...).default, which the CommonJS entry provides.
import init, { Engine, type RuleSet, type QuoteRequest } from "commerce-rules-wasm";

export async function total(rules: RuleSet, request: QuoteRequest): Promise<string> {
  await init();
  return new Engine(rules).quote(request).totals.grand_total;
}
