// Instrumented code behaves exactly like the original: each fixture records
// what it observes in `out`; the instrumented copy, run with and without a
// trace function, must record the same, and leave the frame stack empty.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { instrument } from "../dist/compiler.mjs";
import { instrumentToFile, readEveryFrame, root, rt, runtimePath, tmp } from "./helpers/run.mjs";

const require = createRequire(import.meta.url);
const dir = join(root, "test/fixtures/constructs");

async function loadOut(file) {
  const m = file.endsWith(".cjs") ? require(file) : await import(pathToFileURL(file).href);
  return (m.out ?? m.default.out).join("\n");
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
  test(`${name}: same behaviour with every frame's locals read at every event`, async () => {
    const expected = await loadOut(original);
    const { out } = instrumentToFile(source, name);
    const tracer = (frame) => (readEveryFrame(frame), tracer);
    rt.settrace(tracer);
    let got;
    try {
      got = await loadOut(out);
    } finally {
      rt.settrace(null);
    }
    assert.is(got, expected);
    assert.is(rt.state.sp, 0);
  });
}

test("an ES module import cycle: functions called before their module ran work as without tsdb, and are traced after", async () => {
  const cycle = join(root, "test/fixtures/cycle");
  const expected = (await import(pathToFileURL(join(cycle, "a.mjs")).href)).out;
  // The instrumented copies under the same names in one folder, so that they import each other.
  const folder = join(tmp, `cycle-${process.pid}`);
  mkdirSync(folder, { recursive: true });
  for (const name of ["a.mjs", "b.mjs"]) {
    const file = join(cycle, name);
    writeFileSync(join(folder, name), instrument(readFileSync(file, "utf8"), { filename: file, runtime: runtimePath }).code);
  }
  const calls = [];
  const tracer = (frame, event) => {
    if (event === "call") calls.push(frame.code.name);
    return tracer;
  };
  rt.settrace(tracer);
  let got;
  try {
    got = (await import(pathToFileURL(join(folder, "a.mjs")).href)).out;
  } finally {
    rt.settrace(null);
  }
  assert.equal(got, expected);
  // b's calls came before a's header: untraced; a's own calls after it: traced.
  // (a generator reports a call each time it resumes)
  assert.equal(
    calls.filter((name) => name !== "<module>"),
    ["helper", "Point", "count", "count", "later"],
  );
  assert.is(rt.state.sp, 0);
});

test.run();
