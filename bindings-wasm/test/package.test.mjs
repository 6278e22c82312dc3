// What the npm tarball carries: both licenses (the crates are
// `MIT OR Apache-2.0`), copied from the repository root by scripts/build-wasm,
// and the README.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./native.mjs";

const pkgDir = join(repoRoot, "bindings-wasm/npm");

test("the npm tarball carries both licenses and the README", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkgDir, encoding: "utf8" });
  const files = JSON.parse(out)[0].files.map((f) => f.path);
  for (const file of ["LICENSE-MIT", "LICENSE-APACHE", "README.md", "package.json"]) {
    assert.ok(files.includes(file), `${file} is not in the tarball: ${files.join(", ")}`);
  }
  for (const license of ["LICENSE-MIT", "LICENSE-APACHE"]) {
    assert.equal(readFileSync(join(pkgDir, license), "utf8"), readFileSync(join(repoRoot, license), "utf8"), license);
  }
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  assert.ok(!("repository" in manifest), "no repository until the project has a public home");
});

test("every file that package.json exports, main, module or types names is in the tarball", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkgDir, encoding: "utf8" });
  const files = new Set(JSON.parse(out)[0].files.map((f) => f.path));
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const named = [];
  const walk = (v) => (typeof v === "string" ? named.push(v) : Object.values(v).forEach(walk));
  walk(manifest.exports);
  named.push(manifest.main, manifest.module, manifest.types);
  for (const path of named) {
    const file = path.replace(/^\.\//, "");
    assert.ok(files.has(file), `${path} is named by package.json but not in the tarball`);
  }
});
