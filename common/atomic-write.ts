/** Writing a file so that readers see all of it or none of it. */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { threadId } from "node:worker_threads";

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
