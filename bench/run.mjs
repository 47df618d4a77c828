#!/usr/bin/env node
// tsdb's benchmark suite (SPEC §6; the Performance sections of issues 2, 3, 4).
//
//   node bench/run.mjs [--quick] [--only=a,b] [--rounds=N] [--no-python] [--node-arg=X]... [--out=FILE]
//
// Every measurement runs in a fresh child process (node for JavaScript,
// python3 for Python), so the JIT state of one case does not leak into
// another. A child warms up with a small input, then times several calls and
// reports the best (process CPU time: on a shared machine, wall time also
// counts waiting for a core). After one untimed warm-up run of each, cases are
// run round-robin, each round once through every case, each case right next to
// a fresh run of its baseline (plain code; istanbul for the instrument row); a
// ratio is taken within that pair and the table shows the median over rounds,
// their range, and the best run of the case over the best of its baseline.
// Absolute times mean little on a shared machine; the ratios are what is
// compared. Python runs the same programs (bench/workloads/*.py) with a
// smaller n; its ratios are against its own plain run. Where the time goes:
// bench/FINDINGS.md.
//
// --only=PATTERNS  comma-separated substrings of row ids (fib-detached, loop-bdb-same,
//                  bdb, instrument, ...); the plain baselines they need are added.
// --quick          one round, smaller inputs (a smoke run; does not write bench/results.md)
// --wall           compare wall-clock times instead of process CPU times (user + system)
// --node-arg=X     pass X to every JavaScript child (e.g. --node-arg=--cpu-prof)
// --attach         instrumented cases run with tsdb/register's attach support installed (the doorbell
//                  for `tsdb -p PID`, here on a thread of its own as under --require: a program started
//                  with --import tsdb/register has it on the module hooks thread), timed once it listens;
//                  bench/instructions.mjs counts the same cases in instructions, and the start apart
// --keep           keep bench/.work/run-<pid>/ (the dist snapshot and instrumented copies) for inspection
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fmtMs, fmtRate, fmtRatio, median, table } from "./stats.mjs";
import { prepare } from "./prepare.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const workRoot = join(here, ".work");
// This run's own directory: a test running the bench while a full run is going must not touch its files.
const workDir = join(workRoot, `run-${process.pid}`);
const workloadsDir = join(here, "workloads");

// ------------------------------------------------------------------ options

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const quick = flag("quick");
const only = opt("only")
  .flatMap((s) => s.split(","))
  .filter(Boolean);
const noPython = flag("no-python");
const useWall = flag("wall");
const nodeArgs = opt("node-arg");
const attachSupport = flag("attach");
// 9 by default: on a shared machine a process can land in a slow mode for allocation-heavy code
// and stay there (bench/FINDINGS.md §7); the median of 9 rounds is not moved by a few of them.
const rounds = Number(opt("rounds")[0] ?? (quick ? 1 : 9));
const outFile = opt("out")[0] ?? (quick || only.length ? join(workRoot, "results-partial.md") : join(here, "results.md"));

// Sizes. Python runs the same programs with a smaller n (its ratios are
// against its own plain run at that n; the ratios hardly depend on n).
// `warm`: calls with a small input before the timed ones (see child.cjs).
const P = quick
  ? {
      js: {
        fib: { n: 25, iters: 5, warm: { n: 15, iters: 10 } },
        loop: { n: 1e7, iters: 3, warm: { n: 1e4, iters: 10 } },
        acorn: { n: 1, iters: 2, warm: { n: 0, iters: 2 } },
      },
      jsEvents: { fib: { n: 20, iters: 2, warm: { n: 10, iters: 5 } }, loop: { n: 1e5, iters: 2, warm: { n: 1e3, iters: 5 } } },
      py: { fib: { n: 20, iters: 3, warm: { n: 10, iters: 2 } }, loop: { n: 1e5, iters: 3, warm: { n: 1e3, iters: 2 } } },
      parseFile: "node_modules/lodash/lodash.js",
      instrumentFile: "node_modules/acorn/dist/acorn.js",
      instrumentIters: 1,
      registerFile: "node_modules/acorn/dist/acorn.js",
    }
  : {
      js: {
        fib: { n: 30, iters: 10, warm: { n: 20, iters: 30 } },
        loop: { n: 1e8, iters: 6, warm: { n: 1e5, iters: 30 } },
        acorn: { n: 1, iters: 3, warm: { n: 0, iters: 5 } },
      },
      jsEvents: { fib: { n: 27, iters: 3, warm: { n: 15, iters: 20 } }, loop: { n: 3e6, iters: 3, warm: { n: 1e4, iters: 20 } } },
      py: { fib: { n: 25, iters: 5, warm: { n: 15, iters: 3 } }, loop: { n: 1e6, iters: 5, warm: { n: 1e4, iters: 3 } } },
      parseFile: "node_modules/typescript/lib/typescript.js",
      instrumentFile: "node_modules/lodash/lodash.js",
      instrumentIters: 2,
      registerFile: "node_modules/lodash/lodash.js",
    };

