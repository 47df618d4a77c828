/**
 * Files the load hook's cache keeps beside an entry (its tables, its source map), read inside the
 * program only when first needed, and used only when their bytes are the ones the entry's digest
 * names: never another file's, never a damaged one. Saved built-ins only (primordials.ts): a program
 * may have patched what these call by then.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeSync } from "node:fs";
import { apply } from "./primordials.js";

const readFile = readFileSync;
const makeHash = createHash;
const hashUpdate = createHash("sha256").update;
const hashDigest = createHash("sha256").digest;
const subarray = Uint8Array.prototype.subarray;
const write = writeSync;

/**
 * The bytes `[start, end)` of the file `path` if their sha256 (hex) is `digest`; else `[why]`: the
 * read's error code (the file cannot be read), or "" (other bytes: another entry's, or damaged).
 */
export function verifiedBytes(path: string, digest: string, start = 0, end?: number): Uint8Array | [string] {
  let bytes: Uint8Array;
  try {
    const file = readFile(path);
    bytes = apply(subarray, file, end === undefined ? [start] : [start, end]) as Uint8Array;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return [typeof code === "string" ? code : "unreadable"];
  }
  const hash = makeHash("sha256");
  apply(hashUpdate, hash, [bytes]);
  return apply(hashDigest, hash, ["hex"]) === digest ? bytes : [""];
}

/** `message` on stderr (none: what is missing says it). */
export function warn(message: string): void {
  try {
    write(2, message);
  } catch {
    // no stderr
  }
}
