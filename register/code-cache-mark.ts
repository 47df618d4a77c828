/**
 * The line the loader ends a CommonJS entry with when it has no `import()` (register/code-cache.ts
 * may then run it from V8's code cache). The loader's output has no comments of the program's, and
 * the line is checked where only the loader writes: last, or just before the source map's line.
 */
export const CODE_CACHE_MARK = "//tsdb:code-cache";

const MARKED = /\n\/\/tsdb:code-cache(?:\n\/\/# sourceMappingURL=[^\n]*\n)?$/;

/** True for an entry the loader marked. */
export function codeCacheAllowed(code: string): boolean {
  return MARKED.test(code.slice(-4096));
}
