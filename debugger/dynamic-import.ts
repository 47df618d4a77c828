/**
 * A real `import()` for the debugger (the bundler would turn a literal one into `require`). It lives
 * in a file of its own, outside the debugger's bundle (build.mjs): the bundle runs from V8's code
 * cache (start.ts), and in Node 20 an `import()` compiled from such a script fails
 * (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), also one in a function that code makes with `new Function`.
 */
export const dynamicImport = new Function("url", "return import(url);") as (url: string) => Promise<unknown>;
