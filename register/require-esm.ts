/**
 * The imports of an ES module loaded by `require()` (Node 20.19+: `require(esm)`). Node 20 loads
 * that module's graph with its synchronous ES module loader on the main thread, which the hooks of
 * `module.register()` never see (Node 22.15+ has `module.registerHooks` for it; Node 20 does not).
 * That loader reads each module of the graph with `getSourceSync` (lib/internal/modules/esm/load.js),
 * whose `fs.readFileSync(url)` opens the file through the public `fs.openSync`, looked up when it
 * is called. So while Node compiles a required ES module (the `_compile(code, filename, "module")`
 * that loads, links and runs its graph), `fs.openSync` is replaced: a call made by `getSourceSync`
 * for an ES module the filter instruments opens a private copy of the module's instrumented code
 * instead (written to a fresh 0700 folder, opened, unlinked at once); every other call goes on to
 * the function that was there, as it came. The module keeps its URL (`import.meta.url`) and stays
 * one instance (Node's own load cache); only the text Node reads is the instrumented one, as the
 * ES module hooks give it for an `import`.
 *
 * What a program can see, only during that window (the graph's top-level code runs in it):
 * `fs.openSync` is another function (same name and length). When the window closes it is put back,
 * unless the program replaced it meanwhile (then its replacement stays and tsdb's, which it may
 * call, passes every call through).
 */
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { detectFormat } from "../common/source-kinds.js";

// Taken when tsdb loads: what tsdb does to write its copies never goes through a program's patches.
const { openSync, readFileSync, writeSync, closeSync, unlinkSync, mkdtempSync, rmdirSync } = fs;

/** What tsdb/register does with the graph's modules. */
export interface ModuleCode {
  /** Whether `filename` (an ES module of the graph) is instrumented. */
  instruments(filename: string): boolean;
  /** The instrumented code of the ES module `filename` whose text is `source`. */
  transform(source: string, filename: string): string;
}

type OpenSync = typeof fs.openSync;

let depth = 0;
/** The window's state while one is open and its replacement installed (null: none). */
let open: { code: ModuleCode; folder: string | null; count: number; replacement: OpenSync; previous: OpenSync } | null = null;

/**
 * Runs `compile` (Node compiling a required ES module) with the graph's ES modules read as `code`
 * gives them. Nested requires of ES modules share the outermost window.
 */
export function loadingRequiredModule<T>(code: ModuleCode, compile: () => T): T {
  if (depth === 0) open = install(code);
  depth++;
  try {
    return compile();
  } finally {
    if (--depth === 0 && open !== null) {
      uninstall(open);
      open = null;
    }
  }
}

function install(code: ModuleCode): typeof open {
  const slot = Object.getOwnPropertyDescriptor(fs, "openSync");
  // A program that made it an accessor or read-only: leave it alone (the imports run as they are).
  if (slot === undefined || !("value" in slot) || !slot.writable) return null;
  const previous = slot.value as OpenSync;
  const state = { code, folder: null as string | null, count: 0, replacement: previous, previous };
  state.replacement = function openSync(this: unknown, path: fs.PathLike, _flags?: fs.OpenMode, _mode?: fs.Mode | null): number {
    if (open === state && typeof path === "object" && path !== null && calledByNodeLoader(state.replacement)) {
      const filename = fileURLToPath(String((path as URL).href));
      if (code.instruments(filename)) {
        const source = readFileSync(filename, "utf8");
        // CommonJS imported by the graph is loaded by the CommonJS loader (the require hook's).
        if (detectFormat(filename, source) === "module") {
          const text = code.transform(source, filename);
          try {
            return openCopy(state, text);
          } catch (error) {
            // No private copy (a full or unwritable temporary directory): the module runs as it is.
            warnOnce(`tsdb: ${filename} runs uninstrumented (required ES module graph: ${(error as Error).message})\n`);
          }
        }
      }
    }
    // biome-ignore lint/complexity/noArguments: the caller's arguments, passed on as they came
    return Reflect.apply(previous, this, arguments);
  } as OpenSync;
  fs.openSync = state.replacement;
  return state;
}

function uninstall(state: NonNullable<typeof open>): void {
  // Put back unless the program replaced it meanwhile (its replacement stays; ours passes through).
  if (fs.openSync === state.replacement) fs.openSync = state.previous;
  if (state.folder === null) return;
  try {
    rmdirSync(state.folder);
  } catch {
    // not empty: a copy could not be unlinked (nothing more to do about it here)
  }
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(message);
}

/** A descriptor open for reading on a private copy of `text`, which is already unlinked. */
function openCopy(state: NonNullable<typeof open>, text: string): number {
  state.folder ??= mkdtempSync(join(tmpdir(), "tsdb-require-esm-"));
  const file = join(state.folder, String(state.count++));
  try {
    const out = openSync(file, "wx", 0o600);
    try {
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; ) at += writeSync(out, bytes, at, bytes.length - at);
    } finally {
      closeSync(out);
    }
    return openSync(file, "r");
  } finally {
    try {
      unlinkSync(file);
    } catch {
      // never made
    }
  }
}

/**
 * True when the call being answered is Node's `getSourceSync` reading a module (through the
 * built-in `readFileSync`), not the program's own `fs.openSync`/`readFileSync` call. The stack is
 * read with V8's structured call sites, `Error.prepareStackTrace` and `Error.stackTraceLimit` set
 * for that moment and put back as they were; when either is an accessor or cannot be set (reading
 * or setting it would run the program's code), the answer is no.
 */
function calledByNodeLoader(replacement: OpenSync): boolean {
  const limit = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit");
  const prepare = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  if (!settable(limit) || (prepare === undefined ? !Object.isExtensible(Error) : !settable(prepare))) return false;
  let sites: NodeJS.CallSite[] | undefined;
  try {
    Object.defineProperty(Error, "stackTraceLimit", { ...limit, value: 4 });
    const raw = (_: Error, s: NodeJS.CallSite[]) => s;
    Object.defineProperty(
      Error,
      "prepareStackTrace",
      prepare === undefined ? { value: raw, writable: true, configurable: true } : { ...prepare, value: raw },
    );
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, replacement);
    sites = holder.stack;
  } finally {
    Object.defineProperty(Error, "stackTraceLimit", limit!);
    if (prepare === undefined) delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
    else Object.defineProperty(Error, "prepareStackTrace", prepare);
  }
  if (!Array.isArray(sites) || sites[0]?.getFileName() !== "node:fs") return false;
  for (let i = 1; i < sites.length; i++) {
    if (sites[i].getFileName() === "node:internal/modules/esm/load" && sites[i].getFunctionName() === "getSourceSync") return true;
  }
  return false;
}

/** A data property that can be set and put back (writable, or configurable). */
function settable(slot: PropertyDescriptor | undefined): slot is PropertyDescriptor {
  return slot !== undefined && "value" in slot && (slot.writable === true || slot.configurable === true);
}
