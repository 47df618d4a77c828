/**
 * The instrumenting visitors, node type by node type. They run once over the
 * whole program (from `Program` exit, after TypeScript syntax is gone):
 *
 * - functions, methods, static blocks, field initializers: a Code each, a
 *   prologue that pushes the activation and reports `call`, one exit that pops
 *   it (no handler: the catch that stops an exception reports the frames it
 *   left, see emit.ts wrapBody);
 * - statements in statement lists: a line site before each one that starts a
 *   new line;
 * - loops: a line site for the loop head after each iteration (continue is
 *   turned into a break out of the iteration's body so it passes there too);
 * - try statements: exception hooks at the start of catch and finally code;
 * - await / yield / for await: the frame leaves the stack and comes back;
 * - identifiers: which outer bindings each function refers to, so its sites
 *   can show them.
 */
import type { NodePath, Visitor } from "@babel/traverse";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";
import { CODE_ASYNC, CODE_GENERATOR } from "../contract/index.js";
import type { FileContext, FunctionContext, RowEntry, Site } from "./file-context.js";
import { earlyCall } from "./early.js";
import { assignment, placeDeclarations } from "./function-declarations.js";
import { restoreOnJumpOut } from "./finally-jumps.js";
import {
  completeSite,
  epilogue,
  exceptionHook,
  exitStatements,
  interruptCheck,
  lineSite,
  plainAndInstrumented,
  prologue,
  resume,
  rt,
  storeSite,
  suspension,
  takeLineStore,
  unnamed,
  wrapBody,
} from "./emit.js";
import { CODE_FLAT_VALUES } from "../contract/index.js";
import {
  bindingsNamed,
  directStores,
  type Group,
  hoistedFunctions,
  isWritable,
  layoutOf,
  locationOf,
  ownerOf,
  readsThis,
  scopeEntry,
  switchEntry,
  slotOf,
  store,
  valuesOf,
  openLiveness,
  closeLiveness,
} from "./frame-values.js";
import { inferredName, isAnonymousDefinition, isFieldWrapper, markFieldWrapper, qualifiedName } from "./code-names.js";
import { countedLoop, isSilent, plainLoop } from "./silent.js";
import { ownBindings, rowKey, within } from "./snapshot.js";

/*
 * What the visitors note on nodes while they walk (symbol-keyed properties: WeakMaps holding a
 * million nodes make garbage collection crawl): the site statements waiting to be inserted before
 * a statement, the label of a loop's iteration body that a `continue` targets, how many sites
 * the function had when a loop was entered, and whether a with body suspends.
 */
const SITES = Symbol("tsdb.sites");
const LABEL = Symbol("tsdb.label");
const STORES_BEFORE = Symbol("tsdb.storesBefore");
const PLAIN_COPY = Symbol("tsdb.plainCopy");
const AFTER = Symbol("tsdb.after");
const TEMPORARY = Symbol("tsdb.temporary");
/** a with statement whose body suspends (the frame leaves the stack for the whole with) */
const SUSPENDS = Symbol("tsdb.suspends");
/** A with statement whose body returns through a thrown mark (`withBody`). */
const RETURNS = Symbol("tsdb.returns");
/** A with statement of an async generator whose body returns a value (`withBody`). */
const RETURNS_AWAITED = Symbol("tsdb.returnsAwaited");
/** Functions whose body ends with `$r = undefined` (an async generator's return in a with body: WithStatement). */
const resetsReturned = new WeakSet<T.Node>();
type Noted = T.Node & {
  [SITES]?: T.Statement[];
  [AFTER]?: T.Statement[];
  [LABEL]?: string;
  [STORES_BEFORE]?: number;
  [PLAIN_COPY]?: [T.Loop, string[], boolean];
  [TEMPORARY]?: boolean;
  [SUSPENDS]?: boolean;
  [RETURNS]?: boolean;
  [RETURNS_AWAITED]?: boolean;
  [DIRECT_ONLY]?: boolean;
};
const note = (node: T.Node) => node as Noted;

const DIRECT_ONLY = Symbol("tsdb.directOnly");

/**
 * Marks the synchronous functions that only instrumented code of this file can call: a function
 * declaration, or a function or arrow a `const`-like binding is initialized with, whose binding is
 * never assigned, exported or used other than as the callee of a call or `new` (no eval in the
 * file; in a script that may be a global one, not at the top level). Every activation of such a
 * function has an instrumented caller, so an exception that leaves it always reaches a frame with
 * a handler before anything else runs: it needs none of its own (emit.ts `wrapBody`). The visitor
 * that marks them (null: none can be, the file calls eval), for the traversal `classify` makes.
 */
export function directOnlyMarker(program: NodePath<T.Program>, filename: string, commonjs: boolean): Visitor | null {
  if (program.scope.hasGlobal("eval")) return null;
  // A plain script's top-level declarations are properties of the global object: anyone can call them.
  const globalScript = program.node.sourceType !== "module" && !commonjs && !/\.c[jt]s$/.test(filename);
  const directOnly = (name: string, scope: NodePath["scope"], declaration: T.Node): boolean => {
    const binding = scope.getBinding(name);
    if (!binding || binding.constantViolations.length > 0 || binding.path.node !== declaration) return false;
    // (a sloppy block's function declaration outside any function is a global too: Annex B)
    if (globalScript && (binding.scope.path.isProgram() || binding.scope.path.getFunctionParent() === null)) return false;
    return binding.referencePaths.every(
      (ref) => (ref.parentPath?.isCallExpression() || ref.parentPath?.isNewExpression()) && ref.key === "callee",
    );
  };
  return {
    Function(path) {
      const node = path.node;
      if (node.generator || node.async) return;
      let ok = false;
      if (t.isFunctionDeclaration(node) && node.id) {
        ok = !path.parentPath.isExportDeclaration() && directOnly(node.id.name, path.parentPath.scope, node);
      } else if ((path.isFunctionExpression() || path.isArrowFunctionExpression()) && path.parentPath.isVariableDeclarator()) {
        const declarator = path.parentPath;
        const id = declarator.node.id;
        ok =
          path.key === "init" &&
          t.isIdentifier(id) &&
          !declarator.parentPath.parentPath?.isExportDeclaration() &&
          directOnly(id.name, declarator.scope, declarator.node) &&
          // a named function expression's own name must not escape either
          (!t.isFunctionExpression(node) || !node.id || directOnly(node.id.name, path.scope, node));
      }
      if (ok) note(node)[DIRECT_ONLY] = true;
    },
  };
}

