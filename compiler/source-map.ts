/**
 * The source map of instrumented code, holding only what a stack trace can ask of it.
 *
 * Node formats a frame of a mapped file by the map's nearest segment at or before the position V8
 * reports (`SourceMap.findEntry`), and V8 reports a frame only at certain tokens: an identifier or
 * keyword (a call `o.m()` at `m`, `new`, `typeof`, `await`, a reference that throws), an operator
 * (`+`, `=` to a setter), `[` of a keyed load, `(` of a call whose callee ends in `)` or `]`, the
 * backtick of a tagged template — never at `,` `)` `]` `;` `}` `.` `:`, a number, a string,
 * whitespace or a line end (bench/FINDINGS.md §44). Babel's generator gives every token a segment, so:
 *
 * - The truth. Babel gives a token printed after a node the position of that node's *end*: an
 *   operator in `o.g = 1` maps to the space before it, one column off, and after `(x as T)` to the
 *   `as`. Such a segment is moved onto the original token that is the generated one, between the
 *   node's end and the next segment's position.
 * - A segment at a token V8 never reports is dropped. A token Babel printed at the same position
 *   (the `(` of `(0, f)()`) gets a segment of its own on its original token. What else follows up
 *   to the next segment is tsdb's code (a line site, a function's exit): it maps to the original
 *   token after the dropped one — a line site to the statement it stands for, the `$r = x` of
 *   `return x` to the `return` —, unless that is a `}` (an exit stays on the last statement).
 * - A segment that maps to the same original position as the kept one before it on its line is
 *   dropped (tsdb's tokens inherit the position of the code around them).
 * - No names. tsdb renames nothing, so the names V8 gives functions are the program's; Node's
 *   stack traces, given a map with names, print instead the name found at the caller's position
 *   (`at m (...)` for an anonymous callback whose caller wrote `m`), which the program without
 *   tsdb never prints.
 *
 * Every position V8 can report in the generated code then maps to the original line and column
 * Node reports without tsdb (test/stack-columns).
 */
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import type { SourceMap } from "./instrument.js";

/** Babel's line terminators (a column counts UTF-16 units from the last one). */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

/**
 * The map of `generated` (what Babel printed for `map`) with only the segments a stack trace can
 * reach; `original` (the text of the map's one source) to put them on their tokens.
 */
