/**
 * `sys.settrace` for instrumented JavaScript: the trace function, the events
 * generated code reports, and the flags that let generated code skip the
 * runtime when no event could be dispatched.
 *
 * Hot-path contract with the compiler (see compiler/emit.ts):
 *   entry   `d = enter(id, site);` (`++state.sp; slots[d] = id; lines[d] = site`), `vs = values[d] || vals(d);` stores;
 *           then `if (key.c && call(d)) reload;`
 *   line    `lines[d] = site;`  then `key.l && line(d) && (reload);` (`line` tests the file's line table)
 *           (a statement that can observe nothing: `key.l && lineAt(d, site) && (reload);`)
 *   exit    `if (key.r && slots[d] < 0) leave(d, value); else state.sp = d - 1;` then clear vs
 *   catch   `exception(d, error, leaving)` (synchronous functions have no handler: the catch that
 *           stops an exception reports the frames above it first)
 * Generators, async functions and modules with top-level await use
 * `gen`/`push`/`suspend`/`leave` instead, since they leave and re-enter the stack.
 */
import * as codeModule from "./code.js";
import * as contract from "../contract/index.js";
import { type Code, type Key, type ModuleAccessor, SourceFile } from "./code.js";
import type { TablesBeside } from "../contract/index.js";
import { codeTable, scopeTables, type TableText } from "./tables.js";
import { adoptMap } from "./late-map.js";
import * as frameModule from "./frame.js";
import type { Frame, TraceFunction } from "./frame.js";
import {
  append,
  apply,
  asArray,
  fillBytes,
  isArray,
  list,
  MathMax,
  ObjectIs,
  SafeSet,
  SafeWeakMap,
  SafeWeakRef,
  safeQueueMicrotask,
} from "./primordials.js";
import * as stack from "./stack.js";

// Local bindings for what the event functions use on every call: the CommonJS build reads an
// import through a getter at each use.
const { FRAME, codes, flat, frames, interrupts, lines, slots, state, values } = stack;
const { LINE_PENDING, LINE_TRACED, SITE_LINE_MASK, VALUE_STRIDE_BITS } = contract; // line table bits, site ids, value layout
const { callerAt, Frame: FrameClass, materialize } = frameModule;
const { codeAt, keyOf, markLeaves } = codeModule;

export interface Traceback {
  frame: Frame;
  lineno: number;
  next: Traceback | null;
}

/**
 * What a trace function may promise about the events it acts on (the way
 * Python 3.12's `sys.monitoring` lets a tool choose events per code object).
 * `calls(code)` false: a `call` event for this code would return null and do
 * nothing else. `lines(code)`: the lines whose `line` events could do something
 * (true: all, false: none). Events outside these are not dispatched.
 */
export interface Watch {
  /** Absent: every code's (so are `lines`). */
  calls?(code: Code): boolean;
  lines?(code: Code): Iterable<number> | boolean;
  /**
   * Optional, asked at each `return` event (a return or a suspension) before it is dispatched:
   * true when the frame's local trace function `trace` would do nothing with it now but return
   * itself (or nothing), so that the event need not be dispatched.
   */
  quietReturn?(frame: Frame, trace: TraceFunction): boolean;
  /**
   * Optional, asked at each `call` event before it is dispatched to the global trace function
   * `trace`: false to dispatch it; otherwise the trace function the event would return (null: none)
   * when dispatching it would do nothing else, so that it need not be dispatched.
   */
  quietCall?(frame: Frame, trace: TraceFunction): TraceFunction | null | false;
}

let globalTrace: TraceFunction | null = null;
let watch: Watch | null = null;
/** `watch` when it has `quietReturn`, else null (read at every return of a traced frame). */
let quietWatch: Watch | null = null;
/** `watch` when it has `quietCall`, else null (read at every call event). */
let quietCalls: Watch | null = null;
/** Frames with a value written that their next site copies into the variable (see `Frame.assign`). */
const pending = new SafeSet<Frame>();
/** True while a trace function runs: events of code it calls are not reported (as in CPython). */
let inTrace = false;
/** Instrumented files, held weakly (see `codes` in stack.ts); dead ones are dropped as the list grows. */
let files: WeakRef<SourceFile>[] = list();
let pruneAt = 64;