/** Does the function (or program) use the write-through temporary `$u` (its prologue declares it then)? */
export function usesTemporary(node: T.Node): boolean {
  return note(node)[TEMPORARY] === true;
}

function current(file: FileContext): FunctionContext {
  return file.functions[file.functions.length - 1];
}

/**
 * The function whose activation evaluates `path` (frame-values.ts `ownerOf`): the innermost one,
 * except that a method's computed key and decorators run in the code around the method
 * (`class C { [await x]() {} }` awaits in the module), though the traversal has entered the method.
 */
function evaluating(path: NodePath, file: FileContext): FunctionContext {
  const owner = ownerOf(path);
  for (let i = file.functions.length - 1; i >= 0; i--) if (file.functions[i].path.node === owner) return file.functions[i];
  return current(file);
}

// ------------------------------------------------------------------ functions

function isDerivedConstructor(path: NodePath): boolean {
  if (!path.isClassMethod({ kind: "constructor" })) return false;
  const cls = path.parentPath.parentPath;
  return cls !== null && (cls.isClassDeclaration() || cls.isClassExpression()) && cls.node.superClass != null;
}

/** The function whose `this` an arrow sees, or null at the top level. */
function thisOwner(path: NodePath): NodePath | null {
  for (let p: NodePath | null = path; p; p = p.parentPath) {
    if (p.isStaticBlock() || ((p.isClassProperty() || p.isClassPrivateProperty()) && p !== path)) return p;
    if (p.isFunction() && !p.isArrowFunctionExpression()) return p;
  }
  return null;
}

export function openFunction(
  file: FileContext,
  path: NodePath,
  name: string,
  qualname: string,
  flags: number,
  resumable: boolean,
  thisRead: FunctionContext["thisRead"],
): FunctionContext {
  const loc = path.node.loc;
  const fn: FunctionContext = {
    index: file.codes.length,
    path,
    scope: path.scope,
    isProgram: path.isProgram(),
    resumable,
    sites: [],
    free: new Map(),
    usesArguments: false,
    usesNewTarget: path.isClassMethod({ kind: "constructor" }),
    lineStores: 0,
    thisRead,
    lines: new Set(),
    chains: new Map(),
    chainItems: new Map(),
    lastRow: "",
  };
  file.codes.push([name, qualname, loc?.start.line ?? 1, loc?.end.line ?? 1, flags, []]);
  file.functions.push(fn);
  return fn;
}

function enterFunction(path: NodePath<T.Function | T.StaticBlock>, file: FileContext): void {
  if (file.generated.has(path.node)) {
    path.skip();
    return;
  }
  const node = path.node;
  openLiveness(node);
  if (t.isArrowFunctionExpression(node) && !t.isBlockStatement(node.body)) {
    const ret = t.returnStatement(node.body);
    ret.loc = node.body.loc;
    ret.start = node.body.start;
    ret.end = node.body.end;
    node.body = t.blockStatement([ret]);
  }
  let name: string;
  if (path.isStaticBlock()) name = "<static>";
  else if (isFieldWrapper(path)) name = fieldName(path.parentPath!.parentPath! as NodePath<T.ClassProperty | T.ClassPrivateProperty>);
  else name = inferredName(path) ?? "<anonymous>";
  const isArrow = path.isArrowFunctionExpression();
  const generator = t.isFunction(node) && node.generator === true;
  const async = t.isFunction(node) && node.async === true;
  let thisRead: FunctionContext["thisRead"] = "direct";
  if (isArrow && !isFieldWrapper(path)) {
    // An arrow only shows `this` when it uses it: reading it would make the enclosing function keep it.
    const owner = thisOwner(path);
    thisRead = owner === null ? null : isDerivedConstructor(owner) ? "tdz" : "direct";
    if (thisRead !== null && !usesThis(path)) thisRead = null;
  } else if (isDerivedConstructor(path)) {
    thisRead = "tdz";
  }
  // `this` is kept (a store per call) in methods and where the code uses it; elsewhere the frame
  // reports it as unknown.
  if (!isArrow && !path.isMethod() && !path.isObjectMethod() && !usesThis(path)) thisRead = null;
  const qualname = isFieldWrapper(path) ? qualifiedName(path.parentPath!.parentPath!, name) : qualifiedName(path, name);
  openFunction(file, path, name, qualname, (generator ? CODE_GENERATOR : 0) | (async ? CODE_ASYNC : 0), generator || async, thisRead);
}

/**
 * Does the function's code read `this` (in arrows inside it too, not in other functions)? What
 * `classify` noted: it saw every function the visitors ask about (field wrappers, made later, are not asked).
 */
function usesThis(path: NodePath): boolean {
  return readsThis(path.node) === true;
}

function fieldName(field: NodePath<T.ClassProperty | T.ClassPrivateProperty>): string {
  const key = field.node.key;
  if (t.isPrivateName(key)) return "#" + key.id.name;
  if (t.isIdentifier(key) && !(t.isClassProperty(field.node) && field.node.computed)) return key.name;
  if (t.isStringLiteral(key) || t.isNumericLiteral(key)) return String(key.value);
  return "<anonymous>";
}

