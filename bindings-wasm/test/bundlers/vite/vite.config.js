// Vite follows the package's new URL(..., import.meta.url) in `vite build`
// with nothing to configure. Its development server pre-bundles
// dependencies into node_modules/.vite/deps/, away from the package's wasm:
// `optimizeDeps.exclude` serves the package as it is. (base "./": the test
// serves the build from a subdirectory.)
export default {
  base: "./",
  logLevel: "warn",
  build: { target: "es2022" },
  optimizeDeps: { exclude: ["commerce-rules-wasm"] },
};
