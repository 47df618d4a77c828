// `node conformance/make-sample.mjs <test262 checkout> [--count=300]`: vendors
// the fixed sample of test262 that CI runs (test/test262-sample.test.mjs) into
// test/fixtures/test262: tests chosen deterministically across the
// directories of test/language (round robin over `test/language/<a>/<b>`, in
// the order of a hash of each path), kept only when they pass in every mode
// today, with the _FIXTURE files they import, the harness files they include
// and test262's LICENSE. The candidates that fail are printed for FINDINGS.md.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runTests } from "./test262/pool.mjs";
import { listTests, loadTest } from "./test262/tests.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { count: { type: "string", default: "300" } } });
const root = resolve(positionals[0] ?? "");
const count = Number(values.count);
const target = resolve("test/fixtures/test262");

// Candidates: round robin over directories, each in hash order.
const groups = new Map();
for (const file of listTests(root)) {
  if (loadTest(root, file).skip) continue;
  const group = dirname(file).split("/").slice(0, 4).join("/");
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group).push(file);
}
const hash = (s) => createHash("sha1").update(s).digest("hex");
const queues = [...groups.keys()].sort().map((g) => groups.get(g).sort((a, b) => (hash(a) < hash(b) ? -1 : 1)));
const candidates = [];
for (let i = 0; candidates.length < Math.ceil(count * 1.25) && queues.some((q) => i < q.length); i++) {
  for (const q of queues) if (i < q.length && candidates.length < Math.ceil(count * 1.25)) candidates.push(q[i]);
}

const { runs } = await runTests({ root, files: candidates, timeout: 20000 });
const failing = new Map();
for (const { file, run, results } of runs) {
  for (const [mode, result] of Object.entries(results)) {
    if (result.status !== "pass") failing.set(file, `${file} [${run}] ${mode}: ${result.status} ${result.message ?? ""}`);
  }
}
const chosen = candidates.filter((f) => !failing.has(f)).slice(0, count);

// The files a test needs besides itself: what it imports relatively (transitively).
function dependencies(file, seen = new Set()) {
  const source = readFileSync(join(root, file), "utf8");
  for (const m of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]|['"]([^'"\s]*_FIXTURE[^'"\s]*)['"]/g)) {
    const spec = m[1] ?? m[2];
    const dep = relative(root, resolve(dirname(join(root, file)), spec));
    if (seen.has(dep) || !existsSync(join(root, dep))) continue;
    seen.add(dep);
    dependencies(dep, seen);
  }
  return seen;
}

rmSync(target, { recursive: true, force: true });
const files = new Set(["LICENSE", "harness/assert.js", "harness/sta.js", "harness/doneprintHandle.js"]);
for (const file of chosen) {
  files.add(file);
  for (const dep of dependencies(file)) files.add(dep);
  for (const include of loadTest(root, file).meta.includes) files.add(`harness/${include}`);
}
for (const file of files) {
  mkdirSync(dirname(join(target, file)), { recursive: true });
  copyFileSync(join(root, file), join(target, file));
}
writeFileSync(
  join(target, "SAMPLE.md"),
  `A fixed sample of tc39/test262 (${chosen.length} tests of test/language, ${files.size} files with the harness and fixtures),\n` +
    `made by conformance/make-sample.mjs; test262 is under the BSD license in LICENSE.\n`,
);
process.stdout.write(`${chosen.length} tests vendored into ${relative(process.cwd(), target)} (${files.size} files)\n`);
process.stdout.write(`${failing.size} candidates left out because they fail in some mode:\n${[...failing.values()].join("\n")}\n`);
