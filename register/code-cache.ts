/**
 * V8's code cache for the load hook's CommonJS entries. Node 20 compiles a CommonJS module from
 * its text at every load, and for a big instrumented file that compile is most of a warm start
 * (bench/FINDINGS.md §27: `tsc --version`). Here an entry's module is compiled as Node compiles it
 * (a function of Node's five parameters, with the entry as its body: `vm.compileFunction`, which
 * takes the text as it is where a wrapper written around it made V8 copy all of it into one flat
 * string first, §35), with V8's cached data of that same text (made at its first load, kept beside
 * the entry), so V8 neither parses nor compiles what it compiled last time.
 *
 * The module still runs with Node's own `exports`, `require`, `module`, `__filename`, `__dirname`
 * and `this`: Node's `_compile` runs a body that only returns its arguments (and names the entry's
 * source map, which Node then registers for the file, as it would have from the entry itself).
 */
import { compileFunction } from "node:vm";
import type { DiskCache } from "./cache.js";
import { mapComment } from "./map-line.js";

/** The parameters of Node's CommonJS wrapper. */
const PARAMS = ["exports", "require", "module", "__filename", "__dirname"];

/**
 * Runs `code`, the cache entry `key` of the CommonJS module `filename`, from V8's code cache beside
 * it (made now when there is none or V8 refuses it); `nodeCompile` is Node's `_compile` of that
 * module for a given body. Returns what Node's `_compile` would.
 *
 * Only for entries the loader marked (code-cache-mark.ts): V8 does not keep a script's host options
 * in its code cache, so in Node 20 an `import()` compiled from one fails
 * (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
 */
export function runCommonJS(
  cache: DiskCache,
  key: string,
  code: string,
  filename: string,
  nodeCompile: (body: string) => unknown,
): unknown {
  const cachedData = cache.getCode(key) ?? undefined;
  // Made before the module runs (a program may exit from its top level): what V8 compiled eagerly.
  let wrapper = compileFunction(code, PARAMS, { filename, cachedData, produceCachedData: cachedData === undefined });
  if (wrapper.cachedDataRejected === true) wrapper = compileFunction(code, PARAMS, { filename, produceCachedData: true });
  if (wrapper.cachedData !== undefined) cache.setCode(key, wrapper.cachedData);
  const scope = nodeCompile(`return arguments;${mapComment(code)}`) as IArguments;
  return Reflect.apply(wrapper, scope[0], scope);
}
