/** Commands that show and move along the stack: where, up, down. */
import { command } from "../command.js";
import type { Tsdb } from "../debugger.js";

function frameCount(db: Tsdb, arg: string): number | null {
  const text = arg || "1";
  if (!/^[-+]?\d+$/.test(text)) {
    db.error(`Invalid frame count (${arg})`);
    return null;
  }
  return Number(text);
}

export const stack = [
  command(
    ["where", "w", "bt"],
    `
    w(here)

    Print a stack trace, with the most recent frame at the bottom.
    An arrow indicates the "current frame", which determines the
    context of most commands.  'bt' is an alias for this command.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("where", arg);
      for (const entry of db.stack) db.printStackEntry(entry);
    },
  ),

  command(
    ["up", "u"],
    `
    u(p) [count]

    Move the current frame count (default one) levels up in the
    stack trace (to an older frame).`,
    (db, arg) => {
      if (db.curindex === 0) return db.error("Oldest frame");
      const count = frameCount(db, arg);
      if (count === null) return;
      db.selectFrame(count < 0 ? 0 : Math.max(0, db.curindex - count));
    },
  ),

  command(
    ["down", "d"],
    `
    d(own) [count]

    Move the current frame count (default one) levels down in the
    stack trace (to a newer frame).`,
    (db, arg) => {
      if (db.curindex + 1 === db.stack.length) return db.error("Newest frame");
      const count = frameCount(db, arg);
      if (count === null) return;
      db.selectFrame(count < 0 ? db.stack.length - 1 : Math.min(db.stack.length - 1, db.curindex + count));
    },
  ),
];
