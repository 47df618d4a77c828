export * from "./runtime/index.js";
export { Bdb, BdbQuit, setTrace, type ExcInfo } from "./runtime/bdb.js";
export { Breakpoint, checkfuncname, effective, type Writable } from "./runtime/breakpoint.js";
