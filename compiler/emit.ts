/**
 * The code tsdb inserts, built as Babel nodes. The shapes here are the
 * hot-path contract of contract/index.ts, described in docs/generated-code.md.
 * In the comments, `$x` is the file's generated name for x (prefix + letter, see
 * generated-names.ts): `$S` slots, `$L` lines, `$R` state,
 * `$I` interrupts, `$V` values, `$d` depth, `$k` the code's Key, `$line(...)`
 * the runtime's `line` bound by the header.
 */
import type * as T from "@babel/types";
import { t } from "./babel-types.js";
import { takesAssignedName } from "./code-names.js";
import { id, member } from "./identifiers.js";
import {
  type KeyFlag,
  ROW_HIDDEN,
  VALUE_STRIDE_BITS,
  ROW_WRITABLE,
  reloadable,
  type RuntimeFunction,
  SITE_LINE_MASK,
  type ScopeRow,
} from "../contract/index.js";
import type { FileContext, FunctionContext, RowEntry, Site } from "./file-context.js";
import { layoutOf, readAfter, slotOf, valuesOf } from "./frame-values.js";
import { onward, ownTry } from "./onward.js";
import { numberEntry } from "./tables.js";

const num = (n: number) => t.numericLiteral(n);

/** A call of runtime function `fn`, through a binding the file's header makes (a property read per call costs). */
export function rt(file: FileContext, fn: RuntimeFunction, args: T.Expression[]): T.CallExpression {
  file.runtimeUsed.add(fn);
  return t.callExpression(id(file.names.runtimeFunction(fn)), args);
}

/** `value` for the right of `$r = …` (or a property of tsdb's): through the runtime's `unnamed` where a function in it would take that name (code-names.ts). */
export function unnamed(file: FileContext, value: T.Expression): T.Expression {
  return takesAssignedName(value) ? rt(file, "unnamed", [value]) : value;
}

/** `$S[$d]`, `$L[$d]` */
function at(array: string, file: FileContext): T.MemberExpression {
  return member(`${array}[]`, () => t.memberExpression(id(array), id(file.names.depth), true));
}

function sp(file: FileContext): T.MemberExpression {
  return member("sp", () => t.memberExpression(id(file.names.state), id("sp")));
}

function keyFlag(file: FileContext, fn: FunctionContext, flag: KeyFlag): T.MemberExpression {
  return member(`${fn.index}.${flag}`, () => t.memberExpression(id(file.names.key(fn.index)), id(flag)));
}

function assign(target: T.LVal, value: T.Expression): T.ExpressionStatement {
  return t.expressionStatement(t.assignmentExpression("=", target, value));
}

/**
 * A line site: `$L[$d] = id; $k.l && $line($d) && (reload);`; a silent statement's (see silent.ts)
 * stores its id only when it dispatches: `$k.l && $lineAt($d, id) && (reload);`. `$k.l` says some
 * line of the code may dispatch; the runtime's `line` then tests the line table itself (this
 * line's entry: traced, or a frame with a pending write), so the site does not name it: ~9 bytes
 * less per site, and a call per statement only in a code with a traced line or a pending write
 * (bench/FINDINGS.md §40). The id and the reload are filled in by `completeSite`. An expression
 * statement, not an `if`: the same bytecode (a jump per test), shorter in compact output.
 */
export function lineSite(
  file: FileContext,
  fn: FunctionContext,
  line: number,
  position: number,
  entries: RowEntry[],
  inWith: boolean,
  silent: boolean,
): [T.Statement[], Site] {
  const site: Site = { entries, inWith, line, at: position, id: num(0), dispatch: null };
  const test = keyFlag(file, fn, "l");
  const call = silent ? rt(file, "lineAt", [id(file.names.depth), site.id]) : rt(file, "line", [id(file.names.depth)]);
  site.dispatch = t.expressionStatement(t.logicalExpression("&&", test, call));
  return [silent ? [site.dispatch] : [assign(at(file.names.lines, file), site.id), site.dispatch], site];
}

