/**
 * Which files the debugger instruments, and how a file is loaded (CommonJS or
 * ES module). Shared by the CommonJS hook (main thread) and the ES module
 * hooks (loader thread).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";

/** Extensions whose files hold code tsdb instruments. */
export const SOURCE_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"];
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const TS = /\.(?:[cm]?ts|tsx)$/;

/** The package root (`dist/debugger/*.js` → two levels up). */
export const PACKAGE_ROOT = resolve(__dirname, "..", "..");
/** The runtime every instrumented file imports: one instance for the whole process. */
export const RUNTIME_PATH = join(PACKAGE_ROOT, "dist", "runtime", "index.js");

export function isTypeScript(filename: string): boolean {
  return TS.test(filename);
}

/** True for a file the debugger instruments: source code outside node_modules and outside tsdb's own build. */
export function wanted(filename: string): boolean {
  if (!SOURCE.test(filename) || /\.d\.[cm]?ts$/.test(filename)) return false;
  if (filename.split(sep).includes("node_modules")) return false;
  if (filename.startsWith(join(PACKAGE_ROOT, "dist") + sep)) return false;
  return true;
}

/** `type` of the package.json that governs `filename` (`commonjs` when there is none). */
export function packageType(filename: string): "module" | "commonjs" {
  let dir = dirname(filename);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        return JSON.parse(readFileSync(pkg, "utf8")).type === "module" ? "module" : "commonjs";
      } catch {
        return "commonjs";
      }
    }
    const up = dirname(dir);
    if (up === dir) return "commonjs";
    dir = up;
  }
}

/** Rough test for ES module syntax (static import/export, top-level await is not looked for). */
export function hasModuleSyntax(source: string): boolean {
  return /^\s*(?:import\s*[\w{*'"]|export\s+(?:\*|\{|default|const|let|var|function|class|async|type|interface|enum|declare|abstract))/m.test(source);
}

/**
 * How Node should load the file: `.mjs`/`.mts` are modules, `.cjs`/`.cts`
 * CommonJS, the others follow the nearest package.json `type`; TypeScript
 * files (and plain scripts) in a package without a type are modules when
 * they use import/export.
 */
export function formatOf(filename: string, source?: string): "module" | "commonjs" {
  if (/\.m[jt]s$/.test(filename)) return "module";
  if (/\.c[jt]s$/.test(filename)) return "commonjs";
  if (packageType(filename) === "module") return "module";
  if (source === undefined) {
    try {
      source = readFileSync(filename, "utf8");
    } catch {
      return "commonjs";
    }
  }
  return hasModuleSyntax(source) ? "module" : "commonjs";
}
