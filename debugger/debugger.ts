/**
 * `Tsdb`: the interactive debugger, to tsdb what pdb is to bdb. A `Bdb`
 * subclass whose `user*` methods stop at a prompt and run commands.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";
import { runInThisContext, Script } from "node:vm";
import { Bdb } from "../bdb/index.js";
import { type Frame, getline, gettraceback, loadedcodes, type Traceback } from "../runtime/index.js";
import { type CommandTable, helpText, looksLikeAssignment, parseLine } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { ConvenienceVariables } from "./convenience.js";
import { SafeMap } from "../runtime/primordials.js";
import { formatExc, safeRepr } from "./format.js";
import { ownBuiltins } from "../common/own-builtins.js";
import { Interrupt, type LineReader, type Output } from "./io.js";
import { type AsyncCaller, asyncCallers, callerName, currentStack, errorChain, stackOf } from "./stacks.js";

type StackEntry = [Frame, number];

/** The command list of a breakpoint (`commands`). */
export interface BreakpointCommands {
  lines: string[];
  /** `silent`: no location shown when the breakpoint is hit */
  silent: boolean;
  /** false when the list ends with a command that resumes the program */
  prompt: boolean;
}

/** Commands that resume the program (a breakpoint's command list ends at one). */
const RESUMING = new Set(["step", "next", "until", "return", "continue", "quit", "detach", "restart", "EOF"]);

export interface TsdbOptions {
  out: Output;
  reader: LineReader;
  /** the canonical path of the main script: the first stop is on its first line */
  mainFile: string;
  /** directories `break file:line` looks in (besides the working directory) */
  searchDirs?: string[];
  /** called for quit (and end of input): ends the process; or, in a recursive debugger, returns to let it end its run; or, attached, detaches */
  onQuit: () => void;
  /** the `detach` command (an attached session: the program goes on without the debugger); null: not attached */
  onDetach?: (() => void) | null;
  /** the prompt (a recursive debugger's is `((tsdb)) `) */
  prompt?: string;
}

export class Tsdb extends Bdb {
  prompt = "(tsdb) ";
  // userCall stops only where stopHere says (as pdb's user_call): Bdb may skip other call events.
  override userCallOnlyWhenStopping = true;
  readonly out: Output;
  readonly reader: LineReader;
  readonly mainFile: string;
  private readonly searchDirs: string[];
  private readonly onQuit: () => void;
  readonly onDetach: (() => void) | null;

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
  /** display expressions of a previous run (restart): taken up by the first frame of that code that stops */
  readonly pendingDisplays: { filename: string; qualname: string; exprs: string[] }[] = [];
  /** the commands this debugger knows */
  readonly commands: CommandTable = COMMANDS;
  /** what getval returns when the expression failed (the error is printed) */
  readonly NOT_FOUND = Symbol("not found");
  /** commands to run before reading more input (`-c` commands, the rest of a `;;` line) */
  cmdqueue: string[] = [];
  private statusPending = false;
  /** the program's first stop: shown in the module frame (not in a function its first statement runs, e.g. a TypeScript namespace's) */
  private firstStop = false;
  /** the breakpoint just hit has a `silent` command list */
  private silentStop = false;
  /** makes the load-time hook instrument a file that has a breakpoint (set by the command line) */
  instrumentFile: ((filename: string) => void) | null = null;
  /** runs the program again with these arguments (null: the same), keeping the session's settings; set by the command line */
  restart: ((args: string[] | null) => void) | null = null;
  /** called after each stop, once the program is about to go on */
  afterInteraction: (() => void) | null = null;
  /** called before code typed by the user runs (`p`, `!`, `interact`) */
  beforeEvaluate: (() => void) | null = null;
  /** set while the prompt is active: the command loop must end (a resuming command ran) */
  private resume = false;
  /** `alias` definitions */
  readonly aliases = new Map<string, string>();
  /** `commands` lists, by breakpoint number */
  readonly bpCommands = new Map<number, BreakpointCommands>();
  /** the list `commands` is reading, or null */
  private defining: BreakpointCommands | null = null;
  /** the functions awaiting the oldest frame of the stack (V8's async stack trace), oldest first */
  asyncCallers: AsyncCaller[] = [];
  /** post mortem: the error and the errors it came from (causes first), with their tracebacks */
  exceptionChain: { error: unknown; traceback: Traceback | null }[] = [];
  /** the entry of exceptionChain being debugged */
  exceptionIndex = 0;
  /** `$_frame`, `$_retval`, `$_exception` and the user's `$name` variables */
  readonly convenience = new ConvenienceVariables();

