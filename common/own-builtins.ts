/**
 * The built-ins tsdb's own code runs with while the program is paused: the `tsdb` debugger at a
 * stop, and `tsdb/register` compiling a file the program `require()`s.
 *
 * Both run in the program's realm: a program that replaces `String.prototype.trim`, deletes
 * `Array.prototype.push` or sets `Error.prepareStackTrace` would otherwise change what they do
 * (the source line the debugger prints, the commands it reads; Babel's output, or a crash where
 * plain Node loads the file). So the built-ins are saved when tsdb loads, before the program runs;
 * `ours` puts back those the program changed, and puts the program's back before anything of the
 * program runs again: when the program resumes, and around the code a stop runs for the program
 * (what the user evaluates, and the formatting of the program's values, which may call the
 * program's `inspect` methods). Saving takes about 0.6 ms, on the threads a program runs on only;
 * each switch reads every saved property (0.1-0.25 ms): the register's cache hits do not pay it,
 * only its compiles.
 *
 * Saved: each standard global (`Object`, `Array`, `JSON`, `Buffer`...), its own properties and its
 * prototype's, and the iterator and generator prototypes. Not saved: `process`, `console` and the
 * program's own globals (Node changes them as it runs; they are not the debugger's tools).
 * A property the program made read-only and non-configurable stays the program's.
 *
 * This code itself runs while the program's built-ins are in place: it uses the saved functions
 * only (see runtime/primordials.ts).
 */
import {
  defineProperty,
  deleteProperty,
  getOwnPropertyDescriptor,
  getPrototypeOf,
  list,
  ObjectIs,
  ownKeys,
  SafeMap,
  SafeSet,
  setPrototypeOf,
} from "../runtime/primordials.js";

type Key = string | symbol;

/** The standard globals (ECMAScript's, and Node's Buffer and text and URL classes) whose objects are saved. */
const GLOBALS = [
  "Object Function Array Number Boolean String Symbol BigInt Date Promise RegExp Error",
  "AggregateError EvalError RangeError ReferenceError SyntaxError TypeError URIError JSON Math",
  "Reflect Proxy Map Set WeakMap WeakSet WeakRef FinalizationRegistry ArrayBuffer SharedArrayBuffer",
  "DataView Atomics Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array",
  "Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array Intl parseInt parseFloat",
  "isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI Buffer TextEncoder",
  "TextDecoder URL URLSearchParams",
]
  .join(" ")
  .split(" ");

/** An object as tsdb found it: its own properties (all of them, or only `keys` for the global object) and prototype. */
interface Saved {
  readonly target: object;
  readonly keys: Key[];
  readonly all: boolean;
  readonly descriptors: Map<Key, PropertyDescriptor>;
  readonly proto: object | null;
}

/** What the program had changed in one saved object, to be put back when the stop ends. */
interface Change {
  readonly saved: Saved;
  /** the program's keys, in its order */
  readonly keys: Key[];
  /** the program's descriptor of each changed key (undefined: the program had deleted it) */
  readonly descriptors: Map<Key, PropertyDescriptor | undefined>;
  readonly proto: object | null;
}

/**
 * A property's descriptor, without a prototype: a program that sets `Object.prototype.value` or
 * `.get` must not add a field to it (that would make `defineProperty` refuse it).
 */
function descriptorOf(target: object, key: Key): PropertyDescriptor | undefined {
  const descriptor = getOwnPropertyDescriptor(target, key);
  if (descriptor !== undefined) setPrototypeOf(descriptor, null);
  return descriptor;
}

function save(target: object, all: boolean, only: Key[]): Saved {
  const keys = all ? ownKeys(target) : only;
  const descriptors = new SafeMap<Key, PropertyDescriptor>();
  for (let i = 0; i < keys.length; i++) {
    const descriptor = descriptorOf(target, keys[i]);
    if (descriptor !== undefined) descriptors.set(keys[i], descriptor);
  }
  return { target, keys, all, descriptors, proto: getPrototypeOf(target) };
}

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    ObjectIs(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

function put(target: object, key: Key, descriptor: PropertyDescriptor | undefined): void {
  // (false when the program made the property non-configurable: it stays as it is)
  if (descriptor === undefined) deleteProperty(target, key);
  else defineProperty(target, key, descriptor);
}

/** Every object saved: the globals, their prototypes, the intrinsics no global names. */
function saveAll(): Saved[] {
  const saved = list<Saved>();
  const seen = new SafeSet<unknown>();
  const add = (value: unknown) => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) return;
    seen.add(value);
    saved[saved.length] = save(value, true, []);
    const prototype: unknown = getOwnPropertyDescriptor(value, "prototype")?.value;
    if (typeof prototype === "object" && prototype !== null && !seen.has(prototype)) add(prototype);
  };
  const global = globalThis as Record<string, unknown>;
  for (let i = 0; i < GLOBALS.length; i++) add(global[GLOBALS[i]]);
  const arrayIterator = getPrototypeOf([][Symbol.iterator]());
  add(arrayIterator);
  add(getPrototypeOf(arrayIterator as object));
  add(getPrototypeOf(""[Symbol.iterator]()));
  add(getPrototypeOf(new Map()[Symbol.iterator]()));
  add(getPrototypeOf(new Set()[Symbol.iterator]()));
  add(getPrototypeOf(/a/[Symbol.matchAll]("")));
  add(getPrototypeOf(Uint8Array));
  add(getPrototypeOf(function* () {}));
  add(getPrototypeOf(async () => {}));
  add(getPrototypeOf(async function* () {}));
  saved[saved.length] = save(globalThis, false, GLOBALS);
  return saved;
}

