// Instrumented code behaves exactly like the original: each fixture records
// what it observes in `out`; the instrumented copy, run with and without a
// trace function, must record the same, and leave the frame stack empty.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { instrumentToFile, root, rt } from "./helpers/run.mjs";

const require = createRequire(import.meta.url);
const dir = join(root, "test/fixtures/constructs");

async function loadOut(file) {
  const m = file.endsWith(".cjs") ? require(file) : await import(pathToFileURL(file).href);
  return (m.out ?? m.default?.out).join("\n");
}

for (const name of readdirSync(dir)) {
  const original = join(dir, name);
  const source = readFileSync(original, "utf8");
  test(`${name}: same behaviour instrumented, untraced`, async () => {
    const expected = await loadOut(original);
    const { out } = instrumentToFile(source, name);
    assert.is(await loadOut(out), expected);
    assert.is(rt.state.sp, 0);
  });
  test(`${name}: same behaviour instrumented, every event traced`, async () => {
    const expected = await loadOut(original);
    const { out } = instrumentToFile(source, name);
    let events = 0;
    const tracer = () => (events++, tracer);
    rt.settrace(tracer);
    let got;
    try {
      got = await loadOut(out);
    } finally {
      rt.settrace(null);
    }
    assert.is(got, expected);
    assert.ok(events > 10);
    assert.is(rt.state.sp, 0);
  });
}

test.run();
