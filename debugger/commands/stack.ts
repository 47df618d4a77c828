/** Commands that show and move along the stack: where, up, down. */
import { command } from "../command.js";
import { NO_FRAME, type Tsdb } from "../debugger.js";

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
    ["exceptions"],
    `
    exceptions [number]

    List or change current exception in an exception chain.

    Without arguments, list all the current exception in the exception
    chain: the error being debugged post mortem, the errors it was
    caused by (\`cause\`) and the errors an AggregateError holds
    (\`errors\`).  Exceptions will be numbered, with the current
    exception indicated with an arrow.

    If given an integer as argument, switch to the exception at that
    index.`,
    (db, arg) => {
      const chain = db.exceptionChain;
      if (chain.length === 0) {
        return db.message("Did not find chained exceptions. To move between exceptions, tsdb must be in post mortem debugging.");
      }
      if (!arg) {
        chain.forEach((entry, i) => {
          let text = db.formatExc(entry.error).split("\n")[0];
          if (text.length > 80) text = text.slice(0, 77) + "...";
          const mark = i === db.exceptionIndex ? ">" : " ";
          db.message(`${mark} ${entry.traceback === null ? "  -" : String(i).padStart(3)} ${text}`);
        });
        return;
      }
      if (!/^-?\d+$/.test(arg)) return db.error("Argument must be an integer");
      const number = Number(arg);
      if (number < 0 || number >= chain.length) return db.error("No exception with that number");
      const { traceback } = chain[number];
      if (traceback === null) return db.error("This exception does not have a traceback, cannot jump to it");
      db.exceptionIndex = number;
      db.switchTo(traceback);
    },
  ),

  command(
    ["where", "w", "bt"],
    `
    w(here) [count]

    Print a stack trace, with the most recent frame at the bottom.
    If count is not specified, print the full stack.  If count is 0,
    print the current frame entry.  If count is positive, print
    count entries from the most recent frame.  If count is negative,
    print -count entries from the least recent frame.
    An arrow indicates the "current frame", which determines the
    context of most commands.  'bt' is an alias for this command.

    Above the oldest frame, the functions that await it (an async
    function resumed by the event loop has no caller frame) are
    listed, marked [awaiting], as the async stack trace shows them.`,
    (db, arg) => {
      if (db.stack.length === 0) return db.message(NO_FRAME);
      let entries = db.stack;
      if (arg) {
        if (!/^[-+]?\d+$/.test(arg)) return db.error(`Invalid count (${arg})`);
        const count = Number(arg);
        if (count === 0) entries = [db.stack[db.curindex]];
        else if (count < 0) entries = db.stack.slice(0, -count);
        else entries = db.stack.slice(-count);
      }
      // the functions awaiting the oldest frame come first (marked), when the listing starts at it
      if (!arg || Number(arg) < 0) for (const caller of db.asyncCallers) db.printAsyncCaller(caller);
      for (const entry of entries) db.printStackEntry(entry);
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
