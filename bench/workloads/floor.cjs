// The least any debugger can do per call of fib to keep bdb.py's contract for a Bdb subclass that
// overrides userCall, with a breakpoint in fib's file that is never hit (the pdblike-same row):
// plain JavaScript, written by hand, no tsdb. bench/floor.mjs runs it beside plain fib and tsdb.
//
// What the contract asks for each call (bdb.py's dispatch_call, break_anywhere, user_call):
// - a frame of its own, distinct from every other call's (userCall may keep it), linked to its
//   caller (`back`), knowing its code, its current line and its argument (`locals`);
// - the `call` event dispatched: stopHere(frame) || breakAnywhere(frame), then userCall(frame),
//   which (as pdb's does) asks stopHere again;
// - at the return, a test that the debugger's state makes the `return` event a no-op (tsdb's
//   watch answers the same test: bdb/watch.ts quietReturn), and the frame taken off the stack.
// Nothing here is tsdb's; what tsdb adds beyond it is what bench/FINDINGS.md describes.
"use strict";

// (The lines are those of `fib` below: what its frames report.)
const FIB = { filename: __filename, firstlineno: 86, generator: false, hasBreaks: true };

class Frame {
  constructor(code, back, n) {
    this.trace = null;
    this.code = code;
    this.back = back;
    this.lineno = code.firstlineno;
    this.n = n;
    this.onStack = true;
  }
}

/** The Bdb state while continuing with a breakpoint set: stopframe is the botframe, stoplineno -1. */
class Debugger {
  constructor() {
    this.botframe = new Frame(FIB, null, 0);
    this.stopframe = this.botframe;
    this.returnframe = null;
    this.stoplineno = -1;
    this.quitting = false;
    this.stops = 0;
    this.traceDispatch = (frame, event) => (event === "call" ? this.dispatchCall(frame) : this.traceDispatch);
  }
  stopHere(frame) {
    if (frame === this.stopframe) return this.stoplineno !== -1 && frame.lineno >= this.stoplineno;
    return this.stopframe === null;
  }
  dispatchCall(frame) {
    if (!(this.stopHere(frame) || frame.code.hasBreaks)) return null;
    if (this.stopframe !== null && frame.code.generator) return this.traceDispatch;
    this.userCall(frame);
    if (this.quitting) throw new Error("quit");
    return this.traceDispatch;
  }
  /** The return event would do nothing now (the state tsdb's quietReturn tests). */
  quietReturn() {
    return !this.quitting && this.stopframe === this.botframe && this.stoplineno === -1 && this.returnframe === null;
  }
  userCall(_frame) {}
}

/** As the bench's pdb-like subclass: stops only where stopHere says. */
class PdbLike extends Debugger {
  userCall(frame) {
    if (!this.stopHere(frame)) return;
    this.stops++;
  }
}

const debug = new PdbLike();

/**
 * The floor: a frame per call, as the contract asks, and nothing more. The tightest hand-written
 * form measured (bench/FINDINGS.md): the frames by depth in one array (what getframe() walks; the
 * caller's frame is `frames[d - 1]`), the depth put back by a catch rather than a `finally`, a
 * frame of five fields (its trace function, code, caller, line and argument).
 */
class TightFrame {
  constructor(code, back, n) {
    this.trace = null;
    this.code = code;
    this.back = back;
    this.lineno = code.firstlineno;
    this.n = n;
  }
}
const frames = [null];
let depth = 0;

function fib(n) {
  const d = ++depth;
  const frame = new TightFrame(FIB, frames[d - 1], n);
  frames[d] = frame;
  frame.trace = debug.traceDispatch(frame, "call");
  let r;
  try {
    frame.lineno = 94;
    if (n < 2) r = n;
    else {
      frame.lineno = 97;
      r = fib(n - 1) + fib(n - 2);
    }
  } catch (error) {
    depth = d - 1;
    throw error;
  }
  if (frame.trace !== null && !debug.quietReturn()) frame.trace(frame, "return");
  depth = d - 1;
  return r;
}

let top = null; // the innermost frame

/** Session 7's floor: the innermost frame in a module variable, a try/finally, a six-field frame. */
function fibTop(n) {
  const frame = new Frame(FIB, top, n);
  top = frame;
  frame.trace = debug.traceDispatch(frame, "call");
  try {
    frame.lineno = 94;
    if (n < 2) return n;
    frame.lineno = 97;
    return fibTop(n - 1) + fibTop(n - 2);
  } finally {
    if (frame.trace !== null && !debug.quietReturn()) frame.trace(frame, "return");
    frame.onStack = false;
    top = frame.back;
  }
}

/** Not exact, for comparison: one frame object per depth, reused by every call at that depth. */
const depthFrames = [];
function fibReused(n) {
  const d = ++depth;
  let frame = depthFrames[d];
  if (frame === undefined) frame = depthFrames[d] = new Frame(FIB, depthFrames[d - 1] ?? null, n);
  frame.n = n;
  frame.onStack = true;
  frame.trace = debug.traceDispatch(frame, "call");
  try {
    frame.lineno = 94;
    if (n < 2) return n;
    frame.lineno = 97;
    return fibReused(n - 1) + fibReused(n - 2);
  } finally {
    if (frame.trace !== null && !debug.quietReturn()) frame.trace(frame, "return");
    frame.onStack = false;
    depth = d - 1;
  }
}

module.exports = { run: fib, top: fibTop, reused: fibReused };
