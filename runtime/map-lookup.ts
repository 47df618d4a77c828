/**
 * Node's `SourceMap#findEntry` over a map's `mappings`, without decoding all of it. Node (20) makes
 * an array per segment of the whole map and sorts them at the first stack trace through the file:
 * 0.4 s and 100 MB for `_tsc.js`'s on a quiet machine (bench/FINDINGS.md §46). Here one pass over the bytes
 * notes where each generated line starts and the decoder's state there (four integers); a lookup
 * then decodes the one line it needs (and the lines before it, back to one with a segment, when it
 * has none at or before the column).
 *
 * The answer is Node's exactly, quirks included: the entry with the greatest position at or before
 * the one asked (a line without segments answers with an earlier line's last), the last of equal
 * positions, `{}` before the first; a segment's missing fields at the very end of the mappings read
 * as zero deltas (Node's decoder reads past the end as zeros), and a name only for a five-field one.
 * It runs inside the program (Node's stack traces): typed arrays and index loops only.
 */

/** What `findEntry` answers, as Node's does. */
export interface MapEntry {
  generatedLine: number;
  generatedColumn: number;
  originalSource: string | undefined;
  originalLine: number | undefined;
  originalColumn: number | undefined;
  name: string | undefined;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** A base64 digit's value by character code; -1 for any other (Node's decoder reads it as 0). */
const DIGIT = new Int8Array(256).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;
const COMMA = 44;
const SEMICOLON = 59;

/** The segment the decoder read last: its fields (accumulated), and how many it had (1, 4 or 5). */
interface Cursor {
  at: number;
  column: number;
  source: number;
  line: number;
  sourceColumn: number;
  name: number;
  fields: number;
}

export class MapLookup {
  /** Where generated line `i` starts in `bytes` (after its `;`); one more for the end. */
  private starts: Int32Array | null = null;
  /** The decoder's source, line, column and name at line `i`'s start: four per line. */
  private states: Int32Array | null = null;

  constructor(
    /** the map's `mappings`, one byte per character */
    private readonly bytes: Uint8Array,
    /** the map's `sources`, as Node resolves them */
    private readonly sources: string[],
    private readonly names: string[],
  ) {}

  findEntry(line: number, column: number): MapEntry | Record<string, never> {
    this.index();
    const starts = this.starts!;
    const lines = starts.length - 1;
    if (!(line >= 0)) return {};
    // At or before `column` on `line` (any column on a line past the last), else the last of an earlier line.
    for (let l = line < lines ? line : lines - 1, limit = line < lines ? column : Infinity; l >= 0; l--, limit = Infinity) {
      const found = this.lastAtOrBefore(l, limit);
      if (found !== null) return found;
    }
    return {};
  }

  /** Line `l`'s segment at the greatest column ≤ `limit` (the last of equal ones), or null. */
  private lastAtOrBefore(l: number, limit: number): MapEntry | null {
    const { bytes } = this;
    const states = this.states!;
    const end = this.starts![l + 1] - 1;
    const c: Cursor = {
      at: this.starts![l],
      column: 0,
      source: states[l * 4],
      line: states[l * 4 + 1],
      sourceColumn: states[l * 4 + 2],
      name: states[l * 4 + 3],
      fields: 0,
    };
    let best: MapEntry | null = null;
    while (c.at < end) {
      if (bytes[c.at] === COMMA) {
        c.at++;
        continue;
      }
      readSegment(bytes, c);
      if (c.column <= limit && (best === null || c.column >= best.generatedColumn)) {
        best = {
          generatedLine: l,
          generatedColumn: c.column,
          originalSource: c.fields === 1 ? undefined : this.sources[c.source],
          originalLine: c.fields === 1 ? undefined : c.line,
          originalColumn: c.fields === 1 ? undefined : c.sourceColumn,
          name: c.fields === 5 ? this.names[c.name] : undefined,
        };
      }
    }
    return best;
  }

  /**
   * The lines' starts and states: one pass over the mappings, at the first lookup (a tight loop: 3 MB
   * for `_tsc.js`). Only the fields that carry over lines are kept; a VLQ cut by the end reads as
   * Node's decoder reads it (zeros: nothing changes).
   */
  private index(): void {
    if (this.starts !== null) return;
    const { bytes } = this;
    let lines = 1;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === SEMICOLON) lines++;
    const starts = new Int32Array(lines + 1);
    const states = new Int32Array(lines * 4);
    // The fields (0 the column … 4 the name), the VLQ being read.
    let source = 0;
    let line = 0;
    let sourceColumn = 0;
    let name = 0;
    let field = 0;
    let value = 0;
    let shift = 0;
    let l = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === COMMA || byte === SEMICOLON) {
        field = 0;
        if (byte === SEMICOLON) {
          l++;
          starts[l] = i + 1;
          states[l * 4] = source;
          states[l * 4 + 1] = line;
          states[l * 4 + 2] = sourceColumn;
          states[l * 4 + 3] = name;
        }
        continue;
      }
      let digit = DIGIT[byte];
      if (digit < 0) digit = 0;
      value += (digit & 31) << shift;
      if (digit & 32) {
        shift += 5;
        continue;
      }
      const delta = value & 1 ? -(value >>> 1) | (1 << 31) : value >>> 1;
      if (field === 1) source += delta;
      else if (field === 2) line += delta;
      else if (field === 3) sourceColumn += delta;
      else if (field === 4) name += delta;
      field++;
      value = 0;
      shift = 0;
    }
    // The end, past a `;` that is not there.
    starts[lines] = bytes.length + 1;
    this.starts = starts;
    this.states = states;
  }
}

/**
 * Reads the segment at `c.at` into `c` (its fields accumulate; the caller sets the column to 0 at a
 * line's start) and leaves `c.at` after it.
 */
function readSegment(bytes: Uint8Array, c: Cursor): void {
  c.column += vlq(bytes, c);
  c.fields = 1;
  if (separator(bytes, c.at)) return;
  c.source += vlq(bytes, c);
  c.line += vlq(bytes, c);
  c.sourceColumn += vlq(bytes, c);
  c.fields = 4;
  if (separator(bytes, c.at)) return;
  c.name += vlq(bytes, c);
  c.fields = 5;
}

/** A `,` or `;` at `i` (the end of the bytes is not one: Node reads on, as zeros). */
function separator(bytes: Uint8Array, i: number): boolean {
  return i < bytes.length && (bytes[i] === COMMA || bytes[i] === SEMICOLON);
}

/** A base64 VLQ at `c.at`, as Node's decoder reads it (past the end, or a foreign character: 0, and it stops). */
function vlq(bytes: Uint8Array, c: Cursor): number {
  let result = 0;
  let shift = 0;
  let digit: number;
  do {
    const at = c.at++;
    digit = at < bytes.length ? DIGIT[bytes[at]] : -1;
    if (digit < 0) digit = 0;
    result += (digit & 31) << shift;
    shift += 5;
  } while (digit & 32);
  const negative = result & 1;
  result >>>= 1;
  return negative ? -result | (1 << 31) : result;
}
