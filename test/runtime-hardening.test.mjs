// The runtime exposes no more than generated code needs, lets re-evaluated modules go, says when
// two copies are loaded or when it is missing, and counts lines as V8 does.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, cli, node, registerCJS, root, runtimePath, sandbox } from "./fixtures/register/harness.mjs";

const ok = (r) => assert.is(r.status, 0, r.stderr);

test("the global holds what instrumented scripts need and nothing that reaches other modules", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(join(dir, "secret.cjs"), "let token = 'hunter2';\nmodule.exports = function use() { return token.length; };\n");
  writeFileSync(
    join(dir, "main.cjs"),
    `require("./secret.cjs");
const g = globalThis[Symbol.for("tsdb.runtime")];
console.log(JSON.stringify(Object.keys(g).sort()));
console.log(typeof g.loadedfiles, typeof g.settrace, typeof g.getframe, typeof g.SourceFile, Object.isFrozen(g));
try { globalThis[Symbol.for("tsdb.runtime")] = { fake: 1 }; } catch {}
console.log(globalThis[Symbol.for("tsdb.runtime")] === g);
`,
  );
  const r = node(["--require", registerCJS, "main.cjs"], { cwd: dir });
  ok(r);
  const [keys, kinds, same] = r.stdout.trim().split("\n");
  assert.equal(JSON.parse(keys), [
    "call",
    "callPart",
    "clear",
    "debuggerStatement",
    "enter",
    "enterModule",
    "exception",
    "file",
    "flat",
    "forAwait",
    "gen",
    "interrupted",
    "interrupts",
    "leave",
    "line",
    "lineAt",
    "lineAtPart",
    "linePart",
    "lines",
    "prim",
    "push",
    "raise",
    "script",
    "slots",
    "state",
    "suspend",
    "unnamed",
    "vals",
    "values",
    "written",
  ]);
  assert.is(kinds, "undefined undefined undefined undefined true");
  assert.is(same, "true");
});

test("instrumented code run where the runtime is not: a clear error naming the file", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(join(dir, "script.js"), "var x = 1;\nfunction f() { return x; }\nf();\n");
  ok(node([cli, "script.js", "-o", "out.js"], { cwd: dir }));
  writeFileSync(
    join(dir, "main.cjs"),
    `const vm = require("node:vm");
try { vm.runInNewContext(require("fs").readFileSync("out.js", "utf8")); } catch (e) { console.log(e.message); }
`,
  );
  const r = node(["main.cjs"], { cwd: dir });
  ok(r);
  assert.match(r.stdout, `tsdb: ${join(dir, "script.js")} was instrumented by tsdb, but tsdb's runtime is not loaded here`);
  assert.not.match(r.stdout, "Cannot read properties");
});

test("a module evaluated 1000 times (jest's registry, hot reload) does not keep its scopes", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(
    join(dir, "mod.cjs"),
    "const big = new Array(20000).fill(0).map((_, i) => ({ i }));\nfunction f() { return big.length; }\nmodule.exports = f;\n",
  );
  writeFileSync(
    join(dir, "main.cjs"),
    `const path = require.resolve("./mod.cjs");
(async () => {
  let base = 0;
  for (let i = 0; i < 1000; i++) {
    delete require.cache[path];
    require(path)();
    module.children.length = 0;
    await new Promise(setImmediate);
    if (i === 20) { gc(); base = process.memoryUsage().heapUsed; }
  }
  await new Promise(setImmediate);
  gc();
  console.log("GROWTH", Math.round((process.memoryUsage().heapUsed - base) / 1e6));
})();
`,
  );
  const growth = (r) => Number(/GROWTH (-?\d+)/.exec(r.stdout)?.[1]);
  const plain = node(["--expose-gc", "main.cjs"], { cwd: dir });
  ok(plain);
  const traced = node(["--expose-gc", "--require", registerCJS, "main.cjs"], { cwd: dir, env: { TSDB_CACHE_DIR: "cache" } });
  ok(traced);
  // Each evaluation's scope is about 0.8 MB: kept, they would be 800 MB.
  assert.ok(growth(plain) < 20, plain.stdout);
  assert.ok(growth(traced) < 20, `instrumented: ${traced.stdout}`);
});

