// The trace model (SPEC §2): which events fire, in what order, with which
// line numbers, for each kind of code.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { instrumentToFile, load, rt, traceRun } from "./helpers/run.mjs";

const show = (events) => events.map(([e, name, line]) => `${e} ${name} ${line}`);

test("calls, lines, returns and loop heads on every iteration", async () => {
  const { events, error } = await traceRun(`function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}
let s = 0;
for (let i = 0; i < 2; i++) {
  s += fib(i);
}
`);
  assert.is(error, undefined);
  assert.equal(show(events), [
    "call <module> 1",
    "line <module> 5",
    "line <module> 6",
    "line <module> 7",
    "call fib 1",
    "line fib 2",
    "return fib 2",
    "line <module> 6",
    "line <module> 7",
    "call fib 1",
    "line fib 2",
    "return fib 2",
    "line <module> 6",
    "return <module> 6",
  ]);
});

test("two statements on one line give one line event; arrow bodies are one statement", async () => {
  const { events } = await traceRun(`const f = (x) => x + 1;
let a = 1; let b = f(a);
export { b };
`);
  assert.equal(show(events), [
    "call <module> 1",
    "line <module> 1",
    "line <module> 2",
    "call f 1",
    "line f 1",
    "return f 1",
    "return <module> 2",
  ]);
});

test("return events carry the value; falling off the end returns undefined", async () => {
  const returns = [];
  await traceRun(
    `function one() { return 1; }
function none() { }
one(); none();
`,
    "ret.mjs",
    { local: (frame, event, arg) => event === "return" && returns.push([frame.code.name, arg]) },
  );
  assert.equal(returns, [
    ["one", 1],
    ["none", undefined],
    ["<module>", undefined],
  ]);
});

test("a return a finally discards (break, throw) is not the return event's value, in a function or a generator", async () => {
  const returns = [];
  await traceRun(
    `function f() {
  try {
    return 42;
  } finally {
    do try { return 43; } finally { break; } while (0);
  }
}
function* g() {
  try {
    return 1;
  } finally {
    try { try { return 2; } finally { throw 9; } } catch {}
  }
}
f(); g().next();
`,
    "discard.mjs",
    { local: (frame, event, arg) => event === "return" && frame.code.name !== "<module>" && returns.push([frame.code.name, arg]) },
  );
  assert.equal(returns, [
    ["f", 42],
    ["g", 1],
  ]);
});

test("an exception two frames down: one exception event per frame, then return, with the traceback", async () => {
  const tbs = [];
  const { events, exports } = await traceRun(
    `function c() {
  throw new Error("x");
}
function b() {
  c();
}
function a() {
  try {
    b();
  } catch (e) {
    return e.message;
  }
}
export const result = a();
`,
    "exc.mjs",
    {
      local: (frame, event, arg) => {
        if (event !== "exception") return;
        const chain = [];
        for (let tb = arg[2]; tb; tb = tb.next) chain.push(`${tb.frame.code.name}:${tb.lineno}`);
        tbs.push([arg[0] === Error, arg[1].message, chain.join(" ")]);
      },
    },
  );
  assert.is(exports.result, "x");
  assert.equal(show(events).slice(1, -1), [
    "line <module> 14",
    "call a 7",
    "line a 8",
    "line a 9",
    "call b 4",
    "line b 5",
    "call c 1",
    "line c 2",
    "exception c 2",
    "return c 2",
    "exception b 5",
    "return b 5",
    "exception a 9",
    "line a 11",
    "return a 11",
  ]);
  assert.equal(tbs, [
    [true, "x", "c:2"],
    [true, "x", "b:5 c:2"],
    [true, "x", "a:9 b:5 c:2"],
  ]);
});

