// The package in each environment it promises, installed as users install
// it: `npm pack` of bindings-wasm/npm, installed into a copy of these tiny
// projects (one directory each, sharing one node_modules: package.json and
// package-lock.json here), then every project runs the same
// `import init, { Engine } from "commerce-rules-wasm"; await init();` and
// quotes the us-store sample cart: Node ESM and CommonJS, TypeScript with
// nodenext resolution, Vitest, Jest (ESM and CommonJS), and the bundles of
// Vite, webpack and esbuild loaded in Debian's headless Chromium. Each must
// show the Node build's total. Run by scripts/test-wasm.
//
// The copy lives in BUNDLERS_DIR (default target/bundlers); its node_modules
// is kept between runs and reinstalled (npm ci) only when package-lock.json
// changes; npm's cache (NPM_CONFIG_CACHE) serves repeated installs.
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { Engine } from "commerce-rules-wasm";
import { repoRoot } from "../native.mjs";

const here = join(repoRoot, "bindings-wasm/test/bundlers");
const work = process.env.BUNDLERS_DIR ?? join(repoRoot, "target/bundlers");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const rules = JSON.parse(readFileSync(join(repoRoot, "examples/data/us-store.rules.json"), "utf8"));
const request = JSON.parse(readFileSync(join(repoRoot, "examples/data/us-store.quote.json"), "utf8"));
const expected = new Engine(rules).quote(request).totals.grand_total;
const env = { ...process.env, EXPECTED_TOTAL: expected, NO_COLOR: "1", CI: "true" };

/** Runs a command in the work copy; fails with its output when it fails. */
function run(cmd, args, cwd = work) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 300_000 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${output || r.error}`);
  return output;
}
const bin = (name) => join(work, "node_modules/.bin", name);
const timed = (what, f) => {
  const t = Date.now();
  const result = f();
  console.log(`bundlers: ${what} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return result;
};

before(() => {
  mkdirSync(work, { recursive: true });
  for (const entry of readdirSync(work)) {
    if (entry !== "node_modules") rmSync(join(work, entry), { recursive: true, force: true });
  }
  cpSync(here, work, { recursive: true, filter: (src) => !src.endsWith("bundlers.test.mjs") });
  writeFileSync(join(work, "cart.json"), JSON.stringify({ rules, request }));
  // The tools, once per change of the lock file.
  const lock = createHash("sha256").update(readFileSync(join(here, "package-lock.json"))).digest("hex");
  const stamp = join(work, "node_modules/.lock-sha256");
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== lock) {
    timed("npm ci (the bundlers and test runners)", () =>
      run("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]),
    );
    writeFileSync(stamp, lock);
  }
  // The package as published: npm pack, then installed from the tarball.
  const packed = JSON.parse(
    run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work, join(repoRoot, "bindings-wasm/npm")]),
  );
  timed("npm install of the packed tarball", () =>
    run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--offline", "--loglevel=error", `./${packed[0].filename}`]),
  );
});

const totalLine = (out) => /total=(\S+)/.exec(out)?.[1];

test("Node ES module: import init, { Engine }; await init()", () => {
  assert.equal(totalLine(run("node", ["node-esm/main.mjs"])), expected);
});

test("Node CommonJS: const { init, Engine } = require(...); await init()", () => {
  assert.equal(totalLine(run("node", ["node-cjs/main.cjs"])), expected);
});

test("TypeScript, moduleResolution nodenext: init is callable from ESM and CommonJS", () => {
  run(join(repoRoot, "bindings-wasm/node_modules/.bin/tsc"), ["--noEmit", "-p", "node-esm/tsconfig.json"]);
});

test("Vitest", () => {
  timed("vitest", () => run(bin("vitest"), ["run", "--root", "vitest"]));
});

test("Jest: ES module and CommonJS tests", () => {
  const out = timed("jest", () =>
    run("node", ["--experimental-vm-modules", "--no-warnings", bin("jest"), "--rootDir", "jest", "--ci"]),
  );
  assert.match(out, /Tests:\s+2 passed, 2 total/);
});

// ------------------------------------------------------------ browsers

const builds = {
  vite: () => run(bin("vite"), ["build", "--outDir", "dist", "--emptyOutDir"], join(work, "vite")),
  webpack: () => {
    run(bin("webpack"), ["--config", "webpack.config.cjs"], join(work, "webpack"));
    cpSync(join(work, "webpack/index.html"), join(work, "webpack/dist/index.html"));
  },
  // esbuild does not follow new URL(..., import.meta.url): the "esbuild"
  // condition gives the entry that imports the wasm as a file.
  esbuild: () => {
    run(bin("esbuild"), [
      "main.js", "--bundle", "--format=esm", "--outdir=dist", "--conditions=esbuild", "--loader:.wasm=file", "--log-level=warning",
    ], join(work, "esbuild"));
    cpSync(join(work, "esbuild/index.html"), join(work, "esbuild/dist/index.html"));
  },
};

let server;
let browser;
before(async () => {
  const { chromium } = await import(join(work, "node_modules/playwright-core/index.mjs"));
  const { serve } = await import("../../../examples/web/serve.mjs");
  server = await serve(work);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Loads `url` in Chromium; resolves to what the page shows, failing on any failed request or script error. */
async function showTotal(name, url) {
  const page = await browser.newPage();
  const failed = [];
  page.on("response", (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  page.on("pageerror", (e) => failed.push(`pageerror: ${e.message}`));
  await page.goto(url);
  const done = await page
    .waitForFunction(() => document.body.dataset.total || document.body.dataset.error, null, { timeout: 20_000 })
    .then(() => true, () => false);
  const shown = await page.evaluate(() => ({ ...document.body.dataset }));
  await page.close();
  assert.ok(done, `${name}: the page never showed a total (${failed.join("; ") || "no failed request"})`);
  assert.deepEqual(failed, []);
  assert.equal(shown.error, undefined);
  assert.equal(shown.total, expected);
}

test("vite (development server, the package excluded from pre-bundling): quotes in Chromium", async () => {
  const { createServer } = await import(join(work, "node_modules/vite/dist/node/index.js"));
  const dev = await createServer({ root: join(work, "vite"), configFile: join(work, "vite/vite.config.js"), server: { host: "127.0.0.1", port: 0 } });
  try {
    await dev.listen();
    await showTotal("vite dev", dev.resolvedUrls.local[0]);
  } finally {
    await dev.close();
  }
});

for (const [name, build] of Object.entries(builds)) {
  test(`${name}: the bundle loads the wasm it emitted and quotes in Chromium`, async () => {
    timed(`${name} build`, build);
    const dist = join(work, name, "dist");
    const emitted = readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith(".wasm"));
    assert.equal(emitted.length, 1, `${name} emitted one .wasm: ${emitted.join(", ")}`);
    await showTotal(name, `${server.url}/${name}/dist/index.html`);
  });
}