function exitFunction(path: NodePath<T.Function | T.StaticBlock>, file: FileContext): void {
  if (file.generated.has(path.node)) return;
  const fn = file.functions.pop()!;
  const node = path.node;
  const row = file.codes[fn.index];
  const layout = layoutOf(node);
  if (fn.thisRead !== null) layout.thisSlot = layout.size++;
  if (fn.usesArguments && !fn.scope.hasOwnBinding("arguments")) layout.argumentsSlot = layout.size++;
  const newTarget = fn.usesNewTarget && !path.isArrowFunctionExpression();
  if (newTarget) layout.newTargetSlot = layout.size++;
  const groups = reachableGroups(fn);
  const values = valuesOf(node, file.names);
  if (layout.mode === "flat") row[4] |= CODE_FLAT_VALUES;
  const stores: T.Statement[] = [];
  if (fn.thisRead === "direct") stores.push(store(values, layout.thisSlot, t.thisExpression()));
  // `this` before `super()` is in its TDZ: a thunk reads it when asked.
  if (fn.thisRead === "tdz") stores.push(store(values, layout.thisSlot, t.arrowFunctionExpression([], t.thisExpression())));
  if (layout.argumentsSlot >= 0) stores.push(store(values, layout.argumentsSlot, t.identifier("arguments")));
  if (newTarget) stores.push(store(values, layout.newTargetSlot, t.metaProperty(t.identifier("new"), t.identifier("target"))));
  const own = Object.values(fn.scope.bindings);
  stores.push(
    ...directStores(
      values,
      own.filter((b) => b.kind === "param" || b.kind === "local"),
    ),
  );
  stores.push(...scopeEntry(values, fn.scope, file.generated, (g) => g.outer));
  for (const [group, slot] of groups) stores.push(store(values, slot, t.identifier(group.name)));
  const entry = [...scopeEntry(values, fn.scope, file.generated, (g) => !g.outer), ...directStores(values, hoistedFunctions(fn.scope))];
  const statements = t.isStaticBlock(node) ? node.body : (node.body as T.BlockStatement).body;
  const { top, rest, assigned } = placeDeclarations(path, statements, entry);
  // Function declarations are not in the call event's row: they live in the body's block (or are
  // assigned at its start).
  const hoistedNames = new Set([
    ...own.filter((b) => b.kind === "hoisted").map((b) => b.identifier.name),
    ...assigned.map((d) => d.id!.name),
  ]);
  const pro = prologue(
    file,
    fn,
    row[2],
    // (the call event is after the parameters: one used nowhere in the body is not copied back)
    (t.isStaticBlock(node) ? node.start : node.body.start) ?? -Infinity,
    ownBindings(path, fn).filter((e) => e.hidden || !hoistedNames.has(e.name)),
    insideWith(path),
    stores,
    usesTemporary(node),
    fn.resumable ? null : takeLineStore(file, rest),
  );
  fn.sites.push(pro.site);
  const early = earlyCall(file, node);
  const assignments = assigned.flatMap((d) => {
    const statement = assignment(d);
    // The function was instrumented as a declaration: its expression is not instrumented again.
    file.generated.add((statement.expression as T.AssignmentExpression).right);
    return [statement, ...directStores(values, [fn.scope.getOwnBinding(d.id!.name)!])];
  });
  const body = [
    ...(early ? [early] : []),
    ...top,
    ...pro.enter,
    ...wrapBody(file, fn, [...entry, ...assignments, ...rest], note(node)[DIRECT_ONLY] !== true || fn.usesArguments),
  ];
  if (t.isStaticBlock(node)) node.body = body;
  else (node.body as T.BlockStatement).body = body;
  finishSites(file, fn);
  closeLiveness(node);
  // Done: a traversal Babel requeues (replaceWithMultiple in its body) must not instrument it again.
  file.generated.add(node);
}

/**
 * The accessor groups of enclosing functions whose bindings this function refers to, each with the
 * slot of this function's values that holds it. Only where the group is made: a function's,
 * loop's or catch clause's group is made in its body, which a function in the parameters, the
 * loop's head or the catch parameter cannot see (its frame does not show those bindings).
 */
function reachableGroups(fn: FunctionContext): Map<Group, number> {
  const layout = layoutOf(fn.path.node);
  const { start, end } = fn.path.node;
  for (const binding of fn.free.values()) {
    const group = locationOf(binding)?.group;
    if (!group || layout.outerGroups.has(group)) continue;
    const made = group.scope.block;
    const body = t.isFunction(made) || t.isLoop(made) || t.isCatchClause(made) ? made.body : made;
    // A switch's scope is its cases': its discriminant is evaluated outside it (Babel's scope holds both).
    const from = t.isSwitchStatement(made) ? made.discriminant.end : body.start;
    if (from != null && !(start! >= from && end! <= body.end!)) continue;
    layout.outerGroups.set(group, layout.size++);
  }
  return layout.outerGroups;
}

export function finishSites(file: FileContext, fn: FunctionContext): void {
  const layout = layoutOf(fn.path.node);
  const free: RowEntry[] = [];
  for (const [name, binding] of fn.free) {
    const loc = locationOf(binding);
    const slot = loc?.group ? layout.outerGroups.get(loc.group) : undefined;
    if (loc && slot !== undefined)
      free.push({ name, slot, index: loc.index, writable: isWritable(binding), at: binding.identifier.start ?? -1 });
  }
  for (const site of fn.sites) completeSite(file, fn, free, site);
  file.codes[fn.index][5] = [...fn.lines];
}

function insideWith(path: NodePath): boolean {
  return path.findParent((p) => p.isWithStatement()) !== null;
}

/** `x = expr` in a class body becomes `x = (() => { return expr; })()` so the initializer has a frame. */
function wrapFieldInitializer(path: NodePath<T.ClassProperty | T.ClassPrivateProperty>, file: FileContext): void {
  const value = path.node.value;
  if (!value || file.generated.has(path.node)) return;
  // Anonymous functions and classes take their name from the field: leave them where they are.
  if (t.isArrowFunctionExpression(value) || (t.isFunctionExpression(value) && !value.id) || (t.isClassExpression(value) && !value.id))
    return;
  const ret = t.returnStatement(value);
  ret.loc = value.loc;
  ret.start = value.start;
  ret.end = value.end;
  const arrow = t.arrowFunctionExpression([], t.blockStatement([ret]));
  arrow.loc = value.loc;
  arrow.start = value.start;
  arrow.end = value.end;
  markFieldWrapper(arrow);
  path.node.value = t.callExpression(arrow, []);
}

// ----------------------------------------------------------------- statements

/** Statements that run where they stand (function declarations and imports are hoisted; some are no-ops). */
function runsInPlace(node: T.Statement): boolean {
  if (t.isFunctionDeclaration(node) || t.isEmptyStatement(node) || t.isBlockStatement(node)) return false;
  if (t.isImportDeclaration(node) || t.isExportAllDeclaration(node)) return false;
  if (t.isExportNamedDeclaration(node)) return node.declaration != null && runsInPlace(node.declaration);
  if (t.isExportDefaultDeclaration(node)) return !t.isFunctionDeclaration(node.declaration);
  if (t.isVariableDeclaration(node)) return node.kind !== "var" || node.declarations.some((d) => d.init != null);
  if (t.isTSDeclareFunction(node) || t.isTSInterfaceDeclaration(node) || t.isTSTypeAliasDeclaration(node)) return false;
  return true;
}

