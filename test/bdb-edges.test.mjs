// Bdb where JavaScript differs from Python: no frame below plain code,
// setTrace()/`debugger;`, BdbQuit through user catch blocks, async functions,
// and the runtime watch (which must not change what happens).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Bdb, BdbQuit, Breakpoint, gettrace, settrace } from "../dist/index.mjs";
import { instrumentToFile, load } from "./helpers/run.mjs";
import { Recorder, cleanup } from "./helpers/bdb-recorder.mjs";

// ------------------------------------------------------------ plain callers
const Plain = suite("bdb edges: called from plain code");
Plain.after.each(cleanup);

const PROGRAM = `export function main(n) {
  let s = 0;
  for (let i = 0; i < n; i++)
    s += twice(i);
  return s;
}
export function twice(x) {
  const y = x * 2;
  return y;
}
`;

Plain("runcall: continue without breakpoints runs to the end", async () => {
  const { out } = instrumentToFile(PROGRAM, "plain1.mjs");
  const { main } = await load(out);
  const db = new Recorder(["step", "continue"]);
  assert.is(db.runcall(main, 3), 6);
  assert.equal(db.log, ["line main 2", "line main 3"]);
  assert.is(gettrace(), null);
});

Plain("runcall: continue with a breakpoint stops only there; botframe is no reason to stop", async () => {
  const { original, out } = instrumentToFile(PROGRAM, "plain2.mjs");
  const { main } = await load(out);
  const db = new Recorder([
    (d) => {
      assert.is(d.setBreak(original, 9), undefined);
      d.setContinue();
    },
    "continue",
    "continue",
    "continue",
  ]);
  assert.is(db.runcall(main, 3), 6);
  assert.equal(db.log, ["line main 2", "line twice 9", "line twice 9", "line twice 9"]);
});

Plain("runcall: 'return' in the outermost frame stops at its return", async () => {
  const { out } = instrumentToFile(PROGRAM, "plain3.mjs");
  const { main } = await load(out);
  const db = new Recorder(["return", "step", "step"]);
  assert.is(db.runcall(main, 2), 2);
  assert.equal(db.log, ["line main 2", "return main 5"]);
});

Plain("runcall: 'next' at the last return goes nowhere", async () => {
  const { out } = instrumentToFile(PROGRAM, "plain4.mjs");
  const { twice } = await load(out);
  const db = new Recorder(["next", "next", "next", "next"]);
  assert.is(db.runcall(twice, 2), 4);
  assert.equal(db.log, ["line twice 8", "line twice 9", "return twice 9"]);
});

Plain("getStack ends at the outermost instrumented frame; up/down indexes", async () => {
  const { out } = instrumentToFile(PROGRAM, "plain5.mjs");
  const { main } = await load(out);
  let seen;
  const db = new Recorder([
    "step",
    "step",
    "step",
    "step",
    (d, f) => {
      const [stack, i] = d.getStack(f, null);
      seen = { names: stack.map(([fr, n]) => `${fr.code.name}:${n}`), i };
      d.setQuit();
    },
  ]);
  db.runcall(main, 1);
  assert.equal(seen, { names: ["main:4", "twice:8"], i: 1 });
});

Plain("runcall of a function that replaces the global Math: the run ends as usual", async () => {
  const saved = Math;
  const db = new Recorder(["continue"]);
  try {
    db.runcall(() => {
      globalThis.Math = {};
    });
    assert.is(gettrace(), null);
  } finally {
    globalThis.Math = saved;
  }
});

Plain.run();

// ----------------------------------------------------- setTrace, debugger;
const SetTrace = suite("bdb edges: setTrace() and debugger;");
SetTrace.after.each(cleanup);