// ------------------------------------------------------------------- cases

/**
 * Rows of the table. kind "ratio": time / plain time, pass when ≤ target;
 * "events": events per second (events counted by a separate counting run),
 * pass when ≥ target; "instrument": tsdb time / istanbul time.
 */
const CASES = [
  {
    id: "detached",
    label: "instrumented, no trace function",
    kind: "ratio",
    mode: "detached",
    targets: { fib: 2.0, loop: 1.1, acorn: 1.3 },
    python: null,
  },
  {
    id: "bdb-other",
    label: "Bdb continuing, breakpoint in another file",
    kind: "ratio",
    mode: "bdb-other",
    targets: { fib: 2.5, loop: 1.1, acorn: 1.5 },
    python: "bdb-other",
  },
  {
    id: "bdb-same",
    label: "Bdb continuing, breakpoint in same file, never hit",
    kind: "ratio",
    mode: "bdb-same",
    targets: { fib: 3.0, loop: 1.5, acorn: 2.0 },
    python: "bdb-same",
  },
  {
    id: "pdblike-other",
    label: "Bdb subclass overriding userCall + userLine (setContinue at each stop), breakpoint in another file",
    kind: "ratio",
    mode: "pdblike-other",
    targets: { fib: 2.5, loop: 1.1 },
    python: null,
  },
  {
    id: "pdblike-same",
    label: "the same subclass, breakpoint in the same file, never hit",
    kind: "ratio",
    mode: "pdblike-same",
    targets: { fib: 3.0, loop: 1.5 },
    python: null,
  },
  {
    id: "tsdb-other",
    label: "`tsdb script` (commands piped: b other file, c)",
    kind: "ratio",
    mode: "tsdb-other",
    targets: { fib: 2.5, loop: 1.1 },
    python: null,
  },
  {
    id: "tsdb-same",
    label: "`tsdb script` (commands piped: b same file never hit, c)",
    kind: "ratio",
    mode: "tsdb-same",
    targets: { fib: 3.0, loop: 1.5 },
    python: null,
  },
  {
    id: "bdb-step",
    label: "every line stops, no-op userLine",
    kind: "events",
    mode: "bdb-step",
    targets: { fib: 50e6, loop: 50e6 },
    python: "bdb-step",
  },
  {
    id: "settrace",
    label: "no-op global + local trace function (settrace)",
    kind: "events",
    mode: "settrace",
    targets: { fib: null, loop: null },
    python: "settrace",
  },
];

const rows = [];
for (const c of CASES)
  for (const w of Object.keys(c.targets)) rows.push({ ...c, workload: w, rowId: `${w}-${c.id}`, target: c.targets[w] });
rows.push({
  id: "instrument",
  rowId: "instrument",
  kind: "instrument",
  label: "instrument() time vs babel-plugin-istanbul",
  workload: P.instrumentFile.split("/").pop(),
  target: 1.0,
});
rows.push({
  id: "register",
  rowId: "register-cache",
  kind: "speedup",
  label: "register: 1st / 2nd (cached) load, hook time",
  workload: P.registerFile.split("/").pop(),
  target: 20,
});

const selected = only.length ? rows.filter((r) => only.some((p) => r.rowId.includes(p))) : rows;
if (selected.length === 0) {
  console.error(`--only=${only.join(",")} matches no case; ids: ${rows.map((r) => r.rowId).join(", ")}`);
  process.exit(2);
}
const python = !noPython && spawnSync("python3", ["--version"]).status === 0;

// --------------------------------------------------------------- the jobs

/** A job is one child process per round; rows share jobs (the plain baselines, the event counts). */
const jobs = new Map();
function job(lang, workload, mode, size, extra = {}) {
  const key = `${lang}:${workload}:${mode}:${size.n}`;
  if (!jobs.has(key))
    jobs.set(key, {
      key,
      lang,
      workload,
      mode,
      n: size.n,
      iters: size.iters,
      warm: mode === "count" ? undefined : size.warm,
      once: mode === "count",
      results: [],
      errors: [],
      ...extra,
    });
  return jobs.get(key);
}

