/** Breakpoint commands: break, tbreak, clear, disable, enable, ignore, condition. */
import { Breakpoint } from "../../bdb/index.js";
import type { Code } from "../../runtime/index.js";
import { loadedcodes } from "../../runtime/index.js";
import { command, type Result } from "../command.js";
import type { Tsdb } from "../debugger.js";
import { Interrupt } from "../io.js";
import { findFunction } from "../source.js";

/** Codes named `name` (or with that qualname) among the loaded files. */
function codesNamed(name: string): Code[] {
  return loadedcodes().filter((code) => code.name === name || code.qualname === name);
}

/** The first line of a function's body (where `break function` stops). */
function firstLine(code: Code): number {
  const lines = [...code.lines].sort((a, b) => a - b);
  return lines.find((l) => l > code.firstlineno) ?? lines[0] ?? code.firstlineno;
}

/** `break name`: where the function called `name` starts (loaded code, the frame's value, the source). */
function resolveFunction(db: Tsdb, arg: string): { filename: string; lineno: number; funcname: string } | null {
  const here = db.defaultFile();
  const pick = (codes: Code[]) => codes.find((c) => db.canonic(c.filename) === here) ?? codes[0];
  let codes = codesNamed(arg);
  if (codes.length === 0) {
    let value: unknown;
    try {
      value = db.frame.eval(arg);
    } catch {
      value = undefined;
    }
    if (typeof value === "function" && value.name) codes = codesNamed(value.name);
  }
  if (codes.length > 0) {
    const code = pick(codes);
    return { filename: db.canonic(code.filename), lineno: firstLine(code), funcname: code.name };
  }
  // Not loaded yet: a function of the current file or of the main script, or `module.function` (pdb's form) in another file.
  const parts = arg.split(".");
  const name = parts[parts.length - 1];
  const files = here === db.mainFile ? [here] : [here, db.mainFile];
  if (parts.length > 1) {
    const other = db.lookupFile(parts.slice(0, -1).join("."));
    if (other) files.unshift(other);
  }
  for (const file of files) {
    const fn = findFunction(file, name);
    if (fn) return { filename: file, lineno: fn.bodyLine, funcname: name };
  }
  return null;
}

function breakCommand(db: Tsdb, arg: string, temporary: boolean): Result {
  if (!arg) {
    const bps = Breakpoint.bpbynumber.filter((bp): bp is Breakpoint => bp !== null);
    if (bps.length > 0) {
      db.message("Num Type         Disp Enb   Where");
      for (const bp of bps) db.message(bp.bpformat());
    }
    return;
  }
  let filename: string | null = null;
  let lineno: number;
  let cond: string | null = null;
  let funcname: string | null = null;
  let spec = arg;
  const comma = spec.indexOf(",");
  if (comma > 0) {
    cond = spec.slice(comma + 1).trim();
    const err = db.compileError(cond);
    if (err) return db.error(`Invalid condition ${cond}: ${err}`);
    spec = spec.slice(0, comma).trim();
  }
  const colon = spec.lastIndexOf(":");
  if (colon >= 0) {
    const name = spec.slice(0, colon).trim();
    filename = db.lookupFile(name);
    if (!filename) return db.error(`'${name}' not found`);
    const text = spec.slice(colon + 1).trim();
    if (!/^\d+$/.test(text)) return db.error(`Bad lineno: ${text}`);
    lineno = Number(text);
  } else if (/^\d+$/.test(spec)) {
    lineno = Number(spec);
  } else {
    const found = resolveFunction(db, spec);
    if (!found) return db.error(`The specified object '${spec}' is not a function or was not found along the loaded files.`);
    ({ filename, lineno, funcname } = found);
  }
  filename ??= db.defaultFile();
  const line = db.checkline(filename, lineno);
  if (!line) return;
  const err = db.setBreak(filename, line, temporary, cond, funcname);
  if (err) return db.error(String(err));
  const list = db.getBreaks(filename, line);
  const bp = list[list.length - 1];
  db.message(`Breakpoint ${bp.number} at ${bp.file}:${bp.line}`);
  db.instrumentFile?.(bp.file);
}

