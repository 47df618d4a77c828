/**
 * The control worker: a thread beside the program's main thread that notices what the main
 * thread cannot while it runs synchronous code, and raises the interrupt request flag that
 * generated code reads (runtime `interruptbuffer()`).
 *
 * - `signals`: Ctrl-C of the terminal. A worker receives no signals, and a busy main thread never
 *   runs its SIGINT handler, so a tiny helper process in the same process group (the terminal
 *   sends SIGINT to the whole group) reports each one on a pipe.
 * - `attach`: the session socket `tsdb -p PID` connects to once the doorbell (doorbell.ts) has
 *   started this worker. A debugger that presents the key is the other end of the debugger's channel: its lines are handed to the main thread through shared
 *   memory (the main thread waits with `Atomics.wait` while stopped), the debugger's output is
 *   sent back; its completion connection's requests go the same way, answered at the prompt.
 *
 * The worker never touches the program's state: it raises the flag and posts a message (the main
 * thread takes it between events when no instrumented code runs to see the flag).
 */
import { spawn } from "node:child_process";
import { timingSafeEqual } from "node:crypto";
import { chmodSync, readFileSync, unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { keyPath, sessionPath } from "./paths.js";
import { COMPLETE, EOF, encode, type FromWorker, KBINT, LINE, messages, type ToProgram, type ToWorker, WORKER } from "./protocol.js";

export interface ControlData {
  /** the runtime's interrupt request flag */
  flag: SharedArrayBuffer;
  /** the line slot: Int32 state and length, then the line's bytes */
  slot: SharedArrayBuffer;
  signals: boolean;
  /** the private folder and the pid whose doorbell (doorbell.ts) made the key */
  attach: { dir: string; pid: number } | null;
  /** Int32 [0]: why the request was raised (protocol.ts), beside the doorbell's; null: not attachable */
  reasons: SharedArrayBuffer | null;
}

const data = workerData as ControlData;
const flag = new Int32Array(data.flag);
const state = new Int32Array(data.slot, 0, 2);
const bytes = new Uint8Array(data.slot, 8);
const port = parentPort!;

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** Asks the program to stop: the flag for running code, a message for an idle main thread. */
const reasons = data.reasons === null ? null : new Int32Array(data.reasons);

function raise(kind: "interrupt" | "attach"): void {
  if (reasons !== null) Atomics.or(reasons, 0, WORKER);
  Atomics.store(flag, 0, 1);
  post({ t: kind });
}

// ------------------------------------------------------------- Ctrl-C

/** The helper: reports each SIGINT on its stdout; ends when its stdin closes (the program is gone). */
const HELPER = 'process.on("SIGINT",()=>process.stdout.write("i"));process.stdin.on("end",()=>process.exit(0)).resume()';

if (data.signals) {
  const child = spawn(process.execPath, ["-e", HELPER], { stdio: ["pipe", "pipe", "ignore"], env: {} });
  child.stdout.on("data", () => raise("interrupt"));
  child.on("error", () => {});
}

// ------------------------------------------------------------- attach

/** Lines that came while the main thread was not waiting for one. */
const queued: [number, string][] = [];
let awaiting = false;
let client: Socket | null = null;

/** Hands a line (or EOF, or Ctrl-C) to the main thread, which waits for it in `Atomics.wait`. */
function deliver(kind: number, text = ""): void {
  if (!awaiting) {
    queued.push([kind, text]);
    return;
  }
  awaiting = false;
  const encoded = Buffer.from(text, "utf8");
  const n = Math.min(encoded.length, bytes.length);
  bytes.set(encoded.subarray(0, n));
  state[1] = n;
  Atomics.store(state, 0, kind);
  Atomics.notify(state, 0);
}

/** The attached debugger's completion connection (protocol.ts). */
let completions: Socket | null = null;

port.on("message", (message: ToWorker) => {
  if (message.t === "completion") {
    // The main thread answered and waits for its line again.
    completions?.write(encode(message));
    awaiting = true;
    const next = queued.shift();
    if (next) deliver(next[0], next[1]);
    return;
  }
  if (message.t === "prompt") {
    awaiting = true;
    if (client === null) return deliver(EOF);
    client.write(encode(message));
    const next = queued.shift();
    if (next) deliver(next[0], next[1]);
    return;
  }
  if (client === null) return;
  client.write(encode(message));
  if (message.t === "bye") {
    client.end();
    client = null;
    queued.length = 0;
  }
});

if (data.attach !== null) {
  const { dir, pid } = data.attach;
  const key = Buffer.from(readFileSync(keyPath(dir, pid), "utf8"), "hex");
  const sock = sessionPath(dir, pid);
  try {
    unlinkSync(sock);
  } catch {
    // none
  }
  const server = createServer((socket) => {
    let greeted = false;
    socket.on("error", () => {});
    socket.on(
      "data",
      messages<ToProgram>((message) => {
        if (!greeted) {
          const presented = Buffer.from(message.t === "hello" ? message.key : "", "hex");
          if (presented.length !== key.length || !timingSafeEqual(presented, key)) {
            socket.end(encode({ t: "refused", s: "the debugger did not present this process's key" }));
            return;
          }
          if (message.t === "hello" && message.completions) {
            // The attached debugger's line editor asks for completions here.
            greeted = true;
            completions?.destroy();
            completions = socket;
            return;
          }
          if (client !== null) {
            socket.end(encode({ t: "refused", s: "another debugger is attached to this process" }));
            return;
          }
          greeted = true;
          client = socket;
          queued.length = 0;
          raise("attach");
          return;
        }
        if (message.t === "complete") {
          // Only the main thread waiting at its prompt can answer; while the program runs: nothing.
          if (socket === completions && client !== null && awaiting)
            deliver(COMPLETE, JSON.stringify({ line: message.line, cursor: message.cursor }));
          else socket.write(encode({ t: "completion", start: message.cursor, candidates: [] }));
          return;
        }
        if (socket === completions) return;
        if (message.t === "line") deliver(LINE, message.s);
        else if (message.t === "eof") deliver(EOF);
        else if (message.t === "kbint") deliver(KBINT);
        else if (message.t === "interrupt") raise("interrupt");
      }),
    );
    socket.on("close", () => {
      if (completions === socket) completions = null;
      if (client !== socket) return;
      client = null;
      queued.length = 0;
      // at a prompt: end of input (the session detaches); running: the main thread detaches when idle
      if (awaiting) deliver(EOF);
      else post({ t: "gone" });
    });
  });
  server.listen(sock, () => chmodSync(sock, 0o600));
}