/** A statement that can call out but has no line site (its line is the one before): `$L[$d] = id;` for its row. */
export function storeSite(file: FileContext, line: number, entries: RowEntry[], inWith: boolean): [T.Statement, Site] {
  const site: Site = { entries, inWith, line, at: -Infinity, id: num(0), dispatch: null };
  return [assign(at(file.names.lines, file), site.id), site];
}

/**
 * Fills in a site: its row (own bindings, then those of enclosing functions it refers to, `this`,
 * `arguments`), its id, and the reload of the writable bindings whose slot holds their value.
 */
export function completeSite(file: FileContext, fn: FunctionContext, free: RowEntry[], site: Site): void {
  const { scope, reloaded } = siteRow(file, fn, free, site);
  site.id.value = siteId(file, site.line, scope);
  if (site.dispatch === null) return;
  // Only what the code may still read from here (frame-values.ts `readAfter`): a write to any
  // other binding changes nothing the program does, and stays in the slot (the frame shows it).
  const owner = fn.path.node;
  let used = reloaded.filter((e) => readAfter(owner, site.at, e.at ?? -Infinity));
  if (used.length === 0) return; // (nothing to copy here, nor to leave to the next site)
  // Of those, only what the code reads before the next site, when that site copies the rest: the
  // site then calls the runtime's `…Part` function, which keeps the write pending for it.
  const next = onwardSite(file, fn, site);
  const now = next === undefined ? used : used.filter((e) => next.reads.has(e.name));
  if (next !== undefined && now.length < used.length) {
    if (next.next === null) {
      // The function leaves before it reads the others: they are as any binding no longer read.
      used = now;
    } else {
      const later = siteRow(file, fn, free, next.next).reloaded.map(entryKey);
      if (used.every((e) => now.includes(e) || later.includes(entryKey(e)))) {
        const call = (site.dispatch.expression as T.LogicalExpression).right as T.CallExpression;
        const name = (call.callee as T.Identifier).name;
        call.callee = rt(file, PARTS.find(([whole]) => file.names.runtimeFunction(whole) === name)![1], []).callee;
        used = now;
      }
    }
  }
  const copies = reload(file.names.written, used, file.compact);
  if (copies !== null) site.dispatch.expression = t.logicalExpression("&&", site.dispatch.expression, copies);
}

/** A site's runtime function, and the one that leaves a write pending for the next site. */
const PARTS: [RuntimeFunction, RuntimeFunction][] = [
  ["line", "linePart"],
  ["lineAt", "lineAtPart"],
  ["call", "callPart"],
];

/** What the site rows' entries are compared by (rows of one function share their RowEntry objects only per scope). */
function entryKey(e: RowEntry): string {
  return `${e.name}:${e.slot}:${e.at ?? -1}`;
}

/** Each function's sites' way on (onward.ts), found once its body is done: the first site completed asks. */
const ONWARD = new WeakMap<FunctionContext, Map<T.Statement, { reads: Set<string>; next: Site | null } | null>>();

/**
 * What follows a site: the names read before the next site (`next`, null: the function's exit).
 * Undefined when that is not certain, and in a program's top level: its bindings are the module's
 * (another module reads an export, any script a global), so a write must land at its site.
 */
function onwardSite(file: FileContext, fn: FunctionContext, site: Site): { reads: Set<string>; next: Site | null } | undefined {
  const node = fn.path.node;
  if (t.isProgram(node)) return undefined;
  let known = ONWARD.get(fn);
  if (known === undefined) {
    const sites = new Map<T.Statement, Site>();
    for (const s of fn.sites) if (s.dispatch !== null) sites.set(s.dispatch, s);
    const body = t.isStaticBlock(node) ? node.body : t.isFunction(node) && t.isBlockStatement(node.body) ? node.body.body : [];
    known = new Map();
    for (const [statement, found] of onward(body, new Set(sites.keys()), exitLabel(file)))
      known.set(statement, found === null ? null : { reads: found.reads, next: found.next === null ? null : sites.get(found.next)! });
    ONWARD.set(fn, known);
  }
  return known.get(site.dispatch!) ?? undefined;
}