function bpByNumber(db: Tsdb, arg: string): Breakpoint | null {
  try {
    return db.getBpbynumber(arg);
  } catch (error) {
    db.error(error instanceof Error ? error.message : String(error));
    return null;
  }
}

function enableDisable(db: Tsdb, arg: string, enable: boolean): Result {
  if (!arg) return db.printInvalidArg(enable ? "enable" : "disable", arg);
  for (const i of arg.split(/\s+/)) {
    const bp = bpByNumber(db, i);
    if (!bp) continue;
    if (enable) bp.enable();
    else bp.disable();
    db.message(`${enable ? "Enabled" : "Disabled"} ${bp}`);
  }
}

export const breakpoints = [
  command(
    ["commands"],
    `
    (tsdb) commands [bpnumber]
    (com) ...
    (com) end
    (tsdb)

    Specify a list of commands for breakpoint number bpnumber.
    The commands themselves are entered on the following lines.
    Type a line containing just 'end' to terminate the commands.
    The commands are executed when the breakpoint is hit.

    To remove all commands from a breakpoint, type commands and
    follow it immediately with end; that is, give no commands.

    With no bpnumber argument, commands refers to the last
    breakpoint set.

    You can use breakpoint commands to start your program up
    again.  Simply use the continue command, or step, or any other
    command that resumes execution.

    Specifying any command resuming execution (currently continue,
    step, next, return, until, run, quit and their abbreviations)
    terminates the command list (as if that command was
    immediately followed by end).  This is because any time you
    resume execution (even with a simple next or step), you may
    encounter another breakpoint -- which could have its own
    command list, leading to ambiguities about which list to
    execute.

    If you use the 'silent' command in the command list, the usual
    message about stopping at a breakpoint is not printed.  This
    may be desirable for breakpoints that are to print a specific
    message and then continue.  If none of the other commands
    print anything, you will see no sign that the breakpoint was
    reached.`,
    (db, arg) => {
      let number: number;
      if (!arg) number = Breakpoint.bpbynumber.length - 1;
      else if (/^\d+$/.test(arg)) number = Number(arg);
      else return db.printInvalidArg("commands", arg);
      try {
        db.getBpbynumber(number);
      } catch (error) {
        return db.error(`cannot set commands: ${error instanceof Error ? error.message : String(error)}`);
      }
      db.defineCommands(number);
    },
  ),

  command(
    ["break", "b"],
    `
    b(reak) [ ([filename:]lineno | function) [, condition] ]

    Without argument, list all breaks.

    With a line number argument, set a break at this line in the
    current file.  With a function name, set a break at the first
    executable line of that function.  If a second argument is
    present, it is a JavaScript expression which must evaluate to
    true before the breakpoint is honored.

    The line number may be prefixed with a filename and a colon,
    to specify a breakpoint in another file (probably one that
    hasn't been loaded yet).  The file is looked up from the
    working directory, the script's directory and the loaded files.`,
    (db, arg) => breakCommand(db, arg, false),
  ),

  command(
    ["tbreak"],
    `
    tbreak [ ([filename:]lineno | function) [, condition] ]

    Same arguments as break, but sets a temporary breakpoint: it
    is automatically deleted when first hit.`,
    (db, arg) => breakCommand(db, arg, true),
  ),

  command(
    ["clear", "cl"],
    `
    cl(ear) [filename:lineno | bpnumber ...]

    With a space separated list of breakpoint numbers, clear
    those breakpoints.  Without argument, clear all breaks (but
    first ask confirmation).  With a filename:lineno argument,
    clear all breaks at that line in that file.`,
    (db, arg) => {
      if (!arg) {
        let reply: string | null;
        try {
          reply = db.reader.readline("Clear all breaks? ");
        } catch (error) {
          if (error instanceof Interrupt) reply = "no";
          else throw error;
        }
        reply = (reply ?? "no").trim().toLowerCase();
        if (reply === "y" || reply === "yes") {
          const bps = Breakpoint.bpbynumber.filter((bp): bp is Breakpoint => bp !== null);
          db.clearAllBreaks();
          for (const bp of bps) db.message(`Deleted ${bp}`);
        }
        return;
      }
      if (arg.includes(":")) {
        const i = arg.lastIndexOf(":");
        const name = arg.slice(0, i).trim();
        const text = arg.slice(i + 1).trim();
        if (!/^\d+$/.test(text)) return db.error(`Invalid line number (${text})`);
        const filename = db.lookupFile(name) ?? name;
        const lineno = Number(text);
        const bps = [...db.getBreaks(filename, lineno)];
        const err = db.clearBreak(filename, lineno);
        if (err) return db.error(String(err));
        for (const bp of bps) db.message(`Deleted ${bp}`);
        return;
      }
      for (const i of arg.split(/\s+/)) {
        const bp = bpByNumber(db, i);
        if (!bp) continue;
        db.clearBpbynumber(i);
        db.message(`Deleted ${bp}`);
      }
    },
  ),

  command(
    ["disable"],
    `
    disable bpnumber [bpnumber ...]

    Disables the breakpoints given as a space separated list of
    breakpoint numbers.  Disabling a breakpoint means it cannot
    cause the program to stop execution, but unlike clearing a
    breakpoint, it remains in the list of breakpoints and can be
    (re-)enabled.`,
    (db, arg) => enableDisable(db, arg, false),
  ),

  command(
    ["enable"],
    `
    enable bpnumber [bpnumber ...]

    Enables the breakpoints given as a space separated list of
    breakpoint numbers.`,
    (db, arg) => enableDisable(db, arg, true),
  ),

  command(
    ["ignore"],
    `
    ignore bpnumber [count]

    Set the ignore count for the given breakpoint number.  If
    count is omitted, the ignore count is set to 0.  A breakpoint
    becomes active when the ignore count is zero.  When non-zero,
    the count is decremented each time the breakpoint is reached
    and the breakpoint is not disabled and any associated
    condition evaluates to true.`,
    (db, arg) => {
      const args = arg.split(/\s+/).filter(Boolean);
      if (args.length === 0) return db.error("Breakpoint number expected");
      let count = 0;
      if (args.length === 2) {
        if (!/^[-+]?\d+$/.test(args[1])) return db.printInvalidArg("ignore", arg);
        count = Number(args[1]);
      } else if (args.length > 2) {
        return db.printInvalidArg("ignore", arg);
      }
      const bp = bpByNumber(db, args[0]);
      if (!bp) return;
      bp.ignore = count;
      if (count > 0) {
        const countstr = count > 1 ? `${count} crossings` : "1 crossing";
        db.message(`Will ignore next ${countstr} of breakpoint ${bp.number}.`);
      } else {
        db.message(`Will stop next time breakpoint ${bp.number} is reached.`);
      }
    },
  ),

  command(
    ["condition"],
    `
    condition bpnumber [condition]

    Set a new condition for the breakpoint, an expression which
    must evaluate to true before the breakpoint is honored.  If
    condition is absent, any existing condition is removed; i.e.,
    the breakpoint is made unconditional.`,
    (db, arg) => {
      const space = arg.search(/\s/);
      const num = space < 0 ? arg : arg.slice(0, space);
      const cond = space < 0 ? null : arg.slice(space + 1).trim() || null;
      if (cond !== null) {
        const err = db.compileError(cond);
        if (err) return db.error(`Invalid condition ${cond}: ${err}`);
      }
      if (!num) return db.error("Breakpoint number expected");
      const bp = bpByNumber(db, num);
      if (!bp) return;
      bp.cond = cond;
      if (!cond) db.message(`Breakpoint ${bp.number} is now unconditional.`);
      else db.message(`New condition set for breakpoint ${bp.number}.`);
    },
  ),
];
