/**
 * The shadow stack: the only state instrumented code touches on every call.
 *
 * An activation at depth `d` (1-based; 0 means "no instrumented code running")
 * owns `slots[d]` and `lines[d]`. The fast path stores the code's `Key` in its
 * slot and the current line in `lines[d]`; nothing is allocated. When somebody
 * needs a real `Frame` (a trace function, `getframe`, a traceback) the runtime
 * "materializes" it: it builds the Frame and stores it in the slot in place of
 * the Key, which is how the generated epilogue knows it must tell the runtime
 * that the frame is leaving (`slots[d] !== key`).
 */
import type { Key } from "./code.js";
import type { Frame } from "./frame.js";

/** Deeper recursion still works: `slots` grows and `lines` stops recording. */
export const STACK_SIZE = 1 << 16;

export const slots: (Key | Frame | null)[] = new Array(STACK_SIZE).fill(null);
export const lines = new Int32Array(STACK_SIZE);

/** `sp` is the depth of the innermost running activation. */
export const state = { sp: 0 };
