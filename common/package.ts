/** Facts about this package that the hook, the CLI and the debugger need: where it is, its version, its runtime. */
import { readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { realPath } from "./real-path.js";

/** The package root: `dist/common/package.js` → two levels up. */
export const PACKAGE_ROOT = resolve(__dirname, "..", "..");
/** Absolute path of the runtime entry instrumented code loads (CommonJS, one instance for all). */
export const RUNTIME_PATH = join(PACKAGE_ROOT, "dist", "runtime", "internal.js");
/** The same runtime as a `file:` URL, for ES modules. */
export const RUNTIME_URL = pathToFileURL(RUNTIME_PATH).href;

let ownDirs: string[] | undefined;
/** True for a file of tsdb itself, its build or its dependencies (never instrumented, never the program's), given its real path. */
export function isOwnFile(file: string): boolean {
  if (ownDirs === undefined) {
    const root = realPath(PACKAGE_ROOT);
    ownDirs = [join(root, "dist") + sep, join(root, "node_modules") + sep];
  }
  return ownDirs.some((dir) => file.startsWith(dir));
}

let version: string | undefined;
/** tsdb's version, from its package.json. */
export function tsdbVersion(): string {
  if (version === undefined) {
    try {
      version = String(JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")).version ?? "0.0.0");
    } catch {
      version = "0.0.0";
    }
  }
  return version;
}

/** `globalThis[Symbol.for(DEBUGGER_PROCESS)]` is set in the `tsdb` command's process: tsdb/register then listens for no debugger. */
export const DEBUGGER_PROCESS = "tsdb.debugger";
