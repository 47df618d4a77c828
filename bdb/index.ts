/** `Bdb`, `Breakpoint` and bdb's module functions: Python's Lib/bdb.py for tsdb's trace model. */
export { Bdb, BdbQuit, type ExcInfo, setTrace } from "./bdb.js";
export { Breakpoint, checkfuncname, effective, type Writable } from "./breakpoint.js";
