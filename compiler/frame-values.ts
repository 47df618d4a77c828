/**
 * Where each binding's value is kept so that the runtime can read (and write) it while its frame
 * reports an event or waits in a call, without the generated code handing it anything.
 *
 * Every activation has a value array (`$vs`: the shadow stack's array for its depth, or the frame's
 * own for generators and async functions). A binding lives there in one of two ways:
 *
 * - **direct**: a slot holds a copy of the value. Only the frame's own code can change a binding
 *   no nested function refers to, so the copy is made exact by storing it wherever the binding is
 *   initialized or assigned (write-through). A debugger's write goes into the slot and is copied
 *   into the variable at the frame's next site (`reload`).
 * - **accessor**: a binding that nested functions refer to (they may change it while the frame
 *   waits), or any binding of a function with a direct `eval` or `with`. Each scope with such
 *   bindings gets, where the scope is entered, one closure `(i, w, v) => ...` that reads or assigns
 *   them by number, stored in a slot: reads are live, writes land at once, the TDZ throws (the
 *   runtime reads that as absent).
 *
 * Module-level bindings are neither: the file's module accessor reads them (program.ts).
 * Classification is done once, before the visitors change anything (`classify`).
 */
import { type Binding, type NodePath, type Scope, type Visitor, visitors } from "@babel/traverse";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";
import { id, member } from "./identifiers.js";
import { VALUE_STRIDE_BITS } from "../contract/index.js";
import type { Names } from "./generated-names.js";
import { type Liveness, liveAt, liveness } from "./liveness.js";

/** A scope's accessor closure: its slot, the generated name it is bound to, and its bindings by number. */
export interface Group {
  slot: number;
  name: string;
  bindings: Binding[];
  scope: Scope;
  /** the function scope's own group for parameters and `var`s (made before the body's block) */
  outer: boolean;
}

export interface Location {
  slot: number;
  /** -1: direct; otherwise the binding's number in its group's accessor */
  index: number;
  group: Group | null;
}

/**
 * Where an activation's values are: "flat", slots `(d << VALUE_STRIDE_BITS) + k` of the runtime's
 * one flat array (no load per call: small synchronous functions); "array", the runtime's array for
 * depth d (synchronous functions with more slots than a stride); "own", the frame's own array
 * (generators, async functions, modules with top-level await: they leave the stack and come back).
 * "auto": decided when the function is done (generated functions the classification did not see).
 */
export type ValuesMode = "flat" | "array" | "own" | "auto";

/** Per function (or program): its value array's size and what has a slot. */
export interface Layout {
  mode: ValuesMode;
  size: number;
  thisSlot: number;
  argumentsSlot: number;
  newTargetSlot: number;
  /** slots holding the accessors of enclosing functions' groups this function refers to */
  outerGroups: Map<Group, number>;
}

/**
 * Every site copies the writable slot bindings in scope back into their variables (when a debugger
 * wrote one): sites × bindings statements. In a function where that would pass this many (a
 * bundle's top-level function: hundreds of sites, hundreds of `var`s), the writable bindings get
 * accessors instead (one closure per call, writes land at once, nothing to copy back).
 */
const MAX_RELOADS = 4096;

const LOCATION = Symbol("tsdb.location");
const GROUPS = Symbol("tsdb.groups");
const LAYOUT = Symbol("tsdb.layout");
const DYNAMIC = Symbol("tsdb.dynamic");
/** a sloppy function whose own code reads `arguments` */
const READS_ARGUMENTS = Symbol("tsdb.readsArguments");
/** the scope a node makes, as the classification met it */
const SCOPE = Symbol("tsdb.scope");
/** a function or static block whose code reads `this` (in arrows and static blocks inside it too) */
const READS_THIS = Symbol("tsdb.readsThis");
/** a function's slot bindings (classify), then their liveness while the visitors are in the function */
const DIRECT = Symbol("tsdb.direct");
const LIVE = Symbol("tsdb.live");
type Noted = {
  [DIRECT]?: Binding[];
  [LIVE]?: Liveness;
  [LOCATION]?: Location | null;
  [GROUPS]?: Group[];
  [LAYOUT]?: Layout;
  [DYNAMIC]?: boolean;
  [READS_ARGUMENTS]?: boolean;
  [READS_THIS]?: boolean;
  [SCOPE]?: Scope;
};
const noted = (x: object) => x as Noted;