/**
 * Two copies of tsdb's runtime in one process (two installs: a debugger from one, instrumented
 * code importing the other) never see each other's events. Each copy signs in on a global list;
 * the second one says so, naming both.
 */
function signIn(): void {
  const key = Symbol.for("tsdb.runtime.copies");
  const g = globalThis as Record<symbol, string[] | undefined>;
  const copies = g[key] ?? (g[key] = []);
  copies.push(__filename);
  if (copies.length === 2) {
    process.emitWarning(
      `two copies of tsdb's runtime are loaded (${copies[0]} and ${copies[1]}): code instrumented for one reports its events only to a debugger using the same copy. Install tsdb once (npm dedupe), or instrument with --runtime naming the debugger's copy.`,
      { type: "TsdbWarning", code: "TSDB_TWO_RUNTIMES" },
    );
  }
}
signIn();

// ---------------------------------------------------------------- public API

/** Installs the global trace function (null removes it), as `sys.settrace`. */
export function settrace(fn: TraceFunction | null): void {
  globalTrace = fn;
  watch = null;
  quietWatch = null;
  quietCalls = null;
  refresh();
}

/** The global trace function, as `sys.gettrace`. */
export function gettrace(): TraceFunction | null {
  return globalTrace;
}

/** Narrows the events dispatched to the current trace function (null: all of them). Reset by `settrace`. */
export function setwatch(w: Watch | null): void {
  // The flags change only when the old or the new watch narrows the events.
  const flagsChange = narrows(watch) || narrows(w);
  watch = w;
  quietWatch = w?.quietReturn !== undefined ? w : null;
  quietCalls = w?.quietCall !== undefined ? w : null;
  if (flagsChange) refresh();
}

function narrows(w: Watch | null): boolean {
  return w !== null && (w.calls !== undefined || w.lines !== undefined);
}

/**
 * Kept for programs written against earlier versions: does nothing. Every frame's locals are
 * always current (compiler/frame-values.ts), nothing needs capturing.
 */
export function setcapture(_on: boolean): void {}

/** The frame of the instrumented code that called this (`depth` frames further back), or null. */
export function getframe(depth = 0): Frame | null {
  const d = state.sp - depth;
  return d >= 1 ? materialize(d) : null;
}

/** The traceback recorded for a thrown value while tracing was on, or null. */
export function gettraceback(error: unknown): Traceback | null {
  return tracebackOf(error);
}

/**
 * Calls `fn(...args)` with events dispatched even when called from a trace
 * function (Python's `sys.call_tracing`): how a debugger runs a recursive
 * debugger on code it evaluates while stopped.
 */
export function calltracing<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
  const saved = inTrace;
  inTrace = false;
  try {
    return fn(...args);
  } finally {
    inTrace = saved;
  }
}

let debuggerHook: ((frame: Frame) => void) | null = null;
let interruptHandler: ((frame: Frame | null) => void) | null = null;

// biome-ignore lint/suspicious/noExplicitAny: an error class, whatever its constructor's parameters
let unwindError: (abstract new (...args: any[]) => Error) | null = null;

/**
 * Errors of class `cls` thrown by a trace function do not remove it (the rule for any other error,
 * as sys.settrace's): a debugger that ends the program by throwing (Bdb's BdbQuit) keeps receiving
 * the `exception` event each `catch` block reports before it runs, and can throw again from there,
 * so that user code cannot swallow the end of a session. null: no such class.
 */
// biome-ignore lint/suspicious/noExplicitAny: see unwindError
export function setunwinderror(cls: (abstract new (...args: any[]) => Error) | null): void {
  unwindError = cls;
}

/** What a `debugger;` statement in instrumented code does (null: nothing). */
export function setdebuggerhook(hook: ((frame: Frame) => void) | null): void {
  debuggerHook = hook;
}

/** Files instrumented so far in this process (those still alive). */
export function loadedfiles(): readonly SourceFile[] {
  return asArray(alive());
}

/** `loadedfiles()` as a `list()` (primordials.ts), for the runtime's own loops. */
function alive(): SourceFile[] {
  const out = list<SourceFile>();
  for (let i = 0; i < files.length; i++) {
    const file = files[i].deref();
    if (file !== undefined) append(out, file);
  }
  return out;
}

