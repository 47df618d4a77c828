/**
 * What `tsdb/register` adds to every program it starts (`node --import tsdb/register app.js`):
 * the socket `tsdb -p PID` attaches through. A control worker (worker.ts) listens off the main
 * thread; nothing runs on the main thread until a debugger attaches (then the debugger itself
 * is loaded, attached.ts). Until then the cost is the worker's start and the interrupt check of
 * generated code (bench/FINDINGS.md).
 */
import { unlinkSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import { setinterrupthandler, takeinterrupt } from "../runtime/index.js";
import type { AttachedSession } from "./attached.js";
import { Control } from "./control.js";
import { keyPath, privateDir, socketPath } from "./paths.js";

export function listenForDebuggers(): void {
  if (!isMainThread || typeof process.getuid !== "function") return;
  let dir: string;
  try {
    dir = privateDir(process.getuid());
  } catch {
    return; // no private folder (someone else made it): no attach; `tsdb -p` says why
  }
  let session: AttachedSession | null = null;
  const control = new Control({ signals: false, attach: { dir, pid: process.pid } }, (message) => {
    // the debugger went away while the program ran
    if (message.t === "gone") session?.detach();
    else takeinterrupt();
  });
  const open = (): AttachedSession => {
    if (session === null) {
      const { openSession } = require("./attached.js") as typeof import("./attached.js");
      session = openSession(control, () => {
        session = null;
      });
    }
    return session;
  };
  setinterrupthandler((frame) => open().interrupt(frame));
  const pid = process.pid;
  process.on("exit", () => {
    for (const file of [socketPath(dir, pid), keyPath(dir, pid)]) {
      try {
        unlinkSync(file);
      } catch {
        // gone already
      }
    }
  });
}