/** The node whose activation runs code at `path`: a function, a static block, a class field's value, or the program. */
export function ownerOf(path: NodePath): T.Node {
  let child: NodePath = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    if (p.isFunction() || p.isStaticBlock()) {
      // A method's computed key and decorators run in the enclosing activation.
      if (child.key === "key" || child.listKey === "decorators") continue;
      return p.node;
    }
    if ((p.isClassProperty() || p.isClassPrivateProperty() || p.isClassAccessorProperty()) && child.key === "value") return child.node;
  }
  return child.node;
}

function ownerOfScope(scope: Scope): T.Node {
  const p = scope.path;
  if (p.isFunction() || p.isProgram() || p.isStaticBlock()) return p.node;
  return ownerOf(p);
}

export function layoutOf(owner: T.Node): Layout {
  return (noted(owner)[LAYOUT] ??= { mode: "auto", size: 0, thisSlot: -1, argumentsSlot: -1, newTargetSlot: -1, outerGroups: new Map() });
}

function newSlot(owner: T.Node): number {
  return layoutOf(owner).size++;
}

/** Does a direct `eval` or a `with` in this owner (or one inside it) make its bindings changeable behind the compiler's back? */
export function isDynamic(owner: T.Node): boolean {
  return noted(owner)[DYNAMIC] === true;
}

/**
 * Decides where every binding of every function of the program lives. Runs before the visitors
 * change the tree: references are where the source put them. `also`: other visitors for the same
 * traversal (a 9 MB file: a traversal costs seconds).
 */
export function classify(program: NodePath<T.Program>, prefix: string, also: Visitor[]): void {
  const marks: NodePath[] = [];
  let groups = 0;
  const scopes: Scope[] = [];
  const seen = new Set<Scope>();
  // Statements per owner: each may get a site, and each site copies the writable slot bindings in
  // scope into their variables (see `bulky`).
  const statements = new Map<T.Node, number>();
  const own: Visitor = {
    CallExpression(p) {
      if (t.isIdentifier(p.node.callee, { name: "eval" }) && !p.scope.getBinding("eval")) marks.push(p);
    },
    WithStatement(p) {
      marks.push(p);
    },
    Scopable(p) {
      if (p.scope.block === p.node) noted(p.node)[SCOPE] = p.scope;
      if (p.scope.block === p.node && !seen.has(p.scope)) {
        seen.add(p.scope);
        scopes.push(p.scope);
      }
    },
    // (`readsThis`: every function and static block seen, and those a `this` is read in.)
    Function(p) {
      noted(p.node)[READS_THIS] ??= false;
    },
    StaticBlock(p) {
      noted(p.node)[READS_THIS] ??= false;
    },
    ThisExpression(p) {
      for (let q: NodePath | null = p.parentPath; q; q = q.parentPath) {
        if (!q.isFunction() && !q.isStaticBlock()) continue;
        noted(q.node)[READS_THIS] = true;
        if (q.isFunction() && !q.isArrowFunctionExpression()) break;
      }
    },
    Statement(p) {
      if (Array.isArray(p.container)) {
        const owner = ownerOf(p);
        statements.set(owner, (statements.get(owner) ?? 0) + 1);
      }
    },
  };
  // One walk (a 9 MB file: a second one costs seconds).
  program.traverse(visitors.merge([own, ...also]));
  for (const p of marks) {
    // A direct eval or a with body can reach the bindings of every enclosing function.
    for (let q: NodePath | null = p; q; q = q.parentPath) if (q.isFunction() || q.isStaticBlock()) noted(q.node)[DYNAMIC] = true;
  }
  const writables = new Map<T.Node, number>();
  for (const scope of scopes) {
    if (scope.path.isProgram() || scope.path.isClass()) continue;
    const owner = ownerOfScope(scope);
    for (const b of Object.values(scope.bindings)) if (isWritable(b)) writables.set(owner, (writables.get(owner) ?? 0) + 1);
  }
  const bulky = (owner: T.Node) => (statements.get(owner) ?? 0) * (writables.get(owner) ?? 0) > MAX_RELOADS;
  const owners = new Set<T.Node>([program.node]);
  // Each function's bindings whose slot holds the value: where each is live (liveness.ts).
  const direct = new Map<T.Function | T.StaticBlock, Binding[]>();
  for (const scope of scopes) {
    if (scope.path.isFunction() || scope.path.isStaticBlock()) owners.add(scope.path.node);
    if (scope.path.isProgram() || scope.path.isClass()) continue;
    const owner = ownerOfScope(scope);
    for (const binding of Object.values(scope.bindings)) {
      if (!["param", "var", "let", "const", "hoisted", "local"].includes(binding.kind)) {
        noted(binding.identifier)[LOCATION] = null;
        continue;
      }
      const captured =
        isDynamic(owner) ||
        (isWritable(binding) && bulky(owner)) ||
        t.isSwitchStatement(scope.block) ||
        binding.referencePaths.some((r) => ownerOf(r) !== owner) ||
        binding.constantViolations.some((v) => ownerOf(v) !== owner) ||
        aliasedByArguments(binding, owner);
      if (!captured) {
        noted(binding.identifier)[LOCATION] = { slot: newSlot(owner), index: -1, group: null };
        if (t.isFunction(owner) || t.isStaticBlock(owner)) {
          let list = direct.get(owner);
          if (list === undefined) direct.set(owner, (list = []));
          list.push(binding);
        }
        continue;
      }
      const outer = scope.path.isFunction() && (binding.kind === "param" || binding.kind === "var" || binding.kind === "local");
      const list = (noted(scope.block)[GROUPS] ??= []);
      let group = list.find((g) => g.outer === outer);
      if (group === undefined) {
        group = { slot: newSlot(owner), name: `${prefix}a${groups++}`, bindings: [], scope, outer };
        list.push(group);
      }
      noted(binding.identifier)[LOCATION] = { slot: group.slot, index: group.bindings.length, group };
      group.bindings.push(binding);
    }
  }
  for (const [owner, bindings] of direct) noted(owner)[DIRECT] = bindings;
  const topLevelAwait = hasTopLevelAwait(program);
  const scopeOf = new Map(scopes.map((scope) => [scope.block, scope]));
  for (const owner of owners) {
    const layout = layoutOf(owner);
    if ((t.isFunction(owner) && (owner.async || owner.generator)) || (t.isProgram(owner) && topLevelAwait)) layout.mode = "own";
    // At most: this, arguments, new.target and one slot per group of the enclosing functions.
    else layout.mode = layout.size + 3 + enclosingGroups(owner, scopeOf) <= 1 << VALUE_STRIDE_BITS ? "flat" : "array";
  }
}