const needs = { workloads: new Set() };
for (const row of selected) {
  if (row.kind === "ratio") {
    // The tsdb command's rows: fib(32), as a user's script would run it (the plain baseline at the same n).
    const size = row.mode.startsWith("tsdb-") && row.workload === "fib" && !quick ? { ...P.js.fib, n: 32, iters: 5 } : P.js[row.workload];
    row.js = job("js", row.workload, row.mode, size);
    row.jsBase = job("js", row.workload, "plain", size);
    needs.workloads.add(row.workload);
    if (row.python && python && row.workload !== "acorn") {
      const ps = P.py[row.workload];
      row.py = job("py", row.workload, row.python, ps);
      row.pyBase = job("py", row.workload, "plain", ps);
    }
  } else if (row.kind === "events") {
    const size = P.jsEvents[row.workload];
    row.js = job("js", row.workload, row.mode, size);
    row.jsCount = job("js", row.workload, "count", { n: size.n, iters: 1 });
    needs.workloads.add(row.workload);
    if (row.python && python) {
      const ps = P.py[row.workload];
      row.py = job("py", row.workload, row.python, ps);
      row.pyCount = job("py", row.workload, "count", { n: ps.n, iters: 1 });
    }
  } else if (row.kind === "instrument") {
    const file = join(root, P.instrumentFile);
    const size = { n: 0, iters: P.instrumentIters };
    row.js = job("js", "instrument", "instrument", size, { tool: "tsdb", file });
    row.jsBase = job("js", "instrument-istanbul", "instrument", size, { tool: "istanbul", file });
  } else if (row.kind === "speedup") {
    row.js = job("js", "register", "register", { n: 0, iters: 1 }, { file: join(root, P.registerFile), rel: P.registerFile });
  }
}

// --------------------------------------------------------------- prepare

const t0 = Date.now();
// The build measured is dist/ as it is now (snapshot below): say which commit, and whether the tree differs from it.
const gitOut = (...a) => spawnSync("git", a, { cwd: root, encoding: "utf8" }).stdout?.trim() ?? "";
const git = `${gitOut("rev-parse", "--short", "HEAD")}${gitOut("status", "--porcelain", "--untracked-files=no", "--", "runtime", "compiler", "index.ts", "build.mjs") ? " + uncommitted changes" : ""}`;
const keep = flag("keep");
process.on("exit", () => {
  if (!keep) rmSync(workDir, { recursive: true, force: true });
});
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
const prep = prepare({ root, workDir, workloadsDir, workloads: [...needs.workloads] });
const common = {
  dist: prep.dist,
  work: workDir,
  workloads: workloadsDir,
  acorn: join(root, "node_modules/acorn/dist/acorn.js"),
  parseFile: join(root, P.parseFile),
  attach: attachSupport,
};
const breakpoints = {
  "bdb-other": () => prep.breakpoints.other,
  "bdb-same": (w) => prep.breakpoints[w],
  "pdblike-other": () => prep.breakpoints.other,
  "pdblike-same": (w) => prep.breakpoints[w],
  "tsdb-other": () => prep.breakpoints.other,
  "tsdb-same": (w) => prep.breakpoints[w],
};
const pyBreakpoints = {
  "bdb-other": () => [join(workloadsDir, "other.py"), lineOf(join(workloadsDir, "other.py"), /return 42/)],
  "bdb-same": (w) => [join(workloadsDir, `${w}.py`), lineOf(join(workloadsDir, `${w}.py`), /return 42/)],
};

