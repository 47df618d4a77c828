/**
 * `tsdb/runtime/internal`: what generated code imports (the contract of
 * contract/index.ts), next to the public API. Not for programs: its names may
 * change with any release; the public API is `tsdb/runtime`.
 */
import { RUNTIME_GLOBAL } from "../contract/index.js";
import * as internal from "./internal.js";

export * from "./index.js";
export { SourceFile } from "./code.js";
export { tdz } from "./frame.js";
export { registerSource } from "./linecache.js";
export { lines, slots, state } from "./stack.js";
export {
  call,
  debuggerStatement,
  enterModule,
  exception,
  file,
  forAwait,
  gen,
  leave,
  line,
  lineAt,
  lineAtKept,
  lineKept,
  loadedfiles,
  prim,
  push,
  suspend,
} from "./trace.js";

// Code instrumented as a plain script (no module system) finds the runtime here.
(globalThis as Record<symbol, unknown>)[Symbol.for(RUNTIME_GLOBAL)] ??= internal;