SetTrace("setTrace() from instrumented code stops at the caller's next line", async () => {
  const { out } = instrumentToFile(
    `export function f(db) {
  let a = 1;
  db.setTrace();
  a = 2;
  return inner(a);
}
function inner(x) {
  return x + 1;
}
`,
    "settrace1.mjs",
  );
  const { f } = await load(out);
  const db = new Recorder(["step", "step", "step", "step", "step", "step"]);
  try {
    assert.is(f(db), 3);
  } finally {
    settrace(null);
  }
  assert.equal(db.log, ["line f 4", "line f 5", "call inner 7", "line inner 8", "return inner 8", "return f 5"]);
  assert.is(db.botframe.code.name, "f");
});

SetTrace("setTrace() from plain code stops at the first line of instrumented code", async () => {
  const { out } = instrumentToFile(PROGRAM, "settrace2.mjs");
  const { twice } = await load(out);
  const db = new Recorder(["step", "continue"]);
  try {
    db.setTrace();
    assert.is(twice(5), 10);
  } finally {
    settrace(null);
  }
  assert.equal(db.log, ["line twice 8", "line twice 9"]);
});

SetTrace("setTrace(): BdbQuit reaches the caller, as in Python", async () => {
  const { out } = instrumentToFile(
    `export function f(db) {
  db.setTrace();
  return 1;
}
`,
    "settrace4.mjs",
  );
  const { f } = await load(out);
  const db = new Recorder(["quit"]);
  try {
    assert.throws(
      () => f(db),
      (e) => e instanceof BdbQuit,
    );
  } finally {
    settrace(null);
  }
  assert.equal(db.log, ["line f 3"]);
});

SetTrace("module setTrace() starts a Bdb", async () => {
  const { out } = instrumentToFile(
    `import { setTrace } from "tsdb";
export function f() {
  setTrace();
  return 1;
}
`,
    "settrace3.mjs",
  );
  const { f } = await load(out);
  try {
    assert.is(f(), 1);
    assert.type(gettrace(), "function");
  } finally {
    settrace(null);
  }
});

const DEBUGGER = `export function main() {
  let a = 1;
  debugger;
  a = 4;
  return a;
}
`;

SetTrace("debugger; is setTrace() on the running debugger", async () => {
  const { out } = instrumentToFile(DEBUGGER, "debugger1.mjs");
  const { main } = await load(out);
  const db = new Recorder(["continue", "step", "continue"]);
  assert.is(db.runcall(main), 4);
  assert.equal(db.log, ["line main 2", "line main 4", "line main 5"]);
});

SetTrace("debugger; with no debugger running does nothing", async () => {
  const { out } = instrumentToFile(DEBUGGER, "debugger2.mjs");
  const { main } = await load(out);
  const db = new Recorder(["continue"]);
  db.runcall(main);
  assert.is(main(), 4);
  assert.is(gettrace(), null);
  assert.equal(db.log, ["line main 2", "line main 4"]);
});

SetTrace("debugger; after a setTrace() session whose trace function was removed does nothing", async () => {
  const { out } = instrumentToFile(DEBUGGER, "debugger3.mjs");
  const { main } = await load(out);
  const db = new Recorder(["continue"]);
  db.setTrace();
  settrace(null);
  assert.is(main(), 4);
  assert.equal(db.log, []);
  assert.is(gettrace(), null);
});

SetTrace.run();

// ------------------------------------------------------------------ BdbQuit
const Quit = suite("bdb edges: BdbQuit");
Quit.after.each(cleanup);

Quit("BdbQuit ends the run through user catch blocks; finally blocks run", async () => {
  const { out } = instrumentToFile(
    `export function main(log) {
  try {
    inner(log);
  } catch (e) {
    log.push("main caught " + e.name);
  } finally {
    log.push("main finally");
  }
  log.push("main after");
}
function inner(log) {
  try {
    try {
      log.push("inner");
      log.push("more");
    } catch {
      log.push("inner caught");
    }
    log.push("inner after");
  } catch (e) {
    log.push("inner outer caught");
  } finally {
    log.push("inner finally");
    cleanup(log);
  }
  log.push("inner end");
}
function cleanup(log) {
  try { log.push("cleanup"); } catch {}
}
`,
    "quit1.mjs",
  );
  const { main } = await load(out);
  const log = [];
  const db = new Recorder(["step", "step", "step", "step", "step", "quit"]);
  assert.is(db.runcall(main, log), undefined);
  assert.equal(db.log.at(-1), "line inner 14");
  assert.equal(log, ["inner finally", "cleanup", "main finally"]);
  assert.is(gettrace(), null);
  assert.is(db.quitting, true);
});

