/**
 * `Tsdb`: the interactive debugger, to tsdb what pdb is to bdb. A `Bdb`
 * subclass whose `user*` methods stop at a prompt and run commands.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";
import { Bdb } from "../bdb/index.js";
import { type Frame, getline, loadedcodes, setdebuggerhook, type Traceback } from "../runtime/index.js";
import { type CommandTable, helpText, looksLikeAssignment, parseLine } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { formatExc, safeRepr } from "./format.js";
import { Interrupt, type LineReader, type Output } from "./io.js";

type StackEntry = [Frame, number];

/** pdb commands tsdb does not have. */
const UNSUPPORTED = new Set<string>(["jump", "j", "run", "restart", "commands", "debug", "interact", "alias", "unalias"]);

export interface TsdbOptions {
  out: Output;
  reader: LineReader;
  /** the canonical path of the main script: the first stop is on its first line */
  mainFile: string;
  /** directories `break file:line` looks in (besides the working directory) */
  searchDirs?: string[];
  /** called for quit (and end of input): ends the process */
  onQuit: () => never;
}

export class Tsdb extends Bdb {
  prompt = "(tsdb) ";
  // userCall stops only where stopHere says (as pdb's user_call): Bdb may skip other call events.
  override userCallOnlyWhenStopping = true;
  readonly out: Output;
  readonly reader: LineReader;
  readonly mainFile: string;
  private readonly searchDirs: string[];
  private readonly onQuit: () => never;

  /** true until the main script's first line: events of other code are let through */
  waitForMain = true;
  lastcmd = "";
  stack: StackEntry[] = [];
  curindex = 0;
  curframe: Frame | null = null;
  /** last line `list` showed, or null to list around the current line */
  lineno: number | null = null;
  /** the line each frame of the traceback being debugged was at (`>>` in listings) */
  readonly tbLineno = new Map<Frame, number>();
  /** display expressions and their last values, per frame */
  readonly displaying = new Map<Frame, Map<string, unknown>>();
  /** the commands this debugger knows */
  readonly commands: CommandTable = COMMANDS;
  /** what getval returns when the expression failed (the error is printed) */
  readonly NOT_FOUND = Symbol("not found");
  /** commands to run before reading more input (`-c` commands, the rest of a `;;` line) */
  cmdqueue: string[] = [];
  private statusPending = false;
  /** called after each stop, once the program is about to go on */
  afterInteraction: (() => void) | null = null;
  /** set while the prompt is active: the command loop must end (a resuming command ran) */
  private resume = false;

  constructor(options: TsdbOptions) {
    super();
    this.out = options.out;
    this.reader = options.reader;
    this.mainFile = options.mainFile;
    this.searchDirs = options.searchDirs ?? [];
    this.onQuit = options.onQuit;
  }

  /** false: `debugger;` statements are ignored (post-mortem) */
  debuggerStatements = true;
  private readonly onDebuggerStatement = (frame: Frame): void => {
    if (this.debuggerStatements) this.setTrace(frame);
  };

  /**
   * Bdb's setTrace, and `debugger;` statements stop for the program's whole
   * life (Bdb honours them only while its trace function is installed, and
   * the CLI runs the program with none between stops when there is no breakpoint).
   */
  override setTrace(frame?: Frame | null): void {
    super.setTrace(frame);
    setdebuggerhook(this.onDebuggerStatement);
  }

  // ------------------------------------------------------------ output

  message(text: string): void {
    this.out.write(text + "\n");
  }

  error(text: string): void {
    this.out.write("*** " + text + "\n");
  }

  // ------------------------------------------------- Bdb's user methods

  override userCall(frame: Frame, _argumentList: unknown): void {
    if (this.waitForMain) return;
    if (this.stopHere(frame)) {
      this.message("--Call--");
      this.interaction(frame, null);
    }
  }

  override userLine(frame: Frame): void {
    if (this.waitForMain) {
      if (this.canonic(frame.code.filename) !== this.mainFile) return;
      this.waitForMain = false;
    }
    this.interaction(frame, null);
  }

  override userReturn(frame: Frame, returnValue: unknown): void {
    if (this.waitForMain) return;
    frame.locals.__return__ = returnValue;
    this.message("--Return--");
    this.interaction(frame, null);
  }

  override userException(frame: Frame, excInfo: [unknown, unknown, Traceback | null]): void {
    if (this.waitForMain) return;
    const [type, value, tb] = excInfo;
    frame.locals.__exception__ = [type, value];
    this.message(formatExc(value));
    this.interaction(frame, tb);
  }

