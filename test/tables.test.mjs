// A file's scope and site tables: what the compiler writes is what the runtime reads, whatever
// the program did to the built-ins before a frame first shows its bindings.
import { createRequire } from "node:module";
import { test } from "uvu";
import * as assert from "uvu/assert";

const require = createRequire(import.meta.url);
const { encodeCodes, encodeLines, encodeRowTable, numberEntry, rowTable } = require("../dist/compiler/tables.js");
const { decodeLines, decodeTables, scopeTables } = require("../dist/runtime/tables.js");
const { SourceFile } = require("../dist/runtime/code.js");

/** A table like a file's: rows that grow and shrink by a binding or two, shadowing, every index kind. */
function sample(seed) {
  let x = seed;
  const next = (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const names = ["a", "b", "$c", "this", "arguments", "new.target", "ünï", "_x9"];
  const entry = () => [names[next(names.length)], next(20) - 1, next(8) - 3, next(4)];
  const rows = [[]];
  for (let k = 0; k < 200; k++) {
    const row = next(3) === 0 ? [] : [...rows[next(rows.length)]];
    const adds = next(4);
    for (let i = 0; i < adds; i++) row.splice(next(row.length + 1), 0, entry());
    if (row.length > 0 && next(3) === 0) row.splice(next(row.length), 1);
    rows.push(row);
  }
  const sites = new Map();
  for (let i = 0; i < 300; i++) sites.set(1 + next(5000) + (next(3) << 20), next(rows.length));
  return { rows, sites };
}

/** The tables' text for rows of entries, numbered as the compiler numbers them while it makes rows. */
function encodeTables(rows, sites) {
  const table = rowTable();
  table.rows = rows.map((row) => row.map((entry) => numberEntry(table, entry)));
  return encodeRowTable(table, sites);
}

/** The runtime's lists have no prototype: copied into plain arrays to compare. */
const arrays = (rows) => Array.from({ length: rows.length }, (_, k) => Array.from({ length: rows[k].length }, (_, i) => [...rows[k][i]]));

for (const seed of [1, 2, 3, 42])
  test(`tables: decode(encode(t)) is t (seed ${seed})`, () => {
    const { rows, sites } = sample(seed);
    const decoded = decodeTables(encodeTables(rows, sites));
    assert.equal(arrays(decoded.rows), rows);
    assert.equal(new Map(decoded.sites), sites);
  });

test("tables: an empty table", () => {
  const decoded = decodeTables(encodeTables([[]], new Map()));
  assert.is(decoded.rows.length, 1);
  assert.is(decoded.rows[0].length, 0);
  assert.is(decoded.sites.size, 0);
});

test("tables: read with String.prototype.split, Symbol.split and Number.parseInt replaced", () => {
  const { rows, sites } = sample(7);
  const text = encodeTables(rows, sites);
  const saved = [String.prototype.split, Number.parseInt];
  String.prototype.split = () => ["patched"];
  String.prototype[Symbol.split] = () => ["patched"];
  Number.parseInt = () => 0;
  let decoded;
  try {
    decoded = decodeTables(text);
  } finally {
    [String.prototype.split, Number.parseInt] = saved;
    delete String.prototype[Symbol.split];
  }
  assert.equal(arrays(decoded.rows), rows);
  assert.equal(new Map(decoded.sites), sites);
});

test("tables in the header: a comment of a function that never runs, read through the built-in toString (V8's code cache keeps no copy)", async () => {
  const { instrument } = await import("../dist/compiler.mjs");
  const source = "export function f(a) {\n  let b = a + 1;\n  return [a, b];\n}\n";
  const { code } = instrument(source, { filename: "/a/t.mjs", compact: true, comments: false, sourceMaps: "none" });
  const header = code.match(
    /\$T\.file\("\/a\/t\.mjs","[^"]*",2,5,\(\)=>\{\/\*tsdb-codes:(\[\[[^*]*\]\])\*\/\},\(\)=>\{\/\*tsdb-tables:([^*]*)\*\/\}/,
  );
  assert.ok(header, "the code table and the tables are comments in the header, after the number of codes and their last line");
  assert.equal(
    JSON.parse(header[1]).map((row) => row[0]),
    ["<module>", "f"],
  );
  const { rows, sites } = sample(11);
  const text = encodeTables(rows, sites).replace(/[^\x20-\x7e]/g, "x");
  const carrier = new Function(`return () => {/*tsdb-tables:${text}*/}`)();
  const saved = Function.prototype.toString;
  Function.prototype.toString = () => "patched";
  let read;
  try {
    read = scopeTables(carrier);
  } finally {
    Function.prototype.toString = saved;
  }
  assert.is(read, text);
  // Printed with layout (instrument()'s default), the comment has whitespace around it.
  assert.is(scopeTables(new Function(`return () => {\n  /*tsdb-tables:${text}*/\n}`)()), text);
  assert.is(scopeTables(text), text);
  assert.is(decodeTables(scopeTables(() => {})).rows.length, 1);
  // A name that is not ASCII keeps the string (an entry stays ASCII: register/cache.ts).
  const other = instrument("export function f(\u00fc) {\n  return \u00fc;\n}\n", {
    filename: "/a/u.mjs",
    compact: true,
    comments: false,
    sourceMaps: "none",
  });
  assert.not.match(other.code, /tsdb-tables:/);
  assert.match(other.code, /tsdb-codes:[^*]*\*\/\},"/);
  // Printed with layout (the Babel plugin's and instrument()'s default: a user's minifier may come next), a string.
  const readable = instrument(source, { filename: "/a/t.mjs", sourceMaps: "none" }).code;
  assert.not.match(readable, /tsdb-tables:|tsdb-codes:/);
  assert.match(readable, /2,\s*5,\s*"\[\[/);
});

test("a code's lines: decode(encode(lines)) is them, in order, from any first line", () => {
  for (const from of [0, 1, 9, 2 ** 20 + 5])
    for (const lines of [[], [1], [7, 3, 1000, 4, 2 ** 20 + 5], Array.from({ length: 500 }, (_, i) => 3 * i + 1)])
      assert.equal(
        Array.from(decodeLines(encodeLines([...lines], from), from)),
        [...lines].sort((a, b) => a - b),
      );
});

test("the code table: each code's name, qualname, lines and flags as the compiler knew them", () => {
  const fields = [
    ["<module>", "<module>", 1, 400, 4, [1, 2, 390]],
    ["outer", "outer", 3, 300, 0, [4, 5]],
    ["inner", "outer.<locals>.inner", 6, 20, 1, [7]],
    ["deep", "outer.<locals>.inner.<locals>.deep", 8, 9, 2, []],
    ["sibling", "outer.<locals>.sibling", 21, 30, 0, [22]],
    ["get x", "outer.<locals>.C.get x", 31, 33, 0, [32]],
    ["m", "outer.<locals>.C.m", 34, 36, 0, [35]],
    ["<anonymous>", "outer.<locals>.inner.<locals>.<anonymous>", 37, 37, 0, [37]],
    ["later", "later", 301, 310, 4, [302, 305]],
    // an arrow tsdb made for a field initializer starts before the code above it ends: steps go back
    ["inner", "outer.<locals>.inner", 2, 3, 0, [3, 2]],
    ["m", "o.m", 311, 312, 0, [311]],
    ["m2", "outer.<locals>.C.m2", 313, 314, 0, [313]],
  ];
  const rows = encodeCodes(fields);
  // As JSON text in the header (contract CODES_MARK), read when a Code is first asked for.
  const file = new SourceFile("/x.js", "x.js", fields.length, 400, JSON.stringify(rows));
  assert.equal(
    file.codes.map((c) => [
      c.name,
      c.qualname,
      c.firstlineno,
      c.lastlineno,
      (c.flags.generator ? 1 : 0) | (c.flags.async ? 2 : 0) | (c._flat ? 4 : 0),
      [...c.lines],
    ]),
    fields.map(([n, q, f, l, flags, lines]) => [n, q, f, l, flags, [...lines].sort((a, b) => a - b)]),
  );
  // Written short: a qualname that is the name, or that extends a row before, holds no text.
  assert.equal(
    rows.map((r) => r[1]),
    [0, 0, -1, -1, 2, "outer.<locals>.C.", 1, 4, 0, 5, "o.", 5],
  );
  assert.ok(file.lineFlags.length >= 402);
  // A code table that is not there (comments stripped from compact output after tsdb): said, not guessed.
  const stripped = new SourceFile("/y.js", "y.js", 2, 10, "[]");
  assert.throws(() => stripped.codes, /the code table of \/y\.js is missing/);
});

test.run();
