/**
 * Python's `compile()` + `exec`/`eval` for Bdb.run/runeval: source text
 * instrumented as `<string>` and run with `globals`/`locals` as variables.
 * (The transform lives in compiler/; Bdb is its only runtime user.)
 */
import { join } from "node:path";
import { namesPrefix } from "../contract/index.js";
import { registerSource } from "../runtime/linecache.js";
// Code instrumented as a script finds the runtime on globalThis (see contract/index.ts): load it.
import "../runtime/internal.js";

type Compiled = (globals: object, locals: object) => unknown;

/**
 * Python's `compile(cmd, "<string>", mode)` + exec/eval: instruments the text
 * (named `<string>`) and returns a function that runs it with the
 * properties of `locals`, then `globals`, visible as variables.
 */
export function compileString(source: string, mode: "exec" | "eval"): Compiled {
  // The compiler (Babel) is loaded only when needed.
  const { instrument } = require("../compiler/instrument.js") as typeof import("../compiler/instrument.js");
  // An expression is the value of a top-level `return` (scripts may have one).
  const text = mode === "eval" ? `return (${source}\n);` : source;
  registerSource("<string>", source);
  // Instrumented as function code ("commonjs": its header's constants are the function's own, in the
  // with block, found before the scope object), not as a classic script: a script's header is the
  // realm's (global bindings), which the scope object below, claiming every name, would hide.
  const { code } = instrument(text, {
    sourceType: "commonjs",
    runtime: join(__dirname, "..", "runtime", "internal.js"),
    sourceMaps: "none",
  });
  // The header's names are `var`s (compiler/program.ts): in the with block, the assignments that
  // initialize them would go to the scope object, which claims every name. Made `const`s, they are
  // the block's own, found before it. (The first `var $T` and `var $F` are the header's: no name of
  // the source starts with the prefix, whatever the layout.)
  const prefix = namesPrefix(code)!;
  const own = code.replace(`var ${prefix}T`, `const ${prefix}T`).replace(`var ${prefix}F`, `const ${prefix}F`);
  const body = new Function("$$tsdb$scope", `with ($$tsdb$scope) {\n${own}\n}`) as (scope: object) => unknown;
  return (globals, locals) => body.call(globalThis, scopeOf(globals, locals));
}

/**
 * The `with` object of run/runeval: reads look in locals, globals, then
 * globalThis; writes go to locals. Names known nowhere are claimed too (so
 * that assigning them goes to locals, as exec() does) and read as undefined.
 */
function scopeOf(globals: object, locals: object): object {
  const g = globals as Record<PropertyKey, unknown>;
  const l = locals as Record<PropertyKey, unknown>;
  return new Proxy(Object.create(null) as object, {
    has(_target, name) {
      return typeof name === "string" && (name in l || name in g || !(name in globalThis));
    },
    get(_target, name) {
      if (typeof name !== "string") return undefined;
      if (name in l) return l[name];
      if (name in g) return g[name];
      // An unknown name reads as undefined (`typeof x` must not throw).
      return (globalThis as Record<string, unknown>)[name];
    },
    set(_target, name, value) {
      l[name] = value;
      return true;
    },
  });
}
