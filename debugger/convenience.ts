/**
 * Convenience variables, as pdb 3.12+: `$_frame`, `$_retval`, `$_exception`
 * (set by the debugger) and `$name` variables of the user's own, usable in
 * any expression typed at the prompt.
 *
 * `$` is an identifier character in JavaScript, so no rewriting is needed:
 * while an expression runs, each `$name` it mentions is a global property
 * (removed right after); the program's own bindings and globals of the same
 * name win, since they are found first or left alone.
 */
const NAME = /(?<![\w$.])\$([A-Za-z_][\w]*)/g;

export class ConvenienceVariables {
  private readonly values = new Map<string, unknown>();

  set(name: string, value: unknown): void {
    this.values.set(name, value);
  }

  delete(name: string): void {
    this.values.delete(name);
  }

  /** Runs `fn` (which evaluates `text`) with the `$name`s of `text` defined; keeps what it assigned to them. */
  run<T>(text: string, fn: () => T): T {
    const names = [...text.matchAll(NAME)].map((m) => "$" + m[1]);
    return withGlobals(this.values, names, fn, (key) => key.slice(1));
  }
}

/**
 * Runs `fn` with `names` defined as global properties holding their values
 * in `values` (under `key(name)`), then removes them and keeps what `fn`
 * assigned to them. A name the program has as a global is left alone.
 */
export function withGlobals<T>(values: Map<string, unknown>, names: Iterable<string>, fn: () => T, key = (name: string) => name): T {
  const global = globalThis as Record<string, unknown>;
  const defined: string[] = [];
  for (const name of names) {
    if (name in global) continue; // the program's own global, or defined already
    Object.defineProperty(global, name, { value: values.get(key(name)), writable: true, configurable: true, enumerable: false });
    defined.push(name);
  }
  try {
    return fn();
  } finally {
    for (const name of defined) {
      const value = global[name];
      delete global[name];
      if (value !== undefined || values.has(key(name))) values.set(key(name), value);
    }
  }
}
