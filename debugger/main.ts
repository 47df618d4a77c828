/**
 * `tsdb [--help] [--version] script [args...]`: runs a JavaScript or
 * TypeScript program under the debugger, as `python -m pdb script` does.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { tsdbVersion } from "../common/package.js";
import { stdout, writeAll } from "./io.js";
import { installHooks, isModule } from "./loader.js";

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
      (require("../control/client.js") as typeof import("../control/client.js")).attach(argv[i + 1]);
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

  const esm = isModule(mainFile);
  const { debugScript } = require("./run.js") as typeof import("./run.js");
  installHooks(esm);
  debugScript({ script, args, absolute, mainFile, esm, commands });
}
