// Frames that tell the truth (SPEC §2, `Frame.locals`): what every frame on the stack shows, and
// that looking never changes the program.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Bdb, Breakpoint, settrace } from "../dist/index.mjs";
import { instrument } from "../dist/compiler.mjs";
import { instrumentToFile, load, readEveryFrame, rt, traceRun } from "./helpers/run.mjs";

/**
 * Runs `main(...args)` of `source` under a Bdb that only continues, with a breakpoint at `line`;
 * at each stop there, `inspect(frame)`. Returns main's result. (A Bdb that overrides nothing it
 * watches with: the callers are never traced.)
 */
async function stopAt(source, line, inspect, { name = "case.mjs", args = [] } = {}) {
  const { original, out } = instrumentToFile(source, name);
  const m = await load(out);
  class Stopper extends Bdb {
    userLine(frame) {
      // runcall stops at main's first line too (as bdb's does)
      if (frame.lineno === line && frame.code.filename === original) inspect(frame);
      this.setContinue();
    }
  }
  const db = new Stopper();
  db.setBreak(original, line);
  try {
    return db.runcall(m.main, ...args);
  } finally {
    settrace(null);
    Breakpoint.clearBreakpoints();
  }
}

// A block binding that shadows an outer one is in its TDZ before its declaration: a site there must
// not read it (as the outer binding's name) nor write back into it.
const shadowing = {
  "a function's block": `export function run() {
  let kind = "outer";
  {
    let kind = "inner";
    return kind;
  }
}`,
  "a for...of body": `export function run() {
  let v = "outer";
  const seen = [];
  for (const x of ["a", "b"]) {
    let v = x;
    seen.push(v);
  }
  return seen.join("") + v;
}`,
  "a for...of body shadowing its own head": `export function run() {
  const seen = [];
  for (let x of ["a", "b"]) {
    seen.push(x);
    let x2 = x;
    {
      let x = x2 + "!";
      seen.push(x);
    }
  }
  return seen.join("");
}`,
  "a catch body": `export function run() {
  let e = "outer";
  try {
    throw "thrown";
  } catch (err) {
    let e = err;
    return e;
  }
}`,
  "a switch case": `export function run(n) {
  let kind = "outer";
  switch (n) {
    case 1:
      kind = kind + "!";
      let kind2 = kind;
      return kind2;
  }
}`,
  "module top level": `let kind = "outer";
let result;
{
  let kind = "inner";
  result = kind;
}
export function run() {
  return result + kind;
}`,
};

const expected = {
  "a function's block": "inner",
  "a for...of body": "abouter",
  "a for...of body shadowing its own head": "aa!bb!",
  "a catch body": "thrown",
  "a switch case": "outer!",
  "module top level": "innerouter",
};

for (const [name, source] of Object.entries(shadowing)) {
  test(`a shadowing block binding in ${name}: the program runs as written under a trace function`, async () => {
    const { exports, error } = await traceRun(source, "shadow.mjs", {
      local: (frame) => readEveryFrame(frame),
      after: (m) => assert.is(m.run(1), expected[name]),
    });
    assert.is(error, undefined);
    assert.is(exports.run(1), expected[name]);
  });
}

test("a shadowing block binding: before its declaration the frame shows neither it nor the outer one", async () => {
  const seen = [];
  await traceRun(shadowing["a function's block"], "shadow.mjs", {
    local: (frame, event) => {
      if (frame.code.name === "run" && event === "line") seen.push([frame.lineno, frame.locals.kind, "kind" in frame.locals]);
    },
    after: (m) => m.run(),
  });
  assert.equal(seen, [
    [2, undefined, false],
    [4, undefined, false],
    [5, "inner", true],
  ]);
});
// ------------------------------------------------------------------ callers