test("a function that outlives its module keeps its file: its Key's flags, its code and the module's bindings", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  // The module's other functions, its top level and its exports object are garbage once it is
  // dropped from the cache: only `add` (and the scope it closes over) is left.
  writeFileSync(
    join(dir, "mod.cjs"),
    "let count = 40;\nfunction add(n) {\n  count += n;\n  return count;\n}\nfunction other() { return count; }\nmodule.exports = { add, other };\n",
  );
  writeFileSync(
    join(dir, "main.cjs"),
    `const { settrace } = require(${JSON.stringify(runtimePath)});
const path = require.resolve("./mod.cjs");
let add = require(path).add;
delete require.cache[path];
module.children.length = 0;
(async () => {
  for (let i = 0; i < 5; i++) { await new Promise(setImmediate); gc(); }
  const seen = [];
  settrace((frame, event) => {
    if (event === "call" && frame.code.name === "add") seen.push(frame.code.qualname + " " + frame.eval("count + n"));
    return null;
  });
  const result = add(2);
  settrace(null);
  console.log(seen.join(","), result);
})();
`,
  );
  const r = node(["--expose-gc", "--require", registerCJS, "main.cjs"], { cwd: dir, env: { TSDB_CACHE_DIR: "cache" } });
  ok(r);
  assert.is(r.stdout.trim(), "add 42 42");
});

test("a file's Codes, each made when first asked for, are the same objects whoever asks first", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(
    join(dir, "mod.cjs"),
    `const { getframe } = require(${JSON.stringify(runtimePath)});
function outer() {
  function middle() {
    return (() => getframe())();
  }
  return middle();
}
class A {
  m() {
    return getframe();
  }
}
module.exports = { outer, A };
`,
  );
  // A frame of the innermost function first (its qualname's prefix refers to the rows around it), then all of them.
  writeFileSync(
    join(dir, "main.cjs"),
    `const { loadedfiles } = require(${JSON.stringify(runtimePath)});
const { outer, A } = require("./mod.cjs");
const inner = outer();
const file = loadedfiles().find((f) => f.filename.endsWith("mod.cjs"));
const method = new A().m();
const codes = file.codes;
console.log(codes.includes(inner.code), codes.includes(inner.back.code), codes.includes(method.code), codes === file.codes);
console.log(codes.map((c) => c.qualname + ":" + c.firstlineno + "-" + c.lastlineno).join());
`,
  );
  const r = node(["--require", registerCJS, "main.cjs"], { cwd: dir, env: { TSDB_CACHE_DIR: "cache" } });
  ok(r);
  assert.is(
    r.stdout.trim(),
    "true true true true\n<module>:1-14,outer:2-7,outer.<locals>.middle:3-5,outer.<locals>.middle.<locals>.<anonymous>:4-4,A.m:9-11",
  );
});

test("each Key has a hidden class of its own: one code's flags changing leaves another's tests compiled away", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(
    join(dir, "mod.cjs"),
    "function a(n) {\n  return n + 1;\n}\nfunction b(n) {\n  return n + 2;\n}\nmodule.exports = { a, b };\n",
  );
  // Natives through `new Function`: the hook instruments this file too, and Babel does not parse `%`.
  writeFileSync(
    join(dir, "main.cjs"),
    `const { loadedfiles } = require(${JSON.stringify(runtimePath)});
const { a } = require("./mod.cjs");
const native = (body) => new Function("x", "y", body);
const sameMap = native("return %HaveSameMap(x, y)");
const prepare = native("%PrepareFunctionForOptimization(x)");
const optimizeNext = native("%OptimizeFunctionOnNextCall(x)");
const optimized = native("return (%GetOptimizationStatus(x) & 16) !== 0");
const file = loadedfiles().find((f) => f.filename.endsWith("mod.cjs"));
const keys = file.keys;
const key = (name) => keys[file.codes.findIndex((code) => code.name === name)];
const shared = [];
for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) if (sameMap(keys[i], keys[j])) shared.push(i + "," + j);
prepare(a);
a(1);
a(2);
optimizeNext(a);
a(3);
const before = optimized(a);
key("b").c = 1; // another code's flags change (as a watch sets them), and back
key("b").c = 0;
key("b").l = 1;
const afterOther = optimized(a);
key("a").c = 1; // its own: the folded test must go
key("a").c = 0;
console.log(keys.length, "shared:" + shared.join(" "), before, afterOther, optimized(a));
`,
  );
  const r = node(["--allow-natives-syntax", "--require", registerCJS, "main.cjs"], { cwd: dir, env: { TSDB_CACHE_DIR: "cache" } });
  ok(r);
  assert.is(r.stdout.trim(), "3 shared: true true false");
});

