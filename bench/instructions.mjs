#!/usr/bin/env node
// What the hook's attach support (issue 15) costs the SPEC section 6 cases, counted in instructions
// instead of time: each case with and without it, per call of its workload on the main thread,
// and once (its start). A timing on this shared 2-core machine moves ±25 % from one process to
// the next; an instruction count under valgrind with V8's `--predictable` (no concurrent compiles
// or GC, a fixed hash seed) repeats to a few parts in ten thousand. Counts are not times, and
// across modes they are not even comparable: under `--predictable` TurboFan compiles on the main
// thread, and when it does so depends on the mode (acorn's later calls still compile), so only a
// case against itself with the attach support is like for like.
//
//   node bench/instructions.mjs [--only=fib,fibin,acorn] [--modes=plain,detached,...] [--iters=N,M] [--attach=no]
//
// Each case runs bench/child.cjs under `valgrind --tool=callgrind --separate-threads=yes` twice,
// with `iters` and `iters + more` timed calls after the same warm-up: the difference divided by
// `more` is the cost of one call, free of start-up and warm-up; the start-up is the first run's
// count minus `iters` calls. Main thread and other threads are counted apart (the attach
// support's doorbell runs on a thread of its own in this process, as under `--require`). Needs
// valgrind. Takes minutes: acorn's cases are ~10 s of valgrind per parse.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { prepare } from "./prepare.mjs";
import { table } from "./stats.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const workDir = join(here, ".work", `instructions-${process.pid}`);
const workloadsDir = join(here, "workloads");
const args = process.argv.slice(2);
const list = (name, dflt) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(",") ?? dflt;
const workloads = list("only", ["fib", "acorn"]);
const modes = list("modes", ["plain", "detached", "bdb-other", "bdb-same"]);
// --attach=no: without the rows with the attach support (each case is counted once instead of twice)
const attachRows = list("attach", ["yes"])[0] !== "no";

const SIZES = {
  fib: { n: 25, iters: 20, more: 60, warm: { n: 15, iters: 10 } },
  // fib with its breakpoint (bdb-same) on a line of fib that never runs (workloads/fibin.cjs)
  fibin: { n: 25, iters: 20, more: 60, warm: { n: 15, iters: 10 } },
  acorn: { n: 1, iters: 2, more: 2, warm: { n: 0, iters: 2 } },
};
// --iters=N,M: every workload's counts after N and N + M calls (later calls: less of V8's compiling)
const iters = list("iters", null);
if (iters !== null) for (const size of Object.values(SIZES)) [size.iters, size.more] = iters.map(Number);

const scratch = mkdtempSync(join(tmpdir(), "tsdb-instructions-"));
process.on("exit", () => {
  rmSync(workDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});
const prep = prepare({ root, workDir, workloadsDir, workloads });
const common = {
  dist: prep.dist,
  work: workDir,
  workloads: workloadsDir,
  acorn: join(root, "node_modules/acorn/dist/acorn.js"),
  parseFile: join(root, "node_modules/lodash/lodash.js"),
};
const breakpoint = { "bdb-other": () => prep.breakpoints.other, "bdb-same": (w) => prep.breakpoints[w] };

/** Instructions of one run of child.cjs: { main, others }. */
function count(spec) {
  const out = join(scratch, `cg-${spec.workload}-${spec.mode}-${spec.iters}`);
  const r = spawnSync(
    "valgrind",
    [
      "--tool=callgrind",
      "--smc-check=all-non-file",
      "--separate-threads=yes",
      `--callgrind-out-file=${out}.%p`,
      process.execPath,
      "--predictable",
      join(here, "child.cjs"),
      JSON.stringify(spec),
    ],
    { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 },
  );
  const last = JSON.parse((r.stdout || "").trim().split("\n").pop() || "{}");
  if (r.status !== 0 || !last.times) throw new Error(`${spec.workload} ${spec.mode}: ${last.error ?? r.error ?? r.stderr.slice(-500)}`);
  let main = 0;
  let others = 0;
  const prefix = `${out.slice(scratch.length + 1)}.`;
  for (const name of readdirSync(scratch).filter((f) => f.startsWith(prefix))) {
    const summary = Number(/^summary: (\d+)$/m.exec(readFileSync(join(scratch, name), "utf8"))?.[1] ?? 0);
    // callgrind numbers a process's threads -01, -02, …: the first is the main thread
    if (name.endsWith("-01")) main += summary;
    else others += summary;
    rmSync(join(scratch, name));
  }
  return { main, others };
}

const M = (x, digits = 1) => (x / 1e6).toFixed(digits);
const rows = [];
for (const workload of workloads) {
  const size = SIZES[workload];
  for (const mode of modes) {
    let without = 0; // the same case's count without the attach support
    for (const attach of mode === "plain" || !attachRows ? [false] : [false, true]) {
      const spec = { ...common, workload, mode, n: size.n, warm: size.warm, attach };
      if (breakpoint[mode]) spec.breakpoint = breakpoint[mode](workload);
      const a = count({ ...spec, iters: size.iters });
      const b = count({ ...spec, iters: size.iters + size.more });
      const perCall = (b.main - a.main) / size.more;
      if (!attach) without = perCall;
      const start = a.main - size.iters * perCall;
      const ratio = attach ? `${(perCall / without).toFixed(4)}×` : "";
      rows.push([workload, mode + (attach ? ", attach support" : ""), M(perCall, 3), ratio, M(start), M(a.others)]);
      process.stderr.write(`${rows.at(-1).join("  ")}\n`);
    }
  }
}
console.log(
  `\n${table(["workload", "case", "M instructions per call (main thread)", "× without attach support", "M at start (main)", "M on other threads"], rows)}\n`,
);
console.log(
  `fib(${SIZES.fib.n}) (fibin: fib with its bdb-same breakpoint on a line of fib that never runs) and acorn parsing lodash.js; per call = (count after ${SIZES.fib.iters}+${SIZES.fib.more} calls − after ${SIZES.fib.iters}) / ${SIZES.fib.more} for fib, ${SIZES.acorn.iters}+${SIZES.acorn.more} for acorn; node --predictable under callgrind`,
);
