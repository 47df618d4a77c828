/**
 * Loads the debugged script instrumented: a CommonJS require hook (pirates)
 * and ES module hooks (`module.register`, see esm-hooks.ts), both with this
 * package's runtime, then runs the script as `node script args...` would.
 */
import { existsSync, readFileSync } from "node:fs";
import * as Module from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { addHook } from "pirates";
import { instrument } from "../compiler/instrument.js";
import { formatOf, RUNTIME_PATH, SOURCE_EXTENSIONS, wanted } from "./files.js";

let installed = false;

// A real `import()` (the bundler would turn a literal one into `require`).
const dynamicImport = new Function("url", "return import(url);") as (url: string) => Promise<unknown>;

interface RegisterModule {
  register(options?: { include?: string[]; exclude?: string[]; cwd?: string; cache?: boolean | string; sourceMaps?: "inline" | "none" }): () => void;
}

/**
 * tsdb/register (compiler/register.ts), configured for the debugger: every
 * source file outside node_modules, wherever it lives (the script may be
 * outside the working directory), unless TSDB_INCLUDE/TSDB_EXCLUDE or the
 * working directory's package.json say otherwise. Null when it cannot load.
 */
function useRegister(): boolean {
  let mod: RegisterModule;
  try {
    mod = require("../compiler/register.js") as RegisterModule;
  } catch {
    return false;
  }
  if (typeof mod.register !== "function") return false;
  let configured = Boolean(process.env.TSDB_INCLUDE || process.env.TSDB_EXCLUDE);
  try {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
    if (pkg && typeof pkg.tsdb === "object" && pkg.tsdb) configured = true;
  } catch {
    // no package.json
  }
  const nodeModules = join(process.cwd(), "node_modules");
  const cache = process.env.TSDB_CACHE_DIR ? resolve(process.env.TSDB_CACHE_DIR) : existsSync(nodeModules) ? join(nodeModules, ".cache", "tsdb") : false;
  mod.register(configured ? { cache } : { cwd: "/", include: ["**/*"], cache });
  return true;
}

/** The debugger's own hooks, for when tsdb/register is not there. */
function ownHooks(): void {
  addHook(
    (code, filename) =>
      instrument(code, {
        filename,
        sourceMaps: "inline",
        sourceType: /\.c[jt]s$/.test(filename) ? "script" : "unambiguous",
        runtime: RUNTIME_PATH,
      }).code,
    { exts: SOURCE_EXTENSIONS, matcher: wanted, ignoreNodeModules: true },
  );
  const register = (Module as unknown as { register?: (specifier: string, parent: string, options: unknown) => void }).register;
  if (typeof register === "function") {
    register(pathToFileURL(require.resolve("./esm-hooks.js")).href, pathToFileURL(__filename).href, {
      data: { runtime: RUNTIME_PATH },
    });
  }
}

/** Installs the load-time hooks (once). */
export function installHooks(): void {
  if (installed) return;
  installed = true;
  if (process.env.TSDB_OWN_HOOKS === "1" || !useRegister()) ownHooks();
  // Stack traces of the program show original positions.
  (process as unknown as { setSourceMapsEnabled?: (on: boolean) => void }).setSourceMapsEnabled?.(true);
}

/**
 * Runs the script: CommonJS through the CommonJS loader as the main module,
 * ES modules through `import()`. Resolves when its synchronous part (CommonJS)
 * or its module graph evaluation (ESM) is done; rejects with what it threw.
 */
export async function runScript(filename: string): Promise<void> {
  if (formatOf(filename) === "module") {
    await dynamicImport(pathToFileURL(filename).href);
    return;
  }
  const load = (Module as unknown as { _load?: (request: string, parent: unknown, isMain: boolean) => unknown })._load;
  if (typeof load === "function") load(filename, null, true);
  else Module.createRequire(filename)(filename);
}
