/**
 * The options of every thread tsdb starts for itself (the control worker, the doorbell, the
 * completer, the instrumenting pool): none of the program's preloads run there. `execArgv: []`
 * drops the command line's `--import`/`--require` (tsdb/register itself would load again), and an
 * empty environment drops NODE_OPTIONS', which a worker takes even with `execArgv: []`: a user's
 * `NODE_OPTIONS=--require ./setup.js` would otherwise run once more in each of tsdb's threads.
 * Nothing tsdb runs in a thread reads the environment.
 */
import type { WorkerOptions } from "node:worker_threads";

export const PRIVATE_THREAD: Readonly<Pick<WorkerOptions, "execArgv" | "env">> = { execArgv: [], env: {} };
