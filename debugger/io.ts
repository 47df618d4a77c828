/**
 * The debugger's terminal: synchronous output (so that it never overtakes or
 * falls behind the program's own console output) and synchronous input (the
 * program is stopped inside synchronous code while the debugger reads).
 *
 * Input comes from a pipe or file (read with `fs.readSync` line by line), or
 * from a terminal through a small raw-mode line editor (`LineEditor`).
 */
import * as fs from "node:fs";
import { StringDecoder } from "node:string_decoder";
import type * as Tty from "node:tty";
import { columnize } from "./format.js";
import { History } from "./user-files.js";

/** Completions for a line with the cursor at `cursor`: where the word starts and what may replace it. */
export type Completer = (line: string, cursor: number) => { start: number; candidates: string[] };

// ------------------------------------------------------------------ output

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes all of `text` to `fd`, waiting out EAGAIN on non-blocking pipes. */
export function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text, "utf8");
  while (buf.length > 0) {
    let n: number;
    try {
      n = fs.writeSync(fd, buf);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        sleep(1);
        continue;
      }
      if (code === "EPIPE") return;
      throw error;
    }
    buf = buf.subarray(n);
  }
}

/** Where the debugger writes (stdout by default); tests may swap it. */
export interface Output {
  write(text: string): void;
}

export const stdout: Output = { write: (text) => writeAll(1, text) };

// ------------------------------------------------------------------- input

/** Thrown when the user presses Ctrl-C at the prompt. */
export class Interrupt extends Error {
  constructor() {
    super("KeyboardInterrupt");
  }
}

export interface LineReader {
  /** Reads one line (without its newline); null at end of input. Throws `Interrupt` on Ctrl-C. */
  readline(prompt: string): string | null;
  /** Forgets terminal state (restores cooked mode). */
  close(): void;
}

/**
 * Reads lines from a non-terminal file descriptor (a pipe or a file), one
 * byte at a time: what follows the line stays unread, for the program (its
 * own reads of standard input get the lines the debugger did not take, as
 * with pdb).
 */
export class PipeReader implements LineReader {
  private eof = false;
  private readonly byte = Buffer.alloc(1);

  constructor(
    private readonly fd: number,
    private readonly out: Output,
    private readonly echo = false,
  ) {}

  private readByte(): number {
    for (;;) {
      try {
        return fs.readSync(this.fd, this.byte, 0, 1, null) === 0 ? -1 : this.byte[0];
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          sleep(5);
          continue;
        }
        if (code === "EOF") return -1;
        throw error;
      }
    }
  }

  readline(prompt: string): string | null {
    this.out.write(prompt);
    if (this.eof) return null;
    const bytes: number[] = [];
    for (;;) {
      const b = this.readByte();
      if (b === -1) {
        this.eof = true;
        if (bytes.length === 0) return null;
        break;
      }
      if (b === 10) break;
      bytes.push(b);
    }
    const line = Buffer.from(bytes).toString("utf8").replace(/\r$/, "");
    if (this.echo) this.out.write(line + "\n");
    return line;
  }

  close(): void {}
}

/**
 * A line editor on a terminal: raw mode, blocking reads of /dev/tty.
 * Keys: printable text, Left/Right, Home/End, Ctrl-A/Ctrl-E, Backspace,
 * Delete, Ctrl-U/Ctrl-K, Up/Down (history, kept across sessions), Tab
 * (completion), Enter, Ctrl-C (Interrupt),
 * Ctrl-D on an empty line (end of input).
 */