test("Bdb continuing, stopped in a callee: every caller's locals, current, readable by eval", async () => {
  const seen = [];
  const r = await stopAt(
    `function check(v) {
  return v > 1;
}
function middle(values, extra) {
  let t = 0;
  const bump = () => { t += 3; };
  bump();
  const ok = [];
  for (const v of values) ok.push(check(v));
  return [t, ok, arguments.length, extra];
}
export function main() {
  const label = "main";
  return middle([1, 2], label);
}
`,
    2,
    (frame) => {
      const caller = frame.back;
      const locals = { ...caller.locals, ok: [...caller.locals.ok] };
      seen.push([frame.locals.v, caller.code.name, locals, caller.eval("t"), caller.eval("arguments[1]"), caller.eval("v")]);
      seen.push(caller.back.locals.label);
    },
  );
  assert.equal(r, [3, [false, true], 2, "main"]);
  const locals = (v) => ({
    values: [1, 2],
    extra: "main",
    t: 3,
    bump: seen[0][2].bump,
    ok: v === 1 ? [] : [false],
    v,
    arguments: seen[0][2].arguments,
  });
  assert.equal(seen[0].slice(0, 2), [1, "middle"]);
  assert.equal(seen[0][2], locals(1));
  assert.equal(seen[0].slice(3), [3, "main", 1]);
  assert.is(seen[1], "main");
  assert.equal(seen[2][2], { ...locals(2), bump: seen[2][2].bump, arguments: seen[2][2].arguments });
  assert.equal(seen[2].slice(3), [3, "main", 2]);
});

test("a caller's binding assigned earlier in the statement that made the call is current", async () => {
  const seen = [];
  await stopAt(
    `function look() {
  return 0;
}
export function main() {
  let a = 1, b = (a = 5, look());
  let c = 2; c = c + 1; const d = look() + c;
  return [a, b, c, d];
}
`,
    2,
    (frame) => seen.push({ ...frame.back.locals }),
  );
  assert.equal(seen, [{ a: 5 }, { a: 5, b: 0, c: 3 }]);
});

test("writes into a waiting caller: the program goes on with them from the caller's next line; closures' bindings at once", async () => {
  const r = await stopAt(
    `function callee(read) {
  return read();
}
export function main() {
  let x = 10;
  let seenByClosure = 0;
  let shared = 1;
  const read = () => shared;
  seenByClosure = callee(read) + x;
  return [x, seenByClosure, shared];
}
`,
    2,
    (frame) => {
      const caller = frame.back;
      caller.locals.x = 500;
      caller.locals.shared = 7;
      assert.is(caller.locals.x, 500);
      assert.throws(() => caller.eval("read = null"), /constant/);
    },
  );
  // x: the statement that made the call saw 10; from the next line the program has 500.
  // shared: a closure reads it, so it changed at once (read() returned 7).
  assert.equal(r, [500, 17, 7]);
});

test("import.meta from a function's frame, where the module reads it only in a top-level initializer", async () => {
  // (The initializer is one tsdb moves out of its declaration: the module's import.meta was once
  // looked for after that move, and not found.)
  const seen = [];
  await stopAt(
    `const url = String(import.meta.url);
function fn() {
  return 0;
}
export function main() {
  fn();
  return url;
}
`,
    3,
    (frame) => seen.push(frame.eval("[typeof import.meta.url, import.meta.url === url]")),
  );
  assert.equal(seen, [["string", true]]);
});

test("the module's bindings from a function's frame: read, written where writable, the engine's TypeError for the others", async () => {
  const seen = [];
  const r = await stopAt(
    `import { sep } from "node:path";
var v = 1;
let l = 2;
const c = 3;
class K {}
function fn() {
  return 0;
}
export function main() {
  fn();
  return [v, l, c, typeof K, typeof fn, sep, import.meta.url.endsWith(".mjs")];
}
`,
    7,
    (frame) => {
      seen.push(frame.eval("[v, l, c, typeof K, typeof fn, sep, typeof import.meta.url]"));
      frame.eval("v = 10");
      frame.eval("l = 20");
      for (const name of ["c", "K", "sep"]) {
        let error;
        try {
          frame.eval(`${name} = 1`);
        } catch (e) {
          error = e;
        }
        seen.push([name, error?.name, error?.message]);
      }
      seen.push(frame.eval("[v, l, c, typeof K]"));
    },
  );
  assert.equal(seen, [
    [1, 2, 3, "function", "function", "/", "string"],
    ["c", "TypeError", "Assignment to constant variable."],
    ["K", "TypeError", "Assignment to constant variable."],
    ["sep", "TypeError", "Assignment to constant variable."],
    [10, 20, 3, "function"],
  ]);
  assert.equal(r, [10, 20, 3, "function", "function", "/", true]);
});

