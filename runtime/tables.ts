/**
 * Reads a file's scope and site tables from the string its header passed to `file()` (the format
 * is contract TABLE_PARTS'), and a code's qualname and lines from its code row (contract CodeRow);
 * compiler/tables.ts writes them. It runs inside the program, the first
 * time a frame of the file shows its bindings: saved built-ins and index loops only (see
 * primordials.ts).
 */
import {
  type CodeRow,
  QUALNAME_LOCALS,
  ROW_FLAG_BITS,
  type ScopeRow,
  TABLE_FIELDS,
  TABLE_ITEMS,
  TABLE_PARTS,
  CODES_MARK,
  TABLES_MARK,
  type TablesBeside,
} from "../contract/index.js";
import { Buffer } from "node:buffer";
import { inflateRawSync } from "node:zlib";
import {
  append,
  apply,
  functionText,
  indexOf,
  isArray,
  jsonParse,
  lastIndexOf,
  list,
  parseBase36,
  SafeMap,
  slice,
  split,
} from "./primordials.js";
import { verifiedBytes, warn } from "./beside-file.js";

export interface Tables {
  rows: ScopeRow[];
  /** the row of each site id */
  sites: Map<number, number>;
}

export function decodeTables(text: string): Tables {
  const parts = split(text, TABLE_PARTS);
  const names = items(parts[0]);
  const entries = list<ScopeRow[number]>();
  const entryItems = items(parts[1]);
  for (let i = 0; i < entryItems.length; i++) {
    const f = split(entryItems[i], TABLE_FIELDS);
    const packed = parseBase36(f[1]);
    append(entries, [names[parseBase36(f[0])], (packed >> ROW_FLAG_BITS) - 1, parseBase36(f[2]) - 3, packed & ((1 << ROW_FLAG_BITS) - 1)]);
  }
  const rows = list<ScopeRow>();
  let before = list<ScopeRow[number]>();
  append(rows, before);
  const rowItems = items(parts[2]);
  for (let i = 0; i < rowItems.length; i++) {
    const f = split(rowItems[i], TABLE_FIELDS);
    const p = parseBase36(f[0]);
    const q = parseBase36(f[1]);
    const row = list<ScopeRow[number]>();
    for (let k = 0; k < p; k++) append(row, before[k]);
    for (let k = 2; k < f.length; k++) append(row, entries[parseBase36(f[k])]);
    for (let k = before.length - q; k < before.length; k++) append(row, before[k]);
    append(rows, row);
    before = row;
  }
  const sites = new SafeMap<number, number>();
  const siteItems = items(parts[3]);
  let id = 0;
  let row = 0;
  for (let i = 0; i < siteItems.length; i++) {
    const f = split(siteItems[i], TABLE_FIELDS);
    id += parseBase36(f[0]);
    if (f.length > 1) row += parseBase36(f[1]);
    sites.set(id, row);
  }
  return { rows, sites };
}

/** A part's items (none when it is empty). */
function items(part: string): string[] {
  return part === "" ? list<string>() : split(part, TABLE_ITEMS);
}

/** A code's lines from its code row, the first step from `from` (its firstlineno; contract CodeRow). */
export function decodeLines(text: string, from: number): number[] {
  const lines = list<number>();
  if (text === "") return lines;
  const steps = split(text, TABLE_FIELDS);
  let line = from;
  for (let i = 0; i < steps.length; i++) append(lines, (line += parseBase36(steps[i])));
  return lines;
}

/**
 * What row `i`'s qualname has before its name (contract CodeRow), given that of each row before
 * it in `prefixes`.
 */
export function qualnamePrefix(rows: CodeRow[], i: number, prefixes: string[]): string {
  const field = rows[i][1];
  if (typeof field === "string") return field;
  if (field === 0) return "";
  if (field > 0) return prefixes[i - field];
  const outer = i + field;
  return prefixes[outer] + rows[outer][0] + QUALNAME_LOCALS;
}

/** What the header passes for a table: the text, or a function whose comment holds it (contract TABLES_MARK, CODES_MARK). */
export type TableText = string | (() => void);