test("an exception leaving a frame: its return event has no value, module frames included", async () => {
  const returns = [];
  const { error } = await traceRun(
    `function f() { throw new TypeError("t"); }
f();
`,
    "leave.mjs",
    { local: (frame, event, arg) => event === "return" && returns.push([frame.code.name, arg]) },
  );
  assert.instance(error, TypeError);
  assert.equal(returns, [
    ["f", undefined],
    ["<module>", undefined],
  ]);
  assert.is(rt.state.sp, 0);
});

test("exceptions through code that is not instrumented (Array.prototype.map)", async () => {
  const { events, exports } = await traceRun(`function run() {
  try {
    return [1, 2].map((x) => {
      if (x === 2) throw new Error("in map");
      return x;
    });
  } catch (e) {
    return e.message;
  }
}
export const r = run();
`);
  assert.is(exports.r, "in map");
  const excs = show(events).filter((e) => e.startsWith("exception"));
  assert.equal(excs, ["exception <anonymous> 4", "exception run 3"]);
});

test("recursion until RangeError leaves the frame chain intact", async () => {
  const { exports } = await traceRun(`import { getframe } from ${JSON.stringify(rtPath())};
function down(n) { return down(n + 1) + 1; }
function probe() { const f = getframe(); return [f.code.name, f.back.code.name, f.back.back]; }
let caught;
try { down(0); } catch (e) { caught = e.constructor.name; }
export const result = [caught, ...probe()];
`);
  assert.equal(exports.result.slice(0, 3), ["RangeError", "probe", "<module>"]);
  assert.is(exports.result[3], null);
  assert.is(rt.state.sp, 0);
});

test("generators: each resume is a call, each yield a return with the value", async () => {
  const args = [];
  const { events } = await traceRun(
    `function* g() {
  yield 1;
  yield 2;
}
const it = g();
it.next(); it.next(); it.next();
`,
    "gen.mjs",
    { local: (frame, event, arg) => frame.code.name === "g" && event === "return" && args.push(arg) },
  );
  assert.equal(
    show(events).filter((e) => e.includes(" g ")),
    ["call g 1", "line g 2", "return g 2", "call g 2", "line g 3", "return g 3", "call g 3", "return g 3"],
  );
  assert.equal(args, [1, 2, undefined]);
});

test("frame.suspending: true at a yield's return event, false when the generator finishes; one locals view per frame", async () => {
  const seen = [];
  await traceRun(
    `function* g() {
  yield 1;
}
const it = g();
it.next(); it.next();
`,
    "suspending.mjs",
    {
      local: (frame, event) => {
        if (frame.code.name !== "g") return;
        if (event === "return") seen.push(frame.suspending);
        const view = frame.locals;
        if (view !== frame.locals) seen.push("two locals views");
      },
    },
  );
  assert.equal(seen, [true, false]);
});

test("a generator frame keeps its identity; .throw() and .return() from outside", async () => {
  const frames = new Set();
  const { events, exports } = await traceRun(
    `function* g() {
  try {
    yield 1;
  } catch (e) {
    yield "caught " + e;
  } finally {
    log.push("finally");
  }
}
const log = [];
const a = g(); a.next(); log.push(a.throw("boom").value); a.return(5);
export { log };
`,
    "gen2.mjs",
    { local: (frame) => frame.code.name === "g" && frames.add(frame) },
  );
  assert.equal(exports.log, ["caught boom", "finally"]);
  assert.is(frames.size, 1);
  const g = show(events).filter((e) => e.includes(" g "));
  assert.equal(g, [
    "call g 1",
    "line g 2",
    "line g 3",
    "return g 3",
    "call g 3",
    "exception g 3",
    "line g 5",
    "return g 5",
    "call g 5",
    "line g 7",
    "return g 7",
  ]);
});

test("yield* delegates and the outer frame leaves the stack while it does", async () => {
  const { exports } = await traceRun(`function* inner() { yield 1; return "r"; }
function* outer() { const r = yield* inner(); yield r; }
export const all = [...outer()];
`);
  assert.equal(exports.all, [1, "r"]);
  assert.is(rt.state.sp, 0);
});

