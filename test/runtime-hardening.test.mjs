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
    "clear",
    "debuggerStatement",
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
    "lines",
    "prim",
    "push",
    "raise",
    "script",
    "slots",
    "state",
    "suspend",
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
