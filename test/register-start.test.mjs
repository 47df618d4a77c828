// tsdb/register starts Node's ES module hooks thread only when an ES module can load
// (register/module-start.ts): at once for an ES module main or other module flags, otherwise
// before the first CommonJS code that could import one. Whenever an ES module loads, it is
// instrumented (its lines report events: breakpoints hit) and TypeScript ones load.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { cleanup, node, registerCJS, registerESM, root, sandbox } from "./fixtures/register/harness.mjs";

const { mayImport } = createRequire(import.meta.url)(join(root, "dist/register/module-start.js"));

// A CommonJS trace preload (an `--import` one would start the hooks thread at once): prints the
// call and line events as `file:name:line` / `file:line` when the process exits.
const TRACE = `const { settrace } = require(${JSON.stringify(join(root, "dist/runtime/index.js"))});
const events = [];
const name = (frame) => frame.code.filename.split("/").pop();
settrace((frame, event) => {
  if (event === "call") events.push(name(frame) + ":" + frame.code.name + ":" + frame.lineno);
  return (f, e) => {
    if (e === "line") events.push(name(f) + ":" + f.lineno);
  };
});
process.on("exit", () => console.log("EVENTS " + JSON.stringify(events)));
`;

/** A CommonJS package: `main.cjs` (given), `later.cjs` importing `esm.mjs` and the TypeScript module `lib.mts` when called. */
function app(main) {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "commonjs" }));
  writeFileSync(join(dir, "trace.cjs"), TRACE);
  writeFileSync(join(dir, "main.cjs"), main);
  writeFileSync(
    join(dir, "later.cjs"),
    'exports.go = () =>\n  import("./esm.mjs").then((m) => {\n    console.log("esm", m.half(8));\n    return import("./lib.mts");\n  }).then((m) => console.log("ts", m.twice(4)));\n',
  );
  writeFileSync(join(dir, "esm.mjs"), "export function half(n) {\n  const h = n / 2;\n  return h;\n}\n");
  writeFileSync(join(dir, "lib.mts"), "export function twice(n: number): number {\n  const t: number = n * 2;\n  return t;\n}\n");
  return dir;
}

function events(r) {
  const line = r.stdout.split("\n").find((l) => l.startsWith("EVENTS "));
  assert.ok(line, r.stdout + r.stderr);
  return JSON.parse(line.slice(7));
}

const ok = (r) => assert.is(r.status, 0, r.stderr);
/** `loadedAsModule(main)`: true only when the hooks thread loaded the main script (it ran when the main was resolved). */
const probe = `const { loadedAsModule } = require(${JSON.stringify(registerCJS)});\nconsole.log("hooks at start", loadedAsModule(__filename));\n`;

test("a CommonJS main: no hooks thread at the start; ES modules imported later (JavaScript, TypeScript) are instrumented", () => {
  const dir = app(`${probe}setTimeout(() => require("./later.cjs").go(), 5);\n`);
  // A main without an extension (a package's `bin/tsc`) is decided as a `.js` one.
  writeFileSync(join(dir, "main"), readFileSync(join(dir, "main.cjs")));
  for (const args of [
    ["--require", "./trace.cjs", "--import", registerESM, "main.cjs"],
    ["--require", "./trace.cjs", "--require", registerCJS, "main.cjs"],
    ["--require", "./trace.cjs", "--import", registerESM, "main"],
  ]) {
    const r = node(args, { cwd: dir });
    ok(r);
    assert.match(r.stdout, "hooks at start false\nesm 4\nts 8\n");
    const seen = events(r);
    for (const event of ["esm.mjs:half:1", "esm.mjs:2", "esm.mjs:3", "lib.mts:twice:1", "lib.mts:2", "lib.mts:3"]) {
      assert.ok(seen.includes(event), `${event} in ${seen}`);
    }
  }
});

test("a CommonJS main that imports in its own text, and -e code that imports: the modules are instrumented", () => {
  const dir = app('import("./esm.mjs").then((m) => console.log("esm", m.half(8)));\n');
  const main = node(["--require", "./trace.cjs", "--import", registerESM, "main.cjs"], { cwd: dir });
  ok(main);
  assert.match(main.stdout, "esm 4\n");
  assert.ok(events(main).includes("esm.mjs:2"), main.stdout);
  const code = 'import("./lib.mts").then((m) => console.log("ts", m.twice(4)))';
  const e = node(["--require", "./trace.cjs", "--import", registerESM, "-e", code], { cwd: dir });
  ok(e);
  assert.match(e.stdout, "ts 8\n");
  assert.ok(events(e).includes("lib.mts:2"), e.stdout);
});