Quit("BdbQuit from a 'call' stop and from run()", async () => {
  const db = new Recorder(["step", "quit"]);
  const ns = { out: [] };
  db.run("try { out.push(1);\n out.push(2); } catch (e) { out.push('caught'); }\nout.push(3);", ns);
  assert.equal(ns.out, [1]);
  assert.equal(db.log, ["line <module> 1", "line <module> 2"]);
});

Quit("BdbQuit is an Error", () => {
  const e = new BdbQuit();
  assert.instance(e, Error);
  assert.is(e.name, "BdbQuit");
});

Quit.run();

// ------------------------------------------------------------ async functions
const Async = suite("bdb edges: async functions");
Async.after.each(cleanup);

const ASYNC = `export async function main() {
  let a = 1;
  await tick();
  a = 4;
  const v = await inner();
  return v + a;
}
async function inner() {
  let b = 9;
  await tick();
  b = 11;
  return b;
}
function tick() { return new Promise((r) => setTimeout(r, 1)); }
`;

Async("'next' steps over an await", async () => {
  const { out } = instrumentToFile(ASYNC, "async1.mjs");
  const { main } = await load(out);
  const db = new Recorder(["next", "next", "next", "next", "next", "continue"]);
  assert.is(await db.runcall(main), 15);
  // As in Python, 'next' does not stop at the return of a coroutine.
  assert.equal(db.log, ["line main 2", "line main 3", "line main 4", "line main 5", "line main 6"]);
});

Async("'step' into an async function, 'return' out of it", async () => {
  const { out } = instrumentToFile(ASYNC, "async2.mjs");
  const { main } = await load(out);
  const db = new Recorder(["next", "next", "next", "step", "step", "return", "step", "continue"]);
  assert.is(await db.runcall(main), 15);
  assert.equal(db.log, [
    "line main 2",
    "line main 3",
    "line main 4",
    "line main 5",
    "call inner 8",
    "line inner 9",
    // Python would stop at the StopIteration in main; tsdb at main resuming.
    "call main 5",
    "line main 6",
  ]);
});

Async("'next' at the last line of an async function stops in the awaiting one", async () => {
  const { out } = instrumentToFile(ASYNC, "async3.mjs");
  const { main } = await load(out);
  const db = new Recorder(["next", "next", "next", "step", "step", "next", "next", "next", "next", "continue"]);
  assert.is(await db.runcall(main), 15);
  assert.equal(db.log, [
    "line main 2",
    "line main 3",
    "line main 4",
    "line main 5",
    "call inner 8",
    "line inner 9",
    "line inner 10",
    "line inner 11",
    "line inner 12",
    "call main 5",
  ]);
});

Async("quit in an async function rejects nothing: runcall resolves undefined", async () => {
  const { out } = instrumentToFile(ASYNC, "async4.mjs");
  const { main } = await load(out);
  const db = new Recorder(["next", "next", "quit"]);
  assert.is(await db.runcall(main), undefined);
  assert.is(gettrace(), null);
});

Async.run();

// --------------------------------------------------------------- the watch
const Watch = suite("bdb edges: setwatch changes nothing observable");
Watch.after.each(cleanup);

const WATCHED = `export function main(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += fib(i);
    s += other(i);
  }
  return s;
}
function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}
function other(x) {
  const y = x + 1;
  return y;
}
export function* gen() {
  yield 1;
  yield 2;
}
`;

/** The same as Recorder, without the watch (stopHere is overridden). */
class Unwatched extends Recorder {
  stopHere(frame) {
    return super.stopHere(frame);
  }
}

