/** Which files `tsdb/register` (and the debugger) instrument: the include/exclude settings and their matcher. */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type * as Minimatch from "minimatch";
import { isOwnFile } from "../common/package.js";
import { realPath } from "../common/real-path.js";

export interface FilterOptions {
  /** minimatch globs relative to `cwd`; default every file under `cwd` */
  include?: readonly string[];
  /** minimatch globs relative to `cwd`; `node_modules` is always excluded unless an include pattern names it */
  exclude?: readonly string[];
  /** the directory globs are relative to; default `process.cwd()` */
  cwd?: string;
  /** absolute paths instrumented whatever the globs say (the debugger's breakpoints in files outside them) */
  files?: readonly string[];
}

export interface ResolvedFilter {
  include: string[];
  exclude: string[];
  cwd: string;
  files?: string[];
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
  const pkgFile = join(cwd, "package.json");
  const pkg = packageSettings(cwd) ?? {};
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
  return options.files?.length ? { include, exclude, cwd, files: options.files.slice() } : { include, exclude, cwd };
}

/** The `"tsdb"` key of `<cwd>/package.json`, or undefined. */
function packageSettings(cwd: string): { include?: unknown; exclude?: unknown } | undefined {
  const pkgFile = join(cwd, "package.json");
  if (!existsSync(pkgFile)) return undefined;
  try {
    const json = JSON.parse(readFileSync(pkgFile, "utf8"));
    return json && typeof json.tsdb === "object" && json.tsdb ? json.tsdb : undefined;
  } catch {
    // an unreadable package.json is Node's problem to report, not ours
    return undefined;
  }
}

/** True when the user chose what to instrument (`TSDB_INCLUDE`/`TSDB_EXCLUDE` or package.json), not the default. */
export function filterConfigured(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.TSDB_INCLUDE || env.TSDB_EXCLUDE || packageSettings(cwd));
}

/** Segments `**` never matches (minimatch, even with `dot`). */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * A minimatch predicate for `pattern` (dot files included). The default `**` + `/*` matches
 * every non-empty path without a `.` or `..` segment: minimatch is loaded (10–40 ms, on the
 * main thread and on the ES module hooks thread) only for other patterns and other paths.
 */
function glob(pattern: string): (path: string) => boolean {
  let match: ((path: string) => boolean) | null = null;
  let loading = false;
  const full = (path: string) => {
    if (match === null) {
      // Loading minimatch runs the require hook on minimatch's own files, and they can come here
      // (npm hoists it beside the program's packages, outside tsdb's folder): they are tsdb's, not
      // the program's, and a `require` of the module still loading would return it half made.
      if (loading) return false;
      loading = true;
      try {
        // One Minimatch per pattern: `minimatch.filter` parses the pattern again for every path.
        const matcher = new (require("minimatch") as typeof Minimatch).Minimatch(pattern, { dot: true });
        match = (path) => matcher.match(path);
      } finally {
        loading = false;
      }
    }
    return match(path);
  };
  if (pattern !== "**/*") return full;
  return (path) => (path !== "" && !DOT_SEGMENT.test(path)) || full(path);
}

/**
 * A predicate over absolute file names for a resolved filter. Globs match the
 * file's real path relative to the real working directory, so a link into
 * `node_modules` or into an excluded folder is judged by where it leads.
 * tsdb's own files never match.
 */
export function makeMatcher(filter: ResolvedFilter): (filename: string) => boolean {
  const include = filter.include.map(glob);
  const exclude = filter.exclude.map(glob);
  const namesNodeModules = filter.include.some((p) => p.includes("node_modules"));
  const cwd = realPath(filter.cwd);
  const cache = new Map<string, boolean>();
  const files = new Set(filter.files ?? []);
  return (filename: string) => {
    let hit = cache.get(filename);
    if (hit !== undefined) return hit;
    hit = false;
    const file = isAbsolute(filename) ? realPath(filename) : filename;
    const ours = isOwnFile(file);
    if (!ours && (files.has(filename) || files.has(file))) hit = true;
    else if (!ours) {
      const rel = isAbsolute(file) ? relative(cwd, file).split(sep).join("/") : file;
      const inNodeModules = /(^|\/)node_modules\//.test(rel);
      if ((!inNodeModules || namesNodeModules) && include.some((m) => m(rel)) && !exclude.some((m) => m(rel))) {
        hit = true;
      }
    }
    cache.set(filename, hit);
    return hit;
  };
}
