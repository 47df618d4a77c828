// instrument() on files that nest deeper than Babel's recursion fits in the caller's stack (issue 11:
// istanbul instruments them): they are instrumented again in a thread with a bigger stack, with the
// same result and the same errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { instrument, InstrumentError } = require("../dist/compiler/index.js");
const { SourceFile } = require("../dist/runtime/code.js");

const nested = (n, body) => `${Array.from({ length: n }, (_, i) => `function f${i}() {\n`).join("")}${body}${"}\n".repeat(n)}`;

test("400 nested functions: instrumented (in a thread with a bigger stack), every function registered", () => {
  // (as CommonJS: a classic script has its header, with these rows, in a string)
  const { code, map } = instrument(nested(400, "return 1;\n"), { filename: "/deep/nested.js", sourceType: "commonjs" });
  // The code table the header passes to the runtime (its count, last line and text), read as the runtime reads it.
  const [, count, last, text] = /\.file\("\/deep\/nested\.js", "[^"]*", (\d+), (\d+), ("(?:[^"\\]|\\.)*")/.exec(code);
  const codes = new SourceFile("/deep/nested.js", "deep/nested.js", Number(count), Number(last), JSON.parse(text)).codes;
  assert.is(codes.length, 401);
  for (const i of [0, 1, 200, 399]) {
    const qualname = Array.from({ length: i + 1 }, (_, k) => `f${k}`).join(".<locals>.");
    assert.equal([codes[i + 1].name, codes[i + 1].qualname, codes[i + 1].firstlineno], [`f${i}`, qualname, i + 1]);
  }
  assert.equal(map.sources, ["/deep/nested.js"]);
});

test("an error found on the bigger stack: the same InstrumentError, position and code frame", () => {
  const source = `${nested(400, "return 1;\n")}const broken = ;\n`;
  try {
    instrument(source, { filename: "/deep/broken.js", sourceType: "script" });
    assert.unreachable("should throw");
  } catch (error) {
    assert.instance(error, InstrumentError);
    assert.is(error.line, 802);
    assert.is(error.column, 16);
    assert.is(error.reason, "Unexpected token");
    assert.match(error.message, "/deep/broken.js:802:16: Unexpected token");
    assert.match(error.frame, "> 802 | const broken = ;");
  }
});

test("a plugin given as a function cannot move to another thread: a RangeError that says why", () => {
  const plugin = () => ({ visitor: {} });
  // Deep enough to overflow whatever V8 has optimized by now (400 functions may fit once the traversal runs optimized).
  const deep = `x = ${"[".repeat(50000)}${"]".repeat(50000)};\n`;
  assert.throws(
    () => instrument(deep, { filename: "/deep/p.js", sourceType: "script", transforms: [plugin] }),
    (error) =>
      error instanceof RangeError &&
      error.message ===
        "Maximum call stack size exceeded: the file nests too deeply to instrument, and its plugins cannot move to a thread with a bigger stack",
  );
});

test.run();
