/**
 * The contract between the code the compiler generates and the runtime it
 * calls, written once and imported by both (docs/generated-code.md explains it).
 *
 * A file's header calls the runtime's `file(filename, module, codes, tables,
 * moduleNames, access)` with the tables below, binds the shadow stack
 * (`slots`, `lines`, `values`, `state`), the file's line table and one Key per code, and
 * each runtime function its code calls (`RuntimeFunction`), under names that
 * start with the file's prefix (`namePrefix`).
 */

/**
 * A function (or the module top level) of the file: what the compiler knows of it, and what the
 * runtime's Code holds. `lines`, where its statements start, sorted.
 */
export type CodeFields = [name: string, qualname: string, firstlineno: number, lastlineno: number, flags: number, lines: number[]];

/**
 * One row of the code table, a CodeFields written short (a big file has tens of thousands). The
 * header passes the table as JSON text the way it passes the scope tables (CODES_MARK: a comment,
 * or a string), with the number of codes and the last line of any: the runtime reads the rows the
 * first time a Code of the file is asked for (a frame, a trace function installed). As an array
 * literal, `_tsc.js`'s was 1.1 MB of V8's code cache and ~40 ms of every warm load (bench/FINDINGS.md §39).
 * - `qualname` as the part before the name (every qualname is that part followed by the name):
 *   0, none (the qualname is the name); a string, that part; k > 0, the same part as row i - k's;
 *   -k < 0, row i - k's qualname followed by QUALNAME_LOCALS (a function nested in that code);
 * - `firstlineno` as the step from the row before's (the first row's from 0), `lastlineno` as the
 *   step from `firstlineno`;
 * - `lines` as TABLE_FIELDS-separated base-36 steps, each from the line before (the first from
 *   `firstlineno`): the runtime reads it when someone asks.
 */
export type CodeRow = [name: string, qualname: number | string, firstlineno: number, lastlineno: number, flags: number, lines: string];

/** What a function nested in a code adds to that code's qualname before its own name. */
export const QUALNAME_LOCALS = ".<locals>.";

/** Bits of `CodeRow`'s flags. */
export const CODE_GENERATOR = 1;
export const CODE_ASYNC = 2;
export const CODE_FLAT_VALUES = 4;

/**
 * A scope table row: the bindings a frame shows at a site, each as `[name, slot, index, flags]`:
 * `slot` in the frame's value array; `index` -1 when the slot holds the value, -2 when it holds a
 * thunk that returns it (`this` before `super()`), -3 a module-level binding read by name through
 * the file's module accessor (slot unused), else the case of the accessor the slot holds;
 * `flags` ROW_WRITABLE, ROW_HIDDEN (a binding in its TDZ there, which hides outer ones of its name).
 */
export type ScopeRow = [name: string, slot: number, index: number, flags: number][];
export const ROW_WRITABLE = 1;
export const ROW_HIDDEN = 2;

/**
 * The entries of a site's row a debugger's write reaches through the site's reload: writable,
 * in a slot that holds the value, not in its TDZ. When the site's call (`call`, `line`, `lineAt`)
 * returns true, the runtime's `written` (the header's `$W`, an object without a prototype) holds
 * each of them by name, and the reload copies into the variables those the code may still read:
 * `({a, b} = $W)`, `a = $W.a` (a name is always there: the compiler reloads only such entries of
 * the same row). Emptied at the next event. A site whose reload copies only what the code reads
 * before the next site calls `linePart`, `lineAtPart` or `callPart` instead: the same, but the
 * write stays pending, so that the next site (whose row has every entry this one leaves) copies
 * the rest.
 */
export function reloadable(entry: ScopeRow[number]): boolean {
  return entry[2] === -1 && (entry[3] & (ROW_WRITABLE | ROW_HIDDEN)) === ROW_WRITABLE;
}
/** How many bits the flags take in a table entry (see TABLE_PARTS). */
export const ROW_FLAG_BITS = 2;

/**
 * A file's scope and site tables travel as one string (a big file's tables as array literals cost
 * its load time and memory, and most runs never read a frame's bindings): the runtime decodes it
 * the first time it needs a row. Numbers are in base 36 (a `-` for negatives); four parts split by
 * TABLE_PARTS, items by TABLE_ITEMS, fields by TABLE_FIELDS:
 * - the names, numbered from 0;
 * - the entries (a ScopeRow entry each, numbered from 0): `n,s,i`, name number n, slot
 *   `(s >> ROW_FLAG_BITS) - 1` (-1: none), flags `s & (1 << ROW_FLAG_BITS) - 1`, index `i - 3`;
 * - the rows from the second on (the first is the empty row), each `p,q,e,...`: the row before's
 *   first p and last q entries with the entries numbered e between them;
 * - the sites in increasing order, each `d` or `d,r`: its id is the one before's plus d (the first's
 *   is d), and it shows the row before's row plus r (0 when there is no r; the first's is r).
 * The most used names and entries have the smallest numbers. A name is an identifier, `this`,
 * `arguments` or `new.target`: none holds a separator.
 */
