/**
 * The Babel plugin: `plugins: ["tsdb/compiler"]`. Instruments each file at
 * `Program` exit, once the other plugins of the same pass (TypeScript's among
 * them) have turned their syntax into JavaScript; alone in its pass (`fresh`),
 * at `Program` entry, and the pass walks no further (see `fresh`).
 */
import type { NodePath, PluginObj, PluginPass } from "@babel/core";
import type * as T from "@babel/types";
import * as path from "node:path";
import { instrumentProgram } from "./program.js";

export interface PluginOptions {
  /** specifier the generated code imports the runtime from (default `tsdb/runtime/internal`) */
  runtime?: string;
  /** the name `Code.filename` reports, when it is not the file Babel was given */
  filename?: string;
  /**
   * The file is a classic script (`<script>`, `vm.runInThisContext`): its top level is the realm's
   * global scope, shared with the other scripts, so tsdb's names in it are made unique to it.
   * Not for CommonJS (each module has its own scope) nor ES modules.
   */
  script?: boolean;
  /**
   * The file is known to be CommonJS (the load hook's CommonJS files, `sourceType: "commonjs"`): its
   * top-level functions are the module's own even when its name ends in `.js`.
   */
  commonjs?: boolean;
  /**
   * No other plugin or preset is in the pass (what `instrument()` knows): the scopes Babel made when it
   * parsed the file still hold, and are not made again (a 9 MB file: seconds). The file is then
   * instrumented at `Program` entry and the pass's own walk of it skipped: tsdb's walks see every
   * node, and the pass's would visit them all for nothing (typescript.js: a second).
   * `metadata.dynamicImport` is set when the file has an `import()`.
   */
  fresh?: boolean;
  /** the output is printed compact (Babel's `compact`): a site's reload is then written as an object pattern */
  compact?: boolean;
  /**
   * Keep the code table and the scope and site tables in this file instead of the header (not for a
   * classic script): the header names it with the digests of what it must hold (contract
   * TablesBeside), and the pass's `metadata.tsdbTables` is that, for the caller to write there (the load hook's cache).
   */
  tablesFile?: string;
}

export const DEFAULT_RUNTIME = "tsdb/runtime/internal";

/** `Code.module`: the path relative to the working directory, with `/` separators. */
export function moduleName(filename: string): string {
  if (!path.isAbsolute(filename)) return filename;
  return path.relative(process.cwd(), filename).split(path.sep).join("/");
}

export default function tsdbPlugin(_api: unknown, options: PluginOptions = {}): PluginObj<PluginPass> {
  const run = (program: NodePath<T.Program>, state: PluginPass) => {
    const filename = options.filename ?? (state.filename ? path.resolve(state.filename) : "<string>");
    const { beside, dynamicImport } = instrumentProgram(program, {
      filename,
      module: moduleName(filename),
      runtime: options.runtime ?? DEFAULT_RUNTIME,
      source: state.file.code,
      script: options.script === true,
      commonjs: options.commonjs === true,
      fresh: options.fresh === true,
      compact: options.compact === true,
      tablesFile: options.tablesFile ?? null,
    });
    const metadata = state.file.metadata as { tsdbTables?: Uint8Array; dynamicImport?: boolean };
    if (beside !== null) metadata.tsdbTables = beside;
    if (dynamicImport) metadata.dynamicImport = true;
  };
  return {
    name: "tsdb",
    visitor: {
      Program: {
        enter(program, state) {
          if (options.fresh !== true) return;
          run(program, state);
          program.skip();
        },
        exit(program, state) {
          if (options.fresh !== true) run(program, state);
        },
      },
    },
  };
}
