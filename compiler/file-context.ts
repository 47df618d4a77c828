/**
 * What the compiler knows while it walks one file: the code table and scope
 * table it will emit, and for each function being instrumented the sites
 * (statement starts) whose snapshots are completed when the function is.
 */
import type { Binding, NodePath, Scope } from "@babel/traverse";
import type * as t from "@babel/types";
import type { CodeFields, RuntimeFunction } from "../contract/index.js";
import type { Names } from "./generated-names.js";
import type { Chain, ChainItem } from "./snapshot.js";
import type { RowTable } from "./tables.js";

/** A binding a site shows: where its value is (frame-values.ts), or a hidden name (in its TDZ there). */
export interface RowEntry {
  name: string;
  /** the slot of the frame's value array; -1 for a hidden name */
  slot: number;
  /**
   * -1: the slot holds the value; -2: the slot holds a thunk (`this` in a derived constructor); -3: a
   * module-level binding, read by name through the module accessor; else the accessor's case
   */
  index: number;
  writable: boolean;
  hidden?: boolean;
  /** where the binding is declared: two bindings of one name are two different rows */
  at?: number;
}

/** A place whose id the frame's line slot holds while the frame runs there: a line, and the bindings shown. */
export interface Site {
  /** bindings of the function's own scopes visible here (those of enclosing functions are added when the function is done) */
  entries: RowEntry[];
  /** inside a `with` body: only `this` is read */
  inWith: boolean;
  line: number;
  /** where it is in the source (-Infinity: unknown): a reload copies only the bindings the code may read after it */
  at: number;
  /** the site id in the emitted code, filled in when the function is done */
  id: t.NumericLiteral;
  /**
   * the test that dispatches, `$k.l && $line($d)`, to which `&& reload` is added: the copy
   * of values the runtime changed into the variables (null: the site cannot dispatch)
   */
  dispatch: t.ExpressionStatement | null;
}

export interface FunctionContext {
  index: number;
  path: NodePath;
  scope: Scope;
  isProgram: boolean;
  /** generators, async functions and modules with top-level await leave and re-enter the stack */
  resumable: boolean;
  sites: Site[];
  /** bindings of enclosing functions (not the module's) this function refers to */
  free: Map<string, Binding>;
  usesArguments: boolean;
  /** refers to `new.target` (a class constructor always shows it) */
  usesNewTarget: boolean;
  /** how many of its sites store their line on the fast path (silent ones do not) */
  lineStores: number;
  /** how `this` is read: not at all, directly, or through a TDZ-safe closure (derived constructors) */
  thisRead: "direct" | "tdz" | null;
  lines: Set<number>;
  /** what each of its scopes shows (snapshot.ts), made when a site first asks */
  chains: Map<Scope, Chain>;
  /** what its chains list for each binding, made once (snapshot.ts) */
  chainItems: Map<Binding, ChainItem | null>;
  /** the own entries of the last site made (a statement without a line site gets one of its own when they differ) */
  lastRow: string;
  /**
   * a synchronous function with a `return value` (a concise arrow's body is one): only it keeps the
   * value in `$r` (emit.ts `exitStatements`); others exit with `leave($d)` and fall off their end
   */
  returnsValue?: true;
}

export interface FileContext {
  names: Names;
  codes: CodeFields[];
  /** the scope table's rows, each entry numbered (tables.ts) */
  rows: RowTable;
  /** each entry's number in `rows` (weak: a finished function's entries go) */
  entryNumbers: WeakMap<RowEntry, number>;
  /** each row's number, by its entries' numbers and identity (emit.ts `scopeNumber`) */
  scopeIndex: Map<string, number>;
  /** site ids by `line:row`, and how many sites each line has (a site id is line + variant << SITE_LINE_BITS) */
  siteIds: Map<string, number>;
  siteVariants: Map<number, number>;
  loopCount: number;
  /** how many tries save the returned value (finally-jumps.ts): their names are numbered */
  savedReturns: number;
  functions: FunctionContext[];
  /** nodes tsdb made, which its visitors must not instrument again */
  generated: WeakSet<t.Node>;
  /** runtime functions the generated code calls (the header binds each) */
  runtimeUsed: Set<RuntimeFunction>;
  /** an ES module's top-level function declarations, each with the name of its plain copy (see early.ts) */
  earlyCopies: Map<t.Function, string>;
  /** the output is printed without layout whitespace */
  compact: boolean;
  /** what the source uses, noted in classify's walk of it (see program.ts `sourceUses`) */
  uses: { dynamicImport: boolean; importMeta: boolean };
}
