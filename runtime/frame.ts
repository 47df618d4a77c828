/**
 * Frames, as Python's frame objects: made on demand from the shadow stack.
 *
 * Local variables are not reachable from outside a JavaScript function, so the
 * generated code hands the runtime a snapshot — an array of the current values
 * of the bindings in scope — whenever it dispatches an event (the names come
 * from the file's scope table). Reads of `frame.locals` and `frame.eval` see
 * that snapshot; writes go into it and the generated code copies the writable
 * values back into the real variables when the event returns, which is when
 * the program goes on (Python's own `f_locals` works the same way up to 3.12).
 */
import * as codeModule from "./code.js";
import type { ScopeRow } from "../contract/index.js";
import type { Code } from "./code.js";
import * as stack from "./stack.js";

// Local bindings: the CommonJS build reads an import through a getter at each use.
const { FRAME, codes, frames, lines, slots } = stack;
const { markLeaves } = codeModule;

export type TraceEvent = "call" | "line" | "return" | "exception";
export type TraceFunction = (frame: Frame, event: TraceEvent, arg: unknown) => TraceFunction | null | undefined | void;

/** Value of a binding that is in its temporal dead zone: the binding reads as absent. */
export const ABSENT: unique symbol = Symbol("tsdb.absent");

/** `(() => binding)` made safe for bindings that may be in their TDZ. */
export function tdz(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return ABSENT;
  }
}

const evaluator = new Function("$$tsdb$scope", "$$tsdb$expr", "with ($$tsdb$scope) { return eval($$tsdb$expr); }") as (
  this: unknown,
  scope: object,
  expr: string,
) => unknown;

export class Frame {
  /** Local trace function (`f_trace`). */
  trace: TraceFunction | null = null;
  /**
   * True during the `return` event of a generator or async frame that suspends (at `yield` or
   * `await`) rather than finishes. (Python tells these apart by the exception a finished
   * generator raises in its caller; JavaScript raises none.)
   */
  suspending = false;
  readonly code: Code;
  /** @internal depth while on the stack, 0 off it (generated code tests it when a generator or async function resumes) */ _d = 0;
  /** @internal line once the frame is off the stack */ _lineno: number;
  /** @internal set when the frame enters the stack */ _back: Frame | null = null;
  /** @internal the snapshot's names: the row of the file's scope table */ _scope = 0;
  /** @internal values of the snapshot */ _vals: unknown[] | null = null;
  /** @internal a writable snapshot value was assigned */ _written = false;
  /** @internal the exception leaving this frame (its `return` event then has no value) */ _leavingExc = false;
  private _locals: Record<string, unknown> | null = null;

  constructor(code: Code) {
    this.code = code;
    this._lineno = code.firstlineno;
  }

  /** The calling frame (`f_back`), or null. */
  get back(): Frame | null {
    return this._back;
  }

  /** Current line in the original source (`f_lineno`). */
  get lineno(): number {
    return this._d !== 0 ? lines[this._d] : this._lineno;
  }

  /** `globalThis` (`f_globals`). */
  get globals(): typeof globalThis {
    return globalThis;
  }

  /** Object view of the bindings in scope (`f_locals`). */
  get locals(): Record<string, unknown> {
    return (this._locals ??= new Proxy(Object.create(null) as Record<string, unknown>, localsHandler(this)));
  }

  /** Evaluates a JavaScript expression (or statements) as if written at the current line of this frame. */
  eval(expr: string): unknown {
    const thisValue = this.lookup("this");
    return evaluator.call(thisValue === ABSENT ? undefined : thisValue, scopeProxy(this), expr);
  }

  /** @internal the names of the snapshot's values. */
  private get names(): ScopeRow {
    return this.code.file.scopes[this._scope];
  }

  /** @internal index of a binding in the snapshot row, or -1 (also for a hidden name: see `hides`). */
  private indexOf(name: string): number {
    const names = this.names;
    if (this._vals === null) return -1;
    for (let i = 1; i <= this._vals.length; i++) if (names[i] === name) return i;
    return -1;
  }

  /**
   * @internal Is `name` the name of a binding in its TDZ at the current point, one that hides
   * bindings of the same name further out (module level, globals)? The row lists such names after
   * those of its values.
   */
  hides(name: string): boolean {
    const names = this.names;
    if (this._vals === null) return false;
    for (let i = this._vals.length + 1; i < names.length; i++) if (names[i] === name) return true;
    return false;
  }

  /** @internal value of a binding of the snapshot, ABSENT when not bound or in its TDZ. */
  lookup(name: string): unknown {
    const i = this.indexOf(name);
    return i < 0 ? ABSENT : this._vals![i - 1];
  }

  /** @internal assigns a binding of the snapshot; false when there is none. */
  assign(name: string, value: unknown): boolean {
    const i = this.indexOf(name);
    if (this._vals === null || i < 0) return false;
    if (i > this.names[0] || this._vals[i - 1] === ABSENT) throw new TypeError("Assignment to constant variable.");
    this._vals[i - 1] = value;
    this._written = true;
    return true;
  }

