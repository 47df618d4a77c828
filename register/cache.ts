/**
 * The on-disk cache of instrumented files. An entry is keyed by a hash of the
 * source text, the file's name, the working directory (both end up in the
 * output), the instrumenting options, tsdb's version and a fingerprint of the
 * compiler that is running. Entries are written to a temporary file and
 * renamed into place, so a reader (another process included) sees a whole
 * entry or none; each carries a checksum of its body, and an entry whose
 * checksum does not match is rebuilt, never used.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../common/atomic-write.js";
import { join, resolve } from "node:path";
import { PACKAGE_ROOT, tsdbVersion } from "../common/package.js";

const MAGIC = "tsdb-cache-1";

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The built files whose code decides what the transform outputs (the CLI, the hook and the debugger do not). */
const TRANSFORM_FILES = ["compiler", "contract", "common/source-kinds.js"];

let fingerprint: string | undefined;
/** A hash of the transform's built files, so rebuilding it invalidates entries even without a version bump. */
export function compilerFingerprint(): string {
  if (fingerprint === undefined) {
    const hash = createHash("sha256");
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

export class DiskCache {
  private disabled = false;
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
      return null;
    }
    const nl = raw.indexOf("\n");
    const header = nl < 0 ? "" : raw.slice(0, nl);
    const body = nl < 0 ? "" : raw.slice(nl + 1);
    const [magic, sum] = header.split(" ");
    if (magic !== "//" + MAGIC || sum !== sha256(body)) {
      return null;
    }
    return body;
  }

  /** Stores `text` under `key`; on the first failure warns once and stops using the cache. */
  set(key: string, text: string): void {
    if (this.disabled) return;
    const file = this.path(key);
    try {
      mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
      writeFileAtomic(file, `//${MAGIC} ${sha256(text)}\n${text}`);
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
}
