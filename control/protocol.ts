/**
 * What goes over the attach socket, one JSON object per line, and between the control worker and
 * the main thread.
 *
 * debugger → program: `hello` (with the key), `line` (an input line), `eof` (end of input),
 * `kbint` (Ctrl-C at the prompt), `interrupt` (Ctrl-C while the program runs).
 * program → debugger: `out` (text to show), `prompt` (read a line), `refused` (why), `bye` (detached),
 * `starting` (the doorbell: the control worker starts, connect to its socket).
 *
 * Tab completion goes over a second connection of the same debugger (`hello` with `completions`),
 * whose end in the debugger waits for the answer while the line editor waits for it: `complete`
 * (the line and the cursor) → `completion` (where the word starts, the candidates), computed by the
 * program's debugger while it waits at its prompt (none while the program runs).
 */
export type ToProgram =
  | { t: "hello"; key: string; completions?: true }
  | { t: "line"; s: string }
  | { t: "eof" }
  | { t: "kbint" }
  | { t: "interrupt" }
  | { t: "complete"; line: string; cursor: number };

export type Completion = { start: number; candidates: string[] };

export type ToDebugger =
  | { t: "out"; s: string }
  | { t: "prompt"; s: string }
  | { t: "refused"; s: string }
  | { t: "bye" }
  | { t: "starting" }
  | ({ t: "completion" } & Completion);

/** Main thread → control worker. */
export type ToWorker = Exclude<ToDebugger, { t: "starting" }>;

/** Control worker → main thread: an interrupt request was raised (`Atomics` flag set) by Ctrl-C or an attach. */
export type FromWorker = { t: "interrupt" } | { t: "attach" } | { t: "gone" };

/**
 * Why the interrupt request was raised (bits of a shared Int32, set before the request):
 * the doorbell asks for the control worker, the control worker for a stop.
 */
export const DOORBELL = 1;
export const WORKER = 2;

/**
 * How long after the start the doorbell is set up: a program that ends sooner never pays for it
 * (loading net and crypto on its thread and making the key cost 30–50 ms of CPU, most of what the
 * doorbell costs; test runners start many processes shorter than this), and it does not compete
 * with loading the program's first modules. `tsdb -p` waits for a young program's doorbell
 * (client.ts, DOORBELL_SECONDS).
 */
export const DOORBELL_DELAY_MS = 2000;

/** States of the line slot the main thread waits on (`Atomics.wait` on index 0). */
export const WAITING = 0;
export const LINE = 1;
export const EOF = 2;
export const KBINT = 3;
/** A completion request (the slot holds `{ line, cursor }` as JSON); the main thread answers and waits again. */
export const COMPLETE = 4;

/** Splits a byte stream into JSON messages, one per line. */
export function messages<T>(onMessage: (message: T) => void): (chunk: Buffer) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk.toString("utf8");
    for (let i = pending.indexOf("\n"); i >= 0; i = pending.indexOf("\n")) {
      const text = pending.slice(0, i);
      pending = pending.slice(i + 1);
      if (text) onMessage(JSON.parse(text) as T);
    }
  };
}

export function encode(message: ToProgram | ToDebugger): string {
  return JSON.stringify(message) + "\n";
}
