/**
 * The on-disk cache of instrumented files. An entry is keyed by a hash of the
 * source text, the file's name, the working directory (both end up in the
 * output), the instrumenting options, tsdb's version and a fingerprint of the
 * compiler that is running. Entries are written to a temporary file and
 * renamed into place, so a reader (another process included) sees a whole
 * entry or none; each carries a checksum of its body, and an entry whose
 * checksum does not match is rebuilt, never used.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { threadId } from "node:worker_threads";
import { PACKAGE_ROOT, tsdbVersion } from "./config.js";

const MAGIC = "tsdb-cache-1";

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

let fingerprint: string | undefined;
/** A hash of the compiler's built files, so rebuilding tsdb invalidates entries even without a version bump. */
export function compilerFingerprint(): string {
  if (fingerprint === undefined) {
    const hash = createHash("sha256");
    const dir = join(PACKAGE_ROOT, "dist", "compiler");
    try {
      for (const name of readdirSync(dir).sort()) {
        if (!name.endsWith(".js")) continue;
        hash.update(name).update(readFileSync(join(dir, name)));
      }
    } catch {
      // not built the usual way: the version alone decides
    }
    fingerprint = hash.digest("hex").slice(0, 16);
  }
  return fingerprint;
}

export interface CacheKeyParts {
  source: string;
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
      sha256(parts.source),
    ]),
  );
}

/** The default cache directory: `$TSDB_CACHE_DIR`, else `node_modules/.cache/tsdb` under `cwd`. */
export function defaultCacheDir(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return env.TSDB_CACHE_DIR ? resolve(cwd, env.TSDB_CACHE_DIR) : join(cwd, "node_modules", ".cache", "tsdb");
}

/**
 * Writes `text` to `file` atomically: a temporary file beside it (a name no
 * other process or thread uses), then a rename over `file`.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array, mode?: number): void {
  const temp = `${file}.${process.pid}-${threadId}-${randomBytes(6).toString("hex")}.tmp`;
  const fd = openSync(temp, "w", mode);
  try {
    writeSync(fd, typeof text === "string" ? Buffer.from(text) : text);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export class DiskCache {
  private disabled = false;
  /** what the cache did, for tests and diagnostics */
  readonly stats = { hits: 0, misses: 0, corrupt: 0, writes: 0 };

  /** `warn` is called once, the first time the cache cannot be written. */
  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(m + "\n"),
  ) {}

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), key + ".js");
  }

  /** The cached text for `key`, or null (missing, unreadable or corrupt). */
  get(key: string): string | null {
    if (this.disabled) return null;
    let raw: string;
    try {
      raw = readFileSync(this.path(key), "utf8");
    } catch {
      this.stats.misses++;
      return null;
    }
    const nl = raw.indexOf("\n");
    const header = nl < 0 ? "" : raw.slice(0, nl);
    const body = nl < 0 ? "" : raw.slice(nl + 1);
    const [magic, sum] = header.split(" ");
    if (magic !== "//" + MAGIC || sum !== sha256(body)) {
      this.stats.corrupt++;
      return null;
    }
    this.stats.hits++;
    return body;
  }

  /** Stores `text` under `key`; on the first failure warns once and stops using the cache. */
  set(key: string, text: string): void {
    if (this.disabled) return;
    const file = this.path(key);
    try {
      mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
      writeFileAtomic(file, `//${MAGIC} ${sha256(text)}\n${text}`);
      this.stats.writes++;
    } catch (error) {
      // Another process that wrote the same entry first (a rename can fail on
      // Windows while the target is open) is no reason to give up the cache.
      if (this.get(key) === text) return;
      this.disable(error);
    }
  }

  /** Stops using the cache, with one warning. */
  disable(error: unknown): void {
    if (this.disabled) return;
    this.disabled = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.warn(`tsdb: cannot write the cache in ${this.dir} (${reason}); continuing without a cache`);
  }

  get enabled(): boolean {
    return !this.disabled;
  }
}
