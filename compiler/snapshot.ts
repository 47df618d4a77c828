/**
 * Which bindings a site can show in `frame.locals`, and how to read each one
 * without changing what the program does (never touching a binding in its
 * temporal dead zone, never forcing `arguments` into existence).
 */
import type { Binding, NodePath, Scope } from "@babel/traverse";
import * as t from "@babel/types";
import type { FunctionContext, SnapshotEntry } from "./file-context.js";

/**
 * At most this many bindings per snapshot: a function with hundreds of local functions (a bundle's
 * top-level IIFE) would otherwise repeat them all at every statement.
 */
export const MAX_SNAPSHOT = 24;

/** Which bindings a snapshot keeps first: values before functions. */
export function rank(e: SnapshotEntry): number {
  return e.fn ? 1 : 0;
}

/** Keeps the MAX_SNAPSHOT best-ranked entries, in their order otherwise. */
export function cap(entries: SnapshotEntry[]): SnapshotEntry[] {
  if (entries.length <= MAX_SNAPSHOT) return entries;
  return entries
    .map((e, i) => [e, rank(e) * 1e6 + i] as const)
    .sort((a, b) => a[1] - b[1])
    .slice(0, MAX_SNAPSHOT)
    .map(([e]) => e);
}

const BINDINGS = Symbol("tsdb.bindings");
/** The scope's bindings as a list, made once per scope. */
function bindingsOf(scope: Scope): Binding[] {
  const noted = scope as Scope & { [BINDINGS]?: Binding[] };
  return (noted[BINDINGS] ??= Object.values(scope.bindings));
}

/** Bindings of the function's own scopes visible at `path`, innermost first (at most MAX_SNAPSHOT of each rank). */
export function ownBindings(path: NodePath, fn: FunctionContext): SnapshotEntry[] {
  const pos = path.node.start ?? 0;
  const seen = new Set<string>();
  const out: SnapshotEntry[] = [];
  let values = 0;
  let functions = 0;
  // A site before a statement that is a scope of its own (a loop, a switch) is outside that scope.
  const outside = path.scope.block === path.node && !path.isFunction() && !path.isProgram() && !path.isStaticBlock();
  for (let scope: Scope | undefined = outside ? path.scope.parent : path.scope; scope; scope = scope.parent) {
    for (const binding of bindingsOf(scope)) {
      if (values >= MAX_SNAPSHOT && functions >= MAX_SNAPSHOT) break;
      const name = binding.identifier.name;
      if (seen.has(name)) continue;
      // Seen even when not shown: a binding in its TDZ still hides the outer ones of its name (reading
      // `kind` there would read the inner `kind` and throw).
      seen.add(name);
      // Module-level bindings are not hidden: frame.eval reads them live, TDZ included (`moduleValue`).
      const found = entry(binding, pos) ?? (scope.path.isProgram() ? null : { name, read: "hidden", writable: false });
      if (found === null) continue;
      found.stable = isStable(binding, found, fn);
      found.at = binding.identifier.start ?? -1;
      if (found.fn ? functions++ >= MAX_SNAPSHOT : values++ >= MAX_SNAPSHOT) continue;
      out.push(found);
    }
    if (scope === fn.scope) break;
  }
  return cap(out);
}

/**
 * How a site reads `binding`. `pos`: the site's position, for a binding of the site's own function;
 * null for a binding of an enclosing function, whose TDZ a nested function cannot know.
 */
function entry(binding: Binding, pos: number | null): SnapshotEntry | null {
  const name = binding.identifier.name;
  switch (binding.kind) {
    case "param":
    case "var":
      return { name, read: "direct", writable: true };
    case "hoisted":
    case "local":
      return { name, read: "direct", writable: false, fn: true };
    case "let":
    case "const": {
      if (pos === null) return { name, read: "tdz", writable: false };
      // Declared before the site in straight-line code: initialized by the time control gets here,
      // except in a switch, where a jump to a later case skips the declaration.
      const before = (binding.identifier.end ?? Infinity) <= pos;
      if (!before) return null;
      const inSwitch = t.isSwitchStatement(binding.scope.block);
      return {
        name,
        read: inSwitch ? "tdz" : "direct",
        writable: binding.kind === "let" && !inSwitch && !binding.path.isClassDeclaration(),
      };
    }
    case "module":
      return { name, read: "tdz", writable: false };
    default:
      return null;
  }
}

/**
 * Does a binding of the function's own keep its value for the rest of the activation once a site
 * shows it? True of what no code assigns after it is initialized, and initialized once per
 * activation before any site that shows it: parameters, declarations at the function body's top
 * level (a block or loop body makes new bindings each time it runs), and a function expression's
 * own name. (`arguments` aliasing parameters and a direct `eval` are for `completeSite` to rule
 * out: they are known when the function is done.)
 */
function isStable(binding: Binding, found: SnapshotEntry, fn: FunctionContext): boolean {
  if (binding.constantViolations.length > 0 || found.read !== "direct") return false;
  switch (binding.kind) {
    case "param":
    case "local":
      return true;
    case "hoisted":
    case "let":
    case "const":
      return binding.scope === fn.scope;
    default:
      return false;
  }
}

/**
 * How an enclosing function's binding is read from inside a nested function. Module-level bindings
 * are not snapshotted: `frame.eval` reads them live through the file's module accessor.
 */
export function freeEntry(binding: Binding): SnapshotEntry | null {
  if (binding.scope.path.isProgram()) return null;
  const found = entry(binding, null);
  if (found !== null) found.at = binding.identifier.start ?? -1;
  return found;
}

/** Is `inner` the same scope as `outer` or nested in it? */
export function within(inner: Scope, outer: Scope): boolean {
  for (let s: Scope | undefined = inner; s; s = s.parent) if (s === outer) return true;
  return false;
}
