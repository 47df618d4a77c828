/**
 * Source kinds, written once: which files hold code tsdb handles, which are
 * TypeScript, the module format Node gives a file, and the names TypeScript
 * sources and their outputs go by.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, sep } from "node:path";
import type * as BabelParser from "@babel/parser";

/** The module format Node runs a file as. */
export type Format = "module" | "commonjs";

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DECLARATION = /\.d\.[cm]?ts$/;
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

/** True for a file with a source extension (declaration files `.d.ts` are not source). */
export function isSourceFile(filename: string): boolean {
  return SOURCE.test(filename) && !DECLARATION.test(filename);
}

/** True for TypeScript (`.ts`, `.tsx`, `.mts`, `.cts`). */
export function isTypeScript(filename: string): boolean {
  return TYPESCRIPT.test(filename);
}

/** True for JSX files (`.jsx`, `.tsx`): the load hook compiles their JSX. */
export function isJsx(filename: string): boolean {
  return filename.endsWith(".jsx") || filename.endsWith(".tsx");
}

/** The parser plugins for a file's language: TypeScript (with JSX for `.tsx`) or JavaScript with JSX. */
export function parserPlugins(filename: string): ("typescript" | "jsx")[] {
  if (!isTypeScript(filename)) return ["jsx"];
  return filename.endsWith(".tsx") ? ["typescript", "jsx"] : ["typescript"];
}

/** The format the extension alone decides: `.mjs`/`.mts` module, `.cjs`/`.cts` CommonJS, otherwise undefined. */
export function extensionFormat(filename: string): Format | undefined {
  if (/\.m[jt]s$/.test(filename)) return "module";
  if (/\.c[jt]s$/.test(filename)) return "commonjs";
  return undefined;
}

/** `"module"` or `"commonjs"`, from the `type` of the nearest package.json (undefined when none says). */
export function packageType(filename: string): Format | undefined {
  let dir = dirname(filename);
  for (;;) {
    // (concatenated: Node's join uses the program's Array.prototype.push, and this runs in its require())
    const file = dir.endsWith(sep) ? `${dir}package.json` : `${dir}${sep}package.json`;
    if (existsSync(file)) {
      try {
        const type = JSON.parse(readFileSync(file, "utf8")).type;
        return type === "module" ? "module" : type === "commonjs" ? "commonjs" : undefined;
      } catch {
        return undefined;
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Babel's `sourceType` for a format (undefined: let the parser decide). */
export function sourceTypeOf(format: Format | undefined): "module" | "commonjs" | "unambiguous" {
  return format === "module" ? "module" : format === "commonjs" ? "commonjs" : "unambiguous";
}

/**
 * Parses a file's text in its language as leniently as Babel allows (either module format, a
 * top-level return, errors recovered): for reading what a file holds, not for running it.
 * Babel's parser is loaded on the first use only (it costs startup time).
 */
export function parseLoosely(source: string, filename: string): ReturnType<typeof BabelParser.parse> {
  const { parse } = require("@babel/parser") as typeof BabelParser;
  return parse(source, {
    sourceType: "unambiguous",
    allowReturnOutsideFunction: true,
    errorRecovery: true,
    plugins: parserPlugins(filename),
  });
}

/** A line starting with what may be an import or export declaration, or `import.meta` anywhere. */
const MAYBE_MODULE_SYNTAX = /^\s*(?:import\b\s*[\w$*{"'.]|export\b\s*[\w$*{])|\bimport\s*\.\s*meta\b/m;

/**
 * The module format of a file, decided as Node does: the extension, otherwise
 * the nearest package.json `type`; with no `type`, the file's own syntax
 * (import/export → module, Node's module syntax detection).
 */
export function detectFormat(filename: string, source: string): Format {
  return knownFormat(filename) ?? syntaxFormat(filename, source);
}

/** The module format the file's extension or its package.json says (undefined: its syntax decides). */
export function knownFormat(filename: string): Format | undefined {
  return extensionFormat(filename) ?? packageType(filename);
}

/** The module format of a file whose extension and package.json say none: its syntax's. */
export function syntaxFormat(filename: string, source: string): Format {
  // Cheap test first: no line starting with an import or export declaration and no `import.meta`,
  // no ES module syntax (an `import:`/`export:` property or label, `import(...)` do not count).
  if (!MAYBE_MODULE_SYNTAX.test(source)) return "commonjs";
  try {
    return parseLoosely(source, filename).program.sourceType === "module" ? "module" : "commonjs";
  } catch {
    return "commonjs";
  }
}

/**
 * Where a TypeScript source may be for a specifier that did not resolve, as
 * `tsc` users write them: `./x.js` → `./x.ts`/`./x.tsx`, `./x.mjs` → `./x.mts`,
 * `./x.cjs` → `./x.cts`, `./x.jsx` → `./x.tsx`, `./x` → `./x.ts`/`./x.tsx`.
 * Only for relative, absolute and `file:` specifiers.
 */
export function typeScriptAlternatives(specifier: string): string[] {
  if (!/^(?:\.{1,2}\/|\/|file:)/.test(specifier) && !/^[A-Za-z]:[\\/]/.test(specifier)) return [];
  const m = /^(.*?)(\.[cm]?js|\.jsx)?([?#].*)?$/.exec(specifier);
  if (!m) return [];
  const [, base, ext, suffix = ""] = m;
  switch (ext) {
    case ".js":
      return [`${base}.ts${suffix}`, `${base}.tsx${suffix}`];
    case ".jsx":
      return [`${base}.tsx${suffix}`];
    case ".mjs":
      return [`${base}.mts${suffix}`];
    case ".cjs":
      return [`${base}.cts${suffix}`];
    default:
      return /\/[^/.]*$|^[^/.]*$/.test(base) ? [`${base}.ts${suffix}`, `${base}.tsx${suffix}`] : [];
  }
}

/** The JavaScript name of a source: `x.ts` → `x.js`, `x.mts` → `x.mjs`, `x.cts` → `x.cjs`, `x.tsx` → `x.jsx`. */
export function outputName(name: string): string {
  return name.replace(/\.([cm]?)ts$/, ".$1js").replace(/\.tsx$/, ".jsx");
}
