/**
 * Static descriptions of instrumented code: one `SourceFile` per instrumented
 * file, one `Code` per function (or module top level), and for each Code a
 * `Key` — the small object whose fields the generated code tests inline.
 */

import { CODE_ASYNC, CODE_FLAT_VALUES, CODE_GENERATOR, type CodeRow, type ScopeRow, type TablesBeside } from "../contract/index.js";
import {
  append,
  asArray,
  copyOf,
  dict,
  list,
  ObjectAssign,
  ObjectCreate,
  ObjectFreeze,
  position,
  SafeFinalizationRegistry,
  SafeUint8Array,
  SafeWeakRef,
} from "./primordials.js";
import { codes } from "./stack.js";
import { codesText, decodeCodes, decodeLines, decodeTables, qualnamePrefix, type Tables, tablesText } from "./tables.js";

export interface CodeFlags {
  readonly generator: boolean;
  readonly async: boolean;
}

/** The four possible flags, shared by every Code (indexed by the row's CODE_GENERATOR | CODE_ASYNC bits). */
const FLAGS: readonly CodeFlags[] = [
  ObjectFreeze({ generator: false, async: false }),
  ObjectFreeze({ generator: true, async: false }),
  ObjectFreeze({ generator: false, async: true }),
  ObjectFreeze({ generator: true, async: true }),
];

/** The static part of a frame, as Python's code object (`f_code`). */
export class Code {
  /** @internal `key.r` is 1 */
  _leaves = false;
  /** @internal a copy of `key.c`, for the runtime's own tests */
  _calls = 0;
  private _lines: readonly number[] | null = null;

