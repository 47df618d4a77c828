/** `help`: the list of commands, or one command's help text. */
import { command, helpText } from "../command.js";
import { columnize } from "../format.js";

/** Help for `!` (the statements and expressions typed at the prompt). */
const EXEC_HELP = `(!) statement

Execute the (one-line) statement or expression in the context of
the current stack frame; the value of an expression is printed.
The exclamation point can be omitted unless the first word of the
statement resembles a debugger command, e.g.:
(tsdb) ! n = 42
(tsdb)

Assignments to the frame's variables stick (except to const bindings).`;

export const help = [
  command(
    ["help", "h"],
    `
    h(elp) [command]

    Without argument, print the list of available commands.
    With a command name as argument, print help about that command.
    "help exec" gives help on the ! command.`,
    (db, arg) => {
      if (!arg) {
        db.message("");
        db.message("Documented commands (type help <topic>):");
        db.message("========================================");
        for (const row of columnize(db.commands.names())) db.message(row);
        db.message("");
        db.message("Miscellaneous help topics:");
        db.message("==========================");
        db.message("exec");
        db.message("");
        return;
      }
      if (arg === "exec" || arg === "!") return db.message(EXEC_HELP);
      const spec = db.commands.lookup(arg);
      if (!spec) return db.error(`No help for '${arg}'`);
      db.message(helpText(spec.doc, " ".repeat(db.prompt.length)));
    },
  ),
];
