/**
 * What `tsdb/register` does to one file as Node loads it: instrument it (when
 * the include/exclude filter says so), or only strip its types (TypeScript
 * outside the filter still has to run), through the on-disk cache. Used by
 * both the CommonJS hook (main thread) and the ES module hooks (their thread).
 */
import { RUNTIME_PATH, RUNTIME_URL } from "../common/package.js";
import { realPath } from "../common/real-path.js";
import { type Format, isJsx, isTypeScript, knownFormat, sourceTypeOf, syntaxFormat } from "../common/source-kinds.js";
import type * as Compiler from "../compiler/instrument.js";
import type { SourceMap } from "../compiler/instrument.js";
import type { PluginItem } from "@babel/core";
import { existsSync, readFileSync } from "node:fs";
import { jsxOptions } from "./jsx-config.js";
import { isInstrumented } from "../contract/index.js";
import { cacheKey, DiskCache, sha256 } from "./cache.js";
import { CODE_CACHE_MARK } from "./code-cache-mark.js";
import { ownBuiltins } from "../common/own-builtins.js";
import { mapComment, mapLine, realMapNeeded, withRealMap } from "./map-line.js";
import { type FilterOptions, makeMatcher, resolveFilter } from "./config.js";
import type * as Prefetch from "./prefetch.js";

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
  /**
   * A cold file's imports are instrumented ahead by `threads` threads (prefetch.ts; null: one per
   * idle core), with a `progress` line on a terminal's stderr.
   */
  prefetch?: { threads: number | null; progress: boolean };
}

const FORMATS: Format[] = ["commonjs", "module"];

/** What Node should run; `key`: the cache entry it is (absent without a cache). */
export interface Transformed {
  code: string;
  key?: string;
}

interface Plan {
  options: {
    mode: "instrument" | "strip";
    sourceType: "module" | "commonjs" | "unambiguous";
    runtime: string;
    sourceMaps: "inline" | "none";
    jsx: ReturnType<typeof jsxOptions> | null;
    toCommonJS: boolean;
  };
  instrumenting: boolean;
  key: string;
}

export class Loader {
  readonly matches: (filename: string) => boolean;
  readonly cache: DiskCache | null;
  readonly cwd: string;
  readonly sourceMaps: "inline" | "none";
  private prefetcher: Prefetch.Prefetcher | null = null;

  constructor(private readonly config: LoaderConfig) {
    const filter = resolveFilter(config);
    this.cwd = filter.cwd;
    this.matches = makeMatcher(filter);
    this.cache = config.cacheDir ? new DiskCache(config.cacheDir) : null;
    this.sourceMaps = config.sourceMaps ?? "inline";
  }

  /** Whether `filename` needs this loader at all: instrumented, or TypeScript/JSX to compile. */
  handles(filename: string): boolean {
    return isTypeScript(filename) || isJsx(filename) || this.matches(filename);
  }

  /**
   * The JavaScript Node should run for `source` loaded from `filename`, and its module format: the
   * one given, else the file's extension or package.json, else its syntax as Node decides it. A
   * file decided by its syntax is not parsed again to tell once it is in the cache: its entry is
   * found under the format it was made for.
   */
  transformAny(source: string, filename: string, format: Format | undefined): Transformed & { format: Format } {
    format ??= knownFormat(filename);
    if (format === undefined) {
      const sourceHash = this.cache ? sha256(source) : "";
      for (const candidate of FORMATS) {
        const plan = this.plan(source, filename, candidate, sourceHash);
        const hit = plan === null ? null : this.hit(plan);
        if (hit !== null) {
          this.prefetcher?.warmed(source, filename);
          return { code: served(hit), key: plan!.key, format: candidate };
        }
      }
      format = ownBuiltins.ours(() => syntaxFormat(filename, source));
    }
    return { ...this.transformKeyed(source, filename, format), format };
  }

  /** The JavaScript Node should run for `source` loaded from `filename` as `format`. */
  transform(source: string, filename: string, format: Format): string {
    return this.transformKeyed(source, filename, format).code;
  }

