// tsdb-instrument in child processes: trees, failures, copies, source maps,
// include/exclude, stdin/stdout.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cli, node, registerESM, runtimePath, sandbox, cleanup } from "./fixtures/register/harness.mjs";

const instrumentCli = (args, options) => node([cli, ...args], options);
const { instrument } = createRequire(import.meta.url)("../dist/compiler/index.js");

/** chmod 000 `file`; true when that makes it unreadable (not so for root). */
function makeUnreadable(file) {
  chmodSync(file, 0o000);
  try {
    readFileSync(file);
    return false;
  } catch {
    return true;
  }
}

test("a tree: layout kept, broken and unreadable files reported, the others written, exit 1", () => {
  const dir = sandbox("cli/tree");
  const unreadable = makeUnreadable(join(dir, "src/secret.js"));
  const r = instrumentCli(["src", "--out-dir", "out", "--copy-files", "--runtime", runtimePath], { cwd: dir });
  chmodSync(join(dir, "src/secret.js"), 0o644);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, "src/util/broken.ts:2:11: Unexpected token\n");
  assert.match(r.stderr, "> 2 | const b = ;");
  if (unreadable) {
    assert.match(r.stderr, /src\/secret\.js: cannot read: EACCES/);
    assert.match(r.stderr, "tsdb-instrument: 2 files instrumented, 3 copied, 2 failed\n");
    assert.not.ok(existsSync(join(dir, "out/secret.js")));
  } else {
    assert.match(r.stderr, "tsdb-instrument: 3 files instrumented, 3 copied, 1 failed\n");
    assert.ok(existsSync(join(dir, "out/secret.js")));
  }
  assert.ok(existsSync(join(dir, "out/app.js")));
  assert.ok(existsSync(join(dir, "out/util/math.js")));
  assert.not.ok(existsSync(join(dir, "out/util/broken.js")));
  assert.is(readFileSync(join(dir, "out/data.txt"), "utf8"), "not source\n");
  assert.ok(existsSync(join(dir, "out/types.d.ts")));
  assert.ok(existsSync(join(dir, "out/package.json")));

  // The output runs, and reports the original files and lines.
  const run = node(["--import", "./trace.mjs", "out/app.js"], { cwd: dir });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, "square 49");
  assert.equal(run.calls, ["src/util/math.ts:<module>:1", "src/app.ts:<module>:1", "src/app.ts:main:5", "src/util/math.ts:square:2"]);
  // Loaded under tsdb/register, instrumented output is not instrumented again.
  const again = node(["--import", registerESM, "--import", "./trace.mjs", "out/app.js"], { cwd: dir });
  assert.is(again.status, 0, again.stderr);
  assert.equal(
    again.calls.filter((c) => !c.startsWith("trace.mjs")),
    run.calls,
  );
});

test("without --copy-files only sources are written; --include/--exclude pick them", () => {
  const dir = sandbox("cli/tree");
  const r = instrumentCli(["src", "-d", "out", "--exclude", "util/broken.ts", "--exclude", "src/secret.js"], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, "tsdb-instrument: 2 files instrumented, 0 failed\n");
  assert.not.ok(existsSync(join(dir, "out/data.txt")));
  assert.not.ok(existsSync(join(dir, "out/secret.js")));
  const only = instrumentCli(["src", "-d", "only", "--include", "**/math.ts"], { cwd: dir });
  assert.is(only.status, 0, only.stderr);
  assert.ok(existsSync(join(dir, "only/util/math.js")));
  assert.not.ok(existsSync(join(dir, "only/app.js")));
});

