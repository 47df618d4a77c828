// The program the `tsdb` rows of the bench run under the debugger (bench/run.mjs `runTsdb`):
// times the workload as bench/child.cjs does (warm-up, then the best of several calls, process
// CPU time) and prints the times on one marked line.
const spec = JSON.parse(process.argv[2]);
const { run } = require(`./${spec.workload}.cjs`);
for (let i = 0; i < spec.warm.iters; i++) run(spec.warm.n);
const times = [];
const walls = [];
for (let i = 0; i < spec.iters; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run(spec.n);
  walls.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  times.push((c.user + c.system) / 1000);
}
console.log(`TSDB-BENCH ${JSON.stringify({ times, walls })}`);
