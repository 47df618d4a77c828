// tsdb/register loads what tsx loads: TypeScript with import/export in a CommonJS package,
// JSX (classic, pragmas, the automatic runtime), original positions in stack traces without a
// flag, include/exclude judged on real paths, errors that name the file.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, node, registerCJS, registerESM, runCJS, runESM, sandbox } from "./fixtures/register/harness.mjs";

const ok = (r) => assert.is(r.status, 0, r.stderr);

function commonjsApp() {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "commonjs" }));
  writeFileSync(join(dir, "lib.ts"), "export function twice(n: number): number {\n  return n * 2;\n}\nexport default 7;\n");
  writeFileSync(
    join(dir, "main.ts"),
    [
      'import seven, { twice } from "./lib";',
      'import * as path from "node:path";',
      "function boom(): never {",
      '  throw new Error("boom");',
      "}",
      "console.log(twice(seven), path.sep);",
      "try {",
      "  boom();",
      "} catch (e) {",
      '  console.log((e as Error).stack!.split("\\n")[1].trim());',
      "}",
      "",
    ].join("\n"),
  );
  return dir;
}

test('TypeScript with import/export in a "type": "commonjs" package runs (--require and --import), as tsx', () => {
  const dir = commonjsApp();
  for (const r of [runCJS(dir, "main.ts"), runESM(dir, "main.ts")]) {
    ok(r);
    assert.match(r.stdout, "14 /");
    assert.ok(r.calls.includes("lib.ts:twice:1"), JSON.stringify(r.calls));
    assert.ok(r.calls.includes("main.ts:boom:3"));
    // Original positions in the stack trace, without --enable-source-maps.
    assert.match(r.stdout, `at boom (${join(dir, "main.ts")}:4:9)`);
  }
  // Not instrumented (outside the filter): types stripped and modules converted all the same.
  const plain = node(["--require", registerCJS, "main.ts"], { cwd: dir, env: { TSDB_INCLUDE: "nothing" } });
  ok(plain);
  assert.match(plain.stdout, "14 /");
  assert.match(plain.stdout, `at boom (${join(dir, "main.ts")}:4:9)`);
});

test("a module the hook loaded, instrumented or not, has the same own keys as without tsdb (no `_compile` left on it)", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(join(dir, "dep.js"), "module.exports = 1;\n");
  writeFileSync(join(dir, "main.js"), 'require("./dep");\nconsole.log(Object.keys(require.cache[require.resolve("./dep")]).join(","));\n');
  const plain = node(["main.js"], { cwd: dir });
  ok(plain);
  for (const include of ["**", "main.js"]) {
    const r = node(["--require", registerCJS, "main.js"], { cwd: dir, env: { TSDB_INCLUDE: include } });
    ok(r);
    assert.is(r.stdout, plain.stdout, include);
  }
});

test("a program that broke built-ins before a require(): the file compiles and loads (cold and from the cache) as without tsdb", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(
    join(dir, "dep.js"),
    "exports.count = function (n) {\n  const seen = [];\n  for (let i = 0; i < n; i++) seen[seen.length] = i;\n  return seen.length;\n};\n",
  );
  writeFileSync(
    join(dir, "main.js"),
    [
      "const { push } = Array.prototype;",
      "delete Array.prototype.push;",
      'String.prototype.trim = () => "TRIMMED";',
      'Object.prototype.extra = "polluted";',
      'const { count } = require("./dep");',
      "Array.prototype.push = push;",
      'console.log(count(3), " x ".trim(), "push" in []);',
      "",
    ].join("\n"),
  );
  const plain = node(["main.js"], { cwd: dir });
  ok(plain);
  assert.is(plain.stdout, "3 TRIMMED true\n");
  for (const round of ["cold", "cached"]) {
    const r = node(["--require", registerCJS, "main.js"], { cwd: dir });
    ok(r);
    assert.is(r.stdout, plain.stdout, round);
  }
});

