/**
 * Debugger basics: `bdb` for instrumented JavaScript/TypeScript.
 *
 * A port of CPython's Lib/bdb.py (3.12/3.13), method for method and in the
 * same order, so that it can be read side by side with it. Python names
 * become camelCase; `None` is `null`/`undefined`; error strings are bdb's.
 * Where JavaScript differs a comment says so. In short:
 *
 * - Plain (not instrumented) code has no frames: when the first traced frame
 *   has no caller, `botframe` is BOTTOM, a frame that is on no chain; the
 *   same stands for a missing `frame.back` in setReturn.
 * - `skip` globs (minimatch) match `Code.module`, not `__name__`.
 * - No StopIteration/GeneratorExit: when a generator or async function in
 *   which 'next'/'until'/'return' was issued finishes, Bdb switches to
 *   stepping (Python stops at the StopIteration in the caller, one 'step'
 *   earlier); such a frame stays traced while it resumes.
 * - BdbQuit goes through user `catch` blocks (see raiseQuit); `finally`
 *   blocks run.
 * - setTrace() with no frame starts from the innermost instrumented frame;
 *   `debugger;` is setTrace() on the Bdb that is running.
 * - setBreak also refuses a line of a loaded file where no statement starts.
 * - run/runeval take source text (instrumented as `<string>`); runcall of
 *   a function that returns a promise traces until it settles.
 * - setwatch: while continuing, events that cannot stop are not dispatched;
 *   while stepping, calls and returns that Bdb's own userCall/userReturn would
 *   do nothing with are not (bdb/watch.ts, beside the port).
 */
import { resolve as resolvePath } from "node:path";
import { inspect } from "node:util";
import type * as Minimatch from "minimatch";
import { Breakpoint, bpKey, effective } from "./breakpoint.js";
import { claimDebuggerStatements, releaseDebuggerStatements } from "./debugger-statement.js";
import { compileString } from "./exec.js";
import { BreakWatch } from "./watch.js";
import type { Code } from "../runtime/code.js";
import type { Frame, TraceEvent, TraceFunction } from "../runtime/frame.js";
import { getline } from "../runtime/linecache.js";
import { append, asArray, contains, list, MathMax, SafeMap, SafeSet } from "../runtime/primordials.js";
import * as trace from "../runtime/trace.js";
import type { Traceback } from "../runtime/trace.js";

// Local bindings: the CommonJS build reads an import through a getter at each use, and some of
// these are called at every stop.
const { getframe, gettrace, loadedcodes, settrace, setunwinderror } = trace;

/** Python's `exc_info` triple as the runtime reports it with `exception` events. */
export type ExcInfo = [unknown, unknown, Traceback | null];

/** `CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR` */
export function isGeneratorOrCoroutine(code: Code): boolean {
  return code.flags.generator || code.flags.async;
}

/** Exception to give up completely. */
export class BdbQuit extends Error {
  constructor(message?: string) {
    super(message);
    this.name = "BdbQuit";
  }
}

/**
 * JS: stands for the caller of the first traced frame when that caller is not
 * instrumented (Python always has a frame there, e.g. `runcall`'s own). It is
 * never on any frame chain, so `botframe` is never a reason to stop, and
 * `setContinue()` (stopframe = botframe) really continues.
 */
const BOTTOM = Object.freeze({
  back: null,
  code: Object.freeze({
    filename: "<bottom>",
    module: "<bottom>",
    name: "<bottom>",
    qualname: "<bottom>",
    firstlineno: 0,
    lastlineno: 0,
    flags: Object.freeze({ generator: false, async: false }),
    lines: Object.freeze([]),
  }),
  lineno: 0,
  trace: null,
  locals: Object.freeze({}),
  globals: globalThis,
  eval: () => undefined,
  toString: () => "<bottom frame>",
}) as unknown as Frame;

/**
 * Generic debugger base class.
 *
 * This class takes care of details of the trace facility; a derived class
 * should implement user interaction. The optional `skip` argument is an
 * iterable of glob patterns (minimatch): the debugger does not stop in frames
 * whose `code.module` (path relative to the working directory; Python uses
 * `__name__`) matches one of them.
 */