test("async functions interleave across await; resumed frames have no caller", async () => {
  const backs = [];
  const { exports, events } = await traceRun(
    `async function w(name) {
  await null;
  order.push(name);
  await null;
  order.push(name);
}
const order = [];
await Promise.all([w("a"), w("b")]);
export { order };
`,
    "async.mjs",
    { local: (frame, event) => frame.code.name === "w" && event === "call" && backs.push(frame.back?.code.name ?? null) },
  );
  assert.equal(exports.order, ["a", "b", "a", "b"]);
  assert.equal(backs, ["<module>", "<module>", null, null, null, null]);
  const w = show(events).filter((e) => e.includes(" w "));
  assert.equal(w.slice(0, 3), ["call w 1", "line w 2", "return w 2"]);
  assert.is(rt.state.sp, 0);
});

test("try/finally: return in finally wins, finally code is reached after the exception event", async () => {
  const { exports, events } = await traceRun(`function f() {
  try {
    throw new Error("e");
  } finally {
    return "finally";
  }
}
export const r = f();
`);
  assert.is(exports.r, "finally");
  assert.equal(
    show(events).filter((e) => e.includes(" f ")),
    ["call f 1", "line f 2", "line f 3", "exception f 3", "line f 5", "return f 5"],
  );
});

test("labeled continue reports the loop head it continues", async () => {
  const { events } = await traceRun(`outer: for (let i = 0; i < 2; i++) {
  for (let j = 0; j < 2; j++) {
    continue outer;
  }
}
`);
  assert.equal(show(events).slice(1), [
    "line <module> 1",
    "line <module> 2",
    "line <module> 3",
    "line <module> 1",
    "line <module> 2",
    "line <module> 3",
    "line <module> 1",
    "return <module> 1",
  ]);
});

test("switch fall-through reports each case statement", async () => {
  const { events } = await traceRun(`function s(x) {
  switch (x) {
    case 1:
      x += 1;
    case 2:
      x += 2;
      break;
  }
  return x;
}
s(1);
`);
  assert.equal(
    show(events).filter((e) => e.includes(" s ")),
    ["call s 1", "line s 2", "line s 4", "line s 6", "line s 7", "line s 9", "return s 9"],
  );
});

test("function declarations are hoisted past return and report no line of their own", async () => {
  const { events, exports } = await traceRun(`function h() {
  return f();
  function f() { return 3; }
}
export const r = h();
`);
  assert.is(exports.r, 3);
  assert.equal(
    show(events).filter((e) => !e.includes("<module>")),
    ["call h 1", "line h 2", "call f 3", "line f 3", "return f 3", "return h 2"],
  );
});

test("class members: constructors (code before super), fields, static blocks, getters", async () => {
  const { events, exports } = await traceRun(`class A {
  constructor(x) { this.x = x; }
}
class B extends A {
  y = this.x + 1;
  static {
    B.made = 0;
  }
  constructor(x) {
    const t = x * 2;
    super(t);
  }
  get double() {
    return this.y * 2;
  }
}
export const r = new B(1).double;
`);
  assert.is(exports.r, 6);
  const names = [...new Set(events.filter((e) => e[0] === "call").map((e) => e[1]))];
  assert.equal(names, ["<module>", "<static>", "constructor", "y", "get double"]);
  assert.equal(
    show(events)
      .filter((e) => e.includes(" constructor "))
      .slice(0, 3),
    ["call constructor 9", "line constructor 10", "line constructor 11"],
  );
});

