// A port of CPython's Lib/test/test_bdb.py: the same cases, with JavaScript
// twins of its Python modules (closing braces sit on the last line of each
// function so that line numbers match Python's).
import { test, suite } from "uvu";
import * as assert from "uvu/assert";
import { Bdb as BaseBdb, Breakpoint, settrace } from "../dist/index.mjs";
import { Bdb, BdbError, breakInFunc, createModules, requireModule, tracerRun, writeText } from "./helpers/bdb-tracer.mjs";
import { instrumentToFile, load } from "./helpers/run.mjs";

// The functions test_bdb.py defines for itself; line numbers are relative.
const tfuncs = createModules(
  {
    tfuncs: `function tfunc_main() {
  let lno = 2;
  tfunc_first();
  tfunc_second();
  lno = 5;
  lno = 6;
  lno = 7; }

function tfunc_first() {
  let lno = 2;
  lno = 3;
  lno = 4; }

function tfunc_second() {
  let lno = 2; }
module.exports = { tfunc_main, tfunc_first, tfunc_second };
`,
  },
  { rel: ["tfuncs"] },
);
const __file__ = tfuncs.tfuncs;
const { tfunc_main } = requireModule("tfuncs");

const TEST_MODULE = "test_module_for_bdb";

/**
 * Python's `create_modules` + `tfunc_import`: instruments the modules and a
 * `tfunc_import()` that requires TEST_MODULE and calls its main(). Returns
 * { tfunc_import, paths } (paths: module name → original file).
 */
function withModules(sources) {
  const paths = {};
  // Later modules may require earlier ones by `OUT(name)`.
  for (const [name, source] of Object.entries(sources)) {
    const text = source.replace(/OUT\((\w+)\)/g, (_, m) => JSON.stringify(modulesOut(m)));
    Object.assign(paths, createModules({ [name]: text }));
  }
  const imp = createModules(
    {
      tfunc_import: `function tfunc_import() {
  const test_module_for_bdb = require(${JSON.stringify(modulesOut(TEST_MODULE))});
  test_module_for_bdb.main(); }
module.exports = { tfunc_import };
`,
    },
    { rel: ["tfunc_import"] },
  );
  const { tfunc_import } = requireModule(imp.tfunc_import);
  return { tfunc_import, paths, FNAME: paths[TEST_MODULE] };
}

import { modules } from "./helpers/bdb-tracer.mjs";
function modulesOut(name) {
  return modules.get(name).out;
}

const cleanup = () => {
  settrace(null);
  Breakpoint.clearBreakpoints();
};

// ------------------------------------------------------------ StateTestCase
const State = suite("bdb: step, next, return, until and quit");
State.after.each(cleanup);

