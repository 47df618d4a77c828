// Breakpoint, checkfuncname, effective and Bdb's breakpoint bookkeeping,
// checked against what CPython 3.11's bdb prints for the same calls.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Bdb, Breakpoint, checkfuncname, effective, gettraceback } from "../dist/index.mjs";
import { instrumentToFile, load } from "./helpers/run.mjs";
import { Recorder, cleanup } from "./helpers/bdb-recorder.mjs";

const Bp = suite("Breakpoint");
Bp.before.each(cleanup);
Bp.after.each(cleanup);

Bp("numbering, bplist, bpbynumber, deleteMe", () => {
  const a = new Breakpoint("/f.js", 3);
  const b = new Breakpoint("/f.js", 3, true, "x > 1");
  const c = new Breakpoint("/g.js", 1);
  assert.equal([a.number, b.number, c.number, Breakpoint.next], [1, 2, 3, 4]);
  assert.equal(Breakpoint.bpbynumber, [null, a, b, c]);
  assert.equal([...Breakpoint.bplist.keys()], ["/f.js:3", "/g.js:1"]);
  assert.equal(Breakpoint.bplist.get("/f.js:3"), [a, b]);
  a.deleteMe();
  assert.equal(Breakpoint.bpbynumber, [null, null, b, c]);
  assert.equal(Breakpoint.bplist.get("/f.js:3"), [b]);
  b.deleteMe();
  assert.is(Breakpoint.bplist.has("/f.js:3"), false);
  assert.equal(
    [c.file, c.line, c.temporary, c.cond, c.funcname, c.enabled, c.ignore, c.hits, c.funcFirstExecutableLine],
    ["/g.js", 1, false, null, null, true, 0, 0, null],
  );
  Breakpoint.clearBreakpoints();
  assert.equal([Breakpoint.next, Breakpoint.bpbynumber, Breakpoint.bplist.size], [1, [null], 0]);
});

Bp("bpformat, bpprint, toString, enable, disable (as Python prints them)", () => {
  const b = new Breakpoint("/f.py", 3);
  const t = new Breakpoint("/f.py", 3, true, "x > 1", null);
  t.ignore = 2;
  t.hits = 1;
  b.hits = 3;
  b.disable();
  assert.is(b.bpformat(), "1   breakpoint   keep no    at /f.py:3\n\tbreakpoint already hit 3 times");
  assert.is(
    t.bpformat(),
    "2   breakpoint   del  yes   at /f.py:3\n\tstop only if x > 1\n\tignore next 2 hits\n\tbreakpoint already hit 1 time",
  );
  assert.is(String(t), "breakpoint 2 at /f.py:3");
  let text = "";
  b.bpprint({ write: (s) => (text += s) });
  assert.is(text, "1   breakpoint   keep no    at /f.py:3\n\tbreakpoint already hit 3 times\n");
  b.enable();
  assert.is(b.enabled, true);
});

Bp("getBpbynumber / clear* messages (as Python's)", () => {
  const b = new Breakpoint("/f.py", 3);
  new Breakpoint("/f.py", 3, true, "x > 1", null);
  const db = new Bdb(); // loads the breakpoints of the class
  const get = (arg) => {
    try {
      return db.getBpbynumber(arg).number;
    } catch (e) {
      return e.message;
    }
  };
  assert.equal(["", null, undefined, 0, "x", "1.5", "99", "-1", " 2 ", "+1", "1_0"].map(get), [
    "Breakpoint number expected",
    "Breakpoint number expected",
    "Breakpoint number expected",
    "Breakpoint number expected",
    "Non-numeric breakpoint number x",
    "Non-numeric breakpoint number 1.5",
    "Breakpoint number 99 out of range",
    2,
    2,
    1,
    "Breakpoint number 10 out of range",
  ]);
  b.deleteMe();
  assert.equal(["1", "-2", 1].map(get), ["Breakpoint 1 already deleted", "Breakpoint -2 already deleted", "Breakpoint 1 already deleted"]);
  assert.is(db.clearBpbynumber("1"), "Breakpoint 1 already deleted");
  assert.is(db.clearAllBreaks(), undefined);
  assert.is(db.clearAllBreaks(), "There are no breakpoints");
  assert.is(db.clearBreak("/f.py", 3), "There are no breakpoints in /f.py");
  assert.is(db.clearAllFileBreaks("/f.py"), "There are no breakpoints in /f.py");
});

Bp("Bdb breakpoint queries and clearing", async () => {
  const { original, out } = instrumentToFile("export function f(a) {\n  let x = a;\n  x += 1;\n  return x;\n}\n", "bpq.mjs");
  await load(out);
  const db = new Bdb();
  assert.is(db.setBreak(original, 2), undefined);
  assert.is(db.setBreak(original, 2, true), undefined);
  assert.is(db.setBreak(original, 3, false, "x > 1"), undefined);
  assert.is(db.setBreak(original, 99), `Line ${original}:99 does not exist`);
  assert.is(db.getBreak(original, 2), true);
  assert.is(db.getBreak(original, 4), false);
  assert.equal(
    db.getBreaks(original, 2).map((bp) => bp.number),
    [1, 2],
  );
  assert.equal(db.getBreaks(original, 4), []);
  assert.equal(db.getFileBreaks(original), [2, 3]);
  assert.equal(db.getFileBreaks("/nowhere.js"), []);
  assert.equal([...db.getAllBreaks()], [[original, [2, 3]]]);
  assert.is(db.clearBreak(original, 4), `There is no breakpoint at ${original}:4`);
  assert.is(db.clearBreak(original, 2), undefined);
  assert.equal(
    Breakpoint.bpbynumber.map((bp) => (bp ? bp.number : null)),
    [null, null, null, 3],
  );
  assert.is(db.clearBpbynumber(3), undefined);
  assert.equal([...db.getAllBreaks()], []);
  assert.is(db.setBreak(original, 4), undefined);
  assert.is(db.clearAllFileBreaks(original), undefined);
  assert.equal([...db.getAllBreaks()], []);
  // canonic: relative names are made absolute; <names> stay.
  assert.is(db.canonic("<string>"), "<string>");
  assert.is(db.canonic("a/b.js"), `${process.cwd()}/a/b.js`);
});

