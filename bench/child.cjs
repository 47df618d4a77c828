// One measurement, in a fresh process (so the JIT state of one case does not
// leak into another). Spawned by bench/run.mjs with a JSON spec as argv[2];
// prints one JSON line: { times: [ms...], stops?, error? }.
//
// CommonJS on purpose: the workloads and the instrumented copies are CommonJS,
// and the driver itself (this file) is plain, uninstrumented code.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const spec = JSON.parse(process.argv[2]);
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

function main() {
  if (spec.mode === "instrument") return instrumentSpeed();
  if (spec.mode === "register") return registerLoad();

  const instrumented = spec.mode !== "plain";
  const dist = spec.dist;
  // --attach: what tsdb/register adds for `tsdb -p PID`, in every instrumented case. This process has
  // no module hooks thread: the doorbell goes on a control worker started now (more than a hooked
  // program has before an attach: its doorbell is on the hooks thread, and no worker runs). The
  // timed calls start once the doorbell listens (DOORBELL_DELAY_MS after its thread starts): they
  // measure the program with the attach support in place; its start is bench/instructions.mjs's.
  if (spec.attach && instrumented) {
    const listen = require(path.join(dist, "control/listen.js"));
    const bell = listen.doorbellData();
    if (bell === null) throw new Error("no attach support in this process (no private folder)");
    listen.listenForDebuggers(bell, false);
    const socket = require(path.join(dist, "control/paths.js")).socketPath(bell.dir, bell.pid);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; !fs.existsSync(socket); waited += 20) {
      if (waited > 30_000) throw new Error(`the doorbell did not listen on ${socket}`);
      Atomics.wait(pause, 0, 0, 20);
    }
  }
  const workload = loadWorkload(spec.workload, instrumented);
  // (`entry`: another export of the workload, e.g. bench/floor.mjs's variants of floor.cjs)
  const run = workload[spec.entry ?? "run"];
  let body; // (n) => void, the timed part of one iteration
  const state = {};

  if (spec.mode === "plain" || spec.mode === "detached") {
    body = (n) => run(n);
  } else if (spec.mode === "settrace" || spec.mode === "count" || spec.mode === "settrace-calls") {
    const rt = require(path.join(dist, "runtime/index.js"));
    let events = 0;
    let local, global;
    if (spec.mode === "settrace-calls") {
      // Only `call` events: every call gets its frame, nothing is traced further (bench/floor.mjs).
      global = (frame, event, arg) => null;
    } else if (spec.mode === "count") {
      local = (frame, event) => {
        events++;
        return local;
      };
      global = (frame, event) => {
        events++;
        return local;
      };
    } else {
      local = (frame, event, arg) => local;
      global = (frame, event, arg) => local;
    }
    body = (n) => {
      rt.settrace(global);
      try {
        run(n);
      } finally {
        rt.settrace(null);
      }
    };
    state.events = () => events;
  } else if (spec.mode === "bdb-other" || spec.mode === "bdb-same" || spec.mode === "bdb-step" || spec.mode.startsWith("pdblike-")) {
    const tsdb = require(path.join(dist, "index.js"));
    if (typeof tsdb.Bdb !== "function") {
      out({ error: "Bdb is not exported by dist/index.js yet" });
      return;
    }
    let stops = 0;
    let bdb;
    if (spec.mode === "bdb-step") {
      // Every line stops (runcall starts stepping; nothing ever continues).
      class StepBdb extends tsdb.Bdb {
        userLine(frame) {}
      }
      bdb = new StepBdb();
    } else {
      // Stops once (runcall starts stepping), then continues for good.
      class ContinueBdb extends tsdb.Bdb {
        userLine(frame) {
          stops++;
          this.setContinue();
        }
      }
      // As pdb does: userCall overridden too (it stops only where stopHere says), and setContinue at each stop.
      class PdbLike extends ContinueBdb {
        userCall(frame) {
          if (!this.stopHere(frame)) return;
          stops++;
          this.setContinue();
        }
      }
      bdb = spec.mode.startsWith("pdblike-") ? new PdbLike() : new ContinueBdb();
      const [file, line] = spec.breakpoint;
      const err = bdb.setBreak(file, line);
      if (err) {
        out({ error: `setBreak(${file}, ${line}): ${err}` });
        return;
      }
    }
    // The first stop is in the (instrumented) driver, which then calls the workload.
    const { drive } = require(path.join(spec.work, "driver.cjs"));
    body = (n) => bdb.runcall(drive, run, n);
    state.stops = () => stops;
  } else {
    throw new Error(`unknown mode ${spec.mode}`);
  }

  // Warm-up with a small input: every site gets type feedback and the hot
  // functions reach optimized code before the timed calls (without it, which
  // calls of a 2-core shared machine land in which tier decides the result).
  if (spec.warm) for (let i = 0; i < spec.warm.iters; i++) body(spec.warm.n);
  const before = { events: state.events?.(), stops: state.stops?.() };
  // Process CPU time (user + system) is what is compared: on a shared machine
  // wall time also counts the time spent waiting for a core. Both are reported.
  const times = [];
  const walls = [];
  for (let i = 0; i < spec.iters; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    body(spec.n);
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  const result = { times, walls };
  if (state.events) result.events = (state.events() - before.events) / spec.iters;
  if (state.stops) result.stops = (state.stops() - before.stops) / spec.iters;
  out(result);
}

