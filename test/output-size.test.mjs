// The size of what tsdb generates (issue 12): real libraries, as the load hook caches them (compact,
// no comments) and as tsdb-instrument writes them. Sizes are timing-free: a ratio to the input.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { instrument } from "../dist/compiler.mjs";

const require = createRequire(import.meta.url);
const bytes = (text) => Buffer.byteLength(text);
const ACORN = join(require.resolve("acorn"), "..", "acorn.js");

/**
 * [code, map without sourcesContent and the tables' file] / input, as the hook's cache holds them
 * (the tables in a file beside the code, which names it: a cache entry's path is this long).
 */
function cached(path) {
  const source = readFileSync(path, "utf8");
  const tablesFile = `/home/someone/project/node_modules/.cache/tsdb/ab/${"ab".repeat(32)}.tables`;
  const { code, map, tables } = instrument(source, { filename: path, comments: false, compact: true, tablesFile });
  assert.ok(!/tsdb-tables:|tsdb-codes:/.test(code) && code.includes(JSON.stringify(tablesFile)), "the tables are beside the code");
  const { sourcesContent: _, ...rest } = map;
  return [bytes(code) / bytes(source), (bytes(JSON.stringify(rest)) + tables.length) / bytes(source)];
}

test("lodash.js: the cached code at most 1.09× its input (issue 12: 2×), code, map and tables at most 1.56× (issue 12: 3×)", () => {
  const [code, beside] = cached(require.resolve("lodash/lodash.js"));
  assert.ok(code <= 1.09, `code ${code.toFixed(3)}×`);
  assert.ok(code + beside <= 1.56, `code ${code.toFixed(3)}× + map and tables ${beside.toFixed(3)}×`);
});

test("acorn.js: the cached code at most 1.78× its input (issue 12: 2×)", () => {
  const [code] = cached(ACORN);
  assert.ok(code <= 1.78, `code ${code.toFixed(3)}×`);
});

test("tsdb's names are a small part of the output: one $ where the source allows", () => {
  const path = ACORN;
  const { code } = instrument(readFileSync(path, "utf8"), { filename: path, comments: false, compact: true, sourceMaps: "none" });
  assert.match(code, /\$L\[\$d\]=\d+;\$k[0-9a-z]+\.l&&\$ln\(\$d\)/);
});

test.run();
