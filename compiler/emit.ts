/**
 * The code tsdb inserts, built as Babel nodes. The shapes here are the
 * hot-path contract of contract/index.ts, described in docs/generated-code.md.
 */
import * as t from "@babel/types";
import { type KeyFlag, LINE_TRACED, type RuntimeFunction, type ScopeRow } from "../contract/index.js";
import type { FileContext, FunctionContext, Read, Site, SnapshotEntry } from "./file-context.js";
import { cap } from "./snapshot.js";

const id = (name: string) => t.identifier(name);
const num = (n: number) => t.numericLiteral(n);

/** A call of runtime function `fn`, through a binding the file's header makes (a property read per call costs). */
export function rt(file: FileContext, fn: RuntimeFunction, args: t.Expression[]): t.CallExpression {
  file.runtimeUsed.add(fn);
  return t.callExpression(id(file.names.other(fn)), args);
}

/** `$S[$d]`, `$L[$d]` */
function at(array: string, file: FileContext): t.MemberExpression {
  return t.memberExpression(id(array), id(file.names.d), true);
}

function sp(file: FileContext): t.MemberExpression {
  return t.memberExpression(id(file.names.R), id("sp"));
}

function keyFlag(file: FileContext, fn: FunctionContext, flag: KeyFlag): t.MemberExpression {
  return t.memberExpression(id(file.names.key(fn.index)), id(flag));
}

function assign(target: t.LVal, value: t.Expression): t.ExpressionStatement {
  return t.expressionStatement(t.assignmentExpression("=", target, value));
}

/**
 * A site: `$L[$d] = line; if ($k.l && $B[line]) $T.line($d, scope, [values]);`
 * The snapshot array and scope number are filled in by `completeSite`.
 */
export function lineSite(
  file: FileContext,
  fn: FunctionContext,
  line: number,
  site: Omit<Site, "array" | "scope" | "dispatch" | "line">,
  silent: boolean,
): [t.Statement[], Site] {
  const array = t.arrayExpression([]);
  const scope = num(0);
  // A silent statement's line is only stored when its event is dispatched (see silent.ts), and only
  // a trace function wants it (bit 1 of the line table), not a locals capture (bit 2).
  const wanted: t.Expression = t.memberExpression(id(file.names.B), num(line), true);
  const test = t.logicalExpression("&&", keyFlag(file, fn, "l"), silent ? t.binaryExpression("&", wanted, num(LINE_TRACED)) : wanted);
  const call = silent
    ? rt(file, "lineAt", [id(file.names.d), num(line), scope, array])
    : rt(file, "line", [id(file.names.d), scope, array]);
  const dispatch = t.ifStatement(test, t.expressionStatement(call));
  const statements = silent ? [dispatch] : [assign(at(file.names.L, file), num(line)), dispatch];
  return [statements, { ...site, array, scope, dispatch, line: { line, silent } }];
}

/** At most this many bindings are written back (the innermost ones: what a user at a prompt assigns). */
const MAX_WRITE_BACK = 6;

/**
 * Fills in a site's snapshot: values, scope row, and the write-back of writable bindings. `previous`:
 * the row of the site before it in the source (-1: none). Returns the site's row.
 */
export function completeSite(file: FileContext, fn: FunctionContext, free: SnapshotEntry[], site: Site, previous: number): number {
  let entries = site.inWith ? [] : site.entries.filter((e) => e.read !== "hidden");
  const hidden = site.inWith ? [] : site.entries.filter((e) => e.read === "hidden").map((e) => e.name);
  if (!site.inWith) {
    const own = new Set([...entries.map((e) => e.name), ...hidden]);
    for (const entry of free) if (!own.has(entry.name)) entries.push(entry);
    entries = cap(entries);
    if (fn.usesArguments && !own.has("arguments")) entries.push({ name: "arguments", read: "direct", writable: false });
  }
  if (fn.thisRead !== null) entries.push({ name: "this", read: fn.thisRead, writable: false, stable: fn.thisRead === "direct" });
  let budget = MAX_WRITE_BACK;
  entries = entries.map((e) => (e.writable && !fn.free.has(e.name) && budget-- > 0 ? e : { ...e, writable: false }));
  entries.sort((a, b) => Number(b.writable) - Number(a.writable));
  const writable = entries.filter((e) => e.writable);
  site.array.elements = entries.map((e) => readBinding(file, e.name, e.read));
  const identity = entries.map((e) => e.at ?? -1).join(",");
  // The hidden names come after those of the values (see ScopeRow).
  const row: ScopeRow = [writable.length, ...entries.map((e) => e.name), ...hidden];
  const scope = (site.scope.value = scopeNumber(file, row, identity));
  if (site.line !== null && site.dispatch !== null && scope === previous && stableRow(fn, entries))
    keepSnapshot(file, site.line, scope, site.dispatch);
  if (writable.length === 0 || site.dispatch === null) return scope;
  // if ($k.l && $B[n] && ($w = $T.line(...))) [a, b] = $w;
  const call = (site.dispatch.consequent as t.ExpressionStatement).expression;
  site.dispatch.test = t.logicalExpression("&&", site.dispatch.test, t.assignmentExpression("=", id(file.names.w), call));
  site.dispatch.consequent = writeBack(
    file,
    writable.map((e) => e.name),
  );
  return scope;
}

