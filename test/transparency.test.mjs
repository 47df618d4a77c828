// Instrumented code behaves exactly like the original: each fixture records
// what it observes in `out`; the instrumented copy, run with and without a
// trace function, must record the same, and leave the frame stack empty.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import { instrument } from "../dist/compiler.mjs";
import { isInstrumented } from "../dist/contract/index.js";
import { Bdb } from "../dist/index.mjs";
import { instrumentToFile, load, readEveryFrame, root, rt, runtimePath, tmp } from "./helpers/run.mjs";

const require = createRequire(import.meta.url);
const dir = join(root, "test/fixtures/constructs");

// (a CommonJS fixture with asynchronous parts exports `done`, a promise settled when they are)
async function loadOut(file) {
  const m = file.endsWith(".cjs") ? require(file) : await import(pathToFileURL(file).href);
  await m.done;
  return (m.out ?? m.default.out).join("\n");
}

for (const name of readdirSync(dir)) {
  const original = join(dir, name);
  const source = readFileSync(original, "utf8");
  test(`${name}: same behaviour instrumented, untraced`, async () => {
    const expected = await loadOut(original);
    const { out } = instrumentToFile(source, name);
    assert.is(await loadOut(out), expected);
    assert.is(rt.state.sp, 0);
  });
  test(`${name}: same behaviour instrumented, every event traced`, async () => {
    const expected = await loadOut(original);
    const { out } = instrumentToFile(source, name);
    let events = 0;
    const tracer = () => (events++, tracer);
    rt.settrace(tracer);
    let got;
    try {
      got = await loadOut(out);
    } finally {
      rt.settrace(null);
    }
    assert.is(got, expected);
    assert.ok(events > 10);
    assert.is(rt.state.sp, 0);
  });
  test(`${name}: same behaviour under a Bdb stepping through every event`, async () => {
    const expected = await loadOut(original);
    const { out } = instrumentToFile(source, name);
    const stop = startMode("bdb");
    let got;
    try {
      got = await loadOut(out);
    } finally {
      stop();
    }
    assert.is(got, expected);
    assert.is(rt.state.sp, 0);
  });
  test(`${name}: same behaviour with every frame's locals read at every event`, async () => {
    const expected = await loadOut(original);
    const { out } = instrumentToFile(source, name);
    const tracer = (frame) => (readEveryFrame(frame), tracer);
    rt.settrace(tracer);
    let got;
    try {
      got = await loadOut(out);
    } finally {
      rt.settrace(null);
    }
    assert.is(got, expected);
    assert.is(rt.state.sp, 0);
  });
}

test("an ES module import cycle: functions called before their module ran work as without tsdb, and are traced after", async () => {
  const cycle = join(root, "test/fixtures/cycle");
  const expected = (await import(pathToFileURL(join(cycle, "a.mjs")).href)).out;
  // The instrumented copies under the same names in one folder, so that they import each other.
  const folder = join(tmp, `cycle-${process.pid}`);
  mkdirSync(folder, { recursive: true });
  for (const name of ["a.mjs", "b.mjs"]) {
    const file = join(cycle, name);
    writeFileSync(join(folder, name), instrument(readFileSync(file, "utf8"), { filename: file, runtime: runtimePath }).code);
  }
  const calls = [];
  const tracer = (frame, event) => {
    if (event === "call") calls.push(frame.code.name);
    return tracer;
  };
  rt.settrace(tracer);
  let got;
  try {
    got = (await import(pathToFileURL(join(folder, "a.mjs")).href)).out;
  } finally {
    rt.settrace(null);
  }
  assert.equal(got, expected);
  // b's calls came before a's header: untraced; a's own calls after it: traced.
  // (a generator reports a call each time it resumes)
  assert.equal(
    calls.filter((name) => name !== "<module>"),
    ["helper", "Point", "count", "count", "later"],
  );
  assert.is(rt.state.sp, 0);
});

