/**
 * The scope and site tables of a file as the one string the header passes to the runtime's
 * `file()` (the format is contract TABLE_PARTS'), and the code table (contract CodeRow);
 * runtime/tables.ts reads them.
 */
import {
  type CodeFields,
  type CodeRow,
  QUALNAME_LOCALS,
  type ScopeRow,
  TABLE_FIELDS,
  TABLE_ITEMS,
  TABLE_PARTS,
} from "../contract/index.js";
import { numbering } from "./numbering.js";

const b36 = (n: number) => n.toString(36);

/** `rows[0]` is the empty row; `sites` maps each site id to its row. */
export function encodeTables(rows: ScopeRow[], sites: Map<number, number>): string {
  const entries = numbering();
  const numbered = rows.map((row) =>
    row.map(([name, slot, index, flags]) => entries.number([name, b36(slot), b36(index), b36(flags)].join(TABLE_FIELDS))),
  );
  const deltas: string[] = [];
  for (let k = 1; k < numbered.length; k++) {
    const before = numbered[k - 1];
    const row = numbered[k];
    let p = 0;
    while (p < before.length && p < row.length && before[p] === row[p]) p++;
    let q = 0;
    while (q < before.length - p && q < row.length - p && before[before.length - 1 - q] === row[row.length - 1 - q]) q++;
    deltas.push([p, q, ...row.slice(p, row.length - q)].map(b36).join(TABLE_FIELDS));
  }
  let last = 0;
  const siteItems = [...sites]
    .sort((a, b) => a[0] - b[0])
    .map(([id, row]) => {
      const text = `${b36(id - last)}${TABLE_FIELDS}${b36(row)}`;
      last = id;
      return text;
    });
  return [entries.list.join(TABLE_ITEMS), deltas.join(TABLE_ITEMS), siteItems.join(TABLE_ITEMS)].join(TABLE_PARTS);
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
