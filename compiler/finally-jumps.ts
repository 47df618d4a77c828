/**
 * A `finally` that leaves by `break`, `continue` or a `throw` discards the completion of its `try`
 * (and `catch`): a `return` there is undone, as if it had not run (`try { return 1; } finally {
 * break; }` goes on after the loop; so does one whose finally throws into a catch around it). tsdb's
 * `return value` is `$r = value; break $x;` (or `return $r = value` in a resumable function), so the
 * value would stay in `$r`: the function would return it later in place of its own, or its `return`
 * event would show it. A try whose block or catch has such a `return`, and whose finally can leave
 * that way, saves `$r` as its block begins (`var $s = $r;`, the first thing the try does); each jump
 * out of its finally puts it back, and so does an exception leaving it when a try of the same
 * function is around to catch it (`try { finally's body } catch ($e) { $r = $s; throw $e; }`).
 */
import type * as T from "@babel/types";
import { everyChild, t } from "./babel-types.js";

/**
 * Mends `node` (a try with a finalizer, its parts instrumented); `returned` is `$r`, `exit` the
 * function's exit label, `caught` the name of tsdb's catch parameters, `inTry` tells whether a try of the
 * same function is around `node`, `saved` a fresh name.
 */
export function restoreOnJumpOut(
  node: T.TryStatement,
  returned: string,
  exit: string,
  caught: string,
  inTry: () => boolean,
  saved: () => string,
): void {
  const finalizer = node.finalizer;
  if (!finalizer) return;
  if (!assigns(node.block, returned) && !(node.handler && assigns(node.handler.body, returned))) return;
  const jumps: { parent: T.Node; key: string; index: number | null }[] = [];
  findJumps(finalizer, exit, new Set(), false, false, jumps);
  const caughtAround = inTry();
  if (jumps.length === 0 && !caughtAround) return;
  const name = saved();
  const restore = () => t.expressionStatement(t.assignmentExpression("=", t.identifier(returned), t.identifier(name)));
  node.block.body.unshift(t.variableDeclaration("var", [t.variableDeclarator(t.identifier(name), t.identifier(returned))]));
  // Last first: an index in a list stays right while earlier ones are replaced.
  for (const { parent, key, index } of jumps.reverse()) {
    const holder = parent as unknown as Record<string, T.Statement | T.Statement[]>;
    const jump = index === null ? (holder[key] as T.Statement) : (holder[key] as T.Statement[])[index];
    const block = t.blockStatement([restore(), jump]);
    if (index === null) holder[key] = block;
    else (holder[key] as T.Statement[])[index] = block;
  }
  if (!caughtAround) return;
  const handler = t.catchClause(t.identifier(caught), t.blockStatement([restore(), t.throwStatement(t.identifier(caught))]));
  node.finalizer = t.blockStatement([t.tryStatement(finalizer, handler)]);
}

/** Is `name` assigned in `node` (not in a nested function)? */
function assigns(node: T.Node, name: string): boolean {
  if (t.isAssignmentExpression(node) && t.isIdentifier(node.left, { name })) return true;
  if (t.isFunction(node) || t.isClass(node)) return false;
  return !everyChild(node, (child) => !assigns(child, name));
}

/**
 * The `break`s and `continue`s in `node` (a statement of the finalizer) whose target is outside the
 * finalizer: `labels` are the labels declared inside it around `node`, `inLoop`/`inSwitch` whether
 * an unlabeled jump there stays inside. A `break` to the function's exit label is a `return`.
 */
function findJumps(
  node: T.Node,
  exit: string,
  labels: Set<string>,
  inLoop: boolean,
  inSwitch: boolean,
  out: { parent: T.Node; key: string; index: number | null }[],
): void {
  const visitChild = (parent: T.Node, key: string, index: number | null, child: T.Node): void => {
    if (t.isBreakStatement(child) || t.isContinueStatement(child)) {
      const label = child.label?.name;
      const stays = label !== undefined ? labels.has(label) || label === exit : t.isBreakStatement(child) ? inLoop || inSwitch : inLoop;
      if (!stays) out.push({ parent, key, index });
      return;
    }
    if (t.isFunction(child) || t.isClass(child)) return;
    let inner = labels;
    if (t.isLabeledStatement(child)) inner = new Set(labels).add(child.label.name);
    findJumps(child, exit, inner, inLoop || t.isLoop(child), inSwitch || t.isSwitchStatement(child), out);
  };
  for (const key of t.VISITOR_KEYS[node.type] ?? []) {
    const child = (node as unknown as Record<string, T.Node | T.Node[] | null>)[key];
    if (Array.isArray(child)) {
      for (let i = 0; i < child.length; i++) if (child[i]) visitChild(node, key, i, child[i]);
    } else if (child) visitChild(node, key, null, child);
  }
}
