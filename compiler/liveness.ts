/**
 * Which of a function's slot bindings it may still read after each of its sites: a backward
 * liveness over the function's statements, as the source has them (before instrumentation). A
 * site's reload (emit.ts `completeSite`) copies a debugger's write into a variable only where the
 * variable is live: from a site where every path writes it before reading it, or never reads it,
 * the program is the same without the copy, and the write stays in the slot (the frame shows it).
 *
 * Conservative everywhere it is not exact: what it does not model (a statement kind it does not
 * know) makes every binding live there; an exception may leave any point of a `try` block for its
 * `catch` or `finally`; a `finally` may go on to anywhere its `try` could have gone; a `break` or
 * `continue` it cannot resolve makes everything live.
 *
 * The generated code reads some variables where the source does not, and those count as reads
 * here (else a stale variable would be copied over a written slot): the stores of a loop head's
 * bindings at the start of each iteration, and the stores after a loop's plain copy of what the
 * loop assigns (compiler/visitors.ts `loopEntry`, `exitLoop`), at the loop's exit and at its head
 * (where an interrupt request ends the plain copy).
 */
import type { Binding } from "@babel/traverse";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";

/** A set of a function's bindings, one bit each. */
type Bits = Uint32Array;

/** Where a `break` or `continue` goes: the live set there. */
interface Jump {
  labels: string[];
  /** a loop or a switch: an unlabeled `break` goes after it (a loop: `continue` to `cont`) */
  loop: boolean;
  switch: boolean;
  brk: Bits;
  cont: Bits | null;
}

interface Context {
  /** live where an exception thrown here goes (nothing outside any `try`: it leaves the function) */
  exc: Bits;
  /** live where a `return` goes (a `finally`'s entry inside one, else nothing) */
  ret: Bits;
  jumps: Jump[];
}

/** The live bindings at each site position (a statement's start, a loop's head, the body's start). */
export interface Liveness {
  /** the bit of each binding, by its declaration's start (what a row entry's `at` holds) */
  bits: Map<number, number>;
  at: Map<number, Bits>;
}

/** The liveness of `owner`'s `bindings` (slot bindings of its own, none captured). */
export function liveness(owner: T.Function | T.StaticBlock, bindings: Binding[]): Liveness {
  return new Analysis(bindings).run(owner);
}

/** Is the binding declared at `declared` live at a site at `position`? True when not known. */
export function liveAt(live: Liveness, position: number, declared: number): boolean {
  const set = live.at.get(position);
  const bit = live.bits.get(declared);
  return set === undefined || bit === undefined || (set[bit >>> 5] & (1 << (bit & 31))) !== 0;
}

class Analysis {
  private readonly words: number;
  private readonly none: Bits;
  private readonly all: Bits;
  /** identifiers that read a binding (references, and the targets of `x += e`, `x++`) */
  private readonly reads = new Map<T.Node, number>();
  /** identifiers that write a binding (declarations, assignment and loop-head targets) */
  private readonly writes = new Map<T.Node, number>();
  /** every binding of a name (generated stores found by name: a loop head's, a plain loop's after-stores) */
  private readonly named = new Map<string, Bits>();
  private readonly declared = new Map<number, number>();
  private readonly records = new Map<number, Bits>();
  private readonly effects = new Map<T.Node, { reads: Bits; defs: Bits }>();
  private readonly plain = new Map<T.Node, Bits>();

  constructor(bindings: Binding[]) {
    this.words = Math.max(1, Math.ceil(bindings.length / 32));
    this.none = new Uint32Array(this.words);
    this.all = new Uint32Array(this.words).fill(0xffffffff);
    bindings.forEach((b, bit) => {
      const name = b.identifier.name;
      this.named.set(name, this.or(this.named.get(name) ?? this.none, this.one(bit)));
      if (b.identifier.start != null) this.declared.set(b.identifier.start, bit);
      this.writes.set(b.identifier, bit);
      for (const r of b.referencePaths) this.reads.set(r.node, bit);
      for (const v of b.constantViolations) {
        const ids = t.getBindingIdentifiers(v.node, true) as Record<string, T.Identifier[]>;
        for (const id of ids[name] ?? []) {
          this.writes.set(id, bit);
          // `x += e`, `x ||= e`, `x++` read it too.
          if ((t.isAssignmentExpression(v.node) && v.node.operator !== "=") || t.isUpdateExpression(v.node)) this.reads.set(id, bit);
        }
      }
    });
  }

