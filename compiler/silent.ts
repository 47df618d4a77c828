/**
 * Statements that can neither throw nor run other code, so nothing can see
 * which line is current while they run: their line site needs no store to
 * `lines[d]` on the fast path (the runtime stores the line when it dispatches
 * the event). That is what keeps a tight loop's body at one store per
 * iteration (the loop head's).
 *
 * A binding is *plain* when it is a function's own `let`/`const`/`var` that
 * only ever holds a primitive that is neither BigInt nor Symbol (whatever the
 * code computing it may do on the way); a *silent* statement combines plain
 * bindings and literals with operators that, on such values, call no user code
 * and cannot throw. Plain bindings are found by a fixpoint over the function's
 * bindings.
 */
import type { Binding, NodePath, Scope } from "@babel/traverse";
import type * as T from "@babel/types";
import { everyChild, t } from "./babel-types.js";
import { scopeMadeBy } from "./frame-values.js";

const SAFE_BINARY = new Set([
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "|",
  "&",
  "^",
  "<<",
  ">>",
  ">>>",
  "==",
  "!=",
  "===",
  "!==",
  "<",
  "<=",
  ">",
  ">=",
]);
const SAFE_UNARY = new Set(["-", "+", "~", "!", "void"]);
const SAFE_ASSIGN = new Set(["=", "+=", "-=", "*=", "/=", "%=", "**=", "|=", "&=", "^=", "<<=", ">>=", ">>>=", "&&=", "||=", "??="]);

type Plain = (name: string) => boolean;

function plainExpression(node: T.Node | null | undefined, plain: Plain): boolean {
  if (!node) return false;
  if (t.isNumericLiteral(node) || t.isStringLiteral(node) || t.isBooleanLiteral(node) || t.isNullLiteral(node)) return true;
  if (t.isIdentifier(node)) return plain(node.name);
  if (t.isParenthesizedExpression(node)) return plainExpression(node.expression, plain);
  if (t.isUnaryExpression(node)) return SAFE_UNARY.has(node.operator) && plainExpression(node.argument, plain);
  if (t.isBinaryExpression(node))
    return SAFE_BINARY.has(node.operator) && plainExpression(node.left, plain) && plainExpression(node.right, plain);
  if (t.isLogicalExpression(node)) return plainExpression(node.left, plain) && plainExpression(node.right, plain);
  if (t.isConditionalExpression(node))
    return plainExpression(node.test, plain) && plainExpression(node.consequent, plain) && plainExpression(node.alternate, plain);
  if (t.isSequenceExpression(node)) return node.expressions.every((e) => plainExpression(e, plain));
  if (t.isUpdateExpression(node)) return t.isIdentifier(node.argument) && plain(node.argument.name);
  if (t.isAssignmentExpression(node)) {
    return SAFE_ASSIGN.has(node.operator) && t.isIdentifier(node.left) && plain(node.left.name) && plainExpression(node.right, plain);
  }
  return false;
}

const COMPARISON = new Set(["==", "!=", "===", "!==", "<", "<=", ">", ">=", "in", "instanceof"]);

/**
 * Is the *value* of `node` always a plain primitive (whatever it may run or throw on the way)?
 * Arithmetic with one plain (never BigInt) operand cannot give a BigInt: mixing throws.
 */
function plainValue(node: T.Node | null | undefined, plain: Plain): boolean {
  if (!node) return true;
  if (plainExpression(node, plain) || t.isTemplateLiteral(node)) return true;
  if (t.isParenthesizedExpression(node)) return plainValue(node.expression, plain);
  if (t.isBinaryExpression(node)) {
    if (COMPARISON.has(node.operator)) return true;
    return plainValue(node.left, plain) || plainValue(node.right, plain);
  }
  if (t.isUnaryExpression(node)) return ["!", "typeof", "void", "+", "delete"].includes(node.operator) || plainValue(node.argument, plain);
  if (t.isLogicalExpression(node)) return plainValue(node.left, plain) && plainValue(node.right, plain);
  if (t.isConditionalExpression(node)) return plainValue(node.consequent, plain) && plainValue(node.alternate, plain);
  return false;
}

const CANDIDATE_KINDS = new Set(["let", "const", "var"]);

/**
 * The let/const/var bindings made by a declarator in the scopes of a function's own code (nested
 * functions have theirs), in the order a traversal meets those scopes; a with statement drops those
 * met before it. A walk over the nodes with the scopes `classify` met (a traversal per function
 * cost as much as a traversal of the whole file: ~3 s of typescript.js's, bench/FINDINGS.md §31);
 * null when a scope in it was made since (a node the visitors made or moved): then the traversal.
 */
