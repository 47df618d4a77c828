// Builds dist/: one CommonJS file per source file (so every entry point shares
// one runtime instance), plus thin ESM entry points and the bin scripts.
import { build } from "esbuild";
import { mkdirSync, readdirSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const roots = ["common", "contract", "compiler", "register", "cli", "runtime", "bdb", "debugger", "control"];
const entryPoints = [];
for (const root of roots) {
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) entryPoints.push(p);
    }
  };
  walk(root);
}
entryPoints.push("index.ts");

// No clean first: other processes may be running from dist/ while it is rebuilt.
await build({
  entryPoints,
  outdir: "dist",
  outbase: ".",
  format: "cjs",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
writeFileSync("dist/package.json", JSON.stringify({ type: "commonjs" }, null, 2) + "\n");

// The `tsdb` command as one file: Node reads and compiles one file instead of some fifty at each
// start (bench/FINDINGS.md §19), and it runs from V8's code cache (debugger/start.ts, §42). The
// runtime stays outside (the one instance instrumented code reports to), and so does the compiler
// (loaded on use only), and the code that compiles code which may `import()` (Node 20 loses the
// import callback of a script run from a code cache: bdb/exec.ts's `new Function` of the `debug`
// command's code, debugger/dynamic-import.ts). Paths built from `__dirname` in the bundled modules go
// through `dist/` (`join(__dirname, "..", "register", ...)`): the bundle sits one folder deep, as the files do.
const OUTSIDE = /^(?:(?:runtime|compiler)\/[\w-]+|bdb\/exec|debugger\/dynamic-import)\.js$/;
const shared = {
  name: "shared-files",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const source = relative(resolve("."), resolve(args.resolveDir, args.path));
      if (!OUTSIDE.test(source)) return undefined;
      const file = relative(resolve("dist", "debugger"), resolve("dist", source));
      return { path: file.startsWith(".") ? file : `./${file}`, external: true };
    });
  },
};
await build({
  entryPoints: ["debugger/main.ts"],
  outfile: "dist/debugger/bundle.js",
  bundle: true,
  packages: "external",
  plugins: [shared],
  format: "cjs",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});

// ESM entry points: Node's CommonJS named-export detection reads esbuild's export annotations.
const esm = {
  "index.mjs": 'export * from "./index.js";\n',
  "runtime.mjs": 'export * from "./runtime/index.js";\n',
  "runtime-internal.mjs": 'export * from "./runtime/internal.js";\n',
  "compiler.mjs": 'import compiler from "./compiler/index.js";\nexport * from "./compiler/index.js";\nexport default compiler.default;\n',
  "register.mjs": 'export * from "./register/index.js";\n',
};
for (const [file, text] of Object.entries(esm)) writeFileSync(join("dist", file), text);

mkdirSync("dist/bin", { recursive: true });
// (`tsdb` runs the bundle through debugger/start.ts: from V8's code cache)
const starts = { "tsdb.js": 'require("../debugger/start.js").start', "tsdb-instrument.js": 'require("../cli/main.js").main' };
for (const [bin, start] of Object.entries(starts)) {
  const file = join("dist/bin", bin);
  // The Node version is checked before anything else loads: a clear message, not a half-working run.
  // (The debugger's process is marked: tsdb/register, loaded for its API, does not listen for `tsdb -p`.)
  const mark = bin === "tsdb.js" ? 'globalThis[Symbol.for("tsdb.debugger")] = true;\n' : "";
  writeFileSync(
    file,
    `#!/usr/bin/env node
const problem = require("../common/node-version.js").unsupportedNode();
if (problem) {
  process.stderr.write(problem + "\\n");
  process.exit(1);
}
${mark}${start}(process.argv.slice(2));
`,
  );
  chmodSync(file, 0o755);
}