test("module-level let, const and class in their TDZ: read, written or typeof, from the module's frame or a function's, throw as in the program", async () => {
  const source = `export let early;
try {
  early = probe();
} catch (e) {
  early = e.message;
}
function probe() {
  return typeof ready;
}
let ready = 1;
const fixed = 2;
class Later {}
`;
  const seen = [];
  const texts = ["ready", "fixed", "Later", "typeof ready", "ready = 3", "typeof missing"];
  const { exports, error } = await traceRun(source, "tdz.mjs", {
    local(frame, event) {
      if (event !== "line" || !(frame.lineno === 8 || frame.lineno === 10)) return;
      for (const text of texts) {
        try {
          seen.push([frame.lineno, text, frame.eval(text)]);
        } catch (e) {
          seen.push([frame.lineno, text, e.name, e.message]);
        }
      }
    },
  });
  assert.is(error, undefined);
  assert.is(exports.early, "Cannot access 'ready' before initialization");
  const tdz = (line, name) => [line, name, "ReferenceError", "Cannot access 'ready' before initialization".replace("ready", name)];
  const expected = (line) => [
    tdz(line, "ready"),
    tdz(line, "fixed"),
    tdz(line, "Later"),
    [line, "typeof ready", "ReferenceError", "Cannot access 'ready' before initialization"],
    [line, "ready = 3", "ReferenceError", "Cannot access 'ready' before initialization"],
    [line, "typeof missing", "undefined"],
  ];
  assert.equal(seen, [...expected(8), ...expected(10)]);
});

test("no caps: every binding of a frame with many is shown and can be written", async () => {
  const names = Array.from({ length: 40 }, (_, i) => `v${i}`);
  const r = await stopAt(
    `function look() {
  return 0;
}
export function main() {
  ${names.map((n, i) => `let ${n} = ${i};`).join("\n  ")}
  look();
  return [${names.join(", ")}];
}
`,
    2,
    (frame) => {
      assert.equal(Object.keys(frame.back.locals).length, 40);
      for (const n of names) frame.back.locals[n] += 100;
    },
  );
  assert.equal(
    r,
    names.map((_, i) => i + 100),
  );
});

test("this and arguments: what the function has, never the evaluator's", async () => {
  const seen = [];
  await stopAt(
    `"use strict";
function look() {
  return 0;
}
function usesArgs() {
  return look(arguments[0], this);
}
function noArgs(a) {
  return look(a);
}
export function main() {
  usesArgs("first");
  noArgs.call({ k: 1 }, 1);
  return look.call({ k: 1 }, this);
}
`,
    3,
    (frame) => {
      const caller = frame.back;
      if (caller.code.name === "noArgs") {
        // noArgs neither uses `this` nor `arguments`: unknown, never the evaluator's
        assert.throws(() => caller.eval("arguments"), /arguments is not known/);
        assert.throws(() => caller.eval("this"), /this is not known/);
        seen.push(["noArgs", "arguments" in caller.locals, "this" in caller.locals]);
        return;
      }
      seen.push([caller.code.name, caller.eval("this"), "arguments" in caller.locals]);
      if (caller.code.name === "usesArgs") seen.push(caller.eval("arguments[0]"));
    },
  );
  assert.equal(seen, [["usesArgs", undefined, true], "first", ["noArgs", false, false], ["main", undefined, false]]);
});

test("a function declaration sharing a parameter's name and reading the body's let: the function from the first line, not shown at the call event", async () => {
  const source = `function look() {
  return 0;
}
function param(f) {
  let x = 1;
  function f() {
    return x + look();
  }
  return f();
}
export function main() {
  return param(0);
}
`;
  const seen = [];
  const result = await stopAt(source, 2, (frame) => {
    const caller = frame.back.back;
    seen.push([caller.code.name, typeof caller.locals.f, caller.locals.x, caller.eval("f.name")]);
  });
  assert.is(result, 1);
  assert.equal(seen, [["param", "function", 1, "f"]]);
  const calls = [];
  const { error } = await traceRun(source, "case.mjs", {
    local: (frame, event) => {
      if (event === "call" && frame.code.name === "param") calls.push(["f" in frame.locals, frame.locals.x]);
    },
    after: (m) => m.main(),
  });
  assert.is(error, undefined);
  assert.equal(calls, [[false, undefined]]);
});

test("a CommonJS module frame shows require, module, exports, __filename, __dirname", async () => {
  let seen;
  const { original, out } = instrumentToFile(
    `function look() {
  return 0;
}
look();
module.exports = { main: look };
`,
    "cjs.cjs",
  );
  const tracer = (frame, event) => {
    if (event === "call" && frame.code.name === "look") {
      const m = frame.back;
      seen = [m.eval("typeof require"), m.eval("module.exports === exports"), m.eval("__filename"), m.eval("typeof __dirname")];
    }
    return tracer;
  };
  rt.settrace(tracer);
  try {
    await load(out);
  } finally {
    rt.settrace(null);
  }
  assert.equal(seen, ["function", true, out, "string"]);
  assert.ok(original);
});