function walkedCandidates(fnPath: NodePath): Binding[] | null {
  const candidates: Binding[] = [];
  const seen = new Set<Binding>();
  const walk = (node: T.Node, parent: T.Node, scope: Scope): boolean => {
    if (t.isFunction(node)) return true;
    if (t.isWithStatement(node)) {
      candidates.length = 0;
      seen.clear();
    }
    if (t.isScopable(node)) {
      // (a function's body block and a catch clause's are in the function's and the clause's scope)
      if (t.isScope(node, parent)) {
        const own = scopeMadeBy(node);
        if (own !== undefined && own.path.parent !== parent) return false;
        if (own === undefined) {
          // A block the visitors put around a statement (`if (a) b;`): the scope a traversal makes for
          // it would hold its declarations, and make again those of the scopes inside it.
          if (!t.isBlockStatement(node) || declaresOrHoldsScopes(node)) return false;
          return walkChildren(node, scope);
        }
        scope = own;
      }
      for (const binding of Object.values(scope.bindings)) {
        if (!CANDIDATE_KINDS.has(binding.kind) || seen.has(binding) || !binding.path.isVariableDeclarator()) continue;
        seen.add(binding);
        candidates.push(binding);
      }
    }
    return walkChildren(node, scope);
  };
  const walkChildren = (node: T.Node, scope: Scope) => everyChild(node, (child) => walk(child, node, scope));
  return walkChildren(fnPath.node, fnPath.scope) ? candidates : null;
}

/** Is there a declaration or a scope in the code under `node` (other than in functions)? */
function declaresOrHoldsScopes(node: T.Node): boolean {
  return !everyChild(
    node,
    (child) =>
      (t.isFunction(child) && !t.isFunctionDeclaration(child)) ||
      !(t.isDeclaration(child) || t.isScopable(child) || declaresOrHoldsScopes(child)),
  );
}

/** The same as `walkedCandidates`, by a traversal (for code with scopes made since `classify`). */
function traversedCandidates(fnPath: NodePath): Binding[] {
  const candidates: Binding[] = [];
  fnPath.traverse({
    Scopable(p) {
      if (p.isFunction() && p !== fnPath) {
        p.skip();
        return;
      }
      for (const binding of Object.values(p.scope.bindings)) {
        if (!CANDIDATE_KINDS.has(binding.kind) || !binding.path.isVariableDeclarator()) continue;
        if (!candidates.includes(binding)) candidates.push(binding);
      }
    },
    WithStatement() {
      candidates.length = 0;
    },
  });
  return candidates;
}

/** The plain bindings of a function (or program) scope's own block scopes. */
function plainBindings(fnPath: NodePath): Set<Binding> {
  const candidates = walkedCandidates(fnPath) ?? traversedCandidates(fnPath);
  if (fnPath.isFunction()) {
    const listed = new Set(candidates);
    for (const b of Object.values(fnPath.scope.bindings))
      if (b.kind === "var" && b.path.isVariableDeclarator() && !listed.has(b)) candidates.push(b);
  }
  let plain = new Set(candidates);
  for (;;) {
    const names = new Map<string, Binding>([...plain].map((b) => [b.identifier.name, b]));
    const isPlain = (scope: Scope) => (name: string) => {
      const b = scope.getBinding(name);
      return b !== undefined && plain.has(b) && names.get(name) === b;
    };
    const next = new Set<Binding>();
    for (const b of plain) {
      const declarator = b.path.node as T.VariableDeclarator;
      const initOk = plainValue(declarator.init, isPlain(b.path.scope));
      const writesOk = b.constantViolations.every((v) => {
        if (v.isUpdateExpression()) return true;
        if (v.isAssignmentExpression()) {
          const { operator, left, right } = v.node;
          if (!SAFE_ASSIGN.has(operator) || !t.isIdentifier(left)) return false;
          // `x op= y` keeps x plain when `x op y` is plain-valued: x is one operand.
          return operator === "=" || operator === "&&=" || operator === "||=" || operator === "??="
            ? plainValue(right, isPlain(v.scope))
            : true;
        }
        return v.isVariableDeclarator() && plainValue(v.node.init, isPlain(v.scope));
      });
      if (t.isIdentifier(declarator.id) && initOk && writesOk) next.add(b);
    }
    if (next.size === plain.size) return next;
    plain = next;
  }
}

const PLAIN = Symbol("tsdb.plain");

function plainOf(fnPath: NodePath): Set<Binding> {
  const noted = fnPath.node as T.Node & { [PLAIN]?: Set<Binding> };
  return (noted[PLAIN] ??= plainBindings(fnPath));
}