// C5: a program that patches the built-ins tsdb's runtime (and Bdb) would use. The program
// leaves them patched while another instrumented module loads, its functions run (locals read
// at every line, or Bdb stepping) and the debugger removes its trace function.
const patching = `
export const out = [];
for (const name of ["push", "map", "slice", "includes", "reverse"]) delete Array.prototype[name];
Array.prototype[Symbol.iterator] = function* () { yield 42; };
Map.prototype.get = Set.prototype.forEach = WeakRef.prototype.deref = () => 42;
Object.getPrototypeOf(Uint8Array.prototype).fill = Number.prototype.toString = () => 42;
Object.defineProperty(Array.prototype, "1", { get: () => "proto", set: (v) => { out[out.length] = "setter " + v; }, configurable: true });
Object.defineProperty(Array.prototype, "2", { value: "read-only", writable: false, configurable: true });
globalThis.Object = function fake() { throw new Error("the program's Object"); };
globalThis.Math = {};
`;
const later = `
export const out = {};
function f(a) {
  const pair = [a, a + 1];
  let sum = 0;
  for (let i = 0; i < pair.length; i++) sum += pair[i];
  return sum;
}
function* g(n) {
  const seen = [n];
  yield seen[0];
}
class Point {
  constructor(x) { this.x = x; }
}
out.f = f(1);
out.g = g(7).next().value;
out.point = new Point(3).x;
`;
/** The built-ins `patching` replaces, as the test file found them. */
function builtins() {
  const { prototype } = Array;
  return {
    iterator: prototype[Symbol.iterator],
    methods: ["push", "map", "slice", "includes", "reverse"].map((name) => [name, prototype[name]]),
    mapGet: Map.prototype.get,
    setForEach: Set.prototype.forEach,
    deref: WeakRef.prototype.deref,
    fill: Object.getPrototypeOf(Uint8Array.prototype).fill,
    toString: Number.prototype.toString,
    Object,
    Math,
  };
}
function restore(saved) {
  globalThis.Object = saved.Object;
  globalThis.Math = saved.Math;
  Array.prototype[Symbol.iterator] = saved.iterator;
  for (const [name, value] of saved.methods) {
    Object.defineProperty(Array.prototype, name, { value, writable: true, enumerable: false, configurable: true });
  }
  Map.prototype.get = saved.mapGet;
  Set.prototype.forEach = saved.setForEach;
  WeakRef.prototype.deref = saved.deref;
  Object.getPrototypeOf(Uint8Array.prototype).fill = saved.fill;
  Number.prototype.toString = saved.toString;
  delete Array.prototype[1];
  delete Array.prototype[2];
}
/** A Bdb that stops at every event and steps on; at each line it takes the stack, as pdb does at a stop. */
class Stepper extends Bdb {
  userCall() {
    this.setStep();
  }
  userLine(frame) {
    this.getStack(frame, null);
    this.setStep();
  }
  userReturn() {
    this.setStep();
  }
  userException() {
    this.setStep();
  }
}

/** The instrumented modes: none, every event traced, every frame's locals read at every event, Bdb stepping. */
const modes = ["untraced", "traced", "locals", "bdb"];

/** Installs what `mode` runs the program under; returns the function that ends it. */
function startMode(mode) {
  if (mode === "traced") {
    const tracer = () => tracer;
    rt.settrace(tracer);
  } else if (mode === "locals") {
    const tracer = (frame) => (readEveryFrame(frame), tracer);
    rt.settrace(tracer);
  } else if (mode === "bdb") {
    const stepper = new Stepper();
    stepper.setTrace();
    return () => (stepper.setContinue(), rt.settrace(null));
  }
  return () => rt.settrace(null);
}

async function runPatched(mode) {
  const files = [patching, later].map((source, i) => {
    const { original, out } = instrumentToFile(source, `builtins-${i}.mjs`);
    return pathToFileURL(mode === "plain" ? original : out).href;
  });
  const saved = builtins();
  const stop = startMode(mode);
  let first;
  let second;
  try {
    first = await import(files[0]);
    second = await import(files[1]);
    stop();
  } finally {
    rt.settrace(null);
    restore(saved);
  }
  return `${first.out.join()};${Object.values(second.out).join()}`;
}

test("C5: a program's patched built-ins (Array.prototype's iterator, methods and elements, Map, Set, WeakRef, the global Object and Math) change nothing", async () => {
  const expected = await runPatched("plain");
  assert.is(expected, ";3,7,3");
  for (const mode of modes) {
    assert.is(await runPatched(mode), expected, mode);
    assert.is(rt.state.sp, 0, mode);
  }
});