  run(owner: T.Function | T.StaticBlock): Liveness {
    const ctx: Context = { exc: this.none, ret: this.none, jumps: [] };
    let entry: Bits;
    let start: number | null | undefined;
    if (t.isStaticBlock(owner)) {
      entry = this.list(owner.body, this.none, ctx);
      start = owner.start;
    } else {
      const body = owner.body;
      entry = t.isBlockStatement(body) ? this.list(body.body, this.none, ctx) : this.expression(body, this.none);
      start = body.start;
    }
    this.record(start, entry);
    return { bits: this.declared, at: this.records };
  }

  // ------------------------------------------------------------------ sets

  private one(bit: number): Bits {
    const s = new Uint32Array(this.words);
    s[bit >>> 5] = 1 << (bit & 31);
    return s;
  }

  private or(a: Bits, b: Bits): Bits {
    const s = new Uint32Array(this.words);
    for (let i = 0; i < this.words; i++) s[i] = a[i] | b[i];
    return s;
  }

  private minus(a: Bits, b: Bits): Bits {
    const s = new Uint32Array(this.words);
    for (let i = 0; i < this.words; i++) s[i] = a[i] & ~b[i];
    return s;
  }

  private same(a: Bits, b: Bits): boolean {
    for (let i = 0; i < this.words; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  private record(position: number | null | undefined, live: Bits): void {
    if (position == null) return;
    const known = this.records.get(position);
    this.records.set(position, known === undefined ? live : this.or(known, live));
  }

  // ----------------------------------------------------------- expressions

  /** What `node` reads (anywhere in it: conservative about order) and surely writes when it completes. */
  private effect(node: T.Node): { reads: Bits; defs: Bits } {
    let known = this.effects.get(node);
    if (known === undefined) {
      const reads = new Uint32Array(this.words);
      t.traverseFast(node, (n) => {
        const bit = this.reads.get(n);
        if (bit !== undefined) reads[bit >>> 5] |= 1 << (bit & 31);
      });
      known = { reads, defs: this.defs(node) };
      this.effects.set(node, known);
    }
    return known;
  }

  /** Bindings `node` writes on every way it completes: plain assignments and updates, in sequences. */
  private defs(node: T.Node): Bits {
    if (t.isAssignmentExpression(node)) {
      const right = this.defs(node.right);
      if (node.operator === "||=" || node.operator === "&&=" || node.operator === "??=") return this.none;
      return this.or(right, this.targets(node.left));
    }
    if (t.isUpdateExpression(node)) return this.targets(node.argument);
    if (t.isSequenceExpression(node)) return node.expressions.reduce((s, e) => this.or(s, this.defs(e)), this.none);
    if (t.isParenthesizedExpression(node)) return this.defs(node.expression);
    return this.none;
  }

  /** The bindings a target (an identifier or a pattern) names. */
  private targets(target: T.Node): Bits {
    const s = new Uint32Array(this.words);
    const ids = t.getBindingIdentifiers(target, true) as Record<string, T.Identifier[]>;
    for (const name of Object.keys(ids))
      for (const id of ids[name]) {
        const bit = this.writes.get(id);
        if (bit !== undefined) s[bit >>> 5] |= 1 << (bit & 31);
      }
    return s;
  }

  private expression(node: T.Node | null | undefined, out: Bits): Bits {
    if (node == null) return out;
    const { reads, defs } = this.effect(node);
    return this.or(this.minus(out, defs), reads);
  }

  // ------------------------------------------------------------ statements

  private list(statements: T.Statement[], out: Bits, ctx: Context): Bits {
    let live = out;
    for (let i = statements.length - 1; i >= 0; i--) live = this.statement(statements[i], live, ctx);
    return live;
  }

  /** Live before `node`, given what is live after it; recorded at its start. */
  private statement(node: T.Statement, out: Bits, ctx: Context, labels: string[] = []): Bits {
    // An exception may leave any point of a `try` block (ctx.exc is empty outside one).
    const live = this.or(this.transfer(node, out, ctx, labels), ctx.exc);
    this.record(node.start, live);
    return live;
  }

  private transfer(node: T.Statement, out: Bits, ctx: Context, labels: string[]): Bits {
    switch (node.type) {
      case "ExpressionStatement":
        return this.expression(node.expression, out);
      case "VariableDeclaration":
        return this.declaration(node, out);
      case "FunctionDeclaration":
      case "EmptyStatement":
      case "DebuggerStatement":
      case "TSTypeAliasDeclaration":
      case "TSInterfaceDeclaration":
      case "TSDeclareFunction":
        return out;
      case "ClassDeclaration":
        return this.or(out, this.effect(node).reads);
      case "ReturnStatement":
        return this.or(this.effect(node).reads, ctx.ret);
      case "ThrowStatement":
        return this.or(this.effect(node).reads, ctx.exc);
      case "BlockStatement":
        return this.list(node.body, out, ctx);
      case "IfStatement": {
        const branches = this.or(
          this.statement(node.consequent, out, ctx),
          node.alternate ? this.statement(node.alternate, out, ctx) : out,
        );
        return this.or(this.effect(node.test).reads, branches);
      }
      case "LabeledStatement": {
        const inner = [...labels, node.label.name];
        if (t.isLoop(node.body) || t.isLabeledStatement(node.body)) return this.statement(node.body, out, ctx, inner);
        const jump: Jump = { labels: inner, loop: false, switch: false, brk: out, cont: null };
        return this.statement(node.body, out, { ...ctx, jumps: [...ctx.jumps, jump] });
      }
      case "BreakStatement":
      case "ContinueStatement":
        return this.jump(node, ctx);
      case "WhileStatement":
      case "DoWhileStatement":
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
        return this.loop(node, out, ctx, labels);
      case "SwitchStatement":
        return this.switchStatement(node, out, ctx, labels);
      case "TryStatement":
        return this.tryStatement(node, out, ctx);
      default:
        // (`with`, TypeScript's declarations, anything else: not modelled)
        return this.all;
    }
  }

  private declaration(node: T.VariableDeclaration, out: Bits): Bits {
    let live = out;
    for (let i = node.declarations.length - 1; i >= 0; i--) {
      const d = node.declarations[i];
      const pattern = this.effect(d.id).reads;
      if (d.init != null) live = this.or(this.expression(d.init, this.minus(live, this.targets(d.id))), pattern);
      // `let x;` sets it to undefined; `var x;` leaves it.
      else if (node.kind !== "var") live = this.minus(live, this.targets(d.id));
    }
    return live;
  }

  /** Every binding of the names a target holds. */
  private byName(target: T.Node): Bits {
    let s = this.none;
    for (const name of Object.keys(t.getBindingIdentifiers(target))) s = this.or(s, this.named.get(name) ?? this.none);
    return s;
  }

  private jump(node: T.BreakStatement | T.ContinueStatement, ctx: Context): Bits {
    const label = node.label?.name;
    const isBreak = t.isBreakStatement(node);
    for (let i = ctx.jumps.length - 1; i >= 0; i--) {
      const j = ctx.jumps[i];
      const hit = label !== undefined ? j.labels.includes(label) : j.loop || (isBreak && j.switch);
      if (!hit) continue;
      const to = isBreak ? j.brk : j.cont;
      return to ?? this.all;
    }
    return this.all;
  }

  private loop(node: T.Loop, out: Bits, ctx: Context, labels: string[]): Bits {
    // A plain copy's stores read what the loop assigns, after it and where an interrupt ends it.
    const after = this.or(out, this.plainReads(node));
    const inner = (cont: Bits): Context => ({
      ...ctx,
      jumps: [...ctx.jumps, { labels, loop: true, switch: false, brk: after, cont }],
    });
    // `head`: where each iteration ends (the head's site, and `continue`'s target), grown to a fixpoint.
    let head = this.none;
    let entry = after;
    for (;;) {
      let next: Bits;
      if (t.isWhileStatement(node)) {
        const body = this.statement(node.body, head, inner(head));
        next = this.or(this.effect(node.test).reads, this.or(body, after));
        entry = next;
      } else if (t.isDoWhileStatement(node)) {
        const body = this.statement(node.body, head, inner(head));
        next = this.or(this.effect(node.test).reads, this.or(body, after));
        entry = body;
      } else if (t.isForStatement(node)) {
        // (the test after the update; the stores of the init's bindings at the start of each iteration)
        const headBindings = node.init && t.isVariableDeclaration(node.init) ? this.byName(node.init) : this.none;
        const body = this.or(this.statement(node.body, head, inner(head)), headBindings);
        const test = node.test ? this.or(this.effect(node.test).reads, this.or(body, after)) : body;
        next = this.expression(node.update, test);
        if (t.isVariableDeclaration(node.init)) entry = this.declaration(node.init, test);
        else entry = this.expression(node.init, test);
      } else {
        const each = node as T.ForInStatement | T.ForOfStatement;
        const left = t.isVariableDeclaration(each.left) ? each.left.declarations[0].id : each.left;
        const body = this.statement(each.body, head, inner(head));
        // Each iteration writes the head's target, then stores it (reads after the write).
        const iteration = this.or(this.minus(body, this.targets(left)), this.effect(left).reads);
        next = this.or(iteration, after);
        entry = this.expression(each.right, next);
      }
      const grown = this.or(head, this.or(next, ctx.exc));
      if (this.same(grown, head)) break;
      head = grown;
    }
    this.record(node.start, head);
    return entry;
  }

  /**
   * What the stores after a loop's plain copy read: what assignments and updates in it name (by
   * name, as those stores find them), when it may have one (compiler/silent.ts `plainLoop`: a
   * `for` or `while` with nothing that calls). Once per loop (an outer loop's fixpoint meets it again).
   */
  private plainReads(node: T.Loop): Bits {
    const known = this.plain.get(node);
    if (known !== undefined) return known;
    let calls = false;
    let reads = this.none;
    if (t.isForStatement(node) || t.isWhileStatement(node))
      t.traverseFast(node, (n) => {
        if (t.isCallExpression(n) || t.isNewExpression(n) || t.isOptionalCallExpression(n) || t.isTaggedTemplateExpression(n)) calls = true;
        if (t.isAssignmentExpression(n)) reads = this.or(reads, this.byName(n.left));
        if (t.isUpdateExpression(n) && t.isIdentifier(n.argument)) reads = this.or(reads, this.named.get(n.argument.name) ?? this.none);
      });
    if (calls) reads = this.none;
    this.plain.set(node, reads);
    return reads;
  }

  private switchStatement(node: T.SwitchStatement, out: Bits, ctx: Context, labels: string[]): Bits {
    const inner: Context = { ...ctx, jumps: [...ctx.jumps, { labels, loop: false, switch: true, brk: out, cont: null }] };
    // Cases fall through to the next; the tests run in order until one matches: any case may be entered.
    let next = out;
    let entry = node.cases.some((c) => c.test == null) ? this.none : out;
    for (let i = node.cases.length - 1; i >= 0; i--) {
      const c = node.cases[i];
      next = this.list(c.consequent, next, inner);
      entry = this.or(entry, next);
      if (c.test) entry = this.or(entry, this.effect(c.test).reads);
    }
    return this.or(entry, this.effect(node.discriminant).reads);
  }

  private tryStatement(node: T.TryStatement, out: Bits, ctx: Context): Bits {
    let inner = ctx;
    let after = out;
    if (node.finalizer) {
      // A finally goes on to wherever its try could have gone: after it, a throw's or a return's
      // target, any jump's.
      let anywhere = this.or(this.or(out, ctx.exc), ctx.ret);
      for (const j of ctx.jumps) anywhere = this.or(this.or(anywhere, j.brk), j.cont ?? this.none);
      const finalizer = this.statement(node.finalizer, anywhere, ctx);
      after = finalizer;
      inner = {
        exc: finalizer,
        ret: finalizer,
        jumps: ctx.jumps.map((j) => ({ ...j, brk: finalizer, cont: j.cont === null ? null : finalizer })),
      };
    }
    let handler: Bits | null = null;
    if (node.handler) {
      const body = this.statement(node.handler.body, after, inner);
      const param = node.handler.param;
      handler = param ? this.or(this.minus(body, this.targets(param)), this.effect(param).reads) : body;
    }
    return this.statement(node.block, after, handler === null ? inner : { ...inner, exc: handler });
  }
}