export class Bdb {
  skip: Set<string> | null;
  breaks: Map<string, number[]>;
  fncache: Map<string, string>;
  private lastCanonic: [string | null, string] = [null, ""];
  frameReturning: Frame | null;
  botframe: Frame | null = null;
  stopframe: Frame | null = null;
  returnframe: Frame | null = null;
  stoplineno = 0;
  quitting = false;
  currentbp: number | null = null;
  /**
   * JS, for speed: a subclass whose userCall does nothing unless
   * `stopHere(frame)` is true (as pdb's) may set this, so that while
   * continuing no `call` event of a function without breakpoints reaches the
   * dispatcher. Otherwise, when userCall is overridden, every call in a file
   * with breakpoints is dispatched, as bdb.py does.
   */
  userCallOnlyWhenStopping = false;

  /** JS: run/runeval/runcall calls in progress. */
  private running = 0;
  /** JS: a BdbQuit was raised and is unwinding the program (see `raiseQuit`). */
  private quitRaised = false;
  /** JS: the optimisation beside the port (bdb/watch.ts). */
  private readonly watch = new BreakWatch();
  /** @internal JS: counts changes of `breaks` (what the watch was made from). */
  breaksChanged = 0;

  constructor(skip?: Iterable<string> | null) {
    // JS: Safe maps and sets, index loops, no destructuring where the program can get (its
    // events): it may have patched the built-ins (runtime/primordials.ts).
    const patterns = skip ? new SafeSet(skip) : null;
    this.skip = patterns && patterns.size > 0 ? patterns : null;
    this.breaks = new SafeMap();
    this.fncache = new SafeMap();
    this.frameReturning = null;
    // Python's `self.trace_dispatch` is a bound method: one stable function.
    this.traceDispatch = this.traceDispatch.bind(this);
    this.loadBreaks();
  }

  /**
   * Return canonical form of filename: an absolute path; names in angle
   * brackets, such as "<string>", are returned unchanged. (Python also
   * case-normalizes with os.path.normcase, which is the identity on POSIX.)
   */
  canonic(filename: string): string {
    // JS, for speed: the last answer first (every call event of a traced file asks for its file).
    if (filename === this.lastCanonic[0]) return this.lastCanonic[1];
    if (filename.length >= 2 && filename[0] === "<" && filename[filename.length - 1] === ">") return filename;
    let canonic = this.fncache.get(filename);
    if (!canonic) {
      canonic = resolvePath(filename);
      this.fncache.set(filename, canonic);
    }
    this.lastCanonic = [filename, canonic];
    return canonic;
  }

  /** Set values of attributes as ready to start debugging. */
  reset(): void {
    // Python calls linecache.checkcache() here; tsdb's linecache keeps
    // registered sources (`<string>`), so nothing is dropped.
    this.botframe = null;
    this.setStopinfo(null, null);
  }

  /**
   * Dispatch a trace function for debugged frames based on the event; its
   * return value is the new trace function, usually itself. tsdb has no
   * `c_call`/`c_return`/`c_exception` events (plain code makes no events).
   */
  traceDispatch(frame: Frame, event: TraceEvent, arg: unknown): TraceFunction | undefined {
    if (this.quitting) return this.dispatchWhileQuitting(frame, event, arg);
    if (event === "line") return this.dispatchLine(frame);
    if (event === "call") return this.dispatchCall(frame, arg);
    if (event === "return") return this.dispatchReturn(frame, arg);
    if (event === "exception") return this.dispatchException(frame, arg as ExcInfo);
    process.stdout.write(`bdb.Bdb.dispatch: unknown debugging event: ${JSON.stringify(event)}\n`);
    return this.traceDispatch;
  }

  /**
   * Invoke user function and return trace function for line event. If the
   * debugger stops on the current line, invoke this.userLine(). Raise BdbQuit
   * if this.quitting is set.
   */
  dispatchLine(frame: Frame): TraceFunction | undefined {
    if (this.stopHere(frame) || this.breakHere(frame)) {
      this.userLine(frame);
      if (this.quitting) throw this.raiseQuit(frame);
    }
    return this.traceDispatch;
  }

