/**
 * Calls that come before the module's own code has run. In an ES module import cycle, a module's
 * function declarations can be called (they are hoisted) while the module body, and so the
 * header that binds what instrumented code uses, has not run yet: the header's names are still
 * undefined. Such a function gets a plain copy, made before instrumentation, and starts with
 *
 *   if ($R === void 0) return new.target === void 0 ? $p.apply(this, arguments) : Reflect.construct($p, arguments, new.target);
 *
 * so that a call before the header exists runs the original code, untraced, as it would without
 * tsdb. A generator's body (where the header is first used) runs at its first `next()`: there the
 * test delegates to a plain generator instead (`return yield* $p.apply(this, arguments)`).
 * CommonJS modules need none of this: their header runs before any of their code can be reached.
 * One difference stays: parameter defaults run before the body, so on that early path they run
 * twice (the instrumented function's, then the copy's).
 */
import type { NodePath } from "@babel/traverse";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";
import type { FileContext } from "./file-context.js";

/**
 * Notes each top-level function declaration of a module that imports anything, with a copy of it
 * as it is now. A module that imports nothing (no `import`, no `export … from`) is in no cycle:
 * every module that can reach its functions imports it, and so runs after it (a bundle, the
 * commonest such module: chai's, marked's, whose copies made them 3× their source).
 */
export function copyTopLevelFunctions(program: NodePath<T.Program>, file: FileContext): T.FunctionDeclaration[] {
  if (program.node.sourceType !== "module" || !program.node.body.some(importsFrom)) return [];
  const copies: T.FunctionDeclaration[] = [];
  for (const statement of program.node.body) {
    const node = t.isExportNamedDeclaration(statement) || t.isExportDefaultDeclaration(statement) ? statement.declaration : statement;
    if (!t.isFunctionDeclaration(node) || node.id == null) continue;
    const name = file.names.other("p" + copies.length);
    const copy = t.cloneNode(node, true);
    copy.id = t.identifier(name);
    copies.push(copy);
    file.earlyCopies.set(node, name);
  }
  return copies;
}

/** True for a statement that makes its module depend on another. */
function importsFrom(statement: T.Statement): boolean {
  return (
    t.isImportDeclaration(statement) ||
    t.isExportAllDeclaration(statement) ||
    (t.isExportNamedDeclaration(statement) && statement.source != null)
  );
}

/** The statement that sends a call made before the module's header ran to the plain copy, or null. */
export function earlyCall(file: FileContext, node: T.Node): T.Statement | null {
  const copy = file.earlyCopies.get(node as T.Function);
  if (copy === undefined) return null;
  const apply = t.callExpression(t.memberExpression(t.identifier(copy), t.identifier("apply")), [
    t.thisExpression(),
    t.identifier("arguments"),
  ]);
  return t.ifStatement(
    t.binaryExpression("===", t.identifier(file.names.state), t.unaryExpression("void", t.numericLiteral(0))),
    t.returnStatement((node as T.Function).generator ? delegate(file, apply) : callOrConstruct(copy, apply)),
  );
}

/** `yield* copy.apply(this, arguments)`, which the visitors must not take for the program's own. */
function delegate(file: FileContext, apply: T.Expression): T.Expression {
  const expression = t.yieldExpression(apply, true);
  file.generated.add(expression);
  return expression;
}

/** `new.target === void 0 ? copy.apply(this, arguments) : Reflect.construct(copy, arguments, new.target)` */
function callOrConstruct(copy: string, apply: T.Expression): T.Expression {
  const newTarget = () => t.metaProperty(t.identifier("new"), t.identifier("target"));
  const construct = t.callExpression(t.memberExpression(t.identifier("Reflect"), t.identifier("construct")), [
    t.identifier(copy),
    t.identifier("arguments"),
    newTarget(),
  ]);
  return t.conditionalExpression(t.binaryExpression("===", newTarget(), t.unaryExpression("void", t.numericLiteral(0))), apply, construct);
}
