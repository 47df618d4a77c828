/**
 * @babel/types as one plain object, its functions read once. Through the module's namespace each
 * `t.x` is a chain of getters (the CommonJS interop wrapper, then Babel's own two levels of
 * re-exports), each on an object of 1,356 properties, too many for V8's fast properties: ~150 ns a
 * read, ~3 s of the ~47 s that instrumenting typescript.js took (bench/FINDINGS.md §31). The compiler
 * reads `t.x` millions of times on a big file; its types come from `import type * as T`.
 */
import type * as T from "@babel/types";
import * as types from "@babel/types";

export const t: typeof types = { ...types };

/** Does `test` hold for every child node of `node` (in traversal order; stops at the first that fails)? */
export function everyChild(node: T.Node, test: (child: T.Node) => boolean): boolean {
  for (const key of t.VISITOR_KEYS[node.type] ?? []) {
    const value = (node as unknown as Record<string, T.Node | T.Node[] | null | undefined>)[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && !test(child)) return false;
    } else if (value && typeof value.type === "string" && !test(value)) return false;
  }
  return true;
}