function inStatementList(path: NodePath): boolean {
  return (
    (path.listKey === "body" &&
      (path.parentPath?.isBlockStatement() || path.parentPath?.isProgram() || path.parentPath?.isStaticBlock())) ||
    (path.listKey === "consequent" && path.parentPath?.isSwitchCase()) === true
  );
}

/** The line of what runs just before the statement at `path`, or null when its line event always fires. */
function previousLine(path: NodePath): number | null {
  const list = path.container as T.Node[];
  for (let i = (path.key as number) - 1; i >= 0; i--) {
    const prev = list[i] as T.Statement;
    if (runsInPlace(prev) || t.isBlockStatement(prev)) return prev.loc?.start.line ?? null;
  }
  const parent = path.parentPath!;
  if (parent.isProgram() || parent.isStaticBlock()) return null;
  if (parent.isSwitchCase()) return parent.node.loc?.start.line ?? null;
  const owner = parent.parentPath!;
  if (owner.isFunction()) return null;
  if (inStatementList(parent)) return previousLine(parent);
  return parent.node.loc?.start.line ?? owner.node.loc?.start.line ?? null;
}

function enterStatement(path: NodePath<T.Statement>, file: FileContext): void {
  if (file.generated.has(path.node)) {
    path.skip();
    return;
  }
  if (!inStatementList(path) || !runsInPlace(path.node)) return;
  const line = path.node.loc?.start.line;
  if (line === undefined) return;
  if (previousLine(path) !== line) {
    addSite(path, file, line, path);
    return;
  }
  // No line event here, but the frame can be looked at while it runs: its row must be this statement's.
  const fn = current(file);
  if (isSilent(path, fn.path)) return;
  const entries = ownBindings(path, fn);
  const key = rowKey(entries);
  if (key === fn.lastRow) return;
  fn.lastRow = key;
  const [statement, site] = storeSite(file, line, entries, insideWith(path));
  fn.sites.push(site);
  note(path.node)[SITES] = [statement];
}

/** Creates a site for `line`, to go before `before` (or to be placed by the caller). */
function addSite(
  path: NodePath,
  file: FileContext,
  line: number,
  before: NodePath | null,
  scopePath: NodePath = path,
  storeless = false,
): T.Statement[] {
  const fn = current(file);
  const silent = storeless || (before !== null && isSilent(before, fn.path));
  const entries = ownBindings(scopePath, fn);
  const [statements, site] = lineSite(file, fn, line, path.node.start ?? -Infinity, entries, insideWith(path), silent);
  fn.sites.push(site as Site);
  fn.lines.add(line);
  if (!silent) {
    fn.lineStores++;
    fn.lastRow = rowKey(entries);
  } else {
    // The line slot still holds an earlier line's site: a statement after this one on its line
    // that can call out must store its own (no rowKey is "\0").
    fn.lastRow = "\0";
  }
  if (before !== null) note(before.node)[SITES] = statements;
  return statements;
}

/** Puts the pending sites of a statement list in front of their statements. */
export function insertSites(list: T.Statement[]): T.Statement[] {
  const out: T.Statement[] = [];
  for (const s of list) {
    const sites = note(s)[SITES];
    if (sites) out.push(...sites);
    out.push(s);
    const after = note(s)[AFTER];
    if (after) out.push(...after);
  }
  return out;
}

/**
 * After a declaration, the stores of its direct bindings; a later declarator's initializer, which
 * may call out, first stores those before it (`let a = f(), b = ($vs[0] = a, g(a))`), and those are
 * not stored again after it.
 */
function storeDeclared(path: NodePath<T.VariableDeclaration | T.ClassDeclaration>, file: FileContext): void {
  if (!inStatementList(path) && !path.parentPath.isExportNamedDeclaration()) return;
  const values = valuesOf(current(file).path.node, file.names);
  const node = path.node;
  const done: T.Statement[] = [];
  if (t.isVariableDeclaration(node)) {
    const fn = current(file);
    node.declarations.forEach((declarator, i) => {
      if (i > 0 && declarator.init && !isAnonymousDefinition(declarator.init) && !isSilent(path, fn.path)) {
        // The frame is at this declarator now: the bindings before it are initialized.
        const entries = ownBindings(path.get(`declarations.${i}`) as NodePath, fn);
        const [site, made] = storeSite(file, path.node.loc?.start.line ?? 1, entries, insideWith(path));
        fn.sites.push(made);
        fn.lastRow = rowKey(entries);
        const before = [...done, site].map((s) => (s as T.ExpressionStatement).expression);
        declarator.init = t.sequenceExpression([...before, declarator.init]);
        done.length = 0;
      }
      // (`var x;` leaves x as it was, and its slot with it; a store would undo a debugger's write.)
      if (declarator.init != null || node.kind !== "var") done.push(...directStores(values, bindingsNamed(path, declarator.id)));
    });
  }
  const target = path.parentPath.isExportNamedDeclaration() ? path.parentPath.node : node;
  // A variable declaration's bindings stored before a later initializer are not stored again.
  note(target)[AFTER] = t.isVariableDeclaration(node) ? done : directStores(values, bindingsNamed(path, node));
}

/**
 * `x = e` → `$vs[k] = x = e` for a binding whose slot holds its value (and the same for `+=`,
 * `++`, destructuring), so the copy is never behind the variable.
 */
function writeThrough(path: NodePath<T.AssignmentExpression | T.UpdateExpression>, file: FileContext): void {
  if (file.generated.has(path.node)) return;
  const target = path.isAssignmentExpression() ? path.node.left : (path.node as T.UpdateExpression).argument;
  const direct = bindingsNamed(path, target).filter((b) => locationOf(b)?.index === -1);
  if (direct.length === 0) return;
  const values = valuesOf(current(file).path.node, file.names);
  const node = path.node;
  file.generated.add(node);
  const used = !(path.parentPath.isExpressionStatement() || (path.parentPath.isForStatement() && path.key === "update"));
  if (t.isIdentifier(target) && (path.isAssignmentExpression() || !used || (path.node as T.UpdateExpression).prefix)) {
    const inner = path.isUpdateExpression() ? t.updateExpression(node.operator as "++" | "--", target, true) : node;
    if (inner !== node) file.generated.add(inner);
    path.replaceWith(t.assignmentExpression("=", slotOf(values, locationOf(direct[0])!.slot), inner));
    // (Babel would visit the replacement, and the whole expression again: it is done.)
    path.skip();
    return;
  }
  // ($u = <expression>, $vs[i] = a, $vs[j] = b, $u)
  const u = t.identifier(file.names.other("u"));
  note(current(file).path.node)[TEMPORARY] = true;
  const stores = direct.map((b) => t.assignmentExpression("=", slotOf(values, locationOf(b)!.slot), t.identifier(b.identifier.name)));
  path.replaceWith(t.sequenceExpression([t.assignmentExpression("=", u, node), ...stores, t.identifier(u.name)]));
  path.skip();
}

