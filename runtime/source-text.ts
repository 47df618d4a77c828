/**
 * `Function.prototype.toString` of instrumented functions and classes gives their original text,
 * as without tsdb (`String(f)`, `f + ""`, a function used as a computed key...).
 *
 * Installed once per realm when the runtime loads. The replacement asks the engine's own
 * toString, and when that text holds tsdb's marks (contract SOURCE_MARK: comments the compiler
 * puts in every function and class) answers the original text of the widest one: nothing is
 * registered per function, and functions that are not instrumented cost one `indexOf`. It looks
 * like the built-in it replaces: same name, length and property attributes, not a constructor,
 * and its own text is the built-in's.
 */
import { SOURCE_MARK, sourceFileKey } from "../contract/index.js";
import { sourceText } from "./linecache.js";
import { apply, indexOf, SafeMap, SafeWeakMap, slice } from "./primordials.js";
import type { SourceFile } from "./code.js";

const OPEN = `/*${SOURCE_MARK}`;

/** The file names of file keys seen so far (completed from the files loaded since, on a miss). */
const fileByKey = new SafeMap<string, string>();
/** The loaded files whose key is in `fileByKey`: a miss hashes only the others (a test runner's `toString` of each test). */
const keyed = new SafeWeakMap<SourceFile, true>();

function filenameOf(key: string, files: () => readonly SourceFile[]): string | undefined {
  let name = fileByKey.get(key);
  if (name === undefined) {
    const all = files();
    for (let i = 0; i < all.length; i++) {
      const file = all[i];
      if (keyed.has(file)) continue;
      keyed.set(file, true);
      fileByKey.set(sourceFileKey(file.filename), file.filename);
    }
    name = fileByKey.get(key);
  }
  return name;
}

/** A number in base 36 (digits, lowercase letters) in `text` from `at` up to `stop`; -1 when there is none. */
function readNumber(text: string, at: number, stop: number): number {
  if (at >= stop) return -1;
  let n = 0;
  for (let i = at; i < stop; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : -1;
    if (digit < 0) return -1;
    n = n * 36 + digit;
  }
  return n;
}

/** The original text for an engine's text that holds marks, or null (no mark, or the source is not known). */
function originalText(text: string, files: () => readonly SourceFile[]): string | null {
  let at = indexOf(text, OPEN, 0);
  if (at < 0) return null;
  let key = "";
  let start = -1;
  let end = -1;
  while (at >= 0) {
    const close = indexOf(text, "*/", at);
    if (close < 0) break;
    const keyEnd = indexOf(text, ":", at + OPEN.length);
    const startEnd = keyEnd < 0 ? -1 : indexOf(text, ":", keyEnd + 1);
    if (startEnd > 0 && startEnd < close) {
      const s = readNumber(text, keyEnd + 1, startEnd);
      const length = readNumber(text, startEnd + 1, close);
      // The function's own mark is the longest: the others are those of functions nested in it.
      if (s >= 0 && length > end - start) {
        key = slice(text, at + OPEN.length, keyEnd);
        start = s;
        end = s + length;
      }
    }
    at = indexOf(text, OPEN, close);
  }
  if (start < 0) return null;
  const filename = filenameOf(key, files);
  const source = filename === undefined ? null : sourceText(filename);
  if (source === null || end > source.length) return null;
  const original = slice(source, start, end);
  // A source that changed since it was instrumented: the engine's text is the better answer. (The
  // printer puts an arrow's one parameter in parentheses: `a => 0` is `(a)=>…` in the engine's.)
  const first = original.charCodeAt(0);
  return first === text.charCodeAt(0) || (text.charCodeAt(0) === 40 && first === text.charCodeAt(1)) ? original : null;
}

/**
 * Replaces `Function.prototype.toString` of this realm. (A second copy of the runtime wraps the
 * first copy's replacement: still the built-in's text for itself, the original text for others.)
 */
export function installToString(files: () => readonly SourceFile[]): void {
  const proto = Function.prototype as { toString: () => string };
  const native = proto.toString;
  const replacement = {
    // A method: no `prototype`, not a constructor, length 0, name "toString", as the built-in.
    toString(this: unknown): string {
      if (this === replacement) return apply(native, native, []) as string;
      const text = apply(native, this, []) as string;
      return originalText(text, files) ?? text;
    },
  }.toString;
  const descriptor = Reflect.getOwnPropertyDescriptor(proto, "toString")!;
  Reflect.defineProperty(proto, "toString", {
    value: replacement,
    writable: descriptor.writable,
    enumerable: descriptor.enumerable,
    configurable: descriptor.configurable,
  });
}