/** A function's sites with the same own entries (snapshot.ts shares their list) have the same row: made once, by `free` (one per function). */
const rowsByFree = new WeakMap<RowEntry[], Map<RowEntry[] | null, { scope: number; reloaded: RowEntry[] }>>();

function siteRow(file: FileContext, fn: FunctionContext, free: RowEntry[], site: Site): { scope: number; reloaded: RowEntry[] } {
  let rows = rowsByFree.get(free);
  if (rows === undefined) rowsByFree.set(free, (rows = new Map()));
  const known = rows.get(site.inWith ? null : site.entries);
  if (known !== undefined) return known;
  const entries = site.inWith ? [] : [...site.entries];
  if (!site.inWith) {
    const own = new Set(entries.map((e) => e.name));
    for (const entry of free) if (!own.has(entry.name)) entries.push(entry);
    const layout = layoutOf(fn.path.node);
    if (layout.argumentsSlot >= 0 && !own.has("arguments"))
      entries.push({ name: "arguments", slot: layout.argumentsSlot, index: -1, writable: false });
  }
  const layout = layoutOf(fn.path.node);
  if (layout.newTargetSlot >= 0) entries.push({ name: "new.target", slot: layout.newTargetSlot, index: -1, writable: false });
  if (layout.thisSlot >= 0) entries.push({ name: "this", slot: layout.thisSlot, index: fn.thisRead === "tdz" ? -2 : -1, writable: false });
  const row = entries.map((e) => entryNumber(file, e));
  const identity = entries.map((e) => e.at ?? -1).join(",");
  // (What the runtime's written copy holds at this site: contract `reloadable`.)
  const made = { scope: scopeNumber(file, row, identity), reloaded: entries.filter((_, i) => reloadable(file.rows.first[row[i]])) };
  rows.set(site.inWith ? null : site.entries, made);
  return made;
}

/** An entry's number in the file's row table (tables.ts), once per RowEntry (rows share them). */
function entryNumber(file: FileContext, e: RowEntry): number {
  let n = file.entryNumbers.get(e);
  if (n === undefined) {
    const item: ScopeRow[number] = [e.name, e.slot, e.index, (e.writable ? ROW_WRITABLE : 0) | (e.hidden ? ROW_HIDDEN : 0)];
    file.entryNumbers.set(e, (n = numberEntry(file.rows, item)));
  }
  return n;
}

/**
 * The copy of written slots into their variables, one expression after the site's test: from
 * `$W`, the runtime's `written` (runtime/stack.ts), which the runtime fills by name, when it returns
 * true, with every writable binding of the site's row whose slot holds its value (`reloaded` in
 * `siteRow`: the same row, the same test), so every name read here is there. Null when there is
 * nothing to copy. A site has one for every binding a debugger could write, so its size counts (it
 * runs only after a write): in compact output, for more than one binding, an object pattern
 * `({a,b}=$W)` (a name per binding: shorter than the slot numbers `({0:a,2:b}=$W)` it replaces);
 * else `a = $W.a, b = $W.b` (printed with layout a pattern takes a line per binding: as multi-line
 * destructurings the reloads were 40 % of acorn's output). `$W` has no prototype: a pattern reads
 * own properties only, `__proto__` included.
 */
function reload(written: string, entries: RowEntry[], compact: boolean): T.Expression | null {
  if (entries.length === 0) return null;
  if (!compact || entries.length === 1) {
    const copies = entries.map((e) => t.assignmentExpression("=", id(e.name), t.memberExpression(id(written), id(e.name))));
    return copies.length === 1 ? copies[0] : t.sequenceExpression(copies);
  }
  const pattern = t.objectPattern(entries.map((e) => t.objectProperty(id(e.name), id(e.name), false, true)));
  return t.assignmentExpression("=", pattern, id(written));
}

