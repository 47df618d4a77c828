/**
 * When a process started with `--import tsdb/register` (or `--require`) needs Node's ES module
 * hooks thread. Starting it costs every process about 50 ms of CPU before its first line
 * (Node 20 boots a thread and waits for it); a CommonJS program that never loads an ES module
 * does not need it. An ES module loaded without the hooks would not be instrumented (its
 * breakpoints never hit) and a TypeScript one would not load at all, so the thread is started
 * before anything that could load one runs:
 *
 * - at once, unless the main script is certainly CommonJS (`.cjs`; `.js` or no extension in a
 *   package of type commonjs, or with no type and no `import`/`export`/`await` in its text, which Node's module
 *   syntax detection needs) or `-e` code without `import`, and no other `--import`/loader or
 *   module-defaulting flag is given (bench/FINDINGS.md §19);
 * - otherwise before the first CommonJS source is compiled whose text holds `import (` (how a
 *   dynamic import is written; blanks or a comment may come between) or that Node compiles as an
 *   ES module (`require(esm)`).
 *
 * What this does not see: code that builds the word at run time (`eval("imp" + "ort(x)")`,
 * `new Function(...)` from pieces) in a program none of whose CommonJS files holds the word.
 */
import Module from "node:module";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync, realpathSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import { isOwnFile, PACKAGE_ROOT } from "../common/package.js";
import { packageType } from "../common/source-kinds.js";

/** Flags that make Node load ES modules other than the main script, or decide formats otherwise. */
const MODULE_FLAGS = /^--(?:import|loader|experimental-loader|input-type|experimental-default-type|test|experimental-test-\w+)(?:=|$)/;
/** What `--import` names tsdb/register by. */
const OURS = new Set(["tsdb/register", join(PACKAGE_ROOT, "dist", "register.mjs"), join(PACKAGE_ROOT, "dist", "register", "index.js")]);

/** True when this process may load an ES module before any of its CommonJS code says so. */
export function modulesAtStart(): boolean {
  if (!isMainThread) return true;
  if (otherModuleFlags()) return true;
  const main = process.argv[1];
  if (main === undefined) {
    // `node -e code` / `-p`: the code is known; the REPL and standard input: anything
    const code = (process as { _eval?: unknown })._eval;
    return typeof code !== "string" || code.includes("import");
  }
  const file = mainFile(main);
  if (file === null) return true;
  const ext = extname(file);
  if (ext === ".cjs") return false;
  // A file without an extension (`bin/tsc`) is decided as a `.js` file is (Node 20.19).
  if (ext !== ".js" && ext !== "") return true;
  const type = packageType(file);
  if (type !== undefined) return type === "module";
  try {
    return /\b(?:import|export|await)\b/.test(readFileSync(file, "utf8"));
  } catch {
    return true;
  }
}

/** True when Node's options name a module flag other than tsdb's own `--import`. */
function otherModuleFlags(): boolean {
  const options = process.env.NODE_OPTIONS ?? "";
  // quoted values: not parsed here, taken as a reason to start
  if (/["']/.test(options)) return true;
  const args = [...options.split(/\s+/).filter(Boolean), ...process.execArgv];
  for (let i = 0; i < args.length; i++) {
    const match = MODULE_FLAGS.exec(args[i]);
    if (match === null) continue;
    if (!args[i].startsWith("--import")) return true;
    const value = args[i].includes("=") ? args[i].slice(args[i].indexOf("=") + 1) : args[++i];
    if (!isOurs(value)) return true;
  }
  return false;
}

function isOurs(specifier: string | undefined): boolean {
  if (specifier === undefined) return false;
  if (OURS.has(specifier)) return true;
  try {
    const path = specifier.startsWith("file:") ? fileURLToPath(specifier) : resolve(specifier);
    return OURS.has(realpathSync(path)) || OURS.has(path);
  } catch {
    return false;
  }
}

/** The main script's real path, as Node finds it (`app` → `app.js`), or null when it cannot be found. */
function mainFile(main: string): string | null {
  try {
    return realpathSync(require.resolve(resolve(main)));
  } catch {
    return null;
  }
}

/**
 * True when `code` may hold a dynamic `import(`: the word (not part of a longer name: esbuild's
 * `import_fs`, tsc's `__importDefault`), then `(` or a comment, with blanks between.
 */
export function mayImport(code: string): boolean {
  for (let at = code.indexOf("import"); at !== -1; at = code.indexOf("import", at + 6)) {
    if (at > 0 && /[\w$\u0080-\uffff]/.test(code[at - 1])) continue;
    if (/^\s*[(/]/.test(code.slice(at + 6, at + 64))) return true;
  }
  return false;
}

type Compile = (this: unknown, code: string, filename: string, format?: string) => unknown;

/**
 * Calls `start` (once) before the first CommonJS source that could load an ES module is compiled;
 * tsdb's own files (the debugger an attach loads) and the sources compiled while `ignore()` says so
 * (tsdb's compiler loading) are not looked at.
 */
export function startBeforeModuleCode(start: () => void, ignore: () => boolean): void {
  const proto = Module.prototype as unknown as { _compile: Compile };
  const original = proto._compile;
  let started = false;
  const watch: Compile = function (code, filename, format) {
    if (!started && !ignore() && (format === "module" || typeof code !== "string" || mayImport(code)) && !isOwnFile(filename)) {
      started = true;
      // Taken out of the way unless someone has wrapped it since (then it stays, passing through).
      if (proto._compile === watch) proto._compile = original;
      start();
    }
    // biome-ignore lint/complexity/noArguments: Node's own arguments, passed on as they came
    return Reflect.apply(original, this, arguments);
  };
  proto._compile = watch;
}
