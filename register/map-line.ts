/**
 * The last line of a cache entry, naming its source map (a file beside the entry, never inline:
 * V8 would parse it as part of the code). An instrumented entry names a stand-in instead (contract
 * LATE_MAP_FIELD): the runtime reads the real map only when a stack trace asks for it. Where the
 * runtime cannot answer for the stand-in, Node is given the real map's path: under
 * NODE_V8_COVERAGE (Node copies the maps it registered into the coverage files, for c8 and the
 * like) and for a module whose URL has a query or a fragment (its `file()` finds its map by path).
 */
import { LATE_MAP_FIELD, type LateMap } from "../contract/index.js";
import { pathToFileURL } from "node:url";

const PREFIX = "\n//# sourceMappingURL=";
const STAND_IN = "data:application/json;base64,";
/** The map's line as the loader ends an entry with it. */
const MAP_COMMENT = /^\n\/\/# sourceMappingURL=[^\n]*\n?$/;

/** The line naming `code`'s source map, when it ends with one, else "" (looked for from the end: a regular expression would scan all of it). */
export function mapComment(code: string): string {
  const tail = code.slice(code.lastIndexOf(PREFIX));
  return MAP_COMMENT.test(tail) ? tail : "";
}

/** The line that ends an entry whose map is in the file `path`: a stand-in naming it and `digest` (the map's sha256), when given. */
export function mapLine(path: string, digest: string | null): string {
  if (digest === null) return pathLine(path);
  const real: LateMap = [path, digest];
  const standIn = JSON.stringify({ version: 3, sources: [], names: [], mappings: "", [LATE_MAP_FIELD]: real });
  return `${PREFIX}${STAND_IN}${Buffer.from(standIn).toString("base64")}\n`;
}

/** `code` naming its real map where it named a stand-in (else as it is). */
export function withRealMap(code: string): string {
  const line = mapComment(code);
  const at = line.indexOf(STAND_IN);
  if (at === -1) return code;
  const standIn = JSON.parse(Buffer.from(line.slice(at + STAND_IN.length), "base64").toString()) as Record<string, unknown>;
  const [path] = standIn[LATE_MAP_FIELD] as LateMap;
  return code.slice(0, code.length - line.length) + pathLine(path);
}

/** Whether Node should be given every entry's real map rather than a stand-in: coverage is collected. */
export function realMapNeeded(): boolean {
  return Boolean(process.env.NODE_V8_COVERAGE);
}

/** Whether an ES module's URL has a query or a fragment: its `file()` would not find its map by path. */
export function urlHidesMap(url: string): boolean {
  return /[?#]/.test(url);
}

/** A URL's path, no scheme: Node 20 reads only data: URLs and paths resolved against the file's URL. */
function pathLine(path: string): string {
  return `${PREFIX}${pathToFileURL(path).pathname}\n`;
}
