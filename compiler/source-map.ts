/**
 * The source map of instrumented code, holding only what a stack trace can ask of it.
 *
 * Node formats a frame of a mapped file by the map's nearest segment at or before the position V8
 * reports (`SourceMap.findEntry`), and V8 reports a frame only at certain tokens: an identifier or
 * keyword (a call `o.m()` at `m`, `new`, `typeof`, `await`, a reference that throws), an operator
 * (`+`, `=` to a setter), `[` of a keyed load, `(` of a call whose callee ends in `)` or `]`, the
 * backtick of a tagged template — never at `,` `)` `]` `;` `}`, whitespace or a line end. Babel's
 * generator gives every token a segment, so:
 *
 * - A segment whose generated token V8 never reports is dropped. What follows it up to the next
 *   segment, when V8 can report any of it, is code tsdb added (a line site, an exit): it gets one
 *   segment mapping to the next segment's position, the statement the line site stands for.
 * - A segment that maps to the same original position as the kept one before it on its line is
 *   dropped (tsdb's tokens inherit the position of the code around them).
 * - The truth. Babel gives a token printed after a node the position of that node's *end*: an
 *   operator in `o.g = 1` maps to the space before it, one column off. A segment whose original
 *   position holds whitespace, a comment or `)` where the generated token is something else is
 *   moved on to the original token that is that generated token (when it is the next one).
 * - No names. tsdb renames nothing, so the names V8 gives functions are the program's; Node's
 *   stack traces, given a map with names, print instead the name found at the caller's position
 *   (`at m (...)` for an anonymous callback whose caller wrote `m`), which the program without
 *   tsdb never prints.
 *
 * Every position V8 can report in the generated code then maps to the original line and column
 * Node reports without tsdb (test/stack-columns), in a map a third smaller than the one with every
 * segment that changes position.
 */
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import type { SourceMap } from "./instrument.js";

/**
 * How many characters from `at` make a token V8 never reports a frame at (0: it may): `,` `)` `]`
 * `;` `}` `.` `:`, `?` (a conditional's, or of `?.`), `&&` `||` `??` (not `&&=` …), `!` (not `!=`),
 * a number, a string, a space or tab, a line's end.
 */
function quiet(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (Number.isNaN(c)) return 1;
  if (c === 44 || c === 41 || c === 93 || c === 59 || c === 125 || c === 46 || c === 58 || c === 32 || c === 9) return 1;
  const next = text.charCodeAt(at + 1);
  if (c === 33) return next === 61 ? 0 : 1;
  if (c === 38 || c === 124 || c === 63) {
    if (next !== c) return c === 63 ? 1 : 0;
    return text.charCodeAt(at + 2) === 61 ? 0 : 2;
  }
  if (c >= 48 && c <= 57) {
    let end = at + 1;
    for (let d = text.charCodeAt(end); /[\w]/.test(String.fromCharCode(d)) || (d === 46 && /\d/.test(text[end + 1] ?? "")); d = text.charCodeAt(++end));
    return end - at;
  }
  if (c === 34 || c === 39) {
    let end = at + 1;
    while (end < text.length && text.charCodeAt(end) !== c) end += text.charCodeAt(end) === 92 ? 2 : 1;
    return Math.min(end + 1, text.length) - at;
  }
  return 0;
}

/** Babel's line terminators (a column counts UTF-16 units from the last one). */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

/**
 * The map of `generated` (what Babel printed for `map`) with only the segments a stack trace can
 * reach; `original` (the text the map's single source holds) to move segments onto their tokens.
 */
export function compactMap(map: SourceMap, generated: string, original?: string): SourceMap {
  const lines = decode(map.mappings);
  const code = generated.split("\n");
  const source = original?.split(LINE_BREAK);
  // Segments in generated order (each one's text runs to the next), on their original tokens; `own`:
  // the program's token, not tsdb's code printed after a node (at the node's end: no token there).
  const all: { line: number; segment: SourceMapSegment; own: boolean }[] = [];
  lines.forEach((segments, line) => {
    for (const raw of segments) {
      const segment = source ? (onToken(raw, code[line], source) ?? raw) : raw;
      all.push({ line, segment, own: segment.length === 1 || !source || !blank(source, segment) });
    }
  });
  // Where tsdb's code between two of the program's tokens maps: the next token's position.
  const onward: (SourceMapSegment | undefined)[] = new Array(all.length);
  for (let i = all.length - 1, to: SourceMapSegment | undefined; i >= 0; i--) {
    onward[i] = to;
    if (all[i].own) to = all[i].segment;
  }
  const kept: SourceMapSegment[][] = lines.map(() => []);
  const relay = (i: number, column: number): SourceMapSegment => [column, ...(onward[i] ?? all[i].segment).slice(1)] as SourceMapSegment;
  for (let i = 0; i < all.length; i++) {
    const { line, segment, own } = all[i];
    if (!quiet(code[line] ?? "", segment[0])) {
      push(kept[line], own ? segment : relay(i, segment[0]));
      continue;
    }
    const next = all[i + 1];
    const found = firstReported(code, line, segment[0], next?.line ?? code.length, next?.segment[0] ?? 0);
    if (!found) continue;
    const [at, column] = found;
    const moved = [column, ...segment.slice(1)] as SourceMapSegment;
    // A token Babel printed at this one's position has no segment of its own: the `(` of `(0, f)()`,
    // `instanceof` after the space Babel marks for it. Anything else is tsdb's code.
    const inherited = source ? onToken(moved, code[at], source) : moved;
    if (inherited && !blank(source ?? [], inherited)) push(kept[at], inherited);
    else if (!own) push(kept[at], relay(i, column));
    else if (source && source[segment[2] as number].charCodeAt(segment[3] as number) === code[line].charCodeAt(segment[0]))
      push(kept[at], [column, ...after(segment, source)] as SourceMapSegment);
    // tsdb's own `;` `,` `:`, at the position of the code around.
    else push(kept[at], moved);
  }
  return { ...map, names: [], mappings: encode(kept) };
}

