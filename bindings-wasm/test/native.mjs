// Helpers shared by the Node tests: the repository layout, the golden
// scenarios and the native CLI the WASM build is compared with.
import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every golden scenario file under core/tests/scenarios, sorted. */
export function scenarioFiles(dir = join(repoRoot, "core/tests/scenarios")) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...scenarioFiles(path));
    else if (entry.name.endsWith(".json")) out.push(path);
  }
  return out;
}

/** The native CLI: $COMMERCE_RULES_CLI, else the debug build (built if missing). */
export function nativeCli() {
  if (process.env.COMMERCE_RULES_CLI) return process.env.COMMERCE_RULES_CLI;
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(repoRoot, "target");
  const bin = join(targetDir, "debug", "commerce-rules");
  if (!existsSync(bin)) {
    execFileSync("cargo", ["build", "--quiet", "--locked", "-p", "commerce-rules-cli"], { cwd: repoRoot, stdio: "inherit" });
  }
  return bin;
}

let scratch;
/**
 * Runs `commerce-rules QUESTION --rules R --request Q` on the given texts
 * (or on existing files, given as `{ file }`) and returns status, stdout and stderr.
 */
export function runNative(question, rules, request) {
  scratch ??= mkdtempSync(join(tmpdir(), "commerce-rules-wasm-"));
  const asFile = (what, value) => {
    if (typeof value === "object" && value.file) return value.file;
    const path = join(scratch, `${what}.json`);
    writeFileSync(path, value);
    return path;
  };
  const args = [question, "--rules", asFile("rules", rules), "--request", asFile("request", request)];
  const r = spawnSync(nativeCli(), args, { encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

process.on("exit", () => scratch && rmSync(scratch, { recursive: true, force: true }));

/**
 * The lines the CLI prints for an error: `error: WHAT: TEXT (CODE)` and then
 * one `  PATH: MESSAGE (CODE)` line per problem.
 */
export function parseNativeError(stderr) {
  const [first, ...rest] = stderr.trimEnd().split("\n");
  const code = /\(([a-z_]+)\)$/.exec(first)?.[1];
  return { code, problemLines: rest.map((l) => l.replace(/^ {2}/, "")) };
}

/** A problem as the CLI displays it. */
export function problemLine(p) {
  return p.path ? `${p.path}: ${p.message} (${p.code})` : `${p.message} (${p.code})`;
}