function loadWorkload(name, instrumented) {
  const dir = instrumented ? spec.work : spec.workloads;
  if (name === "acorn") {
    const acorn = require(instrumented ? path.join(spec.work, "acorn.cjs") : spec.acorn);
    const src = fs.readFileSync(spec.parseFile, "utf8");
    const options = { ecmaVersion: "latest", sourceType: "script", allowHashBang: true };
    // n > 0: parse the big file n times; n = 0: the warm-up input, acorn's own source.
    const small = fs.readFileSync(spec.acorn, "utf8");
    return { run: (n) => (n === 0 ? acorn.parse(small, options) : acorn.parse(src, options)) };
  }
  return require(path.join(dir, name + ".cjs"));
}

// ------------------------------------------------------------ instrumentation

function instrumentSpeed() {
  const src = fs.readFileSync(spec.file, "utf8");
  const warm = fs.readFileSync(path.join(spec.workloads, "fib.cjs"), "utf8");
  let transform;
  if (spec.tool === "tsdb") {
    const { instrument } = require(path.join(spec.dist, "compiler/index.js"));
    transform = (code, filename) => instrument(code, { filename, sourceMaps: "file", sourceType: "script" }).code;
  } else {
    // babel-plugin-istanbul through @babel/core, with the same Babel settings
    // tsdb's instrument() uses (no config files, source maps on).
    const babel = require("@babel/core");
    const istanbul = require("babel-plugin-istanbul").default ?? require("babel-plugin-istanbul");
    const opts = { include: ["**"], exclude: [], excludeNodeModules: false, useInlineSourceMaps: false };
    transform = (code, filename) =>
      babel.transformSync(code, {
        filename,
        babelrc: false,
        configFile: false,
        sourceType: "script",
        sourceMaps: true,
        plugins: [[istanbul, opts]],
      }).code;
  }
  // Warm-up on a small file: loading Babel and the plugin is not what we measure.
  transform(warm, path.join(spec.workloads, "fib.cjs"));
  const times = [];
  const walls = [];
  let size = 0;
  for (let i = 0; i < spec.iters; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const code = transform(src, spec.file);
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
    size = code.length;
  }
  out({ times, walls, bytes: Buffer.byteLength(src), outBytes: size });
}

// ------------------------------------------------------------ register cache

function registerLoad() {
  // Loads spec.file through the register hook (CommonJS), with the cache in
  // $TSDB_CACHE_DIR (set by the parent: empty for the first load, filled by
  // it for the second). Measures the time spent in the hook's transform (what
  // the cache saves: instrumenting, or reading and checking an entry), and
  // the whole require() (module top level included) for reference.
  let hook = 0;
  let hookCalls = 0;
  try {
    const { Loader } = require(path.join(spec.dist, "register/loader.js"));
    // The require hook calls transformAny, the ES module hooks transform (neither calls the other).
    for (const name of ["transform", "transformAny"]) {
      const method = Loader.prototype[name];
      Loader.prototype[name] = function (...args) {
        const t0 = performance.now();
        try {
          return method.apply(this, args);
        } finally {
          hook += performance.now() - t0;
          hookCalls++;
        }
      };
    }
  } catch {
    // no Loader to time: only the require() time is reported
  }
  require(path.join(spec.dist, "register/index.js"));
  const t0 = performance.now();
  require(spec.file);
  const wall = performance.now() - t0;
  const rt = require(path.join(spec.dist, "runtime/index.js"));
  out({ times: [hookCalls ? hook : wall], walls: [wall], hooked: hookCalls > 0, instrumented: rt.loadedcodes().length });
}

try {
  main();
} catch (error) {
  out({ error: String(error?.stack || error) });
}
