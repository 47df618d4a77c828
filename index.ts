/** `tsdb`: Python's bdb (`Bdb`, `Breakpoint`, ...) and the public trace API of `tsdb/runtime`. */
export * from "./bdb/index.js";
export * from "./runtime/index.js";