test("post-mortem: the frames an exception left show their bindings as they were", async () => {
  const { out } = instrumentToFile(
    `export function main(n) {
  const doubled = n * 2;
  return inner(doubled);
}
function inner(m) {
  const text = "m is " + m;
  throw new Error(text);
}
`,
    "pm.mjs",
  );
  const { main } = await load(out);
  rt.settrace(() => null);
  let error;
  try {
    main(4);
  } catch (e) {
    error = e;
  } finally {
    rt.settrace(null);
  }
  const tb = rt.gettraceback(error);
  assert.equal({ ...tb.frame.locals }, { n: 4, doubled: 8 });
  assert.equal({ ...tb.next.frame.locals }, { m: 8, text: "m is 8" });
});

test("a returned frame's values are not kept by the depth's value array", async () => {
  const { out } = instrumentToFile(
    `import { getframe } from ${JSON.stringify(new URL("../dist/runtime/index.js", import.meta.url).pathname)};
export function main() {
  const big = { big: true };
  return [getframe().lineno, big];
}
`,
    "leak.mjs",
  );
  const m = await load(out);
  m.main();
  const { flat, values } = await import("../dist/runtime-internal.mjs");
  assert.ok(flat.length > 0);
  // (the runtime's arrays have no prototype: runtime/primordials.ts)
  const every = (array, test) => Array.prototype.every.call(array, test);
  assert.ok(every(flat, (v) => v === undefined));
  assert.ok(every(values, (array) => every(array, (v) => v === undefined)));
});

test("a caller waiting in a call shows its line when the line starts with a statement that can observe nothing", async () => {
  const { out } = instrumentToFile(
    `import { getframe } from ${JSON.stringify(new URL("../dist/runtime/index.js", import.meta.url).pathname)};
function callerLine() { return getframe().back.lineno; }
export function main() {
  var b = callerLine(), c = 0;
  c = 1;
  c = 2; return callerLine(c);
}
`,
    "silent-line.mjs",
  );
  const m = await load(out);
  assert.is(m.main(), 6);
});

test("a write into a caller waiting in a one-line loop body lands at the loop head (the next site)", async () => {
  const r = await stopAt(
    `function check(v) {
  return v > 1;
}
export function main() {
  let x = 10;
  const seen = [];
  for (const v of [1, 2]) seen.push(check(v), x);
  return seen;
}
`,
    2,
    (frame) => {
      if (frame.locals.v === 1) frame.back.locals.x = 500;
    },
  );
  assert.equal(r, [false, 10, true, 500]);
});

test("a write to a binding the code uses no more stays in the frame; one the code reads again reaches it", async () => {
  const seen = [];
  const r = await stopAt(
    `function look(n) {
  return n;
}
export function main(spare) {
  let gone = 2;
  const kept = [gone];
  let sum = 0;
  for (let i = 0; i < 3; i++) {
    look(i);
    sum += i;
    kept.push(sum);
  }
  look(-1);
  var late = 7;
  look(-2);
  return [kept, sum, late];
}
`,
    2,
    (frame) => {
      const caller = frame.back;
      const n = frame.locals.n;
      // gone and spare: nothing reads them from here on; sum: the loop does; late: its declaration comes first.
      if (n === 0) Object.assign(caller.locals, { gone: 20, spare: 9, sum: 100 });
      if (n === -1) caller.locals.late = 70;
      if (n < 0) seen.push([n, caller.locals.gone, caller.locals.spare, caller.locals.late]);
    },
    { args: [1] },
  );
  assert.equal(r, [[2, 100, 101, 103], 103, 7]);
  assert.equal(seen, [
    [-1, 20, 9, 70],
    [-2, 20, 9, 7],
  ]);
});

