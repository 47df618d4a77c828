// The bench cannot rot: a quick run of one case prints a ratio.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

test("bench/run.mjs --quick --only=fib-detached prints a ratio", () => {
  const out = join(root, "bench/.work", `smoke-${process.pid}.md`);
  const r = spawnSync(process.execPath, ["bench/run.mjs", "--quick", "--only=fib-detached", "--no-python", `--out=${out}`], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
  rmSync(out, { force: true });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\|\s*instrumented, no trace function\s*\|\s*fib\s*\|\s*\d+\.\d\d×/);
});

test("bench/floor.mjs prints the floor and tsdb's rows as ratios", () => {
  const r = spawnSync(process.execPath, ["bench/floor.mjs", "--rounds=1", "--n=18"], { cwd: root, encoding: "utf8", timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\|\s*floor: a frame per call[^|]*\|\s*\d+\.\d\d×\s*\|\s*1\.00×/);
  assert.match(r.stdout, /\|\s*tsdb: Bdb subclass overriding userCall[^|]*\|\s*\d+\.\d\d×/);
});

test.run();
