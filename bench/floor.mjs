#!/usr/bin/env node
// The floor under issue 10's "same file never hit" row for a Bdb subclass that overrides userCall
// (bench/run.mjs's fib-pdblike-same): what fib costs with only the work bdb.py's contract asks for
// each call, written by hand in plain JavaScript (bench/workloads/floor.cjs), beside plain fib and
// tsdb. Each case runs in a fresh process (bench/child.cjs, best of its iterations, CPU time) right
// next to a fresh plain run; the ratio is taken within that pair; median [range] over rounds.
//
//   node bench/floor.mjs [--rounds=N] [--n=30]
//
// Rows: plain fib; the contract's floor (a frame per call, the call event dispatched to a
// monomorphic userCall that asks stopHere, a quiet-return test), and session 7's looser form of
// it; the same with one frame object
// per depth (not exact: shows what the allocation costs); tsdb instrumented without a trace
// function; tsdb with a global trace function that returns null (the runtime's share: a frame per
// call and its call event, no Bdb); tsdb with the pdb-like subclass (the bench row). See
// bench/FINDINGS.md.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { prepare } from "./prepare.mjs";
import { fmtRatio, median, table } from "./stats.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const workDir = join(here, ".work", `floor-${process.pid}`);
const workloadsDir = join(here, "workloads");
const args = process.argv.slice(2);
const opt = (name, dflt) => Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt);
const rounds = opt("rounds", 7);
const n = opt("n", 30);

process.on("exit", () => rmSync(workDir, { recursive: true, force: true }));
const prep = prepare({ root, workDir, workloadsDir, workloads: ["fib"] });
const common = { dist: prep.dist, work: workDir, workloads: workloadsDir, n, iters: 10, warm: { n: Math.min(20, n - 5), iters: 30 } };

const plain = { label: "plain fib", spec: { mode: "plain", workload: "fib" } };
const cases = [
  { label: "floor: a frame per call, call event to userCall, quiet return (plain JS)", spec: { mode: "plain", workload: "floor" } },
  {
    label: "session 7's floor (innermost frame in a module variable, try/finally, 6 fields)",
    spec: { mode: "plain", workload: "floor", entry: "top" },
  },
  {
    label: "the same, one frame object per depth reused (not exact)",
    spec: { mode: "plain", workload: "floor", entry: "reused" },
  },
  { label: "tsdb: instrumented, no trace function", spec: { mode: "detached", workload: "fib" } },
  {
    label: "tsdb: a trace function that returns null (a frame per call, the call event, no Bdb)",
    spec: { mode: "settrace-calls", workload: "fib" },
  },
  {
    label: "tsdb: Bdb subclass overriding userCall + userLine, breakpoint in the same file never hit",
    spec: { mode: "pdblike-same", workload: "fib", breakpoint: prep.breakpoints.fib },
  },
];

function run(c) {
  const spec = { ...common, ...c.spec };
  const r = spawnSync(process.execPath, [join(here, "child.cjs"), JSON.stringify(spec)], { cwd: root, encoding: "utf8" });
  const res = JSON.parse((r.stdout || "").trim().split("\n").pop() || "{}");
  if (res.error || !res.times) throw new Error(`${c.label}: ${res.error ?? r.stderr}`);
  return Math.min(...res.times);
}

// One untimed run of each (file cache, CPU frequency), then paired rounds, the order alternating.
for (const c of [plain, ...cases]) run(c);
const ratios = cases.map(() => []);
const plainMs = [];
for (let round = 0; round < rounds; round++) {
  const order = cases.map((_, i) => i);
  if (round % 2) order.reverse();
  for (const i of order) {
    const pair = round % 2 ? [cases[i], plain] : [plain, cases[i]];
    const [a, b] = pair.map(run);
    const [mine, base] = pair[0] === plain ? [b, a] : [a, b];
    ratios[i].push(mine / base);
    plainMs.push(base);
    process.stderr.write(`round ${round + 1}/${rounds}: ${cases[i].label.slice(0, 40)}… ${(mine / base).toFixed(2)}×\n`);
  }
}
const floor = median(ratios[0]);
const rows = cases.map((c, i) => [c.label, fmtRatio(ratios[i]), `${(median(ratios[i]) / floor).toFixed(2)}×`]);
console.log(`\n${table(["case (fib(" + n + "))", "× plain (median [range])", "× floor"], rows)}\n`);
console.log(`${rounds} paired rounds; plain fib(${n}) median ${median(plainMs).toFixed(2)} ms (process CPU, best of 10 calls)`);