/** The id of the site of `line` showing row `row` (see contract SITE_LINE_BITS). */
function siteId(file: FileContext, line: number, row: number): number {
  const key = `${line}:${row}`;
  let n = file.siteIds.get(key);
  if (n === undefined) {
    const variant = file.siteVariants.get(line) ?? 0;
    file.siteVariants.set(line, variant + 1);
    n = line + variant * (SITE_LINE_MASK + 1);
    file.siteIds.set(key, n);
  }
  return n;
}

/**
 * The row's number in the file's scope table. `identity` tells apart rows of the same names that
 * hold other bindings (a block's `kind` and the outer `kind`). Rows are the same when their entries'
 * numbers are (an entry's number stands for its text).
 */
function scopeNumber(file: FileContext, row: number[], identity: string): number {
  const key = row.join(",") + "\u0001" + identity;
  let n = file.scopeIndex.get(key);
  if (n === undefined) {
    n = file.rows.rows.length;
    file.rows.rows.push(row);
    file.scopeIndex.set(key, n);
  }
  return n;
}

// ------------------------------------------------------------ functions

export interface Prologue {
  /** statements before the `try` */
  enter: T.Statement[];
  /** the call-event site, whose row is completed with the function */
  site: Site;
}

/**
 * The line store that begins a synchronous function's body (`$L[$d] = id;`, its first statement's
 * site), taken out of `body`: the prologue's `enter` stores it (see `prologue`). Null when the body
 * begins otherwise.
 */
export function takeLineStore(file: FileContext, body: T.Statement[]): T.NumericLiteral | null {
  const first = body[0];
  if (!t.isExpressionStatement(first) || !t.isAssignmentExpression(first.expression, { operator: "=" })) return null;
  const { left, right } = first.expression;
  if (!t.isMemberExpression(left, { computed: true }) || !t.isIdentifier(left.object, { name: file.names.lines })) return null;
  if (!t.isIdentifier(left.property, { name: file.names.depth }) || !t.isNumericLiteral(right)) return null;
  body.shift();
  return right;
}

/**
 * Entry of a synchronous function (or module):
 *   const $d = $enter($b + index, site), $vs = $V[$d] || $vals($d); let $r;
 *   (enter: ++$R.sp, $S[$d] = $k.id, $L[$d] = site: the body's first line store (`takeLineStore`),
 *   else the entry site)
 *   stores (parameters, this, arguments, accessors);
 *   ($k.c || $I[0]) && $call($d, id) && (reload);   (the call event, then a pending interrupt request)
 * Entry of a resumable one (its values are its frame's own):
 *   const $fo = $gen($k), $vs = $fo._v; stores; let $d = $push($fo, id), $r, $v;
 * (`$u`, a write-through's temporary, only where one is used)
 */
