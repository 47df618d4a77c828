#!/usr/bin/env node
// Real programs, whole processes: what users pay beyond fib and a loop.
//
//   node bench/programs.mjs [--rounds=N] [--only=a,b] [--big] [--out=FILE]
//
// Each case runs plain and through tsdb in fresh processes, alternated, once
// per round; a ratio is taken within a round and the table shows the median
// over rounds and their range. CPU time (user + system) and peak RSS come from
// /usr/bin/time; wall time where a person waits (the debugger's first
// prompt). The register cache is warmed before the rounds (a warm load is what
// a user gets from the second run on), except in the cold rows, which start each run with an
// empty cache. `--big` adds instrumenting typescript.js
// beside babel-plugin-istanbul (time and peak RSS) and a cold `tsc --version`
// through the hook (an empty cache each time): minutes per round.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measure as measureIn } from "./measure.mjs";
import { fmtRatio, median, table } from "./stats.mjs";

/** `measure` from the repository root unless told otherwise. */
const measure = (command, argv, options = {}) => measureIn(command, argv, { cwd: root, ...options });

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const programs = join(here, "workloads", "programs");
const work = join(here, ".work", `programs-${process.pid}`);
const cacheDir = join(work, "cache");

const args = process.argv.slice(2);
const opt = (name) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const rounds = Number(opt("rounds")[0] ?? 5);
const only = opt("only").flatMap((s) => s.split(","));
const big = args.includes("--big");
const outFile = opt("out")[0] ?? join(here, ".work", "programs.md");

const register = join(root, "dist", "register.mjs");
const registerCJS = join(root, "dist", "register", "index.js");
/** An empty module for `--import` (the import-floor row). */
const emptyModule = join(work, "empty.mjs");
// tsdb never instruments its own dependencies: TypeScript is copied into a project of its own.
const project = join(work, "project");
const tscBin = join(project, "node_modules", "typescript", "bin", "tsc");
const tscLib = "node_modules/typescript/lib/_tsc.js";
const env = (include) => ({ ...process.env, TSDB_CACHE_DIR: cacheDir, TSDB_INCLUDE: include });

const node = process.execPath;
const coldManyCache = join(work, "cold-many-cache");
/**
 * Cases: `plain` and `tsdb` each return a number (smaller is better unless `higher`), `unit` how to show it.
 * A ratio row shows tsdb / plain; `target` is the issue's.
 */
