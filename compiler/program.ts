/**
 * The whole-file part of instrumentation: run the visitors, then give the
 * module its own frame and the header that registers the file with the
 * runtime and binds what the generated code uses.
 */
import { type Marked, markRanges, originalRanges } from "./source-text.js";
import { generate } from "@babel/generator";
import traverse, { type NodePath, type Visitor, visitors } from "@babel/traverse";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";
import { takesAssignedName } from "./code-names.js";
import { shareIdentifiers } from "./identifiers.js";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import {
  CODE_FLAT_VALUES,
  CODES_MARK,
  RUNTIME_GLOBAL,
  runtimeMissing,
  TABLES_MARK,
  type TablesBeside,
  VALUE_STRIDE_BITS,
} from "../contract/index.js";
import type { FileContext, FunctionContext } from "./file-context.js";
import { copyTopLevelFunctions } from "./early.js";
import { epilogue, exceptionHook, prologue, rt } from "./emit.js";
import { chooseNames } from "./generated-names.js";
import { classify, layoutOf, store, valuesOf } from "./frame-values.js";
import { ownBindings } from "./snapshot.js";
import { encodeCodes, encodeRowTable, rowTable } from "./tables.js";
import { finishSites, insertSites, directOnlyMarker, openFunction, usesTemporary, visitor } from "./visitors.js";
import { releaseContexts } from "./path-contexts.js";

/** The visitors' traversal, with the paths' arrays trimmed behind it (merged once, not per file). */
const passVisitor = visitors.merge([visitor, releaseContexts]);

export interface ProgramOptions {
  /** absolute path of the original file, or `<string>` */
  filename: string;
  /** path relative to the working directory (what `skip` globs match) */
  module: string;
  /** specifier the generated code imports the runtime from */
  runtime: string;
  /** the file's source text (to choose names that do not clash with it) */
  source: string;
  /** a classic script (its top level is the realm's global scope): names unique to the file */
  script: boolean;
  /** known to be CommonJS (its top-level functions are not globals, whatever its extension) */
  commonjs: boolean;
  /** the scopes of the parse still hold (no other plugin changed the tree): no second crawl */
  fresh: boolean;
  /** the output is printed without layout (see emit.ts `reload`) */
  compact: boolean;
  /** the tables go to this file, the header naming it (contract TablesBeside), or null: in the header */
  tablesFile: string | null;
}

export interface ProgramResult {
  /** what `options.tablesFile` must hold when the tables go there (contract TablesBeside), else null */
  beside: Uint8Array | null;
  /** the program has an `import()` (as the source wrote it: before tsdb's code) */
  dynamicImport: boolean;
}

export function instrumentProgram(program: NodePath<T.Program>, options: ProgramOptions): ProgramResult {
  shareIdentifiers(options.fresh);
  let result: ProgramResult;
  try {
    result = instrumentTree(program, options);
  } finally {
    shareIdentifiers(false);
  }
  // Nothing else in the pass walks the tree after this: Babel's paths and scopes (a third of the
  // heap on a big file) can go before the output is printed, not after (bench/FINDINGS.md §31).
  if (options.fresh) traverse.default.cache.clearPath();
  return result;
}