export function prologue(
  file: FileContext,
  fn: FunctionContext,
  first: number,
  body: number,
  entries: RowEntry[],
  inWith: boolean,
  stores: T.Statement[],
  temporary: boolean,
  firstSite: T.NumericLiteral | null = null,
): Prologue {
  const n = file.names;
  const key = id(n.key(fn.index));
  const values = valuesOf(fn.path.node, n);
  const site: Site = { entries, inWith, line: first, at: body, id: num(0), dispatch: null };
  const enter: T.Statement[] = [];
  if (fn.resumable) {
    enter.push(
      t.variableDeclaration("const", [
        t.variableDeclarator(id(n.frameObject), rt(file, "gen", [key])),
        t.variableDeclarator(id(values.array), t.memberExpression(id(n.frameObject), id("_v"))),
      ]),
    );
    enter.push(...stores);
    enter.push(
      t.variableDeclaration("let", [
        t.variableDeclarator(id(n.depth), rt(file, "push", [id(n.frameObject), site.id])),
        t.variableDeclarator(id(n.returned)),
        t.variableDeclarator(id(n.resumed)),
        ...(temporary ? [t.variableDeclarator(id(n.other("u")))] : []),
      ]),
    );
    // Resumable frames report `call` from the runtime, before any code of theirs could copy a write back.
  } else {
    // const $d = $enter(id, site): runtime/trace.ts `enter`, where the stores stay fast. The site is
    // the body's first line store when it begins with one (the call event and the interrupt check,
    // given the entry site, put it back when they return), else the entry site.
    const stored = firstSite ?? site.id;
    // The code's id, `$k.id`, as `$b + index` (the header's `$b`: its first code's): no property
    // read where the function runs without feedback.
    const base = id(n.other("b"));
    const codeId = fn.index === 0 ? base : t.binaryExpression("+", base, num(fn.index));
    const depth = t.variableDeclarator(id(n.depth), rt(file, "enter", [codeId, stored]));
    // One declaration: `const $d = ..., $o = $d << VALUE_STRIDE_BITS;` or `..., $vs = $V[$d] || $vals($d);`
    const where =
      values.offset !== null
        ? t.variableDeclarator(id(values.offset), t.binaryExpression("<<", id(n.depth), num(VALUE_STRIDE_BITS)))
        : t.variableDeclarator(
            id(values.array),
            t.logicalExpression("||", t.memberExpression(id(n.values), id(n.depth), true), rt(file, "vals", [id(n.depth)])),
          );
    enter.push(t.variableDeclaration("const", [depth, where]));
    // `$r`: the value being returned (see `exitStatements`), where a `return value` is; `$u`: a
    // write-through's temporary, where one is used.
    const locals = [...(keepsReturned(fn) ? [n.returned] : []), ...(temporary ? [n.other("u")] : [])];
    if (locals.length > 0)
      enter.push(
        t.variableDeclaration(
          "let",
          locals.map((name) => t.variableDeclarator(id(name))),
        ),
      );
    enter.push(...stores);
    // `($k.c || $I[0]) && $call($d, site)`: the call event and the interrupt check in one test (the
    // runtime's `call` takes a pending interrupt request after the event).
    const wanted = t.logicalExpression("||", keyFlag(file, fn, "c"), interruptRequested(file));
    site.dispatch = t.expressionStatement(t.logicalExpression("&&", wanted, rt(file, "call", [id(n.depth), site.id])));
    enter.push(site.dispatch);
  }
  return { enter, site };
}

/**
 * `$I[0]`: somebody asks the program to stop (runtime/stack.ts `interrupts`, an Int32Array: 0 or
 * not, tested as `!== 0` is, one comparison of the loaded integer; shorter at every function entry
 * and loop head).
 */
export function interruptRequested(file: FileContext): T.Expression {
  return t.memberExpression(id(file.names.interrupts), num(0), true);
}

/**
 * `$I[0] && $interrupted($d);` at loop heads (function entries: in the call event's test, see
 * `prologue`; resumable frames: in the runtime's `push`).
 */
export function interruptCheck(file: FileContext): T.Statement {
  return t.expressionStatement(t.logicalExpression("&&", interruptRequested(file), rt(file, "interrupted", [id(file.names.depth)])));
}

/**
 * A loop that can observe nothing, run plain while its lines are not traced, with its instrumented
 * copy to go on in when an interrupt request comes (the stop it asks for happens there):
 *   { init; let $sw = true;
 *     if (!$k.l && $prim(guards...)) { $sw = false; for (; $I[0] && $interrupted($d) ? ($sw = true, false) : test; update) body; after }
 *     if ($sw) for (; test; update) instrumented body }
 * The loop's declarations move out of its head into the block: the body can make no closure (see
 * silent.ts), so one binding for all iterations is the same as one per iteration. The switch
 * happens before the test is evaluated, so the instrumented copy goes on exactly where the plain
 * one stopped. A counted loop (`counted`, see silent.ts: `for (let i = a; i < n; i += s)`) tests
 * the flag once every CHUNK iterations, not in its test, when `i` and `n` are numbers:
 *     for (;;) { const $m = i + CHUNK * s < n ? i + CHUNK * s : n;  for (; i < $m; i += s) body;
 *                if (!(i < n)) break;  if ($I[0] && $interrupted($d)) { $sw = true; break; } }
 * (the inner loop's one comparison is the loop's own: the check costs nothing measurable per
 * iteration; counting down: `>` and the larger of the two); other values: the loop as written.
 * `after`: the stores of the values the plain copy assigned into their slots (it writes none itself).
 */
