/**
 * The on-disk cache of instrumented files. An entry is keyed by a hash of the
 * source text, the file's real path, the working directory (both end up in
 * the output), the instrumenting options, tsdb's version, a fingerprint of the
 * compiler that is running and the versions of the Babel packages it uses.
 *
 * What it trusts: only a directory this user owns and no one else can write
 * (cache-dir.ts), and in it only files this user owns and no one else can
 * write. An entry's first line holds its key and a checksum of key and body:
 * an entry copied under another key (made from another file) or cut short is
 * never used. An entry's source map is a file beside it (`<key>.map`, named by the
 * entry's last line): Node reads it, not V8's parser, and only while source maps
 * are on. The code table and the scope and site tables of an instrumented file (what its Codes
 * and frames show) are another (`<key>.tables`, deflated), which the entry's header names with their
 * digests: the runtime reads each part when a Code is first asked for, or a frame first shows its bindings. Entries are written whole to a temporary file, flushed, and
 * renamed into place (0600, in 0700 folders), so a reader (another process
 * included) sees a whole entry or none. The total size is bounded: past it the
 * entries least recently used are removed. Beside an entry of CommonJS code, V8's code cache for it
 * (`<key>.v8`, register/code-cache.ts): bytecode V8 runs without checking it against the text, so
 * it is read under the same rules, and its header names its entry's key with a checksum of both.
 */
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import { WriteError, writeFileAtomic } from "../common/atomic-write.js";
import { join, normalize, sep } from "node:path";
import { PACKAGE_ROOT, tsdbVersion } from "../common/package.js";
import { prepareCacheDir, trustedEntry } from "./cache-dir.js";

export { defaultCacheDir } from "./cache-dir.js";

const MAGIC = "tsdb-cache-2";
const CODE_MAGIC = "tsdb-v8-1";
/** Default bound on the cache's total size. */
export const CACHE_MAX_BYTES = 256 * 1024 * 1024;
/** A hit on an entry older than this refreshes its time, for eviction. */
const TOUCH_AFTER_MS = 24 * 3600 * 1000;

/** How much of a text `sha256` encodes at a time. */
const HASH_CHUNK = 1 << 16;

/**
 * The sha256 of `text` in UTF-8, given to the hash a slice at a time: a big source as one string was
 * encoded into a buffer of three bytes per character first (for _tsc.js 18 MB of fresh memory,
 * 30–40 ms of a warm start, bench/FINDINGS.md §35); a slice's buffer is reused. A slice never ends
 * between the halves of a surrogate pair (each alone would be encoded as U+FFFD): the same digest.
 */
export function sha256(text: string): string {
  const hash = createHash("sha256");
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + HASH_CHUNK, text.length);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end = Math.min(end + 1, text.length);
    hash.update(text.slice(start, end));
    start = end;
  }
  return hash.digest("hex");
}

/** The built files whose code decides what the transform outputs (the CLI and the debugger do not). */
const TRANSFORM_FILES = ["compiler", "contract", "common/source-kinds.js", "register/loader.js", "register/jsx-config.js"];
/** The packages whose code the transform runs: their versions are part of the key. */
const TRANSFORM_PACKAGES = [
  "@babel/core",
  "@babel/parser",
  "@babel/traverse",
  "@babel/generator",
  "@babel/types",
  "@babel/preset-typescript",
  "@babel/plugin-transform-typescript",
  "@babel/plugin-transform-react-jsx",
  "@babel/plugin-transform-modules-commonjs",
];

/**
 * The version of an installed package, or "?": the package.json in the first `node_modules` folder
 * that has the package, looked for where `require` looks (without resolving its main file and
 * exports, which costs milliseconds at every start).
 */
function packageVersion(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    let text: string;
    try {
      text = readFileSync(join(dir, name, "package.json"), "utf8");
    } catch {
      continue; // not in this folder
    }
    try {
      return String((JSON.parse(text) as { version?: unknown }).version);
    } catch {
      return "?";
    }
  }
  return "?"; // not installed: "?" is a version like any other
}

/** `name@version` of each package the transform runs. */
export function transformVersions(): string[] {
  return TRANSFORM_PACKAGES.map((name) => `${name}@${packageVersion(name)}`);
}

let fingerprint: string | undefined;
/**
 * A hash of the transform's built files and of the Babel packages' versions, so
 * that rebuilding tsdb or updating Babel invalidates entries even without a version bump.
 */
export function compilerFingerprint(): string {
  if (fingerprint === undefined) {
    const hash = createHash("sha256");
    for (const version of transformVersions()) hash.update(`${version}\n`);
    const dist = join(PACKAGE_ROOT, "dist");
    try {
      for (const entry of TRANSFORM_FILES) {
        const path = join(dist, entry);
        const names = entry.endsWith(".js")
          ? [path]
          : readdirSync(path)
              .sort()
              .map((name) => join(path, name));
        for (const file of names) if (file.endsWith(".js")) hash.update(file.slice(dist.length)).update(readFileSync(file));
      }
    } catch {
      // not built the usual way: the versions alone decide
    }
    fingerprint = hash.digest("hex").slice(0, 16);
  }
  return fingerprint;
}

