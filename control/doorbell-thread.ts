/**
 * The doorbell's own thread (doorbell.ts), in a process that has no ES module hooks thread to carry
 * it: tsdb/register starts that thread only when an ES module can load (register/module-start.ts),
 * and a program busy from its first line must still hear `tsdb -p`. The main thread unreferences
 * this thread: it lives as long as the program and never keeps it alive.
 */
import { workerData } from "node:worker_threads";
import type * as Doorbell from "./doorbell.js";
import { DOORBELL_DELAY_MS } from "./protocol.js";

// (a referenced timer, then the referenced server, keep this thread)
setTimeout(() => (require("./doorbell.js") as typeof Doorbell).ring(workerData as Doorbell.DoorbellData)?.ref(), DOORBELL_DELAY_MS);
