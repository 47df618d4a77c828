// Runs `tsdb` (dist/bin/tsdb.js) on a fixture with commands piped on stdin,
// as test_pdb's doctests feed pdb; TSDB_ECHO=1 echoes each command after the
// prompt so that the output reads as a session transcript.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");
export const tsdb = join(root, "dist/bin/tsdb.js");
export const fixtures = join(root, "test/fixtures/debugger");

/**
 * Runs `tsdb script args...` in `cwd` (default: the fixtures) with `commands`
 * (lines) on stdin. Returns { out, err, status }; `out` has the fixtures'
 * directory replaced by `$DIR` and the repository root by `$ROOT`.
 */
export function session(script, commands, { args = [], cwd = fixtures, env = {}, echo = true } = {}) {
  const r = spawnSync(process.execPath, [tsdb, script, ...args], {
    cwd,
    input: commands.map((c) => c + "\n").join(""),
    env: { ...withoutColor(process.env), NO_COLOR: "1", TSDB_ECHO: echo ? "1" : "0", ...env },
    encoding: "utf8",
    timeout: 30000,
  });
  const clean = (s) => (s ?? "").split(fixtures).join("$DIR").split(root).join("$ROOT");
  return { out: clean(r.stdout), err: clean(r.stderr), status: r.status };
}

/** The lines of a transcript written as an indented template literal. */
export function transcript(text) {
  const lines = text.replace(/^\n/, "").replace(/\n\s*$/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  return lines.map((l) => l.slice(indent)).join("\n") + "\n";
}

function withoutColor(env) {
  const copy = { ...env };
  delete copy.FORCE_COLOR;
  return copy;
}