  /**
   * Invoke user function and return trace function for call event. If the
   * debugger stops on this function call, invoke this.userCall(). Raise
   * BdbQuit if this.quitting is set.
   */
  dispatchCall(frame: Frame, arg: unknown): TraceFunction | undefined {
    // XXX 'arg' is no longer used
    if (this.botframe === null) {
      // First call of dispatch since reset(). JS: the caller may be plain
      // code, which has no frame: BOTTOM stands for it.
      this.botframe = frame.back ?? BOTTOM;
      this.updateWatch();
      return this.traceDispatch;
    }
    if (!(this.stopHere(frame) || this.breakAnywhere(frame))) {
      // JS: a generator or async function resuming after 'return' was issued
      // in it stays traced, so that dispatchReturn sees it finish (Python
      // sees that through the StopIteration raised in a traced caller; an
      // awaiting async function has no such caller).
      // (Not when continuing: the stopframe is then the botframe.)
      if (frame === this.stopframe && frame !== this.botframe && isGeneratorOrCoroutine(frame.code)) return this.traceDispatch;
      // No need to trace this function
      return undefined;
    }
    // Ignore call events in generator except when stepping.
    if (this.stopframe && isGeneratorOrCoroutine(frame.code)) return this.traceDispatch;
    this.userCall(frame, arg);
    if (this.quitting) throw this.raiseQuit(frame);
    return this.traceDispatch;
  }

  /**
   * Invoke user function and return trace function for return event. If the
   * debugger stops on this function return, invoke this.userReturn(). Raise
   * BdbQuit if this.quitting is set.
   */
  dispatchReturn(frame: Frame, arg: unknown): TraceFunction | undefined {
    // JS: when a generator or async function that the user is stepping in
    // ('next', 'until' or 'return' issued in it) finishes, Python stops at the
    // StopIteration it raises in the caller (see dispatchException). There is
    // no such exception in JavaScript: stop at the next event instead, which
    // is where Python's following 'step' goes. (Not when continuing: the
    // stopframe is then the botframe.)
    if (frame === this.stopframe && frame !== this.botframe && isGeneratorOrCoroutine(frame.code) && !frame.suspending) {
      this.setStopinfo(null, null);
      this.setCallerTracefunc(frame);
      return this.traceDispatch;
    }
    if (this.stopHere(frame) || frame === this.returnframe) {
      // Ignore return events in generator except when stepping.
      if (this.stopframe && isGeneratorOrCoroutine(frame.code)) return this.traceDispatch;
      try {
        this.frameReturning = frame;
        this.userReturn(frame, arg);
      } finally {
        this.frameReturning = null;
      }
      if (this.quitting) throw this.raiseQuit(frame);
      // The user issued a 'next' or 'until' command.
      if (this.stopframe === frame && this.stoplineno !== -1) this.setStopinfo(null, null);
      // (3.13) The previous frame might not be traced; unless the command
      // does not expect to stop, trace it.
      if (this.stoplineno !== -1) this.setCallerTracefunc(frame);
    }
    return this.traceDispatch;
  }

  /**
   * Invoke user function and return trace function for exception event. If
   * the debugger stops on this exception, invoke this.userException(). Raise
   * BdbQuit if this.quitting is set.
   */
  dispatchException(frame: Frame, arg: ExcInfo): TraceFunction | undefined {
    if (this.stopHere(frame)) {
      // Python skips here the internal StopIteration (with no traceback)
      // that a subiterator run by `yield from` raises; `yield*` raises none.
      this.userException(frame, arg);
      if (this.quitting) throw this.raiseQuit(frame);
    }
    // Python then stops at the StopIteration or GeneratorExit exception when
    // the stopframe is a generator (a 'return' command in it, or 'next' or
    // 'until' at its last statement). JavaScript generators raise neither:
    // dispatchReturn handles the end of such a generator.
    return this.traceDispatch;
  }

  // Normally derived classes don't override the following methods, but they
  // may if they want to redefine the definition of stopping and breakpoints.

  /** Return true if moduleName matches any skip pattern. */
  isSkippedModule(moduleName: string | null | undefined): boolean {
    if (moduleName === null || moduleName === undefined) return false; // some code has no module
    // (minimatch is loaded only by a debugger that skips modules)
    const { minimatch } = require("minimatch") as typeof Minimatch;
    let skipped = false;
    this.skip?.forEach((pattern) => {
      if (!skipped && minimatch(moduleName, pattern, { dot: true })) skipped = true;
    });
    return skipped;
  }

