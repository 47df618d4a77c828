/** Commands about the session itself: alias, unalias, debug, interact, jump (why not), restart/run. */
import { Script } from "node:vm";
import { BdbQuit } from "../../bdb/index.js";
import { calltracing, type Frame, settrace } from "../../runtime/index.js";
import { command } from "../command.js";
import { withGlobals } from "../convenience.js";
import { Tsdb } from "../debugger.js";
import { Interrupt } from "../io.js";
import { ownBuiltins } from "../../common/own-builtins.js";

/** The frame's variables as an object (Bdb.run's `locals`): reads resolve as in the frame, writes go to its variables. */
function frameScope(frame: Frame): object {
  const resolvable = (name: string) => {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return false;
    try {
      frame.eval(name);
      return true;
    } catch {
      return false;
    }
  };
  return new Proxy(Object.create(null) as object, {
    has: (_target, name) => typeof name === "string" && resolvable(name),
    get: (_target, name) => (typeof name === "string" && resolvable(name) ? frame.eval(name) : undefined),
    set: (_target, name, value) => {
      if (typeof name !== "string") return false;
      frame.locals[name] = value;
      return true;
    },
  });
}

/** Names a line declares at its top level: `function f`, `class C`, `let/const/var x` (simple declarators). */
function declaredNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/(?:^|;|\n)\s*(?:(?:async\s+)?function\s*\*?\s*|class\s+|(?:let|const|var)\s+)([A-Za-z_$][\w$]*)/g))
    names.push(m[1]);
  return names;
}

/** The syntax error of statements, or "". */
function statementError(text: string): string {
  try {
    new Script(text);
    return "";
  } catch (error) {
    return String(error);
  }
}

/** Splits an argument line as a POSIX shell would (quotes and backslashes), for `restart args`. */
export function shellSplit(text: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error("No closing quotation");
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let value = "";
      for (i++; i < text.length && text[i] !== '"'; i++) value += text[i] === "\\" && i + 1 < text.length ? text[++i] : text[i];
      if (i >= text.length) throw new Error("No closing quotation");
      word = (word ?? "") + value;
    } else if (ch === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== null) out.push(word);
  return out;
}

