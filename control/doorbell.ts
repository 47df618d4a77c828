/**
 * The doorbell: what a program started with `tsdb/register` has from its start so that
 * `tsdb -p PID` can reach it even when its main thread never returns to its event loop. It runs
 * on a thread that exists anyway (Node 20's ES module hooks thread, which `tsdb/register` starts) or,
 * in a process that has none (yet), on a thread of its own (doorbell-thread.ts): it makes the key, listens on `<pid>.sock`, and when a debugger presents the key, raises the
 * interrupt request with the DOORBELL reason and answers `starting`. The main thread then starts
 * the control worker (listen.ts), which listens on `<pid>.session.sock` for the session itself.
 * Until then nothing else runs: no worker, no timer, nothing on the main thread.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server } from "node:net";
import { keyPath, sessionPath, socketPath } from "./paths.js";
import { DOORBELL, encode, messages, type ToProgram } from "./protocol.js";

export interface DoorbellData {
  /** the private folder (paths.ts) */
  dir: string;
  pid: number;
  /** the runtime's interrupt request flag */
  flag: SharedArrayBuffer;
  /** Int32 [0]: why the request was raised (protocol.ts); the main thread waits on it when idle */
  reasons: SharedArrayBuffer;
}

/**
 * Sets the doorbell up now; the thread it runs on must live as long as the program. Returns its
 * server (unreferenced: it keeps no thread alive), or null when it could not be set up.
 */
export function ring({ dir, pid, flag, reasons }: DoorbellData): Server | null {
  const sock = socketPath(dir, pid);
  const keyFile = keyPath(dir, pid);
  for (const stale of [sock, keyFile, sessionPath(dir, pid)]) {
    try {
      unlinkSync(stale); // a process that had this pid before
    } catch {
      // none
    }
  }
  sweep(dir, pid);
  const key = randomBytes(32);
  try {
    writeFileSync(keyFile, key.toString("hex"), { mode: 0o600, flag: "wx" });
  } catch {
    return null; // someone made it between the unlink and now: no attach support rather than their key
  }
  const requests = new Int32Array(flag);
  const why = new Int32Array(reasons);
  const server = createServer((socket) => {
    socket.on("error", () => {});
    socket.on(
      "data",
      messages<ToProgram>((message) => {
        const presented = Buffer.from(message.t === "hello" ? message.key : "", "hex");
        if (presented.length !== key.length || !timingSafeEqual(presented, key)) {
          socket.end(encode({ t: "refused", s: "the debugger did not present this process's key" }));
          return;
        }
        Atomics.or(why, 0, DOORBELL);
        Atomics.store(requests, 0, 1);
        Atomics.notify(why, 0); // an idle main thread waits for it (listen.ts)
        socket.end(encode({ t: "starting" }));
      }),
    );
  });
  server.on("error", () => {});
  server.listen(sock, () => chmodSync(sock, 0o600));
  server.unref();
  return server;
}

const OWN_FILE = /^(\d+)\.(?:key|sock|session\.sock)$/;

/**
 * Removes the files of processes that ended without removing theirs: killed by a signal, Node runs
 * no exit handler (listen.ts removes them at a normal exit). A process that is alive keeps its
 * files, whoever it is (a pid taken again by another program: its files go when a doorbell of
 * that pid starts).
 */
function sweep(dir: string, own: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = OWN_FILE.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === own || alive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // removed by another process's sweep
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
