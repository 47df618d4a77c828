/**
 * Statements that can neither throw nor run other code, so nothing can see
 * which line is current while they run: their line site needs no store to
 * `lines[d]` on the fast path (the runtime stores the line when it dispatches
 * the event). That is what keeps a tight loop's body at one store per
 * iteration (the loop head's).
 *
 * A binding is *plain* when it is a function's own `let`/`const`/`var` whose
 * every value is a plain expression: literals and plain bindings combined by
 * operators that, on such primitives (never BigInt, never Symbol, never an
 * object), call no user code and cannot throw. Found by a fixpoint over the
 * function's bindings.
 */
import type { Binding, NodePath, Scope } from "@babel/traverse";
import * as t from "@babel/types";

const SAFE_BINARY = new Set(["+", "-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>", "==", "!=", "===", "!==", "<", "<=", ">", ">="]);
const SAFE_UNARY = new Set(["-", "+", "~", "!", "void"]);
const SAFE_ASSIGN = new Set(["=", "+=", "-=", "*=", "/=", "%=", "**=", "|=", "&=", "^=", "<<=", ">>=", ">>>=", "&&=", "||=", "??="]);

type Plain = (name: string) => boolean;

function plainExpression(node: t.Node | null | undefined, plain: Plain): boolean {
  if (!node) return false;
  if (t.isNumericLiteral(node) || t.isStringLiteral(node) || t.isBooleanLiteral(node) || t.isNullLiteral(node)) return true;
  if (t.isIdentifier(node)) return plain(node.name);
  if (t.isParenthesizedExpression(node)) return plainExpression(node.expression, plain);
  if (t.isUnaryExpression(node)) return SAFE_UNARY.has(node.operator) && plainExpression(node.argument, plain);
  if (t.isBinaryExpression(node)) return SAFE_BINARY.has(node.operator) && plainExpression(node.left, plain) && plainExpression(node.right, plain);
  if (t.isLogicalExpression(node)) return plainExpression(node.left, plain) && plainExpression(node.right, plain);
  if (t.isConditionalExpression(node)) return plainExpression(node.test, plain) && plainExpression(node.consequent, plain) && plainExpression(node.alternate, plain);
  if (t.isSequenceExpression(node)) return node.expressions.every((e) => plainExpression(e, plain));
  if (t.isUpdateExpression(node)) return t.isIdentifier(node.argument) && plain(node.argument.name);
  if (t.isAssignmentExpression(node)) {
    return SAFE_ASSIGN.has(node.operator) && t.isIdentifier(node.left) && plain(node.left.name) && plainExpression(node.right, plain);
  }
  return false;
}

/** The plain bindings of a function (or program) scope's own block scopes. */
function plainBindings(fnPath: NodePath): Set<Binding> {
  const candidates: Binding[] = [];
  fnPath.traverse({
    Scopable(p) {
      if (p.isFunction() && p !== fnPath) {
        p.skip();
        return;
      }
      for (const binding of Object.values(p.scope.bindings)) {
        if (!["let", "const", "var"].includes(binding.kind) || !binding.path.isVariableDeclarator()) continue;
        if (!candidates.includes(binding)) candidates.push(binding);
      }
    },
    WithStatement() {
      candidates.length = 0;
    },
  });
  if (fnPath.isFunction()) for (const b of Object.values(fnPath.scope.bindings)) if (b.kind === "var" && b.path.isVariableDeclarator() && !candidates.includes(b)) candidates.push(b);
  let plain = new Set(candidates);
  for (;;) {
    const names = new Map<string, Binding>([...plain].map((b) => [b.identifier.name, b]));
    const isPlain = (scope: Scope) => (name: string) => {
      const b = scope.getBinding(name);
      return b !== undefined && plain.has(b) && names.get(name) === b;
    };
    const next = new Set<Binding>();
    for (const b of plain) {
      const declarator = b.path.node as t.VariableDeclarator;
      const initOk = declarator.init == null ? true : plainExpression(declarator.init, isPlain(b.path.scope));
      const writesOk = b.constantViolations.every((v) => {
        if (v.isUpdateExpression()) return true;
        if (v.isAssignmentExpression()) return SAFE_ASSIGN.has(v.node.operator) && t.isIdentifier(v.node.left) && plainExpression(v.node.right, isPlain(v.scope));
        return v.isVariableDeclarator() && plainExpression(v.node.init, isPlain(v.scope));
      });
      if (t.isIdentifier(declarator.id) && initOk && writesOk) next.add(b);
    }
    if (next.size === plain.size) return next;
    plain = next;
  }
}

const PLAIN = Symbol("tsdb.plain");

/** Can the statement at `path` (in a function's own code) neither throw nor run any other code? */
export function isSilent(path: NodePath, fnPath: NodePath): boolean {
  const node = path.node;
  if (!t.isExpressionStatement(node) && !t.isVariableDeclaration(node)) return false;
  const noted = fnPath.node as t.Node & { [PLAIN]?: Set<Binding> };
  const plain = (noted[PLAIN] ??= plainBindings(fnPath));
  const isPlain = (name: string) => {
    const b = path.scope.getBinding(name);
    return b !== undefined && plain.has(b);
  };
  if (t.isExpressionStatement(node)) return plainExpression(node.expression, isPlain);
  return node.declarations.every((d) => t.isIdentifier(d.id) && isPlain(d.id.name) && (d.init == null || plainExpression(d.init, isPlain)));
}