// A site's reload skips what the code reads no more (compiler/frame-values.ts `usedBetween`): each
// of these reads the variable again after the site by a way other than a later use in the text.
const readAgain = {
  "a closure made before the site": [
    "mjs",
    "export function main() {\n  let x = 1;\n  const get = () => x;\n  look(0);\n  return get();\n}\n",
  ],
  "a function declared after the site": [
    "mjs",
    "export function main() {\n  let x = 1;\n  look(0);\n  return g();\n  function g() {\n    return x;\n  }\n}\n",
  ],
  "a sloppy function's arguments": ["cjs", "function main(x) {\n  look(0);\n  return arguments[0];\n}\nexports.main = () => main(1);\n"],
  "a direct eval": ["cjs", 'function main(x) {\n  look(0);\n  return eval("x");\n}\nexports.main = () => main(1);\n'],
  "a generator resumed": [
    "mjs",
    "function* gen() {\n  let x = 1;\n  yield 0;\n  look(0);\n  yield x;\n}\nexport function main() {\n  const it = gen();\n  it.next();\n  return it.next().value;\n}\n",
  ],
  "the loop around the site": [
    "mjs",
    "export function main() {\n  let x = 1;\n  const out = [];\n  for (let i = 0; i < 2; i++) {\n    out.push(x);\n    look(i);\n  }\n  return out.join();\n}\n",
  ],
  // (compiler/liveness.ts: each of these reads x again only by the way named, and writes it first on every other)
  "one arm of a branch": [
    "mjs",
    "export function main(c = true) {\n  let x = 1;\n  look(0);\n  if (c) return x;\n  x = 2;\n  return x;\n}\n",
  ],
  "the next iteration of a loop": [
    "mjs",
    "export function main() {\n  let x = 1;\n  const out = [];\n  for (let i = 0; i < 2; i++) {\n    out.push(x);\n    x = i + 10;\n    look(i);\n  }\n  return out.join();\n}\n",
  ],
  "a catch after a throw": [
    "mjs",
    "function boom() {\n  throw new Error();\n}\nexport function main() {\n  let x = 1;\n  try {\n    look(0);\n    x = boom();\n  } catch {\n    return x;\n  }\n  return 0;\n}\n",
  ],
  "a finally after a throw": [
    "mjs",
    "function boom() {\n  throw new Error();\n}\nexport function main() {\n  let x = 1, r = 0;\n  try {\n    try {\n      look(0);\n      x = boom();\n    } finally {\n      r = x;\n    }\n  } catch {}\n  return r;\n}\n",
  ],
  "a finally a return goes through": [
    "mjs",
    "let seen = 0;\nfunction inner() {\n  let x = 1;\n  try {\n    look(0);\n    return 0;\n  } finally {\n    seen = x;\n  }\n}\nexport function main() {\n  inner();\n  return seen;\n}\n",
  ],
  "a labeled continue": [
    "mjs",
    "export function main() {\n  let x = 1;\n  const out = [];\n  outer: for (let i = 0; i < 2; i++) {\n    out.push(x);\n    for (let j = 0; j < 1; j++) {\n      look(i);\n      if (i === 0) continue outer;\n      x = 7;\n    }\n  }\n  return out.join();\n}\n",
  ],
  "a switch's fall-through": [
    "mjs",
    "export function main(c = 0) {\n  let x = 1;\n  switch (c) {\n    case 0:\n      look(0);\n      c = 1;\n    case 1:\n      return x;\n  }\n  x = 2;\n  return x;\n}\n",
  ],
  "a finally a break goes through": [
    "mjs",
    "export function main() {\n  let x = 1;\n  for (;;) {\n    try {\n      look(0);\n      break;\n    } finally {\n      c();\n    }\n    x = 2;\n  }\n  return x;\n}\nfunction c() {}\n",
  ],
};
const readAgainResult = { "the loop around the site": "1,5", "the next iteration of a loop": "1,5", "a labeled continue": "1,5" };
for (const [label, [kind, body]] of Object.entries(readAgain)) {
  test(`a debugger's write reaches a variable read again through ${label}`, async () => {
    const source = `function look(n) {\n  return n;\n}\n${body}`;
    const r = await stopAt(
      source,
      2,
      (frame) => {
        if (frame.locals.n === 0) frame.back.locals.x = 5;
      },
      { name: `again.${kind}` },
    );
    assert.is(String(r), readAgainResult[label] ?? "5");
  });
}

