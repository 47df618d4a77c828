/**
 * What `tsdb/register` does to one file as Node loads it: instrument it (when
 * the include/exclude filter says so), or only strip its types (TypeScript
 * outside the filter still has to run), through the on-disk cache. Used by
 * both the CommonJS hook (main thread) and the ES module hooks (their thread).
 */
import type * as BabelCore from "@babel/core";
import type * as CodeFrame from "@babel/code-frame";
import type * as BabelParser from "@babel/parser";
import type * as Instrument from "./instrument.js";
import { cacheKey, DiskCache } from "./cache.js";
import { isTypeScript, makeMatcher, packageType, resolveFilter, RUNTIME_PATH, RUNTIME_URL, type FilterOptions } from "./config.js";

// The compiler is loaded on the first cache miss only: a run served from the
// cache never pays for loading Babel.
let compiler:
  | { babel: typeof BabelCore; codeFrame: typeof CodeFrame; instrument: typeof Instrument; presetTypescript: unknown }
  | undefined;
function interop(m: { default?: unknown }): unknown {
  return m && typeof m === "object" && "default" in m ? m.default : m;
}
function load() {
  return (compiler ??= {
    babel: require("@babel/core"),
    codeFrame: require("@babel/code-frame"),
    instrument: require("./instrument.js"),
    presetTypescript: interop(require("@babel/preset-typescript")),
  });
}

export interface LoaderConfig extends FilterOptions {
  /** the cache directory, or null for no cache */
  cacheDir: string | null;
  /** `inline` (default): stack traces under `--enable-source-maps` show original positions */
  sourceMaps?: "inline" | "none";
}

export type Format = "module" | "commonjs";

/** The header every instrumented file starts with: the runtime's `file(...)` call. */
const ALREADY_INSTRUMENTED = /\$t\d*\$T\.file\("/;

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
    const instrumenting = this.matches(filename) && !ALREADY_INSTRUMENTED.test(source.slice(0, 4096));
    if (!instrumenting && !isTypeScript(filename)) return source;
    const options = {
      mode: instrumenting ? "instrument" : "strip",
      sourceType: format === "module" ? "module" : "script",
      runtime: format === "module" ? RUNTIME_URL : RUNTIME_PATH,
      sourceMaps: this.sourceMaps,
    } as const;
    const key = this.cache ? cacheKey({ source, filename, cwd: this.cwd, options }) : "";
    const cached = this.cache?.get(key);
    if (cached != null) return cached;
    const code = instrumenting
      ? instrumentForLoad(source, filename, options)
      : stripTypes(source, filename, options.sourceType, this.sourceMaps);
    this.cache?.set(key, code);
    return code;
  }
}

function instrumentForLoad(
  source: string,
  filename: string,
  options: { sourceType: "module" | "script"; runtime: string; sourceMaps: "inline" | "none" },
): string {
  const { instrument, InstrumentError } = load().instrument;
  try {
    // Comments only make the cached entry bigger (and non-ASCII ones make it slow to decode).
    return instrument(source, {
      filename,
      sourceType: options.sourceType,
      runtime: options.runtime,
      sourceMaps: options.sourceMaps,
      comments: false,
    }).code;
  } catch (error: unknown) {
    if (error instanceof InstrumentError) throw loadError((error as Error).message);
    throw error;
  }
}

/** TypeScript outside the filter: types removed, nothing instrumented. */
function stripTypes(source: string, filename: string, sourceType: "module" | "script", sourceMaps: "inline" | "none"): string {
  const { babel, codeFrame, presetTypescript } = load();
  try {
    const result = babel.transformSync(source, {
      filename,
      babelrc: false,
      configFile: false,
      sourceType,
      sourceMaps: sourceMaps === "inline" ? "inline" : false,
      parserOpts: { allowReturnOutsideFunction: sourceType === "script" },
      generatorOpts: { importAttributesKeyword: "with" },
      presets: [[presetTypescript, { allowDeclareFields: true, onlyRemoveTypeImports: true }]],
    });
    return result?.code ?? "";
  } catch (error) {
    const e = error as { loc?: { line: number; column: number }; message?: string };
    if (!e?.loc) throw error;
    const reason = String(e.message ?? "")
      .split("\n")[0]
      .replace(/^.*?: (?=[A-Z])/, "")
      .replace(/\s*\(\d+:\d+\)\s*$/, "");
    const frame = codeFrame.codeFrameColumns(source, { start: { line: e.loc.line, column: e.loc.column + 1 } }, { highlightCode: false });
    throw loadError(`${filename}:${e.loc.line}:${e.loc.column + 1}: ${reason}\n${frame}`);
  }
}

/** A SyntaxError printed as `file:line:col: reason`, the code frame, and the position as its only stack entry. */
export function loadError(message: string): SyntaxError {
  const error = new SyntaxError(message);
  const where = /^(.*?:\d+:\d+): /.exec(message);
  error.stack = `SyntaxError: ${message}${where ? `\n    at ${where[1]}` : ""}`;
  return error;
}

/**
 * The module format of a file Node did not decide for us, decided as Node
 * does: `.mjs`/`.mts` module, `.cjs`/`.cts` CommonJS, otherwise the nearest
 * package.json `type`; with no `type`, the file's own syntax (import/export →
 * module, Node's module syntax detection).
 */
export function detectFormat(filename: string, source: string): Format {
  if (/\.m[jt]s$/.test(filename)) return "module";
  if (/\.c[jt]s$/.test(filename)) return "commonjs";
  const type = packageType(filename);
  if (type) return type;
  // Cheap test first: no line starting with import/export, no ES module syntax.
  if (!/^\s*(?:import|export)\b/m.test(source)) return "commonjs";
  try {
    const { parse } = require("@babel/parser") as typeof BabelParser;
    const ast = parse(source, {
      sourceType: "unambiguous",
      allowReturnOutsideFunction: true,
      errorRecovery: true,
      plugins: isTypeScript(filename) ? (filename.endsWith(".tsx") ? ["typescript", "jsx"] : ["typescript"]) : ["jsx"],
    });
    return ast.program.sourceType === "module" ? "module" : "commonjs";
  } catch {
    return "commonjs";
  }
}