/** Where a loop's iteration body starts: the loop scope's accessors, then its head bindings' values. */
function loopEntry(loop: NodePath<T.Loop>, file: FileContext): T.Statement[] {
  const values = valuesOf(current(file).path.node, file.names);
  const out = scopeEntry(values, loop.scope, file.generated);
  const node = loop.node;
  let head: T.Node | null | undefined = null;
  if (t.isForStatement(node)) head = node.init;
  else if (t.isForInStatement(node) || t.isForOfStatement(node)) head = node.left;
  if (head && (t.isVariableDeclaration(head) || t.isLVal(head))) {
    const names = t.isVariableDeclaration(head) ? t.variableDeclaration("let", head.declarations) : head;
    out.push(...directStores(values, bindingsNamed(loop, names)));
  }
  return out;
}

function asBlock(node: T.Statement): T.BlockStatement {
  if (t.isBlockStatement(node)) return node;
  // Where the statement was (a site's bindings are found by position: snapshot.ts), but no line
  // of its own: the statement's line site compares with the line before the block (`previousLine`).
  const block = t.blockStatement([node]);
  block.start = node.start;
  block.end = node.end;
  return block;
}

// ---------------------------------------------------------------------- loops

function loopBody(path: NodePath<T.Loop>, file: FileContext): void {
  path.node.body = asBlock(path.node.body);
  // A loop that can observe nothing gets an uninstrumented copy to run while its lines are not traced.
  const guards = plainLoop(path, current(file).path);
  if (guards !== null) note(path.node)[PLAIN_COPY] = [t.cloneNode(path.node, true), guards, countedLoop(path)];
}

/** After each iteration: the loop head's line again (a backward jump, as Python reports it). */
function exitLoop(path: NodePath<T.Loop>, file: FileContext): void {
  const node = path.node;
  const fn = current(file);
  const headLine = (t.isDoWhileStatement(node) ? node.test.loc?.start.line : node.loc?.start.line) ?? 1;
  // A body that never stores a line of its own leaves the current line at the loop head's.
  const bodyStores = current(file).lineStores !== note(node)[STORES_BEFORE];
  const head = addSite(path, file, headLine, null, path.get("body") as NodePath, !bodyStores && !t.isDoWhileStatement(node));
  let body: T.Statement = node.body;
  const label = note(node)[LABEL];
  if (label !== undefined) body = t.labeledStatement(t.identifier(label), body);
  const iteration: T.Statement[] = [body, interruptCheck(file), ...head];
  if (t.isForOfStatement(node) && node.await && fn.resumable) {
    node.right = rt(file, "forAwait", [node.right, t.identifier(file.names.frameObject)]);
    iteration.unshift(resume(file));
    let top: NodePath = path;
    while (top.parentPath?.isLabeledStatement()) top = top.parentPath;
    top.insertAfter(resume(file));
  }
  node.body = t.blockStatement(iteration);
  const copy = note(node)[PLAIN_COPY];
  if (copy !== undefined) {
    // Nothing in the plain copy can run code, so the flag cannot change while it runs (only an interrupt request can end it).
    const [plain, guards, counted] = copy;
    // The plain copy writes no slot: after it, the values it may have assigned (the loop's own bindings are gone).
    const assigned = new Set<string>();
    t.traverseFast(plain, (n) => {
      if (t.isAssignmentExpression(n)) for (const name of Object.keys(t.getBindingIdentifiers(n.left))) assigned.add(name);
      if (t.isUpdateExpression(n) && t.isIdentifier(n.argument)) assigned.add(n.argument.name);
    });
    const after = directStores(
      valuesOf(current(file).path.node, file.names),
      [...assigned].flatMap((name) => {
        // (the loop's own bindings are hoisted around both copies)
        const b = path.scope.getBinding(name);
        return b ? [b] : [];
      }),
    );
    const loops = [plain, node] as (T.ForStatement | T.WhileStatement)[];
    replaceStatement(path, plainAndInstrumented(file, fn, loops[0], loops[1], guards, counted, after), file);
  }
}

function rewriteContinue(path: NodePath<T.ContinueStatement>, file: FileContext): void {
  let target: NodePath | null = null;
  const label = path.node.label?.name;
  for (let p: NodePath | null = path.parentPath; p && !p.isFunction(); p = p.parentPath) {
    if (label === undefined && p.isLoop()) {
      target = p;
      break;
    }
    if (label !== undefined && p.isLabeledStatement() && p.node.label.name === label) {
      let body = p.get("body") as NodePath;
      while (body.isLabeledStatement()) body = body.get("body") as NodePath;
      target = body;
      break;
    }
  }
  if (target === null) return;
  const name = (note(target.node)[LABEL] ??= file.names.loop(file.loopCount++));
  replaceStatement(path, t.breakStatement(t.identifier(name)), file);
}

// ----------------------------------------------------------------- exceptions

function exitTry(path: NodePath<T.TryStatement>, file: FileContext): void {
  const node = path.node;
  const fn = current(file);
  const e = file.names.caught;
  const handler = node.handler;
  if (handler) {
    const values = valuesOf(current(file).path.node, file.names);
    const catchPath = path.get("handler") as NodePath<T.CatchClause>;
    const params = handler.param ? bindingsNamed(catchPath, handler.param) : [];
    const entry = [...scopeEntry(values, catchPath.scope, file.generated), ...directStores(values, hoistedFunctions(catchPath.scope))];
    if (handler.param == null || t.isIdentifier(handler.param)) {
      const error = handler.param == null ? e : handler.param.name;
      if (handler.param == null) handler.param = t.identifier(e);
      else entry.push(...directStores(values, params));
      handler.body.body.unshift(...entry, ...exceptionHook(file, fn, error, false));
    } else {
      // A destructuring parameter is unpacked after the exception has been reported, in a scope of
      // its own as the parameter's is (a closure in a default must not see the block's bindings):
      // the block, with its entry (the accessors close over its bindings), is nested inside.
      handler.body.body = [
        ...exceptionHook(file, fn, e, false),
        t.variableDeclaration("let", [t.variableDeclarator(handler.param, t.identifier(e))]),
        ...directStores(values, params),
        t.blockStatement([...entry, ...handler.body.body]),
      ];
      handler.param = t.identifier(e);
    }
  }
  if (node.finalizer) {
    if (!fn.isProgram) {
      // (tsdb's own try around the body is made when the function is done: not there yet)
      const inTry = () => path.findParent((p) => p.isFunction() || p.isStaticBlock() || p.isTryStatement())?.isTryStatement() === true;
      restoreOnJumpOut(node, file.names.returned, file.names.other("x"), e, inTry, () => file.names.other(`s${file.savedReturns++}`));
    }
    if (!handler)
      node.handler = t.catchClause(
        t.identifier(e),
        t.blockStatement([...exceptionHook(file, fn, e, false), t.throwStatement(t.identifier(e))]),
      );
    if (fn.resumable) node.finalizer.body.unshift(resume(file));
  }
}