const CASES = [
  {
    id: "tsc-version",
    label: "`tsc --version`, _tsc.js (6.2 MB) through tsdb/register, CPU",
    target: 2.0,
    plain: () => measure(node, [tscBin, "--version"], { cwd: project }).cpu,
    tsdb: () => measure(node, ["--import", register, tscBin, "--version"], { cwd: project, env: env(tscLib) }).cpu,
  },
  {
    id: "tsc-version-require",
    label: "the same through `--require tsdb/register` (Node runs a CommonJS main without its ES module loader), CPU",
    target: 2.0,
    plain: () => measure(node, [tscBin, "--version"], { cwd: project }).cpu,
    tsdb: () => measure(node, ["--require", registerCJS, tscBin, "--version"], { cwd: project, env: env(tscLib) }).cpu,
  },
  {
    id: "import-floor",
    label: "for reference, not tsdb: `node --import <an empty module>` on the same `tsc --version`, CPU",
    target: null,
    plain: () => measure(node, [tscBin, "--version"], { cwd: project }).cpu,
    tsdb: () => measure(node, ["--import", emptyModule, tscBin, "--version"], { cwd: project }).cpu,
  },
  {
    id: "tsc-p",
    label: "`tsc -p` on a small project through tsdb/register, CPU",
    target: 1.5,
    plain: () => measure(node, [tscBin, "-p", join(programs, "tsc-project")], { cwd: project }).cpu,
    tsdb: () => measure(node, ["--import", register, tscBin, "-p", join(programs, "tsc-project")], { cwd: project, env: env(tscLib) }).cpu,
  },
  {
    id: "throws",
    label: "20,000 throws through 20 instrumented frames, no trace function, CPU of the loop",
    target: 2.0,
    plain: () => Number(measure(node, [join(programs, "throws.cjs")]).stdout),
    tsdb: () =>
      Number(measure(node, ["--import", register, join(programs, "throws.cjs")], { env: env("bench/workloads/programs/**") }).stdout),
  },
  {
    id: "depth",
    label: "stack headroom: deepest recursion, instrumented / plain",
    target: 0.7,
    higher: true,
    plain: () => Number(measure(node, [join(programs, "depth.cjs")]).stdout),
    tsdb: () =>
      Number(measure(node, ["--import", register, join(programs, "depth.cjs")], { env: env("bench/workloads/programs/**") }).stdout),
  },
  {
    id: "first-prompt",
    label: "`tsdb` to its first prompt and `q`, small TS program (wall) vs `python3 -m pdb`",
    target: null,
    plain: () => measure("python3", ["-m", "pdb", join(programs, "hello.py")], { input: "q\n" }).wall,
    tsdb: () => measure(node, [join(root, "dist", "bin", "tsdb.js"), join(programs, "hello.ts")], { input: "q\n", env: env("") }).wall,
    absolute: true,
  },
  {
    id: "cold-many",
    label: 'cold start of 87 files (`require("@babel/types")`, 450 KB) through tsdb/register, empty cache, wall',
    target: null,
    cold: true,
    absolute: true,
    plain: () => measure(node, ["-e", 'require("@babel/types")'], { cwd: project }).wall,
    tsdb: () => {
      rmSync(coldManyCache, { recursive: true, force: true });
      return measure(node, ["--import", register, "-e", 'require("@babel/types")'], {
        cwd: project,
        env: { ...env("node_modules/@babel/types/**"), TSDB_CACHE_DIR: coldManyCache },
      }).wall;
    },
  },
];
if (big) {
  const ts = join(root, "node_modules", "typescript", "lib", "typescript.js");
  const script = (body) => ["-e", body];
  // istanbul leaves files under node_modules alone unless told otherwise (it would only parse and print).
  CASES.push({
    id: "instrument-big",
    label: "instrumenting typescript.js (9 MB): tsdb / babel-plugin-istanbul, CPU",
    target: 0.5,
    rss: { label: "instrumenting typescript.js: peak RSS, tsdb / istanbul", target: 1500 },
    plain: () =>
      measure(
        node,
        script(
          `const b=require("@babel/core");b.transformSync(require("fs").readFileSync(${JSON.stringify(ts)},"utf8"),{filename:${JSON.stringify(ts)},babelrc:false,configFile:false,plugins:[["istanbul",{include:["**"],exclude:[],excludeNodeModules:false}]]});`,
        ),
      ),
    tsdb: () =>
      measure(
        node,
        script(
          `require(${JSON.stringify(join(root, "dist", "compiler", "index.js"))}).instrument(require("fs").readFileSync(${JSON.stringify(ts)},"utf8"),{filename:${JSON.stringify(ts)},sourceMaps:"none"});`,
        ),
      ),
  });
  const coldCache = join(work, "cold-cache");
  CASES.push({
    id: "tsc-cold",
    label: "`tsc --version` through tsdb/register with an empty cache (cold), CPU",
    target: null,
    rss: { label: "cold `tsc --version`: peak RSS (MB), plain / tsdb", target: null },
    plain: () => measure(node, [tscBin, "--version"], { cwd: project }),
    tsdb: () => {
      rmSync(coldCache, { recursive: true, force: true });
      return measure(node, ["--import", register, tscBin, "--version"], {
        cwd: project,
        env: { ...env(tscLib), TSDB_CACHE_DIR: coldCache },
      });
    },
  });
}

const selected = only.length ? CASES.filter((c) => only.some((p) => c.id.includes(p))) : CASES;
if (!existsSync(register)) throw new Error("dist/ is missing: run `node build.mjs` first");
rmSync(work, { recursive: true, force: true });
mkdirSync(cacheDir, { recursive: true });
cpSync(join(root, "node_modules", "typescript"), join(project, "node_modules", "typescript"), { recursive: true });
// A program of many files (the cold row): @babel/types and what it requires.
for (const name of ["types", "helper-string-parser", "helper-validator-identifier"])
  cpSync(join(root, "node_modules", "@babel", name), join(project, "node_modules", "@babel", name), { recursive: true });