export function plainAndInstrumented(
  file: FileContext,
  fn: FunctionContext,
  plain: T.ForStatement | T.WhileStatement,
  instrumented: T.ForStatement | T.WhileStatement,
  guards: string[],
  counted: boolean,
  after: T.Statement[],
): T.Statement {
  let test: T.Expression = t.unaryExpression("!", keyFlag(file, fn, "l"));
  if (guards.length > 0) test = t.logicalExpression("&&", test, rt(file, "prim", guards.map(id)));
  const sw = id(file.names.other("sw"));
  const block: T.Statement[] = [];
  if (t.isForStatement(instrumented) && t.isForStatement(plain) && instrumented.init) {
    const init = instrumented.init;
    block.push(t.isVariableDeclaration(init) ? init : t.expressionStatement(init));
    instrumented.init = null;
    plain.init = null;
  }
  block.push(t.variableDeclaration("let", [t.variableDeclarator(sw, t.booleanLiteral(true))]));
  const interrupt = t.logicalExpression("&&", interruptRequested(file), rt(file, "interrupted", [id(file.names.depth)]));
  if (counted && t.isForStatement(plain)) {
    block.push(t.ifStatement(test, t.blockStatement([assign(sw, t.booleanLiteral(false)), chunked(file, plain, interrupt, sw), ...after])));
    block.push(t.ifStatement(sw, instrumented));
    return t.blockStatement(block);
  }
  plain.test = t.conditionalExpression(
    interrupt,
    t.sequenceExpression([t.assignmentExpression("=", sw, t.booleanLiteral(true)), t.booleanLiteral(false)]),
    plain.test ?? t.booleanLiteral(true),
  );
  block.push(t.ifStatement(test, t.blockStatement([assign(sw, t.booleanLiteral(false)), plain, ...after])));
  block.push(t.ifStatement(sw, instrumented));
  return t.blockStatement(block);
}

/** Iterations of a counted loop between two tests of the interrupt flag. */
const CHUNK = 4096;

/** A counted loop's plain copy (init hoisted), run in chunks with the flag tested between them (see plainAndInstrumented). */
function chunked(file: FileContext, loop: T.ForStatement, interrupt: T.Expression, sw: T.Identifier): T.Statement {
  const test = loop.test as T.BinaryExpression & { left: T.Identifier };
  const i = test.left;
  const bound = test.right as T.Identifier | T.NumericLiteral;
  const update = loop.update!;
  const step = t.isAssignmentExpression(update) ? (update.right as T.NumericLiteral).value : 1;
  const up = test.operator === "<" || test.operator === "<=";
  const m = id(file.names.other("m"));
  // the end of this chunk: CHUNK steps on, or the bound if it comes first
  const next = t.binaryExpression(up ? "+" : "-", t.cloneNode(i), num(CHUNK * step));
  const limit = t.conditionalExpression(
    t.binaryExpression(up ? "<" : ">", next, t.cloneNode(bound)),
    t.cloneNode(next),
    t.cloneNode(bound),
  );
  const inner = t.forStatement(null, t.binaryExpression(test.operator, t.cloneNode(i), m), update, loop.body);
  const chunks = t.forStatement(
    null,
    null,
    null,
    t.blockStatement([
      t.variableDeclaration("const", [t.variableDeclarator(t.cloneNode(m), limit)]),
      inner,
      t.ifStatement(t.unaryExpression("!", t.cloneNode(test)), t.breakStatement()),
      t.ifStatement(interrupt, t.blockStatement([assign(t.cloneNode(sw), t.booleanLiteral(true)), t.breakStatement()])),
    ]),
  );
  // Other values than numbers (a bigint, a string) compare as written, without the check.
  let numbers: T.Expression = t.binaryExpression("===", t.unaryExpression("typeof", t.cloneNode(i)), t.stringLiteral("number"));
  if (t.isIdentifier(bound)) {
    numbers = t.logicalExpression(
      "&&",
      numbers,
      t.binaryExpression("===", t.unaryExpression("typeof", t.cloneNode(bound)), t.stringLiteral("number")),
    );
  }
  return t.ifStatement(numbers, chunks, t.forStatement(null, test, t.cloneNode(update), t.cloneNode(loop.body)));
}