test("the hooks thread runs from the start for an ES module main, a .js main in a module package, another --import", () => {
  const dir = app(`${probe}`);
  writeFileSync(
    join(dir, "main.mjs"),
    `import { loadedAsModule } from ${JSON.stringify(registerESM)};\nimport { fileURLToPath } from "node:url";\nconsole.log("hooks at start", loadedAsModule(fileURLToPath(import.meta.url)));\n`,
  );
  const esm = node(["--import", registerESM, "main.mjs"], { cwd: dir });
  ok(esm);
  assert.match(esm.stdout, "hooks at start true");
  const other = node(["--import", registerESM, "--import", "./esm.mjs", "main.cjs"], { cwd: dir });
  ok(other);
  assert.match(other.stdout, "hooks at start true");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "module" }));
  writeFileSync(
    join(dir, "main.js"),
    `const { loadedAsModule } = await import(${JSON.stringify(registerESM)});\nconsole.log("hooks at start", loadedAsModule(new URL(import.meta.url).pathname));\n`,
  );
  const js = node(["--import", registerESM, "main.js"], { cwd: dir });
  ok(js);
  assert.match(js.stdout, "hooks at start true");
  writeFileSync(join(dir, "main"), readFileSync(join(dir, "main.js")));
  const bare = node(["--import", registerESM, "main"], { cwd: dir });
  ok(bare);
  assert.match(bare.stdout, "hooks at start true");
});

test("mayImport: the word import followed by ( or a comment, not part of a longer name", () => {
  for (const code of ['import("x")', "f(); import ('x')", "await import\n(x)", "import /* c */ (x)", "x = import(y)"]) {
    assert.ok(mayImport(code), code);
  }
  for (const code of ['var import_fs = require("fs")', "__importDefault(x)", "// importing\nx()", "reimport(x)", "$import(x)", "import"]) {
    assert.not.ok(mayImport(code), code);
  }
});

test("what a program's start loads of tsdb: the register as one file and the runtime; its ES module faces name every export", () => {
  const dir = app(
    'const ours = Object.keys(require.cache).filter((f) => !f.startsWith(__dirname));\nconsole.log("LOADED " + JSON.stringify(ours));\n',
  );
  const loaded = (r) => {
    ok(r);
    const line = r.stdout.split("\n").find((l) => l.startsWith("LOADED "));
    assert.ok(line, r.stdout);
    return JSON.parse(line.slice(7)).map((f) => relative(root, f));
  };
  // (warm; a glob that needs minimatch: it comes in the register's file)
  for (const args of [
    ["--import", registerESM],
    ["--require", registerCJS],
  ]) {
    const run = () => node([...args, "main.cjs"], { cwd: dir, env: { TSDB_INCLUDE: "*.cjs" } });
    ok(run()); // (cold: the compiler loads)
    const files = loaded(run());
    assert.equal(
      files.filter((f) => !/^dist\/(?:runtime\/[\w-]+|contract\/index)\.js$/.test(f)),
      ["dist/register/index.js"],
      files.join("\n"),
    );
  }
  // Node's lexer would read a bundle for its names: the faces list them (build.mjs).
  const names = (code) => {
    const r = node(["--input-type=module", "-e", code], { cwd: dir });
    ok(r);
    return JSON.parse(r.stdout);
  };
  for (const [face, file] of [
    [registerESM, registerCJS],
    [join(root, "dist/register/esm-hooks.mjs"), join(root, "dist/register/esm-hooks.js")],
  ]) {
    const esm = names(`import * as m from ${JSON.stringify(face)}; console.log(JSON.stringify(Object.keys(m).sort()));`);
    const cjs = names(
      `import { createRequire } from "node:module"; const m = createRequire(import.meta.url)(${JSON.stringify(file)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== "__esModule").sort()));`,
    );
    assert.equal(esm, cjs, face);
  }
});

test.after(cleanup);
test.run();
