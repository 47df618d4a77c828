/**
 * `tsdb [--help] [--version] script [args...]`: runs a JavaScript or
 * TypeScript program under the debugger, as `python -m pdb script` does.
 * (start.ts reads the command line and runs this module's `main`.)
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { CommandLine } from "./command-line.js";
import { stdout, writeAll } from "./io.js";

/**
 * Does what `command` asks. `esm`: its script runs as an ES module (start.ts has started Node's hooks
 * thread for it).
 */
export function main(command: CommandLine, esm: boolean): void {
  if (command.kind === "print") {
    if (command.error) writeAll(2, command.text);
    else stdout.write(command.text);
    process.exit(command.status);
  }
  if (command.kind === "attach") {
    (require("../control/client.js") as typeof import("../control/client.js")).attach(command.pid);
    return;
  }
  const { script, args, commands } = command;
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

  // (the debugger, the hook and the runtime load only now, while the hooks thread boots: their modules run when first required, build.mjs)
  const { debugScript } = require("./run.js") as typeof import("./run.js");
  (require("./loader.js") as typeof import("./loader.js")).installHooks(mainFile, esm);
  debugScript({ script, args, absolute, mainFile, esm, commands });
}
