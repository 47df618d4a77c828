/**
 * Babel's first transform in a process raises `Error.stackTraceLimit` to at least 50 and puts its own
 * `Error.prepareStackTrace` in place (to hide its frames from its errors' stacks), for good. Those are
 * the program's globals when tsdb compiles inside it (the load hook on a cache miss, `instrument()`
 * called by a program): a program would see longer stacks and another formatter from its first cold
 * load on. So they are put back as they were after each transform.
 */
const NAMES = ["stackTraceLimit", "prepareStackTrace"] as const;

/** `transform()`, with `Error`'s two properties as they were before it (own, absent, and how). */
export function keepingErrorGlobals<T>(transform: () => T): T {
  const before = NAMES.map((name) => Object.getOwnPropertyDescriptor(Error, name));
  try {
    return transform();
  } finally {
    NAMES.forEach((name, i) => {
      const descriptor = before[i];
      if (descriptor === undefined) delete (Error as unknown as Record<string, unknown>)[name];
      else Object.defineProperty(Error, name, descriptor);
    });
  }
}
