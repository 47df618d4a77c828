/**
 * A thread of the prefetcher (prefetch.ts): instruments each job's file through a loader of the
 * same configuration, which writes the cache entry, and marks the job done. It reports nothing:
 * a file it could not instrument is compiled again when the program loads it, and the error is
 * reported then, as ever; a cache it cannot write is the loader's to warn about.
 */
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { shareWarningLatch } from "./cache.js";
import { Loader } from "./loader.js";
import { DONE, type PrefetchData, type PrefetchJob, QUEUED, TAKEN } from "./prefetch.js";

const { config, slots } = workerData as PrefetchData;
const states = new Int32Array(slots);
// A latch already set: this thread's cache, if it fails, stops without a warning.
shareWarningLatch(new Int32Array([1]));
const loader = new Loader(config);

// In the order queued: the loader's thread, when it helps, takes the last ones (prefetch.ts).
parentPort?.on("message", ({ slot, filename }: PrefetchJob) => {
  if (Atomics.compareExchange(states, slot, QUEUED, TAKEN) !== QUEUED) return; // another thread's, or taken back
  try {
    loader.transformAny(readFileSync(filename, "utf8"), filename, undefined);
  } catch {
    // left to the loader, which reports it when the program reaches the file
  } finally {
    Atomics.store(states, slot, DONE);
    Atomics.notify(states, slot);
  }
});
