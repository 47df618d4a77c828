/**
 * The built-ins tsdb uses while a program runs, saved when tsdb loads (what Node's own
 * `primordials` are to its internals). A program may delete or replace `Array.prototype`'s
 * methods or its iterator, put a setter or a read-only value on `Array.prototype[1]`, patch
 * `Map.prototype.get` or `WeakRef.prototype.deref`: tsdb must go on working as if it had not,
 * and must not call the program's replacements (that would change what the program sees).
 *
 * So, on every path a program can reach (events, frames, `settrace`, Bdb's dispatch):
 * - no `for…of`, spread or array destructuring over arrays (they go through the array
 *   iterator): index loops instead;
 * - no `Array.prototype` method (patchable, and `slice`/`map`/`filter` read `constructor`):
 *   the loops below;
 * - arrays tsdb writes by index are made by `list()`: no prototype, so a write never meets an
 *   accessor or a read-only element of `Array.prototype` or `Object.prototype`;
 * - maps, sets, weak maps and weak refs are the `Safe*` classes: their methods are copies made
 *   at load time, on a prototype of their own. Never iterate them with `for…of` (the iterator's
 *   `next` is shared with the program): `forEach`.
 */

const { apply, defineProperty, deleteProperty, getOwnPropertyDescriptor, ownKeys, setPrototypeOf } = Reflect;
export { apply, defineProperty, deleteProperty, getOwnPropertyDescriptor, ownKeys, setPrototypeOf };

const ArrayPrototype = Array.prototype;
export const ObjectCreate = Object.create;
export const ObjectAssign = Object.assign;
export const ObjectKeys = Object.keys;
export const ObjectIs = Object.is;
export const ObjectFreeze = Object.freeze;
export const getPrototypeOf = Reflect.getPrototypeOf;
export const isArray = Array.isArray;
export const MathMax = Math.max;
export const SafeProxy = Proxy;
export const SafeUint8Array = Uint8Array;
export const SafeInt32Array = Int32Array;
export const jsonParse = JSON.parse;
const NumberParseInt = Number.parseInt;
const stringIndexOf = String.prototype.indexOf;
const stringLastIndexOf = String.prototype.lastIndexOf;
const stringSlice = String.prototype.slice;
const functionToString = Function.prototype.toString;
const typedArrayFill = (Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array).fill;

/** A null-prototype object for use as a dictionary. */
export function dict<T>(): Record<string, T> {
  return ObjectCreate(null) as Record<string, T>;
}

/** An empty array without a prototype (see above): index reads and writes only. */
export function list<T>(): T[] {
  const items: T[] = [];
  setPrototypeOf(items, null);
  return items;
}

/** A `list()` handed to a program or a debugger: a plain array again (its own methods). */
export function asArray<T>(items: T[]): T[] {
  setPrototypeOf(items, ArrayPrototype);
  return items;
}

/** `items.push(item)` for a `list()`. */
export function append<T>(items: T[], item: T): void {
  items[items.length] = item;
}

/** `items.includes(item)` (SameValueZero as `includes`, for the strings and numbers tsdb compares). */
export function contains<T>(items: readonly T[], item: T): boolean {
  return position(items, item) >= 0;
}

/** The index of `item` in `items`, -1 when it is not there. */
export function position<T>(items: readonly T[], item: T): number {
  for (let i = 0; i < items.length; i++) if (items[i] === item) return i;
  return -1;
}

/** A copy of `items[from, to)` as a `list()`. */
export function copyOf<T>(items: readonly T[], from = 0, to = items.length): T[] {
  const out = list<T>();
  for (let i = from; i < to; i++) out[i - from] = items[i];
  return out;
}

export function fillBytes(table: Uint8Array, value: number): void {
  apply(typedArrayFill, table, [value]);
}

export function indexOf(text: string, part: string, from: number): number {
  return apply(stringIndexOf, text, [part, from]) as number;
}

export function lastIndexOf(text: string, part: string): number {
  return apply(stringLastIndexOf, text, [part]) as number;
}

export function slice(text: string, start: number, end: number): string {
  return apply(stringSlice, text, [start, end]) as string;
}

/** The engine's text of a function (the built-in as tsdb found it; runtime/source-text.ts replaces the program's). */
export function functionText(fn: () => void): string {
  return apply(functionToString, fn, []) as string;
}

/**
 * `text.split(separator)` as a `list()` (String.prototype.split would look `separator`'s
 * `Symbol.split` up on String.prototype, where a program may have put one).
 */
export function split(text: string, separator: string): string[] {
  const parts = list<string>();
  let from = 0;
  for (let at = indexOf(text, separator, 0); at !== -1; at = indexOf(text, separator, from)) {
    append(parts, slice(text, from, at));
    from = at + separator.length;
  }
  append(parts, slice(text, from, text.length));
  return parts;
}

/** A number written in base 36 (a `-` for negatives). */
export function parseBase36(text: string): number {
  return NumberParseInt(text, 36);
}

/** Gives `Safe` the methods of `Unsafe`'s prototype as they are now, and freezes them there. */
function makeSafe<T extends abstract new (...args: never[]) => unknown>(Unsafe: { prototype: object }, Safe: T): T {
  const keys = ownKeys(Unsafe.prototype);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "constructor" || getOwnPropertyDescriptor(Safe.prototype, key) !== undefined) continue;
    const desc = getOwnPropertyDescriptor(Unsafe.prototype, key)!;
    setPrototypeOf(desc, null);
    defineProperty(Safe.prototype, key, desc);
  }
  Object.freeze(Safe.prototype);
  return Safe;
}

// Explicit constructors: a default one passes its arguments on with a spread (the array iterator).
export const SafeMap = makeSafe(
  Map,
  class SafeMap<K, V> extends Map<K, V> {
    constructor(entries?: Iterable<readonly [K, V]> | null) {
      super(entries);
    }
  },
);
export const SafeSet = makeSafe(
  Set,
  class SafeSet<T> extends Set<T> {
    constructor(items?: Iterable<T> | null) {
      super(items);
    }
  },
);
export const SafeWeakMap = makeSafe(
  WeakMap,
  class SafeWeakMap<K extends WeakKey, V> extends WeakMap<K, V> {
    constructor() {
      super();
    }
  },
);
export const SafeWeakRef = makeSafe(
  WeakRef,
  class SafeWeakRef<T extends WeakKey> extends WeakRef<T> {
    constructor(target: T) {
      super(target);
    }
  },
);
export const SafeFinalizationRegistry = makeSafe(
  FinalizationRegistry,
  class SafeFinalizationRegistry<T> extends FinalizationRegistry<T> {
    constructor(cleanup: (held: T) => void) {
      super(cleanup);
    }
  },
);
export const safeQueueMicrotask = queueMicrotask;