/**
 * The original position of the token after a segment's one-character token: what tsdb's code
 * printed after it stands for (a line site's statement, even one tsdb rewrote: `return x` is
 * `$r=x`, reported by V8 at `$r` where plain V8 reports `return`).
 */
function after(segment: SourceMapSegment, source: string[]): number[] {
  const next = onToken([0, segment[1], segment[2], (segment[3] as number) + 1] as SourceMapSegment, "\0", source, true);
  return (next ?? segment).slice(1);
}

/** The segment maps to no token: whitespace or a line's end, where Babel puts what it prints after a node. */
function blank(source: string[], segment: SourceMapSegment): boolean {
  const c = source[segment[2] as number]?.charCodeAt(segment[3] as number) ?? Number.NaN;
  return Number.isNaN(c) || c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/** Appends a segment (without its name) unless it maps where the one before it on its line does. */
function push(line: SourceMapSegment[], segment: SourceMapSegment): void {
  const last = line[line.length - 1];
  if (
    last !== undefined &&
    segment.length > 1 &&
    last.length > 1 &&
    segment[1] === last[1] &&
    segment[2] === last[2] &&
    segment[3] === last[3]
  )
    return;
  line.push(segment.length === 5 ? [segment[0], segment[1], segment[2], segment[3]] : segment);
}

/** The first position in [from, to) of the generated text where V8 may report a frame (comments skipped). */
function firstReported(code: string[], line: number, column: number, toLine: number, toColumn: number): [number, number] | null {
  for (; line <= toLine && line < code.length; line++, column = 0) {
    const text = code[line];
    const end = line === toLine ? toColumn : text.length;
    while (column < end) {
      const c = text.charCodeAt(column);
      const skip = quiet(text, column);
      if (skip) column += skip;
      else if (c === 47 && text.charCodeAt(column + 1) === 42) {
        const close = text.indexOf("*/", column + 2);
        if (close < 0) return [line, column];
        column = close + 2;
      } else if (c === 47 && text.charCodeAt(column + 1) === 47) break;
      else return [line, column];
    }
  }
  return null;
}

/** How far on from a node's end the original token of a generated one may be looked for. */
const REACH = 4000;

/**
 * `segment` with its original position moved onto the generated token's own, when Babel put it at
 * the end of the node before (whitespace, a comment, `)` or `?.` there, the token next after them);
 * null when the original has another token there. `any`: the next token, whatever it is.
 */
function onToken(segment: SourceMapSegment, text: string, source: string[], any = false): SourceMapSegment | null {
  if (segment.length === 1) return segment;
  const token = text.charCodeAt(segment[0]);
  let line = segment[2];
  let column = segment[3];
  let at = source[line];
  if (at === undefined) return null;
  for (let budget = REACH; budget > 0; budget--) {
    if (column >= at.length) {
      if (++line >= source.length) return null;
      at = source[line];
      column = 0;
      continue;
    }
    const c = at.charCodeAt(column);
    if (c === token) return line === segment[2] && column === segment[3] ? segment : [segment[0], segment[1], line, column];
    if (c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || (c === 41 && !any)) column++;
    else if (c === 63 && at.charCodeAt(column + 1) === 46) column += 2;
    else if (c === 47 && at.charCodeAt(column + 1) === 47) column = at.length;
    else if (c === 47 && at.charCodeAt(column + 1) === 42) {
      // A block comment may span lines.
      let close = at.indexOf("*/", column + 2);
      while (close < 0 && line + 1 < source.length) {
        at = source[++line];
        close = at.indexOf("*/");
      }
      if (close < 0) return null;
      column = close + 2;
    } else return any ? [segment[0], segment[1], line, column] : null;
  }
  return null;
}
