// The instrumented code's source map without repeated segments maps every generated position
// where Babel's full map does.
import { transformSync } from "@babel/core";
import { decode } from "@jridgewell/sourcemap-codec";
import { createRequire } from "node:module";
import { test } from "uvu";
import * as assert from "uvu/assert";

const require = createRequire(import.meta.url);
const { compactMap } = require("../dist/compiler/source-map.js");
const tsdbPlugin = require("../dist/compiler/plugin.js").default;

/** The original [source, line, column] of each generated position Babel marked, by nearest segment at or before it. */
function lookups(map, positions) {
  const lines = decode(map.mappings);
  return positions.map(([line, column]) => {
    let found = null;
    for (const segment of lines[line] ?? []) if (segment[0] <= column) found = segment;
    return found && found.length > 1 ? [found[1], found[2], found[3]] : null;
  });
}

for (const compact of [true, false])
  test(`compactMap: every position maps as before, in a third of the segments (compact ${compact})`, () => {
    const source = [
      "function fib(n) {",
      "  if (n < 2) return n;",
      "  return fib(n - 1) + fib(n - 2);",
      "}",
      "function walk(tree, seen = new Set()) {",
      "  for (const [k, v] of Object.entries(tree)) {",
      "    if (seen.has(v)) continue;",
      "    seen.add(v);",
      "    try { walk(v, seen); } catch (e) { throw new Error(k, { cause: e }); }",
      "  }",
      "  return seen.size;",
      "}",
      "let total = 0;",
      "for (let i = 0; i < 3; i++) total += fib(i) + walk({ a: { b: {} } });",
      "console.log(total);",
    ].join("\n");
    const result = transformSync(source, {
      babelrc: false,
      configFile: false,
      filename: "/tmp/x.js",
      sourceType: "script",
      sourceMaps: true,
      compact,
      plugins: [[tsdbPlugin, {}]],
    });
    const raw = result.map;
    const prefix = result.metadata.tsdbPrefix;
    const small = compactMap(raw, prefix);
    const positions = decode(raw.mappings).flatMap((segments, line) => segments.map((s) => [line, s[0]]));
    assert.equal(lookups(small, positions), lookups(raw, positions));
    const count = (map) => decode(map.mappings).reduce((n, l) => n + l.length, 0);
    assert.ok(count(small) * 2 < count(raw), `${count(small)} of ${count(raw)} segments`);
    // The program's own names stay; tsdb's are gone.
    assert.ok(small.names.includes("walk") && small.names.includes("seen"), small.names.join());
    assert.not.ok(
      small.names.some((n) => n.startsWith(prefix)),
      small.names.join(),
    );
  });

test.run();
