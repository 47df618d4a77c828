/**
 * Tab in `tsdb -p PID`: the line editor waits for its candidates synchronously (in raw mode, inside
 * `readline`), while the session's connection is served by the event loop it blocks. So the
 * question goes over a connection of its own (protocol.ts `completions`), kept by this worker
 * thread: the editor posts `{ id, line, cursor }` and waits on shared memory for the answer with
 * that id.
 */
import { connect } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { encode, messages, type ToDebugger } from "./protocol.js";

export interface CompleterData {
  socket: string;
  key: string;
  /** Int32 [0] the id answered, [1] the answer's length; then the answer (JSON) */
  slot: SharedArrayBuffer;
}

const { socket, key, slot } = workerData as CompleterData;
const state = new Int32Array(slot, 0, 2);
const bytes = new Uint8Array(slot, 8);
/** The ids of the questions sent, in order: answers come in the same order. */
const asked: number[] = [];

const connection = connect(socket);
connection.on("connect", () => connection.write(encode({ t: "hello", key, completions: true })));
connection.on("error", () => {});
connection.on(
  "data",
  messages<ToDebugger>((message) => {
    if (message.t !== "completion") return;
    const id = asked.shift();
    if (id === undefined) return;
    const encoded = Buffer.from(JSON.stringify({ start: message.start, candidates: message.candidates }), "utf8");
    if (encoded.length > bytes.length) return;
    bytes.set(encoded);
    state[1] = encoded.length;
    Atomics.store(state, 0, id);
    Atomics.notify(state, 0);
  }),
);

parentPort!.on("message", (question: { id: number; line: string; cursor: number }) => {
  asked.push(question.id);
  connection.write(encode({ t: "complete", line: question.line, cursor: question.cursor }));
});
