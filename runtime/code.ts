/**
 * Static descriptions of instrumented code: one `SourceFile` per instrumented
 * file, one `Code` per function (or module top level), and for each Code a
 * `Key` — the small object whose fields the generated code tests inline.
 */

import { CODE_ASYNC, CODE_FLAT_VALUES, CODE_GENERATOR, type CodeRow, type ScopeRow } from "../contract/index.js";
import { append, asArray, list, numberToBase, SafeFinalizationRegistry, SafeUint8Array, SafeWeakMap, SafeWeakRef } from "./primordials.js";
import { codes } from "./stack.js";
import { decodeLines, decodeTables, qualnamePrefix, type Tables } from "./tables.js";

export interface CodeFlags {
  generator: boolean;
  async: boolean;
}

/** The static part of a frame, as Python's code object (`f_code`). */
export class Code {
  /**
   * @internal the flags generated code tests (set by the SourceFile right after), held weakly:
   * the Key is what keeps this code in `codes` (see `makeKey`)
   */
  _key!: WeakRef<Key>;
  /** @internal `_key.r` is 1 */
  _leaves = false;
  /** @internal a copy of `_key.c`, for the runtime's own tests */
  _calls = 0;
  /** @internal its activations' values are in the flat array (contract CODE_FLAT_VALUES) */
  _flat = false;

  constructor(
    /** @internal */
    readonly file: SourceFile,
    /** Absolute path of the original source, or `<string>`. */
    readonly filename: string,
    /** Path relative to the working directory with `/` separators; what `skip` globs match. */
    readonly module: string,
    readonly name: string,
    readonly qualname: string,
    readonly firstlineno: number,
    /** Last line of the function's source text. */
    readonly lastlineno: number,
    readonly flags: CodeFlags,
    /** `lines` as the code row holds them (contract CodeRow) */
    private readonly lineText: string,
  ) {}

  private _lines: readonly number[] | null = null;

  /** Lines on which a statement of this code starts (line events can only happen there). */
  get lines(): readonly number[] {
    this._lines ??= asArray(decodeLines(this.lineText, this.firstlineno));
    return this._lines;
  }
}

/**
 * What generated code tests before calling into the runtime:
 * `c` — dispatch `call` events; `l` — some line of this code may dispatch a
 * `line` event (the file's line table says which); `r` — a frame of this code
 * has been materialized, so the epilogue must call `leave`.
 *
 * Every Key is built with a property name of its own first, so that each has
 * a hidden class of its own: V8 then tracks the constness of `c`, `l` and `r`
 * per Key, and code whose flags never change compiles the tests away. The
 * same makes every read of a Key in the runtime megamorphic: the runtime goes
 * from a slot's id to the Code (`codes[id].deref()`, one hidden class) instead.
 */
export interface Key {
  c: number;
  l: number;
  r: number;
  /** what the fast path stores in `slots[d]` (the Code's index in `codes`) */
  readonly id: number;
}

/**
 * Clears a code's entry in `codes` when its Key is collected. Generated functions hold their
 * Key (a module-level const read at every entry), and nothing of the runtime holds a Key
 * strongly: once a Key is gone no function of its code can run, and dropping the entry lets the
 * Code, its SourceFile and the module scope that `access` closes over be collected.
 */
const dropCode = new SafeFinalizationRegistry<number>((id) => {
  codes[id] = undefined;
});

function makeKey(code: Code): Key {
  const id = codes.length;
  const key: Record<string, unknown> = {};
  key["k" + numberToBase(id, 36)] = 0;
  key.c = 0;
  key.l = 0;
  key.r = 0;
  key.id = id;
  codes[id] = code;
  code._key = new SafeWeakRef(key as unknown as Key);
  dropCode.register(key, id);
  return key as unknown as Key;
}

/** From now on the epilogue of `code` calls `leave` when its slot holds no id: a frame of it was made. */
export function markLeaves(code: Code): void {
  if (code._leaves) return;
  code._leaves = true;
  const key = code._key.deref();
  if (key !== undefined) key.r = 1;
}

/**
 * Reads (and, with `write` true, assigns) a module-level binding of the file by name: how
 * `frame.eval` sees the module's bindings from any of its frames (Python's `f_globals`).
 */
export type ModuleAccess = (name: string, value?: unknown, write?: boolean) => unknown;

/**
 * Each file's `access` by each of its Keys: an ephemeron, so that the closure (and the module
 * scope it closes over) lives exactly as long as some function of the module can run. Nothing the
 * runtime holds strongly (`codes`, a SourceFile) reaches the closure.
 */
const accessByKey = new SafeWeakMap<Key, ModuleAccess>();

export class SourceFile {
  readonly codes: Code[];
  /** One per code, held weakly (see `makeKey`). */
  private readonly keyRefs: WeakRef<Key>[];
  /** lineFlags[n] !== 0: a line event on line n may be dispatched. */
  readonly lineFlags: Uint8Array;

  constructor(
    readonly filename: string,
    readonly module: string,
    rows: CodeRow[],
    /** the scope and site tables, read when a frame first shows its bindings (contract TABLE_PARTS) */
    private readonly tableText = "",
    /** module-level binding names `access` knows */
    readonly moduleNames: readonly string[] = [],
    access: ModuleAccess | null = null,
  ) {
    // Index loops and no array destructuring: see primordials.ts.
    let maxLine = 0;
    let firstlineno = 0;
    const prefixes = list<string>();
    const codes = list<Code>();
    this.keyRefs = list();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const flags = row[4];
      // Steps and a qualname prefix (contract CodeRow).
      firstlineno += row[2];
      const lastlineno = firstlineno + row[3];
      if (lastlineno > maxLine) maxLine = lastlineno;
      append(prefixes, qualnamePrefix(rows, i, prefixes));
      const code = new Code(
        this,
        filename,
        module,
        row[0],
        prefixes[i] + row[0],
        firstlineno,
        lastlineno,
        { generator: (flags & CODE_GENERATOR) !== 0, async: (flags & CODE_ASYNC) !== 0 },
        row[5],
      );
      code._flat = (flags & CODE_FLAT_VALUES) !== 0;
      append(codes, code);
      const key = makeKey(code);
      if (access !== null) accessByKey.set(key, access);
      append(this.keyRefs, code._key);
    }
    this.codes = asArray(codes);
    this.lineFlags = new SafeUint8Array(maxLine + 2);
  }

  private tables: Tables | null = null;

  /** The bindings shown at a site (none for a site the table does not know). */
  rowOf(site: number): ScopeRow {
    this.tables ??= decodeTables(this.tableText);
    return this.tables.rows[this.tables.sites.get(site) ?? 0] ?? [];
  }

  /**
   * One Key per code, for the file's header. It reads them right after `file()` returns, in the
   * same job, so they are all there (a WeakRef's target made in a job lives at least to its end).
   */
  get keys(): (Key | undefined)[] {
    const keys = list<Key | undefined>();
    for (let i = 0; i < this.keyRefs.length; i++) keys[i] = this.keyRefs[i].deref();
    return keys;
  }

  /** Reads (and assigns) the file's module-level bindings; null when it has none or none of its code can run any more. */
  get access(): ModuleAccess | null {
    for (let i = 0; i < this.keyRefs.length; i++) {
      const key = this.keyRefs[i].deref();
      if (key !== undefined) return accessByKey.get(key) ?? null;
    }
    return null;
  }
}
