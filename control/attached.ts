/**
 * The debugger inside a program that `tsdb -p PID` attached to: a `Tsdb` whose channel is the
 * attach socket (through the control worker). Loaded on the first attach only.
 */
import { realpathSync } from "node:fs";
import { complete } from "../debugger/completion.js";
import { Tsdb } from "../debugger/debugger.js";
import { breakpointProblem } from "../debugger/loader.js";
import { instruments, register } from "../register/index.js";
import { Interrupt, type LineReader, type Output } from "../debugger/io.js";
import { type Frame, setdebuggerhook, settrace } from "../runtime/index.js";
import { type Control, KEYBOARD_INTERRUPT } from "./control.js";

export interface AttachedSession {
  /** the runtime's interrupt handler while attached */
  interrupt(frame: Frame | null): void;
  /** the program goes on as before the attach: no breakpoint, no trace function */
  detach(): void;
}

/** The attach socket as the debugger's channel: lines in, text out. */
class SocketChannel implements LineReader, Output {
  constructor(private readonly control: Control) {}

  write(text: string): void {
    this.control.send({ t: "out", s: text });
  }

  readline(prompt: string): string | null {
    const line = this.control.readline(prompt);
    if (line === KEYBOARD_INTERRUPT) throw new Interrupt();
    return line;
  }

  close(): void {}
}

export function openSession(control: Control, closed: () => void): AttachedSession {
  const channel = new SocketChannel(control);
  let mainFile = "";
  try {
    mainFile = realpathSync(process.argv[1] ?? "");
  } catch {
    // node -e, the REPL
  }
  let open = true;
  const detach = () => {
    if (!open) return;
    open = false;
    dbg.clearAllBreaks();
    if (files.length > 0) register();
    settrace(null);
    setdebuggerhook(null);
    control.send({ t: "bye" });
    closed();
  };
  const dbg = new Tsdb({ out: channel, reader: channel, mainFile, onQuit: detach, onDetach: detach });
  dbg.waitForMain = false;
  // A breakpoint in a file the hook does not instrument (node_modules, outside the include
  // settings) makes the hook instrument it when it loads, as in a local session; detaching puts
  // the hook back as it was started (tsdb/register's defaults).
  const files: string[] = [];
  dbg.instrumentFile = (file) => {
    if (instruments(file)) return;
    files.push(file);
    register({ files });
    const problem = breakpointProblem(file);
    if (problem !== null) channel.write(`*** ${problem}\n`);
  };
  control.completer = (line, cursor) => complete(dbg, line, cursor);
  return { interrupt: (frame) => dbg.interrupt(frame), detach };
}