  constructor(options: TsdbOptions) {
    super();
    // (before the program runs; for a session attached with tsdb -p, when it attaches)
    ownBuiltins.save();
    this.out = options.out;
    this.reader = options.reader;
    this.mainFile = options.mainFile;
    this.searchDirs = options.searchDirs ?? [];
    this.onQuit = options.onQuit;
    this.onDetach = options.onDetach ?? null;
    if (options.prompt) this.prompt = options.prompt;
  }

  /** false: `debugger;` statements are ignored (post-mortem) */
  debuggerStatements = true;
  /** set when the debugger failed at a stop (see interaction): it stops no more */
  private broken = false;

  /**
   * `debugger;` statements stop for the program's whole life (Bdb honours them only while its
   * trace function is installed, and the CLI runs the program with none between stops when
   * there is no breakpoint).
   */
  protected override debuggerStatement(frame: Frame): void {
    if (this.debuggerStatements) this.setTrace(frame);
  }

  // ------------------------------------------------------- interrupts

  /**
   * The runtime's interrupt handler (Ctrl-C, an attaching debugger): in running code (`frame`),
   * stop at the next line it runs; between events (null), the prompt at once.
   */
  interrupt(frame: Frame | null): void {
    if (frame === null) {
      this.stopBetweenEvents();
      return;
    }
    this.message(INTERRUPTED);
    this.setTrace(frame);
  }