  /** Return true if frame is below the starting frame in the stack. */
  stopHere(frame: Frame): boolean {
    // (CT) stopframe may now also be None, see dispatchCall.
    if (this.skip && this.isSkippedModule(frame.code.module)) return false;
    if (frame === this.stopframe) {
      if (this.stoplineno === -1) return false;
      return frame.lineno >= this.stoplineno;
    }
    if (!this.stopframe) return true;
    return false;
  }

  /**
   * Return true if there is an effective breakpoint for this line. Check for
   * line or function breakpoint and if in effect. Delete temporary
   * breakpoints if effective() says to.
   */
  breakHere(frame: Frame): boolean {
    const filename = this.canonic(frame.code.filename);
    const lines = this.breaks.get(filename);
    if (lines === undefined) return false;
    let lineno = frame.lineno;
    if (!contains(lines, lineno)) {
      // The line itself has no breakpoint, but maybe the line is the first
      // line of a function with breakpoint set by function name.
      lineno = frame.code.firstlineno;
      if (!contains(lines, lineno)) return false;
    }
    // flag says ok to delete temp. bp
    const found = effective(filename, lineno, frame);
    const bp = found[0];
    const flag = found[1];
    if (bp) {
      this.currentbp = bp.number;
      if (flag && bp.temporary) this.doClear(String(bp.number));
      return true;
    }
    return false;
  }

  /** Remove temporary breakpoint. Must implement in derived classes. */
  doClear(_arg: string): void {
    throw new Error("subclass of bdb must implement doClear()");
  }

  /** Return true if there is any breakpoint for frame's filename. */
  breakAnywhere(frame: Frame): boolean {
    return this.breaks.has(this.canonic(frame.code.filename));
  }

  // Derived classes should override the user* methods to gain control.

  /** Called if we might stop in a function. */
  userCall(_frame: Frame, _argumentList: unknown): void {}

  /** Called when we stop or break at a line. */
  userLine(_frame: Frame): void {}

  /** Called when a return trap is set here. */
  userReturn(_frame: Frame, _returnValue: unknown): void {}

  /** Called when we stop on an exception. */
  userException(_frame: Frame, _excInfo: ExcInfo): void {}

  /**
   * Set the attributes for stopping (Python's `_set_stopinfo`). If
   * stoplineno is >= 0, stop at a line >= stoplineno; -1: don't stop at all.
   */
  protected setStopinfo(stopframe: Frame | null, returnframe: Frame | null, stoplineno = 0): void {
    this.stopframe = stopframe;
    this.returnframe = returnframe;
    this.quitting = false;
    // stoplineno >= 0 means: stop at line >= the stoplineno
    // stoplineno -1 means: don't stop at all
    this.stoplineno = stoplineno;
    this.updateWatch();
  }

  /**
   * (3.13 `_set_caller_tracefunc`) Issue #13183: restore the trace function
   * in the caller (that may not have been set for performance reasons) when
   * returning from the current frame, unless the caller is the botframe.
   */
  protected setCallerTracefunc(currentFrame: Frame): void {
    const callerFrame = currentFrame.back;
    if (callerFrame && !callerFrame.trace && callerFrame !== this.botframe) callerFrame.trace = this.traceDispatch;
  }

  // Derived classes and clients can call the following methods to affect the
  // stepping state.

  /**
   * Stop when the line with the lineno greater than the current one is
   * reached or when returning from current frame.
   */
  setUntil(frame: Frame, lineno?: number | null): void {
    // the name "until" is borrowed from gdb
    if (lineno === undefined || lineno === null) lineno = frame.lineno + 1;
    this.setStopinfo(frame, frame, lineno);
  }

  /** Stop after one line of code. */
  setStep(): void {
    // Issue #13183: pdb skips frames after hitting a breakpoint and running
    // step commands.
    if (this.frameReturning) this.setCallerTracefunc(this.frameReturning);
    this.setStopinfo(null, null);
  }

  /** Stop on the next line in or below the given frame. */
  setNext(frame: Frame): void {
    this.setStopinfo(frame, null);
  }