async function both(script) {
  const { original, out } = instrumentToFile(WATCHED, `watch${Math.random().toString(36).slice(2)}.mjs`);
  const mod = await load(out);
  const logs = [];
  for (const Class of [Recorder, Unwatched]) {
    Breakpoint.clearBreakpoints();
    const db = new Class(script(original));
    const result = db.runcall(mod.main, 6);
    logs.push([result, db.log, Breakpoint.bpbynumber.map((bp) => bp && [bp.number, bp.hits, bp.ignore])]);
  }
  return logs;
}

Watch("breakpoints, temporary, by function name, conditions, ignore counts", async () => {
  const [watched, unwatched] = await both((file) => [
    (d) => {
      d.setBreak(file, 14);
      d.setBreak(file, 11, true);
      d.setBreak(file, 9, false, "n == 3", "fib");
      d.setBreak(file, 15, false, "x > 3");
      d.getBpbynumber(1).ignore = 2;
      d.setContinue();
    },
    "continue",
    "continue",
    "step",
    "step",
    "continue",
    "continue",
    "next",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
  ]);
  assert.equal(watched, unwatched);
  assert.ok(watched[1].length > 8);
});

Watch("a breakpoint added while stopped in a callee, then 'up' + 'next'", async () => {
  const [watched, unwatched] = await both((file) => [
    (d) => {
      d.setBreak(file, 14);
      d.setContinue();
    },
    (d, f) => {
      d.setBreak(file, 5);
      d.setNext(f.back);
    },
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
    "continue",
  ]);
  assert.equal(watched, unwatched);
});

Watch("clearing breakpoints while continuing", async () => {
  const [watched, unwatched] = await both((file) => [
    (d) => {
      d.setBreak(file, 14);
      d.setBreak(file, 10);
      d.setContinue();
    },
    (d) => {
      d.clearBreak(file, 10);
      d.setContinue();
    },
    (d) => {
      d.clearAllBreaks();
      d.setContinue();
    },
    "continue",
  ]);
  assert.equal(watched, unwatched);
});

Watch("generators and async functions under the watch", async () => {
  const { original, out } = instrumentToFile(
    `function* gen(n) {
  for (let i = 0; i < n; i++) {
    const v = i * 2;
    yield v;
  }
}
async function work(x) {
  await null;
  const y = x + 1;
  return y;
}
export async function main() {
  let s = 0;
  for (const v of gen(4)) s += v;
  for (let i = 0; i < 3; i++) s += await work(i);
  return s;
}
`,
    "watchgen.mjs",
  );
  const mod = await load(out);
  const logs = [];
  for (const Class of [Recorder, Unwatched]) {
    Breakpoint.clearBreakpoints();
    const db = new Class([
      (d) => {
        d.setBreak(original, 4);
        d.setBreak(original, 9, false, "x == 1");
        d.setContinue();
      },
      "continue",
      "next",
      "next",
      "continue",
      "step",
      "step",
      "step",
      "continue",
      "return",
      "continue",
      "continue",
      "continue",
      "continue",
      "continue",
      "continue",
      "continue",
    ]);
    logs.push([await db.runcall(mod.main), db.log]);
  }
  assert.equal(logs[0], logs[1]);
  assert.ok(logs[0][1].length > 6);
});

Watch("the watch keeps the dispatcher away from frames without breakpoints", async () => {
  const { original, out } = instrumentToFile(WATCHED, "watchcount.mjs");
  const mod = await load(out);
  const proto = Bdb.prototype;
  const saved = proto.dispatchCall;
  let calls = 0;
  proto.dispatchCall = function (frame, arg) {
    calls++;
    return saved.call(this, frame, arg);
  };
  try {
    const db = new Bdb();
    db.setBreak(original, 15, false, "false");
    const first = () => db.setContinue();
    db.userLine = () => {
      first();
    };
    db.runcall(mod.main, 12);
    // main (first call), then only `other` (12 calls) — none of fib's ~1000.
    assert.ok(calls <= 14, `dispatchCall ran ${calls} times`);
  } finally {
    proto.dispatchCall = saved;
  }
});

