/** Everything `tsdb/runtime` exports. */
export { Code, SourceFile, type CodeFlags, type Key } from "./code.js";
export { ABSENT, Frame, tdz, type TraceEvent, type TraceFunction } from "./frame.js";
export { clearSources, getline, getsource, registerSource } from "./linecache.js";
export { lines, slots, state } from "./stack.js";
export {
  call,
  debuggerStatement,
  enterModule,
  exception,
  file,
  forAwait,
  gen,
  getframe,
  gettraceback,
  gettrace,
  leave,
  line,
  loadedfiles,
  lineAt,
  lineAtKept,
  lineKept,
  prim,
  push,
  setcapture,
  setdebuggerhook,
  settrace,
  setwatch,
  suspend,
  type Traceback,
  type Watch,
} from "./trace.js";