/**
 * The liveness of a function's slot bindings, made when the visitors enter it and let go when they
 * leave it: its source is still as classify saw it (the code around it changes only around it), and
 * a big file's liveness is not all held at once (bench/FINDINGS.md §50).
 */
export function openLiveness(owner: T.Function | T.StaticBlock): void {
  const bindings = noted(owner)[DIRECT];
  if (bindings === undefined) return;
  noted(owner)[LIVE] = liveness(owner, bindings);
  noted(owner)[DIRECT] = undefined;
}

export function closeLiveness(owner: T.Function | T.StaticBlock): void {
  noted(owner)[LIVE] = undefined;
}

/**
 * May the code of `owner` read the slot binding declared at `declared` after a site at `position`
 * (liveness.ts)? True when not known (code the classification did not see).
 */
export function readAfter(owner: T.Node, position: number, declared: number): boolean {
  const live = noted(owner)[LIVE];
  return live === undefined || liveAt(live, position, declared);
}

/** How many accessor groups the scopes around `owner` (its scope's ancestors) have. */
function enclosingGroups(owner: T.Node, scopeOf: Map<T.Node, Scope>): number {
  let n = 0;
  for (let scope = scopeOf.get(owner)?.parent; scope; scope = scope.parent) n += groupsOf(scope).length;
  return n;
}

function hasTopLevelAwait(program: NodePath<T.Program>): boolean {
  let found = false;
  const visitor: Visitor = {
    Function(p) {
      p.skip();
      // A method's computed key and decorators run in the code around the method (`ownerOf`).
      const method = p.node as T.Node & { computed?: boolean; decorators?: T.Decorator[] | null };
      const outside: NodePath[] = [];
      if (method.computed) outside.push(p.get("key") as NodePath);
      if (method.decorators) outside.push(...(p.get("decorators") as NodePath[]));
      for (const q of outside) {
        if (q.isAwaitExpression()) found = true;
        else q.traverse(visitor);
      }
    },
    AwaitExpression(p) {
      found = true;
      p.stop();
    },
    ForOfStatement(p) {
      if (p.node.await) {
        found = true;
        p.stop();
      }
    },
  };
  program.traverse(visitor);
  return found;
}

