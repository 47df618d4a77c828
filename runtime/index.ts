/**
 * `tsdb/runtime`: the trace model, what `sys` and `linecache` are to Python's
 * bdb. Only public names: generated code imports `tsdb/runtime/internal`.
 */
export type { Code, CodeFlags } from "./code.js";
export type { Frame, TraceEvent, TraceFunction } from "./frame.js";
export { getline, getsource } from "./linecache.js";
export {
  calltracing,
  getframe,
  gettrace,
  gettraceback,
  interruptbuffer,
  loadedcodes,
  setcapture,
  setdebuggerhook,
  setinterrupthandler,
  settrace,
  setunwinderror,
  takeinterrupt,
  setwatch,
  type Traceback,
  type Watch,
} from "./trace.js";