test("--source-maps file: a map beside each output, and a comment naming it", () => {
  const dir = sandbox("cli/tree");
  const r = instrumentCli(["src/app.ts", "src/util/math.ts", "-d", "maps", "-s", "file"], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  const code = readFileSync(join(dir, "maps/app.js"), "utf8");
  assert.ok(code.endsWith("//# sourceMappingURL=app.js.map\n"));
  const map = JSON.parse(readFileSync(join(dir, "maps/app.js.map"), "utf8"));
  assert.is(map.file, "app.js");
  assert.equal(map.sources, ["../src/app.ts"]);
  assert.ok(map.mappings.length > 0);
  // The source stays in its file: no copy of it in the map. The output has no layout whitespace.
  assert.is(map.sourcesContent, undefined);
  assert.not.match(code, /\n {2}/);
  const none = instrumentCli(["src/app.ts", "-o", "plain.js", "-s", "none"], { cwd: dir });
  assert.is(none.status, 0, none.stderr);
  assert.not.match(readFileSync(join(dir, "plain.js"), "utf8"), "sourceMappingURL");
});

test("stdin to stdout; one file to stdout; a syntax error on stdin", () => {
  const dir = sandbox();
  const source = "function f(a) {\n  return a + 1;\n}\nconsole.log(f(1));\n";
  const r = instrumentCli(["--runtime", runtimePath], { cwd: dir, input: source });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, '.file("<string>"');
  assert.match(r.stdout, "//# sourceMappingURL=data:application/json;charset=utf-8;base64,");
  // Standard input is in no file: its map carries it.
  const inline = JSON.parse(Buffer.from(r.stdout.split("base64,")[1], "base64").toString("utf8"));
  assert.equal(inline.sourcesContent, [source]);
  writeFileSync(join(dir, "out.cjs"), r.stdout);
  const run = node(["out.cjs"], { cwd: dir });
  assert.is(run.stdout, "2\n");

  writeFileSync(join(dir, "one.ts"), "const n: number = 1;\n");
  const one = instrumentCli(["one.ts", "-s", "none"], { cwd: dir });
  assert.is(one.status, 0, one.stderr);
  assert.match(one.stdout, `.file(${JSON.stringify(join(dir, "one.ts"))}`);
  assert.is(one.stderr, "");

  const bad = instrumentCli(["--filename", "in.ts"], { cwd: dir, input: "let x: = 1;\n" });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /^in\.ts:1:8: .*\n> 1 \| let x: = 1;/);
  assert.is(bad.stdout, "");
});

test("--source-type: script is a classic script (names of its own), commonjs keeps the short names, others refused", () => {
  const dir = sandbox();
  const prefix = (args, filename) => {
    const r = instrumentCli([...args, "--filename", filename, "-s", "none"], { cwd: dir, input: "var a = 1;\n" });
    assert.is(r.status, 0, r.stderr);
    return r.stdout.match(/(?:var|const) (\$[\w$]*?)T ?=/)[1];
  };
  assert.is(prefix(["--source-type", "commonjs"], "a.js"), "$");
  assert.is(prefix([], "a.cjs"), "$");
  const [a, b] = ["a.js", "b.js"].map((name) => prefix(["--source-type", "script"], name));
  assert.match(a, /^\$t[0-9a-z]+\$$/);
  assert.is.not(a, b);
  const bad = instrumentCli(["--source-type", "cjs"], { cwd: dir, input: "" });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, "--source-type must be module, commonjs, script or unambiguous");
});

