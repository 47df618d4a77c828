// The test harness of CPython's Lib/test/test_bdb.py, for tsdb's Bdb.
//
// A test is a list of pairs `expect, set`: `expect` is the expected state of
// the debugger when it stops — `[event, line, name, extra]`, or `[]` for no
// check — and `set` the set* method to call then: ["step"], ["next"],
// ["return"], ["until", line?], ["continue"], ["quit"], ["break", [file, line,
// temporary, cond, funcname]], ["clear", [file, line]], ["ignore", n],
// ["enable", n], ["disable", n], ["up"], ["down"]. Methods that do not give
// control back to the program are followed by an `expect` whose event is
// "None" (not checked). `extra` is, on a 'line' event, `[{bpnum: hits},
// [temporaries deleted]]`, and on an 'exception' event the expected class.
//
// Line numbers are relative to the function's first line for files marked
// `relative` (like the functions of test_bdb.py itself), absolute otherwise.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Bdb as BaseBdb, Breakpoint, gettrace, loadedcodes, settrace } from "../../dist/index.mjs";
import { instrumentToFile } from "./run.mjs";

const require = createRequire(import.meta.url);

export class BdbException extends Error {}
/** Error raised by the Bdb instance. */
export class BdbError extends BdbException {}
/** Syntax error in the test case. */
export class BdbSyntaxError extends BdbException {}
/** Unexpected result. */
export class BdbNotExpectedError extends BdbException {}

/** Instrumented modules of the current test: name → { original, out }. */
export const modules = new Map();
/** Original paths whose line numbers are relative to the function's first line. */
export const relative = new Set();

/**
 * Python's `create_modules`: writes each source as an instrumented CommonJS
 * module (`name.cjs`); returns name → original path.
 */
export function createModules(sources, { rel = [] } = {}) {
  const paths = {};
  for (const [name, source] of Object.entries(sources)) {
    const files = instrumentToFile(source, `${name}.cjs`);
    modules.set(name, files);
    paths[name] = files.original;
    if (rel.includes(name)) relative.add(files.original);
  }
  return paths;
}

/** `require`s the instrumented copy of a module made by createModules (by name or original path). */
export function requireModule(nameOrPath) {
  for (const [name, files] of modules) {
    if (name === nameOrPath || files.original === nameOrPath) return require(files.out);
  }
  throw new Error(`no module ${nameOrPath}`);
}

export function breakInFunc(funcname, fname, temporary = false, cond = null) {
  return ["break", [fname, null, temporary, cond, funcname]];
}

/** test_bdb.Bdb: Bdb extended to enhance test coverage. */
export class Bdb extends BaseBdb {
  traceDispatch(frame, event, arg) {
    this.currentbp = null;
    return super.traceDispatch(frame, event, arg);
  }

  setBreak(filename, lineno, temporary = false, cond = null, funcname = null) {
    if (typeof funcname === "string") {
      // Python imports the module and evaluates the name to get its code.
      requireModule(filename);
      const code = findCode(this.canonic(filename), funcname);
      filename = code.filename;
      lineno = code.firstlineno;
      funcname = code.name;
    }
    const res = super.setBreak(filename, lineno, temporary, cond, funcname);
    if (typeof res === "string") throw new BdbError(res);
    return res;
  }

  getStack(f, t) {
    [this.stack, this.index] = super.getStack(f, t);
    this.frame = this.stack[this.index][0];
    return [this.stack, this.index];
  }

  /** Increment the ignore count of Breakpoint number 'bpnum'. */
  setIgnore(bpnum) {
    this.getBpbynumber(bpnum).ignore += 1;
  }

  setEnable(bpnum) {
    this.getBpbynumber(bpnum).enabled = true;
  }

  setDisable(bpnum) {
    this.getBpbynumber(bpnum).enabled = false;
  }

  setClear(fname, lineno) {
    const err = this.clearBreak(fname, lineno);
    if (err) throw new BdbError(err);
  }

  /** Move up in the frame stack. */
  setUp() {
    if (!this.index) throw new BdbError("Oldest frame");
    this.index -= 1;
    this.frame = this.stack[this.index][0];
  }

  /** Move down in the frame stack. */
  setDown() {
    if (this.index + 1 === this.stack.length) throw new BdbError("Newest frame");
    this.index += 1;
    this.frame = this.stack[this.index][0];
  }
}

