/**
 * The source map of instrumented code without what only repeats: Babel's generator gives every
 * token a segment, and the tokens tsdb adds inherit the position of the code around them, so most
 * segments say again what the one before said. A segment that maps to the same original position
 * as the kept one before it on its line is dropped: every generated position still maps where it
 * did (a lookup takes the nearest segment at or before it), in a map a third the size.
 *
 * And no names. tsdb renames nothing, so the names V8 gives functions are the program's; Node's
 * stack traces, given a map with names, print instead the name found at the caller's position
 * (`at m (...)` for an anonymous callback whose caller wrote `m`), which the program without tsdb
 * never prints.
 */
import { decode, encode, type SourceMapSegment } from "@jridgewell/sourcemap-codec";
import type { SourceMap } from "./instrument.js";

export function compactMap(map: SourceMap): SourceMap {
  const lines = decode(map.mappings).map((segments) => {
    const kept: SourceMapSegment[] = [];
    let last: SourceMapSegment | undefined;
    // The decoded segments are this function's own: kept ones are reused (their name dropped in place).
    for (const segment of segments) {
      const same =
        last !== undefined &&
        segment.length > 1 &&
        last.length > 1 &&
        segment[1] === last[1] &&
        segment[2] === last[2] &&
        segment[3] === last[3];
      if (same) continue;
      if (segment.length === 5) (segment as number[]).length = 4;
      kept.push(segment);
      last = segment;
    }
    return kept;
  });
  return { ...map, names: [], mappings: encode(lines) };
}