export function compactMap(map: SourceMap, generated: string, original?: string): SourceMap {
  const code = generated.split("\n");
  const source = original?.split(LINE_BREAK);
  const lines = decode(map.mappings);
  // Segments are numbered in generated order (each one's text runs to the next one's); `first[l]`:
  // the number of line l's first. (No flat copy: copying this many segments costs more than the rest.)
  const first = new Int32Array(lines.length + 1);
  for (let l = 0; l < lines.length; l++) first[l + 1] = first[l] + lines[l].length;
  const count = first[lines.length];
  const lineOf = (i: number) => {
    let [low, high] = [0, lines.length - 1];
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (first[middle] <= i) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const segmentAt = (i: number): SourceMapSegment | undefined => {
    if (i >= count) return undefined;
    const line = lineOf(i);
    return lines[line][i - first[line]];
  };
  const after = (line: number, j: number) => (j + 1 < lines[line].length ? lines[line][j + 1] : segmentAt(first[line] + j + 1));
  // On their original tokens; `own`: the program's token, not tsdb's code after a node's end.
  const own = new Uint8Array(count);
  for (let line = 0, i = 0; line < lines.length; line++)
    for (let j = 0; j < lines[line].length; j++, i++) {
      const segment = lines[line][j];
      const text = code[line] ?? "";
      if (!source || segment.length === 1) own[i] = 1;
      // (A space before a token maps where the token does: Babel marks it once the token's position is set.)
      else if (quiet(text, segment[0])) own[i] = blank(source, segment) ? 0 : 1;
      else {
        lines[line][j] = onToken(segment, text, source, after(line, j)) ?? segment;
        own[i] = blank(source, lines[line][j]) ? 0 : 1;
      }
    }
  // Where tsdb's code after a node's end maps: the program's next token.
  const next = new Int32Array(count);
  for (let i = count - 1, to = -1; i >= 0; i--) {
    next[i] = to;
    if (own[i]) to = i;
  }
  const onward = (i: number) => (next[i] < 0 ? undefined : segmentAt(next[i]));
  // (Lines past the map's last one too: tsdb's code after the program's last token gets a segment there.)
  const kept: SourceMapSegment[][] = Array.from({ length: Math.max(lines.length, code.length) }, () => []);
  const mapped = (column: number, to: SourceMapSegment) => [column, ...to.slice(1)] as SourceMapSegment;
  for (let line = 0, i = 0; line < lines.length; line++)
    for (let j = 0; j < lines[line].length; j++, i++) {
      const segment = lines[line][j];
      // An unmapped segment (none of Babel's so far) stays where it is.
      if (segment.length === 1 || !quiet(code[line] ?? "", segment[0])) {
        push(kept[line], own[i] ? segment : mapped(segment[0], opening(onward(i), source) ?? segment));
        continue;
      }
      const following = after(line, j);
      const found = firstReported(code, line, segment[0], following ? lineOf(i + 1) : code.length, following?.[0] ?? 0);
      if (!found) continue;
      const [at, column] = found;
      if (!source) {
        push(kept[at], mapped(column, segment));
        continue;
      }
      const text = code[line] ?? "";
      // A token Babel printed at this one's position, with no segment of its own: the `(` of `(0, f)()`.
      const inherited = onToken(mapped(column, segment), code[at], source, following);
      if (inherited && !blank(source, inherited)) push(kept[at], inherited);
      else if (!own[i]) push(kept[at], mapped(column, opening(onward(i), source) ?? segment));
      // tsdb's code after one of the program's `;` `)` `}` …: the token after it in the source.
      else if (source[segment[2] as number]?.charCodeAt(segment[3] as number) === text.charCodeAt(segment[0]))
        push(kept[at], mapped(column, opening(nextToken(segment, source), source) ?? segment));
      // tsdb's own `;` `,` `:`, at the position of the code around.
      else push(kept[at], mapped(column, segment));
    }
  while (kept.length > 0 && kept[kept.length - 1].length === 0) kept.pop();
  return { ...map, names: [], mappings: encode(kept) };
}

/**
 * `to` unless it maps to a `}`: tsdb's code before a statement (a line site) maps to it, its code
 * before a closing brace (a function's exit, the catch of its body) stays at the end of what ran
 * last, the line Python's bdb gives a frame at its return event.
 */
function opening(to: SourceMapSegment | undefined, source: string[] | undefined): SourceMapSegment | undefined {
  return to && source?.[to[2] as number]?.charCodeAt(to[3] as number) !== 125 ? to : undefined;
}

/**
 * How many characters from `at` make a token V8 never reports a frame at (0: it may): `,` `)` `]`
 * `;` `}` `.` `:`, `?` (a conditional's, or of `?.`), `&&` `||` `??` (not `&&=` …), `!` (not `!=`),
 * a number, a string, a comment, a space or tab, a line's end.
 */
function quiet(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (Number.isNaN(c)) return 1;
  if (c === 44 || c === 41 || c === 93 || c === 59 || c === 125 || c === 46 || c === 58 || c === 32 || c === 9) return 1;
  const next = text.charCodeAt(at + 1);
  if (c === 47 && next === 42) {
    const close = text.indexOf("*/", at + 2);
    return (close < 0 ? text.length : close + 2) - at;
  }
  if (c === 47 && next === 47) return text.length - at;
  if (c === 33) return next === 61 ? 0 : 1;
  if (c === 38 || c === 124 || c === 63) {
    if (next !== c) return c === 63 ? 1 : 0;
    return text.charCodeAt(at + 2) === 61 ? 0 : 2;
  }
  if (c >= 48 && c <= 57) {
    let end = at + 1;
    while (end < text.length && (WORD.test(text[end]) || (text[end] === "." && DIGIT.test(text[end + 1] ?? "")))) end++;
    return end - at;
  }
  if (c === 34 || c === 39) {
    let end = at + 1;
    while (end < text.length && text.charCodeAt(end) !== c) end += text.charCodeAt(end) === 92 ? 2 : 1;
    return Math.min(end + 1, text.length) - at;
  }
  return 0;
}

const WORD = /\w/;
const DIGIT = /\d/;

/** The first position in [from, to) of the generated text where V8 may report a frame. */
function firstReported(code: string[], line: number, column: number, toLine: number, toColumn: number): [number, number] | null {
  for (; line <= toLine && line < code.length; line++, column = 0) {
    const text = code[line];
    const end = line === toLine ? toColumn : text.length;
    while (column < end) {
      const skip = quiet(text, column);
      if (!skip) return [line, column];
      column += skip;
    }
  }
  return null;
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

/** The segment maps to no token: whitespace or a line's end, where Babel puts what it prints after a node. */
function blank(source: string[], segment: SourceMapSegment): boolean {
  return space(source[segment[2] as number]?.charCodeAt(segment[3] as number) ?? Number.NaN);
}

function space(c: number): boolean {
  return Number.isNaN(c) || c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

const IDENTIFIER = /[\w$]+/y;
const IDENTIFIER_PART = /[\w$]/;
const OPERATOR = /[=<>!&|?*+\-/%^~]/;

/** How far on from a node's end the original token of a generated one is looked for. */
const REACH = 256;

/**
 * `segment` on the original token that is its generated token (the same first character): where it
 * maps, or else the last such token before where `bound` (the next segment) maps — what Babel
 * printed after a node is between the node's end and the next node — outside comments; without a
 * bound, the first token after whitespace, comments, `)` and `?.`. Null when there is none.
 */
function onToken(segment: SourceMapSegment, text: string, source: string[], bound?: SourceMapSegment): SourceMapSegment | null {
  const token = text.charCodeAt(segment[0]);
  let line = segment[2] as number;
  let column = segment[3] as number;
  let at = source[line];
  if (at === undefined) return null;
  if (at.charCodeAt(column) === token) return segment;
  IDENTIFIER.lastIndex = segment[0];
  const word = IDENTIFIER.exec(text)?.[0];
  // The token itself there (a word: whole, not the end of a longer one).
  const is = (at: string, column: number) =>
    word === undefined ? at.charCodeAt(column) === token : at.startsWith(word, column) && !IDENTIFIER_PART.test(at[column - 1] ?? "");
  const [endLine, endColumn] =
    bound !== undefined && bound.length > 1 && bound[1] === segment[1] ? [bound[2] as number, bound[3] as number] : [-1, -1];
  const bounded = endLine > line || (endLine === line && endColumn > column);
  let last: SourceMapSegment | null = null;
  for (let budget = REACH; budget > 0; budget--) {
    if (bounded && (line > endLine || (line === endLine && column >= endColumn))) return last;
    if (column >= at.length) {
      if (++line >= source.length) return last;
      at = source[line];
      column = 0;
      continue;
    }
    const c = at.charCodeAt(column);
    if (c === 47 && at.charCodeAt(column + 1) === 47) column = at.length;
    else if (c === 47 && at.charCodeAt(column + 1) === 42) {
      // A block comment may span lines.
      let close = at.indexOf("*/", column + 2);
      while (close < 0 && line + 1 < source.length) {
        at = source[++line];
        close = at.indexOf("*/");
      }
      if (close < 0) return last;
      column = close + 2;
    } else if (c === token && is(at, column)) {
      last = [segment[0], segment[1] as number, line, column];
      if (!bounded) return last;
      // Past the whole token: `==` is one.
      column += word?.length ?? 1;
      while (word === undefined && OPERATOR.test(at[column] ?? "")) column++;
    } else if (bounded || space(c) || c === 41) column++;
    else if (c === 63 && at.charCodeAt(column + 1) === 46) column += 2;
    else return null;
  }
  return last;
}

/**
 * The original position of the token after a segment's token (one V8 never reports: `;`, `&&`, a
 * string …): what tsdb's code printed after it stands for (a line site's statement, even one tsdb
 * rewrote).
 */
function nextToken(segment: SourceMapSegment, source: string[]): SourceMapSegment {
  let line = segment[2] as number;
  let column = (segment[3] as number) + Math.max(1, quiet(source[line], segment[3] as number));
  for (let budget = REACH; budget > 0 && line < source.length; budget--) {
    const at = source[line];
    if (column >= at.length) {
      line++;
      column = 0;
    } else if (space(at.charCodeAt(column))) column++;
    else if (at.startsWith("//", column)) column = at.length;
    else if (at.startsWith("/*", column)) {
      const close = at.indexOf("*/", column + 2);
      if (close < 0) break;
      column = close + 2;
    } else return [segment[0], segment[1] as number, line, column];
  }
  return segment;
}
