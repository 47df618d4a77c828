/**
 * The main thread's end of the control worker (worker.ts): starts it, turns its messages into
 * calls, and reads a line from it while the program is stopped (`Atomics.wait`: the main thread
 * is inside the program's synchronous code and cannot return to its event loop).
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { PRIVATE_THREAD } from "../common/private-thread.js";
import { interruptbuffer } from "../runtime/index.js";
import { COMPLETE, type Completion, EOF, type FromWorker, KBINT, type ToWorker, WAITING } from "./protocol.js";
import type { ControlData } from "./worker.js";

/** What `readline` returns for Ctrl-C at the other end's prompt. */
export const KEYBOARD_INTERRUPT = Symbol("KeyboardInterrupt");

/** The longest input line the channel carries (longer lines are cut). */
const LINE_BYTES = 1 << 16;

export class Control {
  private readonly worker: Worker;
  private readonly state: Int32Array;
  private readonly bytes: Uint8Array;

  /** `onMessage` runs on the main thread's event loop, i.e. when the program is idle. */
  constructor(options: Omit<ControlData, "flag" | "slot">, onMessage: (message: FromWorker) => void) {
    const slot = new SharedArrayBuffer(8 + LINE_BYTES);
    this.state = new Int32Array(slot, 0, 2);
    this.bytes = new Uint8Array(slot, 8);
    const data: ControlData = { ...options, flag: interruptbuffer(), slot };
    // (from dist/: the `tsdb` command runs this code from a bundle, build.mjs)
    this.worker = new Worker(join(__dirname, "..", "control", "worker.js"), {
      ...PRIVATE_THREAD,
      workerData: data,
      stdout: false,
      stderr: false,
    });
    this.worker.on("message", onMessage);
    this.worker.on("error", () => {});
    // The program ends when it would without tsdb.
    this.worker.unref();
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Answers the other end's Tab while a line is read (none: no candidates). */
  completer: ((line: string, cursor: number) => Completion) | null = null;

  /**
   * Shows `prompt` at the other end and waits for a line: null at end of input, KEYBOARD_INTERRUPT on
   * Ctrl-C. Completion requests that come meanwhile are answered here.
   */
  readline(prompt: string): string | null | typeof KEYBOARD_INTERRUPT {
    Atomics.store(this.state, 0, WAITING);
    this.send({ t: "prompt", s: prompt });
    for (;;) {
      Atomics.wait(this.state, 0, WAITING);
      const kind = Atomics.load(this.state, 0);
      if (kind === EOF) return null;
      if (kind === KBINT) return KEYBOARD_INTERRUPT;
      const text = Buffer.from(this.bytes.subarray(0, this.state[1])).toString("utf8");
      if (kind !== COMPLETE) return text;
      const { line, cursor } = JSON.parse(text) as { line: string; cursor: number };
      let answer: Completion = { start: cursor, candidates: [] };
      try {
        answer = this.completer?.(line, cursor) ?? answer;
      } catch {
        // no candidates
      }
      Atomics.store(this.state, 0, WAITING);
      this.send({ t: "completion", ...answer });
    }
  }
}