export interface CacheKeyParts {
  source: string;
  /** sha256 of `source`, when the caller has it (a file's keys for both formats hash it once) */
  sourceHash?: string;
  /** the file's real path (symbolic links resolved) */
  filename: string;
  cwd: string;
  options: Record<string, unknown>;
  version?: string;
  fingerprint?: string;
}

/** The cache key of one instrumented file. */
export function cacheKey(parts: CacheKeyParts): string {
  return sha256(
    JSON.stringify([
      MAGIC,
      parts.version ?? tsdbVersion(),
      parts.fingerprint ?? compilerFingerprint(),
      parts.filename,
      parts.cwd,
      parts.options,
      parts.sourceHash ?? sha256(parts.source),
    ]),
  );
}

/**
 * The first line of a code cache file: magic, its entry's key and checksum (so it goes with that
 * entry's text only), and the checksum of those and its data.
 */
function codeHeaderOf(key: string, entrySum: string, data: Uint8Array): string {
  return `${CODE_MAGIC} ${key} ${entrySum} ${createHash("sha256").update(`${key} ${entrySum}\n`).update(data).digest("hex")}\n`;
}

/** The checksum of an entry: of its key and body (its text, or the bytes of its text in UTF-8). */
function entrySum(key: string, body: string | Uint8Array): string {
  return createHash("sha256").update(`${key}\n`).update(body).digest("hex");
}

/** The first line of an entry: magic, key, and its checksum. */
function headerOf(key: string, sum: string): string {
  return `//${MAGIC} ${key} ${sum}\n`;
}

export interface CacheOptions {
  /** bound on the total size of the entries (default CACHE_MAX_BYTES) */
  maxBytes?: number;
  /** called once, when the cache stops being used */
  warn?: (message: string) => void;
}

/** An on-disk cache in a directory `prepareCacheDir` has accepted. */
/** Set by the load hook: one Int32 shared by its threads, 1 once one of them has warned. */
let warnedLatch: Int32Array | null = null;

/** Makes the caches of this thread warn only if no other thread sharing `latch` has (see `DiskCache.disable`). */
export function shareWarningLatch(latch: Int32Array): void {
  warnedLatch = latch;
}

export class DiskCache {
  private disabled = false;

  /** False once the cache is not used any more (a write failed). */
  get usable(): boolean {
    return !this.disabled;
  }
  private evicted = false;
  /** The checksums of the entries this process read or wrote, by key: what a code cache is checked against. */
  private readonly sums = new Map<string, string>();
  private readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  /** `dir` normalized, with a separator after it (none for ".") */
  private readonly root: string;

  constructor(
    readonly dir: string,
    options: CacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? CACHE_MAX_BYTES;
    this.warn = options.warn ?? ((m) => process.stderr.write(m + "\n"));
    const root = normalize(dir);
    this.root = root === "." ? "" : root.endsWith(sep) ? root : root + sep;
  }

  /**
   * `join(dir, key.slice(0, 2), key + suffix)`, made by concatenation: a cache hit runs while the
   * program waits in a `require()`, and Node's `join` uses the program's `Array.prototype.push`.
   */
  private file(key: string, suffix: string): string {
    return `${this.root}${key.slice(0, 2)}${sep}${key}${suffix}`;
  }

  private path(key: string): string {
    return this.file(key, ".js");
  }

  /** Where the source map of the entry `key` goes. */
  mapPath(key: string): string {
    return this.file(key, ".map");
  }

  /** Where the code table and scope tables of the entry `key` go (contract TablesBeside; runtime/tables.ts reads them). */
  tablesPath(key: string): string {
    return this.file(key, ".tables");
  }

  /** Where V8's code cache for the entry `key` goes. */
  private codePath(key: string): string {
    return this.file(key, ".v8");
  }

