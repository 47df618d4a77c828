// Runs test262 jobs on a pool of child processes (one per core by default),
// each job under a watchdog: a run that hangs past the time limit (even in a
// promise loop the vm timeout cannot stop) gets its process killed and counted
// as a timeout, and a fresh process takes over.
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { loadTest } from "./tests.mjs";

export const MODES = ["plain", "untraced", "traced", "bdb"];
const WORKER = fileURLToPath(new URL("./worker.mjs", import.meta.url));
/** Jobs a process runs before a fresh one replaces it (realms are many and large). */
const RECYCLE = 1500;

class Slot {
  constructor(pool) {
    this.pool = pool;
    this.start();
  }

  start() {
    this.jobs = 0;
    this.job = null;
    this.ready = false;
    this.child = fork(WORKER, [], { execArgv: ["--experimental-vm-modules", "--no-warnings"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    this.child.stderr.on("data", () => {});
    this.child.on("message", (message) => this.receive(message));
    this.child.on("exit", () => this.exited());
  }

  receive(message) {
    if (message.ready) {
      this.ready = true;
      this.pool.feed(this);
      return;
    }
    const job = this.job;
    if (!job || message.id !== job.id) return;
    if (message.mode) {
      job.results[message.mode] = message.result;
      this.arm();
    } else {
      if (message.crash) for (const mode of job.modes) job.results[mode] ??= { status: "fail", message: `runner: ${message.crash}` };
      this.finish();
    }
  }

  /** The watchdog: each mode gets three times the time limit (instrumenting included). */
  arm() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kill(), this.pool.timeout * 3 + 5000);
  }

  kill() {
    const job = this.job;
    if (job) for (const mode of job.modes) job.results[mode] ??= { status: "timeout", message: "process killed by the watchdog" };
    this.child.kill("SIGKILL");
  }

  exited() {
    clearTimeout(this.timer);
    const job = this.job;
    if (job) {
      for (const mode of job.modes) job.results[mode] ??= { status: "fail", message: "runner: the process died" };
      this.pool.done(job);
      this.job = null;
    }
    if (!this.pool.closing) this.start();
  }

  finish() {
    clearTimeout(this.timer);
    const job = this.job;
    this.job = null;
    this.pool.done(job);
    if (++this.jobs >= RECYCLE) {
      this.ready = false;
      this.child.kill("SIGKILL");
    } else this.pool.feed(this);
  }

  send(job) {
    this.job = job;
    this.arm();
    const { results, ...message } = job;
    this.child.send(message);
  }
}

/**
 * Runs `files` (paths relative to the checkout `root`) in `modes` (`once`: a test without
 * strictness flags sloppy only; `compact`: instrumented code printed compact, as tsdb/register prints it; `done`: runs already made, not made again; `onRun` gets each
 * new run as it ends); resolves to
 * { runs: [{ file, run, results: { mode: result } }], skipped: [{ file, features }] }.
 */
export function runTests({
  root,
  files,
  modes = MODES,
  jobs = availableParallelism(),
  timeout = 10000,
  once = false,
  compact = true,
  done: already = [],
  onRun,
  onProgress,
}) {
  const finished = new Set(already.map((r) => `${r.file}\0${r.run}`));
  const queue = [];
  const skipped = [];
  for (const file of files) {
    const test = loadTest(root, file);
    if (test.skip) skipped.push({ file, features: test.skip });
    for (const run of once ? test.runs.slice(0, 1) : test.runs) {
      if (!finished.has(`${file}\0${run}`))
        queue.push({ id: queue.length, root, file, run, meta: test.meta, modes, timeout, compact, results: {} });
    }
  }
  const runs = [...already];
  const total = runs.length + queue.length;
  return new Promise((resolve) => {
    const pool = {
      timeout,
      closing: false,
      feed(slot) {
        if (!slot.ready || slot.job) return;
        const job = queue.shift();
        if (job) slot.send(job);
        else if (runs.length === total) this.close();
      },
      done(job) {
        const run = { file: job.file, run: job.run, results: job.results };
        runs.push(run);
        onRun?.(run);
        onProgress?.(runs.length, total);
        if (runs.length === total) this.close();
      },
      close() {
        if (this.closing) return;
        this.closing = true;
        for (const slot of slots) slot.child.kill("SIGKILL");
        runs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.run < b.run ? -1 : 1));
        resolve({ runs, skipped });
      },
    };
    const slots = [];
    if (queue.length === 0) return pool.close();
    for (let i = 0; i < Math.max(1, Math.min(jobs, queue.length)); i++) slots.push(new Slot(pool));
  });
}