  private transformKeyed(source: string, filename: string, format: Format): Transformed {
    const plan = this.plan(source, filename, format);
    if (plan === null) return { code: source };
    const hit = this.hit(plan);
    if (hit === null) {
      // On the main thread the program waits in a require(), maybe with built-ins it changed (a
      // switch costs 0.1-0.25 ms: compiles only; cache hits use few built-ins, see cache.ts).
      const made = ownBuiltins.ours(() => this.cold(source, filename, plan));
      return { ...made, code: served(made.code) };
    }
    // A file a thread instrumented: the files it imports are queued in turn.
    this.prefetcher?.warmed(source, filename);
    return { code: served(hit), key: plan.key };
  }

  /**
   * `filename` missed the cache. With threads: a file a thread is instrumenting is waited for and
   * taken from the cache (compiled here when the thread failed: the error is reported as ever), and
   * the files this one imports are queued before it is compiled.
   */
  private cold(source: string, filename: string, plan: Plan): Transformed {
    const ahead = this.ahead();
    if (ahead === null) return this.compile(source, filename, plan);
    try {
      const warmed = ahead.settle(filename) ? this.hit(plan) : null;
      ahead.ahead(source, filename);
      if (warmed !== null) return { code: warmed, key: plan.key };
      ahead.compiling(filename);
      return this.compile(source, filename, plan);
    } finally {
      ahead.done();
    }
  }

  /** The prefetcher, made at the first miss (none without a cache: the threads' work would be lost). */
  private ahead(): Prefetch.Prefetcher | null {
    const { prefetch } = this.config;
    if (!prefetch || !this.cache) return null;
    if (this.prefetcher === null) {
      const { Prefetcher } = require("./prefetch.js") as typeof Prefetch;
      const help = (filename: string) => {
        try {
          this.transformAny(readFileSync(filename, "utf8"), filename, undefined);
        } catch {
          // compiled again, and reported, when the program loads it
        }
      };
      const config = { ...this.config, prefetch: undefined };
      this.prefetcher = new Prefetcher(config, prefetch, (source, filename) => this.missing(source, filename), help);
    }
    return this.prefetcher;
  }

  /**
   * True when this loader would compile `filename` and the cache has no entry for it (under either
   * format, when its own is not known). An entry there but damaged is left to the load to find.
   */
  private missing(source: string, filename: string): boolean {
    const format = knownFormat(filename);
    const sourceHash = sha256(source);
    let compiles = false;
    for (const candidate of format === undefined ? FORMATS : [format]) {
      const plan = this.plan(source, filename, candidate, sourceHash);
      if (plan === null) continue;
      if (this.cache?.has(plan.key)) return false;
      compiles = true;
    }
    return compiles;
  }

  /** How `source` is compiled as `format`, and its cache key (null: it runs as it is). */
  private plan(source: string, filename: string, format: Format, sourceHash?: string): Plan | null {
    // Output of tsdb-instrument (or of another hook) is not instrumented twice.
    const instrumenting = this.matches(filename) && !isInstrumented(source);
    const jsx = isJsx(filename);
    if (!instrumenting && !isTypeScript(filename) && !jsx) return null;
    // TypeScript and JSX with import/export in a CommonJS package run as CommonJS, as tsx does
    // (their syntax says module, their package says commonjs): the import/export become require/exports.
    const toCommonJS = format === "commonjs" && (isTypeScript(filename) || jsx) && /^\s*(?:import|export)\b/m.test(source);
    const options = {
      mode: instrumenting ? "instrument" : "strip",
      sourceType: toCommonJS ? "unambiguous" : (sourceTypeOf(format) as "module" | "commonjs"),
      runtime: format === "module" ? RUNTIME_URL : RUNTIME_PATH,
      sourceMaps: this.sourceMaps,
      jsx: jsx ? jsxOptions(filename) : null,
      toCommonJS,
    } as const;
    const key = this.cache ? cacheKey({ source, sourceHash, filename: realPath(filename), cwd: this.cwd, options }) : "";
    return { options, instrumenting, key };
  }

  /**
   * The cached code of `key` (null: none, or its map or its tables are gone — removed by hand — and
   * stack traces or frames need them).
   */
  private hit(plan: Plan): string | null {
    const { key } = plan;
    const cached = this.cache?.get(key);
    if (cached == null) return null;
    if (mapComment(cached) !== "" && !existsSync(this.cache!.mapPath(key))) return null;
    if (plan.instrumenting && !existsSync(this.cache!.tablesPath(key))) return null;
    return cached;
  }

