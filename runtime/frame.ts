/**
 * Frames, as Python's frame objects: made on demand from the shadow stack.
 *
 * Local variables are not reachable from outside a JavaScript function, so the
 * generated code keeps each activation's bindings where the runtime can reach
 * them (compiler/frame-values.ts): a slot of the activation's value array holds
 * a binding's current value (stored wherever it is assigned), or an accessor
 * closure that reads and assigns it live (bindings that nested functions use).
 * `lines[d]` holds the id of the site the activation is at, which gives the
 * line and the bindings in scope there (the file's site and scope tables).
 * A write to a slot reaches the variable at the frame's next site.
 */
import * as codeModule from "./code.js";
import * as contract from "../contract/index.js";
import type { ScopeRow } from "../contract/index.js";
import type { Code } from "./code.js";
import { append, contains, copyOf, dict, list, ObjectCreate, ObjectKeys, SafeProxy, SafeWeakMap } from "./primordials.js";
import * as stack from "./stack.js";

// Local bindings: the CommonJS build reads an import through a getter at each use.
const { FRAME, flat, frames, lines, slots, state, values, written } = stack;
const { ROW_HIDDEN, ROW_WRITABLE, SITE_LINE_MASK, VALUE_STRIDE_BITS, reloadable } = contract;
const { codeAt, markLeaves } = codeModule;

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

/**
 * The evaluator is a sloppy function (it needs `with`): there `this` undefined would read as the
 * global object, and `new.target` / `import.meta` as its own. So they are rewritten to names the
 * scope proxy answers from the frame: `this` and `new.target` outside any function of the
 * expression's own, `import.meta` anywhere. Parsed only when the text mentions one of them.
 */
const SPECIAL = /\bthis\b|\bnew\s*\.\s*target\b|\bimport\s*\.\s*meta\b/;
const THIS = "$$tsdb$this";
const NEW_TARGET = "$$tsdb$newTarget";
const IMPORT_META = "$$tsdb$importMeta";

function rewriteSpecial(expr: string): string {
  if (!SPECIAL.test(expr)) return expr;
  const { parse } = require("@babel/parser") as typeof import("@babel/parser");
  let ast: ReturnType<typeof parse>;
  try {
    ast = parse(expr, { sourceType: "module", allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, errorRecovery: true });
  } catch {
    return expr;
  }
  const edits: [number, number, string][] = [];
  const walk = (node: unknown, own: boolean): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, own);
      return;
    }
    const n = node as { type?: string; start?: number; end?: number; meta?: { name: string }; [k: string]: unknown };
    if (typeof n.type !== "string") return;
    if (n.type === "ThisExpression" && !own) edits.push([n.start!, n.end!, THIS]);
    if (n.type === "MetaProperty" && n.meta?.name === "new" && !own) edits.push([n.start!, n.end!, NEW_TARGET]);
    if (n.type === "MetaProperty" && n.meta?.name === "import") edits.push([n.start!, n.end!, IMPORT_META]);
    // A function of the expression's own (not an arrow) has its own `this` and `new.target`.
    const inner = own || /^(FunctionDeclaration|FunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod|StaticBlock)$/.test(n.type);
    for (const key of Object.keys(n)) {
      if (key === "loc" || key === "leadingComments" || key === "trailingComments" || key === "extra") continue;
      // Class field values have the instance as `this`; their computed keys do not.
      const fieldValue = key === "value" && /^Class(Private)?Property$/.test(n.type);
      walk(n[key], fieldValue || (key !== "key" && key !== "computed" ? inner : own));
    }
  };
  walk(ast.program, false);
  let out = expr;
  for (const [start, end, name] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + name + out.slice(end);
  return out;
}

/** Bits of `Frame._bits` (see there). */
const OWN = 1;
const WRITTEN = 2;
const LEAVING_EXC = 4;
const SUSPENDING = 8;

/** Each frame's `locals` view, made when first asked for (most frames are never looked at). */
const localsViews = new SafeWeakMap<Frame, Record<string, unknown>>();

