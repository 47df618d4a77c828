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
/** Keeps the files `outside` matches out of a bundle written to `dir`: they load as files of their own. */
const sharedFiles = (dir, outside) => ({
  name: "shared-files",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const source = relative(resolve("."), resolve(args.resolveDir, args.path));
      if (!outside.test(source)) return undefined;
      const file = relative(resolve("dist", dir), resolve("dist", source));
      return { path: file.startsWith(".") ? file : `./${file}`, external: true };
    });
  },
});
const bundled = { bundle: true, format: "cjs", platform: "node", target: "node20", sourcemap: true, logLevel: "warning" };
await build({
  ...bundled,
  entryPoints: ["debugger/main.ts"],
  outfile: "dist/debugger/bundle.js",
  packages: "external",
  plugins: [sharedFiles("debugger", OUTSIDE)],
});

// What every process under tsdb/register loads at its start, each entry bundled in place (over its
// file of the build above) with minimatch: one file read and compiled instead of some forty, each
// of which went through Node's resolution and the require hook (30–60 ms of CPU per process,
// bench/FINDINGS.md §47; a test runner that starts a process per test file pays it per file). Outside
// stay the runtime and the compiler (as above), Babel (loaded on use only), and what attaching
// loads (the debugger): each a file of its own, so one instance per thread.
const STARTUP_OUTSIDE = /^(?:(?:runtime|compiler|debugger)\/[\w-]+|control\/(?:attached|control))\.js$/;
for (const entry of ["register/index.ts", "register/esm-hooks.ts", "control/doorbell-thread.ts"]) {
  await build({
    ...bundled,
    entryPoints: [entry],
    outfile: join("dist", entry.replace(/\.ts$/, ".js")),
    allowOverwrite: true,
    external: ["@babel/*"],
    // The map stays beside the bundle, unnamed: Node (source maps on) and a program's own stack
    // formatter (tap's source-map-support) would read and decode its 340 KB whenever a frame of the
    // hook is in a stack (34 ms per process of node-semver's tests, §47).
    sourcemap: "external",
    plugins: [sharedFiles(entry.split("/")[0], STARTUP_OUTSIDE)],
  });
}

// ESM entry points: Node's CommonJS named-export detection reads esbuild's export annotations.
const esm = {
  "index.mjs": 'export * from "./index.js";\n',
  "runtime.mjs": 'export * from "./runtime/index.js";\n',
  "runtime-internal.mjs": 'export * from "./runtime/internal.js";\n',
  "compiler.mjs": 'import compiler from "./compiler/index.js";\nexport * from "./compiler/index.js";\nexport default compiler.default;\n',
};
// ES module faces of two bundles above: `export *` from CommonJS would have Node's lexer read all of
// the bundle for its names (16 ms at every start, on the main thread and again on the hooks thread);
// they are known here, from the source's exports.
const namesOf = async (entry) => {
  const { metafile } = await build({
    entryPoints: [entry],
    format: "esm",
    metafile: true,
    write: false,
    outdir: "dist",
    logLevel: "silent",
  });
  return Object.values(metafile.outputs)[0].exports.join(", ");
};
const face = async (entry, from) =>
  `import { createRequire } from "node:module";\nexport const { ${await namesOf(entry)} } = createRequire(import.meta.url)("${from}");\n`;
esm["register.mjs"] = await face("register/index.ts", "./register/index.js");
esm["register/esm-hooks.mjs"] = await face("register/esm-hooks.ts", "./esm-hooks.js");
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
