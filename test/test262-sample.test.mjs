// CI's share of test262 (npm run test262 runs all of test/language): a fixed
// sample vendored in test/fixtures/test262 (conformance/make-sample.mjs), each
// test run plain and instrumented (untraced; traced with every frame's locals
// read at each line; under a Bdb stepping through every event), in fresh
// realms on two processes. Every test of the sample passes in every mode.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MODES, runTests } from "../conformance/test262/pool.mjs";
import { listTests } from "../conformance/test262/tests.mjs";
import { root } from "./helpers/run.mjs";

const sample = join(root, "test/fixtures/test262");

test("test262 sample: every test passes plain, instrumented untraced, traced and stepped by Bdb", async () => {
  const files = listTests(sample);
  assert.ok(files.length >= 300, `${files.length} tests in the sample`);
  const { runs, skipped } = await runTests({ root: sample, files, modes: MODES, jobs: 2, timeout: 20000 });
  assert.equal(skipped, []);
  const failures = [];
  for (const { file, run, results } of runs) {
    for (const mode of MODES) {
      const result = results[mode];
      if (result.status !== "pass") failures.push(`${file} [${run}] ${mode}: ${result.status} ${result.message ?? ""}`);
    }
  }
  assert.equal(failures, []);
  assert.ok(runs.length >= files.length);
});

test.run();