/** The code of every function and module top level instrumented so far in this process (still alive), in load order. */
export function loadedcodes(): Code[] {
  const all = alive();
  const out = list<Code>();
  for (let i = 0; i < all.length; i++) for (let j = 0; j < all[i].codes.length; j++) append(out, all[i].codes[j]);
  return asArray(out);
}

/**
 * What an interrupt request does: `fn(frame)` with the frame running when it reaches instrumented
 * code (a debugger calls its `setTrace(frame)`: the program stops at the next line it runs), or
 * `fn(null)` when the program's owner takes it between events (`takeinterrupt`). The handler runs
 * as a trace function does: events of the code it calls are not reported. Null: requests stay pending.
 */
export function setinterrupthandler(fn: ((frame: Frame | null) => void) | null): void {
  interruptHandler = fn;
}

/**
 * The interrupt request flag, in shared memory: `Atomics.store(new Int32Array(buffer), 0, 1)`
 * from any thread asks the program to stop; whoever takes the request clears it: running
 * instrumented code (at a loop head or a function entry), or `takeinterrupt()` between events.
 */
export function interruptbuffer(): SharedArrayBuffer {
  return interrupts.buffer as SharedArrayBuffer;
}

/** Called between events (no instrumented code running): takes a pending request and runs the handler with no frame. */
export function takeinterrupt(): boolean {
  if (interruptHandler === null || inTrace || Atomics.exchange(interrupts, 0, 0) === 0) return false;
  runInterruptHandler(null);
  return true;
}

function runInterruptHandler(frame: Frame | null): void {
  inTrace = true;
  try {
    interruptHandler!(frame);
  } finally {
    inTrace = false;
  }
}

// ------------------------------------------------------------------ flags

function refresh(): void {
  const all = alive();
  for (let i = 0; i < all.length; i++) refreshFile(all[i]);
}

function refreshFile(file: SourceFile): void {
  const table = file.lineFlags;
  fillBytes(table, 0);
  const on = globalTrace !== null || watch !== null;
  const codes = file.codes;
  for (let c = 0; c < codes.length; c++) {
    const code = codes[c];
    let any = 0;
    const markOne = (n: number, bit: number) => {
      if (n < table.length) table[n] |= bit;
      any = 1;
    };
    const mark = (lines: Iterable<number>, bit: number) => {
      // The code's own line list is an array; a `Watch` may answer any iterable.
      if (isArray(lines)) for (let i = 0; i < lines.length; i++) markOne(lines[i], bit);
      else for (const n of lines) markOne(n, bit);
    };
    // A frame with a pending write: every site of its code calls in, until one copies it.
    pending.forEach((frame) => {
      if (frame.code === code) mark(code.lines, LINE_PENDING);
    });
    if (!on) {
      setFlags(code, 0, any);
      continue;
    }
    const wantCalls = watch?.calls === undefined || watch.calls(code);
    let traced: Iterable<number> | boolean = watch?.lines === undefined ? true : watch.lines(code);
    if (traced === true) traced = code.lines;
    if (traced !== false) mark(traced, LINE_TRACED);
    setFlags(code, wantCalls ? 1 : 0, any);
  }
}

frameModule.setWriteHook((frame) => {
  if (frame._written) pending.add(frame);
  else if (!pending.delete(frame)) return;
  refreshFile(frame.code.file);
});

/** Writes a flag only when it changes: a write V8 can see as a change deoptimizes code that tests it. */
function setFlags(code: Code, c: number, l: number): void {
  code._calls = c;
  const key = keyOf(code);
  if (key === undefined) return; // none of its functions can run any more
  if (key.c !== c) key.c = c;
  if (key.l !== l) key.l = l;
  if (c === 1) markLeaves(code);
}

// ------------------------------------------------------- called by generated code

