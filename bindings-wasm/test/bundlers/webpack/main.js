// The browser: the one import and the one initialisation of every environment.
import init, { Engine } from "commerce-rules-wasm";
import cart from "../cart.json";

try {
  await init();
  document.body.dataset.total = new Engine(cart.rules).quote(cart.request).totals.grand_total;
} catch (error) {
  document.body.dataset.error = String(error?.message ?? error);
}
