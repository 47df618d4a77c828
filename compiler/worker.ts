/**
 * An instrumenting thread (see threads.ts): answers each job on its parent port, or the one job
 * of `workerData` on the port given there (then wakes the waiting thread).
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type * as Instrument from "./instrument.js";
import type { Job, Reply } from "./threads.js";

function answer(job: Job): Reply {
  try {
    // Loaded here, not imported: a failure to load is an answer too (a thread waited on must answer).
    const { InstrumentError, transformHere } = require("./instrument.js") as typeof Instrument;
    try {
      return { ok: true, result: transformHere(job.code, job.options, job.instrumenting) };
    } catch (e) {
      if (!(e instanceof InstrumentError)) throw e;
      return { ok: false, error: { name: e.name, message: e.message, instrument: [e.filename, e.line, e.column, e.reason, e.frame] } };
    }
  } catch (e) {
    const error = e as Error;
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
