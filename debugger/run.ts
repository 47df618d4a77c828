/**
 * A script under the debugger in this process (`tsdb script`): the session around the program
 * (first stop, Ctrl-C, post-mortem, restart, the end), once main.ts has read the command line
 * and installed the load-time hooks.
 */
import { dirname } from "node:path";
import { inspect } from "node:util";
import {
  gettrace,
  gettraceback,
  setinterrupthandler,
  settrace,
  setwatch,
  takeinterrupt,
  type TraceFunction,
  type Watch,
} from "../runtime/index.js";
import { ownBuiltins } from "../common/own-builtins.js";
import { Control } from "../control/control.js";
import { Tsdb } from "./debugger.js";
import { hideOwnFrames } from "./format.js";
import { complete } from "./completion.js";
import { type LineReader, openReader, stdout, TerminalReader, writeAll } from "./io.js";
import { filterConfigured, instrumentToo, breakpointProblem, moduleHooks, runScript, willInstrument } from "./loader.js";
import { restore, runAgain, takeState } from "./restart.js";
import { rcLines } from "./user-files.js";

export interface ScriptRun {
  /** as given on the command line */
  script: string;
  args: string[];
  absolute: string;
  /** its real path */
  mainFile: string;
  /** it runs as an ES module */
  esm: boolean;
  /** -c commands */
  commands: string[];
}

/** A trace function that stays installed when the debugger has nothing to trace: tracebacks keep being recorded for post-mortem. */
const keeper: TraceFunction = () => null;
const NOTHING: Watch = { calls: () => false, lines: () => false };

export function debugScript({ script, args, absolute, mainFile, esm, commands }: ScriptRun): void {
  const out = stdout;
  let quitting = false;
  let finished = false;
  let postMortemActive = false;
  const warn = (text: string) => out.write(`*** ${text}\n`);
  const restarted = takeState(warn);
  const reader = openReader(out);
  // At a terminal the control worker (Ctrl-C while the program runs, below) starts when the first
  // prompt is shown, to be ready by the time a person has typed a command; from a pipe, when the
  // program first runs on.
  const input: LineReader =
    reader instanceof TerminalReader
      ? {
          readline: (prompt) => {
            startControl();
            return reader.readline(prompt);
          },
          close: () => reader.close(),
        }
      : reader;
  const dbg = new Tsdb({
    out,
    reader: input,
    mainFile,
    searchDirs: [dirname(mainFile)],
    onQuit: () => {
      quitting = true;
      // Quitting a post-mortem session ends a program that died of its exception. (The program's
      // exit handlers run with its own built-ins.)
      ownBuiltins.asProgram(() => process.exit(postMortemActive ? 1 : 0));
    },
  });

  if (reader instanceof TerminalReader) reader.completer = (line, cursor) => complete(dbg, line, cursor);

  process.on("exit", (code) => {
    reader.close();
    if (quitting || finished) return;
    finished = true;
    out.write(`The program finished with exit code ${code}\n`);
  });

  // Ctrl-C while the program runs: the control worker raises the interrupt request; running code
  // stops at its next line, an idle program at once (between events). The process itself ignores SIGINT.
  // The worker (a thread and a helper process) is not started before the first prompt, and never
  // for a session that quits there from a pipe.
  setinterrupthandler((frame) => dbg.interrupt(frame));
  process.on("SIGINT", () => {});
  let controlStarted = false;
  function startControl(): void {
    if (controlStarted) return;
    controlStarted = true;
    new Control({ signals: true, attach: null, reasons: null }, () => takeinterrupt());
  }
  const programRuns = () => {
    moduleHooks();
    startControl();
  };
  // Code typed at a stop may import ES modules too.
  dbg.beforeEvaluate = moduleHooks;

  const postMortem = (error: unknown) => {
    if (postMortemActive) {
      writeAll(2, `${describe(error)}\n`);
      return;
    }
    postMortemActive = true;
    settrace(null);
    dbg.debuggerStatements = false;
    writeAll(2, `${describe(error)}\n`);
    // (no traceback: thrown outside instrumented code, e.g. a syntax error while loading)
    if (gettraceback(error) !== null) {
      out.write("Uncaught exception. Entering post mortem debugging\n");
      out.write("Running 'cont' or 'step' will end the program\n");
      dbg.postMortem(error);
      out.write("Post mortem debugger finished.\n");
    }
    process.exit(1);
  };
  process.on("uncaughtException", (error) => {
    // A program with its own handler deals with its exceptions itself.
    if (process.listenerCount("uncaughtException") > 1) return;
    postMortem(error);
  });

  // The debugger only follows the program while it has something to do; the
  // keeper keeps tracebacks (post-mortem) and locals (`up`, `p`) recorded.
  const afterStop = () => {
    programRuns();
    if (gettrace() === null && !quitting) {
      settrace(keeper);
      // the keeper acts on no event: none is dispatched
      setwatch(NOTHING);
    }
  };
  dbg.afterInteraction = afterStop;
  dbg.restart = (newArgs) => {
    quitting = true;
    runAgain(dbg, absolute, newArgs ?? args, []);
  };
  // A file with a breakpoint is instrumented when it loads, even outside the include settings or in node_modules.
  dbg.instrumentFile = (file) => {
    if (willInstrument(file)) return;
    instrumentToo(file);
    const problem = breakpointProblem(file);
    if (problem !== null) warn(problem);
  };

  if (!willInstrument(mainFile)) {
    const settings = filterConfigured()
      ? 'the include/exclude settings (TSDB_INCLUDE, TSDB_EXCLUDE or "tsdb" in package.json)'
      : "the files tsdb instruments";
    warn(`${script} is outside ${settings}: instrumenting it anyway, so that the debugger can stop in it`);
    instrumentToo(mainFile);
  }
  if (restarted) restore(dbg, restarted);
  else dbg.cmdqueue.push(...rcLines(warn), ...commands);

  // From plain code: stops at the first line of instrumented code, and makes `debugger;` statements stop.
  dbg.setTrace();
  runScript(mainFile, esm).then(() => {
    if (dbg.waitForMain) {
      // The script holds no line of code: nothing ever stopped.
      dbg.waitForMain = false;
    }
  }, postMortem);
}

function describe(error: unknown): string {
  try {
    if (error instanceof Error) return hideOwnFrames(inspect(error));
    return `Uncaught ${hideOwnFrames(inspect(error))}`;
  } catch {
    return "Uncaught exception";
  }
}