test("a write to a binding the loop body writes before it reads it stays in the frame until the program writes it", async () => {
  const source = `function look(n) {
  return n;
}
export function main() {
  const out = [];
  for (let i = 0; i < 2; i++) {
    look(i);
    var elt = i * 2;
    out.push(elt);
  }
  return out;
}
`;
  // The site of line 8 does not copy elt (written there before any read): the reload is dropped.
  const { code } = instrument(source, { filename: "/a/elt.mjs", compact: true, sourceMaps: "none" });
  const site = /(\$L\[\$d\]=8;\$k\w+\.l&&\$ln\(\$d\)|\$k\w+\.l&&\$la\(\$d,8\))(&&\([^)]*\))?;/.exec(code);
  assert.ok(site !== null && !site[0].includes("elt"), site?.[0]);
  const seen = [];
  let result;
  const { error } = await traceRun(source, "elt.mjs", {
    local(frame, event) {
      if (frame.code.name === "look" && event === "call" && frame.locals.n === 0) frame.back.locals.elt = 50;
      if (frame.code.name === "main" && event === "line" && frame.lineno >= 8) seen.push([frame.lineno, frame.locals.elt]);
    },
    after: (m) => {
      result = m.main();
    },
  });
  assert.is(error, undefined);
  // The frame shows the write until the program assigns elt, which never reads it.
  assert.equal(result, [0, 2]);
  assert.equal(seen.slice(0, 2), [
    [8, 50],
    [9, 0],
  ]);
});

// The generated code reads some variables where the source does not (compiler/liveness.ts): the
// store after a `var x;`, a plain loop copy's stores of what it assigns. A write the program never
// reads must stay in the frame, not be replaced there by the variable's older value.
const shownUntilAssigned = {
  "a var declaration without initializer": `function look(n) {
  return n;
}
export function main() {
  for (let i = 0; i < 2; i++) {
    look(i);
    var x;
    look(-1 - i);
    x = i;
  }
  return 0;
}
`,
  "a plain loop that does not run": `function look(n) {
  return n;
}
export function main(n = 0) {
  let x = 0;
  look(0);
  for (let i = 0; i < n; i++) x = i;
  look(-1);
  return 0;
}
`,
};
for (const [label, source] of Object.entries(shownUntilAssigned))
  test(`a write the program never reads stays in the frame after ${label}`, async () => {
    const seen = [];
    const r = await stopAt(source, 2, (frame) => {
      const n = frame.locals.n;
      if (n === 0) frame.back.locals.x = 50;
      if (n < 0) seen.push(frame.back.locals.x);
    });
    assert.is(r, 0);
    assert.is(seen[0], 50);
  });

test("a binding a closure captures, named as an accessor's parameters (i, w, v), shows its value and takes writes", async () => {
  const seen = [];
  const r = await stopAt(
    `function look(n) {
  return n;
}
export function main() {
  let i = 1, w = 2, v = 3, i0 = 4;
  const get = () => [i, w, v, i0];
  look(0);
  return get();
}
`,
    2,
    (frame) => {
      const caller = frame.back.locals;
      seen.push([caller.i, caller.w, caller.v, caller.i0]);
      Object.assign(caller, { i: 10, w: 20, v: 30, i0: 40 });
    },
  );
  assert.equal(seen, [[1, 2, 3, 4]]);
  assert.equal(r, [10, 20, 30, 40]);
});

// Every binding in scope is in the frame wherever the code stands. The visitors make a block of an
// `if`'s single statement and of an `else if`, and Babel, making that block's scope, made again
// every binding of the scopes inside it: the frames there left out their own bindings (a callback's
// parameters, an `else if` branch's `let`) and those of the enclosing functions they name.
const madeBlocks = {
  "an if's single statement": {
    source: `export function main(x) {
  if (x) return [1].map(function (v) {
    let w = v + x;
    return w;
  })[0];
}
`,
    line: 4,
    shown: [{ v: 1, w: 2, x: 1 }, { x: 1 }],
    result: 2,
  },
  "an else if": {
    source: `export function main(x) {
  if (x === 0) {
    return 0;
  } else if (x === 1) {
    let ret = 40;
    ret += 1;
    return [1].map((v) => {
      return v + ret;
    })[0];
  }
}
`,
    line: 8,
    shown: [
      { v: 1, ret: 41 },
      { ret: 41, x: 1 },
    ],
    result: 42,
  },
  // (The field's value moves into an arrow of its own: Babel makes its scope again, accessors too.)
  "a class field's named function": {
    source: `class C {
  f = function named(a) {
    const inner = () => {
      return a + 1;
    };
    return inner();
  };
}
export function main(x) {
  return new C().f(x);
}
`,
    line: 4,
    shown: [{ a: 1 }, { a: 1, named: "function", inner: "function" }],
    result: 2,
  },
};
/** A frame's bindings, a function's as "function". */
const shownOf = (locals) => Object.fromEntries(Object.entries(locals).map(([k, v]) => [k, typeof v === "function" ? "function" : v]));
for (const [name, { source, line, shown, result }] of Object.entries(madeBlocks)) {
  test(`a frame in ${name} shows its bindings and those it names around it`, async () => {
    const seen = [];
    const r = await stopAt(source, line, (frame) => seen.push(shownOf(frame.locals), shownOf(frame.back.locals)), { args: [1] });
    assert.equal(seen, shown);
    assert.is(r, result);
  });
}

