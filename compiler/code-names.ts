/**
 * Code names: the name JavaScript infers for a function (`Code.name`) and a
 * Python-style dotted qualified name (`Code.qualname`).
 */
import type { NodePath } from "@babel/traverse";
import type * as T from "@babel/types";
import { everyChild, t } from "./babel-types.js";
import { propertyKeyName as keyName } from "../common/property-key.js";

/** The name JavaScript gives the function or class at `path` (ES "NamedEvaluation"), or null. */
export function inferredName(path: NodePath): string | null {
  const node = path.node;
  if ((t.isFunction(node) || t.isClass(node)) && "id" in node && node.id) return node.id.name;
  if (t.isObjectMethod(node) || t.isClassMethod(node) || t.isClassPrivateMethod(node)) {
    const name = keyName(node.key, "computed" in node ? node.computed === true : false);
    if (name === null) return null;
    if (node.kind === "get" || node.kind === "set") return `${node.kind} ${name}`;
    return name;
  }
  const parent = path.parentPath;
  if (!parent) return null;
  const p = parent.node;
  if (t.isVariableDeclarator(p) && p.init === node && t.isIdentifier(p.id)) return p.id.name;
  if (t.isAssignmentExpression(p) && p.right === node && p.operator === "=" && t.isIdentifier(p.left)) return p.left.name;
  if (t.isAssignmentExpression(p) && p.right === node && /^(\|\||&&|\?\?)=$/.test(p.operator) && t.isIdentifier(p.left)) return p.left.name;
  if (t.isAssignmentPattern(p) && p.right === node && t.isIdentifier(p.left)) return p.left.name;
  if (t.isObjectProperty(p) && p.value === node) return keyName(p.key, p.computed);
  if ((t.isClassProperty(p) || t.isClassPrivateProperty(p) || t.isClassAccessorProperty(p)) && p.value === node) {
    return keyName(p.key, "computed" in p ? p.computed : false);
  }
  if (t.isExportDefaultDeclaration(p)) return "default";
  // TypeScript leftovers such as `(x as T)` or `x!` keep the name of what they wrap.
  if (t.isParenthesizedExpression(p) || t.isTSAsExpression(p) || t.isTSNonNullExpression(p) || t.isTSSatisfiesExpression(p)) {
    return inferredName(parent);
  }
  return null;
}

/**
 * Is `node` an anonymous function or class (ES IsAnonymousFunctionDefinition), seen through
 * parentheses and TypeScript's type-only wrappers (`(() => 1) as F` is `() => 1` once they are
 * stripped)? Such an expression takes its `name` from what it initializes or is assigned to.
 */
export function isAnonymousDefinition(node: T.Expression): boolean {
  let e: T.Expression = node;
  while (
    t.isParenthesizedExpression(e) ||
    t.isTSAsExpression(e) ||
    t.isTSSatisfiesExpression(e) ||
    t.isTSNonNullExpression(e) ||
    t.isTSTypeAssertion(e)
  )
    e = e.expression;
  return t.isArrowFunctionExpression(e) || ((t.isFunctionExpression(e) || t.isClassExpression(e)) && !e.id);
}

/**
 * Would a function in `value` take its name from a variable `value` is assigned to? JavaScript
 * names an anonymous function or class so (`x = () => {}`: NamedEvaluation), and V8, for stack
 * traces and profiles, every function written in the value unless the value is a call
 * (`x = [() => {}]` runs as `at x`, `x = f(() => {})` as `at <anonymous>`). Assigned to a name of
 * tsdb's, such a value goes through the runtime's `unnamed` (a call), or is not moved at all.
 */
export function takesAssignedName(value: T.Expression): boolean {
  return !t.isCallExpression(value) && !t.isNewExpression(value) && holdsFunction(value);
}

function holdsFunction(node: T.Node): boolean {
  return t.isFunction(node) || t.isClass(node) || !everyChild(node, (child) => !holdsFunction(child));
}

/** The part a function or class contributes to the qualified names of what it contains. */
export function qualifiedName(path: NodePath, own: string): string {
  const parts: string[] = [own];
  let child: NodePath = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    if (p.isProgram()) break;
    if (p.isClass()) parts.unshift(inferredName(p) ?? "<anonymous>");
    else if (p.isFunction() && !isFieldWrapper(p)) parts.unshift((inferredName(p) ?? "<anonymous>") + ".<locals>");
    else if (p.isObjectExpression() && child.parentPath === p) {
      const name = inferredName(p);
      if (name !== null) parts.unshift(name);
    }
  }
  return parts.join(".");
}

/** Arrow functions tsdb makes to give a class field initializer a frame of its own. */
const fieldWrappers = new WeakSet<T.Node>();
export function markFieldWrapper(node: T.Node): void {
  fieldWrappers.add(node);
}
export function isFieldWrapper(path: NodePath): boolean {
  return fieldWrappers.has(path.node);
}