test("code names and qualified names", async () => {
  const { exports } = await traceRun(`import { getframe } from ${JSON.stringify(rtPath())};
const here = () => { const c = getframe(1).code; return c.name + "|" + c.qualname; };
export const f = () => here();
const o = { m() { return here(); }, get g() { return here(); } };
class K { static s() { return here(); } #p() { return here(); } q() { return this.#p(); } }
function outer() { function inner() { return here(); } return inner(); }
export default function () { return here(); }
export const names = [f(), o.m(), o.g, K.s(), new K().q(), outer(), (function () { return here(); })()];
`);
  assert.equal(exports.names, [
    "f|f",
    "m|o.m",
    "get g|o.get g",
    "s|K.s",
    "#p|K.#p",
    "inner|outer.<locals>.inner",
    "<anonymous>|<anonymous>",
  ]);
  assert.is(exports.default.name, "default");
  assert.is(exports.f.name, "f");
});

test("frame.locals: current values, TDZ bindings absent, writes change the variable, added keys stay", async () => {
  const seen = [];
  const { exports } = await traceRun(
    `function f(a) {
  let before = a + 1;
  let b = 2;
  b = b + before;
  let after = 0;
  return [a, b, after];
}
export const r = f(1);
`,
    "locals.mjs",
    {
      local: (frame, event) => {
        if (frame.code.name !== "f") return;
        if (event === "line" && frame.lineno === 3) {
          seen.push(Object.keys(frame.locals).sort().join(","), "b" in frame.locals);
          frame.locals.before = 40;
          frame.locals.__return__ = "kept";
        }
        if (event === "line" && frame.lineno === 5) seen.push(frame.locals.before, frame.locals.__return__);
        if (event === "line" && frame.lineno === 6) seen.push(frame.eval("after + b"));
      },
    },
  );
  assert.equal(seen, ["a,before", false, 40, "kept", 42]);
  assert.equal(exports.r, [1, 42, 0]);
});

test("frame.eval sees block-scoped bindings and this", async () => {
  let got;
  await traceRun(
    `const obj = {
  k: 7,
  m() {
    for (let i = 3; i < 4; i++) {
      const j = i * 2;
      return j;
    }
  },
};
obj.m();
`,
    "eval.mjs",
    {
      local: (frame, event) => {
        if (frame.code.name === "m" && event === "line" && frame.lineno === 6) got = frame.eval("[i, j, this.k]");
      },
    },
  );
  assert.equal(got, [3, 6, 7]);
});

test("a trace function that throws stops tracing and raises in the program", async () => {
  const { error, events } = await traceRun(
    `let x = 1;
x = 2;
x = 3;
`,
    "throws.mjs",
    {
      local: (frame, event) => {
        if (event === "line" && frame.lineno === 2) throw new Error("from tracer");
      },
    },
  );
  assert.is(error.message, "from tracer");
  assert.is(rt.gettrace(), null);
  assert.equal(show(events), ["call <module> 1", "line <module> 1", "line <module> 2"]);
  assert.is(rt.state.sp, 0);
});

test("setunwinderror: a trace function that throws an error of that class stays installed and sees each catch", async () => {
  class Unwind extends Error {}
  const seen = [];
  rt.setunwinderror(Unwind);
  try {
    const { error } = await traceRun(
      `function inner() {
  return 1;
}
let caught = 0;
try {
  inner();
} catch (e) {
  caught++;
}
try {
  inner();
} catch (e) {
  caught++;
}
export { caught };
`,
      "unwind.mjs",
      {
        local: (frame, event, arg) => {
          seen.push(event + " " + frame.code.name + " " + frame.lineno);
          if (event === "call" && frame.code.name === "inner") throw new Unwind("quit");
          if (event === "exception" && frame.code.name === "<module>" && frame.lineno === 6) {
            assert.ok(arg[1] instanceof Unwind);
            throw new Unwind("again");
          }
        },
      },
    );
    // the first catch block never ran: the trace function threw again from its exception event
    assert.is(error.message, "again");
    assert.ok(seen.includes("exception <module> 6"));
    assert.not.ok(seen.some((s) => s.startsWith("line <module> 8")));
  } finally {
    rt.setunwinderror(null);
  }
  // any other error still removes the trace function (sys.settrace's rule, tested above)
  assert.is(rt.gettrace(), null);
  assert.is(rt.state.sp, 0);
});

