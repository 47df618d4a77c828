/**
 * `tsdb/runtime`: what instrumented code imports, and the trace API
 * (`settrace`, `gettrace`, `getframe`, `getsource`, `getline`).
 */
import * as runtime from "./api.js";

export * from "./api.js";

// Code instrumented as a plain script (no module system) finds the runtime here.
(globalThis as Record<symbol, unknown>)[Symbol.for("tsdb.runtime")] ??= runtime;