  /** Stop when returning from the given frame. */
  setReturn(frame: Frame): void {
    if (isGeneratorOrCoroutine(frame.code)) this.setStopinfo(frame, null, -1);
    // JS: a frame called from plain code has no back (Python has one there).
    else this.setStopinfo(frame.back ?? BOTTOM, frame);
  }

  /**
   * Start debugging from frame. If frame is not specified, debugging starts
   * from the caller's frame: JS, the innermost instrumented frame running
   * (none when called from plain code: then the first frame entered is
   * where it stops).
   */
  setTrace(frame?: Frame | null): void {
    if (frame === undefined || frame === null) frame = getframe(0);
    this.reset();
    let f: Frame | null = frame;
    while (f) {
      f.trace = this.traceDispatch;
      this.botframe = f;
      f = f.back;
    }
    this.setStep();
    settrace(this.traceDispatch);
    this.installDebuggerHook();
    this.updateWatch();
  }

  /**
   * Stop only at breakpoints or when finished. If there are no breakpoints,
   * set the system trace function to null.
   */
  setContinue(): void {
    // Don't stop except at breakpoints or when finished
    this.setStopinfo(this.botframe, null, -1);
    if (this.breaks.size === 0) {
      // no breakpoints; run without debugger overhead
      settrace(null);
      this.watch.off();
      // Python: sys._getframe().f_back, the frames of the program.
      let frame = getframe(0);
      while (frame && frame !== this.botframe) {
        frame.trace = null;
        frame = frame.back;
      }
    }
  }

  /**
   * Set quitting attribute to true. Raises BdbQuit exception in the next call
   * to a dispatch*() method.
   */
  setQuit(): void {
    this.stopframe = this.botframe;
    this.returnframe = null;
    this.quitting = true;
    this.watch.off();
    settrace(null);
  }

  // Derived classes and clients can call the following methods to manipulate
  // breakpoints. These methods return an error message if something went
  // wrong, undefined if all is well.

  /** Add breakpoint to breaks, if not already there. */
  protected addToBreaks(filename: string, lineno: number): void {
    this.breaksChanged++;
    let bpLinenos = this.breaks.get(filename);
    if (bpLinenos === undefined) this.breaks.set(filename, (bpLinenos = []));
    if (!bpLinenos.includes(lineno)) bpLinenos.push(lineno);
  }

  /**
   * Set a new breakpoint for filename:lineno. If lineno doesn't exist for the
   * filename, return an error message. The filename should be in canonical
   * form.
   *
   * JS: also refused, when the file's code is loaded, is a line on which no
   * statement starts (no line event can happen there): the message is
   * `Line <file>:<n> holds no code` (not for breakpoints set by function
   * name, which sit on the function's first line).
   */
  setBreak(
    filename: string,
    lineno: number,
    temporary = false,
    cond: string | null = null,
    funcname: string | null = null,
  ): string | undefined {
    filename = this.canonic(filename);
    const line = getline(filename, lineno);
    if (!line) return `Line ${filename}:${lineno} does not exist`;
    if (!funcname && !filename.startsWith("<")) {
      const codes = this.codesOf(filename);
      if (codes.length > 0 && !codes.some((code) => code.lines.includes(lineno))) return `Line ${filename}:${lineno} holds no code`;
    }
    this.addToBreaks(filename, lineno);
    new Breakpoint(filename, lineno, temporary, cond, funcname);
    this.updateWatch();
    return undefined;
  }

  /**
   * Apply all breakpoints (set in other instances) to this one. Populates
   * this instance's breaks from the Breakpoint class's list, which can have
   * breakpoints set by another Bdb instance.
   */
  protected loadBreaks(): void {
    for (const list of Breakpoint.bplist.values()) {
      if (list.length > 0) this.addToBreaks(list[0].file, list[0].line);
    }
  }

  /**
   * Prune breakpoints for filename:lineno. If a breakpoint in this instance
   * no longer exists in the Breakpoint class, remove it here too.
   */
  protected pruneBreaks(filename: string, lineno: number): void {
    this.breaksChanged++;
    const lines = this.breaks.get(filename);
    if (lines === undefined) return;
    if (!Breakpoint.bplist.has(bpKey(filename, lineno))) {
      const i = lines.indexOf(lineno);
      if (i >= 0) lines.splice(i, 1);
    }
    if (lines.length === 0) this.breaks.delete(filename);
  }