test("no trace function: no events, and getframe still works", async () => {
  const { out } = instrumentToFile(
    `import { getframe } from ${JSON.stringify(rtPath())};
function f() { return getframe(); }
export const fr = f();
export const line = (() => getframe().lineno)();
`,
    "plain.mjs",
  );
  const m = await load(out);
  assert.is(m.fr.code.name, "f");
  assert.is(m.fr.lineno, 2);
  assert.is(m.fr.back.code.name, "<module>");
  assert.is(m.line, 4);
});

test("the debugger statement calls the runtime's debugger hook with its frame", async () => {
  const hits = [];
  rt.setdebuggerhook((frame) => hits.push([frame.code.name, frame.lineno]));
  try {
    const { out } = instrumentToFile(
      `function f() {
  let a = 1;
  debugger;
  return a;
}
export const r = f();
`,
      "dbg.mjs",
    );
    const m = await load(out);
    assert.is(m.r, 1);
  } finally {
    rt.setdebuggerhook(null);
  }
  assert.equal(hits, [["f", 3]]);
});

/** A trace function that records `event name line` for the frames of `filename`, and stays on. */
function recorder(filename) {
  const events = [];
  const tracer = (frame, event) => {
    if (frame.code.filename === filename) events.push(`${event} ${frame.code.name} ${frame.lineno}`);
    return tracer;
  };
  return { events, tracer };
}

test("setwatch: events a trace function does not want are not dispatched", async () => {
  const { original, out } = instrumentToFile(
    `function hot(n) { return n + 1; }
function cold(n) {
  let x = n;
  return x;
}
export function run() { hot(1); cold(2); }
`,
    "watch.mjs",
  );
  const m = await load(out);
  const { events, tracer } = recorder(original);
  rt.settrace(tracer);
  rt.setwatch({ calls: (code) => code.name === "cold", lines: (code) => (code.name === "cold" ? [4] : false) });
  try {
    m.run();
  } finally {
    rt.settrace(null);
  }
  assert.equal(events, ["call cold 2", "line cold 4", "return cold 4"]);
});

test("setwatch: quietCall answers a call event's trace function without dispatching it; false dispatches it", async () => {
  const { original, out } = instrumentToFile(
    `function hot(n) {
  return n + 1;
}
function cold(n) {
  return n;
}
export function run() { return hot(1) + cold(2); }
`,
    "quietcall.mjs",
  );
  const m = await load(out);
  const { events, tracer } = recorder(original);
  const asked = [];
  rt.settrace(tracer);
  rt.setwatch({
    // (no `calls`, no `lines`: every event wanted) hot: traced by `tracer` without its call event; cold: not traced; the rest dispatched.
    quietCall: (frame, trace) => {
      asked.push(frame.code.name);
      assert.is(trace, tracer);
      return frame.code.name === "hot" ? tracer : frame.code.name === "cold" ? null : false;
    },
  });
  try {
    assert.is(m.run(), 4);
  } finally {
    rt.settrace(null);
  }
  assert.equal(asked, ["run", "hot", "cold"]);
  assert.equal(events, ["call run 7", "line run 7", "line hot 2", "return hot 2", "return run 7"]);
});

test("setwatch: a watch without calls and lines wants every event, also right after one that narrowed them", async () => {
  const { original, out } = instrumentToFile(
    `export function f(n) {
  const m = n + 1;
  return m;
}
`,
    "widewatch.mjs",
  );
  const m = await load(out);
  const { events, tracer } = recorder(original);
  rt.settrace(tracer);
  try {
    rt.setwatch({ calls: () => false, lines: () => false });
    m.f(1);
    assert.equal(events, []);
    rt.setwatch({ quietReturn: () => false });
    m.f(2);
    rt.setwatch(null);
    m.f(3);
  } finally {
    rt.settrace(null);
  }
  const once = ["call f 1", "line f 2", "line f 3", "return f 3"];
  assert.equal(events, [...once, ...once]);
});

