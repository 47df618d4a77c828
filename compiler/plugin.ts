/**
 * The Babel plugin: `plugins: ["tsdb/compiler"]`. Instruments each file at
 * `Program` exit, once the other plugins of the same pass (TypeScript's among
 * them) have turned their syntax into JavaScript.
 */
import type { PluginObj, PluginPass } from "@babel/core";
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
   * parsed the file still hold, and are not made again (a 9 MB file: seconds).
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
  return {
    name: "tsdb",
    visitor: {
      Program: {
        exit(program, state) {
          const filename = options.filename ?? (state.filename ? path.resolve(state.filename) : "<string>");
          const tables = instrumentProgram(program, {
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
          if (tables !== null) (state.file.metadata as { tsdbTables?: Uint8Array }).tsdbTables = tables;
        },
      },
    },
  };
}
