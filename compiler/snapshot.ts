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

/**
 * What a scope chain shows, made once per (scope, function): entries that hold wherever a site of
 * that scope is, and the block bindings whose TDZ depends on the site's position. A function's sites
 * (a statement each) would otherwise each walk every binding in scope: lodash's `runInContext` has
 * hundreds, and a site in it hundreds of times over.
 */
/** an entry, or a binding shown only at a site after its declaration (`shown`, else `hidden`) */
export type ChainItem = RowEntry | { end: number; shown: RowEntry; hidden: RowEntry };

export interface Chain {
  items: ChainItem[];
  /** the `end`s of those bindings, sorted: a site's rows differ only by how many of them precede it */
  ends: number[];
  /** the entries at a site preceded by n of the `ends`, made when first asked: sites that show the same bindings share one list */
  rows: Map<number, RowEntry[]>;
}

/** Held by the function (not the scope): a finished function's chains go with it. */
function chainOf(start: Scope, fn: FunctionContext): Chain {
  let chain = fn.chains.get(start);
  if (chain === undefined) {
    chain = makeChain(start, fn);
    fn.chains.set(start, chain);
  }
  return chain;
}

function makeChain(start: Scope, fn: FunctionContext): Chain {
  const seen = new Set<string>();
  const items: Chain["items"] = [];
  const ends: number[] = [];
  for (let scope: Scope | undefined = start; scope; scope = scope.parent) {
    if (!scope.path.isClass()) {
      for (const binding of bindingsOf(scope)) {
        const name = binding.identifier.name;
        if (seen.has(name)) continue;
        // Seen even when not shown: a binding in its TDZ still hides the outer ones of its name.
        seen.add(name);
        // One item per binding for all the function's chains (a block's chain lists the bindings of
        // every scope around it up to the function's).
        let item = fn.chainItems.get(binding);
        if (item === undefined) fn.chainItems.set(binding, (item = chainItem(binding, scope.path.isProgram(), fn)));
        if (item === null) continue;
        items.push(item);
        if ("end" in item) ends.push(item.end);
      }
    }
    if (scope === fn.scope) break;
  }
  return { items, ends: ends.sort((a, b) => a - b), rows: new Map() };
}

/** What a chain of `fn` lists for `binding` (of a module's scope or not): an entry, one that depends on the site, or nothing. */
function chainItem(binding: Binding, moduleScope: boolean, fn: FunctionContext): ChainItem | null {
  const name = binding.identifier.name;
  // Module-level bindings are read live by the module accessor, TDZ included (the module's own
  // frame shows them; a function's frame does not, as Python's f_locals shows no globals).
  if (moduleScope) {
    if (!fn.isProgram || !MODULE_KINDS.includes(binding.kind)) return null;
    return { name, slot: -1, index: -3, writable: isWritable(binding) || binding.kind === "hoisted", at: binding.identifier.start ?? -1 };
  }
  const hidden: RowEntry = { name, slot: -1, index: -1, writable: false, hidden: true };
  const loc = locationOf(binding);
  if (loc === null) return hidden;
  const shown: RowEntry = { name, slot: loc.slot, index: loc.index, writable: isWritable(binding), at: binding.identifier.start ?? -1 };
  // Declared before the site in straight-line code: initialized by the time control gets here,
  // except in a switch, where a jump to a later case skips the declaration (its bindings are read
  // through an accessor, which reports the TDZ).
  if (binding.kind === "let" || binding.kind === "const") return { end: binding.identifier.end ?? Infinity, shown, hidden };
  return shown;
}

/**
 * Bindings of the function's own scopes visible at `path`, innermost first, and the hidden names.
 * Sites showing the same bindings get the same list (callers never change it).
 */
export function ownBindings(path: NodePath, fn: FunctionContext): RowEntry[] {
  const pos = path.node.start ?? path.parentPath?.node.start ?? 0;
  // A site before a statement that is a scope of its own (a loop, a switch) is outside that scope.
  const outside = path.scope.block === path.node && !path.isFunction() && !path.isProgram() && !path.isStaticBlock();
  const start = outside ? path.scope.parent : path.scope;
  if (!start) return [];
  const chain = chainOf(start, fn);
  // How many of the sorted ends are <= pos (binary search).
  let [before, after] = [0, chain.ends.length];
  while (before < after) {
    const mid = (before + after) >>> 1;
    if (chain.ends[mid] <= pos) before = mid + 1;
    else after = mid;
  }
  let row = chain.rows.get(before);
  if (row === undefined) {
    row = chain.items.map((item) => ("end" in item ? (item.end <= pos ? item.shown : item.hidden) : item));
    chain.rows.set(before, row);
  }
  return row;
}

const KEYS = new WeakMap<RowEntry[], string>();
/** What tells two sites' own entries apart (names, declarations, TDZ), once per list. */
export function rowKey(entries: RowEntry[]): string {
  let key = KEYS.get(entries);
  if (key === undefined) {
    key = entries.map((e) => `${e.name}@${e.at ?? -1}${e.hidden ? "h" : ""}`).join(",");
    KEYS.set(entries, key);
  }
  return key;
}

/** Is `inner` the same scope as `outer` or nested in it? */
export function within(inner: Scope, outer: Scope): boolean {
  for (let s: Scope | undefined = inner; s; s = s.parent) if (s === outer) return true;
  return false;
}