function silentStatement(node: T.Node, isPlain: Plain): boolean {
  if (t.isExpressionStatement(node)) return plainExpression(node.expression, isPlain);
  if (!t.isVariableDeclaration(node)) return false;
  return node.declarations.every((d) => t.isIdentifier(d.id) && isPlain(d.id.name) && (d.init == null || plainExpression(d.init, isPlain)));
}

/** Can the statement at `path` (in a function's own code) neither throw nor run any other code? */
export function isSilent(path: NodePath, fnPath: NodePath): boolean {
  const plain = plainOf(fnPath);
  return silentStatement(path.node, (name) => {
    const b = path.scope.getBinding(name);
    return b !== undefined && plain.has(b);
  });
}

function inside(inner: NodePath, outer: NodePath): boolean {
  return inner.findParent((p) => p === outer) !== null;
}

/**
 * A loop that needs no site at all while nothing traces its lines: its init, test, update and
 * body (silent statements only) can neither throw nor run other code, provided that the bindings
 * returned — read in the loop, written nowhere in it, of unknown type — hold primitives when it
 * starts (checked at run time). Null when the loop is not such a loop.
 */
export function plainLoop(loop: NodePath<T.Loop>, fnPath: NodePath): string[] | null {
  if (!loop.isForStatement() && !loop.isWhileStatement()) return null;
  if (loop.parentPath.isLabeledStatement()) return null;
  const plain = plainOf(fnPath);
  const guards = new Set<string>();
  const isPlain: Plain = (name) => {
    const b = loop.scope.getBinding(name);
    if (b === undefined) return false;
    if (plain.has(b)) return true;
    if (!["param", "var", "let", "const"].includes(b.kind)) return false;
    if (b.constantViolations.some((v) => inside(v, loop))) return false;
    guards.add(name);
    return true;
  };
  const node = loop.node;
  if (t.isForStatement(node)) {
    if (node.init && !(t.isVariableDeclaration(node.init) ? silentStatement(node.init, isPlain) : plainExpression(node.init, isPlain)))
      return null;
    if (node.update && !plainExpression(node.update, isPlain)) return null;
  }
  if (node.test && !plainExpression(node.test, isPlain)) return null;
  const body = t.isBlockStatement(node.body) ? node.body.body : [node.body];
  if (!body.every((s) => silentStatement(s, isPlain))) return null;
  return [...guards];
}

/**
 * A plain loop that ends by itself: `for (let i = start; i < bound; i++)` (or `<=`, or counting
 * down with `>`/`>=`, or `+=`/`-=` a positive literal) where neither `i` nor `bound` (a binding
 * or a finite literal) is assigned in the body. Its plain copy tests the interrupt flag once
 * every few thousand iterations, not at each (emit.ts `chunked`): on a loop of one arithmetic
 * statement a load per iteration costs as much as the statement (bench/FINDINGS.md §12).
 */
export function countedLoop(loop: NodePath<T.Loop>): boolean {
  const node = loop.node;
  if (!t.isForStatement(node) || !t.isVariableDeclaration(node.init) || node.init.kind !== "let") return false;
  if (node.init.declarations.length !== 1) return false;
  const decl = node.init.declarations[0];
  if (!t.isIdentifier(decl.id) || !t.isBinaryExpression(node.test) || !t.isIdentifier(node.test.left, { name: decl.id.name })) return false;
  const name = decl.id.name;
  const op = node.test.operator;
  const up = op === "<" || op === "<=";
  if (!up && op !== ">" && op !== ">=") return false;
  const update = node.update;
  let step: boolean | null = null;
  if (t.isUpdateExpression(update) && t.isIdentifier(update.argument, { name })) step = update.operator === "++";
  else if (
    t.isAssignmentExpression(update) &&
    t.isIdentifier(update.left, { name }) &&
    (update.operator === "+=" || update.operator === "-=") &&
    t.isNumericLiteral(update.right) &&
    update.right.value > 0
  )
    step = update.operator === "+=";
  if (step !== up) return false;
  const bound = node.test.right;
  const body = loop.get("body");
  const assignedInBody = (id: string) => {
    const b = loop.scope.getBinding(id);
    return b === undefined || b.constantViolations.some((v) => inside(v, body));
  };
  if (t.isNumericLiteral(bound)) return Number.isFinite(bound.value) && !assignedInBody(name);
  return t.isIdentifier(bound) && bound.name !== name && !assignedInBody(name) && !assignedInBody(bound.name);
}