export const TABLE_PARTS = "|";
export const TABLE_ITEMS = ";";
export const TABLE_FIELDS = ",";

/**
 * How the header passes the tables: an ASCII text as the comment of a function that is never
 * called, `() => {/*tsdb-tables:<text>*\/}`, which the runtime reads through the engine's
 * `Function.prototype.toString` when it first needs a row. A string literal would be kept twice
 * (in the text and in V8's code cache of the file, which copies every literal of the top level:
 * 1.3 MB of `_tsc.js`'s); a comment only in the text. That is in compact output, which tsdb prints
 * to run as it is (the hook's entries, `tsdb-instrument`); output printed with layout (the Babel
 * plugin's, `instrument()`'s default: a user's minifier may drop comments) and other text (a
 * non-ASCII name) have a string.
 */
export const TABLES_MARK = "tsdb-tables:";

/** The mark of the code table's comment, as TABLES_MARK's for the scope tables. */
export const CODES_MARK = "tsdb-codes:";

/**
 * The tables kept beside the code instead (the load hook's cache entries): the header passes
 * `[path, n, codesDigest, tablesDigest]` in place of the scope tables (and 0 in place of the code
 * table). The file `path` holds the code table's text raw-deflated in its first `n` bytes, then the
 * scope tables' text raw-deflated; each digest is the sha256 (hex) of its part's deflated bytes. The
 * runtime reads the code part the first time a Code of the file is asked for, the scope part the
 * first time a frame shows its bindings, each alone (reading a Code does not inflate the scope
 * tables: 7 ms against 14 ms for `_tsc.js`'s, bench/FINDINGS.md §45), and uses a part only if its
 * digest matches: scope tables missing, damaged or replaced leave the frames without bindings (said
 * once on stderr), a code table so is an error naming the file when a Code is asked for — never
 * another file's. The executed text (and what V8 reads and keeps of it at every load) is then
 * without them: `_tsc.js`'s 1.34 MB and 0.54 MB, 0.51 MB and 0.11 MB deflated.
 */
export type TablesBeside = [path: string, n: number, codesDigest: string, tablesDigest: string];

/**
 * The source map of a load hook's instrumented entry is read only when something asks for it (a
 * stack trace through the file, `module.findSourceMap`): the entry's last line names, as a data URL,
 * a stand-in map with no mappings and this field, `[path, digest]`: the real map's file (beside the
 * entry in the cache) and the sha256 (hex) of its bytes. Node registers the stand-in when it compiles
 * the module (parsing ~300 bytes, not the map: 3 MB of JSON for `_tsc.js`); the file's `file()`
 * then has the runtime answer for that map from the real one, read and checked the first time it is
 * asked (runtime/late-map.ts). A map missing or not the one named is said once on stderr, and the
 * frames keep the positions V8 gives: never another file's positions.
 */
export const LATE_MAP_FIELD = "x_tsdb_late";
export type LateMap = [path: string, digest: string];

/**
 * What generated code stores in `lines[d]`: a site id, `line + (variant << SITE_LINE_BITS)`, one per
 * line and row; the file's site table (see TABLE_PARTS) gives its row.
 */
export const SITE_LINE_BITS = 20;

/**
 * A small synchronous function's values are at `(d << VALUE_STRIDE_BITS) + slot` of the runtime's
 * flat value array (`flat`); CODE_FLAT_VALUES in its code row's flags says so. Others' are in
 * `values[d]` (or their frame's own array: generators, async functions).
 */
export const VALUE_STRIDE_BITS = 4;
export const SITE_LINE_MASK = (1 << SITE_LINE_BITS) - 1;

/**
 * The fields of a code's Key that generated code tests before calling the runtime:
 * `c` dispatch `call` events; `l` some line of the code may dispatch a `line` event (the line
 * table says which); `r` a frame of the code was made, so the epilogue must call `leave` (it tests
 * `slots[d] < 0`: FRAME, the code's id otherwise).
 */
export type KeyFlag = "c" | "l" | "r";

/**
 * Bits of a file's line table (`lineFlags[line]`): TRACED, the trace function may act on the
 * line's event; PENDING, a frame of code on that line has a value written by a debugger that its
 * next site copies into the variable. A site calls the runtime when the line's entry is not 0.
 */
export const LINE_TRACED = 1;
export const LINE_PENDING = 2;