test("on a terminal, a progress line for a large tree (none when piped)", () => {
  if (!existsSync("/usr/bin/script")) return; // needs script(1) for a pseudo-terminal
  const dir = sandbox();
  mkdirSync(join(dir, "many"));
  for (let i = 0; i < 40; i++) writeFileSync(join(dir, `many/m${i}.js`), `exports.f${i} = () => ${i};\n`);
  const tty = spawnSync(
    "/usr/bin/script",
    ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} many -d out`, "/dev/null"],
    { cwd: dir, encoding: "utf8" },
  );
  assert.is(tty.status, 0, tty.stdout);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line starts with CR ESC[K
  assert.match(tty.stdout, /\r\x1b\[K\[\d+\/40\] many\/m\d+\.js/);
  assert.match(tty.stdout, "tsdb-instrument: 40 files instrumented, 0 failed");
  const piped = instrumentCli(["many", "-d", "out2"], { cwd: dir });
  assert.is(piped.stderr, "tsdb-instrument: 40 files instrumented, 0 failed\n");
});

test("--help, --version, usage errors", () => {
  const help = instrumentCli(["--help"]);
  assert.is(help.status, 0);
  assert.match(help.stdout, "Usage: tsdb-instrument");
  const version = instrumentCli(["--version"]);
  assert.is(version.stdout.trim(), JSON.parse(readFileSync(join(cli, "../../../package.json"), "utf8")).version);
  const bad = instrumentCli(["--source-maps", "sideways"]);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, "--source-maps must be inline, file or none");
  const tree = instrumentCli(["test/fixtures/cli/tree/src"], { cwd: join(cli, "../../..") });
  assert.is(tree.status, 2);
  assert.match(tree.stderr, "needs --out-dir");
});

test("a tree big enough for threads: the same files, messages and order as one thread", () => {
  const dir = sandbox();
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
  // Over the threshold (256 KB of sources): shared among one thread per core.
  const unit = (i) => Array.from({ length: 2000 }, (_, j) => `function f${i}_${j}(a) {\n  return a + ${j};\n}\n`).join("");
  for (let i = 0; i < 4; i++) writeFileSync(join(dir, `src/m${i}.js`), unit(i) + `module.exports = f${i}_7;\n`);
  writeFileSync(join(dir, "src/b1.js"), "const a = ;\n");
  writeFileSync(join(dir, "src/b2.js"), "let x = 1;\nlet x = 2;\n");
  // A user's NODE_OPTIONS preload runs in this process only, not again in the pool's threads.
  writeFileSync(
    join(dir, "preload.cjs"),
    'if (!require("node:worker_threads").isMainThread) require("node:fs").appendFileSync(__dirname + "/threads.log", "x");\n',
  );
  const r = instrumentCli(["src", "-d", "out", "--runtime", runtimePath], {
    cwd: dir,
    env: { NODE_OPTIONS: `--require ${join(dir, "preload.cjs")}` },
  });
  assert.is(r.status, 1, r.stderr);
  assert.not.ok(existsSync(join(dir, "threads.log")));
  // Errors in the jobs' order, each with its position and code frame, then the summary.
  const b1 = r.stderr.indexOf("src/b1.js:1:11: Unexpected token\n");
  const b2 = r.stderr.indexOf("src/b2.js:2:5: Identifier 'x' has already been declared");
  assert.ok(b1 >= 0 && b2 > b1, r.stderr);
  assert.match(r.stderr, "> 1 | const a = ;");
  assert.ok(r.stderr.endsWith("tsdb-instrument: 4 files instrumented, 2 failed\n"), r.stderr);
  // Each output what instrument() gives in this thread (from the same folder), its map beside it.
  const here = process.cwd();
  process.chdir(dir);
  for (let i = 0; i < 4; i++) {
    const out = readFileSync(join(dir, `out/m${i}.js`), "utf8");
    const file = join(dir, `src/m${i}.js`);
    const alone = instrument(readFileSync(file, "utf8"), {
      filename: file,
      sourceType: "commonjs",
      runtime: runtimePath,
      sourceMaps: "none",
      compact: true,
    });
    assert.ok(out === `${alone.code}\n//# sourceMappingURL=m${i}.js.map\n`, `out/m${i}.js differs`);
    assert.equal(JSON.parse(readFileSync(join(dir, `out/m${i}.js.map`), "utf8")).sources, [`../src/m${i}.js`]);
  }
  process.chdir(here);
  const run = node(["-e", 'console.log(require("./out/m3.js")(1))'], { cwd: dir });
  assert.is(run.stdout, "8\n", run.stderr);
});

test.after(cleanup);

test.run();