/** The tables with no row: a file's frames show no bindings. */
const EMPTY = TABLE_PARTS + TABLE_PARTS + TABLE_PARTS;

/**
 * A table's text at `file()`: the function is not kept (it would keep its module's scope alive, and
 * with it the file's Keys). The engine's text of a function is a slice of its script's source, and
 * so is this: nothing is copied. `empty` when the function is not such.
 */
export function tableString(table: TableText, mark: string, empty: string): string {
  if (typeof table === "string") return table;
  const source = functionText(table);
  const open = indexOf(source, `/*${mark}`, 0);
  // (from the end: the comment is the function's body, the layout around it whatever the printer made)
  const close = lastIndexOf(source, "*/");
  if (open < 0 || close < open) return empty;
  return slice(source, open + 2 + mark.length, close);
}

/** The code table's text, or where it is kept (`codes` 0: in the file the scope tables' TablesBeside names), at `file()`. */
export function codeTable(codes: TableText | 0, tables: TableText | TablesBeside): string | TablesBeside {
  if (codes !== 0) return tableString(codes, CODES_MARK, "[]");
  return isArray(tables) ? tables : "[]";
}

/** The scope tables' text, or where they are kept (TablesBeside), at `file()`. */
export function scopeTables(table: TableText | TablesBeside): string | TablesBeside {
  return isArray(table) ? table : tableString(table, TABLES_MARK, EMPTY);
}

/** The code table (contract CodeRow), from the text its header passed (CODES_MARK), when a Code is first asked for. */
export function decodeCodes(text: string): CodeRow[] {
  return jsonParse(text) as CodeRow[];
}

/**
 * The code table's text, when a Code is first asked for: read from the tables' file if kept beside
 * the code. A code table that cannot be read or is not the one the header's digest names is an
 * error naming the file: no Code can be made without it, and none is guessed.
 */
export function codesText(table: string | TablesBeside, filename: string): string {
  if (typeof table === "string") return table;
  const part = besidePart(table, 0);
  if (typeof part === "string") return part;
  throw new Error(
    `tsdb: the code table of ${filename} ${part[0] === "" ? `in ${table[0]} is not the one it was instrumented with` : `cannot be read from ${table[0]} (${part[0]})`}`,
  );
}

/**
 * The tables' text, when a frame first shows its bindings: read from their file if kept beside the
 * code, and used only if it is what the header's digest says. A file gone (a cache removed while
 * the program runs), damaged or replaced gives the empty table, and a warning on stderr once: its
 * frames then show no bindings rather than wrong ones.
 */
export function tablesText(table: string | TablesBeside, filename: string): string {
  if (typeof table === "string") return table;
  const part = besidePart(table, 1);
  if (typeof part === "string") return part;
  warn(
    part[0] === ""
      ? `tsdb: the scope tables of ${filename} in ${table[0]} are not the ones it was instrumented with: its frames show no bindings\n`
      : `tsdb: the scope tables of ${filename} cannot be read from ${table[0]} (${part[0]}): its frames show no bindings\n`,
  );
  return EMPTY;
}

/**
 * Part `i` of a tables file (contract TablesBeside: 0 the code table, 1 the scope tables) as text,
 * only if its bytes are the ones the header's digest names; else `[why]`: an error's code (the file
 * cannot be read) or "" (another file's tables, or damaged).
 */
function besidePart(table: TablesBeside, i: 0 | 1): string | [string] {
  const bytes = i === 0 ? verifiedBytes(table[0], table[2], 0, table[1]) : verifiedBytes(table[0], table[3], table[1]);
  if (isArray(bytes)) return bytes;
  try {
    return apply(bufferText, inflate(bytes), ["utf8"]) as string;
  } catch {
    return [""]; // (the digest matched: the tables were written so)
  }
}

// What `besidePart` calls, saved when tsdb loads (primordials.ts): a program may patch them.
const inflate = inflateRawSync;
const bufferText = Buffer.prototype.toString;