/** The runtime functions generated code calls (exports of `tsdb/runtime/internal`). */
export type RuntimeFunction =
  | "call"
  | "callPart"
  | "clear"
  | "debuggerStatement"
  | "enter"
  | "enterModule"
  | "exception"
  | "forAwait"
  | "gen"
  | "interrupted"
  | "leave"
  | "line"
  | "lineAt"
  | "lineAtPart"
  | "linePart"
  | "prim"
  | "push"
  | "raise"
  | "suspend"
  | "unnamed"
  | "vals";

/** Where code instrumented as a plain script (no module system) finds the runtime: `globalThis[Symbol.for(RUNTIME_GLOBAL)]`. */
export const RUNTIME_GLOBAL = "tsdb.runtime";

/** The error code instrumented as a script throws where it finds neither `require` nor the runtime on the global. */
export function runtimeMissing(filename: string): string {
  return `tsdb: ${filename} was instrumented by tsdb, but tsdb's runtime is not loaded here (no require, nothing at globalThis[Symbol.for("${RUNTIME_GLOBAL}")]): load tsdb/runtime/internal in this context first, or run the uninstrumented file`;
}

/**
 * The prefix of every identifier tsdb adds to a file, chosen so that no user binding can be
 * shadowed or captured: a text that occurs nowhere in the source (nor in its strings, which an
 * `eval` could run), read with its `\uXXXX`, `\u{X}` and `\xXX` escapes decoded (`$\u0064` is `$d`).
 * What comes after it always starts with a letter. The shortest that fits (the names are in every
 * statement of the output, a fifth of its size with `$t$`): `$` when no `$` in the source is
 * followed by a letter (no identifier or string of it can then hold `$d` or any other name of
 * tsdb's), else `$_`, `$$`, `$0`...`$9`, else `$t$`, `$t0$`, `$t1$`...
 * A classic script's top level is the realm's global scope, shared with every other script, so
 * its header's constants would collide with another instrumented script's: `script` (the file's
 * name) makes its prefix the file's own, `$t<key>$` (a key of its name and text), `$t<key>_0$`...
 */
export function namePrefix(source: string, script?: string): string {
  const text = ESCAPE.test(source) ? source.replace(ESCAPES, decodeEscape) : source;
  if (script === undefined) {
    if (!/\$[A-Za-z]/.test(text)) return "$";
    for (const prefix of SHORT_PREFIXES) if (!text.includes(prefix)) return prefix;
  }
  const stem = script === undefined ? "$t" : `$t${sourceFileKey(script + "\0" + source)}`;
  let prefix = `${stem}$`;
  for (let i = 0; text.includes(prefix); i++) prefix = script === undefined ? `${stem}${i}$` : `${stem}_${i}$`;
  return prefix;
}

const ESCAPE = /\\[ux]/i;
const ESCAPES = /\\u\{([0-9a-f]{1,6})\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})/gi;
function decodeEscape(text: string, braced?: string, four?: string, two?: string): string {
  const code = Number.parseInt(braced ?? four ?? two ?? "", 16);
  return code <= 0x10ffff ? String.fromCodePoint(code) : text;
}
const SHORT_PREFIXES = ["$_", "$$", "$0", "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9"];

/**
 * The header's `$F = $T.file(` call (one prefix, see namePrefix), near the top of every instrumented
 * file (a classic script's: in a string).
 */
const HEADER = /(?:^|[^\w$])(\$(?:[_$0-9]|t\w*\$)?)F ?= ?\1T\.file\(\\?"/;

/** True for a file tsdb has instrumented already (the output of `tsdb-instrument` or of the load hook). */
export function isInstrumented(source: string): boolean {
  return namesPrefix(source) !== null;
}

/** The prefix of the names tsdb added to an instrumented file (`$`, `$_`, …, `$t<key>$`); null for a file tsdb did not instrument. */
export function namesPrefix(source: string): string | null {
  return HEADER.exec(source.slice(0, 4096))?.[1] ?? null;
}

/**
 * The mark every instrumented function and class carries inside its own text, a comment
 * `/*tsdb:<file>:<start>:<length>*\/`: `<file>` is `sourceFileKey(Code.filename)`, `<start>` and
 * `<length>` (both in base 36, lowercase) the offset and length of its original text in the source
 * that was instrumented. The runtime's
 * `Function.prototype.toString` answers that text (runtime/source-text.ts): a function's own mark
 * is the one of the longest range in its text (the others are those of functions nested in it).
 */
export const SOURCE_MARK = "tsdb:";

/** A short key for a file name in the source marks, or any text (FNV-1a, base 36). */
export function sourceFileKey(filename: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < filename.length; i++) {
    h ^= filename.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