function findCode(filename, name) {
  const code = loadedcodes().find((c) => c.filename === filename && c.name === name);
  if (code) return code;
  throw new Error(`no function ${name} in ${filename}`);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A tracer for testing the bdb module. */
export class Tracer extends Bdb {
  constructor(expectSet, skip = null) {
    super(skip);
    this.expectSet = expectSet;
    this.curExcept = null;
    this.expectSetNo = 0;
    this.breakpointHits = null;
    this.expectedList = expectSet.filter((_, i) => i % 2 === 0);
    this.setList = expectSet.filter((_, i) => i % 2 === 1);
  }

  traceDispatch(frame, event, arg) {
    // CPython discards an exception raised by the trace function on an
    // 'exception' event, so test_bdb raises it at the next event. tsdb's
    // runtime propagates it at once; the same structure is kept.
    if (this.curExcept !== null) throw this.curExcept;
    return super.traceDispatch(frame, event, arg);
  }

  userCall(frame, argumentList) {
    // Adopt the same behavior as pdb and, as a side effect, skip also the
    // first 'call' event when the Tracer is started with runcall().
    if (!this.stopHere(frame)) return;
    this.processEvent("call", frame, argumentList);
    this.nextSetMethod();
  }

  userLine(frame) {
    this.processEvent("line", frame);
    this.deleteTemporaries();
    this.breakpointHits = null;
    this.nextSetMethod();
  }

  userReturn(frame, returnValue) {
    this.processEvent("return", frame, returnValue);
    this.nextSetMethod();
  }

  userException(frame, excInfo) {
    this.excInfo = excInfo;
    this.processEvent("exception", frame);
    this.nextSetMethod();
  }

  doClear(_arg) {
    // The temporary breakpoints are deleted in userLine().
    const bpList = [this.currentbp];
    this.breakpointHits = [bpList, bpList];
  }

  deleteTemporaries() {
    if (this.breakpointHits) for (const n of this.breakpointHits[1]) this.clearBpbynumber(n);
  }

  popNext() {
    this.expectSetNo += 1;
    if (this.expectedList.length === 0) {
      throw new BdbNotExpectedError(`expect_set list exhausted, cannot pop item ${this.expectSetNo}`);
    }
    this.expect = this.expectedList.shift();
    this.setTuple = this.setList.shift();
  }

  processEvent(event, frame) {
    // getStack() enables walking the stack with setUp() and setDown().
    this.getStack(frame, event === "exception" ? this.excInfo[2] : null);
    // A breakpoint has been hit and it is not a temporary.
    if (this.currentbp !== null && !this.breakpointHits) this.breakpointHits = [[this.currentbp], []];
    this.event = event;
    this.popNext();
    if (this.expect.length) {
      this.checkEqual(this.expect[0], event, "Wrong event type");
      this.checkLnoName();
    }
    if (event === "call" || event === "return") {
      this.checkExpectMaxSize(3);
    } else if (this.expect.length > 3) {
      if (event === "line") {
        const [bps, temporaries] = this.expect[3];
        const bpnums = Object.keys(bps)
          .map(Number)
          .sort((a, b) => a - b);
        if (!this.breakpointHits) this.raiseNotExpected(`No breakpoints hit at expect_set item ${this.expectSetNo}`);
        this.checkEqual(bpnums, this.breakpointHits[0], "Breakpoint numbers do not match");
        this.checkEqual(
          bpnums.map((n) => bps[n]),
          this.breakpointHits[0].map((n) => this.getBpbynumber(n).hits),
          "Wrong breakpoint hit count",
        );
        this.checkEqual([...temporaries].sort(), this.breakpointHits[1], "Wrong temporary breakpoints");
      } else if (event === "exception") {
        if (!(this.excInfo[1] instanceof this.expect[3])) {
          this.raiseNotExpected(`Wrong exception at expect_set item ${this.expectSetNo}, got '${this.excInfo[1]}'`);
        }
      }
    }
  }

  checkEqual(expected, result, msg) {
    if (same(expected, result)) return;
    this.raiseNotExpected(`${msg} at expect_set item ${this.expectSetNo}, got '${JSON.stringify(result)}'`);
  }

  /** Check the line number and function name. */
  checkLnoName() {
    const s = this.expect.length;
    if (s > 1) this.checkEqual(this.expect[1], this.lnoAbs2rel(), "Wrong line number");
    if (s > 2) this.checkEqual(this.expect[2], this.frame.code.name, "Wrong function name");
  }

  checkExpectMaxSize(size) {
    if (this.expect.length > size)
      throw new BdbSyntaxError(`Invalid size of the ${this.event} expect tuple: ${JSON.stringify(this.expect)}`);
  }

  lnoAbs2rel() {
    const lineno = this.frame.lineno;
    return relative.has(this.frame.code.filename) ? lineno - this.frame.code.firstlineno + 1 : lineno;
  }

  lnoRel2abs(fname, lineno) {
    return lineno && relative.has(this.canonic(fname)) ? this.frame.code.firstlineno + lineno - 1 : lineno;
  }

  getState() {
    let state = `['${this.event}', ${this.lnoAbs2rel()}, '${this.frame.code.name}'`;
    if (this.breakpointHits) {
      const bps = this.breakpointHits[0].map((n) => `${n}: ${this.getBpbynumber(n).hits}`).join(", ");
      state += `, [{${bps}}, ${JSON.stringify(this.breakpointHits[1])}]`;
    } else if (this.event === "exception") {
      state += `, ${this.excInfo[0]?.name}`;
    }
    return `${state}], ${JSON.stringify(this.setTuple)}`;
  }

  raiseNotExpected(msg) {
    throw new BdbNotExpectedError(`${msg}\n  Expected: ${JSON.stringify(this.expect)}\n  Got:      ${this.getState()}`);
  }

  nextSetMethod() {
    const [setType, args] = this.setTuple;
    // The following set methods give back control to the tracer.
    if (setType === "step" || setType === "continue" || setType === "quit") {
      this[`set${cap(setType)}`]();
      return;
    }
    if (setType === "next" || setType === "return") {
      this[`set${cap(setType)}`](this.frame);
      return;
    }
    if (setType === "until") {
      const lineno = args !== undefined ? this.lnoRel2abs(this.frame.code.filename, args) : null;
      this.setUntil(this.frame, lineno);
      return;
    }
    // The following set methods do not give back control to the tracer and
    // nextSetMethod() is called recursively.
    if (
      (args !== undefined && ["break", "clear", "ignore", "enable", "disable"].includes(setType)) ||
      setType === "up" ||
      setType === "down"
    ) {
      if (setType === "break" || setType === "clear") {
        const [fname, lineno, ...remain] = args;
        this[`set${cap(setType)}`](fname, this.lnoRel2abs(fname, lineno), ...remain);
      } else if (setType === "up" || setType === "down") {
        this[`set${cap(setType)}`]();
      } else {
        this[`set${cap(setType)}`](args);
      }
      // Process the next expect_set item.
      this.event = null;
      this.popNext();
      if (this.expect.length) this.checkLnoName();
      this.checkExpectMaxSize(3);
      this.nextSetMethod();
      return;
    }
    throw new BdbSyntaxError(`"${JSON.stringify(this.setTuple)}" is an invalid set_tuple`);
  }
}

const cap = (s) => s[0].toUpperCase() + s.slice(1);

/**
 * Python's `TracerRun` context: runs `body(tracer)` with a fresh Tracer,
 * resets the Breakpoint class before and after, restores the trace function
 * and checks that every pair was used. Returns the error thrown by `body`
 * (other than a BdbNotExpectedError, which fails the test), if any.
 */
export async function tracerRun(expectSet, body, { skip = null } = {}) {
  Breakpoint.clearBreakpoints();
  const original = gettrace();
  const tracer = new Tracer(expectSet, skip);
  let error;
  try {
    await body(tracer);
  } catch (e) {
    error = e;
  } finally {
    Breakpoint.clearBreakpoints();
    settrace(original);
  }
  let notEmpty = "";
  if (tracer.setList.length) {
    notEmpty = `All paired tuples have not been processed, the last one was number ${tracer.expectSetNo}\n${JSON.stringify(tracer.setList)}`;
  }
  if (error instanceof BdbNotExpectedError) throw new Error(error.message + (notEmpty ? `\n${notEmpty}` : ""));
  if (notEmpty) throw new Error(notEmpty);
  return error;
}

/** Writes a plain text file (for breakpoints on files that are not code). */
export function writeText(path, text) {
  writeFileSync(path, text);
}