  /** Bdb's hook for deleting a temporary breakpoint once hit: pdb's `do_clear`, the `clear` command. */
  override doClear(arg: string): void {
    this.commands.lookup("clear")!.run(this, arg);
  }

  // ------------------------------------------------------ interaction

  private forget(): void {
    this.lineno = null;
    this.stack = [];
    this.curindex = 0;
    this.curframe = null;
    this.tbLineno.clear();
  }

  private setup(frame: Frame | null, tb: Traceback | null): void {
    this.forget();
    const [stack, index] = this.getStack(frame, tb) as [StackEntry[], number];
    this.stack = stack;
    this.curindex = index;
    for (let t = tb; t !== null; t = t.next) this.tbLineno.set(t.frame, t.lineno);
    this.curframe = this.stack[this.curindex]?.[0] ?? null;
  }

  /** Stops: shows where, then reads and runs commands until one resumes the program. */
  interaction(frame: Frame | null, tb: Traceback | null): void {
    this.setup(frame, tb);
    if (this.curframe === null) {
      this.error("no frame to show");
      return;
    }
    // Where it stopped is shown right before the user is asked for input
    // (not when queued commands, from -c or `;;`, resume the program first).
    this.statusPending = true;
    this.cmdloop();
    this.forget();
    this.afterInteraction?.();
  }

  private cmdloop(): void {
    this.resume = false;
    while (!this.resume) {
      const queued = this.cmdqueue.shift();
      if (queued !== undefined) {
        this.onecmd(queued);
        continue;
      }
      if (this.statusPending) {
        this.statusPending = false;
        this.printStackEntry(this.stack[this.curindex]);
        this.showDisplay();
      }
      let line: string | null;
      try {
        line = this.reader.readline(this.prompt);
      } catch (error) {
        if (error instanceof Interrupt) this.quit();
        throw error;
      }
      if (line === null) line = "EOF";
      this.onecmd(line);
    }
  }

  /** Runs one command line; never throws. */
  onecmd(raw: string): void {
    let line = raw;
    if (line.trim() === "") {
      if (this.lastcmd === "") return;
      line = this.lastcmd;
    } else {
      // `a ;; b`: b runs next (as pdb, the line is split at the first ';;')
      const marker = line.indexOf(";;");
      if (marker >= 0) {
        this.cmdqueue.unshift(line.slice(marker + 2).trimStart());
        line = line.slice(0, marker).trimEnd();
      }
      this.lastcmd = line;
    }
    try {
      this.dispatch(line);
    } catch (error) {
      if (error instanceof Interrupt) this.quit();
      this.error(`internal error: ${formatExc(error)}`);
    }
  }

  private dispatch(line: string): void {
    const { cmd, arg } = parseLine(line);
    if (cmd === "!") {
      this.default(arg);
      return;
    }
    const spec = this.commands.lookup(cmd);
    if (spec === undefined || (spec.assignable !== false && looksLikeAssignment(arg))) {
      if (UNSUPPORTED.has(cmd) && !looksLikeAssignment(arg)) {
        this.error(`'${cmd}' is not supported by tsdb`);
        return;
      }
      this.default(line.trim());
      return;
    }
    if (spec.run(this, arg) === true) this.resume = true;
  }

  /** Ends the process (quit, end of input, Ctrl-C at the prompt). */
  quit(): never {
    this.reader.close();
    return this.onQuit();
  }

  // ---------------------------------------------------------- helpers

  /** The current frame (the one `up`/`down` selected). */
  get frame(): Frame {
    return this.curframe!;
  }

  printStackEntry(entry: StackEntry, prefix = "\n-> "): void {
    const mark = entry[0] === this.curframe ? "> " : "  ";
    this.message(mark + this.formatStackEntry(entry, prefix));
  }

  printInvalidArg(name: string, arg: string): void {
    this.error(arg ? `Invalid argument: ${arg}` : "Argument is required for this command");
    const spec = this.commands.lookup(name);
    if (spec) this.message(helpText(spec.doc, " ".repeat(this.prompt.length), true));
  }

  /** Evaluates in the current frame; prints the error and returns NOT_FOUND on failure. */
  getval(expr: string): unknown {
    try {
      return evalExpression(this.frame, expr);
    } catch (error) {
      this.error(formatExc(error));
      return this.NOT_FOUND;
    }
  }

  /** One line for a thrown value (`TypeError: message`). */
  formatExc(error: unknown): string {
    return formatExc(error);
  }

