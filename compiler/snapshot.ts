/**
 * Which bindings a frame shows at a site (its row in the file's scope table), and where the runtime
 * finds each one's value (frame-values.ts). Never a binding in its temporal dead zone: a block
 * binding declared after the site is listed as hidden (it hides outer bindings of its name).
 */
import type { Binding, NodePath, Scope } from "@babel/traverse";
import type { FunctionContext, RowEntry } from "./file-context.js";
import { isWritable, locationOf } from "./frame-values.js";

/** The kinds of module-level bindings the module accessor knows (program.ts `moduleAccess`). */
const MODULE_KINDS = ["var", "let", "const", "hoisted", "module"];

const BINDINGS = Symbol("tsdb.bindings");
/** The scope's bindings as a list, made once per scope. */
function bindingsOf(scope: Scope): Binding[] {
  const noted = scope as Scope & { [BINDINGS]?: Binding[] };
  return (noted[BINDINGS] ??= Object.values(scope.bindings));
}

/** Bindings of the function's own scopes visible at `path`, innermost first, and the hidden names. */
export function ownBindings(path: NodePath, fn: FunctionContext): RowEntry[] {
  const pos = path.node.start ?? path.parentPath?.node.start ?? 0;
  const seen = new Set<string>();
  const out: RowEntry[] = [];
  // A site before a statement that is a scope of its own (a loop, a switch) is outside that scope.
  const outside = path.scope.block === path.node && !path.isFunction() && !path.isProgram() && !path.isStaticBlock();
  for (let scope: Scope | undefined = outside ? path.scope.parent : path.scope; scope; scope = scope.parent) {
    if (!scope.path.isClass()) {
      for (const binding of bindingsOf(scope)) {
        const name = binding.identifier.name;
        if (seen.has(name)) continue;
        // Seen even when not shown: a binding in its TDZ still hides the outer ones of its name.
        seen.add(name);
        // Module-level bindings are read live by the module accessor, TDZ included (the module's own
        // frame shows them; a function's frame does not, as Python's f_locals shows no globals).
        if (scope.path.isProgram()) {
          if (fn.isProgram && MODULE_KINDS.includes(binding.kind))
            out.push({
              name,
              slot: -1,
              index: -3,
              writable: isWritable(binding) || binding.kind === "hoisted",
              at: binding.identifier.start ?? -1,
            });
          continue;
        }
        const found = entry(binding, pos);
        if (found !== null) out.push(found);
        else out.push({ name, slot: -1, index: -1, writable: false, hidden: true });
      }
    }
    if (scope === fn.scope) break;
  }
  return out;
}

/** The row entry of a binding at position `pos`, or null when it is not initialized there (or not shown). */
function entry(binding: Binding, pos: number): RowEntry | null {
  const name = binding.identifier.name;
  const loc = locationOf(binding);
  if (loc === null) return null;
  if (binding.kind === "let" || binding.kind === "const") {
    // Declared before the site in straight-line code: initialized by the time control gets here,
    // except in a switch, where a jump to a later case skips the declaration (its bindings are read
    // through an accessor, which reports the TDZ).
    const before = (binding.identifier.end ?? Infinity) <= pos;
    if (!before) return null;
  }
  return { name, slot: loc.slot, index: loc.index, writable: isWritable(binding), at: binding.identifier.start ?? -1 };
}

/** Is `inner` the same scope as `outer` or nested in it? */
export function within(inner: Scope, outer: Scope): boolean {
  for (let s: Scope | undefined = inner; s; s = s.parent) if (s === outer) return true;
  return false;
}