  /**
   * V8's code cache for the entry `key` as this process read or wrote it, or null (missing, not this
   * user's, made for another entry or another text of it, or damaged). V8 itself checks only its
   * version, its flags and the length of the text. `sum`: the checksum of the text the code cache
   * goes with; the entry's by default, given for code that is not an entry (tsdb's own, debugger/start.ts).
   */
  getCode(key: string, sum = this.sums.get(key)): Buffer | null {
    if (this.disabled || sum === undefined) return null;
    let raw: Buffer;
    try {
      const fd = openSync(this.codePath(key), "r");
      try {
        if (!trustedEntry(fstatSync(fd))) return null;
        raw = readFileSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      return null;
    }
    const nl = raw.indexOf(10);
    if (nl < 0) return null;
    const data = raw.subarray(nl + 1);
    return raw.toString("latin1", 0, nl + 1) === codeHeaderOf(key, sum, data) ? data : null;
  }

  /** Stores V8's code cache for the entry `key` (`sum`: as `getCode`'s); a failure only means the next load compiles again. */
  setCode(key: string, data: Buffer, sum = this.sums.get(key)): void {
    if (this.disabled || sum === undefined) return;
    try {
      // (the folder of code that is not an entry may not be there yet)
      if (prepareCacheDir(join(this.dir, key.slice(0, 2))) !== null) return;
      writeFileAtomic(this.codePath(key), Buffer.concat([Buffer.from(codeHeaderOf(key, sum, data), "latin1"), data]), 0o600);
    } catch {
      // the entry's folder is gone (evicted by another process), the disk is full, or the program
      // broke what Node's own path and fs code use (it runs at exit, after the program: deleting
      // `Array.prototype.push` breaks `path.join`): nothing is lost
    }
  }

  /** The cached text for `key`, or null (missing, unreadable, not this user's, made for another key, or corrupt). */
  get(key: string): string | null {
    if (this.disabled) return null;
    // Bytes, not text: hashing the bytes is 3× faster than hashing a string (which is encoded
    // again first), and an all-ASCII body (what the compact printer makes of most code) becomes a
    // string without UTF-8 decoding (§28: 42 → 9 ms for _tsc.js's 19 MB entry).
    let raw: Buffer;
    let fd: number;
    try {
      fd = openSync(this.path(key), "r");
    } catch {
      return null;
    }
    try {
      const st = fstatSync(fd);
      if (!trustedEntry(st)) return null;
      raw = readFileSync(fd);
      if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) utimesSync(this.path(key), new Date(), new Date());
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
    const nl = raw.indexOf(10);
    if (nl < 0) return null;
    const body = raw.subarray(nl + 1);
    const sum = entrySum(key, body);
    if (raw.toString("latin1", 0, nl + 1) !== headerOf(key, sum)) return null;
    this.sums.set(key, sum);
    return body.toString(isAscii(body) ? "latin1" : "utf8");
  }

  /** True when an entry for `key` is there and this user's (not read: whether it is whole is `get`'s to say). */
  has(key: string): boolean {
    if (this.disabled) return false;
    const st = statSync(this.path(key), { throwIfNoEntry: false });
    return st !== undefined && trustedEntry(st);
  }

  /**
   * Stores `text` under `key` (and `map` at `mapPath(key)` and `tables` at `tablesPath(key)`,
   * first: an entry is never there without them); on the first failure warns once (saying what
   * failed) and stops using the cache. (The tables need no checksum here: the entry's code holds theirs.)
   * False when the entry is not stored (its code then names files that may not be there).
   */
  set(key: string, text: string, map?: string, tables?: Uint8Array): boolean {
    if (this.disabled) return false;
    const sub = join(this.dir, key.slice(0, 2));
    const problem = prepareCacheDir(sub);
    if (problem) {
      this.disable(problem);
      return false;
    }
    const sum = entrySum(key, text);
    try {
      if (map !== undefined) writeFileAtomic(this.mapPath(key), map, 0o600);
      if (tables !== undefined) writeFileAtomic(this.tablesPath(key), tables, 0o600);
      writeFileAtomic(this.path(key), headerOf(key, sum) + text, 0o600);
      this.sums.set(key, sum);
    } catch (error) {
      // Another process that wrote the same entry first (a rename can fail on
      // Windows while the target is open) is no reason to give up the cache.
      if (this.get(key) === text) return true;
      this.disable(error instanceof WriteError ? error.message : String(error));
      return false;
    }
    if (!this.evicted) {
      this.evicted = true;
      this.evict();
    }
    return true;
  }

  /**
   * Once per process that writes: when the entries exceed the bound, removes the
   * least recently used (oldest modification time; a hit refreshes it) down to 3/4 of it, each
   * with its map, tables and code cache.
   */
  evict(): void {
    const entries = new Map<string, { paths: string[]; size: number; time: number }>();
    let total = 0;
    try {
      for (const sub of readdirSync(this.dir)) {
        if (!/^[0-9a-f]{2}$/.test(sub)) continue;
        for (const name of readdirSync(join(this.dir, sub))) {
          const path = join(this.dir, sub, name);
          const st = statSync(path);
          const stem = path.replace(/\.(js|map|v8|tables)$/, "");
          const entry = entries.get(stem) ?? { paths: [], size: 0, time: 0 };
          entry.paths.push(path);
          entry.size += st.size;
          if (path.endsWith(".js") || path.endsWith(".v8")) entry.time = st.mtimeMs;
          entries.set(stem, entry);
          total += st.size;
        }
      }
    } catch {
      return; // another process evicting at the same time
    }
    if (total <= this.maxBytes) return;
    for (const entry of [...entries.values()].sort((a, b) => a.time - b.time)) {
      if (total <= (this.maxBytes * 3) / 4) break;
      // The code first: a map or tables without their entry are harmless, an entry without them is not.
      for (const path of entry.paths.sort((a) => (a.endsWith(".js") ? -1 : 1))) rmSync(path, { force: true });
      total -= entry.size;
    }
  }

  /** Stops using the cache, with one warning (one per process: the module hooks thread shares the latch). */
  disable(reason: string): void {
    if (this.disabled) return;
    this.disabled = true;
    if (warnedLatch !== null && Atomics.exchange(warnedLatch, 0, 1) === 1) return;
    this.warn(`tsdb: not using the cache in ${this.dir}: ${reason}; continuing without a cache`);
  }
}
