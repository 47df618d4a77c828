// The module format of a file whose package.json says no "type": decided by its syntax, as Node does.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const { detectFormat } = createRequire(import.meta.url)("../dist/common/source-kinds.js");

const dir = mkdtempSync(join(tmpdir(), "tsdb-kinds-"));
writeFileSync(join(dir, "package.json"), "{}");
const file = join(dir, "x.js");

const cases = [
  ["an import declaration", 'import fs from "node:fs";\nfs;', "module"],
  ["an import with no space", 'import{readFileSync}from"node:fs";', "module"],
  ["a bare import", 'import "./y.js";', "module"],
  ["an export declaration", "export const a = 1;", "module"],
  ["export *", 'export*from"./y.js";', "module"],
  ["import.meta inside an expression", "const url = import.meta.url;", "module"],
  // What a big CommonJS bundle holds (TypeScript's _tsc.js): none of it is module syntax.
  ["an `export:` property at a line start", "var SyntaxKind = {\n  export: 95,\n  import: 102\n};", "commonjs"],
  ["a dynamic import", 'import("./y.mjs").then(() => {});', "commonjs"],
  ["an identifier starting with import", "imports = 1;\nexported = 2;", "commonjs"],
  ["import in a template literal", 'const text = `\nimport x from "y";\n`;', "commonjs"],
  ["require", 'const fs = require("node:fs");', "commonjs"],
];
for (const [what, source, format] of cases)
  test(`detectFormat: ${what} → ${format}`, () => {
    assert.is(detectFormat(file, source), format);
  });

test("detectFormat: the extension and package.json type win over the syntax", () => {
  assert.is(detectFormat(join(dir, "x.cjs"), "export const a = 1;"), "commonjs");
  assert.is(detectFormat(join(dir, "x.mjs"), "var a = 1;"), "module");
});

test.run();
