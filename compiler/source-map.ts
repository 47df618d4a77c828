/**
 * The source map of instrumented code without what only repeats: Babel's generator gives every
 * token a segment, and the tokens tsdb adds inherit the position of the code around them (and name
 * tsdb's own identifiers), so most segments say again what the one before said. A segment that
 * maps to the same original position as the kept one before it on its line, naming no identifier
 * of the program, is dropped: every generated position still maps where it did (a lookup takes
 * the nearest segment at or before it), in a map a third the size.
 */
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import type { SourceMap } from "./instrument.js";
import { numbering } from "./numbering.js";

/** `prefix`: that of tsdb's own identifiers in the file (contract namePrefix), none when nothing was instrumented. */
export function compactMap(map: SourceMap, prefix?: string): SourceMap {
  const names = numbering();
  // Each name of Babel's list once: the program's own keep theirs (renumbered), tsdb's none.
  const programNames = map.names.map((name) => (prefix !== undefined && name.startsWith(prefix) ? undefined : name));
  const lines = decode(map.mappings).map((segments) => {
    const kept: SourceMapSegment[] = [];
    let last: SourceMapSegment | undefined;
    // The decoded segments are this function's own: kept ones are reused (a name renumbered in place).
    for (const segment of segments) {
      const programName = segment.length === 5 ? programNames[segment[4]] : undefined;
      const same =
        last !== undefined &&
        segment.length > 1 &&
        last.length > 1 &&
        segment[1] === last[1] &&
        segment[2] === last[2] &&
        segment[3] === last[3];
      if (same && programName === undefined) continue;
      if (segment.length === 5) {
        if (programName === undefined) (segment as number[]).length = 4;
        else segment[4] = names.number(programName);
      }
      kept.push(segment);
      last = segment;
    }
    return kept;
  });
  return { ...map, names: names.list, mappings: encode(lines) };
}