/** `return`: the value into `$r` and out through the function's one exit (resumable functions: their finally). */
function exitReturn(path: NodePath<T.ReturnStatement>, file: FileContext): void {
  if (file.generated.has(path.node)) return;
  const fn = current(file);
  const value = path.node.argument ?? t.unaryExpression("void", t.numericLiteral(0));
  if (fn.isProgram) {
    // `return` at the top of a CommonJS module: `$r = value;` leave the module frame; `return $r;`
    const r = t.identifier(file.names.returned);
    const ret = t.returnStatement(r);
    file.generated.add(ret);
    const computed = t.expressionStatement(t.assignmentExpression("=", t.identifier(file.names.returned), unnamed(file, value)));
    replaceStatement(path, t.blockStatement([computed, ...epilogue(file, fn, t.identifier(file.names.returned)), ret]), file);
    return;
  }
  if (!fn.resumable) {
    // No finally: the function's one exit is after its labeled body (emit.ts wrapBody).
    const exit = exitStatements(file, path.node.argument);
    // `$r = value` at the `return`'s position: V8 reports the statement for what has no position of its own (`return ++i`).
    exit[0].loc = path.node.loc;
    if (!inStatementList(path)) {
      replaceStatement(path, t.blockStatement(exit), file);
      return;
    }
    // In a statement list: in place of the return, no block of their own (less nesting, smaller output).
    for (const s of exit) file.generated.add(s);
    note(exit[0])[SITES] = note(path.node)[SITES];
    path.replaceWithMultiple(exit);
    return;
  }
  const fnNode = fn.path.node as T.Function;
  if (fnNode.async && fnNode.generator) {
    // An async generator's `return value` awaits the value (`return;` does not): the frame
    // leaves the stack for that await (its catch and finally blocks, the generated ones too,
    // put it back); `return;` stays without an operand, or it would await too (a tick late).
    const r = t.identifier(file.names.returned);
    if (path.node.argument == null) {
      const ret = t.returnStatement();
      file.generated.add(ret);
      replaceStatement(path, t.blockStatement([t.expressionStatement(t.assignmentExpression("=", r, value)), ret]), file);
    } else
      path.node.argument = t.assignmentExpression(
        "=",
        r,
        rt(file, "suspend", [t.identifier(file.names.frameObject), value, t.booleanLiteral(false)]),
      );
    return;
  }
  path.node.argument = t.assignmentExpression("=", t.identifier(file.names.returned), unnamed(file, value));
}

// -------------------------------------------------------------------- visitor

