/**
 * Loads the debugged script instrumented, through tsdb/register
 * (register/), then runs it as `node script args...` would.
 */
import * as Module from "node:module";
import { pathToFileURL } from "node:url";
import { isOwnFile } from "../common/package.js";
import { realPath } from "../common/real-path.js";
import { loadedcodes } from "../runtime/index.js";
import { dynamicImport } from "./dynamic-import.js";
import {
  defaultCacheDir,
  deferModuleHooks,
  expectModule,
  filterConfigured,
  instruments,
  loadedAsModule,
  type RegisterOptions,
  register,
  startModuleHooks,
} from "../register/index.js";

/** The options the hook was installed with (null: not installed yet). */
let options: RegisterOptions | null = null;

/**
 * tsdb/register, configured for the debugger: every source file outside
 * node_modules, wherever it lives (the script may be outside the working
 * directory), unless TSDB_INCLUDE/TSDB_EXCLUDE or the working directory's
 * package.json say otherwise.
 */
function registerForDebugging(): void {
  // The cache is where tsdb/register puts it (register/cache-dir.ts), also when the file list is widened here.
  const cache = defaultCacheDir();
  options = filterConfigured() ? { cache } : { cwd: "/", include: ["**/*"], cache };
  register(options);
}

/** True when `filename` is instrumented as it loads. */
export function willInstrument(filename: string): boolean {
  return instruments(filename);
}

/** Makes the hook instrument `filename` too (outside the include settings or in node_modules), from its next load on. */
export function instrumentToo(filename: string): void {
  if (options === null || instruments(filename)) return;
  options = { ...options, files: [...(options.files ?? []), filename] };
  register(options);
}

/** True when the program has loaded `filename` (CommonJS or ES module). */
function loaded(filename: string): boolean {
  return (require.cache as Record<string, unknown>)[filename] !== undefined || loadedAsModule(filename);
}

/**
 * What to say when a breakpoint is set in `filename`, a file the hook did not instrument (null:
 * nothing): one of tsdb's own (never instrumented), or one loaded already without instrumentation.
 */
export function breakpointProblem(filename: string): string | null {
  if (isOwnFile(realPath(filename))) {
    return `${filename} is part of tsdb (its build or its dependencies), which it never instruments: the breakpoint cannot hit`;
  }
  if (!loaded(filename) || loadedcodes().some((code) => code.filename === filename)) return null;
  return `${filename} was loaded before the breakpoint was set, without instrumentation: the breakpoint cannot hit until the program loads it again ('restart')`;
}

/** True when the settings are the user's (`TSDB_INCLUDE`/`TSDB_EXCLUDE` or package.json), not the debugger's default. */
export { filterConfigured };

/**
 * Installs the load-time hooks (once) for the script `mainFile`. For a CommonJS script (`esm` false),
 * the ES module hooks thread is started by `moduleHooks()` only, before any of the program runs:
 * until then nothing can import an ES module. An ES module script's code is made on this thread
 * and handed to the hooks (register/index.ts `expectModule`).
 */
export function installHooks(mainFile: string, esm: boolean): void {
  if (options !== null) return;
  if (esm) expectModule(mainFile);
  else deferModuleHooks();
  registerForDebugging();
  // Stack traces of the program show original positions.
  (process as unknown as { setSourceMapsEnabled?: (on: boolean) => void }).setSourceMapsEnabled?.(true);
}

/** Starts the ES module hooks if `installHooks` deferred them: before the program runs on from its first stop. */
export const moduleHooks = startModuleHooks;

/**
 * Runs the script: CommonJS through the CommonJS loader as the main module,
 * ES modules through `import()`. Resolves when its synchronous part (CommonJS)
 * or its module graph evaluation (ESM) is done; rejects with what it threw.
 */
export async function runScript(filename: string, esm: boolean): Promise<void> {
  if (esm) {
    await dynamicImport(pathToFileURL(filename).href);
    return;
  }
  const load = (Module as unknown as { _load?: (request: string, parent: unknown, isMain: boolean) => unknown })._load;
  if (typeof load === "function") load(filename, null, true);
  else Module.createRequire(filename)(filename);
}
