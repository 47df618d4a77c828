/**
 * The optimisation beside the port of bdb.py: while a Bdb continues with
 * breakpoints, it tells the runtime through `setwatch` which codes and lines
 * could stop, so that frames it would not stop in cost no dispatcher call.
 *
 * Only while continuing (stopframe is botframe, stoplineno -1): then stopHere
 * is false for every frame, a `call` event does something only in a file with
 * breakpoints, and a `line` event only on a breakpoint line (or any line of a
 * function with a breakpoint by function name). Used only when the class keeps
 * Bdb's stopHere/breakHere/breakAnywhere/traceDispatch/dispatch* (and, for the
 * `call` events that Python passes to userCall, Bdb's userCall). Every
 * observable behaviour stays as if each event had been dispatched. A traced
 * frame's `return` event is not dispatched either while continuing (Bdb's
 * dispatchReturn then does nothing), even when userCall is the subclass's.
 */
import { append, contains, list } from "../runtime/primordials.js";
import type { Frame } from "../runtime/frame.js";
import { getframe, gettrace, setwatch, type Watch } from "../runtime/trace.js";
import { Bdb } from "./bdb.js";
import { Breakpoint, bpKey } from "./breakpoint.js";

export class BreakWatch {
  /** a watch narrowing the events is installed */
  private watching = false;
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
    if (!continuing || !watchable(bdb)) {
      if (this.watching) {
        this.watching = false;
        this.restoreTraces(bdb);
        setwatch(null);
      }
      return;
    }
    // A set* call at every stop (or every call) that leaves breakpoints and state as they were:
    // the installed watch is still right, and remaking it would refresh every code's flags.
    const key = watchKey(bdb);
    if (this.watching && key === this.watchedKey) return;
    if (this.watching) {
      this.restoreTraces(bdb);
    } else {
      this.watching = true;
      this.beforeWatch = new WeakSet();
      for (let f = getframe(0); f !== null; f = f.back) this.beforeWatch.add(f);
    }
    this.watchedKey = key;
    setwatch(makeWatch(bdb));
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
  const own = Object.getPrototypeOf(bdb) as Bdb;
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
    // dispatchReturn while continuing: stopHere is false for every frame (the stopframe is the
    // botframe, stoplineno -1) and there is no returnframe, so it only returns traceDispatch.
    // Tested live: a subclass may change the state without a set* call.
    quietReturn: (_frame, trace) =>
      trace === bdb.traceDispatch &&
      !bdb.quitting &&
      bdb.botframe !== null &&
      bdb.stopframe === bdb.botframe &&
      bdb.stoplineno === -1 &&
      bdb.returnframe === null,
  };
}
