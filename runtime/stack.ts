/**
 * The shadow stack: the only state instrumented code touches on every call.
 *
 * An activation at depth `d` (1-based; 0 means "no instrumented code running")
 * owns `slots[d]` and `lines[d]`. The fast path stores its code's id (`Key.id`, the index in `codes`)
 * in its slot and the current line in `lines[d]`: two integer stores, no
 * allocation, no write barrier. When somebody needs a real `Frame` (a trace
 * function, `getframe`, a traceback) the runtime "materializes" it: it keeps
 * the Frame in `frames[d]` and sets the slot to FRAME, which is how the
 * generated epilogue knows it must tell the runtime that the frame is leaving
 * (`slots[d] < 0`).
 */
import type { Code, SourceFile } from "./code.js";
import type { Frame } from "./frame.js";
import { dict, list } from "./primordials.js";

/**
 * More than V8's own stack can hold even with a large `--stack-size` (typed arrays are zeroed
 * lazily by the OS: untouched depth costs no memory).
 */
export const STACK_SIZE = 1 << 20;

/** A slot whose activation has a Frame in `frames`. */
export const FRAME = -1;

export const slots = new Int32Array(STACK_SIZE);
export const lines = new Int32Array(STACK_SIZE);
/**
 * Grows as deep as frames are made. (This array and the others here are `list()`s, without a
 * prototype: a program's accessor on `Array.prototype[n]` never sees tsdb's writes; see primordials.ts.)
 */
export const frames: (Frame | null | undefined)[] = list();

/**
 * The value array of the synchronous activation at each depth (compiler/frame-values.ts): made
 * once per depth, reused by every call at that depth; each activation clears its slots when it
 * leaves, so nothing a returned call held stays reachable from here.
 */
export const values: unknown[][] = list();

/**
 * The values of the synchronous activations whose code has CODE_FLAT_VALUES: depth d's are at
 * `(d << VALUE_STRIDE_BITS) + slot` (generated code then loads no array per call).
 */
export const flat: unknown[] = list();

/**
 * The values of the frame whose site is copying a debugger's writes into its variables, by name:
 * `takeWrites` fills it with every writable binding of the site's row whose slot holds its value,
 * the site's reload reads it at once (`({a, b} = $W)`: a name is shorter than a slot number and
 * the `$VS[$o + k]` it stands for), and the runtime empties it at the next event. No prototype: a
 * binding named `__proto__` or `constructor` is an own property like any other.
 */
export const written: Record<string, unknown> = dict();

/** The value array for depth d, made the first time the stack is that deep. */
export function vals(d: number): unknown[] {
  return (values[d] ??= list());
}

/**
 * Every Code by id (`slots` holds ids), or its SourceFile until the file's Codes are made (read
 * through code.ts `codeAt`). A file's entries are cleared once its Keys are collected
 * (code.ts): no function of its code can run any more, and a module evaluated again and again (jest's
 * registry, hot reload) leaves its old Codes, and with them its scope, to the collector.
 */
export const codes: (Code | SourceFile | undefined)[] = list();

/** `sp` is the depth of the innermost running activation. */
export const state = { sp: 0 };

/**
 * The interrupt request: `interrupts[0]` is 1 while somebody (Ctrl-C, an attaching debugger) asks
 * the program to stop. Shared memory, so that another thread can raise it while the main thread is
 * busy; generated code reads it at loop heads and function entries (one load and a branch) and
 * calls the runtime's `interrupted` when it is set.
 */
export const interrupts = new Int32Array(new SharedArrayBuffer(4));