export const session = [
  command(
    ["alias"],
    `
    alias [name [command]]

    Create an alias called 'name' that executes 'command'.  The
    command must *not* be enclosed in quotes.  Replaceable
    parameters can be indicated by %1, %2, and so on, while %* is
    replaced by all the parameters.  If no command is given, the
    current alias for name is shown. If no name is given, all
    aliases are listed.

    Aliases may be nested and can contain anything that can be
    legally typed at the tsdb prompt.  Note!  You *can* override
    internal tsdb commands with aliases!  Those internal commands
    are then hidden until the alias is removed.  Aliasing is
    recursively applied to the first word of the command line; all
    other words in the line are left alone.

    As an example, here are two useful aliases:
    alias pk for (const k of Object.keys(%1)) console.log(\`%1.\${k} =\`, %1[k])
    alias ps pk this`,
    (db, arg) => {
      const args = arg.split(/\s+/).filter(Boolean);
      if (args.length === 0) {
        for (const name of [...db.aliases.keys()].sort()) db.message(`${name} = ${db.aliases.get(name)}`);
        return;
      }
      if (args.length === 1) {
        if (db.aliases.has(args[0])) db.message(`${args[0]} = ${db.aliases.get(args[0])}`);
        else db.error(`Unknown alias '${args[0]}'`);
        return;
      }
      const text = arg.slice(arg.indexOf(args[0]) + args[0].length).trim();
      if (!text.includes("%*")) {
        // %1..%9 must be consecutive
        let consecutive = true;
        for (let i = 1; i < 10; i++) {
          if (!text.includes(`%${i}`)) consecutive = false;
          else if (!consecutive) return db.error("Replaceable parameters must be consecutive");
        }
      }
      db.aliases.set(args[0], text);
    },
    { assignable: false },
  ),

  command(
    ["unalias"],
    `
    unalias name

    Delete the specified alias.`,
    (db, arg) => {
      const args = arg.split(/\s+/).filter(Boolean);
      if (args.length === 0) return db.printInvalidArg("unalias", arg);
      db.aliases.delete(args[0]);
    },
  ),

  command(
    ["debug"],
    `
    debug code

    Enter a recursive debugger that steps through the code
    argument (which is an arbitrary expression or statement to be
    executed in the current environment).`,
    (db, arg) => {
      if (!arg) return db.printInvalidArg("debug", arg);
      const frame = db.frame;
      settrace(null);
      const inner = new Tsdb({
        out: db.out,
        reader: db.reader,
        mainFile: db.mainFile,
        prompt: `(${db.prompt.trim()}) `,
        onQuit: () => inner.setQuit(),
      });
      inner.waitForMain = false;
      for (const [name, text] of db.aliases) inner.aliases.set(name, text);
      db.message("ENTERING RECURSIVE DEBUGGER");
      try {
        const scope = frameScope(frame);
        ownBuiltins.asProgram(() => calltracing(() => inner.run(arg, globalThis, scope)));
      } catch (error) {
        if (!(error instanceof BdbQuit)) db.error(db.formatExc(error));
      }
      db.message("LEAVING RECURSIVE DEBUGGER");
      settrace(db.traceDispatch);
      db.lastcmd = inner.lastcmd;
    },
  ),

  command(
    ["interact"],
    `
    interact

    Start an interactive interpreter whose scope is the current
    frame's: every name the program sees there can be used (and
    assigned, as with !).  End it with Ctrl-D (end of input).`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("interact", arg);
      db.message("*tsdb interact start*");
      const names = new Map<string, unknown>();
      let pending = "";
      for (;;) {
        let line: string | null;
        try {
          line = db.reader.readline(pending ? "... " : ">>> ");
        } catch (error) {
          if (!(error instanceof Interrupt)) throw error;
          db.message("KeyboardInterrupt");
          pending = "";
          continue;
        }
        if (line === null) break;
        const text = pending + line;
        if (text.trim() === "") continue;
        // An unfinished statement (an open brace, a trailing operator) goes on on the next line.
        if (/Unexpected end of input/.test(statementError(text))) {
          pending = text + "\n";
          continue;
        }
        pending = "";
        // What the line declares lives on for the rest of the session (an eval's declarations end with it).
        const declared = declaredNames(text);
        if (declared.length === 0) {
          withGlobals(names, names.keys(), () => db.default(text));
          continue;
        }
        const source = `${text}\n;[${declared.join(", ")}]`;
        withGlobals(names, names.keys(), () => {
          try {
            const values = db.evaluate(db.frame, source) as unknown[];
            for (const [i, name] of declared.entries()) names.set(name, values[i]);
          } catch (error) {
            db.error(db.formatExc(error));
          }
        });
      }
      db.message("");
      db.message("*exit from tsdb interact command*");
    },
  ),

  command(
    ["jump", "j"],
    `
    j(ump) lineno

    Not available in tsdb.  pdb sets the line the frame runs next;
    an instrumented program is ordinary JavaScript run by the
    engine, which has no way to move a running function to another
    statement (instrumentation only observes it: making every
    statement skippable would change the code it runs).
    Instead: "until lineno" or "tbreak lineno" + "continue" run
    forward to a line; "! name = value" changes a variable so that
    the code takes another branch; "restart" runs the program
    again from the start, with the breakpoints kept.`,
    (db) => {
      db.error("jump is not possible in tsdb: the engine cannot move a running function to another line (see 'help jump')");
    },
  ),

  command(
    ["restart", "run"],
    `
    run [args ...]

    Restart the debugged program.  If arguments are given, they are
    split as a shell does and become the program's arguments
    (process.argv.slice(2)); otherwise the arguments are kept.
    Breakpoints (with their conditions, ignore counts and command
    lists), display expressions and aliases are kept.  The program
    runs again in a new process (the session's process waits for it).
    "restart" is an alias for "run".`,
    (db, arg) => {
      let args: string[] | null = null;
      if (arg) {
        try {
          args = shellSplit(arg);
        } catch (error) {
          return db.error(`Cannot run ${arg}: ${db.formatExc(error)}`);
        }
      }
      if (!db.restart) return db.error("restart is not possible here");
      db.restart(args);
      return true;
    },
  ),
];