/**
 * Can a `line` site reuse the snapshot the frame holds when that one has the same row? Yes when no
 * value of the row can change during the activation: every entry is stable, and neither
 * `arguments` (aliasing parameters) nor a direct `eval` can assign them.
 */
function stableRow(fn: FunctionContext, entries: SnapshotEntry[]): boolean {
  return !fn.usesArguments && !fn.evals && entries.every((e) => e.stable === true);
}

/**
 * `$T.lineKept($d, scope) ?? $T.line($d, scope, [values])`: the array is only built when the
 * frame's last snapshot has another row (or there is no frame yet). See runtime/trace.ts. Only
 * where the site before it in the source has the same row: elsewhere the frame's snapshot has
 * another row most of the time, and the first call would be wasted.
 */
function keepSnapshot(file: FileContext, site: NonNullable<Site["line"]>, scope: number, dispatch: t.IfStatement): void {
  const statement = dispatch.consequent as t.ExpressionStatement;
  const d = id(file.names.d);
  const kept = site.silent ? rt(file, "lineAtKept", [d, num(site.line), num(scope)]) : rt(file, "lineKept", [d, num(scope)]);
  statement.expression = t.logicalExpression("??", kept, statement.expression);
}

/** `[a, b] = $w;` (the writable bindings come first in the snapshot) */
function writeBack(file: FileContext, names: string[]): t.Statement {
  return t.expressionStatement(t.assignmentExpression("=", t.arrayPattern(names.map(id)), id(file.names.w)));
}

function readBinding(file: FileContext, name: string, read: Read): t.Expression {
  const value = name === "this" ? t.thisExpression() : id(name);
  return read === "direct" ? value : rt(file, "tdz", [t.arrowFunctionExpression([], value)]);
}

/**
 * The row's number in the file's scope table. `identity` tells apart rows of the same names that
 * hold other bindings (a block's `kind` and the outer `kind`): a frame's snapshot of one row must
 * never be taken for the other's (`lineKept`).
 */
export function scopeNumber(file: FileContext, row: ScopeRow, identity = ""): number {
  const key = row.join("\u0000") + "\u0001" + identity;
  let n = file.scopeIndex.get(key);
  if (n === undefined) {
    n = file.scopes.length;
    file.scopes.push(row);
    file.scopeIndex.set(key, n);
  }
  return n;
}

// ------------------------------------------------------------ functions

export interface Prologue {
  /** statements before the `try` */
  enter: t.Statement[];
  /** the call-event site, whose snapshot is completed with the function */
  site: Site;
}

/**
 * Entry of a synchronous function (or module):
 *   const $d = ++$R.sp; $S[$d] = $k.id; $L[$d] = first; let $r, $w;
 *   if ($k.c) $T.call($d, scope, [params]);
 * Entry of a resumable one:
 *   const $fo = $T.gen($k); let $d = $T.push($fo, scope, [params]), $r, $v, $w;
 */
