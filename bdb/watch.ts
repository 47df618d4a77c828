/**
 * The optimisation beside the port of bdb.py: it tells the runtime through `setwatch` which events
 * Bdb's dispatcher would do nothing with, so that they cost no dispatcher call.
 *
 * While a Bdb continues with breakpoints (stopframe is botframe, stoplineno -1), stopHere is false
 * for every frame, a `call` event does something only in a file with breakpoints, and a `line`
 * event only on a breakpoint line (or any line of a function with a breakpoint by function name):
 * the watch narrows the events to those. Used only when the class keeps Bdb's
 * stopHere/breakHere/breakAnywhere/traceDispatch/dispatch* (and, for the `call` events that Python
 * passes to userCall, Bdb's userCall). Every observable behaviour stays as if each event had been
 * dispatched.
 *
 * In any other state (stepping), every `line` event is dispatched; `return` events that
 * dispatchReturn would do nothing with are not (see `quietReturn`) when the class keeps Bdb's
 * userReturn (which does nothing), nor `call` events when it keeps Bdb's userCall (see
 * `quietCalls`): the every-line case, where calls and returns are half of the events.
 */
import { append, contains, getPrototypeOf, list } from "../runtime/primordials.js";
import type { Frame } from "../runtime/frame.js";
import { getframe, gettrace, setwatch, type Watch } from "../runtime/trace.js";
import { Bdb, isGeneratorOrCoroutine } from "./bdb.js";
import { Breakpoint, bpKey } from "./breakpoint.js";

export class BreakWatch {
  /** a watch is installed */
  private watching = false;
  /** the installed watch narrows `call` and `line` events (continuing), rather than only returns (stepping) */
  private narrowing = false;
  /** the frames that were on the stack when the watch was installed */
  private beforeWatch = new WeakSet<Frame>();
  /** what the installed watch was made from (see `key`): the same again changes nothing */
  private watchedKey = "";

  /** The watch is gone with the trace function (settrace, quitting, end of a run). */
  off(): void {
    this.watching = false;
  }

  /** Installs, remakes or removes the watch after `bdb`'s state changed. */
  update(bdb: Bdb): void {
    if (gettrace() !== bdb.traceDispatch) {
      this.watching = false;
      return;
    }
    const continuing =
      !bdb.quitting &&
      bdb.botframe !== null &&
      bdb.stopframe === bdb.botframe &&
      bdb.stoplineno === -1 &&
      bdb.returnframe === null &&
      bdb.breaks.size > 0;
    const narrow = continuing && watchable(bdb);
    if (!narrow && !(!bdb.quitting && watchable(bdb) && ownUserReturn(bdb))) {
      if (this.watching) {
        this.watching = false;
        if (this.narrowing) this.restoreTraces(bdb);
        setwatch(null);
      }
      return;
    }
    // A set* call at every stop (or every call) that leaves breakpoints and state as they were:
    // the installed watch is still right, and remaking it would refresh every code's flags.
    const key = narrow ? watchKey(bdb) : "stepping";
    if (this.watching && key === this.watchedKey) return;
    if (this.watching && this.narrowing) this.restoreTraces(bdb);
    if (narrow && !(this.watching && this.narrowing)) {
      this.beforeWatch = new WeakSet();
      for (let f = getframe(0); f !== null; f = f.back) this.beforeWatch.add(f);
    }
    this.watching = true;
    this.narrowing = narrow;
    this.watchedKey = key;
    setwatch(narrow ? makeWatch(bdb) : stepWatch(bdb));
  }

  /**
   * Frames entered while the watch was on and not traced were not passed to
   * dispatchCall (a frame that is, while continuing, gets the trace
   * function); Python would have traced those of files with breakpoints.
   * Give them the trace function when the watch changes or goes (from the
   * current frame to the botframe). A breakpoint set in a file that had none
   * when such a frame was entered makes it traced too, where Python would not.
   */
  private restoreTraces(bdb: Bdb): void {
    for (let f = getframe(0); f !== null && f !== bdb.botframe; f = f.back) {
      if (!f.trace && !this.beforeWatch.has(f) && bdb.breaks.has(bdb.canonic(f.code.filename))) f.trace = bdb.traceDispatch;
    }
  }
}

/** The instance's userReturn is Bdb's, which does nothing (looked up as dispatchReturn calls it). */
function ownUserReturn(bdb: Bdb): boolean {
  return bdb.userReturn === Bdb.prototype.userReturn;
}

/** Python passes every call in a file with breakpoints to userCall: a userCall of the subclass's wants them. */
function wantsEveryCall(bdb: Bdb): boolean {
  return bdb.userCall !== Bdb.prototype.userCall && !bdb.userCallOnlyWhenStopping;
}

/**
 * What `makeWatch` depends on, in O(1): the breakpoints (Bdb's lines per file; the Breakpoint
 * objects, made or deleted, for those by function name) and userCall's kind.
 */
function watchKey(bdb: Bdb): string {
  return `${bdb.breaksChanged}:${Breakpoint.next}:${Breakpoint.bplist.size}:${wantsEveryCall(bdb)}`;
}