  /** Delete breakpoints for filename:lineno. If none were set, return an error message. */
  clearBreak(filename: string, lineno: number): string | undefined {
    filename = this.canonic(filename);
    const lines = this.breaks.get(filename);
    if (lines === undefined) return `There are no breakpoints in ${filename}`;
    if (!lines.includes(lineno)) return `There is no breakpoint at ${filename}:${lineno}`;
    // If there's only one bp in the list for that file,line pair, then
    // remove the breaks entry
    for (const bp of [...(Breakpoint.bplist.get(bpKey(filename, lineno)) ?? [])]) bp.deleteMe();
    this.pruneBreaks(filename, lineno);
    this.updateWatch();
    return undefined;
  }

  /** Delete a breakpoint by its number. If arg is invalid, return an error message. */
  clearBpbynumber(arg: unknown): string | undefined {
    let bp: Breakpoint;
    try {
      bp = this.getBpbynumber(arg);
    } catch (err) {
      return (err as Error).message;
    }
    bp.deleteMe();
    this.pruneBreaks(bp.file, bp.line);
    this.updateWatch();
    return undefined;
  }

  /** Delete all breakpoints in filename. If none were set, return an error message. */
  clearAllFileBreaks(filename: string): string | undefined {
    filename = this.canonic(filename);
    const lines = this.breaks.get(filename);
    if (lines === undefined) return `There are no breakpoints in ${filename}`;
    for (const line of lines) {
      for (const bp of [...(Breakpoint.bplist.get(bpKey(filename, line)) ?? [])]) bp.deleteMe();
    }
    this.breaks.delete(filename);
    this.breaksChanged++;
    this.updateWatch();
    return undefined;
  }

  /** Delete all existing breakpoints. If none were set, return an error message. */
  clearAllBreaks(): string | undefined {
    if (this.breaks.size === 0) return "There are no breakpoints";
    for (const bp of [...Breakpoint.bpbynumber]) if (bp) bp.deleteMe();
    this.breaks = new SafeMap();
    this.breaksChanged++;
    this.updateWatch();
    return undefined;
  }

  /**
   * Return a breakpoint by its number in Breakpoint.bpbynumber. For invalid
   * arg values or if the breakpoint doesn't exist, throw an Error (Python's
   * ValueError) with bdb's messages. Like Python's `int()`, a string may have
   * surrounding blanks, a sign and `_` separators; negative numbers count
   * from the end as Python's list indexing does.
   */
  getBpbynumber(arg: unknown): Breakpoint {
    if (!arg) throw new Error("Breakpoint number expected");
    let number: number;
    if (typeof arg === "number" && Number.isInteger(arg)) number = arg;
    else if (typeof arg === "string" && /^\s*[+-]?\d+(_\d+)*\s*$/.test(arg)) number = Number.parseInt(arg.replace(/_/g, ""), 10);
    else throw new Error(`Non-numeric breakpoint number ${String(arg)}`);
    const list = Breakpoint.bpbynumber;
    const index = number < 0 ? list.length + number : number;
    if (index < 0 || index >= list.length) throw new Error(`Breakpoint number ${number} out of range`);
    const bp = list[index];
    if (bp === null) throw new Error(`Breakpoint ${number} already deleted`);
    return bp;
  }

  /** Return true if there is a breakpoint for filename:lineno. */
  getBreak(filename: string, lineno: number): boolean {
    filename = this.canonic(filename);
    return this.breaks.get(filename)?.includes(lineno) ?? false;
  }

  /** Return all breakpoints for filename:lineno (an empty list when none). */
  getBreaks(filename: string, lineno: number): Breakpoint[] {
    filename = this.canonic(filename);
    if (!this.breaks.get(filename)?.includes(lineno)) return [];
    return Breakpoint.bplist.get(bpKey(filename, lineno)) ?? [];
  }

  /** Return all lines with breakpoints for filename (an empty list when none). */
  getFileBreaks(filename: string): number[] {
    filename = this.canonic(filename);
    return this.breaks.get(filename) ?? [];
  }

  /** Return all breakpoints that are set. */
  getAllBreaks(): Map<string, number[]> {
    return this.breaks;
  }

