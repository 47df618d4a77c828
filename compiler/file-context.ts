/**
 * What the compiler knows while it walks one file: the code table and scope
 * table it will emit, and for each function being instrumented the sites
 * (statement starts) whose snapshots are completed when the function is.
 */
import type { NodePath, Scope } from "@babel/traverse";
import type * as t from "@babel/types";
import type { CodeRow, RuntimeFunction, ScopeRow } from "../contract/index.js";
import type { Names } from "./generated-names.js";

/**
 * How a site reads a binding: directly, or through a closure that survives the TDZ; "hidden": not
 * at all, the name belongs to a binding in its TDZ that hides outer ones of the same name.
 */
export type Read = "direct" | "tdz" | "hidden";

export interface SnapshotEntry {
  name: string;
  read: Read;
  writable: boolean;
  /** a function declaration or a function's own name: shown, never written back */
  fn?: boolean;
  /** where the binding is declared: two bindings of one name are two different rows (see `scopeNumber`) */
  at?: number;
  /** once the site is reached, the value stays the same for the rest of the activation (see `stableRow`) */
  stable?: boolean;
}

/** A place that reports an event and hands the runtime a snapshot of the bindings in scope. */
export interface Site {
  /** bindings of the function's own scopes visible here (free variables are added when the function is done) */
  entries: SnapshotEntry[];
  /** inside a `with` body: only `this` is read */
  inWith: boolean;
  /** the snapshot array and scope index in the emitted call, filled in when the function is done */
  array: t.ArrayExpression;
  scope: t.NumericLiteral;
  /** the statement that tests and dispatches; gets the write-back when there are writable bindings (null: no write-back) */
  dispatch: t.IfStatement | null;
  /** a `line` event site: its line, and whether it is silent (stores its line only when dispatched); null for a `call` site */
  line: { line: number; silent: boolean } | null;
}

export interface FunctionContext {
  index: number;
  path: NodePath;
  scope: Scope;
  isProgram: boolean;
  /** generators, async functions and modules with top-level await leave and re-enter the stack */
  resumable: boolean;
  sites: Site[];
  /** bindings of enclosing functions (or the module) this function refers to */
  free: Map<string, SnapshotEntry>;
  usesArguments: boolean;
  /** a direct `eval` in it (or in a function inside it) could assign any of its bindings */
  evals: boolean;
  /** how many of its sites store their line on the fast path (silent ones do not) */
  lineStores: number;
  /** how `this` is read: not at all, directly, or through a TDZ-safe closure (derived constructors) */
  thisRead: Exclude<Read, "hidden"> | null;
  lines: Set<number>;
}

export interface FileContext {
  names: Names;
  codes: CodeRow[];
  scopes: ScopeRow[];
  scopeIndex: Map<string, number>;
  loopCount: number;
  functions: FunctionContext[];
  /** nodes tsdb made, which its visitors must not instrument again */
  generated: WeakSet<t.Node>;
  /** runtime functions the generated code calls (the header binds each) */
  runtimeUsed: Set<RuntimeFunction>;
  /** an ES module's top-level function declarations, each with the name of its plain copy (see early.ts) */
  earlyCopies: Map<t.Function, string>;
}
