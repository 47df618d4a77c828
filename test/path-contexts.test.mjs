// Babel's paths give back the store of their empty `contexts` arrays once tsdb's traversals have
// popped them (compiler/path-contexts.ts; the memory itself is measured in bench/, FINDINGS §52).
// Each path's array is watched through a Proxy: a trim is `length = 0` on an array already empty
// (a pop also sets the length, but from 1, after deleting the element).
import { createRequire } from "node:module";
import { test } from "uvu";
import * as assert from "uvu/assert";

const require = createRequire(import.meta.url);
const { parseSync, transformSync } = require("@babel/core");
const traverse = require("@babel/traverse").default;
const { visitors } = require("@babel/traverse");
const { releaseContexts } = require("../dist/compiler/path-contexts.js");

/**
 * Puts a recording array in place of each path's `contexts` (all empty between traversals): the
 * paths watched, and how many times each one's array was trimmed since.
 */
function watch(programPath) {
  const trims = new Map();
  const record = (path) => {
    trims.set(path, 0);
    const target = path.contexts;
    path.contexts = new Proxy(target, {
      set(array, key, value) {
        if (key === "length" && value === 0 && array.length === 0) trims.set(path, trims.get(path) + 1);
        array[key] = value;
        return true;
      },
    });
  };
  programPath.traverse({
    enter(path) {
      // Visited now: watched once this traversal has popped it (its parent's exit).
      path.setData("watch", true);
    },
    exit(path) {
      for (const child of traverse.cache.path.get(path.node)?.values() ?? [])
        if (child.getData("watch") && !trims.has(child)) record(child);
    },
  });
  return trims;
}

function programOf(code) {
  const ast = parseSync(code, { babelrc: false, configFile: false });
  let program;
  traverse(ast, {
    Program(path) {
      program = path;
      path.stop();
    },
  });
  return program;
}

test("a traversal trims the children's empty arrays at each node's exit; identifiers and literals have none", () => {
  const program = programOf("function f(a) { return [a + 1, g(a)]; }\nconst x = { y: 'z' };");
  const trims = watch(program);
  assert.ok(trims.size > 10);
  program.traverse(releaseContexts);
  const trimmed = [...trims].filter(([, n]) => n > 0).map(([path]) => path.type);
  // Every watched path under a node with children: all of them (the program's own is not a child).
  assert.is(trimmed.length, trims.size);
  assert.ok(trimmed.includes("ReturnStatement") && trimmed.includes("BinaryExpression") && trimmed.includes("ObjectProperty"));
  for (const [path] of trims) assert.is(path.contexts.length, 0);
});

test("an array a traversal still uses is left as it is (a traversal nested in another)", () => {
  const program = programOf("function f() { { a; b; } }");
  let checked = false;
  program.traverse({
    ExpressionStatement(path) {
      if (path.node.expression.name !== "b") return;
      // The outer traversal has `a` and `b` on its queue, pushed; the nested one exits their block.
      const siblings = path.parentPath.get("body");
      const fn = path.getFunctionParent();
      fn.traverse(visitors.merge([{}, releaseContexts]));
      assert.equal(
        siblings.map((p) => p.contexts.length),
        [1, 1],
      );
      checked = true;
    },
  });
  assert.ok(checked);
});

test("tsdb's pass trims in both its traversals (classify's walk and the visitors)", () => {
  let trims;
  const watcher = () => ({
    visitor: {
      Program(path) {
        trims = watch(path);
      },
    },
  });
  // Another plugin in the pass: tsdb instruments at Program exit, after the watcher's visit.
  const out = transformSync("function f(a) { const b = a * 2; return b + 1; }", {
    babelrc: false,
    configFile: false,
    filename: "/virtual/contexts.js",
    plugins: [watcher, [require.resolve("../dist/compiler/index.js"), {}]],
  });
  assert.ok(out.code.includes("function f"));
  const counts = [...trims.values()];
  assert.ok(counts.length > 5);
  // A statement of the source left in place: its array trimmed once in each traversal.
  assert.ok(
    counts.some((n) => n >= 2),
    `trims per path: ${counts.join(",")}`,
  );
});

test.run();