/** The subclass keeps the methods the watch reasons about. */
function watchable(bdb: Bdb): boolean {
  const proto = Bdb.prototype;
  const own = getPrototypeOf(bdb) as Bdb;
  return (
    own.traceDispatch === proto.traceDispatch &&
    bdb.dispatchLine === proto.dispatchLine &&
    bdb.dispatchCall === proto.dispatchCall &&
    bdb.dispatchReturn === proto.dispatchReturn &&
    bdb.dispatchException === proto.dispatchException &&
    bdb.stopHere === proto.stopHere &&
    bdb.breakHere === proto.breakHere &&
    bdb.breakAnywhere === proto.breakAnywhere
  );
}

function makeWatch(bdb: Bdb): Watch {
  const breaks = bdb.breaks;
  const everyCall = wantsEveryCall(bdb);
  // Called by the runtime while the program runs: index loops only (runtime/primordials.ts).
  const funcnameAt = (file: string, line: number) => {
    const bps = Breakpoint.bplist.get(bpKey(file, line));
    if (bps !== undefined) for (let i = 0; i < bps.length; i++) if (bps[i].funcname) return true;
    return false;
  };
  return {
    calls: (code) => {
      const lines = breaks.get(bdb.canonic(code.filename));
      if (lines === undefined) return false;
      if (everyCall) return true;
      if (contains(lines, code.firstlineno)) return true;
      for (let i = 0; i < code.lines.length; i++) if (contains(lines, code.lines[i])) return true;
      return false;
    },
    lines: (code) => {
      const file = bdb.canonic(code.filename);
      const lines = breaks.get(file);
      if (lines === undefined) return false;
      if (contains(lines, code.firstlineno) && funcnameAt(file, code.firstlineno)) return true;
      const traced = list<number>();
      for (let i = 0; i < code.lines.length; i++) if (contains(lines, code.lines[i])) append(traced, code.lines[i]);
      return traced;
    },
    quietReturn: quietReturns(bdb),
  };
}

/** While stepping: every `line` event is dispatched (no `calls`, no `lines`: installing it refreshes no flags), quiet calls and returns are not. */
function stepWatch(bdb: Bdb): Watch {
  return { quietReturn: quietReturns(bdb), quietCall: quietCalls(bdb) };
}

/**
 * What Bdb's dispatchCall would return, when it would do nothing else: its userCall is Bdb's (which
 * does nothing) and this is not the first call since reset (that one sets the botframe).
 */
function quietCalls(bdb: Bdb): NonNullable<Watch["quietCall"]> {
  // Read once: imports are read through a getter at each use in the CommonJS build.
  const bdbUserCall = Bdb.prototype.userCall;
  const generatorOrCoroutine = isGeneratorOrCoroutine;
  return (frame, trace) => {
    // (Not with skip patterns: stopHere then runs minimatch, which could throw, and an error of a
    // trace function must go through the runtime's dispatch, which removes it.)
    if (trace !== bdb.traceDispatch || bdb.quitting || bdb.botframe === null || bdb.skip !== null || bdb.userCall !== bdbUserCall)
      return false;
    // dispatchCall's tests in its order; then userCall does nothing and quitting is as it was.
    if (bdb.stopHere(frame) || bdb.breakAnywhere(frame)) return bdb.traceDispatch;
    return frame === bdb.stopframe && frame !== bdb.botframe && generatorOrCoroutine(frame.code) ? bdb.traceDispatch : null;
  };
}

/**
 * Would Bdb's dispatchReturn do nothing with this `return` event but return traceDispatch? Tested
 * live at each return: a subclass may change the state without a set* call.
 */
function quietReturns(bdb: Bdb): NonNullable<Watch["quietReturn"]> {
  // Read once: `Bdb` is an import, which the CommonJS build reads through a getter at each use.
  const bdbUserReturn = Bdb.prototype.userReturn;
  return (frame, trace) =>
    trace === bdb.traceDispatch &&
    !bdb.quitting &&
    // Continuing: stopHere is false for every frame (the stopframe is the botframe, stoplineno -1)
    // and there is no returnframe, so userReturn is not called, whoever's it is.
    ((bdb.botframe !== null && bdb.stopframe === bdb.botframe && bdb.stoplineno === -1 && bdb.returnframe === null) ||
      (bdb.userReturn === bdbUserReturn && quietStep(bdb, frame)));
}

/**
 * dispatchReturn with Bdb's userReturn, which does nothing (`frameReturning` is only seen during
 * it): what is left acts only on the stopframe (a generator that finishes, a 'next' that ends)
 * and, unless stoplineno is -1, on a caller without a trace function (setCallerTracefunc).
 */
function quietStep(bdb: Bdb, frame: Frame): boolean {
  // (With skip patterns dispatchReturn runs minimatch in stopHere: see quietCalls.)
  if (frame === bdb.stopframe || bdb.skip !== null) return false;
  if (bdb.stoplineno === -1) return true;
  const back = frame.back;
  return back === null || back.trace !== null || back === bdb.botframe;
}
