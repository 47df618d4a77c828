/**
 * Tab completion at the `(tsdb)` prompt, as pdb's: command names (and
 * aliases) for the first word, file names after `break`/`tbreak`/`clear`
 * (and wherever a path is being typed), otherwise the names in scope of the
 * current frame and, after `a.b.`, the properties of that value.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Tsdb } from "./debugger.js";

export interface Completion {
  /** where the completed word starts in the line */
  start: number;
  /** the words that may replace line.slice(start, cursor) */
  candidates: string[];
}

const FILE_COMMANDS = new Set(["break", "b", "tbreak", "clear", "cl"]);

function fileCandidates(word: string): string[] {
  const dir = word.endsWith("/") ? word : dirname(word) === "." && !word.startsWith("./") ? "" : dirname(word) + "/";
  const base = word.slice(dir.length);
  let names: string[];
  try {
    names = readdirSync(resolve(dir || "."));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (!name.startsWith(base) || (name.startsWith(".") && !base.startsWith("."))) continue;
    let isDir = false;
    try {
      isDir = statSync(join(resolve(dir || "."), name)).isDirectory();
    } catch {
      // a dangling link
    }
    out.push(dir + name + (isDir ? "/" : ""));
  }
  return out.sort();
}

/** Names visible in the current frame: its variables, the debugger's convenience variables, globals. */
function scopeNames(db: Tsdb): string[] {
  const names = new Set<string>();
  if (db.curframe) {
    try {
      for (const name of Object.keys(db.curframe.locals)) names.add(name);
    } catch {
      // a frame without a snapshot
    }
  }
  for (const name of Object.getOwnPropertyNames(globalThis)) names.add(name);
  return [...names];
}

/** Property names of a value (own and inherited), without running the program's getters' code more than reading a name does. */
function propertyNames(value: unknown): string[] {
  const names = new Set<string>();
  for (let o: unknown = value; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    try {
      for (const name of Object.getOwnPropertyNames(o)) if (/^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    } catch {
      break; // a Proxy may throw
    }
  }
  return [...names];
}

/** The completions for `line` with the cursor at `cursor`. */
export function complete(db: Tsdb, line: string, cursor: number): Completion {
  const before = line.slice(0, cursor);
  const firstWord = /^\s*(\S*)$/.exec(before);
  if (firstWord) {
    const word = firstWord[1];
    const names = [...db.commands.names(), ...db.aliases.keys()].filter((n) => n.startsWith(word) && n !== "EOF");
    return { start: cursor - word.length, candidates: [...new Set(names)].sort() };
  }
  const command = /^\s*(\S+)\s/.exec(before)![1];
  const pathWord = /[^\s,:]*$/.exec(before)![0];
  if (FILE_COMMANDS.has(command) && !before.slice(before.indexOf(command) + command.length).includes(":")) {
    return { start: cursor - pathWord.length, candidates: fileCandidates(pathWord) };
  }
  // an expression: `name` or `a.b.name`
  const m = /((?:[A-Za-z_$][\w$]*\s*\.\s*)*)([A-Za-z_$][\w$]*)?$/.exec(before)!;
  const prefix = m[2] ?? "";
  const start = cursor - prefix.length;
  if (m[1]) {
    // only a chain of plain names is evaluated (as pdb: no call runs for a completion)
    const object = m[1].replace(/\s*\.\s*$/, "").replace(/\s+/g, "");
    if (!db.curframe) return { start, candidates: [] };
    let value: unknown;
    try {
      value = db.evaluate(db.curframe, object);
    } catch {
      return { start, candidates: [] };
    }
    return {
      start,
      candidates: propertyNames(value)
        .filter((n) => n.startsWith(prefix))
        .sort(),
    };
  }
  if (!prefix) return { start, candidates: [] };
  return {
    start,
    candidates: scopeNames(db)
      .filter((n) => n.startsWith(prefix))
      .sort(),
  };
}
