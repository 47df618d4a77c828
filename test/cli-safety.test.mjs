// tsdb-instrument never destroys a source: outputs compared with inputs by real path, two
// inputs never share an output, earlier outputs are not instrumented again, file modes kept,
// every write whole or absent (a full disk included), errors that say what failed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, cli, node, runtimePath, sandbox } from "./fixtures/register/harness.mjs";
import { cannot, chownRecursive, fill, otherUser, smallTmpfs, tempDir } from "./helpers/system.mjs";

const run = (args, options) => node([cli, ...args, "--runtime", runtimePath], options);
const SOURCE = "export function f(a: number): number {\n  return a + 1;\n}\n";
const HAND = "// hand-written\nmodule.exports = 1;\n";

/** A project with src/x.ts and a hand-written src/x.js. */
function project() {
  const dir = sandbox();
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/x.ts"), SOURCE);
  writeFileSync(join(dir, "src/x.js"), HAND);
  return dir;
}

/** Every file under `dir` with its contents. */
function snapshot(dir) {
  const files = {};
  for (const name of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, "utf8");
  }
  return files;
}

function refused(r, message) {
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, message);
  assert.match(r.stderr, "nothing written");
}

test("--out-dir onto the sources: x.ts would replace the hand-written x.js; refused, nothing written", () => {
  const dir = project();
  const before = snapshot(dir);
  refused(run(["src", "--out-dir", "src"], { cwd: dir }), "src/x.ts: the output src/x.js is an input");
  refused(run(["src/x.ts", "--out-dir", "src"], { cwd: dir }), "src/x.ts: the output src/x.js exists and is not tsdb's output");
  assert.equal(snapshot(dir), before);
});

test("an --out-dir that is a link to the sources is the sources", () => {
  const dir = project();
  symlinkSync(join(dir, "src"), join(dir, "out"), "dir");
  const before = snapshot(join(dir, "src"));
  refused(run(["src", "--out-dir", "out"], { cwd: dir }), "src/x.ts: the output out/x.js is an input (src/x.js)");
  // Even where only the .ts would be instrumented: its output lands on the hand-written file.
  refused(run(["src/x.ts", "--out-dir", "out"], { cwd: dir }), "src/x.ts: the output out/x.js exists and is not tsdb's output (src/x.js)");
  assert.equal(snapshot(join(dir, "src")), before);
});

test("-o onto the file a link input points at; two inputs to one output", () => {
  const dir = project();
  writeFileSync(join(dir, "src/a.js"), "function a() {}\n");
  symlinkSync("a.js", join(dir, "src/link.js"));
  const before = snapshot(join(dir, "src"));
  refused(run(["src/link.js", "-o", "src/a.js"], { cwd: dir }), "src/link.js: the output src/a.js is an input");
  mkdirSync(join(dir, "other"));
  writeFileSync(join(dir, "other/x.ts"), SOURCE);
  refused(run(["src/x.ts", "other/x.ts", "--out-dir", "out"], { cwd: dir }), "other/x.ts and src/x.ts: both would be written to out/x.js");
  refused(run(["src/x.ts", "src/x.js", "--out-dir", "out"], { cwd: dir }), "both would be written to out/x.js");
  assert.not.ok(existsSync(join(dir, "out")));
  assert.equal(snapshot(join(dir, "src")), before);
});

test("a tree holding an earlier output folder: tsdb's outputs are not instrumented again", () => {
  const dir = sandbox();
  mkdirSync(join(dir, "app"));
  writeFileSync(join(dir, "app/package.json"), '{ "type": "module" }');
  writeFileSync(join(dir, "app/main.ts"), "function hello() {\n  return 1;\n}\nhello();\n");
  const first = run(["app", "--out-dir", "app/build"], { cwd: dir });
  assert.is(first.status, 0, first.stderr);
  assert.ok(existsSync(join(dir, "app/build/main.js")));
  // The tree again, into another folder: app/build/main.js is tsdb's output, skipped.
  const second = run(["app", "--out-dir", "out2"], { cwd: dir });
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stderr, "1 file instrumented, 0 failed");
  assert.ok(existsSync(join(dir, "out2/main.js")));
  assert.not.ok(existsSync(join(dir, "out2/build")));
  // The output folder itself, reached through a link, is not walked either.
  symlinkSync(join(dir, "out2"), join(dir, "app/out-link"), "dir");
  const third = run(["app", "--out-dir", "app/out-link", "--copy-files"], { cwd: dir });
  assert.is(third.status, 0, third.stderr);
  assert.match(third.stderr, "1 file instrumented, 1 copied, 0 failed");
});

