/**
 * `Tsdb`: the interactive debugger, to tsdb what pdb is to bdb. A `Bdb`
 * subclass whose `user*` methods stop at a prompt and run commands.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";
import { Bdb, Breakpoint } from "../bdb/index.js";
import { type Code, type Frame, getline, getsource, loadedcodes, setdebuggerhook, type Traceback } from "../runtime/index.js";
import { allNames, COMMANDS, EXEC_HELP, helpText, lookup, looksLikeAssignment, parseLine, UNSUPPORTED } from "./commands.js";
import { columnize, formatExc, formatLines, prettyRepr, repr, safeRepr } from "./format.js";
import { Interrupt, type LineReader, type Output } from "./io.js";
import { findFunction, parameterNames } from "./source.js";

type StackEntry = [Frame, number];

/** What a command handler returns: true resumes the program. */
type Result = boolean | void;

const NOT_FOUND = Symbol("not found");

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
  private readonly tbLineno = new Map<Frame, number>();
  private readonly displaying = new Map<Frame, Map<string, unknown>>();
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
    const spec = lookup(cmd);
    if (spec === undefined || (spec.name !== "EOF" && spec.name !== "p" && spec.name !== "pp" && looksLikeAssignment(arg))) {
      if (UNSUPPORTED.has(cmd) && !looksLikeAssignment(arg)) {
        this.error(`'${cmd}' is not supported by tsdb`);
        return;
      }
      this.default(line.trim());
      return;
    }
    if (this.resumed(this.runCommand(spec.name, arg))) this.resume = true;
  }

  private resumed(result: Result): boolean {
    return result === true;
  }

  private runCommand(name: string, arg: string): Result {
    switch (name) {
      case "help":
        return this.doHelp(arg);
      case "where":
        return this.doWhere(arg);
      case "down":
        return this.doDown(arg);
      case "up":
        return this.doUp(arg);
      case "break":
        return this.doBreak(arg, false);
      case "tbreak":
        return this.doBreak(arg, true);
      case "clear":
        return this.doClear(arg);
      case "disable":
        return this.doEnableDisable(arg, false);
      case "enable":
        return this.doEnableDisable(arg, true);
      case "ignore":
        return this.doIgnore(arg);
      case "condition":
        return this.doCondition(arg);
      case "step":
        return this.doStep(arg);
      case "next":
        return this.doNext(arg);
      case "until":
        return this.doUntil(arg);
      case "return":
        return this.doReturn(arg);
      case "retval":
        return this.doRetval(arg);
      case "continue":
        return this.doContinue(arg);
      case "list":
        return this.doList(arg);
      case "longlist":
        return this.doLonglist(arg);
      case "args":
        return this.doArgs(arg);
      case "p":
        return this.doP(arg, repr);
      case "pp":
        return this.doP(arg, prettyRepr);
      case "whatis":
        return this.doWhatis(arg);
      case "display":
        return this.doDisplay(arg);
      case "undisplay":
        return this.doUndisplay(arg);
      case "quit":
        return this.doQuit(arg);
      case "EOF":
        return this.doEOF();
    }
    this.error(`unknown command ${name}`);
  }

  /** Ends the process (quit, end of input, Ctrl-C at the prompt). */
  quit(): never {
    this.reader.close();
    return this.onQuit();
  }

  // ---------------------------------------------------------- helpers

  private get frame(): Frame {
    return this.curframe!;
  }

  printStackEntry(entry: StackEntry, prefix = "\n-> "): void {
    const mark = entry[0] === this.curframe ? "> " : "  ";
    this.message(mark + this.formatStackEntry(entry, prefix));
  }

  private printInvalidArg(name: string, arg: string): void {
    this.error(arg ? `Invalid argument: ${arg}` : "Argument is required for this command");
    const spec = lookup(name);
    if (spec) this.message(helpText(spec.doc, " ".repeat(this.prompt.length), true));
  }

  /** Evaluates in the current frame; prints the error and returns NOT_FOUND on failure. */
  private getval(expr: string): unknown {
    try {
      return evalExpression(this.frame, expr);
    } catch (error) {
      this.error(formatExc(error));
      return NOT_FOUND;
    }
  }

  private getvalExcept(expr: string, frame: Frame = this.frame): unknown {
    try {
      return evalExpression(frame, expr);
    } catch (error) {
      return { [Symbol.for("tsdb.raised")]: `** raised ${formatExc(error)} **` };
    }
  }

  private show(value: unknown, expr: string): string {
    if (typeof value === "object" && value !== null && Symbol.for("tsdb.raised") in value) {
      return (value as Record<symbol, string>)[Symbol.for("tsdb.raised")];
    }
    return safeRepr(value, expr);
  }

  /** A syntax error message for an expression, or "". */
  private compileError(expr: string): string {
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

  // -------------------------------------------------------- commands

  doHelp(arg: string): Result {
    const indent = " ".repeat(this.prompt.length);
    if (!arg) {
      const names = allNames().filter((n) => n !== "EOF");
      this.message("");
      this.message("Documented commands (type help <topic>):");
      this.message("========================================");
      for (const row of columnize(["EOF", ...names])) this.message(row);
      this.message("");
      this.message("Miscellaneous help topics:");
      this.message("==========================");
      this.message("exec");
      this.message("");
      return;
    }
    if (arg === "exec" || arg === "!") {
      this.message(EXEC_HELP);
      return;
    }
    const spec = lookup(arg);
    if (!spec) {
      this.error(`No help for '${arg}'`);
      return;
    }
    this.message(helpText(spec.doc, indent));
  }

  doWhere(arg: string): Result {
    if (arg) return this.printInvalidArg("where", arg);
    for (const entry of this.stack) this.printStackEntry(entry);
  }

  private selectFrame(index: number): void {
    this.curindex = index;
    this.curframe = this.stack[index][0];
    this.printStackEntry(this.stack[index]);
    this.lineno = null;
  }

  private frameCount(arg: string): number | null {
    const text = arg || "1";
    if (!/^[-+]?\d+$/.test(text)) {
      this.error(`Invalid frame count (${arg})`);
      return null;
    }
    return Number(text);
  }

  doUp(arg: string): Result {
    if (this.curindex === 0) return this.error("Oldest frame");
    const count = this.frameCount(arg);
    if (count === null) return;
    this.selectFrame(count < 0 ? 0 : Math.max(0, this.curindex - count));
  }

  doDown(arg: string): Result {
    if (this.curindex + 1 === this.stack.length) return this.error("Newest frame");
    const count = this.frameCount(arg);
    if (count === null) return;
    this.selectFrame(count < 0 ? this.stack.length - 1 : Math.min(this.stack.length - 1, this.curindex + count));
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

  private defaultFile(): string {
    return this.canonic(this.frame.code.filename);
  }

  /** pdb's checkline: line exists and is not blank or a comment. Returns the line or 0. */
  private checkline(filename: string, lineno: number): number {
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

  /** Codes named `name` (or with that qualname) among the loaded files. */
  private codesNamed(name: string): Code[] {
    return loadedcodes().filter((code) => code.name === name || code.qualname === name);
  }

  private firstLine(code: Code): number {
    const lines = [...code.lines].sort((a, b) => a - b);
    return lines.find((l) => l > code.firstlineno) ?? lines[0] ?? code.firstlineno;
  }

  /** `break name`: where the function called `name` starts (loaded code, the frame's value, the source). */
  private resolveFunction(arg: string): { filename: string; lineno: number; funcname: string } | null {
    const here = this.defaultFile();
    const pick = (codes: Code[]) => codes.find((c) => this.canonic(c.filename) === here) ?? codes[0];
    let codes = this.codesNamed(arg);
    if (codes.length === 0) {
      let value: unknown;
      try {
        value = this.frame.eval(arg);
      } catch {
        value = undefined;
      }
      if (typeof value === "function" && value.name) codes = this.codesNamed(value.name);
    }
    if (codes.length > 0) {
      const code = pick(codes);
      return { filename: this.canonic(code.filename), lineno: this.firstLine(code), funcname: code.name };
    }
    // Not loaded yet: a function of the current file, or `module.function` (pdb's form) in another file.
    const parts = arg.split(".");
    const name = parts[parts.length - 1];
    const files = [here];
    if (parts.length > 1) {
      const other = this.lookupFile(parts.slice(0, -1).join("."));
      if (other) files.unshift(other);
    }
    for (const file of files) {
      const fn = findFunction(file, name);
      if (fn) return { filename: file, lineno: fn.bodyLine, funcname: name };
    }
    return null;
  }

  doBreak(arg: string, temporary: boolean): Result {
    if (!arg) {
      const bps = Breakpoint.bpbynumber.filter((bp): bp is Breakpoint => bp !== null);
      if (bps.length > 0) {
        this.message("Num Type         Disp Enb   Where");
        for (const bp of bps) this.message(bp.bpformat());
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
      const err = this.compileError(cond);
      if (err) return this.error(`Invalid condition ${cond}: ${err}`);
      spec = spec.slice(0, comma).trim();
    }
    const colon = spec.lastIndexOf(":");
    if (colon >= 0) {
      const name = spec.slice(0, colon).trim();
      filename = this.lookupFile(name);
      if (!filename) return this.error(`'${name}' not found`);
      const text = spec.slice(colon + 1).trim();
      if (!/^\d+$/.test(text)) return this.error(`Bad lineno: ${text}`);
      lineno = Number(text);
    } else if (/^\d+$/.test(spec)) {
      lineno = Number(spec);
    } else {
      const found = this.resolveFunction(spec);
      if (!found) return this.error(`The specified object '${spec}' is not a function or was not found along the loaded files.`);
      ({ filename, lineno, funcname } = found);
    }
    filename ??= this.defaultFile();
    const line = this.checkline(filename, lineno);
    if (!line) return;
    const err = this.setBreak(filename, line, temporary, cond, funcname);
    if (err) return this.error(String(err));
    const list = this.getBreaks(filename, line);
    const bp = list[list.length - 1];
    this.message(`Breakpoint ${bp.number} at ${bp.file}:${bp.line}`);
  }

  private bpByNumber(arg: string): Breakpoint | null {
    try {
      return this.getBpbynumber(arg);
    } catch (error) {
      this.error(error instanceof Error ? error.message : String(error));
      return null;
    }
  }

  doClear(arg: string): Result {
    if (!arg) {
      let reply: string | null;
      try {
        reply = this.reader.readline("Clear all breaks? ");
      } catch (error) {
        if (error instanceof Interrupt) reply = "no";
        else throw error;
      }
      reply = (reply ?? "no").trim().toLowerCase();
      if (reply === "y" || reply === "yes") {
        const bps = Breakpoint.bpbynumber.filter((bp): bp is Breakpoint => bp !== null);
        this.clearAllBreaks();
        for (const bp of bps) this.message(`Deleted ${bp}`);
      }
      return;
    }
    if (arg.includes(":")) {
      const i = arg.lastIndexOf(":");
      const name = arg.slice(0, i).trim();
      const text = arg.slice(i + 1).trim();
      if (!/^\d+$/.test(text)) return this.error(`Invalid line number (${text})`);
      const filename = this.lookupFile(name) ?? name;
      const lineno = Number(text);
      const bps = [...this.getBreaks(filename, lineno)];
      const err = this.clearBreak(filename, lineno);
      if (err) return this.error(String(err));
      for (const bp of bps) this.message(`Deleted ${bp}`);
      return;
    }
    for (const i of arg.split(/\s+/)) {
      const bp = this.bpByNumber(i);
      if (!bp) continue;
      this.clearBpbynumber(i);
      this.message(`Deleted ${bp}`);
    }
  }

  doEnableDisable(arg: string, enable: boolean): Result {
    if (!arg) return this.printInvalidArg(enable ? "enable" : "disable", arg);
    for (const i of arg.split(/\s+/)) {
      const bp = this.bpByNumber(i);
      if (!bp) continue;
      if (enable) bp.enable();
      else bp.disable();
      this.message(`${enable ? "Enabled" : "Disabled"} ${bp}`);
    }
  }

  doIgnore(arg: string): Result {
    const args = arg.split(/\s+/).filter(Boolean);
    if (args.length === 0) return this.error("Breakpoint number expected");
    let count = 0;
    if (args.length === 2) {
      if (!/^[-+]?\d+$/.test(args[1])) return this.printInvalidArg("ignore", arg);
      count = Number(args[1]);
    } else if (args.length > 2) {
      return this.printInvalidArg("ignore", arg);
    }
    const bp = this.bpByNumber(args[0]);
    if (!bp) return;
    bp.ignore = count;
    if (count > 0) {
      const countstr = count > 1 ? `${count} crossings` : "1 crossing";
      this.message(`Will ignore next ${countstr} of breakpoint ${bp.number}.`);
    } else {
      this.message(`Will stop next time breakpoint ${bp.number} is reached.`);
    }
  }

  doCondition(arg: string): Result {
    const space = arg.search(/\s/);
    const num = space < 0 ? arg : arg.slice(0, space);
    const cond = space < 0 ? null : arg.slice(space + 1).trim() || null;
    if (cond !== null) {
      const err = this.compileError(cond);
      if (err) return this.error(`Invalid condition ${cond}: ${err}`);
    }
    if (!num) return this.error("Breakpoint number expected");
    const bp = this.bpByNumber(num);
    if (!bp) return;
    bp.cond = cond;
    if (!cond) this.message(`Breakpoint ${bp.number} is now unconditional.`);
    else this.message(`New condition set for breakpoint ${bp.number}.`);
  }

  doStep(arg: string): Result {
    if (arg) return this.printInvalidArg("step", arg);
    this.setStep();
    return true;
  }

  doNext(arg: string): Result {
    if (arg) return this.printInvalidArg("next", arg);
    this.setNext(this.frame);
    return true;
  }

  doUntil(arg: string): Result {
    let lineno: number | null = null;
    if (arg) {
      if (!/^[-+]?\d+$/.test(arg)) return this.error(`Error in argument: '${arg}'`);
      lineno = Number(arg);
      if (lineno <= this.frame.lineno) return this.error('"until" line number is smaller than current line number');
    }
    this.setUntil(this.frame, lineno);
    return true;
  }

  doReturn(arg: string): Result {
    if (arg) return this.printInvalidArg("return", arg);
    this.setReturn(this.frame);
    return true;
  }

  doContinue(arg: string): Result {
    if (arg) return this.printInvalidArg("continue", arg);
    this.setContinue();
    return true;
  }

  doQuit(arg: string): Result {
    if (arg) return this.printInvalidArg("quit", arg);
    this.quit();
  }

  doEOF(): Result {
    this.message("");
    this.quit();
  }

  doRetval(arg: string): Result {
    if (arg) return this.printInvalidArg("retval", arg);
    const locals = this.frame.locals;
    if ("__return__" in locals) this.message(safeRepr(locals.__return__, "retval"));
    else this.error("Not yet returned!");
  }

  doArgs(arg: string): Result {
    if (arg) return this.printInvalidArg("args", arg);
    const code = this.frame.code;
    if (code.name === "<module>") return;
    const names = parameterNames(code.filename, code.firstlineno, code.name) ?? [];
    const locals = this.frame.locals;
    for (const name of names) {
      if (name in locals) this.message(`${name} = ${safeRepr(locals[name], name)}`);
      else this.message(`${name} = *** undefined ***`);
    }
  }

  doP(arg: string, format: (value: unknown) => string): Result {
    if (!arg) return this.printInvalidArg(format === repr ? "p" : "pp", arg);
    const value = this.getval(arg);
    if (value === NOT_FOUND) return;
    try {
      this.message(format(value));
    } catch (error) {
      this.error(formatExc(error));
    }
  }

  doWhatis(arg: string): Result {
    if (!arg) return this.printInvalidArg("whatis", arg);
    const value = this.getval(arg);
    if (value === NOT_FOUND) return;
    if (typeof value === "function") {
      const text = Function.prototype.toString.call(value);
      if (/^class\b/.test(text)) this.message(`Class ${value.name || "<anonymous>"}`);
      else this.message(`Function ${value.name || "<anonymous>"}`);
      return;
    }
    if (value === null) return this.message("null");
    if (typeof value === "object") {
      let name = "Object";
      try {
        const ctor = (value as object).constructor;
        if (typeof ctor === "function" && ctor.name) name = ctor.name;
      } catch {
        // a Proxy may throw
      }
      return this.message(name);
    }
    this.message(typeof value);
  }

  private sourceLines(filename: string): string[] {
    const text = getsource(filename);
    if (text === undefined) return [];
    const lines = text.split("\n");
    if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    return lines;
  }

  doList(arg: string): Result {
    this.lastcmd = "list";
    let first: number;
    let last: number | null = null;
    if (arg && arg !== ".") {
      const m = /^\s*([-+]?\d+)\s*(?:,\s*([-+]?\d+)\s*)?$/.exec(arg);
      if (!m) return this.error(`Error in argument: '${arg}'`);
      if (m[2] !== undefined) {
        first = Number(m[1]);
        last = Number(m[2]);
        if (last < first) last = first + last;
      } else {
        first = Math.max(1, Number(m[1]) - 5);
      }
    } else if (this.lineno === null || arg === ".") {
      first = Math.max(1, this.frame.lineno - 5);
    } else {
      first = this.lineno + 1;
    }
    if (last === null) last = first + 10;
    const filename = this.frame.code.filename;
    const lines = this.sourceLines(filename);
    const breaks = this.getFileBreaks(this.canonic(filename));
    const shown = lines.slice(Math.max(0, first - 1), last);
    for (const row of formatLines(shown, Math.max(1, first), breaks, this.frame.lineno, this.tbLineno.get(this.frame) ?? -1))
      this.message(row);
    this.lineno = Math.min(last, lines.length);
    if (lines.length < last) this.message("[EOF]");
  }

  doLonglist(arg: string): Result {
    if (arg) return this.printInvalidArg("longlist", arg);
    const code = this.frame.code;
    const lines = this.sourceLines(code.filename);
    if (lines.length === 0) return this.error("could not get source code");
    let first = 1;
    let last = lines.length;
    if (code.name !== "<module>") {
      first = code.firstlineno;
      last = Math.min(code.lastlineno, lines.length);
    }
    const breaks = this.getFileBreaks(this.canonic(code.filename));
    for (const row of formatLines(lines.slice(first - 1, last), first, breaks, this.frame.lineno, this.tbLineno.get(this.frame) ?? -1))
      this.message(row);
  }

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

  doDisplay(arg: string): Result {
    if (!arg) {
      if (this.displaying.size > 0) {
        this.message("Currently displaying:");
        for (const [expr, value] of this.displaying.get(this.frame) ?? []) this.message(`${expr}: ${this.show(value, expr)}`);
      } else {
        this.message("No expression is being displayed");
      }
      return;
    }
    const err = this.compileError(arg);
    if (err) return this.error(`Unable to display ${arg}: ${err}`);
    const value = this.getvalExcept(arg);
    let map = this.displaying.get(this.frame);
    if (!map) this.displaying.set(this.frame, (map = new Map()));
    map.set(arg, value);
    this.message(`display ${arg}: ${this.show(value, arg)}`);
  }

  doUndisplay(arg: string): Result {
    if (arg) {
      const map = this.displaying.get(this.frame);
      if (!map?.delete(arg)) this.error(`not displaying ${arg}`);
      else if (map.size === 0) this.displaying.delete(this.frame);
    } else {
      this.displaying.delete(this.frame);
    }
  }

  /** Every command name with its help (for tests and `help`). */
  static commands(): readonly { name: string }[] {
    return COMMANDS;
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