writeFileSync(join(project, "package.json"), '{ "name": "bench-project", "private": true }\n');
writeFileSync(emptyModule, "");

// Warm the cache: the rows measure a warm load.
for (const c of selected) if (!c.rss && !c.cold) c.tsdb();

// A case returns a number, or a measurement (CPU seconds, with its peak RSS for an `rss` row).
const value = (m) => (typeof m === "number" ? m : m.cpu);
const results = new Map(selected.map((c) => [c.id, { plain: [], tsdb: [], ratio: [], rssPlain: [], rssTsdb: [] }]));
for (let round = 0; round < rounds; round++) {
  for (const c of selected) {
    const r = results.get(c.id);
    const p = c.plain();
    const t = c.tsdb();
    r.plain.push(value(p));
    r.tsdb.push(value(t));
    r.ratio.push(value(t) / value(p));
    if (c.rss) {
      r.rssPlain.push(p.rss);
      r.rssTsdb.push(t.rss);
    }
  }
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}

function dirSize(dir, ext = "") {
  let size = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name.endsWith(ext)) size += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
  return size;
}

// throws reports ms itself; depth is a count; the rest are seconds.
const fmt = (c, v) =>
  c.absolute ? `${v.toFixed(2)} s` : c.id === "depth" ? String(Math.round(v)) : `${(c.id === "throws" ? v : v * 1000).toFixed(0)} ms`;
const rows = selected.map((c) => {
  const r = results.get(c.id);
  const ratio = median(r.ratio);
  const ok = c.target === null ? "" : c.higher ? ratio >= c.target : ratio <= c.target;
  return [
    c.label,
    fmt(c, median(r.plain)),
    fmt(c, median(r.tsdb)),
    fmtRatio(r.ratio),
    c.target === null ? "" : `${c.higher ? "≥" : "≤"} ${c.target}× ${ok ? "ok" : "MISSED"}`,
  ];
});
for (const c of selected.filter((c) => c.rss)) {
  const r = results.get(c.id);
  const [p, t] = [median(r.rssPlain), median(r.rssTsdb)];
  const target = c.rss.target === null ? "" : `≤ ${c.rss.target} MB ${t <= c.rss.target ? "ok" : "MISSED"}`;
  rows.push([c.rss.label, `${p.toFixed(0)} MB`, `${t.toFixed(0)} MB`, fmtRatio(r.rssTsdb.map((x, i) => x / r.rssPlain[i])), target]);
}
if (selected.some((c) => c.id === "tsc-version")) {
  const input = statSync(join(project, tscLib)).size;
  const entries = dirSize(cacheDir);
  const maps = dirSize(cacheDir, ".map");
  const codeCaches = dirSize(cacheDir, ".v8");
  const tables = dirSize(cacheDir, ".tables");
  const part = (bytes) => `${(bytes / input).toFixed(2)}×`;
  rows.push([
    `register cache: entries / input (_tsc.js; the small workloads add little): code ${part(entries - maps - codeCaches - tables)}, map beside it ${part(maps)}, V8's code cache ${part(codeCaches)}, scope tables ${part(tables)}`,
    `${(input / 1e6).toFixed(1)} MB`,
    `${(entries / 1e6).toFixed(1)} MB`,
    fmtRatio([entries / input]),
    "≤ 3× " + (entries / input <= 3 ? "ok" : "MISSED"),
  ]);
}
const md = [
  `# Real programs (bench/programs.mjs), ${rounds} rounds, ${new Date().toISOString().slice(0, 10)}`,
  "",
  table(["case", "plain (pdb for the prompt row)", "tsdb", "ratio, median [range]", "target"], rows),
  "",
].join("\n");
writeFileSync(outFile, md);
process.stdout.write(md);
rmSync(work, { recursive: true, force: true });