  /** @internal names of the snapshot that are bound now. */
  boundNames(): string[] {
    const names = this.names;
    const out: string[] = [];
    if (this._vals !== null) {
      for (let i = 1; i <= this._vals.length; i++) if (this._vals[i - 1] !== ABSENT) out.push(names[i] as string);
    }
    return out;
  }

  /** @internal stores the snapshot the generated code passed with an event (`scope`: its row in the scope table). */
  see(scope: number, vals: unknown[]): void {
    this._scope = scope;
    this._vals = vals;
    this._written = false;
  }

  /** @internal the values to write back after an event, or undefined. */
  takeWrites(): unknown[] | undefined {
    if (!this._written) return undefined;
    this._written = false;
    return this._vals ?? undefined;
  }

  /** @internal the frame comes off the stack (returns, or suspends at yield/await). */
  freeze(): void {
    this._lineno = lines[this._d];
    this._d = 0;
  }

  /** @internal the frame is the activation at depth d from now on, called by `back`. */
  enter(d: number, back: Frame | null): void {
    this._d = d;
    this._back = back;
    slots[d] = FRAME;
    frames[d] = this;
  }

  toString(): string {
    return `<frame at ${this.code.filename}, line ${this.lineno}, code ${this.code.name}>`;
  }
}

/**
 * The Frame of the activation at depth d, made now if it has none yet. Its callers get frames too,
 * so that `back` is a field (a debugger reads it at every return: bdb's `setCallerTracefunc`);
 * in a loop, not a recursion, so that a frame made deep in the stack costs no deep recursion.
 */
export function materialize(d: number): Frame {
  if (slots[d] === FRAME) return frames[d]!;
  let low = d;
  while (low > 1 && slots[low - 1] !== FRAME) low--;
  let frame = low > 1 ? frames[low - 1]! : null;
  for (let i = low; i <= d; i++) {
    const code = codes[slots[i]]!;
    const made: Frame = new Frame(code);
    markLeaves(code);
    made.enter(i, frame);
    frame = made;
  }
  return frame!;
}

/** The caller of an activation entering at depth d (see `materialize`). */
export function callerAt(d: number): Frame | null {
  return d > 1 ? materialize(d - 1) : null;
}

function localsHandler(frame: Frame): ProxyHandler<Record<string, unknown>> {
  /** keys the debugger added (they stay for the frame's life) */
  let added: Record<string, unknown> | null = null;
  const has = (name: string) => (added !== null && name in added) || frame.lookup(name) !== ABSENT;
  return {
    get(_target, name) {
      if (typeof name !== "string") return undefined;
      if (added !== null && name in added) return added[name];
      const value = frame.lookup(name);
      return value === ABSENT ? undefined : value;
    },
    set(_target, name, value) {
      if (typeof name !== "string") return false;
      if (!frame.assign(name, value)) (added ??= Object.create(null) as Record<string, unknown>)[name] = value;
      return true;
    },
    has(_target, name) {
      return typeof name === "string" && has(name);
    },
    deleteProperty(_target, name) {
      if (typeof name === "string" && added !== null) delete added[name];
      return true;
    },
    ownKeys() {
      const keys = frame.boundNames();
      if (added !== null) for (const k of Object.keys(added)) if (!keys.includes(k)) keys.push(k);
      return keys;
    },
    getOwnPropertyDescriptor(target, name) {
      if (typeof name !== "string" || !has(name)) return undefined;
      return { value: this.get!(target, name, undefined), writable: true, enumerable: true, configurable: true };
    },
  };
}

/** A module-level binding read through the file's accessor; ABSENT when there is none or it is in its TDZ. */
function moduleValue(frame: Frame, name: string): unknown {
  const file = frame.code.file;
  const access = file.access;
  if (access === null || !file.moduleNames.includes(name)) return ABSENT;
  return tdz(() => access(name));
}

/** The scope `frame.eval` runs in: the snapshot's bindings and the debugger's keys, then the module's, then the globals. */
function scopeProxy(frame: Frame): object {
  const locals = frame.locals;
  const file = frame.code.file;
  const isModuleName = (name: string) => !(name in locals) && file.access !== null && file.moduleNames.includes(name);
  return new Proxy(Object.create(null) as object, {
    has(_target, name) {
      if (typeof name !== "string" || name === "this") return false;
      return name in locals || frame.hides(name) || moduleValue(frame, name) !== ABSENT;
    },
    get(_target, name) {
      if (name === Symbol.unscopables || typeof name !== "string") return undefined;
      if (name in locals) return locals[name];
      if (frame.hides(name)) throw new ReferenceError(`Cannot access '${name}' before initialization`);
      return moduleValue(frame, name);
    },
    set(_target, name, value) {
      if (typeof name !== "string") return false;
      if (!(name in locals) && frame.hides(name)) throw new ReferenceError(`Cannot access '${name}' before initialization`);
      if (isModuleName(name)) file.access!(name, value, true);
      else locals[name] = value;
      return true;
    },
  });
}
