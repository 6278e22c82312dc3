// TypeScript, module/moduleResolution nodenext, ES module: init is callable
// (no TS2349) and the types are the package's.
import init, { Engine, type QuoteAnswer, type RuleSet, type QuoteRequest } from "commerce-rules-wasm";

export async function total(rules: RuleSet, request: QuoteRequest): Promise<string> {
  await init();
  const answer: QuoteAnswer = new Engine(rules).quote(request);
  return answer.totals.grand_total;
}
