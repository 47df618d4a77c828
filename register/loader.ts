/**
 * What `tsdb/register` does to one file as Node loads it: instrument it (when
 * the include/exclude filter says so), or only strip its types (TypeScript
 * outside the filter still has to run), through the on-disk cache. Used by
 * both the CommonJS hook (main thread) and the ES module hooks (their thread).
 */
import { RUNTIME_PATH, RUNTIME_URL } from "../common/package.js";
import { type Format, isTypeScript, sourceTypeOf } from "../common/source-kinds.js";
import type * as Compiler from "../compiler/instrument.js";
import { isInstrumented } from "../contract/index.js";
import { cacheKey, DiskCache } from "./cache.js";
import { type FilterOptions, makeMatcher, resolveFilter } from "./config.js";

// The compiler is loaded on the first cache miss only: a run served from the
// cache never pays for loading Babel.
let compiler: typeof Compiler | undefined;
function loadCompiler(): typeof Compiler {
  return (compiler ??= require("../compiler/instrument.js") as typeof Compiler);
}

export interface LoaderConfig extends FilterOptions {
  /** the cache directory, or null for no cache */
  cacheDir: string | null;
  /** `inline` (default): stack traces under `--enable-source-maps` show original positions */
  sourceMaps?: "inline" | "none";
}

export class Loader {
  readonly matches: (filename: string) => boolean;
  readonly cache: DiskCache | null;
  readonly cwd: string;
  readonly sourceMaps: "inline" | "none";

  constructor(config: LoaderConfig) {
    const filter = resolveFilter(config);
    this.cwd = filter.cwd;
    this.matches = makeMatcher(filter);
    this.cache = config.cacheDir ? new DiskCache(config.cacheDir) : null;
    this.sourceMaps = config.sourceMaps ?? "inline";
  }

  /** Whether `filename` needs this loader at all: instrumented, or TypeScript to strip. */
  handles(filename: string): boolean {
    return isTypeScript(filename) || this.matches(filename);
  }

  /** The JavaScript Node should run for `source` loaded from `filename` as `format`. */
  transform(source: string, filename: string, format: Format): string {
    // Output of tsdb-instrument (or of another hook) is not instrumented twice.
    const instrumenting = this.matches(filename) && !isInstrumented(source);
    if (!instrumenting && !isTypeScript(filename)) return source;
    const options = {
      mode: instrumenting ? "instrument" : "strip",
      sourceType: sourceTypeOf(format) as "module" | "script",
      runtime: format === "module" ? RUNTIME_URL : RUNTIME_PATH,
      sourceMaps: this.sourceMaps,
    } as const;
    const key = this.cache ? cacheKey({ source, filename, cwd: this.cwd, options }) : "";
    const cached = this.cache?.get(key);
    if (cached != null) return cached;
    const { instrument, stripTypes, InstrumentError } = loadCompiler();
    let code: string;
    try {
      // Comments only make the cached entry bigger (and non-ASCII ones make it slow to decode).
      code = (instrumenting ? instrument : stripTypes)(source, { filename, ...options, comments: false }).code;
    } catch (error: unknown) {
      if (error instanceof InstrumentError) throw loadError(error.message);
      throw error;
    }
    this.cache?.set(key, code);
    return code;
  }
}

/** A SyntaxError printed as `file:line:col: reason`, the code frame, and the position as its only stack entry. */
export function loadError(message: string): SyntaxError {
  const error = new SyntaxError(message);
  const where = /^(.*?:\d+:\d+): /.exec(message);
  error.stack = `SyntaxError: ${message}${where ? `\n    at ${where[1]}` : ""}`;
  return error;
}
