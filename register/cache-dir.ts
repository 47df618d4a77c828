/**
 * Where the on-disk cache lives and whether it can be trusted. The cache holds
 * code that runs, so a directory another user could have written is never
 * used: tsdb trusts only a directory it owns that nobody else can write, inside
 * directories that only it or root can change (or sticky ones, like /tmp).
 */
import { existsSync, lstatSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";

/** The nearest directory from `cwd` up that holds a package.json, or undefined. */
export function projectRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The default cache directory, as `@babel/register` and nyc place theirs:
 * `$TSDB_CACHE_DIR` (relative to `cwd`); else `node_modules/.cache/tsdb` in the
 * project root (the nearest directory holding package.json) when that root has
 * a `node_modules` already; else the user's cache folder (`$XDG_CACHE_HOME/tsdb`
 * or `~/.cache/tsdb`). No `node_modules` is ever created for it.
 */
export function defaultCacheDir(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSDB_CACHE_DIR) return resolve(cwd, env.TSDB_CACHE_DIR);
  const root = projectRoot(cwd);
  if (root !== undefined && statOrNull(join(root, "node_modules"))?.isDirectory()) return join(root, "node_modules", ".cache", "tsdb");
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "tsdb");
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

const uid = () => process.getuid?.() ?? -1;
const STICKY = 0o1000;

/** Why `dir` (an existing directory) must not hold the cache, or null when it may. */
function untrusted(dir: string, self: boolean): string | null {
  const st = lstatSync(dir);
  if (!st.isDirectory()) return `${dir} is not a directory`;
  const me = uid();
  if (me < 0) return null; // Windows: no owners to compare
  if (self) {
    if (st.uid !== me) return `${dir} belongs to another user (uid ${st.uid})`;
    if (st.mode & 0o022) return `${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)})`;
    return null;
  }
  // A parent: anyone who can rename entries in it could swap the cache directory for theirs.
  if (st.uid !== me && st.uid !== 0) return `${dir} belongs to another user (uid ${st.uid})`;
  if (st.mode & 0o022 && !(st.mode & STICKY)) return `${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/**
 * Makes the cache directory (0700, parents too) where missing and checks that
 * it can be trusted: returns null when it can, otherwise what is wrong
 * (the message says whether creating or checking failed).
 */
export function prepareCacheDir(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return `cannot create ${dir}: ${(error as Error).message}`;
  }
  try {
    const real = realpathSync(dir);
    const own = untrusted(real, true);
    if (own) return own;
    for (let parent = dirname(real); ; parent = dirname(parent)) {
      const reason = untrusted(parent, false);
      if (reason) return reason;
      if (dirname(parent) === parent) return null;
    }
  } catch (error) {
    return `cannot check ${dir}: ${(error as Error).message}`;
  }
}

/** True when a cache file with these stats was written by this user and nobody else can change it. */
export function trustedEntry(st: { uid: number; mode: number }): boolean {
  const me = uid();
  return me < 0 || (st.uid === me && (st.mode & 0o022) === 0);
}
