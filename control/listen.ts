/**
 * What `tsdb/register` adds to every program it starts (`node --import tsdb/register app.js`) so
 * that `tsdb -p PID` can attach: the doorbell (doorbell.ts), carried by the ES module hooks thread
 * when there is one, otherwise by a thread of its own (doorbell-thread.ts). Nothing else runs
 * until a debugger rings: then the control worker starts (control.ts, worker.ts) and, once the
 * debugger is connected to it, the debugger itself is loaded (attached.ts). The cost before an attach is the doorbell on that thread and the interrupt check
 * of generated code (bench/FINDINGS.md §12).
 */
import { unlinkSync } from "node:fs";
import { join } from "node:path";
import { isMainThread, Worker } from "node:worker_threads";
import { PRIVATE_THREAD } from "../common/private-thread.js";
import { interruptbuffer, setinterrupthandler, takeinterrupt } from "../runtime/index.js";
import type { AttachedSession } from "./attached.js";
import type * as ControlModule from "./control.js";
import type { DoorbellData } from "./doorbell.js";
import { keyPath, privateDir, sessionPath, socketPath } from "./paths.js";
import { DOORBELL, WORKER } from "./protocol.js";

/** `Atomics.waitAsync` (ES2024; in Node since 16) */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** What the doorbell needs, or null when this process cannot be attached to (no private folder: `tsdb -p` says why). */
export function doorbellData(): DoorbellData | null {
  if (!isMainThread || typeof process.getuid !== "function") return null;
  try {
    return { dir: privateDir(process.getuid()), pid: process.pid, flag: interruptbuffer(), reasons: new SharedArrayBuffer(4) };
  } catch {
    return null;
  }
}

/**
 * Answers the doorbell `bell`: it rings on the ES module hooks thread (`onHooksThread`: set up
 * there by esm-hooks.ts) or, when there is none, on a thread of its own, started now.
 */
export function listenForDebuggers(bell: DoorbellData, onHooksThread: boolean): void {
  const { dir, pid } = bell;
  const why = new Int32Array(bell.reasons);
  let control: ControlModule.Control | null = null;
  let session: AttachedSession | null = null;
  const start = (): ControlModule.Control => {
    if (control === null) {
      const { Control } = require("./control.js") as typeof ControlModule;
      control = new Control({ signals: false, attach: { dir, pid }, reasons: bell.reasons }, (message) => {
        // the debugger went away while the program ran
        if (message.t === "gone") session?.detach();
        else takeinterrupt();
      });
    }
    return control;
  };
  const open = (): AttachedSession => {
    if (session === null) {
      const { openSession } = require("./attached.js") as typeof import("./attached.js");
      session = openSession(start(), () => {
        session = null;
      });
    }
    return session;
  };
  // The doorbell asks for the control worker (the program goes on); the worker, for a stop.
  setinterrupthandler((frame) => {
    const reasons = Atomics.exchange(why, 0, 0);
    if (reasons & DOORBELL) start();
    if (reasons & WORKER) open().interrupt(frame);
  });
  // An idle program hears the doorbell between events (a pending wait keeps no program alive).
  const idle = (): void => {
    const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(why, 0, 0);
    if (wait.async) {
      void wait.value.then(() => {
        takeinterrupt();
        idle();
      });
    } else {
      // (rung, and the request not raised yet: a moment later)
      setTimeout(() => {
        takeinterrupt();
        idle();
      }, 1).unref();
    }
  };
  idle();
  if (!onHooksThread) {
    const thread = new Worker(join(__dirname, "..", "control", "doorbell-thread.js"), {
      ...PRIVATE_THREAD,
      workerData: bell,
      stdout: false,
      stderr: false,
    });
    thread.on("error", () => {});
    // The program ends when it would without tsdb.
    thread.unref();
  }
  // Index loops (no array iterator): the program may have patched built-ins by its exit.
  const files = [socketPath(dir, pid), sessionPath(dir, pid), keyPath(dir, pid)];
  process.on("exit", () => {
    for (let i = 0; i < files.length; i++) {
      try {
        unlinkSync(files[i]);
      } catch {
        // gone already, or never made
      }
    }
  });
}
