// Exceptions in the generated code (docs/generated-code.md, "Exceptions"): a synchronous function
// only instrumented code can call has no handler of its own; the catch that stops an exception
// reports the frames it left, puts the depth back and clears their values.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { instrument } from "../dist/compiler.mjs";
import { instrumentToFile, load, root, rt, tmp, traceRun } from "./helpers/run.mjs";

const shape = (source, filename = "/x/case.mjs") => instrument(source, { filename, sourceMaps: "none" }).code;
/** The generated text of function `name` (up to the next top-level function). */
const fnText = (code, name) => {
  const from = code.indexOf(`function ${name}(`);
  return code.slice(from, code.indexOf("\n}", from) + 2);
};

test("a function only this file's code calls has no handler; one others can call catches and raises", () => {
  const code = shape(`function inner(n) {
  if (n === 0) throw new Error("x");
  return inner(n - 1);
}
const arrow = (n) => inner(n);
export function outer(n) {
  return arrow(n);
}
function escapes() {}
setTimeout(escapes);
`);
  assert.not.match(fnText(code, "inner"), /catch \(\$e\)/);
  assert.not.match(code.slice(code.indexOf("const arrow"), code.indexOf("\n};", code.indexOf("const arrow"))), /catch \(\$e\)/);
  assert.match(fnText(code, "outer"), /catch \(\$e\) \{\s*\$rs\(\$d, \$e\);/);
  assert.match(fnText(code, "escapes"), /\$rs\(/);
});

test("a plain script's top-level functions are global (anyone can call them); a CommonJS file's are not", () => {
  const source = "function f() { return 1; }\nf();\n";
  assert.match(instrument(source, { filename: "/x/a.js", sourceType: "script", sourceMaps: "none" }).code, /\$(?:t\w*\$)?rs\(/);
  assert.not.match(instrument(source, { filename: "/x/a.cjs", sourceMaps: "none" }).code, /\$(?:t\w*\$)?rs\(/);
  // a .js file known to be CommonJS (the hook's, a package of type commonjs): its functions are the module's
  assert.not.match(instrument(source, { filename: "/x/a.js", sourceType: "commonjs", sourceMaps: "none" }).code, /\$(?:t\w*\$)?rs\(/);
  assert.match(instrument(source, { filename: "/x/a.js", sourceType: "unambiguous", sourceMaps: "none" }).code, /\$(?:t\w*\$)?rs\(/);
  const block = "{ function g() { return 1; } }\ng();\n";
  assert.match(instrument(block, { filename: "/x/b.js", sourceType: "script", sourceMaps: "none" }).code, /\$(?:t\w*\$)?rs\(/);
  // inside a function it is the function's own: only h (a global) raises
  const nested = instrument(`function h() { ${block} }\nh();\n`, { filename: "/x/c.js", sourceType: "script", sourceMaps: "none" }).code;
  assert.is(nested.match(/\$(?:t\w*\$)?rs\(/g).length, 1);
});

test("assigned, exported or eval-reachable functions keep their handler", () => {
  assert.match(shape("let f = function () {};\nf = () => {};\nf();\n"), /\$rs\(/);
  assert.match(shape("function f() {}\nexport { f };\n"), /\$rs\(/);
  assert.match(shape("function f() {}\nf();\neval('f');\n", "/x/e.cjs"), /\$rs\(/);
  assert.match(shape("function f() {}\nf.call(null);\n"), /\$rs\(/);
});

test("the catch puts the depth back and clears the values of the frames an exception left", async () => {
  const { out } = instrumentToFile(
    `function deep(o, n) {
  if (n === 0) throw new Error("x");
  return deep(o, n - 1);
}
export function run(o) {
  try {
    deep(o, 5);
  } catch (e) {
    return [globalThis.depthNow(), e.message];
  }
}
`,
    "left.mjs",
  );
  globalThis.depthNow = () => rt.state.sp;
  const { run } = await load(out);
  const marker = { marker: true };
  assert.equal(run(marker), [1, "x"]);
  assert.is(rt.state.sp, 0);
  assert.not.ok(Array.prototype.includes.call(rt.flat, marker), "no value of a frame the exception left stays reachable");
  delete globalThis.depthNow;
});

test("a frame is at its first statement's line from its entry (`enter` stores it); its call event and an interrupt there show the entry line", async () => {
  const { out } = instrumentToFile(
    `function thrower() {
  throw new Error("line 2");
}
export function first(peek) {
  return peek();
}
export function run() {
  try {
    thrower();
  } catch (e) {
    return e;
  }
}
`,
    "firstline.mjs",
  );
  assert.match(fnText(readFileSync(out, "utf8"), "thrower"), /\$en\(\$b \+ 1, 2\),/, "the body's first line store is the prologue's");
  const { first, run } = await load(out);
  const here = () => rt.getframe(0).lineno;
  // No trace function: a callee looks at the frame.
  assert.is(first(here), 5);
  // Traced, no call events (the watch says none would act): the traceback has the throw's line.
  rt.settrace(() => null);
  rt.setwatch({ calls: () => false, lines: () => false });
  let error;
  try {
    error = run();
  } finally {
    rt.settrace(null);
  }
  const tb = rt.gettraceback(error);
  assert.equal([tb.frame.code.name, tb.lineno, tb.next.frame.code.name, tb.next.lineno], ["run", 9, "thrower", 2]);
  // The call event sees the entry line, the first line event and the callee the first statement's.
  const events = [];
  const tracer = (frame, event) => {
    if (frame.code.name === "first") events.push(`${event} ${frame.lineno}`);
    return tracer;
  };
  rt.settrace(tracer);
  try {
    events.push(`peek ${first(here)}`);
  } finally {
    rt.settrace(null);
  }
  assert.equal(events, ["call 4", "line 5", "return 5", "peek 5"]);
  // An interrupt taken at the entry stops at the entry line, then the frame goes on at its first statement's.
  const stops = [];
  rt.setinterrupthandler((frame) => stops.push(`${frame.code.name} ${frame.lineno}`));
  try {
    Atomics.store(new Int32Array(rt.interruptbuffer()), 0, 1);
    assert.is(first(here), 5);
  } finally {
    rt.setinterrupthandler(null);
  }
  assert.equal(stops, ["first 4"]);
  // One test at the entry for both (`($k.c||$I[0])&&call(...)`): traced, an interrupt there comes after
  // the call event; where the code's call events are not wanted, the request alone dispatches none.
  for (const wanted of [true, false]) {
    const seen = [];
    const tracing = (frame, event) => {
      if (frame.code.name === "first") seen.push(`${event} ${frame.lineno}`);
      return wanted ? tracing : null;
    };
    rt.settrace(tracing);
    rt.setwatch({ calls: (code) => wanted && code.name === "first", lines: () => false });
    rt.setinterrupthandler((frame) => seen.push(`stop ${frame.code.name} ${frame.lineno}`));
    try {
      Atomics.store(new Int32Array(rt.interruptbuffer()), 0, 1);
      assert.is(first(here), 5);
    } finally {
      rt.setinterrupthandler(null);
      rt.settrace(null);
    }
    assert.equal(seen, wanted ? ["call 4", "stop first 4", "return 5"] : ["stop first 4"]);
  }
  assert.is(rt.state.sp, 0);
});

test("traced: frames without a handler report exception then return, innermost first, when the exception is caught", async () => {
  const { events, exports } = await traceRun(
    `function c(n) {
  if (n === 0) throw new TypeError("no");
  return c(n - 1);
}
function b() {
  return c(1) + 1;
}
export function a() {
  try {
    return b();
  } catch (e) {
    return e.name;
  }
}
a();
`,
    "late.mjs",
  );
  assert.is(exports.a(), "TypeError");
  const names = events.filter(([e]) => e === "exception" || e === "return").map(([e, name, line]) => `${e} ${name} ${line}`);
  assert.equal(names.slice(0, 7), [
    "exception c 2",
    "return c 2",
    "exception c 3",
    "return c 3",
    "exception b 6",
    "return b 6",
    "exception a 10",
  ]);
  assert.is(rt.state.sp, 0);
});

test("traced: an exception nobody catches is reported by the callback's handler, before the process's own (post-mortem)", () => {
  const { out } = instrumentToFile(
    `function inner(n) {
  throw new Error("lost " + n);
}
function outer() {
  inner(7);
}
setTimeout(() => outer());
`,
    "uncaught.cjs",
  );
  const main = join(tmp, "uncaught-main.cjs");
  writeFileSync(
    main,
    `const rt = require(${JSON.stringify(join(root, "dist/runtime/internal.js"))});
const seen = [];
rt.settrace(function t(frame, event) { if (event === "exception") seen.push(frame.code.name + ":" + frame.lineno); return t; });
process.on("uncaughtException", (error) => {
  const tb = rt.gettraceback(error);
  const chain = [];
  for (let t = tb; t; t = t.next) chain.push(t.frame.code.name + ":" + t.lineno + ":" + JSON.stringify({ ...t.frame.locals }));
  console.log(JSON.stringify({ seen, chain, sp: rt.state.sp }));
});
require(${JSON.stringify(out)});
`,
  );
  const r = spawnSync(process.execPath, [main], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), {
    seen: ["inner:2", "outer:5", "<anonymous>:7"],
    chain: ["<anonymous>:7:{}", "outer:5:{}", 'inner:2:{"n":7}'],
    sp: 0,
  });
});

test("instrumented code a trace function calls and an exception leaves does not stay on the stack", async () => {
  const { out } = instrumentToFile(
    `function boom() {
  throw new Error("boom");
}
export function run(never) {
  if (never) boom();
  return true;
}
`,
    "evalthrow.mjs",
  );
  const { run } = await load(out);
  let depthAfter = -1;
  const tracer = (frame, event) => {
    if (event === "line" && frame.code.name === "run") {
      try {
        frame.eval("boom()");
      } catch {}
      depthAfter = rt.state.sp;
    }
    return tracer;
  };
  rt.settrace(tracer);
  try {
    assert.ok(run());
  } finally {
    rt.settrace(null);
  }
  assert.is(depthAfter, 1);
  assert.is(rt.state.sp, 0);
});

test.run();