/** Registers an instrumented file when its code starts running; returns what its header needs. */
export function file(
  filename: string,
  module: string,
  count: number,
  maxLine: number,
  /** 0: in the file `tables` names (contract TablesBeside) */
  codes: TableText | 0,
  tables: TableText | TablesBeside = "",
  names: string[] = [],
  writable = 0,
  access: ModuleAccessor | null = null,
): SourceFile {
  const f = new SourceFile(filename, module, count, maxLine, codeTable(codes, tables), scopeTables(tables), names, writable, access);
  // Tables beside the code: a load hook's entry, whose source map is read when first asked (contract LATE_MAP_FIELD).
  if (isArray(tables)) adoptMap(filename);
  append(files, new SafeWeakRef(f));
  if (files.length >= pruneAt) {
    const kept = list<WeakRef<SourceFile>>();
    for (let i = 0; i < files.length; i++) if (files[i].deref() !== undefined) append(kept, files[i]);
    files = kept;
    pruneAt = MathMax(64, files.length * 2);
  }
  if (globalTrace !== null || watch !== null) refreshFile(f);
  return f;
}

function dispatch(
  frame: Frame,
  trace: TraceFunction,
  event: "call" | "line" | "return" | "exception",
  arg: unknown,
): TraceFunction | null | undefined | void {
  inTrace = true;
  try {
    return trace(frame, event, arg);
  } catch (error) {
    // sys.settrace's rule: a trace function that raises is removed. An error of the class given to
    // setunwinderror keeps it, so the `exception` events that catch blocks report reach it.
    if (unwindError === null || !(error instanceof unwindError)) {
      settrace(null);
      frame.trace = null;
    }
    throw error;
  } finally {
    inTrace = false;
  }
}

function callEvent(frame: Frame): void {
  const trace = globalTrace;
  if (trace === null || inTrace) return;
  if (quietCalls !== null) {
    const quiet = quietCalls.quietCall!(frame, trace);
    if (quiet !== false) {
      frame.trace = quiet;
      return;
    }
  }
  frame.trace = dispatch(frame, trace, "call", undefined) ?? null;
}

/**
 * Entry of a synchronous activation (emit.ts `prologue`): onto the stack, its slot holding its
 * code's id, its line the site its body begins with (or its entry site); returns its depth.
 * A function of its own rather than the stores inline: code that always throws (a recursive
 * descent that fails) never returns, so V8 never gives it a feedback vector and runs it in the
 * interpreter without one, where a store into the `Int32Array` is a call into V8's runtime; this
 * function does return, is optimized, and stores at full speed. Optimized callers inline it
 * (bench/FINDINGS.md §32). Given the Key's id, not the Key: every Key has a hidden class of its own
 * (code.ts), so `key.id` read here would be a megamorphic load in every caller.
 */
export function enter(id: number, site: number): number {
  const d = ++state.sp;
  slots[d] = id;
  lines[d] = site;
  return d;
}

/**
 * `call` event of the activation at depth d, at its entry site, then the interrupt request if one
 * is pending (generated code calls in when its Key's `c` is set or the request flag is: the one
 * test for both); true when values were written (the site copies them into the variables).
 * `lines[d]` holds its body's first site (see `enter`): put back once both are done.
 */
export function call(d: number, site: number): boolean {
  return callAt(d, site, false);
}

/**
 * `call` at an entry whose reload copies only what the code reads before the body's first site
 * (often nothing: its reload is gone): a write stays pending for that site, which copies it.
 */
export function callPart(d: number, site: number): boolean {
  return callAt(d, site, true);
}

function callAt(d: number, site: number, keep: boolean): boolean {
  const interrupt = interrupts[0] !== 0;
  // Called for the request alone: the event only where the code's `call` events are wanted (`_calls`
  // is its Key's `c`; the slot holds the code's id, or FRAME when a frame of it was made already).
  const event = globalTrace !== null && !inTrace && (!interrupt || (slots[d] === FRAME ? frames[d]!.code : codeAt(slots[d])!)._calls !== 0);
  if (!event && !interrupt) return false;
  const first = lines[d];
  lines[d] = site;
  if (event) callEvent(materialize(d));
  if (interrupt) interrupted(d);
  lines[d] = first;
  return slots[d] === FRAME && frames[d]!.takeWrites(site, keep);
}

/**
 * `line` event at depth d; `lines[d]` already holds the site. True when values were written.
 * Called by every statement of a code whose Key has `l` (some line of it may dispatch): the site's
 * own line's entry in the file's line table says whether this one does. Only a frame that was made
 * can have a trace function or a written value.
 */
export function line(d: number): boolean {
  return lineIn(d, false);
}

/**
 * `line` at a site whose reload copies only what the code reads before the next site (emit.ts
 * `completeSite`): a write stays pending for that site, which copies the rest.
 */
