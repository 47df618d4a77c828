/**
 * Where a process started with `tsdb/register` listens for `tsdb -p PID`: a Unix socket in a
 * folder only its user can read (`$TMPDIR/tsdb-<uid>`, mode 0700), next to a key file (mode 0600)
 * that a debugger must present: only the user (and root) can read it.
 */
import { lstatSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The folder of the sockets of `uid`'s processes. */
export function controlDir(uid: number): string {
  return join(tmpdir(), `tsdb-${uid}`);
}

export function socketPath(dir: string, pid: number): string {
  return join(dir, `${pid}.sock`);
}

/** The control worker's socket, once the doorbell (`socketPath`) has started it. */
export function sessionPath(dir: string, pid: number): string {
  return join(dir, `${pid}.session.sock`);
}

export function keyPath(dir: string, pid: number): string {
  return join(dir, `${pid}.key`);
}

/** Why `dir` cannot be trusted as private to `uid` (not a real directory, someone else's, open to others), or null. */
export function notPrivate(dir: string, uid: number): string | null {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  if (stat.uid !== uid) return `${dir} belongs to another user (uid ${stat.uid})`;
  if ((stat.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)})`;
  return null;
}

/** Makes the folder (mode 0700) if needed; throws when it exists and is not private to this user. */
export function privateDir(uid: number): string {
  const dir = controlDir(uid);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const why = notPrivate(dir, uid);
  if (why !== null) throw new Error(why);
  return dir;
}
