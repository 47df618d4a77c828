// tsdb as one script that can be evaluated in a fresh realm (a `vm` context),
// so that every test gets its own runtime, its own frames and its own Bdb,
// made of that realm's objects. Built from the package's own entry points
// (`tsdb`, and the specifier that `instrument()` makes generated code import).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { build } from "esbuild";
import { instrument } from "tsdb/compiler";

const require = createRequire(import.meta.url);

/** The specifier generated ES modules import the runtime from (`tsdb/runtime` unless the compiler says otherwise). */
export function runtimeSpecifier() {
  const { code } = instrument("export {};", { filename: "probe.mjs", sourceType: "module", sourceMaps: "none" });
  const match = /^import \* as [\w$]+ from "([^"]+)";/m.exec(code);
  if (!match) throw new Error("cannot find the runtime import in generated code");
  return match[1];
}

/**
 * The source of a script whose completion value is a function
 * `(host) => ({ tsdb, runtime })`: `host` gives what Node has and a bare
 * realm lacks (`require` for built-in modules, `process`, `queueMicrotask`).
 */
export async function bundleSource(specifier = runtimeSpecifier()) {
  const contents = `module.exports = { tsdb: require(${JSON.stringify(require.resolve("tsdb"))}), runtime: require(${JSON.stringify(require.resolve(specifier))}) };`;
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
    // The compiler (Babel) stays outside: only Bdb.run/runeval use it, and thousands of
    // functions of Babel made anew in every realm would cost more than the test itself.
    plugins: [
      {
        name: "compiler-outside",
        setup(b) {
          b.onResolve({ filter: /(^|\/)compiler\/[\w-]+\.js$/ }, (args) => ({ path: resolve(args.resolveDir, args.path), external: true }));
          // The shadow stack is preallocated (8 MB for 2^20 frames): made anew in every realm it costs
          // more than most tests. 2^16 frames is still more than Node's own stack lets any program reach.
          // tsdb's own files (CommonJS, one module function each in the bundle) keep their __filename and __dirname.
          b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
            let contents = readFileSync(args.path, "utf8");
            if (/runtime[\\/]stack\.js$/.test(args.path)) contents = contents.replace(/STACK_SIZE = 1 << 20;/, "STACK_SIZE = 1 << 16;");
            const names = `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(dirname(args.path))};`;
            return { contents: `${names}${contents}`, loader: "js" };
          });
        },
      },
    ],
  });
  const body = result.outputFiles[0].text;
  return `(function (host) { const { require, process, queueMicrotask, console } = host; const module = { exports: {} }; (function (exports, module) {\n${body}\n})(module.exports, module); return module.exports; })`;
}
