/**
 * `tsdb/runtime/internal`: what generated code imports (the contract of
 * contract/index.ts), next to the public API. Not for programs: its names may
 * change with any release; the public API is `tsdb/runtime`.
 */
import { RUNTIME_GLOBAL, type RuntimeFunction } from "../contract/index.js";
import { flat, interrupts, lines, slots, state, vals, values, written } from "./stack.js";
import { script } from "./script-header.js";
import { installToString } from "./source-text.js";
import * as trace from "./trace.js";

export * from "./index.js";
export { SourceFile } from "./code.js";
export { registerSource } from "./linecache.js";
export { script, scriptRealm } from "./script-header.js";
export { flat, interrupts, lines, slots, state, vals, values, written } from "./stack.js";
export {
  call,
  callPart,
  clear,
  debuggerStatement,
  enter,
  enterModule,
  exception,
  file,
  forAwait,
  interrupted,
  gen,
  leave,
  line,
  lineAt,
  lineAtPart,
  linePart,
  loadedfiles,
  prim,
  push,
  raise,
  suspend,
  unnamed,
} from "./trace.js";

/**
 * What code instrumented as a plain script (no module system: a browser script, a `vm` context)
 * finds on the global: the functions its header binds, and nothing more. Not `loadedfiles()` (it
 * would let any code in the process read and rewrite every module's private bindings), not
 * `settrace`/`getframe`: those are for a debugger, which imports `tsdb/runtime` as Python code
 * imports `sys`. Frozen, and the global property cannot be replaced once set.
 */
const forScripts: Readonly<
  Record<RuntimeFunction | "file" | "script" | "slots" | "lines" | "state" | "values" | "flat" | "written" | "interrupts", unknown>
> = Object.freeze({
  call: trace.call,
  callPart: trace.callPart,
  clear: trace.clear,
  debuggerStatement: trace.debuggerStatement,
  enter: trace.enter,
  enterModule: trace.enterModule,
  exception: trace.exception,
  file: trace.file,
  forAwait: trace.forAwait,
  gen: trace.gen,
  interrupted: trace.interrupted,
  leave: trace.leave,
  line: trace.line,
  lineAt: trace.lineAt,
  lineAtPart: trace.lineAtPart,
  linePart: trace.linePart,
  prim: trace.prim,
  push: trace.push,
  raise: trace.raise,
  script,
  suspend: trace.suspend,
  unnamed: trace.unnamed,
  vals,
  slots,
  lines,
  state,
  values,
  flat,
  written,
  interrupts,
});
const key = Symbol.for(RUNTIME_GLOBAL);
if (!Object.hasOwn(globalThis, key))
  Object.defineProperty(globalThis, key, { value: forScripts, enumerable: false, writable: false, configurable: false });

installToString(trace.loadedfiles);
