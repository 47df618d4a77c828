/**
 * Which files `tsdb/register` and `tsdb-instrument` instrument, and the facts
 * about this package (its root, version, runtime) both need.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { minimatch } from "minimatch";

/** The package root: `dist/compiler/config.js` → two levels up. */
export const PACKAGE_ROOT = resolve(__dirname, "..", "..");
/** Absolute path of the runtime instrumented code loads (CommonJS, one instance for all). */
export const RUNTIME_PATH = join(PACKAGE_ROOT, "dist", "runtime", "index.js");
/** The same runtime as a `file:` URL, for ES modules. */
export const RUNTIME_URL = pathToFileURL(RUNTIME_PATH).href;

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

/** Extensions that hold source code tsdb instruments. */
export const SOURCE_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"];
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const TS = /\.(?:[cm]?ts|tsx)$/;

/** True for a file with a source extension (declaration files `.d.ts` are not source). */
export function isSourceFile(filename: string): boolean {
  return SOURCE.test(filename) && !/\.d\.[cm]?ts$/.test(filename);
}

/** True for TypeScript (`.ts`, `.tsx`, `.mts`, `.cts`). */
export function isTypeScript(filename: string): boolean {
  return TS.test(filename);
}

export interface FilterOptions {
  /** minimatch globs relative to `cwd`; default every file under `cwd` */
  include?: readonly string[];
  /** minimatch globs relative to `cwd`; `node_modules` is always excluded unless an include pattern names it */
  exclude?: readonly string[];
  /** the directory globs are relative to; default `process.cwd()` */
  cwd?: string;
}

export interface ResolvedFilter {
  include: string[];
  exclude: string[];
  cwd: string;
}

export const DEFAULT_INCLUDE = ["**/*"];

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  throw new Error(`tsdb: ${where} must be a string or an array of strings`);
}

/**
 * The include/exclude lists in effect: explicit options first, then
 * `TSDB_INCLUDE`/`TSDB_EXCLUDE`, then the `"tsdb"` key of `<cwd>/package.json`,
 * then the default (everything under cwd).
 */
export function resolveFilter(options: FilterOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedFilter {
  const cwd = resolve(options.cwd ?? process.cwd());
  let pkg: { include?: unknown; exclude?: unknown } = {};
  const pkgFile = join(cwd, "package.json");
  if (existsSync(pkgFile)) {
    try {
      const json = JSON.parse(readFileSync(pkgFile, "utf8"));
      if (json && typeof json.tsdb === "object" && json.tsdb) pkg = json.tsdb;
    } catch {
      // an unreadable package.json is Node's problem to report, not ours
    }
  }
  const include =
    options.include?.slice() ??
    (env.TSDB_INCLUDE ? splitList(env.TSDB_INCLUDE) : undefined) ??
    stringList(pkg.include, `"tsdb.include" in ${pkgFile}`) ??
    DEFAULT_INCLUDE;
  const exclude =
    options.exclude?.slice() ??
    (env.TSDB_EXCLUDE ? splitList(env.TSDB_EXCLUDE) : undefined) ??
    stringList(pkg.exclude, `"tsdb.exclude" in ${pkgFile}`) ??
    [];
  return { include, exclude, cwd };
}

/** A predicate over absolute file names for a resolved filter. tsdb's own files never match. */
export function makeMatcher(filter: ResolvedFilter): (filename: string) => boolean {
  const opts = { dot: true };
  const include = filter.include.map((p) => minimatch.filter(p, opts));
  const exclude = filter.exclude.map((p) => minimatch.filter(p, opts));
  const namesNodeModules = filter.include.some((p) => p.includes("node_modules"));
  // tsdb itself (its build and its dependencies) is never instrumented.
  const own = [join(PACKAGE_ROOT, "dist") + sep, join(PACKAGE_ROOT, "node_modules") + sep];
  const cache = new Map<string, boolean>();
  return (filename: string) => {
    let hit = cache.get(filename);
    if (hit !== undefined) return hit;
    hit = false;
    if (!own.some((dir) => filename.startsWith(dir))) {
      const rel = isAbsolute(filename) ? relative(filter.cwd, filename).split(sep).join("/") : filename;
      const inNodeModules = /(^|\/)node_modules\//.test(rel);
      if ((!inNodeModules || namesNodeModules) && include.some((m) => m(rel)) && !exclude.some((m) => m(rel))) {
        hit = true;
      }
    }
    cache.set(filename, hit);
    return hit;
  };
}

/** `"module"` or `"commonjs"`, from the `type` of the nearest package.json (undefined when none says). */
export function packageType(filename: string): "module" | "commonjs" | undefined {
  let dir = dirname(filename);
  for (;;) {
    const file = join(dir, "package.json");
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
