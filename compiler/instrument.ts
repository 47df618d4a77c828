/**
 * `instrument(code, options)`: one file in, instrumented JavaScript and its
 * source map out. TypeScript is stripped in the same pass.
 */
import { type PluginItem, type TransformOptions, transformSync } from "@babel/core";
import { keepingErrorGlobals } from "./error-globals.js";
import { codeFrameColumns } from "@babel/code-frame";
import presetTypescript from "@babel/preset-typescript";
import { extensionFormat, isTypeScript, sourceTypeOf } from "../common/source-kinds.js";
import { ifClauseFunctions } from "./if-clause-functions.js";
import tsdbPlugin from "./plugin.js";
import { compactMap } from "./source-map.js";
import { keepMarks } from "./source-text.js";
import { BIG_STACK_MB, runOnBigStack } from "./threads.js";

export type SourceMapMode = "inline" | "file" | "none";

export interface InstrumentOptions {
  /** the file's path (absolute, or relative to the working directory); `<string>` when omitted */
  filename?: string;
  /** `inline`: a data-URL comment in the code; `file`: returned as `map` only; `none`. Default `file`. */
  sourceMaps?: SourceMapMode;
  /**
   * `module` (ESM), `commonjs`, `script` (a classic script: its top level is the realm's global scope,
   * shared with the other scripts, as for `<script>` or `vm.runInThisContext`), or `unambiguous`
   * (ESM if it imports or exports, else CommonJS); default by extension (`.cjs`: `commonjs`)
   */
  sourceType?: "module" | "commonjs" | "script" | "unambiguous";
  /** specifier the generated code imports the runtime from (default `tsdb/runtime/internal`) */
  runtime?: string;
  /** keep the source's comments in the output (default true; a load hook has no use for them) */
  comments?: boolean;
  /** no layout whitespace in the output (default false): what the load hook caches, smaller to store and to parse */
  compact?: boolean;
  /**
   * More Babel plugins for the same pass (the load hook's JSX and ES-module-to-CommonJS transforms).
   * Their `Program` exit runs after TypeScript's and tsdb's. Given as paths (`[path, options]`),
   * a file too deep for the caller's stack can still be instrumented in a thread with a bigger one.
   */
  transforms?: PluginItem[];
  /**
   * The load hook's cache: the code table and the scope and site tables (what frames show as
   * bindings) are not put in the code but returned as `tables`, to be written to this file, which
   * the header names (contract TablesBeside). Ignored for a classic script.
   */
  tablesFile?: string;
}

export interface SourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  file?: string;
  sourcesContent?: string[];
}

export interface InstrumentResult {
  code: string;
  map: SourceMap | null;
  /** the code holds an `import()` expression (the load hook then leaves its compiling to Node: register/code-cache.ts) */
  dynamicImport?: boolean;
  /** with `tablesFile`: what that file must hold */
  tables?: Uint8Array;
}

/** Babel's option for "no input map": its validation takes `false`, its published types do not. */
const NO_INPUT_MAP = { inputSourceMap: false } as unknown as TransformOptions;

/** Notes in the file's metadata whether it has an `import()` expression. */
const findDynamicImport = {
  visitor: {
    Import(_path: unknown, state: { file: { metadata: object } }) {
      (state.file.metadata as { dynamicImport?: boolean }).dynamicImport = true;
    },
  },
};

/** A file that could not be instrumented; the message reads `file:line:column: reason` and a code frame follows. */
export class InstrumentError extends Error {
  constructor(
    readonly filename: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
    readonly frame: string,
  ) {
    super(`${filename}:${line}:${column}: ${reason}${frame ? "\n" + frame : ""}`);
    this.name = "InstrumentError";
  }
}

/**
 * `stripTypes(code, options)`: TypeScript with its types removed and nothing
 * instrumented (what the load hook runs for TypeScript outside its filter).
 * Same options, same errors as `instrument`.
 */
export function stripTypes(code: string, options: InstrumentOptions = {}): InstrumentResult {
  return transform(code, options, false);
}

export function instrument(code: string, options: InstrumentOptions = {}): InstrumentResult {
  return transform(code, options, true);
}

/**
 * A file that overflows this thread's stack (Babel recurses once or more per level of nesting) is
 * instrumented again in a thread with a big stack; past that, a RangeError that says so.
 */
function transform(code: string, options: InstrumentOptions, instrumenting: boolean): InstrumentResult {
  try {
    return transformHere(code, options, instrumenting);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    if (!(options.transforms ?? []).every(crossesThreads)) throw tooDeep(false);
    try {
      return runOnBigStack({ code, options, instrumenting });
    } catch (again) {
      throw isStackOverflow(again) ? tooDeep(true) : again;
    }
  }
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && error.message.includes("Maximum call stack size exceeded");
}

/** A plugin given by path (with its options) can be sent to another thread; a function cannot. */
function crossesThreads(item: PluginItem): boolean {
  return typeof item === "string" || (Array.isArray(item) && typeof item[0] === "string");
}

