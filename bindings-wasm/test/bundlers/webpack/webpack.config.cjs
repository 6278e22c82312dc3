// Nothing package-specific: webpack 5 follows the package's new URL(..., import.meta.url).
const path = require("node:path");
module.exports = {
  mode: "production",
  entry: "./main.js",
  output: { path: path.resolve(__dirname, "dist"), filename: "main.js", module: true },
  experiments: { outputModule: true },
  performance: { hints: false },
};