test("setters a program puts on Object.prototype are not called when a file registers its Keys", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(join(dir, "mod.cjs"), "function twice(n) {\n  return n * 2;\n}\nmodule.exports = twice;\n");
  writeFileSync(
    join(dir, "main.cjs"),
    `const { settrace } = require(${JSON.stringify(runtimePath)});
if (process.env.PRIME) return void require("./mod.cjs"); // fills the cache: Babel is no part of this
const calls = [];
// (Not "id": Node's own Module constructor assigns one.)
for (const name of ["c", "l", "r", "ring"])
  Object.defineProperty(Object.prototype, name, { set(v) { calls.push(name); }, get() { return undefined; }, configurable: true });
const twice = require("./mod.cjs");
const seen = [];
settrace((frame, event) => {
  if (frame.code.name === "twice") seen.push(event);
  return (frame, event) => { if (frame.code.name === "twice") seen.push(event); };
});
const result = twice(21);
settrace(null);
for (const name of ["c", "l", "r", "ring"]) delete Object.prototype[name];
console.log(calls.join(",") || "none", seen.join(","), result);
`,
  );
  ok(node(["--require", registerCJS, "main.cjs"], { cwd: dir, env: { TSDB_CACHE_DIR: "cache", PRIME: "1" } }));
  const r = node(["--require", registerCJS, "main.cjs"], { cwd: dir, env: { TSDB_CACHE_DIR: "cache" } });
  ok(r);
  assert.is(r.stdout.trim(), "none call,line,return 42");
});

test("two copies of tsdb's runtime in one process: a warning naming both", () => {
  const dir = sandbox();
  const copy = join(dir, "other-tsdb");
  mkdirSync(copy);
  cpSync(join(root, "dist"), join(copy, "dist"), { recursive: true });
  cpSync(join(root, "package.json"), join(copy, "package.json"));
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(
    join(dir, "main.cjs"),
    `require(${JSON.stringify(runtimePath)});\nrequire("./other-tsdb/dist/runtime/index.js");\nconsole.log("ran");\n`,
  );
  const r = node(["main.cjs"], { cwd: dir });
  ok(r);
  assert.match(r.stdout, "ran");
  assert.match(r.stderr, "TsdbWarning: two copies of tsdb's runtime are loaded");
  assert.match(r.stderr, join(root, "dist/runtime/trace.js"));
  assert.match(r.stderr, join(copy, "dist/runtime/trace.js"));
  const one = node(["-e", `require(${JSON.stringify(runtimePath)}); require(${JSON.stringify(join(root, "dist/index.js"))});`], {
    cwd: dir,
  });
  ok(one);
  assert.is(one.stderr, "");
});

test("getline and getsource count lines as V8 and Babel: CR-only files, U+2028/U+2029 in strings", () => {
  const dir = sandbox();
  const cr = join(dir, "cr.js");
  writeFileSync(cr, "var a = 1;\rvar b = 2;\r\nvar c = 3;\nfunction boom() { throw new Error('x'); }\rboom();\r");
  const sep = join(dir, "sep.js");
  writeFileSync(sep, 'var s = "a\u2028b";\nvar t = "c\u2029d";\nthrow new Error("here");\n');
  const r = node(
    [
      "-e",
      `const { getline, getsource } = require(${JSON.stringify(runtimePath)});
const out = [];
for (const f of [${JSON.stringify(cr)}, ${JSON.stringify(sep)}]) for (let n = 1; n <= 6; n++) out.push(getline(f, n));
out.push(getsource(${JSON.stringify(cr)}) === require("fs").readFileSync(${JSON.stringify(cr)}, "utf8"));
try { require(${JSON.stringify(cr)}); } catch (e) { out.push(/cr\\.js:(\\d+)/.exec(e.stack)[1]); }
try { require(${JSON.stringify(sep)}); } catch (e) { out.push(/sep\\.js:(\\d+)/.exec(e.stack)[1]); }
console.log(JSON.stringify(out));`,
    ],
    { cwd: dir },
  );
  ok(r);
  const out = JSON.parse(r.stdout);
  assert.equal(out.slice(0, 6), [
    "var a = 1;\n",
    "var b = 2;\n",
    "var c = 3;\n",
    "function boom() { throw new Error('x'); }\n",
    "boom();\n",
    "",
  ]);
  assert.equal(out.slice(6, 12), ['var s = "a\n', 'b";\n', 'var t = "c\n', 'd";\n', 'throw new Error("here");\n', ""]);
  assert.is(out[12], true, "getsource gives the text back");
  // V8's own line numbers agree: getline(file, that line) is the line that threw.
  assert.is(out[13], "4");
  assert.is(out[14], "5");
});

test.after(cleanup);

test.run();