  constructor(
    /** @internal */
    readonly file: SourceFile,
    /** @internal the index of its Key in the file's ring (see `keyOf`) */
    readonly _index: number,
    /** @internal its activations' values are in the flat array (contract CODE_FLAT_VALUES) */
    readonly _flat: boolean,
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
 * Every Key has a hidden class of its own: V8 then tracks the constness of `c`,
 * `l` and `r` per Key, and code whose flags never change compiles the tests
 * away (bench/FINDINGS.md §4). The same makes every read of a Key in the
 * runtime megamorphic: the runtime goes from a slot's id to the Code
 * (`codes[id]`, one hidden class) instead, and reads a Key only when flags change.
 */
export interface Key {
  c: number;
  l: number;
  r: number;
  /** what the fast path stores in `slots[d]` (the Code's index in `codes`) */
  readonly id: number;
}

/**
 * A file's Keys, and what must live exactly as long as they do. Every Key's prototype holds the
 * ring and the ring holds every Key, so they live and die together: as long as some function of
 * the file can run (it holds its Key, a module-level const of its scope). The runtime holds a
 * ring only weakly (`SourceFile`): nothing it holds strongly reaches `access` and the module
 * scope it closes over.
 */
interface KeyRing {
  readonly keys: Key[];
  /** the file's module accessor, if it has one */
  readonly access: ModuleAccessor | null;
}

/**
 * A Key made on a prototype of its own (a holder of the ring, itself without a prototype): an
 * object made by `Object.create(p)` starts from a hidden class of p's own, so the fields added to
 * it are owned per Key (V8 tracks constness per owner). `Object.assign` adds the four fields in
 * one call (cheaper than four stores that each miss their inline cache) as small integers, and no
 * setter can be on the way: the chain ends at the holder. The Key used to be made with a property
 * of a unique name first, then each field: five hidden classes, twice the cost
 * (bench/FINDINGS.md, "Registering a big file").
 */
function makeKey(id: number, ring: KeyRing): Key {
  const holder = dict<KeyRing>();
  holder.ring = ring;
  return ObjectAssign(ObjectCreate(holder) as object, { c: 0, l: 0, r: 0, id });
}

/**
 * Clears a file's entries in `codes` ([first, end)) when its ring is collected: no function of its
 * codes can run any more, and dropping the entries lets the Codes, their SourceFile and the module
 * scope be collected.
 */
const dropCodes = new SafeFinalizationRegistry<readonly number[]>((range) => {
  for (let id = range[0]; id < range[1]; id++) codes[id] = undefined;
});

/** The Code of an id (what `slots` hold); undefined once none of its file's functions can run any more. */
export function codeAt(id: number): Code | undefined {
  const entry = codes[id];
  return entry instanceof SourceFile ? entry._code(id - entry._first) : entry;
}

/** A code's Key; undefined once none of the file's functions can run any more. */
export function keyOf(code: Code): Key | undefined {
  return code.file._ring.deref()?.keys[code._index];
}

/** From now on the epilogue of `code` calls `leave` when its slot holds no id: a frame of it was made. */
export function markLeaves(code: Code): void {
  if (code._leaves) return;
  code._leaves = true;
  const key = keyOf(code);
  if (key !== undefined) key.r = 1;
}

/**
 * Reads (and, with `write` true, assigns) a module-level binding of the file by name: how
 * `frame.eval` sees the module's bindings from any of its frames (Python's `f_globals`).
 */
export type ModuleAccess = (name: string, value?: unknown, write?: boolean) => unknown;

/**
 * What the header passes for it: the same, given the binding's number in `moduleNames`
 * (compiler/program.ts `moduleAccess` writes it).
 */
export type ModuleAccessor = (index: number, value: unknown, write: boolean) => unknown;

export class SourceFile {
  /** the code table's text (contract CODES_MARK), or where it is kept (TablesBeside), until its rows are read */
  private codesText: string | TablesBeside | null;
  /** the code table, read when a Code is first asked for; each row made into a Code then (see `codes`) */
  private rowList: CodeRow[] | null = null;
  /** each code's firstlineno (the table holds steps) */
  private readonly firsts = list<number>();
  /** the qualname prefixes found so far (contract CodeRow) */
  private readonly prefixes = list<string | undefined>();
  /** the Codes made so far, by index */
  private readonly made = list<Code | undefined>();
  private all: Code[] | null = null;
  /** @internal the id of its first code (its codes' ids follow) */
  readonly _first: number;
  /** @internal the file's Keys, held weakly (see `KeyRing`) */
  readonly _ring: WeakRef<KeyRing>;
  /** lineFlags[n] !== 0: a line event on line n may be dispatched. */
  readonly lineFlags: Uint8Array;

  constructor(
    readonly filename: string,
    readonly module: string,
    /** how many codes the file has */
    private readonly count: number,
    /** the last line of any of them */
    maxLine: number,
    codesText: string | TablesBeside,
    /** the scope and site tables, or where they are kept, read when a frame first shows its bindings (contract TABLE_PARTS) */
    private readonly tableText: string | TablesBeside = "",
    /** module-level binding names `access` knows, the writable ones first */
    readonly moduleNames: readonly string[] = [],
    /** how many of `moduleNames` are writable (the others are constants) */
    private readonly writable = 0,
    access: ModuleAccessor | null = null,
  ) {
    // Index loops and no array destructuring: see primordials.ts.
    const ring: KeyRing = { keys: list(), access };
    const first = codes.length;
    for (let i = 0; i < count; i++) {
      // Each Code is made when first asked for (`codes`, `codeAt`): until then its id leads here.
      codes[first + i] = this;
      ring.keys[i] = makeKey(first + i, ring);
    }
    this.codesText = codesText;
    this._first = first;
    this._ring = new SafeWeakRef(ring);
    dropCodes.register(ring, [first, codes.length]);
    this.lineFlags = new SafeUint8Array(maxLine + 2);
  }

  /**
   * One Code per function and the top level, in the order of the code table. Each is made when
   * first asked for (a frame of it, a trace function installed, the debugger): a big file has tens
   * of thousands, which most runs never look at (bench/FINDINGS.md §35).
   */
  get codes(): Code[] {
    if (this.all === null) {
      const all = list<Code>();
      for (let i = 0; i < this.count; i++) all[i] = this._code(i);
      this.all = asArray(all);
    }
    return this.all;
  }

  /** @internal The file's code number i (its id is `_first + i`). */
  _code(i: number): Code {
    return this.made[i] ?? this.makeCode(i);
  }

  /** The code table's rows, read the first time (with each code's firstlineno: the table holds steps). */
  private get rows(): CodeRow[] {
    if (this.rowList === null) {
      const rows = decodeCodes(codesText(this.codesText!, this.filename));
      if (rows.length !== this.count)
        throw new Error(`tsdb: the code table of ${this.filename} is missing (were comments removed from its instrumented code?)`);
      let firstlineno = 0;
      for (let i = 0; i < rows.length; i++) this.firsts[i] = firstlineno += rows[i][2];
      this.rowList = rows;
      this.codesText = null;
    }
    return this.rowList;
  }

  private makeCode(i: number): Code {
    const row = this.rows[i];
    const flags = row[4];
    const firstlineno = this.firsts[i];
    const code = new Code(
      this,
      i,
      (flags & CODE_FLAT_VALUES) !== 0,
      this.filename,
      this.module,
      row[0],
      this.prefix(i) + row[0],
      firstlineno,
      firstlineno + row[3],
      FLAGS[((flags & CODE_GENERATOR) !== 0 ? 1 : 0) | ((flags & CODE_ASYNC) !== 0 ? 2 : 0)],
      row[5],
    );
    this.made[i] = code;
    // (Not when the file's entries were cleared: none of its code can run any more.)
    if (codes[this._first + i] === this) codes[this._first + i] = code;
    return code;
  }

  /**
   * Row i's qualname prefix. A row's prefix may be another's (contract CodeRow), which may be
   * another's in turn: the rows on that path whose prefix is not known yet are resolved from the
   * farthest, in a loop (a path can be long).
   */
  private prefix(i: number): string {
    const { rows, prefixes } = this;
    const path = list<number>();
    for (let j = i; prefixes[j] === undefined; ) {
      append(path, j);
      const field = rows[j][1];
      if (typeof field === "string" || field === 0) break;
      j = field > 0 ? j - field : j + field;
    }
    for (let k = path.length - 1; k >= 0; k--) prefixes[path[k]] = qualnamePrefix(rows, path[k], prefixes as string[]);
    return prefixes[i]!;
  }

  private tables: Tables | null = null;

  /** The bindings shown at a site (none for a site the table does not know). */
  rowOf(site: number): ScopeRow {
    this.tables ??= decodeTables(tablesText(this.tableText, this.filename));
    return this.tables.rows[this.tables.sites.get(site) ?? 0] ?? [];
  }

  /**
   * One Key per code, for the file's header. It reads them right after `file()` returns, in the
   * same job, so they are all there (a WeakRef's target made in a job lives at least to its end).
   * A copy: the ring's own list says which Key is whose.
   */
  get keys(): Key[] {
    const ring = this._ring.deref();
    return ring === undefined ? list() : copyOf(ring.keys);
  }

  /** Reads (and assigns) the file's module-level bindings; null when it has none or none of its code can run any more. */
  get access(): ModuleAccess | null {
    const accessor = this._ring.deref()?.access ?? null;
    if (accessor === null) return null;
    const { moduleNames, writable } = this;
    return (name, value, write = false) => {
      const index = position(moduleNames, name);
      // (What the engine raises for an assignment to a const in the program.)
      if (write && index >= writable) throw new TypeError("Assignment to constant variable.");
      return accessor(index, value, write);
    };
  }
}