  // Derived classes and clients can call the following method to get a data
  // structure representing a stack trace.

  /**
   * Return a list of [frame, lineno] in a stack trace and a size. List starts
   * with original calling frame, if there is one. Size may be number of
   * frames above or below f.
   */
  getStack(f: Frame | null, t: Traceback | null): [[Frame, number][], number] {
    // JS: list() and index loops, not push/reverse: a stop runs while the
    // program's Array.prototype is in place (see runtime/primordials.ts).
    const newestFirst = list<[Frame, number]>();
    if (t && t.frame === f) t = t.next;
    while (f !== null) {
      append(newestFirst, [f, f.lineno]);
      if (f === this.botframe) break;
      f = f.back;
    }
    const stack = list<[Frame, number]>();
    for (let k = newestFirst.length - 1; k >= 0; k--) append(stack, newestFirst[k]);
    // JS: when the botframe stands for plain code (BOTTOM), the end of the
    // chain is where Python would have met the botframe.
    const metBotframe = f !== null || (this.botframe === BOTTOM && stack.length > 0);
    let i = MathMax(0, stack.length - 1);
    while (t !== null) {
      append(stack, [t.frame, t.lineno]);
      t = t.next;
    }
    if (!metBotframe) i = MathMax(0, stack.length - 1);
    return [asArray(stack), i];
  }

  /**
   * Return a string with information about a stack entry: the canonical
   * filename, the line, the function name, the return value (a short
   * `util.inspect`, Python's reprlib.repr) and the line of code.
   */
  formatStackEntry(frameLineno: [Frame, number | null | undefined], lprefix = ": "): string {
    const [frame, lineno] = frameLineno;
    const filename = this.canonic(frame.code.filename);
    let s = `${filename}(${lineno ?? "None"})`;
    s += frame.code.name || "<lambda>";
    s += "()";
    const locals = frame.locals;
    if (locals !== null && typeof locals === "object" && "__return__" in locals) {
      s += "->";
      s += this.reprReturn(locals.__return__);
    }
    if (lineno !== null && lineno !== undefined) {
      const line = getline(filename, lineno);
      if (line) s += lprefix + line.trim();
    } else {
      s += `${lprefix}Warning: lineno is None`;
    }
    return s;
  }

  /**
   * JS: the return value as formatStackEntry shows it (Python's `reprlib.repr`): a short
   * `util.inspect`. A subclass may run it otherwise (the `tsdb` command: with the program's
   * built-ins, as the program's `inspect` methods expect).
   */
  protected reprReturn(value: unknown): string {
    return inspect(value, { depth: 1, maxArrayLength: 6, maxStringLength: 30, breakLength: Infinity });
  }

  // The following methods can be called by clients to use a debugger to
  // debug a statement or an expression, given as a string.

  /**
   * Debug a statement (a script) executed with `globals`/`locals` properties
   * visible as variables. globals defaults to globalThis (Python's
   * `__main__.__dict__`); locals defaults to globals. The source is
   * instrumented as `<string>`; assignments to undeclared names and `var`s
   * go to `locals`, as exec() does.
   */
  run(cmd: string, globals?: object | null, locals?: object | null): void {
    globals ??= globalThis;
    locals ??= globals;
    this.reset();
    const code = compileString(cmd, "exec");
    settrace(this.traceDispatch);
    this.running++;
    this.installDebuggerHook();
    try {
      code(globals, locals);
    } catch (error) {
      if (!(error instanceof BdbQuit)) throw error;
    } finally {
      this.finish();
    }
  }

  /** Debug an expression; return its value (undefined when quitting). */
  runeval(expr: string, globals?: object | null, locals?: object | null): unknown {
    globals ??= globalThis;
    locals ??= globals;
    this.reset();
    const code = compileString(expr, "eval");
    settrace(this.traceDispatch);
    this.running++;
    this.installDebuggerHook();
    try {
      return code(globals, locals);
    } catch (error) {
      if (!(error instanceof BdbQuit)) throw error;
      return undefined;
    } finally {
      this.finish();
    }
  }

  /** For backwards-compatibility. Defers to run(). */
  runctx(cmd: string, globals?: object | null, locals?: object | null): void {
    // B/W compatibility
    this.run(cmd, globals, locals);
  }