export class TerminalReader implements LineReader {
  private readonly history: History;
  /** the completer of the prompt (null: Tab inserts nothing) */
  completer: Completer | null = null;
  /** rows of the current input below its first one, where the cursor is */
  private cursorRow = 0;
  private readonly readFd: number;
  private readonly control: Tty.ReadStream;
  private raw = false;
  /** keeps a UTF-8 sequence split between two reads whole */
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly out: Output) {
    this.history = new History();
    // termios belongs to the terminal device, so one descriptor (which libuv
    // makes non-blocking) switches raw mode while another one, opened apart
    // and left blocking, is read.
    const controlFd = fs.openSync("/dev/tty", "r");
    this.control = new (require("node:tty") as typeof Tty).ReadStream(controlFd);
    this.readFd = fs.openSync("/dev/tty", "r");
  }

  private setRaw(on: boolean): void {
    if (this.raw === on) return;
    this.control.setRawMode(on);
    this.raw = on;
  }

  private readBytes(): Buffer {
    const chunk = Buffer.alloc(256);
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(this.readFd, chunk, 0, chunk.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EINTR") {
          sleep(5);
          continue;
        }
        if (code === "EIO") return Buffer.alloc(0);
        throw error;
      }
      return chunk.subarray(0, n);
    }
  }

  readline(prompt: string): string | null {
    this.setRaw(true);
    try {
      return this.edit(prompt);
    } finally {
      this.setRaw(false);
    }
  }

  private edit(prompt: string): string | null {
    let line = "";
    let cursor = 0;
    const history = this.history.lines;
    let hpos = history.length;
    this.cursorRow = 0;
    let saved = "";
    // Redraws the input from its first row (it may wrap over several), then puts the cursor back.
    const redraw = () => {
      const cols = this.columns();
      const up = this.cursorRow > 0 ? `\x1b[${this.cursorRow}A` : "";
      let text = `${up}\r${prompt}${line}\x1b[J`;
      const end = prompt.length + line.length;
      // at the last column the terminal waits to wrap: make it go to the next row
      if (end > 0 && end % cols === 0) text += "\r\n";
      const endRow = Math.floor(end / cols);
      const at = prompt.length + cursor;
      const row = Math.floor(at / cols);
      const col = at % cols;
      if (endRow > row) text += `\x1b[${endRow - row}A`;
      text += "\r" + (col > 0 ? `\x1b[${col}C` : "");
      this.cursorRow = row;
      this.out.write(text);
    };
    let lastKeyWasTab = false;
    this.out.write(prompt);
    let input = "";
    for (;;) {
      if (input.length === 0) {
        const bytes = this.readBytes();
        if (bytes.length === 0) return null;
        input = this.decoder.write(bytes);
        if (input.length === 0) continue;
      }
      // One key (or escape sequence) at a time.
      let key = input[0];
      if (key === "\x1b") {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences start with ESC
        const m = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?/.exec(input);
        key = m ? m[0] : "\x1b";
      } else {
        const cp = input.codePointAt(0)!;
        key = String.fromCodePoint(cp);
      }
      input = input.slice(key.length);
      switch (key) {
        case "\r":
        case "\n": {
          // (raw mode keeps ONLCR: "\n" ends the line on the terminal)
          cursor = line.length;
          redraw();
          this.out.write("\n");
          this.history.add(line);
          return line;
        }
        case "\x03": // Ctrl-C
          this.out.write("^C\n");
          throw new Interrupt();
        case "\x04": // Ctrl-D
          if (line.length === 0) return null;
          if (cursor < line.length) line = line.slice(0, cursor) + line.slice(cursor + 1);
          break;
        case "\x7f":
        case "\b":
          if (cursor > 0) {
            line = line.slice(0, cursor - 1) + line.slice(cursor);
            cursor--;
          }
          break;
        case "\x1b[3~": // Delete
          if (cursor < line.length) line = line.slice(0, cursor) + line.slice(cursor + 1);
          break;
        case "\x01": // Ctrl-A
        case "\x1b[H":
        case "\x1bOH":
        case "\x1b[1~":
          cursor = 0;
          break;
        case "\x05": // Ctrl-E
        case "\x1b[F":
        case "\x1bOF":
        case "\x1b[4~":
          cursor = line.length;
          break;
        case "\x02": // Ctrl-B
        case "\x1b[D":
        case "\x1bOD":
          if (cursor > 0) cursor--;
          break;
        case "\x06": // Ctrl-F
        case "\x1b[C":
        case "\x1bOC":
          if (cursor < line.length) cursor++;
          break;
        case "\x15": // Ctrl-U
          line = line.slice(cursor);
          cursor = 0;
          break;
        case "\x0b": // Ctrl-K
          line = line.slice(0, cursor);
          break;
        case "\x10": // Ctrl-P
        case "\x1b[A":
        case "\x1bOA":
          if (hpos > 0) {
            if (hpos === history.length) saved = line;
            hpos--;
            line = history[hpos];
            cursor = line.length;
          }
          break;
        case "\x0e": // Ctrl-N
        case "\x1b[B":
        case "\x1bOB":
          if (hpos < history.length) {
            hpos++;
            line = hpos === history.length ? saved : history[hpos];
            cursor = line.length;
          }
          break;
        case "\t": {
          if (!this.completer) break;
          const { start, candidates } = this.completer(line, cursor);
          const word = line.slice(start, cursor);
          if (candidates.length === 0) {
            this.out.write("\x07");
            break;
          }
          let common = candidates[0];
          for (const c of candidates) while (!c.startsWith(common)) common = common.slice(0, -1);
          let insert = common.slice(word.length);
          if (candidates.length === 1 && start === 0 && !common.endsWith("/")) insert += " ";
          if (insert) {
            line = line.slice(0, start) + word + insert + line.slice(cursor);
            cursor += insert.length;
          } else if (candidates.length > 1 && lastKeyWasTab) {
            // the second Tab with nothing to add lists the candidates
            this.out.write("\n" + columnize(candidates, this.columns()).join("\n") + "\n");
            this.cursorRow = 0;
          }
          break;
        }
        case "\x0c": // Ctrl-L
          this.out.write("\x1b[H\x1b[2J");
          break;
        default:
          if (key.length > 0 && key >= " " && !key.startsWith("\x1b")) {
            line = line.slice(0, cursor) + key + line.slice(cursor);
            cursor += key.length;
          }
      }
      lastKeyWasTab = key === "\t";
      if (input.length === 0) redraw();
    }
  }

  /** The terminal's width (80 when it does not say). */
  private columns(): number {
    const cols = process.stdout.isTTY ? process.stdout.columns : 0;
    return cols > 0 ? cols : 80;
  }

  close(): void {
    try {
      this.setRaw(false);
    } catch {
      // the terminal may be gone
    }
  }
}

/**
 * True when `fd` is a terminal. A terminal is a character device: a pipe or a file is told so
 * without loading node:tty (and node:net, which it loads: ~5 % of the first prompt, bench/FINDINGS.md §42).
 */
function isTerminal(fd: number): boolean {
  try {
    if (!fs.fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // closed: not a terminal either
  }
  return (require("node:tty") as typeof Tty).isatty(fd);
}

/** The reader for standard input: a line editor on a terminal, a plain reader otherwise. */
export function openReader(out: Output): LineReader {
  if (isTerminal(0)) {
    try {
      return new TerminalReader(out);
    } catch {
      // no controlling terminal: read fd 0 as a stream
    }
  }
  // TSDB_ECHO=1 echoes piped commands after the prompt, so that a transcript reads like a session.
  return new PipeReader(0, out, process.env.TSDB_ECHO === "1");
}