/** The scope `node` makes, as `classify` met it (undefined for a node made since, or one that makes none). */
export function scopeMadeBy(node: T.Node): Scope | undefined {
  return noted(node)[SCOPE];
}

/**
 * Does the code of a function or static block read `this` (in the arrows and static blocks inside
 * it too, not in other functions)? Noted by `classify`; undefined for code it did not see.
 */
export function readsThis(node: T.Node): boolean | undefined {
  return noted(node)[READS_THIS];
}

/** Decides the mode of a function the classification did not see, once its size is known. */
export function settleMode(layout: Layout): void {
  if (layout.mode === "auto") layout.mode = layout.size <= 1 << VALUE_STRIDE_BITS ? "flat" : "array";
}

/** How generated code names an activation's values: `array[offset + k]` (flat) or `array[k]`. */
export interface Values {
  array: string;
  offset: string | null;
}

export function valuesOf(owner: T.Node, names: Names): Values {
  settleMode(layoutOf(owner));
  return layoutOf(owner).mode === "flat"
    ? { array: names.flatValues, offset: names.other("o") }
    : { array: names.other("vs"), offset: null };
}

/** A sloppy function's simple parameters change with `arguments[i] = v`. */
function aliasedByArguments(binding: Binding, owner: T.Node): boolean {
  if (binding.kind !== "param" || !t.isFunction(owner) || t.isArrowFunctionExpression(owner)) return false;
  const path = binding.scope.path;
  if (path.isInStrictMode()) return false;
  if (!owner.params.every((p) => t.isIdentifier(p))) return false;
  // Once per function, not once per parameter.
  const known = noted(owner)[READS_ARGUMENTS];
  if (known !== undefined) return known;
  let uses = false;
  path.traverse({
    Identifier(p) {
      if (p.node.name === "arguments" && p.isReferencedIdentifier()) uses = true;
    },
    Function(p) {
      if (!p.isArrowFunctionExpression()) p.skip();
    },
  });
  noted(owner)[READS_ARGUMENTS] = uses;
  return uses;
}

/**
 * Where a binding lives; null for a module-level binding and kinds never shown. Noted on the
 * identifier that declares it, not on Babel's `Binding`: when Babel makes the scope of a block the
 * visitors make (`if (x) stmt`, an `else if`: visitors.ts `asBlock`), its crawl makes every binding
 * of the scopes inside again, as new objects with the same identifiers; and a node the visitors
 * move (a class field's value into its arrow) has its scope made again, bindings and all.
 */
export function locationOf(binding: Binding): Location | null {
  return noted(binding.identifier)[LOCATION] ?? null;
}

/** The accessor groups of a scope (made where it is entered); noted on its node, as `locationOf` says why. */
export function groupsOf(scope: Scope): Group[] {
  return noted(scope.block)[GROUPS] ?? [];
}

export function isWritable(binding: Binding): boolean {
  switch (binding.kind) {
    case "param":
    case "var":
    case "hoisted":
      return true;
    case "let":
      return !binding.path.isClassDeclaration();
    default:
      return false;
  }
}

const num = (n: number) => t.numericLiteral(n);

/** `$VS[$o + slot]` or `$vs[slot]` */
export function slotOf(values: Values, slot: number): T.MemberExpression {
  return member(`${values.array}[${values.offset ?? ""}+${slot}]`, () => {
    const index =
      values.offset === null ? num(slot) : slot === 0 ? id(values.offset) : t.binaryExpression("+", id(values.offset), num(slot));
    return t.memberExpression(id(values.array), index, true);
  });
}

/** `$vs[slot] = value;` */
export function store(values: Values, slot: number, value: T.Expression): T.ExpressionStatement {
  return t.expressionStatement(t.assignmentExpression("=", slotOf(values, slot), value));
}

/**
 * The names of an accessor's parameters, `(i, w, v)`: the case, read or write, the value. Its body
 * names only its group's bindings, so any other names do; one of the group's (a captured `i`)
 * would be shadowed, and the accessor would read and assign its own parameter: `i0`, `i1`...
 */