test("TypeScript: an anonymous function behind `as`, `satisfies`, `!` or `<T>` keeps the name JavaScript gives it", async () => {
  // (what the program is once its types are stripped: tsc's output gives the same names)
  const source = [
    "type F = () => number;",
    "export const a = (() => 1) as F;",
    "export const b = (() => 1) satisfies F;",
    "export const c = (() => 1)!;",
    "export const d = <F>(() => 1);",
    "export const returned = () => [r1(), r2(), r3()];",
    "function r1(): F { return (() => 1) as F; }",
    "function r2(): F { return <F>(() => 1); }",
    "function r3() { return (class {}) as unknown as F; }",
  ].join("\n");
  const { out } = instrumentToFile(source, "names.ts");
  const m = await load(out);
  assert.equal(
    [m.a, m.b, m.c, m.d, ...m.returned()].map((f) => f.name),
    ["a", "b", "c", "d", "", "", ""],
  );
});

test("the Babel plugin where parentheses are kept, or TypeScript is stripped after it: functions keep their names", () => {
  const { transformSync } = require("@babel/core");
  const plugin = [require("../dist/compiler/plugin.js").default, { runtime: runtimePath }];
  const pass = (code, filename, more) =>
    transformSync(code, { babelrc: false, configFile: false, filename, sourceType: "script", ...more }).code;
  mkdirSync(tmp, { recursive: true });
  const run = (code, name) => {
    const file = join(tmp, `${process.pid}-${name}.cjs`);
    writeFileSync(file, code);
    return require(file);
  };
  // (a later declarator's initializer follows the stores of the ones before it: `q` must still name it)
  const js = [
    "function f() { return (() => 1); }",
    "function g() { return (class {}); }",
    "function h() { let p = 1, q = (() => p); return q; }",
    "module.exports = [f, g, h].map((m) => m().name);",
  ].join("\n");
  const kept = pass(js, "/a/p.js", { parserOpts: { createParenthesizedExpressions: true }, plugins: [plugin] });
  assert.equal(run(kept, "parenthesized"), ["", "", "q"]);
  const ts = [
    "type F = () => number;",
    "function f(): F { return (() => 1) as F; }",
    "function g() { return <F>(() => 1); }",
    "function h() { let p = 1, q = (() => p) as F; return q; }",
    "function k() { let p = 1, q = <F>(() => p); return q; }",
    "function m() { let p = 1, q = (() => p) satisfies F; return q; }",
    "function n() { let p = 1, q = (() => p)!; return q; }",
    "module.exports = [f, g, h, k, m, n].map((m) => m().name);",
  ].join("\n");
  const instrumented = pass(ts, "/a/t.ts", { plugins: ["@babel/plugin-syntax-typescript", plugin] });
  const stripped = pass(instrumented, "/a/t.ts", { plugins: ["@babel/plugin-transform-typescript"] });
  assert.equal(run(stripped, "stripped-after"), ["", "", "q", "q", "q", "q"]);
});

test("C2: a return in a with body gives its value to the return event; the object sees no name of tsdb's", () => {
  const source = [
    "const seen = [];",
    "const spy = (o) => new Proxy(o, { has: (t, k) => (seen.push(String(k)), k in t) });",
    "function f(n) {",
    "  with (spy({ n })) {",
    "    return n * 2;",
    "  }",
    "}",
    "function* g(n) {",
    "  with (spy({ n })) {",
    "    yield n;",
    "    return n + 1;",
    "  }",
    "}",
    "function h(n) {",
    "  with (spy({ n })) {",
    "    try {",
    "      if (n > 5) throw new Error('big');",
    "      return n;",
    "    } catch ({ message, more = () => typeof message }) {",
    "      return message + more();",
    "    }",
    "  }",
    "}",
    "module.exports = { f, g, h, seen };",
    "",
  ].join("\n");
  const { out } = instrumentToFile(source, "with-return.cjs");
  const returns = [];
  const tracer = (frame, event, arg) => {
    if (event === "return" && ["f", "g", "h"].includes(frame.code.name)) returns.push(`${frame.code.name} ${arg} ${frame.lineno}`);
    return tracer;
  };
  rt.settrace(tracer);
  let m;
  try {
    m = require(out);
    m.f(21);
    [...m.g(5)];
    m.h(1);
    m.h(9);
  } finally {
    rt.settrace(null);
  }
  // (a with body that yields runs with the frame off the stack, suspended at the with's line: C2)
  // a catch clause that destructures its parameter passes the mark on before destructuring
  assert.equal(returns, ["f 42 4", "g undefined 9", "g 6 9", "h 1 15", "h bigstring 15"]);
  assert.equal(m.seen, ["n", "n", "n", "n", "n", "n", "Error"]);
  assert.is(rt.state.sp, 0);
});