State("step", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["step"],
      ["line", 2, "tfunc_first"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("step/next on last statement", async () => {
  for (const setType of ["step", "next"]) {
    await tracerRun(
      [
        ["line", 2, "tfunc_main"],
        ["step"],
        ["line", 3, "tfunc_main"],
        ["step"],
        ["call", 1, "tfunc_first"],
        ["break", [__file__, 3]],
        ["None", 1, "tfunc_first"],
        ["continue"],
        ["line", 3, "tfunc_first", [{ 1: 1 }, []]],
        [setType],
        ["line", 4, "tfunc_first"],
        ["quit"],
      ],
      (tracer) => tracer.runcall(tfunc_main),
    );
  }
});

State("next", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["next"],
      ["line", 4, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_second"],
      ["step"],
      ["line", 2, "tfunc_second"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("next over import", async () => {
  const { tfunc_import } = withModules({
    [TEST_MODULE]: `
function main() {
  let lno = 3; }
module.exports = { main };
`,
  });
  await tracerRun([["line", 2, "tfunc_import"], ["next"], ["line", 3, "tfunc_import"], ["quit"]], (tracer) => tracer.runcall(tfunc_import));
});

State("next on plain statement", async () => {
  // set_next() is equivalent to set_step() on a plain statement.
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["next"],
      ["line", 2, "tfunc_first"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("next in caller frame", async () => {
  // set_next() in the caller frame stops next in the caller frame.
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["up"],
      ["None", 3, "tfunc_main"],
      ["next"],
      ["line", 4, "tfunc_main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("return", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["step"],
      ["line", 2, "tfunc_first"],
      ["return"],
      ["return", 4, "tfunc_first"],
      ["step"],
      ["line", 4, "tfunc_main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("return in caller frame", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["up"],
      ["None", 3, "tfunc_main"],
      ["return"],
      ["return", 7, "tfunc_main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("until", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["step"],
      ["line", 2, "tfunc_first"],
      ["until", 4],
      ["line", 4, "tfunc_first"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("until with too large count", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      breakInFunc("tfunc_first", __file__),
      ["None", 2, "tfunc_main"],
      ["continue"],
      ["line", 2, "tfunc_first", [{ 1: 1 }, []]],
      ["until", 9999],
      ["return", 4, "tfunc_first"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("until in caller frame", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["up"],
      ["None", 3, "tfunc_main"],
      ["until", 6],
      ["line", 6, "tfunc_main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State("skip", async () => {
  // Tracing is skipped over the module that tfunc_import() requires.
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function main() {
  let lno = 3; }
module.exports = { main };
`,
  });
  const skip = ["node_modules/**", `**/${TEST_MODULE}.cjs`];
  assert.ok(new Bdb(skip).isSkippedModule(FNAME.slice(process.cwd().length + 1)));
  await tracerRun(
    [["line", 2, "tfunc_import"], ["step"], ["line", 3, "tfunc_import"], ["quit"]],
    (tracer) => tracer.runcall(tfunc_import),
    { skip },
  );
});

State("skip with no name module", () => {
  const bdb = new Bdb(["anything*"]);
  assert.is(bdb.isSkippedModule(null), false);
  assert.is(bdb.isSkippedModule(undefined), false);
});

State("down", async () => {
  // set_down() raises BdbError at the newest frame.
  const error = await tracerRun([["line", 2, "tfunc_main"], ["down"]], (tracer) => tracer.runcall(tfunc_main));
  assert.instance(error, BdbError);
});

State("up", async () => {
  await tracerRun(
    [
      ["line", 2, "tfunc_main"],
      ["step"],
      ["line", 3, "tfunc_main"],
      ["step"],
      ["call", 1, "tfunc_first"],
      ["up"],
      ["None", 3, "tfunc_main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_main),
  );
});

State.run();

// ------------------------------------------------------- BreakpointTestCase
const Bp = suite("bdb: breakpoints");
Bp.after.each(cleanup);

Bp("bp on non-existent module", async () => {
  const { tfunc_import } = withModules({ [TEST_MODULE]: "function main() {}\nmodule.exports = { main };\n" });
  const error = await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      ["break", ["/non/existent/module.js", 1]],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
  assert.instance(error, BdbError);
  assert.is(error.message, "Line /non/existent/module.js:1 does not exist");
});

Bp("bp after last statement", async () => {
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function main() {
  let lno = 3; }
module.exports = { main };
`,
  });
  const error = await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      ["break", [FNAME, 6]],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
  assert.instance(error, BdbError);
  assert.is(error.message, `Line ${FNAME}:6 does not exist`);
});

Bp("bp on a line that holds no code (tsdb)", async () => {
  const { FNAME } = withModules({
    [TEST_MODULE]: `
function main() {
  // a comment
  let lno = 4; }
module.exports = { main };
`,
  });
  requireModule(TEST_MODULE);
  const bdb = new BaseBdb();
  assert.is(bdb.setBreak(FNAME, 1), `Line ${FNAME}:1 holds no code`);
  assert.is(bdb.setBreak(FNAME, 3), `Line ${FNAME}:3 holds no code`);
  assert.is(bdb.setBreak(FNAME, 4), undefined);
  // By function name, on the function's first line.
  assert.is(bdb.setBreak(FNAME, 2, false, null, "main"), undefined);
  assert.equal([...bdb.getAllBreaks()], [[FNAME, [4, 2]]]);
});

Bp("temporary bp", async () => {
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function func() {
  let lno = 3; }

function main() {
  for (let i = 0; i < 2; i++)
    func(); }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("func", FNAME, true),
      ["None", 2, "tfunc_import"],
      breakInFunc("func", FNAME, true),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 1: 1 }, [1]]],
      ["continue"],
      ["line", 3, "func", [{ 2: 1 }, [2]]],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Bp("disabled temporary bp", async () => {
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function func() {
  let lno = 3; }

function main() {
  for (let i = 0; i < 3; i++)
    func(); }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("func", FNAME),
      ["None", 2, "tfunc_import"],
      breakInFunc("func", FNAME, true),
      ["None", 2, "tfunc_import"],
      ["disable", 2],
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 1: 1 }, []]],
      ["enable", 2],
      ["None", 3, "func"],
      ["disable", 1],
      ["None", 3, "func"],
      ["continue"],
      ["line", 3, "func", [{ 2: 1 }, [2]]],
      ["enable", 1],
      ["None", 3, "func"],
      ["continue"],
      ["line", 3, "func", [{ 1: 2 }, []]],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Bp("bp condition", async () => {
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function func(a) {
  let lno = 3; }

function main() {
  for (let i = 0; i < 3; i++)
    func(i); }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("func", FNAME, false, "a == 2"),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 1: 3 }, []]],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Bp("bp exception on condition evaluation", async () => {
  // Python's condition is `1 / 0`; in JavaScript that is Infinity.
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function func(a) {
  let lno = 3; }

function main() {
  func(0); }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("func", FNAME, false, "a.b.c"),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 1: 1 }, []]],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Bp("bp ignore count", async () => {
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function func() {
  let lno = 3; }

function main() {
  for (let i = 0; i < 2; i++)
    func(); }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("func", FNAME),
      ["None", 2, "tfunc_import"],
      ["ignore", 1],
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 1: 2 }, []]],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Bp("ignore count on disabled bp", async () => {
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function func() {
  let lno = 3; }

function main() {
  for (let i = 0; i < 3; i++)
    func(); }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("func", FNAME),
      ["None", 2, "tfunc_import"],
      breakInFunc("func", FNAME),
      ["None", 2, "tfunc_import"],
      ["ignore", 1],
      ["None", 2, "tfunc_import"],
      ["disable", 1],
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 2: 1 }, []]],
      ["enable", 1],
      ["None", 3, "func"],
      ["continue"],
      ["line", 3, "func", [{ 2: 2 }, []]],
      ["continue"],
      ["line", 3, "func", [{ 1: 2 }, []]],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Bp("clear two bp on same line", async () => {
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function func() {
  let lno = 3;
  lno = 4; }

function main() {
  for (let i = 0; i < 3; i++)
    func(); }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      ["break", [FNAME, 3]],
      ["None", 2, "tfunc_import"],
      ["break", [FNAME, 3]],
      ["None", 2, "tfunc_import"],
      ["break", [FNAME, 4]],
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 1: 1 }, []]],
      ["continue"],
      ["line", 4, "func", [{ 3: 1 }, []]],
      ["clear", [FNAME, 3]],
      ["None", 4, "func"],
      ["continue"],
      ["line", 4, "func", [{ 3: 2 }, []]],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Bp("clear at no bp", async () => {
  const { tfunc_import } = withModules({ [TEST_MODULE]: "function main() {}\nmodule.exports = { main };\n" });
  const error = await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      ["clear", [__file__, 1]],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
  assert.instance(error, BdbError);
  assert.is(error.message, `There are no breakpoints in ${__file__}`);
});

Bp("load bps from previous Bdb instance", () => {
  Breakpoint.clearBreakpoints();
  const file = instrumentToFile("a\nb\nc\nd\ne\nf\n", "plain.txt.js").original.replace(/\.js$/, "");
  writeText(file, "1\n2\n3\n4\n5\n6\n");
  const all = (db) => Object.fromEntries(db.getAllBreaks());
  const db1 = new Bdb();
  const fname = db1.canonic(file);
  db1.setBreak(file, 1);
  assert.equal(all(db1), { [fname]: [1] });

  const db2 = new Bdb();
  db2.setBreak(file, 2);
  db2.setBreak(file, 3);
  db2.setBreak(file, 4);
  assert.equal(all(db1), { [fname]: [1] });
  assert.equal(all(db2), { [fname]: [1, 2, 3, 4] });
  db2.clearBreak(file, 1);
  assert.equal(all(db1), { [fname]: [1] });
  assert.equal(all(db2), { [fname]: [2, 3, 4] });

  const db3 = new Bdb();
  assert.equal(all(db1), { [fname]: [1] });
  assert.equal(all(db2), { [fname]: [2, 3, 4] });
  assert.equal(all(db3), { [fname]: [2, 3, 4] });
  db2.clearBreak(file, 2);
  assert.equal(all(db1), { [fname]: [1] });
  assert.equal(all(db2), { [fname]: [3, 4] });
  assert.equal(all(db3), { [fname]: [2, 3, 4] });

  const db4 = new Bdb();
  db4.setBreak(file, 5);
  assert.equal(all(db1), { [fname]: [1] });
  assert.equal(all(db2), { [fname]: [3, 4] });
  assert.equal(all(db3), { [fname]: [2, 3, 4] });
  assert.equal(all(db4), { [fname]: [3, 4, 5] });
  Breakpoint.clearBreakpoints();

  const db5 = new Bdb();
  db5.setBreak(file, 6);
  assert.equal(all(db1), { [fname]: [1] });
  assert.equal(all(db2), { [fname]: [3, 4] });
  assert.equal(all(db3), { [fname]: [2, 3, 4] });
  assert.equal(all(db4), { [fname]: [3, 4, 5] });
  assert.equal(all(db5), { [fname]: [6] });
  Breakpoint.clearBreakpoints();
});

Bp.run();

// --------------------------------------------------------------- RunTestCase
const Run = suite("bdb: run, runeval");
Run.after.each(cleanup);

Run("run step", async () => {
  // The 'run' method stops at the first line event.
  const ns = {};
  await tracerRun([["line", 2, "<module>"], ["step"], ["return", 2, "<module>"], ["quit"]], (tracer) => tracer.run("\nlno = 2;\n", ns));
  assert.equal(ns, { lno: 2 });
});

Run("runeval step", async () => {
  withModules({
    [TEST_MODULE]: `
function main() {
  let lno = 3; }
module.exports = { main };
`,
  });
  const test_module_for_bdb = requireModule(TEST_MODULE);
  const ns = { test_module_for_bdb };
  await tracerRun(
    [
      ["line", 1, "<module>"],
      ["step"],
      ["call", 2, "main"],
      ["step"],
      ["line", 3, "main"],
      ["step"],
      ["return", 3, "main"],
      ["step"],
      ["return", 1, "<module>"],
      ["quit"],
    ],
    (tracer) => tracer.runeval("test_module_for_bdb.main()", ns, ns),
  );
});

Run("runeval returns the value; runctx defers to run", () => {
  const ns = { a: 20 };
  try {
    assert.is(new BaseBdb().runeval("a + 1", ns), 21);
    // an anonymous function or class evaluated is as eval's: named "" (not after tsdb's names)
    assert.equal([new BaseBdb().runeval("() => a", ns).name, new BaseBdb().runeval("(class {})", ns).name], ["", ""]);
    new BaseBdb().runctx("b = a * 2", ns, ns);
    assert.is(ns.b, 40);
    const locals = {};
    new BaseBdb().run("var c = a; d = a + 1;", ns, locals);
    assert.equal(locals, { c: 20, d: 21 });
  } finally {
    cleanup();
  }
});

Run.run();

// ------------------------------------------------------------- IssuesTestCase
const Issues = suite("bdb: fixed issues");
Issues.after.each(cleanup);

Issues("step at return with no trace in caller (#13183)", async () => {
  // The tracer steps into the caller frame when the trace function is not
  // set in that frame.
  const { tfunc_import } = withModules({
    test_module_for_bdb_2: `
function func() {
  let lno = 3; }
module.exports = { func };
`,
    [TEST_MODULE]: `
const { func } = require(OUT(test_module_for_bdb_2));
function main() {
  func();
  let lno = 5; }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("func", modules.get("test_module_for_bdb_2").original),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "func", [{ 1: 1 }, []]],
      ["step"],
      ["return", 3, "func"],
      ["step"],
      ["line", 5, "main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Issues("next/until/return in generator (#16596)", async () => {
  // set_next(), set_until() and set_return() do not treat `yield` as a
  // return. tsdb: after 'return', where Python stops at the StopIteration
  // raised in main (line 10) and a 'step' then goes to main's return, the
  // generator's end stops at the next event: main goes on to line 11, since
  // a finished JavaScript generator raises nothing.
  for (const setType of ["next", "until", "return"]) {
    const { tfunc_import, FNAME } = withModules({
      [TEST_MODULE]: `
function* test_gen() {
  yield 0;
  let lno = 4;
  return 123; }

function main() {
  const it = test_gen();
  it.next();
  it.next();
  let lno = 11; }
module.exports = { main };
`,
    });
    const expectSet = [
      ["line", 2, "tfunc_import"],
      breakInFunc("test_gen", FNAME),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "test_gen", [{ 1: 1 }, []]],
      [setType],
    ];
    if (setType === "return") expectSet.push(["line", 11, "main"], ["quit"]);
    else expectSet.push(["line", 4, "test_gen"], ["quit"]);
    await tracerRun(expectSet, (tracer) => tracer.runcall(tfunc_import));
  }
});

Issues("next command in generator for loop (#16596)", async () => {
  // Python stops at the StopIteration in main's `for` (line 9), then 'step'
  // goes to line 11; tsdb goes to line 11 directly.
  const { tfunc_import, FNAME } = withModules({
    [TEST_MODULE]: `
function* test_gen() {
  yield 0;
  let lno = 4;
  yield 1;
  return 123; }

function main() { let lno;
  for (const i of test_gen())
    lno = 10;
  lno = 11; }
module.exports = { main };
`,
  });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("test_gen", FNAME),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "test_gen", [{ 1: 1 }, []]],
      ["next"],
      ["line", 4, "test_gen"],
      ["next"],
      ["line", 5, "test_gen"],
      ["next"],
      ["line", 6, "test_gen"],
      ["next"],
      ["line", 11, "main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

const SUBGEN = `
function* test_subgen() {
  yield 0;
  return 123; }

function* test_gen() {
  const x = yield* test_subgen();
  return 456; }

function main() { let lno;
  for (const i of test_gen())
    lno = 12;
  lno = 13; }
module.exports = { main };
`;

Issues("next command in generator with subiterator (#16596)", async () => {
  // Python: the StopIteration in main's `for` (line 11), then 'step' to 13.
  const { tfunc_import, FNAME } = withModules({ [TEST_MODULE]: SUBGEN });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("test_gen", FNAME),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 7, "test_gen", [{ 1: 1 }, []]],
      ["next"],
      ["line", 8, "test_gen"],
      ["next"],
      ["line", 13, "main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Issues("return command in generator with subiterator (#16596)", async () => {
  // Python stops at the StopIteration in test_gen (line 7) and in main (line
  // 11). tsdb: the end of test_subgen stops at the next event, test_gen
  // resuming at its `yield*` (a 'call' event); the end of test_gen stops at
  // main's next line.
  const { tfunc_import, FNAME } = withModules({ [TEST_MODULE]: SUBGEN });
  await tracerRun(
    [
      ["line", 2, "tfunc_import"],
      breakInFunc("test_subgen", FNAME),
      ["None", 2, "tfunc_import"],
      ["continue"],
      ["line", 3, "test_subgen", [{ 1: 1 }, []]],
      ["return"],
      ["call", 7, "test_gen"],
      ["return"],
      ["line", 13, "main"],
      ["quit"],
    ],
    (tracer) => tracer.runcall(tfunc_import),
  );
});

Issues("next to botframe (gh-125422)", async () => {
  // The next command won't go to the bottom frame.
  await tracerRun([["line", 2, "<module>"], ["step"], ["return", 2, "<module>"], ["next"]], (tracer) => tracer.run("\nlno = 2;\n", {}));
});

Issues.run();

// ------------------------------------------------------------ TestRegressions
test("format_stack_entry with no lineno (gh-101517)", async () => {
  const { out } = instrumentToFile(`import { getframe } from "tsdb/runtime";\nexport function here() { return getframe(0); }\n`, "fse.mjs");
  const { here } = await load(out);
  const frame = here();
  assert.ok(new BaseBdb().formatStackEntry([frame, null]).includes("Warning: lineno is None"));
});

test.run();