function accessorParams(group: Group): [T.Identifier, T.Identifier, T.Identifier] {
  const taken = new Set(group.bindings.map((b) => b.identifier.name));
  const free = (name: string) => {
    let n = name;
    for (let k = 0; taken.has(n); k++) n = `${name}${k}`;
    return id(n);
  };
  return [free("i"), free("w"), free("v")];
}

/** The cases of an accessor's `switch (i)`: `case n: return w ? x = v : x;` per binding (`return x;` for a `const`). */
function accessorCases(group: Group, own: boolean, [, w, v]: T.Identifier[]): T.SwitchCase[] {
  return group.bindings.map((b, n) => {
    const name = b.identifier.name;
    // A function of its own has its own `arguments`: a binding of that name reads as unknown (a
    // throw is how an accessor says "absent"), never as the accessor's arguments.
    if (own && name === "arguments") return t.switchCase(num(n), [t.throwStatement(num(0))]);
    const value = isWritable(b) ? t.conditionalExpression(w, t.assignmentExpression("=", id(name), v), id(name)) : id(name);
    return t.switchCase(num(n), [t.returnStatement(value)]);
  });
}

/**
 * `const $a = (i, w, v) => { switch (i) { case 0: return w ? x = v : x; ... } }; $vs[slot] = $a;`
 * A `const` binding is never assigned through it (the runtime refuses first).
 */
export function groupStatements(values: Values, group: Group, generated: WeakSet<T.Node>): T.Statement[] {
  const params = accessorParams(group);
  const accessor = t.arrowFunctionExpression(params, t.blockStatement([t.switchStatement(params[0], accessorCases(group, false, params))]));
  generated.add(accessor);
  return [t.variableDeclaration("const", [t.variableDeclarator(id(group.name), accessor)]), store(values, group.slot, id(group.name))];
}

/**
 * A switch's scope: any case may be where it is entered (a jump), and a `const` made in each would
 * be declared twice. `function $a(i, w, v) { ... }` once in the switch's block exists from the
 * block's start whichever case runs first (block-level function declarations are made when the
 * block is entered); each case stores it: `$vs[slot] = $a;`.
 */
export function switchEntry(
  values: Values,
  scope: Scope,
  generated: WeakSet<T.Node>,
): { declarations: T.Statement[]; stores: T.Statement[] } {
  const declarations: T.Statement[] = [];
  const stores: T.Statement[] = [];
  for (const group of groupsOf(scope)) {
    const params = accessorParams(group);
    const accessor = t.functionDeclaration(
      id(group.name),
      params,
      t.blockStatement([t.switchStatement(params[0], accessorCases(group, true, params))]),
    );
    generated.add(accessor);
    declarations.push(accessor);
    stores.push(store(values, group.slot, id(group.name)));
  }
  return { declarations, stores };
}

/** Stores of the direct bindings among `bindings` (the names they have now). */
export function directStores(values: Values, bindings: Iterable<Binding>): T.Statement[] {
  const out: T.Statement[] = [];
  for (const b of bindings) {
    const loc = locationOf(b);
    if (loc !== null && loc.index === -1) out.push(store(values, loc.slot, id(b.identifier.name)));
  }
  return out;
}

/** The bindings that the names of a pattern or declaration refer to at `path`. */
export function bindingsNamed(path: NodePath, node: T.Node): Binding[] {
  const out: Binding[] = [];
  for (const name of Object.keys(t.getBindingIdentifiers(node))) {
    const b = path.scope.getBinding(name);
    if (b !== undefined) out.push(b);
  }
  return out;
}

/** What a scope's entry must do: make its accessors, store its hoisted function declarations. */
export function scopeEntry(
  values: Values,
  scope: Scope,
  generated: WeakSet<T.Node>,
  which: (g: Group) => boolean = () => true,
): T.Statement[] {
  const out: T.Statement[] = [];
  for (const group of groupsOf(scope)) if (which(group)) out.push(...groupStatements(values, group, generated));
  return out;
}

/** Direct hoisted function declarations of a scope (stored where the scope is entered: they exist from there). */
export function hoistedFunctions(scope: Scope): Binding[] {
  return Object.values(scope.bindings).filter((b) => b.kind === "hoisted");
}