export function prologue(file: FileContext, fn: FunctionContext, first: number, entries: Site["entries"], inWith: boolean): Prologue {
  const n = file.names;
  const key = id(n.key(fn.index));
  const array = t.arrayExpression([]);
  const scope = num(0);
  const enter: t.Statement[] = [];
  let dispatch: t.IfStatement | null = null;
  if (fn.resumable) {
    enter.push(t.variableDeclaration("const", [t.variableDeclarator(id(n.fo), rt(file, "gen", [key]))]));
    enter.push(
      t.variableDeclaration("let", [
        t.variableDeclarator(id(n.d), rt(file, "push", [id(n.fo), scope, array])),
        t.variableDeclarator(id(n.r)),
        t.variableDeclarator(id(n.v)),
        t.variableDeclarator(id(n.w)),
      ]),
    );
    // Resumable frames report `call` from the runtime, which cannot write back into the snapshot's bindings.
  } else {
    enter.push(t.variableDeclaration("const", [t.variableDeclarator(id(n.d), t.updateExpression("++", sp(file), true))]));
    enter.push(assign(at(n.S, file), t.memberExpression(key, id("id"))));
    enter.push(assign(at(n.L, file), num(first)));
    enter.push(t.variableDeclaration("let", [t.variableDeclarator(id(n.r)), t.variableDeclarator(id(n.w))]));
    dispatch = t.ifStatement(keyFlag(file, fn, "c"), t.expressionStatement(rt(file, "call", [id(n.d), scope, array])));
    enter.push(dispatch);
  }
  return { enter, site: { entries, inWith, array, scope, dispatch, line: null } };
}

/** `if ($fo._d === 0) $d = $T.push($fo, 0, []);` — a resumable frame coming back after a suspension. */
export function resume(file: FileContext): t.Statement {
  const n = file.names;
  return t.ifStatement(
    t.binaryExpression("===", t.memberExpression(id(n.fo), id("_d")), num(0)),
    assign(id(n.d), rt(file, "push", [id(n.fo), num(0), t.arrayExpression([])])),
  );
}

/** `$R.sp = $d; $T.exception($d, e, leaving);` */
export function exceptionHook(file: FileContext, fn: FunctionContext, error: string, leaving: boolean): t.Statement[] {
  const n = file.names;
  const hook = [assign(sp(file), id(n.d)), t.expressionStatement(rt(file, "exception", [id(n.d), id(error), t.booleanLiteral(leaving)]))];
  return fn.resumable ? [resume(file), ...hook] : hook;
}

/** The exit of a function: `if ($k.r && $S[$d] !== $k.id) $T.leave($d, $r); else $R.sp = $d - 1;` */
export function epilogue(file: FileContext, fn: FunctionContext, value: t.Expression): t.Statement[] {
  const n = file.names;
  if (fn.resumable) return [resume(file), t.expressionStatement(rt(file, "leave", [id(n.d), value]))];
  const key = id(n.key(fn.index));
  const test = t.logicalExpression(
    "&&",
    keyFlag(file, fn, "r"),
    t.binaryExpression("!==", at(n.S, file), t.memberExpression(key, id("id"))),
  );
  const pop = assign(sp(file), t.binaryExpression("-", id(n.d), num(1)));
  return [t.ifStatement(test, t.expressionStatement(rt(file, "leave", [id(n.d), value])), pop)];
}

/** `try { body } catch ($e) { hook; throw $e } finally { epilogue }` */
export function wrapBody(file: FileContext, fn: FunctionContext, body: t.Statement[]): t.TryStatement {
  const e = file.names.e;
  const handler = t.catchClause(id(e), t.blockStatement([...exceptionHook(file, fn, e, true), t.throwStatement(id(e))]));
  return t.tryStatement(t.blockStatement(body), handler, t.blockStatement(epilogue(file, fn, id(file.names.r))));
}

/** `($v = await $T.suspend($fo, arg, false), $d = $T.push($fo, 0, []), $v)` and the same for yield. */
export function suspension(file: FileContext, kind: "await" | "yield" | "yield*", arg: t.Expression | null): t.Expression {
  const n = file.names;
  const value = arg ?? t.unaryExpression("void", num(0));
  const suspended = rt(file, "suspend", [id(n.fo), value, t.booleanLiteral(kind === "yield")]);
  const wait = kind === "await" ? t.awaitExpression(suspended) : t.yieldExpression(suspended, kind === "yield*");
  file.generated.add(wait);
  return t.sequenceExpression([
    t.assignmentExpression("=", id(n.v), wait),
    t.assignmentExpression("=", id(n.d), rt(file, "push", [id(n.fo), num(0), t.arrayExpression([])])),
    id(n.v),
  ]);
}