test("an exception passing through the module's top level: exception event and traceback there too", async () => {
  const chains = [];
  const { error } = await traceRun(
    `function f() {
  throw new Error("x");
}
f();
`,
    "modexc.mjs",
    {
      local: (frame, event, arg) => {
        if (event !== "exception") return;
        const chain = [];
        for (let tb = arg[2]; tb; tb = tb.next) chain.push(`${tb.frame.code.name}:${tb.lineno}`);
        chains.push(chain.join(" "));
      },
    },
  );
  assert.is(error.message, "x");
  assert.equal(chains, ["f:2", "<module>:4 f:2"]);
  assert.is(rt.gettraceback(error).frame.code.name, "<module>");
});

test("a let/const initializer that throws at the module's top level: exception and return events there", async () => {
  const { events, error } = await traceRun(
    `const a = 1, b = a + 1;
export const table = JSON.parse("{");
`,
    "modconst.mjs",
  );
  assert.is(error.name, "SyntaxError");
  assert.equal(show(events), ["call <module> 1", "line <module> 1", "line <module> 2", "exception <module> 2", "return <module> 2"]);
  assert.is(rt.gettraceback(error).frame.code.name, "<module>");
  assert.is(rt.state.sp, 0);
});

test("a later declarator of a top-level let/const that throws: exception there; the earlier ones are initialized first", async () => {
  const seen = [];
  const { events, error } = await traceRun(
    `const a = 1, b = a + 1;
export const ok = b * 2, bad = JSON.parse("{" + ok);
`,
    "moddecl.mjs",
    { local: (frame, event) => event === "exception" && seen.push(frame.eval("[a, b, ok]")) },
  );
  assert.is(error.name, "SyntaxError");
  assert.equal(show(events).slice(-2), ["exception <module> 2", "return <module> 2"]);
  assert.equal(seen, [[1, 2, 4]]);
});

test("a class declaration that throws at the module's top level: exception there; classes stay what they were", async () => {
  const { events, error } = await traceRun(
    `export class Shape {
  static kind = "shape";
  area() { return 0; }
}
const Missing = undefined;
export class Square extends Missing {}
`,
    "modclass.mjs",
  );
  assert.match(error.message, /Class extends value undefined/);
  assert.equal(show(events).slice(-3), ["line <module> 6", "exception <module> 6", "return <module> 6"]);
  const { exports } = await traceRun(
    `export class Shape {
  static kind = Shape.name;
}
export let replaced = Shape;
Shape = class Other {};
export const after = Shape.name;
`,
    "modclass2.mjs",
  );
  assert.equal([exports.replaced.name, exports.replaced.kind, exports.after], ["Shape", "Shape", "Other"]);
});

test("frame.eval sees the module's own bindings from any frame; assignments to them stick", async () => {
  const seen = [];
  const { exports } = await traceRun(
    `let ticks = 0;
const LIMIT = 3;
function helper() { return "h"; }
function tick() {
  ticks += 1;
  return ticks;
}
tick();
export const after = () => ticks;
`,
    "modscope.mjs",
    {
      local: (frame, event) => {
        if (frame.code.name === "tick" && event === "line" && frame.lineno === 6) {
          seen.push(frame.eval("[ticks, LIMIT, helper()]"));
          frame.eval("ticks = 10");
          seen.push(Object.keys(frame.locals).includes("helper"));
        }
      },
    },
  );
  assert.equal(seen, [[1, 3, "h"], false]);
  assert.is(exports.after(), 10);
});

