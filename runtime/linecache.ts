/**
 * The `linecache` of tsdb: original source text by filename, for `getline`,
 * `list` and `formatStackEntry`. Files are read from disk on first use;
 * sources that have no file (`<string>` code given to `Bdb.run`) are
 * registered by whoever compiles them.
 */
import { readFileSync } from "node:fs";

const cache = new Map<string, string[] | null>();

function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Makes `text` the source of `filename` (replacing what was known of it). */
export function registerSource(filename: string, text: string): void {
  cache.set(filename, splitLines(text));
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
  const line = lines[lineno - 1];
  return line.endsWith("\n") ? line : line + "\n";
}