export function linePart(d: number): boolean {
  return lineIn(d, true);
}

function lineIn(d: number, keep: boolean): boolean {
  if (slots[d] !== FRAME) return false;
  const frame = frames[d]!;
  return frame.code.file.lineFlags[lines[d] & SITE_LINE_MASK] !== 0 && lineEvent(frame, d, keep);
}

/**
 * `line` event of a statement whose site the fast path does not store (it can observe nothing):
 * stored only when its line's entry is set, as when the site tested the table itself.
 */
export function lineAt(d: number, site: number): boolean {
  return lineAtIn(d, site, false);
}

/** `lineAt` at a site whose reload copies only part of a write (see `linePart`). */
export function lineAtPart(d: number, site: number): boolean {
  return lineAtIn(d, site, true);
}

function lineAtIn(d: number, site: number, keep: boolean): boolean {
  const slot = slots[d];
  const frame = slot === FRAME ? frames[d]! : null;
  if ((frame !== null ? frame.code.file : fileOf(slot)).lineFlags[site & SITE_LINE_MASK] === 0) return false;
  lines[d] = site;
  return frame !== null && lineEvent(frame, d, keep);
}

/** The file of the code whose id a slot holds, without making its Code (code.ts `codes`). */
function fileOf(id: number): SourceFile {
  const entry = codes[id]!;
  return entry instanceof SourceFile ? entry : entry.file;
}

/** A `line` event on a line whose entry is set: dispatched when the frame is traced; true when values were written. */
function lineEvent(frame: Frame, d: number, keep: boolean): boolean {
  const trace = frame.trace;
  if (trace !== null && globalTrace !== null && !inTrace) {
    const next = dispatch(frame, trace, "line", undefined);
    if (next != null && next !== trace) frame.trace = next;
  }
  return frame.takeWrites(lines[d], keep);
}

/**
 * `$r = unnamed(value)`: a value tsdb keeps under a name of its own (what a function returns),
 * handed back as it is. Being a call, it gives no function in the value that name: neither
 * JavaScript's (`$r = () => {}` would make a function named "$r") nor V8's inferred one, which
 * stack traces and profiles show (`$r = [() => {}]`).
 */
export function unnamed<V>(value: V): V {
  return value;
}

/**
 * Do these values make a plain loop's copy exact: primitives on which its operators call no code
 * and cannot throw (not objects, functions, symbols or BigInts)?
 */
export function prim(...values: unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const type = typeof v;
    if (v !== null && type !== "number" && type !== "string" && type !== "boolean" && type !== "undefined") return false;
  }
  return true;
}

/** `values.fill(undefined, 0, size)` without `Array.prototype` (primordials.ts): a returned activation's values. */
export function clear(values: unknown[], size: number): void {
  for (let i = 0; i < size; i++) values[i] = undefined;
}

/**
 * A materialized frame returns (or unwinds) at depth d: `return` event, then off the stack. (No
 * `value`: a function without a `return value`, which returns undefined.)
 */
export function leave(d: number, value?: unknown): void {
  // Frames above that an exception left and code outside tsdb's caught: gone without an event.
  if (state.sp > d) discard(d);
  const frame = frames[d]!;
  const trace = frame.trace;
  if (trace !== null && globalTrace !== null && !inTrace && (quietWatch === null || !quietWatch.quietReturn!(frame, trace))) {
    // No `finally` (measured: fewer instructions per return here, unlike in `dispatch`): the frame
    // leaves the stack on both paths.
    try {
      const next = dispatch(frame, trace, "return", frame._leavingExc ? undefined : value);
      if (next != null && next !== trace) frame.trace = next;
    } catch (error) {
      frame.freeze();
      state.sp = d - 1;
      throw error;
    }
  }
  frame.freeze();
  state.sp = d - 1;
}

// -------------------------------------------------------------- exceptions

const tracebacks = new SafeWeakMap<object, Traceback>();
let primitiveThrown: { value: unknown; tb: Traceback } | null = null;

function tracebackOf(error: unknown): Traceback | null {
  if ((typeof error === "object" && error !== null) || typeof error === "function") return tracebacks.get(error) ?? null;
  return primitiveThrown !== null && ObjectIs(primitiveThrown.value, error) ? primitiveThrown.tb : null;
}