test("an async frame resumed by a rejected await keeps its locals for the exception event", async () => {
  let got;
  await traceRun(
    `async function f(x) {
  const y = x + 1;
  await Promise.reject(new Error("boom"));
}
await f(1).catch(() => {});
`,
    "asyncexc.mjs",
    {
      local: (frame, event) => {
        if (frame.code.name === "f" && event === "exception") got = frame.eval("[x, y]");
      },
    },
  );
  assert.equal(got, [1, 2]);
});

test("a return at the top level of a script returns its value after the return event", async () => {
  const { instrument } = await import("../dist/compiler.mjs");
  const { code } = instrument("function f() { return 42; }\nreturn (f()\n);\n", { sourceType: "commonjs", runtime: rtPath() });
  const returns = [];
  const tracer = (frame, event, arg) => (event === "return" && returns.push([frame.code.name, arg]), tracer);
  rt.settrace(tracer);
  let value;
  try {
    value = new Function(code)();
  } finally {
    rt.settrace(null);
  }
  assert.is(value, 42);
  assert.equal(returns, [
    ["f", 42],
    ["<module>", 42],
  ]);
  assert.is(rt.state.sp, 0);
});

test("a loop that can observe nothing: same results and lines traced or not, and objects take the instrumented path", async () => {
  const src = `import { getframe } from ${JSON.stringify(rtPath())};
export function count(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = s + 2;
  }
  return s;
}
export const seen = [];
export const box = { valueOf() { seen.push(getframe().back.lineno); return 2; } };
`;
  const { out } = instrumentToFile(src, "plainloop.mjs");
  const m = await load(out);
  assert.is(m.count(3), 6);
  assert.is(m.count(m.box), 4);
  assert.equal(m.seen, [4, 4, 4]);
  const { events } = await traceRun(src + "count(2);\n", "plainloop2.mjs");
  assert.equal(
    show(events).filter((e) => e.includes(" count ")),
    [
      "call count 2",
      "line count 3",
      "line count 4",
      "line count 5",
      "line count 4",
      "line count 5",
      "line count 4",
      "line count 7",
      "return count 7",
    ],
  );
});

test("reused snapshots: values a site cannot see change are reused, anything that can change them is seen", async () => {
  const seen = {};
  const source = readFileSync(new URL("fixtures/snapshots/kept.cjs", import.meta.url), "utf8");
  const { exports } = await traceRun(source, "kept.cjs", {
    local: (frame, event) => {
      if (event !== "line") return;
      const at = (name, line) => frame.code.name === name && frame.lineno === line;
      if (at("aliased", 12) || at("viaEval", 16) || at("viaClosure", 21)) seen[frame.code.name] = frame.locals.a;
      if (at("stable", 3)) frame.locals.a = 7;
      if (at("stable", 4)) seen.stable = [frame.locals.a, frame.locals.b];
      if (at("twice", 31)) seen.twice = frame.locals.a;
    },
  });
  assert.equal(seen, { aliased: 2, viaEval: 3, viaClosure: 4, stable: [7, 14], twice: 6 });
  assert.equal(exports.default, [21, 2, 2, 3, 4, undefined, 6]);
});

test("reused snapshots: a frame made in the middle of its code (setTrace) gets the values at its next line", async () => {
  const { out } = instrumentToFile(
    `import { getframe, settrace } from ${JSON.stringify(rtPath())};
export const seen = [];
const tracer = (frame, event) => {
  if (event === "line" && frame.code.name === "late") seen.push([frame.lineno, frame.locals.a, frame.locals.b]);
  return tracer;
};
function late(a) {
  const b = a + 1;
  start();
  return a + b;
}
function start() {
  settrace(tracer);
  getframe(1).trace = tracer;
}
export const r = late(1);
settrace(null);
`,
    "late.mjs",
  );
  const m = await load(out);
  assert.equal(m.seen, [[10, 1, 2]]);
  assert.is(m.r, 3);
});

function rtPath() {
  return new URL("../dist/runtime/internal.js", import.meta.url).pathname;
}

test.run();
