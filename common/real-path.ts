/** Real paths, as the load hook judges and keys files by them. */
import { realpathSync } from "node:fs";

const known = new Map<string, string>();

/**
 * The real path of `path` (symbolic links resolved), or `path` itself when it does not exist.
 * Remembered for the process, as Node's module loader remembers its own; by the system's
 * `realpath` (one call, where `fs.realpathSync` makes one `lstat` per segment from JavaScript:
 * ~30 ms of a test suite's start, bench/FINDINGS.md §47).
 */
export function realPath(path: string): string {
  let real = known.get(path);
  if (real === undefined) {
    try {
      real = realpathSync.native(path);
    } catch {
      real = path;
    }
    known.set(path, real);
  }
  return real;
}