function lineOf(file, re) {
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line matching ${re} in ${file}`);
  return i + 1;
}

let cacheCount = 0;
function runJob(j) {
  if (j.mode === "register") return runRegister(j);
  if (j.mode.startsWith("tsdb-")) return runTsdb(j);
  let cmd, argv;
  if (j.lang === "js") {
    const spec = { ...common, workload: j.workload, mode: j.mode, n: j.n, iters: j.iters, warm: j.warm, tool: j.tool, file: j.file };
    if (breakpoints[j.mode]) spec.breakpoint = breakpoints[j.mode](j.workload);
    cmd = process.execPath;
    argv = [...nodeArgs, join(here, "child.cjs"), JSON.stringify(spec)];
  } else {
    const spec = { workloads: workloadsDir, workload: j.workload, mode: j.mode, n: j.n, iters: j.iters, warm: j.warm };
    if (pyBreakpoints[j.mode]) spec.breakpoint = pyBreakpoints[j.mode](j.workload);
    cmd = "python3";
    argv = [join(here, "child.py"), JSON.stringify(spec)];
  }
  const r = spawnSync(cmd, argv, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26, timeout: 15 * 60 * 1000 });
  const last = (r.stdout || "").trim().split("\n").pop() || "";
  let res;
  try {
    res = JSON.parse(last);
  } catch {
    res = {
      error: `exit ${r.status}${r.signal ? " " + r.signal : ""}: ${(r.stderr || r.stdout || "").trim().split("\n").slice(-3).join(" / ")}`,
    };
  }
  if (res.error) {
    j.errors.push(res.error);
    return;
  }
  res.best = Math.min(...(useWall ? res.walls : res.times));
  j.results.push(res);
}

/**
 * The \`tsdb\` command as users run it: \`node dist/bin/tsdb.js tsdb-driver.cjs\` with \`b file:line\` and
 * \`c\` piped, the workload loaded (and instrumented) by tsdb's load hook. The driver times the
 * workload itself (after a warm-up, as child.cjs does) and prints its times on a marked line.
 */
function runTsdb(j) {
  const [file, line] = breakpoints[j.mode](j.workload);
  const cacheDir = join(workDir, `tsdb-cache-${process.pid}-${cacheCount++}`);
  const spec = { workload: j.workload, n: j.n, iters: j.iters, warm: j.warm };
  const r = spawnSync(
    process.execPath,
    [...nodeArgs, join(common.dist, "bin/tsdb.js"), join(workloadsDir, "tsdb-driver.cjs"), JSON.stringify(spec)],
    {
      cwd: root,
      input: `b ${file}:${line}\nc\n`,
      env: { ...process.env, TSDB_CACHE_DIR: cacheDir, NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 15 * 60 * 1000,
    },
  );
  rmSync(cacheDir, { recursive: true, force: true });
  // (after the prompt the piped commands leave on its line)
  const marked = /TSDB-BENCH (.*)/.exec(r.stdout || "")?.[1];
  if (!marked) {
    j.errors.push(`exit ${r.status}: ${(r.stderr || r.stdout || "").trim().split("\n").slice(-3).join(" / ")}`);
    return;
  }
  const res = JSON.parse(marked);
  res.best = Math.min(...(useWall ? res.walls : res.times));
  j.results.push(res);
}

/** The register hook loading the same file twice, with a fresh cache directory: a cold load, then a cached one. */
function runRegister(j) {
  const cacheDir = join(workDir, `cache-${process.pid}-${cacheCount++}`);
  rmSync(cacheDir, { recursive: true, force: true });
  // A copy outside node_modules (tsdb never instruments its own dependencies).
  const file = join(workDir, "register", basename(j.file));
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(j.file, file);
  const spec = { ...common, mode: "register", file };
  const env = { ...process.env, TSDB_CACHE_DIR: cacheDir, TSDB_INCLUDE: relative(root, file) };
  delete env.TSDB_EXCLUDE;
  const loads = [];
  for (const phase of ["cold", "cached"]) {
    const r = spawnSync(process.execPath, [...nodeArgs, join(here, "child.cjs"), JSON.stringify(spec)], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 15 * 60 * 1000,
    });
    let res;
    try {
      res = JSON.parse((r.stdout || "").trim().split("\n").pop());
    } catch {
      res = { error: `exit ${r.status}: ${(r.stderr || "").trim().split("\n").slice(-3).join(" / ")}` };
    }
    if (!res.error && !res.instrumented) res.error = `${phase} load: the hook did not instrument ${j.rel}`;
    if (res.error) {
      j.errors.push(res.error);
      rmSync(cacheDir, { recursive: true, force: true });
      return;
    }
    loads.push(res);
  }
  rmSync(cacheDir, { recursive: true, force: true });
  const [cold, cached] = loads;
  j.hooked = cold.hooked;
  j.results.push({
    best: cold.times[0] / cached.times[0],
    cold: cold.times[0],
    cached: cached.times[0],
    coldRequire: cold.walls[0],
    cachedRequire: cached.walls[0],
  });
}

// Pairs: each case compared with a baseline runs next to a fresh run of that baseline (before it in
// even rounds, after it in odd ones), and its ratio is taken within the pair. Other helpers' work
// on the 2 shared cores puts whole processes in a slow mode (a busy sibling hyperthread: the same
// plain loop takes 52 ms in one process and 100 ms in the next, bench/FINDINGS.md §18); adjacent
// runs share the machine's state far more often than runs a whole round apart.
const bases = new Map();
for (const row of selected) {
  if (row.jsBase) bases.set(row.js, row.jsBase);
  if (row.pyBase) bases.set(row.py, row.pyBase);
}
const baseJobs = new Set(bases.values());
const list = [...jobs.values()];
const cases = list.filter((j) => !baseJobs.has(j));
for (const j of list) j.pairs = [];

function runAndLog(j, round) {
  process.stderr.write(`round ${round + 1}/${rounds}: ${j.key}${j.tool ? " " + j.tool : ""} ...`);
  const before = j.results.length;
  runJob(j);
  const r = j.results.length > before ? j.results[j.results.length - 1] : null;
  process.stderr.write(!r ? " error\n" : r.cold ? ` ${fmtMs(r.cold)} / ${fmtMs(r.cached)}\n` : ` ${fmtMs(r.best)}\n`);
  return r;
}

// Warm-up: one untimed run of each case and baseline (the file cache, the CPU's frequency, the
// dist snapshot's first loads), so that round 1 is measured like the others.
if (!quick)
  for (const j of list) {
    if (j.once || j.mode === "register" || j.mode === "instrument" || j.mode.startsWith("tsdb-")) continue;
    process.stderr.write(`warm-up: ${j.key} ...\n`);
    runJob(j);
    j.results.length = 0;
    j.errors.length = 0;
  }

for (let round = 0; round < rounds; round++) {
  // Alternate the order so that drift in machine load does not favour one side.
  const order = round % 2 ? [...cases].reverse() : cases;
  for (const j of order) {
    if (j.once && (j.results.length || j.errors.length)) continue;
    if (j.errors.length) continue; // a case that cannot run does not get better by retrying
    const base = bases.get(j);
    if (base === undefined || base.errors.length) {
      runAndLog(j, round);
      continue;
    }
    const first = round % 2 ? j : base;
    const a = runAndLog(first, round);
    const b = runAndLog(first === j ? base : j, round);
    const [mine, theirs] = first === j ? [a, b] : [b, a];
    if (mine && theirs) j.pairs.push([mine, theirs]);
  }
}

// ---------------------------------------------------------------- results

/** Ratios case/baseline, one per pair of adjacent runs (see above). */
function ratios(a) {
  return a.pairs.map(([mine, base]) => mine.best / base.best);
}

/** The best run of the case over the best run of its baseline: what an unloaded machine would show. */
function bestRatio(a, b) {
  const best = (j) => Math.min(...j.results.filter(Boolean).map((r) => r.best));
  return best(a) / best(b);
}

function rates(j, count) {
  const events = count.results[0]?.events;
  if (!events) return [];
  return j.results.filter(Boolean).map((r) => events / (r.best / 1000));
}

const err = (...js) => js.filter(Boolean).flatMap((j) => j.errors)[0];
const out = [];
const notes = [];
for (const row of selected) {
  let jsCell, targetCell, pass, pyCell;
  if (row.kind === "ratio") {
    const e = err(row.js, row.jsBase);
    const xs = e ? [] : ratios(row.js);
    jsCell = e ? "error" : `${fmtRatio(xs)}${xs.length > 1 ? ` (best/best ${bestRatio(row.js, row.jsBase).toFixed(2)}×)` : ""}`;
    targetCell = `≤ ${row.target.toFixed(2)}×`;
    pass = e ? "FAIL" : median(xs) <= row.target ? "pass" : "FAIL";
    if (e) notes.push(`${row.rowId}: ${e}`);
    if (row.py) {
      const pe = err(row.py, row.pyBase);
      pyCell = pe ? "error" : fmtRatio(ratios(row.py));
      if (pe) notes.push(`${row.rowId} (Python): ${pe}`);
    } else pyCell = row.id === "detached" ? "1.00× (not instrumented)" : "—";
    const stops = row.js.results.find(Boolean)?.stops;
    if (stops !== undefined && stops !== 1) notes.push(`${row.rowId}: expected 1 stop per run, saw ${stops}`);
  } else if (row.kind === "events") {
    const e = err(row.js, row.jsCount);
    const xs = e ? [] : rates(row.js, row.jsCount);
    jsCell = e ? "error" : fmtRate(xs);
    targetCell = row.target ? `≥ ${row.target / 1e6} M ev/s` : "(report)";
    pass = e ? "FAIL" : row.target ? (median(xs) >= row.target ? "pass" : "FAIL") : "—";
    if (e) notes.push(`${row.rowId}: ${e}`);
    if (row.py) {
      const pe = err(row.py, row.pyCount);
      pyCell = pe ? "error" : fmtRate(rates(row.py, row.pyCount));
      if (pe) notes.push(`${row.rowId} (Python): ${pe}`);
    } else pyCell = "—";
  } else if (row.kind === "instrument") {
    const e = err(row.js, row.jsBase);
    const xs = e ? [] : ratios(row.js);
    jsCell = e ? "error" : fmtRatio(xs);
    targetCell = "≤ 1.00× (no slower)";
    pass = e ? "FAIL" : median(xs) <= row.target ? "pass" : "FAIL";
    pyCell = "—";
    if (e) notes.push(`${row.rowId}: ${e}`);
    else {
      const mbs = (j) => {
        const r = j.results.filter(Boolean);
        const ms = median(r.map((x) => x.best));
        return `${fmtMs(ms)}, ${(r[0].bytes / 1e6 / (ms / 1000)).toFixed(2)} MB/s, output ${(r[0].outBytes / 1e6).toFixed(2)} MB`;
      };
      notes.push(
        `instrument ${P.instrumentFile} (${(row.js.results.find(Boolean).bytes / 1e6).toFixed(2)} MB): tsdb ${mbs(row.js)}; babel-plugin-istanbul ${mbs(row.jsBase)}`,
      );
    }
  } else if (row.kind === "speedup") {
    const e = err(row.js);
    const xs = e ? [] : row.js.results.filter(Boolean).map((r) => r.best);
    jsCell = e ? "error" : fmtRatio(xs);
    targetCell = `≥ ${row.target}× faster`;
    pass = e ? "FAIL" : median(xs) >= row.target ? "pass" : "FAIL";
    pyCell = "—";
    if (e) notes.push(`${row.rowId}: ${e}`);
    else {
      const r = row.js.results.filter(Boolean);
      const m = (k) => fmtMs(median(r.map((x) => x[k])));
      notes.push(
        `register ${row.js.rel}: ${row.js.hooked ? `time in the hook's transform: first load ${m("cold")}, cached ${m("cached")}; ` : ""}` +
          `whole require() (wall): first ${m("coldRequire")}, cached ${m("cachedRequire")}`,
      );
    }
  }
  out.push([row.label, row.workload, jsCell, targetCell, pass, pyCell]);
}

const sizes = [
  `JS: fib(${P.js.fib.n}), loop n=${P.js.loop.n.toExponential(0)}, acorn parsing ${P.parseFile}; events/s cases: fib(${P.jsEvents.fib.n}), loop n=${P.jsEvents.loop.n.toExponential(0)}; each after a warm-up with a small input`,
  python
    ? `Python: fib(${P.py.fib.n}), loop n=${P.py.loop.n.toExponential(0)} (ratios against Python's own plain run at that n)`
    : "Python: not run",
];
const baselines = list
  .filter((j) => j.mode === "plain" && j.results.some(Boolean))
  .map((j) => `${j.lang} ${j.workload}(${j.n}) ${fmtMs(median(j.results.filter(Boolean).map((r) => r.best)))}`);
const header = ["case", "workload", "JS (median [range])", "target", "pass", "Python 3 (median [range])"];
const text = table(header, out);
const pyVersion = python ? spawnSync("python3", ["--version"], { encoding: "utf8" }).stdout.trim() : "none";
const meta = [
  `${new Date().toISOString()} · commit ${git} · node ${process.version} · ${pyVersion} · ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}`,
  `${rounds} round(s), each case in a fresh process; ${useWall ? "wall-clock" : "process CPU (user+system)"} time, per process the best of its iterations; ratios per round, median [min–max] over rounds${quick ? " · --quick" : ""}${only.length ? ` · --only=${only.join(",")}` : ""}`,
  ...sizes,
  `plain baselines (median): ${baselines.join(", ") || "—"}`,
  `events = call + line + return events the program generates (counted by a separate counting run)`,
  `wall time ${((Date.now() - t0) / 1000).toFixed(0)} s`,
];
console.log("\n" + text + "\n");
for (const m of meta) console.log(m);
for (const n of notes) console.log("note: " + n);

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `# tsdb bench results\n\nProduced by \`npm run bench\` (bench/run.mjs).\n\n${text}\n\n${meta.map((m) => `- ${m}`).join("\n")}\n${notes.map((n) => `- note: ${n}`).join("\n")}\n`,
);