export const visitor: Visitor<FileContext> = {
  Function: {
    enter(path, file) {
      enterFunction(path, file);
    },
    exit(path, file) {
      exitFunction(path, file);
    },
  },
  StaticBlock: {
    enter(path, file) {
      enterFunction(path, file);
    },
    exit(path, file) {
      path.node.body = insertSites(path.node.body);
      exitFunction(path, file);
    },
  },
  ClassProperty(path, file) {
    wrapFieldInitializer(path, file);
  },
  ClassPrivateProperty(path, file) {
    wrapFieldInitializer(path, file);
  },
  Statement: {
    enter(path, file) {
      enterStatement(path, file);
    },
  },
  BlockStatement: {
    enter(path, file) {
      // Entering a loop's body: count the line stores from here (the loop's own site is before).
      if (path.key === "body" && path.parentPath.isLoop()) note(path.parent)[STORES_BEFORE] = current(file).lineStores;
    },
    exit(path, file) {
      const body = insertSites(path.node.body);
      // A block scope's entry: its accessors and function declarations (a loop body's: the loop's first).
      const values = valuesOf(current(file).path.node, file.names);
      const entry =
        path.scope.block === path.node
          ? [...scopeEntry(values, path.scope, file.generated), ...directStores(values, hoistedFunctions(path.scope))]
          : [];
      if (path.key === "body" && path.parentPath.isLoop()) entry.unshift(...loopEntry(path.parentPath, file));
      path.node.body = [...entry, ...body];
    },
  },
  SwitchStatement: {
    exit(path, file) {
      // A case can be entered by a jump: the accessors are declared once for the whole block, each case stores them.
      const { declarations, stores } = switchEntry(valuesOf(current(file).path.node, file.names), path.scope, file.generated);
      if (declarations.length === 0) return;
      for (const c of path.node.cases) c.consequent.unshift(...stores.map((s) => t.cloneNode(s, true)));
      path.node.cases[0]!.consequent.unshift(...declarations);
    },
  },
  VariableDeclaration: {
    exit(path, file) {
      if (!file.generated.has(path.node)) storeDeclared(path, file);
    },
  },
  ClassDeclaration: {
    exit(path, file) {
      if (!file.generated.has(path.node)) storeDeclared(path, file);
    },
  },
  UpdateExpression: {
    exit(path, file) {
      writeThrough(path, file);
    },
  },
  SwitchCase: {
    exit(path) {
      path.node.consequent = insertSites(path.node.consequent);
    },
  },
  IfStatement(path) {
    const node = path.node;
    node.consequent = asBlock(node.consequent);
    if (node.alternate) node.alternate = asBlock(node.alternate);
  },
  WithStatement: {
    enter(path, file) {
      const body = (path.node.body = asBlock(path.node.body));
      // Inside a with body every name the generated code used would be looked up through the object
      // first (a Proxy's `has` sees tsdb's names; one that claims every name could give tsdb its
      // values). So nothing is generated there: no line sites, no scope entries; functions and classes
      // defined there run uninstrumented. The enclosing frame's bindings are read through accessors
      // made outside the with (frame-values.ts: a function holding a with reads all its bindings so),
      // never stale. A body that suspends (`await`, `yield`, `for await`, an async generator's
      // `return value`) runs with the frame off the stack, as during an await: it leaves after the
      // object is computed, comes back when the with is left. Only a `return value` (into `$r`) and
      // `break` to the function's exit label stay in the body.
      const state: WithState = { file, suspends: false, returns: false, returnsAwaited: false, statement: path.node };
      path.get("body").traverse(withBody, state);
      file.generated.add(body);
      if (state.suspends) note(path.node)[SUSPENDS] = true;
      if (state.returns) note(path.node)[RETURNS] = true;
      if (state.returnsAwaited) note(path.node)[RETURNS_AWAITED] = true;
    },
    exit(path, file) {
      const node = path.node;
      const suspends = note(node)[SUSPENDS] === true;
      const returns = note(node)[RETURNS] === true;
      if ((!suspends && !returns) || file.generated.has(node)) return;
      file.generated.add(node);
      let statement: T.Statement = node;
      if (suspends) {
        node.object = rt(file, "suspend", [t.identifier(file.names.frameObject), node.object, t.booleanLiteral(false)]);
        statement = t.tryStatement(t.blockStatement([node]), null, t.blockStatement([resume(file)]));
        if (note(node)[RETURNS_AWAITED] === true) {
          // The value an async generator's return in the body left (`$rv`) is the return event's, when
          // the with is left by that return (not by an exception: then it is forgotten).
          const rv = t.identifier(file.names.other("rv"));
          const none = t.unaryExpression("void", t.numericLiteral(0));
          const caught = t.identifier(file.names.caught);
          statement.handler = t.catchClause(
            caught,
            t.blockStatement([t.expressionStatement(t.assignmentExpression("=", rv, none)), t.throwStatement(caught)]),
          );
          statement.finalizer!.body.push(
            t.ifStatement(
              t.binaryExpression("!==", rv, none),
              t.blockStatement([
                t.expressionStatement(t.assignmentExpression("=", t.identifier(file.names.returned), t.callExpression(rv, []))),
                t.expressionStatement(t.assignmentExpression("=", rv, none)),
              ]),
            ),
          );
          // A finally of the body may have replaced that return (`break`): the function then goes on
          // and, if it falls off its end, returns undefined, not the value `$rv` gave `$r` here.
          const fn = path.getFunctionParent();
          if (fn !== null && t.isBlockStatement(fn.node.body) && !resetsReturned.has(fn.node)) {
            resetsReturned.add(fn.node);
            const reset = t.expressionStatement(t.assignmentExpression("=", t.identifier(file.names.returned), none));
            file.generated.add(reset);
            fn.node.body.body.push(reset);
          }
        }
      }
      if (!returns) {
        replaceStatement(path, statement, file);
        return;
      }
      // The body's returns throw their value in a mark (withBody); here, outside the with, it is
      // returned the usual way (the function's exit, the return event with the value). Everything
      // else thrown goes on as it came.
      const caught = t.identifier(file.names.caught);
      const ret = t.returnStatement(t.memberExpression(caught, t.stringLiteral(file.names.returned), true));
      const handler = t.blockStatement([t.ifStatement(isReturnMark(caught.name, file), ret), t.throwStatement(caught)]);
      replaceStatement(path, t.tryStatement(t.blockStatement([statement]), t.catchClause(caught, handler)), file);
      exitReturn(path.get("handler.body.body.0.consequent") as NodePath<T.ReturnStatement>, file);
    },
  },
  Loop: {
    enter(path, file) {
      loopBody(path, file);
    },
    exit(path, file) {
      exitLoop(path, file);
    },
  },
  ContinueStatement: {
    exit(path, file) {
      if (!file.generated.has(path.node)) rewriteContinue(path, file);
    },
  },
  ReturnStatement: {
    exit(path, file) {
      exitReturn(path, file);
    },
  },
  TryStatement: {
    exit(path, file) {
      if (!file.generated.has(path.node)) exitTry(path, file);
    },
  },
  DebuggerStatement: {
    exit(path, file) {
      replaceStatement(path, t.expressionStatement(rt(file, "debuggerStatement", [t.identifier(file.names.depth)])), file);
    },
  },
  AwaitExpression: {
    exit(path, file) {
      if (file.generated.has(path.node)) return;
      evaluating(path, file).resumable = true;
      const replacement = suspension(file, "await", path.node.argument);
      // Its `await` at the original's position: V8 reports an async frame (`at async f`) there.
      const { loc } = path.node;
      t.traverseFast(replacement, (node) => {
        if (t.isAwaitExpression(node)) node.loc = loc;
      });
      path.replaceWith(replacement);
    },
  },
  ForOfStatement(path, file) {
    if (path.node.await) evaluating(path, file).resumable = true;
  },
  YieldExpression: {
    exit(path, file) {
      if (file.generated.has(path.node)) return;
      path.replaceWith(suspension(file, path.node.delegate ? "yield*" : "yield", path.node.argument ?? null));
    },
  },
  MetaProperty(path, file) {
    if (path.node.meta.name === "new" && !file.generated.has(path.node)) markNewTarget(file);
  },
  ReferencedIdentifier(path, file) {
    if (t.isIdentifier(path.node)) noteReference(path, path.node.name, file);
  },
  AssignmentExpression: {
    enter(path, file) {
      // `x = 1`, `[a, b] = c`: targets are not "referenced" identifiers, but they are used.
      for (const name of Object.keys(t.getBindingIdentifiers(path.node.left))) noteReference(path, name, file);
    },
    exit(path, file) {
      writeThrough(path, file);
    },
  },
};

/** A function uses `name` at `path`: if it is bound outside the function, the function's snapshots show it. */
function noteReference(path: NodePath, name: string, file: FileContext): void {
  const binding = path.scope.getBinding(name);
  if (binding === undefined) {
    if (name === "arguments") markArguments(file);
    return;
  }
  if (binding.scope.path.isProgram()) return;
  for (let i = file.functions.length - 1; i >= 1; i--) {
    const fn = file.functions[i];
    if (within(binding.scope, fn.scope)) break;
    if (!fn.free.has(name)) fn.free.set(name, binding);
  }
}

