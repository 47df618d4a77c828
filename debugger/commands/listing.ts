/** Commands that show source: list, longlist. */
import { type Code, getsource, loadedcodes } from "../../runtime/index.js";
import { command } from "../command.js";
import type { Tsdb } from "../debugger.js";
import { formatLines } from "../format.js";

/** The lines of a file's source (no trailing empty line). */
export function sourceLines(filename: string): string[] {
  const text = getsource(filename);
  if (text === undefined) return [];
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Prints source lines as pdb's `_print_lines`, with the breakpoints, current and exception lines of the current frame. */
export function printLines(db: Tsdb, filename: string, lines: readonly string[], first: number): void {
  const breaks = db.getFileBreaks(db.canonic(filename));
  const frame = db.frame;
  const current = db.canonic(frame.code.filename) === db.canonic(filename) ? frame.lineno : -1;
  for (const row of formatLines(lines, first, breaks, current, db.tbLineno.get(frame) ?? -1)) db.message(row);
}

/** The Code of a function value: the loaded function of that name, preferring the current file; null when none or ambiguous. */
function codeOf(db: Tsdb, fn: (...args: unknown[]) => unknown): Code | null {
  const name = fn.name;
  if (!name) return null;
  const isClass = /^class\b/.test(Function.prototype.toString.call(fn));
  const codes = loadedcodes().filter((c) => c.name === (isClass ? "constructor" : name) || c.name === name);
  const own = codes.filter((c) => (isClass ? c.qualname === `${name}.constructor` || c.name === name : c.name === name));
  const here = own.filter((c) => db.canonic(c.filename) === db.defaultFile());
  const pick = here.length > 0 ? here : own;
  return pick.length === 1 ? pick[0] : null;
}

export const listing = [
  command(
    ["source"],
    `
    source expression

    Try to get source code for the given object and display it.`,
    (db, arg) => {
      if (!arg) return db.printInvalidArg("source", arg);
      const value = db.getval(arg);
      if (value === db.NOT_FOUND) return;
      if (typeof value !== "function")
        return db.error(`source: a function or class was expected, got ${value === null ? "null" : typeof value}`);
      const code = codeOf(db, value as (...args: unknown[]) => unknown);
      if (!code)
        return db.error(`could not find the source of ${value.name || "<anonymous>"}: no single instrumented function of that name`);
      const lines = sourceLines(code.filename);
      printLines(db, code.filename, lines.slice(code.firstlineno - 1, code.lastlineno), code.firstlineno);
    },
  ),

  command(
    ["list", "l"],
    `
    l(ist) [first[, last] | .]

    List source code for the current file.  Without arguments,
    list 11 lines around the current line or continue the previous
    listing.  With . as argument, list 11 lines around the current
    line.  With one argument, list 11 lines starting at that line.
    With two arguments, list the given range; if the second
    argument is less than the first, it is a count.

    The current line in the current frame is indicated by "->".
    If an exception is being debugged, the line where the
    exception was originally raised or propagated is indicated by
    ">>", if it differs from the current line.`,
    (db, arg) => {
      db.lastcmd = "list";
      let first: number;
      let last: number | null = null;
      if (arg && arg !== ".") {
        const m = /^\s*([-+]?\d+)\s*(?:,\s*([-+]?\d+)\s*)?$/.exec(arg);
        if (!m) return db.error(`Error in argument: '${arg}'`);
        if (m[2] !== undefined) {
          first = Number(m[1]);
          last = Number(m[2]);
          if (last < first) last = first + last;
        } else {
          first = Math.max(1, Number(m[1]) - 5);
        }
      } else if (db.lineno === null || arg === ".") {
        first = Math.max(1, db.frame.lineno - 5);
      } else {
        first = db.lineno + 1;
      }
      if (last === null) last = first + 10;
      const filename = db.frame.code.filename;
      const lines = sourceLines(filename);
      printLines(db, filename, lines.slice(Math.max(0, first - 1), last), Math.max(1, first));
      db.lineno = Math.min(last, lines.length);
      if (lines.length < last) db.message("[EOF]");
    },
  ),

  command(
    ["longlist", "ll"],
    `
    ll | longlist

    List the whole source code for the current function or frame.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("longlist", arg);
      const code = db.frame.code;
      const lines = sourceLines(code.filename);
      if (lines.length === 0) return db.error("could not get source code");
      let first = 1;
      let last = lines.length;
      if (code.name !== "<module>") {
        first = code.firstlineno;
        last = Math.min(code.lastlineno, lines.length);
      }
      printLines(db, code.filename, lines.slice(first - 1, last), first);
    },
  ),
];
