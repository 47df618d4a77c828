/**
 * `tsdb/register`: instruments files as Node loads them.
 *
 *     node --import tsdb/register app.js     (ES modules and CommonJS)
 *     node --require tsdb/register app.cjs   (CommonJS; import() too)
 *
 * Loading this module installs the hook with the configuration from the
 * environment (`TSDB_INCLUDE`, `TSDB_EXCLUDE`, `TSDB_CACHE_DIR`) or the
 * `"tsdb"` key of the working directory's package.json. `register(options)`
 * replaces it and returns `unregister()`.
 *
 * CommonJS goes through a `require.extensions` hook (`require-hook.ts`, main thread);
 * ES modules through Node's module customization hooks (`esm-hooks.ts`,
 * hooks thread). Both use the same filter and the same on-disk cache.
 */
import Module from "node:module";
import { readFileSync } from "node:fs";
import { unsupportedNode } from "../common/node-version.js";
import { ownBuiltins } from "../common/own-builtins.js";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { defaultCacheDir, prepareCacheDir } from "./cache-dir.js";
import { isJsx, isTypeScript, typeScriptAlternatives } from "../common/source-kinds.js";
import { type FilterOptions, resolveFilter } from "./config.js";

/** True when the user chose what to instrument (`TSDB_INCLUDE`/`TSDB_EXCLUDE` or the `"tsdb"` key of package.json). */
export { filterConfigured } from "./config.js";
/** Where the on-disk cache goes by default: `$TSDB_CACHE_DIR`, or `node_modules/.cache/tsdb` under the working directory. */
export { defaultCacheDir } from "./cache.js";
import { shareWarningLatch } from "./cache.js";
import { type FirstModule, type HooksData, type HooksState, LOADED_BYTES, loadedFiles, warningLatch, writeState } from "./esm-hooks.js";
import { addRequireHook } from "./require-hook.js";
import { runCommonJS } from "./code-cache.js";
import { codeCacheAllowed } from "./code-cache-mark.js";
import { loadingRequiredModule } from "./require-esm.js";
import { Loader, type LoaderConfig } from "./loader.js";
import { modulesAtStart, startBeforeModuleCode } from "./module-start.js";
import { DEBUGGER_PROCESS, RUNTIME_PATH } from "../common/package.js";
import type * as Listen from "../control/listen.js";
import { asHooksThread, HOOKS_THREAD } from "./hooks-thread.js";
import type { DoorbellData } from "../control/doorbell.js";

export interface RegisterOptions extends FilterOptions {
  /** `false`: no on-disk cache; a string: the cache directory (relative to `cwd`). Default: see `defaultCacheDir`. */
  cache?: boolean | string;
  /** `inline` (default) or `none` */
  sourceMaps?: "inline" | "none";
}

/**
 * Extensions the CommonJS hook is installed for. `.cjs`, `.mjs` and `.mts`
 * reach Node's `.js` loader and so this hook too; registering them would make
 * `require("./x")` find `x.cjs`, which Node does not do. `.ts`, `.tsx` and
 * `.cts` are registered so that `require("./x")` finds `x.ts`.
 */
const CJS_EXTENSIONS = [".js", ".ts", ".tsx", ".cts"];

let active: { loader: Loader; revert: () => void; token: object } | null = null;
let resolverPatched = false;
/** True while tsdb's compiler works (the files it loads are never instrumented). */
let busy = false;

/** The cache directory, when it can be made and trusted; otherwise one warning and null. */
function usableCache(dir: string): string | null {
  const problem = prepareCacheDir(dir);
  if (problem === null) return dir;
  process.stderr.write(`tsdb: not using the cache in ${dir}: ${problem}; continuing without a cache\n`);
  return null;
}