/** `new.target` belongs to the nearest non-arrow function (frame.eval shows it there). */
function markNewTarget(file: FileContext): void {
  for (let i = file.functions.length - 1; i >= 1; i--) {
    const fn = file.functions[i];
    if (!fn.path.isArrowFunctionExpression()) {
      fn.usesNewTarget = true;
      break;
    }
  }
}

/** `arguments` belongs to the nearest non-arrow function; the arrows in between see it too. */
function markArguments(file: FileContext): void {
  for (let i = file.functions.length - 1; i >= 1; i--) {
    const fn = file.functions[i];
    fn.usesArguments = true;
    if (!fn.path.isArrowFunctionExpression()) break;
  }
}

/** Replaces a statement by generated code, keeping the line site that was to go before it. */
function replaceStatement(path: NodePath, node: T.Statement, file: FileContext): void {
  file.generated.add(node);
  note(node)[SITES] = note(path.node)[SITES];
  path.replaceWith(node);
}

interface WithState {
  file: FileContext;
  /** the body awaits or yields (the frame is off the stack while it runs) */
  suspends: boolean;
  /** a return in the body throws its value in a mark, returned outside the with */
  returns: boolean;
  /** an async generator's return in the body leaves its value in the function's `$rv` */
  returnsAwaited: boolean;
  statement: T.WithStatement;
}

/**
 * The catch clauses in the with's body that a mark thrown by `path` (a `return`) would pass: each
 * is made to throw it on at once (the return goes on as it would, through the finally blocks). A
 * clause's parameter is a binding of the body, found before the object, so the test reads no name
 * through it. A destructuring parameter would destructure the mark first: the clause gets a plain
 * parameter, and the pattern becomes a `let` of it in a block around the clause's own block (the
 * pattern's defaults see what they saw: not the body's declarations, which cannot redeclare the
 * pattern's names).
 */
function passMarks(path: NodePath, statement: T.WithStatement, file: FileContext): void {
  for (let p: NodePath = path; p.parentPath !== null && p.parentPath.node !== statement; p = p.parentPath) {
    const parent = p.parentPath;
    if (!(parent.isTryStatement() && p.key === "block" && parent.node.handler != null)) continue;
    const clause = parent.node.handler;
    if (note(clause)[RETURNS] === true) continue;
    note(clause)[RETURNS] = true;
    const pattern = clause.param;
    const param = pattern != null && t.isIdentifier(pattern) ? pattern.name : file.names.caught;
    const passOn = t.ifStatement(isReturnMark(param, file), t.throwStatement(t.identifier(param)));
    if (pattern == null || t.isIdentifier(pattern)) {
      clause.param ??= t.identifier(param);
      clause.body.body.unshift(passOn);
    } else {
      clause.param = t.identifier(param);
      const bind = t.variableDeclaration("let", [t.variableDeclarator(pattern, t.identifier(param))]);
      clause.body = t.blockStatement([passOn, bind, clause.body]);
    }
  }
}

/** `typeof e === "object" && e !== null && "$r" in e`: `e` is a mark thrown by a return in a with body. */
function isReturnMark(name: string, file: FileContext): T.Expression {
  return t.logicalExpression(
    "&&",
    t.logicalExpression(
      "&&",
      t.binaryExpression("===", t.unaryExpression("typeof", t.identifier(name)), t.stringLiteral("object")),
      t.binaryExpression("!==", t.identifier(name), t.nullLiteral()),
    ),
    t.binaryExpression("in", t.stringLiteral(file.names.returned), t.identifier(name)),
  );
}

/** A with body (see `WithStatement` above): returns out of it, and whether it suspends. */
const withBody: Visitor<WithState> = {
  Function(path) {
    path.skip();
  },
  StaticBlock(path) {
    path.skip();
  },
  ReturnStatement: {
    exit(path, state) {
      const fn = current(state.file).path.node;
      if (!(t.isFunction(fn) && fn.async && fn.generator)) {
        // `return;` in a function that cannot suspend is a jump (no name); `return value` would
        // store the value in `$r`, a name the object would see: the value leaves the body in a
        // thrown mark instead (the catch clauses it passes in the body throw it on).
        if (path.node.argument == null && !current(state.file).resumable && !current(state.file).isProgram)
          return exitReturn(path, state.file);
        passMarks(path, state.statement, state.file);
        state.returns = true;
        const mark = t.objectExpression([
          t.objectProperty(t.identifier("__proto__"), t.nullLiteral()),
          t.objectProperty(
            t.stringLiteral(state.file.names.returned),
            unnamed(state.file, path.node.argument ?? t.unaryExpression("void", t.numericLiteral(0))),
          ),
        ]);
        const thrown = t.throwStatement(mark);
        state.file.generated.add(thrown);
        path.replaceWith(thrown);
        return;
      }
      // An async generator's `return value` awaits the value where it stands (before the body's
      // finally blocks, its rejection caught by the body's catch clauses): it stays, and so does its
      // await (thrown out, the value would be awaited twice: a tick late). It returns a binding of a
      // block of its own, which no lookup of it reaches the object for, and leaves the value for
      // the return event in a function declared in that block: sloppy code (a with is) copies a
      // block's function into the function's `var` of its name when the declaration is evaluated,
      // straight into that scope, not through the object (Annex B.3.2.1). Read outside (WithStatement).
      // (`return;` stays without an operand: it does not await.)
      if (state.file.generated.has(path.node)) return;
      const names = state.file.names;
      const argument = path.node.argument;
      const value = t.identifier(names.other("rx"));
      const ret = t.returnStatement(argument == null ? null : t.cloneNode(value));
      const read = t.functionDeclaration(
        t.identifier(names.other("rv")),
        [],
        t.blockStatement(argument == null ? [] : [t.returnStatement(t.cloneNode(value))]),
      );
      for (const node of [ret, read]) state.file.generated.add(node);
      state.suspends = state.returnsAwaited = true;
      const keep = argument == null ? [] : [t.variableDeclaration("let", [t.variableDeclarator(value, unnamed(state.file, argument))])];
      path.replaceWith(t.blockStatement([...keep, read, ret]));
    },
  },
  AwaitExpression(path, state) {
    evaluating(path, state.file).resumable = true;
    state.suspends = true;
  },
  YieldExpression(_path, state) {
    state.suspends = true;
  },
  ForOfStatement(path, state) {
    if (!path.node.await) return;
    evaluating(path, state.file).resumable = true;
    state.suspends = true;
  },
};