/** `if ($fo._d === 0) $d = $push($fo, 0, []);` — a resumable frame coming back after a suspension. */
export function resume(file: FileContext): T.Statement {
  const n = file.names;
  return t.ifStatement(
    t.binaryExpression("===", t.memberExpression(id(n.frameObject), id("_d")), num(0)),
    assign(id(n.depth), rt(file, "push", [id(n.frameObject), num(0)])),
  );
}

/**
 * `$exception($d, e, leaving);` at the start of a catch (the runtime puts the depth back to `$d`,
 * reporting first the frames above that the exception left: they have no handler of their own).
 */
export function exceptionHook(file: FileContext, fn: FunctionContext, error: string, leaving: boolean): T.Statement[] {
  const hook = t.expressionStatement(rt(file, "exception", [id(file.names.depth), id(error), t.booleanLiteral(leaving)]));
  return fn.resumable ? [resume(file), hook] : [hook];
}

/**
 * The exit of a function: `$k.r && $S[$d] < 0 ? $leave($d, $r) : $R.sp = $d - 1;` (an `if`'s
 * jumps, shorter). `$S[$d]` holds the code's id (≥ 0) until the runtime makes the frame and stores
 * FRAME (-1) there (runtime/stack.ts). `value` null: `$leave($d)`, the value undefined.
 */
export function epilogue(file: FileContext, fn: FunctionContext, value: T.Expression | null): T.Statement[] {
  const n = file.names;
  const leave = rt(file, "leave", value === null ? [id(n.depth)] : [id(n.depth), value]);
  if (fn.resumable) return [resume(file), t.expressionStatement(leave)];
  const test = t.logicalExpression("&&", keyFlag(file, fn, "r"), t.binaryExpression("<", at(n.slots, file), num(0)));
  const pop = t.assignmentExpression("=", sp(file), t.binaryExpression("-", id(n.depth), num(1)));
  return [t.expressionStatement(t.conditionalExpression(test, leave, pop)), ...clearValues(file, fn)];
}

/**
 * `$vs[0] = $vs[1] = void 0;`: a returned frame's values must not keep objects alive (the depth's
 * array is reused by the next call at that depth), and a `var` reads undefined until assigned.
 */
function clearValues(file: FileContext, fn: FunctionContext): T.Statement[] {
  const size = layoutOf(fn.path.node).size;
  if (size === 0) return [];
  const values = valuesOf(fn.path.node, file.names);
  const undef = () => t.unaryExpression("void", num(0));
  // (The runtime's `clear`, not the array's `fill`: a program may patch Array.prototype.)
  if (values.offset === null) return [t.expressionStatement(rt(file, "clear", [id(values.array), num(size)]))];
  let chain: T.Expression = undef();
  for (let i = size - 1; i >= 0; i--) chain = t.assignmentExpression("=", slotOf(values, i), chain);
  return [t.expressionStatement(chain)];
}

