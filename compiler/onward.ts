/**
 * Where a function's code goes from each of its sites: on straight-line code, the names it reads
 * before the next site that calls in (or before it leaves the function). A site's reload need copy
 * only those now; the runtime keeps the write pending for that next site, which copies the rest
 * (emit.ts `completeSite`, runtime `linePart`). Computed on the generated body, so the reads the
 * generated code adds (stores after declarations, a loop head's) are seen as the program's are.
 *
 * Only where the way on is certain: through statements that run in order (expressions,
 * declarations), into and out of plain blocks, to the function's exit (`break` to its exit label,
 * `return`, `throw`). Anything else (a branch, a loop's head, a switch's next case, a jump) ends
 * the search: that site copies everything the function may still read, as before. A site inside a
 * `try` block (or a `catch` with a `finally`) is never followed: an exception would go to code
 * that reads before any site. Code that suspends (`await`, `yield`) ends it too: a frame that
 * leaves the stack forgets its pending write.
 */
import type * as T from "@babel/types";
import { t } from "./babel-types.js";

/** What follows a site: the names read before `next` (null: the function's exit). */
export interface Onward {
  reads: Set<string>;
  next: T.Statement | null;
}

/** Where a statement list goes on when it ends: after a statement of an enclosing list, the function's exit, or nowhere certain. */
type After = { list: T.Statement[]; index: number; onward: After } | "exit" | null;

/** The `try` statements tsdb wraps a function's body in (emit.ts `wrapBody`): their handlers read none of the function's bindings. */
export const ownTry = new WeakSet<T.TryStatement>();

/**
 * For each of `dispatches` (a function's site statements) in `body` (its statements, generated):
 * what follows it, or null when that is not certain.
 */
export function onward(body: T.Statement[], dispatches: Set<T.Statement>, exitLabel: string): Map<T.Statement, Onward | null> {
  const out = new Map<T.Statement, Onward | null>();
  let exit: After = null;

  const follow = (after: After, reads: Set<string>): Onward | null => {
    if (after === "exit") return { reads, next: null };
    return after === null ? null : scan(after.list, after.index, after.onward, reads);
  };

  const scan = (list: T.Statement[], from: number, after: After, reads: Set<string>): Onward | null => {
    for (let i = from; i < list.length; i++) {
      const s = list[i];
      if (dispatches.has(s)) return { reads, next: s };
      if (t.isBreakStatement(s)) return s.label?.name === exitLabel ? follow(exit, reads) : null;
      if (t.isReturnStatement(s) || t.isThrowStatement(s)) return readsOf(s, reads) ? { reads, next: null } : null;
      if (inOrder(s)) {
        if (!readsOf(s, reads)) return null;
        continue;
      }
      const inner = blockOf(s);
      if (inner === null) return null;
      return scan(inner, 0, { list, index: i + 1, onward: after }, reads);
    }
    return follow(after, reads);
  };

  const visit = (list: T.Statement[], after: After, inTry: boolean): void => {
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      const next: After = { list, index: i + 1, onward: after };
      if (dispatches.has(s)) out.set(s, inTry ? null : scan(list, i + 1, after, new Set()));
      else statement(s, next, inTry);
    }
  };

  const statement = (s: T.Statement, after: After, inTry: boolean): void => {
    if (t.isBlockStatement(s)) visit(s.body, after, inTry);
    else if (t.isLabeledStatement(s)) {
      if (s.label.name === exitLabel) exit = after;
      statement(s.body, after, inTry);
    } else if (t.isIfStatement(s)) {
      statement(s.consequent, after, inTry);
      if (s.alternate) statement(s.alternate, after, inTry);
    } else if (t.isLoop(s)) statement(s.body, null, inTry);
    else if (t.isSwitchStatement(s)) for (const c of s.cases) visit(c.consequent, null, inTry);
    else if (t.isTryStatement(s)) {
      if (ownTry.has(s)) visit(s.block.body, after, inTry);
      else {
        visit(s.block.body, null, true);
        if (s.handler) visit(s.handler.body.body, s.finalizer ? null : after, inTry || s.finalizer != null);
        if (s.finalizer) visit(s.finalizer.body, null, inTry);
      }
    }
  };

  visit(body, "exit", false);
  return out;
}

/** Statements that run straight through (or throw). */
function inOrder(s: T.Statement): boolean {
  return (
    t.isExpressionStatement(s) ||
    t.isVariableDeclaration(s) ||
    t.isEmptyStatement(s) ||
    t.isFunctionDeclaration(s) ||
    t.isClassDeclaration(s) ||
    t.isDebuggerStatement(s)
  );
}

/** The statements of a block entered at its start and left at its end (null: not such a block). */
function blockOf(s: T.Statement): T.Statement[] | null {
  if (t.isLabeledStatement(s)) return blockOf(s.body);
  if (t.isBlockStatement(s)) return s.body;
  if (t.isTryStatement(s) && ownTry.has(s)) return s.block.body;
  return null;
}

/**
 * Adds the names `node` refers to (every identifier but a property's name, by name: a block's own
 * names count too, which only copies more); false when it may suspend.
 *
 * Not what runs in another activation: a nested function's parameters and body, a class field's
 * value, a static block. A binding whose slot holds its value is one no other activation refers to
 * (frame-values.ts `classify`), so none of its reads are there; and such code suspends its own
 * activation, not this one. Walking into them made a site's scan read every function declared
 * after it, and each level of nesting read its functions again (on typescript.js, 1.6 s).
 */
function readsOf(node: T.Node, reads: Set<string>): boolean {
  let suspends = false;
  const walk = (n: T.Node): void => {
    // (a JSX name too, where JSX is still there: `<Comp />` reads Comp)
    if (t.isIdentifier(n) || t.isJSXIdentifier(n)) {
      reads.add(n.name);
      return;
    }
    if (t.isAwaitExpression(n) || t.isYieldExpression(n)) suspends = true;
    const elsewhere =
      t.isFunction(n) || t.isStaticBlock(n) || t.isClassProperty(n) || t.isClassPrivateProperty(n) || t.isClassAccessorProperty(n);
    const keys = t.VISITOR_KEYS[n.type] ?? [];
    for (const key of keys) {
      // (of those, only a computed key and the decorators run here)
      if (elsewhere && key !== "key" && key !== "decorators") continue;
      // `a.b`, `{ b: 1 }`, a method's or class member's name: not a reference
      if (key === "property" && (t.isMemberExpression(n) || t.isOptionalMemberExpression(n)) && !n.computed) continue;
      if (key === "key" && "computed" in n && !n.computed && !t.isObjectProperty(n, { shorthand: true })) continue;
      const child = (n as unknown as Record<string, T.Node | T.Node[] | null | undefined>)[key];
      if (Array.isArray(child)) for (const c of child) c && walk(c);
      else if (child) walk(child);
    }
  };
  walk(node);
  return !suspends;
}