export class Frame {
  /** Local trace function (`f_trace`). */
  trace: TraceFunction | null = null;
  readonly code: Code;
  /** @internal depth while on the stack, 0 off it (generated code tests it when a generator or async function resumes) */ _d = 0;
  /** @internal site id (what `lines[d]` holds) once the frame is off the stack */ _site: number;
  /** @internal set when the frame enters the stack */ _back: Frame | null = null;
  /**
   * @internal The frame's own value array: a generator's or async function's for its whole life
   * (generated code binds it as `$vs`); a copy of the depth's array once a frame has returned.
   * Null while a synchronous frame is on the stack (its values are `values[d]`).
   */
  _v: unknown[] | null = null;
  /**
   * @internal The frame's flags, one field (a traced call of a small function makes a Frame, and
   * each field is part of what it costs: bench/FINDINGS.md): OWN `_v` is the array the generated
   * code writes (generators, async functions); WRITTEN a value a slot holds was assigned (the
   * frame's next site copies it into the variable); LEAVING_EXC the exception leaving this frame
   * (its `return` event then has no value); SUSPENDING see `suspending`.
   */
  _bits = 0;

  constructor(code: Code) {
    this.code = code;
    this._site = code.firstlineno;
  }

  /**
   * True during the `return` event of a generator or async frame that suspends (at `yield` or
   * `await`) rather than finishes. (Python tells these apart by the exception a finished
   * generator raises in its caller; JavaScript raises none.)
   */
  get suspending(): boolean {
    return (this._bits & SUSPENDING) !== 0;
  }
  set suspending(on: boolean) {
    this._bits = on ? this._bits | SUSPENDING : this._bits & ~SUSPENDING;
  }

  /** @internal see `_bits` */
  get _own(): boolean {
    return (this._bits & OWN) !== 0;
  }
  set _own(on: boolean) {
    this._bits = on ? this._bits | OWN : this._bits & ~OWN;
  }

  /** @internal see `_bits` */
  get _written(): boolean {
    return (this._bits & WRITTEN) !== 0;
  }
  set _written(on: boolean) {
    this._bits = on ? this._bits | WRITTEN : this._bits & ~WRITTEN;
  }

  /** @internal see `_bits` */
  get _leavingExc(): boolean {
    return (this._bits & LEAVING_EXC) !== 0;
  }
  set _leavingExc(on: boolean) {
    this._bits = on ? this._bits | LEAVING_EXC : this._bits & ~LEAVING_EXC;
  }

  /** The calling frame (`f_back`), or null. */
  get back(): Frame | null {
    return this._back;
  }

  /** Current line in the original source (`f_lineno`). */
  get lineno(): number {
    return (this._d !== 0 ? lines[this._d] : this._site) & SITE_LINE_MASK;
  }

  /** `globalThis` (`f_globals`). */
  get globals(): typeof globalThis {
    return globalThis;
  }

  /** Object view of the bindings in scope (`f_locals`). */
  get locals(): Record<string, unknown> {
    let view = localsViews.get(this);
    if (view === undefined) localsViews.set(this, (view = new SafeProxy(dict<unknown>(), localsHandler(this))));
    return view;
  }

  /** Evaluates a JavaScript expression (or statements) as if written at the current line of this frame. */
  eval(expr: string): unknown {
    const thisValue = this.lookup("this");
    const depth = state.sp;
    try {
      return evaluator.call(thisValue === ABSENT ? undefined : thisValue, scopeProxy(this), rewriteSpecial(expr));
    } finally {
      // Instrumented code the expression called, left by an exception the evaluator passes on (trace.ts `raise`).
      if (state.sp > depth) state.sp = depth;
    }
  }

  /** @internal the bindings shown at the frame's current site. */
  private get row(): ScopeRow {
    return this.code.file.rowOf(this._d !== 0 ? lines[this._d] : this._site);
  }

  // No array destructuring or for…of here: see primordials.ts.

  /** @internal the array the frame's values are in (null: a frame popped without a copy). */
  private vals(): unknown[] | null {
    if (this._own || this._d === 0) return this._v;
    if (this.code._flat) return flat;
    return values[this._d] ?? null;
  }

  /** @internal where the frame's slot 0 is in `vals()`. */
  private at(): number {
    return this._own || this._d === 0 || !this.code._flat ? 0 : this._d << VALUE_STRIDE_BITS;
  }

  private find(name: string): ScopeRow[number] | null {
    const row = this.row;
    for (let i = 0; i < row.length; i++) if (row[i][0] === name) return row[i];
    return null;
  }