/** `TSDB_THREADS`: how many threads instrument a cold start's files ahead (0: none); unset or not a count: one per idle core. */
function threadCount(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

/** `require("./x.js")` from TypeScript finds `./x.ts`, as `tsc` users write it. */
function patchResolver(): void {
  if (resolverPatched) return;
  resolverPatched = true;
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    try {
      return original.call(this, request, ...rest);
    } catch (error) {
      if (!active || (error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
      for (const alternative of typeScriptAlternatives(request)) {
        try {
          return original.call(this, alternative, ...rest);
        } catch {
          // try the next one
        }
      }
      throw error;
    }
  };
}

let hooksState: SharedArrayBuffer | null = null;
let hooksLoaded: SharedArrayBuffer | null = null;
/** `tsdb -p PID`'s doorbell (control/doorbell.ts), carried by the hooks thread; null: none. */
let doorbell: DoorbellData | null = null;
/** Set by `deferModuleHooks()`: the state the hooks thread starts with when `startModuleHooks()` starts it. */
let deferred: { state: HooksState } | null = null;

/**
 * Publishes `state` to the hooks thread, starting it if needed; `eager`: an ES module is about to
 * load (the thread loads its loader at once rather than on first use); `first`: that module's code,
 * made here (`expectModule`).
 */
function postToHooks(state: HooksState, eager = true, first: FirstModule | null = null): void {
  if (hooksState) {
    writeState(hooksState, state);
    return;
  }
  if (deferred) {
    deferred.state = state;
    return;
  }
  if (!state) return;
  const register = (Module as unknown as { register?: (specifier: string, options: object) => void }).register;
  if (typeof register !== "function") return; // Node < 20.6: CommonJS only
  hooksState = new SharedArrayBuffer(1 << 16);
  shareWarningLatch(warningLatch(hooksState));
  writeState(hooksState, state);
  hooksLoaded = new SharedArrayBuffer(LOADED_BYTES);
  const data: HooksData = { shared: hooksState, loaded: hooksLoaded, doorbell, eager, first };
  // (from dist/: the `tsdb` command runs this code from a bundle, build.mjs)
  asHooksThread(() => register(pathToFileURL(join(__dirname, "..", "register", "esm-hooks.mjs")).href, { data }));
}

/**
 * Node 20 runs ES module hooks on a thread of their own that `module.register()` starts and waits
 * for (60–150 ms before anything else runs). A process that knows no ES module can load before
 * some point (the `tsdb` command, before a CommonJS script's first line has run) calls this
 * before `register()`, and `startModuleHooks()` at that point.
 */
export function deferModuleHooks(): void {
  if (hooksState === null) deferred ??= { state: null };
}

/** Starts the ES module hooks deferred by `deferModuleHooks()` (nothing when they run already). */
export function startModuleHooks(): void {
  if (deferred === null) return;
  const { state } = deferred;
  deferred = null;
  postToHooks(state, false);
}

/** The ES module this process loads first, when it is known before `register()` (`expectModule`). */
let expected: string | null = null;

/**
 * Names the ES module this process loads first (the `tsdb` command's script), before `register()`.
 * `register()` then makes its code on this thread and hands it to the hooks thread, which serves it
 * if the file still holds the text it was made from and the configuration is still that one. The
 * hooks would otherwise start on it (load their loader, key and read its entry) only once they run,
 * while the main thread waits for the module; made here, it is made while Node's hooks thread boots
 * (hooks-thread.ts; bench/FINDINGS.md §42).
 */
export function expectModule(filename: string): void {
  expected = filename;
}

/** The code of the `expectModule` file, made by `loader` (null: none, or it could not be made: the hooks make it, and report what fails). */
function firstModule(loader: Loader): FirstModule | null {
  const filename = expected;
  expected = null;
  if (filename === null || hooksState !== null || deferred !== null || !loader.handles(filename)) return null;
  busy = true;
  try {
    const source = readFileSync(filename, "utf8");
    return { filename, source, code: loader.transform(source, filename, "module") };
  } catch {
    return null;
  } finally {
    busy = false;
  }
}

/**
 * Installs the load-time hook (replacing one installed before) and returns
 * the function that removes it. Files already loaded stay as they are.
 */
export function register(options: RegisterOptions = {}): () => void {
  const old = unsupportedNode();
  if (old) {
    // Only the message: a stack into tsdb's files says nothing more.
    const error = new Error(old);
    error.stack = `Error: ${old}`;
    throw error;
  }
  // (before the program runs: the built-ins a require()'s compile uses, common/own-builtins.ts)
  ownBuiltins.save();
  const filter = resolveFilter(options);
  let cacheDir: string | null = null;
  if (options.cache !== false) {
    cacheDir = typeof options.cache === "string" ? resolve(filter.cwd, options.cache) : defaultCacheDir(filter.cwd);
    cacheDir = usableCache(cacheDir);
  }
  // The `tsdb` command owns its terminal: no progress line there.
  const inDebugger = Boolean((globalThis as Record<symbol, unknown>)[Symbol.for(DEBUGGER_PROCESS)]);
  const config: LoaderConfig = {
    ...filter,
    cacheDir,
    sourceMaps: options.sourceMaps ?? "inline",
    prefetch: { threads: threadCount(process.env.TSDB_THREADS), progress: !inDebugger },
  };
  active?.revert();
  const loader = new Loader(config);
  const revert = addRequireHook(
    (code, filename, format) => {
      // Files tsdb's own compiler loads while it works are never instrumented.
      if (busy) return { code };
      busy = true;
      try {
        // Node gives the format of .js/.cjs/.mjs (require(esm) in Node 20.19+ gives "module").
        const result = loader.transformAny(code, filename, format);
        // Loaded here first, the runtime is in `require.cache` when the module's header looks there:
        // it then stays out of the module's `module.children`.
        if (result.format === "commonjs") require(RUNTIME_PATH);
        const { cache } = loader;
        const { key } = result;
        // (Not under NODE_V8_COVERAGE: the module would be two scripts to V8's coverage, and Node would
        // register its map with the line lengths of the small body it compiles.)
        if (
          cache === null ||
          key === undefined ||
          result.format !== "commonjs" ||
          !codeCacheAllowed(result.code) ||
          process.env.NODE_V8_COVERAGE
        )
          return result;
        // A cache entry of CommonJS that may run from V8's code cache.
        return { ...result, run: (nodeCompile) => runCommonJS(cache, key, result.code, filename, nodeCompile) };
      } finally {
        busy = false;
      }
    },
    CJS_EXTENSIONS,
    (filename) => !busy && loader.handles(filename),
    (compile) =>
      loadingRequiredModule(
        {
          // TypeScript and JSX imported there: Node 20's loader refuses their extensions.
          instruments: (filename) => !busy && !isTypeScript(filename) && !isJsx(filename) && loader.matches(filename),
          transform(source, filename) {
            busy = true;
            try {
              requiredModules.add(filename);
              return loader.transform(source, filename, "module");
            } finally {
              busy = false;
            }
          },
        },
        compile,
      ),
  );
  patchResolver();
  postToHooks(config, true, firstModule(loader));
  // Stack traces show original positions without --enable-source-maps, as with tsx and @babel/register.
  if (config.sourceMaps !== "none") process.setSourceMapsEnabled(true);
  const token = {};
  active = { loader, revert, token };
  return () => {
    if (active?.token !== token) return;
    active.revert();
    active = null;
    postToHooks(null);
  };
}

/** The ES modules imported by a required ES module that this thread instrumented (require-esm.ts). */
const requiredModules = new Set<string>();

/**
 * True when Node's ES module loader has loaded `filename` (an absolute path): through the hooks (an
 * ES module, or a file it imported), or in the graph of a required ES module.
 */
export function loadedAsModule(filename: string): boolean {
  return requiredModules.has(filename) || (hooksLoaded !== null && loadedFiles(hooksLoaded).has(filename));
}

/** True when the hook installed now instruments `filename` (an absolute path) when it loads. */
export function instruments(filename: string): boolean {
  return active?.loader.matches(filename) ?? false;
}

// `--import tsdb/register` / `--require tsdb/register`: install with the defaults and listen for
// `tsdb -p PID` (not on Node's module hooks thread, which runs `--require` preloads too; not in
// the `tsdb` command, which loads this module for its API and installs the hook itself).
// A process that cannot load an ES module yet starts the hooks thread only before code that could
// (module-start.ts); the doorbell then has a thread of its own.
if (!process.env[HOOKS_THREAD] && !(globalThis as Record<symbol, unknown>)[Symbol.for(DEBUGGER_PROCESS)]) {
  const listen = require("../control/listen.js") as typeof Listen;
  const bell = listen.doorbellData();
  const later = !modulesAtStart();
  if (later) deferModuleHooks();
  doorbell = later ? null : bell;
  register();
  if (later) startBeforeModuleCode(startModuleHooks, () => busy);
  if (bell !== null) listen.listenForDebuggers(bell, !later && hooksState !== null);
}
