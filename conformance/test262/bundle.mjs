// tsdb as one script that can be evaluated in a fresh realm (a `vm` context),
// so that every test gets its own runtime, its own frames and its own Bdb,
// made of that realm's objects. Built from the package's own entry points
// (`tsdb`, and the specifier that `instrument()` makes generated code import).
import { createRequire } from "node:module";
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
  });
  const body = result.outputFiles[0].text;
  return `(function (host) { const { require, process, queueMicrotask, console } = host; const module = { exports: {} }; (function (exports, module) {\n${body}\n})(module.exports, module); return module.exports; })`;
}
