/**
 * The user's own files: `.tsdbrc` (commands run at the first stop, as
 * pdb's `.pdbrc`) and the history of the commands typed at a terminal.
 * A file another local user could have written is never read: its lines
 * would run as the user's commands.
 */
import { closeSync, fstatSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The text of a file owned by this user and writable by nobody else; null when absent, or (after a warning) when unsafe. */
export function readPrivate(file: string, warn: (text: string) => void): string | null {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch {
    return null;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) {
    warn(`not reading ${file}: it is not private to you (owner or write permission of others)`);
    return null;
  }
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The commands of `~/.tsdbrc` then `./.tsdbrc` (blank lines and `#` comments dropped). */
export function rcLines(warn: (text: string) => void): string[] {
  const home = join(homedir(), ".tsdbrc");
  const here = resolve(".tsdbrc");
  const files = here === home ? [home] : [home, here];
  const lines: string[] = [];
  for (const file of files) {
    const text = readPrivate(file, warn);
    if (text === null) continue;
    for (const line of text.split(/\r?\n/)) if (line.trim() !== "" && !line.trim().startsWith("#")) lines.push(line);
  }
  return lines;
}

const HISTORY_LIMIT = 1000;

/** The history of commands typed at a terminal, kept in `~/.tsdb_history` (mode 0600) across sessions. */
export class History {
  readonly lines: string[] = [];
  private readonly file: string;

  constructor(file = join(homedir(), ".tsdb_history")) {
    this.file = file;
    const text = readPrivate(file, () => {});
    if (text !== null)
      this.lines.push(
        ...text
          .split("\n")
          .filter((l) => l !== "")
          .slice(-HISTORY_LIMIT),
      );
  }

  /** Adds a line (not a repeat of the last one) and appends it to the file. */
  add(line: string): void {
    if (line.trim() === "" || this.lines[this.lines.length - 1] === line) return;
    this.lines.push(line);
    try {
      const fd = openSync(this.file, "a", 0o600);
      try {
        // an existing file of someone else, or one others may write, is left alone
        const stat = fstatSync(fd);
        const uid = process.getuid?.();
        if (uid === undefined || (stat.uid === uid && (stat.mode & 0o077) === 0)) writeSync(fd, line.replace(/\n/g, " ") + "\n");
      } finally {
        closeSync(fd);
      }
    } catch {
      // no home directory to write to: the history lasts for this session
    }
  }
}
