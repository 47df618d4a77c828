#!/usr/bin/env node
// Real libraries' own test suites, CPU: plain against through tsdb/register with no trace
// function (what a user who leaves the hook on pays), warm cache.
//
//   node bench/suites.mjs <dir> [--rounds=N] [--only=a,b] [--out=FILE]
//
// `<dir>/<name>` holds each library's checkout (`repo` at `commit` below, as measured in
// bench/FINDINGS.md) with its dev dependencies installed by `npm install --ignore-scripts`; the bench
// uses no network. marked: its devDependencies cut to esbuild, esbuild-plugin-umd-wrapper and
// @markedjs/testutils, with `"overrides": { "marked-repo": "npm:marked@9.0.3" }` (testutils pulls a
// GitHub tarball otherwise; the unit tests use only its HTML comparison). Every node process of a run gets the
// hook through NODE_OPTIONS, as a user's `NODE_OPTIONS=--import tsdb/register npm test` does (test
// runners that start a process per file are covered); TSDB_INCLUDE names the library's own files
// and its tests. Plain, a module hook that does nothing (workloads/noop-hook.mjs: Node's own price
// for any loader, which no loader goes below) and tsdb runs alternate, one of each per round; the
// ratios are taken within a round (CPU: user + system of the whole process tree, from
// /usr/bin/time) and the table shows their median over rounds and the range. A run whose exit
// status or test summary differs from plain's is reported as a failure, not timed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measure } from "./measure.mjs";
import { fmtRatio, median, table } from "./stats.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const register = join(root, "dist", "register.mjs");
const noopHook = join(here, "workloads", "noop-hook.mjs");

/**
 * The suites issue 12 measures; `summary` finds the line that counts the tests in the output (its
 * last match). Test runners' time limits are raised so that slowness is measured, not failed.
 */
const SUITES = [
  {
    name: "js-yaml",
    repo: "nodeca/js-yaml",
    commit: "74a0199",
    command: ["node_modules/.bin/mocha"],
    include: ["index.js", "lib/**", "test/**"],
    summary: /\d+ passing/,
  },
  {
    name: "chai",
    repo: "chaijs/chai",
    commit: "099f48a",
    setup: ["npm", "run", "build"],
    command: ["node_modules/.bin/mocha", "--require", "./test/bootstrap/index.js", "test/*.js"],
    include: ["index.js", "lib/**", "test/**"],
    summary: /\d+ passing/,
  },
  {
    name: "node-semver",
    repo: "npm/node-semver",
    commit: "6e05b76",
    command: ["node_modules/.bin/tap", "--no-coverage", "--reporter=terse", "-j1", "--timeout=600"],
    include: ["index.js", "classes/**", "functions/**", "internal/**", "ranges/**", "test/**"],
    summary: /Asserts:\D*\d+ passed/,
  },
  {
    name: "qs",
    repo: "ljharb/qs",
    commit: "3a890d4",
    command: ["node_modules/.bin/tape", "test/**/*.js"],
    include: ["lib/**", "test/**"],
    summary: /# pass\s+\d+/,
  },
  {
    name: "marked",
    repo: "markedjs/marked",
    commit: "681373cc",
    setup: ["node", "esbuild.config.js"], // builds lib/marked.esm.js, which the tests import
    command: (cwd) => ["--test", ...testFiles(join(cwd, "test/unit"), ".test.js")], // Node 20's --test takes no globs
    include: ["lib/**", "bin/**", "test/**"],
    summary: /# pass \d+/,
  },
];

/** The files of `folder` whose names end with `suffix`, as paths from the checkout. */
function testFiles(folder, suffix) {
  return readdirSync(folder)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(folder, name));
}

const args = process.argv.slice(2);
const opt = (name) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const dir = args.find((a) => !a.startsWith("--"));
if (!dir) {
  console.error("usage: node bench/suites.mjs <dir holding the libraries' checkouts> [--rounds=N] [--only=a,b] [--out=FILE]");
  process.exit(2);
}
const rounds = Number(opt("rounds")[0] ?? 5);
const only = opt("only").flatMap((s) => s.split(","));
const work = join(here, ".work", `suites-${process.pid}`);
const outFile = opt("out")[0] ?? join(here, ".work", "suites.md");
const suites = SUITES.filter((s) => only.length === 0 || only.includes(s.name));

/** `how`: "plain", "noop" (a module hook that does nothing) or "tsdb" (tsdb/register). */
function runSuite(suite, how) {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", TSDB_CACHE_DIR: join(work, "cache") };
  delete env.NODE_OPTIONS;
  if (how === "noop") env.NODE_OPTIONS = `--import ${noopHook}`;
  if (how === "tsdb") Object.assign(env, { NODE_OPTIONS: `--import ${register}`, TSDB_INCLUDE: suite.include.join(",") });
  const cwd = join(resolve(dir), suite.name);
  const command = typeof suite.command === "function" ? suite.command(cwd) : suite.command;
  const r = measure(process.execPath, command, { cwd, env, status: true });
  const summary = [...r.output.matchAll(new RegExp(suite.summary, "g"))].at(-1)?.[0].replace(/\u200b/g, "") ?? null;
  return { cpu: r.cpu, status: r.status, summary };
}

mkdirSync(work, { recursive: true });
const rows = [];
try {
  for (const suite of suites) {
    if (suite.setup) spawnSync(suite.setup[0], suite.setup.slice(1), { cwd: join(resolve(dir), suite.name), stdio: "ignore" });
    const reference = runSuite(suite, "plain");
    const warm = runSuite(suite, "tsdb"); // fills the cache
    let failure = null;
    if (reference.status !== 0 || reference.summary === null)
      failure = `the plain run fails (exit ${reference.status}, ${reference.summary})`;
    else if (warm.status !== reference.status || warm.summary !== reference.summary)
      failure = `plain: exit ${reference.status}, ${reference.summary}; tsdb: exit ${warm.status}, ${warm.summary}`;
    const ratios = [];
    const floor = [];
    const plain = [];
    for (let i = 0; i < rounds && failure === null; i++) {
      const p = runSuite(suite, "plain");
      const n = runSuite(suite, "noop");
      const t = runSuite(suite, "tsdb");
      plain.push(p.cpu);
      floor.push(n.cpu / p.cpu);
      ratios.push(t.cpu / p.cpu);
    }
    const row = [
      suite.name,
      reference.summary ?? "?",
      failure ?? `${median(plain).toFixed(2)} s`,
      failure ? "—" : fmtRatio(floor),
      failure ? "—" : fmtRatio(ratios),
    ];
    rows.push(row);
    console.error(row.join(" | "));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const text = [
  `${new Date().toISOString()} · node ${process.version} · ${rounds} round(s), CPU (user + system, whole process tree), median [min–max] of per-round ratios`,
  "",
  table(
    ["suite", "tests (plain)", "plain CPU (median)", "a module hook doing nothing", "tsdb/register, no trace function (target ≤ 1.30×)"],
    rows,
  ),
  "",
].join("\n");
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, text);
process.stdout.write(text);