function tooDeep(onBigStack: boolean): RangeError {
  const where = onBigStack
    ? `even in a thread with a ${BIG_STACK_MB} MB stack`
    : "and its plugins cannot move to a thread with a bigger stack";
  return new RangeError(`Maximum call stack size exceeded: the file nests too deeply to instrument, ${where}`);
}

/** The transform in this thread (what an instrumenting thread runs). */
export function transformHere(code: string, options: InstrumentOptions, instrumenting: boolean): InstrumentResult {
  const filename = options.filename ?? "<string>";
  const real = filename !== "<string>";
  const isTS = real && isTypeScript(filename);
  const sourceType = options.sourceType ?? (real ? sourceTypeOf(extensionFormat(filename)) : "unambiguous");
  const sourceMaps = options.sourceMaps ?? "file";
  // tsdb alone in the pass: it notes `import()` itself (plugin.ts `fresh`).
  const fresh = !isTS && !options.transforms?.length;
  let result: ReturnType<typeof transformSync>;
  try {
    result = keepingErrorGlobals(() =>
      transformSync(code, {
        filename: real ? filename : undefined,
        sourceFileName: filename,
        babelrc: false,
        configFile: false,
        sourceType: sourceType === "commonjs" ? "script" : sourceType,
        sourceMaps: sourceMaps !== "none",
        // Babel looks for a map the file names (a `sourceMappingURL` comment) by walking every node
        // twice; a text without that word names none (a 9 MB file: about a second).
        ...(code.includes("sourceMappingURL") ? {} : NO_INPUT_MAP),
        compact: options.compact ?? false,
        // Compact output keeps each statement on its source line: what V8 reports for a frame's line
        // (a CallSite's getLineNumber, which source maps do not reach) is then the program's own.
        retainLines: options.compact ?? false,
        comments: options.comments ?? true,
        shouldPrintComment: keepMarks(options.comments ?? true),
        parserOpts: {
          plugins: isTS ? [] : ["jsx"],
          allowReturnOutsideFunction: sourceType !== "module",
        },
        // Non-ASCII characters of string literals escaped: an all-ASCII output decodes and hashes much faster (register cache).
        generatorOpts: { importAttributesKeyword: "with", jsescOption: { minimal: false } },
        // Presets run last to first: the extra transforms after TypeScript's.
        presets: [
          ...(options.transforms?.length ? [{ plugins: options.transforms }] : []),
          ...(isTS ? [[presetTypescript, { allowDeclareFields: true, onlyRemoveTypeImports: true }]] : []),
        ],
        plugins: instrumenting
          ? [
              ifClauseFunctions,
              ...(fresh ? [] : [findDynamicImport]),
              [
                tsdbPlugin,
                {
                  runtime: options.runtime,
                  filename: real ? undefined : "<string>",
                  script: sourceType === "script",
                  commonjs: sourceType === "commonjs",
                  fresh,
                  compact: options.compact ?? false,
                  tablesFile: options.tablesFile,
                },
              ],
            ]
          : [ifClauseFunctions, findDynamicImport],
      }),
    );
  } catch (error) {
    throw toInstrumentError(error, code, filename);
  }
  if (!result || result.code == null) throw new InstrumentError(filename, 1, 1, "nothing was generated", "");
  // The map's source is `code` unless Babel composed it with one the file named (`inputSourceMap`).
  const raw = result.map as SourceMap | null | undefined;
  const map = raw ? compactMap(raw, result.code, raw.sources.length === 1 && raw.sources[0] === filename ? code : undefined) : null;
  const metadata = result.metadata as { dynamicImport?: boolean; tsdbTables?: Uint8Array } | undefined;
  const dynamicImport = metadata?.dynamicImport === true;
  const tables = metadata?.tsdbTables !== undefined ? { tables: metadata.tsdbTables } : {};
  if (sourceMaps === "inline" && map)
    return {
      code: `${result.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`,
      map,
      dynamicImport,
      ...tables,
    };
  return { code: result.code, map, dynamicImport, ...tables };
}

function toInstrumentError(error: unknown, code: string, filename: string): Error {
  const e = error as { loc?: { line: number; column: number }; message?: string };
  if (!e || typeof e !== "object" || !e.loc) return error as Error;
  const { line, column } = e.loc;
  // Babel's message is "<file>: <reason> (l:c)" followed by its own frame: keep the reason only.
  let reason = String(e.message ?? "").split("\n")[0];
  for (const prefix of [filename + ": ", "unknown file: "]) if (reason.startsWith(prefix)) reason = reason.slice(prefix.length);
  reason = reason.replace(/\s*\(\d+:\d+\)\s*$/, "");
  const frame = codeFrameColumns(code, { start: { line, column: column + 1 } }, { highlightCode: false });
  return new InstrumentError(filename, line, column + 1, reason, frame);
}