/** The keys of `target` now: all its own, or the saved ones (the global object). */
function keysOf(saved: Saved): Key[] {
  return saved.all ? ownKeys(saved.target) : saved.keys;
}

/** Puts tsdb's built-ins in place; returns what the program had, to be put back. */
function takeOver(saved: Saved[]): Change[] {
  const changes = list<Change>();
  for (let i = 0; i < saved.length; i++) {
    const s = saved[i];
    const { target } = s;
    const keys = keysOf(s);
    let descriptors: Map<Key, PropertyDescriptor | undefined> | null = null;
    for (let k = 0; k < keys.length; k++) {
      // (compared as it comes: a field the program put on Object.prototype can only make it differ)
      const now = getOwnPropertyDescriptor(target, keys[k]);
      if (sameDescriptor(now, s.descriptors.get(keys[k]))) continue;
      if (now !== undefined) setPrototypeOf(now, null);
      descriptors ??= new SafeMap();
      descriptors.set(keys[k], now);
    }
    if (s.all) {
      // (saved keys the program deleted)
      for (let k = 0; k < s.keys.length; k++) {
        if (getOwnPropertyDescriptor(target, s.keys[k]) !== undefined) continue;
        descriptors ??= new SafeMap();
        descriptors.set(s.keys[k], undefined);
      }
    }
    const proto = getPrototypeOf(target);
    if (descriptors === null && proto === s.proto) continue;
    const change: Change = { saved: s, keys, descriptors: descriptors ?? new SafeMap(), proto };
    changes[changes.length] = change;
    change.descriptors.forEach((_program, key) => {
      put(target, key, s.descriptors.get(key));
    });
    if (proto !== s.proto) setPrototypeOf(target, s.proto);
  }
  return changes;
}

/** Puts back the program's built-ins `changes` recorded, its order of keys too. */
function giveBack(changes: Change[]): void {
  for (let i = 0; i < changes.length; i++) {
    const { saved, keys, descriptors, proto } = changes[i];
    const { target } = saved;
    if (proto !== saved.proto) setPrototypeOf(target, proto);
    descriptors.forEach((program, key) => {
      put(target, key, program);
    });
    if (!saved.all) continue;
    // A key deleted for the stop and defined again comes last: the keys after the first one out
    // of the program's order are defined again in that order.
    const now = ownKeys(target);
    let from = 0;
    while (from < keys.length && from < now.length && now[from] === keys[from]) from++;
    for (let k = from; k < keys.length; k++) {
      const descriptor = descriptorOf(target, keys[k]);
      if (descriptor === undefined || !deleteProperty(target, keys[k])) continue;
      defineProperty(target, keys[k], descriptor);
    }
  }
}

/**
 * The switch between the program's built-ins and tsdb's. `ours` runs tsdb's code with tsdb's;
 * `asProgram`, inside it, runs the program's code with the program's.
 */
export class OwnBuiltins {
  /** null until `save()`: then `ours` and `asProgram` only run their function */
  private saved: Saved[] | null = null;
  /** what the program had, one entry per `ours` entered (a recursive debugger's stops nest) */
  private readonly programs = list<Change[]>();
  /** true while tsdb's built-ins are in place */
  private inPlace = false;

  /**
   * Saves the built-ins as they are now: called before the program runs, on the threads it runs
   * on (not the module hooks thread: no program code runs there). Once only.
   */
  save(): void {
    this.saved ??= saveAll();
  }

  ours<T>(run: () => T): T {
    const { saved } = this;
    if (saved === null || this.inPlace) return run();
    this.programs[this.programs.length] = takeOver(saved);
    this.inPlace = true;
    try {
      return run();
    } finally {
      this.inPlace = false;
      const top = this.programs.length - 1;
      giveBack(this.programs[top]);
      this.programs.length = top;
    }
  }

  asProgram<T>(run: () => T): T {
    if (!this.inPlace) return run();
    const top = this.programs.length - 1;
    giveBack(this.programs[top]);
    this.inPlace = false;
    try {
      return run();
    } finally {
      // (what the program's code changed is the program's now)
      this.programs[top] = takeOver(this.saved!);
      this.inPlace = true;
    }
  }
}

/** One for the bundle (a recursive debugger's stops nest in its caller's). */
export const ownBuiltins = new OwnBuiltins();
