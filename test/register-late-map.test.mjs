// An instrumented cache entry names a stand-in source map; the runtime answers Node's stack traces
// (and `module.findSourceMap`) from the real map, read only when first asked (contract LATE_MAP_FIELD).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cleanup, node, registerESM, sandbox } from "./fixtures/register/harness.mjs";

const LIBS = ["./lib.cjs", "./lib-import.cjs", "./lib.mjs", "./lib.mjs?v=1"];

function run(dir, args, env = {}) {
  const r = node(["--import", registerESM, "main.cjs", ...args], {
    cwd: dir,
    env: { TSDB_CACHE_DIR: join(dir, "cache"), TSDB_INCLUDE: "lib*", ...env },
  });
  assert.is(r.status, 0, r.stderr);
  return r;
}

test("stack traces through each kind of entry show plain Node's lines and columns, cold and warm", () => {
  const dir = sandbox("register/late-map");
  for (const lib of LIBS) {
    const plain = node(["main.cjs", lib], { cwd: dir });
    assert.is(plain.status, 0, plain.stderr);
    assert.is(plain.stdout, "3:10 2:21 2:21\n");
    for (const round of ["cold", "warm"]) {
      const r = run(dir, [lib]);
      assert.is(r.stdout, plain.stdout, `${lib} ${round}`);
      assert.is(r.stderr, "", `${lib} ${round}`);
    }
  }
  // The entries name stand-ins (a query's module is served with the real map's path: its `file()` finds maps by path).
  const entries = readdirSync(join(dir, "cache"), { recursive: true }).filter((f) => f.endsWith(".js"));
  assert.ok(entries.length >= 3);
  for (const entry of entries)
    assert.match(
      readFileSync(join(dir, "cache", entry), "utf8"),
      /\n\/\/# sourceMappingURL=data:application\/json;base64,[^\n]{100,600}\n$/,
    );
});

test("the map is read when first asked: removed after the load, a stack trace says so once and shows V8's positions", () => {
  for (const lib of ["./lib.cjs", "./lib-import.cjs", "./lib.mjs"]) {
    const dir = sandbox("register/late-map");
    run(dir, [lib]);
    const r = run(dir, [lib, "remove"]);
    assert.not.equal(r.stdout, "3:10 2:21 2:21\n", lib);
    const file = join(dir, lib.slice(2));
    const warning = new RegExp(
      `^tsdb: the source map of ${file} cannot be read from ${join(dir, "cache")}/\\S+\\.map \\(ENOENT\\): its stack traces show the instrumented code's positions\\n$`,
    );
    assert.match(r.stderr, warning, lib);
    // Made again at the next load.
    assert.is(run(dir, [lib]).stdout, "3:10 2:21 2:21\n");
  }
});

test("the map is read with tsdb's own built-ins: a program that patched them first still gets its positions", () => {
  for (const lib of ["./lib.cjs", "./lib.mjs"]) {
    const dir = sandbox("register/late-map");
    run(dir, [lib]);
    const r = run(dir, [lib, "patch"]);
    assert.is(r.stdout, "3:10 2:21 2:21\n", lib);
    assert.is(r.stderr, "", lib);
  }
});

test("a map replaced after the load is not used: said once, V8's positions shown", () => {
  const dir = sandbox("register/late-map");
  run(dir, ["./lib.cjs"]);
  const r = run(dir, ["./lib.cjs", "replace"]);
  assert.not.equal(r.stdout, "3:10 2:21 2:21\n");
  assert.match(
    r.stderr,
    /^tsdb: the source map of \S+lib\.cjs in \S+\.map is not the one it was instrumented with: its stack traces show the instrumented code's positions\n$/,
  );
});

test("module.findSourceMap gives the real map; NODE_V8_COVERAGE gets the real map", () => {
  const dir = sandbox("register/late-map");
  const lib = join(dir, "lib.cjs");
  const probe = `const m=require("node:module");require(${JSON.stringify(lib)});const s=m.findSourceMap(${JSON.stringify(lib)});const p=s.payload;const n=new m.SourceMap(p);let same=0,found=0;for(let l=1;l<40;l++)for(let c=1;c<400;c++){const a=JSON.stringify(s.findOrigin(l,c));if(a===JSON.stringify(n.findOrigin(l,c)))same++;if(a!=="{}")found++;}console.log(JSON.stringify({sources:p.sources,mapped:p.mappings.length>0,late:"x_tsdb_late" in p,same,found}));`;
  for (const round of ["cold", "warm"]) {
    const r = node(["--import", registerESM, "-e", probe], { cwd: dir, env: { TSDB_CACHE_DIR: join(dir, "cache"), TSDB_INCLUDE: "lib*" } });
    assert.is(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.equal(got.sources, [pathToFileURL(lib).href], round);
    assert.is(got.mapped, true);
    assert.is(got.late, false);
    // findOrigin (Node's, calling the runtime's findEntry) answers as Node's own SourceMap of the real map.
    assert.is(got.same, 39 * 399);
    assert.ok(got.found > 1000, String(got.found));
  }
  const coverage = join(dir, "coverage");
  const r = run(dir, ["./lib.cjs"], { NODE_V8_COVERAGE: coverage });
  assert.is(r.stdout, "3:10 2:21 2:21\n");
  // (one file per thread: the main thread's has the module)
  const files = readdirSync(coverage).map((f) => JSON.parse(readFileSync(join(coverage, f), "utf8")));
  // (a thread that registered no map has none: the doorbell's, whose bundle names none)
  const reports = files.map((file) => file["source-map-cache"] ?? {});
  const results = files.map((file) => file.result);
  const entry = reports.find((cache) => pathToFileURL(lib).href in cache)?.[pathToFileURL(lib).href];
  assert.ok(entry.data.mappings.length > 0, JSON.stringify(entry));
  assert.equal(entry.data.sources, [pathToFileURL(lib).href]);
  // One script for the module (not run from V8's code cache, which compiles a second, small one), and
  // the map registered with its code's line lengths: what c8 needs to place V8's byte ranges.
  const scripts = reports
    .flatMap((cache, i) => (pathToFileURL(lib).href in cache ? results[i] : []))
    .filter((s) => s.url === pathToFileURL(lib).href);
  assert.is(scripts.length, 1);
  const [code] = readdirSync(join(dir, "cache"), { recursive: true })
    .filter((f) => f.endsWith(".js"))
    .map((f) => readFileSync(join(dir, "cache", f), "utf8"))
    .filter((text) => text.includes("lib.cjs"));
  assert.is(entry.lineLengths.length, code.slice(code.indexOf("\n") + 1).split("\n").length);
});

test.after(cleanup);
test.run();