test("JSX under the hook: classic by default, pragmas, the automatic runtime from tsconfig", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(
    join(dir, "classic.jsx"),
    'const React = { createElement: (t, p, ...c) => [t, p, c] };\nconsole.log(JSON.stringify(<b id="x">hi</b>));\n',
  );
  writeFileSync(
    join(dir, "pragma.tsx"),
    '/** @jsx h */\nconst h = (t: string, p: unknown, ...c: unknown[]) => ["h", t, c];\nconsole.log(JSON.stringify(<i>yo</i>));\n',
  );
  for (const run of [runCJS, runESM]) {
    const classic = run(dir, "classic.jsx");
    ok(classic);
    assert.match(classic.stdout, '["b",{"id":"x"},["hi"]]');
    const pragma = run(dir, "pragma.tsx");
    ok(pragma);
    assert.match(pragma.stdout, '["h","i",["yo"]]');
  }
  // tsconfig.json (with comments and a trailing comma, as TypeScript allows): the automatic runtime.
  const auto = join(dir, "auto");
  mkdirSync(join(auto, "node_modules/myjsx"), { recursive: true });
  writeFileSync(
    join(auto, "tsconfig.json"),
    '{\n  // JSX for React 17+\n  "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "myjsx", },\n}\n',
  );
  writeFileSync(
    join(auto, "node_modules/myjsx/package.json"),
    JSON.stringify({ name: "myjsx", exports: { "./jsx-runtime": "./jsx-runtime.js" } }),
  );
  writeFileSync(join(auto, "node_modules/myjsx/jsx-runtime.js"), 'exports.jsx = (t, p) => ["auto", t, p.children];\n');
  writeFileSync(join(auto, "app.tsx"), "const el = <u>{1 + 1}</u>;\nconsole.log(JSON.stringify(el));\n");
  writeFileSync(join(auto, "package.json"), "{}");
  writeFileSync(join(auto, "trace.mjs"), readFileSync(join(dir, "trace.mjs")));
  for (const run of [runCJS, runESM]) {
    const r = run(auto, "app.tsx");
    ok(r);
    assert.match(r.stdout, '["auto","u",2]');
  }
});

test("include/exclude match real paths: links into node_modules or an excluded folder", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  mkdirSync(join(dir, "node_modules/dep"), { recursive: true });
  mkdirSync(join(dir, "vendor"));
  writeFileSync(join(dir, "node_modules/dep/index.js"), "exports.f = function f() { return 1; };\n");
  writeFileSync(join(dir, "vendor/v.js"), "exports.g = function g() { return 2; };\n");
  symlinkSync(join(dir, "node_modules/dep"), join(dir, "linked"), "dir");
  symlinkSync(join(dir, "vendor"), join(dir, "alsovendor"), "dir");
  writeFileSync(join(dir, "main.cjs"), 'require("./linked/index.js").f();\nrequire("./alsovendor/v.js").g();\n');
  const r = node(["--preserve-symlinks", "--require", registerCJS, "--import", "./trace.mjs", "main.cjs"], {
    cwd: dir,
    env: { TSDB_EXCLUDE: "vendor/**" },
  });
  ok(r);
  assert.equal(
    r.calls.filter((c) => !c.startsWith("trace")),
    ["main.cjs:<module>:1"],
  );
});

test("400 nested functions and a 300-level expression load, run and report their events (a thread with a bigger stack)", () => {
  const dir = sandbox();
  // Deeper than Babel's recursion fits in the main thread's stack: istanbul instruments these (issue 11).
  const body = `return ${"(1 + ".repeat(300)}1${")".repeat(300)};\n`;
  const nested = (n) => (n === 0 ? body : `function f${n}() {\n${nested(n - 1)}}\nreturn f${n}();\n`);
  writeFileSync(join(dir, "deep.cjs"), `console.log((function () {\n${nested(400)}})());\n`);
  for (const register of [registerCJS, registerESM]) {
    const r = node([register === registerCJS ? "--require" : "--import", register, "--import", "./trace.mjs", "deep.cjs"], { cwd: dir });
    ok(r);
    assert.ok(r.stdout.startsWith("301\n"), r.stdout.slice(0, 200));
    assert.ok(r.calls.includes("deep.cjs:f1:401"), r.calls.slice(-3).join(" "));
  }
});

test.after(cleanup);

test.run();