  private compile(source: string, filename: string, plan: Plan, cache = this.cache?.usable ? this.cache : null): Transformed {
    const { options, instrumenting, key } = plan;
    const { instrument, stripTypes, InstrumentError } = loadCompiler();
    const transforms: PluginItem[] = [];
    // By path: a file too deep for this thread's stack is instrumented in another thread, with them.
    if (options.jsx) transforms.push([require.resolve("@babel/plugin-transform-react-jsx"), options.jsx]);
    if (options.toCommonJS) transforms.push(require.resolve("@babel/plugin-transform-modules-commonjs"));
    let result: ReturnType<typeof instrument>;
    try {
      // Comments and layout only make the cached entry bigger and slower to parse (and non-ASCII
      // comments slow to decode); positions come from the map. (Code only stripped of its types keeps
      // its layout: its functions' text, as `toString` shows it, stays close to the source.)
      result = (instrumenting ? instrument : stripTypes)(source, {
        filename,
        ...options,
        sourceMaps: this.sourceMaps === "none" ? "none" : "file",
        comments: false,
        compact: instrumenting,
        transforms,
        // With a cache, the tables frames show go beside the entry, read only when a frame shows its bindings.
        ...(cache && instrumenting ? { tablesFile: cache.tablesPath(key) } : {}),
      });
    } catch (error: unknown) {
      if (error instanceof InstrumentError) throw loadError(error.message);
      if (error instanceof RangeError) throw stackOverflow(filename, error);
      throw error;
    }
    // With a cache, the map is a file beside the entry: V8 never parses it as part of the code. An
    // instrumented entry names a stand-in: the runtime reads the map when a stack trace needs it.
    if (!cache) return { code: withInlineMap(result.code, result.map) };
    const map = mapText(result.map);
    // CommonJS without `import()` may run from V8's code cache (register/code-cache.ts): a last line says so.
    const text = options.sourceType !== "module" && !result.dynamicImport ? `${result.code}\n${CODE_CACHE_MARK}` : result.code;
    const code = map === undefined ? text : `${text}${mapLine(cache.mapPath(key), instrumenting ? sha256(map) : null)}`;
    // Not stored (a full disk): the code names files that may not be there, its code table's among
    // them. Made again without the cache, everything inline.
    if (!cache.set(key, code, map, result.tables)) return this.compile(source, filename, plan, null);
    return { code, key };
  }
}

/** An entry's code as Node is given it: naming its real map where the runtime cannot answer for a stand-in (map-line.ts). */
function served(code: string): string {
  return realMapNeeded() ? withRealMap(code) : code;
}

/**
 * The map as JSON, without `sourcesContent`: the original text stays in its file (Node's stack
 * traces need the mappings only), never copied into the cache or into memory twice.
 */
function mapText(map: SourceMap | null): string | undefined {
  if (!map) return undefined;
  const { sourcesContent: _dropped, ...rest } = map;
  return JSON.stringify(rest);
}

/** The code with its map as a data URL (no cache to keep the map beside it). */
function withInlineMap(code: string, map: SourceMap | null): string {
  const text = mapText(map);
  if (text === undefined) return code;
  return `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(text).toString("base64")}\n`;
}

/** Babel ran out of stack on `filename`: say which file, and what to do. */
function stackOverflow(filename: string, error: RangeError): RangeError {
  const message = `tsdb: cannot instrument ${filename}: ${error.message} (exclude the file: TSDB_EXCLUDE)`;
  const overflow = new RangeError(message);
  overflow.stack = `RangeError: ${message}`;
  return overflow;
}

/** A SyntaxError printed as `file:line:col: reason`, the code frame, and the position as its only stack entry. */
export function loadError(message: string): SyntaxError {
  const error = new SyntaxError(message);
  const where = /^(.*?:\d+:\d+): /.exec(message);
  error.stack = `SyntaxError: ${message}${where ? `\n    at ${where[1]}` : ""}`;
  return error;
}
