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
    const global = globalThis as Record<string, unknown>;
    const defined: string[] = [];
    for (const m of text.matchAll(NAME)) {
      const key = "$" + m[1];
      if (key in global) continue; // the program's own global, or defined already
      Object.defineProperty(global, key, { value: this.values.get(m[1]), writable: true, configurable: true, enumerable: false });
      defined.push(key);
    }
    try {
      return fn();
    } finally {
      for (const key of defined) {
        const value = global[key];
        delete global[key];
        const name = key.slice(1);
        if (value !== undefined || this.values.has(name)) this.values.set(name, value);
      }
    }
  }
}