function instrumentTree(program: NodePath<T.Program>, options: ProgramOptions): ProgramResult {
  if (!options.fresh) program.scope.crawl();
  const ranges: Marked[] = [];
  const file: FileContext = {
    names: chooseNames(options.source, options.script ? options.filename : undefined),
    codes: [],
    rows: rowTable(),
    entryNumbers: new WeakMap(),
    scopeIndex: new Map([["\u0001", 0]]),
    siteIds: new Map(),
    siteVariants: new Map(),
    loopCount: 0,
    savedReturns: 0,
    functions: [],
    generated: new WeakSet(),
    runtimeUsed: new Set(),
    earlyCopies: new Map(),
    compact: options.compact,
    uses: { dynamicImport: false, importMeta: false },
  };
  // The module's `this` (undefined in an ES module, `module.exports` in CommonJS) has a slot.
  const moduleFn = openFunction(file, program, "<module>", "<module>", 0, false, "direct");
  file.codes[0][2] = 1;
  const copies = copyTopLevelFunctions(program, file);
  const marker = directOnlyMarker(program, options.filename, options.commonjs);
  classify(program, file.names.other(""), [
    ...(marker ? [marker] : []),
    sourceUses(file.uses),
    originalRanges(options.source, ranges),
    releaseContexts,
  ]);
  const layout = layoutOf(program.node);
  layout.thisSlot = layout.size++;
  if (valuesOf(program.node, file.names).offset !== null) file.codes[0][4] |= CODE_FLAT_VALUES;
  program.traverse(passVisitor, file);
  // A script's top level ends (normally or by an exception) by giving back the depth of the
  // evaluation it interrupted, if any (see scriptBody).
  const restore = options.script ? restoreOuter(file, program) : [];
  const body = guardStatements(file, moduleFn, insertSites(program.node.body), restore);
  const pro = prologue(
    file,
    moduleFn,
    1,
    -Infinity,
    ownBindings(program, moduleFn),
    false,
    [store(valuesOf(program.node, file.names), layout.thisSlot, t.thisExpression())],
    usesTemporary(program.node),
  );
  moduleFn.sites.push(pro.site);
  finishSites(file, moduleFn);
  const end = epilogue(file, moduleFn, null);
  const repair = t.expressionStatement(rt(file, "enterModule", []));
  const code = [repair, ...pro.enter, ...body, ...end, ...restore, ...copies];
  const tables = encodeRowTable(
    file.rows,
    new Map([...file.siteIds].map(([key, site]) => [site, Number(key.slice(key.indexOf(":") + 1))])),
  );
  const codes = JSON.stringify(encodeCodes(file.codes));
  const path = options.tablesFile !== null && !options.script ? options.tablesFile : null;
  const beside = path === null ? null : besideFile(path, codes, tables);
  const [runtime, constants] = header(
    file,
    program,
    options,
    beside === null
      ? [textNode(CODES_MARK, codes, options.script, file.compact), textNode(TABLES_MARK, tables, options.script, file.compact)]
      : [t.numericLiteral(0), t.valueToNode(beside.header)],
  );
  program.node.body = options.script ? scriptBody(file, runtime, constants, code) : [runtime, constants, ...code];
  markRanges(ranges, options.filename);
  return { beside: beside === null ? null : beside.bytes, dynamicImport: file.uses.dynamicImport };
}

/** Statements that may stand in a block without changing what their declarations mean. */
function blockable(s: T.Statement): boolean {
  if (t.isVariableDeclaration(s)) return s.kind === "var";
  return !(t.isDeclaration(s) || t.isImportDeclaration(s) || t.isExportDeclaration(s));
}

/**
 * The top level of a module cannot be one try/finally (imports, exports and hoisted declarations
 * must stay where they are), but each run of statements that can stand in a block gets a
 * `try { ... } catch (e) { report; leave; throw e }`: an exception leaving the module from there
 * gets its `exception` and `return` events and pops the frame, as in any function. A `let` or
 * `const` declaration (exported or not) stays where it is, one per declarator; each initializer is
 * computed just before it, in such a run: `let $i; try { $i = init; } catch ...; const x = $i;`. A
 * class declaration becomes `let A = $i` the same way, `$i` being the class as an expression.
 */
