// runtime/map-lookup.ts answers `findEntry` as Node's own SourceMap does (the one Node's stack traces
// use), for every position of real maps and of maps written to hit the decoder's corners.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequire, SourceMap } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { MapLookup } = require("../dist/runtime/map-lookup.js");
const { instrument } = require("../dist/compiler/index.js");

const here = new URL(".", import.meta.url).pathname;

/**
 * Both answers (ours twice: keeping every line it decodes, and keeping at most a few segments, so that
 * it forgets and decodes lines again) at every column of every line (past each line's end too) of the `lengths` lines, at
 * columns far past it, and at the edges (before the start, past the last line).
 */
function compare(payload, lengths, label) {
  const node = new SourceMap(payload);
  const bytes = Buffer.from(payload.mappings, "latin1");
  const ours = new MapLookup(bytes, payload.sources, payload.names ?? []);
  const forgetful = new MapLookup(bytes, payload.sources, payload.names ?? [], 7);
  const positions = [
    [-1, 0],
    [0, -1],
    [lengths.length + 5, 0],
    [lengths.length + 5, 1e9],
  ];
  lengths.forEach((length, line) => {
    for (let column = 0; column <= length + 2; column++) positions.push([line, column]);
    positions.push([line, 1e9]);
  });
  for (const [line, column] of positions) {
    const expected = node.findEntry(line, column);
    for (const [lookup, how] of [
      [ours, ""],
      [forgetful, " (forgetful)"],
    ]) {
      const actual = lookup.findEntry(line, column);
      if (JSON.stringify(actual) !== JSON.stringify(expected) || Object.keys(actual).join() !== Object.keys(expected).join())
        assert.equal(actual, expected, `${label}${how}: ${line}:${column}`);
    }
  }
  return positions.length;
}

const map = (mappings, extra = {}) => ({ version: 3, sources: ["a.js", "b.js"], names: ["x", "y"], mappings, ...extra });

test("maps written to hit the decoder's corners: the same answers as Node's", () => {
  const cases = {
    empty: "",
    "one segment": "AAAA",
    "a column before the first": "EAAA",
    "empty lines and a trailing one": ";;AAAA,EAAE;;;IACA;",
    "columns out of order within a line": "KAAA,CAAC,MAAE,DAAD",
    "equal columns: the last wins": "EAAA,AAAC,AAAE;AACA",
    "one-field segments": "A,EAAA,C,EAAE;A;EAAC",
    "five-field segments (names)": "AAAAA,EAAEC,EAACD",
    "a last segment of one field (Node reads zeros after the end)": "AAAA,EAAC,E",
    "a last segment of four fields": "AAAAC,EAAC",
    "a negative zero": "AAAA,EBBB",
    "big deltas": "gggggBAAA,ggggggBggggggBAgggggB;kBAAA",
    "source index changes": "AAAA,ECAC,EDAC;ACAA",
  };
  for (const [label, mappings] of Object.entries(cases)) compare(map(mappings), Array(8).fill(40), label);
});

test("real maps (tsdb's own output, with layout and compact): the same answers as Node's", () => {
  const files = [require.resolve("acorn"), join(here, "../examples/inventory/inventory.ts")];
  let asked = 0;
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    for (const compact of [false, true]) {
      const { code, map: payload } = instrument(source, { filename: file, sourceMaps: "file", compact, comments: !compact });
      asked += compare(
        payload,
        code.split("\n").map((l) => l.length),
        `${file}${compact ? " compact" : ""}`,
      );
    }
  }
  assert.ok(asked > 1_000_000, String(asked));
});

test.run();
