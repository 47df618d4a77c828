/** `tsdb/compiler`: the Babel plugin (default export) and `instrument()`. */
export { default } from "./plugin.js";
export { DEFAULT_RUNTIME, moduleName, type PluginOptions } from "./plugin.js";
export {
  instrument,
  InstrumentError,
  type InstrumentOptions,
  type InstrumentResult,
  type SourceMap,
  type SourceMapMode,
} from "./instrument.js";
