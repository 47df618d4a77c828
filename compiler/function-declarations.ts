/**
 * Where a function's own function declarations go when its body becomes a block (`$x: try { … }`).
 *
 * In the block they keep the body's `let`, `const` and classes (and tsdb's accessors of them) in
 * reach, and mean what they meant: every reference in the body sees them. Some must not be
 * block-scoped:
 * - one whose name is also a parameter or a `var` of the function: in a block the two would clash
 *   (a SyntaxError for a `var`), and a parameter must hold the function, as `arguments` shows;
 * - in sloppy code, one whose name a function declared in a nested block also has: that one's
 *   Annex B copy goes to the function-level binding (B.3.3), which the body must go on seeing;
 *   with a direct `eval` in the function, any of them (the evaluated code's blocks may declare any
 *   name, B.3.3.3; a `with` counts alike, as everywhere in the compiler: harmless).
 *
 * Such a declaration stays at the function's top level when it names nothing declared in the
 * block; otherwise it becomes `var f;` at the top level and `f = function () { … }` at the block's
 * start (the same function: its name "f" by the assignment, its text by its source mark), so that
 * what it names stays in reach. Before that assignment the binding does not hold the function yet:
 * the call event does not show it (it is not known there).
 */
import type { NodePath } from "@babel/traverse";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";
import { isDynamic } from "./frame-values.js";

export interface PlacedDeclarations {
  /** declarations that stay at the function's top level */
  top: T.Statement[];
  /** the body's statements, in the block */
  rest: T.Statement[];
  /** declarations assigned at the block's start (`f = function () {…}`) */
  assigned: T.FunctionDeclaration[];
}

/** Splits the body's statements; `entry` is what tsdb puts at the block's start (its accessors). */
export function placeDeclarations(path: NodePath, body: T.Statement[], entry: T.Statement[]): PlacedDeclarations {
  const sloppy = !path.isInStrictMode();
  const nested = sloppy ? nestedDeclarationNames(body) : new Set<string>();
  const evaluates = sloppy && isDynamic(path.node);
  const outside: T.FunctionDeclaration[] = [];
  const rest: T.Statement[] = [];
  for (const s of body) {
    if (t.isFunctionDeclaration(s) && s.id && (evaluates || mustLeaveBlock(path, s.id.name, nested))) outside.push(s);
    else rest.push(s);
  }
  if (outside.length === 0) return { top: [], rest, assigned: [] };
  const declared = new Set<string>();
  for (const s of [...entry, ...rest]) for (const name of lexicalNames(s)) declared.add(name);
  const top: T.Statement[] = [];
  const assigned: T.FunctionDeclaration[] = [];
  for (const d of outside) {
    if (!namesAny(d, declared)) top.push(d);
    else {
      top.push(t.variableDeclaration("var", [t.variableDeclarator(t.identifier(d.id!.name))]));
      assigned.push(d);
    }
  }
  return { top, rest, assigned };
}

/** `f = function () { … }` for a declaration `placeDeclarations` assigned. */
export function assignment(d: T.FunctionDeclaration): T.ExpressionStatement {
  const expression = t.functionExpression(null, d.params, d.body, d.generator, d.async);
  expression.loc = d.loc;
  expression.start = d.start;
  expression.end = d.end;
  const statement = t.expressionStatement(t.assignmentExpression("=", t.identifier(d.id!.name), expression));
  statement.loc = d.loc;
  return statement;
}

function mustLeaveBlock(path: NodePath, name: string, nested: Set<string>): boolean {
  const binding = path.scope.getOwnBinding(name);
  // Babel records the name as a `var` or a parameter when one is declared beside the function.
  if (binding !== undefined && (binding.kind !== "hoisted" || binding.constantViolations.some((v) => v.isVariableDeclarator())))
    return true;
  return nested.has(name);
}

/** Names of function declarations in blocks nested in `body` (not in nested functions or classes). */
function nestedDeclarationNames(body: T.Statement[]): Set<string> {
  const names = new Set<string>();
  const visit = (s: T.Node | null | undefined, top: boolean): void => {
    if (!s) return;
    if (t.isFunctionDeclaration(s)) {
      if (!top && s.id) names.add(s.id.name);
      return;
    }
    if (t.isBlockStatement(s)) for (const x of s.body) visit(x, false);
    else if (t.isIfStatement(s)) {
      visit(s.consequent, false);
      visit(s.alternate, false);
    } else if (t.isSwitchStatement(s)) for (const c of s.cases) for (const x of c.consequent) visit(x, false);
    else if (t.isTryStatement(s)) {
      visit(s.block, false);
      visit(s.handler?.body, false);
      visit(s.finalizer, false);
    } else if (t.isLabeledStatement(s)) visit(s.body, top);
    else if (t.isLoop(s) || t.isWithStatement(s)) visit(s.body, false);
  };
  for (const s of body) visit(s, true);
  return names;
}

/** The names a statement of the block declares in the block itself (`let`, `const`, classes, functions). */
function lexicalNames(s: T.Statement): string[] {
  if (t.isVariableDeclaration(s) && s.kind !== "var") return Object.keys(t.getBindingIdentifiers(s));
  if ((t.isClassDeclaration(s) || t.isFunctionDeclaration(s)) && s.id) return [s.id.name];
  return [];
}

/** True when an identifier in `node` has one of `names` (a key named so counts too: it may only cost the call event's value). */
function namesAny(node: T.Node, names: Set<string>): boolean {
  let found = false;
  t.traverseFast(node, (n) => {
    if (!found && t.isIdentifier(n) && names.has(n.name)) found = true;
  });
  return found;
}
