/**
 * Which bindings a site can show in `frame.locals`, and how to read each one
 * without changing what the program does (never touching a binding in its
 * temporal dead zone, never forcing `arguments` into existence).
 */
import type { Binding, NodePath, Scope } from "@babel/traverse";
import * as t from "@babel/types";
import type { FunctionContext, SnapshotEntry } from "./context.js";

/** Bindings of the function's own scopes visible at `path`, innermost first. */
export function ownBindings(path: NodePath, fn: FunctionContext): SnapshotEntry[] {
  const pos = path.node.start ?? 0;
  const seen = new Set<string>();
  const out: SnapshotEntry[] = [];
  for (let scope: Scope | undefined = path.scope; scope; scope = scope.parent) {
    for (const name of Object.keys(scope.bindings)) {
      if (seen.has(name)) continue;
      const binding = scope.bindings[name];
      const entry = ownEntry(binding, pos);
      if (entry === null) continue;
      seen.add(name);
      out.push(entry);
    }
    if (scope === fn.scope) break;
  }
  return out;
}

function ownEntry(binding: Binding, pos: number): SnapshotEntry | null {
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
      // Declared before the site in straight-line code: initialized by the time control gets here,
      // except in a switch, where a jump to a later case skips the declaration.
      const before = (binding.identifier.end ?? Infinity) <= pos;
      if (!before) return null;
      const inSwitch = t.isSwitchStatement(binding.scope.block);
      return { name, read: inSwitch ? "tdz" : "direct", writable: binding.kind === "let" && !inSwitch && !binding.path.isClassDeclaration() };
    }
    case "module":
      return { name, read: "tdz", writable: false };
    default:
      return null;
  }
}

/** How an enclosing function's (or the module's) binding is read from inside a nested function. */
export function freeEntry(binding: Binding): SnapshotEntry | null {
  const name = binding.identifier.name;
  const global = binding.scope.path.isProgram();
  switch (binding.kind) {
    case "param":
    case "var":
      return { name, read: "direct", writable: true, global };
    case "hoisted":
    case "local":
      return { name, read: "direct", writable: false, global, fn: true };
    case "let":
    case "const":
    case "module":
      return { name, read: "tdz", writable: false, global };
    default:
      return null;
  }
}

/** Is `inner` the same scope as `outer` or nested in it? */
export function within(inner: Scope, outer: Scope): boolean {
  for (let s: Scope | undefined = inner; s; s = s.parent) if (s === outer) return true;
  return false;
}