function guardStatements(file: FileContext, fn: FunctionContext, body: T.Statement[], restore: T.Statement[]): T.Statement[] {
  const out: T.Statement[] = [];
  let run: T.Statement[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const e = file.names.caught;
    const handler = t.catchClause(
      t.identifier(e),
      t.blockStatement([
        ...exceptionHook(file, fn, e, true),
        ...epilogue(file, fn, null),
        ...restore.map((r) => t.cloneNode(r, true)),
        t.throwStatement(t.identifier(e)),
      ]),
    );
    out.push(t.tryStatement(t.blockStatement(run), handler));
    run = [];
  };
  let temporaries = 0;
  for (const s of body.flatMap(oneDeclaratorEach)) {
    if (blockable(s)) {
      run.push(s);
      continue;
    }
    const declaration = t.isExportNamedDeclaration(s) ? s.declaration : s;
    // Computes `value` in the run, into a temporary declared before it; returns the temporary.
    const guard = (value: T.Expression) => {
      const temporary = file.names.other("i" + temporaries++);
      out.push(t.variableDeclaration("let", [t.variableDeclarator(t.identifier(temporary))]));
      const assignment = t.expressionStatement(t.assignmentExpression("=", t.identifier(temporary), value));
      assignment.loc = assignment.expression.loc = value.loc; // what an error thrown there points at
      run.push(assignment);
      return t.identifier(temporary);
    };
    let statement = s;
    if (t.isVariableDeclaration(declaration)) {
      const only = declaration.declarations[0];
      if (only.init && canGuard(only.init)) only.init = guard(only.init);
    } else if (t.isClassDeclaration(declaration) && declaration.id && !declaration.decorators?.length) {
      // `class A {}` → `let A = $i` with `$i = class A {}` guarded: the same mutable binding and TDZ,
      // and the named class expression keeps the class's own inner binding and name.
      const expression = t.classExpression(declaration.id, declaration.superClass, declaration.body);
      expression.loc = declaration.loc;
      const binding = t.inherits(
        t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(declaration.id), guard(expression))]),
        declaration,
      );
      if (t.isExportNamedDeclaration(s)) s.declaration = binding;
      else statement = binding;
    }
    flush();
    out.push(statement);
  }
  flush();
  return out;
}

/**
 * `const a = f(), b = g(a);` as `const a = f(); const b = g(a);` (exported the same way): the same
 * bindings, initialized in the same order, so that each initializer can be guarded on its own.
 */
function oneDeclaratorEach(s: T.Statement): T.Statement[] {
  const declaration = t.isExportNamedDeclaration(s) ? s.declaration : s;
  if (
    !t.isVariableDeclaration(declaration) ||
    !(declaration.kind === "let" || declaration.kind === "const") ||
    declaration.declarations.length === 1
  )
    return [s];
  return declaration.declarations.map((declarator, i) => {
    const one = t.variableDeclaration(declaration.kind, [declarator]);
    const statement = t.isExportNamedDeclaration(s) ? t.exportNamedDeclaration(one) : one;
    return i === 0 ? t.inherits(statement, s) : statement;
  });
}

/**
 * Is an initializer worth guarding, and can it move to an assignment unchanged? Not a literal
 * (nothing to report), nor a value with a function that would take its name from the temporary
 * (a function or class, or one written in the value: code-names.ts `takesAssignedName`).
 */
function canGuard(init: T.Expression): boolean {
  if (t.isLiteral(init) && !t.isTemplateLiteral(init)) return false;
  return !takesAssignedName(init);
}

/**
 * `(i, value, write) => { switch (i) { case 0: return write ? a = value : a; ... case 7: return K; } }`:
 * how `frame.eval` reaches the module's own bindings from any frame of the file, by their number in
 * the names list that goes with it. The writable ones come first, and how many they are: the
 * runtime raises the engine's TypeError for an assignment to any other (a `const`, a class, an
 * import), which is then just read.
 */