  /**
   * An interrupt request while the program waits for an event (no code of it running): the prompt
   * at once, with no frame. Breakpoints, `p` of globals, `c`, `s` (stops at the first line that
   * runs next) and `q` work; commands that need a frame say there is none.
   */
  private stopBetweenEvents(): void {
    this.message(INTERRUPTED);
    this.setTrace(null);
    // a frame on no chain: `continue` continues (Bdb's botframe null would mean "stop anywhere")
    this.botframe = BETWEEN_EVENTS;
    this.interaction(null, null);
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
      this.stop(() => {
        this.message("--Call--");
        this.stopAt(frame, null);
      });
    }
  }

  override userLine(frame: Frame): void {
    if (this.waitForMain) {
      // The first line of the program: of the main script, or of the first
      // module body to run (an ES module's imports run before it).
      if (this.canonic(frame.code.filename) !== this.mainFile && frame.code.name !== "<module>") return;
      this.waitForMain = false;
      this.firstStop = true;
    }
    this.stop(() => {
      this.queueBreakpointCommands();
      this.stopAt(frame, null);
    });
  }

  /** pdb's bp_commands: the command list of the breakpoint just hit runs before the prompt. */
  private queueBreakpointCommands(): void {
    const number = this.currentbp;
    const list = number ? this.bpCommands.get(number) : undefined;
    if (!list) return;
    this.currentbp = null;
    this.cmdqueue.push(...list.lines, `${RESTORE_LASTCMD} ${this.lastcmd}`);
    if (list.silent) this.silentStop = true;
  }

  override userReturn(frame: Frame, returnValue: unknown): void {
    if (this.waitForMain) return;
    this.stop(() => {
      frame.locals.__return__ = returnValue;
      this.convenience.set("_retval", returnValue);
      this.message("--Return--");
      this.stopAt(frame, null);
    });
  }

  override userException(frame: Frame, excInfo: [unknown, unknown, Traceback | null]): void {
    if (this.waitForMain) return;
    this.stop(() => {
      const [type, value, tb] = excInfo;
      frame.locals.__exception__ = [type, value];
      this.convenience.set("_exception", value);
      this.message(formatExc(value));
      this.stopAt(frame, tb);
    });
  }

  /** Bdb's hook for deleting a temporary breakpoint once hit: pdb's `do_clear`, the `clear` command. */
  override doClear(arg: string): void {
    this.commands.lookup("clear")!.run(this, arg);
  }

  // ------------------------------------------------------ interaction

  /**
   * Post-mortem debugging of an uncaught error, at the frame that threw it.
   * False (nothing shown) when no traceback was recorded for it (thrown
   * outside instrumented code, e.g. a syntax error while loading).
   */
  postMortem(error: unknown): boolean {
    const traceback = gettraceback(error);
    if (traceback === null) return false;
    this.stop(() => {
      this.exceptionChain = errorChain(error).map((e) => ({ error: e, traceback: e === error ? traceback : gettraceback(e) }));
      this.exceptionIndex = this.exceptionChain.length - 1;
      this.convenience.set("_exception", error);
      this.reset();
      this.waitForMain = false;
      this.stopAt(null, traceback);
    });
    return true;
  }

  /** `exceptions n`: debugs another traceback of the chain. */
  switchTo(traceback: Traceback): void {
    this.setup(null, traceback);
    this.printStackEntry(this.stack[this.curindex]);
  }

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
    if (this.firstStop) {
      this.firstStop = false;
      for (let i = this.curindex; i >= 0; i--) {
        if (this.stack[i][0].code.name === "<module>") {
          this.curindex = i;
          break;
        }
      }
    }
    this.curframe = this.stack[this.curindex]?.[0] ?? null;
    this.convenience.set("_frame", this.curframe);
    if (this.pendingDisplays.length > 0 && this.curframe) this.takeDisplays(this.curframe);
  }

  private takeDisplays(frame: Frame): void {
    const i = this.pendingDisplays.findIndex((d) => d.filename === frame.code.filename && d.qualname === frame.code.qualname);
    if (i < 0 || this.displaying.has(frame)) return;
    const [pending] = this.pendingDisplays.splice(i, 1);
    this.displaying.set(frame, new Map(pending.exprs.map((expr) => [expr, NOT_SHOWN])));
  }

  /** Stops: shows where, then reads and runs commands until one resumes the program. */
  interaction(frame: Frame | null, tb: Traceback | null): void {
    this.stop(() => this.stopAt(frame, tb));
  }

  /**
   * Runs the debugger's code of a stop, with the built-ins as tsdb found them (common/own-builtins.ts).
   *
   * An error of tsdb's own code here is not the program's (a property of a built-in the program
   * made read-only can still break it). Thrown on, it would reach the program as an exception of
   * the line it stopped at; instead the debugger says so and lets go.
   */
  private stop(body: () => void): void {
    if (this.broken) return;
    ownBuiltins.ours(() => {
      try {
        body();
      } catch (error) {
        this.letGo(error);
      }
    });
  }

  /** The debugger failed at a stop: said once; no breakpoint, step or `debugger;` stops again, and the program runs on without tracing. */
  private letGo(error: unknown): void {
    this.broken = true;
    this.debuggerStatements = false;
    let reason: string;
    try {
      reason = formatExc(error);
    } catch {
      reason = "an error";
    }
    this.out.write(`*** tsdb failed at this stop (${reason}): the program goes on without the debugger\n`);
    this.breaks = new SafeMap();
    this.setContinue();
  }

  private stopAt(frame: Frame | null, tb: Traceback | null): void {
    this.setup(frame, tb);
    // (a traceback may hold the awaiting frames already: the exception went through them)
    this.asyncCallers = asyncCallers(tb === null ? currentStack() : stackOf(this.exceptionChain[this.exceptionIndex]?.error)).filter(
      (caller) => !this.stack.some(([f, line]) => f.code.filename === caller.filename && line === caller.lineno),
    );
    if (this.curframe === null && (frame !== null || tb !== null)) {
      this.error("no frame to show");
      return;
    }
    // Where it stopped is shown right before the user is asked for input
    // (not when queued commands, from -c or `;;`, resume the program first;
    // nor at a breakpoint whose command list says `silent`).
    this.statusPending = !this.silentStop && this.curframe !== null;
    this.silentStop = false;
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
        line = this.reader.readline(this.defining ? "(com) " : this.prompt);
      } catch (error) {
        if (!(error instanceof Interrupt)) throw error;
        // Ctrl-C at the prompt: the session goes on (as pdb).
        if (this.defining) this.abortDefinition();
        this.message("--KeyboardInterrupt--");
        continue;
      }
      if (line === null) line = "EOF";
      this.onecmd(line);
    }
  }

  /**
   * Reads the command list of a breakpoint (`commands`), up to `end`, with
   * the `(com) ` prompt; runs nested in the command loop.
   */
  defineCommands(number: number): void {
    const previous = this.bpCommands.get(number);
    const list: BreakpointCommands = { lines: [], silent: false, prompt: true };
    this.bpCommands.set(number, list);
    this.defining = list;
    this.definingNumber = number;
    this.definingPrevious = previous;
    const resume = this.resume;
    try {
      this.cmdloop();
    } finally {
      this.defining = null;
      this.resume = resume;
    }
  }

  private definingNumber = 0;
  private definingPrevious: BreakpointCommands | undefined;

  private abortDefinition(): void {
    if (this.definingPrevious) this.bpCommands.set(this.definingNumber, this.definingPrevious);
    else this.bpCommands.delete(this.definingNumber);
    this.defining = null;
    this.resume = true; // ends the nested loop
    this.error("command definition aborted, old commands restored");
  }

  /** One line of a command list being defined; true ends the list. */
  private defineLine(line: string): boolean {
    const list = this.defining!;
    const { cmd, arg } = parseLine(line);
    if (!cmd) return false;
    if (cmd === "silent") {
      list.silent = true;
      return false;
    }
    if (cmd === "end") return true;
    if (cmd === "EOF") {
      this.message("");
      return true;
    }
    list.lines.push(arg ? `${cmd} ${arg}` : cmd);
    const spec = this.commands.lookup(cmd);
    if (spec && RESUMING.has(spec.names[0])) {
      list.prompt = false;
      return true;
    }
    return false;
  }

  /** Runs one command line; never throws. */
  onecmd(raw: string): void {
    if (this.defining) {
      if (this.defineLine(raw)) this.resume = true;
      return;
    }
    if (raw.startsWith(RESTORE_LASTCMD)) {
      this.lastcmd = raw.slice(RESTORE_LASTCMD.length + 1);
      return;
    }
    let line = raw;
    if (line.trim() === "") {
      if (this.lastcmd === "") return;
      line = this.lastcmd;
    } else {
      const expanded = this.expandAliases(line);
      if (expanded === null) return;
      line = expanded;
      // `a ;; b`: b runs next (as pdb, the line is split at the first ';;'; not in an alias definition)
      const marker = parseLine(line).cmd === "alias" ? -1 : line.indexOf(";;");
      if (marker >= 0) {
        this.cmdqueue.unshift(line.slice(marker + 2).trimStart());
        line = line.slice(0, marker).trimEnd();
      }
      this.lastcmd = line;
    }
    try {
      this.dispatch(line);
    } catch (error) {
      if (error instanceof NoFrame) {
        this.error(NO_FRAME);
        return;
      }
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
      this.default(line.trim());
      return;
    }
    if (spec.run(this, arg) === true) this.resume = true;
  }

  /**
   * pdb's alias expansion: while the first word is an alias, it is replaced by
   * its definition, `%1`...`%9` by the arguments and `%*` by all of them.
   * Null (after an error message) when the arguments do not fit.
   */
  private expandAliases(line: string): string | null {
    let args = line.trim().split(/\s+/);
    for (let depth = 0; this.aliases.has(args[0]); depth++) {
      if (depth === 100) {
        this.error(`Alias '${args[0]}' expands to itself`);
        return null;
      }
      let text = this.aliases.get(args[0])!;
      for (let i = 1; i < 10; i++) {
        if (text.includes(`%${i}`)) {
          if (i >= args.length) {
            this.error(`Not enough arguments for alias '${args[0]}'`);
            return null;
          }
          text = text.split(`%${i}`).join(args[i]);
        } else if (!text.includes("%*")) {
          if (i < args.length) {
            this.error(`Too many arguments for alias '${args[0]}'`);
            return null;
          }
          break;
        }
      }
      line = text.split("%*").join(args.slice(1).join(" "));
      args = line.trim().split(/\s+/);
    }
    return line;
  }

  /** Quits: ends the process (quit, end of input); a recursive debugger ends its run instead (and resumes it). */
  quit(): boolean {
    this.onQuit();
    return true;
  }

  // ---------------------------------------------------------- helpers

  /** The current frame (the one `up`/`down` selected); throws NoFrame between events (the command then says so). */
  get frame(): Frame {
    if (this.curframe === null) throw new NoFrame();
    return this.curframe;
  }

  /** Bdb's short form of a return value, run as the program's code (its `inspect` methods see its built-ins). */
  protected override reprReturn(value: unknown): string {
    return ownBuiltins.asProgram(() => super.reprReturn(value));
  }

  printStackEntry(entry: StackEntry, prefix = "\n-> "): void {
    const mark = entry[0] === this.curframe ? "> " : "  ";
    this.message(mark + this.formatStackEntry(entry, prefix));
  }

  /** A function awaiting the oldest frame, as a stack entry marked [awaiting]. */
  printAsyncCaller(caller: AsyncCaller): void {
    this.message(
      `  ${caller.filename}(${caller.lineno})${callerName(caller, loadedcodes())}() [awaiting]\n-> ${(getline(caller.filename, caller.lineno) ?? "").trim()}`,
    );
  }

  printInvalidArg(name: string, arg: string): void {
    this.error(arg ? `Invalid argument: ${arg}` : "Argument is required for this command");
    const spec = this.commands.lookup(name);
    if (spec) this.message(helpText(spec.doc, " ".repeat(this.prompt.length), true));
  }

  /** Runs JavaScript (statements or an expression) in a frame (null: between events, in the global scope), with the convenience variables. */
  evaluate(frame: Frame | null, text: string): unknown {
    this.beforeEvaluate?.();
    return this.convenience.run(text, () => ownBuiltins.asProgram(() => (frame === null ? runInThisContext(text) : frame.eval(text))));
  }

  /** Evaluates an expression (not a statement: `{a: 1}` is an object) in a frame. */
  evalExpression(frame: Frame | null, expr: string): unknown {
    return this.evaluate(frame, `(${expr}\n)`);
  }

  /** Evaluates in the current frame; prints the error and returns NOT_FOUND on failure. */
  getval(expr: string): unknown {
    const syntax = this.compileError(expr);
    if (syntax) {
      this.error(syntax);
      return this.NOT_FOUND;
    }
    try {
      return this.evalExpression(this.curframe, expr);
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
  getvalExcept(expr: string, frame: Frame | null = this.curframe): unknown {
    try {
      return this.evalExpression(frame, expr);
    } catch (error) {
      return { [Symbol.for("tsdb.raised")]: `** raised ${formatExc(error)} **` };
    }
  }

  show(value: unknown, expr: string): string {
    if (value === NOT_SHOWN) return "<not evaluated yet>";
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
    } catch (wrapped) {
      // The message about the text as typed (`(` is unfinished, not followed by a stray `)`).
      try {
        new Script(expr);
      } catch (error) {
        return formatExc(error);
      }
      return formatExc(wrapped);
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
        /^\{/.test(line) && !/;\s*$/.test(line) && !this.compileError(line)
          ? this.evalExpression(this.curframe, line)
          : this.evaluate(this.curframe, line);
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
        if (oldvalue === NOT_SHOWN) this.message(`display ${expr}: ${this.show(newvalue, expr)}`);
        else this.message(`display ${expr}: ${this.show(newvalue, expr)}  [old: ${this.show(oldvalue, expr)}]`);
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

const INTERRUPTED = "\nProgram interrupted. (Use 'cont' to resume).";

/** What commands that need a frame say between events. */
export const NO_FRAME = "No frame is running: the program was stopped between events (waiting for I/O or timers)";

/** Thrown by `Tsdb.frame` when no frame is running. */
class NoFrame extends Error {}

/** The botframe of a stop between events: a frame on no chain, so that `continue` continues. */
const BETWEEN_EVENTS = Object.freeze({ back: null, code: null, lineno: 0 }) as unknown as Frame;

/** The old value of a display expression carried over by restart, not shown yet. */
const NOT_SHOWN = Symbol("not shown");

/** A queued line that puts `lastcmd` back after a breakpoint's command list ran. */
const RESTORE_LASTCMD = "\0restore-lastcmd";

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
