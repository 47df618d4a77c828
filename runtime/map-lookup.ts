/**
 * Node's `SourceMap#findEntry` over a map's `mappings`, without decoding all of it. Node (20) makes
 * an array per segment of the whole map and sorts them at the first stack trace through the file:
 * 0.4 s and 100 MB for `_tsc.js`'s on a quiet machine (bench/FINDINGS.md §46). Here one pass over the bytes
 * notes where each generated line starts and the decoder's state there (four integers); a lookup
 * then decodes the one line it needs (and the lines before it, back to one with a segment, when it
 * has none at or before the column) the first time it is asked, and keeps it in column order.
 *
 * The answer is Node's exactly, quirks included: the entry with the greatest position at or before
 * the one asked (a line without segments answers with an earlier line's last), the last of equal
 * positions, `{}` before the first; a segment's missing fields at the very end of the mappings read
 * as zero deltas (Node's decoder reads past the end as zeros), and a name only for a five-field one.
 * It runs inside the program (Node's stack traces): typed arrays, index loops and saved built-ins only.
 */
import { SafeInt32Array, SafeMap } from "./primordials.js";

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

/** A decoded line holds, per segment: its column, source, line, source column, name and field count. */
const WIDTH = 6;
/** How many decoded segments a map keeps (24 bytes each); past it, it forgets them all and starts again. */
const KEPT_SEGMENTS = 1 << 16;

export class MapLookup {
  /** Where generated line `i` starts in `bytes` (after its `;`); one more for the end. */
  private starts: Int32Array | null = null;
  /** The decoder's source, line, column and name at line `i`'s start: four per line. */
  private states: Int32Array | null = null;
  /**
   * Lines decoded so far, their segments in column order (a stack trace asks for the same frames
   * again and again: each of its lines, and each frame's function start, is decoded once).
   */
  private readonly decoded = new SafeMap<number, Int32Array>();
  private decodedSegments = 0;

  constructor(
    /** the map's `mappings`, one byte per character */
    private readonly bytes: Uint8Array,
    /** the map's `sources`, as Node resolves them */
    private readonly sources: string[],
    private readonly names: string[],
    /** how many decoded segments to keep (tests make it small) */
    private readonly keptSegments = KEPT_SEGMENTS,
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
    const segments = this.line(l);
    // The first segment past `limit`, by halving (the segments are in column order).
    let low = 0;
    let high = segments.length / WIDTH;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (segments[middle * WIDTH] <= limit) low = middle + 1;
      else high = middle;
    }
    if (low === 0) return null;
    const at = (low - 1) * WIDTH;
    const fields = segments[at + 5];
    return {
      generatedLine: l,
      generatedColumn: segments[at],
      originalSource: fields === 1 ? undefined : this.sources[segments[at + 1]],
      originalLine: fields === 1 ? undefined : segments[at + 2],
      originalColumn: fields === 1 ? undefined : segments[at + 3],
      name: fields === 5 ? this.names[segments[at + 4]] : undefined,
    };
  }

  /** Line `l`'s segments, decoded, in column order (equal columns in the map's order). */
  private line(l: number): Int32Array {
    const kept = this.decoded.get(l);
    if (kept !== undefined) return kept;
    const { bytes } = this;
    const states = this.states!;
    const start = this.starts![l];
    const end = this.starts![l + 1] - 1;
    let most = start < end ? 1 : 0;
    for (let i = start; i < end; i++) if (bytes[i] === COMMA) most++;
    const all = new SafeInt32Array(most * WIDTH);
    const c: Cursor = {
      at: start,
      column: 0,
      source: states[l * 4],
      line: states[l * 4 + 1],
      sourceColumn: states[l * 4 + 2],
      name: states[l * 4 + 3],
      fields: 0,
    };
    let n = 0;
    let ordered = true;
    while (c.at < end) {
      if (bytes[c.at] === COMMA) {
        c.at++;
        continue;
      }
      readSegment(bytes, c);
      const at = n * WIDTH;
      if (n > 0 && c.column < all[at - WIDTH]) ordered = false;
      all[at] = c.column;
      all[at + 1] = c.source;
      all[at + 2] = c.line;
      all[at + 3] = c.sourceColumn;
      all[at + 4] = c.name;
      all[at + 5] = c.fields;
      n++;
    }
    let segments = all;
    if (n * WIDTH < all.length) {
      // Empty segments (`,,`) were counted: the exact size.
      segments = new SafeInt32Array(n * WIDTH);
      for (let i = 0; i < segments.length; i++) segments[i] = all[i];
    }
    if (!ordered) sortByColumn(segments);
    if (this.decodedSegments + n > this.keptSegments) {
      this.decoded.clear();
      this.decodedSegments = 0;
    }
    this.decoded.set(l, segments);
    this.decodedSegments += n;
    return segments;
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
    const starts = new SafeInt32Array(lines + 1);
    const states = new SafeInt32Array(lines * 4);
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

/** Sorts a line's decoded segments by column, keeping the map's order among equal columns (an insertion sort: tsdb's maps come ordered). */
function sortByColumn(segments: Int32Array): void {
  const held = new SafeInt32Array(WIDTH);
  for (let i = WIDTH; i < segments.length; i += WIDTH) {
    if (segments[i] >= segments[i - WIDTH]) continue;
    for (let k = 0; k < WIDTH; k++) held[k] = segments[i + k];
    let j = i;
    for (; j > 0 && segments[j - WIDTH] > held[0]; j -= WIDTH) for (let k = 0; k < WIDTH; k++) segments[j + k] = segments[j - WIDTH + k];
    for (let k = 0; k < WIDTH; k++) segments[j + k] = held[k];
  }
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
