/** Commands that resume the program: step, next, until, return, continue, and quitting. */
import { command } from "../command.js";

export const stepping = [
  command(
    ["step", "s"],
    `
    s(tep)

    Execute the current line, stop at the first possible occasion
    (either in a function that is called or in the current
    function).`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("step", arg);
      db.setStep();
      return true;
    },
  ),

  command(
    ["next", "n"],
    `
    n(ext)

    Continue execution until the next line in the current function
    is reached or it returns.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("next", arg);
      db.setNext(db.frame);
      return true;
    },
  ),

  command(
    ["until", "unt"],
    `
    unt(il) [lineno]

    Without argument, continue execution until the line with a
    number greater than the current one is reached.  With a line
    number, continue execution until a line with a number greater
    or equal to that is reached.  In both cases, also stop when
    the current frame returns.`,
    (db, arg) => {
      let lineno: number | null = null;
      if (arg) {
        if (!/^[-+]?\d+$/.test(arg)) return db.error(`Error in argument: '${arg}'`);
        lineno = Number(arg);
        if (lineno <= db.frame.lineno) return db.error('"until" line number is smaller than current line number');
      }
      db.setUntil(db.frame, lineno);
      return true;
    },
  ),

  command(
    ["return", "r"],
    `
    r(eturn)

    Continue execution until the current function returns.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("return", arg);
      db.setReturn(db.frame);
      return true;
    },
  ),

  command(
    ["continue", "c", "cont"],
    `
    c(ont(inue))

    Continue execution, only stop when a breakpoint is encountered.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("continue", arg);
      db.setContinue();
      return true;
    },
  ),

  command(
    ["quit", "q", "exit"],
    `
    q(uit) | exit

    Quit from the debugger. The program being executed is aborted.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("quit", arg);
      return db.quit();
    },
  ),

  command(
    ["detach"],
    `
    detach

    Leave the program running without the debugger (a session started
    with tsdb -p PID): its breakpoints are cleared and it goes on as
    before the attach.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("detach", arg);
      if (db.onDetach === null) return db.error("Not attached to a process (tsdb -p PID): use quit");
      db.onDetach();
      return true;
    },
  ),

  command(
    ["EOF"],
    `
    EOF

    Handles the receipt of EOF as a command.`,
    (db) => {
      db.message("");
      return db.quit();
    },
    { assignable: false },
  ),
];
