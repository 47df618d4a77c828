// The instrumented code's source map: segments only at tokens V8 reports a frame at, on the
// original token (test/stack-columns runs the programs), no names.
import { transformSync } from "@babel/core";
import { decode, encode } from "@jridgewell/sourcemap-codec";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { compactMap } = require("../dist/compiler/source-map.js");
const tsdbPlugin = require("../dist/compiler/plugin.js").default;

/** The original [line, column] of a generated position, by the nearest segment at or before it (Node's findEntry). */
function lookup(map, line, column) {
  let found = null;
  decode(map.mappings).forEach((segments, l) => {
    for (const s of segments) if (l < line || (l === line && s[0] <= column)) found = s;
  });
  return found && found.length > 1 ? [found[2], found[3]] : null;
}

const source = [
  "function fib(n) {",
  "  if (n < 2) return n;",
  "  return fib(n - 1) + fib(n - 2);",
  "}",
  "function walk(tree, seen = new Set()) {",
  "  for (const [k, v] of Object.entries(tree)) {",
  "    if (seen.has(v)) continue;",
  "    seen.add(v);",
  "    try { walk(v, seen); } catch (e) { throw new Error(k, { cause: e }); }",
  "  }",
  "  return seen.size;",
  "}",
  "let total = 0;",
  "for (let i = 0; i < 3; i++) total += fib(i) + walk({ a: { b: {} } });",
  "console.log(total);",
].join("\n");

for (const compact of [true, false])
  test(`compactMap: no segment at a token V8 never reports, operators on their own column, no names (compact ${compact})`, () => {
    const result = transformSync(source, {
      babelrc: false,
      configFile: false,
      filename: "/tmp/x.js",
      sourceType: "script",
      sourceMaps: true,
      compact,
      retainLines: compact,
      plugins: [[tsdbPlugin, {}]],
    });
    const raw = result.map;
    const small = compactMap(raw, result.code, source);
    const count = (map) => decode(map.mappings).reduce((n, l) => n + l.length, 0);
    assert.ok(count(small) * 2 < count(raw), `${count(small)} of ${count(raw)} segments`);
    const code = result.code.split("\n");
    const at = decode(small.mappings).flatMap((segments, line) => segments.map((s) => code[line][s[0]] ?? "end of line"));
    assert.equal(
      at.filter((c) => ",)];}.: ".includes(c) || c === "end of line"),
      [],
    );
    // Babel marks `+` at the end of `fib(n - 1)`, the space before it.
    const plus = code.findIndex((l) => l.includes(")+fib(") || l.includes(") + fib("));
    const column = code[plus].indexOf("+fib(") >= 0 ? code[plus].indexOf("+fib(") : code[plus].indexOf("+ fib(");
    assert.equal(lookup(small, plus, column), [2, source.split("\n")[2].indexOf("+ fib(")]);
    // No names: Node would print them in stack traces instead of the functions' own (see below).
    assert.equal(small.names, []);
    assert.ok(decode(small.mappings).every((segments) => segments.every((s) => s.length !== 5)));
  });

test("compactMap: tsdb's code on lines past the map's last segment gets a segment there", () => {
  // `f();` then generated code on two more lines; the last segment is the `;` (nothing after it in the source).
  const code = "f();\n$exit(\n1)";
  const map = {
    version: 3,
    sources: ["x.js"],
    names: [],
    mappings: encode([
      [
        [0, 0, 0, 0],
        [3, 0, 0, 3],
      ],
    ]),
  };
  const small = compactMap(map, code, "f();\n");
  assert.equal(decode(small.mappings), [[[0, 0, 0, 0]], [[0, 0, 0, 3]]]);
});

test("stack traces through the hook name functions as without it (the map has no names for Node to print instead)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-names-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
  writeFileSync(
    join(dir, "main.js"),
    [
      "const top = (e) => e.stack.split('\\n')[1];",
      "[1].forEach((x) => console.log(top(new Error())));",
      "function named() { console.log(top(new Error())); }",
      "const alias = named;",
      "alias();",
      "const o = { meth() { console.log(top(new Error())); } };",
      "o.meth();",
      "class K { constructor() { console.log(top(new Error())); } }",
      "new K();",
    ].join("\n"),
  );
  const run = (args) =>
    spawnSync(process.execPath, [...args, "main.js"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TSDB_CACHE_DIR: join(dir, "cache"), TSDB_INCLUDE: "*.js" },
    });
  const plain = run([]);
  const hooked = run(["--import", join(root, "dist/register.mjs")]);
  assert.is(hooked.stderr, "");
  assert.match(plain.stdout, "at named (");
  assert.match(plain.stdout, "at Object.meth (");
  assert.match(plain.stdout, "at new K (");
  // Node prints a source-mapped anonymous frame as `<anonymous> (file:line:column)` (its format, not a name).
  assert.is(hooked.stdout.replace(/at <anonymous> \((.*)\)/, "at $1"), plain.stdout);
  rmSync(dir, { recursive: true, force: true });
});

test("a program's own Error.prepareStackTrace sees its frames' lines as without tsdb (the hook's and the CLI's output keep lines)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-callsites-"));
  // What depd, callsites or source-map-support read: CallSite objects, which Node's source maps do not reach.
  const program = [
    "function lines() {",
    "  const saved = Error.prepareStackTrace;",
    "  Error.prepareStackTrace = (_, sites) => sites;",
    "  const sites = new Error().stack;",
    "  Error.prepareStackTrace = saved;",
    "  return sites",
    "    .slice(0, 3)",
    "    .map((s) => [s.getFunctionName(), s.getLineNumber(), s.getEnclosingLineNumber()].join(':'))",
    "    .join(' ');",
    "}",
    "const o = {",
    "  m(n) {",
    "    if (n > 0)",
    "      return o.m(",
    "        n - 1,",
    "      );",
    "    return lines();",
    "  },",
    "};",
    "console.log(o.m(1));",
  ].join("\n");
  writeFileSync(join(dir, "main.cjs"), program);
  writeFileSync(join(dir, "main.mjs"), program);
  writeFileSync(join(dir, "main.ts"), program);
  const run = (args, file) =>
    spawnSync(process.execPath, [...args, file], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TSDB_CACHE_DIR: join(dir, "cache"), TSDB_INCLUDE: "*" },
    });
  const plain = run([], "main.cjs");
  assert.is(plain.stdout, "lines:4:1 m:17:12 m:14:12\n");
  for (const file of ["main.cjs", "main.mjs", "main.ts"]) {
    const hooked = run(["--import", join(root, "dist/register.mjs")], file);
    assert.is(hooked.stderr, "");
    assert.is(hooked.stdout, plain.stdout, file);
  }
  // `--runtime`: this checkout's runtime, not whatever `tsdb` resolves to from the temporary directory.
  const cliArgs = [
    join(root, "dist/bin/tsdb-instrument.js"),
    "main.cjs",
    "-o",
    "out.cjs",
    "--runtime",
    join(root, "dist/runtime/internal.js"),
  ];
  const cli = spawnSync(process.execPath, cliArgs, {
    cwd: dir,
    encoding: "utf8",
  });
  assert.is(cli.status, 0, cli.stderr);
  assert.is(run([], "out.cjs").stdout, plain.stdout);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
