/**
 * Node's module customization hooks for ES modules (`module.register()`),
 * running on the hooks thread. `tsdb/register` passes the configuration in
 * `initialize` and later changes (register again, unregister) through a
 * MessagePort that is read synchronously before each hook runs.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RUNTIME_URL } from "../common/package.js";
import { detectFormat, isJsx, isTypeScript, typeScriptAlternatives } from "../common/source-kinds.js";
import type * as Doorbell from "../control/doorbell.js";
import type * as Protocol from "../control/protocol.js";
import type { DoorbellData } from "../control/doorbell.js";
import type * as Cache from "./cache.js";
import type * as Config from "./config.js";
import type * as LoaderModule from "./loader.js";
import type { Loader, LoaderConfig } from "./loader.js";
import { urlHidesMap, withRealMap } from "./map-line.js";

/** What the main thread publishes: the configuration, or null once unregistered. */
export type HooksState = LoaderConfig | null;

/**
 * The state lives in a SharedArrayBuffer (a MessagePort transferred from a
 * `--require` preload makes Node 20 exit): Int32 [0] generation, [1] byte
 * length, [2] the cache warning latch, then the state as JSON. The writer stores the bytes, then bumps
 * the generation with Atomics; readers compare generations.
 */
export interface HooksData {
  shared: SharedArrayBuffer;
  /** the files these hooks have loaded (`noteLoaded`) */
  loaded: SharedArrayBuffer;
  /** `tsdb -p PID`'s doorbell, which this thread carries (null: none) */
  doorbell: DoorbellData | null;
  /** An ES module is about to load: load the loader at once (otherwise on the first file that needs it). */
  eager: boolean;
  /** The code of the first ES module to load, made by the main thread (index.ts `expectModule`), or null. */
  first: FirstModule | null;
}

/** An ES module's code made by the main thread from `source` with the configuration the hooks start with. */
export interface FirstModule {
  filename: string;
  source: string;
  code: string;
}

const HEADER = 12;

/** Int32 [2] of the shared state: the cache warning latch (see cache.ts). */
export function warningLatch(shared: SharedArrayBuffer): Int32Array {
  return new Int32Array(shared, 8, 1);
}

export function writeState(shared: SharedArrayBuffer, state: HooksState): void {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  if (bytes.length > shared.byteLength - HEADER) throw new Error("tsdb/register: configuration too large");
  const head = new Int32Array(shared, 0, 2);
  new Uint8Array(shared, HEADER, bytes.length).set(bytes);
  Atomics.store(head, 1, bytes.length);
  Atomics.add(head, 0, 1);
}

/**
 * The files the hooks thread has loaded, for the main thread (which has no list of the ES modules
 * it has loaded): Int32 [0] the byte length, then `filename\n` each, written by that thread only.
 * 4 MB of address space (pages are only used as they are written); a longer list stops growing.
 */
export const LOADED_BYTES = 1 << 22;

function noteLoaded(log: SharedArrayBuffer, filename: string): void {
  const length = new Int32Array(log, 0, 1);
  const bytes = new TextEncoder().encode(filename + "\n");
  const used = Atomics.load(length, 0);
  if (4 + used + bytes.length > log.byteLength) return;
  new Uint8Array(log, 4 + used, bytes.length).set(bytes);
  Atomics.store(length, 0, used + bytes.length);
}

/** The files in a `noteLoaded` log. */
export function loadedFiles(log: SharedArrayBuffer): Set<string> {
  const used = Atomics.load(new Int32Array(log, 0, 1), 0);
  const text = new TextDecoder().decode(new Uint8Array(log, 4, used).slice());
  return new Set(text.split("\n").filter(Boolean));
}

function readState(shared: SharedArrayBuffer): HooksState {
  const head = new Int32Array(shared, 0, 2);
  const length = Atomics.load(head, 1);
  const bytes = new Uint8Array(shared, HEADER, length).slice();
  return JSON.parse(new TextDecoder().decode(bytes)) as HooksState;
}

let shared: SharedArrayBuffer | null = null;
let loadedLog: SharedArrayBuffer | null = null;
let generation = -1;
/** The configuration in effect (null: unregistered), its filter, and its loader, each made when first needed. */
let config: LoaderConfig | null = null;
let matcher: ((filename: string) => boolean) | null = null;
let loader: Loader | null = null;
/** `HooksData.first` until it is served (or the configuration changes). */
let first: FirstModule | null = null;