  private read(entry: ScopeRow[number]): unknown {
    const index = entry[2];
    if (index === -3) return moduleValue(this, entry[0]);
    const vals = this.vals();
    if ((entry[3] & ROW_HIDDEN) !== 0 || vals === null) return ABSENT;
    const value = vals[this.at() + entry[1]];
    if (index === -1) return value;
    if (typeof value !== "function") return ABSENT;
    // An accessor (or a thunk): a binding in its TDZ throws.
    try {
      return index === -2 ? value() : value(index, false);
    } catch {
      return ABSENT;
    }
  }

  /**
   * @internal Is `name` the name of a binding in its TDZ at the current point, one that hides
   * bindings of the same name further out (module level, globals)?
   */
  hides(name: string): boolean {
    const entry = this.find(name);
    return entry !== null && (entry[3] & ROW_HIDDEN) !== 0;
  }

  /** @internal value of a binding shown here, ABSENT when not bound or in its TDZ. */
  lookup(name: string): unknown {
    const entry = this.find(name);
    return entry === null ? ABSENT : this.read(entry);
  }

  /**
   * @internal Assigns a binding shown here; false when there is none. A binding read through an
   * accessor changes at once; one whose slot holds its value changes at the frame's next site.
   */
  assign(name: string, value: unknown): boolean {
    const entry = this.find(name);
    if (entry === null) return false;
    const slot = entry[1];
    const index = entry[2];
    const flags = entry[3];
    if ((flags & ROW_HIDDEN) !== 0) throw new ReferenceError(`Cannot access '${name}' before initialization`);
    if ((flags & ROW_WRITABLE) === 0) throw new TypeError("Assignment to constant variable.");
    if (index === -3) {
      if (moduleValue(this, name) === ABSENT) throw new ReferenceError(`Cannot access '${name}' before initialization`);
      this.code.file.access!(name, value, true);
      return true;
    }
    const vals = this.vals();
    const at = this.at();
    if (vals === null) return false;
    if (index >= 0) {
      const accessor = vals[at + slot];
      if (typeof accessor !== "function") throw new ReferenceError(`Cannot access '${name}' before initialization`);
      accessor(index, true, value);
      return true;
    }
    vals[at + slot] = value;
    if (this._d !== 0 && !this._written) {
      this._written = true;
      onWrite?.(this);
    }
    return true;
  }

  /** @internal names shown here that are bound now. */
  boundNames(): string[] {
    const out = list<string>();
    const row = this.row;
    for (let i = 0; i < row.length; i++) if (row[i][0] !== "new.target" && this.read(row[i]) !== ABSENT) append(out, row[i][0]);
    return out;
  }

  /**
   * @internal true once when values were written since the frame's last site: then `written` holds,
   * by name, every `reloadable` entry of `site`'s row (contract), which the site's reload copies
   * into the variables. `keep`: the site copies only part of them (what the code reads before the
   * next site): the write stays pending for the next site.
   */
  takeWrites(site: number, keep: boolean): boolean {
    if (held.length !== 0) release();
    if (!this._written) return false;
    if (!keep) {
      this._written = false;
      onWrite?.(this);
    }
    const vals = this.vals();
    // (never null on the stack; the reload would read nothing)
    if (vals === null) return false;
    const at = this.at();
    const row = this.code.file.rowOf(site);
    for (let i = 0; i < row.length; i++) {
      const entry = row[i];
      if (!reloadable(entry)) continue;
      written[entry[0]] = vals[at + entry[1]];
      append(held, entry[0]);
    }
    return true;
  }