function recordTraceback(error: unknown, tb: Traceback): void {
  if ((typeof error === "object" && error !== null) || typeof error === "function") tracebacks.set(error, tb);
  else primitiveThrown = { value: error, tb };
}

/**
 * An exception reached a catch of the activation at depth d (raised there or
 * propagated from a callee), before any of its catch/finally code runs.
 * `leaving`: it is about to leave the frame. Reported once per frame and
 * exception. Synchronous functions have no handler of their own (emit.ts
 * `wrapBody`), so the frames above d are those the exception left on its way
 * here: nothing of theirs ran since, and each is reported now, innermost first,
 * as it would have been when it left — `exception`, then `return`.
 */
export function exception(d: number, error: unknown, leaving: boolean): void {
  if (state.sp > d) unwound(d, error);
  state.sp = d;
  report(d, error, leaving);
}

/**
 * The catch of a synchronous function at depth d (emit.ts `wrapBody`): the exception leaves it.
 * Reports it (and the frames above it that the exception left), pops the frame, clears its values
 * and rethrows: thrown from here, V8 computes the throw's position in this small function rather
 * than in the (maybe large) instrumented one.
 */
export function raise(d: number, error: unknown): never {
  try {
    exception(d, error, true);
  } finally {
    if (slots[d] === FRAME) leave(d, undefined);
    else state.sp = d - 1;
    clearValues(d);
  }
  throw error;
}

/** The frames above depth d, left by `error`: their events (when traced), their values cleared. */
function unwound(d: number, error: unknown): void {
  for (let u = state.sp; u > d; u--) {
    // No trace function and no frame made: nothing to report (see `report`), values to clear.
    if (globalTrace === null && slots[u] !== FRAME) {
      clearValues(u);
      state.sp = u - 1;
      continue;
    }
    state.sp = u;
    // A trace function that throws (BdbQuit) still gets the frame's `return` event, as a finally would give it.
    try {
      report(u, error, true);
    } finally {
      try {
        if (slots[u] === FRAME) leave(u, undefined);
      } finally {
        clearValues(u);
        state.sp = u - 1;
      }
    }
  }
}

/**
 * Frames above depth d that are gone without their exception reaching instrumented code (code
 * outside tsdb caught it, or nobody did): frozen as they were, values cleared, no event.
 */
function discard(d: number): void {
  for (let u = state.sp; u > d; u--) {
    if (slots[u] === FRAME) {
      const frame = frames[u]!;
      if (frame._d === u) {
        frame._leavingExc = true;
        frame.freeze();
      }
    }
    clearValues(u);
  }
  state.sp = d;
}

/** What a returning synchronous activation's epilogue does to its values (emit.ts clearValues), for one that cannot. */
function clearValues(d: number): void {
  // Index loops: value arrays have no prototype (primordials.ts).
  for (let i = d << VALUE_STRIDE_BITS, end = (d + 1) << VALUE_STRIDE_BITS; i < end; i++) flat[i] = undefined;
  const own = values[d];
  if (own !== undefined) clear(own, own.length);
}

function report(d: number, error: unknown, leaving: boolean): void {
  if (globalTrace === null && slots[d] !== FRAME) return;
  const frame = materialize(d);
  if (leaving) frame._leavingExc = true;
  const seen = tracebackOf(error);
  if (seen !== null && seen.frame === frame) return;
  const tb: Traceback = { frame, lineno: lines[d] & SITE_LINE_MASK, next: seen };
  recordTraceback(error, tb);
  const trace = frame.trace;
  if (trace === null || globalTrace === null || inTrace) return;
  const type = error === null || error === undefined ? error : (Object(error) as { constructor: unknown }).constructor;
  const next = dispatch(frame, trace, "exception", [type, error, tb]);
  if (next != null) frame.trace = next;
}

// ----------------------------------------------- generators, async functions

/** The frame of a new generator/async activation: it keeps its identity across suspensions. */
export function gen(key: Key): Frame {
  const code = codeAt(key.id)!;
  markLeaves(code);
  const frame = new FrameClass(code);
  frame._own = true;
  frame._v = list();
  return frame;
}

