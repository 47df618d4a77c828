/**
 * The scope and site tables of a file as the one string the header passes to the runtime's
 * `file()` (the format is contract TABLE_PARTS'), and the code table (contract CodeRow);
 * runtime/tables.ts reads them.
 */
import {
  type CodeFields,
  type CodeRow,
  QUALNAME_LOCALS,
  ROW_FLAG_BITS,
  type ScopeRow,
  TABLE_FIELDS,
  TABLE_ITEMS,
  TABLE_PARTS,
} from "../contract/index.js";
import { numbering } from "./numbering.js";

const b36 = (n: number) => n.toString(36);

/**
 * A file's scope rows as the compiler makes them: each entry numbered by its JSON text in the order
 * first met, so a row is a list of numbers (what the table is encoded from) and an entry's text is
 * made once per entry, not held for every entry array until the end (bench/FINDINGS.md §50).
 */
export interface RowTable {
  entries: ReturnType<typeof numbering>;
  /** the first entry met with each number */
  first: ScopeRow[number][];
  /** the rows, `rows[0]` the empty row */
  rows: number[][];
}

export function rowTable(): RowTable {
  return { entries: numbering(), first: [], rows: [[]] };
}

/** The entry's number in the table (a new entry is numbered next). */
export function numberEntry(table: RowTable, entry: ScopeRow[number]): number {
  const n = table.entries.number(JSON.stringify(entry));
  if (n === table.first.length) table.first.push(entry);
  return n;
}

/** The tables' text: `table.rows[0]` is the empty row; `sites` maps each site id to its row. */
export function encodeRowTable(table: RowTable, sites: Map<number, number>): string {
  const { first, rows: numbered } = table;
  // Each row as the change from the row before: the entries between its first p and last q shared ones.
  const deltas: [number, number, number[]][] = [];
  for (let k = 1; k < numbered.length; k++) {
    const before = numbered[k - 1];
    const row = numbered[k];
    let p = 0;
    while (p < before.length && p < row.length && before[p] === row[p]) p++;
    let q = 0;
    while (q < before.length - p && q < row.length - p && before[before.length - 1 - q] === row[row.length - 1 - q]) q++;
    deltas.push([p, q, row.slice(p, row.length - q)]);
  }
  // The entries most used by the rows, and the names most used by the entries, get the shortest numbers.
  const entryRank = byUse(deltas.flatMap(([, , added]) => added));
  const items = entryRank.order.map((id) => first[id]);
  const nameRank = byUse(items.map(([name]) => name));
  const entryItems = items.map(([name, slot, index, flags]) =>
    [nameRank.rank.get(name)!, ((slot + 1) << ROW_FLAG_BITS) | flags, index + 3].map(b36).join(TABLE_FIELDS),
  );
  const rowItems = deltas.map(([p, q, added]) => [p, q, ...added.map((id) => entryRank.rank.get(id)!)].map(b36).join(TABLE_FIELDS));
  let lastId = 0;
  let lastRow = 0;
  const siteItems = [...sites]
    .sort((a, b) => a[0] - b[0])
    .map(([id, row]) => {
      const text = row === lastRow ? b36(id - lastId) : `${b36(id - lastId)}${TABLE_FIELDS}${b36(row - lastRow)}`;
      lastId = id;
      lastRow = row;
      return text;
    });
  return [nameRank.order, entryItems, rowItems, siteItems].map((part) => part.join(TABLE_ITEMS)).join(TABLE_PARTS);
}

/** The distinct values of `uses`, the most used first, and the place of each in that order. */
function byUse<T>(uses: T[]): { order: T[]; rank: Map<T, number> } {
  const counts = new Map<T, number>();
  for (const value of uses) counts.set(value, (counts.get(value) ?? 0) + 1);
  const order = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  return { order, rank: new Map(order.map((value, i) => [value, i])) };
}

/** The code table as the header passes it (contract CodeRow). */
export function encodeCodes(codes: CodeFields[]): CodeRow[] {
  // The last row with each qualname and each qualname prefix: what a row's prefix can refer to.
  const byQualname = new Map<string, number>();
  const byPrefix = new Map<string, number>();
  let before = 0;
  return codes.map(([name, qualname, first, last, flags, lines], i): CodeRow => {
    const prefix = qualname.slice(0, qualname.length - name.length);
    if (prefix + name !== qualname) throw new Error(`tsdb: the qualname ${qualname} does not end with its name ${name}`);
    // The nearer row it can refer to (the shorter number), else the text.
    const same = byPrefix.get(prefix) ?? -1;
    const outer = prefix.endsWith(QUALNAME_LOCALS) ? (byQualname.get(prefix.slice(0, -QUALNAME_LOCALS.length)) ?? -1) : -1;
    let field: number | string = prefix;
    if (prefix === "") field = 0;
    else if (same >= 0 && same >= outer) field = i - same;
    else if (outer >= 0) field = outer - i;
    byPrefix.set(prefix, i);
    byQualname.set(qualname, i);
    const row: CodeRow = [name, field, first - before, last - first, flags, encodeLines(lines, first)];
    before = first;
    return row;
  });
}

/** A code's lines as its code row holds them: steps, the first from `from` (contract CodeRow). */
export function encodeLines(lines: number[], from: number): string {
  let last = from;
  return [...lines]
    .sort((a, b) => a - b)
    .map((line) => {
      const step = b36(line - last);
      last = line;
      return step;
    })
    .join(TABLE_FIELDS);
}