test("outputs keep their source's mode (executable scripts stay executable)", () => {
  const dir = sandbox();
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin/tool.js"), "#!/usr/bin/env node\nconsole.log(1);\n");
  writeFileSync(join(dir, "bin/private.js"), "console.log(2);\n");
  writeFileSync(join(dir, "bin/data.txt"), "x\n");
  chmodSync(join(dir, "bin/tool.js"), 0o755);
  chmodSync(join(dir, "bin/private.js"), 0o600);
  chmodSync(join(dir, "bin/data.txt"), 0o640);
  const r = run(["bin", "--out-dir", "out", "--copy-files"], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  const mode = (p) => statSync(join(dir, p)).mode & 0o777;
  assert.is(mode("out/tool.js"), 0o755);
  assert.is(mode("out/private.js"), 0o600);
  assert.is(mode("out/data.txt"), 0o640);
  assert.match(readFileSync(join(dir, "out/tool.js"), "utf8"), /^#!\/usr\/bin\/env node\n/);
});

test("errors say what failed: reading, making the folder; deep nesting is no error", () => {
  const dir = project();
  writeFileSync(join(dir, "blocker"), "");
  const r = run(["src/x.ts", "--out-dir", "blocker/out"], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, "src/x.ts: cannot create the folder blocker/out: ENOTDIR");
  assert.not.match(r.stderr, "cannot read");
  // Nested deeper than Babel's recursion fits in the main thread's stack (issue 11: istanbul
  // instruments these): done in a thread with a bigger stack, and the output runs.
  const nested = (n) => `${"function f() {\n".repeat(n)}return ${"(1 + ".repeat(300)}1${")".repeat(300)};\n${"}\n".repeat(n)}`;
  writeFileSync(join(dir, "deep.js"), `${nested(400)}module.exports = f;\n`);
  const deep = run(["deep.js", "--out-dir", "out"], { cwd: dir });
  assert.is(deep.status, 0, deep.stderr);
  assert.ok(existsSync(join(dir, "out/deep.js")));
  // Reading, as a second user (root reads everything): an unreadable source is reported, the others written.
  const other = otherUser();
  if (other.reason) return cannot("unreadable source as a second user", other.reason);
  const mine = tempDir("tsdb-cli-user");
  mkdirSync(join(mine, "src"));
  cpSync(join(dir, "src/x.ts"), join(mine, "src/x.ts"));
  writeFileSync(join(mine, "src/secret.js"), "var s = 1;\n");
  chownRecursive(mine, other.uid, other.gid);
  chmodSync(join(mine, "src/secret.js"), 0o000);
  const user = run(["src", "--out-dir", "out"], { cwd: mine, uid: other.uid, gid: other.gid });
  assert.is(user.status, 1, user.stderr + user.stdout);
  assert.match(user.stderr, "src/secret.js: cannot read: EACCES");
  assert.match(user.stderr, "1 file instrumented, 1 failed");
  assert.ok(existsSync(join(mine, "out/x.js")));
});

test("a full disk: the failure is reported, exit 1, no truncated output and no temporary file left", () => {
  const fs = smallTmpfs("1m");
  if (fs.reason) return cannot("full-disk CLI test", fs.reason);
  try {
    const dir = sandbox();
    const big = Array.from({ length: 3000 }, (_, i) => `export function f${i}(a) {\n  return a + ${i};\n}\n`).join("");
    writeFileSync(join(dir, "big.js"), big);
    writeFileSync(join(dir, "small.js"), "var s = 1;\n");
    const out = join(fs.dir, "out");
    mkdirSync(out);
    fill(fs.dir, 200_000);
    const r = run(["big.js", "small.js", "--out-dir", out], { cwd: dir });
    assert.is(r.status, 1, r.stderr);
    // The map goes first (beside the code, the default when writing files); neither is left of big.js.
    assert.match(r.stderr, new RegExp(`big\\.js: cannot write ${out}/big\\.js(\\.map)?: ENOSPC`));
    assert.match(r.stderr, "1 file instrumented, 1 failed");
    assert.equal(readdirSync(out).sort(), ["small.js", "small.js.map"]);
    assert.match(readFileSync(join(out, "small.js"), "utf8"), "var s=1;");
  } finally {
    fs.unmount();
  }
});

test.after(cleanup);

test.run();