/** The frame (re)enters the stack: first entry (`site`: the call site) or resume (0). Reports `call`; returns its depth. */
export function push(frame: Frame, site: number): number {
  const d = ++state.sp;
  if (site !== 0) frame._site = site;
  lines[d] = frame._site;
  frame.enter(d, callerAt(d));
  if (frame.code._calls !== 0) callEvent(frame);
  if (interrupts[0] !== 0) interrupted(d);
  return d;
}

/** The frame suspends at `yield` (the value is the `return` event's arg) or `await` (undefined). */
export function suspend<T>(frame: Frame, value: T, yielded: boolean): T {
  try {
    const trace = frame.trace;
    if (trace !== null && globalTrace !== null && !inTrace && (quietWatch === null || !quietWatch.quietReturn!(frame, trace))) {
      frame.suspending = true;
      const next = dispatch(frame, trace, "return", yielded ? value : undefined);
      if (next != null) frame.trace = next;
    }
  } finally {
    frame.suspending = false;
    state.sp = frame._d - 1;
    frame.freeze();
  }
  return value;
}

/**
 * Wraps the iterator of `for await` so the frame leaves the stack while each step is awaited, for an
 * async iterable and for a sync one alike (the engine then makes its async-from-sync iterator over
 * the wrapper). As the loop itself does: `next` is read once, when the loop starts; `return` only
 * when the loop is left early (through a getter, so that null means no method and a throwing getter
 * throws then).
 */
export function forAwait(iterable: unknown, frame: Frame): unknown {
  const source = iterable as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null | undefined;
  const asyncMethod = source?.[Symbol.asyncIterator];
  const method = asyncMethod ?? source?.[Symbol.iterator];
  // Not iterable: the loop throws its own TypeError.
  if (typeof method !== "function" || (asyncMethod != null && typeof asyncMethod !== "function")) return iterable;
  const inner = apply(method, iterable, list()) as { next: unknown; return?: unknown };
  if (inner === null || (typeof inner !== "object" && typeof inner !== "function"))
    throw new TypeError(`Result of the Symbol.${asyncMethod != null ? "asyncIterator" : "iterator"} method is not an object`);
  const next = inner.next;
  const leave = () => {
    if (frame._d !== 0) suspend(frame, undefined, false);
  };
  const wrapper = {
    next(...args: unknown[]): unknown {
      leave();
      return apply(next as (...a: unknown[]) => unknown, inner, args);
    },
    get return(): ((...args: unknown[]) => unknown) | undefined {
      const close = inner.return;
      if (close === undefined || close === null) return undefined;
      return (...args: unknown[]) => {
        leave();
        return apply(close as (...a: unknown[]) => unknown, inner, args);
      };
    },
  };
  return asyncMethod != null ? { [Symbol.asyncIterator]: () => wrapper } : { [Symbol.iterator]: () => wrapper };
}

let repairQueued = false;

/**
 * A module's top-level code has no try/finally of its own (imports, exports and
 * hoisted declarations must stay at the top level), so a module that throws
 * leaves its frame on the stack. Control only gets back to instrumented code
 * through a catch (which repairs the depth) or a new task, and microtasks run
 * on an empty stack: one queued when a module starts puts the depth back to 0.
 */
export function enterModule(): void {
  if (repairQueued) return;
  repairQueued = true;
  safeQueueMicrotask(() => {
    repairQueued = false;
    for (let d = state.sp; d >= 1; d--) {
      const frame = slots[d] === FRAME ? frames[d] : undefined;
      if (frame && frame._d !== 0) frame.freeze();
      const vs = values[d];
      if (vs !== undefined) clear(vs, vs.length);
    }
    clear(flat, flat.length);
    state.sp = 0;
  });
}

/**
 * Generated code found the interrupt flag set at depth d (a loop head; a function entry: `call`).
 * Returns true when the handler ran: a plain loop copy then goes on in its instrumented copy, so
 * that the stop it asked for can happen there.
 */
export function interrupted(d: number): boolean {
  if (interruptHandler === null || inTrace || Atomics.exchange(interrupts, 0, 0) === 0) return false;
  runInterruptHandler(materialize(d));
  return true;
}

/** The `debugger;` statement at depth d. */
export function debuggerStatement(d: number): void {
  if (debuggerHook !== null && !inTrace) debuggerHook(materialize(d));
}