test("C2: an async generator's return value in a with body is the return event's; the object sees no name of tsdb's", async () => {
  const source = [
    "const seen = [];",
    "const spy = (o) => new Proxy(o, { has: (t, k) => (seen.push(String(k)), k in t) });",
    "async function* ag(n) {",
    "  with (spy({ n })) {",
    "    try {",
    "      return n * 2;",
    "    } finally {",
    "      n++;",
    "    }",
    "  }",
    "}",
    "async function* bare() {",
    "  with (spy({})) {",
    "    return;",
    "  }",
    "}",
    "async function* overridden(n) {",
    "  try {",
    "    with (spy({ n })) {",
    "      try {",
    "        return n;",
    "      } finally {",
    "        throw n;",
    "      }",
    "    }",
    "  } catch {}",
    "}",
    "async function* discarded(n) {",
    "  with (spy({ n })) {",
    "    for (;;) {",
    "      try {",
    "        return n;",
    "      } finally {",
    "        break;",
    "      }",
    "    }",
    "  }",
    "  n++;",
    "}",
    "module.exports = { ag, bare, overridden, discarded, seen };",
    "",
  ].join("\n");
  const { original, out } = instrumentToFile(source, "with-async-return.cjs");
  const run = async (m) => [await m.ag(21).next(), await m.bare().next(), await m.overridden(3).next(), await m.discarded(7).next()];
  const plain = require(original);
  const expected = await run(plain);
  const returns = [];
  const tracer = (frame, event, arg) => {
    if (event === "return" && ["ag", "bare", "overridden", "discarded"].includes(frame.code.name))
      returns.push(`${frame.code.name} ${arg}`);
    return tracer;
  };
  rt.settrace(tracer);
  let m;
  try {
    m = require(out);
    assert.equal(await run(m), expected);
  } finally {
    rt.settrace(null);
  }
  // (the with body runs off the stack: a suspension, a return event without a value, then the frame's last;
  // a return that a finally overrides with a throw leaves no value; one it overrides with a break,
  // after which the function falls off its end, returns undefined)
  assert.equal(returns, [
    "ag undefined",
    "ag 42",
    "bare undefined",
    "bare undefined",
    "overridden undefined",
    "overridden undefined",
    "discarded undefined",
    "discarded undefined",
  ]);
  assert.equal(m.seen, plain.seen);
  assert.is(rt.state.sp, 0);
});

// C6: classic scripts share the realm's global scope; two instrumented ones must not collide
// on tsdb's header constants. (Each mode's scripts are other texts: one realm here.)
function runScripts(mode) {
  const scripts = [`var ${mode}A = 1;\nfunction ${mode}F() {\n  return ${mode}A + 1;\n}\n`, `var ${mode}B = ${mode}F() + 1;\n`];
  const stop = startMode(mode);
  try {
    scripts.forEach((source, i) => {
      const filename = join(tmp, `script-${mode}-${i}.js`);
      const code = mode === "plain" ? source : instrument(source, { filename, sourceType: "script", sourceMaps: "none" }).code;
      vm.runInThisContext(code, { filename });
    });
  } finally {
    stop();
  }
  return [globalThis[`${mode}A`], globalThis[`${mode}F`](), globalThis[`${mode}B`]].join();
}

test("C6: two instrumented classic scripts in one realm", () => {
  assert.is(runScripts("plain"), "1,2,3");
  for (const mode of modes) {
    assert.is(runScripts(mode), "1,2,3", mode);
    assert.is(rt.state.sp, 0, mode);
  }
});

