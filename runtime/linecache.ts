/**
 * The `linecache` of tsdb: original source text by filename, for `getline`,
 * `list` and `formatStackEntry`. Files are read from disk on first use;
 * sources that have no file (`<string>` code given to `Bdb.run`) are
 * registered by whoever compiles them.
 */
import { readFileSync } from "node:fs";
import { SafeMap } from "./primordials.js";

const cache = new Map<string, string[] | null>();
/** Whole texts (registered, or read for `sourceText`): a Safe map, read while the program runs (primordials.ts). */
const texts = new SafeMap<string, string | null>();

/**
 * Lines as V8 and Babel count them (positions in stack traces, line events): a line ends at
 * `\r\n`, `\n`, a lone `\r`, U+2028 or U+2029 (inside a string literal too). Each keeps its
 * terminator, so that the lines joined are the text.
 */
function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\r\n|\r(?!\n)|[\n\u2028\u2029])/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Makes `text` the source of `filename` (replacing what was known of it). */
export function registerSource(filename: string, text: string): void {
  cache.set(filename, splitLines(text));
  texts.set(filename, text);
}

/** The whole text of `filename` as it was instrumented (registered, else read from disk once), or null. */
export function sourceText(filename: string): string | null {
  let text = texts.get(filename);
  if (text === undefined) {
    try {
      text = readFileSync(filename, "utf8");
    } catch {
      text = null;
    }
    texts.set(filename, text);
  }
  return text;
}

function linesOf(filename: string): string[] | null {
  let lines = cache.get(filename);
  if (lines === undefined) {
    try {
      lines = splitLines(readFileSync(filename, "utf8"));
    } catch {
      lines = null;
    }
    cache.set(filename, lines);
  }
  return lines;
}

/** The whole source of `filename`, or undefined when it cannot be read. */
export function getsource(filename: string): string | undefined {
  return linesOf(filename)?.join("");
}

/** Line `lineno` (1-based) of `filename` with its newline, or "" when there is none (as `linecache.getline`). */
export function getline(filename: string, lineno: number): string {
  const lines = linesOf(filename);
  if (lines === null || lineno < 1 || lineno > lines.length) return "";
  return lines[lineno - 1].replace(/(?:\r\n|[\r\n\u2028\u2029])$/, "") + "\n";
}
