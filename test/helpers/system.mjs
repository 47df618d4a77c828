// What some tests need from the machine: a second local user, a small full
// file system. CI runs as root on a fresh machine, where both are available;
// elsewhere the test says why it cannot run.
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const NAME = "tsdbtest";
let user;

/** `{ uid, gid, name }` of a second local user (created with useradd when missing), or `{ reason }`. */
export function otherUser() {
  if (user) return user;
  if (process.getuid?.() !== 0) return (user = { reason: "not running as root: cannot act as a second user" });
  let id = spawnSync("id", ["-u", NAME], { encoding: "utf8" });
  if (id.status !== 0) {
    const made = spawnSync("useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", NAME], { encoding: "utf8" });
    if (made.status !== 0) return (user = { reason: `useradd failed: ${made.stderr || made.error}` });
    id = spawnSync("id", ["-u", NAME], { encoding: "utf8" });
  }
  const gid = spawnSync("id", ["-g", NAME], { encoding: "utf8" });
  return (user = { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()), name: NAME });
}

/** chown -R */
export function chownRecursive(dir, uid, gid) {
  chownSync(dir, uid, gid);
  for (const name of readdirSync(dir, { recursive: true })) chownSync(join(dir, String(name)), uid, gid);
}

/** A fresh temporary directory (under the system's /tmp). */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/**
 * Mounts a tmpfs of `size` (e.g. "1m") on a fresh directory; returns `{ dir, unmount }` or `{ reason }`.
 */
export function smallTmpfs(size) {
  if (process.platform !== "linux") return { reason: "tmpfs needs Linux" };
  const dir = tempDir("tsdb-tmpfs");
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs: ${(r.stderr || String(r.error)).trim()}` };
  }
  return {
    dir,
    unmount() {
      spawnSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the file system holding `dir` until fewer than `leave` bytes are free. */
export function fill(dir, leave = 0) {
  const filler = join(dir, "filler");
  mkdirSync(filler, { recursive: true });
  const chunk = Buffer.alloc(4096, 120);
  const r = spawnSync("df", ["-B1", "--output=avail", dir], { encoding: "utf8" });
  let free = Number(r.stdout.trim().split("\n").pop());
  let i = 0;
  while (free > leave + chunk.length) {
    try {
      writeFileSync(join(filler, String(i++)), chunk);
    } catch {
      break;
    }
    free -= chunk.length;
  }
}

/** Prints why a test could not run, so that the run shows it. */
export function cannot(what, reason) {
  process.stdout.write(`\n  NOT RUN: ${what}: ${reason}\n`);
}