/**
 * The body of a function after its prologue.
 *
 * A synchronous function: `$x: try { body } catch ($e) { $raise($d, $e); } epilogue; return $r;`,
 * each `return e` being `{ $r = e; break $x; }` (see `exitBlock`); `raise` reports the exception,
 * pops the frame and rethrows. One that only instrumented code can call (visitors.ts
 * `directOnlyMarker`: `fib`, a parser's helpers) has no handler: `$x: { body } epilogue; return $r;`.
 * An exception leaves it untouched and it stays on the shadow stack until the handler that stops
 * the exception — always in instrumented code, and reached before anything else runs — reports it
 * and puts the depth back (`exceptionHook`). A catch and rethrow per frame made a throw through 20
 * frames cost ~9x plain.
 *
 * A generator or async function leaves and re-enters the stack, and its promise catches what it
 * throws: `try { body } catch ($e) { hook; throw $e } finally { epilogue }`.
 */
export function wrapBody(file: FileContext, fn: FunctionContext, body: T.Statement[], handler: boolean): T.Statement[] {
  const n = file.names;
  if (!fn.resumable) {
    // `$r` and `return $r;` only where a `return value` is: another function returns undefined by
    // falling off its end, and its return event's value is undefined (`leave($d)`), as `$r` never
    // assigned gave. (A class static block has no `return`, nor a value.)
    const returns = keepsReturned(fn);
    const exit = epilogue(file, fn, returns ? id(n.returned) : null);
    if (returns) exit.push(t.returnStatement(id(n.returned)));
    const label = id(exitLabel(file));
    if (!handler) return [t.labeledStatement(label, t.blockStatement(body)), ...exit];
    // `raise` reports, pops and rethrows: a throw from its small frame costs less than one here.
    // The label is the try's own: `$x: try { body } catch ...` (one level of nesting, not two).
    const raise = t.expressionStatement(rt(file, "raise", [id(n.depth), id(n.caught)]));
    const guarded = t.tryStatement(t.blockStatement(body), t.catchClause(id(n.caught), t.blockStatement([raise])));
    ownTry.add(guarded);
    return [t.labeledStatement(label, guarded), ...exit];
  }
  const caught = t.catchClause(
    id(n.caught),
    t.blockStatement([...exceptionHook(file, fn, n.caught, true), t.throwStatement(id(n.caught))]),
  );
  const guarded = t.tryStatement(t.blockStatement(body), caught, t.blockStatement(epilogue(file, fn, id(n.returned))));
  ownTry.add(guarded);
  return [guarded];
}

function exitLabel(file: FileContext): string {
  return file.names.other("x");
}

/** `return e` in a synchronous function: `$r = e; break $x;` (`break $x;` for `return;`). */
export function exitStatements(file: FileContext, value: T.Expression | null | undefined): T.Statement[] {
  const leave = t.breakStatement(id(exitLabel(file)));
  if (value == null) return [leave];
  file.functions[file.functions.length - 1].returnsValue = true;
  return [assign(id(file.names.returned), unnamed(file, value)), leave];
}

/** Does the function keep the value it returns in `$r` (see FunctionContext `returnsValue`)? */
function keepsReturned(fn: FunctionContext): boolean {
  return fn.resumable || fn.isProgram || fn.returnsValue === true;
}

/** `($v = await $suspend($fo, arg, false), $d = $push($fo, 0, []), $v)` and the same for yield. */
export function suspension(file: FileContext, kind: "await" | "yield" | "yield*", arg: T.Expression | null): T.Expression {
  const n = file.names;
  const value = arg ?? t.unaryExpression("void", num(0));
  const suspended = rt(file, "suspend", [id(n.frameObject), value, t.booleanLiteral(kind === "yield")]);
  const wait = kind === "await" ? t.awaitExpression(suspended) : t.yieldExpression(suspended, kind === "yield*");
  file.generated.add(wait);
  return t.sequenceExpression([
    t.assignmentExpression("=", id(n.resumed), wait),
    t.assignmentExpression("=", id(n.depth), rt(file, "push", [id(n.frameObject), num(0)])),
    id(n.resumed),
  ]);
}
