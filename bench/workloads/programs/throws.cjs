// 20,000 exceptions thrown 20 frames deep and caught at the top: what a parser
// full of failing attempts (acorn's tests, a failing parse) does. Prints its own
// time (ms of CPU of the whole process during the loop) so that load time does
// not count.
const { readdirSync, readFileSync } = require("node:fs");

function dive(n) {
  if (n === 0) throw new SyntaxError("no");
  return dive(n - 1) + 1;
}
function run(times) {
  let caught = 0;
  for (let i = 0; i < times; i++) {
    try {
      dive(20);
    } catch {
      caught++;
    }
  }
  return caught;
}

/** CPU time (ns) of the process's threads other than this one (Linux: each thread's schedstat). */
function otherThreads() {
  let sum = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    if (Number(tid) === process.pid) continue;
    try {
      sum += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "latin1").split(" ")[0]);
    } catch {
      // the thread ended
    }
  }
  return sum;
}

// A thread a loader starts (tsdb/register's doorbell, a module hooks thread) boots in the
// background while the program's first code runs: that is load time, not the throws' cost.
// Measure once the other threads have been idle for 100 ms (at most 5 s), as plain Node is.
function settled(then, since = otherThreads(), waited = 0) {
  setTimeout(() => {
    const now = otherThreads();
    if (now - since < 1e6 || waited >= 5000) then();
    else settled(then, now, waited + 100);
  }, 100);
}

run(200);
settled(() => {
  const t0 = process.cpuUsage();
  const caught = run(20000);
  const used = process.cpuUsage(t0);
  if (caught !== 20000) throw new Error("wrong count");
  process.stdout.write(`${(used.user + used.system) / 1000}\n`);
});
