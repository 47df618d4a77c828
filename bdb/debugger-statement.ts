/**
 * `debugger;` statements (JS only: bdb.py has nothing like them). The runtime has one hook for
 * them; the Bdb that installed it last owns it, and only its owner removes it, so a debugger
 * that finishes does not take the hook from another one that runs (a recursive debugger).
 */
import type { Frame } from "../runtime/frame.js";
import { setdebuggerhook } from "../runtime/trace.js";

let owner: object | null = null;

/** `onStatement(frame)` runs at each `debugger;` statement from now on, on behalf of `bdb`. */
export function claimDebuggerStatements(bdb: object, onStatement: (frame: Frame) => void): void {
  owner = bdb;
  setdebuggerhook(onStatement);
}

/** Removes the hook if `bdb` installed it last. */
export function releaseDebuggerStatements(bdb: object): void {
  if (owner !== bdb) return;
  owner = null;
  setdebuggerhook(null);
}
