// Differential runs of real npm packages nobody here wrote: each package's
// file is instrumented, then the same workload runs on the original and on
// the instrumented copy, and the outputs must be identical byte for byte.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { instrumentToFile, load, root, rt } from "./helpers/run.mjs";

const require = createRequire(import.meta.url);
const pkg = (p) => join(root, "node_modules", p);

const copies = new Map();
/** Instruments `file` (as a script or a module) once and returns the loaded instrumented copy. */
async function instrumented(file, name, sourceType) {
  if (!copies.has(file)) {
    const { out } = instrumentToFile(readFileSync(file, "utf8"), name, { sourceType });
    copies.set(file, name.endsWith(".mjs") ? await load(out) : require(out));
  }
  return copies.get(file);
}

const markdown = readFileSync(join(root, "README.md"), "utf8");
const jsInput = readFileSync(pkg("acorn/dist/acorn.js"), "utf8");

const workloads = {
  acorn: (acorn) => JSON.stringify(acorn.parse(jsInput, { ecmaVersion: "latest", locations: true })),
  lodash: (_) =>
    JSON.stringify([
      _.chunk(_.range(20), 3),
      _.groupBy(["one", "two", "three"], "length"),
      _.template("hi <%= name %>!")({ name: "x" }),
      _.sortBy([{ a: 3 }, { a: 1 }], "a"),
      _.debounce.name,
      _.merge({ a: [1] }, { a: [2, 3] }),
      _.camelCase("Foo Bar-baz"),
      _.uniqBy([2.1, 1.2, 2.3], Math.floor),
      _.cloneDeep({ d: new Date(0), r: /x/g }),
      _.partition([1, 2, 3, 4], (n) => n % 2),
    ]),
  marked: (marked) => marked.marked.parse(markdown),
};

const packages = [
  ["acorn", pkg("acorn/dist/acorn.js"), "acorn.cjs", "commonjs"],
  ["lodash", pkg("lodash/lodash.js"), "lodash.cjs", "commonjs"],
  ["marked", pkg("marked/lib/marked.esm.js"), "marked.mjs", "module"],
];

for (const [name, file, as, sourceType] of packages) {
  test(`${name}: identical output instrumented`, async () => {
    const original = name === "marked" ? await import(file) : require(file);
    const copy = await instrumented(file, as, sourceType);
    const expected = workloads[name](original);
    assert.ok(expected.length > 200, expected);
    assert.is(workloads[name](copy), expected);
    assert.is(rt.state.sp, 0);
  });
}

test("lodash: identical output while a trace function sees every event", async () => {
  const copy = await instrumented(pkg("lodash/lodash.js"), "lodash.cjs", "commonjs");
  const expected = workloads.lodash(require(pkg("lodash/lodash.js")));
  let events = 0;
  const tracer = () => (events++, tracer);
  rt.settrace(tracer);
  let got;
  try {
    got = workloads.lodash(copy);
  } finally {
    rt.settrace(null);
  }
  assert.is(got, expected);
  assert.ok(events > 1000, `${events} events`);
});

test.run();