function sync(): void {
  if (!shared) return;
  const current = Atomics.load(new Int32Array(shared, 0, 1), 0);
  if (current === generation) return;
  // The first module's code was made with the configuration the hooks start with, and only that.
  if (generation !== -1) first = null;
  generation = current;
  config = readState(shared);
  matcher = null;
  loader = null;
}

/**
 * Whether the configuration in effect instruments `filename`. The filter alone: a process whose
 * ES module loader only ever sees CommonJS (its main script under `--import`) never loads the loader.
 */
function matches(filename: string): boolean {
  if (config === null) return false;
  if (matcher === null) {
    const { makeMatcher, resolveFilter } = require("./config.js") as typeof Config;
    matcher = makeMatcher(resolveFilter(config));
  }
  return matcher(filename);
}

let loaderModule: typeof LoaderModule | null = null;
function theLoader(): Loader {
  if (loader === null) {
    if (loaderModule === null) {
      (require("./cache.js") as typeof Cache).shareWarningLatch(warningLatch(shared!));
      loaderModule = require("./loader.js") as typeof LoaderModule;
    }
    loader = new loaderModule.Loader(config!);
  }
  return loader;
}

export function initialize(data: HooksData): void {
  shared = data.shared;
  loadedLog = data.loaded;
  sync(); // (the configuration the first module's code was made with: a later one drops it)
  first = data.first;
  // `module.register()` waits for this function: what takes time is done after it returns, while
  // the main thread goes on (an import waits for it if it is not ready). Not with the first module's
  // code at hand: the loader would be loaded while the main thread waits for that module.
  if (data.eager && first === null) {
    setImmediate(() => {
      sync();
      if (config !== null) theLoader();
    });
  }
  const { doorbell } = data;
  if (doorbell) {
    const { DOORBELL_DELAY_MS } = require("../control/protocol.js") as typeof Protocol;
    setTimeout(() => (require("../control/doorbell.js") as typeof Doorbell).ring(doorbell), DOORBELL_DELAY_MS).unref();
  }
}

interface ResolveContext {
  conditions: string[];
  importAttributes?: Record<string, string>;
  parentURL?: string;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
  importAttributes?: Record<string, string>;
}
interface LoadContext {
  conditions: string[];
  format?: string | null;
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context?: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  sync();
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (config === null || (error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    for (const alternative of typeScriptAlternatives(specifier)) {
      try {
        return await nextResolve(alternative, context);
      } catch {
        // try the next one
      }
    }
    throw error;
  }
}

function text(source: string | ArrayBuffer | Uint8Array): string {
  return typeof source === "string" ? source : new TextDecoder().decode(source);
}

/** The ES module code for `source` of `filename` at `url`: the main thread's when it made it from this text, else the loader's. */
function moduleCode(source: string, filename: string, url: string): string {
  let code: string;
  if (first !== null && first.filename === filename && first.source === source) {
    code = first.code;
    first = null;
  } else {
    code = theLoader().transform(source, filename, "module");
  }
  // (Under coverage the loader has named the real map already.)
  return urlHidesMap(url) ? withRealMap(code) : code;
}

export async function load(
  url: string,
  context: LoadContext,
  nextLoad: (url: string, context?: LoadContext) => Promise<LoadResult>,
): Promise<LoadResult> {
  sync();
  if (config === null || !url.startsWith("file:")) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  noteLoaded(loadedLog!, filename);
  // The runtime, which every instrumented module imports, is tsdb's own (never instrumented): no
  // filter is loaded for it (on the way to a debugger's first prompt, bench/FINDINGS.md §42).
  if (url === RUNTIME_URL) return nextLoad(url, context);
  if (isTypeScript(filename) || isJsx(filename)) {
    const source = readFileSync(filename, "utf8");
    // CommonJS TypeScript (and JSX) goes to Node's CommonJS loader, where tsdb's require hook has it.
    if (detectFormat(filename, source) === "commonjs") return { format: "commonjs", shortCircuit: true };
    return { format: "module", source: moduleCode(source, filename, url), shortCircuit: true };
  }
  if (!matches(filename)) return nextLoad(url, context);
  const result = await nextLoad(url, context);
  // Only ES modules are instrumented here; CommonJS (source null) is the require hook's.
  if (result.format !== "module" || result.source == null) return result;
  return { ...result, source: moduleCode(text(result.source), filename, url) };
}