function moduleAccess(file: FileContext, program: NodePath<T.Program>): [T.Expression, T.Expression, T.Expression] {
  const id = (name: string) => t.identifier(name);
  const [index, value, write] = [file.names.other("n"), file.names.other("a"), file.names.other("w")];
  const bindings = Object.values(program.scope.bindings).filter((b) => ["var", "let", "const", "hoisted", "module"].includes(b.kind));
  const entries: [string, boolean][] = bindings.map((b) => [
    b.identifier.name,
    b.kind === "var" || b.kind === "hoisted" || (b.kind === "let" && !b.path.isClassDeclaration()),
  ]);
  // CommonJS: the module wrapper's parameters (a plain script has none: reading them then throws, the runtime reads that as absent).
  if (program.node.sourceType !== "module")
    for (const cjs of ["require", "module", "exports", "__filename", "__dirname"])
      if (!program.scope.hasBinding(cjs)) entries.push([cjs, true]);
  const names = [...entries.filter(([, writable]) => writable), ...entries.filter(([, writable]) => !writable)].map(([n]) => n);
  const writable = entries.filter(([, w]) => w).length;
  const cases = names.map((n, i) => {
    const read = id(n);
    const assigned = i < writable ? t.conditionalExpression(id(write), t.assignmentExpression("=", id(n), id(value)), read) : read;
    return t.switchCase(t.numericLiteral(i), [t.returnStatement(assigned)]);
  });
  // An ES module's `import.meta`, for frame.eval, where the module uses it (a module compiled to
  // CommonJS after tsdb, as the load hook does for TypeScript in a CommonJS package, has none).
  if (program.node.sourceType === "module" && file.uses.importMeta) {
    cases.push(t.switchCase(t.numericLiteral(names.length), [t.returnStatement(t.metaProperty(id("import"), id("meta")))]));
    names.push("import.meta");
  }
  const access = t.arrowFunctionExpression([id(index), id(value), id(write)], t.blockStatement([t.switchStatement(id(index), cases)]));
  return [t.valueToNode(names), t.numericLiteral(writable), access];
}

/**
 * A classic script's code: the same statements without a top-level declaration of tsdb's. Its
 * top level is the realm's global scope, where a `const` or `let` is a global lexical binding that
 * a second evaluation of the script would declare again (a SyntaxError before any of its code
 * runs), and a `var` a property of the global object (the program would see it). So the header's
 * constants, and as `let`s the names each evaluation assigns (the frame's depth and values, the
 * temporaries of guarded initializers), go to a header the runtime evaluates as a Script of its
 * own, once per realm (runtime/script-header.ts), given as text by the script's first statement:
 *
 *   <the runtime>.script("$t<key>$", "const $t<key>$T = …, …; let $t<key>$d, …;", {});
 *
 * (the object literal tells the runtime the script's realm). The script keeps the rest, with each
 * such declaration made an assignment. An evaluation that starts while another is running (the
 * script evaluates itself) keeps the outer one's depth, by its own, in `$t<key>$outer`, and gives
 * it back when it ends (`restoreOuter`).
 */
function scriptBody(file: FileContext, runtime: T.Statement, constants: T.VariableDeclaration, code: T.Statement[]): T.Statement[] {
  const n = file.names;
  const prefix = n.other("");
  const assigned: T.VariableDeclarator[] = [];
  const body: T.Statement[] = [];
  for (const statement of code) {
    const ours =
      t.isVariableDeclaration(statement) && statement.declarations.every((d) => t.isIdentifier(d.id) && d.id.name.startsWith(prefix));
    if (!ours) {
      body.push(statement);
      continue;
    }
    for (const d of statement.declarations) {
      const name = (d.id as T.Identifier).name;
      assigned.push(t.variableDeclarator(t.identifier(name)));
      // Saves the interrupted evaluation's depth (undefined when none) under this one's.
      if (name === n.depth)
        body.push(
          t.expressionStatement(
            t.assignmentExpression(
              "=",
              t.memberExpression(
                t.identifier(n.other("outer")),
                t.binaryExpression("+", t.memberExpression(t.identifier(n.state), t.identifier("sp")), t.numericLiteral(1)),
                true,
              ),
              t.identifier(n.depth),
            ),
          ),
        );
      if (d.init) body.push(t.expressionStatement(t.assignmentExpression("=", t.identifier(name), d.init)));
    }
  }
  const outer = t.objectExpression([t.objectProperty(t.identifier("__proto__"), t.nullLiteral())]);
  constants.declarations.push(t.variableDeclarator(t.identifier(n.other("outer")), outer));
  const text = generate(t.program([runtime, constants, t.variableDeclaration("let", assigned)]), {
    comments: false,
    jsescOption: { minimal: false },
  }).code;
  const runtimeExpression = (runtime as T.VariableDeclaration).declarations[0].init as T.Expression;
  const call = t.callExpression(t.memberExpression(runtimeExpression, t.identifier("script")), [
    t.stringLiteral(prefix),
    t.stringLiteral(text),
    t.objectExpression([]),
  ]);
  return [t.expressionStatement(call), ...body];
}

