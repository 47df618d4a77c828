/** Writing a file so that readers see all of it or none of it. */
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { threadId } from "node:worker_threads";

/** A failed write, naming what failed (`write` of the temporary file, `rename` into place) and the file. */
export class WriteError extends Error {
  constructor(
    readonly step: "write" | "rename",
    readonly file: string,
    readonly cause: unknown,
  ) {
    super(`cannot ${step} ${file}: ${(cause as Error)?.message ?? String(cause)}`);
    this.code = (cause as { code?: string })?.code;
  }
  readonly code: string | undefined;
}

/**
 * Writes `text` to `file` atomically: a temporary file beside it (a name no
 * other process or thread uses) written whole (`writeFileSync` loops until
 * every byte is written or throws, ENOSPC included), flushed to disk, then
 * renamed over `file`. On any failure the temporary file is removed and a
 * `WriteError` thrown: `file` is either untouched or complete. `mode` (default
 * 0o666 minus the umask) is set exactly, whatever the umask.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array, mode?: number): void {
  const temp = `${file}.${process.pid}-${threadId}-${randomBytes(6).toString("hex")}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", mode ?? 0o666);
    if (mode !== undefined) fchmodSync(fd, mode);
    writeFileSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new WriteError("write", file, error);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new WriteError("rename", file, error);
  }
}