// Every event of each program, every writable binding of its frame written there: the program's
// result is the same as with the same program's functions each holding a direct eval (in a nested
// function that never runs), which gives every binding an accessor: a write lands at once, and
// nothing decides whether the program reads it again. A reload dropped where the code reads the
// variable again makes them differ.
const liveness = {
  branches: `function id(v) { return v; /*E*/ }
export function main() {
  let a = 1, b = 2, c = 3;
  const out = [];
  let d = 1;
  id(0);
  if (d > 100) out.push("d");
  d = 2;
  if (out.length === 0) {
    out.push(a);
    a = 10;
  } else {
    b = 20;
  }
  out.push(id(a), b);
  c = 4;
  out.push(c);
  return out;
/*E*/ }`,
  loops: `function id(v) { return v; /*E*/ }
export function main() {
  let sum = 0, last = -1, elt, acc = "";
  for (let i = 0; i < 3; i++) {
    var t = void 0;
    elt = id(i);
    t = elt * 2;
    sum += t;
    last = id(elt);
  }
  let j = 0;
  while (j < 3) {
    acc += id(j);
    j++;
  }
  let k = 0;
  do {
    k = id(k) + 1;
  } while (k < 2);
  for (const key in { p: 1, q: 2 }) acc += id(key);
  let dflt = 1;
  for (let [v, u = dflt] of [[5], [6, 7]]) { v = id(v) + u; acc += v; }
  dflt = 0;
  return [sum, last, elt, acc, j, k, dflt];
/*E*/ }`,
  "labels and switches": `function id(v) { return v; /*E*/ }
export function main() {
  let n = 0, m = 0, seen = "";
  outer: for (let i = 0; i < 3; i++) {
    let x = id(i), y = 1;
    for (let j = 0; j < 3; j++) {
      if (j === 1) continue outer;
      if (i === 2) break outer;
      switch (id(j)) {
        case 0:
          y = id(2);
        case 1:
          n += x + j + y;
          break;
        default:
          continue;
      }
      m = id(m) + 1;
    }
    seen += x;
  }
  block: {
    if (id(n) > 0) break block;
    seen += "never";
  }
  return [n, m, seen];
/*E*/ }`,
  "finally and jumps": `function id(v) { return v; /*E*/ }
export function main() {
  let y = 1, z = 0, w = 5, q = 0;
  outer: for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 2; j++) {
      try {
        id(i);
        if (i === 1) continue outer;
        if (i === 2) break outer;
      } finally {
        z++;
      }
      y = id(i);
      w = id(j);
    }
    q = w;
  }
  return [y, z, q, w];
/*E*/ }`,
  "switch fall-through": `function id(v) { return v; /*E*/ }
export function main() {
  const out = [];
  for (let s = 0; s < 4; s++) {
    let x = id(s), y = 100, z = 7;
    switch (x) {
      case 0:
        y = id(1);
      case 1:
        out.push(y);
        break;
      case 2:
        z = id(z) + 1;
        out.push(z);
      default:
        out.push(x, z);
    }
    out.push(y);
  }
  return out;
/*E*/ }`,
  exceptions: `function boom(v) { if (v > 1) throw new Error("b" + v); return v; /*E*/ }
const out = [];
function inner(n) {
  let t = 0, u = 0, y = 1;
  for (let i = 0; i < 2; i++) {
    try {
      try {
        boom(i);
        if (n > 0) return 1;
        if (i > 0) break;
        t = boom(n + 2);
        u = boom(3);
      } finally {
        out.push(t);
      }
    } catch (e) {
      out.push(e.message, u);
    } finally {
      out.push(y);
    }
    y = boom(0);
  }
  return 0;
/*E*/ }
export function main() {
  out.length = 0;
  out.push(inner(0), inner(1));
  return out;
/*E*/ }`,
  generators: `function id(v) { return v; /*E*/ }
function* gen(n) {
  let x = 0, y = 5;
  try {
    for (let i = 0; i < n; i++) {
      x = id(x) + i;
      yield x;
    }
    y = id(6);
  } finally {
    yield y + x;
  }
/*E*/ }
export function main() {
  const out = [];
  for (const v of gen(3)) out.push(v);
  const g = gen(5);
  out.push(g.next().value, g.return(9).value, g.next().done);
  return out;
/*E*/ }`,
  "plain loops and declarations": `function id(v) { return v; /*E*/ }
export function main(a, b = 3) {
  let s = 0, p = 1, last = 0;
  for (let i = 0; i < 5 && i < a + 4; i++) { s += i; last = i; }
  id(s);
  while (p < 8) p = p * 2;
  var x = id(1), y = x + 1;
  let [q, r = y] = [id(a)];
  for (let k = 0; k < 2; k++) { var u; u = id(k) + r; }
  b += id(q);
  let z = (x = 9, x + 1);
  return [s, p, last, a, b, x, y, z, u];
/*E*/ }`,
  // (sites whose reload leaves what the code does not read yet to the next site: compiler/onward.ts)
  "straight lines": `function id(v) { return v; /*E*/ }
function* gen(a, b) {
  let c = a;
  yield c;
  id(0);
  c = c + b;
  yield c;
  return a + b + c;
/*E*/ }
export function main(p, q = 2) {
  let a = 1, b = 2, c = 3;
  id(0);
  id(1);
  if (a > 0) {
    id(2);
  }
  b = b + a;
  lbl: {
    id(3);
    if (c > 100) break lbl;
    id(4);
  }
  {
    let a = 7;
    id(a);
  }
  try {
    id(5);
    c = c + a;
  } catch {}
  id(6);
  const out = [...gen(a, b)];
  return [a, b, c, p, q, out];
/*E*/ }`,
  "TypeScript: parameter properties, local types": `function id<T>(v: T): T { return v; /*E*/ }
class P {
  constructor(private x: number, public y = 2) {
    id(0);
  /*E*/ }
  sum(): number { return this.x + this.y; /*E*/ }
}
export function main() {
  type Pair = [number, number];
  let a = 1, b = 2;
  id(a);
  interface Box { v: number }
  const box: Box = { v: b };
  const p: Pair = [new P(a, b).sum(), box.v];
  a = id(3);
  return [p, a];
/*E*/ }`,
};

