/**
 * An instrumenting thread (see threads.ts): answers each job on its parent port, or the one job
 * of `workerData` on the port given there (then wakes the waiting thread).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { InstrumentError, transformHere } from "./instrument.js";
import type { Job, Reply } from "./threads.js";

function answer(job: Job): Reply {
  try {
    return { ok: true, result: transformHere(job.code, job.options, job.instrumenting) };
  } catch (e) {
    const error = e as Error;
    if (error instanceof InstrumentError)
      return {
        ok: false,
        error: {
          name: error.name,
          message: error.message,
          instrument: [error.filename, error.line, error.column, error.reason, error.frame],
        },
      };
    return { ok: false, error: { name: error?.name ?? "Error", message: error?.message ?? String(e) } };
  }
}

const one = workerData as { job: Job; port: MessagePort; done: Int32Array } | null;
if (one) {
  one.port.postMessage(answer(one.job));
  one.port.close();
  Atomics.store(one.done, 0, 1);
  Atomics.notify(one.done, 0);
} else {
  parentPort?.on("message", (job: Job) => parentPort?.postMessage(answer(job)));
}
