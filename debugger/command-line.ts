/**
 * The `tsdb` command line: `tsdb [-h] [--version] [-c command] [--no-capture] script [args ...] | -p PID`,
 * read before the debugger loads (start.ts decides from it whether Node's hooks thread starts at once).
 */
import { tsdbVersion } from "../common/package.js";

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

/** What the command line asks for. */
export type CommandLine =
  /** `text` to print (on stderr when `error`), then exit with `status`: help, version, a usage error */
  | { kind: "print"; text: string; error: boolean; status: number }
  /** `-p PID` */
  | { kind: "attach"; pid: string }
  | { kind: "run"; script: string; args: string[]; commands: string[] };

const usageError = (message: string): CommandLine => ({
  kind: "print",
  text: `${USAGE}\ntsdb: error: ${message}\n`,
  error: true,
  status: 2,
});

export function parseCommandLine(argv: string[]): CommandLine {
  const commands: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    if (a === "-h" || a === "--help") return { kind: "print", text: DESCRIPTION + "\n", error: false, status: 0 };
    if (a === "--version" || a === "-V") return { kind: "print", text: `tsdb ${tsdbVersion()}\n`, error: false, status: 0 };
    if (a === "-c" || a === "--command") {
      if (i + 1 >= argv.length) return usageError("argument -c/--command: expected one argument");
      commands.push(argv[++i]);
      continue;
    }
    if (a === "-p" || a === "--pid") {
      if (i + 1 >= argv.length) return usageError("argument -p/--pid: expected one argument");
      return { kind: "attach", pid: argv[i + 1] };
    }
    if (a === "--no-capture") continue;
    if (a.startsWith("--command=")) {
      commands.push(a.slice("--command=".length));
      continue;
    }
    return usageError(`unrecognized arguments: ${a}`);
  }
  if (i >= argv.length) return usageError("no script to run");
  return { kind: "run", script: argv[i], args: argv.slice(i + 1), commands };
}
