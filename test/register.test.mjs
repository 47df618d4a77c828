// tsdb/register in real child processes: ES modules and CommonJS, TypeScript,
// include/exclude, source-mapped stack traces, syntax errors, register().
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tempDir } from "./helpers/system.mjs";
import { join } from "node:path";
import { node, registerCJS, root, registerESM, runCJS, runESM, sandbox, cleanup } from "./fixtures/register/harness.mjs";

// Tests that only add files share one copy of each fixture (and so its cache).
const shared = new Map();
const once = (name) => () => (shared.has(name) ? shared.get(name) : shared.set(name, sandbox(name)).get(name));
const esmApp = once("register/esm");
const cjsApp = once("register/cjs");
const errApp = once("register/err");

const program = (calls) => calls.filter((c) => !c.startsWith("trace.mjs:"));

function ok(r) {
  assert.is(r.status, 0, `exit status ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.ok(r.calls, `no CALLS line in\n${r.stdout}`);
}

test("a cold load (Babel running in the program's thread) leaves Error.stackTraceLimit and Error.prepareStackTrace as they were", () => {
  const dir = sandbox();
  const probe =
    "console.log(Error.stackTraceLimit, Error.prepareStackTrace && Error.prepareStackTrace.name, Object.getOwnPropertyNames(Error).join());";
  writeFileSync(join(dir, "probe.cjs"), `${probe}\n`);
  writeFileSync(join(dir, "probe.ts"), `const n: number = 1;\n${probe}\n`);
  writeFileSync(
    join(dir, "api.cjs"),
    `require(${JSON.stringify(join(root, "dist/compiler/index.js"))}).instrument("let a = 1;", { filename: "/x/a.js" });\n${probe}\n`,
  );
  const plain = node(["probe.cjs"], { cwd: dir });
  assert.is(plain.status, 0, plain.stderr);
  for (const main of ["probe.cjs", "probe.ts"])
    for (const round of ["cold", "warm"]) {
      const r = node(["--import", registerESM, main], { cwd: dir });
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stdout, plain.stdout, `${main} ${round}`);
    }
  // instrument() called by a program: the same.
  const api = node(["api.cjs"], { cwd: dir });
  assert.is(api.status, 0, api.stderr);
  assert.is(api.stdout, plain.stdout);
});

test("--import: ESM app importing .ts (as ./lib.js), .cjs and .cts; calls at original lines", () => {
  const dir = esmApp();
  const r = runESM(dir, "main.mjs");
  ok(r);
  assert.match(r.stdout, "total 3 30 #3");
  assert.equal(program(r.calls), [
    "lib.ts:<module>:1",
    "legacy.cjs:<module>:1",
    "helper.cts:<module>:1",
    "main.mjs:<module>:1",
    "main.mjs:main:5",
    "lib.ts:add:8",
    "legacy.cjs:legacy:3",
    "helper.cts:label:5",
  ]);
});

test("--require: CommonJS app requiring .ts (as ./util.js) and importing an ES module", () => {
  const dir = cjsApp();
  const r = runCJS(dir, "main.cjs");
  ok(r);
  assert.match(r.stdout, "twice 42\nesm 21");
  assert.equal(program(r.calls), [
    "main.cjs:<module>:1",
    "util.ts:<module>:1",
    "main.cjs:run:3",
    "util.ts:twice:4",
    "esm.mjs:<module>:1",
    "main.cjs:<anonymous>:5",
    "esm.mjs:half:3",
  ]);
});

test("--require: require() of an ES module (Node 20.19+) is instrumented as a module", () => {
  const dir = cjsApp();
  writeFileSync(join(dir, "req-esm.cjs"), 'const { half } = require("./esm.mjs");\nconsole.log("half", half(8));\n');
  const r = runCJS(dir, "req-esm.cjs");
  ok(r);
  assert.match(r.stdout, "half 4");
  assert.equal(program(r.calls), ["req-esm.cjs:<module>:1", "esm.mjs:<module>:1", "esm.mjs:half:3"]);
});

test("require() of an ES module: its imports are instrumented, unseen by the program (require-esm.ts)", () => {
  const dir = sandbox();
  const files = {
    "a.mjs": 'import { b } from "./b.mjs";\nexport * from "./b.mjs";\nexport function a() {\n  return b() + 1;\n}\n',
    // the program's own reads of its file, during the window where the graph loads
    "b.mjs": [
      'import { openSync, readFileSync } from "node:fs";',
      "export const url = import.meta.url;",
      'export const text = readFileSync(new URL(url), "utf8");',
      "export const bytes = String(readFileSync(new URL(url)));",
      "export function b() {",
      "  const x = 41;",
      "  return x;",
      "}",
      "",
    ].join("\n"),
    "main.cjs": [
      'const fs = require("node:fs");',
      "const open = fs.openSync;",
      'const { a, b, url, text, bytes } = require("./a.mjs");',
      'console.log("a", a(), fs.openSync === open, url === require("node:url").pathToFileURL(require.resolve("./b.mjs")).href);',
      'console.log("text", text === fs.readFileSync(require.resolve("./b.mjs"), "utf8"), bytes === text);',
      'console.log("one instance", require("./b.mjs").b === b);',
      'import("./b.mjs").then((ns) => console.log("imported", ns.b === b));',
      "",
    ].join("\n"),
    "bp.mjs": [
      `import { Bdb } from ${JSON.stringify(join(root, "dist/index.mjs"))};`,
      "const hits = [];",
      "class D extends Bdb {",
      "  userLine(frame) {",
      '    hits.push(frame.code.module + ":" + frame.lineno);',
      "    this.setContinue();",
      "  }",
      "}",
      "const d = new D();",
      'for (const [file, line] of [["a.mjs", 4], ["b.mjs", 6]]) d.setBreak(new URL(file, import.meta.url).pathname, line);',
      "d.setTrace();",
      'process.on("exit", () => console.log("HITS " + JSON.stringify(hits.filter((h) => !h.startsWith("bp.mjs")))));',
      "",
    ].join("\n"),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const expected = "a 42 true true\ntext true true\none instance true\nimported true\n";
  const plain = node(["main.cjs"], { cwd: dir });
  assert.is(plain.stdout, expected, plain.stderr);
  mkdirSync(join(dir, "tmp"));
  for (const preload of [
    ["--import", registerESM],
    ["--require", registerCJS],
  ]) {
    const r = node([...preload, "--import", "./bp.mjs", "main.cjs"], { cwd: dir, env: { TMPDIR: join(dir, "tmp") } });
    assert.is(r.stdout, `${expected}HITS ["a.mjs:4","b.mjs:6"]\n`, r.stderr);
    const left = readdirSync(join(dir, "tmp")).filter((name) => name.startsWith("tsdb-require-esm-"));
    assert.equal(left, [], "the private copies are gone");
  }
  // No private copy can be made: said once, the imports run as they are.
  const full = node(["--import", registerESM, "--import", "./bp.mjs", "main.cjs"], { cwd: dir, env: { TMPDIR: join(dir, "none") } });
  assert.is(full.stdout, `${expected}HITS ["a.mjs:4"]\n`, full.stderr);
  assert.match(full.stderr, /^tsdb: .*b\.mjs runs uninstrumented \(required ES module graph: ENOENT/);
  // The required module not instrumented, its import is (the stepping starts there).
  const r = node(["--import", registerESM, "--import", "./bp.mjs", "main.cjs"], { cwd: dir, env: { TSDB_INCLUDE: "b.mjs" } });
  assert.is(r.stdout, `${expected}HITS ["b.mjs:2","b.mjs:6"]\n`, r.stderr);
});

test("--import also runs a CommonJS main and a .ts main", () => {
  const dir = cjsApp();
  const r = runESM(dir, "main.cjs");
  ok(r);
  assert.ok(program(r.calls).includes("util.ts:twice:4"));
  const esm = esmApp();
  writeFileSync(join(esm, "entry.ts"), 'import { add } from "./lib.js";\n\nconst n: number = add(2, 3);\nconsole.log("n", n);\n');
  const r2 = runESM(esm, "entry.ts");
  ok(r2);
  assert.match(r2.stdout, "n 5");
  assert.equal(program(r2.calls), ["lib.ts:<module>:1", "entry.ts:<module>:1", "lib.ts:add:8"]);
});

test("TSDB_EXCLUDE / TSDB_INCLUDE: excluded files run (TypeScript stripped) but report nothing", () => {
  const dir = esmApp();
  const r = runESM(dir, "main.mjs", { env: { TSDB_EXCLUDE: "lib.ts,*.cjs" } });
  ok(r);
  assert.match(r.stdout, "total 3 30 #3");
  assert.equal(program(r.calls), ["helper.cts:<module>:1", "main.mjs:<module>:1", "main.mjs:main:5", "helper.cts:label:5"]);
  const r2 = runESM(dir, "main.mjs", { env: { TSDB_INCLUDE: "**/*.ts" } });
  ok(r2);
  assert.equal(r2.calls, ["lib.ts:<module>:1", "lib.ts:add:8"]);
});

test('"tsdb" key in package.json; the environment wins over it', () => {
  const dir = sandbox("register/esm");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", tsdb: { include: ["main.mjs", "legacy.cjs"] } }));
  const r = runESM(dir, "main.mjs");
  ok(r);
  assert.equal(program(r.calls), ["legacy.cjs:<module>:1", "main.mjs:<module>:1", "main.mjs:main:5", "legacy.cjs:legacy:3"]);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", tsdb: { exclude: ["main.mjs"] } }));
  const r2 = runESM(dir, "main.mjs", { env: { TSDB_EXCLUDE: "lib.ts" } });
  ok(r2);
  assert.ok(r2.calls.includes("main.mjs:main:5"));
  assert.not.ok(r2.calls.some((c) => c.startsWith("lib.ts")));
});

test("node_modules is not instrumented by default", () => {
  const dir = sandbox();
  const mod = join(dir, "node_modules/dep");
  mkdirSync(mod, { recursive: true });
  writeFileSync(join(mod, "index.js"), "exports.f = function f() { return 1; };\n");
  writeFileSync(join(dir, "usesdep.cjs"), 'const { f } = require("./node_modules/dep/index.js");\nf();\n');
  const r = runCJS(dir, "usesdep.cjs");
  ok(r);
  assert.equal(program(r.calls), ["usesdep.cjs:<module>:1"]);
});

test("installed as npm lays it out (its dependencies beside the program's): an include naming node_modules instruments a package", () => {
  // tsdb copied into the sandbox's node_modules, its dependencies linked beside it (hoisted), so
  // that minimatch is outside tsdb's folder: loading it lazily ran the hook on its own files,
  // which asked for minimatch while it was loading (TypeError: reading 'filter' of undefined).
  // Outside the repository: inside it, "tsdb/register" would name the repository's own package.
  const dir = tempDir("tsdb-hoisted");
  const modules = join(dir, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (!name.startsWith(".")) symlinkSync(join(root, "node_modules", name), join(modules, name), "dir");
  }
  cpSync(join(root, "dist"), join(modules, "tsdb/dist"), { recursive: true });
  cpSync(join(root, "package.json"), join(modules, "tsdb/package.json"));
  mkdirSync(join(modules, "dep"));
  writeFileSync(join(modules, "dep/index.js"), "exports.f = function f() { return 1; };\n");
  writeFileSync(join(dir, "app.cjs"), 'console.log(require("dep").f());\n');
  writeFileSync(
    join(dir, "calls.mjs"),
    'import { settrace } from "tsdb/runtime";\nconst calls = [];\nsettrace((frame, event) => { if (event === "call") calls.push(frame.code.module + ":" + frame.code.name); return null; });\nprocess.on("exit", () => console.log(JSON.stringify(calls)));\n',
  );
  try {
    for (const hook of [
      ["--import", "tsdb/register"],
      ["--require", "tsdb/register"],
    ]) {
      const r = node([...hook, "--import", "./calls.mjs", "app.cjs"], { cwd: dir, env: { TSDB_INCLUDE: "node_modules/dep/**" } });
      assert.is(r.status, 0, r.stderr);
      const [result, calls] = r.stdout.trim().split("\n");
      assert.is(result, "1");
      assert.equal(JSON.parse(calls), ["node_modules/dep/index.js:<module>", "node_modules/dep/index.js:f"]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--enable-source-maps: a stack trace through a .ts file shows its own line", () => {
  const dir = errApp();
  const r = node(["--enable-source-maps", "--import", registerESM, "main.mjs"], { cwd: dir });
  assert.is.not(r.status, 0);
  assert.match(r.stderr, "Error: bad");
  assert.match(r.stderr, /at boom \(.*thrower\.ts:6:\d+\)/);
  assert.match(r.stderr, /main\.mjs:3:\d+/);
});

test("a syntax error: file:line:col: message and a code frame (ESM and CommonJS)", () => {
  const dir = errApp();
  const r = node(["--import", registerESM, "syntax.mjs"], { cwd: dir });
  assert.is.not(r.status, 0);
  assert.match(r.stderr, `${join(dir, "broken.ts")}:2:11: Unexpected token`);
  assert.match(r.stderr, "> 2 | const b = ;");
  const r2 = node(["--require", registerCJS, "syntax.cjs"], { cwd: dir });
  assert.is.not(r2.status, 0);
  assert.match(r2.stderr, `${join(dir, "broken.cts")}:1:9: Unexpected token`);
  assert.match(r2.stderr, "> 1 | let x = ;");
});

test("register(options) replaces the default hook; unregister() removes it", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "a.cjs"), "function a() {}\na();\n");
  writeFileSync(join(dir, "b.cjs"), "function b() {}\nb();\n");
  writeFileSync(join(dir, "c.mjs"), "function c() {}\nc();\n");
  writeFileSync(
    join(dir, "main.cjs"),
    `const { register } = require(${JSON.stringify(registerCJS)});
const unregister = register({ include: ["a.cjs", "c.mjs"], cache: false });
require("./a.cjs");
require("./b.cjs");
import("./c.mjs").then(() => {
  unregister();
  delete require.cache[require.resolve("./a.cjs")];
  require("./a.cjs");
});
`,
  );
  const r = node(["--import", "./trace.mjs", "main.cjs"], { cwd: dir });
  ok(r);
  assert.equal(r.calls, ["a.cjs:<module>:1", "a.cjs:a:1", "c.mjs:<module>:1", "c.mjs:c:1"]);
});

test("tsdb/register by package name: --import and --require", () => {
  const dir = cjsApp();
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(root, join(dir, "node_modules/tsdb"), "dir");
  const r = node(["--import", "tsdb/register", "--import", "./trace.mjs", "main.cjs"], { cwd: dir });
  ok(r);
  assert.ok(r.calls.includes("util.ts:twice:4"));
  const r2 = node(["--require", "tsdb/register", "--import", "./trace.mjs", "main.cjs"], { cwd: dir });
  ok(r2);
  assert.ok(r2.calls.includes("util.ts:twice:4"));
});

test.after(cleanup);

test.run();