/**
 * A table as the header passes it (contract TABLES_MARK, CODES_MARK): the comment of a function
 * never called when tsdb prints the output itself, compact (the hook's entries, `tsdb-instrument`),
 * or a string: a classic script's header is itself a string, evaluated by the runtime, and what the
 * Babel plugin or `instrument()` prints with layout goes on through a user's build, whose
 * minifier may drop comments.
 */
function textNode(mark: string, text: string, script: boolean, compact: boolean): T.Expression {
  if (!compact || script || !/^[\x20-\x7e]*$/.test(text) || text.includes("*/")) return t.stringLiteral(text);
  const body = t.blockStatement([]);
  t.addComment(body, "inner", mark + text);
  return t.arrowFunctionExpression([], body);
}

/** The tables kept in the file `path` (contract TablesBeside): what it holds, and what the header passes. */
function besideFile(path: string, codes: string, tables: string): { bytes: Uint8Array; header: TablesBeside } {
  const parts = [deflateRawSync(codes), deflateRawSync(tables)];
  const digest = (part: Uint8Array) => createHash("sha256").update(part).digest("hex");
  return { bytes: Buffer.concat(parts), header: [path, parts[0].length, digest(parts[0]), digest(parts[1])] };
}

/**
 * `if (($d = $outer[$d]) !== void 0) $o = $d << 4;`: a script's evaluation, ending, gives back the
 * depth (and values) of the evaluation of the same script it interrupted, if any.
 */
function restoreOuter(file: FileContext, program: NodePath<T.Program>): T.Statement[] {
  const n = file.names;
  const depth = t.identifier(n.depth);
  const back = t.assignmentExpression("=", depth, t.memberExpression(t.identifier(n.other("outer")), t.identifier(n.depth), true));
  const values = valuesOf(program.node, n);
  const again: T.Statement[] = [];
  if (values.offset !== null)
    again.push(
      t.expressionStatement(
        t.assignmentExpression(
          "=",
          t.identifier(values.offset),
          t.binaryExpression("<<", t.identifier(n.depth), t.numericLiteral(VALUE_STRIDE_BITS)),
        ),
      ),
    );
  else if (layoutOf(program.node).size > 0)
    again.push(
      t.expressionStatement(
        t.assignmentExpression(
          "=",
          t.identifier(values.array),
          t.logicalExpression(
            "||",
            t.memberExpression(t.identifier(n.values), t.identifier(n.depth), true),
            rt(file, "vals", [t.identifier(n.depth)]),
          ),
        ),
      ),
    );
  const test = t.binaryExpression("!==", back, t.unaryExpression("void", t.numericLiteral(0)));
  return [again.length > 0 ? t.ifStatement(test, t.blockStatement(again)) : t.expressionStatement(back)];
}