  /**
   * Debug a single function call; return the result of the function call.
   * JS: when the result is a promise (an async function), tracing goes on
   * until it settles and the promise of its value is returned (a BdbQuit
   * rejection becomes undefined), so that stepping over `await` works.
   */
  runcall<A extends unknown[], R>(func: (...args: A) => R, ...args: A): R | undefined {
    this.reset();
    settrace(this.traceDispatch);
    this.running++;
    this.installDebuggerHook();
    let res: R | undefined;
    let pending = false;
    try {
      res = func(...args);
      if (isThenable(res)) {
        pending = true;
        return Promise.resolve(res).then(
          (value) => {
            this.finish();
            return value;
          },
          (error: unknown) => {
            this.finish();
            if (error instanceof BdbQuit) return undefined;
            throw error;
          },
        ) as R;
      }
    } catch (error) {
      if (!(error instanceof BdbQuit)) throw error;
    } finally {
      if (!pending) this.finish();
    }
    return res;
  }

  // ------------------------------------------------------------------
  // JS only: what Python gets from the interpreter.

  /** End of run/runeval/runcall (Python's `finally` clause). */
  private finish(): void {
    this.running = MathMax(0, this.running - 1);
    this.quitting = true;
    this.quitRaised = false;
    this.watch.off();
    settrace(null);
    releaseDebuggerStatements(this);
  }

  /**
   * `debugger;` in instrumented code means setTrace() on this debugger while
   * it runs: inside run/runeval/runcall (even after a setContinue() that
   * removed the trace function), or while its trace function is installed
   * (after setTrace()).
   */
  private installDebuggerHook(): void {
    claimDebuggerStatements(this, (frame) => this.debuggerStatement(frame));
  }

  /** What a `debugger;` statement does while this debugger owns them (subclasses may widen it). */
  protected debuggerStatement(frame: Frame): void {
    if (!this.quitting && (this.running > 0 || gettrace() === this.traceDispatch)) this.setTrace(frame);
  }

  /**
   * The BdbQuit to throw from a dispatch method. Python's BdbQuit unwinds the
   * program unless user code catches it. tsdb makes it end the run even
   * through user `catch` blocks (while `finally` blocks run): every frame on
   * the stack is traced, and the `exception` event that each `catch` reports
   * before its code runs throws a new BdbQuit (dispatchWhileQuitting).
   *
   * The runtime removes a trace function that throws (sys.settrace's rule),
   * except for errors of the class given to `setunwinderror`: BdbQuit keeps
   * this trace function installed for those events.
   */
  protected raiseQuit(frame: Frame): BdbQuit {
    this.quitRaised = true;
    this.watch.off();
    for (let f: Frame | null = frame; f !== null; f = f.back) if (!f.trace) f.trace = this.traceDispatch;
    // setQuit() removed the trace function (sys.settrace(None)); Python's frames keep calling their
    // f_trace anyway, tsdb's runtime dispatches only while one is installed: put it back.
    if (gettrace() === null) settrace(this.traceDispatch);
    setunwinderror(BdbQuit);
    return new BdbQuit();
  }

  /**
   * Python: `if self.quitting: return # None`. JS: while a BdbQuit unwinds
   * the program, new frames are traced too, and an `exception` event of a
   * BdbQuit (a `catch` about to run) throws a fresh BdbQuit from there.
   */
  protected dispatchWhileQuitting(frame: Frame, event: TraceEvent, arg: unknown): TraceFunction | undefined {
    if (!this.quitRaised) return undefined;
    if (event === "exception" && (arg as ExcInfo)[1] instanceof BdbQuit) throw this.raiseQuit(frame);
    if (event === "call") return this.traceDispatch;
    return undefined;
  }

  /** The Codes of the loaded instrumented files named `filename` (canonical). */
  protected codesOf(filename: string): Code[] {
    return loadedcodes().filter((code) => this.canonic(code.filename) === filename);
  }

  /** JS: narrows the events dispatched (bdb/watch.ts); called wherever the state it depends on changes. */
  protected updateWatch(): void {
    this.watch.update(this);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/** Start debugging with a Bdb instance from the caller's frame. */
export function setTrace(): void {
  new Bdb().setTrace();
}