/** Each event's writes (the k-th line or call event of the file: every writable binding of its frame changed). */
function writesAt(original, k) {
  let n = 0;
  const bump = (v) => (typeof v === "number" ? v + 1000 + k : typeof v === "string" ? `${v}!` : v === undefined ? 700 + k : v);
  const tracer = (frame, event) => {
    if (frame.code.filename !== original || (event !== "line" && event !== "call")) return tracer;
    if (n++ === k) {
      const locals = frame.locals;
      for (const name of Object.keys(locals).sort()) {
        if (name === "this" || name === "arguments" || name === "ev_") continue;
        try {
          locals[name] = bump(locals[name]);
        } catch {}
      }
    }
    return tracer;
  };
  return { tracer, count: () => n };
}

function runWith(m, original, k, main = m.main) {
  const { tracer, count } = writesAt(original, k);
  rt.settrace(tracer);
  try {
    return [JSON.stringify(main()), count()];
  } catch (e) {
    return [`threw ${e}`, count()];
  } finally {
    rt.settrace(null);
  }
}

for (const [label, source] of Object.entries(liveness))
  for (const compact of [true, false])
    test(`${label}${compact ? "" : " (printed with layout)"}: a debugger's write at any event changes the program as a write that lands at once does`, async () => {
      const name = label.startsWith("TypeScript") ? "live.ts" : "live.mjs";
      const slots = instrumentToFile(source.replaceAll("/*E*/", ""), name, { compact });
      const accessors = instrumentToFile(source.replaceAll("/*E*/", 'function ev_() { eval(""); }'), name, { compact });
      const [a, b] = [await load(slots.out), await load(accessors.out)];
      const [, events] = runWith(a, slots.original, -1);
      assert.ok(events > 10);
      for (let k = 0; k < events; k++) assert.is(runWith(a, slots.original, k)[0], runWith(b, accessors.original, k)[0], `event ${k}`);
    });

test.run();