Bp("checkfuncname and effective", async () => {
  const { original, out } = instrumentToFile(
    `export function f(a) {
  let x = a;
  x += 1;
  return x;
}
`,
    "eff.mjs",
  );
  const mod = await load(out);
  const seen = [];
  const db = new Recorder([
    (d, frame) => {
      const byName = new Breakpoint(original, 1, false, null, "f");
      const wrongName = new Breakpoint(original, 1, false, null, "g");
      const byLine = new Breakpoint(original, 2);
      seen.push(
        checkfuncname(byName, frame),
        byName.funcFirstExecutableLine,
        checkfuncname(wrongName, frame),
        checkfuncname(byLine, frame),
      );
      new Breakpoint(original, 3, false, "x === 10");
      new Breakpoint(original, 3, true, "nope.nope");
      seen.push(effective(original, 2, frame));
      byLine.ignore = 1;
      seen.push(effective(original, 2, frame), byLine.ignore, byLine.hits);
      seen.push(effective(original, 7, frame));
      d.setStep();
    },
    (d, frame) => {
      // At line 3 x is 10: `cond` is effective and counts a hit; the
      // condition that throws is effective too, without deleting the temporary.
      const [cond, bad] = Breakpoint.bplist.get(`${original}:3`);
      seen.push(effective(original, 3, frame), cond.hits, bad.hits);
      cond.disable();
      seen.push(effective(original, 3, frame), bad.hits);
      d.setQuit();
    },
  ]);
  db.runcall(mod.f, 10);
  const [b1, b2] = [Breakpoint.bpbynumber[4], Breakpoint.bpbynumber[5]];
  const b3 = Breakpoint.bpbynumber[3];
  assert.equal(seen, [true, 2, false, true, [b3, true], [null, null], 0, 2, [null, null], [b1, true], 1, 0, [b2, false], 1]);
});

Bp.run();

const Fmt = suite("formatStackEntry, getStack");
Fmt.after.each(cleanup);

Fmt("formatStackEntry with a return value; getStack with a traceback", async () => {
  const { original, out } = instrumentToFile(
    `export function f(a) {
  return g(a) + 1;
}
function g(a) {
  if (a) throw new TypeError("no");
  return [1, 2, 3];
}
`,
    "fmt.mjs",
  );
  const mod = await load(out);
  const entries = [];
  let stackAtException;
  class Fmt extends Recorder {
    userReturn(frame, value) {
      frame.locals.__return__ = value;
      entries.push(this.formatStackEntry([frame, frame.lineno]));
      entries.push(this.formatStackEntry([frame, frame.lineno], " >> "));
      this.setStep();
    }
    userException(frame, excInfo) {
      const [stack, i] = this.getStack(frame, excInfo[2]);
      stackAtException ??= [stack.map(([fr, n]) => `${fr.code.name}:${n}`), i];
      this.setStep();
    }
  }
  const db = new Fmt(["step", "step", "step", "step", "step", "step"]);
  db.runcall(mod.f, 0);
  assert.equal(entries.slice(0, 2), [
    `${original}(6)g()->[ 1, 2, 3 ]: return [1, 2, 3];`,
    `${original}(6)g()->[ 1, 2, 3 ] >> return [1, 2, 3];`,
  ]);
  const db2 = new Fmt(["step", "step", "step", "step", "step", "step", "step"]);
  try {
    db2.runcall(mod.f, 1);
  } catch (e) {
    assert.instance(e, TypeError);
  }
  // At g's exception event: the stack is f, g (index 1: g); at f's: f, then g from the traceback.
  assert.equal(stackAtException, [["f:2", "g:5"], 1]);
});

Fmt("getStack(null, traceback): post-mortem, the newest frame is current", async () => {
  const { out } = instrumentToFile(
    `export function f(a) {
  return g(a) + 1;
}
function g(a) {
  if (a) throw new TypeError("no");
}
`,
    "pm.mjs",
  );
  const mod = await load(out);
  const db = new Recorder(Array(20).fill("step"));
  let error;
  try {
    db.runcall(mod.f, 1);
  } catch (e) {
    error = e;
  }
  assert.instance(error, TypeError);
  for (const d of [db, new Bdb()]) {
    const [stack, i] = d.getStack(null, gettraceback(error));
    assert.equal([stack.map(([fr, n]) => `${fr.code.name}:${n}`), i], [["f:2", "g:5"], 1]);
  }
});

Fmt.run();