Watch.run();

const Calls = suite("bdb edges: userCall while continuing");
Calls.after.each(cleanup);

Calls("an overridden userCall sees every call in a file with breakpoints (as bdb.py); opt-out", async () => {
  const { original, out } = instrumentToFile(WATCHED, "usercall.mjs");
  const mod = await load(out);
  const run = (optOut) => {
    const calls = [];
    class C extends Bdb {
      userCall(frame) {
        calls.push(frame.code.name);
      }
      userLine() {
        this.setContinue();
      }
    }
    const db = new C();
    db.userCallOnlyWhenStopping = optOut;
    db.setBreak(original, 15, false, "false");
    db.runcall(mod.main, 3);
    Breakpoint.clearBreakpoints();
    return calls;
  };
  assert.equal(run(false), ["fib", "other", "fib", "other", "fib", "fib", "fib", "other"]);
  assert.equal(run(true), ["other", "other", "other"]);
});

Calls("while continuing, return events are dispatched again once the state says they can stop (set without a set* call)", async () => {
  const { original, out } = instrumentToFile(WATCHED, "usercall-return.mjs");
  const mod = await load(out);
  const returns = [];
  class C extends Bdb {
    userCall(frame) {
      // As a subclass may: the return trap set directly, not through setReturn (no watch update).
      if (frame.code.name === "other" && frame.locals.x === 1) this.returnframe = frame;
    }
    userLine() {
      this.setContinue();
    }
    userReturn(frame, value) {
      returns.push([frame.code.name, frame.locals.x, value]);
      this.returnframe = null;
    }
  }
  const db = new C();
  db.setBreak(original, 15, false, "false");
  db.runcall(mod.main, 3);
  assert.equal(returns, [["other", 1, 2]]);
});

Calls.run();

const Steps = suite("bdb edges: call and return events while stepping (Bdb's own userCall and userReturn)");
Steps.after.each(cleanup);

/** Overrides only userLine (the watch then leaves out the calls and returns Bdb would do nothing with); `act` decides at each stop. */
function stepper(act, unwatched = false) {
  const log = [];
  class S extends Bdb {
    userLine(frame) {
      log.push(`${frame.code.name} ${frame.lineno}`);
      act(this, frame, log.length);
    }
  }
  class U extends S {
    stopHere(frame) {
      return super.stopHere(frame);
    }
  }
  return { db: unwatched ? new U() : new S(), log };
}

Steps("stepping out of a callee gives the caller entered while continuing its trace function (setCallerTracefunc)", async () => {
  // The caller is in a file without breakpoints: it was entered while continuing, untraced.
  const callee = instrumentToFile(
    `export function helper(x) {
  const y = x * 2;
  return y;
}
`,
    "callee.mjs",
  );
  const caller = instrumentToFile(
    `export function main(n, helper) {
  const a = mid(n, helper);
  return a + 1;
}
function mid(n, helper) {
  const r = helper(n);
  const s = r + 1;
  return s;
}
`,
    "caller.mjs",
  );
  const { helper } = await load(callee.out);
  const { main } = await load(caller.out);
  const logs = [];
  for (const unwatched of [false, true]) {
    const { db, log } = stepper((d, _frame, n) => (n === 1 ? d.setContinue() : d.setStep()), unwatched);
    db.setBreak(callee.original, 2);
    assert.is(db.runcall(main, 3, helper), 8);
    logs.push(log);
  }
  assert.equal(logs[0], ["main 2", "helper 2", "helper 3", "mid 7", "mid 8", "main 3"]);
  assert.equal(logs[0], logs[1]);
});

