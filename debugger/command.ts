/**
 * What a debugger command is (pdb's `do_x` method with its docstring): the
 * names it answers to, its help text and its handler, in one definition.
 * The commands themselves live in commands/, grouped by what they act on.
 */
import type { Tsdb } from "./debugger.js";

/** What a command handler returns: true resumes the program. */
export type Result = boolean | void;

export interface Command {
  /** every name the command answers to, the full name first */
  readonly names: readonly string[];
  /** help text: the usage line(s), a blank line, the description */
  readonly doc: string;
  /** runs the command; true resumes the program */
  readonly run: (db: Tsdb, arg: string) => Result;
  /** false: `name = value` still runs the command instead of assigning a variable (`p`, `pp`) */
  readonly assignable?: boolean;
}

/** Defines a command: `names` (full name first), its help text (leading newline and indentation are dropped), its handler. */
export function command(names: readonly string[], doc: string, run: Command["run"], options: { assignable?: boolean } = {}): Command {
  const lines = doc.replace(/^\n/, "").replace(/\s+$/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return { names, doc: lines.map((l) => l.slice(indent)).join("\n"), run, ...options };
}

/** A set of commands looked up by any of their names. */
export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(commands: readonly Command[]) {
    for (const c of commands) for (const name of c.names) this.byName.set(name, c);
  }

  /** The command a word names, or undefined. */
  lookup(word: string): Command | undefined {
    return this.byName.get(word);
  }

  /** Every name, sorted as pdb's `help` lists them (`EOF` first: upper case sorts first). */
  names(): string[] {
    return [...this.byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** Characters of a command word (as pdb's identchars: `c.x` or `p(1)` is no command). */
const IDENTCHARS = /^[A-Za-z0-9_$=.[\](),"'+\-*/%@&|<>~^!?`]*/;

export interface ParsedLine {
  /** the command word, or "" */
  cmd: string;
  /** the rest, stripped */
  arg: string;
}

/** Splits a line into its command word and argument, as `cmd.Cmd.parseline`. */
export function parseLine(raw: string): ParsedLine {
  const line = raw.trim();
  if (line.startsWith("!")) return { cmd: "!", arg: line.slice(1).trim() };
  if (line.startsWith("?")) return { cmd: "help", arg: line.slice(1).trim() };
  const word = IDENTCHARS.exec(line)![0];
  return { cmd: word, arg: line.slice(word.length).trim() };
}

/** True when the argument makes the line an assignment (`n = 1`, `c += 2`) rather than the command. */
export function looksLikeAssignment(arg: string): boolean {
  return /^(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?!=)/.test(arg);
}

/** Usage lines and description of a command, laid out as pdb does (`Usage: ` before the first line). */
export function helpText(doc: string, indent: string, usageOnly = false): string {
  const lines = doc.split("\n");
  const usageEnd = lines.includes("") ? lines.indexOf("") : 1;
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i === 0) out.push(indent + "Usage: " + line);
    else if (i < usageEnd) out.push(indent + "       " + line);
    else if (!usageOnly) out.push(line === "" ? "" : indent + line);
  });
  return out.join("\n");
}