  /** @internal the frame comes off the stack (returns, or suspends at yield/await); its LEAVING_EXC bit is cleared. */
  freeze(): void {
    if (held.length !== 0) release();
    const d = this._d;
    this._site = lines[d];
    // (The bits are read directly: this runs at every return of a traced frame.)
    const bits = this._bits;
    // The depth's values go to the next call at that depth. A frame an exception leaves keeps a
    // copy (post-mortem looks at it); one that returns normally shows nothing after its `return`
    // event (a copy per traced call would cost what the rest of the call does).
    if ((bits & OWN) === 0) {
      if ((bits & LEAVING_EXC) !== 0) {
        const at = d << VALUE_STRIDE_BITS;
        const vs = values[d];
        this._v = this.code._flat ? copyOf(flat, at, at + (1 << VALUE_STRIDE_BITS)) : vs === undefined ? null : copyOf(vs);
      } else this._v = null;
    }
    if ((bits & LEAVING_EXC) !== 0) this._bits = bits & ~LEAVING_EXC;
    if ((bits & WRITTEN) !== 0) {
      this._written = false;
      onWrite?.(this);
    }
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
 * `written` holds a frame's values until the next event, or until that frame leaves (it has a Frame,
 * so its exit calls in): nothing stays reachable from there that the frame itself no longer holds.
 * `held`: the names it has now.
 */
const held = list<string>();

function release(): void {
  for (let i = 0; i < held.length; i++) delete written[held[i]];
  held.length = 0;
}

let onWrite: ((frame: Frame) => void) | null = null;

/** @internal Called when a frame's pending write appears or goes (the runtime makes its sites call in). */
export function setWriteHook(hook: (frame: Frame) => void): void {
  onWrite = hook;
}

/**
 * The Frame of the activation at depth d, made now if it has none yet. Its callers get frames too,
 * so that `back` is a field (a debugger reads it at every return: bdb's `setCallerTracefunc`);
 * in a loop, not a recursion, so that a frame made deep in the stack costs no deep recursion.
 */
export function materialize(d: number): Frame {
  if (slots[d] === FRAME) return frames[d]!;
  // The usual case while tracing (every call of traced code): the caller has its frame already.
  if (d > 1 && slots[d - 1] === FRAME) return make(d, frames[d - 1]!);
  let low = d;
  while (low > 1 && slots[low - 1] !== FRAME) low--;
  let frame = low > 1 ? frames[low - 1]! : null;
  for (let i = low; i <= d; i++) frame = make(i, frame);
  return frame!;
}

/** A Frame for the activation at depth d (its slot holds its code's id), whose caller's frame is `back`. */
function make(d: number, back: Frame | null): Frame {
  const code = codeAt(slots[d])!;
  const made = new Frame(code);
  markLeaves(code);
  made.enter(d, back);
  return made;
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
      if (!frame.assign(name, value)) (added ??= dict<unknown>())[name] = value;
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
      if (added !== null) {
        const names = ObjectKeys(added);
        for (let i = 0; i < names.length; i++) if (!contains(keys, names[i])) append(keys, names[i]);
      }
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
  if (access === null || !contains(file.moduleNames, name)) return ABSENT;
  return tdz(() => access(name));
}

/** The scope `frame.eval` runs in: the snapshot's bindings and the debugger's keys, then the module's, then the globals. */
function scopeProxy(frame: Frame): object {
  const locals = frame.locals;
  const file = frame.code.file;
  const isModuleName = (name: string) => !(name in locals) && file.access !== null && contains(file.moduleNames, name);
  return new SafeProxy(ObjectCreate(null) as object, {
    has(_target, name) {
      if (typeof name !== "string" || name === "this") return false;
      // `arguments` is always answered here: never the evaluator's own.
      if (name === "arguments" || name === THIS || name === NEW_TARGET || name === IMPORT_META) return true;
      // (a module-level name in its TDZ too: reading it throws, as in the program)
      return name in locals || frame.hides(name) || isModuleName(name);
    },
    get(_target, name) {
      if (name === Symbol.unscopables || typeof name !== "string") return undefined;
      if (name === THIS || name === NEW_TARGET) {
        const value = frame.lookup(name === THIS ? "this" : "new.target");
        if (value === ABSENT) throw new ReferenceError(`${name === THIS ? "this" : "new.target"} is not known here`);
        return value;
      }
      if (name === IMPORT_META) {
        const meta = moduleValue(frame, "import.meta");
        if (meta === ABSENT) throw new SyntaxError("Cannot use 'import.meta' outside a module");
        return meta;
      }
      if (name in locals) return locals[name];
      if (frame.hides(name)) throw new ReferenceError(`Cannot access '${name}' before initialization`);
      if (name === "arguments") throw new ReferenceError(`arguments is not known here: ${frame.code.name} does not use it`);
      const value = moduleValue(frame, name);
      if (value === ABSENT) throw new ReferenceError(`Cannot access '${name}' before initialization`);
      return value;
    },
    set(_target, name, value) {
      if (typeof name !== "string") return false;
      if (!(name in locals) && frame.hides(name)) throw new ReferenceError(`Cannot access '${name}' before initialization`);
      if (isModuleName(name)) {
        if (moduleValue(frame, name) === ABSENT) throw new ReferenceError(`Cannot access '${name}' before initialization`);
        file.access!(name, value, true);
      } else locals[name] = value;
      return true;
    },
  });
}
