// Eight real libraries run through tsdb/register, traced, print the same bytes as plain runs.
// They run from a project of their own: tsdb never instruments its own dependencies.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { root, tmp } from "./helpers/run.mjs";

mkdirSync(tmp, { recursive: true });
const project = mkdtempSync(join(tmp, "libs-"));
for (const lib of ["lodash", "acorn", "semver", "js-yaml", "argparse", "sprintf-js", "diff", "json5", "esprima", "marked"]) {
  cpSync(join(root, "node_modules", lib), join(project, "node_modules", lib), { recursive: true });
}
for (const file of ["drive.cjs", "count-events.cjs"]) cpSync(join(root, "test/fixtures/libs", file), join(project, file));
const drive = join(project, "drive.cjs");
const count = join(project, "count-events.cjs");
const cache = join(project, "cache");

for (const lib of ["lodash", "acorn", "semver", "js-yaml", "diff", "json5", "esprima", "marked"]) {
  test(`${lib}: identical output through tsdb/register`, () => {
    const plain = spawnSync(process.execPath, [drive, lib], { cwd: project, encoding: "utf8", env: { ...process.env, TSDB_REPO: root } });
    assert.is(plain.status, 0, plain.stderr);
    const env = { ...process.env, TSDB_REPO: root, TSDB_INCLUDE: `node_modules/${lib}/**`, TSDB_CACHE_DIR: cache };
    const hooked = spawnSync(process.execPath, ["--require", count, "--import", join(root, "dist/register.mjs"), drive, lib], {
      cwd: project,
      encoding: "utf8",
      env,
    });
    assert.is(hooked.status, 0, hooked.stderr);
    assert.ok(plain.stdout.length > 50);
    assert.is(hooked.stdout, plain.stdout);
    const events = Number(/events: (\d+)/.exec(hooked.stderr)?.[1]);
    assert.ok(events > 100, `${lib}: ${events} events from its instrumented files`);
  });
}

test.run();