function header(
  file: FileContext,
  program: NodePath<T.Program>,
  options: ProgramOptions,
  /** the code table and the scope tables as `file()` takes them */
  tables: [T.Expression, T.Expression],
): [T.Statement, T.VariableDeclaration] {
  const sourceType = program.node.sourceType;
  const n = file.names;
  const id = (name: string) => t.identifier(name);
  const T = id(n.runtime);
  const member = (object: T.Expression, name: string) => t.memberExpression(object, id(name));
  // `var`, not `const`: every read of a `const` the functions of the file share is checked for its
  // TDZ in V8's interpreter and baseline code (one more bytecode per read, and the header's names
  // are read at every statement: `tsc -p` 7–14 % faster with `var`), while optimized code is the same
  // (bench/FINDINGS.md §48). A classic script's are global lexical bindings: `var` would make
  // them properties of the global object, which the program can see.
  const kind = options.script ? "const" : "var";
  const runtime =
    sourceType === "module"
      ? t.importDeclaration([t.importNamespaceSpecifier(T)], t.stringLiteral(options.runtime))
      : t.variableDeclaration(kind, [
          t.variableDeclarator(
            T,
            t.conditionalExpression(
              t.binaryExpression("===", t.unaryExpression("typeof", id("require")), t.stringLiteral("function")),
              // The loaded runtime taken from `require.cache` when it is there: a `require` of it would
              // add it to this module's `module.children`, which the program can read.
              t.logicalExpression(
                "??",
                t.optionalMemberExpression(
                  t.optionalMemberExpression(
                    member(id("require"), "cache"),
                    t.callExpression(member(id("require"), "resolve"), [t.stringLiteral(options.runtime)]),
                    true,
                    true,
                  ),
                  id("exports"),
                  false,
                  true,
                ),
                t.callExpression(id("require"), [t.stringLiteral(options.runtime)]),
              ),
              // No require and no runtime on the global (a `vm` context): say so, not "reading 'file' of undefined".
              t.logicalExpression(
                "??",
                t.memberExpression(
                  id("globalThis"),
                  t.callExpression(member(id("Symbol"), "for"), [t.stringLiteral(RUNTIME_GLOBAL)]),
                  true,
                ),
                t.callExpression(
                  t.arrowFunctionExpression(
                    [],
                    t.blockStatement([t.throwStatement(t.newExpression(id("Error"), [t.stringLiteral(runtimeMissing(options.filename))]))]),
                  ),
                  [],
                ),
              ),
            ),
          ),
        ]);
  const registered = t.callExpression(member(T, "file"), [
    t.stringLiteral(options.filename),
    t.stringLiteral(options.module),
    t.numericLiteral(file.codes.length),
    t.numericLiteral(file.codes.reduce((last, code) => Math.max(last, code[3]), 0)),
    ...tables,
    ...moduleAccess(file, program),
  ]);
  const bindings: [string, T.Expression][] = [
    [n.file, registered],
    [n.slots, member(T, "slots")],
    [n.lines, member(T, "lines")],
    [n.state, member(T, "state")],
    [n.values, member(T, "values")],
    [n.flatValues, member(T, "flat")],
    [n.written, member(T, "written")],
    [n.interrupts, member(T, "interrupts")],
    // `keys` makes its array at each read: read once (a big file has tens of thousands of codes).
    ...(file.codes.length > 0 ? [[n.keys, member(id(n.file), "keys")] as [string, T.Expression]] : []),
    ...file.codes.map((_, i): [string, T.Expression] => [n.key(i), t.memberExpression(id(n.keys), t.numericLiteral(i), true)]),
    // The id of the file's first code: code i's is `$b + i` (emit.ts `prologue`).
    ...(file.codes.length > 0 ? [[n.other("b"), member(id(n.key(0)), "id")] as [string, T.Expression]] : []),
    ...[...file.runtimeUsed].sort().map((fn): [string, T.Expression] => [n.runtimeFunction(fn), member(T, fn)]),
  ];
  // (A top-level function of an ES module called through an import cycle before this module's
  // body has run finds them undefined: it runs a plain copy, early.ts.)
  return [
    runtime,
    t.variableDeclaration(
      kind,
      bindings.map(([name, value]) => t.variableDeclarator(id(name), value)),
    ),
  ];
}

/**
 * Notes what the source uses that the output depends on, in classify's walk: `import()` (the
 * caller's `dynamicImport`: alone in its pass, tsdb is the only one that walks the file) and an ES
 * module's `import.meta` (for frame.eval). A walk of its own would cost a second on a 9 MB file.
 */
function sourceUses(uses: FileContext["uses"]): Visitor {
  return {
    Import() {
      uses.dynamicImport = true;
    },
    MetaProperty(p) {
      if (p.node.meta.name === "import") uses.importMeta = true;
    },
  };
}