Steps("next, until and return over calls and generators stop where they do without the watch", async () => {
  const { out } = instrumentToFile(WATCHED, "steps.mjs");
  const mod = await load(out);
  const plan = (d, frame, n) => {
    if (n > 40) d.setContinue();
    else if (n % 5 === 0) d.setReturn(frame);
    else if (n % 3 === 0) d.setNext(frame);
    else if (n % 7 === 0) d.setUntil(frame);
    else d.setStep();
  };
  const logs = [];
  for (const unwatched of [false, true]) {
    const { db, log } = stepper(plan, unwatched);
    const r = db.runcall(() => {
      let s = mod.main(4);
      for (const v of mod.gen()) s += v;
      return s;
    });
    logs.push([r, log]);
  }
  assert.ok(logs[0][1].length > 10);
  assert.equal(logs[0], logs[1]);
});

Steps("next over a call into a file with breakpoints: the callee is traced and its breakpoint stops", async () => {
  const callee = instrumentToFile(
    `export function helper(x) {
  const y = x * 2;
  return y;
}
`,
    "bpcallee.mjs",
  );
  const caller = instrumentToFile(
    `export function main(n, helper) {
  const a = helper(n);
  return a + 1;
}
`,
    "bpcaller.mjs",
  );
  const { helper } = await load(callee.out);
  const { main } = await load(caller.out);
  const logs = [];
  for (const unwatched of [false, true]) {
    const { db, log } = stepper((d, frame) => d.setNext(frame), unwatched);
    db.setBreak(callee.original, 3);
    assert.is(db.runcall(main, 3, helper), 7);
    logs.push(log);
  }
  assert.equal(logs[0], ["main 2", "helper 3", "main 3"]);
  assert.equal(logs[0], logs[1]);
});

Steps("return issued in a generator: it stays traced when resumed, and stepping goes on when it finishes", async () => {
  const { out } = instrumentToFile(
    `export function main() {
  let s = 0;
  for (const v of gen()) {
    s += v;
  }
  return s;
}
function* gen() {
  yield 1;
  yield 2;
  return 3;
}
`,
    "genreturn.mjs",
  );
  const { main } = await load(out);
  const logs = [];
  for (const unwatched of [false, true]) {
    const { db, log } = stepper((d, frame) => (frame.code.name === "gen" && log.length < 4 ? d.setReturn(frame) : d.setStep()), unwatched);
    assert.is(db.runcall(main), 3);
    logs.push(log);
  }
  assert.equal(logs[0], logs[1]);
  assert.ok(logs[0].includes("gen 9"));
});

Steps.run();

const Inst = suite("bdb edges: runcall from instrumented code; TypeScript");
Inst.after.each(cleanup);

Inst("runcall from instrumented code: botframe is the caller, never stepped into (gh-125422)", async () => {
  const { out } = instrumentToFile(
    `export function outer(db) {
  const r = db.runcall(inner, 2);
  return r + 1;
}
function inner(x) {
  const y = x * 3;
  return y;
}
`,
    "fromcode.mjs",
  );
  const { outer } = await load(out);
  let bot;
  const db = new Recorder([
    "step",
    "step",
    (d) => {
      bot = d.botframe;
      d.setStep();
    },
    "step",
    "step",
  ]);
  assert.is(outer(db), 7);
  assert.equal(db.log, ["line inner 6", "line inner 7", "return inner 7"]);
  assert.is(bot.code.name, "outer");
});

Inst("breakpoints and stops use TypeScript line numbers", async () => {
  const { original, out } = instrumentToFile(
    `interface Point {
  x: number;
  y: number;
}

export function norm(p: Point): number {
  const sq: number = p.x * p.x + p.y * p.y;
  return Math.sqrt(sq);
}
`,
    "norm.ts",
  );
  const { norm } = await load(out);
  const db = new Recorder([
    (d) => {
      assert.is(d.setBreak(original, 2), `Line ${original}:2 holds no code`);
      d.setBreak(original, 8);
      d.setContinue();
    },
    "step",
    "continue",
  ]);
  assert.is(db.runcall(norm, { x: 3, y: 4 }), 5);
  assert.equal(db.log, ["line norm 7", "line norm 8", "return norm 8"]);
});

Inst.run();
