/** Commands that show values: p, pp, whatis, args, retval, display, undisplay. */
import { command, type Result } from "../command.js";
import type { Tsdb } from "../debugger.js";
import { prettyRepr, repr, safeRepr } from "../format.js";
import { parameterNames } from "../source.js";

/** True when `expr` is a list of expressions (`a, b`), which pdb prints as a tuple. */
function isList(expr: string): boolean {
  if (!expr.includes(",")) return false;
  try {
    new Function(`return [${expr}\n];`);
    return true;
  } catch {
    return false;
  }
}

function print(db: Tsdb, name: string, arg: string, format: (value: unknown) => string): Result {
  if (!arg) return db.printInvalidArg(name, arg);
  // `p a, b` prints both values (evaluated once, as the elements of an array).
  const list = !db.compileError(arg) && isList(arg);
  const value = db.getval(list ? `[${arg}\n]` : arg);
  if (value === db.NOT_FOUND) return;
  try {
    const values = value as unknown[];
    db.message(list && values.length > 1 ? `(${values.map(format).join(", ")})` : format(list ? values[0] : value));
  } catch (error) {
    db.error(db.formatExc(error));
  }
}

export const inspect = [
  command(
    ["p"],
    `
    p expression

    Print the value of the expression.`,
    (db, arg) => print(db, "p", arg, repr),
    { assignable: false },
  ),

  command(
    ["pp"],
    `
    pp expression

    Pretty-print the value of the expression.`,
    (db, arg) => print(db, "pp", arg, prettyRepr),
    { assignable: false },
  ),

  command(
    ["whatis"],
    `
    whatis expression

    Print the type of the argument.`,
    (db, arg) => {
      if (!arg) return db.printInvalidArg("whatis", arg);
      const value = db.getval(arg);
      if (value === db.NOT_FOUND) return;
      if (typeof value === "function") {
        const text = Function.prototype.toString.call(value);
        if (/^class\b/.test(text)) db.message(`Class ${value.name || "<anonymous>"}`);
        else db.message(`Function ${value.name || "<anonymous>"}`);
        return;
      }
      if (value === null) return db.message("null");
      if (typeof value === "object") {
        let name = "Object";
        try {
          const ctor = (value as object).constructor;
          if (typeof ctor === "function" && ctor.name) name = ctor.name;
        } catch {
          // a Proxy may throw
        }
        return db.message(name);
      }
      db.message(typeof value);
    },
  ),

  command(
    ["args", "a"],
    `
    a(rgs)

    Print the argument list of the current function.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("args", arg);
      const code = db.frame.code;
      if (code.name === "<module>") return;
      const names = parameterNames(code.filename, code.firstlineno, code.name) ?? [];
      const locals = db.frame.locals;
      for (const name of names) {
        if (name in locals) db.message(`${name} = ${safeRepr(locals[name], name)}`);
        else db.message(`${name} = *** undefined ***`);
      }
    },
  ),

  command(
    ["retval", "rv"],
    `
    retval

    Print the return value for the last return of a function.`,
    (db, arg) => {
      if (arg) return db.printInvalidArg("retval", arg);
      const locals = db.frame.locals;
      if ("__return__" in locals) db.message(safeRepr(locals.__return__, "retval"));
      else db.error("Not yet returned!");
    },
  ),

  command(
    ["display"],
    `
    display [expression]

    Display the value of the expression if it changed, each time execution
    stops in the current frame.

    Without expression, list all display expressions for the current frame.`,
    (db, arg) => {
      if (!arg) {
        if (db.displaying.size > 0) {
          db.message("Currently displaying:");
          for (const [expr, value] of db.displaying.get(db.frame) ?? []) db.message(`${expr}: ${db.show(value, expr)}`);
        } else {
          db.message("No expression is being displayed");
        }
        return;
      }
      const err = db.compileError(arg);
      if (err) return db.error(`Unable to display ${arg}: ${err}`);
      const value = db.getvalExcept(arg);
      let map = db.displaying.get(db.frame);
      if (!map) db.displaying.set(db.frame, (map = new Map()));
      map.set(arg, value);
      db.message(`display ${arg}: ${db.show(value, arg)}`);
    },
  ),

  command(
    ["undisplay"],
    `
    undisplay [expression]

    Do not display the expression any more in the current frame.

    Without expression, clear all display expressions for the current frame.`,
    (db, arg) => {
      if (arg) {
        const map = db.displaying.get(db.frame);
        if (!map?.delete(arg)) db.error(`not displaying ${arg}`);
        else if (map.size === 0) db.displaying.delete(db.frame);
      } else {
        db.displaying.delete(db.frame);
      }
    },
  ),
];
