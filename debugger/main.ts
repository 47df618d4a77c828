/**
 * `tsdb [--help] [--version] script [args...]`: runs a JavaScript or
 * TypeScript program under the debugger, as `python -m pdb script` does.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { inspect } from "node:util";
import {
  gettrace,
  gettraceback,
  loadedcodes,
  setinterrupthandler,
  settrace,
  setwatch,
  takeinterrupt,
  type TraceFunction,
  type Watch,
} from "../runtime/index.js";
import { attach } from "../control/client.js";
import { Control } from "../control/control.js";
import { Tsdb } from "./debugger.js";
import { tsdbVersion } from "../common/package.js";
import { hideOwnFrames } from "./format.js";
import { complete } from "./completion.js";
import { openReader, stdout, TerminalReader, writeAll } from "./io.js";
import { filterConfigured, installHooks, instrumentToo, runScript, willInstrument } from "./loader.js";
import { restore, runAgain, takeState } from "./restart.js";
import { rcLines } from "./user-files.js";

const USAGE = "usage: tsdb [-h] [--version] [-c command] [--no-capture] script [args ...] | -p PID";

const DESCRIPTION = `${USAGE}

Debug the JavaScript or TypeScript program given by script
(.js .mjs .cjs .jsx .ts .tsx .mts .cts), as Python's pdb does.
The program is instrumented as it loads; the debugger stops before
its first line. Type "help" at the (tsdb) prompt for the commands.

positional arguments:
  script        the program to debug
  args          arguments the program sees in process.argv

options:
  -h, --help    show this help message and exit
  --version     show tsdb's version and exit
  -c command, --command command
                a debugger command to run at the first stop, as if typed
                (repeatable; e.g. -c "b app.ts:12" -c continue), after
                those of ~/.tsdbrc and ./.tsdbrc
  -p PID, --pid PID
                attach to the running process PID, started with
                node --import tsdb/register (or --require): it stops where
                it is; 'detach' or 'quit' leaves it running as before
  --no-capture  accepted for compatibility, does nothing: every frame's
                variables are always current`;

/** A trace function that stays installed when the debugger has nothing to trace: tracebacks keep being recorded for post-mortem. */
const keeper: TraceFunction = () => null;
const NOTHING: Watch = { calls: () => false, lines: () => false };

export function main(argv: string[]): void {
  const out = stdout;
  const commands: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    if (a === "-h" || a === "--help") {
      out.write(DESCRIPTION + "\n");
      process.exit(0);
    }
    if (a === "--version" || a === "-V") {
      out.write(`tsdb ${tsdbVersion()}\n`);
      process.exit(0);
    }
    if (a === "-c" || a === "--command") {
      if (i + 1 >= argv.length) {
        writeAll(2, `${USAGE}\ntsdb: error: argument -c/--command: expected one argument\n`);
        process.exit(2);
      }
      commands.push(argv[++i]);
      continue;
    }
    if (a === "-p" || a === "--pid") {
      if (i + 1 >= argv.length) {
        writeAll(2, `${USAGE}\ntsdb: error: argument -p/--pid: expected one argument\n`);
        process.exit(2);
      }
      attach(argv[i + 1]);
      return;
    }
    if (a === "--no-capture") continue;
    if (a.startsWith("--command=")) {
      commands.push(a.slice("--command=".length));
      continue;
    }
    writeAll(2, `${USAGE}\ntsdb: error: unrecognized arguments: ${a}\n`);
    process.exit(2);
  }
  if (i >= argv.length) {
    writeAll(2, `${USAGE}\ntsdb: error: no script to run\n`);
    process.exit(2);
  }
  const script = argv[i];
  const args = argv.slice(i + 1);
  const absolute = resolve(script);
  if (!existsSync(absolute)) {
    writeAll(2, `Error: ${script} does not exist\n`);
    process.exit(1);
  }
  if (statSync(absolute).isDirectory()) {
    writeAll(2, `Error: ${script} is a directory\n`);
    process.exit(1);
  }
  const mainFile = realpathSync(absolute);
  process.argv = [process.argv[0], absolute, ...args];

  let quitting = false;
  let finished = false;
  let postMortemActive = false;
  const warn = (text: string) => out.write(`*** ${text}\n`);
  const restarted = takeState(warn);
  const reader = openReader(out);
  const dbg = new Tsdb({
    out,
    reader,
    mainFile,
    searchDirs: [dirname(mainFile)],
    onQuit: () => {
      quitting = true;
      // Quitting a post-mortem session ends a program that died of its exception.
      process.exit(postMortemActive ? 1 : 0);
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
  setinterrupthandler((frame) => dbg.interrupt(frame));
  new Control({ signals: true, attach: null }, () => takeinterrupt());
  process.on("SIGINT", () => {});

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
    const loaded = (require.cache as Record<string, unknown>)[file] !== undefined;
    if (loaded && !loadedcodes().some((code) => code.filename === file)) {
      warn(
        `${file} was loaded before the breakpoint was set, without instrumentation: the breakpoint cannot hit until the program loads it again ('restart')`,
      );
    }
  };
  installHooks();
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
  runScript(mainFile).then(() => {
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
