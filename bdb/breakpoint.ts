/**
 * `bdb.Breakpoint`, `checkfuncname` and `effective`, ported from CPython's
 * Lib/bdb.py (3.12/3.13). Same state in the class (statics), same numbering,
 * same hit/ignore/condition rules.
 */
import { copyOf, SafeMap } from "../runtime/primordials.js";
import type { Frame } from "../runtime/frame.js";

/** Something with a `write(string)` method (Python's file-like `out`). */
export interface Writable {
  write(text: string): unknown;
}

/** Key of `Breakpoint.bplist` (Python uses the tuple `(file, line)`). */
export function bpKey(file: string, line: number): string {
  return `${file}:${line}`;
}

/**
 * Breakpoint class.
 *
 * Implements temporary breakpoints, ignore counts, disabling and
 * (re)-enabling, and conditionals. Breakpoints are indexed by number through
 * `bpbynumber` and by `${file}:${line}` through `bplist` (a list, since there
 * may be more than one breakpoint per line). The file should be canonical.
 */
export class Breakpoint {
  // As in bdb.py, the state lives in the class: one active Bdb at a time.
  /** Next breakpoint number to be assigned. */
  static next = 1;
  /** Breakpoints by `${file}:${line}`. */
  static bplist: Map<string, Breakpoint[]> = new SafeMap();
  /** Breakpoints by number; index 0 is unused, deleted entries are null. */
  static bpbynumber: (Breakpoint | null)[] = [null];

  funcname: string | null;
  /** Line of the first line event of `funcname` (set on its first call). */
  funcFirstExecutableLine: number | null = null;
  file: string;
  line: number;
  temporary: boolean;
  cond: string | null;
  enabled = true;
  ignore = 0;
  hits = 0;
  number: number;

  constructor(file: string, line: number, temporary = false, cond: string | null = null, funcname: string | null = null) {
    this.funcname = funcname;
    this.file = file; // This better be in canonical form!
    this.line = line;
    this.temporary = temporary;
    this.cond = cond;
    this.number = Breakpoint.next;
    Breakpoint.next += 1;
    // Build the two lists
    Breakpoint.bpbynumber.push(this);
    const key = bpKey(file, line);
    const list = Breakpoint.bplist.get(key);
    if (list !== undefined) list.push(this);
    else Breakpoint.bplist.set(key, [this]);
  }

  static clearBreakpoints(): void {
    Breakpoint.next = 1;
    Breakpoint.bplist = new SafeMap();
    Breakpoint.bpbynumber = [null];
  }

  /**
   * Delete the breakpoint from the list associated to a file:line. If it is
   * the last breakpoint in that position, delete the entry for the file:line.
   */
  deleteMe(): void {
    const key = bpKey(this.file, this.line);
    Breakpoint.bpbynumber[this.number] = null; // No longer in list
    const list = Breakpoint.bplist.get(key);
    // Python raises here (ValueError/KeyError) when the breakpoint was already
    // deleted; tsdb deletes it at most once and stays quiet.
    if (list === undefined) return;
    const i = list.indexOf(this);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) Breakpoint.bplist.delete(key); // No more bp for this f:l combo
  }

  /** Mark the breakpoint as enabled. */
  enable(): void {
    this.enabled = true;
  }

  /** Mark the breakpoint as disabled. */
  disable(): void {
    this.enabled = false;
  }

  /** Print the output of bpformat() to `out` (default: standard output). */
  bpprint(out?: Writable | null): void {
    (out ?? process.stdout).write(this.bpformat() + "\n");
  }

  /**
   * A string with the breakpoint number, temporary status, file:line
   * position, break condition, number of times to ignore and times hit.
   */
  bpformat(): string {
    let disp = this.temporary ? "del  " : "keep ";
    disp += this.enabled ? "yes  " : "no   ";
    let ret = `${String(this.number).padEnd(4)}breakpoint   ${disp} at ${this.file}:${this.line}`;
    if (this.cond) ret += `\n\tstop only if ${this.cond}`;
    if (this.ignore) ret += `\n\tignore next ${this.ignore} hits`;
    if (this.hits) {
      const ss = this.hits > 1 ? "s" : "";
      ret += `\n\tbreakpoint already hit ${this.hits} time${ss}`;
    }
    return ret;
  }

  /** A condensed description of the breakpoint (Python's `__str__`). */
  toString(): string {
    return `breakpoint ${this.number} at ${this.file}:${this.line}`;
  }
}

/**
 * Return true if a break should happen here.
 *
 * A breakpoint set by line number breaks when the frame is on that line. One
 * set by function name breaks on the first line event of that function.
 */
export function checkfuncname(b: Breakpoint, frame: Frame): boolean {
  if (!b.funcname) {
    // Breakpoint was set via line number.
    if (b.line !== frame.lineno) {
      // Breakpoint was set at a line with a function definition and the
      // function defined is called: don't break.
      return false;
    }
    return true;
  }
  // Breakpoint set via function name.
  if (frame.code.name !== b.funcname) {
    // It's not a function call, but rather execution of the definition.
    return false;
  }
  // We are in the right frame.
  if (!b.funcFirstExecutableLine) {
    // The function is entered for the 1st time.
    b.funcFirstExecutableLine = frame.lineno;
  }
  if (b.funcFirstExecutableLine !== frame.lineno) {
    // But we are not at the first line number: don't break.
    return false;
  }
  return true;
}

/**
 * Determine which breakpoint for this file:line is to be acted upon.
 *
 * Called only if we know there is a breakpoint at this location. Returns the
 * breakpoint that was triggered and a flag that says whether it is ok to
 * delete a temporary breakpoint; `[null, null]` when no breakpoint matches.
 * Conditions are evaluated with `frame.eval` (Python: `eval(cond, f_globals,
 * f_locals)`); JavaScript truthiness decides.
 */
export function effective(file: string, line: number, frame: Frame): [Breakpoint, boolean] | [null, null] {
  // Python raises KeyError when bplist has no such entry; tsdb: no breakpoint.
  const possibles = Breakpoint.bplist.get(bpKey(file, line)) ?? [];
  // Iterate over a copy: a condition may change the list.
  // (JS: an index loop over a copy made without the array iterator: runtime/primordials.ts)
  const copy = copyOf(possibles);
  for (let i = 0; i < copy.length; i++) {
    const b = copy[i];
    if (!b.enabled) continue;
    if (!checkfuncname(b, frame)) continue;
    // Count every hit when bp is enabled
    b.hits += 1;
    if (!b.cond) {
      // If unconditional, and ignoring go on to next, else break
      if (b.ignore > 0) {
        b.ignore -= 1;
        continue;
      }
      // breakpoint and marker that it's ok to delete if temporary
      return [b, true];
    }
    // Conditional bp. Ignore count applies only to those bpt hits where the
    // condition evaluates to true.
    let val: unknown;
    try {
      val = frame.eval(b.cond);
    } catch {
      // If eval fails, most conservative thing is to stop on breakpoint
      // regardless of ignore count. Don't delete temporary, as another hint
      // to user.
      return [b, false];
    }
    if (val) {
      if (b.ignore > 0) b.ignore -= 1;
      else return [b, true];
    }
  }
  return [null, null];
}
