/**
 * The scope and site tables of a file as the one string the header passes to the runtime's
 * `file()` (the format is contract TABLE_PARTS'), and each code's lines (contract CodeRow);
 * runtime/tables.ts reads them.
 */
import { type ScopeRow, TABLE_FIELDS, TABLE_ITEMS, TABLE_PARTS } from "../contract/index.js";
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

/** A code's lines as its code row holds them (contract CodeRow). */
export function encodeLines(lines: number[]): string {
  let last = 0;
  return lines
    .sort((a, b) => a - b)
    .map((line) => {
      const step = b36(line - last);
      last = line;
      return step;
    })
    .join(TABLE_FIELDS);
}