  /** Evaluates in a frame; a thrown error becomes a marker that `show` prints as `** raised ... **`. */
  getvalExcept(expr: string, frame: Frame = this.frame): unknown {
    try {
      return evalExpression(frame, expr);
    } catch (error) {
      return { [Symbol.for("tsdb.raised")]: `** raised ${formatExc(error)} **` };
    }
  }

  show(value: unknown, expr: string): string {
    if (typeof value === "object" && value !== null && Symbol.for("tsdb.raised") in value) {
      return (value as Record<symbol, string>)[Symbol.for("tsdb.raised")];
    }
    return safeRepr(value, expr);
  }

  /** A syntax error message for an expression, or "". */
  compileError(expr: string): string {
    try {
      new Function(`return (${expr}\n);`);
      return "";
    } catch (error) {
      return formatExc(error);
    }
  }

  // --------------------------------------------------------- default

  /** A line that is no command: a JavaScript statement or expression run in the current frame. */
  default(line: string): void {
    if (line === "") return;
    let value: unknown;
    try {
      // `{a: 1}` is an object, not a block (as in Node's REPL).
      value =
        /^\{/.test(line) && !/;\s*$/.test(line) && !this.compileError(line) ? evalExpression(this.frame, line) : this.frame.eval(line);
    } catch (error) {
      this.error(formatExc(error));
      return;
    }
    if (value !== undefined && !isAssignment(line)) this.message(safeRepr(value, line));
  }

  // ------------------------------------------------- frames and files

  /** Makes stack entry `index` the current frame and shows it. */
  selectFrame(index: number): void {
    this.curindex = index;
    this.curframe = this.stack[index][0];
    this.printStackEntry(this.stack[index]);
    this.lineno = null;
  }

  /** Shows the display expressions of the current frame whose value changed. */
  private showDisplay(): void {
    const displaying = this.curframe ? this.displaying.get(this.curframe) : undefined;
    if (!displaying) return;
    for (const [expr, oldvalue] of displaying) {
      const newvalue = this.getvalExcept(expr);
      if (!sameValue(newvalue, oldvalue)) {
        displaying.set(expr, newvalue);
        this.message(`display ${expr}: ${this.show(newvalue, expr)}  [old: ${this.show(oldvalue, expr)}]`);
      }
    }
  }

  /** The file break/clear mean by `name`: a path (absolute, from the cwd or the script's directory) or a loaded file's tail. */
  lookupFile(name: string): string | null {
    const candidates: string[] = [];
    if (isAbsolute(name)) candidates.push(name);
    else for (const dir of [process.cwd(), ...this.searchDirs]) candidates.push(resolve(dir, name));
    const exts = ["", ".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"];
    for (const c of candidates) {
      for (const ext of exts) {
        const p = c + ext;
        try {
          if (existsSync(p) && statSync(p).isFile()) return this.canonic(realpathSync(p));
        } catch {
          // next
        }
      }
    }
    for (const f of loadedcodes()) {
      if (f.filename === name || f.filename.endsWith(sep + name) || f.module === name) return this.canonic(f.filename);
      for (const ext of exts.slice(1)) if (f.filename.endsWith(sep + name + ext)) return this.canonic(f.filename);
    }
    return null;
  }

  /** The current frame's file. */
  defaultFile(): string {
    return this.canonic(this.frame.code.filename);
  }

  /** pdb's checkline: the line exists and is not blank or a comment. Returns the line or 0. */
  checkline(filename: string, lineno: number): number {
    const line = getline(filename, lineno);
    if (!line) {
      this.message("End of file");
      return 0;
    }
    const text = line.trim();
    if (!text || text.startsWith("//") || text.startsWith("/*") || text.startsWith("*")) {
      this.error("Blank or comment");
      return 0;
    }
    return lineno;
  }
}

/** Evaluates an expression (not a statement: `{a: 1}` is an object) in a frame. */
function evalExpression(frame: Frame, expr: string): unknown {
  return frame.eval(`(${expr}\n)`);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const raised = Symbol.for("tsdb.raised");
    if (raised in a && raised in b) return (a as Record<symbol, unknown>)[raised] === (b as Record<symbol, unknown>)[raised];
  }
  return false;
}

/** `x = 1`, `a.b += 2`, `let y = 3`: statements whose value is not worth printing. */
function isAssignment(line: string): boolean {
  if (/^(?:let|const|var|function|class)\b/.test(line)) return true;
  return /^[\w$.[\]'"]+\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?!=)/.test(line);
}