test("C6: CommonJS and ES modules keep the short names; a script's are its own", () => {
  const names = (options) => instrument("var a = 1;", { sourceMaps: "none", ...options }).code.match(/(\$[\w$]*?)T\.file\(/)[1];
  assert.is(names({ filename: "/x/a.cjs" }), "$");
  assert.is(names({ filename: "/x/a.js", sourceType: "commonjs" }), "$");
  assert.is(names({ filename: "/x/a.mjs" }), "$");
  const [a, b] = ["/x/a.js", "/x/b.js"].map((filename) => names({ filename, sourceType: "script" }));
  assert.match(a, /^\$t[0-9a-z]+\$$/);
  assert.is.not(a, b);
  assert.is(names({ filename: "/x/a.js", sourceType: "script" }), a);
  // (a script's header is a string: still recognized, so that nothing instruments it twice)
  assert.ok(isInstrumented(instrument("var a = 1;", { filename: "/x/a.js", sourceType: "script", sourceMaps: "none" }).code));
  // Every prefix and layout is recognized; a file that only looks like a header is not.
  for (const source of ["var a = 1;", "var $d = 1;", "var $d, $_;", "var $d, $_, $$;"])
    for (const filename of ["/x/a.cjs", "/x/a.mjs"])
      for (const compact of [true, false])
        assert.ok(isInstrumented(instrument(source, { filename, compact, sourceMaps: "none" }).code), `${source} ${filename} ${compact}`);
  assert.not.ok(isInstrumented('const $T = files; const $F = $G.file("a");\n$T.file("b");\n'));
});

// C6: the same classic script evaluated twice in one realm (its header is the realm's, made once),
// and evaluated again from inside itself (each evaluation keeps its own frame).
function sameScriptTwice(mode, evaluate = (code) => vm.runInThisContext(code), scope = globalThis, big = false) {
  const m = `same${mode}${big ? "Big" : ""}`;
  // (big: more values than a frame keeps in the runtime's flat array, so the top level has an array of its own)
  const block = big ? [`{ ${Array.from({ length: 20 }, (_, i) => `let v${i} = ${i};`).join(" ")} }`] : [];
  const source = [
    `var ${m}N = (typeof ${m}N === "number" ? ${m}N : 0) + 1;`,
    ...block,
    `function ${m}F() {`,
    `  return ${m}N;`,
    `}`,
    `if (${m}N < 3) ${m}Again();`,
    `${m}Log.push(${m}N + ":" + ${m}F());`,
    "",
  ].join("\n");
  const filename = join(tmp, `${m}.js`);
  const code = mode === "plain" ? source : instrument(source, { filename, sourceType: "script", sourceMaps: "none" }).code;
  scope[`${m}Log`] = [];
  scope[`${m}Again`] = () => evaluate(code);
  const frames = [];
  const stop = startMode(mode);
  const previous = rt.gettrace();
  // Each evaluation's return event is its own call's frame (an evaluation that ends gives the one it interrupted back).
  if (previous)
    rt.settrace(function pairs(frame, event, arg) {
      if (frame.code.name === "<module>" && event === "call") frames.push(frame);
      if (frame.code.name === "<module>" && event === "return") assert.is(frames.pop(), frame);
      const next = previous(frame, event, arg);
      return next === previous ? pairs : next;
    });
  try {
    evaluate(code);
    evaluate(code);
  } finally {
    stop();
  }
  assert.is(frames.length, 0);
  return scope[`${m}Log`].join();
}

test("C6: the same classic script evaluated twice in one realm, and from inside itself", () => {
  const inThisContext = (code) => vm.runInThisContext(code);
  for (const big of [false, true]) {
    assert.is(sameScriptTwice("plain", inThisContext, globalThis, big), "3:3,3:3,3:3,4:4");
    for (const mode of modes) {
      assert.is(sameScriptTwice(mode, inThisContext, globalThis, big), "3:3,3:3,3:3,4:4", mode);
      assert.is(rt.state.sp, 0, mode);
    }
  }
});

test("C6: the same script twice in a vm context, once tsdb is given the realm", () => {
  const context = vm.createContext({});
  const scope = vm.runInContext("globalThis", context);
  const evaluate = (code) => vm.runInContext(code, context);
  Object.defineProperty(scope, Symbol.for("tsdb.runtime"), { value: globalThis[Symbol.for("tsdb.runtime")] });
  const code = instrument("var once = 1;\n", { filename: join(tmp, "in-context.js"), sourceType: "script", sourceMaps: "none" }).code;
  assert.throws(() => evaluate(code), /give tsdb that realm first with scriptRealm/);
  rt.scriptRealm(evaluate);
  assert.is(sameScriptTwice("untraced", evaluate, scope), "3:3,3:3,3:3,4:4");
  assert.is(sameScriptTwice("traced", evaluate, scope), "3:3,3:3,3:3,4:4");
  assert.is(rt.state.sp, 0);
});

test.run();
